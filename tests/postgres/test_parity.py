"""The same answers from SQLite and PostgreSQL: statistics, timers, tasks and date comparisons on the
demo data, bulk inserts, and dossier imports in one transaction.

SQLite keeps moments as text ("2024-03-01 08:00:00") and PostgreSQL as timestamps; the queries the
services build must compare them the same way on both.
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from datetime import date, datetime, timedelta

import pytest
from peewee import fn

from par_desktop.db import connection, migrate
from par_desktop.db.bulk import bulk_insert
from par_desktop.db.models import AuditLog, Dossier, Unit
from par_desktop.db.schema import open_database

pytestmark = pytest.mark.postgres

AT = datetime(2024, 12, 31, 17, 0)


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _answers(only_2024: bool = False) -> dict:
    """What clerks see, computed by the services against the bound database."""
    from par_desktop.services import stats
    from par_desktop.services.dossiers import due_lists
    from par_desktop.services.dossiers import timing as dossier_timing
    from par_desktop.services.tasks import views as task_views

    states = dossier_timing.states_at(AT)
    if only_2024:
        states = [s for s in states if s["received_at"] < "2025"]
    units = [u.id for u in Unit.select().order_by(Unit.id)]
    return {
        "stats_year": stats.dossier_statistics(date(2024, 1, 1), date(2024, 12, 31)).as_json(),
        "stats_q3": stats.dossier_statistics(date(2024, 7, 1), date(2024, 9, 30)).as_json(),
        "stats_units": [stats.dossier_statistics(date(2024, 1, 1), date(2024, 6, 30), u).as_json() for u in units],
        "by_month": _plain(stats.on_time_rate_by_month(2024)),
        "by_unit": _plain(stats.on_time_rate_by_unit(date(2024, 1, 1), date(2024, 12, 31))),
        "states": states,
        "tasks": [task_views.task_json(v) for v in task_views.list_tasks(task_views.TaskFilters(), date(2024, 12, 1))],
        "task_summary": _plain(task_views.summary_by_unit(date(2024, 12, 1))),
        "overdue_q4": _plain(due_lists.overdue_dossiers(period=(date(2024, 10, 1), date(2024, 12, 31)), at=AT)),
        "near_due": _plain(due_lists.near_due_dossiers(at=datetime(2024, 6, 14, 9, 0), include_overdue=True)),
        "due_summary": _plain(due_lists.due_summary(at=datetime(2024, 6, 14, 9, 0))),
        **_service_answers(),
        **_index_answers(),
    }


def _index_answers() -> dict:
    """The PAR INDEX: every metric of 2024 (the dossier ones read the table in storage order on SQLite
    only) and the 2024 score tree with its points at risk."""
    from par_desktop.services.par_index import criteria, metrics, scoring

    period = criteria.metric_period(criteria.require_set(2024), date(2024, 12, 1))
    return {"index_metrics": {key: value.as_json() for key, value in metrics.compute(period).items()},
            "index_2024": scoring.score_report(2024, date(2024, 12, 1)).as_json()}


def _service_answers() -> dict:
    """The service index, its trend, the units compared, the dossiers that cost points, the survey."""
    from par_desktop.services import service_quality as sq
    from par_desktop.services import survey

    year = (date(2024, 1, 1), date(2024, 12, 31))
    wave = survey.waves()[0]
    return {
        "service_year": sq.service_index(*year).as_json(),
        "service_units": [(b.label, b.share) for b in sq.breakdown(*year, "unit")],
        "service_trend": [round(index.total_points, 9) for _, index in sq.monthly_trend(2024)],
        "service_costly": _plain(sq.costly_dossiers(date(2024, 10, 1), date(2024, 12, 31))),
        "survey": survey.wave_index(wave.id).as_json(),
    }


def _documents(folder) -> dict[str, list[str]]:
    """The text of each document the Office makes, rendered to .docx and read back."""
    import docx

    from par_desktop.services import documents
    from par_desktop.services.session import SYSTEM

    late = Dossier.select().where(Dossier.closed_at > Dossier.due_at).order_by(Dossier.code).first()
    requests = {
        "plan": documents.DocRequest(kind="plan"),
        "monthly": documents.DocRequest(kind="monthly_report", month="2024-10"),
        "explanation": documents.DocRequest(kind="explanation_request", month="2024-10", unit="NCC"),
        "reminder": documents.DocRequest(kind="reminder", unit="KHTC", today=date(2024, 10, 1)),
        "slip": documents.DocRequest(kind="control_slip", dossier=late.code),
    }
    texts = {}
    for name, request in requests.items():
        path = documents.generate(SYSTEM, request, folder / f"{name}.docx").path
        document = docx.Document(path)
        texts[name] = [p.text for p in document.paragraphs] + [
            "|".join(cell.text for cell in row.cells) for table in document.tables for row in table.rows]
    return texts


@pytest.mark.slow
def test_migrated_demo_answers_exactly_as_the_file(demo_template, tmp_path, pg_url):
    source = tmp_path / "demo.db"
    shutil.copy(demo_template, source)
    open_database(str(source))
    on_sqlite = _answers()
    (tmp_path / "sqlite").mkdir()
    sqlite_documents = _documents(tmp_path / "sqlite")
    connection.current().close()
    migrate.migrate(str(source), pg_url)
    open_database(pg_url)
    on_postgres = _answers()
    assert on_sqlite["stats_year"]["total"]["received_total"] > 1000
    for key in on_sqlite:
        assert on_postgres[key] == on_sqlite[key], key
    (tmp_path / "pg").mkdir()
    postgres_documents = _documents(tmp_path / "pg")
    assert all(len(text) > 10 for text in sqlite_documents.values())
    for name, text in sqlite_documents.items():
        assert postgres_documents[name] == text, name


@pytest.mark.slow
def test_demo_filled_on_postgres_gives_the_same_2024(demo_template, tmp_path, pg_demo_db):
    """The demo generated natively on PostgreSQL (same seed) has the same year 2024 as on SQLite."""
    on_postgres = _answers(only_2024=True)
    connection.current().close()
    source = tmp_path / "demo.db"
    shutil.copy(demo_template, source)
    open_database(str(source))
    on_sqlite = _answers(only_2024=True)
    for key in on_sqlite:
        assert on_postgres[key] == on_sqlite[key], key


MOMENTS = ["2024-02-29 00:00:00", "2024-02-29 07:59:59", "2024-02-29 23:59:00", "2024-03-01 00:00:00",
           "2024-03-01 00:00:00.500000", "2024-03-01 08:00:00", "2024-03-31 23:59:59.999999"]


def _comparisons() -> dict[str, list[str]]:
    """The forms of comparison the services use, each returning the codes it selects."""
    d = Dossier
    first, after = datetime(2024, 3, 1), datetime(2024, 4, 1)

    def codes(condition) -> list[str]:
        return [r.code for r in d.select(d.code).where(condition).order_by(d.code)]

    return {
        "half-open month": codes((d.received_at >= first) & (d.received_at < after)),
        "from a date": codes(d.received_at >= date(2024, 3, 1)),
        "before a date": codes(d.received_at < date(2024, 3, 1)),
        "closed after due": codes(d.closed_at > d.due_at),
        "closed on the due day": codes(fn.DATE(d.closed_at) == fn.DATE(d.due_at)),
        "closed before the due day": codes(fn.DATE(d.closed_at) < fn.DATE(d.due_at)),
        "null moments": codes(d.closed_at.is_null()),
        "last minute": codes(d.received_at >= datetime(2024, 2, 29, 23, 59)),
    }


def test_moment_comparisons_agree(empty_db, pg_db):
    """Moments around midnight and with fractions of a second select the same rows on both backends."""
    answers = []
    for location in (str(empty_db), pg_db):
        open_database(location)
        with connection.write_transaction():
            for i, text in enumerate(MOMENTS):
                moment = datetime.fromisoformat(text)
                Dossier.create(code=f"D{i}", received_at=moment, start_at=moment, due_at=moment + timedelta(hours=8),
                               closed_at=None if i % 3 == 0 else moment + timedelta(hours=4 + 3 * i))
        answers.append(_comparisons())
        connection.current().close()
    assert answers[0] == answers[1]
    assert answers[0]["half-open month"] == ["D3", "D4", "D5", "D6"]


def test_bare_date_as_upper_bound_differs_at_midnight(empty_db, pg_db):
    """The one form that does NOT agree: ``moment <= date``. SQLite compares text ("2024-03-01 00:00:00"
    sorts after "2024-03-01"), PostgreSQL compares a timestamp with midnight. Services use ``< next day``."""
    found = []
    for location in (str(empty_db), pg_db):
        open_database(location)
        midnight = datetime(2024, 3, 1)
        Dossier.create(code="NUA-DEM", received_at=midnight, start_at=midnight, due_at=midnight)
        found.append(Dossier.select().where(Dossier.received_at <= date(2024, 3, 1)).count())
        connection.current().close()
    assert found == [0, 1]


def test_bulk_insert_fills_defaults_and_round_trips(any_empty_db):
    """db.bulk.bulk_insert on either backend: Python defaults filled, moments and flags read back equal."""
    rows = [{"code": f"HS-{i:06d}", "received_at": datetime(2024, 1, 2, 8, 0) + timedelta(minutes=i),
             "start_at": datetime(2024, 1, 2, 8, 0) + timedelta(minutes=i),
             "due_at": datetime(2024, 1, 16, 8, 0), "limit_days": 10.0, "withdrawn": i % 7 == 0}
            for i in range(20000)]
    started = time.perf_counter()
    with connection.write_transaction():
        assert bulk_insert(Dossier, rows) == 20000
    elapsed = time.perf_counter() - started
    assert elapsed < 10, elapsed
    assert Dossier.select().count() == 20000
    sample = Dossier.get(Dossier.code == "HS-000700")
    assert (sample.received_at, sample.withdrawn, sample.version, sample.channel) == \
        (datetime(2024, 1, 2, 19, 40), True, 1, "direct")
    assert isinstance(sample.updated_at, datetime)


def test_bulk_insert_keeps_awkward_text_and_bytes(any_empty_db):
    """Tabs, line breaks, backslashes, "\\N", Vietnamese text and raw bytes come back unchanged."""
    from par_desktop.db.models import Attachment, ProgressReport, Task

    texts = ["a\tb", "dòng 1\ndòng 2\r\n", "C:\\du-lieu\\N", "\\N", "", "Đơn vị – “Phòng”", None]
    blobs = [b"\x00\x01\t\n\\N\xff", b"", bytes(range(256))]
    task = Task.create(ref="I.1", content="x")
    report = ProgressReport.create(task=task, reported_on=date(2024, 5, 1), percent=50)
    with connection.write_transaction():
        bulk_insert(AuditLog, [{"username": "u", "action": "import", "table_name": "t", "old_value": t}
                               for t in texts])
        bulk_insert(Attachment, [{"report": report.id, "filename": f"{i}.bin", "size": len(b), "sha256": "",
                                  "content": b} for i, b in enumerate(blobs)])
    assert [a.old_value for a in AuditLog.select().order_by(AuditLog.id)] == texts
    assert [bytes(a.content) for a in Attachment.select().order_by(Attachment.id)] == blobs


def test_bulk_insert_failure_is_a_peewee_error_and_rolls_back(any_empty_db):
    import peewee

    rows = [{"code": "TRUNG", "received_at": datetime(2024, 1, 2), "start_at": datetime(2024, 1, 2),
             "due_at": datetime(2024, 1, 3)}] * 2
    with pytest.raises(peewee.IntegrityError):
        with connection.write_transaction():
            AuditLog.create(username="x", action="import", table_name="dossier")
            bulk_insert(Dossier, rows)
    assert Dossier.select().count() == 0 and AuditLog.select().count() == 0


def test_dossier_import_is_one_transaction_on_both(any_demo_db, tmp_path):
    """A file with one bad row imports nothing; the good file imports every row, on either backend."""
    from openpyxl import Workbook

    from par_desktop.db.models import Procedure
    from par_desktop.importers.dossiers import ImportRefused
    from par_desktop.services.dossiers import importing as dossier_import
    from par_desktop.services.session import SYSTEM

    procedure = Procedure.select().order_by(Procedure.id).first()
    before = (Dossier.select().count(), AuditLog.select().count())

    def workbook(rows) -> str:
        book = Workbook()
        sheet = book.active
        sheet.append(["Mã hồ sơ", "Mã thủ tục", "Ngày tiếp nhận", "Hình thức nộp"])
        for row in rows:
            sheet.append(row)
        path = tmp_path / f"hs-{len(rows)}-{rows[-1][0]}.xlsx"
        book.save(path)
        return str(path)

    good = [[f"PG-{i:04d}", procedure.code, f"0{1 + i % 9}/07/2024 08:30", "Trực tuyến"] for i in range(50)]
    with pytest.raises(ImportRefused):
        dossier_import.import_dossiers(SYSTEM, workbook(good + [["PG-BAD", procedure.code, "31/02/2024", "Trực tiếp"]]))
    assert (Dossier.select().count(), AuditLog.select().count()) == before
    summary = dossier_import.import_dossiers(SYSTEM, workbook(good))
    assert summary.new == 50
    assert Dossier.select().count() == before[0] + 50
    again = dossier_import.import_dossiers(SYSTEM, workbook(good))
    assert (again.new, again.unchanged) == (0, 50)


def test_plan_import_gives_the_same_tasks(empty_db, pg_db, tmp_path):
    """The reference plan (.docx) imported on each backend: the same tasks, and importing it again
    changes nothing on either."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
    from plan_files import reference_docx

    from par_desktop.services.session import SYSTEM
    from par_desktop.services.tasks import plan_import
    from par_desktop.services.tasks import views as task_views

    plan = reference_docx(tmp_path / "ke-hoach-38-cchc-2024.docx")
    results = []
    for location in (str(empty_db), pg_db):
        open_database(location)
        first = plan_import.import_plan(SYSTEM, plan, with_obligations=True)
        again = plan_import.import_plan(SYSTEM, plan, with_obligations=True)
        views = [task_views.task_json(v) for v in task_views.list_tasks(task_views.TaskFilters(), date(2024, 8, 1))]
        results.append((first.task_count, again.task_count, views, AuditLog.select().count()))
        connection.current().close()
    assert results[0][0] >= 10
    assert results[0] == results[1]
