"""No way around sign-in (issue 19, item 2; CLI.md "Accounts on the command line"), as real processes.

On a database that has accounts, changing data needs an account and its password; the role decides; the
audit names the account. Reading needs nothing. A fresh database runs as the system account. Only a
database created by ``init --demo`` opens the GUI for a demo account without its password.
"""

from __future__ import annotations

import os
import pty
import select
import sqlite3
import sys
import time

import pytest

from conftest import DEMO_PASSWORD, REPO

PW = "mat-khau-that-1"


def _error(run) -> str:
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert run.stderr.startswith("error:") and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    return run.stderr


def _audit(db, sql: str = "") -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT username, action, table_name, field, new_value FROM audit_log {sql} "
                            "ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture
def real_db(cli, tmp_path):
    """A database made the ordinary way (not a demo) whose first account is an administrator."""
    path = tmp_path / "REAL.db"
    assert cli("init", db=path).returncode == 0
    made = cli("user", "add", "quantri", "--role", "admin", "--password-stdin", db=path, input=PW + "\n")
    assert made.returncode == 0, made.stderr
    return path


def test_changing_data_without_an_account_is_refused_and_writes_nothing(cli, real_db):
    before = _audit(real_db)
    message = _error(cli("user", "add", "evil", "--role", "admin", "--password-stdin", db=real_db, input=PW + "\n"))
    assert "--user" in message and "PAR_DESKTOP_PASSWORD" in message
    # the environment variable alone (no password) is not enough either, and stdin is no terminal to ask on
    message = _error(cli("user", "add", "evil", "--role", "admin", db=real_db, env={"PAR_DESKTOP_USER": "quantri"}))
    assert "PAR_DESKTOP_PASSWORD" in message
    assert _audit(real_db) == before
    conn = sqlite3.connect(real_db)
    assert [r[0] for r in conn.execute("SELECT username FROM user")] == ["quantri"]
    conn.close()


def test_a_wrong_password_is_refused_and_counted(cli, real_db):
    message = _error(cli("user", "add", "evil", "--role", "admin", "--password-stdin", db=real_db,
                         input=PW + "\n", user="quantri", password="doan-mo-mat-khau"))
    assert "Sai tên đăng nhập hoặc mật khẩu" in message
    assert _audit(real_db, "WHERE action = 'login_failed'") == [("quantri", "login_failed", "user", "failed_attempts",
                                                                  "1")]
    unknown = _error(cli("user", "add", "evil", "--role", "admin", "--password-stdin", db=real_db,
                         input=PW + "\n", user="khongco", password="doan-mo-mat-khau"))
    assert "Sai tên đăng nhập hoặc mật khẩu" in unknown


def test_the_right_password_acts_as_the_account_and_the_audit_names_it(cli, real_db):
    run = cli("user", "add", "lan", "--role", "office", "--password-stdin", db=real_db, input=PW + "\n",
              user="quantri", password=PW)
    assert run.returncode == 0, run.stderr
    rows = _audit(real_db, "WHERE action IN ('login', 'insert') AND id > 1")
    assert [(r[0], r[1]) for r in rows] == [("quantri", "login"), ("quantri", "insert")]
    assert "username=lan" in rows[1][4]


def test_the_role_decides_as_in_the_gui(cli, real_db):
    assert cli("user", "add", "lan", "--role", "leader", "--password-stdin", db=real_db, input=PW + "\n",
               user="quantri", password=PW).returncode == 0
    refused = _error(cli("register", "add", "--type", "KH", "--title", "Thử", db=real_db, user="lan", password=PW))
    assert "không có quyền" in refused


def test_reading_needs_no_account(cli, real_db, tmp_path):
    for args in (["tasks", "--json"], ["dossiers", "--json"], ["user", "list"], ["audit"], ["check"],
                 ["maintenance", "status"], ["register", "list"], ["presence"],
                 ["backup", "--out", str(tmp_path / "b.db")]):
        run = cli(*args, db=real_db)
        assert run.returncode == 0, (args, run.stderr)


def test_a_draft_document_needs_no_account_but_issuing_one_does(cli, demo_db, tmp_path):
    draft = cli("doc", "monthly-report", "--month", "2024-03", "--out", str(tmp_path / "bc.docx"), db=demo_db)
    assert draft.returncode == 0, draft.stderr
    assert "--user" in _error(cli("doc", "monthly-report", "--month", "2024-03", "--out", str(tmp_path / "so.docx"),
                                  "--issue", db=demo_db))
    assert not (tmp_path / "so.docx").exists()
    issued = cli("doc", "monthly-report", "--month", "2024-03", "--out", str(tmp_path / "so.docx"), "--issue",
                 db=demo_db, user="vanphong")
    assert issued.returncode == 0, issued.stderr
    assert ("vanphong", "issue") in {(r[0], r[1]) for r in _audit(demo_db)}


def test_a_fresh_database_runs_as_the_system_account_whatever_the_environment_says(cli, tmp_path):
    db = tmp_path / "new.db"
    assert cli("init", db=db).returncode == 0
    run = cli("user", "add", "hoa", "--role", "admin", "--password-stdin", db=db,
              input=PW + "\n", env={"PAR_DESKTOP_USER": "ai-do", "PAR_DESKTOP_PASSWORD": "x"})
    assert run.returncode == 0, run.stderr
    assert _audit(db)[-1][:2] == ("system", "insert")
    # from the first account on, the system account is gone
    assert "--user" in _error(cli("user", "add", "binh", "--role", "admin", "--password-stdin", db=db,
                                  input=PW + "\n"))


def test_copying_the_database_to_a_server_needs_an_administrator(cli, real_db):
    assert "--user" in _error(cli("migrate-to", "postgresql://x@127.0.0.1:1/par", db=real_db))


def test_init_demo_cannot_add_the_demo_accounts_to_a_database_that_has_accounts(cli, real_db):
    message = _error(cli("init", "--demo", "--dossiers", "0", db=real_db))
    assert "--user" in message
    conn = sqlite3.connect(real_db)
    assert [r[0] for r in conn.execute("SELECT username FROM user")] == ["quantri"]
    conn.close()


@pytest.mark.gui
def test_demo_gui_on_a_real_database_asks_for_the_password(cli, real_db, tmp_path):
    shot = tmp_path / "x.png"
    refused = _error(cli("demo-gui", "--screenshot", str(shot), db=real_db,
                         env={"PAR_DESKTOP_USER": "quantri"}))
    assert "PAR_DESKTOP_PASSWORD" in refused and not shot.exists()
    refused = _error(cli("gui", "--screenshot", str(shot), db=real_db, env={"PAR_DESKTOP_USER": "quantri"}))
    assert "PAR_DESKTOP_PASSWORD" in refused and not shot.exists()
    assert "--user" in _error(cli("gui", "--screenshot", str(shot), db=real_db))
    assert not [r for r in _audit(real_db) if r[1] == "login"]
    ok = cli("gui", "--screenshot", str(shot), db=real_db, user="quantri", password=PW)
    assert ok.returncode == 0, ok.stderr
    assert shot.stat().st_size > 0
    assert [r[:2] for r in _audit(real_db) if r[1] == "login"] == [("quantri", "login")]


@pytest.mark.gui
def test_a_demo_database_opens_for_a_named_demo_account_and_records_the_sign_in(cli, demo_db, tmp_path):
    shot = tmp_path / "x.png"
    ok = cli("demo-gui", "--screenshot", str(shot), db=demo_db, env={"PAR_DESKTOP_USER": "quantri"})
    assert ok.returncode == 0, ok.stderr
    assert _audit(demo_db, "WHERE action = 'login'")[-1] == ("quantri", "login", "user", "password",
                                                              "không hỏi (dữ liệu mẫu)")
    assert "tài khoản mẫu" in _error(cli("gui", "--screenshot", str(shot), db=demo_db,
                                         env={"PAR_DESKTOP_USER": "khach"}))


def _run_on_a_terminal(args: list[str], typed: str, timeout: float = 60) -> tuple[int, str]:
    """Run the command line with a real pseudo-terminal as its terminal; type ``typed`` at the prompt."""
    env = {k: v for k, v in os.environ.items() if k not in ("PAR_DESKTOP_USER", "PAR_DESKTOP_PASSWORD")}
    pid, fd = pty.fork()
    if pid == 0:   # the child: its stdin/stdout/stderr and controlling terminal are the pty
        os.chdir(REPO)
        os.execve(sys.executable, [sys.executable, "-m", "par_desktop", *args], env)
    output = b""
    typed_yet = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        if not typed_yet and "Mật khẩu của".encode() in output:
            os.write(fd, typed.encode() + b"\n")
            typed_yet = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")


def test_the_password_is_asked_on_the_terminal_without_echo(real_db):
    code, output = _run_on_a_terminal(["--db", str(real_db), "--user", "quantri", "maintenance", "on"], PW)
    assert code == 0, output
    assert "Mật khẩu của quantri:" in output and "maintenance on (quantri)" in output
    assert PW not in output


def test_demo_password_is_the_documented_one(demo_db):
    from par_desktop.services import demo

    assert demo.DEMO_PASSWORD == DEMO_PASSWORD
