"""``stats service-index``, ``survey import|index`` and ``doc survey-report`` as a scheduled job runs them:
a separate process on a real database file, output as CLI.md specifies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))

from par_desktop.services.dossiers.importing import import_dossiers
from par_desktop.services.session import SYSTEM
from service_files import EXPORT, FORMS, export_catalogue, survey_office, write_export, write_sheet


@pytest.mark.slow   # several separate processes
def test_service_index_json_is_the_contract_object(empty_db, cli, tmp_path):
    export_catalogue()
    import_dossiers(SYSTEM, write_export(tmp_path / "mot-cua.xlsx", EXPORT))
    out = cli("stats", "service-index", "--from", "2024-03-01", "--to", "31/03/2024", "--json", db=empty_db)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["from"], data["to"]) == ("2024-03-01", "2024-03-31")
    assert [g["key"] for g in data["groups"]] == ["disclosure", "progress", "digitisation", "online", "satisfaction"]
    for group in data["groups"]:
        assert set(group) == {"key", "name", "max_points", "points", "unknown_points", "indicators"}
        for indicator in group["indicators"]:
            assert set(indicator) == {"key", "name", "value", "numerator", "denominator", "max_points", "points"}
    indicators = {i["key"]: i for g in data["groups"] for i in g["indicators"]}
    assert set(indicators) >= {"on_time", "online_share", "procedures_fully_online", "digitised_dossiers",
                               "digitised_results", "online_payment", "satisfaction", "published_on_time",
                               "avg_resolution_days"}
    assert (indicators["on_time"]["numerator"], indicators["on_time"]["denominator"]) == (5, 6)
    assert indicators["on_time"]["value"] == pytest.approx(500 / 6)
    assert indicators["on_time"]["points"] == pytest.approx(100 / 6)
    assert indicators["status_sync"]["value"] is None and indicators["status_sync"]["points"] is None
    disclosure = data["groups"][0]
    assert (disclosure["points"], disclosure["unknown_points"]) == (3.0, 12.0)
    assert data["total_points"] == pytest.approx(sum(g["points"] for g in data["groups"]))

    out = cli("stats", "service-index", "--from", "2024-03-01", "--to", "2024-03-31", "--unit", "NCC", "--json",
              db=empty_db)
    ncc = {i["key"]: i for g in json.loads(out.stdout)["groups"] for i in g["indicators"]}
    assert (ncc["online_share"]["numerator"], ncc["online_share"]["denominator"]) == (1, 2)
    # a field typed without its accents (P12 alone: D4 online, D5 by post; D8 withdrawn) and a procedure (P5)
    out = cli("stats", "service-index", "--from", "2024-03-01", "--to", "2024-03-31", "--field", "nguoi co cong",
              "--json", db=empty_db)
    field = {i["key"]: i for g in json.loads(out.stdout)["groups"] for i in g["indicators"]}
    assert (field["online_share"]["numerator"], field["online_share"]["denominator"]) == (1, 2)
    assert (field["published_on_time"]["numerator"], field["published_on_time"]["denominator"]) == (0, 1)
    out = cli("stats", "service-index", "--from", "2024-03-01", "--to", "2024-03-31", "--procedure", "1.009811",
              "--json", db=empty_db)
    p5 = {i["key"]: i for g in json.loads(out.stdout)["groups"] for i in g["indicators"]}
    assert (p5["online_share"]["numerator"], p5["online_share"]["denominator"]) == (2, 5)     # D1 D7 of D1-3 D7 D9
    assert (p5["on_time"]["numerator"], p5["on_time"]["denominator"]) == (4, 5)               # D2 late
    assert (p5["published_on_time"]["numerator"], p5["published_on_time"]["denominator"]) == (1, 1)
    for option, value in (("--field", "Thể thao"), ("--procedure", "9.999999")):
        bad = cli("stats", "service-index", "--from", "2024-03-01", "--to", "2024-03-31", option, value, db=empty_db)
        assert bad.returncode == 1 and bad.stderr.startswith("error: ") and value in bad.stderr
        assert len(bad.stderr.strip().split("\n")) == 1 and bad.stdout == ""
    text = cli("stats", "service-index", "--from", "2024-03-01", "--to", "2024-03-31", db=empty_db).stdout
    assert "Số hóa hồ sơ: " in text and "(nhập tay): chưa có số liệu" in text

    bad = cli("stats", "service-index", "--from", "2024-03-31", "--to", "2024-03-01", "--json", db=empty_db)
    assert bad.returncode == 1 and bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr


@pytest.mark.slow
def test_survey_import_index_and_report(empty_db, cli, tmp_path):
    from datetime import date

    from par_desktop.services import org

    survey_office()
    org.set_org_names(SYSTEM, date(2020, 1, 1), org.OrgNames(
        "UBND TỈNH BẮC GIANG", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở Lao động - Thương binh và Xã hội",
        "SLĐTBXH", "Bắc Giang", "VP"))
    org.save_signer(SYSTEM, None, None, name="Trần Văn Hà", title="PHÓ GIÁM ĐỐC", authority="KT. GIÁM ĐỐC",
                    is_default=True)
    sheet = write_sheet(tmp_path / "phieu.xlsx")
    refused = cli("survey", "import", str(sheet), "--wave", "Tháng 10/2024", db=empty_db)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.startswith("error: ") and "«Tạm được» (dòng 10)" in refused.stderr
    assert len(refused.stderr.strip().split("\n")) == 1

    out = cli("survey", "import", str(sheet), "--wave", "Tháng 10/2024", "--map", "Tạm được=3", db=empty_db)
    assert (out.returncode, out.stdout) == (0, "imported 10 responses\n"), out.stderr
    assert "warning: Loại khỏi câu hỏi tương ứng: 3 câu trả lời để trống, 2 câu trả lời ngoài thang điểm" in out.stderr

    again = cli("survey", "import", str(write_sheet(tmp_path / "lai.xlsx", FORMS[:2])), "--wave", "Tháng 10/2024",
                db=empty_db)
    assert again.returncode == 1 and "phiếu số 1 đã có trong đợt" in again.stderr

    out = cli("survey", "index", "--wave", "tháng 10/2024", "--json", db=empty_db)
    data = json.loads(out.stdout)
    assert (data["wave"], data["respondents"]) == ("Tháng 10/2024", 10)
    assert set(data["overall"]) == {"index", "valid", "low", "high"}
    assert data["overall"]["index"] == pytest.approx((67.5 + 80 + 80 + 800 / 9 + 75) / 5)
    a1 = data["aspects"][0]
    assert (a1["code"], a1["index"], a1["valid"]) == ("A1", 67.5, 10)
    assert set(a1) == {"code", "name", "index", "valid", "low", "high", "questions"}
    assert a1["questions"][0]["code"] == "A1.1" and set(a1["questions"][0]) == {"code", "index", "valid", "low",
                                                                                 "high"}
    assert cli("survey", "official", "--wave", "Tháng 10/2024", "--index", "84,25", db=empty_db).returncode == 0

    for suffix in ("docx", "pdf"):
        target = tmp_path / f"bao-cao.{suffix}"
        out = cli("doc", "survey-report", "--wave", "Tháng 10/2024", "--out", str(target), db=empty_db)
        assert (out.returncode, out.stdout.strip()) == (0, str(target)), out.stderr
    from docx import Document

    text = "\n".join(p.text for p in Document(tmp_path / "bao-cao.docx").paragraphs)
    assert "BÁO CÁO" in text and "Chỉ số hài lòng chung đạt 78,3%" in text and "là 84,25%" in text
    pdf = subprocess.run(["pdftotext", "-layout", str(tmp_path / "bao-cao.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert "Mẫu nhỏ" in pdf and "A1.2" in pdf and "Tiếp cận dịch vụ" in pdf
    missing = cli("doc", "survey-report", "--wave", "Không có", "--out", str(tmp_path / "x.pdf"), db=empty_db)
    assert missing.returncode == 1 and "Không có đợt khảo sát" in missing.stderr


@pytest.mark.slow
def test_on_a_database_with_accounts_reading_needs_none_and_importing_needs_one(demo_db, cli, tmp_path):
    """The demo has accounts: the figures and the index are read by anyone; an import needs a clerk."""
    out = cli("stats", "service-index", "--from", "2024-01-01", "--to", "2024-12-31", "--json", db=demo_db)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["total_points"] > 50
    assert cli("survey", "index", "--wave", "Quý IV/2024", "--json", db=demo_db).returncode == 0
    sheet = write_sheet(tmp_path / "phieu.xlsx", [f for f in FORMS if f[2] == ""])
    refused = cli("survey", "import", str(sheet), "--wave", "Đợt thử", "--map", "Tạm được=3", db=demo_db)
    assert refused.returncode == 1 and refused.stderr.startswith("error: ")
    denied = cli("survey", "import", str(sheet), "--wave", "Đợt thử", "--map", "Tạm được=3", db=demo_db,
                 user="lanhdao")
    assert denied.returncode == 1 and "không có quyền" in denied.stderr
    out = cli("survey", "import", str(sheet), "--wave", "Đợt thử", "--map", "Tạm được=3", db=demo_db,
              user="vanphong")
    assert (out.returncode, out.stdout) == (0, "imported 9 responses\n"), out.stderr
