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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from peewee import JOIN, SQL, Case, fn

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


# ---- counting ------------------------------------------------------------------------------------------

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


def dossier_counts(periods: Sequence[Period], scope: Scope = Scope(), dimension: str | None = None,
                   sides: Iterable[str] = ("received", "resolved")) -> dict[tuple[int, Any], Counts]:
    """{(period index, unit id / field / procedure id or None): Counts}, from one query per side."""
    d = Dossier
    bounds = _bounds(periods)
    key = _DIMENSIONS[dimension] if dimension else SQL("NULL")
    out: dict[tuple[int, Any], Counts] = defaultdict(Counts)
    sides = tuple(sides)
    if "received" in sides:
        at = d.received_at
        columns = [fn.COUNT(SQL("*")), _sum(d.channel == "online"), _sum(d.digitised_dossier.is_null(False)),
                   _sum(d.digitised_dossier == True), _sum(d.payment.in_(("online", "direct"))),  # noqa: E712
                   _sum(d.payment == "online")]
        _count_into(out, RECEIVED, d, at, bounds, key, columns, scope)
    if "resolved" in sides:
        at = d.closed_at
        columns = [fn.COUNT(SQL("*")), _sum(d.closed_at <= d.due_at), _sum(d.digitised_result.is_null(False)),
                   _sum(d.digitised_result == True), _sum(d.rating != ""),  # noqa: E712
                   _sum(d.rating.in_(si.SATISFIED_RATINGS))]
        _count_into(out, RESOLVED, d, at, bounds, key, columns, scope)
    return out


def _count_into(out, names, d, at, bounds, key, columns, scope) -> None:
    bucket = _bucket(at, bounds)
    query = (d.select(bucket.alias("b"), key.alias("k"), *columns)
             .where((at >= bounds[0]) & (at < bounds[-1]) & _dossier_scope(scope))
             .group_by(SQL("b"), SQL("k")))
    for b, k, *values in query.tuples():
        counts = out[(int(b), k)]
        for name, value in zip(names, values):
            setattr(counts, name, int(value or 0))


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
    dated = [p for p in procs if p.published_on is not None and p.effective_on is not None and p.published_on <= end]
    return {
        "procedures_fully_online": si.Figure.rate("procedures_fully_online",
                                                  sum(1 for p in in_force if p.fully_online), len(in_force)),
        "published_on_time": si.Figure.rate("published_on_time",
                                            sum(1 for p in dated if p.published_on <= p.effective_on), len(dated)),
    }


def _procedure_dimension(proc: _Proc, dimension: str | None) -> Any:
    return {"unit": proc.unit_id, "field": proc.field, "procedure": proc.id}.get(dimension) if dimension else None


# ---- mean resolution time ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Resolution:
    """A resolved dossier's working days from the start of its clock to its closing."""

    dossier_id: int
    procedure_id: int | None
    unit_id: int | None
    field: str
    closed_at: datetime
    minutes: int                  # working minutes (whole: sums do not depend on the order of rows)
    day_minutes: int

    @property
    def working_days(self) -> float:
        return self.minutes / self.day_minutes


def resolutions(periods: Sequence[Period], scope: Scope = Scope()) -> list[Resolution]:
    """Every dossier closed within the periods, with its working days (start to closing)."""
    from par_desktop.services.dossiers.timing import work_calendar

    d = Dossier
    bounds = _bounds(periods)
    query = (d.select(d.id, d.procedure, d.unit, d.field, d.start_at, d.closed_at)
             .where((d.closed_at >= bounds[0]) & (d.closed_at < bounds[-1]) & _dossier_scope(scope)))
    calendar = work_calendar()
    day = calendar.hours.day_minutes
    out = []
    for id_, proc, unit, field_, start, closed in connection.current().execute_sql(*query.sql()):
        start, closed = _moment(start), _moment(closed)
        minutes = max(0, calendar.working_minutes_between(start, closed))
        out.append(Resolution(id_, proc, unit, field_ or "", closed, minutes, day))
    return out


def _moment(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _limits() -> dict[int, float]:
    return dict(Procedure.select(Procedure.id, Procedure.limit_days).tuples())


def _resolution_figure(rows: Sequence[Resolution], limits: dict[int, float]) -> si.Figure:
    """Mean working days; its points follow the share of procedures whose mean is within their limit."""
    total = sum(r.minutes for r in rows) / rows[0].day_minutes if rows else 0.0
    value = total / len(rows) if rows else None
    per_procedure: dict[int, list[int]] = defaultdict(list)
    for r in rows:
        if r.procedure_id is not None and limits.get(r.procedure_id):
            per_procedure[r.procedure_id].append(r.minutes)
    day = rows[0].day_minutes if rows else 1
    within = sum(1 for pid, minutes in per_procedure.items()
                 if sum(minutes) / len(minutes) / day <= limits[pid] + 1e-9)
    score = 100.0 * within / len(per_procedure) if per_procedure else None
    return si.Figure("avg_resolution_days", total, len(rows), value, score)


@dataclass(frozen=True)
class ProcedureTime:
    """One procedure's mean resolution time beside its limit (the per-procedure table)."""

    procedure_id: int | None
    code: str
    name: str
    limit_days: float | None
    resolved: int
    mean_days: float
    over_limit: int          # dossiers that took longer than the limit

    @property
    def within_limit(self) -> bool | None:
        return None if not self.limit_days else self.mean_days <= self.limit_days + 1e-9


def resolution_by_procedure(start: date, end: date, scope: Scope = Scope()) -> list[ProcedureTime]:
    rows = resolutions([date_range(start, end)], scope)
    by_proc: dict[int | None, list[Resolution]] = defaultdict(list)
    for r in rows:
        by_proc[r.procedure_id].append(r)
    info = {i: (c, n, lim) for i, c, n, lim in
            Procedure.select(Procedure.id, Procedure.code, Procedure.name, Procedure.limit_days).tuples()}
    out = []
    for pid, items in by_proc.items():
        code, name, limit = info.get(pid, ("", "(Không rõ thủ tục)", None))
        mean = sum(r.minutes for r in items) / len(items) / items[0].day_minutes
        over = sum(1 for r in items if limit and r.working_days > limit + 1e-9)
        out.append(ProcedureTime(pid, code, name, limit, len(items), mean, over))
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
    if all(e.denominator for e in entries):
        return si.Figure.rate(key, sum(e.numerator or 0 for e in entries), sum(e.denominator for e in entries))
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
    values = dict(numerator=numerator, denominator=denominator, value=float(value), note=nfc(note),
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
    return _resolution_figure(resolutions(_one_period(start, end), Scope(unit_id, field, procedure_id)), _limits())


INDICATOR_FUNCTIONS: dict[str, Callable[..., si.Figure]] = {
    "on_time": on_time, "online_share": online_share, "procedures_fully_online": procedures_fully_online,
    "digitised_dossiers": digitised_dossiers, "digitised_results": digitised_results,
    "online_payment": online_payment, "satisfaction": satisfaction, "published_on_time": published_on_time,
    "avg_resolution_days": avg_resolution_days,
}


# ---- the whole index: one period, a trend, a breakdown ------------------------------------------------------

def _figures_by(periods: Sequence[Period], scope: Scope, dimension: str | None,
                definitions: Sequence[si.IndicatorDef]) -> dict[tuple[int, Any], dict[str, si.Figure]]:
    """Every figure for every period (and unit/field/procedure when ``dimension``)."""
    counts = dossier_counts(periods, scope, dimension)
    out: dict[tuple[int, Any], dict[str, si.Figure]] = defaultdict(dict)
    for (b, k), c in counts.items():
        out[(b, k)].update(_dossier_figures(c))
    procs = _procedures(scope)
    groups: dict[Any, list[_Proc]] = defaultdict(list)
    for p in procs:
        groups[_procedure_dimension(p, dimension)].append(p)
    for b, period in enumerate(periods):
        for k, items in groups.items():
            out[(b, k)].update(_procedure_figures(items, period.end))
    limits = _limits()
    rows = resolutions(periods, scope)
    bounds = [p.end for p in periods]
    by_bucket: dict[tuple[int, Any], list[Resolution]] = defaultdict(list)
    for r in rows:
        b = next(i for i, last in enumerate(bounds) if r.closed_at.date() <= last)
        k = {"unit": r.unit_id, "field": r.field, "procedure": r.procedure_id}.get(dimension) if dimension else None
        by_bucket[(b, k)].append(r)
    for key_, items in by_bucket.items():
        out[key_]["avg_resolution_days"] = _resolution_figure(items, limits)
    manual = [d.key for d in definitions if d.manual]
    if manual and dimension in (None, "unit") and scope.field is None and scope.procedure_id is None:
        entries = [e for e in manual_values() if e.key in manual]
        keys = {k for _, k in out} | ({None} if dimension is None else set())
        for b, period in enumerate(periods):
            for k in keys:
                unit = k if dimension == "unit" else scope.unit_id
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
    figures = _figures_by(_one_period(start, end), scope, None, definitions).get((0, None), {})
    return IndexResult(start, end, scope, si.score(definitions, figures))


def monthly_trend(year: int, cutoff: int = 15, *, unit_id: int | None = None) -> list[tuple[Period, si.ServiceIndex]]:
    """The index of each reporting month of ``year`` (cut-off day as the statistics use)."""
    periods = [report_month(year, m, cutoff) for m in range(1, 13)]
    definitions = points_table()
    figures = _figures_by(periods, Scope(unit_id), None, definitions)
    return [(p, si.score(definitions, figures.get((b, None), {}))) for b, p in enumerate(periods)]


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


def breakdown(start: date, end: date, dimension: str, *, unit_id: int | None = None) -> list[Breakdown]:
    """The index per unit, field or procedure, weakest first (by points held over known points)."""
    if dimension not in _DIMENSIONS:
        raise ValueError(dimension)
    definitions = points_table()
    figures = _figures_by(_one_period(start, end), Scope(unit_id), dimension, definitions)
    if dimension == "unit":
        names = {u.id: u.name for u in Unit.select(Unit.id, Unit.name)}
        label = lambda k: names.get(k, NO_UNIT)  # noqa: E731
    elif dimension == "procedure":
        names = {p.id: f"{p.code} {p.name}" for p in Procedure.select(Procedure.id, Procedure.code, Procedure.name)}
        label = lambda k: names.get(k, "(Không rõ thủ tục)")  # noqa: E731
    else:
        label = lambda k: k or NO_FIELD  # noqa: E731
    out = [Breakdown(k, label(k), si.score(definitions, f)) for (b, k), f in figures.items()
           if any(fig.denominator for fig in f.values())]
    out.sort(key=lambda r: (r.share if r.share is not None else 101.0, r.label))
    return out


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
        ids = [r[0] for r in Dossier.select(d.id).where(cond).order_by(at.desc()).tuples()]
        if part != "missing":
            return ids
        limits = _limits()
        over = {r.dossier_id for r in resolutions(_one_period(start, end), Scope(unit_id, field, procedure_id))
                if limits.get(r.procedure_id) and r.working_days > limits[r.procedure_id] + 1e-9}
        return [i for i in ids if i in over]
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


def procedures_behind(key: str, start: date, end: date, part: str = "missing", *, unit_id: int | None = None,
                      field: str | None = None, procedure_id: int | None = None) -> list[ProcedureRow]:
    """The procedures in a catalogue figure's denominator, numerator, or missing from it."""
    if key not in ("procedures_fully_online", "published_on_time"):
        raise InvalidInput(f"Chỉ số «{key}» không tính từ danh mục thủ tục.")
    procs = _procedures(Scope(unit_id, field, procedure_id))
    if key == "procedures_fully_online":
        base = [p for p in procs if _in_force_at(p, end)]
        good = {p.id for p in base if p.fully_online}
    else:
        base = [p for p in procs if p.published_on and p.effective_on and p.published_on <= end]
        good = {p.id for p in base if p.published_on <= p.effective_on}
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
                    procedure_id: int | None = None) -> list[CostlyDossier]:
    """The period's dossiers that lose points — late, not digitised, result not digitised, paid at the desk
    while online payment exists, rated not satisfied — each with the points it alone costs (the
    indicator's maximum / its denominator, summed over its reasons), costliest first."""
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
    query = (d.select(d.id, d.code, d.procedure_name, Unit.name, *flags)
             .join(Unit, JOIN.LEFT_OUTER, on=(d.unit == Unit.id))
             .where(scope & any_reason))
    result = service_index(start, end, unit_id=unit_id, field=field, procedure_id=procedure_id).index
    weight = {}
    for reason, key in _REASON_INDICATOR.items():
        score = result.indicator(key)
        weight[reason] = (score.max_points / score.figure.denominator
                          if score.figure is not None and score.figure.denominator else 0.0)
    out = []
    for id_, code, proc, unit, *values in query.tuples():
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
