"""The documents service on the real demo database: data gathered per document, dated templates and
names, drafts and issued documents numbered through the register."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from docx import Document

from par_desktop.db.models import AuditLog, DocumentTemplate, Dossier, Explanation, OrgProfile, Plan, RegisterEntry, Unit
from par_desktop.documents.builders import unit_text
from par_desktop.documents.model import Table
from par_desktop.documents.templates import default_template
from par_desktop.errors import InvalidInput, NotFound, PermissionDenied
from par_desktop.services import documents as D
from par_desktop.services.dossiers.due_lists import overdue_dossiers
from par_desktop.services.session import Actor

LEADER = Actor("lanhdao", "leader")
OFFICE = Actor("vanthu", "office")


def texts(document) -> str:
    """Every text of a document model, for assertions."""
    out = [document.number_text or "", document.kind or "", document.subject, document.vv,
           *document.recipients_to, *document.noi_nhan]
    for block in [*document.body, *(b for a in document.appendices for b in a.blocks)]:
        if isinstance(block, Table):
            for row in [*block.header, *block.rows]:
                out.extend(c.text if isinstance(c.text, str) else "".join(r.text for r in c.text)
                           for c in row.cell_list())
        else:
            text = block.text
            out.append(text if isinstance(text, str) else "".join(getattr(r, "text", "") for r in text))
    return "\n".join(out)


def open_overdue_dossier() -> Dossier:
    return (Dossier.select().where(Dossier.closed_at.is_null() & (Dossier.due_at < datetime(2024, 6, 1))
                                   & Dossier.paused_since.is_null()).order_by(Dossier.code).first())


def test_plan_draft_and_issued_plan(any_demo_db):
    document = D.build(D.DocRequest("plan"))
    assert document.number_text == "Số: 38/KH-SLĐTBXH" and document.issue_date == date(2024, 2, 29)
    assert document.signature.lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"] and document.signature.name == "Trần Văn Hà"
    table = document.appendices[0].blocks[0]
    contents = [row.cell_list()[1].text for row in table.rows]
    assert contents[0] == "Tham mưu ban hành văn bản QPPL"
    assert "Đề án chi trả trợ cấp ưu đãi người có công, bảo trợ xã hội không dùng tiền mặt trên địa bàn tỉnh Bắc " \
           "Giang" in contents
    assert "Sở Lao động - Thương binh và Xã hội (Sở Lao động - TB&XH) xây dựng kế hoạch" in texts(document)

    Plan.update(number=None, number_text="", issued_on=None).execute()
    draft = D.build(D.DocRequest("plan", year=2024))
    assert draft.number_text.replace(" ", "") == "Số:/KH-SLĐTBXH" and draft.issue_date is None
    assert "(Kèm theo Kế hoạch số …/KH-SLĐTBXH ngày … tháng … năm …" in draft.appendices[0].reference


def test_issuing_the_plan_numbers_it_in_the_register_and_on_the_plan(any_demo_db, tmp_path):
    Plan.update(number=None, number_text="", issued_on=None).execute()
    result = D.generate(OFFICE, D.DocRequest("plan"), tmp_path / "kh.docx", issue=True)
    today = date.today()
    assert result.number_text == "01/KH-SLĐTBXH" and result.issue_date == today
    plan = Plan.get()
    assert (plan.number, plan.number_text, plan.issued_on) == (1, "01/KH-SLĐTBXH", today)
    entry = RegisterEntry.get()
    assert (entry.doc_kind, entry.issued_by, entry.year) == ("plan", "vanthu", today.year)
    assert entry.title.startswith("Kế hoạch nâng cao Chỉ số cải cách hành chính")
    header = Document(str(result.path)).tables[0]
    assert header.cell(1, 0).paragraphs[0].text == "Số: 01/KH-SLĐTBXH"
    assert header.cell(1, 1).paragraphs[0].text.endswith(f"năm {today.year}")
    with pytest.raises(InvalidInput, match="đã ban hành: số 01/KH-SLĐTBXH"):
        D.generate(OFFICE, D.DocRequest("plan"), tmp_path / "again.pdf", issue=True)
    assert RegisterEntry.select().count() == 1


def test_monthly_report_gathers_tasks_statistics_and_overdue_dossiers(any_demo_db):
    document = D.build(D.DocRequest("monthly_report", month="2024-03"))
    assert document.number_text.replace(" ", "") == "Số:/BC-VP" and document.header.agency == "Văn phòng Sở"
    assert document.signature.lines == ["CHÁNH VĂN PHÒNG"] and document.signature.name == "Nguyễn Thị Hương"
    stats, overdue = document.appendices
    assert stats.label == "PHỤ LỤC I" and overdue.label == "PHỤ LỤC II" and overdue.landscape
    rows = overdue_dossiers(None, (date(2024, 2, 15), date(2024, 3, 14)))
    listed = texts(document)
    assert all(r.code in listed for r in rows)
    total = stats.blocks[-1].rows[-1].cell_list()
    late, pending_overdue = int(total[8].text), int(total[11].text)
    assert late + pending_overdue == len(rows)
    assert f"Trong kỳ có {len(rows)} hồ sơ TTHC quá hạn" in listed
    assert "Chi tiết theo từng lĩnh vực tại Phụ lục I kèm theo." in listed


def test_explanation_request_to_one_unit_and_the_units_to_ask(any_demo_db):
    units = D.explanation_units("2024-03")
    rows = overdue_dossiers(None, (date(2024, 2, 15), date(2024, 3, 14)))
    assert sum(n for _, n in units) == sum(1 for r in rows if r.unit_id is not None)
    unit, count = units[0]
    document = D.build(D.DocRequest("explanation_request", unit=unit.short_code, month="03/2024"))
    assert document.vv == "V/v đề nghị giải trình hồ sơ TTHC quá hạn"
    assert document.recipients_to == [unit_text(D.addressee(unit))]   # one dash form in documents
    assert not any(isinstance(b, Table) for b in document.body)   # the list is a landscape appendix
    table = document.appendices[0].blocks[-1]
    groups = [r for r in table.rows if r.keep_with_next]
    assert document.appendices[0].landscape and len(table.rows) == count + len(groups)
    quiet = Unit.select().where(Unit.id.not_in([u.id for u, _ in units])).first()
    with pytest.raises(InvalidInput, match="không có hồ sơ quá hạn"):
        D.build(D.DocRequest("explanation_request", unit=quiet.name, month="2024-03"))


def test_addressee_joins_the_title_and_the_unit_name():
    assert D.addressee(Unit(name="Phòng Người có công", head_title="Trưởng phòng")) == "Trưởng phòng Người có công"
    assert D.addressee(Unit(name="Thanh tra Sở", head_title="Chánh Thanh tra")) == "Chánh Thanh tra Sở"
    assert D.addressee(Unit(name="Văn phòng Sở", head_title="Chánh Văn phòng")) == "Chánh Văn phòng Sở"
    assert D.addressee(Unit(name="Trung tâm Dịch vụ việc làm", head_title="Giám đốc")) == \
        "Giám đốc Trung tâm Dịch vụ việc làm"


def test_apology_for_an_open_dossier_and_its_issue_is_remembered(any_demo_db, tmp_path):
    d = open_overdue_dossier()
    request = D.DocRequest("apology", dossier=d.code, new_due=D.parse_new_due("2024-12-20"), reason="Chờ xác minh")
    document = D.build(request)
    body = texts(document)
    assert "Lý do: Chờ xác minh." in body and "17 giờ 00 phút, ngày 20/12/2024" in body
    assert document.recipients_to == [f"Ông/Bà {d.applicant}"]   # the record does not say Ông or Bà
    D.generate(OFFICE, request, tmp_path / "pxl.pdf", issue=True)
    explanation = Explanation.get(Explanation.dossier == d.id)
    assert explanation.apology_sent_on == date.today() and explanation.new_appointment == datetime(2024, 12, 20, 17)
    assert RegisterEntry.get().full_number == "01/PXL-SLĐTBXH"

    closed = Dossier.select().where(Dossier.closed_at.is_null(False)).first()
    with pytest.raises(InvalidInput, match="đã trả kết quả"):
        D.build(D.DocRequest("apology", dossier=closed.code, new_due=datetime(2024, 12, 20), reason="x"))
    with pytest.raises(InvalidInput, match="ngày nghỉ"):
        D.build(D.DocRequest("apology", dossier=d.code, new_due=datetime(2024, 12, 21), reason="x"))  # Saturday


def test_reminder_and_control_slip(any_demo_db):
    reminder = D.build(D.DocRequest("reminder", unit="Phòng Kế hoạch tài chính", today=date(2024, 8, 15)))
    body = texts(reminder)
    assert reminder.recipients_to == ["Phòng Kế hoạch - Tài chính"] and "năm 2024" in body
    assert "Đề án chi trả trợ cấp ưu đãi người có công" in body   # IV.1, due Tháng 6 năm 2024
    d = open_overdue_dossier()
    slip = D.build(D.DocRequest("control_slip", dossier=d.code))
    table = next(block for block in slip.body if hasattr(block, "header"))
    assert table.header[0].cell_list()[0].text == "TÊN CƠ QUAN"
    notes = [row.cell_list()[5].text for row in table.rows]
    assert any("Tiếp nhận, chuyển phòng chuyên môn" in note for note in notes)
    # The last row returns the dossier to the applicant, judged against the dossier's due moment: late now.
    assert table.rows[-1].cell_list()[4].text.startswith("Quá hạn")
    with pytest.raises(NotFound):
        D.build(D.DocRequest("control_slip", dossier="KHONG-CO"))


def test_templates_are_dated_and_validated(any_demo_db):
    assert D.template_in_force("plan", date(2024, 1, 1)) == default_template("plan")
    edited = default_template("plan").replace("Trong thời gian qua", "Thời gian qua")
    D.save_template(OFFICE, "plan", date(2024, 1, 1), edited)
    later = edited.replace("Thời gian qua", "Năm qua")
    D.save_template(OFFICE, "plan", date(2025, 7, 1), later)
    assert D.template_in_force("plan", date(2023, 12, 31)) == default_template("plan")
    assert D.template_in_force("plan", date(2024, 2, 29)) == edited
    assert D.template_in_force("plan", date(2026, 1, 1)) == later
    # the plan dated 29/02/2024 uses the wording in force that day
    assert "Thời gian qua với sự lãnh đạo" in texts(D.build(D.DocRequest("plan")))
    with pytest.raises(InvalidInput, match="không có trường «nam_nay»"):
        D.save_template(OFFICE, "plan", date(2024, 1, 1), edited.replace("{{ year }}", "{{ nam_nay }}", 1))
    with pytest.raises(InvalidInput, match="không được phép"):
        D.save_template(OFFICE, "reminder", date(2024, 1, 1),
                        default_template("reminder") + "\n{{ ''.__class__.__mro__ }}")
    with pytest.raises(PermissionDenied):
        D.save_template(LEADER, "plan", date(2024, 1, 1), edited)
    assert D.template_in_force("plan", date(2024, 2, 29)) == edited
    assert AuditLog.select().where(AuditLog.table_name == "document_template").count() >= 2

    assert D.reset_template(OFFICE, "plan", date(2025, 7, 1)) == 1
    assert D.template_in_force("plan", date(2026, 1, 1)) == edited
    assert D.reset_template(OFFICE, "plan") == 1
    assert DocumentTemplate.select().count() == 0
    with pytest.raises(NotFound):
        D.reset_template(OFFICE, "plan", date(2024, 1, 1))


def test_names_in_force_on_the_documents_date(any_demo_db):
    OrgProfile.create(valid_from=date(2025, 7, 1), governing_body="UBND TỈNH BẮC NINH",
                      agency_name="SỞ NỘI VỤ", agency_short="Sở Nội vụ", agency_abbr="SNV", place_name="Bắc Ninh",
                      office_unit_code="VP")
    old = D.build(D.DocRequest("plan"))   # issued 29/02/2024
    assert old.header.governing_body == "UBND TỈNH BẮC GIANG" and old.place == "Bắc Giang"
    new = D.build(D.DocRequest("reminder", unit="KHTC", today=date(2024, 8, 15)), issue_date=date(2025, 8, 1), number=7)
    assert new.header.governing_body == "UBND TỈNH BẮC NINH" and new.place == "Bắc Ninh"
    assert new.number_text == "Số: 07/SNV-VP"
    assert "Sở Nội vụ (" not in texts(new)


def test_only_clerks_with_the_right_generate_and_issue(any_demo_db, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(PermissionDenied):
        D.generate(LEADER, D.DocRequest("plan"), tmp_path / "kh.pdf")
    with pytest.raises(InvalidInput, match="không đánh số"):
        D.generate(OFFICE, D.DocRequest("control_slip", dossier=open_overdue_dossier().code), tmp_path / "p.pdf",
                   issue=True)
    assert not list(tmp_path.iterdir()) and RegisterEntry.select().count() == 0


def test_sample_documents_render_for_every_type(any_demo_db, tmp_path):
    for kind in D.KIND_NAMES:
        path = D.render_sample(kind, None, tmp_path / f"{kind}.pdf")
        assert path.stat().st_size > 5000
