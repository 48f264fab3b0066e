"""The global search across tasks, dossiers, documents, units and procedures, on the real demo data."""

from __future__ import annotations

import time

from par_desktop.db.models import Dossier, RegisterEntry, Task
from par_desktop.domain.text import fold
from par_desktop.services.register import issue_number
from par_desktop.services.search import KINDS, search_everything
from par_desktop.services.session import SYSTEM


def test_unaccented_words_find_accented_records_of_every_kind(demo_db):
    hits = search_everything("ho so")
    kinds = {h.kind for h in hits}
    assert {"task", "dossier"} <= kinds
    for hit in hits:
        if hit.kind == "dossier":
            assert all(word in fold(hit.title + " " + hit.detail) for word in ("ho", "so"))   # word by word
    task_ids = {h.key for h in hits if h.kind == "task"}
    expected = {t.id for t in Task.select() if all(w in fold(f"{t.ref} {t.content}") for w in ("ho", "so"))}
    assert expected and expected <= task_ids
    accented = [h for h in hits if "hồ sơ" in (h.title + " " + h.detail).lower()]
    assert accented, "the folded words must find the records written with diacritics"
    # grouped in the fixed kind order
    order = [KINDS.index(h.kind) for h in hits]
    assert order == sorted(order)


def test_a_dossier_code_finds_that_dossier_only(demo_db):
    code = Dossier.select(Dossier.code).order_by(Dossier.id).first().code
    hits = search_everything(code.lower())
    assert [(h.kind, h.key) for h in hits] == [("dossier", code)]
    applicant = Dossier.get(Dossier.code == code).applicant
    assert applicant in hits[0].detail


def test_a_unit_name_without_accents(demo_db):
    units = [h for h in search_everything("phong nguoi co cong") if h.kind == "unit"]
    assert [u.title for u in units] == ["Phòng Người có công"]
    assert "NCC" in units[0].detail
    # every word must match: a second word that no unit holds finds no unit
    assert not [h for h in search_everything("nguoi co cong xyzzy") if h.kind == "unit"]


def test_procedures_documents_and_the_per_kind_cap(demo_db):
    assert any(h.kind == "procedure" for h in search_everything("nguoi co cong"))
    issue_number(SYSTEM, "CV", "Về việc đôn đốc giải quyết hồ sơ quá hạn")
    entry = RegisterEntry.select().order_by(RegisterEntry.id.desc()).first()
    docs = [h for h in search_everything("don doc giai quyet") if h.kind == "document"]
    assert [(d.key, d.title) for d in docs] == [(entry.id, entry.full_number)]
    capped = search_everything("a", limit=7)
    for kind in KINDS:
        assert sum(h.kind == kind for h in capped) <= 7
    assert sum(h.kind == "dossier" for h in capped) == 7


def test_nothing_to_search_finds_nothing(demo_db):
    assert search_everything("") == []
    assert search_everything("  %_ ") == []
    assert search_everything("qqqzzzkhongco") == []


def test_fast_enough_on_the_demo_database(demo_db):
    started = time.perf_counter()
    for text in ("ho so", "qqqzzz", "nguyen van"):
        search_everything(text)
    assert time.perf_counter() - started < 1.0
