"""The SVG icons under ``resources/icons``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

from par_desktop.assets import resource_path


def icon_path(name: str) -> Path:
    return resource_path("icons", f"{name}.svg")


@cache
def icon(name: str) -> QIcon:
    """The SVG icon ``resources/icons/<name>.svg`` (an empty icon when missing, never an error)."""
    path = icon_path(name)
    return QIcon(str(path)) if path.is_file() else QIcon()


def app_icon() -> QIcon:
    return icon("app")
