# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'main_window.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QLabel,
    QLineEdit, QListWidget, QListWidgetItem, QSizePolicy,
    QSpacerItem, QSplitter, QStackedWidget, QVBoxLayout,
    QWidget)

class Ui_ShellWidget(object):
    def setupUi(self, ShellWidget):
        if not ShellWidget.objectName():
            ShellWidget.setObjectName(u"ShellWidget")
        ShellWidget.resize(1366, 760)
        self.shellLayout = QVBoxLayout(ShellWidget)
        self.shellLayout.setSpacing(0)
        self.shellLayout.setObjectName(u"shellLayout")
        self.shellLayout.setContentsMargins(0, 0, 0, 0)
        self.topBar = QFrame(ShellWidget)
        self.topBar.setObjectName(u"topBar")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        sizePolicy.setHorizontalStretch(0)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.topBar.sizePolicy().hasHeightForWidth())
        self.topBar.setSizePolicy(sizePolicy)
        self.topBarLayout = QHBoxLayout(self.topBar)
        self.topBarLayout.setObjectName(u"topBarLayout")
        self.topBarLayout.setContentsMargins(12, 6, 12, 6)
        self.appIconLabel = QLabel(self.topBar)
        self.appIconLabel.setObjectName(u"appIconLabel")
        self.appIconLabel.setMinimumSize(QSize(28, 28))

        self.topBarLayout.addWidget(self.appIconLabel)

        self.pageTitle = QLabel(self.topBar)
        self.pageTitle.setObjectName(u"pageTitle")

        self.topBarLayout.addWidget(self.pageTitle)

        self.topBarSpacer = QSpacerItem(40, 20, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.topBarLayout.addItem(self.topBarSpacer)

        self.globalSearch = QLineEdit(self.topBar)
        self.globalSearch.setObjectName(u"globalSearch")
        self.globalSearch.setMinimumSize(QSize(360, 0))
        self.globalSearch.setClearButtonEnabled(True)

        self.topBarLayout.addWidget(self.globalSearch)


        self.shellLayout.addWidget(self.topBar)

        self.shellSplitter = QSplitter(ShellWidget)
        self.shellSplitter.setObjectName(u"shellSplitter")
        self.shellSplitter.setOrientation(Qt.Horizontal)
        self.shellSplitter.setChildrenCollapsible(False)
        self.navList = QListWidget(self.shellSplitter)
        self.navList.setObjectName(u"navList")
        self.navList.setMinimumSize(QSize(150, 0))
        self.navList.setMaximumSize(QSize(260, 16777215))
        self.navList.setIconSize(QSize(22, 22))
        self.navList.setFrameShape(QFrame.NoFrame)
        self.shellSplitter.addWidget(self.navList)
        self.pageStack = QStackedWidget(self.shellSplitter)
        self.pageStack.setObjectName(u"pageStack")
        self.shellSplitter.addWidget(self.pageStack)

        self.shellLayout.addWidget(self.shellSplitter)

        self.shellLayout.setStretch(1, 1)

        self.retranslateUi(ShellWidget)
    # setupUi

    def retranslateUi(self, ShellWidget):
        self.pageTitle.setText(QCoreApplication.translate("ShellWidget", u"PAR Desktop", None))
        self.globalSearch.setPlaceholderText(QCoreApplication.translate("ShellWidget", u"T\u00ecm trong trang; Enter: t\u00ecm m\u1ecdi n\u01a1i (kh\u00f4ng c\u1ea7n g\u00f5 d\u1ea5u) \u2014 Ctrl+F", None))
        pass
    # retranslateUi

