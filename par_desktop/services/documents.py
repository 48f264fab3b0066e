"""The official documents of DOMAIN.md §7, from the database to a .docx or .pdf file.

One ``DocRequest`` names a document and its parameters (the plan of a year, the monthly report of a
month, the explanation request to a unit…). ``build`` gathers the data through the services and calls
the builder with the names, signer and template in force on the document's date; ``generate`` renders
it, and with ``issue=True`` first takes the next number from the register and dates it today.

A draft has no number yet: it prints "Số:    /KH-SLĐTBXH" and "ngày … tháng … năm …".

Templates (the wording) are dated: an administrator's ``DocumentTemplate`` row in force on the
document's date, else the shipped default (``documents.templates.default_template``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from par_desktop.db import connection
from par_desktop.db.changes import delete_record, insert_record, update_record
from par_desktop.db.models import DocumentTemplate, OrgProfile, Plan, Unit
from par_desktop.documents import builders as B
from par_desktop.documents.model import OfficialDocument
from par_desktop.documents.templates import DOC_TYPE_NAMES, DOC_TYPES, parse_template, shipped_form
from par_desktop.domain.periods import counted_at_note, report_month
from par_desktop.domain.text import fold, nfc, parse_date, parse_moment, ui_date
from par_desktop.errors import InvalidInput, NotFound
from par_desktop.services import register, settings, stats
from par_desktop.services.calendar import current_calendar
from par_desktop.services.control_slip import control_slip
from par_desktop.services.dossiers import editing as dossier_editing, explanations
from par_desktop.services.dossiers.due_lists import overdue_dossiers
from par_desktop.services.dossiers.timing import dossier_by_code
from par_desktop.services.org import ALL_UNITS, default_signer, find_unit, org_names
from par_desktop.services.session import Actor, require
from par_desktop.services.tasks.plan_import import plan_by_number
from par_desktop.services.tasks.views import TaskFilters, late_and_at_risk, list_tasks, summary_by_unit

KIND_NAMES = dict(DOC_TYPE_NAMES)
# The register type each document is numbered under ("{office}": the Office's unit code, e.g. BC-VP).
REGISTER_TYPES = {"plan": "KH", "monthly_report": "BC-{office}", "explanation_request": "CV",
                  "apology": "PXL", "reminder": "CV", "control_slip": None, "survey_report": "BC-{office}",
                  "self_assessment": "BC", "index_review": "TTr-{office}"}
# What each document needs from the clerk (the Documents page shows these fields).
PARAMETERS = {"plan": ("year",), "monthly_report": ("month",), "explanation_request": ("unit", "month"),
              "apology": ("dossier", "new_due", "reason", "applicant_kind"), "reminder": ("unit",),
              "control_slip": ("dossier",), "survey_report": ("wave",), "self_assessment": ("year",),
              "index_review": ("year",)}

# Short forms of agency names written in running text after the full name ("Sở Lao động - TB&XH").
_SHORT_FORMS = ((re.compile(r"Thương binh và Xã hội", re.IGNORECASE), "TB&XH"),)


# ---- what to generate -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocRequest:
    """A document and its parameters; the fields a kind does not use are ignored."""

    kind: str
    year: int | None = None          # plan, PAR INDEX documents: the year (default: the latest)
    plan: str | None = None          # plan: the plan's number ("38/KH-SLĐTBXH"), among several plans
    month: str | None = None         # monthly report, explanation request: "YYYY-MM"
    unit: str | None = None          # explanation request, reminder: a unit's name or short code
    dossier: str | None = None       # apology, control slip: the dossier code
    new_due: datetime | None = None  # apology: the new appointment
    reason: str = ""                 # apology: why the result is late
    today: date | None = None        # "as of" for the task statuses (default: today)
    applicant_kind: str | None = None  # apology: man | woman | organisation, chosen by the clerk (None: the record's)
    successor_names: bool = False    # the organisation's names that follow ended ones (see names_notices)
    wave: str | None = None          # survey report: the survey wave's name

    def describe(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)


@dataclass(frozen=True)
class Generated:
    path: Path
    kind: str
    number_text: str | None          # "39/KH-SLĐTBXH" when issued now or already numbered
    issue_date: date | None
    title: str
    number: int | None = None        # the register number given now (issue=True)
    notices: tuple[str, ...] = ()    # what the clerk should know before signing (OfficialDocument.notices)


def check_kind(kind: str) -> str:
    if kind not in DOC_TYPES:
        raise InvalidInput(f"Không có loại văn bản «{kind}». Các loại: {', '.join(DOC_TYPES)}.")
    return kind


def parse_month(text: str) -> tuple[int, int]:
    """"2024-03" or "03/2024" -> (2024, 3)."""
    raw = (text or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", raw) or re.fullmatch(r"(\d{1,2})/(\d{4})", raw)
    if match is None:
        raise InvalidInput(f"Tháng «{raw}» không hợp lệ: ghi theo dạng YYYY-MM, ví dụ 2024-03.")
    a, b = (int(x) for x in match.groups())
    year, month = (a, b) if len(match.group(1)) == 4 else (b, a)
    if not 1 <= month <= 12 or not 1900 < year < 2200:
        raise InvalidInput(f"Tháng «{raw}» không hợp lệ.")
    return year, month


def parse_new_due(text: str) -> datetime:
    """A new appointment given as a moment, or as a date (the time is then taken from the old one)."""
    try:
        return parse_moment(text)
    except InvalidInput:
        return datetime.combine(parse_date(text), time(0, 0))


# ---- names, signers, templates in force --------------------------------------------------------------

def _office_unit(code: str) -> Unit | None:
    return (Unit.get_or_none(Unit.short_code == code)
            or Unit.select().where(Unit.kind == "office").order_by(Unit.sort_order).first())


def short_form(name: str) -> str:
    """"Sở Lao động - Thương binh và Xã hội" -> "Sở Lao động - TB&XH"; other names stay whole."""
    short = name
    for pattern, abbreviation in _SHORT_FORMS:
        short = pattern.sub(abbreviation, short)
    return short


def _ended_profile(on: date):
    """The organisation's names used on ``on`` when they ceased before it (their ``valid_to``), and the
    names recorded to follow them, if any; (None, None) when the names are in force."""
    row = OrgProfile.select().where(OrgProfile.valid_from <= on).order_by(OrgProfile.valid_from.desc()).first()
    if row is None or row.valid_to is None or row.valid_to >= on:
        return None, None
    successor = (OrgProfile.select().where(OrgProfile.valid_from > row.valid_to)
                 .order_by(OrgProfile.valid_from).first())
    return row, successor


def names_notices(on: date) -> list[str]:
    """A document dated after the organisation's names ceased (a reorganisation, DOMAIN.md §8) says so,
    and offers the names recorded to follow them."""
    ended, successor = _ended_profile(on)
    if ended is None:
        return []
    text = (f"Tên cơ quan «{ended.governing_body} – {ended.agency_name}» chỉ áp dụng đến {ui_date(ended.valid_to)}; "
            f"văn bản ngày {ui_date(on)} vẫn ghi tên này.")
    if successor is None:
        return [text + " Chưa khai báo tên cơ quan kế tiếp: khai báo ở Cài đặt → Tổ chức rồi lập lại văn bản."]
    return [text + f" Tên kế tiếp «{successor.governing_body} – {successor.agency_name}» áp dụng từ "
                   f"{ui_date(successor.valid_from)}: chọn «Dùng tên cơ quan kế tiếp» để ghi tên đó."]


def successor_offered(on: date | None = None) -> bool:
    """Whether a document dated ``on`` (default today) may take the names that follow ended ones."""
    return _ended_profile(on or date.today())[1] is not None


def org_info(on: date, successor: bool = False) -> B.OrgInfo:
    """The issuing organisation as named on ``on`` (Cài đặt → Tổ chức, dated); with ``successor``, the
    names recorded to follow those ceased by then (see ``names_notices``)."""
    if successor:
        _, following = _ended_profile(on)
        if following is None:
            raise InvalidInput(f"Không có tên cơ quan kế tiếp cho văn bản ngày {ui_date(on)}: tên đang dùng "
                               "vẫn còn hiệu lực, hoặc chưa khai báo tên mới (Cài đặt → Tổ chức).")
        on = following.valid_from
    names = org_names(on)
    office = _office_unit(names.office_unit_code)
    running = nfc(names.agency_short) or nfc(names.agency_name)
    return B.OrgInfo(governing_body=names.governing_body, agency_name=running, agency_abbr=names.agency_abbr,
                     place=names.place_name, office_unit_code=names.office_unit_code,
                     agency_short=nfc(names.short_name) or short_form(running), office_name=office.name if office else "Văn phòng",
                     agency_header=names.agency_name)


def signer_info(on: date) -> B.SignerInfo:
    signer = default_signer(on)
    return B.SignerInfo(signer.authority or "", signer.title or "", signer.name)


def office_signer(on: date) -> B.SignerInfo:
    """The Office's own documents (its report) are signed by its head; else by the default signer."""
    office = _office_unit(org_names(on).office_unit_code)
    if office is not None and office.head_name.strip():
        return B.SignerInfo("", (office.head_title or "Chánh Văn phòng").upper(), office.head_name)
    return signer_info(on)


def addressee(unit: Unit) -> str:
    """How a công văn addresses a unit's head: "Trưởng phòng Người có công", "Chánh Thanh tra Sở"."""
    title = nfc(unit.head_title).split()
    name = nfc(unit.name).split()
    if not title:
        return nfc(unit.name)
    for overlap in range(min(len(title), len(name)), 0, -1):
        if [w.casefold() for w in title[-overlap:]] == [w.casefold() for w in name[:overlap]]:
            return " ".join(title + name[overlap:])
    return " ".join(title + name)


@dataclass(frozen=True)
class TemplateVersion:
    id: int | None           # None: the shipped default
    doc_type: str
    valid_from: date | None
    body: str
    edited_by: str
    updated_at: datetime | None
    version: int = 0


def template_versions(doc_type: str) -> list[TemplateVersion]:
    """The administrator's versions of a document type's wording, newest first."""
    check_kind(doc_type)
    rows = DocumentTemplate.select().where(DocumentTemplate.doc_type == doc_type) \
        .order_by(DocumentTemplate.valid_from.desc())
    return [TemplateVersion(r.id, r.doc_type, r.valid_from, r.body, r.edited_by, r.updated_at, r.version)
            for r in rows]


def template_version_in_force(doc_type: str, on: date | None = None) -> TemplateVersion:
    check_kind(doc_type)
    on = on or date.today()
    row = (DocumentTemplate.select().where((DocumentTemplate.doc_type == doc_type)
                                           & (DocumentTemplate.valid_from <= on))
           .order_by(DocumentTemplate.valid_from.desc()).first())
    if row is None:
        form = shipped_form(doc_type, on)
        return TemplateVersion(None, doc_type, form.valid_from, form.text, "", None)
    return TemplateVersion(row.id, row.doc_type, row.valid_from, row.body, row.edited_by, row.updated_at, row.version)


def template_notices(doc_type: str, on: date) -> list[str]:
    """An administrator's wording older than the shipped form in force on ``on`` (e.g. an apology slip
    edited in 2024 used after the form of Nghị định 118/2025 took effect) is pointed out."""
    used = template_version_in_force(doc_type, on)
    form = shipped_form(doc_type, on)
    if used.id is None or form.valid_from is None or used.valid_from >= form.valid_from:
        return []
    return [f"Mẫu {KIND_NAMES[doc_type].lower()} đang dùng do quản trị sửa, áp dụng từ {ui_date(used.valid_from)}: "
            f"trước mẫu mới áp dụng từ {ui_date(form.valid_from)} ({form.basis.split('.')[0]}). Kiểm tra lại mẫu ở "
            "Cài đặt → Mẫu văn bản."]


def template_in_force(doc_type: str, on: date | None = None) -> str:
    """The wording used for a document dated ``on``: the latest version valid from that day or earlier."""
    return template_version_in_force(doc_type, on).body


def save_template(actor: Actor, doc_type: str, valid_from: date, body: str,
                  expected_version: int | None = None) -> TemplateVersion:
    """Store an administrator's wording, in force from ``valid_from``; refused unless a sample document
    builds with it (sections, placeholders, sandbox). Saving on an existing date replaces that version."""
    require(actor, "templates")
    check_kind(doc_type)
    body = unicodedata.normalize("NFC", body).replace("\r\n", "\n")
    sample_document(doc_type, body, valid_from)   # raises InvalidInput naming the line and the field
    with connection.write_transaction():
        row = DocumentTemplate.get_or_none((DocumentTemplate.doc_type == doc_type)
                                           & (DocumentTemplate.valid_from == valid_from))
        if row is None:
            row = insert_record(DocumentTemplate, actor.username, doc_type=doc_type, valid_from=valid_from,
                                body=body, edited_by=actor.username)
        else:
            row = update_record(DocumentTemplate, row.id, expected_version, actor.username, body=body,
                                edited_by=actor.username)
    return TemplateVersion(row.id, row.doc_type, row.valid_from, row.body, row.edited_by, row.updated_at,
                           row.version)


def reset_template(actor: Actor, doc_type: str, valid_from: date | None = None) -> int:
    """Remove the administrator's version valid from ``valid_from`` (None: every version), so the
    previous one — or the shipped default — applies again. Returns how many versions were removed."""
    require(actor, "templates")
    check_kind(doc_type)
    with connection.write_transaction():
        query = DocumentTemplate.select().where(DocumentTemplate.doc_type == doc_type)
        if valid_from is not None:
            query = query.where(DocumentTemplate.valid_from == valid_from)
        rows = list(query)
        if valid_from is not None and not rows:
            raise NotFound(f"Không có mẫu {KIND_NAMES[doc_type].lower()} áp dụng từ ngày {ui_date(valid_from)}.")
        for row in rows:
            delete_record(row, actor.username)
    return len(rows)


# ---- the data of each document ----------------------------------------------------------------------

def report_period(year: int, month: int) -> B.ReportPeriod:
    """The reporting period of a month (Nghị định 09/2019: the 15th of the previous month to the 14th)."""
    period = report_month(year, month, int(settings.get(settings.REPORT_CUTOFF_DAY)))
    return B.ReportPeriod(period.start, period.end, f"tháng {month} năm {year}")


def _find_unit(name_or_code: str | None) -> Unit:
    if not (name_or_code or "").strip():
        raise InvalidInput("Hãy chọn phòng, đơn vị nhận văn bản.")
    return find_unit(name_or_code)


# The setting holding each letter's reply term, in working days from its issuing date.
REPLY_DAYS = {"explanation_request": settings.EXPLANATION_REPLY_DAYS, "reminder": settings.REMINDER_REPLY_DAYS}


def reply_term(kind: str, issue_date: date | None) -> B.ReplyTerm:
    """The reply term of a letter: the setting's N working days counted from the issuing date (the day
    itself not counted); a draft has no date yet, so only the number of days is known."""
    days = int(settings.get(REPLY_DAYS[kind]))
    if issue_date is None:
        return B.ReplyTerm(days)
    return B.ReplyTerm(days, current_calendar().working_day_after(issue_date, days))


def _task_units(view) -> str:
    if view.lead_units == (ALL_UNITS,):
        late = [name for name, status in view.unit_statuses if status in ("overdue", "at_risk")]
        return "; ".join(late) if late else "Các phòng, đơn vị"
    return "; ".join(view.lead_units)


def _task_status_text(view, today: date) -> str:
    if view.recurrence == "ongoing":   # "Thường xuyên" has no deadline to be late against
        if view.status == "overdue":
            return "Chưa báo cáo kết quả thực hiện"
        return f"Thực hiện thường xuyên, đạt {view.progress_percent}%"
    if view.status == "overdue" and view.next_due is not None:
        return f"Quá hạn {(today - view.next_due).days} ngày"
    if view.next_due is not None and view.next_due >= today:
        left = (view.next_due - today).days
        return f"Đạt {view.progress_percent}%, còn {left} ngày" if left else f"Đạt {view.progress_percent}%, đến hạn hôm nay"
    return view.status_label


def _task_line(view, today: date, with_unit: bool) -> B.TaskLine:
    due = None if view.recurrence == "ongoing" else view.next_due   # "Thường xuyên" is not due on a day
    return B.TaskLine(content=view.content, unit=_task_units(view) if with_unit else "",
                      deadline_text=view.deadline_text, due=due, status=_task_status_text(view, today))


def plan_citation(plan: Plan) -> str:
    """"Kế hoạch số 38/KH-SLĐTBXH ngày 29/02/2024 của Sở … về nâng cao …": the plan cited by its number
    and date from the plan's record, its issuer named as on that date; "" when it has neither (the
    letter then names it by its title)."""
    if not plan.number_text or plan.issued_on is None:
        return ""
    issuer = org_info(plan.issued_on).agency_name
    title = nfc(plan.title)
    suffix = f" của {issuer}"
    if title.casefold().endswith(suffix.casefold()):
        title = title[:-len(suffix)]
    about = f" về {title[:1].lower()}{title[1:]}" if title else ""
    return f"Kế hoạch số {nfc(plan.number_text)} ngày {ui_date(plan.issued_on)} của {issuer}{about}"


def _year_plan_citation(year: int) -> str:
    plan = Plan.select().where(Plan.year == year).order_by(Plan.issued_on.desc(nulls="LAST"), Plan.id.desc()).first()
    return plan_citation(plan) if plan is not None else ""


def _plan(year: int | None, number: str | None = None) -> Plan:
    """The plan of that number (several plans live side by side), else the latest plan of the year, else
    the latest plan."""
    if number:
        return plan_by_number(number)
    query = Plan.select().order_by(Plan.year.desc(), Plan.issued_on.desc(nulls="LAST"), Plan.id.desc())
    plan = query.where(Plan.year == year).first() if year else query.first()
    if plan is None:
        raise NotFound(f"Chưa có kế hoạch năm {year}." if year else "Chưa có kế hoạch nào (hãy nhập kế hoạch trước).")
    return plan


def _plan_rows(plan: Plan) -> tuple[list[B.PlanTaskRow], list[str]]:
    """The appendix rows of the plan and what in them differs from the plan as imported.

    A cell meaning every unit keeps the plan's own words ("Các phòng, đơn vị" is not "… có liên quan");
    other cells name the catalogue's units, each difference from the plan's words listed for the clerk,
    as is a word the plan repeats by mistake ("truyền truyền"), kept as it stands."""
    rows, repairs = [], []
    noted: set[str] = set()
    for v in list_tasks(TaskFilters(kind="appendix")):
        if v.plan_id != plan.id:
            continue
        lead = (v.lead_text or "Các phòng, đơn vị") if v.lead_units == (ALL_UNITS,) else list(v.lead_units)
        coordinating = (v.coordinating_text or "Các phòng, đơn vị có liên quan") \
            if v.coordinating_units == (ALL_UNITS,) else list(v.coordinating_units)
        for role, source, printed in (("chủ trì", v.lead_text, lead), ("phối hợp", v.coordinating_text, coordinating)):
            shown = B.plan_cell(printed)
            if source and _unit_words(source) != _unit_words(shown):
                repairs.append(f"Tên đơn vị theo danh mục — {v.ref}, đơn vị {role}: «{shown}» (bản gốc: «{source}»).")
        for where, text in ((f"mục {v.section}", v.section_title), (f"mục {v.section}.{v.subsection}",
                                                                       v.subsection_title), (v.ref, v.content)):
            for word in _repeated_words(text):
                note = f"Giữ nguyên lỗi của bản gốc: «{word} {word}» (từ lặp) ở {where}."
                if note not in noted:
                    noted.add(note)
                    repairs.append(note)
        number = v.ref.rsplit(".", 1)[-1]
        rows.append(B.PlanTaskRow(v.section, v.section_title, number, v.content, lead, coordinating,
                                  v.deadline_text, v.note, v.subsection, v.subsection_title))
    if not rows:
        raise NotFound(f"Kế hoạch năm {plan.year} chưa có nhiệm vụ nào ở phụ lục.")
    return rows, repairs


def _unit_words(cell: str) -> list[str]:
    """A unit cell compared as words: case, dashes, separators ("," ";" "và") and spaces aside."""
    return re.sub(r"[,;–—-]|\bvà\b", " ", nfc(cell).casefold()).split()


def _repeated_words(text: str) -> list[str]:
    """Words written twice in a row ("Công tác truyền truyền về TTHC")."""
    words = nfc(text).split()
    return [a for a, b in zip(words, words[1:]) if a.casefold() == b.casefold() and a.isalpha()]


def _overdue_explanations(period: B.ReportPeriod) -> list[B.OverdueExplanation]:
    rows = overdue_dossiers(None, (period.start, period.end))
    order = {u.name: (u.sort_order, u.name) for u in Unit.select()}
    rows.sort(key=lambda r: (order.get(r.unit, (9999, r.unit)), r.procedure, r.due_at, r.code))
    return [B.OverdueExplanation(r.code, r.procedure, r.unit, r.days_late, r.reason, due=r.due_at, closed=r.closed_at,
                                 applicant=r.applicant, result=r.result_at) for r in rows]


@dataclass(frozen=True)
class _Numbering:
    number: int | None
    issue_date: date | None


def _as_of(request: DocRequest) -> date:
    return request.today or date.today()


def _build_plan(request: DocRequest, n: _Numbering) -> OfficialDocument:
    plan = _plan(request.year, request.plan)
    number, issued = n.number, n.issue_date
    if number is None and plan.number:          # an issued plan reprints with its number and date
        number, issued = plan.number, plan.issued_on
    on = issued or date.today()
    rows, repairs = _plan_rows(plan)
    document = B.build_plan(org_info(on, request.successor_names), signer_info(on),
                            B.PlanInfo(plan.year, number, issued), rows, template_text=template_in_force("plan", on))
    document.notices.extend(repairs)
    return document


def _build_monthly_report(request: DocRequest, n: _Numbering, progress=None) -> OfficialDocument:
    year, month = parse_month(request.month or "")
    period = report_period(year, month)
    on = n.issue_date or date.today()
    as_of = min(period.end, _as_of(request))
    _step(progress, 1, "Tổng hợp nhiệm vụ theo đơn vị…")
    summary = [B.UnitTaskSummary(s.unit_name, s.done_on_time, s.done_late,
                                 s.not_started + s.in_progress + s.at_risk, s.overdue)
               for s in summary_by_unit(as_of) if s.total]
    at_risk = [_task_line(v, as_of, True) for v in list_tasks(TaskFilters(status="at_risk"), as_of)]
    _step(progress, 2, "Thống kê hồ sơ TTHC của kỳ…")
    counted = counted_at_note(period.end, datetime.now().replace(second=0, microsecond=0), screen=False)
    table = stats.dossier_statistics(period.start, period.end)
    _step(progress, 3, "Lập danh sách hồ sơ quá hạn…")
    overdue = _overdue_explanations(period)
    _step(progress, 4, "Dựng báo cáo…")
    from par_desktop.services.service_quality import service_index

    service = service_index(period.start, period.end).index
    return B.build_monthly_report(
        org_info(on, request.successor_names), office_signer(on), period, summary, at_risk, [r.as_dict() for r in table.rows], overdue,
        stats_total=table.total.as_dict(), number=n.number, issue_date=n.issue_date,
        template_text=template_in_force("monthly_report", on), service=service,
        plan_citation=_year_plan_citation(period.end.year), counted_at=counted)


def survey_report_data(wave_name: str | None) -> B.SurveyReportData:
    """A survey wave's index, per aspect, question, unit, field and channel, for the report."""
    from par_desktop.services import survey

    if not (wave_name or "").strip():
        raise InvalidInput("Hãy chọn đợt khảo sát.")
    wave = survey.wave_by_name(wave_name)
    result = survey.wave_index(wave.id).index

    def figure(f) -> B.SurveyFigure:
        return B.SurveyFigure(f.index, f.valid, f.low, f.high)

    aspects = [B.SurveyAspectLine(a.code, a.name, figure(a.fig),
                                  [B.SurveyQuestionLine(q.code, q.text, figure(q.fig), q.blank + q.invalid)
                                   for q in a.questions]) for a in result.aspects]
    groups = [B.SurveyGroupLine(title, g.label, g.index.respondents, figure(g.index.overall))
              for dimension, title in (("unit", "Đơn vị"), ("field", "Lĩnh vực"), ("channel", "Kênh tiếp nhận"))
              for g in survey.index_by(wave.id, dimension)]
    return B.SurveyReportData(wave.name, wave.started_on, wave.ended_on, result.respondents, figure(result.overall),
                              aspects, groups, wave.official_index, wave.official_source)


def _build_survey_report(request: DocRequest, n: _Numbering) -> OfficialDocument:
    on = n.issue_date or date.today()
    return B.build_survey_report(org_info(on, request.successor_names), office_signer(on), survey_report_data(request.wave), number=n.number,
                                 issue_date=n.issue_date, template_text=template_in_force("survey_report", on))


def explanation_units(month: str) -> list[tuple[Unit, int]]:
    """Units with overdue dossiers in the month's reporting period, with how many (batch generation)."""
    year, m = parse_month(month)
    period = report_period(year, m)
    counts: dict[int, int] = {}
    for row in overdue_dossiers(None, (period.start, period.end)):
        if row.unit_id is not None:
            counts[row.unit_id] = counts.get(row.unit_id, 0) + 1
    units = Unit.select().where(Unit.id.in_(list(counts))).order_by(Unit.sort_order, Unit.name) if counts else []
    return [(u, counts[u.id]) for u in units]


def _build_explanation_request(request: DocRequest, n: _Numbering) -> OfficialDocument:
    unit = _find_unit(request.unit)
    year, month = parse_month(request.month or "")
    period = report_period(year, month)
    on = n.issue_date or date.today()
    rows = [B.OverdueDossier(r.code, r.procedure, r.applicant, r.received_at, r.due_at, r.closed_at, r.days_late,
                             r.result_at)
            for r in overdue_dossiers(unit.id, (period.start, period.end))]
    return B.build_explanation_request(
        org_info(on, request.successor_names), signer_info(on), unit.name, addressee(unit), period, rows,
        reply_term("explanation_request", n.issue_date), number=n.number, issue_date=n.issue_date,
        template_text=template_in_force("explanation_request", on), plan_citation=_year_plan_citation(period.end.year))


def _dossier_info(code: str | None):
    if not (code or "").strip():
        raise InvalidInput("Hãy nhập mã hồ sơ.")
    d = dossier_by_code(code.strip())
    return d, B.DossierInfo(d.code, d.procedure_name, d.applicant, d.received_at, d.due_at, d.applicant_kind)


def _new_appointment(request: DocRequest, old_due: datetime) -> datetime:
    if request.new_due is None:
        raise InvalidInput("Hãy nhập ngày hẹn trả kết quả mới.")
    new_due = request.new_due
    calendar = current_calendar()
    if new_due.time() == time(0, 0):   # a date only: by the end of that working day
        new_due = datetime.combine(new_due.date(), calendar.hours.closes)
    if not calendar.is_working_day(new_due.date()):
        raise InvalidInput(f"Ngày hẹn mới {ui_date(new_due)} là ngày nghỉ; hãy hẹn vào một ngày làm việc.")
    return new_due


def _sentence(text: str) -> str:
    text = nfc(text).strip()
    return text if not text or text[-1] in ".!?…" else text + "."


def _build_apology(request: DocRequest, n: _Numbering) -> OfficialDocument:
    d, info = _dossier_info(request.dossier)
    if d.closed_at is not None:
        raise InvalidInput(f"Hồ sơ {d.code} đã trả kết quả lúc {ui_date(d.closed_at)} {d.closed_at:%H:%M}: "
                           "không lập phiếu xin lỗi và hẹn lại ngày trả kết quả.")
    on = n.issue_date or date.today()
    if request.applicant_kind:
        info = replace(info, applicant_kind=request.applicant_kind)
    return B.build_apology(org_info(on, request.successor_names), signer_info(on), info, _sentence(request.reason),
                           _new_appointment(request, info.due), number=n.number, issue_date=n.issue_date,
                           template_text=template_in_force("apology", on))


def _build_reminder(request: DocRequest, n: _Numbering) -> OfficialDocument:
    """Late tasks, then tasks at risk; an ongoing ("Thường xuyên") task never counts as late — one whose
    period ended without a report is listed with those at risk."""
    unit = _find_unit(request.unit)
    today = _as_of(request)
    on = n.issue_date or date.today()
    late, at_risk = late_and_at_risk(unit.id, today)
    at_risk = [v for v in late if v.recurrence == "ongoing"] + at_risk
    late = [v for v in late if v.recurrence != "ongoing"]
    plans = {v.plan_id for v in (*late, *at_risk) if v.plan_id is not None}
    years = [v.year for v in (*late, *at_risk) if v.year]
    citation = ""
    if len(plans) == 1:
        plan = Plan.get_or_none(Plan.id == plans.pop())
        citation = plan_citation(plan) if plan is not None else ""
    return B.build_reminder(org_info(on, request.successor_names), signer_info(on), unit.name, [_task_line(v, today, False) for v in late],
                            [_task_line(v, today, False) for v in at_risk], reply_term("reminder", n.issue_date),
                            number=n.number, issue_date=n.issue_date, template_text=template_in_force("reminder", on),
                            plan_year=max(years) if years else None, plan_citation=citation)


def _build_control_slip(request: DocRequest, n: _Numbering) -> OfficialDocument:
    """The slip of any dossier, from its receipt, hand-overs, result and return (``services.control_slip``)."""
    d, info = _dossier_info(request.dossier)
    slip = control_slip(d.code)
    rows = [B.HandoverRow(line.transfer.step_name, line.transfer.giver, line.transfer.at, line.transfer.receiver,
                          line.transfer.received_at, line.due_at, line.label, line.transfer.note,
                          line.transfer.giver_name, line.transfer.receiver_name)
            for line in slip.lines]
    late = slip.late_sides
    late_text = ("Bước làm chậm: " + "; ".join(
        f"{line.transfer.giver} ({line.label.lower()})" for line in slip.lines
        if line.late and not line.transfer.final) + ".") if late else ""
    form = B.SlipFormInfo(handling_unit=slip.handling_unit, coordinating_units=", ".join(slip.coordinating_units),
                          desk=slip.form.desk, postal_note=slip.form.postal_note, source=slip.form.source,
                          late_text=late_text)
    return B.build_control_slip(org_info(date.today(), request.successor_names), info, rows, form=form,
                                template_text=template_in_force("control_slip", date.today()))


def _build_self_assessment(request: DocRequest, n: _Numbering) -> OfficialDocument:
    from par_desktop.documents.index_builders import build_self_assessment
    from par_desktop.services.par_index.outputs import self_assessment_data

    totals, rows = self_assessment_data(request.year, _as_of(request))
    on = n.issue_date or date.today()
    return build_self_assessment(org_info(on, request.successor_names), signer_info(on), totals, rows, number=n.number,
                                 issue_date=n.issue_date, template_text=template_in_force("self_assessment", on))


def _build_index_review(request: DocRequest, n: _Numbering) -> OfficialDocument:
    from par_desktop.documents.index_builders import build_index_review
    from par_desktop.services.par_index.outputs import index_review_data

    totals, units, rows = index_review_data(request.year, _as_of(request))
    on = n.issue_date or date.today()
    return build_index_review(org_info(on, request.successor_names), office_signer(on), totals, units, rows, number=n.number,
                              issue_date=n.issue_date, template_text=template_in_force("index_review", on))


def _step(progress, done: int, text: str) -> None:
    if progress is not None:
        progress.check_cancelled()
        progress.report(done, 6, text)


# Texts of the official forms that a finished document must not keep: the form's choice for the clerk.
_FORM_PLACEHOLDERS = ("Ông/Bà/Tổ chức", "(Tên cơ quan", "(tên cơ quan", "{{", "}}")


def leftover_placeholders(document: OfficialDocument) -> list[str]:
    """The form placeholders still in the document's text (a template edited from the printed form)."""
    found = []
    for text in document.texts():
        found += [p for p in _FORM_PLACEHOLDERS if p in text and p not in found]
    return found


def build(request: DocRequest, *, number: int | None = None, issue_date: date | None = None,
          progress=None) -> OfficialDocument:
    """The document of ``request``; ``number``/``issue_date`` None gives the draft. Its ``notices`` say
    what the clerk should check before signing."""
    check_kind(request.kind)
    if request.applicant_kind not in (None, "", "man", "woman", "organisation"):
        raise InvalidInput("Danh xưng người nộp phải là Ông, Bà hoặc Tổ chức.")
    n = _Numbering(number, issue_date)
    with connection.translated_errors():
        if request.kind == "monthly_report":
            document = _build_monthly_report(request, n, progress)
        else:
            document = {"plan": _build_plan, "explanation_request": _build_explanation_request,
                        "apology": _build_apology, "reminder": _build_reminder,
                        "control_slip": _build_control_slip,
                        "survey_report": _build_survey_report, "self_assessment": _build_self_assessment,
                        "index_review": _build_index_review}[request.kind](request, n)
    on = document.issue_date or date.today()
    if not request.successor_names:
        document.notices.extend(names_notices(on))
    document.notices.extend(template_notices(request.kind, on))
    leftover = leftover_placeholders(document)
    if leftover:
        document.notices.append(_unfilled(leftover) + " Sửa mẫu văn bản (Cài đặt → Mẫu văn bản) trước khi ban hành.")
    return document


def _unfilled(placeholders: list[str]) -> str:
    return "Văn bản còn chỗ của mẫu chưa điền: " + ", ".join(f"«{p}»" for p in placeholders) + "."


def register_type(kind: str, on: date | None = None) -> str | None:
    """The register type a document is numbered under ("KH", "BC-VP", "CV", "PXL"); None: not numbered."""
    pattern = REGISTER_TYPES[check_kind(kind)]
    if pattern is None or "{office}" not in pattern:
        return pattern
    return pattern.format(office=org_names(on).office_unit_code)


def document_title(document: OfficialDocument, request: DocRequest) -> str:
    """The trích yếu written in the register."""
    if request.kind in ("explanation_request", "reminder"):
        subject = document.vv.removeprefix("V/v").strip()
        return f"{subject[:1].upper()}{subject[1:]} ({_find_unit(request.unit).name})"
    if request.kind == "apology":
        return f"Phiếu xin lỗi và hẹn lại ngày trả kết quả hồ sơ {nfc(request.dossier or '').strip()}"
    subject = document.subject
    if subject[:1].isupper() and not subject[1:2].isupper():   # "Kết quả…" after "Báo cáo": "kết quả…"
        subject = subject[:1].lower() + subject[1:]
    return " ".join(x for x in ((document.kind or "").capitalize(), subject) if x)


def _issue(actor: Actor, request: DocRequest, draft: OfficialDocument, today: date):
    """Take the number (and, for the plan, record it on the plan) in one transaction."""
    type_abbr = register_type(request.kind, today)
    if type_abbr is None:
        raise InvalidInput(f"{KIND_NAMES[request.kind]} không đánh số trong sổ văn bản; chỉ cần in.")
    with connection.translated_errors(), connection.write_transaction():
        plan = None
        if request.kind == "plan":
            plan = _plan(request.year, request.plan)
            if plan.number:
                raise InvalidInput(f"Kế hoạch năm {plan.year} đã ban hành: số {plan.number_text or plan.number}"
                                   + (f" ngày {ui_date(plan.issued_on)}" if plan.issued_on else "") + ".")
        entry = register.issue_number(actor, type_abbr, document_title(draft, request), doc_kind=request.kind,
                                      on=today)
        if plan is not None:
            update_record(Plan, plan.id, plan.version, actor.username, number=entry.number,
                          number_text=entry.full_number, issued_on=today)
    return entry


def _record_apology(actor: Actor, request: DocRequest, today: date) -> None:
    """An issued apology slip is remembered on the dossier's explanation (the new appointment given)."""
    d, info = _dossier_info(request.dossier)
    if request.applicant_kind and request.applicant_kind != d.applicant_kind:   # the clerk's choice is kept
        dossier_editing.update_dossier(actor, d.id, d.version, applicant_kind=request.applicant_kind)
    current = explanations.explanation_of(d.id)
    keep = {} if current is None else dict(
        reason=current.reason, responsible_person=current.responsible_person, explained_on=current.explained_on,
        expected_version=current.version)
    explanations.set_explanation(actor, d.id, apology_sent_on=today, new_appointment=_new_appointment(request,
                                                                                                      info.due),
                             **keep)


def generate(actor: Actor, request: DocRequest, path: str | Path, *, issue: bool = False,
             progress=None) -> Generated:
    """Write the document to ``path`` (.docx or .pdf). ``issue=True`` takes the next number from the
    register first and dates the document today; otherwise the draft is written (an already issued
    plan keeps its number)."""
    from par_desktop.documents.render import render  # reportlab and python-docx: only for the commands that write

    require(actor, "documents")
    if issue:
        require(actor, "register")
    target = Path(path)
    if target.suffix.lower() not in (".docx", ".pdf"):
        raise InvalidInput(f"Không xuất được văn bản ra tệp «{target.name}»: chỉ hỗ trợ .docx (Word) và .pdf.")
    document = build(request, progress=progress)      # every check before a number is taken
    number_text = None
    issue_date = None
    leftover = leftover_placeholders(document) if issue else []
    if leftover:   # a finished document keeps no placeholder of the form
        raise InvalidInput("Chưa lấy số. " + _unfilled(leftover)
                           + " Sửa mẫu văn bản (Cài đặt → Mẫu văn bản) rồi ban hành lại.")
    if issue:
        today = date.today()
        _step(progress, 5, "Lấy số văn bản…")
        entry = _issue(actor, request, document, today)
        if request.kind == "apology":
            _record_apology(actor, request, today)
        number_text, issue_date = entry.full_number, today
        document = build(request, number=entry.number, issue_date=today)
    elif request.kind == "plan":
        plan = _plan(request.year, request.plan)
        number_text, issue_date = (plan.number_text or None), plan.issued_on
    _step(progress, 6, "Ghi tệp…")
    written = render(document, target)
    return Generated(written, request.kind, number_text, issue_date, document_title(document, request),
                     entry.number if issue else None, tuple(document.notices))


def write(actor: Actor, request: DocRequest, path: str | Path, *, number: int | None = None,
          issue_date: date | None = None, progress=None) -> Path:
    """Write the document again (another format, another folder) with the number it was issued under,
    without taking a new one."""
    from par_desktop.documents.render import render

    require(actor, "documents")
    document = build(request, number=number, issue_date=issue_date, progress=progress)
    _step(progress, 6, "Ghi tệp…")
    return render(document, path)


def suggested_name(request: DocRequest, number_text: str | None = None) -> str:
    """A file name for the save dialog: "Bao-cao-thang-2024-03", "Giai-trinh-NCC-2024-03-so-05"…"""
    base = {"plan": f"Ke-hoach-{request.year or ''}".rstrip("-"), "monthly_report": f"Bao-cao-thang-{request.month}",
            "explanation_request": f"De-nghi-giai-trinh-{request.unit}-{request.month}",
            "apology": f"Phieu-xin-loi-{request.dossier}", "reminder": f"Don-doc-{request.unit}",
            "control_slip": f"Phieu-kiem-soat-{request.dossier}",
            "survey_report": f"Bao-cao-khao-sat-{request.wave}",
            "self_assessment": f"Bao-cao-tu-danh-gia-chi-so-CCHC-{request.year or ''}".rstrip("-"),
            "index_review": f"To-trinh-diem-CCHC-bi-mat-{request.year or ''}".rstrip("-")}[check_kind(request.kind)]
    if number_text:
        base += "-so-" + number_text.split("/")[0]
    return re.sub(r"[^A-Za-z0-9.-]+", "-", fold(base).replace("đ", "d")).strip("-") or "van-ban"


# ---- samples for the template editor ----------------------------------------------------------------

_SAMPLE_ORG = B.OrgInfo("UBND tỉnh Bắc Giang", "Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", "Bắc Giang",
                        agency_short="Sở Lao động - TB&XH", agency_header="SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")
_SAMPLE_SIGNER = B.SignerInfo("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Văn Hà")


def sample_names(on: date) -> tuple[B.OrgInfo, B.SignerInfo]:
    """The organisation and signer of the sample documents: the real ones in force on ``on`` (sample ones
    when the organisation is not set up yet)."""
    try:
        return org_info(on), signer_info(on)
    except NotFound:
        return _SAMPLE_ORG, _SAMPLE_SIGNER


def sample_document(doc_type: str, body: str | None = None, on: date | None = None,
                    names: tuple[B.OrgInfo, B.SignerInfo] | None = None) -> OfficialDocument:
    """The document built with sample data and the wording ``body`` (default: the one in force), for the
    template editor's preview and to validate a template before it is saved. With ``names`` given the
    database is not read (the preview builds it on a worker thread)."""
    check_kind(doc_type)
    on = on or date.today()
    text = template_in_force(doc_type, on) if body is None else body
    parse_template(text, doc_type)
    org, signer = names or sample_names(on)
    received = datetime(on.year, 3, 4, 9, 15) if on.month > 3 else datetime(on.year - 1, 11, 4, 9, 15)
    due = received + timedelta(days=14)
    period = B.ReportPeriod(date(on.year, 2, 15), date(on.year, 3, 14), f"tháng 3 năm {on.year}")
    info = B.DossierInfo(f"000.00.18.H06-{received:%y%m%d}-00042", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
                         "Nguyễn Văn An", received, due)
    if doc_type == "plan":
        rows = [B.PlanTaskRow("I", "Tham mưu ban hành văn bản QPPL", "1",
                              "Quy chế quản lý công trình ghi công liệt sĩ, mộ liệt sĩ trên địa bàn",
                              "Phòng Người có công", "Các phòng, đơn vị có liên quan", f"Tháng 7/{on.year}"),
                B.PlanTaskRow("II", "Cải cách thủ tục hành chính", "1",
                              "Lựa chọn và thực hiện rà soát, đánh giá tối thiểu 10% TTHC đang còn hiệu lực",
                              "Các phòng, đơn vị", "Văn phòng Sở", f"Trước ngày 01/6/{on.year}",
                              subsection="A", subsection_title="Rà soát đánh giá TTHC")]
        return B.build_plan(org, signer, B.PlanInfo(on.year), rows, template_text=text)
    if doc_type == "monthly_report":
        stats = [dict(field="Người có công", received_total=120, received_online=80, received_direct=30,
                      carried_over=10, resolved_total=110, resolved_early=95, resolved_on_time=13, resolved_late=2,
                      pending_total=10, pending_within_time=9, pending_overdue=1)]
        overdue = [B.OverdueExplanation(info.code, info.procedure, "Phòng Người có công", 2,
                                        "Hồ sơ phải xác minh thông tin liệt sĩ tại địa phương", due=due)]
        return B.build_monthly_report(org, signer, period, [B.UnitTaskSummary("Phòng Người có công", 3, 1, 2, 0)],
                                      [B.TaskLine("Rà soát, đánh giá TTHC", "Phòng Người có công", "Quý II",
                                                  None, "Đạt 30%, còn 10 ngày")], stats, overdue,
                                      template_text=text, service=_sample_service())
    if doc_type == "explanation_request":
        rows = [B.OverdueDossier(info.code, info.procedure, info.applicant, received, due, due + timedelta(days=2), 2),
                B.OverdueDossier(info.code[:-2] + "57", info.procedure, "Trần Thị Hoa", received, due, None, 3,
                                 result=due + timedelta(days=1))]
        return B.build_explanation_request(org, signer, "Phòng Người có công", "Trưởng phòng Người có công", period,
                                           rows, B.ReplyTerm(3), template_text=text)
    if doc_type == "apology":
        return B.build_apology(org, signer, info, "Hồ sơ phải xác minh thông tin tại địa phương",
                               due + timedelta(days=7), template_text=text)
    if doc_type == "reminder":
        late = [B.TaskLine("Xây dựng video hướng dẫn dịch vụ công trực tuyến", "", f"Tháng 7/{on.year}",
                           date(on.year, 7, 31), "Quá hạn 12 ngày")]
        return B.build_reminder(org, signer, "Phòng Người có công", late, [], B.ReplyTerm(5), template_text=text)
    if doc_type == "survey_report":
        return B.build_survey_report(org, signer, _sample_survey(on), template_text=text)
    if doc_type in ("self_assessment", "index_review"):
        return _index_sample(doc_type, text, org, signer, on)
    rows = [B.HandoverRow("Tiếp nhận, chuyển phòng chuyên môn", org.office_name, received, "Phòng Người có công",
                          received + timedelta(minutes=20), due, "Trước hạn")]
    return B.build_control_slip(org, info, rows, template_text=text)


def _sample_service():
    """The service index of the sample monthly report: the 110 sample dossiers, other figures made up."""
    from par_desktop.domain import service_index as si

    figures = {"on_time": si.Figure.rate("on_time", 108, 110),
               "digitised_dossiers": si.Figure.rate("digitised_dossiers", 101, 120),
               "online_share": si.Figure.rate("online_share", 80, 110),
               "satisfaction": si.Figure.rate("satisfaction", 52, 58)}
    return si.score(si.DEFAULT_INDICATORS, figures)


def _sample_survey(on: date) -> B.SurveyReportData:
    """A small made-up wave for the template editor's preview."""
    question = B.SurveyQuestionLine("A1.1", "Nơi tiếp nhận và trả kết quả có đủ chỗ ngồi",
                                    B.SurveyFigure(88.0, 125, 81.2, 92.6), 3)
    aspects = [B.SurveyAspectLine("A1", "Tiếp cận dịch vụ", B.SurveyFigure(88.0, 125, 82.0, 93.1), [question]),
               B.SurveyAspectLine("A3", "Công chức trực tiếp giải quyết công việc", B.SurveyFigure(93.5, 127, 89.0, 96.8),
                                  [B.SurveyQuestionLine("A3.1", "Công chức có thái độ giao tiếp lịch sự",
                                                        B.SurveyFigure(93.5, 127, 88.0, 96.6))])]
    groups = [B.SurveyGroupLine("Đơn vị", "Phòng Người có công", 64, B.SurveyFigure(90.2, 64, 84.1, 94.8)),
              B.SurveyGroupLine("Kênh tiếp nhận", "Trực tuyến", 21, B.SurveyFigure(86.0, 21, 74.2, 95.0))]
    return B.SurveyReportData(f"Quý I/{on.year}", date(on.year, 1, 2), date(on.year, 3, 29), 128,
                              B.SurveyFigure(90.8, 128, 87.1, 93.9), aspects, groups, 86.45,
                              f"Quyết định số 512/QĐ-UBND ngày 20/3/{on.year}")


def _index_sample(doc_type: str, text: str, org: B.OrgInfo, signer: B.SignerInfo, on: date) -> OfficialDocument:
    """Sample PAR INDEX documents for the template editor (a two-area set, one criterion short)."""
    from par_desktop.documents import index_builders as IB

    year = on.year - 1
    rows = [IB.IndexRow("I", "Công tác chỉ đạo, điều hành cải cách hành chính", 0, "normal", 2, 1.75, is_leaf=False),
            IB.IndexRow("1", "Ban hành kế hoạch CCHC năm kịp thời", 1, "normal", 1, 1, note="Ban hành ngày 15/01",
                        evidence=("số 05/KH-SLĐTBXH ngày 15/01: Kế hoạch CCHC",), unit="Văn phòng Sở"),
            IB.IndexRow("2", "Báo cáo CCHC định kỳ đúng hạn", 1, "normal", 1, 0.75, note="Một báo cáo quý chậm",
                        unit="Văn phòng Sở"),
            IB.IndexRow("II", "Cải cách thủ tục hành chính", 0, "normal", 2, 2, is_leaf=False),
            IB.IndexRow("1", "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", 1, "normal", 2, 2, unit="Phòng Người có công")]
    totals = IB.IndexTotals(year, f"Bộ chỉ số CCHC năm {year}", 4, 3.75, appraised_total=3.5)
    if doc_type == "self_assessment":
        return IB.build_self_assessment(org, signer, totals, rows, template_text=text)
    units = [IB.UnitLoss("Văn phòng Sở", "Chánh Văn phòng Nguyễn Thị Hương", 0.5, (("I.2", 0.5),),
                         ("Một báo cáo quý gửi chậm",))]
    lost = [IB.LostRow("I.2", "Báo cáo CCHC định kỳ đúng hạn", "Văn phòng Sở", 1, 0.75, 0.5, 0.5,
                       "Một báo cáo quý gửi chậm")]
    return IB.build_index_review(org, signer, totals, units, lost, template_text=text)


def render_sample(doc_type: str, body: str | None, path: str | Path, on: date | None = None,
                  names: tuple[B.OrgInfo, B.SignerInfo] | None = None) -> Path:
    """The template editor's live preview: the sample document rendered to ``path``."""
    from par_desktop.documents.render import render

    return render(sample_document(doc_type, body, on, names), path)

