"""Table models of the tasks page: tasks, progress reports, occurrences (per period and unit), process
steps, and the per-unit summary. All are ``RowTableModel``s over the services' plain rows, so sorting,
accent-insensitive search and "Xuất Excel" behave as on every other page; statuses are shown as their
Vietnamese label in the status colour (never colour alone).
"""

from __future__ import annotations

from datetime import date

from par_desktop.domain.text import ui_date
from par_desktop.services import steps as step_service
from par_desktop.services.tasks import status as task_statuses
from par_desktop.services.tasks import views as task_views
from par_desktop.ui.status_style import state_background, state_color
from par_desktop.ui.widgets.table import Column, RowTableModel, number_column, state_column

# Step statuses in the one colour language: waiting = grey, in progress = blue, late = red, done = green.
STEP_STATE = {"waiting": "not_started", "in_progress": "in_progress", "overdue": "overdue",
              "done_on_time": "done_on_time", "done_late": "done_late"}


def units_text(names: tuple[str, ...], all_text: str) -> str:
    return all_text if names == (task_views.ALL,) else "; ".join(names)


def remaining_text(view: task_views.TaskView, today: date) -> str:
    """"còn 11 ngày" / "quá hạn 3 ngày" / "đến hạn hôm nay" for open tasks; "" when done or undated."""
    if not view.is_open or view.next_due is None:
        return ""
    days = (view.next_due - today).days
    if days > 0:
        return f"còn {days} ngày"
    return "đến hạn hôm nay" if days == 0 else f"quá hạn {-days} ngày"


def task_columns(today_of) -> list[Column]:
    """Columns of the task table; ``today_of()`` gives the day the remaining time is counted from."""
    overdue_colour = lambda v: state_color(v.status) if v.status in ("overdue", "at_risk") else None  # noqa: E731
    return [
        Column("Mục", lambda v: v.ref, width=64, tooltip=lambda v: " › ".join(
            t for t in (v.section_title, v.subsection_title) if t) or task_statuses.KIND_LABELS.get(v.kind, "")),
        state_column("Trạng thái", lambda v: v.status, width=140),
        Column("Nội dung nhiệm vụ", lambda v: v.content, width=330, tooltip=lambda v: v.content),
        Column("Đơn vị chủ trì", lambda v: units_text(v.lead_units, "Các phòng, đơn vị"), width=190),
        Column("Hạn", lambda v: v.next_due or v.due_date, width=86, foreground=overdue_colour,
               tooltip=lambda v: "Ngày hạn do Văn phòng chọn" if v.due_overridden else ""),
        Column("Còn lại", lambda v: remaining_text(v, today_of()), width=105, foreground=overdue_colour,
               searchable=False),
        number_column("Tiến độ (%)", lambda v: v.progress_percent, width=78),
        Column("Thời gian hoàn thành", lambda v: v.deadline_text, width=150),
        Column("Định kỳ", lambda v: task_statuses.RECURRENCE_LABELS[v.recurrence], width=90),
        Column("Đơn vị phối hợp", lambda v: units_text(v.coordinating_units, "Các phòng, đơn vị liên quan"),
               width=170),
    ]


class TaskTableModel(RowTableModel):
    """The task table (one row per ``TaskView``), keyed by task id so the selection survives reloads."""

    def __init__(self, today_of, parent=None):
        super().__init__(task_columns(today_of), key=lambda v: v.id, search_text=lambda v: v.search_key,
                         parent=parent)


class ReportTableModel(RowTableModel):
    """The progress history of a task, newest first."""

    def __init__(self, parent=None):
        super().__init__([
            Column("Ngày báo cáo", lambda r: r.reported_on, width=90),
            Column("Đơn vị", lambda r: r.unit_name or "Văn phòng Sở (ghi thay)", width=170),
            number_column("Tiến độ (%)", lambda r: r.percent, width=75),
            Column("Nội dung", lambda r: r.text, width=230, tooltip=lambda r: r.text),
            Column("Tệp minh chứng", lambda r: ", ".join(a[1] for a in r.attachments), width=140),
            Column("Kỳ", lambda r: r.occurrence_label, width=150),
            Column("Người báo cáo", lambda r: r.username, width=110),
        ], key=lambda r: r.id, parent=parent)


class OccurrenceTableModel(RowTableModel):
    """The periods (and, for tasks of every unit, the units) of a recurring task, each with its status."""

    def __init__(self, parent=None):
        super().__init__([
            Column("Kỳ", lambda o: o.label, width=95),
            Column("Đơn vị", lambda o: o.unit_name or "—", width=190),
            state_column("Trạng thái", lambda o: o.status, width=140),
            Column("Hạn", lambda o: o.due_date, width=86),
            number_column("Tiến độ (%)", lambda o: o.progress_percent, width=75),
            Column("Hoàn thành ngày", lambda o: o.completed_on, width=105),
        ], key=lambda o: o.id, parent=parent)


class StepTableModel(RowTableModel):
    """Steps of the task's step processes: which unit, its budget, its due dates and whether it was late."""

    def __init__(self, parent=None):
        super().__init__([
            Column("Bước", lambda s: f"{s[1].position}. {s[1].name}", width=230,
                   tooltip=lambda s: f"{s[0].name}: {s[1].name}"),
            Column("Đơn vị", lambda s: s[1].unit_name, width=160),
            Column("Trạng thái", lambda s: s[1].status_label + (f" ({s[1].days_late} ngày)" if s[1].days_late else ""),
                   width=170, foreground=lambda s: state_color(STEP_STATE[s[1].status]),
                   background=lambda s: state_background(STEP_STATE[s[1].status])),
            number_column("Số ngày làm việc", lambda s: s[1].budget_days, width=90),
            Column("Hạn theo kế hoạch", lambda s: s[1].planned_due, width=110),
            Column("Hạn của bước", lambda s: s[1].own_due, width=100,
                   tooltip=lambda s: "Tính từ ngày bước trước hoàn thành (không sớm hơn hạn theo kế hoạch)"),
            Column("Hoàn thành ngày", lambda s: s[1].completed_on, width=105),
            Column("Quy trình", lambda s: s[0].name, width=200, tooltip=lambda s: f"Mốc bắt đầu: "
                   f"{ui_date(s[0].trigger_date)} — {s[0].note}"),
        ], key=lambda s: s[1].id, parent=parent)

    def set_processes(self, processes: tuple[step_service.ProcessView, ...]) -> None:
        self.set_rows([(process, step) for process in processes for step in process.steps])


class UnitSummaryModel(RowTableModel):
    """The per-unit view: how many of each unit's tasks are in each status."""

    def __init__(self, parent=None):
        columns = [Column("Đơn vị", lambda s: s.unit_name, width=240)]
        for status in task_statuses.STATUSES:
            columns.append(number_column(
                task_statuses.STATUS_LABELS[status], lambda s, st=status: getattr(s, st),
                foreground=lambda s, st=status: state_color(st) if getattr(s, st) else None))
        columns.append(number_column("Tổng", lambda s: s.total, width=70))
        super().__init__(columns, key=lambda s: s.unit_id, parent=parent)
