"""Units' explanations of late dossiers and the apologies to the applicants."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from par_desktop.db import connection
from par_desktop.db.changes import insert_record, update_record
from par_desktop.db.models import Explanation
from par_desktop.domain.text import nfc
from par_desktop.services.dossiers.timing import get_dossier, minute
from par_desktop.services.session import Actor, require


def explanation_of(dossier_id: int) -> Explanation | None:
    return Explanation.get_or_none(Explanation.dossier == dossier_id)


def set_explanation(actor: Actor, dossier_id: int, *, expected_version: int | None = None, reason: str = "",
                    responsible_person: str = "", explained_on: date | None = None,
                    apology_sent_on: date | None = None, new_appointment: datetime | None = None) -> Explanation:
    """Record the unit head's explanation and the apology (the new appointment is for the applicant only:
    it never changes the dossier's due moment or state)."""
    d = get_dossier(dossier_id)
    require(actor, "explanations", unit_id=d.unit_id)
    values: dict[str, Any] = dict(reason=nfc(reason), responsible_person=nfc(responsible_person), explained_on=explained_on,
                  apology_sent_on=apology_sent_on, new_appointment=minute(new_appointment),
                  recorded_by=actor.username)
    with connection.write_transaction():
        row = Explanation.get_or_none(Explanation.dossier == d.id)
        if row is None:
            return insert_record(Explanation, actor.username, dossier=d.id, **values)
        return update_record(Explanation, row.id, expected_version, actor.username, **values)
