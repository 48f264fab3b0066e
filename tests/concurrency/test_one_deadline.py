"""One lock deadline per operation (issue 19, item 6): waits for a writer at BEGIN and for readers at
COMMIT come out of one budget, so a save never waits longer than the documented timeout in all."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from par_desktop.db import connection
from par_desktop.services import org
from par_desktop.services.session import SYSTEM

pytestmark = pytest.mark.slow
BUDGET_S = 4


def _hold(path, sql: str, seconds: float, ready: threading.Event) -> threading.Thread:
    def run():
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
        conn.execute(sql)
        conn.execute("SELECT count(*) FROM unit").fetchall()     # a reader keeps its SHARED lock
        ready.set()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_writer_then_a_reader_cannot_make_a_save_wait_twice_the_timeout(empty_db):
    writer_ready, reader_ready = threading.Event(), threading.Event()
    writer = _hold(empty_db, "BEGIN IMMEDIATE", 3, writer_ready)      # another clerk's save: 3 s
    writer_ready.wait(5)
    reader = _hold(empty_db, "BEGIN", 12, reader_ready)               # a long report reading the file
    reader_ready.wait(5)
    started = time.monotonic()
    with pytest.raises(Exception) as refused:
        with connection.lock_wait(BUDGET_S * 1000):
            org.create_unit(SYSTEM, "Phòng chờ khóa", "CHO")
    waited = time.monotonic() - started
    writer.join()
    reader.join()
    assert "locked" in str(refused.value).lower() or "ghi" in str(refused.value)
    assert waited < BUDGET_S + 1.5, waited          # before: 3 s for the writer + 4 s more for the reader
    assert all(u.short_code != "CHO" for u in org.units(active_only=False))
