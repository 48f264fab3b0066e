"""Evidence file names are never paths, and files that could run are never opened (issue 19, item 1)."""

from __future__ import annotations

import tempfile
from datetime import date

import pytest

from par_desktop.db.models import Attachment, ProgressReport, Task
from par_desktop.errors import InvalidInput
from par_desktop.services import evidence_files
from par_desktop.services.tasks import progress, views
from par_desktop.services.evidence_files import can_open, copy_for_opening, safe_name
from par_desktop.services.session import Actor


@pytest.fixture
def app_temp(tmp_path, monkeypatch):
    """The system temporary folder of this test (TMPDIR); the app's own folder lives inside it."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    return tmp_path / "tmp" / "PAR Desktop" / "minh-chung"


@pytest.mark.parametrize("stored, expected", [
    ("../../../x.bat", "x.bat"),
    ("..\\..\\Startup\\x.bat", "x.bat"),
    ("/etc/cron.d/evil", "evil"),
    ("C:\\Windows\\System32\\a.pdf", "a.pdf"),
    ("C:a.pdf", "a.pdf"),
    ("\\\\fileserver\\VanPhong\\bien ban.docx", "bien ban.docx"),
    ("..", evidence_files.FALLBACK_NAME),
    ("", evidence_files.FALLBACK_NAME),
    ("CON.txt", "_CON.txt"),
    ("nul", "_nul"),
    ("bao cao.pdf. . ", "bao cao.pdf"),
    ('a<b>c:d"e|f?g*.xlsx', "a_b_c_d_e_f_g_.xlsx"),
    ("tờ trình\x00.pdf", "tờ trình.pdf"),
    ("hoa-don\u202efdp.exe", "hoa-donfdp.exe"),          # the right-to-left trick that shows "exe.pdf"
    ("Biên bản họp.pdf", "Biên bản họp.pdf"),
])
def test_a_stored_name_becomes_a_plain_base_name(stored, expected):
    assert safe_name(stored) == expected


def test_a_very_long_name_keeps_its_extension():
    name = safe_name("a" * 500 + ".pdf")
    assert name.endswith(".pdf") and len(name) == evidence_files.MAX_NAME_LENGTH


@pytest.mark.parametrize("name", ["x.bat", "x.cmd", "x.exe", "x.EXE", "x.ps1", "x.vbs", "x.js", "x.hta", "x.lnk",
                                  "x.url", "x.scr", "x.msi", "x.reg", "x.jar", "x.docm", "x.xlsm", "x.zip",
                                  "x.exe.", "x.pdf.exe", "x", "../x.bat"])
def test_programs_scripts_and_unknown_types_are_not_opened(name, app_temp):
    assert not can_open(name)
    with pytest.raises(InvalidInput, match="Lưu…"):
        copy_for_opening(name, b"@echo off")
    assert not app_temp.exists() or not any(app_temp.rglob("*.*"))


def test_a_document_is_opened_from_a_fresh_folder_inside_the_apps_temporary_folder(app_temp, tmp_path):
    first = copy_for_opening("../../../../bien-ban.pdf", b"%PDF-1.4")
    second = copy_for_opening("bien-ban.pdf", b"%PDF-1.4 khac")
    for path in (first, second):
        assert path.name == "bien-ban.pdf" and path.parent.parent == app_temp
    assert first != second and first.read_bytes() == b"%PDF-1.4"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp"]   # nothing written beside it


@pytest.mark.parametrize("stored, expected", [("../../../x.bat", "x.bat"), ("/tmp/evil.bat", "evil.bat"),
                                              ("C:\\Users\\Public\\evil.bat", "evil.bat")])
def test_a_unit_cannot_store_a_path_through_a_progress_report(any_demo_db, stored, expected):
    """The attack: a unit account stores a name that is a path; it is kept as a base name only."""
    task = Task.get(Task.ref == "I.3")
    ncc = Actor("ncc", "unit", _lead_unit(task), "Cán bộ")
    progress.report_progress(ncc, task.id, percent=10, reported_on=date(2024, 7, 1),
                          attachments=[(stored, b"@echo off\r\ndel /q C:\\*\r\n")])
    row = Attachment.select().order_by(Attachment.id.desc()).get()
    assert row.filename == expected
    assert views.attachment_content(row.id)[0] == row.filename


def test_a_name_stored_before_this_check_is_read_back_as_a_base_name(demo_db):
    report = ProgressReport.select().first()
    row = Attachment.create(report=report.id, filename="..\\..\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu"
                                                       "\\Programs\\Startup\\x.bat", size=3, sha256="", content=b"abc")
    assert views.attachment_content(row.id) == ("x.bat", b"abc")


def _lead_unit(task: Task) -> int:
    from par_desktop.db.models import TaskUnit

    return TaskUnit.get((TaskUnit.task == task.id) & (TaskUnit.role == "lead")).unit_id
