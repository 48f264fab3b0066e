"""The service-quality figures (DOMAIN.md §10, docs/service-quality.md): one function per indicator key,
the points table, hand-entered figures, the trend, the units compared, and the dossiers behind a figure.

Each figure is numerator / denominator over a period [start, end] (both days included): *received* =
received in the period, *resolved* = closed in the period; withdrawn or returned dossiers are left out,
as in the statistics table. A dossier whose export had no digitisation or payment column carries None
there ("not known") and is left out of that figure's denominator: a figure nobody reported has no
value, never 0 %. The dossier figures are counted in SQL (two grouped queries, CASE WHEN sums) so a
year of 100,000 dossiers takes a fraction of a second; only the mean resolution time walks the
resolved dossiers through the working calendar.

``INDICATOR_FUNCTIONS`` maps each computed indicator key to its function ``f(start, end, *, unit_id=None,
field=None, procedure_id=None) -> Figure`` — the PAR-index metrics call these.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from peewee import JOIN, SQL, Case, SqliteDatabase, Table, fn

from par_desktop.db import connection
from par_desktop.db.changes import delete_record, insert_record, update_record
from par_desktop.db.models import Dossier, ManualIndicatorValue, Procedure, ServiceIndicator, Unit
from par_desktop.domain import service_index as si
from par_desktop.domain.periods import Period, date_range, report_month
from par_desktop.domain.text import fold, nfc, ui_date, vn_number
from par_desktop.errors import InvalidInput, NotFound
from par_desktop.services.session import Actor, require

NO_UNIT = "(Chưa xác định đơn vị)"
NO_FIELD = "(Chưa xác định lĩnh vực)"


@dataclass(frozen=True)
class Scope:
    """Which dossiers and procedures a figure covers: all, or one unit, field or procedure."""

    unit_id: int | None = None
    field: str | None = None
    procedure_id: int | None = None


WHOLE = Scope()     # every dossier and procedure of the Department


# ---- counting ------------------------------------------------------------------------------------------
# Two scans of the dossier table per request, whatever the number of periods and units: one over the
# dossiers received in the periods, one over those closed in them. On SQLite a span longer than two months
# reads the table in storage order (NOT INDEXED): a year is most of the table, and walking it through the
# date index costs a random page read per row; a month is read through the index.

RECEIVED = ("received", "online", "digitised_known", "digitised", "paid", "paid_online")
RESOLVED = ("resolved", "on_time", "result_known", "result_digitised", "rated", "satisfied")


@dataclass
class Counts:
    """The dossier counts behind the figures of one period (and one unit, field or procedure)."""

    received: int = 0
    online: int = 0
    digitised_known: int = 0
    digitised: int = 0
    paid: int = 0
    paid_online: int = 0
    resolved: int = 0
    on_time: int = 0
    result_known: int = 0
    result_digitised: int = 0
    rated: int = 0
    satisfied: int = 0


@dataclass
class Tally:
    """What the scans found: the counts per (period index, key), and per (period index, key, procedure)
    the resolved dossiers with their working minutes from start to closing (the mean resolution time)."""

    counts: dict[tuple[int, Any], Counts] = field(default_factory=lambda: defaultdict(Counts))
    minutes: dict[tuple[int, Any, Any], list[int]] = field(default_factory=dict)


def _sum(condition) -> Any:
    return fn.SUM(Case(None, [(condition, 1)], 0))


def _bounds(periods: Sequence[Period]) -> list[datetime]:
    """The first moment of each period and the moment after the last (periods are consecutive)."""
    for a, b in zip(periods, periods[1:]):
        if b.start != a.end + timedelta(days=1):
            raise ValueError("periods must follow each other")
    return [datetime.combine(p.start, time()) for p in periods] + \
        [datetime.combine(periods[-1].end + timedelta(days=1), time())]


def _dossier_scope(scope: Scope):
    d = Dossier
    cond = ~d.withdrawn
    if scope.unit_id is not None:
        cond &= d.unit == scope.unit_id
    if scope.field is not None:
        cond &= d.field == scope.field
    if scope.procedure_id is not None:
        cond &= d.procedure == scope.procedure_id
    return cond


_DIMENSIONS = {"unit": Dossier.unit, "field": Dossier.field, "procedure": Dossier.procedure}


def _bucket(column, bounds: list[datetime]):
    if len(bounds) == 2:
        return SQL("0")
    return Case(None, [(column < bounds[i + 1], i) for i in range(len(bounds) - 2)], len(bounds) - 2)


def _is_sqlite() -> bool:
    return isinstance(connection.current(), SqliteDatabase)


WIDE_SPAN = timedelta(days=62)


def _select(bounds: Sequence[datetime], *columns):
    """A query on the dossier table for the span of ``bounds``: a wide span reads the table in storage order
    (``connection.table_scan``); joins come after."""
    query = Dossier.select(*columns)
    return connection.table_scan(query, Dossier) if bounds[-1] - bounds[0] > WIDE_SPAN else query


def _scan(query, prefix: tuple[str, list] = ("", [])):
    """Run ``query`` (after ``prefix``, a WITH clause and its parameters); on SQLite the dossier table stays
    the outer loop of a join with the calendar days (else SQLite may loop over the days and scan the
    dossiers for each)."""
    sql, params = query.sql()
    sql, params = prefix[0] + sql, [*prefix[1], *params]
    if _is_sqlite():
        sql = sql.replace('INNER JOIN "cal_', 'CROSS JOIN "cal_')
    return connection.current().execute_sql(sql, params)


def tally(periods: Sequence[Period], scope: Scope = Scope(), dimension: str | None = None,
          sides: Iterable[str] = ("received", "resolved")) -> Tally:
    """Count the dossiers of ``periods`` (consecutive) per period and per unit / field / procedure."""
    d = Dossier
    bounds = _bounds(periods)
    key = _DIMENSIONS[dimension] if dimension else SQL("NULL")
    out = Tally()
    sides = tuple(sides)
    if "received" in sides:
        columns = [fn.COUNT(SQL("*")), _sum(d.channel == "online"), _sum(d.digitised_dossier.is_null(False)),
                   _sum(d.digitised_dossier == True), _sum(d.payment.in_(("online", "direct"))),  # noqa: E712
                   _sum(d.payment == "online")]
        query = (_select(bounds, _bucket(d.received_at, bounds).alias("b"), key.alias("k"), *columns)
                 .where((d.received_at >= bounds[0]) & (d.received_at < bounds[-1]) & _dossier_scope(scope))
                 .group_by(SQL("b"), SQL("k")))
        for b, k, *values in _scan(query):
            counts = out.counts[(int(b), k)]
            for name, value in zip(RECEIVED, values):
                setattr(counts, name, int(value or 0))
    if "resolved" in sides:
        _tally_resolved(out, bounds, scope, key)
    return out


def _tally_resolved(out: Tally, bounds: list[datetime], scope: Scope, key) -> None:
    """The resolved side, per procedure too, with the working minutes from start to closing.

    Those minutes are position(closed) − position(start) on the calendar's working-minute scale, where a
    position is (working days before the date) × the day's length + the minutes since opening (clamped to
    office hours; 0 on a day off). The positions of the days concerned go into the query as a small
    table (a year and a little: a few hundred rows), so the database sums them per group."""
    from par_desktop.services.dossiers.timing import work_calendar

    d = Dossier
    in_range = (d.closed_at >= bounds[0]) & (d.closed_at < bounds[-1]) & _dossier_scope(scope)
    earliest = next(iter(_scan(_select(bounds, fn.MIN(d.start_at)).where(in_range))))[0]
    if earliest is None:
        return
    calendar = work_calendar()
    opening, length = calendar.hours.opening_minute, calendar.hours.day_minutes
    first_day = (earliest if isinstance(earliest, datetime) else datetime.fromisoformat(earliest)).date()
    last_day = bounds[-1].date()
    days = [first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    sqlite = _is_sqlite()
    rows = [(day.isoformat() if sqlite else day, calendar.working_minutes_between(ORIGIN, datetime.combine(day, time())),
             1 if calendar.is_working_day(day) else 0) for day in days]
    closed_days: Any = Table("cal_closed", ("day", "base", "working"))    # columns as attributes: untyped
    start_days: Any = Table("cal_start", ("day", "base", "working"))

    def day_of(column):
        return fn.substr(column, 1, 10) if sqlite else column.cast("DATE")

    def position(column, days):
        if sqlite:
            minute = fn.substr(column, 12, 2).cast("INTEGER") * 60 + fn.substr(column, 15, 2).cast("INTEGER")
            clamped = fn.MIN(fn.MAX(minute - opening, 0), length)
        else:
            minute = fn.date_part("hour", column).cast("INTEGER") * 60 + fn.date_part("minute", column).cast("INTEGER")
            clamped = fn.LEAST(fn.GREATEST(minute - opening, 0), length)
        return days.base + days.working * clamped

    columns = [fn.COUNT(SQL("*")), _sum(d.closed_at <= d.due_at), _sum(d.digitised_result.is_null(False)),
               _sum(d.digitised_result == True), _sum(d.rating != ""),  # noqa: E712
               _sum(d.rating.in_(si.SATISFIED_RATINGS)),
               fn.SUM(position(d.closed_at, closed_days) - position(d.start_at, start_days))]
    query = (_select(bounds, _bucket(d.closed_at, bounds).alias("b"), key.alias("k"), d.procedure, *columns)
             .join(closed_days, on=(closed_days.day == day_of(d.closed_at)))
             .join(start_days, on=(start_days.day == day_of(d.start_at)))
             .where(in_range).group_by(SQL("b"), SQL("k"), d.procedure))
    # The days as a VALUES list written directly (peewee would build a node per value: slower than the scan).
    param = connection.current().param
    values_sql = ", ".join([f"({param}, {param}, {param})"] * len(rows))
    days_sql = (f'WITH "cal_closed" ("day", "base", "working") AS (VALUES {values_sql}), '
                f'"cal_start" ("day", "base", "working") AS (VALUES {values_sql}) ')
    days_params = [value for row in rows for value in row] * 2
    for b, k, proc, *values in _scan(query, prefix=(days_sql, days_params)):
        counts = out.counts[(int(b), k)]
        for name, value in zip(RESOLVED, values):
            setattr(counts, name, getattr(counts, name) + int(value or 0))
        out.minutes[(int(b), k, proc)] = [int(values[0]), int(values[-1] or 0)]


ORIGIN = datetime(2000, 1, 1)   # any fixed moment: positions are only ever subtracted


def dossier_counts(periods: Sequence[Period], scope: Scope = Scope(), dimension: str | None = None,
                   sides: Iterable[str] = ("received", "resolved")) -> dict[tuple[int, Any], Counts]:
    """{(period index, unit id / field / procedure id or None): Counts}."""
    return tally(periods, scope, dimension, sides).counts


def _dossier_figures(c: Counts) -> dict[str, si.Figure]:
    rate = si.Figure.rate
    return {
        "on_time": rate("on_time", c.on_time, c.resolved),
        "online_share": rate("online_share", c.online, c.received),
        "digitised_dossiers": rate("digitised_dossiers", c.digitised, c.digitised_known),
        "digitised_results": rate("digitised_results", c.result_digitised, c.result_known),
        "online_payment": rate("online_payment", c.paid_online, c.paid),
        "satisfaction": rate("satisfaction", c.satisfied, c.rated),
    }


# ---- procedures (catalogue) --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Proc:
    id: int
    unit_id: int | None
    field: str
    fully_online: bool
    in_force: bool
    published_on: date | None
    effective_on: date | None


def _procedures(scope: Scope) -> list[_Proc]:
    p = Procedure
    query = p.select(p.id, p.lead_unit, p.field, p.level, p.in_force, p.published_on, p.effective_on)
    if scope.unit_id is not None:
        query = query.where(p.lead_unit == scope.unit_id)
    if scope.field is not None:
        query = query.where(p.field == scope.field)
    if scope.procedure_id is not None:
        query = query.where(p.id == scope.procedure_id)
    return [_Proc(i, u, f or "", si.is_fully_online(level or ""), bool(force), pub, eff)
            for i, u, f, level, force, pub, eff in query.tuples()]


def _in_force_at(proc: _Proc, end: date) -> bool:
    return proc.in_force and (proc.effective_on is None or proc.effective_on <= end)


def _procedure_figures(procs: Iterable[_Proc], end: date) -> dict[str, si.Figure]:
    """procedures_fully_online (in force at the period's end) and published_on_time (procedures with
    both dates, their decision known by the period's end)."""
    in_force = [p for p in procs if _in_force_at(p, end)]
    on_time = [t for p in procs if (t := _published_on_time(p, end)) is not None]
    return {
        "procedures_fully_online": si.Figure.rate("procedures_fully_online",
                                                  sum(1 for p in in_force if p.fully_online), len(in_force)),
        "published_on_time": si.Figure.rate("published_on_time", sum(on_time), len(on_time)),
    }


def _published_on_time(proc: _Proc, end: date) -> bool | None:
    """Whether the procedure was published no later than its effective date; None when it is not counted
    (a date unknown, or its decision not yet known by the period's end)."""
    if proc.published_on is None or proc.effective_on is None or proc.published_on > end:
        return None
    return proc.published_on <= proc.effective_on


def _procedure_dimension(proc: _Proc, dimension: str | None) -> Any:
    return {"unit": proc.unit_id, "field": proc.field, "procedure": proc.id}.get(dimension) if dimension else None


# ---- mean resolution time ----------------------------------------------------------------------------------
# The working minutes from start to closing are position(closed) − position(start) on the calendar's
# working-minute scale, and a position is (working days before the date) × day length + the minutes since
# opening (clamped to office hours; 0 on a day off). So the sum over many dossiers needs, per date, only
# how many dossiers start or close then and the sum of their clamped minutes of the day: SQL groups them,
# Python looks each date up once (a year is a few hundred dates, not 100,000 rows).

def resolution_sums(periods: Sequence[Period], scope: Scope = Scope(),
                    dimension: str | None = None) -> dict[tuple[int, Any, Any], list[int]]:
    """{(period index, dimension key, procedure id): [dossiers, working minutes]} of the dossiers closed
    within the periods (not withdrawn), from the start of the clock to closing."""
    return tally(periods, scope, dimension, sides=("resolved",)).minutes


def _limits() -> dict[int, float | None]:
    """Each procedure's limit in working days (None: counted otherwise, e.g. in calendar days, or unknown)."""
    from par_desktop.services.procedures import limit_of

    out: dict[int, float | None] = {}
    for p in Procedure.select():
        limit = limit_of(p)
        out[p.id] = limit.working_days() if limit is not None else None
    return out


def _day_minutes() -> int:
    from par_desktop.services.dossiers.timing import work_calendar

    return work_calendar().hours.day_minutes


def _resolution_figure(per_procedure: Mapping[Any, list[int]], limits: Mapping[int, float | None],
                       day: int) -> si.Figure:
    """Mean working days; its points follow the share of procedures whose mean is within their limit."""
    count = sum(c for c, _ in per_procedure.values())
    total = sum(m for _, m in per_procedure.values()) / day
    value = total / count if count else None
    judged = {pid: limit for pid in per_procedure if pid is not None and (limit := limits.get(pid))}
    within = sum(1 for pid, limit in judged.items()
                 if per_procedure[pid][1] / per_procedure[pid][0] / day <= limit + 1e-9)
    score = 100.0 * within / len(judged) if judged else None
    return si.Figure("avg_resolution_days", total, count, value, score)


def _over_limit(start: date, end: date, scope: Scope) -> set[int]:
    """Procedures whose mean resolution time in [start, end] exceeds their limit in working days."""
    limits, day = _limits(), _day_minutes()
    sums = resolution_sums(_one_period(start, end), scope)
    return {proc for (_, _, proc), (count, minutes) in sums.items()
            if proc is not None and (limit := limits.get(proc)) and minutes / count / day > limit + 1e-9}


@dataclass(frozen=True)
class ProcedureTime:
    """One procedure's mean resolution time beside its limit (the per-procedure table)."""

    procedure_id: int | None
    code: str
    name: str
    limit_days: float | None      # in working days; None when the limit is counted otherwise or unknown
    limit_text: str              # "05 ngày làm việc", "30 ngày (theo lịch)"
    resolved: int
    mean_days: float
    late: int                    # closed after their due moment

    @property
    def within_limit(self) -> bool | None:
        return None if not self.limit_days else self.mean_days <= self.limit_days + 1e-9


def resolution_by_procedure(start: date, end: date, scope: Scope = Scope()) -> list[ProcedureTime]:
    """Per procedure: dossiers resolved in [start, end], their mean working days, the limit, how many late."""
    from par_desktop.services.procedures import limit_of

    (first, after), d = _bounds(_one_period(start, end)), Dossier
    sums = resolution_sums(_one_period(start, end), scope)
    late = dict(d.select(d.procedure, fn.COUNT(SQL("*")))
                .where((d.closed_at >= first) & (d.closed_at < after) & (d.closed_at > d.due_at) & _dossier_scope(scope))
                .group_by(d.procedure).tuples())
    procs = {p.id: p for p in Procedure.select()}
    day = _day_minutes()
    out = []
    for (_, _, pid), (count, minutes) in sums.items():
        p = procs.get(pid)
        limit = limit_of(p) if p is not None else None
        out.append(ProcedureTime(pid, p.code if p else "", p.name if p else "(Không rõ thủ tục)",
                                 limit.working_days() if limit else None, limit.label if limit else "",
                                 count, minutes / count / day, int(late.get(pid, 0))))
    out.sort(key=lambda t: (-(t.mean_days / t.limit_days if t.limit_days else 0), t.code))
    return out


# ---- hand-entered figures ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ManualValue:
    id: int
    key: str
    start: date
    end: date
    unit_id: int | None
    numerator: float | None
    denominator: float | None
    value: float | None
    note: str
    entered_by: str
    version: int


def manual_values(key: str | None = None) -> list[ManualValue]:
    m = ManualIndicatorValue
    query = m.select().order_by(m.period_start.desc(), m.key)
    if key is not None:
        query = query.where(m.key == key)
    return [ManualValue(r.id, r.key, r.period_start, r.period_end, r.unit_id, r.numerator, r.denominator, r.value,
                        r.note, r.entered_by, r.version) for r in query]


def _manual_figure(key: str, entries: Sequence[ManualValue]) -> si.Figure | None:
    """Entries within the period: their numerators and denominators summed when all have them, else
    the mean of their values."""
    if not entries:
        return None
    denominators = [e.denominator for e in entries if e.denominator]
    if len(denominators) == len(entries):
        return si.Figure.rate(key, sum(e.numerator or 0 for e in entries), sum(denominators))
    values = [e.value for e in entries if e.value is not None]
    if not values:
        return None
    mean = sum(values) / len(values)
    return si.Figure(key, mean, 100.0, mean, mean)


def manual_figure(key: str, start: date, end: date, unit_id: int | None = None) -> si.Figure | None:
    """The hand-entered figure of ``key`` for [start, end]: the entries of that unit (or of the whole
    Department) whose period lies within it; None when there are none."""
    entries = [e for e in manual_values(key) if e.unit_id == unit_id and start <= e.start and e.end <= end]
    return _manual_figure(key, entries)


def set_manual_value(actor: Actor, key: str, start: date, end: date, *, unit_id: int | None = None,
                     value: float | None = None, numerator: float | None = None, denominator: float | None = None,
                     note: str = "", expected_version: int | None = None) -> ManualValue:
    """Record (or correct) a hand-entered figure for a period: a percent, or a numerator and denominator."""
    require(actor, "settings")
    definition = {d.key: d for d in points_table()}.get(key)
    if definition is None or not definition.manual:
        raise InvalidInput(f"Chỉ số «{key}» không phải chỉ số nhập tay.")
    if end < start:
        raise InvalidInput(f"Kỳ không hợp lệ: ngày cuối {ui_date(end)} trước ngày đầu {ui_date(start)}.")
    if numerator is not None or denominator is not None:
        if numerator is None or denominator is None or denominator <= 0 or not 0 <= numerator <= denominator:
            raise InvalidInput("Tử số và mẫu số: mẫu số lớn hơn 0 và tử số từ 0 đến mẫu số.")
        value = 100.0 * numerator / denominator
    elif value is None or not 0 <= value <= 100:
        raise InvalidInput("Tỷ lệ nhập tay phải từ 0 đến 100 (%), hoặc nhập tử số và mẫu số.")
    m = ManualIndicatorValue
    values: dict[str, Any] = dict(numerator=numerator, denominator=denominator, value=float(value), note=nfc(note),
                  entered_by=actor.username)
    with connection.write_transaction():
        unit_cond = m.unit.is_null() if unit_id is None else m.unit == unit_id
        row = m.get_or_none((m.key == key) & (m.period_start == start) & (m.period_end == end) & unit_cond)
        if row is None:
            row = insert_record(m, actor.username, key=key, period_start=start, period_end=end, unit=unit_id, **values)
        else:
            row = update_record(m, row.id, expected_version, actor.username, **values)
    return next(v for v in manual_values(key) if v.id == row.id)


def delete_manual_value(actor: Actor, value_id: int) -> None:
    require(actor, "settings")
    with connection.write_transaction():
        row = ManualIndicatorValue.get_or_none(ManualIndicatorValue.id == value_id)
        if row is not None:
            delete_record(row, actor.username)


# ---- the points table ---------------------------------------------------------------------------------------

def points_table() -> list[si.IndicatorDef]:
    """The shipped indicators with an administrator's changes, then the manual indicators added."""
    stored = {r.key: r for r in ServiceIndicator.select()}
    out = []
    for d in si.DEFAULT_INDICATORS:
        row = stored.pop(d.key, None)
        out.append(d if row is None else replace(d, name=row.name or d.name, max_points=row.max_points))
    for row in sorted(stored.values(), key=lambda r: (r.position, r.key)):
        out.append(si.IndicatorDef(row.key, row.group_key, row.name, row.max_points, manual=True,
                                   position=row.position))
    return out


def set_indicator_points(actor: Actor, key: str, max_points: float, name: str | None = None) -> None:
    """Change an indicator's maximum points (and its name); 0 keeps it shown without points."""
    require(actor, "settings")
    if max_points is None or not 0 <= max_points <= 100:
        raise InvalidInput("Điểm tối đa của một chỉ số phải từ 0 đến 100.")
    current = {d.key: d for d in points_table()}.get(key)
    if current is None:
        raise NotFound(f"Không có chỉ số «{key}» trong bảng điểm.")
    name = nfc(name) if name is not None else current.name
    if not name:
        raise InvalidInput("Tên chỉ số không được để trống.")
    with connection.write_transaction():
        row = ServiceIndicator.get_or_none(ServiceIndicator.key == key)
        if row is None:
            insert_record(ServiceIndicator, actor.username, key=key, group_key=current.group, name=name,
                          max_points=float(max_points), manual=current.manual, position=current.position)
        else:
            update_record(ServiceIndicator, row.id, None, actor.username, name=name, max_points=float(max_points))


def set_points_table(actor: Actor, changes: dict[str, float]) -> None:
    """Change several indicators' maxima at once (the points-table dialog), in one transaction."""
    require(actor, "settings")
    with connection.write_transaction():
        for key, max_points in changes.items():
            set_indicator_points(actor, key, max_points)


def add_manual_indicator(actor: Actor, group: str, name: str, max_points: float) -> str:
    """Add an indicator entered by hand to a group; returns its key."""
    require(actor, "settings")
    if group not in si.GROUP_NAMES:
        raise InvalidInput(f"Không có nhóm chỉ số «{group}».")
    name = nfc(name)
    if not name:
        raise InvalidInput("Tên chỉ số không được để trống.")
    if not 0 <= max_points <= 100:
        raise InvalidInput("Điểm tối đa của một chỉ số phải từ 0 đến 100.")
    keys = {d.key for d in points_table()}
    base = "manual_" + "_".join(fold(name).split())[:40]
    key, n = base, 1
    while key in keys:
        n += 1
        key = f"{base}_{n}"
    position = max((d.position for d in points_table()), default=0) + 1
    with connection.write_transaction():
        insert_record(ServiceIndicator, actor.username, key=key, group_key=group, name=name,
                      max_points=float(max_points), manual=True, position=position)
    return key


def remove_manual_indicator(actor: Actor, key: str) -> None:
    """Remove an indicator an administrator added (the shipped ones can only be set to 0 points)."""
    require(actor, "settings")
    if key in {d.key for d in si.DEFAULT_INDICATORS}:
        raise InvalidInput("Chỉ số có sẵn không xóa được; hãy đặt điểm tối đa bằng 0 nếu không dùng.")
    with connection.write_transaction():
        row = ServiceIndicator.get_or_none(ServiceIndicator.key == key)
        if row is None:
            raise NotFound(f"Không có chỉ số «{key}».")
        ManualIndicatorValue.delete().where(ManualIndicatorValue.key == key).execute()
        delete_record(row, actor.username)


def reset_points_table(actor: Actor) -> None:
    """Back to the shipped maxima and names (indicators added by hand stay, with their maxima)."""
    require(actor, "settings")
    with connection.write_transaction():
        defaults = {d.key for d in si.DEFAULT_INDICATORS}
        for row in ServiceIndicator.select().where(ServiceIndicator.key.in_(list(defaults))):
            delete_record(row, actor.username)


# ---- one function per computed indicator -----------------------------------------------------------------

def _one_period(start: date, end: date) -> list[Period]:
    if end < start:
        raise InvalidInput(f"Kỳ không hợp lệ: ngày kết thúc {ui_date(end)} trước ngày bắt đầu {ui_date(start)}.")
    return [date_range(start, end)]


def _dossier_indicator(key: str, side: str, doc: str) -> Callable[..., si.Figure]:
    def figure(start: date, end: date, *, unit_id: int | None = None, field: str | None = None,
               procedure_id: int | None = None) -> si.Figure:
        counts = dossier_counts(_one_period(start, end), Scope(unit_id, field, procedure_id), sides=(side,))
        return _dossier_figures(counts.get((0, None), Counts()))[key]
    figure.__name__, figure.__doc__ = key, doc
    return figure


def dossier_figures(start: date, end: date, *, unit_id: int | None = None, field: str | None = None,
                    procedure_id: int | None = None) -> dict[str, si.Figure]:
    """Every dossier indicator of [start, end] (``DOSSIER_KEYS``) from one query per side: the figures the
    functions below give one by one."""
    counts = dossier_counts(_one_period(start, end), Scope(unit_id, field, procedure_id))
    return _dossier_figures(counts.get((0, None), Counts()))


DOSSIER_KEYS = ("on_time", "online_share", "digitised_dossiers", "digitised_results", "online_payment", "satisfaction")

on_time = _dossier_indicator("on_time", "resolved", "Resolved early or on time / resolved (closed in the period).")
online_share = _dossier_indicator("online_share", "received", "Received online / received in the period.")
digitised_dossiers = _dossier_indicator("digitised_dossiers", "received",
                                        "Received with a digitised dossier / received (with the column known).")
digitised_results = _dossier_indicator("digitised_results", "resolved",
                                       "Resolved with a digitised result / resolved (with the column known).")
online_payment = _dossier_indicator("online_payment", "received",
                                    "Received and paid online / received with a payment (payment column not blank).")
satisfaction = _dossier_indicator("satisfaction", "resolved",
                                  "Resolved rated Rất hài lòng or Hài lòng / resolved with any rating.")


def procedures_fully_online(start: date, end: date, *, unit_id: int | None = None, field: str | None = None,
                            procedure_id: int | None = None) -> si.Figure:
    """Procedures in force at the period's end at level toàn trình / procedures in force."""
    _one_period(start, end)
    return _procedure_figures(_procedures(Scope(unit_id, field, procedure_id)), end)["procedures_fully_online"]


def published_on_time(start: date, end: date, *, unit_id: int | None = None, field: str | None = None,
                      procedure_id: int | None = None) -> si.Figure:
    """Procedures whose publication decision is dated on or before their effective date / procedures with
    both dates (decisions dated by the period's end)."""
    _one_period(start, end)
    return _procedure_figures(_procedures(Scope(unit_id, field, procedure_id)), end)["published_on_time"]


def avg_resolution_days(start: date, end: date, *, unit_id: int | None = None, field: str | None = None,
                        procedure_id: int | None = None) -> si.Figure:
    """Mean working days from the start of the clock to closing, over the dossiers resolved in the period."""
    sums = resolution_sums(_one_period(start, end), Scope(unit_id, field, procedure_id))
    return _resolution_figure({proc: v for (_, _, proc), v in sums.items()}, _limits(), _day_minutes())


INDICATOR_FUNCTIONS: dict[str, Callable[..., si.Figure]] = {
    "on_time": on_time, "online_share": online_share, "procedures_fully_online": procedures_fully_online,
    "digitised_dossiers": digitised_dossiers, "digitised_results": digitised_results,
    "online_payment": online_payment, "satisfaction": satisfaction, "published_on_time": published_on_time,
    "avg_resolution_days": avg_resolution_days,
}


# ---- the whole index: one period, a trend, a breakdown ------------------------------------------------------

TOTAL = ("total",)   # the key of the whole scope beside the per-unit (field, procedure) keys


def _figures_by(periods: Sequence[Period], scope: Scope, dimension: str | None,
                definitions: Sequence[si.IndicatorDef]) -> dict[tuple[int, Any], dict[str, si.Figure]]:
    """Every figure for every period: per unit / field / procedure when ``dimension`` (keys (b, k)), and
    always for the whole scope (keys (b, TOTAL)) — all from the same two scans."""
    t = tally(periods, scope, dimension)
    counts: dict[tuple[int, Any], Counts] = dict(t.counts)
    minutes: dict[tuple[int, Any], dict[Any, list[int]]] = defaultdict(dict)
    for (b, k, proc), (n, m) in t.minutes.items():
        minutes[(b, k)][proc] = [n, m]
    if dimension is None:
        counts = {(b, TOTAL): c for (b, _), c in counts.items()}
        minutes = defaultdict(dict, {(b, TOTAL): v for (b, _), v in minutes.items()})
    else:
        for (b, _), c in list(counts.items()):
            total = counts.setdefault((b, TOTAL), Counts())
            for name in RECEIVED + RESOLVED:
                setattr(total, name, getattr(total, name) + getattr(c, name))
        for (b, _), per_procedure in list(minutes.items()):
            for proc, (n, m) in per_procedure.items():
                entry = minutes[(b, TOTAL)].setdefault(proc, [0, 0])
                entry[0] += n
                entry[1] += m
    out: dict[tuple[int, Any], dict[str, si.Figure]] = defaultdict(dict)
    for key_, c in counts.items():
        out[key_].update(_dossier_figures(c))
    procs = _procedures(scope)
    groups: dict[Any, list[_Proc]] = defaultdict(list)
    for p in procs:
        groups[TOTAL].append(p)
        if dimension is not None:
            groups[_procedure_dimension(p, dimension)].append(p)
    for b, period in enumerate(periods):
        for k, items in groups.items():
            out[(b, k)].update(_procedure_figures(items, period.end))
    limits, day = _limits(), _day_minutes()
    for key_, per_procedure in minutes.items():
        out[key_]["avg_resolution_days"] = _resolution_figure(per_procedure, limits, day)
    manual = [d.key for d in definitions if d.manual]
    if manual and dimension in (None, "unit") and scope.field is None and scope.procedure_id is None:
        entries = [e for e in manual_values() if e.key in manual]
        for b, period in enumerate(periods):
            for k in {k for _, k in out} | {TOTAL}:
                unit = scope.unit_id if k == TOTAL else k
                for key in manual:
                    chosen = [e for e in entries if e.key == key and e.unit_id == unit
                              and period.start <= e.start and e.end <= period.end]
                    figure = _manual_figure(key, chosen)
                    if figure is not None:
                        out[(b, k)][key] = figure
    return out


@dataclass
class IndexResult:
    """The service index of a period, and what it covers (for the JSON of ``stats service-index``)."""

    start: date
    end: date
    scope: Scope
    index: si.ServiceIndex

    def as_json(self) -> dict:
        """Exactly the object of CLI.md ("Service quality and surveys")."""
        def number(x: float | None) -> float | None:
            return None if x is None else float(x)

        return {
            "from": self.start.isoformat(), "to": self.end.isoformat(),
            "groups": [{
                "key": g.key, "name": g.name, "max_points": number(g.max_points), "points": number(g.points),
                "unknown_points": number(g.unknown_points),
                "indicators": [{"key": i.key, "name": i.name, "value": number(i.value),
                                "numerator": number(i.figure.numerator) if i.figure else None,
                                "denominator": number(i.figure.denominator) if i.figure else None,
                                "max_points": number(i.max_points), "points": number(i.points)}
                               for i in g.indicators],
            } for g in self.index.groups],
            "total_points": number(self.index.total_points),
        }


def service_index(start: date, end: date, *, unit_id: int | None = None, field: str | None = None,
                  procedure_id: int | None = None) -> IndexResult:
    """The five groups with their indicators and points for [start, end]."""
    scope = Scope(unit_id, field, procedure_id)
    definitions = points_table()
    figures = _figures_by(_one_period(start, end), scope, None, definitions).get((0, TOTAL), {})
    return IndexResult(start, end, scope, si.score(definitions, figures))


def monthly_trend(year: int, cutoff: int = 15, *, unit_id: int | None = None, field: str | None = None,
                  procedure_id: int | None = None) -> list[tuple[Period, si.ServiceIndex]]:
    """The index of each reporting month of ``year`` (cut-off day as the statistics use)."""
    periods = [report_month(year, m, cutoff) for m in range(1, 13)]
    definitions = points_table()
    figures = _figures_by(periods, Scope(unit_id, field, procedure_id), None, definitions)
    return [(p, si.score(definitions, figures.get((b, TOTAL), {}))) for b, p in enumerate(periods)]


@dataclass(frozen=True)
class Breakdown:
    key: Any                 # unit id, field name or procedure id
    label: str
    index: si.ServiceIndex

    @property
    def share(self) -> float | None:
        """Points held as a share of the points the figures can tell (known maxima)."""
        known = self.index.max_points - self.index.unknown_points
        return None if known <= 1e-9 else 100.0 * self.index.total_points / known


def breakdown(start: date, end: date, dimension: str, *, unit_id: int | None = None, field: str | None = None,
              procedure_id: int | None = None) -> list[Breakdown]:
    """The index per unit, field or procedure, weakest first (by points held over known points)."""
    return index_and_breakdown(start, end, dimension, unit_id=unit_id, field=field, procedure_id=procedure_id)[1]


def index_and_breakdown(start: date, end: date, dimension: str, *, unit_id: int | None = None,
                        field: str | None = None,
                        procedure_id: int | None = None) -> tuple[IndexResult, list[Breakdown]]:
    """The index of [start, end] (for all dossiers, or one unit, field or procedure) and the same per unit,
    field or procedure within it, from one pass over the data."""
    if dimension not in _DIMENSIONS:
        raise ValueError(dimension)
    definitions = points_table()
    scope = Scope(unit_id, field, procedure_id)
    figures = _figures_by(_one_period(start, end), scope, dimension, definitions)
    if dimension == "unit":
        names = {u.id: u.name for u in Unit.select(Unit.id, Unit.name)}
        label = lambda k: names.get(k, NO_UNIT)  # noqa: E731
    elif dimension == "procedure":
        names = {p.id: f"{p.code} {p.name}" for p in Procedure.select(Procedure.id, Procedure.code, Procedure.name)}
        label = lambda k: names.get(k, "(Không rõ thủ tục)")  # noqa: E731
    else:
        label = lambda k: k or NO_FIELD  # noqa: E731
    rows = [Breakdown(k, label(k), si.score(definitions, f)) for (b, k), f in figures.items()
            if k != TOTAL and any(fig.denominator for fig in f.values())]
    rows.sort(key=lambda r: (r.share if r.share is not None else 101.0, r.label))
    total = IndexResult(start, end, scope, si.score(definitions, figures.get((0, TOTAL), {})))
    return total, rows


# ---- the dossiers behind a figure --------------------------------------------------------------------------

PARTS = ("denominator", "numerator", "missing")
_DOSSIER_SIDE = {"on_time": "resolved", "online_share": "received", "digitised_dossiers": "received",
                 "digitised_results": "resolved", "online_payment": "received", "satisfaction": "resolved",
                 "avg_resolution_days": "resolved"}


def _parts(key: str):
    """(denominator condition, numerator condition) of a dossier indicator."""
    d = Dossier
    return {
        "on_time": (None, d.closed_at <= d.due_at),
        "online_share": (None, d.channel == "online"),
        "digitised_dossiers": (d.digitised_dossier.is_null(False), d.digitised_dossier == True),  # noqa: E712
        "digitised_results": (d.digitised_result.is_null(False), d.digitised_result == True),  # noqa: E712
        "online_payment": (d.payment.in_(("online", "direct")), d.payment == "online"),
        "satisfaction": (d.rating != "", d.rating.in_(si.SATISFIED_RATINGS)),
    }[key]


def dossiers_behind(key: str, start: date, end: date, part: str = "missing", *, unit_id: int | None = None,
                    field: str | None = None, procedure_id: int | None = None) -> list[int]:
    """Ids of the dossiers in a figure's ``denominator``, its ``numerator``, or ``missing`` from it (in the
    denominator, not the numerator: the dossiers that cost points), most recent first."""
    if key not in _DOSSIER_SIDE:
        raise InvalidInput(f"Chỉ số «{key}» không tính từ hồ sơ.")
    if part not in PARTS:
        raise ValueError(part)
    (first, after), d = _bounds(_one_period(start, end)), Dossier
    at = d.received_at if _DOSSIER_SIDE[key] == "received" else d.closed_at
    cond = (at >= first) & (at < after) & _dossier_scope(Scope(unit_id, field, procedure_id))
    if key == "avg_resolution_days":
        if part == "missing":
            cond &= d.procedure.in_(list(_over_limit(start, end, Scope(unit_id, field, procedure_id))) or [0])
        return [r[0] for r in Dossier.select(d.id).where(cond).order_by(at.desc(), d.id.desc()).tuples()]
    base, numerator = _parts(key)
    if base is not None:
        cond &= base
    if part == "numerator":
        cond &= numerator
    elif part == "missing":
        cond &= ~numerator
    return [r[0] for r in Dossier.select(d.id).where(cond).order_by(at.desc(), d.id.desc()).tuples()]


@dataclass(frozen=True)
class ProcedureRow:
    """A procedure behind a catalogue figure."""

    id: int
    code: str
    name: str
    field: str
    level: str
    in_force: bool
    published_on: date | None
    effective_on: date | None


# The indicators counted over the procedure catalogue rather than over dossiers.
CATALOGUE_INDICATORS = ("procedures_fully_online", "published_on_time")


def procedures_behind(key: str, start: date, end: date, part: str = "missing", *, unit_id: int | None = None,
                      field: str | None = None, procedure_id: int | None = None) -> list[ProcedureRow]:
    """The procedures in a catalogue figure's denominator, numerator, or missing from it."""
    if key not in CATALOGUE_INDICATORS:
        raise InvalidInput(f"Chỉ số «{key}» không tính từ danh mục thủ tục.")
    procs = _procedures(Scope(unit_id, field, procedure_id))
    if key == "procedures_fully_online":
        base = [p for p in procs if _in_force_at(p, end)]
        good = {p.id for p in base if p.fully_online}
    else:
        on_time = {p.id: _published_on_time(p, end) for p in procs}
        base = [p for p in procs if on_time[p.id] is not None]
        good = {p.id for p in base if on_time[p.id]}
    chosen = [p.id for p in base if part == "denominator" or (p.id in good) == (part == "numerator")]
    if not chosen:
        return []
    rows = Procedure.select().where(Procedure.id.in_(chosen)).order_by(Procedure.field, Procedure.code)
    return [ProcedureRow(p.id, p.code, p.name, p.field, p.level, p.in_force, p.published_on, p.effective_on)
            for p in rows]


# ---- the dossiers that cost points ---------------------------------------------------------------------------

REASONS = {
    "late": "Giải quyết quá hạn",
    "not_digitised": "Hồ sơ chưa số hóa",
    "result_not_digitised": "Kết quả chưa số hóa",
    "desk_payment": "Nộp phí trực tiếp dù có thanh toán trực tuyến",
    "not_satisfied": "Đánh giá chưa hài lòng",
}
_REASON_INDICATOR = {"late": "on_time", "not_digitised": "digitised_dossiers",
                     "result_not_digitised": "digitised_results", "desk_payment": "online_payment",
                     "not_satisfied": "satisfaction"}


@dataclass(frozen=True)
class CostlyDossier:
    dossier_id: int
    code: str
    procedure: str
    unit: str
    reasons: tuple[str, ...]     # keys of REASONS
    points: float                # points this dossier alone costs the period's index

    @property
    def reason_text(self) -> str:
        return "; ".join(REASONS[r] for r in self.reasons)


def online_payment_procedures() -> set[int]:
    """Procedures where online payment exists: offered fully online, or paid online at least once."""
    paid = {i for (i,) in Dossier.select(Dossier.procedure).where(Dossier.payment == "online").distinct().tuples()
            if i is not None}
    return paid | {p.id for p in _procedures(Scope()) if p.fully_online}


def costly_dossiers(start: date, end: date, *, unit_id: int | None = None, field: str | None = None,
                    procedure_id: int | None = None, index: si.ServiceIndex | None = None) -> list[CostlyDossier]:
    """The period's dossiers that lose points — late, not digitised, result not digitised, paid at the desk
    while online payment exists, rated not satisfied — each with the points it alone costs (the
    indicator's maximum / its denominator, summed over its reasons), costliest first. ``index``: the
    period's index when the caller has it already."""
    (first, after), d = _bounds(_one_period(start, end)), Dossier
    scope = _dossier_scope(Scope(unit_id, field, procedure_id))
    received = (d.received_at >= first) & (d.received_at < after)
    resolved = (d.closed_at >= first) & (d.closed_at < after)
    online_procs = list(online_payment_procedures())
    conditions = {
        "late": resolved & (d.closed_at > d.due_at),
        "not_digitised": received & (d.digitised_dossier == False),  # noqa: E712
        "result_not_digitised": resolved & (d.digitised_result == False),  # noqa: E712
        "desk_payment": received & (d.payment == "direct") & d.procedure.in_(online_procs or [0]),
        "not_satisfied": resolved & d.rating.in_(("neutral", "unsatisfied", "very_unsatisfied")),
    }
    flags = [Case(None, [(cond, 1)], 0).alias(name) for name, cond in conditions.items()]
    any_reason = None
    for cond in conditions.values():
        any_reason = cond if any_reason is None else (any_reason | cond)
    query = (_select([first, after], d.id, d.code, d.procedure_name, Unit.name, *flags)
             .join(Unit, JOIN.LEFT_OUTER, on=(d.unit == Unit.id))
             .where(scope & any_reason))
    result = index or service_index(start, end, unit_id=unit_id, field=field, procedure_id=procedure_id).index
    weight = {}
    for reason, key in _REASON_INDICATOR.items():
        score = result.indicator(key)
        weight[reason] = (score.max_points / score.figure.denominator
                          if score.figure is not None and score.figure.denominator else 0.0)
    out = []
    for id_, code, proc, unit, *values in _scan(query):
        reasons = tuple(name for name, flag in zip(conditions, values) if flag)
        out.append(CostlyDossier(id_, code, proc, unit or NO_UNIT, reasons, sum(weight[r] for r in reasons)))
    out.sort(key=lambda c: (-c.points, c.code))
    return out


# ---- text for the command line and documents -------------------------------------------------------------------

def format_index(result: IndexResult) -> str:
    """The plain-text table of ``stats service-index`` without --json."""
    lines = [f"CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP — từ ngày {ui_date(result.start)} đến ngày {ui_date(result.end)}"]
    for g in result.index.groups:
        unknown = f" (chưa rõ {si.points_text(g.unknown_points)} điểm)" if g.unknown_points else ""
        lines.append(f"{g.name}: {si.points_text(g.points)}/{si.points_text(g.max_points)} điểm{unknown}")
        for i in g.indicators:
            base = "" if i.figure is None else f" [{vn_number(round(i.figure.numerator, 2))}/" \
                                                f"{vn_number(round(i.figure.denominator, 2))}]"
            mark = " (nhập tay)" if i.manual else ""
            lines.append(f"  - {i.name}{mark}: {i.value_text}{base} → {si.points_text(i.points)}/"
                         f"{si.points_text(i.max_points)} điểm")
    lines.append(f"Tổng: {si.points_text(result.index.total_points)}/{si.points_text(result.index.max_points)} điểm"
                 + (f", chưa rõ {si.points_text(result.index.unknown_points)} điểm" if result.index.unknown_points else ""))
    return "\n".join(lines)
