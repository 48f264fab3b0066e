"""The plan as the app writes it keeps the source's wording (tests/data/ke-hoach-38-cchc-2024.txt, the
real plan 38/KH): every paragraph and footnote of the source is in the .docx, the unit cells keep their
words, and every place the document differs from the source is in the list shown to the clerk."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from docx import Document

from par_desktop.services import documents as D
from par_desktop.services.session import Actor

SOURCE = Path(__file__).resolve().parent.parent / "data" / "ke-hoach-38-cchc-2024.txt"
OFFICE = Actor("vanthu", "office")
# The names the source writes otherwise, as the list shown to the clerk states (names come from settings)
NAMES = [("Sở La động", "Sở Lao động"), ("Sở Lao động – TB&XH", "Sở Lao động - TB&XH"),
         ("Sở Lao động – Thương binh và xã hội", "Sở Lao động - Thương binh và Xã hội"), ("văn phòng Sở", "Văn phòng Sở")]


def source_parts() -> tuple[list[str], list[str]]:
    """The body paragraphs (title to the closing sentence) and the footnotes of the source."""
    text = unicodedata.normalize("NFC", SOURCE.read_text(encoding="utf-8"))
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    start = paragraphs.index("KẾ HOẠCH") + 1
    end = paragraphs.index("Nơi nhận:")
    body, notes = [], []
    for p in paragraphs[start:end]:
        (notes if re.match(r"^[¹²³⁴⁵⁶] ", p) else body).append(p)
    return body, [re.sub(r"^[¹²³⁴⁵⁶] ", "", n) for n in notes]


def as_printed(text: str) -> str:
    for written, name in NAMES:
        text = text.replace(written, name)
    return re.sub(r"[¹²³⁴⁵⁶]", "", text).replace("*", "")


def test_the_plan_keeps_every_paragraph_and_footnote_of_the_source(demo_db, tmp_path):
    result = D.generate(OFFICE, D.DocRequest("plan", year=2024), tmp_path / "kh.docx")
    doc = Document(str(result.path))
    printed = [" ".join(p.text.split()) for p in doc.paragraphs if p.text.strip()]
    body, notes = source_parts()
    for paragraph in body:
        assert as_printed(paragraph) in printed, paragraph[:80]
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/footnotes"))
    footnotes = re.findall(r'<w:footnote w:id="[1-9]\d*">(.*?)</w:footnote>', part.blob.decode("utf-8"), flags=re.S)
    texts = [" ".join(re.sub(r"<[^>]+>", "", f).split()) for f in footnotes]
    assert [as_printed(n) for n in notes] == texts
    # what the document adds is the repaired numbering, and it is in the list
    start = printed.index("I. MỤC ĐÍCH, YÊU CẦU")
    end = next(i for i, p in enumerate(printed) if p.startswith("Trên đây là Kế hoạch")) + 1
    added = [p for p in printed[start:end] if p not in [as_printed(b) for b in body]]
    assert added == ["III. MỘT SỐ CHỈ TIÊU, NHIỆM VỤ CỤ THỂ", "Các chỉ tiêu, nhiệm vụ cụ thể, đơn vị chủ trì, đơn vị "
                     "phối hợp và thời gian hoàn thành tại Phụ lục kèm theo Kế hoạch này."]
    listed = "\n".join(result.notices)
    for repair in ("thêm mục «III. MỘT SỐ CHỈ TIÊU, NHIỆM VỤ CỤ THỂ»", "«ISO 90001:2015»", "mà không đóng ngoặc",
                   "«Sở La động - Thương binh và Xã hội»", "«ngày 29 tháng 02 năm 2023»", "«Số: 38 /KH-LĐTĐ&XH»"):
        assert repair in listed, repair


def test_the_appendix_keeps_the_words_of_its_unit_cells(demo_db, tmp_path):
    result = D.generate(OFFICE, D.DocRequest("plan", year=2024), tmp_path / "kh.docx")
    table = Document(str(result.path)).tables[-1]

    def units(content: str) -> list[str]:
        return next([c.text for c in r.cells[2:4]] for r in table.rows if r.cells[1].text.startswith(content))

    assert units("Xây dựng video hướng dẫn") == ["Văn phòng Sở", "Các phòng, đơn vị"]
    assert units("Tổ chức thực hiện theo dõi")[1] == "Các phòng, đơn vị liên quan"
    assert units("Dự thảo Nghị quyết")[1] == "Các phòng, đơn vị có liên quan"
    assert units("Triển khai thực hiện các hoạt động tuyên truyền")[0] == "Các phòng, đơn vị"
    # other cells name the catalogue's units in one dash form; a change of words is listed
    assert units("Tổ chức đối thoại với người dân") == [
        "Phòng Việc làm - An toàn Lao động", "Văn phòng Sở; Phòng Kế hoạch - Tài chính"]
    assert "I.3, đơn vị chủ trì: «Phòng Người có công» (bản gốc: «Người có công»)" in "\n".join(result.notices)
    assert "«truyền truyền» (từ lặp) ở mục III.A" in "\n".join(result.notices)


def test_the_repairs_are_warnings_on_the_command_line(demo_db, tmp_path, cli):
    out = cli("doc", "plan", "--out", str(tmp_path / "kh.pdf"), db=demo_db)
    assert out.returncode == 0 and out.stdout.strip() == str(tmp_path / "kh.pdf")
    warnings = out.stderr.splitlines()
    assert warnings and all(line.startswith("warning: ") for line in warnings)
    assert any("Đánh số lại" in line for line in warnings) and any("Sửa ngày" in line for line in warnings)
