"""Reading the province's criteria table and the appraisal sheet from real .xlsx / .csv files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from index_files import HEADER, ROWS_2024, write_appraisal_xlsx, write_criteria_xlsx

from par_desktop.domain import par_index as rules
from par_desktop.errors import InvalidInput
from par_desktop.importers.index_sheet import read_appraisal, read_criteria


def test_the_table_as_provinces_publish_it(tmp_path):
    sheet = read_criteria(write_criteria_xlsx(tmp_path / "bo-chi-so.xlsx"))
    assert sheet.header_row == 5 and sheet.total == 10
    assert [r.code for r in sheet.rows] == [r[0] for r in ROWS_2024]
    first = sheet.rows[2]
    assert first.code == "1.1" and first.max_raw == "0,5"
    # the criterion written over two rows (code merged down) keeps both lines of its guidance
    assert first.guidance.endswith("(Kế hoạch ban hành sau ngày 31/01 tính là chậm)")
    assert first.guidance.startswith("Ban hành trong tháng 01")
    # the unit written once in a cell merged down two rows belongs to both
    by_code = {(r.code, r.title): r for r in sheet.rows}
    assert by_code[("2.2", "Báo cáo định kỳ gửi Sở Nội vụ đầy đủ, đúng hạn")].unit_text == "Văn phòng Sở"
    assert any("BỘ CHỈ SỐ" in line for line in sheet.title_lines)
    parsed = rules.build_set(sheet.rows, ["tasks_on_time_rate", "unit_reports_on_time_rate", "dossiers_on_time_rate",
                                          "dossiers_online_rate", "procedures_reviewed_share"])
    assert parsed.max_total == 10 and not parsed.warnings


def test_header_anywhere_in_the_first_ten_rows_and_not_below(tmp_path):
    assert read_criteria(write_criteria_xlsx(tmp_path / "a.xlsx", title_rows=0)).header_row == 2
    with pytest.raises(InvalidInput, match="không tìm thấy dòng tiêu đề trong 10 dòng đầu"):
        path = tmp_path / "b.xlsx"
        write_criteria_xlsx(path, title_rows=0)
        from openpyxl import load_workbook

        book = load_workbook(path)
        book.active.insert_rows(1, 10)
        book.save(path)
        read_criteria(path)


@pytest.mark.parametrize("drop, missing", [("STT", "«Mã» \\(hoặc «STT»\\)"), ("Điểm tối đa", "«Điểm tối đa»")])
def test_a_sheet_without_the_code_or_the_maximum_column(tmp_path, drop, missing):
    header = [h if h != drop else "Ghi chú" for h in HEADER]
    path = write_criteria_xlsx(tmp_path / "thieu-cot.xlsx", header=header)
    with pytest.raises(InvalidInput, match=f"dòng tiêu đề \\(dòng 5\\) thiếu cột {missing}"):
        read_criteria(path)


def test_header_written_over_two_rows(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for c, text in enumerate(["TT", "Tiêu chí", "Điểm", "Cách chấm điểm"], start=1):
        sheet.cell(2, c, text)
    sheet.cell(3, 3, "tối đa")
    sheet.cell(4, 1, "1")
    sheet.cell(4, 2, "Ban hành kế hoạch")
    sheet.cell(4, 3, 1)
    book.save(tmp_path / "two.xlsx")
    table = read_criteria(tmp_path / "two.xlsx")
    assert table.header_row == 3 and [(r.code, r.max_raw) for r in table.rows] == [("1", 1)]


def test_area_written_with_its_code_in_one_merged_cell(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for c, text in enumerate(["Mã", "Nội dung", "Điểm tối đa"], start=1):
        sheet.cell(1, c, text)
    sheet.cell(2, 1, "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    sheet.merge_cells("A2:B2")
    sheet.cell(3, 1, "1")
    sheet.cell(3, 2, "Kế hoạch")
    sheet.cell(3, 3, "0,5")
    book.save(tmp_path / "area.xlsx")
    rows = read_criteria(tmp_path / "area.xlsx").rows
    assert [(r.code, r.title) for r in rows] == [("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"), ("1", "Kế hoạch")]


def test_a_maximum_without_code_names_the_row(tmp_path):
    rows = list(ROWS_2024)
    rows[3] = ("", *rows[3][1:])
    with pytest.raises(InvalidInput, match=r"dòng 10: có điểm tối đa nhưng thiếu mã"):
        read_criteria(write_criteria_xlsx(tmp_path / "x.xlsx", rows=rows))


def test_a_formula_excel_never_computed_is_named(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for c, text in enumerate(["Mã", "Nội dung", "Điểm tối đa"], start=1):
        sheet.cell(1, c, text)
    sheet.cell(2, 1, "1")
    sheet.cell(2, 2, "A")
    sheet.cell(2, 3, "=0.5+0.5")
    book.save(tmp_path / "f.xlsx")
    with pytest.raises(InvalidInput, match="dòng 2: ô công thức «=0.5\\+0.5» chưa có giá trị"):
        read_criteria(tmp_path / "f.xlsx")


def test_csv_table(tmp_path):
    path = tmp_path / "bo-chi-so.csv"
    path.write_text("STT;Nội dung;Điểm tối đa\nI;Chỉ đạo;\n1;Kế hoạch;0,5\n", encoding="utf-8-sig")
    assert [(r.code, r.max_raw) for r in read_criteria(path).rows] == [("I", None), ("1", "0,5")]


def test_damaged_or_unknown_files(tmp_path):
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InvalidInput, match="hong.xlsx: không đọc được tệp Excel"):
        read_criteria(bad)
    with pytest.raises(InvalidInput, match="chỉ nhập được"):
        other = tmp_path / "x.docx"
        other.write_bytes(b"x")
        read_criteria(other)
    with pytest.raises(InvalidInput, match="Không tìm thấy tệp"):
        read_criteria(tmp_path / "khong-co.xlsx")


def test_appraisal_sheet_rows(tmp_path):
    path = write_appraisal_xlsx(tmp_path / "td.xlsx", {"I.1.1": ("0,25", "Ban hành chậm"), "II.1.1": (1, "")})
    rows = read_appraisal(path)
    assert [(r.code, r.points, r.reason) for r in rows] == [("I", None, ""), ("1.1", 0.25, "Ban hành chậm"),
                                                           ("II", None, ""), ("1.1", 1.0, "")]
