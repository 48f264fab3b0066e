"""Vietnamese everywhere (issue 16 item 10): one way of writing numbers, shares and moments on every
screen and chart (95,1 %, dd/mm/yyyy), and the audit log in the clerk's words — field labels, people's
names, dd/mm/yyyy — driven through the real Nhật ký thay đổi tab after real changes."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from par_desktop.domain.text import PERCENT_SIGN, percent_value, ui_date, ui_moment, vn_number, vn_percent
from par_desktop.services import audit, procedures, users
from par_desktop.services.dossiers import editing as dossier_editing
from par_desktop.services.dossiers import pauses as dossier_pauses
from par_desktop.services.dossiers import results as dossier_results
from par_desktop.services.session import SYSTEM, Actor
from par_desktop.ui.context import AppContext
from par_desktop.ui.settings_tabs.audit import AuditTab

from gui_helpers import save_shot

pytestmark = pytest.mark.gui
UI = Path(__file__).resolve().parents[2] / "par_desktop" / "ui"


def test_one_way_to_write_shares_numbers_and_moments():
    assert [vn_percent(x) for x in (95.14, 93.4, 100, 99.96, 0, 12.5)] == [
        f"{t}{PERCENT_SIGN}" for t in ("95,1", "93,4", "100", "100", "0", "12,5")]
    assert vn_percent(None) == "—" and vn_percent(84.254, 2) == f"84,25{PERCENT_SIGN}"
    assert PERCENT_SIGN == "\u00a0%"                   # the sign never wraps away from its number
    assert vn_number(1234567) == "1.234.567" and vn_number(97.5) == "97,5"
    assert ui_date(datetime(2024, 3, 5, 7, 30)) == "05/03/2024"
    assert ui_moment(datetime(2024, 3, 5, 7, 3, 9)) == "05/03/2024 07:03"
    assert ui_moment(datetime(2024, 3, 5, 7, 3, 9), seconds=True) == "05/03/2024 07:03:09"
    # a chart's bar label is Qt's localised number of the rounded share plus the sign: the same text
    vietnamese = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)
    for share in (95.14, 93.4, 100.0, 0.0, 12.5, 66.666):
        assert vietnamese.toString(percent_value(share), "g", 6) + PERCENT_SIGN == vn_percent(share)


HAND_MADE = [
    (re.compile(r"strftime\("), "a date written by strftime"),
    (re.compile(r"%d/%m/%Y|%d/%m/%y"), "a dd/mm/yyyy written by hand"),
    (re.compile(r":\.\d+f\}"), "a number written with a dot"),
    (re.compile(r"\}\s?%[\"'.]|\d%[\"']|%%\"|[^%]%d%%"), "a percent sign added by hand"),
    (re.compile(r"setLabelsFormat\(\"@value\"\)"), "a chart label without the Vietnamese format"),
]


def test_the_screens_write_numbers_and_dates_only_through_the_helper():
    """Every screen and chart goes through ``domain.text`` (vn_number, vn_percent, ui_date, ui_moment)."""
    found = []
    for path in UI.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for pattern, what in HAND_MADE:
                if pattern.search(line) and "setFormat(" not in line:
                    found.append(f"{path.relative_to(UI)}:{number}: {what}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_audit_log_speaks_the_clerks_language(empty_db, qtbot, cheap_hashing):
    from par_desktop.services import org

    users.create_user(SYSTEM, "quantri", "admin", "mat-khau-1", full_name="Lê Văn Quản")
    admin_actor = Actor("quantri", "admin", None, "Lê Văn Quản")
    users.create_user(admin_actor, "vanphong", "office", "mat-khau-2", full_name="Nguyễn Thị Lan")
    clerk = Actor("vanphong", "office", None, "Nguyễn Thị Lan")
    ncc = org.create_unit(admin_actor, "Phòng Người có công", "NCC")
    proc = procedures.create_procedure(admin_actor, code="1.002305", name="Cấp giấy chứng nhận thân nhân liệt sĩ",
                                       field="Người có công", limit_days=5, lead_unit_id=ncc.id)
    d = dossier_editing.create_dossier(clerk, code="HS-1", procedure_id=proc.id,
                                       received_at=datetime(2024, 3, 4, 7, 30), channel="online")
    dossier_pauses.pause_dossier(clerk, d.id, datetime(2024, 3, 5, 7, 30), "Chờ bổ sung giấy khai sinh")
    dossier_results.return_result(clerk, d.id, datetime(2024, 3, 7, 10, 0))

    tab = AuditTab(AppContext(str(empty_db), admin_actor))
    qtbot.addWidget(tab)
    tab.resize(1366, 500)
    tab.show()
    model = tab.model
    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    by_field = {}   # the newest change of each field (rows come newest first)
    for row in rows:
        if row[3] == "Hồ sơ TTHC" and row[2] == "Sửa":
            by_field.setdefault(row[5], row)
    assert by_field["Trả kết quả lúc"][6:8] == ["", "07/03/2024 10:00"]
    assert by_field["Trạng thái phần mềm"][7] == "Đã trả kết quả"
    paused = [tuple(row[6:8]) for row in rows if row[5] == "Tạm dừng từ"]
    assert paused == [("05/03/2024 07:30", ""), ("", "05/03/2024 07:30")]   # ended by the return
    assert by_field["Trả kết quả lúc"][1] == "Nguyễn Thị Lan (vanphong)"
    reasons = [row for row in rows if row[5] == "Lý do tạm dừng"]
    assert reasons and reasons[0][7] == "Chờ bổ sung giấy khai sinh"
    procedure_added = next(row[7] for row in rows if row[3] == "Thủ tục" and row[2] == "Thêm")
    assert "Đơn vị chủ trì: Phòng Người có công" in procedure_added     # the unit's name, not its id
    added = next(row[7] for row in rows if row[3] == "Hồ sơ TTHC" and row[2] == "Thêm")
    assert added.startswith("Mã: HS-1; Thủ tục: 1.002305 — Cấp giấy chứng nhận thân nhân liệt sĩ;")
    assert "Hình thức nộp: Trực tuyến" in added and "Tiếp nhận lúc: 04/03/2024 07:30" in added
    everything = {str(value) for row in rows for value in row}
    assert not {"closed_at", "progress_percent", "completed_on", "status_text", "system"} & everything
    assert not any(re.search(r"\b[a-z]+_[a-z_]+=", value) for value in everything), "field names shown"
    assert not any(re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", value) for value in everything), "ISO dates shown"
    times = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}", t) for t in times)
    assert "Nguyễn Thị Lan (vanphong)" in [tab.user_combo.itemText(i) for i in range(tab.user_combo.count())]
    tab.search_edit.setText("tra ket qua luc")        # the search matches what is shown, accents or not
    assert tab.view.visible_count() >= 1
    tab.search_edit.clear()
    save_shot(tab, "audit-tab-1366")
    assert audit.user_label("system", {}) == "Hệ thống (tự động)"
