"""Knowing when the window has been drawn, and when the data loaded at start-up has arrived.

``FrameWatch`` counts the frames a top-level window draws: the first one (the window shell and the
first page, before their data) starts the work that can wait (``MainWindow.after_first_frame``), and the
screenshot mode saves its picture after the frame that shows the data. ``wait_until_drawn`` waits for
that moment in an event loop — for events, never for a fixed time: the first frame drawn, every
background load (``ui.operations.run_in_background``) delivered, and a frame drawn after the last
delivery.

A widget window is painted when it is exposed (the first frame) and when its backing store is synced
on a posted ``UpdateRequest`` (every later frame); both are synchronous, so a zero-delay timer queued
when one of them arrives runs once that frame has been painted and flushed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from par_desktop.ui import operations

_FRAME_EVENTS = (QEvent.Type.Paint, QEvent.Type.UpdateRequest)


class FrameWatch(QObject):
    """Counts the frames ``window`` has drawn; ``drawn(n)`` fires after the n-th."""

    drawn = Signal(int)

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.count = 0
        self._painting = False
        window.installEventFilter(self)

    @property
    def current(self) -> int:
        """The number of the frame being drawn now or drawn last (a frame painted but not yet counted
        already shows what was there before it)."""
        return self.count + self._painting

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
        if not self._painting and event.type() in _FRAME_EVENTS:
            self._painting = True
            QTimer.singleShot(0, self._frame_done)
        return False

    def _frame_done(self) -> None:
        self._painting = False
        self.count += 1
        self.drawn.emit(self.count)


def wait_until_drawn(window: QWidget, watch: FrameWatch, timeout_ms: int = 120_000) -> bool:
    """Run the event loop until ``window`` has drawn what was loaded at start-up: its first frame is
    drawn, no background load is pending, and a frame was drawn after the last load was delivered.
    False when that did not happen within ``timeout_ms`` (a load that never ends is a bug)."""
    loop = QEventLoop()
    last_change = {"frame": 0, "redrawn": False}
    result = {"ok": False}

    def load_changed() -> None:
        last_change["frame"], last_change["redrawn"] = watch.current, False
        check()

    def check(*_args) -> None:
        if operations.pending_loads():
            return
        if watch.count > last_change["frame"]:
            result["ok"] = True
            loop.quit()
        elif not last_change["redrawn"] and watch.count > 0:
            last_change["redrawn"] = True
            window.update()    # make sure the last delivery's changes get a frame of their own

    watch.drawn.connect(check)
    events = operations.load_events()
    events.changed.connect(load_changed)
    limit = QTimer()
    limit.setSingleShot(True)
    limit.timeout.connect(loop.quit)
    limit.start(timeout_ms)
    QTimer.singleShot(0, check)
    loop.exec()
    limit.stop()
    watch.drawn.disconnect(check)
    events.changed.disconnect(load_changed)
    return result["ok"]
