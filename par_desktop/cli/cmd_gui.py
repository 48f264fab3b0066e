"""Opening the main window: ``gui`` (also the default with no command) and ``demo-gui`` for ``make run``."""

from __future__ import annotations


# The navigation pages (par_desktop.ui.pages.PAGES), listed here so the parser needs no Qt.
PAGE_KEYS = ("dashboard", "tasks", "par_index", "dossiers", "statistics", "service", "documents", "catalog",
             "settings")


def register(sub) -> None:
    p = sub.add_parser("gui", help="mở cửa sổ chính")
    p.add_argument("--screenshot", metavar="FILE.png", help="chụp cửa sổ chính vào tệp PNG rồi thoát")
    p.add_argument("--page", choices=PAGE_KEYS, help="trang hiển thị khi chụp (mặc định: Tổng quan)")
    p.add_argument("--screen", metavar="WxH", type=screen_size, default=(1366, 768),
                   help="màn hình (điểm ảnh thật) mà cửa sổ được chụp như trên đó (mặc định: 1366x768)")
    p.set_defaults(handler=cmd_gui)

    p = sub.add_parser("demo-gui", help="mở ứng dụng trên cơ sở dữ liệu mẫu (tạo ở lần chạy đầu)")
    p.add_argument("--screenshot", metavar="FILE.png", help="chụp cửa sổ chính vào tệp PNG rồi thoát")
    p.set_defaults(handler=cmd_demo_gui)


def screen_size(text: str) -> tuple[int, int]:
    """"1366x768" → (1366, 768)."""
    import argparse

    width, sep, height = text.lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit() and 640 <= int(width) <= 7680 and 480 <= int(height) <= 4320):
        raise argparse.ArgumentTypeError(f"màn hình không hợp lệ: {text} (ví dụ 1366x768)")
    return int(width), int(height)


def cmd_gui(ctx) -> int:
    """The clerk signs in with a password; a ``--screenshot`` run names its account with ``--user``."""
    from par_desktop.app import run_gui

    if ctx.args.page and not ctx.args.screenshot:
        from par_desktop.errors import InvalidInput

        raise InvalidInput("--page chỉ dùng cùng --screenshot.")
    return run_gui(ctx.location, screenshot=ctx.args.screenshot, user=ctx.args.user, page=ctx.args.page,
                   screen=ctx.args.screen)


def cmd_demo_gui(ctx) -> int:
    """The newcomer path: a demo database in the user's data folder, created with demo data once."""
    from pathlib import Path

    from par_desktop.db.connection import default_location

    if not ctx.args.db:
        ctx.location = str(Path(default_location()).with_name("par_desktop_demo.db"))
    if not Path(ctx.location).exists():
        from par_desktop.services import demo

        Path(ctx.location).parent.mkdir(parents=True, exist_ok=True)
        ctx.open(create=True, demo=True)
        print(f"Đang tạo dữ liệu mẫu tại {ctx.location} …")
        demo.fill_demo(ctx.actor)
    from par_desktop.app import run_gui
    from par_desktop.cli.accounts import requested_user
    from par_desktop.services.session import DEMO_ACCOUNTS

    demo_clerk = requested_user(ctx.args) or DEMO_ACCOUNTS[1][0]   # the Office clerk: no password on a demo database
    return run_gui(ctx.location, screenshot=ctx.args.screenshot, user=demo_clerk, demo=True)
