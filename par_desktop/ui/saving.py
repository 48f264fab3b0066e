"""One way to save from the GUI, in the spirit of Anki's ``CollectionOp``: ``save()`` runs a write, settles
a conflict with the clerk, shows any error, and tells every open view that the data changed.

    result = save(self, ctx, lambda version: org.update_unit(actor, unit.id, version, **changes),
                  version=unit.version, edit=Edit(base=stored, mine=typed, labels=UNIT_LABELS),
                  on_reload=self.reopen_with)
    if result:
        self.accept()

- ``write(version)`` receives ``version``, or None once the clerk chose "Ghi đè" (overwrite); a write
  without ``version`` (creating, deleting, an action) is called with no argument.
- A conflict (someone saved the record first) opens ``ConflictDialog``: per changed field what the clerk
  typed and what is stored now, who stored it and when. "Tải lại" calls ``on_reload(kept)`` with the
  clerk's typed values for the fields the other clerk did not change: the caller reopens its editor on
  the stored record with those typed in again. "Hủy" goes back to the editor as it was.
- ``background="Đang nhập …"`` runs a long write on a worker thread (``ui.operations.run_operation``) with
  that progress title; the write then also gets ``progress=`` (``ui.operations.Progress``) to report to
  the dialog. ``save`` then returns the running ``Operation`` and the result comes to ``on_saved``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from par_desktop.errors import ConflictError, UserError
from par_desktop.services import audit
from par_desktop.services.audit import ChangeMark
from par_desktop.ui import errors as ui_errors
from par_desktop.ui.errors import CANCEL, OVERWRITE, RELOAD, MessageDialog, format_value, parent_window
from par_desktop.ui.operations import Operation, run_operation
from par_desktop.ui.status_style import state_background

_NO_VERSION = object()


@dataclass(frozen=True)
class Edit:
    """What an editor saves, keyed by the record's field names (``ConflictError.current``'s keys):
    ``base`` as the record was when the editor opened it, ``mine`` as the clerk typed it. ``labels`` name
    the fields for the clerk (only these are shown); ``formats`` show a value that plain formatting would
    not (a kind key as its Vietnamese label, a unit id as its name)."""

    base: Mapping[str, Any]
    mine: Mapping[str, Any]
    labels: Mapping[str, str]
    formats: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)

    def show(self, name: str, value: Any) -> str:
        shown = self.formats.get(name)
        return shown(value) if shown is not None else format_value(value)

    def typed(self) -> set[str]:
        """The fields the clerk changed."""
        return {name for name, value in self.mine.items() if value != self.base.get(name)}

    def theirs(self, current: Mapping[str, Any]) -> set[str]:
        """The fields another clerk changed: stored now differs from what the editor opened."""
        return {name for name in self.labels if name in current and name in self.base
                and current[name] != self.base[name]}

    def kept(self, current: Mapping[str, Any]) -> dict[str, Any]:
        """What "Tải lại" keeps: the clerk's values for the fields the other clerk did not change."""
        theirs = self.theirs(current)
        return {name: self.mine[name] for name in self.typed() if name not in theirs}


@dataclass(frozen=True)
class ConflictRow:
    name: str
    label: str
    mine: str          # what the clerk typed ("" when this editor does not edit the field)
    theirs: str        # what is stored now
    who: str           # who stored it, and when ("" when the other clerk did not change it)
    when: str
    both: bool         # both clerks changed it: the real disagreement


def conflict_rows(exc: ConflictError, edit: Edit, marks: Mapping[str, ChangeMark]) -> list[ConflictRow]:
    """The changed fields, in the editor's label order: the other clerk's changes and the clerk's own."""
    theirs, typed = edit.theirs(exc.current), edit.typed()
    rows = []
    for name, label in edit.labels.items():
        if name not in theirs and name not in typed:
            continue
        mark = marks.get(name) if name in theirs else None
        stored = exc.current.get(name, edit.base.get(name))
        rows.append(ConflictRow(name, label, edit.show(name, edit.mine[name]) if name in edit.mine else "",
                                edit.show(name, stored), mark.who if mark else "",
                                format_value(mark.at) if mark else "", name in theirs and name in typed))
    return rows


class ConflictDialog(MessageDialog):
    """Someone saved the record first: per changed field, mine and theirs with who and when; the clerk
    chooses Tải lại (keep my other typing) / Ghi đè / Hủy."""

    HEADERS = ("Thông tin", "Bạn nhập", "Đang lưu (người khác đã sửa)", "Người sửa", "Lúc")

    def __init__(self, parent: QWidget | None, exc: ConflictError, rows: list[ConflictRow]):
        table = QTableWidget(len(rows), len(self.HEADERS))
        table.setObjectName("conflictTable")
        table.setHorizontalHeaderLabels(list(self.HEADERS))
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, text in enumerate((row.label, row.mine, row.theirs, row.who, row.when)):
                item = QTableWidgetItem(text)
                if row.both:
                    item.setBackground(state_background("near_due"))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                       QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(column, mode)
        table.setWordWrap(True)
        table.resizeRowsToContents()
        people = sorted({row.who for row in rows if row.who})
        who = f" ({', '.join(people)})" if people else ""
        message = (f"Người khác{who} đã lưu bản ghi này sau khi bạn mở. Các dòng tô màu là chỗ hai người "
                   "cùng sửa.\n«Tải lại»: mở lại dữ liệu mới nhất, giữ những gì bạn đã nhập ở các mục người kia "
                   "không sửa. «Ghi đè»: lưu những gì bạn nhập đè lên. «Hủy»: quay lại sửa tiếp.")
        super().__init__(parent, "Dữ liệu đã bị người khác thay đổi", message, detail=exc.message,
                         buttons=[("Tải lại", RELOAD), ("Ghi đè", OVERWRITE), ("Hủy", CANCEL)], extra=table)
        self.rows = rows
        self.table = table
        self.resize(920, 420)


@dataclass(frozen=True)
class Saved:
    """The outcome of ``save``: true when the write was committed (``value``: what it returned)."""

    ok: bool
    value: Any = None
    choice: str = ""     # after a conflict that was not overwritten: RELOAD or CANCEL

    def __bool__(self) -> bool:
        return self.ok


def save(parent: QWidget | None, ctx, write: Callable[..., Any], *, version: Any = _NO_VERSION,
         edit: Edit | None = None, on_saved: Callable[[Any], None] | None = None,
         on_reload: Callable[[dict[str, Any]], None] | None = None, on_failed: Callable[[], None] | None = None,
         background: str = "") -> Saved | Operation:
    """Run ``write``, settle a conflict, show errors, notify the views (see the module docstring).
    ``on_failed()`` runs after an error was shown (e.g. to show what a half-done write left)."""
    run = _Save(parent, ctx, write, version, edit, on_saved, on_reload, on_failed)
    if background:
        return run.start_in_background(background)
    return run.now()


class _Save:
    """One run of ``save``: the write, then the conflict, the error or the notification."""

    def __init__(self, parent, ctx, write, version, edit, on_saved, on_reload, on_failed):
        self.parent, self.ctx, self.edit = parent, ctx, edit
        self.on_saved, self.on_reload, self.on_failed = on_saved, on_reload, on_failed
        self.write, self.versioned = write, version is not _NO_VERSION
        self.version = version if self.versioned else None

    def call(self, version: Any, **progress: Any) -> Any:
        return self.write(version, **progress) if self.versioned else self.write(**progress)

    # ---- on the GUI thread --------------------------------------------------------------------

    def now(self) -> Saved:
        version = self.version
        while True:
            try:
                value = self.call(version)
            except ConflictError as exc:
                choice = self._ask(exc)
                if choice == OVERWRITE:
                    version = None
                    continue
                return Saved(False, choice=choice)
            except Exception as exc:  # noqa: BLE001 — shown: a clerk's message, or the crash dialog for a bug
                self._show(exc)
                return Saved(False)
            return self._done(value)

    # ---- on a worker thread ---------------------------------------------------------------------

    def start_in_background(self, title: str, version: Any = _NO_VERSION) -> Operation:
        version = self.version if version is _NO_VERSION else version
        return run_operation(self.parent, title, lambda progress: self.call(version, progress=progress),
                             self._done, cancellable=False, on_error=lambda exc: self._failed(exc, title))

    def _failed(self, exc: BaseException, title: str) -> None:
        if isinstance(exc, ConflictError):
            if self._ask(exc) == OVERWRITE:
                self.start_in_background(title, None)
            return
        self._show(exc)

    def _show(self, exc: BaseException) -> None:
        ui_errors.show_error(self.parent, exc)
        if self.on_failed is not None:
            self.on_failed()

    # ---- both -------------------------------------------------------------------------------------

    def _done(self, value: Any) -> Saved:
        if self.ctx is not None:   # None: no view is open yet (the first-start wizard)
            self.ctx.notify_changed()
        if self.on_saved is not None:
            self.on_saved(value)
        return Saved(True, value)

    def _ask(self, exc: ConflictError) -> str:
        rows = conflict_rows(exc, self.edit, _marks(exc)) if self.edit is not None else []
        choice = ConflictDialog(parent_window(self.parent), exc, rows).ask()
        if choice == RELOAD and self.on_reload is not None:
            try:
                self.on_reload(self.edit.kept(exc.current) if self.edit is not None else {})
            except Exception as error:  # noqa: BLE001 — e.g. the record was deleted meanwhile: say so
                ui_errors.show_error(self.parent, error)
        return choice


def _marks(exc: ConflictError) -> dict[str, ChangeMark]:
    try:
        return audit.last_changes(exc.table, exc.record_id)
    except UserError:   # the trail cannot be read just now: the dialog shows the values without names
        return {}
