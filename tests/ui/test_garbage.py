"""Qt objects freed by Python's cyclic collector are freed on the GUI thread (par_desktop.ui.garbage).

The scenario runs in its own process: without the fix it does not fail an assertion, it crashes (the way
the suite crashed: the GUI thread processing the events of an object a worker had just destroyed)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap

import pytest

from par_desktop.ui import garbage

SCENARIO = textwrap.dedent("""
    import gc, threading
    from PySide6.QtCore import QObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication
    from par_desktop.ui import garbage

    app = QApplication([])
    assert gc.isenabled()                 # Python's own setting, before the app installs its collector
    collector = garbage.install(app)
    destroyed_on = []

    def drop_a_context_in_a_cycle():
        # a parentless QObject with a running timer that only the cyclic collector can free (like an
        # AppContext referred to by the closures of the widgets it serves)
        context = QObject()
        context.itself = context
        QTimer(context).start(10)
        context.destroyed.connect(lambda *_: destroyed_on.append(threading.current_thread().name),
                                  Qt.ConnectionType.DirectConnection)

    drop_a_context_in_a_cycle()
    kept = []
    # a worker allocating (a document being rendered): Python's automatic collector would run there
    worker = threading.Thread(target=lambda: kept.extend([i] for i in range(20_000)), name="worker")
    worker.start()
    worker.join()
    print("after the worker:", destroyed_on, flush=True)
    QTimer.singleShot(5000, app.quit)
    QTimer(app, interval=20, timeout=lambda: destroyed_on and app.quit()).start()
    app.exec()
    print("destroyed on:", destroyed_on, "collector enabled gc:", gc.isenabled(),
          "installed once:", garbage.install(app) is collector, flush=True)
""")


def test_a_cycle_holding_a_qt_object_is_freed_on_the_gui_thread_not_on_the_worker_that_allocates(tmp_path):
    script = tmp_path / "scenario.py"
    script.write_text(SCENARIO, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "after the worker: []",
        "destroyed on: ['MainThread'] collector enabled gc: False installed once: True",
    ], done.stdout + done.stderr
    assert "Timers cannot be stopped from another thread" not in done.stderr


@pytest.mark.parametrize("steps", [
    # resuming restarts the GUI thread's collector, it does not switch Python's own back on
    "app.make_application(); app._pause_gc()",
    # run_gui pauses before the application (and its collector) exists: the collector made then stays
    # paused until the first page's data is drawn, not collecting while the window is built
    "app._pause_gc(); app.make_application()",
], ids=["paused after the application", "paused before the application"])
def test_the_apps_start_up_pause_keeps_collection_on_the_gui_thread(steps):
    """app.py pauses collection while the window is built and resumes it after the first frame."""
    code = (f"import gc; from par_desktop import app; {steps}; paused = not app._collector.running; "
            "app._resume_gc(); "
            "print(gc.isenabled(), paused, app._collector.running)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "True"], done.stdout + done.stderr


def test_collect_due_runs_the_generation_python_would_have_run():
    gc.collect()
    assert garbage.collect_due((10**9, 10, 10)) == -1
    kept = [[i] for i in range(2000)]
    assert garbage.collect_due((700, 10**9, 10)) == 0
    assert gc.get_count()[0] < 700 and kept
