"""The dashboard on the demo data: figures, charts and lists agree with the services."""

from datetime import datetime

import pytest

from par_desktop.services import dashboard

pytestmark = pytest.mark.gui


def test_dashboard_data_on_the_demo(demo_db):
    data = dashboard.load(datetime(2024, 7, 20, 10, 0))
    assert data.period.label == "Tháng 8/2024"       # 15/07 – 14/08 with the 09/2019 cut-off
    refs = {t.ref for t in data.tasks_due_soon}
    assert {"I.2", "I.3", "III.A.1"} <= refs          # due 31/07/2024
    assert data.dossier_counts.overdue == sum(1 for r in data.dossiers_needing_attention if r.state == "overdue")
    assert sum(n for _, n in data.overdue_dossiers_by_unit) == data.dossier_counts.overdue
    assert data.period_total.identity_checks() and all(ok for _, ok in data.period_total.identity_checks())


def test_dashboard_page_shows_the_figures(qtbot, demo_db, tmp_path):
    from par_desktop.services.session import SYSTEM
    from par_desktop.ui.context import AppContext
    from par_desktop.ui.pages.dashboard import DashboardPage

    ctx = AppContext(str(demo_db), SYSTEM, poll_ms=0)
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.data is not None, timeout=15000)
    data = page.data
    assert page.cards["dossiers_overdue"].value.text() == f"{data.dossier_counts.overdue:,}".replace(",", ".")
    assert page.cards["tasks_overdue"].value.text() == str(len(data.tasks_overdue))
    assert page.tasks_model.rowCount() == len({t.id for t in data.tasks_overdue + data.tasks_due_soon})
    assert page.dossiers_model.rowCount() == len(data.dossiers_needing_attention)
    series = page.task_chart.chart().series()[0]
    assert [s.label() for s in series.barSets()][0] == "Quá hạn"
    page.apply_search("qua han")   # accent-insensitive: matches "Quá hạn"
    assert page.tasks_table.visible_count() == page.tasks_model.rowCount()
    page.apply_search("khong co dong nao nhu the nay")
    assert page.tasks_table.visible_count() == 0
    page.grab().save(str(tmp_path / "dashboard.png"))


def test_every_page_key_of_the_command_line_is_in_the_registry():
    from par_desktop.cli.cmd_gui import PAGE_KEYS
    from par_desktop.ui.pages import PAGES

    assert PAGE_KEYS == tuple(page.key for page in PAGES)
