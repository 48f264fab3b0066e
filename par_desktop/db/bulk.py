"""Fast bulk inserts and updates for imports, recomputations and demo data.

peewee builds an SQL string per ``insert_many`` batch, which costs more than SQLite's work for
100,000-row imports; here the statement is built once and the rows go through ``executemany``
(SQLite) or COPY (PostgreSQL, where ``executemany`` costs a round trip per row and even multi-row
INSERTs are four times slower than COPY). Python-side defaults of the model (version, timestamps,
flags) are filled in, as ``create`` would. Driver errors come out as peewee's (IntegrityError …),
like those of any other query.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from peewee import Model, PostgresqlDatabase, __exception_wrapper__

from par_desktop.db.connection import current


def bulk_insert(model: type[Model], rows: Iterable[Mapping[str, Any]], chunk: int = 5000) -> int:
    """Insert ``rows`` (dicts keyed by field name; foreign keys as ids) and return how many were inserted.

    Call inside ``write_transaction()``. All rows must have the same keys.
    """
    rows = list(rows)
    if not rows:
        return 0
    meta = model._meta
    given = list(rows[0].keys())
    defaults = {name: (field.default() if callable(field.default) else field.default)
                for name, field in meta.fields.items()
                if name not in given and field.default is not None and not field.primary_key}
    fields = [meta.fields[name] for name in given] + [meta.fields[name] for name in defaults]
    db = current()
    opening, closing = db.quote  # the database's identifier quotes, e.g. '""'
    columns = ", ".join(f"{opening}{field.column_name}{closing}" for field in fields)
    table = f"{opening}{meta.table_name}{closing}"
    default_values = tuple(meta.fields[name].db_value(value) for name, value in defaults.items())
    converters = [meta.fields[name].db_value for name in given]
    cursor = db.cursor()
    postgres = isinstance(db, PostgresqlDatabase)
    placeholders = ", ".join([db.param] * len(fields))
    for start in range(0, len(rows), chunk):
        batch = [tuple(convert(row[name]) for convert, name in zip(converters, given)) + default_values
                 for row in rows[start:start + chunk]]
        with __exception_wrapper__:
            if postgres:
                text = "".join("\t".join([_copy_text(value) for value in row]) + "\n" for row in batch)
                cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", io.StringIO(text))
            else:
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch)
    return len(rows)



def bulk_update(model: type[Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """UPDATE ``columns`` (then version + 1 and ``updated_at``) of many rows by id in one statement run
    through ``executemany``; each row gives the columns' values, then the id. Call inside
    ``write_transaction()``; the caller writes the audit rows."""
    db = current()
    q = db.quote[0] + "{}" + db.quote[1]
    meta = model._meta
    fields = [meta.fields[c] for c in columns]
    sets = ", ".join(f"{q.format(f.column_name)} = {db.param}" for f in fields)
    sql = (f"UPDATE {q.format(meta.table_name)} SET {sets}, {q.format('version')} = {q.format('version')} + 1, "
           f"{q.format('updated_at')} = {db.param} WHERE {q.format('id')} = {db.param}")
    stamp = meta.fields["updated_at"].db_value(datetime.now())
    params = [tuple(f.db_value(v) for f, v in zip(fields, row[:-1])) + (stamp, row[-1]) for row in rows]
    cursor = db.cursor()
    for i in range(0, len(params), 5000):
        cursor.executemany(sql, params[i:i + 5000])

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_str(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


def _copy_bytes(value) -> str:
    return "\\\\x" + bytes(value).hex()


# PostgreSQL's COPY text format, by the exact type of the database value (the common ones first).
_COPY_BY_TYPE = {
    str: _copy_str, int: str, float: repr, type(None): lambda value: "\\N",
    bool: lambda value: "t" if value else "f",
    datetime: lambda value: value.isoformat(sep=" "), date: date.isoformat,
    bytes: _copy_bytes, bytearray: _copy_bytes, memoryview: _copy_bytes,
}


def _copy_text(value: Any) -> str:
    """A database value in PostgreSQL's COPY text format."""
    encode = _COPY_BY_TYPE.get(type(value))
    if encode is not None:
        return encode(value)
    adapted = getattr(value, "adapted", None)    # BlobField hands psycopg2's Binary wrapper over
    if isinstance(adapted, (bytes, bytearray, memoryview)):
        return _copy_bytes(adapted)
    return _copy_str(str(value))
