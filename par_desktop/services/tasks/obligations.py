"""The recurring obligations of the plan's text (TX.1 …), added as tasks of their own."""

from __future__ import annotations

from dataclasses import dataclass

from par_desktop.db import connection
from par_desktop.db.changes import audit, insert_record
from par_desktop.db.models import Plan, Task, TaskUnit
from par_desktop.domain.deadlines import parse_deadline
from par_desktop.errors import NotFound
from par_desktop.services import org
from par_desktop.services.session import Actor, require
from par_desktop.services.tasks.occurrences import ensure_occurrences


@dataclass(frozen=True)
class Obligation:
    ref: str
    content: str
    deadline_text: str
    per_unit: bool               # owed by every unit (but the Office)
    lead_office: bool = False    # owed by the Office itself
    coordinating_office: bool = True
    note: str = ""


OBLIGATIONS = (
    Obligation("TX.1", "Báo cáo kết quả thực hiện nhiệm vụ CCHC của phòng, đơn vị về Văn phòng Sở (lồng ghép "
                       "trong báo cáo thực hiện nhiệm vụ phòng, đơn vị)", "Hằng tháng", per_unit=True,
               note="Kế hoạch, mục IV.1: định kỳ hằng tháng báo cáo kết quả thực hiện về Văn phòng Sở."),
    Obligation("TX.2", "Kiểm tra danh mục, nội dung TTHC thuộc lĩnh vực phòng, đơn vị tham mưu trên Cổng Dịch vụ "
                       "công của tỉnh, phần mềm một cửa, Cổng thông tin điện tử Sở (01 lần/tháng)", "Hằng tháng",
               per_unit=True, note="Kế hoạch, mục II.4.2."),
    Obligation("TX.3", "Thống kê và gửi danh mục TTHC thuộc phạm vi theo dõi của phòng, đơn vị về Văn phòng Sở "
                       "để tổng hợp", "Hằng tháng", per_unit=True, note="Kế hoạch, mục II.4.2."),
    Obligation("TX.4", "Thực hiện chế độ báo cáo định kỳ công tác CCHC gửi Sở Nội vụ theo quy định", "Hằng quý",
               per_unit=False, lead_office=True, coordinating_office=False, note="Kế hoạch, mục II.1."),
    Obligation("TX.5", "Rà soát, đánh giá tối thiểu 10% TTHC đang còn hiệu lực thuộc lĩnh vực phòng, đơn vị "
                       "tham mưu; đề xuất đơn giản hóa TTHC", "Hằng năm", per_unit=True,
               note="Kế hoạch, mục II.4.3 và phụ lục III.B.2."),
)


def create_plan_obligations(actor: Actor, plan: Plan | int) -> list[int]:
    """Add the recurring obligations of the plan's text (TX.1 …) and every occurrence the plan's tasks
    need. Idempotent: existing obligations are kept as they are. Returns the obligations' task ids."""
    require(actor, "tasks")
    plan_id = plan.id if isinstance(plan, Plan) else int(plan)
    with connection.write_transaction():
        plan = Plan.get_or_none(Plan.id == plan_id)
        if plan is None:
            raise NotFound(f"Không còn kế hoạch số {plan_id}.")
        office = sorted(org.office_unit_ids())
        ids = []
        for position, item in enumerate(OBLIGATIONS):
            task = Task.get_or_none((Task.plan == plan.id) & (Task.ref == item.ref) & (Task.kind == "obligation"))
            if task is None:
                deadline = parse_deadline(item.deadline_text, plan.year)
                task = insert_record(Task, actor.username, plan=plan.id, ref=item.ref, content=item.content,
                                     deadline_text=deadline.text, due_date=deadline.due_date,
                                     recurrence=deadline.recurrence, per_unit=item.per_unit, kind="obligation",
                                     note=item.note, sort_key=100_000 + position)
                links = ([(office[0], "lead")] if item.lead_office and office else []) + \
                        ([(office[0], "coordinating")] if item.coordinating_office and office else [])
                for unit_id, role in links:
                    TaskUnit.create(task=task.id, unit=unit_id, role=role)
                    audit(actor.username, "insert", "task_unit", task.id, role, None, unit_id)
            ids.append(task.id)
        for task in Task.select().where((Task.plan == plan.id) & (Task.per_unit | Task.recurrence.is_null(False))):
            ensure_occurrences(actor, task)
    return ids
