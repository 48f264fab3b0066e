"""Qt's own strings in Vietnamese (issue 16 item 10): the shipped translation is complete and compiled,
the application installs it at start, and real widgets — a text field's context menu, a spin box's,
message-box buttons, Qt's file dialog — then speak Vietnamese."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QTimer, QTranslator
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import (
    QApplication, QDialogButtonBox, QFileDialog, QLabel, QLineEdit, QMenu, QMessageBox, QPlainTextEdit, QSpinBox,
)

from par_desktop.ui import translations

from gui_helpers import save_shot

pytestmark = pytest.mark.gui
REPO = Path(__file__).resolve().parents[2]
TS = REPO / "resources" / "translations" / "qt_vi.ts"
QM = REPO / "resources" / "translations" / "qt_vi.qm"
UNTRANSLATED = r"Alt\+\w+|%1, \.\.\.|in|mm|pt|\d+ \(\dx\d\)|\.\.\."   # key names, units, page grids
ENGLISH_MENU = {"&Undo", "&Redo", "Cu&t", "&Copy", "&Paste", "Delete", "Select All", "&Step up", "Step &down",
                "&Select All"}


def ts_messages(path: Path) -> list[tuple[str, str, str]]:
    root = ET.parse(path).getroot()
    return [(context.findtext("name"), message.findtext("source"), message.findtext("translation"))
            for context in root.iter("context") for message in context.iter("message")]


def loaded(qm: Path) -> QTranslator:
    translator = QTranslator()
    assert translator.load(str(qm)), qm
    return translator


def test_the_shipped_translation_is_complete_vietnamese_and_compiled_from_its_source(tmp_path):
    messages = ts_messages(TS)
    assert len(messages) >= 200
    for context, source, translation in messages:
        assert translation, (context, source)
        assert translation != source or re.fullmatch(UNTRANSLATED, source), (context, source)
        assert source.count("%1") == translation.count("%1"), (context, source)
        assert source.count("&") == translation.count("&"), (context, source)   # each keeps its accelerator
    shipped = loaded(QM)
    lrelease = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent)) or shutil.which("pyside6-lrelease")
    assert lrelease, "pyside6-lrelease comes with PySide6"
    fresh = tmp_path / "qt_vi.qm"
    subprocess.run([lrelease, str(TS), "-qm", str(fresh)], check=True, capture_output=True)
    compiled = loaded(fresh)
    for context, source, translation in messages:   # the committed .qm is the .ts as it is now
        assert shipped.translate(context, source) == compiled.translate(context, source) == translation


def menu_texts(widget, event_pos: QPoint | None = None) -> list[str]:
    """Right-click ``widget`` (at 5, 5 unless told) like a clerk and read the menu that pops up (then close it)."""
    event_pos = QPoint(5, 5) if event_pos is None else event_pos
    texts: list[str] = []

    def read():   # a menu opened with exec() is read from inside its own event loop
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu) and not texts:
            texts.extend(a.text().split("\t")[0] for a in menu.actions() if not a.isSeparator())
            menu.close()

    QTimer.singleShot(0, read)
    QApplication.sendEvent(widget, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, event_pos,
                                                     widget.mapToGlobal(event_pos)))
    read()        # one opened with popup() is open now
    return texts


@pytest.fixture
def vietnamese_qt(qapp):
    translator = translations.install_qt_translation(qapp)
    assert translator is not None
    yield translator
    qapp.removeTranslator(translator)
    translations._installed.clear()


def test_text_fields_spin_boxes_and_buttons_speak_vietnamese(vietnamese_qt, qtbot):
    edit = QLineEdit("Nguyễn Văn An")
    qtbot.addWidget(edit)
    edit.show()
    texts = menu_texts(edit)
    assert texts[:4] == ["&Hoàn tác", "&Làm lại", "Cắ&t", "Sao &chép"] and "&Dán" in texts and "Chọn tất cả" in texts
    assert not ENGLISH_MENU & set(texts)

    notes = QPlainTextEdit("Lý do quá hạn")
    qtbot.addWidget(notes)
    notes.show()
    assert not ENGLISH_MENU & set(menu_texts(notes.viewport()))
    assert "Sao &chép" in menu_texts(notes.viewport())

    spin = QSpinBox()
    qtbot.addWidget(spin)
    spin.show()
    texts = menu_texts(spin)
    assert "&Tăng lên" in texts and "&Giảm xuống" in texts and not ENGLISH_MENU & set(texts)

    box = QMessageBox(QMessageBox.Icon.Question, "Xác nhận", "Xóa?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert [box.button(b).text() for b in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No,
                                           QMessageBox.StandardButton.Cancel)] == ["&Có", "&Không", "Hủy"]
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(buttons)
    assert {b.text() for b in buttons.buttons()} == {"Đồng ý", "Đóng"}


def test_qts_own_file_dialog_speaks_vietnamese(vietnamese_qt, qtbot, tmp_path):
    dialog = QFileDialog(None, "Xuất Excel", str(tmp_path), "Bảng tính (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel) if label.objectName()}
    assert labels["fileNameLabel"] == "&Tên tệp:" and labels["fileTypeLabel"] == "&Kiểu tệp:"
    assert labels["lookInLabel"] == "&Tìm trong:"
    accept = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    assert accept.text() in ("&Lưu", "Lưu")
    save_shot(dialog, "qt-file-dialog")


def test_the_application_installs_it_at_start(tmp_path):
    """A real start of the application object (``app.make_application``) in its own process."""
    script = ("from par_desktop.app import make_application\n"
              "from PySide6.QtWidgets import QLineEdit\n"
              "app = make_application()\n"
              "edit = QLineEdit()\n"
              "menu = edit.createStandardContextMenu()\n"
              "print('|'.join(a.text().split('\\t')[0] for a in menu.actions()))\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    texts = out.stdout.strip().splitlines()[-1].split("|")
    assert "&Hoàn tác" in texts and "Sao &chép" in texts and "&Copy" not in texts
