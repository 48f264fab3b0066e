"""Windows' dark mode cannot turn the screens' text white on their fixed light surfaces.

On Qt 6.5+ Fusion takes the system's dark palette when Windows is in dark mode; the offscreen platform
has no dark mode, so the test gives the application the palette Fusion uses then (Qt's dark Fusion
colours) and checks that the page title, drawn on the top bar's white, is readable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QPalette

from par_desktop.app import light_palette, use_light_scheme
from par_desktop.services.session import SYSTEM
from par_desktop.ui.context import AppContext
from par_desktop.ui.main_window import MainWindow

from gui_helpers import save_shot

pytestmark = pytest.mark.gui


def fusion_dark_palette() -> QPalette:
    """The palette Fusion uses in Windows' dark mode (Qt 6.5+: qt_fusionPalette, dark branch)."""
    window, text, base = QColor(50, 50, 50), QColor(240, 240, 240), QColor(36, 36, 36)
    palette = QPalette(text, window, window.lighter(150), window.darker(150), window.darker(130), text, base)
    palette.setColor(QPalette.ColorRole.Button, window)
    palette.setColor(QPalette.ColorRole.ButtonText, text)
    palette.setColor(QPalette.ColorRole.Highlight, QColor(48, 140, 198))
    return palette


@pytest.fixture
def restore_palette(qapp):
    app = qapp          # pytest-qt's application: this test may be the first of its process
    saved = QPalette(app.palette())
    yield app
    app.setPalette(saved)


def dark_pixels(widget) -> int:
    """Dark pixels where ``widget`` is, as its window draws it (the top bar's background included)."""
    window = widget.window()
    image = window.grab(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())).toImage()
    return sum(1 for y in range(image.height()) for x in range(image.width())
               if QColor(image.pixel(x, y)).lightness() < 100)


def title_window(qtbot, db) -> MainWindow:
    window = MainWindow(AppContext(str(db), SYSTEM))
    qtbot.addWidget(window)
    window.show()
    window.show_page("tasks")
    return window


def test_dark_mode_cannot_make_the_page_title_white_on_white(qtbot, demo_db, restore_palette):
    app = restore_palette
    app.setPalette(fusion_dark_palette())
    dark = title_window(qtbot, demo_db)
    assert dark.page_title.text() == "Nhiệm vụ" and dark_pixels(dark.page_title) == 0   # invisible: the bug
    dark.close()

    use_light_scheme(app)
    light = title_window(qtbot, demo_db)
    assert light.page_title.palette().color(QPalette.ColorRole.WindowText).lightness() < 60
    assert dark_pixels(light.page_title) > 50
    light.resize(1366, 768)
    save_shot(light, "dark-mode-fixed")


def test_the_light_palette_is_fusions_own(restore_palette):
    app = restore_palette
    app.setStyle("Fusion")
    standard, ours = app.style().standardPalette(), light_palette()   # offscreen: no dark mode here
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        for role in QPalette.ColorRole:
            if role != QPalette.ColorRole.NColorRoles:
                assert standard.color(group, role) == ours.color(group, role), (group, role)


def test_the_application_is_drawn_with_fusion_whatever_the_system_style():
    """The style is named on Qt's command line (app.make_application), in a process of its own: the
    system's own style, or one a PC sets with QT_STYLE_OVERRIDE, would draw the screens differently."""
    import os
    import subprocess
    import sys

    code = "from par_desktop.app import make_application; print(make_application().style().name())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_STYLE_OVERRIDE="windows"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().lower() == "fusion"
