"""Dialogs of the tasks page: add/edit a task, report progress with evidence files, map unknown unit
names met during a plan import, start a step procedure, and record a step's completion date.

Enter saves and Esc cancels in each of them (in multi-line text, Shift+Enter starts a new line).
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QFileDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout,
    QInputDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QSlider, QSpinBox,
    QVBoxLayout, QWidget,
)

from par_desktop.domain.deadlines import parse_deadline
from par_desktop.domain.text import PERCENT_SIGN, nfc, ui_date, unit_key, vn_number
from par_desktop.errors import InvalidInput
from par_desktop.services import org, steps
from par_desktop.services.steps import STEP_TEMPLATES
from par_desktop.services.tasks import editing as task_editing
from par_desktop.services.tasks import plan_import
from par_desktop.services.tasks import progress as task_progress
from par_desktop.services.tasks import status as task_statuses
from par_desktop.services.tasks import views as task_views
from par_desktop.ui.errors import ask_yes_no
from par_desktop.ui.saving import Edit, save
from par_desktop.ui.status_style import RED, state_color
from par_desktop.ui.widgets.checklist import CheckList
from par_desktop.ui.widgets.discard import AsksBeforeDiscarding, DiscardGuard
from par_desktop.ui.widgets.buttons import dialog_buttons
from par_desktop.ui.widgets.panels import note_label

TASK_LABELS = {"content": "Nội dung", "ref": "Mục", "deadline_text": "Thời gian hoàn thành", "due_date": "Hạn",
               "note": "Ghi chú", "completed_on": "Hoàn thành ngày", "progress_percent": "Tiến độ (%)",
               "per_unit": "Giao tất cả các phòng, đơn vị", "coordinating_all": "Phối hợp: các phòng, đơn vị",
               "updated_at": "Sửa lần cuối lúc"}


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(day: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setDate(to_qdate(day or date.today()))
    return edit


class _EnterSaves(QObject):
    """In a QPlainTextEdit: Enter saves the dialog, Shift+Enter starts a new line."""

    def __init__(self, dialog: QDialog):
        super().__init__(dialog)
        self.dialog = dialog

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.dialog.accept()
            return True
        return False


def _text_edit(dialog: QDialog, height: int = 80) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    edit.installEventFilter(_EnterSaves(dialog))
    return edit


class UnitChecklist(QWidget):
    """Units to tick, plus one "all units" box that stands for every unit."""

    def __init__(self, units: list, all_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.all_check = QCheckBox(all_text)
        self.list = CheckList((unit.id, unit.name) for unit in units)
        self.list.setMaximumHeight(120)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.all_check)
        layout.addWidget(self.list)
        self.all_check.toggled.connect(lambda on: self.list.setEnabled(not on))

    def set_value(self, all_units: bool, ids) -> None:
        self.all_check.setChecked(all_units)
        self.list.set_checked(ids)

    def is_all(self) -> bool:
        return self.all_check.isChecked()

    def ids(self) -> list[int]:
        return self.list.checked_data()


class TaskDialog(AsksBeforeDiscarding, QDialog):
    """Add a task by hand or edit one: wording of the deadline with its computed date, a clerk's own date."""

    def __init__(self, ctx, task: task_views.TaskView | None = None, parent: QWidget | None = None, *,
                 plan_id: int | None = None, today: date | None = None):
        super().__init__(parent)
        self.setObjectName("taskDialog")
        self.ctx = ctx
        self.task = task
        self.saved_id: int | None = None
        self.setWindowTitle(f"Sửa nhiệm vụ {task.ref}" if task else "Thêm nhiệm vụ")
        units = org.units()
        self.plans = task_views.plans()

        self.plan_combo = QComboBox()
        for plan in self.plans:
            title = plan.title if len(plan.title) <= 60 else plan.title[:59] + "…"
            self.plan_combo.addItem(f"Năm {plan.year} — {plan.number_text or 'Kế hoạch'}: {title}", plan.id)
        self.plan_combo.addItem("(Không thuộc kế hoạch nào)", None)
        chosen = task.plan_id if task else (plan_id if plan_id is not None else
                                             (self.plans[0].id if self.plans else None))
        self.plan_combo.setCurrentIndex(max(0, self.plan_combo.findData(chosen)))
        self.plan_combo.setEnabled(task is None)
        self.ref_edit = QLineEdit()
        self.ref_edit.setPlaceholderText("Để trống: tự đánh số NV.1, NV.2…")
        self.content_edit = _text_edit(self, 90)
        self.lead = UnitChecklist(units, "Tất cả các phòng, đơn vị (mỗi đơn vị thực hiện, báo cáo riêng)")
        self.coordinating = UnitChecklist(units, "Các phòng, đơn vị có liên quan")
        self.deadline_edit = QLineEdit()
        self.deadline_edit.setPlaceholderText("Ví dụ: Tháng 7/2024, Quý III/2024, Trước ngày 01/6/2024, Hằng tháng")
        self.deadline_preview = QLabel()
        self.deadline_preview.setObjectName("deadlinePreview")
        self.override_check = QCheckBox("Chọn ngày hạn khác")
        self.override_date = date_edit()
        self.override_check.toggled.connect(self.override_date.setEnabled)
        self.completed_check = QCheckBox("Đã hoàn thành ngày")
        self.completed_date = date_edit(today)
        self.completed_check.toggled.connect(self.completed_date.setEnabled)
        self.note_edit = QLineEdit()
        self._fill(task, today)

        form = QFormLayout()
        form.addRow("Kế hoạch", self.plan_combo)
        form.addRow("Mục (số hiệu)", self.ref_edit)
        form.addRow("Nội dung", self.content_edit)
        form.addRow("Đơn vị chủ trì", self.lead)
        form.addRow("Đơn vị phối hợp", self.coordinating)
        form.addRow("Thời gian hoàn thành", self.deadline_edit)
        form.addRow("", self.deadline_preview)
        override_row = QHBoxLayout()
        override_row.addWidget(self.override_check)
        override_row.addWidget(self.override_date)
        override_row.addStretch(1)
        form.addRow("", override_row)
        if task is not None and not task.recurrence and not task.per_unit:
            done_row = QHBoxLayout()
            done_row.addWidget(self.completed_check)
            done_row.addWidget(self.completed_date)
            done_row.addStretch(1)
            form.addRow("", done_row)
        form.addRow("Ghi chú", self.note_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, "Lưu"))
        self.deadline_edit.textChanged.connect(self._preview)
        self.plan_combo.currentIndexChanged.connect(self._preview)
        self._preview()
        self.discard_guard = DiscardGuard(self, self.windowTitle())
        self.resize(640, 640)

    def _fill(self, task: task_views.TaskView | None, today: date | None = None) -> None:
        """Show ``task``'s stored values (none for a new task)."""
        self.ref_edit.setText(task.ref if task else "")
        self.content_edit.setPlainText(task.content if task else "")
        if task:
            self.lead.set_value(task.per_unit, task.lead_unit_ids)
            self.coordinating.set_value(task.coordinating_all, task.coordinating_unit_ids)
        self.deadline_edit.setText(task.deadline_text if task else "")
        self.override_date.setDate(to_qdate(task.due_date if task and task.due_date else date.today()))
        self.override_check.setChecked(bool(task and task.due_overridden))
        self.override_date.setEnabled(self.override_check.isChecked())
        self.completed_date.setDate(to_qdate(task.completed_on if task and task.completed_on else today or date.today()))
        self.completed_check.setChecked(bool(task and task.completed_on and not task.recurrence and not task.per_unit))
        self.completed_date.setEnabled(self.completed_check.isChecked())
        self.note_edit.setText(task.note if task else "")

    def _year(self) -> int:
        plan_id = self.plan_combo.currentData()
        plan = next((p for p in self.plans if p.id == plan_id), None)
        return plan.year if plan else (self.task.year if self.task and self.task.year else date.today().year)

    def _preview(self, *_args) -> None:
        text = nfc(self.deadline_edit.text())
        if not text:
            self.deadline_preview.setText("Chưa ghi thời hạn: hãy ghi, hoặc chọn ngày hạn khác.")
            self.deadline_preview.setStyleSheet("color: #5f6670;")
            return
        try:
            deadline = parse_deadline(text, self._year())
        except InvalidInput as exc:
            self.deadline_preview.setText(exc.message)
            self.deadline_preview.setStyleSheet(f"color: {RED.name()};")
            return
        if deadline.recurrence:
            label = task_statuses.RECURRENCE_LABELS[deadline.recurrence]
            self.deadline_preview.setText(f"→ Nhiệm vụ định kỳ ({label.lower()}): mỗi kỳ có hạn riêng, vào cuối kỳ.")
        else:
            self.deadline_preview.setText(f"→ Hạn: {ui_date(deadline.due_date)}")
            if not self.override_check.isChecked():
                self.override_date.setDate(to_qdate(deadline.due_date))
        self.deadline_preview.setStyleSheet(f"color: {state_color('in_progress').name()};")

    def accept(self) -> None:
        task = self.task
        if task is None:
            result = save(self, self.ctx, self._create)
        else:
            result = save(self, self.ctx, lambda version: self._update(task, version), version=task.version,
                          edit=Edit(self._stored(task), self._typed(), TASK_LABELS), on_reload=self._reload)
        if result:
            self.saved_id = result.value
            super().accept()

    def _stored(self, task: task_views.TaskView) -> dict:
        """The task's fields as this dialog opened them (what the clerk's version of the record held)."""
        return {"content": task.content, "ref": task.ref, "deadline_text": task.deadline_text,
                "due_date": task.due_date, "note": task.note, "per_unit": task.per_unit,
                "coordinating_all": task.coordinating_all, "completed_on": task.completed_on}

    def _typed(self) -> dict:
        """The same fields as the clerk typed them."""
        typed = {"content": nfc(self.content_edit.toPlainText()),
                 "ref": nfc(self.ref_edit.text()).upper().replace(" ", ""),
                 "deadline_text": nfc(self.deadline_edit.text()), "note": nfc(self.note_edit.text()),
                 "per_unit": self.lead.is_all(), "coordinating_all": self.coordinating.is_all(),
                 "due_date": from_qdate(self.override_date.date()) if self.override_check.isChecked()
                 else self.task.due_date if self.task else None}
        if self.task is not None and not self.task.recurrence and not self.task.per_unit:
            typed["completed_on"] = from_qdate(self.completed_date.date()) if self.completed_check.isChecked() \
                else None
        return typed

    def _reload(self, kept: dict) -> None:
        """"Tải lại" after a conflict: the stored task, with the clerk's typing kept where nobody else wrote."""
        units = (self.lead.is_all(), self.lead.ids(), self.coordinating.is_all(), self.coordinating.ids())
        self.task = task_views.get_task(self.task.id)
        self._fill(self.task)
        if "per_unit" in kept or "lead_unit_ids" in kept:
            self.lead.set_value(units[0], units[1])
        if "coordinating_all" in kept:
            self.coordinating.set_value(units[2], units[3])
        edits = {"content": self.content_edit.setPlainText, "ref": self.ref_edit.setText,
                 "deadline_text": self.deadline_edit.setText, "note": self.note_edit.setText}
        for name, value in kept.items():
            if name in edits:
                edits[name](value)
        if "due_date" in kept and kept["due_date"] is not None:
            self.override_check.setChecked(True)
            self.override_date.setDate(to_qdate(kept["due_date"]))
        if "completed_on" in kept:
            self.completed_check.setChecked(kept["completed_on"] is not None)
            if kept["completed_on"] is not None:
                self.completed_date.setDate(to_qdate(kept["completed_on"]))

    def _create(self) -> int:
        due = from_qdate(self.override_date.date()) if self.override_check.isChecked() else None
        return task_editing.create_task(
            self.ctx.actor, plan_id=self.plan_combo.currentData(), ref=self.ref_edit.text(),
            lead_all=self.lead.is_all(), lead_unit_ids=self.lead.ids(), coordinating_all=self.coordinating.is_all(),
            coordinating_unit_ids=self.coordinating.ids(), due_date=due, content=self.content_edit.toPlainText(),
            deadline_text=self.deadline_edit.text(), note=self.note_edit.text())

    def _update(self, task: task_views.TaskView, version: int | None) -> int:
        due = from_qdate(self.override_date.date()) if self.override_check.isChecked() else None
        changes: dict = {}
        if nfc(self.content_edit.toPlainText()) != task.content:
            changes["content"] = self.content_edit.toPlainText()
        if nfc(self.note_edit.text()) != task.note:
            changes["note"] = self.note_edit.text()
        if nfc(self.ref_edit.text()).upper().replace(" ", "") != task.ref:
            changes["ref"] = self.ref_edit.text()
        if nfc(self.deadline_edit.text()) != task.deadline_text:
            changes["deadline_text"] = self.deadline_edit.text()
        if self.override_check.isChecked() and (due != task.due_date or not task.due_overridden):
            changes["due_date"] = due
        elif not self.override_check.isChecked() and task.due_overridden:
            changes["due_date"] = None
        if self.lead.is_all() != task.per_unit:
            changes["lead_all"] = self.lead.is_all()
        if not self.lead.is_all() and self.lead.ids() != list(task.lead_unit_ids):
            changes["lead_unit_ids"] = self.lead.ids()
        if self.coordinating.is_all() != task.coordinating_all:
            changes["coordinating_all"] = self.coordinating.is_all()
        if not self.coordinating.is_all() and self.coordinating.ids() != list(task.coordinating_unit_ids):
            changes["coordinating_unit_ids"] = self.coordinating.ids()
        if not task.recurrence and not task.per_unit:
            completed = from_qdate(self.completed_date.date()) if self.completed_check.isChecked() else None
            if completed != task.completed_on:
                changes["completed_on"] = completed
        if changes:
            task_editing.update_task(self.ctx.actor, task.id, version, **changes)
        return task.id


class ProgressDialog(AsksBeforeDiscarding, QDialog):
    """A unit's progress report: date, percent, what was done, evidence files (stored in the database)."""

    def __init__(self, ctx, detail: task_views.TaskDetail, parent: QWidget | None = None, *,
                 today: date | None = None):
        super().__init__(parent)
        self.setObjectName("progressDialog")
        self.ctx = ctx
        self.detail = detail
        self.report_id: int | None = None
        task = detail.task
        self.setWindowTitle(f"Báo cáo tiến độ — {task.ref}")
        if task.per_unit:
            candidate_ids = list(dict.fromkeys(o.unit_id for o in detail.occurrences if o.unit_id is not None))
        else:
            candidate_ids = list(task.lead_unit_ids)
        if ctx.actor.role == "unit":
            candidate_ids = [i for i in candidate_ids if i == ctx.actor.unit_id]
        names = {u.id: u.name for u in org.units(active_only=False)}
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("unitCombo")
        for unit_id in candidate_ids:
            self.unit_combo.addItem(names.get(unit_id, str(unit_id)), unit_id)
        if not candidate_ids and ctx.actor.role != "unit":   # a unit never writes for the Office
            self.unit_combo.addItem("(Văn phòng ghi thay, không theo đơn vị)", None)
        self.occurrence_combo = QComboBox()
        self.occurrence_combo.setObjectName("occurrenceCombo")
        self.date_edit = date_edit(today)
        self.percent_spin = QSpinBox()
        self.percent_spin.setObjectName("percentSpin")
        self.percent_spin.setRange(0, 100)
        self.percent_spin.setSuffix(PERCENT_SIGN)
        self.percent_slider = QSlider(Qt.Orientation.Horizontal)
        self.percent_slider.setRange(0, 100)
        self.percent_spin.valueChanged.connect(self.percent_slider.setValue)
        self.percent_slider.valueChanged.connect(self.percent_spin.setValue)
        self.percent_spin.setValue(task.progress_percent)
        self.text_edit = _text_edit(self, 100)
        self.text_edit.setPlaceholderText("Đã làm được gì, vướng mắc gì, cần Văn phòng hỗ trợ gì…")
        self.files = QListWidget()
        self.files.setObjectName("attachmentList")
        self.files.setMaximumHeight(90)
        add = QPushButton("Thêm tệp minh chứng…")
        add.clicked.connect(self.choose_files)
        remove = QPushButton("Bỏ tệp đã chọn")
        remove.clicked.connect(lambda: [self.files.takeItem(self.files.row(i)) for i in self.files.selectedItems()])

        heading = QLabel(f"<b>{task.ref}</b> — {task.content}")
        heading.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Đơn vị báo cáo", self.unit_combo)
        form.addRow("Kỳ báo cáo", self.occurrence_combo)
        form.addRow("Ngày báo cáo", self.date_edit)
        percent_row = QHBoxLayout()
        percent_row.addWidget(self.percent_spin)
        percent_row.addWidget(self.percent_slider, 1)
        form.addRow("Tiến độ", percent_row)
        form.addRow("Nội dung", self.text_edit)
        file_buttons = QHBoxLayout()
        file_buttons.addWidget(add)
        file_buttons.addWidget(remove)
        file_buttons.addStretch(1)
        files_box = QVBoxLayout()
        files_box.addWidget(self.files)
        files_box.addLayout(file_buttons)
        form.addRow("Tệp minh chứng", files_box)
        note = note_label("100 % là đã hoàn thành vào ngày báo cáo.", wrap=False)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(dialog_buttons(self, "Gửi báo cáo"))
        self.unit_combo.currentIndexChanged.connect(self._fill_occurrences)
        self.occurrence_combo.currentIndexChanged.connect(self._occurrence_chosen)
        self._fill_occurrences()
        self.discard_guard = DiscardGuard(self, "Báo cáo tiến độ")
        self.resize(600, 520)

    def _fill_occurrences(self, *_args) -> None:
        unit_id = self.unit_combo.currentData()
        task = self.detail.task
        mine = [o for o in self.detail.occurrences if (o.unit_id == unit_id if task.per_unit else o.unit_id is None)]
        self.occurrence_combo.clear()
        for occ in mine:
            state = task_statuses.STATUS_LABELS[occ.status]
            self.occurrence_combo.addItem(f"{occ.label} (hạn {ui_date(occ.due_date)}; {state})", occ.id)
        today = from_qdate(self.date_edit.date())
        current = next((i for i, o in enumerate(mine) if o.period_start <= today and o.completed_on is None), 0)
        self.occurrence_combo.setCurrentIndex(current if mine else -1)
        self.occurrence_combo.setEnabled(bool(mine))
        if not mine:
            self.occurrence_combo.addItem("(Nhiệm vụ một lần, không chia kỳ)", None)

    def _occurrence_chosen(self, *_args) -> None:
        occ = next((o for o in self.detail.occurrences if o.id == self.occurrence_combo.currentData()), None)
        if occ is not None:
            self.percent_spin.setValue(occ.progress_percent)

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Chọn tệp minh chứng", str(Path.home()))
        for path in paths:
            self.add_file(Path(path))

    def add_file(self, path: Path) -> None:
        item = QListWidgetItem(f"{path.name} ({vn_number(max(1, path.stat().st_size // 1024))} KB)")
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        self.files.addItem(item)

    def attachment_paths(self) -> list[Path]:
        return [Path(self.files.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.files.count())]

    def accept(self) -> None:
        result = save(self, self.ctx, lambda: task_progress.report_progress(
            self.ctx.actor, self.detail.task.id, percent=self.percent_spin.value(),
            text=self.text_edit.toPlainText(), unit_id=self.unit_combo.currentData(),
            reported_on=from_qdate(self.date_edit.date()), occurrence_id=self.occurrence_combo.currentData(),
            attachments=self.attachment_paths()))
        if result:
            self.report_id = result.value
            super().accept()


class UnitMappingDialog(QDialog):
    """During a plan or one-stop import: for each unit name that matched no unit, map it to a unit
    (remembered as an alias) or create a new unit."""

    CREATE = None

    def __init__(self, names: list[str], units: list, parent: QWidget | None = None, *, source: str = "",
                 title: str = "Ghép tên đơn vị trong kế hoạch"):
        super().__init__(parent)
        self.setObjectName("unitMappingDialog")
        self.setWindowTitle(title)
        intro = QLabel(
            (f"Trong tệp «{source}» có " if source else "Có ") + f"{len(names)} tên đơn vị chưa khớp đơn vị nào. "
            "Chọn đơn vị tương ứng — tên trong tệp sẽ được ghi nhớ là tên gọi khác của đơn vị đó — hoặc tạo đơn vị mới.")
        intro.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>Tên trong tệp</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Là đơn vị</b>"), 0, 1)
        self.combos: dict[str, QComboBox] = {}
        for row, name in enumerate(names, start=1):
            combo = QComboBox()
            combo.addItem(f"Tạo đơn vị mới «{name}»", self.CREATE)
            for unit in units:
                combo.addItem(unit.name, unit.id)
            guess = _closest_unit(name, units)
            if guess is not None:
                combo.setCurrentIndex(combo.findData(guess.id))
            grid.addWidget(QLabel(name), row, 0)
            grid.addWidget(combo, row, 1)
            self.combos[name] = combo
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        box = QGroupBox()
        box.setLayout(grid)
        layout.addWidget(box)
        layout.addWidget(dialog_buttons(self, "Tiếp tục nhập"))
        self.resize(620, 160 + 34 * len(names))

    def choices(self) -> dict[str, int | None]:
        return {name: combo.currentData() for name, combo in self.combos.items()}


def _closest_unit(name: str, units: list):
    """The unit whose name is clearly the closest to ``name`` (a typo, a missing word), if any."""
    key = unit_key(name)
    scored = sorted(((difflib.SequenceMatcher(None, key, unit_key(u.name)).ratio(), u) for u in units),
                    key=lambda pair: pair[0], reverse=True)
    return scored[0][1] if scored and scored[0][0] >= 0.75 else None


class StepProcessDialog(QDialog):
    """Start one of the plan's step procedures for a division, counted from the trigger date."""

    def __init__(self, ctx, task_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("stepProcessDialog")
        self.ctx = ctx
        self.task_id = task_id
        self.process_id: int | None = None
        self.setWindowTitle("Theo dõi quy trình chia bước")
        self.template_combo = QComboBox()
        for key, template in steps.STEP_TEMPLATES.items():
            self.template_combo.addItem(template.name, key)
        self.unit_combo = QComboBox()
        for unit in org.units():
            if unit.kind != "office":
                self.unit_combo.addItem(unit.name, unit.id)
        self.trigger_edit = date_edit()
        self.explain = note_label()
        form = QFormLayout()
        form.addRow("Quy trình", self.template_combo)
        form.addRow("Phòng chuyên môn", self.unit_combo)
        form.addRow("Ngày bắt đầu tính", self.trigger_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.explain)
        layout.addWidget(dialog_buttons(self, "Bắt đầu theo dõi"))
        self.template_combo.currentIndexChanged.connect(self._explain)
        self._explain()
        self.resize(560, 260)

    def _explain(self, *_args) -> None:
        template = STEP_TEMPLATES[self.template_combo.currentData()]
        parts = "; ".join(f"{name}: {budget:g} ngày làm việc" for name, _owner, budget in template.steps)
        self.explain.setText(f"Mốc: {template.trigger.lower()} (không tính ngày đó). {parts}.")

    def accept(self) -> None:
        result = save(self, self.ctx, lambda: steps.create_from_template(
            self.ctx.actor, self.template_combo.currentData(), self.unit_combo.currentData(),
            from_qdate(self.trigger_edit.date()), task_id=self.task_id))
        if result:
            self.process_id = result.value
            super().accept()


class DateDialog(QDialog):
    """Ask for a date (e.g. when a step was finished), or "not finished" when ``allow_none``."""

    def __init__(self, title: str, label: str, initial: date | None = None, parent: QWidget | None = None, *,
                 allow_none: bool = False, none_text: str = "Chưa hoàn thành"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.edit = date_edit(initial)
        self.none_check = QCheckBox(none_text)
        self.none_check.setVisible(allow_none)
        self.none_check.toggled.connect(lambda on: self.edit.setEnabled(not on))
        form = QFormLayout()
        form.addRow(label, self.edit)
        form.addRow("", self.none_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, "Lưu"))

    def value(self) -> date | None:
        return None if self.none_check.isChecked() else from_qdate(self.edit.date())


def ask_plan_import_options(parent: QWidget, document, path: Path, actor=None,
                            ctx=None) -> tuple[int, dict[str, int | None]] | None:
    """Before importing a plan: its year (asked when the file does not say it) and the clerk's answer for
    each unit name the organisation does not know yet. None when the clerk cancelled. With ``actor``, the
    organisation's names in the file's header are offered while the database has none (saved through
    ``save``: ``ctx`` is told, when there is one)."""
    offer = plan_import.org_offer(document) if actor is not None else None
    if offer is not None and ask_yes_no(
            parent, "Thông tin cơ quan",
            f"Tệp «{path.name}» ghi cơ quan «{offer.governing_body}» — «{offer.agency_name}» ({offer.place_name}). "
            f"Dữ liệu chưa có thông tin cơ quan: dùng các tên này (viết tắt {offer.agency_abbr}) cho văn bản? "
            "Có thể sửa sau ở Cài đặt → Tổ chức.", yes="Dùng thông tin này", no="Bỏ qua"):
        save(parent, ctx, lambda: org.set_org_names(actor, date(date.today().year, 1, 1), offer))
    try:
        year = plan_import.plan_year(document)
    except InvalidInput:
        year, ok = QInputDialog.getInt(parent, "Năm của kế hoạch", f"Tệp «{path.name}» không ghi năm của kế hoạch. "
                                       "Kế hoạch của năm:", date.today().year, 2000, 2100)
        if not ok:
            return None
    unknown = plan_import.unknown_unit_names(document)
    if not unknown:
        return year, {}
    dialog = UnitMappingDialog(unknown, org.units(), parent, source=path.name)
    if not dialog.exec():
        return None
    return year, dialog.choices()


def plan_import_work(actor, document, year: int, choices: dict[str, int | None]):
    """The background work of a plan import, reporting each task as it goes."""
    def work(progress):
        return plan_import.import_plan(actor, document, year, unit_choices=choices,
                                        progress=lambda done, total, ref: progress.report(
                                            done, total, f"Đang nhập nhiệm vụ {ref}…"))
    return work


def plan_import_summary(result: plan_import.ImportResult, path: Path) -> list[str]:
    """What a plan import did, in lines for the clerk."""
    lines = [f"Tệp «{path.name}»: {result.task_count} nhiệm vụ của kế hoạch năm {result.year} — "
             f"{result.created} mới, {result.updated} cập nhật, {result.unchanged} không thay đổi."]
    if result.created_units:
        lines.append("Đơn vị mới: " + ", ".join(result.created_units) + ".")
    lines += [f"• {w[:1].upper()}{w[1:]}" for w in result.warnings if "đã tạo đơn vị mới" not in w]
    return lines
