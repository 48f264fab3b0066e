"""``org set``, ``signer add``, ``unit add`` and ``import catalog`` as a script runs them: separate
processes on a fresh ``init`` database, through the same audited services as Cài đặt and Danh mục."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
import catalog_files

ORG = ["org", "set", "--governing-body", "UBND TỈNH BẮC GIANG", "--agency", "Sở Lao động - Thương binh và Xã hội",
       "--short", "Sở LĐ-TB&XH", "--abbr", "SLĐTBXH", "--place", "Bắc Giang", "--office-code", "VP",
       "--from", "2020-01-01"]
SIGNER = ["signer", "add", "--name", "Nguyễn Văn Hùng", "--title", "PHÓ GIÁM ĐỐC", "--authority", "KT. GIÁM ĐỐC",
          "--default"]


@pytest.mark.slow
def test_a_fresh_database_is_prepared_from_the_command_line(cli, tmp_path):
    db = tmp_path / "new.db"
    assert cli("init", db=db).returncode == 0
    for args in (ORG, SIGNER):
        out = cli(*args, db=db)
        assert (out.returncode, out.stdout, out.stderr) == (0, "ok\n", "")
    out = cli("unit", "add", "Phòng Người có công", "--code", "NCC", db=db)
    assert (out.returncode, out.stdout) == (0, "NCC\n")
    out = cli("unit", "add", "Phòng Lao động – Việc làm", db=db)
    assert out.returncode == 0 and out.stdout.strip()
    # A name that differs only in dashes and case is refused, naming the unit it clashes with.
    out = cli("unit", "add", "phòng lao động - việc làm", db=db)
    assert out.returncode == 1 and out.stderr.startswith("error: ") and "Phòng Lao động – Việc làm" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1

    conn = sqlite3.connect(db)
    profile = conn.execute("SELECT governing_body, agency_name, agency_short, short_name, agency_abbr, valid_from, "
                           "valid_to FROM org_profile").fetchall()
    assert profile == [("UBND TỈNH BẮC GIANG", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
                        "Sở Lao động - Thương binh và Xã hội", "Sở LĐ-TB&XH", "SLĐTBXH", "2020-01-01", None)]
    assert conn.execute("SELECT name, title, authority, is_default FROM signer").fetchall() == [
        ("Nguyễn Văn Hùng", "PHÓ GIÁM ĐỐC", "KT. GIÁM ĐỐC", 1)]
    audited = {r[0] for r in conn.execute("SELECT DISTINCT table_name FROM audit_log WHERE action = 'insert'")}
    assert {"org_profile", "signer", "unit"} <= audited
    conn.close()

    out = cli("import", "catalog", str(catalog_files.national_xlsx(tmp_path / "csdl.xlsx")), db=db)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "imported 5 procedures"
    out = cli("import", "catalog", str(catalog_files.decision_annex_xlsx(tmp_path / "pl.xlsx")), db=db)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "imported 4 procedures"
    assert any(line.startswith("warning: ") and "--abolish-missing" in line for line in lines)
    out = cli("import", "catalog", str(tmp_path / "pl.xlsx"), "--abolish-missing", db=db)
    assert out.returncode == 0 and "đã đánh dấu hết hiệu lực" in out.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*), sum(in_force) FROM procedure").fetchone() == (8, 4)
    conn.close()


@pytest.mark.slow
def test_bad_input_is_one_error_line(cli, tmp_path):
    db = tmp_path / "new.db"
    cli("init", db=db)
    bad = tmp_path / "bad.csv"
    bad.write_text("Mã TTHC;Tên TTHC;Thời hạn giải quyết\n1.000001;A;Theo quy định\n", encoding="utf-8")
    for args in (["import", "catalog", str(bad)], [*ORG[:-2], "--from", "31/02/2024"],
                 ["signer", "add", "--name", "", "--title", "PHÓ GIÁM ĐỐC"]):
        out = cli(*args, db=db)
        assert out.returncode == 1, args
        assert out.stderr.startswith("error: ") and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "Dòng 2" in cli("import", "catalog", str(bad), db=db).stderr
