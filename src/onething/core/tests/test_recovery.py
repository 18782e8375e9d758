"""A task a killed worker left RUNNING is requeued by the sweeper and then runs once: at once
when the worker's heartbeat has fallen silent, after the age limit when it never beat, never
while it still beats."""

import datetime as dt
import os
import time

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from onething.core.models import WorkerBeat
from onething.core.recovery import beat, requeue_stale_tasks, worker_beating
from onething.notify.models import Message
from onething.notify.services import notify


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def left_running(result: DBTaskResult, *, minutes: int) -> None:
    """What a worker killed -9 after claiming the task leaves behind."""
    DBTaskResult.objects.filter(pk=result.pk).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=minutes),
        worker_ids=["killed-worker"],
    )


def test_a_task_left_running_is_requeued_and_the_message_is_sent(
    applicant, database_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=applicant, kind="test", subject="已受理", body="您的申请已受理")
    sms_task = DBTaskResult.objects.get()
    left_running(sms_task, minutes=20)

    run_worker()  # the worker does not take a RUNNING task: the message would be lost
    assert Message.objects.get(channel="sms").sent_at is None

    assert requeue_stale_tasks() == 1
    run_worker()
    sms_task.refresh_from_db()
    assert sms_task.status == TaskResultStatus.SUCCESSFUL
    assert Message.objects.get(channel="sms").sent_at is not None


def test_a_task_running_for_less_than_the_limit_is_left_alone(
    applicant, database_tasks, django_capture_on_commit_callbacks, settings
):
    settings.ONETHING_TASK_STALE_SECONDS = 600
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=applicant, kind="test", subject="已受理", body="您的申请已受理")
    task = DBTaskResult.objects.get()
    left_running(task, minutes=9)
    assert requeue_stale_tasks() == 0
    assert requeue_stale_tasks(now=timezone.now() + dt.timedelta(minutes=2)) == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY and task.started_at is None


# ---------------------------------------------------------------- heartbeats


def held_by(result: DBTaskResult, worker_id: str, *, minutes: float) -> None:
    DBTaskResult.objects.filter(pk=result.pk).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=minutes),
        worker_ids=[worker_id],
    )


def heard_from(worker_id: str, *, seconds_ago: float) -> None:
    at = timezone.now() - dt.timedelta(seconds=seconds_ago)
    WorkerBeat.objects.create(worker_id=worker_id, host="h", pid=1, started_at=at, beat_at=at)


@pytest.fixture
def queued(applicant, database_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=applicant, kind="test", subject="已受理", body="您的申请已受理")
    return DBTaskResult.objects.get()


def test_a_task_of_a_worker_gone_silent_is_requeued_at_once(queued):
    held_by(queued, "killed", minutes=1.5)  # far younger than the 15 minutes of the age rule
    heard_from("killed", seconds_ago=90)

    assert requeue_stale_tasks() == 1
    run_worker()
    assert Message.objects.get(channel="sms").sent_at is not None


def test_a_task_of_a_worker_that_still_beats_is_never_taken_from_it(queued):
    held_by(queued, "busy", minutes=60)  # a long task: past the age rule
    heard_from("busy", seconds_ago=5)

    assert requeue_stale_tasks() == 0
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.RUNNING


def test_a_worker_without_a_heartbeat_falls_back_to_the_age_rule(queued, settings):
    settings.ONETHING_TASK_STALE_SECONDS = 600
    held_by(queued, "plain-db-worker", minutes=5)
    heard_from("someone-else", seconds_ago=300)

    assert requeue_stale_tasks() == 0
    assert requeue_stale_tasks(now=timezone.now() + dt.timedelta(minutes=6)) == 1


def test_the_row_of_a_long_dead_worker_is_forgotten(db):
    heard_from("long-gone", seconds_ago=2 * 86400)
    heard_from("recent", seconds_ago=120)
    requeue_stale_tasks()
    assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["recent"]


def test_the_worker_beats_while_it_runs_and_says_goodbye_when_it_stops(db):
    with worker_beating("w-1", every=3600):
        first = WorkerBeat.objects.get()
        assert first.worker_id == "w-1" and first.pid == os.getpid()
        assert timezone.now() - first.beat_at < dt.timedelta(seconds=5)
        beat("w-1", started_at=first.started_at)  # what the thread does every interval
        again = WorkerBeat.objects.get()
        assert again.beat_at >= first.beat_at and again.started_at == first.started_at
    assert not WorkerBeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_on_its_own_connection():
    with worker_beating("w-2", every=0.05):
        first = WorkerBeat.objects.get().beat_at
        deadline = time.monotonic() + 10
        while WorkerBeat.objects.get().beat_at == first and time.monotonic() < deadline:
            time.sleep(0.05)
        assert WorkerBeat.objects.get().beat_at > first
    assert not WorkerBeat.objects.exists()


def test_onething_worker_runs_tasks_and_leaves_no_heartbeat_behind(queued):
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert queued.worker_ids and not WorkerBeat.objects.exists()
