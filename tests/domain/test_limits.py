"""Time-limit wordings of the TTHC catalogue: the first figure, its unit, the rest as a note."""

from __future__ import annotations

from datetime import datetime

import pytest

from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.limits import (
    CALENDAR_DAYS, MONTHS, SAME_DAY, WORKING_DAYS, WORKING_HOURS, parse_limit,
)
from par_desktop.errors import InvalidInput


@pytest.mark.parametrize("text, amount, unit, note", [
    ("05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", 5, WORKING_DAYS, "kể từ ngày nhận đủ hồ sơ hợp lệ"),
    ("Trong ngày", 1, SAME_DAY, ""),
    ("Trong ngày làm việc", 1, SAME_DAY, ""),
    ("10 ngày", 10, WORKING_DAYS, ""),
    ("15 ngày làm việc; trường hợp phải xác minh: 25 ngày", 15, WORKING_DAYS, "trường hợp phải xác minh: 25 ngày"),
    ("Trực tiếp: 15 Ngày làm việc; Trực tuyến: 15 Ngày làm việc", 15, WORKING_DAYS, "Trực tuyến: 15 Ngày làm việc"),
    ("30 ngày (tính cả ngày nghỉ)", 30, CALENDAR_DAYS, ""),
    ("45 ngày lịch kể từ ngày nhận hồ sơ", 45, CALENDAR_DAYS, "kể từ ngày nhận hồ sơ"),
    ("Không quá 03 tháng", 3, MONTHS, ""),
    ("04 giờ làm việc", 4, WORKING_HOURS, ""),
    ("2,5 ngày làm việc", 2.5, WORKING_DAYS, ""),
    ("  05   NGÀY LÀM VIỆC  ", 5, WORKING_DAYS, ""),
    ("15", 15, WORKING_DAYS, ""),
    ("2,5", 2.5, WORKING_DAYS, ""),
])
def test_wordings(text, amount, unit, note):
    limit = parse_limit(text)
    assert (limit.amount, limit.unit, limit.note) == (amount, unit, note)


@pytest.mark.parametrize("text", ["Theo quy định", "Không quy định", "", "Ngay khi nhận đủ hồ sơ", "0 ngày"])
def test_wording_without_a_figure_is_an_error(text):
    with pytest.raises(InvalidInput):
        parse_limit(text)


def test_labels():
    assert parse_limit("5 ngày làm việc").label == "05 ngày làm việc"
    assert parse_limit("30 ngày (tính cả ngày nghỉ)").label == "30 ngày (theo lịch)"
    assert parse_limit("Trong ngày").label == "Trong ngày"


def test_calendar_days_are_not_working_days():
    calendar = WorkCalendar()
    start = datetime(2024, 2, 7, 9, 0)       # Wed; Tết holidays 08–14/02/2024
    working = parse_limit("5 ngày làm việc")
    calendar_days = parse_limit("5 ngày (tính cả ngày nghỉ)")
    assert working.due(calendar, start) == datetime(2024, 2, 21, 9, 0)
    # 5 calendar days later is Mon 12/02, a Tết holiday: the limit ends at the close of the next working day.
    assert calendar_days.due(calendar, start) == datetime(2024, 2, 15, 17, 0)
    assert calendar_days.working_days() is None
    # A calendar limit that ends on a working day ends at the same clock time.
    assert parse_limit("7 ngày lịch").due(calendar, datetime(2024, 3, 4, 10, 0)) == datetime(2024, 3, 11, 10, 0)


def test_same_day_months_and_hours():
    calendar = WorkCalendar()
    start = datetime(2024, 3, 4, 10, 0)
    assert parse_limit("Trong ngày").due(calendar, start) == datetime(2024, 3, 4, 17, 0)
    assert parse_limit("01 tháng").due(calendar, datetime(2024, 1, 31, 9, 0)) == datetime(2024, 2, 29, 9, 0)
    assert parse_limit("04 giờ làm việc").working_days() == 0.5
