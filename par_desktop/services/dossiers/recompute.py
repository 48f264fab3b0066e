"""Open dossiers' due moments recomputed after a calendar change."""

from __future__ import annotations

from datetime import datetime

from par_desktop.db import audit_chain, connection
from par_desktop.db.bulk import bulk_update
from par_desktop.db.changes import current_session_id
from par_desktop.db.models import Dossier
from par_desktop.services.dossiers.timing import compute_timing, pauses_by_dossier, work_calendar
from par_desktop.services.session import Actor, require


def recompute_open_due(actor: Actor) -> int:
    """Open dossiers follow a changed calendar (overrides, office hours); closed ones keep the due moment
    they were judged by, and appointments taken from the export stay as given. Returns how many changed."""
    if not (actor.can("calendar") or actor.can("dossiers")):
        require(actor, "dossiers")
    calendar = work_calendar()
    with connection.write_transaction():
        rows = list(Dossier.select(Dossier.id, Dossier.received_at, Dossier.start_at, Dossier.limit_days,
                                   Dossier.due_at)
                    .where(Dossier.closed_at.is_null() & ~Dossier.due_from_source & Dossier.limit_days.is_null(False))
                    .tuples())
        pauses = pauses_by_dossier([r[0] for r in rows])
        changes, audits = [], []
        for id_, received, start, limit, due in rows:
            new_start, _, new_due = compute_timing(calendar, received, limit, None, pauses.get(id_, []))
            if (new_start, new_due) != (start, due):
                changes.append((new_start, new_due, id_))
                audits.append({"username": actor.username, "action": "update", "table_name": "dossier",
                               "record_id": str(id_), "field": "due_at",
                               "old_value": due.isoformat(sep=" ", timespec="minutes"),
                               "new_value": new_due.isoformat(sep=" ", timespec="minutes"),
                               "at": datetime.now(), "session_id": current_session_id.get()})
        if changes:
            bulk_update(Dossier, ("start_at", "due_at"), changes)
            audit_chain.append_many(audits)
    return len(changes)
