"""Icons and other files under ``resources/``, from the source tree or a PyInstaller bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon


def resource_dir() -> Path:
    """``resources/`` in the source tree, or inside a PyInstaller bundle (``sys._MEIPASS``)."""
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) / "resources" if base else Path(__file__).resolve().parents[3] / "resources"


def icon_path(name: str) -> Path:
    return resource_dir() / "icons" / f"{name}.svg"


@cache
def icon(name: str) -> QIcon:
    """The SVG icon ``resources/icons/<name>.svg`` (an empty icon when missing, never an error)."""
    path = icon_path(name)
    return QIcon(str(path)) if path.is_file() else QIcon()


def app_icon() -> QIcon:
    return icon("app")
