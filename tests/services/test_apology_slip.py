"""The apology slip addresses the applicant as the record says, and keeps no placeholder of the form;
the demo's applicants fit their procedures. Read back from the generated files."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook

from par_desktop.db.models import Dossier, DocumentTemplate, Procedure, RegisterEntry
from par_desktop.documents.templates import default_template
from par_desktop.domain.salutation import looks_like_organisation, parse_kind, salutation
from par_desktop.errors import InvalidInput
from par_desktop.importers.dossiers import ImportRefused
from par_desktop.services import documents as D
from par_desktop.services.demo import INDIVIDUAL_PROCEDURES
from par_desktop.services.dossiers import editing as dossier_editing
from par_desktop.services.dossiers import importing as dossier_import
from par_desktop.services.session import Actor
from conftest import pdf_words

OFFICE = Actor("vanthu", "office")
ORGANISATION = "000.00.18.H06-240107-00829"   # Công ty CP Fuhong Precision, open and overdue
UNKNOWN = "000.00.18.H06-240104-00670"        # Lương Minh Hải: the record does not say Ông or Bà
MAN = "000.00.18.H06-240302-00238"            # Đỗ Hữu Tâm, recorded as a man


def apology(code: str, **extra) -> D.DocRequest:
    return D.DocRequest("apology", dossier=code, new_due=D.parse_new_due("2024-12-20"), reason="Chờ xác minh",
                        **extra)


def test_a_person_recorded_as_a_man_is_ong(demo_db, tmp_path):
    result = D.generate(OFFICE, apology(MAN), tmp_path / "pxl.pdf")
    text = pdf_words(result.path)
    assert "Kính gửi: Ông Đỗ Hữu Tâm" in text and "tiếp nhận giải quyết hồ sơ của Ông Đỗ Hữu Tâm." in text
    assert "Sự chậm trễ này đã gây phiền hà cho Ông." in text and "xin lỗi Ông và sẽ trả kết quả" in text
    assert "Ông/Bà" not in text and "Tổ chức" not in text
    assert not any("ông hay bà" in n for n in result.notices)


def test_an_organisation_is_addressed_by_its_name(demo_db, tmp_path):
    text = pdf_words(D.generate(OFFICE, apology(ORGANISATION), tmp_path / "pxl.pdf").path)
    assert "Kính gửi: Công ty CP Fuhong Precision" in text
    assert "hồ sơ của Công ty CP Fuhong Precision." in text and "gây phiền hà cho Quý Công ty." in text
    assert "Ông/Bà" not in text


def test_an_unrecorded_person_is_ong_ba_with_a_notice(demo_db, tmp_path, cli):
    result = D.generate(OFFICE, apology(UNKNOWN), tmp_path / "pxl.pdf")
    text = pdf_words(result.path)
    assert "Kính gửi: Ông/Bà Lương Minh Hải" in text and "Ông/Bà/Tổ chức" not in text
    assert [n for n in result.notices if "ông hay bà" in n] == [
        "Hồ sơ không ghi người nộp là ông hay bà: phiếu ghi «Ông/Bà Lương Minh Hải». Chọn danh xưng (Ông, Bà hoặc "
        "Tổ chức) để phiếu ghi đúng người nhận."]
    out = cli("doc", "apology", "--dossier", UNKNOWN, "--new-date", "2024-12-20", "--reason", "Chờ xác minh",
              "--out", str(tmp_path / "p.docx"), db=demo_db)
    assert out.returncode == 0, out.stderr
    assert "warning: Hồ sơ không ghi người nộp là ông hay bà" in out.stderr


def test_the_clerks_choice_is_printed_and_kept_on_the_dossier_when_issued(demo_db, tmp_path, cli):
    out = cli("doc", "apology", "--dossier", UNKNOWN, "--new-date", "2024-12-20", "--reason", "Chờ xác minh",
              "--salutation", "Bà", "--issue", "--out", str(tmp_path / "p.pdf"), db=demo_db, user="vanphong")
    assert out.returncode == 0, out.stderr
    assert "ông hay bà" not in out.stderr
    text = pdf_words(tmp_path / "p.pdf")
    assert "Kính gửi: Bà Lương Minh Hải" in text and "gây phiền hà cho Bà." in text
    assert Dossier.get(Dossier.code == UNKNOWN).applicant_kind == "woman"
    again = pdf_words(D.generate(OFFICE, apology(UNKNOWN), tmp_path / "again.pdf").path)
    assert "Kính gửi: Bà Lương Minh Hải" in again


def test_a_template_keeping_the_forms_choice_cannot_be_issued(demo_db, tmp_path):
    body = default_template("apology").replace("{{ applicant_pronoun }}./.", "Ông/Bà/Tổ chức./.")
    DocumentTemplate.create(doc_type="apology", valid_from=date(2020, 1, 1), body=body, edited_by="quantri")
    draft = D.generate(OFFICE, apology(MAN), tmp_path / "draft.pdf")
    assert any("«Ông/Bà/Tổ chức»" in n for n in draft.notices)
    with pytest.raises(InvalidInput, match="Chưa lấy số. Văn bản còn chỗ của mẫu chưa điền: «Ông/Bà/Tổ chức»"):
        D.generate(OFFICE, apology(MAN), tmp_path / "issued.pdf", issue=True)
    assert RegisterEntry.select().count() == 0 and not (tmp_path / "issued.pdf").exists()


def test_salutation_rules():
    assert salutation("Trịnh Thị Dung", "woman").address == "Bà Trịnh Thị Dung"
    assert salutation("Trương Văn An").address == "Ông/Bà Trương Văn An"        # a person, not a school
    assert salutation("Trường Trung cấp nghề Miền núi Yên Thế").pronoun == "Quý Trường"
    assert salutation("Hợp tác xã Tân Tiến", "organisation").pronoun == "Quý Hợp tác xã"
    assert salutation("Nhà hàng Hương Quê", "organisation").pronoun == "Nhà hàng Hương Quê"
    assert not looks_like_organisation("Viên Thị Hoa") and looks_like_organisation("Viện Khoa học Lao động")
    with pytest.raises(ValueError):
        salutation("X", "sir")


def test_demo_applicants_fit_their_procedures(demo_db):
    rows = (Dossier.select(Dossier.applicant, Dossier.applicant_kind, Procedure.code)
            .join(Procedure).tuples())
    for applicant, kind, code in rows:
        if code in INDIVIDUAL_PROCEDURES:
            assert not looks_like_organisation(applicant) and kind in ("", "man", "woman"), (applicant, code)
        else:
            assert looks_like_organisation(applicant) and kind == "organisation", (applicant, code)
    kinds = {kind for _, kind, _ in rows}
    assert kinds == {"", "man", "woman", "organisation"}


def _export(path, rows):
    """A one-stop export with a "Giới tính" column, for a procedure of the demo catalogue meant for people."""
    code = sorted(INDIVIDUAL_PROCEDURES)[0]
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN"])
    ws.append(["STT", "Mã hồ sơ", "Mã thủ tục", "Chủ hồ sơ", "Giới tính", "Ngày tiếp nhận", "Trạng thái"])
    for i, (dossier, applicant, kind) in enumerate(rows, 1):
        ws.append([i, dossier, code, applicant, kind, "04/11/2024 09:00", "Đang xử lý"])
    wb.save(path)
    return path


def test_the_one_stop_export_says_ong_or_ba(demo_db, tmp_path):
    rows = [("T-1", "Trịnh Thị Dung", "Nữ"), ("T-2", "Nguyễn Văn An", "Ông"),
            ("T-3", "Hợp tác xã Tân Tiến", "Tổ chức"), ("T-4", "Lê Văn Bình", "")]
    summary = dossier_import.import_dossiers(OFFICE, _export(tmp_path / "mot-cua.xlsx", rows))
    assert summary.new == 4 and summary.refused == []
    kinds = {d.code: d.applicant_kind for d in Dossier.select().where(Dossier.code.startswith("T-"))}
    assert kinds == {"T-1": "woman", "T-2": "man", "T-3": "organisation", "T-4": ""}
    text = pdf_words(D.generate(OFFICE, apology("T-1"), tmp_path / "pxl.pdf").path)
    assert "Kính gửi: Bà Trịnh Thị Dung" in text and "gây phiền hà cho Bà." in text and "Ông/Bà" not in text

    # The clerk's choice survives a re-import whose cell is blank; a cell that says it wins.
    t4 = Dossier.get(Dossier.code == "T-4")
    dossier_editing.update_dossier(OFFICE, t4.id, t4.version, applicant_kind="man")
    again = [("T-1", "Trịnh Thị Dung", "Nữ"), ("T-2", "Nguyễn Văn An", "Bà"),
             ("T-3", "Hợp tác xã Tân Tiến", "Tổ chức"), ("T-4", "Lê Văn Bình", "")]
    dossier_import.import_dossiers(OFFICE, _export(tmp_path / "lai.xlsx", again))
    assert Dossier.get(Dossier.code == "T-4").applicant_kind == "man"
    assert Dossier.get(Dossier.code == "T-2").applicant_kind == "woman"


def test_an_unreadable_kind_refuses_the_file_naming_the_row(demo_db, tmp_path):
    before = Dossier.select().count()
    with pytest.raises(ImportRefused) as refused:
        dossier_import.import_dossiers(OFFICE, _export(tmp_path / "sai.xlsx", [("T-1", "Trịnh Thị Dung", "Chị")]))
    assert "Dòng 3" in refused.value.message and "«Danh xưng»: «Chị» không rõ" in refused.value.message
    assert Dossier.select().count() == before


def test_kind_words():
    assert [parse_kind(t) for t in ("Ông", "bà", "Nam", "Nữ", "Tổ chức", "", "Cá nhân", "Ông/Bà")] == [
        "man", "woman", "man", "woman", "organisation", "", "", ""]
