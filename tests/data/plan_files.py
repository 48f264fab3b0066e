"""Plan files built the way clerks build them: a Word file with the Decree 30 header in a borderless
table, the plan's paragraphs, "PHỤ LỤC" with its title and the task table (section rows merged across
the columns, an empty row, units written inconsistently); and Excel sheets with title rows above the
header, merged section rows and a "(1) (2) …" row.

Import with ``sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))``.
"""

from __future__ import annotations

from pathlib import Path

# The real plan 38/KH of 2024 as text (paragraphs, then the appendix table with tab-separated cells).
REFERENCE_TXT = Path(__file__).resolve().with_name("ke-hoach-38-cchc-2024.txt")

HEADER = ["TT", "Nội dung, nhiệm vụ cụ thể", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành", "Ghi chú"]


def reference_parts() -> tuple[list[str], list[str], list[list[str]]]:
    """(paragraphs before the appendix, appendix title lines, table rows incl. header) of the reference plan.

    Rows keep the .txt's columns (tab-separated); the blank line inside the table is an empty row.
    """
    lines = REFERENCE_TXT.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == "PHỤ LỤC")
    header_at = next(i for i, line in enumerate(lines) if line.startswith("TT\t"))
    body = [line for line in lines[:start] if line.strip()]
    titles = [line for line in lines[start:header_at] if line.strip()]
    rows = []
    for line in lines[header_at:]:
        if not line.strip():
            if rows and rows[-1] != [""] * 6 and len(rows) > 1:
                rows.append([""] * 6)
            continue
        cells = line.split("\t")
        rows.append((cells + [""] * 6)[:6])
    while rows and rows[-1] == [""] * 6:
        rows.pop()
    return body, titles, rows


def _is_heading(cells: list[str]) -> bool:
    return bool(cells[0]) and not cells[0].isdigit() and not any(cells[2:])


def write_plan_docx(path: Path, body: list[str], titles: list[str], rows: list[list[str]], *,
                    merge_headings: str = "title", header_table: bool = True) -> Path:
    """A Word plan. ``merge_headings``: "title" merges a heading's title over columns 2–6 (the usual
    layout); "row" merges the whole row into one cell holding "I. Title"; "none" leaves them unmerged."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    paragraphs = list(body)
    if header_table and len(paragraphs) >= 2 and paragraphs[0].startswith("Số"):
        # The Decree 30 header block: agency and number on the left, motto and date on the right.
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "UBND TỈNH BẮC GIANG\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
        table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
        table.cell(1, 0).text = paragraphs[0]
        table.cell(1, 1).text = paragraphs[1]
        paragraphs = paragraphs[2:]
    for text in paragraphs:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text.replace("**", ""))
        run.bold = text.isupper() or text.startswith("**")
    section = document.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for text in titles:
        document.add_paragraph().add_run(text).bold = not text.startswith("(")
    table = document.add_table(rows=len(rows), cols=6)
    table.style = "Table Grid"
    for r, cells in enumerate(rows):
        if r > 0 and _is_heading(cells) and merge_headings == "title":
            table.cell(r, 0).text = cells[0]
            merged = table.cell(r, 1).merge(table.cell(r, 5))
            merged.text = cells[1]
            continue
        if r > 0 and _is_heading(cells) and merge_headings == "row":
            merged = table.cell(r, 0).merge(table.cell(r, 5))
            merged.text = f"{cells[0]}. {cells[1]}"
            continue
        for c, text in enumerate(cells):
            if text:
                table.cell(r, c).text = text
        if r == 0:
            for cell in table.rows[0].cells:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    document.save(str(path))
    return path


def reference_docx(path: Path, **options) -> Path:
    """The reference plan 38/KH as a clerk's Word file."""
    body, titles, rows = reference_parts()
    return write_plan_docx(path, body, titles, rows, **options)


def write_plan_xlsx(path: Path, rows: list[list], *, titles: list[str] = (), column_numbers: bool = True,
                    sheet_title: str = "Phụ lục", extra_first_sheet: bool = False) -> Path:
    """An Excel plan: title rows merged over the width, the header, "(1) … (6)", headings merged."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    r = 1
    for text in titles:
        sheet.cell(r, 1, text).font = Font(bold=True)
        sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
        r += 1
    if titles:
        r += 1   # an empty row under the title, as clerks leave one
    for c, text in enumerate(rows[0], start=1):
        sheet.cell(r, c, text).font = Font(bold=True)
    r += 1
    if column_numbers:
        for c in range(1, 7):
            sheet.cell(r, c, f"({c})").alignment = Alignment(horizontal="center")
        r += 1
    for cells in rows[1:]:
        if _is_heading([str(x) if x is not None else "" for x in cells]):
            sheet.cell(r, 1, cells[0]).font = Font(bold=True)
            sheet.cell(r, 2, cells[1]).font = Font(bold=True)
            sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
        else:
            for c, value in enumerate(cells, start=1):
                if value not in ("", None):
                    sheet.cell(r, c, int(value) if c == 1 and str(value).isdigit() else value)
        r += 1
    for column, width in zip("ABCDEF", (6, 60, 24, 24, 18, 12)):
        sheet.column_dimensions[column].width = width
    workbook.save(str(path))
    return path


def reference_xlsx(path: Path) -> Path:
    """The reference plan's appendix as a clerk's Excel sheet (titles above, merged headings)."""
    _, titles, rows = reference_parts()
    return write_plan_xlsx(path, rows, titles=[t for t in titles if not t.startswith("(")])


# The units of the reference plan's organisation (as the demo data has them): name, code, kind.
UNITS = [
    ("Văn phòng Sở", "VP", "office"),
    ("Phòng Kế hoạch - Tài chính", "KHTC", "division"),
    ("Phòng Lao động – Việc làm", "LĐVL", "division"),
    ("Phòng Người có công", "NCC", "division"),
    ("Phòng Bảo trợ xã hội", "BTXH", "division"),
    ("Phòng Việc làm – An toàn Lao động", "VLATLĐ", "division"),
    ("Phòng Giáo dục nghề nghiệp", "GDNN", "division"),
    ("Thanh tra Sở", "TTr", "division"),
]


def fill_reference_plan(folder: Path):
    """Into the bound (empty) database: the units, then the reference plan imported from its Word
    file with the obligations of its text — no progress reported yet."""
    from par_desktop.services import org
    from par_desktop.services.session import SYSTEM
    from par_desktop.services.tasks import plan_import

    for position, (name, code, kind) in enumerate(UNITS):
        org.create_unit(SYSTEM, name, code, kind=kind, sort_order=position)
    return plan_import.import_plan(SYSTEM, reference_docx(folder / "ke-hoach-38-cchc-2024.docx"), with_obligations=True)
