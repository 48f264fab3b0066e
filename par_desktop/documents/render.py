"""Render an OfficialDocument to .docx or .pdf, and the Decree 30 geometry both renderers share.

Sizes are in points, lengths in millimetres unless the name says otherwise. Keeping them here means
the DOCX a clerk edits in Word and the PDF the app previews and prints look the same.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reportlab.lib.utils import simpleSplit

from par_desktop.documents.fonts import register_pdf_fonts, single_line_em, text_width
from par_desktop.documents.model import Header, OfficialDocument
from par_desktop.errors import InvalidInput

MM = 72 / 25.4  # points per millimetre

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20.0, 20.0, 30.0, 15.0
PAGE_NUMBER_FROM_TOP = 10.0  # top of the page-number line, inside the top margin

# Header block: slightly wider than the text (5 mm into the left margin) so that
# "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and "SỞ LAO ĐỘNG - THƯƠNG BINH" each fit on one line.
HEADER_LEFT_W, HEADER_RIGHT_W, HEADER_SHIFT = 75.0, 95.0, 5.0
FOOT_LEFT_SHARE = 0.45  # "Nơi nhận" column share of the text width

SIZE_GOVERNING = 13.0
SIZE_AGENCY = 13.0
SIZE_NUMBER = 13.0
SIZE_NATION = 12.0
SIZE_MOTTO = 13.0
SIZE_DATE = 14.0
SIZE_VV = 12.0
SIZE_TITLE = 14.0
SIZE_BODY = 14.0
SIZE_NOI_NHAN_LABEL = 12.0
SIZE_NOI_NHAN = 11.0
SIZE_SIGNATURE = 14.0
SIZE_PAGE_NUMBER = 13.0
SIZE_FOOTNOTE = 11.0

FIRST_LINE_INDENT = 12.7  # mm
LINE_SPACING = 1.15  # multiple of single spacing (Word's "Multiple 1.15")
SPACE_AFTER_PARAGRAPH = 6.0
HAIRLINE = 1.0  # points: the empty line both renderers put above the header block (see docx_renderer.hairline)
TABLE_GAP = 6.0  # points: the empty line after a table (Word needs a paragraph there); HAIRLINE when it ends a section
FOOT_GAP = 6.0   # points between the last paragraph and the Nơi nhận / signature block
TITLE_GAP = 8.0  # points under a title without a subject line
CELL_PADDING_V = 2.0  # points above and below a table cell's text (Word: 2 pt before and after its paragraph)
TABLE_RULE = 0.5  # points: a table's lines (w:sz 4); Word and LibreOffice make each row taller by the rule above it
SIGNATURE_BLANK_LINES = 4
RULE_WIDTH = 0.6  # points
RULE_GAP = 6.0  # points between a line of text and the short rule under it
RULE_AFTER = 8.0  # points under the rule of a title's subject or an appendix's title

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def text_width_mm(landscape: bool) -> float:
    return (PAGE_H if landscape else PAGE_W) - MARGIN_LEFT - MARGIN_RIGHT


def leading(size: float, spacing: float = LINE_SPACING) -> float:
    """Line height in points: Word's single line of the font (``single_line_em``) times ``spacing``."""
    return size * single_line_em() * spacing


def baseline_shift(larger: float, smaller: float) -> float:
    """Space to add above the smaller text so both sit on one baseline ("Số:" beside the date)."""
    return (larger - smaller) * 0.891  # ascent of Times New Roman in ems


_DANGLING = {"VÀ", "-", "CỦA", "THUỘC", "VỀ"}


def _wrap_name(text: str, size: float, bold: bool, width_mm: float) -> list[str]:
    """Wrap a name in capitals, never ending a line with "VÀ" or "-" (as a văn thư would break it)."""
    fonts = register_pdf_fonts()
    font, limit = fonts.name(bold), width_mm * MM
    lines: list[str] = []
    for manual in (part.strip().upper() for part in text.split("\n")):
        if not manual:
            continue
        wrapped = simpleSplit(manual, font, size, limit) or [manual]
        for i in range(len(wrapped) - 1):
            words = wrapped[i].split(" ")
            moved: list[str] = []
            while len(words) > 1 and words[-1] in _DANGLING:
                moved.insert(0, words.pop())
            candidate = " ".join([*moved, wrapped[i + 1]])
            if moved and text_width(candidate, size, bold) <= limit:
                wrapped[i], wrapped[i + 1] = " ".join(words), candidate
        lines.extend(wrapped)
    return lines


def dashed(line: str) -> str:
    """A list item of "Kính gửi" as "- …" whether or not the template wrote the dash."""
    return line if line.startswith("-") else f"- {line}"


def header_lines(header: Header) -> tuple[list[str], list[str]]:
    """Governing body and agency as the lines they print on in the left column (capitals).

    Both renderers break the lines here, so Word and the PDF show the same breaks; a "\n" in a
    name is a manual break.
    """
    return (_wrap_name(header.governing_body, SIZE_GOVERNING, False, HEADER_LEFT_W),
            _wrap_name(header.agency, SIZE_AGENCY, True, HEADER_LEFT_W))


def wrapped(lines: list[str], size: float, bold: bool, width_mm: float) -> list[str]:
    """How the lines wrap in a column, with the font metrics both Word and the PDF use."""
    fonts = register_pdf_fonts()
    out: list[str] = []
    for line in lines:
        out.extend(simpleSplit(line, fonts.name(bold), size, width_mm * MM) or [""])
    return out


def rule_length_mm(lines: list[str], size: float, bold: bool, width_mm: float, share: float) -> float:
    """A short rule: a share of the longest wrapped line (Decree 30: 1/3–1/2 of the name above)."""
    widest = max((text_width(line, size, bold) for line in wrapped(lines, size, bold, width_mm)), default=0)
    return max(widest * share / MM, 15.0)


def agency_rule_mm(header: Header) -> float:
    _, agency = header_lines(header)
    return rule_length_mm(agency, SIZE_AGENCY, True, HEADER_LEFT_W, 1 / 3)


def motto_rule_mm() -> float:
    return rule_length_mm([MOTTO], SIZE_MOTTO, True, HEADER_RIGHT_W, 1.0)


def subject_rule_mm(subject: str, width_mm: float) -> float:
    return rule_length_mm([subject], SIZE_TITLE, True, width_mm, 1 / 3)


def appendix_rule_mm(title: str, width_mm: float) -> float:
    """Under an appendix heading: shorter than under a subject, its landscape title line being long."""
    return subject_rule_mm(title.upper(), width_mm) * 0.6


_WRITERS = {".docx": "par_desktop.documents.docx_renderer", ".pdf": "par_desktop.documents.pdf_renderer"}


def render(document: OfficialDocument, path: str | os.PathLike) -> Path:
    """Write the document as .docx or .pdf (chosen by the suffix) and return the path.

    The file is written next to its destination and moved in place, so a failure never leaves a
    half-written document, and a document open in Word or a folder guarded by Windows gives a clear
    message instead of a crash.
    """
    import importlib

    target = Path(path)
    module_name = _WRITERS.get(target.suffix.lower())
    if module_name is None:
        raise InvalidInput(
            f"Không xuất được văn bản ra tệp «{target.name}»: chỉ hỗ trợ định dạng .docx (Word) và .pdf."
        )
    write = importlib.import_module(module_name).write
    folder = target.parent if str(target.parent) else Path(".")
    from par_desktop.windows import explain_write_error

    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".par-", suffix=target.suffix, dir=folder)
        os.close(fd)
    except OSError as exc:
        raise explain_write_error(target, exc, folder_only=True) from exc
    tmp = Path(tmp_name)
    try:
        write(document, tmp)
        os.replace(tmp, target)
    except OSError as exc:   # open in Word, Controlled folder access, no rights, disk full (par_desktop.windows)
        raise explain_write_error(target, exc) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target
