"""Reference for the monthly-report figures: the same tables written straight with python-docx / reportlab.

``python bench/direct_report.py DB --from YYYY-MM-DD --to YYYY-MM-DD --out FILE.docx|FILE.pdf`` reads the
period's dossiers with plain ``sqlite3`` (one GROUP BY for the 13-column table by field, one query for
the overdue list with the explanations) and writes a document of the same size as the app's monthly
report: a few paragraphs in portrait, then the 13-column statistics table and the overdue list in
landscape (grouped by unit and procedure, as the app lays it out), in Times-metric Liberation Serif (embedded in the PDF, as the app does). No templates, no
document model, no Decree 30 layout rules: the floor of what writing this report can cost.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from datetime import date, timedelta
from pathlib import Path

FONTS = Path(__file__).resolve().parent.parent / "resources" / "fonts"
STATS_HEADER = ["STT", "Lĩnh vực", "Tổng số", "Trực tuyến", "Trực tiếp, bưu chính", "Kỳ trước chuyển qua",
                "Đã giải quyết", "Trước hạn", "Đúng hạn", "Quá hạn", "Đang giải quyết", "Trong hạn", "Quá hạn"]
OVERDUE_HEADER = ["TT", "Mã hồ sơ", "Người nộp hồ sơ", "Hạn giải quyết", "Ngày kết thúc", "Số ngày quá hạn",
                  "Nội dung giải trình"]
# Column widths (relative), as a clerk would lay the tables out on a landscape page.
STATS_WIDTHS = [6, 34, *[9] * 11]
OVERDUE_WIDTHS = [10, 50, 57, 31, 31, 18, 55]
PARAGRAPHS = [
    "Thực hiện Kế hoạch cải cách hành chính năm 2024, Văn phòng Sở báo cáo kết quả thực hiện trong tháng "
    "như sau.",
    "Tình hình tiếp nhận và giải quyết thủ tục hành chính trong kỳ được tổng hợp tại Phụ lục I; danh sách "
    "hồ sơ quá hạn và nội dung giải trình của các phòng, đơn vị tại Phụ lục II.",
    "Đề nghị các phòng, đơn vị có hồ sơ quá hạn khẩn trương giải trình và xin lỗi tổ chức, cá nhân theo "
    "quy định.",
]


def read(db: str, first: date, last: date) -> tuple[list[list], list[list]]:
    start, after = first.isoformat(), (last + timedelta(days=1)).isoformat()
    con = sqlite3.connect(db)
    stats = con.execute(
        """SELECT field,
             SUM(received_at >= :s AND channel = 'online'), SUM(received_at >= :s AND channel <> 'online'),
             SUM(received_at < :s),
             SUM(closed_at < :a AND date(closed_at) < date(due_at)),
             SUM(closed_at < :a AND date(closed_at) >= date(due_at) AND closed_at <= due_at),
             SUM(closed_at < :a AND closed_at > due_at),
             SUM((closed_at IS NULL OR closed_at >= :a) AND due_at >= :a),
             SUM((closed_at IS NULL OR closed_at >= :a) AND due_at < :a)
           FROM dossier WHERE received_at < :a AND (closed_at IS NULL OR closed_at >= :s) AND NOT withdrawn
           GROUP BY field ORDER BY field""", {"s": start, "a": after}).fetchall()
    table = []
    for i, (field, online, direct, carried, early, on_time, late, within, overdue) in enumerate(stats, 1):
        table.append([i, field, online + direct + carried, online, direct, carried, early + on_time + late,
                      early, on_time, late, within + overdue, within, overdue])
    table.append(["", "Tổng cộng", *(sum(row[k] for row in table) for k in range(2, 13))])
    overdue = con.execute(
        """SELECT COALESCE(u.name, ''), d.procedure_name, d.code, d.applicant, d.due_at, d.closed_at,
                  CAST(julianday(COALESCE(d.closed_at, :a)) - julianday(d.due_at) AS INTEGER),
                  COALESCE(e.reason, '')
           FROM dossier d LEFT JOIN unit u ON u.id = d.unit_id LEFT JOIN explanation e ON e.dossier_id = d.id
           WHERE NOT d.withdrawn AND d.received_at < :a AND (
                 (d.closed_at >= :s AND d.closed_at < :a AND d.closed_at > d.due_at)
              OR ((d.closed_at IS NULL OR d.closed_at >= :a) AND d.due_at < :a))
           ORDER BY u.name, d.procedure_name, d.due_at""", {"s": start, "a": after}).fetchall()
    return table, grouped(overdue)


def moment(text: str | None) -> str:
    return f"{text[8:10]}/{text[5:7]}/{text[:4]} {text[11:16]}" if text else "Chưa kết thúc"


def grouped(overdue: list[tuple]) -> list[tuple[str, list]]:
    """Rows of the overdue list: ("unit", [I, name]), ("procedure", [name]), ("dossier", [7 cells])."""
    rows, unit_no, unit, procedure, number = [], 0, None, None, 0
    counts: dict[tuple, int] = {}
    for u, p, *_ in overdue:
        counts[(u,)] = counts.get((u,), 0) + 1
        counts[(u, p)] = counts.get((u, p), 0) + 1
    for u, p, code, applicant, due, closed, days, reason in overdue:
        if u != unit:
            unit, procedure, number, unit_no = u, None, 0, unit_no + 1
            rows.append(("unit", [str(unit_no), f"{u or '(Chưa xác định đơn vị)'} ({counts[(u,)]} hồ sơ)"]))
        if p != procedure:
            procedure = p
            rows.append(("procedure", ["", f"Thủ tục: {p} ({counts[(u, p)]} hồ sơ)"]))
        number += 1
        rows.append(("dossier", [str(number), code, applicant, moment(due), moment(closed), str(max(days, 0)),
                                 reason or "Chưa có giải trình"]))
    return rows


def write_docx(path: Path, stats: list[list], overdue: list[list], title: str) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(14)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for line in ("VĂN PHÒNG SỞ", "BÁO CÁO", title):
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in PARAGRAPHS:
        doc.add_paragraph(text)
    for heading, header, rows in (("PHỤ LỤC I", STATS_HEADER, [("dossier", r) for r in stats]),
                                  ("PHỤ LỤC II", OVERDUE_HEADER, overdue)):
        section = doc.add_section()
        section.orientation, section.page_width, section.page_height = WD_ORIENT.LANDSCAPE, Mm(297), Mm(210)
        doc.add_paragraph(heading).alignment = WD_ALIGN_PARAGRAPH.CENTER
        table = doc.add_table(rows=1 + len(rows), cols=len(header))
        table.style = "Table Grid"
        for row, (kind, values) in zip(table.rows, [("header", header), *rows]):
            cells = row.cells
            if kind in ("unit", "procedure"):
                cells[1].merge(cells[-1])
            for cell, value in zip(cells, values):
                cell.text = str(value)
    doc.save(str(path))


def write_pdf(path: Path, stats: list[list], overdue: list[list], title: str) -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import (BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate, Paragraph,
                                    Table, TableStyle)

    pdfmetrics.registerFont(TTFont("Serif", str(FONTS / "LiberationSerif-Regular.ttf")))
    text = ParagraphStyle("text", fontName="Serif", fontSize=14, leading=18)
    centred = ParagraphStyle("centred", parent=text, alignment=1)
    cell = ParagraphStyle("cell", fontName="Serif", fontSize=11, leading=13)
    stats_cell = ParagraphStyle("stats", parent=cell, fontSize=12, leading=14)
    doc = BaseDocTemplate(str(path), pagesize=A4)
    portrait = Frame(30 * 2.835, 20 * 2.835, 160 * 2.835, 257 * 2.835)
    wide = Frame(20 * 2.835, 20 * 2.835, 257 * 2.835, 170 * 2.835)
    doc.addPageTemplates([PageTemplate("portrait", [portrait], pagesize=A4),
                          PageTemplate("landscape", [wide], pagesize=landscape(A4))])
    story = [Paragraph(line, centred) for line in ("VĂN PHÒNG SỞ", "BÁO CÁO", title)]
    story += [Paragraph(p, text) for p in PARAGRAPHS]
    for heading, header, rows, widths, style in (
            ("PHỤ LỤC I", STATS_HEADER, [("dossier", r) for r in stats], STATS_WIDTHS, stats_cell),
            ("PHỤ LỤC II", OVERDUE_HEADER, overdue, OVERDUE_WIDTHS, cell)):
        story += [NextPageTemplate("landscape"), PageBreak(), Paragraph(heading, centred)]
        commands = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                    ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
        columns = [wide.width * w / sum(widths) for w in widths]
        commands += [("FONT", (0, 0), (-1, -1), "Serif", style.fontSize, style.leading)]

        def cell_of(value, width: float, style=style):
            """A plain string where it fits on one line (reportlab's fast path), a wrapping Paragraph else."""
            text = str(value)
            return text if stringWidth(text, "Serif", style.fontSize) <= width - 4 else Paragraph(text, style)

        data = [[Paragraph(str(v), style) for v in header]]
        for kind, values in rows:
            if kind in ("unit", "procedure"):
                commands.append(("SPAN", (1, len(data)), (-1, len(data))))
                data.append([values[0], Paragraph(values[1], style)] + [""] * (len(header) - 2))
            else:
                data.append([cell_of(v, w) for v, w in zip(values, columns)])
        story.append(Table(data, colWidths=columns, repeatRows=1, style=TableStyle(commands)))
    doc.build(story)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--from", dest="first", required=True, type=date.fromisoformat)
    parser.add_argument("--to", dest="last", required=True, type=date.fromisoformat)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    stats, overdue = read(args.db, args.first, args.last)
    title = f"Kết quả thực hiện từ ngày {args.first:%d/%m/%Y} đến ngày {args.last:%d/%m/%Y}"
    (write_pdf if args.out.suffix == ".pdf" else write_docx)(args.out, stats, overdue, title)
    print(f"{args.out} ({len(stats) - 1} fields, {sum(kind == 'dossier' for kind, _ in overdue)} overdue dossiers)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
