"""What the benchmarks share: latency percentiles and the memory of running processes."""

from __future__ import annotations

import statistics
import subprocess
from pathlib import Path


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 of ``samples`` (zeros when there are too few to cut)."""
    if len(samples) < 3:
        return (0.0, 0.0, 0.0)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def rss_mb(pid: int) -> float:
    """Resident set size of one process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in found.split()]


def tree_rss_mb(pid: int) -> float:
    """A process and its children (gunicorn's master and workers) together."""
    return sum(rss_mb(each) for each in [pid, *children(pid)])
