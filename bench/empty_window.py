"""Reference for the GUI start-up figure: an empty PySide6 main window, drawn and grabbed to a PNG.

``python bench/empty_window.py OUT.png [SETTLE_MS]`` does what ``par-desktop gui --screenshot OUT.png``
does, minus the application: start Qt, show a main window of the same size, let it settle as the app's
screenshot mode does (``SETTLE_MS`` in the event loop, wait for the worker threads, ``SETTLE_MS``
again), save a picture, exit.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QEventLoop, QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    settle_ms = int(argv[2]) if len(argv) > 2 else 0
    app = QApplication(argv[:1])
    window = QMainWindow()
    window.setWindowTitle("PAR Desktop")
    window.setCentralWidget(QLabel("PAR Desktop"))
    window.resize(1366, 800)
    window.show()
    loop = QEventLoop()
    QTimer.singleShot(settle_ms, loop.quit)
    loop.exec()
    QThreadPool.globalInstance().waitForDone(30_000)
    QTimer.singleShot(settle_ms, loop.quit)
    loop.exec()
    app.processEvents()
    return 0 if window.grab().save(argv[1]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
