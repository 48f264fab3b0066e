"""Dossier commands: ``import dossiers FILE``, ``dossiers --json [--at MOMENT]``,
``stats dossiers --from DATE --to DATE [--json]``."""

from __future__ import annotations

import argparse
import sys

from par_desktop.cli.accounts import READ


def _group(sub, name: str, help_text: str):
    """The sub-command group ``name`` (e.g. ``import``), shared with other command modules."""
    parser = sub.choices.get(name)
    if parser is None:
        parser = sub.add_parser(name, help=help_text)
    for action in parser._actions:  # argparse offers no public accessor for an existing group
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest=f"{name}_what", metavar="WHAT", required=True, parser_class=type(parser))


def register(sub) -> None:
    p = _group(sub, "import", "nhập dữ liệu từ tệp").add_parser(
        "dossiers", help="nhập hồ sơ TTHC từ tệp xuất của phần mềm một cửa (.xlsx, .csv)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--skip-invalid", action="store_true",
                   help="bỏ qua các dòng lỗi (liệt kê trên stderr) và nhập các dòng còn lại")
    p.add_argument("--date-order", choices=("dmy", "mdy"),
                   help="thứ tự ngày viết dạng chữ trong tệp: dmy = ngày/tháng/năm, mdy = tháng/ngày/năm (máy đặt "
                        "tiếng Anh Mỹ); mặc định: theo những gì tệp cho thấy, hỏi lại khi tệp đọc được cả hai cách")
    p.set_defaults(handler=cmd_import_dossiers)

    p = sub.add_parser("dossiers", help="danh sách hồ sơ TTHC với trạng thái tại một thời điểm")
    p.add_argument("--json", action="store_true", help="in danh sách JSON")
    p.add_argument("--at", metavar="MOMENT",
                   help="thời điểm xem trạng thái (YYYY-MM-DD HH:MM; chỉ có ngày = cuối ngày đó; mặc định: bây giờ). "
                        "Hồ sơ tiếp nhận sau thời điểm này không được liệt kê; hồ sơ kết thúc sau đó được xem là đang giải quyết.")
    p.set_defaults(handler=cmd_dossiers, access=READ)

    p = _group(sub, "stats", "thống kê").add_parser("dossiers", help="bảng thống kê tình hình giải quyết TTHC")
    p.add_argument("--from", dest="date_from", required=True, metavar="DATE")
    p.add_argument("--to", dest="date_to", required=True, metavar="DATE")
    p.add_argument("--unit", metavar="UNIT", help="chỉ tính hồ sơ của một đơn vị (tên hoặc mã)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats_dossiers, access=READ)


def cmd_import_dossiers(ctx) -> int:
    from par_desktop.importers.dossiers import AmbiguousDates
    from par_desktop.services.dossiers import importing as dossier_import

    ctx.open()
    try:
        summary = dossier_import.import_dossiers(ctx.actor, ctx.args.file, skip_invalid=ctx.args.skip_invalid,
                                                 date_order=ctx.args.date_order)
    except AmbiguousDates as exc:
        raise AmbiguousDates(exc.path, exc.examples, mixed=exc.mixed,
                             hint=" Chạy lại với --date-order dmy (ngày/tháng/năm) hoặc --date-order mdy "
                                  "(tháng/ngày/năm).") from None
    print(f"imported {summary.imported} dossiers")
    for problem in summary.refused:
        print(f"refused: {problem}", file=sys.stderr)
    for warning in summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _moment(text: str):
    from datetime import datetime, time

    from par_desktop.domain.text import parse_date, parse_moment
    from par_desktop.errors import InvalidInput

    try:
        return parse_moment(text)
    except InvalidInput:
        return datetime.combine(parse_date(text), time(23, 59))


def cmd_dossiers(ctx) -> int:
    from par_desktop.cli.main import emit_json
    from par_desktop.services.dossiers import timing as dossier_timing

    from par_desktop.cli.cmd_calendar import supported

    at = supported(_moment(ctx.args.at)) if ctx.args.at else None
    ctx.open()
    rows = dossier_timing.states_at(at)
    if ctx.args.json:
        emit_json(rows)
        return 0
    from par_desktop.domain.timers import STATE_LABELS

    for r in rows:
        print(f"{r['code']}\t{STATE_LABELS[r['state']]}\t{r['received_at']}\t{r['due_at']}\t{r['unit'] or ''}")
    return 0


def cmd_stats_dossiers(ctx) -> int:
    from par_desktop.domain.text import parse_date
    from par_desktop.services import stats

    from par_desktop.cli.cmd_calendar import supported

    start, end = supported(parse_date(ctx.args.date_from)), supported(parse_date(ctx.args.date_to))
    ctx.open()
    unit_id = None
    if ctx.args.unit:
        from par_desktop.services import org

        unit_id = org.find_unit(ctx.args.unit).id
    table = stats.dossier_statistics(start, end, unit_id)
    if ctx.args.json:
        from par_desktop.cli.main import emit_json

        emit_json(table.as_json())
    else:
        print(stats.format_table(table))
    return 0
