"""One model for every official document the app issues, shared by the DOCX and PDF renderers.

Plain data only: the builders fill it, the renderers lay it out under Decree 30/2020 (Phụ lục I).
Text is expected in Unicode NFC; the builders normalise what they put in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterator, Literal, Sequence, Union

Align = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True)
class Run:
    """A piece of inline text with its own emphasis (e.g. an italic clause inside a paragraph)."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Footnote:
    """A footnote: its number appears where it sits in the text, its text at the foot of the page."""

    text: str


Inline = Union[Run, Footnote]
Text = Union[str, Sequence[Inline]]


def inlines(text: Text) -> list[Inline]:
    """The runs of a text given either as a plain string or as a sequence of runs and footnotes."""
    return [Run(text)] if isinstance(text, str) else list(text)


@dataclass
class Heading:
    """A numbered heading of the body ("I. MỤC ĐÍCH, YÊU CẦU" level 1, "1. Mục đích" 2, "4.1. …" 3).

    Headings are bold, keep with the next block and share the first-line indent of the body.
    """

    text: Text
    level: int = 1


@dataclass
class Paragraph:
    text: Text
    indent: bool = True
    bold: bool = False
    italic: bool = False
    align: Align = "justify"
    size: float | None = None  # None: the body size (14 pt)
    space_after: float = 6.0
    keep_with_next: bool = False


@dataclass
class Cell:
    text: Text = ""
    colspan: int = 1
    rowspan: int = 1
    bold: bool | None = None  # None: the row's setting
    italic: bool | None = None
    align: Align | None = None  # None: the column's alignment


@dataclass
class Row:
    """A table row; ``bold`` for section and total rows, ``italic`` for sub-section rows.

    ``keep_with_next``: a group heading ("III Phòng Bảo trợ xã hội (4 hồ sơ)", "Thủ tục: …") never stands
    alone at the foot of a page: it moves to the next page with the row after it. Rows never split
    across pages, and a table's header rows stay with its first row.
    """

    cells: list[Cell | str]
    bold: bool = False
    italic: bool = False
    keep_with_next: bool = False

    def cell_list(self) -> list[Cell]:
        return [c if isinstance(c, Cell) else Cell(c) for c in self.cells]


@dataclass
class Table:
    """A bordered table; header rows are bold, centred and repeated on every page.

    Cells are listed row by row as in HTML: a cell spanning rows or columns covers the grid positions
    to its right and below, which the following rows simply skip.
    """

    widths: Sequence[float]  # relative widths, one per grid column
    header: list[Row]
    rows: list[Row]
    font_size: float = 13.0
    align: Sequence[Align] | None = None  # per column for body rows; default left
    repeat_header: bool = True

    @property
    def columns(self) -> int:
        return len(self.widths)

    def column_align(self, col: int) -> Align:
        return self.align[col] if self.align else "left"

    def kept_with_next(self) -> list[bool]:
        """Per body row: whether it stays on the page of the row after it — a group heading
        (``Row.keep_with_next``), and the row before a closing total (a bold last row, "Tổng cộng"), so
        a total never opens a page alone under the repeated header."""
        keeps = [row.keep_with_next for row in self.rows]
        if len(self.rows) >= 2 and self.rows[-1].bold:
            keeps[-2] = True
        if keeps:
            keeps[-1] = False
        return keeps

    def placed(self) -> Iterator[tuple[int, int, Cell, Row]]:
        """(row index, column index, cell, row) for every cell, header rows first.

        Raises ValueError when spans overlap or a row does not fill the grid: a builder bug.
        """
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate([*self.header, *self.rows]):
            c = 0
            for cell in row.cell_list():
                while (r, c) in taken:
                    c += 1
                if c + cell.colspan > self.columns:
                    raise ValueError(f"row {r} overflows the {self.columns} columns")
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, c + dc))
                yield r, c, cell, row
                c += cell.colspan
            while (r, c) in taken:
                c += 1
            if c != self.columns:
                raise ValueError(f"row {r} fills {c} of {self.columns} columns")


@dataclass
class Spacer:
    height: float = 6.0  # points


Block = Union[Heading, Paragraph, Table, Spacer]


def keeps_with_next(blocks: Sequence[Block]) -> list[bool]:
    """Which blocks stay on the page of the block after them: headings, paragraphs marked so, and the
    paragraph that introduces a table (it stays with the table's header and first row)."""
    out = []
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        out.append(isinstance(block, Heading)
                   or (isinstance(block, Paragraph) and (block.keep_with_next or isinstance(following, Table))))
    return out


@dataclass
class Header:
    """The left part of the header: governing body and issuing agency (written in capitals)."""

    governing_body: str
    agency: str  # a "\n" forces a line break in a long name


@dataclass
class Signature:
    """Authority lines ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC") in caps bold, space to sign, the name in bold."""

    lines: list[str]
    name: str = ""
    hint: str = ""  # e.g. "(Ký, ghi rõ họ tên và đóng dấu)", italic under the lines


@dataclass
class Appendix:
    label: str  # "PHỤ LỤC" or "PHỤ LỤC I"
    title: str
    reference: str = ""  # "(Kèm theo Kế hoạch số …/KH-… ngày … tháng … năm … của …)"
    landscape: bool = False
    blocks: list[Block] = field(default_factory=list)


@dataclass
class OfficialDocument:
    """A kế hoạch, báo cáo, công văn or a form (slip) laid out under Decree 30/2020.

    ``kind`` None with ``vv`` set is a công văn ("V/v …" under the number, then "Kính gửi: …").
    ``place`` None leaves out the place-and-date line (forms without one); ``issue_date`` None
    with a place gives the draft "ngày … tháng … năm …".
    """

    header: Header
    number_text: str | None = None  # "Số: 38/KH-SLĐTBXH"; None: no number line
    place: str | None = None
    issue_date: date | None = None
    kind: str | None = None  # "KẾ HOẠCH", "BÁO CÁO", a form title; None for a công văn
    subject: str = ""
    vv: str = ""
    recipients_to: list[str] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    noi_nhan: list[str] = field(default_factory=list)
    signature: Signature | None = None
    appendices: list[Appendix] = field(default_factory=list)
    # What the clerk should know before signing (not printed): a repair of the source, a name no longer
    # in force, an applicant whose title is not recorded… Shown in the app, "warning:" lines on the CLI.
    notices: list[str] = field(default_factory=list)

    def texts(self) -> Iterator[str]:
        """Every printed text but the header's, for checks on the wording."""
        yield from (self.kind or "", self.subject, self.vv, *self.recipients_to, *self.noi_nhan)
        for block in [*self.body, *(b for a in self.appendices for b in (*a.blocks,))]:
            if isinstance(block, Table):
                for row in [*block.header, *block.rows]:
                    yield from (_plain(c.text) for c in row.cell_list())
            elif isinstance(block, (Heading, Paragraph)):
                yield _plain(block.text)
        for appendix in self.appendices:
            yield from (appendix.title, appendix.reference)


def _plain(text: Text) -> str:
    return "".join(part.text for part in inlines(text))
