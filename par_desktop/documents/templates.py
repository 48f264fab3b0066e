"""The wording of each document: plain-text templates a clerk can edit, rendered in a Jinja2 sandbox.

A template is plain text cut into sections by lines such as ``## subject``. Inside a section a blank
line separates paragraphs (or, in list sections such as ``noi_nhan``, every line is an item).
Placeholders are ``{{ name }}``; ``**…**`` marks bold, ``*…*`` italic and ``^[…]`` a footnote. A whole
paragraph in ``**…**`` is a numbered heading ("**I. MỤC ĐÍCH, YÊU CẦU**").

The sandbox runs no Python: attribute tricks (``''.__class__``) are refused, and a misspelt
placeholder stops with a Vietnamese message naming it instead of printing an empty string.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from par_desktop.assets import resource_path
from par_desktop.documents.model import Block, Footnote, Heading, Inline, Paragraph, Run
from par_desktop.domain.text import nfc, ui_date, vn_number
from par_desktop.errors import InvalidInput

DOC_TYPES = ("plan", "monthly_report", "explanation_request", "apology", "reminder", "control_slip",
             "survey_report", "self_assessment", "index_review")

DOC_TYPE_NAMES = {
    "plan": "Kế hoạch",
    "monthly_report": "Báo cáo tháng",
    "explanation_request": "Công văn đề nghị giải trình",
    "apology": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "reminder": "Công văn đôn đốc",
    "control_slip": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "survey_report": "Báo cáo kết quả khảo sát mức độ hài lòng",
    "self_assessment": "Báo cáo tự đánh giá Chỉ số CCHC",
    "index_review": "Tờ trình đề xuất kiểm điểm trách nhiệm (điểm CCHC bị mất)",
}

SECTIONS = {
    "subject": "Trích yếu nội dung (dòng in đậm dưới tên loại văn bản)",
    "vv": "Trích yếu công văn («V/v …» dưới số văn bản)",
    "kinh_gui": "Nơi gửi «Kính gửi:», mỗi dòng một nơi",
    "opening": "Phần mở đầu",
    "body": "Nội dung chính",
    "tasks": "Phần nhiệm vụ theo phòng, đơn vị (bảng tổng hợp đặt ngay sau)",
    "late_tasks": "Phần nhiệm vụ quá hạn (bảng đặt ngay sau)",
    "at_risk": "Phần nhiệm vụ có nguy cơ chậm (bảng đặt ngay sau)",
    "dossiers": "Phần kết quả giải quyết hồ sơ TTHC",
    "service": "Phần chất lượng phục vụ người dân, tổ chức (bảng chỉ số đặt ngay sau)",
    "results": "Phần kết quả (bảng tổng hợp đặt ngay sau: theo khía cạnh, theo lĩnh vực chỉ số…)",
    "groups": "Phần kết quả theo đơn vị, lĩnh vực, kênh (bảng đặt ngay sau)",
    "overdue": "Phần hồ sơ quá hạn (bảng đặt ngay sau)",
    "proposals": "Đề xuất, kiến nghị",
    "lost": "Phần điểm bị mất theo phòng, đơn vị (bảng đặt ngay sau)",
    "closing": "Phần kết",
    "noi_nhan": "Nơi nhận, mỗi dòng một nơi; dòng cuối «- Lưu: VT, VP.»",
    "signature": "Khối chữ ký: thẩm quyền, chức vụ (mỗi dòng một dòng in hoa); dòng trong ngoặc đơn là "
                 "lời ghi chú in nghiêng. Họ tên người ký lấy từ danh sách người ký",
    "appendix_title": "Tên phụ lục",
    "repairs": "Những chỗ văn bản khác bản gốc (đánh số lại, lỗi giữ nguyên, ngày sửa…), mỗi dòng một chỗ: "
               "không in ra, hiện cho văn thư trước khi ban hành",
}
LIST_SECTIONS = frozenset({"kinh_gui", "noi_nhan", "signature", "repairs"})

REQUIRED = {
    "plan": ("subject", "opening", "body", "closing", "noi_nhan", "signature", "appendix_title"),
    "monthly_report": ("subject", "opening", "tasks", "at_risk", "dossiers", "overdue", "proposals", "closing",
                       "noi_nhan", "signature", "appendix_title"),
    "explanation_request": ("vv", "kinh_gui", "opening", "closing", "noi_nhan", "signature"),
    "apology": ("kinh_gui", "opening", "closing", "signature"),
    "reminder": ("vv", "kinh_gui", "opening", "late_tasks", "at_risk", "closing", "noi_nhan", "signature"),
    "control_slip": ("opening",),
    "survey_report": ("subject", "opening", "results", "groups", "proposals", "closing", "noi_nhan", "signature",
                      "appendix_title"),
    "self_assessment": ("subject", "kinh_gui", "opening", "results", "body", "proposals", "closing", "noi_nhan",
                        "signature", "appendix_title"),
    "index_review": ("subject", "kinh_gui", "opening", "results", "lost", "proposals", "closing", "noi_nhan",
                     "signature", "appendix_title"),
}

_COMMON = {
    "governing_body": "Cơ quan chủ quản (ví dụ: UBND tỉnh Bắc Giang)",
    "agency_name": "Tên cơ quan (ví dụ: Sở Lao động - Thương binh và Xã hội)",
    "agency_short": "Tên viết gọn của cơ quan (ví dụ: Sở Lao động - TB&XH)",
    "agency_abbr": "Chữ viết tắt tên cơ quan (ví dụ: SLĐTBXH)",
    "office_name": "Tên Văn phòng (ví dụ: Văn phòng Sở)",
    "office_unit_code": "Chữ viết tắt đơn vị soạn thảo (ví dụ: VP)",
    "place": "Địa danh (tên tỉnh)",
    "issue_date": "Ngày ban hành dd/mm/yyyy (để trống nếu chưa có)",
    "year": "Năm (số)",
    "plan_citation": "Trích dẫn kế hoạch của năm theo số, ngày (ví dụ: Kế hoạch số 38/KH-SLĐTBXH ngày 29/02/2024 "
                     "của Sở Lao động - Thương binh và Xã hội về …)",
}
_REPLY = {
    "reply_by": "Hạn trả lời: «chậm nhất ngày dd/mm/yyyy» khi văn bản đã ban hành; bản dự thảo ghi «trong thời hạn "
                "NN ngày làm việc kể từ ngày ban hành văn bản này»",
    "reply_days": "Số ngày làm việc được trả lời (Cài đặt)",
    "reply_deadline": "Ngày hết hạn trả lời dd/mm/yyyy (bản dự thảo: …/…/…)",
}
_SIGNER = {
    "signer_authority": "Thẩm quyền ký (ví dụ: KT. GIÁM ĐỐC)",
    "signer_title": "Chức vụ người ký (ví dụ: PHÓ GIÁM ĐỐC)",
    "signer_name": "Họ tên người ký",
}
_PERIOD = {
    "period_from": "Ngày đầu kỳ dd/mm/yyyy",
    "period_to": "Ngày cuối kỳ dd/mm/yyyy",
    "period_label": "Tên kỳ (ví dụ: tháng 3 năm 2024)",
}
PLACEHOLDERS = {
    "plan": {**_COMMON, **_SIGNER, "plan_number": "Số, ký hiệu kế hoạch (ví dụ: 38/KH-SLĐTBXH)"},
    "monthly_report": {
        **_COMMON, **_SIGNER, **_PERIOD,
        "tasks_done": "Số nhiệm vụ đã hoàn thành", "tasks_done_on_time": "Số nhiệm vụ hoàn thành đúng hạn",
        "tasks_done_late": "Số nhiệm vụ hoàn thành quá hạn", "tasks_open": "Số nhiệm vụ đang thực hiện",
        "tasks_open_within_time": "Số nhiệm vụ đang thực hiện trong hạn",
        "tasks_open_overdue": "Số nhiệm vụ đang thực hiện đã quá hạn",
        "at_risk_count": "Số nhiệm vụ có nguy cơ chậm",
        "received_total": "Tổng số hồ sơ nhận giải quyết", "received_online": "Số hồ sơ mới tiếp nhận trực tuyến",
        "received_direct": "Số hồ sơ mới tiếp nhận trực tiếp, qua bưu chính",
        "carried_over": "Số hồ sơ kỳ trước chuyển qua", "resolved_total": "Số hồ sơ đã giải quyết",
        "resolved_early": "Số hồ sơ giải quyết trước hạn", "resolved_on_time": "Số hồ sơ giải quyết đúng hạn",
        "resolved_late": "Số hồ sơ giải quyết quá hạn", "pending_total": "Số hồ sơ đang giải quyết",
        "pending_within_time": "Số hồ sơ đang giải quyết trong hạn",
        "pending_overdue": "Số hồ sơ đang giải quyết đã quá hạn",
        "on_time_rate": "Tỷ lệ hồ sơ giải quyết đúng và trước hạn (%), ví dụ 97,5",
        "overdue_count": "Số hồ sơ quá hạn trong kỳ",
        "overdue_closed_count": "Số hồ sơ quá hạn đã giải quyết (trả quá hạn) trong kỳ",
        "overdue_open_count": "Số hồ sơ đang giải quyết đã quá hạn cuối kỳ",
        "explained_count": "Số hồ sơ quá hạn đã có giải trình", "unexplained_count": "Số hồ sơ quá hạn chưa có giải trình",
        "stats_appendix": "Tên phụ lục bảng thống kê (Phụ lục hoặc Phụ lục I)",
        "overdue_appendix": "Tên phụ lục danh sách hồ sơ quá hạn (Phụ lục II; trống khi không có)",
        "service_known": "Có số liệu chỉ số phục vụ trong kỳ (đúng/sai, dùng trong {% if %})",
        "service_points": "Điểm chỉ số phục vụ đạt được trong kỳ, ví dụ 73,2",
        "service_max": "Tổng điểm tối đa của chỉ số phục vụ (100)",
        "service_unknown": "Số điểm chưa xác định do chưa có số liệu (trống khi biết đủ)",
        "service_weakest": "Các chỉ số mất nhiều điểm nhất, cách nhau bởi dấu chấm phẩy",
    },
    "explanation_request": {
        **_COMMON, **_SIGNER, **_PERIOD,
        "unit_name": "Tên phòng, đơn vị", "unit_head": "Người đứng đầu phòng, đơn vị (người nhận)",
        "overdue_count": "Số hồ sơ quá hạn", "closed_late_count": "Số hồ sơ đã kết thúc nhưng quá hạn",
        "result_not_closed_count": "Số hồ sơ đã có kết quả nhưng chưa kết thúc trên phần mềm",
        "no_result_count": "Số hồ sơ chưa có kết quả",
        "overdue_breakdown": "Các nhóm hồ sơ quá hạn có trong danh sách, ví dụ «1 hồ sơ đã kết thúc nhưng quá hạn; "
                             "3 hồ sơ đã có kết quả nhưng chưa kết thúc trên phần mềm»", **_REPLY,
    },
    "apology": {
        **_COMMON, **_SIGNER,
        "applicant": "Tên người nộp hồ sơ", "dossier_code": "Mã hồ sơ",
        "applicant_address": "Người nộp như phiếu gọi ở dòng «Kính gửi» và lần đầu: «Ông Nguyễn Văn An», «Bà Trịnh "
                             "Thị Dung» hoặc tên tổ chức",
        "applicant_pronoun": "Cách gọi người nộp ở các câu sau: «Ông», «Bà», «Quý Công ty»…",
        "procedure": "Tên thủ tục hành chính", "received_at": "Thời điểm tiếp nhận (… giờ … phút, ngày dd/mm/yyyy)",
        "received_date": "Ngày tiếp nhận dd/mm/yyyy",
        "original_due": "Thời điểm hẹn trả ban đầu (… giờ … phút, ngày dd/mm/yyyy)",
        "reason": "Lý do chậm trả kết quả", "new_due": "Thời điểm hẹn trả mới (… giờ … phút, ngày dd/mm/yyyy)",
        "new_due_date": "Ngày hẹn trả mới dd/mm/yyyy",
    },
    "reminder": {
        **_COMMON, **_SIGNER,
        "unit_name": "Tên phòng, đơn vị", "late_count": "Số nhiệm vụ quá hạn",
        "at_risk_count": "Số nhiệm vụ có nguy cơ chậm", **_REPLY,
    },
    "survey_report": {
        **_COMMON, **_SIGNER,
        "wave_name": "Tên đợt khảo sát", "period_from": "Ngày bắt đầu đợt dd/mm/yyyy (trống nếu không ghi)",
        "period_to": "Ngày kết thúc đợt dd/mm/yyyy", "respondents": "Số phiếu khảo sát",
        "overall_index": "Chỉ số hài lòng chung (%), ví dụ 87,5 (trống khi chưa có câu trả lời hợp lệ)",
        "overall_low": "Cận dưới khoảng tin cậy 95% của chỉ số chung (%)",
        "overall_high": "Cận trên khoảng tin cậy 95% của chỉ số chung (%)",
        "small_sample": "Dưới 30 người trả lời hợp lệ (đúng/sai, dùng trong {% if %})",
        "official_index": "Chỉ số SIPAS chính thức của Sở (%), trống khi chưa nhập",
        "official_source": "Nơi công bố chỉ số SIPAS chính thức",
        "weakest_aspect": "Khía cạnh có chỉ số thấp nhất, kèm chỉ số",
        "weakest_questions": "Các câu hỏi có chỉ số thấp nhất, kèm chỉ số",
        "appendix_name": "Tên phụ lục chỉ số từng câu hỏi (Phụ lục)",
    },
    "self_assessment": {
        **_COMMON, **_SIGNER,
        "set_title": "Tên bộ chỉ số (ví dụ: Bộ chỉ số CCHC các sở, ban, ngành năm 2024)",
        "max_total": "Tổng điểm tối đa (không tính điểm thưởng, điểm trừ)", "self_total": "Tổng điểm tự đánh giá",
        "self_index": "Chỉ số tự đánh giá (%), ví dụ 87,5", "bonus_total": "Điểm thưởng tự đánh giá",
        "penalty_total": "Điểm bị trừ (số dương)", "area_count": "Số lĩnh vực",
        "leaf_count": "Số tiêu chí, tiêu chí thành phần được chấm", "evidence_count": "Số tài liệu kiểm chứng",
        "short_count": "Số tiêu chí chưa đạt điểm tối đa", "short_points": "Tổng số điểm chưa đạt",
        "short_list": "Các mã tiêu chí chưa đạt điểm tối đa, kèm số điểm", "appendix_name": "Tên phụ lục (Phụ lục)",
    },
    "index_review": {
        **_COMMON, **_SIGNER,
        "max_total": "Tổng điểm tối đa", "self_total": "Tổng điểm tự đánh giá",
        "appraised": "Đã có kết quả thẩm định (đúng/sai)", "appraised_total": "Tổng điểm thẩm định",
        "appraised_index": "Tỷ lệ điểm thẩm định (%)", "final_index": "Chỉ số CCHC tỉnh công bố (%), trống nếu chưa có",
        "lost_total": "Tổng số điểm bị mất, bị trừ", "lost_count": "Số tiêu chí bị mất điểm",
        "unit_count": "Số phòng, đơn vị để mất điểm", "unit_list": "Tên các phòng, đơn vị để mất điểm",
        "next_year": "Năm sau (năm đưa giải pháp khắc phục vào kế hoạch)", "appendix_name": "Tên phụ lục (Phụ lục)",
    },
    "control_slip": {
        **_COMMON,
        "dossier_code": "Mã hồ sơ", "procedure": "Tên thủ tục hành chính", "applicant": "Người nộp hồ sơ",
        "received_at": "Thời điểm tiếp nhận (… giờ … phút, ngày dd/mm/yyyy)",
        "due_at": "Thời điểm hẹn trả kết quả (… giờ … phút, ngày dd/mm/yyyy)",
        "handling_unit": "Cơ quan (bộ phận) giải quyết hồ sơ",
        "coordinating_units": "Cơ quan (bộ phận) phối hợp giải quyết hồ sơ («Không» khi không có)",
        "desk": "Tên bộ phận tiếp nhận và trả kết quả theo mẫu đang áp dụng (Bộ phận Một cửa)",
    },
}

_SECTION_LINE = re.compile(r"^##\s+(\S+)\s*$")
_MAX_TEXT = 200_000


# Limits of one rendering (issue 19, item 5): a template that passed the sample check can still loop
# over the real data, so each render gets a time budget and a step budget (loop turns and calls).
MAX_RENDER_SECONDS = 20.0
MAX_RENDER_STEPS = 5_000_000
_budget = threading.local()
_PADDING_METHODS = {"ljust", "rjust", "center", "zfill", "expandtabs", "format", "format_map", "join"}


class TemplateLimit(Exception):
    """A rendering went past its time, step or size budget (said in ``reason``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _tick() -> None:
    state = getattr(_budget, "state", None)
    if state is None:
        return
    state[0] += 1
    if state[0] > MAX_RENDER_STEPS:
        raise TemplateLimit(f"quá {MAX_RENDER_STEPS:,} bước (vòng lặp quá lớn)".replace(",", "."))
    if state[0] % 1000 == 0 and time.monotonic() > state[1]:
        raise TemplateLimit(f"chạy quá {MAX_RENDER_SECONDS:g} giây")


def _counted_range(*args):
    """``range`` in templates: each turn counts against the rendering's budget."""
    for value in range(*args):
        _tick()
        yield value


class _Counted(list):
    """A list from the data whose iteration counts against the rendering's budget."""

    def __iter__(self):
        for item in super().__iter__():
            _tick()
            yield item


def _counted(value):
    return _Counted(value) if isinstance(value, (list, tuple)) else value


class _Sandbox(SandboxedEnvironment):
    """The Jinja2 sandbox, also refusing arithmetic that would build huge strings or numbers, padding
    to absurd widths, and counting every call against the rendering's budget."""

    intercepted_binops = frozenset({"*", "**"})

    def call(__self, __context, __obj, *args, **kwargs):   # Jinja2's own signature (``__self``, not ``self``)
        _tick()
        if getattr(__obj, "__name__", "") in _PADDING_METHODS:
            sizes = [a for a in args if isinstance(a, int)] + [v for v in kwargs.values() if isinstance(v, int)]
            if any(size > _MAX_TEXT for size in sizes):
                raise SecurityError("text too long")
        return SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise SecurityError("exponent too large")
        if operator == "*":
            sizes = [len(x) for x in (left, right) if isinstance(x, (str, list, tuple))]
            counts = [x for x in (left, right) if isinstance(x, int)]
            if sizes and counts and sizes[0] * max(counts[0], 0) > _MAX_TEXT:
                raise SecurityError("text too long")
        return super().call_binop(context, operator, left, right)


class Count(int):
    """A count printed with the Vietnamese thousands separator (1.234) that still compares and adds
    like a number in ``{% if %}``; plain ints such as years print as they are (2024)."""

    def __str__(self) -> str:
        return vn_number(int(self))


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    env = _Sandbox(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)
    env.filters["date"] = ui_date
    env.filters["number"] = vn_number
    env.globals["range"] = _counted_range
    return env


@dataclass(frozen=True)
class ShippedForm:
    """A wording shipped with the app, in force from ``valid_from`` (None: from the start), e.g. the
    apology slip of Thông tư 01/2018/TT-VPCP, then that of Nghị định 118/2025/NĐ-CP from 01/07/2025.
    ``basis``: the legal text it follows, from the template's first comment ("theo mẫu … Nghị định …")."""

    doc_type: str
    valid_from: date | None
    text: str

    @property
    def basis(self) -> str:
        match = re.match(r"\{#(.*?)#\}", self.text, flags=re.S)
        return " ".join(match.group(1).split()) if match else ""


def shipped_forms(doc_type: str) -> list[ShippedForm]:
    """Every shipped wording of a document type, oldest first: ``<doc_type>.j2`` and the later versions
    ``<doc_type>@YYYY-MM-DD.j2`` in force from that day."""
    if doc_type not in DOC_TYPES:
        raise InvalidInput(f"Không có loại văn bản «{doc_type}». Các loại: {', '.join(DOC_TYPES)}.")
    folder = resource_path("templates")
    forms = [ShippedForm(doc_type, None, (folder / f"{doc_type}.j2").read_text(encoding="utf-8"))]
    for path in sorted(folder.glob(f"{doc_type}@*.j2")):
        forms.append(ShippedForm(doc_type, date.fromisoformat(path.stem.split("@", 1)[1]),
                                 path.read_text(encoding="utf-8")))
    return forms


def shipped_form(doc_type: str, on: date | None = None) -> ShippedForm:
    """The shipped wording in force on ``on`` (default today)."""
    on = on or date.today()
    return [f for f in shipped_forms(doc_type) if f.valid_from is None or f.valid_from <= on][-1]


def default_template(doc_type: str, on: date | None = None) -> str:
    """The shipped wording of a document type in force on ``on`` (default today)."""
    return shipped_form(doc_type, on).text


def placeholders(doc_type: str) -> dict[str, str]:
    """Placeholder name -> Vietnamese description, for the template editor's help panel."""
    if doc_type not in PLACEHOLDERS:
        raise InvalidInput(f"Không có loại văn bản «{doc_type}».")
    return dict(PLACEHOLDERS[doc_type])


def _split(text: str) -> list[tuple[str, int, str]]:
    """(name, first line number, raw text) for each section, in order."""
    sections: list[tuple[str, int, list[str]]] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        match = _SECTION_LINE.match(line.strip())
        if match:
            sections.append((match.group(1), number + 1, []))
        elif sections:
            sections[-1][2].append(line)
        elif line.strip() and not (line.strip().startswith("{#") and line.strip().endswith("#}")):
            raise InvalidInput(f"Mẫu văn bản, dòng {number}: nội dung nằm trước mục đầu tiên. "
                               "Mỗi phần phải bắt đầu bằng một dòng «## tên_mục», ví dụ «## opening».")
    return [(name, first, "\n".join(lines).strip("\n")) for name, first, lines in sections]


def parse_template(text: str, doc_type: str | None = None) -> dict[str, str]:
    """Section name -> raw text. Unknown or repeated names are refused, naming them in Vietnamese;
    with ``doc_type`` the sections that document needs must all be present."""
    found: dict[str, str] = {}
    for name, first, raw in _split(text):
        if name not in SECTIONS:
            known = ", ".join(SECTIONS)
            raise InvalidInput(f"Mẫu văn bản, dòng {first - 1}: không có mục «{name}». Các mục hợp lệ: {known}.")
        if name in found:
            raise InvalidInput(f"Mẫu văn bản, dòng {first - 1}: mục «{name}» xuất hiện hai lần.")
        found[name] = raw
    if doc_type is not None:
        missing = [name for name in REQUIRED[doc_type] if name not in found]
        if missing:
            raise InvalidInput(f"Mẫu {DOC_TYPE_NAMES[doc_type].lower()} thiếu mục: "
                               + ", ".join(f"«## {m}»" for m in missing) + ".")
    return found


def _undefined_name(message: str) -> str:
    match = re.search(r"has no attribute '([^']+)'", message) or re.search(r"'([^']+)' is undefined", message)
    return match.group(1) if match else message


def _render_one(env: SandboxedEnvironment, name: str, first: int, raw: str, context: dict,
                template_name: str = "Mẫu văn bản") -> str:
    _budget.state = [0, time.monotonic() + MAX_RENDER_SECONDS]
    try:
        template = env.from_string(raw)
        chunks, size = [], 0
        for chunk in template.generate(**{key: _counted(value) for key, value in context.items()}):
            size += len(chunk)
            if size > _MAX_TEXT:
                raise TemplateLimit(f"nội dung dài quá {_MAX_TEXT:,} ký tự".replace(",", "."))
            chunks.append(chunk)
        return "".join(chunks)
    except TemplateLimit as exc:
        raise InvalidInput(f"{template_name}, mục «{name}»: vượt giới hạn khi điền dữ liệu ({exc.reason}). "
                           "Hãy sửa mẫu (Cài đặt → Mẫu văn bản) hoặc khôi phục mẫu mặc định.") from None
    except MemoryError:
        raise InvalidInput(f"{template_name}, mục «{name}»: mẫu tạo ra nội dung quá lớn, không đủ bộ nhớ. "
                           "Hãy sửa mẫu hoặc khôi phục mẫu mặc định.") from None
    except SecurityError as exc:
        raise InvalidInput(f"{template_name}, mục «{name}»: có thao tác không được phép trong mẫu "
                           "(chỉ được dùng các trường dữ liệu và bộ lọc có sẵn).", detail=str(exc)) from None
    except UndefinedError as exc:
        field = _undefined_name(str(exc))
        line = next((first + i for i, text in enumerate(raw.split("\n")) if field in text), first)
        raise InvalidInput(f"{template_name}, mục «{name}», dòng {line}: không có trường «{field}». "
                           "Kiểm tra lại chính tả tên trường trong {{ … }}.", detail=str(exc)) from None
    except TemplateSyntaxError as exc:
        raise InvalidInput(f"{template_name}, mục «{name}», dòng {first + (exc.lineno or 1) - 1}: sai cú pháp "
                           f"({exc.message}).", detail=str(exc)) from None
    except TemplateError as exc:
        raise InvalidInput(f"{template_name}, mục «{name}»: không dựng được nội dung ({exc}).",
                           detail=str(exc)) from None
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise InvalidInput(f"{template_name}, mục «{name}»: phép tính trong mẫu không hợp lệ ({exc}).",
                           detail=str(exc)) from None
    finally:
        _budget.state = None


def render_sections(text: str, context: dict, doc_type: str | None = None) -> dict[str, list[str]]:
    """Each section rendered with ``context`` and cut into paragraphs (or lines for list sections),
    NFC-normalised, empty ones dropped."""
    parse_template(text, doc_type)
    env = _environment()
    out: dict[str, list[str]] = {}
    template_name = f"Mẫu {DOC_TYPE_NAMES[doc_type].lower()}" if doc_type in DOC_TYPE_NAMES else "Mẫu văn bản"
    for name, first, raw in _split(text):
        rendered = _render_one(env, name, first, raw, context, template_name)
        if len(rendered) > _MAX_TEXT:
            raise InvalidInput(f"Mẫu văn bản, mục «{name}»: nội dung sau khi điền quá dài.")
        if name in LIST_SECTIONS:
            items = [nfc(line) for line in rendered.split("\n")]
        else:
            items = [nfc(chunk) for chunk in re.split(r"\n\s*\n", rendered)]
        out[name] = [item for item in items if item]
    return out


_INLINE = re.compile(r"\^\[(?P<fn>[^\]]+)\]|\*\*(?P<b>.+?)\*\*|(?<![*\w])\*(?P<i>[^*\s][^*]*?)\*(?![*\w])")


def inline_markup(text: str) -> list[Inline]:
    """``**bold**``, ``*italic*`` and ``^[footnote]`` inside a paragraph -> runs and footnotes."""
    parts: list[Inline] = []
    pos = 0
    for match in _INLINE.finditer(text):
        if match.start() > pos:
            parts.append(Run(text[pos:match.start()]))
        if match.group("fn") is not None:
            parts.append(Footnote(nfc(match.group("fn"))))
        elif match.group("b") is not None:
            parts.append(Run(match.group("b"), bold=True))
        else:
            parts.append(Run(match.group("i"), italic=True))
        pos = match.end()
    if pos < len(text):
        parts.append(Run(text[pos:]))
    return parts


_HEADING_LEVELS = ((re.compile(r"^[IVXLC]+\.\s"), 1), (re.compile(r"^\d+\.\d+\.(\d+\.)?\s"), 3),
                   (re.compile(r"^\d+\.\s"), 2))


def to_blocks(paragraphs: list[str]) -> list[Block]:
    """Template paragraphs -> body blocks: a paragraph wholly in ``**…**`` is a heading (its level
    read from the numbering), wholly in ``*…*`` an italic paragraph, anything else body text."""
    blocks: list[Block] = []
    for text in paragraphs:
        whole = re.fullmatch(r"\*\*(.+)\*\*", text)
        if whole and "**" not in whole.group(1):
            inner = whole.group(1).strip()
            level = next((lvl for pattern, lvl in _HEADING_LEVELS if pattern.match(inner)), 2)
            blocks.append(Heading(inline_markup(inner), level))
            continue
        italic = re.fullmatch(r"\*([^*].*[^*])\*", text)
        if italic and "*" not in italic.group(1):
            blocks.append(Paragraph(inline_markup(italic.group(1)), italic=True))
            continue
        blocks.append(Paragraph(inline_markup(text)))
    return blocks
