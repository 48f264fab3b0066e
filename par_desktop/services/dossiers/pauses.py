"""Pauses while the applicant supplements the dossier (chờ bổ sung): the clock stops."""

from __future__ import annotations

from datetime import datetime

from peewee import fn

from par_desktop.db import connection
from par_desktop.db.changes import audit, update_record
from par_desktop.db.models import Dossier, DossierPause
from par_desktop.domain.text import nfc, ui_moment
from par_desktop.errors import InvalidInput
from par_desktop.services.dossiers.timing import (
    STATUS_IN_PROGRESS, STATUS_WAITING, compute_timing, get_dossier, minute, now_minute, pauses_by_dossier,
    refuse_future, work_calendar,
)
from par_desktop.services.session import Actor, require


def end_open_pauses(actor: Actor, dossier_id: int, closed_at: datetime) -> None:
    """End the running pause of a dossier that is being closed (inside the caller's transaction)."""
    for pause in DossierPause.select().where((DossierPause.dossier == dossier_id) & DossierPause.resumed_at.is_null()):
        end = max(pause.paused_at, closed_at)
        DossierPause.update(resumed_at=end).where(DossierPause.id == pause.id).execute()
        audit(actor.username, "update", "dossier_pause", pause.id, "resumed_at", None, end)


def pause_dossier(actor: Actor, dossier_id: int, at: datetime | None, reason: str) -> DossierPause:
    """Stop the clock while the applicant supplements the dossier. The reason (what the applicant must
    supplement) is required: it is shown in the dossier's timeline and asked about when the clock is
    questioned; ``at`` None = now."""
    require(actor, "dossiers")
    at = minute(at) or now_minute()
    reason = nfc(reason)
    if not reason:
        raise InvalidInput("Hãy ghi lý do tạm dừng (hồ sơ chờ bổ sung gì).")
    refuse_future(at, "Thời điểm tạm dừng")
    with connection.write_transaction():
        d = get_dossier(dossier_id)
        if d.closed_at is not None:
            raise InvalidInput("Hồ sơ đã kết thúc, không thể tạm dừng.")
        if d.paused_since is not None:
            raise InvalidInput(f"Hồ sơ đang tạm dừng từ {ui_moment(d.paused_since)}.")
        if at < d.received_at:
            raise InvalidInput("Thời điểm tạm dừng không được trước ngày tiếp nhận.")
        last = DossierPause.select(fn.MAX(DossierPause.resumed_at)).where(DossierPause.dossier == d.id).scalar()
        if last is not None and at < last:
            raise InvalidInput(f"Lần tạm dừng trước kết thúc lúc {ui_moment(last)}; thời điểm mới phải sau đó.")
        pause = DossierPause.create(dossier=d.id, paused_at=at, reason=reason)
        audit(actor.username, "insert", "dossier_pause", pause.id, "reason", None, reason)
        update_record(Dossier, d.id, None, actor.username, paused_since=at, status_text=STATUS_WAITING)
        return pause


def resume_dossier(actor: Actor, dossier_id: int, at: datetime | None = None) -> Dossier:
    """Restart the clock: the paused working time moves the due moment later."""
    require(actor, "dossiers")
    at = minute(at) or now_minute()
    refuse_future(at, "Thời điểm tiếp tục")
    calendar = work_calendar()
    with connection.write_transaction():
        d = get_dossier(dossier_id)
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
        return update_record(Dossier, d.id, None, actor.username, paused_since=None, due_at=due,
                             status_text=STATUS_IN_PROGRESS)


def pauses_of(dossier_id: int) -> list[DossierPause]:
    return list(DossierPause.select().where(DossierPause.dossier == dossier_id).order_by(DossierPause.paused_at))
