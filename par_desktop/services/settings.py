"""Application settings stored in the database, declared here once with their defaults.

Values are JSON. Reading falls back to the default, so a new setting needs no schema upgrade.
"""

from __future__ import annotations

import json
from typing import Any

from par_desktop.db import connection
from par_desktop.db.changes import audit
from par_desktop.db.models import Setting
from par_desktop.services.session import Actor, require

DEFAULTS: dict[str, Any] = {
    "office_hours.opens": "07:30",
    "office_hours.closes": "17:00",
    "dossiers.near_due_days": 1.0,           # "near due" when less than this many working days remain
    "tasks.at_risk_days": 14,                 # a task due within this many days …
    "tasks.at_risk_min_percent": 50,          # … with less progress than this is "at risk"
    "reports.cutoff_day": 15,                 # Nghị định 09/2019: periods run from the 15th to the 14th
    "explanations.reply_days": 3,             # working days a unit has to answer an explanation request
    "backups.dir": "",                        # empty: the user's local data folder
    "backups.keep_daily": 7,
    "backups.keep_weekly": 4,
    "presence.stale_minutes": 3,
    "auth.max_failures": 5,
    "auth.lockout_minutes": 15,
    "survey.default_questionnaire": None,     # [[code, text], …]; None: domain.survey.DEFAULT_QUESTIONNAIRE
}


def get(key: str) -> Any:
    if key not in DEFAULTS:
        raise KeyError(key)
    row = Setting.get_or_none(Setting.key == key)
    return DEFAULTS[key] if row is None else json.loads(row.value)


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
        old = None if row is None else row.value
        if row is None:
            Setting.create(key=key, value=encoded)
        elif row.value != encoded:
            Setting.update(value=encoded, version=Setting.version + 1).where(Setting.id == row.id).execute()
        if old != encoded:
            audit(actor.username, "update", "setting", key, key, old, encoded)
