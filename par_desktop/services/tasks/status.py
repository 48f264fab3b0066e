"""Task statuses: what a task or occurrence is on a day (see the package docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from par_desktop.services import settings

STATUSES = ("not_started", "in_progress", "at_risk", "done_on_time", "done_late", "overdue")
STATUS_LABELS = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "at_risk": "Có nguy cơ chậm",
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành trễ hạn",
    "overdue": "Quá hạn",
}
OPEN_STATUSES = frozenset({"not_started", "in_progress", "at_risk", "overdue"})
DONE_STATUSES = frozenset({"done_on_time", "done_late"})
RECURRENCE_LABELS = {None: "", "ongoing": "Thường xuyên", "monthly": "Hằng tháng", "quarterly": "Hằng quý",
                     "yearly": "Hằng năm"}
KIND_LABELS = {"appendix": "Phụ lục kế hoạch", "manual": "Nhập tay", "obligation": "Nhiệm vụ định kỳ"}


def task_status(due_date: date | None, completed_on: date | None, progress_percent: int, today: date, *,
                started: bool = False, at_risk_days: int | None = None,
                at_risk_min_percent: int | None = None) -> str:
    """The status of one task or occurrence on ``today`` (see the module docstring)."""
    if completed_on is not None:
        return "done_late" if due_date is not None and completed_on > due_date else "done_on_time"
    if due_date is not None and today > due_date:
        return "overdue"
    days = settings.get(settings.AT_RISK_DAYS) if at_risk_days is None else at_risk_days
    minimum = settings.get(settings.AT_RISK_MIN_PERCENT) if at_risk_min_percent is None else at_risk_min_percent
    if due_date is not None and (due_date - today).days <= days and progress_percent < minimum:
        return "at_risk"
    if started or progress_percent > 0:
        return "in_progress"
    return "not_started"


def aggregate_status(items: Sequence[tuple[date, str]], today: date) -> str:
    """Status of a set of occurrences given as (period start, status)."""
    if not items:
        return "not_started"
    statuses = [status for _, status in items]
    begun = [status for start, status in items if start <= today]
    if "overdue" in begun:
        return "overdue"
    if "at_risk" in begun:
        return "at_risk"
    if all(status in DONE_STATUSES for status in statuses):
        return "done_late" if "done_late" in statuses else "done_on_time"
    if any(status != "not_started" for status in statuses):
        return "in_progress"
    return "not_started"
