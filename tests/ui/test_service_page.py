"""Chất lượng phục vụ with real widgets on the demo data: the five groups and indicators as the service
computes them, the dossiers behind a figure, the points table and hand-entered figures, the survey tab,
the keyboard-only entry screen, and the survey import with unknown rating words mapped in the dialog."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from par_desktop.services import procedures
from par_desktop.services import service_quality as sq
from par_desktop.services import survey
from par_desktop.services.session import Actor
from par_desktop.ui.context import AppContext
from par_desktop.ui.dialogs.service_dialogs import (
    BehindDialog, ImportTargetDialog, ManualValuesDialog, PointsDialog, WordMappingDialog, import_survey_file,
)
from par_desktop.ui.dialogs.survey_entry import SurveyEntryDialog
from par_desktop.ui.pages.service import ServicePage
from par_desktop.ui.status_style import AMBER

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from gui_helpers import answer_next_dialog, when_modal
from service_files import FORMS, write_sheet

pytestmark = pytest.mark.gui

OFFICE = Actor("vanphong", "office", full_name="Nguyễn Thị Hương")
YEAR = (date(2023, 12, 15), date(2024, 12, 14))     # "Năm 2024" with the 15th cut-off


def type_keys(qtbot, text: str) -> None:
    """Each key to the widget that has the focus then, as a clerk's typing goes."""
    for ch in text:
        key = Qt.Key.Key_Space if ch == " " else ch
        qtbot.keyClick(QApplication.focusWidget(), key)


@pytest.fixture
def page(qtbot, demo_db):
    widget = ServicePage(AppContext(str(demo_db), OFFICE))
    qtbot.addWidget(widget)
    widget.resize(1366, 720)
    widget.show()
    with qtbot.waitSignal(widget.loaded, timeout=30000):
        widget.refresh()
    return widget


def _choose_year(qtbot, tab):
    with qtbot.waitSignal(tab.loaded, timeout=30000):
        tab.picker.set_period("year", 2024)
    assert not tab.loading


def test_groups_indicators_trend_and_the_dossiers_behind_a_figure(page, qtbot, tmp_path):
    tab = page.index_tab
    _choose_year(qtbot, tab)
    expected = sq.service_index(*YEAR).index
    for group in expected.groups:
        text = tab.cards[group.key].points.text()
        assert text.startswith(f"{sq.si.points_text(group.points)} / ") and text.endswith("điểm")
    assert "chưa rõ 6 điểm" in tab.total.text()          # national_db_disclosure is entered by nobody
    rows = tab.indicators.model.rows
    assert [i.key for i in rows] == [i.key for i in expected.indicators()]
    assert {i.key: i.figure for i in rows} == {i.key: i.figure for i in expected.indicators()}
    assert [i.key for i in tab.weakest.model.rows] == [i.key for i in expected.weakest(10)]
    assert tab.weak_units.model.rowCount() >= 5
    assert tab.costly.model.rowCount() == len(sq.costly_dossiers(*YEAR))
    opened = []
    page.ctx.navigate_requested.connect(lambda key, payload: opened.append((key, payload)))
    first = tab.costly.model.row(0)
    tab.costly.activated.emit(first)
    assert opened == [("dossiers", {"code": first.code})]
    total_line = tab.trend.chart().series()[0]
    assert total_line.count() == 12 and total_line.name() == "Tổng điểm"
    tab.grab().save(str(tmp_path / "service-index.png"))

    score = next(i for i in rows if i.key == "digitised_dossiers")
    dialog = BehindDialog(page.ctx, score, tab.picker.period(), parent=page)
    qtbot.addWidget(dialog)
    wanted = sq.dossiers_behind("digitised_dossiers", *YEAR, "missing")
    qtbot.waitUntil(lambda: dialog.view.model.rowCount() == len(wanted) > 0, timeout=15000)
    with qtbot.waitSignal(dialog.view.model.modelReset, timeout=15000):
        dialog.part.setCurrentIndex(dialog.part.findData("numerator"))
    assert dialog.view.model.rowCount() == score.figure.numerator
    opened.clear()
    dialog.view.activated.emit(dialog.view.model.row(0))
    assert opened == [("dossiers", {"code": dialog.view.model.row(0).code})]

    catalogue = next(i for i in rows if i.key == "procedures_fully_online")
    dialog = BehindDialog(page.ctx, catalogue, tab.picker.period(), parent=page)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.view.model.rowCount() == catalogue.figure.denominator - catalogue.figure.numerator,
                    timeout=15000)
    manual = next(i for i in rows if i.key == "status_sync")
    dialog = BehindDialog(page.ctx, manual, tab.picker.period(), parent=page)
    qtbot.addWidget(dialog)
    assert dialog.view.model.rowCount() == 12                 # the demo's twelve monthly entries


def test_one_field_or_one_procedure_and_the_comparison_by_field(page, qtbot, tmp_path):
    tab = page.index_tab
    _choose_year(qtbot, tab)
    with qtbot.waitSignal(tab.loaded, timeout=30000):
        tab.compare_by.setCurrentIndex(tab.compare_by.findData("field"))
    fields = sq.breakdown(*YEAR, "field")
    assert [b.key for b in tab.weak_units.model.rows] == [b.key for b in fields] and len(fields) >= 3
    assert tab.weak_units.model.headerData(0, Qt.Orientation.Horizontal) == "Lĩnh vực"
    weakest = fields[0]
    with qtbot.waitSignal(tab.loaded, timeout=30000):      # double-click: the page shows that field alone
        tab.weak_units.activated.emit(tab.weak_units.model.row(0))
    assert tab.field.currentData() == weakest.key and weakest.key in tab.total.toolTip()
    expected = sq.service_index(*YEAR, field=weakest.key).index
    assert {i.key: i.figure for i in tab.indicators.model.rows} == {i.key: i.figure for i in expected.indicators()}
    assert expected.indicator("status_sync").figure is None      # entered for the Department, not per field
    offered = [tab.procedure.itemData(i) for i in range(1, tab.procedure.count())]
    in_field = [p.id for p in procedures.list_procedures() if p.field == weakest.key]
    assert offered == in_field and offered

    busiest = max(in_field, key=lambda i: sq.on_time(*YEAR, procedure_id=i).denominator)
    with qtbot.waitSignal(tab.loaded, timeout=30000):
        tab.procedure.setCurrentIndex(tab.procedure.findData(busiest))
    one = sq.service_index(*YEAR, procedure_id=busiest).index
    assert {i.key: i.figure for i in tab.indicators.model.rows} == {i.key: i.figure for i in one.indicators()}
    assert [c.dossier_id for c in tab.costly.model.rows] == \
        [c.dossier_id for c in sq.costly_dossiers(*YEAR, procedure_id=busiest)]
    assert {t.procedure_id for t in tab.times.model.rows} == {busiest}
    tab.grab().save(str(tmp_path / "service-one-procedure.png"))
    # the dossiers behind a figure stay within the procedure
    tab.open_behind(next(i for i in tab.indicators.model.rows if i.key == "on_time"))
    dialog = tab.findChild(BehindDialog)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=15000):   # switched before the first load ends: the last wins
        dialog.part.setCurrentIndex(dialog.part.findData("denominator"))
    assert dialog.view.model.rowCount() == one.indicator("on_time").figure.denominator > 0
    dialog.close()
    # another field lets the procedure go
    other = next(b.key for b in fields if b.key != weakest.key)
    with qtbot.waitSignal(tab.loaded, timeout=30000):
        tab.field.setCurrentIndex(tab.field.findData(other))
    assert tab.procedure.currentData() is None
    assert tab.indicators.model.rows[0].figure == sq.service_index(*YEAR, field=other).index.indicators()[0].figure


def test_points_table_and_hand_entered_figures(page, qtbot):
    dialog = PointsDialog(page.ctx, page)
    qtbot.addWidget(dialog)
    dialog.spins["on_time"].setValue(15)
    assert "Tiến độ, kết quả giải quyết: 15 (theo Quyết định: 20)" in dialog.sums.text()
    dialog.save()
    assert {d.key: d.max_points for d in sq.points_table()}["on_time"] == 15

    start, end = YEAR
    values = ManualValuesDialog(page.ctx, page.index_tab.picker.period(), page)
    qtbot.addWidget(values)
    values.key.setCurrentIndex(values.key.findData("national_db_disclosure"))
    values.first.setDate(values.first.date().fromString("15/12/2023", "dd/MM/yyyy"))
    values.last.setDate(values.last.date().fromString("14/12/2024", "dd/MM/yyyy"))
    values.by_counts.setChecked(True)
    values.numerator.setValue(19)
    values.denominator.setValue(20)
    values.note.setText("Cơ sở dữ liệu quốc gia về TTHC")
    values.save()
    figure = sq.service_index(start, end).index.indicator("national_db_disclosure").figure
    assert (figure.numerator, figure.denominator, figure.value) == (19, 20, 95.0)
    assert any(v.key == "national_db_disclosure" for v in values.view.model.rows)


def test_the_survey_tab_shows_the_wave_with_its_intervals(page, qtbot, tmp_path):
    with qtbot.waitSignal(page.survey_tab.loaded, timeout=30000):
        page.tabs.setCurrentIndex(1)
    tab = page.survey_tab
    wave = survey.waves()[0]
    result = survey.wave_index(wave.id).index
    assert f"{wave.responses} phiếu" in tab.wave.currentText()
    assert survey.figure_text(result.overall) in tab.summary.text() and "86,45\u00a0%" in tab.summary.text()
    lines = tab.lines.model.rows
    assert [r.code for r in lines[:5]] == ["A1", "A1.1", "A1.2", "A1.3", "A1.4"]
    assert lines[1].fig == result.question("A1.1").fig and lines[1].blank == result.question("A1.1").blank
    assert tab.groups.model.rowCount() == len(survey.index_by(wave.id, "unit"))
    model = tab.groups.model                    # a small sample is amber where the narrow table shows it
    index_column = [c.title for c in model.columns].index("Chỉ số")
    small = [i for i, g in enumerate(model.rows) if g.fig.small]
    assert small and len(small) < model.rowCount()  # the demo: 13 and 18 forms in two units
    for i in range(model.rowCount()):
        colour = model.data(model.index(i, index_column), Qt.ItemDataRole.ForegroundRole)
        assert (colour == AMBER) == (i in small)
    assert "Mẫu nhỏ" in model.data(model.index(small[0], index_column), Qt.ItemDataRole.ToolTipRole)
    with qtbot.waitSignal(tab.loaded, timeout=30000):
        tab.by.setCurrentIndex(tab.by.findData("channel"))
    assert {g.label for g in tab.groups.model.rows} <= {"Trực tuyến", "Trực tiếp", "Bưu chính", "Chưa rõ"}
    tab.grab().save(str(tmp_path / "survey-tab.png"))
    opened = []
    page.ctx.navigate_requested.connect(lambda key, payload: opened.append((key, payload)))
    tab.make_report()
    assert opened == [("documents", {"kind": "survey_report", "wave": wave.name})]


def test_typing_paper_forms_with_the_keyboard_only(page, qtbot):
    wave = survey.waves()[0]
    dialog = SurveyEntryDialog(page.ctx, wave, page)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.boxes[0], timeout=5000)
    assert dialog.form_number.text() == "161"
    # 22 questions: 5 4 3 then a blank (space), a stray letter ignored, 9 ignored too, Backspace back a box
    type_keys(qtbot, "543 a9")
    assert dialog.boxes[4].text() == "" and QApplication.focusWidget() is dialog.boxes[4]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backspace)
    assert QApplication.focusWidget() is dialog.boxes[3]
    type_keys(qtbot, "0" + "4" * 18)
    assert [b.text() for b in dialog.boxes] == ["5", "4", "3", "", *["4"] * 18]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    saved = next(r for r in survey.responses(wave.id) if r.form_number == "161")
    assert [saved.answers[q.code] for q in survey.questions(wave.id)] == ["5", "4", "3", "", *["4"] * 18]
    assert "Đã lưu phiếu số 161: 21 câu hợp lệ, 1 để trống" in dialog.status.text()
    assert dialog.form_number.text() == "162" and all(not b.text() for b in dialog.boxes)
    assert QApplication.focusWidget() is dialog.boxes[0] and dialog.last_save_ms is not None

    # a form naming its dossier: the next form starts at the dossier code
    dossier = survey.responses(wave.id)[0].dossier_code
    dialog.dossier.setText(dossier)
    dialog.boxes[0].setFocus()
    type_keys(qtbot, "5" * 22)
    assert QApplication.focusWidget() is dialog.save_button
    qtbot.keyClick(dialog.save_button, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is dialog.dossier
    assert next(r for r in survey.responses(wave.id) if r.form_number == "162").dossier_code == dossier

    # a number already in the wave: the clerk is told, nothing is saved, the form stays as typed
    dialog.form_number.setText("1")
    dialog.boxes[0].setFocus()
    type_keys(qtbot, "3")
    seen: list = []
    answer_next_dialog("ok", seen)
    dialog.save_form()
    assert "Phiếu số 1 đã có" in seen[0] and "chưa được lưu" in dialog.status.text()
    assert dialog.boxes[0].text() == "3" and survey.wave_by_name(wave.name).responses == 162

    # Esc with a half-typed form asks first; "Gõ tiếp" keeps the dialog open
    answer_next_dialog("no", seen)
    qtbot.keyClick(dialog.boxes[0], Qt.Key.Key_Escape)
    assert dialog.isVisible() and "chưa được lưu" in seen[-1]
    answer_next_dialog("yes", seen)
    dialog.reject()
    assert not dialog.isVisible()


def test_importing_a_sheet_with_an_unknown_word(page, qtbot, tmp_path):
    path = write_sheet(tmp_path / "phieu.xlsx", [f for f in FORMS if f[2] == ""])
    done: list = []

    def target(dialog: ImportTargetDialog):
        dialog.wave.setCurrentText("Tại quầy tháng 10/2024")
        dialog.accept()

    def mapping(dialog: WordMappingDialog):
        assert dialog.words == ["Tạm được"] and dialog.table.item(0, 1).text() == "9"
        dialog._check()                                    # nothing chosen yet: stays open
        assert dialog.isVisible() and "chưa chọn" in dialog.hint.text()
        dialog.choices[0].setCurrentIndex(dialog.choices[0].findData(3))
        dialog._check()

    when_modal(ImportTargetDialog, target)
    when_modal(WordMappingDialog, mapping)
    seen: list = []
    answer_next_dialog("ok", seen)
    import_survey_file(page.ctx, page, "", path=path, on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=30000)
    assert done[0].imported == 9 and done[0].wave == "Tại quầy tháng 10/2024"
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    assert "Đã nhập 9 phiếu vào đợt «Tại quầy tháng 10/2024»" in seen[0]
    assert survey.mapped_words()["tam duoc"] == 3


def test_the_dossier_form_and_detail_panel_show_the_service_columns(demo_db, qtbot, tmp_path):
    from par_desktop.db.models import Dossier
    from par_desktop.services.dossiers import timing as dossier_timing
    from par_desktop.ui.dialogs.dossier_dialogs import DossierDialog
    from par_desktop.ui.pages.dossiers import DossiersPage

    d = Dossier.select().where(Dossier.closed_at.is_null(False) & (Dossier.payment == "direct")).first()
    page = DossiersPage(AppContext(str(demo_db), OFFICE))
    qtbot.addWidget(page)
    page.resize(1366, 760)
    page.refresh()
    page.show()
    page.navigate_to({"code": d.code})
    assert "thanh toán trực tiếp" in page.detail.labels["service"].text()

    def edit(dialog: DossierDialog):
        assert dialog.payment.currentData() == "direct"
        dialog.digitised_result.setCurrentIndex(dialog.digitised_result.findText("Không"))
        dialog.payment.setCurrentIndex(dialog.payment.findText("Trực tuyến"))
        dialog.rating.setCurrentIndex(dialog.rating.findText("Không hài lòng"))
        dialog.grab().save(str(tmp_path / "dossier-dialog.png"))
        dialog.accept()

    when_modal(DossierDialog, edit)
    page.edit_current()
    stored = dossier_timing.dossier_by_code(d.code)
    assert (stored.digitised_result, stored.payment, stored.rating) == (False, "online", "unsatisfied")
    qtbot.waitUntil(lambda: "thanh toán trực tuyến" in page.detail.labels["service"].text(), timeout=5000)
    text = page.detail.labels["service"].text()
    assert "kết quả chưa số hóa" in text and "đánh giá: không hài lòng" in text
