"""Tasks added, edited and deleted by hand (optimistic concurrency, audited)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from peewee import JOIN

from par_desktop.db import connection
from par_desktop.db.changes import delete_record, insert_record, update_record
from par_desktop.db.models import Plan, Task, TaskUnit
from par_desktop.domain.deadlines import Deadline, parse_deadline
from par_desktop.domain.text import nfc
from par_desktop.errors import ConflictError, InvalidInput, NotFound
from par_desktop.services.session import Actor, require
from par_desktop.services.tasks.links import check_units, sync_units
from par_desktop.services.tasks.occurrences import ensure_occurrences, task_year
from par_desktop.services.tasks.views import TaskView, get_task


def _parse_for(text: str, year: int) -> Deadline:
    try:
        return parse_deadline(text, year)
    except InvalidInput as exc:
        raise InvalidInput(f"Thời hạn: {exc.message}") from None



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
        sync_units(actor, task, [] if lead_all else check_units(lead_unit_ids),
                    [] if coordinating_all else check_units(coordinating_unit_ids))
        ensure_occurrences(actor, task)
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
        task = update_record(Task, task.id, expected_version, actor.username, **_column_values(task, changes))
        if {"lead_unit_ids", "lead_all", "coordinating_unit_ids", "coordinating_all"} & set(changes):
            _relink(actor, task, changes)
        ensure_occurrences(actor, task)
    return get_task(task_id)


def _column_values(task: Task, changes: dict) -> dict:
    """The task's columns that ``changes`` set (checked, normalised; a new wording recomputes the date)."""
    year = task_year(task)
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
    return values


def _relink(actor: Actor, task: Task, changes: dict) -> None:
    """The task's lead and coordinating units as ``changes`` give them (the others as they are)."""
    links = list(TaskUnit.select().where(TaskUnit.task == task.id).order_by(TaskUnit.id))
    leads = changes.get("lead_unit_ids", [link.unit_id for link in links if link.role == "lead"])
    coords = changes.get("coordinating_unit_ids", [link.unit_id for link in links if link.role == "coordinating"])
    if not task.per_unit and not leads:
        raise InvalidInput("Hãy chọn đơn vị chủ trì (hoặc “Tất cả các phòng, đơn vị”).")
    sync_units(actor, task, [] if task.per_unit else check_units(leads),
               [] if task.coordinating_all else check_units(coords))


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
