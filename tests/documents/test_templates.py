"""The document wording: plain-text templates rendered in a Jinja2 sandbox."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest

from par_desktop.documents.builders import OrgInfo, PlanInfo, SignerInfo, build_plan
from par_desktop.documents.model import Footnote, Heading, Paragraph, Run
from par_desktop.documents.templates import (
    DOC_TYPES, Count, default_template, inline_markup, parse_template, placeholders, render_sections, to_blocks,
)
from par_desktop.errors import InvalidInput

ORG = OrgInfo("UBND tỉnh Bắc Giang", "Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", "Bắc Giang")
SIGNER = SignerInfo("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Văn Hà")


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_default_templates_parse_and_use_only_documented_placeholders(doc_type):
    text = default_template(doc_type)
    sections = parse_template(text, doc_type)
    assert sections
    documented = placeholders(doc_type)
    assert all(isinstance(v, str) and v for v in documented.values())
    used = set(re.findall(r"\b([a-z_]+)\b", " ".join(re.findall(r"{[{%](.*?)[%}]}", text, flags=re.S))))
    used -= {"if", "else", "endif", "and", "or", "not", "for", "in", "endfor"}
    assert used <= set(documented), used - set(documented)
    assert unicodedata.normalize("NFC", text) == text


def test_plan_template_keeps_the_reference_wording_and_lists_its_repairs():
    text = default_template("plan")
    assert "ISO 90001:2015" in text   # the source's typo, kept (tests/services/test_plan_document.py reads it all)
    assert "**I. MỤC ĐÍCH, YÊU CẦU**" in text and "**IV. TỔ CHỨC THỰC HIỆN**" in text
    assert text.count("^[") == 6  # the six footnotes of the reference plan
    repairs = parse_template(text, "plan")["repairs"]
    assert "thêm mục «III. MỘT SỐ CHỈ TIÊU, NHIỆM VỤ CỤ THỂ»" in repairs and "«ISO 90001:2015»" in repairs


def test_unknown_section_is_named_in_vietnamese():
    with pytest.raises(InvalidInput, match="không có mục «mo_dau»"):
        parse_template("## mo_dau\nXin chào")


def test_missing_section_for_a_document_type():
    with pytest.raises(InvalidInput, match="thiếu mục: «## vv»"):
        parse_template("## kinh_gui\nA\n## opening\nB\n## closing\nC\n## noi_nhan\n- Lưu: VT, VP.\n## signature\nX",
                       "explanation_request")


def test_text_before_the_first_section_is_refused():
    with pytest.raises(InvalidInput, match="dòng 1"):
        parse_template("Lời chào\n## opening\nA")


@pytest.mark.parametrize("expression", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ 'a' * 1000000000 }}",
    "{{ 2 ** 1000000 }}",
])
def test_sandbox_refuses_python_access(expression):
    with pytest.raises(InvalidInput, match="không được phép"):
        render_sections(f"## opening\n{expression}", {})


def test_undefined_placeholder_is_named():
    with pytest.raises(InvalidInput, match=r"mục «opening», dòng 3: không có trường «agency_nam»"):
        render_sections("## opening\nMở đầu\n{{ agency_nam }}", {"agency_name": "Sở"})


def test_syntax_error_gives_the_line():
    with pytest.raises(InvalidInput, match="dòng 4: sai cú pháp"):
        render_sections("## subject\nA\n## opening\n{% if %}", {})


def test_sections_split_into_paragraphs_and_lines_in_nfc():
    decomposed = unicodedata.normalize("NFD", "Hồ sơ")
    text = f"## opening\n{decomposed} {{{{ n }}}}\nnối dòng\n\n\nĐoạn hai\n## noi_nhan\n- Như trên;\n\n- Lưu: VT, VP.\n"
    out = render_sections(text, {"n": Count(1234)})
    assert out == {"opening": ["Hồ sơ 1.234 nối dòng", "Đoạn hai"], "noi_nhan": ["- Như trên;", "- Lưu: VT, VP."]}
    assert render_sections("## opening\nnăm {{ year - 1 }}", {"year": 2024}) == {"opening": ["năm 2023"]}


def test_inline_markup_and_blocks():
    assert inline_markup("a **b** *c* d^[ghi chú]") == [Run("a "), Run("b", bold=True), Run(" "),
                                                       Run("c", italic=True), Run(" d"), Footnote("ghi chú")]
    blocks = to_blocks(["**I. MỤC ĐÍCH**", "**1. Mục đích**", "**4.1. Công bố**", "*Ghi chú*", "Văn bản 10% *x*"])
    assert [type(b) for b in blocks] == [Heading, Heading, Heading, Paragraph, Paragraph]
    assert [b.level for b in blocks[:3]] == [1, 2, 3]
    assert blocks[3].italic and not blocks[4].italic


def test_builder_uses_an_edited_template():
    text = default_template("plan").replace("- BBT Website Sở;\n", "- Sở Nội vụ (để b/c);\n")
    document = build_plan(ORG, SIGNER, PlanInfo(2024, 38, date(2024, 3, 5)), [], template_text=text)
    assert "- Sở Nội vụ (để b/c);" in document.noi_nhan and document.noi_nhan[-1] == "- Lưu: VT, VP."
    assert document.signature.lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"] and document.signature.name == "Trần Văn Hà"
    with pytest.raises(InvalidInput, match="ten_so"):
        build_plan(ORG, SIGNER, PlanInfo(2024), [], template_text=text.replace("{{ agency_name }}", "{{ ten_so }}"))
