"""The Word plan importer on files built the way clerks build them (python-docx, read back for real)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from plan_files import HEADER, reference_docx, reference_parts, write_plan_docx

from par_desktop.errors import InvalidInput
from par_desktop.importers.plan_docx import read_plan_docx

REFS = ["I.1", "I.2", "I.3", "II.1", "III.A.1", "III.A.2", "III.A.3", "III.B.1", "III.B.2", "IV.1"]


def test_reference_plan_gives_its_ten_tasks_with_refs_units_and_wording(tmp_path):
    plan = read_plan_docx(reference_docx(tmp_path / "ke-hoach-38.docx"))
    assert [t.ref for t in plan.tasks] == REFS
    by_ref = {t.ref: t for t in plan.tasks}
    assert by_ref["I.1"].lead == "Phòng Kế hoạch tài chính"
    assert by_ref["III.B.1"].lead == "Phòng Lao động – Việc làm; phòng Người có công"
    assert by_ref["III.A.2"].coordinating == "Văn phòng Sở, phòng kế hoạch – Tài chính"
    assert by_ref["II.1"].deadline_text == "Xong trước ngày 30/9/2024"
    assert by_ref["III.A.3"].deadline_text == "Thường xuyên"
    assert by_ref["III.A.1"].section_title == "Cải cách thủ tục hành chính"
    assert by_ref["III.A.1"].subsection_title == "Công tác truyền truyền về TTHC"
    assert by_ref["IV.1"].content.startswith("Đề án chi trả trợ cấp ưu đãi người có công")
    # The plan's facts: number from the header table, year from the title (not the date line's 2023).
    assert (plan.number, plan.number_text) == (38, "38/KH-LĐTĐ&XH")
    assert plan.year_hint == 2024
    assert plan.title.startswith("Nâng cao Chỉ số cải cách hành chính")
    assert plan.issued_on is None   # "ngày 29 tháng 02 năm 2023" does not exist: informative only
    # Row numbers as the clerk counts them in the table (header = row 1, sections and the empty row count).
    assert by_ref["I.1"].location == "dòng 3 của bảng phụ lục"
    assert by_ref["III.A.1"].location == "dòng 11 của bảng phụ lục"


def test_headings_merged_over_the_whole_row_read_the_same(tmp_path):
    merged = read_plan_docx(reference_docx(tmp_path / "a.docx", merge_headings="row"))
    plain = read_plan_docx(reference_docx(tmp_path / "b.docx", merge_headings="none", header_table=False))
    assert [t.ref for t in merged.tasks] == REFS == [t.ref for t in plain.tasks]
    assert merged.tasks[0].section_title == "Tham mưu ban hành văn bản QPPL"


def _rows(*tasks):
    return [HEADER, ["I", "Công tác chung", "", "", "", ""], *tasks]


def test_units_one_per_line_and_a_lead_cell_merged_down_two_rows(tmp_path):
    import docx

    path = write_plan_docx(tmp_path / "p.docx", ["KẾ HOẠCH", "Công tác CCHC năm 2025"], ["PHỤ LỤC"],
                           _rows(["1", "Việc một", "Phòng A\nPhòng B", "", "Quý I/2025", ""],
                                 ["2", "Việc hai", "Phòng C", "", "Tháng 3/2025", ""],
                                 ["3", "Việc ba", "", "", "Tháng 4/2025", ""]))
    document = docx.Document(str(path))
    table = document.tables[-1]
    merged = table.cell(3, 2).merge(table.cell(4, 2))   # "Phòng C" leads tasks 2 and 3
    merged.text = "Phòng C"
    document.save(str(path))
    plan = read_plan_docx(path)
    assert [t.lead for t in plan.tasks] == ["Phòng A\nPhòng B", "Phòng C", "Phòng C"]
    assert plan.year_hint == 2025 and plan.title == "Công tác CCHC năm 2025"


def test_a_file_without_an_appendix_table_is_refused_by_name(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("PHỤ LỤC")
    document.save(str(tmp_path / "khong-bang.docx"))
    with pytest.raises(InvalidInput, match="khong-bang.docx.*không có bảng phụ lục"):
        read_plan_docx(tmp_path / "khong-bang.docx")


def test_a_table_without_a_recognisable_header_is_refused(tmp_path):
    path = write_plan_docx(tmp_path / "sai.docx", [], ["PHỤ LỤC"],
                           [["STT", "Việc", "Người làm", "Ngày"], ["1", "a", "b", "Tháng 7/2024"]])
    with pytest.raises(InvalidInput) as info:
        read_plan_docx(path)
    assert "sai.docx" in info.value.message and "dòng tiêu đề" in info.value.message
    assert "Đơn vị chủ trì" in info.value.message


def test_duplicate_refs_name_both_rows(tmp_path):
    path = write_plan_docx(tmp_path / "trung.docx", [], ["PHỤ LỤC"],
                           _rows(["1", "Việc một", "Phòng A", "", "Tháng 7/2024", ""],
                                 ["1", "Việc hai", "Phòng B", "", "Tháng 8/2024", ""]))
    with pytest.raises(InvalidInput) as info:
        read_plan_docx(path)
    assert "trung.docx" in info.value.message
    assert "dòng 4" in info.value.message and "dòng 3" in info.value.message and "I.1" in info.value.message


def test_a_row_with_content_but_no_number_is_refused_with_its_row(tmp_path):
    path = write_plan_docx(tmp_path / "p.docx", [], ["PHỤ LỤC"],
                           _rows(["1", "Việc một", "Phòng A", "", "Tháng 7/2024", ""],
                                 ["", "Việc không số", "Phòng B", "", "Tháng 8/2024", ""]))
    with pytest.raises(InvalidInput, match="dòng 4 của bảng phụ lục.*không có số thứ tự"):
        read_plan_docx(path)


def test_a_broken_file_is_an_error_not_a_traceback(tmp_path):
    path = tmp_path / "hong.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InvalidInput, match="hong.docx"):
        read_plan_docx(path)


def test_reference_parts_match_the_reference_text():
    body, titles, rows = reference_parts()
    assert titles[0] == "PHỤ LỤC" and rows[0] == HEADER
    assert sum(1 for r in rows if r[0].isdigit()) == 10


def test_a_header_on_two_rows_with_merged_cells(tmp_path):
    """"Đơn vị" merged over "Chủ trì | Phối hợp"; TT, content, deadline and note merged down both rows;
    and an extra "Sản phẩm" column that must not be taken for the deadline."""
    import docx

    document = docx.Document()
    document.add_paragraph("PHỤ LỤC")
    document.add_paragraph("NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2025")
    table = document.add_table(rows=5, cols=7)
    for col, text in ((0, "TT"), (1, "Nội dung nhiệm vụ"), (4, "Sản phẩm hoàn thành"), (5, "Thời hạn"),
                      (6, "Ghi chú")):
        merged = table.cell(0, col).merge(table.cell(1, col))
        merged.text = text
    unit = table.cell(0, 2).merge(table.cell(0, 3))
    unit.text = "Đơn vị"
    table.cell(1, 2).text, table.cell(1, 3).text = "Chủ trì", "Phối hợp"
    table.cell(2, 0).text = "I"
    table.cell(2, 1).merge(table.cell(2, 6)).text = "Công tác chỉ đạo"
    for row, (n, lead, due) in enumerate((("1", "Văn phòng Sở", "Quý I/2025"), ("2", "Phòng A", "Tháng 5/2025")),
                                         start=3):
        for col, text in enumerate((n, f"Việc {n}", lead, "Các phòng, đơn vị", "Báo cáo", due, "")):
            table.cell(row, col).text = text
    document.save(str(tmp_path / "hai-dong.docx"))
    plan = read_plan_docx(tmp_path / "hai-dong.docx")
    assert [(t.ref, t.lead, t.coordinating, t.deadline_text) for t in plan.tasks] == [
        ("I.1", "Văn phòng Sở", "Các phòng, đơn vị", "Quý I/2025"), ("I.2", "Phòng A", "Các phòng, đơn vị", "Tháng 5/2025")]
    assert plan.tasks[0].location == "dòng 4 của bảng phụ lục" and plan.year_hint == 2025
