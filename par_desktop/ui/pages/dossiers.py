"""Hồ sơ TTHC: every dossier with its live countdown, filters by state / unit / field / period, a detail
panel (timeline, hand-overs, pauses, the explanation and apology of an overdue dossier) and the import
of the one-stop export (Ctrl+I, or files dropped on the window) with its summary.

The table is lazy (``DossierTableModel``): the database filters, sorts and pages, so 100,000 dossiers
scroll without freezing; the countdown of the rows on screen is recomputed every minute.

The search box answers each key within a few tens of milliseconds: the search texts of every dossier
are read once in the background (and again after every change of the data), the words are matched in
memory, and the typing pause waited for is short. Until the texts are read, the search runs in SQL
with the longer pause of the other lists.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget,
    QMenu, QPushButton, QScrollArea, QSizePolicy, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from par_desktop.domain.text import ui_moment, unit_key, vn_number
from par_desktop.domain.timers import remaining_text
from par_desktop.errors import InvalidInput, PermissionDenied
from par_desktop.importers.dossiers import AmbiguousDates
from par_desktop.services import org, procedures
from par_desktop.services.dossiers import due_lists, explanations, handovers
from par_desktop.services.dossiers import editing as dossier_editing
from par_desktop.services.dossiers import importing as dossier_import
from par_desktop.services.dossiers import listing as dossier_listing
from par_desktop.services.dossiers import pauses as dossier_pauses
from par_desktop.services.dossiers import results as dossier_results
from par_desktop.services.dossiers import timing as dossier_timing
from par_desktop.services.dossiers.detail import DossierDetail as DossierDetailData, dossier_detail
from par_desktop.ui.context import AppContext
from par_desktop.ui.dialogs.dossier_dialogs import (
    DOSSIER_LABELS, EXPLANATION_LABELS, DossierDialog, ExplanationEditor, HandoverDialog, ImportSummaryDialog,
    MomentDialog, ReturnResultDialog, ask_date_order, dossier_fields, dossier_formats,
)
from par_desktop.ui.dialogs.task_dialogs import UnitMappingDialog, date_edit, from_qdate
from par_desktop.ui.errors import RELOAD, ask_yes_no, show_error
from par_desktop.ui import export as ui_export
from par_desktop.ui import shortcuts
from par_desktop.ui.models.dossiers_model import COLUMN_INDEX, DossierTableModel
from par_desktop.ui.operations import run_in_background, run_operation
from par_desktop.ui.saving import Edit, save
from par_desktop.ui.status_style import badge_stylesheet, state_label
from par_desktop.ui.widgets.filter_bar import ALL, FilterBar
from par_desktop.ui.widgets.table import NoMatchNote, select_only_row
from par_desktop.ui.widgets.viewport import own_viewport

IMPORT_FILES = "Tệp xuất từ phần mềm một cửa (*.xlsx *.xls *.csv)"
STATE_FILTERS = [
    ("Đang giải quyết", "open"), ("Quá hạn", "overdue"), ("Sắp đến hạn", "near_due"), ("Trong hạn", "within_time"),
    ("Tạm dừng (chờ bổ sung)", "paused"), ("Đã giải quyết", "closed"), ("Trước hạn", "early"),
    ("Đúng hạn", "on_time"), ("Trễ hạn", "late"),
]
SQL_SEARCH_DEBOUNCE_MS = 250     # each key is a full-table LIKE scan: wait for a pause in the typing
MEMORY_SEARCH_DEBOUNCE_MS = 30   # each key is a few ms of matching in memory
TIMELINE_ICONS = {"received": "•", "start": "•", "handover": "→", "pause": "‖", "resume": "▸",
                  "result": "◆", "closed": "✓"}


class ReceivedRange(QWidget):
    """"Tiếp nhận từ … đến …": the period filter, off until ticked."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        today = date.today()
        self.check = QCheckBox("Tiếp nhận từ")
        self.check.setObjectName("receivedRange")
        self.first = date_edit(today.replace(day=1))
        self.last = date_edit(today)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.first)
        layout.addWidget(QLabel("đến"))
        layout.addWidget(self.last)
        for edit in (self.first, self.last):
            edit.setEnabled(False)
            self.check.toggled.connect(edit.setEnabled)

    def span(self) -> tuple[date | None, date | None]:
        if not self.check.isChecked():
            return None, None
        return from_qdate(self.first.date()), from_qdate(self.last.date())


class DossierDetail(QWidget):
    """The right-hand panel: facts, countdown, timeline, and the explanation of an overdue dossier."""

    def __init__(self, page: DossiersPage):
        super().__init__(page)
        self.page = page
        self.dossier_id: int | None = -1
        self.explanation_version: int | None = None
        self.explanation = None   # the explanation shown (services.dossiers.detail.ExplanationView)
        self.title = QLabel("Chọn một hồ sơ để xem chi tiết")
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.badge = QLabel()
        self.badge.setObjectName("detailBadge")
        self.badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.remaining = QLabel()
        self.remaining.setWordWrap(True)
        self.facts = QFormLayout()
        self.labels: dict[str, QLabel] = {}
        for key, caption in (("procedure", "Thủ tục"), ("applicant", "Người nộp"), ("channel", "Hình thức nộp"),
                             ("received", "Tiếp nhận"), ("start", "Bắt đầu tính"), ("due", "Hạn xử lý"),
                             ("result", "Có kết quả"), ("closed", "Trả kết quả"), ("unit", "Đơn vị xử lý"),
                             ("holder", "Đang giữ hồ sơ"), ("status", "Trạng thái phần mềm"),
                             ("service", "Số hóa, thanh toán")):
            label = QLabel()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.labels[key] = label
            self.facts.addRow(caption, label)
        self.timeline = QListWidget()
        self.timeline.setObjectName("timeline")
        self.timeline.setMinimumHeight(120)
        self.timeline.setWordWrap(True)
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.explanation_box = QGroupBox("Giải trình và xin lỗi (hồ sơ quá hạn)")
        self.editor = ExplanationEditor()
        self.save_explanation = QPushButton("Lưu giải trình")
        self.save_explanation.setObjectName("saveExplanation")
        self.save_explanation.clicked.connect(self._save_explanation)
        box = QVBoxLayout(self.explanation_box)
        box.addWidget(self.editor)
        box.addWidget(self.save_explanation, 0, Qt.AlignmentFlag.AlignRight)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        top = QHBoxLayout()
        top.addWidget(self.badge)
        top.addWidget(self.remaining, 1)
        layout.addLayout(top)
        layout.addLayout(self.facts)
        layout.addWidget(QLabel("<b>Diễn biến</b>"))
        layout.addWidget(self.timeline)
        layout.addWidget(self.explanation_box)
        layout.addStretch(1)
        self.show_dossier(None)

    def show_dossier(self, dossier_id: int | None) -> None:
        if dossier_id != self.dossier_id and self.page.detail_scroll is not None:
            self.page.detail_scroll.verticalScrollBar().setValue(0)
        self.dossier_id = dossier_id
        calendar = self.page.ctx.calendar()
        d = dossier_detail(dossier_id, calendar=calendar) if dossier_id is not None else None
        visible = d is not None
        for widget in (self.badge, self.remaining, self.timeline, self.explanation_box):
            widget.setVisible(visible)
        for label in self.labels.values():
            label.setText("")
        self.timeline.clear()
        if d is None:
            self.title.setText("Chọn một hồ sơ để xem chi tiết")
            return
        timer = d.timer
        self.title.setText(f"Hồ sơ {d.code}")
        self.badge.setText(state_label(timer.state) + (" · đã rút" if d.withdrawn else ""))
        self.badge.setStyleSheet(badge_stylesheet(timer.state))
        if timer.finished:
            self.remaining.setText(f"trễ {timer.days_late} ngày làm việc" if timer.days_late else "")
        else:
            self.remaining.setText(remaining_text(timer, calendar))
        values = {"procedure": d.procedure_name, "applicant": d.applicant,
                  "channel": d.channel_label, "received": ui_moment(d.received_at),
                  "start": ui_moment(d.start_at),
                  "due": ui_moment(timer.due_at) + (" (theo phần mềm một cửa)" if d.due_from_source else ""),
                  "result": ui_moment(d.result_at) + (" — chưa kết thúc, vẫn tính giờ" if d.result_at and not d.closed_at
                                                      else ""),
                  "closed": ui_moment(d.closed_at), "unit": d.unit_name,
                  "holder": d.holder_name, "status": d.status_text, "service": d.service_text}
        for key, text in values.items():
            self.labels[key].setText(text)
        for event in d.timeline:
            self.timeline.addItem(f"{TIMELINE_ICONS.get(event.kind, '•')} {ui_moment(event.moment)}  {event.text}")
        late_steps = d.late_steps
        if late_steps:
            self.timeline.addItem("⚠ Bước trễ hạn: " + "; ".join(
                f"{line.transfer.step_name or line.transfer.giver} ({line.transfer.giver}, {line.label.lower()})"
                for line in late_steps))
        explanation = self.explanation = d.explanation
        self.explanation_version = explanation.version if explanation else None
        self.editor.show_explanation(explanation)
        self.explanation_box.setVisible(timer.overdue or explanation is not None)
        actor = self.page.ctx.actor
        allowed = actor.can("explanations") and (actor.role != "unit" or actor.unit_id == d.unit_id)
        self.editor.setEnabled(allowed)
        self.save_explanation.setEnabled(allowed)
        self.save_explanation.setToolTip("" if allowed else "Chỉ đơn vị xử lý hồ sơ (hoặc Văn phòng) được ghi giải trình.")

    def _save_explanation(self) -> None:
        if self.dossier_id is None:
            return
        dossier_id, typed = self.dossier_id, self.editor.values()
        stored = {name: getattr(self.explanation, name) for name in typed} if self.explanation else {}

        def reload(kept: dict) -> None:
            self.show_dossier(dossier_id)
            self.editor.show_explanation(replace(self.explanation, **kept) if self.explanation else None)

        if save(self, self.page.ctx, lambda version: explanations.set_explanation(
                self.page.ctx.actor, dossier_id, expected_version=version, **typed),
                version=self.explanation_version, edit=Edit(stored, typed, EXPLANATION_LABELS),
                on_reload=reload):
            self.page.ctx.status_message.emit("Đã lưu giải trình.")
            self.show_dossier(dossier_id)


class DossiersPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = DossierTableModel(self)

        self.filters = FilterBar(self, placeholder="Tìm mã hồ sơ, người nộp, thủ tục (có dấu hoặc không dấu)…",
                                 debounce_ms=SQL_SEARCH_DEBOUNCE_MS)
        self.filters.add_combo("state", "Trạng thái", STATE_FILTERS, lambda _row, _value: True)
        self.filters.add_combo("unit", "Đơn vị", [], lambda _row, _value: True)
        self.filters.add_combo("field", "Lĩnh vực", [], lambda _row, _value: True)
        self.received_range = ReceivedRange(self)
        self.filters.add_widget(self.received_range)
        self.received_range.check.toggled.connect(self._filters_changed)
        self.received_range.first.dateChanged.connect(self._filters_changed)
        self.received_range.last.dateChanged.connect(self._filters_changed)
        self.filters.changed.connect(self._filters_changed)

        buttons = QHBoxLayout()
        self.new_button = QPushButton("Thêm hồ sơ")
        self.edit_button = QPushButton("Sửa")
        self.pause_button = QPushButton("Tạm dừng")
        self.resume_button = QPushButton("Tiếp tục")
        self.return_button = QPushButton("Trả kết quả")
        self.return_button.setObjectName("returnResult")
        self.handover_button = QPushButton("Chuyển đơn vị")
        self.import_button = QPushButton("Nhập tệp một cửa…")
        self.import_button.setObjectName("importDossiers")
        self.export_button = QPushButton("Xuất Excel")
        for button, slot in ((self.new_button, self.new_record), (self.edit_button, self.edit_current),
                             (self.pause_button, self.pause_current), (self.resume_button, self.resume_current),
                             (self.return_button, self.return_current),
                             (self.handover_button, self.handover_current), (self.import_button, self.start_import),
                             (self.export_button, self.export)):
            button.clicked.connect(lambda _checked=False, s=slot: s())
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("rowCount")
        buttons.addWidget(self.count_label)

        self.table = QTableView(self)
        self.table.setObjectName("dossierTable")
        own_viewport(self.table)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(COLUMN_INDEX["received_at"], Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for key, width in (("code", 200), ("state", 165), ("remaining", 235), ("due_at", 126), ("received_at", 126),
                           ("closed_at", 126), ("procedure", 260), ("applicant", 150), ("field", 130),
                           ("channel", 80)):
            self.table.setColumnWidth(COLUMN_INDEX[key], width)
        self.table.activated.connect(lambda _index: self.edit_current())   # double-click or Enter
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self._keyboard()
        self.model.modelReset.connect(self._update_count)

        self.detail_scroll = None
        self.detail = DossierDetail(self)
        scroll = self.detail_scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.detail)
        scroll.setMinimumWidth(340)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("dossiersSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addLayout(buttons)
        layout.addWidget(self.splitter, 1)

        # Gathers the signals of one change (the date range's tick and dates …) into one query; no waiting:
        # the search box's own pause (FilterBar's debounce) is the only one.
        self._query_timer = QTimer(self)
        self._query_timer.setSingleShot(True)
        self._query_timer.setInterval(0)
        self._query_timer.timeout.connect(self._apply_query)
        self._texts_generation = 0   # bumped whenever the search texts go stale; older loads are ignored
        self._texts_timer = QTimer(self)
        self._texts_timer.setSingleShot(True)
        self._texts_timer.setInterval(0)
        self._texts_timer.timeout.connect(self._load_search_texts)
        # A hidden page only forgets them: the main window refreshes it (and so reads them) when shown.
        ctx.data_changed.connect(self._data_changed)
        # The filters other than the search are asked again each minute (overdue since …): while the clerk
        # is in the search box, that is done at the turn of the minute rather than on the next key.
        self._minute_timer = QTimer(self)   # (repeating: it is no pause in the typing)
        self._minute_timer.timeout.connect(self._turn_of_minute)
        self.filters.search_edit.textChanged.connect(self._arm_minute_timer)
        self.countdown = QTimer(self)
        self.countdown.setInterval(60_000)
        self.countdown.timeout.connect(self.refresh_visible_timers)
        self.countdown.start()
        self._options_loaded = False
        self._apply_permissions()

    # ---- page hooks ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the filters' choices and the rows, keeping the selected dossier."""
        self._load_options()
        selected = self._current_row()
        self._search_texts_stale()
        self.model.set_query(self._query())
        if selected is not None:
            row = self.model.row_of_id(selected.id)
            if row is not None:
                select_only_row(self.table, row)
        self.detail.show_dossier(self._current_row().id if self._current_row() else None)

    def apply_search(self, text: str) -> None:
        self.filters.set_text(text)

    def navigate_to(self, payload) -> None:
        """{"code": …} shows one dossier; {"state": "overdue"} filters by state."""
        if not isinstance(payload, dict):
            return
        if payload.get("state"):
            self.filters.set_value("state", payload["state"])
        if payload.get("code"):
            self.filters.set_text(payload["code"])
            self._apply_query()
            if self.model.rowCount():
                select_only_row(self.table, 0)

    def new_record(self) -> None:
        if not self._allowed("dossiers"):
            return
        dialog = DossierDialog(parent=self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            values = dialog.values()
            if save(self, self.ctx, partial(dossier_editing.create_dossier, self.ctx.actor, **values)):
                self.filters.set_text(values["code"])
                return

    def edit_current(self) -> None:
        row = self._current_row()
        if row is None or not self._allowed("dossiers"):
            return
        d = dossier_detail(row.id)
        if d is None:
            return
        dialog = DossierDialog(d, parent=self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            values = dialog.values()
            kept: dict = {}
            result = save(self, self.ctx, partial(dossier_editing.update_dossier, self.ctx.actor, d.id, **values),
                          version=d.version,
                edit=Edit(dossier_fields(d), dossier_fields(values), DOSSIER_LABELS, dossier_formats()),
                on_reload=kept.update)
            if result:
                break
            if result.choice == RELOAD:   # the stored dossier, with the clerk's typing where nobody else wrote
                d = dossier_detail(d.id)
                if d is None:
                    break
                dialog = DossierDialog(d, parent=self)
                dialog.apply(kept)
        self.refresh()

    def pause_current(self) -> None:
        """Tạm dừng (chờ bổ sung): the moment and the required reason, shown in the timeline."""
        d = self._current_detail()
        if d is None:
            return
        dialog = MomentDialog(d, "Tạm dừng hồ sơ (chờ bổ sung)", "Tạm dừng từ", with_reason=True, parent=self)
        self._act(dialog, lambda: dossier_pauses.pause_dossier(self.ctx.actor, d.id, dialog.value(),
                                                               dialog.reason.text()))

    def resume_current(self) -> None:
        d = self._current_detail()
        if d is None:
            return
        dialog = MomentDialog(d, "Tiếp tục xử lý hồ sơ", "Tiếp tục từ", parent=self)
        self._act(dialog, lambda: dossier_pauses.resume_dossier(self.ctx.actor, d.id, dialog.value()))

    def return_current(self) -> None:
        """Trả kết quả: one action records the result and the return, and ends the dossier's clock."""
        d = self._current_detail()
        if d is None:
            return
        dialog = ReturnResultDialog(d, parent=self)
        if self._act(dialog, lambda: dossier_results.return_result(self.ctx.actor, d.id, **dialog.values())):
            self.ctx.status_message.emit(f"Đã trả kết quả hồ sơ {d.code}.")

    def handover_current(self) -> None:
        d = self._current_detail()
        if d is None:
            return
        dialog = HandoverDialog(d, self)
        self._act(dialog, lambda: handovers.add_handover(self.ctx.actor, d.id, **dialog.values()))

    def start_import(self) -> None:
        if not self._allowed("import"):
            return
        paths = ui_export.ask_open_paths(self, "Nhập hồ sơ từ phần mềm một cửa", IMPORT_FILES)
        if paths:
            self.import_files(paths)

    def import_files(self, paths: list[Path], *, skip_invalid: bool = False, date_order: str | None = None,
                     unit_choices: dict[str, int | None] | None = None) -> None:
        """Import the files one after another in the background, then show one summary. First the
        processing units the files name that match no unit are asked about (an existing unit, whose
        alias the name becomes, or a new unit), as the plan import does. Files whose dates read both
        ways are not imported: the clerk is asked the order, then they are imported again."""

        if not self._allowed("import"):
            return
        paths = [Path(p) for p in paths]
        actor = self.ctx.actor
        if unit_choices is None:
            def scan(_progress):
                names: dict[str, str] = {}
                for path in paths:
                    try:
                        for name in dossier_import.unknown_unit_names(path):
                            names.setdefault(unit_key(name), name)
                    except InvalidInput:
                        pass   # the import itself reports what is wrong with the file
                return list(names.values())

            def scanned(names: list[str]) -> None:
                if not names:
                    self.import_files(paths, skip_invalid=skip_invalid, date_order=date_order, unit_choices={})
                else:   # after the reading dialog has closed
                    QTimer.singleShot(0, lambda: self._ask_units(paths, names, skip_invalid, date_order))

            self.import_operation = run_operation(self, "Đọc tệp hồ sơ", scan, scanned)
            return

        def work(*, progress):
            results = []
            for n, path in enumerate(paths, start=1):
                prefix = f"{path.name} ({n}/{len(paths)}): " if len(paths) > 1 else f"{path.name}: "

                def report(done, total, text, prefix=prefix):
                    progress.check_cancelled()
                    progress.report(done, total, prefix + text)

                try:
                    results.append((path, dossier_import.import_dossiers(
                        actor, path, skip_invalid=skip_invalid, progress=report, date_order=date_order,
                        unit_choices=unit_choices), None))
                except InvalidInput as exc:
                    results.append((path, None, exc))
            return results

        def done(results) -> None:
            self.last_import = results
            ambiguous = [(p, exc) for p, _, exc in results if isinstance(exc, AmbiguousDates)]
            results = [r for r in results if not isinstance(r[2], AmbiguousDates)]
            refused = [(p, exc) for p, summary, exc in results if summary is None and getattr(exc, "problems", None)]
            if results:
                self._show_summary(results)
            if ambiguous:
                order = ask_date_order(self, ambiguous[0][1], len(ambiguous))
                if order is not None:
                    self.import_files([p for p, _ in ambiguous], skip_invalid=skip_invalid, date_order=order,
                                      unit_choices=unit_choices)
                return
            if refused and not skip_invalid:
                rows = sum(len({pr.row for pr in exc.problems}) for _, exc in refused)
                if ask_yes_no(self, "Nhập hồ sơ", f"{vn_number(rows)} dòng có lỗi nên chưa nhập các tệp: "
                              + ", ".join(p.name for p, _ in refused)
                              + ". Bỏ qua các dòng lỗi và nhập các dòng còn lại?", yes="Bỏ qua dòng lỗi"):
                    self.import_files([p for p, _ in refused], skip_invalid=True, date_order=date_order,
                                      unit_choices=unit_choices)

        self.import_operation = save(self, self.ctx, work, on_saved=done, background="Nhập hồ sơ TTHC")

    def _ask_units(self, paths: list[Path], names: list[str], skip_invalid: bool, date_order: str | None) -> None:
        dialog = UnitMappingDialog(names, org.units(), self, source=", ".join(p.name for p in paths),
                                   title="Ghép tên đơn vị xử lý trong tệp một cửa")
        self.unit_dialog = dialog
        dialog.accepted.connect(lambda: self.import_files(paths, skip_invalid=skip_invalid, date_order=date_order,
                                                          unit_choices=dialog.choices()))
        dialog.open()

    def _show_summary(self, results) -> None:
        dialog = ImportSummaryDialog([(p.name, summary, "" if exc is None else exc.message)
                                      for p, summary, exc in results], self)
        self.summary_dialog = dialog
        dialog.open()

    def export(self) -> None:
        """Xuất Excel: every dossier matching the filters (not only the rows loaded on screen)."""
        path = ui_export.ask_save_path(self, "Xuất Excel", f"ho-so-tthc-{date.today():%Y%m%d}.xlsx")
        if path is None:
            return
        model = self.model

        def work(progress):
            progress.report(0, 0, "Đang đọc hồ sơ…")
            headers, rows = model.export_rows(model.fetch_all())
            progress.report(0, 0, f"Đang ghi {vn_number(len(rows))} hồ sơ…")
            return ui_export.export_rows_to_xlsx(path, headers, rows, sheet_title="Hồ sơ TTHC")

        self.export_operation = run_operation(
            self, "Xuất Excel", work, lambda written: self.ctx.status_message.emit(f"Đã xuất ra {written}"))

    def startup_notices(self) -> list[str]:
        """Dossiers overdue or near their due moment today, said once after start-up."""
        summary = due_lists.due_summary()
        notices = []
        if summary.overdue:
            notices.append(f"{vn_number(summary.overdue)} hồ sơ TTHC đang quá hạn (Hồ sơ TTHC → lọc «Quá hạn»).")
        if summary.near_due:
            notices.append(f"{vn_number(summary.near_due)} hồ sơ TTHC sắp đến hạn (còn dưới "
                           f"{dossier_timing.near_due_days():g} ngày làm việc).")
        if summary.due_today:
            notices.append(f"{vn_number(summary.due_today)} hồ sơ TTHC đến hạn trong hôm nay.")
        return notices

    # ---- countdown -------------------------------------------------------------------------------

    def visible_rows(self) -> tuple[int, int]:
        viewport = self.table.viewport()
        first = self.table.rowAt(0)
        last = self.table.rowAt(viewport.height() - 1)
        if first < 0:
            return 0, -1
        return first, last if last >= 0 else self.model.rowCount() - 1

    def refresh_visible_timers(self) -> None:
        first, last = self.visible_rows()
        self.model.refresh_timers(first, last)

    # ---- internals -------------------------------------------------------------------------------

    def _load_options(self) -> None:
        self.filters.set_options("unit", [(u.name, u.id) for u in org.units()])
        self.filters.set_options("field", [(f, f) for f in procedures.fields()])
        if not self._options_loaded:
            self._options_loaded = True
            self.filters.remember(self.ctx, "dossiers")

    def _query(self) -> dossier_listing.DossierQuery:
        state, unit, field = (self.filters.value(k) for k in ("state", "unit", "field"))
        first, last = self.received_range.span()
        return dossier_listing.DossierQuery(search=self.filters.text(), state=None if state is ALL else state,
                                    unit_id=None if unit is ALL else unit, field=None if field is ALL else field,
                                    received_from=first, received_to=last)

    def _search_texts_stale(self, load: bool = True) -> None:
        """The data changed (or F5): search in SQL until fresh texts are read, in the background."""
        self._texts_generation += 1
        self.model.set_search_texts(None)
        self.filters.set_debounce(SQL_SEARCH_DEBOUNCE_MS)
        if load:
            self._texts_timer.start()   # one load for the data_changed and refresh() of the same change

    def _data_changed(self) -> None:
        self._search_texts_stale(load=self.isVisible())

    def _arm_minute_timer(self, *_args) -> None:
        if not self._minute_timer.isActive():
            self._minute_timer.start(_to_next_minute_ms())

    def _turn_of_minute(self) -> None:
        if self.isVisible() and self.filters.search_edit.hasFocus() and self.model.searches_in_memory:
            self.model.prepare_search()
            self._minute_timer.setInterval(_to_next_minute_ms())
        else:
            self._minute_timer.stop()

    def _load_search_texts(self) -> None:
        generation = self._texts_generation

        def loaded(texts: dict[int, str]) -> None:
            if generation == self._texts_generation:
                self.model.set_search_texts(texts)
                self.model.prepare_search()
                self.filters.set_debounce(MEMORY_SEARCH_DEBOUNCE_MS)

        # A failed load (logged) leaves the search in SQL, which still works: nothing to tell the clerk.
        run_in_background(dossier_listing.search_texts, loaded, owner=self)

    def _filters_changed(self, *_args) -> None:
        self._query_timer.start()

    def _apply_query(self) -> None:
        self._query_timer.stop()
        query = self._query()
        if query != self.model.query:
            self.model.set_query(query)
            self.detail.show_dossier(None)

    def _current_row(self) -> dossier_listing.ListRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        row = self.model.row(index.row())
        return row if row.received_at is not None else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row(current.row()) if current.isValid() else None
        self.detail.show_dossier(row.id if row and row.received_at is not None else None)
        self._apply_permissions()

    def _update_count(self, *_args) -> None:
        self.count_label.setText(f"{vn_number(self.model.total)} hồ sơ")
        self.no_match.show_when(self.model.rowCount() == 0 and self.filters.is_active())

    def _keyboard(self) -> None:
        """Tab leaves the table, Enter opens the dossier, each frequent action has its key (ui.shortcuts,
        listed in Trợ giúp → Phím tắt), right click or the menu key offers the row's actions; a filter
        with no dossier says so."""
        self.table.setTabKeyNavigation(False)
        self.row_actions = [(self.edit_button, shortcuts.EDIT), (self.pause_button, shortcuts.PAUSE),
                            (self.resume_button, shortcuts.RESUME), (self.return_button, shortcuts.RETURN_RESULT),
                            (self.handover_button, shortcuts.HANDOVER)]
        for button, keys in self.row_actions:   # the keys work while the page has the focus
            key = QAction(button.text(), self)
            key.setShortcut(QKeySequence(keys))
            key.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            key.triggered.connect(lambda _checked=False, b=button: b.isEnabled() and b.click())
            self.addAction(key)
            button.setToolTip(f"{button.text()} ({keys})")
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(
            lambda pos: self.row_menu().popup(self.table.viewport().mapToGlobal(pos)))
        self.no_match = NoMatchNote(self.table.viewport(),
                                    "Không có hồ sơ phù hợp với bộ lọc.\nBấm «Xóa lọc» để xem tất cả.")

    def row_menu(self) -> QMenu:
        """The selected dossier's actions, as its buttons allow them now, with their keys."""
        menu = QMenu(self)
        for button, keys in self.row_actions:
            action = menu.addAction(f"{button.text()}\t{keys}", button.click)
            action.setEnabled(button.isEnabled())
        return menu

    def _apply_permissions(self) -> None:
        can_edit = self.ctx.can("dossiers")
        row = self._current_row()
        for button in (self.new_button,):
            button.setEnabled(can_edit)
        for button in (self.edit_button, self.handover_button):
            button.setEnabled(can_edit and row is not None)
        self.pause_button.setEnabled(can_edit and row is not None and row.closed_at is None and row.paused_since is None)
        self.resume_button.setEnabled(can_edit and row is not None and row.paused_since is not None)
        self.return_button.setEnabled(can_edit and row is not None and row.closed_at is None and not row.withdrawn)
        self.import_button.setEnabled(self.ctx.can("import"))

    def _allowed(self, action: str) -> bool:
        if self.ctx.can(action):
            return True
        show_error(self, PermissionDenied(f"Tài khoản {self.ctx.actor.username} không có quyền thực hiện việc này."))
        return False

    def _current_detail(self) -> DossierDetailData | None:
        """The selected dossier as an action's dialog shows it (None: nothing selected, or not allowed)."""
        row = self._current_row()
        if row is None or not self._allowed("dossiers"):
            return None
        return dossier_detail(row.id)

    def _act(self, dialog: QDialog, change) -> bool:
        """Run ``change`` once the dialog is accepted; a refused moment or reason shows why and reopens
        the dialog with what the clerk typed."""
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if save(self, self.ctx, change):
                self.refresh()
                return True
        return False


def _to_next_minute_ms() -> int:
    now = datetime.now()
    return int((60 - now.second) * 1000 - now.microsecond / 1000) + 50
