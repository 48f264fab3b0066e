"""Application settings stored in the database, declared here once with their defaults.

Values are JSON. Reading falls back to the default, so a new setting needs no schema upgrade.
"""

from __future__ import annotations

import json
from typing import Any

from par_desktop.db import connection
from par_desktop.db.changes import AuditAs, audit, update_record
from par_desktop.db.models import Setting
from par_desktop.services.session import Actor, require

# The keys, named once: code reads and writes settings through these.
OFFICE_OPENS = "office_hours.opens"
OFFICE_CLOSES = "office_hours.closes"
NEAR_DUE_DAYS = "dossiers.near_due_days"
AT_RISK_DAYS = "tasks.at_risk_days"
AT_RISK_MIN_PERCENT = "tasks.at_risk_min_percent"
REPORT_CUTOFF_DAY = "reports.cutoff_day"
EXPLANATION_REPLY_DAYS = "explanations.reply_days"
REMINDER_REPLY_DAYS = "reminders.reply_days"
BACKUPS_DIR = "backups.dir"
BACKUPS_KEEP_DAILY = "backups.keep_daily"
BACKUPS_KEEP_WEEKLY = "backups.keep_weekly"
PRESENCE_STALE_MINUTES = "presence.stale_minutes"
AUTH_MAX_FAILURES = "auth.max_failures"
AUTH_LOCKOUT_MINUTES = "auth.lockout_minutes"
SURVEY_QUESTIONNAIRE = "survey.default_questionnaire"
IMPORT_FIRST_YEAR = "import.first_year"
IMPORT_YEARS_AHEAD = "import.years_ahead"
INDEX_EVIDENCE_MAX_MB = "index.evidence_max_mb"

DEFAULTS: dict[str, Any] = {
    OFFICE_OPENS: "07:30",
    OFFICE_CLOSES: "17:00",
    NEAR_DUE_DAYS: 1.0,             # "near due" when less than this many working days remain
    AT_RISK_DAYS: 14,               # a task due within this many days …
    AT_RISK_MIN_PERCENT: 50,        # … with less progress than this is "at risk"
    REPORT_CUTOFF_DAY: 15,          # Nghị định 09/2019: periods run from the 15th to the 14th
    EXPLANATION_REPLY_DAYS: 3,      # working days a unit has to answer an explanation request
    REMINDER_REPLY_DAYS: 5,         # … and to report back on a reminder (công văn đôn đốc)
    BACKUPS_DIR: "",                # empty: the user's local data folder
    BACKUPS_KEEP_DAILY: 7,
    BACKUPS_KEEP_WEEKLY: 4,
    PRESENCE_STALE_MINUTES: 3,
    AUTH_MAX_FAILURES: 5,
    AUTH_LOCKOUT_MINUTES: 15,
    SURVEY_QUESTIONNAIRE: None,      # [[code, text], …]; None: domain.survey.DEFAULT_QUESTIONNAIRE
    IMPORT_FIRST_YEAR: 2000,        # moments in imports outside first_year … this year + years_ahead
    IMPORT_YEARS_AHEAD: 5,          # are row errors (a year typed 9999 or 0024)
    INDEX_EVIDENCE_MAX_MB: 50,      # largest evidence file of the PAR INDEX (tài liệu kiểm chứng)
}


def get(key: str) -> Any:
    if key not in DEFAULTS:
        raise KeyError(key)
    row = Setting.get_or_none(Setting.key == key)
    return DEFAULTS[key] if row is None else json.loads(row.value)


def get_many(*keys: str) -> dict[str, Any]:
    """Several settings read in one query (key -> value, defaults for those never set)."""
    unknown = [key for key in keys if key not in DEFAULTS]
    if unknown:
        raise KeyError(unknown[0])
    values = {key: DEFAULTS[key] for key in keys}
    values.update({key: json.loads(value) for key, value in
                   Setting.select(Setting.key, Setting.value).where(Setting.key.in_(keys)).tuples()})
    return values


def get_all() -> dict[str, Any]:
    values = dict(DEFAULTS)
    values.update({row.key: json.loads(row.value) for row in Setting.select() if row.key in DEFAULTS})
    return values


def set_value(actor: Actor, key: str, value: Any) -> None:
    require(actor, "settings")
    if key not in DEFAULTS:
        raise KeyError(key)
    encoded = json.dumps(value, ensure_ascii=False)
    with connection.write_transaction():
        row = Setting.get_or_none(Setting.key == key)
        if row is None:
            Setting.create(key=key, value=encoded)
            audit(actor.username, "update", "setting", key, key, None, encoded)
        else:
            update_record(Setting, row.id, None, actor.username, value=encoded,
                          audit_as=AuditAs(field=key, old=row.value, new=encoded, record_id=key))
