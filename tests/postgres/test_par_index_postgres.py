"""The PAR INDEX on PostgreSQL: evidence files stored in the database come back byte for byte (the value
read whole there, in pieces from SQLite) and into the evidence pack; the workflow's writes and the
appraisal import run there as on the file."""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import pytest

from par_desktop.db.models import IndexAssessment, IndexSet
from par_desktop.services.par_index import criteria as C
from par_desktop.services.par_index import evidence as E
from par_desktop.services.par_index import scoring as S
from par_desktop.services.session import SYSTEM

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from index_files import write_appraisal_xlsx

pytestmark = pytest.mark.postgres


def test_evidence_files_and_the_pack_on_postgres(pg_demo_db, tmp_path):
    body = b"%PDF-1.4\n" + os.urandom(3 * 1024 * 1024 + 17)        # more than three reading pieces
    leaf = C.find_criterion(2024, "I.4.1")
    piece = E.add_file(SYSTEM, 2024, [leaf.id], ("Báo cáo sáng kiến.pdf", body))
    again = E.add_file(SYSTEM, 2024, [C.find_criterion(2024, "I.5.1").id], ("ban-sao.pdf", body))
    assert again.id == piece.id                                      # the same file is linked, not stored twice
    assert E.content(piece.id) == (piece.filename, body)
    result = E.write_pack(2024, tmp_path / "tlkc.zip")
    with zipfile.ZipFile(result.path) as archive:
        members = [n for n in archive.namelist() if n.startswith(("I.4.1/", "I.5.1/")) and not n.endswith("/")]
        assert sum(archive.read(n) == body for n in members) == 2
    assert result.bytes_written >= 2 * len(body)


def test_workflow_and_appraisal_import_on_postgres(pg_demo_db, tmp_path):
    S.unlock(SYSTEM, 2023, "Sở Nội vụ đề nghị bổ sung")
    S.set_self_score(SYSTEM, C.find_criterion(2023, "III.2.1").id, "1", "Rà soát 6 %")
    S.lock(SYSTEM, 2023)
    sheet = write_appraisal_xlsx(tmp_path / "tham-dinh.xlsx", {"III.2.1": ("0", "Chưa đạt 10 %")})
    imported = S.import_appraisal(SYSTEM, 2023, sheet)
    assert imported.count == 1 and IndexSet.get(IndexSet.year == 2023).state == "locked"
    row = IndexAssessment.get(IndexAssessment.criterion == C.find_criterion(2023, "III.2.1").id)
    assert (row.self_points, row.appraised_points, row.appraisal_reason) == (1, 0, "Chưa đạt 10 %")
    assert any(d.path == "III.2.1" and d.reason == "Chưa đạt 10 %" for d in imported.differences)
