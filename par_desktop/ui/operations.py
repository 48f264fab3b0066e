"""Long work off the GUI thread: one helper with its progress dialog, cancel button and error dialog.

``run_operation(parent, title, work, on_success)`` runs ``work(progress)`` on a ``QThreadPool`` thread.
The worker reports through ``progress.report(done, total, text)`` and stops when the clerk presses
"Hủy" at its next ``progress.check_cancelled()`` (which raises ``Cancelled``). Results and errors come
back to the GUI thread through queued signals, so ``on_success`` may touch widgets; ``work`` never may.

The progress dialog appears only when the work lasts longer than ``SHOW_DELAY_MS``, by a timer the
operation owns and stops the moment the work ends: a dialog that opens on the result (a summary, the
unit-mapping question, an error) can never have the finished operation's progress window pop up over
it and block it. (``QProgressDialog`` keeps its own show timer running after ``hide()`` and pumps events
inside ``setValue``; it is not used.)

The database: peewee keeps one connection per thread, so a worker opens its own on its first query
(through the bound proxy) and this module closes it when the work ends — only when it was opened there.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from par_desktop.services import database

log = logging.getLogger(__name__)

_REPORT_INTERVAL_S = 0.05
SHOW_DELAY_MS = 400    # work shorter than this never shows a progress window


class Cancelled(Exception):
    """The clerk cancelled the operation; nothing of it should be committed."""


class Progress:
    """Given to ``work`` on the worker thread: report progress, honour cancellation."""

    def __init__(self, signals: _Signals, cancel_event: threading.Event):
        self._signals = signals
        self._cancel = cancel_event
        self._last = 0.0

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def report(self, done: int, total: int | None = None, text: str | None = None) -> None:
        """Progress so far (``total`` None or 0: unknown). Throttled, so calling it per row is fine."""
        now = time.monotonic()
        if now - self._last < _REPORT_INTERVAL_S and not (total and done >= total):
            return
        self._last = now
        self._signals.progress.emit(int(done), int(total or 0), "" if text is None else str(text))


class _Signals(QObject):
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class _Worker:
    """The work run on a pool thread. Not a QRunnable: the pool wraps ``run`` in a runnable it owns and
    deletes itself, so no Python object's lifetime decides when Qt frees the runnable it still uses."""

    def __init__(self, work: Callable[[Progress], Any], progress: Progress, signals: _Signals):
        self._work = work
        self._progress = progress
        self._signals = signals

    def run(self) -> None:
        try:
            with database.thread_connection():   # closed before the result is handed over
                result = self._work(self._progress)
        except Cancelled:
            self._signals.cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 — every failure goes back to the GUI thread
            self._signals.failed.emit(exc)
        else:
            self._signals.succeeded.emit(result)


class ProgressWindow(QDialog):
    """The progress window of one operation: its text, a bar (busy when the total is unknown) and "Hủy".

    It never shows itself: the ``Operation`` shows it after ``SHOW_DELAY_MS`` and hides it for good when
    the work ends. Esc or closing the window is "Hủy" — or nothing when the work cannot be cancelled."""

    canceled = Signal()

    def __init__(self, title: str, cancellable: bool, parent: QWidget | None):
        super().__init__(parent)
        self.setObjectName("progressWindow")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal)
        self.setMinimumWidth(420)
        self.label = QLabel(title)
        self.label.setObjectName("progressText")
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.cancel_button = QPushButton("Hủy")
        self.cancel_button.setObjectName("progressCancel")
        self.cancel_button.clicked.connect(self.canceled)
        self.cancel_button.setVisible(cancellable)
        self._cancellable = cancellable
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addLayout(row)

    def set_label_text(self, text: str) -> None:
        self.label.setText(text)

    def set_progress(self, done: int, total: int) -> None:
        """``total`` 0: unknown (a moving bar)."""
        if self.bar.maximum() != total:
            self.bar.setRange(0, total)
        if total:
            self.bar.setValue(min(done, total))

    def reject(self) -> None:
        if self._cancellable:
            self.canceled.emit()


class Operation(QObject):
    """A running operation: ``finished`` fires on the GUI thread after success, failure or cancellation."""

    finished = Signal()

    def __init__(self, parent: QWidget | None, title: str, work: Callable[[Progress], Any],
                 on_success: Callable[[Any], None] | None, cancellable: bool,
                 on_error: Callable[[BaseException], None] | None, on_cancel: Callable[[], None] | None):
        super().__init__()
        self.title = title
        self.result: Any = None
        self.error: BaseException | None = None
        self.was_cancelled = False
        self.done = False
        self._parent = parent
        self._on_success, self._on_error, self._on_cancel = on_success, on_error, on_cancel
        self._cancel_event = threading.Event()
        self._signals = _Signals()
        self._signals.progress.connect(self._on_progress)
        self._signals.succeeded.connect(self._succeeded)
        self._signals.failed.connect(self._failed)
        self._signals.cancelled.connect(self._cancelled)
        self.dialog = ProgressWindow(title, cancellable, parent)
        self.dialog.canceled.connect(self.cancel)
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.setInterval(SHOW_DELAY_MS)
        self._show_timer.timeout.connect(self._show_dialog)
        self._worker = _Worker(work, Progress(self._signals, self._cancel_event), self._signals)

    def start(self) -> None:
        self._show_timer.start()
        QThreadPool.globalInstance().start(self._worker.run)

    @Slot()
    def _show_dialog(self) -> None:
        if not self.done:
            self.dialog.show()

    @Slot()
    def cancel(self) -> None:
        """Ask the worker to stop at its next ``check_cancelled()``."""
        if not self.done:
            self._cancel_event.set()
            self.dialog.set_label_text("Đang dừng…")

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, text: str) -> None:
        if self.done or self._cancel_event.is_set():
            return
        self.dialog.set_progress(done, total)
        if text:
            self.dialog.set_label_text(text)

    def _finish(self) -> None:
        """The work ended: the progress window goes for good, before any result or error dialog opens."""
        self.done = True
        self._show_timer.stop()
        self.dialog.hide()
        self.dialog.deleteLater()
        _release(_RUNNING, self)

    @Slot(object)
    def _succeeded(self, result: Any) -> None:
        self.result = result
        self._finish()
        try:
            if self._on_success is not None:
                self._on_success(result)
        except Exception as exc:  # noqa: BLE001 — a failing success handler is shown like any error
            self.error = exc
            self._report(exc)
        self._forget_handlers()
        self.finished.emit()

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self.error = exc
        self._finish()
        self._report(exc)
        self._forget_handlers()
        self.finished.emit()

    @Slot()
    def _cancelled(self) -> None:
        self.was_cancelled = True
        self._finish()
        if self._on_cancel is not None:
            self._on_cancel()
        self._forget_handlers()
        self.finished.emit()

    def _forget_handlers(self) -> None:
        """Drop the handlers and the work once they ran: they hold the page, and a page that holds its
        operation (``page.operation``) would otherwise make a reference cycle that Python's collector may
        break on a worker thread — destroying this QObject and its timer there (a deadlock with the GUI
        thread was seen in the test suite)."""
        self._on_success = self._on_error = self._on_cancel = None
        self._worker = None

    def _report(self, exc: BaseException) -> None:
        if self._on_error is not None:
            self._on_error(exc)
            return
        from par_desktop.ui.errors import show_error

        show_error(self._parent, exc)


_RUNNING: set[Operation] = set()
_RELEASE_DELAY_MS = 2000


def _release(running: set, operation) -> None:
    """Forget a finished operation a little later: its signals object must outlive the worker thread's
    last ``emit``, which may still be returning when the queued result is delivered here."""
    QTimer.singleShot(_RELEASE_DELAY_MS, lambda: running.discard(operation))


def run_operation(parent: QWidget | None, title: str, work: Callable[[Progress], Any],
                  on_success: Callable[[Any], None] | None = None, cancellable: bool = True, *,
                  on_error: Callable[[BaseException], None] | None = None,
                  on_cancel: Callable[[], None] | None = None) -> Operation:
    """Run ``work(progress)`` in the background with a progress dialog titled ``title``.

    ``on_success(result)`` runs on the GUI thread; errors are shown with ``ui.errors.show_error``
    unless ``on_error`` is given. Returns the ``Operation`` (its ``finished`` signal, ``cancel()``).
    """
    operation = Operation(parent, title, work, on_success, cancellable, on_error, on_cancel)
    _RUNNING.add(operation)
    operation.start()
    return operation


class _QuietOperation(QObject):
    """A background load with no dialog (dashboard refreshes); nothing is delivered to a destroyed owner."""

    def __init__(self, work: Callable[[], Any], on_success: Callable[[Any], None],
                 on_error: Callable[[BaseException], None] | None, owner: QObject | None = None):
        super().__init__()
        self._on_success, self._on_error = on_success, on_error
        self._owner_gone = False
        if owner is not None:   # a result for a closed widget is dropped, not delivered to a deleted object
            owner.destroyed.connect(self._forget_owner)
        self._signals = _Signals()
        self._signals.succeeded.connect(self._succeeded)
        self._signals.failed.connect(self._failed)
        self._worker = _Worker(lambda _progress: work(), Progress(self._signals, threading.Event()), self._signals)

    @Slot()
    def _forget_owner(self) -> None:
        self._owner_gone = True

    @Slot(object)
    def _succeeded(self, result: Any) -> None:
        _release(_RUNNING_QUIET, self)
        try:
            if not self._owner_gone:
                self._on_success(result)
        finally:
            _LOADS.ended()

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        _release(_RUNNING_QUIET, self)
        try:
            if self._owner_gone:
                return
            if self._on_error is not None:
                self._on_error(exc)
            else:
                log.warning("background load failed: %s", exc)
        finally:
            _LOADS.ended()


_RUNNING_QUIET: set[_QuietOperation] = set()


class LoadEvents(QObject):
    """Background loads in flight (``run_in_background``): ``changed`` fires when one starts and after
    one was delivered (its ``on_success`` or ``on_error`` has run). The screenshot mode waits on it."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.pending = 0

    def started(self) -> None:
        self.pending += 1
        self.changed.emit()

    def ended(self) -> None:
        self.pending -= 1
        self.changed.emit()


_LOADS = LoadEvents()


def load_events() -> LoadEvents:
    return _LOADS


def pending_loads() -> int:
    """How many background loads have been started and not yet delivered."""
    return _LOADS.pending


class LatestLoad:
    """The background loads of one view where only the one started last counts: the result (or error)
    of a load that a later one superseded — the clerk chose another period meanwhile — is dropped,
    whichever of them ends first. Nothing is delivered once ``owner`` is destroyed."""

    def __init__(self, owner: QObject):
        self._owner = owner
        self._started = 0

    def run(self, work: Callable[[], Any], on_success: Callable[[Any], None],
            on_error: Callable[[BaseException], None] | None = None) -> None:
        self._started += 1
        ticket = self._started

        def if_latest(callback: Callable[[Any], None]) -> Callable[[Any], None]:
            def deliver(value: Any) -> None:
                if ticket == self._started:
                    callback(value)
            return deliver

        run_in_background(work, if_latest(on_success), if_latest(on_error) if on_error is not None else None,
                          owner=self._owner)

    def drop_running(self) -> None:
        """Nothing in flight is delivered any more (the view was emptied instead of reloaded)."""
        self._started += 1


def run_in_background(work: Callable[[], Any], on_success: Callable[[Any], None],
                      on_error: Callable[[BaseException], None] | None = None, *,
                      owner: QObject | None = None) -> None:
    """Run ``work()`` on a worker thread without a progress dialog; ``on_success(result)`` on the GUI thread.

    For short reads that refresh a view (a dialog popping up at every refresh would be noise). With
    ``owner`` (the widget the result is for), nothing is delivered once that widget was destroyed.
    """
    operation = _QuietOperation(work, on_success, on_error, owner)
    _RUNNING_QUIET.add(operation)
    _LOADS.started()
    QThreadPool.globalInstance().start(operation._worker.run)
