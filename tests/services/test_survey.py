"""The satisfaction survey end to end: the administrator's questionnaire, a survey sheet built the way the
Office's tools write one (an Excel entry sheet with title rows, question columns labelled "A1.1. …", answers
as words and digits; and a Google Forms CSV export with "Dấu thời gian"), unknown words mapped and
remembered, the bad rows refused whole, and the index worked out by hand in the comments."""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))

from par_desktop.db.models import RatingWord, SurveyResponse
from par_desktop.errors import InvalidInput, NotFound, PermissionDenied
from par_desktop.importers.dossiers import ImportRefused
from par_desktop.services import survey
from par_desktop.services.session import SYSTEM, Actor
from service_files import FORMS, HEADER, QUESTIONS, survey_office, write_sheet


@pytest.fixture
def office(empty_db):
    return survey_office()


def test_unknown_words_are_listed_with_their_rows_then_mapped_and_remembered(office, tmp_path):
    path = write_sheet(tmp_path / "khao-sat.xlsx")
    with pytest.raises(survey.UnknownWords) as unknown:
        survey.import_responses(SYSTEM, path, "Tháng 10/2024")
    assert unknown.value.words == {"Tạm được": [10]}       # form 6 is on row 10 of the sheet
    assert "«Tạm được» (dòng 10)" in unknown.value.message
    assert SurveyResponse.select().count() == 0
    summary = survey.import_responses(SYSTEM, path, "Tháng 10/2024", mapping={"Tạm được": 3})
    assert (summary.imported, summary.wave_created) == (10, True)
    # blank: form 3 A1.2 and A5.1, form 10 A5.1; outside the scale: form 5 A1.2 (6), form 8 A4.1 (0)
    assert (summary.blank, summary.invalid, summary.valid) == (3, 2, 55)
    assert RatingWord.get(RatingWord.key == "tam duoc").score == 3


def test_the_index_worked_out_by_hand(office, tmp_path):
    survey.map_words(SYSTEM, {"Tạm được": 3})
    survey.import_responses(SYSTEM, write_sheet(tmp_path / "khao-sat.xlsx"), "Tháng 10/2024")
    wave = survey.wave_by_name("tháng 10/2024")
    result = survey.wave_index(wave.id).index
    # satisfied (4 or 5) / valid answers:
    #   A1.1  5 4 3 2 5 4 5 2 4 1        -> 6 / 10 = 60 %
    #   A1.2  4 4 _ 4 6* 3 5 4 4 2       -> 6 / 8  = 75 %   (one blank, one out of scale)
    #   A2.1  4 4 4 5 4 3 5 4 4 3        -> 8 / 10 = 80 %
    #   A3.1  5 5 4 4 5 3 5 4 3 4        -> 8 / 10 = 80 %
    #   A4.1  4 5 2 4 4 4 5 0* 4 4       -> 8 / 9  = 88,9 %
    #   A5.1  3 4 _ 5 4 5 5 2 4 _        -> 6 / 8  = 75 %
    expected = {"A1.1": (6, 10), "A1.2": (6, 8), "A2.1": (8, 10), "A3.1": (8, 10), "A4.1": (8, 9), "A5.1": (6, 8)}
    for code, (satisfied, valid) in expected.items():
        q = result.question(code)
        assert (q.satisfied, q.fig.valid) == (satisfied, valid), code
        assert q.fig.index == pytest.approx(100 * satisfied / valid)
    assert (result.question("A1.2").blank, result.question("A1.2").invalid) == (1, 1)
    assert result.question("A5.1").blank == 2
    assert result.question("A1.1").counts == (1, 2, 1, 3, 3)
    # Wilson 95 % for 6 of 10: [31,27 %; 83,18 %]
    q = result.question("A1.1").fig
    assert (round(q.low, 2), round(q.high, 2)) == (31.27, 83.18)
    # aspects: A1 = (60 + 75) / 2 = 67,5; A2 = 80; A3 = 80; A4 = 88,9; A5 = 75; overall = their mean = 78,28
    assert result.aspect("A1").fig.index == pytest.approx(67.5)
    assert result.overall.index == pytest.approx((67.5 + 80 + 80 + 800 / 9 + 75) / 5)
    assert result.overall.low <= result.overall.index <= result.overall.high
    assert result.overall.small and result.overall.valid == 10
    # the CLI object
    data = survey.wave_index(wave.id).as_json()
    assert data["respondents"] == 10 and data["aspects"][0]["questions"][1] == {
        "code": "A1.2", "index": 75.0, "valid": 8, "low": pytest.approx(data["aspects"][0]["questions"][1]["low"]),
        "high": pytest.approx(data["aspects"][0]["questions"][1]["high"])}


def test_the_dossier_fills_unit_and_channel_and_groups_keep_their_sample_sizes(office, tmp_path):
    survey.map_words(SYSTEM, {"Tạm được": 3})
    survey.import_responses(SYSTEM, write_sheet(tmp_path / "khao-sat.xlsx"), "Tháng 10/2024")
    wave = survey.wave_by_name("Tháng 10/2024")
    form2 = next(r for r in survey.responses(wave.id) if r.form_number == "2")
    assert (form2.unit, form2.field, form2.channel) == ("Phòng Người có công", "Người có công", "direct")
    by_unit = {g.label: g.index for g in survey.index_by(wave.id, "unit")}
    assert {k: v.respondents for k, v in by_unit.items()} == {"Phòng Lao động – Việc làm": 5, "Phòng Người có công": 5}
    # NCC A1.1: 5 4 3 2 5 -> 3 / 5
    assert by_unit["Phòng Người có công"].question("A1.1").fig.index == 60.0
    by_channel = {g.key: g.index.respondents for g in survey.index_by(wave.id, "channel")}
    assert by_channel == {"online": 5, "direct": 5}


def test_a_google_forms_csv_with_a_timestamp_column(office, tmp_path):
    path = tmp_path / "google-forms.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Dấu thời gian", "Số phiếu", *(f"{c}. {t}" for c, t in QUESTIONS), "A2.2 Niêm yết chính xác"])
        w.writerow(["15/10/2024 9:15:22", "G1", "Rất hài lòng", "Hài lòng", "Bình thường", "Hài lòng",
                    "Rất hài lòng", "Không hài lòng", "Hài lòng"])
        w.writerow(["15/10/2024 10:02:05", "G2", "Hài lòng", "Hài lòng", "Hài lòng", "Hài lòng", "Hài lòng", "",
                    "Bình thường"])
    summary = survey.import_responses(SYSTEM, path, "Khảo sát trực tuyến")
    assert summary.imported == 2 and summary.questions_added == ["A2.2"]
    wave = survey.wave_by_name("Khảo sát trực tuyến")
    assert [q.code for q in survey.questions(wave.id)][:4] == ["A1.1", "A1.2", "A2.1", "A2.2"]
    result = survey.wave_index(wave.id).index
    # A2: A2.1 (3, 4) -> 1/2 = 50 %; A2.2 (4, 3) -> 1/2 = 50 %
    assert result.aspect("A2").fig.index == 50.0


@pytest.mark.parametrize("change, message", [
    (lambda forms: forms + [forms[0]], "số phiếu 1 lặp lại ở các dòng 5, 15"),
    (lambda forms: [(*forms[0][:2], "HS-KHONG-CO", *forms[0][3:])] + forms[1:], "không có hồ sơ mã «HS-KHONG-CO»"),
    (lambda forms: [(*forms[0][:3], "Phòng Không Tồn Tại", *forms[0][4:])] + forms[1:], "không có đơn vị"),
    (lambda forms: [(forms[0][0], "31/02/2024", *forms[0][2:])] + forms[1:], "ngày không tồn tại"),
    (lambda forms: [("", *forms[0][1:])] + forms[1:], "thiếu «Số phiếu»"),
])
def test_bad_rows_refuse_the_whole_file(office, tmp_path, change, message):
    survey.map_words(SYSTEM, {"Tạm được": 3})
    with pytest.raises(ImportRefused, match=message):
        survey.import_responses(SYSTEM, write_sheet(tmp_path / "bad.xlsx", change(list(FORMS))), "Đợt 1")
    assert SurveyResponse.select().count() == 0 and survey.waves() == []


def test_a_form_number_already_in_the_wave_is_refused_and_nothing_is_added(office, tmp_path):
    survey.map_words(SYSTEM, {"Tạm được": 3})
    survey.import_responses(SYSTEM, write_sheet(tmp_path / "a.xlsx", FORMS[:4]), "Đợt 1")
    with pytest.raises(ImportRefused, match="phiếu số 4 đã có trong đợt «Đợt 1»"):
        survey.import_responses(SYSTEM, write_sheet(tmp_path / "b.xlsx", FORMS[3:]), "Đợt 1")
    assert SurveyResponse.select().count() == 4


def test_a_column_outside_the_five_aspects_is_refused(office, tmp_path):
    header = [*HEADER[:-1], "A6.1 Câu hỏi lạ"]
    forms = [(*f[:5], (*f[5], 5)) for f in FORMS[:2]]
    wb_path = tmp_path / "a6.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for i, (form, day, dossier, unit, channel, answers) in enumerate(forms, 1):
        ws.append([i, form, day, dossier, unit, channel, *answers])
    wb.save(wb_path)
    with pytest.raises(InvalidInput, match="A6.1 không thuộc khía cạnh nào"):
        survey.import_responses(SYSTEM, wb_path, "Đợt 1")


def test_typing_forms_on_the_entry_screen(office):
    wave = survey.create_wave(SYSTEM, "Tại quầy tháng 11", started_on=date(2024, 11, 1))
    saved = survey.add_response(SYSTEM, wave.id, survey.next_form_number(wave.id), date(2024, 11, 4),
                                {"A1.1": "5", "A1.2": "", "A2.1": "9", "A3.1": "4", "A4.1": "4", "A5.1": "3"},
                                channel="Trực tiếp", unit_id=office.id)
    assert (saved.form_number, saved.valid, saved.blank, saved.invalid) == ("1", 4, 1, 1)
    assert survey.next_form_number(wave.id) == "2"
    with pytest.raises(InvalidInput, match="Phiếu số 1 đã có"):
        survey.add_response(SYSTEM, wave.id, "1", date(2024, 11, 4), {"A1.1": "5"})
    with pytest.raises(NotFound, match="HS-9"):
        survey.add_response(SYSTEM, wave.id, "2", date(2024, 11, 4), {"A1.1": "5"}, dossier_code="HS-9")
    with pytest.raises(InvalidInput, match="không đọc được"):
        survey.add_response(SYSTEM, wave.id, "2", date(2024, 11, 4), {"A1.1": "Tuyệt"})
    with pytest.raises(PermissionDenied):
        survey.add_response(Actor("lanhdao", "leader"), wave.id, "2", date(2024, 11, 4), {"A1.1": "5"})
    assert survey.wave_index(wave.id).index.question("A2.1").invalid == 1


def test_the_questionnaire_is_checked_and_each_wave_keeps_its_own(office):
    with pytest.raises(InvalidInput, match="A6"):
        survey.set_default_questionnaire(SYSTEM, [("A6.1", "Câu lạ")])
    with pytest.raises(InvalidInput, match="hai lần"):
        survey.set_default_questionnaire(SYSTEM, [("A1.1", "a"), ("a1.1", "b")])
    first = survey.create_wave(SYSTEM, "Đợt 1")
    survey.set_default_questionnaire(SYSTEM, None)       # back to the shipped 22 questions
    second = survey.create_wave(SYSTEM, "Đợt 2")
    assert len(survey.questions(first.id)) == 6 and len(survey.questions(second.id)) == 22
    survey.save_question(SYSTEM, first.id, "A5.2", "Dễ dàng góp ý")
    assert survey.questions(first.id)[-1].code == "A5.2"
    survey.set_official(SYSTEM, first.id, 84.25, "Quyết định số 512/QĐ-UBND ngày 20/3/2025")
    assert survey.wave_by_name("Đợt 1").official_index == 84.25


def test_excel_export_holds_the_index_groups_and_every_form(office, tmp_path):
    from openpyxl import load_workbook

    survey.map_words(SYSTEM, {"Tạm được": 3})
    survey.import_responses(SYSTEM, write_sheet(tmp_path / "k.xlsx"), "Tháng 10/2024")
    wave = survey.wave_by_name("Tháng 10/2024")
    survey.add_response(SYSTEM, wave.id, "11", date(2024, 10, 8), {}, field="=HYPERLINK(\"x\")")
    out = survey.export_xlsx(wave.id, tmp_path / "xuat.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Chỉ số", "Theo nhóm", "Phiếu"]
    forms = list(wb["Phiếu"].iter_rows(values_only=True))
    assert forms[0][:7] == ("Số phiếu", "Ngày", "Mã hồ sơ", "Đơn vị", "Lĩnh vực", "Kênh", "A1.1")
    assert len(forms) == 12 and forms[6][6:] == (4, 3, 3, "Tạm được", 4, 5)
    typed = next(row for row in wb["Phiếu"].iter_rows() if row[0].value == "11")
    assert (typed[4].value, typed[4].data_type) == ('=HYPERLINK("x")', "s")     # text, never a live formula
    index_rows = {r[0]: r for r in wb["Chỉ số"].iter_rows(values_only=True) if r and r[0]}
    # A1.2: form 3 and the empty form 11 left it blank, form 5 answered 6
    assert index_rows["A1.1"][2] == 60.0 and index_rows["A1.2"][7:9] == (2, 1)


def test_unknown_words_are_known_before_importing_and_a_waves_questions_saved_at_once(office, tmp_path):
    path = write_sheet(tmp_path / "k.xlsx")
    assert survey.unknown_words(path) == {"Tạm được": [10]}
    survey.map_words(SYSTEM, {"tạm được": 3})
    assert survey.unknown_words(path) == {}
    wave = survey.create_wave(SYSTEM, "Đợt 1")
    survey.save_questions(SYSTEM, wave.id, [("A1.1", "Chỗ ngồi đủ"), ("A2.1", "Niêm yết đủ"), ("A5.3", "Xử lý góp ý")])
    assert [(q.code, q.text) for q in survey.questions(wave.id)] == [
        ("A1.1", "Chỗ ngồi đủ"), ("A2.1", "Niêm yết đủ"), ("A5.3", "Xử lý góp ý")]
    survey.add_response(SYSTEM, wave.id, "1", date(2024, 11, 4), {"A1.1": "5"})
    with pytest.raises(InvalidInput, match="A1.1 đã có 1 câu trả lời"):
        survey.save_questions(SYSTEM, wave.id, [("A2.1", "Niêm yết đủ")])
    assert len(survey.questions(wave.id)) == 3       # nothing of the refused change was kept
