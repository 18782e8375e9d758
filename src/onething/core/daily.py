"""Background tasks that run once a day: each run queues the next one (``at_tomorrow``), and a
``schedule`` command queues the first unless one is already waiting (``schedule_once``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone


def schedule_once(daily: Any) -> bool:
    """Queue ``daily`` (a task) now unless a run of it is already waiting; True if queued."""
    from django_tasks_db.models import DBTaskResult

    path = f"{daily.func.__module__}.{daily.func.__qualname__}"
    if DBTaskResult.objects.filter(task_path=path, status="READY").exists():
        return False
    daily.enqueue()
    return True


def at_tomorrow(daily: Any, *, hour: int, minute: int = 0) -> None:
    """Queue ``daily``'s next run for tomorrow at ``hour``:``minute`` local time."""
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    at = tomorrow.replace(hour=hour, minute=minute, second=0, microsecond=0)
    daily.using(run_after=at).enqueue()
