"""Who has the database open, and the maintenance mode one administrator takes to restore or upgrade.

Each running app registers a presence row (session id, user, machine, pid, since) and refreshes its
heartbeat every ``HEARTBEAT_S`` seconds, adding one to its ``beats`` counter. Whether another session is
alive is judged on THIS PC's own clock: a session whose counter this process has watched stay unchanged
for ``presence.stale_minutes`` crashed or lost the share (``_is_stale``). The other PC's wall-clock
``heartbeat`` is only used for a session seen for the first time, with ``CLOCK_TOLERANCE`` to spare, so
a PC whose clock is a few minutes off is never taken for dead. ``clock_offset`` measures how far this
PC's clock is from the database server's (or the share's) so the app can warn about it.

Maintenance mode (chế độ bảo trì) is the AppMeta key ``maintenance``: who holds it, from which session
and machine, since when and why. While another administrator holds it, every write service refuses
with ``MaintenanceMode`` ("đang bảo trì"). A hold taken by an app session whose heartbeat went stale is
abandoned (the app crashed) and no longer blocks anyone; a hold taken on the command line (no session)
lasts until ``maintenance off``.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import peewee

from par_desktop.db import changes, connection
from par_desktop.db.changes import audit
from par_desktop.db.models import SCHEMA_VERSION, AppMeta, Presence
from par_desktop.db.uri import read_only_uri
from par_desktop.domain.text import nfc, ui_moment
from par_desktop.errors import DatabaseUnavailable
from par_desktop.services import settings
from par_desktop.services.session import Actor, require

HEARTBEAT_S = 30
CLOCK_TOLERANCE = timedelta(minutes=10)   # a first sight trusts another PC's clock only this far
CLOCK_WARNING_S = 60
MAINTENANCE_KEY = "maintenance"
# A heartbeat is best effort: it waits this long for another clerk's write, then skips a beat.
_HEARTBEAT_WAIT_MS = 500


class MaintenanceMode(DatabaseUnavailable):
    """Another administrator is restoring a backup or upgrading the schema: wait, nothing is lost."""


@dataclass(frozen=True)
class SessionInfo:
    session_id: str
    username: str
    machine: str
    pid: int
    since: datetime
    heartbeat: datetime
    activity: str
    is_self: bool


@dataclass(frozen=True)
class MaintenanceState:
    username: str
    full_name: str
    machine: str
    session_id: str
    since: datetime
    reason: str
    abandoned: bool       # taken by an app session that stopped beating: it blocks nobody

    @property
    def active(self) -> bool:
        return not self.abandoned

    def describe(self) -> str:
        who = self.full_name or self.username
        why = f" ({self.reason})" if self.reason else ""
        return f"{who} trên máy {self.machine}, từ {ui_moment(self.since)}{why}"


@dataclass
class _Registration:
    session_id: str
    username: str
    since: datetime


_registration: _Registration | None = None


def current_session() -> str | None:
    """The presence session of this process (None before ``register``)."""
    return _registration.session_id if _registration else None


def _stale_period() -> timedelta:
    return timedelta(minutes=float(settings.get(settings.PRESENCE_STALE_MINUTES)))


def _stale_before(now: datetime | None = None) -> datetime:
    return (now or datetime.now()) - _stale_period()


# session id -> (beats last seen, time.monotonic() when this process saw that value first)
_seen_beats: dict[str, tuple[int, float]] = {}


def _is_stale(row: Presence) -> bool:
    """Whether another session stopped beating, judged by its counter on this process's own clock."""
    import time

    now = time.monotonic()
    period = _stale_period().total_seconds()
    seen = _seen_beats.get(row.session_id)
    if seen is not None and seen[0] == row.beats:
        return now - seen[1] >= period
    # First sight: only a heartbeat far older than any plausible clock difference counts as dead (and is
    # remembered as already silent for a whole period); a counter that moved is alive.
    dead = seen is None and row.heartbeat < datetime.now() - _stale_period() - CLOCK_TOLERANCE
    _seen_beats[row.session_id] = (row.beats, now - period if dead else now)
    return dead


def _presence_row(reg: _Registration, now: datetime, activity: str = "") -> dict:
    return {"session_id": reg.session_id, "username": reg.username, "machine": socket.gethostname(),
            "pid": os.getpid(), "since": reg.since, "heartbeat": now, "activity": activity}


def register(actor: Actor, activity: str = "") -> str:
    """Announce this app on the database; the session id is stamped on the audit rows it writes."""
    global _registration
    now = datetime.now()
    reg = _Registration(uuid.uuid4().hex, actor.username, now)
    with connection.translated_errors(), connection.write_transaction(guarded=False):
        # Rows of apps that died long ago only clutter the table.
        Presence.delete().where(Presence.heartbeat < now - timedelta(days=1)).execute()
        Presence.create(**_presence_row(reg, now, nfc(activity)))
    _registration = reg
    changes.current_session_id.set(reg.session_id)
    return reg.session_id


def _short_wait_write(work) -> bool:
    """Run a tiny write, waiting at most ``_HEARTBEAT_WAIT_MS`` for the lock; False when it had to skip."""
    try:
        with connection.lock_wait(_HEARTBEAT_WAIT_MS), connection.write_transaction(guarded=False):
            work()
        return True
    except peewee.OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            return False
        raise


def heartbeat(activity: str | None = None) -> bool:
    """Refresh this session's heartbeat (re-creating its row, e.g. after a restore replaced the file).

    Never makes the clerk wait: when another clerk holds the write lock the beat is skipped (False).
    """
    reg = _registration
    if reg is None:
        return False
    now = datetime.now()
    values = {"heartbeat": now}
    if activity is not None:
        values["activity"] = nfc(activity)

    def work():
        if Presence.update(**values, beats=Presence.beats + 1).where(
                Presence.session_id == reg.session_id).execute() == 0:
            Presence.create(**_presence_row(reg, now, values.get("activity", "")))

    with connection.translated_errors():
        return _short_wait_write(work)


def unregister() -> None:
    """Remove this session's row (on a clean exit); a crash leaves it to go stale."""
    global _registration
    reg = _registration
    if reg is None:
        return
    with connection.translated_errors(), connection.write_transaction(guarded=False):
        Presence.delete().where(Presence.session_id == reg.session_id).execute()
    _registration = None
    changes.current_session_id.set("")


def active_sessions(*, include_self: bool = True) -> list[SessionInfo]:
    """Sessions whose heartbeat is recent, newest first."""
    me = current_session()
    with connection.translated_errors():
        rows = list(Presence.select().where(Presence.heartbeat >= _stale_before() - CLOCK_TOLERANCE)
                    .order_by(Presence.since))
    return [SessionInfo(r.session_id, r.username, r.machine, r.pid, r.since, r.heartbeat, r.activity,
                        r.session_id == me)
            for r in rows if (include_self or r.session_id != me) and (r.session_id == me or not _is_stale(r))]


def others_working() -> list[SessionInfo]:
    return active_sessions(include_self=False)


# --- maintenance mode --------------------------------------------------------------------------------

def _parse_state(value: str) -> MaintenanceState | None:
    try:
        data = json.loads(value)
        since = datetime.fromisoformat(data["since"])
    except (ValueError, KeyError, TypeError):
        return None
    session_id = data.get("session_id", "")
    abandoned = False
    if session_id:
        row = Presence.get_or_none(Presence.session_id == session_id)
        abandoned = row is None or (session_id != current_session() and _is_stale(row))
    return MaintenanceState(data.get("username", ""), data.get("full_name", ""), data.get("machine", ""),
                            session_id, since, data.get("reason", ""), abandoned)


def maintenance_state() -> MaintenanceState | None:
    """The current maintenance hold (possibly abandoned), or None."""
    with connection.translated_errors():
        row = AppMeta.get_or_none(AppMeta.key == MAINTENANCE_KEY)
        return None if row is None else _parse_state(row.value)


def is_holder(state: MaintenanceState, actor: Actor | None) -> bool:
    """True when this app session (or, for a command-line hold, this user) holds ``state``."""
    if state.session_id:
        return state.session_id == current_session()
    return actor is not None and actor.username == state.username


def _blocking(state: MaintenanceState | None, actor: Actor | None) -> bool:
    return state is not None and state.active and not is_holder(state, actor)


def maintenance_message(state: MaintenanceState) -> str:
    return (f"Cơ sở dữ liệu đang bảo trì: quản trị {state.describe()}. Vui lòng chờ đến khi bảo trì xong "
            "rồi thử lại; dữ liệu đã lưu không bị mất.")


def install_write_guard(actor: Actor) -> None:
    """Make every write transaction of this process refuse to write while another administrator holds
    maintenance mode (called once the acting user is known: at sign-in, or when a command opens the
    database)."""
    connection.set_write_guard(lambda: ensure_not_in_maintenance(actor))


def ensure_not_in_maintenance(actor: Actor | None = None) -> None:
    """Refuse a write while another administrator holds maintenance mode.

    Every write service calls this as the first statement inside its ``write_transaction()`` (one cheap
    read under the write lock, so no write can slip in after ``enter_maintenance`` committed). The
    holder itself — its app session, or on the command line the same user — may keep writing: it is
    the one restoring or upgrading.
    """
    state = maintenance_state()
    if _blocking(state, actor):
        raise MaintenanceMode(maintenance_message(state))


def enter_maintenance(actor: Actor, reason: str) -> list[SessionInfo]:
    """Take maintenance mode (administrators only); returns the other sessions that are told to wait."""
    require(actor, "restore")
    reason = nfc(reason)
    with connection.translated_errors(), connection.write_transaction(guarded=False):
        row = AppMeta.get_or_none(AppMeta.key == MAINTENANCE_KEY)
        state = None if row is None else _parse_state(row.value)
        if _blocking(state, actor):
            raise MaintenanceMode(maintenance_message(state))
        from par_desktop.db.models import User

        user = User.get_or_none(User.username == actor.username)
        value = json.dumps({
            "username": actor.username, "full_name": actor.full_name or (user.full_name if user else ""),
            "machine": socket.gethostname(), "session_id": current_session() or "",
            "since": datetime.now().isoformat(timespec="seconds"), "reason": reason,
        }, ensure_ascii=False)
        AppMeta.insert(key=MAINTENANCE_KEY, value=value).on_conflict_replace().execute()
        audit(actor.username, "maintenance_on", "app_meta", MAINTENANCE_KEY, "maintenance",
              None if row is None else row.value, reason)
    return others_working()


def leave_maintenance(actor: Actor, *, force: bool = False) -> bool:
    """End maintenance mode; another administrator's live hold needs ``force``. False when none was held."""
    require(actor, "restore")
    with connection.translated_errors(), connection.write_transaction(guarded=False):
        row = AppMeta.get_or_none(AppMeta.key == MAINTENANCE_KEY)
        if row is None:
            return False
        state = _parse_state(row.value)
        if _blocking(state, actor) and not force:
            raise MaintenanceMode(maintenance_message(state) + " Chỉ người đang bảo trì mới kết thúc được "
                                  "(hoặc dùng «maintenance off --force»).")
        AppMeta.delete().where(AppMeta.key == MAINTENANCE_KEY).execute()
        audit(actor.username, "maintenance_off", "app_meta", MAINTENANCE_KEY, "maintenance",
              state.reason if state else row.value, None)
    return True


def ensure_upgrade_allowed(location: str) -> None:
    """Before ``open_database`` upgrades an older SQLite file: refuse while someone else holds
    maintenance mode or other clerks are still working on it (the upgrade would change the schema
    under them). Reads the file directly, without upgrading it; does nothing for an up-to-date file."""
    if connection.is_postgres(location) or not Path(location).is_file():
        return
    try:
        conn = sqlite3.connect(read_only_uri(location), uri=True, timeout=connection.BUSY_TIMEOUT_S)
        try:
            version = conn.execute("SELECT value FROM app_meta WHERE key='schema_version'").fetchone()
            if version is None or not str(version[0]).strip().isdigit() or int(version[0]) >= SCHEMA_VERSION:
                return   # nothing to upgrade (open_database explains a version it cannot read)
            hold = conn.execute("SELECT value FROM app_meta WHERE key=?", (MAINTENANCE_KEY,)).fetchone()
            stale = datetime.now() - timedelta(minutes=_stale_minutes(conn)) - CLOCK_TOLERANCE
            others = conn.execute("SELECT session_id, username, machine FROM presence WHERE heartbeat >= ?",
                                  (stale.isoformat(sep=" "),)).fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return   # open_database explains unreadable files
    live = {session_id for session_id, _, _ in others}
    data = json.loads(hold[0]) if hold is not None else None
    if data is not None and (not data.get("session_id") or data["session_id"] in live):
        raise MaintenanceMode(
            f"Cần nâng cấp lược đồ cơ sở dữ liệu nhưng quản trị {data.get('full_name') or data.get('username')} "
            f"đang bảo trì ({data.get('reason', '')}). Vui lòng chờ rồi mở lại.")
    if others:
        names = ", ".join(f"{u} ({m})" for _, u, m in others)
        raise MaintenanceMode(
            f"Cần nâng cấp lược đồ cơ sở dữ liệu nhưng đang có người làm việc: {names}. "
            "Hãy đề nghị họ thoát PAR Desktop rồi mở lại; tệp chưa bị thay đổi.")


def _stale_minutes(conn: sqlite3.Connection) -> float:
    row = conn.execute("SELECT value FROM setting WHERE key=?", (settings.PRESENCE_STALE_MINUTES,)).fetchone()
    return float(json.loads(row[0])) if row else float(settings.DEFAULTS[settings.PRESENCE_STALE_MINUTES])


# --- this PC's clock against the database's -------------------------------------------------------------

def clock_offset(location: str) -> float | None:
    """Seconds by which the database server's clock (PostgreSQL) or the share's file times (SQLite: a
    scratch file made in the database's folder is stamped by the file server) are ahead of this PC's
    clock; None when it cannot be measured (a read-only folder)."""
    import tempfile
    import time
    from pathlib import Path

    if connection.is_postgres(location):
        with connection.translated_errors():
            server = connection.current().execute_sql("SELECT EXTRACT(EPOCH FROM clock_timestamp())").fetchone()[0]
        return float(server) - time.time()
    try:
        handle, name = tempfile.mkstemp(prefix=".par-dong-ho-", dir=Path(location).parent)
        os.close(handle)
        try:
            return os.stat(name).st_mtime - time.time()
        finally:
            os.unlink(name)
    except OSError:
        return None


def clock_warning(offset: float | None, *, postgres: bool = False) -> str | None:
    """A Vietnamese warning when this PC's clock is more than a minute off, else None."""
    if offset is None or abs(offset) <= CLOCK_WARNING_S:
        return None
    minutes = max(1, round(abs(offset) / 60))
    where = "máy chủ cơ sở dữ liệu" if postgres else "máy chủ chứa tệp dữ liệu dùng chung"
    return (f"Đồng hồ máy này {'chậm' if offset > 0 else 'nhanh'} khoảng {minutes} phút so với {where}. Hãy "
            "đồng bộ giờ (Windows: Cài đặt → Thời gian và ngôn ngữ → Đồng bộ ngay) để thời điểm tiếp nhận, "
            "hạn xử lý và nhật ký thay đổi được ghi đúng.")


def clock_notice(location: str) -> str | None:
    """The clock warning for the database at ``location`` (None when this PC's clock is right)."""
    return clock_warning(clock_offset(location), postgres=connection.is_postgres(location))
