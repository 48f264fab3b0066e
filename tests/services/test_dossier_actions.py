"""The actions a clerk records on a dossier (issue 16 item 8): "Trả kết quả" in one step, a pause with its
required reason shown in the timeline, moments in the future refused, the software status kept true."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from par_desktop.db.models import AuditLog, Dossier
from par_desktop.errors import InvalidInput, PermissionDenied
from par_desktop.services import org, procedures
from par_desktop.services.dossiers import editing as dossier_editing
from par_desktop.services.dossiers import handovers
from par_desktop.services.dossiers import pauses as dossier_pauses
from par_desktop.services.dossiers import results as dossier_results
from par_desktop.services.dossiers import timing as dossier_timing
from par_desktop.services.dossiers.detail import dossier_detail
from par_desktop.services.session import SYSTEM, Actor

M = datetime.fromisoformat


@pytest.fixture
def dossier(empty_db):
    ncc = org.create_unit(SYSTEM, "Phòng Người có công", "NCC")
    proc = procedures.create_procedure(SYSTEM, code="1.002305", name="Cấp giấy chứng nhận thân nhân liệt sĩ",
                                       field="Người có công", limit_days=5, lead_unit_id=ncc.id)
    return dossier_editing.create_dossier(SYSTEM, code="HS-1", procedure_id=proc.id, received_at=M("2024-03-04 07:30"),
                                          status_text="Đang xử lý")   # due Fri 08/03/2024 17:00


def test_returning_the_result_closes_the_dossier_in_one_step(dossier):
    closed = dossier_results.return_result(SYSTEM, dossier.id, M("2024-03-07 10:00"))
    assert (closed.result_at, closed.closed_at, closed.status_text) == (
        M("2024-03-07 10:00"), M("2024-03-07 10:00"), "Đã trả kết quả")
    assert dossier_timing.timer_of(closed).state == "early"
    assert [e.kind for e in handovers.timeline(dossier.id)][-2:] == ["result", "closed"]
    fields = {a.field for a in AuditLog.select().where((AuditLog.table_name == "dossier")
                                                       & (AuditLog.action == "update"))}
    assert {"result_at", "closed_at", "status_text"} <= fields
    with pytest.raises(InvalidInput, match="đã trả kết quả lúc 07/03/2024 10:00"):
        dossier_results.return_result(SYSTEM, dossier.id, M("2024-03-08 10:00"))


def test_a_result_recorded_earlier_is_kept_and_checked(dossier):
    dossier_editing.update_dossier(SYSTEM, dossier.id, None, result_at=M("2024-03-06 16:00"))
    closed = dossier_results.return_result(SYSTEM, dossier.id, M("2024-03-11 08:00"))
    assert (closed.result_at, closed.closed_at) == (M("2024-03-06 16:00"), M("2024-03-11 08:00"))
    assert dossier_timing.timer_of(closed).state == "late"


def test_return_moments_are_checked(dossier):
    with pytest.raises(InvalidInput, match="trước lúc tiếp nhận"):
        dossier_results.return_result(SYSTEM, dossier.id, M("2024-03-01 10:00"))
    with pytest.raises(InvalidInput, match="không được sau lúc trả kết quả"):
        dossier_results.return_result(SYSTEM, dossier.id, M("2024-03-07 10:00"), result_at=M("2024-03-07 11:00"))
    ahead = datetime.now() + timedelta(days=150)
    with pytest.raises(InvalidInput, match="chưa đến: chỉ ghi được việc đã xảy ra"):
        dossier_results.return_result(SYSTEM, dossier.id, ahead)
    with pytest.raises(PermissionDenied):
        dossier_results.return_result(Actor("lanhdao", "leadership"), dossier.id, M("2024-03-07 10:00"))
    assert Dossier.get_by_id(dossier.id).closed_at is None
    withdrawn = dossier_editing.update_dossier(SYSTEM, dossier.id, None, withdrawn=True)
    with pytest.raises(InvalidInput, match="đã rút"):
        dossier_results.return_result(SYSTEM, withdrawn.id, M("2024-03-07 10:00"))


def test_returning_a_paused_dossier_ends_the_pause(dossier):
    dossier_pauses.pause_dossier(SYSTEM, dossier.id, M("2024-03-05 07:30"), "Chờ bổ sung giấy khai sinh")
    assert Dossier.get_by_id(dossier.id).status_text == "Chờ bổ sung"
    with pytest.raises(InvalidInput, match="tạm dừng lúc 05/03/2024 07:30"):
        dossier_results.return_result(SYSTEM, dossier.id, M("2024-03-05 07:00"))
    closed = dossier_results.return_result(SYSTEM, dossier.id, M("2024-03-07 07:30"))
    assert closed.paused_since is None and closed.due_at == M("2024-03-12 17:00")   # 2 working days paused
    assert [(p.paused_at, p.resumed_at) for p in dossier_pauses.pauses_of(dossier.id)] == [
        (M("2024-03-05 07:30"), M("2024-03-07 07:30"))]


def test_a_pause_needs_its_reason_which_the_timeline_shows(dossier):
    for blank in ("", "   "):
        with pytest.raises(InvalidInput, match="lý do tạm dừng"):
            dossier_pauses.pause_dossier(SYSTEM, dossier.id, M("2024-03-05 07:30"), blank)
    dossier_pauses.pause_dossier(SYSTEM, dossier.id, M("2024-03-05 07:30"), "  Chờ bổ sung  giấy khai sinh ")
    detail = dossier_detail(dossier.id)
    assert [e.text for e in detail.timeline if e.kind == "pause"] == ["Tạm dừng: Chờ bổ sung giấy khai sinh"]
    assert detail.status_text == "Chờ bổ sung"
    reason_rows = AuditLog.select().where((AuditLog.table_name == "dossier_pause") & (AuditLog.field == "reason"))
    assert [r.new_value for r in reason_rows] == ["Chờ bổ sung giấy khai sinh"]
    resumed = dossier_pauses.resume_dossier(SYSTEM, dossier.id, M("2024-03-06 07:30"))
    assert resumed.status_text == "Đang xử lý"


def test_moments_in_the_future_are_refused(dossier):
    ahead = (datetime.now() + timedelta(days=150)).replace(second=0, microsecond=0)
    with pytest.raises(InvalidInput, match="Thời điểm tạm dừng .* chưa đến"):
        dossier_pauses.pause_dossier(SYSTEM, dossier.id, ahead, "Chờ bổ sung")
    assert Dossier.get_by_id(dossier.id).paused_since is None
    dossier_pauses.pause_dossier(SYSTEM, dossier.id, M("2024-03-05 07:30"), "Chờ bổ sung")
    with pytest.raises(InvalidInput, match="Thời điểm tiếp tục .* chưa đến"):
        dossier_pauses.resume_dossier(SYSTEM, dossier.id, ahead)
    dossier_pauses.resume_dossier(SYSTEM, dossier.id, M("2024-03-06 07:30"))
    with pytest.raises(InvalidInput, match="Thời điểm chuyển .* chưa đến"):
        handovers.add_handover(SYSTEM, dossier.id, to_unit_id=None, sent_at=ahead)
    with pytest.raises(InvalidInput, match="Thời điểm trả kết quả .* chưa đến"):
        dossier_editing.update_dossier(SYSTEM, dossier.id, None, closed_at=ahead)
    with pytest.raises(InvalidInput, match="Thời điểm tiếp nhận .* chưa đến"):
        dossier_editing.create_dossier(SYSTEM, code="HS-2", procedure_id=dossier.procedure_id, received_at=ahead)
    # the current minute is not the future; an appointment (due) may be ahead
    now = dossier_timing.now_minute()
    edited = dossier_editing.update_dossier(SYSTEM, dossier.id, None, due_at=ahead, result_at=now)
    assert edited.due_from_source and edited.due_at > ahead - timedelta(days=1) and edited.result_at == now


def test_closing_by_the_edit_dialog_updates_the_software_status_unless_typed(dossier):
    closed = dossier_editing.update_dossier(SYSTEM, dossier.id, None, closed_at=M("2024-03-07 10:00"),
                                            status_text="Đang xử lý")
    assert closed.status_text == "Đã trả kết quả"
    reopened = dossier_editing.update_dossier(SYSTEM, dossier.id, None, closed_at=None, status_text=closed.status_text)
    assert reopened.status_text == "Đang xử lý"
    typed = dossier_editing.update_dossier(SYSTEM, dossier.id, None, closed_at=M("2024-03-07 10:00"),
                                           status_text="Trả kết quả qua bưu điện")
    assert typed.status_text == "Trả kết quả qua bưu điện"
