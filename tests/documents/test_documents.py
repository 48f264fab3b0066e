"""Every builder rendered to real .docx and .pdf files, read back with python-docx, pypdf and poppler."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from pypdf import PdfReader

from par_desktop.documents.builders import (
    DossierInfo, HandoverRow, OrgInfo, OverdueDossier, OverdueExplanation, PlanInfo, PlanTaskRow, ReplyTerm, ReportPeriod,
    SignerInfo, SlipFormInfo, TaskLine, UnitTaskSummary, build_apology, build_control_slip, build_explanation_request,
    build_monthly_report, build_plan, build_reminder,
)
from par_desktop.documents.render import render
from par_desktop.errors import InvalidInput

ORG = OrgInfo(governing_body="UBND tỉnh Bắc Giang", agency_name="Sở Lao động - Thương binh và Xã hội",
              agency_abbr="SLĐTBXH", place="Bắc Giang", agency_short="Sở Lao động - TB&XH")
SIGNER = SignerInfo("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Văn Hà")
PERIOD = ReportPeriod(date(2024, 2, 15), date(2024, 3, 14), "tháng 3 năm 2024")

_OTHERS = "Các phòng, đơn vị có liên quan"
PLAN_TASKS = [
    PlanTaskRow("I", "Tham mưu ban hành văn bản QPPL", "1",
                "Dự thảo Nghị quyết sửa đổi, bổ sung Nghị quyết số 59/2021/NQ-HĐND ngày 10/12/2021 của HĐND tỉnh "
                "quy định hỗ trợ điều dưỡng, phục hồi sức khỏe tập trung cho người có công với cách mạng và thân "
                "nhân trên địa bàn tỉnh Bắc Giang", "Phòng Kế hoạch tài chính", _OTHERS, "Tháng 12/2024"),
    PlanTaskRow("I", "Tham mưu ban hành văn bản QPPL", "2",
                "Quyết định sửa đổi, bổ sung Quyết định số 13/2022/QĐ-UBND của UBND tỉnh Bắc Giang về việc ban "
                "hành Quy chế phối hợp quản lý người lao động nước ngoài làm việc trên địa bàn tỉnh Bắc Giang",
                "Phòng Lao động việc làm", _OTHERS, "Tháng 7/2024"),
    PlanTaskRow("I", "Tham mưu ban hành văn bản QPPL", "3",
                "Quy chế quản lý công trình ghi công liệt sĩ, mộ liệt sĩ trên địa bàn", "Người có công", _OTHERS,
                "Tháng 7/2024"),
    PlanTaskRow("II", "Công tác theo dõi thi hành pháp luật", "1",
                "Tổ chức thực hiện theo dõi tình hình thi hành pháp luật lĩnh vực Bảo trợ xã hội",
                "Phòng Bảo trợ xã hội", "Các phòng, đơn vị liên quan", "Xong trước ngày 30/9/2024"),
    PlanTaskRow("III", "Cải cách thủ tục hành chính", "1",
                "Xây dựng video hướng dẫn, tuyên truyền thực hiện dịch vụ công trực tuyến toàn trình và một phần",
                "Văn phòng Sở", "Các phòng, đơn vị", "Tháng 7/2024", subsection="A",
                subsection_title="Công tác tuyên truyền về TTHC"),
    PlanTaskRow("III", "Cải cách thủ tục hành chính", "2",
                "Tổ chức đối thoại với người dân, doanh nghiệp về hoạt động sản xuất, kinh doanh và TTHC",
                "Phòng Việc làm – An toàn Lao động", ["Văn phòng Sở", "phòng kế hoạch – Tài chính"], "Quý III/2024",
                subsection="A", subsection_title="Công tác tuyên truyền về TTHC"),
    PlanTaskRow("III", "Cải cách thủ tục hành chính", "3",
                "Triển khai thực hiện các hoạt động tuyên truyền về cải cách hành chính; truyền thông kiểm soát "
                "TTHC và cơ chế một cửa, một cửa liên thông", "Các phòng, đơn vị", "Văn phòng Sở", "Thường xuyên",
                subsection="A", subsection_title="Công tác tuyên truyền về TTHC"),
    PlanTaskRow("III", "Cải cách thủ tục hành chính", "1",
                "Thực hiện rà soát, đánh giá các TTHC thuộc lĩnh vực quản lý theo Kế hoạch số 45/KH-UBND ngày "
                "29/02/2024 của Chủ tịch UBND tỉnh", ["Phòng Lao động – Việc làm", "phòng Người có công"],
                "Văn phòng Sở", "Trước ngày 01/6/2024", subsection="B", subsection_title="Rà soát đánh giá TTHC"),
    PlanTaskRow("III", "Cải cách thủ tục hành chính", "2",
                "Lựa chọn và thực hiện rà soát, đánh giá tối thiểu 10% TTHC đang còn hiệu lực; đề xuất đơn giản "
                "hóa TTHC", "Các phòng, đơn vị", "Văn phòng Sở", "Trước ngày 01/6/2024", subsection="B",
                subsection_title="Rà soát đánh giá TTHC"),
    PlanTaskRow("IV", "Cải cách tài chính công", "1",
                "Đề án chi trả trợ cấp ưu đãi người có công, bảo trợ xã hội không dùng tiền mặt trên địa bàn tỉnh "
                "Bắc Giang", "Phòng Kế hoạch - Tài chính", _OTHERS, "Tháng 6 năm 2024"),
]

STATS = [
    dict(field="Người có công", received_total=1250, received_online=900, received_direct=300, carried_over=50,
         resolved_total=1200, resolved_early=1000, resolved_on_time=190, resolved_late=10, pending_total=50,
         pending_within_time=48, pending_overdue=2),
    dict(field="Lao động, tiền lương", received_total=80, received_online=60, received_direct=15, carried_over=5,
         resolved_total=75, resolved_early=70, resolved_on_time=5, resolved_late=0, pending_total=5,
         pending_within_time=5, pending_overdue=0),
    dict(field="Bảo trợ xã hội", received_total=40, received_online=30, received_direct=10, carried_over=0,
         resolved_total=38, resolved_early=30, resolved_on_time=7, resolved_late=1, pending_total=2,
         pending_within_time=1, pending_overdue=1),
]

DOSSIER = DossierInfo("000.00.17.H03-240207-0001", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Nguyễn Văn An",
                      datetime(2024, 2, 7, 9, 0), datetime(2024, 2, 21, 9, 0))


def build_all() -> dict:
    """name -> OfficialDocument for every document type, filled with realistic data."""
    late = [TaskLine("Quy chế quản lý công trình ghi công liệt sĩ, mộ liệt sĩ trên địa bàn", "Phòng Người có công",
                     "Tháng 7/2024", date(2024, 7, 31), "Quá hạn 12 ngày")]
    risky = [TaskLine("Đề án chi trả trợ cấp ưu đãi người có công không dùng tiền mặt", "Phòng Kế hoạch - Tài chính",
                      "Tháng 6 năm 2024", date(2024, 6, 30), "Còn 3 ngày")]
    return {
        "plan": build_plan(ORG, SIGNER, PlanInfo(2024, 38, date(2024, 3, 5)), PLAN_TASKS),
        "plan_draft": build_plan(ORG, SIGNER, PlanInfo(2024), PLAN_TASKS),
        "monthly_report": build_monthly_report(
            ORG, SignerInfo("", "CHÁNH VĂN PHÒNG", "Lê Thị Bình"), PERIOD,
            [UnitTaskSummary("Phòng Người có công", 5, 1, 3, 1), UnitTaskSummary("Văn phòng Sở", 7, 0, 2, 0)],
            risky, STATS, [OverdueExplanation("000.00.17.H03-240220-0007", "Giải quyết chế độ trợ cấp thờ cúng "
                                              "liệt sĩ", "Phòng Người có công", 2, "Hồ sơ phải xác minh thêm.")],
            number=5, issue_date=date(2024, 3, 15)),
        "explanation_request": build_explanation_request(
            ORG, SIGNER, "Phòng Người có công", "Trưởng phòng Người có công", PERIOD,
            [OverdueDossier(DOSSIER.code, DOSSIER.procedure, DOSSIER.applicant, DOSSIER.received, DOSSIER.due,
                            datetime(2024, 2, 23, 10, 15), 2),
             OverdueDossier("000.00.17.H03-240212-0004", "Xác nhận hồ sơ đề nghị hưởng chế độ", "Trần Thị Hoa",
                            datetime(2024, 2, 19, 14, 0), datetime(2024, 3, 4, 14, 0), None, 8)],
            ReplyTerm(3, date(2024, 3, 20)), issue_date=date(2024, 3, 15)),
        "apology": build_apology(ORG, SIGNER, DOSSIER, "Hồ sơ cần xác minh thêm thông tin tại địa phương.",
                                 datetime(2024, 2, 28, 16, 0), number=3, issue_date=date(2024, 2, 20)),
        "reminder": build_reminder(ORG, SIGNER, "Phòng Người có công", late, risky, ReplyTerm(5, date(2024, 8, 19)),
                                   issue_date=date(2024, 8, 12)),
        "control_slip": build_control_slip(ORG, DOSSIER, [
            HandoverRow("Tiếp nhận hồ sơ", "Bộ phận Một cửa", datetime(2024, 2, 7, 9, 30), "Phòng Người có công",
                        None, None, "", giver_name="Nguyễn Thị Mai"),
            HandoverRow("Thẩm định", "Phòng Người có công", datetime(2024, 2, 20, 15, 0), "Lãnh đạo Sở",
                        datetime(2024, 2, 20, 16, 0), datetime(2024, 2, 16, 17, 0), "Quá hạn 2 ngày làm việc",
                        "Chờ xác minh"),
            HandoverRow("Trả kết quả cho tổ chức, cá nhân", "Bộ phận Một cửa", None, "Trần Thị Hoa", None,
                        datetime(2024, 2, 21, 9, 0), "Quá hạn 5 ngày làm việc (đang xử lý)"),
        ], form=SlipFormInfo(handling_unit="Phòng Người có công", coordinating_units="Lãnh đạo Sở",
                             postal_note="Trường hợp hồ sơ được chuyển qua dịch vụ bưu chính thì thời gian giao, nhận "
                                         "hồ sơ và việc ký nhận thể hiện trong hóa đơn của cơ quan Bưu chính.",
                             source="Mẫu số 05 ban hành kèm theo Thông tư số 01/2018/TT-VPCP",
                             late_text="Bước làm chậm: Phòng Người có công (quá hạn 2 ngày làm việc).")),
    }


A4_PORTRAIT = (Mm(210), Mm(297))
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """Every document written once as .docx and .pdf (real files, read back by the tests)."""
    folder = tmp_path_factory.mktemp("documents")
    out = {}
    for name, document in build_all().items():
        out[name] = {ext: render(document, folder / f"{name}.{ext}") for ext in ("docx", "pdf")}
    return out


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def near(value, expected_mm: float) -> bool:
    return abs(value - Mm(expected_mm)) < Mm(0.2)


@pytest.mark.parametrize("name", ["plan", "monthly_report", "explanation_request", "apology", "reminder",
                                  "control_slip"])
def test_docx_page_is_a4_with_decree_30_margins(rendered, name):
    section = Document(str(rendered[name]["docx"])).sections[0]
    assert near(section.page_width, 210) and near(section.page_height, 297)
    slack = Mm(0.1)  # Word stores margins in twips
    assert Mm(20) - slack <= section.top_margin <= Mm(25) and Mm(20) - slack <= section.bottom_margin <= Mm(25)
    assert Mm(30) - slack <= section.left_margin <= Mm(35) and Mm(15) - slack <= section.right_margin <= Mm(20)
    assert section.different_first_page_header_footer


def _runs(paragraph):
    return [r for r in paragraph.runs if r.text.strip()]


def test_docx_header_block_fonts_and_texts(rendered):
    doc = Document(str(rendered["plan"]["docx"]))
    header = doc.tables[0]
    left, right = header.cell(0, 0), header.cell(0, 1)
    governing, agency = left.paragraphs[0], left.paragraphs[1]
    assert governing.text == "UBND TỈNH BẮC GIANG"
    assert agency.text.replace("\n", " ") == "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    assert [p.text for p in right.paragraphs[:2]] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    expected = [(governing, 13, False), (agency, 13, True), (right.paragraphs[0], 12, True),
                (right.paragraphs[1], 13, True)]
    for paragraph, size, bold in expected:
        for run in _runs(paragraph):
            assert run.font.name == "Times New Roman"
            assert run.font.size.pt == size and bool(run.font.bold) == bold
            fonts = run._r.rPr.find(f"{W_NS}rFonts")
            assert fonts.get(f"{W_NS}eastAsia") == "Times New Roman" and fonts.get(f"{W_NS}cs") == "Times New Roman"
    # the short rules: paragraphs with a top border under the agency and under the motto
    assert left.paragraphs[2]._p.pPr.find(f"{W_NS}pBdr") is not None
    assert right.paragraphs[2]._p.pPr.find(f"{W_NS}pBdr") is not None
    number, dated = header.cell(1, 0).paragraphs[0], header.cell(1, 1).paragraphs[0]
    assert number.text == "Số: 38/KH-SLĐTBXH" and _runs(number)[0].font.size.pt == 13
    assert dated.text == "Bắc Giang, ngày 05 tháng 3 năm 2024"
    assert all(r.font.italic and r.font.size.pt == 14 for r in _runs(dated))
    title = next(p for p in doc.paragraphs if p.text == "KẾ HOẠCH")
    assert all(r.font.bold and r.font.size.pt == 14 for r in _runs(title))
    body = next(p for p in doc.paragraphs if p.text.startswith("Trong thời gian qua"))
    assert body.paragraph_format.first_line_indent == Mm(12.7)
    assert _runs(body)[0].font.size.pt == 14
    assert "Sở Lao động - Thương binh và Xã hội" in next(p.text for p in doc.paragraphs if p.text.startswith("Nâng cao"))


def test_docx_foot_has_noi_nhan_and_signature(rendered):
    doc = Document(str(rendered["plan"]["docx"]))
    foot = next(t for t in doc.tables if t.cell(0, 0).paragraphs[0].text == "Nơi nhận:")
    label = _runs(foot.cell(0, 0).paragraphs[0])[0]
    assert label.font.bold and label.font.italic and label.font.size.pt == 12
    lines = [p.text for p in foot.cell(0, 0).paragraphs[1:]]
    assert lines[-1] == "- Lưu: VT, VP." and all(_runs(p)[0].font.size.pt == 11 for p in foot.cell(0, 0).paragraphs[1:])
    right = [p.text for p in foot.cell(0, 1).paragraphs if p.text]
    assert right == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Văn Hà"]


def test_docx_page_numbers_from_page_two_and_landscape_appendix(rendered):
    doc = Document(str(rendered["plan"]["docx"]))
    body, appendix = doc.sections
    assert body.first_page_header.paragraphs[0].text == ""
    instr = body.header._element.xpath(".//w:instrText")
    assert [i.text.strip() for i in instr] == ["PAGE"]
    assert _runs(body.header.paragraphs[0])[0].font.size.pt == 13
    assert body.header.paragraphs[0].alignment == 1  # centred
    assert near(appendix.page_width, 297) and near(appendix.page_height, 210)
    assert appendix.orientation == 1 and appendix.different_first_page_header_footer
    assert appendix._sectPr.find(f"{W_NS}pgNumType").get(f"{W_NS}start") == "1"
    table = doc.tables[-1]
    assert len(table.columns) == 6
    assert [c.text for c in table.rows[0].cells] == ["TT", "Nội dung, nhiệm vụ cụ thể", "Đơn vị chủ trì",
                                                     "Đơn vị phối hợp", "Thời gian hoàn thành", "Ghi chú"]
    assert table.rows[0]._tr.trPr.find(f"{W_NS}tblHeader") is not None
    section_row = table.rows[1]
    assert section_row.cells[0].text == "I" and section_row.cells[1].text == "Tham mưu ban hành văn bản QPPL"
    assert section_row._tr.xpath("./w:tc[2]/w:tcPr/w:gridSpan")[0].get(f"{W_NS}val") == "5"
    assert _runs(section_row.cells[1].paragraphs[0])[0].font.bold
    assert any(r.cells[0].text == "A" for r in table.rows)
    assert _runs(table.rows[2].cells[1].paragraphs[0])[0].font.size.pt == 12
    texts = [p.text for p in doc.paragraphs]
    assert "PHỤ LỤC" in texts
    assert "(Kèm theo Kế hoạch số 38/KH-SLĐTBXH ngày 05 tháng 3 năm 2024 của Sở Lao động - Thương binh và Xã hội)" in texts


def test_docx_footnotes_of_the_plan(rendered):
    doc = Document(str(rendered["plan"]["docx"]))
    refs = doc.element.body.xpath(".//w:footnoteReference")
    assert len(refs) == 6
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/footnotes"))
    assert "ISO 90001:2015" in part.blob.decode("utf-8")   # the source's typo, kept and listed for the clerk


def test_docx_statistics_table_has_13_columns_and_merged_header(rendered):
    doc = Document(str(rendered["monthly_report"]["docx"]))
    stats = next(t for t in doc.tables if len(t.columns) == 13)
    assert doc.sections[-1].orientation == 1
    header_rows = [r for r in stats.rows if r._tr.trPr.find(f"{W_NS}tblHeader") is not None]
    assert len(header_rows) == 4
    assert [c.text for c in stats.rows[3].cells] == [f"({i})" for i in range(1, 14)]
    assert stats.rows[0].cells[2].text == "Số hồ sơ nhận giải quyết"
    assert stats.rows[0].cells[6].text == stats.rows[0].cells[12].text == "Kết quả giải quyết"  # merged
    total = stats.rows[-1]
    assert total.cells[0].text == "Tổng cộng" and total.cells[2].text == "1.370"
    assert _runs(total.cells[2].paragraphs[0])[0].font.bold


def test_docx_cong_van_has_vv_and_kinh_gui(rendered):
    doc = Document(str(rendered["explanation_request"]["docx"]))
    left = doc.tables[0].cell(1, 0).paragraphs
    assert left[0].text.startswith("Số:") and left[0].text.endswith("/SLĐTBXH-VP")
    assert left[1].text == "V/v đề nghị giải trình hồ sơ TTHC quá hạn" and _runs(left[1])[0].font.size.pt == 12
    assert "Kính gửi: Trưởng phòng Người có công" in [p.text for p in doc.paragraphs]
    dossiers = doc.tables[-1]   # the list is a landscape appendix
    assert doc.sections[-1].orientation == 1
    assert len(dossiers.columns) == 9 and len(dossiers.rows) == 5
    assert [r.cells[1].text for r in dossiers.rows[1::2]] == [
        "Hồ sơ đã kết thúc nhưng quá hạn (1 hồ sơ)", "Hồ sơ chưa có kết quả, đã quá hạn (1 hồ sơ)"]
    assert dossiers.rows[4].cells[7].text == "" and dossiers.rows[4].cells[6].text == ""


def test_pdf_text_extracts_as_nfc_vietnamese(rendered):
    text = pdf_text(rendered["plan"]["pdf"])
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Bắc Giang, ngày 05 tháng 3 năm 2024", "Số: 38/KH-SLĐTBXH", "KẾ HOẠCH", "UBND TỈNH BẮC GIANG",
                     "I. MỤC ĐÍCH, YÊU CẦU", "IV. TỔ CHỨC THỰC HIỆN", "Nơi nhận:", "- Lưu: VT, VP.", "KT. GIÁM ĐỐC",
                     "PHÓ GIÁM ĐỐC", "Trần Văn Hà", "PHỤ LỤC", "Tháng 12/2024", "Thường xuyên"):
        assert expected in text, expected
    assert "La động" not in text and "Sở Lao động - Thương binh và Xã hội" in text
    import unicodedata
    assert unicodedata.normalize("NFC", text) == text


@pytest.mark.parametrize("name", ["plan", "plan_draft", "monthly_report", "explanation_request", "apology",
                                  "reminder", "control_slip"])
def test_pdf_fonts_are_all_embedded(rendered, name):
    out = subprocess.run(["pdffonts", str(rendered[name]["pdf"])], check=True, capture_output=True,
                         text=True).stdout.splitlines()[2:]
    assert out, "no fonts listed"
    for line in out:
        assert line.split()[-5] == "yes", line  # the "emb" column


def _first_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip())


def test_pdf_page_numbers_and_landscape_appendix(rendered):
    path = rendered["plan"]["pdf"]
    pages = PdfReader(str(path)).pages
    landscape = [i for i, p in enumerate(pages, start=1) if p.mediabox.width > p.mediabox.height]
    assert len(pages) >= 4 and landscape and landscape == list(range(landscape[0], len(pages) + 1))
    assert _first_line(pdf_text(path, 1)) == "UBND TỈNH BẮC GIANG"  # nothing above the header on page 1
    assert _first_line(pdf_text(path, 2)) == "2"
    assert _first_line(pdf_text(path, landscape[0] - 1)) == str(landscape[0] - 1)
    assert _first_line(pdf_text(path, landscape[0])) == "PHỤ LỤC"  # the appendix numbers its own pages
    if len(landscape) > 1:
        assert _first_line(pdf_text(path, landscape[1])) == "2"


def test_pdf_footnotes_sit_on_the_page_that_cites_them(rendered):
    path = rendered["plan"]["pdf"]
    for cited, note in (("kế hoạch tổ chức thực hiện các lĩnh vực", "Kế hoạch kiểm soát TTHC, kế hoạch theo dõi"),
                        ("Nghị định số 60/2021/NĐ-CP", "quy định cơ chế tự chủ tài chính")):
        pages = [i for i in range(1, 7) if cited in pdf_text(path, i).replace("\n", " ")]
        assert pages, cited
        assert note in pdf_text(path, pages[0]).replace("\n", " ")


def test_draft_plan_leaves_number_and_date_blank(rendered):
    text = pdf_text(rendered["plan_draft"]["pdf"])
    assert "Bắc Giang, ngày … tháng … năm …" in text
    assert re.search(r"Số:\s+/KH-SLĐTBXH", text)
    assert "(Kèm theo Kế hoạch số …/KH-SLĐTBXH ngày … tháng … năm … của Sở Lao động" in text.replace("\n", " ")
    doc = Document(str(rendered["plan_draft"]["docx"]))
    assert doc.tables[0].cell(1, 1).paragraphs[0].text == "Bắc Giang, ngày … tháng … năm …"


def test_other_documents_read_back(rendered):
    report = pdf_text(rendered["monthly_report"]["pdf"])
    assert "VĂN PHÒNG SỞ" in report and "Số: 05/BC-VP" in report and "BÁO CÁO" in report
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC" in report
    assert "1.370" in report and "99,2%" in report.replace("\n", " ")
    apology = pdf_text(rendered["apology"]["pdf"])
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in apology
    assert "16 giờ 00 phút, ngày 28/02/2024" in apology.replace("\n", " ")
    assert "Số: 03/PXL-SLĐTBXH" in apology and "Bắc Giang, ngày 20 tháng 02 năm 2024" in apology
    reminder = pdf_text(rendered["reminder"]["pdf"])
    assert "V/v đôn đốc thực hiện nhiệm vụ cải cách hành chính" in reminder.replace("\n", " ")
    assert "Kính gửi: Phòng Người có công" in reminder
    slip = pdf_text(rendered["control_slip"]["pdf"])
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in slip and "Quá hạn" in slip
    assert "Số:" not in slip and "Nơi nhận" not in slip
    slip_doc = Document(str(rendered["control_slip"]["docx"]))
    assert len(slip_doc.tables[0].rows) == 1  # no number/date row in a form without them


def test_unknown_suffix_is_refused_in_vietnamese(tmp_path):
    with pytest.raises(InvalidInput, match="chỉ hỗ trợ định dạng .docx"):
        render(build_all()["apology"], tmp_path / "phieu.odt")
    assert list(tmp_path.iterdir()) == []


def test_inconsistent_statistics_are_refused():
    bad = dict(STATS[0], received_total=1)
    with pytest.raises(InvalidInput, match="không khớp"):
        build_monthly_report(ORG, SIGNER, PERIOD, [], [], [bad], [])


def test_apology_needs_a_later_appointment():
    with pytest.raises(InvalidInput, match="hẹn trả mới"):
        build_apology(ORG, SIGNER, DOSSIER, "Lý do", DOSSIER.due)


def _long_overdue_list() -> list[OverdueExplanation]:
    """250 overdue dossiers of three units and two procedures each: a list long enough to span pages."""
    units = ["Phòng Lao động – Việc làm", "Phòng Người có công", "Phòng Bảo trợ xã hội"]
    procedures = ["Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
                  "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ"]
    return [OverdueExplanation(f"000.00.18.H06-240{i % 9 + 1:02d}1-{i:05d}", procedures[i % 2], units[i % 3], i % 40 + 1,
                               "Cán bộ thụ lý nghỉ ốm" if i % 5 == 0 else "", due=datetime(2024, 3, 1, 9, 30),
                               closed=None if i % 2 else datetime(2024, 3, 5, 14, 0), applicant=f"Nguyễn Văn {i}")
            for i in range(250)]


def test_long_overdue_list_is_grouped_by_unit_and_procedure_on_landscape_pages(tmp_path):
    items = sorted(_long_overdue_list(), key=lambda x: (x.unit, x.procedure, x.code))
    document = build_monthly_report(ORG, SIGNER, PERIOD, [], [], STATS, items)
    assert [a.label for a in document.appendices] == ["PHỤ LỤC I", "PHỤ LỤC II"]
    pdf = render(document, tmp_path / "bc.pdf")
    pages = PdfReader(str(pdf)).pages
    appendix = [i for i in range(1, len(pages) + 1) if "DANH SÁCH HỒ SƠ TTHC QUÁ HẠN" in pdf_text(pdf, i)][0]
    later = list(range(appendix + 1, len(pages) + 1))
    assert len(later) >= 3
    for page in [appendix, *later]:
        text = pdf_text(pdf, page)
        assert pages[page - 1].mediabox.width > pages[page - 1].mediabox.height
        assert "Mã hồ sơ" in text and "Nội dung giải trình" in text   # the header row repeats
    whole = " ".join(pdf_text(pdf, appendix, len(pages)).split())
    assert "I Phòng Bảo trợ xã hội (83 hồ sơ)" in whole and "III Phòng Người có công (83 hồ sơ)" in whole
    assert "Thủ tục: Giải quyết chế độ trợ cấp thờ cúng liệt sĩ" in whole
    assert all(x.code in whole for x in items)
    assert "Chưa có kết quả" in whole and "Cán bộ thụ lý nghỉ ốm" in whole

    docx = render(document, tmp_path / "bc.docx")
    table = Document(str(docx)).tables[-1]
    assert len(table.rows) == 1 + 3 + 6 + 250
    assert table.rows[1].cells[1].text == "Phòng Bảo trợ xã hội (83 hồ sơ)"
    assert table.rows[1]._tr.xpath("./w:tc[2]/w:tcPr/w:gridSpan")[0].get(f"{W_NS}val") == "6"
    applicant, due = [c.text for c in table.rows[3].cells][2:4]
    assert applicant.startswith("Nguyễn Văn ") and due == "01/03/2024 09:30"


def test_monthly_report_without_overdue_dossiers_has_one_appendix():
    clean = [dict(row, resolved_late=0, resolved_on_time=row["resolved_on_time"] + row["resolved_late"],
                  pending_overdue=0, pending_within_time=row["pending_total"]) for row in STATS]
    document = build_monthly_report(ORG, SIGNER, PERIOD, [], [], clean, [])
    assert [a.label for a in document.appendices] == ["PHỤ LỤC"]
    flat = " ".join(b.text if isinstance(b.text, str) else "".join(r.text for r in b.text)
                    for b in document.body if hasattr(b, "text"))
    assert "Trong kỳ không có hồ sơ TTHC quá hạn." in flat and "tại Phụ lục kèm theo" in flat


def test_control_slip_follows_the_one_stop_form():
    """Mẫu số 05 (Thông tư 01/2018/TT-VPCP): handling and coordinating units above the table; each row
    "1. Giao / 2. Nhận", the moment, giver and receiver signature spaces, the result and a note."""
    document = build_all()["control_slip"]
    table = next(b for b in document.body if hasattr(b, "header"))
    assert [c.text for c in table.header[0].cell_list()] == [
        "TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ", "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ đúng hạn/ quá hạn)",
        "GHI CHÚ"]
    assert [c.text for c in table.header[1].cell_list()] == [
        "Thời điểm", "Người giao (ký, ghi rõ họ tên)", "Người nhận (ký, ghi rõ họ tên)"]
    first, late, back = (row.cell_list() for row in table.rows)
    assert first[0].text == "1. Giao: Bộ phận Một cửa\n2. Nhận: Phòng Người có công"
    assert first[1].text == "09 giờ 30 phút\nngày 07/02/2024" and first[2].text.endswith("Nguyễn Thị Mai")
    assert late[4].text.startswith("Quá hạn 2 ngày làm việc\n(hạn: 17 giờ 00 phút")
    assert back[0].text == "1. Giao: Bộ phận Một cửa\n2. Nhận: Trần Thị Hoa" and back[1].text == ""
    texts = [b.text if isinstance(b.text, str) else "".join(r.text for r in b.text)
             for b in document.body if hasattr(b, "text")]
    assert "Cơ quan (bộ phận) giải quyết hồ sơ: Phòng Người có công" in texts
    assert "Cơ quan (bộ phận) phối hợp giải quyết hồ sơ: Lãnh đạo Sở" in texts
    assert any(t.startswith("Ghi chú: Trường hợp hồ sơ được chuyển qua dịch vụ bưu chính") for t in texts)
    assert "Bước làm chậm: Phòng Người có công (quá hạn 2 ngày làm việc)." in texts
