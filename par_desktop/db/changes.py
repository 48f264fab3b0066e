"""Writing records with optimistic concurrency and an audit row per changed field.

Call these inside ``connection.write_transaction()`` so the change and its audit rows commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from peewee import ForeignKeyField, Model

from par_desktop.db import audit_chain
from par_desktop.db.models import VersionedModel
from par_desktop.errors import ConflictError, NotFound


class _ProcessValue:
    """A value every thread of the process sees (a ContextVar would hide it from worker threads)."""

    def __init__(self, default: str):
        self._value = default

    def get(self) -> str:
        return self._value

    def set(self, value: str) -> str:
        """Set the value; returns the previous one, to give back to ``reset`` (as a ContextVar token)."""
        previous, self._value = self._value, value
        return previous

    def reset(self, previous: str) -> None:
        self._value = previous


# The presence session of this process, stamped on audit rows (set at sign-in; one app = one session).
current_session_id = _ProcessValue("")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Model):
        return str(value.get_id())
    if isinstance(value, (date, datetime)):
        return value.isoformat(sep=" ", timespec="minutes") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def audit(username: str, action: str, table: str, record_id: Any = "", field: str = "",
          old: Any = None, new: Any = None) -> None:
    audit_chain.append({"at": datetime.now(), "username": username, "action": action, "table_name": table,
                        "record_id": str(record_id), "field": field, "old_value": _text(old), "new_value": _text(new),
                        "session_id": current_session_id.get()})


def row_values(record: Model) -> dict[str, Any]:
    """The column values of a record keyed by field name (foreign keys as ids)."""
    return {name: getattr(record, f"{name}_id") if isinstance(field, ForeignKeyField) else getattr(record, name)
            for name, field in record._meta.fields.items()}


Record = TypeVar("Record", bound=Model)


def insert_record(model: type[Record], username: str, /, **values: Any) -> Record:
    record = model.create(**values)
    audit(username, "insert", model._meta.table_name, record.get_id(), new=_summary(record))
    return record


@dataclass(frozen=True)
class AuditAs:
    """The one audit row that tells a change better than a row per field (a setting by its key, a day of
    the calendar, "password changed" without the hash). ``record_id=None``: the record's id."""
    action: str = "update"
    field: str = ""
    old: Any = None
    new: Any = None
    record_id: Any = None


# ``audit_as=SUMMARISED``: derived rows (a task's occurrences) whose caller writes one summary row for all.
SUMMARISED = AuditAs(action="")


def update_record(model: type[VersionedModel], record_id: Any, expected_version: int | None,
                  username: str, /, *, audit_as: AuditAs | None = None, **changes: Any) -> VersionedModel:
    """Apply ``changes`` if the record is still at ``expected_version``; audit each changed field (or
    write the one row ``audit_as``). The one way a versioned record is changed: the version goes up by one.

    ``expected_version=None`` is an explicit overwrite (the clerk chose "ghi đè" after a conflict).
    """
    record = model.get_or_none(model._meta.primary_key == record_id)
    if record is None:
        raise NotFound(f"Bản ghi {record_id} không còn tồn tại (có thể người khác vừa xóa).")
    if expected_version is not None and record.version != expected_version:
        raise ConflictError(
            "Bản ghi đã được người khác sửa sau khi bạn mở. Hãy tải lại để xem thay đổi, hoặc ghi đè.",
            current=row_values(record), table=model._meta.table_name, record_id=str(record_id))
    before = row_values(record)
    actual = {k: v for k, v in changes.items() if before[k] != (v.get_id() if isinstance(v, Model) else v)}
    if not actual:
        return record
    query = model.update(**actual, version=model.version + 1, updated_at=datetime.now()).where(
        (model._meta.primary_key == record_id) & (model.version == record.version))
    if query.execute() != 1:
        raise ConflictError("Bản ghi vừa được người khác sửa cùng lúc. Hãy tải lại rồi thử lại.",
                            current=row_values(model.get_by_id(record_id)), table=model._meta.table_name,
                            record_id=str(record_id))
    if audit_as is None:
        for name, value in actual.items():
            audit(username, "update", model._meta.table_name, record_id, name, before.get(name), value)
    elif audit_as.action:
        audit(username, audit_as.action, model._meta.table_name,
              record_id if audit_as.record_id is None else audit_as.record_id, audit_as.field, audit_as.old,
              audit_as.new)
    return model.get_by_id(record_id)


def delete_record(record: Model, username: str) -> None:
    """Delete and audit ``record``. Child rows that ON DELETE CASCADE removes with it get no row of their own."""
    audit(username, "delete", record._meta.table_name, record.get_id(), old=_summary(record))
    record.delete_instance()


def _summary(record: Model) -> str:
    values = row_values(record)
    return "; ".join(f"{k}={_text(v)}" for k, v in values.items()
                     if k not in ("id", "version", "updated_at", "content", "password_hash") and v not in (None, ""))
