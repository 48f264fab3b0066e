"""Settings tabs of accounts, audit trail and backups, and the presence widget — real widgets, real files."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from par_desktop.db import changes
from par_desktop.db.models import AuditLog, Presence, Unit
from par_desktop.services import audit, org, presence, users
from par_desktop.services.session import Actor
from par_desktop.ui import errors as ui_errors
from par_desktop.ui import saving as ui_saving
from par_desktop.ui.context import AppContext
from par_desktop.ui.presence_widget import PresenceWidget
from par_desktop.ui.settings_tabs.audit import AuditTab
from par_desktop.ui.settings_tabs.backups import BackupsTab
from par_desktop.ui.settings_tabs.users import PasswordDialog, UserDialog, UsersTab

from gui_helpers import save_shot, when_modal

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("cheap_hashing")]

PW = "mat-khau-1"




@pytest.fixture
def admin(empty_db):
    actor = users.create_first_admin("quantri", "Nguyễn Thị Hoa", PW)
    org.create_unit(actor, "Phòng Người có công", "NCC")
    return actor


def _ctx(db, actor) -> AppContext:
    return AppContext(str(db), actor)


def _shot(widget, name: str, size=(1000, 520)) -> None:
    widget.resize(*size)
    widget.show()
    QApplication.processEvents()
    save_shot(widget, name)


def _texts(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


# --- accounts ----------------------------------------------------------------------------------------

def test_users_tab_adds_edits_resets_unlocks_and_deactivates(qtbot, qtmodeltester, admin, empty_db):
    tab = UsersTab(_ctx(empty_db, admin))
    qtbot.addWidget(tab)
    qtmodeltester.check(tab.model)
    assert _texts(tab.model, 0) == ["quantri"]

    unit = Unit.get(Unit.short_code == "NCC")

    def add(dialog: UserDialog):
        dialog.username_edit.setText("ncc.binh")
        dialog.full_name_edit.setText("Phạm Văn Bình")
        dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("unit"))
        dialog.unit_combo.setCurrentIndex(dialog.unit_combo.findData(unit.id))
        dialog.password_edit.setText(PW)
        dialog.confirm_edit.setText(PW)
        _shot(dialog, "user_dialog", (480, 300))
        dialog.findChild(QPushButton, "okButton").click()

    when_modal(QWidget, add)
    assert tab.add_user()
    assert _texts(tab.model, 0) == ["ncc.binh", "quantri"]
    assert tab.view.current_row().username == "ncc.binh"
    info = users.get_user("ncc.binh")
    assert (info.role, info.unit_name) == ("unit", "Phòng Người có công")

    # Someone else renames the account while the dialog is open: conflict, then "Ghi đè".
    def edit(dialog: UserDialog):
        users.edit_user(admin, "ncc.binh", None, full_name="Tên do người khác sửa")
        dialog.full_name_edit.setText("Phạm Văn Bình (NCC)")
        seen = []

        def overwrite(conflict):
            seen.append(conflict)
            assert isinstance(conflict, ui_saving.ConflictDialog)
            conflict.buttons[ui_errors.OVERWRITE].click()
        when_modal(QWidget, overwrite)
        dialog.accept()

    when_modal(QWidget, edit)
    assert tab.edit_user()
    assert users.get_user("ncc.binh").full_name == "Phạm Văn Bình (NCC)"

    def new_password(dialog: PasswordDialog):
        dialog.new_edit.setText("mat-khau-moi-2")
        dialog.confirm_edit.setText("mat-khau-moi-2")
        dialog.accept()

    when_modal(QWidget, new_password)
    assert tab.reset_password()
    assert users.authenticate("ncc.binh", "mat-khau-moi-2").role == "unit"

    with pytest.raises(users.WrongPassword):
        users.authenticate("ncc.binh", "sai-mat-khau")
    tab.refresh()
    tab.view.select_key("ncc.binh")
    assert tab.buttons["unlock"].isEnabled()
    tab.unlock()
    assert users.get_user("ncc.binh").failed_attempts == 0
    tab.toggle_active(confirm=False)
    assert not users.get_user("ncc.binh").active
    assert tab.buttons["active"].text() == "Kích hoạt lại"
    qtmodeltester.check(tab.model)
    _shot(tab, "users_tab")


def test_users_tab_for_a_clerk_only_changes_their_own_password(qtbot, admin, empty_db):
    users.create_user(admin, "lan", "office", PW, full_name="Lê Thị Lan")
    lan = users.authenticate("lan", PW)
    tab = UsersTab(_ctx(empty_db, lan))
    qtbot.addWidget(tab)
    assert not tab.is_admin and tab.buttons == {} and not tab.view.isVisibleTo(tab)

    def wrong_then_right(dialog: PasswordDialog):
        assert dialog.old_edit is not None
        dialog.old_edit.setText("sai")
        dialog.new_edit.setText("mat-khau-moi-2")
        dialog.confirm_edit.setText("mat-khau-moi-2")

        def close_error(message):
            assert "hiện tại không đúng" in message.message_label.text()
            message.buttons["ok"].click()
            when_modal(QWidget, retry)
        when_modal(QWidget, close_error)
        dialog.accept()

    def retry(dialog: PasswordDialog):
        dialog.old_edit.setText(PW)
        when_modal(QWidget, lambda done: done.buttons["ok"].click())
        dialog.accept()

    when_modal(QWidget, wrong_then_right)
    assert tab.change_own_password()
    assert users.authenticate("lan", "mat-khau-moi-2").username == "lan"
    _shot(tab, "users_tab_clerk", (700, 240))


# --- audit trail -------------------------------------------------------------------------------------

def test_audit_viewer_shows_every_change_of_a_session_with_old_and_new(qtbot, qtmodeltester, admin, empty_db):
    session_id = presence.register(admin)
    unit = Unit.get(Unit.short_code == "NCC")
    org.update_unit(admin, unit.id, unit.version, head_name="Phạm Văn Bình", head_title="Trưởng phòng")
    users.create_user(admin, "lan", "office", PW)
    changes.current_session_id.set("another-session")
    org.create_unit(admin, "Phòng Bảo trợ xã hội", "BTXH")
    users.authenticate("lan", PW)
    changes.current_session_id.set(session_id)

    tab = AuditTab(_ctx(empty_db, admin))
    qtbot.addWidget(tab)
    qtmodeltester.check(tab.model)
    assert tab.model.rowCount() == AuditLog.select().count()
    tab.show_session(session_id)
    expected = audit.entries(session_id=session_id)
    assert tab.model.rowCount() == len(expected) == 2         # the changed field (head_title was unchanged), the account
    shown = {(tab.model.index(r, 5).data(), tab.model.index(r, 6).data(), tab.model.index(r, 7).data())
             for r in range(tab.model.rowCount())}
    assert ("Người đứng đầu", "", "Phạm Văn Bình") in shown
    assert not any(field == "Chức vụ người đứng đầu" for field, _, _ in shown)
    assert all(tab.model.index(r, 8).data() == session_id[:8] for r in range(tab.model.rowCount()))
    for r in range(tab.model.rowCount()):     # read-only: nothing offers to edit the trail
        for c in range(tab.model.columnCount()):
            assert not tab.model.flags(tab.model.index(r, c)) & Qt.ItemFlag.ItemIsEditable
    qtmodeltester.check(tab.model)
    _shot(tab, "audit_tab", (1200, 420))

    tab.session_combo.setCurrentIndex(0)
    tab.table_combo.setCurrentIndex(tab.table_combo.findData("unit"))
    assert set(_texts(tab.model, 3)) == {"Đơn vị"} and tab.model.rowCount() == 3     # 2 inserts, 1 update
    tab.user_combo.setCurrentIndex(tab.user_combo.findData("lan"))
    assert tab.user_combo.currentText() == "lan" and tab.model.rowCount() == 0
    tab.table_combo.setCurrentIndex(0)
    assert _texts(tab.model, 2) == ["Đăng nhập"]
    tab.user_combo.setCurrentIndex(0)
    tab.search_edit.setText("bao tro")                        # accent-insensitive, within what was loaded
    assert tab.view.visible_count() == 1
    tab.search_edit.clear()
    AuditLog.create(at=datetime(2024, 1, 5, 9, 0), username="quantri", action="update", table_name="unit",
                    record_id="1", field="short_code", old_value="BTXH", new_value="BTXH2")
    tab.all_dates.setChecked(False)
    tab.from_edit.setDate(date.today() - timedelta(days=1))
    assert "Ký hiệu" not in _texts(tab.model, 5)
    tab.from_edit.setDate(date(2024, 1, 1))
    tab.to_edit.setDate(date(2024, 1, 31))
    assert _texts(tab.model, 5) == ["Ký hiệu"]
    tab.from_edit.setDate(date(2024, 2, 1))
    assert tab.model.rowCount() == 0 and "sau ngày kết thúc" in tab.notice.text()
    presence.unregister()


# --- backups -----------------------------------------------------------------------------------------

def test_backups_tab_backs_up_and_restores_under_maintenance(qtbot, qtmodeltester, admin, empty_db, tmp_path):
    presence.register(admin)
    folder = tmp_path / "sao-luu"
    folder.mkdir()
    tab = BackupsTab(_ctx(empty_db, admin))
    qtbot.addWidget(tab)
    tab.folder_edit.setText(str(folder))
    assert tab.save_folder()
    from par_desktop.db.backup import folder_key

    assert str(folder / folder_key(str(empty_db))) in tab.folder_hint.text()

    op = tab.backup_now()
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    assert op.error is None and Path(tab.last_result).parent == folder / folder_key(str(empty_db))
    qtmodeltester.check(tab.model)
    assert _texts(tab.model, 1) == ["Thủ công"]

    org.create_unit(admin, "Phòng tạo sau khi sao lưu", "SAU")
    tab.refresh()
    tab.view.select_key(str(op.result))
    assert tab.restore_button.isEnabled()
    assert "Khôi phục cơ sở dữ liệu từ bản sao" in tab.confirmation_text(op.result)
    Presence.create(session_id="other", username="lan", machine="MAY-02", pid=1)
    assert "lan (máy MAY-02)" in tab.confirmation_text(op.result)

    when_modal(QWidget, lambda message: message.buttons["ok"].click())     # the "done" message
    restore = tab.restore_selected(confirm=False)
    with qtbot.waitSignal(restore.finished, timeout=20_000):
        pass
    assert restore.error is None, restore.error
    assert not Unit.select().where(Unit.short_code == "SAU").exists()
    conn = sqlite3.connect(tab.last_result)
    assert conn.execute("SELECT count(*) FROM unit WHERE short_code='SAU'").fetchone() == (1,)
    conn.close()
    assert presence.maintenance_state() is None
    kinds = set(_texts(tab.model, 1))
    assert kinds == {"Thủ công", "Trước khôi phục"}
    _shot(tab, "backups_tab", (1000, 420))
    presence.unregister()


def test_restoring_another_databases_file_shows_what_it_brings_and_asks_twice(qtbot, admin, empty_db, tmp_path):
    """Issue 19, item 4: the confirmation shows the backup's contents and what is lost; a file of another
    database needs a second, explicit answer (here: Hủy, and nothing changes)."""
    from par_desktop.db.connection import bind, current
    from par_desktop.db.schema import open_database

    org.create_unit(admin, "Phòng ở lại", "OLAI")
    live = current()
    other = tmp_path / "khac.db"
    open_database(str(other), create=True).close()
    bind(live)
    live.connect(reuse_if_open=True)
    tab = BackupsTab(_ctx(empty_db, admin))
    qtbot.addWidget(tab)
    seen = []

    def first(dialog):
        seen.append(dialog.message_label.text())
        dialog.resize(640, dialog.height())
        save_shot(dialog, "restore_preview")
        when_modal(QWidget, second)
        dialog.buttons["yes"].click()

    def second(dialog):
        seen.append(dialog.message_label.text())
        dialog.buttons["no"].click()

    when_modal(QWidget, first)
    assert tab.restore(other) is None
    assert "CẢNH BÁO" in seen[0] and "0 hồ sơ" in seen[0] and "Hiện tại" in seen[0]
    assert "TOÀN BỘ dữ liệu" in seen[1]
    assert Unit.select().where(Unit.short_code == "OLAI").exists()


def test_backups_tab_for_the_office_cannot_restore(qtbot, admin, empty_db):
    tab = BackupsTab(_ctx(empty_db, Actor("lan", "office")))
    qtbot.addWidget(tab)
    assert tab.backup_button.isEnabled()
    assert not tab.restore_button.isEnabled() and not tab.restore_file_button.isEnabled()
    assert tab.restore_selected(confirm=False) is None


# --- presence ----------------------------------------------------------------------------------------

def test_presence_widget_shows_others_and_maintenance(qtbot, admin, empty_db):
    presence.register(admin)
    widget = PresenceWidget(_ctx(empty_db, admin))
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.label.text() == "Không có ai khác đang làm việc", timeout=5000)   # read off the GUI thread
    assert not widget.maintenance_label.isVisibleTo(widget)
    now = datetime.now()
    Presence.create(session_id="s-lan", username="lan", machine="MAY-02", pid=7, since=now, heartbeat=now,
                    activity="Đang nhập hồ sơ")
    Presence.create(session_id="s-old", username="binh", machine="MAY-03", pid=8,
                    since=now - timedelta(hours=2), heartbeat=now - timedelta(hours=1))
    widget.refresh()
    qtbot.waitUntil(lambda: widget.label.text() == "Đang làm việc: lan", timeout=5000)
    assert "MAY-02" in widget.label.toolTip() and "Đang nhập hồ sơ" in widget.label.toolTip()
    other = Actor("quantri2", "admin", None, "Trần Quản Trị")
    mine = presence.current_session()
    presence._registration = None                 # the other administrator's app takes maintenance
    presence.enter_maintenance(other, "Khôi phục bản sao lưu")
    presence._registration = presence._Registration(mine, "quantri", now)
    widget.refresh()
    qtbot.waitUntil(lambda: widget.maintenance_label.isVisibleTo(widget), timeout=5000)
    assert widget.maintenance_label.text() == "Đang bảo trì"
    assert "Trần Quản Trị" in widget.maintenance_label.toolTip()
    _shot(widget, "presence_widget", (520, 28))
    presence.leave_maintenance(other)
    widget.refresh()
    qtbot.waitUntil(lambda: not widget.maintenance_label.isVisibleTo(widget), timeout=5000)
    presence.unregister()


def test_the_settings_page_finds_the_three_tabs(qtbot, admin, empty_db):
    from par_desktop.ui.pages.settings import SettingsPage

    page = SettingsPage(_ctx(empty_db, admin))
    qtbot.addWidget(page)
    assert isinstance(page.tab_widgets["users"], UsersTab)
    assert isinstance(page.tab_widgets["audit"], AuditTab)
    assert isinstance(page.tab_widgets["backups"], BackupsTab)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert {"Tài khoản", "Nhật ký thay đổi", "Sao lưu, khôi phục"} <= set(titles)
    page.refresh()
