from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from onething.accounts.auth import bearer
from onething.accounts.models import User
from onething.accounts.selectors import departments_visible_to

from .models import Region

router = Router(tags=["org"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None


class DepartmentOut(Schema):
    id: int
    name: str
    kind: str
    region_code: str
    region_name: str


@router.get("/regions", response=list[RegionOut], auth=None, summary="Regions (GB/T 2260)")
def regions(request: HttpRequest) -> list[RegionOut]:
    return [
        RegionOut(
            code=r.code, name=r.name, level=r.level, parent_code=r.parent.code if r.parent else None
        )
        for r in Region.objects.select_related("parent")
    ]


@router.get(
    "/departments",
    response=list[DepartmentOut],
    auth=bearer,
    summary="Departments the caller may act for or supervise",
)
def departments(request: HttpRequest) -> list[DepartmentOut]:
    user = request.user
    assert isinstance(user, User)
    return [
        DepartmentOut(
            id=d.pk,
            name=d.name,
            kind=d.kind.code,
            region_code=d.region.code,
            region_name=d.region.name,
        )
        for d in departments_visible_to(user)
    ]
