"""The Chỉ số CCHC page with real widgets on the demo data: the tree model (model tester), the figures,
the filters, the detail panel, scoring by the Office and by a unit through the panel, a leader who only
reads, and the page at 1366×768 and at 150 %."""

from __future__ import annotations


import pytest
from PySide6.QtCore import QModelIndex

from gui_helpers import answer_next_dialog
from index_page_helpers import TODAY, account, make_page, reload
from par_desktop.db.models import IndexAssessment
from par_desktop.domain.par_index import vn_points
from par_desktop.services.par_index import criteria as C
from par_desktop.services.par_index import scoring as S
from par_desktop.services.session import SYSTEM
from par_desktop.ui.models.index_model import (
    COLUMNS, EVIDENCE, NODE_ROLE, SELF, STATE, IndexFilterModel, IndexTreeModel,
)

pytestmark = pytest.mark.gui


def test_tree_model_passes_the_model_tester(demo_db, qtmodeltester):
    model = IndexTreeModel()
    qtmodeltester.check(model, force_py=True)
    model.set_roots(S.score_report(2024, TODAY).roots)
    qtmodeltester.check(model, force_py=True)
    proxy = IndexFilterModel()
    proxy.setSourceModel(model)
    proxy.set_view("risk")
    qtmodeltester.check(proxy, force_py=True)


def test_the_page_shows_the_tree_totals_and_red_flags(demo_db, qtbot):
    page = make_page(qtbot, demo_db)
    report = S.score_report(2024, TODAY)
    assert page.current_year() == 2024 and page.year.count() == 2
    assert page.example_label.isVisible() and "MINH HỌA" in page.example_label.text()
    assert "Tối đa <b>50</b>" in page.totals.text() and "Tự đánh giá <b>14,5</b>" in page.totals.text()
    model = page.model
    assert [model.headerData(c, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal)
            for c in range(model.columnCount())] == list(COLUMNS)
    assert model.rowCount() == len(report.roots) == 10
    area = model.index(0, 0)
    assert model.data(area) == "I" and model.rowCount(area) == 5
    flagged = [n for n in report.leaves() if n.red_flag]
    index = model.index_of(flagged[0].id)
    row_state = model.data(index.siblingAtColumn(STATE))
    assert row_state.startswith("Thiếu TLKC") and model.data(index.siblingAtColumn(EVIDENCE)) == "0"
    assert page.figures["missing"].value.text() == str(len(flagged))
    assert page.figures["at_risk"].value.text() == vn_points(report.at_risk_total)
    assert page.risk_table.visible_count() == len(report.risky())
    assert page.lost_table.visible_count() == len(report.lost_last_year()) > 0
    assert page.unit_table.visible_count() == len(report.by_unit())


def test_search_views_and_unit_filter(demo_db, qtbot):
    page = make_page(qtbot, demo_db)
    page.search.setText("ra soat 10%")   # no diacritics
    visible = _visible_paths(page)
    assert "III.2.1" in visible and "III" in visible and "I.1.1" not in visible
    page.search.clear()
    page.view.setCurrentIndex(page.view.findData("missing"))
    missing = {p for p in _visible_paths(page) if p.count(".") == 2}
    assert "I.4.1" in missing and "I.1.1" not in missing     # I.1.1 has its plan attached
    page.view.setCurrentIndex(0)
    ncc = C.find_criterion(2024, "III.1.2")
    page.unit.setCurrentIndex(page.unit.findData(ncc.unit_id))
    assert {p for p in _visible_paths(page) if p.count(".") == 2} == {"III.1.2", "I.3.2", "II.1.1", "III.2.1"}


def _visible_paths(page) -> set[str]:
    out = set()

    def walk(parent: QModelIndex) -> None:
        for row in range(page.proxy.rowCount(parent)):
            index = page.proxy.index(row, 0, parent)
            out.add(page.proxy.data(index, NODE_ROLE).path)
            walk(index)

    walk(QModelIndex())
    return out


def test_office_scores_returns_and_sees_bad_scores_refused(demo_db, qtbot):
    page = make_page(qtbot, demo_db)
    page._select_path("I.4.1")
    panel = page.panel
    assert panel.node.path == "I.4.1" and panel.save_score.isEnabled() and panel.edit_button.isVisible()
    panel.self_points.setText("3")
    seen: list = []
    answer_next_dialog("ok", seen)
    panel.save_score.click()
    assert "vượt điểm tối đa 1" in seen[0]
    panel.self_points.setText("1")
    panel.self_note.setPlainText("Triển khai sáng kiến số hóa hồ sơ")
    reload(qtbot, page, panel.save_score.click)
    row = IndexAssessment.get(IndexAssessment.criterion == C.find_criterion(2024, "I.4.1").id)
    assert (row.self_points, row.state, row.self_note) == (1, "accepted", "Triển khai sáng kiến số hóa hồ sơ")
    assert page.panel.node.path == "I.4.1" and page.model.data(page.model.index_of(row.criterion_id)
                                                                .siblingAtColumn(SELF)) == "1"


def test_a_unit_scores_only_its_rows_and_sends_them(demo_db, qtbot):
    ncc = account("ncc")
    page = make_page(qtbot, demo_db, ncc)
    assert not page.import_button.isVisible()
    page._select_path("I.1.1")                       # Văn phòng's row
    assert not page.panel.self_points.isEnabled() and not page.panel.add_file.isVisible()
    page._select_path("III.1.2")                     # its own, returned by the Office
    panel = page.panel
    assert "Đề nghị bổ sung danh mục" in panel.review_note.text()
    assert panel.self_points.isEnabled() and panel.add_file.isVisible() and not panel.accept_button.isVisible()
    panel.self_points.setText("0,5")
    reload(qtbot, page, panel.save_score.click)
    assert page.panel.submit_button.isEnabled()
    reload(qtbot, page, page.panel.submit_button.click)
    row = IndexAssessment.get(IndexAssessment.criterion == C.find_criterion(2024, "III.1.2").id)
    assert (row.self_points, row.state, row.scored_by) == (0.5, "submitted", "ncc")
    assert not page.panel.self_points.isEnabled()    # with the Office now


def test_the_leader_reads_and_changes_nothing(demo_db, qtbot):
    page = make_page(qtbot, demo_db, account("lanhdao"))
    page._select_path("III.1.2")
    panel = page.panel
    assert not page.import_button.isVisible() and not page.lock_action.isVisible()
    assert not panel.self_points.isEnabled() and not panel.save_score.isEnabled()
    assert not panel.edit_button.isVisible() and not panel.add_file.isVisible()
    assert not page.report_action.isVisible()


def test_locked_year_shows_appraisal_and_differences(demo_db, qtbot):
    page = make_page(qtbot, demo_db)
    reload(qtbot, page, page.year.setCurrentIndex, page.year.findData(2023))
    assert page.state_badge.text() == "Đã khóa, đã gửi"
    assert page.difference_table.visible_count() == len(S.differences(2023)) > 0
    page._select_path("III.2.1")
    panel = page.panel
    assert panel.appraisal_box.isVisible() and panel.appraised_points.text() == "0"
    assert not panel.self_points.isEnabled() and panel.save_appraisal.isEnabled()
    assert "Chỉ số tỉnh công bố" in page.totals.text()


@pytest.mark.parametrize("scale", ["1", "1.5"])
def test_page_at_1366x768_and_150_percent(demo_db, tmp_path, scale, cli):
    out = tmp_path / f"par_index_{scale}.png"
    screen = "1366x768" if scale == "1" else "1920x1080"    # 150 %: a 1920×1080 screen (gui --screen)
    result = cli("--user", "vanphong", "gui", "--screenshot", str(out), "--page", "par_index", "--screen", screen,
                 db=demo_db, env={"QT_SCALE_FACTOR": scale})
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert image.width() == int(screen.split("x")[0])


def test_a_score_saved_meanwhile_by_another_clerk_opens_the_conflict_dialog(demo_db, qtbot):
    """Another clerk stored a new score after the page read it: "Tải lại" shows the stored score and puts
    back the explanation this clerk typed (the other clerk did not change it)."""
    page = make_page(qtbot, demo_db)
    page._select_path("III.1.1")
    criterion_id = page.panel.node.id
    S.set_self_score(SYSTEM, criterion_id, 0.5, "")            # the other clerk, after the page loaded
    page.panel.self_points.setText("1,5")
    page.panel.self_note.setPlainText("Công bố đúng hạn cả 12 quyết định")
    seen: list = []
    answer_next_dialog("reload", seen, keep_dialog=True)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.panel.save_score.click()
    dialog = seen[0]
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == ["Điểm tự đánh giá",
                                                                                        "Giải trình"]
    assert page.panel.node.self_points == 0.5 and page.panel.self_points.text() == "0,5"
    assert page.panel.self_note.toPlainText() == "Công bố đúng hạn cả 12 quyết định"
    assert IndexAssessment.get(IndexAssessment.criterion == criterion_id).self_points == 0.5


def test_the_page_fits_a_1366x768_screen_at_150_percent(demo_db, qtbot):
    """At 150 % a 1366×768 screen is 910×512 logical pixels; the menu bar, the page title and the status bar
    take about 100 of them, so the page (every tab, charts included: they scroll) must need no more than
    400 high, and leave the navigation its width."""
    page = make_page(qtbot, demo_db)
    for tab in range(page.tabs.count()):
        page.tabs.setCurrentIndex(tab)
        hint = page.minimumSizeHint()
        assert hint.height() <= 400 and hint.width() <= 910 - 220, (tab, hint)
