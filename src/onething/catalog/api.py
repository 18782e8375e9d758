from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from .models import OneThing
from .search import search_one_things
from .selectors import one_thing_get, one_things_published

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
