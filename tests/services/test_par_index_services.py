"""The PAR INDEX services on real database files: import, metrics against the statistics, the workflow
with roles, appraisal, evidence, the pack and the table — and every bad input of issue 13."""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from index_files import ROWS_2024, write_appraisal_xlsx, write_criteria_xlsx

from par_desktop.db.models import (
    AuditLog, IndexAssessment, IndexCriterion, IndexEvidence, IndexEvidenceBlob, IndexSet, Unit,
)
from par_desktop.errors import InvalidInput, NotFound, PermissionDenied
from par_desktop.services import settings, stats
from par_desktop.services.par_index import criteria as C
from par_desktop.services.par_index import evidence as E
from par_desktop.services.par_index import metrics as M
from par_desktop.services.par_index import outputs as O
from par_desktop.services.par_index import scoring as S
from par_desktop.services.session import SYSTEM, Actor

TODAY = date(2025, 1, 15)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _unit_actor(code: str) -> Actor:
    unit = Unit.get(Unit.short_code == code)
    return Actor(f"u_{code.lower()}", "unit", unit.id)


@pytest.fixture
def sheet(tmp_path):
    return write_criteria_xlsx(tmp_path / "bo-chi-so-2024.xlsx")


@pytest.fixture
def imported(demo_db, sheet):
    """The demo database with the test table imported as 2025's set (the demo has 2023 and 2024)."""
    IndexSet.delete().where(IndexSet.year == 2024).execute()
    return C.import_criteria(SYSTEM, sheet, 2024)


def crit(path: str, year: int = 2024) -> IndexCriterion:
    return C.find_criterion(year, path)


# ---- import ---------------------------------------------------------------------------------------------

def test_import_gives_the_hierarchy_maxima_units_and_steps(imported):
    assert imported.count == len(ROWS_2024) and imported.warnings == []
    report = S.score_report(2024, TODAY)
    assert report.max_total == 10
    assert [r.path for r in report.roots] == ["I", "II", "III", "IV"]
    assert [(r.kind, r.max_points) for r in report.roots] == [("normal", 4), ("normal", 6), ("bonus", 1), ("penalty", -1)]
    leaf = crit("I.1.1")
    assert leaf.score_steps == "0; 0,25; 0,5" and Unit.get_by_id(leaf.unit_id).short_code == "VP"
    assert crit("IV.1").score_steps == "bội số 0,25"
    assert Unit.get_by_id(crit("II.2.1").unit_id).short_code == "LĐVL"
    assert imported.compared_with == 2023 and any(c.change == "removed" for c in imported.changes)


def test_metric_rows_are_computed_from_live_data_as_the_statistics_count(imported):
    report = S.score_report(2024, TODAY)
    table = stats.dossier_statistics(date(2024, 1, 1), date(2024, 12, 31)).total
    on_time = report.metric_values["dossiers_on_time_rate"]
    assert on_time.numerator == table.resolved_early + table.resolved_on_time
    assert on_time.denominator == table.resolved_total
    online = report.metric_values["dossiers_online_rate"]
    assert (online.numerator, online.denominator) == (table.received_online, table.received_online + table.received_direct)
    node = next(n for n in report.leaves() if n.path == "II.1.1")
    expected = 2 if on_time.value >= 100 else 1 if on_time.value >= 95 else 0
    assert node.computed_points == expected and node.metric_value == pytest.approx(on_time.value, abs=1e-3)
    assert report.computed_total == sum(n.computed_points for n in report.leaves() if n.computed_points is not None)


def test_a_zero_denominator_gives_no_value(empty_db):
    period = M.MetricPeriod(date(2024, 1, 1), date(2024, 12, 31), TODAY)
    values = M.compute(period)
    assert values and all(v.value is None and v.denominator == 0 for v in values.values())


def test_reimporting_the_same_file_changes_nothing(imported, sheet):
    before = AuditLog.select().where(AuditLog.action == "update").count()
    again = C.import_criteria(SYSTEM, sheet, 2024)
    assert again.count == imported.count and not again.created
    assert AuditLog.select().where(AuditLog.action == "update").count() == before


@pytest.mark.parametrize("rows_change, message", [
    (lambda rows: rows.__setitem__(6, ("2.1", "Trùng mã", "1", "", "", "", "", "")) or rows,
     r"mã 2.1 lặp lại: dòng 12 \(mã 2.1\) và dòng 13"),
    (lambda rows: rows.__setitem__(16, ("1", "Chậm giải trình", "1", "", "", "", "", "")) or rows,
     "mục trừ điểm phải ghi điểm tối đa là số âm"),
    (lambda rows: rows.__setitem__(9, ("1.1", "Đúng hạn", "2", "", "", "Văn phòng Sở", "dossiers_on_time_rate",
                                       "≥100%: 2; ≥95%: 1")) or rows, "thang điểm không bao phủ 0–100 %"),
    (lambda rows: rows.__setitem__(2, ("1.1", "Ban hành", "", "", "", "", "", "")) or rows, "thiếu điểm tối đa"),
])
def test_bad_tables_are_refused_naming_the_row_and_nothing_is_saved(demo_db, tmp_path, rows_change, message):
    count = IndexCriterion.select().count()
    audit = AuditLog.select().count()
    path = write_criteria_xlsx(tmp_path / "sai.xlsx", rows=rows_change(list(ROWS_2024)))
    with pytest.raises(InvalidInput, match=message):
        C.import_criteria(SYSTEM, path, 2025)
    assert IndexCriterion.select().count() == count and AuditLog.select().count() == audit
    assert C.set_for_year(2025) is None


def test_a_locked_set_is_not_reimported(demo_db, tmp_path):
    with pytest.raises(InvalidInput, match="đã khóa"):
        C.import_criteria(SYSTEM, write_criteria_xlsx(tmp_path / "x.xlsx"), 2023)


def test_reimport_refuses_to_drop_criteria_that_have_scores(imported, tmp_path):
    S.set_self_score(SYSTEM, crit("III.1").id, 1)
    rows = [r for r in ROWS_2024 if r[1] != "ĐIỂM THƯỞNG" and not r[1].startswith("Có sáng kiến")]
    with pytest.raises(InvalidInput, match="không còn các tiêu chí III.1.*chưa có gì thay đổi"):
        C.import_criteria(SYSTEM, write_criteria_xlsx(tmp_path / "bot.xlsx", rows=rows), 2024)
    assert crit("III.1") is not None


def test_a_new_year_from_last_years_set_and_what_changed(demo_db):
    copied = C.copy_from_previous(SYSTEM, 2025)
    assert copied.count == IndexCriterion.select().join(IndexSet).where(IndexSet.year == 2024).count()
    new, old = crit("III.2.1", 2025), crit("III.2.1", 2024)
    assert (new.unit_id, new.metric, new.bands, new.score_steps) == (old.unit_id, old.metric, old.bands, old.score_steps)
    assert crit("II.1.1", 2025).evidence_deadline == date(2025, 12, 15)
    assert S.score_report(2025, TODAY).self_total is None          # scores stay with 2024
    assert C.compare_years(2024, 2025) == []
    changes = {(c.change, c.path) for c in C.compare_years(2023, 2024)}
    assert ("added", "I.5.1") in changes and ("removed", "VII.1.3") in changes and ("max", "III.3.3") in changes
    with pytest.raises(InvalidInput, match="Đã có bộ chỉ số năm 2025"):
        C.copy_from_previous(SYSTEM, 2025)


def test_editing_a_criterion_keeps_parents_sums_and_checks_like_an_import(imported):
    leaf = crit("I.1.2")
    C.update_criterion(SYSTEM, leaf.id, leaf.version, max_points="2", bands="≥100%: 2; ≥80%: 1; còn lại: 0")
    assert crit("I.1").max_points == 2.5 and crit("I").max_points == 4.5
    with pytest.raises(InvalidInput, match="không bao phủ"):
        C.update_criterion(SYSTEM, leaf.id, None, bands="≥100%: 2")
    with pytest.raises(InvalidInput, match="mục trừ điểm phải có điểm tối đa là số âm"):
        C.update_criterion(SYSTEM, crit("IV.1").id, None, max_points="1")
    with pytest.raises(PermissionDenied):
        C.update_criterion(_unit_actor("VP"), leaf.id, None, title="x")


# ---- workflow -------------------------------------------------------------------------------------------

def test_a_unit_scores_only_its_own_rows_and_the_office_reviews(imported):
    vp, ldvl = _unit_actor("VP"), _unit_actor("LĐVL")
    own = crit("II.2.1")          # LĐVL's
    with pytest.raises(PermissionDenied, match="chỉ được chấm điểm tiêu chí của đơn vị mình"):
        S.set_self_score(vp, own.id, 2)
    with pytest.raises(PermissionDenied):
        S.set_self_score(Actor("lanhdao", "leader"), own.id, 2)
    row = S.set_self_score(ldvl, own.id, "1", "Rà soát 7% TTHC")
    assert (row.state, row.self_points) == ("draft", 1)
    with pytest.raises(InvalidInput, match="không đúng mức hướng dẫn"):
        S.set_self_score(ldvl, own.id, "1,5")
    assert S.submit(ldvl, [own.id]) == 1
    with pytest.raises(InvalidInput, match="đã gửi Văn phòng"):
        S.set_self_score(ldvl, own.id, 2)
    with pytest.raises(InvalidInput, match="ghi lý do trả lại"):
        S.review(SYSTEM, own.id, accept=False)
    S.review(SYSTEM, own.id, accept=False, note="Bổ sung báo cáo rà soát")
    S.set_self_score(ldvl, own.id, 2, "Rà soát 12% TTHC")
    S.submit(ldvl, [own.id])
    with pytest.raises(PermissionDenied):
        S.review(ldvl, own.id, accept=True)
    assert S.review(SYSTEM, own.id, accept=True).state == "accepted"
    trail = {(a.field, a.new_value) for a in AuditLog.select().where(AuditLog.table_name == "index_assessment")}
    assert ("state", "returned") in trail and ("review_note", "Bổ sung báo cáo rà soát") in trail
    assert ("self_points", "2.0") in trail


def test_lock_needs_every_row_scored_and_accepted_then_freezes_self_scores(imported):
    with pytest.raises(InvalidInput, match="chưa có điểm tự đánh giá"):
        S.lock(SYSTEM, 2024)
    report = S.score_report(2024, TODAY)
    for node in report.leaves():
        if node.kind == "normal":
            S.set_self_score(SYSTEM, node.id, node.max_points)
    ldvl = _unit_actor("LĐVL")
    row = IndexAssessment.get(IndexAssessment.criterion == crit("II.2.1").id)
    IndexAssessment.update(state="submitted").where(IndexAssessment.id == row.id).execute()
    with pytest.raises(InvalidInput, match="Văn phòng chưa chấp nhận \\(II.2.1\\)"):
        S.lock(SYSTEM, 2024)
    assert S.accept_submitted(SYSTEM, 2024) == 1
    S.lock(SYSTEM, 2024)
    with pytest.raises(InvalidInput, match="đã khóa"):
        S.set_self_score(SYSTEM, crit("I.1.1").id, 0.25)
    with pytest.raises(InvalidInput, match="đã khóa"):
        S.set_self_score(ldvl, crit("II.2.1").id, 1)
    with pytest.raises(InvalidInput, match="lý do mở khóa"):
        S.unlock(SYSTEM, 2024, "")
    S.unlock(SYSTEM, 2024, "Sở Nội vụ đề nghị bổ sung")
    S.set_self_score(SYSTEM, crit("I.1.1").id, 0.25)


def _scored_and_locked():
    for node in S.score_report(2024, TODAY).leaves():
        if node.kind == "normal":
            S.set_self_score(SYSTEM, node.id, node.max_points, "Đạt")
    S.lock(SYSTEM, 2024)


def test_appraisal_import_lists_the_differences_with_their_reasons(imported, tmp_path):
    with pytest.raises(InvalidInput, match="sau khi đã khóa"):
        S.set_appraised(SYSTEM, crit("I.1.1").id, 0.25)
    _scored_and_locked()
    path = write_appraisal_xlsx(tmp_path / "td.xlsx", {
        "I.1.1": ("0,25", "Ban hành chậm"), "I.1.2": ("1,5", ""), "II.1.1": (1, "Tỷ lệ đúng hạn 96%"),
        "IV.1": ("-0,5", "02 hồ sơ quá hạn chưa giải trình")})
    result = S.import_appraisal(SYSTEM, 2024, path)
    assert result.count == 4
    diffs = {d.path: (d.self_points, d.appraised_points, d.reason) for d in result.differences}
    assert diffs == {"I.1.1": (0.5, 0.25, "Ban hành chậm"), "II.1.1": (2, 1, "Tỷ lệ đúng hạn 96%"),
                     "IV.1": (None, -0.5, "02 hồ sơ quá hạn chưa giải trình")}
    report = S.score_report(2024, TODAY)
    assert report.appraised_total == pytest.approx(0.25 + 1.5 + 1 - 0.5)
    by_unit = {u.unit: u for u in report.by_unit()}
    assert by_unit["Văn phòng Sở"].lost == pytest.approx(0.25 + 1 + 0.5)


def test_appraisal_with_an_unknown_code_or_above_the_maximum_records_nothing(imported, tmp_path):
    _scored_and_locked()
    for scores, message in (({"I.1.1": ("0,25", ""), "I.9.9": (1, "")}, "không có tiêu chí mã 9.9"),
                            ({"I.1.1": ("0,25", ""), "II.1.1": (3, "")}, "vượt điểm tối đa 2")):
        path = write_appraisal_xlsx(tmp_path / "bad.xlsx", scores)
        with pytest.raises(InvalidInput, match=f"bad.xlsx, dòng .*{message}"):
            S.import_appraisal(SYSTEM, 2024, path)
        assert IndexAssessment.get(IndexAssessment.criterion == crit("I.1.1").id).appraised_points is None


# ---- evidence -------------------------------------------------------------------------------------------

def test_one_file_serves_several_sub_criteria_and_is_stored_once(imported, tmp_path):
    path = tmp_path / "Kế hoạch CCHC 2024.pdf"
    path.write_bytes(PDF)
    E.add_file(SYSTEM, 2024, [crit("I.1.1").id], path)
    E.add_file(SYSTEM, 2024, [crit("I.1.2").id], path)
    assert IndexEvidence.select().join(IndexSet).where(IndexSet.year == 2024).count() == 1
    assert IndexEvidenceBlob.select().count() == 1 + IndexEvidenceBlob.select().join(IndexEvidence).join(IndexSet).where(
        IndexSet.year != 2024).count()
    pieces = E.list_evidence(2024)
    assert pieces[0].codes == ("I.1.1", "I.1.2") and pieces[0].filename == "Kế hoạch CCHC 2024.pdf"
    assert E.content(pieces[0].id) == ("Kế hoạch CCHC 2024.pdf", PDF)
    report = S.score_report(2024, TODAY)
    assert next(n for n in report.roots if n.path == "I").evidence_count == 1   # distinct pieces in the area


@pytest.mark.parametrize("name, content, message", [
    ("setup.exe", b"MZ\x90\x00", "không phải văn bản, hình ảnh hoặc tệp nén"),
    ("bao-cao.pdf", b"MZ\x90\x00 renamed", "là một chương trình chạy được"),
    ("anh.png", b"GIF89a", "không đúng định dạng .png"),
    ("script.js", b"alert(1)", "không phải văn bản"),
])
def test_evidence_that_is_not_a_document_picture_or_archive_is_refused(imported, name, content, message):
    count = IndexEvidence.select().count()
    with pytest.raises(InvalidInput, match=message):
        E.add_file(SYSTEM, 2024, [crit("I.1.1").id], (name, content))
    assert IndexEvidence.select().count() == count


def test_evidence_above_the_configured_limit_is_refused(imported, tmp_path):
    settings.set_value(SYSTEM, "index.evidence_max_mb", 1)
    big = tmp_path / "scan.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    with pytest.raises(InvalidInput, match="quá lớn .*giới hạn là 1 MB"):
        E.add_file(SYSTEM, 2024, [crit("I.1.1").id], big)
    assert not E.list_evidence(2024)
    settings.set_value(SYSTEM, "index.evidence_max_mb", 50)
    E.add_file(SYSTEM, 2024, [crit("I.1.1").id], big)


def test_register_and_external_documents(imported):
    from par_desktop.services import register

    entry = register.issue_number(SYSTEM, "KH", "Kế hoạch cải cách hành chính năm 2024")
    E.add_register(SYSTEM, 2024, [crit("I.1.1").id], entry.full_number.lower())
    with pytest.raises(NotFound, match="Sổ văn bản không có văn bản số 999/KH"):
        E.add_register(SYSTEM, 2024, [crit("I.1.1").id], "999/KH-SLĐTBXH")
    E.add_external(SYSTEM, 2024, [crit("I.2.2").id],
                   "Quyết định số 12/QĐ-UBND ngày 05/3/2024 của UBND tỉnh về công bố danh mục TTHC")
    pieces = {p.kind: p for p in E.list_evidence(2024)}
    assert pieces["register"].doc_number == entry.full_number
    external = pieces["external"]
    assert (external.doc_number, external.doc_date, external.issuer) == ("12/QĐ-UBND", date(2024, 3, 5), "UBND tỉnh")


def test_evidence_permissions_and_parents(imported):
    vp, ldvl = _unit_actor("VP"), _unit_actor("LĐVL")
    with pytest.raises(PermissionDenied, match="tiêu chí II.2.1 thì không"):
        E.add_file(vp, 2024, [crit("II.2.1").id], ("a.pdf", PDF))
    E.add_file(ldvl, 2024, [crit("II.2.1").id], ("a.pdf", PDF))
    with pytest.raises(PermissionDenied):
        E.add_file(Actor("lanhdao", "leader"), 2024, [crit("II.2.1").id], ("b.pdf", PDF))
    with pytest.raises(InvalidInput, match="gắn tài liệu kiểm chứng vào tiêu chí thành phần"):
        E.add_file(SYSTEM, 2024, [crit("I.1").id], ("b.pdf", PDF))


def test_points_claimed_without_evidence_are_flagged_red_and_at_risk(imported):
    S.set_self_score(SYSTEM, crit("I.2.2").id, 1)
    report = S.score_report(2024, TODAY)
    node = next(n for n in report.leaves() if n.path == "I.2.2")
    assert node.red_flag and node.at_risk == 1 and "no_evidence" in node.risk_reasons
    assert next(n for n in report.roots if n.path == "I").red_flag
    E.add_file(SYSTEM, 2024, [node.id], ("bao-cao.pdf", PDF))
    node = next(n for n in S.score_report(2024, TODAY).leaves() if n.path == "I.2.2")
    assert not node.red_flag and node.at_risk == 0


# ---- outputs --------------------------------------------------------------------------------------------

def test_evidence_pack_has_a_folder_per_code_files_named_by_code_and_an_index_of_every_code(imported, tmp_path):
    E.add_file(SYSTEM, 2024, [crit("I.1.1").id, crit("II.1.1").id], ("Kế hoạch số 1.pdf", PDF))
    E.add_external(SYSTEM, 2024, [crit("I.2.2").id], "Báo cáo số 5/BC-SLĐTBXH ngày 10/12/2024")
    out = tmp_path / "goi" / "tlkc.zip"
    result = E.write_pack(2024, out)
    assert result.files == 2 and out.exists() and not list(out.parent.glob(".*tmp*"))
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert "I.1.1/I.1.1_01_Ke-hoach-so-1.pdf" in names and "II.1.1/II.1.1_01_Ke-hoach-so-1.pdf" in names
        assert archive.read("I.1.1/I.1.1_01_Ke-hoach-so-1.pdf") == PDF
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(archive.read(E.INDEX_SHEET))).active
        codes = {row[0] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
        assert codes == {c.path for c in C.criteria_of(C.require_set(2024))}
        lines = [row for row in sheet.iter_rows(min_row=4, values_only=True)]
        assert any(r[0] == "I.2.2" and r[4] == "5/BC-SLĐTBXH" for r in lines)
        assert any(r[0] == "I.2.1" and r[7] == "Chưa có tài liệu kiểm chứng" for r in lines)


def test_self_assessment_table_round_trips_through_the_importer(imported, tmp_path):
    S.set_self_score(SYSTEM, crit("I.1.1").id, 0.25, "=Ban hành chậm")   # a formula-looking note stays text
    out = O.export_self_assessment(2024, tmp_path / "tu-danh-gia.xlsx", TODAY)
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet["A4"].value == "BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024"
    row = next(r for r in sheet.iter_rows(min_row=8) if r[0].value == "1.1" and r[6].value == 0.25)
    assert row[7].value == "=Ban hành chậm" and row[7].data_type == "s"
    from par_desktop.importers.index_sheet import read_criteria

    again = read_criteria(out)
    assert [r.code for r in again.rows] == [r[0] for r in ROWS_2024] and again.total == 10


def test_bad_output_paths(imported, tmp_path):
    with pytest.raises(InvalidInput, match=".zip"):
        E.write_pack(2024, tmp_path / "x.pdf")
    with pytest.raises(InvalidInput, match=".xlsx"):
        O.export_self_assessment(2024, tmp_path / "x.csv")
    with pytest.raises(NotFound, match="Chưa có bộ chỉ số CCHC năm 2030"):
        S.score_report(2030)


# ---- the demo ----------------------------------------------------------------------------------------------

def test_demo_sets_are_labelled_examples_with_last_years_lost_points_and_their_remedies(demo_db):
    last, this = C.require_set(2023), C.require_set(2024)
    assert last.is_example and this.is_example and "minh họa" in this.title
    assert last.state == "locked" and last.final_index is not None
    report = S.score_report(2024, TODAY)
    lost = {item.path: item for item in report.lost_last_year()}
    assert lost["III.2.1"].lost == 2 and {t.ref for t in lost["III.2.1"].tasks} == {"III.B.1", "III.B.2"}
    assert {t.ref for t in lost["VI.2.1"].tasks} == {"IV.1"}
    metric_rows = [n for n in report.leaves() if n.metric]
    assert len(metric_rows) >= 5 and all(n.computed_points is not None for n in metric_rows)
    assert any(n.red_flag for n in report.leaves()) and report.at_risk_total > 0
    assert any(n.state == "returned" for n in report.leaves())
    assert len(E.list_evidence(2024)) == 5


def test_evidence_pack_folders_follow_the_table_from_area_i_to_area_x(demo_db, tmp_path):
    """Areas numbered I … X: the folders come in the table's order (V before IX), not as text."""
    romans = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    rows = [row for roman in romans for row in ((roman, f"Lĩnh vực {roman}", "1", "", "", "", "", ""),
                                                ("1", f"Tiêu chí của lĩnh vực {roman}", "1", "", "", "", "", ""))]
    IndexSet.delete().where(IndexSet.year == 2024).execute()
    C.import_criteria(SYSTEM, write_criteria_xlsx(tmp_path / "muoi-linh-vuc.xlsx", rows, merge_unit_rows=False,
                                                  continuation=False, total=None), 2024)
    out = E.write_pack(2024, tmp_path / "tlkc.zip").path
    with zipfile.ZipFile(out) as archive:
        folders = [name for name in archive.namelist() if name.endswith("/")]
    assert folders == [f"{roman}.1/" for roman in romans]
