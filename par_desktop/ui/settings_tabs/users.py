"""Cài đặt → Tài khoản: the administrator manages accounts; everyone can change their own password.

Roles are checked again by ``services.users`` (the buttons only mirror what the service allows).
"""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
    QWidget,
)

from par_desktop.domain.text import ui_moment
from par_desktop.errors import InvalidInput, UserError
from par_desktop.services import users
from par_desktop.services.session import ROLE_LABELS
from par_desktop.ui.errors import RELOAD, ask_yes_no, show_error, show_message
from par_desktop.ui.saving import Edit, save
from par_desktop.ui.widgets.buttons import dialog_buttons
from par_desktop.ui.widgets.table import Column, DataTableView, RowTableModel

USER_LABELS = {"full_name": "Họ và tên", "role": "Vai trò", "unit": "Đơn vị", "active": "Đang hoạt động",
               "username": "Tên đăng nhập", "updated_at": "Sửa lần cuối lúc"}


def _state(u: users.UserInfo) -> str:
    if not u.active:
        return "Ngừng hoạt động"
    return "Tạm khóa" if u.locked else "Hoạt động"


def user_columns() -> list[Column]:
    return [
        Column("Tên đăng nhập", lambda u: u.username, width=130),
        Column("Họ và tên", lambda u: u.full_name, width=180),
        Column("Vai trò", lambda u: u.role_label, width=100),
        Column("Đơn vị", lambda u: u.unit_name, width=220),
        Column("Trạng thái", _state, width=120,
               tooltip=lambda u: f"Khóa đến {ui_moment(u.locked_until)}" if u.locked else ""),
        Column("Tạo lúc", lambda u: u.created_at, width=120),
    ]


def _password_line(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class UserDialog(QDialog):
    """Add an account (with its first password) or edit one (name, role, unit)."""

    def __init__(self, parent: QWidget | None, units: list, info: users.UserInfo | None = None):
        super().__init__(parent)
        self.setWindowTitle("Sửa tài khoản" if info else "Thêm tài khoản")
        self.info = info
        form = QFormLayout()
        self.username_edit = QLineEdit(info.username if info else "")
        self.username_edit.setObjectName("username")
        self.username_edit.setReadOnly(info is not None)
        self.full_name_edit = QLineEdit(info.full_name if info else "")
        self.full_name_edit.setObjectName("fullName")
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("role")
        for role in users.ROLES:
            self.role_combo.addItem(ROLE_LABELS[role], role)
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("unit")
        self.unit_combo.addItem("(không gắn đơn vị)", None)
        for unit in units:
            self.unit_combo.addItem(unit.name, unit.id)
        form.addRow("Tên đăng nhập:", self.username_edit)
        form.addRow("Họ và tên:", self.full_name_edit)
        form.addRow("Vai trò:", self.role_combo)
        form.addRow("Đơn vị:", self.unit_combo)
        self.password_edit = self.confirm_edit = None
        if info is None:
            self.password_edit = _password_line("password")
            self.password_edit.setPlaceholderText(f"ít nhất {users.MIN_PASSWORD_LENGTH} ký tự")
            self.confirm_edit = _password_line("confirm")
            form.addRow("Mật khẩu:", self.password_edit)
            form.addRow("Nhập lại mật khẩu:", self.confirm_edit)
        else:
            self.role_combo.setCurrentIndex(max(self.role_combo.findData(info.role), 0))
            self.unit_combo.setCurrentIndex(max(self.unit_combo.findData(info.unit_id), 0))
        self.role_combo.currentIndexChanged.connect(self._role_changed)
        self._role_changed()
        hint = QLabel("Quản trị: tài khoản, cài đặt, mẫu văn bản, sao lưu. Văn phòng: mọi việc trừ quản lý tài "
                      "khoản. Đơn vị: tiến độ và giải trình của đơn vị mình. Lãnh đạo: chỉ xem.")
        hint.setWordWrap(True)
        hint.setStyleSheet("QLabel { color: #555; }")
        buttons = dialog_buttons(self, "Lưu", self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def _role_changed(self) -> None:
        is_unit = self.role_combo.currentData() == "unit"
        self.unit_combo.setEnabled(is_unit)
        if not is_unit:
            self.unit_combo.setCurrentIndex(0)

    def values(self) -> dict:
        return {"username": self.username_edit.text(), "full_name": self.full_name_edit.text(),
                "role": self.role_combo.currentData(), "unit_id": self.unit_combo.currentData(),
                "password": self.password_edit.text() if self.password_edit else None}

    def apply(self, values: dict) -> None:
        """Type ``values`` (full_name, role, unit: the account's fields) into the dialog."""
        if "full_name" in values:
            self.full_name_edit.setText(values["full_name"])
        if "role" in values:
            self.role_combo.setCurrentIndex(max(self.role_combo.findData(values["role"]), 0))
        if "unit" in values:
            self.unit_combo.setCurrentIndex(max(self.unit_combo.findData(values["unit"]), 0))

    def _accept(self) -> None:
        if self.password_edit is not None and self.password_edit.text() != self.confirm_edit.text():
            show_error(self, InvalidInput("Hai lần nhập mật khẩu không khớp."))
            return
        self.accept()


class PasswordDialog(QDialog):
    """A new password typed twice (and the current one when a clerk changes their own)."""

    def __init__(self, parent: QWidget | None, title: str, *, ask_old: bool = False):
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout()
        self.old_edit = _password_line("oldPassword") if ask_old else None
        if self.old_edit is not None:
            form.addRow("Mật khẩu hiện tại:", self.old_edit)
        self.new_edit = _password_line("newPassword")
        self.new_edit.setPlaceholderText(f"ít nhất {users.MIN_PASSWORD_LENGTH} ký tự")
        self.confirm_edit = _password_line("confirm")
        form.addRow("Mật khẩu mới:", self.new_edit)
        form.addRow("Nhập lại mật khẩu mới:", self.confirm_edit)
        buttons = dialog_buttons(self, "Đổi mật khẩu", self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if self.new_edit.text() != self.confirm_edit.text():
            show_error(self, InvalidInput("Hai lần nhập mật khẩu mới không khớp."))
            return
        self.accept()


class UsersTab(QWidget):
    title = "Tài khoản"

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.is_admin = ctx.can("manage_users")
        layout = QVBoxLayout(self)

        self.model = RowTableModel(user_columns(), key=lambda u: u.username)
        self.view = DataTableView(self.model, export_name="tai-khoan")
        self.view.setObjectName("usersTable")
        self.buttons: dict[str, QPushButton] = {}
        if self.is_admin:
            row = QHBoxLayout()
            for key, text, slot in (("add", "Thêm tài khoản…", self.add_user), ("edit", "Sửa…", self.edit_user),
                                    ("password", "Đặt lại mật khẩu…", self.reset_password),
                                    ("unlock", "Mở khóa", self.unlock), ("active", "Ngừng hoạt động", self.toggle_active)):
                button = QPushButton(text)
                button.setObjectName(f"users_{key}")
                button.clicked.connect(slot)
                row.addWidget(button)
                self.buttons[key] = button
            row.addStretch(1)
            layout.addLayout(row)
            layout.addWidget(self.view, 1)
            self.view.activated.connect(lambda _row: self.edit_user())
            self.view.selection_changed.connect(self._update_buttons)
            self.view.remember(ctx, "users")
        else:
            notice = QLabel("Chỉ tài khoản Quản trị được thêm, sửa hoặc khóa tài khoản. Bạn có thể đổi mật khẩu "
                            "của mình ở đây.")
            notice.setObjectName("usersNotice")
            notice.setWordWrap(True)
            layout.addWidget(notice)
            self.view.hide()

        own = QGroupBox(f"Tài khoản của tôi: {ctx.actor.label}")
        own_row = QHBoxLayout(own)
        self.own_password_button = QPushButton("Đổi mật khẩu của tôi…")
        self.own_password_button.setObjectName("ownPassword")
        self.own_password_button.clicked.connect(self.change_own_password)
        self.own_password_button.setEnabled(ctx.actor.role != "system")
        own_row.addWidget(self.own_password_button)
        own_row.addStretch(1)
        layout.addWidget(own)
        if not self.is_admin:
            layout.addStretch(1)
        self.refresh()

    # ---- data ---------------------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.is_admin:
            return
        try:
            self.view.set_rows(users.list_users())
        except UserError as exc:
            self.ctx.status_message.emit(exc.message)
        self._update_buttons()

    def _selected(self) -> users.UserInfo | None:
        return self.view.current_row()

    def _update_buttons(self) -> None:
        if not self.is_admin:
            return
        info = self._selected()
        for key in ("edit", "password", "unlock", "active"):
            self.buttons[key].setEnabled(info is not None)
        if info is not None:
            self.buttons["unlock"].setEnabled(info.locked or info.failed_attempts > 0)
            self.buttons["active"].setText("Ngừng hoạt động" if info.active else "Kích hoạt lại")

    def _units(self) -> list:
        from par_desktop.services import org

        return org.units()

    def _done(self, message: str) -> None:
        self.refresh()
        self.ctx.status_message.emit(message)

    # ---- actions ------------------------------------------------------------------------------------

    def add_user(self, dialog: UserDialog | None = None) -> bool:
        dialog = dialog or UserDialog(self, self._units())
        while dialog.exec() == QDialog.DialogCode.Accepted:
            v = dialog.values()
            result = save(self, self.ctx, partial(
                users.create_user, self.ctx.actor, v["username"], v["role"], v["password"],
                full_name=v["full_name"], unit_id=v["unit_id"]))
            if not result:
                continue
            info = result.value
            self._done(f"Đã tạo tài khoản {info.username}.")
            self.view.select_key(info.username)
            return True
        return False

    def edit_user(self, dialog: UserDialog | None = None) -> bool:
        info = self._selected()
        if info is None:
            return False
        dialog = dialog or UserDialog(self, self._units(), info)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            v = dialog.values()
            stored = {"full_name": info.full_name, "role": info.role, "unit": info.unit_id}
            typed = {"full_name": v["full_name"], "role": v["role"], "unit": v["unit_id"]}
            kept: dict = {}
            result = save(self, self.ctx, partial(
                users.edit_user, self.ctx.actor, info.username, full_name=v["full_name"], role=v["role"],
                unit_id=v["unit_id"]), version=info.version, edit=Edit(stored, typed, USER_LABELS, self._formats()),
                on_reload=kept.update)
            if result:
                self._done(f"Đã lưu tài khoản {info.username}.")
                return True
            if result.choice != RELOAD:
                return False
            self.refresh()   # reopened on the stored account, with the clerk's typing where nobody else wrote
            info = users.get_user(info.username)
            dialog = UserDialog(self, self._units(), info)
            dialog.apply(kept)
        return False

    def _formats(self) -> dict:
        names = {u.id: u.name for u in self._units()}
        return {"role": lambda role: ROLE_LABELS.get(role, role), "unit": lambda unit_id: names.get(unit_id, "")}

    def reset_password(self, dialog: PasswordDialog | None = None) -> bool:
        info = self._selected()
        if info is None:
            return False
        dialog = dialog or PasswordDialog(self, f"Đặt lại mật khẩu cho {info.username}")
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if not save(self, self.ctx, lambda: users.set_password(self.ctx.actor, info.username,
                                                                   dialog.new_edit.text())):
                continue
            self._done(f"Đã đặt lại mật khẩu cho {info.username}.")
            return True
        return False

    def unlock(self) -> None:
        info = self._selected()
        if info is None:
            return
        if not save(self, self.ctx, lambda: users.unlock(self.ctx.actor, info.username)):
            return
        self._done(f"Đã mở khóa tài khoản {info.username}.")

    def toggle_active(self, confirm: bool = True) -> None:
        info = self._selected()
        if info is None:
            return
        if info.active and confirm and not ask_yes_no(
                self, "Ngừng tài khoản",
                f"Ngừng tài khoản {info.username}? Người này sẽ không đăng nhập được nữa; lịch sử thay đổi "
                "của họ vẫn được giữ.", yes="Ngừng hoạt động"):
            return
        change = users.deactivate_user if info.active else users.reactivate_user
        if not save(self, self.ctx, lambda: change(self.ctx.actor, info.username)):
            return
        self._done(f"Đã {'ngừng' if info.active else 'kích hoạt lại'} tài khoản {info.username}.")

    def change_own_password(self, dialog: PasswordDialog | None = None) -> bool:
        dialog = dialog or PasswordDialog(self, "Đổi mật khẩu của tôi", ask_old=not self.is_admin)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            old = dialog.old_edit.text() if dialog.old_edit is not None else None
            if not save(self, self.ctx, partial(users.set_password, self.ctx.actor, self.ctx.actor.username,
                                                dialog.new_edit.text(), old_password=old)):
                continue
            show_message(self, "Đổi mật khẩu", "Đã đổi mật khẩu. Lần đăng nhập sau hãy dùng mật khẩu mới.")
            return True
        return False
