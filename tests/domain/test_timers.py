"""Dossier timers (DOMAIN.md §4): start, due, pauses, completion only when closed, states at a moment."""

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.timers import DossierClock, finished_state, remaining_text, state_at

CAL = WorkCalendar()
M = datetime.fromisoformat


def clock(received, days, closed=None, pauses=(), due=None):
    received = M(received)
    start = CAL.next_opening(received)
    closed_pauses = [(M(a), M(b)) for a, b in pauses if b is not None]
    stored_due = M(due) if due else CAL.due(start, days, closed_pauses)
    return DossierClock(received, start, stored_due, days, M(closed) if closed else None,
                        tuple((M(a), M(b) if b else None) for a, b in pauses))


def st_at(c, at, near=1.0):
    return state_at(c, CAL, M(at), near)


def test_finished_states_by_date_then_moment():
    c = clock("2024-02-07 09:00", 5)          # Tết 08–14/02: due Wed 21/02 09:00
    assert c.due_at == M("2024-02-21 09:00")
    assert finished_state(c.due_at, M("2024-02-20 16:59")) == "early"
    assert finished_state(c.due_at, M("2024-02-21 07:00")) == "on_time"
    assert finished_state(c.due_at, M("2024-02-21 09:00")) == "on_time"
    assert finished_state(c.due_at, M("2024-02-21 09:01")) == "late"
    late = st_at(clock("2024-02-07 09:00", 5, closed="2024-02-22 10:00"), "2024-03-01 00:00")
    assert (late.state, late.days_late, late.overdue) == ("late", 2, True)
    early = st_at(clock("2024-02-07 09:00", 5, closed="2024-02-16 10:00"), "2024-03-01 00:00")
    assert (early.state, early.days_late, early.remaining) == ("early", 0, None)


def test_online_on_a_weekend_night_starts_at_the_next_opening():
    c = clock("2024-03-02 22:15", 5)          # Saturday night
    assert c.start_at == M("2024-03-04 07:30")
    assert c.due_at == M("2024-03-08 17:00")  # Mon 11/03 07:30 shown as Fri closing
    assert st_at(c, "2024-03-03 10:00").state == "within_time"
    assert st_at(c, "2024-03-08 08:00").state == "near_due"
    assert st_at(c, "2024-03-08 17:00").state == "near_due"
    assert st_at(c, "2024-03-08 17:01").state == "overdue"


def test_a_result_without_closing_keeps_the_clock_running():
    c = clock("2024-03-04 08:00", 2)          # the result exists (not part of the clock) but never closed
    t = st_at(c, "2024-03-06 09:00")        # due Wed 06/03 08:00
    assert (t.state, t.closed_at, t.days_late, t.pending_class) == ("overdue", None, 1, "overdue")
    assert remaining_text(t, CAL).startswith("quá hạn")


def test_near_due_threshold_follows_the_setting():
    c = clock("2024-03-04 08:00", 5)          # due Mon 11/03 08:00
    assert st_at(c, "2024-03-07 09:00").state == "within_time"
    assert st_at(c, "2024-03-07 09:00", near=3).state == "near_due"
    assert st_at(c, "2024-03-08 09:00").state == "near_due"
    assert remaining_text(st_at(c, "2024-03-08 09:00"), CAL) == "còn 8 giờ 30 phút làm việc"


def test_pauses_move_the_due_and_the_state_at_a_past_moment_ignores_later_pauses():
    # Mon 04/03 07:30, 5 days -> Fri 08/03 17:00; paused Tue 05/03 07:30 – Thu 07/03 07:30 (2 days)
    c = clock("2024-03-04 07:30", 5, pauses=[("2024-03-05 07:30", "2024-03-07 07:30")])
    assert c.due_at == M("2024-03-12 17:00")
    before = st_at(c, "2024-03-04 12:00")
    assert (before.state, before.due_at) == ("within_time", M("2024-03-08 17:00"))
    during = st_at(c, "2024-03-06 12:00")
    assert during.state == "paused" and during.pending_class == "within_time"
    assert during.remaining == 4 * 570       # frozen at the remaining time when the pause began
    assert remaining_text(during, CAL) == "tạm dừng, còn 4 ngày làm việc"
    assert st_at(c, "2024-03-11 10:00").state == "within_time"
    assert st_at(c, "2024-03-12 10:00").state == "near_due"
    assert st_at(c, "2024-03-13 08:00").state == "overdue"


def test_open_pause():
    c = clock("2024-03-04 07:30", 1, pauses=[("2024-03-06 10:00", None)])   # paused when already overdue
    t = st_at(c, "2024-03-20 10:00")
    assert t.state == "paused" and t.overdue and t.days_late == 2  # Tue + part of Wed
    c2 = clock("2024-03-04 07:30", 5, pauses=[("2024-03-05 07:30", None)])
    t2 = st_at(c2, "2024-04-20 10:00")
    assert t2.state == "paused" and not t2.overdue and t2.due_at > M("2024-04-20 10:00")


def test_closed_after_the_moment_is_open_then_and_not_received_yet_is_none():
    c = clock("2024-03-04 08:00", 5, closed="2024-03-20 08:00")
    assert st_at(c, "2024-03-05 08:00").state == "within_time"
    assert st_at(c, "2024-03-05 08:00").closed_at is None
    assert st_at(c, "2024-03-15 08:00").state == "overdue"
    assert st_at(c, "2024-03-20 08:00").state == "late"
    assert st_at(c, "2024-03-04 07:59") is None


def test_due_from_the_source_is_kept_as_is():
    c = clock("2024-03-04 08:00", None, due="2024-03-06 16:00")
    assert st_at(c, "2024-03-06 15:00").due_at == M("2024-03-06 16:00")


moments = st.datetimes(datetime(2024, 1, 1), datetime(2025, 12, 31)).map(lambda d: d.replace(second=0, microsecond=0))


@settings(max_examples=200, deadline=None)
@given(moments, st.integers(1, 30), st.integers(0, 60 * 24 * 60), st.integers(0, 60 * 24 * 60))
def test_state_partition(received, days, close_after, look_after):
    """Exactly one state; finished iff closed by then; late iff closed after the due moment."""
    start = CAL.next_opening(received)
    due = CAL.due(start, days)
    closed = received + timedelta(minutes=close_after)
    c = DossierClock(received, start, due, days, closed)
    at = received + timedelta(minutes=look_after)
    t = state_at(c, CAL, at)
    assert t.finished == (closed <= at)
    if t.finished:
        assert (t.state == "late") == (closed > due) == t.overdue == (t.days_late > 0)
    else:
        assert (t.state == "overdue") == (at > due)
        assert t.state != "near_due" or CAL.remaining(due, at) <= 570
