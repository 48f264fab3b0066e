"""Signing in (đăng nhập) at start, and creating the administrator on the first start of a new database.

``sign_in(parent)`` returns the signed-in ``Actor`` or None when the clerk closes the dialog. Wrong
passwords, a locked account, a deactivated one and maintenance mode are explained in the dialog
itself, in Vietnamese, so the clerk can try again without starting over.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from par_desktop.errors import UserError
from par_desktop.services import database, users
from par_desktop.services.session import Actor

APP_NAME = "PAR Desktop"
_LAST_USER_KEY = "login/last_username"
_ERROR_STYLE = "QLabel { color: #b3261e; }"


def _prefs():
    from par_desktop.ui.context import prefs

    return prefs()


class _Form(QDialog):
    """Shared layout: a heading, a form, a red error line, the buttons."""

    def __init__(self, parent: QWidget | None, title: str, heading: str, ok_text: str):
        super().__init__(parent)
        self.setWindowTitle(f"{title} — {APP_NAME}")
        self.setObjectName("loginDialog")
        self.actor: Actor | None = None
        self.heading = QLabel(heading)
        self.heading.setWordWrap(True)
        self.heading.setObjectName("loginHeading")
        self.form = QFormLayout()
        self.error_label = QLabel("")
        self.error_label.setObjectName("loginError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(_ERROR_STYLE)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.ok_button = QPushButton(ok_text)
        self.ok_button.setObjectName("okButton")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.attempt)
        self.cancel_button = QPushButton("Thoát")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.setMinimumWidth(440)

    @staticmethod
    def _line(echo_password: bool = False, name: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        if echo_password:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def attempt(self) -> bool:
        """Try once; on success close with the actor, else explain and stay open."""
        try:
            self.actor = self._do()
        except UserError as exc:
            self.show_error(exc.message)
            self._after_failure()
            return False
        self._remember()
        self.accept()
        return True

    def _do(self) -> Actor:
        raise NotImplementedError

    def _after_failure(self) -> None:
        pass

    def _remember(self) -> None:
        if self.actor is not None:
            _prefs().setValue(_LAST_USER_KEY, self.actor.username)


class LoginDialog(_Form):
    """User name and password (Đăng nhập)."""

    def __init__(self, parent: QWidget | None = None, location: str = ""):
        heading = "Đăng nhập để làm việc" + (f" trên cơ sở dữ liệu:\n{location}" if location else ".")
        super().__init__(parent, "Đăng nhập", heading, "Đăng nhập")
        self.username_edit = self._line(name="username")
        self.password_edit = self._line(True, "password")
        self.form.addRow("Tên đăng nhập:", self.username_edit)
        self.form.addRow("Mật khẩu:", self.password_edit)
        last = _prefs().value(_LAST_USER_KEY, "")
        if last:
            self.username_edit.setText(str(last))
            self.password_edit.setFocus()
        else:
            self.username_edit.setFocus()

    def _do(self) -> Actor:
        if not self.username_edit.text().strip():
            raise users.WrongPassword("Hãy nhập tên đăng nhập.")
        return users.authenticate(self.username_edit.text(), self.password_edit.text())

    def _after_failure(self) -> None:
        self.password_edit.clear()
        self.password_edit.setFocus()


class FirstAdminDialog(_Form):
    """First start of a new database: create the administrator (Quản trị) who signs in right away."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, "Tạo tài khoản quản trị",
                         "Cơ sở dữ liệu chưa có tài khoản quản trị. Hãy tạo tài khoản quản trị đầu tiên: "
                         "người này quản lý tài khoản, cài đặt, mẫu văn bản và sao lưu.", "Tạo và đăng nhập")
        self.username_edit = self._line(name="username")
        self.username_edit.setPlaceholderText("ví dụ: quantri")
        self.full_name_edit = self._line(name="fullName")
        self.full_name_edit.setPlaceholderText("ví dụ: Nguyễn Thị Hoa")
        self.password_edit = self._line(True, "password")
        self.password_edit.setPlaceholderText(f"ít nhất {users.MIN_PASSWORD_LENGTH} ký tự")
        self.confirm_edit = self._line(True, "confirm")
        self.form.addRow("Tên đăng nhập:", self.username_edit)
        self.form.addRow("Họ và tên:", self.full_name_edit)
        self.form.addRow("Mật khẩu:", self.password_edit)
        self.form.addRow("Nhập lại mật khẩu:", self.confirm_edit)
        self.username_edit.setFocus()

    def _do(self) -> Actor:
        from par_desktop.errors import InvalidInput

        if self.password_edit.text() != self.confirm_edit.text():
            raise InvalidInput("Hai lần nhập mật khẩu không khớp.")
        return users.create_first_admin(self.username_edit.text(), self.full_name_edit.text(),
                                        self.password_edit.text())


def make_dialog(parent: QWidget | None = None, location: str = "") -> _Form:
    """The dialog the start needs: create the administrator on a new database, else sign in."""
    return FirstAdminDialog(parent) if users.needs_first_admin() else LoginDialog(parent, location)


daily_backup_operation = None   # the background backup started by the last sign-in (if any)


def start_daily_backup(parent: QWidget | None = None):
    """The automatic backup of the first start of the day, in the background (SQLite files only)."""
    from par_desktop.services import backups
    from par_desktop.ui.operations import run_operation

    location = database.open_sqlite_file()
    if location is None:
        return None
    return run_operation(parent, "Đang sao lưu tự động hằng ngày…",
                         lambda _progress: backups.daily_backup_if_due(location), cancellable=False)


def sign_in(parent: QWidget | None = None, location: str = "") -> Actor | None:
    """Ask who is working; None when the clerk chose "Thoát". The database must be open.

    A successful sign-in is the start of the clerk's day: the daily backup is taken then (once a day,
    in the background) so no separate start-up hook is needed.
    """
    global daily_backup_operation
    dialog = make_dialog(parent, location)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    daily_backup_operation = start_daily_backup(parent)
    return dialog.actor
