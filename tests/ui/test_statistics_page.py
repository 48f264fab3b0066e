"""The statistics page with real widgets: period presets with the 09/2019 cut-offs, the 13-column table
with its two-level header and checked identities, the charts, and "Xuất Excel" read back."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from par_desktop.db.models import Unit
from par_desktop.services import settings, stats
from par_desktop.services.session import SYSTEM
from par_desktop.ui.context import AppContext
from par_desktop.ui.models.dossiers_model import StatsTableModel
from par_desktop.ui.pages.statistics import StatisticsPage

from gui_helpers import save_shot

pytestmark = pytest.mark.gui



def make_page(qtbot, db) -> StatisticsPage:
    page = StatisticsPage(AppContext(str(db), SYSTEM))
    qtbot.addWidget(page)
    page.resize(1500, 860)
    with qtbot.waitSignal(page.loaded, timeout=15000):
        page.refresh()
    page.show()
    return page


def choose(qtbot, page, action, *args):
    """Change the period (or unit) and wait for the background count to land."""
    with qtbot.waitSignal(page.loaded, timeout=15000):
        action(*args)
    assert not page.loading


def test_model_passes_the_model_tester(demo_db, qtmodeltester):
    model = StatsTableModel()
    qtmodeltester.check(model, force_py=True)
    model.set_stats(stats.dossier_statistics(date(2023, 12, 15), date(2024, 12, 14)))
    qtmodeltester.check(model, force_py=True)


def test_presets_table_identities_and_charts(demo_db, qtbot):
    page = make_page(qtbot, demo_db)
    choose(qtbot, page, page.set_period, "quarter", 2024, 3)
    assert (page.period().start, page.period().end) == (date(2024, 6, 15), date(2024, 9, 14))
    assert "Quý III/2024 — từ ngày 15/06/2024 đến ngày 14/09/2024" in page.span_label.text()
    expected = stats.dossier_statistics(date(2024, 6, 15), date(2024, 9, 14))
    model = page.model
    assert model.rowCount() == len(expected.rows) + 1
    last = model.rowCount() - 1
    assert [model.value(last, c) for c in range(2, 13)] == expected.total.counts()
    assert model.data(model.index(last, 1)) == "Tổng số"
    assert model.data(model.index(last, 2)) == f"{expected.total.received_total:,}".replace(",", ".")
    assert model.headerData(4, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal).endswith("(5)")
    assert page.identities.text().count("✓") == 4 and "✗" not in page.identities.text()
    assert [g for g, _ in page.group_header.groups] == ["", "Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết",
                                                        "Số hồ sơ đang giải quyết"]
    month_bars = page.month_chart.chart().series()[0].barSets()[0]
    assert month_bars.count() == 12
    assert page.unit_chart.chart().series()[0].barSets()[0].count() == len(
        stats.on_time_rate_by_unit(date(2024, 6, 15), date(2024, 9, 14)))

    choose(qtbot, page, page.set_period, "half", 2024, 1)
    assert (page.period().start, page.period().end) == (date(2023, 12, 15), date(2024, 6, 14))
    choose(qtbot, page, page.set_period, "year", 2024)
    assert page.period().label == "Năm 2024"
    qtbot.wait(50)
    save_shot(page, "statistics-page")

    choose(qtbot, page, page.set_range, date(2024, 3, 1), date(2024, 3, 31))
    assert (page.period().kind, page.period().start) == ("range", date(2024, 3, 1))
    unit = Unit.get(Unit.short_code == "NCC")
    choose(qtbot, page, page.unit.setCurrentIndex, page.unit.findData(unit.id))
    by_unit = stats.dossier_statistics(date(2024, 3, 1), date(2024, 3, 31), unit.id)
    assert [page.model.value(page.model.rowCount() - 1, c) for c in range(2, 13)] == by_unit.total.counts()
    assert "Phòng Người có công" in page.span_label.text()


def test_cutoff_setting_moves_the_presets(demo_db, qtbot):
    settings.set_value(SYSTEM, "reports.cutoff_day", 1)
    page = make_page(qtbot, demo_db)
    choose(qtbot, page, page.set_period, "month", 2024, 2)
    assert (page.period().start, page.period().end) == (date(2024, 2, 1), date(2024, 2, 29))


def test_export_reads_back(demo_db, qtbot, tmp_path, monkeypatch):
    page = make_page(qtbot, demo_db)
    choose(qtbot, page, page.set_period, "month", 2024, 6)
    target = tmp_path / "thong-ke.xlsx"
    monkeypatch.setattr("par_desktop.ui.export.ask_save_path", lambda *a, **k: target)
    page.export()
    qtbot.waitUntil(lambda: page.export_operation.done, timeout=15000)
    assert page.export_operation.error is None
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][2] == "Số hồ sơ nhận giải quyết - Tổng số (3)"
    assert rows[-1][1] == "Tổng số" and list(rows[-1][2:]) == page.model.stats.total.counts()
