"""Write outbox messages inside the caller's transaction (``emit``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from onething.org.models import Department

from .models import OutboxMessage, Subscription


def emit(department: Department, event: str, payload: dict[str, Any]) -> list[OutboxMessage]:
    """One message per active subscription of ``department`` to ``event``; delivery is
    scheduled after commit, so a rolled-back change sends nothing."""
    assert transaction.get_connection().in_atomic_block, "emit inside the change's transaction"
    now = timezone.now()
    messages = [
        OutboxMessage.objects.create(
            subscription=subscription, event=event, payload=payload, next_attempt_at=now
        )
        for subscription in Subscription.objects.filter(department=department, active=True)
        if event in subscription.events
    ]
    if messages:
        transaction.on_commit(lambda: _schedule([m.pk for m in messages]))
    return messages


def _schedule(ids: list[int]) -> None:
    from .delivery import schedule_delivery

    for message_id in ids:
        schedule_delivery(message_id)
