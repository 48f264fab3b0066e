"""Units' progress reports on tasks, with their evidence files."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from par_desktop.db import connection
from par_desktop.db.changes import audit, update_record
from par_desktop.db.models import Attachment, ProgressReport, Task, TaskOccurrence, TaskUnit, Unit
from par_desktop.domain.text import nfc
from par_desktop.errors import InvalidInput, NotFound, PermissionDenied
from par_desktop.services.evidence_files import safe_name
from par_desktop.services.session import Actor, require

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024


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
        occs = list(TaskOccurrence.select().where(TaskOccurrence.task == task.id)
                    .order_by(TaskOccurrence.period_start, TaskOccurrence.id))
        if unit_id is not None:
            _check_lead(actor, task, occs, unit_id)
        occurrence = _pick_occurrence(task, occs, unit_id, occurrence_id, reported_on)
        report = ProgressReport.create(task=task.id, occurrence=occurrence.id if occurrence else None,
                                       unit=unit_id, reported_on=reported_on, percent=percent, text=nfc(text),
                                       username=actor.username)
        audit(actor.username, "insert", "progress_report", report.id, "percent", None,
              f"{task.ref}{' / ' + occurrence.label if occurrence else ''}: {percent}%")
        _store_files(actor, report.id, files)
        completed = reported_on if percent == 100 else None
        target = (TaskOccurrence, occurrence) if occurrence is not None else (Task, task)
        values: dict[str, Any] = {"progress_percent": percent, "completed_on": completed}
        if target[0] is Task and task.started_on is None:
            values["started_on"] = reported_on
        update_record(target[0], target[1].id, None, actor.username, **values)
        return report.id


def _check_lead(actor: Actor, task: Task, occs: list[TaskOccurrence], unit_id: int) -> None:
    """Only the lead unit (or, for a task of every unit, the unit that owes it) reports progress."""
    links = TaskUnit.select().where((TaskUnit.task == task.id) & (TaskUnit.unit == unit_id)
                                    & (TaskUnit.role == "lead"))
    if links.exists() or (task.per_unit and any(o.unit_id == unit_id for o in occs)):
        return
    unit = Unit.get_or_none(Unit.id == unit_id)
    name = unit.name if unit else f"số {unit_id}"
    message = (f"{name} không chủ trì nhiệm vụ {task.ref}: tiến độ do đơn vị chủ trì báo cáo "
               "(đơn vị phối hợp gửi kết quả cho đơn vị chủ trì).")
    raise PermissionDenied(message) if actor.role == "unit" else InvalidInput(message)


def _store_files(actor: Actor, report_id: int, files: list[tuple[str, bytes]]) -> None:
    """The evidence files of a report, in the database (each with its SHA-256), audited by name."""
    for filename, content in files:
        Attachment.create(report=report_id, filename=filename, size=len(content),
                          sha256=hashlib.sha256(content).hexdigest(), content=content)
        audit(actor.username, "insert", "attachment", report_id, "filename", None, filename)


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
    """(safe base name, content): a stored name is never a path (``evidence_files.safe_name``)."""
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
    return safe_name(filename), bytes(content)
