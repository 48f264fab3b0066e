"""Cells written to Excel exports are data, never formulas (issue 19, item 5): the one helper every
export uses.

A dossier code, an applicant's name or a note typed or imported as ``=HYPERLINK("http://…","Mở")``,
``+cmd|' /C calc'!A0``, ``-2+3`` or ``@SUM(…)`` would become a live formula in the clerk's Excel (and
openpyxl marks any text starting with ``=`` as a formula). ``append_row`` writes every text as text
(Excel's string cell type), so it shows exactly as typed; characters Excel cannot store (control
characters) are removed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")   # what the xlsx format cannot hold


def text(value: str) -> str:
    """Text as it can be stored in a cell (control characters removed)."""
    return _ILLEGAL.sub("", value)


def append_row(sheet: Any, values: Sequence[Any]) -> int:
    """Append ``values`` to an openpyxl worksheet with every text cell forced to text; returns the row.
    (``sheet``: a worksheet; the domain does not import openpyxl.)"""
    sheet.append([text(v) if isinstance(v, str) else v for v in values])
    row: int = sheet.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            sheet.cell(row, column).data_type = "s"
    return row
