"""Automatic and manual backups (sao lưu), their rotation, and restores under maintenance mode.

Automatic backups are taken at the first start of each day (``daily_backup_if_due``) into the folder of
the setting ``backups.dir`` or, when empty, the user's local data folder (the share may be what fails).
Rotation keeps the newest daily backup of each of the last ``backups.keep_daily`` days and, before
those, the newest of each of ``backups.keep_weekly`` ISO weeks. Manual, pre-upgrade and pre-restore
copies are never deleted automatically.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from par_desktop.db import backup as db_backup
from par_desktop.db import connection
from par_desktop.db.changes import audit
from par_desktop.db.models import AppMeta
from par_desktop.errors import InvalidInput, PermissionDenied, UserError
from par_desktop.services import presence
from par_desktop.services.session import Actor, require

DAILY = "hang-ngay"
MANUAL = "thu-cong"
KIND_LABELS = {DAILY: "Tự động hằng ngày", MANUAL: "Thủ công", "truoc-nang-cap": "Trước nâng cấp",
               "truoc-khoi-phuc": "Trước khôi phục", "": "Khác"}
# <stem>-YYYYMMDD-HHMMSS-mmm[-reason].db, as db.backup names them.
_NAME = re.compile(r"-(\d{8})-(\d{6})-(\d{3})(?:-([a-z0-9-]+))?\.db$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    kind: str          # hang-ngay | thu-cong | truoc-nang-cap | truoc-khoi-phuc | ""
    size: int

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, KIND_LABELS[""])


SHARED_FOLDER_NAME = "PAR Desktop - sao lưu"


def backup_folder(location: str) -> Path:
    """Where this database's daily and manual backups go, one folder per database (``folder_key``): the
    setting ``backups.dir`` (e.g. a network folder), else a folder beside the database file — one copy a
    day for the whole office, not one per PC (issue 20). PostgreSQL: this PC's data folder."""
    from par_desktop.services import settings

    configured = str(settings.get(settings.BACKUPS_DIR) or "").strip()
    if configured:
        return Path(configured).expanduser() / db_backup.folder_key(location)
    if connection.is_postgres(location):
        return db_backup.default_backup_dir(location)
    return Path(location).resolve().parent / SHARED_FOLDER_NAME / db_backup.folder_key(location)


def _parse(path: Path, stem: str) -> BackupInfo | None:
    if not path.name.startswith(stem + "-"):
        return None
    match = _NAME.search(path.name[len(stem):])
    if match is None:
        return None
    day, clock, millis, reason = match.groups()
    try:
        taken = datetime.strptime(day + clock + millis, "%Y%m%d%H%M%S%f")
    except ValueError:
        return None
    kind = "truoc-nang-cap" if (reason or "").startswith("truoc-nang-cap") else (reason or "")
    return BackupInfo(path, taken, kind, path.stat().st_size)


def _scan(folder: Path, stem: str) -> list[BackupInfo]:
    if not folder.is_dir():
        return []
    found = (_parse(p, stem) for p in folder.glob(f"{stem}-*.db") if p.is_file())
    return sorted((b for b in found if b is not None), key=lambda b: b.taken_at, reverse=True)


def list_backups(location: str) -> list[BackupInfo]:
    """Backups of this database, newest first: the configured folder and the local data folder
    (pre-upgrade and pre-restore copies are always written to the latter)."""
    stem = Path(location).stem
    folders = {backup_folder(location), db_backup.default_backup_dir(location)}
    seen: dict[Path, BackupInfo] = {}
    for folder in folders:
        for info in _scan(folder, stem):
            seen[info.path.resolve()] = info
    return sorted(seen.values(), key=lambda b: b.taken_at, reverse=True)


LOG_NAME = "nhat-ky-sao-luu.jsonl"
RESTORED = "khoi-phuc"


def _file_head(path: Path):
    """The audit chain's head as stored in a backup file (None when it is not a SQLite file of ours)."""
    import sqlite3

    from par_desktop.db.audit_chain import GENESIS, Head
    from par_desktop.db.uri import read_only_uri

    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            last = conn.execute("SELECT id, row_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
            count = conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return Head(count, last[0], last[1]) if last else Head(0, 0, GENESIS)


def log_head(location: str, kind: str, file: Path | None, head=None) -> None:
    """Append the audit chain's head to the backup log (one JSON line), kept beside the backups: a later
    rewrite of the trail in the database no longer matches it (``head_problems``)."""
    import json

    from par_desktop.db import audit_chain
    from par_desktop.db.schema import database_identity

    if head is None:
        head = _file_head(file) if file is not None and not connection.is_postgres(location) else None
    if head is None:
        head = audit_chain.head(connection.current())
    line = {"at": datetime.now().isoformat(timespec="seconds"), "database_id": database_identity(),
            "kind": kind, "file": str(file) if file else None, **head.as_json()}
    folder = backup_folder(location)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / LOG_NAME).open("a", encoding="utf-8") as log:
            log.write(json.dumps(line, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise InvalidInput(f"Không ghi được nhật ký sao lưu trong {folder}: {exc.strerror or exc}.") from None


def _logged_heads(location: str) -> list[dict]:
    import json

    from par_desktop.db.schema import database_identity

    identity = database_identity()
    lines = []
    for folder in {backup_folder(location), db_backup.default_backup_dir(location)}:
        path = folder / LOG_NAME
        if not path.is_file():
            continue
        for text in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                line = json.loads(text)
            except ValueError:
                continue
            if isinstance(line, dict) and line.get("database_id") == identity:
                lines.append(line)
    return sorted(lines, key=lambda line: str(line.get("at")))


def head_problems(location: str) -> list[str]:
    """Where the audit trail no longer contains a head the backup log recorded since the last restore
    (a restore legitimately brings back an earlier trail)."""
    from par_desktop.db.audit_chain import hash_of_row

    lines = _logged_heads(location)
    restores = [n for n, line in enumerate(lines) if line.get("kind") == RESTORED]
    problems = []
    for line in lines[restores[-1] if restores else 0:]:
        last_id = line.get("audit_last_id") or 0
        if not last_id:
            continue
        stored = hash_of_row(int(last_id))
        if stored != line.get("audit_last_hash"):
            what = "không còn" if stored is None else "đã bị sửa"
            problems.append(f"Nhật ký thay đổi không khớp nhật ký sao lưu ({line.get('at')}, "
                            f"{line.get('file') or line.get('kind')}): dòng số {last_id} {what}.")
            break
    return problems


def _take(location: str, kind: str) -> Path:
    folder = backup_folder(location)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"Không tạo được thư mục sao lưu {folder}: {exc.strerror}. "
                           "Hãy chọn thư mục khác trong Cài đặt → Sao lưu.") from None
    out = folder / f"{Path(location).stem}-{db_backup._stamp()}-{kind}.db"
    path = db_backup.backup_database(location, out)
    log_head(location, kind, path)
    return path


def backup_now(actor: Actor, location: str) -> Path:
    """A manual backup, kept until someone deletes it."""
    require(actor, "backup")
    return _take(location, MANUAL)


DAILY_CLAIM_KEY = "daily_backup"


def _claim_daily(today: date) -> bool:
    """Record in the database that this session takes today's backup; False when another PC already did
    (or is doing it right now: its session is alive). One short write: no PC copies the file for nothing."""
    import json
    import socket

    session = presence.current_session() or f"cli-{os.getpid()}"
    with connection.translated_errors(), connection.write_transaction(guarded=False):
        row = AppMeta.get_or_none(AppMeta.key == DAILY_CLAIM_KEY)
        claim = _parse_claim(row.value) if row is not None else {}
        if claim.get("day") == today.isoformat():
            if claim.get("state") == "done":
                return False
            if claim.get("session") != session and _claimant_alive(claim.get("session", "")):
                return False
        AppMeta.insert(key=DAILY_CLAIM_KEY, value=json.dumps({
            "day": today.isoformat(), "state": "claimed", "session": session, "machine": socket.gethostname(),
        })).on_conflict_replace().execute()
    return True


def _parse_claim(value: str) -> dict:
    import json

    try:
        data = json.loads(value)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _claimant_alive(session_id: str) -> bool:
    from par_desktop.db.models import Presence

    row = Presence.get_or_none(Presence.session_id == session_id) if session_id else None
    return row is not None and not presence._is_stale(row)


def _finish_claim(today: date, done: bool) -> None:
    import json

    with connection.translated_errors(), connection.write_transaction(guarded=False):
        row = AppMeta.get_or_none(AppMeta.key == DAILY_CLAIM_KEY)
        claim = _parse_claim(row.value) if row is not None else {}
        if claim.get("day") != today.isoformat():
            return
        if done:
            claim["state"] = "done"
            AppMeta.update(value=json.dumps(claim)).where(AppMeta.key == DAILY_CLAIM_KEY).execute()
        else:                              # failed: let the next PC that starts try again
            AppMeta.delete().where(AppMeta.key == DAILY_CLAIM_KEY).execute()


def daily_backup_if_due(location: str, today: date | None = None) -> Path | None:
    """At the first start of a day: back up, then rotate — once per database per day for the whole office
    (a claim recorded in the database), into ``backup_folder``. None when today's backup is taken or being
    taken elsewhere (or for PostgreSQL, whose backups are the server's job)."""
    if connection.is_postgres(location):
        return None
    today = today or date.today()
    stem = Path(location).stem
    folder = backup_folder(location)
    if any(b.kind == DAILY and b.taken_at.date() == today for b in _scan(folder, stem)):
        return None
    if not _claim_daily(today):
        return None
    try:
        path = _take(location, DAILY)
    except BaseException:
        _finish_claim(today, done=False)
        raise
    _finish_claim(today, done=True)
    rotate(location)
    return path


def scheduled_backup(location: str) -> Path:
    """``par-desktop backup`` without ``--out``, as Task Scheduler runs it at night: a daily backup in
    this database's backup place (``backup_folder``: its settings, not the folders of whatever account
    the task runs as), then the rotation, like the first start of a day."""
    if connection.is_postgres(location):
        return db_backup.backup_database(location)
    path = _take(location, DAILY)
    rotate(location)
    return path


def _iso_week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def rotate(location: str) -> list[Path]:
    """Delete the daily backups the rotation no longer keeps; return them."""
    from par_desktop.services import settings

    keep_daily = int(settings.get(settings.BACKUPS_KEEP_DAILY))
    keep_weekly = int(settings.get(settings.BACKUPS_KEEP_WEEKLY))
    dailies = [b for b in _scan(backup_folder(location), Path(location).stem) if b.kind == DAILY]
    keep: set[Path] = set()
    days: list[date] = []
    weeks: list[tuple[int, int]] = []
    for info in dailies:                      # newest first
        day = info.taken_at.date()
        if day in days:
            continue                          # an older copy of a day already kept
        if len(days) < keep_daily:
            days.append(day)
            keep.add(info.path)
            continue
        week = _iso_week(day)
        if week in weeks or any(_iso_week(d) == week for d in days):
            continue                          # that week is represented already
        if len(weeks) < keep_weekly:
            weeks.append(week)
            keep.add(info.path)
    removed = []
    for info in dailies:
        if info.path not in keep:
            info.path.unlink(missing_ok=True)
            removed.append(info.path)
    return removed


@dataclass(frozen=True)
class RestorePreview:
    """What a restore brings back and what it loses, for the administrator to read before choosing."""
    backup: db_backup.BackupSummary
    same_database: bool
    current_counts: dict[str, int]
    lost_changes: int | None       # audit rows written after the backup (None: the trails have parted)
    lost_since: str | None

    def lines(self) -> list[str]:
        labels = db_backup.COUNTED_TABLES
        now = ", ".join(f"{self.current_counts.get(t, 0):,} {label}".replace(",", ".")
                        for t, label in labels.items() if t != "audit_log")
        lines = [f"Bản sao lưu {self.backup.path.name}: {self.backup.describe()}.", f"Hiện tại: {now}."]
        if not self.same_database:
            lines.append("CẢNH BÁO: bản sao lưu này thuộc một cơ sở dữ liệu KHÁC" + (
                " (tạo bởi phiên bản cũ, không mang mã nhận dạng)" if self.backup.identity is None else "")
                + ": khôi phục sẽ thay toàn bộ dữ liệu hiện tại bằng dữ liệu của nơi khác.")
        elif self.lost_changes is None:
            lines.append("Nhật ký hiện tại không chứa thời điểm của bản sao (đã khôi phục một bản cũ hơn sau đó): "
                         "mọi thay đổi từ khi tách nhánh sẽ mất.")
        elif self.lost_changes:
            lines.append(f"Sẽ mất {self.lost_changes:,} thay đổi ghi sau thời điểm sao lưu".replace(",", ".")
                         + (f" (từ {self.lost_since[:16]})" if self.lost_since else "") + ".")
        else:
            lines.append("Không có thay đổi nào sau thời điểm sao lưu.")
        return lines


def restore_preview(location: str, source: str | Path) -> RestorePreview:
    """Inspect ``source`` against the bound (live) SQLite database without changing either."""
    from par_desktop.db import audit_chain
    from par_desktop.db.models import AuditLog
    from par_desktop.db.schema import database_identity

    source = Path(source)
    db_backup.refuse_restoring_onto_itself(location, source)
    summary = db_backup.inspect_backup(source)
    db = connection.current()
    with connection.translated_errors():
        identity = database_identity()
        tables = set(db.get_tables())
        counts = {t: db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                  for t in db_backup.COUNTED_TABLES if t in tables}
        same = summary.identity is not None and summary.identity == identity
        lost, since = None, None
        if same and (summary.audit_last_id == 0 or
                     audit_chain.hash_of_row(summary.audit_last_id) == summary.audit_last_hash):
            after = AuditLog.select().where(AuditLog.id > summary.audit_last_id)
            lost = after.count()
            first = after.order_by(AuditLog.id).first()
            since = first.at.isoformat(sep=" ") if first is not None and hasattr(first.at, "isoformat") else None
    return RestorePreview(summary, same, counts, lost, since)


def restore_backup(actor: Actor, location: str, source: str | Path, *,
                   other_database: bool = False) -> Path | None:
    """Replace the database with a backup under maintenance mode; returns the copy kept of the old file.

    The backup must be a sound, untampered copy of *this* database (``restore_preview``); another
    database's file (or one without an identity) needs ``other_database`` — an administrator's explicit
    choice. Other clerks' writes are refused (đang bảo trì) while it runs. The restored file carries the
    presence and maintenance rows of the moment it was taken, so this session's presence is written
    again and the restore itself is recorded in the restored file's audit trail.
    """
    require(actor, "restore")
    source = Path(source)
    archive = None
    if connection.is_postgres(location):   # read whole once, here; pg_tools.restore uses what was read
        from par_desktop.db import pg_tools
        from par_desktop.db.schema import database_identity

        archive = pg_tools.inspect_archive(source)
        identity = archive.identity
        with connection.translated_errors():
            same = identity is not None and identity == database_identity()
    else:
        preview = restore_preview(location, source)
        identity, same = preview.backup.identity, preview.same_database
    if not same and not other_database:
        raise PermissionDenied(
            f"Bản sao lưu {source.name} thuộc một cơ sở dữ liệu khác"
            + (" (không mang mã nhận dạng)" if identity is None else "")
            + ", không phải bản sao của cơ sở dữ liệu đang dùng; không khôi phục. Nếu thật sự muốn thay "
            "toàn bộ dữ liệu bằng tệp này, quản trị phải chọn rõ «khôi phục dữ liệu khác» "
            "(dòng lệnh: restore --other-database).")
    reason = f"Khôi phục từ {source.name}"
    held_before = presence.maintenance_state()
    presence.enter_maintenance(actor, reason)
    try:
        kept = db_backup.restore_database(location, source, archive=archive)
    except BaseException:
        if held_before is None or held_before.abandoned:
            presence.leave_maintenance(actor)
        raise
    try:
        with connection.translated_errors(), connection.write_transaction():
            audit(actor.username, "restore", "app_meta", "database", "file", str(kept) if kept else None,
                  str(source))
        from par_desktop.db import audit_chain

        log_head(location, RESTORED, source, head=audit_chain.head(connection.current()))
    except UserError as exc:
        raise InvalidInput(f"Đã khôi phục nhưng chưa ghi xong nhật ký: {exc.message}"
                           + (f" Dữ liệu trước khi khôi phục được giữ tại {kept}." if kept else "")) from None
    presence.heartbeat()
    # The restored file may carry a hold copied with it (e.g. a pre-restore copy): clear it, and keep
    # maintenance only when the administrator had entered it by hand before restoring.
    presence.leave_maintenance(actor, force=True)
    if held_before is not None and held_before.active:
        presence.enter_maintenance(actor, held_before.reason)
    return kept
