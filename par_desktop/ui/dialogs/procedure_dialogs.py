"""Danh mục → Thủ tục: add or edit a procedure (with its internal steps per unit and budget), and the
summary after importing a catalogue list (what was added, updated, what to complete, and the procedures
the list no longer names, offered for marking abolished)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QTableWidget, QVBoxLayout, QWidget,
)

from par_desktop.domain.limits import parse_limit
from par_desktop.domain.text import nfc, vn_number
from par_desktop.errors import InvalidInput, UserError
from par_desktop.services import org, procedures
from par_desktop.services.procedures import Step, get_procedure, limit_fields, steps_of
from par_desktop.ui.errors import show_error
from par_desktop.ui.saving import Edit, save
from par_desktop.ui.widgets.buttons import dialog_buttons
from par_desktop.ui.widgets.panels import note_label

LEVELS = ["", "Toàn trình", "Một phần"]


def _optional_date_edit() -> tuple[QCheckBox, QDateEdit]:
    check = QCheckBox()
    edit = QDateEdit()
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.setDate(QDate.currentDate())
    edit.setEnabled(False)
    check.toggled.connect(edit.setEnabled)
    return check, edit


PROCEDURE_LABELS = {
    "code": "Mã thủ tục", "name": "Tên thủ tục", "field": "Lĩnh vực", "limit_text": "Thời hạn giải quyết",
    "limit_days": "Thời hạn (ngày)", "level": "Mức độ DVC", "decision_number": "Quyết định công bố",
    "published_on": "Ngày công bố", "effective_on": "Ngày hiệu lực", "in_force": "Còn hiệu lực",
}


class ProcedureDialog(QDialog):
    """Code, name, field, lead unit, the limit in words (read as the importer reads it), level, the
    publication decision and dates, in force, and the internal steps (unit, working days)."""

    def __init__(self, ctx, procedure=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.procedure = procedure
        self.setWindowTitle("Sửa thủ tục hành chính" if procedure else "Thêm thủ tục hành chính")
        self.setMinimumWidth(720)
        self.units = org.units()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.code = QLineEdit()
        self.code.setObjectName("procedureCode")
        self.code.setPlaceholderText("1.010805")
        self.name = QLineEdit()
        self.name.setObjectName("procedureName")
        self.field = QComboBox()
        self.field.setEditable(True)
        self.field.addItems([""] + procedures.fields())
        self.unit = QComboBox()
        self.unit.addItem("(chưa giao)", None)
        for u in self.units:
            self.unit.addItem(u.name, u.id)
        self.limit = QLineEdit()
        self.limit.setObjectName("procedureLimit")
        self.limit.setPlaceholderText("05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ")
        self.limit_read = note_label()
        self.limit_read.setObjectName("procedureLimitRead")
        self.limit_read.setMinimumHeight(2 * self.limit_read.fontMetrics().lineSpacing() + 4)
        self.limit.textChanged.connect(self._read_limit)
        self.level = QComboBox()
        self.level.addItems(LEVELS)
        self.decision = QLineEdit()
        self.decision.setPlaceholderText("1234/QĐ-UBND")
        self.published_check, self.published = _optional_date_edit()
        self.effective_check, self.effective = _optional_date_edit()
        self.in_force = QCheckBox("Còn hiệu lực")
        self.in_force.setChecked(True)
        form.addRow("Mã thủ tục", self.code)
        form.addRow("Tên thủ tục", self.name)
        form.addRow("Lĩnh vực", self.field)
        form.addRow("Đơn vị chủ trì", self.unit)
        form.addRow("Thời hạn giải quyết", self.limit)
        form.addRow("", self.limit_read)
        form.addRow("Mức độ DVC", self.level)
        form.addRow("Quyết định công bố", self.decision)
        for label, check, edit in (("Ngày công bố", self.published_check, self.published),
                                   ("Ngày hiệu lực", self.effective_check, self.effective)):
            row = QHBoxLayout()
            row.addWidget(check)
            row.addWidget(edit, 1)
            form.addRow(label, row)
        form.addRow("", self.in_force)
        layout.addLayout(form)
        layout.addWidget(QLabel("Các bước nội bộ (quy trình nội bộ giải quyết TTHC): đơn vị và số ngày làm việc"))
        self.steps = QTableWidget(0, 3)
        self.steps.setObjectName("procedureSteps")
        self.steps.setHorizontalHeaderLabels(["Bước", "Đơn vị thực hiện", "Ngày làm việc"])
        self.steps.verticalHeader().setVisible(False)
        self.steps.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.steps.setColumnWidth(1, 230)
        self.steps.setColumnWidth(2, 110)
        self.steps.setMinimumHeight(140)
        layout.addWidget(self.steps, 1)
        buttons = QHBoxLayout()
        add = QPushButton("Thêm bước")
        add.clicked.connect(lambda: self.add_step())
        remove = QPushButton("Xóa bước")
        remove.clicked.connect(self._remove_step)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(dialog_buttons(self, "Lưu", self.save))
        if procedure is not None:
            self._load(procedure)
        self._read_limit()

    def _load(self, p) -> None:
        self.code.setText(p.code)
        self.name.setText(p.name)
        self.field.setCurrentText(p.field)
        index = self.unit.findData(p.lead_unit_id)
        self.unit.setCurrentIndex(max(index, 0))
        if p.limit_text:
            self.limit.setText(p.limit_text)
        elif p.limit_days and not p.needs_completion:
            self.limit.setText(f"{p.limit_days:g} ngày làm việc".replace(".", ","))
        self.level.setCurrentText(p.level)
        self.decision.setText(p.decision_number)
        for check, edit, day in ((self.published_check, self.published, p.published_on),
                                 (self.effective_check, self.effective, p.effective_on)):
            check.setChecked(day is not None)
            if day is not None:
                edit.setDate(QDate(day.year, day.month, day.day))
        self.in_force.setChecked(p.in_force)
        for step in steps_of(p.id):
            self.add_step(step.name, step.unit_id, step.budget_days)

    def add_step(self, name: str = "", unit_id: int | None = None, days: float = 1.0) -> None:
        row = self.steps.rowCount()
        self.steps.insertRow(row)
        editor = QLineEdit(name)
        self.steps.setCellWidget(row, 0, editor)
        combo = QComboBox()
        for u in self.units:
            combo.addItem(u.name, u.id)
        if unit_id is not None:
            combo.setCurrentIndex(max(combo.findData(unit_id), 0))
        self.steps.setCellWidget(row, 1, combo)
        spin = QDoubleSpinBox()
        spin.setRange(0.5, 365)
        spin.setSingleStep(0.5)
        spin.setDecimals(1)
        spin.setValue(days)
        self.steps.setCellWidget(row, 2, spin)

    def _remove_step(self) -> None:
        row = self.steps.currentRow()
        if row < 0:
            row = self.steps.rowCount() - 1
        if row >= 0:
            self.steps.removeRow(row)

    def _read_limit(self, *_args) -> None:
        text = self.limit.text().strip()
        if not text:
            self.limit_read.setText("Chưa có thời hạn: hồ sơ của thủ tục này cần hạn xử lý ghi trong tệp một cửa.")
            return
        try:
            limit = parse_limit(text)
        except InvalidInput as exc:
            self.limit_read.setText(exc.message)
            return
        kind = ("tính theo ngày làm việc" if limit.counts_working_time else
                "tính theo lịch (cả ngày nghỉ), không theo ngày làm việc" if limit.unit in ("calendar", "months")
                else "trả trong ngày tiếp nhận")
        self.limit_read.setText(f"Đọc được: {limit.label} — {kind}" + (f"; ghi chú: {limit.note}" if limit.note else ""))

    def step_values(self):
        out = []
        for row in range(self.steps.rowCount()):
            name = nfc(self.steps.cellWidget(row, 0).text())
            if not name:
                raise InvalidInput(f"Bước {row + 1} chưa có tên.")
            out.append(Step(name, self.steps.cellWidget(row, 1).currentData(), self.steps.cellWidget(row, 2).value()))
        return out

    def values(self) -> dict:
        def day(check, edit) -> date | None:
            return edit.date().toPython() if check.isChecked() else None

        text = self.limit.text().strip()
        if not text:
            raise InvalidInput("Cần ghi thời hạn giải quyết (ví dụ «05 ngày làm việc», «Trong ngày»).")
        return {"code": nfc(self.code.text()), "name": nfc(self.name.text()), "field": nfc(self.field.currentText()),
                "level": self.level.currentText(), "decision_number": nfc(self.decision.text()),
                "published_on": day(self.published_check, self.published),
                "effective_on": day(self.effective_check, self.effective), "in_force": self.in_force.isChecked(),
                **limit_fields(text)}

    def save(self) -> None:
        try:
            values = self.values()
            steps = self.step_values()
        except UserError as exc:
            show_error(self, exc)
            return
        unit_id = self.unit.currentData()
        if self.procedure is None:
            result = save(self, self.ctx, lambda: procedures.create_procedure(
                self.ctx.actor, lead_unit_id=unit_id, steps=steps, **values))
        else:
            procedure = self.procedure
            stored = {name: getattr(procedure, name) for name in values}
            result = save(self, self.ctx, lambda version: procedures.update_procedure(
                self.ctx.actor, procedure.id, version, steps=steps, lead_unit=unit_id, **values),
                version=procedure.version, edit=Edit(stored, values, PROCEDURE_LABELS), on_reload=self._reload)
        if result:
            self.accept()

    def _reload(self, kept: dict) -> None:
        """"Tải lại" after a conflict: the stored procedure, with the clerk's typing kept where nobody else
        wrote (the steps are the stored ones)."""
        fresh = get_procedure(self.procedure.id)
        if fresh is None:
            show_error(self, InvalidInput("Thủ tục này vừa bị người khác xóa."))
            self.reject()
            return
        self.procedure = fresh
        self.steps.setRowCount(0)
        self._load(fresh)
        texts = {"code": self.code.setText, "name": self.name.setText, "field": self.field.setCurrentText,
                 "level": self.level.setCurrentText, "decision_number": self.decision.setText,
                 "limit_text": self.limit.setText, "in_force": self.in_force.setChecked}
        for name, value in kept.items():
            if name in texts:
                texts[name](value)
        for name, check, edit in (("published_on", self.published_check, self.published),
                                  ("effective_on", self.effective_check, self.effective)):
            if name in kept:
                check.setChecked(kept[name] is not None)
                if kept[name] is not None:
                    edit.setDate(QDate(kept[name].year, kept[name].month, kept[name].day))


class CatalogImportDialog(QDialog):
    """After a catalogue import: counts, warnings, what to complete; the procedures the list no longer
    names, each with a box to mark it abolished (none ticked: the clerk decides)."""

    def __init__(self, name: str, result, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Kết quả nhập danh mục TTHC")
        self.setMinimumSize(640, 380)
        layout = QVBoxLayout(self)
        summary = QLabel(f"<b>{name}</b>: {vn_number(result.total)} thủ tục — <b>{vn_number(len(result.created))}</b> "
                         f"mới, <b>{vn_number(len(result.updated))}</b> cập nhật.")
        summary.setObjectName("catalogImportSummary")
        summary.setTextFormat(Qt.TextFormat.RichText)
        summary.setWordWrap(True)
        layout.addWidget(summary)
        notes = list(result.warnings)
        if result.to_complete:
            notes.append(f"{len(result.to_complete)} thủ tục chưa có thời hạn giải quyết, cần bổ sung: "
                         + ", ".join(result.to_complete))
        if notes:
            warnings = QListWidget()
            warnings.setObjectName("catalogImportWarnings")
            warnings.addItems(notes)
            warnings.setMaximumHeight(120)
            layout.addWidget(warnings)
        self.missing = QListWidget()
        self.missing.setObjectName("catalogMissing")
        for m in result.missing:
            used = f" — {vn_number(m.dossiers)} hồ sơ" if m.dossiers else ""
            item = QListWidgetItem(f"{m.code} {m.name}{used}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.missing.addItem(item)
        if result.missing:
            offer = QLabel(f"{len(result.missing)} thủ tục đang có hiệu lực không có trong danh sách này. "
                           "Đánh dấu những thủ tục đã bị bãi bỏ (không xóa; hồ sơ vẫn giữ):")
            offer.setWordWrap(True)
            layout.addWidget(offer)
            layout.addWidget(self.missing, 1)
            box = dialog_buttons(self, "Đánh dấu hết hiệu lực", self.accept)
        else:
            box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
            box.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
            box.rejected.connect(self.reject)
        layout.addWidget(box)

    def chosen_ids(self) -> list[int]:
        return [self.missing.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.missing.count())
                if self.missing.item(i).checkState() == Qt.CheckState.Checked]
