"""``onething health``: the platform's health for cron and operators (``core.health``).

Prints each figure and any problem; exits 0 when ok, 1 when degraded, 2 when the database
cannot be reached. ``--json`` prints what ``GET /healthz`` answers.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from onething.core.health import health_now

EXIT = {"ok": 0, "degraded": 1, "down": 2}
LABELS = {
    "database": "数据库 database",
    "workers": "后台任务进程 task workers",
    "tasks_waiting": "待运行任务 tasks waiting",
    "oldest_task_wait_s": "最久等待（秒） oldest wait (s)",
    "webhooks_due": "待发送回调 webhooks due",
    "oldest_webhook_wait_s": "最久等待（秒） oldest wait (s)",
    "webhooks_failed": "发送失败待人工处理 webhooks given up",
}


class Command(BaseCommand):
    help = "Check the database, task workers, queue and webhook outbox; exit 0 ok, 1, 2."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print what /healthz answers")

    def handle(self, *args: Any, **options: Any) -> None:
        health = health_now()
        if options["json"]:
            self.stdout.write(json.dumps(health.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(f"状态 status: {health.status}")
            for key, label in LABELS.items():
                self.stdout.write(f"  {label}: {getattr(health, key)}")
            for problem in health.problems:
                self.stderr.write(f"  ! {problem}")
        if health.status != "ok":
            raise SystemExit(EXIT[health.status])
