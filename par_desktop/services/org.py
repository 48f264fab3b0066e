"""The organisation: dated names for documents, units with their aliases, signers.

Unit names arrive written many ways ("Phòng Kế hoạch tài chính", "phòng kế hoạch – Tài chính");
``match_unit`` compares ``unit_key``s of the name and of every stored alias.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import peewee
from typing import Any

from par_desktop.db import connection
from par_desktop.db.changes import audit, insert_record, update_record
from par_desktop.db.models import OrgProfile, Signer, Unit, UnitAlias
from par_desktop.domain.text import fold, nfc, unit_key
from par_desktop.errors import InvalidInput, NotFound
from par_desktop.services.session import Actor, require

ALL_UNITS = "*"
# "Các phòng, đơn vị (có liên quan)", "Các phòng, đơn vị trực thuộc": every unit.
_ALL_UNITS_PATTERN = re.compile(r"^cac (phong|don vi)\b")


@dataclass(frozen=True)
class OrgNames:
    governing_body: str
    agency_name: str
    agency_short: str
    agency_abbr: str
    place_name: str
    office_unit_code: str
    short_name: str = ""           # "Sở LĐ-TB&XH"; empty: documents derive one from agency_short


def org_names(on: date | None = None) -> OrgNames:
    """The names in force on ``on`` (default today)."""
    on = on or date.today()
    row = (OrgProfile.select().where(OrgProfile.valid_from <= on).order_by(OrgProfile.valid_from.desc()).first()
           or OrgProfile.select().order_by(OrgProfile.valid_from).first())
    if row is None:
        raise NotFound("Chưa khai báo thông tin cơ quan (Cài đặt → Tổ chức).")
    return OrgNames(row.governing_body, row.agency_name, row.agency_short, row.agency_abbr, row.place_name,
                    row.office_unit_code, row.short_name)


def has_org_names() -> bool:
    return OrgProfile.select().exists()


KEEP = object()  # ``valid_to`` left as stored


def set_org_names(actor: Actor, valid_from: date, names: OrgNames, expected_version: int | None = None,
                  valid_to: date | None | object = KEEP) -> int:
    """Record names in force from ``valid_from`` (a new dated row, or a correction of that date's row,
    refused with ConflictError when it changed since ``expected_version`` was read), until ``valid_to``
    (None: open; ``KEEP``: as stored). Returns the row's id."""
    require(actor, "organisation")
    values: dict[str, Any] = {k: nfc(v) for k, v in names.__dict__.items()}
    missing = [label for key, label in (("governing_body", "cơ quan chủ quản"), ("agency_name", "tên cơ quan"),
                                        ("agency_abbr", "chữ viết tắt"), ("place_name", "địa danh"))
               if not values.get(key)]
    if missing:
        raise InvalidInput("Thiếu thông tin cơ quan: " + ", ".join(missing) + ".")
    if isinstance(valid_to, date) and valid_to < valid_from:
        raise InvalidInput(f"Ngày hết hiệu lực ({valid_to:%d/%m/%Y}) trước ngày bắt đầu ({valid_from:%d/%m/%Y}).")
    if valid_to is not KEEP:
        values["valid_to"] = valid_to
    with connection.write_transaction():
        row = OrgProfile.get_or_none(OrgProfile.valid_from == valid_from)
        if row is None:
            return insert_record(OrgProfile, actor.username, valid_from=valid_from, **values).id
        return update_record(OrgProfile, row.id, expected_version, actor.username, **values).id


def org_profiles() -> list[OrgProfile]:
    """Every dated set of names, newest first."""
    return list(OrgProfile.select().order_by(OrgProfile.valid_from.desc()))


def org_profile(profile_id: int) -> OrgProfile | None:
    return OrgProfile.get_or_none(OrgProfile.id == profile_id)


def units(active_only: bool = True) -> list[Unit]:
    query = Unit.select().order_by(Unit.sort_order, Unit.name)
    return list(query.where(Unit.active) if active_only else query)


def office_unit_ids() -> set[int]:
    """The Office (Văn phòng Sở): it compiles what the units send, so it owes no per-unit obligation."""
    try:
        code = org_names().office_unit_code
    except NotFound:
        code = "VP"
    return {u.id for u in Unit.select() if u.kind == "office" or u.short_code == code
            or fold(u.name) == "van phong so"}


def unit_with_code(short_code: str) -> Unit | None:
    return Unit.get_or_none(Unit.short_code == short_code)


def office_unit() -> Unit | None:
    """The first unit of kind "office" (Văn phòng Sở), if there is one."""
    return Unit.select().where(Unit.kind == "office").order_by(Unit.sort_order).first()


def unit_aliases() -> dict[int, list[str]]:
    """The other names of each unit (by unit id), alphabetically."""
    aliases: dict[int, list[str]] = {}
    for alias in UnitAlias.select().order_by(UnitAlias.alias):
        aliases.setdefault(alias.unit_id, []).append(alias.alias)
    return aliases


def match_unit(name: str) -> Unit | None:
    """The unit whose name, short code or alias matches ``name`` case-, dash-, accent- and prefix-insensitively."""
    key = unit_key(name)
    if not key:
        return None
    alias = UnitAlias.get_or_none(UnitAlias.key == key)
    if alias is not None:
        return alias.unit
    folded_code = fold(name).replace(" ", "")
    for unit in Unit.select():
        if unit_key(unit.name) == key or fold(unit.short_code) == folded_code:
            return unit
    return None


def find_unit(name_or_code: str) -> Unit:
    unit = match_unit(name_or_code)
    if unit is None:
        raise NotFound(f"Không tìm thấy đơn vị «{nfc(name_or_code)}».")
    return unit


def is_all_units(text: str) -> bool:
    return bool(_ALL_UNITS_PATTERN.match(fold(text)))


def split_unit_names(cell: str) -> list[str]:
    """Split a cell naming several units ("Văn phòng Sở, phòng kế hoạch – Tài chính") into names.

    Returns ``["*"]`` when the cell means every unit ("Các phòng, đơn vị có liên quan").
    """
    text = nfc(cell)
    if not text:
        return []
    if is_all_units(text):
        return [ALL_UNITS]
    return [part.strip(" .") for part in re.split(r"[;,]|\s+và\s+", text) if part.strip(" .")]


def _unique_code(name: str) -> str:
    initials = "".join(word[0] for word in fold(name).split() if word not in ("phong", "va")).upper()[:12] or "DV"
    code, n = initials, 2
    while Unit.get_or_none(Unit.short_code == code) is not None:
        code, n = f"{initials}{n}", n + 1
    return code


def create_unit(actor: Actor, name: str, short_code: str | None = None, **fields) -> Unit:
    require(actor, "organisation")
    name = nfc(name)
    if not name:
        raise InvalidInput("Tên đơn vị không được để trống.")
    same = match_unit(name)
    if same is not None:
        if same.name == name:
            raise InvalidInput(f"Đã có đơn vị «{name}».")
        raise InvalidInput(f"Tên «{name}» trùng với đơn vị đã có «{same.name}» (chỉ khác chữ hoa, dấu gạch "
                           "hoặc chữ «Phòng»); hãy dùng đơn vị đã có hoặc đặt tên khác.")
    short_code = nfc(short_code) if short_code else None
    with _name_taken_as_input():
        with connection.write_transaction():
            if short_code and Unit.select().where(Unit.short_code == short_code).exists():
                raise InvalidInput(f"Mã đơn vị «{short_code}» đã được dùng.")
            return insert_record(Unit, actor.username, name=name, short_code=short_code or _unique_code(name),
                                 **fields)


@contextmanager
def _name_taken_as_input():
    """Another clerk took the name or short code a moment ago (the unique index refused it)."""
    try:
        yield
    except peewee.IntegrityError:
        raise InvalidInput("Tên hoặc tên viết tắt vừa được dùng cho một đơn vị khác; hãy chọn tên khác.") from None


def add_alias(actor: Actor, unit: Unit | int, alias: str) -> None:
    """Remember that ``alias`` means ``unit`` (asked once of a clerk during an import)."""
    require(actor, "organisation")
    if isinstance(unit, int):
        unit = Unit.get_or_none(Unit.id == unit)
        if unit is None:
            raise NotFound("Đơn vị này vừa bị người khác xóa.")
    key = unit_key(alias)
    if not key or key == unit_key(unit.name):
        return
    with connection.write_transaction():
        existing = UnitAlias.get_or_none(UnitAlias.key == key)
        if existing is not None and existing.unit_id != unit.id:
            raise InvalidInput(f"Tên «{nfc(alias)}» đã được gán cho đơn vị «{existing.unit.name}».")
        if existing is None:
            UnitAlias.create(unit=unit, alias=nfc(alias), key=key)
            audit(actor.username, "insert", "unit_alias", unit.id, "alias", None, nfc(alias))


def update_unit(actor: Actor, unit_id: int, expected_version: int, **changes) -> Unit:
    require(actor, "organisation")
    with _name_taken_as_input():
        with connection.write_transaction():
            return update_record(Unit, unit_id, expected_version, actor.username, **changes)


def default_signer(on: date | None = None) -> Signer:
    on = on or date.today()
    query = Signer.select().where(((Signer.valid_from.is_null()) | (Signer.valid_from <= on))
                                  & ((Signer.valid_to.is_null()) | (Signer.valid_to >= on)))
    signer = query.order_by(Signer.is_default.desc(), Signer.id).first()
    if signer is None:
        recorded = list(Signer.select().order_by(Signer.is_default.desc(), Signer.id))
        if not recorded:
            raise NotFound("Chưa khai báo người ký văn bản (Cài đặt → Tổ chức → Người ký).")
        periods = "; ".join(f"{s.name} ({_period(s.valid_from, s.valid_to)})" for s in recorded)
        raise NotFound(f"Không có người ký nào ký được văn bản ngày {on:%d/%m/%Y}: {periods}. Khai báo người ký "
                       "cho ngày này (Cài đặt → Tổ chức → Người ký).")
    return signer


def _period(start: date | None, end: date | None) -> str:
    if start and end:
        return f"từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"
    if end:
        return f"đến {end:%d/%m/%Y}"
    return f"từ {start:%d/%m/%Y}" if start else "không thời hạn"


def signers() -> list[Signer]:
    """Every signer, the default first."""
    return list(Signer.select().order_by(Signer.is_default.desc(), Signer.name))


def signer(signer_id: int) -> Signer:
    row = Signer.get_or_none(Signer.id == signer_id)
    if row is None:
        raise NotFound("Người ký này vừa bị người khác xóa.")
    return row


def save_signer(actor: Actor, signer_id: int | None, expected_version: int | None, **values) -> int:
    """Create or update a signer (audited, optimistic); only one signer is the default. Returns its id."""
    require(actor, "organisation")
    values = {k: nfc(v) if isinstance(v, str) else v for k, v in values.items()}
    if not values.get("name") or not values.get("title"):
        raise InvalidInput("Cần ghi họ tên và chức vụ của người ký.")
    if values.get("valid_from") and values.get("valid_to") and values["valid_to"] < values["valid_from"]:
        raise InvalidInput("Ngày kết thúc phải sau ngày bắt đầu ký.")
    with connection.translated_errors(), connection.write_transaction():
        if signer_id is None:
            signer_id = insert_record(Signer, actor.username, **values).id
        else:
            update_record(Signer, signer_id, expected_version, actor.username, **values)
        if values.get("is_default"):
            for other in Signer.select().where(Signer.is_default & (Signer.id != signer_id)):
                update_record(Signer, other.id, other.version, actor.username, is_default=False)
    return signer_id
