"""Reading a TTHC catalogue list (.xlsx/.csv) into typed rows: an export of the national TTHC database
or the annex of the province's publication decision (columns in CLI.md, "Catalogue import columns").

What these files look like, and what is read from them:
- title rows above the header ("DANH MỤC THỦ TỤC HÀNH CHÍNH …", "(Kèm theo Quyết định số 1234/QĐ-UBND
  ngày 15/3/2024 của Chủ tịch UBND tỉnh)"): a decision named there is the publication decision of every
  row that names none;
- group rows inside the table ("I" / "Lĩnh vực Người có công", "A. THỦ TỤC HÀNH CHÍNH CẤP TỈNH"): a
  "Lĩnh vực …" group gives the field of the rows below it that have no field of their own;
- merged cells: a spreadsheet keeps a merged value in its first cell only, so a blank field, unit or
  decision cell continues the value above it;
- limits in words, with decimal commas ("2,5 ngày làm việc"): ``domain.limits.parse_limit``.
Every problem is collected with the row number the clerk sees; the service refuses the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from par_desktop.domain.limits import TimeLimit, parse_limit
from par_desktop.domain.text import fold, nfc
from par_desktop.errors import InvalidInput
from par_desktop.importers.dossiers import RowProblem, parse_cell_moment
from par_desktop.importers.tabular import ColumnSpec, Table, cell_text, read_table

COLUMNS = ColumnSpec(
    headers={
        "code": ("Mã thủ tục", "Mã TTHC", "Mã thủ tục hành chính", "Mã số TTHC", "Mã số"),
        "name": ("Tên thủ tục", "Tên TTHC", "Tên thủ tục hành chính", "Thủ tục hành chính"),
        "field": ("Lĩnh vực",),
        "limit": ("Thời hạn giải quyết", "Thời gian giải quyết", "Thời hạn"),
        "level": ("Mức độ", "Dịch vụ công trực tuyến", "Mức độ DVC", "Mức độ dịch vụ công", "Mức độ DVCTT"),
        "unit": ("Đơn vị chủ trì", "Cơ quan thực hiện", "Cơ quan giải quyết", "Đơn vị thực hiện",
                 "Phòng chuyên môn"),
        "decision": ("Quyết định công bố", "Số quyết định công bố", "QĐ công bố"),
        "published_on": ("Ngày công bố", "Ngày ban hành quyết định", "Ngày quyết định"),
        "effective_on": ("Ngày hiệu lực", "Ngày có hiệu lực"),
    },
    required=(("code",), ("name",)),
)

# Cells a merged range leaves blank below its first cell: continued from the row above.
_CARRIED = ("field", "unit", "decision", "published_on", "effective_on")

_DECISION = re.compile(r"(\d+[a-z0-9]*/(?:\d{4}/)?qd-[a-z0-9-]+)", re.I)
_DECISION_DATE = re.compile(r"ngay\s+(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
                            r"|ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_COLUMN_NUMBER = re.compile(r"\(?\d{1,2}\)?")
_GROUP_FIELD = re.compile(r"^(?:[ivxlcdm]+|[a-z]|\d+)?[.)]?\s*linh vuc\s+(.+)$")


@dataclass
class CatalogRow:
    row: int
    code: str
    name: str
    field: str
    limit: TimeLimit | None       # None: no limit in the file (the clerk completes it)
    level: str                    # "Toàn trình" | "Một phần" | ""
    unit: str
    decision_number: str
    published_on: date | None
    effective_on: date | None


@dataclass
class CatalogFile:
    path: Path
    header_row: int
    present: set[str]
    rows: list[CatalogRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_level(text: str) -> str:
    """"DVC toàn trình", "Mức độ 4" -> "Toàn trình"; "Một phần", "Mức độ 3" -> "Một phần"; else ""."""
    key = fold(text)
    if "toan trinh" in key or re.search(r"\b4\b", key):
        return "Toàn trình"
    if "mot phan" in key or re.search(r"\b3\b", key):
        return "Một phần"
    return ""


def decision_of(text: str) -> tuple[str, date | None]:
    """("1234/QĐ-UBND", its date) named in a text such as "Quyết định số 1234/QĐ-UBND ngày 15/3/2024"."""
    raw = nfc(text)
    folded = fold(raw)
    match = _DECISION.search(folded)
    number = raw[match.start():match.end()] if match and len(folded) == len(raw) else (match.group(1) if match else "")
    when = None
    found = _DECISION_DATE.search(folded)
    if found:
        day, month, year = (int(g) for g in (found.groups()[:3] if found.group(1) else found.groups()[3:]))
        try:
            when = date(year, month, day)
        except ValueError:
            when = None
    return number, when


def read_catalog_file(path: str | Path) -> CatalogFile:
    table = read_table(path, COLUMNS)
    result = CatalogFile(table.path, table.header_row, set(table.columns))
    file_decision, file_date = _title_decision(table)
    carried: dict[str, Any] = {}
    group_field = ""
    for row_no, cells in table.rows:
        values = {key: _cell(table, cells, key) for key in COLUMNS.headers}
        texts = {key: cell_text(value) for key, value in values.items()}
        filled = [cell_text(c) for c in cells if cell_text(c)]
        if not filled or all(_COLUMN_NUMBER.fullmatch(text) for text in filled):
            continue   # a blank row, or the "(1) (2) (3) …" row under the header
        if not (texts["code"] and texts["name"]):
            heading = _group_heading(cells, texts)
            if heading is not None:
                group_field = heading
                carried.clear()
                continue
        parsed = _parse_row(row_no, values, texts, carried, group_field, result.problems)
        if parsed is None:
            continue
        if not parsed.decision_number and file_decision:
            parsed.decision_number = file_decision
        if parsed.published_on is None and parsed.decision_number == file_decision:
            parsed.published_on = file_date
        result.rows.append(parsed)
    if not result.rows and not result.problems:
        raise InvalidInput(f"{result.path.name}: không có thủ tục nào dưới dòng tiêu đề (dòng {table.header_row}).")
    if "limit" not in table.columns:
        result.warnings.append("Tệp không có cột «Thời hạn giải quyết»: thủ tục mới cần được bổ sung thời hạn.")
    return result


def _title_decision(table: Table) -> tuple[str, date | None]:
    for cells in table.title_rows:
        for cell in cells:
            text = cell_text(cell)
            if "quy" in fold(text) and "dinh" in fold(text):
                number, when = decision_of(text)
                if number:
                    return number, when
    return "", None


def _group_heading(cells: list[Any], texts: dict[str, str]) -> str | None:
    """The field named by a group row ("Lĩnh vực Người có công"), "" for another group row
    ("A. THỦ TỤC HÀNH CHÍNH CẤP TỈNH"), None when the row is not a group row."""
    filled = [cell_text(c) for c in cells if cell_text(c)]
    if not filled or len(filled) > 2 or texts["limit"] and parse_limit_safe(texts["limit"]):
        return None
    for text in filled:
        match = _GROUP_FIELD.match(fold(text))
        if match:
            folded = fold(text)
            start = folded.index("linh vuc") + len("linh vuc")
            return nfc(text[start:] if len(folded) == len(text) else match.group(1)).strip(" :.")
    label = fold(filled[0])
    if re.fullmatch(r"[ivxlcdm]+|[a-z]|\d+", label) or re.match(r"^(?:[ivxlcdm]+|[a-z])[.)]\s", label) \
            or filled[-1].isupper():
        return ""
    return None


def parse_limit_safe(text: str) -> TimeLimit | None:
    try:
        return parse_limit(text)
    except InvalidInput:
        return None


def _parse_row(row_no: int, values: dict[str, Any], texts: dict[str, str], carried: dict[str, Any],
               group_field: str, problems: list[RowProblem]) -> CatalogRow | None:
    errors: list[str] = []
    for key in _CARRIED:
        if texts[key]:
            carried[key] = values[key]
        elif key in carried:
            values[key], texts[key] = carried[key], cell_text(carried[key])
    if not texts["code"]:
        errors.append("thiếu «Mã thủ tục»")
    elif " " in texts["code"] and not re.fullmatch(r"[\w.\-/ ]+", texts["code"]):
        errors.append(f"mã thủ tục «{texts['code']}» không hợp lệ")
    if not texts["name"]:
        errors.append("thiếu «Tên thủ tục»")
    limit = None
    if texts["limit"]:
        try:
            limit = parse_limit(texts["limit"])
        except InvalidInput as exc:
            errors.append(f"cột «Thời hạn giải quyết»: {exc.message}")
    dates = {}
    for key in ("published_on", "effective_on"):
        try:
            moment, _ = parse_cell_moment(values[key])
        except ValueError as exc:
            errors.append(f"cột «{COLUMNS.display(key)}»: {exc}")
            moment = None
        dates[key] = moment.date() if moment is not None else None
    decision_number, decision_date = decision_of(texts["decision"]) if texts["decision"] else ("", None)
    if texts["decision"] and not decision_number:
        decision_number = texts["decision"]
    if errors:
        problems.extend(RowProblem(row_no, e) for e in errors)
        return None
    return CatalogRow(row=row_no, code=texts["code"].replace(" ", ""), name=texts["name"],
                      field=texts["field"] or group_field, limit=limit, level=parse_level(texts["level"]),
                      unit=texts["unit"], decision_number=decision_number,
                      published_on=dates["published_on"] or decision_date, effective_on=dates["effective_on"])


def _cell(table: Table, cells: list[Any], key: str) -> Any:
    """``table.cell``, with an empty text cell read as no value."""
    value = table.cell(cells, key)
    return None if value == "" else value
