"""Say what a figure is (issue 16 item 9): the dashboard, the statistics page and the monthly report name
the moment their figures are counted at, so "40 quá hạn" on Tổng quan and "42" in Thống kê of the running
period are both explained; "Thay đổi từ hôm qua" says which records changed and by whom, not a count of
audit rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtWidgets import QLabel

from par_desktop.domain import periods
from par_desktop.domain.text import ui_date, ui_moment
from par_desktop.services import audit, settings, stats
from par_desktop.services.session import SYSTEM
from par_desktop.ui.context import AppContext

from gui_helpers import save_shot

pytestmark = pytest.mark.gui


def test_the_running_period_and_the_dashboard_say_when_they_count(demo_db, qtbot):
    """The current reporting period judges its open dossiers at its last minute, the dashboard now: the
    two overdue figures differ and both screens say at which moment they were counted."""
    from par_desktop.ui.pages.dashboard import DashboardPage
    from par_desktop.ui.pages.statistics import StatisticsPage

    ctx = AppContext(str(demo_db), SYSTEM, poll_ms=0)
    board = DashboardPage(ctx)
    qtbot.addWidget(board)
    board.resize(1366, 740)
    board.show()
    board.refresh()
    qtbot.waitUntil(lambda: board.data is not None, timeout=15000)
    data = board.data
    assert board.subtitle.text().startswith(f"Số liệu lúc {data.at:%H:%M} hôm nay {ui_date(data.today)}")
    assert board.cards["dossiers_overdue"].caption.text() == f"Hồ sơ TTHC quá hạn lúc {data.at:%H:%M}"
    assert board.cards["on_time_rate"].caption.text() == \
        f"Tỷ lệ giải quyết đúng hạn từ {data.period.start:%d/%m} đến nay"
    save_shot(board, "dashboard-1366")

    page = StatisticsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 740)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: not page.loading and page.model.stats is not None, timeout=15000)
    current = periods.report_period_of(date.today(), "month", settings.get(settings.REPORT_CUTOFF_DAY))
    assert page.period() == current
    note = page.findChild(QLabel, "countedAt").text()
    assert note.startswith("Kỳ chưa kết thúc: số liệu đến ") and ui_moment(periods.last_minute(current.end)) in note
    assert "Tổng quan" in note
    whole_period = stats.dossier_statistics(current.start, current.end).total.pending_overdue
    assert page.model.stats.total.pending_overdue == whole_period
    save_shot(page, "statistics-1366")

    page.set_period("year", 2024)
    qtbot.waitUntil(lambda: not page.loading and page.model.stats.end.year == 2024, timeout=15000)
    assert page.findChild(QLabel, "countedAt").text() == "Số liệu chốt lúc 14/12/2024 23:59 (hết kỳ)."


def test_changes_since_yesterday_say_what_changed(demo_db, qtbot):
    from par_desktop.ui.pages.dashboard import DashboardPage

    summary = audit.change_summary(since=datetime.now() - timedelta(days=1))
    kinds = dict(summary.by_kind)
    assert kinds["Báo cáo tiến độ"] > 100 and kinds["Nhiệm vụ"] >= 10 and "Hệ thống (tự động)" in summary.people
    assert summary.records == sum(kinds.values()) < audit.count(since=datetime.now() - timedelta(days=1))
    text = summary.text()
    assert text.startswith(f"{kinds['Báo cáo tiến độ']} báo cáo tiến độ, ")
    assert text.endswith(" — " + ", ".join(summary.people))

    board = DashboardPage(AppContext(str(demo_db), SYSTEM, poll_ms=0))
    qtbot.addWidget(board)
    board.show()
    board.refresh()
    qtbot.waitUntil(lambda: board.data is not None, timeout=15000)
    card = board.cards["changes"]
    assert card.caption.text() == "Bản ghi thay đổi từ hôm qua"
    assert card.value.text() == f"{summary.records:,}".replace(",", ".")
    assert card.note.text() == summary.text(kinds=2, people=False) and card.toolTip() == summary.text(len(kinds))
    model = board.changes_model
    assert model.rowCount() > 0
    fields = {model.index(r, 5).data() for r in range(model.rowCount())}
    people = {model.index(r, 1).data() for r in range(model.rowCount())}
    assert people <= set(summary.people) and "system" not in people
    assert all(" " in field or field in ("", "Mã", "Tên") or not field.isascii() for field in fields), fields


def test_the_monthly_report_of_a_running_month_says_when_it_counts(demo_db, tmp_path):
    from par_desktop.services import documents as doc_service

    today = date.today()
    running = periods.report_period_of(today, "month", settings.get(settings.REPORT_CUTOFF_DAY))
    request = doc_service.DocRequest("monthly_report", month=f"{running.end:%Y-%m}")
    text = "\n".join(_paragraph_texts(doc_service.build(request)))
    assert "Kỳ chưa kết thúc: số liệu đến " in text and ui_moment(periods.last_minute(running.end)) in text
    assert "Tổng quan" not in text

    past = doc_service.build(doc_service.DocRequest("monthly_report", month="2024-07"))
    assert "Số liệu chốt lúc 14/07/2024 23:59 (hết kỳ)." in "\n".join(_paragraph_texts(past))


def _paragraph_texts(document) -> list[str]:
    out = []
    for block in [*document.body, *(b for a in document.appendices for b in a.blocks)]:
        text = getattr(block, "text", None)
        if isinstance(text, str):
            out.append(text)
    return out
