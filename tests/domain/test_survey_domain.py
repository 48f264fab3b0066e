"""The survey's answer scale and statistics (DOMAIN.md §10), checked against values worked out by hand."""

from __future__ import annotations

import pytest

from par_desktop.domain import survey as S


@pytest.mark.parametrize("cell, score", [
    (5, 5), (4.0, 4), ("3", 3), (" 2 ", 2), ("Rất hài lòng", 5), ("HÀI LÒNG", 4), ("hai long", 4),
    ("Bình thường", 3), ("Không hài lòng", 2), ("Rất không hài lòng", 1), ("4 - Hài lòng", 4), ("5. Rất hài lòng", 5),
    ("Ha\u0300i lo\u0300ng", 4),            # decomposed (NFD) text pasted from the web
])
def test_answers_on_the_scale(cell, score):
    answer = S.read_answer(cell)
    assert (answer.score, answer.blank, answer.invalid, answer.unknown) == (score, False, False, False)


@pytest.mark.parametrize("cell", [None, "", "  ", "-", "x"])
def test_blank_answers(cell):
    assert S.read_answer(cell).blank and S.read_answer(cell).score is None


@pytest.mark.parametrize("cell", [0, 6, 4.5, "7", "-1", "3,5", "4 - Rất hài lòng"])
def test_answers_outside_the_scale_or_contradicting_themselves(cell):
    answer = S.read_answer(cell)
    assert answer.score is None and not answer.blank
    assert answer.invalid or answer.unknown


def test_unknown_words_until_mapped():
    assert S.read_answer("Tạm được").unknown
    assert S.read_answer("tam duoc!", {S.word_key("Tạm được"): 3}).score == 3
    mapped_out = S.read_answer("Không ý kiến", {S.word_key("không ý kiến"): None})
    assert mapped_out.invalid and mapped_out.score is None


@pytest.mark.parametrize("header, code", [("A1.1", "A1.1"), ("a2.3", "A2.3"), ("A1.1. Nơi tiếp nhận …", "A1.1"),
                                          ("Câu A5.4 - Cơ quan thông báo", "A5.4"), ("A 3 . 2", "A3.2"),
                                          ("Số phiếu", None), ("BA1.1", None)])
def test_question_codes_in_headers(header, code):
    assert S.question_code(header) == code


def test_wilson_interval_by_hand():
    # 6 satisfied of 10: z² = 3,8415; centre = (0,6 + 0,1921) / 1,3841 = 0,5722;
    # half-width = 1,96 / 1,3841 × √(0,024 + 0,0096) = 0,2596 -> [31,27 %; 83,18 %]
    low, high = S.wilson(6, 10)
    assert (round(low, 2), round(high, 2)) == (31.27, 83.18)
    assert S.wilson(10, 10)[1] == 100.0 and S.wilson(0, 10)[0] == 0.0
    assert S.wilson(0, 0) == (None, None)


def test_percentile_interpolates_between_ranks():
    assert S.percentile([1, 2, 3, 4], 0.5) == 2.5
    assert S.percentile([10.0], 0.975) == 10.0


def _responses(rows, codes=("A1.1", "A2.1")):
    return [{c: S.read_answer(v) for c, v in zip(codes, row)} for row in rows]


QUESTIONNAIRE = S.Questionnaire([("A1.1", "Chỗ ngồi"), ("A2.1", "Niêm yết")])


def test_index_is_the_unweighted_mean_of_question_then_aspect_indices():
    # A1.1: 5 4 4 1 -> 4 valid, 3 satisfied = 75 %; A2.1: 4 _ 2 5 -> 3 valid (one blank), 2 satisfied = 66,7 %
    rows = [(5, 4), (4, ""), (4, 2), (1, 5)]
    result = S.compute_index(QUESTIONNAIRE, _responses(rows), resamples=200)
    assert result.question("A1.1").fig.index == 75.0 and result.question("A2.1").fig.index == pytest.approx(200 / 3)
    assert result.question("A2.1").blank == 1 and result.question("A2.1").fig.valid == 3
    assert result.overall.index == pytest.approx((75 + 200 / 3) / 2)
    assert result.overall.small and result.respondents == 4


def test_bootstrap_is_reproducible_and_brackets_the_index():
    rows = [(5, 4), (4, 3), (2, 5), (5, 5), (3, 4), (4, 4), (1, 2), (5, 4)] * 5
    first = S.compute_index(QUESTIONNAIRE, _responses(rows))
    again = S.compute_index(QUESTIONNAIRE, _responses(rows))
    assert (first.overall.low, first.overall.high) == (again.overall.low, again.overall.high)
    assert first.overall.low < first.overall.index < first.overall.high
    assert not first.overall.small               # 40 respondents
    # a larger sample of the same answers gives a narrower interval
    bigger = S.compute_index(QUESTIONNAIRE, _responses(rows * 4))
    assert bigger.overall.high - bigger.overall.low < first.overall.high - first.overall.low
    # identical respondents: every resample is the same, the interval has no width
    same = S.compute_index(QUESTIONNAIRE, _responses([(5, 4)] * 12))
    assert (same.overall.low, same.overall.index, same.overall.high) == (100.0, 100.0, 100.0)
