"""Thống kê: the TTHC statistics table of DOMAIN.md §5 for a reporting period (month, quarter, half-year,
year with the Nghị định 09/2019 cut-offs from the settings, or any range), its identities checked, and
the on-time rate per month and per unit as charts. "Xuất Excel" writes the table as shown.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QLocale, QMargins, QRect, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter,
    QStyle, QStyleOptionHeader, QTableView, QVBoxLayout, QWidget,
)

from par_desktop.domain import periods
from par_desktop.domain.text import PERCENT_SIGN, percent_value, ui_date, vn_number, vn_percent
from par_desktop.services import org, settings, stats
from par_desktop.ui.context import AppContext
from par_desktop.ui.models.dossiers_model import StatsTableModel
from par_desktop.ui.operations import LatestLoad
from par_desktop.ui.status_style import GREEN, RED, state_color
from par_desktop.ui.widgets.panels import note_label
from par_desktop.ui.widgets.period_picker import PeriodPicker, refill_units
from par_desktop.ui.widgets.viewport import own_viewport

VIETNAMESE = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)
CHART_MIN_HEIGHT = 170
NUMBER_COLUMN_MIN, FIELD_COLUMN_MIN = 62, 170


class GroupHeader(QWidget):
    """The upper level of the two-level header: group titles spanning their columns, kept aligned
    with the table's own header when columns are resized or the table scrolls."""

    def __init__(self, table: QTableView, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = table
        self.groups: list[tuple[str, list[int]]] = []
        for i, (_, _, group) in enumerate(stats.COLUMN_TITLES):
            if self.groups and self.groups[-1][0] == group:
                self.groups[-1][1].append(i)
            else:
                self.groups.append((group, [i]))
        self.setFixedHeight(self.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.sectionResized.connect(self.update)
        header.geometriesChanged.connect(self.update)
        table.horizontalScrollBar().valueChanged.connect(self.update)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        header = self.table.horizontalHeader()
        offset = header.x() + self.table.frameWidth()
        for title, columns in self.groups:
            left = header.sectionViewportPosition(columns[0])
            width = sum(header.sectionSize(c) for c in columns)
            option = QStyleOptionHeader()
            option.initFrom(header)
            option.rect = QRect(offset + left, 0, width, self.height())
            option.text = title
            option.textAlignment = Qt.AlignmentFlag.AlignCenter
            option.position = QStyleOptionHeader.SectionPosition.Middle
            self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, header)
        painter.end()


def _bar_chart(title: str) -> QChartView:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setVisible(False)
    chart.setMargins(QMargins(4, 4, 4, 4))
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(CHART_MIN_HEIGHT)
    return view


def _fill_chart(view: QChartView, rates: list[stats.Rate], *, horizontal_labels: bool = True) -> None:
    chart = view.chart()
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
    bars = QBarSet("Tỷ lệ đúng hạn")
    bars.setColor(GREEN)
    for rate in rates:
        bars.append(0.0 if rate.rate is None else percent_value(rate.rate))
    series = QBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsFormat("@value" + PERCENT_SIGN)   # = vn_percent: the value rounded, written the Vietnamese way
    if len(rates) > 8:   # twelve months: upright labels would overlap their neighbours
        series.setLabelsAngle(-90)
    chart.setLocale(VIETNAMESE)
    chart.setLocalizeNumbers(True)
    chart.addSeries(series)
    names = QBarCategoryAxis()
    names.append([r.label if len(r.label) <= 18 else r.label[:17] + "…" for r in rates])
    if not horizontal_labels:
        names.setLabelsAngle(-35)
    values = QValueAxis()
    values.setRange(0, 100)
    values.setLabelFormat("%.0f" + PERCENT_SIGN)   # localised numbers: the "%" after the number is literal
    chart.addAxis(names, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(names)
    series.attachAxis(values)


class _StatsTable(QTableView):
    """The Biểu 06 table; tells the page when its width changed (the columns share it)."""

    def __init__(self, resized, parent: QWidget | None = None):
        super().__init__(parent)
        own_viewport(self)
        self._resized = resized

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._resized()


class StatisticsPage(QWidget):
    loaded = Signal()   # the table and charts show the period chosen last

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.loads = LatestLoad(self)   # the period chosen last wins
        self.loading = False
        self.picker = PeriodPicker(int(settings.get(settings.REPORT_CUTOFF_DAY)))
        self.unit = QComboBox()
        self.unit.setObjectName("statsUnit")
        self.unit.addItem("Tất cả đơn vị", None)
        self.span_label = QLabel()
        self.span_label.setObjectName("periodSpan")
        self.counted_at = note_label(wrap=True)   # the moment the figures are counted at (issue 16 item 9)
        self.counted_at.setObjectName("countedAt")
        self.counted_at.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.export_button = QPushButton("Xuất Excel")
        self.export_button.clicked.connect(self.export)
        self.charts_button = QPushButton("Biểu đồ")
        self.charts_button.setObjectName("chartsToggle")
        self.charts_button.setCheckable(True)
        self.charts_button.setToolTip("Hiện hoặc ẩn các biểu đồ dưới bảng (bảng được ưu tiên chỗ trên màn hình nhỏ)")
        self.charts_button.toggled.connect(self.show_charts)

        controls = QHBoxLayout()
        for widget in (self.picker, QLabel("Đơn vị"), self.unit):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.charts_button)
        controls.addWidget(self.export_button)

        self.title = QLabel("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-weight: 700;")
        self.model = StatsTableModel(self)
        self.table = _StatsTable(self._fit_columns, self)
        self.table.setObjectName("statsTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setMinimumHeight(4 * self.fontMetrics().height() + 12)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 40)
        self.table.setColumnWidth(1, 230)
        for c in range(2, len(stats.COLUMN_TITLES)):
            self.table.setColumnWidth(c, 92)
        self.group_header = GroupHeader(self.table, self)
        self.identities = QLabel()
        self.identities.setObjectName("identities")
        self.identities.setTextFormat(Qt.TextFormat.RichText)
        self.note = note_label(wrap=False)

        self.month_chart = _bar_chart("Tỷ lệ giải quyết đúng hạn theo tháng")
        self.unit_chart = _bar_chart("Tỷ lệ giải quyết đúng hạn theo đơn vị (trong kỳ)")
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.setObjectName("statisticsCharts")
        charts.addWidget(self.month_chart)
        charts.addWidget(self.unit_chart)

        table_box = QWidget()
        box = QVBoxLayout(table_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.title)
        box.addWidget(self.span_label, 0, Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.counted_at)
        box.addSpacing(4)
        box.addWidget(self.group_header)
        box.addWidget(self.table, 1)
        box.addSpacing(4)
        box.addWidget(self.identities)
        box.addWidget(self.note)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("statisticsSplitter")
        self.splitter.addWidget(table_box)
        self.splitter.addWidget(charts)
        self.splitter.setStretchFactor(0, 1)   # the table is the page's purpose: it keeps what it needs
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setCollapsible(0, False)
        self.splitter.splitterMoved.connect(lambda *_: self._sync_charts_button())
        self._laid_out = False

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.splitter, 1)

        self.picker.changed.connect(self.refresh)
        self.unit.currentIndexChanged.connect(self.refresh)

    # ---- layout: the table first ----------------------------------------------------------------

    def table_height_needed(self) -> int:
        """The height the table box takes to show every row, the total row included, with its notes."""
        rows = max(self.model.rowCount(), 8)
        table = (self.table.horizontalHeader().height() + rows * self.table.verticalHeader().defaultSectionSize()
                 + 2 * self.table.frameWidth() + (self.table.horizontalScrollBar().sizeHint().height()
                                                  if self.table.horizontalScrollBar().isVisible() else 0))
        others = (self.title.sizeHint().height() + self.span_label.sizeHint().height() + self.group_header.height()
                  + self.identities.sizeHint().height() + self.note.sizeHint().height() + 12)
        return table + others

    def lay_out(self) -> None:
        """Give the table the height it needs; the charts get what is left, or fold away when that is
        less than they need (``Biểu đồ`` shows them)."""
        total = sum(self.splitter.sizes()) or self.splitter.height()
        needed = self.table_height_needed()
        spare = total - needed - self.splitter.handleWidth()
        self.splitter.setSizes([needed, spare] if spare >= CHART_MIN_HEIGHT else [total, 0])
        self._sync_charts_button()

    def charts_shown(self) -> bool:
        return self.splitter.sizes()[1] > 0

    def show_charts(self, shown: bool) -> None:
        if shown == self.charts_shown():
            return
        total = sum(self.splitter.sizes())
        charts = max(CHART_MIN_HEIGHT, total - self.table_height_needed()) if shown else 0
        self.splitter.setSizes([max(0, total - charts), charts])
        self._sync_charts_button()

    def _sync_charts_button(self) -> None:
        self.charts_button.blockSignals(True)
        self.charts_button.setChecked(self.charts_shown())
        self.charts_button.blockSignals(False)

    def _fit_columns(self) -> None:
        """The 13 columns share the width (no horizontal scrolling on a laptop); wider screens widen
        the Lĩnh vực column."""
        width = self.table.viewport().width()
        count = len(stats.COLUMN_TITLES) - 2
        number = max(NUMBER_COLUMN_MIN, min(92, (width - 40 - FIELD_COLUMN_MIN) // count))
        field = max(FIELD_COLUMN_MIN, width - 40 - number * count)
        for column, size in [(0, 40), (1, field)] + [(c, number) for c in range(2, count + 2)]:
            if self.table.columnWidth(column) != size:
                self.table.setColumnWidth(column, size)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._laid_out:
            self._laid_out = True
            remembered = self.ctx.pref(f"splitters/statistics/{self.splitter.objectName()}")
            if remembered is None:
                self.lay_out()
            else:
                self._sync_charts_button()

    # ---- the period ----------------------------------------------------------------------------

    def cutoff(self) -> int:
        return self.picker.cutoff

    def period(self) -> periods.Period:
        return self.picker.period()

    def set_period(self, kind: str, year: int, number: int | None = None) -> None:
        """Choose a preset (tests and other pages use this)."""
        self.picker.set_period(kind, year, number)

    def set_range(self, first: date, last: date) -> None:
        self.picker.set_range(first, last)

    # ---- page hooks ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recount in the background (a year of 100,000 dossiers takes a moment); the latest wins."""
        units = org.units()
        refill_units(self.unit, units)

        period, unit_id = self.period(), self.unit.currentData()
        unit_name = self.unit.currentText() if unit_id is not None else ""
        codes = {u.id: u.short_code for u in units}
        self.loading = True
        self.span_label.setText(f"Kỳ báo cáo: {period.label} — từ ngày {ui_date(period.start)} đến ngày "
                                f"{ui_date(period.end)}" + (f" — {unit_name}" if unit_name else "")
                                + "    Đơn vị tính: Số hồ sơ TTHC    (đang tính…)")

        counted = datetime.now().replace(second=0, microsecond=0)

        def work():
            return (stats.dossier_statistics(period.start, period.end, unit_id),
                    stats.on_time_rate_by_month(period.end.year, unit_id),
                    stats.on_time_rate_by_unit(period.start, period.end))

        def done(result) -> None:
            self.counted_moment = counted
            self._show(period, unit_id, unit_name, codes, *result)

        def failed(exc) -> None:
            from par_desktop.ui.errors import show_error

            self.loading = False
            show_error(self, exc)

        self.loads.run(work, done, failed)

    def _show(self, period: periods.Period, unit_id: int | None, unit_name: str, codes: dict,
              table: stats.DossierStats, months: list[stats.Rate], units: list[stats.Rate]) -> None:
        self.model.set_stats(table)
        self.span_label.setText(f"Kỳ báo cáo: {period.label} — từ ngày {ui_date(period.start)} đến ngày "
                                f"{ui_date(period.end)}" + (f" — {unit_name}" if unit_name else "")
                                + "    Đơn vị tính: Số hồ sơ TTHC")
        self.counted_at.setText(periods.counted_at_note(period.end, self.counted_moment))
        parts = []
        for text, ok in table.total.identity_checks():
            color = (GREEN if ok else RED).name()
            parts.append(f"<span style='color:{color}'>{'✓' if ok else '✗'} {text}</span>")
        self.identities.setText("Kiểm tra: " + "&nbsp;&nbsp;&nbsp;".join(parts))
        rate = table.total.on_time_rate
        note = "" if rate is None else f"Tỷ lệ giải quyết trước và đúng hạn: {vn_percent(rate)}."
        if table.withdrawn:
            note += f" Không tính {vn_number(table.withdrawn)} hồ sơ đã rút hoặc trả lại."
        self.note.setText(note.strip())
        self.note.setStyleSheet(f"color: {state_color('late' if rate is not None and rate < 100 else 'on_time').name()};")
        self.month_chart.chart().setTitle(f"Tỷ lệ giải quyết đúng hạn theo tháng, năm {period.end.year}")
        _fill_chart(self.month_chart, months)
        by_unit = [stats.Rate(codes.get(r.key, r.label), r.resolved, r.on_time, r.key)
                   for r in units if unit_id is None or r.key == unit_id]
        _fill_chart(self.unit_chart, by_unit)
        self.unit_chart.setToolTip("\n".join(f"{codes.get(r.key, r.label)}: {r.label}" for r in units))
        self.loading = False
        self.loaded.emit()

    def export(self) -> None:
        """Xuất Excel: the table as shown, the group title in each column's header."""
        from par_desktop.ui.export import ask_save_path, export_rows_to_xlsx
        from par_desktop.ui.operations import run_operation

        table = self.model.stats
        if table is None:
            return
        period = self.period()
        path = ask_save_path(self, "Xuất Excel", f"thong-ke-tthc-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx")
        if path is None:
            return
        headers, rows = self.export_rows()
        self.export_operation = run_operation(
            self, "Xuất Excel", lambda _p: export_rows_to_xlsx(path, headers, rows, sheet_title="Thống kê TTHC"),
            lambda written: self.ctx.status_message.emit(f"Đã xuất ra {written}"), cancellable=False)

    def export_rows(self) -> tuple[list[str], list[list]]:
        headers = [f"{group} - {title} {number}" if group else f"{title} {number}"
                   for number, title, group in stats.COLUMN_TITLES]
        rows = [[self.model.value(r, c) for c in range(self.model.columnCount())] for r in range(self.model.rowCount())]
        return headers, rows


