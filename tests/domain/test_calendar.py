"""The working calendar: official days off and swaps, office hours, due moments, pauses, lateness."""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from par_desktop.domain.calendar import DayInfo, OfficeHours, WorkCalendar, format_remaining

CAL = WorkCalendar()
DAY = OfficeHours().day_minutes  # 570


def off(*days: str) -> None:
    for text in days:
        assert not CAL.is_working_day(date.fromisoformat(text)), text


def on(*days: str) -> None:
    for text in days:
        assert CAL.is_working_day(date.fromisoformat(text)), text


# ---- days -----------------------------------------------------------------------------------------

def test_tet_2024():
    off("2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14")
    on("2024-02-07", "2024-02-15")
    assert {CAL.day_info(date(2024, 2, d)).name for d in range(8, 15)} == {"Tết Nguyên Đán"}
    assert CAL.day_info(date(2024, 2, 10)) == DayInfo(date(2024, 2, 10), False, "holiday", "Tết Nguyên Đán")


def test_tet_2025():
    off("2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31")
    on("2025-01-24", "2025-02-03")
    assert CAL.day_info(date(2025, 2, 1)).kind == "holiday"


def test_tet_2026():
    off("2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20")
    on("2026-02-13", "2026-02-23")


def test_reunification_day_swaps():
    off("2024-04-29", "2024-04-30", "2024-05-01")
    on("2024-05-04")
    assert CAL.day_info(date(2024, 5, 4)) == DayInfo(date(2024, 5, 4), True, "makeup", "Làm bù")
    assert CAL.day_info(date(2024, 4, 29)).name == "Nghỉ hoán đổi (làm bù ngày 04/05/2024)"
    assert CAL.day_info(date(2024, 4, 30)).name.startswith("Ngày Giải phóng miền Nam")
    assert CAL.day_info(date(2024, 5, 1)).name == "Ngày Quốc tế Lao động"
    off("2025-04-30", "2025-05-01", "2025-05-02")
    on("2025-04-26")
    assert CAL.day_info(date(2025, 4, 26)).kind == "makeup"
    # an ordinary Saturday stays a weekend
    assert CAL.day_info(date(2024, 5, 11)) == DayInfo(date(2024, 5, 11), False, "weekend", "")


def test_national_day_and_culture_day():
    off("2024-09-02", "2024-09-03", "2025-09-01", "2025-09-02", "2026-08-31", "2026-09-01", "2026-09-02")
    on("2024-09-04", "2025-09-03", "2026-08-22", "2026-09-03")
    assert CAL.day_info(date(2024, 9, 2)).name == "Ngày Quốc khánh"
    off("2026-11-24")
    assert CAL.day_info(date(2026, 11, 24)).name == "Ngày Văn hóa Việt Nam"
    on("2025-11-24")


def test_year_ends_and_totals():
    on("2024-12-31", "2025-01-02")
    off("2025-01-01")
    assert CAL.day_info(date(2025, 1, 1)).name == "Tết Dương lịch"
    assert CAL.workdays(date(2024, 12, 30), date(2025, 1, 3)) == 4
    assert CAL.due(datetime(2024, 12, 31, 10), 1) == datetime(2025, 1, 2, 10)
    # 262 weekdays, 12 of them holidays, plus the make-up Saturday 04/05
    assert CAL.workdays(date(2024, 1, 1), date(2024, 12, 31)) == 251
    days = CAL.year_days(2024)
    assert len(days) == 366 and len(CAL.year_days(2025)) == 365
    assert sum(d.working for d in days) == 251
    assert [d.day for d in days] == [date(2024, 1, 1) + timedelta(n) for n in range(366)]


def test_observed_holiday_named():
    # Giỗ Tổ 2026 falls on Sunday 26/04: compensated on Monday 27/04
    assert CAL.day_info(date(2026, 4, 27)) == DayInfo(
        date(2026, 4, 27), False, "holiday", "Nghỉ bù Giỗ Tổ Hùng Vương")


@pytest.mark.parametrize("year", [1850, 2150])
def test_years_unknown_to_the_holidays_package_have_only_weekends(year):
    days = CAL.year_days(year)
    assert {d.kind for d in days} == {"working", "weekend"}
    assert all(d.working == (d.day.weekday() < 5) for d in days)
    assert CAL.workdays(date(year, 1, 1), date(year, 12, 31)) == sum(d.working for d in days)


def test_overrides_win():
    cal = WorkCalendar({
        date(2024, 3, 8): (False, "Nghỉ theo Quyết định của UBND tỉnh"),
        date(2024, 3, 16): (True, "Làm việc bù theo Quyết định của UBND tỉnh"),
        date(2024, 9, 2): (True, "Trực tiếp nhận hồ sơ"),
    })
    assert cal.day_info(date(2024, 3, 8)) == DayInfo(
        date(2024, 3, 8), False, "override_off", "Nghỉ theo Quyết định của UBND tỉnh")
    assert cal.day_info(date(2024, 3, 16)).kind == "override_work"
    assert cal.is_working_day(date(2024, 3, 16)) and cal.is_working_day(date(2024, 9, 2))
    # Thu 07/03 10:00 + 2 days: Fri 08/03 is off, Sat 16/03 not reached -> Mon 11/03 becomes day 1
    assert cal.due(datetime(2024, 3, 7, 10), 2) == datetime(2024, 3, 12, 10)
    # Fri 15/03 10:00 + 1 day -> the extra Saturday
    assert cal.due(datetime(2024, 3, 15, 10), 1) == datetime(2024, 3, 16, 10)
    assert cal.workdays(date(2024, 3, 4), date(2024, 3, 17)) == 10  # 10 weekdays, one off, one Saturday
    assert CAL.due(datetime(2024, 3, 7, 10), 2) == datetime(2024, 3, 11, 10)


def test_office_hours_must_make_sense():
    with pytest.raises(ValueError):
        OfficeHours(time(17), time(7, 30))
    assert OfficeHours(time(8), time(16, 30)).day_minutes == 510


# ---- the clock ------------------------------------------------------------------------------------

def test_start_of_the_clock():
    sat_night = datetime(2024, 3, 2, 22)
    assert CAL.next_opening(sat_night) == datetime(2024, 3, 4, 7, 30)
    assert CAL.due(sat_night, 1) == datetime(2024, 3, 4, 17)
    assert CAL.next_opening(datetime(2024, 3, 5, 6)) == datetime(2024, 3, 5, 7, 30)
    assert CAL.next_opening(datetime(2024, 3, 5, 17)) == datetime(2024, 3, 6, 7, 30)
    inside = datetime(2024, 3, 5, 9, 15, 42)
    assert CAL.next_opening(inside) == inside
    assert CAL.next_opening(datetime(2024, 2, 7, 18)) == datetime(2024, 2, 15, 7, 30)  # eve of Tết


def test_due_examples():
    assert CAL.due(datetime(2024, 2, 7, 9), 5) == datetime(2024, 2, 21, 9)  # DOMAIN.md §4
    assert CAL.due(datetime(2024, 3, 4, 7, 30), 1) == datetime(2024, 3, 4, 17)  # opening -> same day closing
    assert CAL.due(datetime(2024, 3, 8, 16), 1) == datetime(2024, 3, 11, 16)  # Friday -> Monday
    assert CAL.add_working_time(datetime(2024, 3, 8, 16), 1) == datetime(2024, 3, 11, 16)
    assert CAL.due(datetime(2024, 5, 3, 10), 1) == datetime(2024, 5, 4, 10)  # make-up Saturday
    assert CAL.due(datetime(2024, 3, 5, 10), 0) == datetime(2024, 3, 5, 10)
    assert CAL.due(datetime(2024, 3, 5, 7, 30), 0) == datetime(2024, 3, 5, 7, 30)
    with pytest.raises(ValueError):
        CAL.due(datetime(2024, 3, 5, 10), -1)


def test_fractional_limits():
    assert CAL.due(datetime(2024, 3, 4, 8), 0.5) == datetime(2024, 3, 4, 12, 45)
    assert CAL.due(datetime(2024, 3, 4, 15), 0.5) == datetime(2024, 3, 5, 10, 15)
    assert CAL.due(datetime(2024, 3, 4, 7, 30), 1.5) == datetime(2024, 3, 5, 12, 15)
    assert CAL.due(datetime(2024, 3, 4, 12, 15), 0.5) == datetime(2024, 3, 4, 17)


def test_pauses_move_the_due_moment():
    received = datetime(2024, 3, 4, 8)
    assert CAL.due(received, 5) == datetime(2024, 3, 11, 8)
    two_days = (datetime(2024, 3, 5, 8), datetime(2024, 3, 7, 8))
    assert CAL.due(received, 5, [two_days]) == datetime(2024, 3, 13, 8)
    # overlapping pauses count once; a pause before reception only counts from the reception
    assert CAL.due(received, 5, [two_days, (datetime(2024, 3, 6, 8), datetime(2024, 3, 7, 8))]) \
        == datetime(2024, 3, 13, 8)
    assert CAL.due(received, 5, [(datetime(2024, 3, 1, 8), datetime(2024, 3, 4, 9))]) \
        == datetime(2024, 3, 11, 9)
    # a pause after the clock ran out does not turn an overdue dossier back into one within time
    assert CAL.due(received, 5, [(datetime(2024, 3, 12, 8), datetime(2024, 3, 14, 8))]) \
        == datetime(2024, 3, 11, 8)
    # a pause that starts before the due moment and runs past it counts in full
    # (540 minutes run before it, 30 are left after it)
    assert CAL.due(received, 1, [(datetime(2024, 3, 5, 7, 30), datetime(2024, 3, 6, 8))]) \
        == datetime(2024, 3, 6, 8, 30)
    # a pause over a weekend only costs its working time
    assert CAL.due(received, 5, [(datetime(2024, 3, 8, 17), datetime(2024, 3, 11, 7, 30))]) \
        == datetime(2024, 3, 11, 8)


def test_open_pause_counts_up_to_at():
    received = datetime(2024, 3, 4, 8)
    pause = (datetime(2024, 3, 5, 8), None)
    assert CAL.due(received, 5, [pause], at=datetime(2024, 3, 6, 8)) == datetime(2024, 3, 12, 8)
    assert CAL.due(received, 5, [pause], at=datetime(2024, 3, 4, 9)) == datetime(2024, 3, 11, 8)
    with pytest.raises(ValueError):
        CAL.due(received, 5, [pause])
    with pytest.raises(ValueError):
        CAL.due(received, 5, [(datetime(2024, 3, 6), datetime(2024, 3, 5))])


def test_working_minutes_and_remaining():
    a, b = datetime(2024, 3, 8, 16), datetime(2024, 3, 11, 8)
    assert CAL.working_minutes_between(a, b) == 60 + 30
    assert CAL.working_minutes_between(b, a) == -90
    assert CAL.working_minutes_between(datetime(2024, 3, 9), datetime(2024, 3, 10)) == 0
    due = datetime(2024, 2, 21, 9)
    assert CAL.remaining(due, datetime(2024, 2, 7, 18)) == 4 * DAY + 90
    assert CAL.remaining(due, datetime(2024, 2, 21, 10)) == -60


def test_workdays():
    assert CAL.workdays(date(2024, 2, 5), date(2024, 2, 18)) == 5  # Mon-Wed, then Tết, then Thu-Fri
    assert CAL.workdays(date(2024, 3, 4), date(2024, 3, 4)) == 1
    assert CAL.workdays(date(2024, 3, 9), date(2024, 3, 10)) == 0
    assert CAL.workdays(date(2024, 3, 5), date(2024, 3, 4)) == 0


def test_working_days_late():
    due = datetime(2024, 2, 21, 9)
    assert CAL.working_days_late(due, datetime(2024, 2, 20, 16)) == 0
    assert CAL.working_days_late(due, due) == 0
    assert CAL.working_days_late(due, datetime(2024, 2, 21, 10)) == 1
    assert CAL.working_days_late(due, datetime(2024, 2, 22, 9)) == 1
    assert CAL.working_days_late(due, datetime(2024, 2, 22, 9, 1)) == 2
    closing = datetime(2024, 3, 8, 17)
    assert CAL.working_days_late(closing, datetime(2024, 3, 8, 18)) == 1
    assert CAL.working_days_late(closing, datetime(2024, 3, 11, 17)) == 1


def test_near_due_threshold():
    assert CAL.near_due_threshold(datetime(2024, 3, 8, 10)) == datetime(2024, 3, 11, 10)
    assert CAL.near_due_threshold(datetime(2024, 3, 4, 7, 30)) == datetime(2024, 3, 4, 17)
    assert CAL.near_due_threshold(datetime(2024, 3, 9, 12), 2) == datetime(2024, 3, 12, 17)


def test_format_remaining():
    hours = OfficeHours()
    assert format_remaining(2 * DAY + 180, hours) == "còn 2 ngày 3 giờ làm việc"
    assert format_remaining(-(DAY + 120), hours) == "quá hạn 1 ngày 2 giờ làm việc"
    assert format_remaining(45, hours) == "còn 45 phút làm việc"
    assert format_remaining(-DAY - 61, hours) == "quá hạn 1 ngày 1 giờ 1 phút làm việc"
    assert format_remaining(0, hours) == "đến hạn"
    assert format_remaining(540, OfficeHours(time(8), time(17))) == "còn 1 ngày làm việc"


def test_results_do_not_depend_on_the_order_years_are_met():
    """The index grows by whole years in both directions; results must match a fresh calendar."""
    cal = WorkCalendar()
    cases = [(datetime(2026, 2, 13, 10), 3), (datetime(2023, 12, 29, 16), 4), (datetime(2030, 12, 31, 9), 2),
             (datetime(2019, 1, 4, 9), 1), (datetime(2024, 2, 7, 9), 5)]
    for received, days in cases:
        assert cal.due(received, days) == WorkCalendar().due(received, days)
    assert cal.workdays(date(2019, 1, 1), date(2030, 12, 31)) == sum(
        WorkCalendar().workdays(date(y, 1, 1), date(y, 12, 31)) for y in range(2019, 2031))


# ---- properties -----------------------------------------------------------------------------------

@st.composite
def starts_in_office_hours(draw):
    """A moment inside office hours of a working day, 2023-2027."""
    day = draw(st.dates(date(2023, 1, 1), date(2027, 12, 31)))
    opening = CAL.next_opening(datetime.combine(day, time(0)))
    return opening + timedelta(minutes=draw(st.integers(0, DAY - 1)))


FAST = settings(max_examples=150, deadline=None)


@FAST
@given(starts_in_office_hours(), st.integers(1, 40), st.integers(1, 40))
def test_adding_limits_is_associative(start, a, b):
    assert CAL.add_working_time(CAL.add_working_time(start, a), b) == CAL.add_working_time(start, a + b)


@FAST
@given(starts_in_office_hours(), st.integers(1, 60))
def test_due_date_is_the_nth_working_day_after_the_start_day(start, n):
    due = CAL.add_working_time(start, n)
    at_opening = start.time() == OfficeHours().opens  # shown as the previous closing: one day fewer
    assert CAL.workdays(start.date(), due.date()) == (n if at_opening else n + 1)
    assert CAL.is_working_day(due)
    assert OfficeHours().opens < due.time() <= OfficeHours().closes
    if not at_opening:
        assert due.time() == start.time()


@FAST
@given(starts_in_office_hours(), st.integers(0, 60))
def test_a_limit_is_n_day_lengths_of_working_time(start, n):
    assert CAL.working_minutes_between(start, CAL.add_working_time(start, n)) == n * DAY


@FAST
@given(st.datetimes(datetime(2023, 1, 1), datetime(2027, 12, 31)), st.integers(0, 40).map(lambda q: q / 4))
def test_any_reception_moment_and_fractional_limit(received, days):
    due = CAL.due(received, days)
    assert CAL.working_minutes_between(received, due) == round(days * DAY)
    assert due >= CAL.next_opening(received.replace(second=0, microsecond=0))


@FAST
@given(starts_in_office_hours(), st.integers(1, 20), st.integers(0, 30 * 24 * 60), st.integers(0, 10 * 24 * 60))
def test_a_pause_inside_the_running_time_adds_its_working_time(start, n, offset, length):
    plain = CAL.add_working_time(start, n)
    begin = start + timedelta(minutes=offset)
    finish = begin + timedelta(minutes=length)
    paused = CAL.due(start, n, [(begin, finish)])
    if begin < plain:
        assert CAL.working_minutes_between(start, paused) == n * DAY + CAL.working_minutes_between(begin, finish)
    else:
        assert paused == plain


@FAST
@given(starts_in_office_hours(), st.integers(1, 20), st.datetimes(datetime(2023, 1, 1), datetime(2028, 6, 30)))
def test_remaining_plus_elapsed_is_the_limit(start, n, at):
    due = CAL.add_working_time(start, n)
    assert CAL.remaining(due, at) + CAL.working_minutes_between(start, at) == n * DAY


def test_working_day_after_skips_the_day_itself_holidays_and_weekends():
    assert CAL.working_day_after(date(2024, 3, 15), 3) == date(2024, 3, 20)   # Fri → Wed
    assert CAL.working_day_after(date(2024, 4, 26), 5) == date(2024, 5, 7)    # 30/4, 1/5 off; Sat 4/5 worked
    assert CAL.working_day_after(date(2024, 2, 7), 1) == date(2024, 2, 15)    # Tết 08–14/02
    with pytest.raises(ValueError):
        CAL.working_day_after(date(2024, 3, 15), 0)
