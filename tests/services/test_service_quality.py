"""Service-quality figures (DOMAIN.md §10) from a one-stop export with the optional service columns,
checked against expectations computed by hand in the comments.

The export is written the way the provincial one-stop software writes it: title rows, mixed-case
headers (one without diacritics), Excel date cells beside "dd/mm/yyyy hh:mm" text, the service columns
with the wordings the software uses (Có / x / 1 / Đã số hóa / blank; Trực tuyến / Trực tiếp / blank;
the rating words), an unknown column and a footer line.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))

from par_desktop.db.models import Dossier
from par_desktop.errors import InvalidInput, PermissionDenied
from par_desktop.importers.dossiers import ImportRefused
from par_desktop.services import org, procedures, service_quality as sq
from par_desktop.services.dossiers import editing as dossier_editing
from par_desktop.services.dossiers import importing as dossier_import
from par_desktop.services.dossiers.timing import dossier_by_code
from par_desktop.services.session import SYSTEM, Actor
from service_files import EXPORT, HEADERS, MARCH, NCC, P5, P12, VL, M, export_catalogue, write_export
@pytest.fixture
def imported(empty_db, tmp_path):
    units = export_catalogue()
    summary = dossier_import.import_dossiers(SYSTEM, write_export(tmp_path / "mot-cua.xlsx", EXPORT))
    assert summary.new == 9 and summary.refused == []
    return units


def test_the_service_columns_are_read_as_the_software_writes_them(imported):
    def flags(code):
        d = dossier_by_code(code)
        return d.digitised_dossier, d.digitised_result, d.payment, d.rating

    assert flags("D1") == (True, True, "online", "very_satisfied")
    assert flags("D2") == (True, False, "direct", "unsatisfied")
    assert flags("D3") == (False, True, "", "")          # blank = not digitised, no fee, not rated
    assert flags("D6") == (True, True, "online", "neutral")


def test_figures_and_points_follow_the_definitions(imported):
    start, end = MARCH
    # received in March, not withdrawn: D1 D2 D3 D4 D5 D7 D9 (7); resolved: D1 D2 D3 D4 D6 D9 (6)
    expected = {
        "on_time": (5, 6),                    # all but D2 early
        "online_share": (3, 7),               # D1 D4 D7
        "digitised_dossiers": (5, 7),         # D1 D2 D4 D7 D9 (D3 blank, D5 Không)
        "digitised_results": (4, 6),          # D1 D3 D4 D6
        "online_payment": (3, 6),             # paid: D1 D2 D4 D5 D7 D9; online D1 D4 D7
        "satisfaction": (3, 5),               # rated D1 D2 D4 D6 D9; satisfied D1 D4 D9
        "procedures_fully_online": (1, 3),    # in force: P5 P12 1.000105; toàn trình: P5
        "published_on_time": (1, 2),          # both dates: P5 on time, P12 late
    }
    for key, (numerator, denominator) in expected.items():
        figure = sq.INDICATOR_FUNCTIONS[key](start, end)
        assert (figure.numerator, figure.denominator) == (numerator, denominator), key
        assert figure.value == pytest.approx(100 * numerator / denominator), key

    # Working minutes start -> close (office day 07:30–17:00 = 570 min): D1 2 d + 60 = 1200; D2 5 d + 480 =
    # 3330; D3 2 d + 300 = 1440; D4 10 d = 5700; D6 4 d + 60 = 2340; D9 180 + 90 = 270; total 14280.
    avg = sq.avg_resolution_days(start, end)
    assert (avg.denominator, avg.numerator) == (6, pytest.approx(14280 / 570))
    assert avg.value == pytest.approx(14280 / 570 / 6)            # 4,18 working days
    assert avg.score_rate == 100.0                                  # P5 3,01 ≤ 5; P12 10 ≤ 12

    result = sq.service_index(start, end)
    groups = {g.key: g for g in result.index.groups}
    assert groups["progress"].points == pytest.approx(20 * 5 / 6)                    # 16,67
    assert groups["digitisation"].points == pytest.approx(11 * 5 / 7 + 11 * 4 / 6)  # 7,86 + 7,33
    assert groups["online"].points == pytest.approx(8 / 3 + 7 * 3 / 7 + 7 * 3 / 6)  # 2,67 + 3 + 3,5
    assert groups["satisfaction"].points == pytest.approx(18 * 3 / 5)               # 10,8
    # disclosure: published_on_time 6 × 50 % = 3; the two hand-entered indicators are unknown
    assert (groups["disclosure"].points, groups["disclosure"].unknown_points) == (pytest.approx(3.0), 12.0)
    assert result.index.total_points == pytest.approx(3 + 100 / 6 + 55 / 7 + 22 / 3 + 8 / 3 + 3 + 3.5 + 10.8)


def test_a_hand_entered_figure_fills_its_unknown_points(imported):
    start, end = MARCH
    sq.set_manual_value(SYSTEM, "status_sync", start, end, numerator=95, denominator=100, note="Cổng DVCQG")
    result = sq.service_index(start, end)
    disclosure = next(g for g in result.index.groups if g.key == "disclosure")
    sync = result.index.indicator("status_sync")
    assert sync.manual and sync.points == pytest.approx(6 * 0.95)
    assert (disclosure.points, disclosure.unknown_points) == (pytest.approx(3 + 5.7), 6.0)
    # a month of the next quarter knows nothing of it
    later = sq.service_index(date(2024, 4, 1), date(2024, 4, 30)).index.indicator("status_sync")
    assert later.points is None
    with pytest.raises(InvalidInput, match="nhập tay"):
        sq.set_manual_value(SYSTEM, "on_time", start, end, value=90)
    with pytest.raises(InvalidInput, match="0 đến 100"):
        sq.set_manual_value(SYSTEM, "status_sync", start, end, value=120)
    with pytest.raises(PermissionDenied):
        sq.set_manual_value(Actor("lanhdao", "leader"), "status_sync", start, end, value=90)


def test_the_points_table_is_editable_and_an_indicator_without_data_has_no_points(imported):
    start, end = MARCH
    sq.set_indicator_points(SYSTEM, "on_time", 15)
    sq.set_indicator_points(SYSTEM, "avg_resolution_days", 5)
    result = sq.service_index(start, end)
    assert result.index.indicator("on_time").points == pytest.approx(15 * 5 / 6)
    assert result.index.indicator("avg_resolution_days").points == pytest.approx(5.0)   # both procedures within
    key = sq.add_manual_indicator(SYSTEM, "satisfaction", "Ý kiến phản ánh được xử lý đúng hạn", 4)
    assert next(g for g in sq.service_index(start, end).index.groups if g.key == "satisfaction").unknown_points == 4
    sq.remove_manual_indicator(SYSTEM, key)
    sq.reset_points_table(SYSTEM)
    assert sq.service_index(start, end).index.indicator("on_time").max_points == 20
    # a month with no dossier: no value, never 0, and its maximum counted as unknown
    empty = sq.service_index(date(2024, 6, 1), date(2024, 6, 30)).index
    assert empty.indicator("on_time").value is None and empty.indicator("on_time").points is None
    assert next(g for g in empty.groups if g.key == "progress").unknown_points == 20


def test_per_unit_field_and_procedure(imported):
    start, end = MARCH
    ncc = imported["NCC"].id
    # NCC: received D4 D5 (D8 withdrawn); resolved D4; procedures in force P12, 1.000105
    assert sq.online_share(start, end, unit_id=ncc).numerator == 1
    assert sq.online_share(start, end, unit_id=ncc).denominator == 2
    assert sq.on_time(start, end, unit_id=ncc).value == 100.0
    assert (sq.procedures_fully_online(start, end, unit_id=ncc).numerator,
            sq.procedures_fully_online(start, end, unit_id=ncc).denominator) == (0, 2)
    p5 = procedures.procedure_by_code(P5[0]).id
    assert (sq.on_time(start, end, procedure_id=p5).numerator, sq.on_time(start, end, procedure_id=p5).denominator) \
        == (4, 5)
    assert sq.satisfaction(start, end, field="Việc làm").denominator == 4     # D1 D2 D6 D9
    units = sq.breakdown(start, end, "unit")
    assert [b.label for b in units] == [VL, NCC]          # the weaker unit first
    fields = {b.key: b for b in sq.breakdown(start, end, "field")}
    assert fields["Người có công"].index.indicator("digitised_dossiers").figure.numerator == 1    # D4 (D5 no)


def test_the_dossiers_behind_a_figure_and_those_that_cost_points(imported):
    start, end = MARCH

    def codes(ids):
        return sorted(Dossier.get_by_id(i).code for i in ids)

    assert codes(sq.dossiers_behind("digitised_dossiers", start, end, "missing")) == ["D3", "D5"]
    assert codes(sq.dossiers_behind("online_payment", start, end, "missing")) == ["D2", "D5", "D9"]
    assert codes(sq.dossiers_behind("online_payment", start, end, "denominator")) == ["D1", "D2", "D4", "D5", "D7", "D9"]
    assert codes(sq.dossiers_behind("on_time", start, end, "missing")) == ["D2"]
    assert codes(sq.dossiers_behind("satisfaction", start, end, "numerator")) == ["D1", "D4", "D9"]
    assert [p.code for p in sq.procedures_behind("procedures_fully_online", start, end, "missing")] == \
        ["1.000105", P12[0]]
    assert [p.code for p in sq.procedures_behind("published_on_time", start, end, "missing")] == [P12[0]]

    # Each reason costs the indicator's maximum / its denominator: late 20/6, not digitised 11/7, result not
    # digitised 11/6, paid at the desk where online payment exists 7/6 (P5 is toàn trình, P12 was paid
    # online by D4), not satisfied 18/5.
    costly = {c.code: c for c in sq.costly_dossiers(start, end)}
    assert [c.code for c in sq.costly_dossiers(start, end)] == ["D2", "D6", "D9", "D5", "D3"]
    assert set(costly["D2"].reasons) == {"late", "result_not_digitised", "desk_payment", "not_satisfied"}
    assert costly["D2"].points == pytest.approx(20 / 6 + 11 / 6 + 7 / 6 + 18 / 5)
    assert costly["D5"].points == pytest.approx(11 / 7 + 7 / 6)
    assert costly["D3"].reason_text == "Hồ sơ chưa số hóa"


def test_a_file_without_the_columns_keeps_what_is_known_and_new_dossiers_stay_unknown(imported, tmp_path):
    plain = [h for h in HEADERS if h not in ("Số hóa hồ sơ", "SỐ HÓA KẾT QUẢ", "Hình thức thanh toán",
                                             "Mức độ hài lòng")]
    rows = [*EXPORT, ("D10", P5, "Trực tiếp", M("2024-03-27 09:00"), None, "Đang xử lý", VL, "", "", "", "")]
    summary = dossier_import.import_dossiers(SYSTEM, write_export(tmp_path / "plain.xlsx", rows, plain))
    assert (summary.new, summary.unchanged) == (1, 9)
    assert dossier_by_code("D2").payment == "direct"
    d10 = dossier_by_code("D10")
    assert (d10.digitised_dossier, d10.payment, d10.rating) == (None, None, "")
    # D10 is received in March but does not count where its column is unknown
    assert sq.digitised_dossiers(*MARCH).denominator == 7
    assert sq.online_share(*MARCH).denominator == 8


def test_an_unreadable_service_value_refuses_the_file_naming_the_row(empty_db, tmp_path):
    org.create_unit(SYSTEM, VL, "LĐVL")
    procedures.create_procedure(SYSTEM, code=P5[0], name=P5[1], field=P5[2], limit_days=5)
    rows = [EXPORT[0], ("D2", P5, "Trực tiếp", "05/03/2024 08:00", None, "Đang xử lý", VL,
                        "Đang số hóa", "", "Chuyển khoản ngân hàng", "Tuyệt vời")]
    with pytest.raises(ImportRefused) as refused:
        dossier_import.import_dossiers(SYSTEM, write_export(tmp_path / "bad.xlsx", rows))
    text = refused.value.message
    assert "Dòng 7" in text and "Đang số hóa" in text and "Chuyển khoản" in text and "Tuyệt vời" in text
    assert Dossier.select().count() == 0


def test_the_dossier_form_values_are_checked_and_audited(imported):
    d = dossier_by_code("D5")
    changed = dossier_editing.update_dossier(SYSTEM, d.id, d.version, digitised_dossier=True, payment="online",
                                      rating="satisfied")
    assert (changed.digitised_dossier, changed.payment, changed.rating) == (True, "online", "satisfied")
    with pytest.raises(InvalidInput, match="Thanh toán"):
        dossier_editing.update_dossier(SYSTEM, d.id, None, payment="card")
    from par_desktop.db.models import AuditLog

    fields = {a.field for a in AuditLog.select().where((AuditLog.table_name == "dossier")
                                                         & (AuditLog.record_id == str(d.id)))}
    assert {"digitised_dossier", "payment", "rating"} <= fields


def test_the_monthly_report_shows_the_figures_of_its_period(imported, tmp_path):
    from docx import Document

    from par_desktop.services import documents

    org.set_org_names(SYSTEM, date(2020, 1, 1), org.OrgNames(
        "UBND TỈNH BẮC GIANG", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở Lao động - Thương binh và Xã hội",
        "SLĐTBXH", "Bắc Giang", "VP"))
    org.save_signer(SYSTEM, None, None, name="Trần Văn Hà", title="PHÓ GIÁM ĐỐC", authority="KT. GIÁM ĐỐC",
                    is_default=True)
    path = documents.generate(SYSTEM, documents.DocRequest("monthly_report", month="2024-03"),
                              tmp_path / "bc.docx").path
    document = Document(path)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Chất lượng phục vụ người dân, tổ chức" in text and "Quyết định số 766/QĐ-TTg" in text
    rows = {row.cells[1].text: [c.text for c in row.cells] for t in document.tables for row in t.rows
            if len(row.cells) == 6}
    # the March report period runs 15/02–14/03: resolved D1 D2 D3 D6, all but D2 on time
    assert rows["Hồ sơ giải quyết trước hạn, đúng hạn"][2:] == ["3/4", "75%", "20", "15"]
    assert rows["Hồ sơ được đồng bộ trạng thái lên Cổng Dịch vụ công quốc gia (nhập tay)"][3:] == \
        ["chưa có số liệu", "6", "—"]


def test_the_points_table_saves_several_maxima_at_once(imported):
    sq.set_points_table(SYSTEM, {"on_time": 16, "avg_resolution_days": 4})
    table = {d.key: d.max_points for d in sq.points_table()}
    assert (table["on_time"], table["avg_resolution_days"]) == (16, 4)
    with pytest.raises(InvalidInput, match="0 đến 100"):
        sq.set_points_table(SYSTEM, {"on_time": 10, "satisfaction": 150})
    assert {d.key: d.max_points for d in sq.points_table()}["on_time"] == 16
    rows = sq.procedures_behind("published_on_time", *MARCH, "denominator")
    assert [(p.code, p.published_on) for p in rows] == [(P12[0], date(2024, 2, 10)), (P5[0], date(2023, 12, 20))]


def test_one_pass_gives_the_whole_index_and_each_unit_alike(imported):
    total, units = sq.index_and_breakdown(*MARCH, "unit")
    assert total.as_json() == sq.service_index(*MARCH).as_json()
    for row in units:
        alone = sq.service_index(*MARCH, unit_id=row.key).index
        assert [(i.key, i.figure) for i in row.index.indicators() if i.key not in ("procedures_fully_online",
                                                                                   "published_on_time")] == \
            [(i.key, i.figure) for i in alone.indicators() if i.key not in ("procedures_fully_online",
                                                                            "published_on_time")]
    trend = dict((p.end.month, index) for p, index in sq.monthly_trend(2024, 1))
    assert trend[3].indicator("on_time").figure == sq.on_time(*MARCH)     # cut-off 1: calendar months
