"""The button row of a dialog, with Vietnamese labels (Qt ships no Vietnamese translation)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox


def dialog_buttons(dialog: QDialog, ok_text: str = "Lưu", on_ok: Callable[[], None] | None = None) -> QDialogButtonBox:
    """OK (``ok_text``, the default button: Enter) and "Hủy" (Esc). OK runs ``on_ok`` — e.g. a check
    that then accepts — or simply accepts the dialog."""
    box = QDialogButtonBox()
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setDefault(True)
    ok.setObjectName("okButton")
    cancel = box.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
    cancel.setObjectName("cancelButton")
    box.accepted.connect(on_ok or dialog.accept)
    box.rejected.connect(dialog.reject)
    return box
