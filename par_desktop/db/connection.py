"""Opening the database: an SQLite file (possibly on a LAN share) or a PostgreSQL URL.

SQLite on a Windows share is only safe with a rollback journal (WAL needs shared memory, which SMB
does not give), so the journal mode is DELETE, writers take the lock up front (BEGIN IMMEDIATE) and
wait up to ``BUSY_TIMEOUT_S`` for another clerk's write to finish.
"""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import peewee

from par_desktop.db.models import database_proxy
from par_desktop.errors import DatabaseUnavailable

BUSY_TIMEOUT_S = 15
ENV_VAR = "PAR_DESKTOP_DB"
DEFAULT_FILENAME = "par_desktop.db"


def is_postgres(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def default_location() -> str:
    """The per-user data folder (platformdirs), used when neither --db nor PAR_DESKTOP_DB is given."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("PAR Desktop", appauthor=False))
    return str(folder / DEFAULT_FILENAME)


def resolve_location(explicit: str | None = None) -> str:
    location = explicit or os.environ.get(ENV_VAR) or default_location()
    return location if is_postgres(location) else str(Path(location).expanduser())


def describe(location: str) -> str:
    """A location safe to show: a PostgreSQL URL without its password."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", location) if is_postgres(location) else location


def make_database(location: str) -> peewee.Database:
    if is_postgres(location):
        from playhouse.db_url import connect

        return connect(location, autorollback=True, connect_timeout=10)
    return peewee.SqliteDatabase(
        location,
        pragmas={"journal_mode": "delete", "foreign_keys": 1, "busy_timeout": BUSY_TIMEOUT_S * 1000,
                 "synchronous": "full"},
        timeout=BUSY_TIMEOUT_S,
        check_same_thread=True,   # peewee keeps one connection per thread
    )


def check_reachable(location: str, *, must_exist: bool) -> None:
    """Explain in Vietnamese why an SQLite location cannot be used, before SQLite says it in English."""
    if is_postgres(location):
        return
    path = Path(location)
    if not path.parent.is_dir():
        raise DatabaseUnavailable(
            f"Không tìm thấy thư mục chứa cơ sở dữ liệu: {path.parent}. "
            "Kiểm tra ổ mạng dùng chung đã được kết nối chưa, hoặc chọn vị trí khác.")
    if must_exist and not path.exists():
        raise DatabaseUnavailable(
            f"Chưa có cơ sở dữ liệu tại {path}. Chạy «par-desktop init» để tạo mới "
            "(hoặc «init --demo» để có dữ liệu mẫu).")
    if path.exists() and path.is_dir():
        raise DatabaseUnavailable(f"{path} là một thư mục, không phải tệp cơ sở dữ liệu.")


def bind(database: peewee.Database) -> None:
    database_proxy.initialize(database)


def current() -> peewee.Database:
    return database_proxy.obj


def write_transaction():
    """A short write transaction that takes the write lock first (SQLite: BEGIN IMMEDIATE).

    Taking the lock up front means a clerk waits for another's write at the start instead of
    failing with "database is locked" half-way through.
    """
    db = current()
    if isinstance(db, peewee.SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()


_SQLITE_MESSAGES = (
    ("file is not a database", "Tệp không phải cơ sở dữ liệu PAR Desktop hoặc đã bị hỏng. "
                               "Hãy khôi phục từ bản sao lưu gần nhất."),
    ("database disk image is malformed", "Cơ sở dữ liệu bị hỏng. Hãy khôi phục từ bản sao lưu gần nhất."),
    ("readonly database", "Không ghi được vào cơ sở dữ liệu: tệp hoặc thư mục chỉ cho phép đọc. "
                          "Hãy kiểm tra quyền ghi trên ổ mạng dùng chung."),
    ("unable to open database", "Không mở được tệp cơ sở dữ liệu. Kiểm tra đường dẫn và quyền truy cập."),
    ("disk i/o error", "Lỗi đọc/ghi đĩa khi truy cập cơ sở dữ liệu (ổ mạng bị ngắt?). Dữ liệu đã lưu không bị mất; "
                       "hãy kiểm tra kết nối rồi thử lại."),
    ("database or disk is full", "Ổ đĩa chứa cơ sở dữ liệu đã đầy. Giải phóng dung lượng rồi thử lại."),
)


def explain_database_error(exc: BaseException) -> DatabaseUnavailable | None:
    """Turn an SQLite/PostgreSQL error caused by the environment into a Vietnamese one, or None for bugs."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseUnavailable(
            f"Cơ sở dữ liệu đang được {blocking_description()} ghi; đã chờ {BUSY_TIMEOUT_S} giây mà chưa xong. "
            "Dữ liệu của bạn chưa bị mất: hãy thử lại sau ít phút.", detail=str(exc))
    for needle, message in _SQLITE_MESSAGES:
        if needle in text:
            return DatabaseUnavailable(message, detail=str(exc))
    if isinstance(exc, peewee.OperationalError) and ("could not connect" in text or "connection" in text
                                                     or "password authentication" in text):
        return DatabaseUnavailable(
            "Không kết nối được máy chủ PostgreSQL (máy chủ tắt, sai mật khẩu hoặc mạng bị ngắt). "
            "Dữ liệu đã nhập chưa bị mất; kiểm tra kết nối rồi thử lại.", detail=str(exc))
    return None


def blocking_description() -> str:
    """Who is most likely writing: the other sessions with a recent heartbeat, read without a write lock."""
    try:
        from par_desktop.db.models import Presence

        rows = list(Presence.select().order_by(Presence.heartbeat.desc()).limit(3))
    except Exception:  # noqa: BLE001 — best effort while the file is locked
        rows = []
    if not rows:
        return "một người dùng khác"
    names = ", ".join(f"{r.username} ({r.machine}{', ' + r.activity if r.activity else ''})" for r in rows)
    return f"người dùng khác ({names})"


@contextmanager
def translated_errors():
    """Re-raise environment failures of the database as ``DatabaseUnavailable``."""
    try:
        yield
    except (peewee.DatabaseError, sqlite3.DatabaseError, peewee.InterfaceError) as exc:
        friendly = explain_database_error(exc)
        if friendly is None:
            raise
        raise friendly from exc
