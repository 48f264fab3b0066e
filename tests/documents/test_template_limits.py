"""A template that passes the sample check but loops over the real data (issue 19, item 5): the monthly
report must fail in seconds with a message naming the template, not hang or run out of memory."""

from __future__ import annotations

import time
from datetime import date

import pytest

from par_desktop.documents import templates
from par_desktop.errors import InvalidInput
from par_desktop.services import documents
from par_desktop.services.session import SYSTEM

LOOP = ("{% for i in range(overdue_count * 300) %}{% for j in range(overdue_count * 300) %}{% endfor %}"
        "{% endfor %}")


def _with_loop(body: str) -> str:
    return body.replace("## proposals\n", "## proposals\n" + LOOP + "\n", 1)


@pytest.mark.slow
def test_a_template_that_loops_over_the_real_data_fails_fast_naming_it(demo_db, cli, tmp_path):
    hostile = _with_loop(templates.default_template("monthly_report"))
    documents.save_template(SYSTEM, "monthly_report", date(2024, 1, 1), hostile)   # the sample check passes
    started = time.monotonic()
    run = cli("doc", "monthly-report", "--month", "2024-03", "--out", str(tmp_path / "bc.docx"), db=demo_db,
              timeout=120)
    took = time.monotonic() - started
    assert run.returncode == 1 and run.stderr.startswith("error: Mẫu báo cáo tháng, mục «proposals»")
    assert "vượt giới hạn" in run.stderr and "Traceback" not in run.stderr
    assert took < 60 and not (tmp_path / "bc.docx").exists()


@pytest.mark.parametrize("body, reason", [
    ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}", "vòng lặp quá lớn"),
    ("{% for i in range(99999) %}{{ 'mười ký tự' }}{% endfor %}", "nội dung dài quá"),
    ("{{ 'x'.ljust(4 * 10 ** 9) }}", "không được phép"),
    ("{{ 'x'.center(4000000000) }}", "không được phép"),
])
def test_each_limit_names_the_template_and_the_section(body, reason):
    text = "## opening\n" + body + "\n"
    with pytest.raises(InvalidInput) as refused:
        templates.render_sections(text, {}, None)
    assert refused.value.message.startswith("Mẫu văn bản, mục «opening»") and reason in refused.value.message
