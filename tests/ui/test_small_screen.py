"""A 768-pixel laptop and a 1920×1080 screen at 150 % (issue 16 item 3): the first window fits the
screen's free area with its status bar, and on Thống kê the table — every row, the total row and
columns (11)–(13) of Biểu 06 — wins the space over the charts, which fold away and come back on
"Biểu đồ"; the clerk's splitter is remembered (the window's size: tests/ui/test_shell.py)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QSplitter
import pytest

from par_desktop.services.session import Actor
from par_desktop.ui import pages as registry
from par_desktop.ui.context import AppContext
from par_desktop.ui.main_window import MainWindow, fitted_size, screen_free_area

from gui_helpers import settle

pytestmark = pytest.mark.gui

VANPHONG = Actor("vanphong", "office", full_name="Nguyễn Thị Hương")
LAPTOP = screen_free_area(QSize(1366, 768), 1.0)          # 1366 × 728
BIG_AT_150 = screen_free_area(QSize(1920, 1080), 1.5)     # 1280 × 680 logical


def test_the_free_area_of_the_screens_the_clerks_have():
    assert LAPTOP == QSize(1366, 728) and BIG_AT_150 == QSize(1280, 680)
    assert fitted_size(LAPTOP) == QSize(1366, 696)          # not 1366 × 800: the title bar and taskbar stay
    assert fitted_size(QSize(2560, 1400)) == QSize(1366, 800)


def on_screen(window: MainWindow, free: QSize, qtbot) -> MainWindow:
    window.place_on_screen(QRect(0, 0, free.width(), free.height()))
    qtbot.addWidget(window, before_close_func=settle)
    window.show()
    return window


@pytest.mark.parametrize("free", [LAPTOP, BIG_AT_150], ids=["1366x768", "1920x1080@150"])
def test_the_statistics_table_wins_the_space(qtbot, demo_db, free):
    window = on_screen(MainWindow(AppContext(str(demo_db), VANPHONG)), free, qtbot)
    assert window.y() + window.height() + 32 <= free.height() and window.width() <= free.width()
    bar = window.statusBar()
    assert bar.isVisible() and bar.mapTo(window, bar.rect().bottomLeft()).y() < window.height()

    page = window.show_page("statistics")
    qtbot.waitUntil(lambda: page.model.rowCount() > 1 and not page.loading, timeout=30_000)
    page.picker.year.setValue(2024)          # the period picker shared with Chất lượng phục vụ
    qtbot.waitUntil(lambda: not page.loading, timeout=30_000)
    table = page.table
    viewport = table.viewport().rect()
    last_row, last_column = page.model.rowCount() - 1, page.model.columnCount() - 1
    assert page.model.is_total(last_row)
    total_cell = table.visualRect(page.model.index(last_row, last_column))
    assert viewport.contains(total_cell), "the total row and column (13) are on the screen"
    assert not table.horizontalScrollBar().isVisible()
    assert not page.charts_shown() and not page.charts_button.isChecked()   # no room: folded away

    page.charts_button.click()                      # the clerk asks for them
    assert page.charts_shown() and page.charts_button.isChecked()
    assert page.month_chart.height() >= 150
    page.charts_button.click()
    assert not page.charts_shown()


def test_the_charts_show_where_there_is_room_and_the_splitter_is_remembered(qtbot, demo_db):
    window = on_screen(MainWindow(AppContext(str(demo_db), VANPHONG)), QSize(1366, 1400), qtbot)
    window.resize(1366, 1100)
    page = window.show_page("statistics")
    qtbot.waitUntil(lambda: not page.loading, timeout=30_000)
    assert page.charts_shown() and page.charts_button.isChecked()
    splitter = page.findChild(QSplitter, "statisticsSplitter")
    splitter.setSizes([900, 0])                     # the clerk folds them by dragging
    window.close()

    again = MainWindow(AppContext(str(demo_db), VANPHONG))
    qtbot.addWidget(again, before_close_func=settle)
    again.show()
    assert again.current_key() == "statistics"
    restored = again.pages["statistics"]
    assert not restored.charts_shown() and not restored.charts_button.isChecked()


@pytest.mark.parametrize("key", [spec.key for spec in registry.PAGES])
def test_every_page_fits_1920x1080_at_150_percent(qtbot, demo_db, key):
    """One window per page: the page shown on a 1920×1080 screen at 150 % keeps the window on it."""
    window = on_screen(MainWindow(AppContext(str(demo_db), VANPHONG), first_page=key), BIG_AT_150, qtbot)
    label = registry.spec(key).label
    qtbot.waitUntil(lambda: window.current_key() == key)
    assert window.width() <= BIG_AT_150.width(), f"{label} widens the window past the screen"
    assert window.height() <= fitted_size(BIG_AT_150).height(), f"{label} makes the window taller"
