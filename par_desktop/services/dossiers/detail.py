"""One dossier as the detail panel and the edit dialog show it, read in one call (plain data, no rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from peewee import JOIN

from par_desktop.db.models import Dossier, Explanation, Unit
from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.control_slip import SlipLine
from par_desktop.domain.service_index import PAYMENT_LABELS, RATING_LABELS
from par_desktop.domain.timers import TimerState
from par_desktop.services.dossiers.editing import appointment_of
from par_desktop.services.control_slip import slip_of
from par_desktop.services.dossiers.handovers import TimelineEvent, holder_unit, timeline
from par_desktop.services.dossiers.timing import CHANNEL_LABELS, now_minute, timer_of, work_calendar


@dataclass(frozen=True)
class ExplanationView:
    """The unit's explanation of a late dossier and the apology (giải trình, xin lỗi)."""

    version: int
    reason: str
    responsible_person: str
    explained_on: date | None
    apology_sent_on: date | None
    new_appointment: datetime | None


@dataclass(frozen=True)
class DossierDetail:
    id: int
    version: int
    code: str
    procedure_id: int | None
    procedure_name: str
    field: str
    applicant: str
    applicant_kind: str               # man | woman | organisation | "" (how letters address the applicant)
    channel: str
    received_at: datetime
    start_at: datetime
    appointment: datetime | None      # the export's or a clerk's appointment before pauses moved it
    due_from_source: bool
    result_at: datetime | None
    closed_at: datetime | None
    paused_since: datetime | None
    unit_id: int | None
    unit_name: str
    holder_name: str                  # the unit holding the dossier now (last hand-over)
    status_text: str
    withdrawn: bool
    timer: TimerState                 # at the moment asked for; ``timer.due_at`` is the due moment then
    timeline: tuple[TimelineEvent, ...]
    late_steps: tuple[SlipLine, ...]  # steps of the control slip late against their own budget (or held late now)
    explanation: ExplanationView | None
    # the one-stop service columns (DOMAIN.md §10): None = not known
    digitised_dossier: bool | None = None
    digitised_result: bool | None = None
    payment: str | None = None
    rating: str = ""

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS.get(self.channel, self.channel)

    @property
    def service_text(self) -> str:
        """"Hồ sơ đã số hóa; kết quả chưa số hóa; thanh toán trực tuyến; đánh giá: Hài lòng"."""
        return service_text(self.digitised_dossier, self.digitised_result, self.payment, self.rating)


def service_text(digitised_dossier: bool | None, digitised_result: bool | None, payment: str | None,
                 rating: str) -> str:
    def flag(value: bool | None, what: str) -> str:
        return f"{what}: chưa rõ" if value is None else f"{what} {'đã' if value else 'chưa'} số hóa"

    paid = "thanh toán: chưa rõ" if payment is None else \
        ("không thu phí" if payment == "" else f"thanh toán {PAYMENT_LABELS[payment].lower()}")
    rated = f"đánh giá: {RATING_LABELS.get(rating, rating).lower()}" if rating else "chưa đánh giá"
    return f"{flag(digitised_dossier, 'Hồ sơ')}; {flag(digitised_result, 'kết quả')}; {paid}; {rated}"


def dossier_detail(dossier_id: int, at: datetime | None = None,
                   calendar: WorkCalendar | None = None) -> DossierDetail | None:
    """The dossier with its timer at ``at`` (default now), timeline, late steps and explanation; None
    when it no longer exists (another clerk deleted it) or was received after ``at`` (the register does not
    list it yet)."""
    d = (Dossier.select(Dossier, Unit).join(Unit, JOIN.LEFT_OUTER, on=(Dossier.unit == Unit.id))
         .where(Dossier.id == dossier_id).first())
    if d is None:
        return None
    calendar, at = calendar or work_calendar(), at or now_minute()
    timer = timer_of(d, at, calendar)
    if timer is None:
        return None
    holder = holder_unit(d)
    explanation = Explanation.get_or_none(Explanation.dossier == d.id)
    return DossierDetail(
        id=d.id, version=d.version, code=d.code, procedure_id=d.procedure_id, procedure_name=d.procedure_name,
        field=d.field, applicant=d.applicant, applicant_kind=d.applicant_kind, channel=d.channel, received_at=d.received_at, start_at=d.start_at,
        appointment=appointment_of(d, calendar), due_from_source=d.due_from_source, result_at=d.result_at,
        closed_at=d.closed_at, paused_since=d.paused_since, unit_id=d.unit_id,
        unit_name=d.unit.name if d.unit_id is not None else "", holder_name=holder.name if holder else "",
        status_text=d.status_text, withdrawn=d.withdrawn, timer=timer,
        timeline=tuple(timeline(d.id)),
        late_steps=tuple(line for line in slip_of(d, at, calendar).lines if line.late and not line.transfer.final),
        explanation=None if explanation is None else ExplanationView(
            explanation.version, explanation.reason, explanation.responsible_person, explanation.explained_on,
            explanation.apology_sent_on, explanation.new_appointment),
        digitised_dossier=d.digitised_dossier, digitised_result=d.digitised_result, payment=d.payment,
        rating=d.rating or "")
