"""The dossier commands as a scheduled job runs them: a separate process, real files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CSV = """\ufeffDANH SÁCH HỒ SƠ TIẾP NHẬN THÁNG 6/2023
Mã hồ sơ,Mã thủ tục,Tên thủ tục,Chủ hồ sơ,Hình thức nộp,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Ngày kết thúc,Trạng thái
CLI-1,1.009811,,Nguyễn Văn An,Trực tiếp,05/06/2023 08:00,,09/06/2023 10:00,09/06/2023 15:00,Đã trả kết quả
CLI-2,,Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam,Lê Thị Bình,Trực tuyến,06/06/2023 09:00,,,13/06/2023 10:00,Đã trả kết quả
CLI-3,1.009811,,Trần Văn Cường,Trực tuyến,10/06/2023 21:00,,15/06/2023 09:00,,Đã có kết quả
"""


@pytest.mark.slow   # a dozen separate processes
def test_import_then_states_and_statistics(demo_db, cli, tmp_path):
    path = tmp_path / "mot-cua.csv"
    path.write_text(CSV, encoding="utf-8")
    out = cli("import", "dossiers", str(path), db=demo_db, user="vanphong")
    assert (out.returncode, out.stdout, out.stderr) == (0, "imported 3 dossiers\n", "")
    again = cli("import", "dossiers", str(path), db=demo_db, user="vanphong")
    assert again.stdout == "imported 3 dossiers\n"

    out = cli("dossiers", "--json", "--at", "2023-06-20 10:00", db=demo_db)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [(r["code"], r["state"], r["due_at"], r["closed_at"]) for r in rows] == [
        ("CLI-1", "early", "2023-06-12T08:00", "2023-06-09T15:00"),
        ("CLI-2", "late", "2023-06-13T09:00", "2023-06-13T10:00"),
        ("CLI-3", "overdue", "2023-06-16T17:00", None)]   # a result without closing keeps the clock running
    assert rows[2] == {"code": "CLI-3", "procedure": rows[0]["procedure"], "field": "Việc làm", "channel": "online",
                       "received_at": "2023-06-10T21:00", "due_at": "2023-06-16T17:00", "closed_at": None,
                       "state": "overdue", "unit": "Phòng Lao động – Việc làm"}
    early = json.loads(cli("dossiers", "--json", "--at", "12/06/2023 16:00", db=demo_db).stdout)
    assert [(r["code"], r["state"], r["closed_at"]) for r in early] == [
        ("CLI-1", "early", "2023-06-09T15:00"), ("CLI-2", "near_due", None), ("CLI-3", "within_time", None)]

    out = cli("stats", "dossiers", "--from", "2023-06-01", "--to", "30/06/2023", "--json", db=demo_db)
    assert out.returncode == 0, out.stderr
    row = {"field": "Việc làm", "received_total": 3, "received_online": 2, "received_direct": 1, "carried_over": 0,
           "resolved_total": 2, "resolved_early": 1, "resolved_on_time": 0, "resolved_late": 1, "pending_total": 1,
           "pending_within_time": 0, "pending_overdue": 1}
    assert json.loads(out.stdout) == {"from": "2023-06-01", "to": "2023-06-30", "rows": [row],
                                      "total": {**row, "field": "Tổng số"}}

    text = cli("stats", "dossiers", "--from", "2023-06-01", "--to", "2023-06-30", db=demo_db).stdout
    assert "Từ ngày 01/06/2023 đến ngày 30/06/2023" in text
    assert "Trước hạn" in text and "Trong hạn" in text
    lines = text.splitlines()
    assert lines[-1].split() == ["Tổng", "số", "3", "2", "1", "0", "2", "1", "0", "1", "1", "0", "1"]
    assert lines[-3].split()[:3] == ["1", "Việc", "làm"]


@pytest.mark.slow
def test_errors_are_one_line(demo_db, cli, tmp_path):
    missing = cli("import", "dossiers", str(tmp_path / "none.xlsx"), db=demo_db, user="vanphong")
    assert missing.returncode == 1 and missing.stderr.startswith("error: Không tìm thấy tệp")
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace("05/06/2023 08:00", "29/02/2023 08:00"), encoding="utf-8")
    out = cli("import", "dossiers", str(bad), db=demo_db, user="vanphong")
    assert out.returncode == 1 and len(out.stderr.splitlines()) == 1
    assert "Dòng 3" in out.stderr and "29/02/2023" in out.stderr and "Traceback" not in out.stderr
    skipped = cli("import", "dossiers", str(bad), "--skip-invalid", db=demo_db, user="vanphong")
    assert skipped.stdout == "imported 2 dossiers\n" and skipped.stderr.startswith("refused: Dòng 3")
    out = cli("stats", "dossiers", "--from", "2024-02-30", "--to", "2024-03-01", db=demo_db)
    assert out.returncode == 1 and out.stderr.startswith("error:")
    out = cli("stats", "dossiers", "--from", "2024-03-01", "--to", "2024-02-01", db=demo_db)
    assert out.returncode == 1 and "trước ngày bắt đầu" in out.stderr
    assert cli("stats", "dossiers", "--to", "2024-03-01", db=demo_db).returncode == 2
    assert cli("dossiers", "--json", "--at", "hôm qua", db=demo_db).returncode == 1


def test_statistics_and_listing_load_no_heavy_library(demo_db):
    probe = ("import sys, contextlib, io\n"
             "from par_desktop.cli.main import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             f"    main(['--db', {str(demo_db)!r}, 'stats', 'dossiers', '--from', '2024-01-01', '--to', '2024-12-31'])\n"
             f"    main(['--db', {str(demo_db)!r}, 'dossiers', '--json'])\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'reportlab', 'docx', 'openpyxl')))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_dates_that_read_both_ways_are_one_error_naming_the_column_then_date_order_imports(demo_db, cli, tmp_path):
    path = tmp_path / "en-us.csv"
    path.write_text("Mã hồ sơ,Mã thủ tục,Ngày tiếp nhận\nUS-1,1.009811,2/7/2024 9:00\nUS-2,1.009811,3/4/2024 8:30\n",
                    encoding="utf-8")
    out = cli("import", "dossiers", str(path), db=demo_db, user="vanphong")
    assert out.returncode == 1 and len(out.stderr.splitlines()) == 1 and out.stdout == ""
    assert out.stderr.startswith("error: en-us.csv: ngày trong tệp đọc được cả là ngày/tháng/năm lẫn tháng/ngày/năm")
    assert "cột «Ngày tiếp nhận» (dòng 2: «2/7/2024 9:00»)" in out.stderr and "--date-order mdy" in out.stderr
    out = cli("import", "dossiers", str(path), "--date-order", "mdy", db=demo_db, user="vanphong")
    assert (out.returncode, out.stdout) == (0, "imported 2 dossiers\n")
    rows = {r["code"]: r for r in json.loads(cli("dossiers", "--json", db=demo_db).stdout)}
    assert rows["US-1"]["received_at"] == "2024-02-07T09:00" and rows["US-2"]["received_at"] == "2024-03-04T08:30"
