"""The staff lists with a million applications in the database, on gunicorn and PostgreSQL.

    .venv/bin/python bench/list_bench.py [--applications 1000000] [--requests 300]
        [--clients 1] [--workers 3] [--database NAME] [--keep]
        [--write docs/benchmarks/lists.md]

Creates a throwaway PostgreSQL database (server from $DATABASE_URL, default
postgres://postgres@127.0.0.1:5432), migrates it, loads the regions, the catalog and the demo
accounts, and generates the applications with ``onething bulk`` (COPY; applicants, tasks and
timelines included); the database is dropped at the end. ``--database NAME`` uses (and keeps)
that database instead and only tops it up to ``--applications``, so the load is paid once.

Then it starts gunicorn on 127.0.0.1 (settings ``bench/benchsite``: DEBUG off, static files as
in production) and sends, from a bounded pool of client threads, a fixed number of GET requests
to each list, one list after the other, with the demo staff signed in:

- the task inbox of 句容市公安局 (approver ``approver``): the page's default (to do, most pressing
  first), every task on a later page, and the API a department system pulls (/api/v1/tasks);
- the application list of the 句容市 supervisor (``supervisor``, who sees every application the
  city leads or its residents filed): the first page of all, one status, a later page, and
  the default pre-review queue (awaiting acceptance or correction, oldest first), and a search
  by part of an application number.

It prints p50/p95/p99 per list against the target (p95 < 100 ms), and the resident memory of
the gunicorn processes and of a running task worker (``onething worker``) and outbox sweeper.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
from measure import (
    admin,
    children,
    percentiles,
    postgres_server,
    rss_mb,
    wait_until_serving,
    with_database,
)

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 100


def server_url() -> str:
    url = postgres_server()
    if url is None:
        raise SystemExit("bench/list_bench.py needs PostgreSQL ($DATABASE_URL postgres://…)")
    return url


def django_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchsite.settings",
            "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT / 'src'}",
            "DATABASE_URL": database_url,
            "ONETHING_LOG_LEVEL": "WARNING",
        }
    )
    return env


PREPARE = r"""
import json, sys, time, django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
from onething.accounts.models import User
from onething.accounts.services import token_issue
from onething.cases.models import Application, Task
from onething.catalog.models import OneThingVersion
from onething.org.models import Region
wanted = int(sys.argv[1])
if not Region.objects.exists():
    from onething.org.loader import load_org
    load_org()
if not OneThingVersion.objects.exists():
    from onething.catalog.loader import load_catalog
    load_catalog()
if not User.objects.filter(username="supervisor").exists():
    from onething.accounts.demo import load_demo
    load_demo()
have = Application.objects.count()
seconds = 0.0
if have < wanted:
    from onething.cases.bulk import bulk_load
    began = time.monotonic()
    bulk_load(applications=wanted - have, seed=have + 1,
              progress=lambda n: print(f"  loaded {n}", file=sys.stderr, flush=True))
    seconds = time.monotonic() - began
sessions = {}
for name in ("approver", "supervisor"):
    client = Client()
    client.force_login(User.objects.get(username=name))
    sessions[name] = client.cookies["sessionid"].value
approver = User.objects.get(username="approver")
_, secret = token_issue(user=approver, name="list bench")
department = approver.memberships.get().department
print(json.dumps({
    "applications": Application.objects.count(),
    "tasks": Task.objects.count(),
    "department_tasks": Task.objects.filter(department=department).count(),
    "department": department.name,
    "loaded": wanted - have if have < wanted else 0,
    "load_seconds": seconds,
    "sessions": sessions,
    "token": secret,
}))
"""


def prepare(env: dict[str, str], applications: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PREPARE, str(applications)],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=env, cwd=ROOT)


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    server = start(
        [sys.executable, "-m", "gunicorn", "onething.wsgi_bench:application"]  # noqa: RUF005 - one row, in lines
        + ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync"]
        + ["--log-level", "warning"],
        {**env, "ONETHING_WSGI_SETTINGS": "benchsite.settings"},
    )
    wait_until_serving(server, port, timeout=60)
    return server


def drive(
    port: int, path: str, headers: dict[str, str], requests: int, clients: int
) -> tuple[list[float], int]:
    """Send ``requests`` GETs from ``clients`` threads; latencies of the 200s, and errors."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    left = iter(range(requests))

    def client() -> None:
        nonlocal errors
        while True:
            with lock:
                if next(left, None) is None:
                    return
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            begin = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
            finally:
                conn.close()
            elapsed = (time.perf_counter() - begin) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def worker_memory(env: dict[str, str], settle: float = 8.0) -> dict[str, float]:
    """Start the task worker and the outbox sweeper as ``make demo`` does; their RSS."""
    python = [sys.executable, "-m", "onething"]
    processes = {
        "task worker": start([*python, "worker", "--queue-name", "default", "--no-reload"], env),
        "outbox sweeper": start([*python, "outbox", "sweep", "--loop", "--interval", "5"], env),
    }
    time.sleep(settle)
    memory = {name: rss_mb(p.pid) for name, p in processes.items()}
    for process in processes.values():
        process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    return memory


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300, help="per list")
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8798)
    parser.add_argument("--database", help="use and keep this database (topped up)")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()

    url = server_url()
    name = args.database or f"onething_listbench_{uuid.uuid4().hex[:8]}"
    if args.database is None:
        admin(url, f'CREATE DATABASE "{name}"')
    else:
        with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    env = django_env(with_database(url, name))
    try:
        began = time.monotonic()
        prepared = prepare(env, args.applications)
        prepare_seconds = time.monotonic() - began
        server = start_server(env, args.port, args.workers)
        try:
            rows = measure(args, prepared)
            gunicorn = {"master": rss_mb(server.pid)}
            for index, pid in enumerate(children(server.pid), 1):
                gunicorn[f"worker {index}"] = rss_mb(pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        workers = worker_memory(env)
    finally:
        if args.database is None and not args.keep:
            admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    report(args, prepared, prepare_seconds, rows, gunicorn, workers)


HOW = """How the lists stay fast at this size (``cases.selectors``, migration ``cases/0002``):

- the staff scope becomes lists of department and region ids before the query (no joins to
  regions, no DISTINCT): ``lead_department_id IN (…) OR jurisdiction_id IN (…)``;
- indexes in each list's order: applications newest first (all, per status) and the open ones
  oldest first, each carrying the scope columns and the key; tasks per department in the
  inbox order, for all tasks and (partial) for those to do;
- counts stop at 10,000 (``SELECT COUNT(*) FROM (… LIMIT 10001)``; the page shows "10000+");
- a page's keys are read first from the index (past the offset), then its 50 rows, so a later
  page costs about what the first costs; encrypted and bulky columns stay out of list queries;
- the search by part of a number uses a trigram index (``pg_trgm``, migration ``cases/0003``).

The load itself: ``onething bulk --applications N`` (``cases/bulk.py``) writes applicants,
applications, tasks, open correction notices and hash-chained timelines with COPY.
"""

LISTS = [
    # (name, path, who)
    ("inbox: to do, first page (page)", "/staff/tasks/", "approver"),
    ("inbox: all tasks, page 20 (page)", "/staff/tasks/?status=all&page=20", "approver"),
    ("inbox: released tasks (API)", "/api/v1/tasks?status=released", "token"),
    ("applications: all, first page", "/staff/cases/?status=all", "supervisor"),
    ("applications: one status (accepted)", "/staff/cases/?status=accepted", "supervisor"),
    ("applications: all, page 100", "/staff/cases/?status=all&page=100", "supervisor"),
    ("applications: pre-review queue", "/staff/cases/", "supervisor"),
    (
        "applications: search by part of a number",
        "/staff/cases/?status=all&q=0012345",
        "supervisor",
    ),
]


def measure(args: argparse.Namespace, prepared: dict) -> list[dict]:
    rows = []
    for name, path, who in LISTS:
        if who == "token":
            headers = {"Authorization": f"Bearer {prepared['token']}"}
        else:
            headers = {"Cookie": f"sessionid={prepared['sessions'][who]}"}
        drive(args.port, path, headers, 10, 1)  # warm up: caches, connections
        began = time.monotonic()
        latencies, errors = drive(args.port, path, headers, args.requests, args.clients)
        seconds = time.monotonic() - began
        p50, p95, p99 = percentiles(latencies)
        rows.append(
            {
                "name": name,
                "path": path,
                "count": len(latencies),
                "errors": errors,
                "rps": len(latencies) / seconds if seconds else 0,
                "p50": p50,
                "p95": p95,
                "p99": p99,
            }
        )
        print(f"{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, errors {errors}")
    return rows


def report(
    args: argparse.Namespace,
    prepared: dict,
    prepare_seconds: float,
    rows: list[dict],
    gunicorn: dict[str, float],
    workers: dict[str, float],
) -> None:
    loaded = (
        f"{prepared['loaded']:,} generated in {prepared['load_seconds']:.0f} s"
        if prepared["loaded"]
        else "already loaded"
    )
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}; PostgreSQL; "
        f"gunicorn {args.workers} sync workers; {args.clients} client threads on loopback, "
        f"{args.requests} requests per list after 10 to warm up.",
        "",
        f"Database: {prepared['applications']:,} applications, {prepared['tasks']:,} tasks "
        f"({loaded}; preparation {prepare_seconds:.0f} s in all); "
        f"{prepared['department']} holds {prepared['department_tasks']:,} tasks.",
        "",
        "| list | requests | errors | req/s | p50 ms | p95 ms | p99 ms | p95 < 100 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        verdict = "yes" if row["count"] and row["p95"] < TARGET_MS and not row["errors"] else "NO"
        lines.append(
            f"| {row['name']} `{row['path']}` | {row['count']} | {row['errors']} | "
            f"{row['rps']:.1f} | {row['p50']:.1f} | {row['p95']:.1f} | {row['p99']:.1f} | "
            f"{verdict} |"
        )
    lines += [
        "",
        "For comparison: Open Zaak's case list takes 140–240 ms (median) with about a million "
        "cases, on 10 pods.",
        "",
        "Memory (resident set size):",
        "",
        "| process | RSS MB |",
        "|---|---|",
    ]
    for name, mb in gunicorn.items():
        lines.append(f"| gunicorn {name} | {mb:.0f} |")
    lines.append(f"| gunicorn in all | {sum(gunicorn.values()):.0f} |")
    for name, mb in workers.items():
        lines.append(f"| {name} | {mb:.0f} |")
    text = "\n".join(lines)
    print(text)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        command = " ".join([".venv/bin/python bench/list_bench.py", *sys.argv[1:]])
        where = (
            f"on the database `{args.database}`, loaded by an earlier run; `make bench` loads a "
            "throwaway one"
            if args.database
            else "also run by `make bench`"
        )
        args.write.write_text(
            f"## Staff lists with {prepared['applications']:,} applications\n\n"
            f"Command: `{command}` ({where})\n\n{text}\n\n{HOW}",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
