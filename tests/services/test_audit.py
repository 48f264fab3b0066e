"""The audit trail: db.changes writes old -> new in the change's transaction; the service only reads it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from par_desktop.db import changes, connection
from par_desktop.db.models import AuditLog, Unit
from par_desktop.services import audit, org
from par_desktop.services.session import Actor

REPO = Path(__file__).resolve().parents[2]
ADMIN = Actor("quantri", "admin")
OFFICE = Actor("lan", "office")


@pytest.fixture(autouse=True)
def no_session_leak():
    token = changes.current_session_id.set("")
    yield
    changes.current_session_id.reset(token)


def test_change_helpers_record_old_and_new_values(empty_db):
    with connection.write_transaction():
        unit = changes.insert_record(Unit, "lan", name="Phòng Người có công", short_code="NCC")
    with connection.write_transaction():
        changes.update_record(Unit, unit.id, 1, "lan", head_name="Phạm Văn Bình", sort_order=3, active=False)
    with connection.write_transaction():
        changes.delete_record(Unit.get_by_id(unit.id), "binh")
    rows = audit.entries(table="unit", newest_first=False)
    assert [(r.action, r.field) for r in rows] == [
        ("insert", ""), ("update", "head_name"), ("update", "sort_order"), ("update", "active"), ("delete", "")]
    assert "name=Phòng Người có công" in rows[0].new and "short_code=NCC" in rows[0].new
    assert [(r.old, r.new) for r in rows[1:4]] == [("", "Phạm Văn Bình"), ("0", "3"), ("True", "False")]
    assert "head_name=Phạm Văn Bình" in rows[4].old and rows[4].new is None
    assert {r.record_id for r in rows} == {str(unit.id)}
    assert rows[-1].username == "binh" and rows[-1].action_label == "Xóa" and rows[-1].table_label == "Đơn vị"


def test_an_unchanged_update_writes_no_audit_row(empty_db):
    unit = org.create_unit(ADMIN, "Văn phòng Sở", "VP")
    before = AuditLog.select().count()
    org.update_unit(ADMIN, unit.id, unit.version, name="Văn phòng Sở")
    assert AuditLog.select().count() == before


def test_audit_rows_roll_back_with_a_failed_change(empty_db):
    with pytest.raises(RuntimeError), connection.write_transaction():
        changes.insert_record(Unit, "lan", name="Phòng tạm", short_code="TAM")
        raise RuntimeError("the change failed half-way")
    assert Unit.select().count() == 0 and AuditLog.select().count() == 0


def test_filters_user_table_record_dates_session(empty_db):
    # a change made on 01/03/2024 (the trail is append-only, so the past is written, not edited)
    AuditLog.create(at=datetime(2024, 3, 1, 9, 0), username="quantri", action="update", table_name="setting",
                    record_id="tasks.at_risk_days", field="tasks.at_risk_days", old_value=None, new_value="10")
    token = changes.current_session_id.set("s-1")
    unit = org.create_unit(OFFICE, "Phòng Bảo trợ xã hội", "BTXH")
    org.update_unit(OFFICE, unit.id, unit.version, head_name="Lê Văn C")
    changes.current_session_id.reset(token)

    assert [e.field for e in audit.entries(user="quantri")] == ["tasks.at_risk_days"]
    assert [e.action for e in audit.entries(table="unit", newest_first=False)] == ["insert", "update"]
    assert [e.field for e in audit.entries(record_id=unit.id, action="update")] == ["head_name"]
    assert len(audit.entries(session_id="s-1")) == 2
    assert [e.username for e in audit.entries(since=date(2024, 3, 1), until=date(2024, 3, 1))] == ["quantri"]
    assert audit.entries(since=date(2024, 3, 2), until=date(2024, 3, 31)) == []
    assert audit.count(since=date.today()) == 2
    with pytest.raises(Exception, match="append-only"):   # and nobody can edit it afterwards
        AuditLog.update(new_value="9").where(AuditLog.table_name == "setting").execute()
    assert audit.users() == ["lan", "quantri"] and audit.tables() == ["setting", "unit"]
    [summary] = audit.sessions()
    assert (summary.session_id, summary.username, summary.changes) == ("s-1", "lan", 2)
    assert summary.last - summary.first < timedelta(seconds=5) and "lan" in summary.label()
    entry = audit.entries(table="setting")[0]
    assert entry.as_json()["at"] == "2024-03-01T09:00:00" and entry.as_json()["new"] == "10"


def test_nothing_in_the_application_edits_the_audit_trail():
    """Append-only: no code path updates or deletes audit rows (only db.changes.audit creates them, through
    db.audit_chain; the one UPDATE is the upgrade that chains the rows of an older file, under test in
    tests/db/test_audit_chain.py)."""
    forbidden = re.compile(r"AuditLog\s*\.\s*(update|delete|replace|insert_many|truncate_table|drop_table|"
                           r"bulk_update|set_by_id|delete_by_id)\b|\baudit_log\b[^\n]*\b(UPDATE|DELETE)\b"
                           r"|(UPDATE|DELETE FROM)\s+\"?audit_log|bulk_insert\(\s*AuditLog", re.IGNORECASE)
    offenders = []
    for path in (REPO / "par_desktop").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(REPO)}: {m.group(0)}" for m in forbidden.finditer(text)]
        if "AuditLog" in text and path.name not in ("models.py", "changes.py", "audit.py", "connection.py",
                                                    "audit_chain.py"):
            offenders += [f"{path.relative_to(REPO)}: {m.group(0)}"
                          for m in re.finditer(r"AuditLog\s*\.\s*(create|insert)\b", text)]
    assert sorted(offenders) == ["par_desktop/db/audit_chain.py: UPDATE audit_log",       # the upgrade
                                 "par_desktop/db/audit_chain.py: bulk_insert(AuditLog"]   # chained imports


def test_changes_read_in_the_clerks_words_on_both_engines(any_empty_db):
    """What changed since a moment (by kind of record, by whom) and each row as the screens show it."""
    start = datetime.now() - timedelta(minutes=1)
    org.create_unit(ADMIN, "Phòng Người có công", "NCC")
    unit = org.create_unit(OFFICE, "Phòng Bảo trợ xã hội", "BTXH")
    org.update_unit(OFFICE, unit.id, unit.version, head_name="Phạm Văn Bình", active=False)
    changes.audit("lan", "login", "user", "lan")                          # a sign-in is no change of data
    summary = audit.change_summary(since=start)
    assert (summary.records, summary.by_kind, summary.people) == (2, [("Đơn vị", 2)], ["lan", "quantri"])
    assert summary.text() == "2 đơn vị — lan, quantri"
    shown = {(e.field, e.old, e.new) for e in audit.shown(audit.entries(table="unit", action="update"))}
    assert shown == {("Người đứng đầu", "", "Phạm Văn Bình"), ("Đang hoạt động", "Có", "Không")}
    added = audit.shown(audit.entries(table="unit", action="insert", user="quantri"))[0]
    assert added.user == "quantri" and added.new.startswith("Tên: Phòng Người có công; Ký hiệu: NCC")
