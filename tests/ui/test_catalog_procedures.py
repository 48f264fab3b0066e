"""Danh mục → Thủ tục: add and edit a procedure with its internal steps, abolish one, and import a
catalogue list through the page (background work, summary, the abolition offer) on a fresh database."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from par_desktop.db.models import Procedure, ProcedureStep
from par_desktop.services import org
from par_desktop.services.session import SYSTEM
from par_desktop.ui.context import AppContext
from par_desktop.ui.dialogs.procedure_dialogs import ProcedureDialog
from par_desktop.ui.pages.catalog import CatalogPage

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
import catalog_files
from gui_helpers import when_modal_dialog

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, empty_db):
    org.create_unit(SYSTEM, "Phòng Người có công", "NCC")
    org.create_unit(SYSTEM, "Văn phòng Sở", "VP", kind="office")
    widget = CatalogPage(AppContext(str(empty_db), SYSTEM))
    qtbot.addWidget(widget)
    widget.resize(1366, 720)
    widget.show()
    widget.refresh()
    widget.tabs.setCurrentIndex(1)
    return widget


def test_add_edit_and_abolish_a_procedure(page, qtbot, tmp_path):
    def fill(dialog: ProcedureDialog):
        dialog.code.setText("1.010805")
        dialog.name.setText("Giải quyết chế độ trợ cấp thờ cúng liệt sĩ")
        dialog.field.setCurrentText("Người có công")
        dialog.unit.setCurrentIndex(dialog.unit.findData(org.find_unit("NCC").id))
        dialog.limit.setText("30 ngày (tính cả ngày nghỉ)")
        assert "theo lịch" in dialog.limit_read.text()
        dialog.limit.setText("05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ")
        assert dialog.limit_read.text().startswith("Đọc được: 05 ngày làm việc")
        dialog.add_step("Phòng Người có công thẩm định", org.find_unit("NCC").id, 3)
        dialog.add_step("Văn phòng trình ký", org.find_unit("VP").id, 1.5)
        dialog.grab().save(str(tmp_path / "procedure-dialog.png"))
        dialog.save()

    when_modal_dialog(ProcedureDialog, fill)
    page.findChild(type(page.new_unit_button), "newProcedure").click()
    p = Procedure.get(Procedure.code == "1.010805")
    assert (p.limit_days, p.limit_unit, p.limit_note) == (5, "working", "kể từ ngày nhận đủ hồ sơ hợp lệ")
    assert [(s.name, s.budget_days) for s in ProcedureStep.select().order_by(ProcedureStep.position)] == [
        ("Phòng Người có công thẩm định", 3), ("Văn phòng trình ký", 1.5)]
    assert page.procedures_model.rowCount() == 1 and page.procedures[0].limit_label == "05 ngày làm việc"

    # Edit: steps longer than the limit are refused with a message; a shorter step is saved.
    seen = []

    def too_long(dialog: ProcedureDialog):
        dialog.steps.cellWidget(0, 2).setValue(10)
        from gui_helpers import answer_next_dialog
        answer_next_dialog("ok", seen)
        dialog.save()
        assert dialog.isVisible()
        dialog.steps.cellWidget(0, 2).setValue(2)
        dialog.save()

    assert page.procedures_view.select_key(p.id)
    when_modal_dialog(ProcedureDialog, too_long)
    page.edit_procedure()
    assert seen and "vượt thời hạn" in seen[0]
    assert ProcedureStep.get(ProcedureStep.position == 1).budget_days == 2

    from gui_helpers import answer_next_dialog
    answer_next_dialog("yes", [])
    page.abolish_procedure()
    assert not Procedure.get_by_id(p.id).in_force and Procedure.select().count() == 1


def test_import_a_catalogue_through_the_page(page, qtbot, tmp_path):
    path = catalog_files.national_xlsx(tmp_path / "csdl.xlsx")
    page.import_catalog(str(path))
    qtbot.waitUntil(lambda: page.import_dialog is not None and page.import_dialog.isVisible(), timeout=15000)
    dialog = page.import_dialog
    assert "5</b> mới" in dialog.findChild(QLabel, "catalogImportSummary").text()
    assert dialog.missing.count() == 0
    dialog.grab().save(str(tmp_path / "import-summary.png"))
    dialog.reject()
    assert Procedure.select().count() == 5 and page.procedures_model.rowCount() == 5

    # A smaller list: the three procedures it no longer names are offered; the one ticked is abolished.
    page.import_catalog(str(catalog_files.national_xlsx(tmp_path / "v2.xlsx", catalog_files.NATIONAL[:2])))
    qtbot.waitUntil(lambda: page.import_dialog is not dialog and page.import_dialog.isVisible(), timeout=15000)
    offered = [page.import_dialog.missing.item(i).text() for i in range(page.import_dialog.missing.count())]
    assert len(offered) == 3 and offered[0].startswith("1.009811")
    page.import_dialog.missing.item(0).setCheckState(Qt.CheckState.Checked)
    page.import_dialog.grab().save(str(tmp_path / "import-missing.png"))
    page.import_dialog.accept()
    assert not Procedure.get(Procedure.code == "1.009811").in_force
    assert Procedure.select().where(Procedure.in_force).count() == 4 and Procedure.select().count() == 5
    page.grab().save(str(tmp_path / "procedures.png"))
