"""The keyboard (issue 16 item 7): Tab leaves tables and date fields, Enter opens the row, the context
menu offers the row's actions with their shortcuts, Trợ giúp → Phím tắt lists every shortcut, and an
editor asks before Esc throws away what was typed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDateTimeEdit, QDialog, QFormLayout, QLineEdit

from par_desktop.db.models import ProgressReport
from par_desktop.services.session import Actor
from par_desktop.ui import keyboard, shortcuts
from par_desktop.ui.dialogs.task_dialogs import ProgressDialog, TaskDialog
from par_desktop.ui.errors import MessageDialog
from par_desktop.ui.window_dialogs import ShortcutsDialog
from par_desktop.ui.widgets.table import select_only_row

from gui_helpers import open_window, when_modal_dialog

pytestmark = pytest.mark.gui

VANPHONG = Actor("vanphong", "office", full_name="Nguyễn Thị Hương")


@pytest.fixture
def window(qtbot, demo_db):
    return open_window(qtbot, demo_db, VANPHONG)


def tasks_page(window, qtbot):
    page = window.show_page("tasks")
    qtbot.waitUntil(lambda: page.table.visible_count() > 5)
    window.activateWindow()        # a shortcut reaches the table only in the active window
    page.table.table.setFocus()
    select_only_row(page.table.table, 0)
    qtbot.waitUntil(lambda: page.table.table.hasFocus() and page.table.selected_rows() != [])
    return page


def test_tab_leaves_a_table_and_enter_opens_the_row(qtbot, window):
    page = tasks_page(window, qtbot)
    table = page.table.table
    assert table.hasFocus()
    QTest.keyClick(table, Qt.Key.Key_Tab)
    assert not table.hasFocus(), "Tab walks out of the table, not cell by cell"
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert table.hasFocus()

    seen: list = []
    when_modal_dialog(TaskDialog, lambda d: QTest.keyClick(d, Qt.Key.Key_Escape), seen)   # nothing typed: closes
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert len(seen) == 1 and seen[0].windowTitle().startswith("Sửa nhiệm vụ") and not seen[0].isVisible()


def test_the_context_menu_offers_the_rows_actions_with_shortcuts(qtbot, window):
    page = tasks_page(window, qtbot)
    menu = page.table.build_menu()
    items = {a.text(): a.shortcut().toString() for a in menu.actions() if a.text()}
    assert items["Báo cáo tiến độ…"] == shortcuts.REPORT_PROGRESS
    assert items["Sửa nhiệm vụ…"] == shortcuts.EDIT and items["Xóa nhiệm vụ"] == shortcuts.DELETE
    assert all(a.isEnabled() for a in menu.actions() if a.text())


def test_esc_asks_before_a_typed_progress_report_is_thrown_away(qtbot, window):
    page = tasks_page(window, qtbot)
    before = ProgressReport.select().count()
    seen: list = []
    answers: list = []
    kept: list = []

    def type_then_escape(dialog: ProgressDialog) -> None:
        QTest.keyClicks(dialog.text_edit, "Da ra soat 12 thu tuc")
        when_modal_dialog(MessageDialog, lambda m: QTest.keyClick(m, Qt.Key.Key_Return), answers)  # Enter: keep editing
        QTest.keyClick(dialog.text_edit, Qt.Key.Key_Escape)
        kept.append((dialog.isVisible(), dialog.text_edit.toPlainText()))
        when_modal_dialog(MessageDialog, lambda m: m.buttons["no"].click(), answers)            # "Bỏ nội dung"
        QTest.keyClick(dialog.text_edit, Qt.Key.Key_Escape)

    when_modal_dialog(ProgressDialog, type_then_escape, seen)
    QTest.keySequence(page.table.table, shortcuts.REPORT_PROGRESS)     # Ctrl+R on the selected task
    qtbot.waitUntil(lambda: len(answers) == 2)
    assert kept == [(True, "Da ra soat 12 thu tuc")], "Enter on the question keeps the editor and the text"
    assert answers[0].windowTitle() == "Bỏ những gì đã gõ?"
    assert "Báo cáo tiến độ" in answers[0].message_label.text()
    assert not seen[0].isVisible() and seen[0].result() == QDialog.DialogCode.Rejected
    assert ProgressReport.select().count() == before


@pytest.fixture
def keyboard_rules():
    """The rules installed for one test (the session shares one application)."""
    keyboard.install(QApplication.instance())
    yield
    keyboard.uninstall(QApplication.instance())


def test_tab_leaves_a_date_time_field_at_once(qtbot, keyboard_rules):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    form = QFormLayout(dialog)
    moment, after = QDateTimeEdit(), QLineEdit()
    moment.setDisplayFormat("dd/MM/yyyy HH:mm")
    form.addRow("Tiếp nhận", moment)
    form.addRow("Người nộp", after)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    moment.setFocus()
    qtbot.waitUntil(moment.hasFocus)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert after.hasFocus(), "one Tab leaves the five sections of a moment"
    QTest.keyClick(after, Qt.Key.Key_Backtab)
    assert moment.hasFocus() or moment.isAncestorOf(QApplication.focusWidget())


def test_the_application_installs_the_keyboard_rules():
    """In a process of its own: making the application again here would replace the session's style."""
    code = ("from par_desktop.app import make_application; from par_desktop.ui import keyboard; "
            "make_application(); print(keyboard.installed())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 0 and done.stdout.strip() == "True", done.stderr


def test_help_lists_every_shortcut(qtbot, window):
    help_action = next(a for a in window.actions() if a.text() == "Phím tắt")
    assert help_action.shortcut().toString() == shortcuts.SHORTCUTS_HELP
    help_action.trigger()
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    rows = dialog.rows()
    assert ("Tệp", "Ctrl+I", "Nhập dữ liệu") in rows and ("Xem", "F5", "Làm mới") in rows
    assert ("Nhiệm vụ", shortcuts.REPORT_PROGRESS, "Báo cáo tiến độ nhiệm vụ đang chọn") in rows
    assert all(row in rows for row in shortcuts.SHORTCUT_LIST)
    dialog.close()


def close_for_good(dialog: QDialog) -> None:
    dialog.reject()
    dialog.deleteLater()


def test_the_dossier_list_by_keyboard(qtbot, window):
    from par_desktop.ui.dialogs.dossier_dialogs import DossierDialog, MomentDialog

    page = window.show_page("dossiers")
    qtbot.waitUntil(lambda: page.model.rowCount() > 10, timeout=20_000)
    open_row = next(r for r in range(page.model.rowCount())
                    if page.model.row(r).closed_at is None and page.model.row(r).paused_since is None)
    select_only_row(page.table, open_row)
    table = page.table
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_Tab)
    assert not table.hasFocus(), "Tab leaves the 1,500-row table"
    table.setFocus()

    seen: list = []
    when_modal_dialog(DossierDialog, close_for_good, seen)
    QTest.keyClick(table, Qt.Key.Key_Return)                     # Enter opens the dossier
    assert len(seen) == 1

    menu = page.row_menu()
    items = {a.text(): a.isEnabled() for a in menu.actions()}
    assert items == {f"Sửa\t{shortcuts.EDIT}": True, f"Tạm dừng\t{shortcuts.PAUSE}": True,
                     f"Tiếp tục\t{shortcuts.RESUME}": False, f"Trả kết quả\t{shortcuts.RETURN_RESULT}": True,
                     f"Chuyển đơn vị\t{shortcuts.HANDOVER}": True}

    window.activateWindow()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    when_modal_dialog(MomentDialog, close_for_good, seen)
    QTest.keyClick(table, Qt.Key.Key_F6)                         # the pause key
    assert len(seen) == 2 and "Tạm dừng" in seen[1].windowTitle()

    page.filters.set_text("khong co ho so nao nhu the nay")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=10_000)
    assert page.no_match.isVisible() and page.no_match.text().startswith("Không có hồ sơ phù hợp")


def test_a_typed_editor_closed_by_the_program_does_not_ask(qtbot, window):
    """close() from code (the window closing, a test's teardown) is not the clerk's Esc: no question that
    nobody can answer."""
    page = tasks_page(window, qtbot)
    seen: list = []

    def type_then_close(dialog: ProgressDialog) -> None:
        QTest.keyClicks(dialog.text_edit, "Da ra soat")
        dialog.close()

    when_modal_dialog(ProgressDialog, type_then_close, seen)
    QTest.keySequence(page.table.table, shortcuts.REPORT_PROGRESS)
    qtbot.waitUntil(lambda: bool(seen) and not seen[0].isVisible())
    assert seen[0].result() == QDialog.DialogCode.Rejected


def test_a_shortcut_pressed_without_a_row_still_works_once_a_row_is_selected(qtbot, window):
    """Ctrl+R with nothing selected does nothing; the same keys on a row selected afterwards open the
    report (the action follows the selection, it does not stay greyed from the first press)."""
    page = window.show_page("tasks")
    qtbot.waitUntil(lambda: page.table.visible_count() > 5)
    table = page.table.table
    table.setFocus()
    table.clearSelection()
    seen: list = []
    when_modal_dialog(ProgressDialog, lambda d: d.reject(), seen)
    QTest.keySequence(table, shortcuts.REPORT_PROGRESS)
    assert seen == [], "no row: no report"
    select_only_row(table, 0)
    QTest.keySequence(table, shortcuts.REPORT_PROGRESS)
    qtbot.waitUntil(lambda: len(seen) == 1)


def test_a_modifier_left_held_by_a_test_is_released_for_the_next(qtbot):
    """What ``gui_test_hygiene`` does after every GUI test: Ctrl still held would make the next test's
    click on a row toggle it."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QWidget

    from gui_helpers import release_modifiers

    widget = QWidget()
    qtbot.addWidget(widget)
    QTest.keyPress(widget, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)   # Ctrl+R, never released
    assert QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.ControlModifier
    release_modifiers()
    assert QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier
