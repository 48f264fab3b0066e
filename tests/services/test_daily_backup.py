"""One backup per database per day for the whole office (issue 20, item 3), kept beside the database or in
the configured folder, keyed by the database's identity (issue 19, item 6)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date

import pytest

from conftest import REPO, wait_for_files
from par_desktop.db import backup as db_backup
from par_desktop.db.models import AppMeta
from par_desktop.db.schema import open_database
from par_desktop.errors import InvalidInput
from par_desktop.services import backups, settings
from par_desktop.services.session import Actor

ADMIN = Actor("quantri", "admin", None, "Nguyễn Quản Trị")

DAILY = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from par_desktop.db.schema import open_database
    from par_desktop.services import backups, presence
    from par_desktop.services.session import Actor
    db, go = sys.argv[1], Path(sys.argv[2])
    open_database(db)
    presence.register(Actor("pc" + sys.argv[3], "office"))
    Path(f"{go}.pc{sys.argv[3]}").touch()      # ready: signed in, waiting for the others
    while not go.exists():
        time.sleep(0.01)
    print(backups.daily_backup_if_due(db) or "none")
""")


def test_six_pcs_starting_at_once_take_one_backup(demo_db, tmp_path):
    """The morning storm: every PC's first sign-in copied the whole file. Now one claims the day."""
    go = tmp_path / "go"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    pcs = [subprocess.Popen([sys.executable, "-c", DAILY, str(demo_db), str(go), str(n)], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(6)]
    wait_for_files(*(tmp_path / f"go.pc{n}" for n in range(6)))
    go.touch()
    results = [p.communicate(timeout=120) for p in pcs]
    assert all(p.returncode == 0 for p in pcs), [r[1] for r in results]
    taken = [out.strip() for out, _ in results if out.strip() != "none"]
    assert len(taken) == 1, results
    folder = backups.backup_folder(str(demo_db))
    assert folder.parent == demo_db.parent / backups.SHARED_FOLDER_NAME      # beside the database
    assert [p.name for p in folder.glob("*.db")] == [os.path.basename(taken[0])]
    assert backups.daily_backup_if_due(str(demo_db)) is None                  # and not again today


def test_a_failed_daily_backup_lets_another_pc_try(empty_db, tmp_path):
    blocked = tmp_path / "khong-ghi-duoc"
    blocked.write_text("một tệp, không phải thư mục")
    settings.set_value(ADMIN, "backups.dir", str(blocked))
    with pytest.raises(InvalidInput, match="Không tạo được thư mục sao lưu"):
        backups.daily_backup_if_due(str(empty_db))
    assert AppMeta.get_or_none(AppMeta.key == backups.DAILY_CLAIM_KEY) is None   # the claim was released
    settings.set_value(ADMIN, "backups.dir", str(tmp_path / "sao-luu"))
    assert backups.daily_backup_if_due(str(empty_db)) is not None


def test_two_databases_with_the_same_file_name_keep_separate_backups(tmp_path):
    """The [seen] failure: two par.db shared one folder; the second got no daily backup and listed the
    first one's."""
    shared = tmp_path / "mang" / "sao-luu"
    shared.mkdir(parents=True)
    first, second = tmp_path / "so-a" / "par.db", tmp_path / "so-b" / "par.db"
    taken = {}
    for path in (first, second):
        path.parent.mkdir()
        open_database(str(path), create=True)
        settings.set_value(ADMIN, "backups.dir", str(shared))
        taken[path] = backups.daily_backup_if_due(str(path), today=date(2024, 6, 3))
        assert taken[path] is not None
    assert db_backup.folder_key(str(first)) != db_backup.folder_key(str(second))
    for path in (first, second):
        open_database(str(path))
        assert [b.path for b in backups.list_backups(str(path))] == [taken[path]]
