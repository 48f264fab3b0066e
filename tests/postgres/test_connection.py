"""PostgreSQL as the clerks meet it: schema creation and upgrades, SQLite-only SQL made portable, and
every connection problem (server down, wrong password, missing database, network cut) as one Vietnamese
line with nothing half-written."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import peewee
import pytest

from par_desktop.db import changes, connection, schema
from par_desktop.db.models import ALL_MODELS, AppMeta, AuditLog, Setting, Unit
from par_desktop.errors import DatabaseUnavailable, InvalidInput, SchemaTooNew

pytestmark = pytest.mark.postgres


def test_new_database_has_every_table_and_passes_check(pg_db):
    db = connection.current()
    assert isinstance(db, peewee.PostgresqlDatabase)
    assert set(db.get_tables()) == {m._meta.table_name for m in ALL_MODELS}
    assert AppMeta.get_by_id("schema_version").value == str(schema.SCHEMA_VERSION)
    assert schema.check(db) == []
    # Opening it again neither re-creates nor complains.
    schema.open_database(pg_db)
    assert AppMeta.select().count() == 3   # schema_version, created_at, database_id


def test_session_waits_for_locks_like_sqlite_and_names_itself(pg_db):
    db = connection.current()
    assert db.execute_sql("SHOW lock_timeout").fetchone()[0] == f"{connection.BUSY_TIMEOUT_S}s"
    assert db.execute_sql("SELECT current_setting('application_name')").fetchone()[0] == "PAR Desktop"


def test_older_schema_is_dumped_then_upgraded(pg_db, monkeypatch):
    """A real upgrade step on a version-1 PostgreSQL database, after a pg_dump backup of it."""
    from par_desktop.db import pg_tools
    from par_desktop.db.backup import default_backup_dir

    Unit.create(name="Văn phòng Sở", short_code="VP")
    connection.current().close()

    def add_unit_phone(db):
        db.execute_sql('ALTER TABLE "unit" ADD COLUMN "phone" VARCHAR(40) DEFAULT \'\'')

    target = schema.SCHEMA_VERSION + 1
    monkeypatch.setattr(schema, "SCHEMA_VERSION", target)
    monkeypatch.setitem(schema.MIGRATIONS, target, add_unit_phone)
    db = schema.open_database(pg_db)
    assert AppMeta.get_by_id("schema_version").value == str(target)
    assert "phone" in [c.name for c in db.get_columns("unit")]
    dumps = list(default_backup_dir(pg_db.rsplit("/", 1)[1]).glob("*.dump"))
    assert len(dumps) == 1
    assert pg_tools.archive_version(dumps[0]) == target - 1


def test_failed_upgrade_changes_nothing(pg_db, monkeypatch, pg_admin):
    connection.current().close()

    def broken_step(db):
        db.execute_sql('ALTER TABLE "unit" ADD COLUMN "phone" VARCHAR(40)')
        raise RuntimeError("step failed half-way")

    target = schema.SCHEMA_VERSION + 1
    monkeypatch.setattr(schema, "SCHEMA_VERSION", target)
    monkeypatch.setitem(schema.MIGRATIONS, target, broken_step)
    with pytest.raises(RuntimeError):
        schema.open_database(pg_db)
    admin = pg_admin(pg_db)
    assert admin.value("SELECT value FROM app_meta WHERE key = 'schema_version'") == str(target - 1)
    assert admin.value("SELECT count(*) FROM information_schema.columns "
                       "WHERE table_name = 'unit' AND column_name = 'phone'") == 0


def test_newer_schema_is_refused(pg_db):
    AppMeta.update(value="99").where(AppMeta.key == "schema_version").execute()
    connection.current().close()
    with pytest.raises(SchemaTooNew, match="mới hơn"):
        schema.open_database(pg_db)


def test_foreign_database_is_refused(pg_url, pg_admin):
    pg_admin(pg_url).rows("CREATE TABLE customers (id int)")
    with pytest.raises(DatabaseUnavailable, match="không phải của PAR Desktop"):
        schema.open_database(pg_url)


def test_replace_is_an_upsert_on_the_tables_key(pg_db):
    """SQLite's INSERT OR REPLACE (used for app_meta) works on PostgreSQL, keyed by the primary key or
    the table's one unique column, and keeps the row's id."""
    AppMeta.insert(key="maintenance", value="on").on_conflict_replace().execute()
    AppMeta.insert(key="maintenance", value="off").on_conflict_replace().execute()
    assert AppMeta.get_by_id("maintenance").value == "off"
    first = Setting.insert(key="report.cutoff_day", value="15").on_conflict_replace().execute()
    Setting.insert(key="report.cutoff_day", value="20").on_conflict_replace().execute()
    assert [(s.id, s.value) for s in Setting.select()] == [(first, "20")]
    with pytest.raises(ValueError, match="2 keys"):   # name and short_code: which one is meant?
        Unit.insert(name="A", short_code="A").on_conflict_replace().execute()


def test_idle_connection_cut_is_reopened_transparently(pg_db, pg_admin):
    Unit.create(name="Văn phòng Sở", short_code="VP")
    assert pg_admin(pg_db).cut_application_connections() == 1
    assert [u.short_code for u in Unit.select()] == ["VP"]


def test_cut_inside_a_transaction_loses_nothing_and_explains(pg_db, pg_admin):
    """The change in flight is rolled back whole; the message is Vietnamese; the next try works."""
    admin = pg_admin(pg_db)
    with pytest.raises(DatabaseUnavailable, match="Mất kết nối tới máy chủ PostgreSQL giữa chừng"):
        with connection.translated_errors(), connection.write_transaction():
            changes.insert_record(Unit, "vp", name="Phòng mới", short_code="PM")
            admin.cut_application_connections()
            changes.insert_record(Unit, "vp", name="Phòng thứ hai", short_code="P2")
    assert admin.value("SELECT count(*) FROM unit") == 0
    assert admin.value("SELECT count(*) FROM audit_log") == 0
    with connection.translated_errors(), connection.write_transaction():   # the clerk presses "Thử lại"
        changes.insert_record(Unit, "vp", name="Phòng mới", short_code="PM")
    assert admin.value("SELECT count(*) FROM unit") == 1
    assert AuditLog.select().count() == 1


def test_waiting_for_another_writer_gives_up_like_sqlite(pg_db, monkeypatch, pg_admin):
    """Another clerk's long write: after the wait, the same "someone else is writing" message."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_S", 1)
    connection.current().close()
    schema.open_database(pg_db)          # the session takes lock_timeout from BUSY_TIMEOUT_S
    other = pg_admin(pg_db)
    other.conn.autocommit = False
    other.rows("SELECT pg_advisory_xact_lock(%s, %s)", connection.WRITE_LOCK)   # holds the writers' lock
    with pytest.raises(DatabaseUnavailable, match="đang được .* ghi; đã chờ 1 giây"):
        with connection.translated_errors(), connection.write_transaction():
            Unit.create(name="Phòng mới", short_code="PM")
    other.conn.rollback()
    with connection.write_transaction():
        Unit.create(name="Phòng mới", short_code="PM")
    assert Unit.select().count() == 1


def test_readers_are_not_blocked_by_a_writer(pg_db, pg_admin):
    Unit.create(name="Văn phòng Sở", short_code="VP")
    other = pg_admin(pg_db)
    other.conn.autocommit = False
    other.rows("SELECT pg_advisory_xact_lock(%s, %s)", connection.WRITE_LOCK)
    other.rows("UPDATE unit SET name = 'Đang sửa'")
    assert [u.name for u in Unit.select()] == ["Văn phòng Sở"]
    other.conn.rollback()


def test_text_too_long_for_a_column_is_invalid_input(pg_db):
    with pytest.raises(InvalidInput, match="dài hơn độ dài cho phép"):
        with connection.translated_errors(), connection.write_transaction():
            Unit.create(name="x" * 300, short_code="X")


def _broken_urls(server_url: str) -> list[tuple[str, str]]:
    parts = urlsplit(server_url)
    user = parts.username
    return [
        (urlunsplit((parts.scheme, f"{user}:sai-mat-khau@{parts.hostname}:{parts.port}", parts.path, "", "")),
         "từ chối đăng nhập"),
        (urlunsplit((parts.scheme, f"{user}:x@127.0.0.1:1", parts.path, "", "")), "Không kết nối được máy chủ"),
        (urlunsplit((parts.scheme, parts.netloc, "/khong_co_csdl_nay", "", "")), "chưa có cơ sở dữ liệu này"),
        (urlunsplit((parts.scheme, parts.netloc, "", "", "")), "thiếu tên cơ sở dữ liệu"),
    ]


def test_connection_problems_are_one_vietnamese_error(pg_server_url):
    for url, message in _broken_urls(pg_server_url):
        with pytest.raises(DatabaseUnavailable, match=message):
            schema.open_database(url)


def test_connection_problems_on_the_command_line(pg_server_url, cli):
    for url, message in _broken_urls(pg_server_url)[:3]:
        done = cli("check", db=url)
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith("error: ") and message in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
        assert "sai-mat-khau" not in done.stderr
