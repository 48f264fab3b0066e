"""The TTHC statistics table: identities on the demo data and on generated data, and the SQL counts
checked dossier by dossier against the Python timers (``domain.timers``)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from par_desktop.db import connection
from par_desktop.db.bulk import bulk_insert
from par_desktop.db.models import Dossier, DossierPause, Procedure, Unit
from par_desktop.domain.periods import report_month, report_year
from par_desktop.domain.timers import finished_state
from par_desktop.services import stats
from par_desktop.services.dossiers import timing as dossier_timing

FIELDS = ("Người có công", "Việc làm", "Bảo trợ xã hội")


def expected_from_timers(start: date, end: date) -> dict[str, Counter]:
    """The table recomputed one dossier at a time from the definitions of DOMAIN.md §5."""
    first = datetime.combine(start, time())
    after = datetime.combine(end + timedelta(days=1), time())
    last_minute = after - timedelta(minutes=1)
    calendar = dossier_timing.work_calendar()
    pauses = dossier_timing.pauses_by_dossier()
    out: dict[str, Counter] = {}
    for d in Dossier.select():
        if d.withdrawn or d.received_at >= after or (d.closed_at is not None and d.closed_at < first):
            continue
        c = out.setdefault(d.field, Counter())
        c["received_total"] += 1
        if d.received_at >= first:
            c["received_online" if d.channel == "online" else "received_direct"] += 1
        else:
            c["carried_over"] += 1
        if d.closed_at is not None and d.closed_at < after:
            c["resolved_total"] += 1
            c["resolved_" + finished_state(d.due_at, d.closed_at)] += 1
        else:
            c["pending_total"] += 1
            t = dossier_timing.timer_of(d, last_minute, calendar, pauses.get(d.id, []))
            c["pending_" + t.pending_class] += 1
    return out


def as_counters(table) -> dict[str, Counter]:
    return {r.field: Counter({k: v for k, v in r.as_dict().items() if k != "field" and v}) for r in table.rows}


def assert_table_is_right(start: date, end: date):
    table = stats.dossier_statistics(start, end)
    assert table.identities_hold
    assert as_counters(table) == expected_from_timers(start, end)
    for name in stats.COUNTS:
        assert getattr(table.total, name) == sum(getattr(r, name) for r in table.rows)
    return table


def test_demo_year_and_months(demo_db):
    year = assert_table_is_right(report_year(2024).start, report_year(2024).end)
    assert year.total.received_total > 1000 and year.total.resolved_late > 0 and year.total.pending_overdue > 0
    for month in (1, 2, 6, 12):
        p = report_month(2024, month)
        t = assert_table_is_right(p.start, p.end)
        assert t.total.carried_over > 0 or month == 1
    # any range, e.g. one day (Tết: nothing received in person)
    assert_table_is_right(date(2024, 2, 10), date(2024, 2, 10))


def test_periods_chain(demo_db):
    """What is in progress at the end of a month is what the next month carries over."""
    for month in range(2, 13):
        before, after = report_month(2024, month - 1), report_month(2024, month)
        assert (stats.dossier_statistics(before.start, before.end).total.pending_total
                == stats.dossier_statistics(after.start, after.end).total.carried_over)


def test_json_shape_is_exactly_the_contract(demo_db):
    data = stats.dossier_statistics(date(2024, 3, 15), date(2024, 4, 14)).as_json()
    assert list(data) == ["from", "to", "rows", "total"]
    assert (data["from"], data["to"]) == ("2024-03-15", "2024-04-14")
    keys = ["field", *stats.COUNTS]
    assert all(list(row) == keys for row in data["rows"]) and list(data["total"]) == keys


def test_text_table_has_the_headers_and_total(demo_db):
    text = stats.format_table(stats.dossier_statistics(date(2023, 12, 15), date(2024, 12, 14)))
    lines = text.splitlines()
    assert "Từ ngày 15/12/2023 đến ngày 14/12/2024" in lines[1]
    assert "Số hồ sơ nhận giải quyết" in text and "Trực tiếp, dịch vụ bưu chính" in text and "(13)" in text
    total = next(line for line in lines if line.strip().startswith("Tổng số"))
    assert len({len(line) for line in lines[3:-1] if line and not line.startswith("-")}) >= 1
    assert total.split()[-1].isdigit()


def test_withdrawn_dossiers_are_counted_apart(demo_db):
    p = report_month(2024, 6)
    before = stats.dossier_statistics(p.start, p.end)
    some = [d.id for d in Dossier.select().where(Dossier.received_at >= datetime(2024, 6, 1)).limit(3)]
    Dossier.update(withdrawn=True).where(Dossier.id.in_(some)).execute()
    after = stats.dossier_statistics(p.start, p.end)
    assert after.total.received_total == before.total.received_total - 3 and after.withdrawn == 3
    assert "đã rút hoặc trả lại" in stats.format_table(after)


def test_rates_for_charts(demo_db):
    months = stats.on_time_rate_by_month(2024)
    assert [m.label for m in months] == [f"T{i}" for i in range(1, 13)]
    closed_2024 = Dossier.select().where((Dossier.closed_at >= datetime(2024, 1, 1))
                                         & (Dossier.closed_at < datetime(2025, 1, 1))).count()
    assert sum(m.resolved for m in months) == closed_2024
    assert all(m.rate is None or 0 <= m.rate <= 100 for m in months)
    units = stats.on_time_rate_by_unit(date(2024, 1, 1), date(2024, 12, 31))
    assert sum(u.resolved for u in units) == closed_2024
    assert {u.label for u in units} <= {u.name for u in Unit.select()}
    year = stats.dossier_statistics(date(2024, 1, 1), date(2024, 12, 31))
    assert sum(u.on_time for u in units) == year.total.resolved_early + year.total.resolved_on_time


# ---- generated data ----------------------------------------------------------------------------------

BASE = datetime(2024, 3, 1)
minutes = st.integers(0, 60 * 24 * 90)
dossier_st = st.fixed_dictionaries({
    "received": minutes, "limit": st.sampled_from([0.5, 1, 3, 5, 12]),
    "channel": st.sampled_from(["online", "direct", "post"]), "field": st.sampled_from(FIELDS),
    "close_after": st.none() | st.integers(0, 60 * 24 * 40), "withdrawn": st.booleans(),
    "source_due": st.none() | st.integers(0, 60 * 24 * 20),
    "pause": st.none() | st.tuples(st.integers(0, 60 * 24 * 10), st.none() | st.integers(0, 60 * 24 * 15)),
})


@pytest.fixture
def generated_db(empty_db):
    unit = Unit.create(name="Phòng Người có công", short_code="NCC")
    proc = Procedure.create(code="P", name="Thủ tục", field=FIELDS[0], lead_unit=unit, limit_days=5)
    return unit, proc


def fill(specs, unit, proc):
    calendar = dossier_timing.work_calendar()
    with connection.write_transaction():
        DossierPause.delete().execute()
        Dossier.delete().execute()
        rows, pauses = [], []
        for n, s in enumerate(specs):
            received = BASE + timedelta(minutes=s["received"])
            closed = received + timedelta(minutes=s["close_after"]) if s["close_after"] is not None else None
            pause = None
            if s["pause"] is not None:
                begin = received + timedelta(minutes=s["pause"][0])
                end = begin + timedelta(minutes=s["pause"][1]) if s["pause"][1] is not None else None
                if closed is not None and (end is None or end > closed):  # a closed dossier's pause has ended
                    end = closed if begin <= closed else None
                if end is not None or closed is None:
                    pause = (begin, end)
            source = received + timedelta(minutes=s["source_due"]) if s["source_due"] is not None else None
            start, limit, due = dossier_timing.compute_timing(calendar, received, s["limit"], source,
                                                        [pause] if pause else [])
            rows.append({"code": f"G{n}", "procedure": proc.id, "procedure_name": proc.name, "field": s["field"],
                         "channel": s["channel"], "received_at": received, "start_at": start, "limit_days": limit,
                         "due_at": due, "due_from_source": source is not None, "closed_at": closed,
                         "paused_since": pause[0] if pause and pause[1] is None else None,
                         "unit": unit.id, "withdrawn": s["withdrawn"], "fold_text": ""})
            if pause:
                pauses.append((f"G{n}", pause))
        bulk_insert(Dossier, rows)
        ids = dict(Dossier.select(Dossier.code, Dossier.id).tuples())
        bulk_insert(DossierPause, [{"dossier": ids[c], "paused_at": p[0], "resumed_at": p[1]} for c, p in pauses])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(dossier_st, max_size=25), st.integers(0, 80), st.integers(0, 40))
def test_generated_data(generated_db, specs, start_offset, length):
    fill(specs, *generated_db)
    start = BASE.date() + timedelta(days=start_offset)
    assert_table_is_right(start, start + timedelta(days=length))


def test_a_dossier_paused_within_time_is_not_overdue_at_the_end(generated_db):
    """The stored due of a dossier still awaiting supplements does not count the running pause: the
    table judges it by the time left when the clock stopped."""
    unit, proc = generated_db
    spec = {"received": 8 * 60, "limit": 1, "channel": "direct", "field": FIELDS[0], "close_after": None,
            "withdrawn": False, "source_due": None}
    fill([{**spec, "pause": (120, None)},                  # paused 2 h after reception: 1 day left
          {**spec, "pause": (60 * 24 * 5, None)}], unit, proc)  # paused when already overdue
    assert all(d.due_at < datetime(2024, 3, 15) for d in Dossier.select())
    table = stats.dossier_statistics(date(2024, 3, 15), date(2024, 3, 31))
    assert (table.total.pending_within_time, table.total.pending_overdue) == (1, 1)
