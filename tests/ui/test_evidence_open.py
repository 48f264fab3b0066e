"""The tasks page opens evidence only from the app's temporary folder, and never a file that could run
(issue 19, item 1): real widgets, a real database, Qt's own URL handler hook to see what would be opened."""

from __future__ import annotations

import tempfile

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from par_desktop.db.models import Attachment, ProgressReport, Task
from par_desktop.services.session import SYSTEM
from par_desktop.ui import errors as ui_errors
from par_desktop.ui.context import AppContext
from par_desktop.ui.pages.tasks import TasksPage

from gui_helpers import save_shot, when_modal

pytestmark = pytest.mark.gui


class _Opened(QObject):
    """Receives the file URLs the page asks the desktop to open (QDesktopServices.setUrlHandler)."""

    def __init__(self):
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def handle(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened():
    receiver = _Opened()
    QDesktopServices.setUrlHandler("file", receiver, "handle")
    yield receiver
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def page_with_files(qtbot, demo_db, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    task = Task.get(Task.ref == "I.3")
    report = ProgressReport.create(task=task.id, reported_on="2024-07-01", percent=10, text="", username="ncc")
    # as stored by an older build or a hand-edited file: names that are paths
    Attachment.create(report=report.id, filename="../../../../chay.bat", size=9, sha256="", content=b"@echo off")
    Attachment.create(report=report.id, filename="..\\..\\bien-ban.pdf", size=8, sha256="", content=b"%PDF-1.4")
    page = TasksPage(AppContext(str(demo_db), SYSTEM))
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.refresh()
    page.show()
    page.table.select_key(task.id)
    qtbot.waitUntil(lambda: page.detail.reports.model.rowCount() > 0, timeout=5000)
    assert page.detail.reports.select_key(report.id)
    qtbot.waitUntil(lambda: page.detail.attachments.count() == 2, timeout=5000)
    return page, tmp_path


def _answer_next_dialog(key: str, seen: list[str]) -> None:
    """Press the button ``key`` ("yes"/"no") of the next message dialog, after noting its text."""
    def answer(dialog: ui_errors.MessageDialog):
        seen.append(dialog.message_label.text())
        save_shot(dialog, "evidence_refused")
        dialog.buttons[key].click()

    when_modal(ui_errors.MessageDialog, answer)


def test_a_script_is_never_opened_and_a_document_opens_from_the_apps_temporary_folder(page_with_files, opened):
    page, tmp_path = page_with_files
    files = page.detail.attachments
    names = [files.item(i).text() for i in range(files.count())]
    assert names[0].startswith("chay.bat") and names[1].startswith("bien-ban.pdf")

    files.setCurrentRow(0)
    seen: list[str] = []
    _answer_next_dialog("no", seen)
    page.detail.open_attachment()
    assert seen and "chay.bat" in seen[0] and "Lưu…" in seen[0]
    assert opened.urls == []
    assert not list((tmp_path / "tmp").rglob("*.bat")) and not list(tmp_path.parent.glob("*.bat"))

    files.setCurrentRow(1)
    page.detail.open_attachment()
    [url] = opened.urls
    path = url.toLocalFile()
    assert path.startswith(str(tmp_path / "tmp" / "PAR Desktop" / "minh-chung")) and path.endswith("/bien-ban.pdf")
