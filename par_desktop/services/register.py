"""The document register (sổ đăng ký văn bản đi): the next number of the year for a document type.

Numbers run from 01 on 1 January for each type (Decree 30/2020, art. 15). Two clerks on two machines
must never get the same number, so the highest number is read and the next one inserted in one
``write_transaction`` (SQLite: BEGIN IMMEDIATE lets one writer in at a time; PostgreSQL: the numbering
advisory lock). The unique index (year, type_abbr, number) is the last line of defence: a collision
that slipped through anyway is retried with the next number.

Full numbers (số, ký hiệu):
- a type of document: ``39/KH-SLĐTBXH`` (type, then the agency's abbreviation);
- a type issued by a unit in its own name (the Office's report): type ``BC-VP`` gives ``05/BC-VP``;
- a công văn (type ``CV``) has no type abbreviation: ``125/SLĐTBXH-VP`` (agency, then drafting unit).
Numbers below 10 take a leading zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import peewee

from par_desktop.db import connection
from par_desktop.db.changes import audit
from par_desktop.db.models import RegisterEntry
from par_desktop.domain.text import fold, nfc
from par_desktop.errors import InvalidInput
from par_desktop.services.session import Actor, require

CONG_VAN = "CV"

# Decree 30/2020, Phụ lục III (abbreviations of document types), plus công văn and the apology slip.
TYPE_NAMES = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QYĐ": "Quy định",
    "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
    "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình",
    "HĐ": "Hợp đồng", "CĐ": "Công điện", "BGN": "Bản ghi nhớ", "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền", "GM": "Giấy mời", "GGT": "Giấy giới thiệu", "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi", "PC": "Phiếu chuyển", "PB": "Phiếu báo", "PXL": "Phiếu xin lỗi và hẹn lại",
    CONG_VAN: "Công văn",
}
_BY_CASE = {abbr.casefold(): abbr for abbr in TYPE_NAMES}
_BY_FOLDED: dict[str, list[str]] = {}
for _abbr in TYPE_NAMES:
    _BY_FOLDED.setdefault(fold(_abbr), []).append(_abbr)
_UNIT_CODE = re.compile(r"^[^\W_]{1,12}$")
_RETRIES = 5


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register, as the register view and the command line show it."""

    id: int
    year: int
    type_abbr: str
    number: int
    full_number: str
    title: str
    issued_at: datetime
    issued_by: str
    doc_kind: str

    @property
    def type_name(self) -> str:
        return TYPE_NAMES.get(self.type_abbr.split("-")[0], self.type_abbr)


def normalise_type(text: str) -> str:
    """The register's spelling of a type: ``kh`` -> ``KH``, ``ttr`` -> ``TTr``, ``bc-vp`` -> ``BC-VP``.

    A known type may carry the code of the unit that issues it in its own name (``BC-VP``).
    Anything else is refused, so a typo never opens a new numbering sequence.
    """
    raw = nfc(text).strip()
    base, _, unit = raw.partition("-")
    base = base.strip()
    known = base if base in TYPE_NAMES else _BY_CASE.get(base.casefold())
    if known is None and len(_BY_FOLDED.get(fold(base), [])) == 1:  # "QD" for "QĐ"; not "DA" (dự án/đề án)
        known = _BY_FOLDED[fold(base)][0]
    if known is None:
        choices = ", ".join(f"{abbr} ({name.lower()})" for abbr, name in TYPE_NAMES.items())
        raise InvalidInput(f"Không có loại văn bản viết tắt «{raw}». Các loại: {choices}.")
    if not unit:
        return known
    if known == CONG_VAN or not _UNIT_CODE.match(unit.strip()):
        raise InvalidInput(f"Ký hiệu «{raw}» không hợp lệ: dạng đúng là LOẠI-ĐƠN VỊ, ví dụ BC-VP.")
    return f"{known}-{_unit_code(unit.strip())}"


def _unit_code(code: str) -> str:
    """A unit's short code spelt as the organisation spells it ("TTr" for Thanh tra), else in capitals."""
    from par_desktop.db.models import Unit

    for (known,) in Unit.select(Unit.short_code).tuples():
        if known.casefold() == code.casefold():
            return known
    return code.upper()


def full_number(number: int, type_abbr: str, agency_abbr: str, office_unit_code: str) -> str:
    """"39/KH-SLĐTBXH", "05/BC-VP", "125/SLĐTBXH-VP" (công văn)."""
    if type_abbr == CONG_VAN:
        return f"{number:02d}/{agency_abbr}-{office_unit_code}"
    if "-" in type_abbr:
        return f"{number:02d}/{type_abbr}"
    return f"{number:02d}/{type_abbr}-{agency_abbr}"


def code_of(type_abbr: str, agency_abbr: str, office_unit_code: str) -> str:
    """The part after the slash: "KH-SLĐTBXH", "BC-VP", "SLĐTBXH-VP"."""
    return full_number(1, type_abbr, agency_abbr, office_unit_code).split("/", 1)[1]


def _row(entry: RegisterEntry) -> RegisterRow:
    return RegisterRow(entry.id, entry.year, entry.type_abbr, entry.number, entry.full_number, entry.title,
                       entry.issued_at, entry.issued_by, entry.doc_kind)


def issue_number(actor: Actor, type_abbr: str, title: str, doc_kind: str = "", year: int | None = None,
                 *, on: date | None = None) -> RegisterRow:
    """Give the next number of ``year`` (default: this year) for the type and record it in the register.

    ``on`` is the issue date whose agency names apply (default today); the register keeps the number
    whatever happens to the document afterwards (a number is never reused).
    """
    require(actor, "register")
    abbr = normalise_type(type_abbr)
    title = nfc(title).strip()
    if not title:
        raise InvalidInput("Hãy ghi trích yếu (tên) của văn bản cần lấy số.")
    today = on or date.today()
    year = int(year or today.year)
    if not 1900 < year < 2200:
        raise InvalidInput(f"Năm {year} không hợp lệ.")
    from par_desktop.services.org import org_names

    names = org_names(today if today.year == year else date(year, 12, 31))
    last_error: Exception | None = None
    for _ in range(_RETRIES):
        try:
            with connection.translated_errors(), connection.write_transaction():
                connection.lock_for_numbering(year, abbr)
                number = _highest(year, abbr) + 1
                text = full_number(number, abbr, names.agency_abbr, names.office_unit_code)
                entry = RegisterEntry.create(year=year, type_abbr=abbr, number=number, full_number=text,
                                             title=title, issued_at=datetime.now().replace(microsecond=0),
                                             issued_by=actor.username, doc_kind=doc_kind)
                audit(actor.username, "issue", "register_entry", entry.id, "full_number", None, text)
                return _row(entry)
        except peewee.IntegrityError as exc:  # another writer took the number: take the next one
            last_error = exc
    raise InvalidInput("Không lấy được số văn bản do nhiều người cùng lấy số một lúc; hãy thử lại.",
                       detail=str(last_error))


def _highest(year: int, type_abbr: str) -> int:
    """The highest number of the year: in the register, and for plans also on the plans themselves
    (a plan imported with its number, such as 38/KH, took that number outside the register)."""
    highest = (RegisterEntry.select(peewee.fn.MAX(RegisterEntry.number))
               .where((RegisterEntry.year == year) & (RegisterEntry.type_abbr == type_abbr)).scalar()) or 0
    if type_abbr == "KH":
        from par_desktop.db.models import Plan

        planned = (Plan.select(peewee.fn.MAX(Plan.number))
                   .where(Plan.number.is_null(False) & (Plan.issued_on >= date(year, 1, 1))
                          & (Plan.issued_on <= date(year, 12, 31))).scalar()) or 0
        highest = max(highest, planned)
    return highest


def list_register(year: int | None = None, type_abbr: str | None = None) -> list[RegisterRow]:
    """The register of a year (default: all years), optionally of one type, newest first."""
    query = RegisterEntry.select()
    if year is not None:
        query = query.where(RegisterEntry.year == int(year))
    if type_abbr:
        query = query.where(RegisterEntry.type_abbr == normalise_type(type_abbr))
    query = query.order_by(RegisterEntry.year.desc(), RegisterEntry.issued_at.desc(), RegisterEntry.id.desc())
    return [_row(entry) for entry in query]


def register_row(entry_id: int) -> RegisterRow | None:
    """One register line (None when it no longer exists)."""
    entry = RegisterEntry.get_or_none(RegisterEntry.id == entry_id)
    return None if entry is None else _row(entry)


def years() -> list[int]:
    """Years that have numbers, newest first (the register view's year choice)."""
    return [y for (y,) in RegisterEntry.select(RegisterEntry.year).distinct()
            .order_by(RegisterEntry.year.desc()).tuples()]
