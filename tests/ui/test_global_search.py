"""The global search: Enter in the top box lists records of every kind; opening one shows it on its page."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from par_desktop.db.models import Dossier, Procedure, RegisterEntry, Task, Unit
from par_desktop.services.register import issue_number
from par_desktop.services.search import SearchHit, search_everything
from par_desktop.services.session import SYSTEM
from par_desktop.ui.context import AppContext
from par_desktop.ui.global_search import KIND_LABELS, GlobalSearchDialog, SearchHitModel, target
from par_desktop.ui.main_window import MainWindow

from gui_helpers import save_shot

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, demo_db):
    win = MainWindow(AppContext(str(demo_db), SYSTEM), screenshot_mode=True)
    qtbot.addWidget(win)
    win.show()
    return win


def search_from_the_box(window, qtbot, text: str) -> GlobalSearchDialog:
    window.focus_search()
    qtbot.keyClicks(window.search, text)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    dialog = window.global_search
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.searching, timeout=5000)
    return dialog


def rows_of(dialog: GlobalSearchDialog) -> list[SearchHit]:
    return [dialog.model.hit(r) for r in range(dialog.model.rowCount())]


def test_enter_lists_hits_of_every_kind_and_a_dossier_hit_opens_that_dossier(window, qtbot):
    assert "Enter: tìm mọi nơi" in window.search.placeholderText()
    assert "Tìm trong trang" in window.search.placeholderText()
    save_shot(window.search, "global_search_box")
    dialog = search_from_the_box(window, qtbot, "nguoi co cong")
    hits = rows_of(dialog)
    assert {h.kind for h in hits} >= {"task", "dossier", "unit", "procedure"}
    assert hits == search_everything("nguoi co cong")
    assert dialog.model.index(0, 0).data() == f"{KIND_LABELS['task']} ({dialog.model.count_text('task')})"
    first_dossier = next(r for r, h in enumerate(hits) if h.kind == "dossier")
    assert dialog.model.index(first_dossier, 0).data().startswith("Hồ sơ TTHC (")
    assert dialog.model.index(first_dossier + 1, 0).data() == ""          # the label heads its group only
    dossiers = sum(h.kind == "dossier" for h in hits)
    assert f"Hồ sơ TTHC: {dossiers}" in dialog.summary.text()
    qtbot.wait(50)
    save_shot(dialog, "global_search")
    save_shot(window, "global_search_window")

    code = hits[first_dossier].key
    view = dialog.view
    rect = view.visualRect(dialog.model.index(first_dossier, 1))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert not dialog.isVisible()
    assert window.current_key() == "dossiers"
    page = window.current_page()
    assert page.model.total == 1
    assert page.detail.dossier_id == Dossier.get(Dossier.code == code).id


def test_enter_on_a_unit_hit_opens_the_catalogue_on_that_unit_and_the_page_filter_still_works(window, qtbot):
    catalog = window.show_page("catalog")
    dialog = search_from_the_box(window, qtbot, "phong nguoi co cong")
    # the current page was filtered too, as before
    qtbot.waitUntil(lambda: catalog.units_view.visible_count() == 1, timeout=2000)
    unit_row = next(r for r, h in enumerate(rows_of(dialog)) if h.kind == "unit")
    dialog.view.setCurrentIndex(dialog.model.index(unit_row, 1))
    dialog.view.setFocus()
    qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    unit = Unit.get(Unit.short_code == "NCC")
    assert window.current_key() == "catalog" and catalog.tabs.currentIndex() == 0
    assert catalog.unit_form.unit is not None and catalog.unit_form.unit.id == unit.id


def test_task_procedure_and_document_hits_open_their_pages(window, qtbot, demo_db):
    issue_number(SYSTEM, "CV", "Về việc đôn đốc giải quyết hồ sơ quá hạn")
    entry = RegisterEntry.select().order_by(RegisterEntry.id.desc()).first()
    task = Task.select().where(Task.ref == "III.B.1").first()
    proc = Procedure.select().first()
    for hit, check in (
        (SearchHit("task", task.id, task.ref, ""),
         lambda: window.current_page().table.select_key(task.id) and window.current_key() == "tasks"),
        (SearchHit("procedure", proc.id, proc.name, ""),
         lambda: window.current_page().tabs.currentIndex() == 1
         and window.current_page().procedures_view.table.currentIndex().isValid()),
        (SearchHit("document", entry.id, entry.full_number, ""),
         lambda: window.current_page().tabs.currentIndex() == 1
         and window.current_page().register_view.table.currentIndex().isValid()),
    ):
        window._open_hit(hit)
        assert window.current_key() == target(hit)[0]
        assert check(), hit


def test_no_hit_says_so_and_an_empty_box_only_takes_the_focus(window, qtbot):
    dialog = search_from_the_box(window, qtbot, "qqqzzzkhongco")
    assert dialog.model.rowCount() == 0 and "Không tìm thấy" in dialog.summary.text()
    assert not dialog.open_button.isEnabled()
    dialog.close()
    window.search.clear()
    assert window.search_everywhere() is None and not dialog.isVisible()
    assert "Ctrl+Shift+F" in {a.shortcut().toString() for a in window.actions()}


def test_the_hit_model(qtmodeltester, demo_db):
    model = SearchHitModel()
    model.set_hits(search_everything("lao dong"), 50)
    assert model.rowCount() > 3
    qtmodeltester.check(model)
    model.set_hits([])
    qtmodeltester.check(model)
