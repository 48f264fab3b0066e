"""Who is acting: the signed-in user of the GUI, or the user named on the command line.

Roles (vai trò): admin = Quản trị, office = Văn phòng, unit = Đơn vị, leader = Lãnh đạo, the ``system``
account (a database with no account yet: a fresh ``init``) and ``reader`` (a command-line command that
only reads, which needs no account). Every write service calls ``require``.
"""

from __future__ import annotations

from dataclasses import dataclass

from par_desktop.errors import PermissionDenied

ROLE_LABELS = {
    "admin": "Quản trị",
    "office": "Văn phòng",
    "unit": "Đơn vị",
    "leader": "Lãnh đạo",
    "system": "Hệ thống",
    "reader": "Chỉ đọc",
}

# What each role may do. "unit" actions are further limited to the user's own unit by the services.
PERMISSIONS = {
    "admin": {"manage_users", "settings", "templates", "organisation", "tasks", "progress", "dossiers",
              "explanations", "documents", "register", "import", "calendar", "backup", "restore", "index",
              "index_self"},
    "office": {"settings", "templates", "organisation", "tasks", "progress", "dossiers", "explanations",
               "documents", "register", "import", "calendar", "backup", "index", "index_self"},
    "unit": {"progress", "explanations", "index_self"},
    "leader": set(),
    "system": {"manage_users", "settings", "templates", "organisation", "tasks", "progress", "dossiers",
               "explanations", "documents", "register", "import", "calendar", "backup", "restore", "index",
               "index_self"},
    "reader": {"documents"},   # drafts only: issuing a number also needs "register"
}

ACTION_LABELS = {
    "manage_users": "quản lý tài khoản", "settings": "thay đổi cài đặt", "templates": "sửa mẫu văn bản",
    "organisation": "sửa thông tin tổ chức, đơn vị", "tasks": "sửa nhiệm vụ", "progress": "báo cáo tiến độ",
    "dossiers": "sửa hồ sơ TTHC", "explanations": "ghi giải trình", "documents": "tạo văn bản",
    "register": "lấy số văn bản", "import": "nhập dữ liệu", "calendar": "sửa lịch làm việc",
    "backup": "sao lưu", "restore": "khôi phục dữ liệu",
    "index": "quản lý bộ chỉ số CCHC (nhập, giao, duyệt, khóa, điểm thẩm định)",
    "index_self": "tự chấm điểm, đính kèm tài liệu kiểm chứng chỉ số CCHC",
}


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    unit_id: int | None = None
    full_name: str = ""

    @property
    def label(self) -> str:
        return f"{self.full_name or self.username} ({ROLE_LABELS.get(self.role, self.role)})"

    def can(self, action: str) -> bool:
        return action in PERMISSIONS.get(self.role, set())


SYSTEM = Actor("system", "system", full_name="Tài khoản hệ thống")
READER = Actor("reader", "reader", full_name="Lệnh chỉ đọc")

# The accounts ``init --demo`` creates (username, full name, role, unit code), signed in without a
# password on a demo database (``demo_actor``); the demo filler (services.demo) creates them.
DEMO_ACCOUNTS = [
    ("quantri", "Quản trị hệ thống", "admin", None),
    ("vanphong", "Nguyễn Thị Hương", "office", None),
    ("ncc", "Hoàng Thị Lan", "unit", "NCC"),
    ("lanhdao", "Trần Văn Hà", "leader", None),
]


def has_accounts() -> bool:
    """True once the bound database has any account: from then on, changing data needs one."""
    from par_desktop.db.models import User

    return User.select().where(User.role != "system").exists()


def require(actor: Actor, action: str, *, unit_id: int | None = None) -> None:
    """Refuse the action unless the role allows it; unit accounts act only on their own unit."""
    if not actor.can(action):
        raise PermissionDenied(
            f"Tài khoản {actor.username} ({ROLE_LABELS.get(actor.role, actor.role)}) không có quyền "
            f"{ACTION_LABELS.get(action, action)}.")
    if actor.role == "unit" and unit_id is not None and unit_id != actor.unit_id:
        raise PermissionDenied(
            f"Tài khoản {actor.username} chỉ được {ACTION_LABELS.get(action, action)} của đơn vị mình.")


def demo_actor(username: str) -> Actor:
    """A demo account signed in without its password — only on a database created by ``init --demo``.

    The sign-in is written to the audit trail like any other, saying that no password was asked."""
    from par_desktop.db import connection
    from par_desktop.db.changes import audit
    from par_desktop.db.models import User
    from par_desktop.db.schema import is_demo_database

    name = (username or "").strip().lower()
    with connection.translated_errors():
        if not is_demo_database():
            raise PermissionDenied("Chỉ cơ sở dữ liệu mẫu (tạo bằng init --demo) mới mở được mà không cần mật khẩu; "
                                   "hãy đăng nhập bằng mật khẩu.")
        user = User.get_or_none(User.username == name)
        if name not in {account[0] for account in DEMO_ACCOUNTS} or user is None or not user.active:
            raise PermissionDenied(f"«{username}» không phải tài khoản mẫu; tài khoản mẫu: "
                                   + ", ".join(a[0] for a in DEMO_ACCOUNTS) + ".")
        with connection.write_transaction():
            audit(user.username, "login", "user", user.id, "password", None, "không hỏi (dữ liệu mẫu)")
    return Actor(user.username, user.role, user.unit_id, user.full_name)
