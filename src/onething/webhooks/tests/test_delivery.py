import datetime as dt
import json
import os
import signal
import threading

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django_tasks_db.models import DBTaskResult

from onething.webhooks import delivery
from onething.webhooks.delivery import (
    deliver,
    deliver_message,
    retry_failed,
    sign,
    sweep_due,
    verify_signature,
)
from onething.webhooks.models import OutboxMessage
from onething.webhooks.outbox import emit

PENDING, DELIVERED, FAILED = (
    OutboxMessage.State.PENDING,
    OutboxMessage.State.DELIVERED,
    OutboxMessage.State.FAILED,
)
# The documented schedule, written out again so a change to it is a deliberate one.
WAITS = [10, 30, 120, 600, 1800, 3600]
EVERY = 7200
GIVE_UP = 48 * 3600


def emit_committed(capture, health, event="task.released", payload=None, *, run=True):
    """Emit in a transaction that commits; ``run=False`` loses the queued task (a dead worker)."""
    with capture(execute=run), transaction.atomic():
        messages = emit(health, event, payload or {"task": 1, "note": "出生医学证明"})
    return OutboxMessage.objects.get(pk=messages[0].pk)


def attempt_offsets(until: int) -> list[int]:
    """Seconds after the first attempt at which the schedule tries, up to ``until``."""
    offsets, attempt = [0], 0
    while offsets[-1] < until:
        wait = WAITS[attempt] if attempt < len(WAITS) else EVERY
        offsets.append(min(offsets[-1] + wait, until))
        attempt += 1
    return offsets


def run_clock(receiver, *, down_until, limit=60):
    """Sweep at each next due moment (simulated), the receiver failing before ``down_until``."""
    for _ in range(limit):
        due = OutboxMessage.objects.filter(state=PENDING).order_by("next_attempt_at").first()
        if due is None:
            return
        clock = due.next_attempt_at
        receiver.mode = receiver.mode if clock < down_until else "ok"
        sweep_due(now=clock)
    raise AssertionError("still pending after too many rounds")


# Delivery and signatures ----------------------------------------------------------------------


def test_delivered_once_with_a_valid_signature(
    receiver, subscription, health, django_capture_on_commit_callbacks
):
    message = emit_committed(django_capture_on_commit_callbacks, health)

    assert message.state == DELIVERED and message.attempts == 1 and message.last_error == ""
    [received] = receiver.requests
    assert received.signature_ok
    assert received.headers["x-onething-event"] == "task.released"
    assert received.headers["x-onething-event-id"] == str(message.event_id)
    assert received.headers["x-onething-signature"].startswith("hmac-sm3=")
    assert received.json == {
        "event_id": str(message.event_id),
        "event": "task.released",
        "occurred_at": message.created_at.isoformat(),
        "data": {"task": 1, "note": "出生医学证明"},
    }

    # nothing sends it again: not a task run, not a sweep a day later
    later = message.created_at + dt.timedelta(days=1)
    deliver_message.enqueue(message.pk)
    assert deliver(message.pk, now=later) == "skipped"
    assert sweep_due(now=later) == {"delivered": 0, "retry": 0, "failed": 0}
    assert len(receiver.requests) == 1 and receiver.processed == [str(message.event_id)]


def test_only_subscribed_events_and_departments_get_messages(
    receiver, subscription, health, org, django_capture_on_commit_callbacks
):
    from onething.conftest import department

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert emit(health, "application.withdrawn", {}) == []  # not subscribed
        assert emit(department("321183", "civil"), "task.released", {}) == []
    assert receiver.requests == []


def test_verify_signature_refuses_tampering_other_secrets_and_stale_timestamps():
    body = json.dumps({"event_id": "e1", "data": {"金额": 1}}, ensure_ascii=False)
    header = sign("s3cret", "1700000000", body)

    assert verify_signature("s3cret", "1700000000", body, header)
    assert verify_signature("s3cret", "1700000000", body.encode(), header)
    assert not verify_signature("s3cret", "1700000000", body.replace("1", "2"), header)
    assert not verify_signature("other", "1700000000", body, header)
    assert not verify_signature("s3cret", "1700000001", body, header)
    assert not verify_signature("s3cret", "1700000000", body, header.upper())
    assert not verify_signature("s3cret", "1700000000", body, "")

    sent = dt.datetime.fromtimestamp(1700000000, tz=dt.UTC)
    fresh = {"tolerance": dt.timedelta(minutes=5), "now": sent + dt.timedelta(minutes=4)}
    stale = {"tolerance": dt.timedelta(minutes=5), "now": sent + dt.timedelta(minutes=6)}
    assert verify_signature("s3cret", "1700000000", body, header, **fresh)
    assert not verify_signature("s3cret", "1700000000", body, header, **stale)
    assert not verify_signature("s3cret", "soon", body, header, **fresh)


# Outages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["503", "close"])
@pytest.mark.parametrize("outage", [10, 60, 300, 3600], ids=["10s", "60s", "300s", "1h"])
def test_an_outage_loses_nothing_and_each_event_is_processed_once(
    receiver, subscription, health, django_capture_on_commit_callbacks, mode, outage
):
    receiver.mode = mode
    messages = [
        emit_committed(django_capture_on_commit_callbacks, health, "task.released", {"n": 1}),
        emit_committed(django_capture_on_commit_callbacks, health, "correction.answered"),
    ]
    t0 = messages[0].created_at
    assert all(m.state == PENDING and m.attempts == 1 and m.last_error for m in messages)

    run_clock(receiver, down_until=t0 + dt.timedelta(seconds=outage))

    ids = {str(m.event_id) for m in messages}
    assert set(receiver.processed) == ids and len(receiver.processed) == 2
    assert set(receiver.event_ids) == ids  # every retry carried the same event id
    assert all(r.signature_ok for r in receiver.requests)
    expected_attempts = sum(1 for s in attempt_offsets(GIVE_UP) if s < outage) + 1
    for message in messages:
        message.refresh_from_db()
        assert message.state == DELIVERED and message.attempts == expected_attempts
        assert receiver.event_ids.count(str(message.event_id)) == expected_attempts
        assert message.delivered_at - t0 >= dt.timedelta(seconds=outage)


def test_a_lost_acknowledgement_is_resent_and_the_receiver_dedupes_it(
    receiver, subscription, health, django_capture_on_commit_callbacks
):
    receiver.mode = "ack_lost"
    message = emit_committed(django_capture_on_commit_callbacks, health)
    assert message.state == PENDING and message.attempts == 1

    run_clock(receiver, down_until=message.created_at + dt.timedelta(seconds=1))

    message.refresh_from_db()
    assert message.state == DELIVERED
    assert receiver.event_ids == [str(message.event_id)] * 2
    assert receiver.processed == [str(message.event_id)]


def test_a_slow_receiver_times_out_and_is_retried(
    receiver, subscription, health, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(delivery, "TIMEOUT", 0.2)
    receiver.mode = "slow"
    message = emit_committed(django_capture_on_commit_callbacks, health)

    assert message.state == PENDING and "timed out" in message.last_error
    assert message.next_attempt_at > message.created_at + dt.timedelta(seconds=9)
    receiver.mode = "ok"
    assert deliver(message.pk, now=message.next_attempt_at) == "delivered"


def test_after_48_hours_of_failure_the_message_fails_and_an_operator_retry_delivers(
    receiver, subscription, health, django_capture_on_commit_callbacks
):
    receiver.mode = "503"
    message = emit_committed(django_capture_on_commit_callbacks, health)
    t0 = message.created_at

    run_clock(receiver, down_until=t0 + dt.timedelta(days=30))

    message.refresh_from_db()
    assert message.state == FAILED and "HTTP 503" in message.last_error
    assert message.attempts == len(attempt_offsets(GIVE_UP)) == 31
    last = int(receiver.requests[-1].headers["x-onething-timestamp"])
    assert last == int((t0 + dt.timedelta(hours=48)).timestamp())  # tried at the deadline
    assert sweep_due(now=t0 + dt.timedelta(days=3)) == {"delivered": 0, "retry": 0, "failed": 0}

    receiver.mode = "ok"
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_failed(message)
    message.refresh_from_db()
    assert message.state == DELIVERED and message.attempts == 32
    assert receiver.processed == [str(message.event_id)]
    assert not retry_failed(message)  # only failed messages


# Lost tasks, crashed workers, rolled-back changes ---------------------------------------------


def test_sweep_delivers_a_pending_message_whose_task_never_ran(
    receiver, subscription, health, django_capture_on_commit_callbacks
):
    message = emit_committed(django_capture_on_commit_callbacks, health, run=False)
    assert message.state == PENDING and receiver.requests == []

    assert sweep_due() == {"delivered": 1, "retry": 0, "failed": 0}
    message.refresh_from_db()
    assert message.state == DELIVERED and receiver.processed == [str(message.event_id)]


def test_a_claim_whose_worker_died_is_delivered_after_the_lease(
    receiver, subscription, health, django_capture_on_commit_callbacks
):
    message = emit_committed(django_capture_on_commit_callbacks, health, run=False)
    now = message.created_at + dt.timedelta(seconds=1)
    [claimed] = delivery._claim(Q(pk=message.pk), now=now, limit=1)  # then the worker dies

    assert sweep_due(now=now + dt.timedelta(seconds=30))["delivered"] == 0  # still leased
    assert deliver(message.pk, now=now + dt.timedelta(seconds=30)) == "skipped"
    assert sweep_due(now=now + delivery.LEASE)["delivered"] == 1
    assert receiver.event_ids == [str(claimed.event_id)]


def test_a_rolled_back_change_emits_nothing(
    receiver, subscription, health, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        assert emit(health, "task.released", {"task": 1})
        raise RuntimeError("the decision failed")

    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert sweep_due() == {"delivered": 0, "retry": 0, "failed": 0}
    assert receiver.requests == []


def test_a_cancelled_subscription_fails_its_pending_messages(
    receiver, subscription, health, django_capture_on_commit_callbacks
):
    message = emit_committed(django_capture_on_commit_callbacks, health, run=False)
    subscription.active = False
    subscription.save()

    assert sweep_due()["failed"] == 1
    message.refresh_from_db()
    assert message.state == FAILED and "deactivated" in message.last_error
    assert receiver.requests == []


# The real database task backend and the sweeper command ----------------------------------------


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_the_database_worker_delivers_and_queues_retries(
    receiver, subscription, health, database_tasks, django_capture_on_commit_callbacks
):
    receiver.mode = "503"
    message = emit_committed(django_capture_on_commit_callbacks, health)
    assert DBTaskResult.objects.get().status == "READY"

    run_worker()
    message.refresh_from_db()
    assert message.state == PENDING and message.attempts == 1
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == message.next_attempt_at  # queued for the planned moment

    # ten seconds later (without waiting for them) the receiver is back
    receiver.mode = "ok"
    earlier = message.next_attempt_at - dt.timedelta(seconds=11)
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=earlier)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=earlier)
    run_worker()

    message.refresh_from_db()
    assert message.state == DELIVERED and message.attempts == 2
    assert receiver.processed == [str(message.event_id)]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_outbox_sweep_command_once(
    receiver, subscription, health, django_capture_on_commit_callbacks, capsys
):
    message = emit_committed(django_capture_on_commit_callbacks, health, run=False)

    call_command("outbox", "sweep")

    message.refresh_from_db()
    assert message.state == DELIVERED
    assert "delivered 1" in capsys.readouterr().out


def test_outbox_sweep_loop_stops_cleanly_on_sigterm(
    receiver, subscription, health, django_capture_on_commit_callbacks, capsys
):
    message = emit_committed(django_capture_on_commit_callbacks, health, run=False)
    previous = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        call_command("outbox", "sweep", "--loop", "--interval", "0.05")
    finally:
        timer.cancel()

    assert signal.getsignal(signal.SIGTERM) is previous  # handlers restored
    message.refresh_from_db()
    assert message.state == DELIVERED
    assert "已停止" in capsys.readouterr().out


def test_outbox_retry_command(
    receiver, subscription, health, django_capture_on_commit_callbacks, capsys
):
    message = emit_committed(django_capture_on_commit_callbacks, health, run=False)
    OutboxMessage.objects.filter(pk=message.pk).update(state=FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("outbox", "retry", str(message.event_id))

    message.refresh_from_db()
    assert message.state == DELIVERED
    with pytest.raises(Exception, match="not failed"):
        call_command("outbox", "retry", str(message.event_id))
