"""Schema version, creation, upgrades and the integrity check.

The version lives in the ``app_meta`` table (works the same on SQLite and PostgreSQL). An older file
is backed up, then upgraded step by step in one transaction; a newer one is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import peewee

from par_desktop.db import connection
from par_desktop.db.audit_chain import APPEND_ONLY_MESSAGE
from par_desktop.db.models import ALL_MODELS, SCHEMA_VERSION, AppMeta
from par_desktop.errors import DatabaseUnavailable, SchemaTooNew

# The database's identity (AppMeta keys): a random id given at creation and carried by every backup and
# copy of the file, and how it was created ("demo" only for ``init --demo``: such a database may open the
# GUI for a demo account without its password).
IDENTITY_KEY = "database_id"
CREATED_AS_KEY = "created_as"
CREATED_AS_DEMO = "demo"



def make_audit_append_only(db: peewee.Database) -> None:
    """Version 2: the database itself refuses to change or delete audit rows (nhật ký không sửa được),
    whatever program writes to the file."""
    if isinstance(db, peewee.SqliteDatabase):
        for event in ("UPDATE", "DELETE"):
            db.execute_sql(f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                           f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END")
    else:
        db.execute_sql("CREATE OR REPLACE FUNCTION par_audit_append_only() RETURNS trigger AS $$ BEGIN "
                       f"RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END; $$ LANGUAGE plpgsql")
        db.execute_sql("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        db.execute_sql("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                       "FOR EACH ROW EXECUTE FUNCTION par_audit_append_only()")


def _create_new_tables(db: peewee.Database) -> None:
    """Tables and indexes that a newer version added (``safe``: the ones already there are left alone)."""
    db.create_tables(ALL_MODELS, safe=True)


def _give_identity(db: peewee.Database) -> None:
    """A database made before identities existed gets one when upgraded (never marked as a demo)."""
    AppMeta.insert(key=IDENTITY_KEY, value=new_identity()).on_conflict_ignore().execute()


def _chain_audit_log(db: peewee.Database) -> None:
    """The audit trail becomes a hash chain (db.audit_chain): the column, every existing row chained in
    order, and the database refusing REPLACE (SQLite) and TRUNCATE (PostgreSQL) as well."""
    from par_desktop.db import audit_chain

    if "row_hash" not in {c.name for c in db.get_columns("audit_log")}:
        # Plain ALTER on both engines: SchemaMigrator.add_column fills a NOT NULL column with an UPDATE
        # (and rebuilds the table on SQLite), which the table's own protection refuses.
        db.execute_sql("ALTER TABLE audit_log ADD COLUMN row_hash VARCHAR(64) NOT NULL DEFAULT ''")
    audit_chain.rechain(db)


def new_identity() -> str:
    import uuid

    return uuid.uuid4().hex


def _add_columns(db: peewee.Database, model, names: tuple[str, ...]) -> None:
    """Add ``model``'s fields ``names`` to its table where they are missing (SQLite and PostgreSQL)."""
    from playhouse.migrate import SchemaMigrator, migrate

    table = model._meta.table_name
    present = {column.name for column in db.get_columns(table)}
    migrator = SchemaMigrator.from_database(db)
    operations = [migrator.add_column(table, model._meta.fields[name].column_name, model._meta.fields[name])
                  for name in names if model._meta.fields[name].column_name not in present]
    if operations:
        migrate(*operations)


def _catalogue_and_slip_columns(db: peewee.Database) -> None:
    """The catalogue's limit wording and unit, publication decision and dates; hand-over signatories;
    the organisation's chosen short name and the last day its names are in force."""
    from par_desktop.db.models import Handover, OrgProfile, Procedure

    _add_columns(db, Procedure, ("limit_unit", "limit_text", "limit_note", "decision_number", "published_on",
                                 "effective_on", "needs_completion"))
    _add_columns(db, Handover, ("giver_name", "receiver_name"))
    _add_columns(db, OrgProfile, ("short_name", "valid_to"))


def _service_columns(db: peewee.Database) -> None:
    """Service quality: the one-stop export's digitisation, payment and rating columns on dossiers
    (unknown on the dossiers already stored)."""
    from par_desktop.db.models import Dossier

    _add_columns(db, Dossier, ("digitised_dossier", "digitised_result", "payment", "rating"))


def _presence_beats(db: peewee.Database) -> None:
    """Presence rows count their heartbeats: liveness is judged on each PC's own clock (issue 20)."""
    from par_desktop.db.models import Presence

    _add_columns(db, Presence, ("beats",))


def _source_wording_and_applicant_kind(db: peewee.Database) -> None:
    """Plan tasks keep the plan's wording of their unit cells; dossiers say how to address the applicant."""
    from par_desktop.db.models import Dossier, Task

    _add_columns(db, Task, ("lead_text", "coordinating_text"))
    _add_columns(db, Dossier, ("applicant_kind",))


# Version 3 gathers this release's changes as a list of steps run in order in one transaction; each
# feature appends its step (new columns, data moves) here. New tables need no step of their own.
V3_STEPS: list[Callable[[peewee.Database], None]] = [
    _create_new_tables,
    _give_identity,
    _catalogue_and_slip_columns,
    _service_columns,
    _chain_audit_log,
    _presence_beats,
    _source_wording_and_applicant_kind,
]


def upgrade_to_3(db: peewee.Database) -> None:
    for step in V3_STEPS:
        step(db)


# Upgrade steps: MIGRATIONS[n] turns a version n-1 database into version n (runs inside a transaction).
MIGRATIONS: dict[int, Callable[[peewee.Database], None]] = {
    2: make_audit_append_only,
    3: upgrade_to_3,
    4: _create_new_tables,   # the index of the open dossiers' clocks (``Dossier.Meta.indexes``)
}


def read_version(db: peewee.Database) -> int | None:
    """The schema version, or None for an empty database; refuses files that are not ours."""
    tables = set(db.get_tables())
    if not tables:
        return None
    if AppMeta._meta.table_name not in tables:
        raise DatabaseUnavailable("Tệp này là một cơ sở dữ liệu khác, không phải của PAR Desktop.")
    row = AppMeta.get_or_none(AppMeta.key == "schema_version")
    if row is None:
        raise DatabaseUnavailable("Cơ sở dữ liệu thiếu thông tin phiên bản lược đồ; tệp có thể đã bị hỏng.")
    try:
        return int(str(row.value).strip())
    except ValueError:
        raise DatabaseUnavailable(f"Cơ sở dữ liệu ghi phiên bản lược đồ không hợp lệ («{str(row.value)[:20]}»); tệp "
                                  "đã bị sửa hoặc hỏng. Hãy khôi phục từ bản sao lưu gần nhất.") from None


def create_schema(db: peewee.Database, *, demo: bool = False) -> None:
    with connection.write_transaction():
        db.create_tables(ALL_MODELS)
        from par_desktop.db import audit_chain

        audit_chain.protect(db)
        facts = [
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "created_at", "value": datetime.now().isoformat(timespec="seconds")},
            {"key": IDENTITY_KEY, "value": new_identity()},
        ]
        if demo:
            facts.append({"key": CREATED_AS_KEY, "value": CREATED_AS_DEMO})
        AppMeta.insert_many(facts).on_conflict_replace().execute()


def database_identity() -> str | None:
    """The bound database's identity (None for a file made by a build that gave none)."""
    row = AppMeta.get_or_none(AppMeta.key == IDENTITY_KEY)
    return row.value if row is not None else None


def is_demo_database() -> bool:
    """True only for a database created by ``init --demo`` (or ``demo-gui``'s first start)."""
    row = AppMeta.get_or_none(AppMeta.key == CREATED_AS_KEY)
    return row is not None and row.value == CREATED_AS_DEMO


def upgrade(db: peewee.Database, from_version: int) -> None:
    with connection.write_transaction():
        for target in range(from_version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[target](db)
        AppMeta.update(value=str(SCHEMA_VERSION)).where(AppMeta.key == "schema_version").execute()


def open_database(location: str, *, create: bool = False, demo: bool = False) -> peewee.Database:
    """Open (and bind) the database; create it when allowed, upgrade an older one after a backup.

    ``demo`` marks a database created by this call as a demo database (an existing one is not marked)."""
    connection.check_reachable(location, must_exist=not create)
    db = connection.make_database(location)
    connection.bind(db)
    with connection.translated_errors():
        db.connect(reuse_if_open=True)
        version = read_version(db)
        if version is None and not create and isinstance(db, peewee.SqliteDatabase):
            db.close()   # an empty file (zero bytes, or SQLite without tables) is not made into a database here
            raise DatabaseUnavailable(
                f"Tệp {location} trống, không phải cơ sở dữ liệu PAR Desktop; không tạo gì trong tệp này. "
                "Hãy kiểm tra đường dẫn, hoặc chạy «par-desktop init» nếu muốn tạo cơ sở dữ liệu mới ở đây.")
        if version is None:
            create_schema(db, demo=demo)
        elif version > SCHEMA_VERSION:
            db.close()
            raise SchemaTooNew(
                f"Cơ sở dữ liệu được tạo bởi phiên bản PAR Desktop mới hơn (lược đồ {version}, phiên bản này "
                f"chỉ hiểu đến {SCHEMA_VERSION}). Hãy cài bản PAR Desktop mới nhất; tệp không bị thay đổi.")
        elif version < SCHEMA_VERSION:
            # only an upgrade makes a backup: the backup module (and the PostgreSQL tools' subprocess)
            # loads then, not at every start (docs/startup.md)
            from par_desktop.db import backup

            backup.backup_database(location, reason=f"truoc-nang-cap-v{version}")
            upgrade(db, version)
    return db


def _missing_columns(db: peewee.Database, tables: set[str]) -> list[str]:
    """Columns this version's models have that the database's tables lack (a file made by an earlier
    development build of the same schema version, or edited by hand)."""
    problems = []
    for model in ALL_MODELS:
        table = model._meta.table_name
        if table not in tables:
            continue
        present = {column.name for column in db.get_columns(table)}
        lacking = [field.column_name for field in model._meta.sorted_fields if field.column_name not in present]
        if lacking:
            problems.append(f"Bảng {table} thiếu cột: {', '.join(lacking)}.")
    return problems


def check(db: peewee.Database) -> list[str]:
    """Problems found by the integrity check, in Vietnamese; an empty list means the file is sound."""
    problems: list[str] = []
    with connection.translated_errors():
        if isinstance(db, peewee.SqliteDatabase):
            result = [row[0] for row in db.execute_sql("PRAGMA integrity_check").fetchall()]
            if result != ["ok"]:
                problems.extend(f"Lỗi toàn vẹn: {line}" for line in result[:20])
            for table, rowid, parent, _ in db.execute_sql("PRAGMA foreign_key_check").fetchall()[:20]:
                problems.append(f"Bảng {table} dòng {rowid} tham chiếu tới bản ghi không tồn tại trong {parent}.")
        try:
            version = read_version(db)
        except DatabaseUnavailable as exc:
            return problems + [exc.message]
        if version != SCHEMA_VERSION:
            problems.append(f"Phiên bản lược đồ là {version}, cần {SCHEMA_VERSION}.")
        tables = set(db.get_tables())
        missing = {m._meta.table_name for m in ALL_MODELS} - tables
        if missing:
            problems.append("Thiếu bảng: " + ", ".join(sorted(missing)))
        problems.extend(_missing_columns(db, tables))
        if "audit_log" not in missing and version == SCHEMA_VERSION:
            from par_desktop.db import audit_chain

            problems.extend(audit_chain.protection_problems(db))
            broken = audit_chain.first_break(db)
            if broken:
                problems.append(broken)
    return problems
