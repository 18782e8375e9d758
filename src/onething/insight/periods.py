"""Statistical periods: a year (``2026``), a quarter (``2026Q1``) or a month (``2026-03``).

A period is a half-open range of local dates, ``start`` ≤ day < ``end``. Figures count an
application in the period in which it was submitted; an assessment sheet is per quarter.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from onething.core.errors import ValidationFailed

QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
# years from 1000: year 0000 was a 500 (found by schemathesis)
_YEAR = re.compile(r"^([1-9]\d{3})$")
_QUARTER = re.compile(r"^([1-9]\d{3})Q([1-4])$")
_MONTH = re.compile(r"^([1-9]\d{3})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # exclusive
    code: str
    kind: str  # year, quarter or month

    @property
    def label(self) -> str:
        """2026年第一季度 · 2026年3月 · 2026年 (in English: Q1 2026 · March 2026 · 2026)."""
        year = self.start.year
        if self.kind == "quarter":
            number = (self.start.month - 1) // 3 + 1
            return _("%(year)s年第%(numeral)s季度") % {
                "year": year,
                "numeral": QUARTER_NAMES[number],
                "number": number,
            }
        if self.kind == "month":
            return _("%(year)s年%(month)s月") % {
                "year": year,
                "month": self.start.month,
                "name": date_format(self.start, "F"),
            }
        return _("%(year)s年") % {"year": year}

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as aware datetimes in the local time zone (for ``submitted_at`` …)."""
        zone = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=zone),
            dt.datetime.combine(self.end, dt.time.min, tzinfo=zone),
        )

    def overlap_days(self, other: Period) -> int:
        return max(0, (min(self.end, other.end) - max(self.start, other.start)).days)

    def months(self) -> list[Period]:
        result, day = [], self.start
        while day < self.end:
            result.append(month(day.year, day.month))
            day = result[-1].end
        return result


def year(number: int) -> Period:
    return Period(dt.date(number, 1, 1), dt.date(number + 1, 1, 1), f"{number}", "year")


def quarter(number: int, which: int) -> Period:
    start = dt.date(number, 3 * which - 2, 1)
    end = dt.date(number + 1, 1, 1) if which == 4 else dt.date(number, 3 * which + 1, 1)
    return Period(start, end, f"{number}Q{which}", "quarter")


def month(number: int, which: int) -> Period:
    start = dt.date(number, which, 1)
    end = dt.date(number + 1, 1, 1) if which == 12 else dt.date(number, which + 1, 1)
    return Period(start, end, f"{number}-{which:02d}", "month")


def _invalid(text: str, quarters_only: bool) -> ValidationFailed:
    shape = "2026Q1" if quarters_only else "2026、2026Q1 或 2026-03"
    return ValidationFailed(
        code="period_invalid",
        message=f"统计期间“{text}”的格式不对，应为 {shape}。",
        message_en=f"{text!r} is not a period; write {shape}.",
        details={"period": text},
    )


def parse_period(text: str, *, quarters_only: bool = False) -> Period:
    """``2026`` · ``2026Q1`` · ``2026-03`` → a Period (ValidationFailed otherwise)."""
    text = (text or "").strip().upper()
    if found := _QUARTER.match(text):
        return quarter(int(found[1]), int(found[2]))
    if not quarters_only:
        if found := _YEAR.match(text):
            return year(int(found[1]))
        if found := _MONTH.match(text):
            return month(int(found[1]), int(found[2]))
    raise _invalid(text, quarters_only)


def current_quarter(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    return quarter(today.year, (today.month - 1) // 3 + 1)


def recent_quarters(count: int = 8, today: dt.date | None = None) -> list[Period]:
    """The current quarter and the ``count - 1`` before it, newest first."""
    now = current_quarter(today)
    number, which = now.start.year, (now.start.month - 1) // 3 + 1
    result = []
    for _step in range(count):
        result.append(quarter(number, which))
        number, which = (number - 1, 4) if which == 1 else (number, which - 1)
    return result


def period_choices(today: dt.date | None = None) -> list[Period]:
    """What the dashboard offers: this year, the recent quarters and last year."""
    today = today or timezone.localdate()
    return [year(today.year), *recent_quarters(6, today), year(today.year - 1)]
