"""The audit trail as a hash chain (chuỗi kiểm tra nhật ký): a rewritten, removed or inserted row shows.

Each ``audit_log`` row carries ``row_hash`` = SHA-256 of the previous row's hash and the row's own
values, so changing any row breaks every hash from it on. The database itself refuses UPDATE, DELETE,
REPLACE (SQLite) and TRUNCATE (PostgreSQL) on the table (``protect``), and ``check`` verifies both the
chain and those triggers. Someone with write access to the file could still drop the triggers and
recompute the whole chain; that is why the chain's head (last row id and hash) is also kept outside the
database — in every backup and in the backup log (``services.backups``) — and ``check`` compares them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import peewee

GENESIS = "0" * 64
APPEND_ONLY_MESSAGE = "audit_log is append-only"
# The values a row's hash covers, in this order (the id is implied by the order of the chain).
HASHED = ("at", "username", "action", "table_name", "record_id", "field", "old_value", "new_value", "session_id")

_SQLITE_TRIGGERS = {
    "audit_log_no_update": "BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, '{m}'); END",
    "audit_log_no_delete": "BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, '{m}'); END",
    # INSERT OR REPLACE deletes the old row without firing the DELETE trigger: refuse it before it happens
    "audit_log_no_replace": "BEFORE INSERT ON audit_log WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
                            "BEGIN SELECT RAISE(ABORT, '{m}'); END",
}
_PG_FUNCTION = ("CREATE OR REPLACE FUNCTION par_audit_append_only() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END; $$ LANGUAGE plpgsql")
_PG_TRIGGERS = {
    "audit_log_append_only": "BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW",
    "audit_log_no_truncate": "BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT",
}


def _moment(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    return None if value is None else str(value)


def row_hash(previous: str, values: dict[str, Any]) -> str:
    """The hash of one row chained to ``previous`` (GENESIS for the first row)."""
    items = [previous, _moment(values["at"]), *(None if values[k] is None else str(values[k]) for k in HASHED[1:])]
    payload = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Head:
    """The end of the chain: how many rows, the last row's id and hash."""
    rows: int
    last_id: int
    last_hash: str

    def as_json(self) -> dict:
        return {"audit_rows": self.rows, "audit_last_id": self.last_id, "audit_last_hash": self.last_hash}


def head(db: peewee.Database) -> Head:
    row = db.execute_sql("SELECT id, row_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    count = db.execute_sql("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    return Head(count, row[0], row[1] or "") if row else Head(0, 0, GENESIS)


def append(values: dict[str, Any]) -> None:
    """Insert one audit row chained to the last one, under the write lock (the caller's transaction, or
    a short one of its own), so two writers can never chain onto the same row."""
    from par_desktop.db import connection
    from par_desktop.db.models import AuditLog

    with connection.write_transaction(guarded=False):
        last = AuditLog.select(AuditLog.row_hash).order_by(AuditLog.id.desc()).limit(1).first()
        AuditLog.create(**values, row_hash=row_hash(last.row_hash if last else GENESIS, values))


def append_many(rows: list[dict[str, Any]]) -> None:
    """Insert many audit rows (an import's field changes) chained in list order, in one bulk insert."""
    from par_desktop.db import connection
    from par_desktop.db.bulk import bulk_insert
    from par_desktop.db.models import AuditLog

    if not rows:
        return
    with connection.write_transaction(guarded=False):
        last = AuditLog.select(AuditLog.row_hash).order_by(AuditLog.id.desc()).limit(1).first()
        previous = last.row_hash if last else GENESIS
        chained = []
        for values in rows:
            values = {"record_id": "", "field": "", "old_value": None, "new_value": None, "session_id": "", **values}
            previous = row_hash(previous, values)
            chained.append({**values, "row_hash": previous})
        bulk_insert(AuditLog, chained)


def _rows(db: peewee.Database, after_id: int = 0):
    """All rows in chain order, fetched in pages (a million rows need not sit in memory)."""
    from par_desktop.db.models import AuditLog

    last = after_id
    while True:
        page = list(AuditLog.select().where(AuditLog.id > last).order_by(AuditLog.id).limit(5000).dicts())
        if not page:
            return
        yield from page
        last = page[-1]["id"]


def _describe(row: dict) -> str:
    return (f"dòng số {row['id']} ({_moment(row['at'])[:16] if row['at'] else '?'}, {row['username']}, "
            f"{row['action']} {row['table_name']})")


def first_break(db: peewee.Database) -> str | None:
    """A Vietnamese sentence naming the first row whose hash does not follow from the rows before it,
    or None when the whole chain holds."""
    return first_break_in(_rows(db))


def first_break_in(rows) -> str | None:
    """``first_break`` over rows given as dicts in chain order (a backup file read with sqlite3)."""
    previous = GENESIS
    for row in rows:
        expected = row_hash(previous, row)
        if row["row_hash"] != expected:
            return (f"Nhật ký thay đổi đã bị sửa, xóa hoặc chèn dòng: chuỗi kiểm tra sai từ {_describe(row)}; "
                    "các dòng từ đó trở đi không còn đáng tin.")
        previous = expected
    return None


def hash_of_row(row_id: int) -> str | None:
    """The stored hash of row ``row_id`` of the bound database (None when there is no such row)."""
    from par_desktop.db.models import AuditLog

    row = AuditLog.select(AuditLog.row_hash).where(AuditLog.id == row_id).first()
    return row.row_hash if row else None


def rechain(db: peewee.Database) -> int:
    """Compute every row's hash (the upgrade that introduces the chain); returns the rows chained.
    Runs inside the upgrade transaction with the table's protection lifted for the moment."""
    if isinstance(db, peewee.SqliteDatabase):
        db.execute_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
    else:
        db.execute_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
    previous, count = GENESIS, 0
    marker = "?" if isinstance(db, peewee.SqliteDatabase) else "%s"
    for row in list(_rows(db)):
        previous = row_hash(previous, row)
        db.execute_sql(f"UPDATE audit_log SET row_hash = {marker} WHERE id = {marker}", (previous, row["id"]))
        count += 1
    if not isinstance(db, peewee.SqliteDatabase):
        db.execute_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
    protect(db)
    return count


def protect(db: peewee.Database) -> None:
    """The database refuses to change, delete, replace or truncate audit rows, whatever program asks."""
    if isinstance(db, peewee.SqliteDatabase):
        for name, body in _SQLITE_TRIGGERS.items():
            db.execute_sql(f"CREATE TRIGGER IF NOT EXISTS {name} {body.format(m=APPEND_ONLY_MESSAGE)}")
        return
    db.execute_sql(_PG_FUNCTION)
    for name, when in _PG_TRIGGERS.items():
        db.execute_sql(f"DROP TRIGGER IF EXISTS {name} ON audit_log")
        db.execute_sql(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION par_audit_append_only()")


def protection_problems(db: peewee.Database) -> list[str]:
    """What is missing or altered in the table's protection (triggers and, on PostgreSQL, their function)."""
    if isinstance(db, peewee.SqliteDatabase):
        found = dict(db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name = 'audit_log'").fetchall())
        bad = [name for name, body in _SQLITE_TRIGGERS.items()
               if " ".join((found.get(name) or "").split()).lower()
               not in (f"create trigger {name} {body.format(m=APPEND_ONLY_MESSAGE)}".lower(),
                       f"create trigger if not exists {name} {body.format(m=APPEND_ONLY_MESSAGE)}".lower())]
    else:
        enabled = dict(db.execute_sql(
            "SELECT t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = 'audit_log' AND NOT t.tgisinternal").fetchall())
        bad = [name for name in _PG_TRIGGERS if enabled.get(name) not in ("O", "A")]
        body = db.execute_sql("SELECT prosrc FROM pg_proc WHERE proname = 'par_audit_append_only'").fetchone()
        if body is None or APPEND_ONLY_MESSAGE not in body[0] or "RAISE EXCEPTION" not in body[0].upper():
            bad.append("par_audit_append_only()")
    if not bad:
        return []
    return ["Nhật ký thay đổi không còn được cơ sở dữ liệu khóa chống sửa, xóa (trigger thiếu hoặc đã bị đổi: "
            + ", ".join(bad) + ")."]
