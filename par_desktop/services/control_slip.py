"""The process control slip of any dossier (Phiếu kiểm soát quá trình giải quyết hồ sơ), built from what
is known of it: the receipt at the one-stop desk, each recorded hand-over, the result back at the desk
and the return to the applicant. An imported dossier with no recorded hand-over still has receipt →
processing unit → result → return. Each row carries the giving side's own step budget (the procedure's
internal steps, matched by unit in order) and is judged by ``domain.control_slip.judge``.

The form in force on the dossier's reception date is used: Mẫu số 05 of Thông tư 01/2018/TT-VPCP
(the one-stop rules of Nghị định 61/2018, desk "Bộ phận Tiếp nhận và Trả kết quả") until 30/06/2025,
the control slip of Nghị định 118/2025/NĐ-CP (desk "Bộ phận Một cửa") from 01/07/2025.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from par_desktop.db.models import Dossier, Handover, ProcedureStep, Unit
from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.control_slip import SlipLine, Transfer, judge, late_sides


@dataclass(frozen=True)
class SlipForm:
    """One edition of the official form: when it applies, its legal source and the desk's name."""

    valid_from: date
    source: str
    desk: str
    postal_note: str


FORMS = (
    SlipForm(date(2018, 8, 21), "Mẫu số 05 ban hành kèm theo Thông tư số 01/2018/TT-VPCP",
             "Bộ phận Tiếp nhận và Trả kết quả",
             "Trường hợp hồ sơ được chuyển qua dịch vụ bưu chính thì thời gian giao, nhận hồ sơ và việc ký nhận "
             "thể hiện trong hóa đơn của cơ quan Bưu chính."),
    SlipForm(date(2025, 7, 1), "Mẫu phiếu kiểm soát quá trình giải quyết hồ sơ theo Nghị định số 118/2025/NĐ-CP",
             "Bộ phận Một cửa",
             "Trường hợp hồ sơ được chuyển qua dịch vụ bưu chính thì thời gian giao, nhận hồ sơ và việc ký nhận "
             "thể hiện trong hóa đơn của cơ quan Bưu chính."),
)


def form_for(day: date) -> SlipForm:
    """The edition in force on ``day`` (the earliest one before any)."""
    chosen = FORMS[0]
    for form in FORMS:
        if form.valid_from <= day:
            chosen = form
    return chosen


@dataclass(frozen=True)
class ControlSlip:
    code: str
    procedure: str
    applicant: str
    received_at: datetime
    due_at: datetime                  # the dossier's due moment (pauses included)
    closed_at: datetime | None
    handling_unit: str
    coordinating_units: tuple[str, ...]
    form: SlipForm
    lines: tuple[SlipLine, ...]

    @property
    def late_sides(self) -> list[str]:
        return late_sides(self.lines)


def _applicant(d: Dossier) -> str:
    return d.applicant or "Tổ chức, cá nhân"


def control_slip(code: str, now: datetime | None = None) -> ControlSlip:
    """The slip of dossier ``code`` as at ``now`` (default now)."""
    from par_desktop.services.dossiers import timing

    return slip_of(timing.dossier_by_code(code), now or timing.now_minute(), timing.work_calendar())


def slip_of(d: Dossier, now: datetime, calendar: WorkCalendar) -> ControlSlip:
    """The slip of the dossier ``d`` already read, as at ``now``."""
    from par_desktop.services.dossiers import timing

    timer = timing.timer_of(d, max(now, d.received_at), calendar)
    due = timer.due_at if timer is not None else d.due_at
    form = form_for(d.received_at.date())
    names = dict(Unit.select(Unit.id, Unit.name).tuples())
    handovers = list(Handover.select().where(Handover.dossier == d.id).order_by(Handover.position, Handover.id))
    steps = [(s.unit_id, s.budget_days, s.name) for s in
             ProcedureStep.select().where(ProcedureStep.procedure == d.procedure_id).order_by(ProcedureStep.position)] \
        if d.procedure_id is not None else []
    desk = form.desk
    processing = names.get(d.unit_id, "") or "Cơ quan, đơn vị giải quyết"

    def side(unit_id: int | None) -> str:
        return names.get(unit_id, desk) if unit_id is not None else desk

    raw: list[dict] = []   # transfers before budgets: giver id, receiver, at, …
    first_from = handovers[0].from_unit_id if handovers else None
    if not handovers or first_from is not None:
        receiver = first_from if handovers else d.unit_id
        raw.append(dict(giver_id=None, giver=desk, receiver=side(receiver) if receiver is not None else processing,
                        at=d.received_at, received_at=None, step_name="Tiếp nhận hồ sơ", due_at=None,
                        giver_name="", receiver_name="", note=""))
    for h in handovers:
        raw.append(dict(giver_id=h.from_unit_id, giver=side(h.from_unit_id), receiver=side(h.to_unit_id),
                        at=h.sent_at, received_at=h.received_at, step_name=h.step_name, due_at=h.due_at,
                        giver_name=h.giver_name, receiver_name=h.receiver_name, note=h.note))
    holder_id = handovers[-1].to_unit_id if handovers else d.unit_id
    if holder_id is not None or not handovers:
        result_at = d.result_at or d.closed_at
        raw.append(dict(giver_id=holder_id, giver=side(holder_id) if holder_id is not None else processing,
                        receiver=desk, at=result_at, received_at=None, step_name="Chuyển kết quả",
                        due_at=None, giver_name="", receiver_name="", note=""))
    unused = list(steps)
    transfers = []
    for item in raw:
        budget, step_name = None, item["step_name"]
        giver_id = item.pop("giver_id")
        match = next((s for s in unused if giver_id is not None and s[0] == giver_id), None)
        if match is not None:
            unused.remove(match)
            budget = match[1]
            step_name = item["step_name"] or match[2]
        transfers.append(Transfer(budget_days=budget, **{**item, "step_name": step_name}))
    transfers.append(Transfer(desk, _applicant(d), d.closed_at, step_name="Trả kết quả",
                              final=True))
    lines = judge(transfers, received_at=d.received_at, dossier_due=due, now=now, calendar=calendar)
    others = [t.receiver for t in transfers[:-1] if t.receiver not in (desk, processing)]
    others += [t.giver for t in transfers if t.giver not in (desk, processing)]
    return ControlSlip(d.code, d.procedure_name, _applicant(d), d.received_at, due, d.closed_at, processing,
                       tuple(dict.fromkeys(others)), form, tuple(lines))
