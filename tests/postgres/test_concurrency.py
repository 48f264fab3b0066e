"""Several clerks writing at once on PostgreSQL: unique numbering from 4 processes, optimistic
concurrency between two sessions, the per-(year, type) numbering lock, and an audit row per change.

Numbering follows the rule every numbering service must use (``lock_for_numbering`` inside
``write_transaction``, then MAX + 1); the same worker runs on an SQLite file to show both backends give
the same register.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import peewee
import pytest

from par_desktop.db import changes, connection
from par_desktop.db.models import AuditLog, RegisterEntry, Setting, Unit
from par_desktop.errors import ConflictError

from conftest import wait_for_files

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[2]

WORKER = textwrap.dedent('''
    """One clerk's process: python worker.py LOCATION NAME COUNT GO_FILE MODE"""
    import json
    import sys
    import time
    from pathlib import Path

    from peewee import fn

    from par_desktop.db import connection
    from par_desktop.db.models import RegisterEntry
    from par_desktop.db.schema import open_database

    location, name, count, go, mode = sys.argv[1:6]
    db = open_database(location)
    Path(f"{go}.{name}").touch()      # ready
    while not Path(go).exists():
        time.sleep(0.005)
    numbers = []
    for i in range(int(count)):
        # "write": the services' way; "atomic": a transaction opened without the writers' lock, where
        # only lock_for_numbering keeps the numbers unique.
        with (connection.write_transaction() if mode == "write" else db.atomic()):
            connection.lock_for_numbering(2024, "KH")
            last = (RegisterEntry.select(fn.MAX(RegisterEntry.number))
                    .where((RegisterEntry.year == 2024) & (RegisterEntry.type_abbr == "KH")).scalar() or 0)
            RegisterEntry.create(year=2024, type_abbr="KH", number=last + 1, full_number=f"{last + 1}/KH-SLĐTBXH",
                                 title=f"{name}-{i}", issued_by=name)
            numbers.append(last + 1)
    print(json.dumps(numbers))
''')


def _number_in_parallel(location: str, tmp_path: Path, mode: str, processes: int = 4,
                       each: int = 25) -> list[list[int]]:
    worker = tmp_path / "worker.py"
    worker.write_text(WORKER, encoding="utf-8")
    go = tmp_path / "go"
    clerks = [subprocess.Popen([sys.executable, str(worker), location, f"clerk{n}", str(each), str(go), mode],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
                               env=dict(os.environ, PYTHONPATH=str(REPO)))
              for n in range(processes)]
    wait_for_files(*(Path(f"{go}.clerk{n}") for n in range(processes)))   # all opened: start together
    go.touch()
    results = []
    for clerk in clerks:
        out, err = clerk.communicate(timeout=120)
        assert clerk.returncode == 0, err
        results.append(json.loads(out))
    return results


def _register() -> list[tuple[int, str]]:
    return [(r.number, r.issued_by) for r in RegisterEntry.select().order_by(RegisterEntry.number)]


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["write", "atomic"])
def test_four_processes_number_uniquely_on_postgres(pg_db, tmp_path, mode):
    results = _number_in_parallel(pg_db, tmp_path, mode)
    numbers = sorted(n for r in results for n in r)
    assert numbers == list(range(1, 101))
    assert all(len(r) == 25 and r == sorted(r) for r in results)
    register = _register()
    assert [n for n, _ in register] == list(range(1, 101))
    assert {who for _, who in register} == {f"clerk{n}" for n in range(4)}


@pytest.mark.slow
def test_same_register_on_sqlite_and_postgres(pg_db, empty_db, tmp_path):
    """4 processes, 25 numbers each: both backends give 1..100, every clerk 25 increasing numbers."""
    from par_desktop.db.schema import open_database

    connection.current().close()
    per_backend = {}
    for location in (str(empty_db), pg_db):
        folder = tmp_path / ("pg" if location == pg_db else "sqlite")
        folder.mkdir()
        results = _number_in_parallel(location, folder, "write")
        open_database(location)
        per_backend[location] = ([n for n, _ in _register()], sorted(len(r) for r in results))
        connection.current().close()
    assert per_backend[str(empty_db)] == per_backend[pg_db] == (list(range(1, 101)), [25, 25, 25, 25])


def test_numbering_lock_is_per_year_and_type(pg_db, pg_admin):
    other = pg_admin(pg_db)
    key = "SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))"
    with connection.write_transaction():
        connection.lock_for_numbering(2024, "KH")
        assert other.value(key, (connection.NUMBERING_LOCK_SPACE, "2024/KH")) is False
        assert other.value(key, (connection.NUMBERING_LOCK_SPACE, "2024/BC")) is True
        assert other.value(key, (connection.NUMBERING_LOCK_SPACE, "2025/KH")) is True
    # released by COMMIT
    assert other.value(key, (connection.NUMBERING_LOCK_SPACE, "2024/KH")) is True


def test_numbering_lock_needs_a_transaction(pg_db, empty_db):
    for location in (pg_db, str(empty_db)):
        from par_desktop.db.schema import open_database

        open_database(location)
        with pytest.raises(RuntimeError, match="inside write_transaction"):
            connection.lock_for_numbering(2024, "KH")
        with connection.write_transaction():
            connection.lock_for_numbering(2024, "KH")   # SQLite: nothing more to do, PostgreSQL: the lock


def test_two_sessions_saving_the_same_record_one_gets_a_conflict(pg_db):
    """Two clerks opened the same setting at version 1 and press Save at the same moment."""
    setting = changes.insert_record(Setting, "admin", key="report.cutoff_day", value="15")
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def clerk(name: str, value: str) -> None:
        db = connection.current()
        try:
            barrier.wait()
            with connection.write_transaction():
                changes.update_record(Setting, setting.id, 1, name, value=value)
                time.sleep(0.1)     # still inside the transaction when the other one arrives
            outcome[name] = "saved"
        except ConflictError as exc:
            outcome[name] = exc
        finally:
            db.close()

    threads = [threading.Thread(target=clerk, args=(n, v)) for n, v in (("an", "20"), ("binh", "25"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    saved = [n for n, o in outcome.items() if o == "saved"]
    conflicts = [o for o in outcome.values() if isinstance(o, ConflictError)]
    assert len(saved) == 1 and len(conflicts) == 1
    assert conflicts[0].current["version"] == 2      # the dialog shows what the winner saved
    row = Setting.get_by_id(setting.id)
    assert row.version == 2 and row.value == {"an": "20", "binh": "25"}[saved[0]]
    updates = AuditLog.select().where(AuditLog.action == "update")
    assert [(a.username, a.old_value, a.new_value) for a in updates] == [(saved[0], "15", row.value)]


def test_stale_version_and_overwrite(pg_db):
    unit = changes.insert_record(Unit, "admin", name="Phòng Người có công", short_code="NCC")
    changes.update_record(Unit, unit.id, 1, "an", head_name="Nguyễn Văn An")
    with pytest.raises(ConflictError):
        changes.update_record(Unit, unit.id, 1, "binh", head_name="Trần Thị Bình")
    changes.update_record(Unit, unit.id, None, "binh", head_name="Trần Thị Bình")   # "Ghi đè"
    assert Unit.get_by_id(unit.id).version == 3
    changes.delete_record(Unit.get_by_id(unit.id), "admin")
    trail = [(a.action, a.username, a.field, a.old_value, a.new_value)
             for a in AuditLog.select().order_by(AuditLog.id)]
    assert trail[1:3] == [("update", "an", "head_name", "", "Nguyễn Văn An"),
                          ("update", "binh", "head_name", "Nguyễn Văn An", "Trần Thị Bình")]
    assert [t[0] for t in trail] == ["insert", "update", "update", "delete"]
    assert all(isinstance(a.at, peewee.datetime.datetime) for a in AuditLog.select())


REGISTER_WORKER = textwrap.dedent('''
    """python worker.py LOCATION NAME COUNT GO_FILE: COUNT numbers from the document register service."""
    import json
    import sys
    import time
    from pathlib import Path

    from par_desktop.db.schema import open_database
    from par_desktop.services import register
    from par_desktop.services.session import SYSTEM

    location, name, count, go = sys.argv[1:5]
    open_database(location)
    Path(f"{go}.{name}").touch()      # ready
    while not Path(go).exists():
        time.sleep(0.005)
    print(json.dumps([register.issue_number(SYSTEM, "KH", f"{name}-{i}", year=2024).full_number
                      for i in range(int(count))]))
''')


@pytest.mark.slow
def test_register_service_numbers_the_same_on_both_backends(demo_template, pg_demo_db, tmp_path):
    """services.register.issue_number from 4 processes at once: on the demo data (plan 38/KH already
    numbered) both backends hand out 39..78 exactly once each."""
    from par_desktop.db.schema import open_database

    connection.current().close()
    sqlite_copy = tmp_path / "demo.db"
    shutil.copy(demo_template, sqlite_copy)
    issued = {}
    for location in (str(sqlite_copy), pg_demo_db):
        folder = tmp_path / ("pg" if location == pg_demo_db else "sqlite")
        folder.mkdir()
        worker = folder / "worker.py"
        worker.write_text(REGISTER_WORKER, encoding="utf-8")
        go = folder / "go"
        clerks = [subprocess.Popen([sys.executable, str(worker), location, f"clerk{n}", "10", str(go)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
                                   env=dict(os.environ, PYTHONPATH=str(REPO))) for n in range(4)]
        wait_for_files(*(Path(f"{go}.clerk{n}") for n in range(4)))
        go.touch()
        numbers = []
        for clerk in clerks:
            out, err = clerk.communicate(timeout=120)
            assert clerk.returncode == 0, err
            numbers += json.loads(out)
        issued[location] = sorted(numbers, key=lambda text: int(text.split("/")[0]))
        open_database(location)
        assert RegisterEntry.select().count() == 40
        connection.current().close()
    on_sqlite, on_postgres = issued.values()
    assert on_sqlite == on_postgres
    assert [int(n.split("/")[0]) for n in on_postgres] == list(range(39, 79))
