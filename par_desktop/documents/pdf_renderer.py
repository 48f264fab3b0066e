"""OfficialDocument -> PDF with reportlab platypus, laid out like the DOCX (same geometry, same font metrics).

Fonts are TrueType subsets embedded in the file, so the PDF prints the same everywhere and its text
extracts as NFC Vietnamese. Footnotes sit at the foot of the page that cites them: the document is laid
out again with room reserved on those pages until every footnote fits (one pass without footnotes).
"""

from __future__ import annotations

import re
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    BaseDocTemplate, Flowable, Frame, KeepTogether, NextPageTemplate, PageBreak, PageTemplate,
)
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Spacer as RLSpacer
from reportlab.platypus import Table as RLTable
from reportlab.platypus.tables import LongTable
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import TableStyle
from reportlab.platypus import paragraph as rl_paragraph

from par_desktop.documents import render as L
from par_desktop.documents.fonts import FontSet, register_pdf_fonts, text_width
from par_desktop.documents.model import (
    Appendix, Footnote, Heading, OfficialDocument, Paragraph, Spacer, Table, Text, inlines, keeps_with_next,
)
from par_desktop.domain.text import decree30_date

MM = L.MM
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
_MAX_PASSES = 5
_LONG_TABLE = 60  # rows from which a table is laid out as a reportlab LongTable
rl_config.useA85 = 0  # binary (zlib) streams: smaller files, and no slow pure-Python ASCII85 encoding


class _Rule(Flowable):
    """A short horizontal line centred in the available width."""

    def __init__(self, length_mm: float, before: float = 1.0, after: float = 0.0):
        super().__init__()
        self.length = length_mm * MM
        self.before, self.after = before, after

    def wrap(self, avail_width, avail_height):
        self.avail = avail_width
        return avail_width, self.before + self.after + L.RULE_WIDTH

    def draw(self):
        y = self.after + L.RULE_WIDTH / 2
        x0 = (self.avail - self.length) / 2
        self.canv.setLineWidth(L.RULE_WIDTH)
        self.canv.line(x0, y, x0 + self.length, y)


class _NoSplitRanges:
    """reportlab's NOSPLIT bookkeeping maps every cell of the table on every layout pass (seconds for a
    list of thousands of dossiers); only the first cell of each range is ever looked up, so only those
    are recorded. Ranges here span rows only (a group heading with the row after it)."""

    def _calcNoSplitRanges(self):
        self._nosplitRanges, self._rowNoSplitCells, self._colNoSplitCells = {}, [], []
        for _, (x0, y0), (_, y1) in self._nosplitCmds:
            y0, y1 = sorted(y + self._nrows if y < 0 else y for y in (y0, y1))
            x0 = x0 + self._ncols if x0 < 0 else x0
            if y0 != y1:
                self._nosplitRanges[x0, y0] = (x0, y0, x0, y1)
                self._rowNoSplitCells.append((x0, y0))


class _Table(_NoSplitRanges, RLTable):
    pass


class _LongTable(_NoSplitRanges, LongTable):
    """reportlab's optimisation for tables spanning many pages (no re-measuring per page)."""


class _LeadAndTable(Flowable):
    """A table with the paragraphs that introduce it (a heading, "… như sau:"): they stay on the page of
    the table's header and first row, as Word keeps a "keep with next" paragraph with a table. Platypus'
    KeepTogether would move the whole table to the next page when it does not fit, leaving a gap."""

    def __init__(self, lead: list, table: RLTable):
        super().__init__()
        self.lead, self.table = lead, table
        for flowable in lead:
            flowable.__dict__["keepWithNext"] = 0

    def wrap(self, avail_width, avail_height):
        return avail_width, 0xFFFFFF   # never drawn whole: always split into its parts

    def _lead_height(self, avail_width, avail_height) -> float:
        total, previous_after = 0.0, 0.0
        for flowable in self.lead:
            height = flowable.wrap(avail_width, avail_height)[1]
            total += max(previous_after, flowable.getSpaceBefore()) + height if total else height
            previous_after = flowable.getSpaceAfter()
        return total + previous_after

    def split(self, avail_width, avail_height):
        frame = getattr(self, "_frame", None)
        at_top = bool(frame is not None and getattr(frame, "_atTop", False))
        room = avail_height - self._lead_height(avail_width, avail_height)
        table_height = self.table.wrap(avail_width, room)[1] if room > 0 else float("inf")
        if table_height <= room:
            return [*self.lead, self.table]
        parts = self.table.split(avail_width, room) if room > 0 else []
        if parts:
            return [*self.lead, *parts]
        return [*self.lead, self.table] if at_top else []   # [] : the next page


def _keep_leads_with_tables(flowables: list) -> list:
    """Group each table with the "keep with next" paragraphs just before it (see ``_LeadAndTable``)."""
    out: list = []
    for flowable in flowables:
        if isinstance(flowable, RLTable):
            lead = []
            while out and isinstance(out[-1], RLParagraph) and out[-1].getKeepWithNext():
                lead.insert(0, out.pop())
            if lead:
                flowable = _LeadAndTable(lead, flowable)
        out.append(flowable)
    return out


class _DocTemplate(BaseDocTemplate):
    """Pages with per-section numbering (none on a section's first page) and reserved footnote room."""

    def __init__(self, buffer, writer: "_Writer", reserve: dict[int, float]):
        super().__init__(buffer, pagesize=(L.PAGE_W * MM, L.PAGE_H * MM), leftMargin=L.MARGIN_LEFT * MM,
                         rightMargin=L.MARGIN_RIGHT * MM, topMargin=L.MARGIN_TOP * MM,
                         bottomMargin=L.MARGIN_BOTTOM * MM, title=writer.title, author=writer.author,
                         creator="PAR Desktop", lang="vi-VN", initialFontName=writer.fonts.name())
        self.writer = writer
        self.reserve = reserve
        self.section_start = 1
        templates = []
        for landscape in (False, True):
            w, h = (L.PAGE_H, L.PAGE_W) if landscape else (L.PAGE_W, L.PAGE_H)
            tag = "land" if landscape else "port"
            for first in (True, False):
                frame = Frame(L.MARGIN_LEFT * MM, L.MARGIN_BOTTOM * MM, L.text_width_mm(landscape) * MM,
                              (h - L.MARGIN_TOP - L.MARGIN_BOTTOM) * MM, leftPadding=0, rightPadding=0,
                              topPadding=0, bottomPadding=0, id=f"{tag}-frame")
                templates.append(PageTemplate(
                    id=f"{tag}-{'first' if first else 'later'}", frames=[frame], pagesize=(w * MM, h * MM),
                    onPage=self._first_page if first else self._later_page, onPageEnd=self._page_end,
                    autoNextPageTemplate=None if not first else f"{tag}-later"))
        self.addPageTemplates(templates)

    def handle_frameBegin(self, resume=0, pageTopFlowables=None):
        super().handle_frameBegin(resume, pageTopFlowables)
        f = self.frame
        f._y1p = f._y1 + f._bottomPadding + self.reserve.get(self.page, 0.0)

    def _first_page(self, canv, doc):
        self.section_start = doc.page
        canv.setNamedCB("footnote", self._footnote_seen)

    def _later_page(self, canv, doc):
        canv.setNamedCB("footnote", self._footnote_seen)
        number = doc.page - self.section_start + 1
        canv.saveState()
        canv.setFont(self.writer.fonts.name(), L.SIZE_PAGE_NUMBER)
        width, height = canv._pagesize
        x = L.MARGIN_LEFT * MM + (width - (L.MARGIN_LEFT + L.MARGIN_RIGHT) * MM) / 2
        y = height - L.PAGE_NUMBER_FROM_TOP * MM - L.SIZE_PAGE_NUMBER * 0.891
        canv.drawCentredString(x, y, str(number))
        canv.restoreState()

    def _footnote_seen(self, canv, kind, label):
        self.writer.footnote_pages[int(label)] = self.page
        self.writer.page_widths[self.page] = canv._pagesize[0] - (L.MARGIN_LEFT + L.MARGIN_RIGHT) * MM

    def _page_end(self, canv, doc):
        numbers = [n for n, page in self.writer.footnote_pages.items() if page == self.page]
        if not numbers:
            return
        width = canv._pagesize[0] - (L.MARGIN_LEFT + L.MARGIN_RIGHT) * MM
        notes = [self.writer.footnote_paragraph(n) for n in sorted(numbers)]
        heights = [p.wrap(width, 1e6)[1] for p in notes]
        y = L.MARGIN_BOTTOM * MM + sum(heights)
        separator = y + L.leading(L.SIZE_FOOTNOTE, 1.0) / 2   # Word's separator: a line of footnote text
        canv.saveState()
        canv.setLineWidth(0.5)
        canv.line(L.MARGIN_LEFT * MM, separator, L.MARGIN_LEFT * MM + 50 * MM, separator)
        canv.restoreState()
        for note, h in zip(notes, heights):
            y -= h
            note.drawOn(canv, L.MARGIN_LEFT * MM, y)


class _Writer:
    def __init__(self, document: OfficialDocument):
        self.doc = document
        self.fonts: FontSet = register_pdf_fonts()
        self.title = " ".join(x for x in (document.kind or "", document.subject or document.vv) if x)
        self.author = " ".join(L.header_lines(document.header)[1])
        self.footnotes: list[str] = []
        self.footnote_pages: dict[int, int] = {}
        self.page_widths: dict[int, float] = {}
        self._styles: dict[tuple, ParagraphStyle] = {}

    # --- styles and markup ---------------------------------------------------------------------
    def style(self, size=L.SIZE_BODY, align="center", first_indent_mm=0.0, left_mm=0.0, before=0.0, after=0.0,
              spacing=1.0, keep_next=False) -> ParagraphStyle:
        key = (size, align, first_indent_mm, left_mm, before, after, spacing, keep_next)
        if key not in self._styles:
            self._styles[key] = ParagraphStyle(
                f"s{len(self._styles)}", fontName=self.fonts.name(), fontSize=size,
                leading=L.leading(size, spacing), alignment=_ALIGN[align], firstLineIndent=first_indent_mm * MM,
                leftIndent=left_mm * MM, spaceBefore=before, spaceAfter=after, keepWithNext=int(keep_next),
                allowWidows=0, allowOrphans=0, spaceShrinkage=0,   # Word never squeezes spaces to fit a word
                embeddedHyphenation=1)                              # see _break_after_inner_hyphens
        return self._styles[key]

    def markup(self, text: Text, bold=False, italic=False) -> str:
        out = []
        for part in inlines(text):
            if isinstance(part, Footnote):
                self.footnotes.append(part.text)
                n = len(self.footnotes)
                out.append(f'<super>{n}</super><onDraw name="footnote" label="{n}"/>')
                continue
            chunk = escape(part.text)
            chunk = chunk.replace("  ", " \u00a0").replace("\u00a0 ", "\u00a0\u00a0").replace("\n", "<br/>")
            if bold or part.bold:
                chunk = f"<b>{chunk}</b>"
            if italic or part.italic:
                chunk = f"<i>{chunk}</i>"
            out.append(chunk)
        return "".join(out)

    def para(self, text: Text, *, bold=False, italic=False, **style) -> RLParagraph:
        return RLParagraph(self.markup(text, bold, italic), self.style(**style))

    def footnote_paragraph(self, number: int) -> RLParagraph:
        text = f"<super>{number}</super> {escape(self.footnotes[number - 1])}"
        return RLParagraph(text, self.style(size=L.SIZE_FOOTNOTE, align="justify", spacing=1.0))

    def footnote_room(self, numbers: list[int], width: float) -> float:
        return sum(self.footnote_paragraph(n).wrap(width, 1e6)[1] for n in numbers) + L.leading(L.SIZE_FOOTNOTE, 1.0)

    # --- the parts of the document --------------------------------------------------------------
    def story(self) -> list:
        self.footnotes.clear()
        story: list = [RLSpacer(1, L.HAIRLINE), self.header_block(), *self.title_block()]
        width = L.text_width_mm(False)
        body = self.blocks(self.doc.body, width)
        foot = self.foot(width)
        if foot is not None:
            tail = [body.pop()] if body and isinstance(body[-1], RLParagraph) else []
            body.append(KeepTogether([*tail, RLSpacer(1, L.FOOT_GAP), foot]))
        story.extend(body)
        for appendix in self.doc.appendices:
            story.extend(self.appendix(appendix))
        return story

    def header_block(self) -> RLTable:
        d = self.doc
        governing, agency = L.header_lines(d.header)
        left = [self.para("\n".join(governing), size=L.SIZE_GOVERNING)]
        left.append(self.para("\n".join(agency), bold=True, size=L.SIZE_AGENCY))
        left.append(_Rule(L.agency_rule_mm(d.header), before=L.RULE_GAP))
        right = [self.para(L.NATION, bold=True, size=L.SIZE_NATION),
                 self.para(L.MOTTO, bold=True, size=L.SIZE_MOTTO),
                 _Rule(L.motto_rule_mm(), before=L.RULE_GAP)]
        rows = [[left, right]]
        number = []
        if d.number_text is not None:
            number.append(self.para(d.number_text, size=L.SIZE_NUMBER,
                                    before=L.baseline_shift(L.SIZE_DATE, L.SIZE_NUMBER)))
        if d.vv:
            number.append(self.para(d.vv, size=L.SIZE_VV, before=2))
        dated = [self.para(decree30_date(d.issue_date, d.place), italic=True, size=L.SIZE_DATE)] \
            if d.place is not None else []
        if number or dated:
            rows.append([number or "", dated or ""])
        table = RLTable(rows, colWidths=[L.HEADER_LEFT_W * MM, L.HEADER_RIGHT_W * MM], hAlign="RIGHT")
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), self.fonts.name()),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 1), (-1, 1), 6),
        ]))
        return table

    def title_block(self) -> list:
        d = self.doc
        out: list = []
        if d.kind:
            out.append(self.para(d.kind, bold=True, size=L.SIZE_TITLE, before=18, keep_next=True))
            if d.subject:
                out.append(self.para(d.subject, bold=True, size=L.SIZE_TITLE, keep_next=True))
                out.append(_Rule(L.subject_rule_mm(d.subject, L.text_width_mm(False)), before=L.RULE_GAP,
                                 after=L.RULE_AFTER))
            else:
                out.append(RLSpacer(1, L.TITLE_GAP))
        if d.recipients_to:
            out.extend(self.recipients(d.recipients_to))
        return out

    def recipients(self, lines: list[str]) -> list:
        label = "Kính gửi: "
        if len(lines) == 1:
            return [self.para(label + lines[0], size=L.SIZE_BODY, before=12, after=12)]
        hang = text_width(label, L.SIZE_BODY) / MM
        out = []
        for i, line in enumerate(lines):
            text = (label if i == 0 else "") + L.dashed(line)
            out.append(self.para(text, size=L.SIZE_BODY, align="left", left_mm=25 + hang,
                                 first_indent_mm=-hang if i == 0 else 0.0, before=12 if i == 0 else 0,
                                 after=12 if i == len(lines) - 1 else 0))
        return out

    def blocks(self, blocks, width_mm: float) -> list:
        flowables = [f for block, keep in zip(blocks, keeps_with_next(blocks))
                     for f in self.block(block, width_mm, keep)]
        return _keep_leads_with_tables(flowables)

    def block(self, block, width_mm: float, keep_next: bool = False) -> list:
        if isinstance(block, Heading):
            return [self.para(block.text, bold=True, align="justify", first_indent_mm=L.FIRST_LINE_INDENT,
                              after=L.SPACE_AFTER_PARAGRAPH, spacing=L.LINE_SPACING, keep_next=True)]
        if isinstance(block, Paragraph):
            return [self.para(block.text, bold=block.bold, italic=block.italic, size=block.size or L.SIZE_BODY,
                              align=block.align, first_indent_mm=L.FIRST_LINE_INDENT if block.indent else 0.0,
                              after=block.space_after, spacing=L.LINE_SPACING, keep_next=keep_next)]
        if isinstance(block, Table):
            return [self.table(block, width_mm), RLSpacer(1, L.TABLE_GAP)]
        if isinstance(block, Spacer):
            return [RLSpacer(1, block.height)]
        raise TypeError(f"unknown block {block!r}")  # pragma: no cover - a builder bug

    def table(self, table: Table, width_mm: float) -> RLTable:
        """A bordered table. Plain-text cells that are not justified are drawn as pre-wrapped strings
        (the same font, size, leading and line breaks as a paragraph, at a fraction of the cost), so a
        list of thousands of dossiers lays out in about a second; the rest are paragraphs.

        Rows never split; the header rows repeat and stay with the first body row, and a group heading
        (``Row.keep_with_next``) with the row after it (reportlab's NOSPLIT ranges)."""
        n_header = len(table.header)
        n_rows = n_header + len(table.rows)
        data: list[list] = [["" for _ in range(table.columns)] for _ in range(n_rows)]
        total = sum(table.widths)
        widths = [width_mm * MM * w / total for w in table.widths]
        long = n_rows > _LONG_TABLE
        commands = self._table_style(table, n_header)
        open_spans, fonts, aligns = self._place_cells(table, data, widths, n_header, long, commands)
        commands += _runs("FONTNAME", fonts, table.columns) + _runs("ALIGN", aligns, table.columns)
        if open_spans:
            commands = [cmd for cmd in commands if cmd[0] != "GRID"] + _grid_around(open_spans, table.columns, n_rows)
        kind = _LongTable if long else _Table
        out = kind(data, colWidths=widths, repeatRows=n_header if table.repeat_header else 0, splitInRow=0)
        out.setStyle(TableStyle(commands))
        return out

    def _table_style(self, table: Table, n_header: int) -> list[tuple]:
        """The grid, font, padding and column alignment of a table (header rows centred), and the rows
        kept together: the header with the first body row, a group heading with the row after it."""
        size = table.font_size
        commands = [
            ("GRID", (0, 0), (-1, -1), L.TABLE_RULE, "black"), ("FONTNAME", (0, 0), (-1, -1), self.fonts.name()),
            ("FONTSIZE", (0, 0), (-1, -1), size), ("LEADING", (0, 0), (-1, -1), L.leading(size, 1.0)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), L.CELL_PADDING_V + L.TABLE_RULE),
            ("BOTTOMPADDING", (0, 0), (-1, -1), L.CELL_PADDING_V),
        ]
        for c in range(table.columns):
            align = table.column_align(c)
            if align in ("center", "right"):
                commands.append(("ALIGN", (c, n_header), (c, -1), align.upper()))
        if n_header:
            commands.append(("ALIGN", (0, 0), (-1, n_header - 1), "CENTER"))
        if n_header and table.rows:
            commands.append(("NOSPLIT", (0, 0), (-1, n_header)))
        commands += [("NOSPLIT", (0, n_header + i), (-1, n_header + i + 1))
                     for i, keep in enumerate(table.kept_with_next()) if keep]
        return commands

    def _place_cells(self, table: Table, data: list[list], widths: list[float], n_header: int, long: bool,
                     commands: list[tuple]):
        """Fill ``data`` with each cell (pre-wrapped lines or a paragraph), adding its spans to ``commands``;
        returns (spans drawn without SPAN, cells in bold or italic, cells aligned unlike their column)."""
        size = table.font_size
        open_spans: list[tuple[int, int, int]] = []   # (row, first column, last column) drawn without SPAN
        fonts: dict[tuple[int, int], str] = {}          # cells in bold or italic
        aligns: dict[tuple[int, int], str] = {}         # cells aligned unlike their column
        for r, c, cell, row in table.placed():
            head = r < n_header
            bold = bool(cell.bold if cell.bold is not None else (head or row.bold))
            italic = bool(cell.italic if cell.italic is not None else row.italic)
            align = cell.align or ("center" if head else table.column_align(c))
            room = sum(widths[c:c + cell.colspan]) - 6
            plain = isinstance(cell.text, str) and align != "justify"
            if long and not head and plain and align == "left" and cell.colspan > 1 and cell.rowspan == 1:
                # reportlab re-maps every span of the remaining rows at each page break (quadratic in a
                # list of thousands): a left-aligned text spanning columns is drawn over empty cells
                # whose dividing lines are left out instead
                open_spans.append((r, c, c + cell.colspan - 1))
            elif cell.rowspan > 1 or cell.colspan > 1:
                commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
            if plain:
                data[r][c] = _cell_lines(cell.text, self.fonts.name(bold, italic), size, room + _TWIP)
                if bold or italic:
                    fonts[r, c] = self.fonts.name(bold, italic)
                if cell.align is not None or (head and align != "center"):
                    aligns[r, c] = align.upper()
                continue
            text = _break_long_tokens(cell.text, room, size, bold, italic) if isinstance(cell.text, str) \
                else cell.text
            data[r][c] = self.para(text, bold=bold, italic=italic, size=size, align=align)
        return open_spans, fonts, aligns

    def foot(self, width_mm: float) -> RLTable | None:
        d = self.doc
        if not d.noi_nhan and d.signature is None:
            return None
        left: list = []
        if d.noi_nhan:
            left.append(self.para("Nơi nhận:", bold=True, italic=True, size=L.SIZE_NOI_NHAN_LABEL, align="left"))
            left.extend(self.para(line, size=L.SIZE_NOI_NHAN, align="left") for line in d.noi_nhan)
        right: list = []
        sig = d.signature
        if sig is not None:
            right.extend(self.para(line.upper(), bold=True, size=L.SIZE_SIGNATURE) for line in sig.lines)
            if sig.hint:
                right.append(self.para(sig.hint, italic=True, size=L.SIZE_SIGNATURE))
            right.append(RLSpacer(1, L.SIGNATURE_BLANK_LINES * L.leading(L.SIZE_SIGNATURE, 1.0)))
            right.append(self.para(sig.name, bold=True, size=L.SIZE_SIGNATURE))
        left_w = width_mm * L.FOOT_LEFT_SHARE
        table = RLTable([[left or "", right or ""]], colWidths=[left_w * MM, (width_mm - left_w) * MM])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), self.fonts.name()),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        return table

    def appendix(self, appendix: Appendix) -> list:
        tag = "land" if appendix.landscape else "port"
        width = L.text_width_mm(appendix.landscape)
        out: list = [NextPageTemplate(f"{tag}-first"), PageBreak(),
                     self.para(appendix.label, bold=True, size=L.SIZE_TITLE, keep_next=True),
                     self.para(appendix.title.upper(), bold=True, size=L.SIZE_TITLE, keep_next=True)]
        if appendix.reference:
            out.append(self.para(appendix.reference, italic=True, size=L.SIZE_TITLE, keep_next=True))
        out.append(_Rule(L.appendix_rule_mm(appendix.title, width), before=L.RULE_GAP, after=L.RULE_AFTER))
        out.extend(self.blocks(appendix.blocks, width))
        if appendix.blocks and isinstance(appendix.blocks[-1], Table) and isinstance(out[-1], RLSpacer):
            out[-1] = RLSpacer(1, L.HAIRLINE)   # the paragraph ending the section, as small as Word's
        return out

    # --- layout passes ------------------------------------------------------------------------
    def build(self) -> bytes:
        """Lay out until every page reserves exactly the room its footnotes take, as Word does: a larger
        reserve would end the page early. When reserving moves a footnote to another page and back, the
        reserves of both layouts are kept (the last layout in which every footnote fits is returned)."""
        reserve: dict[int, float] = {}
        tried: list[dict[int, float]] = []
        fitting = None
        for _ in range(_MAX_PASSES):
            buffer = BytesIO()
            self.footnote_pages = {}
            template = _DocTemplate(buffer, self, reserve)
            template.build(self.story())
            needed: dict[int, list[int]] = {}
            for number, page in self.footnote_pages.items():
                needed.setdefault(page, []).append(number)
            room = {page: self.footnote_room(numbers, self.page_widths[page]) for page, numbers in needed.items()}
            if all(room[p] <= reserve.get(p, 0.0) + 0.01 for p in room):
                fitting = buffer.getvalue()
                if all(reserve[p] <= room.get(p, 0.0) + 0.01 for p in reserve):
                    return fitting
            tried.append(reserve)
            reserve = room if not any(_same(room, earlier) for earlier in tried) else \
                {p: max(reserve.get(p, 0.0), room.get(p, 0.0)) for p in {*reserve, *room}}
        return fitting or buffer.getvalue()


def _same(a: dict[int, float], b: dict[int, float]) -> bool:
    return a.keys() == b.keys() and all(abs(a[k] - b[k]) < 0.01 for k in a)


@lru_cache(maxsize=100_000)
def _width(piece: str, font: str, size: float) -> float:
    """Width of a word: cached, since a long table repeats the same words thousands of times."""
    return stringWidth(piece, font, size)


def _break_after_inner_hyphens() -> None:
    """Let paragraphs end a line after a hyphen inside a word followed by a letter, as Word and
    LibreOffice do ("…Quyết định số 13/2022/QĐ-" / "UBND…"): reportlab's embedded hyphenation only
    considers words of letters, so its word pattern is widened to document numbers (digits, "/", ".")
    whose every hyphen is followed by a letter ("000.00.18.H06-240112-00180" stays whole)."""
    letters = rl_paragraph._hy_letters
    rl_paragraph._hy_shy_letters_pat = re.compile(rf"^(?:[{letters}0-9/.&]|[-\xad](?=[{letters}]))+$")


_break_after_inner_hyphens()

# Word lays lines out in twips: a line as wide as the cell's room, to the twip, still fits ("tự đánh" in a
# 15 mm column of the self-assessment table: 36.86 pt in 36.86 pt).
_TWIP = 1 / 20

# A hyphen inside a word followed by a letter ("QĐ-UBND") is where Word and LibreOffice may end a line
# (Unicode line breaking: never before a digit, so "H06-240112" stays whole).
_HYPHEN_BREAK = re.compile(r"(?<=[^\s-]-)(?=[^\W\d_])")


def _cell_lines(text: str, font: str, size: float, room: float) -> str:
    """A plain-text cell wrapped into lines as Word wraps it (greedy, at spaces and after a hyphen inside
    a word; a token too wide for the column is broken after "-" or "/"), joined with newlines."""
    space = _width(" ", font, size)
    out: list[str] = []
    for source in text.split("\n"):
        words: list[tuple[str, float, bool]] = []   # (piece, width, follows the previous piece with a space)
        for token in source.split():
            spaced = True
            for piece in _HYPHEN_BREAK.split(token):
                width = _width(piece, font, size)
                if width <= room:
                    words.append((piece, width, spaced))
                    spaced = False
                    continue
                current = ""
                for part in re.split(r"(?<=[-/])", piece):
                    if current and _width(current + part, font, size) > room:
                        words.append((current, _width(current, font, size), spaced))
                        current, spaced = part, False
                    else:
                        current += part
                words.append((current, _width(current, font, size), spaced))
                spaced = False
        if not words:
            out.append("")
            continue
        line, used = words[0][0], words[0][1]
        for word, width, spaced in words[1:]:
            gap = space if spaced else 0.0
            if used + gap + width <= room:
                line += (" " if spaced else "") + word
                used += gap + width
            else:
                out.append(line)
                line, used = word, width
        out.append(line)
    return "\n".join(out)


def _runs(command: str, values: dict[tuple[int, int], str], columns: int) -> list[tuple]:
    """Per-cell style values as one command per run of equal values down a column: every command is
    copied and re-mapped at each page break of a long table, so thousands of them cost seconds."""
    out: list[tuple] = []
    for c in range(columns):
        rows = sorted(r for (r, col) in values if col == c)
        start = previous = None
        for r in [*rows, None]:
            if start is not None and (r is None or r != previous + 1 or values[r, c] != values[start, c]):
                out.append((command, (c, start), (c, previous), values[start, c]))
                start = None
            if r is not None and start is None:
                start = r
            previous = r
    return out


def _grid_around(spans: list[tuple[int, int, int]], columns: int, rows: int) -> list[tuple]:
    """Grid lines for a table whose ``spans`` (row, first column, last column) join cells without SPAN:
    the outer box and every horizontal line, and each vertical line except inside those spans."""
    lines: list[tuple] = [("BOX", (0, 0), (-1, -1), 0.5, "black"), ("LINEBELOW", (0, 0), (-1, -2), 0.5, "black")]
    hidden: dict[int, set[int]] = {}
    for row, first, last in spans:
        for boundary in range(first, last):
            hidden.setdefault(boundary, set()).add(row)
    for boundary in range(columns - 1):
        start = 0
        for stop in [*sorted(hidden.get(boundary, ())), rows]:
            if stop > start:
                lines.append(("LINEAFTER", (boundary, start), (boundary, stop - 1), 0.5, "black"))
            start = stop + 1
    return lines


def _break_long_tokens(text: str, room: float, size: float, bold: bool, italic: bool) -> str:
    """Break a token too wide for its column after a "-" or "/" (a dossier code such as
    000.00.17.H03-240207-0001), as Word does; reportlab would otherwise cut it anywhere."""
    def fits(piece: str) -> bool:
        return text_width(piece, size, bold, italic) <= room

    lines = []
    for line in text.split("\n"):
        tokens = []
        for token in line.split(" "):
            pieces, current = [], ""
            for part in re.split(r"(?<=[-/])", token) if not fits(token) else [token]:
                if current and not fits(current + part):
                    pieces.append(current)
                    current = part
                else:
                    current += part
            pieces.append(current)
            tokens.append("\n".join(pieces))
        lines.append(" ".join(tokens))
    return "\n".join(lines)


def write(document: OfficialDocument, path: Path) -> None:
    Path(path).write_bytes(_Writer(document).build())
