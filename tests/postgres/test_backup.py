"""Backups and restores of a PostgreSQL database through pg_dump / pg_restore, on the command line too."""

from __future__ import annotations

import sqlite3

import pytest

from par_desktop.db import connection, pg_tools, schema
from par_desktop.db.backup import backup_database, restore_database
from par_desktop.db.models import AppMeta, Unit
from par_desktop.errors import DatabaseUnavailable, InvalidInput, PermissionDenied
from par_desktop.services import backups
from par_desktop.services.session import Actor

pytestmark = pytest.mark.postgres


@pytest.mark.slow
def test_dump_then_restore_keeps_the_current_state(pg_db, tmp_path, pg_admin):
    Unit.create(name="Trước khi sao lưu", short_code="A")
    saved = backup_database(pg_db, tmp_path / "saved.dump")
    assert saved.read_bytes().startswith(b"PGDMP") and pg_tools.archive_version(saved) == schema.SCHEMA_VERSION
    Unit.create(name="Sau khi sao lưu", short_code="B")
    connection.current().close()
    kept = restore_database(pg_db, saved)
    assert kept is not None and kept.suffix == ".dump" and kept.parent.name == pg_db.rsplit("/", 1)[1]
    admin = pg_admin(pg_db)
    assert admin.rows("SELECT name FROM unit") == [("Trước khi sao lưu",)]
    # The kept dump holds both units, and the id sequence came back with the data.
    Unit.create(name="Sau khi khôi phục", short_code="C")
    assert admin.value("SELECT max(id) FROM unit") == 2
    restore_database(pg_db, kept)
    assert sorted(r[0] for r in admin.rows("SELECT name FROM unit")) == ["Sau khi sao lưu", "Trước khi sao lưu"]


@pytest.mark.slow
def test_another_databases_archive_needs_an_explicit_choice(pg_db, tmp_path, pg_admin):
    """As for a SQLite file (issue 19): an archive of another database (its identity differs) is refused
    unless the administrator chooses «khôi phục dữ liệu khác»; nothing is changed before that choice."""
    admin_actor = Actor("quantri", "admin", None, "Nguyễn Quản Trị")
    Unit.create(name="Của cơ sở dữ liệu kia", short_code="K")
    archive = backup_database(pg_db, tmp_path / "kia.dump")
    assert pg_tools.inspect_archive(archive).identity == schema.database_identity()
    admin = pg_admin(pg_db)
    admin.rows("UPDATE app_meta SET value = 'mot-csdl-khac' WHERE key = 'database_id'")   # this one is another now
    admin.rows("UPDATE unit SET name = 'Của cơ sở dữ liệu này', short_code = 'N'")
    with pytest.raises(PermissionDenied, match="thuộc một cơ sở dữ liệu khác.*restore --other-database"):
        backups.restore_backup(admin_actor, pg_db, archive)
    assert admin.rows("SELECT short_code FROM unit") == [("N",)]
    kept = backups.restore_backup(admin_actor, pg_db, archive, other_database=True)
    assert kept is not None and admin.rows("SELECT short_code FROM unit") == [("K",)]
    assert pg_tools.inspect_archive(kept).identity == "mot-csdl-khac"     # the replaced database is kept


def test_backup_never_overwrites(pg_db, tmp_path):
    target = tmp_path / "exists.dump"
    target.write_text("keep me")
    with pytest.raises(InvalidInput, match="đã tồn tại"):
        backup_database(pg_db, target)
    assert target.read_text() == "keep me"
    assert not list(tmp_path.glob("*.partial"))


def test_restore_refuses_bad_files_and_changes_nothing(pg_db, tmp_path, pg_admin):
    Unit.create(name="Giữ nguyên", short_code="A")
    bad = tmp_path / "bad.dump"
    bad.write_bytes(b"garbage" * 1000)
    with pytest.raises(InvalidInput, match="không phải bản sao lưu PostgreSQL"):
        restore_database(pg_db, bad)
    truncated = tmp_path / "truncated.dump"
    whole = backup_database(pg_db, tmp_path / "whole.dump").read_bytes()
    truncated.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(InvalidInput, match="bị hỏng"):
        restore_database(pg_db, truncated)
    sqlite_file = tmp_path / "par.db"
    sqlite3.connect(sqlite_file).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(InvalidInput, match="bản sao lưu SQLite.*migrate-to"):
        restore_database(pg_db, sqlite_file)
    with pytest.raises(InvalidInput, match="Không tìm thấy tệp"):
        restore_database(pg_db, tmp_path / "khong-co.dump")
    assert pg_admin(pg_db).rows("SELECT name FROM unit") == [("Giữ nguyên",)]


def test_restore_refuses_a_newer_schema(pg_db, tmp_path, pg_admin):
    AppMeta.update(value="99").where(AppMeta.key == "schema_version").execute()
    newer = backup_database(pg_db, tmp_path / "newer.dump")
    AppMeta.update(value="1").where(AppMeta.key == "schema_version").execute()
    with pytest.raises(InvalidInput, match="mới hơn"):
        restore_database(pg_db, newer)
    assert pg_admin(pg_db).value("SELECT value FROM app_meta WHERE key = 'schema_version'") == "1"


def test_missing_tools_are_explained(pg_db, tmp_path, monkeypatch):
    monkeypatch.setenv(pg_tools.BIN_ENV_VAR, str(tmp_path / "no-tools-here"))
    with pytest.raises(DatabaseUnavailable, match="Không tìm thấy công cụ pg_dump.*postgresql-client"):
        backup_database(pg_db, tmp_path / "x.dump")
    with pytest.raises(DatabaseUnavailable, match="pg_restore"):
        pg_tools.find_tool("pg_restore")


def test_password_never_on_the_command_line(pg_server_url):
    url, env = pg_tools._connection(pg_server_url)
    password = pg_server_url.split("://", 1)[1].split("@", 1)[0].partition(":")[2]
    assert password and password not in url and env["PGPASSWORD"] == password


@pytest.mark.slow
def test_command_line_backup_and_restore(pg_db, tmp_path, cli, pg_admin):
    Unit.create(name="Văn phòng Sở", short_code="VP")
    connection.current().close()
    out = tmp_path / "sao-luu.dump"
    done = cli("backup", "--out", str(out), db=pg_db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    default = cli("backup", db=pg_db)
    assert default.returncode == 0 and default.stdout.strip().endswith(".dump")
    pg_admin(pg_db).rows("DELETE FROM unit")
    restored = cli("restore", str(out), db=pg_db)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.strip().endswith(".dump")            # the kept copy of the emptied database
    assert pg_admin(pg_db).rows("SELECT short_code FROM unit") == [("VP",)]
    garbage = tmp_path / "rac.dump"
    garbage.write_text("rác")
    refused = cli("restore", str(garbage), db=pg_db)
    assert refused.returncode == 1 and refused.stderr.startswith("error: ") and "Traceback" not in refused.stderr
    tools_missing = cli("backup", db=pg_db, env={pg_tools.BIN_ENV_VAR: str(tmp_path)})
    assert tools_missing.returncode == 1 and "pg_dump" in tools_missing.stderr
    assert len(tools_missing.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_restoring_a_backup_from_before_an_upgrade(pg_db, tmp_path, monkeypatch):
    """Version 2 added a table; restoring the version-1 backup drops it, and the next start upgrades
    the restored database again (instead of failing on a table that already exists)."""
    from par_desktop.db.models import RegisterEntry

    connection.current().drop_tables([RegisterEntry])            # version 1 had no register
    Unit.create(name="Văn phòng Sở", short_code="VP")
    old = backup_database(pg_db, tmp_path / "v1.dump")
    target = schema.SCHEMA_VERSION + 1
    monkeypatch.setattr(schema, "SCHEMA_VERSION", target)
    monkeypatch.setitem(schema.MIGRATIONS, target, lambda db: db.create_tables([RegisterEntry], safe=False))
    connection.current().close()
    schema.open_database(pg_db)                                  # upgrade to 2: the register exists
    RegisterEntry.create(year=2024, type_abbr="KH", number=1, full_number="1/KH", title="x")
    connection.current().close()
    kept = restore_database(pg_db, old)
    assert pg_tools.archive_version(kept) == target
    db = schema.open_database(pg_db)                             # upgraded again, from 1 to 2
    assert schema.check(db) == []
    assert RegisterEntry.select().count() == 0 and [u.short_code for u in Unit.select()] == ["VP"]
