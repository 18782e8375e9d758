"""The applicant's data tracker over the API: ``GET /api/v1/data/access-log``."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from onething.accounts.auth import bearer
from onething.accounts.models import User
from onething.accounts.selectors import person_for_user
from onething.core.errors import PermissionDenied

from .registry import register
from .selectors import access_log_for

router = Router(tags=["datahub"])


class AccessOut(Schema):
    at: dt.datetime
    department: str
    actor: str
    provider: str
    provider_name: str
    fields: list[str]
    field_names: list[str]
    purpose: str
    outcome: str
    application: str | None = None


@router.get(
    "/access-log",
    response=list[AccessOut],
    auth=[bearer, django_auth],
    summary="Who read my shared data, when, which fields and why (newest first)",
)
def access_log(request: HttpRequest, limit: int = 100, offset: int = 0) -> list[AccessOut]:
    user = request.user
    assert isinstance(user, User)
    if person_for_user(user) is None:
        raise PermissionDenied(
            code="applicants_only",
            message="只有实名认证的申请人可以查询本人数据的使用记录。",
            message_en="Only verified applicants can see who read their data.",
        )
    limit = max(1, min(limit, 500))
    rows = access_log_for(user)[offset : offset + limit]
    out = []
    for read in rows:
        provider = next((p for p in register if p.code == read.provider), None)
        out.append(
            AccessOut(
                at=read.at,
                department=read.department.name,
                actor=read.actor_name,
                provider=read.provider,
                provider_name=provider.name if provider else read.provider,
                fields=list(read.fields),
                field_names=[provider.label(f) if provider else f for f in read.fields],
                purpose=read.purpose,
                outcome=read.outcome,
                application=read.application.number if read.application else None,
            )
        )
    return out
