"""Reporting periods (kỳ báo cáo) for the TTHC statistics and the Office's reports.

Nghị định 09/2019/NĐ-CP closes report figures on the 14th: a *month* runs from the 15th of the previous
month to the 14th, a *quarter* from the 15th of the month before it to the 14th of its last month, the
first half-year from 15/12 of the previous year to 14/6, the year from 15/12 to 14/12. The cut-off day
is a setting (``reports.cutoff_day``); a cut-off of 1 gives plain calendar periods. Calendar-month
ranges are also offered for charts (on-time rate per month).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from par_desktop.domain.text import to_roman, ui_date, ui_moment

KINDS = ("month", "quarter", "half", "year", "range")
DEFAULT_CUTOFF = 15


@dataclass(frozen=True)
class Period:
    """A reporting period: ``start`` and ``end`` are both included."""

    kind: str    # month | quarter | half | year | range
    start: date
    end: date
    label: str   # "Tháng 3/2024", "Quý I/2024", "6 tháng đầu năm 2024", "Năm 2024", or the range

    @property
    def span_text(self) -> str:
        """"Từ ngày 15/02/2024 đến ngày 14/03/2024" as the statistics header writes it."""
        return f"Từ ngày {ui_date(self.start)} đến ngày {ui_date(self.end)}"

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def last_minute(end: date) -> datetime:
    """The moment the statistics of a period ending on ``end`` judge the dossiers still open."""
    return datetime.combine(end, time(23, 59))


def counted_at_note(end: date, now: datetime, *, screen: bool = True) -> str:
    """What moment a period's figures are counted at, in words (issue 16 item 9). The statistics count the
    dossiers received and resolved up to now, and judge those still open at the period's last minute: for
    a period not over yet, a dossier due before then counts as overdue already, so the figure can exceed
    the dashboard's, which judges them now. ``screen`` adds that comparison (not for a document)."""
    last = last_minute(end)
    if now >= last:
        return f"Số liệu chốt lúc {ui_moment(last)} (hết kỳ)."
    note = (f"Kỳ chưa kết thúc: số liệu đến {ui_moment(now)}; hồ sơ đang giải quyết được xét quá hạn "
            f"tại hết kỳ ({ui_moment(last)})")
    return note + (", nên số quá hạn có thể lớn hơn trên Tổng quan (xét tại lúc xem)." if screen else ".")


def _check_cutoff(cutoff: int) -> int:
    if not 1 <= int(cutoff) <= 28:
        raise ValueError(f"the report cut-off day must be between 1 and 28, not {cutoff}")
    return int(cutoff)


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _span(first_year: int, first_month: int, last_year: int, last_month: int, cutoff: int) -> tuple[date, date]:
    """From the cut-off of the month before the first month to the day before the cut-off of the last.

    With a cut-off of 1 that is the first day of the first month to the last day of the last month.
    """
    if cutoff == 1:
        return date(first_year, first_month, 1), date(last_year, last_month, monthrange(last_year, last_month)[1])
    y, m = _shift_month(first_year, first_month, -1)
    return date(y, m, cutoff), date(last_year, last_month, cutoff - 1)


def report_month(year: int, month: int, cutoff: int = DEFAULT_CUTOFF) -> Period:
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    start, end = _span(year, month, year, month, _check_cutoff(cutoff))
    return Period("month", start, end, f"Tháng {month}/{year}")


def report_quarter(year: int, quarter: int, cutoff: int = DEFAULT_CUTOFF) -> Period:
    if not 1 <= quarter <= 4:
        raise ValueError(f"no quarter {quarter}")
    first = 3 * quarter - 2
    start, end = _span(year, first, year, first + 2, _check_cutoff(cutoff))
    return Period("quarter", start, end, f"Quý {to_roman(quarter)}/{year}")


def report_half(year: int, half: int, cutoff: int = DEFAULT_CUTOFF) -> Period:
    if half not in (1, 2):
        raise ValueError(f"no half-year {half}")
    first = 1 if half == 1 else 7
    start, end = _span(year, first, year, first + 5, _check_cutoff(cutoff))
    return Period("half", start, end, f"6 tháng {'đầu' if half == 1 else 'cuối'} năm {year}")


def report_year(year: int, cutoff: int = DEFAULT_CUTOFF) -> Period:
    start, end = _span(year, 1, year, 12, _check_cutoff(cutoff))
    return Period("year", start, end, f"Năm {year}")


def date_range(start: date, end: date) -> Period:
    """Any range chosen by the clerk (both days included)."""
    if end < start:
        raise ValueError(f"a period cannot end before it starts: {start} – {end}")
    return Period("range", start, end, f"{ui_date(start)} – {ui_date(end)}")


def calendar_month(year: int, month: int) -> Period:
    """The plain calendar month (1st to last day), used by charts."""
    return Period("month", date(year, month, 1), date(year, month, monthrange(year, month)[1]),
                  f"Tháng {month}/{year}")


def calendar_months(year: int) -> list[Period]:
    return [calendar_month(year, m) for m in range(1, 13)]


def report_period_of(day: date, kind: str, cutoff: int = DEFAULT_CUTOFF) -> Period:
    """The reporting period of ``kind`` that contains ``day`` (e.g. the current month's report period).

    Days after the cut-off belong to the next period: with a cut-off of 15, 20/12/2024 is in the
    January 2025 month, the first quarter and the year 2025.
    """
    cutoff = _check_cutoff(cutoff)
    year, month = (day.year, day.month) if cutoff == 1 or day.day < cutoff else _shift_month(day.year, day.month, 1)
    if kind == "month":
        return report_month(year, month, cutoff)
    if kind == "quarter":
        return report_quarter(year, (month - 1) // 3 + 1, cutoff)
    if kind == "half":
        return report_half(year, 1 if month <= 6 else 2, cutoff)
    if kind == "year":
        return report_year(year, cutoff)
    raise ValueError(f"unknown period kind {kind!r}")


def previous(period: Period, cutoff: int = DEFAULT_CUTOFF) -> Period:
    """The period of the same kind just before ``period`` (a range: the same length just before)."""
    if period.kind == "range":
        length = period.end - period.start
        end = period.start - timedelta(days=1)
        return date_range(end - length, end)
    return report_period_of(period.start - timedelta(days=1), period.kind, cutoff)
