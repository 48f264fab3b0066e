"""The document commands as a clerk's script runs them: separate processes on the demo database, every
file read back (python-docx for Word, pdftotext/pypdf/pdffonts for PDF)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import unicodedata

import pytest
from docx import Document
from docx.shared import Mm
from pypdf import PdfReader

from conftest import run_cli

DOCS = ("plan", "monthly-report", "explanation-request", "apology", "reminder", "control-slip")


@pytest.fixture(scope="module")
def generated(demo_template, tmp_path_factory):
    """Every document written once in each format by ``par-desktop doc …`` on a copy of the demo data."""
    folder = tmp_path_factory.mktemp("cli-docs")
    db = folder / "demo.db"
    shutil.copy(demo_template, db)
    with sqlite3.connect(db) as conn:
        code = conn.execute(
            "SELECT code FROM dossier WHERE closed_at IS NULL AND due_at < '2024-06-01' AND paused_since IS NULL "
            "AND EXISTS (SELECT 1 FROM handover h WHERE h.dossier_id = dossier.id) ORDER BY code LIMIT 1").fetchone()[0]
    args = {
        "plan": [],
        "monthly-report": ["--month", "2024-03"],
        "explanation-request": ["--unit", "phòng người có công", "--month", "2024-03"],
        "apology": ["--dossier", code, "--new-date", "2024-12-20", "--reason", "Hồ sơ phải xác minh tại địa phương"],
        "reminder": ["--unit", "KHTC"],
        "control-slip": ["--dossier", code],
    }
    out = {"db": db, "code": code}
    for name in DOCS:
        for ext in ("docx", "pdf"):
            path = folder / f"{name}.{ext}"
            result = run_cli("doc", name, *args[name], "--out", str(path), db=db)
            assert result.returncode == 0, (name, result.stderr)
            assert result.stdout == f"{path}\n"
            assert all(line.startswith("warning: ") for line in result.stderr.splitlines()), result.stderr
            out[name, ext] = path
    return out


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def docx_text(path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.mark.parametrize("name", DOCS)
def test_both_formats_keep_the_vietnamese_text(generated, name):
    for text in (pdf_text(generated[name, "pdf"]), docx_text(generated[name, "docx"])):
        assert text == unicodedata.normalize("NFC", text)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
        assert "SỞ LAO ĐỘNG - THƯƠNG BINH" in text


@pytest.mark.parametrize("name", DOCS)
def test_pdf_embeds_every_font(generated, name):
    out = subprocess.run(["pdffonts", str(generated[name, "pdf"])], check=True, capture_output=True, text=True).stdout
    fonts = out.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # the "emb" column
    assert all("Serif" in line or "Times" in line for line in fonts)


def test_plan_reads_like_the_reference_with_a_landscape_appendix(generated):
    text = pdf_text(generated["plan", "pdf"])
    assert "Số: 38/KH-SLĐTBXH" in text and "Bắc Giang, ngày 29 tháng 02 năm 2024" in text
    assert "Nâng cao Chỉ số cải cách hành chính; Chỉ số hài lòng của người dân, tổ chức" in text
    assert "MỘT SỐ CHỈ TIÊU, NHIỆM VỤ CỤ THỂ VỀ CẢI CÁCH HÀNH CHÍNH NHÀ NƯỚC NĂM 2024" in text
    assert "Kèm theo Kế hoạch số 38/KH-SLĐTBXH ngày 29 tháng 02 năm 2024" in text
    assert "Trần Văn Hà" in text and "- Lưu: VT, VP." in text
    pages = PdfReader(str(generated["plan", "pdf"])).pages
    assert pages[0].mediabox.width < pages[0].mediabox.height
    last = pages[-1]
    assert last.mediabox.width > last.mediabox.height  # the appendix is landscape
    appendix_text = " ".join(" ".join(p.extract_text() for p in pages if p.mediabox.width > p.mediabox.height).split())
    assert "Phòng Kế hoạch - Tài chính" in appendix_text and "Quý III/2024" in appendix_text
    assert "Đề án chi trả trợ cấp ưu đãi người có công" in appendix_text

    doc = Document(str(generated["plan", "docx"]))
    body, appendix = doc.sections
    assert abs(body.page_width - Mm(210)) < Mm(0.2) and abs(appendix.page_width - Mm(297)) < Mm(0.2)
    assert appendix.orientation == 1
    table = doc.tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["TT", "Nội dung, nhiệm vụ cụ thể", "Đơn vị chủ trì",
                                                     "Đơn vị phối hợp", "Thời gian hoàn thành", "Ghi chú"]
    texts = [c.text for row in table.rows for c in row.cells]
    assert "Xong trước ngày 30/9/2024" in texts and "Các phòng, đơn vị có liên quan" in texts
    assert "Cải cách thủ tục hành chính" in texts and "Rà soát đánh giá TTHC" in texts


def test_monthly_report_has_the_13_column_statistics_table(generated):
    doc = Document(str(generated["monthly-report", "docx"]))
    stats = next(t for t in doc.tables if len(t.columns) == 13)
    assert [c.text for c in stats.rows[3].cells] == [f"({i})" for i in range(1, 14)]
    total = stats.rows[-1]
    values = [int(c.text.replace(".", "")) for c in total.cells[2:]]
    received, online, direct, carried, resolved, early, on_time, late, pending, within, overdue = values
    assert received == online + direct + carried == resolved + pending
    assert resolved == early + on_time + late and pending == within + overdue and received > 0
    assert any(s.orientation == 1 for s in doc.sections)
    header = doc.tables[0]
    assert header.cell(1, 0).paragraphs[0].text.replace(" ", "") == "Số:/BC-VP"  # a draft
    assert "ngày … tháng … năm …" in header.cell(1, 1).paragraphs[0].text
    text = pdf_text(generated["monthly-report", "pdf"])
    assert "Từ ngày 15/02/2024 đến ngày 14/03/2024" in text
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC" in text and "CHÁNH VĂN PHÒNG" in text
    assert f"Trong kỳ có {late + overdue} hồ sơ TTHC quá hạn" in " ".join(text.split())


def test_explanation_request_lists_the_units_overdue_dossiers(generated):
    text = " ".join(pdf_text(generated["explanation-request", "pdf"]).split())
    assert "V/v đề nghị giải trình hồ sơ TTHC quá hạn" in text
    assert "Kính gửi: Trưởng phòng Người có công" in text
    assert "từ ngày 15/02/2024 đến ngày 14/03/2024, Phòng Người có công có" in text
    doc = Document(str(generated["explanation-request", "docx"]))
    dossiers = doc.tables[-1]
    assert [c.text for c in dossiers.rows[0].cells][:3] == ["TT", "Mã hồ sơ", "Thủ tục hành chính"]
    assert len(dossiers.rows) >= 2


def test_apology_and_control_slip_name_the_dossier(generated):
    code = generated["code"]
    apology = " ".join(pdf_text(generated["apology", "pdf"]).split())
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in apology and code in apology
    assert "17 giờ 00 phút, ngày 20/12/2024" in apology   # a date only: by the end of that working day
    assert "Lý do: Hồ sơ phải xác minh tại địa phương." in apology
    slip = pdf_text(generated["control-slip", "pdf"])
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in slip and code in " ".join(slip.split())
    doc = Document(str(generated["control-slip", "docx"]))
    rows = doc.tables[-1].rows
    assert rows[0].cells[0].text == "TÊN CƠ QUAN" and rows[0].cells[1].text == "THỜI GIAN GIAO, NHẬN HỒ SƠ"
    assert rows[2].cells[0].text.startswith("1. Giao: ")
    assert rows[-1].cells[0].text.startswith("1. Giao: ")   # down to the return to the applicant


def test_reminder_names_the_late_tasks(generated):
    text = " ".join(pdf_text(generated["reminder", "pdf"]).split())
    assert "V/v đôn đốc thực hiện nhiệm vụ cải cách hành chính" in text
    assert "Kính gửi: Phòng Kế hoạch - Tài chính" in text and "năm 2024" in text
    assert "Đề án chi trả trợ cấp ưu đãi người có công" in text and "Quá hạn" in text


def test_register_add_gives_the_next_number_and_issue_uses_it(generated, tmp_path):
    db = tmp_path / "demo.db"
    shutil.copy(generated["db"], db)
    out = run_cli("register", "add", "--type", "KH", "--title", "Kế hoạch kiểm soát TTHC", "--year", "2024", db=db,
                  user="vanphong")
    assert (out.returncode, out.stdout, out.stderr) == (0, "39/KH-SLĐTBXH\n", "")  # after the plan's 38
    out = run_cli("register", "add", "--type", "CV", "--title", "Công văn đôn đốc", db=db, user="vanphong")
    assert out.stdout == "01/SLĐTBXH-VP\n"
    report = tmp_path / "bc.docx"
    out = run_cli("doc", "monthly-report", "--month", "2024-03", "--out", str(report), "--issue", db=db,
                  user="vanphong")
    assert out.returncode == 0, out.stderr
    assert Document(str(report)).tables[0].cell(1, 0).paragraphs[0].text == "Số: 01/BC-VP"
    listed = run_cli("register", "list", db=db).stdout.splitlines()
    assert listed[0].startswith("01/BC-VP\t") and "Báo cáo kết quả thực hiện" in listed[0]
    plan = run_cli("doc", "plan", "--out", str(tmp_path / "kh.pdf"), "--issue", db=db, user="vanphong")
    assert plan.returncode == 1 and plan.stderr.startswith("error: Kế hoạch năm 2024 đã ban hành: số 38/KH")


@pytest.mark.parametrize("args, message", [
    (["doc", "reminder", "--unit", "Phòng Không Có", "--out", "x.pdf"], "Không tìm thấy đơn vị «Phòng Không Có»"),
    (["doc", "control-slip", "--dossier", "KHONG-CO", "--out", "x.pdf"], "Không có hồ sơ mã «KHONG-CO»"),
    (["doc", "plan", "--out", "x.odt"], "chỉ hỗ trợ .docx (Word) và .pdf"),
    (["doc", "monthly-report", "--month", "2024-13", "--out", "x.pdf"], "Tháng «2024-13» không hợp lệ"),
    (["register", "add", "--type", "KHH", "--title", "Thử"], "Không có loại văn bản viết tắt «KHH»"),
])
def test_errors_are_one_vietnamese_line(generated, tmp_path, args, message):
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    out = run_cli(*args, db=generated["db"], user="vanphong")
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.startswith("error: ") and message in out.stderr and out.stderr.count("\n") == 1
    assert not list(tmp_path.iterdir())   # nothing half-written
