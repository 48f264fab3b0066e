"""Reading a satisfaction-survey sheet (.xlsx/.csv): one row per respondent, a column per question.

Columns (CLI.md "Service quality and surveys"): ``Số phiếu`` and ``Ngày`` (required), optional
``Mã hồ sơ``, ``Đơn vị``, ``Lĩnh vực``, ``Kênh``, then one column per question named by its code
("A1.1", or "A1.1. Nơi tiếp nhận …" as survey tools label them). Answers are kept as the cells hold
them; ``services.survey`` reads them (1–5 or words) with the words the clerk has mapped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from par_desktop.domain.survey import question_code
from par_desktop.errors import InvalidInput
from par_desktop.importers.dossiers import RowProblem, parse_cell_moment
from par_desktop.importers.tabular import ColumnSpec, cell_text, read_table

COLUMNS = ColumnSpec(
    headers={
        "form_number": ("Số phiếu", "Phiếu số", "Mã phiếu", "Số thứ tự phiếu"),
        "answered_on": ("Ngày", "Ngày khảo sát", "Ngày trả lời", "Ngày điền phiếu", "Dấu thời gian"),
        "dossier_code": ("Mã hồ sơ", "Mã số hồ sơ", "Số hồ sơ"),
        "unit": ("Đơn vị", "Đơn vị giải quyết", "Đơn vị xử lý", "Phòng"),
        "field": ("Lĩnh vực",),
        "channel": ("Kênh", "Hình thức nộp", "Kênh nộp hồ sơ"),
    },
    required=(("form_number",), ("answered_on",)),
)


@dataclass
class SurveyRow:
    row: int
    form_number: str
    answered_on: date
    dossier_code: str
    unit: str
    field: str
    channel: str
    answers: dict[str, Any]         # question code -> the cell as read (None when empty)


@dataclass
class SurveyFile:
    path: Path
    header_row: int
    codes: list[str]                # question codes in the order of the columns
    rows: list[SurveyRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def read_survey_file(path: str | Path) -> SurveyFile:
    """Every respondent row; problems (a missing form number, a date that cannot be read) collected."""
    table = read_table(path, COLUMNS)
    known = set(table.columns.values())
    question_columns: dict[int, str] = {}
    for index, cell in enumerate(table.header):
        code = question_code(cell) if index not in known else None
        if code is None:
            continue
        if code in question_columns.values():
            raise InvalidInput(f"{table.path.name}: câu hỏi {code} có hai cột (dòng tiêu đề {table.header_row}).")
        question_columns[index] = code
    if not question_columns:
        raise InvalidInput(f"{table.path.name}: dòng tiêu đề (dòng {table.header_row}) không có cột câu hỏi nào "
                           "(đặt tên cột theo mã câu hỏi, ví dụ A1.1, A2.3).")
    result = SurveyFile(table.path, table.header_row, list(question_columns.values()))
    for row_no, cells in table.rows:
        cell = partial(table.cell, cells)
        answers = {code: (cells[i] if i < len(cells) and cell_text(cells[i]) != "" else None)
                   for i, code in question_columns.items()}
        form = cell_text(cell("form_number"))
        if not cell_text(cell("answered_on")) and all(v is None for v in answers.values()):
            continue   # a blank line, a footer ("Tổng số phiếu: 200") or a note under the table
        errors = []
        if not form:
            errors.append("thiếu «Số phiếu»")
        answered = None
        try:
            moment, _ = parse_cell_moment(cell("answered_on"))
            answered = moment.date() if moment is not None else None
        except ValueError as exc:
            errors.append(f"cột «Ngày»: {exc}")
        if answered is None and not any("Ngày" in e for e in errors):
            errors.append("thiếu «Ngày»")
        if errors:
            result.problems.extend(RowProblem(row_no, e) for e in errors)
            continue
        result.rows.append(SurveyRow(row_no, form, answered, cell_text(cell("dossier_code")), cell_text(cell("unit")),
                                     cell_text(cell("field")), cell_text(cell("channel")), answers))
    return result
