"""GUI tests: modal-dialog watches end with their test; screenshots go to the test's own folder."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

import gui_helpers


@pytest.fixture(autouse=True)
def modal_watches_end_with_their_test():
    """A watch whose dialog never came fails its test here, and stops polling (see gui_helpers)."""
    yield
    problems = gui_helpers.finish_watches()
    if problems:
        pytest.fail("; ".join(problems), pytrace=False)


@pytest.fixture(autouse=True)
def widgets_deleted_with_their_test():
    """A test's widgets and background work end with it.

    pytest-qt closes a test's widgets and calls deleteLater() on them, which only happens when an event
    loop next runs — in the next test, often inside a modal dialog's exec(), where a window being deleted
    (still QApplication.activeWindow(), so a dialog's parent) takes that dialog with it. So: let the
    background operations the test started finish and deliver their results to the (closed) widgets,
    then delete the widgets now."""
    yield
    assert QThreadPool.globalInstance().waitForDone(60_000), "background work still running 60 s after its test"
    QCoreApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


@pytest.fixture(autouse=True)
def screenshots_in_the_test_folder(tmp_path):
    """``gui_helpers.save_shot`` writes into this test's own folder, never a fixed shared one."""
    gui_helpers.shots_dir = tmp_path / "shots"
    yield
    gui_helpers.shots_dir = None
