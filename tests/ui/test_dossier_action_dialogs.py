"""Dossier actions driven through the real page and dialogs (issue 16 item 8): the dialogs name their
dossier, a pause needs its reason (then shown in the timeline), a moment in the future is refused with
the dialog reopened as typed, and one "Trả kết quả" closes the dossier and updates the software status."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from par_desktop.db.models import Dossier, DossierPause
from par_desktop.services.session import SYSTEM
from par_desktop.ui.context import AppContext
from par_desktop.ui.dialogs.dossier_dialogs import HandoverDialog, MomentDialog, ReturnResultDialog, to_qdatetime
from par_desktop.ui.errors import MessageDialog
from par_desktop.ui.pages.dossiers import DossiersPage

from gui_helpers import save_shot

pytestmark = pytest.mark.gui


def make_page(qtbot, db) -> DossiersPage:
    page = DossiersPage(AppContext(str(db), SYSTEM))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.refresh()
    page.show()
    return page


def open_dossier(page, code: str) -> None:
    page.navigate_to({"code": code})
    assert page.model.total == 1 and page.detail.title.text() == f"Hồ sơ {code}"


def when_shown(kind, act) -> list:
    """Run ``act(dialog, attempt)`` each time a modal ``kind`` is shown (a refused action reopens the same
    dialog) until it returns False; error messages shown in between are recorded (their text) and closed.
    Returns the record: the dialogs' attempts and the error texts, in order."""
    seen: list = []
    acted_on = []   # the dialog acted on, until something else is the modal window

    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, MessageDialog):
            acted_on.clear()
            seen.append(dialog.message_label.text())
            dialog.buttons["ok"].click()
        elif isinstance(dialog, kind) and not acted_on:
            acted_on.append(dialog)
            seen.append(dialog)
            if act(dialog, sum(isinstance(s, kind) for s in seen)) is False:
                return
        elif dialog is None:
            acted_on.clear()
        QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return seen


def test_pause_needs_a_reason_refuses_the_future_and_shows_in_the_timeline(demo_db, qtbot):
    d = Dossier.select().where(Dossier.closed_at.is_null() & Dossier.paused_since.is_null()
                               & (Dossier.withdrawn == False)).order_by(Dossier.received_at.desc()).first()  # noqa: E712
    page = make_page(qtbot, demo_db)
    open_dossier(page, d.code)
    assert page.pause_button.isEnabled() and not page.resume_button.isEnabled()

    def fill(dialog: MomentDialog, attempt: int):
        ok = dialog.buttons.findChild(QPushButton, "okButton")
        if attempt == 1:
            assert d.code in dialog.windowTitle()
            heading = dialog.findChild(QLabel, "dossierHeading")
            assert d.code in heading.text() and d.applicant in heading.text()
            assert not ok.isEnabled()                       # no reason yet
            dialog.reason.setText("   ")
            assert not ok.isEnabled()
            dialog.reason.setText("Chờ công dân bổ sung giấy khai sinh")
            assert ok.isEnabled()
            dialog.moment.setDateTime(to_qdatetime(datetime.now() + timedelta(days=150)))   # five months ahead
            save_shot(dialog, "pause-dialog")
        else:   # reopened after the refusal, with the reason as typed
            assert dialog.reason.text() == "Chờ công dân bổ sung giấy khai sinh"
            dialog.moment.setDateTime(to_qdatetime(max(d.received_at, datetime.now() - timedelta(minutes=5))))
        ok.click()
        return attempt < 2

    seen = when_shown(MomentDialog, fill)
    page.pause_button.click()
    errors = [s for s in seen if isinstance(s, str)]
    assert len(errors) == 1 and "chưa đến: chỉ ghi được việc đã xảy ra" in errors[0]
    pause = DossierPause.get(DossierPause.dossier == d.id)
    assert pause.reason == "Chờ công dân bổ sung giấy khai sinh"
    timeline = [page.detail.timeline.item(i).text() for i in range(page.detail.timeline.count())]
    assert any("Tạm dừng: Chờ công dân bổ sung giấy khai sinh" in line for line in timeline)
    assert page.detail.labels["status"].text() == "Chờ bổ sung"
    assert page.resume_button.isEnabled() and not page.pause_button.isEnabled()


def test_one_return_action_closes_the_dossier(demo_db, qtbot):
    d = Dossier.select().where(Dossier.closed_at.is_null() & Dossier.paused_since.is_null()
                               & Dossier.result_at.is_null() & (Dossier.withdrawn == False)  # noqa: E712
                               & (Dossier.due_at < datetime.now())).first()
    page = make_page(qtbot, demo_db)
    open_dossier(page, d.code)
    assert page.detail.labels["status"].text() == "Đang xử lý"
    returned_at = max(d.received_at, datetime.now() - timedelta(hours=1)).replace(second=0, microsecond=0)

    def fill(dialog: ReturnResultDialog, _attempt: int):
        assert dialog.windowTitle() == f"Trả kết quả — {d.code}"
        dialog.returned.setDateTime(to_qdatetime(returned_at))
        assert dialog.values() == {"at": returned_at, "result_at": returned_at}   # the result follows
        save_shot(dialog, "return-dialog")
        dialog.findChild(QPushButton, "okButton").click()
        return False

    when_shown(ReturnResultDialog, fill)
    page.return_button.click()
    closed = Dossier.get_by_id(d.id)
    assert (closed.result_at, closed.closed_at, closed.status_text) == (returned_at, returned_at, "Đã trả kết quả")
    assert page.detail.labels["status"].text() == "Đã trả kết quả"
    assert page.detail.badge.text() == "Trễ hạn"
    assert not page.return_button.isEnabled() and not page.pause_button.isEnabled()
    timeline = [page.detail.timeline.item(i).text() for i in range(page.detail.timeline.count())]
    assert "Trả kết quả, kết thúc hồ sơ" in timeline[-1]


def test_the_handover_and_edit_dialogs_name_their_dossier_and_line_up_their_dates(demo_db, qtbot):
    from par_desktop.services.dossiers.detail import dossier_detail
    from par_desktop.ui.dialogs.dossier_dialogs import DossierDialog

    d = dossier_detail(Dossier.select().where(Dossier.closed_at.is_null()).first().id)
    handover = HandoverDialog(d)
    qtbot.addWidget(handover)
    assert d.code in handover.windowTitle() and handover.findChild(QLabel, "dossierHeading") is not None
    edit = DossierDialog(d)
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    assert edit.windowTitle() == f"Sửa hồ sơ — {d.code}"
    lefts = {w.mapTo(edit, w.rect().topLeft()).x()
             for w in (edit.received, edit.appointment.edit, edit.result_moment.edit, edit.closed.edit)}
    assert len(lefts) == 1, "every date field starts in the same column"
    save_shot(edit, "dossier-edit-dialog")
