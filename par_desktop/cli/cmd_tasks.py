"""Plan and task commands: ``import plan``, ``tasks``, ``progress``, ``steps``.

``import plan FILE`` prints ``imported N tasks`` where N is the number of tasks in the file — also when
importing the same file again changes nothing — then one ``warning: …`` line per warning (a unit name
that matched no unit and was created, a task no longer in the file …).
"""

from __future__ import annotations

import argparse

from par_desktop.cli.accounts import READ, WRITE


def import_subparsers(sub):
    """The sub-commands of ``import`` (shared with other command modules: ``import dossiers`` …)."""
    parser = sub.choices.get("import")
    if parser is None:
        parser = sub.add_parser("import", help="nhập dữ liệu từ tệp (kế hoạch, hồ sơ)")
        parser.set_defaults(handler=lambda ctx: parser.error("cần chọn loại dữ liệu cần nhập"))
        return parser.add_subparsers(dest="import_kind", metavar="KIND")
    return next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))


def year_arg(text: str) -> int:
    """An ``argparse`` type: a year from 2000 to 2100."""
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"năm không hợp lệ: {text!r}") from None
    if not 2000 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"năm không hợp lệ: {text!r}")
    return year


def register(sub) -> None:
    p = import_subparsers(sub).add_parser("plan", help="nhập bảng nhiệm vụ (phụ lục) của kế hoạch từ .docx hoặc .xlsx")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--year", type=year_arg, metavar="YYYY", help="năm của kế hoạch (mặc định: theo tiêu đề trong tệp)")
    p.add_argument("--obligations", action="store_true",
                   help="thêm cả các nhiệm vụ định kỳ trong nội dung kế hoạch (báo cáo hằng tháng …)")
    p.add_argument("--number", metavar="TEXT",
                   help="số của kế hoạch (sửa số in sai trong tệp), ví dụ 38/KH-SLĐTBXH; mặc định: số ghi trong tệp")
    p.set_defaults(handler=cmd_import_plan)

    p = sub.add_parser("plans", help="các kế hoạch đã nhập")
    p.add_argument("--json", action="store_true", help="in danh sách dạng JSON")
    p.set_defaults(handler=cmd_plans, access=READ)

    p = sub.add_parser("tasks", help="danh sách nhiệm vụ của kế hoạch")
    p.add_argument("--json", action="store_true", help="in danh sách dạng JSON")
    p.add_argument("--unit", metavar="UNIT",
                   help="chỉ nhiệm vụ do một đơn vị (tên hoặc mã) chủ trì, theo trạng thái của đơn vị đó")
    p.add_argument("--status", choices=("not_started", "in_progress", "at_risk", "done_on_time", "done_late",
                                        "overdue"))
    p.add_argument("--year", type=year_arg, metavar="YYYY", help="chỉ kế hoạch của năm này")
    p.add_argument("--plan", metavar="NUMBER", help="chỉ kế hoạch có số này, ví dụ 38/KH-SLĐTBXH")
    p.add_argument("--at", metavar="DATE", help="tính trạng thái tại ngày này (mặc định: hôm nay)")
    p.add_argument("--summary", action="store_true", help="số nhiệm vụ theo trạng thái của từng đơn vị")
    p.add_argument("--create-obligations", type=year_arg, metavar="YYYY",
                   help="tạo các nhiệm vụ định kỳ (TX.1 …) của kế hoạch năm YYYY")
    p.set_defaults(handler=cmd_tasks, access=lambda a: WRITE if a.create_obligations else READ)

    p = sub.add_parser("progress", help="báo cáo tiến độ một nhiệm vụ")
    p.add_argument("ref", metavar="REF", help="số hiệu nhiệm vụ, ví dụ III.B.1")
    p.add_argument("--percent", type=int, required=True, metavar="N")
    p.add_argument("--text", default="", help="nội dung báo cáo")
    p.add_argument("--unit", metavar="UNIT", help="đơn vị báo cáo (mặc định: đơn vị của tài khoản)")
    p.add_argument("--year", type=year_arg, metavar="YYYY", help="năm của kế hoạch (khi số hiệu trùng giữa các năm)")
    p.add_argument("--plan", metavar="NUMBER", help="số của kế hoạch (khi số hiệu trùng giữa các kế hoạch)")
    p.add_argument("--date", metavar="DATE", help="ngày báo cáo (mặc định: hôm nay)")
    p.add_argument("--attach", action="append", default=[], metavar="FILE", help="tệp minh chứng (lặp lại được)")
    p.set_defaults(handler=cmd_progress)

    p = sub.add_parser("steps", help="quy trình chia bước giữa các đơn vị (thời hạn từng bước)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--at", metavar="DATE", help="tính trạng thái tại ngày này (mặc định: hôm nay)")
    p.set_defaults(handler=cmd_steps, access=READ)


def day_or_today(text: str | None):
    """The day a ``--at``/``--date`` option names (dd/mm/yyyy), today without one."""
    from datetime import date

    from par_desktop.domain.text import parse_date

    return parse_date(text) if text else date.today()


def cmd_import_plan(ctx) -> int:
    from par_desktop.services.tasks import plan_import

    ctx.open()
    result = plan_import.import_plan(ctx.actor, ctx.args.file, ctx.args.year, with_obligations=ctx.args.obligations,
                                     number=ctx.args.number)
    print(f"imported {result.task_count} tasks")
    for warning in result.warnings:
        print(f"warning: {warning}")
    offer = plan_import.org_offer(plan_import.read_plan_file(ctx.args.file)) if result.created else None
    if offer is not None:
        print(f"warning: tệp ghi cơ quan «{offer.governing_body}» / «{offer.agency_name}» mà dữ liệu chưa có thông tin "
              f"cơ quan; ghi bằng: org set --governing-body \"{offer.governing_body}\" --agency \"{offer.agency_short}\" "
              f"--short \"{offer.agency_short}\" --abbr {offer.agency_abbr} --place \"{offer.place_name}\" "
              "--office-code VP")
    return 0


def cmd_plans(ctx) -> int:
    from par_desktop.cli.main import emit_json
    from par_desktop.services.tasks import views as task_views

    ctx.open()
    plans = task_views.list_plans()
    if ctx.args.json:
        emit_json([{"number": p.number or None, "date": p.date.isoformat() if p.date else None, "year": p.year,
                    "title": p.title, "tasks": p.tasks} for p in plans])
        return 0
    for p in plans:
        print(f"{p.number or '(chưa có số)'}\t{p.date.isoformat() if p.date else ''}\t{p.year}\t{p.tasks}\t{p.title}")
    return 0


def cmd_tasks(ctx) -> int:
    from par_desktop.cli.main import emit_json
    from par_desktop.domain.text import ui_date
    from par_desktop.services import org
    from par_desktop.services.tasks import obligations
    from par_desktop.services.tasks import plan_import
    from par_desktop.services.tasks import status as task_statuses
    from par_desktop.services.tasks import views as task_views

    ctx.open()
    today = day_or_today(ctx.args.at)
    if ctx.args.create_obligations:
        from par_desktop.db.models import Plan
        from par_desktop.errors import NotFound

        plan = Plan.select().where(Plan.year == ctx.args.create_obligations).order_by(Plan.id).first()
        if plan is None:
            raise NotFound(f"Chưa có kế hoạch năm {ctx.args.create_obligations}: hãy nhập kế hoạch trước.")
        ids = obligations.create_plan_obligations(ctx.actor, plan)
        print(f"obligations: {len(ids)}")
        return 0
    if ctx.args.summary:
        rows = task_views.summary_by_unit(today)
        if ctx.args.json:
            emit_json([{"unit": r.unit_name, **{s: getattr(r, s) for s in task_statuses.STATUSES}} for r in rows])
        else:
            print("\t".join(["Đơn vị", *(task_statuses.STATUS_LABELS[s] for s in task_statuses.STATUSES)]))
            for r in rows:
                print("\t".join([r.unit_name, *(str(getattr(r, s)) for s in task_statuses.STATUSES)]))
        return 0
    unit_id = org.find_unit(ctx.args.unit).id if ctx.args.unit else None
    plan_id = plan_import.plan_by_number(ctx.args.plan).id if ctx.args.plan else None
    filters = task_views.TaskFilters(unit_id=unit_id, unit_role="lead", status=ctx.args.status, year=ctx.args.year,
                                     plan_id=plan_id)
    views = task_views.list_tasks(filters, today)
    if ctx.args.json:
        emit_json([task_views.task_json(view) for view in views])
        return 0
    for view in views:
        due = ui_date(view.next_due) if view.next_due else task_statuses.RECURRENCE_LABELS[view.recurrence] or "—"
        units = "tất cả đơn vị" if view.lead_units == (task_views.ALL,) else ", ".join(view.lead_units)
        content = view.content if len(view.content) <= 70 else view.content[:69] + "…"
        print(f"{view.ref}\t{view.status_label}\t{due}\t{view.progress_percent}%\t{units}\t{content}")
    return 0


def cmd_progress(ctx) -> int:
    from par_desktop.db.models import Plan, Task
    from par_desktop.domain.text import nfc
    from par_desktop.errors import InvalidInput, NotFound
    from par_desktop.services import org
    from par_desktop.services.tasks import plan_import
    from par_desktop.services.tasks import progress as task_progress
    from par_desktop.services.tasks import views as task_views

    ctx.open()
    ref = nfc(ctx.args.ref).upper()
    query = Task.select().join(Plan).where(Task.ref == ref)
    if ctx.args.year:
        query = query.where(Plan.year == ctx.args.year)
    if ctx.args.plan:
        query = query.where(Plan.id == plan_import.plan_by_number(ctx.args.plan).id)
    found = list(query.order_by(Plan.year.desc()))
    if not found:
        raise NotFound(f"Không có nhiệm vụ số {ref}.")
    if len(found) > 1:
        raise InvalidInput(f"Có {len(found)} nhiệm vụ số {ref} ở các kế hoạch khác nhau: hãy ghi --plan SỐ "
                           "(ví dụ --plan 38/KH-SLĐTBXH).")
    unit_id = org.find_unit(ctx.args.unit).id if ctx.args.unit else None
    reported_on = day_or_today(ctx.args.date)
    task_progress.report_progress(ctx.actor, found[0].id, percent=ctx.args.percent, text=ctx.args.text, unit_id=unit_id,
                          reported_on=reported_on, attachments=ctx.args.attach)
    view = task_views.get_task(found[0].id, reported_on, unit_id)
    print(f"{view.ref}: {view.progress_percent}% ({view.status})")
    return 0


def cmd_steps(ctx) -> int:
    from par_desktop.cli.main import emit_json
    from par_desktop.services import steps

    ctx.open()
    views = steps.list_processes(day_or_today(ctx.args.at))
    if ctx.args.json:
        emit_json([{
            "name": p.name, "trigger_date": p.trigger_date.isoformat(), "due_date": p.planned_due.isoformat(),
            "status": p.status, "late_units": [s.unit_name for s in p.late_steps],
            "steps": [{"name": s.name, "unit": s.unit_name, "budget_days": s.budget_days,
                       "due_date": s.planned_due.isoformat(),
                       "own_due_date": s.own_due.isoformat() if s.own_due else None,
                       "completed_on": s.completed_on.isoformat() if s.completed_on else None,
                       "status": s.status, "days_late": s.days_late} for s in p.steps],
        } for p in views])
        return 0
    for p in views:
        late = ", ".join(f"{s.unit_name} (+{s.days_late} ngày)" for s in p.late_steps)
        print(f"{p.name}\t{p.trigger_date.isoformat()}\t{p.planned_due.isoformat()}\t{p.status}"
              + (f"\tchậm: {late}" if late else ""))
    return 0
