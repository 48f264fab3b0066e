"""Showing errors to the clerk: what happened and what to do, in Vietnamese, details on demand.

Three kinds (after qutebrowser's split between the environment's fault and ours):
- ``UserError`` (bad input, a locked or missing database …): its Vietnamese message, "Chi tiết" with
  the technical part when there is one;
- ``ConflictError``: someone else saved the record first — the current values, and the choice
  Tải lại / Ghi đè / Hủy;
- anything else is a bug: the traceback goes to the log file and the dialog says where.

Qt ships no Vietnamese translation of its own buttons, so every button text here is set explicitly.
"""

from __future__ import annotations

import logging
import traceback
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication, QDialog, QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit, QPushButton, QStyle,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from par_desktop.domain.text import vn_number
from par_desktop.errors import ConflictError, UserError
from par_desktop.ui.status_style import state_background

log = logging.getLogger(__name__)

RELOAD = "reload"
OVERWRITE = "overwrite"
CANCEL = "cancel"

CRASH_MESSAGE = ("Đã xảy ra lỗi không mong muốn. Dữ liệu đã lưu không bị mất. Hãy thử lại; nếu lỗi lặp lại, "
                 "gửi tệp nhật ký cho người quản trị.")

# Field names of ConflictError.current that say nothing to a clerk.
_HIDDEN_FIELDS = {"id", "version", "password_hash", "fold_text", "content", "key"}
_DEFAULT_LABELS = {
    "updated_at": "Sửa lần cuối lúc", "name": "Tên", "short_code": "Tên viết tắt", "head_name": "Trưởng đơn vị",
    "head_title": "Chức danh", "active": "Đang hoạt động", "kind": "Loại", "sort_order": "Thứ tự",
    "title": "Tiêu đề", "content": "Nội dung", "note": "Ghi chú", "due_date": "Hạn", "status_text": "Trạng thái",
    "progress_percent": "Tiến độ (%)", "valid_from": "Áp dụng từ", "valid_to": "Đến", "value": "Giá trị",
}


def format_value(value: Any) -> str:
    """A stored value as a clerk reads it: dd/mm/yyyy, 1.234, Có/Không."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime):   # f-strings: strftime is the slowest part of showing 100 000 rows
        return f"{value.day:02d}/{value.month:02d}/{value.year} {value.hour:02d}:{value.minute:02d}"
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    if isinstance(value, (int, float)):
        return vn_number(value)
    return str(value)


class MessageDialog(QDialog):
    """A message with Vietnamese buttons and an optional "Chi tiết" area; ``ask()`` returns the button key."""

    def __init__(self, parent: QWidget | None, title: str, message: str, *, detail: str = "",
                 icon: QStyle.StandardPixmap = QStyle.StandardPixmap.SP_MessageBoxWarning,
                 buttons: list[tuple[str, str]] | None = None, extra: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("messageDialog")
        self.choice: str = CANCEL
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        pix = QLabel()
        pix.setPixmap(self.style().standardIcon(icon).pixmap(40, 40))
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
        self.detail_edit = QPlainTextEdit(detail)
        self.detail_edit.setReadOnly(True)
        self.detail_edit.setVisible(False)
        self.detail_edit.setMinimumHeight(160)
        layout.addWidget(self.detail_edit)
        row = QHBoxLayout()
        self.detail_button = QPushButton("Chi tiết")
        self.detail_button.setCheckable(True)
        self.detail_button.toggled.connect(self.detail_edit.setVisible)
        self.detail_button.setVisible(bool(detail))
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

    def _choose(self, key: str) -> None:
        self.choice = key
        self.accept()

    def ask(self) -> str:
        self.exec()
        return self.choice


def _parent_window(parent: QWidget | None) -> QWidget | None:
    if parent is not None:
        return parent.window()
    return QApplication.activeWindow()


def show_message(parent: QWidget | None, title: str, message: str, *, detail: str = "",
                 warning: bool = False) -> None:
    """An information (or warning) dialog with a Vietnamese "Đóng" button."""
    icon = QStyle.StandardPixmap.SP_MessageBoxWarning if warning else QStyle.StandardPixmap.SP_MessageBoxInformation
    MessageDialog(_parent_window(parent), title, message, detail=detail, icon=icon).ask()


def ask_yes_no(parent: QWidget | None, title: str, question: str, *, yes: str = "Đồng ý",
               no: str = "Hủy") -> bool:
    dialog = MessageDialog(_parent_window(parent), title, question,
                           icon=QStyle.StandardPixmap.SP_MessageBoxQuestion, buttons=[(yes, "yes"), (no, "no")])
    return dialog.ask() == "yes"


class ConflictDialog(MessageDialog):
    """Someone saved the record first: show what is stored now and let the clerk choose."""

    def __init__(self, parent: QWidget | None, exc: ConflictError, *, labels: dict[str, str] | None = None,
                 mine: dict[str, Any] | None = None):
        names = {**_DEFAULT_LABELS, **(labels or {})}
        fields = [k for k in exc.current if k not in _HIDDEN_FIELDS and (labels is None or k in names)]
        table = QTableWidget(len(fields), 3 if mine else 2)
        table.setObjectName("conflictTable")
        headers = ["Thông tin", "Đang lưu (người khác vừa sửa)"] + (["Bạn vừa nhập"] if mine else [])
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, key in enumerate(fields):
            cells = [names.get(key, key), format_value(exc.current[key])]
            if mine:
                cells.append(format_value(mine.get(key)) if key in mine else "")
            differs = bool(mine) and key in mine and cells[1] != cells[2]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if differs:   # the fields where the two versions disagree
                    item.setBackground(state_background("near_due"))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(r, c, item)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        super().__init__(parent, "Dữ liệu đã bị người khác thay đổi", exc.message, detail=exc.detail or "",
                         buttons=[("Tải lại", RELOAD), ("Ghi đè", OVERWRITE), ("Hủy", CANCEL)], extra=table)
        self.table = table
        self.resize(640, 360)


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
        MessageDialog(_parent_window(parent), "Lỗi không mong muốn", CRASH_MESSAGE + where, detail=detail,
                      icon=QStyle.StandardPixmap.SP_MessageBoxCritical).ask()
    finally:
        _showing_crash = False


def show_error(parent: QWidget | None, exc: BaseException, *, labels: dict[str, str] | None = None,
               mine: dict[str, Any] | None = None) -> str | None:
    """Show ``exc`` the right way; for a ``ConflictError`` return RELOAD, OVERWRITE or CANCEL.

    ``labels`` names the conflicting fields in Vietnamese (only those are shown when given) and
    ``mine`` holds what the clerk typed, shown beside the stored values.
    """
    if isinstance(exc, ConflictError):
        return ConflictDialog(_parent_window(parent), exc, labels=labels, mine=mine).ask()
    if not isinstance(exc, UserError):
        from par_desktop.db.connection import explain_database_error

        friendly = explain_database_error(exc)
        if friendly is None:
            show_crash(parent, exc)
            return None
        exc = friendly
    log.info("user error shown: %s", exc.message)
    MessageDialog(_parent_window(parent), "Không thực hiện được", exc.message, detail=exc.detail or "").ask()
    return None
