"""Printing from the Documents page, read back from what a PDF printer wrote: A4 from the document in
each page's own orientation whatever the driver's default paper and margins, the document's margins
kept (the ink sits where it sits in the document), the range chosen in the real print dialog, at most
600 dpi, in the background with "Hủy"; and the print preview drawing each sheet in its own orientation."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QLineEdit, QRadioButton, QSpinBox
from pypdf import PdfReader

from par_desktop.ui import printing
import test_documents_page
from test_documents_page import finish, generate

from gui_helpers import save_shot, when_modal

pytestmark = pytest.mark.gui
page = test_documents_page.page   # the Documents page fixture

A4 = (595.3, 841.9)


def gray_pages(pdf: Path, dpi: int, folder: Path) -> list[tuple[int, int, bytes]]:
    """Every page of ``pdf`` rasterised by poppler (not by Qt) in 8-bit gray: (width, height, pixels)."""
    folder.mkdir(exist_ok=True)
    prefix = folder / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), str(prefix)], check=True)
    pages = []
    for path in sorted(folder.glob(f"{pdf.stem}-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        magic, size, _depth, pixels = path.read_bytes().split(b"\n", 3)
        width, height = map(int, size.split())
        pages.append((width, height, pixels))
    return pages


def ink_box(width: int, height: int, pixels: bytes) -> tuple[int, int, int, int]:
    """The smallest rectangle (left, top, right, bottom) holding every non-white pixel."""
    rows = [y for y in range(height) if pixels[y * width:(y + 1) * width].strip(b"\xff\xfe\xfd")]
    lefts = [width - len(pixels[y * width:(y + 1) * width].lstrip(b"\xff\xfe\xfd")) for y in rows]
    rights = [len(pixels[y * width:(y + 1) * width].rstrip(b"\xff\xfe\xfd")) for y in rows]
    return min(lefts), rows[0], max(rights), rows[-1] + 1


_DARK = bytes(1 if value < 128 else 0 for value in range(256))


def content_distance(a: tuple[int, int, bytes], b: tuple[int, int, bytes]) -> float:
    """How differently two rasterised pages spread their dark pixels over their rows (0: the same text
    on the same lines). A printed page is a 600 dpi image and the document is vector text, so pixels
    never match exactly: the same page measures about 0.3 at 150 dpi, a different page about 1 or more."""
    def profile(width, height, pixels):
        return [pixels[y * width:(y + 1) * width].translate(_DARK).count(1) for y in range(height)]
    pa, pb = profile(*a), profile(*b)
    return sum(abs(x - y) for x, y in zip(pa, pb)) / max(sum(pa), 1)


def pdf_printer(out: Path, *, paper=QPageSize.PageSizeId.Letter, margin_mm: float = 4.2) -> QPrinter:
    """A PDF printer left as a driver would leave it: Letter paper, a 4.2 mm printable-area margin,
    not in full-page mode, 1200 dpi."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setPageSize(QPageSize(paper))
    printer.setFullPage(False)
    printer.setPageMargins(QMarginsF(margin_mm, margin_mm, margin_mm, margin_mm), QPageLayout.Unit.Millimeter)
    return printer


def test_pages_print_on_a4_from_the_document_with_its_margins_whatever_the_driver_default(qtbot, page, tmp_path):
    generate(qtbot, page, "plan")
    out = tmp_path / "printed.pdf"
    page.print_to(pdf_printer(out))
    finish(qtbot, page, timeout=120000)

    original = [p.mediabox for p in PdfReader(str(page.current.pdf)).pages]
    printed = [p.mediabox for p in PdfReader(str(out)).pages]
    assert len(printed) == len(original) == 8
    for source, sheet in zip(original, printed):
        assert (float(source.width) > float(source.height)) == (float(sheet.width) > float(sheet.height))
        assert sorted((float(sheet.width), float(sheet.height))) == pytest.approx(A4, abs=1)   # A4, not Letter
    assert float(printed[0].width) < float(printed[0].height) and float(printed[-1].width) > float(printed[-1].height)

    # The ink is where the document puts it (no 4.2 mm shift, no stretch): boxes within 1.5 pt.
    before = gray_pages(page.current.pdf, 72, tmp_path / "a")
    after = gray_pages(out, 72, tmp_path / "b")
    for number, (source, sheet) in enumerate(zip(before, after), start=1):
        assert abs(source[0] - sheet[0]) <= 1 and abs(source[1] - sheet[1]) <= 1, number
        box_source, box_sheet = ink_box(*source), ink_box(*sheet)
        assert all(abs(a - b) <= 1.5 for a, b in zip(box_source, box_sheet)), (number, box_source, box_sheet)
    before, after = gray_pages(page.current.pdf, 150, tmp_path / "c"), gray_pages(out, 150, tmp_path / "d")
    assert all(content_distance(source, sheet) < 0.6 for source, sheet in zip(before, after))


def test_printing_renders_at_most_600_dpi_and_only_where_there_is_ink(qtbot, page, tmp_path):
    generate(qtbot, page, "reminder", unit="KHTC")
    out = tmp_path / "printed.pdf"
    printer = pdf_printer(out, paper=QPageSize.PageSizeId.A4)
    assert printer.resolution() == 1200
    page.print_to(printer)
    finish(qtbot, page, timeout=60000)
    assert page.operation.result.dpi == 600
    sheet = PdfReader(str(out)).pages[0]
    images = list(sheet.images)
    widest = max(image.image.width for image in images)
    assert 0.6 * 595 / 72 * 600 < widest < 595 / 72 * 600        # at 600 dpi, narrower than the paper
    assert sum(image.image.height for image in images) < 0.9 * 842 / 72 * 600   # blank margins not sent


def test_the_range_chosen_in_the_real_print_dialog_is_printed(qtbot, page, tmp_path):
    generate(qtbot, page, "plan")
    out = tmp_path / "range.pdf"

    def answer_dialog(dialog: QPrintDialog):
        dialog.findChild(QLineEdit, "filename").setText(str(out))
        dialog.findChild(QRadioButton, "printRange").setChecked(True)
        dialog.findChild(QSpinBox, "to").setValue(8)
        dialog.findChild(QSpinBox, "from").setValue(7)
        dialog.accept()

    when_modal(QPrintDialog, answer_dialog)
    page.print_current()
    finish(qtbot, page, timeout=60000)
    printed = gray_pages(out, 150, tmp_path / "printed")
    source = gray_pages(page.current.pdf, 150, tmp_path / "source")
    assert len(printed) == 2                                   # pages 7–8: the landscape appendix
    assert all(width > height for width, height, _ in printed)
    assert content_distance(source[6], printed[0]) < 0.6 and content_distance(source[7], printed[1]) < 0.6
    assert content_distance(source[6], printed[1]) > 0.6


def test_copies_order_and_current_page_follow_the_dialog(qtbot, page, tmp_path):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)     # Qt's PDF writer makes no copies itself
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    printer.setCopyCount(2)
    printer.setCollateCopies(True)
    assert printing.chosen_pages(printer, 5) == [1, 2, 1, 2]
    printer.setCollateCopies(False)
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    assert printing.chosen_pages(printer, 5) == [2, 2, 1, 1]
    printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
    printer.setCopyCount(1)
    assert printing.chosen_pages(printer, 5, current_page=3) == [3]
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(7, 9)
    with pytest.raises(Exception, match="Không có trang nào trong khoảng đã chọn"):
        printing.chosen_pages(printer, 5)


def test_printing_runs_in_the_background_and_cancel_leaves_nothing(qtbot, page, tmp_path):
    generate(qtbot, page, "plan")
    out = tmp_path / "cancelled.pdf"
    page.print_to(pdf_printer(out))
    operation = page.operation
    assert not operation.done              # print_to returned at once: the pages are drawn on a worker
    operation.cancel()
    qtbot.waitUntil(lambda: operation.done, timeout=60000)
    assert operation.was_cancelled and operation.error is None
    assert not out.exists()


def test_print_preview_draws_each_sheet_in_its_own_orientation(qtbot, page, monkeypatch):
    generate(qtbot, page, "plan")
    seen = {}

    def look_and_close():
        dialog = page.preview_dialog
        seen["sizes"] = dialog.sheet_sizes()
        seen["summary"] = dialog.summary.text()
        dialog.resize(1366 * 2 // 3, 740)
        save_shot(dialog, "print-preview")
        dialog.reject()

    when_modal(printing.PrintPreviewDialog, lambda _dialog: look_and_close())
    page.print_preview_button.click()
    sizes = seen["sizes"]
    assert len(sizes) == 8
    portrait, landscape = sizes[0], sizes[-1]
    assert portrait.width() < portrait.height() and landscape.width() > landscape.height()
    assert all(s.width() < s.height() for s in sizes[:6]) and all(s.width() > s.height() for s in sizes[6:])
    assert portrait.height() / portrait.width() == pytest.approx(841.9 / 595.3, rel=0.01)   # A4, not stretched
    assert seen["summary"] == "8 trang, giấy A4, 2 trang khổ ngang; in đúng lề của văn bản."
