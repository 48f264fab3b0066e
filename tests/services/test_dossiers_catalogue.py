"""The TTHC catalogue: procedures with steps, abolition instead of deletion, and the 10% review target."""

from __future__ import annotations

from datetime import datetime

import pytest

from par_desktop.db.models import AuditLog
from par_desktop.errors import ConflictError, InvalidInput, PermissionDenied
from par_desktop.services import org, procedures
from par_desktop.services.dossiers import editing as dossier_editing
from par_desktop.services.procedures import Step
from par_desktop.services.session import SYSTEM, Actor


@pytest.fixture
def units(empty_db):
    return {code: org.create_unit(SYSTEM, name, code) for name, code in
            (("Văn phòng Sở", "VP"), ("Phòng Người có công", "NCC"), ("Phòng Bảo trợ xã hội", "BTXH"))}


def add(units, code, unit="NCC", reviewed=None, **kw):
    return procedures.create_procedure(SYSTEM, code=code, name=f"Thủ tục {code}", field="Người có công",
                                       limit_days=kw.pop("limit_days", 10), lead_unit_id=units[unit].id,
                                       reviewed_year=reviewed, **kw)


def test_create_with_steps_validate_and_edit(units):
    p = add(units, "1.002305", steps=[Step("Tiếp nhận", units["VP"].id, 0.5), Step("Thẩm định", units["NCC"].id, 9)])
    assert [(s.position, s.name, s.budget_days) for s in procedures.steps_of(p.id)] == [
        (1, "Tiếp nhận", 0.5), (2, "Thẩm định", 9.0)]
    with pytest.raises(InvalidInput, match="vượt thời hạn"):
        add(units, "X", limit_days=5, steps=[Step("a", None, 3), Step("b", None, 3)])
    with pytest.raises(InvalidInput, match="lớn hơn 0"):
        add(units, "Y", limit_days=0)
    with pytest.raises(InvalidInput, match="Đã có thủ tục"):
        add(units, "1.002305")
    with pytest.raises(PermissionDenied):
        procedures.create_procedure(Actor("u", "unit", units["NCC"].id), code="Z", name="z", field="f", limit_days=1)
    p2 = procedures.update_procedure(SYSTEM, p.id, p.version, limit_days=12,
                                     steps=[Step("Thẩm định", units["NCC"].id, 11.5)])
    assert p2.limit_days == 12 and len(procedures.steps_of(p.id)) == 1
    with pytest.raises(ConflictError):
        procedures.update_procedure(SYSTEM, p.id, p.version, name="cũ")
    audited = {a.field for a in AuditLog.select().where(AuditLog.table_name == "procedure")}
    assert {"limit_days", "steps"} <= audited
    assert procedures.procedure_by_code("1.002305").id == p.id
    assert [x.code for x in procedures.list_procedures(search="thu tuc 1.002")] == ["1.002305"]


def test_a_procedure_with_dossiers_is_abolished_not_deleted(units):
    used, unused = add(units, "A"), add(units, "B")
    dossier_editing.create_dossier(SYSTEM, code="HS-1", procedure_id=used.id, received_at=datetime(2024, 3, 4, 8))
    with pytest.raises(InvalidInput, match="hết hiệu lực"):
        procedures.delete_procedure(SYSTEM, used.id)
    procedures.delete_procedure(SYSTEM, unused.id)
    procedures.update_procedure(SYSTEM, used.id, None, in_force=False)
    assert [p.code for p in procedures.list_procedures(in_force_only=True)] == []
    assert procedures.fields() == ["Người có công"]


def test_review_share_per_unit_against_ten_percent(units):
    for i in range(12):
        add(units, f"N{i}", reviewed=2024 if i == 0 else None)
    add(units, "N-old", reviewed=2023)
    for i in range(5):
        add(units, f"B{i}", unit="BTXH", reviewed=2024 if i < 1 else None)
    add(units, "B-abolished", unit="BTXH", reviewed=2024, in_force=False)
    by_unit = {r.unit: r for r in procedures.review_share(2024)}
    ncc, btxh = by_unit["Phòng Người có công"], by_unit["Phòng Bảo trợ xã hội"]
    assert (ncc.in_force, ncc.reviewed, ncc.required, ncc.meets_target) == (13, 1, 2, False)   # 10% of 13 → 2
    assert (btxh.in_force, btxh.reviewed, btxh.required, btxh.meets_target) == (5, 1, 1, True)
    assert round(btxh.share) == 20
    procedures.mark_reviewed(SYSTEM, procedures.procedure_by_code("N1").id, 2024)
    assert {r.unit: r.meets_target for r in procedures.review_share(2024)}["Phòng Người có công"]
