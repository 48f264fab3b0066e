"""The Documents page with real widgets on the real demo database: generate in the background, preview
with QtPdf, issue a number, save as Word/PDF, open in Word, print, batch explanation requests."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtPdf import QPdfDocument
from pypdf import PdfReader

from par_desktop.db.models import Dossier, RegisterEntry
from par_desktop.documents.builders import unit_text
from par_desktop.domain.text import fold
from par_desktop.services import documents as doc_service
from par_desktop.services.session import SYSTEM, Actor
from par_desktop.ui.context import AppContext
from par_desktop.ui.pages import documents as page_module
from par_desktop.ui.pages.documents import DocumentsPage

from gui_helpers import save_shot, wait_until_painted

pytestmark = pytest.mark.gui



@pytest.fixture
def page(qtbot, demo_db):
    widget = DocumentsPage(AppContext(str(demo_db), SYSTEM))
    qtbot.addWidget(widget)
    widget.resize(1400, 860)
    widget.refresh()
    widget.show()
    return widget


def finish(qtbot, page, timeout=20000):
    qtbot.waitUntil(lambda: page.operation is not None and page.operation.done, timeout=timeout)
    assert page.operation.error is None, page.operation.error


def generate(qtbot, page, kind, **params):
    page.set_kind(kind)
    if "month" in params:
        page.set_month(*params["month"])
    if "unit" in params:
        page.set_unit(params["unit"])
    if "dossier" in params:
        page.dossier_edit.setText(params["dossier"])
    page.generate_button.click()
    finish(qtbot, page)
    qtbot.waitUntil(lambda: page.pdf.status() == QPdfDocument.Status.Ready, timeout=5000)


def test_fields_follow_the_document_kind(page):
    page.set_kind("apology")
    assert page.dossier_edit.isVisibleTo(page) and page.reason_edit.isVisibleTo(page)
    assert not page.unit_combo.isVisibleTo(page) and not page.batch_box.isVisibleTo(page)
    page.set_kind("explanation_request")
    assert page.unit_combo.isVisibleTo(page) and page.month_edit.isVisibleTo(page) and page.batch_box.isVisibleTo(page)
    page.set_month(2024, 3)
    assert page.period_label.text() == "Kỳ báo cáo: từ 15/02/2024 đến 14/03/2024"
    page.set_kind("control_slip")
    assert not page.issue_button.isVisibleTo(page)   # a control slip is not numbered
    assert not page.save_pdf_button.isEnabled()        # nothing generated yet


def test_monthly_report_is_generated_off_the_gui_thread_and_previewed(qtbot, page):
    generate(qtbot, page, "monthly_report", month=(2024, 3))
    assert page.pdf.pageCount() == PdfReader(str(page.current.pdf)).get_num_pages() >= 3
    assert page.state_label.text() == "Bản dự thảo (chưa có số, chưa ghi ngày)."
    assert page.pages_label.text() == f"{page.pdf.pageCount()} trang"
    assert page.save_docx_button.isEnabled() and page.print_button.isEnabled()
    wait_until_painted(qtbot, page.pdf_view)
    save_shot(page, "documents")
    page.set_month(2024, 4)   # other parameters: the preview no longer matches
    assert not page.save_docx_button.isEnabled() and "Thông số đã thay đổi" in page.state_label.text()


def test_issue_numbers_the_document_and_saving_keeps_that_number(qtbot, page, monkeypatch, tmp_path):
    monkeypatch.setattr(page_module, "ask_yes_no", lambda *a, **k: True)
    generate(qtbot, page, "explanation_request", month=(2024, 3), unit="NCC")
    page.issue_button.click()
    finish(qtbot, page)
    entry = RegisterEntry.get()
    assert entry.full_number == "01/SLĐTBXH-VP" and entry.doc_kind == "explanation_request"
    assert page.state_label.text().startswith("Đã ban hành: số 01/SLĐTBXH-VP ngày ")
    assert not page.issue_button.isEnabled()
    assert [r.full_number for r in page.register_view.visible_rows()] == ["01/SLĐTBXH-VP"]

    target = tmp_path / "cong-van.docx"
    monkeypatch.setattr(page, "save_path", lambda suffix: target.with_suffix(suffix))
    page.save_docx_button.click()
    finish(qtbot, page)
    header = Document(str(target)).tables[0]
    assert header.cell(1, 0).paragraphs[0].text == "Số: 01/SLĐTBXH-VP"
    page.save_pdf_button.click()
    finish(qtbot, page)
    assert "Số: 01/SLĐTBXH-VP" in PdfReader(str(target.with_suffix(".pdf"))).pages[0].extract_text()
    assert RegisterEntry.select().count() == 1   # saving twice took no new number


def test_open_in_word_writes_the_docx_and_hands_it_to_the_system(qtbot, page, monkeypatch):
    opened = []
    monkeypatch.setattr(page_module, "open_in_system", lambda path: opened.append(path) or True)
    generate(qtbot, page, "plan")
    page.word_button.click()
    finish(qtbot, page)
    assert not page.issue_button.isEnabled()   # the demo plan was issued as 38/KH
    assert len(opened) == 1 and opened[0].suffix == ".docx" and opened[0].exists()
    assert Document(str(opened[0])).tables[0].cell(1, 0).paragraphs[0].text == "Số: 38/KH-SLĐTBXH"


def test_batch_writes_one_explanation_request_per_unit(qtbot, page, monkeypatch, tmp_path):
    folder = tmp_path / "giai-trinh"
    folder.mkdir()
    shown = []
    monkeypatch.setattr(page, "batch_folder", lambda: folder)
    monkeypatch.setattr(page_module, "show_message", lambda parent, title, text, **k: shown.append(text))
    page.set_kind("explanation_request")
    page.set_month(2024, 3)
    page.batch_format.setCurrentIndex(1)   # PDF
    page.batch_button.click()
    finish(qtbot, page)
    units = doc_service.explanation_units("2024-03")
    files = sorted(folder.iterdir())
    assert len(files) == len(units) >= 2 and all(f.suffix == ".pdf" for f in files)
    for unit, count in units:
        match = [f for f in files if f"-{fold(unit.short_code)}-" in f.name]
        assert match, unit.short_code
        text = " ".join(PdfReader(str(match[0])).pages[0].extract_text().split())
        assert f"{unit_text(unit.name)} có {count} hồ sơ" in text
    assert shown and shown[0].startswith(f"Đã lập {len(units)} công văn")
    assert RegisterEntry.select().count() == 0   # drafts: no number taken


def test_errors_are_shown_not_raised(qtbot, page, monkeypatch):
    seen = []
    monkeypatch.setattr("par_desktop.ui.errors.show_error", lambda parent, exc, **k: seen.append(exc))
    page.set_kind("control_slip")
    page.dossier_edit.setText("KHONG-CO")
    page.generate_button.click()
    qtbot.waitUntil(lambda: page.operation.done, timeout=10000)
    assert page.current is None and "Không có hồ sơ mã «KHONG-CO»" in str(page.operation.error)


def test_register_model_and_roles(qtbot, demo_db, qtmodeltester, page):
    doc_service.generate(SYSTEM, doc_service.DocRequest("monthly_report", month="2024-03"),
                         Path(page._work_dir) / "bc.pdf", issue=True)
    page.refresh()
    qtmodeltester.check(page.register_model, force_py=True)
    assert page.register_view.visible_rows()[0].full_number == "01/BC-VP"
    page.apply_search("bao cao")
    assert page.register_view.visible_count() == 1 and page.tabs.currentIndex() == 1
    leader = DocumentsPage(AppContext(str(demo_db), Actor("lanhdao", "leader")))
    qtbot.addWidget(leader)
    leader.refresh()
    assert not leader.generate_button.isEnabled() and not leader.issue_button.isEnabled()


def test_navigate_to_fills_the_parameters(page):
    code = Dossier.select().first().code
    page.navigate_to({"kind": "apology", "dossier": code})
    assert page.kind == "apology" and page.dossier_edit.text() == code
    page.navigate_to({"kind": "explanation_request", "unit": "NCC", "month": "2024-05"})
    request = page.request()
    assert (request.kind, request.unit, request.month) == ("explanation_request", "NCC", "2024-05")


def test_apology_asks_how_to_address_the_applicant_and_shows_notices(qtbot, page):
    page.set_kind("apology")
    assert page.applicant_kind_combo.isVisibleTo(page)
    page.reason_edit.setPlainText("Hồ sơ phải xác minh tại địa phương")
    page.new_due_edit.setDateTime(QDateTime(QDate(2024, 12, 20), QTime(17, 0)))   # a Friday
    generate(qtbot, page, "apology", dossier="000.00.18.H06-240104-00670")   # the record says neither Ông nor Bà
    assert page.notices_label.isVisibleTo(page) and "Ông/Bà Lương Minh Hải" in page.notices_label.text()
    assert "Kính gửi: Ông/Bà Lương Minh Hải" in " ".join(PdfReader(str(page.current.pdf)).pages[0].extract_text().split())
    page.applicant_kind_combo.setCurrentIndex(page.applicant_kind_combo.findData("woman"))
    assert "Thông số đã thay đổi" in page.state_label.text()
    page.generate_button.click()
    finish(qtbot, page)
    qtbot.waitUntil(lambda: page.pdf.status() == QPdfDocument.Status.Ready, timeout=5000)
    assert "ông hay bà" not in page.notices_label.text()
    assert "chỉ áp dụng đến 28/02/2025" in page.notices_label.text()   # the demo's names ended (DOMAIN.md §8)
    assert "Kính gửi: Bà Lương Minh Hải" in " ".join(PdfReader(str(page.current.pdf)).pages[0].extract_text().split())
