"""The shared UI pieces: table model/view, filter bar, Excel export, background operations, error dialogs."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from par_desktop.errors import ConflictError, InvalidInput
from par_desktop.ui import saving as ui_saving
from par_desktop.ui.export import export_rows_to_xlsx
from par_desktop.ui.operations import Cancelled, run_operation
from par_desktop.ui.status_style import STATE_STYLE, state_color, state_label
from par_desktop.ui.widgets.filter_bar import ALL, FilterBar
from par_desktop.ui.widgets.table import (
    Column, DataTableView, RowTableModel, number_column, state_column,
)

from gui_helpers import answer_next_dialog, save_shot

pytestmark = pytest.mark.gui


@dataclass
class Row:
    id: int
    name: str
    unit: str
    received: date | None
    count: int
    state: str | None


ROWS = [
    Row(1, "Hồ sơ trợ cấp thờ cúng liệt sĩ", "NCC", date(2024, 3, 5), 1200, "overdue"),
    Row(2, "Cấp giấy phép lao động", "LĐVL", date(2024, 1, 9), 7, "early"),
    Row(3, "Kế hoạch cải cách hành chính", "VP", None, 35, "near_due"),
    Row(4, "Đăng ký nội quy lao động", "LĐVL", date(2024, 2, 1), 0, None),
]


def columns():
    return [
        Column("Tên", lambda r: r.name),
        Column("Đơn vị", lambda r: r.unit),
        Column("Ngày nhận", lambda r: r.received),
        number_column("Số lượng", lambda r: r.count),
        state_column("Tình trạng", lambda r: r.state),
    ]




def test_row_table_model_passes_the_model_tester(qtmodeltester):
    model = RowTableModel(columns(), ROWS, key=lambda r: r.id)
    qtmodeltester.check(model, force_py=True)
    model.sort(2, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model, force_py=True)


def test_cells_are_formatted_for_clerks_and_coloured_with_a_label():
    model = RowTableModel(columns(), ROWS)
    assert model.data(model.index(0, 2)) == "05/03/2024"
    assert model.data(model.index(0, 3)) == "1.200"
    assert model.data(model.index(0, 4)) == "Quá hạn"
    assert model.data(model.index(0, 4), Qt.ItemDataRole.ForegroundRole) == state_color("overdue")
    assert model.data(model.index(2, 2)) == ""
    assert model.data(model.index(0, 3), Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight.value)
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Đơn vị"


def test_sorting_handles_blanks_dates_and_vietnamese_text():
    model = RowTableModel(columns(), ROWS)
    model.sort(2, Qt.SortOrder.AscendingOrder)
    assert [r.id for r in model.rows] == [2, 4, 1, 3]      # blank date last
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert [r.name[:3] for r in model.rows] == ["Cấp", "Đăn", "Hồ ", "Kế "]   # Đ sorts with D
    model.set_rows(list(reversed(ROWS)))                  # a reload keeps the sort
    assert [r.name[:3] for r in model.rows] == ["Cấp", "Đăn", "Hồ ", "Kế "]


def test_every_state_has_a_vietnamese_label_and_a_colour():
    for state, (label, colour) in STATE_STYLE.items():
        assert label and label != state and colour.isValid()
    assert state_label("overdue") == "Quá hạn" and state_label("early") == "Trước hạn"
    assert state_color("overdue") != state_color("on_time")
    assert state_label("something_new") == "something_new"


def test_filter_bar_matches_without_accents_and_with_combos(qtbot):
    view = DataTableView(RowTableModel(columns(), ROWS, key=lambda r: r.id))
    bar = FilterBar()
    qtbot.addWidget(view)
    qtbot.addWidget(bar)
    bar.add_combo("unit", "Đơn vị", [("LĐVL", "LĐVL"), ("NCC", "NCC")], lambda r, v: r.unit == v)
    bar.attach(view)
    bar.set_text("ho so")
    assert [r.id for r in view.visible_rows()] == [1]
    bar.set_text("HỒ SƠ")
    assert [r.id for r in view.visible_rows()] == [1]
    bar.set_text("lao dong")
    assert {r.id for r in view.visible_rows()} == {2, 4}
    assert view.count_label.text() == "Hiển thị 2 / 4 dòng"
    bar.set_text("")
    bar.set_value("unit", "NCC")
    assert [r.id for r in view.visible_rows()] == [1]
    bar.clear()
    assert bar.value("unit") is ALL and view.visible_count() == 4
    assert view.count_label.text() == "4 dòng"


def test_a_reload_keeps_the_selection(qtbot):
    model = RowTableModel(columns(), ROWS, key=lambda r: r.id)
    view = DataTableView(model)
    qtbot.addWidget(view)
    assert view.select_key(3)
    model.set_rows([Row(3, "Kế hoạch (đã sửa)", "VP", None, 36, "on_time"), *ROWS[:2]])
    assert view.current_row().name == "Kế hoạch (đã sửa)"
    assert [r.id for r in view.selected_rows()] == [3]


def test_double_click_and_enter_activate_the_row(qtbot):
    view = DataTableView(RowTableModel(columns(), ROWS, key=lambda r: r.id))
    qtbot.addWidget(view)
    view.show()
    view.select_key(2)
    with qtbot.waitSignal(view.activated) as blocker:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert blocker.args[0].id == 2
    menu = view.build_menu()
    assert [a.text() for a in menu.actions() if a.text()] == ["Sao chép", "Xuất Excel…"]


def test_excel_export_reads_back_with_real_dates_and_numbers(tmp_path):
    path = export_rows_to_xlsx(tmp_path / "bang.xlsx", ["Mã", "Ngày nhận", "Hạn", "Số", "Ghi chú"], [
        ["H01", date(2024, 2, 7), datetime(2024, 2, 21, 9, 0), 1234, None],
        ["H02", date(2024, 12, 31), None, 5, "Hồ sơ trễ hạn"],
    ])
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == ["Mã", "Ngày nhận", "Hạn", "Số", "Ghi chú"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].value == datetime(2024, 2, 7) and sheet["B2"].number_format == "dd/mm/yyyy"
    assert sheet["C2"].value == datetime(2024, 2, 21, 9, 0) and sheet["C2"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["D2"].value == 1234
    assert sheet["E3"].value == "Hồ sơ trễ hạn"
    assert sheet.column_dimensions["E"].width > sheet.column_dimensions["A"].width


def test_table_export_writes_what_is_shown(qtbot, tmp_path):
    view = DataTableView(RowTableModel(columns(), ROWS, key=lambda r: r.id))
    qtbot.addWidget(view)
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.attach(view)
    bar.set_text("lao dong")
    view.table.horizontalHeader().hideSection(1)
    view.export_xlsx(tmp_path / "shown.xlsx")
    sheet = load_workbook(tmp_path / "shown.xlsx").active
    assert [c.value for c in sheet[1]] == ["Tên", "Ngày nhận", "Số lượng", "Tình trạng"]
    assert sheet.max_row == 3
    assert {sheet["A2"].value, sheet["A3"].value} == {"Cấp giấy phép lao động", "Đăng ký nội quy lao động"}
    assert isinstance(sheet["B2"].value, datetime) and isinstance(sheet["C2"].value, int)


def test_export_to_a_file_that_cannot_be_written_is_a_clear_error(tmp_path):
    with pytest.raises(InvalidInput, match="Không ghi được vào thư mục .*no-such-folder.*: thư mục không tồn tại"):
        export_rows_to_xlsx(tmp_path / "no-such-folder" / "x.xlsx", ["A"], [[1]])


def test_run_operation_works_off_the_gui_thread_on_its_own_connection(qtbot, empty_db):
    from par_desktop.db.connection import current
    from par_desktop.db.models import Unit
    from par_desktop.services import org
    from par_desktop.services.session import SYSTEM

    org.create_unit(SYSTEM, "Phòng Người có công", "NCC")
    seen = {}
    results = []

    def work(progress):
        seen["thread"] = threading.current_thread()
        for i in range(50):
            progress.check_cancelled()
            progress.report(i + 1, 50, f"{i + 1}/50")
        count = Unit.select().count()
        seen["connection"] = current()._state.conn
        return count

    operation = run_operation(None, "Đếm đơn vị", work, results.append)
    with qtbot.waitSignal(operation.finished, timeout=5000):
        pass
    assert results == [1] and operation.result == 1 and operation.error is None
    assert seen["thread"] is not threading.main_thread()
    with pytest.raises(Exception, match="closed"):
        _ = seen["connection"].total_changes   # the worker closed the connection it opened
    assert Unit.select().count() == 1      # the GUI thread's own connection is untouched


def test_run_operation_can_be_cancelled(qtbot):
    done = []
    started = threading.Event()

    def work(progress):
        for i in range(100_000):
            started.set()
            progress.check_cancelled()
            progress.report(i, 100_000, "Đang chạy…")
            done.append(i)
            time.sleep(0.001)
        return "finished"

    cancelled = []
    operation = run_operation(None, "Việc dài", work, on_cancel=lambda: cancelled.append(True))
    assert started.wait(5)
    buttons = [b for b in operation.dialog.findChildren(QPushButton) if b.text() == "Hủy"]
    assert buttons, "the progress dialog has a Vietnamese cancel button"
    with qtbot.waitSignal(operation.finished, timeout=5000):
        buttons[0].click()
    assert operation.was_cancelled and cancelled == [True] and operation.result is None
    assert len(done) < 100_000


def test_run_operation_errors_are_shown_in_vietnamese(qtbot):
    def work(progress):
        raise InvalidInput("Tệp hoso.xlsx dòng 7: ngày tiếp nhận không hợp lệ.")

    seen: list[str] = []
    answer_next_dialog("ok", seen)
    operation = run_operation(None, "Nhập hồ sơ", work, lambda result: pytest.fail("no success"))
    with qtbot.waitSignal(operation.finished, timeout=5000):
        pass
    assert isinstance(operation.error, InvalidInput)
    assert seen == ["Tệp hoso.xlsx dòng 7: ngày tiếp nhận không hợp lệ."]
    with pytest.raises(Cancelled):
        raise Cancelled()


@pytest.mark.parametrize("choice", ["reload", "overwrite", "cancel"])
def test_conflict_dialog_shows_mine_and_theirs_per_changed_field(qtbot, choice):
    exc = ConflictError("Bản ghi đã được người khác sửa.", current={
        "id": 3, "version": 4, "name": "Phòng Người có công", "head_name": "Hoàng Thị Lan", "kind": "division",
        "updated_at": datetime(2024, 3, 5, 14, 30), "active": True})
    base = {"name": "Phòng Người có công", "head_name": "Nguyễn Văn A", "kind": "office", "active": True}
    mine = {**base, "head_name": "Trần Văn B", "active": False}
    edit = ui_saving.Edit(base, mine, {"name": "Tên đơn vị", "kind": "Loại", "head_name": "Trưởng đơn vị",
                                       "active": "Đang hoạt động"}, {"kind": {"office": "Văn phòng",
                                                                              "division": "Phòng chuyên môn"}.get})
    marks = {"head_name": ui_saving.ChangeMark("hoa.vp", "Trần Thị Hoa", datetime(2024, 3, 5, 14, 30))}
    rows = ui_saving.conflict_rows(exc, edit, marks)
    assert [(r.label, r.mine, r.theirs, r.who, r.when, r.both) for r in rows] == [
        ("Loại", "Văn phòng", "Phòng chuyên môn", "", "", False),          # theirs only (no audit row read)
        ("Trưởng đơn vị", "Trần Văn B", "Hoàng Thị Lan", "Trần Thị Hoa (hoa.vp)", "05/03/2024 14:30", True),
        ("Đang hoạt động", "Không", "Có", "", "", False),                 # mine only
    ]
    assert edit.kept(exc.current) == {"active": False}                   # head_name: the other clerk's
    dialog = ui_saving.ConflictDialog(None, exc, rows)
    qtbot.addWidget(dialog)
    assert [dialog.buttons[k].text() for k in ("reload", "overwrite", "cancel")] == ["Tải lại", "Ghi đè", "Hủy"]
    assert dialog.table.item(1, 3).text() == "Trần Thị Hoa (hoa.vp)"
    assert "Trần Thị Hoa (hoa.vp)" in dialog.message_label.text()
    dialog.show()
    save_shot(dialog, "conflict_dialog")
    dialog.buttons[choice].click()
    assert dialog.choice == choice


def test_a_background_load_for_a_view_deleted_meanwhile_is_dropped(qtbot):
    """A page closed and deleted while its refresh runs: the result is dropped, not delivered to a deleted
    widget (which raised "Internal C++ object already deleted" in the GUI thread)."""
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QThreadPool
    from PySide6.QtWidgets import QLabel, QWidget

    from par_desktop.ui.operations import run_in_background

    class View(QWidget):
        def __init__(self):
            super().__init__()
            self.label = QLabel(self)

        def show_result(self, result):
            self.label.setText(str(result))

    kept, deleted = View(), View()
    qtbot.addWidget(kept)
    release = threading.Event()
    for view in (kept, deleted):
        run_in_background(lambda: release.wait(10) and 42, view.show_result, view.show_result, owner=view)
    shiboken6.delete(deleted)
    release.set()
    assert QThreadPool.globalInstance().waitForDone(10_000)
    QCoreApplication.processEvents()
    qtbot.waitUntil(lambda: kept.label.text() == "42", timeout=5000)


def test_columns_are_sized_from_a_sample_of_rows_not_from_every_row(qtbot):
    """A table of many rows opens without measuring every row (issue 17): the widths come from the
    title and the first rows' text, and a wide title is never cut."""
    from par_desktop.ui.widgets import table as table_module

    asked: list[int] = []
    rows = [Row(i, f"Hồ sơ số {i}", "NCC", None, i, None) for i in range(5000)]
    long_name = Column("Tên", lambda r: asked.append(r.id) or r.name)
    wide_title = Column("Tiêu đề cột rất dài để không bị cắt", lambda r: r.unit)
    model = RowTableModel([long_name, wide_title], [])
    view = DataTableView(model)
    qtbot.addWidget(view)
    model.set_rows(rows)
    assert asked and max(asked) < table_module.SIZE_SAMPLE     # only the sample was measured
    header = view.table.horizontalHeader()
    metrics = view.table.fontMetrics()
    assert header.sectionSize(0) >= metrics.horizontalAdvance("Hồ sơ số 49")
    assert header.sectionSize(1) >= header.fontMetrics().horizontalAdvance(wide_title.title)
