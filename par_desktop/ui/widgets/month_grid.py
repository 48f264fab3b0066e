"""The year's month grids: twelve small ``QTableView``s over a ``MonthModel`` each, painted by
``DayDelegate``. Every kind of day has its own colours (``KIND_STYLE``, with the legend's text), overrides
carry a corner mark and today a ring, so the view reads the same in black and white.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QSizePolicy, QStyle, QStyledItemDelegate,
    QStyleOptionViewItem, QTableView, QVBoxLayout, QWidget,
)

from par_desktop.domain.calendar import DayInfo
from par_desktop.domain.text import ui_date
from par_desktop.ui.widgets.panels import note_label
from par_desktop.ui.widgets.viewport import own_viewport

DAY_ROLE = Qt.ItemDataRole.UserRole + 1  # the cell's DayInfo (None for the padding cells)

WEEKDAY_SHORT = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
WEEKDAY_LONG = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


@dataclass(frozen=True)
class KindStyle:
    label: str       # the legend's text
    short: str       # the "Loại" column of the side list
    background: QColor
    foreground: QColor
    bold: bool
    mark: bool       # corner triangle: the administrator changed this day


KIND_STYLE: dict[str, KindStyle] = {
    "working": KindStyle("Ngày làm việc", "Làm việc", QColor("#ffffff"), QColor("#1f2933"), False, False),
    "weekend": KindStyle("Thứ Bảy, Chủ nhật", "Nghỉ cuối tuần", QColor("#eceef1"), QColor("#7b828c"),
                         False, False),
    "holiday": KindStyle("Nghỉ lễ, Tết", "Nghỉ lễ, Tết", QColor("#fbe3e4"), QColor("#c0262d"), True, False),
    "makeup": KindStyle("Làm bù (thứ Bảy)", "Làm bù", QColor("#dbe8fb"), QColor("#1f5fb8"), True, False),
    "override_off": KindStyle("Điều chỉnh: nghỉ", "Điều chỉnh: nghỉ", QColor("#fdf0d9"), QColor("#a65f00"),
                              True, True),
    "override_work": KindStyle("Điều chỉnh: làm việc", "Điều chỉnh: làm việc", QColor("#e3f4e8"),
                               QColor("#1b7a3a"), True, True),
}
SELECTED = QColor("#1f5fb8")
TODAY = QColor("#1f2933")


def day_tooltip(info: DayInfo) -> str:
    """"Thứ Năm, 08/02/2024 — Ngày nghỉ lễ, Tết: Tết Nguyên Đán" (also the grid's accessible text)."""
    text = f"{WEEKDAY_LONG[info.day.weekday()]}, {ui_date(info.day)} — {KIND_STYLE[info.kind].label}"
    if info.kind.startswith("override_"):
        return f"{text}. Lý do: {info.name}" if info.name else text
    return f"{text}: {info.name}" if info.name and info.name != KIND_STYLE[info.kind].label else text


class MonthModel(QAbstractTableModel):
    """One month as 6 weeks × 7 days (Monday first); cells outside the month are empty and disabled."""

    def __init__(self, year: int, month: int, parent=None):
        super().__init__(parent)
        self.year, self.month = year, month
        self._cells: list[DayInfo | None] = [None] * 42
        self.today: date | None = None

    def set_days(self, year: int, month: int, days: list[DayInfo], today: date | None = None) -> None:
        """``days``: the month's DayInfo in date order."""
        self.beginResetModel()
        self.year, self.month, self.today = year, month, today
        lead = date(year, month, 1).weekday()
        self._cells = [None] * lead + list(days) + [None] * (42 - lead - len(days))
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 6

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 7

    def day_at(self, index: QModelIndex) -> DayInfo | None:
        if not index.isValid() or index.model() is not self:
            return None
        return self._cells[index.row() * 7 + index.column()]

    def index_of(self, day: date) -> QModelIndex:
        if (day.year, day.month) != (self.year, self.month):
            return QModelIndex()
        cell = date(self.year, self.month, 1).weekday() + day.day - 1
        return self.index(cell // 7, cell % 7)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        info = self.day_at(index)
        if info is None:
            return None
        style = KIND_STYLE[info.kind]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(info.day.day)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return day_tooltip(info)
        if role == DAY_ROLE:
            return info
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(style.background)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(style.foreground)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and style.bold:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if self.day_at(index) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < 7:
            if role == Qt.ItemDataRole.DisplayRole:
                return WEEKDAY_SHORT[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return WEEKDAY_LONG[section]
        return None


class DayDelegate(QStyledItemDelegate):
    """Paints a day cell: its kind's colours, a corner mark for overrides, a ring for today."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        # Straight from the model: no QVariant round trip for each of the 504 cells.
        model = index.model()
        info = model.day_at(index) if isinstance(model, MonthModel) else None
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect).adjusted(1, 1, -1, -1)
        if info is None:
            painter.restore()
            return
        style = KIND_STYLE[info.kind]
        painter.fillRect(rect, style.background)
        if info.kind != "working":
            painter.setPen(QPen(style.background.darker(112), 1))
            painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        if style.mark:
            size = min(rect.width(), rect.height()) * 0.38
            corner = QPolygonF([QPointF(rect.right() - size, rect.top()), QPointF(rect.right(), rect.top()),
                                QPointF(rect.right(), rect.top() + size)])
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.foreground)
            painter.drawPolygon(corner)
        if info.kind == "makeup":  # a bar under the number: "a Saturday that is worked"
            bar = QRectF(rect.center().x() - 6, rect.bottom() - 4, 12, 2)
            painter.fillRect(bar, style.foreground)
        if model.today == info.day:
            painter.setPen(QPen(TODAY, 1.2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            side = min(rect.width(), rect.height()) - 3
            painter.drawEllipse(QRectF(rect.center().x() - side / 2, rect.center().y() - side / 2, side, side))
        font = QFont(option.font)
        font.setBold(style.bold)
        painter.setFont(font)
        painter.setPen(style.foreground)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(info.day.day))
        if option.state & QStyle.StateFlag.State_Selected:
            painter.setPen(QPen(SELECTED, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(MonthView.CELL_W, MonthView.CELL_H)


class MonthView(QWidget):
    """"Tháng 2 … 16 ngày làm việc" above the month's grid."""

    CELL_W, CELL_H = 30, 24
    day_clicked = Signal(object)          # date
    context_requested = Signal(object, object)  # date, global QPoint

    def __init__(self, month: int, delegate: DayDelegate, parent=None):
        super().__init__(parent)
        self.month = month
        self.model = MonthModel(2000, month, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        top = QHBoxLayout()
        self.title = QLabel(f"Tháng {month}")
        self.title.setStyleSheet("font-weight: 600; font-size: 10.5pt;")
        self.count = note_label(wrap=False)
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.count)
        layout.addLayout(top)
        self.view = QTableView()
        self.view.setObjectName(f"month{month}")
        own_viewport(self.view)
        self.view.setModel(self.model)
        self.view.setItemDelegate(delegate)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultSectionSize(self.CELL_W)
        header.setMinimumSectionSize(self.CELL_W)
        header.setHighlightSections(False)
        header.setSectionsClickable(False)
        header.setStyleSheet("QHeaderView::section { background: #f4f5f7; color: #3c4450; border: none;"
                             " border-bottom: 1px solid #d5d9de; padding: 2px 0; font-weight: 600; }"
                             "QHeaderView::section:last { color: #c0262d; }")
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.CELL_H)
        self.view.verticalHeader().setMinimumSectionSize(self.CELL_H)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setStyleSheet("QTableView { border: 1px solid #d5d9de; background: #ffffff; }")
        frame = 2 * self.view.frameWidth()
        self.view.setFixedSize(7 * self.CELL_W + frame, 6 * self.CELL_H + header.sizeHint().height() + frame)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.view.clicked.connect(self._current_changed)
        layout.addWidget(self.view)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_days(self, year: int, days: list[DayInfo], today: date) -> None:
        self.model.set_days(year, self.month, days, today)
        working = sum(1 for info in days if info.working)
        self.count.setText(f"{working} ngày làm việc")

    def select(self, day: date | None) -> None:
        """Select ``day`` when it is in this month, else clear this grid's selection."""
        index = self.model.index_of(day) if day else QModelIndex()
        blocker = self.view.selectionModel().blockSignals(True)
        try:
            if index.isValid():
                self.view.setCurrentIndex(index)
            else:
                self.view.clearSelection()
                self.view.setCurrentIndex(QModelIndex())
        finally:
            self.view.selectionModel().blockSignals(blocker)
        self.view.viewport().update()

    def _current_changed(self, index: QModelIndex, _previous: QModelIndex | None = None) -> None:
        info = self.model.day_at(index)
        if info is not None:
            self.day_clicked.emit(info.day)

    def _context_menu(self, pos) -> None:
        info = self.model.day_at(self.view.indexAt(pos))
        if info is not None:
            self.day_clicked.emit(info.day)
            self.context_requested.emit(info.day, self.view.viewport().mapToGlobal(pos))


class MonthGrid(QWidget):
    """The twelve months, four abreast when the width allows, else three, two or one."""

    SPACING = 16

    def __init__(self, months: list[MonthView], parent=None):
        super().__init__(parent)
        self.months = months
        self.columns = 0
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(4, 4, 4, 4)
        self.grid.setHorizontalSpacing(self.SPACING)
        self.grid.setVerticalSpacing(12)
        self.set_columns(4)

    def width_for(self, columns: int) -> int:
        margins = self.grid.contentsMargins()
        month = self.months[0].sizeHint().width()
        return columns * month + (columns - 1) * self.SPACING + margins.left() + margins.right()

    def fit(self, width: int) -> None:
        self.set_columns(next((n for n in (4, 3, 2) if self.width_for(n) <= width), 1))

    def set_columns(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for view in self.months:
            self.grid.removeWidget(view)
        for i, view in enumerate(self.months):
            self.grid.addWidget(view, i // columns, i % columns, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        for column in range(5):
            self.grid.setColumnStretch(column, 1 if column == columns else 0)
        self.grid.setRowStretch(12, 1)
