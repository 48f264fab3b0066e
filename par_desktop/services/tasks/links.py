"""A task's lead and coordinating units (``TaskUnit`` rows), each change audited."""

from __future__ import annotations

from collections.abc import Iterable

from par_desktop.db.changes import audit
from par_desktop.db.models import Task, TaskUnit, Unit
from par_desktop.errors import NotFound
from par_desktop.services.session import Actor


def dedupe(ids: list[int]) -> list[int]:
    return list(dict.fromkeys(ids))



def check_units(ids: Iterable[int]) -> list[int]:
    ids = dedupe([int(i) for i in ids])
    known = {u.id for u in Unit.select(Unit.id).where(Unit.id.in_(ids))}
    if missing := [i for i in ids if i not in known]:
        raise NotFound(f"Không còn đơn vị số {missing[0]}.")
    return ids



def sync_units(actor: Actor, task: Task, lead_ids: list[int], coord_ids: list[int]) -> bool:
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
