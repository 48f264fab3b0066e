"""What the PAR INDEX side writes: the self-assessment table (.xlsx, in the province's columns plus
the self-score, explanation and evidence list, under a Decree 30 header), the index sheet of the
evidence pack, and the data of the two documents (the self-assessment report, and the points lost per
unit with the draft proposal to the Director of plan section IV.2).

The table keeps its header row within the first 10 rows, so it can be imported back (``index import``)
and, with an "Điểm thẩm định" column added, serves as the appraisal sheet (``index appraisal``).
Text cells are written as text (``domain.safe_cells``): a value that begins with "=" never becomes a formula.
"""

from __future__ import annotations

import gc
import io
import logging
import os
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from par_desktop.db import connection
from par_desktop.db.models import IndexCriterion, IndexSet, Unit
from par_desktop.domain import par_index as rules
from par_desktop.domain import safe_cells
from par_desktop.domain.text import nfc, ui_date
from par_desktop.errors import InvalidInput, NotFound
from par_desktop.services.par_index import criteria as C
from par_desktop.services.par_index import evidence as E
from par_desktop.services.par_index import scoring as S

TABLE_COLUMNS = ("Mã", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Hướng dẫn chấm điểm",
                 "Tài liệu kiểm chứng", "Đơn vị chủ trì", "Điểm tự đánh giá", "Giải trình",
                 "Danh mục tài liệu kiểm chứng")
_WIDTHS = (9, 48, 9, 40, 32, 20, 10, 36, 42)
HEADER_ROW = 7


def _safe(cell, value) -> None:
    """Write ``value``; text is written as text (``domain.safe_cells``: never a live formula, no control
    characters)."""
    if isinstance(value, str):
        value = safe_cells.text("\n".join(nfc(line) for line in value.split("\n")))
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _org_lines(on: date) -> tuple[str, str, str, str]:
    """(governing body, agency as in the header, agency in running text, agency abbreviation); blank
    when the organisation is not set up."""
    from par_desktop.services.documents import org_info

    try:
        org = org_info(on)
    except NotFound:
        return "", "", "", ""
    return org.governing_body, org.agency_header or org.agency_name, org.agency_name, org.agency_abbr


def export_self_assessment(year: int, out: str | Path, today: date | None = None) -> Path:
    """The self-assessment table of the year as an .xlsx file at ``out``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InvalidInput(f"Bảng tự đánh giá xuất ra tệp .xlsx (nhận được «{out.name}»).")
    report = S.score_report(year, today)
    listed, _count = evidence_lines(year)
    governing, agency, running, abbr = _org_lines(today or date.today())
    book = Workbook()
    sheet = book.active
    sheet.title = f"Tự đánh giá {year}"
    font = "Times New Roman"
    last = get_column_letter(len(TABLE_COLUMNS))

    def put(ref: str, value, *, bold=False, italic=False, size=12, merge: str | None = None, align="center",
            color: str | None = None) -> None:
        cell = sheet[ref]
        _safe(cell, value)
        cell.font = Font(name=font, bold=bold, italic=italic, size=size, color=color)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        if merge:
            sheet.merge_cells(f"{ref}:{merge}")

    put("A1", governing.upper(), merge="C1")
    put("A2", agency.upper(), bold=True, merge="C2")
    put("E1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, merge=f"{last}1")
    put("E2", "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, merge=f"{last}2")
    put("A4", f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}", bold=True, size=14,
        merge=f"{last}4")
    put("A5", f"(Kèm theo Báo cáo số …/BC-{abbr or '…'} ngày … tháng … năm … của {running or '…'})", italic=True,
        size=13, merge=f"{last}5")
    if report.is_example:
        put("A6", f"{C.EXAMPLE_LABEL}: {report.title}", italic=True, merge=f"{last}6", color="C00000")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, (title, width) in enumerate(zip(TABLE_COLUMNS, _WIDTHS), start=1):
        cell = sheet.cell(HEADER_ROW, col)
        _safe(cell, title)
        cell.font = Font(name=font, bold=True, size=12)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        sheet.column_dimensions[get_column_letter(col)].width = width
    row_no = HEADER_ROW
    for node in report.nodes():
        row_no += 1
        values = [node.code, node.title, node.max_points, node.guidance, node.evidence_required, node.unit,
                  node.self_points, node.self_note if node.is_leaf else "",
                  "\n".join(f"- {line}" for line in listed.get(node.id, [])) if node.is_leaf else ""]
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row_no, col)
            _safe(cell, value)
            cell.font = Font(name=font, size=12, bold=node.level == 0, italic=node.kind != "normal" and node.level > 0)
            cell.alignment = Alignment(horizontal="center" if col in (1, 3, 7) else "left", vertical="top",
                                       wrap_text=True)
            cell.border = border
    row_no += 1
    totals = [("Tổng điểm (không tính điểm thưởng, điểm trừ vào điểm tối đa)", report.max_total, report.self_total)]
    for label, maximum, own in totals:
        for col, value in ((2, label), (3, maximum), (7, own)):
            cell = sheet.cell(row_no, col)
            _safe(cell, value)
            cell.font = Font(name=font, size=12, bold=True)
            cell.border = border
        for col in (1, 4, 5, 6, 8, 9):
            sheet.cell(row_no, col).border = border
    row_no += 1
    index = report.index_of(report.self_total)
    _safe(sheet.cell(row_no, 2), f"Chỉ số tự đánh giá: {rules.vn_percent(index)}")
    sheet.cell(row_no, 2).font = Font(name=font, size=12, italic=True)
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _save(book, out)
    return out


def evidence_lines(year: int) -> tuple[dict[int, list[str]], int]:
    """Criterion id -> one line per piece of its evidence; and how many pieces the year has."""
    pieces = E.list_evidence(year)
    listed: dict[int, list[str]] = defaultdict(list)
    for piece in pieces:
        for criterion_id in piece.criterion_ids:
            listed[criterion_id].append(piece.describe())
    return listed, len(pieces)


def _save(book, out: Path | io.BytesIO) -> None:
    """Write a workbook to ``out`` (a file: under a temporary name in its folder, renamed when whole, so a
    failed write leaves no broken file). openpyxl writes each sheet through a temporary file first (with lxml),
    so a full disk there surfaces as lxml's SerialisationError rather than an OSError, and the half-written
    sheet's writer fails once more when it is collected: that second report goes to the log, not the
    clerk's console."""
    from lxml.etree import SerialisationError  # type: ignore[import-untyped]  # lxml ships no types

    failure: InvalidInput | None = None
    hook = sys.unraisablehook
    sys.unraisablehook = _log_unraisable
    try:
        try:
            if isinstance(out, Path):
                out.parent.mkdir(parents=True, exist_ok=True)
                partial = out.with_name(f".{out.name}.tmp-{os.getpid()}")
                book.save(partial)
                os.replace(partial, out)
            else:
                book.save(out)
        except OSError as exc:
            from par_desktop.windows import explain_write_error

            failure = explain_write_error(out if isinstance(out, Path) else Path(tempfile.gettempdir()) / "openpyxl",
                                          exc)
        except SerialisationError as exc:
            failure = InvalidInput(f"Không ghi được bảng Excel: ổ đĩa chứa thư mục tạm {tempfile.gettempdir()} hoặc "
                                   f"thư mục lưu đã đầy ({exc}). Hãy giải phóng chỗ trống rồi thử lại.")
        gc.collect()
    finally:
        sys.unraisablehook = hook
    if failure is not None:
        if isinstance(out, Path):
            out.with_name(f".{out.name}.tmp-{os.getpid()}").unlink(missing_ok=True)
        raise failure


def _log_unraisable(unraisable) -> None:
    logging.getLogger(__name__).info("after a failed workbook write: %s", unraisable.exc_value,
                                        exc_info=(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback))


def evidence_index_sheet(index_set: IndexSet,
                         listing: Sequence[tuple[IndexCriterion, "E.EvidenceView | None", str, bool]]) -> bytes:
    """The index sheet of the evidence pack: every code (criterion, is_leaf), each piece of evidence on its
    own line with the file's place in the pack; a sub-criterion without evidence says so."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = "Danh mục TLKC"
    headers = ("Mã", "Tiêu chí", "STT", "Loại", "Số, ký hiệu", "Ngày", "Cơ quan ban hành", "Trích yếu, nội dung",
               "Tệp trong gói")
    _safe(sheet.cell(1, 1), f"DANH MỤC TÀI LIỆU KIỂM CHỨNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {index_set.year}")
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    if index_set.is_example:
        _safe(sheet.cell(2, 1), f"{C.EXAMPLE_LABEL}: {index_set.title}")
        sheet.cell(2, 1).font = Font(italic=True, color="C00000")
    for col, (title, width) in enumerate(zip(headers, (9, 50, 5, 16, 18, 11, 24, 50, 40)), start=1):
        cell = sheet.cell(3, col)
        _safe(cell, title)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = width
    row_no = 3
    counters: dict[int, int] = defaultdict(int)
    for criterion, piece, member, leaf in listing:
        row_no += 1
        if piece is None:
            values = [criterion.path, criterion.title, "", "", "", "", "", "Chưa có tài liệu kiểm chứng" if leaf else "",
                      ""]
        else:
            counters[criterion.id] += 1
            values = [criterion.path, criterion.title, counters[criterion.id], piece.kind_label, piece.doc_number,
                      ui_date(piece.doc_date), piece.issuer, piece.title or piece.filename, member]
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row_no, col)
            _safe(cell, value)
            cell.alignment = Alignment(vertical="top", wrap_text=col in (2, 8))
        if criterion.level == 0:
            for col in range(1, 3):
                sheet.cell(row_no, col).font = Font(bold=True)
    sheet.freeze_panes = "C4"
    buffer = io.BytesIO()
    _save(book, buffer)
    return buffer.getvalue()


# ---- the data of the documents --------------------------------------------------------------------------

def unit_heads() -> dict[int, tuple[str, str]]:
    """Unit id -> (head's name, head's title)."""
    with connection.translated_errors():
        return {u.id: (u.head_name, u.head_title) for u in Unit.select()}


def lost_by_unit(report: "S.ScoreReport") -> list[tuple[str, int | None, float, list["S.ScoreNode"]]]:
    """(unit, unit id, points lost, the sub-criteria that lost them) per unit, most points first."""
    groups: dict[int | None, list[S.ScoreNode]] = defaultdict(list)
    for node in report.leaves():
        if node.lost > rules.EPSILON:
            groups[node.unit_id].append(node)
    out = [(nodes[0].unit or "(Chưa giao đơn vị)", unit_id, round(sum(n.lost for n in nodes), 6), nodes)
           for unit_id, nodes in groups.items()]
    return sorted(out, key=lambda item: (-item[2], item[0]))


def document_year(year: int | None) -> int:
    """The year a document is about: the one asked, else the latest set's."""
    if year is not None:
        return year
    found = C.years()
    if not found:
        raise NotFound("Chưa có bộ chỉ số CCHC nào: hãy nhập bảng chỉ số của tỉnh trước.")
    return found[0]


def _totals(report: "S.ScoreReport", evidence_count: int):
    from par_desktop.documents.index_builders import IndexTotals

    leaves = report.leaves()
    return IndexTotals(
        year=report.year, set_title=report.title, max_total=report.max_total, self_total=report.self_total,
        appraised_total=report.appraised_total, final_index=report.final_index, example=report.is_example,
        bonus_total=round(sum(n.self_points or 0 for n in leaves if n.kind == "bonus"), 6),
        penalty_total=round(-sum(n.self_points or 0 for n in leaves if n.kind == "penalty"), 6),
        evidence_count=evidence_count)


def self_assessment_data(year: int | None, today: date | None = None):
    """(totals, rows) of the self-assessment report: every code in table order with its evidence."""
    from par_desktop.documents.index_builders import IndexRow

    year = document_year(year)
    report = S.score_report(year, today)
    listed, count = evidence_lines(year)
    rows = [IndexRow(n.code, n.title, n.level, n.kind, n.max_points, n.self_points, n.appraised_points, n.self_note,
                     tuple(listed.get(n.id, ())), n.unit, n.is_leaf, n.path) for n in report.nodes()]
    return _totals(report, count), rows


def index_review_data(year: int | None, today: date | None = None):
    """(totals, units, rows) of the proposal to the Director: the points lost per unit (after the
    appraisal; before it, what the self-assessment does not claim)."""
    from par_desktop.documents.index_builders import LostRow, UnitLoss

    year = document_year(year)
    report = S.score_report(year, today)
    heads = unit_heads()
    units: list[UnitLoss] = []
    rows: list[LostRow] = []
    for unit, unit_id, lost, nodes in lost_by_unit(report):
        name, title = heads.get(unit_id, ("", "")) if unit_id is not None else ("", "")
        head = " ".join(x for x in (title, name) if x)
        reasons = tuple(dict.fromkeys(n.appraisal_reason for n in nodes if n.appraisal_reason))
        units.append(UnitLoss(unit, head, lost, tuple((n.path, n.lost) for n in nodes), reasons))
        rows.extend(LostRow(n.path, n.title, unit, n.max_points, n.self_points, n.appraised_points, n.lost,
                            n.appraisal_reason or n.self_note) for n in nodes)
    rows.sort(key=lambda r: rules.path_sort_key(r.code))
    return _totals(report, 0), units, rows
