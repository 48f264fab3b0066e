"""Who else is working on the database, for the status bar — and a warning while another
administrator holds maintenance mode (the clerk's saves will be refused until it ends).

Reads only, on a worker thread (the heartbeat is kept by the connection watch); refreshed every
``presence.HEARTBEAT_S`` and whenever the data changed. A locked or unreachable file keeps the last text
instead of waiting.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from par_desktop.domain.text import ui_moment
from par_desktop.errors import UserError
from par_desktop.services import presence

log = logging.getLogger(__name__)

_MAINTENANCE_STYLE = "QLabel { color: white; background: #b3261e; padding: 1px 8px; border-radius: 3px; }"


class PresenceWidget(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None, *, interval_s: float = presence.HEARTBEAT_S):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("presenceWidget")
        self.label = QLabel("")
        self.label.setObjectName("presenceText")
        self.maintenance_label = QLabel("")
        self.maintenance_label.setObjectName("maintenanceText")
        self.maintenance_label.setStyleSheet(_MAINTENANCE_STYLE)
        self.maintenance_label.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.maintenance_label)
        layout.addWidget(self.label)
        layout.addStretch(1)
        self.others: list[presence.SessionInfo] = []
        self.maintenance: presence.MaintenanceState | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(int(interval_s * 1000))
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        if hasattr(ctx, "data_changed"):
            ctx.data_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Read who is working on a worker thread (a hung share must not freeze the window), then show it."""
        from par_desktop.ui.operations import run_in_background

        run_in_background(lambda: (presence.others_working(), presence.maintenance_state()), self.show_sessions,
                          self._not_read, owner=self)

    @staticmethod
    def _not_read(exc: BaseException) -> None:
        if not isinstance(exc, UserError):    # locked or unreachable for a moment: keep what is shown
            raise exc
        log.debug("presence not read: %s", exc)

    def show_sessions(self, read: tuple) -> None:
        others, state = read
        self.others, self.maintenance = others, state
        if not others:
            self.label.setText("Không có ai khác đang làm việc")
            self.label.setToolTip("")
        else:
            names = sorted({s.username for s in others})
            self.label.setText(f"Đang làm việc: {', '.join(names)}")
            self.label.setToolTip("\n".join(
                f"{s.username} — máy {s.machine}, từ {ui_moment(s.since)}"
                f"{' — ' + s.activity if s.activity else ''}" for s in others))
        mine = state is not None and presence.is_holder(state, self.ctx.actor)
        if state is not None and state.active:
            self.maintenance_label.setText("Bạn đang bảo trì" if mine else "Đang bảo trì")
            self.maintenance_label.setToolTip(presence.maintenance_message(state) if not mine else
                                              f"Chế độ bảo trì: {state.describe()}. Người khác chỉ xem được.")
            self.maintenance_label.show()
        else:
            self.maintenance_label.hide()
