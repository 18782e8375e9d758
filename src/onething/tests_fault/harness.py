"""Real processes for the fault tests: the web server, the task worker, the outbox sweeper, a
client that remembers what it was told, and raw access to the database they share.

Everything listens on 127.0.0.1; every loop is bounded in time and count.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import onething

ROOT = Path(onething.__file__).resolve().parent.parent.parent
SETTINGS = "onething.tests_fault.sitesettings"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")


# The database, seen from the test process ------------------------------------------------------


class Database:
    """Plain SQL on the site's database (SQLite file or PostgreSQL); ``%s`` placeholders."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite")

    def _connect(self) -> Any:
        if self.sqlite:
            return sqlite3.connect(urlsplit(self.url).path, timeout=30)
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        connection = self._connect()
        try:
            cursor = connection.execute(self._sql(sql), params)
            return list(cursor.fetchall())
        finally:
            connection.close()

    def value(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.rows(sql, params)[0][0]

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        connection = self._connect()
        try:
            connection.execute(self._sql(sql), params)
            connection.commit()
        finally:
            connection.close()

    def _sql(self, sql: str) -> str:
        return sql.replace("%s", "?") if self.sqlite else sql

    # Django keeps datetimes in SQLite as naive UTC text, in PostgreSQL as timestamptz.
    def when(self, value: Any) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)

    def stored(self, value: dt.datetime) -> Any:
        if self.sqlite:
            return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        return value

    def json(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


# The site: processes around one database -------------------------------------------------------


@dataclass
class Site:
    database_url: str
    var_dir: Path
    prepared: dict[str, Any] = field(default_factory=dict)
    port: int = 0
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    worker_ids: list[str] = field(default_factory=list)  # of each worker started, the last running

    def __post_init__(self) -> None:
        self.port = self.port or free_port()
        self.db = Database(self.database_url)

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": SETTINGS,
                "DATABASE_URL": self.database_url,
                "ONETHING_VAR_DIR": str(self.var_dir),
                "PYTHONPATH": str(ROOT / "src"),
            }
        )
        return env

    def _run(self, module: str, *argv: str, timeout: float) -> str:
        """``python -m module argv…`` with the site's settings and database; its output."""
        return subprocess.run(
            [sys.executable, "-m", module, *argv],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        ).stdout

    def prepare(self) -> dict[str, Any]:
        out = self._run("onething.tests_fault.prepare", timeout=180)
        self.prepared = json.loads(out.strip().splitlines()[-1])
        return self.prepared

    def point_subscriptions_at(self, url: str, secret: str) -> None:
        self.db.execute("UPDATE webhooks_subscription SET url = %s, secret = %s", (url, secret))

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = open(self.var_dir / f"{name}.log", "ab")  # noqa: SIM115 (kept by the process)
        process = subprocess.Popen(
            argv, env=self.env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
        )
        log.close()
        self.processes[name] = process
        return process

    def start_web(self, workers: int = 2) -> None:
        self._spawn(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "onething.wsgi_bench:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
        )
        wait_until(self.web_up, timeout=60, what="gunicorn to answer")

    def web_up(self) -> bool:
        if self.processes["web"].poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{self.log('web')[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            conn.request("GET", "/api/v1/org/regions")
            return conn.getresponse().status == 200
        except OSError:
            return False

    def start_worker(self) -> None:
        self.worker_ids.append(f"fault-worker-{len(self.worker_ids) + 1}")
        self._spawn(
            "worker",
            [
                sys.executable,
                "-m",
                "onething",
                "worker",
                "--worker-id",
                self.worker_ids[-1],
                "--queue-name",
                "default",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
            ],
        )

    def start_sweeper(self, interval: float = 1.0) -> None:
        self._spawn(
            "sweeper",
            [
                sys.executable,
                "-m",
                "onething",
                "outbox",
                "sweep",
                "--loop",
                "--interval",
                str(interval),
            ],
        )

    def manage(self, *argv: str) -> str:
        """One ``onething`` command against the site's database; its output."""
        return self._run("onething", *argv, timeout=120)

    def enqueue(self, task_path: str, *args: str) -> None:
        """Queue a background task (by its import path) for the site's worker."""
        self.manage(
            "shell",
            "-c",
            "from django.utils.module_loading import import_string; "
            f"import_string({task_path!r}).enqueue(*{list(args)!r})",
        )

    def web_workers(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.processes["web"].pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]

    def kill(self, name: str) -> None:
        """kill -9 of the process and everything it started (gunicorn's workers)."""
        process = self.processes.pop(name)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def close(self) -> None:
        for name in list(self.processes):
            self.kill(name)

    def log(self, name: str) -> str:
        path = self.var_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # the clock, for the outbox: move it forward by moving what is planned back ---------------

    def advance_clock(self, by: dt.timedelta) -> None:
        """As if ``by`` passed for the outbox: every pending message's planned attempt, lease
        and age, and every deferred task, come ``by`` closer. The real processes keep running."""
        db = self.db
        for pk, next_at, created in db.rows(
            "SELECT id, next_attempt_at, created_at FROM webhooks_outboxmessage "
            "WHERE state = 'pending'"
        ):
            db.execute(
                "UPDATE webhooks_outboxmessage SET next_attempt_at = %s, created_at = %s "
                "WHERE id = %s AND next_attempt_at = %s",
                (
                    db.stored(db.when(next_at) - by),
                    db.stored(db.when(created) - by),
                    pk,
                    next_at,
                ),
            )
        now = dt.datetime.now(dt.UTC)
        for pk, run_after in db.rows(
            "SELECT id, run_after FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
        ):
            when = db.when(run_after)
            if now < when < now + dt.timedelta(days=365):
                db.execute(
                    "UPDATE django_tasks_database_dbtaskresult SET run_after = %s WHERE id = %s",
                    (db.stored(when - by), pk),
                )

    def recover_lost_work(self, *, timeout: float = 60) -> tuple[int, int]:
        """As if the sweeper's grace periods had passed: the heartbeats of killed workers fell
        silent ten minutes ago (and tasks left RUNNING started a day ago), unsent messages were
        written ten minutes ago. Waits until the running sweeper has requeued them and the
        worker has run them; returns how many of each."""
        db, now = self.db, dt.datetime.now(dt.UTC)
        db.execute(
            "UPDATE core_workerbeat SET beat_at = %s WHERE worker_id <> %s",
            (db.stored(now - dt.timedelta(minutes=10)), self.worker_ids[-1]),
        )
        running = "FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
        unsent = "FROM notify_message WHERE sent_at IS NULL AND error = '' AND channel <> 'inapp'"
        counts = (db.value(f"SELECT COUNT(*) {running}"), db.value(f"SELECT COUNT(*) {unsent}"))
        db.execute(
            "UPDATE django_tasks_database_dbtaskresult SET started_at = %s "
            "WHERE status = 'RUNNING'",
            (db.stored(now - dt.timedelta(days=1)),),
        )
        db.execute(
            "UPDATE notify_message SET created_at = %s "
            "WHERE sent_at IS NULL AND error = '' AND channel <> 'inapp'",
            (db.stored(now - dt.timedelta(minutes=10)),),
        )
        wait_until(
            lambda: (
                db.value(f"SELECT COUNT(*) {running}") == 0
                and db.value(f"SELECT COUNT(*) {unsent}") == 0
            ),
            timeout=timeout,
            what="the sweeper to requeue lost tasks and messages and the worker to run them",
        )
        return counts

    def drain_outbox(self, *, rounds: int = 40) -> dt.timedelta:
        """Let the running worker and sweeper deliver every pending message, moving the clock to
        the next planned attempt (or the end of a lease) whenever nothing is due; returns how far
        the clock moved."""
        moved = dt.timedelta(0)
        for _ in range(rounds):
            planned = [
                self.db.when(at)
                for (at,) in self.db.rows(
                    "SELECT next_attempt_at FROM webhooks_outboxmessage WHERE state = 'pending'"
                )
            ]
            if not planned:
                return moved
            wait = min(planned) - dt.datetime.now(dt.UTC)
            if wait > dt.timedelta(seconds=1):
                self.advance_clock(wait)
                moved += wait
            time.sleep(1.5)
        raise AssertionError(f"callbacks still pending after {rounds} rounds")


# The client ------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes

    @property
    def data(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Ledger:
    """What the clients were told. ``acked`` maps each Idempotency-Key that got a 201 or 200 to
    the application number in that answer; ``unsure`` holds keys whose outcome the client never
    learned (a dropped connection, an error answer)."""

    acked: dict[str, str] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)  # key -> how many 201s
    unsure: set[str] = field(default_factory=set)
    failures: list[Reply] = field(default_factory=list)
    dropped: int = 0
    mismatches: list[str] = field(default_factory=list)
    accepted: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """Submits 新生儿出生 applications, each with its own Idempotency-Key, and as the lead
    department accepts the acknowledged ones (which dispatches their tasks)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.body = json.dumps(site.prepared["body"]).encode()
        self.ledger = Ledger()

    def _request(
        self, conn: http.client.HTTPConnection, method: str, path: str, token: str, **headers: str
    ) -> Reply:
        body = self.body if path == "/api/v1/applications" else b"{}"
        conn.request(
            method,
            path,
            body=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                **headers,
            },
        )
        response = conn.getresponse()
        return Reply(response.status, response.getheader("Content-Type", ""), response.read())

    def _connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.site.port, timeout=30)

    def submit(self, conn: http.client.HTTPConnection, key: str) -> Reply:
        ledger = self.ledger
        reply = self._request(
            conn,
            "POST",
            "/api/v1/applications",
            self.site.prepared["applicant"],
            **{"Idempotency-Key": key},
        )
        with ledger.lock:
            if reply.status in (200, 201):
                number = reply.data["number"]
                first = ledger.acked.setdefault(key, number)
                if first != number:
                    ledger.mismatches.append(f"{key}: {first} then {number}")
                if reply.status == 201:
                    ledger.created[key] = ledger.created.get(key, 0) + 1
                ledger.unsure.discard(key)
            else:
                ledger.failures.append(reply)
                ledger.unsure.add(key)
        return reply

    def accept(self, conn: http.client.HTTPConnection, number: str) -> Reply:
        token = self.site.prepared["coordinator"]
        reply = self._request(conn, "POST", f"/api/v1/applications/{number}/accept", token)
        if reply.status == 200 or (
            reply.status == 409 and self._status(conn, number) == "accepted"
        ):  # an earlier attempt went through, only its answer was lost
            with self.ledger.lock:
                self.ledger.accepted.add(number)
        return reply

    def _status(self, conn: http.client.HTTPConnection, number: str) -> str:
        token = self.site.prepared["coordinator"]
        reply = self._request(conn, "GET", f"/api/v1/applications/{number}", token)
        return str(reply.data.get("status")) if reply.status == 200 else ""

    def _next_key(self) -> str:
        with self.ledger.lock:
            if self.ledger.unsure and random.random() < 0.5:
                return random.choice(sorted(self.ledger.unsure))
        return uuid.uuid4().hex

    def _to_accept(self) -> str | None:
        with self.ledger.lock:
            waiting = [n for n in self.ledger.acked.values() if n not in self.ledger.accepted]
        return random.choice(waiting) if waiting else None

    def _loop(self, stop: threading.Event, step: Callable[[http.client.HTTPConnection], Any]):
        conn = self._connection()
        while not stop.is_set():
            try:
                step(conn)
            except (OSError, http.client.HTTPException):
                with self.ledger.lock:
                    self.ledger.dropped += 1
                conn.close()
                conn = self._connection()
                stop.wait(0.1)
        conn.close()

    def _submit_step(self, conn: http.client.HTTPConnection) -> None:
        key = self._next_key()
        with self.ledger.lock:
            self.ledger.unsure.add(key)  # until an answer says otherwise
        self.submit(conn, key)

    def _accept_step(self, conn: http.client.HTTPConnection) -> None:
        number = self._to_accept()
        if number is None:
            time.sleep(0.05)
            return
        self.accept(conn, number)

    @contextmanager
    def load(self, submitters: int = 3, accepters: int = 1) -> Iterator[None]:
        """Client threads submitting and accepting until the block ends."""
        stop = threading.Event()
        threads = [
            threading.Thread(target=self._loop, args=(stop, self._submit_step), daemon=True)
            for _ in range(submitters)
        ] + [
            threading.Thread(target=self._loop, args=(stop, self._accept_step), daemon=True)
            for _ in range(accepters)
        ]
        for thread in threads:
            thread.start()
        try:
            yield
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=40)

    def settle(self, *, accept: bool = True, rounds: int = 5) -> None:
        """After the faults: retry every unsure key with the same Idempotency-Key, and accept
        every acknowledged application not yet accepted."""
        conn = self._connection()
        try:
            for _ in range(rounds):
                for key in sorted(self.ledger.unsure):
                    self.submit(conn, key)
                if accept:
                    for number in sorted(set(self.ledger.acked.values()) - self.ledger.accepted):
                        self.accept(conn, number)
                if not self.ledger.unsure and (
                    not accept or set(self.ledger.acked.values()) <= self.ledger.accepted
                ):
                    return
                time.sleep(1)
        finally:
            conn.close()
