"""Delivering outbox messages to department systems, at least once.

``emit`` (see ``outbox.py``) writes one ``OutboxMessage`` per subscription inside the change's
transaction and, once that commits, calls ``schedule_delivery``, which queues the
``deliver_message`` task. The task claims the message, POSTs a signed JSON body to the
subscription's URL and records the outcome:

- a 2xx answer marks the message delivered;
- anything else (a refused connection, a timeout, a 5xx, a redirect) counts one more attempt and
  plans the next one by ``BACKOFF`` (10 s, 30 s, 2 min, 10 min, 30 min, 1 h, then every 2 h),
  re-queueing the task for that moment; the last attempt happens at the deadline, 48 hours after
  the message was written, and if that fails too the message is *failed*, for an operator, who
  can ``retry_failed`` it from the admin or ``onething outbox retry``.

Queued tasks can be lost (a worker killed between claiming and finishing), so ``sweep_due`` —
run by ``onething outbox sweep --loop`` — delivers whatever is pending and due. Claiming sets
``next_attempt_at`` to a short lease under ``SELECT … FOR UPDATE SKIP LOCKED`` (where the
database has it), so a task and a sweeper, or two sweepers, never post the same message at the
same time, and a worker that dies mid-post leaves the message due again once the lease ends.

Every retry carries the same ``event_id``; receivers use it to process each event once, and
check ``X-OneThing-Signature`` with ``verify_signature``: the lowercase hex HMAC-SM3, keyed with
the subscription secret's UTF-8 bytes, of ``f"{timestamp}.{body}"``. Everything that depends on
the clock takes ``now`` so tests can live through a long outage in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import hmac as std_hmac
import http.client
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import IO
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, hmac
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .models import OutboxMessage

logger = logging.getLogger(__name__)

BACKOFF: tuple[dt.timedelta, ...] = (
    dt.timedelta(seconds=10),
    dt.timedelta(seconds=30),
    dt.timedelta(minutes=2),
    dt.timedelta(minutes=10),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=1),
    dt.timedelta(hours=2),  # and every 2 hours after that
)
GIVE_UP_AFTER = dt.timedelta(hours=48)
LEASE = dt.timedelta(seconds=60)  # longer than one post can take
TIMEOUT = 10.0  # seconds, for connecting and for each read
ERROR_LIMIT = 1000  # characters of an error kept in last_error
SIGNATURE_SCHEME = "hmac-sm3"
USER_AGENT = "OneThing-Webhooks/1"


@dataclass(frozen=True)
class Attempt:
    """What one POST came to: ``ok`` for a 2xx answer, otherwise why not."""

    ok: bool
    error: str = ""


# Scheduling ---------------------------------------------------------------------------------


def schedule_delivery(message_id: int, *, at: dt.datetime | None = None) -> None:
    """Queue ``deliver_message`` now, or for ``at``.

    Never raises: the change that emitted the message has committed already, and the sweeper
    delivers a message whose task could not be queued. A backend that cannot defer tasks (the
    immediate one in tests) leaves later attempts to the sweeper too.
    """
    try:
        if at is None:
            deliver_message.enqueue(message_id)
        elif deliver_message.get_backend().supports_defer:
            deliver_message.using(run_after=at).enqueue(message_id)
    except Exception:
        logger.exception("could not queue delivery of outbox message %s", message_id)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt (1 for the first)."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def deadline(message: OutboxMessage) -> dt.datetime:
    return message.created_at + GIVE_UP_AFTER


# Delivering ---------------------------------------------------------------------------------


@task()
def deliver_message(message_id: int) -> str:
    """The background task: deliver one message if it is pending and due (see ``deliver``)."""
    return deliver(message_id)


def deliver(message_id: int, *, now: dt.datetime | None = None) -> str:
    """Deliver one message; returns ``delivered``, ``retry``, ``failed`` or ``skipped``."""
    now = now or timezone.now()
    claimed = _claim(Q(pk=message_id), now=now, limit=1)
    return _deliver_claimed(claimed[0], now=now) if claimed else "skipped"


def sweep_due(now: dt.datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Deliver up to ``limit`` pending messages that are due; count the outcomes."""
    now = now or timezone.now()
    counts = {"delivered": 0, "retry": 0, "failed": 0}
    for message in _claim(Q(), now=now, limit=limit):
        counts[_deliver_claimed(message, now=now)] += 1
    return counts


def retry_failed(message: OutboxMessage, *, now: dt.datetime | None = None) -> bool:
    """An operator's retry: put a failed message back to pending, due now, and queue it.

    Its 48 hours have passed, so this is one more attempt (with the same ``event_id``); if that
    fails the message is failed again. Returns False if the message was not failed.
    """
    now = now or timezone.now()
    updated = OutboxMessage.objects.filter(pk=message.pk, state=OutboxMessage.State.FAILED).update(
        state=OutboxMessage.State.PENDING, next_attempt_at=now
    )
    if updated:
        transaction.on_commit(lambda: schedule_delivery(message.pk))
    message.refresh_from_db()
    return bool(updated)


def _claim(condition: Q, *, now: dt.datetime, limit: int) -> list[OutboxMessage]:
    """Lock pending, due messages (skipping locked ones) and lease them to this worker."""
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        due = (
            OutboxMessage.objects.select_for_update(skip_locked=skip_locked)
            .filter(condition, state=OutboxMessage.State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
        )
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        OutboxMessage.objects.filter(pk__in=ids).update(next_attempt_at=now + LEASE)
    messages = OutboxMessage.objects.select_related("subscription").filter(pk__in=ids)
    return sorted(messages, key=lambda message: ids.index(message.pk))


def _deliver_claimed(message: OutboxMessage, *, now: dt.datetime) -> str:
    if not message.subscription.active:
        attempt = Attempt(ok=False, error="订阅已停用 (the subscription was deactivated)")
        return _record_failure(message, attempt, now=now, final=True)
    attempt = post(message, now=now)
    if attempt.ok:
        return _record_success(message, now=now)
    return _record_failure(message, attempt, now=now, final=now >= deadline(message))


def _record_success(message: OutboxMessage, *, now: dt.datetime) -> str:
    OutboxMessage.objects.filter(pk=message.pk, state=OutboxMessage.State.PENDING).update(
        state=OutboxMessage.State.DELIVERED,
        attempts=message.attempts + 1,
        delivered_at=now,
        last_error="",
    )
    return "delivered"


def _record_failure(
    message: OutboxMessage, attempt: Attempt, *, now: dt.datetime, final: bool
) -> str:
    attempts = message.attempts + 1
    next_at = min(now + backoff(attempts), deadline(message))
    state = OutboxMessage.State.FAILED if final else OutboxMessage.State.PENDING
    # Only while our lease holds: a sweeper that took over after it ran out decides instead.
    OutboxMessage.objects.filter(
        pk=message.pk, state=OutboxMessage.State.PENDING, next_attempt_at=now + LEASE
    ).update(
        state=state,
        attempts=attempts,
        next_attempt_at=now if final else next_at,
        last_error=attempt.error[:ERROR_LIMIT],
    )
    logger.warning(
        "webhook %s to %s failed (attempt %s): %s",
        message.event_id,
        message.subscription.url,
        attempts,
        attempt.error,
    )
    if final:
        return "failed"
    schedule_delivery(message.pk, at=next_at)
    return "retry"


# The HTTP request ----------------------------------------------------------------------------


def body_for(message: OutboxMessage) -> bytes:
    """The JSON body: the same bytes on every attempt, so a receiver may compare them."""
    document = {
        "event_id": str(message.event_id),
        "event": message.event,
        "occurred_at": message.created_at.isoformat(),
        "data": message.payload,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def sign(secret: str, timestamp: str, body: bytes | str) -> str:
    """``hmac-sm3=<hex>`` over ``f"{timestamp}.{body}"`` with the secret's UTF-8 bytes."""
    raw = body.encode() if isinstance(body, str) else body
    mac = hmac.HMAC(secret.encode(), hashes.SM3())
    mac.update(timestamp.encode() + b"." + raw)
    return f"{SIGNATURE_SCHEME}={mac.finalize().hex()}"


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes | str,
    header: str,
    *,
    tolerance: dt.timedelta | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """For receivers: is ``header`` the signature of this body? Compared in constant time.

    With ``tolerance``, also refuse a timestamp further than that from ``now`` (replays).
    """
    if tolerance is not None:
        try:
            sent = dt.datetime.fromtimestamp(int(timestamp), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            return False
        if abs((now or timezone.now()) - sent) > tolerance:
            return False
    expected = sign(secret, timestamp, body)
    return std_hmac.compare_digest(expected.encode(), header.strip().encode())


def headers_for(message: OutboxMessage, body: bytes, *, now: dt.datetime) -> dict[str, str]:
    timestamp = str(int(now.timestamp()))
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-OneThing-Event": message.event,
        "X-OneThing-Event-Id": str(message.event_id),
        "X-OneThing-Timestamp": timestamp,
        "X-OneThing-Signature": sign(message.subscription.secret, timestamp, body),
    }


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer we do not follow (it would turn the POST into a GET)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(message: OutboxMessage, *, now: dt.datetime) -> Attempt:
    """POST the message once; never raises for the receiver's failures."""
    url = message.subscription.url
    if urlsplit(url).scheme not in ("http", "https"):
        return Attempt(ok=False, error=f"不支持的地址 (unsupported URL scheme): {url}")
    body = body_for(message)
    request = urllib.request.Request(
        url, data=body, headers=headers_for(message, body, now=now), method="POST"
    )
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            response.read(1024)
            status = response.status
    except urllib.error.HTTPError as exc:
        return Attempt(ok=False, error=f"HTTP {exc.code}: {_snippet(exc)}")
    except (OSError, ValueError, http.client.HTTPException) as exc:  # refused, timed out, reset
        return Attempt(ok=False, error=f"{type(exc).__name__}: {exc}")
    if 200 <= status < 300:
        return Attempt(ok=True)
    return Attempt(ok=False, error=f"HTTP {status}")


def _snippet(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read(300).decode("utf-8", "replace")
    except OSError:
        return ""
