"""The database itself as the GUI sees it: where it is, its errors in Vietnamese, a worker thread's
connection, and the one cheap read that tells whether anything changed.

The GUI reaches the database through services only (an import-linter contract in ``setup.cfg``); this
module is its door for what concerns the connection rather than the records.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

import peewee

from par_desktop.db import connection
from par_desktop.errors import DatabaseUnavailable, UserError

log = logging.getLogger(__name__)

# Environment failures of the database (locked, unreachable, read-only …) re-raised as DatabaseUnavailable.
translated_errors = connection.translated_errors


def describe(location: str) -> str:
    """The database location, safe to show (no PostgreSQL password)."""
    return connection.describe(location)


def is_postgres(location: str) -> bool:
    return connection.is_postgres(location)


def explain_error(exc: BaseException) -> UserError | None:
    """A database failure as a clerk's message, or None when ``exc`` is not one (then it is a bug)."""
    return connection.explain_database_error(exc)


def open_sqlite_file() -> str | None:
    """The path of the open database when it is an SQLite file (None on PostgreSQL or when none is open)."""
    db = connection.current()
    return db.database if isinstance(db, peewee.SqliteDatabase) else None


@contextmanager
def thread_connection() -> Iterator[None]:
    """Around work on a worker thread: peewee keeps one connection per thread, so the work's first query
    opens one for this thread; it is closed when the work ends — only when it was opened here."""
    db = connection.current()
    opened_here = db is not None and db.is_closed()
    try:
        yield
    finally:
        if db is not None and opened_here and not db.is_closed():
            try:
                db.close()
            except Exception:
                log.exception("closing the worker's database connection")


def newest_change() -> int | None:
    """The id of the newest audit row (every meaningful write leaves one, whoever made it), read without
    waiting: None when it cannot be read right now (another clerk's write holds the SQLite file, or this
    connection is inside a transaction). Other failures raise ``DatabaseUnavailable``."""
    db = connection.current()
    if db is None or db.in_transaction():
        return None
    is_sqlite = isinstance(db, peewee.SqliteDatabase)
    try:
        if is_sqlite:
            db.execute_sql("PRAGMA busy_timeout = 0")
        try:
            return db.execute_sql("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetchone()[0]
        finally:
            if is_sqlite:
                db.execute_sql(f"PRAGMA busy_timeout = {connection.BUSY_TIMEOUT_S * 1000}")
    except (peewee.DatabaseError, peewee.InterfaceError) as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return None   # another clerk is writing: try again later
        friendly = connection.explain_database_error(exc)
        raise (friendly or DatabaseUnavailable(f"Không đọc được cơ sở dữ liệu: {exc}")) from exc


def check_location(location: str, *, must_exist: bool = True) -> None:
    """Raise ``DatabaseUnavailable`` (Vietnamese: the folder or share cannot be reached, no file there, a
    folder given) before a database is opened or created at ``location``; nothing for PostgreSQL."""
    connection.check_reachable(location, must_exist=must_exist)


def ensure_file_reachable(location: str) -> None:
    """Raise ``DatabaseUnavailable`` when an SQLite database's file cannot be reached right now (the
    share dropped, the file server restarting, the laptop just woken up); nothing for PostgreSQL, whose
    lost connections show in the query itself. One ``stat`` of the file: a round trip to the server."""
    if connection.is_postgres(location):
        return
    try:
        os.stat(location)
    except OSError as exc:
        raise DatabaseUnavailable(
            f"Không truy cập được tệp cơ sở dữ liệu {location}: ổ mạng bị ngắt, máy chủ tệp đang khởi động lại "
            "hoặc máy vừa thức dậy sau khi ngủ.", detail=str(exc)) from exc


def forget_connection() -> None:
    """Drop this thread's connection (it may be dead after the file was lost): the next query opens a
    new one. Nothing while a transaction is open on it."""
    db = connection.current()
    if db is None or db.is_closed() or db.in_transaction():
        return
    if isinstance(db, connection.SharedFileDatabase):
        db.forget_connection()
    else:
        try:
            db.close()
        except Exception:   # a dead PostgreSQL connection may refuse to close; it is gone
            log.debug("closing a lost connection", exc_info=True)


def is_open(location: str) -> bool:
    """Whether the database bound now is the one at ``location`` (a watcher of another one stops)."""
    return connection.location_of(connection.current()) == location
