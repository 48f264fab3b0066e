"""Reading a one-stop software export (.xlsx/.csv) of TTHC dossiers into typed rows.

Columns follow CLI.md ("Dossier import columns"). Cells may be Excel dates or text such as
"07/02/2024 09:00", "07/02/2024", "2024-02-07 09:00" or "09:00 07/02/2024". Every problem is collected
with the row number the clerk sees in Excel, so one pass shows everything to fix; the service decides
whether to refuse the file. Matching procedures and units needs the database and happens in
``services.dossiers.importing``.

Text dates with slashes are day-first (Vietnamese) unless the file shows otherwise. A CSV saved on a PC
set to English (United States) writes "2/7/2024 9:00 AM" for 2 February: the order of a file is decided
from all its text dates together (``decide_date_order``) — a day above 12 in either place proves the
order, AM/PM means month-first, SA/CH, "ngày", "9h00" or dots mean Vietnamese day-first, and the
zero-padded "07/02/2024" that Vietnamese software and Excel write is day-first as CLI.md says. What is
left — only unpadded dates such as "2/7/2024" that read both ways, or proofs of both orders — is
``AmbiguousDates``: the GUI asks the clerk which order, the command line names the columns and takes
``--date-order``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from par_desktop.domain.salutation import parse_kind
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
        # optional: how letters address the applicant (Ông / Bà / Tổ chức), see domain.salutation
        "applicant_kind": ("Danh xưng", "Giới tính", "Xưng hô", "Giới tính người nộp"),
        "channel": ("Hình thức nộp", "Hình thức tiếp nhận", "Kênh tiếp nhận"),
        "received_at": ("Ngày tiếp nhận", "Thời gian tiếp nhận", "Ngày nhận"),
        "due_at": ("Hạn xử lý", "Ngày hẹn trả", "Ngày hẹn trả kết quả", "Hạn giải quyết"),
        "result_at": ("Ngày có kết quả",),
        "closed_at": ("Ngày trả kết quả", "Ngày kết thúc"),
        "status": ("Trạng thái", "Tình trạng"),
        "unit": ("Đơn vị xử lý", "Đơn vị giải quyết", "Phòng xử lý"),
        # optional service columns (DOMAIN.md §10)
        "digitised_dossier": ("Số hóa hồ sơ", "Đã số hóa hồ sơ", "Hồ sơ đã số hóa", "Số hóa thành phần hồ sơ"),
        "digitised_result": ("Số hóa kết quả", "Đã số hóa kết quả", "Kết quả đã số hóa"),
        "payment": ("Thanh toán", "Hình thức thanh toán", "Phương thức thanh toán"),
        "rating": ("Đánh giá", "Mức độ hài lòng", "Kết quả đánh giá", "Đánh giá của người dân"),
    },
    required=(("code",), ("procedure_code", "procedure_name"), ("received_at",)),
)

DAY_FIRST, MONTH_FIRST = "dmy", "mdy"   # the order of text dates: day/month/year or month/day/year

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
    # service columns: None when the file has no such column (blank cells in it mean no / no fee / not rated)
    digitised_dossier: bool | None = None
    digitised_result: bool | None = None
    payment: str | None = None    # online | direct | "" (no fee)
    rating: str = ""              # a key of domain.service_index.RATING_LABELS; "" not rated
    applicant_kind: str | None = None   # man | woman | organisation | "" not stated; None: no such column


@dataclass
class DossierFile:
    path: Path
    header_row: int
    present: set[str]             # the keys of the columns the file has
    rows: list[DossierRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    date_order: str = DAY_FIRST                   # how the text dates were read
    date_evidence: dict[str, DateEvidence] = field(default_factory=dict)   # per column key


_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})[/.-](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2})[:hg](\d{2})(?::(\d{2}))?(?:\s*(sa|ch|am|pm))?")


_PLAIN = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


@dataclass
class DateEvidence:
    """What the text dates of one column say about their order: the first example of each kind, as
    (row, text). ``day_first``/``month_first``: a number above 12 in the first/second place;
    ``am_pm``: English AM/PM; ``vietnamese``: SA/CH, "ngày", "9h00" or a dotted date; ``both_ways``:
    an unpadded date that reads both ways ("2/7/2024")."""

    day_first: tuple[int, str] | None = None
    month_first: tuple[int, str] | None = None
    am_pm: tuple[int, str] | None = None
    vietnamese: tuple[int, str] | None = None
    both_ways: tuple[int, str] | None = None

    def note(self, kind: str, row: int, text: str) -> None:
        if getattr(self, kind) is None:
            setattr(self, kind, (row, text))


def _note_order(evidence: DateEvidence | None, row: int, raw: str, first: str, second: str, separator: str,
                marker: str | None) -> None:
    """Record what one slash/dash/dot date (its first two numbers as written) says about the order."""
    if evidence is None:
        return
    if int(first) > 12:
        evidence.note("day_first", row, raw)
    elif int(second) > 12:
        evidence.note("month_first", row, raw)
    elif len(first) < 2 or len(second) < 2:
        evidence.note("both_ways", row, raw)
    if marker in ("am", "pm"):
        evidence.note("am_pm", row, raw)
    elif marker in ("sa", "ch") or separator == "." or marker == "vn":
        evidence.note("vietnamese", row, raw)


def parse_cell_moment(value: Any, order: str = DAY_FIRST, evidence: DateEvidence | None = None,
                      row: int = 0) -> tuple[datetime | None, bool]:
    """A date/moment cell -> (moment rounded to the minute, has a time of day). Raises ValueError.

    Text dates with two numbers before the year are read in ``order`` (day-first by default); what they
    say about the file's order is noted in ``evidence``."""
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
        first, second = plain.group(1), plain.group(2)
        _note_order(evidence, row, raw, first, second, "/", None)
        day, month = (first, second) if order == DAY_FIRST else (second, first)
        year, hour, minute = (int(g) if g else 0 for g in (plain.group(3), plain.group(4), plain.group(5)))
        try:
            if hour > 23 or minute > 59:
                raise ValueError(f"giờ không hợp lệ trong «{raw}»")
            return datetime(year, int(month), int(day), hour, minute), plain.group(4) is not None
        except ValueError:
            pass  # let the general reading below explain the problem
    return _parse_text_moment(value, order, evidence, row)


def _parse_text_moment(value: Any, order: str, evidence: DateEvidence | None, row: int) -> tuple[datetime | None, bool]:
    raw = cell_text(value)
    text = fold(raw)
    vietnamese_words = "ngay " in text or re.search(r"\d[hg]\d", text) is not None
    text = text.replace("ngay ", " ").replace(",", " ").strip()
    if not text:
        return None, False
    m = _DMY.search(text)
    if m:
        first, separator, second, year = m.group(1), m.group(2), m.group(3), int(m.group(4))
    else:
        m = _YMD.search(text)
        if not m:
            raise ValueError(f"không đọc được ngày «{raw}»")
        year, month, day = (int(g) for g in m.groups())
    rest = (text[:m.start()] + " " + text[m.end():]).replace("t", " ").strip()
    t = _TIME.fullmatch(rest.strip()) if rest else None
    marker = t.group(4) if t else None
    if m.re is _DMY:
        _note_order(evidence, row, raw, first, second, separator,
                    marker if marker else ("vn" if vietnamese_words else None))
        day, month = (int(first), int(second)) if order == DAY_FIRST else (int(second), int(first))
    try:
        base = date(year, month, day)
    except ValueError:
        raise ValueError(f"ngày không tồn tại «{raw}»"
                         + (" (đọc theo tháng/ngày/năm)" if order == MONTH_FIRST else "")) from None
    if not rest:
        return datetime(base.year, base.month, base.day), False
    if not t:
        raise ValueError(f"không đọc được giờ trong «{raw}»")
    hour, minute = int(t.group(1)), int(t.group(2))
    if marker in ("ch", "pm") and hour < 12:
        hour += 12
    elif marker in ("sa", "am") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise ValueError(f"giờ không hợp lệ trong «{raw}»")
    return datetime(base.year, base.month, base.day, hour, minute), True


def decide_date_order(path: Path, evidence: dict[str, DateEvidence]) -> str:
    """The order of the file's text dates (see the module's docstring), or ``AmbiguousDates``."""
    day_first = {key: e.day_first or e.vietnamese for key, e in evidence.items() if e.day_first or e.vietnamese}
    month_first = {key: e.month_first for key, e in evidence.items() if e.month_first}
    am_pm = {key: e.am_pm for key, e in evidence.items() if e.am_pm}
    if month_first and not day_first:
        return MONTH_FIRST
    if am_pm and not day_first:
        return MONTH_FIRST
    if day_first and not (month_first or am_pm):
        return DAY_FIRST
    if day_first:     # proofs of both orders (or AM/PM beside a day above 12): only the clerk knows
        shown = [(key, *example) for kind in (day_first, month_first, am_pm) for key, example in kind.items()]
        raise AmbiguousDates(path, shown, mixed=True)
    both_ways = [(key, *e.both_ways) for key, e in evidence.items() if e.both_ways]
    if both_ways:
        raise AmbiguousDates(path, both_ways)
    return DAY_FIRST


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


FIRST_YEAR = 2000
YEARS_AHEAD = 5
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def default_years(today: date | None = None) -> tuple[int, int]:
    """The sane window of years for a moment in an export: 2000 to next year + 5 (settings change it)."""
    return FIRST_YEAR, (today or date.today()).year + YEARS_AHEAD


_YES = frozenset({"co", "x", "1", "da so hoa", "so hoa", "yes", "true", "dat"})
_NO = frozenset({"", "khong", "0", "chua so hoa", "chua", "no", "false"})


@lru_cache(maxsize=64)
def parse_flag(text: str, what: str) -> bool:
    """"Có", "x", "1", "Đã số hóa" -> True; "Không", "0", "Chưa số hóa", blank -> False. Raises ValueError."""
    key = fold(text).strip(" .")
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(f"«{what}»: «{text}» không rõ (Có, Không, x, 1, 0, Đã số hóa hoặc để trống)")


@lru_cache(maxsize=64)
def parse_payment(text: str) -> str:
    """Trực tuyến -> online, Trực tiếp -> direct, blank or "Không thu phí" -> "" (no fee). Raises ValueError."""
    key = fold(text).strip(" .")
    if not key or key in ("khong", "khong thu phi", "mien phi", "mien phi, le phi", "khong co phi"):
        return ""
    if "truc tuyen" in key or "online" in key or "dich vu cong" in key or "dien tu" in key:
        return "online"
    if "truc tiep" in key or "tai quay" in key or "tien mat" in key or "mot cua" in key:
        return "direct"
    raise ValueError(f"«Thanh toán»: «{text}» không rõ (Trực tuyến, Trực tiếp hoặc để trống khi không thu phí)")


_RATINGS = {"rat hai long": "very_satisfied", "hai long": "satisfied", "binh thuong": "neutral",
            "khong hai long": "unsatisfied", "rat khong hai long": "very_unsatisfied",
            "chua danh gia": "", "khong danh gia": "", "": ""}


@lru_cache(maxsize=64)
def parse_rating(text: str) -> str:
    """Rất hài lòng, Hài lòng, Bình thường, Không hài lòng (Rất không hài lòng) -> a rating key;
    blank -> "" (not rated). Raises ValueError."""
    key = " ".join(fold(text).replace("-", " ").strip(" .").split())
    if key in _RATINGS:
        return _RATINGS[key]
    raise ValueError(f"«Đánh giá»: «{text}» không rõ (Rất hài lòng, Hài lòng, Bình thường, Không hài lòng "
                     "hoặc để trống khi chưa đánh giá)")


def read_dossier_file(path: str | Path, progress: ProgressFn | None = None,
                      date_order: str | None = None, years: tuple[int, int] | None = None) -> DossierFile:
    """Read and check every row; problems are collected, not raised (the caller decides).

    ``date_order`` (``DAY_FIRST``/``MONTH_FIRST``) is the clerk's answer for text dates; None decides it
    from the file (``decide_date_order``; a month-first file is read a second time), raising
    ``AmbiguousDates`` when only the clerk can tell. A moment outside ``years`` (default
    ``default_years``) is an error for its row: a year typed 9999 or 0024 would otherwise make every
    timer count millions of working days."""
    years = years or default_years()
    result = _read_rows(path, progress, date_order or DAY_FIRST, years)
    if date_order is None and decide_date_order(result.path, result.date_evidence) == MONTH_FIRST:
        result = _read_rows(path, progress, MONTH_FIRST, years)
    return result


def _read_rows(path: str | Path, progress: ProgressFn | None, order: str, years: tuple[int, int]) -> DossierFile:
    table = read_table(path, COLUMNS)
    result = DossierFile(table.path, table.header_row, set(table.columns), date_order=order)
    count = 0
    for row_no, cells in table.rows:
        count += 1
        if progress is not None and count % 2000 == 0:
            progress(count, table.total_rows, f"Đã đọc {count:,} dòng".replace(",", "."))
        parsed = _parse_row(table, row_no, cells, result.problems, order, result.date_evidence, years)
        if parsed is not None:
            result.rows.append(parsed)
    return result


def _parse_row(table: Table, row_no: int, cells: list[Any], problems: list[RowProblem], order: str,
               evidence: dict[str, DateEvidence], years: tuple[int, int] = (FIRST_YEAR, 9999)) -> DossierRow | None:
    code = cell_text(table.cell(cells, "code"))
    filled = [cell_text(table.cell(cells, key)) for key in ("procedure_code", "procedure_name", "received_at")]
    if not any(filled) and (not code or " " in code):
        return None  # a blank line, or a footer such as "Tổng cộng: 150 hồ sơ" (codes have no spaces)
    errors: list[str] = []

    def moment(key: str) -> tuple[datetime | None, bool]:
        try:
            value, has_time = parse_cell_moment(table.cell(cells, key), order, evidence.setdefault(key, DateEvidence()),
                                                row_no)
        except ValueError as exc:
            errors.append(f"cột «{COLUMNS.display(key)}»: {exc}")
            return None, False
        if value is not None and not years[0] <= value.year <= years[1]:
            errors.append(f"cột «{COLUMNS.display(key)}»: năm {value.year} nằm ngoài khoảng cho phép "
                          f"{years[0]}–{years[1]} (gõ nhầm năm?)")
            return None, False
        return value, has_time

    for key in ("code", "procedure_code", "procedure_name", "applicant", "unit", "field", "status"):
        found = _CONTROL.search(cell_text(table.cell(cells, key)))
        if found:
            errors.append(f"cột «{COLUMNS.display(key)}» chứa ký tự điều khiển không in được "
                          f"(U+{ord(found.group()):04X}); hãy xóa ký tự đó trong tệp rồi nhập lại")

    if not code:
        errors.append("thiếu «Mã hồ sơ»")
    procedure_code = cell_text(table.cell(cells, "procedure_code"))
    procedure_name = cell_text(table.cell(cells, "procedure_name"))
    if not procedure_code and not procedure_name:
        errors.append("thiếu «Mã thủ tục» hoặc «Tên thủ tục»")
    received_at, _ = moment("received_at")
    if received_at is None and not any(COLUMNS.display("received_at") in e for e in errors):
        errors.append("thiếu «Ngày tiếp nhận»")
    due_at, due_has_time = moment("due_at")
    result_at, _ = moment("result_at")
    closed_at, _ = moment("closed_at")
    try:
        channel = parse_channel(cell_text(table.cell(cells, "channel")))
    except ValueError as exc:
        errors.append(str(exc))
        channel = None
    if received_at is not None:
        if closed_at is not None and closed_at < received_at and closed_at.date() < received_at.date():
            errors.append("ngày trả kết quả trước ngày tiếp nhận")
        if due_at is not None and due_at.date() < received_at.date():
            errors.append("hạn xử lý trước ngày tiếp nhận")
    service = _service_columns(table, cells, errors)
    if table.has("applicant_kind"):
        try:
            service["applicant_kind"] = parse_kind(cell_text(table.cell(cells, "applicant_kind")))
        except ValueError as exc:
            errors.append(f"«{COLUMNS.display('applicant_kind')}»: {exc}")
    if errors:
        problems.extend(RowProblem(row_no, e) for e in errors)
        return None
    status = cell_text(table.cell(cells, "status"))
    return DossierRow(
        row=row_no, code=code, procedure_code=procedure_code, procedure_name=procedure_name,
        field=cell_text(table.cell(cells, "field")), applicant=cell_text(table.cell(cells, "applicant")),
        channel=channel, received_at=received_at, due_at=due_at, due_date_only=due_at is not None and not due_has_time,
        result_at=result_at, closed_at=closed_at, status=status, withdrawn=is_withdrawn(status),
        unit=cell_text(table.cell(cells, "unit")), **service,
    )


_SERVICE_READERS = {"digitised_dossier": lambda t: parse_flag(t, COLUMNS.display("digitised_dossier")),
                    "digitised_result": lambda t: parse_flag(t, COLUMNS.display("digitised_result")),
                    "payment": parse_payment, "rating": parse_rating}


def _service_columns(table: Table, cells: list[Any], errors: list[str]) -> dict[str, Any]:
    """The optional service columns the file has, read (a column the file lacks is left out)."""
    values: dict[str, Any] = {}
    for key, read in _SERVICE_READERS.items():
        if table.has(key):
            try:
                values[key] = read(cell_text(table.cell(cells, key)))
            except ValueError as exc:
                errors.append(str(exc))
    return values


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


class AmbiguousDates(InvalidInput):
    """The file's text dates read both as day/month/year and as month/day/year: nothing was saved, and the
    clerk says which (``examples``: (column key, row, text) of dates that show it)."""

    def __init__(self, path: Path, examples: list[tuple[str, int, str]], *, mixed: bool = False, hint: str = ""):
        shown = "; ".join(f"cột «{COLUMNS.display(key)}» (dòng {row}: «{text}»)" for key, row, text in examples)
        if mixed:
            what = f"viết theo cả hai thứ tự ngày/tháng/năm và tháng/ngày/năm: {shown}"
        else:
            what = f"đọc được cả là ngày/tháng/năm lẫn tháng/ngày/năm: {shown}"
        super().__init__(f"{path.name}: ngày trong tệp {what}. Chưa nhập hồ sơ nào; hãy cho biết ngày trong tệp "
                         "viết theo thứ tự nào." + hint)
        self.path = path
        self.examples = examples
        self.mixed = mixed
