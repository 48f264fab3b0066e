"""One builder per document the Office issues (DOMAIN.md §7): plain data in, OfficialDocument out.

The wording comes from a template (the shipped default, or the administrator's edited version passed
as ``template_text``); the tables are built here from the data. Names of the organisation, places and
signers always come from the caller's settings, never from code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Mapping, Sequence

from par_desktop.documents.model import (
    Appendix, Block, Cell, Header, OfficialDocument, Paragraph, Row, Run, Signature, Spacer, Table,
)
from par_desktop.documents.templates import Count, default_template, inline_markup, render_sections, to_blocks
from par_desktop.domain.salutation import salutation
from par_desktop.domain.service_index import ServiceIndex, points_text
from par_desktop.domain.text import decree30_date, nfc, to_roman, ui_date, vn_number
from par_desktop.errors import InvalidInput

TABLE_SIZE = 12.0  # tables in the body and in appendices


# --- inputs ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OrgInfo:
    """The issuing organisation, from the (dated) settings."""

    governing_body: str  # "UBND tỉnh Bắc Giang"
    agency_name: str  # "Sở Lao động - Thương binh và Xã hội" (written in capitals in the header)
    agency_abbr: str  # "SLĐTBXH"
    place: str  # "Bắc Giang": the province, for the date line
    office_unit_code: str = "VP"
    agency_short: str = ""  # "Sở Lao động - TB&XH"; empty: the full name
    office_name: str = "Văn phòng Sở"
    agency_header: str = ""  # the agency as written in the header, "\n" for a forced break; empty: name

    @property
    def short(self) -> str:
        return self.agency_short or self.agency_name


@dataclass(frozen=True)
class SignerInfo:
    authority: str  # "KT. GIÁM ĐỐC"; empty when the head signs himself
    title: str  # "PHÓ GIÁM ĐỐC"
    name: str


@dataclass(frozen=True)
class PlanInfo:
    year: int
    number: int | None = None  # None until the plan is numbered in the register
    issue_date: date | None = None
    subject: str | None = None  # None: the template's subject


@dataclass(frozen=True)
class PlanTaskRow:
    """One task of the plan's appendix; section rows (I, II…; A, B…) are derived from consecutive rows."""

    section: str  # "III"
    section_title: str
    number: str  # "1"
    content: str
    lead_units: str | Sequence[str]
    coordinating_units: str | Sequence[str] = ""
    deadline_text: str = ""
    note: str = ""
    subsection: str = ""  # "A"
    subsection_title: str = ""


@dataclass(frozen=True)
class ReportPeriod:
    start: date
    end: date
    label: str  # "tháng 3 năm 2024"


@dataclass(frozen=True)
class UnitTaskSummary:
    unit: str
    done_on_time: int
    done_late: int
    open_within_time: int
    open_overdue: int


@dataclass(frozen=True)
class TaskLine:
    """A task named in a report or a reminder (late or at risk)."""

    content: str
    unit: str = ""
    deadline_text: str = ""
    due: date | None = None
    status: str = ""  # "Quá hạn 12 ngày", "Còn 3 ngày"


@dataclass(frozen=True)
class OverdueExplanation:
    code: str
    procedure: str
    unit: str
    days_late: int
    explanation: str = ""  # empty: no explanation received yet
    due: datetime | None = None
    closed: datetime | None = None  # None: still open (overdue at the end of the period)
    applicant: str = ""
    result: datetime | None = None  # a result recorded but the dossier not closed (plan footnote 4)


@dataclass(frozen=True)
class OverdueDossier:
    code: str
    procedure: str
    applicant: str
    received: datetime
    due: datetime
    closed: datetime | None
    days_late: int  # working days
    result: datetime | None = None  # the result recorded, when not closed

    @property
    def state(self) -> str:
        """"closed" (closed late), "result" (đã có kết quả, chưa kết thúc), "open" (chưa có kết quả)."""
        return "closed" if self.closed else "result" if self.result else "open"


OVERDUE_STATES = {  # the groups of an explanation request's list, in this order
    "closed": "Hồ sơ đã kết thúc nhưng quá hạn",
    "result": "Hồ sơ đã có kết quả nhưng chưa kết thúc trên phần mềm",
    "open": "Hồ sơ chưa có kết quả, đã quá hạn",
}


@dataclass(frozen=True)
class ReplyTerm:
    """How long the addressee of a letter has to answer: ``days`` working days from the issuing date
    (the issuing day not counted), due on ``deadline`` once the letter is dated — a draft has no date,
    so it says the term in words."""

    days: int
    deadline: date | None = None

    def words(self) -> str:
        if self.deadline is None:
            return f"trong thời hạn {self.days:02d} ngày làm việc kể từ ngày ban hành văn bản này"
        return f"chậm nhất ngày {ui_date(self.deadline)}"

    def context(self) -> dict:
        return dict(reply_by=self.words(), reply_days=Count(self.days),
                    reply_deadline=ui_date(self.deadline) if self.deadline else "…/…/…")


@dataclass(frozen=True)
class DossierInfo:
    code: str
    procedure: str
    applicant: str
    received: datetime
    due: datetime  # the appointment given to the applicant
    applicant_kind: str = ""  # man | woman | organisation | "" (see domain.salutation)


@dataclass(frozen=True)
class HandoverRow:
    """One row of the control slip: a hand-over from ``from_unit`` to ``to_unit``."""
    step: str  # "Tiếp nhận hồ sơ", "Thẩm định"…
    from_unit: str
    handed_at: datetime | None
    to_unit: str
    received_at: datetime | None
    due: datetime | None  # the giving side's own due moment (the dossier's for the return)
    result: str  # "Trước hạn" / "Đúng hạn" / "Quá hạn 2 ngày làm việc" …
    note: str = ""
    giver_name: str = ""
    receiver_name: str = ""


@dataclass(frozen=True)
class SlipFormInfo:
    """What the control slip's form states besides its rows."""
    handling_unit: str = ""       # Cơ quan (bộ phận) giải quyết hồ sơ
    coordinating_units: str = ""  # Cơ quan phối hợp giải quyết hồ sơ
    desk: str = "Bộ phận Một cửa"
    postal_note: str = ""         # the form's footnote on hand-overs by post
    source: str = ""              # "Mẫu số 05 ban hành kèm theo Thông tư số 01/2018/TT-VPCP"
    late_text: str = ""           # "Bước làm chậm: …"


@dataclass(frozen=True)
class SurveyFigure:
    """A survey index figure: the percent, its base and 95 % interval (None: no valid answer)."""

    index: float | None
    valid: int
    low: float | None = None
    high: float | None = None

    @property
    def small(self) -> bool:
        return self.valid < 30


@dataclass(frozen=True)
class SurveyQuestionLine:
    code: str
    text: str
    figure: SurveyFigure
    excluded: int = 0             # blank or out-of-scale answers left out


@dataclass(frozen=True)
class SurveyAspectLine:
    code: str
    name: str
    figure: SurveyFigure
    questions: Sequence[SurveyQuestionLine] = ()


@dataclass(frozen=True)
class SurveyGroupLine:
    dimension: str                # "Đơn vị", "Lĩnh vực", "Kênh"
    label: str
    respondents: int
    figure: SurveyFigure


@dataclass(frozen=True)
class SurveyReportData:
    wave: str
    start: date | None
    end: date | None
    respondents: int
    overall: SurveyFigure
    aspects: Sequence[SurveyAspectLine]
    groups: Sequence[SurveyGroupLine] = ()
    official_index: float | None = None
    official_source: str = ""


STAT_KEYS = ("received_total", "received_online", "received_direct", "carried_over", "resolved_total",
             "resolved_early", "resolved_on_time", "resolved_late", "pending_total", "pending_within_time",
             "pending_overdue")


# --- shared pieces --------------------------------------------------------------------------------
def vn_moment(moment: datetime) -> str:
    """"09 giờ 00 phút, ngày 07/02/2024", as the one-stop forms write a moment."""
    return f"{moment:%H} giờ {moment:%M} phút, ngày {moment:%d/%m/%Y}"


def _table_moment(moment: datetime) -> str:
    """"14 giờ 31 phút" above "ngày 23/01/2024": the one-stop forms' wording, broken where a narrow
    column would otherwise break it."""
    return f"{moment:%H} giờ {moment:%M} phút\nngày {moment:%d/%m/%Y}"


def _cell_moment(moment: datetime) -> str:
    """Date above time, so a narrow table column never breaks inside the date."""
    return f"{moment:%d/%m/%Y}\n{moment:%H:%M}"


def _date_words(day: date | None) -> str:
    """"ngày 05 tháng 3 năm 2024" (Decree 30), or the draft "ngày … tháng … năm …"."""
    return decree30_date(day, "").split(", ", 1)[1]


def appendix_reference(kind: str, number: int | None, code: str, issue_date: date | None, issuer: str) -> str:
    """An appendix's line under its title: "(Kèm theo Báo cáo số 05/BC-VP ngày … của …)"; a draft keeps
    "…" for the number."""
    number_ref = f"{number:02d}/{code}" if number else f"…/{code}"
    return f"(Kèm theo {kind} số {number_ref} {_date_words(issue_date)} của {nfc(issuer)})"


def number_text(number: int | None, code: str) -> str:
    """"Số: 05/KH-SLĐTBXH"; unnumbered drafts keep a gap for the number written at issue."""
    if number is None:
        return f"Số:{' ' * 7}/{code}"
    if number < 1:
        raise InvalidInput(f"Số văn bản phải từ 01 trở lên (nhận được {number}).")
    return f"Số: {number:02d}/{code}"


def _header(org: OrgInfo) -> Header:
    return Header(nfc(org.governing_body), "\n".join(nfc(line) for line in
                                                     (org.agency_header or org.agency_name).split("\n")))


def _office_header(org: OrgInfo) -> Header:
    """An Office document: the Department above, the Office in bold."""
    return Header("\n".join(nfc(line) for line in (org.agency_header or org.agency_name).split("\n")),
                  nfc(org.office_name))


def plan_reference(org: OrgInfo, year: int) -> str:
    """How a letter names the year's plan when its number and date are not known."""
    return (f"Kế hoạch nâng cao Chỉ số cải cách hành chính, Chỉ số hài lòng của người dân, tổ chức năm {year} "
            f"của {nfc(org.short)}")


def _context(org: OrgInfo, signer: SignerInfo | None, issue_date: date | None, year: int,
             plan_citation: str = "") -> dict:
    ctx = {
        "plan_citation": nfc(plan_citation) or plan_reference(org, year),
        "governing_body": nfc(org.governing_body), "agency_name": nfc(org.agency_name),
        "agency_short": nfc(org.short), "agency_abbr": nfc(org.agency_abbr), "office_name": nfc(org.office_name),
        "office_unit_code": nfc(org.office_unit_code), "place": nfc(org.place),
        "issue_date": ui_date(issue_date), "year": year,
    }
    if signer is not None:
        ctx.update(signer_authority=nfc(signer.authority), signer_title=nfc(signer.title),
                   signer_name=nfc(signer.name))
    return ctx


def _sections(doc_type: str, template_text: str | None, context: dict) -> dict[str, list[str]]:
    text = default_template(doc_type) if template_text is None else template_text
    return render_sections(text, context, doc_type)


def _signature(lines: list[str], signer: SignerInfo) -> Signature:
    hints = [line for line in lines if line.startswith("(") and line.endswith(")")]
    titles = [line for line in lines if line not in hints]
    return Signature(titles, nfc(signer.name), " ".join(hints))


def _one(sections: dict[str, list[str]], name: str) -> str:
    return " ".join(sections.get(name, []))


def unit_text(name: str) -> str:
    """A unit's name in one dash form in every document: "Phòng Lao động – Việc làm" and "Phòng Kế hoạch -
    Tài chính" of one catalogue both print with the hyphen of "Sở Lao động - Thương binh và Xã hội"."""
    return re.sub(r"\s+[–—]\s+", " - ", nfc(name))


def plan_cell(value: str | Sequence[str]) -> str:
    """A plan cell: its own wording (a string), or catalogue names joined by "; "."""
    return nfc(value) if isinstance(value, str) else "; ".join(unit_text(v) for v in value if nfc(v))


def _n(value: int) -> str:
    return vn_number(value)


def _check_count(value: int, what: str) -> int:
    if not isinstance(value, int) or value < 0:
        raise InvalidInput(f"Số liệu «{what}» không hợp lệ: {value!r} (phải là số nguyên không âm).")
    return value


# --- 1. the plan ----------------------------------------------------------------------------------
def _plan_table(rows: Sequence[PlanTaskRow]) -> Table:
    header = [Row(["TT", "Nội dung, nhiệm vụ cụ thể", "Đơn vị chủ trì", "Đơn vị phối hợp",
                   "Thời gian hoàn thành", "Ghi chú"])]
    body: list[Row] = []
    section = subsection = None
    for task in rows:
        if task.section != section:
            section, subsection = task.section, None
            body.append(Row([Cell(nfc(task.section), align="center"), Cell(nfc(task.section_title), colspan=5)],
                            bold=True, keep_with_next=True))
        if task.subsection and task.subsection != subsection:
            subsection = task.subsection
            body.append(Row([Cell(nfc(task.subsection), align="center"),
                             Cell(nfc(task.subsection_title), colspan=5)], bold=True, italic=True,
                            keep_with_next=True))
        body.append(Row([nfc(task.number), nfc(task.content), plan_cell(task.lead_units),
                         plan_cell(task.coordinating_units), nfc(task.deadline_text), nfc(task.note)]))
    return Table(widths=[6, 44, 17, 17, 13, 8], header=header, rows=body, font_size=TABLE_SIZE,
                 align=["center", "justify", "center", "center", "center", "left"])


def build_plan(org: OrgInfo, signer: SignerInfo, plan: PlanInfo, appendix_tasks: Sequence[PlanTaskRow],
               template_text: str | None = None) -> OfficialDocument:
    """The yearly plan (Kế hoạch) with its appendix of tasks in a landscape section."""
    code = f"KH-{nfc(org.agency_abbr)}"
    number = number_text(plan.number, code)
    ctx = _context(org, signer, plan.issue_date, plan.year)
    ctx["plan_number"] = number.removeprefix("Số:").strip()
    s = _sections("plan", template_text, ctx)
    appendix = Appendix(
        label=appendix_labels(1)[0], title=_one(s, "appendix_title").upper(),
        reference=appendix_reference("Kế hoạch", plan.number, code, plan.issue_date, org.agency_name),
        landscape=True, blocks=[_plan_table(appendix_tasks)])
    return OfficialDocument(
        header=_header(org), number_text=number, place=nfc(org.place), issue_date=plan.issue_date,
        kind="KẾ HOẠCH", subject=nfc(plan.subject) if plan.subject else _one(s, "subject"),
        body=[*to_blocks(s["opening"]), *to_blocks(s["body"]), *to_blocks(s["closing"])],
        noi_nhan=s["noi_nhan"], signature=_signature(s["signature"], signer), appendices=[appendix],
        notices=list(s.get("repairs", [])))


# --- 2. the monthly report ------------------------------------------------------------------------
def _stats_row(row: Mapping, label: str) -> dict[str, int]:
    values = {key: _check_count(row.get(key, 0), f"{label}: {key}") for key in STAT_KEYS}
    checks = (("received_total", ("received_online", "received_direct", "carried_over"), "(3) = (4) + (5) + (6)"),
              ("resolved_total", ("resolved_early", "resolved_on_time", "resolved_late"), "(7) = (8) + (9) + (10)"),
              ("pending_total", ("pending_within_time", "pending_overdue"), "(11) = (12) + (13)"))
    for total, parts, rule in checks:
        if values[total] != sum(values[p] for p in parts):
            raise InvalidInput(f"Số liệu thống kê dòng «{label}» không khớp: {rule}.")
    return values


def _stats_table(stats: Sequence[Mapping], total: Mapping | None) -> Table:
    rows = [(nfc(str(r.get("field", ""))), _stats_row(r, nfc(str(r.get("field", ""))))) for r in stats]
    sums = {key: sum(values[key] for _, values in rows) for key in STAT_KEYS}
    if total is not None:
        given = _stats_row(total, "Tổng cộng")
        if given != sums:
            raise InvalidInput("Dòng tổng cộng của bảng thống kê không bằng tổng các lĩnh vực.")
    header = [  # Biểu 06 (Thông tư 01/2020/TT-VPCP): three header levels, then the column numbers
        Row([Cell("STT", rowspan=3), Cell("Lĩnh vực giải quyết", rowspan=3),
             Cell("Số hồ sơ nhận giải quyết", colspan=4), Cell("Kết quả giải quyết", colspan=7)]),
        Row([Cell("Tổng số", rowspan=2), Cell("Số mới tiếp nhận", colspan=2),
             Cell("Số kỳ trước chuyển qua", rowspan=2), Cell("Số hồ sơ đã giải quyết", colspan=4),
             Cell("Số hồ sơ đang giải quyết", colspan=3)]),
        Row(["Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Tổng số", "Trả trước hạn", "Trả đúng thời hạn",
             "Trả quá hạn", "Tổng số", "Chưa đến hạn", "Quá hạn"]),
        Row([Cell(f"({i})", italic=True, bold=False) for i in range(1, 14)]),
    ]
    body = [Row([str(i), label, *(_n(values[k]) for k in STAT_KEYS)]) for i, (label, values) in
            enumerate(rows, start=1)]
    body.append(Row([Cell("Tổng cộng", colspan=2, align="center"), *(_n(sums[k]) for k in STAT_KEYS)], bold=True))
    return Table(widths=[6, 34, *[9] * 11], header=header, rows=body, font_size=TABLE_SIZE,
                 align=["center", "left", *["center"] * 11])


def _task_summary_table(summary: Sequence[UnitTaskSummary]) -> Table:
    header = [Row([Cell("TT", rowspan=2), Cell("Phòng, đơn vị", rowspan=2), Cell("Đã hoàn thành", colspan=2),
                   Cell("Đang thực hiện", colspan=2), Cell("Tổng số", rowspan=2)]),
              Row(["Đúng hạn", "Quá hạn", "Trong hạn", "Quá hạn"])]
    body, totals = [], [0, 0, 0, 0]
    for i, s in enumerate(summary, start=1):
        counts = [_check_count(v, s.unit) for v in (s.done_on_time, s.done_late, s.open_within_time,
                                                    s.open_overdue)]
        totals = [a + b for a, b in zip(totals, counts)]
        body.append(Row([str(i), unit_text(s.unit), *map(_n, counts), _n(sum(counts))]))
    body.append(Row([Cell("Tổng cộng", colspan=2, align="center"), *map(_n, totals), _n(sum(totals))], bold=True))
    return Table(widths=[6, 40, 11, 11, 11, 11, 10], header=header, rows=body, font_size=TABLE_SIZE,
                 align=["center", "left", "center", "center", "center", "center", "center"])


def _task_lines_table(tasks: Sequence[TaskLine], with_unit: bool) -> Table:
    columns = ["TT", "Nội dung nhiệm vụ", *(["Đơn vị chủ trì"] if with_unit else []), "Thời hạn", "Tình trạng"]
    rows = []
    for i, t in enumerate(tasks, start=1):
        deadline = nfc(t.deadline_text)
        if t.due and ui_date(t.due) not in deadline:
            deadline = f"{deadline} ({ui_date(t.due)})" if deadline else ui_date(t.due)
        rows.append(Row([str(i), nfc(t.content), *([unit_text(t.unit)] if with_unit else []), deadline,
                         nfc(t.status)]))
    widths = [6, 46, *([20] if with_unit else []), 17, 15]
    align = ["center", "left", *(["center"] if with_unit else []), "center", "center"]
    return Table(widths=widths, header=[Row(columns)], rows=rows, font_size=TABLE_SIZE, align=align)


def _overdue_by_unit_table(items: Sequence[OverdueExplanation]) -> Table:
    """Per unit: overdue dossiers resolved late, still open, and how many were explained."""
    order: list[str] = []
    counts: dict[str, list[int]] = {}
    for x in items:
        unit = unit_text(x.unit) or "(Chưa xác định đơn vị)"
        if unit not in counts:
            order.append(unit)
            counts[unit] = [0, 0, 0]
        counts[unit][0 if x.closed is not None else 1] += 1
        counts[unit][2] += 1 if nfc(x.explanation) else 0
    rows, totals = [], [0, 0, 0, 0, 0]
    for i, unit in enumerate(order, start=1):
        closed, open_, explained = counts[unit]
        values = [closed, open_, closed + open_, explained, closed + open_ - explained]
        totals = [a + b for a, b in zip(totals, values)]
        rows.append(Row([str(i), unit, *map(_n, values)]))
    rows.append(Row([Cell("Tổng cộng", colspan=2, align="center"), *map(_n, totals)], bold=True))
    header = [Row([Cell("TT", rowspan=2), Cell("Phòng, đơn vị", rowspan=2), Cell("Số hồ sơ quá hạn", colspan=3),
                   Cell("Giải trình", colspan=2)]),
              Row(["Đã giải quyết", "Đang giải quyết", "Tổng số", "Đã giải trình", "Chưa giải trình"])]
    return Table(widths=[6, 38, 12, 12, 10, 11, 11], header=header, rows=rows, font_size=TABLE_SIZE,
                 align=["center", "left", *["center"] * 5])


def _overdue_explanations_table(items: Sequence[OverdueExplanation]) -> Table:
    """The list of overdue dossiers with the units' explanations (a landscape appendix), laid out as a
    văn thư would: a bold row per unit (I, II…), an italic row per procedure, then one line per dossier."""
    groups: dict[str, dict[str, list[OverdueExplanation]]] = {}
    for x in items:
        unit = groups.setdefault(unit_text(x.unit) or "(Chưa xác định đơn vị)", {})
        unit.setdefault(nfc(x.procedure) or "(Chưa xác định thủ tục)", []).append(x)
    rows: list[Row] = []
    for g, (unit, procedures) in enumerate(groups.items(), start=1):
        count = sum(len(dossiers) for dossiers in procedures.values())
        rows.append(Row([Cell(to_roman(g), align="center"), Cell(f"{unit} ({_n(count)} hồ sơ)", colspan=6)],
                        bold=True, keep_with_next=True))
        number = 0
        for procedure, dossiers in procedures.items():
            rows.append(Row(["", Cell(f"Thủ tục: {procedure} ({_n(len(dossiers))} hồ sơ)", colspan=6)], italic=True,
                            keep_with_next=True))
            for x in dossiers:
                number += 1
                rows.append(Row([str(number), nfc(x.code), nfc(x.applicant), _one_line_moment(x.due) if x.due else "",
                                 _one_line_moment(x.closed) if x.closed else _not_closed(x.result),
                                 _n(_check_count(x.days_late, x.code)),
                                 nfc(x.explanation) or Cell("Chưa có giải trình", italic=True)]))
    return Table(widths=[10, 50, 57, 31, 31, 18, 55],
                 header=[Row(["TT", "Mã hồ sơ", "Người nộp hồ sơ", "Hạn giải quyết", "Ngày kết thúc",
                              "Số ngày quá hạn", "Nội dung giải trình"])],
                 rows=rows, font_size=11, align=["center", "left", "left", "center", "center", "center", "left"])


def _one_line_moment(moment: datetime) -> str:
    return f"{moment:%d/%m/%Y %H:%M}"


def _not_closed(result: datetime | None) -> Cell:
    """The closing column of a dossier not closed: whether a result exists (plan footnote 4)."""
    if result is None:
        return Cell("Chưa có kết quả", italic=True)
    return Cell(f"Có kết quả {result:%d/%m/%Y}, chưa kết thúc", italic=True)


def _service_table(index: ServiceIndex) -> Table:
    """The five groups of the service index, each with its indicators: numerator / denominator, the
    figure, the maximum and the points held (a hand-entered indicator marked so)."""
    rows: list[Row] = []
    for g, group in enumerate(index.groups, start=1):
        unknown = f" (chưa rõ {points_text(group.unknown_points)} điểm)" if group.unknown_points else ""
        rows.append(Row([Cell(to_roman(g), align="center"), Cell(nfc(group.name) + unknown, colspan=3),
                         points_text(group.max_points), points_text(group.points)], bold=True,
                        keep_with_next=True))
        for number, line in enumerate(group.indicators, start=1):
            base = "" if line.figure is None else f"{vn_number(round(line.figure.numerator, 1))}/" \
                                                  f"{vn_number(round(line.figure.denominator, 1))}"
            name = nfc(line.name) + (" (nhập tay)" if line.manual else "")
            rows.append(Row([str(number), name, base, line.value_text, points_text(line.max_points),
                             points_text(line.points)]))
    rows.append(Row([Cell("Tổng cộng", colspan=4, align="center"), points_text(index.max_points),
                     points_text(index.total_points)], bold=True))
    return Table(widths=[6, 46, 14, 14, 10, 10],
                 header=[Row(["TT", "Nhóm, chỉ số", "Tử số/mẫu số", "Kết quả", "Điểm tối đa", "Điểm đạt"])],
                 rows=rows, font_size=TABLE_SIZE, align=["center", "left", "center", "center", "center", "center"])


def _service_context(index: ServiceIndex | None) -> dict:
    if index is None:
        return {"service_known": False, "service_points": "", "service_max": "", "service_unknown": "",
                "service_weakest": ""}
    return {"service_known": index.max_points - index.unknown_points > 1e-9,
            "service_points": points_text(index.total_points), "service_max": points_text(index.max_points),
            "service_unknown": points_text(index.unknown_points) if index.unknown_points else "",
            "service_weakest": "; ".join(f"{nfc(i.name)} (mất {points_text(i.lost_points)} điểm)"
                                         for i in index.weakest(3))}


def build_monthly_report(org: OrgInfo, signer: SignerInfo, period: ReportPeriod,
                         task_summary: Sequence[UnitTaskSummary], at_risk: Sequence[TaskLine],
                         stats: Sequence[Mapping], overdue: Sequence[OverdueExplanation], *,
                         stats_total: Mapping | None = None, number: int | None = None,
                         issue_date: date | None = None, template_text: str | None = None,
                         plan_citation: str = "", service: ServiceIndex | None = None,
                         counted_at: str = "") -> OfficialDocument:
    """The Office's monthly report to the leadership. The dossier statistics (Biểu 06 style) go to a
    landscape appendix; the service-quality figures of the period follow the dossier section; the
    overdue dossiers are counted per unit in the body and listed one by one, with the units'
    explanations, in a second landscape appendix (a month can have hundreds). ``counted_at`` says when the
    figures were counted (``domain.periods.counted_at_note``), under the period in the statistics appendix."""
    if period.end < period.start:
        raise InvalidInput("Kỳ báo cáo không hợp lệ: ngày cuối kỳ trước ngày đầu kỳ.")
    stats_table = _stats_table(stats, stats_total)
    sums = {key: sum(_stats_row(r, str(r.get("field", "")))[key] for r in stats) for key in STAT_KEYS}
    done_on_time = sum(s.done_on_time for s in task_summary)
    done_late = sum(s.done_late for s in task_summary)
    open_within = sum(s.open_within_time for s in task_summary)
    open_overdue = sum(s.open_overdue for s in task_summary)
    resolved = sums["resolved_total"]
    ctx = _context(org, signer, issue_date, period.end.year, plan_citation)
    rate = (sums["resolved_early"] + sums["resolved_on_time"]) * 100 / resolved if resolved else 100.0
    overdue_closed = sum(1 for x in overdue if x.closed is not None)
    explained = sum(1 for x in overdue if nfc(x.explanation))
    counts = dict(tasks_done=done_on_time + done_late, tasks_done_on_time=done_on_time, tasks_done_late=done_late,
                  tasks_open=open_within + open_overdue, tasks_open_within_time=open_within,
                  tasks_open_overdue=open_overdue, at_risk_count=len(at_risk), overdue_count=len(overdue),
                  overdue_closed_count=overdue_closed, overdue_open_count=len(overdue) - overdue_closed,
                  explained_count=explained, unexplained_count=len(overdue) - explained, **sums)
    ctx.update({name: Count(value) for name, value in counts.items()})
    labels = appendix_labels(2 if overdue else 1)
    ctx.update(period_from=ui_date(period.start), period_to=ui_date(period.end), period_label=nfc(period.label),
               on_time_rate=vn_number(round(rate, 1)), stats_appendix=_in_text(labels[0]),
               overdue_appendix=_in_text(labels[-1]) if overdue else "", **_service_context(service))
    s = _sections("monthly_report", template_text, ctx)
    if "service" not in s:   # an administrator's wording from before the section existed: the shipped one
        s["service"] = _sections("monthly_report", None, ctx)["service"]
    code = f"BC-{nfc(org.office_unit_code)}"
    body: list[Block] = [*to_blocks(s["opening"]), *to_blocks(s["tasks"]), _task_summary_table(task_summary)]
    body += to_blocks(s["at_risk"])
    if at_risk:
        body.append(_task_lines_table(at_risk, with_unit=True))
    body += to_blocks(s["dossiers"]) + to_blocks(s["service"])
    if service is not None:
        body.append(_service_table(service))
    body += to_blocks(s["overdue"])
    if overdue:
        body.append(_overdue_by_unit_table(overdue))
    body += to_blocks(s["proposals"]) + to_blocks(s["closing"])
    intro = [Paragraph(f"Từ ngày {ui_date(period.start)} đến ngày {ui_date(period.end)}", indent=False,
                       italic=True, align="center", space_after=2),
             *([Paragraph(nfc(counted_at), indent=False, italic=True, align="center", size=12, space_after=2)]
               if counted_at else []),
             Paragraph(f"Đơn vị báo cáo: {nfc(org.office_name)}; đơn vị nhận báo cáo: Lãnh đạo Sở",
                       indent=False, align="center", size=13, space_after=2),
             Paragraph("Đơn vị tính: Số hồ sơ TTHC", indent=False, italic=True, align="right", size=12,
                       space_after=4)]
    reference = appendix_reference("Báo cáo", number, code, issue_date, org.office_name)
    appendices = [Appendix(label=labels[0], title=_one(s, "appendix_title").upper(), reference=reference,
                           landscape=True, blocks=[*intro, stats_table])]
    if overdue:
        appendices.append(Appendix(
            label=labels[1], title="DANH SÁCH HỒ SƠ TTHC QUÁ HẠN VÀ NỘI DUNG GIẢI TRÌNH", reference=reference,
            landscape=True, blocks=[Paragraph(f"Từ ngày {ui_date(period.start)} đến ngày {ui_date(period.end)}",
                                              indent=False, italic=True, align="center", space_after=6),
                                    _overdue_explanations_table(overdue)]))
    return OfficialDocument(
        header=_office_header(org), number_text=number_text(number, code), place=nfc(org.place),
        issue_date=issue_date, kind="BÁO CÁO", subject=_one(s, "subject"), body=body, noi_nhan=s["noi_nhan"],
        signature=_signature(s["signature"], signer), appendices=appendices)


# --- 3. explanation request -----------------------------------------------------------------------
def build_explanation_request(org: OrgInfo, signer: SignerInfo, unit_name: str, unit_head: str,
                              period: ReportPeriod, dossiers: Sequence[OverdueDossier], reply: ReplyTerm, *,
                              number: int | None = None, issue_date: date | None = None,
                              template_text: str | None = None, plan_citation: str = "") -> OfficialDocument:
    """A công văn asking a unit head to explain each of the unit's overdue dossiers of the period. The list
    is a landscape appendix, in three groups — closed late, with a result but not closed (the plan's
    footnote 4), without a result — so that dossier codes stay whole on one line."""
    if not dossiers:
        raise InvalidInput(f"{unit_text(unit_name)} không có hồ sơ quá hạn trong kỳ: không cần đề nghị giải trình.")
    states = {state: [d for d in dossiers if d.state == state] for state in OVERDUE_STATES}
    ctx = _context(org, signer, issue_date, period.end.year, plan_citation)
    ctx.update(period_from=ui_date(period.start), period_to=ui_date(period.end), period_label=nfc(period.label),
               unit_name=unit_text(unit_name), unit_head=unit_text(unit_head), overdue_count=Count(len(dossiers)),
               closed_late_count=Count(len(states["closed"])), result_not_closed_count=Count(len(states["result"])),
               no_result_count=Count(len(states["open"])), **reply.context(),
               overdue_breakdown="; ".join(f"{_n(len(items))} {_lower_first(OVERDUE_STATES[state])}"
                                           for state, items in states.items() if items))
    s = _sections("explanation_request", template_text, ctx)
    code = f"{nfc(org.agency_abbr)}-{nfc(org.office_unit_code)}"
    appendix = Appendix(
        label=appendix_labels(1)[0], title=f"Danh sách hồ sơ TTHC quá hạn của {unit_text(unit_name)}",
        reference=appendix_reference("Công văn", number, code, issue_date, org.agency_name),
        landscape=True,
        blocks=[Paragraph(f"Từ ngày {ui_date(period.start)} đến ngày {ui_date(period.end)}", indent=False,
                          italic=True, align="center", space_after=6), _overdue_dossiers_table(states)])
    return OfficialDocument(
        header=_header(org), number_text=number_text(number, code), place=nfc(org.place), issue_date=issue_date,
        vv=_one(s, "vv"), recipients_to=s["kinh_gui"], body=[*to_blocks(s["opening"]), *to_blocks(s["closing"])],
        noi_nhan=s["noi_nhan"], signature=_signature(s["signature"], signer), appendices=[appendix])


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


_EXPLANATION_SIZE = 11.0


def _overdue_dossiers_table(states: Mapping[str, Sequence[OverdueDossier]]) -> Table:
    """One bold row per group (I, II, III) kept with its first dossier, then one line per dossier. The
    code column is as wide as the longest code, so that no code breaks; the procedure column takes what
    is left."""
    from par_desktop.documents.fonts import text_width
    from par_desktop.documents.render import MM, text_width_mm

    rows: list[Row] = []
    groups = [(state, items) for state, items in states.items() if items]
    for g, (state, items) in enumerate(groups, start=1):
        rows.append(Row([Cell(to_roman(g), align="center"), Cell(f"{OVERDUE_STATES[state]} ({_n(len(items))} hồ sơ)",
                                                                   colspan=8)], bold=True, keep_with_next=True))
        for i, d in enumerate(items, start=1):
            rows.append(Row([str(i), nfc(d.code), nfc(d.procedure), nfc(d.applicant), _cell_moment(d.received),
                             _cell_moment(d.due), _cell_moment(d.result or d.closed) if d.result or d.closed else "",
                             _cell_moment(d.closed) if d.closed else "", _n(_check_count(d.days_late, d.code))]))
    codes = [nfc(d.code) for items in states.values() for d in items]
    padding_mm = 2 * 3 / MM + 1.0   # the cell's side margins and a little slack
    code_mm = max(28.0, max(text_width(c, _EXPLANATION_SIZE) / MM for c in codes) + padding_mm)
    moment_mm = text_width("00/00/0000", _EXPLANATION_SIZE) / MM + padding_mm
    fixed = {0: 9.0, 1: code_mm, 3: 34.0, 4: moment_mm, 5: moment_mm, 6: moment_mm, 7: moment_mm, 8: 16.0}
    widths = [fixed.get(c, 0.0) for c in range(9)]
    widths[2] = max(text_width_mm(True) - sum(widths), 40.0)
    return Table(widths=widths,
                 header=[Row(["TT", "Mã hồ sơ", "Thủ tục hành chính", "Người nộp hồ sơ", "Tiếp nhận",
                              "Hạn giải quyết", "Có kết quả", "Kết thúc trên phần mềm", "Số ngày quá hạn"])],
                 rows=rows, font_size=_EXPLANATION_SIZE,
                 align=["center", "left", "left", "left", "center", "center", "center", "center", "center"])


# --- 4. apology slip ------------------------------------------------------------------------------
def build_apology(org: OrgInfo, signer: SignerInfo, dossier: DossierInfo, reason: str, new_due: datetime, *,
                  number: int | None = None, issue_date: date | None = None,
                  template_text: str | None = None) -> OfficialDocument:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả for one late dossier."""
    if new_due <= dossier.due:
        raise InvalidInput("Thời điểm hẹn trả mới phải sau thời điểm hẹn trả ban đầu.")
    if not nfc(reason):
        raise InvalidInput("Phiếu xin lỗi phải nêu lý do chậm trả kết quả.")
    addressed = salutation(dossier.applicant, dossier.applicant_kind)
    ctx = _context(org, signer, issue_date, (issue_date or dossier.due).year)
    ctx.update(applicant=nfc(dossier.applicant), applicant_address=addressed.address,
               applicant_pronoun=addressed.pronoun, dossier_code=nfc(dossier.code), procedure=nfc(dossier.procedure),
               received_at=vn_moment(dossier.received), received_date=ui_date(dossier.received),
               original_due=vn_moment(dossier.due), reason=nfc(reason), new_due=vn_moment(new_due),
               new_due_date=ui_date(new_due))
    s = _sections("apology", template_text, ctx)
    notices = [] if addressed.known else [
        f"Hồ sơ không ghi người nộp là ông hay bà: phiếu ghi «{addressed.address}». Chọn danh xưng (Ông, Bà "
        "hoặc Tổ chức) để phiếu ghi đúng người nhận."]
    return OfficialDocument(
        header=_header(org), number_text=number_text(number, f"PXL-{nfc(org.agency_abbr)}"), place=nfc(org.place),
        issue_date=issue_date, kind="PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", recipients_to=s["kinh_gui"],
        body=[*to_blocks(s["opening"]), *to_blocks(s["closing"])], noi_nhan=s.get("noi_nhan", []),
        signature=_signature(s["signature"], signer), notices=notices)


# --- 5. reminder ----------------------------------------------------------------------------------
def build_reminder(org: OrgInfo, signer: SignerInfo, unit_name: str, late_tasks: Sequence[TaskLine],
                   at_risk: Sequence[TaskLine], reply: ReplyTerm, *, number: int | None = None,
                   issue_date: date | None = None, template_text: str | None = None,
                   plan_year: int | None = None, plan_citation: str = "") -> OfficialDocument:
    """A công văn đôn đốc to one unit about its late and at-risk plan tasks (``plan_year``: the year of
    the plan they belong to, default the letter's year)."""
    if not late_tasks and not at_risk:
        raise InvalidInput(f"{nfc(unit_name)} không có nhiệm vụ quá hạn hoặc có nguy cơ chậm: không cần đôn đốc.")
    ctx = _context(org, signer, issue_date, plan_year or (issue_date or date.today()).year, plan_citation)
    ctx.update(unit_name=unit_text(unit_name), late_count=Count(len(late_tasks)), at_risk_count=Count(len(at_risk)),
               **reply.context())
    s = _sections("reminder", template_text, ctx)
    body: list[Block] = [*to_blocks(s["opening"]), *to_blocks(s["late_tasks"])]
    if late_tasks:
        body.append(_task_lines_table(late_tasks, with_unit=False))
    body += to_blocks(s["at_risk"])
    if at_risk:
        body.append(_task_lines_table(at_risk, with_unit=False))
    body += to_blocks(s["closing"])
    return OfficialDocument(
        header=_header(org), number_text=number_text(number, f"{nfc(org.agency_abbr)}-{nfc(org.office_unit_code)}"),
        place=nfc(org.place), issue_date=issue_date, vv=_one(s, "vv"), recipients_to=s["kinh_gui"], body=body,
        noi_nhan=s["noi_nhan"], signature=_signature(s["signature"], signer))


# --- 6. process control slip ----------------------------------------------------------------------
def build_control_slip(org: OrgInfo, dossier: DossierInfo, handovers: Sequence[HandoverRow], *,
                       form: SlipFormInfo | None = None, template_text: str | None = None) -> OfficialDocument:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ in the layout of the one-stop form (Mẫu số 05, Thông tư
    01/2018/TT-VPCP; the same table under Nghị định 118/2025): the handling and coordinating units, then
    one row per hand-over — "1. Giao: … / 2. Nhận: …", the moment, the giver's and the receiver's
    signature spaces, the result (Trước hạn / Đúng hạn / Quá hạn) and a note — down to the return to
    the applicant, and the form's footnote."""
    form = form or SlipFormInfo()
    ctx = _context(org, None, None, dossier.received.year)
    ctx.update(dossier_code=nfc(dossier.code), procedure=nfc(dossier.procedure), applicant=nfc(dossier.applicant),
               received_at=vn_moment(dossier.received), due_at=vn_moment(dossier.due),
               handling_unit=unit_text(form.handling_unit) or "…", coordinating_units=unit_text(form.coordinating_units) or "Không",
               desk=nfc(form.desk))
    s = _sections("control_slip", template_text, ctx)

    def signature(name: str) -> str:
        return "\n\n\n" + nfc(name) if name else ""   # room to sign above the printed name

    def result(h: HandoverRow) -> str:
        return nfc(h.result) + (f"\n(hạn: {_table_moment(h.due)})" if h.due and h.result else "")

    def note(h: HandoverRow) -> str:
        return "\n".join(filter(None, (nfc(h.step), nfc(h.note))))

    rows = [Row([f"1. Giao: {unit_text(h.from_unit)}\n2. Nhận: {unit_text(h.to_unit)}",
                 _table_moment(h.handed_at) if h.handed_at else "", signature(h.giver_name),
                 signature(h.receiver_name), result(h), note(h)])
            for h in handovers]
    header = [Row([Cell("TÊN CƠ QUAN", rowspan=2), Cell("THỜI GIAN GIAO, NHẬN HỒ SƠ", colspan=3),
                   Cell("KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ đúng hạn/ quá hạn)", rowspan=2),
                   Cell("GHI CHÚ", rowspan=2)]),
              Row(["Thời điểm", "Người giao (ký, ghi rõ họ tên)", "Người nhận (ký, ghi rõ họ tên)"])]
    table = Table(widths=[24, 14, 14, 14, 19, 15], header=header, rows=rows, font_size=11,
                  align=["left", "center", "center", "center", "center", "left"])
    blocks: list[Block] = [_line(p) for p in s["opening"]]
    closing: list[Block] = []
    if form.late_text:
        closing.append(_line(form.late_text))
    if form.postal_note:
        closing.append(Paragraph([Run("Ghi chú: ", italic=True, bold=True), Run(nfc(form.postal_note), italic=True)],
                                 indent=False, align="justify", size=11, space_after=2))
    if form.source:
        closing.append(Paragraph(f"({nfc(form.source)})", indent=False, italic=True, align="left", size=11))
    return OfficialDocument(
        header=_header(org), kind="PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        body=[*blocks, Spacer(6), table, Spacer(4), *closing, *to_blocks(s.get("closing", []))])


def _line(text: str) -> Paragraph:
    """A field line of a form ("Mã hồ sơ: …"): not indented, tight spacing."""
    return Paragraph(inline_markup(text), indent=False, align="left", space_after=2)


def _in_text(label: str) -> str:
    """"PHỤ LỤC II" as running text cites it: "Phụ lục II"."""
    return "Phụ lục" + label.removeprefix("PHỤ LỤC")


def appendix_labels(count: int) -> list[str]:
    """"PHỤ LỤC" for a single appendix, "PHỤ LỤC I", "PHỤ LỤC II"… when there are several."""
    return ["PHỤ LỤC"] if count == 1 else [f"PHỤ LỤC {to_roman(i)}" for i in range(1, count + 1)]



# --- 7. satisfaction survey report ------------------------------------------------------------------
def _percent(value: float | None) -> str:
    return "" if value is None else vn_number(round(value, 1))


def _interval(figure: SurveyFigure) -> str:
    return "" if figure.low is None else f"{_percent(figure.low)} – {_percent(figure.high)}"


def _small_note(figure: SurveyFigure) -> str:
    return "Mẫu nhỏ (dưới 30)" if figure.index is not None and figure.small else ""


def _survey_aspect_table(data: SurveyReportData) -> Table:
    rows = [Row([str(i), nfc(f"{a.code}. {a.name}"), _n(a.figure.valid), _percent(a.figure.index),
                 _interval(a.figure), _small_note(a.figure)]) for i, a in enumerate(data.aspects, start=1)]
    rows.append(Row([Cell("Chỉ số hài lòng chung", colspan=2, align="center"), _n(data.overall.valid),
                     _percent(data.overall.index), _interval(data.overall), _small_note(data.overall)], bold=True))
    if data.official_index is not None:
        rows.append(Row([Cell("Chỉ số SIPAS chính thức" + (f" ({nfc(data.official_source)})"
                                                           if data.official_source else ""), colspan=3),
                         vn_number(data.official_index, 2), "", ""], italic=True))
    return Table(widths=[6, 40, 13, 12, 17, 12],
                 header=[Row(["TT", "Khía cạnh", "Số người trả lời hợp lệ", "Chỉ số (%)", "Khoảng tin cậy 95% (%)",
                              "Ghi chú"])],
                 rows=rows, font_size=TABLE_SIZE, align=["center", "left", "center", "center", "center", "center"])


def _survey_group_table(data: SurveyReportData) -> Table:
    rows: list[Row] = []
    dimension = None
    number = 0
    for g in data.groups:
        if g.dimension != dimension:
            dimension = g.dimension
            number += 1
            rows.append(Row([Cell(to_roman(number), align="center"), Cell(f"Theo {nfc(dimension).lower()}", colspan=5)],
                            bold=True, keep_with_next=True))
        rows.append(Row(["", nfc(g.label), _n(g.respondents), _percent(g.figure.index), _interval(g.figure),
                         _small_note(g.figure)]))
    return Table(widths=[6, 40, 13, 12, 17, 12],
                 header=[Row(["TT", "Đơn vị, lĩnh vực, kênh", "Số phiếu", "Chỉ số chung (%)",
                              "Khoảng tin cậy 95% (%)", "Ghi chú"])],
                 rows=rows, font_size=TABLE_SIZE, align=["center", "left", "center", "center", "center", "center"])


def _survey_question_table(data: SurveyReportData) -> Table:
    rows: list[Row] = []
    for a in data.aspects:
        rows.append(Row([Cell(a.code, align="center"), Cell(nfc(a.name), colspan=6)], bold=True, keep_with_next=True))
        for q in a.questions:
            rows.append(Row([q.code, nfc(q.text), _n(q.figure.valid), _n(q.excluded), _percent(q.figure.index),
                             _interval(q.figure), _small_note(q.figure)]))
    return Table(widths=[7, 45, 11, 9, 10, 15, 11],
                 header=[Row(["Mã", "Nội dung câu hỏi", "Số trả lời hợp lệ", "Số câu loại", "Chỉ số (%)",
                              "Khoảng tin cậy 95% (%)", "Ghi chú"])],
                 rows=rows, font_size=11, align=["center", "left", "center", "center", "center", "center", "center"])


def build_survey_report(org: OrgInfo, signer: SignerInfo, data: SurveyReportData, *, number: int | None = None,
                        issue_date: date | None = None, template_text: str | None = None) -> OfficialDocument:
    """The Office's report of a satisfaction-survey wave: the overall index beside the official SIPAS
    result, a table per aspect, one per unit / field / channel, and every question in the appendix —
    each figure with its sample size and 95 % interval, small samples marked."""
    year = (data.end or data.start or issue_date or date.today()).year
    ctx = _context(org, signer, issue_date, year)
    known = [a for a in data.aspects if a.figure.index is not None]
    weakest = min(known, key=lambda a: a.figure.index, default=None)
    questions = sorted((q for a in data.aspects for q in a.questions if q.figure.index is not None),
                       key=lambda q: (q.figure.index, q.code))[:3]
    label = appendix_labels(1)[0]
    ctx.update(wave_name=nfc(data.wave), period_from=ui_date(data.start), period_to=ui_date(data.end),
               respondents=Count(data.respondents), overall_index=_percent(data.overall.index),
               overall_low=_percent(data.overall.low), overall_high=_percent(data.overall.high),
               small_sample=data.overall.small,
               official_index="" if data.official_index is None else vn_number(data.official_index, 2),
               official_source=nfc(data.official_source), appendix_name=_in_text(label),
               weakest_aspect=f"{weakest.name} ({_percent(weakest.figure.index)}%)" if weakest else "",
               weakest_questions="; ".join(f"{q.code} {nfc(q.text)} ({_percent(q.figure.index)}%)" for q in questions))
    s = _sections("survey_report", template_text, ctx)
    body: list[Block] = [*to_blocks(s["opening"]), *to_blocks(s["results"]), _survey_aspect_table(data),
                         *to_blocks(s["groups"])]
    if data.groups:
        body.append(_survey_group_table(data))
    body += to_blocks(s["proposals"]) + to_blocks(s["closing"])
    code = f"BC-{nfc(org.office_unit_code)}"
    appendix = Appendix(label=label, title=_one(s, "appendix_title").upper(),
                        reference=appendix_reference("Báo cáo", number, code, issue_date, org.office_name),
                        blocks=[_survey_question_table(data)])
    return OfficialDocument(
        header=_office_header(org), number_text=number_text(number, code), place=nfc(org.place),
        issue_date=issue_date, kind="BÁO CÁO", subject=_one(s, "subject"), body=body, noi_nhan=s["noi_nhan"],
        signature=_signature(s["signature"], signer), appendices=[appendix])
