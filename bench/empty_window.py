"""Reference for the GUI start-up figure: an empty PySide6 main window, drawn and grabbed to a PNG.

``python bench/empty_window.py OUT.png`` does what ``par-desktop gui --screenshot OUT.png`` does, minus
the application: start Qt, show a main window of the same size, let it paint, save a picture, exit.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(argv[:1])
    window = QMainWindow()
    window.setWindowTitle("PAR Desktop")
    window.setCentralWidget(QLabel("PAR Desktop"))
    window.resize(1366, 800)
    window.show()
    app.processEvents()
    return 0 if window.grab().save(argv[1]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
