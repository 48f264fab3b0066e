"""Printing a document's PDF as Decree 30 wants it on paper, and its print preview.

Every sheet takes its paper from the document's own page (A4; the plan's appendix is A4 landscape), in
full-page mode (the origin is the paper's corner, not the driver's printable-area corner, so the 20–30 mm
margins of the document stay where they are), scaled with its aspect kept and centred if a driver cannot
give that paper. The range, current page, copies and page order chosen in the print dialog are honoured.

QtPdf can only rasterise, so each page is rendered at the printer's resolution capped at 600 dpi
(``MAX_DPI``) — sharp on any office laser printer — and only the bands of it that hold ink (text, rules)
are sent, each on its own, so blank margins and gaps cost nothing and the printer never receives one
130 MB image per page. This runs on a worker thread
(Qt allows painting on a QPrinter there) through ``ui.operations``: a progress dialog, and "Hủy" stops at
the next band and aborts the job.

The preview draws the same sheets (same paper, orientation and placement) at screen resolution, so a
portrait letter and a landscape appendix each show on their own sheet; ``QPrintPreviewDialog`` cannot do
that (it gives every page the printer's last paper size).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRect, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget,
)

from par_desktop.domain.text import vn_percent
from par_desktop.errors import InvalidInput

MAX_DPI = 600
BLOCK_MAX_PT = 200.0     # a band is at most 7 cm tall (≤ 40 MB at 600 dpi across the whole width)
GAP_MERGE_PT = 24.0      # bands closer than this are sent as one image
PAD_PT = 1.0             # room around the ink (anti-aliased edges)
PREVIEW_ZOOMS = [(vn_percent(zoom * 100), zoom) for zoom in (0.5, 0.75, 1.0, 1.5)]


# ---- geometry (plain functions: the print and the preview share them) ---------------------------------

def page_layout(page_points: QSizeF) -> QPageLayout:
    """The paper of one document page: its own size (A4 when it is A4, matched within a point), its own
    orientation, no margins, full-page mode."""
    short, long_ = sorted((page_points.width(), page_points.height()))
    size = QPageSize(QSizeF(short, long_), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = (QPageLayout.Orientation.Landscape if page_points.width() > page_points.height()
                   else QPageLayout.Orientation.Portrait)
    layout = QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)
    layout.setMode(QPageLayout.Mode.FullPageMode)
    return layout


def fit_rect(content: QSizeF, paper: QRectF) -> QRectF:
    """``content`` scaled uniformly to fit ``paper`` and centred in it (the identity when they match)."""
    scale = min(paper.width() / content.width(), paper.height() / content.height())
    width, height = content.width() * scale, content.height() * scale
    return QRectF(paper.x() + (paper.width() - width) / 2, paper.y() + (paper.height() - height) / 2, width, height)


def ink_bands(rows: list[tuple[int, int] | None], *, scale: float, max_height: float = BLOCK_MAX_PT,
              merge_gap: float = GAP_MERGE_PT, pad: float = PAD_PT) -> list[QRectF]:
    """The rectangles (in points) worth rendering, from each scanned row's ink extent ``(left, right)``
    in scan pixels (None: a blank row). ``scale`` is points per scan pixel.

    Runs of inked rows are merged while the gap between them is small and the band stays under
    ``max_height``; a run taller than that (a table's continuous borders) is cut into pieces."""
    runs: list[list[float]] = []          # [top, bottom, left, right] in scan pixels
    for y, extent in enumerate(rows):
        if extent is None:
            continue
        left, right = extent
        if runs and runs[-1][1] == y:
            run = runs[-1]
            run[1], run[2], run[3] = y + 1, min(run[2], left), max(run[3], right)
        else:
            runs.append([y, y + 1, left, right])
    bands: list[list[float]] = []
    for top, bottom, left, right in runs:
        top_pt, bottom_pt = max(top * scale - pad, 0.0), min(bottom * scale + pad, len(rows) * scale)
        left_pt, right_pt = max(left * scale - pad, 0.0), right * scale + pad
        if bands and top_pt - bands[-1][1] <= merge_gap and bottom_pt - bands[-1][0] <= max_height:
            band = bands[-1]
            band[1], band[2], band[3] = bottom_pt, min(band[2], left_pt), max(band[3], right_pt)
            continue
        while bottom_pt - top_pt > max_height:
            bands.append([top_pt, top_pt + max_height, left_pt, right_pt])
            top_pt += max_height
        bands.append([top_pt, bottom_pt, left_pt, right_pt])
    return [QRectF(left, top, right - left, bottom - top) for top, bottom, left, right in bands]


def chosen_pages(printer: QPrinter, page_count: int, current_page: int = 0) -> list[int]:
    """The 0-based pages to send, in order, from what the print dialog left in ``printer``: all pages,
    a range ("2-3, 5"), or the current page; last page first if asked; and the copies when the printer
    cannot make them itself (collated: 1 2 3 1 2 3, or not: 1 1 2 2 3 3)."""
    mode = printer.printRange()
    if mode == QPrinter.PrintRange.CurrentPage:
        pages = [min(max(current_page, 0), page_count - 1)]
    elif mode == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            pages = [p - 1 for p in range(1, page_count + 1) if ranges.contains(p)]
        else:
            first, last = printer.fromPage() or 1, printer.toPage() or page_count
            pages = list(range(first - 1, min(last, page_count)))
    else:
        pages = list(range(page_count))
    if not pages:
        raise InvalidInput(f"Không có trang nào trong khoảng đã chọn (văn bản có {page_count} trang).")
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages.reverse()
    copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
    if copies > 1:
        pages = pages * copies if printer.collateCopies() else [p for p in pages for _ in range(copies)]
    return pages


# ---- rendering --------------------------------------------------------------------------------------

def _opaque(image: QImage) -> QImage:
    """QtPdf renders on a transparent background: put white under it (printers and the PDF writer
    then get an opaque image, with no soft mask)."""
    sheet = QImage(image.size(), QImage.Format.Format_RGB32)
    sheet.fill(QColor("white"))
    painter = QPainter(sheet)
    painter.drawImage(0, 0, image)
    painter.end()
    return sheet


def row_extents(image: QImage) -> list[tuple[int, int] | None]:
    """For each row of a page as QtPdf renders it (untouched background fully transparent): the first
    and one-past-last pixel with ink, or None for a blank row. Read from the alpha channel alone."""
    alpha = image.convertToFormat(QImage.Format.Format_Alpha8)
    width, stride = alpha.width(), alpha.bytesPerLine()
    data = bytes(alpha.constBits())
    blank = bytes(width)
    extents: list[tuple[int, int] | None] = []
    for y in range(alpha.height()):
        row = data[y * stride:y * stride + width]
        if row == blank:                                   # a memory compare: most rows end here
            extents.append(None)
        else:
            extents.append((width - len(row.lstrip(b"\0")), len(row.rstrip(b"\0"))))
    return extents


def render_page(pdf: QPdfDocument, page: int, dpi: float) -> QImage:
    """The whole page at ``dpi`` (transparent background). Bands are cut from it rather than rendered
    with ``QPdfDocumentRenderOptions.setScaledClipRect``: QtPdf's clipped rendering places content a few
    pixels off, differently for each band, which would leave steps at the band edges."""
    size = pdf.pagePointSize(page)
    return pdf.render(page, QSize(max(1, round(size.width() * dpi / 72)), max(1, round(size.height() * dpi / 72))))


def page_bands(image: QImage, dpi: float) -> list[QRect]:
    """Where a rendered page has ink, as pixel rectangles of ``image`` (see ``ink_bands``)."""
    px = dpi / 72
    bands = []
    for band in ink_bands(row_extents(image), scale=1 / px):
        left, top = max(math.floor(band.left() * px), 0), max(math.floor(band.top() * px), 0)
        right = min(math.ceil(band.right() * px), image.width())
        bottom = min(math.ceil(band.bottom() * px), image.height())
        if right > left and bottom > top:
            bands.append(QRect(left, top, right - left, bottom - top))
    return bands


@dataclass
class PrintReport:
    sheets: int          # sheets sent (pages × copies made here)
    dpi: int


def print_pdf(printer: QPrinter, pdf_path: str | Path, pages: list[int], *,
              report: Callable[[int, int, str], None] | None = None,
              check_cancelled: Callable[[], None] = lambda: None) -> PrintReport:
    """Send ``pages`` (0-based, in order) of the PDF at ``pdf_path`` to ``printer``. Safe on a worker
    thread: it opens its own QPdfDocument. ``check_cancelled()`` is called before each band and may
    raise; any exception aborts the job (nothing half-printed is left in a PDF file) and is re-raised.
    ``InvalidInput`` when the printer cannot be opened."""
    pdf = QPdfDocument()
    if pdf.load(str(pdf_path)) != QPdfDocument.Error.None_:
        raise InvalidInput("Không đọc được bản PDF để in.")
    dpi = min(printer.resolution(), MAX_DPI)
    painter = QPainter()
    try:
        for i, page in enumerate(pages):
            if report is not None:
                report(i, len(pages), f"Đang in trang {page + 1} ({i + 1}/{len(pages)})…")
            size = pdf.pagePointSize(page)
            printer.setPageLayout(page_layout(size))
            printer.setFullPage(True)
            if i == 0:
                if not painter.begin(printer):
                    raise InvalidInput("Không mở được máy in đã chọn. Hãy kiểm tra máy in rồi thử lại.")
                painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)   # no JPEG on text
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            elif not printer.newPage():
                raise InvalidInput("Máy in không nhận trang tiếp theo. Hãy kiểm tra máy in rồi thử lại.")
            paper = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
            check_cancelled()
            rendered = render_page(pdf, page, dpi)
            sheet = fit_rect(QSizeF(rendered.size()), paper)
            scale = sheet.width() / rendered.width()       # device pixels per rendered pixel
            for band in page_bands(rendered, dpi):
                check_cancelled()
                target = QRectF(sheet.left() + band.left() * scale, sheet.top() + band.top() * scale,
                                band.width() * scale, band.height() * scale)
                painter.drawImage(target, _opaque(rendered.copy(band)))
            del rendered
        if report is not None:
            report(len(pages), len(pages), "Đang gửi tới máy in…")
    except BaseException:
        if painter.isActive():
            printer.abort()
            painter.end()
            _discard_partial_file(printer)
        raise
    painter.end()
    return PrintReport(len(pages), dpi)


def _discard_partial_file(printer: QPrinter) -> None:
    """A cancelled print to a PDF file leaves no half-written file behind (Qt's PDF writer cannot abort;
    a printer's job is aborted by ``QPrinter.abort``)."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        Path(printer.outputFileName()).unlink(missing_ok=True)


# ---- the GUI side -------------------------------------------------------------------------------------

def new_printer(pdf: QPdfDocument, doc_name: str) -> QPrinter:
    """A printer set up for this document before the dialog: the first page's paper, full page,
    black and white (Decree 30 documents are black; the clerk may choose colour)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(doc_name)
    printer.setPageLayout(page_layout(pdf.pagePointSize(0)))
    printer.setFullPage(True)
    printer.setColorMode(QPrinter.ColorMode.GrayScale)
    printer.setFromTo(1, pdf.pageCount())
    return printer


def print_dialog(printer: QPrinter, page_count: int, parent: QWidget | None) -> QPrintDialog:
    """The system print dialog with the page range and current page choices enabled."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("In văn bản")
    dialog.setMinMax(1, page_count)
    for option in (QAbstractPrintDialog.PrintDialogOption.PrintPageRange,
                   QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage,
                   QAbstractPrintDialog.PrintDialogOption.PrintCollateCopies):
        dialog.setOption(option, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintSelection, False)
    return dialog


def preview_sheet(pdf: QPdfDocument, page: int, dpi: float) -> QImage:
    """One sheet as it will come out of the printer (its paper, its orientation, the page placed with
    ``fit_rect``), at screen resolution."""
    size = pdf.pagePointSize(page)
    paper_pt = page_layout(size).fullRectPoints()
    px = dpi / 72
    sheet = QImage(max(1, round(paper_pt.width() * px)), max(1, round(paper_pt.height() * px)),
                   QImage.Format.Format_RGB32)
    sheet.fill(QColor("white"))
    target = fit_rect(size, QRectF(0, 0, sheet.width(), sheet.height()))
    image = pdf.render(page, QSize(round(target.width()), round(target.height())))
    painter = QPainter(sheet)
    painter.drawImage(target.topLeft(), image)
    painter.end()
    return sheet


class PrintPreviewDialog(QDialog):
    """Xem trước khi in: every sheet on its own paper and in its own orientation, with a zoom and the
    "In…" button (which closes the preview and opens the print dialog)."""

    def __init__(self, pdf: QPdfDocument, parent: QWidget | None = None, *, on_print: Callable[[], None] | None = None):
        super().__init__(parent)
        self.setWindowTitle("Xem trước khi in")
        self.setObjectName("printPreviewDialog")
        self.pdf = pdf
        self._on_print = on_print
        self.sheets: list[QLabel] = []
        self.zoom_combo = QComboBox()
        self.zoom_combo.setObjectName("previewZoom")
        for label, value in PREVIEW_ZOOMS:
            self.zoom_combo.addItem(label, value)
        self.zoom_combo.setCurrentIndex(1)
        self.summary = QLabel()
        self.summary.setObjectName("previewSummary")
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.area.setStyleSheet("QScrollArea { background: #6b7280; }")
        holder = QWidget()
        holder.setObjectName("previewSheets")
        holder.setStyleSheet("#previewSheets { background: #6b7280; }")
        self.sheet_layout = QVBoxLayout(holder)
        self.sheet_layout.setSpacing(16)
        self.sheet_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.area.setWidget(holder)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("In…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.print_button.setObjectName("previewPrint")
        close = buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        self.print_button.clicked.connect(self._print)
        close.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(QLabel("Thu phóng"))
        top.addWidget(self.zoom_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.area, 1)
        layout.addWidget(buttons)
        self.zoom_combo.currentIndexChanged.connect(self._draw)
        self._draw()
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(900, int(screen.width() * 0.9)), min(760, int(screen.height() * 0.9)))

    def _draw(self) -> None:
        for label in self.sheets:
            label.deleteLater()
        self.sheets = []
        dpi = (self.logicalDpiY() or 96) * self.zoom_combo.currentData()
        landscape = 0
        for page in range(self.pdf.pageCount()):
            sheet = QPixmap.fromImage(preview_sheet(self.pdf, page, dpi * self.devicePixelRatioF()))
            sheet.setDevicePixelRatio(self.devicePixelRatioF())
            label = QLabel()
            label.setPixmap(sheet)
            label.setToolTip(f"Trang {page + 1}")
            self.sheet_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.sheets.append(label)
            landscape += sheet.width() > sheet.height()
        count = self.pdf.pageCount()
        paper = page_layout(self.pdf.pagePointSize(0)).pageSize().name() if count else ""
        orientation = (f", {landscape} trang khổ ngang" if landscape else "")
        self.summary.setText(f"{count} trang, giấy {paper}{orientation}; in đúng lề của văn bản.")

    def sheet_sizes(self) -> list[QSize]:
        """The drawn sheets' sizes in device-independent pixels (what the clerk sees)."""
        return [label.pixmap().deviceIndependentSize().toSize() for label in self.sheets]

    def _print(self) -> None:
        self.accept()
        if self._on_print is not None:
            self._on_print()
