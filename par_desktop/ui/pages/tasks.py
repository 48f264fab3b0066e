"""Nhiệm vụ: the plan's tasks with filters, colours by status, a detail panel (progress history with
evidence files, periods and units, step procedures), the per-unit view, editing, progress reports and
the plan import (Ctrl+I, or a .docx/.xlsx dropped on the window).

Choosing a unit in the filter lists the tasks that unit leads (or owes, for tasks of every unit), with
that unit's own status; the "Theo đơn vị" tab counts each unit's tasks by status (double-click a unit
to list its tasks).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QUrl, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox, QFileDialog, QFormLayout, QHBoxLayout, QInputDialog, QLabel, QListWidget,
    QListWidgetItem, QProgressBar, QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from par_desktop.domain.text import PERCENT_SIGN, ui_date, vn_number
from par_desktop.errors import InvalidInput, UserError
from par_desktop.services import database, evidence_files, org, steps
from par_desktop.services.tasks import editing as task_editing
from par_desktop.services.tasks import obligations, plan_import
from par_desktop.services.tasks import status as task_statuses
from par_desktop.services.tasks import views as task_views
from par_desktop.ui.context import AppContext
from par_desktop.ui.dialogs.task_dialogs import (
    DateDialog, ProgressDialog, StepProcessDialog, TaskDialog, ask_plan_import_options, date_edit, from_qdate,
    plan_import_summary, plan_import_work, to_qdate,
)
from par_desktop.ui.errors import ask_yes_no, show_error, show_message
from par_desktop.ui import export as ui_export
from par_desktop.ui.models.tasks_model import (
    OccurrenceTableModel, ReportTableModel, StepTableModel, TaskTableModel, UnitSummaryModel, units_text,
)
from par_desktop.ui import shortcuts
from par_desktop.ui.operations import run_operation
from par_desktop.ui.permissions import gate, refusal, report_refusal
from par_desktop.ui.saving import save
from par_desktop.ui.status_style import badge_stylesheet
from par_desktop.ui.widgets.filter_bar import ALL, FilterBar
from par_desktop.ui.widgets.panels import note_label
from par_desktop.ui.widgets.table import DataTableView, select_only_row

PLAN_FILES = "Kế hoạch (*.docx *.xlsx)"


class DueRange(QWidget):
    """"Hạn từ … đến …": a date range filter on the task's (next) due date, off until ticked."""

    def __init__(self, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.check = QCheckBox("Hạn từ")
        self.check.setObjectName("dueRangeCheck")
        self.first = date_edit(today)
        self.last = date_edit(today + timedelta(days=14))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.first)
        layout.addWidget(QLabel("đến"))
        layout.addWidget(self.last)
        self.first.setEnabled(False)
        self.last.setEnabled(False)
        self.check.toggled.connect(self.first.setEnabled)
        self.check.toggled.connect(self.last.setEnabled)

    def set_range(self, first: date, last: date) -> None:
        self.first.setDate(to_qdate(first))
        self.last.setDate(to_qdate(last))
        self.check.setChecked(True)

    def accepts(self, view: task_views.TaskView) -> bool:
        if not self.check.isChecked():
            return True
        due = view.next_due or view.due_date
        return due is not None and from_qdate(self.first.date()) <= due <= from_qdate(self.last.date())


class TaskDetailPanel(QWidget):
    """The selected task: its facts, progress history with evidence files, periods/units and steps."""

    def __init__(self, page: TasksPage):
        super().__init__(page)
        self.page = page
        self.detail: task_views.TaskDetail | None = None
        self.setObjectName("taskDetail")
        self.title = QLabel("Chọn một nhiệm vụ để xem chi tiết")
        self.title.setObjectName("taskTitle")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.badge = QLabel()
        self.badge.setObjectName("statusBadge")
        self.badge.hide()
        self.content = QLabel()
        self.content.setWordWrap(True)
        self.content.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lead_label, self.coord_label, self.due_label = QLabel(), QLabel(), QLabel()
        self.recurrence_label, self.note_label = QLabel(), QLabel()
        for label in (self.lead_label, self.coord_label, self.due_label, self.note_label):
            label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setFormat("%p" + PERCENT_SIGN)
        form = QFormLayout()
        form.addRow("Đơn vị chủ trì:", self.lead_label)
        form.addRow("Đơn vị phối hợp:", self.coord_label)
        form.addRow("Thời hạn:", self.due_label)
        form.addRow("Định kỳ:", self.recurrence_label)
        form.addRow("Tiến độ:", self.progress)
        form.addRow("Ghi chú:", self.note_label)

        self.edit_button = QPushButton("Sửa…")
        self.edit_button.clicked.connect(lambda: self.page.edit_task(self.current()))
        self.report_button = QPushButton("Báo cáo tiến độ…")
        self.report_button.clicked.connect(lambda: self.page.report_progress(self.current()))
        self.delete_button = QPushButton("Xóa")
        self.delete_button.clicked.connect(lambda: self.page.delete_task(self.current()))
        buttons = QHBoxLayout()
        for button in (self.edit_button, self.report_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.reports = DataTableView(ReportTableModel(), export_name="tien-do-nhiem-vu")
        self.reports.setObjectName("reportsTable")
        self.attachments = QListWidget()
        self.attachments.setObjectName("attachments")
        self.attachments.setMaximumHeight(70)
        self.attachments.itemDoubleClicked.connect(lambda _item: self.open_attachment())
        self.open_button = QPushButton("Mở tệp")
        self.open_button.clicked.connect(self.open_attachment)
        self.save_button = QPushButton("Lưu tệp…")
        self.save_button.clicked.connect(lambda: self.save_attachment())
        self.reports.current_changed.connect(self._show_attachments)
        reports_tab = QWidget()
        reports_layout = QVBoxLayout(reports_tab)
        reports_layout.addWidget(self.reports, 1)
        files_row = QHBoxLayout()
        files_row.addWidget(QLabel("Tệp minh chứng của báo cáo đang chọn:"))
        files_row.addStretch(1)
        files_row.addWidget(self.open_button)
        files_row.addWidget(self.save_button)
        reports_layout.addLayout(files_row)
        reports_layout.addWidget(self.attachments)

        self.occurrences = DataTableView(OccurrenceTableModel(), export_name="nhiem-vu-theo-ky")
        self.occurrences.setObjectName("occurrencesTable")
        self.steps = DataTableView(StepTableModel(), export_name="quy-trinh-cac-buoc")
        self.steps.setObjectName("stepsTable")
        self.steps.activated.connect(lambda row: self.page.complete_step(row[1]))
        self.new_process_button = QPushButton("Thêm quy trình chia bước…")
        self.new_process_button.clicked.connect(lambda: self.page.new_process(self.current()))
        self.complete_step_button = QPushButton("Ghi ngày hoàn thành bước…")
        self.complete_step_button.clicked.connect(
            lambda: self.steps.current_row() and self.page.complete_step(self.steps.current_row()[1]))
        self.late_label = QLabel()
        self.late_label.setObjectName("lateSteps")
        self.late_label.setWordWrap(True)
        steps_tab = QWidget()
        steps_layout = QVBoxLayout(steps_tab)
        steps_layout.addWidget(self.late_label)
        steps_layout.addWidget(self.steps, 1)
        step_buttons = QHBoxLayout()
        step_buttons.addWidget(self.new_process_button)
        step_buttons.addWidget(self.complete_step_button)
        step_buttons.addStretch(1)
        steps_layout.addLayout(step_buttons)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailTabs")
        self.tabs.addTab(reports_tab, "Lịch sử tiến độ")
        self.tabs.addTab(self.occurrences, "Theo kỳ, đơn vị")
        self.tabs.addTab(steps_tab, "Quy trình các bước")

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.badge)
        self.facts = QWidget()
        facts_layout = QVBoxLayout(self.facts)
        facts_layout.setContentsMargins(0, 0, 0, 0)
        facts_layout.addWidget(self.content)
        facts_layout.addLayout(form)
        facts_layout.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.facts)
        layout.addWidget(self.tabs, 1)
        self.show_detail(None)

    def current(self) -> task_views.TaskView | None:
        return self.detail.task if self.detail else None

    def show_detail(self, detail: task_views.TaskDetail | None) -> None:
        self.detail = detail
        ctx = self.page.ctx
        self.facts.setVisible(detail is not None)
        self.tabs.setVisible(detail is not None)
        if detail is None:
            self.title.setText("Chọn một nhiệm vụ để xem chi tiết")
            self.badge.hide()
            for view in (self.reports, self.occurrences):
                view.set_rows([])
            self.steps.model.set_processes(())
            return
        task = detail.task
        self.title.setText(f"{task.ref} · {task_statuses.KIND_LABELS.get(task.kind, '')}")
        self.badge.setText(task.status_label)
        self.badge.setStyleSheet(badge_stylesheet(task.status))
        self.badge.show()
        self.content.setText(task.content)
        self.lead_label.setText(units_text(task.lead_units, "Tất cả các phòng, đơn vị (mỗi đơn vị báo cáo riêng)"))
        self.coord_label.setText(units_text(task.coordinating_units, "Các phòng, đơn vị có liên quan") or "—")
        if task.recurrence:
            due = f"{task.deadline_text} — mỗi kỳ có hạn riêng"
            if task.next_due:
                due += f"; kỳ gần nhất chưa xong: hạn {ui_date(task.next_due)}"
        else:
            due = f"{task.deadline_text} → hạn {ui_date(task.due_date)}" if task.due_date else task.deadline_text
            if task.due_overridden:
                due += " (ngày do Văn phòng chọn)"
        if task.completed_on:
            due += f"; hoàn thành {ui_date(task.completed_on)}"
        self.due_label.setText(due)
        self.recurrence_label.setText(task_statuses.RECURRENCE_LABELS[task.recurrence] or "Không")
        self.progress.setValue(task.progress_percent)
        self.note_label.setText(task.note or "—")
        self.reports.set_rows(detail.reports)
        if detail.reports and self.reports.current_row() is None:
            select_only_row(self.reports.table, 0)
        self.occurrences.set_rows(detail.occurrences)
        self.tabs.setTabText(1, f"Theo kỳ, đơn vị ({vn_number(len(detail.occurrences))})")
        self.steps.model.set_processes(detail.processes)
        late = [f"«{s.name}» — {s.unit_name} (chậm {s.days_late} ngày làm việc)"
                for p in detail.processes for s in p.late_steps]
        self.late_label.setText(("Bước làm chậm: " + "; ".join(late)) if late else
                                ("Chưa có quy trình chia bước cho nhiệm vụ này." if not detail.processes else
                                 "Không bước nào bị chậm."))
        self.late_label.setStyleSheet(badge_stylesheet("overdue" if late else "in_progress") if detail.processes else "")
        actor = ctx.actor
        for button in (self.edit_button, self.delete_button, self.new_process_button):
            gate(button, refusal(actor, "tasks"))
        gate(self.report_button, report_refusal(actor, task))
        gate(self.complete_step_button, refusal(actor, "progress"))
        self._show_attachments(self.reports.current_row())

    def _show_attachments(self, report) -> None:
        self.attachments.clear()
        for attachment_id, name, size in (report.attachments if report else ()):
            item = QListWidgetItem(f"{name} ({vn_number(max(1, size // 1024))} KB)")
            item.setData(Qt.ItemDataRole.UserRole, attachment_id)
            self.attachments.addItem(item)
        has = self.attachments.count() > 0
        if has:
            self.attachments.setCurrentRow(0)
        self.open_button.setEnabled(has)
        self.save_button.setEnabled(has)

    def _attachment(self) -> tuple[str, bytes] | None:
        item = self.attachments.currentItem()
        if item is None:
            return None
        try:
            return task_views.attachment_content(item.data(Qt.ItemDataRole.UserRole))
        except UserError as exc:
            show_error(self, exc)
            return None

    def open_attachment(self) -> None:
        """Open a copy from the app's temporary folder; a type that could run is offered for saving."""
        found = self._attachment()
        if found is None:
            return
        name, content = found
        if not evidence_files.can_open(name):
            if ask_yes_no(self, "Không mở trực tiếp", evidence_files.refusal_message(name), yes="Lưu…", no="Hủy"):
                self.save_attachment(found)
            return
        try:
            path = evidence_files.copy_for_opening(name, content)
        except UserError as exc:
            show_error(self, exc)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def save_attachment(self, found: tuple[str, bytes] | None = None) -> None:
        found = found or self._attachment()
        if found is None:
            return
        name, content = found
        chosen, _ = QFileDialog.getSaveFileName(self, "Lưu tệp minh chứng", str(Path.home() / name))
        if chosen:
            try:
                Path(chosen).write_bytes(content)
            except OSError as exc:
                show_error(self, InvalidInput(f"Không ghi được tệp {chosen}: {exc.strerror or exc}."))


class TasksPage(QWidget):
    """Nhiệm vụ. ``today`` fixes the day statuses are computed for (tests, screenshots); default: today."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, today: date | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._today = today
        self._loaded_unit: int | None = None
        self._views: list[task_views.TaskView] = []
        self.operation = None
        # A unit account starts on its own unit's tasks (the clerk may still choose "Tất cả").
        self._own_unit_first = ctx.actor.role == "unit" and ctx.actor.unit_id is not None

        self.model = TaskTableModel(self.today)
        self.table = DataTableView(self.model, export_name="nhiem-vu")
        self.table.setObjectName("tasksTable")
        self.table.no_match_text = "Không có nhiệm vụ phù hợp với bộ lọc."
        self.filter_bar = FilterBar(placeholder="Tìm nhiệm vụ (nội dung, mục, đơn vị…; có dấu hoặc không dấu)")
        self.filter_bar.add_combo("unit", "Đơn vị", [], lambda _v, _u: True)
        self.filter_bar.add_combo("status", "Trạng thái",
                                  [(task_statuses.STATUS_LABELS[s], s) for s in task_statuses.STATUSES],
                                  lambda v, s: v.status == s)
        self.filter_bar.add_combo("recurrence", "Định kỳ",
                                  [("Không định kỳ", "none")] + [(label, key) for key, label in
                                                                  task_statuses.RECURRENCE_LABELS.items() if key],
                                  lambda v, r: (v.recurrence is None) if r == "none" else v.recurrence == r)
        self.filter_bar.add_combo("kind", "Loại", [(label, key) for key, label in task_statuses.KIND_LABELS.items()],
                                  lambda v, k: v.kind == k)
        self.filter_bar.add_combo("year", "Năm", [], lambda v, y: v.year == y)
        self.filter_bar.add_combo("plan", "Kế hoạch", [], lambda v, plan_id: v.plan_id == plan_id)
        self.due_range = DueRange(self.today())
        self.filter_bar.add_predicate(self.due_range.accepts)
        self.filter_bar.clear_button.clicked.connect(self.clear_filters)
        for widget in (self.due_range.check, self.due_range.first, self.due_range.last):
            signal = widget.toggled if widget is self.due_range.check else widget.dateChanged
            signal.connect(self.filter_bar.notify)
        self.filter_bar.changed.connect(self._filters_changed)
        self.filter_bar.attach(self.table)

        self.new_button = QPushButton("Thêm nhiệm vụ")
        self.new_button.setToolTip("Thêm nhiệm vụ (Ctrl+N)")
        self.new_button.clicked.connect(self.new_record)
        self.report_button = QPushButton("Báo cáo tiến độ…")
        self.report_button.clicked.connect(lambda: self.report_progress(self.table.current_row()))
        self.import_button = QPushButton("Nhập kế hoạch…")
        self.import_button.setToolTip("Nhập bảng nhiệm vụ của kế hoạch từ tệp Word hoặc Excel (Ctrl+I)")
        self.import_button.clicked.connect(self.start_import)
        self.obligations_button = QPushButton("Tạo nhiệm vụ định kỳ")
        self.obligations_button.setToolTip("Các nhiệm vụ định kỳ trong nội dung kế hoạch: báo cáo hằng tháng, "
                                           "kiểm tra danh mục TTHC, báo cáo Sở Nội vụ, rà soát 10% TTHC")
        self.obligations_button.clicked.connect(self.create_obligations)
        gate(self.new_button, refusal(ctx.actor, "tasks"))
        gate(self.import_button, refusal(ctx.actor, "import"))
        gate(self.obligations_button, refusal(ctx.actor, "tasks"))
        gate(self.report_button, refusal(ctx.actor, "progress"))
        actions = QHBoxLayout()
        for button in (self.new_button, self.report_button, self.import_button, self.obligations_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.due_range)

        self.detail = TaskDetailPanel(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("tasksSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([860, 520])

        self.summary = DataTableView(UnitSummaryModel(), export_name="nhiem-vu-theo-don-vi")
        self.summary.setObjectName("unitSummaryTable")
        self.summary.activated.connect(self.show_unit)
        summary_tab = QWidget()
        summary_layout = QVBoxLayout(summary_tab)
        hint = note_label("Số nhiệm vụ mỗi đơn vị chủ trì (hoặc phải thực hiện, với nhiệm vụ giao tất cả các đơn vị) "
                      "theo trạng thái. Nhấp đúp một đơn vị để xem danh sách nhiệm vụ của đơn vị đó.")
        summary_layout.addWidget(hint)
        summary_layout.addWidget(self.summary, 1)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tasksTabs")
        self.tabs.addTab(splitter, "Danh sách nhiệm vụ")
        self.tabs.addTab(summary_tab, "Theo đơn vị")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.filter_bar)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)

        self.table.current_changed.connect(self._task_selected)
        self.table.activated.connect(self.edit_task if ctx.can("tasks") else self.report_progress)
        self.table.add_action("Báo cáo tiến độ…", lambda rows: self.report_progress(rows[0]),
                              shortcut=shortcuts.REPORT_PROGRESS,
                              refusal=lambda rows: report_refusal(ctx.actor, rows[0]))
        self.table.add_action("Sửa nhiệm vụ…", lambda rows: self.edit_task(rows[0]), shortcut=shortcuts.EDIT,
                              refusal=lambda _rows: refusal(ctx.actor, "tasks"))
        self.table.add_action("Xóa nhiệm vụ", lambda rows: self.delete_task(rows[0]), shortcut=shortcuts.DELETE,
                              refusal=lambda _rows: refusal(ctx.actor, "tasks"))
        self.report_button.setToolTip(f"Báo cáo tiến độ nhiệm vụ đang chọn ({shortcuts.REPORT_PROGRESS})")
        self.table.remember(ctx, "tasks.list")
        self.summary.remember(ctx, "tasks.units")
        self.filter_bar.remember(ctx, "tasks")

    # ---- data --------------------------------------------------------------------------------------

    def today(self) -> date:
        return self._today or date.today()

    def selected_unit(self) -> int | None:
        value = self.filter_bar.value("unit")
        return None if value is ALL else value

    def refresh(self) -> None:
        unit_id = self.selected_unit()
        today = self.today()
        with database.translated_errors():
            units = org.units()
            years = task_views.years()
            plans = task_views.list_plans()
            self._views = task_views.list_tasks(task_views.TaskFilters(unit_id=unit_id, unit_role="lead"), today)
            summary = task_views.summary_by_unit(today)
        self._loaded_unit = unit_id
        self.filter_bar.set_options("unit", [(u.name, u.id) for u in units])
        if self._own_unit_first:
            self._own_unit_first = False
            if unit_id != self.ctx.actor.unit_id and any(u.id == self.ctx.actor.unit_id for u in units):
                self.filter_bar.set_value("unit", self.ctx.actor.unit_id)   # -> refresh() with the unit's tasks
                return
        self.filter_bar.set_options("year", [(str(y), y) for y in years])
        self.filter_bar.set_options("plan", [(p.number or f"{p.title[:40]} ({p.year})", p.id) for p in plans])
        self.model.set_rows(self._views)
        self.summary.set_rows(summary)
        if self.table.current_row() is None and self.detail.current() is None and self.table.visible_count():
            select_only_row(self.table.table, 0)   # show the first task's details rather than an empty panel
        self._reload_detail()

    def _filters_changed(self) -> None:
        if self.selected_unit() != self._loaded_unit:
            self.refresh()

    def _reload_detail(self) -> None:
        current = self.detail.current()
        row = self.table.current_row()
        task_id = row.id if row is not None else (current.id if current is not None else None)
        self._task_selected(row if row is not None else None, task_id=task_id)

    def _task_selected(self, view, task_id: int | None = None) -> None:
        gate(self.report_button, report_refusal(self.ctx.actor, view) if view is not None
             else refusal(self.ctx.actor, "progress"))
        task_id = view.id if view is not None else task_id
        if task_id is None:
            self.detail.show_detail(None)
            return
        try:
            self.detail.show_detail(task_views.task_detail(task_id, self.today()))
        except UserError:
            self.detail.show_detail(None)

    def clear_filters(self) -> None:
        """"Xóa lọc": the search, the combos and the due range."""
        self.due_range.check.setChecked(False)
        self.filter_bar.clear()

    def show_unit(self, summary_row) -> None:
        """From the per-unit view: list that unit's tasks."""
        self.filter_bar.set_value("unit", summary_row.unit_id)
        self.tabs.setCurrentIndex(0)

    # ---- hooks of the main window ---------------------------------------------------------------------

    def apply_search(self, text: str) -> None:
        self.tabs.setCurrentIndex(0)
        self.filter_bar.set_text(text)

    def startup_notices(self) -> list[str]:
        return task_views.startup_notice_lines(self.today())

    def navigate_to(self, payload) -> None:
        """From the dashboard: {"status": …, "unit_id": …, "due_within": days, "task_id": …}."""
        payload = payload or {}
        self.clear_filters()
        self.tabs.setCurrentIndex(0)
        if payload.get("unit_id") is not None:
            self.filter_bar.set_value("unit", payload["unit_id"])
        if payload.get("status"):
            self.filter_bar.set_value("status", payload["status"])
        if payload.get("due_within") is not None:
            self.due_range.set_range(self.today(), self.today() + timedelta(days=int(payload["due_within"])))
        if payload.get("task_id") is not None:
            self.table.select_key(payload["task_id"])

    def new_record(self) -> None:
        if not self.ctx.can("tasks"):
            return
        dialog = TaskDialog(self.ctx, None, self, today=self.today())
        saved = dialog.exec() and dialog.saved_id is not None
        dialog.deleteLater()   # an editor is not kept as a hidden child of the page
        if saved:
            self.refresh()
            self.table.select_key(dialog.saved_id)

    # ---- actions ------------------------------------------------------------------------------------

    def edit_task(self, view) -> None:
        if view is None or not self.ctx.can("tasks"):
            return
        try:
            fresh = task_views.get_task(view.id, self.today())
        except UserError as exc:
            show_error(self, exc)
            self.refresh()
            return
        dialog = TaskDialog(self.ctx, fresh, self, today=self.today())
        saved = dialog.exec()
        dialog.deleteLater()
        if saved:
            self.refresh()
            self.table.select_key(view.id)

    def report_progress(self, view) -> None:
        if view is None:
            return
        refused = report_refusal(self.ctx.actor, view)
        if refused:
            show_message(self, "Báo cáo tiến độ", refused, warning=True)
            return
        try:
            detail = task_views.task_detail(view.id, self.today())
        except UserError as exc:
            show_error(self, exc)
            return
        dialog = ProgressDialog(self.ctx, detail, self, today=self.today())
        saved = dialog.exec()
        dialog.deleteLater()
        if saved:
            self.refresh()
            self.table.select_key(view.id)

    def delete_task(self, view) -> None:
        if view is None or not self.ctx.can("tasks"):
            return
        if not ask_yes_no(self, "Xóa nhiệm vụ", f"Xóa nhiệm vụ {view.ref} cùng toàn bộ báo cáo tiến độ và tệp minh "
                                                 "chứng của nó? Không hoàn tác được (trừ khi khôi phục bản sao lưu).",
                          yes="Xóa", no="Không xóa"):
            return
        if save(self, self.ctx, lambda version: task_editing.delete_task(self.ctx.actor, view.id, version),
                version=view.version, on_reload=lambda _kept: self.refresh()):
            self.refresh()

    def new_process(self, view) -> None:
        if view is None or not self.ctx.can("tasks"):
            return
        if StepProcessDialog(self.ctx, view.id, self).exec():
            self.refresh()
            self.detail.tabs.setCurrentIndex(2)

    def complete_step(self, step) -> None:
        if step is None or not self.ctx.can("progress"):
            return
        dialog = DateDialog("Hoàn thành bước", f"{step.name} — {step.unit_name}\nHoàn thành ngày",
                            step.completed_on or self.today(), self, allow_none=True)
        if not dialog.exec():
            return
        if save(self, self.ctx, lambda version: steps.complete_step(self.ctx.actor, step.id, dialog.value(), version),
                version=step.version, on_reload=lambda _kept: self.refresh()):
            self.refresh()

    def create_obligations(self) -> None:
        plans = task_views.plans()
        if not plans:
            show_message(self, "Nhiệm vụ định kỳ", "Chưa có kế hoạch nào: hãy nhập kế hoạch trước (Ctrl+I).")
            return
        plan = plans[0]
        if len(plans) > 1:
            labels = [f"Năm {p.year} — {p.number_text or p.title[:50]}" for p in plans]
            chosen, ok = QInputDialog.getItem(self, "Nhiệm vụ định kỳ", "Tạo cho kế hoạch:", labels, 0, False)
            if not ok:
                return
            plan = plans[labels.index(chosen)]
        result = save(self, self.ctx, lambda: obligations.create_plan_obligations(self.ctx.actor, plan.id))
        if not result:
            return
        ids = result.value
        self.refresh()
        show_message(self, "Nhiệm vụ định kỳ", f"Kế hoạch năm {plan.year} có {len(ids)} nhiệm vụ định kỳ "
                     "(TX.1 …), mỗi kỳ và mỗi đơn vị có hạn, trạng thái riêng.")

    # ---- plan import ----------------------------------------------------------------------------------

    def start_import(self) -> None:
        if not self.ctx.can("import"):
            return
        paths = ui_export.ask_open_paths(self, "Nhập kế hoạch", PLAN_FILES)
        if paths:
            self.import_files(paths[:1])

    def import_files(self, paths: list[Path]) -> None:
        """Read the plan off the GUI thread, ask about unknown unit names, then import it."""
        if not paths or not self.ctx.can("import"):
            return
        path = Path(paths[0])
        self.operation = run_operation(self, "Đọc tệp kế hoạch", lambda _progress: plan_import.read_plan_file(path),
                                       lambda document: self._confirm_and_import(document, path))

    def _confirm_and_import(self, document, path: Path) -> None:
        options = ask_plan_import_options(self, document, path, self.ctx.actor, self.ctx)
        if options is None:
            return
        work = plan_import_work(self.ctx.actor, document, *options)
        self.operation = save(self, self.ctx, lambda progress: work(progress), on_saved=lambda result: self._imported(result, path),
             background="Nhập kế hoạch")

    def _imported(self, result: plan_import.ImportResult, path: Path) -> None:
        self.refresh()
        lines = plan_import_summary(result, path)
        self.ctx.status_message.emit(lines[0])
        show_message(self, "Đã nhập kế hoạch", "\n".join(lines))
