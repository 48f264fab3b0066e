"""Restore cannot wipe (issue 19, item 4): each file the break-test restored over live data is refused,
or needs an administrator's explicit choice; the preview says what comes back and what is lost; the kept
copy's path is always said; restoring the live file onto itself is refused; ``check`` on an empty or
foreign file creates nothing."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest

from par_desktop.db import backup as db_backup
from par_desktop.db.models import AppMeta, Dossier
from par_desktop.db.schema import open_database
from par_desktop.errors import InvalidInput, PermissionDenied
from par_desktop.services import backups, org, presence
from par_desktop.services.session import Actor

ADMIN = Actor("quantri", "admin", None, "Nguyễn Quản Trị")


def _dossiers(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM dossier").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def live(demo_db):
    """The demo database with one manual backup of itself, and the live data it must not lose."""
    saved = backups.backup_now(ADMIN, str(demo_db))
    return demo_db, saved, _dossiers(demo_db)


def _tampered(saved, tmp_path, name, *statements):
    copy = tmp_path / name
    shutil.copy(saved, copy)
    conn = sqlite3.connect(copy)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()
    return copy


@pytest.mark.parametrize("name, statements, message", [
    ("bo-bang.db", ["PRAGMA foreign_keys=OFF", "DROP TABLE dossier"], "thiếu bảng dossier"),
    ("bo-trigger.db", ["DROP TRIGGER audit_log_no_update"], "thiếu trigger"),
    ("sua-nhat-ky.db", ["DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET username='x' WHERE id=2",
                        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN "
                        "SELECT RAISE(ABORT, 'audit_log is append-only'); END"], "dòng số 2"),
    ("phien-ban-rac.db", ["UPDATE app_meta SET value='ba' WHERE key='schema_version'"], "không hợp lệ"),
])
def test_a_tampered_backup_is_refused_and_the_live_data_stays(live, tmp_path, name, statements, message):
    db, saved, count = live
    bad = _tampered(saved, tmp_path, name, *statements)
    with pytest.raises(InvalidInput, match=message):
        backups.restore_backup(ADMIN, str(db), bad)
    assert Dossier.select().count() == count and presence.maintenance_state() is None


def test_a_file_holding_only_the_version_table_is_refused(live, tmp_path):
    db, _, count = live
    bad = tmp_path / "chi-co-phien-ban.db"
    conn = sqlite3.connect(bad)
    conn.execute("CREATE TABLE app_meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO app_meta VALUES ('schema_version', '3')")
    conn.commit()
    conn.close()
    with pytest.raises(InvalidInput, match="thiếu bảng"):
        backups.restore_backup(ADMIN, str(db), bad)
    assert Dossier.select().count() == count


def test_another_databases_file_needs_an_explicit_choice(live, tmp_path, empty_db_file):
    db, _, count = live
    with pytest.raises(PermissionDenied, match="cơ sở dữ liệu khác"):
        backups.restore_backup(ADMIN, str(db), empty_db_file)
    assert Dossier.select().count() == count
    preview = backups.restore_preview(str(db), empty_db_file)
    assert not preview.same_database and any("KHÁC" in line for line in preview.lines())
    kept = backups.restore_backup(ADMIN, str(db), empty_db_file, other_database=True)
    assert Dossier.select().count() == 0 and _dossiers(kept) == count


def test_the_preview_says_what_comes_back_and_what_is_lost(live):
    db, saved, count = live
    org.create_unit(ADMIN, "Tổ công tác mới", "TCT")
    preview = backups.restore_preview(str(db), saved)
    assert preview.same_database and preview.lost_changes == 1
    text = "\n".join(preview.lines())
    assert f"{count:,} hồ sơ".replace(",", ".") in text and "Sẽ mất 1 thay đổi" in text


def test_restoring_the_live_file_onto_itself_is_refused_at_once(live):
    db, _, count = live
    with pytest.raises(InvalidInput, match="chính là cơ sở dữ liệu đang dùng"):
        backups.restore_backup(ADMIN, str(db), db)
    assert presence.maintenance_state() is None and Dossier.select().count() == count


def test_a_failed_copy_names_the_kept_copy(live):
    """The live file cannot be written (a read-only share; chattr +i stops root too): the error says where
    the copy of the data taken just before is."""
    db, saved, count = live
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available on this file system")
    try:
        with pytest.raises(InvalidInput, match="được giữ tại") as caught:
            db_backup.restore_database(str(db), saved)
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)
    kept = caught.value.message.split("được giữ tại ")[1].rstrip(".")
    assert _dossiers(kept) == count


@pytest.fixture
def empty_db_file(tmp_path):
    """Another, freshly created database (its own identity), closed."""
    from par_desktop.db.connection import current

    path = tmp_path / "moi.db"
    live_db = current()
    open_database(str(path), create=True).close()
    from par_desktop.db.connection import bind

    bind(live_db)
    live_db.connect(reuse_if_open=True)
    return path


@pytest.mark.parametrize("content", [b"", b"day khong phai co so du lieu\n" * 40])
def test_check_on_an_empty_or_foreign_file_creates_nothing(cli, tmp_path, content):
    path = tmp_path / "la.db"
    path.write_bytes(content)
    run = cli("check", db=path)
    assert run.returncode == 1 and run.stderr.startswith("error:") and "Traceback" not in run.stderr
    assert path.read_bytes() == content and sorted(p.name for p in tmp_path.iterdir()) == ["la.db"]


def test_restore_on_the_command_line_prints_the_preview_and_the_kept_copy(cli, live):
    db, saved, count = live
    run = cli("restore", str(saved), db=db, user="quantri")
    assert run.returncode == 0, run.stderr
    assert "Bản sao lưu" in run.stderr and "Hiện tại" in run.stderr
    assert _dossiers(run.stdout.strip()) == count
    assert AppMeta.get_or_none(AppMeta.key == "maintenance") is None
