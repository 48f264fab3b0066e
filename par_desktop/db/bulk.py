"""Fast bulk inserts for imports and demo data.

peewee builds an SQL string per ``insert_many`` batch, which costs more than SQLite's work for
100,000-row imports; here the statement is built once and the rows go through ``executemany``.
Python-side defaults of the model (version, timestamps, flags) are filled in, as ``create`` would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from peewee import Model

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
    placeholders = ", ".join([db.param] * len(fields))
    sql = f"INSERT INTO {opening}{meta.table_name}{closing} ({columns}) VALUES ({placeholders})"
    default_values = tuple(meta.fields[name].db_value(value) for name, value in defaults.items())
    converters = [meta.fields[name].db_value for name in given]
    cursor = db.cursor()
    for start in range(0, len(rows), chunk):
        batch = [tuple(convert(row[name]) for convert, name in zip(converters, given)) + default_values
                 for row in rows[start:start + chunk]]
        cursor.executemany(sql, batch)
    return len(rows)
