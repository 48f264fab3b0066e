"""The PostgreSQL driver is loaded when a PostgreSQL database is opened, not whenever peewee is imported.

peewee imports psycopg2 (and with it libpq, OpenSSL's Python modules and psycopg2's extras) at its own
import, about 20 ms on every start — also on the SQLite file that almost every office uses.
``defer_postgres_driver`` (called by the package's ``__init__``) loads peewee the first time with the
PostgreSQL drivers looking absent; ``enable_postgres`` then gives peewee psycopg2 exactly as peewee's
own import would have (the names it binds at import: ``psycopg2``, ``pg_extensions``, ``Json_pg2``,
the UUID adapter and the transaction-status constants of its psycopg2 adapter) before a PostgreSQL
database is made. The PostgreSQL test suite runs every feature through this path.
"""

from __future__ import annotations

import importlib.util
import sys

_DRIVERS = ("psycopg2", "psycopg")


class _Loader:
    """peewee's own loader, run while the PostgreSQL drivers cannot be imported."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):          # get_source, get_code, is_package …: peewee's loader answers
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        hidden = [name for name in _DRIVERS if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None      # "import psycopg2" raises ImportError while peewee runs
        try:
            self._loader.exec_module(module)
        finally:
            for name in hidden:
                if name in sys.modules and sys.modules[name] is None:
                    del sys.modules[name]


class _PeeweeFinder:
    """A one-shot meta-path finder: finds peewee where Python would, with ``_Loader`` around its loader."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "peewee":
            return None
        if cls in sys.meta_path:
            sys.meta_path.remove(cls)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


def defer_postgres_driver() -> None:
    """Make peewee's first import skip the PostgreSQL drivers (nothing to do once peewee is loaded)."""
    if "peewee" not in sys.modules and _PeeweeFinder not in sys.meta_path:
        sys.meta_path.insert(0, _PeeweeFinder)


def enable_postgres() -> None:
    """Give peewee the psycopg2 driver it would have bound at import (no-op when it has it). Without
    psycopg2 installed nothing changes, and peewee says so when the database is opened."""
    import peewee

    if getattr(peewee, "psycopg2", None) is not None:
        return
    try:
        import psycopg2
        from psycopg2 import extensions, extras
    except ImportError:
        return
    extras.register_uuid()
    peewee.psycopg2, peewee.pg_extensions, peewee.Json_pg2 = psycopg2, extensions, extras.Json
    peewee.pg_register_uuid = extras.register_uuid
    adapter = getattr(peewee, "Psycopg2Adapter", None)     # peewee 4 (3.x reads the module's names)
    if adapter is not None:
        adapter.txn_idle = extensions.TRANSACTION_STATUS_IDLE
        adapter.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
        adapter.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN
