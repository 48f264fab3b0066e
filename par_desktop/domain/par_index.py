"""The PAR INDEX (Chỉ số cải cách hành chính) as plain rules: codes and hierarchy of a criteria set,
points written with decimal commas, score bands of the automatic metrics, the score steps a
guidance allows, and what is held, at risk or lost. No database, no Qt (design notes:
docs/par-index.md).

Vocabulary: an area (lĩnh vực) holds criteria (tiêu chí), which hold sub-criteria (tiêu chí thành
phần). Points are claimed and scored on the leaves; a parent's points are its children's sums.

Codes (DOMAIN.md §9) are ``I``, ``II`` … for areas, then ``1``, ``1.1``, ``1.1.1``; or ``1``, ``1.1``,
``1.1.1`` throughout. A row's parent is the nearest row above whose code is a shorter prefix of its
code (a Roman area for a row numbered ``1``). Under Roman areas the numbering may restart in each
area, so every row also gets a *path* that is unique in the set: ``I.1.1`` (the code itself when the
set has no Roman areas).

Kinds: a bonus row (điểm thưởng) adds, a penalty row (điểm trừ: maximum written negative, e.g. ``-2``)
subtracts; a row is bonus or penalty when its own title or an ancestor's starts with the words
(``ĐIỂM THƯỞNG``, ``Điểm cộng``, ``ĐIỂM TRỪ`` …), or when its maximum is written ``+0,5`` / ``-2``.
The set's maximum counts neither.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from par_desktop.domain.text import fold, nfc
from par_desktop.errors import InvalidInput

EPSILON = 1e-9
KINDS = ("normal", "bonus", "penalty")
KIND_LABELS = {"normal": "", "bonus": "Điểm thưởng", "penalty": "Điểm trừ"}
# a unit's self-assessment of a criterion as it goes to the Office and back; a set is open, then locked
STATE_LABELS = {"draft": "Đơn vị đang chấm", "submitted": "Chờ Văn phòng duyệt", "returned": "Văn phòng trả lại",
                "accepted": "Văn phòng đã chấp nhận", "": "Chưa chấm"}
SET_STATE_LABELS = {"open": "Đang tự đánh giá", "locked": "Đã khóa, đã gửi"}

_ROMAN_CODE = re.compile(r"(?=[IVXL])M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_NUMERIC_CODE = re.compile(r"\d{1,3}(\.\d{1,3})*")
_BONUS_TITLES = ("diem thuong", "diem cong", "cong diem", "thuong diem", "tieu chi thuong", "noi dung thuong")
_PENALTY_TITLES = ("diem tru", "tru diem", "tieu chi tru", "noi dung tru")
_MINUS_SIGNS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"


# ---- numbers ----------------------------------------------------------------------------------------

def parse_points(value: object, *, where: str = "") -> float | None:
    """A number of points as written in a sheet or typed by a clerk: ``0,5``, ``0.5``, ``-2``, ``+1``,
    ``1,5 điểm``, or a number cell. Blank gives None; anything else is an error naming ``where``."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidInput(f"{where}: «{value}» không phải là số điểm.".lstrip(": "))
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidInput(f"{where}: «{value}» không phải là số điểm.".lstrip(": "))
        return float(value)
    text = nfc(str(value))
    if not text:
        return None
    cleaned = text.translate(dict.fromkeys(map(ord, _MINUS_SIGNS), "-"))
    cleaned = re.sub(r"(?i)\s*(điểm|đ)\.?$", "", cleaned).replace(" ", "")
    if re.fullmatch(r"[+-]?\d+([.,]\d+)?", cleaned) is None:
        raise InvalidInput(f"{where}: «{text}» không phải là số điểm (ghi ví dụ 0,5 hoặc -2).".lstrip(": "))
    return float(cleaned.replace(",", "."))


def written_sign(value: object) -> str:
    """"+" or "-" when a points cell is text written with an explicit sign, else ""."""
    if isinstance(value, str):
        text = nfc(value).translate(dict.fromkeys(map(ord, _MINUS_SIGNS), "-"))
        if text[:1] in "+-":
            return text[:1]
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        return "-"
    return ""


def vn_points(value: float | None, *, blank: str = "") -> str:
    """Points with a decimal comma and no trailing zeros: 1, 0,5, 0,25, -2 (None: ``blank``)."""
    if value is None:
        return blank
    rounded = round(float(value), 3)
    if rounded == 0:
        rounded = 0.0
    text = f"{rounded:.3f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def vn_percent(value: float | None, *, blank: str = "—") -> str:
    """A rate as clerks read it: 97,53 % (two decimals at most)."""
    if value is None:
        return blank
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + " %"


def same_points(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 1e-6


def sum_known(values: Iterable[float | None]) -> float | None:
    """The sum of the known values; None when none is known (a parent with nothing scored yet)."""
    known = [v for v in values if v is not None]
    return round(sum(known), 6) if known else None


# ---- codes ------------------------------------------------------------------------------------------

def normalise_code(value: object) -> str:
    """A code cell as a code: ``"1.1.1."`` → ``"1.1.1"``, ``" ii "`` → ``"II"``, a number cell 2 → ``"2"``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = nfc(str(value)).replace(" ", "").upper()
    return text.rstrip(".").rstrip(")")


def code_shape(code: str) -> str:
    """"roman" (an area I, II …), "numeric" (1, 1.1, 1.1.1) or "" (not a code)."""
    if _ROMAN_CODE.fullmatch(code):
        return "roman"
    if _NUMERIC_CODE.fullmatch(code):
        return "numeric"
    return ""


def kind_from_title(title: str) -> str:
    """"bonus" or "penalty" for a group titled like one (ĐIỂM THƯỞNG, Điểm trừ …), else "normal"."""
    words = re.sub(r"[^0-9a-z ]+", " ", fold(title)).split()
    head = " ".join(words)
    if head.startswith(_BONUS_TITLES):
        return "bonus"
    if head.startswith(_PENALTY_TITLES):
        return "penalty"
    return "normal"


# ---- score bands ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Band:
    """One band of a metric's scale: ``≥ 90 %: 0,5``. ``op`` "else" is "còn lại"."""
    op: str              # ">=", ">", "<=", "<", "else"
    threshold: float | None
    points: float

    def text(self, unit: str = "%") -> str:
        if self.op == "else":
            return f"còn lại: {vn_points(self.points)}"
        symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}[self.op]
        return f"{symbol}{vn_points(self.threshold)}{unit}: {vn_points(self.points)}"


_BAND_WORDS = (("tu ", ">="), ("dat ", ">="), ("tren ", ">"), ("duoi ", "<"), ("khong qua ", "<="),
               ("toi da ", "<="))
_ELSE_WORDS = ("con lai", "khac", "cac truong hop khac", "truong hop khac", "nguoc lai")


def parse_bands(text: str, *, max_points: float | None = None, percent: bool = True,
                where: str = "") -> tuple[Band, ...]:
    """``≥100%: 1; ≥90%: 0,5; còn lại: 0`` → bands (the first band met gives the points).

    Items are separated by ``;`` or line breaks; a condition is ``≥``/``>=``/``>``/``≤``/``<=``/``<``
    or the words "từ", "trên", "dưới", then a threshold (decimal comma, % optional); "còn lại" matches
    everything. The bands must cover every value from 0 to 100 % (0 and above for a metric that is not
    a rate), and give no more than the row's maximum.
    """
    prefix = f"{where}: " if where else ""
    raw = nfc(text)
    if not raw:
        return ()
    bands: list[Band] = []
    for item in re.split(r"[;\n]+", str(text)):
        item = nfc(item)
        if not item:
            continue
        match = re.fullmatch(r"(?P<cond>.+?)\s*(?::|=|→|->)\s*(?P<points>[+\-−]?\s*\d+(?:[.,]\d+)?)\s*(?:điểm|đ)?\.?",
                             item, flags=re.IGNORECASE)
        if match is None:
            raise InvalidInput(f"{prefix}không hiểu mức «{item}» của thang điểm; ghi dạng «≥100%: 1; ≥90%: 0,5; "
                               "còn lại: 0».")
        points = parse_points(match.group("points"), where=f"{prefix}thang điểm")
        assert points is not None   # the pattern requires digits
        cond = nfc(match.group("cond")).replace("≥", ">=").replace("≤", "<=").replace("=>", ">=").replace("=<", "<=")
        folded = fold(cond)
        if folded.strip(" .") in _ELSE_WORDS:
            bands.append(Band("else", None, points))
            continue
        op_match = re.fullmatch(r"(>=|<=|>|<)\s*([+\-]?\d+(?:[.,]\d+)?)\s*%?", cond)
        if op_match is None:
            word = next(((w, op) for w, op in _BAND_WORDS if folded.startswith(w)), None)
            number = re.fullmatch(r"[a-z ]+?\s*(\d+(?:[.,]\d+)?)\s*%?(?:\s*tro len)?", folded)
            if word is None or number is None:
                raise InvalidInput(f"{prefix}không hiểu điều kiện «{cond}» của thang điểm (dùng ≥, >, ≤, < hoặc "
                                   "«còn lại»).")
            op, threshold = word[1], float(number.group(1).replace(",", "."))
        else:
            op, threshold = op_match.group(1), float(op_match.group(2).replace(",", "."))
        bands.append(Band(op, threshold, points))
    _check_bands(tuple(bands), max_points, percent, prefix)
    return tuple(bands)


def _check_bands(bands: tuple[Band, ...], max_points: float | None, percent: bool, prefix: str) -> None:
    for band in bands:
        if band.points < -EPSILON:
            raise InvalidInput(f"{prefix}thang điểm có mức điểm âm ({vn_points(band.points)}).")
        if max_points is not None and band.points > max_points + EPSILON:
            raise InvalidInput(f"{prefix}thang điểm cho {vn_points(band.points)} điểm, vượt điểm tối đa "
                               f"{vn_points(max_points)}.")
    top = 100.0 if percent else 1e9
    samples = {0.0, top, 50.0}
    for band in bands:
        if band.threshold is not None and 0 <= band.threshold <= top:
            samples.update({band.threshold, max(0.0, band.threshold - 1e-6), min(top, band.threshold + 1e-6)})
    points = sorted(samples)
    samples.update((a + b) / 2 for a, b in zip(points, points[1:]))
    for value in sorted(samples):
        if band_points(bands, value) is None:
            scope = "0–100 %" if percent else "mọi giá trị từ 0"
            shown = vn_points(round(value, 2)) + (" %" if percent else "")
            raise InvalidInput(f"{prefix}thang điểm không bao phủ {scope} (giá trị {shown} không thuộc mức nào); "
                               "hãy thêm mức «còn lại: 0».")


def band_points(bands: Sequence[Band], value: float | None) -> float | None:
    """The points of the first band ``value`` meets (unrounded comparison); None for no value."""
    if value is None:
        return None
    for band in bands:
        if band.op == "else":
            return band.points
        t = band.threshold
        if t is None:
            continue
        if ((band.op == ">=" and value >= t) or (band.op == ">" and value > t) or (band.op == "<=" and value <= t)
                or (band.op == "<" and value < t)):
            return band.points
    return None


def top_points(bands: Sequence[Band]) -> float | None:
    return max((b.points for b in bands), default=None)


def bands_text(bands: Sequence[Band], unit: str = "%") -> str:
    return "; ".join(b.text(unit) for b in bands)


# ---- score steps ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Steps:
    """The self-scores a guidance allows: a list of values, or multiples of ``multiple``; neither =
    any value from 0 to the maximum (three decimals at most)."""
    values: tuple[float, ...] = ()
    multiple: float | None = None

    @property
    def free(self) -> bool:
        return not self.values and self.multiple is None

    def text(self) -> str:
        if self.multiple is not None:
            return f"bội số {vn_points(self.multiple)}"
        return "; ".join(vn_points(v) for v in self.values)

    def allows(self, value: float) -> bool:
        magnitude = abs(value)
        if self.multiple is not None:
            ratio = magnitude / self.multiple
            return abs(ratio - round(ratio)) < 1e-6
        if self.values:
            return any(abs(magnitude - abs(v)) < 1e-6 for v in self.values)
        return True


def parse_steps(text: str, *, where: str = "") -> Steps:
    """``0; 0,25; 0,5`` or ``bội số 0,25``; blank = any value."""
    raw = nfc(text)
    if not raw:
        return Steps()
    folded = fold(raw)
    multiple = re.fullmatch(r"(?:boi so|boi|moi|buoc)\s*(\d+(?:[.,]\d+)?)", folded)
    if multiple:
        step = float(multiple.group(1).replace(",", "."))
        if step <= 0:
            raise InvalidInput(f"{where}: bước điểm phải lớn hơn 0.".lstrip(": "))
        return Steps(multiple=step)
    values = []
    for item in re.split(r"[;/\n]+", raw):
        value = parse_points(item, where=f"{where} (mức điểm)".strip())
        if value is not None:
            values.append(abs(value))
    return Steps(values=tuple(sorted(set(values))))


_STEP_PROPORTIONAL = ("theo ty le", "cong thuc", "nhan voi", "ty le thuc te", "tinh theo ty le")


def steps_from_guidance(guidance: str, max_points: float | None, bands: Sequence[Band] = ()) -> Steps:
    """The self-scores the scoring guidance (hướng dẫn chấm điểm) allows.

    "Mỗi … 0,25 điểm" allows multiples of 0,25; a guidance naming point values ("Ban hành kịp thời:
    0,5 điểm; chậm: 0,25 điểm; không ban hành: 0 điểm") allows those values, 0 and the maximum; a
    score band list allows its points; a proportional guidance ("tính theo tỷ lệ") allows any value.
    The Office can change what was read (Chỉ số CCHC → Sửa tiêu chí → Mức điểm).
    """
    folded = fold(guidance)
    if max_points is None:
        return Steps()
    top = abs(max_points)
    if any(word in folded for word in _STEP_PROPORTIONAL):
        return Steps()
    each = re.search(r"\bmoi\b[^;.]{0,120}?(\d+(?:[.,]\d+)?)\s*diem", folded)
    if each:
        step = float(each.group(1).replace(",", "."))
        if 0 < step <= top + EPSILON:
            return Steps(multiple=step)
    found = [float(m.group(1).replace(",", ".")) for m in re.finditer(r"(\d+(?:[.,]\d+)?)\s*diem", folded)]
    usable = [v for v in [*found, *(b.points for b in bands)] if v <= top + EPSILON]
    if not usable:
        return Steps()
    return Steps(values=tuple(sorted({0.0, top, *usable})))


def check_score(value: float, max_points: float | None, kind: str, steps: Steps, *, code: str,
                what: str = "Điểm") -> None:
    """Refuse a score above the maximum, of the wrong sign for the row's kind, or in a step the
    guidance does not allow."""
    if max_points is None:
        raise InvalidInput(f"Tiêu chí {code} chưa có điểm tối đa: hãy bổ sung trước khi chấm.")
    if round(value, 3) != round(value, 9):
        raise InvalidInput(f"{what} {vn_points(value)} của tiêu chí {code}: ghi tối đa 3 chữ số thập phân.")
    if kind == "penalty":
        if value > EPSILON:
            raise InvalidInput(f"Tiêu chí {code} là mục trừ điểm: ghi số điểm bị trừ là số âm "
                               f"(ví dụ {vn_points(-abs(value))}), từ {vn_points(max_points)} đến 0.")
        if value < max_points - EPSILON:
            raise InvalidInput(f"{what} {vn_points(value)} của tiêu chí {code} vượt mức trừ tối đa "
                               f"{vn_points(max_points)}.")
    else:
        if value < -EPSILON:
            raise InvalidInput(f"{what} của tiêu chí {code} không được âm (nhận được {vn_points(value)}).")
        if value > max_points + EPSILON:
            raise InvalidInput(f"{what} {vn_points(value)} vượt điểm tối đa {vn_points(max_points)} của tiêu chí "
                               f"{code}.")
    if not steps.allows(value) and not same_points(abs(value), abs(max_points)) and abs(value) > EPSILON:
        raise InvalidInput(f"{what} {vn_points(value)} của tiêu chí {code} không đúng mức hướng dẫn chấm điểm cho "
                           f"phép ({steps.text()}).")


# ---- a set read from a sheet ------------------------------------------------------------------------

@dataclass
class SheetRow:
    """One row of the province's table as read (cells already as text, except ``max_raw``)."""
    row_no: int
    code: str
    title: str
    max_raw: object = None
    guidance: str = ""
    evidence_required: str = ""
    unit_text: str = ""
    metric: str = ""
    bands: str = ""


@dataclass
class ParsedCriterion:
    row_no: int
    code: str
    path: str
    parent_path: str | None
    level: int
    title: str
    max_points: float | None          # leaves: as written; parents: the children's sum
    written_max: float | None         # as written in the sheet (None when blank)
    kind: str
    guidance: str = ""
    evidence_required: str = ""
    unit_text: str = ""
    metric: str = ""
    bands: str = ""
    steps: str = ""
    children: list[str] = field(default_factory=list)

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass
class ParsedSet:
    criteria: list[ParsedCriterion]
    warnings: list[str]

    def by_path(self) -> dict[str, ParsedCriterion]:
        return {c.path: c for c in self.criteria}

    @property
    def max_total(self) -> float:
        return round(sum(c.max_points or 0 for c in self.criteria if c.is_leaf and c.kind == "normal"), 6)


def _row_label(row_no: int, code: str) -> str:
    return f"dòng {row_no} (mã {code})"


def build_set(rows: Sequence[SheetRow], known_metrics: Iterable[str] = (), *, percent_metrics: Iterable[str] = (),
              source: str = "") -> ParsedSet:
    """Check the rows of a criteria table and give them their hierarchy, kinds, maxima and steps.

    Errors (``InvalidInput``, naming the row): a row without a code or with a code that is not one, the
    same code twice, a leaf without a maximum, a penalty written as a positive number, an unknown
    metric, score bands that do not cover 0–100 % or give more than the maximum. Warnings: a parent whose
    written maximum is not its children's sum (naming both rows), a code whose direct parent is missing.
    """
    prefix = f"{source}: " if source else ""
    known = set(known_metrics)
    percents = set(percent_metrics)
    warnings: list[str] = []
    criteria: list[ParsedCriterion] = []
    by_path: dict[str, ParsedCriterion] = {}
    first_row: dict[str, int] = {}
    area: ParsedCriterion | None = None
    has_roman = any(code_shape(r.code) == "roman" for r in rows)
    for row in rows:
        code = normalise_code(row.code)
        shape = code_shape(code)
        title = nfc(row.title)
        if not code:
            raise InvalidInput(f"{prefix}dòng {row.row_no}: thiếu mã (cột «Mã» hoặc «STT») cho «{_short(title)}».")
        if not shape:
            raise InvalidInput(f"{prefix}dòng {row.row_no}: mã «{code}» không đúng dạng (I, II … hoặc 1, 1.1, 1.1.1).")
        if not title:
            raise InvalidInput(f"{prefix}{_row_label(row.row_no, code)}: thiếu nội dung tiêu chí.")
        if shape == "roman":
            path, parent = code, None
        else:
            scope = f"{area.path}." if area is not None and has_roman else ""
            path = scope + code
            parts = code.split(".")
            parent = None
            for cut in range(len(parts) - 1, 0, -1):
                candidate = by_path.get(scope + ".".join(parts[:cut]))
                if candidate is not None:
                    parent = candidate
                    if cut != len(parts) - 1:
                        missing = ".".join(parts[:len(parts) - 1])
                        warnings.append(f"{prefix}{_row_label(row.row_no, code)}: không có dòng mã {missing}; "
                                        f"tiêu chí được xếp vào {candidate.code} ({_row_label(candidate.row_no, candidate.code)}).")
                    break
            if parent is None and area is not None and has_roman:
                parent = area
            elif parent is None and len(parts) > 1:
                warnings.append(f"{prefix}{_row_label(row.row_no, code)}: không có dòng mã {'.'.join(parts[:-1])}; "
                                "tiêu chí được xếp ở cấp lĩnh vực.")
        if path in by_path:
            raise InvalidInput(f"{prefix}mã {code} lặp lại: {_row_label(first_row[path], code)} và dòng {row.row_no}.")
        sign = written_sign(row.max_raw)
        written = parse_points(row.max_raw, where=f"{prefix}{_row_label(row.row_no, code)}, điểm tối đa")
        inherited = parent.kind if parent is not None else "normal"
        kind = kind_from_title(title) if inherited == "normal" else inherited
        if kind == "normal" and sign == "-":
            kind = "penalty"
        elif kind == "normal" and sign == "+":
            kind = "bonus"
        if written is not None:
            if kind == "penalty" and written > EPSILON:
                raise InvalidInput(f"{prefix}{_row_label(row.row_no, code)}: mục trừ điểm phải ghi điểm tối đa là số âm "
                                   f"(ví dụ -{vn_points(written)}), không phải {vn_points(written)}.")
            if kind == "bonus" and written < -EPSILON:
                raise InvalidInput(f"{prefix}{_row_label(row.row_no, code)}: mục điểm thưởng không được ghi điểm âm "
                                   f"({vn_points(written)}).")
            if kind == "normal" and written < -EPSILON:
                kind = "penalty"
        item = ParsedCriterion(
            row_no=row.row_no, code=code, path=path, parent_path=parent.path if parent else None,
            level=(parent.level + 1) if parent else 0, title=title, max_points=written, written_max=written,
            kind=kind, guidance=_clean_lines(row.guidance),
            evidence_required=_clean_lines(row.evidence_required), unit_text=nfc(row.unit_text),
            metric=nfc(row.metric).strip().lower(), bands=_clean_lines(row.bands))
        if item.metric and item.metric not in known:
            raise InvalidInput(f"{prefix}{_row_label(row.row_no, code)}: chỉ tiêu tự tính «{item.metric}» không có. "
                               f"Các chỉ tiêu: {', '.join(sorted(known))}.")
        if parent is not None:
            parent.children.append(path)
        by_path[path] = item
        first_row[path] = row.row_no
        criteria.append(item)
        if shape == "roman":
            area = item
    if not criteria:
        raise InvalidInput(f"{prefix}không có dòng tiêu chí nào dưới dòng tiêu đề.")
    # Maxima bottom-up: a leaf needs one; a parent's is its children's sum (a mismatch is a warning).
    sum_warnings: list[str] = []
    for item in reversed(criteria):
        if item.is_leaf:
            if item.written_max is None:
                raise InvalidInput(f"{prefix}{_row_label(item.row_no, item.code)}: thiếu điểm tối đa.")
            continue
        children = [by_path[p] for p in item.children]
        same_kind = [c for c in children if c.kind == item.kind]
        total = round(sum(c.max_points or 0 for c in same_kind), 6)
        item.max_points = total
        if item.written_max is not None and not same_points(item.written_max, total):
            rows_text = ", ".join(f"{c.code} ở dòng {c.row_no}" for c in same_kind)
            sum_warnings.append(f"{prefix}{_row_label(item.row_no, item.code)} ghi điểm tối đa {vn_points(item.written_max)} "
                            f"nhưng tổng các tiêu chí con là {vn_points(total)} ({rows_text}); dùng tổng các "
                            "tiêu chí con.")
    warnings.extend(reversed(sum_warnings))
    for item in criteria:
        where = f"{prefix}{_row_label(item.row_no, item.code)}"
        if item.metric and not item.is_leaf:
            raise InvalidInput(f"{where}: chỉ tiêu tự tính chỉ gắn với tiêu chí không có tiêu chí con.")
        if item.bands and not item.metric:
            raise InvalidInput(f"{where}: có thang điểm nhưng chưa ghi chỉ tiêu tự tính.")
        bands: tuple[Band, ...] = ()
        if item.metric:
            if not item.bands:
                raise InvalidInput(f"{where}: chỉ tiêu tự tính «{item.metric}» cần thang điểm "
                                   "(ví dụ «≥100%: 1; ≥90%: 0,5; còn lại: 0»).")
            bands = parse_bands(item.bands, max_points=abs(item.max_points or 0), percent=item.metric in percents,
                                where=where)
            item.bands = bands_text(bands, "%" if item.metric in percents else "")
        if item.is_leaf:
            item.steps = steps_from_guidance(item.guidance, item.max_points, bands).text()
    return ParsedSet(criteria, warnings)


def _clean_lines(text: str) -> str:
    """Multi-line cells keep their line breaks, each line NFC-cleaned."""
    lines = [nfc(line) for line in str(text or "").replace("\r\n", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def _short(text: str, size: int = 50) -> str:
    return text if len(text) <= size else text[:size - 1] + "…"


# ---- held, at risk, lost ----------------------------------------------------------------------------

RISK_LABELS = {
    "task_late": "nhiệm vụ liên quan quá hạn hoặc hoàn thành trễ",
    "task_at_risk": "nhiệm vụ liên quan có nguy cơ chậm",
    "metric_below_top": "chỉ tiêu tự tính chưa đạt mức điểm cao nhất",
    "no_evidence": "chưa có tài liệu kiểm chứng",
}


@dataclass(frozen=True)
class Risk:
    points: float
    reasons: tuple[str, ...]

    def text(self) -> str:
        return "; ".join(RISK_LABELS[r] for r in self.reasons)


def leaf_risk(*, max_points: float, kind: str, self_points: float | None, computed_points: float | None,
              top_band: float | None, task_statuses: Iterable[str], evidence_count: int,
              evidence_deadline: date | None, today: date, lost: float) -> Risk:
    """The points of one sub-criterion at risk now (DOMAIN.md §9, "points at risk"):

    - a linked plan task is overdue or was done late (``task_late``), or is at risk (``task_at_risk``):
      the whole maximum;
    - its metric is below the top band: the maximum less the computed points;
    - points are claimed without evidence, or the evidence deadline has passed without any
      (``no_evidence``): the whole maximum.

    Bonus and penalty rows carry no risk here (a penalty is counted as lost when scored); what is
    already lost is not at risk again.
    """
    if kind != "normal" or max_points <= 0:
        return Risk(0.0, ())
    reasons: list[str] = []
    amount = 0.0
    statuses = set(task_statuses)
    if statuses & {"overdue", "done_late"}:
        reasons.append("task_late")
        amount = max_points
    if "at_risk" in statuses:
        reasons.append("task_at_risk")
        amount = max_points
    if computed_points is not None and top_band is not None and computed_points < top_band - EPSILON:
        reasons.append("metric_below_top")
        amount = max(amount, max_points - computed_points)
    claimed = self_points is not None and self_points > EPSILON
    deadline_passed = evidence_deadline is not None and evidence_deadline < today
    if evidence_count == 0 and (claimed or deadline_passed):
        reasons.append("no_evidence")
        amount = max_points
    amount = max(0.0, min(amount, max_points - lost))
    return Risk(round(amount, 6), tuple(reasons) if amount > EPSILON else ())


def leaf_lost(*, max_points: float, kind: str, self_points: float | None, appraised_points: float | None) -> float:
    """Points lost on one sub-criterion: after appraisal the maximum less the appraised score (a
    penalty: the points taken off); before it, what the self-assessment does not claim."""
    score = appraised_points if appraised_points is not None else self_points
    if score is None:
        return 0.0
    if kind == "penalty":
        return round(max(0.0, -score), 6)
    if kind == "bonus":
        return 0.0
    return round(max(0.0, max_points - score), 6)


# ---- comparing two years' sets -----------------------------------------------------------------------

@dataclass(frozen=True)
class SetChange:
    change: str          # added | removed | max | title | guidance | metric | kind
    path: str
    code: str
    old: str = ""
    new: str = ""

    CHANGE_LABELS = {"added": "Tiêu chí mới", "removed": "Không còn trong bộ chỉ số", "max": "Đổi điểm tối đa",
                     "title": "Đổi nội dung", "guidance": "Đổi hướng dẫn chấm điểm", "metric": "Đổi chỉ tiêu tự tính",
                     "kind": "Đổi loại (thưởng/trừ)", "evidence": "Đổi tài liệu kiểm chứng"}

    @property
    def label(self) -> str:
        return self.CHANGE_LABELS[self.change]


@dataclass(frozen=True)
class CompareRow:
    path: str
    code: str
    title: str
    max_points: float | None
    kind: str
    guidance: str = ""
    metric: str = ""
    evidence_required: str = ""


def compare_sets(old: Sequence[CompareRow], new: Sequence[CompareRow]) -> list[SetChange]:
    """What changed from last year's set to this year's, matched by path (then by title for a row
    whose code moved)."""
    old_by_path = {r.path: r for r in old}
    new_by_path = {r.path: r for r in new}
    old_by_title = {fold(r.title): r for r in old}
    changes: list[SetChange] = []
    matched_old: set[str] = set()
    for row in new:
        before = old_by_path.get(row.path)
        if before is None or (fold(before.title) != fold(row.title) and fold(row.title) in old_by_title
                              and old_by_title[fold(row.title)].path not in new_by_path):
            moved = old_by_title.get(fold(row.title))
            if moved is not None and moved.path not in new_by_path:
                before = moved
        if before is None:
            changes.append(SetChange("added", row.path, row.code, "", row.title))
            continue
        matched_old.add(before.path)
        if before.path != row.path:
            changes.append(SetChange("title", row.path, row.code, f"mã cũ {before.code}", f"mã mới {row.code}"))
        if fold(before.title) != fold(row.title):
            changes.append(SetChange("title", row.path, row.code, before.title, row.title))
        if not same_points(before.max_points, row.max_points):
            changes.append(SetChange("max", row.path, row.code, vn_points(before.max_points), vn_points(row.max_points)))
        if before.kind != row.kind:
            changes.append(SetChange("kind", row.path, row.code, KIND_LABELS[before.kind] or "thường",
                                     KIND_LABELS[row.kind] or "thường"))
        if fold(before.guidance) != fold(row.guidance):
            changes.append(SetChange("guidance", row.path, row.code, before.guidance, row.guidance))
        if before.metric != row.metric:
            changes.append(SetChange("metric", row.path, row.code, before.metric, row.metric))
        if fold(before.evidence_required) != fold(row.evidence_required):
            changes.append(SetChange("evidence", row.path, row.code, before.evidence_required, row.evidence_required))
    for row in old:
        if row.path not in matched_old:
            changes.append(SetChange("removed", row.path, row.code, row.title, ""))
    return changes


def path_sort_key(path: str) -> tuple[tuple[int, int | str], ...]:
    """Order codes as the table does: I < II < … and 1 < 1.2 < 1.10."""
    from par_desktop.domain.text import from_roman

    key: list[tuple[int, int | str]] = []
    for part in path.split("."):
        if part.isdigit():
            key.append((1, int(part)))
        else:
            try:
                key.append((0, from_roman(part)))
            except ValueError:
                key.append((2, part))
    return tuple(key)
