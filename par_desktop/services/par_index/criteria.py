"""Criteria sets per year: import of the province's table, a new year started from last year's set,
what changed between two years, editing criteria and their responsibilities (unit in charge,
coordinators, evidence deadline, linked plan tasks, automatic metric and bands).

An import runs in one write transaction (all or nothing). Importing a year again updates the set in
place, matching rows by path: scores, evidence and links stay with their criteria; a unit left blank
in the sheet keeps the unit already assigned (so a set started from last year keeps its assignments
when the official table arrives). A criterion that is no longer in the sheet is removed, unless it
already has a score, evidence or linked tasks (then the import is refused, naming it).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from par_desktop.db import connection
from par_desktop.db.changes import SUMMARISED, audit, delete_record, insert_record, row_values, update_record
from par_desktop.db.models import (
    IndexAssessment, IndexCriterion, IndexCriterionTask, IndexCriterionUnit, IndexEvidenceLink, IndexSet, Task,
    Unit,
)
from par_desktop.domain import par_index as rules
from par_desktop.domain.text import fold, nfc, ui_date
from par_desktop.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from par_desktop.services import org
from par_desktop.services.par_index import metrics
from par_desktop.services.session import Actor, require

EXAMPLE_LABEL = "BỘ CHỈ SỐ MINH HỌA — không phải bảng chính thức của tỉnh"


# ---- finding sets and criteria --------------------------------------------------------------------------

def set_for_year(year: int) -> IndexSet | None:
    with connection.translated_errors():
        return IndexSet.get_or_none(IndexSet.year == year)


def require_set(year: int) -> IndexSet:
    index_set = set_for_year(year)
    if index_set is None:
        raise NotFound(f"Chưa có bộ chỉ số CCHC năm {year}: hãy nhập bảng chỉ số của tỉnh "
                       f"(par-desktop index import FILE --year {year}) hoặc tạo từ bộ chỉ số năm trước.")
    return index_set


def years() -> list[int]:
    with connection.translated_errors():
        return [y for (y,) in IndexSet.select(IndexSet.year).order_by(IndexSet.year.desc()).tuples()]


def metric_period(index_set: IndexSet, as_of: date | None = None) -> metrics.MetricPeriod:
    start = index_set.period_start or date(index_set.year, 1, 1)
    end = index_set.period_end or date(index_set.year, 12, 31)
    return metrics.MetricPeriod(start, end, as_of or date.today())


def criteria_of(index_set: IndexSet | int) -> list[IndexCriterion]:
    """The set's criteria in table order."""
    set_id = index_set.id if isinstance(index_set, IndexSet) else index_set
    return list(IndexCriterion.select().where(IndexCriterion.index_set == set_id).order_by(IndexCriterion.position))


def leaf_ids(index_set: IndexSet | int) -> set[int]:
    set_id = index_set.id if isinstance(index_set, IndexSet) else index_set
    parents = {p for (p,) in IndexCriterion.select(IndexCriterion.parent)
               .where((IndexCriterion.index_set == set_id) & IndexCriterion.parent.is_null(False)).tuples()}
    return {i for (i,) in IndexCriterion.select(IndexCriterion.id).where(IndexCriterion.index_set == set_id).tuples()
            if i not in parents}


def find_criterion(year: int, code: str) -> IndexCriterion:
    """A criterion of the year's set by its path ("I.1.1") or its code as written ("1.1.1") when that
    is unambiguous."""
    index_set = require_set(year)
    wanted = rules.normalise_code(code)
    if not wanted:
        raise InvalidInput("Hãy ghi mã tiêu chí (ví dụ 1.1.1).")
    base = IndexCriterion.select().where(IndexCriterion.index_set == index_set.id)
    exact = base.where(IndexCriterion.path == wanted).first()
    if exact is not None:
        return exact
    found = list(base.where(IndexCriterion.code == wanted).order_by(IndexCriterion.position))
    if not found:
        raise NotFound(f"Bộ chỉ số năm {year} không có tiêu chí mã {wanted}.")
    if len(found) > 1:
        raise InvalidInput(f"Mã {wanted} có ở {len(found)} lĩnh vực của bộ chỉ số năm {year}: hãy ghi đủ mã "
                           f"({', '.join(c.path for c in found)}).")
    return found[0]


def is_leaf(criterion: IndexCriterion) -> bool:
    return not IndexCriterion.select().where(IndexCriterion.parent == criterion.id).exists()


# ---- import ---------------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    year: int
    count: int
    warnings: list[str] = field(default_factory=list)
    changes: list[rules.SetChange] = field(default_factory=list)   # against last year's set
    created: bool = True
    compared_with: int | None = None


def import_criteria(actor: Actor, path: str | Path, year: int, *, title: str | None = None,
                    example: bool = False) -> ImportResult:
    """Import the province's criteria table for ``year`` (``index import FILE --year``)."""
    from par_desktop.importers.index_sheet import read_criteria

    require(actor, "index")
    _check_year(year)
    path = Path(path)
    sheet = read_criteria(path)
    parsed = rules.build_set(sheet.rows, metrics.keys(), percent_metrics=metrics.percent_keys(), source=path.name)
    warnings = list(parsed.warnings)
    areas_total = round(sum(c.max_points or 0 for c in parsed.criteria if c.parent_path is None and c.kind == "normal"), 6)
    if sheet.total is not None and not rules.same_points(sheet.total, areas_total):
        warnings.append(f"{path.name}: dòng tổng cộng ghi {rules.vn_points(sheet.total)} điểm nhưng tổng các lĩnh vực là "
                        f"{rules.vn_points(areas_total)} điểm.")
    by_row = {c.row_no: c.path for c in parsed.criteria}
    coordinators = {by_row[r]: text for r, text in sheet.coordinators.items() if r in by_row}
    deadlines = {by_row[r]: day for r, day in sheet.deadlines.items() if r in by_row}
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    set_title = title or _title_from(sheet.title_lines, year)
    return save_parsed(actor, year, parsed, warnings=warnings, coordinators=coordinators, deadlines=deadlines,
                       title=set_title, source_file=path.name, source_sha256=digest, example=example,
                       has_unit_column=any(r.unit_text for r in sheet.rows),
                       has_coordinator_column=bool(sheet.coordinators))


def _title_from(lines: Sequence[str], year: int) -> str:
    """The set's name from the title rows above the header, in sentence case ("BỘ CHỈ SỐ …" → "Bộ chỉ số …")."""
    for line in lines:
        folded = fold(line)
        if "chi so" in folded or "cai cach hanh chinh" in folded or "cchc" in folded:
            text = nfc(line)
            if text.isupper():
                text = text[:1] + text[1:].lower().replace("cchc", "CCHC").replace("ubnd", "UBND")
            return text
    return f"Bộ chỉ số cải cách hành chính năm {year}"


def _check_year(year: int) -> None:
    if not 2000 <= int(year) <= 2100:
        raise InvalidInput(f"Năm {year} không hợp lệ.")


def _unit_and_coordinators(text: str, where: str, warnings: list[str]) -> tuple[int | None, list[int]]:
    """"Văn phòng Sở; Phòng Kế hoạch - Tài chính": the first unit is in charge, the others coordinate."""
    names = org.split_unit_names(text)
    if not names:
        return None, []
    if names == [org.ALL_UNITS]:
        warnings.append(f"{where}: «{nfc(text)}» là nhiều đơn vị; hãy chọn đơn vị chủ trì trong trang Chỉ số CCHC.")
        return None, []
    ids: list[int] = []
    for name in names:
        unit = org.match_unit(name)
        if unit is None:
            warnings.append(f"{where}: không tìm thấy đơn vị «{name}»; hãy giao đơn vị trong trang Chỉ số CCHC.")
        elif unit.id not in ids:
            ids.append(unit.id)
    return (ids[0] if ids else None), ids[1:]


def save_parsed(actor: Actor, year: int, parsed: rules.ParsedSet, *, warnings: list[str] | None = None,
                coordinators: dict[str, str] | None = None, deadlines: dict[str, date] | None = None,
                title: str = "", source_file: str = "", source_sha256: str = "", example: bool = False,
                has_unit_column: bool = True, has_coordinator_column: bool = False) -> ImportResult:
    """Write a checked set for ``year`` in one transaction (new, or updated in place by path)."""
    require(actor, "index")
    warnings = list(warnings if warnings is not None else parsed.warnings)
    coordinators = coordinators or {}
    deadlines = deadlines or {}
    with connection.translated_errors(), connection.write_transaction():
        index_set = IndexSet.get_or_none(IndexSet.year == year)
        created = index_set is None
        if index_set is not None and index_set.state == "locked":
            raise InvalidInput(f"Bộ chỉ số năm {year} đã khóa (đã gửi kết quả tự đánh giá): hãy mở khóa trước khi "
                               "nhập lại bảng chỉ số.")
        values: dict[str, Any] = dict(title=nfc(title) or f"Bộ chỉ số cải cách hành chính năm {year}", source_file=source_file,
                      source_sha256=source_sha256, is_example=example)
        if index_set is None:
            index_set = insert_record(IndexSet, actor.username, year=year, **values)
        else:
            index_set = update_record(IndexSet, index_set.id, None, actor.username, **values)
        existing = {c.path: c for c in criteria_of(index_set)}
        ids: dict[str, int] = {}
        for position, item in enumerate(parsed.criteria):
            where = f"dòng {item.row_no} (mã {item.code})"
            unit_id, coordinator_ids = _unit_and_coordinators(item.unit_text, where, warnings)
            if item.path in coordinators:
                extra = _unit_and_coordinators(coordinators[item.path], where, warnings)
                coordinator_ids += [u for u in [extra[0], *extra[1]] if u is not None and u not in coordinator_ids]
            fields: dict[str, Any] = dict(parent=ids[item.parent_path] if item.parent_path else None, code=item.code,
                          level=item.level, position=position, title=item.title, max_points=item.max_points,
                          written_max=item.written_max, kind=item.kind, guidance=item.guidance,
                          evidence_required=item.evidence_required, unit_text=item.unit_text, metric=item.metric,
                          bands=item.bands, source_row=item.row_no)
            current = existing.pop(item.path, None)
            if current is None:
                fields.update(score_steps=item.steps, unit=unit_id, evidence_deadline=deadlines.get(item.path))
                record = insert_record(IndexCriterion, actor.username, index_set=index_set.id, path=item.path,
                                       **fields)
                _sync_coordinators(actor, record.id, coordinator_ids)
            else:
                if item.guidance != current.guidance or not current.score_steps:
                    fields["score_steps"] = item.steps
                if unit_id is not None or (has_unit_column and item.unit_text):
                    fields["unit"] = unit_id
                if item.path in deadlines:
                    fields["evidence_deadline"] = deadlines[item.path]
                record = update_record(IndexCriterion, current.id, None, actor.username, **fields)
                if has_coordinator_column or coordinator_ids:
                    _sync_coordinators(actor, record.id, coordinator_ids)
            ids[item.path] = record.id
        if existing:
            _remove_missing(actor, year, list(existing.values()))
        audit(actor.username, "import", "index_set", index_set.id, "criteria", None,
              f"{source_file or 'bảng chỉ số'}: {len(parsed.criteria)} tiêu chí")
    previous = set_for_year(year - 1)
    changes = compare_years(year - 1, year) if previous is not None else []
    return ImportResult(year, len(parsed.criteria), warnings, changes, created,
                        previous.year if previous is not None else None)


def _remove_missing(actor: Actor, year: int, gone: list[IndexCriterion]) -> None:
    ids = [c.id for c in gone]
    used: set[int] = set()
    for model, column in ((IndexEvidenceLink, IndexEvidenceLink.criterion), (IndexCriterionTask, IndexCriterionTask.criterion)):
        used.update(i for (i,) in model.select(column).where(column.in_(ids)).tuples())
    used.update(i for (i,) in IndexAssessment.select(IndexAssessment.criterion).where(
        IndexAssessment.criterion.in_(ids) & (IndexAssessment.self_points.is_null(False)
                                              | IndexAssessment.appraised_points.is_null(False))).tuples())
    if used:
        codes = ", ".join(c.path for c in gone if c.id in used)
        raise InvalidInput(f"Bảng mới không còn các tiêu chí {codes} của bộ chỉ số năm {year}, nhưng các tiêu chí này "
                           "đã có điểm, tài liệu kiểm chứng hoặc nhiệm vụ liên kết. Hãy chuyển hoặc xóa chúng trong "
                           "trang Chỉ số CCHC trước khi nhập lại; chưa có gì thay đổi.")
    for criterion in sorted(gone, key=lambda c: -c.level):
        record = IndexCriterion.get_or_none(IndexCriterion.id == criterion.id)
        if record is not None:
            delete_record(record, actor.username)


def _sync_coordinators(actor: Actor, criterion_id: int, unit_ids: Sequence[int]) -> None:
    current = {u for (u,) in IndexCriterionUnit.select(IndexCriterionUnit.unit)
               .where(IndexCriterionUnit.criterion == criterion_id).tuples()}
    wanted = list(dict.fromkeys(unit_ids))
    for unit_id in wanted:
        if unit_id not in current:
            IndexCriterionUnit.create(criterion=criterion_id, unit=unit_id)
            audit(actor.username, "insert", "index_criterion_unit", criterion_id, "unit", None, unit_id)
    gone = current - set(wanted)
    if gone:
        IndexCriterionUnit.delete().where((IndexCriterionUnit.criterion == criterion_id)
                                          & IndexCriterionUnit.unit.in_(list(gone))).execute()
        for unit_id in gone:
            audit(actor.username, "delete", "index_criterion_unit", criterion_id, "unit", unit_id, None)


# ---- a new year from last year's set -------------------------------------------------------------------

def copy_from_previous(actor: Actor, year: int, from_year: int | None = None) -> ImportResult:
    """Start ``year``'s set as a copy of ``from_year``'s (default the year before): the criteria, their
    units, coordinators, metrics, bands and score steps, evidence deadlines moved on by the years between.
    Scores, evidence and task links stay with the old year. Refused when ``year`` already has a set."""
    require(actor, "index")
    _check_year(year)
    from_year = from_year or year - 1
    with connection.translated_errors(), connection.write_transaction():
        source = IndexSet.get_or_none(IndexSet.year == from_year)
        if source is None:
            raise NotFound(f"Không có bộ chỉ số năm {from_year} để sao chép.")
        if IndexSet.select().where(IndexSet.year == year).exists():
            raise InvalidInput(f"Đã có bộ chỉ số năm {year}; hãy sửa bộ đó hoặc nhập lại bảng chỉ số của tỉnh.")
        target = insert_record(IndexSet, actor.username, year=year,
                               title=_next_title(source.title, from_year, year), is_example=source.is_example,
                               based_on_year=from_year, source_file=f"sao chép từ năm {from_year}")
        shift = year - from_year
        ids: dict[int, int] = {}
        old = criteria_of(source)
        coords = defaultdict(list)
        for criterion_id, unit_id in IndexCriterionUnit.select(IndexCriterionUnit.criterion, IndexCriterionUnit.unit).where(
                IndexCriterionUnit.criterion.in_([c.id for c in old])).tuples():
            coords[criterion_id].append(unit_id)
        for c in old:
            deadline = _shift_year(c.evidence_deadline, shift)
            record = IndexCriterion.create(
                index_set=target.id, parent=ids.get(c.parent_id), code=c.code, path=c.path, level=c.level,
                position=c.position, title=c.title, max_points=c.max_points, written_max=c.written_max, kind=c.kind,
                guidance=c.guidance, evidence_required=c.evidence_required, score_steps=c.score_steps, unit=c.unit_id,
                unit_text=c.unit_text, metric=c.metric, bands=c.bands, evidence_deadline=deadline,
                source_row=c.source_row)
            ids[c.id] = record.id
            for unit_id in coords[c.id]:
                IndexCriterionUnit.create(criterion=record.id, unit=unit_id)
        audit(actor.username, "insert", "index_set", target.id, "criteria", None,
              f"sao chép {len(old)} tiêu chí từ bộ chỉ số năm {from_year}")
    return ImportResult(year, len(old), [], [], True, from_year)


def _next_title(title: str, old: int, new: int) -> str:
    return title.replace(str(old), str(new)) if str(old) in title else f"Bộ chỉ số cải cách hành chính năm {new}"


def _shift_year(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:   # 29/02
        return day.replace(year=day.year + years, day=28)


def compare_years(old_year: int, new_year: int) -> list[rules.SetChange]:
    """What changed from ``old_year``'s set to ``new_year``'s (added, removed, maxima, wording …)."""
    def rows(year: int) -> list[rules.CompareRow]:
        index_set = require_set(year)
        return [rules.CompareRow(c.path, c.code, c.title, c.max_points, c.kind, c.guidance, c.metric,
                                 c.evidence_required) for c in criteria_of(index_set)]

    with connection.translated_errors():
        return rules.compare_sets(rows(old_year), rows(new_year))


# ---- editing --------------------------------------------------------------------------------------------

_EDITABLE = {"title", "max_points", "guidance", "evidence_required", "score_steps", "unit_id", "coordinator_ids",
             "metric", "bands", "evidence_deadline", "task_ids", "kind", "code"}


def _open_set(criterion: IndexCriterion) -> IndexSet:
    index_set = IndexSet.get_by_id(criterion.index_set_id)
    if index_set.state == "locked":
        raise InvalidInput(f"Bộ chỉ số năm {index_set.year} đã khóa (đã gửi kết quả tự đánh giá); hãy mở khóa trước.")
    return index_set


def update_criterion(actor: Actor, criterion_id: int, expected_version: int | None, **changes) -> IndexCriterion:
    """Edit a criterion (the Office): wording, maximum (a leaf's), score steps, unit in charge and
    coordinators, evidence deadline, automatic metric and bands, linked plan tasks. Checked as an
    import row would be; parents' maxima follow a leaf's."""
    require(actor, "index")
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with connection.translated_errors(), connection.write_transaction():
        criterion = IndexCriterion.get_or_none(IndexCriterion.id == criterion_id)
        if criterion is None:
            raise NotFound("Tiêu chí không còn tồn tại (có thể người khác vừa xóa).")
        if expected_version is not None and criterion.version != expected_version:   # before any other change
            raise ConflictError("Tiêu chí đã được người khác sửa sau khi bạn mở. Hãy tải lại rồi thử lại.",
                                current=row_values(criterion), table="index_criterion", record_id=str(criterion.id))
        _open_set(criterion)
        leaf = is_leaf(criterion)
        values: dict = {}
        where = f"Tiêu chí {criterion.path}"
        if "title" in changes:
            values["title"] = nfc(changes["title"])
            if not values["title"]:
                raise InvalidInput(f"{where}: nội dung không được để trống.")
        if "code" in changes:
            code = rules.normalise_code(changes["code"])
            if code != criterion.code:
                raise InvalidInput(f"{where}: không đổi mã của tiêu chí đã có; hãy thêm tiêu chí mới rồi xóa tiêu chí cũ.")
        kind = changes.get("kind", criterion.kind)
        if kind not in rules.KINDS:
            raise InvalidInput(f"{where}: loại «{kind}» không hợp lệ.")
        values["kind"] = kind
        max_points = criterion.max_points
        if "max_points" in changes:
            if not leaf:
                raise InvalidInput(f"{where}: điểm tối đa của tiêu chí có tiêu chí con là tổng các tiêu chí con.")
            max_points = rules.parse_points(changes["max_points"], where=f"{where}, điểm tối đa")
            if max_points is None:
                raise InvalidInput(f"{where}: thiếu điểm tối đa.")
            values["max_points"] = max_points
        if kind == "penalty" and max_points is not None and max_points > rules.EPSILON:
            raise InvalidInput(f"{where}: mục trừ điểm phải có điểm tối đa là số âm (ví dụ -{rules.vn_points(max_points)}).")
        if kind != "penalty" and max_points is not None and max_points < -rules.EPSILON:
            raise InvalidInput(f"{where}: điểm tối đa âm chỉ dùng cho mục trừ điểm.")
        for name in ("guidance", "evidence_required"):
            if name in changes:
                values[name] = "\n".join(nfc(line) for line in str(changes[name] or "").splitlines() if nfc(line))
        if "score_steps" in changes:
            steps = rules.parse_steps(changes["score_steps"] or "", where=f"{where}, mức điểm")
            values["score_steps"] = steps.text()
        metric = nfc(changes.get("metric", criterion.metric)).lower()
        bands_text = changes.get("bands", criterion.bands) or ""
        chosen = metrics.metric(metric) if metric else None
        if metric and chosen is None:
            raise InvalidInput(f"{where}: không có chỉ tiêu tự tính «{metric}».")
        if metric and not leaf:
            raise InvalidInput(f"{where}: chỉ tiêu tự tính chỉ gắn với tiêu chí không có tiêu chí con.")
        if chosen is not None:
            if not nfc(bands_text):
                raise InvalidInput(f"{where}: chỉ tiêu tự tính cần thang điểm (ví dụ «≥100%: 1; ≥90%: 0,5; còn lại: 0»).")
            percent = chosen.percent
            bands = rules.parse_bands(bands_text, max_points=abs(max_points or 0), percent=percent, where=where)
            values["bands"] = rules.bands_text(bands, "%" if percent else "")
        elif nfc(bands_text):
            raise InvalidInput(f"{where}: có thang điểm nhưng chưa chọn chỉ tiêu tự tính.")
        else:
            values["bands"] = ""
        values["metric"] = metric
        if "unit_id" in changes:
            unit_id = changes["unit_id"]
            if unit_id is not None and Unit.get_or_none(Unit.id == unit_id) is None:
                raise NotFound(f"Không còn đơn vị số {unit_id}.")
            values["unit"] = unit_id
        if "evidence_deadline" in changes:
            values["evidence_deadline"] = changes["evidence_deadline"]
        criterion = update_record(IndexCriterion, criterion.id, expected_version, actor.username, **values)
        if "coordinator_ids" in changes:
            ids = [int(i) for i in changes["coordinator_ids"] if int(i) != criterion.unit_id]
            known = {u for (u,) in Unit.select(Unit.id).where(Unit.id.in_(ids)).tuples()}
            if missing := [i for i in ids if i not in known]:
                raise NotFound(f"Không còn đơn vị số {missing[0]}.")
            _sync_coordinators(actor, criterion.id, ids)
        if "task_ids" in changes:
            _sync_tasks(actor, criterion, [int(i) for i in changes["task_ids"]])
        if "max_points" in changes or "kind" in changes:
            _recompute_maxima(actor, criterion.index_set_id)
        return IndexCriterion.get_by_id(criterion.id)


def _sync_tasks(actor: Actor, criterion: IndexCriterion, task_ids: list[int]) -> None:
    wanted = list(dict.fromkeys(task_ids))
    known = {t for (t,) in Task.select(Task.id).where(Task.id.in_(wanted)).tuples()}
    if missing := [i for i in wanted if i not in known]:
        raise NotFound(f"Không còn nhiệm vụ số {missing[0]}.")
    current = {t for (t,) in IndexCriterionTask.select(IndexCriterionTask.task)
               .where(IndexCriterionTask.criterion == criterion.id).tuples()}
    refs = dict(Task.select(Task.id, Task.ref).where(Task.id.in_(list(current | set(wanted)))).tuples())
    for task_id in wanted:
        if task_id not in current:
            IndexCriterionTask.create(criterion=criterion.id, task=task_id)
            audit(actor.username, "insert", "index_criterion_task", criterion.id, "task", None, refs.get(task_id))
    gone = current - set(wanted)
    if gone:
        IndexCriterionTask.delete().where((IndexCriterionTask.criterion == criterion.id)
                                          & IndexCriterionTask.task.in_(list(gone))).execute()
        for task_id in gone:
            audit(actor.username, "delete", "index_criterion_task", criterion.id, "task", refs.get(task_id), None)


def link_tasks(actor: Actor, year: int, code: str, task_refs: Sequence[str]) -> IndexCriterion:
    """Link plan tasks (by ref, e.g. "III.B.2", in the year's plans) to a criterion, added to its links."""
    require(actor, "index")
    criterion = find_criterion(year, code)
    from par_desktop.db.models import Plan

    ids = []
    for ref in task_refs:
        ref = nfc(ref).upper().replace(" ", "")
        task = (Task.select().join(Plan).where((Task.ref == ref) & (Plan.year == year)).order_by(Task.id).first())
        if task is None:
            raise NotFound(f"Kế hoạch năm {year} không có nhiệm vụ số {ref}.")
        ids.append(task.id)
    current = [t for (t,) in IndexCriterionTask.select(IndexCriterionTask.task)
               .where(IndexCriterionTask.criterion == criterion.id).tuples()]
    return update_criterion(actor, criterion.id, None, task_ids=[*current, *ids])


def _recompute_maxima(actor: Actor, set_id: int) -> None:
    """A parent's maximum is its children's sum (of its own kind)."""
    items = criteria_of(set_id)
    children: dict[int, list[IndexCriterion]] = defaultdict(list)
    for c in items:
        if c.parent_id is not None:
            children[c.parent_id].append(c)
    totals: dict[int, float | None] = {}
    for c in sorted(items, key=lambda c: -c.level):
        if children[c.id]:
            same = [totals.get(k.id, k.max_points) for k in children[c.id] if k.kind == c.kind]
            totals[c.id] = round(sum(v or 0 for v in same), 6)
    for c in items:
        if c.id in totals and not rules.same_points(totals[c.id], c.max_points):
            update_record(IndexCriterion, c.id, None, actor.username, max_points=totals[c.id])


def add_criterion(actor: Actor, year: int, *, code: str, title: str, max_points=None, parent_id: int | None = None,
                  kind: str | None = None) -> IndexCriterion:
    """Add a criterion by hand (under ``parent_id``, or as an area); placed after its parent's subtree."""
    require(actor, "index")
    with connection.translated_errors(), connection.write_transaction():
        index_set = require_set(year)
        if index_set.state == "locked":
            raise InvalidInput(f"Bộ chỉ số năm {year} đã khóa; hãy mở khóa trước.")
        code = rules.normalise_code(code)
        shape = rules.code_shape(code)
        if not shape:
            raise InvalidInput(f"Mã «{code}» không đúng dạng (I, II … hoặc 1, 1.1, 1.1.1).")
        title = nfc(title)
        if not title:
            raise InvalidInput("Nội dung tiêu chí không được để trống.")
        parent = IndexCriterion.get_or_none(IndexCriterion.id == parent_id) if parent_id is not None else None
        if parent_id is not None and (parent is None or parent.index_set_id != index_set.id):
            raise NotFound("Tiêu chí cha không còn tồn tại.")
        roman_scope = parent is not None and rules.code_shape(parent.path.split(".")[0]) == "roman"
        path = f"{parent.path.split('.')[0]}.{code}" if parent is not None and roman_scope and shape == "numeric" else code
        if IndexCriterion.select().where((IndexCriterion.index_set == index_set.id) & (IndexCriterion.path == path)).exists():
            raise InvalidInput(f"Bộ chỉ số năm {year} đã có tiêu chí mã {code}.")
        kind = kind or (parent.kind if parent is not None else "normal")
        points = rules.parse_points(max_points, where=f"Tiêu chí {code}, điểm tối đa")
        if points is None:
            raise InvalidInput(f"Tiêu chí {code}: thiếu điểm tối đa.")
        if kind == "penalty" and points > rules.EPSILON:
            raise InvalidInput(f"Tiêu chí {code}: mục trừ điểm phải có điểm tối đa là số âm (ví dụ -{rules.vn_points(points)}).")
        items = criteria_of(index_set)
        position = len(items)
        if parent is not None:
            subtree = _subtree_ids(items, parent.id)
            position = max(c.position for c in items if c.id in subtree) + 1
            moved = [c for c in items if c.position >= position]
            for c in moved:
                update_record(IndexCriterion, c.id, None, actor.username, audit_as=SUMMARISED, position=c.position + 1)
            if moved:
                audit(actor.username, "update", "index_criterion", parent.id, "position", None,
                      f"{len(moved)} tiêu chí dời xuống sau tiêu chí mới {code}")
        record = insert_record(IndexCriterion, actor.username, index_set=index_set.id, parent=parent.id if parent else None,
                               code=code, path=path, level=(parent.level + 1) if parent else 0, position=position,
                               title=title, max_points=points, kind=kind)
        _recompute_maxima(actor, index_set.id)
        return record


def _subtree_ids(items: Sequence[IndexCriterion], root_id: int) -> set[int]:
    children = defaultdict(list)
    for c in items:
        children[c.parent_id].append(c.id)
    out, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        out.add(current)
        stack.extend(children[current])
    return out


def delete_criterion(actor: Actor, criterion_id: int, expected_version: int | None) -> None:
    """Delete a criterion with its sub-criteria, their scores and evidence links (after the clerk confirmed)."""
    require(actor, "index")
    with connection.translated_errors(), connection.write_transaction():
        criterion = IndexCriterion.get_or_none(IndexCriterion.id == criterion_id)
        if criterion is None:
            return
        if expected_version is not None and criterion.version != expected_version:
            raise ConflictError("Tiêu chí đã được người khác sửa sau khi bạn mở. Hãy tải lại rồi thử lại.",
                                current=row_values(criterion), table="index_criterion", record_id=str(criterion.id))
        _open_set(criterion)
        delete_record(criterion, actor.username)
        _recompute_maxima(actor, criterion.index_set_id)


def update_set(actor: Actor, year: int, expected_version: int | None = None, **changes) -> IndexSet:
    """The set's title, metric period, and the final index the province published."""
    require(actor, "index")
    allowed = {"title", "period_start", "period_end", "final_index", "final_note"}
    if unknown := set(changes) - allowed:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with connection.translated_errors(), connection.write_transaction():
        index_set = require_set(year)
        values = dict(changes)
        if "title" in values:
            values["title"] = nfc(values["title"])
        start = values.get("period_start", index_set.period_start)
        end = values.get("period_end", index_set.period_end)
        if start and end and end < start:
            raise InvalidInput(f"Kỳ tính chỉ tiêu không hợp lệ: {ui_date(end)} trước {ui_date(start)}.")
        if "final_index" in values and values["final_index"] is not None:
            value = rules.parse_points(values["final_index"], where="Chỉ số CCHC")
            if value is None or not 0 <= value <= 100:
                raise InvalidInput("Chỉ số CCHC phải từ 0 đến 100 (%).")
            values["final_index"] = value
        return update_record(IndexSet, index_set.id, expected_version, actor.username, **values)


def can_score(actor: Actor, criterion: IndexCriterion) -> bool:
    """Whether the actor may self-score the criterion: the Office always, a unit on its own rows."""
    if actor.can("index"):
        return True
    return actor.can("index_self") and criterion.unit_id is not None and criterion.unit_id == actor.unit_id


def require_scorer(actor: Actor, criterion: IndexCriterion) -> None:
    require(actor, "index_self")
    if not can_score(actor, criterion):
        unit = Unit.get_or_none(Unit.id == criterion.unit_id) if criterion.unit_id else None
        owner = f"do {unit.name} chủ trì" if unit else "chưa giao đơn vị"
        raise PermissionDenied(f"Tài khoản {actor.username} chỉ được chấm điểm tiêu chí của đơn vị mình; tiêu chí "
                               f"{criterion.path} {owner}.")


def can_attach(actor: Actor, criterion: IndexCriterion) -> bool:
    """Evidence: the Office, the unit in charge and the coordinating units."""
    if can_score(actor, criterion):
        return True
    if not actor.can("index_self") or actor.unit_id is None:
        return False
    return IndexCriterionUnit.select().where((IndexCriterionUnit.criterion == criterion.id)
                                             & (IndexCriterionUnit.unit == actor.unit_id)).exists()
