"""What a killed worker leaves behind, put back in the queue.

The database task backend marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED
when it ends; a worker killed in between (kill -9, the machine losing power) leaves the task
RUNNING forever and nothing runs it again. The sweeper (``onething outbox sweep --loop``) calls
``requeue_stale_tasks`` every round: a task RUNNING for longer than any of ours takes
(``ONETHING_TASK_STALE_SECONDS``, 15 minutes by default) is made READY again. Our tasks are
written to be run twice safely (each checks what is already done), so at least once is enough.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "ONETHING_TASK_STALE_SECONDS", 900))


def requeue_stale_tasks(*, now: dt.datetime | None = None) -> int:
    """Make READY again every task that has been RUNNING since before ``now - stale_after()``;
    returns how many."""
    cutoff = (now or timezone.now()) - stale_after()
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    count = stale.update(status=TaskResultStatus.READY, started_at=None)
    if count:
        log.warning("requeued %d task(s) left running by a stopped worker", count)
    return count
