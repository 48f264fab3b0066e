"""Keyboard rules that hold in every window of the app, installed once on the QApplication.

- Tab leaves a date or date-time field. Qt's QDateTimeEdit uses Tab to walk its own sections (day,
  month, year, hour, minute: five Tabs to leave a moment); here the clerk types the digits — a full
  section moves on by itself, ← → move between sections — and Tab goes to the next field, as in every
  other field.

The rule watches only the date fields the clerk goes into: it is attached to a field when the field
first gets the focus (``QApplication.focusChanged``, a signal sent on focus changes only). Installed on
the application instead, the filter saw every event of every widget through Python — some 4,000 while
the first window was drawn (docs/startup.md).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QDateTimeEdit, QLineEdit, QWidget


class _KeyboardRules(QObject):
    def follow_focus(self, _old: QWidget | None, now: QWidget | None) -> None:
        """Watch the date field the focus went into (installing twice only moves the filter first)."""
        field = _date_field_of(now)
        if field is not None:
            field.installEventFilter(self)
            if now is not field:
                now.installEventFilter(self)   # the field's text box, which gets the keys

    def eventFilter(self, watched, event) -> bool:   # Qt's name
        if event.type() != QEvent.Type.KeyPress or event.key() not in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            return False
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        field = _date_field_of(watched)
        if field is None:
            return False
        forward = event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        # QWidget's own focus chain (QAbstractSpinBox does not walk sections), not QDateTimeEdit's.
        QAbstractSpinBox.focusNextPrevChild(field, forward)
        return True


def _date_field_of(widget) -> QDateTimeEdit | None:
    """The date (time) field ``widget`` is, or is the text box of."""
    if isinstance(widget, QDateTimeEdit):
        return widget
    if isinstance(widget, QWidget) and isinstance(widget.parentWidget(), QDateTimeEdit):
        return widget.parentWidget()
    return None


_rules: _KeyboardRules | None = None


def install(app: QApplication) -> None:
    """Install the rules on ``app`` (once)."""
    global _rules
    if _rules is None:
        _rules = _KeyboardRules()
        app.focusChanged.connect(_rules.follow_focus)


def installed() -> bool:
    return _rules is not None


def uninstall(app: QApplication) -> None:
    """Remove the rules (a test that installed them in a shared application)."""
    global _rules
    if _rules is not None:
        app.focusChanged.disconnect(_rules.follow_focus)
        for field in (w for w in app.allWidgets() if isinstance(w, QDateTimeEdit)):
            for watched in (field, *field.findChildren(QLineEdit)):
                watched.removeEventFilter(_rules)
        _rules = None
