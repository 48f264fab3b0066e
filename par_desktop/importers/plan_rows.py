"""The plain row model shared by the Word and Excel plan importers, and the table logic they share.

A clerk's appendix table (bảng phụ lục) has a header row "TT | Nội dung, nhiệm vụ cụ thể | Đơn vị chủ
trì | Đơn vị phối hợp | Thời gian hoàn thành | Ghi chú", possibly title rows above it, a row numbering
the columns "(1) (2) …", section rows ("I | Tham mưu ban hành văn bản QPPL", merged across the
columns), sub-section rows ("A | Công tác tuyên truyền…"), task rows numbered 1, 2, … within their
(sub-)section, and stray empty rows. The importers turn the file into ``SourceRow``s (one text per grid
column, "" where a horizontal merge continues); ``parse_table`` turns those into ``PlanTaskRow``s with
their refs ("III.A.3"). Deadlines are read later, once the plan's year is known.

No database and no Qt here: only the file's content.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from par_desktop.domain.text import fold, from_roman, nfc
from par_desktop.errors import InvalidInput


def clean_cell(text: object) -> str:
    """A cell's text: each line NFC with spaces collapsed, empty lines dropped, lines joined by "\\n"
    (clerks put one unit per line in a cell, or break long content into lines)."""
    if text is None:
        return ""
    lines = (nfc(line) for line in str(text).replace("\r", "\n").replace("\v", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class SourceRow:
    """One row of the file's table: ``number`` is how the clerk finds it (Excel row; Word table row,
    the table's first row being 1); ``cells`` has one NFC text per grid column."""
    number: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class PlanTaskRow:
    """One task of the appendix, still in the file's words."""
    ref: str                     # "III.A.3"
    section: str                 # "III"
    section_title: str
    subsection: str              # "A" or ""
    subsection_title: str
    number: int                  # 3
    content: str
    lead: str                    # the "Đơn vị chủ trì" cell as written
    coordinating: str            # the "Đơn vị phối hợp" cell as written
    deadline_text: str           # the "Thời gian hoàn thành" cell as written
    note: str
    location: str                # "dòng 7 của bảng phụ lục" — for messages naming the row


@dataclass(frozen=True)
class PlanDocument:
    """What an importer read from a plan file."""
    source: str                  # file name, for messages
    title: str = ""
    number: int | None = None    # 38
    number_text: str = ""        # "38/KH-SLĐTBXH"
    issued_on: date | None = None
    year_hint: int | None = None  # the plan's year as its title states it ("… năm 2024")
    tasks: tuple[PlanTaskRow, ...] = field(default_factory=tuple)
    governing_body: str = ""     # the header block: "UBND TỈNH BẮC GIANG"
    agency: str = ""             # "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    place: str = ""              # "Bắc Giang" (from "Bắc Giang, ngày 29 tháng 02 năm 2024")

    def error(self, row: PlanTaskRow | None, message: str) -> InvalidInput:
        where = f", {row.location} (mục {row.ref})" if row is not None else ""
        return InvalidInput(f"Tệp «{self.source}»{where}: {message}")


# ---- header ------------------------------------------------------------------------------------

COLUMNS = ("tt", "content", "lead", "coordinating", "deadline", "note")
REQUIRED = ("tt", "content", "lead", "deadline")
COLUMN_LABELS = {"tt": "TT", "content": "Nội dung", "lead": "Đơn vị chủ trì", "coordinating": "Đơn vị phối hợp",
                 "deadline": "Thời gian hoàn thành", "note": "Ghi chú"}


def _column_of(header_text: str) -> str | None:
    key = fold(header_text).strip(" .:")
    if key in ("tt", "stt", "so tt", "so thu tu", "thu tu"):
        return "tt"
    if "phoi hop" in key:
        return "coordinating"
    if "chu tri" in key:
        return "lead"
    if "san pham" in key or "ket qua" in key:     # "Sản phẩm hoàn thành", "Kết quả": not the deadline
        return None
    if "thoi gian" in key or "thoi han" in key or "hoan thanh" in key or "tien do" in key:
        return "deadline"
    if "ghi chu" in key:
        return "note"
    if "noi dung" in key or "nhiem vu" in key:
        return "content"
    if key.startswith("don vi") and "thuc hien" in key:   # "Đơn vị thực hiện" in some plans
        return "lead"
    return None


def _columns(cells: Sequence[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, text in enumerate(cells):
        name = _column_of(text) if text else None
        if name and name not in columns:
            columns[name] = position
    return columns


def _two_row_header(first: SourceRow, second: SourceRow) -> list[str]:
    """A header written on two rows ("Đơn vị" merged over "Chủ trì | Phối hợp"): the texts of each column
    joined, a text merged down both rows counted once."""
    width = max(len(first.cells), len(second.cells))
    cells = []
    for i in range(width):
        top = first.cells[i] if i < len(first.cells) else ""
        bottom = second.cells[i] if i < len(second.cells) else ""
        cells.append(top if top == bottom else " ".join(t for t in (top, bottom) if t))
    return cells


def find_header(rows: Sequence[SourceRow]) -> tuple[int, dict[str, int]] | None:
    """(index of the header's last row, column name -> grid index) of the first row — or pair of rows —
    naming at least the TT, content, lead-unit and deadline columns; None when there is none."""
    for index, row in enumerate(rows):
        columns = _columns(row.cells)
        if all(name in columns for name in REQUIRED):
            return index, columns
        if index + 1 < len(rows) and columns:
            columns = _columns(_two_row_header(row, rows[index + 1]))
            if all(name in columns for name in REQUIRED):
                return index + 1, columns
    return None


def missing_columns_message(rows: Sequence[SourceRow]) -> str:
    """Which required columns the best candidate row lacks, to tell the clerk what to fix."""
    best: set[str] = set()
    for row in rows:
        found = {_column_of(text) for text in row.cells if text} - {None}
        if len(found) > len(best):
            best = found
    missing = [COLUMN_LABELS[name] for name in REQUIRED if name not in best]
    return ("không tìm thấy dòng tiêu đề của bảng nhiệm vụ (cần các cột "
            "“TT | Nội dung | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành | Ghi chú”"
            + (f"; thiếu: {', '.join(missing)}" if best else "") + ").")


# ---- rows ---------------------------------------------------------------------------------------

_ROMAN = re.compile(r"[IVXL]+")
_HEADING = re.compile(r"^([IVXL]+|[A-Z])\s*[.):–-]?\s+(\S.*)$")
_NUMBER = re.compile(r"^0*(\d{1,3})\s*[.)]?$")
_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")


def _section_kind(label: str) -> str | None:
    """'section' for a Roman numeral (I, II … XXXIX), 'subsection' for a single other capital letter."""
    if _ROMAN.fullmatch(label):
        try:
            from_roman(label)
            return "section"
        except ValueError:
            return None
    if len(label) == 1 and "A" <= label <= "Z":
        return "subsection"
    return None


def _heading(tt: str, rest: list[str]) -> tuple[str, str, str] | None:
    """(kind, label, title) when the row is a section or sub-section heading."""
    label = tt.strip().rstrip(".)").strip()
    kind = _section_kind(label) if label else None
    if kind:
        return kind, label, next((text for text in rest if text), "")
    # The whole row merged into one cell: "III. Cải cách thủ tục hành chính".
    texts = [text for text in [tt, *rest] if text]
    if len(texts) == 1 and (m := _HEADING.match(texts[0])):
        kind = _section_kind(m.group(1))
        if kind:
            return kind, m.group(1), m.group(2).strip()
    return None


def _is_column_numbers(cells: Sequence[str]) -> bool:
    """The "(1) (2) (3) …" row some clerks put under the header."""
    texts = [text for text in cells if text]
    return len(texts) >= 3 and all(_COLUMN_NUMBERS.fullmatch(text) for text in texts)


def parse_table(document_source: str, rows: Sequence[SourceRow], describe_row, *,
                header: tuple[int, dict[str, int]]) -> list[PlanTaskRow]:
    """The tasks of an appendix table, in order, with their refs; refuses unreadable rows and duplicates.

    ``describe_row(number)`` words a row's position for messages ("dòng 7 của bảng phụ lục").
    """
    start, columns = header
    section = section_title = subsection = subsection_title = ""
    tasks: list[PlanTaskRow] = []
    seen: dict[str, PlanTaskRow] = {}

    def cell(row: SourceRow, name: str) -> str:
        position = columns.get(name)
        if position is None or position >= len(row.cells):
            return ""
        return row.cells[position]

    def fail(row: SourceRow, message: str) -> InvalidInput:
        return InvalidInput(f"Tệp «{document_source}», {describe_row(row.number)}: {message}")

    for row in rows[start + 1:]:
        if not any(row.cells) or _is_column_numbers(row.cells):
            continue
        tt = nfc(cell(row, "tt"))
        others = [text for position, text in enumerate(row.cells) if position != columns["tt"]]
        content_first = [nfc(text) for text in [cell(row, "content")] + [t for t in others if t != cell(row, "content")]]
        heading = _heading(tt, content_first)
        if heading:
            kind, label, title = heading
            if kind == "section":
                section, section_title, subsection, subsection_title = label, title, "", ""
            else:
                subsection, subsection_title = label, title
            continue
        number = _NUMBER.match(tt.strip())
        if number is None:
            if tt:
                raise fail(row, f"số thứ tự “{tt}” không đọc được (cần 1, 2, 3… cho nhiệm vụ; I, II… cho mục; "
                                "A, B… cho tiểu mục).")
            raise fail(row, "dòng có nội dung nhưng không có số thứ tự (cột TT), nên không biết đây là mục "
                            "hay nhiệm vụ. Hãy ghi số thứ tự hoặc xóa dòng này.")
        content = cell(row, "content")
        if not content:
            raise fail(row, f"nhiệm vụ số {number.group(1)} chưa có nội dung.")
        parts = [part for part in (section, subsection) if part]
        ref = ".".join([*parts, str(int(number.group(1)))])
        task = PlanTaskRow(
            ref=ref, section=section, section_title=section_title, subsection=subsection,
            subsection_title=subsection_title, number=int(number.group(1)), content=content,
            lead=cell(row, "lead"), coordinating=cell(row, "coordinating"),
            deadline_text=nfc(cell(row, "deadline")), note=cell(row, "note"), location=describe_row(row.number))
        if ref in seen:
            raise fail(row, f"trùng số thứ tự {ref} với {seen[ref].location}. Mỗi nhiệm vụ trong một mục "
                            "phải có số thứ tự riêng.")
        seen[ref] = task
        tasks.append(task)
    return tasks


# ---- plan facts from the title ------------------------------------------------------------------

_YEAR_IN_TITLE = re.compile(r"\bnam (\d{4})\b")
_PLAN_NUMBER = re.compile(r"^so\s*:?\s*(\d{1,4})\s*/\s*(\S.*)$")
_ISSUED = re.compile(r"ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})")
_ANY_YEAR = re.compile(r"\b(20\d\d)\b")


def year_in_title(texts: Iterable[str]) -> int | None:
    """The year a title states ("… tổ chức năm 2024 …"), skipping dates ("ngày … tháng 2 năm 2024")."""
    for text in texts:
        folded = fold(text)
        for m in _YEAR_IN_TITLE.finditer(folded):
            before = folded[max(0, m.start() - 12):m.start()]
            if "thang" not in before:
                return int(m.group(1))
    return None


def plan_number(texts: Iterable[str]) -> tuple[int | None, str]:
    """(38, "38/KH-SLĐTBXH") from the "Số: 38 /KH-SLĐTBXH" line, else (None, "")."""
    for text in texts:
        raw = nfc(text)
        m = _PLAN_NUMBER.match(fold(raw))
        if m:
            rest = re.sub(r"\s+", "", raw.split("/", 1)[1])
            return int(m.group(1)), f"{int(m.group(1))}/{rest}"
    return None, ""


_GOVERNING = re.compile(r"^(?:ubnd|uy ban nhan dan|bo|hdnd) ")
_PLACE = re.compile(r"^(.{2,40}?),\s*ngay\b")


def header_names(texts: Iterable[str]) -> tuple[str, str, str]:
    """(governing body, agency, place) from a Decree 30 header block: "UBND TỈNH BẮC GIANG" then the agency
    on the next line ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"), and "Bắc Giang, ngày …"; "" where absent."""
    lines = [nfc(t) for t in texts if nfc(t)]
    governing = agency = place = ""
    for index, line in enumerate(lines[:40]):
        folded = fold(line)
        if not governing and _GOVERNING.match(folded) and line.isupper():
            governing = line
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if following.isupper() and "/" not in following and not fold(following).startswith("cong hoa"):
                agency = following
        match = _PLACE.match(folded)
        if not place and match and len(line) == len(folded):
            place = line[:match.end(1)]
    return governing, agency, place


def issued_on(texts: Iterable[str]) -> date | None:
    """The date line ("Bắc Giang, ngày 29 tháng 02 năm 2023"); None when absent or impossible (that one
    is: 2023 had no 29 February — the plan's own typo), since it is informative only."""
    for text in texts:
        m = _ISSUED.search(fold(text))
        if m:
            try:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                return None
    return None


def year_from_deadlines(tasks: Iterable[PlanTaskRow]) -> int | None:
    """The year most deadlines name ("Tháng 7/2024" …); the earliest on a tie."""
    counts = Counter(int(y) for task in tasks for y in _ANY_YEAR.findall(task.deadline_text))
    if not counts:
        return None
    best = max(counts.values())
    return min(year for year, n in counts.items() if n == best)
