"""The audit trail cannot be rewritten unnoticed (issue 19, item 3), on SQLite and PostgreSQL.

Each attack of the break-test is reproduced with a plain connection outside the application; ``check``
must name the first broken row or the missing protection, and the database must refuse what it can.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import peewee
import pytest

from par_desktop.db import audit_chain, schema
from par_desktop.db.changes import audit
from par_desktop.db.connection import current, write_transaction
from par_desktop.db.models import AuditLog
from par_desktop.services import backups
from par_desktop.services.session import SYSTEM

ROW_SQL = ("INSERT OR REPLACE INTO audit_log (id, at, username, action, table_name, record_id, field, old_value, "
           "new_value, session_id, row_hash) VALUES (3, '2024-01-01 08:00:00', 'ke-gian', 'update', 'dossier', '1', "
           "'closed_at', NULL, NULL, '', '')")


def _write_rows(n: int = 5) -> None:
    with write_transaction():
        for i in range(n):
            audit("vanphong", "update", "dossier", i, "note", None, f"ghi chú {i}")


def _raw(path):
    conn = sqlite3.connect(path)
    conn.isolation_level = None
    return conn


def test_a_fresh_trail_is_a_sound_chain(any_empty_db):
    _write_rows()
    assert schema.check(current()) == []
    head = audit_chain.head(current())
    assert head.rows == 5 and head.last_hash == AuditLog.get_by_id(head.last_id).row_hash


def test_insert_or_replace_is_refused_by_the_database(empty_db):
    _write_rows()
    conn = _raw(empty_db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(ROW_SQL)
    conn.close()
    assert schema.check(current()) == []


def test_dropping_the_triggers_editing_and_recreating_them_is_found(empty_db):
    _write_rows()
    current().close()
    conn = _raw(empty_db)
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE audit_log SET new_value = 'đã sửa' WHERE id = 3")
    for _, sql in triggers:
        conn.execute(sql)
    conn.close()
    problems = schema.check(schema.open_database(str(empty_db)))
    assert len(problems) == 1 and "dòng số 3" in problems[0] and "vanphong" in problems[0]


def test_a_deleted_row_and_a_missing_trigger_are_named(empty_db):
    _write_rows()
    current().close()
    conn = _raw(empty_db)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id = 2")
    conn.close()
    problems = schema.check(schema.open_database(str(empty_db)))
    assert any("audit_log_no_delete" in p for p in problems)
    assert any("dòng số 3" in p for p in problems)     # the row after the hole no longer follows


def test_a_recomputed_chain_is_caught_by_the_head_in_the_backup_log(demo_db, cli):
    """The attacker who rewrites a row and recomputes every hash after it (the code is public) still
    cannot change the head the backup log recorded at the daily backup."""
    backups.backup_now(SYSTEM, str(demo_db))          # logs the head
    assert cli("check", db=demo_db).stdout.strip() == "ok"
    current().close()
    conn = _raw(demo_db)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET username = 'ai-do' WHERE id = 1")
    previous = audit_chain.GENESIS
    rows = conn.execute(f"SELECT id, {', '.join(audit_chain.HASHED)} FROM audit_log ORDER BY id").fetchall()
    for row in rows:
        values = dict(zip(audit_chain.HASHED, row[1:]))
        values["at"] = datetime.fromisoformat(values["at"])
        previous = audit_chain.row_hash(previous, values)
        conn.execute("UPDATE audit_log SET row_hash = ? WHERE id = ?", (previous, row[0]))
    conn.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN "
                 "SELECT RAISE(ABORT, 'audit_log is append-only'); END")
    conn.close()
    run = cli("check", db=demo_db)
    assert run.returncode == 1 and "nhật ký sao lưu" in run.stdout and "đã bị sửa" in run.stdout


def test_a_version_2_trail_is_chained_at_the_upgrade(tmp_path):
    path = tmp_path / "v2.db"
    shutil.copyfile(schema_v2(), path)
    rows = sqlite3.connect(path).execute("SELECT count(*) FROM audit_log").fetchone()[0]
    db = schema.open_database(str(path))
    assert audit_chain.head(db).rows == rows > 0
    assert schema.check(db) == []
    conn = _raw(path)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(ROW_SQL)
    conn.close()


def schema_v2():
    return Path(__file__).resolve().parents[1] / "data" / "schema-v2-demo.db"


@pytest.mark.postgres
def test_postgres_refuses_truncate_and_check_names_an_edited_row(pg_db, pg_admin):
    _write_rows()
    admin = pg_admin(pg_db)
    with pytest.raises(Exception, match="append-only"):
        admin.rows("TRUNCATE audit_log")
    with pytest.raises(Exception, match="append-only"):
        admin.rows("UPDATE audit_log SET username = 'x' WHERE id = 2")
    assert schema.check(current()) == []
    admin.rows("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    admin.rows("UPDATE audit_log SET new_value = 'đã sửa' WHERE id = 4")
    problems = schema.check(current())
    assert any("audit_log_append_only" in p for p in problems)
    assert any("dòng số 4" in p for p in problems)
    admin.rows("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    admin.rows("DROP TRIGGER audit_log_no_truncate ON audit_log")
    admin.rows("TRUNCATE audit_log")
    problems = schema.check(current())
    assert any("audit_log_no_truncate" in p for p in problems)


@pytest.mark.postgres
def test_a_migrated_trail_still_verifies_on_postgres(demo_template, tmp_path, pg_url):
    from par_desktop.db import migrate

    source = tmp_path / "demo.db"
    shutil.copy(demo_template, source)
    migrate.migrate(str(source), pg_url)
    db = schema.open_database(pg_url)
    assert isinstance(db, peewee.PostgresqlDatabase)
    assert schema.check(db) == [] and audit_chain.head(db).rows > 900


def test_an_import_that_updates_dossiers_keeps_the_chain(any_demo_db, tmp_path):
    """Imports write their field changes in bulk: those rows are chained too."""
    from par_desktop.db.models import Dossier
    from par_desktop.services.dossiers import importing as dossiers

    rows = list(Dossier.select().limit(30))
    sheet = tmp_path / "cap-nhat.csv"
    with sheet.open("w", encoding="utf-8") as fh:
        fh.write("Mã hồ sơ,Mã thủ tục,Ngày tiếp nhận,Người nộp\n")
        for d in rows:
            fh.write(f"{d.code},{d.procedure.code},{d.received_at:%d/%m/%Y %H:%M},Người nộp mới {d.id}\n")
    summary = dossiers.import_dossiers(SYSTEM, sheet)
    assert summary.updated == 30
    assert schema.check(current()) == []
    assert audit_chain.head(current()).last_hash == AuditLog.select().order_by(AuditLog.id.desc()).first().row_hash
