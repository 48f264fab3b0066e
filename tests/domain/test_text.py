import unicodedata
from datetime import date

import pytest
from hypothesis import given, strategies as st

from par_desktop.domain.text import (
    decree30_date, fold, from_roman, nfc, parse_date, parse_moment, to_roman, unit_key, vn_number,
)
from par_desktop.errors import InvalidInput


def test_nfc_composes_text_pasted_from_word():
    decomposed = "Ho\u0302\u0300 so\u031b"  # "Hồ sơ" in NFD
    assert nfc(decomposed) == "Hồ sơ"
    assert nfc("  Văn\u00a0phòng   Sở ") == "Văn phòng Sở"


def test_fold_is_accent_and_case_insensitive():
    assert fold("Hồ sơ ĐƯỢC") == "ho so duoc"


@pytest.mark.parametrize("a,b", [
    ("Phòng Kế hoạch tài chính", "Phòng Kế hoạch - Tài chính"),
    ("phòng kế hoạch – Tài chính", "Phòng Kế hoạch - Tài chính"),
    ("Phòng Lao động việc làm", "Phòng Lao động – Việc làm"),
    ("Người có công", "Phòng Người có công"),
])
def test_unit_names_written_differently_share_a_key(a, b):
    assert unit_key(a) == unit_key(b)


def test_different_units_keep_different_keys():
    assert unit_key("Phòng Lao động – Việc làm") != unit_key("Phòng Việc làm – An toàn Lao động")
    assert unit_key("Văn phòng Sở") != unit_key("Phòng Bảo trợ xã hội")


@given(st.integers(min_value=1, max_value=3999))
def test_roman_round_trip(n):
    assert from_roman(to_roman(n)) == n


@pytest.mark.parametrize("bad", ["", "IIII", "VX", "ABC", "V I"])
def test_bad_roman_numerals(bad):
    with pytest.raises(ValueError):
        from_roman(bad)


def test_decree30_dates_lead_zero_for_small_days_and_january_february():
    assert decree30_date(date(2024, 3, 5), "Bắc Giang") == "Bắc Giang, ngày 05 tháng 3 năm 2024"
    assert decree30_date(date(2024, 2, 29), "Bắc Giang") == "Bắc Giang, ngày 29 tháng 02 năm 2024"
    assert decree30_date(date(2024, 12, 1), "Bắc Ninh") == "Bắc Ninh, ngày 01 tháng 12 năm 2024"
    assert decree30_date(None, "Bắc Giang") == "Bắc Giang, ngày … tháng … năm …"


def test_dates_and_moments_in_both_input_forms():
    assert parse_date("2024-05-04") == parse_date("04/05/2024") == date(2024, 5, 4)
    assert parse_moment("07/02/2024 09:00") == parse_moment("2024-02-07 09:00")
    with pytest.raises(InvalidInput, match="không tồn tại"):
        parse_date("29/02/2023")
    with pytest.raises(InvalidInput):
        parse_moment("2024-02-07 25:00")
    with pytest.raises(InvalidInput):
        parse_date("tomorrow")


def test_vietnamese_numbers():
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(97.5) == "97,5"
    assert (vn_number(84.25, 2), vn_number(84.2, 2), vn_number(1234.5, 2)) == ("84,25", "84,2", "1.234,5")


def test_fold_covers_the_whole_vietnamese_alphabet_and_pasted_text():
    upper = "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴĐ"
    expected = "a" * 18 + "e" * 12 + "i" * 6 + "o" * 18 + "u" * 12 + "y" * 6 + "d"
    assert fold(upper) == fold(upper.lower()) == expected
    pasted = unicodedata.normalize("NFD", "Giải quyết chế độ trợ cấp\u00a0thờ   cúng – liệt sĩ")
    assert fold(pasted) == "giai quyet che do tro cap tho cung - liet si"


def _reference_fold(text: str) -> str:
    """The definition ``fold`` implements with a table: NFD, marks dropped, đ -> d, dashes unified."""
    dashes = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower().translate(dashes))
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn").replace("đ", "d")
    return " ".join(kept.split())


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x24F) | st.sampled_from(
    "ĐđƠơƯưẠảẤầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ\u0300\u0301\u0303\u0309\u0323 \t\u00a0–—−"),
    max_size=40))
def test_fold_matches_its_definition_on_latin_and_vietnamese_text(text):
    assert fold(text) == _reference_fold(text)
