"""The files the app loads at run time — ``resources/`` (fonts, icons, document templates) and ``forms/``
(Qt Designer files) — wherever the app was installed from.

The folders live at the top of the source tree. A wheel carries them inside the package
(``par_desktop/resources``, ``par_desktop/forms``: ``setup.py`` copies them there), a PyInstaller bundle
beside its executables (``sys._MEIPASS``), and an editable install or a checkout reads them in place.
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path
from typing import Literal

AssetFolder = Literal["resources", "forms"]


def asset_dir(folder: AssetFolder) -> Path:
    """The folder ``resources`` or ``forms`` as a real directory (fonts and .ui files are opened by path)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / folder
    packaged = files("par_desktop").joinpath(folder)
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / folder


def resource_path(*parts: str) -> Path:
    """A file or folder under ``resources/``, e.g. ``resource_path("templates", "plan.j2")``."""
    return asset_dir("resources").joinpath(*parts)


def form_path(name: str) -> Path:
    """A Qt Designer file under ``forms/``, e.g. ``form_path("main_window.ui")``."""
    return asset_dir("forms") / name
