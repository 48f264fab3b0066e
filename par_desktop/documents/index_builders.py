"""The PAR INDEX documents (Decree 30 layout, one model rendered to DOCX and PDF):

- the self-assessment report (báo cáo tự đánh giá, chấm điểm Chỉ số CCHC) to the Sở Nội vụ, with the
  totals per area in the body and the whole table (every code: maximum, self-score, explanation,
  evidence) in a landscape appendix;
- the Office's proposal to the Director (tờ trình) to review the responsibility of the heads of the
  units that lost points (plan section IV.2), with the points lost per unit in the body and every lost
  criterion in a landscape appendix.

Plain data in, ``OfficialDocument`` out; the wording is the template's (``resources/templates``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from par_desktop.documents.builders import (
    TABLE_SIZE, OrgInfo, SignerInfo, _context, _header, _office_header, _one, _sections, _signature, appendix_labels,
    appendix_reference, number_text,
)
from par_desktop.documents.model import Appendix, Cell, OfficialDocument, Paragraph, Row, Table
from par_desktop.documents.templates import Count, to_blocks
from par_desktop.domain.par_index import vn_points
from par_desktop.domain.text import nfc
from par_desktop.errors import InvalidInput


@dataclass(frozen=True)
class IndexRow:
    """One row of the set as the table shows it (areas, criteria and sub-criteria in table order)."""
    code: str
    title: str
    level: int
    kind: str
    max_points: float | None
    self_points: float | None = None
    appraised_points: float | None = None
    note: str = ""                                   # the unit's explanation
    evidence: tuple[str, ...] = ()                   # one line per piece of evidence
    unit: str = ""
    is_leaf: bool = True
    path: str = ""                                   # unique in the set ("II.1.1"); empty: the code

    @property
    def full_code(self) -> str:
        return self.path or self.code


@dataclass(frozen=True)
class LostRow:
    code: str
    title: str
    unit: str
    max_points: float | None
    self_points: float | None
    appraised_points: float | None
    lost: float
    reason: str = ""


@dataclass(frozen=True)
class UnitLoss:
    unit: str
    head: str                                        # "Trưởng phòng Hoàng Thị Lan"
    lost: float
    codes: tuple[tuple[str, float], ...]             # (code, points lost)
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexTotals:
    year: int
    set_title: str
    max_total: float
    self_total: float | None
    appraised_total: float | None = None
    final_index: float | None = None
    example: bool = False
    bonus_total: float = 0.0
    penalty_total: float = 0.0                       # points taken off (positive)
    evidence_count: int = 0

    def index_of(self, total: float | None) -> float | None:
        return None if total is None or not self.max_total else 100.0 * total / self.max_total


def _p(value: float | None) -> str:
    return vn_points(value, blank="")


def _percent(value: float | None) -> str:
    """87,5 (two decimals at most); "…" when unknown."""
    return "…" if value is None else f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _example_note(totals: IndexTotals) -> list:
    if not totals.example:
        return []
    return [Paragraph(f"(Số liệu theo bộ chỉ số minh họa «{nfc(totals.set_title)}», không phải bảng chính thức của tỉnh.)",
                      indent=False, italic=True, align="center", size=12)]


def _areas_table(rows: Sequence[IndexRow], totals: IndexTotals) -> Table:
    body = []
    for i, row in enumerate((r for r in rows if r.level == 0), start=1):
        rate = None if not row.max_points or row.self_points is None or row.kind != "normal" \
            else 100.0 * row.self_points / row.max_points
        body.append(Row([nfc(row.code) or str(i), nfc(row.title), _p(row.max_points), _p(row.self_points),
                         "" if rate is None else f"{_percent(rate)}%"]))
    index = totals.index_of(totals.self_total)
    body.append(Row([Cell("Tổng cộng", colspan=2, align="center"), _p(totals.max_total), _p(totals.self_total),
                     "" if index is None else f"{_percent(index)}%"], bold=True))
    header = [Row(["TT", "Lĩnh vực", "Điểm tối đa", "Điểm tự đánh giá", "Tỷ lệ đạt"])]
    return Table(widths=[8, 52, 13, 14, 13], header=header, rows=body, font_size=TABLE_SIZE,
                 align=["center", "left", "center", "center", "center"])


def _full_table(rows: Sequence[IndexRow]) -> Table:
    body = []
    for row in rows:
        evidence = "\n".join(f"- {nfc(line)}" for line in row.evidence) if row.is_leaf else ""
        if row.is_leaf and not row.evidence and row.self_points:
            evidence = "(Chưa có tài liệu kiểm chứng)"
        body.append(Row([nfc(row.code), nfc(row.title), _p(row.max_points), _p(row.self_points),
                         nfc(row.note) if row.is_leaf else "", evidence],
                        bold=row.level == 0, italic=row.kind != "normal" and row.level > 0,
                        keep_with_next=not row.is_leaf))   # an area or criterion stays with its first part
    header = [Row(["Mã", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá", "Giải trình",
                   "Tài liệu kiểm chứng"])]
    return Table(widths=[9, 60, 11, 12, 50, 58], header=header, rows=body, font_size=11,
                 align=["center", "left", "center", "center", "left", "left"])


def build_self_assessment(org: OrgInfo, signer: SignerInfo, totals: IndexTotals, rows: Sequence[IndexRow], *,
                          number: int | None = None, issue_date: date | None = None,
                          template_text: str | None = None) -> OfficialDocument:
    """The self-assessment report of a year's set (every code is listed in the appendix)."""
    if not rows:
        raise InvalidInput(f"Bộ chỉ số năm {totals.year} chưa có tiêu chí nào.")
    if totals.self_total is None:
        raise InvalidInput(f"Chưa có điểm tự đánh giá nào của bộ chỉ số năm {totals.year}: hãy chấm điểm trước khi "
                           "lập báo cáo.")
    leaves = [r for r in rows if r.is_leaf]
    short = [r for r in leaves if r.kind == "normal" and r.max_points is not None
             and (r.self_points or 0) < r.max_points - 1e-9]
    short_points = round(sum(r.max_points - (r.self_points or 0) for r in short), 6)
    labels = appendix_labels(1)
    ctx = _context(org, signer, issue_date, totals.year)
    index = totals.index_of(totals.self_total)
    ctx.update(set_title=nfc(totals.set_title), max_total=_p(totals.max_total), self_total=_p(totals.self_total),
               self_index=_percent(index), bonus_total=_p(totals.bonus_total) if totals.bonus_total else "",
               penalty_total=_p(totals.penalty_total) if totals.penalty_total else "",
               area_count=Count(sum(1 for r in rows if r.level == 0)), leaf_count=Count(len(leaves)),
               evidence_count=Count(totals.evidence_count), short_count=Count(len(short)),
               short_points=_p(short_points),
               short_list="; ".join(f"{r.full_code} ({_p(r.max_points - (r.self_points or 0))} điểm)" for r in short),
               appendix_name="Phụ lục")
    s = _sections("self_assessment", template_text, ctx)
    code = f"BC-{nfc(org.agency_abbr)}"
    body = [*_example_note(totals), *to_blocks(s["opening"]), *to_blocks(s["results"]), _areas_table(rows, totals),
            *to_blocks(s["body"]), *to_blocks(s["proposals"]), *to_blocks(s["closing"])]
    appendix = Appendix(label=labels[0], title=_one(s, "appendix_title").upper(),
                        reference=appendix_reference("Báo cáo", number, code, issue_date, org.agency_name),
                        landscape=True, blocks=[*_example_note(totals), _full_table(rows)])
    return OfficialDocument(
        header=_header(org), number_text=number_text(number, code), place=nfc(org.place), issue_date=issue_date,
        kind="BÁO CÁO", subject=_one(s, "subject"), recipients_to=s["kinh_gui"], body=body, noi_nhan=s["noi_nhan"],
        signature=_signature(s["signature"], signer), appendices=[appendix])


def _units_table(units: Sequence[UnitLoss]) -> Table:
    body = []
    for i, u in enumerate(units, start=1):
        codes = "; ".join(f"{nfc(code)} (-{_p(points)})" for code, points in u.codes)
        body.append(Row([str(i), nfc(u.unit), nfc(u.head), codes, _p(u.lost), "; ".join(nfc(r) for r in u.reasons if r)]))
    body.append(Row([Cell("Tổng cộng", colspan=4, align="center"), _p(round(sum(u.lost for u in units), 6)), ""],
                    bold=True))
    header = [Row(["TT", "Phòng, đơn vị chủ trì", "Người đứng đầu", "Tiêu chí bị mất điểm (số điểm)", "Tổng điểm bị mất",
                   "Lý do"])]
    return Table(widths=[5, 18, 17, 22, 9, 34], header=header, rows=body, font_size=TABLE_SIZE,
                 align=["center", "left", "left", "left", "center", "left"])


def _lost_table(rows: Sequence[LostRow]) -> Table:
    body = [Row([str(i), nfc(r.code), nfc(r.title), nfc(r.unit), _p(r.max_points), _p(r.self_points),
                 _p(r.appraised_points), _p(r.lost), nfc(r.reason)]) for i, r in enumerate(rows, start=1)]
    header = [Row(["TT", "Mã", "Tiêu chí", "Đơn vị chủ trì", "Điểm tối đa", "Tự đánh giá", "Thẩm định", "Bị mất",
                   "Lý do"])]
    return Table(widths=[6, 10, 62, 30, 11, 12, 12, 10, 50], header=header, rows=body, font_size=11,
                 align=["center", "center", "left", "left", "center", "center", "center", "center", "left"])


def build_index_review(org: OrgInfo, signer: SignerInfo, totals: IndexTotals, units: Sequence[UnitLoss],
                       rows: Sequence[LostRow], *, number: int | None = None, issue_date: date | None = None,
                       template_text: str | None = None) -> OfficialDocument:
    """The Office's proposal to the Director about the units that lost points (after the appraisal; before
    it, from the self-assessment)."""
    appraised = totals.appraised_total is not None
    labels = appendix_labels(1)
    ctx = _context(org, signer, issue_date, totals.year)
    ctx.update(max_total=_p(totals.max_total), self_total=_p(totals.self_total) or "0", appraised=appraised,
               appraised_total=_p(totals.appraised_total), appraised_index=_percent(totals.index_of(totals.appraised_total)),
               final_index=_percent(totals.final_index) if totals.final_index is not None else "",
               lost_total=_p(round(sum(r.lost for r in rows), 6)) or "0", lost_count=Count(len(rows)),
               unit_count=Count(len(units)), unit_list="; ".join(nfc(u.unit) for u in units), next_year=totals.year + 1,
               appendix_name="Phụ lục")
    s = _sections("index_review", template_text, ctx)
    code = f"TTr-{nfc(org.office_unit_code)}"
    body = [*_example_note(totals), *to_blocks(s["opening"]), *to_blocks(s["results"]), *to_blocks(s["lost"])]
    if units:
        body.append(_units_table(units))
    body += [*to_blocks(s["proposals"]), *to_blocks(s["closing"])]
    appendices = []
    if rows:
        appendices.append(Appendix(
            label=labels[0], title=_one(s, "appendix_title").upper(),
            reference=appendix_reference("Tờ trình", number, code, issue_date, org.office_name),
            landscape=True, blocks=[_lost_table(rows)]))
    return OfficialDocument(
        header=_office_header(org), number_text=number_text(number, code), place=nfc(org.place),
        issue_date=issue_date, kind="TỜ TRÌNH", subject=_one(s, "subject"), recipients_to=s["kinh_gui"], body=body,
        noi_nhan=s["noi_nhan"], signature=_signature(s["signature"], signer), appendices=appendices)
