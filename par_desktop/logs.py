"""Log files in the user's log folder (platformdirs): where the crash handler and the CLI write bugs."""

from __future__ import annotations

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


def setup_logging(level: int = logging.INFO) -> None:
    handler = logging.FileHandler(log_file(), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)


def log_exception(exc: BaseException) -> Path:
    """Append the traceback of ``exc`` to the log file and return the file's path."""
    path = log_file()
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"\n=== {datetime.now().isoformat(timespec='seconds')} ===\n")
        fh.write("".join(traceback.format_exception(exc)))
    return path
