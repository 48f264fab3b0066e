"""Qt's own strings in Vietnamese: the context menu of every text field (Hoàn tác, Cắt, Sao chép, Dán…),
the spin boxes' and scroll bars' menus, standard buttons, Qt's file and print dialogs. Qt ships no
Vietnamese translation, so the app carries one: ``resources/translations/qt_vi.ts`` (the source, edited
by hand) compiled by ``pyside6-lrelease`` to ``qt_vi.qm`` (``make translations``), which is what loads.
Windows' own file and print dialogs follow the language of Windows."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QTranslator

from par_desktop.assets import resource_path

log = logging.getLogger(__name__)

QT_TRANSLATION = "qt_vi"
_installed: list[QTranslator] = []   # a translator must outlive the application's use of it


def translation_dir():
    return resource_path("translations")


def install_qt_translation(app: QCoreApplication) -> QTranslator | None:
    """Load and install the Vietnamese translation of Qt's strings (once); None when it cannot be read
    (logged: the app still works, with Qt's English)."""
    if _installed:
        return _installed[0]
    translator = QTranslator(app)
    if not translator.load(QT_TRANSLATION, str(translation_dir())):
        log.warning("Qt translation %s not found in %s", QT_TRANSLATION, translation_dir())
        return None
    app.installTranslator(translator)
    _installed.append(translator)
    return translator
