"""The README's pictures of Chất lượng phục vụ: the page (year 2024 of the demo) and the survey tab at
1366×768, the index again at 150 % (run with QT_SCALE_FACTOR=1.5), and the survey entry screen.

    QT_QPA_PLATFORM=offscreen python docs/screens/service_screens.py DEMO.db [SUFFIX]

DEMO.db is a database made by ``par-desktop init --demo``; the pictures go to docs/screens/. The two
report pictures are the second page of each document, made with

    par-desktop --db DEMO.db doc monthly-report --month 2024-11 --out bc.pdf
    par-desktop --db DEMO.db doc survey-report --wave "Quý IV/2024" --out ks.pdf
    pdftoppm -png -r 60 -f 2 -l 2 -singlefile bc.pdf docs/screens/monthly-report-service
    pdftoppm -png -r 60 -f 2 -l 2 -singlefile ks.pdf docs/screens/survey-report
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

OUT = Path(__file__).resolve().parent


def settle(app: QApplication, seconds: float, page=None) -> None:
    end = time.time() + seconds
    while time.time() < end or (page is not None and getattr(page, "loading", False) and time.time() < end + 60):
        app.processEvents()
        time.sleep(0.02)


def main(db: str, suffix: str = "") -> None:
    app = QApplication(sys.argv[:1])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)      # no layout remembered from earlier runs
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from par_desktop.db.schema import open_database
    from par_desktop.services import survey
    from par_desktop.services.session import Actor
    from par_desktop.ui.context import AppContext
    from par_desktop.ui.dialogs.survey_entry import SurveyEntryDialog
    from par_desktop.ui.main_window import MainWindow

    open_database(db)
    ctx = AppContext(db, Actor("vanphong", "office", full_name="Nguyễn Thị Hương"))
    window = MainWindow(ctx)
    window.resize(1366, 768)
    window.show()
    page = window.show_page("service")
    settle(app, 1)
    page.index_tab.picker.set_period("year", 2024)
    settle(app, 1.5, page)
    window.grab().save(str(OUT / f"service{suffix}.png"))
    if suffix:
        return
    page.tabs.setCurrentIndex(1)
    settle(app, 1.5, page)
    window.grab().save(str(OUT / "survey.png"))
    dialog = SurveyEntryDialog(ctx, survey.waves()[0], window)
    dialog.show()
    for box, key in zip(dialog.boxes[:9], "545443544"):
        box.setText(key)
    dialog.boxes[9].setFocus()
    settle(app, 0.5)
    dialog.grab().save(str(OUT / "survey-entry.png"))


if __name__ == "__main__":
    main(*sys.argv[1:])
