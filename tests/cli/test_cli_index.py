"""The PAR INDEX commands as separate processes: the issue's "done when" run on a fresh database (a 2024
plan, a one-stop export and the province's criteria sheet), every document and pack read back, and one
``error:`` line for each bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document

from conftest import run_cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from index_files import (
    PLAN_ROWS, ROWS_2024, write_appraisal_xlsx, write_criteria_xlsx, write_one_stop_xlsx,
)
from plan_files import write_plan_xlsx

# 20 dossiers of 2024: 12 online, 19 closed by their due moment, 1 closed late.
DOSSIERS = [(f"H.2024.{n:03d}", "Trực tuyến" if n < 12 else "Trực tiếp", "04/03/2024 09:00", "11/03/2024 09:00",
             "12/03/2024 10:00" if n == 0 else "08/03/2024 10:00") for n in range(20)]


def ok(result, stdout=None):
    assert result.returncode == 0, result.stderr
    if stdout is not None:
        assert result.stdout == stdout
    return result


def error(result) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A fresh database: the plan, the one-stop export and the criteria sheet imported by the commands."""
    folder = tmp_path_factory.mktemp("index-cli")
    db = folder / "par.db"
    ok(run_cli("init", db=db))
    _units_and_catalogue(db)
    plan = write_plan_xlsx(folder / "ke-hoach.xlsx", PLAN_ROWS, titles=["KẾ HOẠCH CCHC NĂM 2024"])
    ok(run_cli("import", "plan", str(plan), "--year", "2024", db=db))
    ok(run_cli("import", "dossiers", str(write_one_stop_xlsx(folder / "mot-cua.xlsx", DOSSIERS)), db=db))
    sheet = write_criteria_xlsx(folder / "bo-chi-so.xlsx")
    ok(run_cli("index", "import", str(sheet), "--year", "2024", db=db), f"imported {len(ROWS_2024)} criteria\n")
    return {"db": db, "folder": folder}


SETUP = """
import sys
from datetime import date
from par_desktop.db.schema import open_database
from par_desktop.services import org, procedures
from par_desktop.services.session import SYSTEM
open_database(sys.argv[1])
org.set_org_names(SYSTEM, date(2020, 1, 1), org.OrgNames("UBND TỈNH BẮC GIANG", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
                  "Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", "Bắc Giang", "VP"))
org.save_signer(SYSTEM, None, None, name="Trần Văn Hà", title="PHÓ GIÁM ĐỐC", authority="KT. GIÁM ĐỐC", is_default=True)
units = {}
for name, code in (("Văn phòng Sở", "VP"), ("Phòng Người có công", "NCC"), ("Phòng Kế hoạch - Tài chính", "KHTC"),
                   ("Phòng Lao động – Việc làm", "LĐVL")):
    units[code] = org.create_unit(SYSTEM, name, code)
procedures.create_procedure(SYSTEM, code="1.002271", name="Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
                            field="Người có công", limit_days=5, lead_unit_id=units["NCC"].id)
"""


def _units_and_catalogue(db) -> None:
    """The organisation, its signer and units, and the one procedure of the export (as Cài đặt and Danh mục
    record them)."""
    subprocess.run([sys.executable, "-c", SETUP, str(db)], check=True, capture_output=True, text=True)


def test_done_when_maxima_computed_points_and_self_scores(fresh):
    db = fresh["db"]
    ok(run_cli("index", "set-score", "I.1.1", "--year", "2024", "--score", "0,25", "--note", "Ban hành chậm", db=db),
       "ok\n")
    ok(run_cli("index", "set-score", "II.2.1", "--year", "2024", "--score", "1", db=db), "ok\n")
    ok(run_cli("index", "set-score", "IV.1", "--year", "2024", "--score", "-0,5", db=db), "ok\n")
    score = json.loads(ok(run_cli("index", "score", "--year", "2024", "--json", db=db)).stdout)
    assert set(score) >= {"year", "max_total", "self_total", "computed_total", "appraised_total", "criteria"}
    assert (score["year"], score["max_total"], score["self_total"], score["appraised_total"]) == (2024, 10, 0.75, None)
    nodes = {}

    def walk(node, parent=None):
        assert set(node) >= {"code", "title", "max_points", "self_points", "computed_points", "appraised_points",
                             "metric", "metric_value", "evidence_count", "unit", "children"}
        nodes[node["path"]] = node
        for child in node["children"]:
            walk(child, node)
        if node["children"]:
            known = [c["self_points"] for c in node["children"] if c["self_points"] is not None]
            assert node["self_points"] == (sum(known) if known else None)

    for root in score["criteria"]:
        walk(root)
    assert [nodes[p]["max_points"] for p in ("I", "II", "III", "IV")] == [4, 6, 1, -1]
    assert nodes["I.1.1"]["code"] == "1.1" and nodes["I.1.1"]["unit"] == "Văn phòng Sở"
    # 19 of 20 closed by their due moment = 95 % -> "≥95%: 1"; 12 of 20 online = 60 % -> "≥50%: 2"
    assert (nodes["II.1.1"]["metric"], nodes["II.1.1"]["metric_value"], nodes["II.1.1"]["computed_points"]) == \
        ("dossiers_on_time_rate", 95, 1)
    assert (nodes["II.1.2"]["metric_value"], nodes["II.1.2"]["computed_points"]) == (60, 2)
    assert nodes["I.1.1"]["computed_points"] is None and nodes["I.2.2"]["computed_points"] is None
    assert nodes["I.2.1"]["metric_value"] is None and nodes["I.2.1"]["computed_points"] is None  # no unit reports
    assert nodes["II.2.1"]["computed_points"] == 0          # no procedure reviewed
    assert (nodes["I.1.1"]["self_points"], nodes["IV"]["self_points"]) == (0.25, -0.5)
    metrics = json.loads(ok(run_cli("index", "metrics", "--year", "2024", "--json", db=db)).stdout)
    assert metrics["dossiers_on_time_rate"] == {"value": 95.0, "numerator": 19, "denominator": 20}
    assert metrics["unit_reports_on_time_rate"] == {"value": None, "numerator": 0, "denominator": 0}


def test_report_and_pack_list_every_code(fresh, tmp_path):
    db, folder = tmp_path / "copy.db", tmp_path
    shutil.copy(fresh["db"], db)
    ok(run_cli("index", "set-score", "I.1.1", "--year", "2024", "--score", "0,25", "--note", "Ban hành chậm", db=db))
    pdf = folder / "kh.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    ok(run_cli("index", "evidence", "add", "I.1.1", "II.1.1", "--year", "2024", "--file", str(pdf), db=db), "ok\n")
    ok(run_cli("index", "evidence", "add", "I.2.2", "--year", "2024", "--external",
               "Báo cáo số 12/BC-SLĐTBXH ngày 15/12/2024 của Sở về CCHC", db=db), "ok\n")
    codes = [line.split("\t")[0].strip() for line in ok(run_cli("index", "score", "--year", "2024", db=db)).stdout
             .splitlines()[1:-1]]
    assert len(codes) == len(ROWS_2024)
    for ext in ("pdf", "docx"):
        out = folder / f"bao-cao.{ext}"
        ok(run_cli("doc", "self-assessment", "--year", "2024", "--out", str(out), db=db), f"{out}\n")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(folder / "bao-cao.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "BÁO CÁO" in text and "Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2024" in text
    document = Document(str(folder / "bao-cao.docx"))
    appendix = document.tables[-1]
    table_codes = [row.cells[0].text for row in appendix.rows[1:]]
    assert table_codes == [r[0] for r in ROWS_2024]
    assert any("Ban hành chậm" in row.cells[4].text for row in appendix.rows)
    pack = folder / "goi.zip"
    ok(run_cli("index", "evidence-pack", "--year", "2024", "--out", str(pack), db=db), f"{pack}\n")
    with zipfile.ZipFile(pack) as archive:
        folders = {name.split("/")[0] for name in archive.namelist() if "/" in name}
        assert {"I.1.1", "II.1.1", "I.2.2", "IV.1"} <= folders
        assert "I.1.1/I.1.1_01_kh.pdf" in archive.namelist()
    table = folder / "tu-danh-gia.xlsx"
    ok(run_cli("index", "export", "--year", "2024", "--out", str(table), db=db), f"{table}\n")


def test_workflow_and_appraisal_commands(fresh, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(fresh["db"], db)
    ok(run_cli("index", "assign", "II.2.1", "--year", "2024", "--unit", "LĐVL", "--coordinator", "NCC", "--task", "I.1",
               db=db), "ok\n")
    for path, points in (("I.1.1", "0,5"), ("I.1.2", "1,5"), ("I.2.1", "1"), ("I.2.2", "1"), ("II.1.1", "2"),
                         ("II.1.2", "2"), ("II.2.1", "2")):
        ok(run_cli("index", "set-score", path, "--year", "2024", "--score", points, db=db))
    ok(run_cli("index", "lock", "--year", "2024", db=db), "ok\n")
    message = error(run_cli("index", "set-score", "I.1.1", "--year", "2024", "--score", "0", db=db))
    assert "đã khóa" in message
    sheet = write_appraisal_xlsx(tmp_path / "td.xlsx", {"I.1.1": ("0,25", "Ban hành chậm"), "II.2.1": (1, "Rà soát 6%")})
    ok(run_cli("index", "appraisal", str(sheet), "--year", "2024", "--final-index", "85,5", db=db),
       "appraised 2 criteria; 2 differences\n")
    diffs = json.loads(ok(run_cli("index", "differences", "--year", "2024", "--json", db=db)).stdout)
    assert [(d["path"], d["self_points"], d["appraised_points"], d["reason"]) for d in diffs] == [
        ("I.1.1", 0.5, 0.25, "Ban hành chậm"), ("II.2.1", 2, 1, "Rà soát 6%")]
    out = tmp_path / "to-trinh.pdf"
    ok(run_cli("doc", "lost-points", "--year", "2024", "--out", str(out), db=db))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "TỜ TRÌNH" in text and "Phòng Lao động – Việc làm" in text and "Rà soát 6%" in text
    ok(run_cli("index", "copy", "--to", "2025", db=db), f"copied {len(ROWS_2024)} criteria from 2024\n")
    assert ok(run_cli("index", "compare", "--year", "2025", db=db)).stdout.startswith("changes: 0 thay đổi so với năm 2024")


@pytest.mark.parametrize("args, expected", [
    (["index", "set-score", "II.1.1", "--year", "2024", "--score", "3"], "vượt điểm tối đa 2"),
    (["index", "set-score", "I.1.1", "--year", "2024", "--score", "0,3"], "không đúng mức hướng dẫn"),
    (["index", "set-score", "IV.1", "--year", "2024", "--score", "0,5"], "mục trừ điểm"),
    (["index", "set-score", "1.1", "--year", "2024", "--score", "0"], "hãy ghi đủ mã (I.1.1, II.1.1)"),
    (["index", "set-score", "9.9", "--year", "2024", "--score", "0"], "không có tiêu chí mã 9.9"),
    (["index", "set-score", "I.1", "--year", "2024", "--score", "1"], "có tiêu chí con"),
    (["index", "score", "--year", "2031", "--json"], "Chưa có bộ chỉ số CCHC năm 2031"),
    (["index", "evidence-pack", "--year", "2024", "--out", "x.7z"], ".zip"),
])
def test_bad_commands_give_one_error_line(fresh, tmp_path, args, expected):
    db = tmp_path / "copy.db"
    shutil.copy(fresh["db"], db)
    assert expected in error(run_cli(*args, db=db))


def test_bad_files_give_one_error_line_and_change_nothing(fresh, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(fresh["db"], db)
    header = ["STT", "Nội dung", "Ghi chú"]
    no_max = write_criteria_xlsx(tmp_path / "thieu.xlsx", header=header)
    assert "thiếu cột «Điểm tối đa»" in error(run_cli("index", "import", str(no_max), "--year", "2025", db=db))
    exe = tmp_path / "tool.pdf"
    exe.write_bytes(b"MZ\x90\x00\x03")
    assert "chương trình chạy được" in error(run_cli("index", "evidence", "add", "I.1.1", "--year", "2024", "--file",
                                                     str(exe), db=db))
    assert "Không tìm thấy tệp" in error(run_cli("index", "import", str(tmp_path / "khong.xlsx"), "--year", "2025", db=db))
    listing = json.loads(ok(run_cli("index", "evidence", "list", "--year", "2024", "--json", db=db)).stdout)
    assert all(item["filename"] != "tool.pdf" for item in listing)
    assert ok(run_cli("index", "metrics", "--year", "2025", db=db)).stdout.startswith("Chỉ tiêu tự tính năm 2025")



@pytest.mark.skipif(sys.platform == "win32", reason="a full disk is simulated with RLIMIT_FSIZE (POSIX)")
def test_a_full_disk_leaves_no_broken_table_or_pack(fresh, tmp_path):
    """Writing the table or the pack's index sheet fails part-way (the disk is full): one error line, no
    traceback (openpyxl's half-written sheet fails again when collected), no broken file left behind."""
    import resource

    def full_disk():
        resource.setrlimit(resource.RLIMIT_FSIZE, (3000, 3000))

    out = tmp_path / "ra"
    out.mkdir()
    for args in (["index", "export", "--year", "2024", "--out", str(out / "bang.xlsx")],
                 ["index", "evidence-pack", "--year", "2024", "--out", str(out / "tlkc.zip")]):
        result = subprocess.run([sys.executable, "-m", "par_desktop", "--db", str(fresh["db"]), *args],
                                capture_output=True, text=True, timeout=120, preexec_fn=full_disk,
                                cwd=Path(__file__).resolve().parents[2])
        assert "đã đầy" in error(result)
    assert list(out.iterdir()) == []

def test_reading_commands_load_no_qt(fresh):
    probe = ("import sys, contextlib, io\nfrom par_desktop.cli.main import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             f"    main(['--db', {str(fresh['db'])!r}, 'index', 'score', '--year', '2024', '--json'])\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'reportlab', 'docx')))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_accounts_on_the_demo_database(demo_db, cli):
    """Writing needs an account and its password; a unit scores only its rows; reading needs none."""
    refused = error(cli("index", "set-score", "I.4.1", "--year", "2024", "--score", "1", db=demo_db))
    assert "--user" in refused
    ok(cli("index", "set-score", "I.4.1", "--year", "2024", "--score", "1", db=demo_db, user="vanphong"), "ok\n")
    other = error(cli("index", "set-score", "I.1.2", "--year", "2024", "--score", "1", db=demo_db, user="ncc"))
    assert "chỉ được chấm điểm tiêu chí của đơn vị mình" in other
    ok(cli("index", "set-score", "III.1.2", "--year", "2024", "--score", "0,5", db=demo_db, user="ncc"), "ok\n")
    ok(cli("index", "submit", "III.1.2", "--year", "2024", db=demo_db, user="ncc"), "submitted 1\n")
    assert "không có quyền" in error(cli("index", "lock", "--year", "2024", db=demo_db, user="lanhdao"))
    score = json.loads(ok(cli("index", "score", "--year", "2024", "--json", db=demo_db)).stdout)
    nodes = {n["path"]: n for root in score["criteria"] for n in _walk(root)}
    assert (nodes["I.4.1"]["self_points"], nodes["III.1.2"]["state"]) == (1, "submitted")
    assert score["example"] is True


def _walk(node):
    yield node
    for child in node["children"]:
        yield from _walk(child)
