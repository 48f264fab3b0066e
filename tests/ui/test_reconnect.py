"""The connection that recovers (issue 20, item 2), in a real window on a real file: the folder holding
the database is renamed away (the share dropped) and every handle this process holds on the file is
made dead (what a file-server reboot or a laptop's sleep does to them), then the folder comes back.

The window says "Mất kết nối — đang thử lại" and keeps working; an editor keeps what the clerk typed
when its save fails, and saves once the file is back; the change poll and the presence heartbeat run
on the connection watch's thread, never on the GUI thread."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from par_desktop.services import database, presence
from par_desktop.services.session import SYSTEM
from par_desktop.services.tasks import views as task_views
from par_desktop.ui.context import AppContext
from par_desktop.ui.dialogs.task_dialogs import TaskDialog
from par_desktop.ui.main_window import MainWindow

from gui_helpers import answer_next_dialog, save_shot
from share_helpers import kill_handles

pytestmark = [pytest.mark.gui, pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd")]


@pytest.fixture
def share(tmp_path, demo_template):
    """The demo database in a folder of its own, as on \\\\may-chu\\PAR, opened."""
    from par_desktop.db.models import database_proxy
    from par_desktop.db.schema import open_database

    folder = tmp_path / "PAR"
    folder.mkdir()
    path = folder / "par_desktop.db"
    shutil.copy(demo_template, path)
    open_database(str(path))
    yield path
    if not folder.exists() and folder.with_name("PAR-offline").exists():
        folder.with_name("PAR-offline").rename(folder)
    if database_proxy.obj is not None and not database_proxy.obj.is_closed():
        database_proxy.obj.close()


def test_the_window_recovers_when_the_share_comes_back_and_keeps_the_clerks_typing(qtbot, share, monkeypatch,
                                                                                  request):
    threads = {"poll": set(), "heartbeat": set()}
    real_newest, real_heartbeat = database.newest_change, presence.heartbeat

    def newest_change():
        threads["poll"].add(threading.current_thread())
        return real_newest()

    def heartbeat(*args):
        threads["heartbeat"].add(threading.current_thread())
        return real_heartbeat(*args)

    monkeypatch.setattr(database, "newest_change", newest_change)
    presence.register(SYSTEM)
    ctx = AppContext(str(share), SYSTEM, poll_ms=100)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    ctx.start_polling(heartbeat=heartbeat, heartbeat_s=0.2)
    request.addfinalizer(ctx.stop_polling)   # also when an assertion below fails
    qtbot.waitUntil(lambda: ctx.newest_change is not None and bool(threads["heartbeat"]), timeout=5000)

    task = task_views.list_tasks()[0]
    editor = TaskDialog(ctx, task_views.get_task(task.id))
    qtbot.addWidget(editor)
    editor.show()
    typed = "Ghi chú gõ trong lúc mất mạng: gửi lại báo cáo quý cho Sở Nội vụ"
    editor.note_edit.setText(typed)

    # The share drops and the server forgets this PC's handles.
    away = share.parent.with_name("PAR-offline")
    share.parent.rename(away)
    kill_handles(away / share.name)
    qtbot.waitUntil(lambda: window.connection_label.isVisible(), timeout=5000)
    assert window.connection_label.text() == "Mất kết nối — đang thử lại"
    assert "Không truy cập được tệp cơ sở dữ liệu" in window.connection_label.toolTip()
    assert ctx.offline is not None
    window.resize(1366, 768)
    save_shot(window, "connection-lost")

    seen: list = []
    answer_next_dialog("ok", seen)
    editor.accept()                                     # the save fails: said, the typing stays
    assert seen and ("ổ mạng bị ngắt" in seen[0] or "Không mở được tệp" in seen[0]), seen
    assert editor.isVisible() and editor.note_edit.text() == typed

    # The share is back: the window says so by itself and the same editor saves.
    away.rename(share.parent)
    with qtbot.waitSignal(ctx.connection_restored, timeout=5000):
        pass
    assert not window.connection_label.isVisible() and ctx.offline is None
    editor.accept()
    assert not editor.isVisible()
    assert task_views.get_task(task.id).note == typed

    # Nothing of the watching ran on the GUI thread.
    assert threads["poll"] and threading.main_thread() not in threads["poll"]
    assert threading.main_thread() not in threads["heartbeat"]
    ctx.stop_polling()
    presence.unregister()


def test_a_share_that_hangs_is_said_within_seconds_while_the_window_keeps_working(qtbot, share, monkeypatch):
    """A file server gone silent makes each request wait about a minute on Windows before it fails. The
    hang is made here where the watch touches the share (its ``stat``), holding it until released."""
    hang, release = threading.Event(), threading.Event()
    real_reach = database.ensure_file_reachable

    def reach(location):
        if hang.is_set():
            release.wait(30)
        return real_reach(location)

    monkeypatch.setattr(database, "ensure_file_reachable", reach)
    ctx = AppContext(str(share), SYSTEM, poll_ms=100)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    ctx.start_polling(stall_s=1)
    qtbot.waitUntil(lambda: ctx.newest_change is not None, timeout=5000)
    hang.set()
    ticks = []
    clock = QTimer()
    clock.timeout.connect(lambda: ticks.append(1))
    clock.start(20)                                     # the GUI thread's own events go on meanwhile
    with qtbot.waitSignal(ctx.connection_lost, timeout=5000) as lost:
        pass
    assert lost.args[0].startswith("Máy chủ tệp không trả lời: đã chờ 1 giây mà chưa đọc được cơ sở dữ liệu")
    qtbot.waitUntil(window.connection_label.isVisible, timeout=2000)
    assert len(ticks) >= 20                             # ≥ 1 s of 20 ms ticks: never blocked
    hang.clear()
    release.set()                                       # the server answers again
    with qtbot.waitSignal(ctx.connection_restored, timeout=5000):
        pass
    assert not window.connection_label.isVisible()
    clock.stop()
    ctx.stop_polling()
