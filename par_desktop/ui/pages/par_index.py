"""Chỉ số CCHC: the PAR INDEX of a year as the Office runs it (docs/par-index.md).

- "Cây tiêu chí": the criteria tree (maximum, last year, computed, self, appraised, evidence count, unit,
  state; red where points are claimed without evidence) and, for the selected row, its guidance, unit,
  linked plan tasks with their status, the metric, the evidence (add a file, a register document, an
  external document; open, save, remove) and the score (self-score with its explanation, send to the
  Office, accept or return, appraised score);
- "Điểm có nguy cơ": the points at risk now as figures and a chart, per area held / at risk / lost, and
  the rows at risk with their reasons;
- "Theo đơn vị": per unit, points held, at risk and lost;
- "Năm trước mất điểm": last year's lost points and this year's plan tasks that answer them;
- "Chênh lệch thẩm định": every difference between the appraised and the self-score, with its reason.

The year's figures are computed off the GUI thread (the metrics read every dossier of the year).
A unit account sees every row but scores and attaches evidence only on its own; Lãnh đạo reads.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis, QChart, QChartView, QHorizontalStackedBarSeries, QBarSet, QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFormLayout, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QMenu, QPlainTextEdit, QPushButton, QScrollArea, QSplitter, QTabWidget,
    QToolButton, QTreeView, QVBoxLayout, QWidget,
)

from par_desktop.domain.par_index import RISK_LABELS, SET_STATE_LABELS, STATE_LABELS, vn_percent, vn_points
from par_desktop.domain.text import ui_date
from par_desktop.errors import UserError
from par_desktop.services.par_index import scoring as S
from par_desktop.ui import export as ui_export
from par_desktop.ui.context import AppContext
from par_desktop.ui.errors import show_error, show_message
from par_desktop.ui.models.index_model import NODE_ROLE, IndexFilterModel, IndexTreeModel, state_text
from par_desktop.ui.operations import LatestLoad
from par_desktop.ui.status_style import AMBER, GREEN, RED, badge_stylesheet, state_color
from par_desktop.ui.widgets.panels import note_label
from par_desktop.ui.widgets.period_picker import refill_units
from par_desktop.ui.widgets.table import Column, DataTableView, RowTableModel

CRITERIA_FILES = "Bảng chỉ số (*.xlsx *.xls *.csv)"
APPRAISAL_FILES = "Kết quả thẩm định (*.xlsx *.xls *.csv)"
EVIDENCE_FILES = ("Tài liệu kiểm chứng (*.pdf *.doc *.docx *.odt *.rtf *.txt *.xls *.xlsx *.ods *.csv *.ppt *.pptx "
                  "*.odp *.jpg *.jpeg *.png *.gif *.tif *.tiff *.bmp *.webp *.heic *.zip *.rar *.7z)")


def _points(value) -> str:
    return vn_points(value, blank="—")


def _task_text(task) -> str:
    due = f", hạn {ui_date(task.due)}" if task.due else ""
    return f"{task.ref}: {task.status_label}{due}"


def _task_state(status: str) -> str:
    return {"overdue": "overdue", "done_late": "late", "at_risk": "at_risk", "done_on_time": "on_time"}.get(status,
                                                                                                            "in_progress")


# ---- the tables of the other tabs ----------------------------------------------------------------------------

def _risk_columns() -> list[Column]:
    return [Column("Mã", lambda n: n.path, width=70), Column("Tiêu chí thành phần", lambda n: n.title, width=320),
            Column("Đơn vị chủ trì", lambda n: n.unit, width=170),
            Column("Tối đa", lambda n: n.max_points, display=lambda n: _points(n.max_points), width=60),
            Column("Có nguy cơ mất", lambda n: n.at_risk, display=lambda n: vn_points(n.at_risk),
                   foreground=lambda n: AMBER, width=90),
            Column("Lý do", lambda n: "; ".join(RISK_LABELS[r] for r in n.risk_reasons), width=360)]


def _unit_columns() -> list[Column]:
    return [Column("Phòng, đơn vị chủ trì", lambda u: u.unit, width=230),
            Column("Số tiêu chí", lambda u: u.criteria, width=80),
            Column("Điểm tối đa", lambda u: u.max_points, display=lambda u: vn_points(u.max_points), width=80),
            Column("Đang giữ", lambda u: u.held, display=lambda u: vn_points(u.held), foreground=lambda u: GREEN,
                   width=80),
            Column("Có nguy cơ mất", lambda u: u.at_risk, display=lambda u: vn_points(u.at_risk),
                   foreground=lambda u: AMBER if u.at_risk else None, width=100),
            Column("Đã mất", lambda u: u.lost, display=lambda u: vn_points(u.lost),
                   foreground=lambda u: RED if u.lost else None, width=70)]


def _lost_columns() -> list[Column]:
    return [Column("Mã", lambda r: r.path, width=70), Column("Tiêu chí (năm nay)", lambda r: r.title, width=300),
            Column("Mất năm trước", lambda r: r.lost, display=lambda r: vn_points(r.lost), foreground=lambda r: RED,
                   width=90),
            Column("Đơn vị chủ trì", lambda r: r.unit, width=160),
            Column("Nhiệm vụ năm nay khắc phục", lambda r: "; ".join(_task_text(t) for t in r.tasks)
                   or "Chưa gắn nhiệm vụ nào",
                   foreground=lambda r: RED if any(t.status in ("overdue", "done_late") for t in r.tasks)
                   else AMBER if not r.tasks or any(t.status == "at_risk" for t in r.tasks) else GREEN, width=420)]


def _difference_columns() -> list[Column]:
    return [Column("Mã", lambda d: d.path, width=70), Column("Tiêu chí", lambda d: d.title, width=300),
            Column("Đơn vị", lambda d: d.unit, width=150),
            Column("Tự đánh giá", lambda d: d.self_points, display=lambda d: _points(d.self_points), width=80),
            Column("Thẩm định", lambda d: d.appraised_points, display=lambda d: _points(d.appraised_points), width=80),
            Column("Chênh lệch", lambda d: d.delta, display=lambda d: vn_points(d.delta),
                   foreground=lambda d: RED if d.delta < 0 else GREEN, width=80),
            Column("Lý do", lambda d: d.reason or "(chưa ghi lý do)", width=360)]


def _chart_view(title: str) -> QChartView:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(2, 2, 2, 2))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(230)
    return view


def _scrolled(view: QChartView) -> QScrollArea:
    """A chart in a scroll area: it keeps the height its labels need while the tab shrinks to fit a small
    screen (1366×768 at 150 %)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setMinimumHeight(60)
    area.setWidget(view)
    return area


def fill_held_chart(view: QChartView, labels: list[str], held: list[float], at_risk: list[float],
                    lost: list[float]) -> None:
    """Stacked horizontal bars: held (green), at risk (amber), lost (red) — the legend names each colour."""
    chart = view.chart()
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
    series = QHorizontalStackedBarSeries()
    for name, values, color in (("Đang giữ", held, GREEN), ("Có nguy cơ mất", at_risk, AMBER), ("Đã mất", lost, RED)):
        bars = QBarSet(name)
        bars.setColor(color)
        bars.append([round(v, 2) for v in values])
        series.append(bars)
    chart.addSeries(series)
    names = QBarCategoryAxis()
    names.setTruncateLabels(False)
    names.append([label if len(label) <= 24 else label[:23] + "…" for label in labels])
    values = QValueAxis()
    values.setLabelFormat("%g")
    values.setMin(0)
    chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(names)
    series.attachAxis(values)
    values.applyNiceNumbers()


class Figure(QFrame):
    """A big number with its label (the at-risk figures)."""

    def __init__(self, label: str, color, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("—")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setStyleSheet(f"color: {color.name()};")
        self.label = QLabel(label)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.value)
        layout.addWidget(self.label)


# ---- the detail panel ----------------------------------------------------------------------------------------

class CriterionPanel(QWidget):
    """The selected row: facts, linked tasks, metric, evidence and the score."""

    def __init__(self, page: ParIndexPage):
        super().__init__(page)
        self.page = page
        self.node: S.ScoreNode | None = None
        self.setObjectName("criterionPanel")
        self.setMinimumWidth(290)
        self.heading = QLabel("Chọn một tiêu chí để xem chi tiết")
        self.heading.setObjectName("criterionHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.badge = QLabel()
        self.badge.setObjectName("criterionBadge")
        self.badge.hide()
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = {name: QLabel() for name in ("state", "max", "unit", "coordinators", "deadline", "metric", "last",
                                                  "guidance", "evidence_required", "steps")}
        for label in self.facts.values():
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        self.form = form
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)   # narrow panel (150 %): value under label
        for name, text in (("state", "Tình trạng"), ("max", "Điểm tối đa"), ("unit", "Đơn vị chủ trì"), ("coordinators", "Phối hợp"),
                           ("deadline", "Hạn nộp TLKC"), ("metric", "Tự tính"), ("last", "Năm trước"),
                           ("steps", "Mức điểm"), ("guidance", "Hướng dẫn chấm"), ("evidence_required", "TLKC yêu cầu")):
            form.addRow(f"{text}:", self.facts[name])
        self.tasks = QListWidget()
        self.tasks.setObjectName("linkedTasks")
        self.tasks.setWordWrap(True)
        self.tasks.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tasks.setMaximumHeight(78)
        self.tasks.itemDoubleClicked.connect(self._open_task)
        self.edit_button = QPushButton("Sửa tiêu chí…")
        self.edit_button.setObjectName("editCriterion")
        self.edit_button.clicked.connect(lambda: self.page.edit_criterion(self.node))

        self.evidence = QListWidget()
        self.evidence.setObjectName("evidenceList")
        self.evidence.setWordWrap(True)
        self.evidence.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.evidence.setMaximumHeight(96)
        self.evidence.itemDoubleClicked.connect(lambda _item: self.page.open_evidence(self._evidence_id()))
        self.add_file = QPushButton("Thêm tệp…")
        self.add_file.setObjectName("addEvidenceFile")
        self.add_file.clicked.connect(lambda: self.page.add_evidence_files(self.node))
        self.add_doc = QToolButton()
        self.add_doc.setText("Văn bản…")
        self.add_doc.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_doc)
        menu.addAction("Văn bản trong sổ của phần mềm…", lambda: self.page.add_evidence_document(self.node, True))
        menu.addAction("Văn bản bên ngoài…", lambda: self.page.add_evidence_document(self.node, False))
        self.add_doc.setMenu(menu)
        self.open_evidence = QPushButton("Mở")
        self.open_evidence.clicked.connect(lambda: self.page.open_evidence(self._evidence_id()))
        self.save_evidence = QPushButton("Lưu…")
        self.save_evidence.clicked.connect(lambda: self.page.save_evidence(self._evidence_id()))
        self.remove_evidence = QPushButton("Gỡ")
        self.remove_evidence.clicked.connect(lambda: self.page.remove_evidence(self.node, self._evidence_id()))
        evidence_buttons = QGridLayout()
        evidence_buttons.addWidget(self.add_file, 0, 0)
        evidence_buttons.addWidget(self.add_doc, 0, 1)
        evidence_buttons.addWidget(self.open_evidence, 1, 0)
        evidence_buttons.addWidget(self.save_evidence, 1, 1)
        evidence_buttons.addWidget(self.remove_evidence, 2, 0)
        evidence_buttons.setColumnStretch(2, 1)

        self.self_points = QLineEdit()
        self.self_points.setObjectName("selfPoints")
        self.self_points.setPlaceholderText("ví dụ 0,5")
        self.self_points.setMaximumWidth(90)
        self.self_note = QPlainTextEdit()
        self.self_note.setObjectName("selfNote")
        self.self_note.setPlaceholderText("Giải trình (căn cứ chấm điểm)")
        self.self_note.setMaximumHeight(60)
        self.self_note.setTabChangesFocus(True)
        self.save_score = QPushButton("Lưu điểm")
        self.save_score.setObjectName("saveScore")
        self.save_score.clicked.connect(lambda: self.page.save_self_score(self.node, self.self_points.text(),
                                                                          self.self_note.toPlainText()))
        self.submit_button = QPushButton("Gửi Văn phòng")
        self.submit_button.setObjectName("submitScore")
        self.submit_button.clicked.connect(lambda: self.page.submit(self.node))
        self.accept_button = QPushButton("Chấp nhận")
        self.accept_button.setObjectName("acceptScore")
        self.accept_button.clicked.connect(lambda: self.page.review(self.node, True))
        self.return_button = QPushButton("Trả lại…")
        self.return_button.setObjectName("returnScore")
        self.return_button.clicked.connect(lambda: self.page.review(self.node, False))
        self.review_note = QLabel()
        self.review_note.setWordWrap(True)
        score_row = QHBoxLayout()
        score_row.addWidget(QLabel("Tự chấm:"))
        score_row.addWidget(self.self_points)
        score_row.addWidget(self.save_score)
        score_row.addStretch(1)
        review_row = QHBoxLayout()
        review_row.addWidget(self.submit_button)
        review_row.addWidget(self.accept_button)
        review_row.addWidget(self.return_button)
        review_row.addStretch(1)
        self.appraised_points = QLineEdit()
        self.appraised_points.setObjectName("appraisedPoints")
        self.appraised_points.setMaximumWidth(90)
        self.appraisal_reason = QLineEdit()
        self.appraisal_reason.setObjectName("appraisalReason")
        self.appraisal_reason.setPlaceholderText("Lý do chênh lệch")
        self.save_appraisal = QPushButton("Lưu điểm thẩm định")
        self.save_appraisal.setObjectName("saveAppraisal")
        self.save_appraisal.clicked.connect(lambda: self.page.save_appraised(self.node, self.appraised_points.text(),
                                                                            self.appraisal_reason.text()))
        appraisal_row = QGridLayout()
        appraisal_row.addWidget(QLabel("Thẩm định:"), 0, 0)
        appraisal_row.addWidget(self.appraised_points, 0, 1)
        appraisal_row.addWidget(self.appraisal_reason, 1, 0, 1, 3)
        appraisal_row.addWidget(self.save_appraisal, 2, 0, 1, 2)
        appraisal_row.setColumnStretch(2, 1)
        self.score_box = QWidget()
        score_layout = QVBoxLayout(self.score_box)
        score_layout.setContentsMargins(0, 0, 0, 0)
        score_layout.addLayout(score_row)
        score_layout.addWidget(self.self_note)
        score_layout.addWidget(self.review_note)
        score_layout.addLayout(review_row)
        self.appraisal_box = QWidget()
        appraisal_layout = QVBoxLayout(self.appraisal_box)
        appraisal_layout.setContentsMargins(0, 0, 0, 0)
        appraisal_layout.addLayout(appraisal_row)

        body = QWidget()
        self.body = body
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.title)
        inner.addLayout(form)
        tasks_label = QLabel("<b>Nhiệm vụ kế hoạch phục vụ tiêu chí</b> (nhấp đúp để mở):")
        tasks_label.setWordWrap(True)
        inner.addWidget(tasks_label)
        inner.addWidget(self.tasks)
        inner.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignLeft)
        inner.addWidget(QLabel("<b>Tài liệu kiểm chứng</b>"))
        inner.addWidget(self.evidence)
        inner.addLayout(evidence_buttons)
        self.score_heading = QLabel("<b>Điểm</b>")
        inner.addWidget(self.score_heading)
        inner.addWidget(self.score_box)
        inner.addWidget(self.appraisal_box)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(scroll, 1)
        self.show_node(None)

    def _evidence_id(self) -> int | None:
        item = self.evidence.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _open_task(self, item: QListWidgetItem) -> None:
        task_id = item.data(Qt.ItemDataRole.UserRole)
        if task_id is not None:
            self.page.ctx.open_page("tasks", {"task_id": task_id})

    def show_node(self, node: S.ScoreNode | None, evidence=()) -> None:
        self.node = node
        self.body.setVisible(node is not None)
        if node is None:
            self.heading.setText("Chọn một tiêu chí để xem chi tiết")
            self.badge.hide()
            return
        page, ctx = self.page, self.page.ctx
        level = ("Lĩnh vực", "Tiêu chí", "Tiêu chí thành phần")[min(node.level, 2)]
        self.heading.setText(f"{node.path} · {level}")
        text = state_text(node)
        self.badge.setText(text.split("; ")[0])
        self.badge.setStyleSheet(badge_stylesheet("overdue" if node.red_flag else "at_risk" if node.at_risk else
                                                  "done" if node.state == "accepted" else "in_progress"))
        self.badge.setVisible(bool(text))
        self.title.setText(node.title)
        f = self.facts
        reasons = "; ".join(RISK_LABELS[r] for r in node.risk_reasons)
        f["state"].setText(text + (f" ({reasons})" if reasons and node.is_leaf else "") if text else "—")
        f["max"].setText(_points(node.max_points) + ("" if node.kind == "normal" else
                                                     (" (điểm thưởng)" if node.kind == "bonus" else " (điểm trừ)")))
        f["unit"].setText(node.unit or ("Chưa giao đơn vị" if node.is_leaf else "—"))
        f["coordinators"].setText(", ".join(node.coordinators) or "—")
        f["deadline"].setText(ui_date(node.evidence_deadline) or "—")
        if node.metric:
            f["metric"].setText(f"{vn_percent(node.metric_value)} → {_points(node.computed_points)} điểm "
                                f"(thang: {node.bands})")
        else:
            f["metric"].setText("—")
        f["last"].setText(_points(node.last_year_points) + (f", mất {vn_points(node.last_year_lost)} điểm"
                                                            if node.last_year_lost else ""))
        if not node.is_leaf:
            leaves = [n for n in node.walk() if n.is_leaf]
            f["steps"].setText(f"{len(leaves)} tiêu chí thành phần; tự chấm {_points(node.self_points)}, thẩm định "
                               f"{_points(node.appraised_points)}; có nguy cơ mất {vn_points(node.at_risk)}, đã mất "
                               f"{vn_points(node.lost)}; {sum(1 for n in leaves if n.red_flag)} tiêu chí thiếu TLKC")
        if node.is_leaf:
            f["steps"].setText(node.score_steps or "mọi giá trị từ 0 đến điểm tối đa")
        for name in ("unit", "coordinators", "deadline", "metric", "guidance", "evidence_required"):
            self.form.setRowVisible(self.facts[name], node.is_leaf or name == "guidance" and bool(node.guidance))
        self.form.labelForField(self.facts["steps"]).setText("Mức điểm:" if node.is_leaf else "Tổng hợp:")
        f["guidance"].setText(node.guidance or "—")
        f["evidence_required"].setText(node.evidence_required or "—")
        self.tasks.clear()
        tasks = {t.id: t for n in node.walk() for t in n.tasks}.values() if not node.is_leaf else node.tasks
        for task in tasks:
            item = QListWidgetItem(f"{_task_text(task)} — {task.content}")
            item.setData(Qt.ItemDataRole.UserRole, task.id)
            item.setForeground(state_color(_task_state(task.status)))
            item.setToolTip(task.content)
            self.tasks.addItem(item)
        if not tasks:
            self.tasks.addItem("Chưa gắn nhiệm vụ nào")
        self.evidence.clear()
        for piece in evidence:
            item = QListWidgetItem(f"[{piece.kind_label}] {piece.describe()}")
            item.setData(Qt.ItemDataRole.UserRole, piece.id)
            item.setToolTip(f"Phục vụ: {', '.join(piece.codes)}\nThêm bởi {piece.created_by}")
            self.evidence.addItem(item)
        if self.evidence.count():
            self.evidence.setCurrentRow(0)
        locked = page.report is not None and page.report.state == "locked"
        office = ctx.can("index")
        scorer = page.can_score(node)
        attach = page.can_attach(node)
        self.edit_button.setVisible(office and not locked)
        for widget in (self.add_file, self.add_doc, self.remove_evidence):
            widget.setVisible(node.is_leaf and attach and (office or not locked))
        self.open_evidence.setEnabled(self.evidence.count() > 0)
        self.save_evidence.setEnabled(self.evidence.count() > 0)
        self.score_box.setVisible(node.is_leaf)
        self.score_heading.setVisible(node.is_leaf)
        self.self_points.setText(vn_points(node.self_points))
        self.self_note.setPlainText(node.self_note)
        editable = scorer and not locked and (office or node.state not in ("submitted", "accepted"))
        for widget in (self.self_points, self.self_note, self.save_score):
            widget.setEnabled(editable)
        self.submit_button.setVisible(scorer and not office and not locked)
        self.submit_button.setEnabled(node.self_points is not None and node.state in ("draft", "returned"))
        self.accept_button.setVisible(office and not locked and node.state == "submitted")
        self.return_button.setVisible(office and not locked and node.state in ("submitted", "accepted"))
        note = []
        if node.state:
            note.append(STATE_LABELS[node.state])
        if node.review_note:
            note.append(f"Văn phòng: {node.review_note}")
        self.review_note.setText(" — ".join(note))
        self.appraisal_box.setVisible(node.is_leaf and (locked or node.appraised_points is not None))
        self.appraised_points.setText(vn_points(node.appraised_points))
        self.appraisal_reason.setText(node.appraisal_reason)
        for widget in (self.appraised_points, self.appraisal_reason, self.save_appraisal):
            widget.setEnabled(office and locked)


# ---- the page ------------------------------------------------------------------------------------------------

class ParIndexPage(QWidget):
    """Chỉ số CCHC. ``today`` fixes the day risks are computed for (tests, screenshots); default today."""

    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, today: date | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._today = today
        self.report: S.ScoreReport | None = None
        self.loading = False
        self.loads = LatestLoad(self)   # the year chosen last wins
        self._selected_id: int | None = None
        self._unit_codes: dict[int, str] = {}
        self._evidence: dict[int, list] = {}
        self._retype: tuple[int, dict] | None = None     # typing kept after a conflict, put back after the reload
        self._after_load = None                          # e.g. reopen the criterion editor after a conflict
        self.operation = None

        self.year = QComboBox()
        self.year.setObjectName("indexYear")
        self.year.currentIndexChanged.connect(lambda _i: self._year_changed())
        self.state_badge = QLabel()
        self.state_badge.setObjectName("setState")
        self.example_label = QLabel()
        self.example_label.setObjectName("exampleLabel")
        self.example_label.setStyleSheet(f"color: {RED.name()}; font-style: italic;")
        self.example_label.setWordWrap(True)
        self.totals = QLabel()
        self.totals.setObjectName("indexTotals")
        self.totals.setWordWrap(True)
        self.totals.setTextFormat(Qt.TextFormat.RichText)

        self.import_button = QPushButton("Nhập bộ chỉ số…")
        self.import_button.setToolTip("Nhập bảng chỉ số của tỉnh (Excel) cho năm đang chọn (Ctrl+I)")
        self.import_button.clicked.connect(self.start_import)
        self.set_menu_button = QToolButton()
        self.set_menu_button.setObjectName("setMenu")
        self.set_menu_button.setText("Bộ chỉ số")
        self.set_menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        set_menu = QMenu(self.set_menu_button)
        self.copy_action = set_menu.addAction("Tạo bộ chỉ số năm sau từ năm này", self.copy_to_next_year)
        self.compare_action = set_menu.addAction("So với năm trước…", self.show_changes)
        set_menu.addSeparator()
        self.accept_all_action = set_menu.addAction("Chấp nhận mọi điểm đơn vị đã gửi", self.accept_all)
        self.lock_action = set_menu.addAction("Khóa (đã gửi kết quả tự đánh giá)", self.lock)
        self.unlock_action = set_menu.addAction("Mở khóa…", self.unlock)
        set_menu.addSeparator()
        self.appraisal_action = set_menu.addAction("Nhập kết quả thẩm định…", self.import_appraisal)
        self.final_action = set_menu.addAction("Ghi chỉ số CCHC tỉnh công bố…", self.set_final_index)
        self.set_menu_button.setMenu(set_menu)
        self.export_button = QToolButton()
        self.export_button.setObjectName("exportMenu")
        self.export_button.setText("Xuất")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        export_menu = QMenu(self.export_button)
        export_menu.addAction("Bảng tự đánh giá (.xlsx)…", self.export)
        export_menu.addAction("Gói tài liệu kiểm chứng (.zip)…", self.export_pack)
        self.report_action = export_menu.addAction("Báo cáo tự đánh giá (Word/PDF)…",
                                                   lambda: self.export_document("self_assessment"))
        self.review_action = export_menu.addAction("Bảng điểm bị mất và tờ trình đề xuất (Word/PDF)…",
                                                   lambda: self.export_document("index_review"))
        self.export_button.setMenu(export_menu)
        office = ctx.can("index")
        self.import_button.setVisible(office)
        self.set_menu_button.setVisible(True)
        for action in (self.copy_action, self.accept_all_action, self.lock_action, self.unlock_action,
                       self.appraisal_action, self.final_action):
            action.setVisible(office)
        for action in (self.report_action, self.review_action):
            action.setVisible(ctx.can("documents"))

        self.search = QLineEdit()
        self.search.setObjectName("indexSearch")
        self.search.setPlaceholderText("Tìm tiêu chí (mã, nội dung, đơn vị; có dấu hoặc không dấu)")
        self.search.setClearButtonEnabled(True)
        self.view = QComboBox()
        self.view.setObjectName("indexView")
        for label, key in IndexFilterModel.VIEWS:
            self.view.addItem(label, key)
        self.unit = QComboBox()
        self.unit.setObjectName("indexUnit")
        self.unit.addItem("Mọi đơn vị", None)

        top = QHBoxLayout()
        top.addWidget(QLabel("Năm"))
        top.addWidget(self.year)
        top.addWidget(self.state_badge)
        top.addStretch(1)
        top.addWidget(self.import_button)
        top.addWidget(self.set_menu_button)
        top.addWidget(self.export_button)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.view, 1)
        filters.addWidget(self.unit, 1)

        self.model = IndexTreeModel(self)
        self.proxy = IndexFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.tree = QTreeView()
        self.tree.setObjectName("indexTree")
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(14)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((96, 240, 48, 66, 54, 58, 66, 42, 130, 170)):
            self.tree.setColumnWidth(column, width)
        self.tree.selectionModel().currentRowChanged.connect(lambda current, _prev: self._selected(current))
        self.tree.doubleClicked.connect(lambda index: self.edit_criterion(self.proxy.data(index, NODE_ROLE))
                                        if ctx.can("index") else None)
        self.search.textChanged.connect(self._filter)
        self.view.currentIndexChanged.connect(lambda _i: self._filter())
        self.unit.currentIndexChanged.connect(lambda _i: self._filter())

        self.panel = CriterionPanel(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("indexSplitter")
        splitter.addWidget(self.tree)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([820, 480])
        tree_tab = QWidget()
        tree_layout = QVBoxLayout(tree_tab)
        tree_layout.setContentsMargins(0, 4, 0, 0)
        tree_layout.addLayout(filters)
        tree_layout.addWidget(splitter, 1)

        # points at risk now
        self.figures = {"at_risk": Figure("điểm có nguy cơ mất", AMBER), "lost": Figure("điểm đã mất", RED),
                        "held": Figure("điểm đang giữ", GREEN), "missing": Figure("tiêu chí có điểm nhưng thiếu TLKC", RED)}
        figures = QGridLayout()
        for column, key in enumerate(("at_risk", "lost", "held", "missing")):
            figures.addWidget(self.figures[key], 0, column)
        self.reasons = QLabel()
        self.reasons.setObjectName("riskReasons")
        self.reasons.setWordWrap(True)
        self.area_chart = _chart_view("Điểm theo lĩnh vực: đang giữ, có nguy cơ mất, đã mất")
        self.risk_table = DataTableView(RowTableModel(_risk_columns(), key=lambda n: n.id), export_name="diem-co-nguy-co")
        self.risk_table.setObjectName("riskTable")
        self.risk_table.activated.connect(self.select_criterion)
        risk_split = QSplitter(Qt.Orientation.Vertical)
        risk_split.setObjectName("riskSplitter")
        risk_split.addWidget(_scrolled(self.area_chart))
        risk_split.addWidget(self.risk_table)
        risk_split.setSizes([270, 200])
        risk_tab = QWidget()
        risk_layout = QVBoxLayout(risk_tab)
        risk_layout.addLayout(figures)
        risk_layout.addWidget(self.reasons)
        risk_layout.addWidget(risk_split, 1)

        self.unit_table = DataTableView(RowTableModel(_unit_columns(), key=lambda u: u.unit_id), export_name="chi-so-theo-don-vi")
        self.unit_table.setObjectName("unitTable")
        self.unit_table.activated.connect(self._show_unit)
        self.unit_chart = _chart_view("Điểm theo phòng, đơn vị chủ trì")
        unit_split = QSplitter(Qt.Orientation.Vertical)
        unit_split.setObjectName("unitSplitter")
        unit_split.addWidget(self.unit_table)
        unit_split.addWidget(_scrolled(self.unit_chart))
        unit_split.setSizes([220, 320])
        unit_tab = QWidget()
        unit_layout = QVBoxLayout(unit_tab)
        unit_layout.addWidget(note_label("Điểm các tiêu chí thành phần mỗi đơn vị chủ trì: đang giữ, có nguy cơ mất "
                                         "(nhiệm vụ chậm, chỉ tiêu chưa đạt, thiếu tài liệu kiểm chứng) và đã mất. "
                                         "Nhấp đúp một đơn vị để xem các tiêu chí của đơn vị đó."))
        unit_layout.addWidget(unit_split, 1)

        self.lost_note = note_label()
        self.lost_table = DataTableView(RowTableModel(_lost_columns(), key=lambda r: r.path), export_name="mat-diem-nam-truoc")
        self.lost_table.setObjectName("lostTable")
        self.lost_table.activated.connect(lambda row: self._select_path(row.path))
        lost_tab = QWidget()
        lost_layout = QVBoxLayout(lost_tab)
        lost_layout.addWidget(self.lost_note)
        lost_layout.addWidget(self.lost_table, 1)

        self.difference_table = DataTableView(RowTableModel(_difference_columns(), key=lambda d: d.path),
                                              export_name="chenh-lech-tham-dinh")
        self.difference_table.setObjectName("differenceTable")
        self.difference_table.activated.connect(lambda row: self._select_path(row.path))

        self.tabs = QTabWidget()
        self.tabs.setObjectName("indexTabs")
        self.tabs.addTab(tree_tab, "Cây tiêu chí")
        self.tabs.addTab(risk_tab, "Điểm có nguy cơ")
        self.tabs.addTab(unit_tab, "Theo đơn vị")
        self.tabs.addTab(lost_tab, "Năm trước mất điểm")
        self.tabs.addTab(self.difference_table, "Chênh lệch thẩm định")

        self.empty_note = note_label()
        self.empty_note.setObjectName("emptyNote")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.example_label)
        layout.addWidget(self.totals)
        layout.addWidget(self.empty_note)
        layout.addWidget(self.tabs, 1)
        self.risk_table.remember(ctx, "index.risk")
        self.unit_table.remember(ctx, "index.units")
        self.lost_table.remember(ctx, "index.lost")
        self.difference_table.remember(ctx, "index.differences")

    # ---- loading -----------------------------------------------------------------------------------------

    def today(self) -> date:
        return self._today or date.today()

    def current_year(self) -> int | None:
        return self.year.currentData()

    def refresh(self) -> None:
        """The years, then the chosen year's report in the background (the latest request wins)."""
        from par_desktop.services import org
        from par_desktop.services.database import translated_errors
        from par_desktop.services.par_index import criteria

        with translated_errors():
            years = criteria.years()
            units = org.units()
        self._unit_codes = {u.id: u.short_code for u in units}
        chosen = self.current_year()
        self.year.blockSignals(True)
        self.year.clear()
        for year in years:
            self.year.addItem(str(year), year)
        if years:
            self.year.setCurrentIndex(max(0, self.year.findData(chosen if chosen in years else years[0])))
        self.year.blockSignals(False)
        refill_units(self.unit, units)
        self._load()

    def _year_changed(self) -> None:
        self._selected_id = None
        self._load()

    def _load(self) -> None:
        from par_desktop.services.par_index import evidence

        year = self.current_year()
        if year is None:
            self.loads.drop_running()
            self.report = None
            self._show_empty()
            self.loaded.emit()
            return
        self.loading = True
        self.totals.setText(f"Đang tính điểm năm {year}…")
        today = self.today()

        def work():
            return S.score_report(year, today), S.differences(year), evidence.list_evidence(year)

        def failed(exc) -> None:
            self.loading = False
            self.totals.setText("")
            show_error(self, exc)
            self.loaded.emit()

        self.loads.run(work, lambda result: self._show(*result), failed)

    def _show_empty(self) -> None:
        self.loading = False
        self.model.set_roots([])
        self.tabs.setEnabled(False)
        self.state_badge.hide()
        self.example_label.hide()
        self.totals.setText("")
        text = "Chưa có bộ chỉ số CCHC nào."
        if self.ctx.can("index"):
            text += " Hãy nhập bảng chỉ số của tỉnh (nút «Nhập bộ chỉ số…» hoặc Ctrl+I)."
        self.empty_note.setText(text)
        self.empty_note.show()
        self.panel.show_node(None)

    def _show(self, report: S.ScoreReport, differences: list[S.Difference], pieces) -> None:
        self.loading = False
        self.report = report
        self._evidence = {}
        for piece in pieces:
            for criterion_id in piece.criterion_ids:
                self._evidence.setdefault(criterion_id, []).append(piece)
        self.tabs.setEnabled(True)
        self.empty_note.hide()
        self.state_badge.setText(SET_STATE_LABELS.get(report.state, report.state))
        self.state_badge.setStyleSheet(badge_stylesheet("done" if report.state == "locked" else "in_progress"))
        self.state_badge.show()
        self.example_label.setText("Bộ chỉ số MINH HỌA (dữ liệu mẫu), không phải bảng chính thức của tỉnh."
                                   if report.is_example else "")
        self.example_label.setToolTip(report.title)
        self.example_label.setVisible(report.is_example)
        self.totals.setText(self._totals_text(report))
        self.model.set_roots(report.roots)
        self.tree.expandToDepth(0)
        self._filter()
        self._fill_risk(report)
        self._fill_units(report)
        lost = report.lost_last_year()
        self.lost_table.set_rows(lost)
        self.lost_note.setText(
            f"Các tiêu chí năm {report.last_year} bị mất điểm (theo điểm thẩm định) và nhiệm vụ của kế hoạch năm "
            f"{report.year} được gắn để khắc phục. Tổng điểm mất năm trước: "
            f"{vn_points(sum(r.lost for r in lost))}." if report.last_year else
            "Chưa có bộ chỉ số năm trước để so sánh.")
        self.difference_table.set_rows(differences)
        self.tabs.setTabText(4, f"Chênh lệch thẩm định ({len(differences)})")
        self.tabs.setTabText(1, f"Điểm có nguy cơ ({vn_points(report.at_risk_total)})")
        self._reselect()
        self._put_back_typing()
        self.loaded.emit()
        if self._after_load is not None:
            after, self._after_load = self._after_load, None
            after()

    def _totals_text(self, report: S.ScoreReport) -> str:
        parts = [f"Tối đa <b>{vn_points(report.max_total)}</b>",
                 f"Tự đánh giá <b>{_points(report.self_total)}</b> ({vn_percent(report.index_of(report.self_total))})",
                 f"Tự tính {_points(report.computed_total)}",
                 f"Thẩm định <b>{_points(report.appraised_total)}</b>"
                 + (f" ({vn_percent(report.index_of(report.appraised_total))})" if report.appraised_total is not None else ""),
                 f"<span style='color:{AMBER.name()}'>Có nguy cơ mất {vn_points(report.at_risk_total)}</span>",
                 f"<span style='color:{RED.name()}'>Đã mất {vn_points(report.lost_total)}</span>"]
        if report.final_index is not None:
            parts.append(f"Chỉ số tỉnh công bố <b>{vn_percent(report.final_index)}</b>")
        return " · ".join(parts)

    def _fill_risk(self, report: S.ScoreReport) -> None:
        leaves = report.leaves()
        self.figures["at_risk"].value.setText(vn_points(report.at_risk_total))
        self.figures["at_risk"].label.setText(f"điểm có nguy cơ mất ({len(report.risky())} tiêu chí)")
        self.figures["lost"].value.setText(vn_points(report.lost_total))
        self.figures["held"].value.setText(vn_points(round(sum(n.held for n in leaves), 6)))
        self.figures["missing"].value.setText(str(sum(1 for n in leaves if n.red_flag)))
        reasons = report.risk_by_reason()
        self.reasons.setText("Theo lý do: " + "; ".join(f"{RISK_LABELS[k]}: {vn_points(v)} điểm"
                                                         for k, v in reasons.items() if v) if any(reasons.values())
                             else "Không có điểm nào đang có nguy cơ mất.")
        areas = [r for r in report.roots if r.kind == "normal"]
        fill_held_chart(self.area_chart, [a.path for a in areas][::-1],
                        [a.held for a in areas][::-1], [a.at_risk for a in areas][::-1],
                        [a.lost for a in areas][::-1])
        self.area_chart.setToolTip("\n".join(f"{a.path}. {a.title}: đang giữ {vn_points(a.held)}, có nguy cơ mất "
                                             f"{vn_points(a.at_risk)}, đã mất {vn_points(a.lost)}" for a in areas))
        self.risk_table.set_rows(sorted(report.risky(), key=lambda n: -n.at_risk))

    def _fill_units(self, report: S.ScoreReport) -> None:
        units = report.by_unit()
        self.unit_table.set_rows(units)
        codes = [self._unit_codes.get(u.unit_id, "?") for u in units]
        self.unit_chart.setToolTip("\n".join(f"{code}: {u.unit}" for code, u in zip(codes, units)))
        fill_held_chart(self.unit_chart, codes[::-1], [u.held for u in units][::-1],
                        [u.at_risk for u in units][::-1], [u.lost for u in units][::-1])

    # ---- selection and filters ------------------------------------------------------------------------------

    def _filter(self) -> None:
        self.proxy.set_search(self.search.text())
        self.proxy.set_view(self.view.currentData(), self.unit.currentData())
        if self.view.currentData() != "all" or self.search.text() or self.unit.currentData() is not None:
            self.tree.expandAll()

    def _selected(self, index) -> None:
        node = self.proxy.data(index, NODE_ROLE) if index.isValid() else None
        self._selected_id = node.id if node is not None else None
        self.panel.show_node(node, self._evidence_of(node) if node is not None else ())

    def _evidence_of(self, node: S.ScoreNode) -> list:
        """A sub-criterion's evidence; for a parent, every piece of its subtree once."""
        seen: dict[int, object] = {}
        for leaf in (n for n in node.walk() if n.is_leaf):
            for piece in self._evidence.get(leaf.id, []):
                seen.setdefault(piece.id, piece)
        return list(seen.values())

    def _reselect(self) -> None:
        wanted = self._selected_id
        source = self.model.index_of(wanted) if wanted is not None else self.model.index(0, 0)
        index = self.proxy.mapFromSource(source)
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)
        self._selected(self.tree.currentIndex())

    def select_criterion(self, node) -> None:
        self._select_path(node.path)

    def _select_path(self, path: str) -> None:
        if self.report is None:
            return
        node = next((n for n in self.report.nodes() if n.path == path), None)
        if node is None:
            return
        self.tabs.setCurrentIndex(0)
        self.search.clear()
        self.view.setCurrentIndex(0)
        self._selected_id = node.id
        self._reselect()

    def _show_unit(self, figures) -> None:
        self.tabs.setCurrentIndex(0)
        self.unit.setCurrentIndex(max(0, self.unit.findData(figures.unit_id)))

    def can_score(self, node: S.ScoreNode) -> bool:
        return self.ctx.can("index") or (self.ctx.can("index_self") and node.unit_id is not None
                                         and node.unit_id == self.ctx.actor.unit_id)

    def can_attach(self, node: S.ScoreNode) -> bool:
        return self.can_score(node) or (self.ctx.can("index_self") and self.ctx.actor.unit_id in node.coordinator_ids)

    # ---- page hooks ------------------------------------------------------------------------------------------

    def apply_search(self, text: str) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setText(text)

    def navigate_to(self, payload) -> None:
        """{"year": 2024, "path": "III.2.1"} or {"view": "risk"}."""
        payload = payload or {}
        if payload.get("year") is not None:
            self.year.setCurrentIndex(max(0, self.year.findData(payload["year"])))
        if payload.get("view"):
            self.view.setCurrentIndex(max(0, self.view.findData(payload["view"])))
        if payload.get("path"):
            self._select_path(payload["path"])

    def export(self) -> None:
        """Ctrl+E: the self-assessment table of the year."""
        from par_desktop.services.par_index import outputs
        from par_desktop.ui.operations import run_operation

        year = self.current_year()
        if year is None:
            return
        path = ui_export.ask_save_path(self, "Xuất bảng tự đánh giá", f"bang-tu-danh-gia-chi-so-cchc-{year}.xlsx")
        if path is None:
            return
        today = self.today()
        self.operation = run_operation(self, "Xuất bảng tự đánh giá",
                                       lambda _p: outputs.export_self_assessment(year, path, today),
                                       lambda written: self.ctx.status_message.emit(f"Đã xuất {written}"),
                                       cancellable=False)

    def export_pack(self) -> None:
        from par_desktop.services.par_index import evidence
        from par_desktop.ui.operations import run_operation

        year = self.current_year()
        if year is None:
            return
        path = ui_export.ask_save_path(self, "Gói tài liệu kiểm chứng", f"tai-lieu-kiem-chung-chi-so-cchc-{year}.zip",
                             file_filter="Tệp nén (*.zip)", suffix=".zip")
        if path is None:
            return

        def done(result) -> None:
            self.ctx.status_message.emit(f"Đã ghi {result.path}")
            show_message(self, "Gói tài liệu kiểm chứng",
                         f"Đã ghi {result.path}: {result.files} tệp trong {result.codes} thư mục theo mã, kèm danh mục.")

        self.operation = run_operation(self, "Ghi gói tài liệu kiểm chứng",
                                       lambda progress: evidence.write_pack(year, path, progress), done)

    def export_document(self, kind: str) -> None:
        from par_desktop.services import documents
        from par_desktop.ui.operations import run_operation

        year = self.current_year()
        if year is None or not self.ctx.can("documents"):
            return
        request = documents.DocRequest(kind=kind, year=year, today=self.today())
        path = ui_export.ask_save_path(self, documents.KIND_NAMES[kind], documents.suggested_name(request) + ".docx",
                             file_filter="Văn bản Word (*.docx);;PDF (*.pdf)", suffix="")
        if path is None:
            return
        if path.suffix.lower() not in (".docx", ".pdf"):
            path = path.with_name(path.name + ".docx")
        actor = self.ctx.actor
        self.operation = run_operation(self, documents.KIND_NAMES[kind],
                                       lambda progress: documents.generate(actor, request, path, progress=progress),
                                       lambda result: self.ctx.status_message.emit(f"Đã ghi {result.path}"),
                                       cancellable=False)

    def show_changes(self) -> None:
        from par_desktop.services.par_index import criteria
        from par_desktop.ui.dialogs.index_dialogs import ChangesDialog

        year = self.current_year()
        if year is None:
            return
        if criteria.set_for_year(year - 1) is None:
            show_message(self, "So với năm trước", f"Chưa có bộ chỉ số năm {year - 1} để so sánh.")
            return
        try:
            changes = criteria.compare_years(year - 1, year)
        except UserError as exc:
            show_error(self, exc)
            return
        ChangesDialog(year - 1, year, changes, self).exec()

    # ---- writes (every change through the services, then the page reloads) -------------------------------------

    def _write(self, work, *, done: str = "", versioned: bool = False, version=None, edit=None,
               on_reload=None) -> bool:
        """One change through ``ui.saving.save`` (conflicts settled with the clerk, errors shown, every open
        view told); then the page reloads. ``versioned``: ``work(version)`` with the record's ``version``
        (None: no row yet, or the clerk chose to overwrite)."""
        from par_desktop.ui.saving import save

        def saved(_value) -> None:
            if done:
                self.ctx.status_message.emit(done)
            self._load()

        if not versioned:
            return bool(save(self, self.ctx, work, on_saved=saved))
        return bool(save(self, self.ctx, work, version=version, edit=edit, on_saved=saved, on_reload=on_reload))

    def save_self_score(self, node, points: str, note: str) -> None:
        from par_desktop.domain.par_index import parse_points
        from par_desktop.ui.saving import Edit

        if node is None:
            return
        try:
            typed = parse_points(points)
        except UserError:
            typed = points          # the service names the bad value
        edit = Edit(base={"self_points": node.self_points, "self_note": node.self_note},
                    mine={"self_points": typed, "self_note": note.strip()},
                    labels={"self_points": "Điểm tự đánh giá", "self_note": "Giải trình"},
                    formats={"self_points": lambda v: vn_points(v) if isinstance(v, float) else str(v or "")})
        self._write(lambda version: S.set_self_score(self.ctx.actor, node.id, points.strip() or None, note, version),
                    versioned=True, version=node.assessment_version, edit=edit,
                    done=f"Đã lưu điểm tiêu chí {node.path}", on_reload=lambda kept: self._reload_typing(node.id, kept))

    def _reload_typing(self, criterion_id: int, kept: dict) -> None:
        """"Tải lại" after a conflict: the stored scores come back, the clerk's other typing is put back."""
        self._retype = (criterion_id, kept)
        self._load()

    def _put_back_typing(self) -> None:
        if self._retype is None or self.panel.node is None or self.panel.node.id != self._retype[0]:
            return
        kept, self._retype = self._retype[1], None
        if "self_points" in kept:
            value = kept["self_points"]
            self.panel.self_points.setText(vn_points(value) if isinstance(value, float) else str(value or ""))
        if "self_note" in kept:
            self.panel.self_note.setPlainText(kept["self_note"])

    def submit(self, node) -> None:
        if node is not None:
            self._write(lambda: S.submit(self.ctx.actor, [node.id]), done=f"Đã gửi tiêu chí {node.path} cho Văn phòng")

    def review(self, node, accept: bool) -> None:
        from par_desktop.ui.dialogs.index_dialogs import TextDialog

        if node is None:
            return
        note = ""
        if not accept:
            dialog = TextDialog("Trả lại điểm tự đánh giá", f"Lý do trả lại tiêu chí {node.path} cho đơn vị:", self,
                                ok="Trả lại")
            if not dialog.exec():
                return
            note = dialog.value()
        self._write(lambda version: S.review(self.ctx.actor, node.id, accept=accept, note=note, expected_version=version),
                    versioned=True, version=node.assessment_version, on_reload=lambda _kept: self._load())

    def save_appraised(self, node, points: str, reason: str) -> None:
        if node is not None:
            self._write(lambda version: S.set_appraised(self.ctx.actor, node.id, points.strip() or None, reason,
                                                        version),
                        versioned=True, version=node.assessment_version, on_reload=lambda _kept: self._load())

    def accept_all(self) -> None:
        year = self.current_year()
        if year is not None:
            self._write(lambda: S.accept_submitted(self.ctx.actor, year))

    def lock(self) -> None:
        from par_desktop.ui.errors import ask_yes_no

        year = self.current_year()
        if year is None or not ask_yes_no(self, "Khóa bộ chỉ số", f"Khóa bộ chỉ số năm {year} (đã gửi kết quả tự đánh "
                                          "giá)? Sau khi khóa không ai sửa được điểm tự đánh giá.", yes="Khóa"):
            return
        self._write(lambda: S.lock(self.ctx.actor, year), done=f"Đã khóa bộ chỉ số năm {year}")

    def unlock(self) -> None:
        from par_desktop.ui.dialogs.index_dialogs import TextDialog

        year = self.current_year()
        if year is None:
            return
        dialog = TextDialog("Mở khóa bộ chỉ số", f"Lý do mở khóa bộ chỉ số năm {year}:", self, ok="Mở khóa")
        if dialog.exec():
            self._write(lambda: S.unlock(self.ctx.actor, year, dialog.value()))

    def set_final_index(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        from par_desktop.services.par_index import criteria

        year = self.current_year()
        if year is None:
            return
        text, ok = QInputDialog.getText(self, "Chỉ số CCHC tỉnh công bố", f"Chỉ số CCHC năm {year} (%), ví dụ 85,5:")
        if ok:
            self._write(lambda: criteria.update_set(self.ctx.actor, year, final_index=text.strip() or None))

    def copy_to_next_year(self) -> None:
        from par_desktop.services.par_index import criteria

        year = self.current_year()
        if year is None:
            return

        def work():
            result = criteria.copy_from_previous(self.ctx.actor, year + 1, year)
            self._selected_id = None
            return result

        if self._write(work, done=f"Đã tạo bộ chỉ số năm {year + 1} từ năm {year}"):
            self.refresh()
            self.year.setCurrentIndex(max(0, self.year.findData(year + 1)))

    def edit_criterion(self, node, kept: dict | None = None) -> None:
        """Sửa tiêu chí; after a conflict "Tải lại" reopens it on the stored row with ``kept`` typed in again."""
        from par_desktop.services import org
        from par_desktop.services.par_index import criteria, metrics
        from par_desktop.services.tasks import views as task_views
        from par_desktop.ui.dialogs.index_dialogs import CRITERION_LABELS, CriterionDialog
        from par_desktop.ui.saving import Edit

        if node is None or not self.ctx.can("index") or self.report is None or self.report.state == "locked":
            return
        year = self.report.year
        units = [(u.id, u.name) for u in org.units()]
        views = task_views.list_tasks(task_views.TaskFilters(year=year), self.today())
        task_rows = [(v.id, f"{v.ref} — {v.content[:90]}") for v in views]
        dialog = CriterionDialog(node, units, task_rows, {t.id for t in node.tasks},
                                 [(m.key, m.name) for m in metrics.metrics()], self, kept=kept)
        if not dialog.exec():
            return
        changes = dialog.changes()
        if not changes:
            return
        unit_names = dict(units)
        edit = Edit(base=dialog.stored(), mine=dialog.typed(), labels=CRITERION_LABELS,
                    formats={"unit": lambda v: unit_names.get(v, "—")})

        def reopen(kept_values: dict) -> None:
            self._selected_id = node.id
            self._after_load = lambda: self.edit_criterion(self.panel.node, kept_values)
            self._load()

        self._write(lambda version: criteria.update_criterion(self.ctx.actor, node.id, version, **changes),
                    versioned=True, version=node.criterion_version, edit=edit, on_reload=reopen,
                    done=f"Đã sửa tiêu chí {node.path}")

    # ---- evidence --------------------------------------------------------------------------------------------

    def add_evidence_files(self, node) -> None:
        """Each chosen file stored as evidence on a worker thread; one that is refused stops the rest (the
        ones before it stay stored, and the list shows them)."""
        from par_desktop.services.par_index import evidence
        from par_desktop.ui.saving import save

        if node is None or self.report is None:
            return
        paths = ui_export.ask_open_paths(self, f"Tài liệu kiểm chứng cho tiêu chí {node.path}", EVIDENCE_FILES)
        if not paths:
            return
        year, actor = self.report.year, self.ctx.actor

        def work(progress):
            for done, path in enumerate(paths):
                progress.check_cancelled()
                progress.report(done, len(paths), f"Đang lưu {path.name}")
                evidence.add_file(actor, year, [node.id], path)
            return len(paths)

        def finished(count) -> None:
            self.ctx.status_message.emit(f"Đã thêm {count} tài liệu kiểm chứng cho tiêu chí {node.path}")
            self._load()

        self.operation = save(self, self.ctx, work, background="Lưu tài liệu kiểm chứng", on_saved=finished,
                              on_failed=self._load)

    def add_evidence_document(self, node, register: bool) -> None:
        from par_desktop.services.par_index import evidence
        from par_desktop.ui.dialogs.index_dialogs import ExternalDocumentDialog

        if node is None or self.report is None:
            return
        dialog = ExternalDocumentDialog(self, register=register)
        if not dialog.exec():
            return
        values, year, actor = dialog.values(), self.report.year, self.ctx.actor
        if register:
            self._write(lambda: evidence.add_register(actor, year, [node.id], values["number"]))
        else:
            self._write(lambda: evidence.add_external(actor, year, [node.id], values["text"], number=values["number"],
                                                      doc_date=values["doc_date"], issuer=values["issuer"]))

    def remove_evidence(self, node, evidence_id: int | None) -> None:
        from par_desktop.services.par_index import evidence
        from par_desktop.ui.errors import ask_yes_no

        if node is None or evidence_id is None:
            return
        if ask_yes_no(self, "Gỡ tài liệu kiểm chứng", f"Gỡ tài liệu này khỏi tiêu chí {node.path}? Tài liệu không còn "
                      "phục vụ tiêu chí nào sẽ bị xóa.", yes="Gỡ", no="Không"):
            self._write(lambda: evidence.unlink(self.ctx.actor, evidence_id, node.id))

    def _evidence_file(self, evidence_id: int | None) -> tuple[str, bytes] | None:
        from par_desktop.services.par_index import evidence

        if evidence_id is None:
            return None
        try:
            return evidence.content(evidence_id)
        except UserError as exc:
            show_error(self, exc)
            return None

    def open_evidence(self, evidence_id: int | None) -> None:
        """Open a copy with the PC's program — documents, sheets and pictures only (an archive is offered
        for saving instead: ``services.evidence_files``)."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from par_desktop.services import evidence_files

        found = self._evidence_file(evidence_id)
        if found is None:
            return
        try:
            path = evidence_files.copy_for_opening(*found)
        except UserError as exc:
            show_error(self, exc)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def save_evidence(self, evidence_id: int | None) -> None:
        """Save a copy of a stored file where the clerk chooses (its own name and type)."""
        from par_desktop.windows import explain_write_error

        found = self._evidence_file(evidence_id)
        if found is None:
            return
        name, content = found
        suffix = Path(name).suffix.lower()
        path = ui_export.ask_save_path(self, "Lưu tài liệu kiểm chứng", name,
                                       file_filter=f"Tệp {suffix} (*{suffix})" if suffix else "Mọi tệp (*)", suffix=suffix)
        if path is None:
            return
        try:
            path.write_bytes(content)
        except OSError as exc:
            show_error(self, explain_write_error(path, exc))
            return
        self.ctx.status_message.emit(f"Đã lưu {path}")

    # ---- imports ---------------------------------------------------------------------------------------------

    def start_import(self) -> None:

        if not self.ctx.can("index"):
            return
        paths = ui_export.ask_open_paths(self, "Nhập bộ chỉ số của tỉnh", CRITERIA_FILES)
        if paths:
            self.import_criteria(paths[0])

    def import_criteria(self, path: Path, year: int | None = None) -> None:
        from PySide6.QtWidgets import QInputDialog

        from par_desktop.services.par_index import criteria
        from par_desktop.ui.saving import save

        if year is None:
            default = self.current_year() or self.today().year
            year, ok = QInputDialog.getInt(self, "Nhập bộ chỉ số", f"Bộ chỉ số của năm ({Path(path).name}):", default,
                                           2000, 2100)
            if not ok:
                return
        actor = self.ctx.actor
        self.operation = save(self, self.ctx, lambda progress: criteria.import_criteria(actor, path, year),
                              background="Nhập bộ chỉ số", on_saved=self._imported)

    def _imported(self, result) -> None:
        from par_desktop.ui.dialogs.index_dialogs import ChangesDialog

        self.refresh()
        self.year.setCurrentIndex(max(0, self.year.findData(result.year)))
        lines = [f"Đã nhập {result.count} tiêu chí của bộ chỉ số năm {result.year}."]
        lines += [f"- {w}" for w in result.warnings[:12]]
        if len(result.warnings) > 12:
            lines.append(f"… và {len(result.warnings) - 12} cảnh báo khác.")
        if result.compared_with is not None:
            lines.append(f"So với năm {result.compared_with}: {len(result.changes)} thay đổi.")
        self.ctx.status_message.emit(lines[0])
        show_message(self, "Đã nhập bộ chỉ số", "\n".join(lines), warning=bool(result.warnings))
        if result.compared_with is not None and result.changes:
            ChangesDialog(result.compared_with, result.year, result.changes, self).exec()

    def import_appraisal(self) -> None:
        from par_desktop.ui.saving import save

        year = self.current_year()
        if year is None or not self.ctx.can("index"):
            return
        paths = ui_export.ask_open_paths(self, f"Kết quả thẩm định năm {year}", APPRAISAL_FILES)
        if not paths:
            return
        actor = self.ctx.actor

        def done(result) -> None:
            self._load()
            lines = [f"Đã ghi điểm thẩm định {result.count} tiêu chí; {len(result.differences)} tiêu chí khác điểm tự "
                     "đánh giá (xem thẻ «Chênh lệch thẩm định»).", *(f"- {w}" for w in result.warnings)]
            show_message(self, "Kết quả thẩm định", "\n".join(lines), warning=bool(result.warnings))
            self.tabs.setCurrentIndex(4)

        self.operation = save(self, self.ctx, lambda progress: S.import_appraisal(actor, year, paths[0]),
                              background="Nhập kết quả thẩm định", on_saved=done)
