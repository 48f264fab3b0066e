"""The overdue and near-due lists, and the counts of the start-up notice and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import JOIN, Case, fn

from par_desktop.db.models import Dossier, DossierPause, Explanation, Unit
from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.periods import Period
from par_desktop.domain.timers import remaining_text, state_at
from par_desktop.services.dossiers.timing import (
    clock_of, minute, near_due_days, now_minute, pauses_by_dossier, work_calendar,
)


@dataclass(frozen=True)
class OverdueRow:
    dossier_id: int
    code: str
    procedure: str
    applicant: str
    received_at: datetime
    due_at: datetime
    closed_at: datetime | None      # None: still open at the end of the period (or now)
    days_late: int                  # working days late at closing, or at the end of the period
    unit_id: int | None
    unit: str
    field: str
    reason: str = ""
    responsible_person: str = ""
    explained_on: date | None = None
    apology_sent_on: date | None = None
    new_appointment: datetime | None = None
    result_at: datetime | None = None  # a result recorded (by the period's end) but not closed: plan footnote 4


def _period_end(period: Period | tuple[date, date]) -> tuple[datetime, datetime]:
    start, end = (period.start, period.end) if isinstance(period, Period) else period
    return datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())


def overdue_dossiers(unit_id: int | None = None, period: Period | tuple[date, date] | None = None,
                     at: datetime | None = None) -> list[OverdueRow]:
    """Dossiers a unit must explain. For a period: those closed late within it and those still open past
    their due moment at its end. Without a period: every late-closed dossier and those overdue at ``at``
    (default now). Withdrawn dossiers are left out. Ordered by unit, then due moment."""
    if period is not None:
        start, end = _period_end(period)
        moment = end - timedelta(minutes=1)   # the state at the last minute of the period
        closed_late = (Dossier.closed_at >= start) & (Dossier.closed_at < end)
    else:
        moment = minute(at) or now_minute()
        end = moment + timedelta(minutes=1)
        closed_late = Dossier.closed_at < end
    closed_late &= Dossier.closed_at > Dossier.due_at
    has_running_pause = fn.EXISTS(DossierPause.select(DossierPause.id).where(
        (DossierPause.dossier == Dossier.id) & (DossierPause.resumed_at.is_null() | (DossierPause.resumed_at >= end))))
    open_candidate = ((Dossier.received_at < end) & (Dossier.closed_at.is_null() | (Dossier.closed_at >= end))
                      & ((Dossier.due_at < end) | Dossier.paused_since.is_null(False) | has_running_pause))
    query = (Dossier.select(Dossier, Unit.name.alias("unit_name"), Explanation.reason, Explanation.responsible_person,
                            Explanation.explained_on, Explanation.apology_sent_on, Explanation.new_appointment)
             .join(Unit, JOIN.LEFT_OUTER, on=(Dossier.unit == Unit.id))
             .switch(Dossier).join(Explanation, JOIN.LEFT_OUTER, on=(Explanation.dossier == Dossier.id))
             .where((closed_late | open_candidate) & ~Dossier.withdrawn))
    if unit_id is not None:
        query = query.where(Dossier.unit == unit_id)
    rows = list(query.objects())
    calendar, pauses, near = work_calendar(), pauses_by_dossier([r.id for r in rows]), near_due_days()
    out = []
    for r in rows:
        t = state_at(clock_of(r, pauses.get(r.id, [])), calendar, moment, near)
        if t is None or not t.overdue:
            continue
        result = r.result_at if r.result_at is not None and r.result_at < end else None
        out.append(OverdueRow(r.id, r.code, r.procedure_name, r.applicant, r.received_at, t.due_at, t.closed_at,
                              t.days_late, r.unit_id, r.unit_name or "", r.field, r.reason or "",
                              r.responsible_person or "", r.explained_on, r.apology_sent_on, r.new_appointment,
                              result))
    out.sort(key=lambda o: (o.unit, o.due_at, o.code))
    return out


@dataclass(frozen=True)
class DueRow:
    dossier_id: int
    code: str
    procedure: str
    applicant: str
    due_at: datetime
    state: str
    remaining: str
    unit: str


def near_due_dossiers(at: datetime | None = None, unit_id: int | None = None,
                      include_overdue: bool = False, limit: int | None = None, *,
                      calendar: WorkCalendar | None = None, near: float | None = None) -> list[DueRow]:
    """Open dossiers near their due moment at ``at`` (and overdue ones when asked), soonest first;
    with ``limit``, only the first ``limit`` of them are read. ``calendar`` and ``near`` (the near-due
    days setting) are read from the database unless given."""
    at = minute(at) or now_minute()
    calendar = calendar or work_calendar()
    near = near_due_days() if near is None else near
    threshold = calendar.near_due_threshold(at, near)
    cond = (Dossier.closed_at.is_null() & Dossier.paused_since.is_null() & ~Dossier.withdrawn
            & (Dossier.received_at <= at) & (Dossier.due_at <= threshold))
    if not include_overdue:
        cond &= Dossier.due_at >= at
    d = Dossier   # the row's and its clock's columns only: 11 of 26 (the dashboard reads 200 rows at start-up)
    query = (d.select(d.id, d.code, d.procedure_name, d.applicant, d.received_at, d.start_at, d.due_at, d.limit_days,
                      d.closed_at, d.paused_since, Unit.name.alias("unit_name"))
             .join(Unit, JOIN.LEFT_OUTER, on=(d.unit == Unit.id)).where(cond)
             .order_by(d.due_at, d.id))
    if unit_id is not None:
        query = query.where(d.unit == unit_id)
    if limit is not None:
        query = query.limit(limit)
    rows = list(query.objects())
    pauses = pauses_by_dossier([r.id for r in rows])
    out = []
    for r in rows:
        t = state_at(clock_of(r, pauses.get(r.id, [])), calendar, at, near)
        if t is not None and t.state in (("near_due", "overdue") if include_overdue else ("near_due",)):
            out.append(DueRow(r.id, r.code, r.procedure_name, r.applicant, t.due_at, t.state,
                              remaining_text(t, calendar), r.unit_name or ""))
    return out


@dataclass(frozen=True)
class DueSummary:
    overdue: int
    near_due: int
    due_today: int

    def __add__(self, other: DueSummary) -> DueSummary:
        return DueSummary(self.overdue + other.overdue, self.near_due + other.near_due,
                          self.due_today + other.due_today)


def due_summary(at: datetime | None = None) -> DueSummary:
    """Counts for the start-up notice and the dashboard: open dossiers overdue, near due, due today."""
    return sum((counts for _, counts in due_summary_by_unit(at)), DueSummary(0, 0, 0))


def due_summary_by_unit(at: datetime | None = None, *, calendar: WorkCalendar | None = None,
                        near: float | None = None) -> list[tuple[str, DueSummary]]:
    """``due_summary`` per processing unit (name; "" for none), counted in one query, units with open
    dossiers only, in no particular order."""
    at = minute(at) or now_minute()
    threshold = (calendar or work_calendar()).near_due_threshold(at, near_due_days() if near is None else near)
    day_end = datetime.combine(at.date() + timedelta(days=1), time())
    d = Dossier
    running = d.closed_at.is_null() & d.paused_since.is_null() & ~d.withdrawn & (d.received_at <= at)

    def count(cond):
        return fn.SUM(Case(None, [(cond, 1)], 0))

    query = (d.select(Unit.name, count(d.due_at < at), count((d.due_at >= at) & (d.due_at <= threshold)),
                      count((d.due_at >= at) & (d.due_at < day_end)))
             .join(Unit, JOIN.LEFT_OUTER, on=(d.unit == Unit.id)).where(running).group_by(d.unit, Unit.name))
    return [(name or "", DueSummary(int(overdue or 0), int(near or 0), int(today or 0)))
            for name, overdue, near, today in query.tuples()]
