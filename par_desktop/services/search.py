"""The global search (UX.md "Screens"): one accent-insensitive text across tasks, dossiers, documents,
units and procedures.

Every kind is matched word by word on its accent-folded text (``domain.text.fold``): "ho so" finds
"Hồ sơ". Dossiers — up to hundreds of thousands — are matched in SQL on ``Dossier.fold_text`` (already
folded when stored) newest first and capped, so the worst case (no match: one scan of the table) stays
in tens of milliseconds on 100,000 dossiers. The other kinds are small and are folded here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from par_desktop.db.models import Dossier, Procedure, RegisterEntry, Unit, UnitAlias
from par_desktop.domain.text import fold
from par_desktop.services.dossiers.listing import search_words
from par_desktop.services.tasks import views as task_views

Kind = Literal["task", "dossier", "document", "unit", "procedure"]

KINDS: tuple[Kind, ...] = ("task", "dossier", "document", "unit", "procedure")


@dataclass(frozen=True)
class SearchHit:
    """One record found: ``key`` is the task/register/unit/procedure id, or the dossier code."""
    kind: Kind
    key: int | str
    title: str
    detail: str


def _matches(words: list[str], *parts: object) -> bool:
    text = fold(" ".join(str(p) for p in parts if p))
    return all(w in text for w in words)


def _short(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def search_tasks(words: list[str], limit: int) -> list[SearchHit]:
    """Tasks by ref, content, note, deadline and unit names (``TaskView.search_key``)."""
    hits = []
    for view in task_views.list_tasks(task_views.TaskFilters(search=" ".join(words))):
        units = "mọi đơn vị" if view.lead_units == ("*",) else ", ".join(view.lead_units)
        detail = " · ".join(p for p in (view.status_label, f"Chủ trì: {units}" if units else "",
                                        view.deadline_text) if p)
        hits.append(SearchHit("task", view.id, _short(f"{view.ref} — {view.content}"), detail))
        if len(hits) >= limit:
            break
    return hits


def search_dossiers(words: list[str], limit: int) -> list[SearchHit]:
    """Dossiers whose folded code/applicant/procedure holds every word, newest first (by id)."""
    query = Dossier.select(Dossier.code, Dossier.applicant, Dossier.procedure_name)
    for word in words:
        query = query.where(Dossier.fold_text ** f"%{word}%")   # already folded: LIKE's case rules suffice
    rows = query.order_by(Dossier.id.desc()).limit(limit).tuples()
    return [SearchHit("dossier", code, code, _short(" — ".join(p for p in (applicant, procedure) if p)))
            for code, applicant, procedure in rows]


def search_documents(words: list[str], limit: int) -> list[SearchHit]:
    """Entries of the document register by number and title, newest first."""
    rows = (RegisterEntry.select(RegisterEntry.id, RegisterEntry.full_number, RegisterEntry.title,
                                 RegisterEntry.issued_at)
            .order_by(RegisterEntry.issued_at.desc(), RegisterEntry.id.desc()).tuples())
    hits = []
    for entry_id, number, title, issued_at in rows:
        if _matches(words, number, title):
            hits.append(SearchHit("document", entry_id, number, _short(f"{title} · {issued_at:%d/%m/%Y}")))
            if len(hits) >= limit:
                break
    return hits


def search_units(words: list[str], limit: int) -> list[SearchHit]:
    """Units by name, short code, head and every other spelling of the name (aliases)."""
    aliases: dict[int, list[str]] = {}
    for unit_id, alias in UnitAlias.select(UnitAlias.unit, UnitAlias.alias).tuples():
        aliases.setdefault(unit_id, []).append(alias)
    hits = []
    for unit in Unit.select().order_by(Unit.name):
        if _matches(words, unit.name, unit.short_code, unit.head_name, *aliases.get(unit.id, ())):
            detail = " · ".join(p for p in (unit.short_code, unit.head_name,
                                            "" if unit.active else "ngừng hoạt động") if p)
            hits.append(SearchHit("unit", unit.id, unit.name, detail))
            if len(hits) >= limit:
                break
    return hits


def search_procedures(words: list[str], limit: int) -> list[SearchHit]:
    """Procedures (TTHC) of the catalogue by code, name and field."""
    hits = []
    for proc in Procedure.select().order_by(Procedure.field, Procedure.code):
        if _matches(words, proc.code, proc.name, proc.field):
            detail = " · ".join(p for p in (proc.code, proc.field, "" if proc.in_force else "hết hiệu lực") if p)
            hits.append(SearchHit("procedure", proc.id, _short(proc.name), detail))
            if len(hits) >= limit:
                break
    return hits


_SEARCHERS = {"task": search_tasks, "dossier": search_dossiers, "document": search_documents,
              "unit": search_units, "procedure": search_procedures}


def search_everything(text: str, limit: int = 50) -> list[SearchHit]:
    """Every kind of record matching all the words of ``text``, grouped by kind in ``KINDS`` order.

    ``limit`` caps each kind (a common word must not let dossiers bury the one unit or task wanted).
    An empty text finds nothing.
    """
    words = search_words(text)
    if not words:
        return []
    return [hit for kind in KINDS for hit in _SEARCHERS[kind](words, limit)]
