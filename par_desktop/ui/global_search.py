"""The results of the global search box ("tìm mọi nơi"): tasks, dossiers, documents, units and procedures.

The search runs on a worker (``run_in_background``); only the latest query's results are shown.
Activating a hit (double-click or Enter) asks the main window to open its page on that record
through ``ctx.open_page(page, payload)``; the page's ``navigate_to(payload)`` shows it.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from par_desktop.domain.text import vn_number
from par_desktop.services import database
from par_desktop.services.search import KINDS, SearchHit
from par_desktop.ui.widgets.table import select_only_row

LIMIT = 50

KIND_LABELS = {"task": "Nhiệm vụ", "dossier": "Hồ sơ TTHC", "document": "Văn bản", "unit": "Đơn vị",
               "procedure": "Thủ tục"}


def target(hit: SearchHit) -> tuple[str, dict]:
    """The page and the ``navigate_to`` payload that show ``hit``."""
    if hit.kind == "task":
        return "tasks", {"task_id": hit.key}
    if hit.kind == "dossier":
        return "dossiers", {"code": hit.key}
    if hit.kind == "document":
        return "documents", {"register_id": hit.key}
    if hit.kind == "unit":
        return "catalog", {"unit_id": hit.key}
    return "catalog", {"procedure_id": hit.key}


class SearchHitModel(QAbstractTableModel):
    """Hits grouped by kind: the kind's label (with its count) heads the first row of each group."""

    HEADERS = ("Loại", "Tìm thấy", "Chi tiết")
    HitRole = Qt.ItemDataRole.UserRole

    def __init__(self, parent=None):
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self._counts: dict[str, int] = {}
        self.limit = LIMIT

    def set_hits(self, hits: list[SearchHit], limit: int = LIMIT) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.limit = limit
        self._counts = {kind: sum(1 for h in self._hits if h.kind == kind) for kind in KINDS}
        self.endResetModel()

    def hit(self, row: int) -> SearchHit:
        return self._hits[row]

    def count_text(self, kind: str) -> str:
        """"12", or "50+" when the kind reached the cap (there may be more)."""
        count = self._counts.get(kind, 0)
        return f"{vn_number(count)}+" if count >= self.limit else vn_number(count)

    def summary(self) -> str:
        return " · ".join(f"{KIND_LABELS[k]}: {self.count_text(k)}" for k in KINDS if self._counts.get(k))

    def _heads_group(self, row: int) -> bool:
        return row == 0 or self._hits[row - 1].kind != self._hits[row].kind

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._hits)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._hits)):
            return None
        hit, column = self._hits[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                label = KIND_LABELS[hit.kind]
                return f"{label} ({self.count_text(hit.kind)})" if self._heads_group(index.row()) else ""
            return hit.title if column == 1 else hit.detail
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{KIND_LABELS[hit.kind]}: {hit.title}\n{hit.detail}".strip()
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == self.HitRole:
            return hit
        return None


class GlobalSearchDialog(QDialog):
    """Non-modal results window; ``hit_activated(SearchHit)`` when the clerk opens one."""

    hit_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("globalSearchDialog")
        self.setWindowTitle("Tìm mọi nơi")
        self.setModal(False)
        self.text = ""
        self._generation = 0
        self.searching = False
        self.error: BaseException | None = None

        self.heading = QLabel()
        self.heading.setObjectName("searchHeading")
        heading_font = QFont(self.heading.font())
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.summary = QLabel()
        self.summary.setObjectName("searchSummary")
        self.summary.setWordWrap(True)
        self.model = SearchHitModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("searchResults")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.view.setColumnWidth(0, 150)
        self.view.setColumnWidth(1, 420)
        self.view.activated.connect(self._activate_index)

        hint = QLabel("Nhấp đúp hoặc Enter để mở; Esc để đóng.")
        hint.setStyleSheet("color: #5b6b7c")
        self.open_button = QPushButton("Mở")
        self.open_button.clicked.connect(self.activate_current)
        close = QPushButton("Đóng")
        close.clicked.connect(self.close)
        for button in (self.open_button, close):   # Enter belongs to the table (activated), not to a button
            button.setAutoDefault(False)
            button.setDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(hint, 1)
        bottom.addWidget(self.open_button)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.resize(900, 520)

    # ---- searching ---------------------------------------------------------------------------------

    def search(self, text: str) -> None:
        """Start searching ``text`` on a worker; a newer search makes an older one's results ignored."""
        from par_desktop.services.search import search_everything
        from par_desktop.ui.operations import run_in_background

        self.text = text.strip()
        self._generation += 1
        generation = self._generation
        self.error = None
        self.heading.setText(f"Kết quả tìm «{self.text}»")
        self.summary.setText("Đang tìm…")
        self.model.set_hits([])
        self.open_button.setEnabled(False)
        self.searching = True

        def work():
            with database.translated_errors():
                return search_everything(self.text, LIMIT)

        run_in_background(work, lambda hits: self._show(generation, hits),
                          lambda exc: self._failed(generation, exc), owner=self)

    def _current(self, generation: int) -> bool:
        return shiboken6.isValid(self) and generation == self._generation

    def _show(self, generation: int, hits: list[SearchHit]) -> None:
        if not self._current(generation):
            return
        self.searching = False
        self.model.set_hits(hits, LIMIT)
        if hits:
            self.summary.setText(f"{self.model.summary()}. Hồ sơ mới nhất trước; "
                                 f"mỗi loại hiện tối đa {LIMIT} kết quả.")
            select_only_row(self.view, 0)
            self.view.setFocus()
        else:
            self.summary.setText("Không tìm thấy nhiệm vụ, hồ sơ, văn bản, đơn vị hay thủ tục nào "
                                 "(không cần gõ dấu; thử bớt từ).")
        self.open_button.setEnabled(bool(hits))

    def _failed(self, generation: int, exc: BaseException) -> None:
        if not self._current(generation):
            return
        self.searching = False
        self.error = exc
        self.summary.setText(f"Không tìm được: {getattr(exc, 'message', None) or exc}")

    # ---- opening a hit -----------------------------------------------------------------------------

    def activate_current(self) -> None:
        self._activate_index(self.view.currentIndex())

    def _activate_index(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        hit = self.model.hit(index.row())
        self.close()
        self.hit_activated.emit(hit)
