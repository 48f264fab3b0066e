"""The screenshot mode waits for events: the first frame, every start-up load delivered, a frame after it."""

import threading

import pytest
from PySide6.QtWidgets import QLabel, QMainWindow

from par_desktop.ui import operations
from par_desktop.ui.frames import FrameWatch, StartupDrawn, wait_until_drawn

pytestmark = pytest.mark.gui


def _window(qtbot) -> tuple[QMainWindow, QLabel, FrameWatch]:
    window = QMainWindow()
    label = QLabel("Đang tải…")
    window.setCentralWidget(label)
    window.resize(400, 200)
    qtbot.addWidget(window)
    return window, label, FrameWatch(window)


def test_the_first_frame_is_counted_once_it_is_drawn(qtbot):
    window, _label, watch = _window(qtbot)
    assert watch.count == 0
    window.show()
    qtbot.waitUntil(lambda: watch.count >= 1, timeout=5000)


def test_waiting_ends_after_the_frame_that_shows_the_last_load(qtbot):
    window, label, watch = _window(qtbot)
    release = threading.Event()
    seen: dict = {}

    def work():
        release.wait(10)
        return "Đã tải"

    def show(text):
        label.setText(text)
        seen["frame_at_delivery"] = watch.current

    operations.run_in_background(work, show, owner=label)
    window.show()
    # the worker is released only once the window has drawn its first frame without the data
    watch.drawn.connect(lambda n: release.set() if n == 1 else None)
    assert wait_until_drawn(StartupDrawn(window, watch), timeout_ms=20_000)
    assert label.text() == "Đã tải"
    assert seen["frame_at_delivery"] >= 1
    assert watch.count > seen["frame_at_delivery"]       # a frame drawn after the data arrived
    assert operations.pending_loads() == 0


def test_a_window_with_nothing_to_load_is_ready_at_its_first_frame(qtbot):
    window, _label, watch = _window(qtbot)
    window.show()
    assert wait_until_drawn(StartupDrawn(window, watch), timeout_ms=20_000)
    assert watch.count == 1


def test_a_load_that_never_ends_is_reported_not_waited_for_forever(qtbot):
    window, label, watch = _window(qtbot)
    release = threading.Event()
    operations.run_in_background(lambda: release.wait(30), lambda _r: None, owner=label)
    window.show()
    try:
        assert not wait_until_drawn(StartupDrawn(window, watch), timeout_ms=300)
    finally:
        release.set()
        qtbot.waitUntil(lambda: operations.pending_loads() == 0, timeout=10_000)


def test_a_failed_load_counts_as_delivered(qtbot):
    window, label, watch = _window(qtbot)

    def work():
        raise RuntimeError("hỏng")

    operations.run_in_background(work, lambda _r: None, lambda exc: label.setText(str(exc)), owner=label)
    window.show()
    assert wait_until_drawn(StartupDrawn(window, watch), timeout_ms=20_000)
    assert label.text() == "hỏng"


@pytest.mark.slow
def test_the_screenshot_of_a_page_waits_for_that_page(cli, demo_db, tmp_path):
    from PySide6.QtGui import QImage

    out = tmp_path / "tasks.png"
    result = cli("gui", "--screenshot", str(out), "--page", "tasks", db=demo_db, user="vanphong")
    assert result.returncode == 0, result.stderr
    assert QImage(str(out)).size().width() == 1366
