"""Reads of the published catalog."""

from __future__ import annotations

import datetime as dt
import functools
from collections import OrderedDict
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from onething.core.errors import NotFound

from .guide import Guide, compute_guide
from .models import OneThing, OneThingDepartment, OneThingItem, OneThingVersion

LIFE_STAGE_ORDER = {
    "person": [
        "出生",
        "教育",
        "就业",
        "婚育",
        "住房",
        "社会保障",
        "扶残助困",
        "退役",
        "出行",
        "退休",
        "身后",
        "其他",
    ],
    "enterprise": ["开办", "准营", "用工", "经营", "建设", "注销"],
}


def one_things_published() -> QuerySet[OneThing]:
    return (
        OneThing.objects.filter(status=OneThing.Status.PUBLISHED)
        .select_related("region")
        .prefetch_related(
            Prefetch("departments", queryset=OneThingDepartment.objects.select_related("kind")),
            Prefetch(
                "entries",
                queryset=OneThingItem.objects.select_related("item", "item__department_kind"),
            ),
        )
    )


def one_thing_get(code: str) -> OneThing:
    one_thing = one_things_published().filter(code=code).first()
    if one_thing is None:
        raise NotFound(
            code="one_thing_not_found",
            message=f"没有找到编码为 {code} 的“一件事”。",
            message_en=f"There is no published one-thing with code {code}.",
        )
    return one_thing


def one_things_by_stage(
    one_things: list[OneThing],
) -> dict[str, OrderedDict[str, list[OneThing]]]:
    """{audience: {life stage: [one-things]}} in the order people live them."""
    grouped: dict[str, OrderedDict[str, list[OneThing]]] = {}
    for audience, stages in LIFE_STAGE_ORDER.items():
        buckets: OrderedDict[str, list[OneThing]] = OrderedDict((s, []) for s in stages)
        for one_thing in one_things:
            if one_thing.audience == audience:
                buckets.setdefault(one_thing.life_stage, []).append(one_thing)
        grouped[audience] = OrderedDict((k, v) for k, v in buckets.items() if v)
    return grouped


def _current_versions(code: str) -> QuerySet[OneThingVersion]:
    """The published, not retired, versions of a one-thing, latest first."""
    return (
        OneThingVersion.objects.filter(
            one_thing__code=code,
            one_thing__status=OneThing.Status.PUBLISHED,
            retired_at__isnull=True,
        )
        .select_related("one_thing", "one_thing__region")
        .order_by("-number")
    )


def version_current(code: str) -> OneThingVersion:
    """The latest published, not retired, version of a one-thing."""
    version = _current_versions(code).first()
    if version is None:
        raise NotFound(
            code="one_thing_not_found",
            message=f"没有找到编码为 {code} 的“一件事”。",
            message_en=f"There is no published one-thing with code {code}.",
        )
    return version


def version_current_cached(code: str) -> OneThingVersion:
    """``version_current`` without reading the snapshot from the database on every request.

    Published versions are immutable (rows are only ever inserted), so each process keeps the
    snapshots of the versions it has seen, keyed by pk and content digest.
    """
    version = _current_versions(code).defer("snapshot", "diff").first()
    if version is None:
        return version_current(code)  # raises the usual "not found"
    version.snapshot = _snapshot(version.pk, version.digest)
    return version


@functools.lru_cache(maxsize=128)
def _snapshot(pk: int, digest: str) -> dict[str, Any]:
    return OneThingVersion.objects.values_list("snapshot", flat=True).get(pk=pk, digest=digest)


def versions_current() -> list[OneThingVersion]:
    """The current version of every published one-thing, in catalog order."""
    latest: dict[int, OneThingVersion] = {}
    for version in (
        OneThingVersion.objects.filter(
            one_thing__status=OneThing.Status.PUBLISHED, retired_at__isnull=True
        )
        .select_related("one_thing")
        .order_by("one_thing__seq", "one_thing__code", "-number")
    ):
        latest.setdefault(version.one_thing_id, version)
    return list(latest.values())


def guide_for(
    code: str,
    *,
    answers: dict[str, str] | None = None,
    chosen: list[str] | None = None,
    held_results: list[str] | None = None,
    start: dt.date | None = None,
) -> tuple[OneThingVersion, Guide]:
    """The guide for the current version of a one-thing (raises GuideError on bad input)."""
    version = version_current(code)
    guide = compute_guide(
        version.snapshot,
        version=version.number,
        answers=answers,
        chosen=chosen,
        held_results=held_results or (),
        start=start or timezone.localdate(),
    )
    return version, guide
