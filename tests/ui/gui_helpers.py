"""Helpers shared by the GUI tests (imported by name: the test folders are not packages)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
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


def when_modal(kind, act) -> None:
    """Run ``act(dialog)`` on the next modal dialog of type ``kind`` (exec() would block the test)."""
    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            act(dialog)
        else:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(0, poll)
