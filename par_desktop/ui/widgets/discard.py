"""Editors ask before throwing away what the clerk typed: Esc, "Hủy" or closing the window on an
editor whose fields changed since it opened asks "Bỏ những gì đã gõ?" first (Enter saves)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton, QAbstractSpinBox, QComboBox, QDialog, QLineEdit, QListWidget, QPlainTextEdit, QTextEdit,
    QWidget,
)


def typed_state(root: QWidget) -> list[Any]:
    """What the clerk can change in ``root``'s fields, in a comparable form."""
    state: list[Any] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit) and not isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox)):
            state.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            state.append(widget.toPlainText())
        elif isinstance(widget, QTextEdit):
            state.append(widget.toPlainText())
        elif isinstance(widget, QAbstractSpinBox):
            state.append(widget.text())
        elif isinstance(widget, QComboBox):
            state.append((widget.currentIndex(), widget.currentText()))
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            state.append(widget.isChecked())
        elif isinstance(widget, QListWidget):
            state.append(widget.count())
    return state


class AsksBeforeDiscarding:
    """For a QDialog editor (listed before QDialog in its bases) that sets ``discard_guard``: armed on
    its first show, asked in ``reject`` (Esc, "Hủy", the window's close button)."""

    discard_guard: DiscardGuard

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.discard_guard.arm()

    def reject(self) -> None:
        if self.discard_guard.allows_closing():
            super().reject()


class DiscardGuard:
    """``arm()`` once the editor is filled (its first show); ``allows_closing()`` in its ``reject``."""

    def __init__(self, dialog: QDialog, what: str):
        self.dialog = dialog
        self.what = what
        self._base: list[Any] | None = None

    def arm(self) -> None:
        if self._base is None:
            self._base = typed_state(self.dialog)

    def has_typed(self) -> bool:
        return self._base is not None and typed_state(self.dialog) != self._base

    def allows_closing(self) -> bool:
        if not self.has_typed():
            return True
        from par_desktop.ui.errors import ask_yes_no

        return ask_yes_no(self.dialog, "Bỏ những gì đã gõ?",
                          f"{self.what} có nội dung đã gõ nhưng chưa lưu. Đóng và bỏ nội dung đó?",
                          yes="Tiếp tục sửa", no="Bỏ nội dung") is False
