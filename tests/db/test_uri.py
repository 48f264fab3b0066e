"""Paths quoted into SQLite URIs (issue 20, item 4): real files in folders with hostile names, and the
Windows forms (drive letter, UNC share) checked as strings with Windows path rules."""

from __future__ import annotations

import ntpath
import sqlite3

import pytest

from par_desktop.db.uri import read_only_uri, sqlite_uri

HOSTILE_FOLDERS = ["Phòng #2", "100% xong", "ai?hỏi", "có dấu cách", "Văn phòng Sở LĐ-TB&XH", "a;b=c&d", "#%?"]


@pytest.mark.parametrize("folder", HOSTILE_FOLDERS)
def test_a_database_in_a_folder_with_any_name_opens_read_only_through_its_uri(tmp_path, folder):
    path = tmp_path / folder / "par #1.db"
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES ('đúng tệp')")
    conn.commit()
    conn.close()
    before = sorted(p.name for p in tmp_path.rglob("*"))
    reader = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        assert reader.execute("SELECT x FROM t").fetchall() == [("đúng tệp",)]
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.execute("INSERT INTO t VALUES ('ghi')")
    finally:
        reader.close()
    assert sorted(p.name for p in tmp_path.rglob("*")) == before     # no stray file made by a cut URI


def test_a_missing_file_is_not_created(tmp_path):
    with pytest.raises(sqlite3.OperationalError):
        sqlite3.connect(read_only_uri(tmp_path / "Phòng #2" / "khong-co.db"), uri=True).execute("SELECT 1")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path, expected", [
    (r"C:\Văn phòng\Phòng #2\par.db", "file:///C:/V%C4%83n%20ph%C3%B2ng/Ph%C3%B2ng%20%232/par.db?mode=ro"),
    (r"S:\par.db", "file:///S:/par.db?mode=ro"),
    (r"\\fileserver\VanPhong\100% xong?\par.db", "file:////fileserver/VanPhong/100%25%20xong%3F/par.db?mode=ro"),
])
def test_windows_drive_letter_and_unc_paths(path, expected):
    assert sqlite_uri(path, ntpath, mode="ro") == expected


def test_backup_of_a_database_in_a_folder_named_with_a_hash(tmp_path, cli):
    """The [seen] failure: "Phòng #2" backed up "successfully" to a file with no tables."""
    db = tmp_path / "Phòng #2" / "par.db"
    db.parent.mkdir()
    assert cli("init", "--demo", "--dossiers", "20", db=db).returncode == 0
    out = tmp_path / "copy.db"
    run = cli("backup", "--out", str(out), db=db)
    assert run.returncode == 0, run.stderr
    conn = sqlite3.connect(out)
    assert conn.execute("SELECT count(*) FROM dossier").fetchone()[0] == 20
    conn.close()
    assert sorted(p.name for p in db.parent.iterdir()) == ["par.db"]   # no stray "Phòng " file
