"""The small things of issue 16 item 11, each in the real widget."""

from __future__ import annotations

import pytest
from PySide6.QtCharts import QValueAxis
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from par_desktop.domain.calendar import OfficeHours, format_remaining
from par_desktop.services.session import SYSTEM, Actor
from par_desktop.ui.context import AppContext
from par_desktop.ui.first_start import FirstStartWizard
from par_desktop.ui.main_window import NAV_MIN_WIDTH, MainWindow
from par_desktop.ui.status_style import state_background, state_color

from gui_helpers import open_window

pytestmark = pytest.mark.gui

VANPHONG = Actor("vanphong", "office", full_name="Nguyễn Thị Hương")


def test_finished_late_and_overdue_do_not_share_a_colour():
    assert state_color("done_late") != state_color("overdue")
    assert state_background("done_late") != state_background("overdue")


def test_overdue_time_says_working_time():
    assert format_remaining(-(9 * 60 * 12 + 180), OfficeHours()).endswith("làm việc")


def test_an_empty_chart_counts_in_whole_numbers(qtbot, empty_db):
    window = MainWindow(AppContext(str(empty_db), SYSTEM))
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("dashboard")
    qtbot.waitUntil(lambda: page.data is not None, timeout=20_000)
    for view in (page.task_chart, page.dossier_chart):
        axis = next(a for a in view.chart().axes() if isinstance(a, QValueAxis))
        assert (axis.min(), axis.max(), axis.tickCount()) == (0, 1, 2)    # "0 1", not "0 0 0 0 0 1"
        assert view.chart().title().endswith("(chưa có số liệu)")
    titles = [w for w in window.findChildren(QLabel) if w.text() == "Tổng quan" and w.isVisible()]
    assert titles == [window.page_title], "the page title is shown once"


@pytest.fixture
def window(qtbot, demo_db):
    return open_window(qtbot, demo_db, VANPHONG, height=696)


def test_a_filter_with_no_result_says_so(qtbot, window):
    page = window.show_page("tasks")
    qtbot.waitUntil(lambda: page.table.visible_count() > 0)
    page.filter_bar.set_text("không có nhiệm vụ nào như thế này")
    qtbot.waitUntil(lambda: page.table.visible_count() == 0)
    assert page.table.no_match.isVisible()
    assert page.table.no_match.text().startswith("Không có nhiệm vụ phù hợp với bộ lọc.")
    window.resize(1100, 600)             # the note keeps covering the table as the window changes size
    viewport = page.table.table.viewport()
    qtbot.waitUntil(lambda: page.table.no_match.geometry() == viewport.rect())
    page.clear_filters()
    qtbot.waitUntil(lambda: page.table.visible_count() > 0)
    assert not page.table.no_match.isVisible()


def test_one_search_text_per_page(qtbot, window):
    page = window.show_page("tasks")
    QTest.keyClicks(page.filter_bar.search_edit, "mot cua")
    assert window.search.text() == "mot cua"
    window.search.setText("ho so")
    qtbot.waitUntil(lambda: page.filter_bar.search_edit.text() == "ho so", timeout=3000)


def test_the_navigation_keeps_its_width_after_settings(qtbot, window):
    before = window.nav.width()
    window.show_page("settings")
    window.show_page("tasks")
    assert window.nav.width() == before >= NAV_MIN_WIDTH
    assert window.width() == 1366, "Cài đặt fits a laptop screen"


def test_the_wizard_sends_the_clerk_to_where_units_live(qtbot, empty_db):
    wizard = FirstStartWizard(SYSTEM)
    qtbot.addWidget(wizard)
    texts = [wizard.page(i).subTitle() for i in wizard.pageIds()]
    assert any("Danh mục → Đơn vị" in t for t in texts)
    assert not any("đơn vị" in t.lower() and "Cài đặt → Tổ chức" in t for t in texts)
