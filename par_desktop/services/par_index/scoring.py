"""The self-assessment workflow and the score tree.

Workflow of a sub-criterion (``IndexAssessment.state``):

- a unit account scores its own rows (the unit in charge): ``draft``; it submits them: ``submitted``;
- the Office returns a submitted score with a note (``returned``, the unit corrects and submits again)
  or accepts it (``accepted``); a score the Office enters itself is accepted at once;
- the Office locks the set when it sends the self-assessment (every sub-criterion scored and accepted);
  then nobody changes self-scores (the Office can unlock, audited);
- after the province's council, the Office enters or imports the appraised scores (điểm thẩm định) with
  the reasons, and the final index. Every difference from the self-score is listed with its reason.

Lãnh đạo reads everything and changes nothing. Every change writes audit rows in its transaction.

The score tree (``score_report``) gives, per row: maximum, last year's points, computed points
(metric-linked rows), self and appraised points, evidence count, and what is held, at risk and lost
(``domain.par_index``); totals per area, per unit, and last year's lost points with the tasks that
answer them. It is read in a handful of queries plus one SQL aggregate per metric.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from par_desktop.db import connection
from par_desktop.db.changes import audit, insert_record, update_record
from par_desktop.db.models import (
    IndexAssessment, IndexCriterion, IndexCriterionTask, IndexCriterionUnit, IndexEvidenceLink, IndexSet, Unit,
)
from par_desktop.domain import par_index as rules
from par_desktop.domain.text import nfc
from par_desktop.errors import InvalidInput, NotFound
from par_desktop.services.par_index import criteria as C
from par_desktop.services.par_index import metrics
from par_desktop.services.session import Actor, require


# ---- the workflow ---------------------------------------------------------------------------------------

def _criterion(criterion_id: int) -> IndexCriterion:
    criterion = IndexCriterion.get_or_none(IndexCriterion.id == criterion_id)
    if criterion is None:
        raise NotFound("Tiêu chí không còn tồn tại (có thể người khác vừa xóa).")
    return criterion


def _leaf(criterion: IndexCriterion) -> None:
    if not C.is_leaf(criterion):
        raise InvalidInput(f"Tiêu chí {criterion.path} có tiêu chí con: điểm của nó là tổng điểm các tiêu chí con; hãy "
                           "chấm từng tiêu chí thành phần.")


def _assessment(actor: Actor, criterion: IndexCriterion) -> IndexAssessment:
    row = IndexAssessment.get_or_none(IndexAssessment.criterion == criterion.id)
    if row is None:
        row = insert_record(IndexAssessment, actor.username, criterion=criterion.id)
    return row


def _set_of(criterion: IndexCriterion) -> IndexSet:
    return IndexSet.get_by_id(criterion.index_set_id)


def set_self_score(actor: Actor, criterion_id: int, points, note: str = "",
                   expected_version: int | None = None) -> IndexAssessment:
    """Record a self-score (None clears it) with its explanation. Checked: not above the maximum, the
    right sign for a penalty, a step the guidance allows. A unit scores only its own rows, and only
    while they are not with the Office; the Office's own scores are accepted at once."""
    with connection.translated_errors(), connection.write_transaction():
        criterion = _criterion(criterion_id)
        C.require_scorer(actor, criterion)
        _leaf(criterion)
        index_set = _set_of(criterion)
        if index_set.state == "locked":
            raise InvalidInput(f"Bộ chỉ số năm {index_set.year} đã khóa (đã gửi kết quả tự đánh giá): không sửa điểm "
                               "tự đánh giá được nữa.")
        value = rules.parse_points(points, where=f"Điểm tự đánh giá tiêu chí {criterion.path}")
        if value is not None:
            steps = rules.parse_steps(criterion.score_steps)
            rules.check_score(value, criterion.max_points, criterion.kind, steps, code=criterion.path,
                              what="Điểm tự đánh giá")
        row = _assessment(actor, criterion)
        office = actor.can("index")
        if not office and row.state in ("submitted", "accepted"):
            raise InvalidInput(f"Tiêu chí {criterion.path} đã gửi Văn phòng ({rules.STATE_LABELS[row.state].lower()}): chỉ sửa "
                               "được khi Văn phòng trả lại.")
        changes: dict[str, Any] = dict(self_points=value, self_note=nfc(note), scored_by=actor.username, scored_at=datetime.now(),
                       state="accepted" if office else "draft")
        if office:
            changes.update(reviewed_by=actor.username, reviewed_at=datetime.now())
        return update_record(IndexAssessment, row.id, expected_version, actor.username, **changes)


def submit(actor: Actor, criterion_ids: Sequence[int]) -> int:
    """A unit sends its scored rows to the Office; returns how many were sent."""
    sent = 0
    with connection.translated_errors(), connection.write_transaction():
        for criterion_id in criterion_ids:
            criterion = _criterion(criterion_id)
            C.require_scorer(actor, criterion)
            if _set_of(criterion).state == "locked":
                raise InvalidInput("Bộ chỉ số đã khóa: không gửi được nữa.")
            row = IndexAssessment.get_or_none(IndexAssessment.criterion == criterion.id)
            if row is None or row.self_points is None:
                raise InvalidInput(f"Tiêu chí {criterion.path} chưa có điểm tự đánh giá: hãy chấm trước khi gửi.")
            if row.state in ("draft", "returned"):
                update_record(IndexAssessment, row.id, None, actor.username, state="submitted")
                sent += 1
    return sent


def review(actor: Actor, criterion_id: int, *, accept: bool, note: str = "",
           expected_version: int | None = None) -> IndexAssessment:
    """The Office accepts a submitted score, or returns it to the unit with a note saying why."""
    require(actor, "index")
    with connection.translated_errors(), connection.write_transaction():
        criterion = _criterion(criterion_id)
        if _set_of(criterion).state == "locked":
            raise InvalidInput("Bộ chỉ số đã khóa: hãy mở khóa trước khi duyệt lại.")
        row = IndexAssessment.get_or_none(IndexAssessment.criterion == criterion.id)
        if row is None or row.self_points is None:
            raise InvalidInput(f"Tiêu chí {criterion.path} chưa có điểm tự đánh giá để duyệt.")
        if not accept and not nfc(note):
            raise InvalidInput("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.")
        return update_record(IndexAssessment, row.id, expected_version, actor.username,
                             state="accepted" if accept else "returned", review_note=nfc(note),
                             reviewed_by=actor.username, reviewed_at=datetime.now())


def accept_submitted(actor: Actor, year: int) -> int:
    """Accept every submitted score of the year at once (after the Office read them)."""
    require(actor, "index")
    with connection.translated_errors(), connection.write_transaction():
        index_set = C.require_set(year)
        rows = list(IndexAssessment.select().join(IndexCriterion)
                    .where((IndexCriterion.index_set == index_set.id) & (IndexAssessment.state == "submitted")))
        for row in rows:
            update_record(IndexAssessment, row.id, None, actor.username, state="accepted",
                          reviewed_by=actor.username, reviewed_at=datetime.now())
    return len(rows)


def lock(actor: Actor, year: int) -> IndexSet:
    """Lock the set when the self-assessment is sent: every sub-criterion (but bonus and penalty rows,
    where nothing claimed means 0) scored and accepted by the Office."""
    require(actor, "index")
    with connection.translated_errors(), connection.write_transaction():
        index_set = C.require_set(year)
        if index_set.state == "locked":
            return index_set
        leaves = C.leaf_ids(index_set)
        items = {c.id: c for c in C.criteria_of(index_set) if c.id in leaves}
        states = {a.criterion_id: a for a in IndexAssessment.select().where(IndexAssessment.criterion.in_(list(items)))}
        missing = [c.path for c in items.values() if c.kind == "normal"
                   and (states.get(c.id) is None or states[c.id].self_points is None)]
        pending = [c.path for c in items.values() if c.id in states and states[c.id].self_points is not None
                   and states[c.id].state != "accepted"]
        if missing:
            raise InvalidInput(f"Còn {len(missing)} tiêu chí chưa có điểm tự đánh giá ({_some(missing)}): chưa khóa được.")
        if pending:
            raise InvalidInput(f"Còn {len(pending)} tiêu chí Văn phòng chưa chấp nhận ({_some(pending)}): chưa khóa được.")
        return update_record(IndexSet, index_set.id, None, actor.username, state="locked", locked_at=datetime.now(),
                             locked_by=actor.username)


def unlock(actor: Actor, year: int, reason: str) -> IndexSet:
    require(actor, "index")
    if not nfc(reason):
        raise InvalidInput("Hãy ghi lý do mở khóa (ví dụ: Sở Nội vụ đề nghị bổ sung tài liệu kiểm chứng).")
    with connection.translated_errors(), connection.write_transaction():
        index_set = C.require_set(year)
        record = update_record(IndexSet, index_set.id, None, actor.username, state="open", locked_at=None)
        audit(actor.username, "update", "index_set", index_set.id, "unlock_reason", None, nfc(reason))
        return record


def _some(codes: Sequence[str], limit: int = 8) -> str:
    return ", ".join(codes[:limit]) + (" …" if len(codes) > limit else "")


def set_appraised(actor: Actor, criterion_id: int, points, reason: str = "",
                  expected_version: int | None = None) -> IndexAssessment:
    """The council's score of a sub-criterion (điểm thẩm định) with the reason of any difference."""
    require(actor, "index")
    with connection.translated_errors(), connection.write_transaction():
        criterion = _criterion(criterion_id)
        _leaf(criterion)
        _require_locked(_set_of(criterion))
        return _appraise(actor, criterion, points, reason, expected_version)


def _require_locked(index_set: IndexSet) -> None:
    if index_set.state != "locked":
        raise InvalidInput("Điểm thẩm định nhập sau khi đã khóa và gửi kết quả tự đánh giá (Khóa bộ chỉ số).")


def _appraise(actor: Actor, criterion: IndexCriterion, points, reason: str, expected_version: int | None = None):
    """Record the appraised score of ``criterion``, a sub-criterion of a locked set (the caller checked)."""
    value = rules.parse_points(points, where=f"Điểm thẩm định tiêu chí {criterion.path}")
    if value is not None:
        rules.check_score(value, criterion.max_points, criterion.kind, rules.Steps(), code=criterion.path,
                          what="Điểm thẩm định")
    row = _assessment(actor, criterion)
    return update_record(IndexAssessment, row.id, expected_version, actor.username, appraised_points=value,
                         appraisal_reason=nfc(reason), appraised_by=actor.username, appraised_at=datetime.now())


@dataclass
class AppraisalImport:
    year: int
    count: int
    differences: list["Difference"]
    warnings: list[str] = field(default_factory=list)


def import_appraisal(actor: Actor, year: int, path: str | Path) -> AppraisalImport:
    """The council's results from Excel (columns Mã/STT, Điểm thẩm định, Lý do): every sub-criterion row
    is recorded in one transaction; a code the set does not have, or a score above its maximum, refuses
    the whole file naming the row. Rows of areas and criteria (totals) are checked against the sums."""
    from par_desktop.importers.index_sheet import read_appraisal

    require(actor, "index")
    path = Path(path)
    rows = read_appraisal(path)
    warnings: list[str] = []
    with connection.translated_errors(), connection.write_transaction():
        index_set = C.require_set(year)
        try:
            _require_locked(index_set)
        except InvalidInput as exc:
            raise InvalidInput(f"{path.name}: {exc.message} Chưa ghi điểm nào.") from None
        items = C.criteria_of(index_set)
        by_path = {c.path: c for c in items}
        by_id = {c.id: c for c in items}
        leaves = C.leaf_ids(index_set)
        roman = any(rules.code_shape(c.path.split(".")[0]) == "roman" for c in items)
        area = None
        given: dict[int, float | None] = {}
        count = 0
        for row in rows:
            shape = rules.code_shape(row.code)
            if shape == "roman":
                area = row.code
            path_code = f"{area}.{row.code}" if roman and shape == "numeric" and area else row.code
            criterion = by_path.get(path_code)
            if criterion is None:
                raise InvalidInput(f"{path.name}, dòng {row.row_no}: bộ chỉ số năm {year} không có tiêu chí mã {row.code}; "
                                   "chưa ghi điểm nào.")
            if criterion.id not in leaves:
                given[criterion.id] = row.points
                continue
            try:
                _appraise(actor, criterion, row.points, row.reason)
            except InvalidInput as exc:
                raise InvalidInput(f"{path.name}, dòng {row.row_no}: {exc.message} Chưa ghi điểm nào.") from None
            count += 1
        totals = _subtree_sums(items, {a.criterion_id: a.appraised_points for a in IndexAssessment.select()
                                       .where(IndexAssessment.criterion.in_([c.id for c in items]))})
        for criterion_id, value in given.items():
            if value is not None and totals.get(criterion_id) is not None and not rules.same_points(value, totals[criterion_id]):
                c = by_id[criterion_id]
                warnings.append(f"{path.name}: tiêu chí {c.path} ghi {rules.vn_points(value)} điểm nhưng tổng điểm thẩm định "
                                f"các tiêu chí con là {rules.vn_points(totals[criterion_id])}.")
        audit(actor.username, "import", "index_assessment", index_set.id, "appraised", None, f"{path.name}: {count} tiêu chí")
    return AppraisalImport(year, count, differences(year), warnings)


def _subtree_sums(items: Sequence[IndexCriterion], leaf_values: dict[int, float | None]) -> dict[int, float | None]:
    children = defaultdict(list)
    for c in items:
        children[c.parent_id].append(c)
    out: dict[int, float | None] = {}
    for c in sorted(items, key=lambda c: -c.level):
        if children[c.id]:
            out[c.id] = rules.sum_known(out.get(k.id) for k in children[c.id])
        else:
            out[c.id] = leaf_values.get(c.id)
    return out


@dataclass(frozen=True)
class Difference:
    path: str
    code: str
    title: str
    unit: str
    max_points: float | None
    self_points: float | None
    appraised_points: float | None
    reason: str

    @property
    def delta(self) -> float:
        return round((self.appraised_points or 0) - (self.self_points or 0), 6)


def differences(year: int) -> list[Difference]:
    """Every sub-criterion whose appraised score differs from the self-score, with the reason."""
    with connection.translated_errors():
        index_set = C.require_set(year)
        units = dict(Unit.select(Unit.id, Unit.name).tuples())
        rows = (IndexAssessment.select(IndexAssessment, IndexCriterion).join(IndexCriterion)
                .where((IndexCriterion.index_set == index_set.id) & IndexAssessment.appraised_points.is_null(False))
                .order_by(IndexCriterion.position))
        out = []
        for a in rows:
            c = a.criterion
            if not rules.same_points(a.self_points or 0.0, a.appraised_points):
                out.append(Difference(c.path, c.code, c.title, units.get(c.unit_id, ""), c.max_points, a.self_points,
                                      a.appraised_points, a.appraisal_reason))
        return out


# ---- the score tree -------------------------------------------------------------------------------------

@dataclass
class TaskLink:
    id: int
    ref: str
    content: str
    status: str
    status_label: str
    due: date | None


@dataclass
class ScoreNode:
    id: int
    code: str
    path: str
    title: str
    level: int
    kind: str
    max_points: float | None
    self_points: float | None = None
    computed_points: float | None = None
    appraised_points: float | None = None
    metric: str = ""
    metric_value: float | None = None
    evidence_count: int = 0
    unit: str = ""
    unit_id: int | None = None
    coordinators: tuple[str, ...] = ()
    coordinator_ids: tuple[int, ...] = ()
    state: str = ""
    self_note: str = ""
    review_note: str = ""
    appraisal_reason: str = ""
    last_year_points: float | None = None
    last_year_lost: float | None = None
    tasks: list[TaskLink] = field(default_factory=list)
    at_risk: float = 0.0
    risk_reasons: tuple[str, ...] = ()
    lost: float = 0.0
    red_flag: bool = False        # points claimed without any evidence
    guidance: str = ""
    evidence_required: str = ""
    score_steps: str = ""
    bands: str = ""
    evidence_deadline: date | None = None
    criterion_version: int = 0
    assessment_version: int | None = None
    children: list["ScoreNode"] = field(default_factory=list)
    parent: "ScoreNode | None" = field(default=None, repr=False)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def held(self) -> float:
        if self.kind != "normal":
            return 0.0
        return round(max(0.0, (self.max_points or 0) - self.lost - self.at_risk), 6)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def as_json(self) -> dict:
        """The NODE object of CLI.md (plus a few fields of its own after the contract's)."""
        return {
            "code": self.code, "title": self.title, "max_points": _num(self.max_points),
            "self_points": _num(self.self_points), "computed_points": _num(self.computed_points),
            "appraised_points": _num(self.appraised_points), "metric": self.metric or None,
            "metric_value": self.metric_value, "evidence_count": self.evidence_count, "unit": self.unit or None,
            "children": [c.as_json() for c in self.children],
            "path": self.path, "kind": self.kind, "state": self.state or None,
            "last_year_points": _num(self.last_year_points), "at_risk_points": _num(self.at_risk),
            "lost_points": _num(self.lost), "red_flag": self.red_flag,
        }


def _num(value: float | None) -> float | None:
    if value is None:
        return None
    rounded = round(float(value), 6)
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded


@dataclass(frozen=True)
class UnitFigures:
    unit_id: int | None
    unit: str
    max_points: float
    held: float
    at_risk: float
    lost: float
    criteria: int


@dataclass(frozen=True)
class LostLastYear:
    path: str
    code: str
    title: str
    unit: str
    max_points: float | None
    appraised_points: float | None
    lost: float
    reason: str
    tasks: tuple[TaskLink, ...]          # this year's tasks linked to the criterion


@dataclass
class ScoreReport:
    year: int
    title: str
    is_example: bool
    state: str
    roots: list[ScoreNode]
    metric_values: dict[str, metrics.MetricValue]
    period: metrics.MetricPeriod
    final_index: float | None
    last_year: int | None
    today: date
    unit_order: dict[int | None, tuple[int, str]]   # unit id -> (sort order, name): by_unit's order, read with the tree

    def leaves(self) -> list[ScoreNode]:
        return [n for root in self.roots for n in root.walk() if n.is_leaf]

    def nodes(self) -> list[ScoreNode]:
        return [n for root in self.roots for n in root.walk()]

    @property
    def max_total(self) -> float:
        return round(sum(n.max_points or 0 for n in self.leaves() if n.kind == "normal"), 6)

    def _total(self, name: str) -> float | None:
        return rules.sum_known(getattr(n, name) for n in self.leaves())

    @property
    def self_total(self) -> float | None:
        return self._total("self_points")

    @property
    def computed_total(self) -> float | None:
        return self._total("computed_points")

    @property
    def appraised_total(self) -> float | None:
        return self._total("appraised_points")

    def index_of(self, total: float | None) -> float | None:
        return None if total is None or not self.max_total else round(100.0 * total / self.max_total, 2)

    @property
    def at_risk_total(self) -> float:
        return round(sum(n.at_risk for n in self.leaves()), 6)

    @property
    def lost_total(self) -> float:
        return round(sum(n.lost for n in self.leaves()), 6)

    def risky(self) -> list[ScoreNode]:
        return [n for n in self.leaves() if n.at_risk > rules.EPSILON]

    def risk_by_reason(self) -> dict[str, float]:
        """Points at risk per reason (a row with several reasons counts in each)."""
        out = {reason: 0.0 for reason in rules.RISK_LABELS}
        for n in self.risky():
            for reason in n.risk_reasons:
                out[reason] = round(out[reason] + n.at_risk, 6)
        return out

    def by_unit(self) -> list[UnitFigures]:
        groups: dict[int | None, list[ScoreNode]] = defaultdict(list)
        names: dict[int | None, str] = {None: "(Chưa giao đơn vị)"}
        for n in self.leaves():
            if n.kind == "normal" or n.lost:
                groups[n.unit_id].append(n)
                names[n.unit_id] = n.unit or names[None]
        out = []
        for unit_id in sorted(groups, key=lambda u: (u is None, self.unit_order.get(u, (0, "")))):
            nodes = groups[unit_id]
            normal = [n for n in nodes if n.kind == "normal"]
            out.append(UnitFigures(unit_id, names[unit_id], round(sum(n.max_points or 0 for n in normal), 6),
                                   round(sum(n.held for n in normal), 6), round(sum(n.at_risk for n in nodes), 6),
                                   round(sum(n.lost for n in nodes), 6), len(nodes)))
        return out

    def lost_last_year(self) -> list[LostLastYear]:
        out = []
        for n in self.leaves():
            if n.last_year_lost:
                out.append(LostLastYear(n.path, n.code, n.title, n.unit, n.max_points, n.last_year_points,
                                        n.last_year_lost, "", tuple(n.tasks)))
        return out

    def as_json(self) -> dict:
        """The score object of CLI.md (``index score --json``) with a few fields of its own after it."""
        return {
            "year": self.year, "max_total": _num(self.max_total), "self_total": _num(self.self_total),
            "computed_total": _num(self.computed_total), "appraised_total": _num(self.appraised_total),
            "criteria": [n.as_json() for n in self.roots],
            "title": self.title, "example": self.is_example, "state": self.state,
            "self_index": self.index_of(self.self_total), "appraised_index": self.index_of(self.appraised_total),
            "final_index": self.final_index, "at_risk_total": _num(self.at_risk_total),
            "lost_total": _num(self.lost_total),
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()},
            "metrics": {k: v.as_json() for k, v in self.metric_values.items()},
            "units": [{"unit": u.unit, "max_points": _num(u.max_points), "held": _num(u.held),
                       "at_risk": _num(u.at_risk), "lost": _num(u.lost)} for u in self.by_unit()],
        }


def score_report(year: int, today: date | None = None) -> ScoreReport:
    """The year's score tree with every figure of the Chỉ số CCHC page."""
    today = today or date.today()
    with connection.translated_errors():
        index_set = C.require_set(year)
        items = C.criteria_of(index_set)
        unit_order = {id_: (order, name) for id_, order, name
                      in Unit.select(Unit.id, Unit.sort_order, Unit.name).tuples()}
        units = {id_: name for id_, (_order, name) in unit_order.items()}
        assessments = {a.criterion_id: a for a in IndexAssessment.select().join(IndexCriterion)
                       .where(IndexCriterion.index_set == index_set.id)}
        links = list(IndexEvidenceLink.select(IndexEvidenceLink.criterion, IndexEvidenceLink.evidence)
                     .join(IndexCriterion).where(IndexCriterion.index_set == index_set.id).tuples())
        coords: dict[int, list[int]] = defaultdict(list)
        for criterion_id, unit_id in (IndexCriterionUnit.select(IndexCriterionUnit.criterion, IndexCriterionUnit.unit)
                                      .join(IndexCriterion).where(IndexCriterion.index_set == index_set.id).tuples()):
            coords[criterion_id].append(unit_id)
        task_links: dict[int, list[int]] = defaultdict(list)
        for criterion_id, task_id in (IndexCriterionTask.select(IndexCriterionTask.criterion, IndexCriterionTask.task)
                                      .join(IndexCriterion).where(IndexCriterion.index_set == index_set.id).tuples()):
            task_links[criterion_id].append(task_id)
        task_views = _task_views({t for ts in task_links.values() for t in ts}, today)
        period = C.metric_period(index_set, today)
        metric_values = metrics.compute(period, [c.metric for c in items if c.metric])
        last = _last_year(index_set.year)
    evidence_by_criterion: dict[int, set[int]] = defaultdict(set)
    for criterion_id, evidence_id in links:
        evidence_by_criterion[criterion_id].add(evidence_id)
    nodes: dict[int, ScoreNode] = {}
    roots: list[ScoreNode] = []
    for c in items:
        a = assessments.get(c.id)
        node = ScoreNode(
            id=c.id, code=c.code, path=c.path, title=c.title, level=c.level, kind=c.kind, max_points=c.max_points,
            metric=c.metric, unit=units.get(c.unit_id, ""), unit_id=c.unit_id,
            coordinators=tuple(units.get(u, "") for u in coords[c.id]), coordinator_ids=tuple(coords[c.id]),
            guidance=c.guidance, evidence_required=c.evidence_required, score_steps=c.score_steps, bands=c.bands,
            evidence_deadline=c.evidence_deadline, criterion_version=c.version,
            tasks=[task_views[t] for t in task_links[c.id] if t in task_views])
        if a is not None:
            node.self_points, node.appraised_points = a.self_points, a.appraised_points
            node.state = a.state if a.self_points is not None or a.state != "draft" else ""
            node.self_note, node.review_note, node.appraisal_reason = a.self_note, a.review_note, a.appraisal_reason
            node.assessment_version = a.version
        nodes[c.id] = node
        parent = nodes.get(c.parent_id)
        if parent is None:
            roots.append(node)
        else:
            node.parent = parent
            parent.children.append(node)
    for node in (n for root in roots for n in root.walk()):
        if not node.is_leaf:
            continue
        node.evidence_count = len(evidence_by_criterion[node.id])
        if node.metric:
            value = metric_values.get(node.metric)
            node.metric_value = None if value is None or value.value is None else round(value.value, 4)
            known = metrics.metric(node.metric)
            bands = rules.parse_bands(node.bands, percent=known.percent if known else True) if node.bands else ()
            node.computed_points = rules.band_points(bands, None if value is None else value.value)
            top = rules.top_points(bands)
        else:
            top = None
        if last is not None and node.path in last:
            last_max, last_points, last_kind = last[node.path]
            node.last_year_points = last_points
            if last_points is not None:
                node.last_year_lost = rules.leaf_lost(max_points=last_max or 0, kind=last_kind, self_points=None,
                                                      appraised_points=last_points) or None
        node.lost = rules.leaf_lost(max_points=node.max_points or 0, kind=node.kind, self_points=node.self_points,
                                    appraised_points=node.appraised_points)
        if node.appraised_points is None:
            risk = rules.leaf_risk(max_points=node.max_points or 0, kind=node.kind, self_points=node.self_points,
                                   computed_points=node.computed_points, top_band=top,
                                   task_statuses=[t.status for t in node.tasks], evidence_count=node.evidence_count,
                                   evidence_deadline=node.evidence_deadline, today=today, lost=node.lost)
            node.at_risk, node.risk_reasons = risk.points, risk.reasons
        node.red_flag = (node.self_points is not None and abs(node.self_points) > rules.EPSILON
                         and node.kind != "penalty" and node.evidence_count == 0)
    for root in roots:
        _sum_up(root, evidence_by_criterion)
    return ScoreReport(index_set.year, index_set.title, index_set.is_example, index_set.state, roots, metric_values,
                       period, index_set.final_index, last_year=(index_set.year - 1) if last is not None else None,
                       today=today, unit_order=unit_order)


def _sum_up(node: ScoreNode, evidence: dict[int, set[int]]) -> set[int]:
    """Parents' points are their children's sums; their evidence count is the distinct pieces of their
    subtree (one piece serving two sub-criteria counts once). Returns the subtree's evidence ids."""
    if node.is_leaf:
        return evidence.get(node.id, set())
    pieces: set[int] = set()
    for child in node.children:
        pieces |= _sum_up(child, evidence)
    kids = node.children
    node.self_points = rules.sum_known(c.self_points for c in kids)
    node.computed_points = rules.sum_known(c.computed_points for c in kids)
    node.appraised_points = rules.sum_known(c.appraised_points for c in kids)
    node.last_year_points = rules.sum_known(c.last_year_points for c in kids)
    node.last_year_lost = rules.sum_known(c.last_year_lost for c in kids)
    node.at_risk = round(sum(c.at_risk for c in kids), 6)
    node.lost = round(sum(c.lost for c in kids), 6)
    node.red_flag = any(c.red_flag for c in kids)
    node.evidence_count = len(pieces)
    return pieces


def _task_views(task_ids: set[int], today: date) -> dict[int, TaskLink]:
    if not task_ids:
        return {}
    from par_desktop.services.tasks import views as task_views

    return {view.id: TaskLink(view.id, view.ref, view.content, view.status, view.status_label,
                              view.next_due or view.due_date)
            for view in task_views.views_of(task_ids, today)}


def _last_year(year: int) -> dict[str, tuple[float | None, float | None, str]] | None:
    """Last year's leaves by path: (maximum, points — appraised, else self — , kind)."""
    previous = IndexSet.get_or_none(IndexSet.year == year - 1)
    if previous is None:
        return None
    leaves = C.leaf_ids(previous)
    scores = {a.criterion_id: a for a in IndexAssessment.select().join(IndexCriterion)
              .where(IndexCriterion.index_set == previous.id)}
    out = {}
    for c in C.criteria_of(previous):
        if c.id not in leaves:
            continue
        a = scores.get(c.id)
        points = None if a is None else (a.appraised_points if a.appraised_points is not None else a.self_points)
        out[c.path] = (c.max_points, points, c.kind)
    return out
