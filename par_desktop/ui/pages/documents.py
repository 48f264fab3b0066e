"""Văn bản: choose a document and its parameters, generate it in the background, preview the PDF inside
the app (QtPdf), print it, save it as Word or PDF, open it in the system's Word, number it in the
register ("Lấy số và ban hành"), and write the explanation requests of every unit with overdue dossiers
in one go. The register of the year is the second tab.

The preview is always the PDF of exactly what will be printed or saved: a draft until the document is
issued, then the issued version with its number and date (saving again never takes a new number).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDateTimeEdit, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
    QFrame, QLineEdit, QPlainTextEdit, QPushButton, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from par_desktop.domain.salutation import KIND_LABELS
from par_desktop.domain.text import fold, ui_date, vn_percent
from par_desktop.errors import InvalidInput
from par_desktop.services import database, register
from par_desktop.services import documents as doc_service
from par_desktop.services.org import units
from par_desktop.services.survey import waves
from par_desktop.services.tasks.views import years
from par_desktop.ui.context import AppContext
from par_desktop.ui.errors import ask_yes_no, show_error, show_message
from par_desktop.ui import printing
from par_desktop.ui.operations import run_operation
from par_desktop.ui.saving import save
from par_desktop.ui.widgets.table import Column, DataTableView, RowTableModel

KINDS = list(doc_service.KIND_NAMES)
ZOOMS = [("Cả trang", QPdfView.ZoomMode.FitInView), ("Vừa chiều rộng", QPdfView.ZoomMode.FitToWidth),
         *((vn_percent(zoom * 100), zoom) for zoom in (0.75, 1.0, 1.5))]
FIELD_LABELS = {"year": "Năm kế hoạch", "month": "Tháng báo cáo", "unit": "Phòng, đơn vị", "dossier": "Mã hồ sơ",
                "new_due": "Hẹn trả mới", "reason": "Lý do chậm", "applicant_kind": "Danh xưng người nộp",
                "wave": "Đợt khảo sát"}


def open_in_system(path: Path) -> bool:
    """Open a file with the program the system associates with it (Word for .docx)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


@dataclass(frozen=True)
class Current:
    """The document on screen: what was asked, and how it was issued (None: a draft)."""

    request: doc_service.DocRequest
    pdf: Path
    number: int | None = None
    number_text: str | None = None
    issue_date: date | None = None
    notices: tuple[str, ...] = ()


def register_columns() -> list[Column]:
    return [
        Column("Số, ký hiệu", lambda r: r.full_number, width=130),
        Column("Ngày lấy số", lambda r: r.issued_at.date(), width=95),
        Column("Loại văn bản", lambda r: r.type_name, width=150),
        Column("Trích yếu", lambda r: r.title, width=420),
        Column("Người lấy số", lambda r: r.issued_by, width=110),
    ]


class DocumentsPage(QWidget):
    """The Documents page (Văn bản)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.current: Current | None = None
        self.operation = None
        self._work_dir = Path(tempfile.mkdtemp(prefix="par-documents-"))
        self.destroyed.connect(lambda *_: shutil.rmtree(self._work_dir, ignore_errors=True))
        self._counter = 0
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("documentsSplitter")
        parameters = QScrollArea()   # the parameters scroll on a short screen rather than make the window taller
        parameters.setWidgetResizable(True)
        parameters.setFrameShape(QFrame.Shape.NoFrame)
        parameters.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = self._build_parameters()
        parameters.setWidget(inner)
        parameters.setMinimumWidth(inner.minimumSizeHint().width() + parameters.verticalScrollBar().sizeHint().width())
        splitter.addWidget(parameters)
        splitter.addWidget(self._build_preview_and_register())
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)
        self._wire()
        self._kind_changed()
        self._update_buttons()

    def _build_parameters(self) -> QWidget:
        """The left column: the document and its parameters, the actions, the batch of explanation requests."""
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindCombo")
        for kind in KINDS:
            self.kind_combo.addItem(doc_service.KIND_NAMES[kind], kind)
        self.year_combo = QComboBox()
        self.month_edit = QDateEdit()
        self.month_edit.setDisplayFormat("MM/yyyy")
        self.month_edit.setCalendarPopup(True)
        self.month_edit.setDate(QDate.currentDate())
        self.period_label = QLabel()
        self.period_label.setObjectName("periodLabel")
        self.period_label.setStyleSheet("color: #5f6670;")
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("unitCombo")
        self.dossier_edit = QLineEdit()
        self.dossier_edit.setPlaceholderText("Ví dụ: 000.00.18.H06-240207-00001")
        self.new_due_edit = QDateTimeEdit()
        self.new_due_edit.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.new_due_edit.setCalendarPopup(True)
        self.new_due_edit.setDateTime(QDateTime(QDate.currentDate().addDays(5), QTime(17, 0)))
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setPlaceholderText("Lý do chậm trả kết quả, ví dụ: hồ sơ cần xác minh thêm tại địa phương")
        self.reason_edit.setFixedHeight(70)
        self.applicant_kind_combo = QComboBox()
        self.applicant_kind_combo.setObjectName("applicantKindCombo")
        self.applicant_kind_combo.setToolTip("Phiếu gọi người nộp là Ông, Bà hay tên tổ chức; khi lấy số, "
                                             "danh xưng đã chọn được ghi vào hồ sơ")
        for kind, label in KIND_LABELS.items():
            self.applicant_kind_combo.addItem(label, kind or None)
        self.successor_check = QCheckBox("Dùng tên cơ quan kế tiếp")
        self.successor_check.setObjectName("successorCheck")
        self.successor_check.setToolTip("Tên cơ quan đang dùng đã hết hiệu lực: ghi tên mới đã khai báo ở "
                                        "Cài đặt → Tổ chức")
        self.wave_combo = QComboBox()
        self.wave_combo.setObjectName("waveCombo")
        self.form = QFormLayout()
        self.form.addRow("Loại văn bản", self.kind_combo)
        self._fields = {"year": self.year_combo, "month": self.month_edit, "unit": self.unit_combo,
                        "dossier": self.dossier_edit, "new_due": self.new_due_edit, "reason": self.reason_edit,
                        "applicant_kind": self.applicant_kind_combo, "wave": self.wave_combo}
        for name, widget in self._fields.items():
            self.form.addRow(FIELD_LABELS[name], widget)
            if name == "month":
                self.form.addRow("", self.period_label)
        self.form.addRow("", self.successor_check)

        self.generate_button = QPushButton("Lập văn bản (dự thảo)")
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setToolTip("Lập văn bản từ dữ liệu và xem trước (F9)")
        self.issue_button = QPushButton("Lấy số và ban hành")
        self.issue_button.setObjectName("issueButton")
        self.issue_button.setToolTip("Lấy số tiếp theo trong sổ văn bản, ghi ngày hôm nay")
        self.save_docx_button = QPushButton("Lưu Word…")
        self.save_pdf_button = QPushButton("Lưu PDF…")
        self.word_button = QPushButton("Mở bằng Word")
        self.print_button = QPushButton("In…")
        self.print_button.setToolTip("In văn bản (Ctrl+P)")
        self.print_preview_button = QPushButton("Xem trước khi in…")
        self.state_label = QLabel("Chưa lập văn bản.")
        self.state_label.setObjectName("stateLabel")
        self.state_label.setWordWrap(True)
        self.notices_label = QLabel()
        self.notices_label.setObjectName("noticesLabel")
        self.notices_label.setWordWrap(True)
        self.notices_label.setStyleSheet("background: #fff4d6; border: 1px solid #e0b44c; padding: 6px;")
        self.notices_label.setVisible(False)

        self.batch_box = QGroupBox("Đề nghị giải trình hàng loạt")
        self.batch_format = QComboBox()
        self.batch_format.addItem("Word (.docx)", ".docx")
        self.batch_format.addItem("PDF (.pdf)", ".pdf")
        self.batch_issue = QCheckBox("Lấy số cho từng văn bản")
        self.batch_button = QPushButton("Lập cho mọi đơn vị có hồ sơ quá hạn…")
        self.batch_button.setObjectName("batchButton")
        batch_layout = QFormLayout(self.batch_box)
        batch_layout.addRow("Định dạng", self.batch_format)
        batch_layout.addRow(self.batch_issue)
        batch_layout.addRow(self.batch_button)

        left = QWidget()
        left.setObjectName("documentParameters")
        left_layout = QVBoxLayout(left)
        params = QGroupBox("Văn bản và thông số")
        params.setLayout(self.form)
        left_layout.addWidget(params)
        actions = QGroupBox("Thao tác")
        actions_layout = QVBoxLayout(actions)
        actions_layout.addWidget(self.generate_button)
        actions_layout.addWidget(self.issue_button)
        row = QHBoxLayout()
        row.addWidget(self.save_docx_button)
        row.addWidget(self.save_pdf_button)
        actions_layout.addLayout(row)
        actions_layout.addWidget(self.word_button)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.print_preview_button)
        actions_layout.addLayout(row)
        actions_layout.addWidget(self.state_label)
        actions_layout.addWidget(self.notices_label)
        left_layout.addWidget(actions)
        left_layout.addWidget(self.batch_box)
        left_layout.addStretch(1)
        return left

    def _build_preview_and_register(self) -> QWidget:
        """The right side: the PDF preview and the register of issued numbers, as two tabs."""
        self.pdf = QPdfDocument(self)
        self.pdf_view = QPdfView(self)
        self.pdf_view.setObjectName("pdfPreview")
        self.pdf_view.setDocument(self.pdf)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.pdf_view.setPageSpacing(12)
        self.pages_label = QLabel()
        self.zoom_combo = QComboBox()
        self.zoom_combo.setObjectName("zoomCombo")
        for label, value in ZOOMS:
            self.zoom_combo.addItem(label, value)
        preview = QWidget()
        preview_layout = QVBoxLayout(preview)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(self.pdf_view, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.pages_label)
        bottom.addStretch(1)
        bottom.addWidget(QLabel("Thu phóng"))
        bottom.addWidget(self.zoom_combo)
        preview_layout.addLayout(bottom)

        self.register_year = QComboBox()
        self.register_year.setObjectName("registerYear")
        self.register_model = RowTableModel(register_columns(), key=lambda r: r.id)
        self.register_view = DataTableView(self.register_model, export_name="so-van-ban")
        self.register_view.remember(self.ctx, "documents.register")
        register = QWidget()
        register_layout = QVBoxLayout(register)
        register_layout.setContentsMargins(0, 4, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel("Năm"))
        top.addWidget(self.register_year)
        top.addStretch(1)
        register_layout.addLayout(top)
        register_layout.addWidget(self.register_view, 1)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("documentTabs")
        self.tabs.addTab(preview, "Xem trước")
        self.tabs.addTab(register, "Sổ đăng ký văn bản")
        return self.tabs

    def _wire(self) -> None:
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.month_edit.dateChanged.connect(self._update_period)
        self.generate_button.clicked.connect(self.generate)
        self.issue_button.clicked.connect(self.issue)
        self.save_docx_button.clicked.connect(lambda: self.save_as(".docx"))
        self.save_pdf_button.clicked.connect(lambda: self.save_as(".pdf"))
        self.word_button.clicked.connect(self.open_in_word)
        self.print_button.clicked.connect(self.print_current)
        self.print_preview_button.clicked.connect(self.print_preview)
        self.batch_button.clicked.connect(self.batch_explanations)
        self.register_year.currentIndexChanged.connect(self._load_register)
        self.pdf.statusChanged.connect(self._pdf_status)
        self.zoom_combo.currentIndexChanged.connect(self._zoom)
        QShortcut(QKeySequence("F9"), self, self.generate)
        for field in (self.year_combo, self.unit_combo, self.applicant_kind_combo, self.wave_combo):
            field.currentIndexChanged.connect(self._parameters_changed)
        self.month_edit.dateChanged.connect(self._parameters_changed)
        self.successor_check.toggled.connect(self._parameters_changed)
        self.dossier_edit.textEdited.connect(self._parameters_changed)
        self.new_due_edit.dateTimeChanged.connect(self._parameters_changed)
        self.reason_edit.textChanged.connect(self._parameters_changed)

    # ---- parameters ------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return self.kind_combo.currentData()

    def set_kind(self, kind: str) -> None:
        self.kind_combo.setCurrentIndex(KINDS.index(kind))

    def set_month(self, year: int, month: int) -> None:
        self.month_edit.setDate(QDate(year, month, 1))

    def set_unit(self, code_or_name: str) -> None:
        key = fold(code_or_name)
        for i in range(self.unit_combo.count()):
            name, code = self.unit_combo.itemText(i), self.unit_combo.itemData(i)
            if fold(name) == key or fold(code) == key:
                self.unit_combo.setCurrentIndex(i)
                return
        raise InvalidInput(f"Không có đơn vị «{code_or_name}» trong danh sách.")

    def _kind_changed(self) -> None:
        needed = doc_service.PARAMETERS[self.kind]
        for name, widget in self._fields.items():
            visible = name in needed
            widget.setVisible(visible)
            self.form.labelForField(widget).setVisible(visible)
        self.period_label.setVisible("month" in needed)
        self.batch_box.setVisible(self.kind == "explanation_request")
        self.issue_button.setVisible(doc_service.REGISTER_TYPES[self.kind] is not None)
        self._update_period()
        self._parameters_changed()

    def _update_period(self) -> None:
        try:
            period = doc_service.report_period(self.month_edit.date().year(), self.month_edit.date().month())
        except Exception:  # noqa: BLE001 — no database yet: the label stays empty
            self.period_label.setText("")
            return
        self.period_label.setText(f"Kỳ báo cáo: từ {ui_date(period.start)} đến {ui_date(period.end)}")

    def _parameters_changed(self, *_) -> None:
        """Another document is asked for: what is on screen no longer matches the parameters."""
        if self.current is not None and self.current.request != self.request():
            self.state_label.setText("Thông số đã thay đổi: bấm «Lập văn bản» để lập lại.")
        self._update_buttons()

    def request(self) -> doc_service.DocRequest:
        q = self.month_edit.date()
        new_due = self.new_due_edit.dateTime()
        return doc_service.DocRequest(
            kind=self.kind, year=self.year_combo.currentData(), month=f"{q.year():04d}-{q.month():02d}",
            unit=self.unit_combo.currentData(), dossier=self.dossier_edit.text().strip() or None,
            new_due=datetime(new_due.date().year(), new_due.date().month(), new_due.date().day(),
                             new_due.time().hour(), new_due.time().minute()),
            reason=self.reason_edit.toPlainText().strip(), applicant_kind=self.applicant_kind_combo.currentData(),
            wave=self.wave_combo.currentData(),
            successor_names=self.successor_check.isVisibleTo(self) and self.successor_check.isChecked())

    def _update_buttons(self) -> None:
        ready = self.current is not None and self.current.request == self.request()
        for button in (self.save_docx_button, self.save_pdf_button, self.word_button, self.print_button,
                       self.print_preview_button):
            button.setEnabled(ready)
        issued = ready and self.current.number_text is not None   # on screen, already numbered
        can_issue = self.ctx.can("register") and not issued
        self.issue_button.setEnabled(can_issue and self.ctx.can("documents"))
        self.generate_button.setEnabled(self.ctx.can("documents"))
        self.batch_button.setEnabled(self.ctx.can("documents"))

    # ---- refresh ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        with database.translated_errors():
            unit_list = units()
            plan_years = years()
            register_years = register.years()
            offered = doc_service.successor_offered()
            wave_names = [w.name for w in waves()]
        self.successor_check.setVisible(offered)
        selected_wave = self.wave_combo.currentData()
        self.wave_combo.blockSignals(True)
        self.wave_combo.clear()
        for name in wave_names:
            self.wave_combo.addItem(name, name)
        self.wave_combo.setCurrentIndex(max(self.wave_combo.findData(selected_wave), 0))
        self.wave_combo.blockSignals(False)
        selected_unit = self.unit_combo.currentData()
        self.unit_combo.blockSignals(True)
        self.unit_combo.clear()
        for unit in unit_list:
            self.unit_combo.addItem(unit.name, unit.short_code)
        index = self.unit_combo.findData(selected_unit)
        self.unit_combo.setCurrentIndex(max(index, 0))
        self.unit_combo.blockSignals(False)
        selected_year = self.year_combo.currentData()
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in sorted(set(plan_years), reverse=True):
            self.year_combo.addItem(str(year), year)
        index = self.year_combo.findData(selected_year)
        self.year_combo.setCurrentIndex(max(index, 0))
        self.year_combo.blockSignals(False)
        shown = self.register_year.currentData()
        self.register_year.blockSignals(True)
        self.register_year.clear()
        for year in sorted({date.today().year, *register_years}, reverse=True):
            self.register_year.addItem(str(year), year)
        index = self.register_year.findData(shown)
        self.register_year.setCurrentIndex(max(index, 0))
        self.register_year.blockSignals(False)
        self._update_period()
        self._load_register()
        self._update_buttons()

    def _load_register(self) -> None:
        year = self.register_year.currentData()
        if year is not None:
            self.register_view.set_rows(register.list_register(year))

    def apply_search(self, text: str) -> None:
        """The global search box filters the register (accent-insensitive)."""
        words = fold(text).split()
        self.register_view.set_filter((lambda row, key: all(w in key for w in words)) if words else None)
        if words:
            self.tabs.setCurrentIndex(1)

    def navigate_to(self, payload) -> None:
        """``{"kind": "apology", "dossier": code}``, ``{"kind": "explanation_request", "unit": "NCC"}``…;
        ``{"register_id": id}`` (the global search) shows that entry of the register."""
        if isinstance(payload, dict) and payload.get("register_id") is not None:
            self.show_register_entry(payload["register_id"])
            return
        if not isinstance(payload, dict) or payload.get("kind") not in KINDS:
            return
        self.set_kind(payload["kind"])
        if payload.get("dossier"):
            self.dossier_edit.setText(payload["dossier"])
        if payload.get("unit"):
            self.set_unit(payload["unit"])
        if payload.get("month"):
            year, month = doc_service.parse_month(payload["month"])
            self.set_month(year, month)
        if payload.get("wave") and self.wave_combo.findData(payload["wave"]) >= 0:
            self.wave_combo.setCurrentIndex(self.wave_combo.findData(payload["wave"]))

    def show_register_entry(self, entry_id: int) -> None:
        entry = register.register_row(entry_id)
        if entry is None:
            return
        index = self.register_year.findData(entry.year)
        if index >= 0:
            self.register_year.setCurrentIndex(index)   # -> _load_register
        self.register_view.set_filter(None)
        self.tabs.setCurrentIndex(1)
        self.register_view.select_key(entry_id)

    # ---- generating ------------------------------------------------------------------------------

    def _temp_pdf(self) -> Path:
        self._counter += 1
        return self._work_dir / f"van-ban-{self._counter}.pdf"

    def generate(self) -> None:
        """Lập văn bản: the draft (or an issued plan as issued), in the background, then preview it."""
        request = self.request()
        path = self._temp_pdf()
        actor = self.ctx.actor

        def work(progress):
            progress.report(0, 6, f"Đang lập {doc_service.KIND_NAMES[request.kind].lower()}…")
            return doc_service.generate(actor, request, path, progress=progress)

        self.operation = run_operation(self, "Lập văn bản", work,
                                       lambda result: self._show(Current(request, result.path, None,
                                                                         result.number_text, result.issue_date,
                                                                         result.notices)))

    def issue(self) -> None:
        """Lấy số và ban hành: the next number of the register, today's date, then the issued preview."""
        request = self.request()
        type_abbr = doc_service.REGISTER_TYPES[request.kind]
        if type_abbr is None:
            return
        name = doc_service.KIND_NAMES[request.kind].lower()
        draft = self.current if self.current is not None and self.current.request == request else None
        notices = ("\n\nLưu ý trước khi ký:\n" + "\n".join(f"• {n}" for n in draft.notices)) \
            if draft is not None and draft.notices else ""
        if not ask_yes_no(self, "Lấy số và ban hành",
                          f"Lấy số tiếp theo trong sổ văn bản cho {name} này và ghi ngày ban hành hôm nay "
                          f"({ui_date(date.today())})?\n\nSố đã lấy được ghi vào sổ và không dùng lại được."
                          + notices, yes="Lấy số"):
            return
        path = self._temp_pdf()
        actor = self.ctx.actor

        def work(*, progress):
            return doc_service.generate(actor, request, path, issue=True, progress=progress)

        def done(result):
            self._show(Current(request, result.path, result.number, result.number_text, result.issue_date,
                               result.notices))
            self._load_register()
            self.ctx.status_message.emit(f"Đã lấy số {result.number_text} cho {name}.")

        self.operation = save(self, self.ctx, work, on_saved=done, background="Lấy số và ban hành")

    def _show(self, current: Current) -> None:
        self.current = current
        self.pdf.close()
        self.pdf.load(str(current.pdf))
        self.tabs.setCurrentIndex(0)
        if current.number_text:
            when = f" ngày {ui_date(current.issue_date)}" if current.issue_date else ""
            self.state_label.setText(f"Đã ban hành: số {current.number_text}{when}.")
        else:
            self.state_label.setText("Bản dự thảo (chưa có số, chưa ghi ngày).")
        self.notices_label.setText("Lưu ý trước khi ký:\n" + "\n".join(f"• {n}" for n in current.notices))
        self.notices_label.setVisible(bool(current.notices))
        self._update_buttons()

    def _zoom(self) -> None:
        value = self.zoom_combo.currentData()
        if isinstance(value, float):
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.pdf_view.setZoomFactor(value)
        else:
            self.pdf_view.setZoomMode(value)

    def _pdf_status(self, status) -> None:
        if status == QPdfDocument.Status.Ready:
            self.pages_label.setText(f"{self.pdf.pageCount()} trang")
        elif status == QPdfDocument.Status.Error:
            self.pages_label.setText("Không mở được bản xem trước.")

    # ---- saving, opening, printing -----------------------------------------------------------------

    def _write(self, path: Path, on_done) -> None:
        """Write what is on screen to ``path`` (same number and date, never a new number)."""
        current = self.current
        if current is None:
            return
        actor = self.ctx.actor
        request, number, issue_date = current.request, current.number, current.issue_date

        def work(progress):
            if number is None:   # a draft, or a plan issued earlier (it reprints with its number)
                return doc_service.generate(actor, request, path, progress=progress).path
            return doc_service.write(actor, request, path, number=number, issue_date=issue_date, progress=progress)

        self.operation = run_operation(self, "Ghi văn bản", work, on_done)

    def save_path(self, suffix: str) -> Path | None:
        """Ask where to save (a method, so tests and scripts can answer without a dialog)."""
        name = doc_service.suggested_name(self.current.request, self.current.number_text) + suffix
        folder = Path(self.ctx.pref("documents/folder", str(Path.home())))
        filters = "Word (*.docx)" if suffix == ".docx" else "PDF (*.pdf)"
        chosen, _ = QFileDialog.getSaveFileName(self, "Lưu văn bản", str(folder / name), filters)
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        self.ctx.set_pref("documents/folder", str(path.parent))
        return path

    def save_as(self, suffix: str) -> None:
        if self.current is None:
            return
        path = self.save_path(suffix)
        if path is None:
            return
        self._write(path, lambda written: self.ctx.status_message.emit(f"Đã lưu {written}."))

    def open_in_word(self) -> None:
        """Write the .docx to the work folder and open it with the system's program for Word files."""
        if self.current is None:
            return
        name = doc_service.suggested_name(self.current.request, self.current.number_text) + ".docx"
        target = self._work_dir / name

        def opened(written):
            if not open_in_system(Path(written)):
                show_message(self, "Mở bằng Word", f"Không tìm thấy chương trình mở tệp Word. Tệp đã lưu tại: {written}",
                             warning=True)

        self._write(target, opened)

    def print_to(self, printer: QPrinter) -> None:
        """Send the previewed PDF to ``printer`` in the background (progress, "Hủy"), honouring the
        range, current page, copies and order the print dialog left in it."""
        if self.current is None or self.pdf.status() != QPdfDocument.Status.Ready:
            return
        pages = printing.chosen_pages(printer, self.pdf.pageCount(), self.pdf_view.pageNavigator().currentPage())
        path = self.current.pdf

        def work(progress):
            return printing.print_pdf(printer, path, pages, report=progress.report,
                                      check_cancelled=progress.check_cancelled)

        def done(report):
            where = (f"tệp {printer.outputFileName()}" if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
                     else f"máy in {printer.printerName()}")
            self.ctx.status_message.emit(f"Đã gửi {report.sheets} trang tới {where}.")

        self.operation = run_operation(self, "In văn bản", work, done,
                                       on_cancel=lambda: self.ctx.status_message.emit("Đã hủy lệnh in."))

    def print_current(self) -> None:
        """In… (Ctrl+P): the print dialog (A4 from the document, range and current page offered), then
        the pages in the background."""
        if self.current is None or self.pdf.status() != QPdfDocument.Status.Ready:
            show_message(self, "In văn bản", "Hãy lập văn bản trước khi in.")
            return
        printer = printing.new_printer(self.pdf, doc_service.suggested_name(self.current.request,
                                                                             self.current.number_text))
        dialog = printing.print_dialog(printer, self.pdf.pageCount(), self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            try:
                self.print_to(printer)
            except Exception as exc:  # noqa: BLE001 — a printer problem is shown, never a crash
                show_error(self, exc)

    def print_preview(self) -> None:
        """Xem trước khi in: each sheet on its own paper and orientation; "In…" opens the print dialog."""
        if self.current is None or self.pdf.status() != QPdfDocument.Status.Ready:
            return
        self.preview_dialog = printing.PrintPreviewDialog(self.pdf, self, on_print=self.print_current)
        self.preview_dialog.exec()

    # ---- batch -------------------------------------------------------------------------------------

    def batch_folder(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self, "Chọn thư mục lưu các công văn",
                                                  self.ctx.pref("documents/folder", str(Path.home())))
        return Path(folder) if folder else None

    def batch_explanations(self) -> None:
        """One explanation request per unit with overdue dossiers in the month, written to one folder."""
        folder = self.batch_folder()
        if folder is None:
            return
        self.ctx.set_pref("documents/folder", str(folder))
        month = self.request().month
        suffix = self.batch_format.currentData()
        issue = self.batch_issue.isChecked()
        actor = self.ctx.actor

        def work(progress):
            progress.report(0, 0, "Đang tìm các đơn vị có hồ sơ quá hạn…")
            units = doc_service.explanation_units(month)
            written = []
            for i, (unit, count) in enumerate(units):
                progress.check_cancelled()
                progress.report(i, len(units), f"{unit.name}: {count} hồ sơ quá hạn…")
                request = doc_service.DocRequest("explanation_request", unit=unit.short_code, month=month)
                path = folder / (doc_service.suggested_name(request) + suffix)
                result = doc_service.generate(actor, request, path, issue=issue)
                if result.number_text and issue:
                    numbered = path.with_name(doc_service.suggested_name(request, result.number_text) + suffix)
                    result = replace(result, path=result.path.replace(numbered))
                written.append((unit.name, count, result))
            progress.report(len(units), len(units), "Xong.")
            return written

        def done(written):
            if issue:
                self.ctx.notify_changed()
                self._load_register()
            if not written:
                show_message(self, "Đề nghị giải trình", "Không có đơn vị nào có hồ sơ quá hạn trong kỳ.")
                return
            lines = [f"• {name}: {count} hồ sơ — {result.path.name}"
                     + (f" (số {result.number_text})" if issue and result.number_text else "")
                     for name, count, result in written]
            self.last_batch = written
            show_message(self, "Đề nghị giải trình",
                         f"Đã lập {len(written)} công văn trong thư mục {folder}:\n" + "\n".join(lines))

        self.operation = run_operation(self, "Lập đề nghị giải trình hàng loạt", work, done)
