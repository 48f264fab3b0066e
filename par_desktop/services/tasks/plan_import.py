"""Importing a plan's appendix (all or nothing, in one transaction; see the package docstring)."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from par_desktop.db import connection
from par_desktop.db.changes import audit, insert_record, update_record
from par_desktop.db.models import Plan, Task, Unit
from par_desktop.domain.deadlines import Deadline, parse_deadline
from par_desktop.domain.text import fold, nfc, unit_key
from par_desktop.errors import InvalidInput, NotFound
from par_desktop.importers.plan_rows import PlanDocument, PlanTaskRow, year_from_deadlines
from par_desktop.services import org
from par_desktop.services.session import Actor, require
from par_desktop.services.tasks.links import dedupe, sync_units
from par_desktop.services.tasks.obligations import create_plan_obligations
from par_desktop.services.tasks.occurrences import ensure_occurrences

ALL = org.ALL_UNITS


def read_plan_file(path: str | Path) -> PlanDocument:
    """The plan in a .docx or .xlsx file (InvalidInput naming the file and row when it cannot be read)."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"Không tìm thấy tệp «{path}».")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from par_desktop.importers.plan_docx import read_plan_docx

        return read_plan_docx(path)
    if suffix in (".xlsx", ".xlsm"):
        from par_desktop.importers.plan_xlsx import read_plan_xlsx

        return read_plan_xlsx(path)
    hint = {".doc": " Hãy mở bằng Word và lưu lại dạng .docx.",
            ".xls": " Hãy mở bằng Excel và lưu lại dạng .xlsx."}.get(suffix, "")
    raise InvalidInput(f"Tệp «{path.name}»: chỉ nhập được kế hoạch từ tệp Word (.docx) hoặc Excel (.xlsx).{hint}")


def plan_year(document: PlanDocument, year: int | None = None) -> int:
    """The plan's year: as given, else as its title states it, else the year its deadlines name most."""
    chosen = year or document.year_hint or year_from_deadlines(document.tasks)
    if chosen is None:
        raise document.error(None, "không xác định được năm của kế hoạch (tiêu đề không ghi “năm …”, các thời "
                                   "hạn cũng không ghi năm). Hãy chọn năm khi nhập (--year).")
    if not 2000 <= chosen <= 2100:
        raise InvalidInput(f"Năm kế hoạch {chosen} không hợp lệ.")
    return chosen


def _unit_cell_names(cell: str) -> list[str]:
    """Unit names in a lead/coordinating cell; one per line too, unless a line clearly continues."""
    text = nfc(cell.replace("\n", " "))
    if not text:
        return []
    if org.is_all_units(text):
        return [ALL]
    pieces: list[str] = []
    for line in cell.split("\n"):
        line = nfc(line)
        if pieces and re.search(r"(?:[-–—]|\bvà)$", pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {line}"
        elif line:
            pieces.append(line)
    return [name for piece in pieces for name in org.split_unit_names(piece)]


def _best_spelling(names: Iterable[str]) -> str:
    """The best-written of several spellings of one unit ("Phòng Kế hoạch - Tài chính" over "Phòng Kế
    hoạch tài chính" and "phòng kế hoạch – Tài chính"), with "Phòng" added when a variant had it."""
    names = list(dict.fromkeys(nfc(n) for n in names))

    def score(name: str) -> tuple:
        return (name[:1].isupper(), fold(name).startswith(("phong ", "van phong")), bool(re.search(r"[-–]", name)),
                sum(ch.isupper() for ch in name), len(name))

    best = max(names, key=score)
    if not fold(best).startswith(("phong ", "van phong")) and any(fold(n).startswith("phong ") for n in names):
        best = f"Phòng {best[:1].upper()}{best[1:]}" if best[:1].isupper() else f"Phòng {best}"
    return best[:1].upper() + best[1:]


def unknown_unit_names(document: PlanDocument) -> list[str]:
    """Unit names in the file that match no unit (one best spelling per unit), to ask the clerk about."""
    groups: dict[str, list[str]] = {}
    for task in document.tasks:
        for name in _unit_cell_names(task.lead) + _unit_cell_names(task.coordinating):
            if name != ALL and org.match_unit(name) is None:
                groups.setdefault(unit_key(name), []).append(name)
    return [_best_spelling(names) for names in groups.values()]


@dataclass
class ImportResult:
    plan_id: int
    year: int
    task_count: int                  # tasks in the file
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    created_units: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Planned:
    row: PlanTaskRow
    deadline: Deadline
    lead: list[str]
    coordinating: list[str]
    position: int


def plan_number_key(text: str) -> str:
    """"38 /KH-LĐTĐ&XH", "38/kh-lđtđ&xh" -> one key: a plan is identified by its number, not its year."""
    return fold(text).replace(" ", "")


def normalise_plan_number(text: str) -> tuple[int | None, str]:
    """(38, "38/KH-SLĐTBXH") from a number as a clerk types it ("38 / KH-SLĐTBXH", "Số: 38/KH-…")."""
    raw = nfc(text)
    raw = re.sub(r"^(?:số|so)\s*:?\s*", "", raw, flags=re.IGNORECASE)
    raw = re.sub(r"\s*/\s*", "/", raw).replace(" ", "")
    match = re.match(r"0*(\d{1,4})/(\S+)$", raw)
    if match is None:
        raise InvalidInput(f"Số kế hoạch «{nfc(text)}» không đúng dạng «38/KH-SLĐTBXH».")
    return int(match.group(1)), f"{int(match.group(1))}/{match.group(2)}"


def org_offer(document: PlanDocument) -> org.OrgNames | None:
    """The organisation's names as the plan's header states them, offered while the database has none:
    "UBND TỈNH BẮC GIANG" / "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" / "Bắc Giang" give the names in running
    text ("Sở Lao động - Thương binh và Xã hội") and the abbreviation of document numbers ("SLĐTBXH")."""
    if not (document.governing_body and document.agency) or org.has_org_names():
        return None
    running = _sentence_case(document.agency)
    initials = "".join(word[0].upper() for word in running.replace("-", " ").split() if fold(word) != "va")
    return org.OrgNames(governing_body=document.governing_body, agency_name=document.agency, agency_short=running,
                        agency_abbr=initials, place_name=document.place or "", office_unit_code="VP")


def _sentence_case(upper: str) -> str:
    """"SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" -> "Sở Lao động - Thương binh và Xã hội": each name after
    "Sở", a dash or "và" starts with a capital, the rest in lower case."""
    words = nfc(upper).lower().split(" ")
    out = []
    for index, word in enumerate(words):
        before = fold(words[index - 1]) if index else ""
        capital = index == 0 or before in ("so", "-", "va", "ban", "ubnd") or word == "-"
        out.append(word[:1].upper() + word[1:] if capital else word)
    return " ".join(out)


def plan_by_number(number: str) -> Plan:
    key = plan_number_key(normalise_plan_number(number)[1])
    plan = next((p for p in Plan.select().order_by(Plan.id) if p.number_text and plan_number_key(p.number_text) == key),
                None)
    if plan is None:
        known = ", ".join(p.number_text for p in Plan.select().order_by(Plan.year, Plan.id) if p.number_text)
        raise NotFound(f"Không có kế hoạch số {nfc(number)}." + (f" Các kế hoạch đã có: {known}." if known else ""))
    return plan


def import_plan(actor: Actor, source: str | Path | PlanDocument, year: int | None = None, *,
                unit_choices: dict[str, int | None] | None = None, with_obligations: bool = False,
                progress: Callable[[int, int, str], None] | None = None, number: str | None = None) -> ImportResult:
    """Import a plan's appendix tasks (all or nothing, in one transaction).

    The plan is identified by its number — ``number`` when given (a clerk's correction of a misprinted
    number), else the one the file states: the same number again updates that plan (and changes nothing
    when nothing changed); another number is another plan, even of the same year, whose tasks are never
    touched. A number already used by a plan of another year is refused.

    ``unit_choices`` maps a name from ``unknown_unit_names`` to an existing unit's id (remembered as an
    alias of that unit) or to None (create a unit with that name); names not in it are created, with a
    warning (the command line's behaviour). ``with_obligations`` also adds the plan text's obligations.
    """
    require(actor, "import")
    require(actor, "tasks")
    document = source if isinstance(source, PlanDocument) else read_plan_file(source)
    sha = hashlib.sha256(Path(source).read_bytes()).hexdigest() if not isinstance(source, PlanDocument) else ""
    if not document.tasks:
        raise document.error(None, "bảng phụ lục không có nhiệm vụ nào (các dòng đánh số 1, 2, 3…).")
    if number:
        plan_number, number_text = normalise_plan_number(number)
        document = dataclasses.replace(document, number=plan_number, number_text=number_text)
    the_year = plan_year(document, year)
    planned = _planned(document, the_year)
    choices = {unit_key(name): unit_id for name, unit_id in (unit_choices or {}).items()}
    best = _best_spellings(planned)
    result = ImportResult(plan_id=0, year=the_year, task_count=len(planned))
    total = len(planned)
    with connection.translated_errors(), connection.write_transaction():
        resolve = _UnitResolver(actor, choices, best, result)
        plan = _upsert_plan(actor, document, the_year)
        result.plan_id = plan.id
        existing = {t.ref: t for t in Task.select().where((Task.plan == plan.id) & (Task.kind != "obligation"))}
        # Units first: a task owed by every unit needs every unit of the file to exist already.
        unit_ids = [([resolve(n) for n in item.lead if n != ALL], [resolve(n) for n in item.coordinating if n != ALL])
                    for item in planned]
        changed_any = False
        for done, (item, (lead_ids, coord_ids)) in enumerate(zip(planned, unit_ids), start=1):
            if not item.lead:
                result.warnings.append(f"nhiệm vụ {item.row.ref} ({item.row.location}) chưa ghi đơn vị chủ trì.")
            task, state = _upsert_task(actor, plan, existing.get(item.row.ref), item)
            links_changed = sync_units(actor, task, dedupe(lead_ids), dedupe(coord_ids))
            occs_changed = ensure_occurrences(actor, task)
            if state == "created":
                result.created += 1
            elif state == "updated" or links_changed or occs_changed:
                result.updated += 1
            else:
                result.unchanged += 1
            changed_any = changed_any or state != "unchanged" or links_changed or occs_changed
            if progress:
                progress(done, total, item.row.ref)
        file_refs = {item.row.ref for item in planned}
        for ref in sorted(set(existing) - file_refs):
            if existing[ref].plan_id == plan.id and existing[ref].kind == "appendix":
                result.warnings.append(f"nhiệm vụ {ref} đã có trong dữ liệu nhưng không còn trong tệp; "
                                       "giữ nguyên, hãy kiểm tra lại.")
        if changed_any and sha and plan.source_sha256 != sha:
            update_record(Plan, plan.id, None, actor.username, source_file=document.source, source_sha256=sha)
        if changed_any:
            audit(actor.username, "import", "plan", plan.id, "source", None,
                  f"{document.source}: {result.created} mới, {result.updated} cập nhật")
    if with_obligations:
        create_plan_obligations(actor, plan.id)
    return result


def _planned(document: PlanDocument, year: int) -> list[_Planned]:
    """The file's tasks with their deadlines read for ``year`` and their unit names split (row errors named).
    Task references are unique within a plan: a reference twice in the file is refused."""
    seen_refs: dict[str, PlanTaskRow] = {}
    for row in document.tasks:
        if row.ref in seen_refs:
            raise document.error(row, f"số hiệu {row.ref} trùng với {seen_refs[row.ref].location}; mỗi nhiệm vụ "
                                      "trong một kế hoạch cần một số hiệu riêng.")
        seen_refs[row.ref] = row
    planned = []
    for position, row in enumerate(document.tasks):
        try:
            deadline = parse_deadline(row.deadline_text, year)
        except InvalidInput as exc:
            raise document.error(row, exc.message) from None
        planned.append(_Planned(row, deadline, _unit_cell_names(row.lead), _unit_cell_names(row.coordinating),
                                position))
    return planned


def _best_spellings(planned: list[_Planned]) -> dict[str, str]:
    """For each unit met in the file (by ``unit_key``), its best-written name."""
    spellings: dict[str, list[str]] = defaultdict(list)
    for item in planned:
        for name in item.lead + item.coordinating:
            if name != ALL:
                spellings[unit_key(name)].append(name)
    return {key: _best_spelling(names) for key, names in spellings.items()}


class _UnitResolver:
    """Unit names of the file -> unit ids, creating or aliasing per the clerk's choices (in the import's
    transaction, so a failed import leaves no new unit behind)."""

    def __init__(self, actor: Actor, choices: dict[str, int | None], best: dict[str, str], result: ImportResult):
        self.actor, self.choices, self.best, self.result = actor, choices, best, result
        self.cache: dict[str, int] = {}

    def __call__(self, name: str) -> int:
        key = unit_key(name)
        if key in self.cache:
            return self.cache[key]
        unit = org.match_unit(name)
        if unit is None:
            chosen = self.choices.get(key)
            if chosen is not None:
                unit = Unit.get_or_none(Unit.id == chosen)
                if unit is None:
                    raise NotFound(f"Đơn vị được chọn cho «{name}» không còn tồn tại.")
                org.add_alias(self.actor, unit, name)
            else:
                unit = self._create(self.best.get(key, name), asked=key in self.choices)
        self.cache[key] = unit.id
        return unit.id

    def _create(self, name: str, asked: bool) -> Unit:
        office = fold(name) in ("van phong so", "van phong")
        kwargs = {"kind": "office"} if office else {}
        if office and Unit.get_or_none(Unit.short_code == "VP") is None:
            kwargs["short_code"] = "VP"
        order = (Unit.select().count() or 0)
        unit = org.create_unit(self.actor, name, sort_order=order, **kwargs)
        self.result.created_units.append(unit.name)
        if not asked:
            self.result.warnings.append(f"đã tạo đơn vị mới «{unit.name}» (mã {unit.short_code}) vì tên này chưa "
                                        "khớp đơn vị nào; nếu là tên khác của một đơn vị đã có, hãy gộp lại trong "
                                        "Danh mục → Đơn vị.")
        return unit


def _upsert_plan(actor: Actor, document: PlanDocument, year: int) -> Plan:
    """The plan this file belongs to. With a number: the plan of that number (of any year — a number of
    another year's plan is refused), else a new plan. Without one: the plan of that year with the same
    title, else the year's only plan, else a new plan. Existing plans only get the
    facts they lack (a title typed by a clerk is not replaced by an Excel sheet's heading)."""
    plan = None
    if document.number_text:
        key = plan_number_key(document.number_text)
        same = [p for p in Plan.select().order_by(Plan.id) if p.number_text and plan_number_key(p.number_text) == key]
        if same and same[0].year != year:
            raise InvalidInput(f"Tệp «{document.source}»: số kế hoạch {document.number_text} đã là số của kế hoạch năm "
                               f"{same[0].year} («{same[0].title[:80]}»), tệp này là kế hoạch năm {year}. Hãy ghi "
                               "đúng số của kế hoạch (--number) hoặc năm (--year).")
        plan = same[0] if same else None
    else:   # a file that states no number (an Excel appendix): the year's plan of that title, or its only plan
        candidates = list(Plan.select().where(Plan.year == year).order_by(Plan.id))
        plan = (next((p for p in candidates if document.title and fold(p.title) == fold(document.title)), None)
                or (candidates[0] if len(candidates) == 1 else None))
    title = document.title or f"Kế hoạch năm {year}"
    if plan is None:
        return insert_record(Plan, actor.username, year=year, title=title, number=document.number,
                             number_text=document.number_text, issued_on=document.issued_on,
                             source_file=document.source)
    missing: dict[str, Any] = {}
    if not plan.title and document.title:
        missing["title"] = document.title
    if plan.number is None and document.number is not None:
        missing.update(number=document.number, number_text=document.number_text)
    if plan.issued_on is None and document.issued_on is not None:
        missing["issued_on"] = document.issued_on
    return update_record(Plan, plan.id, None, actor.username, **missing) if missing else plan


def _upsert_task(actor: Actor, plan: Plan, task: Task | None, item: _Planned) -> tuple[Task, str]:
    row, deadline = item.row, item.deadline
    values = dict(
        plan=plan.id, ref=row.ref, section=row.section, section_title=row.section_title,
        subsection=row.subsection, subsection_title=row.subsection_title, row_no=row.number,
        content=row.content, deadline_text=deadline.text, due_date=deadline.due_date,
        recurrence=deadline.recurrence, coordinating_all=item.coordinating == [ALL],
        per_unit=item.lead == [ALL], note=row.note, sort_key=item.position, kind="appendix",
        lead_text=" ".join(nfc(row.lead).split()), coordinating_text=" ".join(nfc(row.coordinating).split()))
    if task is None:
        return insert_record(Task, actor.username, **values), "created"
    if task.due_overridden and task.deadline_text == deadline.text:
        values.pop("due_date")          # the clerk's date stands while the wording is unchanged
    elif task.due_overridden:
        values["due_overridden"] = False
    before = task.version
    task = update_record(Task, task.id, None, actor.username, **values)
    return task, ("updated" if task.version != before else "unchanged")
