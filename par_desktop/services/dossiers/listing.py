"""The lazy listing of the dossier table: filters and order done by the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import compress

from peewee import JOIN, fn

from par_desktop.db.models import Dossier, Unit
from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.text import fold
from par_desktop.domain.timers import DossierClock, TimerState, state_at
from par_desktop.services.dossiers.timing import (
    minute, moment_value, near_due_days, now_minute, pauses_by_dossier, raw_rows, work_calendar,
)


@dataclass(frozen=True)
class DossierQuery:
    """What the dossier table shows: every field optional; ``state`` as of now."""

    search: str = ""                  # words matched accent-insensitively in code, applicant, procedure
    state: str | None = None          # a timer state, or "open" / "closed"
    unit_id: int | None = None
    field: str | None = None
    received_from: date | None = None
    received_to: date | None = None


@dataclass
class ListRow:
    """One row of the dossier table; ``timer`` is recomputed by the page's countdown."""

    id: int
    code: str
    procedure: str
    field: str
    applicant: str
    channel: str
    received_at: datetime
    start_at: datetime
    due_at: datetime
    limit_days: float | None
    result_at: datetime | None
    closed_at: datetime | None
    paused_since: datetime | None
    unit_id: int | None
    unit: str
    withdrawn: bool
    pauses: tuple = ()
    timer: TimerState | None = None

    def clock(self) -> DossierClock:
        pauses = list(self.pauses)
        if self.paused_since is not None and not any(end is None for _, end in pauses):
            pauses.append((self.paused_since, None))
        return DossierClock(self.received_at, self.start_at, self.due_at, self.limit_days, self.closed_at,
                            tuple(pauses))


SORT_KEYS = {"code": Dossier.code, "procedure": Dossier.procedure_name, "field": Dossier.field,
             "applicant": Dossier.applicant, "channel": Dossier.channel, "received_at": Dossier.received_at,
             "due_at": Dossier.due_at, "closed_at": Dossier.closed_at, "unit": Unit.name}


def _state_condition(state: str, at: datetime, calendar: WorkCalendar, near: float):
    d = Dossier
    running = d.closed_at.is_null() & d.paused_since.is_null()
    closed = d.closed_at.is_null(False)
    threshold = calendar.near_due_threshold(at, near)
    return {
        "open": d.closed_at.is_null(),
        "closed": closed,
        "paused": d.closed_at.is_null() & d.paused_since.is_null(False),
        "overdue": running & (d.due_at < at),
        "near_due": running & (d.due_at >= at) & (d.due_at <= threshold),
        "within_time": running & (d.due_at > threshold),
        "early": closed & (fn.DATE(d.closed_at) < fn.DATE(d.due_at)),
        "on_time": closed & (fn.DATE(d.closed_at) == fn.DATE(d.due_at)) & (d.closed_at <= d.due_at),
        "late": closed & (d.closed_at > d.due_at),
    }[state]


def search_words(text: str) -> list[str]:
    """The words of a search-box text as the dossier search matches them: folded, LIKE's wildcards dropped."""
    return fold(text).replace("%", " ").replace("_", " ").split()


def _where(q: DossierQuery, at: datetime, calendar: WorkCalendar, near: float):
    cond = Dossier.received_at <= at
    for word in search_words(q.search):
        cond &= Dossier.fold_text ** f"%{word}%"   # fold_text is already folded: LIKE's case rules suffice
    if q.state:
        cond &= _state_condition(q.state, at, calendar, near)
    if q.unit_id is not None:
        cond &= Dossier.unit == q.unit_id
    if q.field:
        cond &= Dossier.field == q.field
    if q.received_from is not None:
        cond &= Dossier.received_at >= datetime.combine(q.received_from, time())
    if q.received_to is not None:
        cond &= Dossier.received_at < datetime.combine(q.received_to + timedelta(days=1), time())
    return cond


def count_dossiers(q: DossierQuery = DossierQuery(), at: datetime | None = None) -> int:
    at = minute(at) or now_minute()
    return Dossier.select().where(_where(q, at, work_calendar(), near_due_days())).count()


def dossier_ids(q: DossierQuery = DossierQuery(), *, order: str = "received_at", descending: bool = True,
                at: datetime | None = None, calendar: WorkCalendar | None = None) -> list[int]:
    """The ids of the dossiers matching ``q`` in display order: one query per filter or sort change.

    The table then loads the rows it shows by id (``rows_by_ids``), so jumping anywhere in 100,000
    rows costs one small query, whatever the sort (OFFSET paging re-sorts everything for each page).
    """
    at = minute(at) or now_minute()
    calendar = calendar or work_calendar()
    key = SORT_KEYS[order]
    query = (Dossier.select(Dossier.id).join(Unit, JOIN.LEFT_OUTER, on=(Dossier.unit == Unit.id))
             .where(_where(q, at, calendar, near_due_days()))
             .order_by(key.desc(nulls="LAST") if descending else key.asc(nulls="LAST"),
                       Dossier.id.desc() if descending else Dossier.id.asc()))
    return [row[0] for row in raw_rows(query)]


def search_texts(ids: Sequence[int] | None = None) -> dict[int, str]:
    """{dossier id: ``Dossier.fold_text``} of every dossier (or of ``ids``).

    The dossier table keeps this in memory and matches the typed words itself (``ids_matching``):
    ``LIKE '%word%'`` cannot use an index, so doing it in SQL scans 100,000 rows on every key.
    """
    if ids is None:
        return dict(raw_rows(Dossier.select(Dossier.id, Dossier.fold_text)))
    texts: dict[int, str] = {}
    for i in range(0, len(ids), 500):
        texts.update(raw_rows(Dossier.select(Dossier.id, Dossier.fold_text).where(Dossier.id.in_(list(ids[i:i + 500])))))
    return texts


def ids_matching(ids: Sequence[int], texts: Sequence[str],
                 words: Sequence[str]) -> tuple[list[int], list[str]]:
    """Those of ``ids`` (order kept), with their texts, whose search text (``texts``, aligned with ``ids``)
    holds every word of ``search_words``: the dossiers the ``fold_text LIKE '%word%'`` conditions of
    ``dossier_ids`` select, matched in memory."""
    ids, texts = list(ids), list(texts)
    for word in sorted(set(words), key=len, reverse=True):   # the longest word usually leaves the fewest
        keep = [word in t for t in texts]
        ids, texts = list(compress(ids, keep)), list(compress(texts, keep))
    return ids, texts


def rows_by_ids(ids: Sequence[int], at: datetime | None = None,
                calendar: WorkCalendar | None = None) -> list[ListRow]:
    """The table rows of ``ids`` (in that order), each with its timer at ``at`` (default now)."""
    at = minute(at) or now_minute()
    calendar, near = calendar or work_calendar(), near_due_days()
    found: dict[int, ListRow] = {}
    for i in range(0, len(ids), 500):
        query = (Dossier.select(Dossier.id, Dossier.code, Dossier.procedure_name, Dossier.field, Dossier.applicant,
                                Dossier.channel, Dossier.received_at, Dossier.start_at, Dossier.due_at,
                                Dossier.limit_days, Dossier.result_at, Dossier.closed_at, Dossier.paused_since,
                                Dossier.unit, Unit.name, Dossier.withdrawn)
                 .join(Unit, JOIN.LEFT_OUTER, on=(Dossier.unit == Unit.id))
                 .where(Dossier.id.in_(list(ids[i:i + 500]))))
        for values in raw_rows(query):
            (id_, code, proc, field_, applicant, channel, received, start, due, limit_days, result, closed, paused,
             unit_id, unit, withdrawn) = values
            found[id_] = ListRow(id_, code, proc, field_, applicant, channel, moment_value(received),
                                 moment_value(start), moment_value(due), limit_days, moment_value(result),
                                 moment_value(closed), moment_value(paused), unit_id, unit or "", bool(withdrawn))
    rows = [found[i] for i in ids if i in found]   # a dossier deleted meanwhile is simply left out
    pauses = pauses_by_dossier([r.id for r in rows]) if rows else {}
    for r in rows:
        r.pauses = tuple(pauses.get(r.id, ()))
        r.timer = state_at(r.clock(), calendar, at, near)
    return rows
