"""Accounts: first administrator, roles, argon2 hashes, lock-out, rehash, last-admin guard, conflicts."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from par_desktop.db.models import AuditLog, User
from par_desktop.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from par_desktop.services import demo, org, presence, settings, users
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


# --- every role on every write path ----------------------------------------------------------------

def _write_paths(env):
    """(name, action, unit-scoped, attempt(actor, tag)) for the write services that exist today."""
    import importlib

    from par_desktop.services import backups

    paths = [
        ("settings.set_value", "settings", False,
         lambda a, t: settings.set_value(a, "tasks.at_risk_days", 10 + _n(t))),
        ("org.create_unit", "organisation", False, lambda a, t: org.create_unit(a, f"Phòng thử {t}", f"T{t}")),
        ("org.update_unit", "organisation", False,
         lambda a, t: org.update_unit(a, env["unit_other"], _version("Unit", env["unit_other"]), head_name=t)),
        ("org.add_alias", "organisation", False,
         lambda a, t: org.add_alias(a, _unit(env["unit_other"]), f"Tên gọi khác {t}")),
        ("users.create_user", "manage_users", False, lambda a, t: users.create_user(a, f"u{t}", "office", PW)),
        ("users.unlock", "manage_users", False, lambda a, t: (_lock("quantri"), users.unlock(a, "quantri"))),
        ("backups.backup_now", "backup", False, lambda a, t: backups.backup_now(a, str(env["db"]))),
        ("presence.enter_maintenance", "restore", False,
         lambda a, t: (presence.enter_maintenance(a, t), presence.leave_maintenance(a))),
    ]

    def optional(module, name, action, scoped, make):
        try:
            mod = importlib.import_module(f"par_desktop.services.{module}")
        except ImportError:
            return
        if hasattr(mod, name):
            paths.append((f"{module}.{name}", action, scoped, make(mod)))

    from datetime import date as _date

    optional("calendar_changes", "set_override", "calendar", False,
             lambda m: lambda a, t: m.set_override(a, _date(2030, 1, 1) + timedelta(days=_n(t)), False, f"QĐ {t}"))
    optional("procedures", "create_procedure", "dossiers", False,
             lambda m: lambda a, t: m.create_procedure(a, code=f"9.{t}", name=f"Thủ tục {t}", field="Thử",
                                                       limit_days=5))
    optional("tasks.editing", "create_task", "tasks", False,
             lambda m: lambda a, t: m.create_task(a, content=f"Nhiệm vụ {t}", deadline_text="Tháng 12/2024",
                                                  lead_unit_ids=[env["unit_own"]]))
    optional("tasks.editing", "update_task", "tasks", False,
             lambda m: lambda a, t: m.update_task(a, env["task_own"], None, note=f"ghi chú {t}"))
    optional("tasks.progress", "report_progress", "progress", True,
             lambda m: lambda a, t: m.report_progress(a, env["task_own"], percent=_n(t) % 90, text=t))
    optional("dossiers.editing", "update_dossier", "dossiers", False,
             lambda m: lambda a, t: m.update_dossier(a, env["dossier_own"], None, applicant=f"Người nộp {t}"))
    optional("dossiers.explanations", "set_explanation", "explanations", True,
             lambda m: lambda a, t: m.set_explanation(a, env["dossier_own"], reason=f"Lý do {t}"))
    optional("dossiers.importing", "import_dossiers", "import", False,
             lambda m: lambda a, t: m.import_dossiers(a, _one_dossier_csv(env, t)))
    return paths


def _lock(username: str) -> None:
    User.update(locked_until=datetime.now() + timedelta(minutes=5)).where(User.username == username).execute()


def _n(tag: str) -> int:
    """The running number at the end of a tag: a value no other attempt used."""
    return int(re.sub(r"\D", "", tag))


def _version(model: str, record_id: int) -> int:
    from par_desktop.db import models

    return getattr(models, model).get_by_id(record_id).version


def _unit(unit_id: int):
    from par_desktop.db.models import Unit

    return Unit.get_by_id(unit_id)


def _one_dossier_csv(env, tag):
    from par_desktop.db.models import Procedure

    path = env["tmp"] / f"one-{tag}.csv"
    path.write_text(f"Mã hồ sơ,Mã thủ tục,Ngày tiếp nhận\nR-{tag},{Procedure.select().first().code},"
                    "04/03/2024 08:30\n", encoding="utf-8")
    return path


@pytest.fixture
def roles_env(demo_db, tmp_path):
    from par_desktop.db.models import Dossier, TaskUnit

    admin = users.authenticate("quantri", demo.DEMO_PASSWORD)   # the demo's administrator
    lead = (TaskUnit.select().where(TaskUnit.role == "lead").join(Dossier, on=(Dossier.unit == TaskUnit.unit))
            .first())
    own = lead.unit_id
    other = TaskUnit.select().where((TaskUnit.role == "lead") & (TaskUnit.unit != own)).first()
    env = {"db": demo_db, "tmp": tmp_path, "unit_own": own, "task_own": lead.task_id,
           "unit_other": other.unit_id, "task_other": other.task_id,
           "dossier_own": Dossier.select().where(Dossier.unit == own).first().id,
           "dossier_other": Dossier.select().where(Dossier.unit != own).first().id}
    env["actors"] = {
        "admin": admin, "office": Actor("lan", "office", None, "Lê Thị Lan"),
        "unit_own": Actor("donvi", "unit", own, "Phạm Văn Bình"),
        "unit_other": Actor("donvi2", "unit", other.unit_id, "Hà Thị Mai"),
        "leader": Actor("lanhdao", "leader", None, "Trần Văn Hà"),
    }
    return env


def test_each_role_on_each_write_path(roles_env):
    """Allowed roles succeed; every other role is refused by the service itself and nothing changes."""
    from par_desktop.db.models import AuditLog

    paths = _write_paths(roles_env)
    outcome = {}
    for name, action, scoped, attempt in paths:
        for role, actor in roles_env["actors"].items():
            allowed = actor.can(action) and not (scoped and role == "unit_other")
            before = AuditLog.select().count()
            tag = f"{role[:4]}{len(outcome)}"
            if allowed:
                attempt(actor, tag)
                assert AuditLog.select().count() > before or name == "backups.backup_now", (name, role)
            else:
                with pytest.raises(PermissionDenied):
                    attempt(actor, tag)
                assert AuditLog.select().count() == before, (name, role)
            outcome[(name, role)] = allowed
    assert outcome[("users.create_user", "office")] is False
    for name, *_ in paths:          # every path was both allowed to someone and refused to someone
        assert {outcome[(name, role)] for role in roles_env["actors"]} == {True, False}, name
    print(f"{len(paths)} write paths × {len(roles_env['actors'])} roles:", ", ".join(n for n, *_ in paths))


def test_a_unit_account_cannot_change_another_units_task(roles_env):
    from par_desktop.db.models import ProgressReport, Task

    from par_desktop.services.dossiers import explanations
    from par_desktop.services.tasks import editing as task_editing, progress as task_progress

    unit = roles_env["actors"]["unit_own"]
    before = Task.get_by_id(roles_env["task_other"]).progress_percent
    with pytest.raises(PermissionDenied):
        task_progress.report_progress(unit, roles_env["task_other"], percent=90, unit_id=roles_env["unit_other"])
    with pytest.raises(PermissionDenied):
        task_progress.report_progress(unit, roles_env["task_other"], percent=90)
    with pytest.raises(PermissionDenied):
        task_editing.update_task(unit, roles_env["task_other"], None, note="sửa trộm")
    assert Task.get_by_id(roles_env["task_other"]).progress_percent == before
    assert not ProgressReport.select().where(ProgressReport.username == "donvi").exists()
    with pytest.raises(PermissionDenied):
        explanations.set_explanation(unit, roles_env["dossier_other"], reason="không phải của mình")
