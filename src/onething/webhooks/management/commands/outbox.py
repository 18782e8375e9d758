"""``onething outbox``: the safety net behind the delivery tasks, and operators' retries.

``sweep`` delivers every pending message that is due, once; ``sweep --loop`` keeps doing so every
``--interval`` seconds until SIGTERM or SIGINT, finishing the round in progress before it exits.
Run one looping sweeper beside ``onething worker`` (more are safe: claims skip locked rows).
Each round it also requeues background tasks a killed worker left running and resends messages
whose task was never queued (``onething.core.recovery``, ``onething.notify.services``).
"""

from __future__ import annotations

import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from django.core.management.base import CommandError
from django.db import close_old_connections, connection

from onething.core.commands import SubcommandCommand
from onething.core.recovery import requeue_stale_tasks
from onething.notify.services import resend_unsent
from onething.webhooks.delivery import retry_failed, sweep_due
from onething.webhooks.models import OutboxMessage

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
RECOVERY_EVERY = 30.0  # seconds between looks for tasks and messages a dead process left


class Command(SubcommandCommand):
    help = "Outbox of department-system callbacks (回调发件箱)."
    subcommands = {
        "sweep": "Deliver pending callbacks that are due (once, or --loop until stopped).",
        "retry": "Put a failed callback back to pending and deliver it (by event id).",
    }

    _verbose = False

    def add_sweep_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="repeat until SIGTERM/SIGINT")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between rounds")
        parser.add_argument("--limit", type=int, default=100, help="messages per round")

    def add_retry_arguments(self, parser: Any) -> None:
        parser.add_argument("event_id", type=uuid.UUID)

    def handle_sweep(self, **options: Any) -> None:
        self._verbose = options["verbosity"] > 1
        if not options["loop"]:
            self._report(sweep_due(limit=options["limit"]))
            recover_lost_work()
            return
        stop = threading.Event()
        with _stop_on_signals(stop):
            self.stdout.write(f"每 {options['interval']} 秒检查一次 (sweeping; Ctrl+C to stop)")
            sweep_loop(
                stop, interval=options["interval"], limit=options["limit"], report=self._report
            )
        self.stdout.write("已停止 (stopped)")

    def handle_retry(self, **options: Any) -> None:
        message = OutboxMessage.objects.filter(event_id=options["event_id"]).first()
        if message is None:
            raise CommandError("没有这条回调 (no such callback).")
        if not retry_failed(message):
            raise CommandError(f"这条回调不是失败状态 (not failed; it is {message.state}).")
        self.stdout.write(f"已重新安排发送 (queued again): {message.event_id}")

    def _report(self, counts: dict[str, int]) -> None:
        if any(counts.values()) or self._verbose:
            self.stdout.write(
                f"送达 {counts['delivered']}，待重试 {counts['retry']}，失败 {counts['failed']} "
                f"(delivered {counts['delivered']}, retry {counts['retry']}, "
                f"failed {counts['failed']})"
            )


def sweep_loop(
    stop: threading.Event,
    *,
    interval: float,
    limit: int,
    report: Callable[[dict[str, int]], None],
) -> None:
    """Sweep, then wait ``interval`` seconds (or until ``stop``), until ``stop`` is set; look for
    lost work every ``RECOVERY_EVERY`` seconds (its grace periods are minutes, not seconds)."""
    recovered_at = -RECOVERY_EVERY
    while not stop.is_set():
        if not connection.in_atomic_block:  # a long-lived process: drop stale connections
            close_old_connections()
        report(sweep_due(limit=limit))
        if time.monotonic() - recovered_at >= RECOVERY_EVERY:
            recover_lost_work()
            recovered_at = time.monotonic()
        stop.wait(interval)


def recover_lost_work() -> None:
    """Tasks a killed worker left running, and messages whose task never got queued."""
    requeue_stale_tasks()
    resend_unsent()


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Let SIGTERM and SIGINT set ``stop``: the round in progress finishes, then the loop ends."""

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread; the caller sets ``stop`` itself
        return
    previous = {sig: signal.signal(sig, handle) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
