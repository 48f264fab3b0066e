"""Optimistic concurrency and the audit rows written with every change."""

import pytest

from par_desktop.db.changes import delete_record, insert_record, update_record
from par_desktop.db.connection import write_transaction
from par_desktop.db.models import AuditLog, Unit
from par_desktop.errors import ConflictError, NotFound


def test_update_with_current_version_bumps_it_and_audits_each_field(empty_db):
    with write_transaction():
        unit = insert_record(Unit, "vp1", name="Phòng Người có công", short_code="NCC")
    with write_transaction():
        updated = update_record(Unit, unit.id, 1, "vp1", head_name="Hoàng Thị Lan", short_code="NCC")
    assert updated.version == 2
    rows = list(AuditLog.select().where(AuditLog.action == "update"))
    assert [(r.field, r.old_value, r.new_value, r.username) for r in rows] == [
        ("head_name", "", "Hoàng Thị Lan", "vp1")]


def test_stale_version_is_refused_with_the_current_values(empty_db):
    with write_transaction():
        unit = insert_record(Unit, "a", name="Phòng Bảo trợ xã hội", short_code="BTXH")
    with write_transaction():
        update_record(Unit, unit.id, 1, "clerk_a", head_name="Đỗ Văn Nam")
    with pytest.raises(ConflictError) as caught, write_transaction():
        update_record(Unit, unit.id, 1, "clerk_b", head_name="Người khác")
    assert caught.value.current["head_name"] == "Đỗ Văn Nam"
    assert Unit.get_by_id(unit.id).head_name == "Đỗ Văn Nam"


def test_explicit_overwrite_and_unchanged_values(empty_db):
    with write_transaction():
        unit = insert_record(Unit, "a", name="Thanh tra Sở", short_code="TTr")
        update_record(Unit, unit.id, 1, "a", head_name="X")
        same = update_record(Unit, unit.id, None, "b", head_name="X")
    assert same.version == 2  # nothing changed, nothing written
    with write_transaction():
        assert update_record(Unit, unit.id, None, "b", head_name="Y").version == 3


def test_delete_is_audited_and_missing_record_reported(empty_db):
    with write_transaction():
        unit = insert_record(Unit, "a", name="Phòng Giáo dục nghề nghiệp", short_code="GDNN")
        delete_record(unit, "a")
    assert AuditLog.select().where(AuditLog.action == "delete").count() == 1
    with pytest.raises(NotFound), write_transaction():
        update_record(Unit, unit.id, 1, "a", head_name="Z")
