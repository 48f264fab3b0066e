"""Trả kết quả: the result handed to the applicant, which ends the dossier's clock (DOMAIN.md §4: only
the return completes a dossier). One action instead of editing two moments by hand: it records the
result (when the dossier had none yet) and the return, ends a running pause, and sets the software
status to "Đã trả kết quả"."""

from __future__ import annotations

from datetime import datetime

from par_desktop.db import connection
from par_desktop.db.models import Dossier
from par_desktop.domain.text import ui_moment
from par_desktop.errors import InvalidInput
from par_desktop.services.dossiers.editing import update_dossier
from par_desktop.services.dossiers.timing import (
    STATUS_RETURNED, get_dossier, minute, now_minute, pauses_by_dossier, refuse_future,
)
from par_desktop.services.session import Actor, require


def return_result(actor: Actor, dossier_id: int, at: datetime | None = None, *,
                  result_at: datetime | None = None) -> Dossier:
    """Record that the result was returned at ``at`` (None = now). ``result_at`` is when the result was
    ready: the one already recorded when not given, else the return moment itself."""
    require(actor, "dossiers")
    at = minute(at) or now_minute()
    refuse_future(at, "Thời điểm trả kết quả")
    refuse_future(result_at, "Thời điểm có kết quả")
    with connection.write_transaction():
        d = get_dossier(dossier_id)
        if d.closed_at is not None:
            raise InvalidInput(f"Hồ sơ {d.code} đã trả kết quả lúc {ui_moment(d.closed_at)}.")
        if d.withdrawn:
            raise InvalidInput(f"Hồ sơ {d.code} đã rút hoặc bị trả lại: không có kết quả để trả.")
        result = minute(result_at) or d.result_at or at
        if at < d.received_at:
            raise InvalidInput(f"Thời điểm trả kết quả không được trước lúc tiếp nhận ({ui_moment(d.received_at)}).")
        if result < d.received_at:
            raise InvalidInput(f"Thời điểm có kết quả không được trước lúc tiếp nhận ({ui_moment(d.received_at)}).")
        if result > at:
            raise InvalidInput(f"Thời điểm có kết quả ({ui_moment(result)}) không được sau lúc trả kết quả "
                               f"({ui_moment(at)}).")
        paused = [start for start, _ in pauses_by_dossier([d.id]).get(d.id, []) if start > at]
        if paused:
            raise InvalidInput(f"Hồ sơ tạm dừng lúc {ui_moment(max(paused))}: thời điểm trả kết quả phải sau đó.")
        return update_dossier(actor, d.id, None, result_at=result, closed_at=at, status_text=STATUS_RETURNED)
