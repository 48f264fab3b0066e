"""Reading the audit trail (nhật ký thay đổi): who changed which field of which record, old -> new.

The trail is append-only: rows are written by ``db.changes`` in the transaction of the change they
record, and this module only reads them. There is deliberately no function here (or anywhere in the
application) that edits or deletes an audit row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from peewee import SQL, fn

from par_desktop.db import connection
from par_desktop.db.models import AuditLog, User

ACTION_LABELS = {
    "insert": "Thêm", "update": "Sửa", "delete": "Xóa", "import": "Nhập dữ liệu", "issue": "Cấp số",
    "login": "Đăng nhập", "login_failed": "Đăng nhập sai", "lock": "Tạm khóa", "unlock": "Mở khóa",
    "password": "Đổi mật khẩu", "maintenance_on": "Bắt đầu bảo trì", "maintenance_off": "Kết thúc bảo trì",
    "restore": "Khôi phục", "backup": "Sao lưu",
}

TABLE_LABELS = {
    "setting": "Cài đặt", "org_profile": "Thông tin cơ quan", "unit": "Đơn vị", "unit_alias": "Tên khác của đơn vị",
    "signer": "Người ký", "user": "Tài khoản", "app_meta": "Cơ sở dữ liệu", "calendar_override": "Lịch làm việc",
    "plan": "Kế hoạch", "task": "Nhiệm vụ", "task_unit": "Đơn vị của nhiệm vụ", "task_occurrence": "Kỳ nhiệm vụ",
    "progress_report": "Báo cáo tiến độ", "attachment": "Tệp đính kèm", "step_process": "Quy trình",
    "process_step": "Bước quy trình", "procedure": "Thủ tục", "procedure_step": "Bước thủ tục",
    "dossier": "Hồ sơ TTHC", "dossier_pause": "Tạm dừng hồ sơ", "handover": "Bàn giao hồ sơ",
    "explanation": "Giải trình", "document_template": "Mẫu văn bản", "register_entry": "Sổ văn bản",
    "service_indicator": "Chỉ số phục vụ", "manual_indicator_value": "Số liệu chỉ số nhập tay",
    "survey_wave": "Đợt khảo sát", "survey_question": "Câu hỏi khảo sát", "survey_response": "Phiếu khảo sát",
    "survey_answer": "Câu trả lời khảo sát", "rating_word": "Từ đánh giá", "demo": "Dữ liệu mẫu",
    "index_set": "Bộ chỉ số CCHC", "index_criterion": "Tiêu chí CCHC", "index_criterion_unit": "Đơn vị phối hợp (CCHC)",
    "index_criterion_task": "Nhiệm vụ phục vụ tiêu chí", "index_assessment": "Điểm CCHC",
    "index_evidence": "Tài liệu kiểm chứng", "index_evidence_link": "Tài liệu kiểm chứng của tiêu chí",
}

# What the clerk reads in the audit views (Nhật ký thay đổi, Tổng quan → Thay đổi từ hôm qua): field labels
# instead of column names, people instead of user names, dd/mm/yyyy instead of ISO, names instead of ids.
SYSTEM_USER = "system"
SYSTEM_USER_LABEL = "Hệ thống (tự động)"
FIELD_LABELS = {
    "key": "Khóa", "value": "Giá trị", "updated_at": "Sửa lúc", "valid_from": "Áp dụng từ", "valid_to": "Áp dụng đến",
    "governing_body": "Cơ quan chủ quản", "agency_name": "Tên cơ quan", "agency_short": "Tên cơ quan viết tắt",
    "agency_abbr": "Chữ viết tắt cơ quan", "place_name": "Địa danh", "office_unit_code": "Ký hiệu Văn phòng",
    "short_name": "Tên ngắn", "name": "Tên", "short_code": "Ký hiệu", "kind": "Loại", "head_name": "Người đứng đầu",
    "head_title": "Chức vụ người đứng đầu", "active": "Đang hoạt động", "sort_order": "Thứ tự", "unit": "Đơn vị",
    "alias": "Tên khác", "title": "Tiêu đề", "authority": "Thẩm quyền ký", "is_default": "Người ký mặc định",
    "username": "Tên đăng nhập", "full_name": "Họ và tên", "role": "Vai trò", "password_hash": "Mật khẩu",
    "password": "Mật khẩu", "failed_attempts": "Số lần đăng nhập sai", "locked_until": "Khóa đến",
    "created_at": "Tạo lúc", "day": "Ngày", "is_working": "Ngày làm việc", "reason": "Lý do", "year": "Năm",
    "number": "Số", "number_text": "Số, ký hiệu", "issued_on": "Ngày ban hành", "source_file": "Tệp nguồn",
    "source": "Tệp nguồn", "source_sha256": "Mã kiểm tra tệp nguồn", "file": "Tệp", "plan": "Kế hoạch",
    "ref": "Mục", "section": "Phần", "section_title": "Tên phần", "subsection": "Tiểu mục",
    "subsection_title": "Tên tiểu mục", "row_no": "Số thứ tự", "content": "Nội dung",
    "deadline_text": "Thời hạn (theo kế hoạch)", "due_date": "Hạn", "due_overridden": "Hạn sửa tay",
    "recurrence": "Lặp lại", "coordinating_all": "Mọi đơn vị phối hợp", "note": "Ghi chú",
    "per_unit": "Giao từng đơn vị", "progress_percent": "Tiến độ", "started_on": "Ngày bắt đầu",
    "completed_on": "Ngày hoàn thành", "sort_key": "Khóa sắp xếp", "task": "Nhiệm vụ", "lead": "Đơn vị chủ trì",
    "coordinating": "Đơn vị phối hợp", "period_start": "Đầu kỳ", "period_end": "Cuối kỳ", "label": "Tên kỳ",
    "occurrences": "Các kỳ", "occurrence": "Kỳ", "reported_on": "Ngày báo cáo", "percent": "Tiến độ",
    "text": "Nội dung", "report": "Báo cáo", "filename": "Tên tệp", "size": "Dung lượng", "sha256": "Mã kiểm tra",
    "trigger_date": "Ngày bắt đầu", "process": "Quy trình", "position": "Thứ tự", "budget_days": "Số ngày của bước",
    "code": "Mã", "field": "Lĩnh vực", "lead_unit": "Đơn vị chủ trì", "limit_days": "Thời hạn (ngày)",
    "in_force": "Còn hiệu lực", "reviewed_year": "Năm rà soát", "level": "Cấp thực hiện",
    "limit_unit": "Đơn vị tính thời hạn", "limit_text": "Thời hạn (nguyên văn)", "limit_note": "Ghi chú thời hạn",
    "decision_number": "Quyết định công bố", "published_on": "Ngày công bố", "effective_on": "Ngày hiệu lực",
    "needs_completion": "Cần bổ sung thời hạn", "procedure": "Thủ tục", "procedure_name": "Tên thủ tục",
    "applicant": "Người nộp", "channel": "Hình thức nộp", "received_at": "Tiếp nhận lúc", "start_at": "Bắt đầu tính",
    "due_at": "Hạn xử lý", "due_from_source": "Hạn theo phần mềm một cửa", "result_at": "Có kết quả lúc",
    "closed_at": "Trả kết quả lúc", "paused_since": "Tạm dừng từ", "status_text": "Trạng thái phần mềm",
    "withdrawn": "Đã rút / trả lại", "fold_text": "Chuỗi tìm kiếm", "digitised_dossier": "Số hóa hồ sơ",
    "digitised_result": "Số hóa kết quả", "payment": "Thanh toán", "rating": "Đánh giá", "dossier": "Hồ sơ",
    "paused_at": "Tạm dừng lúc", "resumed_at": "Tiếp tục lúc", "step_name": "Bước", "from_unit": "Đơn vị chuyển",
    "to_unit": "Đơn vị nhận", "sent_at": "Chuyển lúc", "giver_name": "Người giao", "receiver_name": "Người nhận",
    "responsible_person": "Người chịu trách nhiệm", "explained_on": "Ngày giải trình",
    "apology_sent_on": "Ngày gửi văn bản xin lỗi", "new_appointment": "Hẹn trả mới", "recorded_by": "Người ghi",
    "doc_type": "Loại văn bản", "body": "Nội dung mẫu", "edited_by": "Người sửa", "type_abbr": "Loại văn bản",
    "full_number": "Số, ký hiệu", "issued_at": "Cấp số lúc", "issued_by": "Người cấp số", "doc_kind": "Loại văn bản",
    "group_key": "Nhóm chỉ số", "max_points": "Điểm tối đa", "manual": "Nhập tay", "numerator": "Tử số",
    "denominator": "Mẫu số", "entered_by": "Người nhập", "ended_on": "Ngày kết thúc",
    "official_index": "Chỉ số chính thức", "official_source": "Nguồn chỉ số chính thức", "wave": "Đợt khảo sát",
    "aspect": "Khía cạnh", "form_number": "Số phiếu", "answered_on": "Ngày trả lời", "dossier_code": "Mã hồ sơ",
    "entered_at": "Nhập lúc", "question": "Câu hỏi", "score": "Điểm", "raw": "Giá trị gốc", "response": "Phiếu",
    "word": "Từ đánh giá", "mapped_by": "Người gán", "mapped_at": "Gán lúc",
    # PAR-index (Chỉ số CCHC) self-assessment
    "is_example": "Bộ chỉ số mẫu", "state": "Trạng thái", "locked_at": "Khóa lúc", "locked_by": "Người khóa",
    "final_index": "Chỉ số chính thức", "final_note": "Ghi chú chỉ số chính thức", "based_on_year": "Dựa theo năm",
    "index_set": "Bộ chỉ số", "parent": "Tiêu chí cha", "path": "Số hiệu tiêu chí", "written_max": "Điểm tối đa ghi",
    "guidance": "Hướng dẫn chấm", "evidence_required": "Tài liệu kiểm chứng cần có", "score_steps": "Các mức điểm",
    "unit_text": "Đơn vị (nguyên văn)", "metric": "Chỉ số đo", "bands": "Các khoảng điểm",
    "evidence_deadline": "Hạn nộp tài liệu kiểm chứng", "source_row": "Dòng trong tệp", "criterion": "Tiêu chí",
    "self_points": "Điểm tự chấm", "self_note": "Giải trình tự chấm", "review_note": "Ý kiến Văn phòng",
    "scored_by": "Người chấm", "scored_at": "Chấm lúc", "reviewed_by": "Người duyệt", "reviewed_at": "Duyệt lúc",
    "appraised_points": "Điểm thẩm định", "appraisal_reason": "Lý do thẩm định", "appraised_by": "Người thẩm định",
    "appraised_at": "Thẩm định lúc", "register_entry_id": "Văn bản trong sổ", "doc_number": "Số văn bản",
    "doc_date": "Ngày văn bản", "issuer": "Cơ quan ban hành", "created_by": "Người tạo", "evidence": "Tài liệu kiểm chứng",
}
TABLE_FIELD_LABELS = {
    ("signer", "title"): "Chức vụ", ("plan", "title"): "Tên kế hoạch", ("register_entry", "title"): "Trích yếu",
    ("unit", "kind"): "Loại đơn vị", ("task", "kind"): "Loại nhiệm vụ", ("user", "unit"): "Đơn vị của tài khoản",
    ("survey_question", "text"): "Câu hỏi", ("progress_report", "text"): "Nội dung báo cáo",
    ("dossier_pause", "reason"): "Lý do tạm dừng", ("explanation", "reason"): "Lý do quá hạn",
    ("calendar_override", "reason"): "Lý do",
}
SETTING_LABELS = {
    "office_hours.opens": "Giờ bắt đầu làm việc", "office_hours.closes": "Giờ kết thúc làm việc",
    "dossiers.near_due_days": "Số ngày «sắp đến hạn» của hồ sơ", "tasks.at_risk_days": "Số ngày «có nguy cơ chậm»",
    "tasks.at_risk_min_percent": "Tiến độ tối thiểu khi sắp đến hạn", "reports.cutoff_day": "Ngày chốt số liệu",
    "explanations.reply_days": "Thời hạn gửi giải trình", "backups.dir": "Thư mục sao lưu",
    "backups.keep_daily": "Số bản sao lưu hằng ngày", "backups.keep_weekly": "Số bản sao lưu hằng tuần",
    "presence.stale_minutes": "Coi như đã thoát sau (phút)", "auth.max_failures": "Số lần đăng nhập sai tối đa",
    "auth.lockout_minutes": "Thời gian khóa tài khoản (phút)", "survey.default_questionnaire": "Bộ câu hỏi khảo sát",
    "import.first_year": "Năm sớm nhất khi nhập", "import.years_ahead": "Số năm tới được nhập",
}
_UNIT_FIELDS = {"unit", "lead_unit", "from_unit", "to_unit", "lead", "coordinating"}
_PERCENT_FIELDS = {"progress_percent", "percent"}
_SUMMARY_PAIR = re.compile(r"[a-z_0-9]+=")
_SUMMARY_SEPARATOR = re.compile(r"; (?=[a-z_0-9]+=)")
_NOT_SHOWN = {"fold_text", "sort_key", "source_sha256", "sha256", "key"}   # machine keys, not the clerk's
_ISO_MOMENT = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?")


def field_label(table: str, field: str) -> str:
    if table == "setting":
        return SETTING_LABELS.get(field, field)
    return TABLE_FIELD_LABELS.get((table, field)) or FIELD_LABELS.get(field, field)


def user_label(username: str, full_names: dict[str, str]) -> str:
    """"Nguyễn Thị Lan (vanphong)"; the app's own changes (imports, the demo, recomputations) as such."""
    if username == SYSTEM_USER:
        return SYSTEM_USER_LABEL
    full = full_names.get(username, "")
    return f"{full} ({username})" if full else username


class _ValueNames:
    """Turns a stored audit value (text) into what the clerk reads: dd/mm/yyyy, Có/Không, 60 %, a unit's or
    a procedure's name for its id, the Vietnamese label of a code value."""

    def __init__(self) -> None:
        from par_desktop.domain.service_index import PAYMENT_LABELS, RATING_LABELS
        from par_desktop.services.dossiers.timing import CHANNEL_LABELS
        from par_desktop.services.session import ROLE_LABELS
        from par_desktop.services.tasks.status import KIND_LABELS, RECURRENCE_LABELS

        self._units: dict[str, str] | None = None        # read when a value first needs them
        self._procedures: dict[str, str] | None = None
        from par_desktop.domain.par_index import SET_STATE_LABELS, STATE_LABELS

        self.codes: dict[str | tuple[str, str], Mapping[Any, str]] = {"role": ROLE_LABELS, "channel": CHANNEL_LABELS, "payment": PAYMENT_LABELS,
                      "rating": RATING_LABELS, "recurrence": RECURRENCE_LABELS, ("task", "kind"): KIND_LABELS,
                      ("index_assessment", "state"): STATE_LABELS, ("index_set", "state"): SET_STATE_LABELS}

    @property
    def units(self) -> dict[str, str]:
        if self._units is None:
            from par_desktop.db.models import Unit

            self._units = {str(i): name for i, name in Unit.select(Unit.id, Unit.name).tuples()}
        return self._units

    @property
    def procedures(self) -> dict[str, str]:
        if self._procedures is None:
            from par_desktop.db.models import Procedure

            self._procedures = {str(i): f"{code} — {name}" for i, code, name in
                                Procedure.select(Procedure.id, Procedure.code, Procedure.name).tuples()}
        return self._procedures

    def show(self, table: str, field: str, value: str | None) -> str:
        from par_desktop.domain.text import vn_percent

        if value is None or value == "":
            return ""
        if not field and _SUMMARY_PAIR.match(value):   # a record added or deleted: "code=HS-1; procedure=3"
            pairs = (part.split("=", 1) for part in _SUMMARY_SEPARATOR.split(value))
            return "; ".join(f"{field_label(table, name)}: {self.show(table, name, text)}"
                             for name, text in pairs if name not in _NOT_SHOWN)
        if value in ("True", "False"):
            return "Có" if value == "True" else "Không"
        if field in _UNIT_FIELDS and value in self.units:
            return self.units[value]
        if field == "procedure" and value in self.procedures:
            return self.procedures[value]
        codes = self.codes.get((table, field)) or self.codes.get(field)
        if codes and value in codes:
            return codes[value] or value
        if field in _PERCENT_FIELDS and value.isdigit():
            return vn_percent(int(value))
        if field == "password_hash":
            return "(đã đổi)"
        moment = _ISO_MOMENT.fullmatch(value)
        if moment:
            y, m, d, hh, mm = moment.groups()
            return f"{d}/{m}/{y}" + (f" {hh}:{mm}" if hh else "")
        return value


@dataclass(frozen=True)
class ShownEntry:
    """An audit row as the screens show it (``entry`` keeps the stored values)."""

    entry: AuditEntry
    user: str
    field: str
    old: str
    new: str

    @property
    def id(self) -> int:
        return self.entry.id

    @property
    def at(self) -> datetime:
        return self.entry.at

    @property
    def action_label(self) -> str:
        return self.entry.action_label

    @property
    def table_label(self) -> str:
        return self.entry.table_label

    @property
    def record_id(self) -> str:
        return self.entry.record_id

    @property
    def session_id(self) -> str:
        return self.entry.session_id


def shown(rows: list[AuditEntry], full_names: dict[str, str] | None = None) -> list[ShownEntry]:
    """The rows with field labels, people's names and values as the clerk reads them (``full_names``:
    user name -> full name when the caller has them already)."""
    with connection.translated_errors():
        if full_names is None:
            full_names = dict(User.select(User.username, User.full_name).tuples())
        values = _ValueNames()
        return [ShownEntry(r, user_label(r.username, full_names), field_label(r.table, r.field),
                           values.show(r.table, r.field, r.old), values.show(r.table, r.field, r.new)) for r in rows]


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    username: str
    action: str
    table: str
    record_id: str
    field: str
    old: str | None
    new: str | None
    session_id: str

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def table_label(self) -> str:
        return TABLE_LABELS.get(self.table, self.table)

    def as_json(self) -> dict:
        data = asdict(self)
        data["at"] = self.at.isoformat(timespec="seconds")
        return data


@dataclass(frozen=True)
class ChangeMark:
    """Who last changed one field of a record, and when (for the conflict dialog)."""
    username: str
    full_name: str
    at: datetime

    @property
    def who(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username


def last_changes(table: str, record_id: str, limit: int = 500) -> dict[str, ChangeMark]:
    """The newest audit row of each field of one record (field name -> who and when)."""
    marks: dict[str, ChangeMark] = {}
    if not table or not record_id:
        return marks
    rows = (AuditLog.select(AuditLog.field, AuditLog.username, AuditLog.at)
            .where((AuditLog.table_name == table) & (AuditLog.record_id == str(record_id))
                   & (AuditLog.action == "update"))
            .order_by(AuditLog.id.desc()).limit(limit).tuples())
    names: dict[str, str] = {}
    for field, username, at in rows:
        if field and field not in marks:
            if username not in names:
                user = User.get_or_none(User.username == username)
                names[username] = user.full_name if user else ""
            marks[field] = ChangeMark(username, names[username], _moment(at))
    return marks


def _filtered(user: str | None = None, table: str | None = None, record_id: str | None = None,
              since: date | datetime | None = None, until: date | datetime | None = None,
              session_id: str | None = None, action: str | None = None):
    query = AuditLog.select()
    if user:
        query = query.where(AuditLog.username == user)
    if table:
        query = query.where(AuditLog.table_name == table)
    if record_id not in (None, ""):
        query = query.where(AuditLog.record_id == str(record_id))
    if since is not None:
        start = since if isinstance(since, datetime) else datetime.combine(since, datetime.min.time())
        query = query.where(AuditLog.at >= start)
    if until is not None:
        # A date means the whole day; a moment is exclusive.
        end = until if isinstance(until, datetime) else datetime.combine(until + timedelta(days=1),
                                                                         datetime.min.time())
        query = query.where(AuditLog.at < end)
    if session_id:
        query = query.where(AuditLog.session_id == session_id)
    if action:
        query = query.where(AuditLog.action == action)
    return query


def entries(*, user: str | None = None, table: str | None = None, record_id: str | None = None,
            since: date | datetime | None = None, until: date | datetime | None = None,
            session_id: str | None = None, action: str | None = None, limit: int | None = None,
            newest_first: bool = True) -> list[AuditEntry]:
    """Audit rows matching every given filter (``until`` as a date includes that whole day)."""
    query = _filtered(user, table, record_id, since, until, session_id, action)
    order = (AuditLog.at.desc(), AuditLog.id.desc()) if newest_first else (AuditLog.at, AuditLog.id)
    query = query.order_by(*order)
    if limit:
        query = query.limit(limit)
    with connection.translated_errors():
        return [AuditEntry(r.id, r.at, r.username, r.action, r.table_name, r.record_id, r.field,
                           r.old_value, r.new_value, r.session_id) for r in query]


def count(**filters) -> int:
    with connection.translated_errors():
        return _filtered(**filters).count()


# Rows that record who signed in or kept the file safe, not a change of the office's data.
NOT_CHANGES = ("login", "login_failed", "lock", "unlock", "backup", "maintenance_on", "maintenance_off")


@dataclass(frozen=True)
class ChangeSummary:
    """What changed since a moment, as a clerk asks it: how many records of which kind, and by whom."""

    records: int                          # distinct records changed
    by_kind: list[tuple[str, int]]        # (kind of record, e.g. "Hồ sơ TTHC", records), most first
    people: list[str]                     # who changed them (``user_label``)
    names: dict[str, str]                 # their user names -> full names (for ``shown``)

    def text(self, kinds: int = 3, *, people: bool = True) -> str:
        """"304 báo cáo tiến độ, 274 kỳ nhiệm vụ, 15 nhiệm vụ và 3 loại khác — Hệ thống (tự động)"."""
        from par_desktop.domain.text import vn_number

        if not self.records:
            return "Không có thay đổi nào."
        parts = [f"{vn_number(n)} {kind[0].lower() + kind[1:]}" for kind, n in self.by_kind[:kinds]]
        rest = len(self.by_kind) - kinds
        listed = ", ".join(parts) + (f" và {vn_number(rest)} loại khác" if rest > 0 else "")
        return f"{listed} — {', '.join(self.people)}" if people and self.people else listed


def change_summary(since: datetime) -> ChangeSummary:
    """One query whatever the size of the trail (the dashboard's budget): per kind of record, the records
    changed and who changed them, and the name of everyone in the trail since then (sign-ins included,
    for ``shown``)."""
    from peewee import JOIN, Case, NodeList, PostgresqlDatabase

    changed = AuditLog.action.not_in(NOT_CHANGES)
    person = AuditLog.username.concat(":").concat(fn.COALESCE(User.full_name, ""))

    def people(expression):   # the distinct "username:Full Name" of a group, comma-separated
        distinct = NodeList((SQL("DISTINCT"), expression))
        if isinstance(connection.current(), PostgresqlDatabase):
            return fn.STRING_AGG(distinct, ",")
        return fn.GROUP_CONCAT(distinct)

    query = (_filtered(since=since)
             .select(AuditLog.table_name, fn.COUNT(NodeList((SQL("DISTINCT"), Case(None, [(changed, AuditLog.record_id)])))),
                     fn.COUNT(Case(None, [(changed, 1)])), people(Case(None, [(changed, person)])), people(person))
             .join(User, JOIN.LEFT_OUTER, on=(User.username == AuditLog.username))
             .group_by(AuditLog.table_name).tuples())
    by_kind: dict[str, int] = {}
    changers: set[str] = set()
    names: dict[str, str] = {}
    with connection.translated_errors():
        for table, records, rows, who_changed, everyone in query:
            names.update(_people(everyone))
            if rows:
                label = TABLE_LABELS.get(table, table)
                by_kind[label] = by_kind.get(label, 0) + max(1, records)   # a row without a record id: one
                changers.update(_people(who_changed))
    return ChangeSummary(sum(by_kind.values()), sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0])),
                         [user_label(user, names) for user in sorted(changers)], names)


_PERSON = re.compile(r"([a-z0-9._-]+):(.*?)(?=,[a-z0-9._-]+:|$)")   # user names have no ":" nor ","


def _people(aggregated: str | None) -> dict[str, str]:
    return dict(_PERSON.findall(aggregated or ""))


def _distinct(column) -> list[str]:
    with connection.translated_errors():
        return [v for (v,) in AuditLog.select(column).distinct().order_by(column).tuples() if v]


def users() -> list[str]:
    """User names found in the trail (for the viewer's filter)."""
    return _distinct(AuditLog.username)


def user_choices() -> list[tuple[str, str]]:
    """(what the viewer's filter shows, the user name) of every user found in the trail."""
    with connection.translated_errors():
        names = dict(User.select(User.username, User.full_name).tuples())
    return [(user_label(u, names), u) for u in users()]


def tables() -> list[str]:
    return _distinct(AuditLog.table_name)


@dataclass(frozen=True)
class SessionSummary:
    session_id: str
    username: str
    first: datetime
    last: datetime
    changes: int

    def label(self) -> str:
        from par_desktop.domain.text import ui_moment

        return f"{self.username} — {ui_moment(self.first)} ({self.changes} dòng)"


def sessions(limit: int = 200) -> list[SessionSummary]:
    """Recent app sessions that wrote audit rows, newest first."""
    query = (AuditLog.select(AuditLog.session_id, fn.MIN(AuditLog.username), fn.MIN(AuditLog.at),
                             fn.MAX(AuditLog.at), fn.COUNT(AuditLog.id))
             .where(AuditLog.session_id != "").group_by(AuditLog.session_id)
             .order_by(fn.MAX(AuditLog.at).desc()).limit(limit))
    with connection.translated_errors():
        return [SessionSummary(s, u, _moment(first), _moment(last), n) for s, u, first, last, n in query.tuples()]


def _moment(value) -> datetime:
    """Aggregates come back as text from SQLite."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
