"""The PAR INDEX rules without a database: points, codes and hierarchy, bands, steps, risk, changes."""

from __future__ import annotations

from datetime import date

import pytest

from par_desktop.domain import par_index as rules
from par_desktop.domain.par_index import SheetRow
from par_desktop.errors import InvalidInput

METRICS = ["dossiers_on_time_rate", "tasks_on_time_rate"]


@pytest.mark.parametrize("text, expected", [
    ("0,5", 0.5), ("0.5", 0.5), ("1,25 điểm", 1.25), ("-2", -2.0), ("–1", -1.0), ("+1", 1.0), (2, 2.0),
    (1.5, 1.5), ("", None), (None, None), (" 3 ", 3.0),
])
def test_points_are_read_with_a_decimal_comma(text, expected):
    assert rules.parse_points(text) == expected


@pytest.mark.parametrize("text", ["một điểm", "1,2,3", "0,5đ x2", "1/2"])
def test_points_that_are_not_a_number_name_where(text):
    with pytest.raises(InvalidInput, match="dòng 7.*không phải là số điểm"):
        rules.parse_points(text, where="dòng 7")


def test_points_are_written_the_vietnamese_way():
    assert [rules.vn_points(v) for v in (0.5, 1.0, 0.25, -2.0, 0.125, 0.0)] == ["0,5", "1", "0,25", "-2", "0,125", "0"]
    assert rules.vn_percent(97.534) == "97,53 %"
    assert rules.vn_percent(None) == "—"


@pytest.mark.parametrize("code, shape", [("I", "roman"), ("XIV", "roman"), ("1", "numeric"), ("1.1.1", "numeric"),
                                         ("A", ""), ("1.a", ""), ("IIII", "")])
def test_code_shapes(code, shape):
    assert rules.code_shape(code) == shape


def test_codes_are_normalised():
    assert rules.normalise_code(" 1.1.1. ") == "1.1.1"
    assert rules.normalise_code("ii") == "II"
    assert rules.normalise_code(2.0) == "2"


def test_bands_first_met_gives_the_points_compared_unrounded():
    bands = rules.parse_bands("≥100%: 1; >=90%: 0,5; còn lại: 0", max_points=1)
    assert [rules.band_points(bands, v) for v in (100, 99.99999, 90, 89.9, 0)] == [1, 0.5, 0.5, 0, 0]
    assert rules.band_points(bands, None) is None
    assert rules.top_points(bands) == 1
    assert rules.bands_text(bands) == "≥100%: 1; ≥90%: 0,5; còn lại: 0"


def test_bands_in_words():
    bands = rules.parse_bands("Từ 95%: 2; từ 80%: 1; dưới 80%: 0", max_points=2)
    assert [rules.band_points(bands, v) for v in (96, 80, 79.9)] == [2, 1, 0]


@pytest.mark.parametrize("text", ["≥100%: 1; ≥90%: 0,5", ">50%: 1; <50%: 0", "≤90%: 0"])
def test_bands_that_leave_a_gap_in_0_to_100_are_refused(text):
    with pytest.raises(InvalidInput, match="không bao phủ 0–100 %"):
        rules.parse_bands(text, max_points=1, where="dòng 9 (mã 1.2)")


def test_bands_above_the_maximum_or_unreadable_are_refused():
    with pytest.raises(InvalidInput, match="vượt điểm tối đa 1"):
        rules.parse_bands("≥100%: 2; còn lại: 0", max_points=1)
    with pytest.raises(InvalidInput, match="không hiểu"):
        rules.parse_bands("khoảng 90 phần trăm", max_points=1)


def test_steps_read_from_the_guidance():
    listed = rules.steps_from_guidance("Ban hành kịp thời: 0,5 điểm; chậm: 0,25 điểm; không ban hành: 0 điểm", 0.5)
    assert listed.values == (0.0, 0.25, 0.5)
    each = rules.steps_from_guidance("Mỗi văn bản chậm trừ 0,25 điểm, tối đa trừ 1 điểm", -1)
    assert each.multiple == 0.25 and each.text() == "bội số 0,25"
    assert rules.steps_from_guidance("Điểm tính theo tỷ lệ hoàn thành", 2).free
    assert rules.steps_from_guidance("", 2).free
    assert rules.parse_steps("0; 0,25; 0,5").values == (0.0, 0.25, 0.5)
    assert rules.parse_steps("bội số 0,5").multiple == 0.5


def test_scores_are_checked_against_maximum_sign_and_steps():
    steps = rules.Steps(values=(0.0, 0.25, 0.5))
    rules.check_score(0.25, 0.5, "normal", steps, code="I.1.1")
    with pytest.raises(InvalidInput, match="0,75 vượt điểm tối đa 0,5 của tiêu chí I.1.1"):
        rules.check_score(0.75, 0.5, "normal", steps, code="I.1.1")
    with pytest.raises(InvalidInput, match=r"không đúng mức hướng dẫn chấm điểm cho phép \(0; 0,25; 0,5\)"):
        rules.check_score(0.3, 0.5, "normal", steps, code="I.1.1")
    with pytest.raises(InvalidInput, match="không được âm"):
        rules.check_score(-0.5, 0.5, "normal", rules.Steps(), code="I.1.1")
    with pytest.raises(InvalidInput, match="mục trừ điểm: ghi số điểm bị trừ là số âm"):
        rules.check_score(0.5, -1, "penalty", rules.Steps(multiple=0.25), code="X.1")
    with pytest.raises(InvalidInput, match="vượt mức trừ tối đa -1"):
        rules.check_score(-1.5, -1, "penalty", rules.Steps(multiple=0.25), code="X.1")
    with pytest.raises(InvalidInput, match="bội số 0,25"):
        rules.check_score(-0.3, -1, "penalty", rules.Steps(multiple=0.25), code="X.1")
    rules.check_score(-0.75, -1, "penalty", rules.Steps(multiple=0.25), code="X.1")


def _rows(*items) -> list[SheetRow]:
    return [SheetRow(i + 5, *item) for i, item in enumerate(items)]


def test_hierarchy_from_codes_with_roman_areas_restarting_their_numbering():
    parsed = rules.build_set(_rows(
        ("I", "Chỉ đạo điều hành", "2"), ("1", "Kế hoạch", None), ("1.1", "Ban hành", "0,5"), ("1.2", "Hoàn thành", 1.5),
        ("II", "Thủ tục hành chính", None), ("1", "Giải quyết hồ sơ", None), ("1.1", "Đúng hạn", "2"),
    ), METRICS)
    paths = [(c.path, c.parent_path, c.level) for c in parsed.criteria]
    assert paths == [("I", None, 0), ("I.1", "I", 1), ("I.1.1", "I.1", 2), ("I.1.2", "I.1", 2), ("II", None, 0),
                     ("II.1", "II", 1), ("II.1.1", "II.1", 2)]
    assert parsed.by_path()["I"].max_points == 2 and parsed.by_path()["II"].max_points == 2
    assert parsed.max_total == 4 and parsed.warnings == []


def test_numeric_codes_throughout():
    parsed = rules.build_set(_rows(("1", "A", None), ("1.1", "B", "1"), ("1.1.1", "C", "0,5"), ("1.1.2", "D", "0,5"),
                                   ("2", "E", "3")), METRICS)
    assert [(c.path, c.parent_path) for c in parsed.criteria] == [
        ("1", None), ("1.1", "1"), ("1.1.1", "1.1"), ("1.1.2", "1.1"), ("2", None)]
    assert parsed.max_total == 4


def test_parent_maximum_mismatch_is_a_warning_naming_both_rows():
    parsed = rules.build_set(_rows(("I", "Lĩnh vực", "10"), ("1", "Tiêu chí", "3"), ("1.1", "A", "1"), ("1.2", "B", "1,5")),
                             METRICS, source="bo-chi-so.xlsx")
    assert parsed.by_path()["I.1"].max_points == 2.5
    assert any("dòng 6 (mã 1) ghi điểm tối đa 3 nhưng tổng các tiêu chí con là 2,5 (1.1 ở dòng 7, 1.2 ở dòng 8)" in w
               for w in parsed.warnings), parsed.warnings
    assert any("dòng 5 (mã I) ghi điểm tối đa 10" in w for w in parsed.warnings)


def test_the_same_code_twice_is_refused_naming_both_rows():
    with pytest.raises(InvalidInput, match="mã 1.1 lặp lại: dòng 6 \\(mã 1.1\\) và dòng 8"):
        rules.build_set(_rows(("1", "A", None), ("1.1", "B", "1"), ("1.2", "C", "1"), ("1.1", "D", "1")), METRICS)


def test_a_leaf_without_maximum_and_rows_without_code_are_refused():
    with pytest.raises(InvalidInput, match=r"dòng 6 \(mã 1.1\): thiếu điểm tối đa"):
        rules.build_set(_rows(("1", "A", None), ("1.1", "B", None)), METRICS)
    with pytest.raises(InvalidInput, match="dòng 6: thiếu mã"):
        rules.build_set(_rows(("1", "A", "1"), ("", "B", "1")), METRICS)
    with pytest.raises(InvalidInput, match="mã «1.A» không đúng dạng"):
        rules.build_set(_rows(("1", "A", "1"), ("1.a", "B", "1")), METRICS)


def test_bonus_and_penalty_areas_and_a_penalty_written_positive():
    parsed = rules.build_set(_rows(("I", "Chỉ đạo", None), ("1", "A", "2"), ("II", "ĐIỂM THƯỞNG", None),
                                   ("1", "Sáng kiến", "1"), ("III", "Điểm trừ", None), ("1", "Chậm báo cáo", "-1"),
                                   ("2", "Quá hạn", "–0,5")), METRICS)
    kinds = {c.path: (c.kind, c.max_points) for c in parsed.criteria}
    assert kinds["II.1"] == ("bonus", 1) and kinds["III"] == ("penalty", -1.5) and kinds["III.2"] == ("penalty", -0.5)
    assert parsed.max_total == 2
    with pytest.raises(InvalidInput, match=r"dòng 8 \(mã 1\): mục trừ điểm phải ghi điểm tối đa là số âm \(ví dụ -2\)"):
        rules.build_set(_rows(("I", "Chỉ đạo", None), ("1", "A", "2"), ("II", "ĐIỂM TRỪ", None), ("1", "Chậm", "2")),
                        METRICS)


def test_a_negative_maximum_inside_an_area_is_a_penalty_item():
    parsed = rules.build_set(_rows(("1", "A", None), ("1.1", "B", "2"), ("1.2", "Trừ khi chậm", "-1")), METRICS)
    assert parsed.by_path()["1.2"].kind == "penalty"
    assert parsed.by_path()["1"].max_points == 2   # its maximum counts its normal children only


def test_metrics_need_known_keys_and_covering_bands():
    with pytest.raises(InvalidInput, match="chỉ tiêu tự tính «ti_le_x» không có"):
        rules.build_set(_rows(("1", "A", "1", "", "", "", "ti_le_x", "≥100%: 1; còn lại: 0")), METRICS)
    with pytest.raises(InvalidInput, match=r"dòng 5 \(mã 1\): thang điểm không bao phủ"):
        rules.build_set(_rows(("1", "A", "1", "", "", "", "dossiers_on_time_rate", "≥100%: 1; ≥90%: 0,5")), METRICS,
                        percent_metrics=METRICS)
    with pytest.raises(InvalidInput, match="cần thang điểm"):
        rules.build_set(_rows(("1", "A", "1", "", "", "", "dossiers_on_time_rate", "")), METRICS)


def test_risk_and_loss_of_a_sub_criterion():
    today = date(2024, 10, 1)
    base = dict(max_points=2.0, kind="normal", self_points=None, computed_points=None, top_band=None,
                task_statuses=(), evidence_count=0, evidence_deadline=None, today=today, lost=0.0)
    assert rules.leaf_risk(**base).points == 0
    late = rules.leaf_risk(**{**base, "task_statuses": ("done_on_time", "overdue")})
    assert late.points == 2 and late.reasons == ("task_late",)
    below = rules.leaf_risk(**{**base, "computed_points": 1.0, "top_band": 2.0})
    assert below.points == 1 and below.reasons == ("metric_below_top",)
    claimed = rules.leaf_risk(**{**base, "self_points": 1.5})
    assert claimed.points == 2 and claimed.reasons == ("no_evidence",)
    passed = rules.leaf_risk(**{**base, "evidence_deadline": date(2024, 9, 30)})
    assert passed.reasons == ("no_evidence",)
    capped = rules.leaf_risk(**{**base, "task_statuses": ("at_risk",), "lost": 0.5})
    assert capped.points == 1.5
    assert rules.leaf_risk(**{**base, "kind": "penalty", "max_points": -1, "task_statuses": ("overdue",)}).points == 0
    assert rules.leaf_lost(max_points=2, kind="normal", self_points=1.5, appraised_points=None) == 0.5
    assert rules.leaf_lost(max_points=2, kind="normal", self_points=2, appraised_points=1) == 1
    assert rules.leaf_lost(max_points=-1, kind="penalty", self_points=0, appraised_points=-0.5) == 0.5
    assert rules.leaf_lost(max_points=1, kind="bonus", self_points=0, appraised_points=0) == 0


def test_what_changed_between_two_years():
    old = [rules.CompareRow("I.1.1", "1.1", "Ban hành kế hoạch", 0.5, "normal"),
           rules.CompareRow("I.1.2", "1.2", "Hoàn thành kế hoạch", 1.5, "normal", metric="tasks_on_time_rate"),
           rules.CompareRow("VII.1.3", "1.3", "Chữ ký số", 1, "normal")]
    new = [rules.CompareRow("I.1.1", "1.1", "Ban hành kế hoạch", 0.5, "normal"),
           rules.CompareRow("I.1.2", "1.2", "Mức độ hoàn thành kế hoạch", 2, "normal", metric="tasks_on_time_rate"),
           rules.CompareRow("I.5.1", "5.1", "Đối thoại", 2, "normal")]
    changes = {(c.change, c.path) for c in rules.compare_sets(old, new)}
    assert changes == {("title", "I.1.2"), ("max", "I.1.2"), ("added", "I.5.1"), ("removed", "VII.1.3")}


def test_codes_sort_as_the_table_does():
    paths = ["II.1", "I.10", "I.2", "X.1", "IX", "I"]
    assert sorted(paths, key=rules.path_sort_key) == ["I", "I.2", "I.10", "II.1", "IX", "X.1"]
