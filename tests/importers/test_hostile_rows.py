"""Hostile or mistaken rows in a one-stop export (issue 19, item 5): impossible years and control
characters are row errors; a re-import that contradicts a stored dossier is reported, not rewritten."""

from __future__ import annotations

from datetime import date

import pytest

from par_desktop.db.models import Dossier
from par_desktop.importers.dossiers import ImportRefused, default_years
from par_desktop.services import settings
from par_desktop.services.dossiers import importing as dossiers
from par_desktop.services.session import SYSTEM


def _sheet(tmp_path, rows: list[str], header: str = "Mã hồ sơ,Mã thủ tục,Ngày tiếp nhận,Người nộp") -> str:
    path = tmp_path / "mot-cua.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def code(demo_db):
    return Dossier.select().first().procedure.code


@pytest.mark.parametrize("typed, year", [("01/03/9999 08:00", 9999), ("01/03/0024 08:00", 24),
                                         ("01/03/2204 08:00", 2204), ("01/03/1999 08:00", 1999)])
def test_a_year_outside_the_window_is_a_row_error(demo_db, tmp_path, code, typed, year):
    before = Dossier.select().count()
    with pytest.raises(ImportRefused) as refused:
        dossiers.import_dossiers(SYSTEM, _sheet(tmp_path, [f"NAM-1,{code},{typed},Trần Văn A"]))
    [problem] = refused.value.problems
    assert problem.row == 2 and f"năm {year} nằm ngoài khoảng cho phép 2000–{date.today().year + 5}" in problem.message
    assert Dossier.select().count() == before


def test_the_window_is_a_setting(demo_db, tmp_path, code):
    assert default_years(date(2024, 5, 1)) == (2000, 2029)
    settings.set_value(SYSTEM, "import.first_year", 1990)
    summary = dossiers.import_dossiers(SYSTEM, _sheet(tmp_path, [f"NAM-2,{code},01/03/1999 08:00,Trần Văn B"]))
    assert summary.new == 1


@pytest.mark.parametrize("cell", ["HS\x00001", "HS\x07002", "HS\x1b003"])
def test_control_characters_are_refused(demo_db, tmp_path, code, cell):
    with pytest.raises(ImportRefused) as refused:
        dossiers.import_dossiers(SYSTEM, _sheet(tmp_path, [f"{cell},{code},01/03/2024 08:00,Trần Văn C"]))
    assert "ký tự điều khiển" in refused.value.problems[0].message
    assert not Dossier.select().where(Dossier.code.startswith("HS")).exists()


def test_a_reimport_contradicting_the_stored_closing_is_reported_not_clamped(demo_db, tmp_path, code):
    closed = Dossier.select().where(Dossier.closed_at.is_null(False)).order_by(Dossier.id).first()
    stored = (closed.received_at, closed.closed_at)
    later = closed.closed_at.replace(year=closed.closed_at.year + 1)
    sheet = _sheet(tmp_path, [f"{closed.code},{closed.procedure.code},{later:%d/%m/%Y %H:%M},{closed.applicant}"])
    with pytest.raises(ImportRefused) as refused:
        dossiers.import_dossiers(SYSTEM, sheet)
    assert "không sửa" in refused.value.problems[0].message and closed.code in refused.value.problems[0].message
    again = Dossier.get_by_id(closed.id)
    assert (again.received_at, again.closed_at) == stored
    summary = dossiers.import_dossiers(SYSTEM, sheet, skip_invalid=True)
    assert summary.updated == 0 and len(summary.refused) == 1
    assert (Dossier.get_by_id(closed.id).received_at, Dossier.get_by_id(closed.id).closed_at) == stored


def test_a_cell_longer_than_the_csv_limit_is_a_clear_error(demo_db, tmp_path, code):
    """Found by bench/break_test.py: a 1 MB cell stopped the import with "lỗi nội bộ (field larger than
    field limit)"."""
    with pytest.raises(Exception) as refused:
        dossiers.import_dossiers(SYSTEM, _sheet(tmp_path, [f"DAI-1,{code},01/03/2024 08:00,{'x' * 1_000_000}"]))
    from par_desktop.errors import InvalidInput

    assert isinstance(refused.value, InvalidInput)
    assert "mot-cua.csv, dòng 2" in refused.value.message and "ô quá dài" in refused.value.message
