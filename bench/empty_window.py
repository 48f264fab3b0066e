"""Reference for the GUI start-up figure: an empty PySide6 main window, drawn and saved to a PNG.

``python bench/empty_window.py OUT.png`` does what ``par-desktop gui --screenshot OUT.png`` does, minus
the application: start Qt, show a main window of the same size, wait for its first frame to be drawn
(an event, as the app's screenshot mode waits: no fixed time), grab it, save the picture, exit. The
same script is bundled with the app's PyInstaller spec (``PAR_BUNDLE_ENTRY``) for the bundle's figure.

``--picture IMAGE`` shows that image (the app's own screenshot, as an uncompressed .bmp) as the whole
window instead of a label: Qt then draws, grabs and compresses a picture as detailed as the app's, which
is Qt's own share of the app's start-up figure (the .bmp's reading, a few milliseconds, comes on top).
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    class FirstFrame(QObject):
        """Quits ``loop`` once the window's first frame has been painted (as ``par_desktop.ui.frames``)."""

        def __init__(self, loop: QEventLoop):
            super().__init__()
            self.loop = loop
            self.seen = False

        def eventFilter(self, watched, event) -> bool:   # Qt's name
            if not self.seen and event.type() in (QEvent.Type.Paint, QEvent.Type.UpdateRequest):
                self.seen = True
                QTimer.singleShot(0, self.loop.quit)
            return False

    picture = argv[argv.index("--picture") + 1] if "--picture" in argv else None
    _app = QApplication(argv[:1])   # kept: the application lives until the picture is taken
    window = QMainWindow()
    window.setWindowTitle("PAR Desktop")
    label = QLabel("PAR Desktop")
    if picture is not None:
        label.setPixmap(QPixmap(picture))
    window.setCentralWidget(label)
    window.resize(1366, 800)
    loop = QEventLoop()
    watch = FirstFrame(loop)
    window.installEventFilter(watch)
    window.show()
    loop.exec()
    ok = window.grab().save(argv[1])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
