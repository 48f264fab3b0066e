"""Page layout read back from the files: tables that break well, Word's line metrics in the PDF, and the
.docx converted by LibreOffice paginating like the app's own PDF."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from par_desktop.documents.builders import OverdueExplanation, build_monthly_report
from par_desktop.documents.model import Appendix, Cell, Header, Heading, OfficialDocument, Paragraph, Row, Spacer, Table
from par_desktop.documents import render as L
from par_desktop.documents.render import render

from test_documents import ORG, PERIOD, SIGNER, STATS, build_all

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
UNITS = ["Phòng Lao động - Việc làm", "Phòng Người có công", "Phòng Bảo trợ xã hội"]


def page_lines(path: Path) -> list[list[str]]:
    """The non-empty text lines of every page (pdftotext -layout), the page-number line left out."""
    count = len(PdfReader(str(path)).pages)
    pages = []
    for page in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(path),
                               "-"], check=True, capture_output=True, text=True).stdout
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        if lines and lines[0].isdigit():
            lines = lines[1:]
        pages.append(lines)
    return pages


def _overdue(first_unit: int) -> list[OverdueExplanation]:
    """``first_unit`` overdue dossiers of the first unit, then 4 and 3 of the others (two procedures)."""
    out = []
    for unit, count in zip(UNITS, (first_unit, 4, 3)):
        for i in range(count):
            out.append(OverdueExplanation(
                f"000.00.18.H06-2406{i % 28 + 1:02d}-{len(out):05d}", ["Đăng ký nội quy lao động",
                                                                        "Cấp giấy phép lao động"][i % 2],
                unit, i + 1, "", due=datetime(2024, 6, 3, 9, 30), closed=None, applicant=f"Nguyễn Văn {len(out)}"))
    return sorted(out, key=lambda x: (UNITS.index(x.unit), x.procedure, x.code))


_GROUP = re.compile(r"^(?:[IVX]+ )?(?:Phòng .* \(\d+ hồ sơ\)|Thủ tục: .*)$")


@pytest.fixture(scope="module")
def overdue_variants(tmp_path_factory) -> list[list[list[str]]]:
    """The list of overdue dossiers (Phụ lục II of the monthly report) for 14 lengths of the first unit's
    group, so that in some of them a group heading would fall on the last line of a page."""
    folder = tmp_path_factory.mktemp("variants")
    variants = []
    for n in range(14, 28):
        document = build_monthly_report(ORG, SIGNER, PERIOD, [], [], STATS, _overdue(n))
        pages = page_lines(render(document, folder / f"bc-{n}.pdf"))
        first = next(i for i, lines in enumerate(pages) if "DANH SÁCH HỒ SƠ TTHC QUÁ HẠN VÀ NỘI DUNG GIẢI TRÌNH" in lines)
        variants.append(pages[first:])
    return variants


def test_a_group_heading_never_ends_a_page(overdue_variants):
    moved = 0
    for pages in overdue_variants:
        for lines, following in zip(pages, pages[1:]):
            assert not _GROUP.match(lines[-1]), lines[-1]
            body = following[following.index(next(x for x in following if x.startswith("TT "))) + 1:]
            body = [x for x in body if x not in ("quá hạn",)]   # the header's second line
            moved += bool(body) and bool(_GROUP.match(body[0]))
    assert moved, "no variant put a group heading at a page break: the test proves nothing"


def test_rows_never_split_and_the_header_repeats(overdue_variants):
    for pages in overdue_variants:
        for lines in pages[1:]:
            assert any(x.startswith("TT Mã hồ sơ") for x in lines)
        for lines in pages:
            numbered = [x for x in lines if re.match(r"^\d+ 000\.00\.18\.H06-", x)]
            # a dossier row is one line here: when it starts on a page its code, applicant and days do too
            assert all(re.search(r"Nguyễn Văn \d+ .* \d+ Chưa có giải trình$", x) for x in numbered), numbered


def test_docx_keeps_headers_and_group_headings_with_the_next_row(tmp_path):
    document = build_monthly_report(ORG, SIGNER, PERIOD, [], [], STATS, _overdue(5))
    table = Document(str(render(document, tmp_path / "bc.docx"))).tables[-1]
    for i, row in enumerate(table.rows):
        trpr = row._tr.trPr
        assert trpr.find(f"{W_NS}cantSplit") is not None
        keeps = [p._p.pPr.find(f"{W_NS}keepNext") is not None for p in (c.paragraphs[0] for c in row.cells)]
        text = row.cells[1].text
        if i == 0:
            assert all(keeps) and trpr.find(f"{W_NS}tblHeader") is not None
        elif text.startswith(("Phòng ", "Thủ tục:")):
            assert all(keeps), text
        else:
            assert not any(keeps), text


def test_docx_paragraph_introducing_a_table_keeps_with_it(tmp_path):
    document = build_monthly_report(ORG, SIGNER, PERIOD, [], [], STATS, _overdue(5))
    doc = Document(str(render(document, tmp_path / "bc.docx")))
    body = doc.element.body
    for table in doc.tables[1:]:
        before = table._tbl.getprevious()
        if before is not None and before.tag == f"{W_NS}p" and "".join(before.itertext()).strip():
            assert before.pPr.find(f"{W_NS}keepNext") is not None, "".join(before.itertext())
    intro = next(p for p in doc.paragraphs if p.text.startswith("Trong kỳ có"))
    assert intro.paragraph_format.keep_with_next and intro._p.getnext().tag == f"{W_NS}tbl"
    assert body[0].tag == f"{W_NS}p" and not "".join(body[0].itertext())   # the 1 pt line before the header


def _heading_then_table(lines_before: int) -> OfficialDocument:
    """A body of ``lines_before`` lines, then a heading, the paragraph introducing a table, and the table."""
    rows = [Row([str(i), f"Phòng số {i}", "1", "2"]) for i in range(1, 9)]
    table = Table(widths=[6, 50, 12, 12], header=[Row(["TT", "Phòng, đơn vị", "Đúng hạn", "Quá hạn"])], rows=rows)
    document = build_all()["reminder"]
    document.body = [Paragraph("\n".join(f"Dòng thứ {i} của nội dung." for i in range(1, lines_before + 1))),
                     Heading("2. Nhiệm vụ có nguy cơ chậm"),
                     Paragraph("Số nhiệm vụ của từng phòng, đơn vị như sau:"), table, Paragraph("Kết thúc./.")]
    document.noi_nhan, document.signature = [], None
    return document


def test_a_heading_and_its_introduction_stay_with_the_first_rows(tmp_path):
    moved = tight = 0
    for n in range(20, 36):
        pages = page_lines(render(_heading_then_table(n), tmp_path / f"h{n}.pdf"))
        for i, lines in enumerate(pages):
            if "2. Nhiệm vụ có nguy cơ chậm" in lines:
                at = lines.index("2. Nhiệm vụ có nguy cơ chậm")
                assert lines[at + 1:at + 4] == ["Số nhiệm vụ của từng phòng, đơn vị như sau:",
                                                "TT Phòng, đơn vị Đúng hạn Quá hạn", "1 Phòng số 1 1 2"], n
                moved += i > 0 and at == 0
                # when the first rows fit below the heading, the table starts there and goes on over the
                # page (as in Word), instead of leaving the foot of the page empty
                tight += at > 0 and len(pages) > i + 1 and any(x.startswith("TT Phòng") for x in pages[i + 1])
    assert moved and tight, (moved, tight)


def _baselines(path: Path, page: int) -> list[float]:
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                         check=True, capture_output=True, text=True).stdout
    return sorted({round(float(m), 1) for m in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" '
                                                            r'yMax="([\d.]+)">', out)})


def test_body_lines_are_words_1_15_lines(tmp_path):
    """14 pt at "Multiple 1.15": 14 × 1.15 (Times New Roman's single line) × 1.15 = 18.5 pt, as in Word."""
    pdf = render(build_all()["plan"], tmp_path / "kh.pdf")
    gaps = [round(b - a, 1) for a, b in zip(_baselines(pdf, 2), _baselines(pdf, 2)[1:])]
    assert gaps.count(18.5) > 20, gaps
    doc = Document(str(render(build_all()["plan"], tmp_path / "kh.docx")))
    body = next(p for p in doc.paragraphs if p.text.startswith("Trong thời gian qua"))
    assert body.paragraph_format.line_spacing == 1.15


# ---- the .docx as LibreOffice lays it out -------------------------------------------------------------

def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is missing: .ci/run installs libreoffice-writer-nogui")
        pytest.skip("LibreOffice not installed")
    return found


def _with_long_overdue_list() -> OfficialDocument:
    return build_monthly_report(ORG, SIGNER, PERIOD, [], [], STATS, _overdue(40), number=7,
                                issue_date=date(2024, 3, 15))


def _report_to_an_agency() -> OfficialDocument:
    """A report with a subject and a "Kính gửi" line (the self-assessment report to the Sở Nội vụ)."""
    body = [Paragraph("Thực hiện hướng dẫn của Sở Nội vụ, Sở báo cáo kết quả tự đánh giá như sau: " * 3),
            Heading("I. KẾT QUẢ TỰ ĐÁNH GIÁ"), Paragraph("Tổng điểm tự đánh giá: 14,5/50 điểm. " * 4)]
    # The appendix's narrow columns: "tự đánh" fills the 15 mm column to the twip (36.86 pt).
    header = Row(["Mã", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá", "Giải trình",
                  "Tài liệu kiểm chứng"])
    rows = [Row([f"1.{i}", "Ban hành kế hoạch CCHC năm kịp thời", "0,5", "0,5", "Ban hành ngày 15/01/2024",
                 "- Kế hoạch cải cách hành chính năm 2024 của Sở"]) for i in range(1, 6)]
    table = Table(widths=[9, 60, 11, 12, 50, 58], header=[header], rows=rows, font_size=11)
    return OfficialDocument(header=Header("UBND TỈNH BẮC GIANG", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"),
                            number_text="Số: 12/BC-SLĐTBXH", place="Bắc Giang", kind="BÁO CÁO",
                            subject="Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2024",
                            recipients_to=["Sở Nội vụ tỉnh Bắc Giang"], body=body,
                            appendices=[Appendix("PHỤ LỤC", "BẢNG TỰ ĐÁNH GIÁ", landscape=True, blocks=[table])])


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, tuple[Path, Path, list[str]]]:
    """Each document as the app's PDF, LibreOffice's PDF of the app's .docx, and its headings."""
    soffice = _soffice()
    folder = tmp_path_factory.mktemp("libreoffice")
    documents = {**build_all(), "long_report": _with_long_overdue_list(), "report_to": _report_to_an_agency()}
    docx = [render(document, folder / f"{name}.docx") for name, document in documents.items()]
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to", "pdf",
                    "--outdir", str(folder / "lo"), *map(str, docx)], check=True, capture_output=True, timeout=300)
    return {name: (render(document, folder / f"{name}.pdf"), folder / "lo" / f"{name}.pdf",
                   [" ".join(_text(b.text).split()) for b in document.body if isinstance(b, Heading)])
            for name, document in documents.items()}


def _text(text) -> str:
    return text if isinstance(text, str) else "".join(getattr(part, "text", "") for part in text)


def first_lines(ours: list[list[str]], theirs: list[list[str]], headings: list[str]) -> list[str]:
    """LibreOffice's first line of each page, read as Word would lay the page out: LibreOffice 7.4 leaves
    a "keep with next" heading alone at the foot of a page when the paragraph after it moves to the next
    one (Word, and the app's PDF, move the heading with it). Such a heading, when the app's PDF opens the
    next page with it and LibreOffice opens it with the line after it, counts as opening that page."""
    out = []
    for i, lines in enumerate(theirs):
        first = lines[0]
        if i > 0 and i < len(ours) and ours[i][0] in headings and theirs[i - 1][-1] == ours[i][0] \
                and len(ours[i]) > 1 and first == ours[i][1]:
            first = ours[i][0]
        out.append(first)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["plan", "plan_draft", "monthly_report", "long_report", "explanation_request",
                                  "apology", "reminder", "control_slip"])
def test_libreoffice_paginates_the_docx_like_the_app_pdf(converted, name):
    pdf, libreoffice, headings = converted[name]
    ours, theirs = page_lines(pdf), page_lines(libreoffice)
    assert len(theirs) == len(ours)
    assert first_lines(ours, theirs, headings) == [lines[0] for lines in ours]
    orientation = [[page.mediabox.width > page.mediabox.height for page in PdfReader(str(path)).pages]
                   for path in (pdf, libreoffice)]
    assert orientation[0] == orientation[1]


@pytest.mark.slow
def test_libreoffice_keeps_the_header_at_the_top_margin_with_footnotes(converted):
    """A body starting with the header table made LibreOffice add an empty line above it (8.6 mm) when
    the document has footnotes, as the plan has."""
    ours, theirs = (_baselines(path, 1)[0] for path in converted["plan"][:2])
    assert abs(ours - theirs) < 2.5, (ours, theirs)


def _row_tops(path: Path, page: int) -> list[float]:
    """The baseline of each dossier row (its code, "000.00…") on a page of the list."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                         check=True, capture_output=True, text=True).stdout
    return sorted(float(m) for m in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" '
                                               r'yMax="([\d.]+)">000\.00\.', out))


@pytest.mark.slow
def test_libreoffice_table_rows_are_as_tall_as_the_app_pdf(converted):
    """A table row is as tall in LibreOffice's layout of the .docx as in the app's PDF: each row also takes
    the width of the rule above it (0.5 pt), so 40 rows no longer drift 20 pt apart and end a page on
    another row."""
    pdf, libreoffice, _ = converted["long_report"]
    pages = len(PdfReader(str(pdf)).pages)
    compared = 0
    for page in range(1, pages + 1):
        ours, theirs = _row_tops(pdf, page), _row_tops(libreoffice, page)
        assert len(ours) == len(theirs), page
        if len(ours) < 2:
            continue
        drift = [round((b - ours[0]) - (a - theirs[0]), 1) for a, b in zip(theirs, ours)]
        assert max(map(abs, drift)) <= 0.5, (page, drift)
        compared += len(ours)
    assert compared >= 40


def _appendix_ending_with_a_table(space_before: float) -> OfficialDocument:
    """A report whose landscape appendix ends with a table, pushed down by ``space_before`` points."""
    rows = [Row([str(i), f"000.00.18.H06-2406{i:02d}-{i:05d}", "Cấp giấy phép lao động", "Nguyễn Văn A", "3"])
            for i in range(1, 24)]
    table = Table(widths=[5, 25, 40, 20, 10], header=[Row(["TT", "Mã hồ sơ", "Thủ tục", "Người nộp", "Số ngày"])],
                  rows=rows, font_size=11)
    return OfficialDocument(header=Header("UBND TỈNH BẮC GIANG", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"),
                            number_text="Số: 07/BC-VP", place="Bắc Giang", kind="BÁO CÁO", subject="Danh sách",
                            body=[Paragraph("Danh sách tại Phụ lục kèm theo.")],
                            appendices=[Appendix("PHỤ LỤC", "DANH SÁCH HỒ SƠ", landscape=True,
                                                 blocks=[Spacer(space_before), table])])


@pytest.mark.slow
def test_a_table_ending_the_document_near_the_foot_of_a_page_opens_no_empty_page(tmp_path):
    """Word needs a paragraph after a table; one 6.9 pt tall after a table ending 6–7 pt above the bottom
    margin opened a page holding only its number in Word and LibreOffice, not in the app's PDF. The
    paragraph is now 1 pt in both."""
    soffice = _soffice()
    spaces = [16.0, 16.5, 17.0, 17.5, 18.0, 18.5]
    docx = [render(_appendix_ending_with_a_table(s), tmp_path / f"pl-{s}.docx") for s in spaces]
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "lo"), *map(str, docx)], check=True, capture_output=True, timeout=300)
    for space in spaces:
        ours = page_lines(render(_appendix_ending_with_a_table(space), tmp_path / f"pl-{space}.pdf"))
        theirs = page_lines(tmp_path / "lo" / f"pl-{space}.pdf")
        assert len(theirs) == len(ours), space
        assert all(lines for lines in ours + theirs), space     # no page with nothing but its number


def _words(path: Path, page: int) -> list[tuple[str, float, float]]:
    """(text, left, bottom) of every word of a page."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                         check=True, capture_output=True, text=True).stdout
    return [(text, float(x), float(y)) for x, y, text in
            re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', out)]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["plan", "monthly_report", "long_report", "explanation_request", "reminder",
                                  "report_to"])
def test_libreoffice_puts_every_line_where_the_app_pdf_does(converted, name):
    """Beyond the first line of each page: every word LibreOffice lays out stands within 2.5 pt of where
    the app's PDF draws it, on every page (rules under titles, the space before the signature block,
    table rows and the space after tables are as tall in both). A word is matched with the same word
    nearest to it in the other layout; a page may move as a whole (a heading LibreOffice leaves at the
    foot of the page before, see ``first_lines``)."""
    pdf, libreoffice, headings = converted[name]
    our_lines, their_lines = page_lines(pdf), page_lines(libreoffice)
    for page in range(1, len(our_lines) + 1):
        # Page numbers (in the top margin) and one-character words (superscript footnote marks, drawn a
        # few points apart by design) are left out.
        ours, theirs = ([w for w in _words(path, page) if len(w[0]) > 1 and w[2] > L.MARGIN_TOP * L.MM]
                        for path in (pdf, libreoffice))
        first = our_lines[page - 1][0]
        if page > 1 and first in headings and their_lines[page - 2][-1] == first:   # see first_lines
            top = min(y for _, _, y in ours)
            ours = [w for w in ours if w[2] > top + 1]
        candidates = [[ty - y for t, tx, ty in theirs if t == text and abs(tx - x) < 4] for text, x, y in ours]
        page_shift = statistics.median(near[0] for near in candidates if len(near) == 1)
        shifts = [min(near, key=lambda s: abs(s - page_shift)) for near in candidates if near]
        assert len(shifts) >= 0.97 * len(ours), (page, len(shifts), len(ours))
        assert max(shifts) - min(shifts) <= 2.5, (page, min(shifts), max(shifts))


def _table_with_total(space_before: float) -> OfficialDocument:
    rows = [Row([str(i), f"Phòng số {i}", str(i), str(2 * i)]) for i in range(1, 32)]
    rows.append(Row([Cell("Tổng cộng", colspan=2, align="center"), "496", "992"], bold=True))
    table = Table(widths=[8, 52, 20, 20], header=[Row(["TT", "Phòng, đơn vị", "Đã giải quyết", "Đang giải quyết"])],
                  rows=rows, font_size=12, align=["center", "left", "center", "center"])
    return OfficialDocument(header=Header("UBND TỈNH BẮC GIANG", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"),
                            number_text="Số: 07/BC-VP", place="Bắc Giang", kind="BÁO CÁO", subject="Số liệu",
                            body=[Spacer(space_before), table])


def test_a_total_row_never_opens_a_page_alone(tmp_path):
    """"Tổng cộng" stays with the row before it: never alone under the repeated header of a new page."""
    moved = 0
    for space in range(1, 40, 3):
        pages = page_lines(render(_table_with_total(space), tmp_path / f"t-{space}.pdf"))
        page = next(lines for lines in pages if any(line.startswith("Tổng cộng") for line in lines))
        total = next(i for i, line in enumerate(page) if line.startswith("Tổng cộng"))
        assert total > 0 and page[total - 1].startswith("31 Phòng số 31"), (space, page[:3])
        moved += page[0].startswith("TT")
    assert moved, "no length put the total at the top of a page"
    doc = Document(str(render(_table_with_total(1), tmp_path / "t.docx")))
    last_rows = doc.tables[-1].rows[-2:]
    assert [all(p.paragraph_format.keep_with_next for c in r.cells for p in c.paragraphs) for r in last_rows] == [
        True, False]


def test_the_self_assessment_keeps_each_area_and_criterion_with_its_first_part(demo_db, tmp_path):
    """The self-assessment table's areas and criteria are headings of the rows under them."""
    from par_desktop.services import documents as D

    document = D.build(D.DocRequest("self_assessment", year=2024))
    table = next(b for a in document.appendices for b in a.blocks if isinstance(b, Table))
    codes = [row.cells[0] for row in table.rows]
    kept = table.kept_with_next()
    assert any(kept) and not all(kept)
    docx = Document(str(render(document, tmp_path / "tu-danh-gia.docx")))
    rows = docx.tables[-1].rows[1:]
    assert [all(p.paragraph_format.keep_with_next for c in r.cells for p in c.paragraphs) for r in rows] == kept
    # a row is kept with the next exactly when the next one is deeper in the set (its first part)
    levels = [len(c.split(".")) if c[:1].isdigit() else 0 for c in codes]
    assert kept[:-1] == [b > a for a, b in zip(levels, levels[1:])], list(zip(codes, kept))
