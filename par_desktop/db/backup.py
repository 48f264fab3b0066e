"""Consistent backups with SQLite's online backup API, and validated restores.

The backup API copies the file under a read lock, so other clerks keep reading while it runs and the
copy is a consistent snapshot. Restore validates the candidate, keeps a copy of the current database,
then copies the candidate in through the same API (which takes the write lock like any writer).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import platformdirs

from par_desktop.db import pg_tools
from par_desktop.db.connection import BUSY_TIMEOUT_S, check_reachable, is_postgres, translated_errors
from par_desktop.db.models import SCHEMA_VERSION
from par_desktop.db.uri import read_only_uri
from par_desktop.errors import InvalidInput, UserError


def folder_key(location: str) -> str:
    """The name of this database's backup folder: its file name and the start of its identity, so two
    databases both called par.db never share (or rotate, or list) each other's backups."""
    stem = Path(location).stem
    if is_postgres(location) or not Path(location).is_file():
        return stem
    try:
        conn = sqlite3.connect(read_only_uri(location), uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            row = conn.execute("SELECT value FROM app_meta WHERE key = 'database_id'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        row = None
    return f"{stem}-{str(row[0])[:8]}" if row else stem


def default_backup_dir(location: str) -> Path:
    """This PC's local data folder: where copies taken before an upgrade or a restore go (the share may
    be the thing that fails)."""
    return Path(platformdirs.user_data_dir("PAR Desktop", appauthor=False)) / "backups" / folder_key(location)


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
        src = sqlite3.connect(read_only_uri(source), uri=True, timeout=BUSY_TIMEOUT_S)
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
    partial = out.with_name(out.name + ".dang-ghi")
    try:
        _copy(Path(location), partial)
        partial.replace(out)     # only a finished copy ever carries the backup's name
    except BaseException as exc:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            leftover.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InvalidInput(f"Không ghi được bản sao lưu {out}: {exc.strerror or exc}. "
                               "Không có tệp dở dang nào được để lại.") from None
        if isinstance(exc, UserError):
            raise InvalidInput(f"Sao lưu vào {out} không thành công (ổ đĩa đầy, hết hạn mức, không có quyền ghi, "
                               f"hoặc cơ sở dữ liệu bận): {exc.message} Không có tệp dở dang nào được để lại.") \
                from None
        raise
    return out


# Counted in a backup and in the live database so a restore can say what it brings back and what is lost.
COUNTED_TABLES = {"dossier": "hồ sơ", "task": "nhiệm vụ", "progress_report": "báo cáo tiến độ",
                  "register_entry": "số văn bản", "unit": "đơn vị", "user": "tài khoản", "audit_log": "dòng nhật ký"}
# Tables every PAR Desktop database has had since version 1: a backup lacking one was tampered with.
CORE_TABLES = {"app_meta", "setting", "org_profile", "unit", "user", "audit_log", "plan", "task", "procedure",
               "dossier", "register_entry", "document_template"}


@dataclass(frozen=True)
class BackupSummary:
    """What a backup file holds, read without changing it."""
    path: Path
    version: int
    identity: str | None
    last_change: str | None        # the moment of its newest audit row (ISO), i.e. when it was taken
    counts: dict[str, int]
    audit_last_id: int
    audit_last_hash: str

    def describe(self) -> str:
        when = self.last_change[:16].replace("T", " ") if self.last_change else "không rõ"
        return f"thay đổi cuối lúc {when}; " + ", ".join(
            f"{self.counts.get(t, 0):,} {label}".replace(",", ".") for t, label in COUNTED_TABLES.items()
            if t != "audit_log")


def inspect_backup(path: str | Path) -> BackupSummary:
    """Check that ``path`` is a sound, untampered PAR Desktop database this version can use, and say
    what it holds. Refuses (``InvalidInput``, naming the file): a missing, empty or non-SQLite file, a
    failed integrity check, no schema version, a newer version, a missing table, the audit trail's
    protection removed or its hash chain broken."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"Không tìm thấy tệp sao lưu {path}.")
    if path.stat().st_size == 0:
        raise InvalidInput(f"Tệp {path.name} trống (0 byte); không phải bản sao lưu, không khôi phục.")
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            return _inspect(conn, path, SCHEMA_VERSION)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise InvalidInput(f"Tệp {path.name} không phải bản sao lưu PAR Desktop hợp lệ.") from None


def _inspect(conn: sqlite3.Connection, path: Path, current_version: int) -> BackupSummary:
    from par_desktop.db import audit_chain

    if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        raise InvalidInput(f"Tệp {path.name} bị hỏng (kiểm tra toàn vẹn không đạt); không khôi phục.")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "app_meta" not in tables:
        raise InvalidInput(f"Tệp {path.name} không phải bản sao lưu PAR Desktop (không có bảng app_meta).")
    meta = dict(conn.execute("SELECT key, value FROM app_meta").fetchall())
    if "schema_version" not in meta:
        raise InvalidInput(f"Tệp {path.name} không có thông tin phiên bản; không phải bản sao lưu PAR Desktop.")
    try:
        version = int(meta["schema_version"])
    except ValueError:
        raise InvalidInput(f"Tệp {path.name} ghi phiên bản lược đồ không hợp lệ («{meta['schema_version'][:20]}»); "
                           "không khôi phục.") from None
    if version > current_version:
        raise InvalidInput(f"Bản sao lưu {path.name} thuộc phiên bản PAR Desktop mới hơn (lược đồ {version}).")
    missing = CORE_TABLES - tables
    if missing:
        raise InvalidInput(f"Bản sao lưu {path.name} thiếu bảng {', '.join(sorted(missing))}: tệp đã bị cắt bớt "
                           "hoặc không phải bản sao đầy đủ; không khôi phục.")
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    if version >= 2 and not {"audit_log_no_update", "audit_log_no_delete"} <= triggers:
        raise InvalidInput(f"Trong bản sao lưu {path.name}, nhật ký thay đổi không còn được khóa chống sửa, xóa "
                           "(thiếu trigger): bản sao đã bị can thiệp; không khôi phục.")
    columns = {r[1] for r in conn.execute("PRAGMA table_info(audit_log)")}
    last = (0, audit_chain.GENESIS)
    if "row_hash" in columns:
        broken = audit_chain.first_break_in(_audit_rows(conn))
        if broken:
            raise InvalidInput(f"Bản sao lưu {path.name}: {broken} Không khôi phục.")
        last = conn.execute("SELECT id, row_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone() or last
    counts = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in COUNTED_TABLES if t in tables}
    newest = conn.execute("SELECT MAX(at) FROM audit_log").fetchone()[0]
    return BackupSummary(path, version, meta.get("database_id"), str(newest) if newest else None, counts,
                         last[0], last[1])


def _audit_rows(conn: sqlite3.Connection):
    from par_desktop.db.audit_chain import HASHED

    cursor = conn.execute(f"SELECT id, row_hash, {', '.join(HASHED)} FROM audit_log ORDER BY id")
    while True:
        page = cursor.fetchmany(5000)
        if not page:
            return
        for row in page:
            values = dict(zip(("id", "row_hash", *HASHED), row))
            try:
                values["at"] = datetime.fromisoformat(values["at"]) if values["at"] else values["at"]
            except (TypeError, ValueError):
                pass       # hashed as the text it is, as peewee hands back what it cannot parse
            yield values


def restore_database(location: str, source: str | Path, *, archive: pg_tools.Archive | None = None) -> Path | None:
    """Replace the database with ``source`` after validating it; return the copy kept of the old one
    (None when there was no database yet). ``archive``: a PostgreSQL archive already read."""
    if is_postgres(location):
        return pg_tools.restore(location, source, keep_to=_default_dump(location), archive=archive)
    source = Path(source)
    target = Path(location)
    refuse_restoring_onto_itself(location, source)
    inspect_backup(source)
    check_reachable(location, must_exist=False)
    kept = backup_database(location, reason="truoc-khoi-phuc") if target.exists() else None
    try:
        _copy(source, target)
    except UserError as exc:
        if kept is None:
            raise
        raise InvalidInput(f"{exc.message} Dữ liệu trước khi khôi phục vẫn được giữ tại {kept}.") from None
    return kept


def refuse_restoring_onto_itself(location: str, source: Path) -> None:
    try:
        same = source.resolve() == Path(location).resolve() or (
            source.exists() and Path(location).exists() and source.samefile(location))
    except OSError:
        same = False
    if same:
        raise InvalidInput(f"Tệp {source} chính là cơ sở dữ liệu đang dùng: không thể khôi phục một tệp lên "
                           "chính nó. Hãy chọn một bản sao lưu.")
