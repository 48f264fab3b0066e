"""services.calendar: administrator overrides and office hours in a real SQLite file, audited, refused
to roles without the "calendar" right, and followed by open dossiers only."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from par_desktop.db.models import AuditLog, CalendarOverride, Setting
from par_desktop.errors import InvalidInput, PermissionDenied
from par_desktop.services import calendar as cal
from par_desktop.services import calendar_changes as changes
from par_desktop.services.session import Actor

ADMIN = Actor("quantri", "admin", full_name="Quản trị")
OFFICE = Actor("vanphong", "office", full_name="Văn thư")
LEADER = Actor("giamdoc", "leader", full_name="Trần Văn Hà")
UNIT = Actor("ncc", "unit", unit_id=1)

REASON = "Quyết định 123/QĐ-UBND ngày 01/11/2024 của UBND tỉnh"


def _audits(table: str) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.table_name == table).order_by(AuditLog.id))


def test_an_override_is_stored_audited_and_changes_the_calendar(empty_db):
    day = date(2024, 12, 31)  # a Tuesday, a working day nationally
    assert cal.current_calendar().is_working_day(day)

    changes.set_override(ADMIN, day, False, "  " + REASON + " ")

    row = CalendarOverride.get(CalendarOverride.day == day)
    assert (row.is_working, row.reason, row.version) == (False, REASON, 1)
    info = cal.current_calendar().day_info(day)
    assert (info.working, info.kind, info.name) == (False, "override_off", REASON)
    [entry] = _audits("calendar_override")
    assert (entry.username, entry.action, entry.record_id) == ("quantri", "update", "2024-12-31")
    assert (entry.old_value, entry.new_value) == (None, f"nghỉ: {REASON}")


def test_changing_an_override_bumps_its_version_and_keeps_the_history(empty_db):
    day = date(2024, 12, 28)  # a Saturday
    changes.set_override(OFFICE, day, False, "Nghỉ theo lịch tỉnh")
    changes.set_override(OFFICE, day, True, "Làm bù theo Quyết định 99/QĐ-UBND")

    row = CalendarOverride.get(CalendarOverride.day == day)
    assert (row.is_working, row.version) == (True, 2)
    assert cal.current_calendar().day_info(day).kind == "override_work"
    old, new = _audits("calendar_override")
    assert (new.old_value, new.new_value) == (old.new_value, "làm việc: Làm bù theo Quyết định 99/QĐ-UBND")


def test_removing_an_override_restores_the_national_calendar(empty_db):
    day = date(2024, 5, 4)  # the official make-up Saturday
    changes.set_override(ADMIN, day, False, REASON)
    assert not cal.current_calendar().is_working_day(day)

    changes.remove_override(ADMIN, day)

    assert CalendarOverride.select().count() == 0
    assert cal.current_calendar().day_info(day).kind == "makeup"
    removal = _audits("calendar_override")[-1]
    assert (removal.action, removal.old_value, removal.new_value) == ("delete", REASON, None)
    changes.remove_override(ADMIN, day)  # nothing left to remove: no error, no audit row
    assert len(_audits("calendar_override")) == 2


def test_an_override_needs_a_reason(empty_db):
    with pytest.raises(InvalidInput, match="lý do"):
        changes.set_override(ADMIN, date(2024, 12, 31), False, "   ")
    assert CalendarOverride.select().count() == 0
    assert not _audits("calendar_override")


@pytest.mark.parametrize("actor", [LEADER, UNIT], ids=["leader", "unit"])
def test_roles_without_the_calendar_right_are_refused_in_vietnamese(empty_db, actor):
    for change in (lambda: changes.set_override(actor, date(2024, 12, 31), False, REASON),
                   lambda: changes.remove_override(actor, date(2024, 12, 31)),
                   lambda: changes.set_office_hours(actor, time(8), time(17))):
        with pytest.raises(PermissionDenied) as refused:
            change()
        assert "không có quyền sửa lịch làm việc" in refused.value.message
    assert CalendarOverride.select().count() == 0
    assert Setting.select().count() == 0
    assert AuditLog.select().count() == 0


def test_office_hours_are_stored_and_used(empty_db):
    changes.set_office_hours(ADMIN, time(8, 0), time(17, 30))

    hours = cal.office_hours()
    assert (hours.opens, hours.closes) == (time(8, 0), time(17, 30))
    calendar = cal.current_calendar()
    assert calendar.next_opening(datetime(2024, 2, 7, 7, 45)) == datetime(2024, 2, 7, 8, 0)
    assert {e.record_id for e in _audits("setting")} == {"office_hours.opens", "office_hours.closes"}


def test_office_hours_must_close_after_they_open(empty_db):
    with pytest.raises(InvalidInput, match="Giờ mở cửa phải trước giờ đóng cửa"):
        changes.set_office_hours(ADMIN, time(17, 0), time(7, 30))
    assert cal.office_hours().opens == time(7, 30)
    assert not _audits("setting")


def test_calendar_changes_move_open_dossiers_only(empty_db):
    """Received Wed 07/02/2024 09:00, 5 working days: due 21/02 09:00 (Tết 08–14/02). A day off on
    Mon 19/02 moves the open dossier's due moment to 22/02; the closed one keeps the moment it was
    judged by; removing the override moves the open one back."""
    from par_desktop.db.models import Dossier
    from par_desktop.services import procedures
    from par_desktop.services.dossiers import editing as dossier_editing

    proc = procedures.create_procedure(ADMIN, code="1.001", name="Giải quyết trợ cấp", field="Người có công",
                                       limit_days=5)
    received = datetime(2024, 2, 7, 9, 0)
    dossier_editing.create_dossier(ADMIN, code="OPEN-1", procedure_id=proc.id, received_at=received)
    dossier_editing.create_dossier(ADMIN, code="CLOSED-1", procedure_id=proc.id, received_at=received,
                            closed_at=datetime(2024, 2, 20, 10, 0))

    def due(code: str) -> datetime:
        return Dossier.get(Dossier.code == code).due_at

    assert due("OPEN-1") == due("CLOSED-1") == datetime(2024, 2, 21, 9, 0)

    changes.set_override(ADMIN, date(2024, 2, 19), False, REASON)
    assert due("OPEN-1") == datetime(2024, 2, 22, 9, 0)
    assert due("CLOSED-1") == datetime(2024, 2, 21, 9, 0)
    moved = [e for e in _audits("dossier") if e.field == "due_at"]
    assert [(e.old_value, e.new_value) for e in moved] == [("2024-02-21 09:00", "2024-02-22 09:00")]

    changes.remove_override(ADMIN, date(2024, 2, 19))
    assert due("OPEN-1") == datetime(2024, 2, 21, 9, 0)

    # 08:00 opening: a dossier received at 07:45 starts at 08:00 instead of 07:45, so its due moment
    # lands on an opening time and is shown as the previous working day's closing
    early = dossier_editing.create_dossier(ADMIN, code="OPEN-2", procedure_id=proc.id,
                                    received_at=datetime(2024, 3, 4, 7, 45))
    assert early.due_at == datetime(2024, 3, 11, 7, 45)
    changes.set_office_hours(ADMIN, time(8, 0), time(17, 0))
    assert due("OPEN-2") == datetime(2024, 3, 8, 17, 0)
    assert due("CLOSED-1") == datetime(2024, 2, 21, 9, 0)
