"""PAR INDEX commands (``index …``, CLI.md "The PAR INDEX"): criteria sets, metrics, self-scores,
evidence, the score tree, the self-assessment table and the evidence pack; plus the workflow (submit,
review, lock), appraisal, a new year from last year's set and what changed.

Scores may be written with a decimal comma; a negative one (a penalty) as ``--score -0,5``. Commands that
only read (metrics, score, evidence list, export, evidence-pack, compare, differences) need no account.
"""

from __future__ import annotations

import argparse
import re
import sys

from par_desktop.cli.accounts import READ
from par_desktop.cli.cmd_tasks import day_or_today, year_arg

_NEGATIVE = re.compile(r"^-\d+([.,]\d+)?$|^-[.,]\d+$")


def _scores_accept_negatives(parser: argparse.ArgumentParser) -> None:
    """``--score -0,5`` is a value, not an option (argparse knows only "-0.5")."""
    parser._negative_number_matcher = _NEGATIVE


def register(sub) -> None:
    p = sub.add_parser("index", help="chỉ số cải cách hành chính (PAR INDEX): bộ chỉ số, tự đánh giá, tài liệu kiểm chứng")
    idx = p.add_subparsers(dest="index_command", metavar="SUBCOMMAND", required=True)

    q = idx.add_parser("import", help="nhập bộ chỉ số của tỉnh cho một năm (.xlsx)")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    q.add_argument("--title", help="tên bộ chỉ số (mặc định: theo dòng tiêu đề trong tệp)")
    q.add_argument("--example", action="store_true", help="đánh dấu là bộ chỉ số minh họa (không chính thức)")
    q.add_argument("--changes", action="store_true", help="in thêm các thay đổi so với bộ chỉ số năm trước")
    q.set_defaults(handler=cmd_import)

    q = idx.add_parser("metrics", help="các chỉ tiêu tự tính và giá trị của năm")
    q.add_argument("--year", type=year_arg, metavar="YYYY", help="mặc định: năm của bộ chỉ số mới nhất, hoặc năm nay")
    q.add_argument("--json", action="store_true")
    q.add_argument("--at", metavar="DATE", help="tính đến ngày này (mặc định: hôm nay)")
    q.set_defaults(handler=cmd_metrics, access=READ)

    q = idx.add_parser("set-score", help="ghi điểm tự đánh giá một tiêu chí thành phần")
    _scores_accept_negatives(q)
    q.add_argument("code", metavar="CODE")
    q.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    q.add_argument("--score", required=True, metavar="X", help="điểm (dấu phẩy thập phân được), trống để xóa")
    q.add_argument("--note", default="", metavar="TEXT", help="giải trình")
    q.set_defaults(handler=cmd_set_score)

    q = idx.add_parser("evidence", help="tài liệu kiểm chứng")
    ev = q.add_subparsers(dest="evidence_command", metavar="ACTION", required=True)
    r = ev.add_parser("add", help="đính kèm tài liệu kiểm chứng cho tiêu chí thành phần")
    r.add_argument("codes", nargs="+", metavar="CODE", help="một hoặc nhiều mã tiêu chí thành phần")
    r.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    source = r.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", metavar="FILE", help="tệp (văn bản, hình ảnh, tệp nén) lưu vào cơ sở dữ liệu")
    source.add_argument("--register", metavar="NUMBER", help="số văn bản trong sổ, ví dụ 39/KH-SLĐTBXH")
    source.add_argument("--external", metavar="TEXT", help="văn bản bên ngoài: số, ngày, cơ quan ban hành, trích yếu")
    r.add_argument("--title", default="", help="trích yếu (tệp)")
    r.add_argument("--number", default="", help="số, ký hiệu (văn bản bên ngoài)")
    r.add_argument("--date", metavar="DATE", help="ngày ban hành (văn bản bên ngoài)")
    r.add_argument("--issuer", default="", help="cơ quan ban hành (văn bản bên ngoài)")
    r.set_defaults(handler=cmd_evidence_add)
    r = ev.add_parser("list", help="danh sách tài liệu kiểm chứng của năm")
    r.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_evidence_list, access=READ)

    q = idx.add_parser("score", help="cây điểm: tối đa, tự tính, tự đánh giá, thẩm định")
    q.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    q.add_argument("--json", action="store_true")
    q.add_argument("--at", metavar="DATE", help="tính đến ngày này (mặc định: hôm nay)")
    q.set_defaults(handler=cmd_score, access=READ)

    q = idx.add_parser("export", help="bảng tự đánh giá (.xlsx)")
    q.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    q.add_argument("--out", required=True, metavar="FILE.xlsx")
    q.set_defaults(handler=cmd_export, access=READ)

    q = idx.add_parser("evidence-pack", help="gói tài liệu kiểm chứng (.zip: thư mục theo mã, danh mục)")
    q.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    q.add_argument("--out", required=True, metavar="FILE.zip")
    q.set_defaults(handler=cmd_pack, access=READ)

    q = idx.add_parser("copy", help="tạo bộ chỉ số năm mới từ bộ chỉ số năm trước")
    q.add_argument("--to", type=year_arg, required=True, metavar="YYYY", dest="to_year")
    q.add_argument("--from", type=year_arg, metavar="YYYY", dest="from_year", help="mặc định: năm trước đó")
    q.set_defaults(handler=cmd_copy)

    q = idx.add_parser("compare", help="thay đổi so với bộ chỉ số năm trước")
    q.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    q.add_argument("--with", type=year_arg, metavar="YYYY", dest="other", help="mặc định: năm trước")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_compare, access=READ)

    q = idx.add_parser("assign", help="giao đơn vị chủ trì, phối hợp, hạn nộp tài liệu kiểm chứng, nhiệm vụ liên kết")
    q.add_argument("code", metavar="CODE")
    q.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    q.add_argument("--unit", metavar="UNIT", help="đơn vị chủ trì (tên hoặc mã)")
    q.add_argument("--coordinator", action="append", default=None, metavar="UNIT", help="đơn vị phối hợp (lặp lại được)")
    q.add_argument("--deadline", metavar="DATE", help="hạn nộp tài liệu kiểm chứng")
    q.add_argument("--task", action="append", default=[], metavar="REF", help="nhiệm vụ kế hoạch phục vụ tiêu chí (lặp lại)")
    q.add_argument("--metric", metavar="KEY", help="chỉ tiêu tự tính (kèm --bands)")
    q.add_argument("--bands", metavar="TEXT", help="thang điểm, ví dụ «≥100%%: 1; ≥90%%: 0,5; còn lại: 0»")
    q.set_defaults(handler=cmd_assign)

    q = idx.add_parser("submit", help="đơn vị gửi điểm tự đánh giá cho Văn phòng")
    q.add_argument("codes", nargs="+", metavar="CODE")
    q.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    q.set_defaults(handler=cmd_submit)

    q = idx.add_parser("review", help="Văn phòng chấp nhận hoặc trả lại điểm tự đánh giá")
    q.add_argument("codes", nargs="+", metavar="CODE")
    q.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    action = q.add_mutually_exclusive_group(required=True)
    action.add_argument("--accept", action="store_true")
    action.add_argument("--return", action="store_true", dest="send_back")
    q.add_argument("--note", default="", metavar="TEXT")
    q.set_defaults(handler=cmd_review)

    q = idx.add_parser("lock", help="khóa bộ chỉ số khi gửi kết quả tự đánh giá")
    q.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    q.set_defaults(handler=cmd_lock)
    q = idx.add_parser("unlock", help="mở khóa bộ chỉ số")
    q.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    q.add_argument("--reason", required=True, metavar="TEXT")
    q.set_defaults(handler=cmd_unlock)

    q = idx.add_parser("appraise", help="ghi điểm thẩm định một tiêu chí thành phần")
    _scores_accept_negatives(q)
    q.add_argument("code", metavar="CODE")
    q.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    q.add_argument("--score", required=True, metavar="X")
    q.add_argument("--reason", default="", metavar="TEXT")
    q.set_defaults(handler=cmd_appraise)

    q = idx.add_parser("appraisal", help="nhập kết quả thẩm định từ Excel (Mã/STT, Điểm thẩm định, Lý do)")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    q.add_argument("--final-index", metavar="X", help="chỉ số CCHC (%) tỉnh công bố")
    q.set_defaults(handler=cmd_appraisal)

    q = idx.add_parser("differences", help="các tiêu chí điểm thẩm định khác điểm tự đánh giá, kèm lý do")
    q.add_argument("--year", type=year_arg, required=True, metavar="YYYY")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_differences, access=READ)


def cmd_import(ctx) -> int:
    from par_desktop.services.par_index import criteria

    ctx.open()
    result = criteria.import_criteria(ctx.actor, ctx.args.file, ctx.args.year, title=ctx.args.title,
                                      example=ctx.args.example)
    print(f"imported {result.count} criteria")
    for warning in result.warnings:
        print(f"warning: {warning}")
    if ctx.args.changes:
        _print_changes(result.changes, result.compared_with)
    return 0


def _print_changes(changes, other) -> None:
    if other is None:
        print("changes: chưa có bộ chỉ số năm trước để so sánh")
        return
    print(f"changes: {len(changes)} thay đổi so với năm {other}")
    for change in changes:
        detail = f"{change.old} → {change.new}" if change.old and change.new else (change.new or change.old)
        print(f"{change.path}\t{change.label}\t{detail}")


def cmd_metrics(ctx) -> int:
    from datetime import date

    from par_desktop.domain.par_index import vn_percent, vn_points
    from par_desktop.services.par_index import criteria, metrics

    ctx.open()
    as_of = day_or_today(ctx.args.at)
    year = ctx.args.year or next(iter(criteria.years()), None) or date.today().year
    index_set = criteria.set_for_year(year)
    period = (criteria.metric_period(index_set, as_of) if index_set is not None
              else metrics.MetricPeriod(date(year, 1, 1), date(year, 12, 31), as_of))
    values = metrics.compute(period)
    if ctx.args.json:
        from par_desktop.cli.main import emit_json

        emit_json({key: value.as_json() for key, value in values.items()})
        return 0
    print(f"Chỉ tiêu tự tính năm {year} (từ {period.start.isoformat()} đến {period.end.isoformat()})")
    for metric in metrics.metrics():
        value = values[metric.key]
        shown = vn_percent(value.value) if metric.percent else vn_points(None if value.value is None
                                                                         else round(value.value, 2), blank="—")
        counts = f"{_n(value.numerator)}/{_n(value.denominator)}"
        print(f"{metric.key}\t{shown}\t{counts}\t{metric.name}")
    return 0


def _n(value) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def cmd_set_score(ctx) -> int:
    from par_desktop.services.par_index import criteria, scoring

    ctx.open()
    criterion = criteria.find_criterion(ctx.args.year, ctx.args.code)
    score = ctx.args.score if ctx.args.score.strip() else None
    scoring.set_self_score(ctx.actor, criterion.id, score, ctx.args.note)
    print("ok")
    return 0


def _criteria_ids(year: int, codes) -> list[int]:
    from par_desktop.services.par_index import criteria

    return [criteria.find_criterion(year, code).id for code in codes]


def cmd_evidence_add(ctx) -> int:
    from par_desktop.domain.text import parse_date
    from par_desktop.services.par_index import evidence

    a = ctx.args
    ctx.open()
    ids = _criteria_ids(a.year, a.codes)
    if a.file:
        evidence.add_file(ctx.actor, a.year, ids, a.file, title=a.title)
    elif a.register:
        evidence.add_register(ctx.actor, a.year, ids, a.register)
    else:
        evidence.add_external(ctx.actor, a.year, ids, a.external, number=a.number,
                              doc_date=parse_date(a.date) if a.date else None, issuer=a.issuer)
    print("ok")
    return 0


def cmd_evidence_list(ctx) -> int:
    from par_desktop.services.par_index import evidence

    ctx.open()
    rows = evidence.list_evidence(ctx.args.year)
    if ctx.args.json:
        from par_desktop.cli.main import emit_json

        emit_json([{"id": r.id, "kind": r.kind, "title": r.title, "filename": r.filename or None, "size": r.size,
                    "number": r.doc_number or None, "date": r.doc_date.isoformat() if r.doc_date else None,
                    "issuer": r.issuer or None, "codes": list(r.codes), "added_by": r.created_by} for r in rows])
        return 0
    for r in rows:
        print(f"{', '.join(r.codes)}\t{r.kind_label}\t{r.describe()}")
    return 0


def cmd_score(ctx) -> int:
    from par_desktop.domain.par_index import vn_percent, vn_points
    from par_desktop.services.par_index import scoring

    ctx.open()
    report = scoring.score_report(ctx.args.year, day_or_today(ctx.args.at))
    if ctx.args.json:
        from par_desktop.cli.main import emit_json

        emit_json(report.as_json())
        return 0
    if report.is_example:
        print("(Bộ chỉ số minh họa — không phải bảng chính thức của tỉnh)")
    print("Mã\tTối đa\tTự tính\tTự chấm\tThẩm định\tTLKC\tNội dung")
    for node in report.nodes():
        print("\t".join(["  " * node.level + node.path, vn_points(node.max_points, blank="—"),
                         vn_points(node.computed_points, blank="—"), vn_points(node.self_points, blank="—"),
                         vn_points(node.appraised_points, blank="—"), str(node.evidence_count),
                         node.title + (" [thiếu TLKC]" if node.red_flag and node.is_leaf else "")]))
    print(f"Tổng: tối đa {vn_points(report.max_total)}; tự đánh giá {vn_points(report.self_total, blank='—')} "
          f"({vn_percent(report.index_of(report.self_total))}); thẩm định {vn_points(report.appraised_total, blank='—')}; "
          f"có nguy cơ mất {vn_points(report.at_risk_total)} điểm")
    return 0


def cmd_export(ctx) -> int:
    from par_desktop.services.par_index import outputs

    ctx.open()
    print(outputs.export_self_assessment(ctx.args.year, ctx.args.out))
    return 0


def cmd_pack(ctx) -> int:
    from par_desktop.services.par_index import evidence

    ctx.open()
    result = evidence.write_pack(ctx.args.year, ctx.args.out)
    print(result.path)
    return 0


def cmd_copy(ctx) -> int:
    from par_desktop.services.par_index import criteria

    ctx.open()
    result = criteria.copy_from_previous(ctx.actor, ctx.args.to_year, ctx.args.from_year)
    print(f"copied {result.count} criteria from {result.compared_with}")
    return 0


def cmd_compare(ctx) -> int:
    from par_desktop.services.par_index import criteria

    ctx.open()
    other = ctx.args.other or ctx.args.year - 1
    changes = criteria.compare_years(other, ctx.args.year)
    if ctx.args.json:
        from par_desktop.cli.main import emit_json

        emit_json([{"change": c.change, "path": c.path, "code": c.code, "old": c.old or None, "new": c.new or None}
                   for c in changes])
        return 0
    _print_changes(changes, other)
    return 0


def cmd_assign(ctx) -> int:
    from par_desktop.domain.text import parse_date
    from par_desktop.services import org
    from par_desktop.services.par_index import criteria

    a = ctx.args
    ctx.open()
    criterion = criteria.find_criterion(a.year, a.code)
    changes: dict = {}
    if a.unit:
        changes["unit_id"] = org.find_unit(a.unit).id
    if a.coordinator is not None:
        changes["coordinator_ids"] = [org.find_unit(u).id for u in a.coordinator]
    if a.deadline:
        changes["evidence_deadline"] = parse_date(a.deadline)
    if a.metric is not None:
        changes["metric"] = a.metric
    if a.bands is not None:
        changes["bands"] = a.bands
    if changes:
        criteria.update_criterion(ctx.actor, criterion.id, None, **changes)
    if a.task:
        criteria.link_tasks(ctx.actor, a.year, a.code, a.task)
    print("ok")
    return 0


def cmd_submit(ctx) -> int:
    from par_desktop.services.par_index import scoring

    ctx.open()
    count = scoring.submit(ctx.actor, _criteria_ids(ctx.args.year, ctx.args.codes))
    print(f"submitted {count}")
    return 0


def cmd_review(ctx) -> int:
    from par_desktop.services.par_index import scoring

    ctx.open()
    for criterion_id in _criteria_ids(ctx.args.year, ctx.args.codes):
        scoring.review(ctx.actor, criterion_id, accept=ctx.args.accept, note=ctx.args.note)
    print("ok")
    return 0


def cmd_lock(ctx) -> int:
    from par_desktop.services.par_index import scoring

    ctx.open()
    scoring.lock(ctx.actor, ctx.args.year)
    print("ok")
    return 0


def cmd_unlock(ctx) -> int:
    from par_desktop.services.par_index import scoring

    ctx.open()
    scoring.unlock(ctx.actor, ctx.args.year, ctx.args.reason)
    print("ok")
    return 0


def cmd_appraise(ctx) -> int:
    from par_desktop.services.par_index import criteria, scoring

    ctx.open()
    criterion = criteria.find_criterion(ctx.args.year, ctx.args.code)
    scoring.set_appraised(ctx.actor, criterion.id, ctx.args.score if ctx.args.score.strip() else None, ctx.args.reason)
    print("ok")
    return 0


def cmd_appraisal(ctx) -> int:
    from par_desktop.services.par_index import criteria, scoring

    ctx.open()
    result = scoring.import_appraisal(ctx.actor, ctx.args.year, ctx.args.file)
    if ctx.args.final_index is not None:
        criteria.update_set(ctx.actor, ctx.args.year, final_index=ctx.args.final_index)
    print(f"appraised {result.count} criteria; {len(result.differences)} differences")
    for warning in result.warnings:
        print(f"warning: {warning}")
    return 0


def cmd_differences(ctx) -> int:
    from par_desktop.domain.par_index import vn_points
    from par_desktop.services.par_index import scoring

    ctx.open()
    rows = scoring.differences(ctx.args.year)
    if ctx.args.json:
        from par_desktop.cli.main import emit_json

        emit_json([{"code": d.code, "path": d.path, "title": d.title, "unit": d.unit or None,
                    "max_points": d.max_points, "self_points": d.self_points, "appraised_points": d.appraised_points,
                    "difference": d.delta, "reason": d.reason or None} for d in rows])
        return 0
    for d in rows:
        print(f"{d.path}\t{vn_points(d.self_points, blank='—')} → {vn_points(d.appraised_points)}\t"
              f"{d.reason or '(chưa ghi lý do)'}\t{d.title}")
    if not rows:
        print("Không có tiêu chí nào điểm thẩm định khác điểm tự đánh giá.", file=sys.stderr)
    return 0
