"""The automatic metrics (chỉ tiêu tự tính) a sub-criterion can be scored on, computed in SQL from
the live data for the criteria set's period (DOMAIN.md §9).

A rate is numerator / denominator × 100, compared unrounded with the score bands; a zero denominator
gives no value (None), never 0. Metrics on due dates count what fell due by the period's end or by
``as_of`` (today), whichever is earlier: a task due next month is not late yet.

- ``dossiers_on_time_rate``: dossiers closed in the period early or on time / closed in the period
  (Biểu 06 (8)+(9) over (7); withdrawn dossiers left out, as in the statistics);
- ``dossiers_online_rate``: received online / received in the period ((4) over (4)+(5));
- ``procedures_reviewed_share``: procedures in force at the period's end (not abolished, effective by
  then) reviewed in the year / those procedures;
- ``tasks_on_time_rate``: plan tasks (not recurring) due in the period and completed on or before
  their due date / those due (a task of every unit counts once per unit);
- ``unit_reports_on_time_rate``: monthly unit-report occurrences (obligation TX.1) due in the period
  done by their due date / those due;
- ``overdue_explained_rate``: overdue dossiers of the period (closed late in it, or open past their due
  moment at its end) with a recorded explanation / overdue dossiers of the period.

The service indicators of DOMAIN.md §10 (``on_time``, ``online_share``, ``procedures_fully_online``,
``digitised_dossiers``, ``digitised_results``, ``online_payment``, ``satisfaction``, ``published_on_time``;
``avg_resolution_days`` in working days, not a rate) are registered under their own keys from
``services.service_quality``. Other modules add metrics with ``register``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import JOIN, Case, fn

from par_desktop.db import connection
from par_desktop.db.models import Dossier, DossierPause, Explanation, Procedure, Task, TaskOccurrence


@dataclass(frozen=True)
class MetricPeriod:
    start: date
    end: date
    as_of: date

    @property
    def due_until(self) -> date:
        """The last due date counted by the metrics on due dates."""
        return min(self.end, self.as_of)

    @property
    def year(self) -> int:
        return self.end.year


@dataclass(frozen=True)
class MetricValue:
    value: float | None
    numerator: float | None
    denominator: float | None

    def as_json(self) -> dict:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator}


@dataclass(frozen=True)
class Metric:
    key: str
    name: str                 # Vietnamese, for the GUI and the documents
    percent: bool             # a rate in %; else a figure such as days (its bands are not 0–100 %)
    compute: Callable[[MetricPeriod], MetricValue]
    source: str = ""          # where the figure comes from, for the tooltip and the docs


def rate(numerator: int | float, denominator: int | float) -> MetricValue:
    numerator, denominator = float(numerator or 0), float(denominator or 0)
    if not denominator:
        return MetricValue(None, numerator, denominator)
    return MetricValue(100.0 * numerator / denominator, numerator, denominator)


def _bounds(period: MetricPeriod) -> tuple[datetime, datetime]:
    return datetime.combine(period.start, time()), datetime.combine(period.end + timedelta(days=1), time())


def _sum(condition):
    return fn.SUM(Case(None, [(condition, 1)], 0))


def dossiers_on_time_rate(period: MetricPeriod) -> MetricValue:
    first, after = _bounds(period)
    d = Dossier
    query = d.select(fn.COUNT(d.id), _sum(d.closed_at <= d.due_at)).where(
        (d.closed_at >= first) & (d.closed_at < after) & ~d.withdrawn)
    row = connection.table_scan(query, d).tuples().first()
    return rate(row[1] or 0, row[0] or 0)


def dossiers_online_rate(period: MetricPeriod) -> MetricValue:
    first, after = _bounds(period)
    d = Dossier
    query = d.select(fn.COUNT(d.id), _sum(d.channel == "online")).where(
        (d.received_at >= first) & (d.received_at < after) & ~d.withdrawn)
    row = connection.table_scan(query, d).tuples().first()
    return rate(row[1] or 0, row[0] or 0)


def procedures_reviewed_share(period: MetricPeriod) -> MetricValue:
    p = Procedure
    in_force = p.in_force & (p.effective_on.is_null() | (p.effective_on <= period.end))
    row = p.select(fn.COUNT(p.id), _sum(p.reviewed_year == period.year)).where(in_force).tuples().first()
    return rate(row[1] or 0, row[0] or 0)


def tasks_on_time_rate(period: MetricPeriod) -> MetricValue:
    last = period.due_until
    t, o = Task, TaskOccurrence
    on_time = t.completed_on.is_null(False) & (t.completed_on <= t.due_date) & (t.completed_on <= period.as_of)
    own = (t.select(fn.COUNT(t.id), _sum(on_time))
           .where(t.recurrence.is_null() & ~t.per_unit & t.plan.is_null(False) & (t.due_date >= period.start)
                  & (t.due_date <= last)).tuples().first())
    occ_on_time = o.completed_on.is_null(False) & (o.completed_on <= o.due_date) & (o.completed_on <= period.as_of)
    per_unit = (o.select(fn.COUNT(o.id), _sum(occ_on_time)).join(t, on=(o.task == t.id))
                .where(t.recurrence.is_null() & t.per_unit & t.plan.is_null(False) & (o.due_date >= period.start)
                       & (o.due_date <= last)).tuples().first())
    return rate((own[1] or 0) + (per_unit[1] or 0), (own[0] or 0) + (per_unit[0] or 0))


UNIT_REPORT_REF = "TX.1"   # the monthly unit report owed to the Office (services.tasks.OBLIGATIONS)


def unit_reports_on_time_rate(period: MetricPeriod) -> MetricValue:
    t, o = Task, TaskOccurrence
    done = o.completed_on.is_null(False) & (o.completed_on <= o.due_date) & (o.completed_on <= period.as_of)
    row = (o.select(fn.COUNT(o.id), _sum(done)).join(t, on=(o.task == t.id))
           .where((t.kind == "obligation") & (t.ref == UNIT_REPORT_REF) & (o.due_date >= period.start)
                  & (o.due_date <= period.due_until)).tuples().first())
    return rate(row[1] or 0, row[0] or 0)


def overdue_explained_rate(period: MetricPeriod) -> MetricValue:
    """Counted as ``services.dossiers.overdue_dossiers`` lists them: closed late in the period, or open
    past the due moment at its last minute; the few whose clock was stopped at the end are judged by the
    timers."""
    first, after = _bounds(period)
    moment = after - timedelta(minutes=1)
    d, e, p = Dossier, Explanation, DossierPause
    explained = e.id.is_null(False) & (fn.TRIM(fn.COALESCE(e.reason, "")) != "")
    paused_at_end = fn.EXISTS(p.select(p.id).where((p.dossier == d.id) & (p.resumed_at.is_null() | (p.resumed_at >= after))))
    closed_late = (d.closed_at >= first) & (d.closed_at < after) & (d.closed_at > d.due_at)
    open_overdue = ((d.received_at < after) & (d.closed_at.is_null() | (d.closed_at >= after)) & (d.due_at < moment)
                    & d.paused_since.is_null() & ~paused_at_end)
    row = (connection.table_scan(d.select(fn.COUNT(d.id), _sum(explained)), d)
           .join(e, JOIN.LEFT_OUTER, on=(e.dossier == d.id))
           .where((closed_late | open_overdue) & ~d.withdrawn).tuples().first())
    total, done = row[0] or 0, row[1] or 0
    paused = list(connection.table_scan(d.select(d.id, explained.alias("ok")), d)
                  .join(e, JOIN.LEFT_OUTER, on=(e.dossier == d.id))
                  .where((d.received_at < after) & (d.closed_at.is_null() | (d.closed_at >= after)) & ~d.withdrawn
                         & (d.paused_since.is_null(False) | paused_at_end)).tuples())
    if paused:
        from par_desktop.domain.timers import state_at
        from par_desktop.services.dossiers.timing import clock_of, near_due_days, pauses_by_dossier, work_calendar

        flags = dict(paused)
        rows = list(Dossier.select().where(Dossier.id.in_(list(flags))))
        calendar, pauses, near = work_calendar(), pauses_by_dossier([r.id for r in rows]), near_due_days()
        for r in rows:
            state = state_at(clock_of(r, pauses.get(r.id, [])), calendar, moment, near)
            if state is not None and state.overdue:
                total += 1
                done += 1 if flags[r.id] else 0
    return rate(done, total)


_REGISTRY: dict[str, Metric] = {}


# the keys registered from service_quality's dossier indicators (computed together when several are wanted)
_SERVICE_DOSSIER_KEYS: set[str] = set()


def register(metric: Metric) -> None:
    """Add (or replace) a metric; criteria sets name it by ``metric.key``."""
    _REGISTRY[metric.key] = metric
    _SERVICE_DOSSIER_KEYS.discard(metric.key)


for _metric in (
    Metric("dossiers_on_time_rate", "Tỷ lệ hồ sơ TTHC giải quyết trước và đúng hạn", True, dossiers_on_time_rate,
           "Hồ sơ kết thúc trong kỳ: trước hạn + đúng hạn / đã giải quyết (Biểu 06 cột 8+9 / cột 7)"),
    Metric("dossiers_online_rate", "Tỷ lệ hồ sơ TTHC tiếp nhận trực tuyến", True, dossiers_online_rate,
           "Hồ sơ tiếp nhận trong kỳ: trực tuyến / mới tiếp nhận (Biểu 06 cột 4 / cột 4+5)"),
    Metric("procedures_reviewed_share", "Tỷ lệ TTHC đang có hiệu lực được rà soát, đánh giá trong năm", True,
           procedures_reviewed_share, "Danh mục thủ tục: năm rà soát = năm của bộ chỉ số / thủ tục còn hiệu lực"),
    Metric("tasks_on_time_rate", "Tỷ lệ nhiệm vụ kế hoạch hoàn thành đúng hạn", True, tasks_on_time_rate,
           "Nhiệm vụ (không định kỳ) đến hạn trong kỳ: hoàn thành đúng hạn / đến hạn"),
    Metric("unit_reports_on_time_rate", "Tỷ lệ báo cáo tháng của phòng, đơn vị gửi đúng hạn", True,
           unit_reports_on_time_rate, "Kỳ báo cáo tháng (TX.1) đến hạn trong kỳ: gửi đúng hạn / đến hạn"),
    Metric("overdue_explained_rate", "Tỷ lệ hồ sơ quá hạn có giải trình", True, overdue_explained_rate,
           "Hồ sơ quá hạn trong kỳ: có giải trình / quá hạn"),
):
    register(_metric)


def _service_metric(function) -> Callable[[MetricPeriod], MetricValue]:
    def compute(period: MetricPeriod) -> MetricValue:
        figure = function(period.start, period.end)
        return MetricValue(figure.value, figure.numerator, figure.denominator)

    return compute


def _register_service_indicators() -> None:
    """The service indicators of DOMAIN.md §10 (``services.service_quality``), under their own keys."""
    from par_desktop.domain.service_index import DEFAULT_INDICATORS
    from par_desktop.services.service_quality import DOSSIER_KEYS, INDICATOR_FUNCTIONS

    names = {d.key: d.name for d in DEFAULT_INDICATORS}
    for key, function in INDICATOR_FUNCTIONS.items():
        register(Metric(key, f"Chỉ số phục vụ: {names.get(key, key)}", key != "avg_resolution_days",
                        _service_metric(function), "Chỉ số chất lượng phục vụ (Quyết định 766/QĐ-TTg), cùng cách tính "
                        "với stats service-index"))
    _SERVICE_DOSSIER_KEYS.update(DOSSIER_KEYS)


_register_service_indicators()


def metrics() -> list[Metric]:
    return list(_REGISTRY.values())


def metric(key: str) -> Metric | None:
    return _REGISTRY.get(key)


def keys() -> list[str]:
    return list(_REGISTRY)


def percent_keys() -> list[str]:
    return [m.key for m in _REGISTRY.values() if m.percent]


def compute(period: MetricPeriod, wanted: Iterable[str] | None = None) -> dict[str, MetricValue]:
    """The value of each wanted metric (default: all) for the period: one SQL aggregate each, except the
    service indicators on dossiers, counted together (one pass over the dossiers per side)."""
    from par_desktop.services.service_quality import dossier_figures

    chosen = list(_REGISTRY) if wanted is None else [k for k in dict.fromkeys(wanted) if k in _REGISTRY]
    together = [k for k in chosen if k in _SERVICE_DOSSIER_KEYS]
    with connection.translated_errors():
        values: dict[str, MetricValue] = {}
        if len(together) > 1:
            figures = dossier_figures(period.start, period.end)
            values = {k: MetricValue(figures[k].value, figures[k].numerator, figures[k].denominator) for k in together}
        return {key: values[key] if key in values else _REGISTRY[key].compute(period) for key in chosen}
