"""Vietnamese text helpers: NFC, accent folding, name keys, Roman numerals, dates in Decree 30 style."""

from __future__ import annotations

import itertools
import re
import unicodedata
from datetime import date, datetime

from par_desktop.errors import InvalidInput

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")


def nfc(text: str | None) -> str:
    """Unicode NFC with runs of white space (incl. no-break spaces) collapsed; dashes are kept as typed."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def _fold_char(ch: str) -> str:
    if ch.isspace():
        return " "
    decomposed = unicodedata.normalize("NFD", ch.translate(_DASHES))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").replace("đ", "d")


# Every accented Latin letter, combining mark, space and dash, folded once: ``fold`` is then one C-level
# ``str.translate`` pass (the search keys of 100,000 dossiers are folded in well under a second).
_FOLD_TABLE = {cp: folded for cp in itertools.chain(range(0x80, 0x530), range(0x1E00, 0x2070), (0x2212, 0x3000))
               if (folded := _fold_char(chr(cp))) != chr(cp)}


def fold(text: str | None) -> str:
    """Lower case without diacritics ("Hồ sơ" -> "ho so"), for accent-insensitive search and matching."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFC", str(text)).lower().translate(_FOLD_TABLE)
    return " ".join(folded.split())


_UNIT_PREFIXES = ("phong ", "p. ", "van phong so", "trung tam ", "co so ")
_UNIT_STOPWORDS = {"va", "-", "&", ",", "–"}


def unit_key(name: str) -> str:
    """A matching key for unit names written inconsistently.

    "Phòng Kế hoạch - Tài chính", "Phòng Kế hoạch tài chính" and "phòng kế hoạch – Tài chính" share
    the key "ke hoach tai chinh"; "Người có công" matches "Phòng Người có công".
    """
    folded = fold(name)
    folded = re.sub(r"[-–,;.&()/]+", " ", folded)
    folded = re.sub(r"\s+", " ", folded).strip()
    if folded.startswith("phong "):
        folded = folded[len("phong "):]
    words = [w for w in folded.split(" ") if w not in _UNIT_STOPWORDS]
    return " ".join(words)


_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def to_roman(number: int) -> str:
    if not 0 < number < 4000:
        raise ValueError(f"no Roman numeral for {number}")
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def from_roman(text: str) -> int:
    """Parse a Roman numeral strictly (I..MMMCMXCIX); raises ValueError on anything else."""
    text = text.strip().upper()
    if not text or not re.fullmatch(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", text):
        raise ValueError(f"not a Roman numeral: {text!r}")
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i, ch in enumerate(text):
        v = values[ch]
        total += -v if i + 1 < len(text) and values[text[i + 1]] > v else v
    return total


def decree30_date(day: date | None, place: str) -> str:
    """"Bắc Giang, ngày 05 tháng 3 năm 2024"; a draft (no date yet) gets dots for the numbers.

    Decree 30/2020: a leading zero for days below 10 and for months 1 and 2 only.
    """
    if day is None:
        return f"{place}, ngày … tháng … năm …"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


# ---- how every screen and chart writes numbers, shares and moments (one place: issue 16 item 10) ----
# Dates dd/mm/yyyy, moments dd/mm/yyyy HH:MM, numbers 1.234 and 97,5, shares 95,1 % (a no-break space
# keeps the sign with its number). f-strings rather than strftime: a table of 100,000 rows formats fast.
PERCENT_SIGN = "\u00a0%"


def ui_date(day: date | datetime | None) -> str:
    """dd/mm/yyyy as clerks read dates."""
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year}"


def ui_moment(moment: datetime | None, *, seconds: bool = False) -> str:
    """dd/mm/yyyy HH:MM (with ``seconds``: HH:MM:SS)."""
    if moment is None:
        return ""
    text = f"{moment.day:02d}/{moment.month:02d}/{moment.year} {moment.hour:02d}:{moment.minute:02d}"
    return f"{text}:{moment.second:02d}" if seconds else text


def vn_number(value: int | float, decimals: int = 1) -> str:
    """Thousands separated by dots, decimals by a comma: 1.234 and 97,5. With ``decimals`` other than 1,
    up to that many decimals, trailing zeros dropped (84,25; 84,2; 84)."""
    if isinstance(value, float) and not value.is_integer():
        whole, frac = f"{value:,.{decimals}f}".split(".")
        if decimals != 1:
            frac = frac.rstrip("0")
        return whole.replace(",", ".") + ("," + frac if frac else "")
    return f"{int(value):,}".replace(",", ".")


def percent_value(share: float, decimals: int = 1) -> float:
    """A share rounded as ``vn_percent`` shows it (what a chart's bar and its label carry)."""
    return round(float(share), decimals)


def vn_percent(share: float | None, decimals: int = 1, *, missing: str = "—") -> str:
    """A share in percent (0–100) as every screen writes it: 95,1 %, 100 % (``missing`` when None)."""
    if share is None:
        return missing
    return vn_number(percent_value(share, decimals), decimals) + PERCENT_SIGN


_DATE_PATTERNS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), ("y", "m", "d")),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), ("d", "m", "y")),
)


def _build_date(text: str, parts: dict[str, int]) -> date:
    try:
        return date(parts["y"], parts["m"], parts["d"])
    except ValueError:
        raise InvalidInput(f"Ngày không tồn tại: {text!r}.") from None


def parse_date(text: str) -> date:
    """A date typed as YYYY-MM-DD or DD/MM/YYYY; impossible dates (29/02/2023) are errors."""
    raw = nfc(text)
    for pattern, order in _DATE_PATTERNS:
        m = pattern.fullmatch(raw)
        if m:
            return _build_date(raw, dict(zip(order, map(int, m.groups()))))
    raise InvalidInput(f"Không đọc được ngày {raw!r}: dùng dạng YYYY-MM-DD hoặc DD/MM/YYYY.")


def parse_moment(text: str, *, default_time: tuple[int, int] | None = None) -> datetime:
    """A moment typed as 'YYYY-MM-DD HH:MM' or 'DD/MM/YYYY HH:MM' (also ISO with T, and seconds).

    With ``default_time`` a bare date is accepted and gets that time.
    """
    raw = nfc(text).replace("T", " ")
    m = re.fullmatch(r"(\S+)\s+(\d{1,2}):(\d{2})(?::(\d{2}))?", raw)
    if m:
        day = parse_date(m.group(1))
        hour, minute, second = int(m.group(2)), int(m.group(3)), int(m.group(4) or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise InvalidInput(f"Giờ không hợp lệ: {raw!r}.")
        return datetime(day.year, day.month, day.day, hour, minute, second)
    if default_time is not None:
        day = parse_date(raw)
        return datetime(day.year, day.month, day.day, *default_time)
    raise InvalidInput(f"Không đọc được thời điểm {raw!r}: dùng dạng YYYY-MM-DD HH:MM hoặc DD/MM/YYYY HH:MM.")


def iso_moment(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M")
