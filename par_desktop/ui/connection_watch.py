"""The database watched from a worker thread: the change poll, the presence heartbeat, and whether the
file can be reached — so a hung share never makes the window "Not Responding".

Every ``interval_s`` (and at once after ``check_now()``) the watcher reaches for the file
(``services.database.ensure_file_reachable``: one ``stat``) and reads the id of the newest audit row on
its own connection, without waiting for another clerk's write. When either fails because the file is
gone it reports ``lost`` once, drops its connection, and keeps trying at the same pace; the first tick
that works again reports ``restored``. A share that hangs instead of failing (a file server gone
silent: Windows waits about a minute before it gives up) is reported too: ``check_stall`` (called on the
GUI thread by a timer) reports ``lost`` when a tick has been waiting longer than ``stall_s``. The
presence heartbeat runs on the same thread every ``heartbeat_s``. Signals are delivered on the GUI
thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from par_desktop.errors import UserError
from par_desktop.services import database

log = logging.getLogger(__name__)


class ConnectionWatch(QObject):
    newest = Signal(object)      # the id of the newest audit row (int)
    lost = Signal(str)           # why the database cannot be reached (Vietnamese)
    restored = Signal()

    STALL_MESSAGE = ("Máy chủ tệp không trả lời: đã chờ {seconds} giây mà chưa đọc được cơ sở dữ liệu "
                     "(mạng chậm, ổ mạng bị treo hoặc máy chủ đang khởi động lại).")

    def __init__(self, location: str, *, interval_s: float, heartbeat: Callable[[], object] | None = None,
                 heartbeat_s: float = 30.0, stall_s: float = 5.0, parent: QObject | None = None):
        super().__init__(parent)
        self.location = location
        self.interval_s = interval_s
        self._heartbeat = heartbeat
        self.heartbeat_s = heartbeat_s
        self.stall_s = stall_s
        self.is_lost = False
        self._state = threading.Lock()       # is_lost and the tick's start, shared with check_stall
        self._tick_started: float | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def thread(self) -> threading.Thread | None:
        return self._thread

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="par-connection-watch", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop after the current tick (a tick stuck on a hung share is left to end by itself)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout_s)

    def check_now(self) -> None:
        """Tick now instead of at the next interval (after this app's own writes)."""
        self._wake.set()

    def _run(self) -> None:
        next_beat = time.monotonic()
        with database.thread_connection():
            while not self._stopping.is_set():
                if not database.is_open(self.location):
                    break               # the app opened another database: this watch has nothing to watch
                self._tick()
                if self._heartbeat is not None and not self.is_lost and time.monotonic() >= next_beat:
                    self._beat()
                    next_beat = time.monotonic() + self.heartbeat_s
                self._wake.wait(self.interval_s)
                self._wake.clear()
            database.forget_connection()

    def check_stall(self) -> None:
        """Report ``lost`` when the current tick has waited longer than ``stall_s`` (the share hangs)."""
        with self._state:
            started = self._tick_started
            stalled = started is not None and not self.is_lost and time.monotonic() - started > self.stall_s
            if stalled:
                self.is_lost = True
        if stalled:
            log.warning("database not answering for %.0f s", self.stall_s)
            self.lost.emit(self.STALL_MESSAGE.format(seconds=round(self.stall_s)))

    def _tick(self) -> None:
        with self._state:
            self._tick_started = time.monotonic()
        try:
            database.ensure_file_reachable(self.location)
            newest = database.newest_change()
        except UserError as exc:
            database.forget_connection()
            self._report_lost(exc)
            return
        except Exception:   # a bug in one tick must not end the watch
            log.exception("connection watch tick")
            return
        finally:
            with self._state:
                self._tick_started = None
        with self._state:
            was_lost, self.is_lost = self.is_lost, False
        if was_lost:
            log.info("database reachable again")
            self.restored.emit()
        if newest is not None:
            self.newest.emit(newest)

    def _report_lost(self, exc: UserError) -> None:
        with self._state:
            was_lost, self.is_lost = self.is_lost, True
        if not was_lost:
            log.warning("database lost: %s", exc.detail or exc.message)
            self.lost.emit(exc.message)

    def _beat(self) -> None:
        try:
            self._heartbeat()
        except Exception as exc:  # noqa: BLE001 — presence is informative; the tick reports a lost file
            log.warning("presence heartbeat failed: %s", exc)
