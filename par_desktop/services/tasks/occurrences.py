"""A recurring or per-unit task's occurrences: one per period (and per unit), derived from the task."""

from __future__ import annotations

from datetime import date

from par_desktop.db import connection
from par_desktop.db.changes import SUMMARISED, audit, update_record
from par_desktop.db.models import Plan, ProgressReport, Task, TaskOccurrence
from par_desktop.domain.deadlines import occurrences, period_label
from par_desktop.domain.text import ui_date
from par_desktop.services import org
from par_desktop.services.session import Actor, require


def task_year(task: Task) -> int:
    if task.plan_id is not None:
        return Plan.get_by_id(task.plan_id).year
    return (task.due_date or date.today()).year


def _wanted_occurrences(task: Task) -> dict[tuple[int | None, date], tuple[date, date, str]]:
    """(unit, period start) -> (period end, due, label) of the occurrences a task should have."""
    if not task.recurrence and not task.per_unit:
        return {}
    year = task_year(task)
    if task.recurrence:
        periods = [(start, end, due, period_label(task.recurrence, start))
                   for start, end, due in occurrences(task.recurrence, year)]
    elif task.due_date is not None:
        start = min(date(year, 1, 1), task.due_date)
        periods = [(start, task.due_date, task.due_date, f"Hạn {ui_date(task.due_date)}")]
    else:
        return {}
    if task.per_unit:
        office = org.office_unit_ids()
        units: list[int | None] = [u.id for u in org.units() if u.id not in office]
    else:
        units = [None]
    return {(unit, start): (end, due, label) for unit in units for start, end, due, label in periods}


def ensure_occurrences(actor: Actor, task: Task) -> bool:
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
            update_record(TaskOccurrence, occ.id, None, actor.username, period_end=wanted[key][0],
                          due_date=wanted[key][1], audit_as=SUMMARISED)
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
            changed += ensure_occurrences(actor, task)
    return changed
