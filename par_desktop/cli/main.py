"""Entry point: parse arguments, open the database when the command needs it, turn errors into one line."""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import sys
from dataclasses import dataclass, field
from typing import Any

from par_desktop import __version__
from par_desktop.cli.accounts import PASSWORD_ENV, USER_ENV, sign_in
from par_desktop.errors import UserError

COMMAND_MODULES = (
    "par_desktop.cli.cmd_db",
    "par_desktop.cli.cmd_calendar",
    "par_desktop.cli.cmd_tasks",
    "par_desktop.cli.cmd_dossiers",
    "par_desktop.cli.cmd_service",
    "par_desktop.cli.cmd_documents",
    "par_desktop.cli.cmd_index",
    "par_desktop.cli.cmd_users",
    "par_desktop.cli.cmd_gui",
    "par_desktop.cli.cmd_migrate",
    "par_desktop.cli.cmd_org",
)


@dataclass
class CliContext:
    """What a handler gets: the parsed args, the database location and, once opened, the acting user."""
    args: argparse.Namespace
    location: str
    actor: Any = None
    extras: dict = field(default_factory=dict)

    def open(self, *, create: bool = False, demo: bool = False):
        """Open the database and sign in the acting account (``sign_in``)."""
        from par_desktop.db.schema import open_database
        from par_desktop.services import presence

        presence.ensure_upgrade_allowed(self.location)
        db = open_database(self.location, create=create, demo=demo)
        self.actor = sign_in(self.args)
        presence.install_write_guard(self.actor)
        return db

    def close(self) -> None:
        """Close the database ``open`` bound (before work that opens the file its own way)."""
        from par_desktop.db.models import database_proxy

        if database_proxy.obj is not None and not database_proxy.obj.is_closed():
            database_proxy.obj.close()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: exit 2 with one line, as argparse does
        self.print_usage(sys.stderr)
        self.exit(2, f"error: {message}\n")


# The window's commands (and no command at all): opening the window need not build the other ~60
# commands' parsers (about 20 ms of every start).
WINDOW_COMMANDS = ("gui", "demo-gui")
WINDOW_MODULE = "par_desktop.cli.cmd_gui"


def command_word(argv: list[str]) -> str | None:
    """The command ``argv`` names ("" for none); None when a global option such as ``--help`` or
    ``--version`` (or an unknown one) comes first and the whole command line must be known."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--db", "--user"):
            i += 2
        elif arg.startswith(("--db=", "--user=")):
            i += 1
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return ""


def build_parser(modules: tuple[str, ...] = COMMAND_MODULES) -> argparse.ArgumentParser:
    """The command line; ``modules`` the command modules to register (all of them by default)."""
    parser = _Parser(prog="par-desktop", description="PAR Desktop — theo dõi CCHC, hồ sơ TTHC, văn bản.")
    parser.add_argument("--version", action="version", version=f"par-desktop {__version__}")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="tệp SQLite hoặc URL postgresql://")
    parser.add_argument("--user", metavar="USERNAME",
                        help=f"tài khoản thực hiện lệnh thay đổi dữ liệu (hoặc biến {USER_ENV}); mật khẩu lấy từ "
                             f"biến {PASSWORD_ENV} hoặc được hỏi")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    word = command_word(argv)
    window = word in ("", *WINDOW_COMMANDS)
    if word in ("", "gui"):   # app.run_gui's start-up pause from here on (demo-gui first fills its demo)
        gc.disable()
    parser = build_parser((WINDOW_MODULE,) if window else COMMAND_MODULES)
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*argv, "gui"])
    from par_desktop.db.connection import resolve_location

    ctx = CliContext(args=args, location=resolve_location(args.db))
    try:
        return int(args.handler(ctx) or 0)
    except UserError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: đã dừng theo yêu cầu.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 — a bug: log the traceback, show one line
        from par_desktop.db.connection import explain_database_error
        from par_desktop.logs import log_exception

        friendly = explain_database_error(exc)
        if friendly is not None:
            print(f"error: {friendly.message}", file=sys.stderr)
            return 1
        path = log_exception(exc)
        print(f"error: lỗi nội bộ ({type(exc).__name__}: {exc}); chi tiết trong {path}", file=sys.stderr)
        return 1


def emit_json(data: Any) -> None:
    import json

    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


logging.getLogger("peewee").setLevel(logging.WARNING)
