"""One colour language for states, everywhere in the UI (UX.md "Conventions").

Green = early / on time / done, amber = near due / at risk, red = overdue / late, brown = a task
finished late (not urgent any more), grey = paused / not started, blue = in progress / within time. A colour is never shown alone: every state has its
Vietnamese label, so a black-and-white print or a colour-blind clerk reads the same thing.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

GREEN = QColor("#1b7a3a")
AMBER = QColor("#a65f00")
RED = QColor("#c0262d")
GREY = QColor("#5f6670")
BLUE = QColor("#1f5fb8")
BROWN = QColor("#8a4a1c")   # finished late: a fact of the past, not the red of what is overdue now

# Light tints of the same colours, for cell or badge backgrounds behind dark text.
_TINTS = {
    GREEN.name(): QColor("#e3f4e8"),
    AMBER.name(): QColor("#fdf0d9"),
    RED.name(): QColor("#fbe3e4"),
    GREY.name(): QColor("#eceef1"),
    BLUE.name(): QColor("#e2ecfa"),
    BROWN.name(): QColor("#f3e9e1"),
}

STATE_STYLE: dict[str, tuple[str, QColor]] = {
    # dossiers, closed
    "early": ("Trước hạn", GREEN),
    "on_time": ("Đúng hạn", GREEN),
    "late": ("Trễ hạn", RED),
    # dossiers, open
    "within_time": ("Trong hạn", BLUE),
    "near_due": ("Sắp đến hạn", AMBER),
    "overdue": ("Quá hạn", RED),
    "paused": ("Tạm dừng (chờ bổ sung)", GREY),
    # tasks
    "not_started": ("Chưa thực hiện", GREY),
    "in_progress": ("Đang thực hiện", BLUE),
    "at_risk": ("Có nguy cơ chậm", AMBER),
    "done": ("Hoàn thành", GREEN),
    "done_on_time": ("Hoàn thành đúng hạn", GREEN),
    "done_late": ("Hoàn thành trễ hạn", BROWN),
    "ongoing": ("Thường xuyên", BLUE),
    # targets (e.g. 10% of procedures reviewed per year)
    "met": ("Đạt", GREEN),
    "not_met": ("Chưa đạt", AMBER),
}


def state_label(state: str | None) -> str:
    """The Vietnamese label of ``state`` (the raw code when unknown, so nothing is hidden)."""
    if not state:
        return ""
    return STATE_STYLE.get(state, (state, GREY))[0]


def state_color(state: str | None) -> QColor:
    """Text colour of ``state``; grey for unknown states."""
    return QColor(STATE_STYLE.get(state or "", ("", GREY))[1])


def state_background(state: str | None) -> QColor:
    """A light tint of the state's colour, for table cells and badges (dark text stays readable)."""
    return QColor(_TINTS[STATE_STYLE.get(state or "", ("", GREY))[1].name()])


def badge_stylesheet(state: str | None) -> str:
    """Style sheet for a QLabel shown as a small coloured badge carrying the state's label."""
    fg, bg = state_color(state).name(), state_background(state).name()
    return (f"QLabel {{ color: {fg}; background: {bg}; border: 1px solid {fg}; border-radius: 8px;"
            " padding: 1px 8px; font-weight: 600; }")
