"""The main window's own small dialogs, loaded when first shown (``MainWindow.feature``): the start-up
notices and Trợ giúp → Phím tắt. The first frame needs neither, and their Qt classes (a text browser,
an item table) cost milliseconds to load (docs/startup.md)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QPushButton, QTableWidget, QTableWidgetItem, QTextBrowser, QVBoxLayout, QWidget,
)


class NoticeDialog(QDialog):
    """The start-up notices of every page (overdue tasks, dossiers near due …), in one non-modal window."""

    def __init__(self, notices: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("noticeDialog")
        self.setWindowTitle("Việc cần chú ý hôm nay")
        self.setModal(False)
        self.notices = notices
        layout = QVBoxLayout(self)
        browser = QTextBrowser(self)
        browser.setOpenExternalLinks(False)
        items = "".join(f"<li style='margin-bottom:6px'>{_html_escape(n)}</li>" for n in notices)
        browser.setHtml(f"<ul style='margin-left:-18px'>{items}</ul>")
        layout.addWidget(browser)
        row = QHBoxLayout()
        row.addStretch(1)
        close = QPushButton("Đóng")
        close.clicked.connect(self.close)
        close.setDefault(True)
        row.addWidget(close)
        layout.addLayout(row)
        self.resize(560, 320)


class ShortcutsDialog(QDialog):
    """Trợ giúp → Phím tắt: every shortcut, where it works and what it does."""

    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Phím tắt")
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Ở đâu", "Phím", "Việc"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        close = QPushButton("Đóng")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(760, 560)

    def rows(self) -> list[tuple[str, str, str]]:
        return [tuple(self.table.item(r, c).text() for c in range(3)) for r in range(self.table.rowCount())]


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
