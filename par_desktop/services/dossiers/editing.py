"""Dossiers entered, edited and deleted by hand (optimistic concurrency, audited)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from par_desktop.db import connection
from par_desktop.db.changes import delete_record, insert_record, update_record
from par_desktop.db.models import Dossier, DossierPause, Procedure
from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.salutation import KINDS as APPLICANT_KINDS
from par_desktop.domain.service_index import PAYMENT_LABELS, RATING_LABELS
from par_desktop.domain.text import nfc
from par_desktop.errors import InvalidInput, NotFound
from par_desktop.services.dossiers.pauses import end_open_pauses
from par_desktop.services.dossiers.timing import (
    CHANNELS, SERVICE_FIELDS, STATUS_IN_PROGRESS, STATUS_RETURNED, STATUS_WAITING, compute_timing, get_dossier,
    minute, pauses_by_dossier, refuse_future, search_text, work_calendar,
)
from par_desktop.services.session import Actor, require
from par_desktop.services.procedures import limit_of

EDITABLE = ("code", "procedure_id", "procedure_name", "field", "applicant", "applicant_kind", "channel",
            "received_at", "due_at", "result_at", "closed_at", "status_text", "unit_id", "withdrawn", *SERVICE_FIELDS)


def check_service_values(v: dict[str, Any]) -> None:
    """The service columns of a dossier being saved hold only the values the figures know."""
    for key in ("digitised_dossier", "digitised_result"):
        if v.get(key) not in (None, True, False):
            raise InvalidInput("Số hóa hồ sơ, số hóa kết quả: chỉ có Có, Không hoặc Chưa rõ.")
    if v.get("payment") is not None and v["payment"] not in PAYMENT_LABELS:
        raise InvalidInput("Thanh toán phải là Trực tuyến, Trực tiếp, Không thu phí hoặc Chưa rõ.")
    if v.get("rating") is not None and v["rating"] not in RATING_LABELS:
        raise InvalidInput("Đánh giá phải là một mức hài lòng hoặc Chưa đánh giá.")


def _check_values(v: dict[str, Any]) -> None:
    check_service_values(v)
    if not v.get("code"):
        raise InvalidInput("Mã hồ sơ không được để trống.")
    if v.get("channel") not in CHANNELS:
        raise InvalidInput("Hình thức nộp phải là Trực tuyến, Trực tiếp hoặc Bưu chính.")
    if v.get("applicant_kind", "") not in ("", *APPLICANT_KINDS):
        raise InvalidInput("Danh xưng người nộp phải là Ông, Bà hoặc Tổ chức.")
    received = v["received_at"]
    for key, label in (("closed_at", "Ngày trả kết quả"), ("result_at", "Ngày có kết quả")):
        if v.get(key) is not None and v[key] < received:
            raise InvalidInput(f"{label} không được trước ngày tiếp nhận.")

    if v.get("source_due") is not None and v["source_due"] < received:
        raise InvalidInput("Hạn xử lý không được trước ngày tiếp nhận.")


MOMENT_LABELS = {"received_at": "Thời điểm tiếp nhận", "result_at": "Thời điểm có kết quả",
                 "closed_at": "Thời điểm trả kết quả"}


def _refuse_future_moments(values: dict[str, Any]) -> None:
    """Reception, result and return are recorded after they happened (an appointment may be ahead)."""
    for key, label in MOMENT_LABELS.items():
        if isinstance(values.get(key), datetime):
            refuse_future(values[key], label)


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
                   closed_at: datetime | None = None, status_text: str = "", withdrawn: bool = False,
                   digitised_dossier: bool | None = None, digitised_result: bool | None = None,
                   payment: str | None = None, rating: str = "", applicant_kind: str = "") -> Dossier:
    """Enter a dossier by hand; ``due_at`` given = an appointment that wins over the procedure's limit.
    The service columns left at None stay unknown (not counted by the service figures)."""
    require(actor, "dossiers")
    proc = _procedure(procedure_id)
    if proc is None:
        raise InvalidInput("Cần chọn thủ tục hành chính.")
    values: dict[str, Any] = {"code": nfc(code), "channel": channel, "received_at": minute(received_at),
              "closed_at": minute(closed_at), "result_at": minute(result_at), "source_due": minute(due_at),
              "digitised_dossier": digitised_dossier, "digitised_result": digitised_result, "payment": payment,
              "rating": rating or "", "applicant_kind": applicant_kind or ""}
    _check_values(values)
    _refuse_future_moments(values)
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
            withdrawn=withdrawn, fold_text=search_text(values["code"], nfc(applicant), proc.name),
            digitised_dossier=digitised_dossier, digitised_result=digitised_result, payment=payment,
            rating=rating or "", applicant_kind=values["applicant_kind"])


def update_dossier(actor: Actor, dossier_id: int, expected_version: int | None, **changes: Any) -> Dossier:
    """Edit a dossier (optimistic concurrency). Giving ``due_at`` sets an appointment by hand; giving
    ``due_at=None`` goes back to the procedure's limit. Start and due are recomputed as needed."""
    require(actor, "dossiers")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    calendar = work_calendar()
    with connection.write_transaction():
        d = get_dossier(dossier_id)
        _refuse_future_moments({k: v for k, v in changes.items()    # a stored moment is not typed again
                                if isinstance(v, datetime) and minute(v) != getattr(d, k, None)})
        merged = {k: getattr(d, k) for k in EDITABLE if k != "due_at"}
        merged.update({k: (minute(v) if isinstance(v, datetime) else nfc(v) if isinstance(v, str) else v)
                       for k, v in changes.items() if k != "due_at"})
        source_due = minute(changes["due_at"]) if "due_at" in changes else appointment_of(d, calendar)
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
            end_open_pauses(actor, d.id, merged["closed_at"])
            values["paused_since"] = None
        if merged["status_text"] == d.status_text and (merged["closed_at"] is None) != (d.closed_at is None):
            values["status_text"] = (STATUS_RETURNED if merged["closed_at"] is not None
                                     else STATUS_WAITING if d.paused_since is not None else STATUS_IN_PROGRESS)
        values.update(procedure=merged["procedure_id"], unit=merged["unit_id"], start_at=start, limit_days=limit,
                      due_at=due, due_from_source=source_due is not None,
                      fold_text=search_text(merged["code"], merged["applicant"], merged["procedure_name"]))
        if merged["code"] != d.code and Dossier.select().where(
                (Dossier.code == merged["code"]) & (Dossier.id != d.id)).exists():
            raise InvalidInput(f"Đã có hồ sơ mã «{merged['code']}».")
        return update_record(Dossier, d.id, expected_version, actor.username, **values)


def appointment_of(d: Dossier, calendar: WorkCalendar | None = None) -> datetime | None:
    """The appointment given by the export or typed by hand, before any pause moved it; None when the
    due moment comes from the procedure's limit."""
    if not d.due_from_source:
        return None
    if not DossierPause.select().where(DossierPause.dossier == d.id).exists():
        return d.due_at
    return (calendar or work_calendar()).due(d.start_at, d.limit_days or 0, [])


def delete_dossier(actor: Actor, dossier_id: int) -> None:
    require(actor, "dossiers")
    with connection.write_transaction():
        delete_record(get_dossier(dossier_id), actor.username)
