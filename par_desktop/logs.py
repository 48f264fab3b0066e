"""Log files in the user's log folder (platformdirs): where the crash handler and the CLI write bugs."""

from __future__ import annotations

import faulthandler
import logging
import traceback
from datetime import datetime
from pathlib import Path


def log_dir() -> Path:
    import platformdirs

    folder = Path(platformdirs.user_log_dir("PAR Desktop", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_file() -> Path:
    return log_dir() / "par-desktop.log"


_fault_log = None   # kept open for the life of the process: faulthandler writes to it while dying


def setup_logging(level: int = logging.INFO) -> None:
    handler = logging.FileHandler(log_file(), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    enable_fault_log()


def enable_fault_log() -> None:
    """A crash inside Qt (segmentation fault, abort) ends the process with no Python exception to log:
    ``faulthandler`` then writes every thread's Python stack to the log file, so the crash leaves a trace."""
    global _fault_log
    if _fault_log is None:
        _fault_log = log_file().open("a", encoding="utf-8")
        faulthandler.enable(_fault_log, all_threads=True)


def log_exception(exc: BaseException) -> Path:
    """Append the traceback of ``exc`` to the log file and return the file's path."""
    path = log_file()
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"\n=== {datetime.now().isoformat(timespec='seconds')} ===\n")
        fh.write("".join(traceback.format_exception(exc)))
    return path
