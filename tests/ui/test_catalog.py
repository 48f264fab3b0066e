"""Danh mục (units, procedures, review target) and Cài đặt → Tổ chức, on the real demo database."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, QTime

from par_desktop.domain.text import fold
from par_desktop.db.models import AuditLog, OrgProfile, Procedure, Signer, Unit, UnitAlias
from par_desktop.services import org, settings
from par_desktop.services.session import SYSTEM, Actor
from par_desktop.ui import saving as ui_saving
from par_desktop.ui.context import AppContext
from par_desktop.ui.pages.catalog import CatalogPage
from par_desktop.ui.pages.settings import SettingsPage

from gui_helpers import answer_next_dialog, save_shot

pytestmark = pytest.mark.gui



@pytest.fixture
def page(qtbot, demo_db):
    widget = CatalogPage(AppContext(str(demo_db), SYSTEM))
    qtbot.addWidget(widget)
    widget.resize(1180, 720)
    widget.show()
    widget.refresh()
    return widget


@pytest.fixture
def org_tab(qtbot, demo_db):
    settings_page = SettingsPage(AppContext(str(demo_db), SYSTEM))
    qtbot.addWidget(settings_page)
    settings_page.resize(1180, 760)
    settings_page.show()
    yield settings_page.show_tab("organisation")   # the page (and so the tab) lives while the test runs



def select_unit(page: CatalogPage, code: str) -> Unit:
    unit = Unit.get(Unit.short_code == code)
    assert page.units_view.select_key(unit.id)
    assert page.unit_form.unit.id == unit.id
    return unit


def test_units_and_procedures_of_the_demo_are_listed(page, qtmodeltester):
    assert page.units_model.rowCount() == Unit.select().count() >= 6
    assert page.procedures_model.rowCount() == Procedure.select().count()
    for model in (page.units_model, page.procedures_model, page.review_model):
        qtmodeltester.check(model, force_py=True)
    assert page.unit_form.unit is not None          # the first unit is shown, not an empty form
    save_shot(page, "catalog_units")
    page.tabs.setCurrentIndex(1)
    save_shot(page, "catalog_procedures")


def test_editing_a_unit_saves_with_its_version_and_an_audit_row(page, qtbot):
    unit = select_unit(page, "NCC")
    form = page.unit_form
    assert not form.save_button.isEnabled()
    form.head_edit.setText("Trần Thị  Bích ")           # stray spaces are cleaned (NFC, single spaces)
    assert form.save_button.isEnabled()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    saved = Unit.get_by_id(unit.id)
    assert saved.head_name == "Trần Thị Bích" and saved.version == unit.version + 1
    assert AuditLog.select().where((AuditLog.table_name == "unit") & (AuditLog.field == "head_name")).count() == 1
    assert page.unit_form.unit.version == saved.version and not form.save_button.isEnabled()


def test_enter_saves_and_escape_cancels(page, qtbot):
    unit = select_unit(page, "BTXH")
    form = page.unit_form
    form.title_edit.setText("Phó Trưởng phòng phụ trách")
    qtbot.keyClick(form.title_edit, Qt.Key.Key_Escape)
    assert form.title_edit.text() == unit.head_title and not form.is_dirty()
    form.title_edit.setText("Phó Trưởng phòng phụ trách")
    qtbot.keyClick(form.title_edit, Qt.Key.Key_Return)
    assert Unit.get_by_id(unit.id).head_title == "Phó Trưởng phòng phụ trách"


@pytest.mark.parametrize("choice", ["reload", "overwrite"])
def test_a_change_by_another_clerk_is_never_silently_overwritten(page, choice):
    unit = select_unit(page, "LĐVL")
    org.update_unit(SYSTEM, unit.id, unit.version, head_name="Người khác vừa sửa")   # the other clerk
    page.unit_form.head_edit.setText("Tôi sửa")
    seen: list = []
    answer_next_dialog(choice, seen, keep_dialog=True)
    page.unit_form.save()
    assert isinstance(seen[0], ui_saving.ConflictDialog)
    stored = Unit.get_by_id(unit.id)
    if choice == "reload":
        assert stored.head_name == "Người khác vừa sửa"
        assert page.unit_form.head_edit.text() == "Người khác vừa sửa" and not page.unit_form.is_dirty()
    else:
        assert stored.head_name == "Tôi sửa"


def test_a_new_unit_is_created_and_duplicates_are_refused(page):
    before = Unit.select().count()
    page.new_record()
    form = page.unit_form
    form.name_edit.setText("Phòng Pháp chế")
    form.code_edit.setText("VP")                          # taken by Văn phòng Sở
    seen: list = []
    answer_next_dialog("ok", seen, keep_dialog=True)
    assert not form.save()
    assert "«VP» đã dùng cho đơn vị «Văn phòng Sở»" in seen[1]
    assert Unit.select().count() == before
    form.code_edit.setText("PC")
    assert form.save()
    created = Unit.get(Unit.short_code == "PC")
    assert created.name == "Phòng Pháp chế" and page.unit_form.unit.id == created.id
    assert page.units_model.rowCount() == before + 1

    page.new_record()
    form.name_edit.setText("phòng kế hoạch – Tài chính")   # the same unit written another way
    form.code_edit.setText("KHTC2")
    seen.clear()
    answer_next_dialog("ok", seen, keep_dialog=True)
    assert not form.save()
    assert "trùng với đơn vị «Phòng Kế hoạch - Tài chính»" in seen[1]


def test_an_alias_is_added_and_then_matches_the_unit(page):
    unit = select_unit(page, "KHTC")
    page.unit_form.alias_edit.setText("Phòng KH-TC")
    page.unit_form.add_alias()
    assert UnitAlias.select().where(UnitAlias.unit == unit.id).count() == 1
    assert org.match_unit("phòng kh tc").id == unit.id
    assert "Phòng KH-TC" in [page.unit_form.alias_list.item(i).text() for i in range(page.unit_form.alias_list.count())]


def test_a_leader_only_reads_the_units(qtbot, demo_db):
    widget = CatalogPage(AppContext(str(demo_db), Actor("lanhdao", "leader")))
    qtbot.addWidget(widget)
    widget.refresh()
    assert widget.unit_form.name_edit.isReadOnly() and not widget.unit_form.save_button.isEnabled()
    assert widget.new_unit_button.isHidden()
    widget.unit_form.name_edit.setText("Đổi tên")
    assert not widget.unit_form.save()


def test_review_share_per_unit_against_the_ten_percent_target(page):
    page.tabs.setCurrentIndex(1)
    page.year_spin.setValue(2024)
    rows = {r.unit: r for r in page.review_model.rows}
    for unit in Unit.select():
        in_force = Procedure.select().where(Procedure.in_force & (Procedure.lead_unit == unit.id))
        if not in_force.count():
            assert unit.name not in rows
            continue
        row = rows[unit.name]
        assert row.in_force == in_force.count()
        assert row.reviewed == in_force.where(Procedure.reviewed_year == 2024).count()
        state_text = page.review_model.data(page.review_model.index(page.review_model.rows.index(row), 5))
        assert state_text == ("Đạt" if row.reviewed * 10 >= row.in_force else "Chưa đạt")
    assert page.review_total.text().startswith("Toàn Sở: ")
    page.year_spin.setValue(2031)
    assert all(r.reviewed == 0 for r in page.review_model.rows)


def test_procedures_filter_by_field_and_accent_free_search(page):
    field = Procedure.select().first().field
    page.procedures_filter.set_value("field", field)
    shown = page.procedures_view.visible_rows()
    assert shown and all(p.field == field for p in shown)
    page.procedures_filter.clear()
    page.apply_search("tro cap")            # the global search reaches the visible tab
    assert page.units_view.visible_count() == 0 or page.tabs.currentIndex() == 0
    page.tabs.setCurrentIndex(1)
    page.apply_search("tro cap")
    shown = page.procedures_view.visible_rows()
    texts = [fold(f"{p.code} {p.name} {p.field} {p.unit_name}") for p in shown]
    assert texts and all("tro" in t and "cap" in t for t in texts)   # every word, in any column
    assert {p.name for p in Procedure.select() if "trợ cấp" in p.name} <= {p.name for p in shown}


# ---- Cài đặt → Tổ chức --------------------------------------------------------------------------------

def test_organisation_tab_shows_the_names_signers_and_settings(org_tab):
    assert org_tab.org_edits["agency_abbr"].text() == OrgProfile.select().first().agency_abbr
    assert org_tab.signer_model.rowCount() == Signer.select().count()
    assert org_tab.setting_values()["reports.cutoff_day"] == settings.get("reports.cutoff_day")
    save_shot(org_tab.window(), "settings_organisation")


def test_names_in_force_from_a_new_date(org_tab):
    org_tab.new_org()
    org_tab.org_date.setDate(org_tab.org_date.date().fromString("01/07/2025", "dd/MM/yyyy"))
    org_tab.org_edits["governing_body"].setText("UBND TỈNH BẮC NINH")
    org_tab.org_edits["place_name"].setText("Bắc Ninh")
    assert org_tab.save_org()
    assert org.org_names(date(2025, 7, 1)).place_name == "Bắc Ninh"
    assert org.org_names(date(2025, 6, 30)).place_name == "Bắc Giang"
    assert org_tab.org_model.rowCount() == 2


def test_org_names_edited_meanwhile_raise_the_conflict_dialog(org_tab):
    row = OrgProfile.select().first()
    org.set_org_names(SYSTEM, row.valid_from, org.OrgNames(**{**org.org_names(row.valid_from).__dict__,
                                                              "place_name": "Bắc Giang (sửa)"}))
    org_tab.org_edits["agency_abbr"].setText("SLĐTBXH2")
    seen: list = []
    answer_next_dialog("cancel", seen, keep_dialog=True)
    assert not org_tab.save_org()
    assert isinstance(seen[0], ui_saving.ConflictDialog)
    assert OrgProfile.get_by_id(row.id).agency_abbr == row.agency_abbr


def test_a_signer_is_added_as_the_only_default(org_tab):
    org_tab.new_signer()
    org_tab.signer_name.setText("Lê Thị Thu")
    org_tab.signer_title.setText("phó giám đốc")
    org_tab.signer_authority.setCurrentText("KT. GIÁM ĐỐC")
    org_tab.signer_from_check.setChecked(True)
    org_tab.signer_from.setDate(org_tab.signer_from.date().fromString("01/01/2025", "dd/MM/yyyy"))
    org_tab.signer_default.setChecked(True)
    assert org_tab.save_signer()
    new = Signer.get(Signer.name == "Lê Thị Thu")
    assert new.title == "PHÓ GIÁM ĐỐC" and new.valid_from == date(2025, 1, 1) and new.is_default
    assert Signer.select().where(Signer.is_default).count() == 1
    assert org.default_signer(date(2025, 3, 1)).name == "Lê Thị Thu"
    assert AuditLog.select().where(AuditLog.table_name == "signer").count() >= 2


def test_general_settings_are_saved(org_tab):
    org_tab.setting_editors["reports.cutoff_day"].setValue(20)
    org_tab.setting_editors["dossiers.near_due_days"].setValue(2.5)
    assert org_tab.is_dirty()
    seen: list = []
    answer_next_dialog("ok", seen, keep_dialog=True)
    assert org_tab.save_settings()
    assert settings.get("reports.cutoff_day") == 20 and settings.get("dossiers.near_due_days") == 2.5
    assert not org_tab.is_dirty()


def test_office_hours_go_through_the_calendar_and_are_checked(org_tab):
    org_tab.setting_editors["office_hours.opens"].setTime(QTime(8, 0))
    seen: list = []
    answer_next_dialog("ok", seen, keep_dialog=True)
    assert org_tab.save_settings()
    assert settings.get("office_hours.opens") == "08:00"
    org_tab.setting_editors["office_hours.closes"].setTime(QTime(7, 0))
    seen.clear()
    answer_next_dialog("ok", seen, keep_dialog=True)
    assert not org_tab.save_settings()
    assert "Giờ mở cửa phải trước giờ đóng cửa" in seen[1]
    assert settings.get("office_hours.closes") == "17:00"
