"""Qt's own floor for the first screen: the Tổng quan screen's Qt widgets, without the application.

``python bench/screen_skeleton.py OUT.png`` builds what ``par-desktop gui --screenshot`` shows — the
main window with its menus, the compiled shell form (``par_desktop/ui/shell_ui.py``, run as a file: it
imports nothing but PySide6), the navigation's nine SVG icons, six figure cards, the two bar charts with
their series and axes, three tables in tabs, the status bar — filled with fixed figures, with no
database, no services and no code of the application. It waits for the first frame as
``bench/empty_window.py`` does, grabs it and saves the picture.

Set against the empty window, it is the part of the start-up figure that PySide6 and Qt cost for
these widgets whoever writes the application (loading QtCharts and the SVG plugin, Python enum classes
made for every Qt class touched, laying out and painting); set against it, the app's figure is what the
application itself adds (its imports, the database, the sign-in, the data's queries).
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NAV = [("dashboard", "Tổng quan"), ("tasks", "Nhiệm vụ"), ("par_index", "Chỉ số CCHC"), ("dossiers", "Hồ sơ TTHC"),
       ("statistics", "Thống kê"), ("service", "Chất lượng phục vụ"), ("documents", "Văn bản"),
       ("catalog", "Danh mục"), ("settings", "Cài đặt")]
UNITS = ["Văn phòng", "Phòng KH-TC", "Phòng NCC", "Phòng LĐ-VL", "Phòng BTXH", "Thanh tra"]
STATES = ["Quá hạn", "Sắp đến hạn", "Đang làm", "Xong đúng hạn", "Xong quá hạn"]


def build():
    from PySide6.QtCharts import (
        QBarCategoryAxis, QBarSet, QChart, QChartView, QHorizontalBarSeries, QHorizontalStackedBarSeries,
        QValueAxis,
    )
    from PySide6.QtCore import QMargins, Qt
    from PySide6.QtGui import QFont, QIcon, QPainter, QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import (
        QFrame, QGridLayout, QHBoxLayout, QLabel, QListWidgetItem, QMainWindow, QSplitter, QTableView,
        QTabWidget, QVBoxLayout, QWidget,
    )

    window = QMainWindow()
    window.setWindowTitle("Tổng quan — PAR Desktop")
    for title, items in (("&Tệp", ["Mở cơ sở dữ liệu…", "Nhập dữ liệu…", "Sao lưu…", "Thoát"]),
                         ("&Xem", ["Làm mới", "Tìm mọi nơi"]), ("&Trợ giúp", ["Phím tắt", "Giới thiệu"])):
        menu = window.menuBar().addMenu(title)
        for text in items:
            menu.addAction(text)

    shell = QWidget()
    form = runpy.run_path(str(REPO / "par_desktop" / "ui" / "shell_ui.py"))["Ui_ShellWidget"]()
    form.setupUi(shell)
    form.pageTitle.setText("Tổng quan")
    for name, text in NAV:
        QListWidgetItem(QIcon(str(REPO / "resources" / "icons" / f"{name}.svg")), text, form.navList)
    form.navList.setCurrentRow(0)

    page = QWidget()
    cards = QGridLayout()
    for i, caption in enumerate(["Nhiệm vụ quá hạn", "Nhiệm vụ đến hạn trong 14 ngày", "Hồ sơ TTHC quá hạn lúc này",
                                 "Hồ sơ sắp đến hạn", "Tỷ lệ giải quyết đúng hạn trong kỳ", "Bản ghi thay đổi"]):
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        value = QLabel(str(12 + i))
        font = QFont(value.font())
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        value.setFont(font)
        caption_label = QLabel(caption)
        caption_label.setWordWrap(True)
        layout = QVBoxLayout(card)
        layout.addWidget(caption_label)
        layout.addWidget(value)
        layout.addWidget(QLabel("so với tháng trước"))
        cards.addWidget(card, 0, i)

    def chart(title: str, series, maximum: int) -> QChartView:
        c = QChart()
        c.setTitle(title)
        c.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        c.setMargins(QMargins(4, 4, 4, 4))
        c.addSeries(series)
        names, values = QBarCategoryAxis(), QValueAxis()
        names.append(UNITS)
        values.setRange(0, maximum)
        values.applyNiceNumbers()
        c.addAxis(names, Qt.AlignmentFlag.AlignLeft)
        c.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(names)
        series.attachAxis(values)
        view = QChartView(c)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(260)
        return view

    stacked = QHorizontalStackedBarSeries()
    for s, state in enumerate(STATES):
        bar = QBarSet(state)
        bar.append([float((u * 3 + s * 2) % 7) for u in range(len(UNITS))])
        stacked.append(bar)
    overdue = QHorizontalBarSeries()
    bar = QBarSet("Quá hạn")
    bar.append([float(u * 5 % 9) for u in range(len(UNITS))])
    overdue.append(bar)
    charts = QHBoxLayout()
    charts.addWidget(chart("Nhiệm vụ theo trạng thái, từng đơn vị", stacked, 30), 3)
    charts.addWidget(chart("Hồ sơ đang quá hạn theo đơn vị", overdue, 10), 2)

    tabs = QTabWidget()
    for title, columns in (("Nhiệm vụ cần chú ý", ["Mục", "Nội dung", "Đơn vị chủ trì", "Hạn", "Trạng thái"]),
                           ("Hồ sơ quá hạn, sắp đến hạn", ["Mã hồ sơ", "Thủ tục", "Người nộp", "Đơn vị", "Hạn xử lý",
                                                           "Tình trạng", "Thời gian còn lại"]),
                           ("Thay đổi từ hôm qua", ["Lúc", "Người thực hiện", "Thao tác", "Dữ liệu", "Bản ghi",
                                                    "Mục", "Giá trị mới"])):
        model = QStandardItemModel(0, len(columns))
        model.setHorizontalHeaderLabels(columns)
        for r in range(12):
            model.appendRow([QStandardItem(f"{column} {r + 1}") for column in columns])
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.addWidget(table)
        holder_layout.addWidget(QLabel("12 dòng"))
        tabs.addTab(holder, title)

    top = QWidget()
    top_layout = QVBoxLayout(top)
    top_layout.addLayout(cards)
    top_layout.addLayout(charts)
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.addWidget(top)
    splitter.addWidget(tabs)
    page_layout = QVBoxLayout(page)
    page_layout.addWidget(QLabel("Số liệu đến 07/12/2026 08:00"))
    page_layout.addWidget(splitter, 1)
    form.pageStack.addWidget(page)
    form.pageStack.setCurrentWidget(page)

    for text in ("CSDL: demo.db", "Người dùng: Nguyễn Thị Hương (Văn phòng)", "Không có ai khác đang làm việc",
                 "Cập nhật lúc 08:00:00"):
        window.statusBar().addWidget(QLabel(text))
    window.setCentralWidget(shell)
    window.resize(1366, 696)
    return window


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from empty_window import show_and_save   # this folder: the same wait, grab and save

    _app = QApplication([*argv[:1], "-style", "fusion"])   # kept alive; Fusion named as the app names it
    return show_and_save(build(), argv[1])


if __name__ == "__main__":
    from empty_window import end_process

    end_process(main(sys.argv))
