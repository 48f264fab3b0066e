"""Who a command acts as (CLI.md "Accounts on the command line"), shared by the commands and ``gui``.

A command declares ``access=READ`` in ``set_defaults`` (or a function of its arguments returning READ or
WRITE); a command that declares nothing is taken to change data, so a new command is protected until
its author says it only reads.
"""

from __future__ import annotations

import argparse
import os
import sys

USER_ENV = "PAR_DESKTOP_USER"
PASSWORD_ENV = "PAR_DESKTOP_PASSWORD"
READ = "read"
WRITE = "write"


def changes_data(args: argparse.Namespace) -> bool:
    """Whether this invocation changes data. A command declares ``access=READ`` (or a function of its
    arguments) in ``set_defaults``; one that declares nothing is taken to change data."""
    access = getattr(args, "access", WRITE)
    if callable(access):
        access = access(args)
    return access != READ


def requested_user(args: argparse.Namespace) -> str:
    return (getattr(args, "user", None) or os.environ.get(USER_ENV) or "").strip()


def read_password(username: str) -> str:
    """The acting account's password: ``PAR_DESKTOP_PASSWORD``, else asked on the terminal without echo."""
    from par_desktop.errors import PermissionDenied

    password = os.environ.get(PASSWORD_ENV)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise PermissionDenied(f"Cần mật khẩu của tài khoản «{username}»: đặt biến {PASSWORD_ENV} "
                               "(không có bàn phím để hỏi).")
    import getpass

    return getpass.getpass(f"Mật khẩu của {username}: ")


def sign_in(args: argparse.Namespace):
    """The account a command acts as, on the bound database (CLI.md "Accounts on the command line").

    No account in the database yet: the system account. A command that only reads: the read-only
    actor, no password. Anything that changes data: ``--user``/``PAR_DESKTOP_USER`` and its password,
    checked like the sign-in dialog (wrong passwords count towards the lock-out; the audit names the
    account)."""
    from par_desktop.db.connection import translated_errors
    from par_desktop.errors import PermissionDenied
    from par_desktop.services import session

    with translated_errors():
        if not session.has_accounts():
            return session.SYSTEM
    if not changes_data(args):
        return session.READER
    username = requested_user(args)
    if not username:
        raise PermissionDenied(f"Cơ sở dữ liệu này có tài khoản: lệnh thay đổi dữ liệu cần --user TÊN (hoặc biến "
                               f"{USER_ENV}) và mật khẩu ({PASSWORD_ENV}, hoặc nhập khi được hỏi).")
    from par_desktop.services import users

    return users.authenticate(username, read_password(username),
                              during_maintenance=bool(getattr(args, "during_maintenance", False)))


def gui_actor(username: str | None, *, screenshot: bool, demo_requested: bool):
    """The account a GUI start acts as without the sign-in dialog, or None when the dialog must ask.

    A database with no account yet: the system account (a screenshot; the dialog creates the first
    administrator otherwise). A database created by ``init --demo``: a named demo account without its
    password (``demo-gui``, or a screenshot run naming one). A screenshot of any other database: the
    account and its password, as a command that changes data."""
    from par_desktop.db.connection import translated_errors
    from par_desktop.db.schema import is_demo_database
    from par_desktop.errors import PermissionDenied
    from par_desktop.services import session

    name = (username or os.environ.get(USER_ENV) or "").strip()
    with translated_errors():
        if not session.has_accounts():
            return session.SYSTEM if screenshot else None
        demo = is_demo_database()
    if demo and name and (screenshot or demo_requested):
        return session.demo_actor(name)
    if not screenshot:
        return None
    if not name:
        hint = " (dữ liệu mẫu: --user vanphong)" if demo else ""
        raise PermissionDenied(f"Cơ sở dữ liệu này có tài khoản: cần --user TÊN (hoặc biến {USER_ENV}){hint} "
                               f"và mật khẩu ({PASSWORD_ENV}, hoặc nhập khi được hỏi).")
    from par_desktop.services import users

    return users.authenticate(name, read_password(name))
