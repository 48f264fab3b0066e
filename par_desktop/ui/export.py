"""Writing what a table shows to an Excel file, and asking where to save it.

Dates go to Excel as real dates (format dd/mm/yyyy, or dd/mm/yyyy hh:mm for moments), numbers as
numbers, so a clerk can sort and sum in Excel; text goes as text, never as a formula
(``domain.safe_cells``); the header row is bold and frozen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from par_desktop.domain.safe_cells import append_row
from par_desktop.domain.text import nfc

DATE_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"
_MAX_WIDTH = 60


def _cell_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, (int, float, Decimal, date)):
        return value
    return nfc(str(value))


def _width(value: Any) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = "" if value is None else str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def export_rows_to_xlsx(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
                        sheet_title: str = "Dữ liệu") -> Path:
    """Write ``headers`` and ``rows`` to a new .xlsx at ``path`` and return the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    append_row(sheet, [nfc(h) for h in headers])
    widths = [len(nfc(h)) for h in headers]
    for values in rows:
        cells = [_cell_value(v) for v in values]
        row_no = append_row(sheet, cells)
        for col, value in enumerate(cells, start=1):
            if isinstance(value, datetime):
                sheet.cell(row_no, col).number_format = MOMENT_FORMAT
            elif isinstance(value, date):
                sheet.cell(row_no, col).number_format = DATE_FORMAT
            if col <= len(widths):
                widths[col - 1] = max(widths[col - 1], _width(value))
    bold = Font(bold=True)
    for col in range(1, len(headers) + 1):
        cell = sheet.cell(1, col)
        cell.font = bold
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = min(_MAX_WIDTH, widths[col - 1] + 2)
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(sheet.max_row, 1)}"
    try:
        workbook.save(path)
    except OSError as exc:
        from par_desktop.windows import explain_write_error

        raise explain_write_error(Path(path), exc) from None
    return path


def ask_save_path(parent, title: str, suggested_name: str, *, file_filter: str = "Tệp Excel (*.xlsx)",
                  suffix: str = ".xlsx") -> Path | None:
    """Ask where to save (starting in the folder used last time); None when the clerk cancels."""
    from PySide6.QtWidgets import QFileDialog

    from par_desktop.ui.context import prefs

    settings = prefs()
    folder = settings.value("export/last_dir", str(Path.home()))
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(Path(folder) / suggested_name), file_filter)
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    settings.setValue("export/last_dir", str(path.parent))
    return path


def ask_open_paths(parent, title: str, file_filter: str) -> list[Path]:
    """Ask for files to open (starting in the folder used last time); an empty list when cancelled."""
    from PySide6.QtWidgets import QFileDialog

    from par_desktop.ui.context import prefs

    settings = prefs()
    folder = settings.value("import/last_dir", str(Path.home()))
    chosen, _ = QFileDialog.getOpenFileNames(parent, title, str(folder), file_filter)
    if chosen:
        settings.setValue("import/last_dir", str(Path(chosen[0]).parent))
    return [Path(p) for p in chosen]
