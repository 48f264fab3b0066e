"""Vietnam's national days off and make-up Saturdays, read from the ``holidays`` package (country VN).

The package knows the public holidays, lunar Tết and Giỗ Tổ, and the government's yearly day swaps.
Loading it takes about a third of a second (its registry imports every country it knows), so the
working calendar (``domain.calendar.package_days``) reads it only for a year nothing else gave it;
``services.calendar`` keeps the answers in a per-release cache.
"""

from __future__ import annotations

import re
from datetime import date

import holidays

from par_desktop.domain.text import ui_date

# English names given by the holidays package (en_US) -> the names clerks use. Lunar New Year first:
# "Lunar New Year's Eve" must not be read as the solar New Year.
_HOLIDAY_NAMES = (
    ("lunar new year", "Tết Nguyên Đán"),
    ("new year", "Tết Dương lịch"),
    ("hung kings", "Giỗ Tổ Hùng Vương"),
    ("liberation day", "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    ("labor day", "Ngày Quốc tế Lao động"),
    ("national day", "Ngày Quốc khánh"),
    ("cultural day", "Ngày Văn hóa Việt Nam"),
)
# "Day off (substituted from 05/04/2024)": the date is the make-up Saturday, written month first.
_SWAPPED = re.compile(r"substituted from (\d{1,2})/(\d{1,2})/(\d{4})")
MAKEUP_NAME = "Làm bù"


def vietnamese_holiday_name(english: str) -> str:
    low = english.lower()
    if "substituted" in low:
        m = _SWAPPED.search(low)
        if m:
            try:
                makeup = date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
                return f"Nghỉ hoán đổi (làm bù ngày {ui_date(makeup)})"
            except ValueError:
                pass
        return "Nghỉ hoán đổi"
    name = next((vn for key, vn in _HOLIDAY_NAMES if key in low), "Ngày nghỉ lễ")
    return f"Nghỉ bù {name}" if "observed" in low else name


def official_days(year: int) -> dict[int, tuple[str, str]]:
    """ordinal -> (kind, name) of the year's national days off ("holiday") and make-up Saturdays
    ("makeup"); empty outside 1901–2100, where only weekends are days off."""
    official = holidays.country_holidays("VN", years=year, language="en_US")   # holidays.VN is untyped
    days = {day.toordinal(): ("holiday", vietnamese_holiday_name(name))
            for day, name in official.items() if day.year == year}
    for day in official.weekend_workdays:  # the set holds every known year: keep this one
        if day.year == year:
            days[day.toordinal()] = ("makeup", MAKEUP_NAME)
    return days
