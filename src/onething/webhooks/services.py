"""Creating and cancelling department systems' subscriptions.

A subscription's secret is generated here and returned once; the platform keeps it (it must, to
sign) but never shows it again. Cancelling keeps the row, inactive, with its delivery history.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from onething.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from onething.org.models import Department

from .models import EVENTS, Subscription

SECRET_BYTES = 32
_url_validator = URLValidator(schemes=["http", "https"])


def new_secret() -> str:
    return secrets.token_hex(SECRET_BYTES)


def subscriptions_of(department: Department) -> list[Subscription]:
    return list(Subscription.objects.filter(department=department, active=True).order_by("pk"))


def _clean_url(url: str) -> str:
    url = url.strip()
    try:
        _url_validator(url)
    except ValidationError as exc:
        raise ValidationFailed(
            code="invalid_url",
            message="回调地址必须是有效的 http 或 https 地址。",
            message_en="The callback URL must be a valid http or https URL.",
            details={"url": url},
        ) from exc
    return url


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(events))
    unknown = [event for event in chosen if event not in EVENTS]
    if not chosen or unknown:
        raise ValidationFailed(
            code="invalid_events",
            message="请至少订阅一个事件，且只能订阅平台提供的事件。",
            message_en="Subscribe to at least one event, and only to the events offered.",
            details={"unknown": unknown, "allowed": EVENTS},
        )
    return chosen


@transaction.atomic
def subscription_create(
    *, department: Department, url: str, events: Iterable[str]
) -> tuple[Subscription, str]:
    """A new active subscription and its secret (shown to the caller this once)."""
    url, chosen = _clean_url(url), _clean_events(events)
    if Subscription.objects.filter(department=department, url=url, active=True).exists():
        raise Conflict(
            code="subscription_exists",
            message="该地址已有订阅，请先取消原订阅。",
            message_en="This URL is subscribed already; cancel that subscription first.",
            details={"url": url},
        )
    secret = new_secret()
    subscription = Subscription.objects.create(
        department=department, url=url, events=chosen, secret=secret
    )
    return subscription, secret


def subscription_get(*, department: Department, subscription_id: int) -> Subscription:
    """One active subscription of ``department``; another department's is refused."""
    subscription = Subscription.objects.filter(pk=subscription_id, active=True).first()
    if subscription is None:
        raise NotFound(
            code="subscription_not_found",
            message="没有这个订阅。",
            message_en="No such subscription.",
        )
    if subscription.department_id != department.pk:
        raise PermissionDenied(
            code="not_your_subscription",
            message="只能管理本部门的订阅。",
            message_en="You may only manage your own department's subscriptions.",
        )
    return subscription


def subscription_cancel(*, subscription: Subscription) -> None:
    """Stop sending: nothing new is emitted, and pending messages end as failed."""
    subscription.active = False
    subscription.save(update_fields=["active", "updated_at"])
