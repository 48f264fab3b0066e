"""Dialogs of the Chỉ số CCHC page: editing a criterion (the Office), the reason to return a score, a
register or external document as evidence, and what changed against last year's set.

Dialogs only collect values; the page writes them through the services.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from par_desktop.domain.par_index import SetChange, vn_points
from par_desktop.domain.text import nfc
from par_desktop.services.par_index.scoring import ScoreNode
from par_desktop.ui.dialogs.task_dialogs import date_edit, from_qdate, to_qdate
from par_desktop.ui.widgets.buttons import dialog_buttons
from par_desktop.ui.widgets.checklist import CheckList
from par_desktop.ui.widgets.panels import note_label


def _text_edit(text: str, height: int = 70) -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setMinimumHeight(height)
    edit.setTabChangesFocus(True)
    return edit


# The criterion's own fields the editor changes, as the conflict dialog names them (record field names).
CRITERION_LABELS = {"title": "Nội dung", "max_points": "Điểm tối đa", "score_steps": "Mức điểm được chấm",
                    "guidance": "Hướng dẫn chấm điểm", "evidence_required": "Tài liệu kiểm chứng",
                    "unit": "Đơn vị chủ trì", "evidence_deadline": "Hạn nộp TLKC", "metric": "Chỉ tiêu tự tính",
                    "bands": "Thang điểm"}


class CriterionDialog(QDialog):
    """Sửa tiêu chí: wording, maximum (a sub-criterion's), score steps, unit in charge and coordinators,
    evidence deadline, automatic metric and bands, and the plan tasks that serve it. ``kept``: after a
    conflict, the clerk's typing to put back over the stored values (record field names)."""

    def __init__(self, node: ScoreNode, units: list[tuple[int, str]], tasks: list[tuple[int, str]],
                 linked_task_ids: set[int], metrics: list[tuple[str, str]], parent: QWidget | None = None, *,
                 kept: dict | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Sửa tiêu chí {node.path}")
        self.setObjectName("criterionDialog")
        self.node = node
        self.title = _text_edit(node.title, 50)
        self.max_points = QLineEdit(vn_points(node.max_points))
        self.max_points.setEnabled(node.is_leaf)
        self.steps = QLineEdit(node.score_steps)
        self.steps.setPlaceholderText("trống = mọi giá trị; ví dụ «0; 0,25; 0,5» hoặc «bội số 0,25»")
        self.guidance = _text_edit(node.guidance)
        self.evidence_required = _text_edit(node.evidence_required, 50)
        self.unit = QComboBox()
        self.unit.setObjectName("unitCombo")
        self.unit.addItem("(Chưa giao)", None)
        for unit_id, name in units:
            self.unit.addItem(name, unit_id)
        self.unit.setCurrentIndex(max(0, self.unit.findData(node.unit_id)))
        self.coordinators = CheckList(units, node.coordinator_ids)
        self.coordinators.setObjectName("coordinatorList")
        self.coordinators.setMaximumHeight(90)
        self.has_deadline = QCheckBox("Có hạn nộp")
        self.deadline = date_edit(node.evidence_deadline or date(date.today().year, 12, 15))
        self.has_deadline.setChecked(node.evidence_deadline is not None)
        self.deadline.setEnabled(node.evidence_deadline is not None)
        self.has_deadline.toggled.connect(self.deadline.setEnabled)
        self.metric_choice = QComboBox()
        self.metric_choice.setObjectName("metricCombo")
        self.metric_choice.addItem("(Không tự tính)", "")
        for key, name in metrics:
            self.metric_choice.addItem(name, key)
        self.metric_choice.setCurrentIndex(max(0, self.metric_choice.findData(node.metric)))
        self.metric_choice.setEnabled(node.is_leaf)
        self.bands = QLineEdit(node.bands)
        self.bands.setPlaceholderText("≥100%: 1; ≥90%: 0,5; còn lại: 0")
        self.tasks = CheckList(tasks, linked_task_ids)
        self.tasks.setObjectName("taskList")
        self.tasks.setMaximumHeight(110)
        deadline_row = QWidget()
        row = QVBoxLayout(deadline_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.has_deadline)
        row.addWidget(self.deadline)
        form = QFormLayout()
        form.addRow("Nội dung", self.title)
        form.addRow("Điểm tối đa", self.max_points)
        form.addRow("Mức điểm được chấm", self.steps)
        form.addRow("Hướng dẫn chấm điểm", self.guidance)
        form.addRow("Tài liệu kiểm chứng", self.evidence_required)
        form.addRow("Đơn vị chủ trì", self.unit)
        form.addRow("Đơn vị phối hợp", self.coordinators)
        form.addRow("Hạn nộp TLKC", deadline_row)
        form.addRow("Chỉ tiêu tự tính", self.metric_choice)
        form.addRow("Thang điểm", self.bands)
        form.addRow("Nhiệm vụ phục vụ", self.tasks)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note_label("Điểm tối đa của tiêu chí có tiêu chí con là tổng điểm các tiêu chí con."))
        layout.addWidget(dialog_buttons(self, "Lưu"))
        self.resize(640, 720)
        self._put_back(kept or {})

    def _put_back(self, kept: dict) -> None:
        for name, widget in (("title", self.title), ("guidance", self.guidance),
                             ("evidence_required", self.evidence_required)):
            if name in kept:
                widget.setPlainText(kept[name] or "")
        for name, widget in (("score_steps", self.steps), ("bands", self.bands)):
            if name in kept:
                widget.setText(kept[name] or "")
        if "max_points" in kept:
            self.max_points.setText(vn_points(kept["max_points"]) if isinstance(kept["max_points"], float)
                                    else str(kept["max_points"] or ""))
        if "unit" in kept:
            self.unit.setCurrentIndex(max(0, self.unit.findData(kept["unit"])))
        if "metric" in kept:
            self.metric_choice.setCurrentIndex(max(0, self.metric_choice.findData(kept["metric"])))
        if "evidence_deadline" in kept:
            self.has_deadline.setChecked(kept["evidence_deadline"] is not None)
            if kept["evidence_deadline"] is not None:
                self.deadline.setDate(to_qdate(kept["evidence_deadline"]))

    def stored(self) -> dict:
        """The criterion's fields as the editor opened them (record field names)."""
        n = self.node
        return {"title": n.title, "max_points": n.max_points, "score_steps": n.score_steps, "guidance": n.guidance,
                "evidence_required": n.evidence_required, "unit": n.unit_id, "evidence_deadline": n.evidence_deadline,
                "metric": n.metric, "bands": n.bands}

    def typed(self) -> dict:
        """The same fields as the clerk left them."""
        from par_desktop.domain.par_index import parse_points
        from par_desktop.errors import UserError

        try:
            maximum = parse_points(self.max_points.text())
        except UserError:
            maximum = self.max_points.text()
        return {"title": nfc(self.title.toPlainText()), "max_points": maximum, "score_steps": self.steps.text().strip(),
                "guidance": self.guidance.toPlainText().strip(), "evidence_required":
                self.evidence_required.toPlainText().strip(), "unit": self.unit.currentData(),
                "evidence_deadline": from_qdate(self.deadline.date()) if self.has_deadline.isChecked() else None,
                "metric": self.metric_choice.currentData(), "bands": self.bands.text().strip()}

    def changes(self) -> dict:
        node = self.node
        values: dict = {}
        if nfc(self.title.toPlainText()) != node.title:
            values["title"] = self.title.toPlainText()
        if node.is_leaf and self.max_points.text().strip() != vn_points(node.max_points):
            values["max_points"] = self.max_points.text()
        if self.steps.text().strip() != node.score_steps:
            values["score_steps"] = self.steps.text()
        if self.guidance.toPlainText().strip() != node.guidance:
            values["guidance"] = self.guidance.toPlainText()
        if self.evidence_required.toPlainText().strip() != node.evidence_required:
            values["evidence_required"] = self.evidence_required.toPlainText()
        if self.unit.currentData() != node.unit_id:
            values["unit_id"] = self.unit.currentData()
        coordinators = self.coordinators.checked_data()
        if set(coordinators) != set(node.coordinator_ids):
            values["coordinator_ids"] = coordinators
        deadline = from_qdate(self.deadline.date()) if self.has_deadline.isChecked() else None
        if deadline != node.evidence_deadline:
            values["evidence_deadline"] = deadline
        if node.is_leaf and (self.metric_choice.currentData() != node.metric or self.bands.text().strip() != node.bands):
            values["metric"] = self.metric_choice.currentData()
            values["bands"] = self.bands.text()
        tasks = self.tasks.checked_data()
        if set(tasks) != {t.id for t in node.tasks}:
            values["task_ids"] = tasks
        return values


class TextDialog(QDialog):
    """One multi-line text (the reason to return a score, to unlock a set)."""

    def __init__(self, title: str, label: str, parent: QWidget | None = None, *, ok: str = "Đồng ý"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.text = _text_edit("", 80)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(label))
        layout.addWidget(self.text)
        layout.addWidget(dialog_buttons(self, ok))
        self.resize(460, 220)

    def value(self) -> str:
        return nfc(self.text.toPlainText())


class ExternalDocumentDialog(QDialog):
    """Evidence that is a document outside the app: number, date, issuer, summary."""

    def __init__(self, parent: QWidget | None = None, *, register: bool = False):
        super().__init__(parent)
        self.register = register
        self.setWindowTitle("Văn bản trong sổ làm tài liệu kiểm chứng" if register else "Văn bản bên ngoài làm tài liệu kiểm chứng")
        self.number = QLineEdit()
        self.number.setObjectName("docNumber")
        self.number.setPlaceholderText("ví dụ 39/KH-SLĐTBXH")
        form = QFormLayout()
        form.addRow("Số, ký hiệu", self.number)
        self.has_date = QCheckBox("Có ngày ban hành")
        self.doc_date = date_edit(date.today())
        self.issuer = QLineEdit()
        self.summary = _text_edit("", 60)
        if not register:
            self.doc_date.setEnabled(False)
            self.has_date.toggled.connect(self.doc_date.setEnabled)
            form.addRow(self.has_date, self.doc_date)
            form.addRow("Cơ quan ban hành", self.issuer)
            form.addRow("Trích yếu", self.summary)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if register:
            layout.addWidget(note_label("Văn bản đã lấy số trong sổ văn bản đi của phần mềm (trang Văn bản)."))
        layout.addWidget(dialog_buttons(self, "Thêm"))
        self.resize(480, 260 if not register else 150)

    def values(self) -> dict:
        return {"number": nfc(self.number.text()), "doc_date": from_qdate(self.doc_date.date())
                if self.has_date.isChecked() else None, "issuer": nfc(self.issuer.text()),
                "text": nfc(self.summary.toPlainText())}


class ChangesDialog(QDialog):
    """What changed from last year's set to this one."""

    def __init__(self, old_year: int, new_year: int, changes: list[SetChange], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Bộ chỉ số năm {new_year} so với năm {old_year}")
        table = QTableWidget(len(changes), 4)
        table.setObjectName("changesTable")
        table.setHorizontalHeaderLabels(["Mã", "Thay đổi", "Năm trước", "Năm nay"])
        for r, change in enumerate(changes):
            for c, text in enumerate((change.path, change.label, change.old, change.new)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(r, c, item)
        table.horizontalHeader().setStretchLastSection(True)
        table.setColumnWidth(0, 80)
        table.setColumnWidth(1, 170)
        table.setColumnWidth(2, 260)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        summary = (f"{len(changes)} thay đổi." if changes else "Không có thay đổi nào.")
        layout.addWidget(QLabel(summary))
        layout.addWidget(table, 1)
        close = QDialogButtonBox()
        close.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole).setDefault(True)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.resize(820, 460)
