"""One-stop exports built the way the provincial one-stop software writes them (Hệ thống thông tin giải
quyết TTHC → Báo cáo → Danh sách hồ sơ → Xuất Excel):

- ``export_xlsx``: title rows merged across the sheet ("UBND TỈNH BẮC GIANG", "TRUNG TÂM PHỤC VỤ HÀNH
  CHÍNH CÔNG", "DANH SÁCH HỒ SƠ TIẾP NHẬN", "Từ ngày … đến ngày …"), then STT | Mã hồ sơ | Mã thủ tục |
  Tên thủ tục | Lĩnh vực | Chủ hồ sơ | Hình thức nộp | Ngày tiếp nhận | Hạn xử lý | Ngày có kết quả |
  Ngày trả kết quả | Trạng thái | Đơn vị xử lý; moments as Excel date cells or "dd/mm/yyyy hh:mm" text;
  a footer "Tổng số: N hồ sơ".
- ``export_csv``: the same list saved as CSV UTF-8 (BOM, commas, a title line).
Rows name procedures and units the database may not know: the export is as it comes.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HEADER = ["STT", "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Chủ hồ sơ", "Hình thức nộp", "Ngày tiếp nhận",
          "Hạn xử lý", "Ngày có kết quả", "Ngày trả kết quả", "Trạng thái", "Đơn vị xử lý"]
M = datetime.fromisoformat

# code, procedure code, name, field, applicant, channel, received, due, result, closed, status, unit
ROWS = [
    ("000.00.19.H06-240219-0001", "1.010805", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Người có công",
     "Ông Nguyễn Văn An", "Trực tiếp", M("2024-02-19 08:15"), None, M("2024-02-23 10:00"), M("2024-02-23 15:00"),
     "Đã trả kết quả", "Phòng Người có công"),
    ("000.00.19.H06-240220-0002", "1.010805", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Người có công",
     "Bà Trần Thị Bình", "Trực tuyến", "20/02/2024 21:40", None, "01/03/2024 09:00", "04/03/2024 10:00",
     "Đã trả kết quả", "phòng người có công"),
    ("000.00.19.H06-240221-0003", "1.010806", "Giải quyết chế độ ưu đãi đối với thân nhân liệt sĩ", "Người có công",
     "Ông Lê Văn Cường", "Trực tiếp", M("2024-02-21 09:00"), None, None, None, "Đang xử lý", "Phòng Người có công"),
    ("000.00.19.H06-240222-0004", "1.009811", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại "
     "Việt Nam", "Việc làm", "Công ty TNHH May Đức Giang", "Trực tuyến", M("2024-02-22 14:00"), None,
     M("2024-02-27 16:00"), M("2024-02-28 09:00"), "Đã trả kết quả", "Phòng Lao động – Việc làm"),
    # A procedure the catalogue does not have, with the export's own due moment.
    ("000.00.19.H06-240226-0005", "2.001157", "Hỗ trợ kinh phí đào tạo nâng cao trình độ kỹ năng nghề cho người lao "
     "động", "Giáo dục nghề nghiệp", "Bà Phạm Thị Dung", "Bưu chính công ích", M("2024-02-26 10:30"),
     "11/03/2024 17:00", None, "12/03/2024 08:30", "Đã trả kết quả", "Phòng Giáo dục nghề nghiệp"),
    # A unit the organisation does not have.
    ("000.00.19.H06-240227-0006", "2.000286", "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào "
     "cơ sở trợ giúp xã hội", "Bảo trợ xã hội", "Ông Hoàng Văn Em", "Trực tiếp", M("2024-02-27 08:00"), None, None,
     M("2024-02-27 16:00"), "Đã trả kết quả", "Trung tâm Bảo trợ xã hội tỉnh"),
]


def export_xlsx(path: Path, rows=ROWS) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "DanhSachHoSo"
    width = len(HEADER)
    for r, text in enumerate(["UBND TỈNH BẮC GIANG", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "DANH SÁCH HỒ SƠ TIẾP NHẬN",
                              "Từ ngày 15/02/2024 đến ngày 14/03/2024"], start=1):
        ws.cell(r, 1, text)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    for c, text in enumerate(HEADER, 1):
        ws.cell(6, c, text)
    for i, row in enumerate(rows, 1):
        for c, value in enumerate([i, *row], 1):
            cell = ws.cell(6 + i, c, value)
            if isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
    ws.cell(7 + len(rows), 1, f"Tổng số: {len(rows)} hồ sơ")
    ws.merge_cells(start_row=7 + len(rows), start_column=1, end_row=7 + len(rows), end_column=4)
    wb.save(path)
    return path


def export_csv(path: Path, rows=ROWS) -> Path:
    def text(value):
        return value.strftime("%d/%m/%Y %H:%M") if isinstance(value, datetime) else (value or "")

    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["DANH SÁCH HỒ SƠ TIẾP NHẬN"])
        writer.writerow(HEADER)
        for i, row in enumerate(rows, 1):
            writer.writerow([i, *(text(v) for v in row)])
    return path
