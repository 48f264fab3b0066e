"""Database commands: init, check, backup, restore."""

from __future__ import annotations

import argparse

from par_desktop.cli.accounts import READ, WRITE


def register(sub) -> None:
    p = sub.add_parser("init", help="tạo cơ sở dữ liệu (hoặc nâng cấp bản cũ)")
    p.add_argument("--demo", action="store_true", help="điền dữ liệu mẫu của kế hoạch 38/KH năm 2024")
    p.add_argument("--dossiers", type=int, metavar="N", help="số hồ sơ mẫu (mặc định khoảng 1.500)")
    p.add_argument("--seed", type=int, default=2024, help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_init, access=lambda a: WRITE if a.demo else READ)

    p = sub.add_parser("check", help="kiểm tra toàn vẹn và phiên bản lược đồ")
    p.set_defaults(handler=cmd_check, access=READ)

    p = sub.add_parser("backup", help="sao lưu nhất quán trong khi người khác vẫn làm việc")
    p.add_argument("--out", metavar="FILE",
                   help="tệp sao lưu; không có: bản sao lưu hằng ngày vào nơi sao lưu của cơ sở dữ liệu "
                        "(Cài đặt → Sao lưu) rồi xoay vòng, như khi chạy theo lịch của Task Scheduler")
    p.set_defaults(handler=cmd_backup, access=READ)

    p = sub.add_parser("restore", help="khôi phục từ bản sao lưu (giữ lại bản hiện tại)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--other-database", action="store_true",
                   help="chấp nhận tệp của một cơ sở dữ liệu khác (thay toàn bộ dữ liệu; chỉ quản trị)")
    p.set_defaults(handler=cmd_restore)


def cmd_init(ctx) -> int:
    from par_desktop.db.connection import describe

    # Only a database this command creates is marked as a demo (open_database marks new ones only).
    ctx.open(create=True, demo=ctx.args.demo)
    if ctx.args.demo:
        from par_desktop.services import demo

        demo.fill_demo(ctx.actor, dossier_count=ctx.args.dossiers, seed=ctx.args.seed)
    elif ctx.args.dossiers is not None:
        from par_desktop.errors import InvalidInput

        raise InvalidInput("--dossiers chỉ dùng cùng --demo.")
    print(describe(ctx.location))
    return 0


def cmd_check(ctx) -> int:
    import sys

    from par_desktop.db.schema import check

    db = ctx.open()
    problems = check(db)
    if not problems:   # the trail holds together: does it still hold the heads the backup log recorded?
        from par_desktop.services.backups import head_problems

        problems = head_problems(ctx.location)
    if problems:
        for line in problems:
            print(line)
        print(f"error: cơ sở dữ liệu có {len(problems)} vấn đề", file=sys.stderr)
        return 1
    print("ok")
    return 0


def cmd_backup(ctx) -> int:
    from par_desktop.db.backup import backup_database
    from par_desktop.db.connection import check_reachable

    check_reachable(ctx.location, must_exist=True)
    if ctx.args.out is not None:
        print(backup_database(ctx.location, ctx.args.out))
        return 0
    from par_desktop.services.backups import scheduled_backup

    ctx.open()      # the backup place and the rotation are settings of the database
    print(scheduled_backup(ctx.location))
    return 0


def cmd_restore(ctx) -> int:
    """Restore under maintenance mode with the role check and an audit row; a database too damaged to
    open is replaced directly (after validating the backup and keeping a copy of the damaged file)."""
    from pathlib import Path

    from par_desktop.db.backup import restore_database
    from par_desktop.db.connection import describe, is_postgres
    from par_desktop.errors import DatabaseUnavailable, SchemaTooNew

    if not is_postgres(ctx.location) and not Path(ctx.location).exists():
        kept = restore_database(ctx.location, ctx.args.file)
    else:
        try:
            ctx.open()
        except DatabaseUnavailable as exc:
            if isinstance(exc, SchemaTooNew):   # never replace a newer program's data with an older backup
                raise
            kept = restore_database(ctx.location, ctx.args.file)
        else:
            import sys

            from par_desktop.services.backups import restore_backup, restore_preview

            if not is_postgres(ctx.location):
                for line in restore_preview(ctx.location, ctx.args.file).lines():
                    print(line, file=sys.stderr)
            kept = restore_backup(ctx.actor, ctx.location, ctx.args.file, other_database=ctx.args.other_database)
    print(kept if kept is not None else describe(ctx.location))
    return 0
