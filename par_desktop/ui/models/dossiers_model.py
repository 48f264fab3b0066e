"""Qt models of the dossier side: the lazy dossier table and the 13-column statistics table.

``DossierTableModel`` never holds the whole table: it asks the database for the number of matching
rows and fetches pages of ``PAGE`` rows as the view scrolls (``canFetchMore``/``fetchMore``); sorting
and filtering are ORDER BY / WHERE on indexed columns (``services.dossiers.list_dossiers``), so 100,000
dossiers scroll as smoothly as 100. The countdown of the rows on screen is recomputed by
``refresh_timers`` (the page calls it every minute for the visible rows only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from par_desktop.domain.text import ui_moment, vn_number
from par_desktop.domain.timers import remaining_text, state_at
from par_desktop.services import dossiers as service
from par_desktop.services.stats import COLUMN_TITLES, COUNTS, DossierStats, StatsRow
from par_desktop.ui.status_style import state_background, state_color, state_label

ROW_ROLE = Qt.ItemDataRole.UserRole + 1

# (key, title, sort key in services.dossiers.SORT_KEYS or None)
COLUMNS = [
    ("code", "Mã hồ sơ", "code"),
    ("state", "Trạng thái", "due_at"),
    ("remaining", "Thời gian còn lại", "due_at"),
    ("due_at", "Hạn xử lý", "due_at"),
    ("received_at", "Tiếp nhận", "received_at"),
    ("closed_at", "Trả kết quả", "closed_at"),
    ("procedure", "Thủ tục", "procedure"),
    ("applicant", "Người nộp", "applicant"),
    ("field", "Lĩnh vực", "field"),
    ("channel", "Hình thức", "channel"),
    ("unit", "Đơn vị xử lý", "unit"),
]
COLUMN_INDEX = {key: i for i, (key, _, _) in enumerate(COLUMNS)}


class DossierTableModel(QAbstractTableModel):
    """Dossiers matching a ``DossierQuery``, fetched page by page from the database."""

    PAGE = 200

    def __init__(self, parent=None):
        super().__init__(parent)
        self._query = service.DossierQuery()
        self._order, self._descending = "received_at", True
        self._rows: list[service.ListRow] = []
        self._total = 0
        self._calendar = None

    # ---- loading -------------------------------------------------------------------------------

    @property
    def query(self) -> service.DossierQuery:
        return self._query

    @property
    def total(self) -> int:
        """Rows matching the filters (fetched or not)."""
        return self._total

    def set_query(self, query: service.DossierQuery) -> None:
        self._query = query
        self.reload()

    def reload(self) -> None:
        """Count again and fetch the first page (after a filter change, an import, F5)."""
        self.beginResetModel()
        self._calendar = service.work_calendar()
        self._total = service.count_dossiers(self._query)
        self._rows = self._page(0)
        self.endResetModel()

    def _page(self, offset: int) -> list[service.ListRow]:
        return service.list_dossiers(self._query, order=self._order, descending=self._descending, offset=offset,
                                     limit=self.PAGE, calendar=self._calendar)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        if parent.isValid():
            return
        more = self._page(len(self._rows))
        if not more:
            self._total = len(self._rows)   # rows vanished meanwhile (another clerk deleted some)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def fetch_all(self) -> list[service.ListRow]:
        """Every matching row (for the export), without loading them into the view."""
        rows, offset = [], 0
        while True:
            page = service.list_dossiers(self._query, order=self._order, descending=self._descending,
                                         offset=offset, limit=5000, calendar=self._calendar)
            rows.extend(page)
            offset += len(page)
            if len(page) < 5000:
                return rows

    def row(self, i: int) -> service.ListRow:
        return self._rows[i]

    def row_of_id(self, dossier_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.id == dossier_id:
                return i
        return None

    def refresh_timers(self, first: int, last: int, at: datetime | None = None) -> None:
        """Recompute the state and countdown of rows ``first``..``last`` (the ones on screen)."""
        if not self._rows:
            return
        first, last = max(0, first), min(last, len(self._rows) - 1)
        if first > last:
            return
        at = (at or datetime.now()).replace(second=0, microsecond=0)
        near = service.near_due_days()
        calendar = self._calendar or service.work_calendar()
        for r in self._rows[first:last + 1]:
            r.timer = state_at(r.clock(), calendar, at, near)
        columns = sorted(COLUMN_INDEX[k] for k in ("state", "remaining", "due_at"))
        self.dataChanged.emit(self.index(first, columns[0]), self.index(last, columns[-1]))

    # ---- Qt model interface --------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1] if 0 <= section < len(COLUMNS) else None
        return vn_number(section + 1)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(COLUMNS):
            return None
        r = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        state = r.timer.state if r.timer is not None else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, key)
        if role == ROW_ROLE:
            return r
        if key in ("state", "remaining"):
            if role == Qt.ItemDataRole.ForegroundRole:
                return state_color(state)
            if role == Qt.ItemDataRole.BackgroundRole and key == "state":
                return state_background(state)
        if role == Qt.ItemDataRole.ToolTipRole and key in ("procedure", "applicant", "unit"):
            return self._text(r, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("received_at", "due_at", "closed_at"):
            return int((Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter).value)
        return None

    def _text(self, r: service.ListRow, key: str) -> str:
        if key in ("received_at", "due_at", "closed_at"):
            value = r.timer.due_at if key == "due_at" and r.timer is not None else getattr(r, key)
            return ui_moment(value)
        if key == "channel":
            return service.CHANNEL_LABELS.get(r.channel, r.channel)
        if key == "state":
            label = state_label(r.timer.state) if r.timer is not None else ""
            return label + (" (đã rút)" if r.withdrawn else "")
        if key == "remaining":
            if r.timer is None:
                return ""
            if r.timer.finished:
                days = r.timer.days_late
                return f"trễ {days} ngày làm việc" if days else ""
            return remaining_text(r.timer, self._calendar or service.work_calendar())
        return str(getattr(r, key) or "")

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """ORDER BY in the database, then the first page again."""
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][2] is None:
            return
        self._order = COLUMNS[column][2]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def export_rows(self, rows: list[service.ListRow]) -> tuple[list[str], list[list[Any]]]:
        """Headers and raw values (dates stay dates) for "Xuất Excel"."""
        headers = [title for _, title, _ in COLUMNS]
        out = []
        for r in rows:
            values = []
            for key, _, _ in COLUMNS:
                if key in ("received_at", "closed_at"):
                    values.append(getattr(r, key))
                elif key == "due_at":
                    values.append(r.timer.due_at if r.timer is not None else r.due_at)
                else:
                    values.append(self._text(r, key))
            out.append(values)
        return headers, out


class StatsTableModel(QAbstractTableModel):
    """The 13 columns of the TTHC statistics form: one row per field, then the total row (bold)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._stats: DossierStats | None = None
        self._rows: list[StatsRow] = []

    def set_stats(self, stats: DossierStats | None) -> None:
        self.beginResetModel()
        self._stats = stats
        self._rows = [] if stats is None else [*stats.rows, stats.total]
        self.endResetModel()

    @property
    def stats(self) -> DossierStats | None:
        return self._stats

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMN_TITLES)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMN_TITLES):
            return None
        number, title, group = COLUMN_TITLES[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{_wrap(title)}\n{number}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{group}: {title} {number}" if group else f"{title} {number}"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def is_total(self, row: int) -> bool:
        return row == len(self._rows) - 1 and self._stats is not None

    def value(self, row: int, column: int) -> Any:
        r = self._rows[row]
        if column == 0:
            return "" if self.is_total(row) else row + 1
        if column == 1:
            return r.field
        return getattr(r, COUNTS[column - 2])

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.value(row, column)
            return vn_number(value) if isinstance(value, int) else value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            align = Qt.AlignmentFlag.AlignLeft if column == 1 else Qt.AlignmentFlag.AlignRight
            return int((align | Qt.AlignmentFlag.AlignVCenter).value)
        if role == Qt.ItemDataRole.FontRole and self.is_total(row):
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column >= 2:
            key = COUNTS[column - 2]
            if key in ("resolved_late", "pending_overdue") and self.value(row, column):
                return state_color("overdue")
        return None


def _wrap(title: str, width: int = 12) -> str:
    """Break a long column title over lines (header views do not wrap by themselves)."""
    lines, line = [], ""
    for word in title.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)
