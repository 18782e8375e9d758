"""What a killed worker leaves behind, put back in the queue.

The database task backend marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED
when it ends; a worker killed in between (kill -9, the machine losing power) leaves the task
RUNNING for ever and nothing runs it again. The sweeper (``onething outbox sweep --loop``) calls
``requeue_stale_tasks`` every round and makes such tasks READY again:

- a task held by a worker whose heartbeat (``WorkerBeat``, written by ``onething worker`` every
  ``ONETHING_WORKER_BEAT_SECONDS``) has been silent for ``ONETHING_WORKER_SILENT_SECONDS`` (a
  minute by default): its worker is dead, so the task goes back at once, however young;
- a task held by a worker that still beats is left alone, however long it runs, so that a long
  task is never run a second time beside itself;
- a task held by a worker that never beat (a plain ``db_worker``) is requeued when it has been
  RUNNING for longer than any of ours takes (``ONETHING_TASK_STALE_SECONDS``, 15 minutes).

Our tasks are written to be run twice safely (each checks what is already done), so at least
once is enough.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerBeat

log = logging.getLogger(__name__)

FORGET_AFTER = dt.timedelta(days=1)  # a dead worker's row, once its tasks are back in the queue


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "ONETHING_TASK_STALE_SECONDS", 900))


def silent_after() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "ONETHING_WORKER_SILENT_SECONDS", 60))


def requeue_stale_tasks(*, now: dt.datetime | None = None) -> int:
    """Make READY again every RUNNING task whose worker is dead (silent, or without a
    heartbeat and running since before ``now - stale_after()``); returns how many."""
    now = now or timezone.now()
    beats = dict(WorkerBeat.objects.values_list("worker_id", "beat_at"))
    lost = [
        pk
        for pk, worker_ids, started_at in DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING
        ).values_list("pk", "worker_ids", "started_at")
        if _holder_is_dead(worker_ids[-1] if worker_ids else "", started_at, beats, now)
    ]
    count = DBTaskResult.objects.filter(pk__in=lost, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )
    if count:
        log.warning("requeued %d task(s) left running by a stopped worker", count)
    WorkerBeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()
    return count


def _holder_is_dead(
    worker_id: str,
    started_at: dt.datetime | None,
    beats: dict[str, dt.datetime],
    now: dt.datetime,
) -> bool:
    beat_at = beats.get(worker_id)
    if beat_at is not None:
        return beat_at < now - silent_after()
    return started_at is None or started_at < now - stale_after()


# ---------------------------------------------------------------- the worker's heartbeat


def beat(worker_id: str, *, started_at: dt.datetime) -> None:
    """Say that ``worker_id`` is alive now."""
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": now},
        create_defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": now,
        },
    )


@contextmanager
def worker_beating(worker_id: str, *, every: float | None = None) -> Iterator[None]:
    """Beat for ``worker_id`` while the block runs: once before it starts, then every
    ``every`` seconds from a thread of its own; the row is deleted when the block ends (a
    worker killed -9 never gets there, and its row falls silent)."""
    every = every or float(getattr(settings, "ONETHING_WORKER_BEAT_SECONDS", 10))
    started_at = timezone.now()
    beat(worker_id, started_at=started_at)
    stop = threading.Event()
    thread = threading.Thread(
        target=_beat_until, args=(worker_id, started_at, every, stop), daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        WorkerBeat.objects.filter(worker_id=worker_id).delete()


def _beat_until(
    worker_id: str, started_at: dt.datetime, every: float, stop: threading.Event
) -> None:
    try:
        while not stop.wait(every):
            try:
                beat(worker_id, started_at=started_at)
            except Exception:  # a database that is away for a moment: beat again next time
                log.exception("worker %s could not record its heartbeat", worker_id)
                connection.close()
    finally:
        connection.close()  # this thread's own connection
