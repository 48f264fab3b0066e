"""PAR INDEX criteria tables built the way provinces publish them: title rows above the header, Roman
areas whose numbering restarts, decimal commas written as text, a unit cell merged down two rows, a
criterion written over two rows (its code cell merged down), a bonus area and a penalty area, and a
"Tổng cộng" row. Plus appraisal sheets.

Import with ``sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))``.
"""

from __future__ import annotations

from pathlib import Path

HEADER = ["STT", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Hướng dẫn chấm điểm",
          "Tài liệu kiểm chứng", "Đơn vị chủ trì", "Chỉ tiêu tự tính", "Thang điểm"]

# (code, title, max as written, guidance, evidence, unit, metric, bands)
ROWS_2024 = [
    ("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH", "4", "", "", "", "", ""),
    ("1", "Kế hoạch cải cách hành chính năm", "2", "", "", "", "", ""),
    ("1.1", "Ban hành kế hoạch CCHC năm kịp thời", "0,5",
     "Ban hành trong tháng 01: 0,5 điểm; ban hành chậm: 0,25 điểm; không ban hành: 0 điểm",
     "Kế hoạch CCHC năm của cơ quan", "Văn phòng Sở", "", ""),
    ("1.2", "Mức độ hoàn thành kế hoạch CCHC năm", 1.5,
     "Hoàn thành 100% nhiệm vụ đúng hạn: 1,5 điểm; từ 80% đến dưới 100%: 1 điểm; dưới 80%: 0 điểm",
     "Báo cáo kết quả thực hiện kế hoạch", "Văn phòng Sở", "tasks_on_time_rate", "≥100%: 1,5; ≥80%: 1; còn lại: 0"),
    ("2", "Báo cáo cải cách hành chính", "2", "", "", "", "", ""),
    ("2.1", "Các phòng, đơn vị báo cáo tháng đúng hạn", "1", "Tính theo tỷ lệ báo cáo đúng hạn",
     "Báo cáo tháng của các phòng, đơn vị", "Văn phòng Sở", "unit_reports_on_time_rate",
     ">=100%: 1; >=90%: 0,5; còn lại: 0"),
    ("2.2", "Báo cáo định kỳ gửi Sở Nội vụ đầy đủ, đúng hạn", "1",
     "Đầy đủ, đúng hạn: 1 điểm; chậm hoặc thiếu: 0 điểm", "Báo cáo quý, 6 tháng, năm", None, "", ""),
    ("II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "6", "", "", "", "", ""),
    ("1", "Kết quả giải quyết hồ sơ TTHC", "4", "", "", "", "", ""),
    ("1.1", "Tỷ lệ hồ sơ TTHC giải quyết trước và đúng hạn", "2", "", "Báo cáo tình hình giải quyết TTHC",
     "Văn phòng Sở", "dossiers_on_time_rate", "≥100%: 2; ≥95%: 1; còn lại: 0"),
    ("1.2", "Tỷ lệ hồ sơ TTHC tiếp nhận trực tuyến", "2", "", "Số liệu trên Hệ thống một cửa điện tử",
     "Văn phòng Sở", "dossiers_online_rate", "≥50%: 2; ≥30%: 1; còn lại: 0"),
    ("2", "Rà soát, đơn giản hóa TTHC", "2", "", "", "", "", ""),
    ("2.1", "Rà soát, đánh giá tối thiểu 10% TTHC đang có hiệu lực", "2",
     "Đạt từ 10% trở lên: 2 điểm; từ 5% đến dưới 10%: 1 điểm; dưới 5%: 0 điểm", "Báo cáo kết quả rà soát",
     "Phòng Lao động – Việc làm", "procedures_reviewed_share", "≥10%: 2; ≥5%: 1; còn lại: 0"),
    ("III", "ĐIỂM THƯỞNG", "", "", "", "", "", ""),
    ("1", "Có sáng kiến CCHC được cấp có thẩm quyền công nhận", "1", "Có: 1 điểm", "Quyết định công nhận sáng kiến",
     "Văn phòng Sở", "", ""),
    ("IV", "ĐIỂM TRỪ", "", "", "", "", "", ""),
    ("1", "Để xảy ra hồ sơ TTHC quá hạn không có giải trình", "-1",
     "Mỗi hồ sơ quá hạn không có giải trình trừ 0,25 điểm, tối đa trừ 1 điểm", "", "Văn phòng Sở", "", ""),
]


def write_criteria_xlsx(path: Path, rows=ROWS_2024, *, year: int = 2024, header=HEADER, title_rows: int = 3,
                        merge_unit_rows: bool = True, continuation: bool = True, total: str | None = "10") -> Path:
    """The province's table. With ``merge_unit_rows`` the unit of 2.1 is merged down over 2.2 (written
    once); with ``continuation`` criterion I.1.1 is written over two rows (code merged down, the
    guidance's second line in the second row)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Bộ chỉ số"
    width = len(header)
    if title_rows >= 1:
        sheet.cell(1, 1, "UBND TỈNH BẮC GIANG")
    if title_rows >= 2:
        sheet.cell(2, 1, f"BỘ CHỈ SỐ ĐÁNH GIÁ CÔNG TÁC CẢI CÁCH HÀNH CHÍNH CÁC SỞ, BAN, NGÀNH NĂM {year}")
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    if title_rows >= 3:
        sheet.cell(3, 1, "(Kèm theo Quyết định số …/QĐ-UBND ngày … của Chủ tịch UBND tỉnh)")
        sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
    r = title_rows + 2
    for c, text in enumerate(header, start=1):
        sheet.cell(r, c, text)
    unit_col = header.index("Đơn vị chủ trì") + 1 if "Đơn vị chủ trì" in header else None
    area_code = None
    for code, title, maximum, guidance, evidence, unit, metric, bands in rows:
        r += 1
        values = [code, title, maximum, guidance, evidence, unit, metric, bands][:width]
        for c, value in enumerate(values, start=1):
            if value not in ("", None):
                sheet.cell(r, c, value)
        if code in ("I", "II", "III", "IV"):
            area_code = code
        if merge_unit_rows and unit_col and code == "2.1" and area_code == "I":
            sheet.merge_cells(start_row=r, start_column=unit_col, end_row=r + 1, end_column=unit_col)
        if continuation and code == "1.1" and area_code == "I":
            r += 1
            sheet.cell(r, 4, "(Kế hoạch ban hành sau ngày 31/01 tính là chậm)")
            sheet.merge_cells(start_row=r - 1, start_column=1, end_row=r, end_column=1)
    if total is not None:
        r += 1
        sheet.cell(r, 2, "Tổng cộng")
        sheet.cell(r, 3, total)
    book.save(path)
    return path


def write_appraisal_xlsx(path: Path, scores: dict[str, tuple[object, str]], *, roman: bool = True) -> Path:
    """A council's result sheet: STT, Nội dung, Điểm thẩm định, Lý do; ``scores`` keyed by path
    ("I.1.1"), written under their Roman areas as the province does."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.cell(1, 1, "KẾT QUẢ THẨM ĐỊNH CHỈ SỐ CCHC")
    for c, text in enumerate(["STT", "Nội dung", "Điểm thẩm định", "Lý do"], start=1):
        sheet.cell(3, c, text)
    r = 3
    area = None
    for code, (points, reason) in scores.items():
        parts = code.split(".")
        if roman and parts[0] != area:
            area = parts[0]
            r += 1
            sheet.cell(r, 1, area)
            sheet.cell(r, 2, f"Lĩnh vực {area}")
        r += 1
        sheet.cell(r, 1, ".".join(parts[1:]) if roman else code)
        sheet.cell(r, 2, f"Tiêu chí {code}")
        sheet.cell(r, 3, points)
        sheet.cell(r, 4, reason)
    book.save(path)
    return path


ONE_STOP_HEADER = ["Mã hồ sơ", "Tên thủ tục", "Lĩnh vực", "Chủ hồ sơ", "Hình thức nộp", "Ngày tiếp nhận", "Hạn xử lý",
                   "Ngày kết thúc", "Đơn vị xử lý"]


def write_one_stop_xlsx(path: Path, dossiers: list[tuple]) -> Path:
    """A one-stop export: (code, channel word, received, due, closed or "") per dossier, all of one
    procedure of the Người có công field, with a title row above the header as the software writes it."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.cell(1, 1, "DANH SÁCH HỒ SƠ")
    for c, text in enumerate(ONE_STOP_HEADER, start=1):
        sheet.cell(3, c, text)
    for r, (code, channel, received, due, closed) in enumerate(dossiers, start=4):
        for c, value in enumerate([code, "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Người có công",
                                   "Nguyễn Văn An", channel, received, due, closed, "Phòng Người có công"], start=1):
            if value:
                sheet.cell(r, c, value)
    book.save(path)
    return path


PLAN_ROWS = [
    ["TT", "Nội dung, nhiệm vụ cụ thể", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành", "Ghi chú"],
    ["I", "Tham mưu ban hành văn bản QPPL", "", "", "", ""],
    ["1", "Quy chế quản lý công trình ghi công liệt sĩ", "Phòng Người có công", "Văn phòng Sở", "Tháng 7/2024", ""],
    ["2", "Đề án chi trả trợ cấp không dùng tiền mặt", "Phòng Kế hoạch - Tài chính", "Văn phòng Sở",
     "Tháng 6 năm 2024", ""],
]
