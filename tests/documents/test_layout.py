"""Page layout read back from the files: tables that break well, Word's line metrics in the PDF, and the
.docx converted by LibreOffice paginating like the app's own PDF."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from par_desktop.documents.builders import OverdueExplanation, build_monthly_report
from par_desktop.documents.model import Heading, OfficialDocument, Paragraph, Row, Table
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


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, tuple[Path, Path, list[str]]]:
    """Each document as the app's PDF, LibreOffice's PDF of the app's .docx, and its headings."""
    soffice = _soffice()
    folder = tmp_path_factory.mktemp("libreoffice")
    documents = {**build_all(), "long_report": _with_long_overdue_list()}
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
