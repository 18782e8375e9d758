"""Is the platform working: the database, the task workers, the queue and the webhook outbox.

``GET /healthz`` (for a load balancer and monitoring) and ``onething health`` (for cron and
operators) answer from ``health_now``. The web process is *down* when it cannot reach the
database (503: take it out of rotation); the platform is *degraded* when no task worker is
beating (``onething worker``), a ready task has waited for more than five minutes, or a webhook
message due has waited for more than ten (200: the web still serves, but someone should look).
Only counts and ages are reported, never what the tasks or messages are about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import InterfaceError, OperationalError, connection
from django.db.models import Min
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from .recovery import silent_after

TASK_WAIT_LIMIT = dt.timedelta(minutes=5)
MESSAGE_WAIT_LIMIT = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Health:
    status: str  # ok | degraded | down
    database: bool
    workers: int = 0  # task workers whose heartbeat is fresh
    tasks_waiting: int = 0  # ready to run now
    oldest_task_wait_s: int = 0
    webhooks_due: int = 0
    oldest_webhook_wait_s: int = 0
    webhooks_failed: int = 0  # given up on: a person must retry them (admin, 待发送回调)
    problems: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "problems": list(self.problems)}


def health_now(*, now: dt.datetime | None = None) -> Health:
    now = now or timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return _platform(now)
    except (OperationalError, InterfaceError):
        return Health(
            status="down", database=False, problems=("数据库无法连接 database unreachable",)
        )


def _platform(now: dt.datetime) -> Health:
    from onething.webhooks.models import OutboxMessage

    from .models import WorkerBeat

    workers = WorkerBeat.objects.filter(beat_at__gte=now - silent_after()).count()
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    immediate = waiting.filter(run_after=get_date_max())  # "as soon as possible"
    scheduled = waiting.filter(run_after__lte=now)
    task_since = _earliest(
        immediate.aggregate(since=Min("enqueued_at"))["since"],
        scheduled.aggregate(since=Min("run_after"))["since"],
    )
    due = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, next_attempt_at__lte=now)
    message_since = due.aggregate(since=Min("next_attempt_at"))["since"]
    task_wait, message_wait = _age(task_since, now), _age(message_since, now)
    problems = []
    if not workers:
        problems.append("没有运行中的后台任务进程 no task worker is running")
    if task_wait > TASK_WAIT_LIMIT.total_seconds():
        problems.append(f"后台任务已等待{task_wait}秒 a task has waited {task_wait} s")
    if message_wait > MESSAGE_WAIT_LIMIT.total_seconds():
        problems.append(f"回调已等待{message_wait}秒 a webhook has waited {message_wait} s")
    return Health(
        status="degraded" if problems else "ok",
        database=True,
        workers=workers,
        tasks_waiting=immediate.count() + scheduled.count(),
        oldest_task_wait_s=task_wait,
        webhooks_due=due.count(),
        oldest_webhook_wait_s=message_wait,
        webhooks_failed=OutboxMessage.objects.filter(state=OutboxMessage.State.FAILED).count(),
        problems=tuple(problems),
    )


def _earliest(*times: dt.datetime | None) -> dt.datetime | None:
    return min((t for t in times if t is not None), default=None)


def _age(since: dt.datetime | None, now: dt.datetime) -> int:
    return max(0, int((now - since).total_seconds())) if since else 0
