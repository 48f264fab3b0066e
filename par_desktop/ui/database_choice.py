"""Choosing the database: Tệp → Mở cơ sở dữ liệu… (the recent ones, or another file) and Tệp → Tạo cơ sở
dữ liệu mới…, and the same choice when the database cannot be opened at start-up.

The choice is checked here (the folder or share reachable, a file there) so the clerk reads why at
once; the app then closes the window and opens the chosen database with its sign-in (``app.py``).
The recent list is this PC's (not the user's: nobody is signed in before a database is chosen).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QFileDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from par_desktop.errors import UserError
from par_desktop.services import database
from par_desktop.ui.context import prefs
from par_desktop.ui.operations import run_in_background

RECENT_KEY = "databases/recent"
MAX_RECENT = 8
DATABASE_FILES = "Cơ sở dữ liệu PAR Desktop (*.db *.sqlite);;Mọi tệp (*)"


def recent() -> list[str]:
    """The databases opened on this PC, the latest first."""
    value = prefs().value(RECENT_KEY, [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in value or [] if v]


def remember(location: str) -> None:
    """Put ``location`` first in the recent list (after it was opened)."""
    items = [location] + [r for r in recent() if r != location]
    prefs().setValue(RECENT_KEY, items[:MAX_RECENT])


def problem(location: str, *, must_exist: bool = True) -> str | None:
    """Why ``location`` cannot be opened (or created) now, in Vietnamese; None when it can be tried."""
    try:
        database.check_location(location, must_exist=must_exist)
    except UserError as exc:
        return exc.message
    return None


class OpenDatabaseDialog(QDialog):
    """The recent databases (an unreachable one says so), "Chọn tệp khác…", "Tạo mới…"; ``chosen`` and
    ``create`` after it was accepted."""

    def __init__(self, parent: QWidget | None = None, *, current: str | None = None, message: str = ""):
        super().__init__(parent)
        self.setObjectName("openDatabaseDialog")
        self.setWindowTitle("Mở cơ sở dữ liệu")
        self.chosen: str | None = None
        self.create_new = False
        self.message = QLabel(message)
        self.message.setObjectName("openDatabaseMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setVisible(bool(message))
        self.list = QListWidget()
        self.list.setObjectName("recentDatabases")
        locations = [location for location in recent() if location != current]
        for location in locations:
            item = QListWidgetItem(database.describe(location))
            item.setData(Qt.ItemDataRole.UserRole, location)
            self.list.addItem(item)
        # Whether each can be reached is asked off the GUI thread: a share that hangs must not freeze
        # the dialog (choosing one checks it again).
        self.reachability_checked = False
        run_in_background(lambda: [problem(location) for location in locations], self._mark_unreachable, owner=self)
        self.list.itemActivated.connect(lambda _item: self.open_selected())
        if self.list.count():
            self.list.setCurrentRow(0)
        self.open_button = QPushButton("Mở")
        self.open_button.setObjectName("openSelected")
        self.open_button.setDefault(True)
        self.open_button.setEnabled(self.list.count() > 0)
        self.open_button.clicked.connect(self.open_selected)
        browse = QPushButton("Chọn tệp khác…")
        browse.setObjectName("browseDatabase")
        browse.clicked.connect(self.browse)
        new = QPushButton("Tạo mới…")
        new.setObjectName("newDatabase")
        new.clicked.connect(self.new_database)
        cancel = QPushButton("Hủy")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(browse)
        buttons.addWidget(new)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("Cơ sở dữ liệu đã mở gần đây trên máy này:" if self.list.count()
                                else "Chưa mở cơ sở dữ liệu nào khác trên máy này."))
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.resize(640, 360)

    def _mark_unreachable(self, problems: list[str | None]) -> None:
        for row, why in enumerate(problems):
            item = self.list.item(row)
            if why and item is not None:
                item.setText(f"{item.text()}  — không truy cập được")
                item.setToolTip(why)
                item.setForeground(Qt.GlobalColor.darkGray)
        self.reachability_checked = True

    def open_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.choose(item.data(Qt.ItemDataRole.UserRole))

    def browse(self) -> None:
        start = str(Path(self.chosen or (recent() or [str(Path.home())])[0]).parent)
        path, _ = QFileDialog.getOpenFileName(self, "Mở cơ sở dữ liệu", start, DATABASE_FILES)
        if path:
            self.choose(path)

    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Tạo cơ sở dữ liệu mới", str(Path.home() / "par_desktop.db"),
                                              DATABASE_FILES)
        if path:
            self.choose(path, create=True)

    def choose(self, location: str, *, create: bool = False) -> bool:
        """Accept ``location`` when it can be reached (a new one: its folder, and no file there yet);
        otherwise say why and stay open."""
        why = problem(location, must_exist=not create)
        if why is None and create and Path(location).exists():
            why = f"Đã có tệp {location}: hãy mở tệp đó, hoặc chọn tên khác để tạo mới."
        if why:
            self.message.setText(why)
            self.message.setVisible(True)
            return False
        self.chosen, self.create_new = location, create
        self.accept()
        return True


def choose_database(parent: QWidget | None, *, current: str | None = None,
                    message: str = "", create: bool = False) -> tuple[str, bool] | None:
    """Ask for a database; (location, create) or None. ``create``: go straight to "Tạo mới…"."""
    dialog = OpenDatabaseDialog(parent, current=current, message=message)
    if create:
        dialog.new_database()
    elif not dialog.exec():
        return None
    return (dialog.chosen, dialog.create_new) if dialog.chosen else None
