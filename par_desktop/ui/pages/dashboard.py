"""Tổng quan: the clerk's first look of the day (UX.md "A clerk's day", step 1).

Figures at the top, two charts (tasks by status per unit, overdue dossiers per unit) and three lists:
tasks due in the next 14 days or overdue, dossiers overdue or near due now, and changes since yesterday.
The data is gathered off the GUI thread by ``services.dashboard.load``.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis, QBarSet, QChart, QChartView, QHorizontalBarSeries, QHorizontalStackedBarSeries, QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from par_desktop.domain.text import fold, ui_date, ui_moment, vn_number, vn_percent
from par_desktop.services import dashboard
from par_desktop.ui import status_style
from par_desktop.ui.operations import run_in_background
from par_desktop.ui.widgets.table import Column, DataTableView, RowTableModel, state_column
from par_desktop.ui.widgets.panels import note_label

TASK_STATES = ("overdue", "at_risk", "in_progress", "not_started", "done_late", "done_on_time")


class Card(QFrame):
    """One figure with its caption, coloured by what it means (always with words, never colour alone)."""

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("dashboardCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("…", self)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption, self)
        self.caption.setWordWrap(True)
        self.note = note_label("", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.note)

    def show_value(self, text: str, state: str | None = None, note: str = "") -> None:
        self.value.setText(text)
        color = status_style.state_color(state).name() if state else "#1d2733"
        self.value.setStyleSheet(f"color: {color};")
        self.note.setText(note)


NO_DATA = " (chưa có số liệu)"


def _chart(title: str) -> QChartView:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(260)
    return view


def _replace_series(view: QChartView, series, categories: list[str], maximum: int) -> None:
    chart = view.chart()
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
    chart.addSeries(series)
    names = QBarCategoryAxis()
    names.append(categories)
    values = QValueAxis()
    values.setLabelFormat("%d")
    if maximum <= 5:   # whole numbers only: never "0 0 0 0 0 1"
        values.setRange(0, max(1, maximum))
        values.setTickCount(max(1, maximum) + 1)
    else:
        values.setRange(0, maximum)
        values.applyNiceNumbers()
    chart.setTitle(chart.title().removesuffix(NO_DATA) + (NO_DATA if maximum == 0 else ""))
    chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(names)
    series.attachAxis(values)


class DashboardPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.data: dashboard.Dashboard | None = None
        self._loading = False
        self._reload_wanted = False

        self.subtitle = note_label("Đang tải…", self, wrap=False)

        self.cards = {
            "tasks_overdue": Card("Nhiệm vụ quá hạn"),
            "tasks_due_soon": Card(f"Nhiệm vụ đến hạn trong {dashboard.DUE_SOON_DAYS} ngày"),
            "dossiers_overdue": Card("Hồ sơ TTHC quá hạn lúc này"),
            "dossiers_near_due": Card("Hồ sơ sắp đến hạn"),
            "on_time_rate": Card("Tỷ lệ giải quyết đúng hạn trong kỳ"),
            "changes": Card("Bản ghi thay đổi từ hôm qua"),
        }
        card_row = QGridLayout()
        for i, card in enumerate(self.cards.values()):
            card_row.addWidget(card, 0, i)

        self.task_chart = _chart("Nhiệm vụ theo trạng thái, từng đơn vị")
        self.task_chart.chart().legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        self.dossier_chart = _chart("Hồ sơ đang quá hạn theo đơn vị")
        charts = QHBoxLayout()
        charts.addWidget(self.task_chart, 3)
        charts.addWidget(self.dossier_chart, 2)

        self.tasks_model = RowTableModel([
            Column("Mục", lambda t: t.ref, width=70),
            Column("Nội dung", lambda t: t.content, width=420),
            Column("Đơn vị chủ trì", lambda t: "Các phòng, đơn vị" if t.per_unit else ", ".join(t.lead_units)),
            Column("Hạn", lambda t: t.next_due or t.due_date, display=lambda t: ui_date(t.next_due or t.due_date)),
            state_column("Trạng thái", lambda t: t.status),
        ], key=lambda t: t.id)
        self.tasks_table = DataTableView(self.tasks_model, export_name="nhiem-vu-can-chu-y")
        self.tasks_table.activated.connect(lambda t: self.ctx.open_page("tasks", {"task_id": t.id}))

        self.dossiers_model = RowTableModel([
            Column("Mã hồ sơ", lambda d: d.code, width=220),
            Column("Thủ tục", lambda d: d.procedure, width=320),
            Column("Người nộp", lambda d: d.applicant),
            Column("Đơn vị", lambda d: d.unit),
            Column("Hạn xử lý", lambda d: d.due_at, display=lambda d: ui_moment(d.due_at)),
            state_column("Tình trạng", lambda d: d.state),
            Column("Thời gian còn lại", lambda d: d.remaining),
        ], key=lambda d: d.dossier_id)
        self.dossiers_table = DataTableView(self.dossiers_model, export_name="ho-so-can-chu-y")
        self.dossiers_table.activated.connect(lambda d: self.ctx.open_page("dossiers", {"code": d.code}))

        self.changes_model = RowTableModel([
            Column("Lúc", lambda e: e.at, display=lambda e: ui_moment(e.at), width=130),
            Column("Người thực hiện", lambda e: e.user, width=170),
            Column("Thao tác", lambda e: e.action_label),
            Column("Dữ liệu", lambda e: e.table_label),
            Column("Bản ghi", lambda e: e.record_id),
            Column("Mục", lambda e: e.field),
            Column("Giá trị mới", lambda e: e.new, width=260),
        ], key=lambda e: e.id)
        self.changes_table = DataTableView(self.changes_model, export_name="thay-doi")

        self.lists = QTabWidget(self)
        self.lists.addTab(self.tasks_table, "Nhiệm vụ cần chú ý")
        self.lists.addTab(self.dossiers_table, "Hồ sơ quá hạn, sắp đến hạn")
        self.lists.addTab(self.changes_table, "Thay đổi từ hôm qua")

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(card_row)
        top_layout.addLayout(charts)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("dashboardSplitter")
        splitter.addWidget(top)
        splitter.addWidget(self.lists)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(self.subtitle)
        layout.addWidget(splitter, 1)

    # ---- loading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload in the background; a refresh asked for while loading runs once the load ends."""
        if self._loading:
            self._reload_wanted = True
            return
        self._loading = True
        run_in_background(dashboard.load, self._show, self._failed, owner=self)   # a closed page gets nothing

    def _failed(self, exc: BaseException) -> None:
        from par_desktop.errors import UserError
        from par_desktop.services import database

        self._loading = False
        friendly = exc if isinstance(exc, UserError) else database.explain_error(exc)
        self.subtitle.setText(f"Không tải được tổng quan: {friendly.message if friendly else exc}")

    def _show(self, data: dashboard.Dashboard) -> None:
        self._loading = False
        self.data = data
        self._fill(data)
        if self._reload_wanted:
            self._reload_wanted = False
            self.refresh()

    def _fill(self, data: dashboard.Dashboard) -> None:
        self.subtitle.setText(
            f"Số liệu lúc {data.at:%H:%M} hôm nay {ui_date(data.today)} · kỳ báo cáo {data.period.label} "
            f"({data.period.span_text.lower()})")
        overdue, due_soon = data.tasks_overdue, data.tasks_due_soon
        self.cards["tasks_overdue"].show_value(vn_number(len(overdue)), "overdue" if overdue else "done_on_time",
                                               _units_note(overdue))
        self.cards["tasks_due_soon"].show_value(vn_number(len(due_soon)), "at_risk" if due_soon else None)
        counts = data.dossier_counts
        self.cards["dossiers_overdue"].caption.setText(f"Hồ sơ TTHC quá hạn lúc {data.at:%H:%M}")
        self.cards["dossiers_overdue"].show_value(vn_number(counts.overdue), "overdue" if counts.overdue else "on_time",
                                                  "Kể cả hồ sơ đã có kết quả nhưng chưa kết thúc")
        self.cards["dossiers_near_due"].show_value(
            vn_number(counts.near_due), "near_due" if counts.near_due else None,
            f"{vn_number(counts.due_today)} hồ sơ đến hạn hôm nay")
        rate = data.period_rate.rate
        resolved = data.period_rate.resolved
        self.cards["on_time_rate"].show_value(
            vn_percent(rate),
            None if rate is None else ("on_time" if rate >= 100 else "late"),
            f"{vn_number(resolved)} hồ sơ đã giải quyết; mục tiêu {vn_percent(100)}")
        self.cards["on_time_rate"].caption.setText(f"Tỷ lệ giải quyết đúng hạn từ {data.period.start:%d/%m} đến nay")
        self.cards["changes"].show_value(vn_number(data.changes.records), None, data.changes.text(kinds=2, people=False))
        self.cards["changes"].setToolTip(data.changes.text(kinds=len(data.changes.by_kind)))
        self._fill_task_chart(data)
        self._fill_dossier_chart(data)
        attention = sorted(overdue + [t for t in due_soon if t not in overdue],
                           key=lambda t: (t.status != "overdue", t.next_due or t.due_date or data.today))
        self.tasks_model.set_rows(attention)
        self.dossiers_model.set_rows(data.dossiers_needing_attention)
        self.changes_model.set_rows(data.changes_since_yesterday)

    def _fill_task_chart(self, data: dashboard.Dashboard) -> None:
        units = [s for s in data.tasks_by_unit if s.total][::-1]   # first unit at the top
        series = QHorizontalStackedBarSeries()
        for state in TASK_STATES:
            bar = QBarSet(status_style.state_label(state))
            color = status_style.state_color(state)
            # finished tasks in a lighter shade of the same colour, so "done late" differs from "overdue"
            bar.setColor(color.lighter(170) if state.startswith("done") else color)
            bar.append([getattr(s, state) for s in units])
            series.append(bar)
        totals = [sum(getattr(s, state) for state in TASK_STATES) for s in units]
        _replace_series(self.task_chart, series, [s.short_code for s in units], max(totals, default=0))

    def _fill_dossier_chart(self, data: dashboard.Dashboard) -> None:
        rows = data.overdue_dossiers_by_unit[:8][::-1]
        series = QHorizontalBarSeries()
        bar = QBarSet(status_style.state_label("overdue"))
        bar.setColor(status_style.state_color("overdue"))
        bar.append([count for _, count in rows])
        series.append(bar)
        _replace_series(self.dossier_chart, series, [_short(name) for name, _ in rows],
                        max((c for _, c in rows), default=0))

    # ---- main-window hooks -------------------------------------------------------------------------

    def apply_search(self, text: str) -> None:
        """The global search box filters the three lists (accent-insensitive)."""
        needle = fold(text)
        for table in (self.tasks_table, self.dossiers_table, self.changes_table):
            table.set_filter((lambda _row, key: needle in key) if needle else None)


def _units_note(overdue) -> str:
    names = sorted({name for t in overdue for name in t.lead_units if name != "*"})
    return ("Đơn vị: " + ", ".join(_short(n) for n in names[:4]) + ("…" if len(names) > 4 else "")) if names else ""


def _short(unit_name: str) -> str:
    """"Phòng Người có công" -> "Người có công" (charts have little room)."""
    return unit_name.removeprefix("Phòng ").strip()
