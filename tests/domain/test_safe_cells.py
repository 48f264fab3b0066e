"""Excel exports write text, never formulas (issue 19, item 5): the export read back as a real .xlsx."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from par_desktop.ui.export import export_rows_to_xlsx

HOSTILE = ['=HYPERLINK("http://example.invalid/x","Mở")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "=1+1", "\t=1", "HS\x00001"]


def test_imported_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    path = export_rows_to_xlsx(tmp_path / "ho-so.xlsx", ["Mã hồ sơ", "Ngày", "Số"],
                               [[value, date(2024, 3, 1), 7] for value in HOSTILE])
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml          # no formula anywhere in the file
    sheet = load_workbook(path).active
    values = [sheet.cell(row, 1).value for row in range(2, 2 + len(HOSTILE))]
    assert values == [*HOSTILE[:5], "=1", "HS001"]       # as typed (spaces trimmed as every export does; NUL dropped)
    assert all(sheet.cell(row, 1).data_type == "s" for row in range(2, 2 + len(HOSTILE)))
    assert sheet.cell(2, 2).is_date and sheet.cell(2, 3).value == 7     # dates and numbers stay typed


@pytest.mark.parametrize("value", HOSTILE)
def test_the_helper_alone(value, tmp_path):
    from openpyxl import Workbook

    from par_desktop.domain.safe_cells import append_row

    book = Workbook()
    row = append_row(book.active, [value])
    book.save(tmp_path / "x.xlsx")
    assert load_workbook(tmp_path / "x.xlsx").active.cell(row, 1).data_type == "s"
