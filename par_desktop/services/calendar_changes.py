"""Changing the working calendar (overrides, office hours): open dossiers' due moments follow."""

from __future__ import annotations

from datetime import date, time

from par_desktop.db import connection
from par_desktop.db.changes import AuditAs, audit, update_record
from par_desktop.db.models import CalendarOverride
from par_desktop.domain.text import nfc
from par_desktop.errors import InvalidInput
from par_desktop.services import settings
from par_desktop.services.dossiers.recompute import recompute_open_due
from par_desktop.services.session import Actor, require


def set_override(actor: Actor, day: date, is_working: bool, reason: str) -> None:
    """Make ``day`` a working day or a day off whatever the package says (e.g. a provincial decision)."""
    require(actor, "calendar")
    reason = nfc(reason)
    if not reason:
        raise InvalidInput("Cần ghi lý do (ví dụ số quyết định) khi thay đổi lịch làm việc.")
    with connection.write_transaction():
        row = CalendarOverride.get_or_none(CalendarOverride.day == day)
        old = None if row is None else f"{'làm việc' if row.is_working else 'nghỉ'}: {row.reason}"
        new = f"{'làm việc' if is_working else 'nghỉ'}: {reason}"
        if row is None:
            CalendarOverride.create(day=day, is_working=is_working, reason=reason)
            audit(actor.username, "update", "calendar_override", day.isoformat(), "day", old, new)
        else:
            update_record(CalendarOverride, row.id, None, actor.username, is_working=is_working, reason=reason,
                          audit_as=AuditAs(field="day", old=old, new=new, record_id=day.isoformat()))
    _recompute_open_items(actor)


def remove_override(actor: Actor, day: date) -> None:
    require(actor, "calendar")
    with connection.write_transaction():
        row = CalendarOverride.get_or_none(CalendarOverride.day == day)
        if row is None:
            return
        audit(actor.username, "delete", "calendar_override", day.isoformat(), "day", row.reason, None)
        row.delete_instance()
    _recompute_open_items(actor)


def set_office_hours(actor: Actor, opens: time, closes: time) -> None:
    require(actor, "calendar")
    if not opens < closes:
        raise InvalidInput("Giờ mở cửa phải trước giờ đóng cửa.")
    settings.set_value(actor, settings.OFFICE_OPENS, opens.strftime("%H:%M"))
    settings.set_value(actor, settings.OFFICE_CLOSES, closes.strftime("%H:%M"))
    _recompute_open_items(actor)


def _recompute_open_items(actor: Actor) -> None:
    """Open dossiers follow the new calendar; closed ones keep the due moment they were judged by."""
    recompute_open_due(actor)
