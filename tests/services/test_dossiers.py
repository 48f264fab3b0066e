"""Dossier services: manual entry, pauses, hand-overs and the control slip, explanations, due lists,
recomputation after a calendar change."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from par_desktop.db.models import AuditLog, Dossier, Explanation
from par_desktop.domain.calendar import WorkCalendar
from par_desktop.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from par_desktop.services import calendar_changes
from par_desktop.services import org, procedures
from par_desktop.services.dossiers import due_lists, explanations, handovers
from par_desktop.services.dossiers import editing as dossier_editing
from par_desktop.services.dossiers import importing as dossier_import
from par_desktop.services.dossiers import listing as dossier_listing
from par_desktop.services.dossiers import pauses as dossier_pauses
from par_desktop.services.dossiers import recompute as dossier_recompute
from par_desktop.services.dossiers import timing as dossier_timing
from par_desktop.services.procedures import Step
from par_desktop.services.session import SYSTEM, Actor

M = datetime.fromisoformat
CAL = WorkCalendar()


@pytest.fixture
def setup(empty_db):
    vp = org.create_unit(SYSTEM, "Văn phòng Sở", "VP")
    ncc = org.create_unit(SYSTEM, "Phòng Người có công", "NCC")
    btxh = org.create_unit(SYSTEM, "Phòng Bảo trợ xã hội", "BTXH")
    proc = procedures.create_procedure(
        SYSTEM, code="1.002305", name="Cấp giấy chứng nhận thân nhân liệt sĩ", field="Người có công", limit_days=5,
        lead_unit_id=ncc.id, steps=[Step("Tiếp nhận", vp.id, 0.5), Step("Thẩm định", ncc.id, 4),
                                    Step("Trả kết quả", vp.id, 0.5)])
    return {"vp": vp, "ncc": ncc, "btxh": btxh, "proc": proc}


def make(setup, code="HS-1", received="2024-03-04 07:30", **kw):
    return dossier_editing.create_dossier(SYSTEM, code=code, procedure_id=setup["proc"].id, received_at=M(received),
                                          **kw)


def test_manual_entry_fills_timing_unit_field_and_search_text(setup):
    d = make(setup, applicant="Nguyễn Thị Hồng", channel="online")
    assert (d.start_at, d.due_at, d.limit_days) == (M("2024-03-04 07:30"), M("2024-03-08 17:00"), 5)
    assert (d.unit_id, d.field, d.due_from_source) == (setup["ncc"].id, "Người có công", False)
    assert "nguyen thi hong" in d.fold_text and "than nhan liet si" in d.fold_text
    assert dossier_timing.dossier_by_code("HS-1").id == d.id
    with pytest.raises(NotFound):
        dossier_timing.dossier_by_code("không có")
    with pytest.raises(InvalidInput, match="Đã có hồ sơ"):
        make(setup)
    with pytest.raises(InvalidInput, match="trước ngày tiếp nhận"):
        make(setup, code="HS-2", closed_at=M("2024-03-01 08:00"))
    with pytest.raises(PermissionDenied):
        dossier_editing.create_dossier(Actor("u", "unit", setup["ncc"].id), code="X", procedure_id=setup["proc"].id,
                                received_at=M("2024-03-04 08:00"))


def test_edit_recomputes_due_and_detects_conflicts(setup):
    d = make(setup)
    d2 = dossier_editing.update_dossier(SYSTEM, d.id, d.version, received_at=M("2024-03-05 10:00"))
    assert d2.due_at == M("2024-03-12 10:00") and d2.version == 2
    with pytest.raises(ConflictError):
        dossier_editing.update_dossier(SYSTEM, d.id, d.version, applicant="stale")
    # an appointment typed by hand wins; None returns to the procedure's limit
    d3 = dossier_editing.update_dossier(SYSTEM, d.id, d2.version, due_at=M("2024-03-15 17:00"))
    assert (d3.due_at, d3.due_from_source) == (M("2024-03-15 17:00"), True)
    d4 = dossier_editing.update_dossier(SYSTEM, d.id, d3.version, due_at=None, closed_at=M("2024-03-11 09:00"))
    assert (d4.due_at, d4.due_from_source) == (M("2024-03-12 10:00"), False)
    assert dossier_timing.timer_of(d4, M("2024-03-20 10:00")).state == "early"
    audited = {a.field for a in AuditLog.select().where((AuditLog.table_name == "dossier") & (AuditLog.action == "update"))}
    assert {"received_at", "due_at", "closed_at"} <= audited


def test_pause_keeps_history_stops_the_clock_and_moves_the_due(setup):
    d = make(setup)                                         # due Fri 08/03 17:00
    dossier_pauses.pause_dossier(SYSTEM, d.id, M("2024-03-05 07:30"), "Chờ bổ sung giấy khai sinh")
    paused = Dossier.get_by_id(d.id)
    assert paused.paused_since == M("2024-03-05 07:30")
    t = dossier_timing.timer_of(paused, M("2024-03-20 09:00"))
    assert t.state == "paused" and not t.overdue and t.remaining == 4 * 570
    with pytest.raises(InvalidInput, match="đang tạm dừng"):
        dossier_pauses.pause_dossier(SYSTEM, d.id, M("2024-03-06 08:00"), "Chờ bổ sung giấy tờ")
    resumed = dossier_pauses.resume_dossier(SYSTEM, d.id, M("2024-03-07 07:30"))   # 2 working days paused
    assert (resumed.paused_since, resumed.due_at) == (None, M("2024-03-12 17:00"))
    dossier_pauses.pause_dossier(SYSTEM, d.id, M("2024-03-11 07:30"), "Chờ bổ sung giấy tờ")
    again = dossier_pauses.resume_dossier(SYSTEM, d.id, M("2024-03-11 17:00"))      # one more day
    assert again.due_at == M("2024-03-13 17:00")
    assert [(p.paused_at, p.resumed_at) for p in dossier_pauses.pauses_of(d.id)] == [
        (M("2024-03-05 07:30"), M("2024-03-07 07:30")), (M("2024-03-11 07:30"), M("2024-03-11 17:00"))]
    # seen from before the pauses, the due moment had not moved yet
    assert dossier_timing.timer_of(again, M("2024-03-04 12:00")).due_at == M("2024-03-08 17:00")
    with pytest.raises(InvalidInput, match="không ở trạng thái tạm dừng"):
        dossier_pauses.resume_dossier(SYSTEM, d.id, M("2024-03-12 08:00"))
    kinds = [e.kind for e in handovers.timeline(d.id)]
    assert kinds == ["received", "pause", "resume", "pause", "resume"]


def test_a_pause_of_a_source_appointment_moves_it_too(setup):
    d = make(setup, due_at=M("2024-03-06 17:00"))
    dossier_pauses.pause_dossier(SYSTEM, d.id, M("2024-03-05 07:30"), "Chờ bổ sung giấy tờ")
    assert dossier_pauses.resume_dossier(SYSTEM, d.id, M("2024-03-06 07:30")).due_at == M("2024-03-07 17:00")


def test_handovers_give_the_holder_and_the_late_step(setup):
    vp, ncc = setup["vp"], setup["ncc"]
    d = make(setup)
    h1 = handovers.add_handover(SYSTEM, d.id, from_unit_id=vp.id, to_unit_id=vp.id, sent_at=M("2024-03-04 07:30"),
                               step_name="Tiếp nhận")
    assert h1.due_at == M("2024-03-04 12:15")              # the catalogue's step budget: half a day
    handovers.add_handover(SYSTEM, d.id, to_unit_id=ncc.id, sent_at=M("2024-03-04 11:00"),
                          received_at=M("2024-03-04 11:00"), step_name="Thẩm định")
    assert handovers.holder_unit(Dossier.get_by_id(d.id)).id == ncc.id
    handovers.add_handover(SYSTEM, d.id, to_unit_id=vp.id, sent_at=M("2024-03-11 09:00"), step_name="Trả kết quả")
    dossier_editing.update_dossier(SYSTEM, d.id, None, closed_at=M("2024-03-11 10:00"))
    from par_desktop.services.control_slip import control_slip

    slip = control_slip("HS-1", now=M("2024-03-20 10:00"))
    assert [(line.transfer.giver, line.transfer.receiver) for line in slip.lines] == [
        ("Bộ phận Tiếp nhận và Trả kết quả", "Văn phòng Sở"), ("Văn phòng Sở", "Văn phòng Sở"),
        ("Văn phòng Sở", "Phòng Người có công"), ("Phòng Người có công", "Văn phòng Sở"),
        ("Văn phòng Sở", "Bộ phận Tiếp nhận và Trả kết quả"), ("Bộ phận Tiếp nhận và Trả kết quả", "Tổ chức, cá nhân")]
    # The recorded step deadline (half a day from 07:30) is met by the hand-over at 11:00.
    assert slip.lines[1].result == "on_time" and slip.lines[1].due_at == M("2024-03-04 12:15")
    with pytest.raises(InvalidInput, match="phải sau đó"):
        handovers.add_handover(SYSTEM, d.id, to_unit_id=ncc.id, sent_at=M("2024-03-01 09:00"))


def test_explanations_by_the_units_own_staff_only(setup):
    d = make(setup)
    mine = Actor("ncc.user", "unit", setup["ncc"].id)
    other = Actor("btxh.user", "unit", setup["btxh"].id)
    with pytest.raises(PermissionDenied):
        explanations.set_explanation(other, d.id, reason="x")
    e = explanations.set_explanation(mine, d.id, reason="Chờ xác minh của xã", responsible_person="Hoàng Thị Lan",
                                 explained_on=date(2024, 3, 12), apology_sent_on=date(2024, 3, 12),
                                 new_appointment=M("2024-03-15 16:00"))
    assert (e.recorded_by, e.version) == ("ncc.user", 1)
    with pytest.raises(ConflictError):
        explanations.set_explanation(mine, d.id, expected_version=0, reason="y")
    explanations.set_explanation(mine, d.id, expected_version=1, reason="Chờ xác minh của UBND xã",
                             responsible_person="Hoàng Thị Lan", explained_on=date(2024, 3, 12),
                             apology_sent_on=date(2024, 3, 12), new_appointment=M("2024-03-15 16:00"))
    # the new appointment never turns the late dossier into an on-time one
    dossier_editing.update_dossier(SYSTEM, d.id, None, closed_at=M("2024-03-14 10:00"))
    assert dossier_timing.timer_of(Dossier.get_by_id(d.id), M("2024-03-20 08:00")).state == "late"
    row, = due_lists.overdue_dossiers(unit_id=setup["ncc"].id)
    assert (row.code, row.reason, row.new_appointment, row.days_late) == (
        "HS-1", "Chờ xác minh của UBND xã", M("2024-03-15 16:00"), 4)
    assert Explanation.select().count() == 1


def test_near_due_overdue_lists_and_summary(setup):
    make(setup, "HS-1", "2024-03-04 08:00")                 # due 11/03 08:00
    make(setup, "HS-2", "2024-03-01 08:00")                 # due 08/03 08:00
    make(setup, "HS-3", "2024-03-07 08:00")                 # due 14/03 08:00
    at = M("2024-03-08 09:00")
    assert [r.code for r in due_lists.near_due_dossiers(at)] == ["HS-1"]
    rows = due_lists.near_due_dossiers(at, include_overdue=True)
    assert [(r.code, r.state) for r in rows] == [("HS-2", "overdue"), ("HS-1", "near_due")]
    assert rows[1].remaining == "còn 8 giờ 30 phút làm việc"
    assert due_lists.due_summary(at) == due_lists.DueSummary(overdue=1, near_due=1, due_today=0)
    assert due_lists.due_summary(M("2024-03-11 07:30")).due_today == 1


def test_calendar_change_recomputes_open_dossiers_only(setup):
    open_ = make(setup, "HS-OPEN", "2024-03-04 08:00")
    closed = make(setup, "HS-CLOSED", "2024-03-04 08:00", closed_at=M("2024-03-08 10:00"))
    source = make(setup, "HS-SOURCE", "2024-03-04 08:00", due_at=M("2024-03-11 08:00"))
    assert open_.due_at == M("2024-03-11 08:00")
    calendar_changes.set_override(SYSTEM, date(2024, 3, 6), False, "Quyết định của UBND tỉnh")
    assert Dossier.get_by_id(open_.id).due_at == M("2024-03-12 08:00")
    assert Dossier.get_by_id(closed.id).due_at == M("2024-03-11 08:00")
    assert Dossier.get_by_id(source.id).due_at == M("2024-03-11 08:00")
    assert dossier_recompute.recompute_open_due(SYSTEM) == 0
    assert AuditLog.select().where((AuditLog.field == "due_at") & (AuditLog.record_id == str(open_.id))).count() == 1


def test_states_at_excludes_dossiers_not_yet_received(setup):
    make(setup, "HS-1", "2024-03-04 08:00")
    make(setup, "HS-2", "2024-03-06 08:00", closed_at=M("2024-03-07 08:00"))
    assert dossier_timing.states_at(M("2024-03-05 08:00")) == [{
        "code": "HS-1", "procedure": "Cấp giấy chứng nhận thân nhân liệt sĩ", "field": "Người có công",
        "channel": "direct", "received_at": "2024-03-04T08:00", "due_at": "2024-03-11T08:00", "closed_at": None,
        "state": "within_time", "unit": "Phòng Người có công"}]
    assert [r["state"] for r in dossier_timing.states_at(M("2024-03-07 09:00"))] == ["within_time", "early"]


def test_overdue_list_on_the_demo_data(demo_db):
    from par_desktop.domain.periods import report_month

    period = report_month(2024, 6)
    rows = due_lists.overdue_dossiers(period=period)
    assert rows, "the demo has late dossiers every month"
    for r in rows:
        assert r.days_late >= 1 and r.due_at < datetime.combine(period.end, datetime.max.time())
        if r.closed_at is not None:
            assert period.start <= r.closed_at.date() <= period.end and r.closed_at > r.due_at
    assert len({r.code for r in rows}) == len(rows)


def test_editing_keeps_the_appointment_before_pauses_and_the_lead_unit(setup):
    d = make(setup, due_at=M("2024-03-06 17:00"))
    dossier_pauses.pause_dossier(SYSTEM, d.id, M("2024-03-05 07:30"), "Chờ bổ sung giấy tờ")
    d = dossier_pauses.resume_dossier(SYSTEM, d.id, M("2024-03-06 07:30"))
    assert (d.due_at, dossier_editing.appointment_of(d)) == (M("2024-03-07 17:00"), M("2024-03-06 17:00"))
    # the edit dialog sends the appointment back as shown and "lead unit of the procedure" as None
    edited = dossier_editing.update_dossier(SYSTEM, d.id, d.version, due_at=dossier_editing.appointment_of(d),
                                            unit_id=None,
                                     applicant="Nguyễn Văn Sửa")
    assert (edited.due_at, edited.unit_id, edited.applicant) == (M("2024-03-07 17:00"), setup["ncc"].id,
                                                                 "Nguyễn Văn Sửa")


def test_closing_a_paused_dossier_ends_its_pause(setup, tmp_path):
    d = make(setup)                                          # due Fri 08/03 17:00
    dossier_pauses.pause_dossier(SYSTEM, d.id, M("2024-03-05 07:30"), "Chờ bổ sung giấy tờ")
    closed = dossier_editing.update_dossier(SYSTEM, d.id, None, closed_at=M("2024-03-07 07:30"))
    assert closed.paused_since is None and closed.due_at == M("2024-03-12 17:00")   # 2 days paused
    assert [(p.paused_at, p.resumed_at) for p in dossier_pauses.pauses_of(d.id)] == [
        (M("2024-03-05 07:30"), M("2024-03-07 07:30"))]
    t = dossier_timing.timer_of(closed, M("2024-03-20 08:00"))
    assert (t.state, t.due_at) == ("early", closed.due_at)

    # the same through a re-import of the one-stop export that now shows the dossier closed
    other = make(setup, "HS-IMP")
    dossier_pauses.pause_dossier(SYSTEM, other.id, M("2024-03-05 07:30"), "Chờ bổ sung giấy tờ")
    export = tmp_path / "x.csv"
    export.write_text("Mã hồ sơ,Mã thủ tục,Ngày tiếp nhận,Ngày kết thúc\n"
                      "HS-IMP,1.002305,04/03/2024 07:30,06/03/2024 07:30\n", encoding="utf-8")
    assert dossier_import.import_dossiers(SYSTEM, export).updated == 1
    after = Dossier.get_by_id(other.id)
    assert after.paused_since is None and after.due_at == M("2024-03-11 17:00")    # 1 day paused
    assert dossier_pauses.pauses_of(other.id)[0].resumed_at == M("2024-03-06 07:30")


SEARCHES = ["nguyen van", "Nguyễn Văn", "NGUYỄN", "lao dong", "động lao", "trần thị hà", "h", "HS", "ng 1",
            "liet si nguoi", "100%", "a_b", "xyz không có"]


@pytest.mark.parametrize("order,descending", [("received_at", True), ("applicant", False)])
def test_in_memory_search_selects_what_sql_selects(demo_db, order, descending):
    """What the dossier table matches in memory (each key) equals the SQL path's LIKE conditions."""
    texts = dossier_listing.search_texts()
    assert len(texts) == Dossier.select().count()
    at = datetime.now().replace(second=0, microsecond=0)
    calendar = dossier_timing.work_calendar()
    for state in (None, "overdue", "closed"):
        structured = dossier_listing.DossierQuery(state=state)
        base = dossier_listing.dossier_ids(structured, order=order, descending=descending, at=at, calendar=calendar)
        aligned = [texts[i] for i in base]
        for search in SEARCHES:
            query = dossier_listing.DossierQuery(search=search, state=state)
            by_sql = dossier_listing.dossier_ids(query, order=order, descending=descending, at=at, calendar=calendar)
            found, found_texts = dossier_listing.ids_matching(base, aligned, dossier_listing.search_words(search))
            assert found == by_sql, (search, state)
            assert found_texts == [texts[i] for i in found]
    nguyen = dossier_listing.ids_matching(base, aligned, dossier_listing.search_words("Nguyễn Văn"))[0]
    assert 0 < len(nguyen) < len(base)   # the queries above do select something, and not everything


def test_search_texts_of_some_dossiers(demo_db):
    some = [d.id for d in Dossier.select().limit(3)] + [10**9]   # the last one does not exist
    assert dossier_listing.search_texts(some) == {d.id: d.fold_text for d in Dossier.select().where(Dossier.id.in_(some))}
    assert dossier_listing.search_words("Hồ  sơ 50%_x") == ["ho", "so", "50", "x"]
