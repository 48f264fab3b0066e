"""Break-test (issue 19): many hostile inputs through the real command line, and a tally.

    python bench/break_test.py [--out FILE.json]

Each case runs ``python -m par_desktop`` as a separate process on a fresh copy of a demo database (or a
file made for the case) and is judged:

- clean message: refused with exit 1 (or 2 for usage) and one ``error:`` line, no traceback, no
  "lỗi nội bộ";
- traceback: a Python traceback, "lỗi nội bộ" or a crash (any other exit status);
- silent wrong result: exit 0 where a refusal was expected, or a result that fails its check;
- data lost: fewer dossiers or audit rows than before a case that must not remove any, or ``check``
  failing afterwards;
- hole: a security promise broken (a change without the password, a rewritten trail ``check`` calls
  ok, a restore of another database without the explicit choice, a path stored for an evidence file).

Prints one line per case and the totals; ``--out`` also writes them as JSON. Exit 0 when there is no
traceback, silent wrong result, data loss or hole.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "demo1234"


@dataclass
class Case:
    name: str
    args: list[str]
    expect: str                          # "refuse" or "ok"
    db: Path | None = None
    env: dict = field(default_factory=dict)
    user: str | None = None              # a demo account (its password is set)
    check: object = None                 # fn(result) -> str | None: a hole / wrong-result description
    keeps_data: bool = True              # the case must not remove dossiers or audit rows
    fsize: int | None = None             # RLIMIT_FSIZE for a full disk
    memory: int | None = None            # RLIMIT_AS
    input: str | None = None


def run(case: Case) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PAR_DESKTOP_USER", "PAR_DESKTOP_PASSWORD")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO), **case.env)
    if case.user:
        env.update(PAR_DESKTOP_USER=case.user, PAR_DESKTOP_PASSWORD=DEMO_PASSWORD)

    def limits():
        if case.fsize:
            resource.setrlimit(resource.RLIMIT_FSIZE, (case.fsize, case.fsize))
        if case.memory:
            resource.setrlimit(resource.RLIMIT_AS, (case.memory, case.memory))

    cmd = [sys.executable, "-m", "par_desktop"] + (["--db", str(case.db)] if case.db else []) + case.args
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO, timeout=600,
                          preexec_fn=limits, input=case.input, stdin=None if case.input else subprocess.DEVNULL)


def counts(db: Path) -> tuple[int, int] | None:
    try:
        conn = sqlite3.connect(db)          # read-write: a hot journal left by a failed write is rolled back
        try:
            return (conn.execute("SELECT count(*) FROM dossier").fetchone()[0],
                    conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def check_ok(db: Path) -> bool:
    return run(Case("check", ["check"], "ok", db=db)).stdout.strip() == "ok"


def judge(case: Case) -> tuple[str, str]:
    before = counts(case.db) if case.db and case.db.suffix == ".db" and case.db.exists() else None
    started = time.monotonic()
    result = run(case)
    took = time.monotonic() - started
    out = result.stdout + result.stderr
    if "Traceback" in out or "lỗi nội bộ" in out or "panicked" in out or result.returncode not in (0, 1, 2):
        return "traceback", f"exit {result.returncode}: {out.strip().splitlines()[-1][:160] if out.strip() else ''}"
    problem = case.check(result) if case.check else None
    if problem and problem.startswith("HOLE"):
        return "hole", problem
    if case.expect == "refuse":
        lines = result.stderr.strip().splitlines()
        if result.returncode == 0:
            return ("hole" if case.name.startswith("auth") else "silent wrong result"), "accepted"
        if not lines or not lines[-1].startswith("error:"):
            return "silent wrong result", f"no error line: {result.stderr[:120]!r}"
    elif result.returncode != 0:
        return "silent wrong result", f"refused: {result.stderr.strip()[:160]}"
    if problem:
        return "silent wrong result", problem
    if before is not None and case.keeps_data:
        after = counts(case.db)
        if after is None or after[0] < before[0] or after[1] < before[1] or not check_ok(case.db):
            return "data lost", f"{before} -> {after}"
    detail = (result.stderr.strip().splitlines() or result.stdout.strip().splitlines() or [""])[-1][:150]
    return ("clean message" if case.expect == "refuse" else "correct"), f"{took:.1f}s {detail}"


# ---- the inputs ----------------------------------------------------------------------------------------

def sql(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def xlsx(path: Path, rows: list[list], far_cell: str | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    if far_cell:
        book.active[far_cell] = "x"
    book.save(path)
    return path


def cases(work: Path, template: Path) -> list[Case]:
    n = [0]

    def fresh(name: str = "demo") -> Path:
        n[0] += 1
        path = work / f"{name}-{n[0]}.db"
        shutil.copy(template, path)
        return path

    code = sqlite3.connect(template).execute("SELECT code FROM procedure LIMIT 1").fetchone()[0]
    out: list[Case] = []

    # 1. no way around sign-in
    writes = [["user", "add", "evil", "--role", "admin", "--password-stdin"], ["register", "add", "--type", "KH",
              "--title", "x"], ["unit", "add", "Phòng Ma"], ["maintenance", "on"], ["tasks", "--create-obligations",
              "2024"], ["init", "--demo"], ["progress", "I.3", "--percent", "10"], ["org", "set", "--governing-body",
              "X", "--agency", "Y", "--short", "Z", "--abbr", "W", "--place", "P", "--office-code", "VP"]]
    for args in writes:
        out.append(Case(f"auth: {' '.join(args[:2])} without an account", args, "refuse", db=fresh(), input="x" * 9 + "\n"))
    for user, password in (("quantri", "sai"), ("khongco", DEMO_PASSWORD), ("quantri", ""), ("quantri\u200b", DEMO_PASSWORD),
                           ("QUANTRI ", "sai-mat-khau")):
        out.append(Case(f"auth: {user!r} / {password!r}", ["user", "add", "evil", "--role", "admin", "--password-stdin"],
                        "refuse", db=fresh(), env={"PAR_DESKTOP_USER": user, "PAR_DESKTOP_PASSWORD": password},
                        input="mat-khau-dai-1\n"))
    out.append(Case("auth: leader cannot number a document", ["register", "add", "--type", "KH", "--title", "x"],
                    "refuse", db=fresh(), user="lanhdao"))
    out.append(Case("auth: unit cannot add an account", ["user", "add", "x1", "--role", "admin", "--password-stdin"],
                    "refuse", db=fresh(), user="ncc", input="mat-khau-dai-1\n"))
    real = work / "real.db"
    run(Case("", ["init"], "ok", db=real))
    run(Case("", ["user", "add", "quantri", "--role", "admin", "--password-stdin"], "ok", db=real,
             input="mat-khau-that-1\n"))
    out.append(Case("auth: demo-gui on a real database without a password", ["demo-gui", "--screenshot",
                    str(work / "x.png")], "refuse", db=real, env={"PAR_DESKTOP_USER": "quantri"}))
    out.append(Case("auth: gui screenshot on a real database without a password", ["gui", "--screenshot",
                    str(work / "y.png")], "refuse", db=real, env={"PAR_DESKTOP_USER": "quantri"}))
    for args in (["tasks", "--json"], ["dossiers", "--json"], ["audit", "--limit", "3"], ["user", "list"]):
        out.append(Case(f"read without an account: {args[0]}", args, "ok", db=fresh()))

    # 2. the audit trail
    def tampered(statements: list[str], name: str) -> Case:
        db = fresh()
        try:
            sql(db, *statements)
            refused_by_db = False
        except sqlite3.DatabaseError:
            refused_by_db = True   # the database refused the tampering itself: check must still say ok

        def verdict(result, refused_by_db=refused_by_db):
            if result.returncode == 0 and not refused_by_db:
                return "HOLE: check says ok after the trail was rewritten"
            return None
        return Case(f"audit: {name}", ["check"], "refuse" if not refused_by_db else "ok", db=db, check=verdict,
                    keeps_data=False)
    upd = "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'x'); END"
    out.append(tampered(["DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET username='x' WHERE id=5", upd],
                        "edit a row with the triggers dropped and re-made"))
    out.append(tampered(["DROP TRIGGER audit_log_no_delete", "DELETE FROM audit_log WHERE id=7"], "delete a row"))
    out.append(tampered(["DROP TRIGGER audit_log_no_replace"], "drop the REPLACE trigger"))
    out.append(tampered(["DROP TRIGGER audit_log_no_delete", "DROP TRIGGER audit_log_no_update",
                         "DROP TRIGGER audit_log_no_replace"], "drop every trigger"))
    db = fresh()
    try:
        sql(db, "INSERT OR REPLACE INTO audit_log (id, at, username, action, table_name, record_id, field, "
                "session_id, row_hash) VALUES (3, '2024-01-01', 'x', 'y', 'z', '', '', '', '')")
        replaced = True
    except sqlite3.DatabaseError:
        replaced = False
    out.append(Case("audit: INSERT OR REPLACE is refused by the database", ["check"], "ok", db=db,
                    check=lambda r, replaced=replaced: "HOLE: REPLACE accepted" if replaced else None))

    # 3. restore and check on bad files
    zero = work / "zero.db"
    zero.write_bytes(b"")
    text = work / "text.db"
    text.write_text("không phải cơ sở dữ liệu\n" * 50)
    rnd = work / "random.db"
    rnd.write_bytes(os.urandom(8192))
    for bad in (zero, text, rnd):
        before = bad.read_bytes()
        out.append(Case(f"check: {bad.name}", ["check"], "refuse", db=bad,
                        check=lambda r, bad=bad, before=before: None if bad.read_bytes() == before
                        else "HOLE: check changed the file"))
    other = work / "other.db"
    run(Case("", ["init", "--demo", "--dossiers", "5"], "ok", db=other))
    no_table = fresh("no-dossier")
    sql(no_table, "PRAGMA foreign_keys=OFF", "DROP TABLE dossier")
    no_trigger = fresh("no-trigger")
    sql(no_trigger, "DROP TRIGGER audit_log_no_update")
    version_only = work / "version-only.db"
    sql(version_only, "CREATE TABLE app_meta (key TEXT PRIMARY KEY, value TEXT)",
        "INSERT INTO app_meta VALUES ('schema_version', '3')")
    garbage_version = fresh("garbage-version")
    sql(garbage_version, "UPDATE app_meta SET value='ba' WHERE key='schema_version'")
    newer = fresh("newer")
    sql(newer, "UPDATE app_meta SET value='99' WHERE key='schema_version'")
    for source in (zero, text, rnd, other, no_table, no_trigger, version_only, garbage_version, newer):
        out.append(Case(f"restore: {source.name}", ["restore", str(source)], "refuse", db=fresh(), user="quantri"))
    live = fresh()
    out.append(Case("restore: the live file onto itself", ["restore", str(live)], "refuse", db=live, user="quantri"))
    for target in (garbage_version, newer):
        out.append(Case(f"read: {target.name}", ["tasks", "--json"], "refuse", db=target, keeps_data=False))

    # 4. hostile workbooks and rows
    def import_case(name: str, path: Path, expect: str = "refuse", **kw) -> Case:
        return Case(f"import: {name}", ["import", "dossiers", str(path)], expect, db=fresh(), user="vanphong", **kw)
    header = ["Mã hồ sơ", "Mã thủ tục", "Ngày tiếp nhận", "Người nộp"]
    out.append(import_case("one far cell (140 million cells)",
                           xlsx(work / "far.xlsx", [header, ["XA-1", code, "01/03/2024 08:00", "A"]], "ZZ200000"),
                           "ok", memory=1500 * 1024 * 1024))
    bomb = work / "bomb.xlsx"
    xlsx(work / "small.xlsx", [header])
    with zipfile.ZipFile(work / "small.xlsx") as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", b" " * (80 * 1024 * 1024) + b"</worksheet>")
            dst.writestr(item, data)
    out.append(import_case("zip bomb", bomb))
    try:
        from msoffcrypto.format.ooxml import OOXMLFile

        locked = work / "khoa.xlsx"
        with (work / "small.xlsx").open("rb") as src, locked.open("wb") as dst:
            OOXMLFile(src).encrypt("mk", dst)
        out.append(import_case("password-protected workbook", locked,
                               check=lambda r: None if "mật khẩu" in r.stderr else "not said to be protected"))
    except ImportError:
        pass
    garbage = work / "rac.xlsx"
    garbage.write_bytes(os.urandom(5000))
    out.append(import_case("random bytes named .xlsx", garbage))
    empty = work / "trong.csv"
    empty.write_text("")
    out.append(import_case("empty csv", empty))
    for label, cell in (("year 9999", "01/03/9999 08:00"), ("year 0024", "01/03/0024 08:00"),
                        ("year 2204", "01/03/2204 08:00"), ("31/02", "31/02/2024 08:00"), ("25:99", "01/03/2024 25:99"),
                        ("text", "hôm qua")):
        path = work / f"date-{label.replace('/', '-').replace(':', '-')}.csv"
        path.write_text(",".join(header) + f"\nD-1,{code},{cell},Trần Văn A\n", encoding="utf-8")
        out.append(import_case(f"received {label}", path))
    for label, value in (("NUL in a code", "HS\x00001"), ("ESC in a code", "HS\x1b002"), ("BEL", "HS\x07003")):
        path = work / f"ctrl-{label[:3]}.csv"
        path.write_text(",".join(header) + f"\n{value},{code},01/03/2024 08:00,A\n", encoding="utf-8")
        out.append(import_case(label, path))
    conflict_db = fresh("conflict")
    closed = sqlite3.connect(conflict_db).execute(
        "SELECT d.code, p.code, d.closed_at FROM dossier d JOIN procedure p ON p.id = d.procedure_id "
        "WHERE d.closed_at IS NOT NULL LIMIT 1").fetchone()
    path = work / "conflict.csv"
    year = int(closed[2][:4]) + 1
    path.write_text(",".join(header) + f"\n{closed[0]},{closed[1]},01/03/{year} 08:00,A\n", encoding="utf-8")
    out.append(Case("import: re-import after the stored closing", ["import", "dossiers", str(path)], "refuse",
                    db=conflict_db, user="vanphong"))
    formula = work / "formula.csv"
    formula.write_text(",".join(header) + f'\n"=HYPERLINK(""http://x"")",{code},01/03/2024 08:00,"=1+1"\n',
                       encoding="utf-8")
    out.append(import_case("formula text in cells (kept as text)", formula, "ok"))
    big = work / "big-cell.csv"
    big.write_text(",".join(header) + f"\nBIG-1,{code},01/03/2024 08:00,{'x' * 1_000_000}\n", encoding="utf-8")
    out.append(import_case("a 1 MB cell", big))
    cp = work / "cp1258.csv"
    cp.write_bytes((",".join(header) + f"\nCP-1,{code},01/03/2024 08:00,Tr\xe2n\n").encode("cp1258", "replace"))
    out.append(import_case("a file in cp1258 (asked to save as UTF-8)", cp))

    # 5. faults
    sheet = work / "many.csv"
    with sheet.open("w", encoding="utf-8") as fh:
        fh.write(",".join(header) + "\n")
        for i in range(20_000):
            fh.write(f"Z{i:06d},{code},{1 + i % 28:02d}/03/2024 08:30,Nguyễn Văn {i}\n")
    disk = fresh("disk")
    out.append(Case("fault: disk full during an import", ["import", "dossiers", str(sheet)], "refuse", db=disk,
                    user="vanphong", fsize=disk.stat().st_size + 300_000))
    partial = work / "sao-luu-do.db"
    out.append(Case("fault: disk full during a backup", ["backup", "--out", str(partial)], "refuse", db=fresh(),
                    fsize=100_000, check=lambda r: "HOLE: partial backup left" if partial.exists() else None))

    # 6. dates and text on the command line
    out.append(Case("date: calendar workdays TO before FROM is 0 (documented)", ["calendar", "workdays",
                    "2024-03-01", "2023-03-01"], "ok", check=lambda r: None if r.stdout.strip() == "0" else r.stdout))
    for args in (["calendar", "due", "9999-12-31 08:00", "5"], ["calendar", "due", "2024-02-30 08:00", "5"],
                 ["calendar", "workdays", "0024-03-01", "2024-03-01"], ["deadline", "Quý V/2024"],
                 ["stats", "dossiers", "--from", "2024-02-30", "--to", "2024-03-01"],
                 ["dossiers", "--json", "--at", "0024-01-01 08:00"], ["dossiers", "--json", "--at", "hôm qua"]):
        out.append(Case(f"date: {' '.join(args)}", args, "refuse", db=fresh()))
    for title in ("x" * 20_000, "tiêu đề\x07ẩn", "\u202eexe.pdf"):
        out.append(Case(f"register: title {title[:12]!r}…", ["register", "add", "--type", "CV", "--title", title],
                        "ok", db=fresh(), user="vanphong"))
    out.append(Case("user add 'ADMIN' (names are lower-cased: admin)", ["user", "add", "ADMIN", "--role", "office",
                    "--password-stdin"], "ok", db=fresh(), user="quantri", input="mat-khau-dai-1\n"))
    for name in ("../x", "a b", "quản-trị", "x" * 80, ""):
        out.append(Case(f"user add {name[:12]!r}", ["user", "add", name, "--role", "office", "--password-stdin"],
                        "refuse", db=fresh(), user="quantri", input="mat-khau-dai-1\n"))

    # 7. the PAR INDEX: criteria sheets, scores and evidence (issue 13)
    head = ["STT", "Lĩnh vực, tiêu chí", "Điểm tối đa", "Hướng dẫn chấm điểm"]
    sheets = {
        "no code column": [["Nội dung", "Điểm tối đa"], ["Tiêu chí 1", 1]],
        "no maximum column": [["STT", "Nội dung"], ["I", "Lĩnh vực"], ["1", "Tiêu chí"]],
        "the same code twice": [head, ["I", "Lĩnh vực", 2], ["1", "Tiêu chí", 1], ["1", "Tiêu chí lặp", 1]],
        "a penalty written positive": [head, ["I", "Lĩnh vực", 1], ["1", "Tiêu chí", 1], ["II", "ĐIỂM TRỪ", ""],
                                       ["1", "Chậm báo cáo", "1"]],
        "a maximum that is not a number": [head, ["I", "Lĩnh vực", 1], ["1", "Tiêu chí", "một điểm"]],
        "a formula never computed": [head, ["I", "Lĩnh vực", "=SUM(C3:C4)"], ["1", "Tiêu chí", 1]],
    }
    for name, rows in sheets.items():
        path = xlsx(work / f"bo-chi-so-{len(out)}.xlsx", rows)
        out.append(Case(f"index import: {name}", ["index", "import", str(path), "--year", "2025"], "refuse",
                        db=fresh(), user="vanphong"))
    out.append(Case("index import: zip bomb", ["index", "import", str(bomb), "--year", "2025"], "refuse", db=fresh(),
                    user="vanphong"))
    valid = xlsx(work / "bo-chi-so-hop-le.xlsx", [head, ["I", "Lĩnh vực", 1], ["1", "Tiêu chí", 1]])
    out.append(Case("auth: index import without an account", ["index", "import", str(valid), "--year", "2025"],
                    "refuse", db=fresh(),
                    check=lambda r: None if "--user" in r.stderr else "refused, but not for want of an account"))
    for score in ("5", "0,3", "-1", "nhiều"):
        out.append(Case(f"index set-score I.1.1 {score}", ["index", "set-score", "I.1.1", "--year", "2024", "--score",
                        score], "refuse", db=fresh(), user="vanphong"))
    out.append(Case("index set-score: a unit on another unit's row", ["index", "set-score", "I.1.1", "--year", "2024",
                    "--score", "0,5"], "refuse", db=fresh(), user="ncc"))
    program = work / "bao-cao.pdf"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 4000)
    script = work / "ke-hoach.docx.bat"
    script.write_text("@echo off\r\ndel /q *\r\n", encoding="ascii")
    for path in (program, script, work / "khong-co.pdf"):
        out.append(Case(f"index evidence add: {path.name}", ["index", "evidence", "add", "I.4.1", "--year", "2024",
                        "--file", str(path)], "refuse", db=fresh(), user="vanphong"))
    traversal = work / "..\\..\\Windows\\win.ini.pdf"
    traversal.write_bytes(b"%PDF-1.4\n" + b"x" * 100)
    stored = fresh()

    def no_path(result, db=stored):
        names = [r[0] for r in sqlite3.connect(db).execute("SELECT filename FROM index_evidence WHERE kind = 'file'")]
        bad = [n for n in names if "/" in n or "\\" in n or n.startswith(".")]
        return f"HOLE: evidence stored with a path {bad}" if bad else None
    out.append(Case("index evidence add: a file name with a path in it", ["index", "evidence", "add", "I.4.1", "--year",
                    "2024", "--file", str(traversal)], "ok", db=stored, user="vanphong", check=no_path))
    out.append(Case("index evidence-pack: disk full", ["index", "evidence-pack", "--year", "2024", "--out",
                    str(work / "tlkc.zip")], "refuse", db=fresh(), fsize=3_000,
                    check=lambda r: "HOLE: partial pack left" if (work / "tlkc.zip").exists() else None))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the results as JSON")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="par-break-"))
    os.environ["XDG_DATA_HOME"] = str(work / "data")        # keep backups of the run out of the user's folders
    os.environ["XDG_STATE_HOME"] = str(work / "state")
    template = work / "template.db"
    made = run(Case("", ["init", "--demo", "--dossiers", "300"], "ok", db=template))
    if made.returncode:
        print(made.stderr)
        return 1
    results = []
    for case in cases(work, template):
        verdict, detail = judge(case)
        results.append({"case": case.name, "verdict": verdict, "detail": detail})
        print(f"{verdict:20} {case.name}: {detail}", flush=True)
    totals = {"inputs tried": len(results)}
    for verdict in ("clean message", "correct", "traceback", "silent wrong result", "data lost", "hole"):
        totals[verdict] = sum(1 for r in results if r["verdict"] == verdict)
    print("\n" + ", ".join(f"{k}: {v}" for k, v in totals.items()))
    if args.out:
        Path(args.out).write_text(json.dumps({"totals": totals, "results": results}, ensure_ascii=False, indent=2),
                                  encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    bad = totals["traceback"] + totals["silent wrong result"] + totals["data lost"] + totals["hole"]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
