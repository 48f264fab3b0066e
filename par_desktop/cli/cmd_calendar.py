"""Working-day commands: ``calendar due``, ``calendar workdays``, ``deadline``.

They run without a database when none exists yet (the `holidays` package alone); with one, the
administrator's overrides and office hours apply.
"""

from __future__ import annotations

from par_desktop.cli.accounts import READ


def register(sub) -> None:
    p = sub.add_parser("calendar", help="ngày làm việc và hạn xử lý")
    cal = p.add_subparsers(dest="calendar_command", metavar="SUBCOMMAND", required=True)
    q = cal.add_parser("due", help="hạn của thời hạn DAYS ngày làm việc tính từ START")
    q.add_argument("start", metavar="START", help="YYYY-MM-DD HH:MM hoặc DD/MM/YYYY HH:MM")
    q.add_argument("days", metavar="DAYS", help="số ngày làm việc (có thể là 0.5)")
    q.set_defaults(handler=cmd_due, access=READ)
    q = cal.add_parser("workdays", help="số ngày làm việc từ FROM đến TO (tính cả hai đầu)")
    q.add_argument("first", metavar="FROM")
    q.add_argument("last", metavar="TO")
    q.set_defaults(handler=cmd_workdays, access=READ)
    q = cal.add_parser("year", help="các ngày nghỉ, ngày làm bù và ngày điều chỉnh của một năm")
    q.add_argument("year", type=int)
    q.set_defaults(handler=cmd_year, access=READ)

    p = sub.add_parser("deadline", help="ngày hết hạn của một cách ghi thời hạn (Tháng 7/2024, Quý III/2024…)")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--year", type=int, metavar="YYYY", help="năm dùng khi TEXT không ghi năm")
    p.set_defaults(handler=cmd_deadline, access=READ)


def supported(value):
    """A parsed date or moment the working calendar can count with, else an ``error:`` line."""
    from par_desktop.domain.calendar import check_supported
    from par_desktop.errors import InvalidInput

    try:
        return check_supported(value)
    except ValueError as exc:
        raise InvalidInput(f"{value:%d/%m/%Y}: {exc}.") from None


def _calendar(ctx):
    """The database's calendar when the database exists, else the plain national one."""
    from pathlib import Path

    from par_desktop.db.connection import is_postgres

    if is_postgres(ctx.location) or Path(ctx.location).exists():
        from par_desktop.services.calendar import current_calendar

        ctx.open()
        return current_calendar()
    from par_desktop.domain.calendar import WorkCalendar

    return WorkCalendar()


def _days(text: str) -> float:
    from par_desktop.errors import InvalidInput

    try:
        days = float(text.replace(",", "."))
    except ValueError:
        raise InvalidInput(f"Số ngày không hợp lệ: {text!r}.") from None
    if not 0 < days <= 3650 or (days * 2) != int(days * 2):
        raise InvalidInput(f"Số ngày phải dương, là số nguyên hoặc nửa ngày (0.5): {text!r}.")
    return days


def cmd_due(ctx) -> int:
    from par_desktop.domain.text import iso_moment, parse_moment

    start = supported(parse_moment(ctx.args.start))
    days = _days(ctx.args.days)
    print(iso_moment(_calendar(ctx).due(start, days)))
    return 0


def cmd_workdays(ctx) -> int:
    from par_desktop.domain.text import parse_date

    first, last = supported(parse_date(ctx.args.first)), supported(parse_date(ctx.args.last))
    print(_calendar(ctx).workdays(first, last))
    return 0


def cmd_year(ctx) -> int:
    calendar = _calendar(ctx)
    for info in calendar.year_days(ctx.args.year):
        if info.kind not in ("working", "weekend"):
            state = "làm việc" if info.working else "nghỉ"
            print(f"{info.day.isoformat()}\t{state}\t{info.name}")
    return 0


def cmd_deadline(ctx) -> int:
    from par_desktop.domain.deadlines import parse_deadline

    deadline = parse_deadline(ctx.args.text, ctx.args.year)
    print(deadline.due_date.isoformat() if deadline.due_date else f"recurring: {deadline.recurrence}")
    return 0
