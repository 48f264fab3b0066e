"""The database commands of the command-line contract, run as real processes."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import wait_for_files


def test_init_demo_then_check(cli, tmp_path):
    db = tmp_path / "X.db"
    made = cli("init", "--demo", db=db)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == str(db)
    checked = cli("check", db=db)
    assert (checked.returncode, checked.stdout.strip()) == (0, "ok")


def test_init_twice_is_harmless_and_demo_refuses_a_filled_database(cli, tmp_path):
    db = tmp_path / "X.db"
    assert cli("init", db=db).returncode == 0
    assert cli("init", db=db).returncode == 0
    assert cli("init", "--demo", "--dossiers", "10", db=db).returncode == 0
    again = cli("init", "--demo", db=db)
    assert again.returncode == 1 and again.stderr.startswith("error:")
    assert sqlite3.connect(db).execute("SELECT count(*) FROM dossier").fetchone()[0] == 10


def test_tasks_json_lists_the_reference_appendix(cli, tmp_path):
    db = tmp_path / "X.db"
    cli("init", "--demo", "--dossiers", "0", db=db)
    out = cli("tasks", "--json", db=db)
    assert out.returncode == 0, out.stderr
    tasks = json.loads(out.stdout)
    refs = [t["ref"] for t in tasks][:10]
    assert refs == ["I.1", "I.2", "I.3", "II.1", "III.A.1", "III.A.2", "III.A.3", "III.B.1", "III.B.2", "IV.1"]


@pytest.mark.parametrize("args", [["check"], ["tasks", "--json"], ["backup"]])
def test_bad_locations_give_one_error_line(cli, tmp_path, args):
    garbage = tmp_path / "broken.db"
    garbage.write_bytes(b"not a database" * 500)
    for db in (tmp_path / "missing-share" / "x.db", garbage, tmp_path / "never-created.db"):
        run = cli(*args, db=db)
        assert run.returncode == 1, (db, run.stdout, run.stderr)
        assert run.stderr.startswith("error:") and "Traceback" not in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1


def test_newer_schema_is_an_error_and_the_file_is_untouched(cli, tmp_path):
    db = tmp_path / "X.db"
    cli("init", db=db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE app_meta SET value='42' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    run = cli("check", db=db)
    assert run.returncode == 1 and "mới hơn" in run.stderr
    assert db.read_bytes() == before


def test_backup_while_another_process_reads_and_restore(cli, tmp_path):
    db = tmp_path / "X.db"
    cli("init", "--demo", "--dossiers", "300", db=db)
    reader = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, time\n"
        f"c = sqlite3.connect({str(db)!r})\n"
        "c.execute('SELECT count(*) FROM dossier').fetchall()\n"
        f"open({str(tmp_path / 'reading')!r}, 'w').close()\n"
        "end = time.time() + 3\n"
        "while time.time() < end:\n"
        "    c.execute('SELECT count(*), max(due_at) FROM dossier').fetchall()\n")])
    try:
        wait_for_files(tmp_path / "reading")
        out = cli("backup", "--out", str(tmp_path / "b.db"), db=db)
    finally:
        reader.wait(timeout=10)
    assert out.returncode == 0, out.stderr
    assert cli("check", db=tmp_path / "b.db").stdout.strip() == "ok"
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM handover")
    conn.commit()
    conn.close()
    restored = cli("restore", str(tmp_path / "b.db"), db=db, user="quantri")
    assert restored.returncode == 0, restored.stderr
    kept = restored.stdout.strip()
    assert sqlite3.connect(kept).execute("SELECT count(*) FROM handover").fetchone()[0] == 0
    assert sqlite3.connect(db).execute("SELECT count(*) FROM handover").fetchone()[0] > 0


def test_version_and_usage_errors(cli):
    from par_desktop import __version__

    assert cli("--version").stdout.strip() == f"par-desktop {__version__}"
    bad = cli("no-such-command")
    assert bad.returncode == 2 and "error:" in bad.stderr


def test_scheduled_backup_goes_to_the_databases_backup_place_and_rotates(cli, tmp_path):
    """Task Scheduler runs `par-desktop backup` as some account: the copy goes where the database's
    settings say (Cài đặt → Sao lưu), not into that account's AppData, and old dailies are rotated."""
    db = tmp_path / "X.db"
    cli("init", "--demo", "--dossiers", "0", db=db)
    place = tmp_path / "may-chu" / "sao-luu"
    from par_desktop.db.models import database_proxy
    from par_desktop.db.schema import open_database
    from par_desktop.services import settings
    from par_desktop.services.session import SYSTEM

    open_database(str(db))
    settings.set_value(SYSTEM, "backups.dir", str(place))     # Cài đặt → Sao lưu → Thư mục
    database_proxy.obj.close()
    from par_desktop.db.backup import folder_key

    folder = place / folder_key(str(db))       # X-<identity>: two X.db files never share a folder
    folder.mkdir(parents=True)
    for day in range(1, 21):    # 20 nightly copies of January 2024
        (folder / f"X-202401{day:02d}-230000-000-hang-ngay.db").write_bytes(b"old")
    (folder / "X-20240105-100000-000-thu-cong.db").write_bytes(b"manual")    # never rotated away
    out = cli("backup", db=db)
    assert out.returncode == 0, out.stderr
    made = out.stdout.strip()
    assert made.startswith(str(folder)) and made.endswith("-hang-ngay.db")
    assert cli("check", db=made).stdout.strip() == "ok"
    dailies = sorted(p.name for p in folder.glob("*-hang-ngay.db"))
    # 7 days kept (tonight's and 15–20 January), then the newest of each older ISO week (14 and 7 January)
    assert dailies == sorted([Path(made).name] + [f"X-202401{d:02d}-230000-000-hang-ngay.db"
                                                   for d in (7, 14, 15, 16, 17, 18, 19, 20)])
    assert (folder / "X-20240105-100000-000-thu-cong.db").exists()
