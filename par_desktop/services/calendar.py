"""The office's working calendar: the `holidays` package plus administrator overrides and office hours.

Changing it (which moves open dossiers' due moments) is ``services.calendar_changes``.

The national days off of each year are kept in a small file in the user's cache folder
(``OfficialDaysCache``), keyed by the installed release of the ``holidays`` package: reading the package
takes about a third of a second in every new process, the file a millisecond. Another release of the
package (new government day swaps) has another key, so its days are read from the package again.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import threading
from collections.abc import Mapping
from datetime import date, time
from pathlib import Path

import platformdirs

from par_desktop.db.models import CalendarOverride
from par_desktop.domain.calendar import OfficeHours, WorkCalendar, package_days
from par_desktop.errors import InvalidInput
from par_desktop.services import settings

log = logging.getLogger(__name__)


def _parse_hhmm(text: str) -> time:
    try:
        hour, minute = (int(part) for part in str(text).split(":"))
        return time(hour, minute)
    except ValueError:
        raise InvalidInput(f"Giờ làm việc không hợp lệ: {text!r} (dạng HH:MM).") from None


def office_hours() -> OfficeHours:
    hours = settings.get_many(settings.OFFICE_OPENS, settings.OFFICE_CLOSES)
    return OfficeHours(_parse_hhmm(hours[settings.OFFICE_OPENS]), _parse_hhmm(hours[settings.OFFICE_CLOSES]))


def overrides() -> dict[date, tuple[bool, str]]:
    return {row.day: (row.is_working, row.reason) for row in CalendarOverride.select()}


def current_calendar() -> WorkCalendar:
    """The calendar in force now, built from the database (cheap: a few rows)."""
    return WorkCalendar(overrides(), office_hours(), official_days().days)


class OfficialDaysCache:
    """The ``holidays`` package's days off per year, remembered in ``path`` for the package's ``release``
    (None: no release could be identified, nothing is kept on disk). Thread-safe; the file is replaced
    atomically, so processes sharing it never read half of it."""

    FORMAT = 1

    def __init__(self, path: Path, release: str | None):
        self.path, self.release = path, release
        self._lock = threading.Lock()
        self._years: dict[int, dict[int, tuple[str, str]]] = self._read()

    def _read(self) -> dict[int, dict[int, tuple[str, str]]]:
        if self.release is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") != self.FORMAT or data.get("release") != self.release:
                return {}
            return {int(year): {int(o): (kind, name) for o, kind, name in days}
                    for year, days in data["years"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}     # missing, unreadable or of another release: read the package again

    def days(self, year: int) -> Mapping[int, tuple[str, str]]:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        days = package_days(year)
        with self._lock:
            self._years[year] = dict(days)
            self._write()
        return days

    def _write(self) -> None:
        if self.release is None:
            return
        data = {"format": self.FORMAT, "release": self.release,
                "years": {str(y): [[o, k, n] for o, (k, n) in sorted(d.items())] for y, d in sorted(self._years.items())}}
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as exc:     # a read-only profile: the days are read from the package next time
            log.warning("holiday cache not written: %s", exc)
            with contextlib.suppress(OSError):
                temporary.unlink()


def holidays_release() -> str | None:
    """The installed ``holidays`` release as its distribution's metadata folder names it
    ("holidays-0.109.dist-info"), found beside the package without importing it; None when not found."""
    try:
        spec = importlib.util.find_spec("holidays")
    except (ImportError, ValueError):
        return None
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        try:
            names = os.listdir(Path(folder).parent)
        except OSError:
            continue
        found = sorted(n for n in names if n.startswith("holidays-") and n.endswith(".dist-info"))
        if found:
            return found[-1]
    return None


_official: OfficialDaysCache | None = None
_official_lock = threading.Lock()


def official_days() -> OfficialDaysCache:
    """The process's cache of official days (in the user's cache folder)."""
    global _official
    with _official_lock:
        if _official is None:
            folder = Path(platformdirs.user_cache_dir("PAR Desktop", appauthor=False))
            _official = OfficialDaysCache(folder / "ngay-nghi-quoc-gia.json", holidays_release())
        return _official
