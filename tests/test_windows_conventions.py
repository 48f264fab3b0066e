"""Windows conventions that Linux cannot show by itself: console programs started without a console
window, and a write refused by Windows explained for what it is (Controlled folder access, a file open
in Word, missing rights). The refusals are raised the way Windows raises them (the errno/winerror of
the failed call), since this machine's root account is never refused a write."""

from __future__ import annotations

import ast
import errno
import sys
from pathlib import Path

import pytest

from par_desktop import windows
from par_desktop.errors import InvalidInput

PACKAGE = Path(__file__).resolve().parent.parent / "par_desktop"
SPAWNERS = {"run", "Popen", "call", "check_call", "check_output"}


def test_every_program_the_app_starts_gets_no_console_window():
    """pg_dump, pg_restore and PowerShell are console programs: started from the windowed app without
    CREATE_NO_WINDOW each flashes a black window."""
    calls = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SPAWNERS
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "subprocess"):
                hidden = any(k.arg is None and isinstance(k.value, ast.Call)
                             and getattr(k.value.func, "id", getattr(k.value.func, "attr", "")) == "hidden_console"
                             for k in node.keywords)
                calls.append((f"{path.relative_to(PACKAGE)}:{node.lineno}", hidden))
    assert len(calls) >= 3                                # pg_dump/pg_restore runs and the Defender query
    assert [where for where, hidden in calls if not hidden] == []


def test_hidden_console_means_create_no_window_on_windows_only(monkeypatch):
    assert windows.hidden_console() == ({} if sys.platform != "win32" else {"creationflags": 0x08000000})
    monkeypatch.setattr(sys, "platform", "win32")
    assert windows.hidden_console() == {"creationflags": 0x08000000}


@pytest.fixture
def guarded_documents(tmp_path, monkeypatch):
    """This user's Documents, protected by Controlled folder access in Block mode."""
    documents = tmp_path / "Users" / "hoa" / "Documents"
    documents.mkdir(parents=True)
    monkeypatch.setattr(windows, "protected_folders", lambda: [documents])
    monkeypatch.setattr(windows, "controlled_folder_access", lambda: (True, ()))
    return documents


def access_denied(path) -> PermissionError:
    exc = PermissionError(errno.EACCES, "Access is denied", str(path))
    exc.winerror = windows.ERROR_ACCESS_DENIED
    return exc


def test_a_save_blocked_by_controlled_folder_access_says_so_not_word(demo_db, guarded_documents, monkeypatch):
    from par_desktop.documents import render as render_module
    from par_desktop.services import documents
    from par_desktop.services.session import SYSTEM

    target = guarded_documents / "Báo cáo" / "ke-hoach.docx"
    target.parent.mkdir()

    def refused(*args, **kwargs):     # Windows refuses to create the file next to the target
        raise access_denied(Path(kwargs.get("dir", ".")) / ".par-x.docx")

    monkeypatch.setattr(render_module.tempfile, "mkstemp", refused)
    with pytest.raises(InvalidInput) as error:
        documents.generate(SYSTEM, documents.DocRequest("plan"), target)
    message = error.value.message
    assert message.startswith(f"Windows không cho PAR Desktop ghi vào thư mục «{guarded_documents}»: ")
    assert "Kiểm soát truy cập thư mục (Controlled folder access)" in message and windows.CFA_SETTINGS in message
    assert "Word" not in message and not target.exists()


def test_other_refusals_keep_their_own_explanations(guarded_documents, tmp_path, monkeypatch):
    elsewhere = tmp_path / "D" / "van-ban.docx"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b"open in Word")
    locked = OSError(errno.EACCES, "The process cannot access the file", str(elsewhere))
    locked.winerror = windows.ERROR_SHARING_VIOLATION
    assert "đang mở trong chương trình khác (Word" in windows.explain_write_error(elsewhere, locked).message
    no_rights = windows.explain_write_error(elsewhere.with_name("moi.docx"), access_denied(elsewhere), folder_only=True)
    assert "không có quyền ghi" in no_rights.message
    monkeypatch.setattr(windows, "controlled_folder_access", lambda: (False, ()))   # switched off: not the cause
    inside = guarded_documents / "x.docx"
    assert "Kiểm soát truy cập" not in windows.explain_write_error(inside, access_denied(inside), folder_only=True).message
    monkeypatch.setattr(windows, "controlled_folder_access", lambda: None)          # unknown: "có thể do"
    assert ", có thể do tính năng Kiểm soát truy cập thư mục" in windows.explain_write_error(
        inside, access_denied(inside), folder_only=True).message
    full = OSError(errno.ENOSPC, "No space left on device")
    assert "ổ đĩa đã đầy" in windows.explain_write_error(elsewhere, full).message


def test_controlled_folder_access_is_unknown_off_windows():
    windows.controlled_folder_access.cache_clear()
    if sys.platform != "win32":
        assert windows.controlled_folder_access() is None


def test_the_it_page_exists_says_what_the_share_needs_and_the_readme_links_it():
    repo = PACKAGE.parent
    assert "[docs/it-setup.md](docs/it-setup.md)" in (repo / "README.md").read_text(encoding="utf-8")
    page = (repo / "docs" / "it-setup.md").read_text(encoding="utf-8")
    for needed in ("Set-SmbShare -Name PAR -CachingMode None", "oplocks = no", "level2 oplocks = no",
                   "strict locking = yes", "**Modify**", "par_desktop.db-journal", "Add-MpPreference -ExclusionPath",
                   "ControlledFolderAccessAllowedApplications", "w32tm", "par-desktop.exe backup"):
        assert needed in page, needed
    build = (repo / "docs" / "windows-build.md").read_text(encoding="utf-8")
    assert "iscc /DSignTool=parsign" in build and "signtool sign" in build and "filesubmission" in build
