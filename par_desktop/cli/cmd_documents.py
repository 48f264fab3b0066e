"""Document commands: ``register add|list`` and ``doc plan|monthly-report|explanation-request|apology|
reminder|control-slip|survey-report --out FILE`` (Word for .docx, PDF for .pdf; ``--issue`` takes a number)."""

from __future__ import annotations

import sys

from par_desktop.cli.accounts import READ, WRITE

_DOCS = {
    "plan": ("plan", "kế hoạch và phụ lục nhiệm vụ"),
    "monthly-report": ("monthly_report", "báo cáo tháng của Văn phòng"),
    "explanation-request": ("explanation_request", "công văn đề nghị một đơn vị giải trình hồ sơ quá hạn"),
    "apology": ("apology", "phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    "reminder": ("reminder", "công văn đôn đốc đơn vị về nhiệm vụ quá hạn, có nguy cơ chậm"),
    "control-slip": ("control_slip", "phiếu kiểm soát quá trình giải quyết hồ sơ"),
    "self-assessment": ("self_assessment", "báo cáo tự đánh giá, chấm điểm Chỉ số CCHC của năm"),
    "lost-points": ("index_review", "bảng điểm CCHC bị mất theo đơn vị và tờ trình đề xuất kiểm điểm trách nhiệm"),
    "survey-report": ("survey_report", "báo cáo kết quả khảo sát mức độ hài lòng của một đợt khảo sát"),
}


_SALUTATIONS = {"Ông": "man", "Bà": "woman", "Tổ chức": "organisation"}


def register(sub) -> None:
    p = sub.add_parser("register", help="sổ đăng ký văn bản đi: lấy số, xem sổ")
    reg = p.add_subparsers(dest="register_command", metavar="SUBCOMMAND", required=True)
    q = reg.add_parser("add", help="lấy số tiếp theo của năm cho một loại văn bản")
    q.add_argument("--type", required=True, metavar="ABBR", help="KH, BC, CV (công văn), QĐ, TB, BC-VP …")
    q.add_argument("--title", required=True, metavar="TEXT", help="trích yếu nội dung văn bản")
    q.add_argument("--year", type=int, metavar="YYYY", help="năm của số (mặc định: năm nay)")
    q.set_defaults(handler=cmd_register_add)
    q = reg.add_parser("list", help="các số đã cấp")
    q.add_argument("--year", type=int, metavar="YYYY", help="chỉ năm này (mặc định: năm nay)")
    q.add_argument("--type", metavar="ABBR", help="chỉ một loại văn bản")
    q.add_argument("--json", action="store_true", help="in danh sách JSON")
    q.set_defaults(handler=cmd_register_list, access=READ)

    p = sub.add_parser("doc", help="lập văn bản (.docx hoặc .pdf theo đuôi tệp)")
    docs = p.add_subparsers(dest="doc_command", metavar="DOCUMENT", required=True)
    for name, (kind, help_text) in _DOCS.items():
        q = docs.add_parser(name, help=help_text)
        if kind == "plan":
            q.add_argument("--year", type=int, metavar="YYYY", help="năm của kế hoạch (mặc định: kế hoạch mới nhất)")
            q.add_argument("--plan", metavar="NUMBER", help="số của kế hoạch, ví dụ 38/KH-SLĐTBXH (khi có nhiều kế hoạch)")
        if kind in ("self_assessment", "index_review"):
            q.add_argument("--year", type=int, metavar="YYYY", help="năm của bộ chỉ số (mặc định: năm mới nhất)")
            q.add_argument("--date", metavar="DATE", help="tính nguy cơ, nhiệm vụ tại ngày này (mặc định: hôm nay)")
        if kind in ("monthly_report", "explanation_request"):
            q.add_argument("--month", required=True, metavar="YYYY-MM", help="tháng báo cáo (kỳ từ ngày 15 tháng trước)")
        if kind in ("explanation_request", "reminder"):
            q.add_argument("--unit", required=True, metavar="UNIT", help="tên hoặc tên viết tắt của đơn vị")
        if kind in ("apology", "control_slip"):
            q.add_argument("--dossier", required=True, metavar="CODE", help="mã hồ sơ")
        if kind == "apology":
            q.add_argument("--new-date", required=True, metavar="DATE",
                           help="ngày (hoặc thời điểm YYYY-MM-DD HH:MM) hẹn trả kết quả mới")
            q.add_argument("--reason", required=True, metavar="TEXT", help="lý do chậm trả kết quả")
            q.add_argument("--salutation", choices=("Ông", "Bà", "Tổ chức"),
                           help="danh xưng người nộp (mặc định: theo hồ sơ; lấy số thì ghi lại vào hồ sơ)")
        if kind == "survey_report":
            q.add_argument("--wave", required=True, metavar="NAME", help="tên đợt khảo sát")
        if kind == "reminder":
            q.add_argument("--date", metavar="DATE", help="xét tình trạng nhiệm vụ tại ngày này (mặc định: hôm nay)")
        q.add_argument("--out", required=True, metavar="FILE", help="tệp .docx (Word) hoặc .pdf")
        q.add_argument("--successor-names", action="store_true",
                       help="ghi tên cơ quan kế tiếp khi tên đang dùng đã hết hiệu lực (Cài đặt → Tổ chức)")
        if kind != "control_slip":
            q.add_argument("--issue", action="store_true",
                           help="lấy số trong sổ văn bản và ghi ngày ban hành hôm nay (mặc định: bản dự thảo)")
        q.set_defaults(handler=cmd_doc, doc_kind=kind,
                       access=lambda a: WRITE if getattr(a, "issue", False) else READ)


def cmd_register_add(ctx) -> int:
    from par_desktop.services import register

    ctx.open()
    entry = register.issue_number(ctx.actor, ctx.args.type, ctx.args.title, year=ctx.args.year)
    print(entry.full_number)
    return 0


def cmd_register_list(ctx) -> int:
    from datetime import date

    from par_desktop.services import register

    ctx.open()
    rows = register.list_register(ctx.args.year or date.today().year, ctx.args.type)
    if ctx.args.json:
        from par_desktop.cli.main import emit_json

        emit_json([{"year": r.year, "type": r.type_abbr, "number": r.number, "full_number": r.full_number,
                    "title": r.title, "issued_at": r.issued_at.isoformat(timespec="minutes"),
                    "issued_by": r.issued_by, "document": r.doc_kind or None} for r in rows])
        return 0
    for r in rows:
        print(f"{r.full_number}\t{r.issued_at:%Y-%m-%dT%H:%M}\t{r.issued_by}\t{r.title}")
    return 0


def cmd_doc(ctx) -> int:
    from par_desktop.domain.text import parse_date
    from par_desktop.services import documents

    a = ctx.args
    kind = a.doc_kind
    request = documents.DocRequest(
        kind=kind, year=getattr(a, "year", None), plan=getattr(a, "plan", None), month=getattr(a, "month", None),
        unit=getattr(a, "unit", None),
        dossier=getattr(a, "dossier", None),
        new_due=documents.parse_new_due(a.new_date) if kind == "apology" else None,
        reason=getattr(a, "reason", "") or "",
        today=parse_date(a.date) if getattr(a, "date", None) else None, wave=getattr(a, "wave", None),
        applicant_kind=_SALUTATIONS.get(getattr(a, "salutation", None) or ""), successor_names=a.successor_names)
    if request.month is not None:
        documents.parse_month(request.month)   # a bad month fails before the database is opened
    ctx.open()
    result = documents.generate(ctx.actor, request, a.out, issue=getattr(a, "issue", False))
    for notice in result.notices:
        print(f"warning: {notice}", file=sys.stderr)
    if result.number_text and getattr(a, "issue", False):
        print(f"số: {result.number_text}", file=sys.stderr)
    print(result.path)
    return 0
