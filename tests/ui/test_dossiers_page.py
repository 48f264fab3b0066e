"""The dossiers page with real widgets on the demo database: the lazy model, database-side filters and
sorting, the countdown, the detail panel with explanations, and the import with its summary."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt

from par_desktop.db.models import Dossier, Explanation, Unit
from par_desktop.services.dossiers import due_lists
from par_desktop.services.dossiers.detail import dossier_detail
from par_desktop.services.dossiers import listing as dossier_listing
from par_desktop.services.dossiers import timing as dossier_timing
from par_desktop.services.session import SYSTEM, Actor
from par_desktop.ui.context import AppContext
from par_desktop.ui.dialogs.dossier_dialogs import ImportSummaryDialog
from par_desktop.ui.models.dossiers_model import COLUMN_INDEX, DossierTableModel
from par_desktop.ui.pages import dossiers as dossiers_page
from par_desktop.ui.pages.dossiers import DossiersPage

from gui_helpers import answer_next_dialog, save_shot, when_modal

pytestmark = pytest.mark.gui



def make_page(qtbot, db, actor=SYSTEM) -> DossiersPage:
    page = DossiersPage(AppContext(str(db), actor))
    qtbot.addWidget(page)
    page.resize(1500, 820)
    page.refresh()
    page.show()
    return page


def shown(page, limit: int = 400) -> list[dossier_listing.ListRow]:
    return [page.model.row(i) for i in range(min(limit, page.model.rowCount()))]


def test_model_passes_the_model_tester(demo_db, qtmodeltester):
    model = DossierTableModel()
    model.reload()
    qtmodeltester.check(model, force_py=True)
    model.set_query(dossier_listing.DossierQuery(state="overdue"))
    qtmodeltester.check(model, force_py=True)
    in_memory = DossierTableModel()   # (the tester stays connected to the first model: a second one)
    in_memory.set_search_texts(dossier_listing.search_texts())
    in_memory.reload()
    in_memory.set_query(dossier_listing.DossierQuery(search="ngu", state="overdue"))
    qtmodeltester.check(in_memory, force_py=True)
    in_memory.set_query(dossier_listing.DossierQuery(search="nguyen", state="overdue"))   # narrowed in memory
    assert in_memory.total == dossier_listing.count_dossiers(dossier_listing.DossierQuery(search="nguyen",
                                                                                          state="overdue")) > 0


def test_lazy_pages_filters_and_sorting_by_the_database(demo_db, qtbot):
    page = make_page(qtbot, demo_db)
    total = Dossier.select().where(Dossier.received_at <= datetime.now()).count()
    model = page.model
    assert model.total == total == model.rowCount()      # the scroll bar spans every dossier …
    assert model.loaded_rows <= 2 * DossierTableModel.PAGE   # … but only what is painted is loaded
    assert page.count_label.text() == f"{total:,} hồ sơ".replace(",", ".")
    page.table.scrollToBottom()
    last = model.row(total - 1)
    assert model.data(model.index(total - 1, COLUMN_INDEX["code"])) == last.code
    oldest = Dossier.select().where(Dossier.received_at <= datetime.now()).order_by(
        Dossier.received_at, Dossier.id).first()
    assert last.id == oldest.id
    assert model.loaded_rows <= 4 * DossierTableModel.PAGE
    received = [r.received_at for r in shown(page)]
    assert received == sorted(received, reverse=True)

    page.filters.set_value("state", "overdue")
    page._apply_query()
    rows = shown(page)
    assert rows and {r.timer.state for r in rows} == {"overdue"}
    assert page.model.total == dossier_listing.count_dossiers(dossier_listing.DossierQuery(state="overdue"))
    assert page.model.data(page.model.index(0, COLUMN_INDEX["state"])) == "Quá hạn"
    assert page.model.data(page.model.index(0, COLUMN_INDEX["remaining"])).startswith("quá hạn")

    page.table.horizontalHeader().setSortIndicator(COLUMN_INDEX["due_at"], Qt.SortOrder.AscendingOrder)
    dues = [r.due_at for r in shown(page)]
    assert dues == sorted(dues)

    unit = Unit.get(Unit.short_code == "NCC")
    page.filters.set_value("unit", unit.id)
    page._apply_query()
    assert {r.unit_id for r in shown(page)} == {unit.id}
    page.filters.clear()

    someone = Dossier.select().where(Dossier.applicant.contains("Nguyễn")).first()
    first_words = " ".join(someone.applicant.split()[:2])
    typed = first_words.replace("ễ", "e").replace("Nguy", "nguy")   # typed without accents
    page.apply_search(typed)
    page._apply_query()
    assert page.model.total > 0 and someone.id in {r.id for r in shown(page)}
    words = dossier_timing.search_text("", typed, "").split()
    assert all(w in dossier_timing.search_text(r.code, r.applicant, r.procedure) for r in shown(page) for w in words)


def test_countdown_refreshes_the_visible_rows(demo_db, qtbot):
    page = make_page(qtbot, demo_db)
    page.filters.set_value("state", "within_time")
    page._apply_query()
    row = page.model.row(0)
    assert row.timer.state in ("within_time", "near_due")
    before = page.model.data(page.model.index(0, COLUMN_INDEX["remaining"]))
    assert before.startswith("còn")
    first, last = page.visible_rows()
    assert first == 0 and 0 < last < page.model.rowCount()
    changed = []
    page.model.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row())))
    page.model.refresh_timers(first, last, at=row.timer.due_at + timedelta(days=3))
    assert changed == [(first, last)]
    assert page.model.row(0).timer.state == "overdue"
    assert page.model.data(page.model.index(0, COLUMN_INDEX["state"])) == "Quá hạn"
    page.refresh_visible_timers()                    # what the one-minute timer does
    assert page.model.data(page.model.index(0, COLUMN_INDEX["remaining"])).startswith("còn")
    assert page.countdown.interval() == 60_000 and page.countdown.isActive()


def test_detail_panel_and_explanations_by_the_own_unit(demo_db, qtbot):
    d = (Dossier.select().where(Dossier.closed_at.is_null() & (Dossier.due_at < datetime.now())
                                & Dossier.paused_since.is_null()).first())
    unit_user = Actor("ncc.user", "unit", d.unit_id, "Cán bộ đơn vị")
    page = make_page(qtbot, demo_db, unit_user)
    page.navigate_to({"code": d.code})
    assert page.model.total == 1 and page.detail.dossier_id == d.id
    detail = page.detail
    assert detail.title.text() == f"Hồ sơ {d.code}" and detail.badge.text() == "Quá hạn"
    assert detail.timeline.count() >= 2 and "Tiếp nhận" in detail.timeline.item(0).text()
    assert not detail.explanation_box.isHidden() and detail.save_explanation.isEnabled()
    assert not page.edit_button.isEnabled() and not page.import_button.isEnabled()   # a unit account
    detail.editor.reason.setPlainText("Chờ kết quả xác minh của UBND xã")
    detail.editor.person.setText("Hoàng Thị Lan")
    detail.save_explanation.click()
    e = Explanation.get(Explanation.dossier == d.id)
    assert (e.reason, e.responsible_person, e.recorded_by) == ("Chờ kết quả xác minh của UBND xã", "Hoàng Thị Lan",
                                                               "ncc.user")
    qtbot.wait(50)   # let the layouts settle before the picture
    save_shot(page, "dossiers-page")

    other = Unit.select().where(Unit.id != d.unit_id).first()
    page2 = make_page(qtbot, demo_db, Actor("other", "unit", other.id))
    page2.navigate_to({"code": d.code})
    assert not page2.detail.save_explanation.isEnabled()


def write_export(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỒ SƠ"])
    ws.append(["Mã hồ sơ", "Mã thủ tục", "Chủ hồ sơ", "Hình thức nộp", "Ngày tiếp nhận", "Ngày kết thúc"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_import_files_shows_the_summary_and_offers_to_skip_bad_rows(demo_db, qtbot, tmp_path, monkeypatch):
    page = make_page(qtbot, demo_db)
    good = write_export(tmp_path / "hom-nay.xlsx", [
        ["UI-1", "1.009811", "Nguyễn Văn A", "Trực tuyến", "02/01/2023 08:00", "03/01/2023 09:00"],
        ["UI-2", "1.009811", "Trần Thị B", "Trực tiếp", "02/01/2023 09:00", None],
    ])
    page.import_files([good])
    qtbot.waitUntil(lambda: isinstance(getattr(page, "summary_dialog", None), ImportSummaryDialog), timeout=15000)
    text = page.summary_dialog.findChild(type(page.count_label), "importSummaryText").text()
    assert "hom-nay.xlsx" in text and "<b>2</b> mới" in text and "<b>1</b> mới quá hạn" in text
    page.summary_dialog.close()
    assert Dossier.select().where(Dossier.code.startswith("UI-")).count() == 2

    bad = write_export(tmp_path / "loi.xlsx", [
        ["UI-3", "1.009811", "Lê C", "Trực tiếp", "31/02/2023 08:00", None],
        ["UI-4", "1.009811", "Lê D", "Trực tiếp", "03/01/2023 08:00", None],
    ])
    asked = []
    monkeypatch.setattr(dossiers_page, "ask_yes_no", lambda *a, **k: asked.append(a[2]) or True)
    page.summary_dialog = None
    page.import_files([bad])
    qtbot.waitUntil(lambda: bool(asked), timeout=15000)
    assert "1 dòng có lỗi" in asked[0]
    qtbot.waitUntil(lambda: Dossier.select().where(Dossier.code == "UI-4").exists(), timeout=15000)
    qtbot.waitUntil(lambda: page.summary_dialog is not None and page.summary_dialog.table.rowCount() == 1,
                    timeout=15000)
    refused = page.summary_dialog.table
    assert (refused.item(0, 1).text(), "31/02/2023" in refused.item(0, 2).text()) == ("3", True)
    assert not Dossier.select().where(Dossier.code == "UI-3").exists()
    save_shot(page.summary_dialog, "import-summary")


def test_a_file_whose_dates_read_both_ways_asks_the_order_then_imports(demo_db, qtbot, tmp_path):
    page = make_page(qtbot, demo_db)
    path = tmp_path / "en-us.csv"
    path.write_text("Mã hồ sơ,Mã thủ tục,Ngày tiếp nhận\nUS-1,1.009811,2/7/2024 9:00\nUS-2,1.009811,3/4/2024 8:30\n",
                    encoding="utf-8")
    seen = []
    answer_next_dialog("mdy", seen, keep_dialog=True)
    page.import_files([path])
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=15000)
    dialog, question = seen
    assert dialog.windowTitle() == "Thứ tự ngày trong tệp"
    assert ("«2/7/2024 9:00» (cột «Ngày tiếp nhận», dòng 2):\n      ngày/tháng/năm: ngày 2 tháng 7 năm 2024\n"
            "      tháng/ngày/năm: ngày 7 tháng 2 năm 2024") in question
    assert [b.text() for b in dialog.buttons.values()] == ["Ngày/tháng/năm", "Tháng/ngày/năm (Mỹ)", "Hủy"]
    qtbot.waitUntil(lambda: Dossier.select().where(Dossier.code == "US-2").exists(), timeout=15000)
    assert dossier_timing.dossier_by_code("US-1").received_at == datetime(2024, 2, 7, 9, 0)
    assert dossier_timing.dossier_by_code("US-2").received_at == datetime(2024, 3, 4, 8, 30)
    qtbot.waitUntil(lambda: getattr(page, "summary_dialog", None) is not None, timeout=15000)
    page.summary_dialog.close()


def test_export_writes_every_matching_row(demo_db, qtbot, tmp_path, monkeypatch):
    page = make_page(qtbot, demo_db)
    page.filters.set_value("state", "late")
    page._apply_query()
    target = tmp_path / "tre-han.xlsx"
    monkeypatch.setattr("par_desktop.ui.export.ask_save_path", lambda *a, **k: target)
    page.export()
    qtbot.waitUntil(lambda: page.export_operation.done, timeout=15000)
    assert page.export_operation.error is None
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã hồ sơ", "Trạng thái", "Thời gian còn lại")
    assert len(rows) - 1 == page.model.total and {r[1] for r in rows[1:]} == {"Trễ hạn"}
    assert isinstance(rows[1][4], datetime)


def test_startup_notices(demo_db, qtbot):
    page = make_page(qtbot, demo_db)
    notices = page.startup_notices()
    summary = due_lists.due_summary()
    assert any(f"{summary.overdue:,}".replace(",", ".") + " hồ sơ TTHC đang quá hạn" in n for n in notices)


def test_new_record_dialog_creates_a_dossier(demo_db, qtbot):
    from par_desktop.ui.dialogs.dossier_dialogs import DossierDialog

    page = make_page(qtbot, demo_db)

    def fill(dialog: DossierDialog):
        dialog.code.setText("TAY-001")
        dialog.applicant.setText("Phạm Thị Hoa")
        dialog.applicant_kind.setCurrentIndex(dialog.applicant_kind.findText("Bà"))
        save_shot(dialog, "dossier-dialog")
        dialog.accept()

    when_modal(DossierDialog, fill)
    page.new_record()
    d = dossier_timing.dossier_by_code("TAY-001")
    assert d.applicant == "Phạm Thị Hoa" and d.applicant_kind == "woman" and d.due_from_source is False
    assert page.filters.text() == "TAY-001"
    edited = DossierDialog(dossier_detail(d.id))   # editing shows the recorded Ông / Bà
    qtbot.addWidget(edited)
    assert edited.applicant_kind.currentText() == "Bà" and edited.values()["applicant_kind"] == "woman"


def searched_ids(page) -> list[int]:
    return [page.model.row(i).id for i in range(page.model.rowCount())]


def type_and_wait(qtbot, page, text: str) -> None:
    """Type like a clerk (key by key) and wait for the table to take the whole text."""
    from PySide6.QtTest import QTest

    edit = page.filters.search_edit
    edit.clear()
    for ch in text:
        if ch.isascii():
            QTest.keyClick(edit, ch)
        else:
            edit.insert(ch)   # QTest types ASCII only; an input method inserts the composed letter
    words = dossier_listing.search_words(text)
    qtbot.waitUntil(lambda: dossier_listing.search_words(page.model.query.search) == words, timeout=3000)


def test_search_in_memory_once_the_texts_are_read(demo_db, qtbot, qtmodeltester):
    page = make_page(qtbot, demo_db)
    assert page.filters.debounce() == dossiers_page.SQL_SEARCH_DEBOUNCE_MS   # the texts are being read
    qtbot.waitUntil(lambda: page.model.searches_in_memory, timeout=5000)
    assert page.filters.debounce() == dossiers_page.MEMORY_SEARCH_DEBOUNCE_MS <= 60
    assert page._query_timer.interval() == 0   # the search box's short pause is the only wait
    page.filters.set_value("state", "open")
    page._apply_query()
    for text in ("ng", "nguyen", "Nguyễn Văn", "nguyen van x", "lao động", "động lao", "HS"):
        type_and_wait(qtbot, page, text)
        expected = dossier_listing.dossier_ids(dossier_listing.DossierQuery(search=text, state="open"))
        assert searched_ids(page) == expected, text
        assert page.model.total == len(expected)
        assert page.count_label.text() == f"{len(expected):,} hồ sơ".replace(",", ".")
    assert page.model.searches_in_memory
    # While the clerk types, the other filters are asked again at the turn of the minute, not on a key.
    assert page._minute_timer.isActive() and page._minute_timer.remainingTime() <= 60_050
    qtmodeltester.check(page.model, force_py=True)

    # A sort or another filter goes back to the database, then the search applies in memory again.
    page.table.horizontalHeader().setSortIndicator(COLUMN_INDEX["applicant"], Qt.SortOrder.AscendingOrder)
    page.filters.set_value("state", ALL_STATES)
    page._apply_query()
    assert searched_ids(page) == dossier_listing.dossier_ids(dossier_listing.DossierQuery(search="HS"),
                                                             order="applicant",
                                                     descending=False)


ALL_STATES = dossiers_page.ALL


def test_the_search_texts_follow_changes_made_by_another_clerk(demo_db, qtbot, request):
    import sqlite3

    page = make_page(qtbot, demo_db)
    page.ctx.start_polling()
    request.addfinalizer(page.ctx.stop_polling)
    qtbot.waitUntil(lambda: page.ctx.newest_change is not None, timeout=5000)   # the baseline
    qtbot.waitUntil(lambda: page.model.searches_in_memory, timeout=5000)
    d = Dossier.select().where(Dossier.closed_at.is_null() & (Dossier.received_at < datetime.now())).first()
    type_and_wait(qtbot, page, "Lò Thị Xuyến")
    assert searched_ids(page) == []

    other = sqlite3.connect(demo_db)   # another clerk's app: its own connection to the file
    with other:
        other.execute("UPDATE dossier SET applicant = ?, fold_text = ? WHERE id = ?",
                      ("Lò Thị Xuyến", dossier_timing.search_text(d.code, "Lò Thị Xuyến", d.procedure_name), d.id))
        other.execute("INSERT INTO audit_log (at, username, action, table_name, record_id, field, old_value, "
                      "new_value, session_id, row_hash) VALUES (?, 'khac', 'update', 'dossier', ?, 'applicant', ?, ?, "
                      "'', '')",
                      (datetime.now().isoformat(sep=" "), str(d.id), d.applicant, "Lò Thị Xuyến"))
    other.close()
    with qtbot.waitSignal(page.ctx.data_changed, timeout=5000):   # what the two-second watch does
        page.ctx.watch.check_now()
    assert not page.model.searches_in_memory   # stale texts are not used …
    page.refresh()   # (the main window refreshes the page shown)
    assert searched_ids(page) == [d.id]   # … the SQL search answers meanwhile
    qtbot.waitUntil(lambda: page.model.searches_in_memory, timeout=5000)
    type_and_wait(qtbot, page, "lo thi xuyen")
    assert searched_ids(page) == [d.id]
    type_and_wait(qtbot, page, d.applicant)
    assert d.id not in searched_ids(page)


def test_an_export_naming_unknown_units_and_procedures(demo_db, qtbot, tmp_path):
    """The same unit-mapping step as the plan import; the summary lists the procedures to complete."""
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỒ SƠ"])
    ws.append(["Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Chủ hồ sơ", "Ngày tiếp nhận", "Hạn xử lý", "Đơn vị xử lý"])
    ws.append(["MAP-1", "9.999001", "Thủ tục chưa có trong danh mục", "Lê E", "04/03/2024 08:00", "08/03/2024 17:00",
               "P. Người có công"])
    ws.append(["MAP-2", "9.999001", "Thủ tục chưa có trong danh mục", "Lê F", "04/03/2024 09:00", "08/03/2024 17:00",
               "Tổ Một cửa liên thông"])
    path = tmp_path / "mot-cua.xlsx"
    wb.save(path)
    page = make_page(qtbot, demo_db)
    page.import_files([path])
    qtbot.waitUntil(lambda: getattr(page, "unit_dialog", None) is not None and page.unit_dialog.isVisible(),
                    timeout=15000)
    dialog = page.unit_dialog
    assert set(dialog.combos) == {"P. Người có công", "Tổ Một cửa liên thông"}
    ncc = Unit.get(Unit.short_code == "NCC")
    dialog.combos["P. Người có công"].setCurrentIndex(dialog.combos["P. Người có công"].findData(ncc.id))
    dialog.combos["Tổ Một cửa liên thông"].setCurrentIndex(0)       # a new unit
    dialog.grab().save(str(tmp_path / "unit-mapping.png"))
    dialog.accept()
    qtbot.waitUntil(lambda: isinstance(getattr(page, "summary_dialog", None), ImportSummaryDialog), timeout=15000)
    text = page.summary_dialog.findChild(type(page.count_label), "importSummaryText").text()
    assert "cần bổ sung thời hạn" in text and "9.999001" in text and "Tổ Một cửa liên thông" in text
    page.summary_dialog.grab().save(str(tmp_path / "import-summary.png"))
    page.summary_dialog.close()
    assert dossier_timing.dossier_by_code("MAP-1").unit_id == ncc.id
    assert Unit.get_or_none(Unit.name == "Tổ Một cửa liên thông") is not None
