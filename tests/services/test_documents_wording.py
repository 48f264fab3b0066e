"""What the letters say, read back from the generated files on the demo database: reply terms counted
from the issuing date, the plan cited by its number and date, the explanation request's list, the
reminder's headings and ongoing tasks."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader

from par_desktop.db.models import Plan
from par_desktop.domain.text import ui_date
from par_desktop.services import documents as D
from par_desktop.services import settings
from par_desktop.services.calendar import current_calendar
from par_desktop.services.session import Actor
from conftest import pdf_words

OFFICE = Actor("vanthu", "office")
ADMIN = Actor("quantri", "admin")
CITATION = ("Thực hiện Kế hoạch số 38/KH-SLĐTBXH ngày 29/02/2024 của Sở Lao động - Thương binh và Xã hội về nâng cao "
            "Chỉ số cải cách hành chính; Chỉ số hài lòng của người dân, tổ chức năm 2024")


def layout_lines(path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.splitlines()


REMINDER = D.DocRequest("reminder", unit="KHTC", today=date(2024, 7, 15))
EXPLANATION = D.DocRequest("explanation_request", unit="LĐVL", month="2024-07")


def test_a_draft_says_the_reply_term_in_words(demo_db, tmp_path):
    for request, days in ((REMINDER, "05"), (EXPLANATION, "03")):
        text = pdf_words(D.generate(OFFICE, request, tmp_path / f"{request.kind}.pdf").path)
        assert f"trong thời hạn {days} ngày làm việc kể từ ngày ban hành văn bản này" in text
        assert not re.search(r"(trước|chậm nhất) ngày \d", text)
    settings.set_value(ADMIN, "reminders.reply_days", 2)
    text = pdf_words(D.generate(OFFICE, REMINDER, tmp_path / "r2.pdf").path)
    assert "trong thời hạn 02 ngày làm việc kể từ ngày ban hành văn bản này" in text


def test_the_reply_deadline_is_counted_from_the_issuing_date(demo_db, tmp_path):
    # Friday 15/03/2024 + 3 working days (the day itself not counted) = Wednesday 20/03/2024
    path = D.write(OFFICE, EXPLANATION, tmp_path / "cv.docx", number=7, issue_date=date(2024, 3, 15))
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "chậm nhất ngày 20/03/2024" in text and "Số: 07/SLĐTBXH-VP" in "\n".join(
        c.text for row in Document(str(path)).tables[0].rows for c in row.cells)
    # Friday 26/04/2024 + 5: 29/04 (Mon), 30/04 and 01/05 are holidays, Saturday 04/05 is worked → Tuesday 07/05
    path = D.write(OFFICE, REMINDER, tmp_path / "dd.pdf", number=8, issue_date=date(2024, 4, 26))
    assert "chậm nhất ngày 07/05/2024" in pdf_words(path)


def test_issuing_fixes_the_date_and_the_deadline(demo_db, tmp_path):
    result = D.generate(OFFICE, REMINDER, tmp_path / "dd.pdf", issue=True)
    deadline = current_calendar().working_day_after(date.today(), 5)
    text = pdf_words(result.path)
    assert result.issue_date == date.today() and f"chậm nhất ngày {ui_date(deadline)}" in text
    assert current_calendar().workdays(date.fromordinal(date.today().toordinal() + 1), deadline) == 5
    assert "kể từ ngày ban hành" not in text


@pytest.mark.parametrize("request_", [D.DocRequest("monthly_report", month="2024-07"), REMINDER, EXPLANATION],
                         ids=lambda r: r.kind)
def test_letters_cite_the_plan_by_its_number_and_date(demo_db, tmp_path, request_):
    text = pdf_words(D.generate(OFFICE, request_, tmp_path / f"{request_.kind}.pdf").path)
    assert CITATION in text
    assert "Thực hiện Kế hoạch nâng cao" not in text


def test_an_unnumbered_plan_is_cited_by_its_title(demo_db, tmp_path):
    Plan.update(number=None, number_text="", issued_on=None).execute()
    text = pdf_words(D.generate(OFFICE, D.DocRequest("monthly_report", month="2024-07"), tmp_path / "bc.pdf").path)
    assert ("Thực hiện Kế hoạch nâng cao Chỉ số cải cách hành chính, Chỉ số hài lòng của người dân, tổ chức năm 2024 "
            "của Sở Lao động - TB&XH") in text


def test_the_explanation_request_separates_results_not_closed(demo_db, tmp_path):
    """LĐVL, July 2024: one dossier closed late, three with a result but not closed (the plan's footnote 4),
    four without a result — in three groups of a landscape appendix whose codes never break."""
    result = D.generate(OFFICE, EXPLANATION, tmp_path / "cv.pdf")
    text = pdf_words(result.path)
    assert ("có 8 hồ sơ thủ tục hành chính (TTHC) quá hạn giải quyết, gồm: 1 hồ sơ đã kết thúc nhưng quá hạn; "
            "3 hồ sơ đã có kết quả nhưng chưa kết thúc trên phần mềm; 4 hồ sơ chưa có kết quả, đã quá hạn") in text
    pages = PdfReader(str(result.path)).pages
    assert pages[0].mediabox.width < pages[0].mediabox.height and pages[-1].mediabox.width > pages[-1].mediabox.height
    for group in ("I Hồ sơ đã kết thúc nhưng quá hạn (1 hồ sơ)",
                  "II Hồ sơ đã có kết quả nhưng chưa kết thúc trên phần mềm (3 hồ sơ)",
                  "III Hồ sơ chưa có kết quả, đã quá hạn (4 hồ sơ)"):
        assert group in text
    lines = layout_lines(result.path)
    for code in ("000.00.18.H06-240617-00977", "000.00.18.H06-240625-00216", "000.00.18.H06-240112-00180"):
        assert any(code in line for line in lines), code   # whole on one line
    docx = D.generate(OFFICE, EXPLANATION, tmp_path / "cv.docx").path
    table = Document(str(docx)).tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["TT", "Mã hồ sơ", "Thủ tục hành chính", "Người nộp hồ sơ",
                                                     "Tiếp nhận", "Hạn giải quyết", "Có kết quả",
                                                     "Kết thúc trên phần mềm", "Số ngày quá hạn"]
    row = next(r for r in table.rows if r.cells[1].text == "000.00.18.H06-240625-00216")
    assert row.cells[6].text == "03/07/2024\n10:58" and row.cells[7].text == ""


def test_an_ongoing_task_is_never_days_late(demo_db, tmp_path):
    """"Thường xuyên" (III.A.3, every unit) had its 2024 period end without a report: it is listed as not
    reported, without a due date and never "quá hạn N ngày"."""
    request = D.DocRequest("reminder", unit="BTXH", today=date(2025, 12, 1))
    text = pdf_words(D.generate(OFFICE, request, tmp_path / "dd.pdf").path)
    assert "Triển khai thực hiện các hoạt động tuyên truyền về cải cách hành chính" in text
    assert "Chưa báo cáo kết quả thực hiện" in text and "Thường xuyên" in text
    assert not re.search(r"Thường xuyên \(\d\d/\d\d/\d{4}\)", text)
    document = D.build(request)
    late_table, risk_table = [b for b in document.body if type(b).__name__ == "Table"]
    assert all("tuyên truyền" not in r.cell_list()[1].text for r in late_table.rows)
    ongoing = next(r.cell_list() for r in risk_table.rows if "tuyên truyền" in r.cell_list()[1].text)
    assert [c.text for c in ongoing[2:]] == ["Thường xuyên", "Chưa báo cáo kết quả thực hiện"]


def test_reminder_numbers_its_headings_only_when_it_has_both_lists(demo_db, tmp_path):
    only_late = pdf_words(D.generate(OFFICE, REMINDER, tmp_path / "a.pdf").path)
    assert "Đề án chi trả trợ cấp ưu đãi người có công" in only_late
    assert "1. Nhiệm vụ quá hạn" not in only_late and "Nhiệm vụ có nguy cơ chậm tiến độ" not in only_late
    both = pdf_words(D.generate(OFFICE, D.DocRequest("reminder", unit="BTXH", today=date(2025, 12, 1)),
                                tmp_path / "b.pdf").path)
    assert "1. Nhiệm vụ quá hạn" in both and "2. Nhiệm vụ có nguy cơ chậm tiến độ" in both


def test_unit_names_print_in_one_dash_form(demo_db, tmp_path):
    """The demo catalogue writes "Phòng Kế hoạch - Tài chính" and "Phòng Lao động – Việc làm": every
    document prints both with the hyphen of the Department's own name."""
    report = Document(str(D.generate(OFFICE, D.DocRequest("monthly_report", month="2024-07"),
                                     tmp_path / "bc.docx").path))
    names = [cell.text for table in report.tables[1:] for row in table.rows for cell in row.cells
             if "Phòng " in cell.text]
    assert any("Phòng Lao động - Việc làm" in n for n in names) and any("Phòng Kế hoạch - Tài chính" in n for n in names)
    assert not any("–" in n for n in names)
    letter = pdf_words(D.generate(OFFICE, EXPLANATION, tmp_path / "cv.pdf").path)
    assert "Kính gửi: Trưởng phòng Lao động - Việc làm" in letter and "–" not in letter
