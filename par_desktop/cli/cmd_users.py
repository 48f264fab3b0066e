"""Accounts, the audit trail, presence and maintenance mode on the command line.

``user add|list|passwd|unlock|edit|deactivate|activate``, ``audit``, ``presence``,
``maintenance on|off|status``. Passwords are read from standard input (``--password-stdin``) or asked
twice on a terminal; they never appear on the command line.
"""

from __future__ import annotations

import sys

from par_desktop.cli.accounts import READ

ROLES = ("admin", "office", "unit", "leader")


def register(sub) -> None:
    p = sub.add_parser("user", help="tài khoản người dùng")
    users = p.add_subparsers(dest="user_command", metavar="SUBCOMMAND", required=True)

    q = users.add_parser("add", help="tạo tài khoản")
    q.add_argument("username", metavar="USERNAME")
    q.add_argument("--role", required=True, choices=ROLES,
                   help="admin = Quản trị, office = Văn phòng, unit = Đơn vị, leader = Lãnh đạo")
    q.add_argument("--unit", metavar="UNIT", help="đơn vị (tên hoặc mã) của tài khoản Đơn vị")
    q.add_argument("--full-name", default="", metavar="NAME", help="họ và tên")
    q.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của stdin")
    q.set_defaults(handler=cmd_user_add)

    q = users.add_parser("list", help="danh sách tài khoản")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_user_list, access=READ)

    q = users.add_parser("passwd", help="đặt lại mật khẩu")
    q.add_argument("username", metavar="USERNAME")
    q.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu mới từ dòng đầu của stdin")
    q.set_defaults(handler=cmd_user_passwd)

    q = users.add_parser("unlock", help="mở khóa tài khoản bị tạm khóa do nhập sai mật khẩu")
    q.add_argument("username", metavar="USERNAME")
    q.set_defaults(handler=cmd_user_unlock)

    q = users.add_parser("edit", help="sửa họ tên, vai trò, đơn vị")
    q.add_argument("username", metavar="USERNAME")
    q.add_argument("--role", choices=ROLES)
    q.add_argument("--unit", metavar="UNIT")
    q.add_argument("--full-name", metavar="NAME")
    q.set_defaults(handler=cmd_user_edit)

    for name, text in (("deactivate", "ngừng tài khoản (giữ lịch sử)"), ("activate", "kích hoạt lại tài khoản")):
        q = users.add_parser(name, help=text)
        q.add_argument("username", metavar="USERNAME")
        q.set_defaults(handler=cmd_user_active, active=name == "activate")

    p = sub.add_parser("audit", help="nhật ký thay đổi (ai, khi nào, bản ghi, trường, cũ → mới)")
    p.add_argument("--user", dest="filter_user", metavar="USERNAME", help="chỉ thay đổi của tài khoản này")
    p.add_argument("--table", metavar="TABLE", help="chỉ bảng này (task, dossier, unit, setting, user…)")
    p.add_argument("--record", metavar="ID", help="chỉ bản ghi này")
    p.add_argument("--since", metavar="DATE", help="từ ngày (YYYY-MM-DD hoặc DD/MM/YYYY)")
    p.add_argument("--until", metavar="DATE", help="đến hết ngày")
    p.add_argument("--session", metavar="ID", help="chỉ một phiên làm việc")
    p.add_argument("--limit", type=int, metavar="N", help="chỉ N dòng mới nhất")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_audit, access=READ)

    p = sub.add_parser("presence", help="ai đang mở cơ sở dữ liệu")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_presence, access=READ)

    p = sub.add_parser("maintenance", help="chế độ bảo trì (khôi phục, nâng cấp) — chỉ quản trị")
    mode = p.add_subparsers(dest="maintenance_command", metavar="on|off|status", required=True)
    q = mode.add_parser("on", help="bắt đầu bảo trì: người khác chỉ được xem")
    q.add_argument("--reason", default="Bảo trì cơ sở dữ liệu", metavar="TEXT")
    q.set_defaults(handler=cmd_maintenance_on)
    q = mode.add_parser("off", help="kết thúc bảo trì")
    q.add_argument("--force", action="store_true", help="kết thúc cả khi người khác đang giữ")
    q.set_defaults(handler=cmd_maintenance_off, during_maintenance=True)   # an administrator may take over
    q = mode.add_parser("status", help="đang bảo trì hay không")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_maintenance_status, access=READ)


def _read_password(ctx) -> str:
    """The new password: first line of stdin with --password-stdin, else asked twice on a terminal."""
    from par_desktop.errors import InvalidInput

    if ctx.args.password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise InvalidInput("Không đọc được mật khẩu từ stdin (dòng đầu trống).")
        return password
    if not sys.stdin.isatty():
        raise InvalidInput("Hãy nhập mật khẩu qua --password-stdin (không có bàn phím để hỏi).")
    import getpass

    first = getpass.getpass("Mật khẩu: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise InvalidInput("Hai lần nhập mật khẩu không khớp.")
    return first


def _unit_id(name: str | None) -> int | None:
    if not name:
        return None
    from par_desktop.services.org import find_unit

    return find_unit(name).id


def _moment(value) -> str | None:
    return value.isoformat(timespec="minutes") if value is not None else None


def cmd_user_add(ctx) -> int:
    from par_desktop.services import users

    ctx.open()
    password = _read_password(ctx)
    a = ctx.args
    info = users.create_user(ctx.actor, a.username, a.role, password, full_name=a.full_name,
                             unit_id=_unit_id(a.unit))
    print(f"created user {info.username} ({info.role})")
    return 0


def cmd_user_list(ctx) -> int:
    from par_desktop.cli.main import emit_json
    from par_desktop.services import users

    ctx.open()
    rows = users.list_users()
    if ctx.args.json:
        emit_json([{"username": u.username, "full_name": u.full_name, "role": u.role, "unit": u.unit_name or None,
                    "active": u.active, "locked_until": _moment(u.locked_until) if u.locked else None,
                    "created_at": _moment(u.created_at)} for u in rows])
        return 0
    for u in rows:
        state = "ngừng" if not u.active else ("tạm khóa" if u.locked else "hoạt động")
        unit = f" — {u.unit_name}" if u.unit_name else ""
        print(f"{u.username}\t{u.role}\t{state}\t{u.full_name}{unit}")
    return 0


def cmd_user_passwd(ctx) -> int:
    from par_desktop.services import users

    ctx.open()
    password = _read_password(ctx)
    users.set_password(ctx.actor, ctx.args.username, password)
    print(f"password changed for {users.normalise_username(ctx.args.username)}")
    return 0


def cmd_user_unlock(ctx) -> int:
    from par_desktop.services import users

    ctx.open()
    users.unlock(ctx.actor, ctx.args.username)
    print(f"unlocked {users.normalise_username(ctx.args.username)}")
    return 0


def cmd_user_edit(ctx) -> int:
    from par_desktop.services import users

    ctx.open()
    a = ctx.args
    changes = {}
    if a.role is not None:
        changes["role"] = a.role
    if a.unit is not None:
        changes["unit_id"] = _unit_id(a.unit)
    if a.full_name is not None:
        changes["full_name"] = a.full_name
    info = users.edit_user(ctx.actor, a.username, None, **changes)
    print(f"updated user {info.username} ({info.role})")
    return 0


def cmd_user_active(ctx) -> int:
    from par_desktop.services import users

    ctx.open()
    if ctx.args.active:
        info = users.reactivate_user(ctx.actor, ctx.args.username)
    else:
        info = users.deactivate_user(ctx.actor, ctx.args.username)
    print(f"{'activated' if info.active else 'deactivated'} {info.username}")
    return 0


def cmd_audit(ctx) -> int:
    from par_desktop.cli.main import emit_json
    from par_desktop.domain.text import parse_date
    from par_desktop.services import audit

    a = ctx.args
    since = parse_date(a.since) if a.since else None
    until = parse_date(a.until) if a.until else None
    ctx.open()
    rows = audit.entries(user=a.filter_user, table=a.table, record_id=a.record, since=since, until=until,
                         session_id=a.session, limit=a.limit)
    if a.json:
        emit_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        target = f"{r.table}#{r.record_id}" if r.record_id else r.table
        change = f" {r.field}: {r.old if r.old is not None else '∅'} -> {r.new if r.new is not None else '∅'}" \
            if r.field else (f" {r.new or r.old}" if (r.new or r.old) else "")
        print(f"{r.at.isoformat(timespec='seconds')} {r.username} {r.action} {target}{change}")
    return 0


def cmd_presence(ctx) -> int:
    from par_desktop.cli.main import emit_json
    from par_desktop.services import presence

    ctx.open()
    warning = presence.clock_notice(ctx.location)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    rows = presence.active_sessions()
    if ctx.args.json:
        emit_json([{"session_id": s.session_id, "username": s.username, "machine": s.machine, "pid": s.pid,
                    "since": _moment(s.since), "heartbeat": s.heartbeat.isoformat(timespec="seconds"),
                    "activity": s.activity} for s in rows])
        return 0
    if not rows:
        print("không có ai đang mở cơ sở dữ liệu")
    for s in rows:
        activity = f"\t{s.activity}" if s.activity else ""
        print(f"{s.username}\t{s.machine}\t{_moment(s.since)}\t{s.heartbeat.isoformat(timespec='seconds')}{activity}")
    return 0


def cmd_maintenance_on(ctx) -> int:
    from par_desktop.services import presence

    ctx.open()
    others = presence.enter_maintenance(ctx.actor, ctx.args.reason)
    print(f"maintenance on ({ctx.actor.username})")
    for s in others:
        print(f"đang mở: {s.username} ({s.machine})")
    return 0


def cmd_maintenance_off(ctx) -> int:
    from par_desktop.services import presence

    ctx.open()
    print("maintenance off" if presence.leave_maintenance(ctx.actor, force=ctx.args.force)
          else "maintenance was not on")
    return 0


def cmd_maintenance_status(ctx) -> int:
    from par_desktop.cli.main import emit_json
    from par_desktop.services import presence

    ctx.open()
    state = presence.maintenance_state()
    if ctx.args.json:
        emit_json(None if state is None else {
            "active": state.active, "username": state.username, "full_name": state.full_name,
            "machine": state.machine, "since": _moment(state.since), "reason": state.reason})
        return 0
    if state is None:
        print("off")
    else:
        print(f"{'on' if state.active else 'abandoned'}: {state.describe()}")
    return 0
