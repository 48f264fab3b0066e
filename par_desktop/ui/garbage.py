"""Python's cyclic garbage collection, run on the GUI thread only.

A QObject created in Python without a parent (an ``AppContext``, an ``Operation``, a closed top-level
window) is destroyed when its Python object is freed. When that object sits in a reference cycle — a
widget's closures referring back to the context or operation that refers to the widget — it is freed by
CPython's cyclic collector, and CPython runs that collector on whichever thread happens to allocate:
often a worker rendering a document or reading the database. The Qt object was then destroyed on the
worker while the GUI thread delivered its timers and queued signals ("QObject::killTimer: Timers cannot
be stopped from another thread", then a segmentation fault). Qt requires an object to be destroyed on
the thread it lives in, so the automatic collector is switched off and the same generational
collections run from a timer on the GUI thread (``install``); the start-up pause of ``app`` pauses that
timer. The command line does not use Qt and keeps Python's own collector.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 200


def collect_due(thresholds: tuple[int, ...] | None = None) -> int:
    """Run the collection Python would have run by now (its generation thresholds): the oldest
    generation whose count is over its threshold. Returns the generation collected, -1 for none."""
    limits = thresholds or gc.get_threshold()
    counts = gc.get_count()
    generation = -1
    for level in range(3):
        if counts[level] <= limits[level]:
            break
        generation = level
    if generation >= 0:
        gc.collect(generation)
    return generation


class GuiThreadCollector(QObject):
    """Switches Python's automatic collector off and collects from a timer on the GUI thread."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.setObjectName("guiThreadCollector")
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> int:
        return collect_due()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def pause(self) -> None:
        """No collection until ``resume`` (start-up makes objects that live as long as the app)."""
        self._timer.stop()

    def resume(self) -> None:
        self._timer.start()


def install(app: QCoreApplication) -> GuiThreadCollector:
    """The application's collector (created once, a child of ``app``, so it lives as long as the app)."""
    existing = app.findChild(GuiThreadCollector, "guiThreadCollector")
    if existing is None:
        return GuiThreadCollector(app)
    gc.disable()
    return existing
