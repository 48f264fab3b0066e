"""Reading the province's PAR INDEX table (bộ chỉ số CCHC) and the appraisal results from Excel.

The header row is anywhere in the first 10 rows (title rows above it), matched case- and
accent-insensitively (DOMAIN.md §9); a header written over two rows ("Điểm" above "tối đa") is read as
one. In the body:

- a cell merged down several rows in the code column makes the rows below continuation lines of the
  same criterion (their text is added to it); merged down in the unit, guidance, evidence, metric or
  bands column, its value is repeated in each row, as the clerk reads it;
- a cell merged across columns keeps its text in its first column; an area written "I. CÔNG TÁC …"
  in the code column alone is split into code and title;
- a row without a code but with text continues the criterion above; a "Tổng cộng" row ends the table
  (its figure is compared with the sum of the areas);
- points are kept as written (numbers or text with a decimal comma) for ``domain.par_index``.

Formulas are read as their last computed values; a formula Excel never computed is an error naming the
cell (the file must be opened and saved in Excel first). Nothing in the file is executed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from par_desktop.domain.par_index import SheetRow, code_shape, normalise_code, parse_points
from par_desktop.domain.text import fold, nfc
from par_desktop.errors import InvalidInput
from par_desktop.importers.plan_xlsx import cell_lines
from par_desktop.importers.tabular import header_key

HEADER_ROWS = 10
_EMPTY_RUN_LIMIT = 200

CRITERIA_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("Mã", "STT", "TT", "Mã số", "Mã tiêu chí", "Số TT", "Số thứ tự"),
    "title": ("Nội dung", "Tiêu chí", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
              "Lĩnh vực, tiêu chí", "Nội dung tiêu chí", "Tên tiêu chí", "Lĩnh vực, tiêu chí và tiêu chí thành phần",
              "Nội dung đánh giá", "Tiêu chí, tiêu chí thành phần"),
    "max": ("Điểm tối đa", "Điểm chuẩn", "Điểm tối đa (điểm)", "Số điểm tối đa"),
    "guidance": ("Hướng dẫn chấm điểm", "Cách chấm điểm", "Hướng dẫn chấm", "Phương pháp chấm điểm",
                 "Hướng dẫn đánh giá, chấm điểm", "Cách thức chấm điểm"),
    "evidence": ("Tài liệu kiểm chứng", "TLKC", "Tài liệu kiểm chứng (TLKC)", "Tài liệu chứng minh"),
    "unit": ("Đơn vị chủ trì", "Đơn vị thực hiện", "Đơn vị chịu trách nhiệm", "Đơn vị phụ trách"),
    "coordinators": ("Đơn vị phối hợp",),
    "metric": ("Chỉ tiêu tự tính", "Chỉ số tự tính"),
    "bands": ("Thang điểm", "Thang điểm tự tính", "Mức điểm"),
    "deadline": ("Hạn nộp tài liệu kiểm chứng", "Hạn tài liệu kiểm chứng", "Hạn TLKC", "Hạn nộp TLKC"),
}
CRITERIA_REQUIRED = (("code", "STT"), ("title", "Nội dung"), ("max", "Điểm tối đa"))
_REPEATED_DOWN = ("guidance", "evidence", "unit", "coordinators", "metric", "bands", "deadline")

APPRAISAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": CRITERIA_COLUMNS["code"],
    "title": CRITERIA_COLUMNS["title"],
    "appraised": ("Điểm thẩm định", "Điểm Hội đồng thẩm định", "Kết quả thẩm định", "Điểm thẩm định của Hội đồng",
                  "Điểm đánh giá"),
    "reason": ("Lý do", "Lý do chênh lệch", "Ghi chú", "Nhận xét", "Lý do trừ điểm", "Ý kiến thẩm định"),
}
APPRAISAL_REQUIRED = (("code", "STT"), ("appraised", "Điểm thẩm định"))


@dataclass
class CriteriaSheet:
    source: str
    sheet: str
    header_row: int
    rows: list[SheetRow]
    coordinators: dict[int, str]        # row number -> the coordinating units as written
    deadlines: dict[int, date]          # row number -> evidence deadline
    total: float | None                 # the "Tổng cộng" figure, when the sheet has one
    title_lines: list[str]              # the rows above the header (the set's title)


@dataclass(frozen=True)
class AppraisalRow:
    row_no: int
    code: str
    points: float | None
    reason: str


# ---- reading a workbook as a grid -----------------------------------------------------------------------

@dataclass
class _Grid:
    name: str
    cells: list[list[object]]                   # rows of values, 1-based numbering = index + 1
    merged_down: dict[tuple[int, int], tuple[int, object]]   # (row, col) -> (first row, value) for rows below the first
    unknown_formulas: dict[tuple[int, int], str]


def _grids(path: Path) -> list[_Grid]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InvalidInput(f"Không tìm thấy tệp {path}.")
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_grids(path)
    if suffix in (".xls", ".ods"):
        return _calamine_grids(path)
    if suffix == ".csv":
        return [_csv_grid(path)]
    raise InvalidInput(f"{path.name}: chỉ nhập được bảng chỉ số từ tệp .xlsx, .xls hoặc .csv.")


def _xlsx_grids(path: Path) -> list[_Grid]:
    import zipfile

    import openpyxl

    from par_desktop.importers import workbook_guard

    workbook_guard.inspect(path)   # protected, oversized or bomb-like files are refused before reading
    try:
        values = openpyxl.load_workbook(str(path), data_only=True)
        formulas = openpyxl.load_workbook(str(path), data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise InvalidInput(f"Không đọc được tệp Excel «{path.name}»: tệp hỏng hoặc không phải .xlsx "
                           "(tệp .xls cũ hãy mở bằng Excel rồi lưu lại dạng .xlsx).", detail=str(exc)) from None
    grids = []
    try:
        for sheet in values.worksheets:
            raw = formulas[sheet.title]
            cells: list[list[object]] = []
            empty_run = 0
            for row in sheet.iter_rows(values_only=True):
                cells.append(list(row))
                empty_run = 0 if any(v not in (None, "") for v in row) else empty_run + 1
                if empty_run > _EMPTY_RUN_LIMIT:
                    break
            merged: dict[tuple[int, int], tuple[int, object]] = {}
            for rng in sheet.merged_cells.ranges:
                top = sheet.cell(rng.min_row, rng.min_col).value
                for r in range(rng.min_row + 1, rng.max_row + 1):
                    merged[(r, rng.min_col)] = (rng.min_row, top)
            unknown = {}
            for r, row in enumerate(cells, start=1):
                for c, value in enumerate(row, start=1):
                    if value is None:
                        formula = raw.cell(r, c).value
                        if isinstance(formula, str) and formula.startswith("="):
                            unknown[(r, c)] = formula
            grids.append(_Grid(sheet.title, cells, merged, unknown))
    finally:
        values.close()
        formulas.close()
    return grids


def _calamine_grids(path: Path) -> list[_Grid]:
    try:
        import python_calamine
    except ImportError:
        raise InvalidInput(f"{path.name}: tệp Excel 97-2003 (.xls) chưa đọc được trên máy này; hãy lưu lại dạng "
                           ".xlsx rồi nhập lại.") from None
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        return [_Grid(name, [[None if c == "" else c for c in row]
                             for row in workbook.get_sheet_by_name(name).to_python()], {}, {})
                for name in workbook.sheet_names]
    except Exception as exc:  # noqa: BLE001 — CalamineError and format errors of a damaged file
        raise InvalidInput(f"{path.name}: không đọc được tệp Excel (tệp hỏng hoặc không đúng định dạng).",
                           detail=str(exc)) from None


def _csv_grid(path: Path) -> _Grid:
    import csv
    import io

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path.name}: tệp CSV không phải mã UTF-8; trong Excel hãy lưu dạng «CSV UTF-8».") from None
    delimiter = max((";", ",", "\t"), key=lambda d: text.split("\n", 1)[0].count(d))
    rows = [[c if c != "" else None for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return _Grid(path.stem, rows, {}, {})


# ---- the header -----------------------------------------------------------------------------------------

def _lookup(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {header_key(name): key for key, names in columns.items() for name in names}


def _match_header(text: object, lookup: dict[str, str]) -> str | None:
    key = header_key(text)
    if not key:
        return None
    if key in lookup:
        return lookup[key]
    # "Tài liệu kiểm chứng (bản chụp)", "Điểm tối đa (điểm)": the longest known header it starts with
    best = max((k for k in lookup if key.startswith(k + " ")), key=len, default=None)
    return lookup[best] if best else None


def _find_header(grid: _Grid, columns: dict[str, tuple[str, ...]],
                 required: tuple[tuple[str, str], ...]) -> tuple[int, dict[str, int]] | tuple[None, dict[str, int]]:
    """(header row, key -> column index) of the first of the first 10 rows naming every required column
    (joined with the row above when the header is written over two rows); else (None, best partial)."""
    lookup = _lookup(columns)
    best: dict[str, int] = {}
    best_row = None
    for r in range(min(HEADER_ROWS, len(grid.cells))):
        row = grid.cells[r]
        above = grid.cells[r - 1] if r > 0 else []
        found: dict[str, int] = {}
        for c in range(max(len(row), len(above))):
            value = row[c] if c < len(row) else None
            up = above[c] if c < len(above) else None
            key = _match_header(value, lookup)
            if key is None and up not in (None, "") and value not in (None, ""):
                key = _match_header(f"{up} {value}", lookup)        # "Điểm" above "tối đa"
            if key is None and up not in (None, "") and value in (None, ""):
                key = _match_header(up, lookup)                     # a header cell merged down two rows
            if key is not None and key not in found:
                found[key] = c
        if all(k in found for k, _ in required):
            return r + 1, found
        if len(found) > len(best):
            best, best_row = found, r + 1
    return None, best | ({"__row__": best_row} if best_row else {})


def _header_error(source: str, grid: _Grid, found: dict[str, int], required: tuple[tuple[str, str], ...],
                  columns: dict[str, tuple[str, ...]]) -> InvalidInput:
    names = {key: names[0] for key, names in columns.items()}
    if "__row__" in found:
        missing = [f"«{names[k]}»" + (" (hoặc «STT»)" if k == "code" else "") for k, _ in required if k not in found]
        return InvalidInput(f"{source}, trang «{grid.name}»: dòng tiêu đề (dòng {found['__row__']}) thiếu cột "
                            f"{', '.join(missing)}.")
    wanted = ", ".join(f"«{names[k]}»" for k, _ in required)
    return InvalidInput(f"{source}: không tìm thấy dòng tiêu đề trong {HEADER_ROWS} dòng đầu của trang tính. "
                        f"Cần các cột: {wanted}.")


def _locate(path: Path, columns, required) -> tuple[_Grid, int, dict[str, int]]:
    grids = _grids(path)
    if not grids:
        raise InvalidInput(f"{path.name}: tệp không có trang tính.")
    first_partial: tuple[_Grid, dict] | None = None
    for grid in grids:
        header, found = _find_header(grid, columns, required)
        if header is not None:
            return grid, header, found
        if first_partial is None or len(found) > len(first_partial[1]):
            first_partial = (grid, found)
    raise _header_error(path.name, first_partial[0], first_partial[1], required, columns)


_CODE_AND_TITLE = re.compile(r"^\s*([IVXLivxl]+|\d{1,3}(?:\.\d{1,3})*)\s*[.)]?\s+(\S.*)$", re.DOTALL)


# ---- the criteria table ---------------------------------------------------------------------------------

def read_criteria(path: str | Path) -> CriteriaSheet:
    """The criteria rows of the province's table (the first sheet that has the header)."""
    path = Path(path)
    grid, header_row, columns = _locate(path, CRITERIA_COLUMNS, CRITERIA_REQUIRED)
    where = f"{path.name}, trang «{grid.name}»"

    def cell(r: int, key: str) -> object:
        c = columns.get(key)
        if c is None:
            return None
        row = grid.cells[r - 1]
        value = row[c] if c < len(row) else None
        if value is None and (r, c + 1) in grid.merged_down and key in _REPEATED_DOWN:
            value = grid.merged_down[(r, c + 1)][1]
        if value is None and (r, c + 1) in grid.unknown_formulas:
            raise InvalidInput(f"{where}, dòng {r}: ô công thức «{grid.unknown_formulas[(r, c + 1)]}» chưa có giá trị "
                               "(tệp chưa được Excel tính lại). Hãy mở tệp bằng Excel, lưu lại rồi nhập lại.")
        return value

    rows: list[SheetRow] = []
    coordinators: dict[int, str] = {}
    deadlines: dict[int, date] = {}
    total: float | None = None
    empty_run = 0
    for r in range(header_row + 1, len(grid.cells) + 1):
        code_cell = cell(r, "code")
        code_col = columns["code"]
        code_merged = (r, code_col + 1) in grid.merged_down
        title = cell_lines(cell(r, "title"))
        raw_code = cell_lines(code_cell)
        max_raw = cell(r, "max")
        texts = {key: cell_lines(cell(r, key)) for key in ("guidance", "evidence", "unit", "coordinators", "metric", "bands")}
        if not raw_code and not title and max_raw in (None, "") and not any(texts.values()):
            empty_run += 1
            if empty_run > _EMPTY_RUN_LIMIT:
                break
            continue
        empty_run = 0
        if not title and raw_code and not code_shape(normalise_code(raw_code)):
            split = _CODE_AND_TITLE.match(raw_code)
            if split and code_shape(normalise_code(split.group(1))):
                raw_code, title = split.group(1), nfc(split.group(2))
        folded = fold(title or raw_code)
        if not raw_code and folded.startswith(("tong cong", "tong diem", "tong so diem", "tong")):
            total = parse_points(max_raw, where=f"{where}, dòng {r} (tổng cộng)")
            break
        if not raw_code and folded.startswith(("ghi chu", "luu y")):
            break
        if not raw_code or code_merged:
            if max_raw not in (None, "") and not code_merged:
                raise InvalidInput(f"{where}, dòng {r}: có điểm tối đa nhưng thiếu mã (cột «Mã» hoặc «STT»).")
            if not rows:
                raise InvalidInput(f"{where}, dòng {r}: thiếu mã (cột «Mã» hoặc «STT») cho «{title[:50]}».")
            previous = rows[-1]
            if title and title != previous.title:
                previous.title = f"{previous.title}\n{title}"
            for key, attr in (("guidance", "guidance"), ("evidence", "evidence_required")):
                value = texts[key]
                if value and value != getattr(previous, attr):
                    setattr(previous, attr, f"{getattr(previous, attr)}\n{value}".strip("\n"))
            continue
        rows.append(SheetRow(row_no=r, code=raw_code, title=title, max_raw=max_raw, guidance=texts["guidance"],
                             evidence_required=texts["evidence"], unit_text=texts["unit"], metric=texts["metric"],
                             bands=texts["bands"]))
        if texts["coordinators"]:
            coordinators[r] = texts["coordinators"]
        deadline = cell(r, "deadline")
        if deadline not in (None, ""):
            deadlines[r] = _deadline(deadline, f"{where}, dòng {r}")
    title_lines = [line for row in grid.cells[:header_row - 1] for value in row if value not in (None, "")
                   for line in cell_lines(value).split("\n")]
    for row in rows:   # a title written over several lines reads as one
        row.title = nfc(row.title.replace("\n", " "))
    return CriteriaSheet(path.name, grid.name, header_row, rows, coordinators, deadlines, total, title_lines)


def _deadline(value, where: str) -> date:
    from par_desktop.domain.text import parse_date

    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return parse_date(str(value))
    except InvalidInput as exc:
        raise InvalidInput(f"{where}: hạn nộp tài liệu kiểm chứng «{value}» không hợp lệ ({exc.message})") from None


# ---- the appraisal results ------------------------------------------------------------------------------

def read_appraisal(path: str | Path) -> list[AppraisalRow]:
    """Code, appraised points and reason of each row of the council's results (rows without points are
    skipped; an area's or criterion's total may be there and is checked by the service)."""
    path = Path(path)
    grid, header_row, columns = _locate(path, APPRAISAL_COLUMNS, APPRAISAL_REQUIRED)
    where = f"{path.name}, trang «{grid.name}»"
    out: list[AppraisalRow] = []
    for r in range(header_row + 1, len(grid.cells) + 1):
        row = grid.cells[r - 1]

        def value(key: str, row=row):
            c = columns.get(key)
            return row[c] if c is not None and c < len(row) else None

        code = normalise_code(cell_lines(value("code")))
        title = cell_lines(value("title"))
        if not code:
            if fold(title).startswith(("tong", "ghi chu")):
                break
            continue
        points = parse_points(value("appraised"), where=f"{where}, dòng {r} (mã {code})")
        out.append(AppraisalRow(r, code, points, cell_lines(value("reason"))))
    if not out:
        raise InvalidInput(f"{where}: không có dòng điểm thẩm định nào dưới dòng tiêu đề.")
    return out
