"""The national days off are kept per release of the holidays package, so a new process need not read it."""

import json
import subprocess
import sys
from datetime import date, datetime

import pytest

from par_desktop.domain import calendar as domain_calendar
from par_desktop.domain.holidays_vn import official_days
from par_desktop.services import calendar
from par_desktop.services.calendar import OfficialDaysCache, holidays_release


def _no_package(monkeypatch):
    def refuse(year):
        raise AssertionError(f"the holidays package was read for {year}")
    monkeypatch.setattr(calendar, "package_days", refuse)


def test_the_release_is_read_without_importing_the_package():
    code = ("import sys; from par_desktop.services.calendar import holidays_release; "
            "print(holidays_release()); print('holidays' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0].startswith("holidays-") and out[0].endswith(".dist-info")
    assert out[1] == "False"


def test_days_read_once_are_given_again_by_the_file(tmp_path, monkeypatch):
    path = tmp_path / "cache" / "days.json"
    first = OfficialDaysCache(path, holidays_release())
    tet_2024 = first.days(2024)
    first.days(date.today().year)      # a calendar starts from this year
    assert tet_2024 == official_days(2024)
    assert path.exists()
    _no_package(monkeypatch)
    again = OfficialDaysCache(path, holidays_release())     # a new process
    assert again.days(2024) == tet_2024
    cal = domain_calendar.WorkCalendar(official=again.days)
    assert cal.day_info(date(2024, 2, 12)).name == "Tết Nguyên Đán"


def test_another_release_reads_the_package_again(tmp_path, monkeypatch):
    path = tmp_path / "days.json"
    OfficialDaysCache(path, "holidays-0.1.dist-info").days(2025)
    read: list[int] = []
    monkeypatch.setattr(calendar, "package_days", lambda year: read.append(year) or official_days(year))
    newer = OfficialDaysCache(path, "holidays-0.2.dist-info")
    assert newer.days(2025) == official_days(2025)
    assert read == [2025]
    assert json.loads(path.read_text(encoding="utf-8"))["release"] == "holidays-0.2.dist-info"


@pytest.mark.parametrize("content", ["{not json", '{"format": 1, "release": "x", "years": {"2024": [[1]]}}', "[]"])
def test_a_damaged_file_is_read_from_the_package(tmp_path, content):
    path = tmp_path / "days.json"
    path.write_text(content, encoding="utf-8")
    assert OfficialDaysCache(path, "x").days(2024) == official_days(2024)


def test_no_release_found_keeps_nothing_on_disk(tmp_path):
    path = tmp_path / "days.json"
    assert OfficialDaysCache(path, None).days(2024) == official_days(2024)
    assert not path.exists()


def test_an_unwritable_cache_folder_still_gives_the_days(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    cache = OfficialDaysCache(blocker / "sub" / "days.json", "x")    # its parent is a file
    assert cache.days(2024) == official_days(2024)


def test_the_app_calendar_uses_the_cache(demo_db, monkeypatch, tmp_path):
    path = tmp_path / "days.json"
    monkeypatch.setattr(calendar, "_official", OfficialDaysCache(path, holidays_release()))
    due = calendar.current_calendar().add_working_time(datetime(2024, 2, 7, 9, 0), 5)
    assert due == datetime(2024, 2, 21, 9, 0)     # Tết 08–14/02/2024 skipped
    assert "2024" in json.loads(path.read_text(encoding="utf-8"))["years"]
