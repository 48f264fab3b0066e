"""The sign-in dialog and the first-start administrator, driven as real widgets (offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from par_desktop.services import backups, presence, settings, users
from par_desktop.services.session import Actor
from par_desktop.ui import login_dialog
from par_desktop.ui.login_dialog import FirstAdminDialog, LoginDialog

from gui_helpers import save_shot, when_modal

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("cheap_hashing")]

PW = "mat-khau-1"


def _shot(widget, name: str) -> None:
    widget.adjustSize()
    save_shot(widget, name)


def _fill(dialog, **texts) -> None:
    for name, text in texts.items():
        getattr(dialog, f"{name}_edit").setText(text)


def test_first_start_creates_the_administrator(qtbot, empty_db):
    dialog = login_dialog.make_dialog(None, str(empty_db))
    qtbot.addWidget(dialog)
    assert isinstance(dialog, FirstAdminDialog)
    _fill(dialog, username="quantri", full_name="Nguyễn Thị Hoa", password=PW, confirm="khac-mat-khau")
    assert not dialog.attempt()
    assert dialog.error_label.text() == "Hai lần nhập mật khẩu không khớp."
    _fill(dialog, confirm=PW)
    dialog.show()
    _shot(dialog, "first_admin")
    assert dialog.attempt()
    assert dialog.actor == Actor("quantri", "admin", None, "Nguyễn Thị Hoa")
    assert not users.needs_first_admin()
    assert isinstance(login_dialog.make_dialog(None), LoginDialog)


def test_wrong_password_locked_account_and_maintenance_are_explained(qtbot, empty_db):
    admin = users.create_first_admin("quantri", "Nguyễn Thị Hoa", PW)
    users.create_user(admin, "lan", "office", PW, full_name="Lê Thị Lan")
    settings.set_value(admin, "auth.max_failures", 2)
    dialog = LoginDialog(None, str(empty_db))
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, username="lan", password="sai-mat-khau")
    assert not dialog.attempt()
    assert "Sai tên đăng nhập hoặc mật khẩu" in dialog.error_label.text()
    assert "Sau 2 lần nhập sai liên tiếp" in dialog.error_label.text()   # the same for any name (no enumeration)
    assert dialog.password_edit.text() == "" and dialog.error_label.isVisible()
    _shot(dialog, "login_wrong_password")
    _fill(dialog, password="sai-mat-khau")
    assert not dialog.attempt()
    assert "tạm khóa" in dialog.error_label.text()
    _fill(dialog, password=PW)
    assert not dialog.attempt() and "tạm khóa" in dialog.error_label.text()
    users.unlock(admin, "lan")

    presence.enter_maintenance(Actor("quantri", "admin", None, "Nguyễn Thị Hoa"), "Khôi phục bản sao lưu")
    _fill(dialog, password=PW)
    assert not dialog.attempt()
    assert "đang bảo trì" in dialog.error_label.text() and "Khôi phục bản sao lưu" in dialog.error_label.text()
    _shot(dialog, "login_maintenance")
    presence.leave_maintenance(admin)

    _fill(dialog, username="", password=PW)
    assert not dialog.attempt() and dialog.error_label.text() == "Hãy nhập tên đăng nhập."
    _fill(dialog, username=" LAN ", password=PW)
    assert dialog.attempt()
    assert dialog.actor == Actor("lan", "office", None, "Lê Thị Lan")
    again = LoginDialog(None)
    qtbot.addWidget(again)
    assert again.username_edit.text() == "lan"          # the last user name is remembered


def test_sign_in_returns_the_actor_or_none(qtbot, empty_db):
    admin = users.create_first_admin("quantri", "Nguyễn Thị Hoa", PW)

    def good(dialog):
        _fill(dialog, username="quantri", password=PW)
        dialog.ok_button.click()

    when_modal(QWidget, good)
    assert login_dialog.sign_in(None) == admin
    op = login_dialog.daily_backup_operation          # the first sign-in of the day backs up
    qtbot.waitUntil(lambda: op.done, timeout=10_000)
    assert op.error is None and op.result is not None and op.result.name.endswith("-hang-ngay.db")
    assert [b.kind for b in backups.list_backups(str(empty_db))] == ["hang-ngay"]
    when_modal(QWidget, good)
    assert login_dialog.sign_in(None) == admin
    second = login_dialog.daily_backup_operation
    qtbot.waitUntil(lambda: second.done, timeout=10_000)
    assert second.result is None                      # not twice the same day
    when_modal(QWidget, lambda dialog: dialog.cancel_button.click())
    assert login_dialog.sign_in(None) is None
