"""A dossier's timing (start, limit, due) and its timer, read from the stored rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, overload

from peewee import JOIN

from par_desktop.db import connection
from par_desktop.db.models import Dossier, DossierPause, Unit
from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.limits import TimeLimit
from par_desktop.domain.text import fold, nfc, ui_moment
from par_desktop.domain.timers import DossierClock, TimerState, state_at
from par_desktop.errors import InvalidInput, NotFound
from par_desktop.services import settings
from par_desktop.services.calendar import current_calendar

CHANNELS = ("online", "direct", "post")
CHANNEL_LABELS = {"online": "Trực tuyến", "direct": "Trực tiếp", "post": "Bưu chính"}
# The one-stop service columns (DOMAIN.md §10); None on a dossier = not known.
SERVICE_FIELDS = ("digitised_dossier", "digitised_result", "payment", "rating")
# The one-stop software's status of a dossier ("Trạng thái phần mềm", imported), as this app updates it
# when a clerk records the event here (the next import brings the software's own wording back).
STATUS_IN_PROGRESS = "Đang xử lý"
STATUS_WAITING = "Chờ bổ sung"
STATUS_RETURNED = "Đã trả kết quả"


def work_calendar() -> WorkCalendar:
    return current_calendar()


def near_due_days() -> float:
    return float(settings.get(settings.NEAR_DUE_DAYS))


def now_minute() -> datetime:
    return datetime.now().replace(second=0, microsecond=0)


@overload
def minute(moment: datetime) -> datetime: ...
@overload
def minute(moment: None) -> None: ...
@overload
def minute(moment: datetime | None) -> datetime | None: ...


def minute(moment: datetime | None) -> datetime | None:
    """The moment to the minute (dossier times are kept to the minute)."""
    return None if moment is None else moment.replace(second=0, microsecond=0)


def refuse_future(moment: datetime | None, what: str) -> None:
    """Events of a dossier (received, paused, resumed, handed over, result, returned) are recorded once
    they happened: a moment after the current minute is a typing slip (a month or a year off)."""
    if moment is not None and minute(moment) > now_minute():
        raise InvalidInput(f"{what} {ui_moment(moment)} chưa đến: chỉ ghi được việc đã xảy ra "
                           f"(bây giờ là {ui_moment(now_minute())}).")


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


def get_dossier(dossier_id: int) -> Dossier:
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
    at = minute(at) or now_minute()
    calendar, near = work_calendar(), near_due_days()
    pauses = pauses_by_dossier()
    query = (Dossier.select(Dossier.id, Dossier.code, Dossier.procedure_name, Dossier.field, Dossier.channel,
                            Dossier.received_at, Dossier.start_at, Dossier.due_at, Dossier.limit_days,
                            Dossier.closed_at, Dossier.paused_since, Unit.name)
             .join(Unit, JOIN.LEFT_OUTER, on=(Dossier.unit == Unit.id))
             .where(Dossier.received_at <= at)
             .order_by(Dossier.received_at, Dossier.code))
    out = []
    for (id_, code, proc, field_, channel, received, start, due, limit, closed, paused_since, unit) in raw_rows(query):
        received, start, due, closed, paused_since = map(moment_value, (received, start, due, closed, paused_since))
        p = list(pauses.get(id_, ()))
        if paused_since is not None and not any(end is None for _, end in p):
            p.append((paused_since, None))
        t = state_at(DossierClock(received, start, due, limit, closed, tuple(p)), calendar, at, near)
        out.append({"code": code, "procedure": proc, "field": field_, "channel": channel,
                    "received_at": _iso(received), "due_at": _iso(t.due_at), "closed_at": _iso(t.closed_at),
                    "state": t.state, "unit": unit})
    return out


def raw_rows(query):
    """The query's rows as the driver returns them: peewee's per-value conversion of 100,000 rows of
    moments costs seconds; ``moment_value`` does it in C."""
    return connection.current().execute_sql(*query.sql())


def moment_value(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="minutes")



def closing_of(day: datetime, calendar: WorkCalendar) -> datetime:
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
