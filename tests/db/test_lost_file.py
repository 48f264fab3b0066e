"""An SQLite connection whose file went away comes back by itself (issue 20, item 2).

After a file-server reboot or a laptop's sleep the handle SQLite holds is dead even once the share is
back. Here a handle is made dead the way it happens on a share: the file descriptor SQLite reads
through is pointed at something that fails every read (a directory), so SQLite reports
"disk I/O error" exactly as it does for a lost SMB handle. The share going away is a renamed folder.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import peewee
import pytest

from par_desktop.db import connection
from par_desktop.db.models import Unit
from par_desktop.errors import DatabaseUnavailable
from par_desktop.services import org
from par_desktop.services.session import SYSTEM

from share_helpers import kill_handles

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd")


def test_a_dead_handle_is_replaced_and_the_statement_retried(empty_db):
    db = connection.current()
    org.create_unit(SYSTEM, "Văn phòng Sở", "VP")
    first = db.connection()
    assert kill_handles(empty_db) >= 1
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        first.execute("SELECT count(*) FROM unit").fetchone()     # the raw handle is dead …
    assert [u.short_code for u in Unit.select()] == ["VP"]         # … the app's next read reopens
    assert db.connection() is not first
    org.create_unit(SYSTEM, "Phòng Người có công", "NCC")          # and writes work again
    assert Unit.select().count() == 2


def test_a_write_while_the_share_is_gone_fails_clearly_and_works_once_it_is_back(empty_db):
    db = connection.current()
    org.create_unit(SYSTEM, "Văn phòng Sở", "VP")
    folder = empty_db.parent
    away = folder.with_name(folder.name + "-offline")
    folder.rename(away)
    try:
        kill_handles(away / empty_db.name)        # the server rebooted: the old handle is gone too
        with pytest.raises(DatabaseUnavailable) as lost:
            with connection.translated_errors():
                org.create_unit(SYSTEM, "Phòng Người có công", "NCC")
        assert "ổ mạng bị ngắt" in lost.value.message or "Không mở được tệp" in lost.value.message
        assert not Path(empty_db).exists()     # reopening never creates an empty file in its place
    finally:
        away.rename(folder)
    org.create_unit(SYSTEM, "Phòng Người có công", "NCC")
    assert sorted(u.short_code for u in Unit.select()) == ["NCC", "VP"]
    assert db.connection() is not None


def test_reopening_never_creates_an_empty_database_where_the_file_was(empty_db, tmp_path):
    db = connection.current()
    Unit.select().count()
    moved = tmp_path / "moved.db"
    kill_handles(empty_db)
    empty_db.rename(moved)
    with pytest.raises(peewee.OperationalError, match="unable to open database file"):
        Unit.select().count()
    assert not empty_db.exists()
    moved.rename(empty_db)
    assert Unit.select().count() == 0
    db.close()
