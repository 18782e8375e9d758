"""A department system unreachable for 10 s, 60 s, 300 s and an hour: nothing lost.

``webhooks/tests/test_delivery.py`` already lives through these outages in one process, calling
``sweep_due(now=…)`` on the documented schedule. Here the same outages happen to the real
processes: applications are submitted and accepted over HTTP (gunicorn), the task worker posts
the callbacks and queues retries as deferred tasks in the database, the sweeper loops beside it;
the receiver answers 503 until the outage ends. The clock is controlled by moving every planned
attempt and deferred task closer (``Site.advance_clock``) whenever nothing is due, so an hour of
outage takes seconds.
"""

from __future__ import annotations

import datetime as dt
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
# onething.webhooks.delivery.BACKOFF, written out again: offsets of the attempts after the first
OFFSETS = [0, 10, 40, 160, 760, 2560, 6160]
SLACK = 2  # seconds: the worker and the sweeper poll every 0.2 s and 1 s


def attempts_within(seconds: float) -> int:
    return sum(1 for offset in OFFSETS if offset < seconds)


@pytest.mark.parametrize("outage", [10, 60, 300, 3600], ids=["10s", "60s", "300s", "1h"])
def test_an_outage_of_the_department_system_loses_no_callback(
    site: Site, receiver, outage: int
) -> None:
    site.point_subscriptions_at(receiver.url, SECRET)
    receiver.secret = SECRET
    receiver.mode = "503"
    site.start_web()
    site.start_worker()
    site.start_sweeper()
    client = Client(site)
    with client.load(submitters=2, accepters=1):
        time.sleep(3)
    client.settle()
    assert_submissions_exactly_once(site, client)
    assert_dispatched_once(site, client)
    assert client.ledger.accepted, "nothing was dispatched"

    db = site.db
    created = {
        pk: db.when(at) for pk, at in db.rows("SELECT id, created_at FROM webhooks_outboxmessage")
    }
    start = min(created.values())  # the outage starts with the first callback
    shifted = reached = dt.timedelta(0)
    for _ in range(40):  # bounded: an hour is seven attempts
        time.sleep(1.5)  # the worker and the sweeper act on what is due
        planned = [
            db.when(at)
            for (at,) in db.rows(
                "SELECT next_attempt_at FROM webhooks_outboxmessage WHERE state = 'pending'"
            )
        ]
        if not planned:
            break
        now = dt.datetime.now(dt.UTC)
        wait = max(min(planned) - now, dt.timedelta(0))
        reached = now + shifted + wait - start  # on the controlled clock, at the next attempt
        if reached >= dt.timedelta(seconds=outage):
            receiver.mode = "ok"  # the department system is back for the next attempt
        site.advance_clock(wait)
        shifted += wait
    else:
        raise AssertionError("callbacks still pending after 40 rounds")

    rows = assert_callbacks_delivered_and_processed_once(site, receiver)
    assert reached >= dt.timedelta(seconds=outage)  # the outage was lived through
    for pk, attempts in db.rows("SELECT id, attempts FROM webhooks_outboxmessage"):
        # retried on the documented schedule, delivered at the first attempt after the outage
        down = outage - (created[pk] - start).total_seconds()
        assert attempts_within(down - SLACK) + 1 <= attempts <= attempts_within(down + SLACK) + 1
    print(
        f"\noutage {outage} s on {'SQLite' if db.sqlite else 'PostgreSQL'}: {len(rows)} "
        f"callbacks, {len(receiver.requests)} posts, all delivered, each processed once"
    )
