"""Statutory working days (法定工作日).

Time limits in 行政许可法 §82 count working days, excluding statutory holidays; under 民法典 §201
the first day is not counted, and a period ending on a holiday ends on the next working day.
Holidays and make-up working days (调休) come from ``chinesecalendar`` (the State Council's
notices up to its last release), corrected or extended by ``WorkdayOverride`` rows. A year that
neither knows raises ``WorkCalendarUnknown`` instead of guessing.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar

from .errors import DomainError


class WorkCalendarUnknown(DomainError):
    pass


def _unknown(day: dt.date) -> WorkCalendarUnknown:
    return WorkCalendarUnknown(
        code="work_calendar_unknown",
        message=f"尚未收录{day.year}年的法定节假日安排，暂时无法计算办理期限。",
        message_en=f"The statutory holidays of {day.year} are not known yet; the deadline "
        "cannot be computed.",
        details={"year": day.year},
    )


@lru_cache(maxsize=1)
def _overrides() -> tuple[dict[dt.date, bool], frozenset[int]]:
    from .models import WorkdayOverride

    rows = dict(WorkdayOverride.objects.values_list("date", "is_workday"))
    return rows, frozenset(day.year for day in rows)


def overrides_changed() -> None:
    """Call after editing ``WorkdayOverride`` rows (the admin and loaders do)."""
    _overrides.cache_clear()


def is_workday(day: dt.date) -> bool:
    overrides, override_years = _overrides()
    if day in overrides:
        return overrides[day]
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year in override_years:
            return day.weekday() < 5
        raise _unknown(day) from None


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day on which a limit of ``days`` working days counted from ``start`` ends.

    ``start`` itself is not counted; ``add_working_days(d, 0)`` is ``d``.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day, remaining = start, days
    while remaining:
        day += dt.timedelta(days=1)
        if is_workday(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_workday(day)
    return count
