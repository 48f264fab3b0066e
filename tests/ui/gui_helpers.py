"""Helpers shared by the GUI tests (imported by name: the test folders are not packages)."""

from __future__ import annotations

from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

from par_desktop.ui import errors as ui_errors


def answer_next_dialog(key: str, seen: list, *, keep_dialog: bool = False) -> None:
    """Click the button ``key`` of the next MessageDialog shown (a modal dialog would block the test).

    Its text is appended to ``seen`` (preceded by the dialog itself with ``keep_dialog``)."""
    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, ui_errors.MessageDialog):
            if keep_dialog:
                seen.append(dialog)
            seen.append(dialog.message_label.text())
            dialog.buttons[key].click()
        else:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(0, poll)


def when_modal_dialog(kind, action, seen: list | None = None) -> None:
    """Run ``action(dialog)`` on the next modal dialog of type ``kind`` shown (it would block the test);
    with ``seen``, the dialog is appended to it, and a dialog already there is not taken again."""
    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and (seen is None or dialog not in seen):
            if seen is not None:
                seen.append(dialog)
            action(dialog)
        else:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(0, poll)


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
