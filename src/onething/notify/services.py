"""Tell a person something on every channel they have: ``notify(user, kind, subject, body)``.

The rows are written in the caller's transaction; sending happens after commit in a background
task, so a rolled-back change notifies nobody and a slow gateway never holds a request.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from onething.accounts.models import User

from .gateways import register
from .models import Message

CHANNELS = ("inapp", "sms", "email")


def notify(*, user: User, kind: str, subject: str, body: str, link: str = "") -> list[Message]:
    messages = []
    for channel in CHANNELS:
        if channel == "email" and not user.email:
            continue
        messages.append(
            Message.objects.create(
                recipient=user, channel=channel, kind=kind, subject=subject, body=body, link=link
            )
        )
    ids = [m.pk for m in messages if m.channel != "inapp"]
    Message.objects.filter(pk__in=[m.pk for m in messages if m.channel == "inapp"]).update(
        sent_at=timezone.now()
    )
    if ids:
        transaction.on_commit(lambda: [send_message.enqueue(i) for i in ids])
    return messages


@task()
def send_message(message_id: int) -> str:
    message = Message.objects.select_related("recipient").filter(pk=message_id).first()
    if message is None or message.sent_at is not None:
        return "skipped"
    try:
        register[message.channel].send(message)
    except Exception as exc:
        Message.objects.filter(pk=message.pk).update(error=str(exc)[:500])
        return "failed"
    Message.objects.filter(pk=message.pk).update(sent_at=timezone.now(), error="")
    return "sent"


# an SMS or e-mail still unsent this long after it was written lost its task (the web process
# died between commit and enqueue, or the queue was lost); older than a day it is not worth sending
RESEND_AFTER = dt.timedelta(minutes=5)
RESEND_WITHIN = dt.timedelta(days=1)


def resend_unsent(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Enqueue ``send_message`` again for messages that never went out and never failed; the
    task skips any that were sent meanwhile. Called by the sweeper every round."""
    now = now or timezone.now()
    ids = list(
        Message.objects.filter(
            sent_at__isnull=True,
            error="",
            created_at__lt=now - RESEND_AFTER,
            created_at__gte=now - RESEND_WITHIN,
        )
        .exclude(channel="inapp")
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in ids:
        send_message.enqueue(message_id)
    return len(ids)
