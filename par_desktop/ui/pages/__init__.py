"""The registry of pages shown in the navigation, in order.

A page is ``par_desktop.ui.pages.<module>.<Class>(ctx, parent=None)``, a QWidget with ``refresh()``
(called right after it is created, on F5 and when the data changed) and these optional hooks the
main window calls when they exist:

- ``apply_search(text)``        the global search box (Ctrl+F);
- ``start_import()``            Tệp → Nhập dữ liệu… (Ctrl+I);
- ``import_files(paths)``       files dropped on the window (.xlsx/.csv → dossiers, .docx → tasks);
- ``export()``                  Ctrl+E (default: "Xuất Excel" of the page's first DataTableView);
- ``print_current()``           Ctrl+P;
- ``new_record()``              Ctrl+N;
- ``navigate_to(payload)``      another page asked to show something here (``ctx.open_page``);
- ``startup_notices() -> list[str]``  shown together in one notice window after start-up;
- ``confirm_close() -> bool``   False keeps the window open (unsaved edits the clerk wants to keep).

Splitters with an objectName keep their sizes per user.
"""

from __future__ import annotations

import importlib
from typing import NamedTuple


class PageSpec(NamedTuple):
    key: str
    label: str
    icon: str        # resources/icons/<icon>.svg
    module: str      # par_desktop.ui.pages.<module>
    cls: str


PAGES: list[PageSpec] = [
    PageSpec("dashboard", "Tổng quan", "dashboard", "dashboard", "DashboardPage"),
    PageSpec("tasks", "Nhiệm vụ", "tasks", "tasks", "TasksPage"),
    PageSpec("par_index", "Chỉ số CCHC", "par_index", "par_index", "ParIndexPage"),
    PageSpec("dossiers", "Hồ sơ TTHC", "dossiers", "dossiers", "DossiersPage"),
    PageSpec("statistics", "Thống kê", "statistics", "statistics", "StatisticsPage"),
    PageSpec("service", "Chất lượng phục vụ", "service", "service", "ServicePage"),
    PageSpec("documents", "Văn bản", "documents", "documents", "DocumentsPage"),
    PageSpec("catalog", "Danh mục", "catalog", "catalog", "CatalogPage"),
    PageSpec("settings", "Cài đặt", "settings", "settings", "SettingsPage"),
]

# Where dropped files go, by extension.
DROP_TARGETS = {".xlsx": "dossiers", ".xls": "dossiers", ".csv": "dossiers", ".docx": "tasks"}


def spec(key: str) -> PageSpec:
    for page in PAGES:
        if page.key == key:
            return page
    raise KeyError(key)


def module_name(page: PageSpec) -> str:
    return f"{__name__}.{page.module}"


def page_class(page: PageSpec) -> type:
    """Import the page's class."""
    module = importlib.import_module(module_name(page))
    return getattr(module, page.cls)
