"""What the task pages, documents and the command line read: task views, details, summaries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from peewee import JOIN

from par_desktop.db.models import Attachment, Plan, ProgressReport, Task, TaskOccurrence, TaskUnit, Unit
from par_desktop.domain.text import fold, ui_date
from par_desktop.errors import NotFound
from par_desktop.services import org, settings, steps
from par_desktop.services.evidence_files import safe_name
from par_desktop.services.tasks.status import OPEN_STATUSES, STATUS_LABELS, STATUSES, aggregate_status, task_status

ALL = org.ALL_UNITS
_KIND_ORDER = {"appendix": 0, "manual": 1, "obligation": 2}


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
    lead_text: str = ""                    # the plan's own wording of the unit cells ("" when not imported)
    coordinating_text: str = ""

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
        at_risk = settings.get_many(settings.AT_RISK_DAYS, settings.AT_RISK_MIN_PERCENT)
        self.at_risk_days, self.at_risk_min = at_risk[settings.AT_RISK_DAYS], at_risk[settings.AT_RISK_MIN_PERCENT]
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
            status = aggregate_status(states, self.today)
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
            unit_statuses = tuple(sorted(((self.units[u].name, aggregate_status(s, self.today)) for u, s in by_unit.items()),
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
            unit_statuses=unit_statuses, search_key=search_key, lead_text=task.lead_text,
            coordinating_text=task.coordinating_text, plan_number=(plan.number_text or None) if plan else None)


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
    return _views(_Snapshot(today or date.today()), filters or TaskFilters())


def _views(snapshot: _Snapshot, filters: TaskFilters) -> list[TaskView]:
    views = []
    for task in sorted(snapshot.tasks, key=_sort_key):
        if filters.unit_id is not None and not snapshot.involves(task, filters.unit_id, filters.unit_role):
            continue
        view = snapshot.view(task, filters.unit_id)
        if _matches(view, filters):
            views.append(view)
    return views


def views_of(task_ids: Iterable[int], today: date) -> list[TaskView]:
    """The views of these tasks only (a snapshot of their rows, not of every plan's)."""
    snapshot = _Snapshot(today, task_ids)
    return [snapshot.view(task) for task in snapshot.tasks]


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
        files[row.report_id].append((row.id, safe_name(row.filename), row.size))
    report_views = tuple(
        ReportView(r.id, r.occurrence_id, labels.get(r.occurrence_id, ""),
                   snapshot.units[r.unit_id].name if r.unit_id in snapshot.units else "", r.reported_on,
                   r.percent, r.text, r.username, tuple(files[r.id])) for r in reports)
    processes = tuple(steps.process_view(p, today) for p in steps.processes_of_task(task.id))
    return TaskDetail(snapshot.view(task), occs, report_views, processes)


def attachment_content(attachment_id: int) -> tuple[str, bytes]:
    """(safe file name, content) of an evidence file, to open or save it (``evidence_files``)."""
    row = Attachment.get_or_none(Attachment.id == attachment_id)
    if row is None:
        raise NotFound("Tệp đính kèm không còn tồn tại.")
    return safe_name(row.filename), bytes(row.content)


def summary_by_unit(today: date | None = None) -> list[UnitTaskSummary]:
    """Per active unit, how many of the tasks it leads (or owes, for tasks of every unit) are in each status."""
    return _summary_by_unit(_Snapshot(today or date.today()))


def _summary_by_unit(snapshot: _Snapshot) -> list[UnitTaskSummary]:
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
    return _due_within(list_tasks(None, today), days, today)


def _due_within(views: list[TaskView], days: int, today: date) -> list[TaskView]:
    last = today + timedelta(days=days)
    soon = [v for v in views if v.is_open and v.next_due is not None and today <= v.next_due <= last]
    return sorted(soon, key=lambda v: (v.next_due, v.ref))


def overdue_tasks(today: date | None = None) -> list[TaskView]:
    return [v for v in list_tasks(None, today) if v.status == "overdue"]


@dataclass(frozen=True)
class TaskOverview:
    """The dashboard's view of the tasks, read once: ``summary_by_unit``, ``overdue_tasks`` and
    ``due_within(days)`` of the same day."""
    by_unit: list[UnitTaskSummary]
    overdue: list[TaskView]
    due_soon: list[TaskView]


def overview(days: int, today: date | None = None) -> TaskOverview:
    snapshot = _Snapshot(today or date.today())
    views = _views(snapshot, TaskFilters())
    return TaskOverview(_summary_by_unit(snapshot), [v for v in views if v.status == "overdue"],
                        _due_within(views, days, snapshot.today))


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



def plans() -> list[Plan]:
    return list(Plan.select().order_by(Plan.year.desc(), Plan.id))


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


def years() -> list[int]:
    return sorted({p.year for p in Plan.select(Plan.year)}, reverse=True)
