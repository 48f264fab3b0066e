"""The choosers of the statistics pages: the reporting period (month, quarter, half-year or year with the
Nghị định 09/2019 cut-offs from the settings, or any range; DOMAIN.md §5) and the unit beside it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from par_desktop.domain import periods
from par_desktop.domain.text import to_roman
from par_desktop.ui.dialogs.task_dialogs import date_edit, from_qdate, to_qdate

KINDS = [("Tháng", "month"), ("Quý", "quarter"), ("6 tháng", "half"), ("Năm", "year"), ("Tùy chọn", "range")]


class PeriodPicker(QWidget):
    """Kỳ [kind] [number] năm [year] Từ [date] đến [date]; ``changed`` when the clerk picks another period."""

    changed = Signal()

    def __init__(self, cutoff: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.cutoff = cutoff
        today = date.today()
        self.kind = QComboBox()
        self.kind.setObjectName("periodKind")
        for text, key in KINDS:
            self.kind.addItem(text, key)
        self.number = QComboBox()
        self.number.setObjectName("periodNumber")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.first = date_edit(today.replace(day=1))
        self.last = date_edit(today)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("Kỳ"), self.kind, self.number, QLabel("năm"), self.year, QLabel("Từ"), self.first,
                       QLabel("đến"), self.last):
            layout.addWidget(widget)
        self._quiet = True
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for signal in (self.number.currentIndexChanged, self.year.valueChanged, self.first.dateChanged,
                       self.last.dateChanged):
            signal.connect(self._changed)
        self._kind_changed()
        self.select_current()
        self._quiet = False

    def period(self) -> periods.Period:
        kind, year, n = self.kind.currentData(), self.year.value(), self.number.currentData()
        if kind == "month":
            return periods.report_month(year, n, self.cutoff)
        if kind == "quarter":
            return periods.report_quarter(year, n, self.cutoff)
        if kind == "half":
            return periods.report_half(year, n, self.cutoff)
        if kind == "year":
            return periods.report_year(year, self.cutoff)
        first, last = from_qdate(self.first.date()), from_qdate(self.last.date())
        return periods.date_range(min(first, last), max(first, last))

    def set_period(self, kind: str, year: int, number: int | None = None) -> None:
        """Choose a preset; ``changed`` once."""
        self._quiet = True
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.year.setValue(year)
        if number is not None:
            self.number.setCurrentIndex(self.number.findData(number))
        self._quiet = False
        self._show_dates()
        self.changed.emit()

    def set_range(self, first: date, last: date) -> None:
        self._quiet = True
        self.kind.setCurrentIndex(self.kind.findData("range"))
        self.first.setDate(to_qdate(first))
        self.last.setDate(to_qdate(last))
        self._quiet = False
        self.changed.emit()

    def select_current(self) -> None:
        """The reporting month that contains today."""
        current = periods.report_period_of(date.today(), "month", self.cutoff)
        quiet, self._quiet = self._quiet, True
        self.kind.setCurrentIndex(self.kind.findData("month"))
        self.year.setValue(current.end.year)
        self.number.setCurrentIndex(self.number.findData(current.end.month))
        self._quiet = quiet
        self._show_dates()

    def _show_dates(self) -> None:
        """A preset's first and last day in the (disabled) date fields: the clerk sees which days a
        reporting period with the cut-off covers, and "Tùy chọn" starts from them."""
        kind = self.kind.currentData()
        if kind == "range" or kind != "year" and self.number.currentData() is None:
            return
        period = self.period()
        for edit, day in ((self.first, period.start), (self.last, period.end)):
            edit.blockSignals(True)
            edit.setDate(to_qdate(day))
            edit.blockSignals(False)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.number.blockSignals(True)
        self.number.clear()
        if kind == "month":
            for m in range(1, 13):
                self.number.addItem(f"Tháng {m}", m)
        elif kind == "quarter":
            for q in range(1, 5):
                self.number.addItem(f"Quý {to_roman(q)}", q)
        elif kind == "half":
            self.number.addItem("6 tháng đầu năm", 1)
            self.number.addItem("6 tháng cuối năm", 2)
        self.number.blockSignals(False)
        self.number.setVisible(kind in ("month", "quarter", "half"))
        self.year.setEnabled(kind != "range")
        for edit in (self.first, self.last):
            edit.setEnabled(kind == "range")
        self._changed()

    def _changed(self, *_args) -> None:
        if not self._quiet:
            self._show_dates()
            self.changed.emit()


def refill_units(combo: QComboBox, units) -> None:
    """Put the active units after the combo's first entry ("all units"), keeping the one chosen; no signal."""
    refill_choices(combo, [(u.id, u.name) for u in units])


def refill_choices(combo: QComboBox, items) -> None:
    """Put ``items`` (data, text) after the combo's first entry ("all …"), keeping the one chosen while it
    is still offered; no signal."""
    current = combo.currentData()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for data, text in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
    combo.blockSignals(False)
