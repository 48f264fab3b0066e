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


def test_models_with_a_username_column_and_second_precise_changes(empty_db):
    from datetime import datetime

    from par_desktop.db.models import Presence, User

    with write_transaction():
        user = insert_record(User, "admin", username="vp.hoa", role="office")
        assert user.username == "vp.hoa"
        presence = insert_record(Presence, "admin", session_id="s1", username="vp.hoa", machine="PC-01", pid=1)
        unit = insert_record(Unit, "admin", name="Văn phòng Sở", short_code="VP")
    with write_transaction():
        update_record(User, user.id, 1, "admin", locked_until=datetime(2024, 5, 4, 8, 0, 0))
        moved = update_record(User, user.id, 2, "admin", locked_until=datetime(2024, 5, 4, 8, 0, 30))
        unchanged = update_record(Unit, unit.id, 1, "admin", sort_order=0.0)
    assert moved.version == 3 and moved.locked_until.second == 30
    assert unchanged.version == 1
    assert presence.machine == "PC-01"


def test_session_id_is_seen_by_worker_threads(empty_db):
    import threading

    from par_desktop.db.changes import audit, current_session_id

    current_session_id.set("session-42")
    try:
        def work():
            with write_transaction():
                audit("clerk", "import", "dossier")
            from par_desktop.db.connection import current

            current().close()

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    finally:
        current_session_id.set("")
    assert AuditLog.get(AuditLog.action == "import").session_id == "session-42"
