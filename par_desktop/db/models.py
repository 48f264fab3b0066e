"""The persistent schema (peewee models). One module so the whole schema reads in one place.

Every record a clerk edits derives from ``VersionedModel``: its ``version`` column is bumped by each
update, and an update that names a stale version is refused (see ``par_desktop.db.changes``).
Moments are naive local datetimes (the office's wall clock); dates are dates.
"""

from __future__ import annotations

from datetime import datetime

from peewee import (
    BlobField, BooleanField, CharField, DatabaseProxy, DateField, DateTimeField, DoubleField, FloatField,
    ForeignKeyField, IntegerField, Model, SQL, TextField,
)

# The schema version these models describe (``app_meta.schema_version``); the steps that bring an older
# file up to it are in ``par_desktop.db.schema``. Here, below backup and pg_tools, which refuse newer backups.
SCHEMA_VERSION = 4

database_proxy = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class VersionedModel(BaseModel):
    version = IntegerField(default=1)
    updated_at = DateTimeField(default=datetime.now)


class AppMeta(BaseModel):
    """Key/value facts about the file itself: schema version, creation, maintenance mode."""
    key = CharField(primary_key=True, max_length=64)
    value = TextField()


class Setting(VersionedModel):
    """Typed application settings (JSON values): office hours, warning thresholds, report cut-offs."""
    key = CharField(unique=True, max_length=100)
    value = TextField()


class OrgProfile(VersionedModel):
    """Names used on documents, dated: the one in force on a document's date is used (2025 merger)."""
    valid_from = DateField(index=True)
    governing_body = CharField()      # "UBND TỈNH BẮC GIANG"
    agency_name = CharField()         # "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    agency_short = CharField()        # "Sở Lao động - Thương binh và Xã hội" (in running text)
    agency_abbr = CharField()         # "SLĐTBXH" (in document numbers)
    place_name = CharField()          # "Bắc Giang"
    office_unit_code = CharField(default="VP")
    short_name = CharField(default="")   # "Sở LĐ-TB&XH" (a short form the office chose; else derived)
    valid_to = DateField(null=True)      # last day in force (None: until a later row starts)


class Unit(VersionedModel):
    """A division or affiliated unit (phòng chuyên môn, đơn vị trực thuộc)."""
    name = CharField(unique=True)
    short_code = CharField(unique=True, max_length=20)
    kind = CharField(default="division")   # division | office | affiliated
    head_name = CharField(default="")
    head_title = CharField(default="Trưởng phòng")
    active = BooleanField(default=True)
    sort_order = IntegerField(default=0)


class UnitAlias(BaseModel):
    """Another way the unit's name is written, keyed by ``domain.text.unit_key``."""
    unit = ForeignKeyField(Unit, backref="aliases", on_delete="CASCADE")
    alias = CharField()
    key = CharField(unique=True)


class Signer(VersionedModel):
    name = CharField()
    title = CharField()                 # "PHÓ GIÁM ĐỐC"
    authority = CharField(default="")   # "KT. GIÁM ĐỐC"
    valid_from = DateField(null=True)
    valid_to = DateField(null=True)
    is_default = BooleanField(default=False)


class User(VersionedModel):
    username = CharField(unique=True, max_length=64)
    full_name = CharField(default="")
    role = CharField()                  # admin | office | unit | leader | system
    unit = ForeignKeyField(Unit, null=True, backref="users", on_delete="SET NULL")
    password_hash = CharField(default="")
    failed_attempts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=datetime.now)


class AuditLog(BaseModel):
    """Append-only: who changed which field of which record, old -> new, in the change's transaction."""
    at = DateTimeField(default=datetime.now, index=True)
    username = CharField(index=True)
    action = CharField()                # insert | update | delete | import | issue | login …
    table_name = CharField(index=True)
    record_id = CharField(default="")
    field = CharField(default="")
    old_value = TextField(null=True)
    new_value = TextField(null=True)
    session_id = CharField(default="", index=True)
    # db.audit_chain: chained to the previous row. The SQL default keeps a row written by another program
    # insertable (the upgrade's ALTER TABLE gives the same one) — and ``check`` then names it.
    row_hash = CharField(default="", max_length=64, constraints=[SQL("DEFAULT ''")])


class Presence(BaseModel):
    """Who has the database open; rows whose heartbeat is older than a few minutes are stale."""
    session_id = CharField(unique=True)
    username = CharField()
    machine = CharField()
    pid = IntegerField()
    since = DateTimeField(default=datetime.now)
    heartbeat = DateTimeField(default=datetime.now)
    activity = CharField(default="")    # e.g. "Đang nhập hồ sơ" while it holds long writes
    # +1 per heartbeat: liveness is judged by it changing (services.presence); older rows count from 0
    beats = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])


class CalendarOverride(VersionedModel):
    """An administrator's change to the working calendar (provincial decision, a year not yet known)."""
    day = DateField(unique=True)
    is_working = BooleanField()
    reason = CharField(default="")


class Plan(VersionedModel):
    year = IntegerField(index=True)
    title = TextField()
    number = IntegerField(null=True)           # 38
    number_text = CharField(default="")        # "38/KH-SLĐTBXH"
    issued_on = DateField(null=True)
    source_file = CharField(default="")
    source_sha256 = CharField(default="")


class Task(VersionedModel):
    """A plan task (appendix row) or an obligation from the plan's text."""
    plan = ForeignKeyField(Plan, null=True, backref="tasks", on_delete="CASCADE")
    ref = CharField(index=True)                # "III.B.1"
    section = CharField(default="")            # "III"
    section_title = TextField(default="")
    subsection = CharField(default="")         # "B"
    subsection_title = TextField(default="")
    row_no = IntegerField(default=0)
    content = TextField()
    deadline_text = CharField(default="")
    due_date = DateField(null=True, index=True)
    due_overridden = BooleanField(default=False)
    recurrence = CharField(null=True)          # ongoing | monthly | quarterly | yearly
    coordinating_all = BooleanField(default=False)
    lead_text = TextField(default="")          # the plan's own wording of the lead and coordinating cells
    coordinating_text = TextField(default="")  # ("Các phòng, đơn vị" ≠ "… có liên quan"), for the plan document
    note = TextField(default="")
    kind = CharField(default="appendix")       # appendix | obligation | manual
    per_unit = BooleanField(default=False)     # obligation owed by every unit (monthly report…)
    progress_percent = IntegerField(default=0)
    started_on = DateField(null=True)
    completed_on = DateField(null=True)
    sort_key = IntegerField(default=0)


class TaskUnit(BaseModel):
    task = ForeignKeyField(Task, backref="task_units", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="task_links", on_delete="CASCADE")
    role = CharField()                         # lead | coordinating

    class Meta:
        indexes = ((("task", "unit", "role"), True),)


class TaskOccurrence(VersionedModel):
    """One period of a recurring task (e.g. the July monthly report of one unit)."""
    task = ForeignKeyField(Task, backref="occurrences", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, null=True, on_delete="CASCADE")
    period_start = DateField()
    period_end = DateField()
    due_date = DateField(index=True)
    label = CharField(default="")
    progress_percent = IntegerField(default=0)
    completed_on = DateField(null=True)

    class Meta:
        indexes = ((("task", "unit", "period_start"), True),)


class ProgressReport(BaseModel):
    task = ForeignKeyField(Task, backref="progress_reports", on_delete="CASCADE")
    occurrence = ForeignKeyField(TaskOccurrence, null=True, backref="progress_reports", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, null=True, on_delete="SET NULL")
    reported_on = DateField()
    percent = IntegerField()
    text = TextField(default="")
    username = CharField(default="")
    created_at = DateTimeField(default=datetime.now)


class Attachment(BaseModel):
    """Evidence stored with the data, so it travels with backups and the shared file."""
    report = ForeignKeyField(ProgressReport, backref="attachments", on_delete="CASCADE")
    filename = CharField()
    size = IntegerField()
    sha256 = CharField()
    content = BlobField()


class StepProcess(VersionedModel):
    """A procedure split between units with a working-day budget each, from a trigger date."""
    name = CharField()
    task = ForeignKeyField(Task, null=True, backref="step_processes", on_delete="SET NULL")
    trigger_date = DateField()
    note = TextField(default="")


class ProcessStep(VersionedModel):
    process = ForeignKeyField(StepProcess, backref="steps", on_delete="CASCADE")
    position = IntegerField()
    name = CharField()
    unit = ForeignKeyField(Unit, on_delete="RESTRICT")
    budget_days = FloatField()
    completed_on = DateField(null=True)


class Procedure(VersionedModel):
    """A TTHC in the catalogue. The limit is ``limit_days`` counted in ``limit_unit`` (see
    ``domain.limits``: working days, calendar days, months, working hours, same day); 0 with
    ``needs_completion`` for a procedure added from a one-stop export that the clerk must complete."""
    code = CharField(unique=True)
    name = TextField()
    field = CharField(index=True)              # lĩnh vực
    lead_unit = ForeignKeyField(Unit, null=True, backref="procedures", on_delete="SET NULL")
    limit_days = FloatField()
    in_force = BooleanField(default=True)
    reviewed_year = IntegerField(null=True)
    level = CharField(default="")              # dịch vụ công: toàn trình / một phần
    limit_unit = CharField(default="working")  # working | calendar | months | hours | same_day
    limit_text = TextField(default="")         # the catalogue's wording ("05 ngày làm việc kể từ …")
    limit_note = TextField(default="")         # what follows the first figure ("trường hợp phải xác minh: 25 ngày")
    decision_number = CharField(default="")    # quyết định công bố ("1234/QĐ-UBND")
    published_on = DateField(null=True)        # ngày công bố (the decision's date)
    effective_on = DateField(null=True)        # ngày hiệu lực
    needs_completion = BooleanField(default=False)  # added from a one-stop export: limit and unit to complete


class ProcedureStep(BaseModel):
    procedure = ForeignKeyField(Procedure, backref="steps", on_delete="CASCADE")
    position = IntegerField()
    name = CharField()
    unit = ForeignKeyField(Unit, null=True, on_delete="SET NULL")
    budget_days = FloatField()


class Dossier(VersionedModel):
    """A TTHC dossier. ``due_at`` already includes every pause; ``paused_since`` marks an open pause."""
    code = CharField(unique=True)
    procedure = ForeignKeyField(Procedure, null=True, backref="dossiers", on_delete="SET NULL")
    procedure_name = TextField(default="")
    field = CharField(default="", index=True)
    applicant = CharField(default="")
    applicant_kind = CharField(default="")     # man (Ông) | woman (Bà) | organisation | "" not known
    channel = CharField(default="direct")      # online | direct | post
    received_at = DateTimeField(index=True)
    start_at = DateTimeField()                 # clock start after office-hours normalisation
    limit_days = FloatField(null=True)
    due_at = DateTimeField(index=True)
    due_from_source = BooleanField(default=False)
    result_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True, index=True)
    paused_since = DateTimeField(null=True)
    status_text = CharField(default="")
    unit = ForeignKeyField(Unit, null=True, backref="dossiers", on_delete="SET NULL")
    withdrawn = BooleanField(default=False)
    fold_text = TextField(default="")          # accent-folded code/applicant/procedure for search
    # The one-stop export's optional service columns (DOMAIN.md §10). None: not known (the file that
    # brought the dossier had no such column); the service figures count known values only.
    digitised_dossier = BooleanField(null=True)   # Số hóa hồ sơ
    digitised_result = BooleanField(null=True)    # Số hóa kết quả
    payment = CharField(null=True)                # online | direct | "" (no fee); Thanh toán
    rating = CharField(default="")                # very_satisfied … very_unsatisfied | "" (not rated); Đánh giá

    class Meta:
        # The open dossiers' clocks in one index (schema 4): the dashboard's counts per unit and its
        # soonest-due list, and the start-up notice, read it alone — 1.6 ms and 0.2 ms instead of 8 and
        # 7 ms on 100,000 dossiers, and far fewer pages read over a network share.
        indexes = ((("closed_at", "due_at", "unit", "received_at", "paused_since", "withdrawn"), False),)


class DossierPause(BaseModel):
    dossier = ForeignKeyField(Dossier, backref="pauses", on_delete="CASCADE")
    paused_at = DateTimeField()
    resumed_at = DateTimeField(null=True)
    reason = TextField(default="")


class Handover(BaseModel):
    """One hand-over of a dossier between units (process control slip)."""
    dossier = ForeignKeyField(Dossier, backref="handovers", on_delete="CASCADE")
    position = IntegerField()
    step_name = CharField(default="")
    from_unit = ForeignKeyField(Unit, null=True, on_delete="SET NULL", backref="handovers_out")
    to_unit = ForeignKeyField(Unit, null=True, on_delete="SET NULL", backref="handovers_in")
    sent_at = DateTimeField()
    received_at = DateTimeField(null=True)
    due_at = DateTimeField(null=True)
    note = TextField(default="")
    giver_name = CharField(default="")         # người giao (the slip's signature space)
    receiver_name = CharField(default="")      # người nhận


class Explanation(VersionedModel):
    """The unit head's explanation of an overdue dossier, and the apology given to the applicant."""
    dossier = ForeignKeyField(Dossier, unique=True, backref="explanation_rows", on_delete="CASCADE")
    reason = TextField(default="")
    responsible_person = CharField(default="")
    explained_on = DateField(null=True)
    apology_sent_on = DateField(null=True)
    new_appointment = DateTimeField(null=True)
    recorded_by = CharField(default="")


class DocumentTemplate(VersionedModel):
    """An administrator's wording of a document type, in force from ``valid_from``."""
    doc_type = CharField(index=True)
    valid_from = DateField()
    body = TextField()
    edited_by = CharField(default="")

    class Meta:
        indexes = ((("doc_type", "valid_from"), True),)


class RegisterEntry(BaseModel):
    """The document register (sổ đăng ký văn bản đi): numbers per type per year, unique."""
    year = IntegerField()
    type_abbr = CharField()                    # KH, BC, CV (công văn), QĐ …
    number = IntegerField()
    full_number = CharField()
    title = TextField()
    issued_at = DateTimeField(default=datetime.now)
    issued_by = CharField(default="")
    doc_kind = CharField(default="")           # plan | monthly_report | … for documents made by the app

    class Meta:
        indexes = ((("year", "type_abbr", "number"), True),)


class ServiceIndicator(VersionedModel):
    """A row of the service-index points table an administrator edited (defaults:
    ``domain.service_index.DEFAULT_INDICATORS``); ``manual`` rows are figures entered by hand."""
    key = CharField(unique=True, max_length=64)
    group_key = CharField(max_length=32)
    name = TextField()
    max_points = DoubleField()
    manual = BooleanField(default=False)
    position = IntegerField(default=0)


class ManualIndicatorValue(VersionedModel):
    """A hand-entered figure of an indicator the app cannot compute, for a period (and a unit, or the
    whole Department when ``unit`` is null)."""
    key = CharField(index=True, max_length=64)
    period_start = DateField()
    period_end = DateField()
    unit = ForeignKeyField(Unit, null=True, on_delete="CASCADE")
    numerator = DoubleField(null=True)
    denominator = DoubleField(null=True)
    value = DoubleField(null=True)             # percent; from numerator / denominator when both are given
    note = TextField(default="")
    entered_by = CharField(default="")


class SurveyWave(VersionedModel):
    """One round of the Office's satisfaction survey (đợt khảo sát), with the official SIPAS result
    of the Department entered beside it."""
    name = CharField(unique=True)
    started_on = DateField(null=True)
    ended_on = DateField(null=True)
    note = TextField(default="")
    official_index = DoubleField(null=True)    # the Department's SIPAS index as published (percent)
    official_source = TextField(default="")    # where it was published ("Quyết định số …")
    created_at = DateTimeField(default=datetime.now)


class SurveyQuestion(VersionedModel):
    wave = ForeignKeyField(SurveyWave, backref="questions", on_delete="CASCADE")
    code = CharField(max_length=16)            # "A1.1": aspect A1, question 1
    aspect = CharField(max_length=8)           # "A1"
    text = TextField(default="")
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("wave", "code"), True),)


class SurveyResponse(VersionedModel):
    """One respondent's form (phiếu khảo sát)."""
    wave = ForeignKeyField(SurveyWave, backref="responses", on_delete="CASCADE")
    form_number = CharField(max_length=64)     # Số phiếu
    answered_on = DateField(null=True)
    dossier = ForeignKeyField(Dossier, null=True, on_delete="SET NULL")
    dossier_code = CharField(default="")
    unit = ForeignKeyField(Unit, null=True, on_delete="SET NULL")
    field = CharField(default="")
    channel = CharField(default="")            # online | direct | post | ""
    source = CharField(default="")             # "" typed on the entry screen, else the imported file's name
    entered_by = CharField(default="")
    entered_at = DateTimeField(default=datetime.now)

    class Meta:
        indexes = ((("wave", "form_number"), True),)


class SurveyAnswer(BaseModel):
    response = ForeignKeyField(SurveyResponse, backref="answers", on_delete="CASCADE")
    question = ForeignKeyField(SurveyQuestion, on_delete="CASCADE")
    score = IntegerField(null=True)            # 1..5; null: blank or outside the scale (see raw)
    raw = CharField(default="")                # as typed or read; "" = blank

    class Meta:
        indexes = ((("response", "question"), True),)


class RatingWord(BaseModel):
    """A rating word a clerk mapped once (e.g. "Tạm được" -> 3), remembered for every later import."""
    key = CharField(unique=True)               # domain.survey.word_key
    word = CharField()
    score = IntegerField(null=True)            # 1..5; null: not an answer (counted outside the scale)
    mapped_by = CharField(default="")
    mapped_at = DateTimeField(default=datetime.now)


# ---- the PAR INDEX (Chỉ số CCHC, DOMAIN.md §9; docs/par-index.md) -----------------------------------

class IndexSet(VersionedModel):
    """A year's criteria set (bộ chỉ số CCHC) issued by the province, and the state of its
    self-assessment: ``open`` while units fill it, ``locked`` once the Office has sent it."""
    year = IntegerField(unique=True)
    title = TextField(default="")
    source_file = CharField(default="")
    source_sha256 = CharField(default="")
    is_example = BooleanField(default=False)       # an illustrative set (demo), not an official table
    period_start = DateField(null=True)            # the metrics' period; None = 01/01–31/12 of the year
    period_end = DateField(null=True)
    state = CharField(default="open")              # open | locked
    locked_at = DateTimeField(null=True)
    locked_by = CharField(default="")
    final_index = FloatField(null=True)            # the index (%) the province published
    final_note = TextField(default="")
    based_on_year = IntegerField(null=True)        # started from that year's set


class IndexCriterion(VersionedModel):
    """An area, criterion or sub-criterion of a set (lĩnh vực, tiêu chí, tiêu chí thành phần)."""
    index_set = ForeignKeyField(IndexSet, backref="criteria", on_delete="CASCADE")
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
    code = CharField()                             # as written: "1.1.1"
    path = CharField()                             # unique in the set: "I.1.1" under Roman areas
    level = IntegerField(default=0)
    position = IntegerField(default=0)
    title = TextField()
    max_points = FloatField(null=True)             # leaves as written; parents: their children's sum
    written_max = FloatField(null=True)            # a parent's maximum as the sheet wrote it
    kind = CharField(default="normal")             # normal | bonus | penalty
    guidance = TextField(default="")               # hướng dẫn chấm điểm
    evidence_required = TextField(default="")      # tài liệu kiểm chứng
    score_steps = CharField(default="")            # "0; 0,25; 0,5", "bội số 0,25"; "" = any value
    unit = ForeignKeyField(Unit, null=True, backref="index_criteria", on_delete="SET NULL")
    unit_text = CharField(default="")              # the unit as the sheet wrote it
    metric = CharField(default="")                 # an automatic metric key (index metrics)
    bands = TextField(default="")                  # "≥100%: 1; ≥90%: 0,5; còn lại: 0"
    evidence_deadline = DateField(null=True)
    source_row = IntegerField(null=True)

    class Meta:
        indexes = ((("index_set", "path"), True),)


class IndexCriterionUnit(BaseModel):
    """A coordinating unit (đơn vị phối hợp) of a criterion."""
    criterion = ForeignKeyField(IndexCriterion, backref="coordinators", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="index_coordination", on_delete="CASCADE")

    class Meta:
        indexes = ((("criterion", "unit"), True),)


class IndexCriterionTask(BaseModel):
    """A plan task that serves a criterion (the remedies of last year's lost points)."""
    criterion = ForeignKeyField(IndexCriterion, backref="task_links", on_delete="CASCADE")
    task = ForeignKeyField(Task, backref="index_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("criterion", "task"), True),)


class IndexAssessment(VersionedModel):
    """The scores of one sub-criterion: the unit's self-score through the Office's review, then the
    province's appraisal (điểm thẩm định)."""
    criterion = ForeignKeyField(IndexCriterion, unique=True, backref="assessments", on_delete="CASCADE")
    self_points = FloatField(null=True)
    self_note = TextField(default="")              # the unit's explanation
    state = CharField(default="draft")             # draft | submitted | returned | accepted
    review_note = TextField(default="")
    scored_by = CharField(default="")
    scored_at = DateTimeField(null=True)
    reviewed_by = CharField(default="")
    reviewed_at = DateTimeField(null=True)
    appraised_points = FloatField(null=True)
    appraisal_reason = TextField(default="")
    appraised_by = CharField(default="")
    appraised_at = DateTimeField(null=True)


class IndexEvidence(VersionedModel):
    """A piece of evidence (tài liệu kiểm chứng): a stored file, a document of the register, or an
    external document. One piece can serve several sub-criteria."""
    index_set = ForeignKeyField(IndexSet, backref="evidence", on_delete="CASCADE")
    kind = CharField()                             # file | register | external
    title = TextField(default="")                  # trích yếu / what it proves
    filename = CharField(default="")
    size = IntegerField(default=0)
    sha256 = CharField(default="")
    register_entry_id = IntegerField(null=True)    # its RegisterEntry (with doc_number; entries are never deleted)
    doc_number = CharField(default="")             # "12/QĐ-UBND"
    doc_date = DateField(null=True)
    issuer = CharField(default="")
    unit = ForeignKeyField(Unit, null=True, on_delete="SET NULL")
    created_by = CharField(default="")
    created_at = DateTimeField(default=datetime.now)


class IndexEvidenceBlob(BaseModel):
    """The bytes of an evidence file, apart so that listing evidence never reads them."""
    evidence = ForeignKeyField(IndexEvidence, unique=True, backref="blobs", on_delete="CASCADE")
    content = BlobField()


class IndexEvidenceLink(BaseModel):
    evidence = ForeignKeyField(IndexEvidence, backref="links", on_delete="CASCADE")
    criterion = ForeignKeyField(IndexCriterion, backref="evidence_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("evidence", "criterion"), True),)


ALL_MODELS = [
    AppMeta, Setting, OrgProfile, Unit, UnitAlias, Signer, User, AuditLog, Presence, CalendarOverride,
    Plan, Task, TaskUnit, TaskOccurrence, ProgressReport, Attachment, StepProcess, ProcessStep,
    Procedure, ProcedureStep, Dossier, DossierPause, Handover, Explanation, DocumentTemplate,
    RegisterEntry, ServiceIndicator, ManualIndicatorValue, SurveyWave, SurveyQuestion, SurveyResponse,
    SurveyAnswer, RatingWord, IndexSet, IndexCriterion, IndexCriterionUnit, IndexCriterionTask,
    IndexAssessment, IndexEvidence, IndexEvidenceBlob, IndexEvidenceLink,
]
