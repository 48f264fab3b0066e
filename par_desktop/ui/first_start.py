"""First start on an empty database (khởi đầu): a short wizard — organisation and signer, units, the
plan, the one-stop dossiers — or the demo data instead.

Shown by ``app.run_gui`` right after sign-in when no organisation profile exists and the clerk may
edit the organisation. Each page saves when the clerk moves on, so "Hủy" keeps what was saved and the
app opens normally; the rest can be done later in Cài đặt → Tổ chức, Danh mục → Đơn vị, Nhiệm vụ and Hồ sơ TTHC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
    QRadioButton, QTableView, QVBoxLayout, QWidget, QWizard, QWizardPage,
)

from par_desktop.domain.text import fold, unit_key
from par_desktop.errors import InvalidInput, NotFound
from par_desktop.services import demo, org, procedures
from par_desktop.services.session import Actor
from par_desktop.ui.dialogs.task_dialogs import date_edit, from_qdate
from par_desktop.ui.errors import show_error
from par_desktop.ui.saving import save

PLAN_FILES = "Kế hoạch (*.docx *.xlsx)"
DOSSIER_FILES = "Tệp xuất từ phần mềm một cửa (*.xlsx *.csv)"
OFFICE_ROW = ("Văn phòng Sở", "VP", "")


def needs_first_start(actor: Actor) -> bool:
    """No organisation profile yet, and this clerk may declare one."""
    if not actor.can("organisation"):
        return False
    try:
        org.org_names()
    except NotFound:
        return True
    return False


def run_first_start_if_needed(ctx_or_actor, parent: QWidget | None = None) -> bool:
    """Show the wizard (modal) when ``needs_first_start``; True when it was shown."""
    actor = getattr(ctx_or_actor, "actor", ctx_or_actor)
    if not needs_first_start(actor):
        return False
    wizard = FirstStartWizard(actor, parent)
    wizard.exec()
    return True


def demo_blocker(actor: Actor) -> str:
    """Why the demo data cannot be used here ("" when it can): it needs an empty database and creates
    its own accounts."""
    if demo.has_data():
        return "Cơ sở dữ liệu đã có đơn vị hoặc hồ sơ nên không dùng được dữ liệu mẫu."
    if not (actor.can("import") and actor.can("manage_users")):
        return "Chỉ tài khoản Quản trị mới tạo được dữ liệu mẫu (dữ liệu mẫu có các tài khoản mẫu)."
    return ""


class _Page(QWizardPage):
    """A page whose save may run in the background: ``busy`` keeps the clerk from moving meanwhile."""

    def __init__(self, actor: Actor, title: str, subtitle: str):
        super().__init__()
        self.actor = actor
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.operation = None

    def _set_busy(self, busy: bool) -> None:
        wizard = self.wizard()
        for button in (QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
                       QWizard.WizardButton.FinishButton, QWizard.WizardButton.CancelButton):
            wizard.button(button).setEnabled(not busy)

    def _run(self, title: str, work, on_success, cancellable: bool = False) -> None:
        from par_desktop.ui.operations import run_operation

        self._set_busy(True)

        def succeeded(result):
            self._set_busy(False)
            on_success(result)

        def failed(exc):
            self._set_busy(False)
            show_error(self, exc)

        self.operation = run_operation(self, title, work, succeeded, cancellable, on_error=failed,
                                       on_cancel=lambda: self._set_busy(False))


class StartPage(_Page):
    """Declare our own organisation, or fill the empty database with the demo data."""

    def __init__(self, actor: Actor):
        super().__init__(actor, "Bắt đầu sử dụng",
                         "Cơ sở dữ liệu còn trống. Khai báo cơ quan trong vài bước, hoặc dùng dữ liệu mẫu để xem thử.")
        self.setObjectName("startPage")
        self.own_radio = QRadioButton("Khai báo cơ quan, đơn vị, kế hoạch và hồ sơ của mình")
        self.own_radio.setChecked(True)
        self.demo_radio = QRadioButton("Dùng dữ liệu mẫu (Sở Lao động - Thương binh và Xã hội tỉnh Bắc Giang, "
                                       "kế hoạch 38/KH năm 2024, khoảng 1.500 hồ sơ)")
        self.demo_note = QLabel("")
        self.demo_note.setWordWrap(True)
        self.demo_note.setStyleSheet("QLabel { color: #5f6368; }")
        self.demo_done = False
        layout = QVBoxLayout(self)
        layout.addWidget(self.own_radio)
        layout.addWidget(self.demo_radio)
        layout.addWidget(self.demo_note)
        layout.addStretch(1)
        self.demo_radio.toggled.connect(self.setFinalPage)   # "Hoàn tất" instead of "Tiếp" (the layout follows)

    def initializePage(self) -> None:
        blocker = demo_blocker(self.actor)
        self.demo_radio.setEnabled(not blocker)
        if blocker:
            self.own_radio.setChecked(True)
        self.demo_note.setText(blocker or "Dữ liệu mẫu chỉ để xem thử; khi làm việc thật hãy dùng một cơ sở "
                               "dữ liệu mới. Các tài khoản mẫu có mật khẩu demo1234.")

    def nextId(self) -> int:
        return -1 if self.demo_radio.isChecked() else super().nextId()

    def validatePage(self) -> bool:
        if not self.demo_radio.isChecked() or self.demo_done:
            return True
        actor = self.actor

        def work(progress):
            progress.report(0, 0, "Đang tạo dữ liệu mẫu…")
            demo.fill_demo(actor)

        def done(_result):
            self.demo_done = True
            self.wizard().accept()

        self._run("Tạo dữ liệu mẫu", work, done)
        return False


class OrganisationPage(_Page):
    """Cơ quan: the names printed on documents, and the default signer."""

    def __init__(self, actor: Actor):
        super().__init__(actor, "Cơ quan", "Tên cơ quan in trên văn bản và người ký mặc định. "
                         "Có thể sửa sau trong Cài đặt → Tổ chức.")
        self.setObjectName("organisationPage")
        self.governing_edit = self._line("governingBody", "ví dụ: UBND TỈNH BẮC GIANG")
        self.agency_edit = self._line("agencyName", "ví dụ: SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")
        self.short_edit = self._line("agencyShort", "ví dụ: Sở Lao động - Thương binh và Xã hội")
        self.abbr_edit = self._line("agencyAbbr", "ví dụ: SLĐTBXH")
        self.place_edit = self._line("placeName", "ví dụ: Bắc Giang")
        self.valid_from_edit = date_edit(date(date.today().year, 1, 1))
        self.signer_name_edit = self._line("signerName", "ví dụ: Trần Văn Hà")
        self.signer_title_edit = self._line("signerTitle", "ví dụ: PHÓ GIÁM ĐỐC")
        self.signer_authority_edit = self._line("signerAuthority", "ví dụ: KT. GIÁM ĐỐC (để trống nếu ký trực tiếp)")
        form = QFormLayout(self)
        form.addRow("Cơ quan chủ quản (in hoa):", self.governing_edit)
        form.addRow("Tên cơ quan (in hoa):", self.agency_edit)
        form.addRow("Tên trong câu văn:", self.short_edit)
        form.addRow("Viết tắt trong số văn bản:", self.abbr_edit)
        form.addRow("Địa danh:", self.place_edit)
        form.addRow("Áp dụng từ ngày:", self.valid_from_edit)
        heading = QLabel("<b>Người ký mặc định</b>")
        form.addRow(heading)
        form.addRow("Họ và tên:", self.signer_name_edit)
        form.addRow("Chức vụ:", self.signer_title_edit)
        form.addRow("Thẩm quyền ký:", self.signer_authority_edit)
        self.saved_from: date | None = None
        self.signer_id: int | None = None

    @staticmethod
    def _line(name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setMinimumWidth(380)
        return edit

    def names(self, office_code: str = OFFICE_ROW[1]) -> org.OrgNames:
        return org.OrgNames(governing_body=self.governing_edit.text().strip().upper(),
                            agency_name=self.agency_edit.text().strip().upper(),
                            agency_short=self.short_edit.text().strip(),
                            agency_abbr=self.abbr_edit.text().strip(),
                            place_name=self.place_edit.text().strip(),
                            office_unit_code=office_code)

    def valid_from(self) -> date:
        return self.saved_from or from_qdate(self.valid_from_edit.date())

    def validatePage(self) -> bool:
        labels = {"governing_body": "cơ quan chủ quản", "agency_name": "tên cơ quan", "agency_short":
                  "tên trong câu văn", "agency_abbr": "viết tắt trong số văn bản", "place_name": "địa danh"}
        names = self.names()
        missing = [label for key, label in labels.items() if not getattr(names, key)]

        def write() -> None:
            if missing:
                raise InvalidInput("Hãy ghi " + ", ".join(missing) + ".")
            if not self.signer_name_edit.text().strip() or not self.signer_title_edit.text().strip():
                raise InvalidInput("Hãy ghi họ tên và chức vụ của người ký mặc định.")
            org.set_org_names(self.actor, self.valid_from(), names)
            self.saved_from = self.valid_from()
            self.valid_from_edit.setEnabled(False)   # a second date would add a second dated row
            version = org.signer(self.signer_id).version if self.signer_id else None
            self.signer_id = org.save_signer(
                self.actor, self.signer_id, version, name=self.signer_name_edit.text().strip(),
                title=self.signer_title_edit.text().strip().upper(),
                authority=self.signer_authority_edit.text().strip().upper(), is_default=True)

        return bool(save(self, None, write))


@dataclass
class UnitRow:
    name: str = ""
    short_code: str = ""
    head_name: str = ""
    saved: bool = False


class UnitRowsModel(QAbstractTableModel):
    """The editable list of units (name, short code, head); rows already saved are read-only."""

    HEADERS = ["Tên đơn vị", "Viết tắt", "Trưởng đơn vị"]
    FIELDS = ["name", "short_code", "head_name"]

    def __init__(self, rows: list[UnitRow], parent=None):
        super().__init__(parent)
        self.rows = rows

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.FIELDS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
                return self.HEADERS[section]
            if orientation == Qt.Orientation.Vertical:
                return str(section + 1)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return getattr(row, self.FIELDS[index.column()])
        if role == Qt.ItemDataRole.ToolTipRole and row.saved:
            return "Đã lưu; sửa trong Danh mục → Đơn vị."
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base if self.rows[index.row()].saved else base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or self.rows[index.row()].saved:
            return False
        setattr(self.rows[index.row()], self.FIELDS[index.column()], str(value or "").strip())
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True

    def add_row(self) -> int:
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(UnitRow())
        self.endInsertRows()
        return len(self.rows) - 1

    def remove_row(self, position: int) -> bool:
        if not 0 <= position < len(self.rows) or self.rows[position].saved:
            return False
        self.beginRemoveRows(QModelIndex(), position, position)
        del self.rows[position]
        self.endRemoveRows()
        return True

    def mark_saved(self, position: int) -> None:
        self.rows[position].saved = True
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(self.FIELDS) - 1))


class UnitsPage(_Page):
    """Đơn vị: the Office and the divisions that own tasks and dossiers."""

    def __init__(self, actor: Actor):
        super().__init__(actor, "Đơn vị", "Các phòng, đơn vị của Sở. Viết tắt dùng trong số văn bản (để trống: "
                         "tự đặt theo chữ cái đầu). Có thể thêm, sửa sau trong Danh mục → Đơn vị.")
        self.setObjectName("unitsPage")
        self.model = UnitRowsModel([UnitRow(*OFFICE_ROW)], self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(1, 100)
        header.resizeSection(2, 200)
        self.add_button = QPushButton("Thêm đơn vị")
        self.add_button.clicked.connect(self.add_unit)
        self.remove_button = QPushButton("Xóa dòng")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addLayout(buttons)

    def add_unit(self) -> None:
        row = self.model.add_row()
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)   # opens the editor by itself (the CurrentChanged trigger) …
        if self.view.state() != QAbstractItemView.State.EditingState:
            self.view.edit(index)          # … unless the view was already on that index

    def remove_selected(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.model.remove_row(index.row())

    def commit_edit(self) -> None:
        """A cell still being typed in (Tiếp pressed by keyboard) counts as typed."""
        from PySide6.QtWidgets import QAbstractItemDelegate

        editor = self.view.indexWidget(self.view.currentIndex())
        if editor is not None:
            self.view.commitData(editor)
            self.view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def _check(self, rows: list[tuple[int, UnitRow]]) -> None:
        if not rows:
            raise InvalidInput("Hãy ghi ít nhất một đơn vị (Văn phòng Sở).")
        names: dict[str, int] = {}
        codes: dict[str, int] = {}
        for position, row in rows:
            if not row.name:
                raise InvalidInput(f"Dòng {position + 1}: hãy ghi tên đơn vị.")
            for seen, key, what in ((names, unit_key(row.name), "tên"), (codes, fold(row.short_code), "viết tắt")):
                if key and key in seen:
                    raise InvalidInput(f"Dòng {position + 1} trùng {what} với dòng {seen[key] + 1}.")
                seen[key] = position

    def validatePage(self) -> bool:
        self.commit_edit()
        rows = [(i, r) for i, r in enumerate(self.model.rows) if r.name or r.short_code or r.head_name]

        def write() -> None:
            self._check(rows)
            for position, row in rows:
                if row.saved:
                    continue
                if row.short_code and org.unit_with_code(row.short_code) is not None:
                    raise InvalidInput(f"Dòng {position + 1}: đã có đơn vị viết tắt «{row.short_code}».")
                kind = "office" if position == 0 else "division"
                org.create_unit(self.actor, row.name, row.short_code or None, kind=kind, head_name=row.head_name,
                                head_title="Chánh Văn phòng" if kind == "office" else "Trưởng phòng",
                                sort_order=position)
                self.model.mark_saved(position)
            self._office_code_to_names()

        return bool(save(self, None, write))

    def _office_code_to_names(self) -> None:
        """The organisation names carry the Office's short code (numbers of its documents)."""
        office = org.office_unit()
        page = self.wizard().page(FirstStartWizard.ORG)
        if office is None or page.saved_from is None:
            return
        names = org.org_names(page.saved_from)
        if names.office_unit_code != office.short_code:
            org.set_org_names(self.actor, page.saved_from, page.names(office.short_code))


class _ImportPage(_Page):
    """An optional import: choose a file, then "Nhập" (or Tiếp) imports it and the result stays shown."""

    FILTER = ""
    BUTTON = ""

    def __init__(self, actor: Actor, title: str, subtitle: str, note: str = ""):
        super().__init__(actor, title, subtitle)
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("Chưa chọn tệp (bước này có thể bỏ qua)")
        self.choose_button = QPushButton("Chọn tệp…")
        self.choose_button.clicked.connect(self.choose_file)
        self.import_button = QPushButton(self.BUTTON)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(lambda: self.start_import())
        self.note_label = QLabel(note)
        self.note_label.setWordWrap(True)
        self.result_label = QLabel("")
        self.result_label.setObjectName("resultLabel")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        row.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note_label)
        layout.addLayout(row)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        self.imported_path: Path | None = None
        self.result = None

    def choose_file(self) -> None:
        from par_desktop.ui.export import ask_open_paths

        paths = ask_open_paths(self, self.title(), self.FILTER)
        if paths:
            self.set_file(paths[0])

    def set_file(self, path: Path) -> None:
        self.path_edit.setText(str(path))
        self.import_button.setEnabled(True)

    def pending(self) -> Path | None:
        text = self.path_edit.text()
        return Path(text) if text and Path(text) != self.imported_path else None

    def validatePage(self) -> bool:
        if self.pending() is None:
            return True
        self.start_import()
        return False

    def start_import(self) -> None:
        raise NotImplementedError

    def _imported(self, path: Path, result, lines: list[str]) -> None:
        self.imported_path = path
        self.result = result
        self.result_label.setText("\n".join(lines))
        self.import_button.setEnabled(False)   # imported; choosing another file enables it again


class PlanPage(_ImportPage):
    """Kế hoạch: the year's CCHC plan (.docx/.xlsx) with its appendix of tasks."""

    FILTER = PLAN_FILES
    BUTTON = "Nhập kế hoạch"

    def __init__(self, actor: Actor):
        super().__init__(actor, "Kế hoạch", "Kế hoạch CCHC của năm (tệp Word hoặc Excel có bảng phụ lục nhiệm vụ).",
                         "Chọn tệp kế hoạch rồi bấm «Nhập kế hoạch». Tên đơn vị chưa có sẽ được hỏi ghép với "
                         "đơn vị đã khai báo hoặc tạo mới. Có thể nhập sau ở trang Nhiệm vụ.")
        self.setObjectName("planPage")

    def start_import(self) -> None:
        from par_desktop.services.tasks import plan_import

        path = Path(self.path_edit.text())
        self._run("Đọc tệp kế hoạch", lambda _progress: plan_import.read_plan_file(path),
                  lambda document: self._confirm_and_import(document, path))

    def _confirm_and_import(self, document, path: Path) -> None:
        from par_desktop.ui.dialogs.task_dialogs import (
            ask_plan_import_options, plan_import_summary, plan_import_work,
        )

        options = ask_plan_import_options(self, document, path)
        if options is None:
            return
        self._run("Nhập kế hoạch", plan_import_work(self.actor, document, *options),
                  lambda result: self._imported(path, result, plan_import_summary(result, path)))


class DossiersPage(_ImportPage):
    """Hồ sơ: the export of the one-stop software (phần mềm một cửa)."""

    FILTER = DOSSIER_FILES
    BUTTON = "Nhập hồ sơ"

    def __init__(self, actor: Actor):
        super().__init__(actor, "Hồ sơ", "Hồ sơ TTHC xuất từ phần mềm một cửa (.xlsx hoặc .csv).")
        self.setObjectName("dossiersPage")

    def initializePage(self) -> None:
        note = "Chọn tệp xuất từ phần mềm một cửa rồi bấm «Nhập hồ sơ». Có thể nhập sau ở trang Hồ sơ TTHC."
        if not procedures.list_procedures():
            note += ("\nLưu ý: danh mục TTHC còn trống. Thủ tục chưa có sẽ được thêm từ chính tệp một cửa (cần bổ sung "
                     "thời hạn sau); nên nhập danh mục trước (Danh mục → Thủ tục → Nhập danh mục…).")
        self.note_label.setText(note)

    def start_import(self, date_order: str | None = None) -> None:
        from par_desktop.importers.dossiers import AmbiguousDates
        from par_desktop.services.dossiers import importing as dossier_import
        from par_desktop.ui.dialogs.dossier_dialogs import ask_date_order

        path = Path(self.path_edit.text())
        actor = self.actor

        def work(progress):
            def report(done, total, text):
                progress.check_cancelled()
                progress.report(done, total, text)

            try:
                return dossier_import.import_dossiers(actor, path, progress=report, date_order=date_order)
            except AmbiguousDates as exc:   # answered on the GUI thread, then imported again
                return exc

        def done(summary):
            if isinstance(summary, AmbiguousDates):
                order = ask_date_order(self, summary)
                if order is not None:
                    self.start_import(order)
                return
            lines = [f"Đã nhập «{path.name}»: {summary.new} hồ sơ mới, {summary.updated} cập nhật, "
                     f"{summary.unchanged} không thay đổi."]
            lines += [f"• {w}" for w in summary.warnings]
            self._imported(path, summary, lines)

        self._run("Nhập hồ sơ TTHC", work, done, cancellable=True)


class FirstStartWizard(QWizard):
    """Khởi đầu: organisation and signer, units, the plan, the dossiers — or the demo data."""

    START, ORG, UNITS, PLAN, DOSSIERS = range(5)

    def __init__(self, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("firstStartWizard")
        self.setWindowTitle("Khởi đầu — PAR Desktop")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        for button, text in ((QWizard.WizardButton.BackButton, "< Quay lại"),
                             (QWizard.WizardButton.NextButton, "Tiếp >"),
                             (QWizard.WizardButton.FinishButton, "Hoàn tất"),
                             (QWizard.WizardButton.CancelButton, "Để sau")):
            self.setButtonText(button, text)
        self.actor = actor
        self.setPage(self.START, StartPage(actor))
        self.setPage(self.ORG, OrganisationPage(actor))
        self.setPage(self.UNITS, UnitsPage(actor))
        self.setPage(self.PLAN, PlanPage(actor))
        self.setPage(self.DOSSIERS, DossiersPage(actor))
        self.setStartId(self.START)
        self.resize(760, 560)
