"""Importing the TTHC catalogue from the lists the office has (national database export, the province's
decision annex, CSV): limits from their wording, merged cells, group rows, decision and dates; the same
list again changes nothing; a bad row refuses the whole file; missing procedures are offered, not deleted."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from par_desktop.db.models import AuditLog, Procedure
from par_desktop.errors import InvalidInput
from par_desktop.importers import tabular
from par_desktop.services import catalog, org
from par_desktop.services.session import SYSTEM

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
import catalog_files


@pytest.fixture
def units(empty_db):
    org.create_unit(SYSTEM, "Phòng Người có công", "NCC")
    org.create_unit(SYSTEM, "Phòng Lao động - Việc làm", "LĐVL")
    return empty_db


@pytest.fixture(params=["calamine", "openpyxl"])
def reader(request, monkeypatch):
    monkeypatch.setattr(tabular, "USE_CALAMINE", request.param == "calamine")
    return request.param


def _p(code: str) -> Procedure:
    return Procedure.get(Procedure.code == code)


def test_national_database_export(units, tmp_path, reader):
    result = catalog.import_catalog(SYSTEM, catalog_files.national_xlsx(tmp_path / "csdl.xlsx"))
    assert result.total == 5 and len(result.created) == 5 and result.missing == []
    p = _p("1.010806")
    assert (p.limit_days, p.limit_unit, p.field, p.level) == (15, "working", "Người có công", "Một phần")
    assert p.limit_note == "kể từ ngày nhận đủ hồ sơ hợp lệ; trường hợp phải xác minh: 25 ngày"
    assert p.limit_text.startswith("15 ngày làm việc kể từ")
    assert (p.decision_number, p.published_on, p.effective_on) == ("1234/QĐ-UBND", date(2024, 3, 15), date(2024, 3, 20))
    assert p.lead_unit.short_code == "NCC"
    # "Lĩnh vực" merged down: the second row of a field has it too; the dash variant matched the unit.
    assert _p("1.009812").field == "Việc làm" and _p("1.009812").lead_unit.short_code == "LĐVL"
    assert _p("1.010805").limit_note == "Trực tuyến: 05 Ngày làm việc" and _p("1.010805").limit_days == 5
    same_day = _p("2.000286")
    assert (same_day.limit_unit, same_day.lead_unit, same_day.level) == ("same_day", None, "")
    # The agency itself as "Cơ quan thực hiện" is not a unit and raises no warning.
    assert not any("Sở Lao động" in w for w in result.warnings)


def test_decision_annex_with_group_rows(units, tmp_path, reader):
    result = catalog.import_catalog(SYSTEM, catalog_files.decision_annex_xlsx(tmp_path / "phu-luc.xlsx"))
    assert result.total == 4
    assert {p.code: (p.field, p.limit_days, p.limit_unit) for p in Procedure.select()} == {
        "1.010805": ("Người có công", 5, "working"),
        "1.010807": ("Người có công", 1, "same_day"),
        "2.001955": ("Lao động - Tiền lương", 2.5, "working"),
        "1.000105": ("Lao động - Tiền lương", 30, "calendar"),
    }
    # The decision named in the title rows is every row's publication decision.
    assert {(p.decision_number, p.published_on) for p in Procedure.select()} == {("1234/QĐ-UBND", date(2024, 3, 15))}
    assert _p("1.000105").lead_unit.short_code == "LĐVL"


def test_csv_with_decimal_commas(units, tmp_path):
    result = catalog.import_catalog(SYSTEM, catalog_files.national_csv(tmp_path / "csdl.csv"))
    assert result.total == 5
    assert _p("1.010805").limit_days == 5 and _p("1.010805").published_on == date(2024, 3, 15)


def test_same_list_again_changes_nothing_and_a_change_is_audited(units, tmp_path):
    path = catalog_files.national_xlsx(tmp_path / "csdl.xlsx")
    catalog.import_catalog(SYSTEM, path)
    audit_rows = AuditLog.select().count()
    again = catalog.import_catalog(SYSTEM, path)
    assert again.created == [] and again.updated == []
    assert AuditLog.select().count() == audit_rows + 1   # only the import's own row
    rows = list(catalog_files.NATIONAL)
    rows[2] = (*rows[2][:4], "07 ngày làm việc", *rows[2][5:])
    changed = catalog.import_catalog(SYSTEM, catalog_files.national_xlsx(tmp_path / "v2.xlsx", rows[:4]))
    assert changed.updated == ["1.009811"] and _p("1.009811").limit_days == 7
    assert AuditLog.select().where((AuditLog.table_name == "procedure") & (AuditLog.field == "limit_days")).count() == 1
    # The procedure the new list no longer names is offered, not deleted.
    assert [m.code for m in changed.missing] == ["2.000286"]
    assert _p("2.000286").in_force
    assert catalog.abolish(SYSTEM, [m.id for m in changed.missing]) == 1
    assert not _p("2.000286").in_force and Procedure.select().count() == 5


def _sheet(path, header, *rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH MỤC THỦ TỤC HÀNH CHÍNH"])
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


@pytest.mark.parametrize("header, rows, message", [
    (["STT", "Tên thủ tục", "Thời hạn giải quyết"], [(1, "Thủ tục A", "5 ngày")], "thiếu cột bắt buộc: «Mã thủ tục»"),
    (["STT", "Mã thủ tục", "Thời hạn giải quyết"], [(1, "1.000001", "5 ngày")], "«Tên thủ tục»"),
    (["Mã thủ tục", "Tên thủ tục", "Thời hạn giải quyết"], [("1.000001", "A", "5 ngày"), ("1.000002", "B", "Theo quy định")],
     "Dòng 4: cột «Thời hạn giải quyết»: Không đọc được thời hạn «Theo quy định»"),
    (["Mã thủ tục", "Tên thủ tục", "Thời hạn giải quyết"], [("1.000001", "A", "5 ngày"), ("1.000001", "A", "10 ngày")],
     "Dòng 4: mã «1.000001» đã có ở dòng 3 với thời hạn khác"),
    (["Mã thủ tục", "Tên thủ tục", "Thời hạn giải quyết", "Ngày công bố"], [("1.000001", "A", "5 ngày", "31/02/2024")],
     "Dòng 3: cột «Ngày công bố»"),
])
def test_bad_lists_are_refused_whole(empty_db, tmp_path, header, rows, message):
    good = _sheet(tmp_path / "good.xlsx", ["Mã thủ tục", "Tên thủ tục", "Thời hạn giải quyết"], ("9.999999", "Z", "3 ngày"))
    catalog.import_catalog(SYSTEM, good)
    before = [(p.code, p.version) for p in Procedure.select()]
    with pytest.raises(InvalidInput) as caught:
        catalog.import_catalog(SYSTEM, _sheet(tmp_path / "bad.xlsx", header, *rows))
    assert message in caught.value.message
    assert [(p.code, p.version) for p in Procedure.select()] == before


def test_a_list_without_limits_adds_procedures_to_complete(empty_db, tmp_path):
    path = _sheet(tmp_path / "x.xlsx", ["Mã TTHC", "Tên TTHC", "Lĩnh vực"], ("1.000001", "A", "Việc làm"))
    result = catalog.import_catalog(SYSTEM, path)
    assert result.to_complete == ["1.000001"] and _p("1.000001").needs_completion
    assert any("Thời hạn giải quyết" in w for w in result.warnings)


def test_a_calendar_day_limit_times_dossiers_in_calendar_days(units, tmp_path):
    from datetime import datetime

    from par_desktop.services.dossiers import editing as dossier_editing

    catalog.import_catalog(SYSTEM, catalog_files.decision_annex_xlsx(tmp_path / "pl.xlsx"))
    calendar_limit = _p("1.000105")        # "30 ngày (tính cả ngày nghỉ)"
    d = dossier_editing.create_dossier(SYSTEM, code="HS-LICH", procedure_id=calendar_limit.id,
                                received_at=datetime(2024, 3, 1, 9, 0))
    # 30 calendar days later is Sun 31/03/2024: the limit ends at the close of Mon 01/04 — not 30 working days.
    assert d.due_at == datetime(2024, 4, 1, 17, 0)
    same_day = dossier_editing.create_dossier(SYSTEM, code="HS-NGAY", procedure_id=_p("1.010807").id,
                                       received_at=datetime(2024, 3, 1, 9, 0))
    assert same_day.due_at == datetime(2024, 3, 1, 17, 0)
