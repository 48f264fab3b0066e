"""Reading a one-stop software export (.xlsx/.csv) of TTHC dossiers into typed rows.

Columns follow CLI.md ("Dossier import columns"). Cells may be Excel dates or text such as
"07/02/2024 09:00", "07/02/2024", "2024-02-07 09:00" or "09:00 07/02/2024". Every problem is collected
with the row number the clerk sees in Excel, so one pass shows everything to fix; the service decides
whether to refuse the file. Matching procedures and units needs the database and happens in
``services.dossiers.importing``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from par_desktop.domain.text import fold
from par_desktop.errors import InvalidInput
from par_desktop.importers.tabular import ColumnSpec, ProgressFn, Table, cell_text, read_table

COLUMNS = ColumnSpec(
    headers={
        "code": ("Mã hồ sơ", "Mã số hồ sơ", "Số hồ sơ"),
        "procedure_code": ("Mã thủ tục", "Mã TTHC", "Mã thủ tục hành chính"),
        "procedure_name": ("Tên thủ tục", "Tên TTHC", "Tên thủ tục hành chính", "Thủ tục"),
        "field": ("Lĩnh vực",),
        "applicant": ("Người nộp", "Chủ hồ sơ", "Người nộp hồ sơ", "Tên người nộp", "Tổ chức, cá nhân"),
        "channel": ("Hình thức nộp", "Hình thức tiếp nhận", "Kênh tiếp nhận"),
        "received_at": ("Ngày tiếp nhận", "Thời gian tiếp nhận", "Ngày nhận"),
        "due_at": ("Hạn xử lý", "Ngày hẹn trả", "Ngày hẹn trả kết quả", "Hạn giải quyết"),
        "result_at": ("Ngày có kết quả",),
        "closed_at": ("Ngày trả kết quả", "Ngày kết thúc"),
        "status": ("Trạng thái", "Tình trạng"),
        "unit": ("Đơn vị xử lý", "Đơn vị giải quyết", "Phòng xử lý"),
    },
    required=(("code",), ("procedure_code", "procedure_name"), ("received_at",)),
)

# Statuses meaning the dossier left the normal flow (withdrawn by the applicant, returned, cancelled):
# counted apart from the statistics table.
_WITHDRAWN = re.compile(r"\brut\b|\bhuy\b|tra lai ho so|dung xu ly|tu choi")


@dataclass(frozen=True)
class RowProblem:
    row: int | None     # the row number in the file (None: the whole file)
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}: {self.message}" if self.row else self.message


@dataclass
class DossierRow:
    """One dossier as the export states it (moments are naive local time, minute resolution)."""

    row: int
    code: str
    procedure_code: str
    procedure_name: str
    field: str
    applicant: str
    channel: str | None           # online | direct | post; None when the cell is empty
    received_at: datetime
    due_at: datetime | None       # the appointment in the export, if any
    due_date_only: bool           # the appointment had no time of day (the service uses the closing time)
    result_at: datetime | None
    closed_at: datetime | None
    status: str
    withdrawn: bool
    unit: str


@dataclass
class DossierFile:
    path: Path
    header_row: int
    present: set[str]             # the keys of the columns the file has
    rows: list[DossierRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2})[:hg](\d{2})(?::(\d{2}))?(?:\s*(sa|ch|am|pm))?")


_PLAIN = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def parse_cell_moment(value: Any) -> tuple[datetime | None, bool]:
    """A date/moment cell -> (moment rounded to the minute, has a time of day). Raises ValueError."""
    if value is None or value == "":
        return None, False
    if isinstance(value, datetime):
        moment = _round_minute(value)
        return moment, (moment.hour, moment.minute) != (0, 0)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day), False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        if not 1 <= value < 2958466:
            raise ValueError(f"không phải ngày: {value!r}")
        moment = _round_minute(from_excel(value))
        return moment, (moment.hour, moment.minute) != (0, 0)
    raw = str(value).strip()
    plain = _PLAIN.fullmatch(raw)  # "07/02/2024 09:00", the usual text: no folding needed
    if plain:
        day, month, year, hour, minute = (int(g) if g else 0 for g in plain.groups()[:5])
        try:
            if hour > 23 or minute > 59:
                raise ValueError(f"giờ không hợp lệ trong «{raw}»")
            return datetime(year, month, day, hour, minute), plain.group(4) is not None
        except ValueError:
            pass  # let the general reading below explain the problem
    return _parse_text_moment(value)


def _parse_text_moment(value: Any) -> tuple[datetime | None, bool]:
    text = fold(cell_text(value)).replace("ngay ", " ").replace(",", " ").strip()
    if not text:
        return None, False
    m = _DMY.search(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
    else:
        m = _YMD.search(text)
        if not m:
            raise ValueError(f"không đọc được ngày «{cell_text(value)}»")
        year, month, day = (int(g) for g in m.groups())
    rest = (text[:m.start()] + " " + text[m.end():]).replace("t", " ").strip()
    try:
        base = date(year, month, day)
    except ValueError:
        raise ValueError(f"ngày không tồn tại «{cell_text(value)}»") from None
    if not rest:
        return datetime(base.year, base.month, base.day), False
    t = _TIME.fullmatch(rest.strip())
    if not t:
        raise ValueError(f"không đọc được giờ trong «{cell_text(value)}»")
    hour, minute = int(t.group(1)), int(t.group(2))
    if t.group(4) in ("ch", "pm") and hour < 12:
        hour += 12
    elif t.group(4) in ("sa", "am") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise ValueError(f"giờ không hợp lệ trong «{cell_text(value)}»")
    return datetime(base.year, base.month, base.day, hour, minute), True


def _round_minute(moment: datetime) -> datetime:
    """Excel stores times as fractions of a day: 09:00 may come back as 08:59:59.999."""
    return (moment + timedelta(seconds=30)).replace(second=0, microsecond=0)


@lru_cache(maxsize=256)
def parse_channel(text: str) -> str | None:
    """Trực tuyến -> online, Trực tiếp -> direct, Bưu chính / BCCI -> post. Raises ValueError."""
    key = fold(text)
    if not key:
        return None
    if "truc tuyen" in key or "online" in key or "dich vu cong" in key or "qua mang" in key:
        return "online"
    if "buu" in key or "bcci" in key or "buu chinh" in key:
        return "post"
    if "truc tiep" in key or "tai quay" in key or "bo phan mot cua" in key:
        return "direct"
    raise ValueError(f"hình thức nộp «{text}» không rõ (Trực tuyến, Trực tiếp hoặc Bưu chính)")


def read_dossier_file(path: str | Path, progress: ProgressFn | None = None) -> DossierFile:
    """Read and check every row; problems are collected, not raised (the caller decides)."""
    table = read_table(path, COLUMNS)
    result = DossierFile(table.path, table.header_row, set(table.columns))
    count = 0
    for row_no, cells in table.rows:
        count += 1
        if progress is not None and count % 2000 == 0:
            progress(count, table.total_rows, f"Đã đọc {count:,} dòng".replace(",", "."))
        parsed = _parse_row(table, row_no, cells, result.problems)
        if parsed is not None:
            result.rows.append(parsed)
    return result


def _cell(table: Table, cells: list[Any], key: str) -> Any:
    index = table.columns.get(key)
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _parse_row(table: Table, row_no: int, cells: list[Any], problems: list[RowProblem]) -> DossierRow | None:
    code = cell_text(_cell(table, cells, "code"))
    filled = [cell_text(_cell(table, cells, key)) for key in ("procedure_code", "procedure_name", "received_at")]
    if not any(filled) and (not code or " " in code):
        return None  # a blank line, or a footer such as "Tổng cộng: 150 hồ sơ" (codes have no spaces)
    errors: list[str] = []

    def moment(key: str) -> tuple[datetime | None, bool]:
        try:
            return parse_cell_moment(_cell(table, cells, key))
        except ValueError as exc:
            errors.append(f"cột «{COLUMNS.display(key)}»: {exc}")
            return None, False

    if not code:
        errors.append("thiếu «Mã hồ sơ»")
    procedure_code = cell_text(_cell(table, cells, "procedure_code"))
    procedure_name = cell_text(_cell(table, cells, "procedure_name"))
    if not procedure_code and not procedure_name:
        errors.append("thiếu «Mã thủ tục» hoặc «Tên thủ tục»")
    received_at, _ = moment("received_at")
    if received_at is None and not any("Ngày tiếp nhận" in e for e in errors):
        errors.append("thiếu «Ngày tiếp nhận»")
    due_at, due_has_time = moment("due_at")
    result_at, _ = moment("result_at")
    closed_at, _ = moment("closed_at")
    try:
        channel = parse_channel(cell_text(_cell(table, cells, "channel")))
    except ValueError as exc:
        errors.append(str(exc))
        channel = None
    if received_at is not None:
        if closed_at is not None and closed_at < received_at and closed_at.date() < received_at.date():
            errors.append("ngày trả kết quả trước ngày tiếp nhận")
        if due_at is not None and due_at.date() < received_at.date():
            errors.append("hạn xử lý trước ngày tiếp nhận")
    if errors:
        problems.extend(RowProblem(row_no, e) for e in errors)
        return None
    status = cell_text(_cell(table, cells, "status"))
    return DossierRow(
        row=row_no, code=code, procedure_code=procedure_code, procedure_name=procedure_name,
        field=cell_text(_cell(table, cells, "field")), applicant=cell_text(_cell(table, cells, "applicant")),
        channel=channel, received_at=received_at, due_at=due_at, due_date_only=due_at is not None and not due_has_time,
        result_at=result_at, closed_at=closed_at, status=status, withdrawn=is_withdrawn(status),
        unit=cell_text(_cell(table, cells, "unit")),
    )


@lru_cache(maxsize=256)
def is_withdrawn(status: str) -> bool:
    """Withdrawn, returned or cancelled (rút, trả lại, hủy, dừng xử lý, từ chối)."""
    return bool(_WITHDRAWN.search(fold(status)))


class ImportRefused(InvalidInput):
    """A file with bad rows: nothing was saved. ``problems`` lists every row to fix."""

    def __init__(self, path: Path, problems: list[RowProblem], shown: int = 10,
                 nothing_saved: str = "chưa nhập hồ sơ nào"):
        lines = [str(p) for p in problems[:shown]]
        more = f"\n… và {len(problems) - shown} lỗi khác." if len(problems) > shown else ""
        rows = len({p.row for p in problems})
        super().__init__(f"{path.name}: {rows} dòng có lỗi, {nothing_saved}. "
                         + "; ".join(lines) + more)
        self.path = path
        self.problems = problems
