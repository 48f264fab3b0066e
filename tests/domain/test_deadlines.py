"""Deadline expressions of plan tasks: every known form, its variations, and every way to get it wrong."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from par_desktop.domain.deadlines import RECURRENCES, Deadline, occurrences, parse_deadline, period_label
from par_desktop.domain.text import nfc, to_roman
from par_desktop.errors import InvalidInput


@pytest.mark.parametrize("text, due", [
    ("Tháng 7/2024", date(2024, 7, 31)),
    ("thang 7/2024", date(2024, 7, 31)),
    ("THÁNG 7 / 2024", date(2024, 7, 31)),
    ("Tháng 07-2024", date(2024, 7, 31)),
    ("Tháng 07 – 2024", date(2024, 7, 31)),
    ("Tháng 12/2024", date(2024, 12, 31)),
    ("Tháng 6 năm 2024", date(2024, 6, 30)),
    ("Tháng 2/2024", date(2024, 2, 29)),
    ("Tháng 2/2025", date(2025, 2, 28)),
    ("Trong tháng 7/2024", date(2024, 7, 31)),
    ("Quý III/2024", date(2024, 9, 30)),
    ("Quy III/2024", date(2024, 9, 30)),
    ("quý 3/2024", date(2024, 9, 30)),
    ("Quý IV năm 2025", date(2025, 12, 31)),
    ("Quý I/2025", date(2025, 3, 31)),
    ("QUÝ II - 2025", date(2025, 6, 30)),
    ("6 tháng đầu năm 2025", date(2025, 6, 30)),
    ("6 tháng cuối năm 2025", date(2025, 12, 31)),
    ("6 THANG DAU NAM 2025", date(2025, 6, 30)),
    ("Năm 2024", date(2024, 12, 31)),
    ("Trong năm 2024", date(2024, 12, 31)),
    ("30/9/2024", date(2024, 9, 30)),
    ("ngày 30/9/2024", date(2024, 9, 30)),
    ("30-9-2024", date(2024, 9, 30)),
    ("30 / 09 / 2024", date(2024, 9, 30)),
    ("Ngày 30 tháng 9 năm 2024", date(2024, 9, 30)),
    ("29/02/2024", date(2024, 2, 29)),
    ("Trước ngày 01/6/2024", date(2024, 5, 31)),
    ("trước ngày 01-06-2024", date(2024, 5, 31)),
    ("Xong trước ngày 30/9/2024", date(2024, 9, 29)),
    ("Hoàn thành trước ngày 01/01/2025", date(2024, 12, 31)),
    ("Tháng 7/2024.", date(2024, 7, 31)),
])
def test_due_dates(text, due):
    assert parse_deadline(text) == Deadline(nfc(text), due, None)


@pytest.mark.parametrize("text, recurrence", [
    ("Thường xuyên", "ongoing"),
    ("thuong xuyen", "ongoing"),
    ("Hằng tháng", "monthly"),
    ("Hàng tháng", "monthly"),
    ("Định kỳ hằng tháng", "monthly"),
    ("Hằng quý", "quarterly"),
    ("HÀNG QUÝ", "quarterly"),
    ("Hằng năm", "yearly"),
    ("Hàng năm", "yearly"),
])
def test_recurrences(text, recurrence):
    assert parse_deadline(text, 2024) == Deadline(text, None, recurrence)
    assert recurrence in RECURRENCES


@pytest.mark.parametrize("text, due", [
    ("Tháng 7", date(2024, 7, 31)),
    ("Quý III", date(2024, 9, 30)),
    ("30/9", date(2024, 9, 30)),
    ("Trước ngày 01/6", date(2024, 5, 31)),
    ("6 tháng đầu năm", date(2024, 6, 30)),
])
def test_year_omitted_uses_the_given_year(text, due):
    assert parse_deadline(text, 2024).due_date == due
    with pytest.raises(InvalidInput, match="thiếu năm"):
        parse_deadline(text)


def test_the_year_in_the_text_wins():
    assert parse_deadline("Tháng 7/2025", 2024).due_date == date(2025, 7, 31)


def test_original_wording_is_kept_in_nfc():
    decomposed = "Th\u0061\u0301ng 7/2024"  # "á" as a + combining acute
    assert parse_deadline(decomposed).text == "Tháng 7/2024"


@pytest.mark.parametrize("text, message", [
    ("29/02/2023", "ngày 29/02/2023 không tồn tại"),
    ("31/4/2024", "ngày 31/04/2024 không tồn tại"),
    ("Trước ngày 30/2/2024", "ngày 30/02/2024 không tồn tại"),
    ("0/5/2024", "ngày 00/05/2024 không tồn tại"),
    ("Tháng 13/2024", "tháng 13 không tồn tại"),
    ("Tháng 0/2024", "tháng 0 không tồn tại"),
    ("Quý V/2024", "quý V không tồn tại"),
    ("Quý 0/2024", "quý 0 không tồn tại"),
    ("quý 5 năm 2024", "quý 5 không tồn tại"),
    ("Quý IIII/2024", "quý IIII không tồn tại"),
    ("Khi có yêu cầu", "Không nhận ra thời hạn “Khi có yêu cầu”"),
    ("Trước tháng 7/2024", "Không nhận ra thời hạn"),
    ("7/2024", "Không nhận ra thời hạn"),
    ("Tháng 7/24", "Không nhận ra thời hạn"),
    ("Hằng tuần", "Không nhận ra thời hạn"),
    ("   ", "Chưa ghi thời hạn"),
])
def test_errors_say_what_is_wrong(text, message):
    with pytest.raises(InvalidInput, match=message):
        parse_deadline(text, 2024)


# ---- properties -----------------------------------------------------------------------------------

SETTINGS = settings(max_examples=100, deadline=None)
DAYS = st.dates(date(1990, 1, 1), date(2099, 12, 31))


def spelled(template: str):
    """The same expression with different case, separators and accents."""
    return st.sampled_from([template, template.upper(), template.lower(), template.replace("/", " - "),
                            template.replace("/", " / ")])


@SETTINGS
@given(DAYS, st.data())
def test_any_real_day_reads_back(day, data):
    text = data.draw(spelled(f"ngày {day.day}/{day.month:02d}/{day.year}"))
    assert parse_deadline(text).due_date == day
    before = data.draw(spelled(f"Trước ngày {day.day:02d}/{day.month}/{day.year}"))
    assert parse_deadline(before).due_date == day - timedelta(days=1)


@SETTINGS
@given(st.integers(1990, 2099), st.integers(1, 12), st.data())
def test_months_and_quarters_end_on_their_last_day(year, month, data):
    due = parse_deadline(data.draw(spelled(f"Tháng {month}/{year}"))).due_date
    assert (due.year, due.month) == (year, month) and (due + timedelta(days=1)).day == 1
    quarter = (month - 1) // 3 + 1
    written = data.draw(st.sampled_from([to_roman(quarter), str(quarter)]))
    end = parse_deadline(data.draw(spelled(f"Quý {written}/{year}"))).due_date
    assert end == occurrences("quarterly", year)[quarter - 1][2]


@SETTINGS
@given(st.integers(1, 31), st.integers(1, 12), st.integers(1990, 2099))
def test_impossible_days_are_errors_never_guesses(d, m, y):
    try:
        expected = date(y, m, d)
    except ValueError:
        with pytest.raises(InvalidInput, match="không tồn tại"):
            parse_deadline(f"{d}/{m}/{y}")
    else:
        assert parse_deadline(f"{d}/{m}/{y}").due_date == expected


# ---- recurring tasks ------------------------------------------------------------------------------

def test_occurrences():
    monthly = occurrences("monthly", 2024)
    assert len(monthly) == 12
    assert monthly[1] == (date(2024, 2, 1), date(2024, 2, 29), date(2024, 2, 29))
    assert occurrences("quarterly", 2024) == [
        (date(2024, 1, 1), date(2024, 3, 31), date(2024, 3, 31)),
        (date(2024, 4, 1), date(2024, 6, 30), date(2024, 6, 30)),
        (date(2024, 7, 1), date(2024, 9, 30), date(2024, 9, 30)),
        (date(2024, 10, 1), date(2024, 12, 31), date(2024, 12, 31)),
    ]
    assert occurrences("yearly", 2025) == [(date(2025, 1, 1), date(2025, 12, 31), date(2025, 12, 31))]
    assert occurrences("ongoing", 2025) == occurrences("yearly", 2025)
    with pytest.raises(ValueError):
        occurrences("weekly", 2024)


def test_period_labels():
    assert period_label("monthly", date(2024, 7, 1)) == "Tháng 7/2024"
    assert period_label("quarterly", date(2024, 7, 1)) == "Quý III/2024"
    assert [period_label("quarterly", start) for start, _, _ in occurrences("quarterly", 2025)] == [
        "Quý I/2025", "Quý II/2025", "Quý III/2025", "Quý IV/2025"]
    assert period_label("yearly", date(2024, 1, 1)) == "Năm 2024"
    assert period_label("ongoing", date(2024, 1, 1)) == "Năm 2024"
    with pytest.raises(ValueError):
        period_label("weekly", date(2024, 1, 1))
