"""Unit and leadership accounts (issue 16 item 5): a Đơn vị account starts on its own unit's tasks and
sees, before typing anything, what it may not do — greyed controls whose tooltip says why."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from par_desktop.services import org
from par_desktop.services.session import Actor

from gui_helpers import answer_next_dialog, open_window

pytestmark = pytest.mark.gui


def test_a_unit_sees_its_own_tasks_first_and_may_report_only_on_them(qtbot, demo_db):
    ncc = org.find_unit("NCC")
    actor = Actor("ncc", "unit", unit_id=ncc.id, full_name="Hoàng Thị Lan")
    window = open_window(qtbot, demo_db, actor)
    page = window.show_page("tasks")
    qtbot.waitUntil(lambda: page.table.visible_count() > 0)
    assert page.filter_bar.value("unit") == ncc.id, "the unit's own tasks first"
    own = page.table.visible_rows()
    assert all(v.per_unit or ncc.id in v.lead_unit_ids for v in own)
    page.table.select_key(own[0].id)
    assert page.report_button.isEnabled()
    assert page.table.build_menu().actions()[0].isEnabled()

    for button in (page.new_button, page.import_button, page.obligations_button):
        assert not button.isEnabled() and "không có quyền" in button.toolTip()

    page.filter_bar.clear()                          # "Tất cả": every unit's tasks, still readable
    qtbot.waitUntil(lambda: page.table.visible_count() > len(own))
    other = next(v for v in page.table.visible_rows() if not v.per_unit and ncc.id not in v.lead_unit_ids)
    page.table.select_key(other.id)
    assert not page.report_button.isEnabled()
    assert "do đơn vị khác chủ trì" in page.report_button.toolTip()
    report = page.table.build_menu().actions()[0]
    assert report.text() == "Báo cáo tiến độ…" and not report.isEnabled()
    assert "do đơn vị khác chủ trì" in report.toolTip()
    assert not page.detail.report_button.isEnabled() and not page.detail.edit_button.isEnabled()

    seen: list = []
    answer_next_dialog("ok", seen)
    page.table.table.setFocus()
    QTest.keyClick(page.table.table, Qt.Key.Key_Return)   # Enter says why instead of opening an editor
    qtbot.waitUntil(lambda: bool(seen))
    assert "do đơn vị khác chủ trì" in seen[0]


@pytest.mark.parametrize("role", ["unit", "leader"])
def test_import_and_backup_are_greyed_with_the_reason(qtbot, demo_db, role):
    actor = Actor("ncc" if role == "unit" else "lanhdao", role,
                  unit_id=org.find_unit("NCC").id if role == "unit" else None)
    window = open_window(qtbot, demo_db, actor)
    assert not window.import_action.isEnabled() and "không có quyền nhập dữ liệu" in window.import_action.toolTip()
    assert not window.backup_action.isEnabled() and "không có quyền sao lưu" in window.backup_action.toolTip()
    office = open_window(qtbot, demo_db, Actor("vanphong", "office"))
    assert office.import_action.isEnabled() and office.backup_action.isEnabled()
