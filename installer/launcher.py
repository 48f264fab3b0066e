"""Entry script of the bundled executables (``par-desktop`` console, ``PAR Desktop`` windowed).

Both run the command-line front end, so the windowed one opens the main window when started without
arguments and accepts the same ``--db``/``gui`` options. A windowed Windows program has no console:
``sys.stdout``/``sys.stderr`` are None, so whatever the program would print there goes to the log file
instead, and a failure that happens before the GUI can show its own dialog (a missing module or data
file in the bundle, a database the clerk cannot reach) is written to the log and shown in a plain
Windows message box naming that log.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

TITLE = "PAR Desktop"
BUNDLE_CHECK = "--bundle-check"
# Qt modules the GUI needs, some only imported when a page opens (PDF preview, charts, printing).
# build_installer.spec collects exactly these; ``--bundle-check`` imports them.
QT_MODULES = (
    "PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtPrintSupport", "PySide6.QtSvg",
    "PySide6.QtSvgWidgets", "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtCharts",
)
IMAGE_FORMATS = ("svg", "ico", "png")


def _log_path() -> Path:
    """par_desktop.logs' file; a temp file when even that cannot be imported (a broken bundle)."""
    try:
        from par_desktop.logs import log_file

        return log_file()
    except Exception:  # noqa: BLE001 — the fallback exists for exactly this case
        return Path(tempfile.gettempdir()) / "par-desktop-startup.log"


class _LogStream:
    """A text stream for a windowed program: keeps what was written and appends it to the log file."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self._file = None

    def write(self, data: str) -> int:
        self.text.append(data)
        try:
            if self._file is None:
                self._file = _log_path().open("a", encoding="utf-8")
                self._file.write(f"\n=== {datetime.now().isoformat(timespec='seconds')} (windowed) ===\n")
            self._file.write(data)
            self._file.flush()
        except OSError:
            pass
        return len(data)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _message_box(text: str) -> None:
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.user32.MessageBoxW(None, text, TITLE, 0x10)  # MB_ICONERROR


def unloadable(libraries: list[Path]) -> list[tuple[Path, str]]:
    """The shared libraries among ``libraries`` that the system refuses to load, with its reason.

    Every folder holding one is put on the DLL search path first (as a wheel's ``__init__`` does at
    import time, e.g. psycopg2's ``psycopg2_binary.libs``), so what fails is a file missing from the
    bundle or one that cannot run here, not a file loaded out of its usual order."""
    import ctypes

    if hasattr(os, "add_dll_directory"):
        for folder in sorted({path.parent for path in libraries}):
            os.add_dll_directory(str(folder))
    failed = []
    for path in libraries:
        try:
            ctypes.CDLL(str(path))
        except OSError as exc:
            failed.append((path, str(exc)))
    return failed


def bundle_check() -> int:
    """``par-desktop --bundle-check``: prove the bundle holds what the app loads lazily, then exit.

    Imports every ``par_desktop`` module and the Qt modules above, loads the Qt image plugins, finds the
    data folders and the holiday names, imports the PostgreSQL driver when the bundle has it, and on
    Windows loads every DLL and extension of the bundle; prints one line per finding and ``ok``, or
    ``error: …`` and 1 — a library that fails to load is an error, never "built without it".
    Support staff can run it on a clerk's machine; ``tests/bundle_smoke.py`` runs it after each build.
    """
    import importlib
    import pkgutil

    problems = []
    import par_desktop

    modules = [info.name for info in pkgutil.walk_packages(par_desktop.__path__, "par_desktop.")]
    for name in [m for m in modules if not m.endswith(".__main__")] + list(QT_MODULES):  # __main__ runs the CLI
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 — report every missing piece, not just the first
            problems.append(f"import {name}: {type(exc).__name__}: {exc}")
    print(f"modules {len(modules) + 1}")
    print("module names " + " ".join(["par_desktop", *modules]))

    from PySide6.QtGui import QGuiApplication, QImageReader

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    formats = {bytes(f).decode() for f in QImageReader.supportedImageFormats()}
    print("image formats " + " ".join(sorted(formats)))
    problems += [f"Qt image format {f} missing" for f in IMAGE_FORMATS if f not in formats]
    print(f"platform {app.platformName()}")
    print(f"utf8 mode {sys.flags.utf8_mode}")

    from par_desktop.assets import asset_dir

    for folder in ("resources/fonts", "resources/templates", "resources/icons", "forms"):
        top, _, sub = folder.partition("/")
        files = sorted(p.name for p in (asset_dir(top) / sub).glob("*") if p.is_file())
        print(f"{folder} {len(files)}")
        if not files:
            problems.append(f"{folder} is empty or missing")

    try:   # optional: present when the bundle was built with the postgres extra
        import psycopg2

        print(f"postgresql driver psycopg2 {psycopg2.__version__.split()[0]}")
    except ModuleNotFoundError as exc:
        if exc.name != "psycopg2":   # the package is there but something it imports is not
            problems.append(f"postgresql driver psycopg2: {type(exc).__name__}: {exc}")
        else:
            print("postgresql driver: none (SQLite only; build with pip install -e .[build,postgres])")
    except ImportError as exc:      # e.g. "DLL load failed while importing _psycopg": libpq left out
        problems.append(f"postgresql driver psycopg2: {type(exc).__name__}: {exc}")

    if sys.platform == "win32":
        base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[1]))   # the bundle's folder
        libraries = sorted(p for p in base.rglob("*") if p.suffix.lower() in (".dll", ".pyd"))
        failed = unloadable(libraries)
        print(f"libraries {len(libraries)} loaded, {len(failed)} failed")
        problems += [f"cannot load {path.relative_to(base)}: {reason}" for path, reason in failed]

    import holidays

    names = {lang: set(holidays.VN(years=2024, language=lang).values()) for lang in ("vi", "en_US")}
    print("holidays " + "; ".join(f"{lang}: {len(v)}" for lang, v in names.items()))
    if not any("Quốc khánh" in n for n in names["vi"]) or not any("National Day" in n for n in names["en_US"]):
        problems.append(f"holiday names not translated: {sorted(names['vi'])[:3]} / {sorted(names['en_US'])[:3]}")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


def main() -> int:
    windowed = sys.stderr is None or sys.stdout is None
    captured = _LogStream() if windowed else None
    if captured is not None:
        sys.stdout = sys.stderr = captured
    try:
        if sys.argv[1:2] == [BUNDLE_CHECK]:
            code = bundle_check()
        else:
            from par_desktop.cli.main import main as cli_main

            code = cli_main()
    except SystemExit as exc:  # argparse: --version, usage errors
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException as exc:  # noqa: BLE001 — the last line of defence of a broken bundle
        path = _log_path()
        try:
            with path.open("a", encoding="utf-8") as fh:
                fh.write(f"\n=== {datetime.now().isoformat(timespec='seconds')} (start-up) ===\n")
                fh.write("".join(traceback.format_exception(exc)))
        except OSError:
            pass
        message = f"error: PAR Desktop không khởi động được ({type(exc).__name__}: {exc}); chi tiết trong {path}"
        if captured is None:
            print(message, file=sys.stderr)
        else:
            _message_box(message)
        return 1
    if captured is not None and code and captured.text:
        _message_box("".join(captured.text).strip() + f"\n\n(Nhật ký: {_log_path()})")
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
