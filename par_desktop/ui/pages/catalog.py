"""Danh mục: the units and the catalogue of procedures (both editable) with the yearly review target.

Units: name, short code, kind, head and title, order, active, and the other ways their names are
written (aliases, used by the importers). Saving passes the version that was read, so a change made
meanwhile by another clerk is never silently overwritten (Tải lại / Ghi đè / Hủy).

Procedures (TTHC): code, name, field, lead unit, limit (as worded, calendar-day limits marked), in force,
year last reviewed; Quản trị and Văn phòng add, edit (with the internal steps) and abolish them, and
import a catalogue list (Nhập danh mục…, ``services.catalog``). Below, per unit,
the share of its procedures in force reviewed in the chosen year against the plan's target of 10%
(``services.procedures.review_share``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton,
    QSpinBox, QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from par_desktop.domain.text import nfc, ui_date, vn_number, vn_percent
from par_desktop.errors import InvalidInput, UserError
from par_desktop.services import catalog, database, org
from par_desktop.services.org import match_unit, unit_aliases, unit_with_code, units
from par_desktop.services.procedures import get_procedure, limit_of, list_procedures, review_share
from par_desktop.ui.context import AppContext
from par_desktop.ui.dialogs.procedure_dialogs import CatalogImportDialog, ProcedureDialog
from par_desktop.ui.errors import ask_yes_no, show_error
from par_desktop.ui.saving import Edit, save
from par_desktop.ui.status_style import badge_stylesheet, state_label
from par_desktop.ui.widgets.filter_bar import FilterBar
from par_desktop.ui.widgets.panels import note_label
from par_desktop.ui.widgets.table import (
    Column, DataTableView, RowTableModel, number_column, select_only_row, state_column,
)

KIND_LABELS = {"office": "Văn phòng", "division": "Phòng chuyên môn", "affiliated": "Đơn vị trực thuộc"}
UNIT_LABELS = {"name": "Tên đơn vị", "short_code": "Tên viết tắt", "kind": "Loại", "head_name": "Trưởng đơn vị",
               "head_title": "Chức danh", "sort_order": "Thứ tự", "active": "Đang hoạt động",
               "updated_at": "Sửa lần cuối lúc"}


@dataclass(frozen=True)
class UnitRow:
    id: int
    version: int
    name: str
    short_code: str
    kind: str
    head_name: str
    head_title: str
    sort_order: int
    active: bool
    aliases: tuple[str, ...] = ()

    def values(self) -> dict:
        return {"name": self.name, "short_code": self.short_code, "kind": self.kind, "head_name": self.head_name,
                "head_title": self.head_title, "sort_order": self.sort_order, "active": self.active}


@dataclass(frozen=True)
class ProcedureRow:
    id: int
    code: str
    name: str
    field: str
    unit_id: int | None
    unit_name: str
    limit_days: float
    in_force: bool
    reviewed_year: int | None
    level: str
    limit_label: str = ""
    needs_completion: bool = False
    decision: str = ""


def review_state(review) -> str | None:
    """"met"/"not_met" for a ``services.procedures.UnitReview`` (None when the unit has nothing in force)."""
    if not review.in_force:
        return None
    return "met" if review.meets_target else "not_met"


def load_units() -> list[UnitRow]:
    aliases = unit_aliases()
    return [UnitRow(u.id, u.version, u.name, u.short_code, u.kind, u.head_name, u.head_title, u.sort_order,
                    u.active, tuple(aliases.get(u.id, ())))
            for u in units(active_only=False)]


def load_procedures(units: list[UnitRow]) -> list[ProcedureRow]:
    names = {u.id: u.name for u in units}
    rows = []
    for p in list_procedures():
        limit = limit_of(p)
        label = "Cần bổ sung" if limit is None else limit.label
        decision = p.decision_number + (f" ngày {ui_date(p.published_on)}" if p.published_on else "")
        rows.append(ProcedureRow(p.id, p.code, p.name, p.field, p.lead_unit_id, names.get(p.lead_unit_id, ""),
                                 p.limit_days, p.in_force, p.reviewed_year, p.level, label, p.needs_completion,
                                 decision))
    return rows


class UnitForm(QGroupBox):
    """The detail panel of one unit: edit, save (Ctrl+S / Enter), cancel (Esc), aliases."""

    def __init__(self, page: CatalogPage):
        super().__init__("Thông tin đơn vị", page)
        self.page = page
        self.unit: UnitRow | None = None       # None while creating a new unit
        self._loading = False
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.code_edit = QLineEdit()
        self.code_edit.setMaxLength(20)
        self.kind_combo = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.kind_combo.addItem(label, kind)
        self.head_edit = QLineEdit()
        self.title_edit = QLineEdit()
        self.order_spin = QSpinBox()
        self.order_spin.setRange(0, 999)
        self.active_check = QCheckBox("Đang hoạt động")
        form.addRow("Tên đơn vị", self.name_edit)
        form.addRow("Tên viết tắt", self.code_edit)
        form.addRow("Loại", self.kind_combo)
        form.addRow("Trưởng đơn vị", self.head_edit)
        form.addRow("Chức danh", self.title_edit)
        form.addRow("Thứ tự", self.order_spin)
        form.addRow("", self.active_check)

        self.save_button = QPushButton("Lưu")
        self.save_button.setToolTip("Lưu thay đổi (Ctrl+S hoặc Enter)")
        self.cancel_button = QPushButton("Hủy thay đổi")
        self.cancel_button.setToolTip("Bỏ các thay đổi chưa lưu (Esc)")
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.discard)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)

        self.alias_list = QListWidget()
        self.alias_list.setMaximumHeight(110)
        self.alias_edit = QLineEdit()
        self.alias_edit.setPlaceholderText("Ví dụ: Phòng Kế hoạch tài chính")
        self.alias_button = QPushButton("Thêm tên gọi khác")
        self.alias_button.clicked.connect(self.add_alias)
        self.alias_edit.returnPressed.connect(self.add_alias)
        alias_row = QHBoxLayout()
        alias_row.addWidget(self.alias_edit, 1)
        alias_row.addWidget(self.alias_button)
        alias_box = QGroupBox("Tên gọi khác (dùng khi nhập kế hoạch, hồ sơ)")
        alias_layout = QVBoxLayout(alias_box)
        alias_layout.addWidget(self.alias_list)
        alias_layout.addLayout(alias_row)

        self.read_only_note = note_label("Tài khoản của bạn chỉ được xem danh mục đơn vị.", wrap=False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(alias_box)
        layout.addWidget(self.read_only_note)
        layout.addStretch(1)

        for edit in (self.name_edit, self.code_edit, self.head_edit, self.title_edit):
            edit.textChanged.connect(self._changed)
            edit.returnPressed.connect(self.save)
        self.kind_combo.currentIndexChanged.connect(self._changed)
        self.order_spin.valueChanged.connect(self._changed)
        self.active_check.toggled.connect(self._changed)

        self.editable = page.ctx.can("organisation")
        for widget in (self.name_edit, self.code_edit, self.head_edit, self.title_edit, self.alias_edit):
            widget.setReadOnly(not self.editable)
        for widget in (self.kind_combo, self.order_spin, self.active_check, self.save_button, self.cancel_button,
                       self.alias_button):
            widget.setEnabled(self.editable)
        self.read_only_note.setVisible(not self.editable)
        self.show_unit(None, new=False)

    def keyPressEvent(self, event) -> None:
        """Ctrl+S saves, Esc cancels: keys the fields do not use come up to the form."""
        if event.matches(QKeySequence.StandardKey.Save):
            self.save()
        elif event.key() == Qt.Key.Key_Escape:
            self.discard()
        else:
            super().keyPressEvent(event)

    # ---- showing ---------------------------------------------------------------------------------

    def show_unit(self, unit: UnitRow | None, *, new: bool = False) -> None:
        """Fill the form with ``unit``; ``new=True`` starts a blank unit; neither: an empty, disabled form."""
        self._loading = True
        self.unit = unit
        values = unit.values() if unit else {"name": "", "short_code": "", "kind": "division", "head_name": "",
                                             "head_title": "Trưởng phòng", "sort_order": 0, "active": True}
        self._type(values)
        self.alias_list.clear()
        self.alias_list.addItems(list(unit.aliases) if unit else [])
        self._original = values
        self.creating = new
        self._loading = False
        self.setTitle("Đơn vị mới" if new else ("Thông tin đơn vị" if unit else "Chọn một đơn vị để xem, sửa"))
        can_edit = self.editable and (unit is not None or new)
        for widget in (self.name_edit, self.code_edit, self.head_edit, self.title_edit):
            widget.setEnabled(unit is not None or new)
        for widget in (self.kind_combo, self.order_spin, self.active_check):
            widget.setEnabled(can_edit)
        self.alias_edit.setEnabled(self.editable and unit is not None)
        self.alias_button.setEnabled(self.editable and unit is not None)
        self._changed()

    def _type(self, values: dict) -> None:
        """Put ``values`` (some or all of the form's fields) into the form."""
        setters = {"name": self.name_edit.setText, "short_code": self.code_edit.setText,
                   "kind": lambda kind: self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind))),
                   "head_name": self.head_edit.setText, "head_title": self.title_edit.setText,
                   "sort_order": self.order_spin.setValue, "active": self.active_check.setChecked}
        for name, value in values.items():
            setters[name](value)

    def values(self) -> dict:
        return {"name": nfc(self.name_edit.text()), "short_code": nfc(self.code_edit.text()),
                "kind": self.kind_combo.currentData(), "head_name": nfc(self.head_edit.text()),
                "head_title": nfc(self.title_edit.text()), "sort_order": self.order_spin.value(),
                "active": self.active_check.isChecked()}

    def is_dirty(self) -> bool:
        return (self.creating or self.unit is not None) and self.values() != self._original

    def _changed(self, *_args) -> None:
        if self._loading:
            return
        dirty = self.is_dirty()
        self.save_button.setEnabled(self.editable and dirty)
        self.cancel_button.setEnabled(self.editable and dirty)

    # ---- actions ---------------------------------------------------------------------------------

    def discard(self) -> None:
        if self.creating:
            self.show_unit(None)
            self.page.units_view.table.setFocus()
        elif self.unit is not None:
            self.show_unit(self.page.unit_by_id(self.unit.id) or self.unit)

    def _validate(self, values: dict) -> None:
        if not values["name"]:
            raise InvalidInput("Tên đơn vị không được để trống.")
        if not values["short_code"]:
            raise InvalidInput("Tên viết tắt không được để trống (dùng trong số văn bản, ví dụ «VP»).")
        own_id = None if self.unit is None else self.unit.id
        same = match_unit(values["name"])
        if same is not None and same.id != own_id:
            raise InvalidInput(f"Tên «{values['name']}» trùng với đơn vị «{same.name}».")
        clash = unit_with_code(values["short_code"])
        if clash is not None and clash.id != own_id:
            raise InvalidInput(f"Tên viết tắt «{values['short_code']}» đã dùng cho đơn vị «{clash.name}».")

    def save(self) -> bool:
        """Save the form (create or update); True when saved."""
        if not self.editable or not self.is_dirty():
            return False
        values = self.values()
        actor = self.page.ctx.actor
        try:
            self._validate(values)
        except UserError as exc:
            show_error(self, exc)
            return False
        if self.creating:
            fields = {k: v for k, v in values.items() if k not in ("name", "short_code")}
            result = save(self, self.page.ctx, lambda: org.create_unit(actor, values["name"], values["short_code"],
                                                                       **fields))
        else:
            unit, changes = self.unit, {k: v for k, v in values.items() if v != self._original[k]}
            result = save(self, self.page.ctx, lambda version: org.update_unit(actor, unit.id, version, **changes),
                          version=unit.version,
                          edit=Edit(self._original, values, UNIT_LABELS, {"kind": lambda k: KIND_LABELS.get(k, k)}),
                          on_reload=lambda kept: self._reload(unit.id, kept))
        if result:
            self.page.after_save(result.value.id)
        return bool(result)

    def _reload(self, unit_id: int, kept: dict) -> None:
        """"Tải lại" after a conflict: the stored unit, with the clerk's typing kept where nobody else wrote."""
        self.page.refresh()
        self.show_unit(self.page.unit_by_id(unit_id))
        self._type(kept)

    def add_alias(self) -> None:
        alias = nfc(self.alias_edit.text())
        if not alias or self.unit is None or not self.editable:
            return
        if save(self, self.page.ctx, lambda: org.add_alias(self.page.ctx.actor, self.unit.id, alias)):
            self.alias_edit.clear()
            self.page.refresh()


class CatalogPage(QWidget):
    """Danh mục: tabs "Đơn vị" and "Thủ tục hành chính"."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.units: list[UnitRow] = []
        self.procedures: list[ProcedureRow] = []
        self._reloading = False
        self.import_dialog = None      # the summary of the last catalogue import
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("catalogTabs")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.tabs)
        self._build_units_tab()
        self._build_procedures_tab()

    # ---- building ----------------------------------------------------------------------------------

    def _build_units_tab(self) -> None:
        columns = [
            Column("Tên đơn vị", lambda u: u.name, width=260),
            Column("Viết tắt", lambda u: u.short_code, width=80),
            Column("Loại", lambda u: KIND_LABELS.get(u.kind, u.kind), width=140),
            Column("Trưởng đơn vị", lambda u: u.head_name, width=160),
            Column("Chức danh", lambda u: u.head_title, width=130),
            Column("Tên gọi khác", lambda u: "; ".join(u.aliases), width=220),
            Column("Hoạt động", lambda u: u.active, width=80),
        ]
        self.units_model = RowTableModel(columns, key=lambda u: u.id)
        self.units_view = DataTableView(self.units_model, export_name="don-vi")
        self.units_view.setObjectName("unitsTable")
        self.units_filter = FilterBar(placeholder="Tìm đơn vị (tên, viết tắt, trưởng đơn vị…)")
        self.units_filter.add_combo("active", "Trạng thái", [("Đang hoạt động", True), ("Ngừng hoạt động", False)],
                                    lambda u, v: u.active == v)
        self.units_filter.attach(self.units_view)
        self.units_filter.remember(self.ctx, "catalog.units")
        self.units_view.remember(self.ctx, "catalog.units")
        self.new_unit_button = QPushButton("Thêm đơn vị")
        self.new_unit_button.setToolTip("Thêm đơn vị mới (Ctrl+N)")
        self.new_unit_button.clicked.connect(self.new_record)
        self.new_unit_button.setVisible(self.ctx.can("organisation"))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.units_filter, 1)
        top.addWidget(self.new_unit_button)
        left_layout.addLayout(top)
        left_layout.addWidget(self.units_view, 1)
        self.unit_form = UnitForm(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("unitsSplitter")
        splitter.addWidget(left)
        splitter.addWidget(self.unit_form)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([720, 420])
        self.units_view.current_changed.connect(self._unit_selected)
        self.units_view.activated.connect(lambda _row: self.unit_form.name_edit.setFocus())
        self.tabs.addTab(splitter, "Đơn vị")

    def _build_procedures_tab(self) -> None:
        columns = [
            Column("Mã TTHC", lambda p: p.code, width=90),
            Column("Tên thủ tục", lambda p: p.name, width=330, tooltip=lambda p: p.name),
            Column("Lĩnh vực", lambda p: p.field, width=150),
            Column("Đơn vị chủ trì", lambda p: p.unit_name, width=170),
            Column("Thời hạn", lambda p: p.limit_label, width=150,
                   tooltip=lambda p: "Thời hạn giải quyết; «theo lịch» tính cả ngày nghỉ, không theo ngày làm việc"),
            Column("Còn hiệu lực", lambda p: p.in_force, width=85),
            Column("Năm rà soát", lambda p: p.reviewed_year, display=lambda p: str(p.reviewed_year or ""),
                   align=Qt.AlignmentFlag.AlignRight, width=85),
            Column("Mức độ DVC", lambda p: p.level, width=110),
            Column("Quyết định công bố", lambda p: p.decision, width=190),
        ]
        self.procedures_model = RowTableModel(columns, key=lambda p: p.id)
        self.procedures_view = DataTableView(self.procedures_model, export_name="thu-tuc-hanh-chinh")
        self.procedures_view.setObjectName("proceduresTable")
        self.procedures_filter = FilterBar(placeholder="Tìm thủ tục (mã, tên, lĩnh vực…)")
        self.procedures_filter.add_combo("field", "Lĩnh vực", [], lambda p, v: p.field == v)
        self.procedures_filter.add_combo("unit", "Đơn vị", [], lambda p, v: p.unit_id == v)
        self.procedures_filter.add_combo("in_force", "Hiệu lực", [("Còn hiệu lực", True), ("Hết hiệu lực", False)],
                                         lambda p, v: p.in_force == v)
        self.procedures_filter.add_combo("complete", "Thông tin", [("Cần bổ sung", True)],
                                         lambda p, v: p.needs_completion == v)
        self.procedures_filter.attach(self.procedures_view)
        self.procedures_view.remember(self.ctx, "catalog.procedures")
        self.procedures_view.activated.connect(lambda _row: self.edit_procedure())
        editable = self.ctx.can("dossiers")
        self.procedure_buttons = QHBoxLayout()
        for name, text, tip, slot in (
                ("newProcedure", "Thêm thủ tục", "Thêm thủ tục hành chính vào danh mục", self.new_procedure),
                ("editProcedure", "Sửa…", "Sửa thủ tục đang chọn và các bước nội bộ (Enter)", self.edit_procedure),
                ("abolishProcedure", "Hết hiệu lực", "Đánh dấu thủ tục đã bị bãi bỏ (không xóa)",
                 self.abolish_procedure),
                ("importCatalog", "Nhập danh mục…", "Nhập danh mục TTHC từ tệp Excel/CSV (CSDL quốc gia hoặc phụ lục "
                 "quyết định công bố)", self.import_catalog)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            button.setVisible(editable)
            self.procedure_buttons.addWidget(button)
        self.procedure_buttons.addStretch(1)

        review_columns = [
            Column("Đơn vị", lambda r: r.unit, width=260),
            number_column("TTHC còn hiệu lực", lambda r: r.in_force, width=120),
            number_column("Cần rà soát (≥ 10%)", lambda r: r.required, width=130),
            number_column("Đã rà soát", lambda r: r.reviewed, width=100),
            Column("Tỷ lệ", lambda r: r.share, display=lambda r: vn_percent(r.share, missing=""), align=Qt.AlignmentFlag.AlignRight,
                   width=80),
            state_column("Kết quả", review_state, width=100),
        ]
        self.review_model = RowTableModel(review_columns, key=lambda r: r.unit_id)
        self.review_view = DataTableView(self.review_model, export_name="ra-soat-tthc")
        self.review_view.setObjectName("reviewTable")
        self.review_view.remember(self.ctx, "catalog.review")
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("reviewYear")
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(date.today().year)
        self.year_spin.valueChanged.connect(self._show_review)
        self.review_total = QLabel()
        self.review_total.setObjectName("reviewTotal")
        review_box = QGroupBox("Rà soát, đánh giá TTHC theo năm — mục tiêu tối thiểu 10% TTHC còn hiệu lực")
        review_layout = QVBoxLayout(review_box)
        year_row = QHBoxLayout()
        year_row.addWidget(QLabel("Năm"))
        year_row.addWidget(self.year_spin)
        year_row.addSpacing(16)
        year_row.addWidget(self.review_total)
        year_row.addStretch(1)
        review_layout.addLayout(year_row)
        review_layout.addWidget(self.review_view, 1)

        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.procedures_filter)
        upper_layout.addLayout(self.procedure_buttons)
        upper_layout.addWidget(self.procedures_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("proceduresSplitter")
        splitter.addWidget(upper)
        splitter.addWidget(review_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.tabs.addTab(splitter, "Thủ tục hành chính")

    # ---- data ------------------------------------------------------------------------------------

    def refresh(self) -> None:

        with database.translated_errors():
            self.units = load_units()
            self.procedures = load_procedures(self.units)
        self._reloading = True     # the view restoring its selection is not the clerk choosing a unit
        try:
            self.units_model.set_rows(self.units)
        finally:
            self._reloading = False
        fields = sorted({p.field for p in self.procedures if p.field})
        self.procedures_filter.set_options("field", [(f, f) for f in fields])
        self.procedures_filter.set_options("unit", [(u.name, u.id) for u in self.units])
        self.procedures_model.set_rows(self.procedures)
        self._show_review()
        form = self.unit_form
        if form.unit is not None and not form.is_dirty():
            form.show_unit(self.unit_by_id(form.unit.id))
        elif form.unit is None and not form.creating and self.units_view.visible_count():
            select_only_row(self.units_view.table, 0)   # show the first unit's details rather than an empty form

    def _show_review(self) -> None:
        with database.translated_errors():
            rows = review_share(self.year_spin.value())
        self.review_model.set_rows(rows)
        in_force = sum(r.in_force for r in rows)
        if not in_force:
            self.review_total.setText("Chưa có TTHC còn hiệu lực trong danh mục.")
            self.review_total.setStyleSheet("")
            return
        reviewed = sum(r.reviewed for r in rows)
        state = "met" if all(r.meets_target for r in rows) else "not_met"
        met = sum(1 for r in rows if r.meets_target)
        self.review_total.setText(f"Toàn Sở: {vn_number(reviewed)}/{vn_number(in_force)} TTHC đã rà soát "
                                  f"({vn_percent(100.0 * reviewed / in_force)}); {met}/{len(rows)} đơn vị đạt — "
                                  f"{state_label(state)}")
        self.review_total.setStyleSheet(badge_stylesheet(state))

    # ---- procedures ----------------------------------------------------------------------------------

    def _current_procedure(self):
        row = self.procedures_view.current_row()
        return None if row is None else get_procedure(row.id)

    def new_procedure(self) -> None:
        if ProcedureDialog(self.ctx, None, self).exec():
            self.refresh()

    def edit_procedure(self) -> None:
        procedure = self._current_procedure()
        if procedure is None or not self.ctx.can("dossiers"):
            return
        if ProcedureDialog(self.ctx, procedure, self).exec():
            self.refresh()
            self.procedures_view.select_key(procedure.id)

    def abolish_procedure(self) -> None:
        procedure = self._current_procedure()
        if procedure is None or not procedure.in_force:
            return
        if not ask_yes_no(self, "Hết hiệu lực", f"Đánh dấu thủ tục «{procedure.code} {procedure.name}» đã hết hiệu "
                          "lực? Thủ tục và các hồ sơ của nó vẫn được giữ.", yes="Hết hiệu lực", no="Hủy"):
            return
        if save(self, self.ctx, lambda: catalog.abolish(self.ctx.actor, [procedure.id])):
            self.refresh()

    def import_catalog(self, path: str | None = None) -> None:
        """Choose a list, import it in the background, then show what came in and offer the abolitions."""
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Nhập danh mục TTHC", "",
                                                  "Danh mục TTHC (*.xlsx *.xls *.csv)")
        if not path:
            return
        actor = self.ctx.actor

        def abolish_chosen() -> None:
            chosen = self.import_dialog.chosen_ids()
            if not chosen:
                return
            save(self, self.ctx, lambda: catalog.abolish(actor, chosen))
            self.refresh()

        def done(result) -> None:
            self.refresh()
            self.import_dialog = CatalogImportDialog(Path(path).name, result, self)
            self.import_dialog.accepted.connect(abolish_chosen)
            self.import_dialog.open()   # window-modal, not a nested event loop inside the operation's callback

        self.tabs.setCurrentIndex(1)
        self.operation = save(self, self.ctx, lambda progress: catalog.import_catalog(actor, path), on_saved=done,
             background="Đang nhập danh mục TTHC…")

    def unit_by_id(self, unit_id: int) -> UnitRow | None:
        return next((u for u in self.units if u.id == unit_id), None)

    def after_save(self, unit_id: int) -> None:
        self.refresh()
        self.unit_form.show_unit(self.unit_by_id(unit_id))
        self.units_view.select_key(unit_id)

    # ---- selection and hooks -----------------------------------------------------------------------

    def _unit_selected(self, row: UnitRow | None) -> None:
        if self._reloading:
            return
        form = self.unit_form
        if row is not None and form.unit is not None and row.id == form.unit.id and not form.creating:
            return
        if form.is_dirty() and not ask_yes_no(self, "Thay đổi chưa lưu",
                                              "Đơn vị đang sửa có thay đổi chưa lưu. Bỏ các thay đổi đó?",
                                              yes="Bỏ thay đổi", no="Tiếp tục sửa"):
            if form.unit is not None:
                self.units_view.select_key(form.unit.id)   # back to the unit being edited
            return
        form.show_unit(row)

    def new_record(self) -> None:
        if not self.ctx.can("organisation"):
            return
        self.tabs.setCurrentIndex(0)
        if self.unit_form.is_dirty() and not ask_yes_no(self, "Thay đổi chưa lưu",
                                                        "Bỏ các thay đổi chưa lưu để thêm đơn vị mới?",
                                                        yes="Bỏ thay đổi", no="Tiếp tục sửa"):
            return
        self.units_view.table.clearSelection()
        self.units_view.table.setCurrentIndex(QModelIndex())
        self.unit_form.show_unit(None, new=True)
        self.unit_form.name_edit.setFocus()

    def navigate_to(self, payload) -> None:
        """``{"unit_id": id}`` or ``{"procedure_id": id}`` (the global search): show and select that row."""
        if not isinstance(payload, dict):
            return
        for key, tab, bar, view in (("unit_id", 0, self.units_filter, self.units_view),
                                    ("procedure_id", 1, self.procedures_filter, self.procedures_view)):
            if payload.get(key) is not None:
                self.tabs.setCurrentIndex(tab)
                bar.clear()   # the record must not be hidden by a filter
                view.select_key(payload[key])

    def apply_search(self, text: str) -> None:
        bar = self.units_filter if self.tabs.currentIndex() == 0 else self.procedures_filter
        bar.set_text(text)

    def confirm_close(self) -> bool:
        if not self.unit_form.is_dirty():
            return True
        return ask_yes_no(self, "Thay đổi chưa lưu", "Đơn vị đang sửa có thay đổi chưa lưu. Thoát và bỏ các thay đổi?",
                          yes="Thoát, bỏ thay đổi", no="Quay lại")
