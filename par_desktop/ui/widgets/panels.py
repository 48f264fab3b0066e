"""Small panels shared by the shell and the pages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


def note_label(text: str = "", parent: QWidget | None = None, *, wrap: bool = True) -> QLabel:
    """Secondary text (hints, notes, explanations) in the one grey of the colour language."""
    from par_desktop.ui.status_style import GREY

    label = QLabel(text, parent)
    label.setWordWrap(wrap)
    label.setStyleSheet(f"color: {GREY.name()};")
    return label


class ErrorPanel(QWidget):
    """Shown in place of a page or tab that cannot be created; the rest of the window keeps working."""

    def __init__(self, title: str, message: str, detail: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("notReadyPanel")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        heading = QLabel(title)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(message)
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setStyleSheet("color: #5f6670;")
        layout.addWidget(heading)
        layout.addWidget(text)
        if detail:
            small = QLabel(detail)
            small.setWordWrap(True)
            small.setAlignment(Qt.AlignmentFlag.AlignCenter)
            small.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            small.setStyleSheet("color: #8a9099; font-size: 11px;")
            layout.addWidget(small)
        layout.addStretch(2)

    def refresh(self) -> None:
        """Nothing to reload."""
