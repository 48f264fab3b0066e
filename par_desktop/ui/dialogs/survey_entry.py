"""The keyboard-only entry screen for paper survey forms: a clerk types 200 forms in an afternoon.

One box per question takes one key: 1–5 is the answer and moves on to the next question; 0, Space or "-"
leaves the question blank and moves on; Backspace goes back. Enter (or Ctrl+S) saves the form: the next
form number is filled in, the answers are cleared and the cursor is back where the previous form
started, ready in well under 100 ms (``bench/run.py`` measures it). The date, unit, field and channel
stay from one form to the next (a stack of forms is usually one day at one desk). Esc closes.
"""

from __future__ import annotations

import time
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from par_desktop.domain import survey as survey_rules
from par_desktop.domain.text import vn_number
from par_desktop.services import org, survey
from par_desktop.ui.dialogs.task_dialogs import date_edit, from_qdate
from par_desktop.ui.saving import save
from par_desktop.ui.status_style import GREEN, RED
from par_desktop.ui.widgets.panels import note_label

BLANK_KEYS = {Qt.Key.Key_0, Qt.Key.Key_Space, Qt.Key.Key_Minus}
ANSWER_KEYS = {Qt.Key.Key_1: "1", Qt.Key.Key_2: "2", Qt.Key.Key_3: "3", Qt.Key.Key_4: "4", Qt.Key.Key_5: "5"}
CHANNELS = [("Chưa rõ", ""), ("Trực tiếp", "direct"), ("Trực tuyến", "online"), ("Bưu chính", "post")]


class AnswerBox(QLineEdit):
    """One question's answer: a single key, then the cursor moves on."""

    advance = Signal()
    back = Signal()
    focused = Signal()

    def __init__(self, code: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.code = code
        self.setObjectName(f"answer_{code}")
        self.setMaxLength(1)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("MM") + 12)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setToolTip(f"{code}. {text}\n1 Rất không hài lòng … 5 Rất hài lòng; 0 hoặc dấu cách: để trống")

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.focused.emit()

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in ANSWER_KEYS:
            self.setText(ANSWER_KEYS[key])
            self.advance.emit()
        elif key in BLANK_KEYS:
            self.setText("")
            self.advance.emit()
        elif key == Qt.Key.Key_Backspace:
            if self.text():
                self.clear()
            else:
                self.back.emit()
        elif key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape,
                     Qt.Key.Key_Left, Qt.Key.Key_Right):
            if key == Qt.Key.Key_Left:
                self.back.emit()
            elif key == Qt.Key.Key_Right:
                self.advance.emit()
            else:
                super().keyPressEvent(event)
        elif event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().keyPressEvent(event)
        # any other key is ignored: a stray letter never lands in an answer


class _EnterSaves(QObject):
    """Enter in any field of the form saves it (a combo box's popup keeps its own Enter)."""

    def __init__(self, dialog: "SurveyEntryDialog"):
        super().__init__(dialog)
        self.dialog = dialog

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not (isinstance(watched, QComboBox) and watched.view().isVisible()):
            self.dialog.save_form()
            return True
        return False


class SurveyEntryDialog(QDialog):
    """Type the paper forms of one wave, one after the other."""

    def __init__(self, ctx, wave: survey.Wave, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.wave = ctx, wave
        self.setWindowTitle(f"Nhập phiếu khảo sát — đợt «{wave.name}»")
        self.count = 0
        self.last_save_ms: float | None = None
        self.form_number = QLineEdit(survey.next_form_number(wave.id))
        self.form_number.setObjectName("formNumber")
        self.day = date_edit(date.today())
        self.day.setObjectName("formDate")
        self.dossier = QLineEdit()
        self.dossier.setObjectName("formDossier")
        self.dossier.setPlaceholderText("Mã hồ sơ (nếu phiếu ghi)")
        self.unit = QComboBox()
        self.unit.setObjectName("formUnit")
        self.unit.addItem("(theo hồ sơ, hoặc chưa rõ)", None)
        for u in org.units():
            self.unit.addItem(u.name, u.id)
        self.field = QLineEdit()
        self.field.setObjectName("formField")
        self.field.setPlaceholderText("(theo hồ sơ)")
        self.channel = QComboBox()
        self.channel.setObjectName("formChannel")
        for text, key in CHANNELS:
            self.channel.addItem(text, key)
        head = QFormLayout()
        row = QHBoxLayout()
        for label, widget in (("Số phiếu", self.form_number), ("Ngày", self.day), ("Mã hồ sơ", self.dossier)):
            row.addWidget(QLabel(label))
            row.addWidget(widget)
        head.addRow(row)
        row = QHBoxLayout()
        for label, widget in (("Đơn vị", self.unit), ("Lĩnh vực", self.field), ("Kênh", self.channel)):
            row.addWidget(QLabel(label))
            row.addWidget(widget, 1)
        head.addRow(row)

        self.boxes: list[AnswerBox] = []
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        questions = survey.questions(wave.id)
        aspects = [(code, name, [q for q in questions if q.aspect == code]) for code, name in survey_rules.ASPECTS]
        column = 0
        for code, name, items in aspects:
            if not items:
                continue
            box = QGroupBox(f"{code}. {name}")
            inner = QGridLayout(box)
            for r, q in enumerate(items):
                answer = AnswerBox(q.code, q.text)
                label = QLabel(q.code)
                label.setToolTip(q.text)
                label.setBuddy(answer)
                inner.addWidget(label, r, 0)
                inner.addWidget(answer, r, 1)
                self.boxes.append(answer)
            inner.setRowStretch(len(items), 1)
            inner.setColumnStretch(2, 1)
            grid.addWidget(box, 0, column)
            column += 1
        grid.setColumnStretch(column, 1)
        texts = {q.code: q.text for q in questions}
        self.question = QLabel()
        self.question.setObjectName("currentQuestion")
        for i, answer in enumerate(self.boxes):
            answer.advance.connect(lambda i=i: self._focus_answer(i + 1))
            answer.back.connect(lambda i=i: self._focus_answer(i - 1))
            answer.focused.connect(lambda code=answer.code: self.question.setText(f"{code}. {texts[code]}"))
        self.status = QLabel()
        self.status.setObjectName("entryStatus")
        self.counter = QLabel("Chưa lưu phiếu nào trong lần nhập này.")
        self.counter.setObjectName("entryCounter")
        hint = note_label("Gõ 1–5 cho mỗi câu (tự chuyển câu sau); 0 hoặc dấu cách: để trống; Backspace: quay lại. "
                          "Enter hoặc Ctrl+S: lưu phiếu và sang phiếu mới; Esc: đóng.")
        self.save_button = QPushButton("Lưu phiếu (Enter)")
        self.save_button.setObjectName("saveForm")
        self.save_button.clicked.connect(self.save_form)
        close = QPushButton("Đóng (Esc)")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.counter, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(grid, 1)
        layout.addWidget(self.question)
        layout.addWidget(self.status)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        self._enter = _EnterSaves(self)
        for widget in (self.form_number, self.day, self.dossier, self.unit, self.field, self.channel, *self.boxes):
            widget.installEventFilter(self._enter)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_form)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.activateWindow()
        (self.boxes[0] if self.boxes else self.dossier).setFocus()

    def _focus_answer(self, i: int) -> None:
        if i < 0:
            self.dossier.setFocus()
        elif i >= len(self.boxes):
            self.save_button.setFocus()
        else:
            self.boxes[i].setFocus()
            self.boxes[i].selectAll()

    def answers(self) -> dict[str, str]:
        return {box.code: box.text() for box in self.boxes}

    def save_form(self) -> None:
        """Save the form; on success the screen is ready for the next one."""
        started = time.perf_counter()
        number, day = self.form_number.text(), from_qdate(self.day.date())
        answers, dossier = self.answers(), self.dossier.text()
        unit_id, field, channel = self.unit.currentData(), self.field.text(), self.channel.currentData()
        result = save(self, self.ctx, lambda: survey.add_response(
            self.ctx.actor, self.wave.id, number, day, answers, dossier_code=dossier, unit_id=unit_id, field=field,
            channel=channel))
        if not result:
            self.status.setText("Phiếu chưa được lưu: sửa rồi bấm Enter để lưu lại.")
            self.status.setStyleSheet(f"color: {RED.name()};")
            self.activateWindow()   # back to the form after the message, the keyboard where it was
            self.form_number.setFocus()
            self.form_number.selectAll()
            return
        saved: survey.SavedForm = result.value
        self.count += 1
        self._next(saved, bool(dossier))
        self.last_save_ms = (time.perf_counter() - started) * 1000

    def _next(self, saved: survey.SavedForm, had_dossier: bool) -> None:
        parts = [f"{saved.valid} câu hợp lệ"]
        if saved.blank:
            parts.append(f"{saved.blank} để trống")
        if saved.invalid:
            parts.append(f"{saved.invalid} ngoài thang điểm")
        self.status.setText(f"Đã lưu phiếu số {saved.form_number}: {', '.join(parts)}.")
        self.status.setStyleSheet(f"color: {GREEN.name()};")
        self.counter.setText(f"Đã lưu {vn_number(self.count)} phiếu trong lần nhập này.")
        number = saved.form_number
        self.form_number.setText(str(int(number) + 1) if number.isdigit() else "")
        self.dossier.clear()
        for box in self.boxes:
            box.clear()
        target = self.dossier if had_dossier or not self.boxes else self.boxes[0]
        target.setFocus()

    def reject(self) -> None:
        typed = any(box.text() for box in self.boxes) or self.dossier.text()
        if typed:
            from par_desktop.ui.errors import ask_yes_no

            if not ask_yes_no(self, "Phiếu đang gõ dở", "Phiếu đang gõ chưa được lưu. Đóng và bỏ phiếu này?",
                              yes="Đóng, bỏ phiếu", no="Gõ tiếp"):
                return
        super().reject()
