"""What the dashboard (Tổng quan) answers at a glance, gathered as plain data for the page and tests.

UX.md: tasks overdue per unit, tasks due in the next 14 days, dossiers overdue and near due today, the
on-time rate of the current reporting period, what changed since yesterday.

It is the first thing a clerk sees, so it is read in a handful of queries whatever the size of the
database, each counted by the database itself: the settings it needs (1), the working calendar (2:
overrides and office hours; the national days off come from ``services.calendar``'s cache), the open
dossiers' counts per unit (1 GROUP BY: the three figures and the chart), the soonest ``ATTENTION_ROWS``
overdue or near-due dossiers (1, and 1 for their pauses), the period's resolved dossiers (1), the
tasks (one snapshot of 6 small queries), the changes since yesterday (1) with what they changed and who
(1), and the names their values refer to (at most 2: units, procedures, only when a row needs them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from par_desktop.domain.periods import Period, report_period_of
from par_desktop.services import audit, settings, stats
from par_desktop.services.calendar import current_calendar
from par_desktop.services.dossiers import due_lists
from par_desktop.services.tasks import views as task_views

DUE_SOON_DAYS = 14
ATTENTION_ROWS = 200
NO_UNIT = "(Chưa xác định)"


@dataclass(frozen=True)
class Dashboard:
    today: date
    period: Period
    tasks_by_unit: list[task_views.UnitTaskSummary]
    tasks_overdue: list[task_views.TaskView]
    tasks_due_soon: list[task_views.TaskView]
    dossier_counts: due_lists.DueSummary
    dossiers_needing_attention: list[due_lists.DueRow]   # overdue and near due, soonest first
    overdue_dossiers_by_unit: list[tuple[str, int]]      # most first
    period_rate: stats.Rate                              # resolved in the period, early or on time
    changes_since_yesterday: list[audit.ShownEntry]      # the newest 100, as the clerk reads them
    changes: audit.ChangeSummary                         # what changed since yesterday, by kind of record
    at: datetime                                         # the moment the figures above are counted at


def load(now: datetime | None = None) -> Dashboard:
    now = (now or datetime.now()).replace(second=0, microsecond=0)
    today = now.date()
    values = settings.get_many(settings.REPORT_CUTOFF_DAY, settings.NEAR_DUE_DAYS)
    period = report_period_of(today, "month", values[settings.REPORT_CUTOFF_DAY])
    calendar, near = current_calendar(), float(values[settings.NEAR_DUE_DAYS])
    by_unit = due_lists.due_summary_by_unit(now, calendar=calendar, near=near)
    overdue_by_unit = sorted(((name or NO_UNIT, counts.overdue) for name, counts in by_unit if counts.overdue),
                             key=lambda pair: (-pair[1], pair[0]))
    tasks = task_views.overview(DUE_SOON_DAYS, today)
    since = datetime.combine(today - timedelta(days=1), datetime.min.time())
    changes = audit.entries(since=since, limit=100)   # newest first, read from the index on the moment
    summary = audit.change_summary(since)
    return Dashboard(
        today=today,
        period=period,
        tasks_by_unit=tasks.by_unit,
        tasks_overdue=tasks.overdue,
        tasks_due_soon=tasks.due_soon,
        dossier_counts=sum((counts for _, counts in by_unit), due_lists.DueSummary(0, 0, 0)),
        dossiers_needing_attention=due_lists.near_due_dossiers(now, include_overdue=True, limit=ATTENTION_ROWS,
                                                              calendar=calendar, near=near),
        overdue_dossiers_by_unit=overdue_by_unit,
        period_rate=stats.on_time_rate(period.start, period.end, period.label),
        changes_since_yesterday=audit.shown(changes, summary.names),
        changes=summary,
        at=now,
    )
