"""The TTHC catalogue (danh mục thủ tục hành chính): procedures with their field, lead unit, time limit
in working days and internal steps (a unit and a budget each), in force or abolished, and the yearly
review the plan asks for — at least 10% of the procedures in force reviewed each year, per unit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from peewee import Case, fn

from par_desktop.db import connection
from par_desktop.db.changes import audit, delete_record, insert_record, update_record
from par_desktop.db.models import Dossier, Procedure, ProcedureStep, Unit
from par_desktop.domain.limits import LIMIT_UNITS, WORKING_DAYS, TimeLimit, parse_limit
from par_desktop.domain.text import fold, nfc
from par_desktop.errors import InvalidInput, NotFound
from par_desktop.services.session import Actor, require

REVIEW_TARGET = 0.10  # Kế hoạch: rà soát, đánh giá tối thiểu 10% TTHC đang còn hiệu lực


@dataclass(frozen=True)
class Step:
    name: str
    unit_id: int | None
    budget_days: float


def list_procedures(in_force_only: bool = False, search: str = "") -> list[Procedure]:
    query = Procedure.select().order_by(Procedure.field, Procedure.code)
    if in_force_only:
        query = query.where(Procedure.in_force)
    rows = list(query)
    if search:
        key = fold(search)
        rows = [p for p in rows if key in fold(f"{p.code} {p.name} {p.field}")]
    return rows


def fields() -> list[str]:
    """Every field (lĩnh vực) of the catalogue and of the dossiers, for filters."""
    names = {f for (f,) in Procedure.select(Procedure.field).distinct().tuples() if f}
    names |= {f for (f,) in Dossier.select(Dossier.field).distinct().tuples() if f}
    return sorted(names, key=lambda f: (fold(f), f))


def get_procedure(procedure_id: int) -> Procedure | None:
    return Procedure.get_or_none(Procedure.id == procedure_id)


def procedure_by_code(code: str) -> Procedure:
    p = Procedure.get_or_none(Procedure.code == nfc(code))
    if p is None:
        raise NotFound(f"Không có thủ tục mã «{nfc(code)}» trong danh mục.")
    return p


def steps_of(procedure_id: int) -> list[ProcedureStep]:
    return list(ProcedureStep.select().where(ProcedureStep.procedure == procedure_id).order_by(ProcedureStep.position))


def _check(code: str, name: str, limit_days: float, steps: Sequence[Step], limit_unit: str = WORKING_DAYS) -> None:
    if not code:
        raise InvalidInput("Mã thủ tục không được để trống.")
    if not name:
        raise InvalidInput("Tên thủ tục không được để trống.")
    if limit_unit not in LIMIT_UNITS:
        raise InvalidInput(f"Đơn vị thời hạn «{limit_unit}» không hợp lệ.")
    if limit_days is None or limit_days <= 0:
        raise InvalidInput("Thời hạn giải quyết phải lớn hơn 0.")
    if any(s.budget_days <= 0 for s in steps):
        raise InvalidInput("Thời gian của mỗi bước phải lớn hơn 0 ngày làm việc.")
    total = sum(s.budget_days for s in steps)
    working = TimeLimit(limit_days, limit_unit).working_days()
    if working is not None and total > working + 1e-9:
        raise InvalidInput(f"Tổng thời gian các bước ({total:g} ngày) vượt thời hạn giải quyết ({working:g} ngày làm việc).")


def limit_fields(wording: str) -> dict:
    """The Procedure fields of a limit written in words ("05 ngày làm việc kể từ …"); raises InvalidInput."""
    limit = parse_limit(wording)
    return {"limit_days": float(limit.amount), "limit_unit": limit.unit, "limit_text": limit.text,
            "limit_note": limit.note}


def limit_of(procedure: Procedure) -> TimeLimit | None:
    """The procedure's limit, or None while it has none (added from a one-stop export, to complete)."""
    if procedure.needs_completion or not procedure.limit_days:
        return None
    return TimeLimit(procedure.limit_days, procedure.limit_unit or WORKING_DAYS, procedure.limit_note,
                     procedure.limit_text)


def _write_steps(procedure_id: int, steps: Sequence[Step]) -> None:
    ProcedureStep.delete().where(ProcedureStep.procedure == procedure_id).execute()
    for position, s in enumerate(steps, start=1):
        ProcedureStep.create(procedure=procedure_id, position=position, name=nfc(s.name), unit=s.unit_id,
                             budget_days=s.budget_days)


def _steps_text(steps: Sequence[Step]) -> str:
    return "; ".join(f"{s.name} ({s.unit_id}, {s.budget_days:g} ngày)" for s in steps)


EXTRA_FIELDS = ("limit_unit", "limit_text", "limit_note", "decision_number", "published_on", "effective_on")


def create_procedure(actor: Actor, *, code: str, name: str, field: str, limit_days: float,
                     lead_unit_id: int | None = None, in_force: bool = True, reviewed_year: int | None = None,
                     level: str = "", steps: Sequence[Step] = (), **extra) -> Procedure:
    """Add a procedure; ``extra`` may carry ``EXTRA_FIELDS`` (the limit's unit and wording, the
    publication decision and its dates)."""
    require(actor, "dossiers")
    if set(extra) - set(EXTRA_FIELDS):
        raise ValueError(f"unknown fields: {sorted(set(extra) - set(EXTRA_FIELDS))}")
    code, name, field = nfc(code), nfc(name), nfc(field)
    extra = {k: nfc(v) if isinstance(v, str) else v for k, v in extra.items()}
    _check(code, name, limit_days, steps, extra.get("limit_unit", WORKING_DAYS))
    with connection.write_transaction():
        if Procedure.select().where(Procedure.code == code).exists():
            raise InvalidInput(f"Đã có thủ tục mã «{code}».")
        p = insert_record(Procedure, actor.username, code=code, name=name, field=field, lead_unit=lead_unit_id,
                          limit_days=float(limit_days), in_force=in_force, reviewed_year=reviewed_year,
                          level=nfc(level), **extra)
        if steps:
            _write_steps(p.id, steps)
            audit(actor.username, "update", "procedure", p.id, "steps", None, _steps_text(steps))
        return p


def update_procedure(actor: Actor, procedure_id: int, expected_version: int | None,
                     steps: Sequence[Step] | None = None, **changes) -> Procedure:
    """Edit a catalogue entry. A new limit applies to dossiers entered or imported from now on."""
    require(actor, "dossiers")
    allowed = {"code", "name", "field", "limit_days", "lead_unit", "in_force", "reviewed_year", "level",
               "needs_completion", *EXTRA_FIELDS}
    if set(changes) - allowed:
        raise ValueError(f"not editable: {sorted(set(changes) - allowed)}")
    changes = {k: nfc(v) if isinstance(v, str) else v for k, v in changes.items()}
    with connection.write_transaction():
        current = Procedure.get_or_none(Procedure.id == procedure_id)
        if current is None:
            raise NotFound("Thủ tục không còn trong danh mục (có thể người khác vừa xóa).")
        merged_steps = steps if steps is not None else [Step(s.name, s.unit_id, s.budget_days)
                                                        for s in steps_of(procedure_id)]
        _check(changes.get("code", current.code), changes.get("name", current.name),
               changes.get("limit_days", current.limit_days), merged_steps,
               changes.get("limit_unit", current.limit_unit))
        if "limit_days" in changes:
            changes.setdefault("needs_completion", False)   # a limit given completes a procedure from an export
        if "code" in changes and changes["code"] != current.code and Procedure.select().where(
                (Procedure.code == changes["code"]) & (Procedure.id != procedure_id)).exists():
            raise InvalidInput(f"Đã có thủ tục mã «{changes['code']}».")
        p = update_record(Procedure, procedure_id, expected_version, actor.username, **changes)
        if steps is not None:
            old = _steps_text([Step(s.name, s.unit_id, s.budget_days) for s in steps_of(procedure_id)])
            if old != _steps_text(steps):
                _write_steps(procedure_id, steps)
                audit(actor.username, "update", "procedure", procedure_id, "steps", old, _steps_text(steps))
        return p


def delete_procedure(actor: Actor, procedure_id: int) -> None:
    """Remove an entry typed by mistake; a procedure with dossiers is abolished instead (in_force off)."""
    require(actor, "dossiers")
    with connection.write_transaction():
        p = Procedure.get_or_none(Procedure.id == procedure_id)
        if p is None:
            return
        used = Dossier.select().where(Dossier.procedure == procedure_id).count()
        if used:
            raise InvalidInput(f"Thủ tục «{p.code}» đã có {used} hồ sơ, không xóa được; "
                               "hãy đánh dấu «hết hiệu lực» thay vì xóa.")
        delete_record(p, actor.username)


def mark_reviewed(actor: Actor, procedure_id: int, year: int) -> Procedure:
    require(actor, "dossiers")
    with connection.write_transaction():
        return update_record(Procedure, procedure_id, None, actor.username, reviewed_year=year)


@dataclass(frozen=True)
class UnitReview:
    unit_id: int | None
    unit: str
    in_force: int
    reviewed: int
    required: int           # at least 10% of the procedures in force, rounded up

    @property
    def share(self) -> float | None:
        return None if not self.in_force else 100.0 * self.reviewed / self.in_force

    @property
    def meets_target(self) -> bool:
        return self.reviewed >= self.required


def review_share(year: int) -> list[UnitReview]:
    """Per lead unit: procedures in force, those reviewed in ``year``, and the 10% target."""
    reviewed = fn.SUM(Case(None, [(Procedure.reviewed_year == year, 1)], 0))
    rows = (Procedure.select(Procedure.lead_unit, fn.COUNT(Procedure.id), reviewed)
            .where(Procedure.in_force).group_by(Procedure.lead_unit).tuples())
    names = {u.id: (u.sort_order, u.name) for u in Unit.select()}
    out = [UnitReview(unit_id, names.get(unit_id, (10**6, "(Chưa giao đơn vị)"))[1], int(n), int(r or 0),
                      math.ceil(REVIEW_TARGET * int(n) - 1e-9))
           for unit_id, n, r in rows]
    out.sort(key=lambda u: names.get(u.unit_id, (10**6, u.unit)))
    return out
