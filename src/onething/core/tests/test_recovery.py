"""A task a killed worker left RUNNING is requeued by the sweeper and then runs once."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from onething.core.recovery import requeue_stale_tasks
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
