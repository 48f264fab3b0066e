"""Reading the audit trail (nhật ký thay đổi): who changed which field of which record, old -> new.

The trail is append-only: rows are written by ``db.changes`` in the transaction of the change they
record, and this module only reads them. There is deliberately no function here (or anywhere in the
application) that edits or deletes an audit row.
"""

from __future__ import annotations

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
    "index_set": "Bộ chỉ số CCHC", "index_criterion": "Tiêu chí CCHC", "index_criterion_unit": "Đơn vị phối hợp (CCHC)",
    "index_criterion_task": "Nhiệm vụ phục vụ tiêu chí", "index_assessment": "Điểm CCHC",
    "index_evidence": "Tài liệu kiểm chứng", "index_evidence_link": "Tài liệu kiểm chứng của tiêu chí",
}


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


def recent(since: date | datetime, limit: int) -> tuple[list[AuditEntry], int]:
    """The newest ``limit`` rows written since ``since`` and how many there are in all, in one query
    (the total counted by the database beside each row)."""
    total = fn.COUNT(SQL("*")).over()
    query = (_filtered(since=since).select_extend(total.alias("total"))
             .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit))
    with connection.translated_errors():
        rows = list(query)
    return ([AuditEntry(r.id, r.at, r.username, r.action, r.table_name, r.record_id, r.field, r.old_value,
                        r.new_value, r.session_id) for r in rows], rows[0].total if rows else 0)


def count(**filters) -> int:
    with connection.translated_errors():
        return _filtered(**filters).count()


def _distinct(column) -> list[str]:
    with connection.translated_errors():
        return [v for (v,) in AuditLog.select(column).distinct().order_by(column).tuples() if v]


def users() -> list[str]:
    """User names found in the trail (for the viewer's filter)."""
    return _distinct(AuditLog.username)


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
