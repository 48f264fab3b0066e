"""Demo data of the PAR INDEX: an ILLUSTRATIVE criteria set for a provincial department (clearly
labelled as an example — not an official table of any province), for 2023 and 2024.

2023 is locked and appraised: the points lost there (tasks late, no video guide for online services,
legal documents drafted late, less than 10 % of procedures reviewed, no cashless payment scheme …) are
what the 2024 plan 38/KH answers, so the 2024 sub-criteria are linked to those plan tasks and to the
automatic metrics. 2024 is being self-assessed: some rows scored by the Office, some by the Người có
công unit (one submitted, one returned), evidence for some of them — and a few points claimed without
evidence, which the page flags red.

Built through the same services a clerk uses (import checks, workflow, audit rows).
"""

from __future__ import annotations

from datetime import date

from par_desktop.domain import par_index as rules
from par_desktop.services.session import Actor

VP, KHTC, LDVL, NCC, BTXH, VLATLD, TTR = ("Văn phòng Sở", "Phòng Kế hoạch - Tài chính", "Phòng Lao động – Việc làm",
                                          "Phòng Người có công", "Phòng Bảo trợ xã hội",
                                          "Phòng Việc làm – An toàn Lao động", "Thanh tra Sở")
TITLE = "Bộ chỉ số minh họa đánh giá công tác cải cách hành chính của sở, ngành năm {year}"

# (code, title, max, guidance, evidence required, unit, metric, bands)
ROWS_2024 = [
    ("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH", "9", "", "", "", "", ""),
    ("1", "Kế hoạch cải cách hành chính năm", "2", "", "", "", "", ""),
    ("1.1", "Ban hành kế hoạch CCHC năm kịp thời", "0,5",
     "Ban hành trong tháng 01: 0,5 điểm; ban hành chậm: 0,25 điểm; không ban hành: 0 điểm",
     "Kế hoạch CCHC năm của Sở", VP, "", ""),
    ("1.2", "Mức độ hoàn thành kế hoạch CCHC năm", "1,5",
     "Hoàn thành đúng hạn 100% nhiệm vụ: 1,5 điểm; từ 80%: 1 điểm; từ 60%: 0,5 điểm; dưới 60%: 0 điểm",
     "Báo cáo kết quả thực hiện kế hoạch CCHC năm", VP, "tasks_on_time_rate", "≥100%: 1,5; ≥80%: 1; ≥60%: 0,5; còn lại: 0"),
    ("2", "Báo cáo cải cách hành chính", "2", "", "", "", "", ""),
    ("2.1", "Các phòng, đơn vị báo cáo tháng về Văn phòng Sở đúng hạn", "1",
     "Tất cả báo cáo đúng hạn: 1 điểm; từ 90%: 0,5 điểm; dưới 90%: 0 điểm", "Báo cáo tháng của các phòng, đơn vị",
     VP, "unit_reports_on_time_rate", "≥100%: 1; ≥90%: 0,5; còn lại: 0"),
    ("2.2", "Báo cáo CCHC định kỳ gửi Sở Nội vụ đầy đủ, đúng hạn", "1",
     "Đầy đủ, đúng hạn: 1 điểm; có báo cáo chậm hoặc thiếu: 0 điểm", "Báo cáo quý, 6 tháng, năm", VP, "", ""),
    ("3", "Công tác tuyên truyền cải cách hành chính", "2", "", "", "", "", ""),
    ("3.1", "Ban hành và thực hiện kế hoạch tuyên truyền CCHC", "1",
     "Ban hành và thực hiện đầy đủ: 1 điểm; có ban hành nhưng thực hiện chưa đầy đủ: 0,5 điểm; không ban hành: 0 điểm",
     "Kế hoạch tuyên truyền; báo cáo kết quả", VP, "", ""),
    ("3.2", "Đa dạng hình thức tuyên truyền (video hướng dẫn dịch vụ công trực tuyến, chuyên mục trên Cổng TTĐT)", "1",
     "Có từ 02 hình thức trở lên: 1 điểm; 01 hình thức: 0,5 điểm; không có: 0 điểm",
     "Sản phẩm tuyên truyền; đường dẫn đăng tải", VP, "", ""),
    ("4", "Sáng kiến, giải pháp mới trong CCHC", "1", "", "", "", "", ""),
    ("4.1", "Triển khai sáng kiến CCHC đã đăng ký", "1", "Triển khai có kết quả: 1 điểm; chưa triển khai: 0 điểm",
     "Báo cáo kết quả triển khai sáng kiến", VP, "", ""),
    ("5", "Đối thoại với người dân, doanh nghiệp về TTHC", "2", "", "", "", "", ""),
    ("5.1", "Tổ chức đối thoại với người dân, doanh nghiệp về hoạt động sản xuất, kinh doanh và TTHC", "2",
     "Tổ chức đối thoại và giải quyết kiến nghị: 2 điểm; tổ chức nhưng chưa giải quyết hết kiến nghị: 1 điểm; không "
     "tổ chức: 0 điểm", "Kế hoạch, biên bản đối thoại; văn bản trả lời kiến nghị", VLATLD, "", ""),
    ("II", "XÂY DỰNG VÀ TỔ CHỨC THỰC HIỆN VĂN BẢN QUY PHẠM PHÁP LUẬT", "6", "", "", "", "", ""),
    ("1", "Tham mưu ban hành văn bản QPPL", "4", "", "", "", "", ""),
    ("1.1", "Tham mưu ban hành đúng tiến độ các văn bản QPPL được giao trong năm", "3",
     "Mỗi văn bản tham mưu đúng tiến độ được 1 điểm", "Tờ trình, dự thảo và văn bản đã ban hành", KHTC, "", ""),
    ("1.2", "Rà soát, hệ thống hóa văn bản QPPL thuộc lĩnh vực quản lý", "1",
     "Thực hiện đầy đủ: 1 điểm; chưa đầy đủ: 0,5 điểm; không thực hiện: 0 điểm", "Kết quả rà soát", TTR, "", ""),
    ("2", "Theo dõi tình hình thi hành pháp luật", "2", "", "", "", "", ""),
    ("2.1", "Thực hiện kế hoạch theo dõi thi hành pháp luật trong lĩnh vực được giao", "2",
     "Ban hành kế hoạch và báo cáo kết quả đúng hạn: 2 điểm; chậm: 1 điểm; không thực hiện: 0 điểm",
     "Kế hoạch, báo cáo theo dõi thi hành pháp luật", BTXH, "", ""),
    ("III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "14", "", "", "", "", ""),
    ("1", "Công bố, công khai TTHC", "3", "", "", "", "", ""),
    ("1.1", "Tham mưu công bố danh mục TTHC đúng thời hạn", "1,5",
     "Tất cả đúng thời hạn: 1,5 điểm; có quyết định chậm: 0,5 điểm", "Tờ trình, quyết định công bố", VP, "", ""),
    ("1.2", "Cập nhật, công khai TTHC trên Cổng Dịch vụ công và phần mềm một cửa", "1,5",
     "Đầy đủ, kịp thời: 1,5 điểm; có TTHC chưa cập nhật: 0,5 điểm", "Danh mục TTHC hằng tháng", NCC, "", ""),
    ("2", "Rà soát, đơn giản hóa TTHC", "2", "", "", "", "", ""),
    ("2.1", "Rà soát, đánh giá tối thiểu 10% TTHC đang còn hiệu lực", "2",
     "Từ 10% trở lên: 2 điểm; từ 5% đến dưới 10%: 1 điểm; dưới 5%: 0 điểm", "Báo cáo kết quả rà soát, đánh giá TTHC",
     LDVL, "procedures_reviewed_share", "≥10%: 2; ≥5%: 1; còn lại: 0"),
    ("3", "Kết quả giải quyết TTHC", "7", "", "", "", "", ""),
    ("3.1", "Tỷ lệ hồ sơ TTHC giải quyết trước và đúng hạn", "3",
     "100%: 3 điểm; từ 98%: 2 điểm; từ 95%: 1 điểm; dưới 95%: 0 điểm", "Báo cáo tình hình giải quyết TTHC (Biểu 06)",
     VP, "dossiers_on_time_rate", "≥100%: 3; ≥98%: 2; ≥95%: 1; còn lại: 0"),
    ("3.2", "Hồ sơ quá hạn được giải trình, xin lỗi người dân", "1",
     "Tất cả được giải trình: 1 điểm; từ 80%: 0,5 điểm; dưới 80%: 0 điểm", "Văn bản giải trình; phiếu xin lỗi", VP,
     "overdue_explained_rate", "≥100%: 1; ≥80%: 0,5; còn lại: 0"),
    ("3.3", "Tỷ lệ hồ sơ TTHC tiếp nhận trực tuyến", "3",
     "Từ 80%: 3 điểm; từ 60%: 2 điểm; từ 40%: 1 điểm; dưới 40%: 0 điểm", "Số liệu Hệ thống một cửa điện tử", VP,
     "dossiers_online_rate", "≥80%: 3; ≥60%: 2; ≥40%: 1; còn lại: 0"),
    ("4", "Số hóa hồ sơ, kết quả giải quyết TTHC", "2", "", "", "", "", ""),
    ("4.1", "Số hóa kết quả giải quyết TTHC theo quy định", "2", "Tính theo tỷ lệ kết quả được số hóa",
     "Số liệu Hệ thống một cửa điện tử", VP, "digitised_results", "≥90%: 2; ≥70%: 1; còn lại: 0"),
    ("IV", "CẢI CÁCH TỔ CHỨC BỘ MÁY", "4", "", "", "", "", ""),
    ("1", "Thực hiện quy định về tổ chức bộ máy", "2", "", "", "", "", ""),
    ("1.1", "Quy định chức năng, nhiệm vụ các phòng, đơn vị; quy chế làm việc", "2",
     "Đầy đủ, kịp thời: 2 điểm; chưa đầy đủ: 1 điểm", "Quyết định, quy chế", VP, "", ""),
    ("2", "Quản lý biên chế, vị trí việc làm", "2", "", "", "", "", ""),
    ("2.1", "Thực hiện đúng biên chế, đề án vị trí việc làm được giao", "2",
     "Đúng quy định: 2 điểm; có sai sót: 0 điểm", "Báo cáo biên chế", VP, "", ""),
    ("V", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ", "4", "", "", "", "", ""),
    ("1", "Chấp hành kỷ luật, kỷ cương hành chính", "2", "", "", "", "", ""),
    ("1.1", "Không có công chức, viên chức bị xử lý kỷ luật", "2", "Không có: 2 điểm; có: 0 điểm",
     "Báo cáo của cơ quan", VP, "", ""),
    ("2", "Đào tạo, bồi dưỡng công chức, viên chức", "2", "", "", "", "", ""),
    ("2.1", "Hoàn thành kế hoạch đào tạo, bồi dưỡng năm", "2", "Tính theo tỷ lệ hoàn thành",
     "Kế hoạch, báo cáo đào tạo", VP, "", ""),
    ("VI", "CẢI CÁCH TÀI CHÍNH CÔNG", "4", "", "", "", "", ""),
    ("1", "Tự chủ tài chính", "2", "", "", "", "", ""),
    ("1.1", "Thực hiện cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập (Nghị định 60/2021/NĐ-CP)", "2",
     "Đúng quy định: 2 điểm; chưa đúng: 0 điểm", "Quyết định giao tự chủ", KHTC, "", ""),
    ("2", "Chi trả không dùng tiền mặt", "2", "", "", "", "", ""),
    ("2.1", "Triển khai chi trả trợ cấp ưu đãi người có công, bảo trợ xã hội không dùng tiền mặt", "2",
     "Có đề án và triển khai: 2 điểm; có đề án chưa triển khai: 1 điểm; chưa có: 0 điểm", "Đề án, báo cáo triển khai",
     KHTC, "", ""),
    ("VII", "XÂY DỰNG, PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ", "6", "", "", "", "", ""),
    ("1", "Ứng dụng công nghệ thông tin", "3", "", "", "", "", ""),
    ("1.1", "Xử lý văn bản, hồ sơ công việc trên phần mềm QLVB và điều hành", "1,5",
     "Từ 90% văn bản: 1,5 điểm; dưới 90%: 0,5 điểm", "Số liệu phần mềm QLVB", VP, "", ""),
    ("1.2", "Cổng thông tin điện tử của Sở cập nhật đầy đủ, kịp thời", "1,5", "Đầy đủ: 1,5 điểm; chưa đầy đủ: 0,5 điểm",
     "Đường dẫn Cổng TTĐT", VP, "", ""),
    ("2", "Dịch vụ công trực tuyến", "3", "", "", "", "", ""),
    ("2.1", "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến toàn trình", "3", "Tính theo tỷ lệ TTHC toàn trình",
     "Danh mục dịch vụ công trực tuyến", VP, "procedures_fully_online", "≥80%: 3; ≥50%: 2; ≥30%: 1; còn lại: 0"),
    ("VIII", "TÁC ĐỘNG CỦA CẢI CÁCH HÀNH CHÍNH (ĐIỀU TRA XÃ HỘI HỌC)", "3", "", "", "", "", ""),
    ("1", "Sự hài lòng của người dân, tổ chức", "3", "", "", "", "", ""),
    ("1.1", "Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan (SIPAS)", "3",
     "Theo kết quả điều tra xã hội học của tỉnh", "Không yêu cầu (điểm do tỉnh điều tra)", VP, "", ""),
    ("IX", "ĐIỂM THƯỞNG", "", "", "", "", "", ""),
    ("1", "Có sáng kiến, giải pháp CCHC được cấp có thẩm quyền công nhận", "1", "Có: 1 điểm",
     "Quyết định công nhận", VP, "", ""),
    ("X", "ĐIỂM TRỪ", "", "", "", "", "", ""),
    ("1", "Để xảy ra hồ sơ TTHC quá hạn không có văn bản giải trình", "-1",
     "Mỗi hồ sơ quá hạn không có giải trình trừ 0,25 điểm, tối đa trừ 1 điểm", "", VP, "", ""),
    ("2", "Chậm báo cáo định kỳ theo yêu cầu của tỉnh", "-1", "Mỗi báo cáo chậm trừ 0,5 điểm, tối đa trừ 1 điểm",
     "", VP, "", ""),
]


def _rows_2023() -> list[tuple]:
    """2023 differs: no dialogue criterion (new in 2024), online dossiers worth 2 points, and a digital
    signature criterion that 2024 dropped."""
    rows = []
    area = ""
    for row in ROWS_2024:
        code = row[0]
        if rules.code_shape(code) == "roman":
            area = code
        if area == "I" and code in ("5", "5.1"):
            continue
        if area == "I" and code == "I":
            row = (code, row[1], "7", *row[3:])
        if area == "III" and code == "III":
            row = (code, row[1], "13", *row[3:])
        if area == "III" and code == "3":
            row = (code, row[1], "6", *row[3:])
        if area == "III" and code == "3.3":
            row = (code, row[1], "2", "Từ 50%: 2 điểm; từ 30%: 1 điểm; dưới 30%: 0 điểm", row[4], row[5], row[6],
                   "≥50%: 2; ≥30%: 1; còn lại: 0")
        rows.append(row)
        if area == "VII" and code == "1.2":
            rows.append(("1.3", "Sử dụng chữ ký số trong gửi, nhận văn bản điện tử", "1",
                         "Từ 90% văn bản: 1 điểm; dưới 90%: 0 điểm", "Số liệu phần mềm QLVB", VP, "", ""))
    for i, row in enumerate(rows):
        if row[0] in ("VII", "1") and row[1].startswith(("XÂY DỰNG, PHÁT TRIỂN", "Ứng dụng công nghệ")):
            rows[i] = (row[0], row[1], "7" if row[0] == "VII" else "4", *row[3:])
    return rows


# 2023 results (path -> self, appraised, reason): what the council took off is what the 2024 plan answers
RESULTS_2023 = {
    "I.1.1": (0.5, 0.5, ""), "I.1.2": (1.5, 1.0, "Một số nhiệm vụ của kế hoạch CCHC hoàn thành chậm"),
    "I.2.1": (1.0, 1.0, ""), "I.2.2": (1.0, 1.0, ""), "I.3.1": (1.0, 1.0, ""),
    "I.3.2": (1.0, 0.5, "Chưa có video hướng dẫn thực hiện dịch vụ công trực tuyến"), "I.4.1": (1.0, 1.0, ""),
    "II.1.1": (3.0, 1.0, "02 văn bản QPPL tham mưu chậm so với kế hoạch của UBND tỉnh"), "II.1.2": (1.0, 1.0, ""),
    "II.2.1": (2.0, 1.0, "Chưa ban hành kế hoạch theo dõi thi hành pháp luật lĩnh vực bảo trợ xã hội"),
    "III.1.1": (1.5, 1.5, ""), "III.1.2": (1.5, 0.5, "Một số TTHC chưa được cập nhật trên Cổng Dịch vụ công"),
    "III.2.1": (2.0, 0.0, "Rà soát, đánh giá dưới 5% TTHC đang có hiệu lực"),
    "III.3.1": (2.0, 1.0, "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 96,8%"), "III.3.2": (1.0, 0.5, "Còn hồ sơ quá hạn chưa giải trình"),
    "III.3.3": (1.0, 1.0, ""), "III.4.1": (2.0, 1.5, "Tỷ lệ số hóa kết quả giải quyết chưa đạt yêu cầu"),
    "IV.1.1": (2.0, 2.0, ""), "IV.2.1": (2.0, 2.0, ""), "V.1.1": (2.0, 2.0, ""), "V.2.1": (2.0, 2.0, ""),
    "VI.1.1": (2.0, 2.0, ""), "VI.2.1": (1.0, 0.0, "Chưa xây dựng đề án chi trả không dùng tiền mặt"),
    "VII.1.1": (1.5, 1.5, ""), "VII.1.2": (1.5, 1.5, ""), "VII.1.3": (1.0, 1.0, ""), "VII.2.1": (3.0, 2.0, "Tỷ lệ TTHC toàn trình thấp"),
    "VIII.1.1": (3.0, 2.5, "Theo kết quả điều tra xã hội học của tỉnh"), "IX.1": (0.0, 0.0, ""),
    "X.1": (0.0, -0.5, "02 hồ sơ quá hạn không có văn bản giải trình"), "X.2": (0.0, 0.0, ""),
}
FINAL_INDEX_2023 = 83.02

# The 2024 plan's tasks (refs of Kế hoạch 38/KH) serving each 2024 sub-criterion
TASK_LINKS_2024 = {
    "I.1.2": ("I.2", "I.3", "IV.1"), "I.2.1": ("TX.1",), "I.2.2": ("TX.4",), "I.3.1": ("III.A.3",),
    "I.3.2": ("III.A.1",), "I.5.1": ("III.A.2",), "II.1.1": ("I.1", "I.2", "I.3"), "II.2.1": ("II.1",),
    "III.1.2": ("TX.2", "TX.3"), "III.2.1": ("III.B.1", "III.B.2"), "III.3.3": ("III.A.1",), "VI.2.1": ("IV.1",),
}
COORDINATORS_2024 = {"II.1.1": (LDVL, NCC), "III.2.1": (NCC, BTXH), "I.3.2": (NCC,)}
DEADLINES_2024 = {"I.1.1": date(2024, 3, 31), "I.3.2": date(2024, 10, 31), "II.1.1": date(2024, 12, 15),
                  "VI.2.1": date(2024, 11, 30)}
# 2024 self-assessment so far: path -> (points, note, who: "office" | "unit" | "unit-submitted" | "returned")
SCORES_2024 = {
    "I.1.1": (0.5, "Kế hoạch CCHC năm 2024 ban hành ngày 15/01/2024", "office"),
    "I.2.2": (1.0, "Đã gửi đủ 04 báo cáo định kỳ", "office"),
    "I.3.1": (1.0, "Ban hành Kế hoạch tuyên truyền CCHC năm 2024", "office"),
    "I.3.2": (1.0, "Đã xây dựng video hướng dẫn dịch vụ công trực tuyến", "office"),
    "I.5.1": (2.0, "Tổ chức hội nghị đối thoại ngày 26/9/2024", "office"),
    "II.2.1": (2.0, "Hoàn thành theo dõi thi hành pháp luật lĩnh vực bảo trợ xã hội trước 30/9/2024", "office"),
    "III.1.2": (1.5, "Cập nhật đầy đủ danh mục TTHC lĩnh vực người có công hằng tháng", "unit-submitted"),
    "III.1.1": (1.5, "", "office"),
    "IV.1.1": (2.0, "Quy định chức năng, nhiệm vụ các phòng đã ban hành", "office"),
    "V.1.1": (2.0, "", "office"),
}
RETURNED_2024 = ("III.1.2", "Đề nghị bổ sung danh mục TTHC tháng 11 và tháng 12 làm tài liệu kiểm chứng")
EVIDENCE_2024 = [  # (paths, file name, title) — small PDF files stored in the database
    (("I.1.1",), "ke-hoach-cchc-2024.pdf", "Kế hoạch cải cách hành chính năm 2024 của Sở"),
    (("I.3.1", "I.3.2"), "ke-hoach-tuyen-truyen-cchc-2024.pdf", "Kế hoạch tuyên truyền CCHC năm 2024"),
    (("I.5.1",), "bien-ban-doi-thoai-26-9-2024.pdf", "Biên bản hội nghị đối thoại với người dân, doanh nghiệp"),
]
EXTERNAL_2024 = [  # (paths, text)
    (("II.2.1",), "Báo cáo số 215/BC-SLĐTBXH ngày 25/9/2024 của Sở Lao động - TB&XH về kết quả theo dõi thi hành "
                  "pháp luật lĩnh vực bảo trợ xã hội"),
    (("I.2.2",), "Báo cáo số 312/BC-SLĐTBXH ngày 12/12/2024 của Sở Lao động - TB&XH về công tác CCHC năm 2024"),
]


def _sheet_rows(rows) -> list[rules.SheetRow]:
    return [rules.SheetRow(row_no=i + 6, code=code, title=title, max_raw=maximum or None, guidance=guidance,
                           evidence_required=evidence, unit_text=unit, metric=metric, bands=bands)
            for i, (code, title, maximum, guidance, evidence, unit, metric, bands) in enumerate(rows)]


def _save(actor: Actor, year: int, rows) -> None:
    from par_desktop.services.par_index import criteria, metrics

    parsed = rules.build_set(_sheet_rows(rows), metrics.keys(), percent_metrics=metrics.percent_keys(),
                             source="bộ chỉ số minh họa")
    criteria.save_parsed(actor, year, parsed, title=TITLE.format(year=year), source_file="dữ liệu mẫu (minh họa)",
                         example=True)


def fill_index_demo(actor: Actor, unit_actor: Actor | None = None) -> None:
    """Both illustrative sets, 2023's results and 2024's self-assessment so far (``unit_actor``: the
    Người có công unit's account, scoring its own row)."""
    from par_desktop.db.models import IndexCriterion, IndexSet, Unit
    from par_desktop.services.par_index import criteria, evidence, scoring

    _save(actor, 2023, _rows_2023())
    by_path = {c.path: c for c in criteria.criteria_of(IndexSet.get(IndexSet.year == 2023))}
    for path, (own, _appraised, _reason) in RESULTS_2023.items():
        scoring.set_self_score(actor, by_path[path].id, own, "")
    scoring.lock(actor, 2023)
    for path, (_own, appraised, reason) in RESULTS_2023.items():
        scoring.set_appraised(actor, by_path[path].id, appraised, reason)
    criteria.update_set(actor, 2023, final_index=FINAL_INDEX_2023,
                        final_note="Kết quả minh họa (không phải số liệu công bố)")

    _save(actor, 2024, ROWS_2024)
    index_set = IndexSet.get(IndexSet.year == 2024)
    by_path = {c.path: c for c in IndexCriterion.select().where(IndexCriterion.index_set == index_set.id)}
    units = {u.name: u.id for u in Unit.select()}
    for path, refs in TASK_LINKS_2024.items():
        criteria.link_tasks(actor, 2024, path, refs)
    for path, names in COORDINATORS_2024.items():
        criteria.update_criterion(actor, by_path[path].id, None, coordinator_ids=[units[n] for n in names])
    for path, day in DEADLINES_2024.items():
        criteria.update_criterion(actor, by_path[path].id, None, evidence_deadline=day)
    for paths, name, title in EVIDENCE_2024:
        evidence.add_file(actor, 2024, [by_path[p].id for p in paths], (name, _pdf(title)), title=title)
    for paths, text in EXTERNAL_2024:
        evidence.add_external(actor, 2024, [by_path[p].id for p in paths], text)
    for path, (points, note, who) in SCORES_2024.items():
        scorer = unit_actor if who.startswith("unit") and unit_actor is not None else actor
        scoring.set_self_score(scorer, by_path[path].id, points, note)
        if who == "unit-submitted" and unit_actor is not None:
            scoring.submit(unit_actor, [by_path[path].id])
    path, note = RETURNED_2024
    if unit_actor is not None:
        scoring.review(actor, by_path[path].id, accept=False, note=note)


def _pdf(title: str) -> bytes:
    """A one-page PDF saying what the demo document is (ASCII text: no font needs embedding)."""
    from par_desktop.domain.text import fold

    text = fold(title).replace("(", "").replace(")", "").replace("\\", "")
    lines = ["TAI LIEU KIEM CHUNG MINH HOA (du lieu mau PAR Desktop)", text[:90]]
    stream = "BT /F1 12 Tf 72 760 Td " + " ".join(f"({line}) Tj 0 -20 Td" for line in lines) + " ET"
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               "/Resources << /Font << /F1 5 0 R >> >> >>",
               f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out
