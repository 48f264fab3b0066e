"""The Vietnamese working calendar and dossier timers (DOMAIN.md §4).

Working time is measured as a *position* in working minutes: the global index of a working day times
the length of the office day, plus the minutes since opening. A moment outside office hours has the
position of the next opening, so normalising the start of the clock, adding a limit (whole or
fractional days), stopping the clock for pauses and measuring lateness are all integer arithmetic on
one scale. Positions have minute resolution (seconds are dropped); moments are naive local times.

Working days come from the ``holidays`` package (country VN: public holidays, the government's yearly
day swaps and make-up Saturdays; read by ``domain.holidays_vn``, or given by a cache) and the
administrator's overrides, which win over everything. A ``WorkCalendar`` is immutable: build a new one
when the overrides or the office hours change.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple

from par_desktop.domain.text import nfc


@dataclass(frozen=True)
class OfficeHours:
    opens: time = time(7, 30)
    closes: time = time(17, 0)

    def __post_init__(self) -> None:
        if self.closing_minute <= self.opening_minute:
            raise ValueError(f"office hours must close after they open: {self.opens}–{self.closes}")

    @property
    def opening_minute(self) -> int:
        return self.opens.hour * 60 + self.opens.minute

    @property
    def closing_minute(self) -> int:
        return self.closes.hour * 60 + self.closes.minute

    @property
    def day_minutes(self) -> int:
        """Length of one working day in minutes: the unit of every limit."""
        return self.closing_minute - self.opening_minute


@dataclass(frozen=True)
class DayInfo:
    day: date
    working: bool
    kind: str  # 'working' | 'weekend' | 'holiday' | 'makeup' | 'override_off' | 'override_work'
    name: str  # Vietnamese name of the holiday, "Làm bù", the override reason; "" for plain days


_WORKING_KINDS = frozenset({"working", "makeup", "override_work"})

# ordinal -> (kind, name) of a year's national days off ("holiday") and make-up Saturdays ("makeup")
OfficialDays = Callable[[int], Mapping[int, tuple[str, str]]]


@lru_cache(maxsize=None)
def package_days(year: int) -> Mapping[int, tuple[str, str]]:
    """The year's official days as the ``holidays`` package gives them, remembered for the process.

    The package is read here, at the first year asked, and not when this module is imported: loading
    it takes about a third of a second (it imports every country it knows), which the app's start
    avoids with the per-release cache of ``services.calendar``. Callers must not mutate the result."""
    from par_desktop.domain import holidays_vn

    return holidays_vn.official_days(year)


class _Year(NamedTuple):
    working: list[int]  # sorted ordinals of the year's working days
    special: dict[int, tuple[str, str]]  # ordinal -> (kind, name) for every day that is not plain


class _Span(NamedTuple):
    """Working days of a contiguous range of years, replaced as a whole so readers need no lock."""

    ordinals: list[int]  # sorted ordinals of working days
    base: int  # global index of ordinals[0]
    first: int  # first ordinal covered
    last: int  # last ordinal covered


class WorkCalendar:
    """Working days and office hours, with working-time arithmetic for dossier timers."""

    def __init__(self, overrides: Mapping[date, tuple[bool, str]] | None = None,
                 hours: OfficeHours = OfficeHours(), official: OfficialDays = package_days):
        self.hours = hours
        self._official = official
        self._open = hours.opening_minute
        self._close = hours.closing_minute
        self._len = hours.day_minutes
        self._overrides: dict[int, dict[int, tuple[bool, str]]] = {}
        for day, (working, reason) in (overrides or {}).items():
            self._overrides.setdefault(day.year, {})[day.toordinal()] = (bool(working), nfc(reason))
        self._years: dict[int, _Year] = {}
        self._lock = threading.Lock()
        year = date.today().year  # the index may start anywhere: it grows by whole years both ways
        self._span = _Span(self._year(year).working, 0,
                           date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal())
        # timedelta from midnight for every position within a day, so building a moment is a lookup
        self._clock = [timedelta(minutes=self._open + r) for r in range(self._len + 1)]

    # ---- days -------------------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        special = dict(self._official(year))
        for ordinal, (is_working, reason) in self._overrides.get(year, {}).items():
            special[ordinal] = ("override_work" if is_working else "override_off", reason)
        first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        working = [o for o in range(first, last + 1)
                   if (special[o][0] in _WORKING_KINDS if o in special else (o - 1) % 7 < 5)]
        built = _Year(working, special)
        self._years[year] = built
        return built

    def day_info(self, d: date) -> DayInfo:
        ordinal = d.toordinal()
        kind, name = self._year(d.year).special.get(ordinal) or (
            ("working" if (ordinal - 1) % 7 < 5 else "weekend"), "")
        return DayInfo(date.fromordinal(ordinal), kind in _WORKING_KINDS, kind, name)

    def is_working_day(self, d: date) -> bool:
        return self.day_info(d).working

    def year_days(self, year: int) -> list[DayInfo]:
        """Every day of the year, for the year view where administrators review and override days."""
        first = date(year, 1, 1).toordinal()
        return [self.day_info(date.fromordinal(o)) for o in range(first, date(year, 12, 31).toordinal() + 1)]

    # ---- the global index of working days -----------------------------------------------------

    def _extend(self, ordinal: int | None = None, index: int | None = None) -> _Span:
        """Grow the span by whole years until it covers the ordinal or the global working-day index."""
        with self._lock:
            span = self._span
            while True:
                if ordinal is not None:
                    down, up = ordinal < span.first, ordinal > span.last
                elif index is not None:
                    down, up = index < span.base, index >= span.base + len(span.ordinals)
                else:
                    raise TypeError("_extend needs an ordinal or a working-day index")
                if down:
                    year = date.fromordinal(span.first).year - 1
                    extra = self._year(year).working
                    span = _Span(extra + span.ordinals, span.base - len(extra),
                                 date(year, 1, 1).toordinal(), span.last)
                elif up:
                    year = date.fromordinal(span.last).year + 1
                    span = _Span(span.ordinals + self._year(year).working, span.base,
                                 span.first, date(year, 12, 31).toordinal())
                else:
                    break
            self._span = span
            return span

    def _index(self, ordinal: int) -> int:
        """Global index of the first working day on or after the ordinal (= working days before it)."""
        ordinals, base, first, last = self._span
        if ordinal < first or ordinal > last:
            ordinals, base, first, last = self._extend(ordinal=ordinal)
        return bisect_left(ordinals, ordinal) + base

    def _pos(self, moment: datetime) -> int:
        """Working minutes from the origin of the index to the moment (outside hours: next opening)."""
        ordinal = moment.toordinal()
        ordinals, base, first, last = self._span
        if ordinal < first or ordinal > last:
            ordinals, base, first, last = self._extend(ordinal=ordinal)
        i = bisect_left(ordinals, ordinal)
        if i < len(ordinals) and ordinals[i] == ordinal:
            minutes = moment.hour * 60 + moment.minute - self._open
            if minutes < 0:
                minutes = 0
            elif minutes > self._len:
                minutes = self._len
            return (i + base) * self._len + minutes
        return (i + base) * self._len

    def _moment(self, pos: int, closing: bool) -> datetime:
        """The moment at a position; with ``closing``, a day boundary is the previous day's closing."""
        index, minutes = divmod(pos, self._len)
        if closing and minutes == 0:
            index -= 1
            minutes = self._len
        ordinals, base, _, _ = self._span
        j = index - base
        if j < 0 or j >= len(ordinals):
            ordinals, base, _, _ = self._extend(index=index)
            j = index - base
        return datetime.fromordinal(ordinals[j]) + self._clock[minutes]

    def _limit(self, days: float) -> int:
        if days < 0:
            raise ValueError(f"a time limit cannot be negative: {days}")
        return round(days * self._len)

    # ---- moments ------------------------------------------------------------------------------

    def next_opening(self, moment: datetime) -> datetime:
        """Where the clock starts: the moment itself inside office hours, else the next opening."""
        minute = moment.hour * 60 + moment.minute
        if self._open <= minute < self._close and self.is_working_day(moment):
            return moment
        return self._moment(self._pos(moment), closing=False)

    def add_working_time(self, start: datetime, days: float) -> datetime:
        """Due moment of a limit of ``days`` working days counted from ``start`` (no pauses)."""
        return self.due(start, days)

    def due(self, received: datetime, days: float,
            pauses: Sequence[tuple[datetime, datetime | None]] = (), at: datetime | None = None) -> datetime:
        """Due moment of a dossier; each pause that begins before the clock runs out moves it later.

        An open pause (end None) lasts until ``at``, which is then required: the caller decides what
        "now" is, so results are reproducible. Overlapping pauses count once.
        """
        start = self._pos(received)
        end = start + self._limit(days)
        if pauses:
            spans = []
            for begin, finish in pauses:
                if finish is None:
                    if at is None:
                        raise ValueError("an open pause needs the moment `at` to measure it")
                    finish = at
                elif finish < begin:
                    raise ValueError(f"a pause cannot end before it begins: {begin} – {finish}")
                spans.append((max(self._pos(begin), start), self._pos(finish)))
            covered = start
            for a, b in sorted(spans):
                a = max(a, covered)
                if a >= end:
                    break
                if b > a:
                    end += b - a
                    covered = b
        return self._moment(end, closing=end > start)

    def working_minutes_between(self, a: datetime, b: datetime) -> int:
        """Working minutes in [a, b); negative when b is before a."""
        return self._pos(b) - self._pos(a)

    def remaining(self, due: datetime, at: datetime) -> int:
        """Working minutes left at ``at`` before ``due``; negative once overdue."""
        return self._pos(due) - self._pos(at)

    def workdays(self, first: date, last: date) -> int:
        """Working days from ``first`` to ``last``, both included; 0 when ``last`` is before ``first``."""
        if last < first:
            return 0
        return self._index(last.toordinal() + 1) - self._index(first.toordinal())

    def working_day_after(self, day: date, days: int) -> date:
        """The ``days``-th working day after ``day`` (``day`` itself not counted, as a term "N ngày làm
        việc kể từ ngày …" is counted): Friday 15/03/2024 + 3 → Wednesday 20/03/2024."""
        if days < 1:
            raise ValueError("days must be at least 1")
        current, counted = day, 0
        while counted < days:
            current = date.fromordinal(current.toordinal() + 1)
            counted += self.is_working_day(current)
        return current

    def working_days_late(self, due: datetime, closed: datetime) -> int:
        """Whole working days late, rounded up: any lateness on the due day itself counts one day.

        A dossier closed after its due moment is late even when no working minute separates them
        (due 17:00, closed 18:00): it then counts one day, so a late dossier never shows 0 days late.
        """
        if closed <= due:
            return 0
        return max(1, math.ceil((self._pos(closed) - self._pos(due)) / self._len))

    def near_due_threshold(self, at: datetime, days: float = 1.0) -> datetime:
        """The moment ``days`` working days after ``at``: a dossier due after ``at`` and no later than
        this is near due."""
        return self._moment(self._pos(at) + self._limit(days), closing=True)


def format_remaining(minutes: int, hours: OfficeHours) -> str:
    """Remaining working time as clerks read it: "còn 2 ngày 3 giờ làm việc", "quá hạn 1 ngày 2 giờ làm việc"."""
    if minutes == 0:
        return "đến hạn"
    days, rest = divmod(abs(minutes), hours.day_minutes)
    parts = [f"{n} {unit}" for n, unit in ((days, "ngày"), (rest // 60, "giờ"), (rest % 60, "phút")) if n]
    text = " ".join(parts)
    return f"còn {text} làm việc" if minutes > 0 else f"quá hạn {text} làm việc"


# The years the working calendar knows (the holidays package covers 1901–2100); a date typed outside
# them (9999, 0024) would make every count walk thousands of years.
FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR = 1901, 2100


def check_supported(moment: date) -> date:
    """``moment`` itself, or ``ValueError`` (in Vietnamese) when its year is outside the calendar's range."""
    if not FIRST_SUPPORTED_YEAR <= moment.year <= LAST_SUPPORTED_YEAR:
        raise ValueError(f"năm {moment.year} nằm ngoài khoảng {FIRST_SUPPORTED_YEAR}–{LAST_SUPPORTED_YEAR} mà lịch "
                         "làm việc hỗ trợ (gõ nhầm năm?)")
    return moment
