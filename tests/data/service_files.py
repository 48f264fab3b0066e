"""Files built the way the Office's tools write them, for the service-quality and survey tests:

- a one-stop export with the optional service columns (title rows, mixed-case headers, one without
  diacritics, Excel date cells beside "dd/mm/yyyy hh:mm" text, the wordings the software uses for the
  service columns, an unknown column, a footer line);
- a survey entry sheet (title rows, question columns labelled "A1.1. …", answers as words and digits,
  blank and out-of-scale answers, a footer).

Import with ``sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))``.
"""

from __future__ import annotations

from datetime import date, datetime

from openpyxl import Workbook

M = datetime.fromisoformat

HEADERS = ["STT", "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Chủ hồ sơ", "Hình thức nộp",
           "Ngay tiep nhan", "Ngày kết thúc", "Trạng thái", "Đơn vị xử lý", "Số hóa hồ sơ", "SỐ HÓA KẾT QUẢ",
           "Hình thức thanh toán", "Mức độ hài lòng", "Ghi chú"]
P5 = ("1.009811", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Việc làm")
P12 = ("1.002271", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Người có công")
VL, NCC = "Phòng Lao động – Việc làm", "Phòng Người có công"

# code, procedure, channel, received, closed, status, unit, digitised, result digitised, payment, rating
EXPORT = [
    # early (due 11/03 09:00); everything digitised, paid online, very satisfied
    ("D1", P5, "Trực tuyến", M("2024-03-04 09:00"), "06/03/2024 10:00", "Đã trả kết quả", VL,
     "Có", "Có", "Trực tuyến", "Rất hài lòng"),
    # due 12/03 08:00, closed 12/03 16:00: late; result not digitised (0), paid at the desk, unsatisfied
    ("D2", P5, "Trực tiếp", "05/03/2024 08:00", M("2024-03-12 16:00"), "Đã trả kết quả", VL,
     "x", "0", "Trực tiếp", "Không hài lòng"),
    # early; dossier not digitised (blank = no), result digitised (1), no fee, not rated
    ("D3", P5, "Trực tiếp", M("2024-03-11 10:00"), "13/03/2024 15:00", "Đã trả kết quả", VL,
     "", "1", "", ""),
    # 12 working days from Fri 01/03 09:00 = 19/03 09:00; closed 15/03: early
    ("D4", P12, "Trực tuyến", "01/03/2024 09:00", "15/03/2024 09:00", "Đã trả kết quả", NCC,
     "Đã số hóa", "Có", "Trực tuyến", "Hài lòng"),
    # by post, still open; not digitised, paid at the desk
    ("D5", P12, "Bưu chính", M("2024-03-20 10:00"), None, "Đang xử lý", NCC, "Không", "", "Trực tiếp", ""),
    # received in February, closed early on 01/03: resolved in March only; rated "Bình thường" (not satisfied)
    ("D6", P5, "Trực tuyến", M("2024-02-26 09:00"), "01/03/2024 10:00", "Đã trả kết quả", VL,
     "Có", "Có", "Trực tuyến", "Bình thường"),
    # received in March, closed in April: received only
    ("D7", P5, "Trực tuyến", "25/03/2024 09:00", "02/04/2024 10:00", "Đã trả kết quả", VL,
     "Có", "", "Trực tuyến", ""),
    # withdrawn by the applicant: left out of every figure
    ("D8", P12, "Trực tiếp", "06/03/2024 09:00", "07/03/2024 09:00", "Công dân rút hồ sơ", NCC,
     "Có", "Có", "Trực tiếp", "Rất hài lòng"),
    # early; result not digitised ("Không"), paid at the desk, satisfied
    ("D9", P5, "Trực tiếp", M("2024-03-18 14:00"), "19/03/2024 09:00", "Đã trả kết quả", VL,
     "Có", "Không", "Trực tiếp", "Hài lòng"),
]
MARCH = (date(2024, 3, 1), date(2024, 3, 31))


def write_export(path, rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(["UBND TỈNH BẮC GIANG"])
    ws.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN, GIẢI QUYẾT"])
    ws.append(["Từ ngày 01/02/2024 đến ngày 10/04/2024"])
    ws.append([])
    ws.append(headers)
    for i, (code, proc, channel, received, closed, status, unit, dig, res, pay, rating) in enumerate(rows, 1):
        values = {"STT": i, "Mã hồ sơ": code, "Mã thủ tục": proc[0], "Tên thủ tục": proc[1], "Lĩnh vực": proc[2],
                  "Chủ hồ sơ": f"Người nộp {i}", "Hình thức nộp": channel, "Ngay tiep nhan": received,
                  "Ngày kết thúc": closed, "Trạng thái": status, "Đơn vị xử lý": unit, "Số hóa hồ sơ": dig,
                  "SỐ HÓA KẾT QUẢ": res, "Hình thức thanh toán": pay, "Mức độ hài lòng": rating,
                  "Ghi chú": "ghi chú tùy ý"}
        ws.append([values[h] for h in headers])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
    ws.append([])
    ws.append(["", f"Tổng cộng: {len(rows)} hồ sơ"])
    wb.save(path)
    return path


QUESTIONS = [("A1.1", "Nơi tiếp nhận và trả kết quả có đủ chỗ ngồi"),
             ("A1.2", "Trang thiết bị phục vụ đầy đủ"),
             ("A2.1", "Thủ tục hành chính được niêm yết công khai đầy đủ"),
             ("A3.1", "Công chức có thái độ giao tiếp lịch sự"),
             ("A4.1", "Kết quả giải quyết đúng quy định"),
             ("A5.1", "Cơ quan có bố trí hình thức tiếp nhận góp ý")]
NCC, VL = "Phòng Người có công", "phòng Lao động - Việc làm"
# form, date, dossier, unit, channel, answers A1.1 A1.2 A2.1 A3.1 A4.1 A5.1
FORMS = [
    (1, datetime(2024, 10, 1), "", NCC, "Trực tuyến", (5, 4, "Hài lòng", 5, 4, 3)),
    (2, "01/10/2024", "HS-001", "", "", (4, 4, 4, "Rất hài lòng", 5, 4)),
    (3, "02/10/2024", "", NCC, "Trực tuyến", (3, None, 4, 4, 2, None)),
    (4, datetime(2024, 10, 2), "", NCC, "Trực tiếp", ("Không hài lòng", 4, 5, 4, 4, 5)),
    (5, "03/10/2024", "", NCC, "Trực tuyến", (5, 6, 4, 5, 4, 4)),
    (6, "03/10/2024", "", VL, "Trực tiếp", (4, 3, 3, "Tạm được", 4, 5)),
    (7, "04/10/2024", "", VL, "Trực tuyến", (5, 5, 5, 5, 5, 5)),
    (8, "04/10/2024", "", VL, "Trực tiếp", (2, 4, 4, 4, 0, 2)),
    (9, "07/10/2024", "", VL, "Trực tuyến", (4, 4, "4 - Hài lòng", 3, 4, 4)),
    (10, "07/10/2024", "", VL, "Trực tiếp", (1, 2, 3, 4, 4, " ")),
]
HEADER = ["STT", "Số phiếu", "Ngày", "Mã hồ sơ", "Đơn vị", "Kênh", *(f"{c}. {t}" for c, t in QUESTIONS),
          "Ý kiến khác"]


def write_sheet(path, forms=FORMS, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.title = "Phieu"
    ws.append(["SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"])
    ws.append(["TỔNG HỢP PHIẾU KHẢO SÁT MỨC ĐỘ HÀI LÒNG"])
    ws.append(["(Đợt khảo sát tháng 10/2024)"])
    ws.append(header)
    for i, (form, day, dossier, unit, channel, answers) in enumerate(forms, 1):
        ws.append([i, form, day, dossier, unit, channel, *answers, ""])
        if isinstance(day, datetime):
            ws.cell(ws.max_row, 3).number_format = "dd/mm/yyyy"
    ws.append([])
    ws.append(["", "Tổng số phiếu: " + str(len(forms))])
    wb.save(path)
    return path


def export_catalogue() -> dict:
    """In the bound database: the units and procedures the export names. P5 is fully online and was
    published before it took effect, P12 partly online and published late; 1.000105 is in force with
    neither; 1.000999 (fully online) is abolished."""
    from par_desktop.db.models import Procedure
    from par_desktop.services import org, procedures
    from par_desktop.services.session import SYSTEM

    units = {code: org.create_unit(SYSTEM, name, code) for name, code in
             (("Văn phòng Sở", "VP"), (VL, "LĐVL"), (NCC, "NCC"))}
    procedures.create_procedure(SYSTEM, code=P5[0], name=P5[1], field=P5[2], limit_days=5, level="Toàn trình",
                                lead_unit_id=units["LĐVL"].id)
    procedures.create_procedure(SYSTEM, code=P12[0], name=P12[1], field=P12[2], limit_days=12, level="Một phần",
                                lead_unit_id=units["NCC"].id)
    procedures.create_procedure(SYSTEM, code="1.000105", name="Tiếp nhận đối tượng cần bảo vệ khẩn cấp",
                                field="Bảo trợ xã hội", limit_days=3, lead_unit_id=units["NCC"].id)
    procedures.create_procedure(SYSTEM, code="1.000999", name="Thủ tục đã bãi bỏ", field="Việc làm", limit_days=5,
                                level="Toàn trình", in_force=False, lead_unit_id=units["LĐVL"].id)
    Procedure.update(published_on=date(2023, 12, 20), effective_on=date(2024, 1, 1)).where(
        Procedure.code == P5[0]).execute()
    Procedure.update(published_on=date(2024, 2, 10), effective_on=date(2024, 2, 1)).where(
        Procedure.code == P12[0]).execute()
    return units


def survey_office():
    """In the bound database: two units, a dossier HS-001 of Phòng Người có công (which form 2 names), and
    the administrator's six-question default questionnaire. Returns the unit of HS-001."""
    from par_desktop.services import org, procedures, survey
    from par_desktop.services.dossiers.editing import create_dossier
    from par_desktop.services.session import SYSTEM

    ncc = org.create_unit(SYSTEM, "Phòng Người có công", "NCC")
    org.create_unit(SYSTEM, "Phòng Lao động – Việc làm", "LĐVL")
    p = procedures.create_procedure(SYSTEM, code="1.002271", name="Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
                                    field="Người có công", limit_days=12, lead_unit_id=ncc.id)
    create_dossier(SYSTEM, code="HS-001", procedure_id=p.id, received_at=datetime(2024, 9, 20, 9, 0),
                            channel="direct")
    survey.set_default_questionnaire(SYSTEM, QUESTIONS)
    return ncc
