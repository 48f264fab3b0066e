"""The one table every list page uses: columns declared once, a Qt model over plain Python rows, a view.

- ``Column``: a title, the raw ``value`` of a row (used to sort and to export: dates stay dates,
  numbers stay numbers) and optionally how it is shown, aligned and coloured.
- ``RowTableModel`` (QAbstractTableModel) over a list of rows. It sorts itself (a Python sort of the
  list, fast even for 100 000 dossiers) and keeps an accent-folded search key per row.
- ``DataTableView``: the QTableView behind a ``QSortFilterProxyModel`` that filters (``set_filter``)
  and hands sorting to the model; a context menu, a double-click/Enter signal, "Xuất Excel" of what
  is shown, the row-count label, and column widths/sort remembered per user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel, QByteArray, QEvent, QItemSelectionModel, QModelIndex,
    QPersistentModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal,
)
from PySide6.QtGui import QAction, QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QMainWindow, QMenu, QPushButton, QTableView, QVBoxLayout,
    QWidget,
)

from par_desktop.domain.text import fold, vn_number
from par_desktop.ui.errors import format_value
from par_desktop.ui.status_style import state_background, state_color, state_label
from par_desktop.ui.widgets.viewport import own_viewport

SIZE_SAMPLE = 50        # rows measured to size a column
CELL_PADDING = 8        # a cell's margins around its text (Fusion)
HEADER_PADDING = 32     # a header section's margins and sort arrow
ROW_ROLE = Qt.ItemDataRole.UserRole + 1      # the row object itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 2     # the raw value


@dataclass
class Column:
    """One column: ``value(row)`` is the raw value; ``display(row)`` the text (default: formatted value)."""
    title: str
    value: Callable[[Any], Any]
    display: Callable[[Any], str] | None = None
    align: Qt.AlignmentFlag | None = None
    foreground: Callable[[Any], QColor | None] | None = None
    background: Callable[[Any], QColor | None] | None = None
    tooltip: Callable[[Any], str] | None = None
    width: int | None = None
    searchable: bool = True

    def text(self, row: Any) -> str:
        if self.display is not None:
            return self.display(row)
        return format_value(self.value(row))

    def alignment(self, row: Any) -> Qt.AlignmentFlag:
        if self.align is not None:
            return self.align | Qt.AlignmentFlag.AlignVCenter
        value = self.value(row)
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

    def export_value(self, row: Any) -> Any:
        """Numbers and dates raw (real Excel numbers/dates), everything else as shown."""
        value = self.value(row)
        if isinstance(value, (int, float, Decimal, date)) and not isinstance(value, bool):
            return value
        return self.text(row)


def state_column(title: str, state_of: Callable[[Any], str | None], **kwargs) -> Column:
    """A column showing a state (early, overdue, …) as its Vietnamese label in the state's colour."""
    return Column(title, value=lambda r: state_label(state_of(r)), foreground=lambda r: state_color(state_of(r)),
                  background=lambda r: state_background(state_of(r)) if state_of(r) else None, **kwargs)


def number_column(title: str, value: Callable[[Any], Any], **kwargs) -> Column:
    """A right-aligned count or amount shown as 1.234."""
    return Column(title, value=value, display=lambda r: "" if value(r) is None else vn_number(value(r)),
                  align=Qt.AlignmentFlag.AlignRight, **kwargs)


class NoMatchNote(QLabel):
    """The note over a table's empty viewport when a filter hides every row (rather than a blank table),
    kept the viewport's size."""

    def __init__(self, viewport: QWidget, text: str = ""):
        super().__init__(text, viewport)
        self.setObjectName("noMatch")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("color: #5f6670; font-style: italic; padding: 24px;")
        self.hide()
        viewport.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:   # Qt's name
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(watched.rect())
        return False

    def show_when(self, visible: bool) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.setVisible(visible)


def select_only_row(view: QAbstractItemView, row: int) -> None:
    """Make ``row`` the current and only selected row. The program's choice, unlike
    ``QTableView.selectRow``, which reads the keyboard: a Ctrl the clerk still holds (a Ctrl+R
    that opened a dialog) would toggle the row off, a Shift would extend the selection."""
    index = view.model().index(row, 0)
    if index.isValid():
        view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)


def _sort_key(value: Any) -> tuple:
    """A key that orders any mix of values: numbers, then dates, then text (accent-folded), blanks last."""
    if value is None or value == "":
        return (9,)
    if isinstance(value, (bool, int, float, Decimal)):
        return (0, float(value))
    if isinstance(value, datetime):
        return (1, value)
    if isinstance(value, date):
        return (1, datetime.combine(value, time()))
    if isinstance(value, str):
        return (2, fold(value), value)
    return (3, str(value))


class RowTableModel(QAbstractTableModel):
    """A read-only table model over a list of Python rows.

    ``key(row)`` identifies a row across reloads (to keep the selection); ``search_text(row)`` gives the
    text searched by the filter bar (default: every searchable column as shown), folded once per row.
    """

    def __init__(self, columns: Sequence[Column], rows: Iterable[Any] = (), *,
                 key: Callable[[Any], Any] | None = None, search_text: Callable[[Any], str] | None = None,
                 parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Any] = list(rows)
        self._key = key
        self._search_text = search_text
        self._search_keys: list[str | None] = [None] * len(self._rows)
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # ---- rows --------------------------------------------------------------------------------

    @property
    def rows(self) -> list[Any]:
        return self._rows

    def row(self, i: int) -> Any:
        return self._rows[i]

    def key_of(self, row: Any) -> Any:
        return self._key(row) if self._key is not None else id(row)

    def row_for_key(self, key: Any) -> int | None:
        for i, row in enumerate(self._rows):
            if self.key_of(row) == key:
                return i
        return None

    def set_rows(self, rows: Iterable[Any]) -> None:
        """Replace the rows (keeping the current sort order)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._search_keys = [None] * len(self._rows)
        if self._sort is not None:
            self._apply_sort(*self._sort)
        self.endResetModel()

    def update_row(self, i: int, row: Any) -> None:
        self._rows[i] = row
        self._search_keys[i] = None
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.columns) - 1))

    def search_key(self, i: int) -> str:
        cached = self._search_keys[i]
        if cached is None:
            row = self._rows[i]
            if self._search_text is not None:
                text = self._search_text(row)
            else:
                text = " ".join(c.text(row) for c in self.columns if c.searchable)
            cached = self._search_keys[i] = fold(text)
        return cached

    # ---- Qt model interface ----------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(self.columns):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment(row).value)
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            return column.foreground(row)
        if role == Qt.ItemDataRole.BackgroundRole and column.background is not None:
            return column.background(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip is not None else None
        if role == ROW_ROLE:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title if 0 <= section < len(self.columns) else None
        return str(section + 1)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            self._sort = None
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        new_position = self._apply_sort(column, order)
        self.changePersistentIndexList(old, [self.index(new_position[i.row()], i.column()) for i in old])
        self.layoutChanged.emit()

    def _apply_sort(self, column: int, order: Qt.SortOrder) -> list[int]:
        """Sort the rows in place; return old row -> new row."""
        value = self.columns[column].value
        keys = [_sort_key(value(r)) for r in self._rows]
        permutation = sorted(range(len(self._rows)), key=keys.__getitem__,
                             reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = [self._rows[i] for i in permutation]
        self._search_keys = [self._search_keys[i] for i in permutation]
        new_position = [0] * len(permutation)
        for new, old in enumerate(permutation):
            new_position[old] = new
        return new_position


RowPredicate = Callable[[Any, str], bool]   # (row, folded search key) -> shown?


class RowFilterProxy(QSortFilterProxyModel):
    """Filters with a Python predicate; sorting is delegated to the source model (one list sort)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._predicate: RowPredicate | None = None

    def set_predicate(self, predicate: RowPredicate | None) -> None:
        self.beginFilterChange()
        self._predicate = predicate
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if self._predicate is None:
            return True
        model = self.sourceModel()
        return self._predicate(model.row(source_row), model.search_key(source_row))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)


class DataTableView(QWidget):
    """A sortable, filterable table of rows with its row count and "Xuất Excel".

    Signals: ``activated(row)`` on double-click or Enter, ``current_changed(row or None)``,
    ``selection_changed()``. Pages add their own context-menu actions with ``add_action``.
    """

    activated = Signal(object)
    current_changed = Signal(object)
    selection_changed = Signal()

    def __init__(self, model: RowTableModel, parent: QWidget | None = None, *, export_name: str = "bang",
                 footer: bool = True):
        super().__init__(parent)
        self.model = model
        self.export_name = export_name
        self.proxy = RowFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.table = QTableView(self)
        self.table.setObjectName("dataTable")
        viewport = own_viewport(self.table)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)   # Tab leaves the table (arrows move in it), reaching the buttons
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_menu)
        self.table.doubleClicked.connect(self._activate)
        self.table.installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.no_match_text = "Không có dòng nào phù hợp với bộ lọc."
        self.no_match = NoMatchNote(viewport)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("rowCount")
        self.export_button = QPushButton("Xuất Excel", self)
        self.export_button.setToolTip("Xuất các dòng đang hiển thị ra tệp Excel (Ctrl+E)")
        self.export_button.clicked.connect(self.export_dialog)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(self.export_button)
        self.footer = QWidget(self)
        self.footer.setLayout(bottom)
        bottom.setContentsMargins(2, 0, 2, 0)
        self.footer.setVisible(footer)
        layout.addWidget(self.footer)

        self._actions: list[tuple[QAction, bool, Callable[[list[Any]], str | None] | None]] = []
        self._restore_keys: list[Any] = []
        self._restore_current: Any = None
        self._restore_scroll = 0
        self._sized = False
        self._state_ctx = None
        self._state_name = ""
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self.save_state)

        model.modelAboutToBeReset.connect(self._remember_selection)
        model.modelReset.connect(self._after_reset)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset,
                       self.proxy.layoutChanged):
            signal.connect(self._update_count)
        self._update_count()

    # ---- rows ----------------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.model.set_rows(rows)

    def set_filter(self, predicate: RowPredicate | None) -> None:
        self.proxy.set_predicate(predicate)
        self._update_count()

    def visible_count(self) -> int:
        return self.proxy.rowCount()

    def visible_rows(self) -> list[Any]:
        """The rows shown, in the order shown."""
        return [self.model.row(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
                for r in range(self.proxy.rowCount())]

    def selected_rows(self) -> list[Any]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.row(self.proxy.mapToSource(self.proxy.index(r, 0)).row()) for r in rows]

    def current_row(self) -> Any:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row(self.proxy.mapToSource(index).row())

    def select_key(self, key: Any) -> bool:
        """Select and show the row with this key; False when it is not shown."""
        source = self.model.row_for_key(key)
        if source is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(source, 0))
        if not index.isValid():
            return False
        select_only_row(self.table, index.row())
        self.table.scrollTo(index)
        return True

    # ---- context menu and actions --------------------------------------------------------------

    def add_action(self, text: str, callback: Callable[[list[Any]], None], *, needs_selection: bool = True,
                   shortcut: str | None = None,
                   refusal: Callable[[list[Any]], str | None] | None = None) -> QAction:
        """An action of the context menu; ``callback(selected_rows)``. ``shortcut`` works while the table
        has the focus; ``refusal(selected_rows)`` says why the action is not allowed for them (greyed,
        the reason as its tooltip) or returns None."""
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.table.addAction(action)
        action.triggered.connect(lambda: self._run_action(action, callback))
        self._actions.append((action, needs_selection, refusal))
        return action

    def _run_action(self, action: QAction, callback: Callable[[list[Any]], None]) -> None:
        rows = self.selected_rows()
        self._update_action(action, rows)
        if action.isEnabled():
            callback(rows)

    def _update_action(self, action: QAction, rows: list[Any]) -> None:
        from par_desktop.ui.permissions import gate

        needs_selection, refusal = next((n, r) for a, n, r in self._actions if a is action)
        if needs_selection and not rows:
            action.setEnabled(False)
            return
        gate(action, refusal(rows) if refusal is not None and rows else None)

    def build_menu(self) -> QMenu:
        """The context menu (right click, the menu key or Shift+F10): the row's actions, then copy and export."""
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        has_selection = bool(self.table.selectionModel().selectedRows())
        self._update_actions()
        for action, _needs_selection, _refusal in self._actions:
            menu.addAction(action)
        if self._actions:
            menu.addSeparator()
        copy = menu.addAction("Sao chép", self.copy_selection)
        copy.setEnabled(has_selection)
        menu.addAction("Xuất Excel…", self.export_dialog)
        return menu

    def _show_menu(self, pos) -> None:
        self.build_menu().popup(self.table.viewport().mapToGlobal(pos))

    def copy_selection(self) -> None:
        """Selected rows as tab-separated text (pastes into Excel or Word as a table)."""
        columns = self._shown_columns()
        lines = ["\t".join(c.title for c in columns)]
        lines += ["\t".join(c.text(r) for c in columns) for r in self.selected_rows()]
        QGuiApplication.clipboard().setText("\n".join(lines))

    # ---- export --------------------------------------------------------------------------------

    def _shown_columns(self) -> list[Column]:
        header = self.table.horizontalHeader()
        logical = [header.logicalIndex(v) for v in range(header.count())]
        return [self.model.columns[i] for i in logical if not header.isSectionHidden(i)]

    def export_xlsx(self, path: str | Path) -> Path:
        """Write the shown rows and columns, in the order shown, to ``path``."""
        from par_desktop.ui.export import export_rows_to_xlsx

        columns = self._shown_columns()
        rows = [[c.export_value(r) for c in columns] for r in self.visible_rows()]
        return export_rows_to_xlsx(path, [c.title for c in columns], rows)

    def export_dialog(self) -> None:
        """Ask for a file name, then export in the background."""
        from par_desktop.ui.export import ask_save_path, export_rows_to_xlsx
        from par_desktop.ui.operations import run_operation

        path = ask_save_path(self, "Xuất Excel", f"{self.export_name}-{date.today():%Y%m%d}.xlsx")
        if path is None:
            return
        columns = self._shown_columns()
        shown = self.visible_rows()
        headers = [c.title for c in columns]

        def work(progress):
            rows = []
            for i, row in enumerate(shown):
                if i % 500 == 0:
                    progress.check_cancelled()
                    progress.report(i, len(shown), f"Đang chuẩn bị {vn_number(i)}/{vn_number(len(shown))} dòng…")
                rows.append([c.export_value(row) for c in columns])
            progress.report(len(shown), len(shown), "Đang ghi tệp…")
            return export_rows_to_xlsx(path, headers, rows)

        def done(written: Path) -> None:
            window = self.window()
            if isinstance(window, QMainWindow):
                window.statusBar().showMessage(f"Đã xuất {vn_number(len(shown))} dòng ra {written}", 8000)

        run_operation(self, "Xuất Excel", work, done)

    # ---- remembered layout -----------------------------------------------------------------------

    def remember(self, ctx, name: str) -> None:
        """Keep column widths, order and sort of this table per user under ``name``."""
        self._state_ctx, self._state_name = ctx, name
        state = ctx.pref(f"tables/{name}")
        header = self.table.horizontalHeader()
        if isinstance(state, (QByteArray, bytes)) and header.restoreState(QByteArray(state)):
            self._sized = True
            column = header.sortIndicatorSection()
            if 0 <= column < self.model.columnCount():
                self.model.sort(column, header.sortIndicatorOrder())
        header.sectionResized.connect(self._save_timer.start)
        header.sectionMoved.connect(self._save_timer.start)
        header.sortIndicatorChanged.connect(self._save_timer.start)

    def save_state(self) -> None:
        if self._state_ctx is not None:
            self._state_ctx.set_pref(f"tables/{self._state_name}", self.table.horizontalHeader().saveState())

    def hideEvent(self, event) -> None:
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.save_state()
        super().hideEvent(event)

    # ---- internals -------------------------------------------------------------------------------

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._activate(self.table.currentIndex())
            return True
        return super().eventFilter(watched, event)

    def _activate(self, index: QModelIndex) -> None:
        if index.isValid():
            self.activated.emit(self.model.row(self.proxy.mapToSource(index).row()))

    def _selection_changed(self, *_args) -> None:
        self._update_count()
        self._update_actions()
        self.selection_changed.emit()

    def _update_actions(self) -> None:
        """The row actions follow the selection, so a shortcut greyed while nothing was selected works
        again as soon as a row is."""
        rows = self.selected_rows() if self._actions else []
        for action, _needs_selection, _refusal in self._actions:
            self._update_action(action, rows)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_changed.emit(self.model.row(self.proxy.mapToSource(current).row()) if current.isValid() else None)

    def _remember_selection(self) -> None:
        self._restore_keys = [self.model.key_of(r) for r in self.selected_rows()]
        current = self.current_row()
        self._restore_current = None if current is None else self.model.key_of(current)
        self._restore_scroll = self.table.verticalScrollBar().value()

    def _after_reset(self) -> None:
        if not self._sized and self.model.rowCount():
            self._size_columns()
        if not self._restore_keys and self._restore_current is None:
            self._update_count()
            self._update_actions()
            return
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        wanted = set(self._restore_keys)
        for i, row in enumerate(self.model.rows):
            key = self.model.key_of(row)
            if key in wanted or key == self._restore_current:
                index = self.proxy.mapFromSource(self.model.index(i, 0))
                if not index.isValid():
                    continue
                if key == self._restore_current:
                    selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
                if key in wanted:
                    selection.select(index, flags)
        self.table.verticalScrollBar().setValue(self._restore_scroll)
        self._restore_keys, self._restore_current = [], None
        self._update_count()
        self._update_actions()

    def _size_columns(self) -> None:
        """Widths from the title and the first ``SIZE_SAMPLE`` rows' text, measured with the table's font
        (asking Qt for each column's contents would call the model for up to 1,000 rows per column)."""
        self._sized = True
        header = self.table.horizontalHeader()
        cell, title = self.table.fontMetrics(), header.fontMetrics()
        sample = self.model.rows[:SIZE_SAMPLE]
        for i, column in enumerate(self.model.columns):
            if column.width:
                header.resizeSection(i, column.width)
                continue
            text = max((cell.horizontalAdvance(column.text(row)) for row in sample), default=0) + CELL_PADDING
            heading = title.horizontalAdvance(column.title) + HEADER_PADDING
            header.resizeSection(i, min(max(text, heading) + 12, 420))

    def _update_count(self, *_args) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        # A filter that hides every row says so (and how to see them), rather than leaving a blank table.
        self.no_match.setText(f"{self.no_match_text}\nBấm «Xóa lọc» để xem tất cả {vn_number(total)} dòng.")
        self.no_match.show_when(total > 0 and shown == 0)
        text = f"{vn_number(total)} dòng" if shown == total else f"Hiển thị {vn_number(shown)} / {vn_number(total)} dòng"
        selected = len(self.table.selectionModel().selectedRows()) if self.table.selectionModel() else 0
        if selected > 1:
            text += f" · đã chọn {vn_number(selected)}"
        self.count_label.setText(text)
