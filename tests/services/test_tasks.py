"""Plan import into a real database file, statuses, obligations, progress and permissions."""

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from plan_files import (
    HEADER, fill_reference_plan, reference_docx, reference_parts, reference_xlsx, write_plan_docx,
)

from par_desktop.db.models import (
    Attachment, AuditLog, Plan, ProgressReport, Task, TaskOccurrence, TaskUnit, Unit, UnitAlias,
)
from par_desktop.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from par_desktop.services import org, settings
from par_desktop.services.session import SYSTEM, Actor
from par_desktop.services.tasks import editing as task_editing
from par_desktop.services.tasks import obligations, plan_import
from par_desktop.services.tasks import progress as task_progress
from par_desktop.services.tasks import status as task_statuses
from par_desktop.services.tasks import views as task_views

EXPECTED_DUE = {
    "I.1": "2024-12-31", "I.2": "2024-07-31", "I.3": "2024-07-31", "II.1": "2024-09-29",
    "III.A.1": "2024-07-31", "III.A.2": "2024-09-30", "III.A.3": None, "III.B.1": "2024-05-31",
    "III.B.2": "2024-05-31", "IV.1": "2024-06-30",
}
JULY = date(2024, 7, 20)


def _unit(code_or_name):
    return org.find_unit(code_or_name)


@pytest.fixture
def ref_docx(tmp_path):
    return reference_docx(tmp_path / "ke-hoach-38-cchc-2024.docx")


@pytest.fixture
def plan_db(empty_db, tmp_path):
    """The reference plan's units and plan (imported from its Word file, with obligations), no progress."""
    fill_reference_plan(tmp_path)
    return empty_db


@pytest.fixture
def any_plan_db(any_empty_db, tmp_path):
    """The same on SQLite and on PostgreSQL in turn."""
    fill_reference_plan(tmp_path)
    return any_empty_db


def test_reference_plan_into_an_empty_database(any_empty_db, ref_docx):
    result = plan_import.import_plan(SYSTEM, ref_docx)
    assert (result.task_count, result.created, result.year) == (10, 10, 2024)
    rows = task_views.tasks_json(JULY)
    assert [r["ref"] for r in rows] == list(EXPECTED_DUE)
    assert {r["ref"]: r["due_date"] for r in rows} == EXPECTED_DUE
    by_ref = {r["ref"]: r for r in rows}
    # One unit however the plan writes it, named by its best spelling.
    assert by_ref["I.1"]["lead_units"] == by_ref["IV.1"]["lead_units"] == ["Phòng Kế hoạch - Tài chính"]
    assert by_ref["III.A.2"]["coordinating_units"] == ["Văn phòng Sở", "Phòng Kế hoạch - Tài chính"]
    assert by_ref["I.2"]["lead_units"] == ["Phòng Lao động – Việc làm"]
    assert by_ref["I.3"]["lead_units"] == ["Phòng Người có công"]
    assert by_ref["III.B.1"]["lead_units"] == ["Phòng Lao động – Việc làm", "Phòng Người có công"]
    assert by_ref["III.A.3"]["lead_units"] == ["*"] and by_ref["III.A.3"]["recurrence"] == "ongoing"
    assert by_ref["I.1"]["coordinating_units"] == ["*"]
    assert by_ref["II.1"]["deadline_text"] == "Xong trước ngày 30/9/2024"
    assert set(by_ref["I.1"]) == {"ref", "content", "lead_units", "coordinating_units", "deadline_text",
                                  "due_date", "recurrence", "status", "plan"}
    assert by_ref["I.1"]["plan"] == "38/KH-LĐTĐ&XH"      # the number as the file prints it
    assert Unit.select().count() == 6
    assert Unit.get(Unit.name == "Văn phòng Sở").kind == "office"
    assert len(result.warnings) == 6 and all("đã tạo đơn vị mới" in w for w in result.warnings)
    plan = Plan.get()
    assert (plan.year, plan.number, plan.number_text) == (2024, 38, "38/KH-LĐTĐ&XH")
    # Tasks owed by every unit get one occurrence per unit but the Office.
    per_unit = Task.get(Task.ref == "III.B.2")
    assert per_unit.per_unit and TaskOccurrence.select().where(TaskOccurrence.task == per_unit).count() == 5


def test_importing_the_same_file_again_changes_nothing(any_empty_db, ref_docx, tmp_path):
    plan_import.import_plan(SYSTEM, ref_docx)
    audit_rows, versions = AuditLog.select().count(), [t.version for t in Task.select().order_by(Task.id)]
    again = plan_import.import_plan(SYSTEM, ref_docx)
    assert (again.task_count, again.created, again.updated, again.unchanged) == (10, 0, 0, 10)
    assert again.warnings == []
    # The same plan as an Excel sheet is the same data too.
    from_excel = plan_import.import_plan(SYSTEM, reference_xlsx(tmp_path / "phu-luc.xlsx"))
    assert (from_excel.created, from_excel.updated) == (0, 0)
    assert AuditLog.select().count() == audit_rows
    assert [t.version for t in Task.select().order_by(Task.id)] == versions
    assert Plan.select().count() == 1 and Task.select().count() == 10


def test_reimport_into_the_demo_plan_changes_nothing(demo_db, ref_docx):
    """The demo's plan (with its year of progress reports) is the reference plan: nothing to change —
    once the clerk gives its number as corrected (the file misprints "38 /KH-LĐTĐ&XH")."""
    assert ProgressReport.select().count() > 0
    before = AuditLog.select().count()
    result = plan_import.import_plan(SYSTEM, ref_docx, number="38/KH-SLĐTBXH")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 10)
    assert AuditLog.select().count() == before
    refs = [r["ref"] for r in task_views.tasks_json(JULY)]
    assert refs[:10] == list(EXPECTED_DUE)                # appendix first, in plan order
    assert refs[10:] == [o.ref for o in obligations.OBLIGATIONS]  # then the obligations of the text


def test_a_changed_row_updates_only_that_task_and_keeps_a_clerks_date(empty_db, tmp_path):
    body, titles, rows = reference_parts()
    plan_import.import_plan(SYSTEM, write_plan_docx(tmp_path / "v1.docx", body, titles, rows))
    i1 = Task.get(Task.ref == "I.1")
    task_editing.update_task(SYSTEM, i1.id, i1.version, due_date=date(2024, 11, 15))
    changed = [list(r) for r in rows]
    row = next(r for r in changed if r[1].startswith("Quyết định sửa đổi"))   # I.2
    row[4] = "Tháng 8/2024"
    before = AuditLog.select().count()
    result = plan_import.import_plan(SYSTEM, write_plan_docx(tmp_path / "v2.docx", body, titles, changed))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 9)
    assert Task.get(Task.ref == "I.2").due_date == date(2024, 8, 31)
    i1 = Task.get(Task.ref == "I.1")
    assert i1.due_date == date(2024, 11, 15) and i1.due_overridden
    new_audit = list(AuditLog.select().where(AuditLog.id > before))
    assert {(a.table_name, a.field) for a in new_audit if a.action == "update"} >= {("task", "deadline_text"),
                                                                                  ("task", "due_date")}


def test_bad_deadline_in_row_7_names_it_and_imports_nothing(any_empty_db, tmp_path):
    rows = [HEADER, ["I", "Mục một", "", "", "", ""]] + [
        [str(n), f"Việc {n}", "Phòng Kế hoạch - Tài chính", "", "Tháng 7/2024", ""] for n in range(1, 5)]
    rows.append(["5", "Việc năm", "Phòng Mới", "", "Tháng 13/2024", ""])        # table row 7
    path = write_plan_docx(tmp_path / "loi-dong-7.docx", ["KẾ HOẠCH", "Công tác năm 2024"], ["PHỤ LỤC"], rows)
    with pytest.raises(InvalidInput) as info:
        plan_import.import_plan(SYSTEM, path)
    message = info.value.message
    assert "loi-dong-7.docx" in message and "dòng 7" in message and "tháng 13" in message
    assert Task.select().count() == 0 and Plan.select().count() == 0 and Unit.select().count() == 0
    assert AuditLog.select().count() == 0


def test_a_failure_inside_the_transaction_rolls_everything_back(any_empty_db, ref_docx):
    """Units are created in the import's transaction: a failure after them leaves nothing behind."""
    document = plan_import.read_plan_file(ref_docx)
    unknown = plan_import.unknown_unit_names(document)
    assert "Phòng Kế hoạch - Tài chính" in unknown and len(unknown) == 6
    choices = {name: None for name in unknown}
    choices["Phòng Việc làm – An toàn Lao động"] = 999   # a unit that does not exist (deleted meanwhile)
    with pytest.raises(NotFound):
        plan_import.import_plan(SYSTEM, ref_docx, unit_choices=choices)
    assert Unit.select().count() == 0 and Task.select().count() == 0 and Plan.select().count() == 0
    assert TaskUnit.select().count() == 0 and AuditLog.select().count() == 0


def test_clerks_mapping_of_an_unknown_name_is_remembered_as_an_alias(plan_db, tmp_path):
    rows = [HEADER, ["I", "Mục", "", "", "", ""],
            ["1", "Việc một", "Phòng Tài chính kế toán", "P. Lao động - VL", "Quý IV/2025", ""]]
    path = write_plan_docx(tmp_path / "kh-2025.docx", ["KẾ HOẠCH", "Công tác CCHC năm 2025"], ["PHỤ LỤC"], rows)
    document = plan_import.read_plan_file(path)
    assert plan_import.unknown_unit_names(document) == ["Phòng Tài chính kế toán", "P. Lao động - VL"]
    khtc, ldvl = _unit("KHTC"), _unit("LĐVL")
    units_before = Unit.select().count()
    result = plan_import.import_plan(SYSTEM, document, unit_choices={"Phòng Tài chính kế toán": khtc.id,
                                                              "P. Lao động - VL": ldvl.id})
    assert result.warnings == [] and result.year == 2025 and Unit.select().count() == units_before
    row = task_views.tasks_json(date(2025, 1, 1), task_views.TaskFilters(year=2025))[0]
    assert row["lead_units"] == [khtc.name] and row["coordinating_units"] == [ldvl.name]
    assert org.match_unit("phòng tài chính - kế toán").id == khtc.id
    assert UnitAlias.select().count() == 2


def test_plan_year_from_title_then_option_then_deadlines(empty_db, tmp_path):
    rows = [HEADER, ["I", "Mục", "", "", "", ""], ["1", "Việc", "Phòng A", "", "Tháng 7", ""],
            ["2", "Việc", "Phòng A", "", "Quý III/2026", ""]]
    path = write_plan_docx(tmp_path / "p.docx", ["KẾ HOẠCH", "Công tác CCHC"], ["PHỤ LỤC"], rows)
    document = plan_import.read_plan_file(path)
    assert document.year_hint is None
    assert plan_import.plan_year(document) == 2026
    assert plan_import.plan_year(document, 2027) == 2027
    plan_import.import_plan(SYSTEM, path, 2026)
    assert Task.get(Task.ref == "I.1").due_date == date(2026, 7, 31)


def test_only_docx_and_xlsx_are_accepted(empty_db, tmp_path):
    old = tmp_path / "ke-hoach.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InvalidInput, match="ke-hoach.doc.*lưu lại dạng .docx"):
        plan_import.import_plan(SYSTEM, old)


# ---- statuses ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("due, completed, percent, started, expected", [
    (date(2024, 7, 31), None, 0, False, "at_risk"),         # 11 days left, 0 % < 50 %
    (date(2024, 7, 31), None, 60, True, "in_progress"),     # enough progress: not at risk
    (date(2024, 9, 30), None, 0, False, "not_started"),
    (date(2024, 9, 30), None, 10, True, "in_progress"),
    (date(2024, 7, 19), None, 90, True, "overdue"),
    (date(2024, 7, 31), date(2024, 7, 31), 100, True, "done_on_time"),
    (date(2024, 7, 31), date(2024, 8, 1), 100, True, "done_late"),
    (None, None, 0, False, "not_started"),
])
def test_task_status(due, completed, percent, started, expected):
    assert task_statuses.task_status(due, completed, percent, JULY, started=started, at_risk_days=14,
                             at_risk_min_percent=50) == expected


def test_at_risk_follows_the_settings(empty_db, ref_docx):
    plan_import.import_plan(SYSTEM, ref_docx)
    assert task_views.get_task(Task.get(Task.ref == "I.2").id, JULY).status == "at_risk"
    settings.set_value(SYSTEM, "tasks.at_risk_days", 7)
    assert task_views.get_task(Task.get(Task.ref == "I.2").id, JULY).status == "not_started"


# ---- progress and permissions -----------------------------------------------------------------------

def _unit_actor(code):
    unit = _unit(code)
    return Actor(f"nv_{code.lower()}", "unit", unit.id, f"Cán bộ {unit.name}")


def test_unit_reports_progress_with_evidence_and_completes(any_plan_db, tmp_path):
    i3 = Task.get(Task.ref == "I.3")      # Phòng Người có công, due 31/07/2024
    evidence = tmp_path / "du-thao-quy-che.pdf"
    evidence.write_bytes(b"%PDF-1.4 bien ban")
    ncc = _unit_actor("NCC")
    task_progress.report_progress(ncc, i3.id, percent=40, text="Đã xin ý kiến các phòng", reported_on=date(2024, 7, 1),
                          attachments=[evidence, ("ghi-chu.txt", "Ý kiến góp ý".encode())])
    view = task_views.get_task(i3.id, date(2024, 7, 2))
    assert (view.status, view.progress_percent) == ("in_progress", 40)
    assert task_views.get_task(i3.id, JULY).status == "at_risk"           # 11 days left with 40 % < 50 %
    detail = task_views.task_detail(i3.id, JULY)
    assert detail.reports[0].unit_name == "Phòng Người có công" and detail.reports[0].percent == 40
    names = [a[1] for a in detail.reports[0].attachments]
    assert names == ["du-thao-quy-che.pdf", "ghi-chu.txt"]
    assert task_views.attachment_content(detail.reports[0].attachments[1][0]) == ("ghi-chu.txt",
                                                                                  "Ý kiến góp ý".encode())
    task_progress.report_progress(ncc, i3.id, percent=100, text="Đã trình ban hành", reported_on=date(2024, 8, 2))
    view = task_views.get_task(i3.id, date(2024, 9, 1))
    assert (view.status, view.completed_on) == ("done_late", date(2024, 8, 2))
    assert Attachment.select().count() == 2


def test_a_unit_cannot_report_on_another_units_task(plan_db):
    i3 = Task.get(Task.ref == "I.3")      # Người có công's task
    btxh = _unit_actor("BTXH")
    with pytest.raises(PermissionDenied):
        task_progress.report_progress(btxh, i3.id, percent=50)
    with pytest.raises(PermissionDenied):   # nor report in the name of the unit that owns it
        task_progress.report_progress(btxh, i3.id, percent=50, unit_id=_unit("NCC").id)
    with pytest.raises(PermissionDenied):   # nor edit a task at all
        task_editing.update_task(btxh, i3.id, None, content="Sửa trộm")
    with pytest.raises(PermissionDenied):
        task_progress.report_progress(Actor("ld", "leader"), i3.id, percent=50, unit_id=_unit("NCC").id)
    assert ProgressReport.select().count() == 0


def test_percent_must_be_between_0_and_100(plan_db):
    with pytest.raises(InvalidInput, match="0 đến 100"):
        task_progress.report_progress(_unit_actor("NCC"), Task.get(Task.ref == "I.3").id, percent=120)


# ---- obligations and occurrences --------------------------------------------------------------------

def test_obligations_are_idempotent_with_one_occurrence_per_period_and_unit(plan_db):
    plan = Plan.get(Plan.year == 2024)
    occurrences_before, audit_before = TaskOccurrence.select().count(), AuditLog.select().count()
    ids = obligations.create_plan_obligations(SYSTEM, plan)
    assert TaskOccurrence.select().count() == occurrences_before and AuditLog.select().count() == audit_before
    tx1 = Task.get_by_id(ids[0])
    assert (tx1.ref, tx1.kind, tx1.recurrence, tx1.per_unit) == ("TX.1", "obligation", "monthly", True)
    units = [u for u in org.units() if u.short_code != "VP"]
    occs = list(TaskOccurrence.select().where(TaskOccurrence.task == tx1))
    assert len(occs) == 12 * len(units)
    july_ncc = next(o for o in occs if o.unit_id == _unit("NCC").id and o.period_start == date(2024, 7, 1))
    assert (july_ncc.due_date, july_ncc.label) == (date(2024, 7, 31), "Tháng 7/2024")
    tx4 = Task.get(Task.ref == "TX.4")
    assert tx4.recurrence == "quarterly" and TaskOccurrence.select().where(TaskOccurrence.task == tx4).count() == 4
    assert task_views.get_task(tx4.id, JULY).lead_units == ("Văn phòng Sở",)


def test_each_units_monthly_report_has_its_own_status(any_plan_db):
    tx1 = Task.get(Task.ref == "TX.1")
    ncc, btxh = _unit("NCC"), _unit("BTXH")
    for month in range(1, 7):
        task_progress.report_progress(_unit_actor("NCC"), tx1.id, percent=100, reported_on=date(2024, month, 25))
    ncc_view = task_views.list_tasks(task_views.TaskFilters(unit_id=ncc.id, recurrence="monthly"), date(2024, 7, 10))
    assert {v.ref: v.status for v in ncc_view}["TX.1"] == "in_progress"
    assert {v.ref: v.status for v in task_views.list_tasks(task_views.TaskFilters(unit_id=btxh.id), date(2024, 7, 10))}[
        "TX.1"] == "overdue"
    detail = task_views.task_detail(tx1.id, date(2024, 7, 10))
    june = next(o for o in detail.occurrences if o.unit_id == ncc.id and o.period_start == date(2024, 6, 1))
    assert june.status == "done_on_time"
    statuses = dict(task_views.get_task(tx1.id, date(2024, 7, 10)).unit_statuses)
    assert statuses["Phòng Người có công"] == "in_progress" and statuses["Phòng Bảo trợ xã hội"] == "overdue"
    # A late July report: that occurrence is done late.
    task_progress.report_progress(_unit_actor("NCC"), tx1.id, percent=100, reported_on=date(2024, 8, 5))
    july = next(o for o in task_views.task_detail(tx1.id, date(2024, 8, 6)).occurrences
                if o.unit_id == ncc.id and o.period_start == date(2024, 7, 1))
    assert (july.status, july.completed_on) == ("done_late", date(2024, 8, 5))


# ---- views ------------------------------------------------------------------------------------------

def test_filters_and_accent_insensitive_search(plan_db):
    def refs(**kw):
        return [v.ref for v in task_views.list_tasks(task_views.TaskFilters(**kw), JULY)]

    assert refs(search="ra soat") == ["III.B.1", "III.B.2", "TX.5"]
    assert refs(search="RÀ SOÁT 10%") == ["III.B.2", "TX.5"]
    assert refs(status="overdue", kind="appendix") == ["III.B.1", "III.B.2", "IV.1"]
    assert refs(recurrence="ongoing") == ["III.A.3"]
    assert refs(due_from=date(2024, 7, 1), due_to=date(2024, 7, 31), kind="appendix") == ["I.2", "I.3", "III.A.1"]
    ncc = _unit("NCC").id
    assert refs(unit_id=ncc, unit_role="lead", kind="appendix") == ["I.3", "III.A.3", "III.B.1", "III.B.2"]
    assert "I.1" in refs(unit_id=ncc)          # coordinating ("Các phòng, đơn vị có liên quan")


def test_summary_due_soon_late_and_notice(plan_db):
    summary = {s.short_code: s for s in task_views.summary_by_unit(JULY)}
    ncc = summary["NCC"]
    # I.3 at risk; III.B.1, III.B.2 and the monthly/yearly obligations overdue or not started.
    assert ncc.at_risk == 1 and ncc.overdue >= 2 and ncc.total == len(
        task_views.list_tasks(task_views.TaskFilters(unit_id=_unit("NCC").id, unit_role="lead"), JULY))
    late, at_risk = task_views.late_and_at_risk(_unit("NCC").id, JULY)
    assert [v.ref for v in at_risk] == ["I.3"] and {"III.B.1", "III.B.2"} <= {v.ref for v in late}
    soon = task_views.due_within(14, JULY)
    assert [v.ref for v in soon][:3] == ["I.2", "I.3", "III.A.1"]
    assert all(JULY <= v.next_due <= date(2024, 8, 3) for v in soon)
    lines = task_views.startup_notice_lines(date(2024, 7, 26), limit=3)
    assert lines[0].startswith("Nhiệm vụ quá hạn: III.B.1 — ") and "(hạn 31/05/2024; " in lines[0]
    assert lines[3].startswith("Nhiệm vụ quá hạn: … và ")
    assert "Nhiệm vụ đến hạn trong 7 ngày tới: I.2 — Quyết định sửa đổi" in lines[4]
    assert "31/07/2024; Phòng Lao động – Việc làm)" in lines[4]


# ---- editing by hand --------------------------------------------------------------------------------

def test_add_edit_override_and_conflict(any_plan_db):
    plan = Plan.get(Plan.year == 2024)
    task_id = task_editing.create_task(SYSTEM, content="Tập huấn nghiệp vụ một cửa", deadline_text="Quý IV/2024",
                                lead_unit_ids=[_unit("VP").id], coordinating_all=True, plan_id=plan.id)
    view = task_views.get_task(task_id, JULY)
    assert (view.ref, view.due_date, view.kind, view.coordinating_units) == (
        "NV.1", date(2024, 12, 31), "manual", ("*",))
    assert [v.ref for v in task_views.list_tasks(None, JULY)][10] == "NV.1"   # after the appendix, before obligations
    edited = task_editing.update_task(SYSTEM, task_id, view.version, due_date=date(2024, 11, 30))
    assert edited.due_overridden and edited.deadline_text == "Quý IV/2024"
    with pytest.raises(ConflictError):
        task_editing.update_task(SYSTEM, task_id, view.version, content="Bản cũ")
    back = task_editing.update_task(SYSTEM, task_id, edited.version, deadline_text="Tháng 10/2024")
    assert (back.due_date, back.due_overridden) == (date(2024, 10, 31), False)
    with pytest.raises(InvalidInput, match="Thời hạn"):
        task_editing.update_task(SYSTEM, task_id, back.version, deadline_text="29/02/2023")
    with pytest.raises(InvalidInput, match="Đã có nhiệm vụ số I.1"):
        task_editing.update_task(SYSTEM, task_id, back.version, ref="I.1")
    task_editing.update_task(SYSTEM, task_id, back.version, lead_all=True, deadline_text="Hằng quý")
    assert TaskOccurrence.select().where(TaskOccurrence.task == task_id).count() == 4 * 7
    task_editing.delete_task(SYSTEM, task_id, None)
    assert Task.get_or_none(Task.id == task_id) is None
    assert TaskOccurrence.select().where(TaskOccurrence.task == task_id).count() == 0


def test_statuses_on_a_past_day_count_only_what_was_reported_by_then(any_plan_db):
    i3 = Task.get(Task.ref == "I.3")
    ncc = _unit_actor("NCC")
    task_progress.report_progress(ncc, i3.id, percent=60, reported_on=date(2024, 7, 1))
    task_progress.report_progress(ncc, i3.id, percent=100, reported_on=date(2024, 8, 12))
    assert task_views.get_task(i3.id, date(2024, 6, 20)).status == "not_started"
    july = task_views.get_task(i3.id, JULY)
    assert (july.status, july.progress_percent, july.completed_on) == ("in_progress", 60, None)
    assert task_views.get_task(i3.id, date(2024, 7, 31)).status == "in_progress"
    assert task_views.get_task(i3.id, date(2024, 8, 5)).status == "overdue"
    assert task_views.get_task(i3.id, date(2024, 9, 1)).status == "done_late"
    tx1 = Task.get(Task.ref == "TX.1")
    task_progress.report_progress(ncc, tx1.id, percent=100, reported_on=date(2024, 2, 3))   # January's, late
    january = lambda day: next(o for o in task_views.task_detail(tx1.id, day).occurrences  # noqa: E731
                               if o.unit_id == ncc.unit_id and o.period_start == date(2024, 1, 1))
    assert january(date(2024, 1, 31)).status == "at_risk"
    assert january(date(2024, 2, 2)).status == "overdue"
    assert january(date(2024, 2, 3)).status == "done_late"



def test_plans_of_the_same_year_live_side_by_side(empty_db, tmp_path):
    """Plan 45 (TTHC control) of 2024 never touches plan 38, though task refs I.1, I.2 … are the same;
    the same plan again changes nothing; a number of another year's plan is refused."""
    body, titles, rows = reference_parts()
    plan38 = plan_import.import_plan(SYSTEM, write_plan_docx(tmp_path / "kh38.docx", body, titles, rows),
                               number="38 / KH-SLĐTBXH")
    i1 = Task.get((Task.ref == "I.1") & (Task.plan == plan38.plan_id))
    other = [list(r) for r in rows]
    for r in other[1:]:
        if r[4] and r[0].strip().isdigit():
            r[4] = "Quý IV/2024"
    plan45 = plan_import.import_plan(SYSTEM, write_plan_docx(tmp_path / "kh45.docx", body, titles, other), number="45/KH-SLĐTBXH")
    assert plan45.plan_id != plan38.plan_id and plan45.created == 10
    assert Task.get_by_id(i1.id).version == i1.version and Task.get_by_id(i1.id).due_date == i1.due_date
    assert sorted((p.number, p.tasks) for p in task_views.list_plans()) == [("38/KH-SLĐTBXH", 10), ("45/KH-SLĐTBXH", 10)]
    again = plan_import.import_plan(SYSTEM, write_plan_docx(tmp_path / "kh45b.docx", body, titles, other), number="45/KH-SLĐTBXH")
    assert (again.created, again.updated) == (0, 0)
    json_rows = task_views.tasks_json(JULY, task_views.TaskFilters(plan_id=plan45.plan_id))
    assert len(json_rows) == 10 and {r["plan"] for r in json_rows} == {"45/KH-SLĐTBXH"}
    with pytest.raises(InvalidInput, match="đã là số của kế hoạch năm 2024"):
        plan_import.import_plan(SYSTEM, write_plan_docx(tmp_path / "kh38-2025.docx", body, titles, rows), year=2025,
                          number="38/KH-SLĐTBXH")
    assert Plan.select().count() == 2
