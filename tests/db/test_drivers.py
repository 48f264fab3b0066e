"""The PostgreSQL driver is loaded when a PostgreSQL database is opened, not with peewee (db/drivers.py)."""

import subprocess
import sys

PROBE = """
import sys
from par_desktop.db import connection, drivers   # the package defers the driver before peewee loads
import peewee
print('psycopg2' in sys.modules, peewee.psycopg2 is None)
drivers.enable_postgres()
import psycopg2
from psycopg2 import extensions
adapter = peewee.Psycopg2Adapter
print(peewee.psycopg2 is psycopg2, peewee.pg_extensions is extensions,
      adapter.txn_idle == extensions.TRANSACTION_STATUS_IDLE, adapter().json_type is not None)
"""


def test_peewee_comes_without_psycopg2_and_gets_it_when_postgres_is_opened():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "False True"                  # an SQLite start does not load the driver
    assert out[1] == "True True True True"         # as peewee's own import would have bound it
