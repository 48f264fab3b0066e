"""What every page shares: the database location, the signed-in clerk, change notifications, preferences.

Changes appear in the open views by themselves (UX.md: "other clerks' changes appear in the open
views"): every ``POLL_MS`` a worker thread (``ui.connection_watch``) reads one number that costs
microseconds — the id of the newest audit row. Every meaningful write leaves one, whoever made it
(another clerk, a worker thread, this page); presence heartbeats do not, so they do not make every
open page reload every few seconds. ``notify_changed()`` (after this app's own writes) makes the check
happen at once instead of at the next tick. When the newest audit row moved, ``data_changed`` is
emitted once.

Nothing of it runs on the GUI thread, so a hung share cannot freeze the window. When the file cannot be
reached (a file-server reboot, a laptop's sleep, a dropped Wi-Fi) ``connection_lost`` says why and the
window shows "Mất kết nối — đang thử lại"; editors stay open with what the clerk typed (their saves fail
with a message and can be repeated). Once the file answers again, the GUI thread's own connection —
dead after such a cut — is replaced, ``connection_restored`` fires and every view reloads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

from par_desktop.services import database
from par_desktop.services.calendar import current_calendar
from par_desktop.services.session import Actor
from par_desktop.ui.connection_watch import ConnectionWatch

log = logging.getLogger(__name__)

POLL_MS = 2000
SETTINGS_ORG = "PAR Desktop"
SETTINGS_APP = "par-desktop"


def prefs() -> QSettings:
    """The user's local preferences (window layout, column widths, filters) as an INI file."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, SETTINGS_ORG, SETTINGS_APP)


class AppContext(QObject):
    """Shared state of one running app. Lives on the GUI thread; ``notify_changed`` is thread-safe."""

    data_changed = Signal()
    status_message = Signal(str)
    connection_lost = Signal(str)     # why (Vietnamese); the views keep what they show
    connection_restored = Signal()
    # (page key, payload): a page asks the main window to show another page, e.g. the dashboard
    # opening the dossiers page on "overdue"; the target page's optional ``navigate_to(payload)`` gets it.
    navigate_requested = Signal(str, object)
    _bumped = Signal()

    def __init__(self, location: str, actor: Actor, *, poll_ms: int = POLL_MS, parent: QObject | None = None):
        super().__init__(parent)
        self.location = location
        self.actor = actor
        self.offline: str | None = None      # why the database cannot be reached now, else None
        self._lock = threading.Lock()
        self._counter = 0
        self._seen: tuple | None = None
        self.newest_change: int | None = None     # the newest audit row's id the watch read (None: not yet)
        self._calendar = None
        self._poll_ms = poll_ms
        self.watch: ConnectionWatch | None = None
        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(50)
        self._coalesce.timeout.connect(self._check_now)
        self._bumped.connect(self._coalesce.start)   # queued when emitted from a worker thread
        self._stall_timer = QTimer(self)                # a share that hangs is said within seconds
        self._stall_timer.setInterval(1000)
        self._stall_timer.timeout.connect(self._check_stall)
        self.data_changed.connect(self._forget_caches)

    # ---- who and where ----------------------------------------------------------------------

    def describe(self) -> str:
        """The database location, safe to show (no PostgreSQL password)."""
        return database.describe(self.location)

    def can(self, action: str) -> bool:
        return self.actor.can(action)

    def calendar(self):
        """The working calendar in force (settings + administrator overrides), rebuilt after changes."""
        if self._calendar is None:
            with database.translated_errors():
                self._calendar = current_calendar()
        return self._calendar

    def open_page(self, key: str, payload: Any = None) -> None:
        self.navigate_requested.emit(key, payload)

    # ---- preferences per signed-in user ---------------------------------------------------------

    def pref_key(self, name: str) -> str:
        return f"users/{self.actor.username}/{name}"

    def pref(self, name: str, default: Any = None) -> Any:
        return prefs().value(self.pref_key(name), default)

    def set_pref(self, name: str, value: Any) -> None:
        prefs().setValue(self.pref_key(name), value)

    # ---- change notification ----------------------------------------------------------------

    def notify_changed(self) -> None:
        """Call after this app wrote to the database (any thread): the open views reload now, once."""
        with self._lock:
            self._counter += 1
        self._bumped.emit()

    def start_polling(self, heartbeat: Callable[[], object] | None = None, heartbeat_s: float = 30.0,
                      stall_s: float = 5.0) -> None:
        """Watch the database from a worker thread (the change poll, and ``heartbeat`` every
        ``heartbeat_s``: the presence heartbeat) until ``stop_polling``; a read waiting longer than
        ``stall_s`` counts as a lost connection."""
        if self.watch is not None:
            return
        self.watch = ConnectionWatch(self.location, interval_s=max(self._poll_ms, 50) / 1000, heartbeat=heartbeat,
                                     heartbeat_s=heartbeat_s, stall_s=stall_s)
        self.watch.newest.connect(self._newest_change)
        self.watch.lost.connect(self._lost)
        self.watch.restored.connect(self._restored)
        self.watch.start()
        self._stall_timer.start()

    def stop_polling(self) -> None:
        self._coalesce.stop()
        self._stall_timer.stop()
        if self.watch is not None:
            self.watch.stop()
            self.watch = None

    def _check_stall(self) -> None:
        if self.watch is not None:
            self.watch.check_stall()

    def _check_now(self) -> None:
        if self.watch is not None:
            self.watch.check_now()      # the watcher reads the newest change and reports it
        else:
            self._emit_if_changed()     # not watching: this app's own write is the change

    def _newest_change(self, newest: int) -> None:
        first = self.newest_change is None
        self.newest_change = newest
        if first:
            with self._lock:
                self._seen = (newest, self._counter)   # the baseline: nothing changed yet
            return
        self._emit_if_changed()

    def _emit_if_changed(self) -> None:
        with self._lock:
            stamp = (self.newest_change, self._counter)
        if stamp != self._seen:
            self._seen = stamp
            self.data_changed.emit()

    def _lost(self, reason: str) -> None:
        self.offline = reason
        self.connection_lost.emit(reason)
        self.status_message.emit(reason)

    def _restored(self) -> None:
        database.forget_connection()    # the GUI thread's handle may be dead since the cut: a new one
        self.offline = None
        self.connection_restored.emit()
        self.status_message.emit("Đã kết nối lại cơ sở dữ liệu.")
        self.data_changed.emit()        # what others saved meanwhile

    def _forget_caches(self) -> None:
        self._calendar = None
