"""``/healthz`` and ``onething health``: the database, the workers' heartbeats, the queue and the
webhook outbox, as counts and ages only."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from onething.conftest import department
from onething.core import health as health_module
from onething.core.health import health_now
from onething.core.models import WorkerBeat
from onething.notify.services import notify
from onething.webhooks.models import OutboxMessage, Subscription


def worker_beat(*, seconds_ago: float) -> None:
    at = timezone.now() - dt.timedelta(seconds=seconds_ago)
    WorkerBeat.objects.create(
        worker_id=f"w{seconds_ago}", host="h", pid=1, started_at=at, beat_at=at
    )


@pytest.fixture
def queued_task(applicant, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=applicant, kind="test", subject="已受理", body="您的申请已受理")
    return DBTaskResult.objects.get(status=TaskResultStatus.READY)


def test_a_beating_worker_and_an_empty_queue_are_ok(client, db):
    worker_beat(seconds_ago=3)
    response = client.get("/healthz")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok" and body["database"] is True and body["workers"] == 1
    assert body["problems"] == []


def test_without_a_live_worker_the_platform_is_degraded_but_still_serves(client, db):
    worker_beat(seconds_ago=300)  # killed five minutes ago
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and body["workers"] == 0
    assert any("no task worker" in p for p in body["problems"])


def test_a_task_waiting_too_long_is_reported_with_its_age(queued_task):
    worker_beat(seconds_ago=1)
    assert health_now().status == "ok" and health_now().tasks_waiting == 1
    later = health_now(now=timezone.now() + dt.timedelta(minutes=7))
    assert later.status == "degraded" and later.oldest_task_wait_s >= 7 * 60


def test_webhooks_due_and_given_up_are_counted(org):
    worker_beat(seconds_ago=1)
    health = department("321183", "health")
    subscription = Subscription.objects.create(
        department=health, url="https://example.gov.cn/hook", events=["task.released"]
    )
    old = timezone.now() - dt.timedelta(minutes=15)
    OutboxMessage.objects.create(
        subscription=subscription, event="task.released", payload={}, next_attempt_at=old
    )
    OutboxMessage.objects.create(
        subscription=subscription,
        event="task.released",
        payload={},
        next_attempt_at=old,
        state=OutboxMessage.State.FAILED,
    )
    found = health_now()
    assert (found.webhooks_due, found.webhooks_failed) == (1, 1)
    assert found.status == "degraded" and found.oldest_webhook_wait_s >= 15 * 60


def test_a_database_that_does_not_answer_is_503(client, db, monkeypatch):
    def unreachable(now):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health_module, "_platform", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "down" and response.json()["database"] is False


def test_the_command_exits_by_status(db, capsys):
    worker_beat(seconds_ago=1)
    call_command("health")
    assert "status: ok" in capsys.readouterr().out
    WorkerBeat.objects.all().delete()
    with pytest.raises(SystemExit) as stopped:
        call_command("health", "--json")
    assert stopped.value.code == 1
    assert '"status": "degraded"' in capsys.readouterr().out


def test_a_plain_http_probe_is_answered_where_every_page_goes_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
