"""Dialogs of the dossiers page: enter or edit a dossier, pause/resume, hand over to a unit, and the
summary shown after an import (new, updated, newly overdue, rows refused and why)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateTimeEdit, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from par_desktop.domain.salutation import KIND_LABELS, KINDS
from par_desktop.domain.service_index import RATING_LABELS
from par_desktop.domain.text import nfc, ui_moment, vn_number
from par_desktop.services import org, procedures
from par_desktop.services.dossiers.detail import DossierDetail
from par_desktop.services.dossiers import importing as dossier_import
from par_desktop.services.dossiers import timing as dossier_timing
from par_desktop.ui.widgets.buttons import dialog_buttons
from par_desktop.ui.widgets.panels import note_label

MOMENT_FORMAT = "dd/MM/yyyy HH:mm"
DOSSIER_LABELS = {"code": "Mã hồ sơ", "procedure": "Thủ tục", "applicant": "Người nộp",
                  "applicant_kind": "Danh xưng", "channel": "Hình thức nộp",
                  "received_at": "Tiếp nhận lúc", "result_at": "Có kết quả", "closed_at": "Đã trả kết quả",
                  "unit": "Đơn vị xử lý", "status_text": "Trạng thái (ghi chú)", "withdrawn": "Đã rút / trả lại",
                  "digitised_dossier": "Số hóa hồ sơ", "digitised_result": "Số hóa kết quả",
                  "payment": "Thanh toán phí, lệ phí", "rating": "Đánh giá của người dân"}
# The service columns' choices (None: not known — left out of the service figures).
FLAG_CHOICES = [("Chưa rõ", None), ("Có", True), ("Không", False)]
PAYMENT_CHOICES = [("Chưa rõ", None), ("Không thu phí", ""), ("Trực tuyến", "online"), ("Trực tiếp", "direct")]
RATING_CHOICES = [(label, key) for key, label in RATING_LABELS.items() if key] + [("Chưa đánh giá", "")]
EXPLANATION_LABELS = {"reason": "Lý do quá hạn", "responsible_person": "Người chịu trách nhiệm",
                      "explained_on": "Ngày giải trình", "apology_sent_on": "Ngày gửi văn bản xin lỗi",
                      "new_appointment": "Hẹn trả mới"}


def dossier_fields(d: DossierDetail | dict) -> dict:
    """The edited fields of a dossier (stored, or as the dialog's ``values()``), keyed by the record's
    field names: what the conflict dialog compares."""
    get = d.get if isinstance(d, dict) else (lambda name: getattr(d, name))
    return {"code": get("code"), "procedure": get("procedure_id"), "applicant": get("applicant"),
            "applicant_kind": get("applicant_kind"), "channel": get("channel"), "received_at": get("received_at"), "result_at": get("result_at"),
            "closed_at": get("closed_at"), "unit": get("unit_id"), "status_text": get("status_text"),
            "withdrawn": get("withdrawn"), **{name: get(name) for name in dossier_timing.SERVICE_FIELDS}}


def dossier_formats() -> dict:
    """How the conflict dialog shows a dossier's procedure, unit and channel: by their names."""
    procedures_by_id = {p.id: f"{p.code} — {p.name}" for p in procedures.list_procedures()}
    units = {u.id: u.name for u in org.units(active_only=False)}
    return {"procedure": lambda i: procedures_by_id.get(i, ""), "unit": lambda i: units.get(i, ""),
            "applicant_kind": lambda k: KIND_LABELS.get(k or "", ""),
            "channel": lambda c: dossier_timing.CHANNEL_LABELS.get(c, c),
            "digitised_dossier": _choice_label(FLAG_CHOICES), "digitised_result": _choice_label(FLAG_CHOICES),
            "payment": _choice_label(PAYMENT_CHOICES), "rating": _choice_label(RATING_CHOICES)}


def _choice_label(choices):
    return lambda value: next((text for text, key in choices if key == value), str(value))


def _choice_combo(choices, current, name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for text, key in choices:
        combo.addItem(text, key)
    combo.setCurrentIndex(max(0, next((i for i, (_, key) in enumerate(choices) if key == current), 0)))
    return combo


def to_qdatetime(moment: datetime) -> QDateTime:
    return QDateTime(moment.year, moment.month, moment.day, moment.hour, moment.minute, 0)


def from_qdatetime(value: QDateTime) -> datetime:
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def moment_edit(moment: datetime | None = None) -> QDateTimeEdit:
    edit = QDateTimeEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(MOMENT_FORMAT)
    edit.setDateTime(to_qdatetime(moment or datetime.now().replace(second=0, microsecond=0)))
    return edit


class OptionalMoment(QWidget):
    """A moment that may be absent: a tick box enabling a date-time field. In a form, ``add_to`` puts the
    tick box in the label column, so its date lines up with the other fields' (not after the caption)."""

    def __init__(self, caption: str, moment: datetime | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.check = QCheckBox(caption)
        self.edit = moment_edit(moment)
        self.check.setChecked(moment is not None)
        self.edit.setEnabled(moment is not None)
        self.check.toggled.connect(self.edit.setEnabled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)

    def add_to(self, form: QFormLayout) -> None:
        form.addRow(self.check, self.edit)

    def value(self) -> datetime | None:
        return from_qdatetime(self.edit.dateTime()) if self.check.isChecked() else None


class DossierDialog(QDialog):
    """Enter a dossier by hand, or edit one (the appointment, when given, wins over the limit)."""

    def __init__(self, dossier: DossierDetail | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.dossier = dossier
        self.setWindowTitle(f"Sửa hồ sơ — {dossier.code}" if dossier else "Thêm hồ sơ TTHC")
        self.setMinimumWidth(560)
        self.code = QLineEdit(dossier.code if dossier else "")
        self.code.setObjectName("dossierCode")
        self.procedure = QComboBox()
        self.procedure.setObjectName("dossierProcedure")
        for p in procedures.list_procedures():
            self.procedure.addItem(f"{p.code} — {p.name}", p.id)
        if dossier is not None and dossier.procedure_id is not None:
            self.procedure.setCurrentIndex(max(0, self.procedure.findData(dossier.procedure_id)))
        self.applicant = QLineEdit(dossier.applicant if dossier else "")
        self.applicant_kind = QComboBox()
        self.applicant_kind.setObjectName("dossierApplicantKind")
        self.applicant_kind.setToolTip("Phiếu xin lỗi gọi người nộp là Ông, Bà hay bằng tên tổ chức; «Chưa rõ»: "
                                       "phiếu ghi «Ông/Bà» (tên bắt đầu bằng Công ty, Trường… là tổ chức).")
        for kind, label in (("", "Chưa rõ"), *((k, KIND_LABELS[k]) for k in KINDS)):
            self.applicant_kind.addItem(label, kind)
        if dossier is not None:
            self.applicant_kind.setCurrentIndex(max(0, self.applicant_kind.findData(dossier.applicant_kind)))
        self.channel = QComboBox()
        for key, label in dossier_timing.CHANNEL_LABELS.items():
            self.channel.addItem(label, key)
        if dossier is not None:
            self.channel.setCurrentIndex(self.channel.findData(dossier.channel))
        self.received = moment_edit(dossier.received_at if dossier else None)
        self.received.setObjectName("dossierReceived")
        self.appointment = OptionalMoment("Hẹn trả", dossier.appointment if dossier else None)
        self.result_moment = OptionalMoment("Có kết quả", dossier.result_at if dossier else None)
        self.closed = OptionalMoment("Đã trả kết quả", dossier.closed_at if dossier else None)
        self.unit = QComboBox()
        self.unit.addItem("(Đơn vị chủ trì của thủ tục)", None)
        for u in org.units():
            self.unit.addItem(u.name, u.id)
        if dossier is not None and dossier.unit_id is not None:
            self.unit.setCurrentIndex(max(0, self.unit.findData(dossier.unit_id)))
        self.status = QLineEdit(dossier.status_text if dossier else "")
        self.withdrawn = QCheckBox("Hồ sơ đã rút / trả lại (không tính vào thống kê)")
        self.withdrawn.setChecked(bool(dossier and dossier.withdrawn))
        self.digitised_dossier = _choice_combo(FLAG_CHOICES, dossier.digitised_dossier if dossier else None,
                                               "digitisedDossier")
        self.digitised_result = _choice_combo(FLAG_CHOICES, dossier.digitised_result if dossier else None,
                                              "digitisedResult")
        self.payment = _choice_combo(PAYMENT_CHOICES, dossier.payment if dossier else None, "payment")
        self.rating = _choice_combo(RATING_CHOICES, dossier.rating if dossier else "", "rating")

        form = QFormLayout()
        form.addRow("Mã hồ sơ", self.code)
        form.addRow("Thủ tục", self.procedure)
        form.addRow("Người nộp", self.applicant)
        form.addRow("Danh xưng", self.applicant_kind)
        form.addRow("Hình thức nộp", self.channel)
        form.addRow("Tiếp nhận lúc", self.received)
        for moment in (self.appointment, self.result_moment, self.closed):
            moment.add_to(form)
        form.addRow("Đơn vị xử lý", self.unit)
        form.addRow("Trạng thái (ghi chú)", self.status)
        form.addRow("", self.withdrawn)
        service = QHBoxLayout()
        for caption, combo in (("Số hóa hồ sơ", self.digitised_dossier), ("kết quả", self.digitised_result)):
            service.addWidget(QLabel(caption))
            service.addWidget(combo)
        service.addStretch(1)
        form.addRow("Số hóa", service)
        service = QHBoxLayout()
        for caption, combo in (("Thanh toán", self.payment), ("Đánh giá", self.rating)):
            if caption != "Thanh toán":
                service.addWidget(QLabel(caption))
            service.addWidget(combo)
        service.addStretch(1)
        form.addRow("Thanh toán", service)
        hint = note_label("Không chọn «Hẹn trả»: hạn xử lý tính theo thời hạn của thủ tục (ngày làm việc). "
                          "«Chưa rõ»: hồ sơ không được tính vào chỉ số số hóa, thanh toán trực tuyến tương ứng.")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(dialog_buttons(self))

    def apply(self, fields: dict) -> None:
        """Type ``fields`` (keyed as ``dossier_fields``) into the dialog."""
        setters = {"code": self.code.setText, "applicant": self.applicant.setText, "status_text": self.status.setText,
                   "withdrawn": self.withdrawn.setChecked, "received_at": lambda m: self.received.setDateTime(
                       to_qdatetime(m)),
                   "procedure": lambda i: self.procedure.setCurrentIndex(max(0, self.procedure.findData(i))),
                   "unit": lambda i: self.unit.setCurrentIndex(max(0, self.unit.findData(i))),
                   "channel": lambda c: self.channel.setCurrentIndex(max(0, self.channel.findData(c))),
                   "applicant_kind": lambda k: self.applicant_kind.setCurrentIndex(
                       max(0, self.applicant_kind.findData(k or ""))),
                   **{name: self._choose(combo) for name, combo in (
                       ("digitised_dossier", self.digitised_dossier), ("digitised_result", self.digitised_result),
                       ("payment", self.payment), ("rating", self.rating))}}
        for name, value in fields.items():
            if name in setters:
                setters[name](value)
        for name, moment in (("result_at", self.result_moment), ("closed_at", self.closed)):
            if name in fields:
                moment.check.setChecked(fields[name] is not None)
                if fields[name] is not None:
                    moment.edit.setDateTime(to_qdatetime(fields[name]))

    @staticmethod
    def _choose(combo: QComboBox):
        def choose(value) -> None:
            for i in range(combo.count()):
                if combo.itemData(i) == value and type(combo.itemData(i)) is type(value):
                    combo.setCurrentIndex(i)
                    return
        return choose

    def values(self) -> dict:
        return dict(code=nfc(self.code.text()), procedure_id=self.procedure.currentData(),
                    applicant=nfc(self.applicant.text()), applicant_kind=self.applicant_kind.currentData(),
                    channel=self.channel.currentData(),
                    received_at=from_qdatetime(self.received.dateTime()), due_at=self.appointment.value(),
                    result_at=self.result_moment.value(), closed_at=self.closed.value(), unit_id=self.unit.currentData(),
                    status_text=nfc(self.status.text()), withdrawn=self.withdrawn.isChecked(),
                    digitised_dossier=self.digitised_dossier.currentData(),
                    digitised_result=self.digitised_result.currentData(), payment=self.payment.currentData(),
                    rating=self.rating.currentData())


def dossier_heading(dossier: DossierDetail) -> QLabel:
    """The first line of a dialog acting on one dossier: which dossier (code, applicant, procedure)."""
    who = " — ".join(part for part in (dossier.applicant, dossier.procedure_name) if part)
    label = QLabel(f"<b>Hồ sơ {escape(dossier.code)}</b>" + (f"<br>{escape(who)}" if who else ""))
    label.setObjectName("dossierHeading")
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    return label


class MomentDialog(QDialog):
    """Ask for a moment (and, for a pause, its required reason): pausing or resuming a dossier's clock.
    The window and its first line name the dossier; OK stays disabled until a required reason is typed."""

    def __init__(self, dossier: DossierDetail, title: str, caption: str, *, with_reason: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{title} — {dossier.code}")
        self.setMinimumWidth(520)
        self.moment = moment_edit()
        self.moment.setObjectName("momentEdit")
        self.reason = QLineEdit()
        self.reason.setObjectName("pauseReason")
        self.reason.setPlaceholderText("Ví dụ: chờ công dân bổ sung giấy khai sinh")
        form = QFormLayout(self)
        form.addRow(dossier_heading(dossier))
        form.addRow(caption, self.moment)
        self.buttons = dialog_buttons(self, "Đồng ý")
        if with_reason:
            form.addRow("Lý do (bắt buộc)", self.reason)
            form.addRow(note_label("Lý do được ghi vào diễn biến của hồ sơ."))
            ok = self.buttons.findChild(QPushButton, "okButton")
            ok.setEnabled(False)
            ok.setToolTip("Hãy ghi lý do tạm dừng (hồ sơ chờ bổ sung gì).")
            self.reason.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        form.addRow(self.buttons)

    def value(self) -> datetime:
        return from_qdatetime(self.moment.dateTime())


class ReturnResultDialog(QDialog):
    """Trả kết quả: when the result is handed to the applicant (now by default), and when it was ready
    (the one recorded already, else the same moment). Closing ends a running pause."""

    def __init__(self, dossier: DossierDetail, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Trả kết quả — {dossier.code}")
        self.setMinimumWidth(520)
        now = datetime.now().replace(second=0, microsecond=0)
        self.returned = moment_edit(now)
        self.returned.setObjectName("returnedAt")
        self.result_moment = moment_edit(dossier.result_at or now)
        self.result_moment.setObjectName("resultAt")
        self.same = dossier.result_at is None   # the result moment follows the return until edited
        self.returned.dateTimeChanged.connect(lambda moment: self.same and self._follow(moment))
        self.result_moment.dateTimeChanged.connect(self._result_edited)
        form = QFormLayout(self)
        form.addRow(dossier_heading(dossier))
        form.addRow("Hạn xử lý", QLabel(ui_moment(dossier.timer.due_at)))
        form.addRow("Trả kết quả lúc", self.returned)
        form.addRow("Có kết quả lúc", self.result_moment)
        if dossier.paused_since is not None:
            form.addRow(note_label(f"Hồ sơ đang tạm dừng từ {ui_moment(dossier.paused_since)}: "
                                   "trả kết quả sẽ kết thúc tạm dừng."))
        form.addRow(note_label("Trả kết quả kết thúc hồ sơ: thời gian giải quyết dừng lại và hồ sơ được tính "
                               "trước hạn, đúng hạn hoặc quá hạn theo thời điểm trả."))
        form.addRow(dialog_buttons(self, "Trả kết quả"))

    def _follow(self, moment: QDateTime) -> None:
        self.result_moment.blockSignals(True)
        self.result_moment.setDateTime(moment)
        self.result_moment.blockSignals(False)

    def _result_edited(self, _moment) -> None:
        self.same = False

    def values(self) -> dict:
        return dict(at=from_qdatetime(self.returned.dateTime()), result_at=from_qdatetime(self.result_moment.dateTime()))


class HandoverDialog(QDialog):
    """Record a hand-over of the dossier to another unit (process control slip)."""

    def __init__(self, dossier: DossierDetail, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Chuyển hồ sơ — {dossier.code}")
        self.to_unit = QComboBox()
        for u in org.units():
            self.to_unit.addItem(u.name, u.id)
        self.step = QLineEdit()
        self.step.setPlaceholderText("Ví dụ: Thẩm định hồ sơ")
        self.sent = moment_edit()
        self.received = OptionalMoment("Đơn vị nhận lúc", None)
        self.due = OptionalMoment("Hạn của bước", None)
        self.note = QLineEdit()
        form = QFormLayout(self)
        form.addRow(dossier_heading(dossier))
        form.addRow("Chuyển đến", self.to_unit)
        form.addRow("Bước", self.step)
        form.addRow("Chuyển lúc", self.sent)
        self.received.add_to(form)
        self.due.add_to(form)
        form.addRow("Ghi chú", self.note)
        hint = note_label("Không ghi hạn của bước: lấy theo thời gian của bước trong danh mục thủ tục (nếu có).")
        form.addRow(hint)
        form.addRow(dialog_buttons(self))

    def values(self) -> dict:
        return dict(to_unit_id=self.to_unit.currentData(), step_name=nfc(self.step.text()),
                    sent_at=from_qdatetime(self.sent.dateTime()), received_at=self.received.value(),
                    due_at=self.due.value(), note=nfc(self.note.text()))


class ImportSummaryDialog(QDialog):
    """After an import: what each file brought, and every refused row with its reason."""

    def __init__(self, results: list[tuple[str, dossier_import.ImportSummary | None, str]],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Kết quả nhập hồ sơ")
        self.setMinimumSize(640, 360)
        layout = QVBoxLayout(self)
        lines = []
        problems: list[tuple[str, str, str]] = []
        for name, summary, error in results:
            if summary is None:
                lines.append(f"<b>{name}</b>: <span style='color:#c0262d'>không nhập được</span> — {error}")
                continue
            lines.append(
                f"<b>{name}</b>: {vn_number(summary.imported)} hồ sơ — <b>{vn_number(summary.new)}</b> mới, "
                f"<b>{vn_number(summary.updated)}</b> cập nhật, {vn_number(summary.unchanged)} không đổi; "
                f"<span style='color:#c0262d'><b>{vn_number(summary.newly_overdue)}</b> mới quá hạn</span>; "
                f"{vn_number(len(summary.refused))} dòng bị từ chối.")
            if summary.added_procedures:
                lines.append(f"<b>Thủ tục mới thêm vào danh mục, cần bổ sung thời hạn và đơn vị chủ trì</b> (Danh mục → "
                             f"Thủ tục, lọc «Cần bổ sung»): {', '.join(summary.added_procedures)}")
            if summary.added_units:
                lines.append(f"<b>Đơn vị mới</b>: {', '.join(summary.added_units)}")
            problems += [(name, str(p.row or ""), p.message) for p in summary.refused]
            problems += [(name, "", w) for w in summary.warnings]
        text = QLabel("<br>".join(lines))
        text.setObjectName("importSummaryText")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(text)
        self.table = QTableWidget(len(problems), 3)
        self.table.setObjectName("refusedRows")
        self.table.setHorizontalHeaderLabels(["Tệp", "Dòng", "Lý do"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for i, row in enumerate(problems):
            for j, value in enumerate(row):
                self.table.setItem(i, j, QTableWidgetItem(value))
        self.table.setVisible(bool(problems))
        layout.addWidget(self.table, 1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        box.rejected.connect(self.reject)
        layout.addWidget(box)


class ExplanationEditor(QWidget):
    """The unit head's explanation and the apology of one overdue dossier (detail panel)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        from PySide6.QtWidgets import QDateEdit

        self.reason = QPlainTextEdit()
        self.reason.setObjectName("explanationReason")
        self.reason.setPlaceholderText("Lý do quá hạn (giải trình của trưởng đơn vị)")
        self.reason.setFixedHeight(60)
        self.person = QLineEdit()
        self.person.setPlaceholderText("Người chịu trách nhiệm")
        self.explained = QCheckBox("Ngày giải trình")
        self.explained_on = QDateEdit()
        self.apology = QCheckBox("Đã gửi phiếu xin lỗi ngày")
        self.apology_on = QDateEdit()
        for edit in (self.explained_on, self.apology_on):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setEnabled(False)
        self.explained.toggled.connect(self.explained_on.setEnabled)
        self.apology.toggled.connect(self.apology_on.setEnabled)
        self.appointment = OptionalMoment("Hẹn lại", None)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.reason)
        form.addRow("Người chịu trách nhiệm", self.person)
        row = QHBoxLayout()
        row.addWidget(self.explained)
        row.addWidget(self.explained_on)
        form.addRow(row)
        row = QHBoxLayout()
        row.addWidget(self.apology)
        row.addWidget(self.apology_on)
        form.addRow(row)
        form.addRow(self.appointment)
        note = note_label("Ngày hẹn lại chỉ để báo người nộp: hồ sơ vẫn tính là quá hạn.")
        form.addRow(note)

    def show_explanation(self, explanation) -> None:
        from datetime import date

        from PySide6.QtCore import QDate

        def qdate(day: date | None) -> QDate:
            day = day or date.today()
            return QDate(day.year, day.month, day.day)

        e = explanation
        self.reason.setPlainText(e.reason if e else "")
        self.person.setText(e.responsible_person if e else "")
        self.explained.setChecked(bool(e and e.explained_on))
        self.explained_on.setDate(qdate(e.explained_on if e else None))
        self.apology.setChecked(bool(e and e.apology_sent_on))
        self.apology_on.setDate(qdate(e.apology_sent_on if e else None))
        self.appointment.check.setChecked(bool(e and e.new_appointment))
        self.appointment.edit.setDateTime(to_qdatetime(e.new_appointment if e and e.new_appointment
                                                       else datetime.now().replace(second=0, microsecond=0)))

    def values(self) -> dict:
        from datetime import date

        def pydate(edit) -> date:
            d = edit.date()
            return date(d.year(), d.month(), d.day())

        return dict(reason=nfc(self.reason.toPlainText()), responsible_person=nfc(self.person.text()),
                    explained_on=pydate(self.explained_on) if self.explained.isChecked() else None,
                    apology_sent_on=pydate(self.apology_on) if self.apology.isChecked() else None,
                    new_appointment=self.appointment.value())


def _in_words(moment: datetime) -> str:
    return f"ngày {moment.day} tháng {moment.month} năm {moment.year}"


def ask_date_order(parent: QWidget | None, exc, files: int = 1) -> str | None:
    """The file's dates read both ways (``importers.dossiers.AmbiguousDates``): ask the clerk which order
    they are written in. Returns "dmy", "mdy", or None (Hủy)."""
    from par_desktop.importers.dossiers import COLUMNS, DAY_FIRST, MONTH_FIRST, parse_cell_moment
    from par_desktop.ui.errors import MessageDialog

    lines = []
    for key, row, text in exc.examples[:3]:
        lines.append(f"• «{text}» (cột «{COLUMNS.display(key)}», dòng {row}):")
        for order, label in ((DAY_FIRST, "ngày/tháng/năm"), (MONTH_FIRST, "tháng/ngày/năm")):
            try:
                moment, _ = parse_cell_moment(text, order)
            except ValueError:
                continue
            lines.append(f"      {label}: {_in_words(moment)}")
    also = f" (và {files - 1} tệp khác)" if files > 1 else ""
    message = (f"Ngày trong tệp {exc.path.name}{also} đọc được theo hai cách:\n" + "\n".join(lines)
               + "\n\nTệp lưu từ máy tính đặt tiếng Anh (Mỹ) viết tháng trước ngày. "
               "Ngày trong tệp viết theo thứ tự nào?")
    dialog = MessageDialog(parent.window() if parent is not None else None, "Thứ tự ngày trong tệp", message,
                           icon="question", buttons=[("Ngày/tháng/năm", DAY_FIRST), ("Tháng/ngày/năm (Mỹ)", MONTH_FIRST),
                                                     ("Hủy", "cancel")])
    dialog.setMinimumWidth(560)
    choice = dialog.ask()
    return choice if choice in (DAY_FIRST, MONTH_FIRST) else None
