"""Qt models of the dossier side: the lazy dossier table and the 13-column statistics table.

``DossierTableModel`` is a windowed cache: on each filter or sort change the database returns the ids of
the matching dossiers in display order (WHERE / ORDER BY, ``services.dossiers.listing.dossier_ids``); the model
has that many rows, and loads the rows it is asked to paint a page of ``PAGE`` at a time by id, keeping
at most ``MAX_PAGES`` pages. So the scroll bar spans all 100,000 dossiers and dragging it anywhere costs
one small query. The countdown of the rows on screen is recomputed by ``refresh_timers`` (the page calls
it every minute for the visible rows only).

Typing in the search box must not query the database on every key (``LIKE '%word%'`` scans every row):
once the page hands over the search texts of all dossiers (``set_search_texts``), the database gives only
the ids matching the other filters, in display order, kept while only the typed text changes, and the
typed words are matched in memory (``services.dossiers.listing.ids_matching``), narrowing the previous result
when the new text only extends the old one. Without the texts (not loaded yet) the search is SQL's.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from par_desktop.domain.text import ui_moment, vn_number
from par_desktop.domain.timers import remaining_text, state_at
from par_desktop.services.dossiers import listing as dossier_listing
from par_desktop.services.dossiers import timing as dossier_timing
from par_desktop.services.stats import COLUMN_TITLES, COUNTS, DossierStats, StatsRow
from par_desktop.ui.status_style import state_background, state_color, state_label

ROW_ROLE = Qt.ItemDataRole.UserRole + 1

# (key, title, sort key in services.dossiers.listing.SORT_KEYS or None)
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
    """Dossiers matching a ``DossierQuery``, every one a row, loaded from the database page by page."""

    PAGE = 200
    MAX_PAGES = 60

    def __init__(self, parent=None):
        super().__init__(parent)
        self._query = dossier_listing.DossierQuery()
        self._order, self._descending = "received_at", True
        self._ids: list[int] = []
        self._pages: OrderedDict[int, list[dossier_listing.ListRow]] = OrderedDict()
        self._calendar = None
        self._texts: dict[int, str] | None = None   # {id: fold_text}; None: the search is done in SQL
        self._base_key: tuple | None = None         # what ``_base`` was computed for
        # ids matching every filter but the search, in order, with their search texts
        self._base: tuple[list[int], list[str]] = ([], [])
        self._last: tuple[list[str], tuple[list[int], list[str]]] | None = None   # the previous words, their match

    # ---- loading -------------------------------------------------------------------------------

    @property
    def query(self) -> dossier_listing.DossierQuery:
        return self._query

    @property
    def total(self) -> int:
        return len(self._ids)

    @property
    def loaded_rows(self) -> int:
        """Rows held in memory now (a few pages, whatever the total)."""
        return sum(len(page) for page in self._pages.values())

    @property
    def searches_in_memory(self) -> bool:
        return self._texts is not None

    def set_search_texts(self, texts: dict[int, str] | None) -> None:
        """Hand over {dossier id: fold_text} of every dossier (``services.dossiers.listing.search_texts``), or None
        to search in SQL again (the data changed and fresh texts are being loaded). Shown rows stay."""
        self._texts = texts
        self._base_key = None
        self._last = None

    def set_query(self, query: dossier_listing.DossierQuery) -> None:
        search_only = replace(query, search="") == replace(self._query, search="")
        self._query = query
        if search_only and self._texts is not None and self._calendar is not None:
            self._reset(self._matching_ids())   # a key typed: no new calendar, no database round trip
        else:
            self.reload()

    def reload(self) -> None:
        """Ask the database again (a filter or sort change, an import, F5); pages are loaded when shown."""
        self._calendar = dossier_timing.work_calendar()
        self._base_key = None
        self._reset(self._matching_ids())

    def _reset(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self.endResetModel()

    def prepare_search(self) -> None:
        """Read the ids matching the filters other than the search, unless already read this minute (the
        state filters depend on the minute, overdue since …, as the SQL path's do). The page calls it when
        the texts arrive, so that the first key typed does not wait for it."""
        if self._texts is None:
            return
        self._calendar = self._calendar or dossier_timing.work_calendar()
        key = (replace(self._query, search=""), self._order, self._descending, dossier_timing.now_minute())
        if key == self._base_key:
            return
        ids = dossier_listing.dossier_ids(key[0], order=self._order, descending=self._descending, at=key[3],
                                  calendar=self._calendar)
        texts = list(map(self._texts.get, ids))
        if None in texts:   # dossiers added since the texts were read
            self._texts.update(dossier_listing.search_texts([i for i, t in zip(ids, texts) if t is None]))
            texts = [self._texts.get(i, "") for i in ids]
        self._base_key, self._base, self._last = key, (ids, texts), None

    def _matching_ids(self) -> list[int]:
        if self._texts is None:
            return dossier_listing.dossier_ids(self._query, order=self._order, descending=self._descending,
                                       calendar=self._calendar)
        self.prepare_search()
        words = dossier_listing.search_words(self._query.search)
        if not words:
            self._last = None
            return self._base[0]
        start, check = self._base, words
        if self._last is not None and _narrows(self._last[0], words):
            # Every old word lies inside a new one, so the matches can only shrink; and a new word lying
            # inside an old one holds already.
            start = self._last[1]
            check = [w for w in words if not any(w in old for old in self._last[0])]
        found = dossier_listing.ids_matching(*start, check)
        self._last = (words, found)
        return found[0]

    def _page(self, number: int) -> list[dossier_listing.ListRow]:
        page = self._pages.get(number)
        if page is None:
            ids = self._ids[number * self.PAGE:(number + 1) * self.PAGE]
            rows = {r.id: r for r in dossier_listing.rows_by_ids(ids, calendar=self._calendar)}
            # A dossier deleted by another clerk since the reload keeps its place, shown as gone.
            page = [rows.get(i) or _gone(i) for i in ids]
            self._pages[number] = page
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page

    def row(self, i: int) -> dossier_listing.ListRow:
        return self._page(i // self.PAGE)[i % self.PAGE]

    def row_of_id(self, dossier_id: int) -> int | None:
        try:
            return self._ids.index(dossier_id)
        except ValueError:
            return None

    def fetch_all(self) -> list[dossier_listing.ListRow]:
        """Every matching row (for the export), without keeping them in the model."""
        return dossier_listing.rows_by_ids(self._ids, calendar=self._calendar)

    def refresh_timers(self, first: int, last: int, at: datetime | None = None) -> None:
        """Recompute the state and countdown of rows ``first``..``last`` (the ones on screen)."""
        first, last = max(0, first), min(last, len(self._ids) - 1)
        if first > last:
            return
        at = (at or datetime.now()).replace(second=0, microsecond=0)
        near = dossier_timing.near_due_days()
        calendar = self._calendar or dossier_timing.work_calendar()
        for i in range(first, last + 1):
            r = self.row(i)
            if r.received_at is not None:
                r.timer = state_at(r.clock(), calendar, at, near)
        columns = sorted(COLUMN_INDEX[k] for k in ("state", "remaining", "due_at"))
        self.dataChanged.emit(self.index(first, columns[0]), self.index(last, columns[-1]))

    # ---- Qt model interface --------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

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
        if not index.isValid() or not 0 <= index.row() < len(self._ids) or not 0 <= index.column() < len(COLUMNS):
            return None
        r = self.row(index.row())
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

    def _text(self, r: dossier_listing.ListRow, key: str) -> str:
        if r.received_at is None:
            return "(đã xóa)" if key == "code" else ""
        if key in ("received_at", "due_at", "closed_at"):
            value = r.timer.due_at if key == "due_at" and r.timer is not None else getattr(r, key)
            return ui_moment(value)
        if key == "channel":
            return dossier_timing.CHANNEL_LABELS.get(r.channel, r.channel)
        if key == "state":
            label = state_label(r.timer.state) if r.timer is not None else ""
            return label + (" (đã rút)" if r.withdrawn else "")
        if key == "remaining":
            if r.timer is None:
                return ""
            if r.timer.finished:
                days = r.timer.days_late
                return f"trễ {days} ngày làm việc" if days else ""
            return remaining_text(r.timer, self._calendar or dossier_timing.work_calendar())
        return str(getattr(r, key) or "")

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """ORDER BY in the database, then the first page again."""
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][2] is None:
            return
        self._order = COLUMNS[column][2]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def export_rows(self, rows: list[dossier_listing.ListRow]) -> tuple[list[str], list[list[Any]]]:
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


def _narrows(old: list[str], new: list[str]) -> bool:
    """Whether every text holding all ``new`` words also holds all ``old`` ones."""
    return all(any(o in n for n in new) for o in old)


def _gone(dossier_id: int) -> dossier_listing.ListRow:
    return dossier_listing.ListRow(dossier_id, "", "", "", "", "", None, None, None, None, None, None, None, None,
                                   "", False)
