"""Cài đặt → Mẫu văn bản with real widgets on the demo database: dated versions, live preview rendered on a
worker thread, errors named under the editor, save and reset."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate
from PySide6.QtPdf import QPdfDocument

from par_desktop.db.models import DocumentTemplate
from par_desktop.documents.templates import default_template
from par_desktop.services import documents as doc_service
from par_desktop.services.session import SYSTEM, Actor
from par_desktop.ui.context import AppContext
from par_desktop.ui.pages.settings import SettingsPage
from par_desktop.ui.settings_tabs import templates as tab_module
from par_desktop.ui.settings_tabs.templates import TemplatesTab

from gui_helpers import save_shot, wait_until_painted

pytestmark = pytest.mark.gui



@pytest.fixture
def tab(qtbot, demo_db):
    widget = TemplatesTab(AppContext(str(demo_db), SYSTEM))
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitUntil(lambda: widget.previews_done >= 1, timeout=10000)
    return widget


def wait_preview(qtbot, tab, before: int) -> None:
    qtbot.waitUntil(lambda: tab.previews_done > before, timeout=10000)


def test_the_settings_page_has_the_templates_tab(qtbot, demo_db):
    page = SettingsPage(AppContext(str(demo_db), SYSTEM))
    qtbot.addWidget(page)
    assert isinstance(page.tab_widgets["templates"], TemplatesTab)
    assert page.tabs.tabText(page.tab_index("templates")) == "Mẫu văn bản"


def test_default_wording_is_loaded_and_previewed(qtbot, tab):
    assert tab.doc_type == "plan" and tab.editor.toPlainText() == default_template("plan")
    assert tab.version_combo.currentText() == "Mẫu mặc định (cài sẵn)"
    qtbot.waitUntil(lambda: tab.pdf.status() == QPdfDocument.Status.Ready, timeout=5000)
    assert tab.pdf.pageCount() >= 2 and tab.last_error is None
    names = [row.name for row in tab.help_model.rows]
    assert "{{ agency_name }}" in names and "## appendix_title" in names


def test_a_misspelt_placeholder_is_named_and_the_fix_previews_again(qtbot, tab):
    before = tab.previews_done
    tab.editor.setPlainText(tab.editor.toPlainText().replace("{{ year }}", "{{ nam }}", 1))
    wait_preview(qtbot, tab, before)
    assert "không có trường «nam»" in tab.error_label.text()
    before = tab.previews_done
    tab.editor.setPlainText(tab.editor.toPlainText().replace("{{ nam }}", "{{ year }}"))
    wait_preview(qtbot, tab, before)
    assert tab.error_label.text() == "" and tab.last_error is None


def test_save_a_dated_version_then_delete_it(qtbot, tab, monkeypatch):
    monkeypatch.setattr(tab_module, "ask_yes_no", lambda *a, **k: True)
    monkeypatch.setattr(tab_module, "show_message", lambda *a, **k: None)
    tab.type_combo.setCurrentIndex(tab.type_combo.findData("reminder"))
    edited = default_template("reminder").replace("khẩn trương triển khai", "khẩn trương tập trung triển khai")
    tab.valid_from.setDate(QDate(2025, 7, 1))
    tab.editor.setPlainText(edited)
    tab.save_button.click()
    row = DocumentTemplate.get()
    assert (row.doc_type, row.valid_from, row.body, row.edited_by) == ("reminder", date(2025, 7, 1), edited, "system")
    assert tab.version_combo.currentText() == "Áp dụng từ 01/07/2025 — system"
    assert doc_service.template_in_force("reminder", date(2025, 8, 1)) == edited
    assert doc_service.template_in_force("reminder", date(2025, 6, 30)) == default_template("reminder")
    assert not tab.dirty

    tab.reset_button.click()
    assert DocumentTemplate.select().count() == 0
    assert tab.editor.toPlainText() == default_template("reminder")


def test_an_invalid_template_is_not_saved(qtbot, tab, monkeypatch):
    shown = []
    monkeypatch.setattr("par_desktop.ui.errors.show_error", lambda parent, exc: shown.append(exc))
    tab.editor.setPlainText(default_template("plan").replace("## closing", "## ket_luan"))
    tab.save_button.click()
    assert DocumentTemplate.select().count() == 0
    assert "không có mục «ket_luan»" in tab.error_label.text() and shown


def test_double_click_inserts_a_placeholder(qtbot, tab, qtmodeltester):
    qtmodeltester.check(tab.help_model, force_py=True)
    tab.editor.setPlainText("")
    row = next(r for r in tab.help_model.rows if r.name == "{{ signer_name }}")
    tab.insert_placeholder(row)
    assert tab.editor.toPlainText() == "{{ signer_name }}"
    tab.insert_placeholder(next(r for r in tab.help_model.rows if r.kind == "Mục"))
    assert tab.editor.toPlainText() == "{{ signer_name }}"   # sections are help only


def test_read_only_for_roles_without_the_templates_right(qtbot, demo_db):
    widget = TemplatesTab(AppContext(str(demo_db), Actor("lanhdao", "leader")))
    qtbot.addWidget(widget)
    assert widget.editor.isReadOnly() and not widget.save_button.isEnabled()


def test_screenshot(qtbot, tab):
    tab.type_combo.setCurrentIndex(tab.type_combo.findData("explanation_request"))
    # the letter and its landscape list of dossiers
    qtbot.waitUntil(lambda: tab.pdf.status() == QPdfDocument.Status.Ready and "2 trang" in tab.preview_label.text(),
                    timeout=10000)
    wait_until_painted(qtbot, tab.pdf_view)
    save_shot(tab, "templates")
