"""Fast bulk inserts for imports and demo data.

peewee builds an SQL string per ``insert_many`` batch, which costs more than SQLite's work for
100,000-row imports; here the statement is built once and the rows go through ``executemany``
(SQLite) or psycopg2's ``execute_values`` (PostgreSQL, whose ``executemany`` costs a round trip per
row). Python-side defaults of the model (version, timestamps, flags) are filled in, as ``create``
would. Driver errors come out as peewee's (IntegrityError …), like those of any other query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    placeholders = ", ".join([db.param] * len(fields))
    sql = f"INSERT INTO {opening}{meta.table_name}{closing} ({columns}) VALUES "
    default_values = tuple(meta.fields[name].db_value(value) for name, value in defaults.items())
    converters = [meta.fields[name].db_value for name in given]
    cursor = db.cursor()
    postgres = isinstance(db, PostgresqlDatabase)
    if postgres:
        from psycopg2.extras import execute_values
    for start in range(0, len(rows), chunk):
        batch = [tuple(convert(row[name]) for convert, name in zip(converters, given)) + default_values
                 for row in rows[start:start + chunk]]
        with __exception_wrapper__:
            if postgres:
                execute_values(cursor, sql + "%s", batch, page_size=1000)
            else:
                cursor.executemany(sql + f"({placeholders})", batch)
    return len(rows)
