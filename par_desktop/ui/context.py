"""What every page shares: the database location, the signed-in clerk, change notifications, preferences.

Changes appear in the open views by themselves (UX.md: "other clerks' changes appear in the open
views"): a timer polls the database every ``POLL_MS`` on the GUI thread with one query that costs
microseconds — the id of the newest audit row. Every meaningful write leaves one, whoever made it
(another clerk, a worker thread, this page); presence heartbeats do not, so they do not make every
open page reload every few seconds. ``notify_changed()`` (after this app's own writes) makes the
check happen at once instead of at the next tick. When the newest audit row moved, ``data_changed``
is emitted once.

The poll never makes the window wait: on SQLite it runs with a zero busy timeout, and when the file
is locked by another clerk's write it simply tries again at the next tick.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

from par_desktop.errors import UserError
from par_desktop.services import database
from par_desktop.services.calendar import current_calendar
from par_desktop.services.session import Actor

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
    # (page key, payload): a page asks the main window to show another page, e.g. the dashboard
    # opening the dossiers page on "overdue"; the target page's optional ``navigate_to(payload)`` gets it.
    navigate_requested = Signal(str, object)
    _bumped = Signal()

    def __init__(self, location: str, actor: Actor, *, poll_ms: int = POLL_MS, parent: QObject | None = None):
        super().__init__(parent)
        self.location = location
        self.actor = actor
        self._lock = threading.Lock()
        self._counter = 0
        self._seen: tuple | None = None
        self._audit_max: int | None = None
        self._failing = False
        self._calendar = None
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.poll)
        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(50)
        self._coalesce.timeout.connect(self.poll)
        self._bumped.connect(self._coalesce.start)   # queued when emitted from a worker thread
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

    def start_polling(self) -> None:
        self._stamp()   # baseline, so the first tick does not count as a change
        self._seen = (self._audit_max, self._counter)
        self._timer.start()

    def stop_polling(self) -> None:
        self._timer.stop()
        self._coalesce.stop()

    def poll(self) -> bool:
        """Emit ``data_changed`` when the database changed since the last poll; True when it did."""
        if not self._stamp():
            return False
        with self._lock:
            stamp = (self._audit_max, self._counter)
        if stamp == self._seen:
            return False
        self._seen = stamp
        self.data_changed.emit()
        return True

    def _stamp(self) -> bool:
        """Read the newest audit id into ``_audit_max``; False when the database could not be read now."""
        try:
            newest = database.newest_change()
        except UserError as exc:
            if not self._failing:
                self._failing = True
                log.warning("change poll failed: %s", exc.__cause__ or exc)
                self.status_message.emit(exc.message)
            return False
        if newest is None:
            return False   # another clerk is writing, or this thread is mid-transaction: the next tick
        self._audit_max = newest
        if self._failing:
            self._failing = False
            self.status_message.emit("Đã kết nối lại cơ sở dữ liệu.")
        return True

    def _forget_caches(self) -> None:
        self._calendar = None
