"""TTHC catalogue lists built the way the office receives them.

- ``national_xlsx``: an export of the national TTHC database's search page (Cơ sở dữ liệu quốc gia về
  TTHC → Tra cứu → Xuất Excel): title rows merged across the sheet ("CƠ SỞ DỮ LIỆU QUỐC GIA VỀ THỦ TỤC
  HÀNH CHÍNH", "DANH SÁCH THỦ TỤC HÀNH CHÍNH", the export date), then STT | Mã thủ tục | Tên thủ tục |
  Cấp thực hiện | Lĩnh vực | Cơ quan thực hiện | Mức độ | Thời hạn giải quyết | Quyết định công bố |
  Ngày công bố | Ngày hiệu lực; "Lĩnh vực" merged down over its procedures; limits in words
  ("Trực tiếp: 15 Ngày làm việc; Trực tuyến: …"); publication dates as Excel dates.
- ``decision_annex_xlsx``: the annex of the province's publication decision: "DANH MỤC THỦ TỤC HÀNH
  CHÍNH …" and "(Kèm theo Quyết định số 1234/QĐ-UBND ngày 15/3/2024 của Chủ tịch UBND tỉnh Bắc Giang)"
  above STT | Mã TTHC | Tên thủ tục hành chính | Thời hạn giải quyết | Địa điểm thực hiện | Phí, lệ phí |
  Căn cứ pháp lý | Đơn vị chủ trì, a "(1) (2) …" row, group rows "A — THỦ TỤC HÀNH CHÍNH CẤP TỈNH" and
  "I — Lĩnh vực Người có công" merged across, limits such as "Trong ngày", "30 ngày (tính cả ngày nghỉ)"
  and a decimal comma ("2,5 ngày làm việc").
- ``national_csv``: the same national list saved as CSV by the one-stop software (UTF-8 with BOM,
  semicolons, a title line, decimal commas, dates as dd/mm/yyyy text).

Import with ``sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))``.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

AGENCY = "Sở Lao động - Thương binh và Xã hội"

# code, name, field, level, limit wording, unit in charge, decision, published, effective
NATIONAL = [
    ("1.010805", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Người có công", "Một phần",
     "Trực tiếp: 05 Ngày làm việc; Trực tuyến: 05 Ngày làm việc", "Phòng Người có công",
     "Quyết định số 1234/QĐ-UBND ngày 15/3/2024", datetime(2024, 3, 15), datetime(2024, 3, 20)),
    ("1.010806", "Giải quyết chế độ ưu đãi đối với thân nhân liệt sĩ", "Người có công", "Một phần",
     "15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ; trường hợp phải xác minh: 25 ngày", "Phòng Người có công",
     "Quyết định số 1234/QĐ-UBND ngày 15/3/2024", datetime(2024, 3, 15), datetime(2024, 3, 20)),
    ("1.009811", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Việc làm",
     "Toàn trình", "05 ngày làm việc kể từ ngày nhận đủ hồ sơ", "Phòng Lao động – Việc làm",
     "Quyết định số 567/QĐ-UBND ngày 02/02/2024", datetime(2024, 2, 2), datetime(2024, 2, 2)),
    ("1.009812", "Cấp lại giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Việc làm",
     "Toàn trình", "03 ngày làm việc", "Phòng Lao động – Việc làm",
     "Quyết định số 567/QĐ-UBND ngày 02/02/2024", datetime(2024, 2, 2), datetime(2024, 2, 1)),
    ("2.000286", "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở trợ giúp xã hội",
     "Bảo trợ xã hội", "", "Trong ngày làm việc", AGENCY, "", None, None),
]


def national_xlsx(path: Path, rows=NATIONAL) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "DanhSachTTHC"
    header = ["STT", "Mã thủ tục", "Tên thủ tục", "Cấp thực hiện", "Lĩnh vực", "Cơ quan thực hiện", "Mức độ",
              "Thời hạn giải quyết", "Quyết định công bố", "Ngày công bố", "Ngày hiệu lực"]
    width = len(header)
    for row, text in ((1, "CƠ SỞ DỮ LIỆU QUỐC GIA VỀ THỦ TỤC HÀNH CHÍNH"), (2, "DANH SÁCH THỦ TỤC HÀNH CHÍNH"),
                      (3, "Ngày xuất: 05/04/2024 08:15")):
        ws.cell(row, 1, text).font = Font(bold=row < 3)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    for col, text in enumerate(header, 1):
        ws.cell(5, col, text).font = Font(bold=True)
    r = 6
    previous_field, field_start = None, 6
    for i, (code, name, field, level, limit, unit, decision, published, effective) in enumerate(rows, 1):
        values = [i, code, name, "Cấp Tỉnh", field, unit, level, limit, decision, published, effective]
        for col, value in enumerate(values, 1):
            if col == 5 and field == previous_field:
                continue   # a merged cell keeps its value in its first cell only
            cell = ws.cell(r, col, value)
            if isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy"
        if field != previous_field:
            if r - 1 > field_start:
                ws.merge_cells(start_row=field_start, start_column=5, end_row=r - 1, end_column=5)
            previous_field, field_start = field, r
        r += 1
    if r - 1 > field_start:
        ws.merge_cells(start_row=field_start, start_column=5, end_row=r - 1, end_column=5)
    for col in range(1, width + 1):
        ws.cell(5, col).alignment = Alignment(wrap_text=True)
    wb.save(path)
    return path


ANNEX_GROUPS = [
    ("I", "Lĩnh vực Người có công", [
        ("1.010805", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "05 ngày làm việc", "Phòng Người có công"),
        ("1.010807", "Cấp giấy xác nhận thân nhân của người có công", "Trong ngày", "Phòng Người có công"),
    ]),
    ("II", "Lĩnh vực Lao động - Tiền lương", [
        ("2.001955", "Đăng ký nội quy lao động của doanh nghiệp", "2,5 ngày làm việc", "Phòng Lao động – Việc làm"),
        ("1.000105", "Gửi thỏa ước lao động tập thể cấp doanh nghiệp", "30 ngày (tính cả ngày nghỉ)",
         "phòng lao động - việc làm"),
    ]),
]


def decision_annex_xlsx(path: Path, groups=ANNEX_GROUPS, decision: str = "1234/QĐ-UBND ngày 15/3/2024") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    header = ["STT", "Mã TTHC", "Tên thủ tục hành chính", "Thời hạn giải quyết", "Địa điểm thực hiện",
              "Phí, lệ phí (nếu có)", "Căn cứ pháp lý", "Đơn vị chủ trì"]
    width = len(header)
    titles = ["DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƯỢC SỬA ĐỔI, BỔ SUNG THUỘC PHẠM VI CHỨC NĂNG QUẢN LÝ CỦA "
              "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH BẮC GIANG",
              f"(Kèm theo Quyết định số {decision} của Chủ tịch UBND tỉnh Bắc Giang)"]
    for row, text in enumerate(titles, 1):
        ws.cell(row, 1, text)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    for col, text in enumerate(header, 1):
        ws.cell(4, col, text)
    for col in range(1, width + 1):
        ws.cell(5, col, f"({col})")
    ws.cell(6, 1, "A")
    ws.cell(6, 2, "THỦ TỤC HÀNH CHÍNH CẤP TỈNH")
    ws.merge_cells(start_row=6, start_column=2, end_row=6, end_column=width)
    r = 7
    for roman, title, rows in groups:
        ws.cell(r, 1, roman)
        ws.cell(r, 2, title)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=width)
        r += 1
        for i, (code, name, limit, unit) in enumerate(rows, 1):
            for col, value in enumerate([i, code, name, limit, "Trung tâm Phục vụ hành chính công tỉnh",
                                         "Không", "Nghị định 131/2021/NĐ-CP", unit], 1):
                ws.cell(r, col, value)
            r += 1
    wb.save(path)
    return path


def national_csv(path: Path, rows=NATIONAL) -> Path:
    """The national list as the one-stop software saves it: UTF-8 with BOM, semicolons, text dates."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["DANH SÁCH THỦ TỤC HÀNH CHÍNH"])
        writer.writerow([])
        writer.writerow(["STT", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Cơ quan thực hiện", "Dịch vụ công trực tuyến",
                         "Thời hạn giải quyết", "Quyết định công bố", "Ngày công bố", "Ngày hiệu lực"])
        for i, (code, name, field, level, limit, unit, decision, published, effective) in enumerate(rows, 1):
            writer.writerow([i, code, name, field, unit, level, limit.replace("05 Ngày", "5,0 Ngày"), decision,
                             published.strftime("%d/%m/%Y") if published else "",
                             effective.strftime("%d/%m/%Y") if effective else ""])
    return path
