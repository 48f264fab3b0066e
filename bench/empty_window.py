"""Reference for the GUI start-up figure: an empty PySide6 main window, drawn and saved to a PNG.

``python bench/empty_window.py OUT.png`` does what ``par-desktop gui --screenshot OUT.png`` does, minus
the application: start Qt, show a main window of the same size, wait for its first frame to be drawn
(an event, as the app's screenshot mode waits: no fixed time), grab it, save the picture, end the
process at once (as the app's screenshot run does). The same script is bundled with the app's
PyInstaller spec (``PAR_BUNDLE_ENTRY``) for the bundle's figure.

Qt's own share of the app's figure (the same widgets as the first screen, no application) is measured
by ``bench/screen_skeleton.py``.
"""

from __future__ import annotations

import os
import sys


def show_and_save(window, path: str) -> int:
    """Show ``window``, wait for its first frame to be painted (an event, as ``par_desktop.ui.frames``),
    grab it and save the picture to ``path``; the exit code."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

    class FirstFrame(QObject):
        def __init__(self, loop: QEventLoop):
            super().__init__()
            self.loop = loop
            self.seen = False

        def eventFilter(self, watched, event) -> bool:   # Qt's name
            if not self.seen and event.type() in (QEvent.Type.Paint, QEvent.Type.UpdateRequest):
                self.seen = True
                QTimer.singleShot(0, self.loop.quit)
            return False

    loop = QEventLoop()
    watch = FirstFrame(loop)
    window.installEventFilter(watch)
    window.show()
    loop.exec()
    return 0 if window.grab().save(path) else 1


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    _app = QApplication(argv[:1])   # kept: the application lives until the picture is taken
    window = QMainWindow()
    window.setWindowTitle("PAR Desktop")
    window.setCentralWidget(QLabel("PAR Desktop"))
    window.resize(1366, 800)
    return show_and_save(window, argv[1])


def end_process(code: int) -> None:
    """End at once, without Python's and Qt's teardown, as ``par-desktop gui --screenshot`` does once its
    picture is saved (``app._end_screenshot_run``): the figures compare like with like."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    end_process(main(sys.argv))
