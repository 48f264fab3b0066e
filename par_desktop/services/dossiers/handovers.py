"""Hand-overs between units and the dossier's timeline (the control slip: ``services.control_slip``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from par_desktop.db import connection
from par_desktop.db.changes import insert_record
from par_desktop.db.models import Dossier, Handover, ProcedureStep, Unit
from par_desktop.domain.text import nfc, ui_moment
from par_desktop.errors import InvalidInput
from par_desktop.services.dossiers.pauses import pauses_of
from par_desktop.services.dossiers.timing import CHANNEL_LABELS, get_dossier, minute, refuse_future, work_calendar
from par_desktop.services.session import Actor, require


def add_handover(actor: Actor, dossier_id: int, *, to_unit_id: int | None, sent_at: datetime,
                 from_unit_id: int | None = None, received_at: datetime | None = None,
                 due_at: datetime | None = None, step_name: str = "", note: str = "") -> Handover:
    """Record that the dossier went from one unit to the next. Without a step deadline, the budget of
    the procedure's step at that position (if the catalogue has one) gives it."""
    require(actor, "dossiers")
    sent_at = minute(sent_at)
    refuse_future(sent_at, "Thời điểm chuyển")
    refuse_future(received_at, "Thời điểm đơn vị nhận")
    with connection.write_transaction():
        d = get_dossier(dossier_id)
        last = Handover.select().where(Handover.dossier == d.id).order_by(Handover.position.desc()).first()
        position = 1 if last is None else last.position + 1
        if last is not None and sent_at < last.sent_at:
            raise InvalidInput(f"Lần chuyển trước là lúc {ui_moment(last.sent_at)}; lần chuyển mới phải sau đó.")
        if from_unit_id is None:
            from_unit_id = last.to_unit_id if last is not None else d.unit_id
        if due_at is None and d.procedure_id is not None:
            step = ProcedureStep.get_or_none((ProcedureStep.procedure == d.procedure_id)
                                             & (ProcedureStep.position == position))
            if step is not None:
                due_at = work_calendar().due(received_at or sent_at, step.budget_days)
        return insert_record(Handover, actor.username, dossier=d.id, position=position, step_name=nfc(step_name),
                             from_unit=from_unit_id, to_unit=to_unit_id, sent_at=sent_at,
                             received_at=minute(received_at), due_at=minute(due_at), note=nfc(note))


def handovers_of(dossier_id: int) -> list[Handover]:
    return list(Handover.select().where(Handover.dossier == dossier_id).order_by(Handover.position))


def holder_unit(d: Dossier) -> Unit | None:
    """The unit holding the dossier now: the receiver of its last hand-over, else its handling unit."""
    last = Handover.select().where(Handover.dossier == d.id).order_by(Handover.position.desc()).first()
    unit_id = last.to_unit_id if last is not None and last.to_unit_id is not None else d.unit_id
    return Unit.get_or_none(Unit.id == unit_id) if unit_id is not None else None


@dataclass(frozen=True)
class TimelineEvent:
    moment: datetime
    kind: str      # received | start | handover | pause | resume | result | closed | due
    text: str


def timeline(dossier_id: int) -> list[TimelineEvent]:
    """Received, clock start, hand-overs, pauses, result, closed — in order, for the detail panel."""
    d = get_dossier(dossier_id)
    names = dict(Unit.select(Unit.id, Unit.name).tuples())
    events = [TimelineEvent(d.received_at, "received", f"Tiếp nhận ({CHANNEL_LABELS.get(d.channel, d.channel)})")]
    if d.start_at != d.received_at:
        events.append(TimelineEvent(d.start_at, "start", "Bắt đầu tính thời gian (giờ làm việc kế tiếp)"))
    for h in handovers_of(d.id):
        text = f"Chuyển {names.get(h.from_unit_id, '?')} → {names.get(h.to_unit_id, '?')}"
        if h.step_name:
            text += f": {h.step_name}"
        events.append(TimelineEvent(h.sent_at, "handover", text))
    for p in pauses_of(d.id):
        events.append(TimelineEvent(p.paused_at, "pause", "Tạm dừng" + (f": {p.reason}" if p.reason else "")))
        if p.resumed_at is not None:
            events.append(TimelineEvent(p.resumed_at, "resume", "Tiếp tục xử lý"))
    if d.result_at is not None:
        events.append(TimelineEvent(d.result_at, "result", "Có kết quả" + ("" if d.closed_at else " (chưa kết thúc)")))
    if d.closed_at is not None:
        events.append(TimelineEvent(d.closed_at, "closed", "Trả kết quả, kết thúc hồ sơ"))
    events.sort(key=lambda e: e.moment)
    return events
