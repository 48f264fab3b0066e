"""Starting the GUI: the QApplication, the database, sign-in, the crash handler, the main window.

``run_gui`` is what ``par-desktop gui`` (and the Windows shortcut, through ``main``) runs. Problems a
clerk can cause or fix — a missing share, a corrupted or newer database, a locked file — end in a
Vietnamese message; anything else is a bug, logged with its traceback and reported in a dialog
instead of the window silently vanishing.

Imports sit inside the functions on purpose (start-up time): the command line imports this module for
``gui`` only, and the window's modules, Qt's included, load once the application object exists.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
from pathlib import Path
from typing import NoReturn

from par_desktop import APP_NAME, __version__
from par_desktop.errors import UserError

log = logging.getLogger(__name__)

APP_USER_MODEL_ID = "PAR.Desktop"
_collector = None   # the GUI-thread collector (ui.garbage), once make_application made it


def make_application():
    """The QApplication with the app's identity, Fusion style, Vietnamese number formatting, Qt's strings
    in Vietnamese and the icon."""
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication

    from par_desktop.ui.translations import install_qt_translation
    from par_desktop.ui.widgets.icons import app_icon

    if sys.platform == "win32":   # group the taskbar button under our icon, not python.exe's
        try:
            import ctypes

            ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(APP_USER_MODEL_ID)
        except (AttributeError, OSError):
            pass
    app = QApplication.instance()
    if app is None:
        # Fusion named on Qt's command line: QApplication.setStyle would hand Python the style object,
        # and PySide6 would build QStyle's Python type and its enums for it (about 10 ms at each start)
        app = QApplication([*sys.argv[:1], "-style", "fusion"])
    else:
        app.setStyle("Fusion")
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    use_light_scheme(app)
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    install_qt_translation(app)
    app.setWindowIcon(app_icon())
    from par_desktop.ui import keyboard

    keyboard.install(app)   # Tab leaves date fields
    _route_qt_messages()
    from par_desktop.ui import garbage

    global _collector
    start_up_pause = not gc.isenabled()   # run_gui's _pause_gc: the new collector waits for _resume_gc too
    _collector = garbage.install(app)   # Qt objects freed by Python's cyclic collector are freed on this thread
    if start_up_pause:
        _collector.pause()
    return app


def light_palette():
    """Fusion's light palette, built from its colours rather than asked of the style: on Qt 6.5+ the
    style answers with its dark palette when Windows is in dark mode."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QPalette

    window, text, base = QColor(239, 239, 239), QColor(Qt.GlobalColor.black), QColor(Qt.GlobalColor.white)
    light, mid, dark = window.lighter(150), window.darker(130), window.darker(150)
    palette = QPalette(text, window, light, dark, mid, text, base)
    palette.setColor(QPalette.ColorRole.Midlight, mid.lighter(110))
    palette.setColor(QPalette.ColorRole.Button, window)
    palette.setColor(QPalette.ColorRole.Shadow, dark.darker(135))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(Qt.GlobalColor.white))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor(247, 247, 247))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor(255, 255, 220))
    palette.setColor(QPalette.ColorRole.ToolTipText, text)
    palette.setColor(QPalette.ColorRole.Link, QColor(0, 0, 255))
    palette.setColor(QPalette.ColorRole.LinkVisited, QColor(255, 0, 255))
    placeholder = QColor(text)
    placeholder.setAlpha(128)
    palette.setColor(QPalette.ColorRole.PlaceholderText, placeholder)
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(disabled, role, QColor(190, 190, 190))
    palette.setColor(disabled, QPalette.ColorRole.Base, window)
    palette.setColor(disabled, QPalette.ColorRole.Dark, QColor(209, 209, 209).darker(110))
    palette.setColor(disabled, QPalette.ColorRole.Shadow, dark.darker(135).lighter(150))
    roles = [QPalette.ColorRole.Highlight] + ([QPalette.ColorRole.Accent] if hasattr(QPalette.ColorRole, "Accent") else [])
    for role in roles:
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, role, QColor(48, 140, 198))
        palette.setColor(disabled, role, QColor(145, 145, 145))
    return palette


def use_light_scheme(app) -> None:
    """The screens are drawn light: the top bar, navigation, tables and status colours are fixed light
    colours. In Windows' dark mode Fusion would switch to white text, white on those white surfaces;
    the application keeps the light scheme whatever the system's."""
    from PySide6.QtCore import Qt

    hints = app.styleHints()
    if hasattr(hints, "setColorScheme"):    # Qt 6.8+: also light title bars and native parts
        hints.setColorScheme(Qt.ColorScheme.Light)
    app.setPalette(light_palette())


def _route_qt_messages() -> None:
    """Qt's own warnings go to the log file, not to the console of a screenshot run."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def handler(kind, context, message):
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


# ---- crash handler ---------------------------------------------------------------------------------

_relay = None


def crash_handler(exc_type, exc, tb) -> None:
    """``sys.excepthook``: log every uncaught exception and tell the clerk (on the GUI thread)."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    if _relay is not None and threading.current_thread() is not threading.main_thread():
        _relay.crashed.emit(exc)   # queued to the GUI thread
        return
    _show_uncaught(exc)


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        crash_handler(args.exc_type, args.exc_value, args.exc_traceback)


def _show_uncaught(exc: BaseException) -> None:
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        from par_desktop.logs import log_exception

        log_exception(exc)
        return
    from par_desktop.ui.errors import show_error

    show_error(None, exc)   # a UserError gets its message; a bug is logged and reported as one


def install_crash_handler() -> None:
    """Route uncaught exceptions of the GUI thread, Qt slots and worker threads to the crash dialog."""
    global _relay
    from PySide6.QtCore import QObject, Signal

    class _CrashRelay(QObject):
        crashed = Signal(object)

    if _relay is None:
        _relay = _CrashRelay()
        _relay.crashed.connect(_show_uncaught)
    sys.excepthook = crash_handler
    threading.excepthook = _thread_hook


def _install_headless_hook(errors: list[BaseException]) -> None:
    """Screenshot runs: an exception in a Qt slot is logged and fails the run, never printed as a traceback."""
    from par_desktop.logs import log_exception

    def hook(exc_type, exc, tb):
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        log_exception(exc)
        errors.append(exc)

    sys.excepthook = hook


# ---- start-up ----------------------------------------------------------------------------------------

GC_PAUSE_LIMIT_MS = 10_000


def _pause_gc() -> None:
    """Start-up makes a few hundred thousand objects that live as long as the app (modules, classes, Qt
    wrappers); the cyclic collector would walk them again and again while they are made (about 60
    collections, 15–30 ms). It is paused until the first page's data is drawn (at the latest
    ``GC_PAUSE_LIMIT_MS`` after the window is shown), and before any dialog a clerk may keep open."""
    gc.disable()
    if _collector is not None:
        _collector.pause()


def _resume_gc(*_args) -> None:
    """Collections again — from the GUI thread's collector once the application exists (Python's own
    would run on worker threads too: ``ui.garbage``)."""
    if _collector is not None:
        _collector.resume()
    else:
        gc.enable()


def _fail(message: str, screenshot: str | None) -> int:
    if screenshot is not None:
        print(f"error: {message}", file=sys.stderr)
    else:
        from par_desktop.ui.errors import show_message

        show_message(None, f"{APP_NAME} — không mở được", message, warning=True)
    return 1


def _offer_new_database(location: str) -> bool:
    """On a first start with no database file: ask whether to create one there."""
    from par_desktop.db.connection import is_postgres
    from par_desktop.ui.errors import ask_yes_no

    _resume_gc()
    path = Path(location)
    if is_postgres(location) or path.exists() or not path.parent.is_dir():
        return False
    return ask_yes_no(None, APP_NAME, f"Chưa có cơ sở dữ liệu tại:\n{path}\n\nTạo cơ sở dữ liệu mới ở đây?",
                      yes="Tạo mới", no="Thoát")


def _sign_in(location: str, user: str | None, screenshot: str | None, demo: bool):
    """The acting account (None = the clerk closed the sign-in dialog): ``cli.accounts.gui_actor`` when
    it can tell without asking — a named demo account on a demo database, a screenshot run with its
    password — else the sign-in dialog."""
    from par_desktop.cli.accounts import gui_actor

    actor = gui_actor(user, screenshot=screenshot is not None, demo_requested=demo)
    if actor is not None:
        return actor
    from par_desktop.ui.login_dialog import sign_in

    _resume_gc()
    return sign_in(None, location)


def _start_presence(actor) -> bool:
    """Announce this session (who else is working); False when that failed. Its heartbeat is kept by
    the connection watch, off the GUI thread (``AppContext.start_polling``)."""
    from par_desktop.services import presence

    try:
        presence.register(actor)
    except Exception as exc:  # noqa: BLE001 — presence is informative; working matters more
        log.warning("presence not registered: %s", exc)
        return False
    return True


def _stop_presence(registered: bool) -> None:
    if not registered:
        return
    try:
        from par_desktop.services import presence

        presence.unregister()
    except Exception as exc:  # noqa: BLE001 — the row goes stale by itself
        log.warning("presence not unregistered: %s", exc)


def _save_screenshot(window, path: str) -> int:
    """Save a picture of ``window`` once it shows the data its pages loaded at start-up (``ui.frames``:
    waits for those events, not for a time)."""
    from par_desktop.ui.frames import wait_until_drawn

    window.show()
    if not wait_until_drawn(window.startup):
        print("error: cửa sổ chưa vẽ xong dữ liệu sau 2 phút; không chụp ảnh.", file=sys.stderr)
        return 1
    target = Path(path)
    if not target.parent.is_dir():
        print(f"error: không có thư mục {target.parent} để lưu ảnh.", file=sys.stderr)
        return 1
    if not window.grab().save(str(target)):
        print(f"error: không ghi được ảnh {target} (kiểm tra đuôi .png và quyền ghi).", file=sys.stderr)
        return 1
    return 0


def run_gui(location: str, screenshot: str | None = None, user: str | None = None, *,
            demo: bool = False, page: str | None = None, screen: tuple[int, int] = (1366, 768)) -> int:
    """Open the main window on ``location``; with ``screenshot`` save a picture of it and exit.

    ``user`` acts without a password only on a database created by ``init --demo`` (``demo``: the
    newcomer's ``demo-gui``, or a screenshot run); a screenshot of another database needs its password."""
    from par_desktop.logs import setup_logging

    _pause_gc()
    setup_logging()
    # The database before Qt: opening needs no window, and PySide6 reads the source of every module
    # imported after it (its __feature__ check) — the database layer's sixty modules, 10 ms.
    not_opened = _open(location)
    app = make_application()
    from par_desktop.ui.context import AppContext

    from par_desktop.services.presence import install_write_guard

    errors: list[BaseException] = []
    if screenshot is not None:
        _install_headless_hook(errors)
        try:
            actor = _open_and_sign_in(location, user, screenshot, demo, not_opened)
        except UserError as exc:
            return _fail(exc.message, screenshot)
        if actor is None:
            return 0
        install_write_guard(actor)
        _end_screenshot_run(_screenshot_run(AppContext(location, actor), screenshot, page, errors, screen))

    install_crash_handler()
    while True:   # Tệp → Mở cơ sở dữ liệu… closes the window and comes back here with the chosen one
        opened = _open_or_choose(location, user, demo, not_opened)
        if opened is None:
            return 0
        location, actor = opened
        install_write_guard(actor)
        code, switch = _interactive_run(app, AppContext(location, actor))
        if switch is None:
            return code
        (location, create), user, demo = switch, None, False
        not_opened = _open(location, create=create)


def _open(location: str, *, create: bool = False) -> UserError | None:
    """Open (``create``: create) the database; the reason it could not be opened, to explain (or offer
    to create it) once the application can show a dialog."""
    from par_desktop.db.connection import translated_errors
    from par_desktop.db.schema import open_database
    from par_desktop.services.presence import ensure_upgrade_allowed

    try:
        with translated_errors():
            ensure_upgrade_allowed(location)
            open_database(location, create=create)
    except UserError as exc:
        return exc
    return None


def _open_or_choose(location: str, user: str | None, demo: bool, not_opened: UserError | None):
    """Sign in on the database ``_open`` opened at ``location``: (location, actor), or None when the
    clerk gave up. A database that could not be opened leads to the choice of another one — the recent
    ones, another file, a new one — with the reason shown above it."""
    from par_desktop.services import database
    from par_desktop.ui import database_choice

    while True:
        try:
            actor = _open_and_sign_in(location, user, None, demo, not_opened)
        except UserError as exc:
            choice = database_choice.choose_database(
                None, message=f"Không mở được {database.describe(location)}.\n{exc.message}")
            if choice is None:
                return None
            location, create = choice
            not_opened = _open(location, create=create)
            continue
        if actor is None:
            return None
        database_choice.remember(location)
        return location, actor


def _open_and_sign_in(location: str, user: str | None, screenshot: str | None, demo: bool,
                      not_opened: UserError | None):
    """Sign in on the database ``_open`` opened — or, asked first, create it; UserError when it
    cannot be opened."""
    from par_desktop.db.connection import translated_errors
    from par_desktop.db.schema import open_database

    with translated_errors():   # a file locked or unreadable while signing in is explained too
        if not_opened is not None:
            if screenshot is None and _offer_new_database(location):
                open_database(location, create=True)
            else:
                raise not_opened
        return _sign_in(location, user, screenshot, demo)


def _screenshot_run(ctx, screenshot: str, page: str | None, errors: list[BaseException],
                    screen: tuple[int, int] = (1366, 768)) -> int:
    """``gui --screenshot``: draw the main window (on ``page``) as on a ``screen`` (physical pixels; scaled
    by ``QT_SCALE_FACTOR``), save it, exit; an error while drawing fails."""
    from PySide6.QtCore import QSize

    from par_desktop.ui.main_window import MainWindow

    window = MainWindow(ctx, screenshot_mode=True, first_page=page, screen_pixels=QSize(*screen))
    code = _save_screenshot(window, screenshot)
    _resume_gc()
    window.close()
    if errors and code == 0:
        from par_desktop.logs import log_file

        print(f"error: lỗi nội bộ khi vẽ cửa sổ ({type(errors[0]).__name__}: {errors[0]}); "
              f"chi tiết trong {log_file()}", file=sys.stderr)
        return 1
    return code


def _end_screenshot_run(code: int) -> NoReturn:
    """End the process of a screenshot run once its picture is saved, without Python's and Qt's teardown.

    Nothing is left to write: a screenshot run has no presence, no polling and no edits, and its
    start-up loads have all delivered. The teardown would run a full collection over the ~70,000 objects
    the window made and delete every widget one by one: 40–100 ms, as long as an empty window takes to
    draw. The log is flushed and the database closed first; ``bench/empty_window.py`` and
    ``bench/screen_skeleton.py`` end the same way, so the start-up figures compare like with like."""
    from PySide6.QtCore import QThreadPool

    from par_desktop.db import connection

    QThreadPool.globalInstance().waitForDone()   # a late read (the status bar's presence) ends first
    connection.current().close()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _interactive_run(app, ctx) -> tuple[int, tuple[str, bool] | None]:
    """The clerk's session: the first-start wizard on an empty database, the window, then (once its
    first frame is drawn) presence, polling and the start-up notices. Returns the exit code and the
    database the clerk chose to open next (location, create), if any."""
    from PySide6.QtCore import QTimer

    from par_desktop.ui.first_start import run_first_start_if_needed
    from par_desktop.ui.main_window import MainWindow

    _resume_gc()
    run_first_start_if_needed(ctx, parent=None)   # an empty database: organisation, units, plan — or the demo
    _pause_gc()
    window = MainWindow(ctx)
    window.startup.drawn.connect(_resume_gc)
    QTimer.singleShot(GC_PAUSE_LIMIT_MS, _resume_gc)   # a load that never ends does not keep it paused
    registered = False

    def after_first_frame() -> None:
        nonlocal registered
        from par_desktop.services import presence

        registered = _start_presence(ctx.actor)
        ctx.start_polling(heartbeat=presence.heartbeat if registered else None, heartbeat_s=presence.HEARTBEAT_S)
        QTimer.singleShot(300, window.show_startup_notices)

    window.first_frame_drawn.connect(after_first_frame)
    window.show()
    log.info("started on %s as %s", ctx.describe(), ctx.actor.username)
    try:
        code = app.exec()
    finally:
        ctx.stop_polling()
        _stop_presence(registered)
    return code, window.switch_to


def main(argv: list[str] | None = None) -> int:
    """The Windows GUI entry point (``par-desktop-gui``): ``--db`` like the command line, no console."""
    import argparse

    if sys.stderr is None:   # pythonw / a windowed PyInstaller build has no console
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    parser = argparse.ArgumentParser(prog="par-desktop-gui", description=f"{APP_NAME} — cửa sổ chính")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="tệp SQLite hoặc URL postgresql://")
    parser.add_argument("--user", metavar="USERNAME")
    parser.add_argument("--screenshot", metavar="FILE.png")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    from par_desktop.db.connection import ENV_VAR, resolve_location

    location = resolve_location(args.db)
    if not args.db and not os.environ.get(ENV_VAR):
        Path(location).parent.mkdir(parents=True, exist_ok=True)   # first start: the user's data folder
    return run_gui(location, screenshot=args.screenshot, user=args.user)


if __name__ == "__main__":
    raise SystemExit(main())
