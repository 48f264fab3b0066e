"""``migrate-to URL``: copy the SQLite database (``--db``) into an empty PostgreSQL database.

Prints one line per table (``TABLE ROWS SHA256``) and a last line
``copied N rows in T tables to URL; row counts and checksums match``; with ``--json`` the same as an
object ``{"source", "target", "tables": [{"table", "rows", "sha256"}], "rows"}``.
"""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("migrate-to", help="chép toàn bộ cơ sở dữ liệu SQLite sang một cơ sở dữ liệu PostgreSQL trống")
    p.add_argument("url", metavar="URL", help="postgresql://người_dùng:mật_khẩu@máy_chủ:5432/tên_csdl (đang trống)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_migrate_to)


def cmd_migrate_to(ctx) -> int:
    import sys

    from par_desktop.db.connection import describe
    from par_desktop.db.migrate import check_locations, migrate

    from par_desktop.services.session import require

    check_locations(ctx.location, ctx.args.url)
    ctx.open()   # the source database: on one with accounts, an administrator copies it
    require(ctx.actor, "restore")
    ctx.close()

    def progress(copy) -> None:
        if not ctx.args.json:
            print(f"{copy.table:<20} {copy.rows:>9} {copy.sha256}", flush=True)

    copies = migrate(ctx.location, ctx.args.url, progress=progress)
    total = sum(copy.rows for copy in copies)
    target = describe(ctx.args.url)
    if ctx.args.json:
        from par_desktop.cli.main import emit_json

        emit_json({"source": ctx.location, "target": target, "rows": total,
                   "tables": [{"table": c.table, "rows": c.rows, "sha256": c.sha256} for c in copies]})
    else:
        print(f"copied {total} rows in {len(copies)} tables to {target}; row counts and checksums match")
        print("Từ nay hãy mở PAR Desktop bằng --db với địa chỉ PostgreSQL vừa dùng (hoặc đặt biến "
              "PAR_DESKTOP_DB); tệp SQLite không thay đổi.", file=sys.stderr)
    return 0
