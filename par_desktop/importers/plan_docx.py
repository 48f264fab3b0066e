"""Read a plan from a clerk's Word file: the task table after "PHỤ LỤC", and the plan's number, title
and year from the paragraphs.

Real files put the Decree 30 header block (number, place and date) in a borderless table, so the
appendix is the first table after the "PHỤ LỤC" heading whose header row is recognisable, else the
first such table anywhere. A cell merged across columns is read once (the following grid columns are
empty); a cell merged down several rows (one lead unit for three tasks) is read in each of them.
"""

from __future__ import annotations

from pathlib import Path

from par_desktop.domain.text import fold, nfc
from par_desktop.errors import InvalidInput
from par_desktop.importers.plan_rows import (
    PlanDocument, SourceRow, clean_cell, find_header, header_names, issued_on, missing_columns_message,
    parse_table, plan_number, year_in_title,
)


def _cell_text(cell) -> str:
    return clean_cell("\n".join(paragraph.text for paragraph in cell.paragraphs))


def _rows(table) -> list[SourceRow]:
    rows = []
    for number, row in enumerate(table.rows, start=1):
        cells = row.cells
        texts = []
        for index, cell in enumerate(cells):
            continues_merge = index > 0 and cell._tc is cells[index - 1]._tc
            texts.append("" if continues_merge else _cell_text(cell))
        rows.append(SourceRow(number, tuple(texts)))
    return rows


def read_plan_docx(path: str | Path) -> PlanDocument:
    """The plan in a .docx file; InvalidInput naming the file (and row) when it cannot be read as one."""
    import docx   # python-docx: loaded only when a Word plan is read

    path = Path(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # any failure to parse the file is the file's fault
        raise InvalidInput(f"Không đọc được tệp Word «{path.name}»: tệp hỏng hoặc không phải .docx "
                           "(tệp .doc cũ hãy mở bằng Word rồi lưu lại dạng .docx).", detail=str(exc)) from exc
    items = _body(document)
    appendix_at = next((i for i, (kind, value) in enumerate(items)
                        if kind == "text" and fold(value).startswith("phu luc")), None)
    position, rows, header = _appendix_table(path, items, appendix_at)
    texts, appendix_titles = _texts_before(items[:position], appendix_at)
    title = ""
    for index, text in enumerate(texts):
        if fold(text) == "ke hoach":
            title = next((t for t in texts[index + 1:] if t), "")
            break
    number, number_text = plan_number(texts)
    tasks = parse_table(path.name, rows, lambda n: f"dòng {n} của bảng phụ lục", header=header)
    return PlanDocument(
        source=path.name, title=title or next((t for t in appendix_titles if t), ""), number=number,
        number_text=number_text, issued_on=issued_on(texts), **dict(zip(("governing_body", "agency", "place"),
                                                                         header_names(texts))),
        year_hint=year_in_title(appendix_titles) or year_in_title([title]), tasks=tuple(tasks))


def _body(document) -> list[tuple[str, object]]:
    """Body content in order: ("text", paragraph text) and ("table", table)."""
    from docx.table import Table

    return [("table", block) if isinstance(block, Table) else ("text", nfc(block.text))
            for block in document.iter_inner_content()]


def _appendix_table(path: Path, items: list[tuple[str, object]], appendix_at: int | None):
    """(position, rows, header) of the task table: the first table after "PHỤ LỤC" with the task columns,
    else the first such table before it."""
    tables = [(i, value) for i, (kind, value) in enumerate(items) if kind == "table"]
    if not tables:
        raise InvalidInput(f"Tệp «{path.name}» không có bảng phụ lục nhiệm vụ (bảng “TT | Nội dung | Đơn vị chủ "
                           "trì | … ” sau tiêu đề “PHỤ LỤC”).")
    ordered = ([t for t in tables if appendix_at is not None and t[0] > appendix_at]
               + [t for t in tables if appendix_at is None or t[0] < appendix_at])
    for position, table in ordered:
        rows = _rows(table)
        header = find_header(rows)
        if header is not None:
            return position, rows, header
    raise InvalidInput(f"Tệp «{path.name}», bảng phụ lục: {missing_columns_message(_rows(ordered[0][1]))}")


def _texts_before(items: list[tuple[str, object]], appendix_at: int | None) -> tuple[list[str], list[str]]:
    """The text lines before the task table (the tables' cell lines included), and those of them between
    "PHỤ LỤC" and the table: the appendix's title."""
    texts: list[str] = []
    appendix_titles: list[str] = []
    for index, (kind, value) in enumerate(items):
        if kind == "text":
            texts.append(value)
            if appendix_at is not None and index > appendix_at:
                appendix_titles.append(value)
        else:
            texts.extend(line for row in _rows(value) for text in row.cells for line in text.split("\n") if line)
    return texts, appendix_titles
