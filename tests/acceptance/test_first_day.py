"""Issue 12, "Done when": a real office's first day, from ``init`` (no demo), through real processes on
files built the way the national TTHC database and the one-stop software write them:
org set → signer add → import catalog → import plan (two plans of 2024) → import dossiers (an export
naming procedures and units the database has never seen, as .xlsx and as .csv) → dossiers --json →
stats dossiers → every doc of CLI.md, the control slip of an imported dossier included → migrate-to an
empty PostgreSQL database."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest
from docx import Document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
import catalog_files
import onestop_files
from plan_files import reference_parts, write_plan_docx

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ORG = ["org", "set", "--governing-body", "UBND TỈNH BẮC GIANG", "--agency", "Sở Lao động - Thương binh và Xã hội",
       "--short", "Sở LĐ-TB&XH", "--abbr", "SLĐTBXH", "--place", "Bắc Giang", "--office-code", "VP",
       "--from", "2020-01-01"]
SIGNER = ["signer", "add", "--name", "Nguyễn Văn Hùng", "--title", "PHÓ GIÁM ĐỐC", "--authority", "KT. GIÁM ĐỐC",
          "--default"]


def _pdf_text(path: Path) -> str:
    import subprocess

    return " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def test_first_day_from_init_to_postgresql(cli, tmp_path, pg_url):
    db = tmp_path / "so-ldtbxh.db"

    def ok(*args: str) -> str:
        out = cli(*args, db=db)
        assert out.returncode == 0, (args, out.stderr)
        assert "Traceback" not in out.stderr
        return out.stdout

    ok("init")
    assert json.loads(ok("plans", "--json")) == []
    assert ok(*ORG) == "ok\n" and ok(*SIGNER) == "ok\n"
    assert ok("unit", "add", "Văn phòng Sở", "--code", "VP", "--kind", "office") == "VP\n"

    # The catalogue from the national database's export (title rows, merged "Lĩnh vực" cells, Excel dates).
    assert ok("import", "catalog", str(catalog_files.national_xlsx(tmp_path / "csdl-tthc.xlsx"))).startswith(
        "imported 5 procedures")

    # Two plans of 2024 side by side: the reference plan 38 (its misprinted number corrected) and plan 45.
    body, titles, rows = reference_parts()
    plan38 = write_plan_docx(tmp_path / "ke-hoach-38.docx", body, titles, rows)
    assert ok("import", "plan", str(plan38), "--number", "38/KH-SLĐTBXH", "--obligations").startswith(
        "imported 10 tasks")
    rows45 = [list(r) for r in rows]
    for r in rows45[1:]:
        if r[0].strip().isdigit() and r[4]:
            r[4] = "Quý IV/2024"
    plan45 = write_plan_docx(tmp_path / "ke-hoach-45.docx", body, titles, rows45)
    assert ok("import", "plan", str(plan45), "--number", "45/KH-SLĐTBXH").startswith("imported 10 tasks")
    plans = json.loads(ok("plans", "--json"))
    assert sorted((p["number"], p["year"], p["tasks"]) for p in plans) == [
        ("38/KH-SLĐTBXH", 2024, 10), ("45/KH-SLĐTBXH", 2024, 10)]
    tasks = json.loads(ok("tasks", "--json", "--at", "2024-03-20"))
    by_plan = {(t["plan"], t["ref"]): t for t in tasks}
    assert by_plan["38/KH-SLĐTBXH", "I.2"]["due_date"] == "2024-07-31"      # plan 45 did not rewrite it
    assert by_plan["45/KH-SLĐTBXH", "I.2"]["due_date"] == "2024-12-31"
    assert ok("import", "plan", str(plan45), "--number", "45/KH-SLĐTBXH") == "imported 10 tasks\n"  # no change

    # One-stop exports as they come: an unknown procedure and an unknown unit are added, with warnings.
    out = cli("import", "dossiers", str(onestop_files.export_xlsx(tmp_path / "mot-cua.xlsx")), db=db)
    assert out.returncode == 0 and out.stdout == "imported 6 dossiers\n", out.stderr
    warnings = out.stderr.splitlines()
    assert all(w.startswith("warning: ") for w in warnings)
    assert any("2.001157" in w and "cần bổ sung" in w for w in warnings)
    assert any("Trung tâm Bảo trợ xã hội tỉnh" in w for w in warnings)
    csv_rows = [(code.replace("H06", "H07"), *rest) for code, *rest in onestop_files.ROWS]
    out = cli("import", "dossiers", str(onestop_files.export_csv(tmp_path / "mot-cua.csv", csv_rows)), db=db)
    assert out.returncode == 0 and out.stdout == "imported 6 dossiers\n", out.stderr

    dossiers = json.loads(ok("dossiers", "--json", "--at", "2024-03-20 10:00"))
    assert len(dossiers) == 12
    by_code = {d["code"]: d for d in dossiers}
    new_procedure = by_code["000.00.19.H06-240226-0005"]
    assert new_procedure["due_at"] == "2024-03-11T17:00" and new_procedure["state"] == "late"
    assert by_code["000.00.19.H06-240227-0006"]["unit"] == "Trung tâm Bảo trợ xã hội tỉnh"
    stats = json.loads(ok("stats", "dossiers", "--from", "2024-02-15", "--to", "2024-03-14", "--json"))
    assert stats["total"]["received_total"] == 12

    # Every document of CLI.md, in Word and PDF.
    late_open = "000.00.19.H06-240221-0003"          # still open, past its 15-day limit by now
    docs = {
        "plan-38": ["doc", "plan", "--plan", "38/KH-SLĐTBXH"],
        "plan-45": ["doc", "plan", "--plan", "45/KH-SLĐTBXH"],
        "monthly-report": ["doc", "monthly-report", "--month", "2024-03"],
        "explanation-request": ["doc", "explanation-request", "--unit", "Phòng Giáo dục nghề nghiệp", "--month",
                                "2024-03"],
        "apology": ["doc", "apology", "--dossier", late_open, "--new-date", "2024-03-29", "--reason",
                    "Hồ sơ phải xác minh tại địa phương."],
        "reminder": ["doc", "reminder", "--unit", "Phòng Người có công"],
        "control-slip": ["doc", "control-slip", "--dossier", late_open],
    }
    for name, args in docs.items():
        for suffix in (".pdf", ".docx"):
            target = tmp_path / f"{name}{suffix}"
            assert ok(*args, "--out", str(target)).strip() == str(target)
            assert target.stat().st_size > 2000
    assert "45/KH-SLĐTBXH" not in _pdf_text(tmp_path / "plan-38.pdf")
    assert "Quý IV/2024" in _pdf_text(tmp_path / "plan-45.pdf")
    slip = _pdf_text(tmp_path / "control-slip.pdf")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in slip and late_open in slip
    assert "Cơ quan (bộ phận) giải quyết hồ sơ: Phòng Người có công" in slip
    table = Document(str(tmp_path / "control-slip.docx")).tables[-1]
    names = [row.cells[0].text for row in table.rows[2:]]
    assert names == ["1. Giao: Bộ phận Tiếp nhận và Trả kết quả\n2. Nhận: Phòng Người có công",
                     "1. Giao: Phòng Người có công\n2. Nhận: Bộ phận Tiếp nhận và Trả kết quả",
                     "1. Giao: Bộ phận Tiếp nhận và Trả kết quả\n2. Nhận: Ông Lê Văn Cường"]
    assert table.rows[-1].cells[4].text.startswith("Quá hạn ")     # how late it is now

    # The whole database moves to an empty PostgreSQL database, verified table by table.
    out = cli("migrate-to", pg_url, "--json", db=db)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    conn = sqlite3.connect(db)
    counts = {t["table"]: t["rows"] for t in report["tables"]}
    assert counts["dossier"] == 12 and counts["procedure"] == 6 and counts["plan"] == 2
    assert counts["task"] == conn.execute("SELECT count(*) FROM task").fetchone()[0]
    conn.close()
    assert json.loads(cli("plans", "--json", db=pg_url).stdout) == plans
