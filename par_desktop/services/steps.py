"""Step deadlines: a procedure split between units, each step with a budget of working days (DOMAIN §2.3).

Example from the plan: publishing a TTHC list takes 5 working days from receiving the ministry's
decision — the division 3, the Office 2.

Clock convention (dates, not moments): the trigger day itself does not count ("kể từ ngày nhận được"),
so the clock starts at the close of the trigger day and a budget of N days ends at the close of the
N-th working day after it. Each step's **planned due** is its budget added to the previous step's
planned due (the first step's to the trigger), using the working calendar (``WorkCalendar
.add_working_time``; fractional budgets are carried through as moments and shown as dates).

Who made it late: a step's **own due** is the later of its planned due and its budget counted from
the day the previous step actually finished. A unit is therefore never blamed for time the step before
it used, and never for finishing by the planned date; a step finished after its own due (or still open
past it) is the one that made the process late, and its unit is named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from par_desktop.db import connection
from par_desktop.db.changes import delete_record, insert_record, update_record
from par_desktop.db.models import ProcessStep, StepProcess, Task, Unit
from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.text import nfc
from par_desktop.errors import InvalidInput, NotFound
from par_desktop.services import org
from par_desktop.services.calendar import current_calendar
from par_desktop.services.session import Actor, require

STEP_STATUS_LABELS = {
    "waiting": "Chờ bước trước",
    "in_progress": "Đang thực hiện",
    "overdue": "Quá hạn",
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành trễ hạn",
}


@dataclass(frozen=True)
class StepTemplate:
    name: str
    trigger: str                                  # what starts the clock
    steps: tuple[tuple[str, str, float], ...]     # (step name, "division" | "office", budget days)


STEP_TEMPLATES = {
    "publish_list": StepTemplate(
        "Thống kê, trình công bố danh mục TTHC",
        "Ngày nhận được quyết định công bố TTHC của Bộ trên Hệ thống QLVB",
        (("Phòng chuyên môn thống kê, dự thảo quyết định công bố danh mục TTHC", "division", 3),
         ("Văn phòng Sở kiểm soát, trình Chủ tịch UBND tỉnh công bố danh mục TTHC", "office", 2))),
    "internal_procedure": StepTemplate(
        "Xây dựng quy trình nội bộ giải quyết TTHC; cập nhật công khai TTHC",
        "Ngày Chủ tịch UBND tỉnh ban hành quyết định công bố danh mục TTHC",
        (("Phòng chuyên môn xây dựng dự thảo quy trình nội bộ giải quyết TTHC", "division", 2),
         ("Văn phòng Sở trình phê duyệt quy trình nội bộ, cập nhật công khai TTHC", "office", 3))),
}


@dataclass(frozen=True)
class StepView:
    id: int
    position: int
    name: str
    unit_id: int
    unit_name: str
    budget_days: float
    planned_due: date
    own_due: date | None          # None while the step before is unfinished
    completed_on: date | None
    status: str                   # waiting | in_progress | overdue | done_on_time | done_late
    days_late: int                # working days past its own due (finished, or up to today)
    version: int

    @property
    def status_label(self) -> str:
        return STEP_STATUS_LABELS[self.status]


@dataclass(frozen=True)
class ProcessView:
    id: int
    name: str
    task_id: int | None
    trigger_date: date
    note: str
    steps: tuple[StepView, ...]
    planned_due: date             # the last step's planned due
    status: str                   # in_progress | overdue | done_on_time | done_late
    version: int

    @property
    def late_steps(self) -> tuple[StepView, ...]:
        return tuple(step for step in self.steps if step.status in ("done_late", "overdue"))


def _end_of(day: date, calendar: WorkCalendar) -> datetime:
    return datetime.combine(day, calendar.hours.closes)


def _due_date(moment: datetime, calendar: WorkCalendar) -> date:
    """The day a due moment falls on; an opening time belongs to the previous working day's close."""
    if moment.time() <= calendar.hours.opens:
        previous = moment.date() - timedelta(days=1)
        while not calendar.is_working_day(previous):
            previous -= timedelta(days=1)
        return previous
    return moment.date()


def process_view(process: StepProcess, today: date | None = None,
                 calendar: WorkCalendar | None = None) -> ProcessView:
    today = today or date.today()
    calendar = calendar or current_calendar()
    steps = list(ProcessStep.select(ProcessStep, Unit).join(Unit).where(ProcessStep.process == process.id)
                 .order_by(ProcessStep.position, ProcessStep.id))
    planned = _end_of(process.trigger_date, calendar)
    previous_done: date | None = process.trigger_date
    views = []
    for step in steps:
        planned = calendar.add_working_time(planned, step.budget_days)
        planned_due = _due_date(planned, calendar)
        own_due = None
        if previous_done is not None:
            own = _due_date(calendar.add_working_time(_end_of(previous_done, calendar), step.budget_days), calendar)
            own_due = max(own, planned_due)
        if step.completed_on is not None:
            late = own_due is not None and step.completed_on > own_due
            status = "done_late" if late else "done_on_time"
            days_late = calendar.workdays(own_due + timedelta(days=1), step.completed_on) if late else 0
        elif own_due is None:
            status, days_late = "waiting", 0
        elif today > own_due:
            status, days_late = "overdue", calendar.workdays(own_due + timedelta(days=1), today)
        else:
            status, days_late = "in_progress", 0
        views.append(StepView(step.id, step.position, step.name, step.unit_id, step.unit.name, step.budget_days,
                              planned_due, own_due, step.completed_on, status, days_late, step.version))
        previous_done = step.completed_on
    final_due = views[-1].planned_due if views else process.trigger_date
    if views and all(v.completed_on for v in views):
        status = "done_late" if views[-1].completed_on > final_due else "done_on_time"
    elif today > final_due or any(v.status == "overdue" for v in views):
        status = "overdue"
    else:
        status = "in_progress"
    return ProcessView(process.id, process.name, process.task_id, process.trigger_date, process.note,
                       tuple(views), final_due, status, process.version)


def late_steps(process: StepProcess | ProcessView | int, today: date | None = None) -> tuple[StepView, ...]:
    """The steps (so the units) that made the process late: finished after, or still open past, their own due."""
    if isinstance(process, ProcessView):
        return process.late_steps
    record = process if isinstance(process, StepProcess) else get_process(process)
    return process_view(record, today).late_steps


def get_process(process_id: int) -> StepProcess:
    process = StepProcess.get_or_none(StepProcess.id == process_id)
    if process is None:
        raise NotFound(f"Không còn quy trình số {process_id}.")
    return process


def processes_of_task(task_id: int) -> list[StepProcess]:
    return list(StepProcess.select().where(StepProcess.task == task_id)
                .order_by(StepProcess.trigger_date, StepProcess.id))


def list_processes(today: date | None = None) -> list[ProcessView]:
    calendar = current_calendar()
    return [process_view(p, today, calendar)
            for p in StepProcess.select().order_by(StepProcess.trigger_date.desc(), StepProcess.id)]


def create_process(actor: Actor, name: str, trigger_date: date, steps: Sequence[tuple[str, int, float]], *,
                   task_id: int | None = None, note: str = "") -> int:
    """A procedure with its steps (name, unit id, budget in working days), counted from ``trigger_date``."""
    require(actor, "tasks")
    name = nfc(name)
    if not name:
        raise InvalidInput("Tên quy trình không được để trống.")
    if not steps:
        raise InvalidInput("Quy trình cần ít nhất một bước.")
    with connection.write_transaction():
        if task_id is not None and Task.get_or_none(Task.id == task_id) is None:
            raise NotFound(f"Không còn nhiệm vụ số {task_id}.")
        process = insert_record(StepProcess, actor.username, name=name, trigger_date=trigger_date, task=task_id,
                                note=nfc(note))
        for position, (step_name, unit_id, budget) in enumerate(steps, start=1):
            if not nfc(step_name):
                raise InvalidInput(f"Bước {position} chưa có tên.")
            if budget is None or float(budget) <= 0:
                raise InvalidInput(f"Bước {position} («{nfc(step_name)}»): số ngày làm việc phải lớn hơn 0.")
            if Unit.get_or_none(Unit.id == unit_id) is None:
                raise NotFound(f"Bước {position}: không còn đơn vị số {unit_id}.")
            insert_record(ProcessStep, actor.username, process=process.id, position=position, name=nfc(step_name),
                          unit=unit_id, budget_days=float(budget))
        return process.id


def create_from_template(actor: Actor, key: str, division_unit_id: int, trigger_date: date, *,
                         task_id: int | None = None, office_unit_id: int | None = None, note: str = "") -> int:
    """One of the plan's step procedures (``STEP_TEMPLATES``) for a division, with the Office's steps."""
    template = STEP_TEMPLATES.get(key)
    if template is None:
        raise InvalidInput(f"Không có quy trình mẫu «{key}».")
    if office_unit_id is None:
        offices = sorted(org.office_unit_ids())
        if not offices:
            raise NotFound("Chưa có đơn vị Văn phòng Sở trong danh sách đơn vị.")
        office_unit_id = offices[0]
    steps = [(name, division_unit_id if owner == "division" else office_unit_id, budget)
             for name, owner, budget in template.steps]
    return create_process(actor, template.name, trigger_date, steps, task_id=task_id,
                          note=note or f"Mốc tính thời gian: {template.trigger}.")


def complete_step(actor: Actor, step_id: int, completed_on: date | None, expected_version: int | None = None) -> None:
    """Record when a step was finished (None reopens it). The step's unit, or the Office, may do so."""
    step = ProcessStep.get_or_none(ProcessStep.id == step_id)
    if step is None:
        raise NotFound(f"Không còn bước số {step_id}.")
    require(actor, "progress", unit_id=step.unit_id)
    with connection.write_transaction():
        process = StepProcess.get_by_id(step.process_id)
        earlier = list(ProcessStep.select().where((ProcessStep.process == process.id)
                                                  & (ProcessStep.position < step.position)))
        if completed_on is not None:
            if any(s.completed_on is None for s in earlier):
                raise InvalidInput(f"Bước “{step.name}”: các bước trước chưa hoàn thành.")
            floor = max([process.trigger_date, *(s.completed_on for s in earlier)])
            if completed_on < floor:
                raise InvalidInput(f"Ngày hoàn thành bước “{step.name}” không thể trước ngày {floor:%d/%m/%Y} "
                                   "(mốc bắt đầu hoặc ngày xong bước trước).")
        update_record(ProcessStep, step.id, expected_version, actor.username, completed_on=completed_on)


def delete_process(actor: Actor, process_id: int) -> None:
    require(actor, "tasks")
    with connection.write_transaction():
        process = StepProcess.get_or_none(StepProcess.id == process_id)
        if process is not None:
            delete_record(process, actor.username)
