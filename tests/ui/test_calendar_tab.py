"""Settings → Lịch làm việc, driven through its real widgets on a real SQLite file."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from PySide6.QtCore import QTime, Qt
from PySide6.QtWidgets import QWidget

from par_desktop.db.models import AuditLog, CalendarOverride
from par_desktop.services.session import Actor

from gui_helpers import save_shot, when_modal

pytestmark = pytest.mark.gui

ADMIN = Actor("quantri", "admin", full_name="Quản trị")
LEADER = Actor("giamdoc", "leader", full_name="Trần Văn Hà")


def make_tab(qtbot, db: Path, actor: Actor = ADMIN, year: int = 2024):
    from par_desktop.ui.context import AppContext
    from par_desktop.ui.settings_tabs.calendar import CalendarTab

    ctx = AppContext(str(db), actor)
    tab = CalendarTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1366, 720)
    tab.show()
    qtbot.waitExposed(tab)
    tab.year_spin.setValue(year)
    return tab


def click_day(qtbot, tab, day: date) -> None:
    """Click the day's cell in its month grid, as the clerk does."""
    view = tab.months[day.month - 1].view
    rect = view.visualRect(view.model().index_of(day))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def answer_dialog(handle) -> list:
    """Run ``handle(dialog)`` on the next modal dialog; the list the dialog is appended to."""
    seen: list = []
    when_modal(QWidget, handle, seen)
    return seen


def wait_saved(qtbot, tab) -> None:
    qtbot.waitUntil(lambda: tab.operation is not None and tab.operation.done, timeout=10_000)


def test_2024_marks_tet_and_the_makeup_saturday(qtbot, qtmodeltester, empty_db):
    from par_desktop.ui.widgets.month_grid import KIND_STYLE

    tab = make_tab(qtbot, empty_db)
    february = tab.months[1].model
    for day in range(8, 15):
        index = february.index_of(date(2024, 2, day))
        info = february.day_at(index)
        assert (info.kind, info.working, info.name) == ("holiday", False, "Tết Nguyên Đán")
        assert "Tết Nguyên Đán" in february.data(index, Qt.ItemDataRole.ToolTipRole)
    assert february.day_at(february.index_of(date(2024, 2, 15))).kind == "working"
    assert february.day_at(february.index_of(date(2024, 2, 17))).kind == "weekend"
    assert tab.months[1].count.text() == "16 ngày làm việc"

    may = tab.months[4].model
    saturday = may.day_at(may.index_of(date(2024, 5, 4)))
    assert (saturday.kind, saturday.working) == ("makeup", True)
    assert saturday.name == "Làm bù cho ngày nghỉ thứ Hai 29/04/2024"
    assert "Làm bù" in may.data(may.index_of(date(2024, 5, 4)), Qt.ItemDataRole.ToolTipRole)

    listed = {(r.day, r.kind, r.name) for r in tab.special_model.rows}
    assert (date(2024, 2, 8), "holiday", "Tết Nguyên Đán") in listed
    assert (date(2024, 5, 4), "makeup", "Làm bù cho ngày nghỉ thứ Hai 29/04/2024") in listed
    assert (date(2024, 9, 2), "holiday", "Ngày Quốc khánh") in listed
    assert not any(kind in ("working", "weekend") for _, kind, _ in listed)
    row = tab.special_model.row_of(date(2024, 5, 4))
    assert [tab.special_model.data(tab.special_model.index(row, c)) for c in range(4)] == \
        ["04/05/2024", "T7", "Làm bù", "Làm bù cho ngày nghỉ thứ Hai 29/04/2024"]

    # each kind has its own look, and the legend names it
    assert len({(s.background.name(), s.foreground.name()) for s in KIND_STYLE.values()}) == len(KIND_STYLE)
    assert [tab.legend_labels[k].text() for k in KIND_STYLE] == [s.label for s in KIND_STYLE.values()]
    assert tab.summary_label.text() == "Năm 2024: 251 ngày làm việc, 14 ngày nghỉ lễ, Tết"

    click_day(qtbot, tab, date(2024, 5, 4))
    assert tab.selected_day == date(2024, 5, 4)
    assert "Thứ Bảy, 04/05/2024 — ngày làm việc" in tab.day_label.text()
    assert tab.special_view.currentIndex().row() == row
    assert tab.set_off_button.isEnabled() and not tab.set_work_button.isEnabled()
    assert not tab.remove_button.isEnabled()

    qtmodeltester.check(february)
    qtmodeltester.check(tab.special_model)
    save_shot(tab, "calendar_2024")


def test_the_side_list_selects_the_day_in_the_grid(qtbot, empty_db):
    tab = make_tab(qtbot, empty_db)
    row = tab.special_model.row_of(date(2024, 9, 2))
    tab.special_view.selectRow(row)
    assert tab.selected_day == date(2024, 9, 2)
    september = tab.months[8].view
    assert september.currentIndex() == september.model().index_of(date(2024, 9, 2))
    assert not tab.months[4].view.selectionModel().hasSelection()


def test_the_year_selector_shows_another_year(qtbot, empty_db):
    tab = make_tab(qtbot, empty_db)
    qtbot.mouseClick(tab.next_button, Qt.MouseButton.LeftButton)
    assert tab.year == 2025 and tab.year_spin.value() == 2025
    april = tab.months[3].model
    assert april.day_at(april.index_of(date(2025, 4, 26))).kind == "makeup"
    assert "năm 2025" in tab.special_box.title()
    assert all(r.day.year == 2025 for r in tab.special_model.rows)


def test_setting_and_removing_a_day_off_through_the_widgets(qtbot, empty_db):
    tab = make_tab(qtbot, empty_db)
    day = date(2024, 12, 31)
    click_day(qtbot, tab, day)
    assert tab.set_off_button.isEnabled()

    reason = "Quyết định 123/QĐ-UBND ngày 01/11/2024 của UBND tỉnh"

    def give_reason(dialog):
        assert dialog.objectName() == "calendarReasonDialog"
        assert not dialog.save_button.isEnabled()  # a reason is required
        qtbot.keyClicks(dialog.reason_edit, "QD")  # QTest types Latin-1 only: the rest is pasted
        assert dialog.save_button.isEnabled()
        dialog.reason_edit.selectAll()
        dialog.reason_edit.insert(reason)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    seen = answer_dialog(give_reason)
    with qtbot.waitSignal(tab.ctx.data_changed, timeout=5000):
        qtbot.mouseClick(tab.set_off_button, Qt.MouseButton.LeftButton)
        wait_saved(qtbot, tab)
    assert len(seen) == 1 and tab.operation.error is None

    row = CalendarOverride.get(CalendarOverride.day == day)
    assert (row.is_working, row.reason) == (False, reason)
    entry = AuditLog.get(AuditLog.table_name == "calendar_override")
    assert (entry.username, entry.record_id, entry.new_value) == ("quantri", "2024-12-31", f"nghỉ: {reason}")
    december = tab.months[11].model
    shown = december.day_at(december.index_of(day))
    assert (shown.kind, shown.name) == ("override_off", reason)
    assert (day, "override_off", reason) in {(r.day, r.kind, r.name) for r in tab.special_model.rows}
    assert tab.remove_button.isEnabled() and tab.set_work_button.isEnabled()
    assert not tab.set_off_button.isEnabled()
    assert tab.months[11].count.text() == "21 ngày làm việc"

    def confirm(dialog):
        assert "Quyết định 123/QĐ-UBND" in dialog.message_label.text()
        qtbot.mouseClick(dialog.buttons["yes"], Qt.MouseButton.LeftButton)

    tab.operation = None
    answer_dialog(confirm)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    wait_saved(qtbot, tab)
    assert CalendarOverride.select().count() == 0
    assert december.day_at(december.index_of(day)).kind == "working"
    assert AuditLog.select().where(AuditLog.table_name == "calendar_override").count() == 2


def test_a_saturday_made_a_working_day(qtbot, empty_db):
    tab = make_tab(qtbot, empty_db)
    day = date(2024, 12, 28)
    click_day(qtbot, tab, day)
    assert tab.set_work_button.isEnabled() and not tab.set_off_button.isEnabled()
    answer_dialog(lambda d: (d.reason_edit.setText("Làm bù theo Quyết định 99/QĐ-UBND"),
                                    d.save_button.click()))
    qtbot.mouseClick(tab.set_work_button, Qt.MouseButton.LeftButton)
    wait_saved(qtbot, tab)
    assert CalendarOverride.get(CalendarOverride.day == day).is_working
    december = tab.months[11].model
    assert december.day_at(december.index_of(day)).kind == "override_work"


def test_cancelling_the_reason_dialog_changes_nothing(qtbot, empty_db):
    tab = make_tab(qtbot, empty_db)
    click_day(qtbot, tab, date(2024, 12, 31))
    answer_dialog(lambda d: d.reject())
    qtbot.mouseClick(tab.set_off_button, Qt.MouseButton.LeftButton)
    assert tab.operation is None
    assert CalendarOverride.select().count() == 0


def test_a_leader_is_refused_in_vietnamese(qtbot, empty_db):
    tab = make_tab(qtbot, empty_db, actor=LEADER)
    assert not tab.permission_label.isHidden()
    click_day(qtbot, tab, date(2024, 12, 31))
    messages = []

    def read_and_close(dialog):
        messages.append(dialog.message_label.text())
        dialog.buttons["ok"].click()

    seen = answer_dialog(read_and_close)
    qtbot.mouseClick(tab.set_off_button, Qt.MouseButton.LeftButton)
    assert messages == ["Tài khoản giamdoc (Lãnh đạo) không có quyền sửa lịch làm việc."]
    assert seen[0].objectName() == "messageDialog"  # refused before any reason is asked
    assert tab.operation is None

    tab.opens_edit.setTime(QTime(8, 0))
    answer_dialog(read_and_close)
    qtbot.mouseClick(tab.save_hours_button, Qt.MouseButton.LeftButton)
    assert len(messages) == 2 and "không có quyền" in messages[1]
    assert CalendarOverride.select().count() == 0
    assert AuditLog.select().count() == 0


def test_office_hours_are_saved(qtbot, empty_db):
    from par_desktop.services import calendar

    tab = make_tab(qtbot, empty_db)
    assert tab.opens_edit.time() == QTime(7, 30) and tab.closes_edit.time() == QTime(17, 0)
    assert not tab.save_hours_button.isEnabled()
    tab.opens_edit.setTime(QTime(8, 0))
    assert tab.save_hours_button.isEnabled()
    assert tab.day_length_label.text() == "Một ngày làm việc: 9 giờ (chưa lưu)"

    qtbot.mouseClick(tab.save_hours_button, Qt.MouseButton.LeftButton)
    wait_saved(qtbot, tab)
    assert tab.operation.error is None
    hours = calendar.office_hours()
    assert (hours.opens, hours.closes) == (time(8, 0), time(17, 0))
    assert tab.calendar.hours == hours
    assert not tab.save_hours_button.isEnabled()
    assert tab.day_length_label.text() == "Một ngày làm việc: 9 giờ"
    assert tab.confirm_close()


def test_office_hours_closing_before_opening_cannot_be_saved(qtbot, empty_db):
    from par_desktop.services import calendar

    tab = make_tab(qtbot, empty_db)
    tab.closes_edit.setTime(QTime(7, 0))
    assert tab.day_length_label.text() == "Giờ đóng cửa phải sau giờ mở cửa."
    assert not tab.save_hours_button.isEnabled()
    tab.closes_edit.setTime(QTime(16, 30))
    assert tab.save_hours_button.isEnabled()
    assert tab.day_length_label.text() == "Một ngày làm việc: 9 giờ (chưa lưu)"
    assert calendar.office_hours().closes == time(17, 0)


def test_the_settings_page_loads_the_tab(qtbot, empty_db):
    from par_desktop.ui.pages.settings import tab_class
    from par_desktop.ui.settings_tabs.calendar import CalendarTab

    assert tab_class("calendar") is CalendarTab
