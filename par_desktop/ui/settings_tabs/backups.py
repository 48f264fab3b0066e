"""Cài đặt → Sao lưu, khôi phục: the backups of this database, "Sao lưu ngay", restore, the folder.

A restore replaces the whole database for every clerk: it asks for confirmation (naming who is
working now), runs under maintenance mode so the others' saves wait, and keeps a copy of the
replaced file. Restoring is for administrators; backing up for administrators and the Office.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from par_desktop.domain.text import ui_moment, vn_number
from par_desktop.errors import UserError
from par_desktop.services import backups, database, presence, settings
from par_desktop.ui.errors import ask_yes_no, show_error, show_message
from par_desktop.ui.saving import save
from par_desktop.ui.widgets.table import Column, DataTableView, RowTableModel


def _size(info: backups.BackupInfo) -> str:
    return f"{vn_number(round(info.size / 1024))} KB"


def backup_columns() -> list[Column]:
    return [
        Column("Thời điểm", lambda b: b.taken_at, display=lambda b: ui_moment(b.taken_at), width=130),
        Column("Loại", lambda b: b.kind_label, width=150),
        Column("Dung lượng", lambda b: b.size, display=_size, width=100),
        Column("Tệp", lambda b: b.path.name, width=320, tooltip=lambda b: str(b.path)),
    ]


class BackupsTab(QWidget):
    title = "Sao lưu, khôi phục"

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.can_backup = ctx.can("backup")
        self.can_restore = ctx.can("restore")
        self.sqlite = not database.is_postgres(ctx.location)
        self.last_result: object = None    # what the last operation returned (a path, or the kept copy)

        folder_box = QGroupBox("Thư mục lưu bản sao")
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("backupFolder")
        self.folder_edit.setPlaceholderText("Để trống: thư mục dữ liệu trên máy này (nên dùng khi CSDL ở ổ mạng)")
        choose = QPushButton("Chọn…")
        choose.clicked.connect(self.choose_folder)
        self.save_folder_button = QPushButton("Lưu")
        self.save_folder_button.setObjectName("saveFolder")
        self.save_folder_button.clicked.connect(self.save_folder)
        open_folder = QPushButton("Mở thư mục")
        open_folder.clicked.connect(self.open_folder)
        self.folder_hint = QLabel("")
        self.folder_hint.setObjectName("folderHint")
        self.folder_hint.setWordWrap(True)
        self.folder_hint.setStyleSheet("QLabel { color: #555; }")
        row = QHBoxLayout()
        for w in (self.folder_edit, choose, self.save_folder_button, open_folder):
            row.addWidget(w, 1 if w is self.folder_edit else 0)
        box_layout = QVBoxLayout(folder_box)
        box_layout.addLayout(row)
        box_layout.addWidget(self.folder_hint)
        for w in (self.folder_edit, choose, self.save_folder_button):
            w.setEnabled(ctx.can("settings"))

        self.backup_button = QPushButton("Sao lưu ngay")
        self.backup_button.setObjectName("backupNow")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton("Khôi phục bản đã chọn…")
        self.restore_button.setObjectName("restoreSelected")
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button = QPushButton("Khôi phục từ tệp khác…")
        self.restore_file_button.setObjectName("restoreFile")
        self.restore_file_button.clicked.connect(self.restore_from_file)
        self.backup_button.setEnabled(self.can_backup and self.sqlite)
        for button in (self.restore_button, self.restore_file_button):
            button.setEnabled(self.can_restore and self.sqlite)
            if not self.can_restore:
                button.setToolTip("Chỉ tài khoản Quản trị được khôi phục dữ liệu.")
        actions = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.restore_file_button):
            actions.addWidget(button)
        actions.addStretch(1)

        self.explain = QLabel(
            "Bản sao tự động được tạo ở lần mở đầu tiên mỗi ngày và trước mỗi lần nâng cấp; giữ "
            f"{settings.get('backups.keep_daily')} bản hằng ngày và {settings.get('backups.keep_weekly')} bản "
            "hằng tuần. Khôi phục thay toàn bộ dữ liệu cho mọi người dùng; bản hiện tại được giữ lại."
            if self.sqlite else
            "Cơ sở dữ liệu PostgreSQL được sao lưu trên máy chủ (pg_dump); liên hệ người quản trị máy chủ.")
        self.explain.setWordWrap(True)
        self.model = RowTableModel(backup_columns(), key=lambda b: str(b.path))
        self.view = DataTableView(self.model, export_name="ban-sao-luu")
        self.view.setObjectName("backupsTable")
        self.view.activated.connect(lambda _row: self.restore_selected())
        self.view.selection_changed.connect(self._update_buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(folder_box)
        layout.addWidget(self.explain)
        layout.addLayout(actions)
        layout.addWidget(self.view, 1)
        self.refresh()

    # ---- data ---------------------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            configured = str(settings.get(settings.BACKUPS_DIR) or "")
            self.folder_edit.setText(configured)
            if self.sqlite:
                folder = backups.backup_folder(self.ctx.location)
                self.folder_hint.setText(f"Bản sao của cơ sở dữ liệu này được lưu tại: {folder}")
                self.view.set_rows(backups.list_backups(self.ctx.location))
        except UserError as exc:
            self.ctx.status_message.emit(exc.message)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.can_restore and self.sqlite and self.view.current_row() is not None)

    # ---- folder -------------------------------------------------------------------------------------

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Chọn thư mục lưu bản sao", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)
            self.save_folder()

    def save_folder(self) -> bool:
        text = self.folder_edit.text().strip()
        if text and not Path(text).expanduser().is_dir():
            from par_desktop.errors import InvalidInput

            show_error(self, InvalidInput(f"Không có thư mục {text}. Hãy chọn một thư mục có sẵn."))
            return False
        if not save(self, self.ctx, lambda: settings.set_value(self.ctx.actor, settings.BACKUPS_DIR, text)):
            return False
        self.refresh()
        self._changed("Đã lưu thư mục sao lưu.")
        return True

    def open_folder(self) -> None:
        folder = backups.backup_folder(self.ctx.location)
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # ---- backup and restore -------------------------------------------------------------------------

    def backup_now(self):
        from par_desktop.ui.operations import run_operation

        actor, location = self.ctx.actor, self.ctx.location

        def done(path: Path) -> None:
            self.last_result = path
            self.refresh()
            self.view.select_key(str(path))
            self.ctx.status_message.emit(f"Đã sao lưu: {path}")

        return run_operation(self, "Đang sao lưu…", lambda _p: backups.backup_now(actor, location), done,
                             cancellable=False)

    def restore_selected(self, confirm: bool = True):
        info = self.view.current_row()
        if info is None or not self.can_restore:
            return None
        return self.restore(info.path, confirm=confirm)

    def restore_from_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Chọn bản sao lưu", str(backups.backup_folder(self.ctx.location)),
                                              "Cơ sở dữ liệu (*.db *.sqlite);;Mọi tệp (*)")
        if path:
            self.restore(Path(path))

    def confirmation_text(self, source: Path, preview=None) -> str:
        try:
            others = presence.others_working()
        except UserError:
            others = []
        who = ("\n\nĐang có người làm việc: " + ", ".join(f"{s.username} (máy {s.machine})" for s in others)
               + ". Họ sẽ được báo «đang bảo trì» và phải chờ đến khi khôi phục xong; những gì họ chưa lưu "
               "cần nhập lại sau.") if others else ""
        what = ("\n\n" + "\n".join(preview.lines())) if preview is not None else ""
        return (f"Khôi phục cơ sở dữ liệu từ bản sao:\n{source}{what}\n\nToàn bộ dữ liệu hiện tại sẽ được thay bằng "
                "dữ liệu trong bản sao (bản hiện tại được giữ lại một bản sao riêng)." + who)

    def restore(self, source: Path, *, confirm: bool = True, other_database: bool = False):
        """Restore after showing what comes back and what is lost; another database's file needs a second,
        explicit answer."""
        if confirm:
            try:
                preview = backups.restore_preview(self.ctx.location, source)
            except UserError as exc:
                show_error(self, exc)
                return None
            if not ask_yes_no(self, "Khôi phục dữ liệu", self.confirmation_text(source, preview),
                              yes="Khôi phục", no="Hủy"):
                return None
            if not preview.same_database:
                if not ask_yes_no(self, "Dữ liệu của cơ sở dữ liệu khác",
                                  f"Tệp {source.name} không phải bản sao của cơ sở dữ liệu đang dùng. Khôi phục sẽ "
                                  "thay TOÀN BỘ dữ liệu hiện tại bằng dữ liệu của nơi khác. Chỉ làm khi chắc chắn.",
                                  yes="Khôi phục dữ liệu khác", no="Hủy"):
                    return None
                other_database = True
        actor, location = self.ctx.actor, self.ctx.location

        def done(kept) -> None:
            self.last_result = kept
            self.refresh()
            self._changed("Đã khôi phục dữ liệu.")
            show_message(self, "Khôi phục dữ liệu", "Đã khôi phục dữ liệu từ bản sao."
                         + (f"\n\nDữ liệu trước khi khôi phục được giữ tại:\n{kept}" if kept else ""))

        return save(self, self.ctx,
                    lambda progress: backups.restore_backup(actor, location, source, other_database=other_database),
                    on_saved=done, background="Đang khôi phục dữ liệu…")

    def _changed(self, message: str) -> None:
        self.ctx.status_message.emit(message)
