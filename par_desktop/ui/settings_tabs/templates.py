"""Cài đặt → Mẫu văn bản: the wording of each document, edited by an administrator.

A template is plain text in sections (``## opening``…) with placeholders (``{{ unit_name }}``); it runs
in a sandbox, so it can only fill in data, never run code. Each version has an effective date: a
document uses the version in force on its own date, so the wording of 2024 stays for documents of 2024
after the rules or names change. The preview re-renders a sample document on a worker thread shortly
after typing stops; an error (a misspelt placeholder, an unknown section) is shown under the editor
and the last good preview stays.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from par_desktop.documents.templates import DOC_TYPES, REQUIRED, SECTIONS, default_template, placeholders
from par_desktop.domain.text import ui_date
from par_desktop.errors import UserError
from par_desktop.services import database, documents as doc_service
from par_desktop.ui.context import AppContext
from par_desktop.ui.errors import ask_yes_no, show_message
from par_desktop.ui.operations import run_in_background
from par_desktop.ui.saving import Edit, save
from par_desktop.ui.widgets.table import Column, DataTableView, RowTableModel
from par_desktop.ui.widgets.panels import note_label

PREVIEW_DELAY_MS = 700
HELP = ("Mỗi phần bắt đầu bằng một dòng «## tên_mục». Trong một phần, dòng trống ngăn cách các đoạn. "
        "Trường dữ liệu: {{ tên_trường }} (bấm đúp vào bảng để chèn). **chữ đậm**, *chữ nghiêng*, "
        "^[chú thích cuối trang]; đoạn viết cả trong **…** là đề mục. Điều kiện: {% if … %} … {% endif %}.")


@dataclass(frozen=True)
class HelpRow:
    name: str
    text: str
    kind: str   # "Trường" | "Mục"


class TemplatesTab(QWidget):
    title = "Mẫu văn bản"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.versions: list[doc_service.TemplateVersion] = []
        self.loaded: doc_service.TemplateVersion | None = None
        self.loaded_text = ""
        self._generation = 0
        self._shown_generation = 0
        self.previews_done = 0
        self.last_error: Exception | None = None
        self._work_dir = Path(tempfile.mkdtemp(prefix="par-templates-"))
        self.destroyed.connect(lambda *_: shutil.rmtree(self._work_dir, ignore_errors=True))

        self.type_combo = QComboBox()
        self.type_combo.setObjectName("templateType")
        for kind in DOC_TYPES:
            self.type_combo.addItem(doc_service.KIND_NAMES[kind], kind)
        self.version_combo = QComboBox()
        self.version_combo.setObjectName("templateVersion")
        for combo in (self.type_combo, self.version_combo):   # the list shows whole names; the box fits a laptop
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        self.valid_from = QDateEdit()
        self.valid_from.setObjectName("validFrom")
        self.valid_from.setDisplayFormat("dd/MM/yyyy")
        self.valid_from.setCalendarPopup(True)
        self.valid_from.setDate(QDate.currentDate())
        self.save_button = QPushButton("Lưu mẫu")
        self.save_button.setObjectName("saveTemplate")
        self.save_button.setToolTip("Lưu phiên bản áp dụng từ ngày đã chọn (Ctrl+S)")
        self.revert_button = QPushButton("Hoàn tác")
        self.reset_button = QPushButton("Khôi phục mẫu mặc định")
        self.reset_button.setObjectName("resetTemplate")

        top = QHBoxLayout()
        top.addWidget(QLabel("Loại văn bản"))
        top.addWidget(self.type_combo, 1)
        top.addWidget(QLabel("Phiên bản"))
        top.addWidget(self.version_combo, 1)
        top.addWidget(QLabel("Áp dụng từ ngày"))
        top.addWidget(self.valid_from)
        top.addWidget(self.save_button)
        top.addWidget(self.revert_button)
        top.addWidget(self.reset_button)

        self.editor = QPlainTextEdit()
        self.editor.setObjectName("templateEditor")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.editor.setFont(font)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.error_label = QLabel()
        self.error_label.setObjectName("templateError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b3261e;")
        help_label = note_label(HELP)
        self.help_model = RowTableModel([Column("Trường / mục", lambda r: r.name, width=170),
                                         Column("Loại", lambda r: r.kind, width=60),
                                         Column("Ý nghĩa", lambda r: r.text)], key=lambda r: (r.kind, r.name))
        self.help_view = DataTableView(self.help_model, footer=False)
        self.help_view.setObjectName("placeholderHelp")

        editor_side = QWidget()
        editor_layout = QVBoxLayout(editor_side)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.editor, 3)
        editor_layout.addWidget(self.error_label)
        editor_layout.addWidget(help_label)
        editor_layout.addWidget(self.help_view, 2)

        self.pdf = QPdfDocument(self)
        self.pdf_view = QPdfView(self)
        self.pdf_view.setObjectName("templatePreview")
        self.pdf_view.setDocument(self.pdf)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.preview_label = note_label("Xem trước với dữ liệu mẫu", wrap=False)
        preview_side = QWidget()
        preview_layout = QVBoxLayout(preview_side)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(self.preview_label)
        preview_layout.addWidget(self.pdf_view, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("templatesSplitter")
        splitter.addWidget(editor_side)
        splitter.addWidget(preview_side)
        splitter.setSizes([620, 560])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)

        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.version_combo.currentIndexChanged.connect(self._version_chosen)
        self.editor.textChanged.connect(self._edited)
        self.valid_from.dateChanged.connect(self._edited)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.reset_button.clicked.connect(self.reset)
        self.help_view.activated.connect(self.insert_placeholder)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        editable = ctx.can("templates")
        for widget in (self.save_button, self.reset_button, self.valid_from):
            widget.setEnabled(editable)
        self.editor.setReadOnly(not editable)
        self._type_changed()

    # ---- state -------------------------------------------------------------------------------------

    @property
    def doc_type(self) -> str:
        return self.type_combo.currentData()

    @property
    def dirty(self) -> bool:
        return self.editor.toPlainText() != self.loaded_text

    def effective_date(self) -> date:
        q = self.valid_from.date()
        return date(q.year(), q.month(), q.day())

    def _type_changed(self) -> None:
        kind = self.doc_type
        rows = [HelpRow(f"{{{{ {name} }}}}", text, "Trường") for name, text in placeholders(kind).items()]
        rows += [HelpRow(f"## {name}", SECTIONS[name] + (" (bắt buộc)" if name in REQUIRED[kind] else ""), "Mục")
                 for name in SECTIONS if name in REQUIRED[kind] or name in _OPTIONAL.get(kind, ())]
        self.help_model.set_rows(rows)
        self._load_versions()

    def _load_versions(self, select: date | None = None) -> None:

        with database.translated_errors():
            self.versions = doc_service.template_versions(self.doc_type)
        self.version_combo.blockSignals(True)
        self.version_combo.clear()
        for version in self.versions:
            self.version_combo.addItem(f"Áp dụng từ {ui_date(version.valid_from)}"
                                       + (f" — {version.edited_by}" if version.edited_by else ""),
                                       version.valid_from.isoformat())
        self.version_combo.addItem("Mẫu mặc định (cài sẵn)", "")
        today = date.today()
        if select is None:   # the version in force today
            select = next((v.valid_from for v in self.versions if v.valid_from <= today), None)
        index = self.version_combo.findData(select.isoformat() if select else "")
        self.version_combo.setCurrentIndex(index if index >= 0 else self.version_combo.count() - 1)
        self.version_combo.blockSignals(False)
        self._version_chosen()

    def selected_date(self) -> date | None:
        """The effective date of the version chosen in the list (None: the shipped default)."""
        data = self.version_combo.currentData()
        return date.fromisoformat(data) if data else None

    def _version_chosen(self) -> None:
        valid_from = self.selected_date()
        version = next((v for v in self.versions if v.valid_from == valid_from), None) if valid_from else None
        self.loaded = version
        self.loaded_text = version.body if version else default_template(self.doc_type)
        self.editor.blockSignals(True)
        self.editor.setPlainText(self.loaded_text)
        self.editor.blockSignals(False)
        if version is not None:
            self.valid_from.blockSignals(True)
            self.valid_from.setDate(QDate(valid_from.year, valid_from.month, valid_from.day))
            self.valid_from.blockSignals(False)
        self.reset_button.setText("Xóa phiên bản này (dùng mẫu trước đó)" if version else "Khôi phục mẫu mặc định")
        self.reset_button.setEnabled(self.ctx.can("templates"))
        self.error_label.clear()
        self.update_preview()

    def _edited(self) -> None:
        self._timer.start()

    def refresh(self) -> None:
        """Reload the versions (another administrator may have saved one), unless edits are pending."""
        if not self.dirty:
            self._load_versions(self.selected_date())

    def confirm_close(self) -> bool:
        if not self.dirty:
            return True
        return ask_yes_no(self, "Mẫu văn bản", "Mẫu văn bản đang sửa chưa được lưu. Bỏ các thay đổi?",
                          yes="Bỏ thay đổi", no="Quay lại")

    # ---- editing -----------------------------------------------------------------------------------

    def insert_placeholder(self, row: HelpRow) -> None:
        if row.kind == "Trường" and not self.editor.isReadOnly():
            self.editor.insertPlainText(row.name)
            self.editor.setFocus()

    def save(self) -> None:
        if not self.ctx.can("templates"):
            return
        valid_from = self.effective_date()
        same = self.loaded is not None and self.loaded.valid_from == valid_from
        expected = self.loaded.version if same else None
        existing = next((v for v in self.versions if v.valid_from == valid_from), None)
        if existing is not None and not same and not ask_yes_no(
                self, "Mẫu văn bản", f"Đã có phiên bản áp dụng từ {ui_date(valid_from)}. Thay bằng nội dung đang soạn?",
                yes="Thay thế"):
            return
        doc_type, body = self.doc_type, self.editor.toPlainText()
        stored = {"body": self.loaded_text}

        def write(version):
            try:
                return doc_service.save_template(self.ctx.actor, doc_type, valid_from, body, expected_version=version)
            except UserError as exc:   # a template error names its line and field: shown under the editor too
                self.error_label.setText(exc.message)
                raise

        def reload(kept: dict) -> None:
            self._load_versions(valid_from)
            if "body" in kept:
                self.editor.setPlainText(kept["body"])

        if not save(self, self.ctx, write, version=expected,
                    edit=Edit(stored, {"body": body}, {"body": "Nội dung mẫu"}, {"body": _first_lines}),
                    on_reload=reload):
            return
        self._load_versions(valid_from)
        self.ctx.status_message.emit(f"Đã lưu mẫu {doc_service.KIND_NAMES[self.doc_type].lower()} áp dụng từ "
                                     f"{ui_date(valid_from)}.")

    def revert(self) -> None:
        self._version_chosen()

    def reset(self) -> None:
        """A saved version: delete it (the previous one, or the default, applies again). The default
        selected: put the shipped wording back in the editor."""
        if self.loaded is None:
            self.editor.setPlainText(default_template(self.doc_type))
            return
        when = ui_date(self.loaded.valid_from)
        if not ask_yes_no(self, "Mẫu văn bản", f"Xóa phiên bản mẫu áp dụng từ {when}? Văn bản từ ngày đó sẽ dùng "
                                               "phiên bản trước đó hoặc mẫu mặc định.", yes="Xóa phiên bản"):
            return
        doc_type, valid_from = self.doc_type, self.loaded.valid_from
        if not save(self, self.ctx, lambda: doc_service.reset_template(self.ctx.actor, doc_type, valid_from)):
            return
        self._load_versions()
        show_message(self, "Mẫu văn bản", f"Đã xóa phiên bản áp dụng từ {when}.")

    # ---- preview -----------------------------------------------------------------------------------

    def update_preview(self) -> None:
        """Render the sample document with the text being edited, on a worker thread."""
        self._timer.stop()
        self._generation += 1
        on = self.effective_date()
        try:
            names = doc_service.sample_names(on)
        except Exception as exc:  # noqa: BLE001 — e.g. the database is locked: try at the next edit
            self.error_label.setText(getattr(exc, "message", str(exc)))
            return
        generation, doc_type, body = self._generation, self.doc_type, self.editor.toPlainText()
        path = self._work_dir / f"mau-{generation}.pdf"
        # No database access on the worker: the names were read above, on the GUI thread.
        run_in_background(lambda: doc_service.render_sample(doc_type, body, path, on, names),
                          lambda _result: self._preview_done(generation, path, None),
                          lambda exc: self._preview_done(generation, None, exc), owner=self)

    def _preview_done(self, generation: int, path, error) -> None:
        self.previews_done += 1
        if generation < self._shown_generation:
            return   # an older render finished late
        if error is not None:
            self.last_error = error
            if generation == self._generation:
                self.error_label.setText(getattr(error, "message", str(error)))
            return
        self.last_error = None
        self._shown_generation = generation
        if generation == self._generation:
            self.error_label.clear()
        self.pdf.close()
        self.pdf.load(str(path))
        self.preview_label.setText(f"Xem trước với dữ liệu mẫu — {self.pdf.pageCount()} trang")


def _first_lines(body: str) -> str:
    """A template's wording in the conflict dialog: its first lines and its length."""
    lines = [line for line in (body or "").splitlines() if line.strip()]
    head = "\n".join(lines[:3])
    return f"{head}\n… ({len(lines)} dòng)" if len(lines) > 3 else head


# Optional sections a template of that type may use (besides the required ones).
_OPTIONAL = {"apology": ("noi_nhan",), "control_slip": ("closing",)}
