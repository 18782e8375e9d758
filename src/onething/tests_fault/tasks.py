"""A task for the heartbeat fault test: it notes each run, and its first run holds the worker
(as a long delivery would) until the test kills the worker."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task

HOLD_SECONDS = 300


@task()
def hold_first_run(marker: str) -> int:
    """Append a line to ``marker`` for this run; the first run then sleeps. Returns the run."""
    path = Path(marker)
    with path.open("a", encoding="utf-8") as notes:
        notes.write(f"run {os.getpid()}\n")
        notes.flush()
        os.fsync(notes.fileno())
    runs = len(path.read_text(encoding="utf-8").splitlines())
    if runs == 1:
        time.sleep(HOLD_SECONDS)
    return runs
