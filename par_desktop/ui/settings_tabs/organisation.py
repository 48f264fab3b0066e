"""Cài đặt → Tổ chức: the dated names of the organisation, the signers, and the general settings.

Names are dated because they change (the 2025 merger of Bắc Giang into Bắc Ninh and of the labour
ministry into Home Affairs): a document uses the names in force on its date. Signers too have dates.
General settings are those declared in ``services.settings.DEFAULTS``; office hours go through
``services.calendar_changes.set_office_hours`` so the open dossiers' due moments follow.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDoubleSpinBox, QFileDialog, QFormLayout, QGridLayout, QGroupBox,
    QHBoxLayout, QLineEdit, QPushButton, QScrollArea, QSpinBox, QTimeEdit, QVBoxLayout, QWidget,
)

from par_desktop.domain.text import nfc
from par_desktop.errors import InvalidInput
from par_desktop.services import calendar_changes, database, org, settings
from par_desktop.ui.context import AppContext
from par_desktop.ui.errors import show_error, show_message
from par_desktop.ui.saving import Edit, save
from par_desktop.ui.widgets.table import Column, DataTableView, RowTableModel, select_only_row
from par_desktop.ui.widgets.panels import note_label

DATE_FORMAT = "dd/MM/yyyy"

ORG_FIELDS = [  # field, label, example
    ("governing_body", "Cơ quan chủ quản", "UBND TỈNH BẮC GIANG"),
    ("agency_name", "Tên cơ quan (in hoa)", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"),
    ("agency_short", "Tên cơ quan (trong câu văn)", "Sở Lao động - Thương binh và Xã hội"),
    ("agency_abbr", "Chữ viết tắt (số văn bản)", "SLĐTBXH"),
    ("place_name", "Địa danh", "Bắc Giang"),
    ("office_unit_code", "Mã Văn phòng", "VP"),
    ("short_name", "Tên viết gọn (tùy chọn)", "Sở LĐ-TB&XH"),
]
OPTIONAL_ORG_FIELDS = {"short_name"}
ORG_LABELS = {"valid_from": "Áp dụng từ", **{f: label for f, label, _ in ORG_FIELDS}}
SIGNER_LABELS = {"name": "Họ và tên", "title": "Chức vụ", "authority": "Thẩm quyền ký", "valid_from": "Từ ngày",
                 "valid_to": "Đến ngày", "is_default": "Mặc định", "updated_at": "Sửa lần cuối lúc"}
AUTHORITIES = ["", "KT. GIÁM ĐỐC", "TL. GIÁM ĐỐC", "TUQ. GIÁM ĐỐC", "Q. GIÁM ĐỐC"]

SETTING_LABELS = {
    settings.OFFICE_OPENS: "Giờ bắt đầu làm việc",
    settings.OFFICE_CLOSES: "Giờ kết thúc làm việc",
    settings.NEAR_DUE_DAYS: "Hồ sơ «sắp đến hạn» khi còn dưới (ngày làm việc)",
    settings.AT_RISK_DAYS: "Nhiệm vụ «có nguy cơ chậm» khi đến hạn trong vòng (ngày)",
    settings.AT_RISK_MIN_PERCENT: "… mà tiến độ còn dưới (%)",
    settings.REPORT_CUTOFF_DAY: "Ngày chốt số liệu báo cáo hằng tháng",
    settings.EXPLANATION_REPLY_DAYS: "Thời hạn đơn vị gửi giải trình (ngày làm việc)",
    settings.REMINDER_REPLY_DAYS: "Thời hạn đơn vị báo cáo khi được đôn đốc (ngày làm việc)",
    settings.BACKUPS_DIR: "Thư mục sao lưu (để trống: thư mục dữ liệu của máy)",
    settings.BACKUPS_KEEP_DAILY: "Số bản sao lưu hằng ngày giữ lại",
    settings.BACKUPS_KEEP_WEEKLY: "Số bản sao lưu hằng tuần giữ lại",
    settings.PRESENCE_STALE_MINUTES: "Coi như đã thoát sau (phút không hoạt động)",
    settings.AUTH_MAX_FAILURES: "Số lần đăng nhập sai tối đa",
    settings.AUTH_LOCKOUT_MINUTES: "Thời gian khóa tài khoản (phút)",
}
INT_RANGES = {settings.REPORT_CUTOFF_DAY: (1, 28), settings.AT_RISK_MIN_PERCENT: (0, 100), settings.AUTH_MAX_FAILURES: (1, 100)}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setDate(_qdate(date.today()))
    return edit


class OrganisationTab(QWidget):
    title = "Tổ chức"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.can_org = ctx.can("organisation")
        self.can_settings = ctx.can("settings")
        self._org_version: tuple[int, int] | None = None     # (id, version) of the names being edited
        self._signer: tuple[int, int] | None = None          # (id, version) of the signer being edited
        self._settings_loaded: dict[str, Any] = {}
        self._org_loaded: dict[str, str] = {}
        self._signer_loaded: dict[str, Any] = {}

        content = QWidget()
        grid = QGridLayout(content)
        grid.addWidget(self._build_org_box(), 0, 0)
        grid.addWidget(self._build_signer_box(), 0, 1)
        grid.addWidget(self._build_settings_box(), 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.refresh()

    # ---- dated names ---------------------------------------------------------------------------------

    def _build_org_box(self) -> QGroupBox:
        box = QGroupBox("Tên cơ quan trên văn bản (theo thời gian)")
        columns = [Column("Áp dụng từ", lambda r: r.valid_from, width=90)] + [
            Column(label, lambda r, f=f: getattr(r, f), width=150) for f, label, _ in ORG_FIELDS[:5]]
        self.org_model = RowTableModel(columns, key=lambda r: r.id)
        self.org_view = DataTableView(self.org_model, export_name="ten-co-quan", footer=False)
        self.org_view.setObjectName("orgNamesTable")
        self.org_view.setMinimumHeight(110)
        self.org_view.setMaximumHeight(160)
        self.org_view.current_changed.connect(self._org_selected)
        form = QFormLayout()
        self.org_date = _date_edit()
        form.addRow("Áp dụng từ ngày", self.org_date)
        self.org_edits: dict[str, QLineEdit] = {}
        for name, label, example in ORG_FIELDS:
            edit = QLineEdit()
            edit.setPlaceholderText(example)
            edit.returnPressed.connect(self.save_org)
            self.org_edits[name] = edit
            form.addRow(label, edit)
        self.org_new = QPushButton("Thêm mốc tên mới")
        self.org_new.setToolTip("Tên mới áp dụng từ một ngày (ví dụ sau khi sáp nhập tỉnh)")
        self.org_new.clicked.connect(self.new_org)
        self.org_save = QPushButton("Lưu tên cơ quan")
        self.org_save.clicked.connect(self.save_org)
        buttons = QHBoxLayout()
        buttons.addWidget(self.org_new)
        buttons.addStretch(1)
        buttons.addWidget(self.org_save)
        layout = QVBoxLayout(box)
        layout.addWidget(self.org_view)
        layout.addLayout(form)
        layout.addLayout(buttons)
        for widget in (self.org_new, self.org_save, self.org_date, *self.org_edits.values()):
            widget.setEnabled(self.can_org)
        return box

    def _org_selected(self, row) -> None:
        if row is None:
            return
        if self._org_version is not None and row.id == self._org_version[0] and self.org_values() != self._org_loaded:
            return   # a reload while the clerk edits: keep the edits and the version they started from
        self._org_version = (row.id, row.version)
        self.org_date.setDate(_qdate(row.valid_from))
        self.org_date.setEnabled(False)   # a different date is a new dated row ("Thêm mốc tên mới")
        for name, edit in self.org_edits.items():
            edit.setText(getattr(row, name))
        self._org_loaded = self.org_values()

    def new_org(self) -> None:
        """Start names in force from a new date, prefilled with the current ones (usually one or two change)."""
        self._org_version = None
        self.org_view.table.clearSelection()
        self.org_view.table.setCurrentIndex(self.org_view.proxy.index(-1, -1))
        self.org_date.setEnabled(self.can_org)
        self.org_date.setDate(_qdate(date.today()))
        self._org_loaded = {}
        self.org_edits["agency_name"].setFocus()

    def org_values(self) -> dict[str, str]:
        return {name: nfc(edit.text()) for name, edit in self.org_edits.items()}

    def save_org(self) -> bool:
        from par_desktop.services.org import OrgNames, set_org_names

        values = self.org_values()
        missing = [ORG_LABELS[k] for k, v in values.items() if not v and k not in OPTIONAL_ORG_FIELDS]
        if missing:
            show_error(self, InvalidInput("Cần ghi đủ: " + ", ".join(missing) + "."))
            return False
        if " " in values["agency_abbr"]:
            show_error(self, InvalidInput("Chữ viết tắt dùng trong số văn bản không có dấu cách (ví dụ SLĐTBXH)."))
            return False
        valid_from = _pydate(self.org_date.date())
        version = None
        if self._org_version is not None:   # correcting the names being edited, at their own date
            record_id, version = self._org_version
            current = org.org_profile(record_id)
            if current is not None:
                valid_from = current.valid_from
        names = OrgNames(**values)
        if version is None:
            result = save(self, self.ctx, lambda: set_org_names(self.ctx.actor, valid_from, names))
        else:
            record_id = self._org_version[0]
            result = save(self, self.ctx, lambda v: set_org_names(self.ctx.actor, valid_from, names, v),
                          version=version, edit=Edit(self._org_loaded, values, ORG_LABELS),
                          on_reload=lambda kept: self._reload_org(record_id, kept))
        if not result:
            return False
        self.refresh()
        self.org_view.select_key(result.value)
        return True

    def _reload_org(self, record_id: int, kept: dict) -> None:
        """"Tải lại" after a conflict: the stored names, with the clerk's typing kept where nobody else wrote."""
        self.refresh()
        fresh = org.org_profile(record_id)
        if fresh is None:
            return
        self._org_version = None
        self._org_selected(fresh)
        for name, value in kept.items():
            self.org_edits[name].setText(value)

    # ---- signers --------------------------------------------------------------------------------------

    def _build_signer_box(self) -> QGroupBox:
        box = QGroupBox("Người ký văn bản")
        columns = [
            Column("Họ và tên", lambda s: s.name, width=150),
            Column("Chức vụ", lambda s: s.title, width=120),
            Column("Thẩm quyền ký", lambda s: s.authority, width=110),
            Column("Từ ngày", lambda s: s.valid_from, width=85),
            Column("Đến ngày", lambda s: s.valid_to, width=85),
            Column("Mặc định", lambda s: s.is_default, width=70),
        ]
        self.signer_model = RowTableModel(columns, key=lambda s: s.id)
        self.signer_view = DataTableView(self.signer_model, export_name="nguoi-ky", footer=False)
        self.signer_view.setObjectName("signersTable")
        self.signer_view.setMinimumHeight(110)
        self.signer_view.setMaximumHeight(160)
        self.signer_view.current_changed.connect(self._signer_selected)
        form = QFormLayout()
        self.signer_name = QLineEdit()
        self.signer_name.setPlaceholderText("Trần Văn Hà")
        self.signer_title = QLineEdit()
        self.signer_title.setPlaceholderText("PHÓ GIÁM ĐỐC")
        self.signer_authority = QComboBox()
        self.signer_authority.setEditable(True)
        self.signer_authority.addItems(AUTHORITIES)
        self.signer_from_check = QCheckBox("Từ ngày")
        self.signer_from = _date_edit()
        self.signer_to_check = QCheckBox("Đến ngày")
        self.signer_to = _date_edit()
        self.signer_from_check.toggled.connect(self.signer_from.setEnabled)
        self.signer_to_check.toggled.connect(self.signer_to.setEnabled)
        self.signer_default = QCheckBox("Người ký mặc định")
        form.addRow("Họ và tên", self.signer_name)
        form.addRow("Chức vụ", self.signer_title)
        form.addRow("Thẩm quyền ký", self.signer_authority)
        form.addRow(self.signer_from_check, self.signer_from)
        form.addRow(self.signer_to_check, self.signer_to)
        form.addRow("", self.signer_default)
        for edit in (self.signer_name, self.signer_title):
            edit.returnPressed.connect(self.save_signer)
        self.signer_new = QPushButton("Thêm người ký")
        self.signer_new.clicked.connect(self.new_signer)
        self.signer_save = QPushButton("Lưu người ký")
        self.signer_save.clicked.connect(self.save_signer)
        buttons = QHBoxLayout()
        buttons.addWidget(self.signer_new)
        buttons.addStretch(1)
        buttons.addWidget(self.signer_save)
        layout = QVBoxLayout(box)
        layout.addWidget(self.signer_view)
        layout.addLayout(form)
        layout.addLayout(buttons)
        for widget in (self.signer_name, self.signer_title, self.signer_authority, self.signer_from_check,
                       self.signer_to_check, self.signer_default, self.signer_new, self.signer_save):
            widget.setEnabled(self.can_org)
        self.new_signer()
        return box

    def _signer_selected(self, row) -> None:
        if row is None:
            return
        if self._signer is not None and row.id == self._signer[0] and self.signer_values() != self._signer_loaded:
            return   # keep the clerk's edits (and the version they started from) across a reload
        self._signer = (row.id, row.version)
        self.signer_name.setText(row.name)
        self.signer_title.setText(row.title)
        self.signer_authority.setCurrentText(row.authority)
        for check, edit, value in ((self.signer_from_check, self.signer_from, row.valid_from),
                                   (self.signer_to_check, self.signer_to, row.valid_to)):
            check.setChecked(value is not None)
            edit.setEnabled(value is not None)
            edit.setDate(_qdate(value or date.today()))
        self.signer_default.setChecked(row.is_default)
        self._signer_loaded = self.signer_values()

    def new_signer(self) -> None:
        self._signer = None
        self.signer_view.table.clearSelection()
        for edit in (self.signer_name, self.signer_title):
            edit.clear()
        self.signer_authority.setCurrentText("")
        for check, edit in ((self.signer_from_check, self.signer_from), (self.signer_to_check, self.signer_to)):
            check.setChecked(False)
            edit.setEnabled(False)
        self.signer_default.setChecked(False)
        self._signer_loaded = self.signer_values()

    def signer_values(self) -> dict[str, Any]:
        return {
            "name": nfc(self.signer_name.text()), "title": nfc(self.signer_title.text()).upper(),
            "authority": nfc(self.signer_authority.currentText()).upper(),
            "valid_from": _pydate(self.signer_from.date()) if self.signer_from_check.isChecked() else None,
            "valid_to": _pydate(self.signer_to.date()) if self.signer_to_check.isChecked() else None,
            "is_default": self.signer_default.isChecked(),
        }

    def save_signer(self) -> bool:
        values = self.signer_values()
        signer_id, version = self._signer if self._signer else (None, None)
        if signer_id is None:
            result = save(self, self.ctx, lambda: org.save_signer(self.ctx.actor, None, None, **values))
        else:
            result = save(self, self.ctx, lambda v: org.save_signer(self.ctx.actor, signer_id, v, **values),
                          version=version, edit=Edit(self._signer_loaded, values, SIGNER_LABELS),
                          on_reload=lambda kept: self._reload_signer(signer_id, kept))
        if not result:
            return False
        self.refresh()
        self.signer_view.select_key(result.value)
        return True

    def _reload_signer(self, signer_id: int, kept: dict) -> None:
        """"Tải lại" after a conflict: the stored signer, with the clerk's typing kept where nobody else wrote."""
        self.refresh()
        self._signer = None
        self._signer_selected(org.signer(signer_id))
        self.signer_view.select_key(signer_id)
        texts = {"name": self.signer_name.setText, "title": self.signer_title.setText,
                 "authority": self.signer_authority.setCurrentText, "is_default": self.signer_default.setChecked}
        for name, value in kept.items():
            if name in texts:
                texts[name](value)
        for name, check, edit in (("valid_from", self.signer_from_check, self.signer_from),
                                  ("valid_to", self.signer_to_check, self.signer_to)):
            if name in kept:
                check.setChecked(kept[name] is not None)
                edit.setDate(_qdate(kept[name] or date.today()))

    # ---- general settings --------------------------------------------------------------------------------

    def _build_settings_box(self) -> QGroupBox:
        box = QGroupBox("Cài đặt chung")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.setting_editors: dict[str, QWidget] = {}
        for key, default in settings.DEFAULTS.items():
            editor = self._editor_for(key, default)
            self.setting_editors[key] = editor
            label = SETTING_LABELS.get(key, key)
            if key == settings.BACKUPS_DIR:
                editor.setMinimumWidth(420)
                browse = QPushButton("Chọn…")
                browse.clicked.connect(lambda: self._choose_folder(self.setting_editors[settings.BACKUPS_DIR]))
                browse.setEnabled(self.can_settings)
                row = QHBoxLayout()
                row.addWidget(editor, 1)
                row.addWidget(browse)
                form.addRow(label, row)
            else:
                form.addRow(label, editor)
            editor.setEnabled(self.can_settings)
        self.settings_save = QPushButton("Lưu cài đặt chung")
        self.settings_save.clicked.connect(self.save_settings)
        self.settings_save.setEnabled(self.can_settings)
        note = note_label("Thay đổi giờ làm việc sẽ tính lại hạn xử lý của các hồ sơ đang giải quyết.")
        buttons = QHBoxLayout()
        buttons.addWidget(note, 1)
        buttons.addWidget(self.settings_save)
        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addLayout(buttons)
        return box

    @staticmethod
    def _editor_for(key: str, default: Any) -> QWidget:
        if isinstance(default, str) and len(default) == 5 and default[2] == ":":
            editor = QTimeEdit()
            editor.setDisplayFormat("HH:mm")
            return editor
        if isinstance(default, float):
            editor = QDoubleSpinBox()
            editor.setDecimals(1)
            editor.setRange(0.0, 30.0)
            editor.setSingleStep(0.5)
            return editor
        if isinstance(default, int) and not isinstance(default, bool):
            editor = QSpinBox()
            editor.setRange(*INT_RANGES.get(key, (0, 10_000)))
            return editor
        return QLineEdit()

    def _choose_folder(self, edit: QLineEdit) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Chọn thư mục sao lưu", edit.text())
        if folder:
            edit.setText(folder)

    def setting_values(self) -> dict[str, Any]:
        values = {}
        for key, editor in self.setting_editors.items():
            if isinstance(editor, QTimeEdit):
                values[key] = editor.time().toString("HH:mm")
            elif isinstance(editor, QDoubleSpinBox):
                values[key] = round(editor.value(), 1)
            elif isinstance(editor, QSpinBox):
                values[key] = editor.value()
            else:
                values[key] = nfc(editor.text())
        return values

    def _show_settings(self, values: dict[str, Any]) -> None:
        for key, editor in self.setting_editors.items():
            value = values[key]
            if isinstance(editor, QTimeEdit):
                editor.setTime(QTime.fromString(str(value), "HH:mm"))
            elif isinstance(editor, (QDoubleSpinBox, QSpinBox)):
                editor.setValue(value)
            else:
                editor.setText(str(value))
        self._settings_loaded = self.setting_values()

    def save_settings(self) -> bool:
        values = self.setting_values()
        changed = {k: v for k, v in values.items() if v != self._settings_loaded.get(k)}
        if not changed:
            return False
        hours = {settings.OFFICE_OPENS, settings.OFFICE_CLOSES}

        def write() -> None:
            if hours & changed.keys():
                opens, closes = (time.fromisoformat(values[k]) for k in (settings.OFFICE_OPENS, settings.OFFICE_CLOSES))
                calendar_changes.set_office_hours(self.ctx.actor, opens, closes)
            for key in changed.keys() - hours:
                settings.set_value(self.ctx.actor, key, changed[key])

        if not save(self, self.ctx, write):
            return False
        self._settings_loaded = values
        self.refresh()
        show_message(self, "Cài đặt", f"Đã lưu {len(changed)} cài đặt.")
        return True

    # ---- page hooks ------------------------------------------------------------------------------------

    def is_dirty(self) -> bool:
        """General settings typed but not saved (the names and signer forms keep their edits on reload)."""
        return bool(self._settings_loaded) and self.setting_values() != self._settings_loaded

    def refresh(self) -> None:
        with database.translated_errors():
            self.org_model.set_rows(org.org_profiles())
            self.signer_model.set_rows(org.signers())
            values = settings.get_all()
        if not self.is_dirty():
            self._show_settings(values)
        if self._org_version is None and self.org_model.rowCount() and not any(e.text() for e in self.org_edits.values()):
            select_only_row(self.org_view.table, 0)
        if self._signer is None and self.signer_model.rowCount() and not self.signer_name.text():
            select_only_row(self.signer_view.table, 0)

    def confirm_close(self) -> bool:
        if not self.is_dirty():
            return True
        from par_desktop.ui.errors import ask_yes_no

        return ask_yes_no(self, "Cài đặt chưa lưu", "Cài đặt chung có thay đổi chưa lưu. Thoát và bỏ thay đổi?",
                          yes="Thoát, bỏ thay đổi", no="Quay lại")
