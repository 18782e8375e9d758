"""kill -9 of the web server and of the worker in the middle of submissions and dispatches.

Three client threads submit 新生儿出生 applications (each with its own Idempotency-Key, retrying
unanswered ones with the same key) and one accepts them as the lead department, which dispatches
their tasks and writes a ``task.released`` callback per task. Meanwhile, three times, we kill -9:
one gunicorn worker; the whole web server; the web server, the task worker and the outbox sweeper
together (the receiver meanwhile dropping its answers, so deliveries are retried). Each is
restarted, the clients finish their retries, and the database must agree with what they were told.
"""

from __future__ import annotations

import os
import random
import signal
import time

import pytest

from .checks import (
    assert_callbacks_delivered_and_processed_once,
    assert_dispatched_once,
    assert_submissions_exactly_once,
)
from .harness import Client, Site

pytestmark = pytest.mark.fault

SECRET = "fault-test-secret"


def restart(site: Site, name: str) -> None:
    {"web": site.start_web, "worker": site.start_worker, "sweeper": site.start_sweeper}[name]()


def test_kill_9_loses_no_acknowledged_submission_and_no_callback(site: Site, receiver) -> None:
    site.point_subscriptions_at(receiver.url, SECRET)
    receiver.secret = SECRET
    site.start_web()
    site.start_worker()
    site.start_sweeper()
    client = Client(site)
    rounds = [["a gunicorn worker"], ["web"], ["web", "worker", "sweeper"]]

    with client.load(submitters=3, accepters=1):
        for victims in rounds:
            time.sleep(random.uniform(1.5, 3.0))
            if victims == ["a gunicorn worker"]:
                os.kill(random.choice(site.web_workers()), signal.SIGKILL)
                continue
            if "worker" in victims:
                receiver.mode = "ack_lost"  # processed, but the sender never hears so
            for name in victims:
                site.kill(name)
            time.sleep(0.5)
            for name in victims:
                restart(site, name)
            time.sleep(1.0)
            receiver.mode = "ok"
        time.sleep(1.5)

    client.settle()
    assert_submissions_exactly_once(site, client)
    assert_dispatched_once(site, client)

    # Messages leased by a killed worker or sweeper are due again when the lease ends, and
    # unanswered posts wait for their retry; the clock is moved forward instead of waited for.
    site.drain_outbox()
    rows = assert_callbacks_delivered_and_processed_once(site, receiver)
    # Tasks a killed worker left RUNNING (an SMS to send, say), and messages whose task was never
    # queued because the web server died after the commit: the sweeper puts them back and the
    # worker runs them, once their grace period (moved past here) is over.
    stuck, unsent = site.recover_lost_work()

    ledger = client.ledger
    assert ledger.dropped > 0, "no kill hit a request in flight: the test proved nothing"
    print(
        f"\nkill -9 on {'SQLite' if site.db.sqlite else 'PostgreSQL'}: "
        f"{len(ledger.acked)} submissions acknowledged, {len(ledger.accepted)} accepted, "
        f"{ledger.dropped} requests cut off, {len(ledger.failures)} error answers; "
        f"{len(rows)} callbacks, {len(receiver.requests)} posts received, "
        f"{stuck} task runs left RUNNING by killed workers and {unsent} unsent messages, "
        "all requeued and run"
    )
