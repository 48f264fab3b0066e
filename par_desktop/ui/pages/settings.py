"""Cài đặt: a tab per module of ``par_desktop.ui.settings_tabs``.

A tab is a QWidget subclass whose name ends in ``Tab``, defined in ``settings_tabs/<name>.py`` and
taking ``(ctx, parent)``. Its title is its ``title`` class attribute (else a known name below) and it
may have ``refresh()``. Tabs are found by listing the package, so a new tab needs no edit here; a tab
that fails to load shows its error in place and the other tabs keep working.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil

from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from par_desktop.ui import settings_tabs
from par_desktop.ui.context import AppContext
from par_desktop.ui.widgets.panels import ErrorPanel

log = logging.getLogger(__name__)

# Order and default titles of the tabs known today; others follow in alphabetical order.
KNOWN_TABS = {
    "organisation": "Tổ chức",
    "calendar": "Lịch làm việc",
    "users": "Tài khoản",
    "templates": "Mẫu văn bản",
    "backup": "Sao lưu, khôi phục",
    "backups": "Sao lưu, khôi phục",
    "audit": "Nhật ký thay đổi",
}


def tab_modules() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules(settings_tabs.__path__) if not m.name.startswith("_")]
    order = list(KNOWN_TABS)
    return sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n))


def tab_class(module_name: str) -> type[QWidget]:
    module = importlib.import_module(f"{settings_tabs.__name__}.{module_name}")
    classes = [c for _, c in inspect.getmembers(module, inspect.isclass)
               if c.__module__ == module.__name__ and issubclass(c, QWidget) and c.__name__.endswith("Tab")]
    if not classes:
        raise LookupError(f"{module.__name__} has no QWidget class named …Tab")
    return classes[0]


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settingsTabs")
        self.tabs.setDocumentMode(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.tabs)
        self.tab_widgets: dict[str, QWidget] = {}
        self._holders: dict[str, QScrollArea] = {}
        for name in tab_modules():
            widget, title = self._make_tab(name)
            self.tab_widgets[name] = widget
            # a wide tab scrolls rather than make the window wider than a laptop's screen
            holder = QScrollArea()
            holder.setWidgetResizable(True)
            holder.setFrameShape(QFrame.Shape.NoFrame)
            holder.setWidget(widget)
            self._holders[name] = holder
            self.tabs.addTab(holder, title)

    def tab_index(self, name: str) -> int:
        return self.tabs.indexOf(self._holders[name])

    def _make_tab(self, name: str) -> tuple[QWidget, str]:
        title = KNOWN_TABS.get(name, name.replace("_", " ").capitalize())
        try:
            cls = tab_class(name)
            title = getattr(cls, "title", title)
            return cls(self.ctx, self), title
        except Exception as exc:  # noqa: BLE001 — one broken tab must not hide the others
            from par_desktop.logs import log_exception

            path = log_exception(exc)
            log.error("settings tab %s cannot be created: %s", name, exc)
            return ErrorPanel("Mục cài đặt này đang gặp lỗi", f"Không mở được mục «{title}».",
                                 f"{type(exc).__name__}: {exc} — nhật ký: {path}"), title

    def refresh(self) -> None:
        for widget in self.tab_widgets.values():
            refresh = getattr(widget, "refresh", None)
            if refresh is not None:
                refresh()

    def show_tab(self, name: str) -> QWidget:
        self.tabs.setCurrentWidget(self._holders[name])
        return self.tab_widgets[name]

    def navigate_to(self, payload) -> None:
        """``ctx.open_page("settings", "calendar")`` opens that tab."""
        if isinstance(payload, str) and payload in self.tab_widgets:
            self.show_tab(payload)

    def confirm_close(self) -> bool:
        return all(getattr(w, "confirm_close", lambda: True)() is not False for w in self.tab_widgets.values())
