"""kill -9 of a task worker in the middle of a task: its heartbeat falls silent and the sweeper
gives the task to the next worker, with no clock moved and long before the 15-minute age rule.

The worker beats every second here and counts as dead after eight seconds of silence
(``ONETHING_WORKER_BEAT_SECONDS``, ``ONETHING_WORKER_SILENT_SECONDS``; 10 and 60 by default).
"""

from __future__ import annotations

import time

import pytest

from .harness import Site, wait_until

pytestmark = pytest.mark.fault

SILENT = 8
TASK = "onething.tests_fault.tasks.hold_first_run"
STATUS = "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE task_path = %s"


def test_the_task_of_a_killed_worker_goes_to_the_next_one_once_its_heartbeat_is_silent(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONETHING_WORKER_BEAT_SECONDS", "1")
    monkeypatch.setenv("ONETHING_WORKER_SILENT_SECONDS", str(SILENT))
    marker = site.var_dir / "runs.txt"
    site.start_worker()
    site.enqueue(TASK, str(marker))
    wait_until(marker.exists, timeout=60, what="the worker to start the task")
    held_by = site.worker_ids[-1]
    assert site.db.rows(STATUS, (TASK,))[0][0] == "RUNNING"

    site.kill("worker")
    killed_at = time.monotonic()
    site.start_worker()  # a new worker, with its own heartbeat
    site.manage("outbox", "sweep")  # the sweeper's look: the heartbeat is not silent yet
    if time.monotonic() - killed_at < SILENT - 1:
        assert site.db.rows(STATUS, (TASK,))[0][0] == "RUNNING"

    time.sleep(max(0.0, killed_at + SILENT + 1 - time.monotonic()))
    site.manage("outbox", "sweep")  # silent now: the task goes back in the queue
    wait_until(
        lambda: site.db.rows(STATUS, (TASK,))[0][0] == "SUCCESSFUL",
        timeout=60,
        what="the next worker to run the task",
    )
    holders = site.db.json(site.db.rows(STATUS, (TASK,))[0][1])
    runs = marker.read_text(encoding="utf-8").splitlines()
    assert len(runs) == 2, runs  # the killed run, and one more: not a third
    assert holders == [held_by, site.worker_ids[-1]]
    beats = dict(site.db.rows("SELECT worker_id, pid FROM core_workerbeat"))
    assert held_by in beats and site.worker_ids[-1] in beats  # the dead one's row stays a day
