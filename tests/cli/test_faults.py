"""Faults reported as faults (issue 19, item 6) and hostile workbooks (item 5), through real processes.

A full disk is reproduced with the process's file-size limit (RLIMIT_FSIZE: writes past it fail as on
a full disk; Python ignores SIGXFSZ), a garbage schema version and a password-protected workbook with
real files.
"""

from __future__ import annotations

import io
import os
import re
import resource
import sqlite3
import subprocess
import sys
import zipfile

import pytest
from openpyxl import Workbook

from conftest import REPO, account_env

pytestmark = pytest.mark.slow


def _run_limited(db, *args, limit: int, user: str | None = "vanphong") -> subprocess.CompletedProcess:
    def cap():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {k: v for k, v in os.environ.items() if k not in ("PAR_DESKTOP_USER", "PAR_DESKTOP_PASSWORD")}
    env.update(QT_QPA_PLATFORM="offscreen", **account_env(user))
    return subprocess.run([sys.executable, "-m", "par_desktop", "--db", str(db), *args], capture_output=True,
                          text=True, cwd=REPO, env=env, preexec_fn=cap, timeout=300)


def _one_error(run) -> str:
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert run.stderr.startswith("error:") and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "lỗi nội bộ" not in run.stderr, run.stderr
    return run.stderr


def _count(db, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def demo(cli, tmp_path):
    db = tmp_path / "demo.db"
    assert cli("init", "--demo", "--dossiers", "200", db=db).returncode == 0
    return db


def test_a_full_disk_during_an_import_is_said_and_loses_nothing(demo, tmp_path, cli):
    code = sqlite3.connect(demo).execute("SELECT code FROM procedure LIMIT 1").fetchone()[0]
    sheet = tmp_path / "mot-cua.csv"
    with sheet.open("w", encoding="utf-8") as fh:
        fh.write("Mã hồ sơ,Mã thủ tục,Ngày tiếp nhận,Người nộp\n")
        for n in range(20_000):
            fh.write(f"Z{n:06d},{code},{1 + n % 28:02d}/03/2024 08:30,Nguyễn Văn {n}\n")
    before = _count(demo, "SELECT count(*) FROM dossier")
    message = _one_error(_run_limited(demo, "import", "dossiers", str(sheet), limit=demo.stat().st_size + 300_000))
    assert "đĩa" in message
    assert _count(demo, "SELECT count(*) FROM dossier") == before
    assert cli("check", db=demo).stdout.strip() == "ok"


def test_a_failed_backup_leaves_no_partial_file(demo, tmp_path):
    out = tmp_path / "sao-luu" / "ban-sao.db"
    out.parent.mkdir()
    message = _one_error(_run_limited(demo, "backup", "--out", str(out), limit=100_000, user=None))
    assert "Không có tệp dở dang" in message
    assert list(out.parent.iterdir()) == []


def test_a_garbage_schema_version_is_a_clear_error(demo, cli):
    conn = sqlite3.connect(demo)
    conn.execute("UPDATE app_meta SET value = 'ba' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    before = demo.read_bytes()
    for args in (["tasks", "--json"], ["check"]):
        assert "phiên bản lược đồ không hợp lệ" in _one_error(cli(*args, db=demo))
    assert demo.read_bytes() == before


def test_a_password_protected_workbook_is_said_to_be_protected(demo, tmp_path, cli):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = tmp_path / "mo.xlsx"
    book = Workbook()
    book.active.append(["Mã hồ sơ", "Mã thủ tục", "Ngày tiếp nhận"])
    book.save(plain)
    locked = tmp_path / "khoa.xlsx"
    with plain.open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("mat-khau", target)
    assert msoffcrypto.olefile.isOleFile(str(locked))
    message = _one_error(cli("import", "dossiers", str(locked), db=demo, user="vanphong"))
    assert "bảo vệ bằng mật khẩu" in message and "hỏng" not in message
    message = _one_error(cli("import", "plan", str(locked), db=demo, user="vanphong"))
    assert "bảo vệ bằng mật khẩu" in message


def test_a_tiny_workbook_declaring_a_huge_grid_does_not_kill_the_process(demo, tmp_path, cli):
    """5 KB, one header and one cell at ZZ200000: python-calamine would build 140 million cells and abort
    (exit 134, a native backtrace); the import must read it another way, under a 1.5 GB memory cap."""
    path = tmp_path / "xa.xlsx"
    code = sqlite3.connect(demo).execute("SELECT code FROM procedure LIMIT 1").fetchone()[0]
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã hồ sơ", "Mã thủ tục", "Ngày tiếp nhận"])
    sheet.append(["XA-1", code, "01/03/2024 08:00"])
    sheet["ZZ200000"] = "rác"
    book.save(path)
    assert path.stat().st_size < 10_000

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (1500 * 1024 * 1024, 1500 * 1024 * 1024))

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **account_env("vanphong"))
    run = subprocess.run([sys.executable, "-m", "par_desktop", "--db", str(demo), "import", "dossiers", str(path),
                          "--skip-invalid"], capture_output=True, text=True, cwd=REPO, env=env, preexec_fn=cap,
                         timeout=300)
    assert run.returncode in (0, 1) and "Traceback" not in run.stderr and "panicked" not in run.stderr, run.stderr
    assert run.returncode == 0, run.stderr
    assert "imported 1 dossiers" in run.stdout


def test_a_zip_bomb_is_refused_before_reading(demo, tmp_path, cli):
    path = tmp_path / "bom.xlsx"
    book = Workbook()
    book.active.append(["Mã hồ sơ", "Mã thủ tục", "Ngày tiếp nhận"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"</worksheet>$", b"", data) + b" " * (60 * 1024 * 1024) + b"</worksheet>"
            target.writestr(item, data)
    assert path.stat().st_size < 1_000_000
    message = _one_error(cli("import", "dossiers", str(path), db=demo, user="vanphong"))
    assert "nén bất thường" in message
