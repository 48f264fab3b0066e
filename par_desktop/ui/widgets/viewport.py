"""Viewports made on the Python side.

A viewport Qt makes for a table or a scroll area reaches Python, the first time code asks for it
(``viewport()``), as a bare QWidget pointer; PySide6 then finds its class by building the Python type of
every QWidget subclass it has, each with all its enums: 16 ms, at the start of whichever page is shown
first (docs/startup.md). A viewport made here is already a Python object, so nothing is built.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractScrollArea, QScrollArea, QWidget


def own_viewport(area: QAbstractScrollArea) -> QWidget:
    """Give ``area`` a viewport made on the Python side, set up as Qt sets up its own, and return it:
    an item view's paints the Base colour; a scroll area's shows the widget's own background."""
    viewport = QWidget()
    viewport.setObjectName("qt_scrollarea_viewport")
    viewport.setAutoFillBackground(True)
    viewport.setBackgroundRole(QPalette.ColorRole.NoRole if isinstance(area, QScrollArea) else QPalette.ColorRole.Base)
    area.setViewport(viewport)
    return viewport
