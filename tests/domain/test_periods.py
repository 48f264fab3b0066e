"""Reporting periods with the Nghị định 09/2019 cut-offs (15th to 14th) and plain calendar ranges."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from par_desktop.domain import periods as P


def span(period):
    return period.start, period.end


def test_month_runs_from_the_15th_of_the_previous_month_to_the_14th():
    assert span(P.report_month(2024, 3)) == (date(2024, 2, 15), date(2024, 3, 14))
    assert span(P.report_month(2024, 1)) == (date(2023, 12, 15), date(2024, 1, 14))
    assert P.report_month(2024, 3).label == "Tháng 3/2024"


def test_quarter_half_and_year():
    assert span(P.report_quarter(2024, 1)) == (date(2023, 12, 15), date(2024, 3, 14))
    assert span(P.report_quarter(2024, 3)) == (date(2024, 6, 15), date(2024, 9, 14))
    assert P.report_quarter(2024, 4).label == "Quý IV/2024"
    assert span(P.report_half(2024, 1)) == (date(2023, 12, 15), date(2024, 6, 14))
    assert span(P.report_half(2024, 2)) == (date(2024, 6, 15), date(2024, 12, 14))
    assert P.report_half(2024, 2).label == "6 tháng cuối năm 2024"
    assert span(P.report_year(2024)) == (date(2023, 12, 15), date(2024, 12, 14))
    assert P.report_year(2024).span_text == "Từ ngày 15/12/2023 đến ngày 14/12/2024"


def test_cutoff_is_configurable_and_1_means_calendar_periods():
    assert span(P.report_month(2024, 3, cutoff=20)) == (date(2024, 2, 20), date(2024, 3, 19))
    assert span(P.report_month(2024, 2, cutoff=1)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert span(P.report_quarter(2024, 2, cutoff=1)) == (date(2024, 4, 1), date(2024, 6, 30))
    assert span(P.report_year(2024, cutoff=1)) == (date(2024, 1, 1), date(2024, 12, 31))
    with pytest.raises(ValueError):
        P.report_month(2024, 3, cutoff=31)


def test_calendar_months_and_ranges():
    assert span(P.calendar_month(2024, 2)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert len(P.calendar_months(2025)) == 12
    r = P.date_range(date(2024, 1, 5), date(2024, 1, 9))
    assert r.kind == "range" and date(2024, 1, 9) in r and date(2024, 1, 10) not in r
    with pytest.raises(ValueError):
        P.date_range(date(2024, 1, 9), date(2024, 1, 5))
    assert span(P.previous(r)) == (date(2023, 12, 31), date(2024, 1, 4))


def test_period_containing_a_day():
    assert P.report_period_of(date(2024, 12, 20), "month") == P.report_month(2025, 1)
    assert P.report_period_of(date(2024, 12, 14), "month") == P.report_month(2024, 12)
    assert P.report_period_of(date(2024, 12, 20), "year") == P.report_year(2025)
    assert P.report_period_of(date(2024, 6, 14), "half") == P.report_half(2024, 1)
    assert P.report_period_of(date(2024, 6, 15), "quarter") == P.report_quarter(2024, 3)
    assert P.previous(P.report_month(2024, 1)) == P.report_month(2023, 12)


@given(st.integers(2000, 2100), st.integers(1, 28))
def test_periods_tile_the_year(year, cutoff):
    """Months, quarters and halves are contiguous and together cover exactly the year period."""
    whole = P.report_year(year, cutoff)
    for parts in ([P.report_month(year, m, cutoff) for m in range(1, 13)],
                  [P.report_quarter(year, q, cutoff) for q in range(1, 5)],
                  [P.report_half(year, h, cutoff) for h in (1, 2)]):
        assert parts[0].start == whole.start and parts[-1].end == whole.end
        for a, b in zip(parts, parts[1:]):
            assert b.start == a.end + timedelta(days=1)
    assert P.report_year(year + 1, cutoff).start == whole.end + timedelta(days=1)


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)), st.sampled_from(["month", "quarter", "half", "year"]),
       st.integers(1, 28))
def test_every_day_is_in_its_period(day, kind, cutoff):
    assert day in P.report_period_of(day, kind, cutoff)
