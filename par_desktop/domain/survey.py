"""The Office's satisfaction survey (SIPAS-style, DOMAIN.md §10): the five aspects the Ministry of Home
Affairs measures, the answer scale, and the index with its confidence intervals.

- Answers are 1–5 or their words (1 Rất không hài lòng … 5 Rất hài lòng); satisfied = 4 or 5. A blank
  answer or one outside the scale is not valid for that question (excluded, and counted).
- Question index = satisfied / valid answers × 100; aspect index = the unweighted mean of its questions'
  indices; overall = the unweighted mean of the aspects' indices.
- 95 % intervals: Wilson for a question; for an aspect or the overall index, a percentile bootstrap over
  respondents (1,000 resamples, fixed seed, so the same data always give the same interval).
- A figure from fewer than 30 valid answers (for an aspect or the overall: respondents with at least one
  valid answer) is flagged as a small sample.

Pure Python, no database: ``services.survey`` reads the answers and calls ``compute_index``.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

from par_desktop.domain.text import fold, nfc

ASPECTS: tuple[tuple[str, str], ...] = (
    ("A1", "Tiếp cận dịch vụ"),
    ("A2", "Thủ tục hành chính"),
    ("A3", "Công chức trực tiếp giải quyết công việc"),
    ("A4", "Kết quả giải quyết thủ tục hành chính"),
    ("A5", "Tiếp nhận, xử lý ý kiến góp ý, phản ánh, kiến nghị"),
)
ASPECT_NAMES = dict(ASPECTS)

SCALE = (1, 2, 3, 4, 5)
SCALE_WORDS = {1: "Rất không hài lòng", 2: "Không hài lòng", 3: "Bình thường", 4: "Hài lòng", 5: "Rất hài lòng"}
SATISFIED = frozenset({4, 5})
SMALL_SAMPLE = 30
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20221766          # fixed: the same answers always give the same interval
Z95 = 1.959963984540054

# The default questionnaire (an administrator edits it): (code, text). Modelled on the SIPAS forms.
DEFAULT_QUESTIONNAIRE: tuple[tuple[str, str], ...] = (
    ("A1.1", "Nơi tiếp nhận và trả kết quả có đủ chỗ ngồi"),
    ("A1.2", "Trang thiết bị phục vụ người dân, tổ chức đầy đủ"),
    ("A1.3", "Trang thiết bị phục vụ người dân, tổ chức hiện đại, dễ sử dụng"),
    ("A1.4", "Dễ dàng tìm hiểu thông tin, nộp hồ sơ trên Cổng Dịch vụ công"),
    ("A2.1", "Thủ tục hành chính được niêm yết công khai đầy đủ"),
    ("A2.2", "Thủ tục hành chính được niêm yết công khai chính xác"),
    ("A2.3", "Thành phần hồ sơ phải nộp đúng quy định"),
    ("A2.4", "Phí, lệ phí phải nộp đúng quy định"),
    ("A2.5", "Thời hạn giải quyết (từ ngày nộp hồ sơ đến ngày nhận kết quả) đúng quy định"),
    ("A3.1", "Công chức có thái độ giao tiếp lịch sự"),
    ("A3.2", "Công chức chú ý lắng nghe ý kiến của người dân, tổ chức"),
    ("A3.3", "Công chức trả lời, giải thích đầy đủ các ý kiến của người dân, tổ chức"),
    ("A3.4", "Công chức hướng dẫn kê khai hồ sơ tận tình, chu đáo"),
    ("A3.5", "Công chức hướng dẫn kê khai hồ sơ dễ hiểu"),
    ("A3.6", "Công chức tuân thủ đúng quy định trong giải quyết công việc"),
    ("A4.1", "Kết quả giải quyết đúng quy định"),
    ("A4.2", "Kết quả giải quyết có thông tin đầy đủ"),
    ("A4.3", "Kết quả giải quyết có thông tin chính xác"),
    ("A5.1", "Cơ quan có bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị"),
    ("A5.2", "Người dân, tổ chức dễ dàng thực hiện góp ý, phản ánh, kiến nghị"),
    ("A5.3", "Cơ quan tiếp nhận, xử lý tích cực các góp ý, phản ánh, kiến nghị"),
    ("A5.4", "Cơ quan thông báo kịp thời kết quả xử lý góp ý, phản ánh, kiến nghị"),
)

_CODE = re.compile(r"(?<![A-Za-z0-9])([Aa])\s*(\d{1,2})\s*\.\s*(\d{1,2})(?![0-9])")


def question_code(text: object) -> str | None:
    """"A1.1", "a1.1", "Câu A1.1. Nơi tiếp nhận…" -> "A1.1"; None when the text names no question code."""
    if text is None:
        return None
    match = _CODE.search(nfc(str(text)))
    if match is None:
        return None
    return f"A{int(match.group(2))}.{int(match.group(3))}"


def aspect_of(code: str) -> str:
    """"A1.3" -> "A1"."""
    return code.split(".", 1)[0]


def code_order(code: str) -> tuple[int, int]:
    aspect, number = code[1:].split(".", 1)
    return int(aspect), int(number)


# ---- reading an answer ------------------------------------------------------------------------------

_WORD_SCORES = {fold(word): score for score, word in SCALE_WORDS.items()}
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_LEADING = re.compile(r"^\s*(\d+)\s*[-.:)–]?\s*(.*)$")
BLANK_MARKS = frozenset({"", "-", "x", "–", "—", "."})


@dataclass(frozen=True)
class Answer:
    """One cell read: ``score`` 1–5 when valid; else ``blank`` or out of scale (``invalid``).
    ``unknown`` is a word the app cannot read (the clerk maps it)."""

    raw: str
    score: int | None
    blank: bool = False
    invalid: bool = False
    unknown: bool = False


def word_key(text: str) -> str:
    """How a rating word is remembered: folded, punctuation and spaces collapsed."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


def read_answer(value: object, mapped: Mapping[str, int | None] | None = None) -> Answer:
    """A cell of a survey sheet (or a key typed on the entry screen) -> an Answer.

    ``mapped``: words the clerk has mapped before (word_key -> score, None for "not an answer").
    Numbers outside 1–5 (0, 6, 4.5) are out of scale; "4 - Hài lòng" is 4; a word neither known nor
    mapped comes back ``unknown`` for the importer to list.
    """
    if value is None:
        return Answer("", None, blank=True)
    if isinstance(value, bool):
        return Answer(str(value), None, invalid=True)
    if isinstance(value, (int, float)):
        raw = str(int(value)) if float(value).is_integer() else str(value)
        return _scored(raw, float(value))
    raw = nfc(str(value))
    if raw.strip().lower() in BLANK_MARKS:
        return Answer(raw, None, blank=True)
    if _NUMBER.fullmatch(raw.strip()):
        return _scored(raw, float(raw.strip().replace(",", ".")))
    key = word_key(raw)
    if key in _WORD_SCORES:
        return Answer(raw, _WORD_SCORES[key])
    leading = _LEADING.match(raw)
    if leading is not None:
        number, rest = int(leading.group(1)), word_key(leading.group(2))
        if number in SCALE and (not rest or _WORD_SCORES.get(rest) == number):
            return Answer(raw, number)
    if mapped is not None and key in mapped:
        score = mapped[key]
        return Answer(raw, score, invalid=score is None)
    return Answer(raw, None, unknown=True)


def _scored(raw: str, number: float) -> Answer:
    if number.is_integer() and int(number) in SCALE:
        return Answer(raw, int(number))
    return Answer(raw, None, invalid=True)


# ---- the index ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fig:
    """An index figure: the percent, its base, its 95 % interval; ``small``: fewer than 30 valid."""

    index: float | None
    valid: int
    low: float | None
    high: float | None

    @property
    def small(self) -> bool:
        return self.valid < SMALL_SAMPLE

    def as_json(self) -> dict[str, float | int | None]:
        return {"index": self.index, "valid": self.valid, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class QuestionResult:
    code: str
    text: str
    fig: Fig
    satisfied: int
    blank: int                  # blank answers, excluded
    invalid: int                # answers outside the scale (or mapped "not an answer"), excluded
    counts: tuple[int, ...]     # answers 1..5


@dataclass(frozen=True)
class AspectResult:
    code: str
    name: str
    fig: Fig
    questions: list[QuestionResult]


@dataclass(frozen=True)
class SurveyIndex:
    respondents: int
    overall: Fig
    aspects: list[AspectResult]

    def question(self, code: str) -> QuestionResult:
        for a in self.aspects:
            for q in a.questions:
                if q.code == code:
                    return q
        raise KeyError(code)

    def aspect(self, code: str) -> AspectResult:
        for a in self.aspects:
            if a.code == code:
                return a
        raise KeyError(code)


def wilson(satisfied: int, valid: int, z: float = Z95) -> tuple[float, float] | tuple[None, None]:
    """The Wilson score interval of a proportion, in percent."""
    if valid <= 0:
        return None, None
    p = satisfied / valid
    denominator = 1 + z * z / valid
    centre = (p + z * z / (2 * valid)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / valid + z * z / (4 * valid * valid))
    low = 0.0 if satisfied == 0 else max(0.0, centre - half)      # exact at the ends (no rounding residue)
    high = 1.0 if satisfied == valid else min(1.0, centre + half)
    return 100.0 * low, 100.0 * high


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (the usual "type 7" percentile)."""
    if not sorted_values:
        raise ValueError("no values")
    position = (len(sorted_values) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(sorted_values) - 1)
    return sorted_values[below] + (sorted_values[above] - sorted_values[below]) * (position - below)


def _mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


@dataclass
class _Respondent:
    """Per question position: 1 satisfied / 0 not (valid answers), and 1 when the answer was valid."""

    satisfied: tuple[int, ...]
    valid: tuple[int, ...]


@dataclass
class Questionnaire:
    """The questions (code, text) in order; aspects with no question are left out of the index."""

    questions: list[tuple[str, str]] = field(default_factory=list)

    def aspects(self) -> list[tuple[str, str, list[int]]]:
        """(aspect code, name, positions of its questions) in aspect order."""
        out = []
        for code, name in ASPECTS:
            positions = [i for i, (q, _) in enumerate(self.questions) if aspect_of(q) == code]
            if positions:
                out.append((code, name, positions))
        return out


def compute_index(questionnaire: Questionnaire, responses: Sequence[Mapping[str, Answer]], *,
                  resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED) -> SurveyIndex:
    """The index of ``responses`` (each: question code -> Answer; a missing code is a blank answer)."""
    codes = [code for code, _ in questionnaire.questions]
    people: list[_Respondent] = []
    blank = [0] * len(codes)
    invalid = [0] * len(codes)
    counts = [[0] * 5 for _ in codes]
    for response in responses:
        sat, val = [], []
        for i, code in enumerate(codes):
            answer = response.get(code)
            if answer is None or answer.blank:
                blank[i] += 1
            elif answer.score is None:
                invalid[i] += 1
            else:
                counts[i][answer.score - 1] += 1
            score = answer.score if answer is not None else None
            val.append(1 if score is not None else 0)
            sat.append(1 if score is not None and score in SATISFIED else 0)
        people.append(_Respondent(tuple(sat), tuple(val)))

    sat_totals = [sum(p.satisfied[i] for p in people) for i in range(len(codes))]
    val_totals = [sum(p.valid[i] for p in people) for i in range(len(codes))]
    aspects = questionnaire.aspects()

    def question_index(s: int, v: int) -> float | None:
        return 100.0 * s / v if v else None

    def statistic(sats: Sequence[int], vals: Sequence[int]) -> tuple[list[float | None], float | None]:
        per_aspect = [_mean(question_index(sats[i], vals[i]) for i in positions) for _, _, positions in aspects]
        return per_aspect, _mean(per_aspect)

    point_aspects, point_overall = statistic(sat_totals, val_totals)
    boot_aspects, boot_overall = _bootstrap(people, len(codes), statistic, len(aspects), resamples, seed)

    def respondents_with_valid(positions: Sequence[int]) -> int:
        return sum(1 for p in people if any(p.valid[i] for i in positions))

    results = []
    for a, (code, name, positions) in enumerate(aspects):
        questions = []
        for i in positions:
            low, high = wilson(sat_totals[i], val_totals[i])
            questions.append(QuestionResult(
                codes[i], questionnaire.questions[i][1],
                Fig(question_index(sat_totals[i], val_totals[i]), val_totals[i], low, high),
                sat_totals[i], blank[i], invalid[i], tuple(counts[i])))
        low, high = _interval(boot_aspects[a], point_aspects[a])
        results.append(AspectResult(code, name, Fig(point_aspects[a], respondents_with_valid(positions), low, high),
                                    questions))
    low, high = _interval(boot_overall, point_overall)
    overall = Fig(point_overall, respondents_with_valid(range(len(codes))), low, high)
    return SurveyIndex(len(people), overall, results)


# (satisfied counts, valid counts) per question -> (index per aspect, overall index)
_Statistic = Callable[[Sequence[int], Sequence[int]], tuple[list[float | None], float | None]]


def _bootstrap(people: list[_Respondent], width: int, statistic: _Statistic, aspect_count: int, resamples: int,
               seed: int) -> tuple[list[list[float]], list[float]]:
    """Resample respondents with replacement ``resamples`` times; the statistic of each resample."""
    per_aspect: list[list[float]] = [[] for _ in range(aspect_count)]
    overall: list[float] = []
    if not people or not width:
        return per_aspect, overall
    rng = random.Random(seed)
    rows = [p.satisfied + p.valid for p in people]   # one flat tuple per respondent: sums in C below
    n = len(rows)
    for _ in range(resamples):
        totals = [sum(column) for column in zip(*rng.choices(rows, k=n))]
        aspects, total = statistic(totals[:width], totals[width:])
        for a, value in enumerate(aspects):
            if value is not None:
                per_aspect[a].append(value)
        if total is not None:
            overall.append(total)
    return per_aspect, overall


def _interval(samples: list[float], point: float | None) -> tuple[float | None, float | None]:
    if point is None or not samples:
        return None, None
    ordered = sorted(samples)
    return percentile(ordered, 0.025), percentile(ordered, 0.975)
