"""Rebuild app.ico (Windows: executable, taskbar, shortcuts) from app.svg.

Qt renders the SVG at each size (so small sizes are drawn for their size, not shrunk from one
bitmap), Pillow writes the multi-size .ico. Run: ``.venv/bin/python resources/icons/make_ico.py``.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # noqa: F841 — rendering needs one
    here = Path(__file__).resolve().parent
    renderer = QSvgRenderer(str(here / "app.svg"))
    images = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        images.append(Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA"))
    largest = images[-1]
    largest.save(here / "app.ico", format="ICO", sizes=[(s, s) for s in SIZES], append_images=images[:-1])
    largest.save(here / "app.png")
    print(here / "app.ico")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
