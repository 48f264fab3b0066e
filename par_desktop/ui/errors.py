"""Showing errors to the clerk: what happened and what to do, in Vietnamese, details on demand.

Three kinds (after qutebrowser's split between the environment's fault and ours):
- ``UserError`` (bad input, a locked or missing database …): its Vietnamese message, "Chi tiết" with
  the technical part when there is one;
- ``ConflictError`` met while saving: ``ui.saving`` shows mine / theirs and offers Tải lại / Ghi đè / Hủy;
- anything else is a bug: the traceback goes to the log file and the dialog says where.

Qt ships no Vietnamese translation of its own buttons, so every button text here is set explicitly.
"""

from __future__ import annotations

import logging
import traceback
from datetime import date, datetime
from typing import Any

from PySide6 import QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from par_desktop.domain.text import ui_date, ui_moment, vn_number
from par_desktop.errors import UserError
from par_desktop.services import database

log = logging.getLogger(__name__)

RELOAD = "reload"
OVERWRITE = "overwrite"
CANCEL = "cancel"

CRASH_MESSAGE = ("Đã xảy ra lỗi không mong muốn. Dữ liệu đã lưu không bị mất. Hãy thử lại; nếu lỗi lặp lại, "
                 "gửi tệp nhật ký cho người quản trị.")

def format_value(value: Any) -> str:
    """A stored value as a clerk reads it: dd/mm/yyyy, 1.234, Có/Không."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime):
        return ui_moment(value)
    if isinstance(value, date):
        return ui_date(value)
    if isinstance(value, (int, float)):
        return vn_number(value)
    return str(value)


# The dialog's icon (``MessageDialog(icon=…)``): Qt's standard pixmap of that name. Named here, the
# QStyle and QPlainTextEdit classes are reached when a dialog is first shown, not when the window
# starts: PySide6 builds a Qt class's Python type, with all its enums, on first use (10 ms for QStyle).
ICONS = {"warning": "SP_MessageBoxWarning", "information": "SP_MessageBoxInformation",
         "question": "SP_MessageBoxQuestion", "critical": "SP_MessageBoxCritical"}


class MessageDialog(QDialog):
    """A message with Vietnamese buttons and an optional "Chi tiết" area; ``ask()`` returns the button key."""

    def __init__(self, parent: QWidget | None, title: str, message: str, *, detail: str = "",
                 icon: str = "warning", buttons: list[tuple[str, str]] | None = None,
                 extra: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("messageDialog")
        self.choice: str = CANCEL
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        pix = QLabel()
        standard = getattr(QtWidgets.QStyle.StandardPixmap, ICONS[icon])
        pix.setPixmap(self.style().standardIcon(standard).pixmap(40, 40))
        pix.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(pix)
        self.message_label = QLabel(message)
        self.message_label.setWordWrap(True)
        self.message_label.setMinimumWidth(380)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.message_label, 1)
        layout.addLayout(top)
        if extra is not None:
            layout.addWidget(extra)
        self.detail_edit = QtWidgets.QPlainTextEdit(detail)
        self.detail_edit.setReadOnly(True)
        self.detail_edit.setVisible(False)
        self.detail_edit.setMinimumHeight(160)
        layout.addWidget(self.detail_edit)
        row = QHBoxLayout()
        self.detail_button = QPushButton("Chi tiết")
        self.detail_button.setCheckable(True)
        self.detail_button.toggled.connect(self.detail_edit.setVisible)
        self.detail_button.setVisible(bool(detail))
        self.detail_button.setAutoDefault(False)   # Enter answers the dialog; it never just toggles the details
        row.addWidget(self.detail_button)
        row.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for i, (text, key) in enumerate(buttons or [("Đóng", "ok")]):
            button = QPushButton(text)
            button.setObjectName(f"button_{key}")
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
            if i == 0:
                button.setDefault(True)
            row.addWidget(button)
            self.buttons[key] = button
        layout.addLayout(row)
        next(iter(self.buttons.values())).setFocus()   # the answer has the focus, not "Chi tiết"

    def _choose(self, key: str) -> None:
        self.choice = key
        self.accept()

    def ask(self) -> str:
        self.exec()
        return self.choice


def parent_window(parent: QWidget | None) -> QWidget | None:
    if parent is not None:
        return parent.window()
    return QApplication.activeWindow()


def show_message(parent: QWidget | None, title: str, message: str, *, detail: str = "",
                 warning: bool = False) -> None:
    """An information (or warning) dialog with a Vietnamese "Đóng" button."""
    MessageDialog(parent_window(parent), title, message, detail=detail,
                  icon="warning" if warning else "information").ask()


def ask_yes_no(parent: QWidget | None, title: str, question: str, *, yes: str = "Đồng ý",
               no: str = "Hủy") -> bool:
    dialog = MessageDialog(parent_window(parent), title, question,
                           icon="question", buttons=[(yes, "yes"), (no, "no")])
    return dialog.ask() == "yes"


_showing_crash = False


def show_crash(parent: QWidget | None, exc: BaseException) -> None:
    """Our bug: log the traceback, then say so with the log path (never twice at once)."""
    global _showing_crash
    from par_desktop.logs import log_exception

    try:
        path = log_exception(exc)
    except OSError:
        path = None
    log.error("unexpected error", exc_info=exc)
    if _showing_crash or QApplication.instance() is None:
        return
    _showing_crash = True
    try:
        where = f"\n\nNhật ký lỗi: {path}" if path else ""
        detail = "".join(traceback.format_exception(exc))
        MessageDialog(parent_window(parent), "Lỗi không mong muốn", CRASH_MESSAGE + where, detail=detail,
                      icon="critical").ask()
    finally:
        _showing_crash = False


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Show ``exc`` the right way: a clerk's message, or the crash dialog for a bug. (A conflict met while
    saving is settled by ``ui.saving.save``, which offers Tải lại / Ghi đè / Hủy.)"""
    if not isinstance(exc, UserError):
        friendly = database.explain_error(exc)
        if friendly is None:
            show_crash(parent, exc)
            return None
        exc = friendly
    log.info("user error shown: %s", exc.message)
    MessageDialog(parent_window(parent), "Không thực hiện được", exc.message, detail=exc.detail or "").ask()
