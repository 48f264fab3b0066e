"""Automatic and manual backups (sao lưu), their rotation, and restores under maintenance mode.

Automatic backups are taken at the first start of each day (``daily_backup_if_due``) into the folder of
the setting ``backups.dir`` or, when empty, the user's local data folder (the share may be what fails).
Rotation keeps the newest daily backup of each of the last ``backups.keep_daily`` days and, before
those, the newest of each of ``backups.keep_weekly`` ISO weeks. Manual, pre-upgrade and pre-restore
copies are never deleted automatically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from par_desktop.db import backup as db_backup
from par_desktop.db import connection
from par_desktop.db.changes import audit
from par_desktop.errors import InvalidInput
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


def backup_folder(location: str) -> Path:
    """Where this database's backups go: the setting ``backups.dir``, else the local data folder."""
    from par_desktop.services import settings

    configured = str(settings.get(settings.BACKUPS_DIR) or "").strip()
    if configured:
        return Path(configured).expanduser() / Path(location).stem
    return db_backup.default_backup_dir(location)


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


def _take(location: str, kind: str) -> Path:
    folder = backup_folder(location)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"Không tạo được thư mục sao lưu {folder}: {exc.strerror}. "
                           "Hãy chọn thư mục khác trong Cài đặt → Sao lưu.") from None
    out = folder / f"{Path(location).stem}-{db_backup._stamp()}-{kind}.db"
    return db_backup.backup_database(location, out)


def backup_now(actor: Actor, location: str) -> Path:
    """A manual backup, kept until someone deletes it."""
    require(actor, "backup")
    return _take(location, MANUAL)


def daily_backup_if_due(location: str, today: date | None = None) -> Path | None:
    """At the first start of a day: back up, then rotate. None when today's backup exists already
    (or for PostgreSQL, whose backups are the server's job)."""
    if connection.is_postgres(location):
        return None
    today = today or date.today()
    stem = Path(location).stem
    folder = backup_folder(location)
    if any(b.kind == DAILY and b.taken_at.date() == today for b in _scan(folder, stem)):
        return None
    path = _take(location, DAILY)
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
        week = tuple(day.isocalendar())[:2]
        if week in weeks or any(tuple(d.isocalendar())[:2] == week for d in days):
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


def restore_backup(actor: Actor, location: str, source: str | Path) -> Path | None:
    """Replace the database with a backup under maintenance mode; returns the copy kept of the old file.

    Other clerks' writes are refused (đang bảo trì) while it runs. The restored file carries the
    presence and maintenance rows of the moment it was taken, so this session's presence is written
    again and the restore itself is recorded in the restored file's audit trail.
    """
    require(actor, "restore")
    source = Path(source)
    if not connection.is_postgres(location):   # pg_tools.restore reads the whole archive before touching anything
        db_backup.validate_backup(source)
    reason = f"Khôi phục từ {source.name}"
    held_before = presence.maintenance_state()
    presence.enter_maintenance(actor, reason)
    try:
        kept = db_backup.restore_database(location, source)
    except BaseException:
        if held_before is None or held_before.abandoned:
            presence.leave_maintenance(actor)
        raise
    with connection.translated_errors(), connection.write_transaction():
        audit(actor.username, "restore", "app_meta", "database", "file", str(kept) if kept else None, str(source))
    presence.heartbeat()
    # The restored file may carry a hold copied with it (e.g. a pre-restore copy): clear it, and keep
    # maintenance only when the administrator had entered it by hand before restoring.
    presence.leave_maintenance(actor, force=True)
    if held_before is not None and held_before.active:
        presence.enter_maintenance(actor, held_before.reason)
    return kept
