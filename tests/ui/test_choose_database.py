"""Choosing the database (issue 16 item 4): Tệp → Mở cơ sở dữ liệu… lists the recent ones (an
unreachable share says so), opens another file or creates a new one; the window closes and the app
opens the choice (``app.run_gui``'s loop); a database that cannot be opened leads to the same choice."""

from __future__ import annotations


import pytest
from PySide6.QtWidgets import QApplication

from par_desktop.services.session import SYSTEM
from par_desktop.ui import database_choice
from par_desktop.ui.context import AppContext
from par_desktop.ui.database_choice import OpenDatabaseDialog
from par_desktop.ui.main_window import MainWindow

from gui_helpers import when_modal_dialog

pytestmark = pytest.mark.gui


def test_the_recent_list_keeps_the_latest_first(tmp_path):
    for name in ("a.db", "b.db", "a.db"):
        database_choice.remember(str(tmp_path / name))
    assert database_choice.recent() == [str(tmp_path / "a.db"), str(tmp_path / "b.db")]


def test_open_another_database_from_the_file_menu(qtbot, empty_db, demo_db, tmp_path):
    gone = tmp_path / "o-mang-Z" / "par.db"          # a share that is not connected
    for location in (str(gone), str(demo_db), str(empty_db)):
        database_choice.remember(location)
    window = MainWindow(AppContext(str(empty_db), SYSTEM))
    qtbot.addWidget(window)
    window.show()
    assert window.open_database_action.shortcut().toString() == "Ctrl+O"
    seen: list = []

    def pick(dialog: OpenDatabaseDialog) -> None:
        qtbot.waitUntil(lambda: dialog.reachability_checked)     # asked off the GUI thread
        rows = [dialog.list.item(i) for i in range(dialog.list.count())]
        seen.append([r.text() for r in rows])
        unreachable = next(r for r in rows if "o-mang-Z" in r.text())
        seen.append(unreachable.toolTip())
        dialog.list.setCurrentItem(unreachable)
        dialog.open_button.click()                       # refused, with the reason, the dialog stays
        seen.append((dialog.isVisible(), dialog.message.text()))
        dialog.list.setCurrentRow([r.text() for r in rows].index(str(demo_db)))
        dialog.open_button.click()

    when_modal_dialog(OpenDatabaseDialog, pick)
    window.open_database_action.trigger()
    names, tooltip, refused = seen
    assert names[0] == str(demo_db) and str(empty_db) not in names       # the open one is not offered
    assert names[1].startswith(str(gone)) and names[1].endswith("không truy cập được")
    assert "Kiểm tra ổ mạng dùng chung" in tooltip
    assert refused[0] and "Không tìm thấy thư mục" in refused[1]
    assert window.switch_to == (str(demo_db), False) and not window.isVisible()


def test_create_a_new_database(qtbot, empty_db, tmp_path):
    dialog = OpenDatabaseDialog(None, current=str(empty_db))
    qtbot.addWidget(dialog)
    assert not dialog.choose(str(empty_db), create=True)     # a file is there already
    assert "Đã có tệp" in dialog.message.text()
    assert not dialog.choose(str(tmp_path / "khong-co" / "moi.db"), create=True)
    assert dialog.choose(str(tmp_path / "moi.db"), create=True)
    assert (dialog.chosen, dialog.create_new) == (str(tmp_path / "moi.db"), True)


def test_a_database_that_cannot_be_opened_leads_to_the_choice(qtbot, demo_db, tmp_path, monkeypatch):
    from par_desktop import app

    broken = tmp_path / "hong.db"
    broken.write_bytes(b"not a database at all" * 100)
    seen: list = []

    def choose_the_demo(dialog: OpenDatabaseDialog) -> None:
        seen.append(dialog.message.text())
        dialog.choose(str(demo_db))

    monkeypatch.setattr(app, "_sign_in", lambda location, user, screenshot, demo: SYSTEM)   # no sign-in dialog
    when_modal_dialog(OpenDatabaseDialog, choose_the_demo)
    opened = app._open_or_choose(str(broken), None, False, app._open(str(broken)))
    assert opened == (str(demo_db), SYSTEM)
    assert seen[0].startswith(f"Không mở được {broken}.")
    assert database_choice.recent()[0] == str(demo_db)
    assert QApplication.activeModalWidget() is None


def test_a_share_that_hangs_does_not_hold_up_the_dialog(qtbot, empty_db, tmp_path, monkeypatch):
    """Each recent database is checked off the GUI thread: the dialog is there, and usable, while a
    share still does not answer; the mark comes when it does."""
    import threading

    from par_desktop.errors import DatabaseUnavailable
    from par_desktop.services import database

    release = threading.Event()

    def hanging_share(location: str, *, must_exist: bool = True) -> None:
        release.wait(30)
        raise DatabaseUnavailable("Ổ mạng dùng chung không trả lời.")

    database_choice.remember(str(tmp_path / "o-mang-treo" / "par.db"))
    monkeypatch.setattr(database, "check_location", hanging_share)
    dialog = OpenDatabaseDialog(None, current=str(empty_db))
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1 and not dialog.reachability_checked
    release.set()
    qtbot.waitUntil(lambda: dialog.reachability_checked)
    assert dialog.list.item(0).text().endswith("không truy cập được")
    assert dialog.list.item(0).toolTip() == "Ổ mạng dùng chung không trả lời."
