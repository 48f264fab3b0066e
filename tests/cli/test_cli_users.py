"""``user``, ``audit``, ``presence`` and ``maintenance`` commands, run as real processes."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

PW = "mat-khau-1\n"
ADMIN = {"user": "quantri", "password": PW.strip()}   # the account the fixture creates (tests/conftest.py convention)


@pytest.fixture
def db(cli, tmp_path):
    path = tmp_path / "X.db"
    assert cli("init", db=path).returncode == 0
    made = cli("user", "add", "quantri", "--role", "admin", "--full-name", "Nguyễn Quản Trị", "--password-stdin",
               db=path, input=PW)
    assert (made.returncode, made.stdout.strip()) == (0, "created user quantri (admin)"), made.stderr
    return path


def _ok(run):
    assert run.returncode == 0, run.stderr
    return run.stdout


def _error(run):
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert run.stderr.startswith("error:") and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    return run.stderr


def test_accounts_lifecycle(cli, db):
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO unit (name, short_code, kind, head_name, head_title, active, sort_order, version, "
                 "updated_at) VALUES ('Phòng Người có công', 'NCC', 'division', '', '', 1, 0, 1, '2024-01-01')")
    conn.commit()
    conn.close()
    _ok(cli("user", "add", "ncc", "--role", "unit", "--unit", "người có công",
            "--full-name", "Phạm Văn Bình", "--password-stdin", db=db, input=PW, **ADMIN))
    _ok(cli("user", "add", "lan", "--role", "office", "--password-stdin", db=db, input=PW, **ADMIN))
    listed = json.loads(_ok(cli("user", "list", "--json", db=db)))
    assert [(u["username"], u["role"], u["unit"], u["active"]) for u in listed] == [
        ("lan", "office", None, True), ("ncc", "unit", "Phòng Người có công", True),
        ("quantri", "admin", None, True)]
    assert "Phạm Văn Bình — Phòng Người có công" in _ok(cli("user", "list", db=db))
    _ok(cli("user", "edit", "lan", "--full-name", "Lê Thị Lan", "--role", "leader", db=db, **ADMIN))
    _ok(cli("user", "deactivate", "lan", db=db, **ADMIN))
    _ok(cli("user", "passwd", "ncc", "--password-stdin", db=db, input="mat-khau-moi-2\n", **ADMIN))
    _ok(cli("user", "unlock", "ncc", db=db, **ADMIN))
    listed = {u["username"]: u for u in json.loads(_ok(cli("user", "list", "--json", db=db)))}
    assert (listed["lan"]["full_name"], listed["lan"]["role"], listed["lan"]["active"]) == ("Lê Thị Lan", "leader", False)


def test_user_errors_are_one_line(cli, db):
    assert "gắn với một đơn vị" in _error(cli("user", "add", "xy", "--role", "unit", "--password-stdin", db=db,
                                              input=PW, **ADMIN))
    assert "ít nhất 8" in _error(cli("user", "add", "xy", "--role", "office", "--password-stdin", db=db,
                                     input="ngan\n", **ADMIN))
    assert "--password-stdin" in _error(cli("user", "add", "xy", "--role", "office", db=db, input="", **ADMIN))
    assert "Không tìm thấy đơn vị" in _error(cli("user", "add", "xy", "--role", "unit", "--unit", "Phòng Ma",
                                                 "--password-stdin", db=db, input=PW, **ADMIN))
    assert "quản trị cuối cùng" in _error(cli("user", "deactivate", "quantri", db=db, **ADMIN))
    assert cli("user", "add", "xy", "--role", "boss", db=db).returncode == 2
    _ok(cli("user", "add", "lan", "--role", "office", "--password-stdin", db=db, input=PW, **ADMIN))
    assert "quản lý tài khoản" in _error(cli("user", "add", "y", "--role", "office",
                                             "--password-stdin", db=db, input=PW, user="lan", password=PW.strip()))


def test_audit_filters_and_json(cli, db):
    _ok(cli("user", "add", "lan", "--role", "office", "--password-stdin", db=db, input=PW, **ADMIN))
    _ok(cli("user", "edit", "lan", "--full-name", "Lê Thị Lan", db=db, **ADMIN))
    rows = json.loads(_ok(cli("audit", "--user", "quantri", "--json", db=db)))
    assert [(r["action"], r["table"], r["field"], r["old"], r["new"]) for r in rows] == [
        ("update", "user", "full_name", "", "Lê Thị Lan"), ("login", "user", "", None, None),
        ("insert", "user", "", None, rows[2]["new"]), ("login", "user", "", None, None)]   # newest first
    assert "username=lan" in rows[2]["new"]
    text = _ok(cli("audit", "--table", "user", "--since", date.today().isoformat(), db=db))
    assert "quantri update user#2 full_name: " in text and "-> Lê Thị Lan" in text
    assert "system insert user#1" in text     # the first account, made before there was any
    assert len(text.strip().splitlines()) == 5
    assert _ok(cli("audit", "--until", "01/01/2020", db=db)) == ""
    assert "31/02/2024" in _error(cli("audit", "--since", "31/02/2024", db=db))


def test_maintenance_from_the_command_line(cli, db):
    other_admin = {"user": "hoa", "password": PW.strip()}
    _ok(cli("user", "add", "hoa", "--role", "admin", "--password-stdin", db=db, input=PW, **ADMIN))
    assert _ok(cli("maintenance", "status", db=db)).strip() == "off"
    _ok(cli("maintenance", "on", "--reason", "Khôi phục dữ liệu", db=db, **ADMIN))
    status = json.loads(_ok(cli("maintenance", "status", "--json", db=db)))
    assert (status["active"], status["username"], status["reason"]) == (True, "quantri", "Khôi phục dữ liệu")
    assert "đang bảo trì" in _error(cli("user", "add", "lan", "--role", "office", "--password-stdin", db=db,
                                        input=PW, **other_admin))
    assert "--force" in _error(cli("maintenance", "off", db=db, **other_admin))
    _ok(cli("user", "add", "lan", "--role", "office", "--password-stdin", db=db, input=PW, **ADMIN))
    # a clerk cannot even sign in during maintenance; an administrator may take over with --force
    assert "đang bảo trì" in _error(cli("maintenance", "off", "--force", db=db, user="lan", password=PW.strip()))
    assert _ok(cli("maintenance", "off", db=db, **ADMIN)).strip() == "maintenance off"
    assert _ok(cli("maintenance", "off", db=db, **other_admin)).strip() == "maintenance was not on"
    _ok(cli("user", "add", "binh", "--role", "leader", "--password-stdin", db=db, input=PW, **other_admin))


def test_presence_lists_live_sessions(cli, db):
    assert _ok(cli("presence", db=db)).strip() == "không có ai đang mở cơ sở dữ liệu"
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO presence (session_id, username, machine, pid, since, heartbeat, activity) "
                 "VALUES ('s1', 'lan', 'MAY-02', 77, datetime('now', 'localtime'), datetime('now', 'localtime'), "
                 "'Đang nhập hồ sơ')")
    conn.execute("INSERT INTO presence (session_id, username, machine, pid, since, heartbeat, activity) "
                 "VALUES ('s2', 'binh', 'MAY-03', 78, '2024-01-01 08:00:00', '2024-01-01 08:00:00', '')")
    conn.commit()
    conn.close()
    [row] = json.loads(_ok(cli("presence", "--json", db=db)))
    assert (row["username"], row["machine"], row["activity"]) == ("lan", "MAY-02", "Đang nhập hồ sơ")
