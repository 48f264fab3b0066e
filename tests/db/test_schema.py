"""Schema creation, versions, upgrades and the refusal of files PAR Desktop cannot use."""

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from par_desktop.db import schema
from par_desktop.db.models import AppMeta, Unit
from par_desktop.errors import DatabaseUnavailable, SchemaTooNew


def test_new_database_has_current_version_and_passes_check(empty_db):
    from par_desktop.db.connection import current

    assert AppMeta.get_by_id("schema_version").value == str(schema.SCHEMA_VERSION)
    assert schema.check(current()) == []


def test_sqlite_settings_suit_a_network_share(empty_db):
    conn = sqlite3.connect(empty_db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    from par_desktop.db.connection import current

    db = current()
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 10000


def test_newer_schema_is_refused_and_left_untouched(empty_db):
    from par_desktop.db.connection import current

    AppMeta.update(value="99").where(AppMeta.key == "schema_version").execute()
    current().close()
    before = empty_db.read_bytes()
    with pytest.raises(SchemaTooNew, match="mới hơn"):
        schema.open_database(str(empty_db))
    assert empty_db.read_bytes() == before


def _as_version_1(path) -> None:
    """Turn a current file into what version 1 wrote: the same tables, no append-only audit triggers."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("UPDATE app_meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()


def test_version_1_file_is_backed_up_then_upgraded(empty_db, isolated_user_dirs):
    """The real upgrade 1 -> 2 (audit trail made append-only by the database) after a backup."""
    from par_desktop.db.backup import default_backup_dir
    from par_desktop.db.changes import audit
    from par_desktop.db.connection import current, write_transaction

    Unit.create(name="Văn phòng Sở", short_code="VP")
    current().close()
    _as_version_1(empty_db)
    schema.open_database(str(empty_db))
    assert AppMeta.get_by_id("schema_version").value == str(schema.SCHEMA_VERSION)
    assert schema.check(current()) == []
    with write_transaction():
        audit("vanphong", "update", "unit", 1, "head_name", "", "Nguyễn Thị Hương")
    with pytest.raises(Exception, match="append-only"):
        current().execute_sql("UPDATE audit_log SET new_value = 'sửa lén'")
    with pytest.raises(Exception, match="append-only"):
        current().execute_sql("DELETE FROM audit_log")
    backups = list(default_backup_dir(str(empty_db)).glob("*truoc-nang-cap-v1.db"))
    assert len(backups) == 1
    kept = sqlite3.connect(backups[0])
    assert kept.execute("SELECT value FROM app_meta WHERE key='schema_version'").fetchone()[0] == "1"
    assert kept.execute("SELECT name FROM unit").fetchall() == [("Văn phòng Sở",)]


V2_DEMO = Path(__file__).resolve().parents[1] / "data" / "schema-v2-demo.db"


def test_a_real_version_2_file_is_upgraded_with_its_data(tmp_path, isolated_user_dirs):
    """``tests/data/schema-v2-demo.db`` was written by the released version 2 (``init --demo
    --dossiers 80``): every later step must carry its rows over and leave a file that passes check."""
    from par_desktop.db.connection import current
    from par_desktop.db.models import Dossier, Handover, Procedure, Task

    path = tmp_path / "v2.db"
    shutil.copyfile(V2_DEMO, path)
    schema.open_database(str(path))
    assert AppMeta.get_by_id("schema_version").value == str(schema.SCHEMA_VERSION)
    assert schema.check(current()) == []
    assert Dossier.select().count() == 80
    assert Task.select().count() > 10
    # issue 15: the plan's own wording of the unit cells, how to address an applicant (empty: not known)
    assert {t.lead_text for t in Task.select()} == {""} and {t.coordinating_text for t in Task.select()} == {""}
    assert {d.applicant_kind for d in Dossier.select()} == {""}
    assert len(schema.database_identity() or "") == 32     # an identity given at the upgrade
    assert not schema.is_demo_database()                    # made by version 2: never taken for a demo
    # The catalogue's new columns arrive with their defaults: every old limit was in working days.
    procedures = list(Procedure.select())
    assert procedures and {(p.limit_unit, p.limit_text, p.decision_number, p.published_on, p.needs_completion)
                           for p in procedures} == {("working", "", "", None, False)}
    assert Handover.select().where(Handover.giver_name != "").count() == 0
    # The PAR INDEX tables arrive empty, and the index commands work on the upgraded file at once.
    from par_desktop.db.models import IndexCriterion, IndexEvidence, IndexSet
    from par_desktop.services.par_index import metrics

    assert IndexSet.select().count() == IndexCriterion.select().count() == IndexEvidence.select().count() == 0
    values = metrics.compute(metrics.MetricPeriod(date(2024, 1, 1), date(2024, 12, 31), date(2025, 1, 1)))
    assert values["dossiers_on_time_rate"].denominator > 0


def test_check_reports_an_unprotected_audit_trail(empty_db):
    from par_desktop.db.connection import current

    current().execute_sql("DROP TRIGGER audit_log_no_delete")
    assert any("trigger" in problem for problem in schema.check(current()))


def test_check_names_the_columns_a_table_lacks(empty_db):
    """A file made by an earlier development build of the same schema version lacks later columns: the
    dashboard would only say "no such column"; check names each one."""
    from par_desktop.db.connection import current

    db = current()
    db.execute_sql("ALTER TABLE task DROP COLUMN lead_text")
    db.execute_sql("ALTER TABLE dossier DROP COLUMN applicant_kind")
    problems = schema.check(db)
    assert "Bảng task thiếu cột: lead_text." in problems
    assert "Bảng dossier thiếu cột: applicant_kind." in problems


def test_failed_upgrade_changes_nothing(empty_db, monkeypatch):
    from par_desktop.db.connection import current

    current().close()
    _as_version_1(empty_db)

    def broken_step(db):
        db.execute_sql('ALTER TABLE "unit" ADD COLUMN "phone" VARCHAR(40)')
        raise RuntimeError("step failed half-way")

    monkeypatch.setitem(schema.MIGRATIONS, 2, broken_step)
    with pytest.raises(RuntimeError):
        schema.open_database(str(empty_db))
    conn = sqlite3.connect(empty_db)
    assert conn.execute("SELECT value FROM app_meta WHERE key='schema_version'").fetchone()[0] == "1"
    assert "phone" not in [row[1] for row in conn.execute("PRAGMA table_info(unit)")]


def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseUnavailable, match="không phải của PAR Desktop"):
        schema.open_database(str(path))


def test_garbage_file_gets_a_vietnamese_message(tmp_path):
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(DatabaseUnavailable, match="bị hỏng"):
        schema.open_database(str(path))


def test_missing_folder_and_missing_file(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="Không tìm thấy thư mục"):
        schema.open_database(str(tmp_path / "no-such-share" / "par.db"), create=True)
    with pytest.raises(DatabaseUnavailable, match="Chưa có cơ sở dữ liệu"):
        schema.open_database(str(tmp_path / "par.db"))
    assert not (tmp_path / "par.db").exists()


def test_check_reports_a_damaged_reference(empty_db):
    from par_desktop.db.connection import current

    db = current()
    db.execute_sql("PRAGMA foreign_keys=OFF")
    db.execute_sql("INSERT INTO unit_alias (unit_id, alias, key) VALUES (999, 'x', 'x')")
    db.execute_sql("PRAGMA foreign_keys=ON")
    problems = schema.check(db)
    assert any("unit_alias" in p for p in problems)


def test_version_2_file_gains_the_service_columns_unknown(tmp_path, isolated_user_dirs):
    """Dossiers stored before the one-stop service columns existed keep them unknown (None), not "no"."""
    from par_desktop.db.models import Dossier, Procedure, SurveyWave

    path = tmp_path / "v2.db"
    shutil.copyfile(V2_DEMO, path)
    schema.open_database(str(path))
    d = Dossier.select().first()
    assert (d.digitised_dossier, d.digitised_result, d.payment, d.rating) == (None, None, None, "")
    p = Procedure.select().first()
    assert (p.decision_number, p.published_on, p.effective_on) == ("", None, None)
    assert SurveyWave.select().count() == 0


def test_version_3_file_gains_the_open_dossiers_index_that_the_dashboard_reads(tmp_path, isolated_user_dirs):
    """Version 4 indexes the open dossiers' clocks: a version-3 file gains the index when opened, and
    the dashboard's counts per unit and soonest-due list are read from it alone (no table rows)."""
    from datetime import datetime

    from par_desktop.db.connection import current
    from par_desktop.db.models import Dossier

    path = tmp_path / "v3.db"
    shutil.copyfile(V2_DEMO, path)
    schema.open_database(str(path))
    current().close()
    conn = sqlite3.connect(path)       # the file as version 3 left it: no such index
    index = next(name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                                  "AND name LIKE 'dossier_closed_at_due_at%'"))
    conn.execute(f'DROP INDEX "{index}"')
    conn.execute("UPDATE app_meta SET value = '3' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()

    schema.open_database(str(path))
    assert AppMeta.get_by_id("schema_version").value == "4"
    assert schema.check(current()) == []
    from par_desktop.services.dossiers import due_lists

    captured: list[str] = []
    current().connection().set_trace_callback(captured.append)
    due_lists.due_summary_by_unit(datetime(2024, 6, 3, 9, 0))
    due_lists.near_due_dossiers(datetime(2024, 6, 3, 9, 0), include_overdue=True, limit=200)
    current().connection().set_trace_callback(None)
    plans = [" ".join(str(row[-1]) for row in current().execute_sql(f"EXPLAIN QUERY PLAN {sql}"))
             for sql in captured if sql.lstrip().upper().startswith("SELECT") and '"dossier"' in sql]
    assert len(plans) == 2
    assert all(index in plan for plan in plans), plans
    assert "COVERING INDEX" in plans[0]                 # the counts: the index alone
    assert Dossier.select().count() == 80
