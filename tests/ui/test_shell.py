"""The main window, its pages, remembered layout, change polling, start-up and the crash handler."""

from __future__ import annotations

import sqlite3
import sys
import threading
import types

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QImage
from PySide6.QtWidgets import QWidget

from par_desktop.services.session import SYSTEM
from par_desktop.ui import pages as registry
from par_desktop.ui.context import AppContext
from par_desktop.ui.main_window import MainWindow
from par_desktop.ui.window_dialogs import NoticeDialog
from par_desktop.ui.widgets.panels import ErrorPanel

from gui_helpers import answer_next_dialog, save_shot

pytestmark = pytest.mark.gui



@pytest.fixture
def window(qtbot, demo_db):
    ctx = AppContext(str(demo_db), SYSTEM)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    return win



def test_the_main_window_opens_on_the_database_and_switches_every_page(window, demo_db):
    assert window.db_label.text() == f"CSDL: {demo_db}"
    assert "Tài khoản hệ thống" in window.user_label.text()
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == \
        ["Tổng quan", "Nhiệm vụ", "Chỉ số CCHC", "Hồ sơ TTHC", "Thống kê", "Chất lượng phục vụ", "Văn bản", "Danh mục",
         "Cài đặt"]
    for spec in registry.PAGES:
        page = window.show_page(spec.key)
        assert window.stack.currentWidget() is page
        assert window.page_title.text() == spec.label
        assert not isinstance(page, ErrorPanel), f"page {spec.key} failed: see the log"
    window.show_page("catalog")
    assert window.refresh_label.text().startswith("Cập nhật lúc ")
    save_shot(window, "shell_catalog")


def test_who_else_is_working_joins_the_status_bar_after_the_first_frame(qtbot, demo_db):
    """The presence widget is not part of the first frame (docs/startup.md): it comes right after it,
    between the user and the refresh time."""
    win = MainWindow(AppContext(str(demo_db), SYSTEM))
    qtbot.addWidget(win)
    assert win.presence_widget is None
    with qtbot.waitSignal(win.first_frame_drawn, timeout=20_000):
        win.show()
    assert win.frames.count >= 1 and win.presence_widget is not None
    qtbot.waitUntil(lambda: win.presence_widget.label.text() == "Không có ai khác đang làm việc", timeout=10_000)
    assert win.user_label.x() < win.presence_widget.x() < win.refresh_label.x()
    assert win.refresh_label.isVisible()


def test_a_page_that_cannot_be_imported_shows_a_panel_not_a_crash(qtbot, empty_db, monkeypatch):
    monkeypatch.setattr(registry, "PAGES", [*registry.PAGES,
                                            registry.PageSpec("ghost", "Ma", "dashboard", "ghost_xyz", "GhostPage")])
    win = MainWindow(AppContext(str(empty_db), SYSTEM))
    qtbot.addWidget(win)
    page = win.show_page("ghost")
    assert isinstance(page, ErrorPanel)
    assert "đang gặp lỗi" in " ".join(w.text() for w in page.findChildren(type(win.page_title)))


def test_layout_and_last_page_are_remembered_per_user(qtbot, empty_db):
    ctx = AppContext(str(empty_db), SYSTEM)
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.show()
    first.show_page("catalog")
    first.resize(first.minimumSizeHint().width(), 710)   # the offscreen screen is only 800 px wide
    wanted = first.size()
    catalog = first.pages["catalog"]
    splitter = catalog.findChild(type(first.shell_splitter), "unitsSplitter")
    splitter.setSizes([300, 500])
    sizes = splitter.sizes()
    first.close()

    second = MainWindow(AppContext(str(empty_db), SYSTEM))
    qtbot.addWidget(second)
    second.show()
    assert second.size() == wanted and wanted.height() == 710   # not the default 1366 x 800
    assert second.current_key() == "catalog"
    restored = second.pages["catalog"].findChild(type(first.shell_splitter), "unitsSplitter")
    assert restored.sizes() == sizes

    from par_desktop.services.session import Actor

    other = MainWindow(AppContext(str(empty_db), Actor("hoa", "office")))
    qtbot.addWidget(other)
    assert other.current_key() == "dashboard"   # another clerk starts with her own layout


def test_global_search_goes_to_the_current_page(window, qtbot):
    page = window.show_page("catalog")
    window.focus_search()
    qtbot.keyClicks(window.search, "ke hoach")
    qtbot.waitUntil(lambda: page.units_view.visible_count() == 1, timeout=2000)
    assert page.units_view.visible_rows()[0].short_code == "KHTC"
    window.search.clear()
    qtbot.waitUntil(lambda: page.units_view.visible_count() == page.units_model.rowCount(), timeout=2000)


def test_shortcuts_exist_for_the_clerks_daily_keys(window):
    shortcuts = {a.shortcut().toString() for a in window.actions()}
    assert {"Ctrl+F", "F5", "Ctrl+I", "Ctrl+E", "Ctrl+P", "Ctrl+N", "Ctrl+Q"} <= shortcuts
    window.show_page("catalog")
    assert window.new_action.isEnabled() and window.export_action.isEnabled()
    assert not window.print_action.isEnabled()


def test_backup_from_the_file_menu(window, qtbot):
    from par_desktop.services.backups import list_backups

    seen: list[str] = []
    answer_next_dialog("ok", seen)
    window.backup()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen[0].startswith("Đã sao lưu cơ sở dữ liệu vào:")
    backups = list_backups(window.ctx.location)
    assert len(backups) == 1 and str(backups[0].path) in seen[0]


def watching(qtbot, ctx) -> None:
    """Start the connection watch and wait for its first reading (the baseline of the change detection)."""
    ctx.start_polling()
    qtbot.waitUntil(lambda: ctx.newest_change is not None, timeout=5000)


def test_changes_by_another_connection_refresh_the_open_page(window, qtbot):
    from par_desktop.services import org

    page = window.show_page("catalog")
    watching(qtbot, window.ctx)
    before = page.units_model.rowCount()

    def other_clerk():   # another connection: a thread has its own
        org.create_unit(SYSTEM, "Phòng Pháp chế", "PC")
        from par_desktop.db.models import database_proxy
        database_proxy.obj.close()

    thread = threading.Thread(target=other_clerk)
    thread.start()
    thread.join()
    with qtbot.waitSignal(window.ctx.data_changed, timeout=5000):   # the watch's next tick (2 s)
        pass
    assert page.units_model.rowCount() == before + 1
    with qtbot.assertNotEmitted(window.ctx.data_changed, wait=300):  # nothing new since
        window.ctx.watch.check_now()


def test_this_apps_own_writes_are_seen_too(window, qtbot):
    from par_desktop.services import org

    page = window.show_page("catalog")
    watching(qtbot, window.ctx)
    org.create_unit(SYSTEM, "Phòng Pháp chế", "PC")   # on the GUI thread's own connection
    with qtbot.waitSignal(window.ctx.data_changed, timeout=2000):
        window.ctx.notify_changed()                    # at once, not at the next tick
    assert "Phòng Pháp chế" in {u.name for u in page.units_model.rows}
    with qtbot.waitSignal(window.ctx.data_changed, timeout=2000):
        window.ctx.notify_changed()                    # even for a write without audit rows


def test_polling_runs_off_the_gui_thread_and_a_locked_database_only_delays_it(window, qtbot, demo_db):
    watching(qtbot, window.ctx)
    assert window.ctx.watch.thread is not threading.main_thread() and window.ctx.watch.thread.is_alive()
    other = sqlite3.connect(str(demo_db))
    other.execute("BEGIN EXCLUSIVE")                   # another clerk's long write holds the file
    other.execute("INSERT INTO audit_log(at, username, action, table_name, record_id, field, session_id, row_hash) "
                  "VALUES ('2024-01-01 00:00:00', 'x', 'update', 'unit', '1', 'name', '', '')")
    with qtbot.assertNotEmitted(window.ctx.data_changed, wait=500):
        window.ctx.watch.check_now()                   # the tick skips the locked file, no wait
    assert window.ctx.offline is None                  # locked is not lost
    other.commit()
    other.close()
    with qtbot.waitSignal(window.ctx.data_changed, timeout=2000):
        window.ctx.watch.check_now()


@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")
def test_dropping_files_accepts_imports_only(window):
    for name, accepted in (("hoso.xlsx", True), ("hoso.csv", True), ("kehoach.docx", True), ("anh.png", False)):
        mime = QMimeData()   # kept alive here: the event does not own it
        mime.setUrls([QUrl.fromLocalFile(f"/tmp/{name}")])
        event = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
        window.dragEnterEvent(event)
        assert event.isAccepted() is accepted, name


def test_startup_notices_of_every_page_are_shown_together(qtbot, empty_db, monkeypatch):
    module = types.ModuleType("par_desktop.ui.pages.notice_probe")

    class NoticeProbePage(QWidget):
        def __init__(self, ctx, parent=None):
            super().__init__(parent)

        def refresh(self):
            pass

        def startup_notices(self):
            return ["3 nhiệm vụ quá hạn", "5 hồ sơ sắp đến hạn trong hôm nay"]

    module.NoticeProbePage = NoticeProbePage
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(registry, "PAGES", [*registry.PAGES, registry.PageSpec(
        "probe", "Thử", "dashboard", "notice_probe", "NoticeProbePage")])
    win = MainWindow(AppContext(str(empty_db), SYSTEM))
    qtbot.addWidget(win)
    win.show()
    dialog = win.show_startup_notices()
    assert isinstance(dialog, NoticeDialog) and not dialog.isModal() and dialog.isVisible()
    assert dialog.notices == ["3 nhiệm vụ quá hạn", "5 hồ sơ sắp đến hạn trong hôm nay"]


def test_crash_handler_logs_the_traceback_and_tells_the_clerk(qtbot, monkeypatch):
    from par_desktop import app
    from par_desktop.logs import log_file

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    app.install_crash_handler()
    assert sys.excepthook is app.crash_handler

    def buggy():
        return {}["không có khóa này"]

    try:
        buggy()
    except KeyError as exc:
        error = exc
    seen: list[str] = []
    answer_next_dialog("ok", seen)
    sys.excepthook(type(error), error, error.__traceback__)
    assert seen and seen[0].startswith("Đã xảy ra lỗi không mong muốn")
    assert str(log_file()) in seen[0]
    text = log_file().read_text(encoding="utf-8")
    assert "KeyError" in text and "in buggy" in text

    def worker():
        raise RuntimeError("lỗi trong luồng phụ")

    seen.clear()
    answer_next_dialog("ok", seen)
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert "lỗi trong luồng phụ" in log_file().read_text(encoding="utf-8")


@pytest.mark.slow
def test_screenshot_from_the_command_line(cli, demo_db, tmp_path):
    out = tmp_path / "main.png"
    result = cli("gui", "--screenshot", str(out), db=demo_db, env={"PAR_DESKTOP_USER": "vanphong"})
    assert result.returncode == 0, result.stderr   # a demo database: a demo account needs no password
    image = QImage(str(out))
    assert out.stat().st_size > 10_000 and (image.width(), image.height()) == (1366, 768 - 40 - 32)   # a laptop
    save_shot(image, "cli_screenshot")


@pytest.mark.slow
@pytest.mark.parametrize("content", [b"this is not a database at all" * 100, b""])
def test_a_corrupted_database_is_one_error_line(cli, tmp_path, content):
    bad = tmp_path / "hong.db"
    bad.write_bytes(content + b"\x00" * 4096 if content else b"SQLite format 3\x00" + b"\xff" * 8000)
    result = cli("gui", "--screenshot", str(tmp_path / "x.png"), db=bad)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error:")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.slow
def test_a_missing_share_is_one_error_line(cli, tmp_path):
    result = cli("gui", "--screenshot", str(tmp_path / "x.png"), db=tmp_path / "khong-co" / "par.db")
    assert result.returncode == 1
    assert result.stderr.startswith("error: Không tìm thấy thư mục")
    assert "Traceback" not in result.stderr
