"""The filter bar above every list: an accent-insensitive search box and combo filters.

"ho so", "Hồ sơ" and "HỒ SƠ" all find "Hồ sơ": the typed text and each row's search key are folded
with ``domain.text.fold`` and every typed word must appear. Combo choices are remembered per user.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from par_desktop.domain.text import fold

ALL = object()   # the "Tất cả" choice of a combo: no filtering


class _ComboFilter:
    def __init__(self, combo: QComboBox, match: Callable[[Any, Any], bool]):
        self.combo = combo
        self.match = match

    @property
    def value(self) -> Any:
        data = self.combo.currentData(Qt.ItemDataRole.UserRole)
        return ALL if self.combo.currentIndex() <= 0 else data


class FilterBar(QWidget):
    """Emits ``changed`` when the filter changes; ``accepts(row, search_key)`` applies it."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *,
                 placeholder: str = "Tìm kiếm (gõ có dấu hoặc không dấu)…", debounce_ms: int = 250):
        super().__init__(parent)
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("filterSearch")
        self.search_edit.setPlaceholderText(placeholder)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(80)   # the bars of Nhiệm vụ and Hồ sơ TTHC fit 1920×1080 at 150 % (1280 px)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.search_edit, 2)
        self.clear_button = QPushButton("Xóa lọc", self)
        self.clear_button.clicked.connect(self.clear)
        self._layout.addWidget(self.clear_button)
        self._combos: dict[str, _ComboFilter] = {}
        self._predicates: list[Callable[[Any], bool]] = []
        self._tokens: list[str] = []
        self._ctx = None
        self._name = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._text_settled)
        self.search_edit.textChanged.connect(lambda _text: self._timer.start())

    # ---- building ------------------------------------------------------------------------------

    def add_combo(self, key: str, label: str, options: Sequence[tuple[str, Any]],
                  match: Callable[[Any, Any], bool], *, all_text: str = "Tất cả") -> QComboBox:
        """A combo filter: ``options`` are (text, value); a row is shown when ``match(row, value)``."""
        combo = QComboBox(self)
        combo.setObjectName(f"filter_{key}")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)   # compact in the bar; the list itself shows the full names
        combo.addItem(all_text, None)
        for text, value in options:
            combo.addItem(text, value)
        caption = QLabel(label, self)
        caption.setBuddy(combo)
        index = self._layout.indexOf(self.clear_button)
        self._layout.insertWidget(index, caption)
        self._layout.insertWidget(index + 1, combo)
        self._combos[key] = _ComboFilter(combo, match)
        combo.currentIndexChanged.connect(self._combo_changed)
        return combo

    def set_options(self, key: str, options: Sequence[tuple[str, Any]]) -> None:
        """Replace a combo's choices (e.g. after the units changed), keeping the current one if still there."""
        combo = self._combos[key].combo
        current = combo.currentText() if combo.currentIndex() > 0 else None
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for text, value in options:
            combo.addItem(text, value)
        position = combo.findText(current) if current is not None else 0
        combo.setCurrentIndex(max(position, 0))
        combo.blockSignals(False)
        if current is not None and position < 0:
            self._combo_changed()

    def add_widget(self, widget: QWidget) -> None:
        """Another filter control (a date range …); pair it with ``add_predicate`` and call ``notify()``."""
        self._layout.insertWidget(self._layout.indexOf(self.clear_button), widget)

    def add_predicate(self, predicate: Callable[[Any], bool]) -> None:
        self._predicates.append(predicate)

    def notify(self) -> None:
        self.changed.emit()

    def set_debounce(self, ms: int) -> None:
        """How long the typing must pause before the text applies (a list filtered in a few ms needs little)."""
        self._timer.setInterval(ms)

    def debounce(self) -> int:
        return self._timer.interval()

    # ---- state ---------------------------------------------------------------------------------

    def text(self) -> str:
        return self.search_edit.text()

    def set_text(self, text: str) -> None:
        """Set the search text and apply it at once (the global search box uses this)."""
        self.search_edit.setText(text)
        self._timer.stop()
        self._text_settled()

    def value(self, key: str) -> Any:
        return self._combos[key].value

    def set_value(self, key: str, value: Any) -> None:
        """Choose the combo entry whose value is ``value`` (``ALL`` for "Tất cả")."""
        combo = self._combos[key].combo
        if value is ALL:
            combo.setCurrentIndex(0)
            return
        for i in range(1, combo.count()):
            if combo.itemData(i) == value:
                combo.setCurrentIndex(i)
                return

    def clear(self) -> None:
        for item in self._combos.values():
            item.combo.blockSignals(True)
            item.combo.setCurrentIndex(0)
            item.combo.blockSignals(False)
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self._timer.stop()
        self._tokens = []
        self._save()
        self.changed.emit()

    def is_active(self) -> bool:
        return bool(self._tokens) or bool(self._predicates) or any(c.value is not ALL for c in self._combos.values())

    # ---- filtering -----------------------------------------------------------------------------

    def accepts(self, row: Any, search_key: str) -> bool:
        if any(token not in search_key for token in self._tokens):
            return False
        for item in self._combos.values():
            value = item.value
            if value is not ALL and not item.match(row, value):
                return False
        return all(predicate(row) for predicate in self._predicates)

    def filter_function(self):
        """What ``DataTableView.set_filter`` takes: None when nothing filters (cheapest)."""
        return self.accepts if self.is_active() else None

    def attach(self, view) -> None:
        """Filter ``view`` (a DataTableView) whenever this bar changes."""
        self.changed.connect(lambda: view.set_filter(self.filter_function()))
        view.set_filter(self.filter_function())

    def remember(self, ctx, name: str) -> None:
        """Restore and keep the combo choices of this bar per user under ``name``."""
        self._ctx, self._name = ctx, name
        for key, item in self._combos.items():
            text = ctx.pref(f"filters/{name}/{key}")
            if text:
                position = item.combo.findText(str(text))
                if position > 0:
                    item.combo.blockSignals(True)
                    item.combo.setCurrentIndex(position)
                    item.combo.blockSignals(False)
        self.changed.emit()

    # ---- internals -----------------------------------------------------------------------------

    def _text_settled(self) -> None:
        tokens = fold(self.search_edit.text()).split()
        if tokens != self._tokens:
            self._tokens = tokens
            self.changed.emit()

    def _combo_changed(self, *_args) -> None:
        self._save()
        self.changed.emit()

    def _save(self) -> None:
        if self._ctx is None:
            return
        for key, item in self._combos.items():
            combo = item.combo
            self._ctx.set_pref(f"filters/{self._name}/{key}", combo.currentText() if combo.currentIndex() > 0 else "")
