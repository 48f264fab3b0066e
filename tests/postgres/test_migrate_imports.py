"""``migrate-to`` on databases the app makes from the office's own files, not only on the demo: the
catalogue, plans from Word and Excel, one-stop exports as CSV and as XLSX, hand-entered records."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from par_desktop.db import connection, migrate
from par_desktop.db.schema import check, open_database
from par_desktop.services import catalog, org, procedures
from par_desktop.services.dossiers import editing as dossier_editing
from par_desktop.services.dossiers import importing as dossier_import
from par_desktop.services.dossiers import pauses as dossier_pauses
from par_desktop.services.session import SYSTEM

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
import catalog_files
import plan_files

pytestmark = pytest.mark.postgres

EXPORT_HEADER = ["Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Chủ hồ sơ", "Hình thức nộp", "Ngày tiếp nhận",
                 "Hạn xử lý", "Ngày có kết quả", "Ngày kết thúc", "Trạng thái", "Đơn vị xử lý"]
EXPORT_ROWS = [
    ["000.00.19.H04-240305-0001", "1.010805", "", "Người có công", "Nguyễn Văn An", "Trực tiếp", "05/03/2024 08:07",
     "", "08/03/2024 10:00", "11/03/2024 15:31", "Đã trả kết quả", "Phòng Người có công"],
    ["000.00.19.H04-240306-0002", "1.009811", "", "Việc làm", "Công ty TNHH Đức Giang\t", "Trực tuyến",
     "06/03/2024 21:40", "13/03/2024 10:20", "", "", "Đang xử lý", "Phòng Lao động – Việc làm"],  # a fractional limit
    ["000.00.19.H04-240307-0003", "1.000105", "", "", "Trần Thị Bình", "Bưu chính công ích", "07/03/2024 09:15",
     "", "", "", "Chờ bổ sung", ""],
]


def _csv(path: Path) -> Path:
    import csv

    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["DANH SÁCH HỒ SƠ TIẾP NHẬN"])
        writer.writerow(EXPORT_HEADER)
        writer.writerows(EXPORT_ROWS)
    return path


def _xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỒ SƠ"])
    ws.append(EXPORT_HEADER)
    for row in EXPORT_ROWS:
        row = list(row)
        row[0] = row[0].replace("H04", "H05")
        row[6] = datetime.strptime(row[6], "%d/%m/%Y %H:%M")   # an Excel date cell
        ws.append(row)
    wb.save(path)
    return path


def _build(folder: Path, path: str) -> Path:
    db = folder / f"{path}.db"
    open_database(str(db), create=True)
    for position, (name, code, kind) in enumerate(plan_files.UNITS):
        org.create_unit(SYSTEM, name, code, kind=kind, sort_order=position)
    catalog.import_catalog(SYSTEM, catalog_files.national_xlsx(folder / "csdl.xlsx"))
    catalog.import_catalog(SYSTEM, catalog_files.decision_annex_xlsx(folder / "pl.xlsx"))
    if path == "plan-docx":
        from par_desktop.services.tasks import plan_import

        plan_import.import_plan(SYSTEM, plan_files.reference_docx(folder / "kh.docx"), with_obligations=True)
    elif path == "plan-xlsx":
        from par_desktop.services.tasks import plan_import

        plan_import.import_plan(SYSTEM, plan_files.reference_xlsx(folder / "kh.xlsx"))
    elif path == "csv":
        dossier_import.import_dossiers(SYSTEM, _csv(folder / "mot-cua.csv"))
    elif path == "xlsx":
        dossier_import.import_dossiers(SYSTEM, _xlsx(folder / "mot-cua.xlsx"))
    else:   # typed by hand
        p = procedures.procedure_by_code("1.010805")
        d = dossier_editing.create_dossier(SYSTEM, code="TAY-1", procedure_id=p.id, received_at=datetime(2024, 3, 4,
                                                                                                         9, 13),
                                    applicant="Lê Văn Cường", channel="direct")
        dossier_pauses.pause_dossier(SYSTEM, d.id, datetime(2024, 3, 5, 10, 0), reason="Thiếu giấy tờ")
        dossier_pauses.resume_dossier(SYSTEM, d.id, datetime(2024, 3, 7, 14, 20))
    connection.current().close()
    return db


@pytest.mark.parametrize("path", ["csv", "xlsx", "hand", "plan-docx", "plan-xlsx"])
def test_a_database_built_through_each_import_path_moves_across(tmp_path, pg_url, path):
    source = _build(tmp_path, path)
    copies = migrate.migrate(str(source), pg_url)
    assert {c.table for c in copies if c.rows} >= {"procedure", "unit", "audit_log"}
    if path in ("csv", "xlsx"):
        assert next(c for c in copies if c.table == "dossier").rows == 3
    db = open_database(pg_url)
    assert check(db) == []
