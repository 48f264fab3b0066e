"""Start-up (issue 17, docs/startup.md): the first frame holds the window shell and the first page only.

Each test runs the real program (``gui --screenshot`` on a copy of the demo database) in its own
process and writes down ``sys.modules`` at the moment the main window's first frame has been drawn
(``MainWindow.after_first_frame``, which then starts what could wait)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, account_env

pytestmark = pytest.mark.gui

# Imported by the probe before it runs the command line, to hook the first frame.
PROBE = """
import json, sys
from par_desktop.ui import main_window

QT_TYPES = ("QStyle", "QTextBrowser", "QTableWidget", "QWizard")

original = main_window.MainWindow.after_first_frame

def record(self):
    import PySide6.QtWidgets as widgets   # PySide6 builds a Qt class's Python type at its first use
    built = [f"qt-type:{name}" for name in QT_TYPES if name in widgets.__dict__]
    # printed at once: a screenshot run ends its process as soon as the picture is saved
    print("MODULES " + json.dumps(sorted(sys.modules) + built), flush=True)
    original(self)

main_window.MainWindow.after_first_frame = record
from par_desktop.cli.main import main

sys.exit(main(sys.argv[1:]))
"""

# Libraries and features the first screen does not use (issue 17): none is loaded at the first frame.
NOT_AT_FIRST_FRAME = ("holidays", "jinja2", "openpyxl", "docx", "reportlab", "psycopg2", "psycopg", "pypdf",
                      "par_desktop.documents", "par_desktop.importers", "par_desktop.ui.global_search",
                      "par_desktop.ui.presence_widget", "par_desktop.ui.window_dialogs", "par_desktop.services.search",
                      "par_desktop.ui.dialogs", "par_desktop.ui.settings_tabs",
                      # a backup is made before an upgrade only; the demo filler fills a new demo database
                      "par_desktop.db.backup", "subprocess", "par_desktop.services.demo")


def first_frame_modules(db: Path, tmp_path: Path, *args: str) -> set[str]:
    """The modules loaded when the first frame was drawn, on the second start (the first one fills the
    user's cache of national days off, as any earlier start on that PC has)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CACHE_HOME=str(tmp_path / "cache"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), **account_env("vanphong"))
    env.pop("PAR_DESKTOP_DB", None)
    modules = None
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", PROBE, "--db", str(db), "gui", "--screenshot",
                               str(tmp_path / "shot.png"), *args], capture_output=True, text=True,
                              env=env, cwd=REPO, timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]
        lines = [line for line in done.stdout.splitlines() if line.startswith("MODULES ")]
        assert len(lines) == 1, "the first frame was never drawn"
        modules = json.loads(lines[0][len("MODULES "):])
    return set(modules)


def loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(m.startswith(name + ".") for m in modules)


@pytest.fixture
def demo_copy(demo_template, tmp_path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path


def test_the_first_frame_loads_the_dashboard_and_nothing_it_does_not_show(demo_copy, tmp_path):
    modules = first_frame_modules(demo_copy, tmp_path)
    assert "par_desktop.ui.pages.dashboard" in modules           # the hook saw the first page built
    assert "par_desktop.services.dashboard" in modules
    assert [name for name in NOT_AT_FIRST_FRAME if loaded(modules, name)] == []
    other_pages = sorted(m for m in modules if m.startswith("par_desktop.ui.pages.")
                         and m != "par_desktop.ui.pages.dashboard")
    assert other_pages == []
    other_commands = sorted(m for m in modules if m.startswith("par_desktop.cli.cmd_") and m != "par_desktop.cli.cmd_gui")
    assert other_commands == []
    # Qt classes only dialogs use are not built either (QStyle: about 10 ms); nor is QWizard, which
    # nothing at start-up uses: PySide6 builds every QWidget subclass when a widget Qt made reaches
    # Python as a bare QWidget (a table's own viewport did: 16 ms)
    assert "qt-type:QWizard" not in modules
    assert sorted(m for m in modules if m.startswith("qt-type:")) == []


def test_a_page_module_is_loaded_when_the_page_is_first_shown(demo_copy, tmp_path):
    modules = first_frame_modules(demo_copy, tmp_path, "--page", "tasks")
    assert "par_desktop.ui.pages.tasks" in modules
    assert "par_desktop.ui.pages.dashboard" not in modules
    assert not loaded(modules, "holidays") and not loaded(modules, "psycopg2")


@pytest.mark.parametrize("page", ["dossiers", "statistics", "settings"])
def test_no_first_page_hands_python_a_viewport_qt_made(demo_copy, tmp_path, page):
    """Whichever page the clerk left open comes first: its tables and scroll areas have viewports made
    on the Python side (``widgets.viewport.own_viewport``), so no QWidget subclass's type is built
    (a Qt-made viewport reaching Python built them all: 16 ms)."""
    modules = first_frame_modules(demo_copy, tmp_path, "--page", page)
    assert f"par_desktop.ui.pages.{page}" in modules
    assert "qt-type:QWizard" not in modules


def test_the_compiled_window_shell_matches_its_designer_form():
    """``ui/shell_ui.py`` is ``forms/main_window.ui`` compiled by ``make forms``: edit the form, then run it."""
    uic = shutil.which("pyside6-uic", path=str(Path(sys.executable).parent))
    assert uic, "pyside6-uic comes with PySide6"
    done = subprocess.run([uic, "-a", str(REPO / "forms" / "main_window.ui")], capture_output=True, text=True,
                          check=True)

    def body(text: str) -> list[str]:   # the compiler's version line aside
        return [line for line in text.splitlines() if "Created by: Qt User Interface Compiler" not in line]

    assert body(done.stdout) == body((REPO / "par_desktop" / "ui" / "shell_ui.py").read_text(encoding="utf-8"))


def test_the_benchmarks_qt_skeleton_draws_the_first_screens_widgets(tmp_path):
    """bench/screen_skeleton.py, Qt's own part of the start-up figure (docs/startup.md), shows the same
    widgets as the app's first screen — charts with bars and tables with rows, not an empty frame —
    without importing the application."""
    from PySide6.QtGui import QImage

    shot = tmp_path / "skeleton.png"
    code = (f"import runpy, sys; sys.path.insert(0, {str(REPO / 'bench')!r}); "
            f"skeleton = runpy.run_path({str(REPO / 'bench' / 'screen_skeleton.py')!r}); "
            "code = skeleton['main'](['screen_skeleton.py', sys.argv[1]]); "
            "print('APP', any(m.startswith('par_desktop') for m in sys.modules)); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", code, str(shot)], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("APP False"), "the skeleton imports no module of the application"
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1366, 696)
    colours = {image.pixel(x, y) for x in range(0, 1366, 7) for y in range(0, 696, 7)}
    assert len(colours) > 40, "bars in several colours, icons and text: a drawn screen"


def test_a_screenshot_run_ends_at_once_with_its_exit_code_and_its_messages(demo_copy, tmp_path, cli):
    """The run ends without Python's teardown once the picture is saved (app._end_screenshot_run): the
    picture is whole, and a failure still exits 1 with its one ``error:`` line."""
    from PySide6.QtGui import QImage

    shot = tmp_path / "shot.png"
    done = cli("gui", "--screenshot", str(shot), db=demo_copy, user="vanphong")
    assert done.returncode == 0, done.stderr
    assert not QImage(str(shot)).isNull()
    missing = tmp_path / "khong-co" / "shot.png"
    failed = cli("gui", "--screenshot", str(missing), db=demo_copy, user="vanphong")
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines() == [f"error: không có thư mục {missing.parent} để lưu ảnh."]


def test_the_dashboards_data_is_read_without_the_other_features_services(demo_copy):
    """The first page's data (read on a worker while the window waits for it) loads the services it
    shows and no other: naming a PAR-index change in the change list once imported the scoring,
    criteria, metrics and service-quality services (about 20 ms on the start-up's critical path)."""
    code = ("import sys; from par_desktop.db.schema import open_database; open_database(sys.argv[1]); "
            "from par_desktop.services import dashboard; data = dashboard.load(); "
            "assert data.changes_since_yesterday, 'the demo was just made: changes to name'; "
            "print(sorted(m for m in sys.modules if m.startswith(('par_desktop.services.par_index', "
            "'par_desktop.services.service_quality', 'par_desktop.services.demo'))))")
    done = subprocess.run([sys.executable, "-c", code, str(demo_copy)], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
