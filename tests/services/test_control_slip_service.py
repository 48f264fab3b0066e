"""The control slip of a stored dossier: rows from receipt, hand-overs, result and return, each judged
against its own step budget from the catalogue; imported dossiers without hand-overs get one too."""

from __future__ import annotations

from datetime import datetime

import pytest

from par_desktop.services import org, procedures
from par_desktop.services.dossiers import editing as dossier_editing
from par_desktop.services.dossiers import handovers
from par_desktop.services.control_slip import control_slip, form_for
from par_desktop.services.session import SYSTEM

M = datetime.fromisoformat


@pytest.fixture
def setup(empty_db):
    ncc = org.create_unit(SYSTEM, "Phòng Người có công", "NCC")
    vp = org.create_unit(SYSTEM, "Văn phòng Sở", "VP", kind="office")
    p = procedures.create_procedure(SYSTEM, code="1.010805", name="Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
                                    field="Người có công", limit_days=5, lead_unit_id=ncc.id,
                                    steps=[procedures.Step("Thẩm định", ncc.id, 3),
                                           procedures.Step("Trình ký", vp.id, 1)])
    return {"ncc": ncc, "vp": vp, "p": p}


def test_an_imported_dossier_without_hand_overs_has_its_four_rows(setup):
    d = dossier_editing.create_dossier(SYSTEM, code="HS-1", procedure_id=setup["p"].id, received_at=M("2024-03-04 08:00"),
                                applicant="Nguyễn Văn An", result_at=M("2024-03-08 10:00"),
                                closed_at=M("2024-03-08 15:00"))
    slip = control_slip(d.code, now=M("2024-04-01 09:00"))
    assert [(line.transfer.giver, line.transfer.receiver) for line in slip.lines] == [
        ("Bộ phận Tiếp nhận và Trả kết quả", "Phòng Người có công"),
        ("Phòng Người có công", "Bộ phận Tiếp nhận và Trả kết quả"),
        ("Bộ phận Tiếp nhận và Trả kết quả", "Nguyễn Văn An")]
    # The division held it 4 working days against its 3-day step: late; the dossier was returned early.
    assert [line.result for line in slip.lines] == [None, "late", "early"]
    assert slip.handling_unit == "Phòng Người có công" and slip.late_sides == ["Phòng Người có công"]


def test_recorded_hand_overs_are_judged_each_against_its_step(setup):
    ncc, vp = setup["ncc"], setup["vp"]
    d = dossier_editing.create_dossier(SYSTEM, code="HS-2", procedure_id=setup["p"].id, received_at=M("2025-07-07 08:00"),
                                applicant="Trần Thị Bình")
    handovers.add_handover(SYSTEM, d.id, from_unit_id=ncc.id, to_unit_id=vp.id, sent_at=M("2025-07-09 09:00"),
                          step_name="Thẩm định")
    handovers.add_handover(SYSTEM, d.id, from_unit_id=vp.id, to_unit_id=None, sent_at=M("2025-07-09 09:20"),
                          step_name="Trình ký")
    slip = control_slip(d.code, now=M("2025-12-01 09:00"))
    assert slip.form.desk == "Bộ phận Một cửa" and "118/2025" in slip.form.source   # received after 01/07/2025
    assert [(line.transfer.giver, line.transfer.receiver, line.result) for line in slip.lines] == [
        ("Bộ phận Một cửa", "Phòng Người có công", None),
        ("Phòng Người có công", "Văn phòng Sở", "early"),
        ("Văn phòng Sở", "Bộ phận Một cửa", "early"),            # a 20-minute step is not late
        ("Bộ phận Một cửa", "Trần Thị Bình", "overdue")]          # still open: late now, by how much
    assert slip.lines[-1].days_late > 90 and slip.lines[-1].label.endswith("(đang xử lý)")
    assert slip.coordinating_units == ("Văn phòng Sở",)


def test_form_editions_by_date():
    assert form_for(M("2024-01-01").date()).desk == "Bộ phận Tiếp nhận và Trả kết quả"
    assert form_for(M("2025-06-30").date()).source.endswith("01/2018/TT-VPCP")
    assert form_for(M("2025-07-01").date()).desk == "Bộ phận Một cửa"
