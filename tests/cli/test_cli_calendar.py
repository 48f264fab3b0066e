"""`calendar due`, `calendar workdays`, `calendar year` and `deadline`, run as real processes."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

import pytest

from conftest import REPO


@pytest.fixture
def no_db(tmp_path):
    """A database path that does not exist: the commands use the national calendar and create nothing."""
    return tmp_path / "none.db"


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.strip()


def _refused(result: subprocess.CompletedProcess, code: int = 1) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error:"), result.stderr
    assert result.stdout == ""
    return lines[-1]


@pytest.mark.parametrize(("start", "days", "due"), [
    ("2024-02-07 09:00", "5", "2024-02-21T09:00"),       # the reference example: Tết 08–14/02
    ("07/02/2024 09:00", "5", "2024-02-21T09:00"),       # DD/MM/YYYY input
    ("2024-04-26 10:00", "3", "2024-05-04T10:00"),       # 29/04–01/05 off, Sat 04/05 worked
    ("2024-02-07 20:30", "1", "2024-02-15T17:00"),       # online at night: starts at the next opening
    ("2024-12-31 14:00", "0.5", "2025-01-02T09:15"),     # half a day across the New Year
])
def test_calendar_due(cli, no_db, start, days, due):
    assert _ok(cli("calendar", "due", start, days, db=no_db)) == due
    assert not no_db.exists()


@pytest.mark.parametrize(("first", "last", "count"), [
    ("2024-02-01", "2024-02-29", "16"),     # Tết 08–14/02
    ("01/01/2024", "31/12/2024", "251"),
    ("2024-05-04", "2024-05-04", "1"),      # the make-up Saturday
    ("2024-03-01", "2024-02-01", "0"),      # TO before FROM
])
def test_calendar_workdays(cli, no_db, first, last, count):
    assert _ok(cli("calendar", "workdays", first, last, db=no_db)) == count


@pytest.mark.parametrize(("text", "extra", "printed"), [
    ("Quý III/2024", (), "2024-09-30"),
    ("quý  iv năm 2025", (), "2025-12-31"),
    ("Tháng 6 năm 2024", (), "2024-06-30"),
    ("Trước ngày 01/6/2024", (), "2024-05-31"),
    ("Tháng 7", ("--year", "2024"), "2024-07-31"),
    ("Hằng quý", (), "recurring: quarterly"),
    ("Thường xuyên", (), "recurring: ongoing"),
])
def test_deadline(cli, no_db, text, extra, printed):
    assert _ok(cli("deadline", text, *extra, db=no_db)) == printed


@pytest.mark.parametrize("args", [
    ("deadline", "Tháng 13/2024"),
    ("deadline", "29/02/2023"),
    ("deadline", "Quý V/2024"),
    ("deadline", "khi nào xong thì báo"),
    ("calendar", "due", "29/02/2023 09:00", "5"),
    ("calendar", "due", "2024-02-07 25:00", "5"),
    ("calendar", "due", "2024-02-07 09:00", "năm"),
    ("calendar", "due", "2024-02-07 09:00", "-1"),
    ("calendar", "workdays", "29/02/2023", "2023-03-31"),
])
def test_bad_input_is_one_error_line_and_exit_1(cli, no_db, args):
    _refused(cli(*args, db=no_db))


def test_an_impossible_month_says_what_is_wrong(cli, no_db):
    line = _refused(cli("deadline", "Tháng 13/2024", db=no_db))
    assert "tháng 13" in line


@pytest.mark.parametrize("args", [
    ("calendar",),
    ("calendar", "due", "2024-02-07 09:00"),
    ("calendar", "workdays", "2024-02-01"),
    ("calendar", "weekdays", "2024-02-01", "2024-02-29"),
    ("calendar", "year", "hai nghìn"),
    ("deadline",),
    ("deadline", "Tháng 7", "--year", "abc"),
])
def test_usage_errors_exit_2(cli, no_db, args):
    _refused(cli(*args, db=no_db), code=2)


@pytest.fixture
def overridden_db(empty_db):
    """An administrator's day off on Mon 19/02/2024 and a worked Saturday 28/12/2024."""
    from par_desktop.services import calendar_changes
    from par_desktop.services.session import SYSTEM

    calendar_changes.set_override(SYSTEM, date(2024, 2, 19), False, "Quyết định 12/QĐ-UBND")
    calendar_changes.set_override(SYSTEM, date(2024, 12, 28), True, "Làm bù theo Quyết định 99/QĐ-UBND")
    return empty_db


@pytest.mark.parametrize(("args", "printed"), [
    (("calendar", "due", "2024-02-07 09:00", "5"), "2024-02-22T09:00"),   # 21/02 without the override
    (("calendar", "workdays", "2024-02-01", "2024-02-29"), "15"),
    (("calendar", "workdays", "2024-01-01", "2024-12-31"), "251"),        # one day less, one day more
])
def test_database_overrides_change_the_commands(cli, overridden_db, args, printed):
    assert _ok(cli(*args, db=overridden_db)) == printed


def test_calendar_year_lists_holidays_makeup_days_and_overrides(cli, overridden_db):
    year = _ok(cli("calendar", "year", "2024", db=overridden_db)).splitlines()
    assert "2024-02-08\tnghỉ\tTết Nguyên Đán" in year
    assert "2024-05-04\tlàm việc\tLàm bù" in year
    assert "2024-02-19\tnghỉ\tQuyết định 12/QĐ-UBND" in year
    assert "2024-12-28\tlàm việc\tLàm bù theo Quyết định 99/QĐ-UBND" in year


@pytest.mark.parametrize(("start", "days", "due"), [
    ("2024-02-07 07:45", "1", "2024-02-07T17:00"),    # starts at 08:00; due on an opening = the closing before
    ("2024-02-07 16:00", "0.5", "2024-02-15T11:30"),  # 1 h on 07/02, 3 h 30 after Tết
])
def test_office_hours_from_the_database(cli, empty_db, start, days, due):
    from datetime import time

    from par_desktop.services import calendar_changes
    from par_desktop.services.session import SYSTEM

    calendar_changes.set_office_hours(SYSTEM, time(8, 0), time(17, 0))
    assert _ok(cli("calendar", "due", start, days, db=empty_db)) == due


HEAVY = ("PySide6", "shiboken6", "reportlab", "docx", "openpyxl")


@pytest.mark.parametrize(("args", "with_db"), [
    (("deadline", "Quý III/2024"), False),
    (("calendar", "due", "2024-02-07 09:00", "5"), False),
    (("calendar", "due", "2024-02-07 09:00", "5"), True),     # opens the database: peewee, not Qt
], ids=["deadline", "due", "due-with-db"])
def test_the_commands_start_without_qt_reportlab_or_docx(tmp_path, empty_db, args, with_db):
    """`python -m par_desktop …` as a clerk's script runs it: -X importtime lists every module imported."""
    db = empty_db if with_db else tmp_path / "none.db"
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "par_desktop", "--db", str(db), *args],
                         capture_output=True, text=True, cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stderr
    imported = {m.group(1).strip().split(".")[0]
                for m in re.finditer(r"^import time:\s+\d+ \|\s+\d+ \|(.*)$", run.stderr, re.M)}
    assert "par_desktop" in imported  # the probe really sees the program's imports
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


@pytest.mark.parametrize("args", [("calendar", "due", "9999-12-31 08:00", "5"), ("calendar", "workdays", "0024-01-01",
                                                                               "2024-01-01"),
                                  ("dossiers", "--json", "--at", "0024-01-01 08:00")])
def test_a_year_the_calendar_does_not_know_is_refused_at_once(cli, tmp_path, args):
    """Found by bench/break_test.py: year 9999 made `calendar due` walk 8,000 years (minutes)."""
    run = cli(*args, db=tmp_path / "khong-co.db", timeout=30)
    assert run.returncode == 1 and "nằm ngoài khoảng 1901–2100" in run.stderr and "Traceback" not in run.stderr
