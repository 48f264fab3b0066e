"""Helpers of the Chỉ số CCHC page tests (imported by name: the test folders are not packages)."""

from __future__ import annotations

from datetime import date

from par_desktop.db.models import User
from par_desktop.services.session import SYSTEM, Actor
from par_desktop.ui.context import AppContext
from par_desktop.ui.pages.par_index import ParIndexPage

TODAY = date(2025, 1, 15)


def make_page(qtbot, db, actor=SYSTEM) -> ParIndexPage:
    """The page on ``db`` as ``actor`` sees it, loaded and shown at 1366 px wide."""
    page = ParIndexPage(AppContext(str(db), actor), today=TODAY)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.refresh()
    page.show()
    return page


def reload(qtbot, page, action, *args):
    """Run ``action`` and wait for the page to show the stored data again."""
    with qtbot.waitSignal(page.loaded, timeout=20000):
        action(*args)


def account(username: str) -> Actor:
    user = User.get(User.username == username)
    return Actor(user.username, user.role, user.unit_id, user.full_name)
