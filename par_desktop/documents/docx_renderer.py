"""OfficialDocument -> .docx with python-docx, laid out under Decree 30/2020 for Word and LibreOffice.

Times New Roman is named for every script slot (ascii, hAnsi, east-asian, complex) so Word never
falls back to another font for Vietnamese letters; LibreOffice substitutes the metric-compatible
Liberation Serif. Page numbers are a PAGE field in a header that is blank on each section's first page.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from par_desktop.documents import render as L
from par_desktop.documents.fonts import text_width
from par_desktop.documents.model import (
    Appendix, Footnote, Heading, OfficialDocument, Paragraph, Spacer, Table, Text, inlines, keeps_with_next,
)
from par_desktop.domain.text import decree30_date

FONT = "Times New Roman"
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(text: str) -> str:
    return escape(_XML_INVALID.sub("", text))


def _twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


class _Writer:
    def __init__(self) -> None:
        self.doc = Document()
        self.footnotes: list[str] = []
        self.section_end: DocxParagraph | None = None   # the 1 pt paragraph after a table ending an appendix
        self._setup_styles()

    # --- fonts, runs, paragraphs -------------------------------------------------------------
    def _setup_styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(L.SIZE_BODY)
        _all_scripts(normal.element.get_or_add_rPr())
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "vi-VN")
        lang.set(qn("w:eastAsia"), "vi-VN")
        normal.element.get_or_add_rPr().append(lang)
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
            if rpr is not None:
                _all_scripts(rpr)
        for name in ("Header", "Table Grid"):
            if name in [s.name for s in styles]:
                styles[name].font.name = FONT

    def run(self, paragraph, text: str, size: float, bold=False, italic=False):
        """Runs in Times New Roman at ``size``; a "\n" in the text is a line break."""
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if not part and i == len(parts) - 1:
                break
            r = _format(paragraph.add_run(part), size, bold, italic)
            if i < len(parts) - 1:
                r.add_break()
        return paragraph

    def text(self, paragraph, text: Text, size: float, bold=False, italic=False):
        for part in inlines(text):
            if isinstance(part, Footnote):
                self._footnote_ref(paragraph, part.text, size)
            else:
                self.run(paragraph, part.text, size, bold or part.bold, italic or part.italic)
        return paragraph

    def _footnote_ref(self, paragraph, note: str, size: float) -> None:
        self.footnotes.append(note)
        r = _format(paragraph.add_run(), size)
        r.font.superscript = True
        ref = OxmlElement("w:footnoteReference")
        ref.set(qn("w:id"), str(len(self.footnotes)))
        r._r.append(ref)

    def para(self, container, text: Text = "", *, size=L.SIZE_BODY, bold=False, italic=False, align="center",
             first_indent_mm=0.0, left_mm=0.0, right_mm=0.0, before=0.0, after=0.0,
             spacing=1.0, keep_next=False):
        p = _fresh_paragraph(container)
        pf = p.paragraph_format
        pf.alignment = _ALIGN[align]
        pf.first_line_indent = Mm(first_indent_mm) if first_indent_mm else None
        pf.left_indent = Mm(left_mm) if left_mm else None
        pf.right_indent = Mm(right_mm) if right_mm else None
        pf.space_before = Pt(before)
        pf.space_after = Pt(after)
        pf.line_spacing_rule = WD_LINE_SPACING.MULTIPLE if spacing != 1.0 else WD_LINE_SPACING.SINGLE
        if spacing != 1.0:
            pf.line_spacing = spacing
        pf.widow_control = True
        if keep_next:
            pf.keep_with_next = True
        if text == "":
            # an empty paragraph takes its height from the paragraph mark, which is Normal (14 pt) otherwise
            mark = parse_xml(f'<w:rPr {nsdecls("w")}><w:sz w:val="{round(size * 2)}"/>'
                             f'<w:szCs w:val="{round(size * 2)}"/></w:rPr>')
            p._p.get_or_add_pPr().append(mark)
        return self.text(p, text, size, bold, italic)

    @staticmethod
    def rule_below(after: float) -> float:
        """The space under the rule paragraph that makes it as tall as the PDF's rule with ``after`` points
        under it (the border, its 1 pt distance and the 2 pt empty line count in Word's height)."""
        drawn = L.RULE_GAP / 2 + L.RULE_WIDTH + 1 + L.leading(2, 1.0)
        return L.RULE_GAP + L.RULE_WIDTH + after - drawn

    def rule(self, container, length_mm: float, column_mm: float, *, after=0.0, below: float | None = None):
        """A short centred line: an empty paragraph with a top border, indented to the length, as tall as
        the PDF's rule with ``after`` points under it (``below``: the space under the paragraph instead)."""
        side = max((column_mm - length_mm) / 2, 0)
        below = max(self.rule_below(after), 0.0) if below is None else below
        p = self.para(container, "", size=2, left_mm=side, right_mm=side, before=L.RULE_GAP / 2, after=below)
        pPr = p._p.get_or_add_pPr()
        bdr = parse_xml(f'<w:pBdr {nsdecls("w")}><w:top w:val="single" w:sz="{round(L.RULE_WIDTH * 8)}" '
                        'w:space="1" w:color="000000"/></w:pBdr>')
        # pBdr must precede spacing/ind/jc in pPr
        anchor = pPr.find(qn("w:spacing"))
        if anchor is None:
            anchor = pPr.find(qn("w:ind"))
        if anchor is not None:
            anchor.addprevious(bdr)
        else:
            pPr.append(bdr)
        return p

    # --- page set-up -------------------------------------------------------------------------
    def page_setup(self, section, landscape: bool, restart: bool) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        w, h = (L.PAGE_H, L.PAGE_W) if landscape else (L.PAGE_W, L.PAGE_H)
        section.page_width, section.page_height = Mm(w), Mm(h)
        section.top_margin, section.bottom_margin = Mm(L.MARGIN_TOP), Mm(L.MARGIN_BOTTOM)
        section.left_margin, section.right_margin = Mm(L.MARGIN_LEFT), Mm(L.MARGIN_RIGHT)
        section.header_distance = Mm(L.PAGE_NUMBER_FROM_TOP)
        section.footer_distance = Mm(10)
        section.gutter = Mm(0)
        section.different_first_page_header_footer = True
        if restart:
            pg = OxmlElement("w:pgNumType")
            pg.set(qn("w:start"), "1")
            _insert_ordered(section._sectPr, pg, _SECT_ORDER)

    def page_numbers(self, section) -> None:
        """A centred PAGE field in the header of later pages; the first-page header stays blank."""
        section.first_page_header.is_linked_to_previous = False
        section.header.is_linked_to_previous = False
        p = section.header.paragraphs[0]
        p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        for part in ("begin", " PAGE ", "separate", "2", "end"):
            r = _format(p.add_run(), L.SIZE_PAGE_NUMBER)
            if part in ("begin", "separate", "end"):
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), part)
            else:
                el = OxmlElement("w:instrText" if part == " PAGE " else "w:t")
                el.set(qn("xml:space"), "preserve")
                el.text = part
            r._r.append(el)
        for para in section.first_page_header.paragraphs:
            para.paragraph_format.space_after = Pt(0)

    # --- the document --------------------------------------------------------------------------
    def write(self, document: OfficialDocument, path: Path) -> None:
        props = self.doc.core_properties
        props.author = props.last_modified_by = " ".join(L.header_lines(document.header)[1])
        props.title = " ".join(x for x in (document.kind or "", document.subject or document.vv) if x)
        props.language = "vi-VN"
        props.comments = ""
        props.created = props.modified = datetime.now()
        section = self.doc.sections[0]
        self.page_setup(section, landscape=False, restart=False)
        self.page_numbers(section)
        width = L.text_width_mm(False)
        self.hairline()
        self.header_block(document)
        self.title(document, width)
        self.blocks(document.body, width)
        self.foot(document, width)
        for appendix in document.appendices:
            self.appendix(appendix)
        self._footnotes_part()
        self.doc.save(str(path))

    def hairline(self) -> None:
        """A 1 pt paragraph before the header table. A body that starts with a table makes LibreOffice
        add an empty line above it when the document has footnotes, pushing the header 8.6 mm down;
        the PDF starts with the same 1 pt (``L.HAIRLINE``)."""
        p = self.para(self.doc, "", size=1)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        p.paragraph_format.line_spacing = Pt(L.HAIRLINE)

    def blocks(self, blocks, width: float) -> None:
        for block, keep in zip(blocks, keeps_with_next(blocks)):
            self.block(self.doc, block, width, keep)

    def header_block(self, d: OfficialDocument) -> None:
        governing, agency = L.header_lines(d.header)
        t = _layout_table(self.doc, [L.HEADER_LEFT_W, L.HEADER_RIGHT_W], rows=2, shift_mm=L.HEADER_SHIFT)
        left, right = t.cell(0, 0), t.cell(0, 1)
        self.para(left, "\n".join(governing), size=L.SIZE_GOVERNING)
        self.para(left, "\n".join(agency), size=L.SIZE_AGENCY, bold=True)
        self.rule(left, L.agency_rule_mm(d.header), L.HEADER_LEFT_W)
        self.para(right, L.NATION, size=L.SIZE_NATION, bold=True)
        self.para(right, L.MOTTO, size=L.SIZE_MOTTO, bold=True)
        self.rule(right, L.motto_rule_mm(), L.HEADER_RIGHT_W)
        number, dated = t.cell(1, 0), t.cell(1, 1)
        if d.number_text is not None:
            self.para(number, d.number_text, size=L.SIZE_NUMBER,
                      before=4 + L.baseline_shift(L.SIZE_DATE, L.SIZE_NUMBER))
        if d.vv:
            self.para(number, d.vv, size=L.SIZE_VV, before=2)
        if d.place is not None:
            self.para(dated, decree30_date(d.issue_date, d.place), size=L.SIZE_DATE, italic=True, before=4)
        if d.number_text is None and not d.vv and d.place is None:
            t._tbl.remove(t.rows[1]._tr)

    def title(self, d: OfficialDocument, width: float) -> None:
        if d.kind:
            self.para(self.doc, d.kind, size=L.SIZE_TITLE, bold=True, before=18, keep_next=True)
            if d.subject:
                self.para(self.doc, d.subject, size=L.SIZE_TITLE, bold=True, keep_next=True)
                if d.recipients_to:
                    # Word and LibreOffice take the larger of one paragraph's space after and the next one's
                    # space before (the PDF adds them): the space under the rule moves to "Kính gửi".
                    self.rule(self.doc, L.subject_rule_mm(d.subject, width), width, below=0.0)
                    self.recipients(d.recipients_to, extra_before=self.rule_below(L.RULE_AFTER))
                    return
                self.rule(self.doc, L.subject_rule_mm(d.subject, width), width, after=L.RULE_AFTER)
            else:
                self.gap(self.doc, L.TITLE_GAP)
        if d.recipients_to:
            self.recipients(d.recipients_to)

    def recipients(self, lines: list[str], extra_before: float = 0.0) -> None:
        label = "Kính gửi: "
        if len(lines) == 1:
            self.para(self.doc, label + lines[0], size=L.SIZE_BODY, before=12 + extra_before, after=12)
            return
        indent = 25.0
        hang = text_width(label, L.SIZE_BODY) / L.MM
        for i, line in enumerate(lines):
            self.para(self.doc, (label if i == 0 else "") + L.dashed(line), size=L.SIZE_BODY, align="left",
                      left_mm=indent + hang, first_indent_mm=-hang if i == 0 else 0.0,
                      before=12 + extra_before if i == 0 else 0, after=12 if i == len(lines) - 1 else 0)

    def block(self, container, block, width: float, keep_next: bool = False) -> None:
        if isinstance(block, Heading):
            self.para(container, block.text, bold=True, align="justify", first_indent_mm=L.FIRST_LINE_INDENT,
                      after=L.SPACE_AFTER_PARAGRAPH, spacing=L.LINE_SPACING, keep_next=True)
        elif isinstance(block, Paragraph):
            self.para(container, block.text, size=block.size or L.SIZE_BODY, bold=block.bold,
                      italic=block.italic, align=block.align,
                      first_indent_mm=L.FIRST_LINE_INDENT if block.indent else 0.0,
                      after=block.space_after, spacing=L.LINE_SPACING, keep_next=keep_next)
        elif isinstance(block, Table):
            self.table(block, width)
        elif isinstance(block, Spacer):
            self.gap(container, block.height)
        else:  # pragma: no cover - a builder bug
            raise TypeError(f"unknown block {block!r}")

    def table(self, table: Table, width: float) -> None:
        """A bordered table written as WordprocessingML in one go: python-docx's cell API costs O(cells)
        per cell, which makes a list of thousands of dossiers take minutes; this takes a second.
        Cell margins are 3 pt a side, as in the PDF, so both break the lines of a cell alike.

        Rows never split (cantSplit); the header rows repeat on every page (tblHeader) and, like group
        headings (``Row.keep_with_next``), keep with the row after them: Word keeps a row with the next
        when every paragraph in it is "keep with next"."""
        total = sum(table.widths)
        widths = [_twips(width * w / total) for w in table.widths]
        n_header = len(table.header)
        n_rows = n_header + len(table.rows)
        grid: list[list[str | None]] = [[None] * table.columns for _ in range(n_rows)]
        n_body = len(table.rows)
        kept = table.kept_with_next()
        for r, c, cell, row in table.placed():
            head = r < n_header
            keep = (head and n_body > 0) or (not head and kept[r - n_header])
            bold = cell.bold if cell.bold is not None else (head or row.bold)
            italic = cell.italic if cell.italic is not None else row.italic
            align = cell.align or ("center" if head else table.column_align(c))
            span = sum(widths[c:c + cell.colspan])
            props = f'<w:tcW w:w="{span}" w:type="dxa"/>'
            if cell.colspan > 1:
                props += f'<w:gridSpan w:val="{cell.colspan}"/>'
            merge = '<w:vMerge w:val="restart"/>' if cell.rowspan > 1 else ""
            paragraph = self._cell_paragraph(cell.text, table.font_size, bool(bold), bool(italic), align, keep)
            grid[r][c] = f"<w:tc><w:tcPr>{props}{merge}<w:vAlign w:val=\"center\"/></w:tcPr>{paragraph}</w:tc>"
            for below in range(r + 1, r + cell.rowspan):
                grid[below][c] = (f"<w:tc><w:tcPr>{props}<w:vMerge/><w:vAlign w:val=\"center\"/></w:tcPr>"
                                  f"{self._cell_paragraph('', table.font_size, False, False, align, keep)}</w:tc>")
            for right in range(c + 1, c + cell.colspan):
                for down in range(r, r + cell.rowspan):
                    grid[down][right] = ""
        rows = []
        for r, cells in enumerate(grid):
            header = "<w:tblHeader/>" if r < n_header and table.repeat_header else ""
            rows.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>{''.join(c or '' for c in cells)}</w:tr>")
        border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
        borders = "".join(f"<w:{side} {border}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        xml = (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
               f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders>'
               '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="60" w:type="dxa"/>'
               '<w:right w:w="60" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
               'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
               f'<w:tblGrid>{"".join(f"<w:gridCol w:w={chr(34)}{w}{chr(34)}/>" for w in widths)}</w:tblGrid>'
               f'{"".join(rows)}</w:tbl>')
        self.doc.element.body._insert_tbl(parse_xml(xml))
        self.gap(self.doc, L.TABLE_GAP)   # as tall as the PDF's space after a table

    def _cell_paragraph(self, text: Text, size: float, bold: bool, italic: bool, align: str,
                        keep_next: bool = False) -> str:
        """One table paragraph as XML, formatted exactly as ``para`` formats one (2 pt above and below)."""
        half_points = round(size * 2)
        fonts = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
        spacing = '<w:spacing w:before="40" w:after="40" w:line="240" w:lineRule="auto"/>'
        jc = f'<w:jc w:val="{_JC[align]}"/>'
        runs = []
        for part in inlines(text):
            if isinstance(part, Footnote):
                self.footnotes.append(part.text)
                runs.append(f'<w:r><w:rPr>{fonts}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
                            f'<w:vertAlign w:val="superscript"/></w:rPr>'
                            f'<w:footnoteReference w:id="{len(self.footnotes)}"/></w:r>')
                continue
            if not part.text:
                continue
            emphasis = ("<w:b/><w:bCs/>" if bold or part.bold else "") + ("<w:i/><w:iCs/>" if italic or part.italic else "")
            pieces = "<w:br/>".join(f'<w:t xml:space="preserve">{_xml_text(line)}</w:t>'
                                    for line in part.text.split("\n"))
            runs.append(f'<w:r><w:rPr>{fonts}{emphasis}<w:sz w:val="{half_points}"/>'
                        f'<w:szCs w:val="{half_points}"/></w:rPr>{pieces}</w:r>')
        mark = "" if runs else f'<w:rPr><w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
        keep = "<w:keepNext/>" if keep_next else ""
        return f"<w:p><w:pPr>{keep}<w:widowControl/>{spacing}{jc}{mark}</w:pPr>{''.join(runs)}</w:p>"

    def foot(self, d: OfficialDocument, width: float) -> None:
        if not d.noi_nhan and d.signature is None:
            return
        last = [child for child in self.doc.element.body if child.tag != qn("w:sectPr")][-1:]
        if last and last[0].tag == qn("w:p"):  # the closing paragraph stays on the page of the signature
            DocxParagraph(last[0], self.doc._body).paragraph_format.keep_with_next = True
        self.gap(self.doc, L.FOOT_GAP, keep_next=True)
        left_w = width * L.FOOT_LEFT_SHARE
        t = _layout_table(self.doc, [left_w, width - left_w], rows=1, shift_mm=0)
        t.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        left, right = t.cell(0, 0), t.cell(0, 1)
        if d.noi_nhan:
            self.para(left, "Nơi nhận:", size=L.SIZE_NOI_NHAN_LABEL, bold=True, italic=True, align="left")
            for line in d.noi_nhan:
                self.para(left, line, size=L.SIZE_NOI_NHAN, align="left")
        else:
            self.para(left, "")
        sig = d.signature
        if sig is not None:
            for line in sig.lines:
                self.para(right, line.upper(), size=L.SIZE_SIGNATURE, bold=True)
            if sig.hint:
                self.para(right, sig.hint, size=L.SIZE_SIGNATURE, italic=True)
            for _ in range(L.SIGNATURE_BLANK_LINES):
                self.para(right, "", size=L.SIZE_SIGNATURE)
            self.para(right, sig.name, size=L.SIZE_SIGNATURE, bold=True)

    def gap(self, container, height: float, keep_next: bool = False):
        """An empty paragraph exactly ``height`` points tall (the PDF's spacer of that height)."""
        p = self.para(container, "", size=1, keep_next=keep_next)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        p.paragraph_format.line_spacing = Pt(max(height, 1))
        return p

    def appendix(self, appendix: Appendix) -> None:
        if self.section_end is not None:   # the section break's own 1 pt paragraph follows the table instead
            self.section_end._p.getparent().remove(self.section_end._p)
            self.section_end = None
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        _shrink_section_break(self.doc)
        self.page_setup(section, landscape=appendix.landscape, restart=True)
        width = L.text_width_mm(appendix.landscape)
        self.para(self.doc, appendix.label, size=L.SIZE_TITLE, bold=True, keep_next=True)
        self.para(self.doc, appendix.title.upper(), size=L.SIZE_TITLE, bold=True, keep_next=True)
        if appendix.reference:
            self.para(self.doc, appendix.reference, size=L.SIZE_TITLE, italic=True, keep_next=True)
        self.rule(self.doc, L.appendix_rule_mm(appendix.title, width), width, after=L.RULE_AFTER)
        self.blocks(appendix.blocks, width)
        if appendix.blocks and isinstance(appendix.blocks[-1], Table):
            # Word needs a paragraph after a table; a full-size one at the foot of a page would open a page
            # holding nothing but the page number
            last = [child for child in self.doc.element.body if child.tag != qn("w:sectPr")][-1]
            self.section_end = DocxParagraph(last, self.doc._body)
            self.section_end.paragraph_format.line_spacing = Pt(L.HAIRLINE)

    # --- package details ---------------------------------------------------------------------
    def _footnotes_part(self) -> None:
        if not self.footnotes:
            return
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        size = str(round(L.SIZE_FOOTNOTE * 2))
        line = str(round(L.leading(L.SIZE_FOOTNOTE, 1.0) * 20))
        root = etree.Element(f"{{{w}}}footnotes", nsmap={"w": w})
        for fid, kind, mark in (("-1", "separator", "separator"), ("0", "continuationSeparator",
                                                                      "continuationSeparator")):
            # the separator is one line of footnote-sized text, as the PDF reserves it
            fn = etree.SubElement(root, f"{{{w}}}footnote", {f"{{{w}}}type": kind, f"{{{w}}}id": fid})
            p = etree.SubElement(fn, f"{{{w}}}p")
            ppr = etree.SubElement(p, f"{{{w}}}pPr")
            etree.SubElement(ppr, f"{{{w}}}spacing", {f"{{{w}}}after": "0", f"{{{w}}}line": "240",
                                                      f"{{{w}}}lineRule": "auto"})
            mark_rpr = etree.SubElement(ppr, f"{{{w}}}rPr")
            etree.SubElement(mark_rpr, f"{{{w}}}sz", {f"{{{w}}}val": size})
            r = etree.SubElement(p, f"{{{w}}}r")
            rpr = etree.SubElement(r, f"{{{w}}}rPr")
            etree.SubElement(rpr, f"{{{w}}}sz", {f"{{{w}}}val": size})
            etree.SubElement(r, f"{{{w}}}{mark}")
        for i, note in enumerate(self.footnotes, start=1):
            fn = etree.SubElement(root, f"{{{w}}}footnote", {f"{{{w}}}id": str(i)})
            p = etree.SubElement(fn, f"{{{w}}}p")
            ppr = etree.SubElement(p, f"{{{w}}}pPr")
            # exact single lines: the raised note number would otherwise make its line taller than the PDF's
            etree.SubElement(ppr, f"{{{w}}}spacing", {f"{{{w}}}after": "0", f"{{{w}}}line": line,
                                                      f"{{{w}}}lineRule": "exact"})
            etree.SubElement(ppr, f"{{{w}}}jc", {f"{{{w}}}val": "both"})
            for text, sup in ((None, True), (" " + note, False)):
                r = etree.SubElement(p, f"{{{w}}}r")
                rpr = etree.SubElement(r, f"{{{w}}}rPr")
                etree.SubElement(rpr, f"{{{w}}}rFonts", {f"{{{w}}}{k}": FONT for k in
                                                         ("ascii", "hAnsi", "eastAsia", "cs")})
                etree.SubElement(rpr, f"{{{w}}}sz", {f"{{{w}}}val": size})
                etree.SubElement(rpr, f"{{{w}}}szCs", {f"{{{w}}}val": size})
                if sup:
                    etree.SubElement(rpr, f"{{{w}}}vertAlign", {f"{{{w}}}val": "superscript"})
                if sup:
                    etree.SubElement(r, f"{{{w}}}footnoteRef")
                else:
                    t = etree.SubElement(r, f"{{{w}}}t")
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                    t.text = text
        blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, self.doc.part.package)
        self.doc.part.relate_to(part, RT.FOOTNOTES)
        settings = self.doc.settings.element
        _insert_ordered(settings, parse_xml(f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/>'
                                            '<w:footnote w:id="0"/></w:footnotePr>'), _SETTINGS_TAIL)


_TBL_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook")
_SECT_ORDER = ("headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
               "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
               "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid")

# the end of CT_Settings, where footnotePr belongs
_SETTINGS_TAIL = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
                  "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                  "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
                  "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")


def _insert_ordered(parent, child, order: tuple[str, ...]) -> None:
    """Insert (or replace) a property element where the WordprocessingML schema wants it; Word is strict."""
    name = child.tag.split("}")[1]
    old = parent.find(child.tag)
    if old is not None:
        old.addprevious(child)
        parent.remove(old)
        return
    later = set(order[order.index(name) + 1:])
    for i, existing in enumerate(parent):
        if existing.tag.split("}")[1] in later:
            parent.insert(i, child)
            return
    parent.append(child)


def _shrink_section_break(doc) -> None:
    """The paragraph carrying a section break is an empty line: make it tiny so it never spills a page."""
    p = [para for para in doc.paragraphs if para._p.pPr is not None and para._p.pPr.sectPr is not None][-1]
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Pt(1)
    mark = parse_xml(f'<w:rPr {nsdecls("w")}><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>')
    p._p.pPr.sectPr.addprevious(mark)


def _format(run, size: float, bold=False, italic=False):
    font = run.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    rpr = run._r.get_or_add_rPr()
    _all_scripts(rpr)
    szcs = OxmlElement("w:szCs")
    szcs.set(qn("w:val"), str(round(size * 2)))
    rpr.find(qn("w:sz")).addnext(szcs)
    return run


def _all_scripts(rpr) -> None:
    """Name Times New Roman for every script slot of a run or style."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _fresh_paragraph(container):
    """A cell starts with one empty paragraph: use it for the first text instead of adding another."""
    paragraphs = container.paragraphs
    if hasattr(container, "_tc") and len(paragraphs) == 1 and paragraphs[0]._p.pPr is None \
            and not paragraphs[0].runs:
        return paragraphs[0]
    return container.add_paragraph()


def _layout_table(doc, widths_mm: list[float], rows: int, shift_mm: float):
    """A borderless table used for layout (header block, foot), with no cell padding at the sides."""
    t = doc.add_table(rows=rows, cols=len(widths_mm))
    _fix_geometry(t, widths_mm, shift_mm=shift_mm)
    tblPr = t._tbl.tblPr
    borders = parse_xml(f'<w:tblBorders {nsdecls("w")}>' + "".join(
        f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>")
    _insert_ordered(tblPr, borders, _TBL_ORDER)
    margins = parse_xml(f'<w:tblCellMar {nsdecls("w")}><w:left w:w="0" w:type="dxa"/>'
                        '<w:right w:w="0" w:type="dxa"/></w:tblCellMar>')
    _insert_ordered(tblPr, margins, _TBL_ORDER)
    return t


def _fix_geometry(t, widths_mm: list[float], shift_mm: float) -> None:
    """Fixed layout with explicit widths on the grid and every cell (Word ignores column widths)."""
    t.autofit = False
    tblPr = t._tbl.tblPr
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = OxmlElement("w:tblW")
        _insert_ordered(tblPr, tblW, _TBL_ORDER)
    tblW.set(qn("w:w"), str(sum(_twips(w) for w in widths_mm)))
    tblW.set(qn("w:type"), "dxa")
    if shift_mm:
        ind = OxmlElement("w:tblInd")
        ind.set(qn("w:w"), str(-_twips(shift_mm)))
        ind.set(qn("w:type"), "dxa")
        _insert_ordered(tblPr, ind, _TBL_ORDER)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _insert_ordered(tblPr, layout, _TBL_ORDER)
    for col, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(_twips(w)))
    for row in t.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)


def write(document: OfficialDocument, path: Path) -> None:
    _Writer().write(document, path)
