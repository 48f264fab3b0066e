"""Consistent backups with SQLite's online backup API, and validated restores.

The backup API copies the file under a read lock, so other clerks keep reading while it runs and the
copy is a consistent snapshot. Restore validates the candidate, keeps a copy of the current database,
then copies the candidate in through the same API (which takes the write lock like any writer).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import platformdirs

from par_desktop.db import pg_tools
from par_desktop.db.connection import BUSY_TIMEOUT_S, check_reachable, is_postgres, translated_errors
from par_desktop.db.models import SCHEMA_VERSION
from par_desktop.errors import InvalidInput


def default_backup_dir(location: str) -> Path:
    """Backups go to the user's local data folder: the share may be the thing that fails."""
    return Path(platformdirs.user_data_dir("PAR Desktop", appauthor=False)) / "backups" / Path(location).stem


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]


def _default_dump(location: str) -> Path:
    """Where a PostgreSQL database's dump goes when no file is named."""
    name = pg_tools.database_name(location)
    folder = default_backup_dir(name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}-{_stamp()}{pg_tools.SUFFIX}"


def _copy(source: Path, target: Path) -> None:
    with translated_errors():
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            dst = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()


def backup_database(location: str, out: str | Path | None = None, *, reason: str = "") -> Path:
    """Write a consistent copy of the database and return its path."""
    if is_postgres(location):
        return pg_tools.dump(location, Path(out) if out is not None else _default_dump(location))
    check_reachable(location, must_exist=True)
    if out is None:
        folder = default_backup_dir(location)
        folder.mkdir(parents=True, exist_ok=True)
        suffix = f"-{reason}" if reason else ""
        out = folder / f"{Path(location).stem}-{_stamp()}{suffix}.db"
    out = Path(out)
    if out.resolve() == Path(location).resolve():
        raise InvalidInput("Tệp sao lưu không được trùng với tệp cơ sở dữ liệu đang dùng.")
    if not out.parent.is_dir():
        raise InvalidInput(f"Không có thư mục {out.parent} để ghi bản sao lưu.")
    if out.exists():
        raise InvalidInput(f"Tệp {out} đã tồn tại; chọn tên khác để không ghi đè.")
    _copy(Path(location), out)
    return out


def validate_backup(path: Path) -> int:
    """Check that ``path`` is a sound PAR Desktop database this version can use; return its version."""
    if not path.is_file():
        raise InvalidInput(f"Không tìm thấy tệp sao lưu {path}.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise InvalidInput(f"Tệp {path.name} bị hỏng (kiểm tra toàn vẹn không đạt); không khôi phục.")
            row = conn.execute("SELECT value FROM app_meta WHERE key='schema_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise InvalidInput(f"Tệp {path.name} không phải bản sao lưu PAR Desktop hợp lệ.") from None
    if row is None:
        raise InvalidInput(f"Tệp {path.name} không có thông tin phiên bản; không phải bản sao lưu PAR Desktop.")
    version = int(row[0])
    if version > SCHEMA_VERSION:
        raise InvalidInput(f"Bản sao lưu {path.name} thuộc phiên bản PAR Desktop mới hơn (lược đồ {version}).")
    return version


def restore_database(location: str, source: str | Path) -> Path | None:
    """Replace the database with ``source`` after validating it; return the copy kept of the old one
    (None when there was no database yet)."""
    if is_postgres(location):
        return pg_tools.restore(location, source, keep_to=_default_dump(location))
    source = Path(source)
    validate_backup(source)
    target = Path(location)
    check_reachable(location, must_exist=False)
    kept = backup_database(location, reason="truoc-khoi-phuc") if target.exists() else None
    _copy(source, target)
    return kept
