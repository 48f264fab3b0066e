"""Background operations end cleanly: whatever dialog follows the work (the unit-mapping question, a
summary, an error) is the one the clerk can answer — the finished operation's progress window never
comes back on top of it (issue 16 item 1).

Each operation runs twice on real files and a real database: with work shorter than the progress
window's show delay (the window must never appear), and with work longer than it (the window appears,
then goes for good). The work is the real service call; the long run only waits before making it.
After each operation the test waits well past the show delay, checks that the dialog that followed is
the active one with nothing above it, and answers it with the keyboard.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from plan_files import reference_docx

from par_desktop.db.models import Task, Unit
from par_desktop.services import backups, org, presence, users
from par_desktop.services.session import SYSTEM
from par_desktop.services.tasks import plan_import
from par_desktop.ui import operations
from par_desktop.ui.context import AppContext
from par_desktop.ui.dialogs.task_dialogs import UnitMappingDialog
from par_desktop.ui.errors import MessageDialog
from par_desktop.ui.first_start import FirstStartWizard
from par_desktop.ui.main_window import MainWindow
from par_desktop.ui.pages.tasks import TasksPage
from par_desktop.ui.settings_tabs.backups import BackupsTab

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("cheap_hashing")]

SHORT_DELAY_MS = 900      # the show delay while the work is short: the work ends well before it
LONG_DELAY_MS = 60        # the show delay while the work is long
LONG_WORK_S = 0.5
SETTLE_MS = SHORT_DELAY_MS + 400   # how long a dialog that follows stays up before it is answered


def is_progress_window(widget: QWidget) -> bool:
    return widget.objectName() == "progressWindow" or type(widget).__name__.endswith("ProgressDialog")


def progress_windows_shown() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and is_progress_window(w)]


class Clerk:
    """Answers the dialogs that follow an operation, in order, as a clerk does once they are up: each
    one after ``SETTLE_MS`` (past the show delay), by pressing Enter. It notes whether a progress window
    was ever seen, and any progress window found above a dialog (the freeze) — which it then hides, so
    that a failing run ends instead of hanging."""

    def __init__(self, answers: list[tuple[type, Callable[[QWidget], None] | None]]):
        self.answers = list(answers)
        self.answered: list[QWidget] = []
        self.texts: list[str] = []
        self.blocked_by_progress: list[str] = []
        self.left_open: list[str] = []
        self.progress_seen = False
        self._since: dict[int, float] = {}
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    @property
    def done(self) -> bool:
        return not self.answers

    def _poll(self) -> None:
        if progress_windows_shown():
            self.progress_seen = True
        if not self.answers:
            self._timer.stop()
            return
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            return
        if is_progress_window(dialog):
            if any(isinstance(w, self.answers[0][0]) and w.isVisible() for w in QApplication.topLevelWidgets()):
                self.blocked_by_progress.append(dialog.windowTitle())
                dialog.hide()   # the real window would stay: only killing the app helped
            return
        kind, prepare = self.answers[0]
        if not isinstance(dialog, kind):
            return
        first = self._since.setdefault(id(dialog), time.monotonic())
        if (time.monotonic() - first) * 1000 < SETTLE_MS:
            return
        self.answers.pop(0)
        self.answered.append(dialog)
        if isinstance(dialog, MessageDialog):
            self.texts.append(dialog.message_label.text())
        if prepare is not None:
            prepare(dialog)
        QTimer.singleShot(500, lambda: self._close_if_open(dialog))
        QTest.keyClick(dialog, Qt.Key.Key_Return)

    def _close_if_open(self, dialog: QWidget) -> None:
        """Enter did not answer ``dialog``: noted, and the dialog closed so that the run ends."""
        if isValid(dialog) and dialog.isVisible():
            self.left_open.append(dialog.windowTitle())
            dialog.reject()


def slow(monkeypatch, owner, name: str) -> None:
    """Make ``owner.name`` (a real service function) wait ``LONG_WORK_S`` before doing its real work."""
    real = getattr(owner, name)

    def waiting(*args, **kwargs):
        time.sleep(LONG_WORK_S)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, waiting)


@pytest.fixture(params=["short", "long"])
def pace(request, monkeypatch):
    """"short": the work ends before the progress window's show delay; "long": it lasts longer."""
    monkeypatch.setattr(operations, "SHOW_DELAY_MS", SHORT_DELAY_MS if request.param == "short" else LONG_DELAY_MS,
                        raising=False)
    return request.param


def finish(qtbot, clerk: Clerk, pace: str, timeout: int = 30_000) -> None:
    qtbot.waitUntil(lambda: clerk.done, timeout=timeout)
    qtbot.waitUntil(lambda: all(op.done for op in operations._RUNNING), timeout=timeout)   # work after the last answer
    qtbot.wait(SHORT_DELAY_MS if pace == "short" else 200)   # a stray show timer would fire by now
    assert clerk.blocked_by_progress == [], "a finished operation's progress window came back on top"
    assert clerk.left_open == [], "Enter did not answer the dialog"
    assert progress_windows_shown() == []
    assert clerk.progress_seen == (pace == "long")


def two_known_units() -> None:
    for name, code in (("Văn phòng Sở", "VP"), ("Phòng Kế hoạch - Tài chính", "KHTC")):
        org.create_unit(SYSTEM, name, code, kind="office" if code == "VP" else "division")


def test_plan_import_with_unmatched_units(qtbot, empty_db, tmp_path, monkeypatch, pace):
    path = reference_docx(tmp_path / "ke-hoach-38.docx")
    two_known_units()
    if pace == "long":
        slow(monkeypatch, plan_import, "read_plan_file")
        slow(monkeypatch, plan_import, "import_plan")
    page = TasksPage(AppContext(str(empty_db), SYSTEM))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    # the plan's header offers the organisation's names (none yet), then the unit mapping, then the summary
    clerk = Clerk([(MessageDialog, None), (UnitMappingDialog, None), (MessageDialog, None)])
    page.import_files([path])
    finish(qtbot, clerk, pace)
    assert "Dữ liệu chưa có thông tin cơ quan" in clerk.texts[0]
    assert "10 nhiệm vụ của kế hoạch năm 2024 — 10 mới" in clerk.texts[1]
    assert Task.select().where(Task.kind == "appendix").count() == 10


def test_a_docx_that_is_not_a_word_file_is_an_error_the_clerk_can_close(qtbot, empty_db, tmp_path, monkeypatch,
                                                                         pace):
    path = tmp_path / "ke-hoach.docx"
    path.write_text("đây không phải tệp Word", encoding="utf-8")
    if pace == "long":
        slow(monkeypatch, plan_import, "read_plan_file")
    page = TasksPage(AppContext(str(empty_db), SYSTEM))
    qtbot.addWidget(page)
    page.show()
    clerk = Clerk([(MessageDialog, None)])
    page.import_files([path])
    finish(qtbot, clerk, pace)
    assert "ke-hoach.docx" in clerk.texts[0]
    assert Task.select().count() == 0


def test_the_plan_step_of_the_first_start_wizard(qtbot, empty_db, tmp_path, monkeypatch, pace):
    admin = users.create_first_admin("quantri", "Nguyễn Thị Hoa", "mat-khau-1")
    two_known_units()
    if pace == "long":
        slow(monkeypatch, plan_import, "read_plan_file")
        slow(monkeypatch, plan_import, "import_plan")
    wizard = FirstStartWizard(admin)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.page(FirstStartWizard.PLAN)
    wizard.setStartId(FirstStartWizard.PLAN)
    wizard.restart()
    page.set_file(reference_docx(tmp_path / "ke-hoach-38.docx"))
    clerk = Clerk([(UnitMappingDialog, None)])
    wizard.next()                                   # the chosen file is imported before moving on
    finish(qtbot, clerk, pace)
    qtbot.waitUntil(lambda: page.result is not None, timeout=20_000)
    assert page.result.created == 10
    assert wizard.button(wizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    assert wizard.currentId() == FirstStartWizard.DOSSIERS


def test_backup_from_the_file_menu(qtbot, empty_db, tmp_path, monkeypatch, pace):
    if pace == "long":
        slow(monkeypatch, backups, "backup_now")
    window = MainWindow(AppContext(str(empty_db), SYSTEM))
    qtbot.addWidget(window)
    window.show()
    clerk = Clerk([(MessageDialog, None)])
    window.backup_action.trigger()
    finish(qtbot, clerk, pace)
    assert clerk.texts[0].startswith("Đã sao lưu cơ sở dữ liệu vào:")
    assert Path(clerk.texts[0].split("\n", 1)[1]).is_file()
    window.close()


def test_restore_from_the_backups_tab(qtbot, empty_db, tmp_path, monkeypatch, pace):
    admin = users.create_first_admin("quantri", "Nguyễn Thị Hoa", "mat-khau-1")
    source = backups.backup_now(admin, str(empty_db))
    org.create_unit(admin, "Phòng tạo sau khi sao lưu", "SAU")
    if pace == "long":
        slow(monkeypatch, backups, "restore_backup")
    tab = BackupsTab(AppContext(str(empty_db), admin))
    qtbot.addWidget(tab)
    tab.show()
    clerk = Clerk([(MessageDialog, None), (MessageDialog, None)])   # "Khôi phục?" then "Đã khôi phục"
    tab.restore(source)
    finish(qtbot, clerk, pace)
    assert clerk.texts[0].startswith("Khôi phục cơ sở dữ liệu từ bản sao")
    assert clerk.texts[1].startswith("Đã khôi phục dữ liệu từ bản sao.")
    assert not Unit.select().where(Unit.short_code == "SAU").exists()
    assert presence.maintenance_state() is None


def test_of_two_loads_only_the_one_started_last_is_delivered(qtbot):
    """LatestLoad (statistics, service quality): the first load ends last, yet its result and its error
    are dropped; the second's is shown."""
    import threading

    owner = QWidget()
    qtbot.addWidget(owner)
    loads = operations.LatestLoad(owner)
    release = threading.Event()
    shown, failed = [], []

    def slow_failing():
        release.wait(10)
        raise ValueError("kỳ cũ")

    loads.run(slow_failing, shown.append, failed.append)
    loads.run(lambda: "kỳ mới", shown.append, failed.append)
    qtbot.waitUntil(lambda: shown == ["kỳ mới"])
    release.set()
    qtbot.waitUntil(lambda: operations.pending_loads() == 0)
    assert (shown, failed) == (["kỳ mới"], [])
