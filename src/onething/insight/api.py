"""``GET /api/v1/insight/summary``: the dashboard's figures as JSON, for supervisors' own tools.

The same scope and the same numbers as ``/staff/insight/`` (``selectors.insight_summary``).
Rates are percentages with one decimal; ``null`` where there is nothing to divide by, where
no stand-alone volume is recorded, or where ratings or tickets are not available yet.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from onething.accounts.auth import bearer
from onething.accounts.models import User

from .periods import current_quarter
from .selectors import Filters, insight_summary

router = Router(tags=["insight"], auth=[bearer, django_auth])


class FiguresOut(Schema):
    key: Any
    label: str
    volume: int
    accepted: int
    corrected: int
    finished: int
    days_total: int
    days_count: int
    tasks: int
    decided: int
    on_time: int
    yellow: int
    red: int
    standalone: float | None
    ratings: int | None
    rating_average: float | None
    tickets: int | None
    on_time_rate: float | None
    correction_rate: float | None
    average_days: float | None
    one_thing_items: int
    share: float | None


class PeriodOut(Schema):
    code: str
    label: str
    start: str
    end: str


class FiltersOut(Schema):
    one_thing: str | None
    department: int | None
    channel: str | None


class TrendOut(Schema):
    month: str
    volume: int


class SummaryOut(Schema):
    period: PeriodOut
    filters: FiltersOut
    total: FiguresOut
    by_one_thing: list[FiguresOut]
    by_department: list[FiguresOut]
    by_region: list[FiguresOut]
    by_channel: list[FiguresOut]
    trend: list[TrendOut]
    ratings_available: bool
    tickets_available: bool
    standalone_recorded: bool


@router.get("/summary", response=SummaryOut, url_name="insight_summary")
def summary(
    request: HttpRequest,
    period: str = "",
    one_thing: str = "",
    department: str = "",
    channel: str = "",
) -> dict[str, Any]:
    """Figures for the period (``2026``, ``2026Q1`` or ``2026-03``; default this quarter),
    optionally for one one-thing (code), one department (id) or one channel."""
    assert isinstance(request.user, User)
    query = {"period": period, "one_thing": one_thing, "department": department, "channel": channel}
    filters = Filters.from_query(query, current_quarter())
    return insight_summary(request.user, filters).as_dict()
