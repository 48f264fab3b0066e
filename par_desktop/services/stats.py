"""The TTHC statistics table (DOMAIN.md §5, Biểu 06/VPCP/KSTT style) and on-time rates for charts.

Counted in SQL (one GROUP BY over the dossiers, CASE WHEN sums), never row by row, so a year of
100,000 dossiers takes a fraction of a second. For a period [from, to] (days included), with E the
first moment after ``to``:

- the dossiers of the table are those received before E and not closed before ``from``;
- received new (4) online / (5) in person or by post: received within the period; carried over (6):
  received before ``from``;
- resolved (7): closed before E, split (8) early — closed on an earlier date than the due date,
  (9) on time — on the due date no later than the due moment, (10) late;
- in progress at the end (11): not closed before E, split (12) within time / (13) overdue at the last
  minute of the period.

So (3) = (4)+(5)+(6), (7) = (8)+(9)+(10), (11) = (12)+(13) and (3) = (7)+(11) hold by construction.
Withdrawn or returned dossiers are left out of the table and counted apart (``withdrawn``).
The few open dossiers whose clock was paused across the end of the period are judged by
``domain.timers`` (a pause begun after the period must not move the due moment back then).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from peewee import SQL, Case, fn

from par_desktop.db import connection
from par_desktop.db.models import Dossier, DossierPause, Unit
from par_desktop.domain.text import ui_date, vn_number
from par_desktop.domain.timers import state_at

COUNTS = ("received_total", "received_online", "received_direct", "carried_over", "resolved_total",
          "resolved_early", "resolved_on_time", "resolved_late", "pending_total", "pending_within_time",
          "pending_overdue")
NO_FIELD = "(Chưa xác định lĩnh vực)"

# Column titles of the table: (number, title, group)
COLUMN_TITLES = (
    ("(1)", "STT", ""), ("(2)", "Lĩnh vực", ""),
    ("(3)", "Tổng số", "Số hồ sơ nhận giải quyết"), ("(4)", "Trực tuyến", "Số hồ sơ nhận giải quyết"),
    ("(5)", "Trực tiếp, dịch vụ bưu chính", "Số hồ sơ nhận giải quyết"),
    ("(6)", "Từ kỳ trước chuyển qua", "Số hồ sơ nhận giải quyết"),
    ("(7)", "Tổng số", "Số hồ sơ đã giải quyết"), ("(8)", "Trước hạn", "Số hồ sơ đã giải quyết"),
    ("(9)", "Đúng hạn", "Số hồ sơ đã giải quyết"), ("(10)", "Quá hạn", "Số hồ sơ đã giải quyết"),
    ("(11)", "Tổng số", "Số hồ sơ đang giải quyết"), ("(12)", "Trong hạn", "Số hồ sơ đang giải quyết"),
    ("(13)", "Quá hạn", "Số hồ sơ đang giải quyết"),
)


@dataclass
class StatsRow:
    field: str
    received_total: int = 0
    received_online: int = 0
    received_direct: int = 0
    carried_over: int = 0
    resolved_total: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    pending_total: int = 0
    pending_within_time: int = 0
    pending_overdue: int = 0

    def counts(self) -> list[int]:
        return [getattr(self, name) for name in COUNTS]

    def as_dict(self) -> dict:
        return asdict(self)

    def identity_checks(self) -> list[tuple[str, bool]]:
        """The four identities of the form, each with whether it holds."""
        return [
            ("(3) = (4) + (5) + (6)",
             self.received_total == self.received_online + self.received_direct + self.carried_over),
            ("(7) = (8) + (9) + (10)",
             self.resolved_total == self.resolved_early + self.resolved_on_time + self.resolved_late),
            ("(11) = (12) + (13)", self.pending_total == self.pending_within_time + self.pending_overdue),
            ("(3) = (7) + (11)", self.received_total == self.resolved_total + self.pending_total),
        ]

    @property
    def on_time_rate(self) -> float | None:
        """Share (%) of resolved dossiers resolved early or on time; None when nothing was resolved."""
        if not self.resolved_total:
            return None
        return 100.0 * (self.resolved_early + self.resolved_on_time) / self.resolved_total


@dataclass
class DossierStats:
    start: date
    end: date
    rows: list[StatsRow]
    total: StatsRow
    withdrawn: int = 0          # withdrawn/returned dossiers of the same scope, not in the table
    unit_id: int | None = None

    def as_json(self) -> dict:
        """Exactly the Statistics object of CLI.md."""
        return {"from": self.start.isoformat(), "to": self.end.isoformat(),
                "rows": [r.as_dict() for r in self.rows], "total": self.total.as_dict()}

    @property
    def identities_hold(self) -> bool:
        return all(ok for row in [*self.rows, self.total] for _, ok in row.identity_checks())


def _bounds(start: date, end: date) -> tuple[datetime, datetime, datetime]:
    if end < start:
        from par_desktop.errors import InvalidInput

        raise InvalidInput(f"Kỳ thống kê không hợp lệ: ngày kết thúc {ui_date(end)} trước ngày bắt đầu {ui_date(start)}.")
    first = datetime.combine(start, time())
    after = datetime.combine(end + timedelta(days=1), time())
    return first, after, after - timedelta(minutes=1)


def _sum(condition) -> fn:
    return fn.SUM(Case(None, [(condition, 1)], 0))


# Each dossier of the table falls in one class: where it comes from (carried over, new online, new in
# person/by post) and where it is at the end (early, on time, late; overdue, within time; paused across
# the end of the period). SQL counts the classes per field; Python only spreads them into the columns.
_SOURCE = {0: "carried_over", 10: "received_online", 20: "received_direct"}
_OUTCOME = {1: "resolved_early", 2: "resolved_on_time", 3: "resolved_late", 4: "pending_overdue",
            5: "pending_within_time", 6: None}


def dossier_statistics(start: date, end: date, unit_id: int | None = None) -> DossierStats:
    """The 13-column table for [start, end] by field (lĩnh vực), with its total row."""
    first, after, last_minute = _bounds(start, end)
    d = Dossier
    scope = (d.received_at < after) & (d.closed_at.is_null() | (d.closed_at >= first))
    if unit_id is not None:
        scope &= d.unit == unit_id
    # Open dossiers whose clock was stopped at the end of the period (or later): judged by the timers.
    # (Every open pause has its DossierPause row; ``paused_since`` only mirrors it.)
    paused_across = DossierPause.select(DossierPause.dossier).where(
        DossierPause.resumed_at.is_null() | (DossierPause.resumed_at >= after))
    source = Case(None, [(d.received_at < first, 0), (d.channel == "online", 10)], 20)
    outcome = Case(None, [
        (d.withdrawn, 7),
        (d.closed_at < after, Case(None, [(fn.DATE(d.closed_at) < fn.DATE(d.due_at), 1),
                                          (d.closed_at <= d.due_at, 2)], 3)),
        (d.id.in_(paused_across), 6),
        (d.due_at < last_minute, 4)], 5)
    query = connection.table_scan(d.select(d.field, (source + outcome).alias("k"), fn.COUNT(SQL("*")))
                                  .where(scope).group_by(d.field, SQL("k")), Dossier)
    rows: dict[str, StatsRow] = {}
    withdrawn = 0
    for name, k, n in query.tuples():
        src, out = divmod(int(k), 10)
        if out == 7:
            withdrawn += n
            continue
        row = rows.setdefault(name or NO_FIELD, StatsRow(name or NO_FIELD))
        for column in (_SOURCE[src * 10], _OUTCOME[out]):
            if column is not None:
                setattr(row, column, getattr(row, column) + n)
        if out <= 3:
            row.resolved_total += n
        else:
            row.pending_total += n
    candidates = [i for (i,) in paused_across.tuples()]
    for name, kind in _paused_across(candidates, scope & ~d.withdrawn & (d.closed_at.is_null() | (d.closed_at >= after)),
                                     last_minute):
        row = rows[name or NO_FIELD]
        setattr(row, f"pending_{kind}", getattr(row, f"pending_{kind}") + 1)
    for row in rows.values():
        row.received_total = row.received_online + row.received_direct + row.carried_over
    ordered = sorted(rows.values(), key=lambda r: (r.field == NO_FIELD, _collate(r.field)))
    total = StatsRow("Tổng số")
    for row in ordered:
        for name in COUNTS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return DossierStats(start, end, ordered, total, withdrawn, unit_id)


def _paused_across(ids: list[int], condition, moment: datetime) -> list[tuple[str, str]]:
    from par_desktop.services.dossiers.timing import clock_of, near_due_days, pauses_by_dossier, work_calendar

    rows = [r for i in range(0, len(ids), 500)
            for r in Dossier.select().where(Dossier.id.in_(ids[i:i + 500]) & condition)]
    if not rows:
        return []
    calendar, pauses, near = work_calendar(), pauses_by_dossier([r.id for r in rows]), near_due_days()
    out = []
    for r in rows:
        t = state_at(clock_of(r, pauses.get(r.id, [])), calendar, moment, near)
        out.append((r.field, t.pending_class))
    return out


def _collate(text: str) -> tuple[str, str]:
    from par_desktop.domain.text import fold

    return fold(text), text


# ---- on-time rates for charts -----------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    label: str
    resolved: int
    on_time: int          # early or on time
    key: object = None    # the month number or the unit id

    @property
    def rate(self) -> float | None:
        return None if not self.resolved else 100.0 * self.on_time / self.resolved


def on_time_rate(start: date, end: date, label: str = "") -> Rate:
    """Dossiers resolved within [start, end] — column (7) of the table — and how many of them early or
    on time, (8) + (9): one count over the closing-moment index, for figures that need no more."""
    first, after, _ = _bounds(start, end)
    d = Dossier
    resolved, on_time = (d.select(fn.COUNT(SQL("*")), _sum(d.closed_at <= d.due_at))
                         .where((d.closed_at >= first) & (d.closed_at < after) & (d.received_at < after)
                                & ~d.withdrawn).tuples().get())
    return Rate(label, int(resolved or 0), int(on_time or 0))


def on_time_rate_by_month(year: int, unit_id: int | None = None) -> list[Rate]:
    """Dossiers closed in each calendar month of ``year`` and the share closed early or on time."""
    d = Dossier
    bounds = [datetime(year, m, 1) for m in range(1, 13)] + [datetime(year + 1, 1, 1)]
    month = Case(None, [(d.closed_at < bounds[m + 1], 2 * m) for m in range(12)])
    key = month + Case(None, [(d.closed_at <= d.due_at, 1)], 0)
    query = d.select(key.alias("k"), fn.COUNT(SQL("*"))).where(
        (d.closed_at >= bounds[0]) & (d.closed_at < bounds[12]) & ~d.withdrawn).group_by(SQL("k"))
    if unit_id is not None:
        query = query.where(d.unit == unit_id)
    counts = dict(connection.table_scan(query, Dossier).tuples())
    return [Rate(f"T{m + 1}", counts.get(2 * m, 0) + counts.get(2 * m + 1, 0), counts.get(2 * m + 1, 0), m + 1)
            for m in range(12)]


def on_time_rate_by_unit(start: date, end: date) -> list[Rate]:
    """Per handling unit: dossiers closed within [start, end] and the share closed early or on time."""
    first, after, _ = _bounds(start, end)
    d = Dossier
    resolved = (d.closed_at >= first) & (d.closed_at < after)
    query = (d.select(d.unit, fn.COUNT(d.id).alias("resolved"), _sum(d.closed_at <= d.due_at).alias("on_time"))
             .where(resolved & ~d.withdrawn).group_by(d.unit))
    counts = {unit: (int(n), int(ok or 0)) for unit, n, ok in connection.table_scan(query, Dossier).tuples()}
    out = []
    for unit in Unit.select().order_by(Unit.sort_order, Unit.name):
        if unit.id in counts:
            out.append(Rate(unit.name, *counts.pop(unit.id), unit.id))
    if None in counts:
        out.append(Rate("(Chưa xác định đơn vị)", *counts.pop(None), None))
    return out


# ---- the text table of the command line ------------------------------------------------------------

def format_table(stats: DossierStats) -> str:
    """An aligned plain-text table with the form's Vietnamese headers and the total row."""
    headers = [title for _, title, _ in COLUMN_TITLES]
    body = [[str(i), row.field, *(vn_number(v) for v in row.counts())] for i, row in enumerate(stats.rows, 1)]
    body.append(["", stats.total.field, *(vn_number(v) for v in stats.total.counts())])
    numbers = [n for n, _, _ in COLUMN_TITLES]
    widths = [max(len(h), len(n), *(len(r[i]) for r in body)) for i, (h, n) in enumerate(zip(headers, numbers))]
    # The group titles span their columns; widen the last column of a group if a title needs it.
    groups: list[tuple[str, list[int]]] = []
    for i, (_, _, group) in enumerate(COLUMN_TITLES):
        if groups and groups[-1][0] == group:
            groups[-1][1].append(i)
        else:
            groups.append((group, [i]))
    for group, cols in groups:
        span = sum(widths[c] for c in cols) + 2 * (len(cols) - 1)
        if len(group) > span:
            widths[cols[-1]] += len(group) - span

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 1 else c.rjust(w) if i > 1 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    group_line = "  ".join(g.center(sum(widths[c] for c in cols) + 2 * (len(cols) - 1)) for g, cols in groups).rstrip()
    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    out = ["TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC",
           f"Từ ngày {ui_date(stats.start)} đến ngày {ui_date(stats.end)}          Đơn vị tính: Số hồ sơ TTHC",
           rule, group_line, line(headers), line(numbers), rule, *(line(r) for r in body[:-1]), rule,
           line(body[-1])]
    if stats.withdrawn:
        out.append(f"(Không tính {vn_number(stats.withdrawn)} hồ sơ đã rút hoặc trả lại.)")
    return "\n".join(out)
