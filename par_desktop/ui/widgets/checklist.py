"""A list of items to tick (coordinating units, linked tasks)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget


class CheckList(QListWidget):
    """``items`` as (data, text) rows with a check box each; those whose data is in ``checked`` ticked."""

    def __init__(self, items: Iterable[tuple[Any, str]], checked: Iterable[Any] = (), parent: QWidget | None = None):
        super().__init__(parent)
        for data, text in items:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, data)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            self.addItem(item)
        self.set_checked(checked)

    def set_checked(self, checked: Iterable[Any]) -> None:
        wanted = set(checked)
        for i in range(self.count()):
            item = self.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted
                               else Qt.CheckState.Unchecked)

    def checked_data(self) -> list[Any]:
        """The data of the ticked rows, in list order."""
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())
                if self.item(i).checkState() == Qt.CheckState.Checked]
