"""TTHC dossiers: import from the one-stop export, manual entry, pauses, hand-overs, explanations,
the overdue and near-due lists, and the lazy listing the GUI table pages through.

Conventions (DOMAIN.md §4, see ``domain.timers``):
- ``start_at`` = the calendar's next opening after reception; ``due_at`` = the export's appointment
  ("Hạn xử lý"/"Ngày hẹn trả", ``due_from_source``) or the procedure's limit in working days, moved later
  by every *finished* pause recorded here. An open pause (``paused_since``) stops the clock; its length
  is added when it ends. ``limit_days`` keeps the limit (for a source appointment: the working days
  from the start to it), so the due moment at any past moment can be rebuilt.
- Only ``closed_at`` completes a dossier; ``result_at`` alone keeps the clock running.
- Withdrawn dossiers (rút, trả lại, dừng xử lý) are kept and listed but left out of the statistics.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import compress
from pathlib import Path
from typing import Any

from peewee import JOIN, fn

from par_desktop.db import connection
from par_desktop.db.bulk import bulk_insert
from par_desktop.db.changes import audit, current_session_id, insert_record, update_record
from par_desktop.db.models import (
    AuditLog, Dossier, DossierPause, Explanation, Handover, Procedure, ProcedureStep, Unit,
)
from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.limits import TimeLimit
from par_desktop.domain.periods import Period
from par_desktop.domain.text import fold, nfc, ui_moment, unit_key
from par_desktop.domain.timers import (
    DossierClock, TimerState, remaining_text, state_at,
)
from par_desktop.errors import InvalidInput, NotFound
from par_desktop.services import settings
from par_desktop.services.procedures import limit_of
from par_desktop.services.session import Actor, require

CHANNELS = ("online", "direct", "post")
CHANNEL_LABELS = {"online": "Trực tuyến", "direct": "Trực tiếp", "post": "Bưu chính"}


def work_calendar() -> WorkCalendar:
    from par_desktop.services.calendar import current_calendar

    return current_calendar()


def near_due_days() -> float:
    return float(settings.get("dossiers.near_due_days"))


def now_minute() -> datetime:
    return datetime.now().replace(second=0, microsecond=0)


def _minute(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(second=0, microsecond=0)


def search_text(code: str, applicant: str, procedure_name: str) -> str:
    """What the accent-insensitive search box matches (``Dossier.fold_text``)."""
    return fold(f"{code} {applicant} {procedure_name}")


# ---- timers of stored dossiers ------------------------------------------------------------------

def pauses_by_dossier(ids: Iterable[int] | None = None) -> dict[int, list[tuple[datetime, datetime | None]]]:
    """Every recorded pause, by dossier id (all dossiers, or those of ``ids``)."""
    query = DossierPause.select(DossierPause.dossier, DossierPause.paused_at, DossierPause.resumed_at)
    result: dict[int, list] = defaultdict(list)
    if ids is None:
        chunks: list[Any] = [None]
    else:
        ids = list(ids)
        chunks = [ids[i:i + 500] for i in range(0, len(ids), 500)]
    for chunk in chunks:
        q = query if chunk is None else query.where(DossierPause.dossier.in_(chunk))
        for dossier_id, paused_at, resumed_at in q.order_by(DossierPause.paused_at).tuples():
            result[dossier_id].append((paused_at, resumed_at))
    return dict(result)


def clock_of(d: Dossier, pauses: Sequence[tuple[datetime, datetime | None]] = ()) -> DossierClock:
    pauses = list(pauses)
    if d.paused_since is not None and not any(end is None for _, end in pauses):
        pauses.append((d.paused_since, None))  # an open pause known only from the dossier row
    return DossierClock(d.received_at, d.start_at, d.due_at, d.limit_days, d.closed_at, tuple(pauses))


def timer_of(d: Dossier, at: datetime | None = None, calendar: WorkCalendar | None = None,
             pauses: Sequence[tuple[datetime, datetime | None]] | None = None) -> TimerState | None:
    """The dossier's timer at ``at`` (default now); None when it was received after ``at``."""
    calendar = calendar or work_calendar()
    if pauses is None:
        pauses = pauses_by_dossier([d.id]).get(d.id, []) if d.id is not None else []
    return state_at(clock_of(d, pauses), calendar, at or now_minute(), near_due_days())


def dossier_by_code(code: str) -> Dossier:
    d = Dossier.get_or_none(Dossier.code == nfc(code))
    if d is None:
        raise NotFound(f"Không có hồ sơ mã «{nfc(code)}».")
    return d


def _get(dossier_id: int) -> Dossier:
    d = Dossier.get_or_none(Dossier.id == dossier_id)
    if d is None:
        raise NotFound(f"Hồ sơ {dossier_id} không còn tồn tại (có thể người khác vừa xóa).")
    return d


def states_at(at: datetime | None = None) -> list[dict[str, Any]]:
    """Every dossier received by ``at`` with its timer at ``at`` (the ``dossiers --json`` objects).

    Dossiers received after ``at`` did not exist yet and are left out; one closed after ``at`` is
    shown open (``closed_at`` null), and pauses begun after ``at`` do not move its due moment.
    Withdrawn dossiers are listed with their timer like the others.
    """
    at = _minute(at) or now_minute()
    calendar, near = work_calendar(), near_due_days()
    pauses = pauses_by_dossier()
    query = (Dossier.select(Dossier.id, Dossier.code, Dossier.procedure_name, Dossier.field, Dossier.channel,
                            Dossier.received_at, Dossier.start_at, Dossier.due_at, Dossier.limit_days,
                            Dossier.closed_at, Dossier.paused_since, Unit.name)
             .join(Unit, JOIN.LEFT_OUTER, on=(Dossier.unit == Unit.id))
             .where(Dossier.received_at <= at)
             .order_by(Dossier.received_at, Dossier.code))
    out = []
    for (id_, code, proc, field_, channel, received, start, due, limit, closed, paused_since, unit) in _raw(query):
        received, start, due, closed, paused_since = map(_moment_value, (received, start, due, closed, paused_since))
        p = list(pauses.get(id_, ()))
        if paused_since is not None and not any(end is None for _, end in p):
            p.append((paused_since, None))
        t = state_at(DossierClock(received, start, due, limit, closed, tuple(p)), calendar, at, near)
        out.append({"code": code, "procedure": proc, "field": field_, "channel": channel,
                    "received_at": _iso(received), "due_at": _iso(t.due_at), "closed_at": _iso(t.closed_at),
                    "state": t.state, "unit": unit})
    return out


def _raw(query):
    """The query's rows as the driver returns them: peewee's per-value conversion of 100,000 rows of
    moments costs seconds; ``_moment_value`` does it in C."""
    return connection.current().execute_sql(*query.sql())


def _moment_value(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="minutes")


# ---- timing of a dossier (start, limit, due) ------------------------------------------------------

def _closing_of(day: datetime, calendar: WorkCalendar) -> datetime:
    return datetime.combine(day.date(), calendar.hours.closes)


def compute_timing(calendar: WorkCalendar, received: datetime, limit_days: TimeLimit | float | None,
                   source_due: datetime | None, pauses: Sequence[tuple[datetime, datetime | None]] = ()
                   ) -> tuple[datetime, float, datetime]:
    """(start_at, limit_days, due_at) of a dossier; finished pauses move the due moment later.

    ``limit_days`` is the procedure's limit (``procedures.limit_of``) or working days. A limit in
    calendar days or months is never counted in working days: it fixes the due moment as an
    appointment would (``TimeLimit.due``), and pauses then move that by the working time paused."""
    start = calendar.next_opening(received)
    if isinstance(limit_days, TimeLimit):
        if source_due is None and not limit_days.counts_working_time:
            source_due = limit_days.due(calendar, start)
        limit_days = limit_days.working_days()
    finished = [(a, b) for a, b in pauses if b is not None]
    if source_due is not None:
        limit = max(0, calendar.working_minutes_between(start, source_due)) / calendar.hours.day_minutes
        due = source_due if not finished else calendar.due(start, limit, finished)
        return start, limit, due
    if limit_days is None:
        raise InvalidInput("Thủ tục chưa có thời hạn giải quyết: cần nhập hạn xử lý.")
    return start, limit_days, calendar.due(start, limit_days, finished)


# ---- manual entry and editing ---------------------------------------------------------------------

EDITABLE = ("code", "procedure_id", "procedure_name", "field", "applicant", "channel", "received_at",
            "due_at", "result_at", "closed_at", "status_text", "unit_id", "withdrawn")


def _check_values(v: dict[str, Any]) -> None:
    if not v.get("code"):
        raise InvalidInput("Mã hồ sơ không được để trống.")
    if v.get("channel") not in CHANNELS:
        raise InvalidInput("Hình thức nộp phải là Trực tuyến, Trực tiếp hoặc Bưu chính.")
    received = v["received_at"]
    for key, label in (("closed_at", "Ngày trả kết quả"), ("result_at", "Ngày có kết quả")):
        if v.get(key) is not None and v[key] < received:
            raise InvalidInput(f"{label} không được trước ngày tiếp nhận.")
    if v.get("source_due") is not None and v["source_due"] < received:
        raise InvalidInput("Hạn xử lý không được trước ngày tiếp nhận.")


def _procedure(procedure_id: int | None) -> Procedure | None:
    if procedure_id is None:
        return None
    p = Procedure.get_or_none(Procedure.id == procedure_id)
    if p is None:
        raise NotFound("Thủ tục đã chọn không còn trong danh mục.")
    return p


def create_dossier(actor: Actor, *, code: str, procedure_id: int, received_at: datetime, channel: str = "direct",
                   applicant: str = "", field: str | None = None, unit_id: int | None = None,
                   due_at: datetime | None = None, result_at: datetime | None = None,
                   closed_at: datetime | None = None, status_text: str = "", withdrawn: bool = False) -> Dossier:
    """Enter a dossier by hand; ``due_at`` given = an appointment that wins over the procedure's limit."""
    require(actor, "dossiers")
    proc = _procedure(procedure_id)
    if proc is None:
        raise InvalidInput("Cần chọn thủ tục hành chính.")
    values = {"code": nfc(code), "channel": channel, "received_at": _minute(received_at),
              "closed_at": _minute(closed_at), "result_at": _minute(result_at), "source_due": _minute(due_at)}
    _check_values(values)
    calendar = work_calendar()
    start, limit, due = compute_timing(calendar, values["received_at"], limit_of(proc), values["source_due"])
    with connection.write_transaction():
        if Dossier.select().where(Dossier.code == values["code"]).exists():
            raise InvalidInput(f"Đã có hồ sơ mã «{values['code']}».")
        return insert_record(
            Dossier, actor.username, code=values["code"], procedure=proc.id, procedure_name=proc.name,
            field=nfc(field) or proc.field, applicant=nfc(applicant), channel=channel,
            received_at=values["received_at"], start_at=start, limit_days=limit, due_at=due,
            due_from_source=due_at is not None, result_at=values["result_at"], closed_at=values["closed_at"],
            status_text=nfc(status_text), unit=unit_id if unit_id is not None else proc.lead_unit_id,
            withdrawn=withdrawn, fold_text=search_text(values["code"], nfc(applicant), proc.name))


def update_dossier(actor: Actor, dossier_id: int, expected_version: int | None, **changes: Any) -> Dossier:
    """Edit a dossier (optimistic concurrency). Giving ``due_at`` sets an appointment by hand; giving
    ``due_at=None`` goes back to the procedure's limit. Start and due are recomputed as needed."""
    require(actor, "dossiers")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    calendar = work_calendar()
    with connection.write_transaction():
        d = _get(dossier_id)
        merged = {k: getattr(d, k) for k in EDITABLE if k != "due_at"}
        merged.update({k: (_minute(v) if isinstance(v, datetime) else nfc(v) if isinstance(v, str) else v)
                       for k, v in changes.items() if k != "due_at"})
        source_due = _minute(changes["due_at"]) if "due_at" in changes else appointment_of(d, calendar)
        merged["source_due"] = source_due
        _check_values(merged)
        proc = _procedure(merged["procedure_id"])
        if "procedure_id" in changes and proc is not None and "procedure_name" not in changes:
            merged["procedure_name"] = proc.name
        if merged["unit_id"] is None and proc is not None:
            merged["unit_id"] = proc.lead_unit_id    # "the procedure's lead unit", as on entry
        limit = (limit_of(proc) if proc is not None else None) or d.limit_days
        pauses = pauses_by_dossier([d.id]).get(d.id, [])
        closing_pause = merged["closed_at"] is not None and any(end is None for _, end in pauses)
        if closing_pause:  # closing ends the wait for supplements: the pause stops at the closing moment
            pauses = [(a, b if b is not None else max(a, merged["closed_at"])) for a, b in pauses]
        start, limit, due = compute_timing(calendar, merged["received_at"], limit, source_due, pauses)
        values = {k: v for k, v in merged.items() if k in EDITABLE and k not in ("procedure_id", "unit_id")}
        if closing_pause or (merged["closed_at"] is not None and d.paused_since is not None):
            _end_open_pauses(actor, d.id, merged["closed_at"])
            values["paused_since"] = None
        values.update(procedure=merged["procedure_id"], unit=merged["unit_id"], start_at=start, limit_days=limit,
                      due_at=due, due_from_source=source_due is not None,
                      fold_text=search_text(merged["code"], merged["applicant"], merged["procedure_name"]))
        if merged["code"] != d.code and Dossier.select().where(
                (Dossier.code == merged["code"]) & (Dossier.id != d.id)).exists():
            raise InvalidInput(f"Đã có hồ sơ mã «{merged['code']}».")
        return update_record(Dossier, d.id, expected_version, actor.username, **values)


def _end_open_pauses(actor: Actor, dossier_id: int, closed_at: datetime) -> None:
    """End the running pause of a dossier that is being closed (inside the caller's transaction)."""
    for pause in DossierPause.select().where((DossierPause.dossier == dossier_id) & DossierPause.resumed_at.is_null()):
        end = max(pause.paused_at, closed_at)
        DossierPause.update(resumed_at=end).where(DossierPause.id == pause.id).execute()
        audit(actor.username, "update", "dossier_pause", pause.id, "resumed_at", None, end)


def appointment_of(d: Dossier, calendar: WorkCalendar | None = None) -> datetime | None:
    """The appointment given by the export or typed by hand, before any pause moved it; None when the
    due moment comes from the procedure's limit."""
    if not d.due_from_source:
        return None
    if not DossierPause.select().where(DossierPause.dossier == d.id).exists():
        return d.due_at
    return (calendar or work_calendar()).due(d.start_at, d.limit_days or 0, [])


def delete_dossier(actor: Actor, dossier_id: int) -> None:
    from par_desktop.db.changes import delete_record

    require(actor, "dossiers")
    with connection.write_transaction():
        delete_record(_get(dossier_id), actor.username)


# ---- pauses (chờ bổ sung) ---------------------------------------------------------------------------

def pause_dossier(actor: Actor, dossier_id: int, at: datetime | None = None, reason: str = "") -> DossierPause:
    """Stop the clock while the applicant supplements the dossier."""
    require(actor, "dossiers")
    at = _minute(at) or now_minute()
    with connection.write_transaction():
        d = _get(dossier_id)
        if d.closed_at is not None:
            raise InvalidInput("Hồ sơ đã kết thúc, không thể tạm dừng.")
        if d.paused_since is not None:
            raise InvalidInput(f"Hồ sơ đang tạm dừng từ {ui_moment(d.paused_since)}.")
        if at < d.received_at:
            raise InvalidInput("Thời điểm tạm dừng không được trước ngày tiếp nhận.")
        last = DossierPause.select(fn.MAX(DossierPause.resumed_at)).where(DossierPause.dossier == d.id).scalar()
        if last is not None and at < last:
            raise InvalidInput(f"Lần tạm dừng trước kết thúc lúc {ui_moment(last)}; thời điểm mới phải sau đó.")
        pause = DossierPause.create(dossier=d.id, paused_at=at, reason=nfc(reason))
        Dossier.update(paused_since=at, version=Dossier.version + 1, updated_at=datetime.now()) \
            .where(Dossier.id == d.id).execute()
        audit(actor.username, "update", "dossier", d.id, "paused_since", None, at)
        return pause


def resume_dossier(actor: Actor, dossier_id: int, at: datetime | None = None) -> Dossier:
    """Restart the clock: the paused working time moves the due moment later."""
    require(actor, "dossiers")
    at = _minute(at) or now_minute()
    calendar = work_calendar()
    with connection.write_transaction():
        d = _get(dossier_id)
        pause = (DossierPause.select().where((DossierPause.dossier == d.id) & DossierPause.resumed_at.is_null())
                 .order_by(DossierPause.paused_at.desc()).first())
        since = pause.paused_at if pause is not None else d.paused_since
        if since is None:
            raise InvalidInput("Hồ sơ không ở trạng thái tạm dừng.")
        if at < since:
            raise InvalidInput(f"Thời điểm tiếp tục phải sau lúc tạm dừng ({ui_moment(since)}).")
        if pause is None:
            pause = DossierPause.create(dossier=d.id, paused_at=since)
        DossierPause.update(resumed_at=at).where(DossierPause.id == pause.id).execute()
        pauses = pauses_by_dossier([d.id]).get(d.id, [])
        source_due = calendar.due(d.start_at, d.limit_days or 0, []) if d.due_from_source else None
        _, _, due = compute_timing(calendar, d.received_at, d.limit_days, source_due, pauses)
        Dossier.update(paused_since=None, due_at=due, version=Dossier.version + 1, updated_at=datetime.now()) \
            .where(Dossier.id == d.id).execute()
        audit(actor.username, "update", "dossier", d.id, "paused_since", since, None)
        audit(actor.username, "update", "dossier", d.id, "due_at", d.due_at, due)
        return _get(d.id)


def pauses_of(dossier_id: int) -> list[DossierPause]:
    return list(DossierPause.select().where(DossierPause.dossier == dossier_id).order_by(DossierPause.paused_at))


# ---- hand-overs (the control slip: services.control_slip) --------------------------------------------------------

def add_handover(actor: Actor, dossier_id: int, *, to_unit_id: int | None, sent_at: datetime,
                 from_unit_id: int | None = None, received_at: datetime | None = None,
                 due_at: datetime | None = None, step_name: str = "", note: str = "") -> Handover:
    """Record that the dossier went from one unit to the next. Without a step deadline, the budget of
    the procedure's step at that position (if the catalogue has one) gives it."""
    require(actor, "dossiers")
    sent_at = _minute(sent_at)
    with connection.write_transaction():
        d = _get(dossier_id)
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
                             received_at=_minute(received_at), due_at=_minute(due_at), note=nfc(note))


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
    d = _get(dossier_id)
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


# ---- explanations and apologies ----------------------------------------------------------------------

def explanation_of(dossier_id: int) -> Explanation | None:
    return Explanation.get_or_none(Explanation.dossier == dossier_id)


def set_explanation(actor: Actor, dossier_id: int, *, expected_version: int | None = None, reason: str = "",
                    responsible_person: str = "", explained_on: date | None = None,
                    apology_sent_on: date | None = None, new_appointment: datetime | None = None) -> Explanation:
    """Record the unit head's explanation and the apology (the new appointment is for the applicant only:
    it never changes the dossier's due moment or state)."""
    d = _get(dossier_id)
    require(actor, "explanations", unit_id=d.unit_id)
    values = dict(reason=nfc(reason), responsible_person=nfc(responsible_person), explained_on=explained_on,
                  apology_sent_on=apology_sent_on, new_appointment=_minute(new_appointment),
                  recorded_by=actor.username)
    with connection.write_transaction():
        row = Explanation.get_or_none(Explanation.dossier == d.id)
        if row is None:
            return insert_record(Explanation, actor.username, dossier=d.id, **values)
        return update_record(Explanation, row.id, expected_version, actor.username, **values)


# ---- overdue and near-due lists ----------------------------------------------------------------------

@dataclass(frozen=True)
class OverdueRow:
    dossier_id: int
    code: str
    procedure: str
    applicant: str
    received_at: datetime
    due_at: datetime
    closed_at: datetime | None      # None: still open at the end of the period (or now)
    days_late: int                  # working days late at closing, or at the end of the period
    unit_id: int | None
    unit: str
    field: str
    reason: str = ""
    responsible_person: str = ""
    explained_on: date | None = None
    apology_sent_on: date | None = None
    new_appointment: datetime | None = None


def _period_end(period: Period | tuple[date, date]) -> tuple[datetime, datetime]:
    start, end = (period.start, period.end) if isinstance(period, Period) else period
    return datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())


def overdue_dossiers(unit_id: int | None = None, period: Period | tuple[date, date] | None = None,
                     at: datetime | None = None) -> list[OverdueRow]:
    """Dossiers a unit must explain. For a period: those closed late within it and those still open past
    their due moment at its end. Without a period: every late-closed dossier and those overdue at ``at``
    (default now). Withdrawn dossiers are left out. Ordered by unit, then due moment."""
    if period is not None:
        start, end = _period_end(period)
        moment = end - timedelta(minutes=1)   # the state at the last minute of the period
        closed_late = (Dossier.closed_at >= start) & (Dossier.closed_at < end)
    else:
        moment = _minute(at) or now_minute()
        end = moment + timedelta(minutes=1)
        closed_late = Dossier.closed_at < end
    closed_late &= Dossier.closed_at > Dossier.due_at
    has_running_pause = fn.EXISTS(DossierPause.select(DossierPause.id).where(
        (DossierPause.dossier == Dossier.id) & (DossierPause.resumed_at.is_null() | (DossierPause.resumed_at >= end))))
    open_candidate = ((Dossier.received_at < end) & (Dossier.closed_at.is_null() | (Dossier.closed_at >= end))
                      & ((Dossier.due_at < end) | Dossier.paused_since.is_null(False) | has_running_pause))
    query = (Dossier.select(Dossier, Unit.name.alias("unit_name"), Explanation.reason, Explanation.responsible_person,
                            Explanation.explained_on, Explanation.apology_sent_on, Explanation.new_appointment)
             .join(Unit, JOIN.LEFT_OUTER, on=(Dossier.unit == Unit.id))
             .switch(Dossier).join(Explanation, JOIN.LEFT_OUTER, on=(Explanation.dossier == Dossier.id))
             .where((closed_late | open_candidate) & ~Dossier.withdrawn))
    if unit_id is not None:
        query = query.where(Dossier.unit == unit_id)
    rows = list(query.objects())
    calendar, pauses, near = work_calendar(), pauses_by_dossier([r.id for r in rows]), near_due_days()
    out = []
    for r in rows:
        t = state_at(clock_of(r, pauses.get(r.id, [])), calendar, moment, near)
        if t is None or not t.overdue:
            continue
        out.append(OverdueRow(r.id, r.code, r.procedure_name, r.applicant, r.received_at, t.due_at, t.closed_at,
                              t.days_late, r.unit_id, r.unit_name or "", r.field, r.reason or "",
                              r.responsible_person or "", r.explained_on, r.apology_sent_on, r.new_appointment))
    out.sort(key=lambda o: (o.unit, o.due_at, o.code))
    return out


@dataclass(frozen=True)
class DueRow:
    dossier_id: int
    code: str
    procedure: str
    applicant: str
    due_at: datetime
    state: str
    remaining: str
    unit: str


def near_due_dossiers(at: datetime | None = None, unit_id: int | None = None,
                      include_overdue: bool = False) -> list[DueRow]:
    """Open dossiers near their due moment at ``at`` (and overdue ones when asked), soonest first."""
    at = _minute(at) or now_minute()
    calendar, near = work_calendar(), near_due_days()
    threshold = calendar.near_due_threshold(at, near)
    cond = (Dossier.closed_at.is_null() & Dossier.paused_since.is_null() & ~Dossier.withdrawn
            & (Dossier.received_at <= at) & (Dossier.due_at <= threshold))
    if not include_overdue:
        cond &= Dossier.due_at >= at
    query = (Dossier.select(Dossier, Unit.name.alias("unit_name"))
             .join(Unit, JOIN.LEFT_OUTER, on=(Dossier.unit == Unit.id)).where(cond).order_by(Dossier.due_at))
    if unit_id is not None:
        query = query.where(Dossier.unit == unit_id)
    rows = list(query.objects())
    pauses = pauses_by_dossier([r.id for r in rows])
    out = []
    for r in rows:
        t = state_at(clock_of(r, pauses.get(r.id, [])), calendar, at, near)
        if t is not None and t.state in (("near_due", "overdue") if include_overdue else ("near_due",)):
            out.append(DueRow(r.id, r.code, r.procedure_name, r.applicant, t.due_at, t.state,
                              remaining_text(t, calendar), r.unit_name or ""))
    return out


@dataclass(frozen=True)
class DueSummary:
    overdue: int
    near_due: int
    due_today: int


def due_summary(at: datetime | None = None) -> DueSummary:
    """Counts for the start-up notice and the dashboard: open dossiers overdue, near due, due today."""
    at = _minute(at) or now_minute()
    calendar = work_calendar()
    threshold = calendar.near_due_threshold(at, near_due_days())
    running = Dossier.closed_at.is_null() & Dossier.paused_since.is_null() & ~Dossier.withdrawn \
        & (Dossier.received_at <= at)
    day_end = datetime.combine(at.date() + timedelta(days=1), time())

    def count(cond) -> int:
        return Dossier.select().where(running & cond).count()

    return DueSummary(count(Dossier.due_at < at), count((Dossier.due_at >= at) & (Dossier.due_at <= threshold)),
                      count((Dossier.due_at >= at) & (Dossier.due_at < day_end)))


# ---- recomputation after a calendar change -----------------------------------------------------------

def recompute_open_due(actor: Actor) -> int:
    """Open dossiers follow a changed calendar (overrides, office hours); closed ones keep the due moment
    they were judged by, and appointments taken from the export stay as given. Returns how many changed."""
    if not (actor.can("calendar") or actor.can("dossiers")):
        require(actor, "dossiers")
    calendar = work_calendar()
    with connection.write_transaction():
        rows = list(Dossier.select(Dossier.id, Dossier.received_at, Dossier.start_at, Dossier.limit_days,
                                   Dossier.due_at)
                    .where(Dossier.closed_at.is_null() & ~Dossier.due_from_source & Dossier.limit_days.is_null(False))
                    .tuples())
        pauses = pauses_by_dossier([r[0] for r in rows])
        changes, audits = [], []
        for id_, received, start, limit, due in rows:
            new_start, _, new_due = compute_timing(calendar, received, limit, None, pauses.get(id_, []))
            if (new_start, new_due) != (start, due):
                changes.append((new_start, new_due, id_))
                audits.append({"username": actor.username, "action": "update", "table_name": "dossier",
                               "record_id": str(id_), "field": "due_at",
                               "old_value": due.isoformat(sep=" ", timespec="minutes"),
                               "new_value": new_due.isoformat(sep=" ", timespec="minutes"),
                               "at": datetime.now(), "session_id": current_session_id.get()})
        if changes:
            _executemany(Dossier, ("start_at", "due_at"), changes)
            bulk_insert(AuditLog, audits)
    return len(changes)


def _executemany(model, columns: Sequence[str], rows: list[tuple]) -> None:
    """UPDATE ``columns`` (then version+1) of many rows by id in one statement; rows end with the id."""
    db = connection.current()
    q = db.quote[0] + "{}" + db.quote[1]
    meta = model._meta
    fields = [meta.fields[c] for c in columns]
    sets = ", ".join(f"{q.format(f.column_name)} = {db.param}" for f in fields)
    sql = (f"UPDATE {q.format(meta.table_name)} SET {sets}, {q.format('version')} = {q.format('version')} + 1, "
           f"{q.format('updated_at')} = {db.param} WHERE {q.format('id')} = {db.param}")
    stamp = meta.fields["updated_at"].db_value(datetime.now())
    params = [tuple(f.db_value(v) for f, v in zip(fields, row[:-1])) + (stamp, row[-1]) for row in rows]
    cursor = db.cursor()
    for i in range(0, len(params), 5000):
        cursor.executemany(sql, params[i:i + 5000])


# ---- import ------------------------------------------------------------------------------------------

@dataclass
class ImportSummary:
    """What an import did, for the summary dialog and the command line."""

    file: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    newly_overdue: int = 0
    refused: list = field(default_factory=list)     # RowProblem: rows left out (skip_invalid) and why
    warnings: list[str] = field(default_factory=list)
    added_procedures: list[str] = field(default_factory=list)   # codes added to the catalogue, to complete
    added_units: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.new + self.updated + self.unchanged


# Fields compared on re-import; their changes are audited one by one.
_IMPORT_FIELDS = ("procedure", "procedure_name", "field", "applicant", "channel", "received_at", "start_at",
                  "limit_days", "due_at", "due_from_source", "result_at", "closed_at", "status_text", "unit",
                  "withdrawn", "fold_text")


def import_dossiers(actor: Actor, path: str | Path, *, skip_invalid: bool = False,
                    progress: Callable[[int, int | None, str], None] | None = None,
                    at: datetime | None = None, unit_choices: dict[str, int | None] | None = None) -> ImportSummary:
    """Import a one-stop export in one transaction. A dossier code already known updates that dossier
    (each changed field audited). Rows with problems refuse the whole file (``ImportRefused`` lists them
    all) unless ``skip_invalid``, which imports the rest and reports the refused rows.

    Exports come as they come: a procedure the catalogue lacks is added from the row's own columns
    (code, name, field; ``needs_completion``, no limit) and named in a warning — its dossiers need the
    export's due moment; a processing unit that matches none is mapped by ``unit_choices`` (name -> an
    existing unit's id, remembered as an alias; None: a new unit) or, when the clerk was not asked (the
    command line), added as a new unit and named in a warning. Names that differ only in case, dashes
    or "Phòng" are one unit."""
    from par_desktop.importers.dossiers import ImportRefused, RowProblem, read_dossier_file
    from par_desktop.services import org

    require(actor, "import")
    path = Path(path)
    parsed = read_dossier_file(path, progress)
    problems: list = list(parsed.problems)
    calendar = work_calendar()
    now = _minute(at) or now_minute()

    procedures = list(Procedure.select())
    by_code = {p.code.strip().lower(): p for p in procedures}
    by_name = {fold(p.name): p for p in procedures}
    folded_names: dict[str, str] = {}
    unit_cache: dict[str, int | None] = {}

    def unit_id_of(name: str) -> int | None:
        if name not in unit_cache:
            unit = org.match_unit(name)
            unit_cache[name] = unit.id if unit is not None else None
        return unit_cache[name]

    rows_by_code: dict[str, Any] = {}
    seen_rows: dict[str, list[int]] = defaultdict(list)
    new_procedures: dict[str, _NewProcedure] = {}       # added from the export, by code (or folded name)
    new_units: dict[str, list[str]] = defaultdict(list)  # unit_key -> the spellings met
    for r in parsed.rows:
        proc = by_code.get(r.procedure_code.lower()) if r.procedure_code else None
        if proc is None and r.procedure_name:
            if r.procedure_name not in folded_names:
                folded_names[r.procedure_name] = fold(r.procedure_name)
            proc = by_name.get(folded_names[r.procedure_name])
        if proc is None:
            key = r.procedure_code.lower() if r.procedure_code else fold(r.procedure_name)
            proc = new_procedures.setdefault(key, _NewProcedure(r.procedure_code, r.procedure_name, r.field))
            proc.rows.append(r.row)
        if r.due_at is None and (isinstance(proc, _NewProcedure) or limit_of(proc) is None):
            problems.append(RowProblem(r.row, f"không có «Hạn xử lý» và thủ tục «{proc.code or proc.name}» chưa có "
                                              "thời hạn giải quyết trong danh mục"))
            continue
        unit_id = None
        if r.unit:
            unit_id = unit_id_of(r.unit)
            if unit_id is None:
                new_units[unit_key(r.unit)].append(r.unit)
        seen_rows[r.code].append(r.row)
        rows_by_code[r.code] = (r, proc, unit_id)
    problems.sort(key=lambda p: (p.row or 0))
    if problems and not skip_invalid:
        raise ImportRefused(path, problems)
    summary = ImportSummary(file=path.name, refused=problems)
    for code, numbers in seen_rows.items():
        if len(numbers) > 1:
            summary.warnings.append(f"Mã hồ sơ {code} xuất hiện {len(numbers)} lần (dòng "
                                    f"{', '.join(map(str, numbers))}): dùng dòng {numbers[-1]}.")
    present = parsed.present
    total = len(rows_by_code)
    if progress is not None:
        progress(0, total, "Đang ghi vào cơ sở dữ liệu")

    with connection.write_transaction():
        added = _add_procedures(actor, new_procedures, summary)
        unit_ids = _add_units(actor, new_units, unit_choices or {}, summary)
        for code, (r, proc, unit_id) in list(rows_by_code.items()):
            if isinstance(proc, _NewProcedure) or (unit_id is None and r.unit):
                rows_by_code[code] = (r, added.get(id(proc), proc), unit_ids.get(unit_key(r.unit), unit_id))
        existing_ids = dict(Dossier.select(Dossier.code, Dossier.id).tuples())
        known_codes = [c for c in rows_by_code if c in existing_ids]
        existing = _existing_rows([existing_ids[c] for c in known_codes])
        pauses = pauses_by_dossier(existing.keys()) if existing else {}
        new_rows, updates, audits = [], [], []
        closing_paused: list[tuple[int, datetime]] = []
        for done, (code, (r, proc, unit_id)) in enumerate(rows_by_code.items(), start=1):
            old = existing.get(existing_ids[code]) if code in existing_ids else None
            values = _import_values(r, proc, unit_id, present, old, calendar, pauses)
            if old is None:
                new_rows.append({"code": code, **values})
                summary.newly_overdue += _overdue_now(values, calendar, now, ())
            else:
                changed = {k: v for k, v in values.items() if _norm(v) != _norm(old[k])}
                if not changed:
                    summary.unchanged += 1
                    continue
                was = _overdue_now(old, calendar, now, pauses.get(old["id"], ()))
                is_ = _overdue_now({**old, **values}, calendar, now, pauses.get(old["id"], ()))
                summary.newly_overdue += int(is_ and not was)
                summary.updated += 1
                if values["closed_at"] is not None and (old["paused_since"] is not None or any(
                        end is None for _, end in pauses.get(old["id"], ()))):
                    closing_paused.append((old["id"], values["closed_at"]))
                updates.append(tuple(values[k] for k in _IMPORT_FIELDS) + (old["id"],))
                stamp = datetime.now()
                for k, v in changed.items():
                    if k == "fold_text":
                        continue
                    audits.append({"username": actor.username, "action": "import", "table_name": "dossier",
                                   "record_id": str(old["id"]), "field": k, "old_value": _audit_text(old[k]),
                                   "new_value": _audit_text(v), "at": stamp,
                                   "session_id": current_session_id.get()})
            if progress is not None and done % 5000 == 0:
                progress(done, total, "Đang ghi vào cơ sở dữ liệu")
        for dossier_id, closed_at in closing_paused:
            _end_open_pauses(actor, dossier_id, closed_at)
            Dossier.update(paused_since=None).where(Dossier.id == dossier_id).execute()
        summary.new = len(new_rows)
        if new_rows:
            bulk_insert(Dossier, new_rows)
        if updates:
            _executemany(Dossier, _IMPORT_FIELDS, updates)
        audits.append({"username": actor.username, "action": "import", "table_name": "dossier", "record_id": "",
                       "field": "", "old_value": None, "at": datetime.now(),
                       "session_id": current_session_id.get(),
                       "new_value": f"{path.name}: {summary.new} mới, {summary.updated} cập nhật, "
                                    f"{summary.unchanged} không đổi, {len(problems)} dòng bị từ chối"})
        bulk_insert(AuditLog, audits)
    if progress is not None:
        progress(total, total, "Xong")
    return summary


@dataclass
class _NewProcedure:
    """A procedure an export names that the catalogue lacks (added in the import's transaction)."""
    code: str
    name: str
    field: str
    rows: list[int] = field(default_factory=list)


def _add_procedures(actor: Actor, pending: dict[str, _NewProcedure], summary: ImportSummary) -> dict[int, Procedure]:
    """Add the export's unknown procedures (to complete: limit, lead unit) and say so; id(pending) -> record."""
    added: dict[int, Procedure] = {}
    temporary = Procedure.select().where(Procedure.code.startswith("TAM-")).count()
    for item in pending.values():
        code = item.code
        if not code:
            temporary += 1
            code = f"TAM-{temporary:03d}"
        record = insert_record(Procedure, actor.username, code=code, name=item.name or code, field=item.field,
                               limit_days=0.0, needs_completion=True)
        added[id(item)] = record
        summary.added_procedures.append(code)
        missing = "thời hạn giải quyết và đơn vị chủ trì" if item.name else "tên, thời hạn giải quyết và đơn vị chủ trì"
        summary.warnings.append(
            f"Đã thêm thủ tục «{code}{' ' + item.name if item.name else ''}» vào danh mục từ tệp ({len(item.rows)} "
            f"hồ sơ, từ dòng {item.rows[0]}): cần bổ sung {missing} trong Danh mục → Thủ tục.")
    return added


def _add_units(actor: Actor, pending: dict[str, list[str]], choices: dict[str, int | None],
               summary: ImportSummary) -> dict[str, int]:
    """The export's unknown processing units: mapped as the clerk chose (alias), else added; unit_key -> id."""
    from par_desktop.services import org

    chosen = {unit_key(name): unit_id for name, unit_id in choices.items()}
    out: dict[str, int] = {}
    for key, spellings in pending.items():
        name = max(dict.fromkeys(spellings), key=lambda n: (n[:1].isupper(), sum(c.isupper() for c in n), len(n)))
        target = chosen.get(key)
        if target is not None:
            unit = Unit.get_or_none(Unit.id == target)
            if unit is None:
                raise NotFound(f"Đơn vị được chọn cho «{name}» không còn tồn tại.")
            for spelling in dict.fromkeys(spellings):
                org.add_alias(actor, unit, spelling)
        else:
            unit = org.create_unit(actor, name[:1].upper() + name[1:], sort_order=Unit.select().count())
            summary.added_units.append(unit.name)
            if key not in chosen:
                summary.warnings.append(f"Đã thêm đơn vị «{unit.name}» (mã {unit.short_code}) từ cột «Đơn vị xử lý» "
                                        f"({len(spellings)} hồ sơ); nếu là tên khác của một đơn vị đã có, hãy gộp lại "
                                        "trong Danh mục → Đơn vị.")
        out[key] = unit.id
    return out


def unknown_unit_names(path: str | Path) -> list[str]:
    """The processing-unit names of an export that match no unit (one spelling per unit), to ask about."""
    from par_desktop.importers.dossiers import COLUMNS
    from par_desktop.importers.tabular import cell_text, read_table
    from par_desktop.services import org

    table = read_table(path, COLUMNS)
    index = table.columns.get("unit")
    groups: dict[str, str] = {}
    if index is None:
        return []
    known: dict[str, bool] = {}
    for _row, cells in table.rows:
        name = cell_text(cells[index]) if index < len(cells) else ""
        if not name or name in known:
            continue
        known[name] = org.match_unit(name) is not None
        if not known[name]:
            groups.setdefault(unit_key(name), name)
    return list(groups.values())


def _existing_rows(ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    cols = [Dossier.id, Dossier.code, Dossier.paused_since] + [getattr(Dossier, f) for f in _IMPORT_FIELDS]
    names = ["id", "code", "paused_since", *_IMPORT_FIELDS]
    for i in range(0, len(ids), 500):
        for row in Dossier.select(*cols).where(Dossier.id.in_(ids[i:i + 500])).tuples():
            values = dict(zip(names, row))
            out[values["id"]] = values
    return out


def _import_values(r, proc: Procedure, unit_id: int | None, present: set[str], old: dict | None,
                   calendar: WorkCalendar, pauses: dict) -> dict[str, Any]:
    """The dossier's columns from one export row; columns the file does not have keep their old values."""
    def keep(key: str, column: str, value: Any) -> Any:
        return old[key] if old is not None and column not in present else value

    source_due = r.due_at
    if source_due is not None and r.due_date_only:
        source_due = _closing_of(source_due, calendar)
    old_pauses = pauses.get(old["id"], []) if old is not None else []
    if r.closed_at is not None and any(end is None for _, end in old_pauses):
        old_pauses = [(a, b if b is not None else max(a, r.closed_at)) for a, b in old_pauses]
    if source_due is None and old is not None and "due_at" not in present and old["due_from_source"]:
        source_due = old["due_at"] if not old_pauses else calendar.due(old["start_at"], old["limit_days"] or 0, [])
    start, limit, due = compute_timing(calendar, r.received_at, limit_of(proc), source_due, old_pauses)
    received = r.received_at
    closed = keep("closed_at", "closed_at", r.closed_at)
    result = keep("result_at", "result_at", r.result_at)
    # A date without a time on the day of reception means "that day": never before the reception.
    closed = max(closed, received) if closed is not None else None
    result = max(result, received) if result is not None else None
    procedure_name = r.procedure_name or proc.name
    applicant = keep("applicant", "applicant", r.applicant)
    return {
        "procedure": proc.id, "procedure_name": procedure_name, "field": r.field or proc.field,
        "applicant": applicant, "channel": r.channel or (old["channel"] if old is not None else "direct"),
        "received_at": received, "start_at": start, "limit_days": limit, "due_at": due,
        "due_from_source": source_due is not None, "result_at": result, "closed_at": closed,
        "status_text": keep("status_text", "status", r.status),
        "unit": unit_id if unit_id is not None else (old["unit"] if old is not None else proc.lead_unit_id),
        "withdrawn": keep("withdrawn", "status", r.withdrawn),
        "fold_text": search_text(r.code, applicant, procedure_name),
    }


def _overdue_now(values: dict, calendar: WorkCalendar, now: datetime, pauses) -> bool:
    if values["received_at"] > now or values.get("withdrawn"):
        return False
    if not pauses and values.get("paused_since") is None:
        closed = values["closed_at"]
        return closed > values["due_at"] if closed is not None and closed <= now else now > values["due_at"]
    clock = DossierClock(values["received_at"], values["start_at"], values["due_at"], values["limit_days"],
                         values["closed_at"], tuple(pauses))
    t = state_at(clock, calendar, now)
    return bool(t and t.overdue)


def _norm(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0)
    return value


def _audit_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value)


# ---- the lazy listing of the dossier table (filters and order done by the database) ------------------

@dataclass(frozen=True)
class DossierQuery:
    """What the dossier table shows: every field optional; ``state`` as of now."""

    search: str = ""                  # words matched accent-insensitively in code, applicant, procedure
    state: str | None = None          # a timer state, or "open" / "closed"
    unit_id: int | None = None
    field: str | None = None
    received_from: date | None = None
    received_to: date | None = None


@dataclass
class ListRow:
    """One row of the dossier table; ``timer`` is recomputed by the page's countdown."""

    id: int
    code: str
    procedure: str
    field: str
    applicant: str
    channel: str
    received_at: datetime
    start_at: datetime
    due_at: datetime
    limit_days: float | None
    result_at: datetime | None
    closed_at: datetime | None
    paused_since: datetime | None
    unit_id: int | None
    unit: str
    withdrawn: bool
    pauses: tuple = ()
    timer: TimerState | None = None

    def clock(self) -> DossierClock:
        pauses = list(self.pauses)
        if self.paused_since is not None and not any(end is None for _, end in pauses):
            pauses.append((self.paused_since, None))
        return DossierClock(self.received_at, self.start_at, self.due_at, self.limit_days, self.closed_at,
                            tuple(pauses))


SORT_KEYS = {"code": Dossier.code, "procedure": Dossier.procedure_name, "field": Dossier.field,
             "applicant": Dossier.applicant, "channel": Dossier.channel, "received_at": Dossier.received_at,
             "due_at": Dossier.due_at, "closed_at": Dossier.closed_at, "unit": Unit.name}


def _state_condition(state: str, at: datetime, calendar: WorkCalendar, near: float):
    d = Dossier
    running = d.closed_at.is_null() & d.paused_since.is_null()
    closed = d.closed_at.is_null(False)
    threshold = calendar.near_due_threshold(at, near)
    return {
        "open": d.closed_at.is_null(),
        "closed": closed,
        "paused": d.closed_at.is_null() & d.paused_since.is_null(False),
        "overdue": running & (d.due_at < at),
        "near_due": running & (d.due_at >= at) & (d.due_at <= threshold),
        "within_time": running & (d.due_at > threshold),
        "early": closed & (fn.DATE(d.closed_at) < fn.DATE(d.due_at)),
        "on_time": closed & (fn.DATE(d.closed_at) == fn.DATE(d.due_at)) & (d.closed_at <= d.due_at),
        "late": closed & (d.closed_at > d.due_at),
    }[state]


def search_words(text: str) -> list[str]:
    """The words of a search-box text as the dossier search matches them: folded, LIKE's wildcards dropped."""
    return fold(text).replace("%", " ").replace("_", " ").split()


def _where(q: DossierQuery, at: datetime, calendar: WorkCalendar, near: float):
    cond = Dossier.received_at <= at
    for word in search_words(q.search):
        cond &= Dossier.fold_text ** f"%{word}%"   # fold_text is already folded: LIKE's case rules suffice
    if q.state:
        cond &= _state_condition(q.state, at, calendar, near)
    if q.unit_id is not None:
        cond &= Dossier.unit == q.unit_id
    if q.field:
        cond &= Dossier.field == q.field
    if q.received_from is not None:
        cond &= Dossier.received_at >= datetime.combine(q.received_from, time())
    if q.received_to is not None:
        cond &= Dossier.received_at < datetime.combine(q.received_to + timedelta(days=1), time())
    return cond


def count_dossiers(q: DossierQuery = DossierQuery(), at: datetime | None = None) -> int:
    at = _minute(at) or now_minute()
    return Dossier.select().where(_where(q, at, work_calendar(), near_due_days())).count()


def dossier_ids(q: DossierQuery = DossierQuery(), *, order: str = "received_at", descending: bool = True,
                at: datetime | None = None, calendar: WorkCalendar | None = None) -> list[int]:
    """The ids of the dossiers matching ``q`` in display order: one query per filter or sort change.

    The table then loads the rows it shows by id (``rows_by_ids``), so jumping anywhere in 100,000
    rows costs one small query, whatever the sort (OFFSET paging re-sorts everything for each page).
    """
    at = _minute(at) or now_minute()
    calendar = calendar or work_calendar()
    key = SORT_KEYS[order]
    query = (Dossier.select(Dossier.id).join(Unit, JOIN.LEFT_OUTER, on=(Dossier.unit == Unit.id))
             .where(_where(q, at, calendar, near_due_days()))
             .order_by(key.desc(nulls="LAST") if descending else key.asc(nulls="LAST"),
                       Dossier.id.desc() if descending else Dossier.id.asc()))
    return [row[0] for row in _raw(query)]


def search_texts(ids: Sequence[int] | None = None) -> dict[int, str]:
    """{dossier id: ``Dossier.fold_text``} of every dossier (or of ``ids``).

    The dossier table keeps this in memory and matches the typed words itself (``ids_matching``):
    ``LIKE '%word%'`` cannot use an index, so doing it in SQL scans 100,000 rows on every key.
    """
    if ids is None:
        return dict(_raw(Dossier.select(Dossier.id, Dossier.fold_text)))
    texts: dict[int, str] = {}
    for i in range(0, len(ids), 500):
        texts.update(_raw(Dossier.select(Dossier.id, Dossier.fold_text).where(Dossier.id.in_(list(ids[i:i + 500])))))
    return texts


def ids_matching(ids: Sequence[int], texts: Sequence[str],
                 words: Sequence[str]) -> tuple[list[int], list[str]]:
    """Those of ``ids`` (order kept), with their texts, whose search text (``texts``, aligned with ``ids``)
    holds every word of ``search_words``: the dossiers the ``fold_text LIKE '%word%'`` conditions of
    ``dossier_ids`` select, matched in memory."""
    ids, texts = list(ids), list(texts)
    for word in sorted(set(words), key=len, reverse=True):   # the longest word usually leaves the fewest
        keep = [word in t for t in texts]
        ids, texts = list(compress(ids, keep)), list(compress(texts, keep))
    return ids, texts


def rows_by_ids(ids: Sequence[int], at: datetime | None = None,
                calendar: WorkCalendar | None = None) -> list[ListRow]:
    """The table rows of ``ids`` (in that order), each with its timer at ``at`` (default now)."""
    at = _minute(at) or now_minute()
    calendar, near = calendar or work_calendar(), near_due_days()
    found: dict[int, ListRow] = {}
    for i in range(0, len(ids), 500):
        query = (Dossier.select(Dossier.id, Dossier.code, Dossier.procedure_name, Dossier.field, Dossier.applicant,
                                Dossier.channel, Dossier.received_at, Dossier.start_at, Dossier.due_at,
                                Dossier.limit_days, Dossier.result_at, Dossier.closed_at, Dossier.paused_since,
                                Dossier.unit, Unit.name, Dossier.withdrawn)
                 .join(Unit, JOIN.LEFT_OUTER, on=(Dossier.unit == Unit.id))
                 .where(Dossier.id.in_(list(ids[i:i + 500]))))
        for values in _raw(query):
            (id_, code, proc, field_, applicant, channel, received, start, due, limit_days, result, closed, paused,
             unit_id, unit, withdrawn) = values
            found[id_] = ListRow(id_, code, proc, field_, applicant, channel, _moment_value(received),
                                 _moment_value(start), _moment_value(due), limit_days, _moment_value(result),
                                 _moment_value(closed), _moment_value(paused), unit_id, unit or "", bool(withdrawn))
    rows = [found[i] for i in ids if i in found]   # a dossier deleted meanwhile is simply left out
    pauses = pauses_by_dossier([r.id for r in rows]) if rows else {}
    for r in rows:
        r.pauses = tuple(pauses.get(r.id, ()))
        r.timer = state_at(r.clock(), calendar, at, near)
    return rows
