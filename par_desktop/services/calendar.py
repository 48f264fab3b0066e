"""The office's working calendar: the `holidays` package plus administrator overrides and office hours.

Changing it (which moves open dossiers' due moments) is ``services.calendar_changes``."""

from __future__ import annotations

from datetime import date, time

from par_desktop.db.models import CalendarOverride
from par_desktop.domain.calendar import OfficeHours, WorkCalendar
from par_desktop.errors import InvalidInput
from par_desktop.services import settings


def _parse_hhmm(text: str) -> time:
    try:
        hour, minute = (int(part) for part in str(text).split(":"))
        return time(hour, minute)
    except ValueError:
        raise InvalidInput(f"Giờ làm việc không hợp lệ: {text!r} (dạng HH:MM).") from None


def office_hours() -> OfficeHours:
    return OfficeHours(_parse_hhmm(settings.get(settings.OFFICE_OPENS)),
                       _parse_hhmm(settings.get(settings.OFFICE_CLOSES)))


def overrides() -> dict[date, tuple[bool, str]]:
    return {row.day: (row.is_working, row.reason) for row in CalendarOverride.select()}


def current_calendar() -> WorkCalendar:
    """The calendar in force now, built from the database (cheap: a few rows)."""
    return WorkCalendar(overrides(), office_hours())
