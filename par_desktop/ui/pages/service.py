"""Chất lượng phục vụ: the service-quality index of DOMAIN.md §10 (docs/service-quality.md) and the Office's
satisfaction survey.

Tab "Chỉ số phục vụ": for a reporting period and a unit, the five groups with their points, each
indicator with numerator and denominator (double-click opens the dossiers behind it), the monthly trend
of the year, the weakest indicators and units, the dossiers that cost points and the mean resolution time
per procedure. The points table and the hand-entered figures are edited from here.

Tab "Khảo sát hài lòng": the waves, the index per aspect and question with its interval and sample size
(small samples flagged), per unit / field / channel, the official SIPAS result beside it; the keyboard
entry screen, the Excel import, the questionnaire, the Excel export and the report.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCharts import QCategoryAxis, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox, QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QSplitter,
    QTabWidget, QVBoxLayout, QWidget,
)

from par_desktop.domain import service_index as si
from par_desktop.domain.text import PERCENT_SIGN, ui_date, vn_number, vn_percent
from par_desktop.services import org, procedures, settings
from par_desktop.services import service_quality as sq
from par_desktop.services import survey
from par_desktop.ui.context import AppContext
from par_desktop.ui.operations import LatestLoad
from par_desktop.ui.status_style import AMBER, BLUE, GREEN, GREY, RED
from par_desktop.ui.widgets.panels import note_label
from par_desktop.ui.widgets.period_picker import PeriodPicker, refill_choices, refill_units
from par_desktop.ui.widgets.table import Column, DataTableView, RowTableModel, number_column

SHORT_NAMES = {"disclosure": "Công khai", "progress": "Tiến độ", "digitisation": "Số hóa", "online": "Trực tuyến",
               "satisfaction": "Hài lòng"}
ASPECT_TINT = QColor("#e6ecf4")
GROUP_COLORS = {"disclosure": QColor("#6a4c93"), "progress": BLUE, "digitisation": QColor("#00838f"),
                "online": GREEN, "satisfaction": AMBER}


def _percent(value: float | None) -> str:
    return vn_percent(value, missing="")


def share_color(share: float | None) -> QColor:
    """Green from 90 % of the known points, amber from 70 %, red below; grey when nothing is known."""
    if share is None:
        return GREY
    return GREEN if share >= 90 else AMBER if share >= 70 else RED


class GroupCard(QFrame):
    """One group of the index: its name, points / maximum, a bar, and the points not yet known."""

    def __init__(self, group: si.GroupDef, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = group.key
        self.setObjectName(f"groupCard_{group.key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        color = GROUP_COLORS[group.key].name()
        self.setStyleSheet(f"QFrame#groupCard_{group.key} {{ border: 1px solid #d9dee5; border-top: 3px solid {color};"
                           " border-radius: 4px; background: #ffffff; }")
        self.name = QLabel(group.name)
        self.name.setWordWrap(True)
        self.points = QLabel("—")
        font = QFont(self.points.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.points.setFont(font)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(6)
        self.unknown = note_label(wrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(2)
        layout.addWidget(self.name)
        layout.addWidget(self.points)
        layout.addWidget(self.bar)
        layout.addWidget(self.unknown)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)

    def show_group(self, group: si.GroupScore) -> None:
        known = group.max_points - group.unknown_points
        share = None if known <= 1e-9 else 100.0 * group.points / known
        self.points.setText(f"{si.points_text(group.points)} / {si.points_text(group.max_points)} điểm")
        self.points.setStyleSheet(f"color: {share_color(share).name()};")
        self.bar.setRange(0, max(1, round(group.max_points * 10)))
        self.bar.setValue(round(group.points * 10))
        self.unknown.setText(f"Chưa rõ {si.points_text(group.unknown_points)} điểm (chưa có số liệu)"
                             if group.unknown_points else "Đủ số liệu")
        self.setToolTip("\n".join(f"{i.name}: {i.value_text} → {si.points_text(i.points)}/"
                                  f"{si.points_text(i.max_points)} điểm" for i in group.indicators))


COMPARE_BY = {"unit": ("đơn vị", "Đơn vị"), "field": ("lĩnh vực", "Lĩnh vực"), "procedure": ("thủ tục", "Thủ tục")}


def _indicator_columns() -> list[Column]:
    def figure_part(attr: str):
        return lambda i: None if i.figure is None else getattr(i.figure, attr)

    return [
        Column("Chỉ số", value=lambda i: i.name, width=200,
               tooltip=lambda i: f"{si.GROUP_NAMES[i.group]}: {i.name}"),
        Column("Nguồn", value=lambda i: "Nhập tay" if i.manual else "Tự tính",
               foreground=lambda i: AMBER if i.manual else None, width=64),
        number_column("Tử số", figure_part("numerator"), width=60),
        number_column("Mẫu số", figure_part("denominator"), width=60),
        Column("Kết quả", value=lambda i: i.value, display=lambda i: i.value_text,
               align=Qt.AlignmentFlag.AlignRight, foreground=lambda i: GREY if i.value is None else None, width=96),
        Column("Tối đa", value=lambda i: i.max_points, display=lambda i: si.points_text(i.max_points),
               align=Qt.AlignmentFlag.AlignRight, width=48),
        Column("Đạt", value=lambda i: i.points, display=lambda i: si.points_text(i.points),
               align=Qt.AlignmentFlag.AlignRight, width=40),
        Column("Mất", value=lambda i: i.lost_points, display=lambda i: "" if not i.lost_points
               else si.points_text(i.lost_points), foreground=lambda i: RED if i.lost_points else None,
               align=Qt.AlignmentFlag.AlignRight, width=44),
        Column("Nhóm", value=lambda i: si.GROUP_NAMES[i.group], width=150),
    ]


def _trend_chart() -> QChartView:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(2, 2, 2, 2))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    small = QFont(chart.legend().font())
    small.setPointSizeF(small.pointSizeF() * 0.85)
    chart.legend().setFont(small)
    chart.legend().setMarkerShape(chart.legend().MarkerShape.MarkerShapeCircle)
    view = QChartView(chart)
    view.setObjectName("trendChart")
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(180)
    return view


def fill_trend(view: QChartView, trend: list, title: str) -> None:
    """Points held per month (total, and each group as a share of its maximum) — the months without any
    figure are left out of the lines, not drawn at 0."""
    chart = view.chart()
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
    chart.setTitle(title)
    view.setToolTip("Tổng điểm của mỗi tháng (thang 100) và mỗi nhóm theo % số điểm đã biết của nhóm; "
                    "tháng chưa có số liệu của một nhóm không được vẽ (không tính là 0).")
    total = QLineSeries()
    total.setName("Tổng điểm")
    pen = QPen(QColor("#1d2b3a"))
    pen.setWidth(3)
    total.setPen(pen)
    series = [total]
    for group in si.GROUPS:
        line = QLineSeries()
        line.setName(SHORT_NAMES[group.key])
        line.setColor(GROUP_COLORS[group.key])
        series.append(line)
    for m, (_period, index) in enumerate(trend):
        if index.max_points - index.unknown_points > 1e-9:
            total.append(m, index.total_points)
        for line, group in zip(series[1:], index.groups):
            known = group.max_points - group.unknown_points
            if known > 1e-9:
                line.append(m, 100.0 * group.points / known)
    axis_x = QCategoryAxis()
    axis_x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    for m, (period, _index) in enumerate(trend):
        axis_x.append(f"T{period.end.month}", m)
    axis_x.setRange(0, max(1, len(trend) - 1))
    axis_y = QValueAxis()
    axis_y.setRange(0, 100)
    axis_y.setLabelFormat("%d")
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    for line in series:
        chart.addSeries(line)
        line.attachAxis(axis_x)
        line.attachAxis(axis_y)


class ServiceIndexTab(QWidget):
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.loads = LatestLoad(self)   # the choice made last wins
        self.loading = False
        self.picker = PeriodPicker(int(settings.get(settings.REPORT_CUTOFF_DAY)))
        self.unit = QComboBox()
        self.unit.setObjectName("serviceUnit")
        self.unit.addItem("Toàn Sở", None)
        self.field = QComboBox()
        self.field.setObjectName("serviceField")
        self.field.addItem("Mọi lĩnh vực", None)
        self.procedure = QComboBox()
        self.procedure.setObjectName("serviceProcedure")
        self.procedure.addItem("Mọi thủ tục", None)
        for combo, chars in ((self.unit, 24), (self.field, 22), (self.procedure, 34)):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(chars)
        self.points_button = QPushButton("Bảng điểm…")
        self.points_button.setToolTip("Điểm tối đa của từng chỉ số; thêm chỉ số nhập tay")
        self.manual_button = QPushButton("Số liệu nhập tay…")
        self.manual_button.setToolTip("Nhập số liệu các chỉ số chương trình không tự tính được")
        for button in (self.points_button, self.manual_button):
            button.setEnabled(ctx.can("settings"))
        self.points_button.clicked.connect(self.edit_points)
        self.manual_button.clicked.connect(self.edit_manual)
        scope = QHBoxLayout()
        for text, combo in (("Đơn vị", self.unit), ("Lĩnh vực", self.field), ("Thủ tục", self.procedure)):
            scope.addWidget(QLabel(text))
            scope.addWidget(combo)
        scope.addStretch(1)

        self.cards = {g.key: GroupCard(g) for g in si.GROUPS}
        cards = QHBoxLayout()
        cards.setSpacing(6)
        for card in self.cards.values():
            cards.addWidget(card, 1)
        self.total = QLabel()
        self.total.setObjectName("serviceTotal")
        self.total.setWordWrap(True)
        font = QFont(self.total.font())
        font.setBold(True)
        self.total.setFont(font)
        controls = QHBoxLayout()
        controls.addWidget(self.picker)
        controls.addSpacing(12)
        controls.addWidget(self.total, 1)

        self.indicators = DataTableView(RowTableModel(_indicator_columns(), key=lambda i: i.key), self,
                                        export_name="chi-so-phuc-vu")
        self.indicators.setObjectName("indicatorTable")
        self.indicators.setToolTip("Bấm đúp một chỉ số để xem các hồ sơ (hay thủ tục, số liệu nhập tay) phía sau")
        footer = self.indicators.footer.layout()
        footer.insertWidget(footer.indexOf(self.indicators.export_button), self.points_button)
        footer.insertWidget(footer.indexOf(self.indicators.export_button), self.manual_button)
        self.indicators.remember(ctx, "service_indicators")
        self.indicators.activated.connect(self.open_behind)
        self.indicators.add_action("Xem hồ sơ làm mất điểm…", lambda rows: rows and self.open_behind(rows[0]))
        self.trend = _trend_chart()

        self.compare_by = QComboBox()
        self.compare_by.setObjectName("compareBy")
        for key, (text, _title) in COMPARE_BY.items():
            self.compare_by.addItem(text, key)
        self.weak_units = DataTableView(RowTableModel([
            Column("Đơn vị", value=lambda b: b.label, width=200),
            Column("Điểm đạt / đã biết", value=lambda b: b.index.total_points,
                   display=lambda b: f"{si.points_text(b.index.total_points)} / "
                                     f"{si.points_text(b.index.max_points - b.index.unknown_points)}",
                   align=Qt.AlignmentFlag.AlignRight, width=120),
            Column("Tỷ lệ", value=lambda b: b.share, display=lambda b: _percent(b.share),
                   foreground=lambda b: share_color(b.share), align=Qt.AlignmentFlag.AlignRight, width=70),
            Column("Chỉ số mất nhiều điểm nhất", value=lambda b: "; ".join(
                f"{i.name} (−{si.points_text(i.lost_points)})" for i in b.index.weakest(2))),
        ], key=lambda b: b.key), self, export_name="chi-so-phuc-vu-theo-don-vi")
        self.weak_units.setObjectName("weakUnits")
        self.weak_units.setToolTip("Bấm đúp một dòng để xem riêng đơn vị, lĩnh vực hay thủ tục đó")
        self.weak_units.activated.connect(self._breakdown_chosen)
        self.weakest = DataTableView(RowTableModel([
            Column("Chỉ số", value=lambda i: i.name, width=340),
            Column("Kết quả", value=lambda i: i.value, display=lambda i: i.value_text,
                   align=Qt.AlignmentFlag.AlignRight, width=100),
            Column("Điểm mất", value=lambda i: i.lost_points, display=lambda i: si.points_text(i.lost_points),
                   foreground=lambda i: RED, align=Qt.AlignmentFlag.AlignRight, width=80),
        ], key=lambda i: i.key), self, footer=False)
        self.weakest.setObjectName("weakIndicators")
        self.weakest.activated.connect(self.open_behind)
        self.costly = DataTableView(RowTableModel([
            Column("Mã hồ sơ", value=lambda c: c.code, width=200),
            Column("Thủ tục", value=lambda c: c.procedure, width=260),
            Column("Đơn vị", value=lambda c: c.unit, width=170),
            Column("Lý do mất điểm", value=lambda c: c.reason_text, width=280),
            Column("Điểm mất", value=lambda c: c.points, display=lambda c: vn_number(round(c.points, 2)),
                   align=Qt.AlignmentFlag.AlignRight, foreground=lambda c: RED, width=70),
        ], key=lambda c: c.dossier_id), self, export_name="ho-so-lam-mat-diem")
        self.costly.setObjectName("costlyDossiers")
        self.costly.remember(ctx, "service_costly")
        self.costly.activated.connect(lambda c: self.ctx.open_page("dossiers", {"code": c.code}))
        self.times = DataTableView(RowTableModel([
            Column("Mã thủ tục", value=lambda t: t.code, width=90),
            Column("Thủ tục", value=lambda t: t.name, width=360),
            number_column("Hồ sơ giải quyết", lambda t: t.resolved, width=110),
            Column("Trung bình (ngày làm việc)", value=lambda t: t.mean_days,
                   display=lambda t: vn_number(round(t.mean_days, 1)), align=Qt.AlignmentFlag.AlignRight,
                   foreground=lambda t: RED if t.within_limit is False else None, width=185),
            Column("Thời hạn", value=lambda t: t.limit_days, display=lambda t: t.limit_text, width=130),
            number_column("Giải quyết quá hạn", lambda t: t.late, width=120),
        ], key=lambda t: t.procedure_id), self, export_name="thoi-gian-giai-quyet")
        self.times.setObjectName("resolutionTimes")
        self.bottom = QTabWidget()
        self.bottom.setObjectName("serviceDetails")
        weak = QSplitter(Qt.Orientation.Horizontal)
        weak.setObjectName("serviceWeakSplitter")
        weak.addWidget(self.weakest)
        compare = QWidget()
        compare_layout = QVBoxLayout(compare)
        compare_layout.setContentsMargins(0, 0, 0, 0)
        compare_row = QHBoxLayout()
        compare_row.addWidget(QLabel("So sánh theo"))
        compare_row.addWidget(self.compare_by)
        compare_row.addStretch(1)
        compare_layout.addLayout(compare_row)
        compare_layout.addWidget(self.weak_units, 1)
        weak.addWidget(compare)
        self.bottom.addTab(weak, "Chỉ số yếu nhất, so sánh")
        self.bottom.addTab(self.costly, "Hồ sơ làm mất điểm")
        self.bottom.addTab(self.times, "Thời gian giải quyết theo thủ tục")

        top = QSplitter(Qt.Orientation.Horizontal)
        top.setObjectName("serviceTopSplitter")
        top.addWidget(self.indicators)
        top.addWidget(self.trend)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setSizes([600, 400])
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("serviceSplitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([300, 200])

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(scope)
        layout.addLayout(cards)
        layout.addWidget(self.splitter, 1)
        # A choice recounts; only refresh() (the page shown, data changed) reads the lists to choose from again.
        self.picker.changed.connect(self._load)
        self.unit.currentIndexChanged.connect(self._load)
        self.field.currentIndexChanged.connect(self._field_changed)
        self.procedure.currentIndexChanged.connect(self._load)
        self.compare_by.currentIndexChanged.connect(self._load)

    # ---- loading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """The units, fields and procedures to choose from read again, then the recount."""
        refill_units(self.unit, org.units())
        refill_choices(self.field, [(f, f) for f in procedures.fields()])
        self._refill_procedures()
        self._load()

    def _field_changed(self) -> None:
        self._refill_procedures()
        self._load()

    def _load(self, *_args) -> None:
        """Recount in the background; the latest request wins."""
        period, scope, dimension = self.picker.period(), self.scope(), self.compare_by.currentData()
        cutoff = self.picker.cutoff
        self.loading = True
        self.total.setText(f"{period.label}: đang tính…")

        def work():
            start, end = period.start, period.end
            where = dict(unit_id=scope.unit_id, field=scope.field, procedure_id=scope.procedure_id)
            result, compared = sq.index_and_breakdown(start, end, dimension, **where)
            return (result, sq.monthly_trend(end.year, cutoff, **where), compared,
                    sq.costly_dossiers(start, end, index=result.index, **where),
                    sq.resolution_by_procedure(start, end, scope))

        def done(result) -> None:
            self._show(period, *result)

        def failed(exc) -> None:
            from par_desktop.ui.errors import show_error

            self.loading = False
            self.total.setText("")
            show_error(self, exc)

        self.loads.run(work, done, failed)

    def scope(self) -> sq.Scope:
        """The dossiers and procedures the page counts: all, or those of a unit, a field, a procedure."""
        return sq.Scope(self.unit.currentData(), self.field.currentData(), self.procedure.currentData())

    def scope_text(self) -> str:
        parts = [combo.currentText() for combo in (self.unit, self.field, self.procedure)
                 if combo.currentData() is not None]
        return ", ".join(parts) or "toàn Sở"

    def _refill_procedures(self) -> None:
        """The procedures of the chosen field (all without one); a procedure of another field is let go."""
        field = self.field.currentData()
        refill_choices(self.procedure, [(p.id, f"{p.code} — {p.name}") for p in procedures.list_procedures()
                                        if field is None or p.field == field])

    def _show(self, period, result: sq.IndexResult, trend, compared, costly, times) -> None:
        index = result.index
        for group in index.groups:
            self.cards[group.key].show_group(group)
        unknown = f"; chưa rõ {si.points_text(index.unknown_points)} điểm (chưa có số liệu)" \
            if index.unknown_points else ""
        self.total.setText(f"{period.label}: {si.points_text(index.total_points)}/"
                           f"{si.points_text(index.max_points)} điểm{unknown}")
        self.total.setToolTip(f"{period.label} ({ui_date(period.start)}–{ui_date(period.end)}), {self.scope_text()}")
        self.indicators.set_rows(index.indicators())
        self.weakest.set_rows(index.weakest(10))
        title = COMPARE_BY[self.compare_by.currentData()][1]
        model = self.weak_units.model
        if model.columns[0].title != title:
            model.columns[0] = replace(model.columns[0], title=title)
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 0)
        self.weak_units.set_rows(compared)
        self.costly.set_rows(costly)
        self.times.set_rows(times)
        self.bottom.setTabText(1, f"Hồ sơ làm mất điểm ({vn_number(len(costly))})")
        fill_trend(self.trend, trend, f"Điểm theo tháng, năm {period.end.year}")
        self.loading = False
        self.loaded.emit()

    # ---- actions ---------------------------------------------------------------------------------

    def _breakdown_chosen(self, row: sq.Breakdown) -> None:
        """A unit, field or procedure of the comparison becomes the page's scope."""
        combo = {"unit": self.unit, "field": self.field, "procedure": self.procedure}[self.compare_by.currentData()]
        index = combo.findData(row.key)
        if index < 0 and combo is self.procedure and self.field.currentData() is not None:
            self.field.setCurrentIndex(0)              # the procedure is in another field: show every field
            index = combo.findData(row.key)
        if index >= 0:
            combo.setCurrentIndex(index)

    def open_behind(self, indicator: si.IndicatorScore) -> None:
        from par_desktop.ui.dialogs.service_dialogs import BehindDialog

        BehindDialog(self.ctx, indicator, self.picker.period(), self.scope(), self).show()

    def edit_points(self) -> None:
        from par_desktop.ui.dialogs.service_dialogs import PointsDialog

        if PointsDialog(self.ctx, self).exec():
            self.refresh()

    def edit_manual(self) -> None:
        from par_desktop.ui.dialogs.service_dialogs import ManualValuesDialog

        ManualValuesDialog(self.ctx, self.picker.period(), self).exec()
        self.refresh()

    def export(self) -> None:
        self.indicators.export_dialog()


# ---- the survey ------------------------------------------------------------------------------------

class _Line:
    """A row of the survey table: an aspect (bold) or one of its questions."""

    def __init__(self, code: str, text: str, fig, *, aspect: bool, blank: int = 0, invalid: int = 0):
        self.code, self.text, self.fig, self.aspect = code, text, fig, aspect
        self.blank, self.invalid = blank, invalid


SMALL_SAMPLE = "Mẫu nhỏ: dưới 30 câu trả lời hợp lệ, chỉ số chưa đủ tin cậy"


def _small(r) -> bool:
    return r.fig.index is not None and r.fig.small


def _fig_columns(first: list[Column]) -> list[Column]:
    """The index, its interval and n — amber with a tooltip for a small sample, which the last column also
    names (the tables are narrow: the colour shows it without scrolling)."""
    return [
        *first,
        Column("Chỉ số", value=lambda r: r.fig.index, display=lambda r: _percent(r.fig.index),
               foreground=lambda r: AMBER if _small(r) else None,
               tooltip=lambda r: SMALL_SAMPLE if _small(r) else "", align=Qt.AlignmentFlag.AlignRight, width=70),
        Column(f"Tin cậy 95{PERCENT_SIGN}", value=lambda r: r.fig.low,
               display=lambda r: "" if r.fig.low is None else
               f"{vn_number(round(r.fig.low, 1))} – {vn_number(round(r.fig.high, 1))}",
               foreground=lambda r: AMBER if _small(r) else None, align=Qt.AlignmentFlag.AlignCenter, width=110),
        number_column("Hợp lệ (n)", lambda r: r.fig.valid, foreground=lambda r: AMBER if _small(r) else None,
                      tooltip=lambda r: SMALL_SAMPLE if _small(r) else "", width=80),
        Column("Ghi chú", value=lambda r: "Mẫu nhỏ (dưới 30)" if _small(r) else "",
               foreground=lambda r: AMBER, width=120),
    ]


class SurveyTab(QWidget):
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.loads = LatestLoad(self)   # the choice made last wins
        self.loading = False
        self.entry_open = False
        self.wave = QComboBox()
        self.wave.setObjectName("surveyWave")
        self.wave.setMinimumWidth(180)
        # (text, slot, the role's action it needs or None, needs a wave)
        buttons = [("Đợt mới…", self.new_wave, "import", False),
                   ("Nhập phiếu…", self.enter_forms, "import", True),
                   ("Nhập từ Excel…", self.import_file, "import", False),
                   ("Bảng hỏi…", self.edit_questionnaire, "settings", False),
                   ("SIPAS chính thức…", self.edit_official, "settings", True),
                   ("Xuất Excel", self.export, None, True), ("Lập báo cáo", self.make_report, "documents", True)]
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Đợt khảo sát"))
        controls.addWidget(self.wave)
        self.buttons: dict[str, tuple[QPushButton, bool, bool]] = {}
        for text, slot, action, needs_wave in buttons:
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.buttons[text] = (button, action is None or ctx.can(action), needs_wave)
            controls.addWidget(button)
        self.buttons["Nhập phiếu…"][0].setToolTip("Gõ phiếu giấy chỉ bằng bàn phím (Ctrl+N)")
        controls.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("surveySummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.lines = DataTableView(RowTableModel(_fig_columns([
            Column("Mã", value=lambda r: r.code, width=46,
                   background=lambda r: ASPECT_TINT if r.aspect else None),
            Column("Khía cạnh, câu hỏi", value=lambda r: r.text, width=340, tooltip=lambda r: r.text,
                   background=lambda r: ASPECT_TINT if r.aspect else None),
        ]) + [number_column("Để trống", lambda r: r.blank if not r.aspect else None, width=70),
              number_column("Ngoài thang", lambda r: r.invalid if not r.aspect else None, width=80)],
            key=lambda r: r.code), self, export_name="chi-so-hai-long")
        self.lines.setObjectName("surveyLines")
        self.lines.remember(ctx, "survey_lines")
        self.by = QComboBox()
        self.by.setObjectName("surveyBy")
        for text, key in (("Theo đơn vị", "unit"), ("Theo lĩnh vực", "field"), ("Theo kênh tiếp nhận", "channel")):
            self.by.addItem(text, key)
        self.groups = DataTableView(RowTableModel(_fig_columns([
            Column("Nhóm", value=lambda g: g.label, width=180),
            number_column("Số phiếu", lambda g: g.respondents, width=70),
        ]), key=lambda g: g.key), self, export_name="chi-so-hai-long-theo-nhom")
        self.groups.setObjectName("surveyGroups")
        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.by)
        box.addWidget(self.groups, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("surveySplitter")
        self.splitter.addWidget(self.lines)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        self.wave.currentIndexChanged.connect(self._load_index)
        self.by.currentIndexChanged.connect(self._load_index)
        self.waves: list[survey.Wave] = []

    def current_wave(self) -> survey.Wave | None:
        wave_id = self.wave.currentData()
        return next((w for w in self.waves if w.id == wave_id), None)

    def refresh(self) -> None:
        if self.entry_open:
            return   # 200 forms typed in a row: the index is recomputed once the entry screen closes
        self.waves = survey.waves()
        current = self.wave.currentData()
        self.wave.blockSignals(True)
        self.wave.clear()
        for w in self.waves:
            self.wave.addItem(f"{w.name} ({vn_number(w.responses)} phiếu)", w.id)
        self.wave.setCurrentIndex(max(0, self.wave.findData(current)))
        self.wave.blockSignals(False)
        for button, allowed, needs_wave in self.buttons.values():
            button.setEnabled(allowed and (bool(self.waves) or not needs_wave))
        self._load_index()

    def select_wave(self, name: str) -> None:
        for w in self.waves:
            if w.name == name:
                self.wave.setCurrentIndex(self.wave.findData(w.id))

    def _load_index(self, *_args) -> None:
        wave = self.current_wave()
        if wave is None:
            self.summary.setText("Chưa có đợt khảo sát. Bấm «Đợt mới…» hoặc «Nhập từ Excel…» để bắt đầu.")
            self.lines.set_rows([])
            self.groups.set_rows([])
            self.loaded.emit()
            return
        dimension = self.by.currentData()
        self.loading = True
        self.summary.setText(f"Đợt «{wave.name}»: đang tính…")

        def work():
            return survey.wave_index(wave.id), survey.index_by(wave.id, dimension)

        def failed(exc) -> None:
            from par_desktop.ui.errors import show_error

            self.loading = False
            show_error(self, exc)

        self.loads.run(work, lambda result: self._show(*result), failed)

    def _show(self, result: survey.WaveIndex, groups: list[survey.GroupIndex]) -> None:
        index = result.index
        official = ""
        if result.wave.official_index is not None:
            official = (f"<br>SIPAS chính thức của Sở: <b>{vn_percent(result.wave.official_index, 2)}</b>"
                        + (f" ({result.wave.official_source})" if result.wave.official_source else ""))
        overall = survey.figure_text(index.overall)
        self.summary.setText(f"Đợt «{result.wave.name}», {vn_number(index.respondents)} phiếu — chỉ số hài lòng "
                             f"chung: <b>{overall}</b>{official}")
        rows = []
        for a in index.aspects:
            rows.append(_Line(a.code, a.name, a.fig, aspect=True))
            rows += [_Line(q.code, q.text, q.fig, aspect=False, blank=q.blank, invalid=q.invalid)
                     for q in a.questions]
        self.lines.set_rows(rows)
        self.groups.set_rows([_Group(g) for g in groups])
        self.loading = False
        self.loaded.emit()

    # ---- actions ---------------------------------------------------------------------------------

    def new_wave(self) -> None:
        from par_desktop.ui.dialogs.service_dialogs import WaveDialog

        dialog = WaveDialog(self.ctx, self)
        if dialog.exec() and dialog.created is not None:
            self.refresh()
            self.select_wave(dialog.created.name)

    def enter_forms(self) -> None:
        from par_desktop.ui.dialogs.survey_entry import SurveyEntryDialog

        wave = self.current_wave()
        if wave is None:
            return
        dialog = SurveyEntryDialog(self.ctx, wave, self)
        self.entry_open = True
        try:
            dialog.exec()
        finally:
            self.entry_open = False
        self.refresh()

    def import_file(self) -> None:
        from par_desktop.ui.dialogs.service_dialogs import import_survey_file

        wave = self.current_wave()
        import_survey_file(self.ctx, self, wave.name if wave else "", on_done=self._imported)

    def _imported(self, summary: survey.ImportSummary) -> None:
        self.refresh()
        self.select_wave(summary.wave)

    def edit_questionnaire(self) -> None:
        from par_desktop.ui.dialogs.service_dialogs import QuestionnaireDialog

        if QuestionnaireDialog(self.ctx, self.current_wave(), self).exec():
            self.refresh()

    def edit_official(self) -> None:
        from par_desktop.ui.dialogs.service_dialogs import OfficialDialog

        wave = self.current_wave()
        if wave is not None and OfficialDialog(self.ctx, wave, self).exec():
            self.refresh()

    def export(self) -> None:
        from par_desktop.domain.text import fold
        from par_desktop.ui.export import ask_save_path
        from par_desktop.ui.operations import run_operation

        wave = self.current_wave()
        if wave is None:
            return
        name = "-".join(fold(wave.name).replace("/", "-").split())
        path = ask_save_path(self, "Xuất Excel", f"khao-sat-{name}.xlsx")
        if path is None:
            return
        run_operation(self, "Xuất Excel", lambda _p: survey.export_xlsx(wave.id, path),
                      lambda written: self.ctx.status_message.emit(f"Đã xuất ra {written}"), cancellable=False)

    def make_report(self) -> None:
        wave = self.current_wave()
        if wave is not None:
            self.ctx.open_page("documents", {"kind": "survey_report", "wave": wave.name})


class _Group:
    """A row of the per-group table."""

    def __init__(self, group: survey.GroupIndex):
        self.key, self.label = group.key, group.label
        self.respondents = group.index.respondents
        self.fig = group.index.overall


class ServicePage(QWidget):
    """The page: two tabs, the service index and the survey."""

    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.index_tab = ServiceIndexTab(ctx)
        self.survey_tab = SurveyTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("serviceTabs")
        self.tabs.addTab(self.index_tab, "Chỉ số phục vụ")
        self.tabs.addTab(self.survey_tab, "Khảo sát hài lòng")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.index_tab.loaded.connect(self.loaded)
        self.survey_tab.loaded.connect(self.loaded)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())

    @property
    def loading(self) -> bool:
        return self.tabs.currentWidget().loading

    def refresh(self) -> None:
        self.tabs.currentWidget().refresh()

    def navigate_to(self, payload: Any) -> None:
        """``{"tab": "survey", "wave": name}`` or ``{"tab": "index"}``."""
        if isinstance(payload, dict) and payload.get("tab") == "survey":
            self.tabs.setCurrentWidget(self.survey_tab)
            if payload.get("wave"):
                self.survey_tab.select_wave(payload["wave"])
        elif isinstance(payload, dict) and payload.get("tab") == "index":
            self.tabs.setCurrentWidget(self.index_tab)

    def new_record(self) -> None:
        """Ctrl+N: type survey forms."""
        self.tabs.setCurrentWidget(self.survey_tab)
        self.survey_tab.enter_forms()

    def export(self) -> None:
        self.tabs.currentWidget().export()
