"""The Excel plan importer on sheets built the way clerks build them (openpyxl, read back for real)."""

import sys
from datetime import datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from plan_files import HEADER, reference_xlsx, write_plan_xlsx

from par_desktop.errors import InvalidInput
from par_desktop.importers.plan_xlsx import read_plan_xlsx


def test_reference_sheet_with_titles_merged_headings_and_column_numbers(tmp_path):
    plan = read_plan_xlsx(reference_xlsx(tmp_path / "phu-luc.xlsx"))
    assert [t.ref for t in plan.tasks] == ["I.1", "I.2", "I.3", "II.1", "III.A.1", "III.A.2", "III.A.3",
                                           "III.B.1", "III.B.2", "IV.1"]
    assert plan.year_hint == 2024
    assert plan.title.startswith("MỘT SỐ CHỈ TIÊU")
    # Excel row numbers: 2 title rows, a blank row, the header (4), "(1)…(6)" (5), section I (6).
    assert plan.tasks[0].location == "trang tính «Phụ lục», dòng 7"
    assert plan.tasks[0].lead == "Phòng Kế hoạch tài chính"


def test_excel_dates_numbers_and_vertically_merged_lead_cells(tmp_path):
    import openpyxl

    rows = [HEADER, ["I", "Công tác chung", "", "", "", ""],
            [1, "Việc một", "Phòng A", "", datetime(2024, 9, 30), ""],
            [2.0, "Việc hai", "Phòng B", "Các phòng, đơn vị", "Tháng 10/2024", "ghi chú"],
            [3, "Việc ba", None, None, "Quý IV/2024", None]]
    path = write_plan_xlsx(tmp_path / "p.xlsx", rows, titles=["KẾ HOẠCH NĂM 2024"], column_numbers=False)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    sheet.merge_cells("C6:C7")   # "Phòng B" leads tasks 2 and 3
    workbook.save(path)
    plan = read_plan_xlsx(path)
    assert [(t.ref, t.lead, t.deadline_text) for t in plan.tasks] == [
        ("I.1", "Phòng A", "30/09/2024"), ("I.2", "Phòng B", "Tháng 10/2024"), ("I.3", "Phòng B", "Quý IV/2024")]
    assert plan.tasks[1].note == "ghi chú"


def test_a_sheet_without_a_recognisable_header_names_the_sheet(tmp_path):
    path = write_plan_xlsx(tmp_path / "sai.xlsx", [["STT", "Việc", "Hạn"], [1, "a", "Tháng 7/2024"]],
                           sheet_title="Danh sách")
    with pytest.raises(InvalidInput) as info:
        read_plan_xlsx(path)
    assert "sai.xlsx" in info.value.message and "«Danh sách»" in info.value.message
    assert "dòng tiêu đề" in info.value.message


def test_sub_section_without_a_section_and_an_unreadable_number(tmp_path):
    rows = [HEADER, ["A", "Tiểu mục", "", "", "", ""], [1, "Việc một", "Phòng A", "", "Tháng 7/2024", ""],
            ["1a", "Việc lạ", "Phòng A", "", "Tháng 7/2024", ""]]
    path = write_plan_xlsx(tmp_path / "p.xlsx", rows, column_numbers=False)
    with pytest.raises(InvalidInput, match="dòng 4: số thứ tự “1a” không đọc được"):
        read_plan_xlsx(path)


def test_not_an_excel_file(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("TT;Nội dung\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="x.xlsx"):
        read_plan_xlsx(path)


def test_a_header_on_two_rows_with_merged_cells(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2025"
    sheet.merge_cells("A1:F1")
    for column, text in (("A", "STT"), ("B", "Nội dung công việc"), ("E", "Thời gian hoàn thành"), ("F", "Ghi chú")):
        sheet[f"{column}3"] = text
        sheet.merge_cells(f"{column}3:{column}4")
    sheet["C3"] = "Đơn vị"
    sheet.merge_cells("C3:D3")
    sheet["C4"], sheet["D4"] = "Chủ trì", "Phối hợp"
    sheet.append(["I", "Công tác chung"])
    sheet.append([1, "Việc một", "Phòng A", "Phòng B", "Tháng 3/2025"])
    workbook.save(tmp_path / "hai-dong.xlsx")
    plan = read_plan_xlsx(tmp_path / "hai-dong.xlsx")
    assert [(t.ref, t.lead, t.coordinating, t.deadline_text, t.location) for t in plan.tasks] == [
        ("I.1", "Phòng A", "Phòng B", "Tháng 3/2025", "trang tính «Sheet», dòng 6")]
