"""Cài đặt → Nhật ký thay đổi: who changed which field of which record, old → new. Read only.

The filters (user, table, session, date range) run in the database, since the trail grows without
end; the search box then narrows what was loaded. At most ``LIMIT`` rows are loaded, newest first.
Nothing here can change a row of the trail: the model is read-only and no action edits.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from par_desktop.domain.text import fold, ui_moment, vn_number
from par_desktop.errors import UserError
from par_desktop.services import audit
from par_desktop.ui.widgets.table import Column, DataTableView, RowTableModel

LIMIT = 5000
DEFAULT_DAYS = 30


def audit_columns() -> list[Column]:
    """The columns of ``services.audit.ShownEntry`` rows: labels, people's names, dd/mm/yyyy."""
    return [
        Column("Thời điểm", lambda e: e.at, display=lambda e: ui_moment(e.at, seconds=True), width=140),
        Column("Người thực hiện", lambda e: e.user, width=170),
        Column("Thao tác", lambda e: e.action_label, width=110),
        Column("Dữ liệu", lambda e: e.table_label, width=130),
        Column("Bản ghi", lambda e: e.record_id, width=70),
        Column("Mục", lambda e: e.field, width=150),
        Column("Giá trị cũ", lambda e: e.old, width=220, tooltip=lambda e: e.old),
        Column("Giá trị mới", lambda e: e.new, width=220, tooltip=lambda e: e.new),
        Column("Phiên", lambda e: e.session_id[:8], width=80, tooltip=lambda e: e.session_id),
    ]


def audit_model(parent=None) -> RowTableModel:
    """The read-only table model of audit rows as shown (a QAbstractTableModel)."""
    return RowTableModel(audit_columns(), key=lambda e: e.id, parent=parent)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class AuditTab(QWidget):
    title = "Nhật ký thay đổi"

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.user_combo = self._combo("auditUser")
        self.table_combo = self._combo("auditTable")
        self.session_combo = self._combo("auditSession")
        self.session_combo.setMinimumContentsLength(24)
        self.all_dates = QCheckBox("Mọi ngày")
        self.all_dates.setObjectName("auditAllDates")
        self.from_edit = self._date_edit("auditFrom", date.today() - timedelta(days=DEFAULT_DAYS))
        self.to_edit = self._date_edit("auditTo", date.today())
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("auditSearch")
        self.search_edit.setPlaceholderText("Tìm trong kết quả (có dấu hoặc không dấu)…")
        self.search_edit.setClearButtonEnabled(True)
        self.reload_button = QPushButton("Tải lại")
        self.reload_button.clicked.connect(self.refresh)

        filters = QHBoxLayout()
        for text, widget in (("Người thực hiện:", self.user_combo), ("Dữ liệu:", self.table_combo),
                             ("Phiên:", self.session_combo), ("Từ:", self.from_edit), ("Đến:", self.to_edit)):
            filters.addWidget(QLabel(text))
            filters.addWidget(widget)
        filters.addWidget(self.all_dates)
        filters.addStretch(1)
        search = QHBoxLayout()
        search.addWidget(self.search_edit, 1)
        search.addWidget(self.reload_button)

        self.model = audit_model(self)
        self.view = DataTableView(self.model, export_name="nhat-ky-thay-doi")
        self.view.setObjectName("auditTable")
        self.notice = QLabel("")
        self.notice.setObjectName("auditNotice")
        self.notice.setStyleSheet("QLabel { color: #8a5a00; }")
        self.notice.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(search)
        layout.addWidget(self.notice)
        layout.addWidget(self.view, 1)

        for combo in (self.user_combo, self.table_combo, self.session_combo):
            combo.currentIndexChanged.connect(self.reload_rows)
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(self.reload_rows)
        self.all_dates.toggled.connect(self._dates_toggled)
        self.search_edit.textChanged.connect(self._apply_search)
        self.refresh()

    # ---- building ----------------------------------------------------------------------------------

    @staticmethod
    def _combo(name: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(10)
        return combo

    @staticmethod
    def _date_edit(name: str, day: date) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setObjectName(name)
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setCalendarPopup(True)
        return edit

    @staticmethod
    def _fill(combo: QComboBox, options: list[tuple[str, str]]) -> None:
        """Replace the choices, keeping the current one when it still exists."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("Tất cả", None)
        for text, value in options:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
        combo.blockSignals(False)

    # ---- filters -----------------------------------------------------------------------------------

    def filters(self) -> dict:
        """The database-side filters chosen now (as ``services.audit.entries`` takes them)."""
        dated = not self.all_dates.isChecked()
        return {"user": self.user_combo.currentData(), "table": self.table_combo.currentData(),
                "session_id": self.session_combo.currentData(),
                "since": _pydate(self.from_edit.date()) if dated else None,
                "until": _pydate(self.to_edit.date()) if dated else None}

    def show_session(self, session_id: str) -> None:
        """Every change of one session, whatever its date (e.g. "what did I change today?")."""
        self.refresh_choices()
        index = self.session_combo.findData(session_id)
        if index < 0:
            self.session_combo.addItem(session_id[:8], session_id)
            index = self.session_combo.count() - 1
        self.all_dates.setChecked(True)
        self.session_combo.setCurrentIndex(index)
        self.reload_rows()

    def _dates_toggled(self, checked: bool) -> None:
        self.from_edit.setEnabled(not checked)
        self.to_edit.setEnabled(not checked)
        self.reload_rows()

    def _apply_search(self) -> None:
        tokens = fold(self.search_edit.text()).split()
        if not tokens:
            self.view.set_filter(None)
            return
        self.view.set_filter(lambda row, key: all(t in key for t in tokens))

    # ---- data --------------------------------------------------------------------------------------

    def refresh_choices(self) -> None:
        self._fill(self.user_combo, audit.user_choices())
        self._fill(self.table_combo, [(audit.TABLE_LABELS.get(t, t), t) for t in audit.tables()])
        self._fill(self.session_combo, [(s.label(), s.session_id) for s in audit.sessions()])

    def refresh(self) -> None:
        try:
            self.refresh_choices()
        except UserError as exc:
            self.ctx.status_message.emit(exc.message)
            return
        self.reload_rows()

    def reload_rows(self) -> None:
        filters = self.filters()
        if filters["since"] and filters["until"] and filters["since"] > filters["until"]:
            self._notice("Ngày bắt đầu đang sau ngày kết thúc: không có dòng nào.")
            self.view.set_rows([])
            return
        try:
            rows = audit.entries(**filters, limit=LIMIT + 1)
        except UserError as exc:
            self.ctx.status_message.emit(exc.message)
            return
        if len(rows) > LIMIT:
            rows = rows[:LIMIT]
            self._notice(f"Chỉ hiển thị {vn_number(LIMIT)} dòng mới nhất; hãy thu hẹp bộ lọc để xem các dòng cũ hơn.")
        else:
            self._notice("")
        self.view.set_rows(audit.shown(rows))
        self._apply_search()

    def _notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
