"""Importing a one-stop export, then reading back the states and statistics DOMAIN.md §4–5 define.

The workbook is built the way the provincial one-stop software writes it: title rows above the header,
Vietnamese headers in mixed case (one without diacritics), Excel date cells next to "dd/mm/yyyy hh:mm"
text, an unknown column, a footer line.
"""

from __future__ import annotations

import csv
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from par_desktop.db.models import AuditLog, Dossier
from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.text import nfc
from par_desktop.errors import InvalidInput
from par_desktop.importers.dossiers import ImportRefused, parse_cell_moment
from par_desktop.importers.tabular import cell_text
from par_desktop.services import org, procedures, stats
from par_desktop.services.dossiers import due_lists
from par_desktop.services.dossiers import importing as dossier_import
from par_desktop.services.dossiers import timing as dossier_timing
from par_desktop.services.session import SYSTEM

CAL = WorkCalendar()
HEADERS = ["STT", "MÃ HỒ SƠ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Chủ hồ sơ", "Hình thức nộp",
           "Ngay tiep nhan", "Ngày hẹn trả", "Ngày có kết quả", "Ngày kết thúc", "Trạng thái", "Đơn vị xử lý",
           "Ghi chú"]
P5 = ("1.009811", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Việc làm")
P12 = ("1.002271", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Người có công")
M = datetime.fromisoformat

# code, procedure, applicant, channel, received, appointment, result, closed, status — moments as the
# software writes them: datetime = an Excel date cell, str = text.
SCENARIO = [
    # received before the period and closed before it: not in the table
    ("HS-A", P5, "Nguyễn Văn An", "Trực tiếp", M("2024-03-11 09:00"), None, None, "14/03/2024 15:00", "Đã trả kết quả"),
    # received before, closed early within the period: carried over, resolved early
    ("HS-B", P5, "Trần Thị Bình", "Trực tiếp", "12/03/2024 10:00", None, None, M("2024-03-18 16:00"), "Đã trả kết quả"),
    # received before, never closed: carried over, overdue at the end
    ("HS-C", P5, "Lê Văn Cường", "Trực tiếp", M("2024-03-13 08:00"), None, None, None, "Đang xử lý"),
    # online, closed on the due day before the due moment: on time
    ("HS-D", P5, "Phạm Thị Dung", "Trực tuyến", "18/03/2024 09:00", None, None, "25/03/2024 08:30", "Đã trả kết quả"),
    # closed the day after the due day: late
    ("HS-E", P5, "Hoàng Văn Em", "Trực tiếp", M("2024-03-19 14:00"), None, None, M("2024-03-27 10:00"), "Đã trả kết quả"),
    # received near the end, closed after the period: in progress within time at the end
    ("HS-F", P12, "Vũ Thị Phương", "Trực tiếp", "10/04/2024 09:00", None, None, "16/04/2024 10:00", "Đã trả kết quả"),
    # a result that was never closed: the clock keeps running -> overdue
    ("HS-G", P5, "Đỗ Văn Giang", "Trực tiếp", "20/03/2024 09:00", None, "22/03/2024 15:00", None,
     "Đã có kết quả, chưa kết thúc"),
    # online on a Saturday night: the clock starts Monday 07:30; closed Friday afternoon = on time
    ("HS-H", P5, "Ngô Thị Hà", "Trực tuyến", M("2024-03-23 22:30"), None, None, "29/03/2024 16:00", "Đã trả kết quả"),
    # by post, still open within time at the end
    ("HS-I", P12, "Công ty TNHH May Đức Giang", "Bưu chính công ích", M("2024-04-12 10:15"), None, None, None,
     "Đang xử lý"),
    # an appointment given by the software (shorter than the limit) wins; closed after it: late
    ("HS-J", P12, "Bùi Văn Khánh", "Trực tiếp", M("2024-03-21 08:00"), "28/03/2024 17:00", None,
     "29/03/2024 09:00", "Đã trả kết quả"),
    # received after the period: not in the table
    ("HS-K", P5, "Dương Thị Lan", "Trực tuyến", "15/04/2024 08:00", None, None, None, "Đang xử lý"),
]
PERIOD = (date(2024, 3, 15), date(2024, 4, 14))  # the April 2024 report month (15/03–14/04)


@pytest.fixture(params=["calamine", "openpyxl"])
def reader(request, monkeypatch):
    """Both Excel readers: python-calamine when installed, openpyxl otherwise."""
    from par_desktop.importers import tabular

    if request.param == "calamine":
        pytest.importorskip("python_calamine")
    monkeypatch.setattr(tabular, "USE_CALAMINE", request.param == "calamine")
    return request.param


@pytest.fixture
def catalogue(empty_db):
    units = {}
    for name, code in (("Văn phòng Sở", "VP"), ("Phòng Lao động – Việc làm", "LĐVL"), ("Phòng Người có công", "NCC")):
        units[code] = org.create_unit(SYSTEM, name, code)
    procedures.create_procedure(SYSTEM, code=P5[0], name=P5[1], field=P5[2], limit_days=5,
                                lead_unit_id=units["LĐVL"].id)
    procedures.create_procedure(SYSTEM, code=P12[0], name=P12[1], field=P12[2], limit_days=12,
                                lead_unit_id=units["NCC"].id)
    return units


def rows_of(scenario, *, unit_names=True):
    out = []
    for i, (code, proc, applicant, channel, received, due, result, closed, status) in enumerate(scenario, 1):
        unit = ("phòng lao động việc làm" if proc is P5 else "Người có công") if unit_names else ""
        # The software writes the procedure's code or only its name; both must be understood.
        proc_code = proc[0] if i % 2 else ""
        out.append([i, code, proc_code, proc[1], proc[2], applicant, channel, received, due, result, closed, status,
                    unit, "ghi chú tùy ý"])
    return out


def write_xlsx(path, rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.title = "DanhSachHoSo"
    ws.append(["UBND TỈNH BẮC GIANG"])
    ws.append(["SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"])
    ws.append(["DANH SÁCH HỒ SƠ THỦ TỤC HÀNH CHÍNH"])
    ws.append(["Từ ngày 01/03/2024 đến ngày 20/04/2024"])
    ws.append([])
    ws.append(headers)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
    ws.append([])
    ws.append(["", "Tổng cộng: " + str(len(rows)) + " hồ sơ"])
    wb.save(path)
    return path


def text_cell(value):
    return value.strftime("%d/%m/%Y %H:%M") if isinstance(value, datetime) else ("" if value is None else str(value))


def write_csv(path, rows, *, delimiter=",", bom=True, headers=HEADERS):
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(["DANH SÁCH HỒ SƠ"])
        w.writerow(headers)
        for row in rows:
            w.writerow([text_cell(v) for v in row])
    return path


def state_map(at):
    return {r["code"]: r["state"] for r in dossier_timing.states_at(M(at))}


def expected_table_checks(table):
    by_field = {r.field: r for r in table.rows}
    vl, ncc, total = by_field["Việc làm"], by_field["Người có công"], table.total
    assert vl.as_dict() == {"field": "Việc làm", "received_total": 6, "received_online": 2, "received_direct": 2,
                            "carried_over": 2, "resolved_total": 4, "resolved_early": 1, "resolved_on_time": 2,
                            "resolved_late": 1, "pending_total": 2, "pending_within_time": 0, "pending_overdue": 2}
    assert ncc.counts() == [3, 0, 3, 0, 1, 0, 0, 1, 2, 2, 0]
    assert total.counts() == [9, 2, 5, 2, 5, 1, 2, 2, 4, 2, 2]
    assert table.identities_hold


def test_one_stop_export_gives_the_states_and_statistics_of_the_rules(catalogue, reader, tmp_path):
    path = write_xlsx(tmp_path / "export.xlsx", rows_of(SCENARIO))
    summary = dossier_import.import_dossiers(SYSTEM, path, at=M("2024-04-14 23:59"))
    assert (summary.new, summary.updated, summary.imported, summary.refused) == (11, 0, 11, [])
    # newly overdue at that moment: C and G open past due, E and J closed late
    assert summary.newly_overdue == 4

    h = dossier_timing.dossier_by_code("HS-H")
    assert (h.channel, h.start_at, h.due_at) == ("online", M("2024-03-25 07:30"), M("2024-03-29 17:00"))
    j = dossier_timing.dossier_by_code("HS-J")
    assert (j.due_from_source, j.due_at) == (True, M("2024-03-28 17:00"))
    g = dossier_timing.dossier_by_code("HS-G")
    assert (g.result_at, g.closed_at, g.unit.short_code) == (M("2024-03-22 15:00"), None, "LĐVL")
    assert dossier_timing.dossier_by_code("HS-I").channel == "post"
    assert dossier_timing.dossier_by_code("HS-F").due_at == CAL.due(M("2024-04-10 09:00"), 12)

    assert state_map("2024-04-14 23:59") == {
        "HS-A": "early", "HS-B": "early", "HS-C": "overdue", "HS-D": "on_time", "HS-E": "late",
        "HS-F": "within_time", "HS-G": "overdue", "HS-H": "on_time", "HS-I": "within_time", "HS-J": "late"}
    # Earlier: what existed then, closed later = open then.
    assert state_map("2024-03-21 12:00") == {
        "HS-A": "early", "HS-B": "early", "HS-C": "overdue", "HS-D": "within_time", "HS-E": "within_time",
        "HS-G": "within_time", "HS-J": "within_time"}
    assert state_map("2024-03-25 08:00")["HS-D"] == "near_due"

    expected_table_checks(stats.dossier_statistics(*PERIOD))

    overdue = due_lists.overdue_dossiers(period=PERIOD)
    assert [(o.code, o.closed_at is None, o.days_late) for o in overdue] == [
        ("HS-C", True, 18), ("HS-E", False, 1), ("HS-G", True, 13), ("HS-J", False, 1)]
    # the unit's own list, for the explanation request of Phòng Người có công
    assert [o.code for o in due_lists.overdue_dossiers(unit_id=catalogue["NCC"].id, period=PERIOD)] == ["HS-J"]


# The same columns as HEADERS on two rows, as the one-stop software's "Báo cáo chi tiết" writes them: group
# titles ("Thủ tục", "Thời gian") merged across the columns named below them, the other titles merged down.
UPPER = ["STT", "MÃ HỒ SƠ", "Thủ tục", None, None, "Chủ hồ sơ", "Hình thức nộp", "Thời gian", None, None, None,
         "Trạng thái", "Đơn vị xử lý", "Ghi chú"]
LOWER = [None, None, "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", None, None, "Ngay tiep nhan", "Ngày hẹn trả",
         "Ngày có kết quả", "Ngày kết thúc", None, None, None]


def write_two_row_xlsx(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỒ SƠ THỦ TỤC HÀNH CHÍNH"])
    ws.append(["Từ ngày 01/03/2024 đến ngày 20/04/2024"])
    ws.append(UPPER)
    ws.append(LOWER)
    for first, last in ((3, 5), (8, 11)):                       # group titles across their columns
        ws.merge_cells(start_row=3, start_column=first, end_row=3, end_column=last)
    for column in (1, 2, 6, 7, 12, 13, 14):                       # the other titles down both rows
        ws.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
    wb.save(path)
    return path


def test_a_header_on_two_rows_under_group_titles_is_read(catalogue, reader, tmp_path):
    path = write_two_row_xlsx(tmp_path / "hai-dong.xlsx", rows_of(SCENARIO))
    summary = dossier_import.import_dossiers(SYSTEM, path, at=M("2024-04-14 23:59"))
    assert (summary.new, summary.refused) == (11, [])
    j = dossier_timing.dossier_by_code("HS-J")
    assert (j.received_at, j.due_from_source, j.due_at, j.procedure.code) == (
        M("2024-03-21 08:00"), True, M("2024-03-28 17:00"), P12[0])
    expected_table_checks(stats.dossier_statistics(*PERIOD))


def test_a_csv_with_a_header_on_two_rows_is_read(catalogue, tmp_path):
    with open(tmp_path / "hai-dong.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["DANH SÁCH HỒ SƠ"])
        w.writerow([cell or "" for cell in UPPER])
        w.writerow([cell or "" for cell in LOWER])
        for row in rows_of(SCENARIO):
            w.writerow([text_cell(v) for v in row])
    summary = dossier_import.import_dossiers(SYSTEM, tmp_path / "hai-dong.csv")
    assert (summary.new, summary.refused) == (11, [])
    expected_table_checks(stats.dossier_statistics(*PERIOD))


def test_csv_with_bom_and_semicolon_csv_read_alike(catalogue, tmp_path):
    write_csv(tmp_path / "a.csv", rows_of(SCENARIO), bom=True)
    summary = dossier_import.import_dossiers(SYSTEM, tmp_path / "a.csv")
    assert summary.new == 11
    expected_table_checks(stats.dossier_statistics(*PERIOD))
    # The same export saved with ';' and no BOM is the same data: nothing changes.
    write_csv(tmp_path / "b.csv", rows_of(SCENARIO), delimiter=";", bom=False)
    again = dossier_import.import_dossiers(SYSTEM, tmp_path / "b.csv")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 11)


def test_without_unit_or_appointment_columns_the_procedure_gives_them(catalogue, tmp_path):
    headers = [h for h in HEADERS if h not in ("Ngày hẹn trả", "Đơn vị xử lý")]
    keep = [i for i, h in enumerate(HEADERS) if h in headers]
    rows = [[row[i] for i in keep] for row in rows_of(SCENARIO)]
    dossier_import.import_dossiers(SYSTEM, write_csv(tmp_path / "x.csv", rows, headers=headers))
    j = dossier_timing.dossier_by_code("HS-J")
    assert (j.due_from_source, j.due_at, j.unit_id) == (False, CAL.due(M("2024-03-21 08:00"), 12),
                                                        catalogue["NCC"].id)


def test_missing_required_column_is_named(catalogue, tmp_path):
    headers = [h if h != "Ngay tiep nhan" else "Ngày nhập máy" for h in HEADERS]
    with pytest.raises(InvalidInput, match="thiếu cột bắt buộc: «Ngày tiếp nhận»"):
        dossier_import.import_dossiers(SYSTEM, write_xlsx(tmp_path / "m.xlsx", rows_of(SCENARIO), headers))
    headers = [h for h in HEADERS if h not in ("Mã thủ tục", "Tên thủ tục")]
    with pytest.raises(InvalidInput, match="«Mã thủ tục» hoặc «Tên thủ tục»"):
        dossier_import.import_dossiers(SYSTEM, write_csv(tmp_path / "m.csv", [r[:2] for r in rows_of(SCENARIO)],
                                                         headers=headers))


def test_impossible_date_and_unknown_procedure_refuse_the_file_naming_rows(catalogue, reader, tmp_path):
    rows = rows_of(SCENARIO)
    rows[2][7] = "29/02/2023 08:00"                        # file row 9 (6 title/header rows above)
    rows[4][2], rows[4][3] = "", "Thủ tục không có trong danh mục"  # file row 11
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(ImportRefused) as info:
        dossier_import.import_dossiers(SYSTEM, path)
    message = info.value.message
    assert "bad.xlsx" in message and "chưa nhập hồ sơ nào" in message
    assert "Dòng 9: cột «Ngày tiếp nhận»: ngày không tồn tại «29/02/2023 08:00»" in message
    # An unknown procedure would be added from the row, but the row has no due moment to time it by.
    assert "Dòng 11: không có «Hạn xử lý» và thủ tục «Thủ tục không có trong danh mục» chưa có thời hạn" in message
    assert Dossier.select().count() == 0                   # one transaction: nothing saved
    # The clerk may choose to import the good rows and see the refused ones.
    summary = dossier_import.import_dossiers(SYSTEM, path, skip_invalid=True)
    assert summary.new == 9 and [p.row for p in summary.refused] == [9, 11]


def test_reimport_updates_the_dossier_and_audits_changed_fields(catalogue, tmp_path):
    dossier_import.import_dossiers(SYSTEM, write_xlsx(tmp_path / "1.xlsx", rows_of(SCENARIO)), at=M("2024-04-14 23:59"))
    changed = list(SCENARIO)
    changed[2] = ("HS-C", P5, "Lê Văn Cường", "Trực tiếp", M("2024-03-13 08:00"), None, None, "02/04/2024 10:00",
                  "Đã trả kết quả")
    summary = dossier_import.import_dossiers(SYSTEM, write_xlsx(tmp_path / "2.xlsx", rows_of(changed)),
                                       at=M("2024-04-14 23:59"))
    assert (summary.new, summary.updated, summary.unchanged, summary.newly_overdue) == (0, 1, 10, 0)
    c = dossier_timing.dossier_by_code("HS-C")
    assert c.closed_at == M("2024-04-02 10:00") and c.version == 2
    fields = {a.field: (a.old_value, a.new_value) for a in
              AuditLog.select().where((AuditLog.table_name == "dossier") & (AuditLog.record_id == str(c.id)))}
    assert fields["closed_at"] == (None, "2024-04-02 10:00")
    assert fields["status_text"] == ("Đang xử lý", "Đã trả kết quả")
    assert Dossier.select().count() == 11


def test_duplicate_codes_in_one_file_keep_the_last_row(catalogue, tmp_path):
    rows = rows_of(SCENARIO[:2]) + rows_of([SCENARIO[0][:1] + ("Tên đã sửa",) + SCENARIO[0][2:]])
    rows[-1][2:4] = [P5[0], P5[1]]
    rows[-1][5] = "Nguyễn Văn An (sửa)"
    summary = dossier_import.import_dossiers(SYSTEM, write_xlsx(tmp_path / "d.xlsx", rows))
    assert summary.new == 2 and "HS-A xuất hiện 2 lần" in summary.warnings[0]
    assert dossier_timing.dossier_by_code("HS-A").applicant == "Nguyễn Văn An (sửa)"


def test_not_utf8_and_wrong_kinds_of_file(catalogue, reader, tmp_path):
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("Mã ho so,Tên thu tuc,Ngày tiep nhan\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match="không phải mã UTF-8"):
        dossier_import.import_dossiers(SYSTEM, bad)
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InvalidInput, match=r"\.xls|không đọc được tệp Excel"):
        dossier_import.import_dossiers(SYSTEM, old)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(InvalidInput, match="không đọc được tệp Excel"):
        dossier_import.import_dossiers(SYSTEM, broken)
    with pytest.raises(InvalidInput, match="không tìm thấy dòng tiêu đề"):
        dossier_import.import_dossiers(SYSTEM, write_csv(tmp_path / "h.csv", [], headers=["a", "b"]))


@pytest.mark.parametrize("cell, expected", [
    ("07/02/2024 09:00", (M("2024-02-07 09:00"), True)),
    ("7/2/2024", (M("2024-02-07 00:00"), False)),
    ("2024-02-07 09:05:30", (M("2024-02-07 09:05"), True)),
    ("2024-02-07T09:05", (M("2024-02-07 09:05"), True)),
    ("09:00 07/02/2024", (M("2024-02-07 09:00"), True)),
    ("07-02-2024 14h30", (M("2024-02-07 14:30"), True)),
    ("ngày 07/02/2024, 02:15 CH", (M("2024-02-07 14:15"), True)),
    (datetime(2024, 2, 7, 8, 59, 59, 990000), (M("2024-02-07 09:00"), True)),
    (date(2024, 2, 7), (M("2024-02-07 00:00"), False)),
    (45329.375, (M("2024-02-07 09:00"), True)),  # an Excel serial without a date format
    ("", (None, False)),
])
def test_cell_moments(cell, expected):
    assert parse_cell_moment(cell) == expected


@pytest.mark.parametrize("cell", ["29/02/2023", "31/04/2024 08:00", "07/02/2024 25:00", "hôm qua"])
def test_bad_cell_moments(cell):
    with pytest.raises(ValueError):
        parse_cell_moment(cell)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
       | st.text(alphabet="ĐđÂâĂăÊêÔôƠơƯưÀÁẢÃẠẦẤẨẪẬàáảãạằắẳẵặèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ –-\t ", max_size=40))
def test_cell_text_is_nfc(text):
    assert cell_text(text) == nfc(text)


def test_an_unknown_unit_is_added_once_with_one_warning(catalogue, tmp_path):
    rows = rows_of(SCENARIO)
    for row in rows[:3]:
        row[12] = "Bộ phận Một cửa liên thông"
    rows[3][12] = "bộ phận một cửa – liên thông"          # the same name but for case and a dash
    summary = dossier_import.import_dossiers(SYSTEM, write_xlsx(tmp_path / "u.xlsx", rows))
    assert summary.new == 11 and len(summary.warnings) == 1
    assert summary.warnings[0].startswith("Đã thêm đơn vị «Bộ phận Một cửa liên thông» (mã ")
    assert "(4 hồ sơ)" in summary.warnings[0] and summary.added_units == ["Bộ phận Một cửa liên thông"]
    added = org.find_unit("Bộ phận Một cửa liên thông")
    assert {dossier_timing.dossier_by_code(c).unit_id for c in ("HS-A", "HS-B", "HS-C", "HS-D")} == {added.id}


def test_an_unknown_unit_mapped_by_the_clerk_becomes_an_alias(catalogue, tmp_path):
    rows = rows_of(SCENARIO)
    rows[0][12] = "P. Lao động việc làm"
    path = write_xlsx(tmp_path / "u.xlsx", rows)
    assert dossier_import.unknown_unit_names(path) == ["P. Lao động việc làm"]
    summary = dossier_import.import_dossiers(SYSTEM, path, unit_choices={"P. Lao động việc làm": catalogue["LĐVL"].id})
    assert summary.warnings == [] and summary.added_units == []
    assert dossier_timing.dossier_by_code("HS-A").unit_id == catalogue["LĐVL"].id
    assert org.match_unit("P. Lao động việc làm").id == catalogue["LĐVL"].id
    assert dossier_import.unknown_unit_names(path) == []


def test_an_unknown_procedure_is_added_from_the_export(catalogue, tmp_path):
    rows = rows_of(SCENARIO)
    rows[9][2], rows[9][3], rows[9][4] = "2.000999", "Thủ tục mới chưa có trong danh mục", "Bảo trợ xã hội"  # HS-J
    summary = dossier_import.import_dossiers(SYSTEM, write_xlsx(tmp_path / "p.xlsx", rows))
    assert summary.added_procedures == ["2.000999"] and summary.new == 11
    assert summary.warnings[0].startswith("Đã thêm thủ tục «2.000999 Thủ tục mới chưa có trong danh mục» vào danh mục")
    p = procedures.procedure_by_code("2.000999")
    assert p.needs_completion and p.field == "Bảo trợ xã hội" and procedures.limit_of(p) is None
    j = dossier_timing.dossier_by_code("HS-J")
    assert j.procedure_id == p.id and j.due_at == M("2024-03-28 17:00")   # the export's own due moment
    # Importing the same file again changes nothing and adds nothing.
    again = dossier_import.import_dossiers(SYSTEM, write_xlsx(tmp_path / "p.xlsx", rows))
    assert again.added_procedures == [] and again.unchanged == 11


def test_an_appointment_without_time_means_the_end_of_that_working_day(catalogue, tmp_path):
    rows = rows_of([("HS-Z", P12, "Bùi Văn Khánh", "Trực tiếp", "21/03/2024 08:00", "28/03/2024", None,
                     "28/03/2024 16:30", "Đã trả kết quả")])
    dossier_import.import_dossiers(SYSTEM, write_csv(tmp_path / "z.csv", rows))
    z = dossier_timing.dossier_by_code("HS-Z")
    assert (z.due_at, z.due_from_source) == (M("2024-03-28 17:00"), True)
    assert state_map("2024-04-01 08:00")["HS-Z"] == "on_time"


# ---- the order of text dates (issue 20 item 8) ------------------------------------------------------
US_HEADERS = ["Mã hồ sơ", "Mã thủ tục", "Ngày tiếp nhận", "Ngày kết thúc"]


def write_text_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(US_HEADERS)
        writer.writerows(rows)
    return path


def received(code):
    return dossier_timing.dossier_by_code(code).received_at


def test_a_csv_saved_on_an_english_us_pc_is_read_month_first(catalogue, tmp_path):
    """Excel set to English (United States) writes m/d/yyyy h:mm AM/PM: "2/7/2024 9:00 AM" is 7 February."""
    path = write_text_csv(tmp_path / "us.csv", [
        ["US-1", P5[0], "2/7/2024 9:00 AM", "2/9/2024 3:30 PM"],
        ["US-2", P5[0], "3/1/2024 12:15 PM", ""],
    ])
    assert dossier_import.import_dossiers(SYSTEM, path).new == 2
    assert received("US-1") == M("2024-02-07 09:00") and received("US-2") == M("2024-03-01 12:15")
    assert dossier_timing.dossier_by_code("US-1").closed_at == M("2024-02-09 15:30")


def test_a_day_above_12_in_second_place_makes_the_whole_file_month_first(catalogue, tmp_path):
    path = write_text_csv(tmp_path / "us24.csv", [
        ["US-3", P5[0], "2/7/2024 9:00", ""],
        ["US-4", P5[0], "2/13/2024 14:00", ""],
    ])
    dossier_import.import_dossiers(SYSTEM, path)
    assert received("US-3") == M("2024-02-07 09:00") and received("US-4") == M("2024-02-13 14:00")


def test_vietnamese_files_stay_day_first(catalogue, tmp_path):
    path = write_text_csv(tmp_path / "vn.csv", [
        ["VN-1", P5[0], "07/02/2024 09:00", ""],           # zero-padded: what Vietnamese software writes
        ["VN-2", P5[0], "03/04/2024 02:15 CH", ""],
        ["VN-3", P5[0], "5/2/2024 8h30", "6/2/2024 9:00"],  # unpadded, but "8h30" is Vietnamese
    ])
    dossier_import.import_dossiers(SYSTEM, path)
    assert [received(c) for c in ("VN-1", "VN-2", "VN-3")] == [M("2024-02-07 09:00"), M("2024-04-03 14:15"),
                                                               M("2024-02-05 08:30")]


def test_dates_that_read_both_ways_are_refused_naming_the_column_until_the_order_is_given(catalogue, tmp_path):
    from par_desktop.importers.dossiers import AmbiguousDates

    path = write_text_csv(tmp_path / "hai-cach.csv", [
        ["AM-1", P5[0], "2/7/2024 9:00", ""],
        ["AM-2", P5[0], "3/4/2024 10:00", "3/5/2024 10:00"],
    ])
    with pytest.raises(AmbiguousDates) as refused:
        dossier_import.import_dossiers(SYSTEM, path)
    message = refused.value.message
    assert "cột «Ngày tiếp nhận» (dòng 2: «2/7/2024 9:00»)" in message
    assert "cột «Ngày trả kết quả» (dòng 3: «3/5/2024 10:00»)" in message and "Chưa nhập hồ sơ nào" in message
    assert not Dossier.select().exists()
    dossier_import.import_dossiers(SYSTEM, path, date_order="mdy")
    assert received("AM-1") == M("2024-02-07 09:00") and dossier_timing.dossier_by_code("AM-2").closed_at == M("2024-03-05 10:00")
    dossier_import.import_dossiers(SYSTEM, path, date_order="dmy")    # the clerk changes their mind: updated
    assert received("AM-1") == M("2024-07-02 09:00")


def test_a_file_mixing_both_orders_is_refused(catalogue, tmp_path):
    from par_desktop.importers.dossiers import AmbiguousDates

    path = write_text_csv(tmp_path / "tron.csv", [
        ["MX-1", P5[0], "25/02/2024 09:00", ""],
        ["MX-2", P5[0], "02/26/2024 09:00", ""],
    ])
    with pytest.raises(AmbiguousDates, match="viết theo cả hai thứ tự") as refused:
        dossier_import.import_dossiers(SYSTEM, path)
    assert refused.value.mixed and "dòng 2: «25/02/2024 09:00»" in refused.value.message
    with pytest.raises(ImportRefused, match="Dòng 3"):       # told day-first, the month-first row is wrong
        dossier_import.import_dossiers(SYSTEM, path, date_order="dmy")


@pytest.mark.parametrize("cell, order, expected", [
    ("2/7/2024 9:00 AM", "mdy", M("2024-02-07 09:00")),
    ("2/7/2024 9:00 PM", "mdy", M("2024-02-07 21:00")),
    ("12/31/2024 12:00 AM", "mdy", M("2024-12-31 00:00")),
    ("2/7/2024", "mdy", M("2024-02-07 00:00")),
    ("2/7/2024", "dmy", M("2024-07-02 00:00")),
])
def test_cell_moments_in_either_order(cell, order, expected):
    assert parse_cell_moment(cell, order)[0] == expected
