"""Run background tasks: the database task backend's ``db_worker``, with a heartbeat.

    onething worker [--queue-name default] [db_worker's other options]

While it runs, the worker writes ``core.WorkerBeat`` every ``ONETHING_WORKER_BEAT_SECONDS`` from
a thread of its own. If it is killed (kill -9, a lost machine), its heartbeat falls silent and
the sweeper puts the task it was running back in the queue within a minute or two
(``onething.core.recovery``), instead of after ``ONETHING_TASK_STALE_SECONDS``; a task of a
worker that still beats is never requeued, however long it runs.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from onething.core.recovery import worker_beating


class Command(DBWorkerCommand):
    help = "Run background tasks, with a heartbeat so that a killed worker's task is requeued soon."

    def handle(self, *args: Any, worker_id: str, **options: Any) -> None:
        with worker_beating(worker_id):
            super().handle(*args, worker_id=worker_id, **options)
