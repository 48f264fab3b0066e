"""`import plan`, `tasks --json`, `progress` and `steps` through a real subprocess, per CLI.md."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from plan_files import HEADER, reference_docx, reference_xlsx, write_plan_xlsx

KEYS = {"ref", "content", "lead_units", "coordinating_units", "deadline_text", "due_date", "recurrence", "status", "plan"}
DUE = {"I.1": "2024-12-31", "I.2": "2024-07-31", "I.3": "2024-07-31", "II.1": "2024-09-29",
       "III.A.1": "2024-07-31", "III.A.2": "2024-09-30", "III.A.3": None, "III.B.1": "2024-05-31",
       "III.B.2": "2024-05-31", "IV.1": "2024-06-30"}


@pytest.mark.slow
def test_import_reference_docx_then_tasks_json(cli, tmp_path):
    db = tmp_path / "par.db"
    assert cli("init", db=db).returncode == 0
    plan = reference_docx(tmp_path / "ke-hoach-38-cchc-2024.docx")
    first = cli("import", "plan", str(plan), db=db)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == "imported 10 tasks"
    assert len(lines) == 8 and all(line.startswith("warning: ") for line in lines[1:])   # 6 units created
    # The header's names are offered while the database has no organisation yet, as an org set command.
    assert lines[-1].startswith("warning: tệp ghi cơ quan «UBND TỈNH BẮC GIANG» / «SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI»")
    assert '--agency "Sở Lao động - Thương binh và Xã hội"' in lines[-1] and "--abbr SLĐTBXH" in lines[-1]
    assert '--place "Bắc Giang"' in lines[-1]
    again = cli("import", "plan", str(plan), "--year", "2024", db=db)
    assert again.stdout == "imported 10 tasks\n" and again.stderr == ""
    out = cli("tasks", "--json", "--at", "2024-07-20", db=db)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 10 and all(set(r) == KEYS for r in rows)
    assert {r["plan"] for r in rows} == {"38/KH-LĐTĐ&XH"}     # the number as the file prints it
    assert {r["ref"]: r["due_date"] for r in rows} == DUE
    by_ref = {r["ref"]: r for r in rows}
    assert by_ref["I.1"]["lead_units"] == by_ref["IV.1"]["lead_units"] == ["Phòng Kế hoạch - Tài chính"]
    assert by_ref["III.A.3"]["recurrence"] == "ongoing" and by_ref["III.A.3"]["lead_units"] == ["*"]
    assert by_ref["I.1"]["coordinating_units"] == ["*"]
    assert {r["status"] for r in rows} <= {"not_started", "in_progress", "at_risk", "done_on_time", "done_late",
                                           "overdue"}
    assert by_ref["III.B.1"]["status"] == "overdue" and by_ref["I.2"]["status"] == "at_risk"
    assert json.loads(cli("tasks", "--json", db=db).stdout) != []      # today's statuses, same tasks


@pytest.mark.slow
def test_import_xlsx_into_the_demo_and_obligations_follow_the_appendix(cli, tmp_path):
    db = tmp_path / "demo.db"
    assert cli("init", "--demo", "--dossiers", "0", db=db).returncode == 0
    out = cli("import", "plan", str(reference_xlsx(tmp_path / "phu-luc.xlsx")), db=db, user="vanphong")
    assert out.stdout == "imported 10 tasks\n", out.stderr
    rows = json.loads(cli("tasks", "--json", "--at", "2024-07-20", db=db).stdout)
    assert [r["ref"] for r in rows[:10]] == list(DUE)
    assert [r["ref"] for r in rows[10:]] == ["TX.1", "TX.2", "TX.3", "TX.4", "TX.5"]
    assert rows[10]["recurrence"] == "monthly" and rows[10]["due_date"] is None
    unit = json.loads(cli("tasks", "--json", "--unit", "NCC", "--status", "at_risk", "--at", "2024-07-20",
                          db=db).stdout)
    # The same as the service says for that unit on that day (the demo's July reports are not all in yet).
    from datetime import date

    from par_desktop.db.schema import open_database
    from par_desktop.services import org
    from par_desktop.services.tasks import views as task_views

    database = open_database(str(db))
    try:
        expected = task_views.tasks_json(date(2024, 7, 20), task_views.TaskFilters(unit_id=org.find_unit("NCC").id,
                                                                         unit_role="lead", status="at_risk"))
    finally:
        database.close()
    assert unit == expected and unit and all(r["status"] == "at_risk" for r in unit)


def test_bad_file_is_one_error_line_and_nothing_is_imported(cli, tmp_path):
    db = tmp_path / "par.db"
    cli("init", db=db)
    rows = [HEADER, ["I", "Mục", "", "", "", ""], [1, "Việc một", "Phòng A", "", "Tháng 7/2024", ""],
            [2, "Việc hai", "Phòng B", "", "Tháng 13/2024", ""]]
    path = write_plan_xlsx(tmp_path / "loi.xlsx", rows, titles=["KẾ HOẠCH NĂM 2024"])
    out = cli("import", "plan", str(path), db=db)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.startswith("error: ") and out.stderr.count("\n") == 1
    assert "loi.xlsx" in out.stderr and "dòng 7 (mục I.2)" in out.stderr and "Traceback" not in out.stderr
    assert json.loads(cli("tasks", "--json", db=db).stdout) == []
    missing = cli("import", "plan", str(tmp_path / "khong-co.docx"), db=db)
    assert missing.returncode == 1 and missing.stderr.startswith("error: ")


@pytest.mark.slow
def test_unit_account_reports_its_own_task_but_not_another_units(cli, tmp_path):
    db = tmp_path / "demo.db"
    cli("init", "--demo", "--dossiers", "0", db=db)
    made = cli("user", "add", "nv_ncc", "--role", "unit", "--unit", "NCC", "--password-stdin", db=db,
               input="mat-khau-du-dai-123\n", user="quantri")
    assert made.returncode == 0, made.stderr
    evidence = tmp_path / "bien-ban.txt"
    evidence.write_text("Biên bản họp", encoding="utf-8")
    ok = cli("progress", "I.3", "--percent", "60", "--text", "Đã lấy ý kiến",
             "--date", "2024-07-10", "--attach", str(evidence), db=db, user="nv_ncc", password="mat-khau-du-dai-123")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "I.3: 60% (in_progress)"
    refused = cli("progress", "IV.1", "--percent", "10", db=db, user="nv_ncc", password="mat-khau-du-dai-123")
    assert refused.returncode == 1 and refused.stderr.startswith("error: ") and "IV.1" in refused.stderr


def test_steps_command_lists_processes(cli, tmp_path):
    db = tmp_path / "demo.db"
    cli("init", "--demo", "--dossiers", "0", db=db)
    out = cli("steps", "--json", db=db)
    assert out.returncode == 0 and json.loads(out.stdout) == []
