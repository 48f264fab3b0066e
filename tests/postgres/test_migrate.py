"""``migrate-to``: the demo database moved from SQLite into an empty PostgreSQL database, verified by
counts and checksums computed independently on each side, and refused or rolled back whole otherwise."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from par_desktop.db import connection, migrate
from par_desktop.db.models import ALL_MODELS, RegisterEntry, Unit
from par_desktop.db.schema import check, open_database
from par_desktop.errors import InvalidInput

pytestmark = pytest.mark.postgres


def _sqlite_counts(path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {m._meta.table_name: conn.execute(f'SELECT count(*) FROM "{m._meta.table_name}"').fetchone()[0]
                for m in ALL_MODELS}
    finally:
        conn.close()


def test_demo_database_moves_across_with_matching_counts_and_checksums(demo_template, tmp_path, pg_url, pg_admin):
    source = tmp_path / "demo.db"
    shutil.copy(demo_template, source)
    copies = migrate.migrate(str(source), pg_url)
    expected = _sqlite_counts(source)
    assert {c.table: c.rows for c in copies} == expected
    assert expected["dossier"] == 1500 and sum(expected.values()) > 4000
    # The checksums are those of PostgreSQL's own rows, read back through a separate connection.
    admin = pg_admin(pg_url)
    fields = {m._meta.table_name: list(m._meta.sorted_fields) for m in ALL_MODELS}
    for copy in copies:
        rows = admin.rows(migrate._select(next(m for m in ALL_MODELS if m._meta.table_name == copy.table), "pg"))
        assert migrate.checksum(rows, fields[copy.table]) == (copy.rows, copy.sha256)
    # The application works on the copy; new ids follow the copied ones.
    db = open_database(pg_url)
    assert check(db) == []
    top = max(u.id for u in Unit.select())
    assert Unit.create(name="Phòng mới", short_code="PM").id == top + 1
    assert RegisterEntry.create(year=2024, type_abbr="KH", number=1, full_number="1/KH", title="x").id == 1


def test_checksums_see_a_changed_value(demo_template):
    """The normalised checksum is equal across representations but not blind: one minute differs."""
    from par_desktop.db.models import Dossier

    conn = sqlite3.connect(demo_template)
    fields = list(Dossier._meta.sorted_fields)
    rows = conn.execute(migrate._select(Dossier, "sqlite")).fetchall()
    conn.close()
    before = migrate.checksum(rows, fields)
    changed = [list(r) for r in rows]
    received = [f.name for f in fields].index("received_at")
    changed[7][received] = changed[7][received][:15] + "9" + changed[7][received][16:]
    assert migrate.checksum([tuple(r) for r in changed], fields) != before
    assert migrate.checksum([tuple(r) for r in changed[:-1]], fields)[0] == before[0] - 1


def test_target_must_be_empty(demo_template, tmp_path, pg_db, pg_admin):
    source = tmp_path / "demo.db"
    shutil.copy(demo_template, source)
    Unit.create(name="Đã có dữ liệu", short_code="X")
    connection.current().close()
    with pytest.raises(InvalidInput, match="không trống"):
        migrate.migrate(str(source), pg_db)
    assert pg_admin(pg_db).rows("SELECT name FROM unit") == [("Đã có dữ liệu",)]


def test_a_row_postgresql_cannot_hold_stops_everything(demo_template, tmp_path, pg_url, pg_admin):
    source = tmp_path / "demo.db"
    shutil.copy(demo_template, source)
    conn = sqlite3.connect(source)
    conn.execute("UPDATE dossier SET applicant = ? WHERE id = 1200", ("Công ty " * 40,))
    conn.commit()
    conn.close()
    with pytest.raises(InvalidInput, match=r"Bảng dossier, dòng có khóa 1200, cột applicant: dài 320 ký tự"):
        migrate.migrate(str(source), pg_url)
    assert pg_admin(pg_url).rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == []


def test_unreadable_moment_is_named(demo_template, tmp_path, pg_url):
    source = tmp_path / "demo.db"
    shutil.copy(demo_template, source)
    conn = sqlite3.connect(source)
    conn.execute("UPDATE dossier SET received_at = '31/02/2024 08:00' WHERE id = 5")
    conn.commit()
    conn.close()
    with pytest.raises(InvalidInput, match="Bảng dossier, dòng có khóa 5, cột received_at: không đọc được ngày giờ"):
        migrate.migrate(str(source), pg_url)


@pytest.mark.slow
def test_command_line(demo_template, tmp_path, pg_url, cli):
    source = tmp_path / "demo.db"
    shutil.copy(demo_template, source)
    done = cli("migrate-to", pg_url, "--json", db=source, user="quantri")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {t["table"]: t["rows"] for t in report["tables"]} == _sqlite_counts(source)
    assert report["rows"] == sum(_sqlite_counts(source).values())
    assert ":***@" in report["target"] or "@" not in report["target"]
    again = cli("migrate-to", pg_url, db=source, user="quantri")
    assert again.returncode == 1 and again.stderr.startswith("error: ") and "không trống" in again.stderr
    assert "Traceback" not in again.stderr
    # Reading the copy through the command line gives what the file gives.
    assert cli("tasks", "--json", db=pg_url).stdout == cli("tasks", "--json", db=source).stdout


@pytest.mark.slow
def test_command_line_text_report(demo_template, tmp_path, pg_url, cli):
    source = tmp_path / "demo.db"
    shutil.copy(demo_template, source)
    done = cli("migrate-to", pg_url, db=source, user="quantri")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(ALL_MODELS) + 1
    assert lines[-1].startswith(f"copied {sum(_sqlite_counts(source).values())} rows in {len(ALL_MODELS)} tables")
    assert any(line.split()[:2] == ["dossier", "1500"] for line in lines)


def test_wrong_source_or_target(tmp_path, pg_url, cli):
    assert "tệp SQLite" in cli("migrate-to", pg_url, db=pg_url).stderr
    missing = cli("migrate-to", pg_url, db=tmp_path / "khong-co.db")
    assert missing.returncode == 1 and "Chưa có cơ sở dữ liệu" in missing.stderr
    assert "không phải địa chỉ PostgreSQL" in cli("migrate-to", str(tmp_path / "b.db"), db=tmp_path / "a.db").stderr
