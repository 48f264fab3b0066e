"""The dashboard on the demo data: figures, charts and lists agree with the services."""

from datetime import datetime

import pytest

from par_desktop.services import dashboard, stats

pytestmark = pytest.mark.gui


def test_dashboard_data_on_the_demo(demo_db):
    data = dashboard.load(datetime(2024, 7, 20, 10, 0))
    assert data.period.label == "Tháng 8/2024"       # 15/07 – 14/08 with the 09/2019 cut-off
    refs = {t.ref for t in data.tasks_due_soon}
    assert {"I.2", "I.3", "III.A.1"} <= refs          # due 31/07/2024
    assert data.dossier_counts.overdue == sum(1 for r in data.dossiers_needing_attention if r.state == "overdue")
    assert sum(n for _, n in data.overdue_dossiers_by_unit) == data.dossier_counts.overdue
    table = stats.dossier_statistics(data.period.start, data.period.end).total   # the same figures as Biểu 06
    assert data.period_rate.resolved == table.resolved_total > 0
    assert data.period_rate.on_time == table.resolved_early + table.resolved_on_time


def test_dashboard_data_in_a_handful_of_queries_whatever_the_size(demo_db):
    """The first screen is read in a fixed number of queries: the counts and the chart are grouped by the
    database, the lists cut there (UX: the app opens as fast as an empty window)."""
    from par_desktop.db.models import database_proxy

    statements: list[str] = []
    database_proxy.obj.connection().set_trace_callback(statements.append)
    try:
        data = dashboard.load(datetime(2024, 7, 20, 10, 0))
    finally:
        database_proxy.obj.connection().set_trace_callback(None)
    assert len(statements) <= 16, statements   # 15, and one for what changed since yesterday and who
    assert not any("dossier_pause" in s and "IN (" not in s for s in statements)   # pauses of the listed rows only
    assert len(data.dossiers_needing_attention) <= dashboard.ATTENTION_ROWS


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


def test_a_page_closed_while_loading_is_given_nothing(qtbot, demo_db, monkeypatch):
    """A window closed before its dashboard was read (a clerk closing at once, a test ending) must not
    have the result delivered to its deleted widgets."""
    import threading

    import shiboken6

    from par_desktop.services.session import SYSTEM
    from par_desktop.ui import operations
    from par_desktop.ui.context import AppContext
    from par_desktop.ui.pages import dashboard as dashboard_page

    release = threading.Event()
    real_load = dashboard.load
    monkeypatch.setattr(dashboard_page.dashboard, "load", lambda: release.wait(20) and real_load())
    page = dashboard_page.DashboardPage(AppContext(str(demo_db), SYSTEM, poll_ms=0))
    page.refresh()
    assert operations.pending_loads() >= 1
    shiboken6.delete(page)
    release.set()
    qtbot.waitUntil(lambda: operations.pending_loads() == 0, timeout=20_000)   # delivered to no one, no error


def test_every_page_key_of_the_command_line_is_in_the_registry():
    from par_desktop.cli.cmd_gui import PAGE_KEYS
    from par_desktop.ui.pages import PAGES

    assert PAGE_KEYS == tuple(page.key for page in PAGES)
