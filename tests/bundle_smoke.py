"""Smoke test of the PyInstaller bundle: ``python tests/bundle_smoke.py dist/par-desktop`` (``make bundle``).

Runs the bundled executable the way a clerk's machine will, in a throw-away home folder, so that a
module, data file or Qt plugin missing from the bundle fails here rather than at the Office:
``--version``, ``--bundle-check`` (imports every module, Qt image plugins, data folders, holiday
names), ``init --demo``, ``check``, the working calendar with its Vietnamese holiday names,
``tasks --json``, ``backup``, an import of an Excel file, documents in Word and PDF, and
``gui --screenshot`` offscreen. Commands that the app does not have yet are reported as skipped.
Exit status 0 when everything passed, 1 with the failing command's output otherwise.
"""

from __future__ import annotations

import ast
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUFFIX = ".exe" if sys.platform == "win32" else ""
# Words in a failing program's output that mean "the bundle lacks something".
BROKEN_BUNDLE = ("ModuleNotFoundError", "ImportError", "FileNotFoundError", "No such file", "Traceback",
                 "Could not find the Qt platform plugin", "lỗi nội bộ")


class SmokeFailure(Exception):
    pass


def source_version() -> str:
    tree = ast.parse((REPO / "par_desktop" / "__init__.py").read_text(encoding="utf-8"))
    return next(node.value.value for node in tree.body if isinstance(node, ast.Assign)
                and any(getattr(t, "id", "") == "__version__" for t in node.targets))


def source_modules() -> set[str]:
    """Modules of the package in the source tree, to compare with what the bundle can import."""
    names = set()
    for path in (REPO / "par_desktop").rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        if "__pycache__" not in parts:
            names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


class Bundle:
    def __init__(self, folder: Path, home: Path):
        self.exe = folder / f"par-desktop{SUFFIX}"
        self.env = {k: v for k, v in os.environ.items() if k != "PAR_DESKTOP_DB"}
        self.env["QT_QPA_PLATFORM"] = "offscreen"
        # the smoke test works on a demo database: its Office clerk signs the commands that change data
        self.env.update(PAR_DESKTOP_USER="vanphong", PAR_DESKTOP_PASSWORD="demo1234")
        for var in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "APPDATA",
                    "LOCALAPPDATA"):
            self.env[var] = str(home / var.lower())
        self.helps: dict[tuple[str, ...], set[str]] = {}

    def run(self, *args: str, ok: bool = True, timeout: float = 180) -> subprocess.CompletedProcess:
        start = time.perf_counter()
        proc = subprocess.run([str(self.exe), *args], capture_output=True, text=True, encoding="utf-8",
                              errors="replace", env=self.env, timeout=timeout)
        took = time.perf_counter() - start
        output = proc.stdout + proc.stderr
        if ok and (proc.returncode != 0 or any(word in output for word in BROKEN_BUNDLE)):
            raise SmokeFailure(f"`par-desktop {' '.join(args)}` exited {proc.returncode} in {took:.1f} s\n"
                               f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
        print(f"  ok  par-desktop {' '.join(args)}  ({took:.1f} s)")
        return proc

    def has(self, *command: str) -> bool:
        """Whether the command line offers ``command`` (features still being built may not yet)."""
        parent = command[:-1]
        if parent not in self.helps:
            proc = self.run(*parent, "--help", ok=False)
            self.helps[parent] = {line.split()[0] for line in proc.stdout.splitlines()
                                  if line.startswith("    ") and line.split()} if proc.returncode == 0 else set()
        return command[-1] in self.helps[parent]


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    expect(data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG file")
    return struct.unpack(">II", data[16:24])


def smoke(folder: Path, work: Path) -> list[str]:
    skipped = []
    bundle = Bundle(folder, work / "home")
    expect(bundle.exe.is_file(), f"the bundle has no executable {bundle.exe}")
    if sys.platform == "win32":
        expect((folder / "PAR Desktop.exe").is_file(), "the windowed executable 'PAR Desktop.exe' is missing")

    version = bundle.run("--version").stdout.strip()
    expect(version == f"par-desktop {source_version()}", f"--version printed {version!r}")

    report = bundle.run("--bundle-check").stdout
    for line in report.splitlines():
        if not line.startswith("module names "):
            print(f"      {line}")
    expect("utf8 mode 1" in report, "the bundle does not run in UTF-8 mode (the spec's X utf8 option)")
    bundled = set(next(line for line in report.splitlines() if line.startswith("module names ")).split()[2:])
    expect(bundled >= source_modules(), "modules in the source but not in the bundle (rebuild it?): "
           + " ".join(sorted(source_modules() - bundled)))

    db = work / "demo.db"
    location = bundle.run("--db", str(db), "init", "--demo").stdout.strip()
    expect(db.is_file() and Path(location.splitlines()[-1]).resolve() == db.resolve(),
           f"init --demo printed {location!r}")
    expect(bundle.run("--db", str(db), "check").stdout.strip() == "ok", "check did not print ok")

    year = bundle.run("--db", str(db), "calendar", "year", "2024").stdout
    for name in ("Tết Nguyên Đán", "Ngày Quốc khánh", "Làm bù"):
        expect(name in year, f"`calendar year 2024` lacks {name!r} (holiday names missing?):\n{year}")

    tasks = json.loads(bundle.run("--db", str(db), "tasks", "--json").stdout)
    expect(len(tasks) >= 10, f"tasks --json gave {len(tasks)} tasks")

    backup = Path(bundle.run("--db", str(db), "backup", "--out", str(work / "copy.db")).stdout.strip())
    expect(backup.is_file(), f"backup did not write {backup}")

    if bundle.has("import", "dossiers") and bundle.has("dossiers"):
        sheet = work / "dossiers.xlsx"
        write_dossier_sheet(json.loads(bundle.run("--db", str(db), "dossiers", "--json").stdout)[:50], sheet)
        imported = bundle.run("--db", str(db), "import", "dossiers", str(sheet)).stdout
        expect("imported 50 dossiers" in imported, f"import dossiers printed {imported!r}")
    else:
        skipped.append("import dossiers")

    if bundle.has("doc", "plan"):
        for suffix in (".docx", ".pdf"):
            out = work / f"plan{suffix}"
            bundle.run("--db", str(db), "doc", "plan", "--out", str(out))
            if suffix == ".pdf":
                expect(out.read_bytes()[:5] == b"%PDF-", f"{out} is not a PDF")
            else:
                expect("word/document.xml" in zipfile.ZipFile(out).namelist(), f"{out} is not a Word file")
    else:
        skipped.append("doc plan")
    if bundle.has("doc", "monthly-report"):   # statistics, overdue list, landscape appendices
        out = work / "report.pdf"
        bundle.run("--db", str(db), "doc", "monthly-report", "--month", "2024-11", "--out", str(out))
        expect(out.read_bytes()[:5] == b"%PDF-", f"{out} is not a PDF")
    else:
        skipped.append("doc monthly-report")

    shot = work / "main.png"
    bundle.run("--db", str(db), "gui", "--screenshot", str(shot))
    width, height = png_size(shot)
    expect(width >= 800 and height >= 500, f"the screenshot is only {width}×{height}")
    print(f"  ok  main window drawn: {width}×{height}")
    return skipped


def write_dossier_sheet(dossiers: list[dict], path: Path) -> None:
    """A one-stop-software style export of some demo dossiers (same codes: the import updates them)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Mã hồ sơ", "Tên thủ tục", "Lĩnh vực", "Hình thức nộp", "Ngày tiếp nhận", "Hạn xử lý",
                  "Ngày kết thúc"])
    channel = {"online": "Trực tuyến", "direct": "Trực tiếp", "post": "Bưu chính"}
    for d in dossiers:
        sheet.append([d["code"], d["procedure"], d["field"], channel[d["channel"]],
                      d["received_at"].replace("T", " "), d["due_at"].replace("T", " "),
                      (d["closed_at"] or "").replace("T", " ")])
    book.save(path)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/bundle_smoke.py dist/par-desktop", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    print(f"bundle smoke test: {folder.resolve()}")
    with tempfile.TemporaryDirectory(prefix="par-bundle-") as tmp:
        try:
            skipped = smoke(folder, Path(tmp))
        except (SmokeFailure, subprocess.TimeoutExpired, OSError) as exc:
            print(f"BUNDLE SMOKE TEST FAILED: {exc}", file=sys.stderr)
            return 1
    if skipped:
        print("skipped (not in the app yet): " + ", ".join(skipped))
    print("bundle smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
