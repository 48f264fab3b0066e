"""The Chỉ số CCHC page's writes with real widgets on the demo data, each read back from the database or
the file it wrote: evidence (files, a register document, an external document, saving a copy, removing),
editing a criterion, the Office accepting and returning a unit's score, locking, unlocking, the
appraisal and the province's final index, a new year from last year's set, importing the province's
table with what changed, and the exports (table, evidence pack, report)."""

from __future__ import annotations

import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QTableWidget

from gui_helpers import answer_next_dialog, save_shot, when_modal
from index_page_helpers import account, make_page, reload
from par_desktop.db.models import IndexAssessment, IndexCriterion, IndexEvidence, IndexEvidenceLink, IndexSet, User
from par_desktop.services import register
from par_desktop.services.par_index import criteria as C
from par_desktop.services.par_index import scoring as S
from par_desktop.services.session import SYSTEM
from par_desktop.ui import export as ui_export
from par_desktop.ui.dialogs.index_dialogs import ChangesDialog, CriterionDialog, ExternalDocumentDialog, TextDialog

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from index_files import write_criteria_xlsx

pytestmark = pytest.mark.gui


def fill_next(dialog_type, fill, seen: list | None = None, *, accept: bool = True) -> None:
    """Fill the next modal ``dialog_type`` the page opens with ``fill(dialog)``, then accept (or close) it
    (a gui_helpers watch: a deadline, and it never runs on into another test)."""
    def act(dialog) -> None:
        fill(dialog)
        if seen is not None:
            seen.append(dialog)
        dialog.accept() if accept else dialog.reject()

    when_modal(dialog_type, act)


def assessment(path: str, year: int = 2024) -> IndexAssessment:
    return IndexAssessment.get(IndexAssessment.criterion == C.find_criterion(year, path).id)


def evidence_titles(path: str) -> list[str]:
    criterion = C.find_criterion(2024, path)
    return [e.title for e in IndexEvidence.select().join(IndexEvidenceLink)
            .where(IndexEvidenceLink.criterion == criterion.id).order_by(IndexEvidence.id)]


def test_evidence_through_the_panel_files_documents_a_copy_and_removal(demo_db, qtbot, tmp_path, monkeypatch):
    number = register.issue_number(SYSTEM, "KH", "Kế hoạch triển khai sáng kiến số hóa hồ sơ", year=2024).full_number
    page = make_page(qtbot, demo_db)
    page._select_path("I.4.1")
    panel = page.panel
    assert panel.evidence.count() == 0 and panel.add_file.isVisible() and not panel.save_evidence.isEnabled()

    scan = tmp_path / "Báo cáo sáng kiến.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + b"sang kien " * 500)
    program = tmp_path / "bao-cao.pdf"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 300)              # a program renamed .pdf
    monkeypatch.setattr(ui_export, "ask_open_paths", lambda *a, **k: [scan, program])
    seen: list = []
    answer_next_dialog("ok", seen)
    reload(qtbot, page, panel.add_file.click)
    qtbot.waitUntil(lambda: page.operation.done and bool(seen), timeout=20000)
    assert "bao-cao.pdf" in seen[0]                                    # the refusal names the file
    assert evidence_titles("I.4.1") == ["Báo cáo sáng kiến"]           # the one before it stays stored
    panel = page.panel
    assert panel.node.path == "I.4.1" and panel.evidence.count() == 1 and panel.node.evidence_count == 1

    copy = tmp_path / "ban-sao.pdf"
    monkeypatch.setattr(ui_export, "ask_save_path", lambda *a, **k: copy)
    panel.evidence.setCurrentRow(0)
    panel.save_evidence.click()
    assert copy.read_bytes() == scan.read_bytes()

    fill_next(ExternalDocumentDialog, lambda d: d.number.setText(number))
    reload(qtbot, page, page.add_evidence_document, page.panel.node, True)
    fill_next(ExternalDocumentDialog, lambda d: d.summary.setPlainText(
        "Quyết định số 45/QĐ-UBND ngày 02/4/2024 của UBND tỉnh về công nhận sáng kiến"))
    reload(qtbot, page, page.add_evidence_document, page.panel.node, False)
    stored = list(IndexEvidence.select().join(IndexEvidenceLink).where(
        IndexEvidenceLink.criterion == C.find_criterion(2024, "I.4.1").id).order_by(IndexEvidence.id))
    assert [(e.kind, e.doc_number) for e in stored] == [("file", ""), ("register", number), ("external", "45/QĐ-UBND")]
    assert stored[2].doc_date == date(2024, 4, 2) and stored[2].issuer == "UBND tỉnh"
    assert page.panel.evidence.count() == 3

    page.panel.evidence.setCurrentRow(0)
    answer_next_dialog("yes", seen)
    reload(qtbot, page, page.panel.remove_evidence.click)
    assert evidence_titles("I.4.1")[0] != "Báo cáo sáng kiến" and len(evidence_titles("I.4.1")) == 2
    assert not IndexEvidence.select().where(IndexEvidence.title == "Báo cáo sáng kiến").exists()   # served nothing else
    assert page.panel.evidence.count() == 2


def test_editing_a_criterion_moves_its_parents_maxima_and_links_a_task(demo_db, qtbot):
    page = make_page(qtbot, demo_db)
    ncc = account("ncc")
    page._select_path("I.4.1")
    assert page.panel.edit_button.isVisible()
    before = {p: C.find_criterion(2024, p).max_points for p in ("I", "I.4", "I.4.1")}

    def change(dialog: CriterionDialog) -> None:
        dialog.max_points.setText("1,5")
        dialog.unit.setCurrentIndex(dialog.unit.findData(ncc.unit_id))
        dialog.steps.setText("0; 0,5; 1; 1,5")
        dialog.tasks.item(0).setCheckState(Qt.CheckState.Checked)
        save_shot(dialog, "criterion-dialog")   # painting asks the dialog's metric(): an attribute must not hide it

    fill_next(CriterionDialog, change)
    reload(qtbot, page, page.panel.edit_button.click)
    after = {p: C.find_criterion(2024, p) for p in ("I", "I.4", "I.4.1")}
    assert (after["I.4.1"].max_points, after["I.4"].max_points, after["I"].max_points) == \
        (1.5, before["I.4"] + 0.5, before["I"] + 0.5)
    assert after["I.4.1"].unit_id == ncc.unit_id and after["I.4.1"].score_steps
    panel = page.panel
    assert panel.node.path == "I.4.1" and panel.facts["max"].text() == "1,5"
    assert panel.facts["unit"].text() == User.get(User.username == "ncc").unit.name
    assert panel.tasks.count() == 1 and panel.tasks.item(0).data(Qt.ItemDataRole.UserRole) is not None
    assert "Tối đa <b>50,5</b>" in page.totals.text()

    # a score in a step the new steps do not allow is refused with the row named; nothing stored
    seen: list = []
    panel.self_points.setText("0,75")
    answer_next_dialog("ok", seen)
    panel.save_score.click()
    assert "I.4.1" in seen[0] and not IndexAssessment.select().where(
        IndexAssessment.criterion == after["I.4.1"].id).exists()


def test_the_office_accepts_and_returns_a_units_scores(demo_db, qtbot):
    ncc = account("ncc")
    S.set_self_score(ncc, C.find_criterion(2024, "III.1.2").id, "1,5", "Bổ sung danh mục tháng 11, 12")
    S.submit(ncc, [C.find_criterion(2024, "III.1.2").id])
    page = make_page(qtbot, demo_db)
    page._select_path("III.1.2")
    panel = page.panel
    assert panel.accept_button.isVisible() and panel.return_button.isVisible()
    assert "Chờ Văn phòng duyệt" in panel.review_note.text()
    fill_next(TextDialog, lambda d: d.text.setPlainText("Thiếu danh mục tháng 12"))
    reload(qtbot, page, panel.return_button.click)
    row = assessment("III.1.2")
    assert (row.state, row.review_note, row.reviewed_by) == ("returned", "Thiếu danh mục tháng 12", "system")
    assert "Thiếu danh mục tháng 12" in page.panel.review_note.text()

    S.submit(ncc, [row.criterion_id])                 # the unit sends it again
    reload(qtbot, page, page.refresh)
    page._select_path("III.1.2")
    reload(qtbot, page, page.panel.accept_button.click)
    assert assessment("III.1.2").state == "accepted" and not page.panel.accept_button.isVisible()

    # returning needs a reason: an empty one is refused and the row stays accepted
    seen: list = []
    fill_next(TextDialog, lambda d: d.text.setPlainText("  "))
    answer_next_dialog("ok", seen)
    page.panel.return_button.click()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert "lý do trả lại" in seen[0] and assessment("III.1.2").state == "accepted"


def test_locking_unlocking_appraisal_and_the_final_index(demo_db, qtbot, monkeypatch):
    page = make_page(qtbot, demo_db)
    reload(qtbot, page, page.year.setCurrentIndex, page.year.findData(2023))
    assert page.state_badge.text() == "Đã khóa, đã gửi"
    fill_next(TextDialog, lambda d: d.text.setPlainText("Sở Nội vụ đề nghị bổ sung tài liệu kiểm chứng"))
    reload(qtbot, page, page.unlock_action.trigger)
    assert IndexSet.get(IndexSet.year == 2023).state == "open" and page.state_badge.text() == "Đang tự đánh giá"
    page._select_path("III.2.1")
    assert page.panel.self_points.isEnabled() and not page.panel.save_appraisal.isEnabled()

    seen: list = []
    answer_next_dialog("yes", seen)
    reload(qtbot, page, page.lock_action.trigger)
    assert IndexSet.get(IndexSet.year == 2023).state == "locked" and page.state_badge.text() == "Đã khóa, đã gửi"

    page._select_path("III.2.1")
    panel = page.panel
    assert panel.save_appraisal.isEnabled() and not panel.self_points.isEnabled()
    panel.appraised_points.setText("1")
    panel.appraisal_reason.setText("Rà soát đạt 6 %")
    reload(qtbot, page, panel.save_appraisal.click)
    row = assessment("III.2.1", 2023)
    assert (row.appraised_points, row.appraisal_reason) == (1, "Rà soát đạt 6 %")
    difference = next(d for d in S.differences(2023) if d.path == "III.2.1")
    assert (difference.self_points, difference.appraised_points, difference.reason) == (2, 1, "Rà soát đạt 6 %")
    assert page.difference_table.visible_count() == len(S.differences(2023))

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("84,75", True))
    reload(qtbot, page, page.final_action.trigger)
    assert IndexSet.get(IndexSet.year == 2023).final_index == 84.75
    assert "84,75" in page.totals.text()


def test_a_locked_set_is_not_locked_twice_and_an_incomplete_one_not_at_all(demo_db, qtbot):
    page = make_page(qtbot, demo_db)
    seen: list = []
    answer_next_dialog("yes", seen)
    answer_next_dialog("ok", seen)
    page.lock_action.trigger()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert "chưa có điểm tự đánh giá" in seen[1] and IndexSet.get(IndexSet.year == 2024).state == "open"


def test_a_new_year_from_last_years_set(demo_db, qtbot):
    page = make_page(qtbot, demo_db)
    count = IndexCriterion.select().join(IndexSet).where(IndexSet.year == 2024).count()
    reload(qtbot, page, page.copy_action.trigger)
    qtbot.waitUntil(lambda: page.current_year() == 2025 and page.report is not None and page.report.year == 2025,
                    timeout=20000)
    new = IndexSet.get(IndexSet.year == 2025)
    assert new.based_on_year == 2024 and new.state == "open"
    assert IndexCriterion.select().where(IndexCriterion.index_set == new.id).count() == count
    assert page.model.rowCount() == 10 and "Tự đánh giá <b>—</b>" in page.totals.text()


def test_importing_the_provinces_table_shows_what_changed(demo_db, qtbot, tmp_path):
    page = make_page(qtbot, demo_db)
    sheet = write_criteria_xlsx(tmp_path / "bo-chi-so-2025.xlsx", year=2025)
    seen: list = []
    changes: list = []
    answer_next_dialog("ok", seen)
    fill_next(ChangesDialog, lambda d: changes.append(d.findChild(QTableWidget, "changesTable").rowCount()),
              accept=False)
    page.import_criteria(sheet, 2025)
    qtbot.waitUntil(lambda: bool(changes), timeout=30000)
    assert "Đã nhập 17 tiêu chí của bộ chỉ số năm 2025" in seen[0]
    assert f"So với năm 2024: {changes[0]} thay đổi" in seen[0] and changes[0] == len(C.compare_years(2024, 2025)) > 0
    assert page.current_year() == 2025 and IndexSet.get(IndexSet.year == 2025).source_file == "bo-chi-so-2025.xlsx"


def test_exports_from_the_page_are_written_and_read_back(demo_db, qtbot, tmp_path, monkeypatch):
    from docx import Document
    from openpyxl import load_workbook

    page = make_page(qtbot, demo_db)
    table, pack, report = tmp_path / "bang.xlsx", tmp_path / "tlkc.zip", tmp_path / "bao-cao.docx"

    monkeypatch.setattr(ui_export, "ask_save_path", lambda *a, **k: table)
    page.export()
    qtbot.waitUntil(lambda: page.operation.done, timeout=30000)
    sheet = load_workbook(table).active
    codes = {str(row[0]) for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert {"I", "III", "1.1", "3.3"} <= codes

    monkeypatch.setattr(ui_export, "ask_save_path", lambda *a, **k: pack)
    seen: list = []
    answer_next_dialog("ok", seen)
    page.export_pack()
    qtbot.waitUntil(lambda: page.operation.done and bool(seen), timeout=30000)
    names = zipfile.ZipFile(pack).namelist()
    assert "I.1.1/" in names and any(n.startswith("I.5.1/I.5.1_01_") for n in names) and "4 tệp" in seen[0]

    monkeypatch.setattr(ui_export, "ask_save_path", lambda *a, **k: report)
    page.export_document("self_assessment")
    qtbot.waitUntil(lambda: page.operation.done, timeout=60000)
    assert page.operation.error is None, page.operation.error
    text = "\n".join(p.text for p in Document(str(report)).paragraphs)
    assert "BÁO CÁO" in text and "minh họa" in text.lower()
