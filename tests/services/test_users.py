"""Accounts: first administrator, roles, argon2 hashes, lock-out, rehash, last-admin guard, conflicts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from par_desktop.db.models import AuditLog, User
from par_desktop.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from par_desktop.services import org, presence, settings, users
from par_desktop.services.session import SYSTEM, Actor

PW = "mat-khau-1"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)   # as the cheap_hashing fixture


pytestmark = pytest.mark.usefixtures("cheap_hashing")


@pytest.fixture
def admin(empty_db):
    return users.create_first_admin("quantri", "Nguyễn Quản Trị", PW)


def test_first_start_creates_exactly_one_administrator(empty_db):
    assert users.needs_first_admin()
    actor = users.create_first_admin(" QuanTri ", "Nguyễn Quản Trị", PW)
    assert actor == Actor("quantri", "admin", None, "Nguyễn Quản Trị")
    assert not users.needs_first_admin()
    with pytest.raises(PermissionDenied, match="đã có tài khoản quản trị"):
        users.create_first_admin("khac", "Người khác", PW)
    user = User.get(User.username == "quantri")
    assert user.password_hash.startswith("$argon2id$")
    assert PW not in user.password_hash


def test_password_hash_never_reaches_the_audit_trail(admin):
    users.create_user(admin, "lan", "office", PW, full_name="Lê Thị Lan")
    users.set_password(admin, "lan", "mat-khau-moi-2")
    hashes = [u.password_hash for u in User.select()]
    for row in AuditLog.select():
        for text in (row.old_value or "", row.new_value or ""):
            assert "argon2" not in text and "mat-khau" not in text
            assert not any(h in text for h in hashes)
    assert AuditLog.get(AuditLog.action == "password").username == "quantri"


def test_roles_and_validation(admin):
    unit = org.create_unit(admin, "Phòng Người có công", "NCC")
    info = users.create_user(admin, "ncc.truong", "unit", PW, full_name="Phạm Văn Bình", unit_id=unit.id)
    assert (info.role, info.unit_name, info.role_label) == ("unit", "Phòng Người có công", "Đơn vị")
    with pytest.raises(InvalidInput, match="gắn với một đơn vị"):
        users.create_user(admin, "x.unit", "unit", PW)
    with pytest.raises(InvalidInput, match="Vai trò"):
        users.create_user(admin, "x.role", "boss", PW)
    with pytest.raises(InvalidInput, match="Tên đăng nhập"):
        users.create_user(admin, "Nguyễn Văn A", "office", PW)
    with pytest.raises(InvalidInput, match="ít nhất 8"):
        users.create_user(admin, "ngan", "office", "1234")
    with pytest.raises(InvalidInput, match="Đã có tài khoản"):
        users.create_user(admin, "NCC.Truong", "office", PW)
    office = Actor("lan", "office")
    for who in (office, Actor("ld", "leader"), Actor("ncc.truong", "unit", unit.id)):
        with pytest.raises(PermissionDenied, match="quản lý tài khoản"):
            users.create_user(who, "moi", "office", PW)
    assert [u.username for u in users.list_users()] == ["ncc.truong", "quantri"]


def test_sign_in_success_is_audited(admin):
    users.create_user(admin, "lan", "office", PW, full_name="Lê Thị Lan")
    actor = users.authenticate("LAN", PW)
    assert actor == Actor("lan", "office", None, "Lê Thị Lan")
    assert AuditLog.select().where((AuditLog.action == "login") & (AuditLog.username == "lan")).count() == 1


def test_wrong_passwords_lock_the_account_then_unlock(admin):
    settings.set_value(admin, "auth.max_failures", 3)
    settings.set_value(admin, "auth.lockout_minutes", 10)
    users.create_user(admin, "lan", "office", PW)
    messages = []
    for name in ("lan", "khong-co-ai", "lan"):      # an existing name and an unknown one: the same words
        with pytest.raises(users.WrongPassword) as refused:
            users.authenticate(name, "sai-mat-khau")
        messages.append(refused.value.message)
    assert messages[0] == messages[1] == messages[2] == (
        "Sai tên đăng nhập hoặc mật khẩu. Sau 3 lần nhập sai liên tiếp, tài khoản bị tạm khóa 10 phút.")
    with pytest.raises(users.AccountLocked, match="tạm khóa"):
        users.authenticate("lan", "sai-mat-khau")
    # Even the right password is refused while locked.
    with pytest.raises(users.AccountLocked):
        users.authenticate("lan", PW)
    locked = User.get(User.username == "lan").locked_until
    assert timedelta(minutes=9) < locked - datetime.now() <= timedelta(minutes=10)
    assert users.get_user("lan").locked
    assert AuditLog.select().where(AuditLog.action == "login_failed").count() == 3
    assert AuditLog.select().where(AuditLog.action == "lock").count() == 1
    users.unlock(admin, "lan")
    assert users.authenticate("lan", PW).username == "lan"


def test_lock_expires_by_itself(admin):
    users.create_user(admin, "lan", "office", PW)
    User.update(locked_until=datetime.now() - timedelta(seconds=1), failed_attempts=0).execute()
    assert users.authenticate("lan", PW).role == "office"
    assert User.get(User.username == "lan").locked_until is None


def test_unknown_user_and_deactivated_account(admin):
    with pytest.raises(users.WrongPassword, match="Sai tên đăng nhập"):
        users.authenticate("khong-co", PW)
    users.create_user(admin, "lan", "office", PW)
    users.deactivate_user(admin, "lan")
    with pytest.raises(PermissionDenied, match="ngừng hoạt động"):
        users.authenticate("lan", PW)
    users.reactivate_user(admin, "lan")
    assert users.authenticate("lan", PW).username == "lan"


def test_old_parameters_are_rehashed_at_sign_in(admin, monkeypatch):
    monkeypatch.setattr(users, "_hasher", PasswordHasher())      # the production parameters
    users.create_user(admin, "lan", "office", PW)
    weak = CHEAP.hash(PW)
    User.update(password_hash=weak).where(User.username == "lan").execute()
    users.authenticate("lan", PW)
    rehashed = User.get(User.username == "lan").password_hash
    assert rehashed != weak and "m=65536" in rehashed
    assert users.authenticate("lan", PW).username == "lan"


def test_the_last_administrator_stays(admin):
    with pytest.raises(InvalidInput, match="quản trị cuối cùng"):
        users.deactivate_user(admin, "quantri")
    with pytest.raises(InvalidInput, match="quản trị cuối cùng"):
        users.edit_user(admin, "quantri", None, role="office")
    users.create_user(admin, "quantri2", "admin", PW)
    users.edit_user(admin, "quantri", None, role="office")
    assert users.get_user("quantri").role == "office"
    assert not users.needs_first_admin()


def test_edit_with_a_stale_version_is_a_conflict(admin):
    info = users.create_user(admin, "lan", "office", PW, full_name="Lê Thị Lan")
    users.edit_user(admin, "lan", info.version, full_name="Lê Thị Lan Anh")
    with pytest.raises(ConflictError) as caught:
        users.edit_user(admin, "lan", info.version, full_name="Lê Lan")
    assert caught.value.current["full_name"] == "Lê Thị Lan Anh"
    row = AuditLog.get((AuditLog.table_name == "user") & (AuditLog.field == "full_name"))
    assert (row.old_value, row.new_value) == ("Lê Thị Lan", "Lê Thị Lan Anh")


def test_own_password_change_needs_the_old_one(admin):
    users.create_user(admin, "lan", "office", PW)
    lan = users.authenticate("lan", PW)
    with pytest.raises(users.WrongPassword, match="hiện tại"):
        users.set_password(lan, "lan", "mat-khau-moi-2", old_password="sai")
    with pytest.raises(PermissionDenied):
        users.set_password(lan, "quantri", "mat-khau-moi-2")
    users.set_password(lan, "lan", "mat-khau-moi-2", old_password=PW)
    assert users.authenticate("lan", "mat-khau-moi-2").username == "lan"
    with pytest.raises(NotFound):
        users.set_password(admin, "khong-co", "mat-khau-moi-2")


def test_another_administrators_maintenance_stops_writes_and_sign_in(admin):
    users.create_user(admin, "lan", "office", PW)
    users.create_user(admin, "quantri2", "admin", PW)
    other = Actor("quantri2", "admin", None, "Trần Quản Trị")
    presence.enter_maintenance(other, "Khôi phục bản sao lưu")
    with pytest.raises(presence.MaintenanceMode, match="đang bảo trì.*Trần Quản Trị.*Khôi phục"):
        users.create_user(admin, "moi", "office", PW)
    with pytest.raises(presence.MaintenanceMode, match="đang bảo trì"):
        users.authenticate("lan", PW)
    # The holder itself carries on.
    users.create_user(other, "moi", "office", PW)
    presence.leave_maintenance(other)
    assert users.authenticate("lan", PW).username == "lan"
    assert SYSTEM.can("manage_users")
