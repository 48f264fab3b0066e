"""The command line and the shared services pointed at a PostgreSQL URL: ``--db postgresql://…`` (or
PAR_DESKTOP_DB) runs init --demo, check, tasks, backup and restore; presence, maintenance mode and the
audit trail work as on the file."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from par_desktop.db import changes, connection
from par_desktop.db.models import AppMeta, AuditLog, Presence, Unit
from par_desktop.services import presence
from par_desktop.services.session import Actor

pytestmark = pytest.mark.postgres

ADMIN = Actor("quantri", "admin", None, "Nguyễn Quản Trị")


@pytest.mark.slow
def test_demo_check_tasks_backup_restore_on_the_command_line(pg_url, tmp_path, cli, pg_admin):
    done = cli("init", "--demo", "--dossiers", "300", db=pg_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == connection.describe(pg_url)
    assert cli("check", db=pg_url).stdout.strip() == "ok"
    tasks = json.loads(cli("tasks", "--json", db=pg_url).stdout)
    assert len(tasks) >= 10 and {"ref", "lead_units", "status"} <= set(tasks[0])
    # The environment variable works as --db does.
    via_env = cli("tasks", "--json", env={"PAR_DESKTOP_DB": pg_url})
    assert json.loads(via_env.stdout) == tasks
    saved = tmp_path / "truoc.dump"
    assert cli("backup", "--out", str(saved), db=pg_url).returncode == 0
    pg_admin(pg_url).rows("DELETE FROM task_unit; DELETE FROM task_occurrence; DELETE FROM task")
    assert json.loads(cli("tasks", "--json", db=pg_url).stdout) == []
    restored = cli("restore", str(saved), db=pg_url, user="quantri")
    assert restored.returncode == 0, restored.stderr
    assert json.loads(cli("tasks", "--json", db=pg_url).stdout) == tasks
    assert cli("check", db=pg_url).stdout.strip() == "ok"


def test_init_on_an_empty_postgres_database(pg_url, cli):
    done = cli("init", db=pg_url)
    assert done.returncode == 0, done.stderr
    assert "devsecret" not in done.stdout and cli("check", db=pg_url).returncode == 0


@pytest.fixture
def fresh_presence(monkeypatch):
    monkeypatch.setattr(presence, "_registration", None)
    before = changes.current_session_id.get()
    changes.current_session_id.set("")
    yield
    changes.current_session_id.set(before)


def test_presence_and_audit_sessions(pg_db, fresh_presence):
    from par_desktop.services import audit

    session_id = presence.register(ADMIN, "Đang xem")
    Presence.create(session_id="other", username="lan", machine="MAY-02", pid=1,
                    since=datetime.now(), heartbeat=datetime.now() - timedelta(seconds=5))
    assert presence.heartbeat("Đang nhập hồ sơ") is True
    assert {s.username for s in presence.active_sessions()} == {"quantri", "lan"}
    assert [s.username for s in presence.others_working()] == ["lan"]
    with connection.write_transaction():
        changes.insert_record(Unit, "quantri", name="Văn phòng Sở", short_code="VP")
    [row] = AuditLog.select().where(AuditLog.table_name == "unit")
    assert row.session_id == session_id
    [summary] = audit.sessions()
    assert summary.session_id == session_id and isinstance(summary.last, datetime) and summary.changes == 1
    presence.unregister()
    assert [s.username for s in presence.active_sessions()] == ["lan"]


def test_maintenance_mode_uses_the_portable_replace(pg_db, fresh_presence):
    presence.register(ADMIN)
    presence.enter_maintenance(ADMIN, "Khôi phục dữ liệu")
    state = presence.maintenance_state()
    assert state is not None and state.username == "quantri"
    presence.enter_maintenance(ADMIN, "Nâng cấp")             # replaces the row, as on SQLite
    assert AppMeta.select().where(AppMeta.key.startswith("maintenance")).count() == 1
    assert presence.leave_maintenance(ADMIN) is True
    assert presence.maintenance_state() is None


def test_heartbeat_skips_while_another_clerk_writes(pg_db, fresh_presence, monkeypatch, pg_admin):
    """A long write elsewhere makes the beat skip (False), as on the file, instead of failing."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_S", 1)
    connection.current().close()
    from par_desktop.db.schema import open_database

    open_database(pg_db)
    presence.register(ADMIN)
    other = pg_admin(pg_db)
    other.conn.autocommit = False
    other.rows("SELECT pg_advisory_xact_lock(%s, %s)", connection.WRITE_LOCK)
    assert presence.heartbeat() is False
    other.conn.rollback()
    assert presence.heartbeat() is True


def test_lock_wait_shortens_the_wait_on_both_backends(any_empty_db, pg_admin, tmp_path):
    """connection.lock_wait(ms): how long a writer waits for another's lock, SQLite or PostgreSQL."""
    import sqlite3
    import time

    import peewee

    if any_empty_db.startswith("postgresql"):
        other = pg_admin(any_empty_db)
        other.conn.autocommit = False
        other.rows("SELECT pg_advisory_xact_lock(%s, %s)", connection.WRITE_LOCK)
        release = other.conn.rollback
    else:
        other = sqlite3.connect(any_empty_db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        release = other.rollback
    started = time.monotonic()
    with pytest.raises(peewee.OperationalError, match="locked"):
        with connection.lock_wait(300), connection.write_transaction():
            Unit.create(name="Phòng mới", short_code="PM")
    assert 0.25 < time.monotonic() - started < 3
    release()
    with connection.write_transaction():       # the normal wait is back, and the write goes through
        Unit.create(name="Phòng mới", short_code="PM")
    assert Unit.select().count() == 1
    if not any_empty_db.startswith("postgresql"):
        assert connection.current().execute_sql("PRAGMA busy_timeout").fetchone()[0] == connection.BUSY_TIMEOUT_S * 1000
    else:
        assert connection.current().execute_sql("SHOW lock_timeout").fetchone()[0] == f"{connection.BUSY_TIMEOUT_S}s"
