"""Dialogs of the Chất lượng phục vụ page: the dossiers (or procedures, or hand-entered figures) behind an
indicator, the points table, the hand-entered figures, a new survey wave, the questionnaire, the official
SIPAS result, and the survey import with its rating-word mapping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QComboBox, QDialog, QDoubleSpinBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QRadioButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from par_desktop.domain import service_index as si
from par_desktop.domain import survey as survey_rules
from par_desktop.domain.periods import Period
from par_desktop.domain.text import nfc, vn_number, vn_percent
from par_desktop.services import org
from par_desktop.services import service_quality as sq
from par_desktop.services import survey
from par_desktop.services.dossiers import listing as dossier_listing
from par_desktop.ui.dialogs.task_dialogs import date_edit, from_qdate
from par_desktop.ui.operations import LatestLoad
from par_desktop.ui.saving import save
from par_desktop.ui.status_style import state_color, state_label
from par_desktop.ui.widgets.buttons import dialog_buttons
from par_desktop.ui.widgets.panels import note_label
from par_desktop.ui.widgets.table import Column, DataTableView, RowTableModel

PART_LABELS = {"missing": "Làm mất điểm (trong mẫu số, không đạt)", "denominator": "Toàn bộ mẫu số",
               "numerator": "Đạt (tử số)"}


class BehindDialog(QDialog):
    """What an indicator is counted from: its dossiers (those that cost points first), its procedures, or
    the figures a clerk entered by hand."""

    loaded = Signal()

    def __init__(self, ctx, indicator: si.IndicatorScore, period: Period, scope: sq.Scope = sq.WHOLE,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.indicator, self.period, self.scope = ctx, indicator, period, scope
        self.loads = LatestLoad(self)   # the part chosen last wins, whichever load ends first
        self.setWindowTitle(f"{indicator.name} — {period.label}")
        self.resize(1000, 560)
        self.part = QComboBox()
        self.part.setObjectName("behindPart")
        for key, text in PART_LABELS.items():
            self.part.addItem(text, key)
        figure = indicator.figure
        summary = (f"{indicator.value_text}: tử số {vn_number(round(figure.numerator, 2))} / mẫu số "
                   f"{vn_number(round(figure.denominator, 2))}" if figure is not None else "Chưa có số liệu.")
        self.note = note_label(summary)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.note, 1)
        layout.addLayout(top)
        if indicator.manual:
            self.view = DataTableView(RowTableModel(_manual_columns(), key=lambda v: v.id), self,
                                      export_name="so-lieu-nhap-tay")
            self.view.set_rows([v for v in sq.manual_values(indicator.key)])
        elif indicator.key in sq.CATALOGUE_INDICATORS:
            top.addWidget(self.part)
            self.view = DataTableView(RowTableModel([
                Column("Mã thủ tục", value=lambda p: p.code, width=90),
                Column("Thủ tục", value=lambda p: p.name, width=420),
                Column("Lĩnh vực", value=lambda p: p.field, width=160),
                Column("Mức độ", value=lambda p: p.level, width=90),
                Column("Ngày công bố", value=lambda p: p.published_on, width=90),
                Column("Ngày hiệu lực", value=lambda p: p.effective_on, width=90),
            ], key=lambda p: p.id), self, export_name="thu-tuc-cua-chi-so")
            self.view.activated.connect(lambda p: self.ctx.open_page("catalog", {"procedure_id": p.id}))
        else:
            top.addWidget(self.part)
            self.view = DataTableView(RowTableModel([
                Column("Mã hồ sơ", value=lambda r: r.code, width=210),
                Column("Thủ tục", value=lambda r: r.procedure, width=300),
                Column("Đơn vị", value=lambda r: r.unit, width=170),
                Column("Tiếp nhận", value=lambda r: r.received_at, width=120),
                Column("Kết thúc", value=lambda r: r.closed_at, width=120),
                Column("Trạng thái", value=lambda r: state_label(r.timer.state) if r.timer else "",
                       foreground=lambda r: state_color(r.timer.state) if r.timer else None, width=110),
            ], key=lambda r: r.id), self, export_name="ho-so-cua-chi-so")
            self.view.activated.connect(self._open_dossier)
        self.view.setObjectName("behindTable")
        layout.addWidget(self.view, 1)
        close = QPushButton("Đóng")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.part.currentIndexChanged.connect(self.load)
        if not indicator.manual:
            self.load()

    def load(self, *_args) -> None:
        key, part, period, scope = self.indicator.key, self.part.currentData(), self.period, self.scope
        where = dict(unit_id=scope.unit_id, field=scope.field, procedure_id=scope.procedure_id)

        def work():
            if key in sq.CATALOGUE_INDICATORS:
                return sq.procedures_behind(key, period.start, period.end, part, **where)
            ids = sq.dossiers_behind(key, period.start, period.end, part, **where)
            return dossier_listing.rows_by_ids(ids)

        def done(rows) -> None:
            self.view.set_rows(rows)
            self.loaded.emit()

        self.loads.run(work, done, lambda exc: _show(self, exc))

    def _open_dossier(self, row) -> None:
        self.ctx.open_page("dossiers", {"code": row.code})


def _show(parent, exc) -> None:
    from par_desktop.ui.errors import show_error

    show_error(parent, exc)


def _manual_columns() -> list[Column]:
    names = {d.key: d.name for d in sq.points_table()}
    units = {u.id: u.name for u in org.units(active_only=False)}
    return [
        Column("Chỉ số", value=lambda v: names.get(v.key, v.key), width=300),
        Column("Từ ngày", value=lambda v: v.start, width=90),
        Column("Đến ngày", value=lambda v: v.end, width=90),
        Column("Đơn vị", value=lambda v: units.get(v.unit_id, "Toàn Sở"), width=160),
        Column("Tử số", value=lambda v: v.numerator, width=70),
        Column("Mẫu số", value=lambda v: v.denominator, width=70),
        Column("Tỷ lệ", value=lambda v: v.value, display=lambda v: vn_percent(v.value, 2), width=70),
        Column("Ghi chú", value=lambda v: v.note, width=200),
        Column("Người nhập", value=lambda v: v.entered_by, width=90),
    ]


class PointsDialog(QDialog):
    """The points table: each indicator's maximum (0 keeps it shown without points), the sum per group
    beside the decision's maximum; indicators entered by hand can be added and removed."""

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Bảng điểm chỉ số phục vụ (Quyết định 766/QĐ-TTg)")
        self.resize(900, 560)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("pointsTable")
        self.table.setHorizontalHeaderLabels(["Nhóm", "Chỉ số", "Nguồn", "Điểm tối đa"])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.sums = note_label()
        self.sums.setObjectName("groupSums")
        self.group = QComboBox()
        for g in si.GROUPS:
            self.group.addItem(g.name, g.key)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("Tên chỉ số nhập tay mới")
        self.new_points = QDoubleSpinBox()
        self.new_points.setRange(0, 100)
        self.new_points.setDecimals(2)
        add = QPushButton("Thêm chỉ số nhập tay")
        add.clicked.connect(self.add_manual)
        self.remove_button = QPushButton("Xóa chỉ số đã thêm")
        self.remove_button.clicked.connect(self.remove_manual)
        reset = QPushButton("Khôi phục mặc định")
        reset.clicked.connect(self.reset)
        adding = QHBoxLayout()
        for widget in (self.group, self.new_name, self.new_points, add):
            adding.addWidget(widget)
        actions = QHBoxLayout()
        actions.addWidget(self.remove_button)
        actions.addWidget(reset)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(note_label("Điểm của mỗi chỉ số = điểm tối đa × tỷ lệ đạt. Chỉ số chưa có số liệu không "
                                    "được tính 0 điểm mà báo «chưa rõ». Điểm tối đa 0: chỉ hiển thị, không tính điểm."))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.sums)
        layout.addLayout(adding)
        layout.addLayout(actions)
        layout.addWidget(dialog_buttons(self, "Lưu", self.save))
        self.load()

    def load(self) -> None:
        self.rows = sq.points_table()
        self.spins: dict[str, QDoubleSpinBox] = {}
        self.table.setRowCount(len(self.rows))
        for r, d in enumerate(self.rows):
            for c, text in enumerate((si.GROUP_NAMES[d.group], d.name, "Nhập tay" if d.manual else "Tự tính")):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(r, c, item)
            spin = QDoubleSpinBox()
            spin.setRange(0, 100)
            spin.setDecimals(2)
            spin.setValue(d.max_points)
            spin.valueChanged.connect(self._update_sums)
            self.table.setCellWidget(r, 3, spin)
            self.spins[d.key] = spin
        self._update_sums()

    def changes(self) -> dict[str, float]:
        return {d.key: self.spins[d.key].value() for d in self.rows
                if abs(self.spins[d.key].value() - d.max_points) > 1e-9}

    def _update_sums(self, *_args) -> None:
        parts = []
        for g in si.GROUPS:
            total = sum(self.spins[d.key].value() for d in self.rows if d.group == g.key)
            mark = "" if abs(total - g.max_points) < 1e-9 else f" (theo Quyết định: {vn_number(g.max_points)})"
            parts.append(f"{g.name}: {vn_number(round(total, 2), 2)}{mark}")
        self.sums.setText("Tổng theo nhóm — " + "; ".join(parts))

    def save(self) -> None:
        changes = self.changes()
        if not changes:
            self.accept()
            return
        if save(self, self.ctx, lambda: sq.set_points_table(self.ctx.actor, changes)):
            self.accept()

    def add_manual(self) -> None:
        group, name, points = self.group.currentData(), self.new_name.text(), self.new_points.value()
        if save(self, self.ctx, lambda: sq.add_manual_indicator(self.ctx.actor, group, name, points)):
            self.new_name.clear()
            self.load()

    def remove_manual(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        key = self.rows[row].key
        if save(self, self.ctx, lambda: sq.remove_manual_indicator(self.ctx.actor, key)):
            self.load()

    def reset(self) -> None:
        if save(self, self.ctx, lambda: sq.reset_points_table(self.ctx.actor)):
            self.load()


class ManualValuesDialog(QDialog):
    """The figures entered by hand: the list, and a form to add or correct one (a percent, or a
    numerator and a denominator) for a period and the Department or one unit."""

    def __init__(self, ctx, period: Period, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Số liệu nhập tay của chỉ số phục vụ")
        self.resize(1000, 600)
        self.view = DataTableView(RowTableModel(_manual_columns(), key=lambda v: v.id), self,
                                  export_name="so-lieu-nhap-tay")
        self.view.setObjectName("manualValues")
        self.view.current_changed.connect(self._fill)
        self.key = QComboBox()
        self.key.setObjectName("manualKey")
        for d in sq.points_table():
            if d.manual:
                self.key.addItem(d.name, d.key)
        self.first = date_edit(period.start)
        self.last = date_edit(period.end)
        self.unit = QComboBox()
        self.unit.addItem("Toàn Sở", None)
        for u in org.units():
            self.unit.addItem(u.name, u.id)
        self.by_rate = QRadioButton("Tỷ lệ (%)")
        self.by_counts = QRadioButton("Tử số / mẫu số")
        self.by_rate.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.by_rate)
        modes.addButton(self.by_counts)
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0, 100)
        self.rate.setDecimals(2)
        self.numerator = QDoubleSpinBox()
        self.denominator = QDoubleSpinBox()
        for spin in (self.numerator, self.denominator):
            spin.setRange(0, 10_000_000)
            spin.setDecimals(0)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Nguồn số liệu, ví dụ: báo cáo của Cổng Dịch vụ công quốc gia")
        form = QFormLayout()
        form.addRow("Chỉ số", self.key)
        span = QHBoxLayout()
        span.addWidget(self.first)
        span.addWidget(QLabel("đến"))
        span.addWidget(self.last)
        span.addStretch(1)
        form.addRow("Kỳ", span)
        form.addRow("Đơn vị", self.unit)
        values = QHBoxLayout()
        for widget in (self.by_rate, self.rate, self.by_counts, self.numerator, QLabel("/"), self.denominator):
            values.addWidget(widget)
        values.addStretch(1)
        form.addRow("Số liệu", values)
        form.addRow("Ghi chú", self.note)
        save_button = QPushButton("Lưu số liệu")
        save_button.setObjectName("saveManual")
        save_button.clicked.connect(self.save)
        delete = QPushButton("Xóa dòng đang chọn")
        delete.clicked.connect(self.delete)
        close = QPushButton("Đóng")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(save_button)
        buttons.addWidget(delete)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.by_rate.toggled.connect(self._mode)
        self._mode()
        self.load()

    def _mode(self, *_args) -> None:
        rate = self.by_rate.isChecked()
        self.rate.setEnabled(rate)
        self.numerator.setEnabled(not rate)
        self.denominator.setEnabled(not rate)

    def load(self) -> None:
        self.view.set_rows(sq.manual_values())

    def _fill(self, value) -> None:
        if value is None:
            return
        from par_desktop.ui.dialogs.task_dialogs import to_qdate

        self.key.setCurrentIndex(max(0, self.key.findData(value.key)))
        self.first.setDate(to_qdate(value.start))
        self.last.setDate(to_qdate(value.end))
        self.unit.setCurrentIndex(max(0, self.unit.findData(value.unit_id)))
        counts = value.denominator is not None
        (self.by_counts if counts else self.by_rate).setChecked(True)
        self.rate.setValue(value.value or 0)
        self.numerator.setValue(value.numerator or 0)
        self.denominator.setValue(value.denominator or 0)
        self.note.setText(value.note)

    def save(self) -> None:
        key, first, last = self.key.currentData(), from_qdate(self.first.date()), from_qdate(self.last.date())
        unit_id, note = self.unit.currentData(), self.note.text()
        if self.by_rate.isChecked():
            values = {"value": self.rate.value()}
        else:
            values = {"numerator": self.numerator.value(), "denominator": self.denominator.value()}
        if key is None:
            return
        if save(self, self.ctx, lambda: sq.set_manual_value(self.ctx.actor, key, first, last, unit_id=unit_id,
                                                           note=note, **values)):
            self.load()

    def delete(self) -> None:
        value = self.view.current_row()
        if value is not None and save(self, self.ctx, lambda: sq.delete_manual_value(self.ctx.actor, value.id)):
            self.load()


class WaveDialog(QDialog):
    """A new survey wave (it gets a copy of the default questionnaire)."""

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.created: survey.Wave | None = None
        self.setWindowTitle("Đợt khảo sát mới")
        self.name = QLineEdit()
        self.name.setObjectName("waveName")
        self.name.setPlaceholderText(f"Ví dụ: Quý {['I', 'II', 'III', 'IV'][(date.today().month - 1) // 3]}/"
                                     f"{date.today().year}")
        self.first = date_edit(date.today().replace(day=1))
        self.last = date_edit(date.today())
        self.note = QLineEdit()
        form = QFormLayout(self)
        form.addRow("Tên đợt", self.name)
        form.addRow("Từ ngày", self.first)
        form.addRow("Đến ngày", self.last)
        form.addRow("Ghi chú", self.note)
        form.addRow(dialog_buttons(self, "Tạo đợt", self.save))

    def save(self) -> None:
        name, first, last, note = self.name.text(), from_qdate(self.first.date()), from_qdate(self.last.date()), \
            self.note.text()
        result = save(self, self.ctx, lambda: survey.create_wave(self.ctx.actor, name, started_on=first, ended_on=last,
                                                                note=note))
        if result:
            self.created = result.value
            self.accept()


class QuestionnaireDialog(QDialog):
    """The default questionnaire (new waves copy it) or the questions of one wave: code A1.1…A5.n and
    the wording; a wave's question that has answers cannot be removed."""

    def __init__(self, ctx, wave: survey.Wave | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.wave = ctx, wave
        self.setWindowTitle("Bảng hỏi khảo sát")
        self.resize(860, 620)
        self.scope = QComboBox()
        self.scope.setObjectName("questionnaireScope")
        self.scope.addItem("Bảng hỏi mặc định (cho các đợt mới)", None)
        if wave is not None:
            self.scope.addItem(f"Câu hỏi của đợt «{wave.name}»", wave.id)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("questionTable")
        self.table.setHorizontalHeaderLabels(["Mã", "Nội dung câu hỏi"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        add = QPushButton("Thêm câu hỏi")
        add.clicked.connect(self.add_row)
        remove = QPushButton("Xóa câu hỏi")
        remove.clicked.connect(self.remove_row)
        self.reset_button = QPushButton("Khôi phục bảng hỏi mặc định")
        self.reset_button.clicked.connect(self.reset)
        row = QHBoxLayout()
        for button in (add, remove, self.reset_button):
            row.addWidget(button)
        row.addStretch(1)
        aspects = "; ".join(f"{code} {name}" for code, name in survey_rules.ASPECTS)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scope)
        layout.addWidget(note_label(f"Năm khía cạnh: {aspects}. Mã câu hỏi ghi theo dạng A1.1 (khía cạnh, số thứ tự)."))
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(dialog_buttons(self, "Lưu", self.save))
        self.scope.currentIndexChanged.connect(self.load)
        self.load()

    def load(self, *_args) -> None:
        wave_id = self.scope.currentData()
        rows = survey.default_questionnaire() if wave_id is None else \
            [(q.code, q.text) for q in survey.questions(wave_id)]
        self.loaded = list(rows)
        self.table.setRowCount(0)
        for code, text in rows:
            self._append(code, text)
        self.reset_button.setVisible(wave_id is None)

    def _append(self, code: str, text: str) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(code))
        self.table.setItem(r, 1, QTableWidgetItem(text))

    def typed(self) -> list[tuple[str, str]]:
        out = []
        for r in range(self.table.rowCount()):
            code, text = (self.table.item(r, c).text() if self.table.item(r, c) else "" for c in (0, 1))
            if code.strip() or text.strip():
                out.append((code.strip(), text))
        return out

    def add_row(self) -> None:
        self._append("", "")
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        self.table.editItem(self.table.item(self.table.rowCount() - 1, 0))

    def remove_row(self) -> None:
        if self.table.currentRow() >= 0:
            self.table.removeRow(self.table.currentRow())

    def reset(self) -> None:
        if save(self, self.ctx, lambda: survey.set_default_questionnaire(self.ctx.actor, None)):
            self.load()

    def save(self) -> None:
        rows, wave_id = self.typed(), self.scope.currentData()
        if wave_id is None:
            ok = save(self, self.ctx, lambda: survey.set_default_questionnaire(self.ctx.actor, rows))
        else:
            ok = save(self, self.ctx, lambda: survey.save_questions(self.ctx.actor, wave_id, rows))
        if ok:
            self.accept()


class OfficialDialog(QDialog):
    """The Department's official SIPAS result, entered beside the wave's own index."""

    def __init__(self, ctx, wave: survey.Wave, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.wave = ctx, wave
        self.setWindowTitle(f"Kết quả SIPAS chính thức — {wave.name}")
        self.index = QDoubleSpinBox()
        self.index.setObjectName("officialIndex")
        self.index.setRange(0, 100)
        self.index.setDecimals(2)
        self.index.setSuffix(" %")
        self.index.setValue(wave.official_index or 0)
        self.source = QLineEdit(wave.official_source)
        self.source.setPlaceholderText("Ví dụ: Quyết định số …/QĐ-UBND ngày … công bố Chỉ số SIPAS")
        form = QFormLayout(self)
        form.addRow("Chỉ số SIPAS", self.index)
        form.addRow("Nơi công bố", self.source)
        form.addRow(dialog_buttons(self, "Lưu", self.save))

    def save(self) -> None:
        value, source = self.index.value(), self.source.text()
        if save(self, self.ctx, lambda: survey.set_official(self.ctx.actor, self.wave.id, value, source)):
            self.accept()


# ---- the survey import -------------------------------------------------------------------------------

SCORE_CHOICES = [(f"{score} – {word}", score) for score, word in survey_rules.SCALE_WORDS.items()] + \
    [("Không hợp lệ (loại khỏi câu hỏi)", None)]


class WordMappingDialog(QDialog):
    """The rating words of a file the app does not know, with the rows they are on: the clerk says what
    each means (1–5, or not an answer); the choice is remembered for every later file."""

    def __init__(self, words: dict[str, list[int]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Từ đánh giá chưa biết")
        self.resize(760, 420)
        self.words = list(words)
        self.table = QTableWidget(len(words), 3)
        self.table.setObjectName("wordTable")
        self.table.setHorizontalHeaderLabels(["Từ trong tệp", "Ở các dòng", "Nghĩa"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.choices: list[QComboBox] = []
        for r, (word, rows) in enumerate(words.items()):
            for c, text in enumerate((word, ", ".join(map(str, rows[:20])) + ("…" if len(rows) > 20 else ""))):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(r, c, item)
            combo = QComboBox()
            combo.addItem("— chọn —", "unset")
            for text, score in SCORE_CHOICES:
                combo.addItem(text, score)
            self.table.setCellWidget(r, 2, combo)
            self.choices.append(combo)
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(2, 260)
        self.hint = note_label("Chọn nghĩa cho mọi từ rồi bấm «Nhập»; chương trình ghi nhớ để dùng cho các lần sau.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        layout.addWidget(dialog_buttons(self, "Nhập", self._check))

    def mapping(self) -> dict[str, int | None]:
        return {word: combo.currentData() for word, combo in zip(self.words, self.choices)}

    def _check(self) -> None:
        if any(value == "unset" for value in self.mapping().values()):
            self.hint.setText("Còn từ chưa chọn nghĩa.")
            self.hint.setStyleSheet(f"color: {state_color('late').name()};")
            return
        self.accept()


class ImportTargetDialog(QDialog):
    """Which wave a file goes into: an existing one, or a new name (created with the default questionnaire)."""

    def __init__(self, file_name: str, wave_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Nhập phiếu khảo sát")
        self.wave = QComboBox()
        self.wave.setObjectName("importWave")
        self.wave.setEditable(True)
        for w in survey.waves():
            self.wave.addItem(w.name)
        self.wave.setCurrentText(wave_name)
        form = QFormLayout(self)
        form.addRow("Tệp", QLabel(file_name))
        form.addRow("Vào đợt", self.wave)
        form.addRow(note_label("Gõ tên mới để tạo đợt mới với bảng hỏi mặc định."))
        form.addRow(dialog_buttons(self, "Nhập"))

    def wave_name(self) -> str:
        return nfc(self.wave.currentText())


def import_survey_file(ctx, parent: QWidget, wave_name: str, *, path=None,
                       on_done: Callable[[survey.ImportSummary], None] | None = None) -> None:
    """Choose a file and a wave; the words the app does not know are asked first, then the import runs in
    the background (all or nothing) and its summary is shown."""
    from par_desktop.ui.errors import show_message
    from par_desktop.ui.export import ask_open_paths
    from par_desktop.ui.operations import run_operation

    if path is None:
        paths = ask_open_paths(parent, "Nhập phiếu khảo sát", "Bảng tính (*.xlsx *.xls *.csv)")
        if not paths:
            return
        path = paths[0]
    target = ImportTargetDialog(path.name, wave_name, parent)
    if not target.exec() or not target.wave_name():
        return
    wave = target.wave_name()

    def imported(summary: survey.ImportSummary) -> None:
        lines = [f"Đã nhập {vn_number(summary.imported)} phiếu vào đợt «{summary.wave}» từ {summary.file}.",
                 *summary.lines()]
        show_message(parent, "Nhập phiếu khảo sát", "\n".join(lines))
        if on_done is not None:
            on_done(summary)

    def run(mapping: dict[str, int | None]) -> None:
        save(parent, ctx, lambda progress: survey.import_responses(ctx.actor, path, wave, mapping=mapping,
                                                                   progress=progress.report),
             background="Đang nhập phiếu khảo sát", on_saved=imported)

    def checked(words: dict[str, list[int]]) -> None:
        if not words:
            run({})
            return
        dialog = WordMappingDialog(words, parent)
        if dialog.exec():
            run(dialog.mapping())

    run_operation(parent, "Đang đọc tệp khảo sát", lambda _p: survey.unknown_words(path), checked, cancellable=False)
