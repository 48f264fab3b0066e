"""Importing a one-stop export (all or nothing, in one transaction)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from par_desktop.db import audit_chain, connection
from par_desktop.db.bulk import bulk_insert, bulk_update
from par_desktop.db.changes import current_session_id, insert_record
from par_desktop.db.models import Dossier, Procedure, Unit
from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.text import fold, unit_key
from par_desktop.domain.timers import DossierClock, state_at
from par_desktop.errors import NotFound
from par_desktop.importers.dossiers import ImportRefused, RowProblem, read_dossier_file
from par_desktop.services import org
from par_desktop.services.dossiers.pauses import end_open_pauses
from par_desktop.services.dossiers.timing import (
    SERVICE_FIELDS, closing_of, compute_timing, minute, now_minute, pauses_by_dossier, search_text, work_calendar,
)
from par_desktop.services.procedures import limit_of
from par_desktop.services.session import Actor, require


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
                  "withdrawn", "fold_text", "applicant_kind", *SERVICE_FIELDS)


def import_dossiers(actor: Actor, path: str | Path, *, skip_invalid: bool = False,
                    progress: Callable[[int, int | None, str], None] | None = None,
                    at: datetime | None = None, date_order: str | None = None,
                    unit_choices: dict[str, int | None] | None = None) -> ImportSummary:
    """Import a one-stop export in one transaction. A dossier code already known updates that dossier
    (each changed field audited). Rows with problems refuse the whole file (``ImportRefused`` lists them
    all) unless ``skip_invalid``, which imports the rest and reports the refused rows. Text dates are read
    in ``date_order`` ("dmy"/"mdy"), or in the order the file shows (``AmbiguousDates`` when it does not:
    see ``importers.dossiers``).

    Exports come as they come: a procedure the catalogue lacks is added from the row's own columns
    (code, name, field; ``needs_completion``, no limit) and named in a warning — its dossiers need the
    export's due moment; a processing unit that matches none is mapped by ``unit_choices`` (name -> an
    existing unit's id, remembered as an alias; None: a new unit) or, when the clerk was not asked (the
    command line), added as a new unit and named in a warning. Names that differ only in case, dashes
    or "Phòng" are one unit."""
    require(actor, "import")
    path = Path(path)
    from par_desktop.services import settings

    first_year = int(settings.get(settings.IMPORT_FIRST_YEAR))
    last_year = date.today().year + int(settings.get(settings.IMPORT_YEARS_AHEAD))
    parsed = read_dossier_file(path, progress, date_order, (first_year, last_year))
    matched = _match(parsed)
    if matched.problems and not skip_invalid:
        raise ImportRefused(path, matched.problems)
    summary = ImportSummary(file=path.name, refused=matched.problems, warnings=matched.warnings())
    total = len(matched.rows)
    if progress is not None:
        progress(0, total, "Đang ghi vào cơ sở dữ liệu")
    _write(actor, path, matched, unit_choices or {}, parsed.present, minute(at) or now_minute(), summary, progress,
           skip_invalid)
    if progress is not None:
        progress(total, total, "Xong")
    return summary


@dataclass
class _Matched:
    """The file's rows matched to the catalogue and the units, by dossier code (the last row of a code wins)."""

    rows: dict[str, Any] = field(default_factory=dict)               # code -> (row, procedure, unit id)
    problems: list = field(default_factory=list)                     # RowProblem, by row number
    seen: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    # what the catalogue and the units lack, added in the import's transaction
    new_procedures: dict[str, _NewProcedure] = field(default_factory=dict)   # by code (or folded name)
    new_units: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # unit_key -> spellings

    def warnings(self) -> list[str]:
        return [f"Mã hồ sơ {code} xuất hiện {len(numbers)} lần (dòng {', '.join(map(str, numbers))}): dùng dòng "
                f"{numbers[-1]}." for code, numbers in self.seen.items() if len(numbers) > 1]


def _match(parsed) -> _Matched:
    """Each row's procedure (by code, else by name, accent-insensitive; else one to add from the row's own
    columns) and unit (else one to add or map); a row with neither a due moment nor a known limit is a problem."""
    matched = _Matched(problems=list(parsed.problems))
    procedures = list(Procedure.select())
    by_code = {p.code.strip().lower(): p for p in procedures}
    by_name = {fold(p.name): p for p in procedures}
    folded_names: dict[str, str] = {}
    unit_cache: dict[str, int | None] = {}
    for r in parsed.rows:
        proc = by_code.get(r.procedure_code.lower()) if r.procedure_code else None
        if proc is None and r.procedure_name:
            if r.procedure_name not in folded_names:
                folded_names[r.procedure_name] = fold(r.procedure_name)
            proc = by_name.get(folded_names[r.procedure_name])
        if proc is None:
            key = r.procedure_code.lower() if r.procedure_code else fold(r.procedure_name)
            proc = matched.new_procedures.setdefault(key, _NewProcedure(r.procedure_code, r.procedure_name, r.field))
        if r.due_at is None and (isinstance(proc, _NewProcedure) or limit_of(proc) is None):
            matched.problems.append(RowProblem(r.row, f"không có «Hạn xử lý» và thủ tục «{proc.code or proc.name}» "
                                                      "chưa có thời hạn giải quyết trong danh mục"))
            continue
        if isinstance(proc, _NewProcedure):
            proc.rows.append(r.row)
        unit_id = None
        if r.unit:
            if r.unit not in unit_cache:
                unit = org.match_unit(r.unit)
                unit_cache[r.unit] = unit.id if unit is not None else None
            unit_id = unit_cache[r.unit]
            if unit_id is None:
                matched.new_units[unit_key(r.unit)].append(r.unit)
        matched.seen[r.code].append(r.row)
        matched.rows[r.code] = (r, proc, unit_id)
    matched.problems.sort(key=lambda p: (p.row or 0))
    return matched


def _write(actor: Actor, path: Path, matched: _Matched, unit_choices: dict[str, int | None], present: set[str],
           now: datetime, summary: ImportSummary, progress, skip_invalid: bool = False) -> None:
    """The procedures and units the export names added, then new dossiers inserted and changed ones updated
    (each changed field audited), in one transaction; ``summary`` counts what happened."""
    rows_by_code = matched.rows
    calendar, total = work_calendar(), len(rows_by_code)
    with connection.write_transaction():
        added = _add_procedures(actor, matched.new_procedures, summary)
        unit_ids = _add_units(actor, matched.new_units, unit_choices, summary)
        for code, (r, proc, unit_id) in list(rows_by_code.items()):
            if isinstance(proc, _NewProcedure) or (unit_id is None and r.unit):
                rows_by_code[code] = (r, added.get(id(proc), proc), unit_ids.get(unit_key(r.unit), unit_id))
        existing_ids = dict(Dossier.select(Dossier.code, Dossier.id).tuples())
        existing = _existing_rows([existing_ids[c] for c in rows_by_code if c in existing_ids])
        pauses = pauses_by_dossier(existing.keys()) if existing else {}
        new_rows, updates, audits = [], [], []
        conflicts: list = []
        closing_paused: list[tuple[int, datetime]] = []
        for done, (code, (r, proc, unit_id)) in enumerate(rows_by_code.items(), start=1):
            old = existing.get(existing_ids[code]) if code in existing_ids else None
            conflict = _reimport_conflict(r, old, present) if old is not None else None
            if conflict is not None:
                conflicts.append(RowProblem(r.row, conflict))
                continue
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
                audits += _change_rows(actor, old, changed)
            if progress is not None and done % 5000 == 0:
                progress(done, total, "Đang ghi vào cơ sở dữ liệu")
        if conflicts and not skip_invalid:
            raise ImportRefused(path, conflicts)      # nothing written: the transaction rolls back
        summary.refused.extend(conflicts)
        for dossier_id, closed_at in closing_paused:
            end_open_pauses(actor, dossier_id, closed_at)
            Dossier.update(paused_since=None).where(Dossier.id == dossier_id).execute()
        summary.new = len(new_rows)
        if new_rows:
            bulk_insert(Dossier, new_rows)
        if updates:
            bulk_update(Dossier, _IMPORT_FIELDS, updates)
        audits.append({"username": actor.username, "action": "import", "table_name": "dossier", "record_id": "",
                       "field": "", "old_value": None, "at": datetime.now(),
                       "session_id": current_session_id.get(),
                       "new_value": f"{path.name}: {summary.new} mới, {summary.updated} cập nhật, "
                                    f"{summary.unchanged} không đổi, {len(summary.refused)} dòng bị từ chối"})
        audit_chain.append_many(audits)


def _change_rows(actor: Actor, old: dict[str, Any], changed: dict[str, Any]) -> list[dict[str, Any]]:
    """The audit rows of one re-imported dossier: one per changed field (the search text is derived)."""
    stamp = datetime.now()
    return [{"username": actor.username, "action": "import", "table_name": "dossier", "record_id": str(old["id"]),
             "field": k, "old_value": _audit_text(old[k]), "new_value": _audit_text(v), "at": stamp,
             "session_id": current_session_id.get()} for k, v in changed.items() if k != "fold_text"]


@dataclass
class _NewProcedure:
    """A procedure an export names that the catalogue lacks (added in the import's transaction)."""
    code: str
    name: str
    field: str
    rows: list[int] = dataclasses.field(default_factory=list)   # the name "field" is taken by the column above


def _add_procedures(actor: Actor, pending: dict[str, _NewProcedure], summary: ImportSummary) -> dict[int, Procedure]:
    """Add the export's unknown procedures (to complete: limit, lead unit) and say so; id(pending) -> record."""
    added: dict[int, Procedure] = {}
    temporary = Procedure.select().where(Procedure.code.startswith("TAM-")).count()
    for item in pending.values():
        if not item.rows:      # every row of it was refused (skip_invalid): nothing to add it for
            continue
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


def _reimport_conflict(r, old: dict, present: set[str]) -> str | None:
    """A row that would contradict what is stored (a reception now after the stored closing or result)
    is reported, never silently clamped."""
    for key, column, label in (("closed_at", "closed_at", "ngày trả kết quả"), ("result_at", "result_at",
                                                                                "ngày có kết quả")):
        stored = old[key] if column not in present else None
        if stored is not None and stored.date() < r.received_at.date():
            return (f"hồ sơ {r.code} đã có {label} {stored:%d/%m/%Y %H:%M} trước ngày tiếp nhận mới "
                    f"{r.received_at:%d/%m/%Y %H:%M} trong tệp: không sửa. Hãy kiểm tra lại hai ngày này "
                    "(hoặc đưa cột ngày trả kết quả vào tệp).")
    return None


def _import_values(r, proc: Procedure, unit_id: int | None, present: set[str], old: dict | None,
                   calendar: WorkCalendar, pauses: dict) -> dict[str, Any]:
    """The dossier's columns from one export row; columns the file does not have keep their old values."""
    def keep(key: str, column: str, value: Any) -> Any:
        return old[key] if old is not None and column not in present else value

    source_due = r.due_at
    if source_due is not None and r.due_date_only:
        source_due = closing_of(source_due, calendar)
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
        # Ông / Bà / Tổ chức as the file states it; a blank cell or no column keeps what is known (the
        # clerk's choice on an apology slip)
        "applicant_kind": r.applicant_kind or (old["applicant_kind"] if old is not None else ""),
        # a service column the file lacks keeps what is known (a new dossier: unknown, not rated)
        **{key: keep(key, key, getattr(r, key)) for key in SERVICE_FIELDS},
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
