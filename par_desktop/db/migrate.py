"""Moving a whole SQLite database into an empty PostgreSQL database (``par-desktop migrate-to URL``).

The copy reads a snapshot of the file (SQLite's backup API, so clerks may keep working on the file),
creates the schema and copies every table in foreign-key order inside ONE PostgreSQL transaction,
moves the id sequences past the copied ids, and verifies each table before committing: same row count,
and the same SHA-256 over the rows in primary-key order, with every value written in one canonical
form (SQLite keeps moments as text and flags as 0/1, PostgreSQL as timestamps and booleans; reals are
compared at the 4-byte precision of PostgreSQL's REAL). Any
difference rolls everything back: the target is either a verified copy or still empty.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
import struct
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import peewee

from par_desktop.db import audit_chain, connection, schema
from par_desktop.db.models import ALL_MODELS
from par_desktop.db.uri import read_only_uri
from par_desktop.errors import DatabaseUnavailable, InvalidInput

BATCH = 5000


@dataclass(frozen=True)
class TableCopy:
    table: str
    rows: int
    sha256: str


def migrate(sqlite_location: str, url: str, *, batch: int = BATCH,
            progress: Callable[[TableCopy], None] | None = None) -> list[TableCopy]:
    """Copy the SQLite database at ``sqlite_location`` into the empty PostgreSQL database at ``url``.

    Returns one verified ``TableCopy`` per table; ``progress`` is called as each table is done.
    """
    check_locations(sqlite_location, url)
    with tempfile.TemporaryDirectory(prefix="par-migrate-") as folder:
        snapshot = _snapshot(sqlite_location, Path(folder) / "snapshot.db")
        source = sqlite3.connect(read_only_uri(snapshot), uri=True)
        try:
            return _copy_all(source, url, batch, progress)
        finally:
            source.close()


def check_locations(sqlite_location: str, url: str) -> None:
    """A SQLite file to a PostgreSQL URL, or a message saying which side is wrong."""
    if connection.is_postgres(sqlite_location):
        raise InvalidInput("migrate-to chép từ một tệp SQLite: hãy chỉ tệp nguồn bằng --db TỆP.db.")
    if not connection.is_postgres(url):
        raise InvalidInput(f"Đích {url} không phải địa chỉ PostgreSQL (postgresql://người_dùng@máy_chủ/tên_csdl).")


def _snapshot(location: str, out: Path) -> Path:
    """A consistent copy of the file at the current schema version (an older file is upgraded first,
    as any command would; a newer one is refused)."""
    from par_desktop.db import backup

    db = schema.open_database(location)   # refuses a missing, foreign or newer file; upgrades an older one
    db.close()
    backup.backup_database(location, out)
    return out


def _copy_all(source: sqlite3.Connection, url: str, batch: int,
              progress: Callable[[TableCopy], None] | None) -> list[TableCopy]:
    target = connection.make_database(url)
    models = peewee.sort_models(ALL_MODELS)
    with connection.translated_errors():
        target.connect()
        try:
            existing = target.get_tables()
            if existing:
                raise InvalidInput(
                    f"Cơ sở dữ liệu đích {connection.describe(url)} không trống (đã có {len(existing)} bảng: "
                    f"{', '.join(existing[:5])}{'…' if len(existing) > 5 else ''}). migrate-to chỉ chép vào một "
                    "cơ sở dữ liệu trống để không ghi đè dữ liệu nào; hãy tạo cơ sở dữ liệu mới (createdb) "
                    "rồi chạy lại.")
            copies = []
            with target.bind_ctx(ALL_MODELS, bind_refs=False, bind_backrefs=False), target.atomic():
                for model in models:
                    model._schema.create_table(safe=False)
                    rows = _copy_table(source, target, model, batch)
                    model._schema.create_indexes(safe=False)   # after the data: one sort, not a b-tree per row
                    _reset_sequence(target, model)
                    copies.append(_verify(source, target, model, rows))
                    if progress is not None:
                        progress(copies[-1])
                audit_chain.protect(target)
            return copies
        finally:
            target.close()


def _columns(model) -> list[peewee.Field]:
    return list(model._meta.sorted_fields)


def _order(model, side: str) -> str:
    """ORDER BY the primary key, text keys in code-point order on both sides (SQLite's BINARY = "C")."""
    pk = model._meta.primary_key
    collate = ' COLLATE "C"' if side == "pg" and not isinstance(pk, peewee.IntegerField) else ""
    return f'"{pk.column_name}"{collate}'


def _select(model, side: str) -> str:
    cols = ", ".join(f'"{f.column_name}"' for f in _columns(model))
    return f'SELECT {cols} FROM "{model._meta.table_name}" ORDER BY {_order(model, side)}'


def _copy_table(source: sqlite3.Connection, target: peewee.Database, model, batch: int) -> int:
    """Stream the table through COPY (text format), ``batch`` rows per COPY statement."""
    fields = _columns(model)
    encoders = [_encoder(model, field) for field in fields]
    cols = ", ".join(f'"{f.column_name}"' for f in fields)
    sql = f'COPY "{model._meta.table_name}" ({cols}) FROM STDIN'
    cursor = source.execute(_select(model, "sqlite"))
    pg_cursor = target.cursor()
    copied = 0
    while chunk := cursor.fetchmany(batch):
        text = "".join("\t".join([encode(value, row) for encode, value in zip(encoders, row)]) + "\n"
                       for row in chunk)
        with peewee.__exception_wrapper__:
            pg_cursor.copy_expert(sql, io.StringIO(text))
        copied += len(chunk)
    return copied


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def _encoder(model, field: peewee.Field) -> Callable[[Any, tuple], str]:
    """SQLite's stored value -> its text in PostgreSQL's COPY format, refusing what PostgreSQL would
    refuse (or silently change) with a message naming the table, the row and the column."""
    table = model._meta.table_name

    def bad(row: tuple, value: Any, why: str) -> InvalidInput:
        return InvalidInput(f"Bảng {table}, dòng có khóa {row[0]!r}, cột {field.column_name}: {why} "
                            f"({str(value)[:60]!r}). Hãy sửa dòng này trong tệp SQLite rồi chạy lại; "
                            "chưa có gì được ghi vào PostgreSQL.")

    if isinstance(field, (peewee.DateTimeField, peewee.DateField)):
        moment = isinstance(field, peewee.DateTimeField)

        def encode(value, row):
            if value is None:
                return NULL
            try:
                return _moment(value).isoformat(sep=" ") if moment else _day(value).isoformat()
            except (TypeError, ValueError):
                raise bad(row, value, "không đọc được ngày giờ") from None
        return encode
    if isinstance(field, peewee.BooleanField):
        return lambda value, row: NULL if value is None else ("t" if value else "f")
    if isinstance(field, peewee.BlobField):
        return lambda value, row: NULL if value is None else "\\\\x" + bytes(value).hex()
    if isinstance(field, (peewee.FloatField, peewee.IntegerField, peewee.ForeignKeyField)):
        integer = not isinstance(field, peewee.FloatField)

        def encode(value, row):
            if value is None:
                return NULL
            if isinstance(value, int) or (not integer and isinstance(value, float)):
                return str(value) if integer else repr(float(value))
            raise bad(row, value, "không phải số" + (" nguyên" if integer else ""))
        return encode
    limit = field.max_length if isinstance(field, peewee.CharField) else None

    def encode(value, row):
        if value is None:
            return NULL
        value = str(value)
        if limit and len(value) > limit:
            raise bad(row, value, f"dài {len(value)} ký tự, PostgreSQL chỉ nhận tối đa {limit}")
        if "\x00" in value:
            raise bad(row, value, "chứa ký tự NUL mà PostgreSQL không lưu được")
        return value.translate(_COPY_ESCAPES)
    return encode


def _reset_sequence(target: peewee.Database, model) -> None:
    """Make the next id follow the copied ones (the rows were inserted with their own ids)."""
    pk = model._meta.primary_key
    if not isinstance(pk, peewee.AutoField):
        return
    table, column = model._meta.table_name, pk.column_name
    target.execute_sql(
        f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX(\"{column}\"), 1), MAX(\"{column}\") IS NOT NULL) "
        f'FROM "{table}"', (f'"{table}"', column))


def _verify(source: sqlite3.Connection, target: peewee.Database, model, copied: int) -> TableCopy:
    table = model._meta.table_name
    fields = _columns(model)
    expected_count, expected = checksum(_sqlite_rows(source, model), fields)
    actual_count, actual = checksum(_postgres_rows(target, model), fields)
    if not (expected_count == actual_count == copied) or expected != actual:
        where = _first_difference(source, target, model) if expected_count == actual_count else ""
        raise DatabaseUnavailable(
            f"Kiểm tra sau khi chép bảng {table} không khớp (SQLite {expected_count} dòng, PostgreSQL "
            f"{actual_count} dòng; tổng kiểm {'khớp' if expected == actual else 'khác'}{where}). Đã hủy toàn bộ, "
            "cơ sở dữ liệu PostgreSQL vẫn trống.")
    return TableCopy(table, actual_count, actual)


def _first_difference(source: sqlite3.Connection, target: peewee.Database, model) -> str:
    """", dòng có khóa K, cột C: 'a' ≠ 'b'" for the first value whose canonical forms differ."""
    fields = _columns(model)
    normalisers = [_normaliser(field) for field in fields]
    for mine, theirs in zip(_sqlite_rows(source, model), _postgres_rows(target, model)):
        for field, norm, a, b in zip(fields, normalisers, mine, theirs):
            if norm(a) != norm(b):
                return f", dòng có khóa {mine[0]!r}, cột {field.column_name}: {norm(a)!r} ≠ {norm(b)!r}"
    return ""


def _postgres_rows(target: peewee.Database, model) -> Iterator[tuple]:
    """The rows as PostgreSQL returns them, a batch at a time through a server-side cursor."""
    name = f"par_verify_{model._meta.table_name}"
    target.execute_sql(f"DECLARE {name} NO SCROLL CURSOR FOR {_select(model, 'pg')}")
    while chunk := target.execute_sql(f"FETCH {BATCH} FROM {name}").fetchall():
        yield from chunk
    target.execute_sql(f"CLOSE {name}")


def _sqlite_rows(source: sqlite3.Connection, model) -> Iterator[tuple]:
    cursor = source.execute(_select(model, "sqlite"))
    while chunk := cursor.fetchmany(BATCH):
        yield from chunk


def checksum(rows: Iterable[tuple], fields: list[peewee.Field]) -> tuple[int, str]:
    """(row count, SHA-256 hex) of rows in key order, each value in its canonical text form."""
    digest = hashlib.sha256()
    count = 0
    normalisers = [_normaliser(field) for field in fields]
    for row in rows:
        # repr of a tuple of str/int/None is unambiguous and the same on every platform
        digest.update(repr(tuple([norm(value) for norm, value in zip(normalisers, row)])).encode("utf-8"))
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


def _normaliser(field: peewee.Field) -> Callable[[Any], Any]:
    """One text form per value, whichever database it came from: moments as ISO with microseconds,
    dates as ISO, flags as 0/1, reals as Python's shortest repr, blobs as hex."""
    if isinstance(field, peewee.DateTimeField):
        return _moment_text
    if isinstance(field, peewee.DateField):
        return lambda v: None if v is None else _day(v).isoformat()
    if isinstance(field, peewee.BooleanField):
        return lambda v: None if v is None else int(bool(v))
    if isinstance(field, peewee.FloatField):
        return lambda v: None if v is None else repr(_single(float(v)))
    if isinstance(field, peewee.BlobField):
        return lambda v: None if v is None else bytes(v).hex()
    if isinstance(field, (peewee.IntegerField, peewee.AutoField, peewee.ForeignKeyField)):
        return lambda v: None if v is None else int(v)
    return lambda v: None if v is None else str(v)


def _single(value: float) -> float:
    """``value`` at single precision: peewee's FloatField is REAL — 4 bytes — on PostgreSQL but 8 on
    SQLite, so a limit of 10.68421052631579 working days (an export's due moment) comes back as
    10.684211. Both sides are compared as the 4-byte value PostgreSQL keeps."""
    try:
        return struct.unpack("<f", struct.pack("<f", value))[0]
    except (OverflowError, struct.error):
        return value


def _moment_text(value: Any) -> str | None:
    """``YYYY-MM-DD HH:MM:SS.ffffff``; SQLite's usual text forms are completed without parsing."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) in (19, 26) and value[10] == " ":
        return value if len(value) == 26 else value + ".000000"
    return _moment(value).isoformat(sep=" ", timespec="microseconds")


def _moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime.fromisoformat(str(value))


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
