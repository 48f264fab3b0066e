"""Time limits of administrative procedures (thời hạn giải quyết TTHC) as catalogues word them.

The national TTHC database and the province's publication decisions write the limit in words:
"05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", "Trong ngày", "10 ngày", "15 ngày làm việc;
trường hợp phải xác minh: 25 ngày", "Trực tiếp: 15 Ngày làm việc; Trực tuyến: 15 Ngày làm việc",
"04 giờ làm việc", "30 ngày (tính cả ngày nghỉ)", "03 tháng". The first figure is the limit; what
follows it is kept as a note for the clerk. Days are working days unless the wording says otherwise
(CLI.md): a limit in calendar days or months is marked so and never counted as working days.

Due moment of a limit counted from the clock start (DOMAIN.md §4 for working days):
- working days / hours: the working calendar (``WorkCalendar.due``);
- "Trong ngày": the closing time of the start's day;
- calendar days / months: the same clock time that many days (months) later; when that day is not a
  working day, the limit ends at the close of the next working day (Bộ luật Dân sự 2015, điều 148).
Wording without a figure ("Theo quy định", "Không quy định") is an error: a guessed limit would
time every dossier of that procedure wrongly.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.text import fold, nfc
from par_desktop.errors import InvalidInput

WORKING_DAYS = "working"
CALENDAR_DAYS = "calendar"
MONTHS = "months"
WORKING_HOURS = "hours"
SAME_DAY = "same_day"
LIMIT_UNITS = (WORKING_DAYS, CALENDAR_DAYS, MONTHS, WORKING_HOURS, SAME_DAY)

UNIT_LABELS = {
    WORKING_DAYS: "ngày làm việc",
    CALENDAR_DAYS: "ngày (theo lịch)",
    MONTHS: "tháng",
    WORKING_HOURS: "giờ làm việc",
    SAME_DAY: "Trong ngày",
}

WORKING_DAY_HOURS = 8  # Bộ luật Lao động 2019, điều 105: a working day of 8 hours


@dataclass(frozen=True)
class TimeLimit:
    amount: float            # days, months or hours as ``unit`` says (1 for "Trong ngày")
    unit: str                # one of LIMIT_UNITS
    note: str = ""           # the wording after the first figure ("trường hợp phải xác minh: 25 ngày")
    text: str = ""           # the original wording, NFC

    @property
    def label(self) -> str:
        """"05 ngày làm việc", "30 ngày (theo lịch)", "Trong ngày"."""
        if self.unit == SAME_DAY:
            return UNIT_LABELS[SAME_DAY]
        return f"{_figure(self.amount)} {UNIT_LABELS[self.unit]}"

    @property
    def counts_working_time(self) -> bool:
        return self.unit in (WORKING_DAYS, WORKING_HOURS)

    def working_days(self) -> float | None:
        """The limit in working days, when it is counted in working time; None otherwise."""
        if self.unit == WORKING_DAYS:
            return self.amount
        if self.unit == WORKING_HOURS:
            return self.amount / WORKING_DAY_HOURS
        return None

    def due(self, calendar: WorkCalendar, start: datetime) -> datetime:
        """The due moment of this limit for a clock that starts at ``start`` (an opening time or later)."""
        days = self.working_days()
        if days is not None:
            return calendar.due(start, days)
        if self.unit == SAME_DAY:
            return datetime.combine(start.date(), calendar.hours.closes)
        end_day = (start.date() + timedelta(days=round(self.amount)) if self.unit == CALENDAR_DAYS
                   else _add_months(start.date(), round(self.amount)))
        if calendar.is_working_day(end_day):
            return datetime.combine(end_day, start.time())
        following = end_day + timedelta(days=1)
        while not calendar.is_working_day(following):
            following += timedelta(days=1)
        return datetime.combine(following, calendar.hours.closes)


def _figure(amount: float) -> str:
    return f"{int(amount):02d}" if float(amount).is_integer() else f"{amount:g}".replace(".", ",")


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


# A channel label the national database puts before each channel's limit.
_CHANNEL_PREFIX = re.compile(r"^(?:truc tiep|truc tuyen|dich vu buu chinh|buu chinh(?: cong ich)?)\s*:\s*")
_SAME_DAY = re.compile(r"^(?:giai quyet |tra ket qua )?(?:ngay )?trong (?:ngay|buoi)(?: lam viec)?\b")
_FIGURE = re.compile(r"(?:khong qua |toi da |trong (?:vong |thoi han )?)?(\d+(?:[.,]\d+)?)\s*(\([^)]*\))?\s*"
                     r"(ngay lam viec|ngay|gio lam viec|gio|thang)\b(\s*(?:\([^)]*\)|lich|theo lich))?")
_BARE_NUMBER = re.compile(r"(\d+(?:[.,]\d+)?)")
_CALENDAR_WORDS = ("lich", "ke ca ngay nghi", "tinh ca ngay nghi", "ca ngay nghi", "lien tuc")


def parse_limit(text: str) -> TimeLimit:
    """Read a limit's wording (see the module docstring). Raises ``InvalidInput`` in Vietnamese."""
    raw = nfc(text)
    key = fold(raw)
    if not key:
        raise InvalidInput("Chưa ghi thời hạn giải quyết.")
    key = _CHANNEL_PREFIX.sub("", key)
    offset = len(fold(raw)) - len(key)
    bare = _BARE_NUMBER.fullmatch(key)   # a number alone (a numeric cell): working days
    if bare:
        amount = float(bare.group(1).replace(",", "."))
        if amount <= 0:
            raise InvalidInput(f"Thời hạn «{raw}» phải lớn hơn 0.")
        return TimeLimit(amount, WORKING_DAYS, "", raw)
    same_day = _SAME_DAY.match(key)
    if same_day:
        return TimeLimit(1, SAME_DAY, _rest(raw, offset + same_day.end()), raw)
    match = _FIGURE.search(key)
    if match is None or match.start() > 40:
        raise InvalidInput(f"Không đọc được thời hạn «{raw}»: cần một số ngày (ví dụ «05 ngày làm việc», "
                           "«Trong ngày», «30 ngày (tính cả ngày nghỉ)»).")
    amount = float(match.group(1).replace(",", "."))
    if amount <= 0:
        raise InvalidInput(f"Thời hạn «{raw}» phải lớn hơn 0.")
    word = match.group(3)
    qualifier = " ".join(filter(None, (match.group(2), match.group(4)))) or ""
    rest = _rest(raw, offset + match.end())
    calendar_marked = any(w in qualifier for w in _CALENDAR_WORDS) or any(
        fold(rest).startswith(w) for w in ("ke ca ngay nghi", "tinh ca ngay nghi"))
    if word == "thang":
        unit = MONTHS
    elif word.startswith("gio"):
        unit = WORKING_HOURS
    elif word == "ngay lam viec":
        unit = WORKING_DAYS
    else:
        unit = CALENDAR_DAYS if calendar_marked else WORKING_DAYS
    if unit in (CALENDAR_DAYS, MONTHS) and not float(amount).is_integer():
        raise InvalidInput(f"Thời hạn «{raw}»: số ngày theo lịch hoặc số tháng phải là số nguyên.")
    return TimeLimit(amount, unit, rest, raw)


def _rest(raw: str, folded_end: int) -> str:
    """The original wording after position ``folded_end`` of its folded form (folding keeps lengths of
    letters; spaces are collapsed by both), trimmed of separators."""
    folded = fold(raw)
    # fold() keeps one character per character except collapsed spaces; nfc() already collapsed them.
    if len(folded) != len(raw):
        return nfc(folded[folded_end:]).strip(" ;,.:-")
    return raw[folded_end:].strip(" ;,.:-")
