"""Automatic daily backups, their rotation, manual backups and restores under maintenance mode."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from par_desktop.db import backup as db_backup
from par_desktop.db.models import AppMeta, AuditLog, Unit
from par_desktop.db.schema import SCHEMA_VERSION, check, open_database
from par_desktop.errors import InvalidInput, PermissionDenied
from par_desktop.services import backups, org, presence, settings
from par_desktop.services.session import Actor

ADMIN = Actor("quantri", "admin", None, "Nguyễn Quản Trị")




def _units(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT short_code FROM unit ORDER BY short_code")]
    finally:
        conn.close()


def test_folder_is_beside_the_database_by_default_or_the_setting(empty_db, tmp_path):
    """One folder per database (its name and identity), beside the file or in the configured folder."""
    key = db_backup.folder_key(str(empty_db))
    assert key.startswith("par-") and len(key) == len("par-") + 8
    assert backups.backup_folder(str(empty_db)) == tmp_path / backups.SHARED_FOLDER_NAME / key
    settings.set_value(ADMIN, "backups.dir", str(tmp_path / "sao-luu"))
    assert backups.backup_folder(str(empty_db)) == tmp_path / "sao-luu" / key


def test_daily_backup_once_a_day_and_it_is_sound(empty_db, tmp_path):
    settings.set_value(ADMIN, "backups.dir", str(tmp_path / "sao-luu"))
    org.create_unit(ADMIN, "Văn phòng Sở", "VP")
    first = backups.daily_backup_if_due(str(empty_db))
    assert first is not None and first.parent == tmp_path / "sao-luu" / db_backup.folder_key(str(empty_db))
    assert backups.daily_backup_if_due(str(empty_db)) is None
    assert _units(first) == ["VP"]
    assert db_backup.inspect_backup(first).version == SCHEMA_VERSION
    [info] = backups.list_backups(str(empty_db))
    assert (info.path, info.kind, info.kind_label) == (first, "hang-ngay", "Tự động hằng ngày")
    assert info.taken_at.date() == date.today() and info.size > 0


def _fake_daily(folder: Path, source: Path, moment: datetime) -> Path:
    """A real backup file named as the daily backup of ``moment`` would be."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"par-{moment:%Y%m%d-%H%M%S}-000-hang-ngay.db"
    return db_backup.backup_database(str(source), out)


def test_rotation_keeps_seven_days_and_four_weeks(empty_db, tmp_path):
    settings.set_value(ADMIN, "backups.dir", str(tmp_path / "bk"))
    folder = tmp_path / "bk" / db_backup.folder_key(str(empty_db))
    today = date(2024, 6, 28)          # a Friday
    made = [_fake_daily(folder, empty_db, datetime.combine(today - timedelta(days=n), datetime.min.time())
                        + timedelta(hours=8)) for n in range(60)]
    extra = _fake_daily(folder, empty_db, datetime(2024, 6, 28, 7, 45))     # an older copy of today
    manual = backups.backup_now(ADMIN, str(empty_db))
    removed = backups.rotate(str(empty_db))
    kept = sorted(b.taken_at.date() for b in backups.list_backups(str(empty_db)) if b.kind == "hang-ngay")
    daily = [today - timedelta(days=n) for n in range(7)]          # 22/06 … 28/06
    # Newest of each of the 4 ISO weeks before: weeks 24, 23, 22, 21 → the Sundays 16/06, 09/06, 02/06, 26/05.
    weekly = [date(2024, 5, 26), date(2024, 6, 2), date(2024, 6, 9), date(2024, 6, 16)]
    assert kept == weekly + sorted(daily)
    assert extra in removed and len(removed) == 61 - 11
    assert manual.exists() and all(p.exists() != (p in removed) for p in made)


def test_restore_brings_back_the_backup_under_maintenance(empty_db):
    presence.register(ADMIN)
    org.create_unit(ADMIN, "Văn phòng Sở", "VP")
    saved = backups.backup_now(ADMIN, str(empty_db))
    org.create_unit(ADMIN, "Phòng Người có công", "NCC")
    kept = backups.restore_backup(ADMIN, str(empty_db), saved)
    assert [u.short_code for u in Unit.select()] == ["VP"]
    assert _units(kept) == ["NCC", "VP"]                       # the replaced state is kept
    assert presence.maintenance_state() is None                 # left again, also in the restored file
    assert presence.active_sessions()[0].is_self                # presence written again
    restore = AuditLog.get(AuditLog.action == "restore")
    assert (restore.old_value, restore.new_value) == (str(kept), str(saved))
    assert check(open_database(str(empty_db))) == []
    kinds = {b.kind for b in backups.list_backups(str(empty_db))}
    assert kinds == {"thu-cong", "truoc-khoi-phuc"}


def test_restoring_a_copy_taken_during_maintenance_clears_its_hold(empty_db):
    presence.register(ADMIN)
    presence.enter_maintenance(ADMIN, "Chuẩn bị")
    during = backups.backup_now(ADMIN, str(empty_db))
    presence.leave_maintenance(ADMIN)
    backups.restore_backup(ADMIN, str(empty_db), during)
    assert presence.maintenance_state() is None


def test_restore_is_refused_to_non_admins_and_during_anothers_maintenance(empty_db, tmp_path):
    saved = backups.backup_now(ADMIN, str(empty_db))
    with pytest.raises(PermissionDenied, match="khôi phục"):
        backups.restore_backup(Actor("lan", "office"), str(empty_db), saved)
    presence.enter_maintenance(Actor("quantri2", "admin", None, "Trần Quản Trị"), "Nâng cấp")
    with pytest.raises(presence.MaintenanceMode, match="Trần Quản Trị"):
        backups.restore_backup(ADMIN, str(empty_db), saved)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(InvalidInput, match="junk.db"):
        backups.restore_backup(ADMIN, str(empty_db), junk)
    assert AppMeta.get(AppMeta.key == "maintenance")            # the other admin's hold is untouched


def test_unusable_backup_folder_is_a_clear_error(empty_db, tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    settings.set_value(ADMIN, "backups.dir", str(blocker))
    with pytest.raises(InvalidInput, match="Không tạo được thư mục sao lưu"):
        backups.backup_now(ADMIN, str(empty_db))
    with pytest.raises(PermissionDenied):
        backups.backup_now(Actor("ld", "leader"), str(empty_db))
