"""Opening the database: an SQLite file (possibly on a LAN share) or a PostgreSQL URL.

SQLite on a Windows share is only safe with a rollback journal (WAL needs shared memory, which SMB
does not give), so the journal mode is DELETE, writers take the lock up front (BEGIN IMMEDIATE) and
wait up to ``BUSY_TIMEOUT_S`` for another clerk's write to finish.

PostgreSQL behaves the same from the clerk's side: a lock is waited for at most ``BUSY_TIMEOUT_S``
(``lock_timeout``), a connection dropped while idle is re-opened transparently, one dropped inside a
transaction rolls the change back and says so in Vietnamese. Numbering serialises through
``lock_for_numbering``, which takes the database's own lock instead of the file's.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import peewee
from playhouse.shortcuts import ReconnectMixin

from par_desktop.db import drivers
from par_desktop.db.models import database_proxy
from par_desktop.errors import DatabaseUnavailable, InvalidInput, UserError

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


CONNECT_TIMEOUT_S = 10


# SQLite's messages when the file behind an open connection went away: a file-server reboot, a laptop's
# sleep, a dropped Wi-Fi (the handle is dead even once the share is back), or the share still missing.
_FILE_LOST = ("disk i/o error", "unable to open database file")


def is_file_lost(exc: BaseException) -> bool:
    """Whether an SQLite error means the database file could not be reached (not a bug, not corruption)."""
    return isinstance(exc, (peewee.OperationalError, sqlite3.OperationalError)) and \
        any(fragment in str(exc).lower() for fragment in _FILE_LOST)


class SharedFileDatabase(peewee.SqliteDatabase):
    """An SQLite file on a share whose connection is reopened after the file was lost.

    A handle opened before a file-server reboot or a laptop's sleep stays dead after the share comes
    back: every statement fails with "disk I/O error" until the connection is closed and opened again.
    Outside a transaction the statement is retried once on a new connection (nothing was written: a
    failed autocommit statement is rolled back); inside one the error propagates, the transaction rolls
    back, and the next statement opens a new connection. Each thread has its own connection.
    """

    def execute_sql(self, sql, params=None):
        return self._reopening(super().execute_sql, sql, params)

    def begin(self, *args, **kwargs):   # called before the transaction counts as open
        return self._reopening(super().begin, *args, **kwargs)

    def _reopening(self, statement, *args, **kwargs):
        try:
            return statement(*args, **kwargs)
        except peewee.OperationalError as exc:
            if not is_file_lost(exc) or self.in_transaction():
                raise
            self.forget_connection()
            return statement(*args, **kwargs)

    _existed = False

    def _connect(self):
        # Reopening must never create an empty database where the file was (a share mounted late, a
        # file moved away): SQLite would, and every clerk would then see "no such table".
        if self._existed and not os.path.exists(self.database):
            raise sqlite3.OperationalError("unable to open database file")
        conn = super()._connect()
        self._existed = True
        return conn

    def forget_connection(self) -> None:
        """Drop this thread's connection (it may be dead); the next statement opens a new one."""
        if self.is_closed():
            return
        try:
            self.close()
        except Exception:  # noqa: BLE001 — closing a dead handle may fail; it is gone either way
            self._state.reset()


def make_database(location: str) -> peewee.Database:
    """The database of ``location``; ``location_of(db)`` gives ``location`` back."""
    if is_postgres(location):
        db = _postgres_database(location)
    else:
        db = SharedFileDatabase(
            location,
            pragmas={"journal_mode": "delete", "foreign_keys": 1, "busy_timeout": BUSY_TIMEOUT_S * 1000,
                     "synchronous": "full"},
            timeout=BUSY_TIMEOUT_S,
            check_same_thread=True,   # peewee keeps one connection per thread
        )
    db.par_location = location
    return db


def location_of(db: peewee.Database | None) -> str | None:
    """The location a database made by ``make_database`` was opened from."""
    return getattr(db, "par_location", None)


def _postgres_database(location: str) -> peewee.Database:
    """The PostgreSQL database of a URL, with the session settings that make it behave like the file."""
    from playhouse.db_url import parse

    drivers.enable_postgres()

    params = parse(location, unquote_password=True, unquote_user=True)
    if not params.get("database"):
        raise DatabaseUnavailable(
            f"Địa chỉ {describe(location)} thiếu tên cơ sở dữ liệu "
            "(dạng đúng: postgresql://người_dùng:mật_khẩu@máy_chủ:5432/tên_csdl).")
    # Wait for another clerk's lock as long as SQLite would, then say so instead of hanging.
    options = f"-c lock_timeout={BUSY_TIMEOUT_S * 1000} " + str(params.pop("options", "") or "")
    defaults = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "PAR Desktop",
                # notice a cut network within about a minute instead of the system's two hours
                "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
    return PostgresDatabase(**{**defaults, **params, "options": options.strip()})


# psycopg2's messages for a connection that died (server restart, network cut).
_CONNECTION_LOST = (
    "server closed the connection", "connection already closed", "terminating connection",
    "could not receive data", "could not send data", "connection to server was lost",
    "ssl connection has been closed", "ssl syscall error", "eof detected", "connection has been lost",
)


class PostgresDatabase(ReconnectMixin, peewee.PostgresqlDatabase):
    """peewee's PostgreSQL database with a transparent reconnect outside transactions and SQLite's
    ``INSERT OR REPLACE`` (``on_conflict_replace``) done as an upsert on the table's key.

    The reconnect only happens between transactions (peewee's ReconnectMixin refuses inside one),
    so no half-written change is ever replayed.
    """
    reconnect_errors = tuple((cls, fragment) for cls in (peewee.OperationalError, peewee.InterfaceError)
                             for fragment in _CONNECTION_LOST)

    def conflict_update(self, oc, query):
        if (oc._action or "").lower() == "replace":
            oc = _replace_as_upsert(query)
        return super().conflict_update(oc, query)


def _replace_as_upsert(query) -> peewee.OnConflict:
    """``ON CONFLICT (key) DO UPDATE SET every other column = EXCLUDED.column``: the new row replaces
    the old one as SQLite's REPLACE does, but keeps its id (so foreign keys stay valid)."""
    model = getattr(query, "model", None)
    if model is None:
        raise ValueError("on_conflict_replace on PostgreSQL needs a model insert")
    meta = model._meta
    targets = [] if meta.auto_increment else [[meta.primary_key]]
    targets += [[field] for field in meta.sorted_fields if field.unique and not field.primary_key]
    targets += [[meta.fields[name] for name in names] for names, unique in
                (index for index in meta.indexes if isinstance(index, tuple)) if unique]
    if len(targets) != 1:
        raise ValueError(f"on_conflict_replace on PostgreSQL: {meta.table_name} has {len(targets)} keys; "
                         "use on_conflict(conflict_target=…, preserve=…)")
    target = targets[0]
    keep = {field.name for field in target} | {meta.primary_key.name}
    return peewee.OnConflict("update", conflict_target=target,
                             preserve=[f for f in meta.sorted_fields if f.name not in keep])


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


def table_scan(query: peewee.Select, model: type[peewee.Model]) -> peewee.Select:
    """On SQLite, read ``model``'s table (the query's first, aliased "t1") in storage order: a period of a
    year is most of the dossier table, and walking it through a date index costs a random page read per
    row (3 to 6 times slower on 100,000 rows). PostgreSQL's planner has the statistics to choose itself.
    Call it before adding joins."""
    if isinstance(current(), peewee.SqliteDatabase):
        return query.from_(peewee.SQL(f'"{model._meta.table_name}" AS "t1" NOT INDEXED'))
    return query


WRITE_LOCK = (0x50415201, 0)       # advisory lock keys: "PAR" + 1 = the writers' lock
NUMBERING_LOCK_SPACE = 0x50415200  # "PAR" + 0: first key of every numbering lock


# Called at the start of every outermost write transaction, under the write lock; raises to refuse
# the write (the maintenance mode of services.presence installs it, so no layer below imports services).
_write_guard: Callable[[], None] | None = None


def set_write_guard(guard: Callable[[], None] | None) -> None:
    global _write_guard
    _write_guard = guard


def write_transaction(*, guarded: bool = True):
    """A short write transaction that takes the write lock first (SQLite: BEGIN IMMEDIATE).

    Taking the lock up front means a clerk waits for another's write at the start instead of
    failing with "database is locked" half-way through. On PostgreSQL the same single-writer rule is
    a transaction-scoped advisory lock taken first (readers are never blocked), so every
    read-then-write the services do (next number, "update if the code exists, else insert", counters)
    behaves exactly as on SQLite. A wait longer than ``BUSY_TIMEOUT_S`` fails as SQLite's does, with
    "database is locked". ``guarded=False`` skips the write guard (presence heartbeats only).
    """
    db = current()
    outermost = db.transaction_depth() == 0
    if isinstance(db, peewee.SqliteDatabase):
        transaction = db.atomic("IMMEDIATE")
        if outermost:
            transaction = _one_deadline(db, transaction)
    else:
        transaction = _postgres_write_transaction(db)
    if not guarded or _write_guard is None or not outermost:
        return transaction
    return _guarded(transaction, _write_guard)


_wait_override: int | None = None   # lock_wait's value inside its block


def _wait_ms() -> int:
    """The lock wait in force, in milliseconds."""
    return _wait_override if _wait_override is not None else BUSY_TIMEOUT_S * 1000


@contextmanager
def _one_deadline(db: peewee.Database, transaction):
    """One lock deadline per write transaction (SQLite): what BEGIN waited for a writer is taken off what
    the rest may wait (COMMIT waits for readers to let go), so a save never waits longer than the
    documented ``BUSY_TIMEOUT_S`` in all."""
    started = time.monotonic()
    try:
        with transaction as handle:
            left_ms = _wait_ms() - (time.monotonic() - started) * 1000
            db.execute_sql(f"PRAGMA busy_timeout = {max(10, int(left_ms))}")
            yield handle
    finally:
        try:
            db.execute_sql(f"PRAGMA busy_timeout = {_wait_ms()}")
        except peewee.DatabaseError:
            pass   # the connection is gone; the next one starts with the default


@contextmanager
def _guarded(transaction, guard: Callable[[], None]):
    with transaction as handle:
        guard()
        yield handle


@contextmanager
def _postgres_write_transaction(db: peewee.Database):
    with db.atomic() as transaction:
        try:
            db.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", WRITE_LOCK)
        except peewee.OperationalError as exc:
            if "lock timeout" not in str(exc).lower():
                raise
            raise peewee.OperationalError(f"database is locked (PostgreSQL: {str(exc).strip()})") from exc
        yield transaction


def lock_for_numbering(year: int, type_abbr: str) -> None:
    """Serialise numbering of one (year, document type) until the current transaction ends.

    Call it first inside ``write_transaction()``, then read the highest number and insert the next.
    SQLite: nothing to do, BEGIN IMMEDIATE already lets one writer in at a time. PostgreSQL: a
    transaction-scoped advisory lock on (year, type), released by COMMIT/ROLLBACK. The writers' lock
    of ``write_transaction`` already serialises numbering; this one keeps it unique even in a
    transaction opened another way (``db.atomic()``) and states the intent where numbers are given.
    """
    db = current()
    if not db.in_transaction():
        raise RuntimeError("lock_for_numbering must run inside write_transaction()")
    if isinstance(db, peewee.PostgresqlDatabase):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                       (NUMBERING_LOCK_SPACE, f"{int(year)}/{type_abbr}"))


@contextmanager
def lock_wait(milliseconds: int):
    """Inside the block, wait at most ``milliseconds`` for another writer before "database is locked"
    (e.g. a heartbeat that must never make the clerk wait), on either backend; then back to
    ``BUSY_TIMEOUT_S``. Use it around ``write_transaction()``, not inside one."""
    global _wait_override
    db = current()
    setting = "PRAGMA busy_timeout = {}" if isinstance(db, peewee.SqliteDatabase) else "SET lock_timeout = {}"
    db.execute_sql(setting.format(int(milliseconds)))
    _wait_override = int(milliseconds)
    try:
        yield
    finally:
        _wait_override = None
        db.execute_sql(setting.format(BUSY_TIMEOUT_S * 1000))


_SQLITE_MESSAGES = (
    ("file is not a database", "Tệp không phải cơ sở dữ liệu PAR Desktop hoặc đã bị hỏng. "
                               "Hãy khôi phục từ bản sao lưu gần nhất."),
    ("database disk image is malformed", "Cơ sở dữ liệu bị hỏng. Hãy khôi phục từ bản sao lưu gần nhất."),
    ("readonly database", "Không ghi được vào cơ sở dữ liệu: tệp hoặc thư mục chỉ cho phép đọc. "
                          "Hãy kiểm tra quyền ghi trên ổ mạng dùng chung."),
    ("unable to open database", "Không mở được tệp cơ sở dữ liệu. Kiểm tra đường dẫn và quyền truy cập."),
    ("disk i/o error", "Lỗi đọc/ghi đĩa khi truy cập cơ sở dữ liệu (ổ mạng bị ngắt?). Dữ liệu đã lưu không bị mất; "
                       "hãy kiểm tra kết nối rồi thử lại."),
    ("database or disk is full", "Ổ đĩa chứa cơ sở dữ liệu đã đầy. Giải phóng dung lượng rồi thử lại; "
                                 "dữ liệu đã lưu trước đó không bị mất."),
)


_RETRY = "Dữ liệu bạn đã nhập chưa bị mất; hãy thử lại."


def _busy_text(who: str) -> str:
    return (f"Cơ sở dữ liệu đang được {who} ghi; đã chờ {BUSY_TIMEOUT_S} giây mà chưa xong. "
            "Dữ liệu của bạn chưa bị mất: hãy thử lại sau ít phút.")


_BUSY = _busy_text("người dùng khác")
_PG_MESSAGES = (
    (("password authentication failed", "no password supplied", "authentication failed",
      "no pg_hba.conf entry"),
     "Máy chủ PostgreSQL từ chối đăng nhập: sai tên người dùng hoặc mật khẩu trong địa chỉ kết nối "
     "(hoặc tài khoản chưa được phép kết nối). Hãy kiểm tra lại với người quản trị máy chủ."),
    ((re.compile(r'database ".*" does not exist'),),
     "Trên máy chủ PostgreSQL chưa có cơ sở dữ liệu này. Hãy nhờ người quản trị tạo (createdb) "
     "rồi chạy «par-desktop --db URL init», hoặc kiểm tra lại tên trong địa chỉ."),
    (("connection refused", "could not connect", "is the server running", "could not translate host name",
      "timeout expired", "no route to host", "network is unreachable", "starting up", "shutting down",
      "ssl negotiation", "connection timed out", "name or service not known"),
     "Không kết nối được máy chủ PostgreSQL: máy chủ đang tắt, sai địa chỉ hoặc mạng không tới được. "
     "Dữ liệu bạn đã nhập chưa bị mất; hãy kiểm tra mạng rồi thử lại."),
    (_CONNECTION_LOST,
     "Mất kết nối tới máy chủ PostgreSQL giữa chừng (mạng bị ngắt hoặc máy chủ khởi động lại). "
     "Thay đổi đang ghi đã được hủy trọn vẹn, không có gì bị ghi dở. " + _RETRY),
    (("too many clients", "remaining connection slots", "too many connections"),
     "Máy chủ PostgreSQL đã hết số kết nối cho phép. Dữ liệu bạn đã nhập chưa bị mất; "
     "hãy thử lại sau ít phút."),
    (("lock timeout", "could not obtain lock", "deadlock detected", "could not serialize access"),
     _BUSY),
    (("permission denied", "must be owner"),
     "Tài khoản PostgreSQL trong địa chỉ kết nối không có quyền với cơ sở dữ liệu này. "
     "Hãy nhờ người quản trị máy chủ cấp quyền."),
    (("read-only transaction",),
     "Máy chủ PostgreSQL đang ở chế độ chỉ đọc (máy dự phòng?). Hãy dùng địa chỉ máy chủ chính."),
    (("could not extend file", "no space left on device"),
     "Ổ đĩa của máy chủ PostgreSQL đã đầy. Hãy báo người quản trị máy chủ. " + _RETRY),
    (("postgres driver not installed", "no module named 'psycopg2'"),
     "Bản cài đặt này thiếu thư viện kết nối PostgreSQL (psycopg2). Hãy cài lại PAR Desktop."),
)


def postgres_message(text: str) -> str | None:
    """The Vietnamese explanation of a PostgreSQL/libpq error text (from psycopg2 or pg_dump), if known."""
    text = text.lower()
    for needles, message in _PG_MESSAGES:
        if any(needle.search(text) if isinstance(needle, re.Pattern) else needle in text for needle in needles):
            return message
    return None


def _busy(exc: BaseException) -> DatabaseUnavailable:
    return DatabaseUnavailable(_busy_text(blocking_description()), detail=str(exc))


def explain_database_error(exc: BaseException) -> UserError | None:
    """Turn an SQLite/PostgreSQL error caused by the environment into a Vietnamese one, or None for bugs.

    Mostly ``DatabaseUnavailable``; a text too long for a PostgreSQL column is ``InvalidInput``.
    """
    text = str(exc).lower()
    if "cannot rollback" in text or "no transaction is active" in text:
        # SQLite rolled back by itself after the real fault (disk full, I/O error); peewee's ROLLBACK then
        # fails and hides it: explain the fault, not the rollback.
        original = exc.__context__
        if original is not None and original is not exc:
            return explain_database_error(original)
    if isinstance(exc, (peewee.DatabaseError, peewee.InterfaceError, peewee.ImproperlyConfigured)) \
            and _from_postgres(exc):
        message = postgres_message(text)
        if message is _BUSY:
            return _busy(exc)  # names who is writing
        if message is not None:
            return DatabaseUnavailable(message, detail=str(exc).strip())
        if "value too long" in text:
            return InvalidInput("Có nội dung dài hơn độ dài cho phép của cột trong cơ sở dữ liệu PostgreSQL "
                                "(thường là 255 ký tự). Hãy rút gọn rồi thử lại; dữ liệu chưa bị thay đổi.",
                                detail=str(exc).strip())
    if "locked" in text or "busy" in text:
        return _busy(exc)
    for needle, message in _SQLITE_MESSAGES:
        if needle in text:
            return DatabaseUnavailable(message, detail=str(exc))
    return None


def _from_postgres(exc: BaseException) -> bool:
    """Whether the error came from psycopg2 or a PostgreSQL database (peewee hides the driver's class)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if type(exc).__module__.startswith("psycopg2") or isinstance(exc, peewee.ImproperlyConfigured):
            return True
        if any(type(arg).__module__.startswith("psycopg2") for arg in exc.args):
            return True
        exc = exc.__cause__ or exc.__context__
    db = database_proxy.obj
    return isinstance(db, peewee.PostgresqlDatabase)


def blocking_description() -> str:
    """Who is most likely writing: the other sessions with a recent heartbeat, read without a write lock."""
    from datetime import datetime, timedelta

    from par_desktop.db.changes import current_session_id
    from par_desktop.db.models import Presence

    try:
        recent = datetime.now() - timedelta(minutes=3)
        rows = list(Presence.select().where((Presence.heartbeat >= recent)
                                            & (Presence.session_id != current_session_id.get()))
                    .order_by(Presence.heartbeat.desc()).limit(3))
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
    except (peewee.DatabaseError, sqlite3.DatabaseError, peewee.InterfaceError, peewee.ImproperlyConfigured) as exc:
        friendly = explain_database_error(exc)
        if friendly is None:
            raise
        raise friendly from exc
