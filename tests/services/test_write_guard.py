"""Maintenance mode reaches every write path through the write guard, not service by service."""

import pytest

from par_desktop.services import org, presence, settings
from par_desktop.services.session import Actor

ADMIN = Actor("quantri", "admin", full_name="Quản trị")
OFFICE = Actor("vanphong", "office", full_name="Văn phòng")


def test_other_clerks_writes_wait_while_maintenance_is_held(empty_db):
    presence.enter_maintenance(ADMIN, "Khôi phục bản sao lưu")
    presence.install_write_guard(OFFICE)
    with pytest.raises(presence.MaintenanceMode, match="đang bảo trì"):
        settings.set_value(OFFICE, "tasks.at_risk_days", 10)
    with pytest.raises(presence.MaintenanceMode):
        org.create_unit(OFFICE, "Phòng Pháp chế", "PC")
    assert settings.get("tasks.at_risk_days") == settings.DEFAULTS["tasks.at_risk_days"]

    presence.install_write_guard(ADMIN)       # the holder itself keeps working
    org.create_unit(ADMIN, "Phòng Pháp chế", "PC")
    presence.leave_maintenance(ADMIN)
    presence.install_write_guard(OFFICE)
    settings.set_value(OFFICE, "tasks.at_risk_days", 10)
    assert settings.get("tasks.at_risk_days") == 10
