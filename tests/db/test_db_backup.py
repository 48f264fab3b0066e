"""Backups through SQLite's online backup API and validated restores."""

import sqlite3

import pytest

from par_desktop.db.backup import backup_database, restore_database
from par_desktop.db.models import Unit
from par_desktop.errors import InvalidInput


def test_backup_is_a_consistent_copy(empty_db, tmp_path):
    Unit.create(name="Văn phòng Sở", short_code="VP")
    out = backup_database(str(empty_db), tmp_path / "copy.db")
    assert sqlite3.connect(out).execute("SELECT name FROM unit").fetchall() == [("Văn phòng Sở",)]


def test_backup_never_overwrites(empty_db, tmp_path):
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    with pytest.raises(InvalidInput, match="đã tồn tại"):
        backup_database(str(empty_db), target)
    assert target.read_text() == "keep me"


def test_restore_keeps_the_current_database(empty_db, tmp_path):
    Unit.create(name="Trước khi sao lưu", short_code="A")
    saved = backup_database(str(empty_db), tmp_path / "saved.db")
    Unit.create(name="Sau khi sao lưu", short_code="B")
    kept = restore_database(str(empty_db), saved)
    assert sqlite3.connect(kept).execute("SELECT count(*) FROM unit").fetchone()[0] == 2
    assert sorted(u.name for u in Unit.select()) == ["Trước khi sao lưu"]


def test_restore_refuses_a_bad_file_and_changes_nothing(empty_db, tmp_path):
    Unit.create(name="Giữ nguyên", short_code="A")
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 1000)
    with pytest.raises(InvalidInput, match="không phải bản sao lưu"):
        restore_database(str(empty_db), bad)
    assert [u.name for u in Unit.select()] == ["Giữ nguyên"]
