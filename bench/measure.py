"""What the benchmarks share: latency percentiles, the memory of running processes, and
throwaway PostgreSQL databases."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


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


# CPU time: what a request costs the machine ----------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()  # after "pid (comm) "


def process_cpu_seconds(pid: int, *, reaped: bool = True) -> float:
    """User and system CPU of a process, with its reaped children's when ``reaped`` (0 if gone).

    A child that exits is added to its parent's children times when the parent reaps it, so
    a parent's total plus its living children's covers everything the tree has used."""
    try:
        fields = _stat_fields(pid)
    except OSError:
        return 0.0
    own = int(fields[11]) + int(fields[12])  # utime, stime
    waited = int(fields[13]) + int(fields[14]) if reaped else 0  # cutime, cstime
    return (own + waited) / TICKS


def tree_cpu_seconds(pid: int) -> float:
    """A process tree (gunicorn's master and workers) in CPU seconds so far."""
    return process_cpu_seconds(pid) + sum(
        process_cpu_seconds(child, reaped=False) for child in children(pid)
    )


def postgres_cpu_seconds() -> float:
    """Every PostgreSQL server process on this machine (the postmaster with its reaped
    backends, and the living ones), in CPU seconds so far; 0 when none can be read."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            if comm != "postgres":
                continue
            parent = int(_stat_fields(int(entry.name))[1])
            parent_comm = Path(f"/proc/{parent}/comm").read_text().strip()
        except (OSError, IndexError, ValueError):
            continue
        total += process_cpu_seconds(int(entry.name), reaped=parent_comm != "postgres")
    return total


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent not idle since boot (from /proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / TICKS


# PostgreSQL databases of a benchmark run --------------------------------------------------------

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def postgres_server() -> str | None:
    """The PostgreSQL server to bench on: $DATABASE_URL when it names one, else the local
    server when it answers; None when there is none (the caller falls back or stops)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    if url:
        return None  # an explicit non-PostgreSQL database (sqlite://…)
    with socket.socket() as probe:
        probe.settimeout(2)
        return DEFAULT_SERVER if probe.connect_ex(("127.0.0.1", 5432)) == 0 else None


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def throwaway_database(server: str, prefix: str) -> Iterator[str]:
    """A new, empty database on ``server`` for the run, dropped at the end; yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin(server, f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server, name)
    finally:
        admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until_serving(
    server: subprocess.Popen[bytes],
    port: int,
    *,
    timeout: float,
    path: str = "/api/v1/org/regions",
    expect: int = 200,
) -> None:
    """Wait for the gunicorn just started to answer ``path`` on ``port`` with ``expect``; kill
    it and stop if it does not."""
    import http.client
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == expect:
                return
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not start")
