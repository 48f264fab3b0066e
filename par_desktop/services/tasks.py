"""Plan tasks: importing a plan's appendix, obligations from its text, progress, statuses and views.

Statuses (``status``, English keys; Vietnamese labels in ``STATUS_LABELS``):

- ``done_on_time`` / ``done_late``: completed (``completed_on``) on or before / after the due date;
- ``overdue``: not completed and the due date has passed;
- ``at_risk``: not completed, due within ``tasks.at_risk_days`` days and progress below
  ``tasks.at_risk_min_percent`` % (có nguy cơ chậm) — a status of its own, because it is what the
  Office must act on before the task turns overdue;
- ``in_progress``: some progress reported; ``not_started``: nothing reported yet.

Statuses are computed for a day (``today``, default the real one) from what was known on that day:
progress reported later and completions after it do not count, so a monthly report of July reads the
tasks as they stood at the end of July.

A task owed period by period (recurring: Hằng tháng, Thường xuyên …) or by every unit ("Các phòng, đơn
vị" as lead: ``per_unit``) is followed through its occurrences (``TaskOccurrence``: one per period, and
per unit for ``per_unit`` tasks), each with its own due date and status. Such a task's status is the
worst among the occurrences whose period has begun (overdue, then at risk), "done" only when every
occurrence is done, else in progress / not started. Seen from one unit (``TaskFilters.unit_id``) a
``per_unit`` task has that unit's own status.

Refs: appendix tasks keep the plan's "III.B.1"; obligations from the plan's text are "TX.1" … (thường
xuyên); tasks added by hand get "NV.1" … unless the clerk gives a ref. Lists show appendix tasks first in
plan order, then hand-made ones, then obligations.

Import (``import_plan``) runs in one write transaction: either the whole file is taken or nothing. Tasks
are matched by plan year + ref, so importing the same file again changes nothing (no update, no audit
row). ``imported N tasks`` reports N = the number of tasks in the file, new or not.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from peewee import JOIN

from par_desktop.db import connection
from par_desktop.db.changes import audit, delete_record, insert_record, update_record
from par_desktop.db.models import (
    Attachment, Plan, ProgressReport, Task, TaskOccurrence, TaskUnit, Unit,
)
from par_desktop.domain.deadlines import Deadline, occurrences, parse_deadline, period_label
from par_desktop.domain.text import fold, nfc, ui_date, unit_key
from par_desktop.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from par_desktop.importers.plan_rows import PlanDocument, PlanTaskRow, year_from_deadlines
from par_desktop.services import org, settings
from par_desktop.services.session import Actor, require

STATUSES = ("not_started", "in_progress", "at_risk", "done_on_time", "done_late", "overdue")
STATUS_LABELS = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "at_risk": "Có nguy cơ chậm",
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành trễ hạn",
    "overdue": "Quá hạn",
}
OPEN_STATUSES = frozenset({"not_started", "in_progress", "at_risk", "overdue"})
DONE_STATUSES = frozenset({"done_on_time", "done_late"})
RECURRENCE_LABELS = {None: "", "ongoing": "Thường xuyên", "monthly": "Hằng tháng", "quarterly": "Hằng quý",
                     "yearly": "Hằng năm"}
KIND_LABELS = {"appendix": "Phụ lục kế hoạch", "manual": "Nhập tay", "obligation": "Nhiệm vụ định kỳ"}
_KIND_ORDER = {"appendix": 0, "manual": 1, "obligation": 2}
ALL = org.ALL_UNITS
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024


# ---- statuses ---------------------------------------------------------------------------------------

def task_status(due_date: date | None, completed_on: date | None, progress_percent: int, today: date, *,
                started: bool = False, at_risk_days: int | None = None,
                at_risk_min_percent: int | None = None) -> str:
    """The status of one task or occurrence on ``today`` (see the module docstring)."""
    if completed_on is not None:
        return "done_late" if due_date is not None and completed_on > due_date else "done_on_time"
    if due_date is not None and today > due_date:
        return "overdue"
    days = settings.get("tasks.at_risk_days") if at_risk_days is None else at_risk_days
    minimum = settings.get("tasks.at_risk_min_percent") if at_risk_min_percent is None else at_risk_min_percent
    if due_date is not None and (due_date - today).days <= days and progress_percent < minimum:
        return "at_risk"
    if started or progress_percent > 0:
        return "in_progress"
    return "not_started"


def _aggregate(items: Sequence[tuple[date, str]], today: date) -> str:
    """Status of a set of occurrences given as (period start, status)."""
    if not items:
        return "not_started"
    statuses = [status for _, status in items]
    begun = [status for start, status in items if start <= today]
    if "overdue" in begun:
        return "overdue"
    if "at_risk" in begun:
        return "at_risk"
    if all(status in DONE_STATUSES for status in statuses):
        return "done_late" if "done_late" in statuses else "done_on_time"
    if any(status != "not_started" for status in statuses):
        return "in_progress"
    return "not_started"


# ---- views ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskFilters:
    """What the task table shows. ``recurrence``: None = any, "none" = one-off only, or a recurrence key;
    ``unit_role``: "any" (lead or coordinating) or "lead"."""
    unit_id: int | None = None
    unit_role: str = "any"
    status: str | Iterable[str] | None = None
    due_from: date | None = None
    due_to: date | None = None
    recurrence: str | None = None
    search: str = ""
    kind: str | None = None
    year: int | None = None
    plan_id: int | None = None


@dataclass(frozen=True)
class OccurrenceView:
    id: int
    unit_id: int | None
    unit_name: str
    label: str
    period_start: date
    period_end: date
    due_date: date
    progress_percent: int
    completed_on: date | None
    status: str
    version: int


@dataclass(frozen=True)
class TaskView:
    id: int
    ref: str
    content: str
    kind: str
    plan_id: int | None
    year: int | None
    section: str
    section_title: str
    subsection: str
    subsection_title: str
    lead_units: tuple[str, ...]            # canonical names; ("*",) = every unit (per_unit)
    lead_unit_ids: tuple[int, ...]
    coordinating_units: tuple[str, ...]    # ("*",) = all related units
    coordinating_unit_ids: tuple[int, ...]
    per_unit: bool
    coordinating_all: bool
    deadline_text: str
    due_date: date | None
    due_overridden: bool
    recurrence: str | None
    next_due: date | None                  # the due date to act on: own, or the earliest open occurrence's
    status: str
    progress_percent: int
    completed_on: date | None
    note: str
    version: int
    unit_statuses: tuple[tuple[str, str], ...] = ()   # (unit name, status) for per_unit tasks
    search_key: str = field(default="", repr=False)
    plan_number: str | None = None        # "38/KH-SLĐTBXH" (None: no plan, or a plan without a number)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class ReportView:
    id: int
    occurrence_id: int | None
    occurrence_label: str
    unit_name: str
    reported_on: date
    percent: int
    text: str
    username: str
    attachments: tuple[tuple[int, str, int], ...]    # (id, filename, size)


@dataclass(frozen=True)
class TaskDetail:
    task: TaskView
    occurrences: tuple[OccurrenceView, ...]
    reports: tuple[ReportView, ...]
    processes: tuple = ()          # steps.ProcessView of the task's step processes


@dataclass(frozen=True)
class UnitTaskSummary:
    unit_id: int
    unit_name: str
    short_code: str
    not_started: int = 0
    in_progress: int = 0
    at_risk: int = 0
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, status) for status in STATUSES)


class _Snapshot:
    """Everything the views need, read in a handful of queries (plans have tens of tasks, hundreds of
    occurrences)."""

    def __init__(self, today: date, task_ids: Iterable[int] | None = None):
        self.today = today
        self.at_risk_days = settings.get("tasks.at_risk_days")
        self.at_risk_min = settings.get("tasks.at_risk_min_percent")
        query = Task.select(Task, Plan).join(Plan, JOIN.LEFT_OUTER)
        ids = None if task_ids is None else list(task_ids)
        if ids is not None:
            query = query.where(Task.id.in_(ids))
        self.tasks: list[Task] = list(query)
        self.units = {u.id: u for u in Unit.select()}
        links = TaskUnit.select().order_by(TaskUnit.id)
        occs = TaskOccurrence.select().order_by(TaskOccurrence.period_start, TaskOccurrence.id)
        if ids is not None:
            links, occs = links.where(TaskUnit.task.in_(ids)), occs.where(TaskOccurrence.task.in_(ids))
        self.links: dict[int, list[TaskUnit]] = defaultdict(list)
        for link in links:
            self.links[link.task_id].append(link)
        self.occurrences: dict[int, list[TaskOccurrence]] = defaultdict(list)
        for occ in occs:
            self.occurrences[occ.task_id].append(occ)
        reports = ProgressReport.select(ProgressReport.id, ProgressReport.task, ProgressReport.occurrence,
                                        ProgressReport.reported_on, ProgressReport.percent)
        if ids is not None:
            reports = reports.where(ProgressReport.task.in_(ids))
        reported: set[tuple[int, int | None]] = set()
        latest: dict[tuple[int, int | None], tuple[date, int, int]] = {}
        for report_id, task_id, occurrence_id, reported_on, percent in reports.tuples():
            key = (task_id, occurrence_id)
            reported.add(key)
            if reported_on <= today and (key not in latest or (reported_on, report_id) > latest[key][:2]):
                latest[key] = (reported_on, report_id, percent)
        self.reported_tasks = {task_id for task_id, occurrence_id in latest if occurrence_id is None}
        self.reported_occurrences = {occurrence_id for _, occurrence_id in latest if occurrence_id is not None}
        # Statuses on a past day count only what was reported by then. These loaded rows are only read
        # (never saved), so they are set to their values as of ``today``.
        for task in self.tasks:
            _as_of(task, (task.id, None), today, reported, latest)
            if task.started_on is not None and task.started_on > today:
                task.started_on = None
        for items in self.occurrences.values():
            for occ in items:
                _as_of(occ, (occ.task_id, occ.id), today, reported, latest)

    def status(self, due, completed, percent, started) -> str:
        return task_status(due, completed, percent, self.today, started=started,
                           at_risk_days=self.at_risk_days, at_risk_min_percent=self.at_risk_min)

    def occurrence_status(self, occ: TaskOccurrence) -> str:
        return self.status(occ.due_date, occ.completed_on, occ.progress_percent,
                           occ.id in self.reported_occurrences)

    def occurrence_view(self, occ: TaskOccurrence) -> OccurrenceView:
        unit = self.units.get(occ.unit_id)
        return OccurrenceView(occ.id, occ.unit_id, unit.name if unit else "", occ.label, occ.period_start,
                              occ.period_end, occ.due_date, occ.progress_percent, occ.completed_on,
                              self.occurrence_status(occ), occ.version)

    def lead_ids(self, task: Task) -> list[int]:
        return [link.unit_id for link in self.links[task.id] if link.role == "lead"]

    def coordinating_ids(self, task: Task) -> list[int]:
        return [link.unit_id for link in self.links[task.id] if link.role == "coordinating"]

    def involves(self, task: Task, unit_id: int, role: str) -> bool:
        if task.per_unit:
            if any(occ.unit_id == unit_id for occ in self.occurrences[task.id]):
                return True
        if unit_id in self.lead_ids(task):
            return True
        return role == "any" and (task.coordinating_all or unit_id in self.coordinating_ids(task))

    def view(self, task: Task, unit_id: int | None = None) -> TaskView:
        occs = self.occurrences[task.id]
        if unit_id is not None and task.per_unit:
            occs = [occ for occ in occs if occ.unit_id == unit_id]
        if occs:
            states = [(occ.period_start, self.occurrence_status(occ)) for occ in occs]
            status = _aggregate(states, self.today)
            open_dues = [occ.due_date for occ in occs if occ.completed_on is None]
            next_due = min(open_dues) if open_dues else None
            completed = None if open_dues else max(occ.completed_on for occ in occs)
            progress = _current_progress(occs, self.today)
        else:
            status = self.status(task.due_date, task.completed_on, task.progress_percent,
                                 task.id in self.reported_tasks or task.started_on is not None)
            next_due = task.due_date if task.completed_on is None else None
            completed, progress = task.completed_on, task.progress_percent
        unit_statuses: tuple[tuple[str, str], ...] = ()
        if task.per_unit and unit_id is None:
            by_unit: dict[int, list[tuple[date, str]]] = defaultdict(list)
            for occ in self.occurrences[task.id]:
                if occ.unit_id is not None:
                    by_unit[occ.unit_id].append((occ.period_start, self.occurrence_status(occ)))
            unit_statuses = tuple(sorted(((self.units[u].name, _aggregate(s, self.today)) for u, s in by_unit.items()),
                                         key=lambda pair: _unit_order(self.units, pair[0])))
        lead_ids = self.lead_ids(task)
        coord_ids = self.coordinating_ids(task)
        lead_names = [ALL] if task.per_unit else [self.units[i].name for i in lead_ids]
        coord_names = [ALL] if task.coordinating_all else [self.units[i].name for i in coord_ids]
        plan = task.plan if task.plan_id is not None else None
        search_key = fold(" ".join([task.ref, task.content, task.note, task.deadline_text, *lead_names,
                                    *coord_names, task.section_title, task.subsection_title]))
        return TaskView(
            id=task.id, ref=task.ref, content=task.content, kind=task.kind, plan_id=task.plan_id,
            year=plan.year if plan else (task.due_date.year if task.due_date else None),
            section=task.section, section_title=task.section_title, subsection=task.subsection,
            subsection_title=task.subsection_title, lead_units=tuple(lead_names),
            lead_unit_ids=tuple(lead_ids), coordinating_units=tuple(coord_names),
            coordinating_unit_ids=tuple(coord_ids), per_unit=task.per_unit,
            coordinating_all=task.coordinating_all, deadline_text=task.deadline_text, due_date=task.due_date,
            due_overridden=task.due_overridden, recurrence=task.recurrence, next_due=next_due, status=status,
            progress_percent=progress, completed_on=completed, note=task.note, version=task.version,
            unit_statuses=unit_statuses, search_key=search_key,
            plan_number=(plan.number_text or None) if plan else None)


def _as_of(record: Task | TaskOccurrence, key: tuple, today: date, reported: set, latest: dict) -> None:
    """Set a loaded task's or occurrence's progress and completion to what they were on ``today``."""
    if record.completed_on is not None and record.completed_on <= today:
        return
    completed_later = record.completed_on is not None
    record.completed_on = None
    if key in reported:
        record.progress_percent = latest[key][2] if key in latest else 0
    elif completed_later:
        record.progress_percent = 0


def _unit_order(units: dict[int, Unit], name: str) -> tuple:
    unit = next((u for u in units.values() if u.name == name), None)
    return (unit.sort_order, unit.name) if unit else (0, name)


def _current_progress(occs: Sequence[TaskOccurrence], today: date) -> int:
    """Progress of what is being worked on now: per unit, its first open occurrence whose period has
    begun (else its last begun one); averaged over the units."""
    by_unit: dict[int | None, list[TaskOccurrence]] = defaultdict(list)
    for occ in occs:
        by_unit[occ.unit_id].append(occ)
    values = []
    for items in by_unit.values():
        begun = [occ for occ in items if occ.period_start <= today] or items[:1]
        current = next((occ for occ in begun if occ.completed_on is None), begun[-1])
        values.append(100 if current.completed_on is not None else current.progress_percent)
    return round(sum(values) / len(values)) if values else 0


def _sort_key(task: Task) -> tuple:
    year = task.plan.year if task.plan_id is not None else 9999
    return (_KIND_ORDER.get(task.kind, 3), year, task.sort_key, task.id)


def _matches(view: TaskView, filters: TaskFilters) -> bool:
    if filters.status:
        wanted = {filters.status} if isinstance(filters.status, str) else set(filters.status)
        if view.status not in wanted:
            return False
    due = view.due_date or view.next_due
    if filters.due_from and (due is None or due < filters.due_from):
        return False
    if filters.due_to and (due is None or due > filters.due_to):
        return False
    if filters.recurrence == "none" and view.recurrence is not None:
        return False
    if filters.recurrence not in (None, "none") and view.recurrence != filters.recurrence:
        return False
    if filters.kind and view.kind != filters.kind:
        return False
    if filters.year and view.year != filters.year:
        return False
    if filters.plan_id is not None and view.plan_id != filters.plan_id:
        return False
    if filters.search:
        return all(word in view.search_key for word in fold(filters.search).split())
    return True


def list_tasks(filters: TaskFilters | None = None, today: date | None = None) -> list[TaskView]:
    """The tasks matching ``filters`` in plan order; with ``filters.unit_id``, statuses are that unit's."""
    filters = filters or TaskFilters()
    snapshot = _Snapshot(today or date.today())
    views = []
    for task in sorted(snapshot.tasks, key=_sort_key):
        if filters.unit_id is not None and not snapshot.involves(task, filters.unit_id, filters.unit_role):
            continue
        view = snapshot.view(task, filters.unit_id)
        if _matches(view, filters):
            views.append(view)
    return views


def get_task(task_id: int, today: date | None = None, unit_id: int | None = None) -> TaskView:
    snapshot = _Snapshot(today or date.today(), [task_id])
    if not snapshot.tasks:
        raise NotFound(f"Không còn nhiệm vụ số {task_id} (có thể người khác vừa xóa).")
    return snapshot.view(snapshot.tasks[0], unit_id)


def task_detail(task_id: int, today: date | None = None) -> TaskDetail:
    """The task with its occurrences, its progress history (newest first) and its step processes."""
    today = today or date.today()
    snapshot = _Snapshot(today, [task_id])
    if not snapshot.tasks:
        raise NotFound(f"Không còn nhiệm vụ số {task_id} (có thể người khác vừa xóa).")
    task = snapshot.tasks[0]
    occs = tuple(snapshot.occurrence_view(occ) for occ in snapshot.occurrences[task.id])
    labels = {occ.id: (f"{occ.label} — {occ.unit_name}" if occ.unit_name else occ.label) for occ in occs}
    files: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    reports = list(ProgressReport.select().where(ProgressReport.task == task.id)
                   .order_by(ProgressReport.reported_on.desc(), ProgressReport.id.desc()))
    for row in (Attachment.select(Attachment.id, Attachment.report, Attachment.filename, Attachment.size)
                .where(Attachment.report.in_([r.id for r in reports])).order_by(Attachment.id)):
        files[row.report_id].append((row.id, row.filename, row.size))
    report_views = tuple(
        ReportView(r.id, r.occurrence_id, labels.get(r.occurrence_id, ""),
                   snapshot.units[r.unit_id].name if r.unit_id in snapshot.units else "", r.reported_on,
                   r.percent, r.text, r.username, tuple(files[r.id])) for r in reports)
    from par_desktop.services import steps

    processes = tuple(steps.process_view(p, today) for p in steps.processes_of_task(task.id))
    return TaskDetail(snapshot.view(task), occs, report_views, processes)


def attachment_content(attachment_id: int) -> tuple[str, bytes]:
    """(file name, content) of an evidence file, to open or save it."""
    row = Attachment.get_or_none(Attachment.id == attachment_id)
    if row is None:
        raise NotFound("Tệp đính kèm không còn tồn tại.")
    return row.filename, bytes(row.content)


def summary_by_unit(today: date | None = None) -> list[UnitTaskSummary]:
    """Per active unit, how many of the tasks it leads (or owes, for tasks of every unit) are in each status."""
    snapshot = _Snapshot(today or date.today())
    counts: dict[int, dict[str, int]] = {u.id: dict.fromkeys(STATUSES, 0) for u in snapshot.units.values()}
    for task in snapshot.tasks:
        for unit_id in _responsible_units(snapshot, task):
            if unit_id in counts:
                counts[unit_id][snapshot.view(task, unit_id).status] += 1
    return [UnitTaskSummary(u.id, u.name, u.short_code, **counts[u.id])
            for u in sorted(snapshot.units.values(), key=lambda u: (u.sort_order, u.name)) if u.active]


def _responsible_units(snapshot: _Snapshot, task: Task) -> list[int]:
    if task.per_unit:
        return sorted({occ.unit_id for occ in snapshot.occurrences[task.id] if occ.unit_id is not None})
    return snapshot.lead_ids(task)


def late_and_at_risk(unit_id: int, today: date | None = None) -> tuple[list[TaskView], list[TaskView]]:
    """The unit's overdue tasks and its tasks at risk, as the unit sees them (for the reminder letter)."""
    views = list_tasks(TaskFilters(unit_id=unit_id, unit_role="lead"), today)
    return ([v for v in views if v.status == "overdue"], [v for v in views if v.status == "at_risk"])


def due_within(days: int, today: date | None = None) -> list[TaskView]:
    """Open tasks whose next due date falls from today to ``days`` days ahead, soonest first."""
    today = today or date.today()
    last = today + timedelta(days=days)
    views = [v for v in list_tasks(None, today)
             if v.is_open and v.next_due is not None and today <= v.next_due <= last]
    return sorted(views, key=lambda v: (v.next_due, v.ref))


def overdue_tasks(today: date | None = None) -> list[TaskView]:
    return [v for v in list_tasks(None, today) if v.status == "overdue"]


def startup_notice_lines(today: date | None = None, within_days: int = 7, limit: int = 10) -> list[str]:
    """The notice shown on start, one line per task: overdue ones first, then those due within
    ``within_days`` days; each list cut at ``limit`` lines with a closing "… và N nhiệm vụ khác"."""
    today = today or date.today()

    def describe(view: TaskView) -> str:
        units = "tất cả các phòng, đơn vị" if view.lead_units == (ALL,) else ", ".join(view.lead_units)
        content = view.content if len(view.content) <= 90 else view.content[:87].rstrip() + "…"
        return f"{view.ref} — {content} (hạn {ui_date(view.next_due)}; {units or 'chưa giao đơn vị'})"

    lines: list[str] = []
    overdue = [v for v in list_tasks(None, today) if v.status == "overdue"]
    soon = due_within(within_days, today)
    for heading, views in (("Nhiệm vụ quá hạn", overdue), (f"Nhiệm vụ đến hạn trong {within_days} ngày tới", soon)):
        lines.extend(f"{heading}: {describe(v)}" for v in views[:limit])
        if len(views) > limit:
            lines.append(f"{heading}: … và {len(views) - limit} nhiệm vụ khác (xem trang Nhiệm vụ).")
    return lines


def task_json(view: TaskView) -> dict:
    """A task object as the command-line contract (CLI.md) states it."""
    return {"ref": view.ref, "content": view.content, "lead_units": list(view.lead_units),
            "coordinating_units": list(view.coordinating_units), "deadline_text": view.deadline_text,
            "due_date": view.due_date.isoformat() if view.due_date else None, "recurrence": view.recurrence,
            "status": view.status, "plan": view.plan_number}


def tasks_json(today: date | None = None, filters: TaskFilters | None = None) -> list[dict]:
    return [task_json(view) for view in list_tasks(filters, today)]


# ---- reading plan files -----------------------------------------------------------------------------

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


@dataclass(frozen=True)
class PlanSummary:
    id: int
    number: str
    date: date | None
    year: int
    title: str
    tasks: int


def list_plans() -> list[PlanSummary]:
    """Every plan with its appendix task count, newest year first (``plans --json``)."""
    from peewee import fn

    counts = dict(Task.select(Task.plan, fn.COUNT(Task.id)).where(Task.kind == "appendix").group_by(Task.plan).tuples())
    return [PlanSummary(p.id, p.number_text, p.issued_on, p.year, p.title, counts.get(p.id, 0))
            for p in Plan.select().order_by(Plan.year.desc(), Plan.issued_on.desc(nulls="LAST"), Plan.id.desc())]


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
        document = dataclasses.replace(document, **dict(zip(("number", "number_text"), normalise_plan_number(number))))
    the_year = plan_year(document, year)
    seen_refs: dict[str, PlanTaskRow] = {}
    for row in document.tasks:
        if row.ref in seen_refs:
            raise document.error(row, f"số hiệu {row.ref} trùng với {seen_refs[row.ref].location}; mỗi nhiệm vụ "
                                      "trong một kế hoạch cần một số hiệu riêng.")
        seen_refs[row.ref] = row
    planned = []
    for position, row in enumerate(document.tasks):
        try:
            deadline = parse_deadline(row.deadline_text, the_year)
        except InvalidInput as exc:
            raise document.error(row, exc.message) from None
        planned.append(_Planned(row, deadline, _unit_cell_names(row.lead), _unit_cell_names(row.coordinating),
                                position))
    choices = {unit_key(name): unit_id for name, unit_id in (unit_choices or {}).items()}
    spellings: dict[str, list[str]] = defaultdict(list)
    for item in planned:
        for name in item.lead + item.coordinating:
            if name != ALL:
                spellings[unit_key(name)].append(name)
    best = {key: _best_spelling(names) for key, names in spellings.items()}
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
            links_changed = _sync_units(actor, task, _dedupe(lead_ids), _dedupe(coord_ids))
            occs_changed = _ensure_occurrences(actor, task)
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


def _dedupe(ids: list[int]) -> list[int]:
    return list(dict.fromkeys(ids))


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
                                        "Cài đặt → Tổ chức.")
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
    missing = {}
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
        per_unit=item.lead == [ALL], note=row.note, sort_key=item.position, kind="appendix")
    if task is None:
        return insert_record(Task, actor.username, **values), "created"
    if task.due_overridden and task.deadline_text == deadline.text:
        values.pop("due_date")          # the clerk's date stands while the wording is unchanged
    elif task.due_overridden:
        values["due_overridden"] = False
    before = task.version
    task = update_record(Task, task.id, None, actor.username, **values)
    return task, ("updated" if task.version != before else "unchanged")


def _sync_units(actor: Actor, task: Task, lead_ids: list[int], coord_ids: list[int]) -> bool:
    """Make the task's lead/coordinating links exactly these; audit each link added or removed."""
    wanted = [(unit_id, "lead") for unit_id in lead_ids] + [(unit_id, "coordinating") for unit_id in coord_ids]
    current = {(link.unit_id, link.role): link for link in TaskUnit.select().where(TaskUnit.task == task.id)}
    changed = False
    for key, link in current.items():
        if key not in wanted:
            audit(actor.username, "delete", "task_unit", task.id, key[1], key[0], None)
            link.delete_instance()
            changed = True
    for unit_id, role in wanted:
        if (unit_id, role) not in current:
            TaskUnit.create(task=task.id, unit=unit_id, role=role)
            audit(actor.username, "insert", "task_unit", task.id, role, None, unit_id)
            changed = True
    return changed


# ---- occurrences ------------------------------------------------------------------------------------

def _office_unit_ids() -> set[int]:
    """The Office (Văn phòng Sở): it compiles what the units send, so it owes no per-unit obligation."""
    try:
        code = org.org_names().office_unit_code
    except NotFound:
        code = "VP"
    return {u.id for u in Unit.select() if u.kind == "office" or u.short_code == code
            or fold(u.name) == "van phong so"}


def _task_year(task: Task) -> int:
    if task.plan_id is not None:
        return Plan.get_by_id(task.plan_id).year
    return (task.due_date or date.today()).year


def _wanted_occurrences(task: Task) -> dict[tuple[int | None, date], tuple[date, date, str]]:
    """(unit, period start) -> (period end, due, label) of the occurrences a task should have."""
    if not task.recurrence and not task.per_unit:
        return {}
    year = _task_year(task)
    if task.recurrence:
        periods = [(start, end, due, period_label(task.recurrence, start))
                   for start, end, due in occurrences(task.recurrence, year)]
    elif task.due_date is not None:
        start = min(date(year, 1, 1), task.due_date)
        periods = [(start, task.due_date, task.due_date, f"Hạn {ui_date(task.due_date)}")]
    else:
        return {}
    if task.per_unit:
        office = _office_unit_ids()
        units: list[int | None] = [u.id for u in org.units() if u.id not in office]
    else:
        units = [None]
    return {(unit, start): (end, due, label) for unit in units for start, end, due, label in periods}


def _ensure_occurrences(actor: Actor, task: Task) -> bool:
    """Create the missing occurrences of a task, move due dates that changed, drop unwanted ones that
    nobody reported on. Returns whether anything changed. Occurrences are derived rows: one audit row
    per task and change summarises them."""
    wanted = _wanted_occurrences(task)
    current = {(occ.unit_id, occ.period_start): occ
               for occ in TaskOccurrence.select().where(TaskOccurrence.task == task.id)}
    reported = {r.occurrence_id for r in ProgressReport.select(ProgressReport.occurrence)
                .where(ProgressReport.task == task.id)}
    new_rows = [dict(task=task.id, unit=unit, period_start=start, period_end=end, due_date=due, label=label)
                for (unit, start), (end, due, label) in wanted.items() if (unit, start) not in current]
    moved = 0
    for key, occ in current.items():
        if key in wanted and (occ.due_date, occ.period_end) != wanted[key][:2] and occ.completed_on is None:
            TaskOccurrence.update(period_end=wanted[key][0], due_date=wanted[key][1],
                                  version=TaskOccurrence.version + 1).where(TaskOccurrence.id == occ.id).execute()
            moved += 1
    dropped = [occ.id for key, occ in current.items()
               if key not in wanted and occ.id not in reported and occ.completed_on is None]
    if dropped:
        TaskOccurrence.delete().where(TaskOccurrence.id.in_(dropped)).execute()
    if new_rows:
        TaskOccurrence.insert_many(new_rows).execute()
    if new_rows or moved or dropped:
        audit(actor.username, "update", "task_occurrence", task.id, "occurrences", None,
              f"{len(new_rows)} kỳ mới, {moved} kỳ đổi hạn, {len(dropped)} kỳ bỏ")
        return True
    return False


def ensure_all_occurrences(actor: Actor) -> int:
    """Bring every task's occurrences up to date (e.g. after a unit was added); returns tasks changed."""
    require(actor, "tasks")
    changed = 0
    with connection.write_transaction():
        for task in Task.select().where(Task.per_unit | Task.recurrence.is_null(False)):
            changed += _ensure_occurrences(actor, task)
    return changed


# ---- obligations from the plan's text ---------------------------------------------------------------

@dataclass(frozen=True)
class Obligation:
    ref: str
    content: str
    deadline_text: str
    per_unit: bool               # owed by every unit (but the Office)
    lead_office: bool = False    # owed by the Office itself
    coordinating_office: bool = True
    note: str = ""


OBLIGATIONS = (
    Obligation("TX.1", "Báo cáo kết quả thực hiện nhiệm vụ CCHC của phòng, đơn vị về Văn phòng Sở (lồng ghép "
                       "trong báo cáo thực hiện nhiệm vụ phòng, đơn vị)", "Hằng tháng", per_unit=True,
               note="Kế hoạch, mục IV.1: định kỳ hằng tháng báo cáo kết quả thực hiện về Văn phòng Sở."),
    Obligation("TX.2", "Kiểm tra danh mục, nội dung TTHC thuộc lĩnh vực phòng, đơn vị tham mưu trên Cổng Dịch vụ "
                       "công của tỉnh, phần mềm một cửa, Cổng thông tin điện tử Sở (01 lần/tháng)", "Hằng tháng",
               per_unit=True, note="Kế hoạch, mục II.4.2."),
    Obligation("TX.3", "Thống kê và gửi danh mục TTHC thuộc phạm vi theo dõi của phòng, đơn vị về Văn phòng Sở "
                       "để tổng hợp", "Hằng tháng", per_unit=True, note="Kế hoạch, mục II.4.2."),
    Obligation("TX.4", "Thực hiện chế độ báo cáo định kỳ công tác CCHC gửi Sở Nội vụ theo quy định", "Hằng quý",
               per_unit=False, lead_office=True, coordinating_office=False, note="Kế hoạch, mục II.1."),
    Obligation("TX.5", "Rà soát, đánh giá tối thiểu 10% TTHC đang còn hiệu lực thuộc lĩnh vực phòng, đơn vị "
                       "tham mưu; đề xuất đơn giản hóa TTHC", "Hằng năm", per_unit=True,
               note="Kế hoạch, mục II.4.3 và phụ lục III.B.2."),
)


def create_plan_obligations(actor: Actor, plan: Plan | int) -> list[int]:
    """Add the recurring obligations of the plan's text (TX.1 …) and every occurrence the plan's tasks
    need. Idempotent: existing obligations are kept as they are. Returns the obligations' task ids."""
    require(actor, "tasks")
    plan_id = plan.id if isinstance(plan, Plan) else int(plan)
    with connection.write_transaction():
        plan = Plan.get_or_none(Plan.id == plan_id)
        if plan is None:
            raise NotFound(f"Không còn kế hoạch số {plan_id}.")
        office = sorted(_office_unit_ids())
        ids = []
        for position, item in enumerate(OBLIGATIONS):
            task = Task.get_or_none((Task.plan == plan.id) & (Task.ref == item.ref) & (Task.kind == "obligation"))
            if task is None:
                deadline = parse_deadline(item.deadline_text, plan.year)
                task = insert_record(Task, actor.username, plan=plan.id, ref=item.ref, content=item.content,
                                     deadline_text=deadline.text, due_date=deadline.due_date,
                                     recurrence=deadline.recurrence, per_unit=item.per_unit, kind="obligation",
                                     note=item.note, sort_key=100_000 + position)
                links = ([(office[0], "lead")] if item.lead_office and office else []) + \
                        ([(office[0], "coordinating")] if item.coordinating_office and office else [])
                for unit_id, role in links:
                    TaskUnit.create(task=task.id, unit=unit_id, role=role)
                    audit(actor.username, "insert", "task_unit", task.id, role, None, unit_id)
            ids.append(task.id)
        for task in Task.select().where((Task.plan == plan.id) & (Task.per_unit | Task.recurrence.is_null(False))):
            _ensure_occurrences(actor, task)
    return ids


# ---- editing by hand --------------------------------------------------------------------------------

def _parse_for(text: str, year: int) -> Deadline:
    try:
        return parse_deadline(text, year)
    except InvalidInput as exc:
        raise InvalidInput(f"Thời hạn: {exc.message}") from None


def _check_units(ids: Iterable[int]) -> list[int]:
    ids = _dedupe([int(i) for i in ids])
    known = {u.id for u in Unit.select(Unit.id).where(Unit.id.in_(ids))}
    if missing := [i for i in ids if i not in known]:
        raise NotFound(f"Không còn đơn vị số {missing[0]}.")
    return ids


def _next_manual_ref(year: int) -> str:
    refs = [t.ref for t in Task.select(Task.ref).join(Plan, JOIN.LEFT_OUTER)
            .where(Task.ref.startswith("NV.") & ((Plan.year == year) | Task.plan.is_null()))]
    numbers = [int(m.group(1)) for r in refs if (m := re.fullmatch(r"NV\.(\d+)", r))]
    return f"NV.{max(numbers, default=0) + 1}"


def _ref_taken(ref: str, year: int, plan_id: int | None, except_id: int | None = None) -> bool:
    query = Task.select().join(Plan, JOIN.LEFT_OUTER).where(Task.ref == ref)
    query = query.where(Plan.year == year) if plan_id is not None else query.where(Task.plan.is_null())
    if except_id is not None:
        query = query.where(Task.id != except_id)
    return query.exists()


def create_task(actor: Actor, *, content: str, deadline_text: str, lead_unit_ids: Sequence[int] = (),
                lead_all: bool = False, coordinating_unit_ids: Sequence[int] = (), coordinating_all: bool = False,
                plan_id: int | None = None, ref: str = "", due_date: date | None = None, note: str = "") -> int:
    """Add a task by hand; ``due_date`` differing from the wording's date is a clerk's override."""
    require(actor, "tasks")
    content, ref, note = nfc(content), nfc(ref).upper().replace(" ", ""), nfc(note)
    if not content:
        raise InvalidInput("Nội dung nhiệm vụ không được để trống.")
    if not lead_all and not lead_unit_ids:
        raise InvalidInput("Hãy chọn đơn vị chủ trì (hoặc “Tất cả các phòng, đơn vị”).")
    with connection.write_transaction():
        plan = Plan.get_or_none(Plan.id == plan_id) if plan_id is not None else None
        if plan_id is not None and plan is None:
            raise NotFound(f"Không còn kế hoạch số {plan_id}.")
        year = plan.year if plan else (due_date or date.today()).year
        deadline = _parse_for(deadline_text, year) if nfc(deadline_text) else Deadline("", None, None)
        if deadline.due_date is None and deadline.recurrence is None and due_date is None:
            raise InvalidInput("Hãy ghi thời hạn hoàn thành (ví dụ “Tháng 7/2024”) hoặc chọn ngày hạn.")
        ref = ref or _next_manual_ref(year)
        if _ref_taken(ref, year, plan_id):
            raise InvalidInput(f"Đã có nhiệm vụ số {ref} trong kế hoạch năm {year}.")
        last = Task.select(Task.sort_key).order_by(Task.sort_key.desc()).where(Task.kind == "manual").first()
        task = insert_record(
            Task, actor.username, plan=plan_id, ref=ref, content=content, deadline_text=deadline.text,
            due_date=due_date or deadline.due_date,
            due_overridden=due_date is not None and due_date != deadline.due_date,
            recurrence=deadline.recurrence, coordinating_all=coordinating_all, per_unit=lead_all, note=note,
            kind="manual", sort_key=(last.sort_key + 1) if last else 50_000)
        _sync_units(actor, task, [] if lead_all else _check_units(lead_unit_ids),
                    [] if coordinating_all else _check_units(coordinating_unit_ids))
        _ensure_occurrences(actor, task)
        return task.id


_EDITABLE = {"content", "ref", "deadline_text", "due_date", "note", "lead_unit_ids", "lead_all",
             "coordinating_unit_ids", "coordinating_all", "completed_on", "started_on"}


def update_task(actor: Actor, task_id: int, expected_version: int | None, **changes) -> TaskView:
    """Edit a task (optimistic: ConflictError when someone saved it since ``expected_version``).

    ``due_date`` sets a clerk's date over the wording's; ``due_date=None`` goes back to the wording's
    date. A new ``deadline_text`` recomputes the date (and the recurrence) unless ``due_date`` is given.
    """
    require(actor, "tasks")
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with connection.write_transaction():
        task = Task.get_or_none(Task.id == task_id)
        if task is None:
            raise NotFound(f"Không còn nhiệm vụ số {task_id} (có thể người khác vừa xóa).")
        year = _task_year(task)
        values: dict = {}
        if "content" in changes:
            values["content"] = nfc(changes["content"])
            if not values["content"]:
                raise InvalidInput("Nội dung nhiệm vụ không được để trống.")
        if "note" in changes:
            values["note"] = nfc(changes["note"])
        if "ref" in changes:
            ref = nfc(changes["ref"]).upper().replace(" ", "")
            if not ref:
                raise InvalidInput("Số thứ tự (mục) của nhiệm vụ không được để trống.")
            if ref != task.ref and _ref_taken(ref, year, task.plan_id, except_id=task.id):
                raise InvalidInput(f"Đã có nhiệm vụ số {ref} trong kế hoạch năm {year}.")
            values["ref"] = ref
        text = nfc(changes.get("deadline_text", task.deadline_text))
        deadline = _parse_for(text, year) if text else Deadline("", None, None)
        if "deadline_text" in changes:
            values.update(deadline_text=deadline.text, recurrence=deadline.recurrence)
            if "due_date" not in changes and not (task.due_overridden and text == task.deadline_text):
                values.update(due_date=deadline.due_date, due_overridden=False)
        if "due_date" in changes:
            chosen = changes["due_date"]
            values.update(due_date=chosen if chosen is not None else deadline.due_date,
                          due_overridden=chosen is not None and chosen != deadline.due_date)
        for name in ("completed_on", "started_on"):
            if name in changes:
                values[name] = changes[name]
        if "completed_on" in changes:
            values["progress_percent"] = 100 if changes["completed_on"] else min(task.progress_percent, 99)
        if "lead_all" in changes:
            values["per_unit"] = bool(changes["lead_all"])
        if "coordinating_all" in changes:
            values["coordinating_all"] = bool(changes["coordinating_all"])
        task = update_record(Task, task.id, expected_version, actor.username, **values)
        if {"lead_unit_ids", "lead_all", "coordinating_unit_ids", "coordinating_all"} & set(changes):
            links = list(TaskUnit.select().where(TaskUnit.task == task.id).order_by(TaskUnit.id))
            leads = changes.get("lead_unit_ids", [l.unit_id for l in links if l.role == "lead"])
            coords = changes.get("coordinating_unit_ids", [l.unit_id for l in links if l.role == "coordinating"])
            if not task.per_unit and not leads:
                raise InvalidInput("Hãy chọn đơn vị chủ trì (hoặc “Tất cả các phòng, đơn vị”).")
            _sync_units(actor, task, [] if task.per_unit else _check_units(leads),
                        [] if task.coordinating_all else _check_units(coords))
        _ensure_occurrences(actor, task)
    return get_task(task_id)


def delete_task(actor: Actor, task_id: int, expected_version: int | None) -> None:
    """Delete a task with its occurrences, progress reports and their files (after the clerk confirmed)."""
    require(actor, "tasks")
    with connection.write_transaction():
        task = Task.get_or_none(Task.id == task_id)
        if task is None:
            return
        if expected_version is not None and task.version != expected_version:
            raise ConflictError("Nhiệm vụ đã được người khác sửa sau khi bạn mở. Hãy tải lại rồi thử lại.")
        delete_record(task, actor.username)


# ---- progress ---------------------------------------------------------------------------------------

def report_progress(actor: Actor, task_id: int, *, percent: int, text: str = "", unit_id: int | None = None,
                    reported_on: date | None = None, occurrence_id: int | None = None,
                    attachments: Sequence[tuple[str, bytes] | str | Path] = ()) -> int:
    """Record a unit's progress on a task (or one occurrence of it), with evidence files stored in the
    database. A unit account reports for its own unit only, on tasks its unit leads (or owes, for tasks
    of every unit): the lead unit answers for the task, coordinating units work through it. 100 %
    completes the task (occurrence) on ``reported_on``."""
    if actor.role == "unit" and unit_id is None:
        unit_id = actor.unit_id
    require(actor, "progress", unit_id=unit_id)
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        raise InvalidInput(f"Tỷ lệ hoàn thành phải là số từ 0 đến 100 (nhận được «{percent}»).") from None
    if not 0 <= percent <= 100:
        raise InvalidInput(f"Tỷ lệ hoàn thành phải từ 0 đến 100% (nhận được {percent}%).")
    reported_on = reported_on or date.today()
    files = [_attachment(item) for item in attachments]
    with connection.write_transaction():
        task = Task.get_or_none(Task.id == task_id)
        if task is None:
            raise NotFound(f"Không còn nhiệm vụ số {task_id} (có thể người khác vừa xóa).")
        links = list(TaskUnit.select().where(TaskUnit.task == task.id))
        occs = list(TaskOccurrence.select().where(TaskOccurrence.task == task.id)
                    .order_by(TaskOccurrence.period_start, TaskOccurrence.id))
        if unit_id is not None:
            owns = (any(l.unit_id == unit_id and l.role == "lead" for l in links)
                    or (task.per_unit and any(o.unit_id == unit_id for o in occs)))
            if not owns:
                unit = Unit.get_or_none(Unit.id == unit_id)
                name = unit.name if unit else f"số {unit_id}"
                message = (f"{name} không chủ trì nhiệm vụ {task.ref}: tiến độ do đơn vị chủ trì báo cáo "
                           "(đơn vị phối hợp gửi kết quả cho đơn vị chủ trì).")
                raise PermissionDenied(message) if actor.role == "unit" else InvalidInput(message)
        occurrence = _pick_occurrence(task, occs, unit_id, occurrence_id, reported_on)
        report = ProgressReport.create(task=task.id, occurrence=occurrence.id if occurrence else None,
                                       unit=unit_id, reported_on=reported_on, percent=percent, text=nfc(text),
                                       username=actor.username)
        audit(actor.username, "insert", "progress_report", report.id, "percent", None,
              f"{task.ref}{' / ' + occurrence.label if occurrence else ''}: {percent}%")
        for filename, content in files:
            Attachment.create(report=report.id, filename=filename, size=len(content),
                              sha256=hashlib.sha256(content).hexdigest(), content=content)
            audit(actor.username, "insert", "attachment", report.id, "filename", None, filename)
        completed = reported_on if percent == 100 else None
        target = (TaskOccurrence, occurrence) if occurrence is not None else (Task, task)
        values = {"progress_percent": percent, "completed_on": completed}
        if target[0] is Task and task.started_on is None:
            values["started_on"] = reported_on
        update_record(target[0], target[1].id, None, actor.username, **values)
        return report.id


def _pick_occurrence(task: Task, occs: list[TaskOccurrence], unit_id: int | None, occurrence_id: int | None,
                     on: date) -> TaskOccurrence | None:
    if occurrence_id is not None:
        occ = next((o for o in occs if o.id == occurrence_id), None)
        if occ is None:
            raise NotFound("Kỳ báo cáo đã chọn không còn tồn tại.")
        if task.per_unit and unit_id is not None and occ.unit_id != unit_id:
            raise PermissionDenied("Kỳ báo cáo đã chọn thuộc đơn vị khác.")
        return occ
    if not occs:
        return None
    mine = [o for o in occs if o.unit_id == unit_id] if task.per_unit else [o for o in occs if o.unit_id is None]
    if not mine:
        if task.per_unit:
            raise InvalidInput(f"Nhiệm vụ {task.ref} giao cho từng đơn vị: hãy chọn đơn vị báo cáo.")
        return None
    # The period the report is about: the first open one that has begun, else the one containing ``on``.
    begun = [o for o in mine if o.period_start <= on]
    return (next((o for o in begun if o.completed_on is None), None)
            or next((o for o in mine if o.period_start <= on <= o.period_end), None)
            or (begun[-1] if begun else mine[0]))


def _attachment(item: tuple[str, bytes] | str | Path) -> tuple[str, bytes]:
    if isinstance(item, tuple):
        filename, content = item
    else:
        path = Path(item)
        try:
            filename, content = path.name, path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"Không đọc được tệp đính kèm «{path.name}»: {exc.strerror or exc}.") from exc
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(f"Tệp đính kèm «{filename}» quá lớn ({len(content) // (1024 * 1024)} MB); "
                           f"tối đa {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB mỗi tệp.")
    return nfc(filename), bytes(content)


def plans() -> list[Plan]:
    return list(Plan.select().order_by(Plan.year.desc(), Plan.id))


def years() -> list[int]:
    return sorted({p.year for p in Plan.select(Plan.year)}, reverse=True)
