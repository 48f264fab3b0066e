"""Vietnamese deadline expressions of plan tasks (DOMAIN.md §3): the wording in, a due date or a
recurrence out.

Matching runs on the accent-folded, lower-case text with spacing around separators removed, so
"THÁNG 7 / 2024", "thang 7/2024" and "Tháng 07-2024" read alike. Anything that is not clearly one of
the known forms is an error with a Vietnamese explanation: a wrong due date is worse than a question.
"""

from __future__ import annotations

from calendar import monthrange
import re
from dataclasses import dataclass
from datetime import date, timedelta

from par_desktop.domain.text import fold, from_roman, nfc, to_roman
from par_desktop.errors import InvalidInput

RECURRENCES = ("ongoing", "monthly", "quarterly", "yearly")


@dataclass(frozen=True)
class Deadline:
    text: str  # original wording, NFC
    due_date: date | None
    recurrence: str | None


_YEAR = r"(?:/| nam )(\d{4})"
_RECURRING = re.compile(r"thuong xuyen|(?:dinh ky )?hang (thang|quy|nam)")
_RECURRENCE_OF = {None: "ongoing", "thang": "monthly", "quy": "quarterly", "nam": "yearly"}
_WITHIN = r"(?:trong )?"  # "Trong quý III/2024" means by the end of that quarter
_MONTH = re.compile(_WITHIN + r"thang (\d{1,2})" + f"(?:{_YEAR})?")
_QUARTER = re.compile(_WITHIN + r"quy ([ivxlcdm]+|\d{1,2})" + f"(?:{_YEAR})?")
_HALF = re.compile(_WITHIN + r"(?:0?6|sau) thang (dau|cuoi) nam(?:[ /](\d{4}))?")
_WHOLE_YEAR = re.compile(_WITHIN + r"nam (\d{4})")
_DAY = re.compile(r"(?:ngay )?(\d{1,2})(?:/| thang )(\d{1,2})" + f"(?:{_YEAR})?")
_BEFORE = re.compile(r"(?:(?:xong|hoan thanh) )?truoc (.+)")

_EXAMPLES = ("“Tháng 7/2024”, “Quý III/2024”, “6 tháng đầu năm 2024”, “Năm 2024”, “30/9/2024”, "
             "“Trước ngày 01/6/2024”, “Thường xuyên”, “Hằng tháng”, “Hằng quý” hoặc “Hằng năm”")


def _key(raw: str) -> str:
    """Folded text with one spelling per separator: "THÁNG 07 - 2024." -> "thang 07/2024"."""
    key = fold(raw).strip(" .;,:")
    key = re.sub(r"\s*([/.-])\s*", r"\1", key).replace("-", "/")
    return re.sub(r"(?<=\d)\.(?=\d)", "/", key)


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def parse_deadline(text: str, year: int | None = None) -> Deadline:
    """Read a deadline wording; ``year`` completes expressions that omit it ("Tháng 7", "30/9")."""
    raw = nfc(text)
    key = _key(raw)
    if not key:
        raise InvalidInput("Chưa ghi thời hạn.")

    def year_of(found: str | None) -> int:
        if found:
            return int(found)
        if year is None:
            raise InvalidInput(f"Thời hạn “{raw}” thiếu năm: hãy ghi rõ năm, ví dụ “Tháng 7/2024”.")
        return year

    def day(d: str, m: str, y: str | None) -> date:
        dd, mm, yy = int(d), int(m), year_of(y)
        try:
            return date(yy, mm, dd)
        except ValueError:
            raise InvalidInput(f"Thời hạn “{raw}”: ngày {dd:02d}/{mm:02d}/{yy} không tồn tại.") from None

    def found(due: date | None = None, recurrence: str | None = None) -> Deadline:
        return Deadline(raw, due, recurrence)

    if m := _RECURRING.fullmatch(key):
        return found(recurrence=_RECURRENCE_OF[m.group(1)])
    if m := _MONTH.fullmatch(key):
        month = int(m.group(1))
        if not 1 <= month <= 12:
            raise InvalidInput(f"Thời hạn “{raw}”: tháng {month} không tồn tại (chỉ có tháng 1 đến tháng 12).")
        return found(_month_end(year_of(m.group(2)), month))
    if m := _QUARTER.fullmatch(key):
        written = m.group(1).upper()
        try:
            quarter = int(written) if written.isdigit() else from_roman(written)
        except ValueError:
            quarter = 0
        if not 1 <= quarter <= 4:
            raise InvalidInput(f"Thời hạn “{raw}”: quý {written} không tồn tại (chỉ có quý I đến quý IV).")
        return found(_month_end(year_of(m.group(2)), quarter * 3))
    if m := _HALF.fullmatch(key):
        return found(_month_end(year_of(m.group(2)), 6 if m.group(1) == "dau" else 12))
    if m := _WHOLE_YEAR.fullmatch(key):
        return found(date(int(m.group(1)), 12, 31))
    if m := _DAY.fullmatch(key):
        return found(day(*m.groups()))
    if (before := _BEFORE.fullmatch(key)) and (m := _DAY.fullmatch(before.group(1))):
        return found(day(*m.groups()) - timedelta(days=1))
    raise InvalidInput(f"Không nhận ra thời hạn “{raw}”: hãy ghi theo dạng {_EXAMPLES}.")


_PERIOD_MONTHS = {
    "monthly": [(m, m) for m in range(1, 13)],
    "quarterly": [(1, 3), (4, 6), (7, 9), (10, 12)],
    "yearly": [(1, 12)],
    "ongoing": [(1, 12)],
}


def occurrences(recurrence: str, year: int) -> list[tuple[date, date, date]]:
    """(period start, period end, due) of each occurrence in the year; each is due at its period's end."""
    if recurrence not in _PERIOD_MONTHS:
        raise ValueError(f"unknown recurrence: {recurrence!r}")
    return [(date(year, first, 1), _month_end(year, last), _month_end(year, last))
            for first, last in _PERIOD_MONTHS[recurrence]]


def period_label(recurrence: str, start: date) -> str:
    """How reports name the period of an occurrence: "Tháng 7/2024", "Quý III/2024", "Năm 2024"."""
    if recurrence == "monthly":
        return f"Tháng {start.month}/{start.year}"
    if recurrence == "quarterly":
        return f"Quý {to_roman((start.month - 1) // 3 + 1)}/{start.year}"
    if recurrence in ("yearly", "ongoing"):
        return f"Năm {start.year}"
    raise ValueError(f"unknown recurrence: {recurrence!r}")
