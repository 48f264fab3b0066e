"""Accounts (tài khoản): creation, editing, passwords hashed with argon2, sign-in with lock-out.

Roles: admin (Quản trị), office (Văn phòng), unit (Đơn vị, tied to one unit), leader (Lãnh đạo).
On a new database there is no administrator yet: ``create_first_admin`` is allowed exactly once.
Password hashes never reach the audit trail; the audit records that a password changed, not what to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from typing import Any

from par_desktop.db import connection
from par_desktop.db import changes
from par_desktop.db.changes import AuditAs, audit, update_record
from par_desktop.db.models import Unit, User
from par_desktop.domain.text import nfc, ui_moment
from par_desktop.errors import InvalidInput, NotFound, PermissionDenied
from par_desktop.services.presence import ensure_not_in_maintenance
from par_desktop.services.session import ROLE_LABELS, Actor, require

ROLES = ("admin", "office", "unit", "leader")
MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()


class AccountLocked(PermissionDenied):
    """Too many wrong passwords: the account waits ``auth.lockout_minutes`` (or an administrator)."""


class WrongPassword(PermissionDenied):
    """Unknown user name or wrong password (the message does not say which)."""


@dataclass(frozen=True)
class UserInfo:
    """An account as the administration screens and ``user list`` show it."""
    id: int
    version: int
    username: str
    full_name: str
    role: str
    role_label: str
    unit_id: int | None
    unit_name: str
    active: bool
    locked_until: datetime | None
    failed_attempts: int
    created_at: datetime

    @property
    def locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > datetime.now()


def _info(user: User) -> UserInfo:
    unit = Unit.get_or_none(Unit.id == user.unit_id) if user.unit_id else None
    return UserInfo(user.id, user.version, user.username, user.full_name, user.role,
                    ROLE_LABELS.get(user.role, user.role), user.unit_id, unit.name if unit else "",
                    user.active, user.locked_until, user.failed_attempts, user.created_at)


def normalise_username(username: str) -> str:
    return nfc(username).lower()


def _check_username(username: str) -> str:
    name = normalise_username(username)
    if not _USERNAME.match(name):
        raise InvalidInput(f"Tên đăng nhập «{nfc(username)}» không hợp lệ: dùng 2–64 chữ cái không dấu, "
                           "chữ số, dấu chấm, gạch ngang hoặc gạch dưới (ví dụ: nguyenvana).")
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if password != password.strip():
        raise InvalidInput("Mật khẩu không được bắt đầu hoặc kết thúc bằng dấu cách.")


def _check_role(role: str, unit_id: int | None) -> None:
    if role not in ROLES:
        raise InvalidInput(f"Vai trò «{role}» không hợp lệ; chọn một trong: "
                           + ", ".join(f"{r} ({ROLE_LABELS[r]})" for r in ROLES) + ".")
    if role == "unit":
        if unit_id is None:
            raise InvalidInput("Tài khoản Đơn vị phải gắn với một đơn vị.")
        if Unit.get_or_none(Unit.id == unit_id) is None:
            raise NotFound(f"Không có đơn vị mã số {unit_id}.")


def _get(username: str) -> User:
    user = User.get_or_none(User.username == normalise_username(username))
    if user is None:
        raise NotFound(f"Không có tài khoản «{nfc(username)}».")
    return user


def _active_admins(excluding: int | None = None) -> int:
    query = User.select().where((User.role == "admin") & User.active)
    if excluding is not None:
        query = query.where(User.id != excluding)
    return query.count()


def _insert_user(by: str, **values) -> User:
    """``changes.insert_record`` cannot insert a User: its ``username`` parameter (the author) collides
    with the column of the same name. Same row, same audit summary."""
    user = User.create(**values)
    audit(by, "insert", "user", user.id, new=changes._summary(user))
    return user


def list_users(*, include_inactive: bool = True) -> list[UserInfo]:
    query = User.select().where(User.role != "system").order_by(User.username)
    if not include_inactive:
        query = query.where(User.active)
    with connection.translated_errors():
        return [_info(u) for u in query]


def get_user(username: str) -> UserInfo:
    with connection.translated_errors():
        return _info(_get(username))


def needs_first_admin() -> bool:
    """True on a database without any active administrator: the first start creates one."""
    with connection.translated_errors():
        return _active_admins() == 0


def create_first_admin(username: str, full_name: str, password: str) -> Actor:
    """Create the first administrator of a new database (refused once there is one)."""
    name = _check_username(username)
    _check_password(password)
    password_hash = _hasher.hash(password)
    with connection.translated_errors(), connection.write_transaction():
        # Checked inside the write lock: two clerks at the first start cannot both become administrator.
        if _active_admins() > 0:
            raise PermissionDenied("Cơ sở dữ liệu đã có tài khoản quản trị; hãy đăng nhập.")
        if User.get_or_none(User.username == name) is not None:
            raise InvalidInput(f"Đã có tài khoản «{name}».")
        user = _insert_user(name, username=name, full_name=nfc(full_name), role="admin",
                            password_hash=password_hash)
    return Actor(user.username, user.role, None, user.full_name)


def create_user(actor: Actor, username: str, role: str, password: str, *, full_name: str = "",
                unit_id: int | None = None) -> UserInfo:
    require(actor, "manage_users")
    name = _check_username(username)
    _check_role(role, unit_id)
    _check_password(password)
    password_hash = _hasher.hash(password)
    with connection.translated_errors():
        with connection.write_transaction():
            ensure_not_in_maintenance(actor)
            if User.get_or_none(User.username == name) is not None:
                raise InvalidInput(f"Đã có tài khoản «{name}».")
            user = _insert_user(actor.username, username=name, full_name=nfc(full_name), role=role,
                                unit=unit_id if role == "unit" else None, password_hash=password_hash)
        return _info(user)


_UNSET = object()


def edit_user(actor: Actor, username: str, expected_version: int | None, *, full_name=_UNSET, role=_UNSET,
              unit_id=_UNSET, active=_UNSET) -> UserInfo:
    """Change an account's name, role, unit or active flag (optimistic: ``expected_version``)."""
    require(actor, "manage_users")
    with connection.translated_errors():
        with connection.write_transaction():
            ensure_not_in_maintenance(actor)
            user = _get(username)
            new_role = user.role if role is _UNSET else role
            new_unit = user.unit_id if unit_id is _UNSET else unit_id
            if new_role != "unit":
                new_unit = None
            _check_role(new_role, new_unit)
            new_active = user.active if active is _UNSET else bool(active)
            if user.role == "admin" and user.active and (new_role != "admin" or not new_active) \
                    and _active_admins(excluding=user.id) == 0:
                raise InvalidInput("Không thể bỏ quyền hoặc ngừng tài khoản quản trị cuối cùng; "
                                   "hãy tạo một quản trị khác trước.")
            changes = {"role": new_role, "unit": new_unit, "active": new_active}
            if full_name is not _UNSET:
                changes["full_name"] = nfc(full_name)
            user = update_record(User, user.id, expected_version, actor.username, **changes)
        return _info(user)


def deactivate_user(actor: Actor, username: str) -> UserInfo:
    """Stop an account from signing in; its history in the audit trail stays."""
    return edit_user(actor, username, None, active=False)


def reactivate_user(actor: Actor, username: str) -> UserInfo:
    return edit_user(actor, username, None, active=True)


def set_password(actor: Actor, username: str, new_password: str, *, old_password: str | None = None) -> None:
    """An administrator resets anyone's password; anyone changes their own by giving the old one."""
    own = normalise_username(username) == actor.username
    if not own:
        require(actor, "manage_users")
    _check_password(new_password)
    with connection.translated_errors():
        user = _get(username)
        if own and not actor.can("manage_users"):
            if old_password is None or not _verify(user.password_hash, old_password):
                raise WrongPassword("Mật khẩu hiện tại không đúng.")
        new_hash = _hasher.hash(new_password)
        with connection.write_transaction():
            ensure_not_in_maintenance(actor)
            update_record(User, user.id, None, actor.username, password_hash=new_hash, failed_attempts=0,
                          locked_until=None, audit_as=AuditAs("password", "password"))


def unlock(actor: Actor, username: str) -> None:
    """Lift a lock-out before it expires."""
    require(actor, "manage_users")
    with connection.translated_errors():
        with connection.write_transaction():
            ensure_not_in_maintenance(actor)
            user = _get(username)
            if user.locked_until is None and user.failed_attempts == 0:
                return
            update_record(User, user.id, None, actor.username, failed_attempts=0, locked_until=None,
                          audit_as=AuditAs("unlock", "locked_until", user.locked_until, None))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _settings() -> tuple[int, float]:
    from par_desktop.services import settings

    return int(settings.get(settings.AUTH_MAX_FAILURES)), float(settings.get(settings.AUTH_LOCKOUT_MINUTES))


def _lock_message(user: User) -> str:
    return (f"Tài khoản «{user.username}» đang bị tạm khóa do nhập sai mật khẩu nhiều lần, đến "
            f"{ui_moment(user.locked_until)}. Hãy thử lại sau hoặc nhờ quản trị mở khóa.")


def authenticate(username: str, password: str, *, during_maintenance: bool = False) -> Actor:
    """Check a sign-in; count failures and lock the account after ``auth.max_failures`` of them.

    Raises ``WrongPassword``, ``AccountLocked``, ``PermissionDenied`` (deactivated account) or
    ``MaintenanceMode`` (another administrator is restoring or upgrading) — except for an administrator
    signing in ``during_maintenance`` to end another's hold (``maintenance off --force``). The audit
    trail records sign-ins, failures and lock-outs.
    """
    name = normalise_username(username)
    with connection.translated_errors():
        max_failures, lockout_minutes = _settings()
        # One message whether or not the name exists, so trying names does not reveal the accounts.
        generic = (f"Sai tên đăng nhập hoặc mật khẩu. Sau {max_failures} lần nhập sai liên tiếp, tài khoản bị tạm "
                   f"khóa {lockout_minutes:g} phút.")
        user = User.get_or_none(User.username == name)
        if user is None or user.role == "system" or not user.password_hash:
            _hasher.hash(password)   # same cost as a real check: timing does not tell which names exist
            raise WrongPassword(generic)
        now = datetime.now()
        if user.locked_until is not None and user.locked_until > now:
            raise AccountLocked(_lock_message(user))
        if not _verify(user.password_hash, password):
            with connection.write_transaction():
                User.update(failed_attempts=User.failed_attempts + 1).where(User.id == user.id).execute()
                failures = User.get_by_id(user.id).failed_attempts
                audit(user.username, "login_failed", "user", user.id, "failed_attempts", failures - 1, failures)
                if failures >= max_failures:
                    until = now + timedelta(minutes=lockout_minutes)
                    User.update(failed_attempts=0, locked_until=until).where(User.id == user.id).execute()
                    audit(user.username, "lock", "user", user.id, "locked_until", None, until)
            if failures >= max_failures:
                raise AccountLocked(_lock_message(User.get_by_id(user.id)))
            raise WrongPassword(generic)
        if not user.active:
            raise PermissionDenied(f"Tài khoản «{user.username}» đã ngừng hoạt động; liên hệ quản trị.")
        actor = Actor(user.username, user.role, user.unit_id, user.full_name)
        updates: dict[str, Any] = {}
        if _hasher.check_needs_rehash(user.password_hash):
            updates["password_hash"] = _hasher.hash(password)
        if user.failed_attempts or user.locked_until is not None:
            updates.update(failed_attempts=0, locked_until=None)
        override = during_maintenance and actor.can("restore")
        with connection.write_transaction(guarded=not override):
            if not override:
                ensure_not_in_maintenance(actor)
            if updates:
                User.update(**updates).where(User.id == user.id).execute()
            audit(user.username, "login", "user", user.id)
        return actor
