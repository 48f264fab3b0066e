"""What the signed-in role may not do is shown, not discovered: the control stays in its place, greyed,
and its tooltip says why (UX: a Đơn vị or Lãnh đạo account should not learn it after typing and sending).
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from par_desktop.services.session import ACTION_LABELS, ROLE_LABELS, Actor

_OWN_TIP = "permissionsOwnToolTip"


def refusal(actor: Actor, action: str) -> str | None:
    """Why ``actor`` may not do ``action`` (Vietnamese), or None when the role allows it."""
    if actor.can(action):
        return None
    return (f"Tài khoản {actor.username} ({ROLE_LABELS.get(actor.role, actor.role)}) không có quyền "
            f"{ACTION_LABELS.get(action, action)}.")


def report_refusal(actor: Actor, task) -> str | None:
    """Why ``actor`` may not report progress on ``task`` (a TaskView), or None. A unit reports on the
    tasks its unit leads, or on a task every unit owes (services.tasks.progress checks the same)."""
    refused = refusal(actor, "progress")
    if refused or actor.role != "unit" or task is None:
        return refused
    if task.per_unit or actor.unit_id in task.lead_unit_ids:
        return None
    return (f"Nhiệm vụ {task.ref} do đơn vị khác chủ trì: chỉ đơn vị chủ trì báo cáo tiến độ "
            "(đơn vị phối hợp báo cáo qua đơn vị chủ trì).")


def gate(target: QWidget | QAction, reason: str | None) -> bool:
    """Enable ``target`` when ``reason`` is None, else grey it with ``reason`` as its tooltip (its own
    tooltip comes back once it is allowed). Returns whether it is allowed."""
    own = target.property(_OWN_TIP)
    if own is None:
        own = target.toolTip()
        target.setProperty(_OWN_TIP, own)
    target.setEnabled(reason is None)
    target.setToolTip(own if reason is None else reason)
    return reason is None
