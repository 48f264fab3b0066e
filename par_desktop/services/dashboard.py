"""What the dashboard (Tổng quan) answers at a glance, gathered as plain data for the page and tests.

UX.md: tasks overdue per unit, tasks due in the next 14 days, dossiers overdue and near due today, the
on-time rate of the current reporting period, what changed since yesterday.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from par_desktop.domain.periods import Period, report_period_of
from par_desktop.services import audit, settings, stats
from par_desktop.services.dossiers import due_lists
from par_desktop.services.tasks import views as task_views

DUE_SOON_DAYS = 14
ATTENTION_ROWS = 200


@dataclass(frozen=True)
class Dashboard:
    today: date
    period: Period
    tasks_by_unit: list[task_views.UnitTaskSummary]
    tasks_overdue: list[task_views.TaskView]
    tasks_due_soon: list[task_views.TaskView]
    dossier_counts: due_lists.DueSummary
    dossiers_needing_attention: list[due_lists.DueRow]   # overdue and near due, soonest first
    overdue_dossiers_by_unit: list[tuple[str, int]]
    period_total: stats.StatsRow
    changes_since_yesterday: list[audit.AuditEntry]
    change_count: int


def load(now: datetime | None = None) -> Dashboard:
    now = (now or datetime.now()).replace(second=0, microsecond=0)
    today = now.date()
    period = report_period_of(today, "month", settings.get(settings.REPORT_CUTOFF_DAY))
    attention = due_lists.near_due_dossiers(now, include_overdue=True)
    per_unit = Counter(row.unit or "(Chưa xác định)" for row in attention if row.state == "overdue")
    since = datetime.combine(today - timedelta(days=1), datetime.min.time())
    return Dashboard(
        today=today,
        period=period,
        tasks_by_unit=task_views.summary_by_unit(today),
        tasks_overdue=task_views.overdue_tasks(today),
        tasks_due_soon=task_views.due_within(DUE_SOON_DAYS, today),
        dossier_counts=due_lists.due_summary(now),
        dossiers_needing_attention=attention[:ATTENTION_ROWS],
        overdue_dossiers_by_unit=per_unit.most_common(),
        period_total=stats.dossier_statistics(period.start, period.end).total,
        changes_since_yesterday=audit.entries(since=since, limit=100),
        change_count=audit.count(since=since),
    )
