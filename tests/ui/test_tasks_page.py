"""The tasks page with real widgets on a real database: models, filters, colours, dialogs, import, export."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from plan_files import fill_reference_plan, reference_docx

from par_desktop.db.models import Attachment, ProgressReport, Task, Unit, UnitAlias
from par_desktop.services import org, steps
from par_desktop.services.session import SYSTEM, Actor
from par_desktop.services.tasks import progress as task_progress
from par_desktop.services.tasks import views as task_views
from par_desktop.ui import errors as ui_errors
from par_desktop.ui.context import AppContext
from par_desktop.ui.dialogs.task_dialogs import ProgressDialog, TaskDialog, UnitMappingDialog
from par_desktop.ui.models.tasks_model import (
    OccurrenceTableModel, ReportTableModel, StepTableModel, TaskTableModel, UnitSummaryModel,
)
from par_desktop.ui.pages.tasks import TasksPage
from par_desktop.ui.status_style import state_background, state_color
from gui_helpers import answer_next_dialog, save_shot, when_modal

pytestmark = pytest.mark.gui
JULY = date(2024, 7, 20)



@pytest.fixture
def plan_db(empty_db, tmp_path):
    """The reference plan's units and plan (imported from its Word file, with obligations), no progress."""
    fill_reference_plan(tmp_path)
    return empty_db


def make_page(qtbot, db, actor=SYSTEM, today=JULY) -> TasksPage:
    ctx = AppContext(str(db), actor)
    page = TasksPage(ctx, today=today)
    qtbot.addWidget(page)
    page.resize(1400, 820)
    page.refresh()
    page.show()
    return page


def refs(page) -> list[str]:
    return [v.ref for v in page.table.visible_rows()]


def test_models_pass_the_model_tester(plan_db, qtmodeltester):
    task = Task.get(Task.ref == "III.B.1")
    task_progress.report_progress(SYSTEM, task.id, unit_id=org.find_unit("NCC").id, percent=30, reported_on=JULY,
                          attachments=[("a.txt", b"x")])
    steps.create_from_template(SYSTEM, "publish_list", org.find_unit("NCC").id, date(2024, 2, 7), task_id=task.id)
    model = TaskTableModel(lambda: JULY)
    model.set_rows(task_views.list_tasks(None, JULY))
    qtmodeltester.check(model, force_py=True)
    detail = task_views.task_detail(task.id, JULY)
    for other, rows in ((ReportTableModel(), detail.reports),
                        (OccurrenceTableModel(), task_views.task_detail(Task.get(Task.ref == "TX.1").id,
                                                                        JULY).occurrences),
                        (UnitSummaryModel(), task_views.summary_by_unit(JULY))):
        other.set_rows(rows)
        qtmodeltester.check(other, force_py=True)
    step_model = StepTableModel()
    step_model.set_processes(detail.processes)
    assert step_model.rowCount() == 2
    qtmodeltester.check(step_model, force_py=True)


def test_table_shows_statuses_with_labels_and_colours(qtbot, plan_db):
    page = make_page(qtbot, plan_db)
    assert refs(page)[:10] == ["I.1", "I.2", "I.3", "II.1", "III.A.1", "III.A.2", "III.A.3", "III.B.1", "III.B.2",
                               "IV.1"]
    model = page.model
    status_column = [c.title for c in model.columns].index("Trạng thái")
    row = model.row_for_key(Task.get(Task.ref == "III.B.1").id)
    index = model.index(row, status_column)
    assert model.data(index) == "Quá hạn"
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) == state_color("overdue")
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) == state_background("overdue")
    i2 = model.index(model.row_for_key(Task.get(Task.ref == "I.2").id), status_column)
    assert model.data(i2) == "Có nguy cơ chậm"
    remaining = [c.title for c in model.columns].index("Còn lại")
    assert model.data(model.index(model.row_for_key(Task.get(Task.ref == "I.2").id), remaining)) == "còn 11 ngày"
    save_shot(page, "tasks-page")


def test_filters_search_unit_status_and_due_range(qtbot, plan_db):
    page = make_page(qtbot, plan_db)
    page.apply_search("ra soat")
    assert refs(page) == ["III.B.1", "III.B.2", "TX.5"]
    page.filter_bar.set_text("")
    ncc = org.find_unit("NCC").id
    for month in range(1, 7):   # NCC sent its monthly reports of January to June
        task_progress.report_progress(SYSTEM, Task.get(Task.ref == "TX.1").id, unit_id=ncc, percent=100,
                              reported_on=date(2024, month, 28))
    page.filter_bar.set_value("unit", ncc)          # reloads with the unit's own statuses
    shown = {v.ref: v for v in page.table.visible_rows()}
    assert "I.3" in shown and "IV.1" not in shown    # the tasks NCC leads or owes, not those it coordinates
    page.filter_bar.set_value("status", "overdue")
    assert refs(page) == ["III.B.1", "III.B.2", "TX.2", "TX.3"]   # TX.1 is not overdue for NCC
    page.clear_filters()
    page.due_range.set_range(date(2024, 7, 1), date(2024, 7, 31))
    page.filter_bar.set_value("kind", "appendix")
    assert refs(page) == ["I.2", "I.3", "III.A.1"]
    page.filter_bar.clear_button.click()
    assert not page.due_range.check.isChecked() and len(refs(page)) == 15


def test_per_unit_view_and_navigation(qtbot, plan_db):
    page = make_page(qtbot, plan_db)
    rows = {r.short_code: r for r in page.summary.model.rows}
    assert rows["NCC"].at_risk == 1 and rows["NCC"].total == 8
    page.show_unit(rows["BTXH"])
    assert page.tabs.currentIndex() == 0 and page.selected_unit() == rows["BTXH"].unit_id
    assert "II.1" in refs(page) and "I.3" not in refs(page)[:3]
    page.navigate_to({"status": "at_risk", "due_within": 14})
    assert refs(page) == ["I.2", "I.3", "III.A.1"]     # the monthly obligations are overdue as a whole


def test_export_writes_the_rows_shown(qtbot, plan_db, tmp_path):
    page = make_page(qtbot, plan_db)
    page.filter_bar.set_value("status", "overdue")
    path = page.table.export_xlsx(tmp_path / "nhiem-vu.xlsx")
    sheet = load_workbook(path).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("Mục", "Trạng thái", "Nội dung nhiệm vụ")
    assert [r[0] for r in values[1:]] == refs(page) and all(r[1] == "Quá hạn" for r in values[1:])


def test_add_a_task_with_enter_and_cancel_with_escape(qtbot, plan_db):
    page = make_page(qtbot, plan_db)
    seen = []

    def fill_and_enter(dialog: TaskDialog):
        dialog.content_edit.setPlainText("Tập huấn nghiệp vụ một cửa cho công chức")
        dialog.lead.set_value(False, [org.find_unit("VP").id])
        dialog.deadline_edit.setText("Quý IV/2024")
        assert dialog.deadline_preview.text() == "→ Hạn: 31/12/2024"
        QTest.keyClick(dialog.deadline_edit, Qt.Key.Key_Return)

    when_modal(TaskDialog, fill_and_enter, seen)
    page.new_record()
    assert seen and Task.get_or_none(Task.ref == "NV.1") is not None
    assert page.table.current_row().ref == "NV.1"

    asked: list = []

    def type_and_escape(dialog: TaskDialog):
        dialog.content_edit.setPlainText("Không lưu")
        dialog.deadline_edit.setText("Tháng 8/2024")
        answer_next_dialog("no", asked)       # Esc asks first (issue 16 item 7): "Bỏ nội dung"
        QTest.keyClick(dialog.deadline_edit, Qt.Key.Key_Escape)

    when_modal(TaskDialog, type_and_escape, seen)
    page.new_record()
    assert len(seen) == 2 and Task.get_or_none(Task.content == "Không lưu") is None
    assert asked and "chưa lưu" in asked[0]


def test_report_progress_with_evidence_then_see_it_in_the_history(qtbot, plan_db, tmp_path):
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(b"%PDF-1.4 minh chung")
    page = make_page(qtbot, plan_db)
    i3 = Task.get(Task.ref == "I.3")
    page.table.select_key(i3.id)
    seen = []

    def report(dialog: ProgressDialog):
        assert dialog.unit_combo.currentText() == "Phòng Người có công"
        dialog.percent_spin.setValue(60)
        dialog.text_edit.setPlainText("Đã lấy ý kiến các phòng")
        dialog.add_file(evidence)
        dialog.findChild(QPushButton, "okButton").click()

    when_modal(ProgressDialog, report, seen)
    page.report_progress(page.table.current_row())
    assert seen and ProgressReport.select().count() == 1 and Attachment.get().filename == "bien-ban.pdf"
    assert page.detail.reports.model.rowCount() == 1
    assert page.detail.attachments.count() == 1 and page.detail.attachments.item(0).text().startswith("bien-ban.pdf")
    assert page.detail.badge.text() == "Đang thực hiện" and page.detail.progress.value() == 60


def test_importing_a_plan_asks_about_unknown_units_and_remembers_them(qtbot, empty_db, tmp_path):
    path = reference_docx(tmp_path / "ke-hoach-38.docx")
    for name, code in (("Văn phòng Sở", "VP"), ("Phòng Kế hoạch - Tài chính", "KHTC")):
        org.create_unit(SYSTEM, name, code, kind="office" if code == "VP" else "division")
    page = make_page(qtbot, empty_db)
    assert refs(page) == []
    seen, messages = [], []

    def map_units(dialog: UnitMappingDialog):
        assert set(dialog.combos) == {"Phòng Lao động – Việc làm", "Phòng Người có công", "Phòng Bảo trợ xã hội",
                                      "Phòng Việc làm – An toàn Lao động"}
        combo = dialog.combos["Phòng Người có công"]
        combo.setCurrentIndex(combo.findData(org.find_unit("KHTC").id))   # a (strange) mapping, remembered
        dialog.accept()
        when_modal(ui_errors.MessageDialog, lambda d: (messages.append(d.message_label.text()), d.accept()), seen)

    offers = []

    def decline_the_organisation_offer(dialog):   # the header's names are offered first (no organisation yet)
        offers.append(dialog.message_label.text())
        dialog.buttons["no"].click()
        when_modal(UnitMappingDialog, map_units, seen)

    when_modal(ui_errors.MessageDialog, decline_the_organisation_offer, seen)
    page.import_files([path])
    qtbot.waitUntil(lambda: bool(messages), timeout=15000)
    assert "UBND TỈNH BẮC GIANG" in offers[0]
    assert "10 nhiệm vụ của kế hoạch năm 2024 — 10 mới" in messages[0]
    assert len(refs(page)) == 10
    assert Unit.select().count() == 5      # 2 existing + 3 created; "Người có công" went to KHTC as asked
    assert UnitAlias.select().count() == 1
    assert org.match_unit("phòng người có công").short_code == "KHTC" == org.match_unit("Người có công").short_code


def test_unit_account_sees_no_editing_buttons(qtbot, plan_db):
    unit = org.find_unit("NCC")
    page = make_page(qtbot, plan_db, Actor("nv_ncc", "unit", unit.id))
    for button in (page.new_button, page.import_button):   # greyed, saying why (issue 16 item 5)
        assert button.isVisibleTo(page) and not button.isEnabled() and "không có quyền" in button.toolTip()
    page.new_record()                       # Ctrl+N does nothing for a unit account
    assert QApplication.activeModalWidget() is None
    page.table.select_key(Task.get(Task.ref == "I.3").id)
    assert not page.detail.edit_button.isEnabled() and "không có quyền sửa nhiệm vụ" in page.detail.edit_button.toolTip()


def test_startup_notices(qtbot, plan_db):
    page = make_page(qtbot, plan_db, today=date(2024, 7, 26))
    notices = page.startup_notices()
    assert notices[0].startswith("Nhiệm vụ quá hạn: III.B.1")
    assert any(n.startswith("Nhiệm vụ đến hạn trong 7 ngày tới: I.2") for n in notices)


def test_ctrl_n_in_the_main_window_opens_the_task_dialog(qtbot, plan_db):
    from par_desktop.ui.main_window import MainWindow

    window = MainWindow(AppContext(str(plan_db), SYSTEM))
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("tasks")
    assert isinstance(page, TasksPage) and len(refs(page)) == 15
    seen = []
    when_modal(TaskDialog, lambda dialog: dialog.reject(), seen)
    window.new_action.trigger()
    assert seen and window.new_action.shortcut().toString() == "Ctrl+N"


def test_two_plans_of_a_year_side_by_side_filtered_by_plan(qtbot, empty_db, tmp_path):
    from par_desktop.services.tasks import plan_import
    from plan_files import reference_parts, write_plan_docx

    body, titles, rows = reference_parts()
    plan_import.import_plan(SYSTEM, write_plan_docx(tmp_path / "38.docx", body, titles, rows), number="38/KH-SLĐTBXH")
    plan_import.import_plan(SYSTEM, write_plan_docx(tmp_path / "45.docx", body, titles, rows), number="45/KH-SLĐTBXH")
    page = make_page(qtbot, empty_db)
    assert page.table.visible_count() == 20
    plan45 = next(p for p in task_views.list_plans() if p.number == "45/KH-SLĐTBXH")
    page.filter_bar.set_value("plan", plan45.id)
    assert page.table.visible_count() == 10
    assert {page.table.proxy.index(r, 0).data() for r in range(10)} >= {"I.1", "I.2"}
    save_shot(page, "tasks-by-plan")


def test_a_plan_s_header_offers_the_organisation_s_names(qtbot, empty_db, tmp_path):
    from plan_files import UNITS

    from par_desktop.ui.dialogs.task_dialogs import ask_plan_import_options

    for position, (name, code, kind) in enumerate(UNITS):
        org.create_unit(SYSTEM, name, code, kind=kind, sort_order=position)
    path = reference_docx(tmp_path / "kh.docx")
    from par_desktop.services.tasks import plan_import

    document = plan_import.read_plan_file(path)
    parent = QPushButton()
    qtbot.addWidget(parent)
    seen = []
    answer_next_dialog("yes", seen)
    assert ask_plan_import_options(parent, document, path, SYSTEM) == (2024, {})
    assert "«UBND TỈNH BẮC GIANG» — «SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI»" in seen[0]
    names = org.org_names()
    assert (names.governing_body, names.agency_short, names.agency_abbr, names.place_name) == (
        "UBND TỈNH BẮC GIANG", "Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", "Bắc Giang")
    assert plan_import.org_offer(document) is None          # asked only while the database has none
