"""The service-quality index (Bộ chỉ số phục vụ người dân, doanh nghiệp, Quyết định 766/QĐ-TTg, 2022):
its five groups, the indicators the app computes or a clerk enters, and how points follow from figures.

Definitions (docs/service-quality.md, from DOMAIN.md §10): each indicator's points are its maximum ×
rate / 100; an indicator without data has no value and no points (never 0), and its group reports
those maxima as unknown points. The maxima come from an editable table; these are the shipped
defaults, chosen so that each group sums to its maximum in the decision (18, 20, 22, 22, 18).
Pure Python: the figures themselves are counted by ``services.service_quality``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from par_desktop.domain.text import fold, vn_number


# The one-stop export's service columns as stored on a dossier (DOMAIN.md §10), with their labels.
PAYMENT_LABELS = {"online": "Trực tuyến", "direct": "Trực tiếp", "": "Không thu phí"}
RATING_LABELS = {"very_satisfied": "Rất hài lòng", "satisfied": "Hài lòng", "neutral": "Bình thường",
                 "unsatisfied": "Không hài lòng", "very_unsatisfied": "Rất không hài lòng", "": "Chưa đánh giá"}
SATISFIED_RATINGS = ("very_satisfied", "satisfied")


def is_fully_online(level: str) -> bool:
    """A catalogue level meaning a full online service: "Toàn trình", "DVC trực tuyến toàn trình", or the
    old "Mức độ 4"."""
    key = fold(level)
    return "toan trinh" in key or key.replace(" ", "") in ("4", "mucdo4", "dvctt4")


@dataclass(frozen=True)
class GroupDef:
    key: str
    name: str
    max_points: float          # the decision's maximum for the group


GROUPS: tuple[GroupDef, ...] = (
    GroupDef("disclosure", "Công khai, minh bạch", 18),
    GroupDef("progress", "Tiến độ, kết quả giải quyết", 20),
    GroupDef("digitisation", "Số hóa hồ sơ", 22),
    GroupDef("online", "Cung cấp dịch vụ trực tuyến", 22),
    GroupDef("satisfaction", "Mức độ hài lòng", 18),
)
GROUP_NAMES = {g.key: g.name for g in GROUPS}


@dataclass(frozen=True)
class IndicatorDef:
    """A row of the points table. ``manual``: entered by hand (the app cannot know it)."""

    key: str
    group: str
    name: str
    max_points: float
    manual: bool = False
    unit: str = "%"            # "%" for rates; "ngày" for the mean resolution time in working days
    position: int = 0


# The indicators of DOMAIN.md §10 that the app computes, then those a clerk enters by hand.
DEFAULT_INDICATORS: tuple[IndicatorDef, ...] = (
    IndicatorDef("published_on_time", "disclosure",
                 "TTHC công bố đúng hạn (quyết định công bố không muộn hơn ngày có hiệu lực)", 6, position=1),
    IndicatorDef("national_db_disclosure", "disclosure",
                 "TTHC được công khai đầy đủ, đúng quy định trên Cơ sở dữ liệu quốc gia về TTHC", 6, manual=True,
                 position=2),
    IndicatorDef("status_sync", "disclosure",
                 "Hồ sơ được đồng bộ trạng thái lên Cổng Dịch vụ công quốc gia", 6, manual=True, position=3),
    IndicatorDef("on_time", "progress", "Hồ sơ giải quyết trước hạn, đúng hạn", 20, position=4),
    IndicatorDef("avg_resolution_days", "progress",
                 "Thời gian giải quyết trung bình (ngày làm việc, so với thời hạn của từng thủ tục)", 0,
                 unit="ngày", position=5),
    IndicatorDef("digitised_dossiers", "digitisation", "Hồ sơ tiếp nhận được số hóa", 11, position=6),
    IndicatorDef("digitised_results", "digitisation", "Kết quả giải quyết được số hóa", 11, position=7),
    IndicatorDef("procedures_fully_online", "online", "TTHC cung cấp dịch vụ công trực tuyến toàn trình", 8,
                 position=8),
    IndicatorDef("online_share", "online", "Hồ sơ tiếp nhận trực tuyến", 7, position=9),
    IndicatorDef("online_payment", "online", "Hồ sơ có phí, lệ phí được thanh toán trực tuyến", 7, position=10),
    IndicatorDef("satisfaction", "satisfaction", "Hồ sơ được người dân, tổ chức đánh giá hài lòng", 18,
                 position=11),
)
COMPUTED_KEYS: tuple[str, ...] = tuple(d.key for d in DEFAULT_INDICATORS if not d.manual)


@dataclass(frozen=True)
class Figure:
    """One indicator's figure: numerator / denominator, and its value (a percent, or working days).

    ``value`` is None when the denominator is zero or nothing is known. ``score_rate`` is the percent
    the points are computed from: the value itself for rates; for the mean resolution time, the share of
    procedures whose mean stays within their limit.
    """

    key: str
    numerator: float
    denominator: float
    value: float | None
    score_rate: float | None = None

    @staticmethod
    def rate(key: str, numerator: float, denominator: float) -> "Figure":
        value = None if not denominator else 100.0 * numerator / denominator
        return Figure(key, numerator, denominator, value, value)


@dataclass(frozen=True)
class IndicatorScore:
    key: str
    group: str
    name: str
    manual: bool
    unit: str
    max_points: float
    figure: Figure | None

    @property
    def value(self) -> float | None:
        return None if self.figure is None else self.figure.value

    @property
    def known(self) -> bool:
        return self.figure is not None and self.figure.value is not None

    @property
    def points(self) -> float | None:
        """Maximum × rate / 100 (rates above 100 % are capped); None without a value."""
        if self.figure is None or self.figure.value is None:
            return None
        rate = self.figure.score_rate
        if rate is None:
            return None if self.max_points else 0.0
        return self.max_points * min(max(rate, 0.0), 100.0) / 100.0

    @property
    def lost_points(self) -> float | None:
        points = self.points
        return None if points is None else self.max_points - points

    @property
    def value_text(self) -> str:
        """"97,5%", "6,3 ngày", or "chưa có số liệu"."""
        if self.value is None:
            return "chưa có số liệu"
        shown = vn_number(round(self.value, 1))
        return f"{shown}%" if self.unit == "%" else f"{shown} ngày"


@dataclass
class GroupScore:
    key: str
    name: str
    indicators: list[IndicatorScore] = field(default_factory=list)

    @property
    def max_points(self) -> float:
        return sum(i.max_points for i in self.indicators)

    @property
    def points(self) -> float:
        return sum(i.points for i in self.indicators if i.points is not None)

    @property
    def unknown_points(self) -> float:
        """The maxima of the indicators without a value: points the figures cannot tell."""
        return sum(i.max_points for i in self.indicators if i.points is None)


@dataclass
class ServiceIndex:
    groups: list[GroupScore]

    @property
    def total_points(self) -> float:
        return sum(g.points for g in self.groups)

    @property
    def max_points(self) -> float:
        return sum(g.max_points for g in self.groups)

    @property
    def unknown_points(self) -> float:
        return sum(g.unknown_points for g in self.groups)

    def indicators(self) -> list[IndicatorScore]:
        return [i for g in self.groups for i in g.indicators]

    def indicator(self, key: str) -> IndicatorScore:
        for i in self.indicators():
            if i.key == key:
                return i
        raise KeyError(key)

    def weakest(self, limit: int = 5) -> list[IndicatorScore]:
        """The indicators that lose the most points (known ones with points at stake)."""
        lost = [(points, i) for i in self.indicators() if (points := i.lost_points) is not None and points > 1e-9]
        lost.sort(key=lambda pair: (-pair[0], pair[1].key))
        return [i for _points, i in lost[:limit]]


def points_text(points: float | None) -> str:
    """Points as reports write them: "16,7", "20", or "—" when unknown."""
    return "—" if points is None else vn_number(round(points, 1))


def score(definitions: Sequence[IndicatorDef], figures: dict[str, Figure]) -> ServiceIndex:
    """The index from the points table and the figures (a key missing from ``figures``: no data)."""
    groups = [GroupScore(g.key, g.name) for g in GROUPS]
    by_key = {g.key: g for g in groups}
    for d in sorted(definitions, key=lambda d: (d.position, d.key)):
        group = by_key.get(d.group)
        if group is None:
            continue
        group.indicators.append(IndicatorScore(d.key, d.group, d.name, d.manual, d.unit, d.max_points,
                                               figures.get(d.key)))
    return ServiceIndex(groups)
