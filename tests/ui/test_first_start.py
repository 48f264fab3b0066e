"""The first-start wizard on a real empty database, driven through its widgets (offscreen)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from gui_helpers import answer_next_dialog, save_shot, when_modal
from plan_files import reference_docx

from par_desktop.db.models import AuditLog, Dossier, OrgProfile, Signer, Task, Unit
from par_desktop.services import org, users
from par_desktop.services.session import SYSTEM, Actor
from par_desktop.ui import first_start
from par_desktop.ui.dialogs.task_dialogs import UnitMappingDialog
from par_desktop.ui.first_start import FirstStartWizard

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("cheap_hashing")]

UNITS = [("Phòng Kế hoạch - Tài chính", "KHTC", "Lê Văn Minh"), ("Phòng Người có công", "NCC", "Hoàng Thị Lan")]


def _shot(wizard, name: str) -> None:
    save_shot(wizard, f"first_start_{name}")


@pytest.fixture
def admin(empty_db):
    return users.create_first_admin("hoa", "Nguyễn Thị Hoa", "mat-khau-1")


@pytest.fixture
def wizard(qtbot, admin):
    wizard = FirstStartWizard(admin)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _fill_organisation(page) -> None:
    page.governing_edit.setText("UBND tỉnh Bắc Giang")
    page.agency_edit.setText("Sở Lao động - Thương binh và Xã hội")
    page.short_edit.setText("Sở Lao động - Thương binh và Xã hội")
    page.abbr_edit.setText("SLĐTBXH")
    page.place_edit.setText("Bắc Giang")
    page.signer_name_edit.setText("Trần Văn Hà")
    page.signer_title_edit.setText("Phó Giám đốc")
    page.signer_authority_edit.setText("KT. Giám đốc")


def _type_cell(page, row: int, column: int, text: str) -> None:
    """Open the cell's editor in the table and type, as a clerk does."""
    index = page.model.index(row, column)
    page.view.setCurrentIndex(index)   # every edit trigger is on: the editor opens on the current cell
    editor = page.view.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    editor.setText(text)
    page.commit_edit()


def _to_plan_page(wizard, qtmodeltester):
    wizard.next()                                   # start page: declare our own organisation
    assert wizard.currentId() == FirstStartWizard.ORG
    _fill_organisation(wizard.currentPage())
    _shot(wizard, "organisation")
    wizard.next()
    assert wizard.currentId() == FirstStartWizard.UNITS
    page = wizard.currentPage()
    qtmodeltester.check(page.model)
    for name, code, head in UNITS:
        page.add_button.click()
        row = page.model.rowCount() - 1
        for column, text in enumerate((name, code, head)):
            _type_cell(page, row, column, text)
    _type_cell(page, 0, 2, "Nguyễn Thị Hương")
    _shot(wizard, "units")
    wizard.next()
    assert wizard.currentId() == FirstStartWizard.PLAN


def test_pages_save_the_organisation_signer_and_units_with_their_audit(qtbot, wizard, admin, qtmodeltester):
    assert wizard.currentPage().demo_radio.isEnabled()
    _shot(wizard, "start")
    wizard.next()
    page = wizard.currentPage()
    assert page.valid_from_edit.date().toPython() == date(date.today().year, 1, 1)
    seen: list = []
    answer_next_dialog("ok", seen)
    wizard.next()                                   # nothing typed: refused, in Vietnamese
    assert wizard.currentId() == FirstStartWizard.ORG
    assert seen and seen[0].startswith("Hãy ghi cơ quan chủ quản, tên cơ quan")
    assert not OrgProfile.select().exists()
    wizard.back()

    _to_plan_page(wizard, qtmodeltester)
    names = org.org_names()
    assert names == org.OrgNames("UBND TỈNH BẮC GIANG", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
                                 "Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", "Bắc Giang", "VP")
    assert OrgProfile.get().valid_from == date(date.today().year, 1, 1)
    signer = org.default_signer()
    assert (signer.name, signer.title, signer.authority, signer.is_default) == \
        ("Trần Văn Hà", "PHÓ GIÁM ĐỐC", "KT. GIÁM ĐỐC", True)
    units = [(u.name, u.short_code, u.kind, u.head_name) for u in org.units()]
    assert units == [("Văn phòng Sở", "VP", "office", "Nguyễn Thị Hương"),
                     ("Phòng Kế hoạch - Tài chính", "KHTC", "division", "Lê Văn Minh"),
                     ("Phòng Người có công", "NCC", "division", "Hoàng Thị Lan")]
    audited = {(a.table_name, a.action) for a in AuditLog.select().where(AuditLog.username == "hoa")}
    assert {("org_profile", "insert"), ("signer", "insert"), ("unit", "insert")} <= audited
    unit_rows = AuditLog.select().where((AuditLog.table_name == "unit") & (AuditLog.action == "insert"))
    assert sorted(int(a.record_id) for a in unit_rows) == sorted(u.id for u in Unit.select())

    # Back and forth saves nothing twice: the same signer is corrected, saved units stay read-only.
    wizard.back()
    wizard.back()
    wizard.currentPage().signer_name_edit.setText("Trần Văn Hải")
    wizard.next()
    wizard.next()
    assert Signer.select().count() == 1 and org.default_signer().name == "Trần Văn Hải"
    assert Unit.select().count() == 3 and OrgProfile.select().count() == 1
    wizard.next()                                   # no plan file: skipped
    assert wizard.currentId() == FirstStartWizard.DOSSIERS
    assert "danh mục TTHC còn trống" in wizard.currentPage().note_label.text()
    _shot(wizard, "dossiers")
    wizard.button(wizard.WizardButton.FinishButton).click()
    assert not wizard.isVisible()
    assert not first_start.needs_first_start(admin)


def test_a_duplicate_unit_is_refused_before_anything_is_saved(qtbot, wizard, qtmodeltester):
    wizard.next()
    _fill_organisation(wizard.currentPage())
    wizard.next()
    page = wizard.currentPage()
    page.add_button.click()
    _type_cell(page, 1, 0, "văn phòng sở")
    seen: list = []
    answer_next_dialog("ok", seen)
    wizard.next()
    assert seen == ["Dòng 2 trùng tên với dòng 1."]
    assert wizard.currentId() == FirstStartWizard.UNITS and not Unit.select().exists()


def test_the_plan_page_imports_the_reference_plan(qtbot, wizard, tmp_path, qtmodeltester):
    _to_plan_page(wizard, qtmodeltester)
    page = wizard.currentPage()
    page.set_file(reference_docx(tmp_path / "ke-hoach-38-cchc-2024.docx"))
    _shot(wizard, "plan")
    mapped: list = []

    def accept_mapping(dialog: UnitMappingDialog):   # the reference writes some units its own way: keep
        mapped.append(dialog.choices())               # the suggested choices
        dialog.accept()

    when_modal(UnitMappingDialog, accept_mapping)
    wizard.next()                                   # a chosen file is imported before moving on
    qtbot.waitUntil(lambda: page.result is not None, timeout=20_000)
    assert mapped
    assert wizard.currentId() == FirstStartWizard.PLAN
    assert Task.select().where(Task.kind == "appendix").count() == 10
    assert page.result.created == 10 and not page.import_button.isEnabled()
    assert "10 nhiệm vụ của kế hoạch năm 2024" in page.result_label.text()
    _shot(wizard, "plan_imported")
    wizard.next()
    assert wizard.currentId() == FirstStartWizard.DOSSIERS


def test_the_demo_option_fills_the_empty_database(qtbot, wizard):
    page = wizard.currentPage()
    page.demo_radio.setChecked(True)
    assert wizard.button(wizard.WizardButton.FinishButton).isVisible()
    wizard.button(wizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=60_000)
    assert org.org_names().agency_abbr == "SLĐTBXH"
    assert Unit.select().where(Unit.short_code == "NCC").exists()
    assert Task.select().where(Task.kind == "appendix").count() == 10
    assert Dossier.select().count() > 1000


def test_the_demo_keeps_the_administrator_created_at_first_start(qtbot, empty_db):
    admin = users.create_first_admin("quantri", "Nguyễn Thị Hoa", "mat-khau-1")   # a demo account's name
    wizard = FirstStartWizard(admin)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.currentPage()
    assert page.demo_radio.isEnabled()
    page.demo_radio.setChecked(True)
    wizard.button(wizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=60_000)
    assert Dossier.select().count() > 1000
    assert users.authenticate("quantri", "mat-khau-1").full_name == "Nguyễn Thị Hoa"
    assert users.get_user("vanphong").role == "office"


def test_not_shown_when_the_organisation_exists(qtbot, demo_db):
    assert not first_start.run_first_start_if_needed(SYSTEM)   # the demo database has its organisation


def test_shown_after_sign_in_on_an_empty_database_and_cancel_keeps_what_was_saved(qtbot, admin):
    def cancel(dialog: FirstStartWizard):
        dialog.next()
        _fill_organisation(dialog.currentPage())
        dialog.next()
        dialog.reject()

    when_modal(FirstStartWizard, cancel)
    assert first_start.run_first_start_if_needed(admin)
    assert org.org_names().agency_abbr == "SLĐTBXH" and not Unit.select().exists()
    assert not first_start.run_first_start_if_needed(admin)


def test_not_shown_to_a_clerk_who_may_not_declare_the_organisation(qtbot, empty_db):
    assert not first_start.run_first_start_if_needed(Actor("lanhdao", "leader"))
    assert first_start.needs_first_start(Actor("vanphong", "office"))
