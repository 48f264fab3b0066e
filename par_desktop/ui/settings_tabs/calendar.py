"""Settings → Lịch làm việc: the year's working days, public holidays, make-up Saturdays and the
administrator's overrides, plus the office hours.

The year view is twelve small month grids (``ui.widgets.month_grid``), with a legend whose text says
what each style means, so the view reads the same in black and white. Changes go through
``services.calendar_changes`` on a worker thread (changing the calendar recomputes the due moments
of open dossiers, which may take a moment on a large database).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import date, time

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt, QTime
from PySide6.QtGui import QAction, QBrush
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QMenu, QPushButton, QScrollArea, QSpinBox, QSplitter, QTableView, QTimeEdit, QToolButton, QVBoxLayout,
    QWidget,
)

from par_desktop.domain.calendar import DayInfo, WorkCalendar
from par_desktop.domain.text import ui_date, vn_number
from par_desktop.errors import PermissionDenied
from par_desktop.services import calendar_changes, database
from par_desktop.services.calendar import current_calendar
from par_desktop.services.session import require
from par_desktop.ui.errors import ask_yes_no, show_error
from par_desktop.ui.saving import save
from par_desktop.ui.widgets.month_grid import (
    DAY_ROLE, KIND_STYLE, WEEKDAY_LONG, WEEKDAY_SHORT, DayDelegate, KindStyle, MonthGrid, MonthView, day_tooltip,
)
from par_desktop.ui.widgets.panels import note_label
from par_desktop.ui.widgets.table import select_only_row
from par_desktop.ui.widgets.viewport import own_viewport

_SWAP = re.compile(r"làm bù ngày (\d{2}/\d{2}/\d{4})")


def with_makeup_names(days: list[DayInfo]) -> list[DayInfo]:
    """Name each make-up Saturday after the day off it pays back ("Làm bù cho ngày nghỉ 29/04/2024"),
    read from the swapped holiday's name ("Nghỉ hoán đổi (làm bù ngày 04/05/2024)")."""
    paid_back = {}
    for info in days:
        match = _SWAP.search(info.name) if info.kind == "holiday" else None
        if match:
            paid_back[match.group(1)] = info.day
    named = []
    for info in days:
        swapped = paid_back.get(ui_date(info.day)) if info.kind == "makeup" else None
        if swapped is not None:
            weekday = WEEKDAY_LONG[swapped.weekday()]
            info = replace(info, name=f"Làm bù cho ngày nghỉ {weekday[0].lower()}{weekday[1:]} {ui_date(swapped)}")
        named.append(info)
    return named


class SpecialDaysModel(QAbstractTableModel):
    """The year's days that are not plain working days or weekends, in date order."""

    HEADERS = ("Ngày", "Thứ", "Loại", "Tên / lý do")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[DayInfo] = []

    def set_rows(self, rows: list[DayInfo]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        info = self.rows[index.row()]
        style = KIND_STYLE[info.kind]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (ui_date(info.day), WEEKDAY_SHORT[info.day.weekday()], style.short, info.name)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return day_tooltip(info)
        if role == DAY_ROLE:
            return info
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return QBrush(style.foreground)
        if role == Qt.ItemDataRole.BackgroundRole and column == 2:
            return QBrush(style.background)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def row_of(self, day: date) -> int:
        return next((i for i, info in enumerate(self.rows) if info.day == day), -1)


class ReasonDialog(QDialog):
    """Asks why a day is changed (e.g. the number of a provincial decision): the reason is required."""

    def __init__(self, parent: QWidget | None, title: str, question: str):
        super().__init__(parent)
        self.setObjectName("calendarReasonDialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        label = QLabel(question)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(QLabel("Lý do (bắt buộc):"))
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reasonEdit")
        self.reason_edit.setPlaceholderText("Ví dụ: Quyết định số 123/QĐ-UBND ngày 01/04/2024 của UBND tỉnh")
        self.reason_edit.setMinimumWidth(440)
        layout.addWidget(self.reason_edit)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Lưu", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveReason")
        self.save_button.setDefault(True)
        buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reason_edit.textChanged.connect(lambda text: self.save_button.setEnabled(bool(text.strip())))
        self.save_button.setEnabled(False)

    def reason(self) -> str:
        return self.reason_edit.text().strip()


def _legend_swatch(style: KindStyle) -> QLabel:
    swatch = QLabel("8")
    swatch.setAlignment(Qt.AlignmentFlag.AlignCenter)
    swatch.setFixedSize(24, 20)
    weight = "700" if style.bold else "400"
    border = style.foreground.name() if style.mark else style.background.darker(112).name()
    swatch.setStyleSheet(f"QLabel {{ background: {style.background.name()}; color: {style.foreground.name()};"
                         f" font-weight: {weight}; border: 1px solid {border}; }}")
    return swatch


class CalendarTab(QWidget):
    """The Calendar page under Settings (Lịch làm việc). The settings page calls ``refresh()`` on F5
    and when the database changed."""

    title = "Lịch làm việc"

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("calendarTab")
        self.calendar: WorkCalendar | None = None
        self.year = date.today().year
        self.selected_day: date | None = None
        self._days: dict[date, DayInfo] = {}
        self.operation = None  # the running (or last) save, for whoever needs to wait for it
        self._hours_dirty = False
        self._build()
        self.refresh()

    # ---- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Năm:"))
        self.prev_button = QToolButton()
        self.prev_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.prev_button.setToolTip("Năm trước")
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("yearSpin")
        self.year_spin.setRange(1990, 2100)
        self.year_spin.setValue(self.year)
        self.year_spin.setMinimumWidth(80)
        self.next_button = QToolButton()
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setToolTip("Năm sau")
        self.this_year_button = QPushButton("Năm nay")
        self.prev_button.clicked.connect(lambda: self.year_spin.setValue(self.year_spin.value() - 1))
        self.next_button.clicked.connect(lambda: self.year_spin.setValue(self.year_spin.value() + 1))
        self.this_year_button.clicked.connect(lambda: self.year_spin.setValue(date.today().year))
        self.year_spin.valueChanged.connect(self.set_year)
        for widget in (self.prev_button, self.year_spin, self.next_button, self.this_year_button):
            bar.addWidget(widget)
        bar.addSpacing(16)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("yearSummary")
        self.summary_label.setStyleSheet("font-weight: 600;")
        bar.addWidget(self.summary_label)
        bar.addStretch(1)
        outer.addLayout(bar)

        legend = QHBoxLayout()
        legend.setSpacing(6)
        self.legend_labels: dict[str, QLabel] = {}
        for kind, style in KIND_STYLE.items():
            legend.addWidget(_legend_swatch(style))
            text = QLabel(style.label)
            self.legend_labels[kind] = text
            legend.addWidget(text)
            legend.addSpacing(10)
        today_note = note_label("○ hôm nay", wrap=False)
        legend.addWidget(today_note)
        legend.addStretch(1)
        outer.addLayout(legend)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        self.delegate = DayDelegate(self)
        self.months: list[MonthView] = []
        for month in range(1, 13):
            view = MonthView(month, self.delegate)
            view.day_clicked.connect(self.select_day)
            view.context_requested.connect(self._day_menu)
            self.months.append(view)
        self.month_grid = MonthGrid(self.months)
        self.year_scroll = QScrollArea()
        own_viewport(self.year_scroll)
        self.year_scroll.setWidget(self.month_grid)
        self.year_scroll.setWidgetResizable(True)
        self.year_scroll.setFrameShape(QFrame.Shape.NoFrame)
        # the months reflow to the width (MonthGrid.fit), so only vertical scrolling is ever needed
        self.year_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.year_scroll.setMinimumWidth(self.month_grid.width_for(1) + 24)
        self.year_scroll.viewport().installEventFilter(self)
        splitter.addWidget(self.year_scroll)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        side_layout.addWidget(self._build_day_box())
        side_layout.addWidget(self._build_special_box(), 1)
        side_layout.addWidget(self._build_hours_box())
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        self.splitter = splitter
        self._user_split = False  # once the clerk drags the splitter, resizing keeps their choice
        splitter.splitterMoved.connect(lambda *_: setattr(self, "_user_split", True))
        outer.addWidget(splitter, 1)

    def _build_day_box(self) -> QGroupBox:
        box = QGroupBox("Ngày đang chọn")
        layout = QVBoxLayout(box)
        self.day_label = QLabel("Chọn một ngày trên lịch để xem hoặc điều chỉnh.")
        self.day_label.setObjectName("selectedDay")
        self.day_label.setWordWrap(True)
        self.day_label.setMinimumHeight(36)
        layout.addWidget(self.day_label)
        self.set_off_action = QAction("Đặt là ngày nghỉ…", self)
        self.set_work_action = QAction("Đặt là ngày làm việc…", self)
        self.remove_action = QAction("Bỏ điều chỉnh", self)
        self.set_off_action.triggered.connect(lambda: self.edit_selected(False))
        self.set_work_action.triggered.connect(lambda: self.edit_selected(True))
        self.remove_action.triggered.connect(self.remove_selected)
        row = QHBoxLayout()
        self.set_off_button = QPushButton(self.set_off_action.text())
        self.set_work_button = QPushButton(self.set_work_action.text())
        self.remove_button = QPushButton(self.remove_action.text())
        for button, action in ((self.set_off_button, self.set_off_action),
                               (self.set_work_button, self.set_work_action),
                               (self.remove_button, self.remove_action)):
            button.clicked.connect(action.trigger)
            row.addWidget(button)
        layout.addLayout(row)
        self.permission_label = note_label()
        layout.addWidget(self.permission_label)
        return box

    def _build_special_box(self) -> QGroupBox:
        self.special_box = QGroupBox()
        layout = QVBoxLayout(self.special_box)
        self.special_model = SpecialDaysModel(self)
        self.special_view = QTableView()
        self.special_view.setObjectName("specialDays")
        self.special_view.setModel(self.special_model)
        self.special_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.special_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.special_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.special_view.setAlternatingRowColors(True)
        self.special_view.setWordWrap(True)  # long names ("Ngày Giải phóng miền Nam, …") stay readable
        self.special_view.verticalHeader().setVisible(False)
        self.special_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.special_view.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.special_view.selectionModel().currentRowChanged.connect(self._special_row_changed)
        layout.addWidget(self.special_view)
        return self.special_box

    def _build_hours_box(self) -> QGroupBox:
        box = QGroupBox("Giờ làm việc")
        layout = QGridLayout(box)
        self.opens_edit = QTimeEdit()
        self.opens_edit.setObjectName("opensEdit")
        self.closes_edit = QTimeEdit()
        self.closes_edit.setObjectName("closesEdit")
        for edit in (self.opens_edit, self.closes_edit):
            edit.setDisplayFormat("HH:mm")
            edit.timeChanged.connect(self._hours_edited)
        self.save_hours_button = QPushButton("Lưu giờ làm việc")
        self.save_hours_button.setObjectName("saveHours")
        self.save_hours_button.clicked.connect(self.save_office_hours)
        self.day_length_label = note_label(wrap=False)
        layout.addWidget(QLabel("Mở cửa:"), 0, 0)
        layout.addWidget(self.opens_edit, 0, 1)
        layout.addWidget(QLabel("Đóng cửa:"), 0, 2)
        layout.addWidget(self.closes_edit, 0, 3)
        layout.addWidget(self.save_hours_button, 0, 4)
        layout.setColumnStretch(5, 1)
        layout.addWidget(self.day_length_label, 1, 0, 1, 6)
        note = note_label("Thay đổi lịch hoặc giờ làm việc chỉ tính lại hạn của hồ sơ đang giải quyết; "
                      "hồ sơ đã kết thúc giữ nguyên hạn đã dùng để đánh giá.")
        layout.addWidget(note, 2, 0, 1, 6)
        return box

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self._user_split:
            self._fit_splitter()

    def _fit_splitter(self) -> None:
        """As many months abreast as leave the side panel readable; the rest goes to the side panel."""
        total = self.splitter.width() - self.splitter.handleWidth()
        extra = self.year_scroll.verticalScrollBar().sizeHint().width() + 8
        grid = next((self.month_grid.width_for(n) + extra for n in (4, 3, 2)
                     if total - self.month_grid.width_for(n) - extra >= 360),
                    self.month_grid.width_for(1) + extra)
        self.splitter.setSizes([grid, max(total - grid, 0)])

    def eventFilter(self, watched, event) -> bool:
        if watched is self.year_scroll.viewport() and event.type() == QEvent.Type.Resize:
            self.month_grid.fit(event.size().width())
        return super().eventFilter(watched, event)

    # ---- showing --------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the calendar from the database (overrides and office hours may have changed)."""
        with database.translated_errors():
            self.calendar = current_calendar()
        self._show_year()
        self._show_hours()
        self._show_selection()

    def set_year(self, year: int) -> None:
        if self.year_spin.value() != year:
            self.year_spin.setValue(year)  # comes back here through valueChanged
            return
        if year == self.year and self.calendar is not None and self.months[0].model.year == year:
            return
        self.year = year
        if self.selected_day and self.selected_day.year != year:
            self.selected_day = None
        if self.calendar is not None:
            self._show_year()
            self._show_selection()

    def _show_year(self) -> None:
        days = with_makeup_names(self.calendar.year_days(self.year))
        self._days = {info.day: info for info in days}
        today = date.today()
        for view in self.months:
            view.set_days(self.year, [info for info in days if info.day.month == view.month], today)
        special = [info for info in days if info.kind not in ("working", "weekend")]
        self.special_model.set_rows(special)
        self.special_box.setTitle(f"Ngày nghỉ lễ, ngày làm bù và ngày điều chỉnh năm {self.year}")
        working = sum(1 for info in days if info.working)
        holidays = sum(1 for info in days if info.kind == "holiday")
        self.summary_label.setText(f"Năm {self.year}: {vn_number(working)} ngày làm việc, "
                                   f"{holidays} ngày nghỉ lễ, Tết")

    def _show_hours(self) -> None:
        if self._hours_dirty:
            return  # the clerk is typing new hours: a refresh must not throw them away
        hours = self.calendar.hours
        for edit, value in ((self.opens_edit, hours.opens), (self.closes_edit, hours.closes)):
            blocker = edit.blockSignals(True)
            edit.setTime(QTime(value.hour, value.minute))
            edit.blockSignals(blocker)
        self._update_hours_widgets()

    def day_info(self, day: date) -> DayInfo:
        """The day as shown (make-up Saturdays named after the day they pay back)."""
        return self._days.get(day) or self.calendar.day_info(day)

    def _hours_edited(self) -> None:
        hours = self.calendar.hours if self.calendar else None
        self._hours_dirty = hours is None or self._edited_hours() != (hours.opens, hours.closes)
        self._update_hours_widgets()

    def _edited_hours(self) -> tuple[time, time]:
        opens, closes = self.opens_edit.time(), self.closes_edit.time()
        return time(opens.hour(), opens.minute()), time(closes.hour(), closes.minute())

    def _update_hours_widgets(self) -> None:
        opens, closes = self._edited_hours()
        minutes = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
        if minutes > 0:
            hours, rest = divmod(minutes, 60)
            text = f"Một ngày làm việc: {hours} giờ" + (f" {rest} phút" if rest else "")
            self.day_length_label.setText(text + (" (chưa lưu)" if self._hours_dirty else ""))
        else:
            self.day_length_label.setText("Giờ đóng cửa phải sau giờ mở cửa.")
        self.save_hours_button.setEnabled(self._hours_dirty and minutes > 0)

    def select_day(self, day: date | None) -> None:
        """Select ``day`` in the grid and the side list (changing the year if needed)."""
        if day is not None and day.year != self.year:
            self.selected_day = day
            self.set_year(day.year)
        self.selected_day = day
        self._show_selection()

    def _show_selection(self) -> None:
        day = self.selected_day
        for view in self.months:
            view.select(day)
        row = self.special_model.row_of(day) if day else -1
        selection = self.special_view.selectionModel()
        blocker = selection.blockSignals(True)
        if row >= 0:
            select_only_row(self.special_view, row)
            self.special_view.scrollTo(self.special_model.index(row, 0))
        else:
            self.special_view.clearSelection()
        selection.blockSignals(blocker)

        can_edit = self.ctx.can("calendar")
        self.permission_label.setText(
            "" if can_edit else "Tài khoản của bạn chỉ được xem lịch; việc điều chỉnh cần quyền "
                                "Quản trị hoặc Văn phòng.")
        self.permission_label.setVisible(not can_edit)
        info = self.day_info(day) if day and self.calendar else None
        if info is None:
            self.day_label.setText("Chọn một ngày trên lịch để xem hoặc điều chỉnh.")
        else:
            state = "ngày làm việc" if info.working else "ngày nghỉ"
            detail = KIND_STYLE[info.kind].label
            if info.kind == "makeup":
                detail = info.name or detail
            elif info.name:
                detail += f". Lý do: {info.name}" if info.kind.startswith("override_") else f": {info.name}"
            self.day_label.setText(f"<b>{WEEKDAY_LONG[day.weekday()]}, {ui_date(day)} — {state}</b><br>"
                                   f"{html.escape(detail)}")
        busy = self.operation is not None and not self.operation.done
        overridden = info is not None and info.kind.startswith("override_")
        self.set_off_action.setEnabled(info is not None and info.working and not busy)
        self.set_work_action.setEnabled(info is not None and not info.working and not busy)
        self.remove_action.setEnabled(overridden and not busy)
        for button, action in ((self.set_off_button, self.set_off_action),
                               (self.set_work_button, self.set_work_action),
                               (self.remove_button, self.remove_action)):
            button.setEnabled(action.isEnabled())

    def _special_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        info = self.special_model.data(current, DAY_ROLE) if current.isValid() else None
        if info is not None and info.day != self.selected_day:
            self.select_day(info.day)

    def _day_menu(self, day: date, global_pos) -> None:
        menu = QMenu(self)
        menu.addAction(self.set_off_action)
        menu.addAction(self.set_work_action)
        menu.addAction(self.remove_action)
        menu.popup(global_pos)

    # ---- changing -------------------------------------------------------------------------------

    def _allowed(self) -> bool:
        """Refuse before the clerk types a reason when the role cannot change the calendar."""
        try:
            require(self.ctx.actor, "calendar")
        except PermissionDenied as exc:
            show_error(self, exc)
            return False
        return True

    def edit_selected(self, working: bool) -> None:
        """"Đặt là ngày nghỉ…" / "Đặt là ngày làm việc…": ask the reason, then store the override."""
        day = self.selected_day
        if day is None or not self._allowed():
            return
        what = "ngày làm việc" if working else "ngày nghỉ"
        dialog = ReasonDialog(self, f"Đặt là {what}",
                              f"Đặt {WEEKDAY_LONG[day.weekday()]}, {ui_date(day)} là {what} "
                              f"(thay cho lịch nhà nước).")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        reason = dialog.reason()
        actor = self.ctx.actor
        self._run(f"Đang lưu lịch ngày {ui_date(day)}…",
                  lambda _progress: _set_override(actor, day, working, reason),
                  f"Đã đặt {ui_date(day)} là {what}.")

    def remove_selected(self) -> None:
        day = self.selected_day
        if day is None or not self._allowed():
            return
        info = self.day_info(day)
        question = (f"Bỏ điều chỉnh của {WEEKDAY_LONG[day.weekday()]}, {ui_date(day)}"
                    + (f" (lý do: {info.name})" if info.name else "")
                    + "? Ngày này sẽ theo lịch nhà nước.")
        if not ask_yes_no(self, "Bỏ điều chỉnh", question, yes="Bỏ điều chỉnh"):
            return
        actor = self.ctx.actor
        self._run(f"Đang bỏ điều chỉnh ngày {ui_date(day)}…", lambda _progress: _remove_override(actor, day),
                  f"Đã bỏ điều chỉnh ngày {ui_date(day)}.")

    def save_office_hours(self) -> None:
        if not self._allowed():
            return
        opens, closes = self._edited_hours()
        actor = self.ctx.actor

        def saved(_result) -> None:
            self._hours_dirty = False

        self._run("Đang lưu giờ làm việc…", lambda _progress: _set_office_hours(actor, opens, closes),
                  f"Đã lưu giờ làm việc {opens:%H:%M}–{closes:%H:%M}.", before_refresh=saved)

    def confirm_close(self) -> bool:
        """Unsaved office hours: ask before the window closes."""
        if not self._hours_dirty:
            return True
        return ask_yes_no(self, "Giờ làm việc chưa lưu",
                          "Giờ làm việc vừa sửa chưa được lưu. Đóng mà không lưu?", yes="Đóng, không lưu")

    def _run(self, title: str, work, done_message: str, before_refresh=None) -> None:
        """Write on a worker (the recomputation of open dossiers can take a moment), then reload."""
        def succeeded(result) -> None:
            if before_refresh is not None:
                before_refresh(result)
            self.ctx.status_message.emit(done_message)
            self.refresh()

        # The override may be stored even if the recomputation that follows failed: show the truth.
        self.operation = save(self, self.ctx, lambda progress: work(progress), on_saved=succeeded,
                              on_failed=self._changed, background=title)
        self._show_selection()

    def _changed(self) -> None:
        self.ctx.notify_changed()
        self.refresh()


def _set_override(actor, day: date, working: bool, reason: str) -> None:
    with database.translated_errors():
        calendar_changes.set_override(actor, day, working, reason)


def _remove_override(actor, day: date) -> None:
    with database.translated_errors():
        calendar_changes.remove_override(actor, day)


def _set_office_hours(actor, opens: time, closes: time) -> None:
    with database.translated_errors():
        calendar_changes.set_office_hours(actor, opens, closes)
