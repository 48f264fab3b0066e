"""Dossier timers (DOMAIN.md §4): the state of one dossier at a moment.

The stored due moment (``Dossier.due_at``) already includes every *finished* pause; a pause that is
still open stops the clock, so its length is only known when it ends. To see a dossier as it was at an
earlier moment ``at`` (``dossiers --at``, the end of a reporting period) the pauses that began after
``at`` are taken out again and an open pause counts until ``at``.

States: finished — ``early`` (closed on an earlier date than the due date), ``on_time`` (closed on the
due date, no later than the due moment), ``late``; open — ``paused`` (awaiting supplements),
``overdue`` (past the due moment), ``near_due`` (less than the near-due threshold left), ``within_time``.
Only closing stops the clock: a result that was not closed keeps it running. A new appointment given
with an apology is informational and never changes the state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from par_desktop.domain.calendar import WorkCalendar, format_remaining

FINISHED_STATES = ("early", "on_time", "late")
OPEN_STATES = ("within_time", "near_due", "overdue", "paused")
STATES = FINISHED_STATES + OPEN_STATES

STATE_LABELS = {
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Quá hạn",
    "within_time": "Trong hạn",
    "near_due": "Sắp đến hạn",
    "overdue": "Quá hạn",
    "paused": "Tạm dừng (chờ bổ sung)",
}


@dataclass(frozen=True)
class DossierClock:
    """What the timer of one dossier depends on (plain values, no database)."""

    received_at: datetime
    start_at: datetime                  # calendar.next_opening(received_at)
    due_at: datetime                    # stored due: limit plus every finished pause
    limit_days: float | None = None     # working days of the limit (None: derived from start → due)
    closed_at: datetime | None = None
    pauses: Sequence[tuple[datetime, datetime | None]] = field(default=())  # (paused_at, resumed_at)


@dataclass(frozen=True)
class TimerState:
    state: str                  # one of STATES
    due_at: datetime            # the due moment as known at ``at``
    closed_at: datetime | None  # None when not closed by ``at``
    remaining: int | None       # working minutes left (frozen while paused); None when finished
    days_late: int              # whole working days late (at closing, or at ``at`` while open)
    overdue: bool               # late, or open past the due moment (a paused dossier: when it was paused)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def pending_class(self) -> str | None:
        """How the statistics count an open dossier at the end of a period: within_time or overdue."""
        if self.finished:
            return None
        return "overdue" if self.overdue else "within_time"


def finished_state(due: datetime, closed: datetime) -> str:
    """early / on_time / late of a dossier closed at ``closed`` with due moment ``due``."""
    if closed.date() < due.date():
        return "early"
    if closed <= due:
        return "on_time"
    return "late"


def limit_of(clock: DossierClock, calendar: WorkCalendar) -> float:
    """The limit in working days; derived from the stored due when unknown (no pauses to take out)."""
    if clock.limit_days is not None:
        return clock.limit_days
    minutes = max(0, calendar.working_minutes_between(clock.start_at, clock.due_at))
    return minutes / calendar.hours.day_minutes


def due_at(clock: DossierClock, calendar: WorkCalendar, at: datetime) -> datetime:
    """The due moment as known at ``at``: pauses begun after ``at`` are left out, an open one ends at ``at``."""
    if all(end is not None and end <= at for _, end in clock.pauses):
        return clock.due_at  # no pause, or every pause finished by ``at``: the stored due is exact
    known = [(begin, end if end is not None and end <= at else at) for begin, end in clock.pauses if begin <= at]
    return calendar.due(clock.start_at, limit_of(clock, calendar), known, at=at)


def open_pause_at(clock: DossierClock, at: datetime) -> datetime | None:
    """When the pause running at ``at`` began, or None when the clock is running."""
    running = [begin for begin, end in clock.pauses if begin <= at and (end is None or end > at)]
    return max(running) if running else None


def state_at(clock: DossierClock, calendar: WorkCalendar, at: datetime, near_due_days: float = 1.0) -> TimerState | None:
    """The dossier's timer at ``at``; None when it had not been received yet."""
    if clock.received_at > at:
        return None
    if clock.closed_at is not None and clock.closed_at <= at:
        due = due_at(clock, calendar, clock.closed_at)
        state = finished_state(due, clock.closed_at)
        return TimerState(state, due, clock.closed_at, None, calendar.working_days_late(due, clock.closed_at),
                          state == "late")
    due = due_at(clock, calendar, at)
    paused_since = open_pause_at(clock, at)
    if paused_since is not None:
        # The clock stopped at ``paused_since``: overdue (and late by) what it was then.
        due_then = due_at(clock, calendar, paused_since)
        return TimerState("paused", due, None, calendar.remaining(due_then, paused_since),
                          calendar.working_days_late(due_then, paused_since), paused_since > due_then)
    remaining = calendar.remaining(due, at)
    if at > due:
        return TimerState("overdue", due, None, remaining, calendar.working_days_late(due, at), True)
    near = due <= calendar.near_due_threshold(at, near_due_days)
    return TimerState("near_due" if near else "within_time", due, None, remaining, 0, False)


def remaining_text(timer: TimerState, calendar: WorkCalendar) -> str:
    """The countdown clerks read: "còn 2 ngày 3 giờ làm việc", "quá hạn 1 ngày", "tạm dừng, còn …"."""
    if timer.finished or timer.remaining is None:
        return ""
    if timer.overdue and timer.remaining >= 0:
        # Past the due moment but no working minute yet (e.g. the evening of the due day).
        text = "quá hạn"
    else:
        text = format_remaining(timer.remaining, calendar.hours)
    return f"tạm dừng, {text}" if timer.state == "paused" else text
