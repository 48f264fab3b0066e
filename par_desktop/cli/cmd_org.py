"""Organisation and catalogue commands: ``org set``, ``signer add``, ``unit add``, ``import catalog``.

They call the same services as Cài đặt → Tổ chức and Danh mục (role checks, one transaction, audit rows),
so a script can prepare a new database for documents without the GUI.
"""

from __future__ import annotations

from par_desktop.cli.cmd_tasks import import_subparsers


def register(sub) -> None:
    p = sub.add_parser("org", help="thông tin cơ quan dùng trên văn bản")
    org_sub = p.add_subparsers(dest="org_command", metavar="ACTION")
    p.set_defaults(handler=lambda ctx: p.error("cần chọn thao tác (set)"))
    s = org_sub.add_parser("set", help="ghi tên cơ quan có hiệu lực từ một ngày")
    s.add_argument("--governing-body", required=True, metavar="TEXT", help="cơ quan chủ quản, ví dụ UBND TỈNH BẮC GIANG")
    s.add_argument("--agency", required=True, metavar="TEXT", help="tên cơ quan, ví dụ Sở Lao động - Thương binh và Xã hội")
    s.add_argument("--short", required=True, metavar="TEXT", help="tên viết gọn, ví dụ Sở LĐ-TB&XH")
    s.add_argument("--abbr", required=True, metavar="TEXT", help="chữ viết tắt trong số văn bản, ví dụ SLĐTBXH")
    s.add_argument("--place", required=True, metavar="TEXT", help="địa danh ghi trên văn bản, ví dụ Bắc Giang")
    s.add_argument("--office-code", required=True, metavar="CODE", help="mã đơn vị Văn phòng, ví dụ VP")
    s.add_argument("--from", dest="valid_from", metavar="DATE", help="có hiệu lực từ ngày (mặc định: hôm nay)")
    s.add_argument("--to", dest="valid_to", metavar="DATE", help="hết hiệu lực sau ngày (mặc định: không hạn)")
    s.set_defaults(handler=cmd_org_set)

    p = sub.add_parser("signer", help="người ký văn bản")
    signer_sub = p.add_subparsers(dest="signer_command", metavar="ACTION")
    p.set_defaults(handler=lambda ctx: p.error("cần chọn thao tác (add)"))
    s = signer_sub.add_parser("add", help="thêm người ký")
    s.add_argument("--name", required=True, metavar="TEXT")
    s.add_argument("--title", required=True, metavar="TEXT", help="chức vụ, ví dụ PHÓ GIÁM ĐỐC")
    s.add_argument("--authority", default="", metavar="TEXT", help="thẩm quyền ký, ví dụ KT. GIÁM ĐỐC")
    s.add_argument("--default", action="store_true", help="người ký mặc định")
    s.add_argument("--from", dest="valid_from", metavar="DATE")
    s.add_argument("--to", dest="valid_to", metavar="DATE")
    s.set_defaults(handler=cmd_signer_add)

    p = sub.add_parser("unit", help="đơn vị (phòng chuyên môn, đơn vị trực thuộc)")
    unit_sub = p.add_subparsers(dest="unit_command", metavar="ACTION")
    p.set_defaults(handler=lambda ctx: p.error("cần chọn thao tác (add)"))
    s = unit_sub.add_parser("add", help="thêm đơn vị; in mã của đơn vị")
    s.add_argument("name", metavar="NAME")
    s.add_argument("--code", metavar="CODE", help="mã viết tắt (mặc định: tạo từ tên)")
    s.add_argument("--kind", choices=("division", "office", "affiliated"),
                   help="loại: phòng chuyên môn, văn phòng, đơn vị trực thuộc (mặc định: theo tên)")
    s.set_defaults(handler=cmd_unit_add)

    p = import_subparsers(sub).add_parser(
        "catalog", help="nhập danh mục thủ tục hành chính (.xlsx/.csv: CSDL quốc gia hoặc phụ lục quyết định công bố)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--abolish-missing", action="store_true",
                   help="đánh dấu hết hiệu lực các thủ tục đang có hiệu lực mà danh sách không còn nêu (không xóa)")
    p.set_defaults(handler=cmd_import_catalog)


def _date(text: str | None):
    from par_desktop.domain.text import parse_date

    return parse_date(text) if text else None


def cmd_org_set(ctx) -> int:
    from datetime import date

    from par_desktop.domain.text import nfc
    from par_desktop.errors import InvalidInput
    from par_desktop.services import org

    a = ctx.args
    valid_from, valid_to = _date(a.valid_from) or date.today(), _date(a.valid_to)
    if " " in nfc(a.abbr):
        raise InvalidInput("Chữ viết tắt dùng trong số văn bản không có dấu cách (ví dụ SLĐTBXH).")
    ctx.open()
    agency = nfc(a.agency)
    names = org.OrgNames(governing_body=nfc(a.governing_body).upper(), agency_name=agency.upper(),
                         agency_short=agency, agency_abbr=nfc(a.abbr), place_name=nfc(a.place),
                         office_unit_code=nfc(a.office_code), short_name=nfc(a.short))
    org.set_org_names(ctx.actor, valid_from, names, valid_to=valid_to)
    print("ok")
    return 0


def cmd_signer_add(ctx) -> int:
    from par_desktop.services import org

    a = ctx.args
    valid_from, valid_to = _date(a.valid_from), _date(a.valid_to)
    ctx.open()
    org.save_signer(ctx.actor, None, None, name=a.name, title=a.title, authority=a.authority,
                    is_default=a.default, valid_from=valid_from, valid_to=valid_to)
    print("ok")
    return 0


def cmd_unit_add(ctx) -> int:
    from par_desktop.domain.text import fold
    from par_desktop.services import org

    a = ctx.args
    ctx.open()
    kind = a.kind or ("office" if fold(a.name).startswith("van phong") else
                      "affiliated" if fold(a.name).startswith(("trung tam", "co so", "truong")) else "division")
    unit = org.create_unit(ctx.actor, a.name, a.code or None, kind=kind)
    print(unit.short_code)
    return 0


def cmd_import_catalog(ctx) -> int:
    from par_desktop.services import catalog

    ctx.open()
    result = catalog.import_catalog(ctx.actor, ctx.args.file)
    print(f"imported {result.total} procedures")
    for warning in result.warnings:
        print(f"warning: {warning}")
    if result.to_complete:
        print(f"warning: {len(result.to_complete)} thủ tục chưa có thời hạn giải quyết, cần bổ sung trong Danh mục: "
              + ", ".join(result.to_complete[:20]) + ("…" if len(result.to_complete) > 20 else ""))
    if result.missing:
        codes = ", ".join(m.code for m in result.missing[:20]) + ("…" if len(result.missing) > 20 else "")
        if ctx.args.abolish_missing:
            count = catalog.abolish(ctx.actor, [m.id for m in result.missing])
            print(f"warning: đã đánh dấu hết hiệu lực {count} thủ tục không còn trong danh sách: {codes}")
        else:
            print(f"warning: {len(result.missing)} thủ tục đang có hiệu lực không có trong danh sách này: {codes}; "
                  "chạy lại với --abolish-missing để đánh dấu hết hiệu lực (không xóa)")
    return 0
