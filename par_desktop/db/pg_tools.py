"""Backups and restores of a PostgreSQL database with the server's own tools, pg_dump and pg_restore.

A backup is pg_dump's custom format (``.dump``): consistent (one snapshot) while clerks keep working,
compressed, and restorable table by table. A restore validates the archive, keeps a dump of the current
database, then replaces the tables in ONE transaction (``--single-transaction``): it either fully
succeeds or leaves the database as it was.

The password never appears on a command line (other users could read it from the process list): it
goes to the tools through ``PGPASSWORD``.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from par_desktop.db.connection import BUSY_TIMEOUT_S, describe, make_database, postgres_message, translated_errors
from par_desktop.db.models import ALL_MODELS, SCHEMA_VERSION
from par_desktop.errors import DatabaseUnavailable, InvalidInput
from par_desktop.windows import hidden_console

BIN_ENV_VAR = "PAR_DESKTOP_PG_BIN"   # a folder holding pg_dump/pg_restore, when they are not on PATH
SUFFIX = ".dump"
TIMEOUT_S = 3600


def find_tool(name: str) -> Path:
    """The newest ``name`` (pg_dump, pg_restore) on this machine, or a Vietnamese DatabaseUnavailable."""
    exe = name + (".exe" if sys.platform == "win32" else "")
    configured = os.environ.get(BIN_ENV_VAR)
    if configured:
        candidates = [Path(configured) / exe]
    else:
        on_path = shutil.which(name)
        candidates = [Path(on_path)] if on_path else []
        # Installers put the tools in a versioned folder that is often not on PATH.
        for pattern in ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "C:/Program Files/PostgreSQL/*/bin",
                        "/Applications/Postgres.app/Contents/Versions/*/bin", "/opt/homebrew/opt/postgresql*/bin"):
            folders = sorted(glob.glob(pattern), key=_version_key, reverse=True)
            candidates += [Path(folder) / exe for folder in folders]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    where = f"trong thư mục {configured} (biến {BIN_ENV_VAR})" if configured else "trên máy này"
    raise DatabaseUnavailable(
        f"Không tìm thấy công cụ {name} của PostgreSQL {where}, nên không sao lưu/khôi phục được cơ sở dữ "
        "liệu PostgreSQL. Hãy cài gói công cụ dòng lệnh của PostgreSQL (Debian/Ubuntu: postgresql-client; "
        "Windows: bộ cài PostgreSQL, mục «Command Line Tools») cùng phiên bản với máy chủ, hoặc nhờ "
        "người quản trị máy chủ sao lưu.")


def _version_key(folder: str) -> tuple:
    return tuple(int(n) for n in re.findall(r"\d+", str(folder))) or (0,)


def _connection(location: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and the environment that carries the password to the tool."""
    parts = urlsplit(location)
    env = dict(os.environ)
    netloc = parts.netloc
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
        userinfo, host = netloc.rsplit("@", 1)
        netloc = userinfo.split(":", 1)[0] + "@" + host
    # A restore waits for a clerk's open transaction as long as the app would, then gives up.
    env["PGOPTIONS"] = f"-c lock_timeout={BUSY_TIMEOUT_S * 1000} " + env.get("PGOPTIONS", "")
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    scheme = "postgresql" if parts.scheme in ("postgres", "postgresql") else parts.scheme
    return urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment)), env


def _run(args: list[str], env: dict[str, str], location: str, action: str) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=TIMEOUT_S, **hidden_console())
    except subprocess.TimeoutExpired:
        raise DatabaseUnavailable(f"{action} {describe(location)} quá {TIMEOUT_S // 60} phút nên đã dừng; "
                                  "cơ sở dữ liệu không bị thay đổi.") from None
    except OSError as exc:
        raise DatabaseUnavailable(f"Không chạy được {args[0]}: {exc.strerror}.") from None
    if done.returncode != 0:
        raise _tool_error(done.stderr, location, action)
    return done


def _tool_error(stderr: str, location: str, action: str) -> DatabaseUnavailable:
    detail = stderr.strip()
    text = detail.lower()
    if "server version mismatch" in text or "unsupported version" in text:
        message = (f"{action} không được: công cụ PostgreSQL trên máy này cũ hơn máy chủ hoặc tệp sao lưu. "
                   f"Hãy cài công cụ cùng phiên bản với máy chủ (hoặc đặt biến {BIN_ENV_VAR}).")
    else:
        reason = postgres_message(text)
        message = f"{action} {describe(location)} không được. " + (reason or f"Công cụ báo: {_last_line(detail)}")
    return DatabaseUnavailable(message, detail=detail)


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "lỗi không rõ"


def database_name(location: str) -> str:
    return unquote(urlsplit(location).path.lstrip("/")) or "postgres"


def dump(location: str, out: Path) -> Path:
    """Write a consistent pg_dump archive of the database to ``out`` and return it (never overwrites)."""
    tool = find_tool("pg_dump")
    if not out.parent.is_dir():
        raise InvalidInput(f"Không có thư mục {out.parent} để ghi bản sao lưu.")
    if out.exists():
        raise InvalidInput(f"Tệp {out} đã tồn tại; chọn tên khác để không ghi đè.")
    url, env = _connection(location)
    partial = out.with_name(out.name + ".partial")
    try:
        _run([str(tool), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
              f"--dbname={url}"], env, location, "Sao lưu")
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return out


@dataclass(frozen=True)
class Archive:
    """What a pg_dump archive holds, read whole once: a truncated or damaged file is refused before
    anything is changed."""
    path: Path
    version: int
    tables: set[str]
    identity: str | None      # ``database_id`` of the database it was taken from (None: an older version)


def archive_version(source: Path) -> int:
    """The schema version recorded in a pg_dump archive; InvalidInput when it is not a whole, readable
    PAR Desktop backup."""
    return inspect_archive(Path(source)).version


def inspect_archive(source: Path) -> Archive:
    """Read the archive ``source`` whole; InvalidInput when it is not a whole, readable PAR Desktop backup."""
    if not source.is_file():
        raise InvalidInput(f"Không tìm thấy tệp sao lưu {source}.")
    with source.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(b"SQLite format 3"):
        raise InvalidInput(f"Tệp {source.name} là bản sao lưu SQLite. Để đưa nó lên PostgreSQL, hãy dùng "
                           "«par-desktop --db TỆP.db migrate-to URL» vào một cơ sở dữ liệu PostgreSQL trống.")
    if not head.startswith(b"PGDMP"):
        raise InvalidInput(f"Tệp {source.name} không phải bản sao lưu PostgreSQL (pg_dump) của PAR Desktop.")
    tool = str(find_tool("pg_restore"))

    def read(*args: str) -> str:
        done = subprocess.run([tool, *args, str(source)], capture_output=True, text=True, timeout=TIMEOUT_S,
                              **hidden_console())
        if done.returncode != 0:
            raise InvalidInput(f"Tệp {source.name} bị hỏng hoặc không đọc được ({_last_line(done.stderr)}); "
                               "không khôi phục.", detail=done.stderr.strip())
        return done.stdout

    read(f"--file={os.devnull}")          # every block, to the end
    tables = set(re.findall(r"^\d+; \d+ \d+ TABLE \S+ (\S+) ", read("--list"), re.MULTILINE))
    meta = read("--data-only", "--table=app_meta", "--file=-")
    match = re.search(r"^schema_version\t(\d+)$", meta, re.MULTILINE)
    if "app_meta" not in tables or match is None:
        raise InvalidInput(f"Tệp {source.name} không có thông tin phiên bản; không phải bản sao lưu PAR Desktop.")
    identity = re.search(r"^database_id\t(\S+)$", meta, re.MULTILINE)
    return Archive(source, int(match.group(1)), tables, identity.group(1) if identity else None)


def restore(location: str, source: str | Path, keep_to: Path, archive: Archive | None = None) -> Path | None:
    """Replace the database's tables with the archive's, in one transaction; return the dump kept of
    the database as it was, written to ``keep_to`` (None when it had no tables yet). ``archive``: the
    archive already read by ``inspect_archive``, not read again."""
    source = Path(source)
    if archive is None or archive.path != source:
        archive = inspect_archive(source)
    version, in_archive = archive.version, archive.tables
    if version > SCHEMA_VERSION:
        raise InvalidInput(f"Bản sao lưu {source.name} thuộc phiên bản PAR Desktop mới hơn (lược đồ {version}).")
    tool = find_tool("pg_restore")
    present = _table_names(location)
    kept = dump(location, keep_to) if present else None
    _drop_tables_missing_from(location, present, in_archive)
    url, env = _connection(location)
    _run([str(tool), "--clean", "--if-exists", "--single-transaction", "--exit-on-error", "--no-owner",
          "--no-privileges", f"--dbname={url}", str(source)], env, location, "Khôi phục")
    return kept


def _table_names(location: str) -> set[str]:
    db = make_database(location)
    with translated_errors():
        try:
            return set(db.get_tables())
        finally:
            db.close()


def _drop_tables_missing_from(location: str, present: set[str], in_archive: set[str]) -> None:
    """Our tables that a (whole, older) archive lacks, because an upgrade added them after it was made,
    would stop the next start from upgrading it again: drop them, after the current state was dumped."""
    extra = sorted((present & {model._meta.table_name for model in ALL_MODELS}) - in_archive)
    if not extra:
        return
    db = make_database(location)
    with translated_errors():
        try:
            with db.atomic():
                for table in extra:
                    db.execute_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        finally:
            db.close()
