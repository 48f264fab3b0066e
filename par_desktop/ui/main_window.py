"""The main window: navigation, global search, the page stack, menus, shortcuts and the status bar.

Pages come from the registry (``ui/pages/__init__.py``) and are created the first time they are shown.
A page that fails to import or to build shows a small panel instead of taking the
whole window down. The layout of the central area is ``forms/main_window.ui``.

Start-up (docs/startup.md): the first frame holds the window shell and the first page only. Features
of the window that it does not show are whole modules imported when first used (``feature``):
the search-everywhere dialog when the clerk first asks for it, the status bar's "who else is working"
once the first frame is drawn (``after_first_frame``).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMainWindow, QSplitter, QStackedWidget, QWidget,
)

from par_desktop import APP_NAME, __version__
from par_desktop.errors import PermissionDenied, UserError
from par_desktop.ui import pages as registry
from par_desktop.ui.context import AppContext
from par_desktop.ui.errors import show_crash, show_error, show_message
from par_desktop.ui import shortcuts
from par_desktop.ui.frames import FrameWatch, StartupDrawn
from par_desktop.ui.permissions import gate, refusal
from par_desktop.ui.shell_ui import Ui_ShellWidget
from par_desktop.ui.widgets.icons import app_icon, icon
from par_desktop.ui.widgets.panels import ErrorPanel

if TYPE_CHECKING:
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    from par_desktop.ui.window_dialogs import NoticeDialog

log = logging.getLogger(__name__)

DEFAULT_SIZE = QSize(1366, 800)
NAV_MIN_WIDTH = 180
TITLE_BAR = 32      # logical pixels the window frame's title bar takes above the client area
TASKBAR = 40        # the Windows taskbar's height (a screen's free area for screenshots)
LAPTOP_SCREEN = QSize(1366, 768)   # the common office laptop: what ``gui --screenshot`` lays out for


def fitted_size(available: QSize) -> QSize:
    """The first window's size on a screen whose free area (taskbar excluded) is ``available``: the
    default, but never wider than the screen nor taller than it with the title bar — on a 768-pixel
    laptop the status bar and the buttons under the tables stay on the screen."""
    return QSize(min(DEFAULT_SIZE.width(), available.width()),
                 min(DEFAULT_SIZE.height(), available.height() - TITLE_BAR))


def screen_free_area(screen_pixels: QSize, device_pixel_ratio: float) -> QSize:
    """The free area, in logical pixels, of a screen of ``screen_pixels`` shown at ``device_pixel_ratio``
    (1.5 at 150 % scaling) once the taskbar is taken off."""
    return QSize(round(screen_pixels.width() / device_pixel_ratio),
                 round(screen_pixels.height() / device_pixel_ratio) - TASKBAR)

# Modules of the window's features that its first frame does not need (tests/test_startup.py checks
# that none of them is loaded when the first frame is drawn).
LAZY_FEATURES = ("global_search", "presence_widget", "window_dialogs")


def feature(name: str):
    """The module ``par_desktop.ui.<name>`` of a feature in ``LAZY_FEATURES``, imported at first use."""
    if name not in LAZY_FEATURES:
        raise KeyError(name)
    return importlib.import_module(f"par_desktop.ui.{name}")

_NAV_STYLE = """
QListWidget#navList { background: #f3f5f8; border-right: 1px solid #d9dee5; outline: 0; padding-top: 6px; }
QListWidget#navList::item { padding: 9px 10px; margin: 1px 6px; border-radius: 6px; color: #1d2b3a; }
QListWidget#navList::item:hover { background: #e6ecf4; }
QListWidget#navList::item:selected { background: #d6e4f7; color: #0f2d52; font-weight: 600; }
QFrame#topBar { background: #ffffff; border-bottom: 1px solid #d9dee5; }
"""
_OFFLINE_STYLE = "QLabel { color: white; background: #b3261e; padding: 1px 10px; border-radius: 3px; font-weight: 600; }"


def load_shell(parent: QWidget) -> QWidget:
    """The central area drawn in ``forms/main_window.ui``, compiled ahead of time into ``ui/shell_ui.py``
    (``make forms``; a test keeps the two in step): loading the form with ``QUiLoader`` costs about
    40 ms at start-up, most of it the loader's own set-up."""
    shell = QWidget(parent)
    Ui_ShellWidget().setupUi(shell)
    return shell


class MainWindow(QMainWindow):
    # after the first frame was drawn and what could wait for it was started (``after_first_frame``)
    first_frame_drawn = Signal()

    def __init__(self, ctx: AppContext, *, screenshot_mode: bool = False, first_page: str | None = None,
                 parent: QWidget | None = None, screen_pixels: QSize = LAPTOP_SCREEN):
        """``first_page``: the page to open on (default: the first, or the last one the clerk had open).
        ``screenshot_mode``: laid out as on a screen of ``screen_pixels`` (physical pixels), nothing of
        the user's remembered layout read or written."""
        super().__init__(parent)
        self.ctx = ctx
        self.screenshot_mode = screenshot_mode
        self.screen_pixels = screen_pixels
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.setWindowTitle(self._title())
        self.setAcceptDrops(True)

        self.frames = FrameWatch(self)
        self.frames.drawn.connect(self._frame_drawn)
        self.startup = StartupDrawn(self, self.frames)   # .drawn: the first page's data is on screen
        shell = load_shell(self)
        self.setCentralWidget(shell)
        shell.setStyleSheet(_NAV_STYLE)
        self.nav: QListWidget = shell.findChild(QListWidget, "navList")
        self.stack: QStackedWidget = shell.findChild(QStackedWidget, "pageStack")
        self.search: QLineEdit = shell.findChild(QLineEdit, "globalSearch")
        self.page_title: QLabel = shell.findChild(QLabel, "pageTitle")
        self.shell_splitter: QSplitter = shell.findChild(QSplitter, "shellSplitter")
        shell.findChild(QLabel, "appIconLabel").setPixmap(app_icon().pixmap(26, 26))
        title_font = QFont(self.page_title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.page_title.setFont(title_font)
        self.shell_splitter.setStretchFactor(0, 0)
        self.shell_splitter.setStretchFactor(1, 1)
        # a wide page (Cài đặt) takes its room from the page area, never from the navigation
        self.shell_splitter.setCollapsible(0, False)
        self.nav.setMinimumWidth(NAV_MIN_WIDTH)
        self.shell_splitter.setSizes([190, DEFAULT_SIZE.width() - 190])

        self.pages: dict[str, QWidget] = {}
        self._stale: set[str] = set()
        self._broken: set[str] = set()
        self._searched: dict[str, str] = {}
        self._notice_dialog: NoticeDialog | None = None
        self._shortcuts_dialog: QDialog | None = None
        self.switch_to: tuple[str, bool] | None = None   # (location, create): opened after this window closes
        for spec in registry.PAGES:
            item = QListWidgetItem(icon(spec.icon), spec.label)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setSizeHint(QSize(0, 40))
            self.nav.addItem(item)

        self._build_actions()
        self._build_status_bar()

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._apply_search)
        self.search.returnPressed.connect(self.search_everywhere)
        self.search.setToolTip("Gõ để lọc trang đang mở (Ctrl+F). Enter hoặc Ctrl+Shift+F: tìm trong mọi "
                               "nhiệm vụ, hồ sơ TTHC, văn bản, đơn vị và thủ tục.")
        self.global_search = None      # the search-everywhere dialog, made at its first use

        ctx.data_changed.connect(self._on_data_changed)
        ctx.status_message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        ctx.navigate_requested.connect(self._navigate)
        self.nav.currentRowChanged.connect(self._nav_changed)

        if screenshot_mode:
            self.resize(fitted_size(screen_free_area(screen_pixels, self.devicePixelRatioF())))
            first = first_page or registry.PAGES[0].key
        else:
            self._restore_window()
            first = first_page or str(ctx.pref("window/last_page", registry.PAGES[0].key))
        keys = [s.key for s in registry.PAGES]
        self.nav.setCurrentRow(keys.index(first) if first in keys else 0)
        self.nav.setFocus()

    # ---- start-up ---------------------------------------------------------------------------------

    def _frame_drawn(self, count: int) -> None:
        if count == 1:
            self.frames.drawn.disconnect(self._frame_drawn)
            self.after_first_frame()

    def after_first_frame(self) -> None:
        """What the first frame did not need: the status bar's presence, then ``first_frame_drawn``."""
        self.presence_widget = self._presence_widget()
        if self.presence_widget is not None:
            self.presence_widget.setStyleSheet(
                "QLabel#presenceText { padding: 0 8px; border-left: 1px solid #d0d5dc; }")
            bar = self.statusBar()     # between the user and the refresh time
            bar.removeWidget(self.refresh_label)
            bar.addPermanentWidget(self.presence_widget)
            bar.addPermanentWidget(self.refresh_label)
            self.refresh_label.show()
        self.first_frame_drawn.emit()

    # ---- pages ----------------------------------------------------------------------------------

    def current_key(self) -> str:
        item = self.nav.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else registry.PAGES[0].key

    def current_page(self) -> QWidget | None:
        return self.pages.get(self.current_key())

    def page(self, key: str) -> QWidget:
        """The page widget of ``key``, created (and loaded) on first use."""
        if key not in self.pages:
            widget = self._create_page(registry.spec(key))
            self.pages[key] = widget
            self.stack.addWidget(widget)
        return self.pages[key]

    def show_page(self, key: str) -> QWidget:
        keys = [s.key for s in registry.PAGES]
        if self.nav.currentRow() != keys.index(key):
            self.nav.setCurrentRow(keys.index(key))   # -> _nav_changed
        return self.pages[key]

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        spec = registry.PAGES[row]
        page = self.page(spec.key)
        self.stack.setCurrentWidget(page)
        self.page_title.setText(spec.label)
        if spec.key in self._stale:
            self._stale.discard(spec.key)
            self._refresh(spec.key, interactive=False)
        if self._searched.get(spec.key, "") != self.search.text() and hasattr(page, "apply_search"):
            self._apply_search()
        self._update_actions()

    def _create_page(self, spec: registry.PageSpec) -> QWidget:
        try:
            cls = registry.page_class(spec)
        except Exception as exc:  # noqa: BLE001 — one broken page must not take the window down
            return self._broken_panel(spec, exc)
        try:
            page = cls(self.ctx, self.stack)
        except Exception as exc:  # noqa: BLE001
            return self._broken_panel(spec, exc)
        page.setObjectName(page.objectName() or f"page_{spec.key}")
        self._follow_page_search(spec.key, page)
        self._restore_splitters(spec.key, page)
        self._refresh_widget(spec.key, page, interactive=False)
        return page

    def _follow_page_search(self, key: str, page: QWidget) -> None:
        """One search text per page: what is typed in the page's own search box shows in the window's
        box too (the window's box already fills the page's), so the two never tell different stories."""
        from par_desktop.ui.widgets.filter_bar import FilterBar

        for bar in page.findChildren(FilterBar):
            bar.search_edit.textChanged.connect(lambda text, k=key: self._page_search_changed(k, text))

    def _page_search_changed(self, key: str, text: str) -> None:
        if key != self.current_key() or self.search.text() == text:
            return
        self._searched[key] = text
        self.search.blockSignals(True)
        self.search.setText(text)
        self.search.blockSignals(False)

    def _broken_panel(self, spec: registry.PageSpec, exc: BaseException) -> QWidget:
        from par_desktop.logs import log_exception

        path = log_exception(exc)
        log.error("page %s cannot be created: %s", spec.key, exc)
        self._broken.add(spec.key)
        return ErrorPanel("Trang này đang gặp lỗi",
                             f"Không mở được trang «{spec.label}». Các trang khác vẫn dùng bình thường.",
                             f"{type(exc).__name__}: {exc} — nhật ký: {path}")

    # ---- refresh ------------------------------------------------------------------------------

    def refresh_current(self) -> None:
        self._refresh(self.current_key(), interactive=True)

    def _refresh(self, key: str, *, interactive: bool) -> None:
        page = self.pages.get(key)
        if page is not None:
            self._refresh_widget(key, page, interactive=interactive)

    def _refresh_widget(self, key: str, page: QWidget, *, interactive: bool) -> None:
        refresh = getattr(page, "refresh", None)
        if refresh is None:
            return
        if key in self._broken and not interactive:
            return
        try:
            refresh()
        except UserError as exc:
            if interactive:
                show_error(self, exc)
            else:
                self.statusBar().showMessage(exc.message, 10_000)
            return
        except Exception as exc:  # noqa: BLE001 — a bug: logged, shown once, not every 2 seconds
            self._broken.add(key)
            show_crash(self, exc)
            return
        self._broken.discard(key)
        self.refresh_label.setText(f"Cập nhật lúc {datetime.now():%H:%M:%S}")

    def _on_data_changed(self) -> None:
        current = self.current_key()
        for key in self.pages:
            if key != current:
                self._stale.add(key)
        self._refresh(current, interactive=False)

    def _navigate(self, key: str, payload: Any) -> None:
        page = self.show_page(key)
        if payload is not None and hasattr(page, "navigate_to"):
            self._call(page.navigate_to, payload)

    # ---- search ---------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        key, page = self.current_key(), self.current_page()
        text = self.search.text()
        if page is None or not hasattr(page, "apply_search"):
            if text:
                self.statusBar().showMessage("Trang này không có tìm kiếm; hãy chuyển sang Nhiệm vụ, Hồ sơ TTHC "
                                             "hoặc Văn bản.", 6000)
            return
        self._searched[key] = text
        self._call(page.apply_search, text)

    def search_everywhere(self):
        """Enter / Ctrl+Shift+F: the box's text across every kind of record, in a results window
        (``ui.global_search.GlobalSearchDialog``); None without text."""
        text = self.search.text().strip()
        if not text:
            self.focus_search()
            return None
        if self.global_search is None:
            self.global_search = feature("global_search").GlobalSearchDialog(self)
            self.global_search.hit_activated.connect(self._open_hit)
        self.global_search.search(text)
        self.global_search.show()
        self.global_search.raise_()
        self.global_search.activateWindow()
        return self.global_search

    def _open_hit(self, hit) -> None:
        self.ctx.open_page(*feature("global_search").target(hit))

    # ---- actions ----------------------------------------------------------------------------------

    def _action(self, menu, text: str, slot: Callable, shortcut: QKeySequence | str | None = None,
                icon_name: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if icon_name:
            action.setIcon(icon(icon_name))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&Tệp")
        self.import_action = self._action(file_menu, "Nhập dữ liệu…", self.start_import, "Ctrl+I")
        self.new_action = self._action(file_menu, "Thêm mới", lambda: self._page_hook("new_record"), "Ctrl+N")
        self.export_action = self._action(file_menu, "Xuất Excel…", self.export_current, "Ctrl+E")
        self.print_action = self._action(file_menu, "In…", lambda: self._page_hook("print_current"), "Ctrl+P")
        file_menu.addSeparator()
        self.backup_action = self._action(file_menu, "Sao lưu…", self.backup)
        file_menu.addSeparator()
        self.open_database_action = self._action(file_menu, "Mở cơ sở dữ liệu…", self.open_database, "Ctrl+O")
        self.new_database_action = self._action(file_menu, "Tạo cơ sở dữ liệu mới…",
                                                lambda: self.open_database(create=True))
        file_menu.addSeparator()
        self._action(file_menu, "Thoát", self.close, "Ctrl+Q")

        view_menu = bar.addMenu("&Xem")
        self._action(view_menu, "Làm mới", self.refresh_current, "F5")
        self._action(view_menu, "Tìm kiếm", self.focus_search, "Ctrl+F")
        self._action(view_menu, "Tìm mọi nơi", self.search_everywhere, "Ctrl+Shift+F")
        view_menu.addSeparator()
        for number, spec in enumerate(registry.PAGES, start=1):
            self._action(view_menu, spec.label, lambda k=spec.key: self.show_page(k), f"Ctrl+{number}", spec.icon)

        for menu in (file_menu, view_menu):
            menu.setToolTipsVisible(True)   # a greyed item says why
        gate(self.import_action, refusal(self.ctx.actor, "import"))
        gate(self.backup_action, refusal(self.ctx.actor, "backup"))

        help_menu = bar.addMenu("Trợ &giúp")
        self._action(help_menu, "Phím tắt", self.show_shortcuts, shortcuts.SHORTCUTS_HELP)
        self._action(help_menu, "Mở thư mục nhật ký", self.open_log_folder)
        self._action(help_menu, "Giới thiệu", self.about)

    def _update_actions(self) -> None:
        page = self.current_page()
        self.new_action.setEnabled(hasattr(page, "new_record"))
        self.print_action.setEnabled(hasattr(page, "print_current"))
        self.export_action.setEnabled(hasattr(page, "export") or self._first_table(page) is not None)

    def _call(self, fn: Callable, *args) -> Any:
        """Run a page hook; errors are shown, never lost."""
        try:
            return fn(*args)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return None

    def _page_hook(self, name: str, *args) -> bool:
        page = self.current_page()
        hook = getattr(page, name, None)
        if hook is None:
            return False
        self._call(hook, *args)
        return True

    @staticmethod
    def _first_table(page: QWidget | None):
        if page is None:
            return None
        from par_desktop.ui.widgets.table import DataTableView

        tables = [t for t in page.findChildren(DataTableView) if t.isVisible()] or page.findChildren(DataTableView)
        return tables[0] if tables else None

    def export_current(self) -> None:
        if self._page_hook("export"):
            return
        table = self._first_table(self.current_page())
        if table is not None:
            table.export_dialog()

    def start_import(self) -> None:
        """Ctrl+I: the current page's import, else the dossiers page's (the daily one-stop export)."""
        if self._page_hook("start_import"):
            return
        if not self.ctx.can("import"):
            show_error(self, PermissionDenied(f"Tài khoản {self.ctx.actor.username} không có quyền nhập dữ liệu."))
            return
        self._call(self.show_page("dossiers").start_import)

    def import_files(self, paths: list[Path]) -> None:
        """Route files (dropped on the window) to the page that imports them."""
        by_page: dict[str, list[Path]] = {}
        refused = []
        for path in paths:
            target = registry.DROP_TARGETS.get(path.suffix.lower())
            if target is None:
                refused.append(path.name)
            else:
                by_page.setdefault(target, []).append(path)
        if refused:
            show_message(self, "Nhập dữ liệu", "Không nhận các tệp này (chỉ nhận .xlsx, .csv, .docx): "
                         + ", ".join(refused), warning=True)
        for key, files in by_page.items():
            page = self.show_page(key)
            if hasattr(page, "import_files"):
                self._call(page.import_files, files)
            else:
                show_message(self, "Nhập dữ liệu", f"Trang «{registry.spec(key).label}» chưa nhận tệp kéo thả.")

    def open_database(self, create: bool = False) -> bool:
        """Tệp → Mở cơ sở dữ liệu… / Tạo cơ sở dữ liệu mới…: the chosen database is opened (with its
        sign-in) once this window closed (``app.py``); False when nothing was chosen or the window stays."""
        from par_desktop.ui import database_choice

        choice = database_choice.choose_database(self, current=self.ctx.location, create=create)
        if choice is None:
            return False
        self.switch_to = choice
        if not self.close():                   # unsaved edits the clerk keeps: stay here
            self.switch_to = None
            return False
        return True

    def backup(self) -> None:
        """Tệp → Sao lưu…: a manual backup (kept until deleted) into the configured backup folder."""
        from par_desktop.ui.operations import run_operation

        if not self.ctx.can("backup"):
            show_error(self, PermissionDenied(f"Tài khoản {self.ctx.actor.username} không có quyền sao lưu."))
            return
        actor, location = self.ctx.actor, self.ctx.location

        def work(progress):
            from par_desktop.services.backups import backup_now

            progress.report(0, 0, "Đang sao lưu cơ sở dữ liệu…")
            return backup_now(actor, location)

        def done(path) -> None:
            self.ctx.status_message.emit(f"Đã sao lưu: {path}")
            show_message(self, "Sao lưu", f"Đã sao lưu cơ sở dữ liệu vào:\n{path}")

        run_operation(self, "Sao lưu", work, done, cancellable=False)

    def shortcut_rows(self) -> list[tuple[str, str, str]]:
        """(where, keys, what): the menus' shortcuts, then the tables' and dialogs' (``ui.shortcuts``)."""
        rows = []
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            for action in menu.actions() if menu is not None else ():
                if not action.shortcut().isEmpty():
                    rows.append((menu_action.text().replace("&", ""), action.shortcut().toString(),
                                 action.text().replace("&", "").rstrip("…")))
        return rows + shortcuts.SHORTCUT_LIST

    def show_shortcuts(self) -> QDialog:
        """Trợ giúp → Phím tắt (F1)."""
        dialog = feature("window_dialogs").ShortcutsDialog(self.shortcut_rows(), self)
        dialog.show()
        self._shortcuts_dialog = dialog
        return dialog

    def open_log_folder(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from par_desktop.logs import log_dir

        folder = log_dir()
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            show_message(self, "Nhật ký", f"Thư mục nhật ký: {folder}")

    def about(self) -> None:
        from PySide6 import __version__ as qt_version

        show_message(self, "Giới thiệu",
                     f"{APP_NAME} phiên bản {__version__}\n\n"
                     "Theo dõi kế hoạch cải cách hành chính, hồ sơ thủ tục hành chính và văn bản "
                     "của Văn phòng Sở.\n\n"
                     f"Cơ sở dữ liệu: {self.ctx.describe()}\nNgười dùng: {self.ctx.actor.label}\n"
                     f"Qt for Python {qt_version}")

    # ---- status bar -------------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.db_label = QLabel(f"CSDL: {self.ctx.describe()}")
        self.db_label.setObjectName("dbLabel")
        self.db_label.setToolTip(self.ctx.describe())
        self.user_label = QLabel(f"Người dùng: {self.ctx.actor.label}")
        self.user_label.setObjectName("userLabel")
        self.refresh_label = QLabel("")
        self.refresh_label.setObjectName("refreshLabel")
        self.presence_widget = None    # after the first frame: between the user and the refresh time
        for widget in (self.db_label, self.user_label, self.refresh_label):
            widget.setStyleSheet("QLabel { padding: 0 8px; border-left: 1px solid #d0d5dc; }")
            bar.addPermanentWidget(widget)
        # The file cannot be reached: said where the clerk looks while saving, until it comes back.
        self.connection_label = QLabel("Mất kết nối — đang thử lại")
        self.connection_label.setObjectName("connectionState")
        self.connection_label.setStyleSheet(_OFFLINE_STYLE)
        self.connection_label.hide()
        bar.insertPermanentWidget(0, self.connection_label)
        self.ctx.connection_lost.connect(self._connection_lost)
        self.ctx.connection_restored.connect(self.connection_label.hide)

    def _connection_lost(self, reason: str) -> None:
        self.connection_label.setToolTip(f"{reason}\nPAR Desktop thử kết nối lại vài giây một lần. Những gì bạn "
                                         "đang nhập vẫn còn trong cửa sổ; hãy lưu lại khi kết nối trở lại.")
        self.connection_label.show()

    def _presence_widget(self) -> QWidget | None:
        """Who else is working (and maintenance mode)."""
        try:
            return feature("presence_widget").PresenceWidget(self.ctx, self)
        except Exception as exc:  # noqa: BLE001 — the status bar must not stop the window from opening
            log.warning("presence widget not created: %s", exc)
            return None

    # ---- start-up notices ---------------------------------------------------------------------------

    def collect_startup_notices(self) -> list[str]:
        """Every page's ``startup_notices()`` (pages that have one are created for it)."""
        from par_desktop.services import presence

        location = self.ctx.location
        warning = self._call(lambda: presence.clock_notice(location))
        notices: list[str] = [warning] if warning else []
        for spec in registry.PAGES:
            if spec.key in self._broken or not hasattr(registry.page_class(spec), "startup_notices"):
                continue
            page = self.page(spec.key)
            if hasattr(page, "startup_notices"):
                notices.extend(self._call(page.startup_notices) or [])
        return notices

    def show_startup_notices(self) -> NoticeDialog | None:
        notices = self.collect_startup_notices()
        if not notices:
            return None
        self._notice_dialog = feature("window_dialogs").NoticeDialog(notices, self)
        self._notice_dialog.show()
        return self._notice_dialog

    # ---- drag and drop ------------------------------------------------------------------------------

    @staticmethod
    def _dropped_paths(event) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(p.suffix.lower() in registry.DROP_TARGETS for p in self._dropped_paths(event)):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_files(paths))

    # ---- remembered layout ----------------------------------------------------------------------------

    def _restore_window(self) -> None:
        geometry = self.ctx.pref("window/geometry")
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.place_on_screen()
        state = self.ctx.pref("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        shell = self.ctx.pref("window/shell_splitter")
        if isinstance(shell, QByteArray):
            self.shell_splitter.restoreState(shell)

    def place_on_screen(self, free: QRect | None = None) -> None:
        """The first start (nothing remembered): the default size fitted to the screen's free area
        ``free`` (default: the primary screen's, taskbar excluded), centred in it."""
        if free is None:
            screen = self.screen() or QGuiApplication.primaryScreen()
            free = screen.availableGeometry()
        size = fitted_size(free.size())
        self.resize(size)
        self.move(free.x() + max(0, (free.width() - size.width()) // 2),
                  free.y() + max(0, (free.height() - size.height() - TITLE_BAR) // 2))

    def _splitters(self, page: QWidget) -> list[tuple[str, QSplitter]]:
        return [(s.objectName() or str(i), s) for i, s in enumerate(page.findChildren(QSplitter))]

    def _restore_splitters(self, key: str, page: QWidget) -> None:
        if self.screenshot_mode:
            return
        for name, splitter in self._splitters(page):
            state = self.ctx.pref(f"splitters/{key}/{name}")
            if isinstance(state, QByteArray):
                splitter.restoreState(state)

    def save_layout(self) -> None:
        if self.screenshot_mode:
            return
        self.ctx.set_pref("window/geometry", self.saveGeometry())
        self.ctx.set_pref("window/state", self.saveState())
        self.ctx.set_pref("window/shell_splitter", self.shell_splitter.saveState())
        self.ctx.set_pref("window/last_page", self.current_key())
        for key, page in self.pages.items():
            for name, splitter in self._splitters(page):
                self.ctx.set_pref(f"splitters/{key}/{name}", splitter.saveState())

    def closeEvent(self, event) -> None:
        for key, page in self.pages.items():
            confirm = getattr(page, "confirm_close", None)
            if confirm is not None and self._call(confirm) is False:
                self.show_page(key)
                event.ignore()
                return
        self.save_layout()
        self.ctx.stop_polling()
        if self.presence_widget is not None:
            self.presence_widget.timer.stop()
        if self._notice_dialog is not None:
            self._notice_dialog.close()
        if self.global_search is not None:
            self.global_search.close()
        super().closeEvent(event)

    # ---- misc -----------------------------------------------------------------------------------------

    def _title(self) -> str:
        try:
            from par_desktop.services.org import org_names

            return f"{APP_NAME} — {org_names().agency_short}"
        except Exception:  # noqa: BLE001 — an empty database has no organisation yet
            return APP_NAME
