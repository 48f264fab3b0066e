"""The one save helper (ui.saving) on real widgets and a real conflict: another clerk's process saves the
same task while this clerk types; the conflict dialog shows mine / theirs per field with who and when,
and "Tải lại" keeps the clerk's typing where the other clerk did not write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from par_desktop.db.models import AuditLog
from par_desktop.services import org, users
from par_desktop.services.tasks import editing as task_editing
from par_desktop.services.tasks import views as task_views
from par_desktop.ui import saving
from par_desktop.ui.context import AppContext
from par_desktop.ui.dialogs.task_dialogs import TaskDialog

from gui_helpers import answer_next_dialog, save_shot, when_modal

pytestmark = pytest.mark.gui

OTHER_CLERK = """
import sys
from par_desktop.db.schema import open_database
from par_desktop.services.session import Actor
from par_desktop.services.tasks import editing
open_database(sys.argv[1])
editing.update_task(Actor("hoa.vp", "office", full_name="Trần Thị Hoa"), int(sys.argv[2]), int(sys.argv[3]),
                    note="Theo Công văn 12/SNV", deadline_text="Tháng 11/2024")
"""


@pytest.fixture
def office(empty_db, cheap_hashing):
    admin = users.create_first_admin("quantri", "Nguyễn Thị Hoa", "mat-khau-1")
    users.create_user(admin, "hoa.vp", "office", "mat-khau-1", full_name="Trần Thị Hoa")
    unit = org.create_unit(admin, "Văn phòng Sở", "VP", kind="office")
    task_id = task_editing.create_task(admin, content="Tập huấn nghiệp vụ một cửa", deadline_text="Quý IV/2024",
                                       lead_unit_ids=[unit.id], note="")
    return admin, task_id


def other_clerk_saves(db: Path, task_id: int, version: int) -> None:
    """Another PAR Desktop on another PC: its own process and connection to the same file."""
    subprocess.run([sys.executable, "-c", OTHER_CLERK, str(db), str(task_id), str(version)], check=True,
                   timeout=120, capture_output=True)


def answer_conflict(choice: str, seen: list) -> None:
    """Read the next ConflictDialog's rows into ``seen`` and click ``choice`` (a gui_helpers watch)."""
    def answer(dialog: saving.ConflictDialog) -> None:
        table = dialog.table
        seen.append({table.item(r, 0).text(): tuple(table.item(r, c).text() for c in range(1, 5))
                     for r in range(table.rowCount())})
        seen.append(dialog.message_label.text())
        dialog.buttons[choice].click()

    when_modal(saving.ConflictDialog, answer)


def open_editor(qtbot, empty_db, admin, task_id) -> TaskDialog:
    ctx = AppContext(str(empty_db), admin)
    dialog = TaskDialog(ctx, task_views.get_task(task_id))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_reload_after_a_real_conflict_keeps_what_the_other_clerk_did_not_change(qtbot, empty_db, office):
    admin, task_id = office
    dialog = open_editor(qtbot, empty_db, admin, task_id)
    dialog.content_edit.setPlainText("Tập huấn nghiệp vụ một cửa cho công chức cấp xã")   # only this clerk
    dialog.note_edit.setText("Ghi chú của tôi")                                         # both clerks
    other_clerk_saves(empty_db, task_id, dialog.task.version)

    seen: list = []
    answer_conflict(saving.RELOAD, seen)
    dialog.accept()
    rows, message = seen
    assert "Trần Thị Hoa (hoa.vp)" in message
    assert rows["Ghi chú"][:3] == ("Ghi chú của tôi", "Theo Công văn 12/SNV", "Trần Thị Hoa (hoa.vp)")
    assert rows["Thời gian hoàn thành"][1:3] == ("Tháng 11/2024", "Trần Thị Hoa (hoa.vp)")
    assert rows["Nội dung"] == ("Tập huấn nghiệp vụ một cửa cho công chức cấp xã", "Tập huấn nghiệp vụ một cửa",
                                "", "")
    when = AuditLog.select().where(AuditLog.username == "hoa.vp").order_by(AuditLog.id.desc()).first().at
    assert rows["Ghi chú"][3] == when.strftime("%d/%m/%Y %H:%M")
    assert dialog.isVisible()                       # the editor stays open, reloaded
    assert dialog.content_edit.toPlainText() == "Tập huấn nghiệp vụ một cửa cho công chức cấp xã"   # kept
    assert dialog.note_edit.text() == "Theo Công văn 12/SNV"                      # the other clerk's
    assert dialog.deadline_edit.text() == "Tháng 11/2024"

    dialog.accept()                                 # saving again now succeeds on the new version
    task = task_views.get_task(task_id)
    assert (task.content, task.note, task.deadline_text) == (
        "Tập huấn nghiệp vụ một cửa cho công chức cấp xã", "Theo Công văn 12/SNV", "Tháng 11/2024")
    save_shot(dialog, "task-dialog-after-reload")


def test_overwrite_saves_the_clerks_values_and_cancel_saves_nothing(qtbot, empty_db, office):
    admin, task_id = office
    dialog = open_editor(qtbot, empty_db, admin, task_id)
    dialog.note_edit.setText("Ghi chú của tôi")
    other_clerk_saves(empty_db, task_id, dialog.task.version)

    seen: list = []
    answer_conflict(saving.CANCEL, seen)
    dialog.accept()
    assert seen and dialog.isVisible() and dialog.note_edit.text() == "Ghi chú của tôi"
    assert task_views.get_task(task_id).note == "Theo Công văn 12/SNV"

    answer_conflict(saving.OVERWRITE, seen)
    dialog.accept()
    assert len(seen) == 4
    assert task_views.get_task(task_id).note == "Ghi chú của tôi"


def test_a_save_notifies_the_open_views_once_and_an_error_keeps_the_editor(qtbot, empty_db, office, request):
    admin, task_id = office
    dialog = open_editor(qtbot, empty_db, admin, task_id)
    ctx = dialog.ctx
    ctx.start_polling()
    request.addfinalizer(ctx.stop_polling)   # also when an assertion below fails
    # the watch's first reading is the baseline: a save before it would be part of the baseline
    qtbot.waitUntil(lambda: ctx.newest_change is not None, timeout=5000)
    with qtbot.waitSignal(ctx.data_changed, timeout=5000):
        dialog.note_edit.setText("Đã lưu")
        dialog.accept()
    assert task_views.get_task(task_id).note == "Đã lưu"

    editor = open_editor(qtbot, empty_db, admin, task_id)
    editor.content_edit.setPlainText("")
    seen: list = []
    answer_next_dialog("ok", seen)
    editor.accept()
    assert seen == ["Nội dung nhiệm vụ không được để trống."] and editor.isVisible()
    ctx.stop_polling()
