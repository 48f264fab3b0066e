"""Step deadlines: working-day budgets per unit from a trigger date, and which unit made it late."""

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from plan_files import fill_reference_plan

from par_desktop.db.models import ProcessStep, Task
from par_desktop.errors import InvalidInput, PermissionDenied
from par_desktop.services import org, steps
from par_desktop.services.session import SYSTEM, Actor
from par_desktop.services.tasks import views as task_views


@pytest.fixture
def plan_db(empty_db, tmp_path):
    """The reference plan's units and plan (imported from its Word file, with obligations), no progress."""
    fill_reference_plan(tmp_path)
    return empty_db


def _publish_list(trigger: date) -> int:
    ncc = org.find_unit("NCC")
    return steps.create_from_template(SYSTEM, "publish_list", ncc.id, trigger,
                                      task_id=Task.get(Task.ref == "III.B.1").id)


def _steps(process_id):
    return list(ProcessStep.select().where(ProcessStep.process == process_id).order_by(ProcessStep.position))


def test_planned_dues_skip_tet_and_weekends(plan_db):
    # Decision received Wed 07/02/2024; Tết holiday 08–14/02: the division's 3 days are 15, 16 and 19/02,
    # the Office's 2 days 20 and 21/02.
    view = steps.process_view(steps.get_process(_publish_list(date(2024, 2, 7))), date(2024, 2, 8))
    division, office = view.steps
    assert (division.unit_name, division.budget_days, division.planned_due) == (
        "Phòng Người có công", 3, date(2024, 2, 19))
    assert (office.unit_name, office.budget_days, office.planned_due) == ("Văn phòng Sở", 2, date(2024, 2, 21))
    assert view.planned_due == date(2024, 2, 21)
    assert (division.status, office.status, view.status) == ("in_progress", "waiting", "in_progress")


def test_the_late_division_is_named_not_the_office_that_used_its_own_two_days(plan_db):
    process_id = _publish_list(date(2024, 2, 7))
    division, office = _steps(process_id)
    steps.complete_step(SYSTEM, division.id, date(2024, 2, 22))   # 3 working days after its due (19/02)
    steps.complete_step(SYSTEM, office.id, date(2024, 2, 26))     # its 2 days from 22/02: 23 and 26/02
    view = steps.process_view(steps.get_process(process_id), date(2024, 3, 1))
    assert view.status == "done_late"
    late = steps.late_steps(process_id, date(2024, 3, 1))
    assert [(s.unit_name, s.days_late) for s in late] == [("Phòng Người có công", 3)]
    assert view.steps[1].own_due == date(2024, 2, 26) and view.steps[1].status == "done_on_time"


def test_the_office_is_named_when_it_is_the_one_late(plan_db):
    process_id = _publish_list(date(2024, 2, 7))
    division, office = _steps(process_id)
    steps.complete_step(SYSTEM, division.id, date(2024, 2, 16))   # early: the Office keeps the planned 21/02
    view = steps.process_view(steps.get_process(process_id), date(2024, 2, 23))
    assert view.steps[1].own_due == date(2024, 2, 21)
    assert (view.steps[1].status, view.steps[1].days_late, view.status) == ("overdue", 2, "overdue")
    assert [s.unit_name for s in view.late_steps] == ["Văn phòng Sở"]


def test_step_completion_rules_and_permissions(plan_db):
    process_id = _publish_list(date(2024, 3, 4))
    division, office = _steps(process_id)
    with pytest.raises(InvalidInput, match="các bước trước chưa hoàn thành"):
        steps.complete_step(SYSTEM, office.id, date(2024, 3, 8))
    with pytest.raises(InvalidInput, match="không thể trước ngày 04/03/2024"):
        steps.complete_step(SYSTEM, division.id, date(2024, 3, 1))
    other = Actor("nv_btxh", "unit", org.find_unit("BTXH").id)
    with pytest.raises(PermissionDenied):
        steps.complete_step(other, division.id, date(2024, 3, 6))
    own = Actor("nv_ncc", "unit", org.find_unit("NCC").id)
    steps.complete_step(own, division.id, date(2024, 3, 6))
    assert _steps(process_id)[0].completed_on == date(2024, 3, 6)


def test_internal_procedure_template_and_the_task_detail(plan_db):
    ldvl = org.find_unit("LĐVL")
    task = Task.get(Task.ref == "III.B.1")
    process_id = steps.create_from_template(SYSTEM, "internal_procedure", ldvl.id, date(2024, 4, 26),
                                            task_id=task.id)
    # Fri 26/04/2024; 29/04 (swapped), 30/04 and 01/05 are days off: the division's 2 days are 02 and
    # 03/05; Sat 04/05 is the make-up working day, so the Office's 3 days are 04, 06 and 07/05.
    view = steps.process_view(steps.get_process(process_id), date(2024, 4, 26))
    assert [s.budget_days for s in view.steps] == [2, 3]
    assert view.steps[0].planned_due == date(2024, 5, 3)
    assert view.steps[1].planned_due == date(2024, 5, 7)
    detail = task_views.task_detail(task.id, date(2024, 4, 26))
    assert [p.id for p in detail.processes] == [process_id]


def test_a_process_needs_named_steps_with_positive_budgets(plan_db):
    vp = org.find_unit("VP")
    with pytest.raises(InvalidInput, match="lớn hơn 0"):
        steps.create_process(SYSTEM, "Quy trình", date(2024, 3, 1), [("Bước một", vp.id, 0)])
    with pytest.raises(InvalidInput, match="ít nhất một bước"):
        steps.create_process(SYSTEM, "Quy trình", date(2024, 3, 1), [])
