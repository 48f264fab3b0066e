"""The control slip's judgement: each row against its own step budget, the return against the dossier's
due moment, an open dossier judged now (issue 15 item 1)."""

from __future__ import annotations

from datetime import datetime

from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.control_slip import Transfer, judge, late_sides

CAL = WorkCalendar()
M = datetime.fromisoformat
DESK = "Bộ phận Một cửa"


def _transfers(*, handed_to_office: str | None, result: str | None, closed: str | None):
    return [
        Transfer(DESK, "Phòng Người có công", M("2024-03-04 08:00")),
        Transfer("Phòng Người có công", "Văn phòng Sở", M(handed_to_office) if handed_to_office else None,
                 step_name="Thẩm định", budget_days=3),
        Transfer("Văn phòng Sở", DESK, M(result) if result else None, step_name="Trình ký", budget_days=1),
        Transfer(DESK, "Ông Nguyễn Văn An", M(closed) if closed else None, final=True),
    ]


def test_each_step_is_judged_against_its_own_budget():
    # Received Mon 04/03 08:00, 5-day limit: due Mon 11/03 08:00; returned that morning at 07:50.
    due = CAL.due(M("2024-03-04 08:00"), 5)
    assert due == M("2024-03-11 08:00")
    lines = judge(_transfers(handed_to_office="2024-03-08 10:00", result="2024-03-08 10:20", closed="2024-03-11 07:50"),
                  received_at=M("2024-03-04 08:00"), dossier_due=due, now=M("2024-04-01 09:00"), calendar=CAL)
    # The desk's hand-over has no budget: not judged. The division took 4 days of a 3-day budget: late.
    assert [line.result for line in lines] == [None, "late", "early", "on_time"]
    # Due Thu 07/03 08:00, handed on Fri 10:00: a day and two hours late, counted as 2 (rounded up).
    assert lines[1].label == "Quá hạn 2 ngày làm việc" and lines[1].due_at == M("2024-03-07 08:00")
    # A 20-minute step is early, whatever the dossier as a whole did.
    assert lines[2].label == "Trước hạn"
    assert late_sides(lines) == ["Phòng Người có công"]


def test_the_office_is_not_charged_for_the_division_s_delay():
    due = CAL.due(M("2024-03-04 08:00"), 5)
    lines = judge(_transfers(handed_to_office="2024-03-11 09:00", result="2024-03-11 15:00", closed="2024-03-12 09:00"),
                  received_at=M("2024-03-04 08:00"), dossier_due=due, now=M("2024-04-01 09:00"), calendar=CAL)
    assert [line.result for line in lines] == [None, "late", "early", "late"]
    assert late_sides(lines) == ["Phòng Người có công"]   # the return row is the dossier's, not a side's


def test_an_open_dossier_shows_how_late_it_is_now():
    due = CAL.due(M("2024-03-04 08:00"), 5)
    now = M("2024-09-02 10:00")
    lines = judge(_transfers(handed_to_office=None, result=None, closed=None),
                  received_at=M("2024-03-04 08:00"), dossier_due=due, now=now, calendar=CAL)
    assert [line.result for line in lines] == [None, "overdue", None, "overdue"]
    assert lines[3].days_late == CAL.working_days_late(due, now) > 100
    assert lines[3].label.startswith("Quá hạn ") and lines[3].label.endswith("(đang xử lý)")
    assert lines[2].held_from is None      # the Office has not received it yet: nothing to judge

    early = judge(_transfers(handed_to_office=None, result=None, closed=None), received_at=M("2024-03-04 08:00"),
                  dossier_due=due, now=M("2024-03-05 09:00"), calendar=CAL)
    assert [line.result for line in early] == [None, "in_time", None, "in_time"]


def test_a_deadline_recorded_with_the_hand_over_wins():
    t = Transfer("Phòng A", "Phòng B", M("2024-03-05 10:00"), budget_days=5, due_at=M("2024-03-05 09:00"))
    [line] = judge([t], received_at=M("2024-03-04 08:00"), dossier_due=M("2024-03-11 08:00"),
                   now=M("2024-03-06 08:00"), calendar=CAL)
    assert line.result == "late" and line.due_at == M("2024-03-05 09:00")
