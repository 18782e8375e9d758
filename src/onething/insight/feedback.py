"""Ratings (好差评) and 12345 tickets for the figures, read defensively.

``onething.ratings`` and ``onething.hotline`` are apps of their own, built separately; until
their ``Rating`` and ``Ticket`` models exist (or where a model has no link to an application
or a one-thing this module understands) the figures show “—” instead of guessing.

Links are found by field name: ``application`` (the rows of the applications counted) and/or
``one_thing`` (rows about a one-thing without an application, in the period, by
``created_at``). A score is ``level``, ``score``, ``stars`` or ``grade`` when numeric; a
rating replaced by a re-rating (a ``supersedes`` link pointing at it) counts once, as the new
one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, F, Model, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

SCORE_FIELDS = ("level", "score", "stars", "grade")
MOMENT_FIELDS = ("created_at", "submitted_at")
NUMERIC = {
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "DecimalField",
    "FloatField",
}


def optional_model(app_label: str, name: str) -> type[Model] | None:
    """The model, or None while its app is not installed or the model does not exist yet."""
    if not apps.is_installed(f"onething.{app_label}"):
        return None
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _field(model: type[Model], names: tuple[str, ...], *, numeric: bool = False) -> str | None:
    for name in names:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if numeric and field.get_internal_type() not in NUMERIC:
            continue
        return name
    return None


@dataclass(frozen=True)
class Feedback:
    """How one model links to the figures."""

    model: type[Model]
    by_application: bool
    by_one_thing: bool
    score: str | None
    moment: str | None
    superseded_by: str | None  # the field a re-rating uses to point at the one it replaces

    def rows(
        self,
        *,
        applications: QuerySet[Any],
        one_things: QuerySet[Any],
        start: dt.datetime,
        end: dt.datetime,
    ) -> QuerySet[Any]:
        """The rows about the applications counted, or about the one-things in the period."""
        condition = Q(pk__in=[])
        if self.by_application:
            condition |= Q(application__in=applications)
        if self.by_one_thing and self.moment:
            about = Q(
                one_thing__in=one_things,
                **{f"{self.moment}__gte": start, f"{self.moment}__lt": end},
            )
            if self.by_application:
                about &= Q(application__isnull=True)
            condition |= about
        rows = self.model._default_manager.filter(condition)
        if self.superseded_by:
            newer = self.model._default_manager.filter(**{self.superseded_by: OuterRef("pk")})
            rows = rows.filter(~Exists(newer))
        return rows

    def grouped(self, rows: QuerySet[Any]) -> list[dict[str, Any]]:
        """One query: count, score sum and scored count per one-thing, channel, region and
        (lead) department, aliased ``k_<dimension>``; keys the link cannot give are left out."""
        if self.by_application:
            one_thing: Any = F("application__one_thing_id")
            if self.by_one_thing:
                one_thing = Coalesce("application__one_thing_id", "one_thing_id")
            keys: dict[str, Any] = {
                "k_one_thing": one_thing,
                "k_channel": F("application__channel"),
                "k_region": F("application__lead_department__region_id"),
                "k_department": F("application__lead_department_id"),
            }
        else:
            keys = {"k_one_thing": F("one_thing_id")}
        metrics: dict[str, Any] = {"n": Count("pk")}
        if self.score:
            metrics.update(score_sum=Sum(self.score), score_count=Count(self.score))
        result = []
        for row in rows.values(**keys).annotate(**metrics).order_by():
            row.setdefault("score_sum", 0)
            row.setdefault("score_count", 0)
            result.append(row)
        return result


def feedback_source(app_label: str, name: str) -> Feedback | None:
    model = optional_model(app_label, name)
    if model is None:
        return None
    by_application = _field(model, ("application",)) is not None
    by_one_thing = _field(model, ("one_thing",)) is not None
    if not by_application and not by_one_thing:
        return None
    return Feedback(
        model=model,
        by_application=by_application,
        by_one_thing=by_one_thing,
        score=_field(model, SCORE_FIELDS, numeric=True),
        moment=_field(model, MOMENT_FIELDS),
        superseded_by=_field(model, ("supersedes",)),
    )


def sources() -> Mapping[str, Feedback | None]:
    return {
        "ratings": feedback_source("ratings", "Rating"),
        "tickets": feedback_source("hotline", "Ticket"),
    }
