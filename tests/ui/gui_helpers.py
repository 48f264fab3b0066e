"""Helpers shared by the GUI tests (imported by name: the test folders are not packages).

A modal dialog's ``exec()`` blocks the test until the dialog closes, so a test that opens one first
registers what to do with it: ``when_modal(kind, action)`` (or ``answer_next_dialog`` for a
``MessageDialog``). The watch polls for the dialog until its deadline and never outlives its test:

- the expected dialog shows → ``action(dialog)`` runs once, the watch ends;
- nothing of that kind by the deadline → the watch ends; whatever modal dialog is open instead is closed
  so that the blocked test goes on, and the test fails at teardown saying what was expected and what
  was open (the ``gui_test_hygiene`` fixture of ``tests/conftest.py`` calls ``finish_watches``);
- the test ends first → the watch is stopped and the test fails the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from par_desktop.ui import errors as ui_errors

MODAL_DEADLINE_S = 15.0
POLL_MS = 20


class ModalWatch:
    """One expected modal dialog: see the module docstring."""

    def __init__(self, kind: type, action: Callable[[Any], object], seen: list | None, deadline_s: float):
        self.kind, self.action, self.seen = kind, action, seen
        self.deadline_s = deadline_s
        self.deadline = time.monotonic() + deadline_s
        self.handled = False
        self.new_only = False   # when_modal_dialog: a dialog already in ``seen`` is not taken again
        self.problem = ""
        self._timer = QTimer()
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, self.kind) and not (self.new_only and self.seen is not None and dialog in self.seen):
            self._timer.stop()
            self.handled = True
            if self.seen is not None:
                self.seen.append(dialog)
            self.action(dialog)
        elif time.monotonic() > self.deadline:
            self._give_up(dialog)

    def _give_up(self, open_dialog: QWidget | None) -> None:
        self._timer.stop()
        self.problem = f"no {self.kind.__name__} was shown within {self.deadline_s:g} s"
        if open_dialog is not None:
            text = getattr(getattr(open_dialog, "message_label", None), "text", lambda: "")()
            self.problem += f"; {type(open_dialog).__name__} was open instead {text!r}, closed"
            if isinstance(open_dialog, QDialog):
                open_dialog.reject()
            else:
                open_dialog.close()

    def stop(self) -> str:
        """End the watch (the test is over); the problem to report, if any."""
        if self.active:
            self._timer.stop()
            self.problem = f"the test ended before a {self.kind.__name__} was shown"
        return self.problem


_watches: list[ModalWatch] = []


def when_modal(kind: type, action: Callable[[Any], object], seen: list | None = None, *,
               deadline_s: float = MODAL_DEADLINE_S) -> ModalWatch:
    """Run ``action(dialog)`` on the next modal dialog of type ``kind`` (any modal widget: ``QWidget``),
    appending the dialog to ``seen`` first when given."""
    watch = ModalWatch(kind, action, seen, deadline_s)
    _watches.append(watch)
    return watch


def when_modal_dialog(kind: type, action: Callable[[Any], object], seen: list | None = None) -> ModalWatch:
    """``when_modal``, except that a dialog already in ``seen`` is not taken again."""
    watch = when_modal(kind, action, seen)
    watch.new_only = True
    return watch


def answer_next_dialog(key: str, seen: list, *, keep_dialog: bool = False) -> ModalWatch:
    """Click the button ``key`` of the next MessageDialog; its text is appended to ``seen`` (preceded by
    the dialog itself with ``keep_dialog``)."""
    def answer(dialog: ui_errors.MessageDialog) -> None:
        if keep_dialog:
            seen.append(dialog)
        seen.append(dialog.message_label.text())
        dialog.buttons[key].click()

    return when_modal(ui_errors.MessageDialog, answer)


def finish_watches() -> list[str]:
    """Stop every watch of the test that is ending; the problems of those that did not get their dialog."""
    problems = [problem for watch in _watches if (problem := watch.stop())]
    _watches.clear()
    return problems


def release_modifiers() -> None:
    """Release the modifier keys Qt takes as still held (see ``gui_test_hygiene`` in tests/conftest.py):
    a key release carries the modifiers held after it, none here."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest

    if QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier:
        return
    receiver = QWidget()
    for key in (Qt.Key.Key_Control, Qt.Key.Key_Shift, Qt.Key.Key_Alt, Qt.Key.Key_Meta):
        QTest.keyRelease(receiver, key)
    receiver.deleteLater()


# The screenshot folder of the running test (set by tests/conftest.py: <tmp_path>/shots; pytest keeps
# the folders of its last three runs under /tmp/pytest-of-<user>/ to look at).
shots_dir: Path | None = None


def save_shot(picture: QWidget | QImage, name: str) -> Path:
    """Save a widget's picture (or an image) as ``<name>.png`` in the running test's screenshot folder."""
    assert shots_dir is not None, "save_shot is for the GUI tests under tests/ui"
    shots_dir.mkdir(parents=True, exist_ok=True)
    path = shots_dir / f"{name}.png"
    image = picture if isinstance(picture, QImage) else picture.grab()
    assert image.save(str(path)), path
    return path


def dark_pixels(widget: QWidget, step: int = 4) -> int:
    """How many sampled pixels of the widget's picture are dark (text, rules), on a grid of ``step``."""
    image = widget.grab().toImage()
    return sum(1 for y in range(0, image.height(), step) for x in range(0, image.width(), step)
               if image.pixelColor(x, y).lightness() < 96)


def wait_until_painted(qtbot, pdf_view: QWidget, timeout: int = 15_000) -> None:
    """Wait until a QPdfView shows rendered page content (it renders pages in the background and shows
    blank pages until then): some of its viewport is dark text."""
    viewport = pdf_view.viewport()
    qtbot.waitUntil(lambda: dark_pixels(viewport) > 40, timeout=timeout)


def settle(_widget=None) -> None:
    """Before a window goes away: its pages' background loads end and what they queued is delivered
    (a 0 ms timer or a result left for a deleted window would fire into the next test)."""
    QThreadPool.globalInstance().waitForDone(30_000)
    for _ in range(3):
        QApplication.processEvents()


def open_window(qtbot, db, actor, height: int = 700):
    """A shown main window on ``db`` for ``actor``, 1366 pixels wide (a laptop)."""
    from par_desktop.ui.context import AppContext
    from par_desktop.ui.main_window import MainWindow

    window = MainWindow(AppContext(str(db), actor))
    qtbot.addWidget(window, before_close_func=settle)
    window.resize(1366, height)
    window.show()
    return window
