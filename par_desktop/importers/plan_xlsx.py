"""Read a plan's task table from the first sheet of an Excel workbook.

Title rows above the header are allowed (they give the plan's title and year). A cell merged across
columns (a section row) keeps its text in its first column only; a cell merged down several rows (one
lead unit for three tasks) is repeated in each row, as the clerk reads it. Dates typed into the
deadline column and turned into Excel dates are read back as dd/mm/yyyy.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from par_desktop.domain.text import fold, ui_date
from par_desktop.errors import InvalidInput
from par_desktop.importers.plan_rows import (
    PlanDocument, SourceRow, clean_cell, find_header, header_names, missing_columns_message, parse_table,
    plan_number, year_in_title,
)

# Stop reading after this many empty rows in a row: sheets formatted down to row 1,048,576 exist.
_EMPTY_RUN_LIMIT = 500


def cell_lines(value) -> str:
    """A cell as the clerk reads it: dates dd/mm/yyyy, whole numbers without ".0", lines cleaned."""
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return ui_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_cell(value)


def read_plan_xlsx(path: str | Path) -> PlanDocument:
    """The plan on the first sheet of an .xlsx file; InvalidInput naming the file, sheet and row."""
    import openpyxl

    from par_desktop.importers import workbook_guard

    path = Path(path)
    workbook_guard.inspect(path)   # protected, oversized or bomb-like files are refused before reading
    try:
        workbook = openpyxl.load_workbook(str(path), data_only=True)
    except Exception as exc:  # any failure to parse the file is the file's fault
        raise InvalidInput(f"Không đọc được tệp Excel «{path.name}»: tệp hỏng hoặc không phải .xlsx "
                           "(tệp .xls cũ hãy mở bằng Excel rồi lưu lại dạng .xlsx).", detail=str(exc)) from exc
    try:
        sheet = workbook.worksheets[0]
        fill: dict[tuple[int, int], object] = {}
        for merged in sheet.merged_cells.ranges:
            if merged.max_row > merged.min_row:
                value = sheet.cell(merged.min_row, merged.min_col).value
                for row in range(merged.min_row + 1, merged.max_row + 1):
                    fill[(row, merged.min_col)] = value
        rows: list[SourceRow] = []
        empty_run = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = tuple(cell_lines(fill.get((number, column), value))
                          for column, value in enumerate(values, start=1))
            if any(cells):
                empty_run = 0
            else:
                empty_run += 1
                if empty_run > _EMPTY_RUN_LIMIT:
                    break
            rows.append(SourceRow(number, cells))
    finally:
        workbook.close()

    where = f"trang tính «{sheet.title}»"
    header = find_header(rows)
    if header is None:
        raise InvalidInput(f"Tệp «{path.name}», {where}: {missing_columns_message(rows)}")
    above = [line for row in rows[:header[0]] for text in row.cells for line in text.split("\n") if line]
    title = next((text for text in above
                  if fold(text) not in ("ke hoach", "phu luc") and not text.startswith("(")
                  and not fold(text).startswith(("so:", "so :"))), "")
    number, number_text = plan_number(above)
    tasks = parse_table(path.name, rows, lambda n: f"{where}, dòng {n}", header=header)
    governing, agency, place = header_names(above)
    return PlanDocument(source=path.name, title=title, number=number, number_text=number_text,
                        year_hint=year_in_title(above), tasks=tuple(tasks), governing_body=governing, agency=agency,
                        place=place)
