"""Knowing when the window has been drawn, and when the data loaded at start-up has arrived.

``FrameWatch`` counts the frames a top-level window draws: the first one (the window shell and the
first page, before their data) starts the work that can wait (``MainWindow.after_first_frame``), and the
screenshot mode saves its picture after the frame that shows the data: ``StartupDrawn`` says when
that is — from events, never after a fixed time: the first frame drawn, every background load
(``ui.operations.run_in_background``) delivered, and a frame drawn after the last delivery.

A widget window is painted when it is exposed (the first frame) and when its backing store is synced
on a posted ``UpdateRequest`` once exposed (every later frame); both are synchronous, so a zero-delay
timer queued when one of them arrives runs once that frame has been painted and flushed. (An
``UpdateRequest`` that arrives before the window is exposed paints nothing and is not a frame.)
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from par_desktop.ui import operations

class FrameWatch(QObject):
    """Counts the frames ``window`` has drawn; ``drawn(n)`` fires after the n-th."""

    drawn = Signal(int)

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.count = 0
        self._painting = False
        self._window = window
        window.installEventFilter(self)

    @property
    def current(self) -> int:
        """The number of the frame being drawn now or drawn last (a frame painted but not yet counted
        already shows what was there before it)."""
        return self.count + self._painting

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:   # Qt's name
        if not self._painting and (event.type() == QEvent.Type.Paint or (
                event.type() == QEvent.Type.UpdateRequest and self._exposed())):
            self._painting = True
            QTimer.singleShot(0, self, self._frame_done)   # with self: not after the window is gone
        return False

    def _exposed(self) -> bool:
        handle = self._window.windowHandle()
        return handle is not None and handle.isExposed()

    def _frame_done(self) -> None:
        self._painting = False
        self.count += 1
        self.drawn.emit(self.count)


class StartupDrawn(QObject):
    """Fires ``drawn`` once ``window`` has drawn what was loaded at start-up: its first frame is drawn,
    no background load is pending, and a frame was drawn after the last load was delivered."""

    drawn = Signal()

    def __init__(self, window: QWidget, watch: FrameWatch):
        super().__init__(window)
        self._window, self._watch = window, watch
        self._last_change, self._nudged, self.done = 0, False, False
        self._events = operations.load_events()
        watch.drawn.connect(self._check)
        self._events.changed.connect(self._load_changed)
        QTimer.singleShot(0, self, self._check)

    def _load_changed(self) -> None:
        self._last_change, self._nudged = self._watch.current, False
        self._check()

    def _check(self, *_args) -> None:
        if self.done or operations.pending_loads():
            return
        if self._watch.count > self._last_change:
            self.done = True
            self._watch.drawn.disconnect(self._check)
            self._events.changed.disconnect(self._load_changed)
            self.drawn.emit()
        elif not self._nudged and self._watch.count > 0:
            self._nudged = True
            QTimer.singleShot(0, self, self._nudge)

    def _nudge(self) -> None:
        """A delivery that changed nothing on screen gets no frame of its own: ask for one."""
        if not self.done and self._watch.current <= self._last_change:
            self._window.update()


def wait_until_drawn(startup: StartupDrawn, timeout_ms: int = 120_000) -> bool:
    """Run the event loop until ``startup`` fires; False when that did not happen within ``timeout_ms``
    (a load that never ends is a bug, not a slow start)."""
    if startup.done:
        return True
    loop = QEventLoop()
    startup.drawn.connect(loop.quit)
    limit = QTimer()
    limit.setSingleShot(True)
    limit.timeout.connect(loop.quit)
    limit.start(timeout_ms)
    loop.exec()
    limit.stop()
    startup.drawn.disconnect(loop.quit)
    return startup.done
