from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from .models import OneThing
from .search import search_one_things
from .selectors import guide_for, one_thing_get, one_things_published

router = Router(tags=["catalog"])


class DepartmentRef(Schema):
    name: str
    kind: str
    role: str


class ItemOut(Schema):
    code: str
    name: str
    department: str
    kind: str
    required: bool
    statutory_days: int
    promised_days: int
    fee: Decimal | None
    result: str


class OneThingSummary(Schema):
    code: str
    name: str
    national: bool
    audience: str
    life_stage: str
    summary: str
    lead: str
    item_count: int


class OneThingOut(OneThingSummary):
    region: str
    departments: list[DepartmentRef]
    items: list[ItemOut]
    source: str


class SearchParams(Schema):
    q: str | None = None
    audience: str | None = None


def _summary(one_thing: OneThing) -> dict[str, Any]:
    lead = one_thing.lead
    return {
        "code": one_thing.code,
        "name": one_thing.name,
        "national": one_thing.national,
        "audience": one_thing.audience,
        "life_stage": one_thing.life_stage,
        "summary": one_thing.summary,
        "lead": lead.listed_name if lead else "",
        "item_count": len(one_thing.entries.all()),
    }


@router.get("", response=list[OneThingSummary], auth=None, summary="List or search one-things")
def one_things_list(request: HttpRequest, params: Query[SearchParams]) -> list[OneThingSummary]:
    found = search_one_things(params.q) if params.q else list(one_things_published())
    if params.audience:
        found = [o for o in found if o.audience == params.audience]
    return [OneThingSummary(**_summary(o)) for o in found]


@router.get("/{code}", response=OneThingOut, auth=None, summary="One one-thing with its items")
def one_thing_detail(request: HttpRequest, code: str) -> OneThingOut:
    one_thing = one_thing_get(code)
    return OneThingOut(
        **_summary(one_thing),
        region=one_thing.region.name,
        source=one_thing.source,
        departments=[
            DepartmentRef(name=d.listed_name, kind=d.kind.code, role=d.role)
            for d in one_thing.departments.all()
        ],
        items=[
            ItemOut(
                code=e.item.code,
                name=e.item.name,
                department=e.item.department_kind.seed_name,
                kind=e.item.kind,
                required=e.required,
                statutory_days=e.item.statutory_days,
                promised_days=e.item.promised_days,
                fee=e.item.fee_amount,
                result=e.item.result_name,
            )
            for e in one_thing.entries.all()
        ],
    )


class GuideRequest(Schema):
    answers: dict[str, str] = {}
    items: list[str] | None = None
    held_results: list[str] = []
    start: dt.date | None = None


class GuideItemOut(Schema):
    code: str
    name: str
    department: str
    reason: str
    statutory_days: int
    promised_days: int
    fee: Decimal
    result: str
    commitment: bool
    predecessors: list[str]
    earliest_start: int
    finish: int


class GuideMaterialOut(Schema):
    name: str
    form: str
    count: int
    required: bool
    items: list[str]
    source: str
    source_ref: str
    exempt: bool
    exempt_reason: str


class GuideFieldOut(Schema):
    element: str
    label: str
    type: str
    required: bool
    items: list[str]
    prefill_source: str


class GuideFiguresOut(Schema):
    materials: int
    form_fields: int
    steps: int
    visits: int
    working_days: int


class GuideOut(Schema):
    one_thing: str
    name: str
    version: int
    items: list[GuideItemOut]
    materials: list[GuideMaterialOut]
    form: list[GuideFieldOut]
    fee_total: Decimal
    results: list[str]
    critical_path: list[str]
    statutory_days: int
    serial_days: int
    start: dt.date
    due: dt.date | None
    due_note: str
    unanswered: list[dict[str, Any]]
    before: GuideFiguresOut
    after: GuideFiguresOut
    official: dict[str, Any] | None


@router.post(
    "/{code}/guide", response=GuideOut, auth=None, summary="Compute the one-time guide (一次告知)"
)
def one_thing_guide(request: HttpRequest, code: str, payload: GuideRequest) -> GuideOut:
    _, guide = guide_for(
        code,
        answers=payload.answers,
        chosen=payload.items,
        held_results=payload.held_results,
        start=payload.start,
    )
    return GuideOut.model_validate(asdict(guide))
