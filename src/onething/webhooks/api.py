"""Department systems manage their own callback subscriptions over HTTP.

Only a department system's token (one with a department) may use these endpoints, and only for
its department's subscriptions. The signing secret is returned once, by ``POST``; deliveries
carry ``X-OneThing-Signature: hmac-sm3=<hex>`` (see ``onething.webhooks.delivery``).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from onething.accounts.auth import bearer
from onething.core.errors import PermissionDenied
from onething.org.models import Department

from .models import Subscription
from .services import subscription_cancel, subscription_create, subscription_get, subscriptions_of

router = Router(tags=["webhooks"], auth=bearer)


class SubscriptionIn(Schema):
    url: str
    events: list[str]


class SubscriptionOut(Schema):
    id: int
    url: str
    events: list[str]
    active: bool
    created_at: dt.datetime


class SubscriptionCreatedOut(SubscriptionOut):
    secret: str
    signature: str = "hmac-sm3"


def _department(request: HttpRequest) -> Department:
    """The department of the calling system's token, or 403 for any other caller."""
    api_token = getattr(request, "api_token", None)
    department = getattr(api_token, "department", None)
    if department is None:
        raise PermissionDenied(
            code="department_token_required",
            message="只有部门业务系统的接口令牌可以管理回调订阅。",
            message_en="Only a department system's token may manage callback subscriptions.",
        )
    return department


def _out(subscription: Subscription) -> SubscriptionOut:
    return SubscriptionOut(
        id=subscription.pk,
        url=subscription.url,
        events=list(subscription.events),
        active=subscription.active,
        created_at=subscription.created_at,
    )


@router.get("/subscriptions", response=list[SubscriptionOut], summary="My department's")
def list_subscriptions(request: HttpRequest) -> list[SubscriptionOut]:
    return [_out(s) for s in subscriptions_of(_department(request))]


@router.post(
    "/subscriptions",
    response={201: SubscriptionCreatedOut},
    summary="Subscribe a URL to events; the secret is shown only in this answer",
)
def create_subscription(
    request: HttpRequest, payload: SubscriptionIn
) -> Status[SubscriptionCreatedOut]:
    subscription, secret = subscription_create(
        department=_department(request), url=payload.url, events=payload.events
    )
    body = SubscriptionCreatedOut(**_out(subscription).model_dump(), secret=secret)
    return Status(201, body)


@router.delete("/subscriptions/{subscription_id}", response={204: None}, summary="Cancel")
def delete_subscription(request: HttpRequest, subscription_id: int) -> Status[None]:
    subscription = subscription_get(
        department=_department(request), subscription_id=subscription_id
    )
    subscription_cancel(subscription=subscription)
    return Status(204, None)
