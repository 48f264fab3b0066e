"""Filling the TTHC catalogue from the lists the office already has (``import catalog``, Danh mục →
Thủ tục → Nhập danh mục…), and abolishing what a new list no longer names.

One file = one transaction: a file with a bad row (no code, a limit that cannot be read, the same code
twice with different limits) is refused whole, naming every row. A code already in the catalogue is
updated, each changed field audited; importing the same list again changes nothing. Procedures in force
that the list does not name are returned as ``missing``, to be offered for marking abolished
(``abolish``) — never deleted: their dossiers keep pointing at them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from par_desktop.db import connection
from par_desktop.db.changes import audit, insert_record, update_record
from par_desktop.db.models import Procedure, ProcedureStep
from par_desktop.domain.limits import TimeLimit
from par_desktop.domain.text import fold, nfc, unit_key
from par_desktop.errors import InvalidInput
from par_desktop.importers.catalog import CatalogRow, read_catalog_file
from par_desktop.importers.dossiers import ImportRefused, RowProblem
from par_desktop.services import org
from par_desktop.services.session import Actor, require


@dataclass(frozen=True)
class MissingProcedure:
    id: int
    code: str
    name: str
    dossiers: int


@dataclass
class CatalogImport:
    total: int = 0                       # procedures named by the file
    created: list[str] = field(default_factory=list)     # codes
    updated: list[str] = field(default_factory=list)
    to_complete: list[str] = field(default_factory=list)  # codes still without a limit
    missing: list[MissingProcedure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _limit_values(limit: TimeLimit) -> dict:
    return {"limit_days": float(limit.amount), "limit_unit": limit.unit, "limit_text": limit.text,
            "limit_note": limit.note, "needs_completion": False}


def _deduplicate(rows: list[CatalogRow], problems: list[RowProblem], warnings: list[str]) -> list[CatalogRow]:
    first: dict[str, CatalogRow] = {}
    for row in rows:
        seen = first.get(row.code)
        if seen is None:
            first[row.code] = row
        elif (seen.limit is not None and row.limit is not None     # a row without a limit contradicts nothing
              and (seen.limit.amount, seen.limit.unit) != (row.limit.amount, row.limit.unit)):
            problems.append(RowProblem(row.row, f"mã «{row.code}» đã có ở dòng {seen.row} với thời hạn khác "
                                                f"({seen.limit.label} / {row.limit.label})"))
        else:
            warnings.append(f"Dòng {row.row}: mã «{row.code}» lặp lại dòng {seen.row}, bỏ qua.")
    return list(first.values())


def _units_of(rows: list[CatalogRow], warnings: list[str]) -> dict[str, int | None]:
    """Unit text -> unit id. A name that matches no unit (often the agency itself, "Sở Lao động - …")
    leaves the lead unit empty; a name that is neither the agency nor a unit is named in a warning."""
    agency = ""
    try:
        agency = unit_key(org.org_names().agency_short)
    except Exception:  # noqa: BLE001 — NotFound: no organisation recorded yet
        agency = ""
    out: dict[str, int | None] = {}
    for row in rows:
        if not row.unit or row.unit in out:
            continue
        unit = org.match_unit(row.unit)
        out[row.unit] = unit.id if unit is not None else None
        if unit is None and not fold(row.unit).startswith("so ") and unit_key(row.unit) != agency:
            warnings.append(f"Dòng {row.row}: đơn vị «{row.unit}» không khớp đơn vị nào, để trống đơn vị chủ trì.")
    return out


def import_catalog(actor: Actor, path: str | Path) -> CatalogImport:
    """Read ``path`` and write the catalogue in one transaction (see the module docstring)."""
    require(actor, "dossiers")
    parsed = read_catalog_file(path)
    result = CatalogImport(warnings=list(parsed.warnings))
    problems = list(parsed.problems)
    rows = _deduplicate(parsed.rows, problems, result.warnings)
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise ImportRefused(parsed.path, problems, nothing_saved="chưa nhập thủ tục nào")
    units = _units_of(rows, result.warnings)
    result.total = len(rows)
    with connection.write_transaction():
        existing = {p.code: p for p in Procedure.select()}
        step_totals = _step_totals()
        for row in rows:
            values = _values(row, units, parsed.present)
            current = existing.get(row.code)
            if current is None:
                values.setdefault("field", "")
                if row.limit is None:
                    values.update(limit_days=0.0, needs_completion=True)
                insert_record(Procedure, actor.username, code=row.code, **values)
                result.created.append(row.code)
            else:
                _check_steps(row, current, step_totals.get(current.id, 0.0), parsed.path)
                if not current.in_force:
                    values["in_force"] = True
                before = current.version
                if update_record(Procedure, current.id, None, actor.username, **values).version != before:
                    result.updated.append(row.code)
            if (row.limit is None and (current is None or current.needs_completion)):
                result.to_complete.append(row.code)
        named = {row.code for row in rows}
        counts = _dossier_counts()
        result.missing = [MissingProcedure(p.id, p.code, p.name, counts.get(p.id, 0))
                          for p in sorted(existing.values(), key=lambda p: p.code)
                          if p.in_force and p.code not in named]
        audit(actor.username, "import", "procedure", "", "file", None,
              f"{Path(path).name}: {len(result.created)} mới, {len(result.updated)} cập nhật")
    return result


def _values(row: CatalogRow, units: dict[str, int | None], present: set[str]) -> dict:
    """The fields the file states for this row (a column the file lacks leaves the stored value)."""
    values: dict = {"name": row.name}
    if row.field:
        values["field"] = row.field
    if row.limit is not None:
        values.update(_limit_values(row.limit))
    if "level" in present:
        values["level"] = row.level
    if units.get(row.unit) is not None:
        values["lead_unit"] = units[row.unit]
    if row.decision_number:
        values["decision_number"] = row.decision_number
    if row.published_on is not None:
        values["published_on"] = row.published_on
    if row.effective_on is not None:
        values["effective_on"] = row.effective_on
    return values


def _step_totals() -> dict[int, float]:
    from peewee import fn

    return dict(ProcedureStep.select(ProcedureStep.procedure, fn.SUM(ProcedureStep.budget_days))
                .group_by(ProcedureStep.procedure).tuples())


def _dossier_counts() -> dict[int, int]:
    from peewee import fn

    from par_desktop.db.models import Dossier

    return dict(Dossier.select(Dossier.procedure, fn.COUNT(Dossier.id)).where(Dossier.procedure.is_null(False))
                .group_by(Dossier.procedure).tuples())


def _check_steps(row: CatalogRow, current: Procedure, steps_total: float, path: Path) -> None:
    if row.limit is None or not steps_total:
        return
    days = row.limit.working_days()
    if days is not None and steps_total > days + 1e-9:
        raise ImportRefused(path, [RowProblem(row.row, (
            f"thời hạn mới của «{row.code}» ({row.limit.label}) ngắn hơn tổng thời gian các bước nội bộ "
            f"({steps_total:g} ngày); hãy sửa các bước trong Danh mục trước"))], nothing_saved="chưa nhập thủ tục nào")


def abolish(actor: Actor, procedure_ids: Iterable[int]) -> int:
    """Mark procedures abolished (hết hiệu lực): kept with their dossiers, left out of the catalogue in force."""
    require(actor, "dossiers")
    count = 0
    with connection.write_transaction():
        for procedure_id in procedure_ids:
            procedure = Procedure.get_or_none(Procedure.id == procedure_id)
            if procedure is None:
                raise InvalidInput(f"Không còn thủ tục số {procedure_id} trong danh mục.")
            if procedure.in_force:
                update_record(Procedure, procedure.id, None, actor.username, in_force=False)
                count += 1
    return count


def abolish_codes(actor: Actor, codes: Iterable[str]) -> int:
    ids = []
    for code in codes:
        procedure = Procedure.get_or_none(Procedure.code == nfc(code))
        if procedure is None:
            raise InvalidInput(f"Không có thủ tục mã «{nfc(code)}» trong danh mục.")
        ids.append(procedure.id)
    return abolish(actor, ids)
