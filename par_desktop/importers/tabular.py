"""Reading a table from an .xlsx or .csv export: find the header row, map known columns, yield rows.

Exports from the provincial one-stop software put a few title rows above the header ("DANH SÁCH HỒ SƠ
…", the period), sometimes spread the header over two rows (a group title such as "Thời gian" merged
above "Ngày tiếp nhận | Hạn xử lý", the other titles merged down both rows), write headers with or
without diacritics and in any case, and are saved as .xlsx or as
UTF-8 CSV (with or without BOM, comma or semicolon separated). Headers are compared by ``header_key``
(accent-folded, punctuation and "(*)" marks dropped); unknown columns are ignored.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from par_desktop.domain.text import fold, nfc
from par_desktop.errors import InvalidInput

HEADER_SCAN_ROWS = 30
CSV_DELIMITERS = (",", ";", "\t")


def header_key(text: Any) -> str:
    """"Mã hồ sơ (*)", "MA HO SO", "mã  hồ sơ:" -> "ma ho so"."""
    if text is None:
        return ""
    folded = fold(str(text))
    folded = re.sub(r"\(\s*\*\s*\)|\*", " ", folded)
    folded = re.sub(r"[^0-9a-z]+", " ", folded)
    return folded.strip()


@dataclass(frozen=True)
class ColumnSpec:
    """Known columns (key -> accepted headers) and the required ones (each a group of alternatives)."""

    headers: Mapping[str, Sequence[str]]
    required: Sequence[Sequence[str]]

    def lookup(self) -> dict[str, str]:
        return {header_key(h): key for key, names in self.headers.items() for h in names}

    def display(self, key: str) -> str:
        return self.headers[key][0]


@dataclass
class Table:
    """The located header and an iterator over the data rows: (row number as the file shows it, cells)."""

    path: Path
    header_row: int
    columns: dict[str, int]          # key -> column index
    rows: Iterator[tuple[int, list[Any]]]
    total_rows: int | None           # rows in the sheet when known (for progress)
    title_rows: list[list[Any]] = field(default_factory=list)  # the rows above the header (titles, decision)
    header: list[Any] = field(default_factory=list)  # the header row's cells (columns named by the data)

    def has(self, key: str) -> bool:
        return key in self.columns

    def cell(self, cells: Sequence[Any], key: str) -> Any:
        """The value of the named column ``key`` in one row (None when the file or the row lacks it)."""
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None


def _match(cells: Sequence[Any], lookup: dict[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = lookup.get(header_key(cell))
        if key is not None and key not in found:
            found[key] = index
    return found


def _missing(found: Mapping[str, int], spec: ColumnSpec) -> list[str]:
    return [" hoặc ".join(f"«{spec.display(k)}»" for k in group)
            for group in spec.required if not any(k in found for k in group)]


@dataclass(frozen=True)
class _Header:
    top: int                 # its first row (the file's numbering)
    row: int                 # its last row: the data start below it
    columns: dict[str, int]
    cells: list[Any]


def _two_row_cells(upper: Sequence[Any], lower: Sequence[Any]) -> list[Any]:
    """One header from two rows: the lower row's name where it has one (the columns under a group title
    such as «Thời gian» merged across them), the upper row's elsewhere (titles merged down both rows)."""
    width = max(len(upper), len(lower))
    cells = []
    for i in range(width):
        low = lower[i] if i < len(lower) else None
        cells.append(low if cell_text(low) else (upper[i] if i < len(upper) else None))
    return cells


def _locate(path: Path, head: list[tuple[int, list[Any]]], spec: ColumnSpec) -> _Header:
    """The first row naming every required column — or two rows, when the row below a header names
    more of them under group titles; else an error listing what is missing."""
    lookup = spec.lookup()
    best: tuple[int, dict[str, int]] | None = None
    for position, (row_no, cells) in enumerate(head):
        found = _match(cells, lookup)
        if found and position + 1 < len(head):
            below_no, below = head[position + 1]
            merged = _two_row_cells(cells, below)
            both = _match(merged, lookup)
            if len(both) > len(found) and not _missing(both, spec):
                return _Header(row_no, below_no, both, merged)
        if found and not _missing(found, spec):
            return _Header(row_no, row_no, found, list(cells))
        if found and (best is None or len(found) > len(best[1])):
            best = (row_no, found)
    if best is None:
        wanted = ", ".join(" hoặc ".join(f"«{spec.display(k)}»" for k in group) for group in spec.required)
        raise InvalidInput(f"{path.name}: không tìm thấy dòng tiêu đề trong {HEADER_SCAN_ROWS} dòng đầu. "
                           f"Cần các cột: {wanted}.")
    raise InvalidInput(f"{path.name}: dòng tiêu đề (dòng {best[0]}) thiếu cột bắt buộc: "
                       f"{', '.join(_missing(best[1], spec))}.")


def read_table(path: str | Path, spec: ColumnSpec) -> Table:
    """Open ``path`` (.xlsx, .xls with python-calamine, or .csv) and locate its header; rows are read lazily."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"Không tìm thấy tệp {path}.")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _read_csv(path, spec)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        from par_desktop.importers import workbook_guard

        if workbook_guard.is_password_protected(path) or suffix in (".xlsx", ".xlsm"):
            shape = workbook_guard.inspect(path)   # refuses protected, oversized and bomb-like files
            if shape.dense_cells > workbook_guard.MAX_DENSE_CELLS:
                return _read_openpyxl(path, spec)  # calamine would build the whole declared grid in memory
        if _calamine() is not None:
            return _read_calamine(path, spec)
        if suffix == ".xls":
            raise InvalidInput(f"{path.name}: tệp Excel 97-2003 (.xls) chưa được hỗ trợ trên máy này. "
                               "Hãy mở bằng Excel và lưu lại dạng .xlsx (Excel Workbook), rồi nhập lại.")
        if suffix != ".ods":
            return _read_openpyxl(path, spec)
    raise InvalidInput(f"{path.name}: chỉ nhập được tệp .xlsx, .xls hoặc .csv.")


def _calamine():
    """python-calamine (Rust) reads a 100,000-row sheet ten times faster than openpyxl, and old .xls
    exports too; openpyxl stays the fallback where it is not installed."""
    if not USE_CALAMINE:
        return None
    try:
        import python_calamine
    except ImportError:
        return None
    return python_calamine


USE_CALAMINE = True  # tests switch it off to exercise the openpyxl reader


def _first_table(path: Path, spec: ColumnSpec, sheets, on_done=None) -> Table:
    """The first sheet holding the table (exports sometimes start with a cover sheet)."""
    first_error: InvalidInput | None = None
    for rows in sheets:
        rows = _numbered(rows)
        head = [item for item in (next(rows, None) for _ in range(HEADER_SCAN_ROWS)) if item is not None]
        try:
            header = _locate(path, head, spec)
        except InvalidInput as exc:
            first_error = first_error or exc
            continue
        rest = (item for item in head if item[0] > header.row)
        titles = [cells for number, cells in head if number < header.top]
        return Table(path, header.row, header.columns, _chain(rest, rows, on_done), None, titles, header.cells)
    if on_done is not None:
        on_done()
    raise first_error or InvalidInput(f"{path.name}: tệp không có trang tính.")


def _read_calamine(path: Path, spec: ColumnSpec) -> Table:
    calamine = _calamine()
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
        sheets = [workbook.get_sheet_by_name(name) for name in workbook.sheet_names]
    except Exception as exc:  # noqa: BLE001 — CalamineError and zip/format errors of a damaged file
        raise InvalidInput(f"{path.name}: không đọc được tệp Excel (tệp hỏng hoặc không đúng định dạng).",
                           detail=str(exc)) from None
    # Rows come numbered from the top of the sheet (empty leading rows included), as Excel shows them.
    return _first_table(path, spec, ((_blank_to_none(r) for r in sheet.iter_rows()) for sheet in sheets))


def _blank_to_none(cells: list[Any]) -> list[Any]:
    return [None if c == "" else c for c in cells]


def _read_openpyxl(path: Path, spec: ColumnSpec) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput(f"{path.name}: không đọc được tệp Excel (tệp hỏng hoặc không phải .xlsx).",
                           detail=str(exc)) from None

    def sheets():
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # some exporters write a wrong <dimension>; read what is really there
            yield sheet.iter_rows(values_only=True)

    return _first_table(path, spec, sheets(), on_done=workbook.close)


def _numbered(rows: Iterator[Sequence[Any]]) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in enumerate(rows, start=1):
        yield number, list(cells)


def _chain(first, rest, on_done) -> Iterator[tuple[int, list[Any]]]:
    try:
        yield from first
        yield from rest
    finally:
        if on_done is not None:
            on_done()


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InvalidInput(f"{path.name}: tệp CSV không phải mã UTF-8 (lỗi ở dòng {line}). "
                           "Trong Excel hãy chọn Lưu thành → «CSV UTF-8 (Comma delimited)».") from None


def _read_csv(path: Path, spec: ColumnSpec) -> Table:
    text = _decode(path)
    errors: list[InvalidInput] = []
    for delimiter in CSV_DELIMITERS:  # the delimiter that yields a complete header wins
        head = list(_csv_rows(text, delimiter, limit=HEADER_SCAN_ROWS, path=path))
        try:
            header = _locate(path, head, spec)
        except InvalidInput as exc:
            errors.append(exc)
            continue
        rows = ((n, cells) for n, cells in _csv_rows(text, delimiter, path=path) if n > header.row)
        titles = [cells for number, cells in head if number < header.top]
        return Table(path, header.row, header.columns, rows, text.count("\n") + 1, titles, header.cells)
    # A header found with some columns missing says more than "no header" for the other delimiters.
    raise next((e for e in errors if "thiếu cột" in e.message), errors[0])


def _csv_rows(text: str, delimiter: str, limit: int | None = None,
              path: Path | None = None) -> Iterator[tuple[int, list[str]]]:
    """Records numbered as a spreadsheet shows them (a quoted cell may span several lines). A cell longer
    than the csv module's limit (128 KB: no real export has one) or a malformed quote is the file's fault."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            name = path.name if path is not None else "Tệp CSV"
            raise InvalidInput(f"{name}, dòng {reader.line_num}: không đọc được dòng này (ô quá dài hoặc dấu "
                               "ngoặc kép không đóng). Hãy mở tệp trong Excel, sửa dòng đó rồi lưu lại.",
                               detail=str(exc)) from None
        number += 1
        if limit is not None and number > limit:
            return
        yield number, cells


_UNUSUAL_SPACE = re.compile(r"\s\s|[^\S ]")


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious ".0", NFC, spaces collapsed (= ``domain.text.nfc``).

    Called for every cell of 100,000-row files, so text that is already clean skips the regex work.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else str(value)
    if not unicodedata.is_normalized("NFC", text) or _UNUSUAL_SPACE.search(text):
        return nfc(text)
    return text.strip()


ProgressFn = Callable[[int, int | None, str], None]
