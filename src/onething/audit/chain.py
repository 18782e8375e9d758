"""Append to and verify the per-application SM3 hash chain of events.

``event_append`` must run inside the transaction that changes the application, with the
application row locked (services do ``select_for_update``), so that sequence numbers and hashes
never race.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from onething.core.crypto import sm3_hex

from .models import Event

GENESIS = "0" * 64


def canonical(event: Event) -> str:
    return json.dumps(
        {
            "application": event.application_id,
            "seq": event.seq,
            "kind": event.kind,
            "task": event.task_id,
            "actor": event.actor_id,
            "actor_name": event.actor_name,
            "channel": event.channel,
            "reason": event.reason,
            "data": event.data,
            "at": event.at.isoformat(),
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def event_hash(prev_hash: str, event: Event) -> str:
    return sm3_hex((prev_hash + canonical(event)).encode())


def _build(
    application: Any,
    *,
    seq: int,
    prev_hash: str,
    kind: str,
    actor: Any,
    channel: str,
    reason: str,
    data: dict[str, Any] | None,
    task: Any,
) -> Event:
    event = Event(
        application=application,
        seq=seq,
        kind=kind,
        task=task,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if actor is not None else "系统",
        channel=channel,
        reason=reason,
        data=data or {},
        at=timezone.now().replace(microsecond=0),
        prev_hash=prev_hash,
    )
    event.hash = event_hash(event.prev_hash, event)
    return event


def event_append(
    *,
    application: Any,
    kind: str,
    actor: Any,
    channel: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    task: Any = None,
) -> Event:
    assert transaction.get_connection().in_atomic_block, "append events inside the change"
    last = (
        Event.objects.filter(application=application)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    event = _build(
        application,
        seq=last[0] + 1 if last else 1,
        prev_hash=last[1] if last else GENESIS,
        kind=kind,
        actor=actor,
        channel=channel,
        reason=reason,
        data=data,
        task=task,
    )
    event.save()
    type(application).objects.filter(pk=application.pk).update(timeline_head=event.hash)
    application.timeline_head = event.hash
    return event


def event_first(
    *,
    application: Any,
    kind: str,
    actor: Any,
    channel: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """The first event of an application inserted in this same transaction: #1 after the
    genesis hash, without looking for earlier events (there are none, and the unique
    (application, seq) constraint refuses a second #1 whatever happens).

    Sets ``application.timeline_head`` on the instance only: the caller saves it with the
    application row before the transaction commits (one UPDATE instead of two).
    """
    assert transaction.get_connection().in_atomic_block, "append events inside the change"
    event = _build(
        application,
        seq=1,
        prev_hash=GENESIS,
        kind=kind,
        actor=actor,
        channel=channel,
        reason=reason,
        data=data,
        task=None,
    )
    event.save(force_insert=True)
    application.timeline_head = event.hash
    return event


def verify_application(application: Any) -> list[str]:
    """Problems in one application's chain (empty when intact)."""
    problems = []
    prev, expected_seq = GENESIS, 1
    for event in Event.objects.filter(application=application).order_by("seq"):
        where = f"办件 {application} 事件 #{event.seq}"
        if event.seq != expected_seq:
            problems.append(f"{where}：序号不连续，缺少 #{expected_seq}（event missing）")
        if event.prev_hash != prev:
            problems.append(f"{where}：前一事件的摘要不符（chain broken）")
        if event_hash(event.prev_hash, event) != event.hash:
            problems.append(f"{where}：内容被改动（event altered）")
        prev, expected_seq = event.hash, event.seq + 1
    head = type(application).objects.values_list("timeline_head", flat=True).get(pk=application.pk)
    if head and prev != head:
        problems.append(f"办件 {application}：最后的事件与记录不符（events deleted at the end）")
    return problems
