"""Names and forms in force on the document's date (DOMAIN.md §8): an organisation's names that ended
before the document's date are pointed out, the names recorded to follow them are offered, and the
shipped forms carry their effective dates (the apology slip of Nghị định 118/2025 from 01/07/2025)."""

from __future__ import annotations

from datetime import date

import pytest

from par_desktop.db.models import DocumentTemplate, OrgProfile, Signer
from par_desktop.documents.templates import default_template, shipped_form, shipped_forms
from par_desktop.errors import InvalidInput, NotFound
from par_desktop.services import documents as D
from par_desktop.services.session import Actor
from conftest import pdf_words

OFFICE = Actor("vanthu", "office")
REPORT = D.DocRequest("monthly_report", month="2024-07")


def test_the_demo_department_ended_in_2025_and_a_document_dated_today_says_so(demo_db, tmp_path, cli):
    result = D.generate(OFFICE, REPORT, tmp_path / "bc.pdf")
    notice = next(n for n in result.notices if "chỉ áp dụng đến" in n)
    assert notice.startswith("Tên cơ quan «UBND TỈNH BẮC GIANG – SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI» chỉ áp dụng "
                             "đến 28/02/2025")
    assert "Chưa khai báo tên cơ quan kế tiếp" in notice
    assert "SỞ LAO ĐỘNG - THƯƠNG BINH" in pdf_words(result.path)   # kept, not guessed
    out = cli("doc", "monthly-report", "--month", "2024-07", "--out", str(tmp_path / "cli.pdf"), db=demo_db)
    assert out.returncode == 0 and "warning: Tên cơ quan «UBND TỈNH BẮC GIANG" in out.stderr


def test_a_document_dated_while_the_names_were_in_force_has_no_notice(demo_db, tmp_path):
    path = D.write(OFFICE, REPORT, tmp_path / "bc.pdf", number=5, issue_date=date(2024, 7, 16))
    assert "SỞ LAO ĐỘNG - THƯƠNG BINH" in pdf_words(path)
    assert not any("chỉ áp dụng đến" in n for n in D.build(REPORT, number=5, issue_date=date(2024, 7, 16)).notices)


def test_the_successors_names_are_offered_and_used_on_request(demo_db, tmp_path, cli):
    """A gap: the Department's names ended 28/02/2025, the new ones recorded from a later day."""
    today = date.today()
    start = date(today.year + 1, 1, 1)
    OrgProfile.create(valid_from=start, governing_body="UBND TỈNH BẮC NINH", agency_name="SỞ NỘI VỤ",
                      agency_short="Sở Nội vụ", agency_abbr="SNV", place_name="Bắc Ninh", office_unit_code="VP")
    assert D.successor_offered(today)
    notice = next(n for n in D.build(REPORT).notices if "chỉ áp dụng đến" in n)
    assert f"Tên kế tiếp «UBND TỈNH BẮC NINH – SỞ NỘI VỤ» áp dụng từ 01/01/{start.year}" in notice
    result = D.generate(OFFICE, D.DocRequest("monthly_report", month="2024-07", successor_names=True),
                        tmp_path / "bc.pdf")
    text = pdf_words(result.path)
    assert "SỞ NỘI VỤ" in text and "Bắc Ninh, ngày" in text and "SỞ LAO ĐỘNG" not in text
    assert not any("chỉ áp dụng đến" in n for n in result.notices)
    out = cli("doc", "reminder", "--unit", "KHTC", "--successor-names", "--out", str(tmp_path / "dd.pdf"), db=demo_db)
    assert out.returncode == 0, out.stderr
    assert "UBND TỈNH BẮC NINH" in pdf_words(tmp_path / "dd.pdf")


def test_successor_names_are_refused_when_none_applies(demo_db):
    with pytest.raises(InvalidInput, match="Không có tên cơ quan kế tiếp"):
        D.build(D.DocRequest("monthly_report", month="2024-07", successor_names=True))
    assert not D.successor_offered(date(2024, 7, 1))


def test_shipped_forms_carry_their_effective_dates():
    forms = shipped_forms("apology")
    assert [f.valid_from for f in forms] == [None, date(2025, 7, 1)]
    assert "Thông tư số 01/2018/TT-VPCP" in forms[0].basis and "Nghị định số 118/2025/NĐ-CP" in forms[1].basis
    assert shipped_form("apology", date(2025, 6, 30)) == forms[0]
    assert shipped_form("apology", date(2025, 7, 1)) == forms[1]
    assert default_template("apology", date(2024, 1, 1)) == forms[0].text
    assert [f.valid_from for f in shipped_forms("plan")] == [None]


def test_the_slip_follows_the_form_in_force_and_an_old_edited_form_is_pointed_out(demo_db):
    assert D.template_version_in_force("apology", date(2025, 7, 1)).valid_from == date(2025, 7, 1)
    assert "118/2025" in D.template_version_in_force("apology", date(2025, 7, 1)).body
    assert "01/2018" in D.template_version_in_force("apology", date(2025, 6, 30)).body
    DocumentTemplate.create(doc_type="apology", valid_from=date(2024, 3, 1), body=default_template("apology",
                                                                                                  date(2024, 3, 1)),
                            edited_by="quantri")
    assert D.template_notices("apology", date(2025, 6, 30)) == []
    notice = D.template_notices("apology", date(2025, 7, 2))[0]
    assert "áp dụng từ 01/03/2024" in notice and "mẫu mới áp dụng từ 01/07/2025" in notice and "118/2025" in notice
    request = D.DocRequest("apology", dossier="000.00.18.H06-240302-00238", new_due=D.parse_new_due("2024-12-20"),
                           reason="Chờ xác minh")
    assert any("mẫu mới áp dụng từ 01/07/2025" in n for n in D.build(request).notices)


def test_a_document_dated_after_every_signers_period_names_them(demo_db, tmp_path, cli):
    Signer.update(valid_to=date(2025, 2, 28)).execute()
    reminder = D.DocRequest("reminder", unit="KHTC")
    with pytest.raises(NotFound, match=r"Không có người ký nào ký được văn bản ngày \d\d/\d\d/\d{4}: Trần Văn Hà "
                                       r"\(đến 28/02/2025\); Nguyễn Văn Thành \(đến 28/02/2025\)"):
        D.build(reminder)
    assert D.build(reminder, number=5, issue_date=date(2024, 7, 16)).signature.name == "Trần Văn Hà"
    out = cli("doc", "reminder", "--unit", "KHTC", "--out", str(tmp_path / "dd.pdf"), db=demo_db)
    assert out.returncode == 1 and out.stderr.startswith("error: Không có người ký nào ký được văn bản ngày")
