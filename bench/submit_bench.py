"""Submissions through the API under load, next to a bare one-row insert, on gunicorn.

    .venv/bin/python bench/submit_bench.py [--seconds 15] [--clients 6] [--workers 3]
        [--worker-class gthread|sync] [--threads 2] [--file-kb 0] [--warmup 3]
        [--write docs/benchmarks/submit.md]

Runs on a throwaway database (created here, dropped at the end) on the PostgreSQL server of
$DATABASE_URL, or on the local one at 127.0.0.1:5432 when it answers; with no PostgreSQL (or
DATABASE_URL=sqlite://…), on a SQLite file in a temporary directory. It migrates, loads the
regions, the catalog, the demo accounts and the sharing agreements, starts gunicorn on 127.0.0.1
(settings ``bench/benchsite``: the development stack with DEBUG off and static files served as
in production), then drives it from this process with a bounded pool of client threads for a
fixed time, one endpoint after the other:

- POST /bench/bare: one INSERT of one row, behind the same Django, the same middleware and the
  same database connection settings, but no API framework, no authentication, no JSON (the
  stack's practical limit on this machine);
- POST /api/v1/applications: a 5-item 新生儿出生 application (the situation answers choose 5 of
  its 9 items; 24 form fields; the 6 required materials as small PDF files, base64 in the
  JSON body, which is the API's only upload form), bearer token, its own Idempotency-Key each
  time, and the ``prefill_token`` and registry values a client gets from
  ``POST /api/v1/data/prefill/{code}`` beforehand, so shared data is not read a second time;
- POST /bench/floor: the same body and token, through everything any design must do before it
  acknowledges a submission (finding the caller, version, applicant and certificates held;
  parsing, decoding, hashing and checking; the sealed prefill; the 24 fields; the six files
  flushed to the disk), then one journal row instead of the application's rows: the most a
  submission could reach on this stack and machine;
- the floor again outside Django's request handling and ORM (``bench/benchsite/rawfloor.py``, a
  plain WSGI application on a second gunicorn at ``--port`` + 1, the reads as hand-written
  statements): where an intake outside Django would start;
- the whole submission outside Django (``bench/benchsite/rawintake.py``, on the same second
  gunicorn): the floor's work plus every row the platform writes, in hand-written SQL. Before
  it is measured, one submission to it and one to the platform, each with a fresh prefill,
  must have written the same rows (``rawintake.differences``), or the benchmark stops;
- with ``--file-kb N``, the same submission again with every file padded to N KB.

Each endpoint first gets ``--warmup`` seconds of untimed requests, so that every worker has
imported its modules, opened its database connection and filled its caches.

Every submission is checked, validated, stored (rows, files and the first timeline event,
committed in one transaction) and answered with its 201 before the next one is sent on that
connection. Sync workers close the connection after each response (gunicorn's sync worker has
no keep-alive), so clients reconnect; gthread workers keep connections alive.
Prints throughput and p50/p95/p99 latency, the ratio to the bare endpoint, the CPU the client
threads used (they share the machine), and the memory of the gunicorn processes.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from measure import (
    machine_busy_seconds,
    percentiles,
    postgres_cpu_seconds,
    postgres_server,
    throwaway_database,
    tree_cpu_seconds,
    tree_rss_mb,
    wait_until_serving,
)

ROOT = Path(__file__).resolve().parent.parent


def django_env(tmp: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchsite.settings",
            "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT / 'src'}",
            "ONETHING_VAR_DIR": tmp,
            "ONETHING_LOG_LEVEL": "WARNING",
        }
    )
    return env


# The situation answers that choose 5 of 新生儿出生's 9 items (出生医学证明、婚姻登记信息核验、
# 出生登记、社会保障卡申领、生育医疗待遇支付).
ANSWERS = {
    "parents_ethnicity": "same",
    "marital_birth": "yes",
    "medical_insurance": "no",
    "ss_card": "yes",
    "maternity": "yes",
    "vaccination": "no",
    "parenting": "no",
}


def prepare(env: dict[str, str]) -> tuple[str, dict]:
    code = r"""
import base64, json, sys, django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
from onething.org.loader import load_org
from onething.catalog.loader import load_catalog
from onething.accounts.demo import load_demo
from onething.accounts.models import User
from onething.accounts.services import token_issue
from onething.catalog.guide import compute_guide
from onething.catalog.selectors import version_current
from onething.cases.demo import submission
answers = json.loads(sys.argv[1])
from onething.datahub.demo import load_datahub_demo
load_org(); load_catalog(); load_demo(); load_datahub_demo()
with connection.cursor() as c:
    key = ("GENERATED BY DEFAULT AS IDENTITY" if connection.vendor == "postgresql"
           else "AUTOINCREMENT")
    c.execute("CREATE TABLE IF NOT EXISTS bench_row (id integer PRIMARY KEY %s, body text)" % key)
    c.execute("CREATE TABLE IF NOT EXISTS bench_journal (id integer PRIMARY KEY %s, "
              "user_id integer NOT NULL, key varchar(64) NOT NULL, digest varchar(64) NOT NULL, "
              "body text NOT NULL, UNIQUE (user_id, key))" % key)
_, secret = token_issue(user=User.objects.get(username="zhangsan"), name="bench")
version = version_current("JS-2022-07")
guide = compute_guide(version.snapshot, answers=answers)
assert len(guide.items) == 5, [i.name for i in guide.items]
payload = submission(guide, "JS-2022-07")
body = {"one_thing": "JS-2022-07", "answers": answers, "form": payload.form, "files": [
    {"material": u.material, "filename": u.filename,
     "content_base64": base64.b64encode(u.data).decode()} for u in payload.uploads]}
print(json.dumps({"token": secret, "body": body, "vendor": connection.vendor,
                  "items": [i.name for i in guide.items]}))
"""
    data = django_run(env, code, json.dumps(ANSWERS))
    return data["token"], data


def django_run(env: dict[str, str], code: str, *args: str) -> Any:
    """Run ``code`` in a Python with the benchmark's settings; the JSON of its last line."""
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


CHECKS = r"""
import base64, json, sys, time, django
django.setup()
from django.utils import timezone
from onething.accounts.models import User
from onething.accounts.selectors import person_for_user
from onething.cases.api import SubmissionIn
from onething.cases.checks import check_form
from onething.cases.services import Submission, Upload
from onething.cases.uploads import check_upload
from onething.catalog.guide import compute_guide_cached
from onething.catalog.selectors import version_current_cached
from onething.certificates.selectors import certificate_types_held
from onething.core.crypto import sm4_encrypt
from onething.datahub.services.provenance import api_form_key, prefill_open, prefill_settle
raw = sys.stdin.buffer.read()
actor = User.objects.get(username="zhangsan")
person = person_for_user(actor)
version = version_current_cached("JS-2022-07")
held = certificate_types_held(person)
form_key = api_form_key("JS-2022-07", person)

def checks():
    payload = SubmissionIn.model_validate(json.loads(raw))
    uploads = [Upload(material=f.material, filename=f.filename,
                      data=base64.b64decode(f.content_base64, validate=True))
               for f in payload.files]
    submission = Submission(one_thing=payload.one_thing, answers=payload.answers,
                            form=payload.form, uploads=uploads)
    submission.digest()
    guide = compute_guide_cached(version.snapshot, version_key=(version.pk, version.digest),
                                 version=version.number, answers=payload.answers,
                                 held_results=held, start=timezone.localdate())
    filled = prefill_open(payload.prefill_token, actor=actor, form_key=form_key) or {}
    settled = prefill_settle(form_fields=guide.form, filled=filled, values=payload.form)
    clean, problems = check_form(guide.form, settled.values, today=timezone.localdate())
    assert not problems and not settled.problems, (problems, settled.problems)
    for u in uploads:
        check_upload(u.filename, u.data, material=u.material, digest=u.sm3)
    sm4_encrypt(json.dumps(clean, ensure_ascii=False))

for _ in range(50):
    checks()
rounds = 500
begin = time.process_time()
for _ in range(rounds):
    checks()
print(json.dumps({"ms": (time.process_time() - begin) * 1000 / rounds}))
"""


def checks_alone(env: dict[str, str], body: dict) -> float:
    """CPU ms of what a submission must compute whatever stores it, in one process, no
    database: parse the JSON and its schema, decode and hash the six files and check their
    content, open the sealed prefill and hold the form against it, check the 24 fields,
    encrypt the form."""
    out = subprocess.run(
        [sys.executable, "-c", CHECKS],
        input=json.dumps(body).encode(),
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    return float(json.loads(out.decode().strip().splitlines()[-1])["ms"])


def start_server(
    env: dict[str, str],
    port: int,
    workers: int,
    worker_class: str,
    threads: int,
    app: str = "onething.wsgi_bench:application",
) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--keep-alive",
            "5",
        ],
        env={**env, "ONETHING_WSGI_SETTINGS": "benchsite.settings"},
        cwd=ROOT,
    )
    raw = "raw" in app  # answers 401 to a request without a token
    wait_until_serving(server, port, timeout=30, **({"path": "/", "expect": 401} if raw else {}))
    return server


def post(port: int, path: str, body: dict, headers: dict[str, str]) -> tuple[int, dict]:
    """POST JSON on loopback; the status and the JSON answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    answer = json.loads(response.read() or b"{}")
    conn.close()
    return response.status, answer


def prefill(port: int, token: str) -> tuple[str, dict[str, str]]:
    """What a client gets from the prefill endpoint before submitting: the sealed token and the
    registries' values, which it submits as they are (a locked one may not be changed)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    status, answer = post(port, "/api/v1/data/prefill/JS-2022-07", {"answers": ANSWERS}, headers)
    if status != 200:
        return "", {}
    values = {f["element"]: f["value"] for f in answer["fields"] if f["from_provider"]}
    return str(answer.get("prefill_token", "")), values


def same_rows(env: dict[str, str], port: int, token: str, body: dict) -> None:
    """Submit the same body once to the platform and once to the intake outside Django, each
    with a fresh prefill, and stop unless both wrote the same rows (``rawintake.differences``):
    the intake's figures count only if it does the platform's work."""
    numbers = []
    for where, path in [(port, "/api/v1/applications"), (port + 1, "/intake")]:
        sealed, registered = prefill(port, token)
        fresh = {**body, "prefill_token": sealed, "form": {**body["form"], **registered}}
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": uuid.uuid4().hex,
        }
        status, answer = post(where, path, fresh, headers)
        if status != 201:
            sys.exit(f"{path} answered {status}: {answer}")
        numbers.append(answer["number"])
    code = (
        "import json, sys, django; django.setup()\n"
        "from benchsite.rawintake import differences\n"
        "print(json.dumps(differences(*sys.argv[1:])))"
    )
    found = django_run(env, code, *numbers)
    if found:
        sys.exit(
            "the intake outside Django wrote other rows than the platform:\n" + "\n".join(found)
        )


def padded(body: dict, kb: int) -> dict:
    """The same submission with every file padded to ``kb`` KB (still a valid-looking PDF)."""
    files = []
    for item in body["files"]:
        data = base64.b64decode(item["content_base64"])
        data += b"%" + b"0" * max(0, kb * 1024 - len(data) - 1)
        files.append({**item, "content_base64": base64.b64encode(data).decode()})
    return {**body, "files": files}


def drive(
    port: int, path: str, make_body, headers, seconds: float, clients: int, expect: int
) -> tuple[int, list[float], int, float]:
    cpu = time.process_time()
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors = 0
    first_error: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            body, extra = make_body()
            begin = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers={**headers, **extra})
                response = conn.getresponse()
                answer = response.read()
                ok = response.status == expect
                failure = "" if ok else f"HTTP {response.status}: {answer[:300]!r}"
            except OSError as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok, failure = False, repr(exc)
            elapsed = (time.perf_counter() - begin) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1
                    first_error[:] = first_error or [failure]

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if first_error and errors * 100 > len(latencies):  # over 1% failed: not a measurement
        raise SystemExit(f"{path}: {errors} requests failed; the first: {first_error[0]}")
    return len(latencies), latencies, errors, time.process_time() - cpu


def summary(
    name: str, count: int, latencies: list[float], errors: int, client_cpu: float, seconds: float
) -> dict:
    p50, p95, p99 = percentiles(latencies)
    return {
        "name": name,
        "count": count,
        "errors": errors,
        "rps": count / seconds,
        "p50": p50,
        "p95": p95,
        "p99": p99,
        "client_cpu": client_cpu / seconds,
    }


WHAT = """\
What it does: gunicorn on 127.0.0.1 with the settings of `bench/benchsite` (the development
stack with DEBUG off); client threads in the bench process send requests for a fixed time, one
endpoint after the other. *bare insert* is `POST /bench/bare`: one `INSERT` of one row behind
the same Django, middleware and database settings, without the API framework, authentication or
JSON (the stack's practical limit here). *submit* is `POST /api/v1/applications`: a 5-item
新生儿出生 application (situation answers choose 5 of its 9 items; 24 form fields; 6 required
materials as small PDF files, base64 in the JSON body, the API's only upload form), a bearer
token, a fresh `Idempotency-Key` each time and the `prefill_token` from `POST
/api/v1/data/prefill/{code}`; each one is validated, its files written and flushed to the disk,
and its rows and first timeline event committed in one transaction before the 201. *floor* is `POST
/bench/floor` with the same body and token: it does what any design must do before it
acknowledges a submission (the token, version, applicant and certificates held found; the body
parsed, the files decoded, hashed and checked; the sealed prefill opened and held against the
form; the 24 fields checked; the six files written and flushed to the disk; the form encrypted)
and then stores the submission as one journal row (unique per caller and key), with no
application rows, materials, timeline event or provenance. *floor outside Django* is the same
work in a plain WSGI application (`bench/benchsite/rawfloor.py`) on a second gunicorn, with
Django set up only for its settings and database connection. *intake outside Django* is the
whole submission there (`bench/benchsite/rawintake.py`): the floor's work and every row the
platform writes (the application, its materials, the idempotency key, the first hash-chained
event, where each form value came from, the registry reads linked), the reads and writes in
hand-written SQL, the writes in two statements; before it is measured, one submission to it and
one to the platform with the same body must have written the same rows, or the benchmark stops.
*files N KB*
is the same with every file padded to N KB. Each row follows a few seconds of untimed warm-up.
Client CPU is what the load generator itself used (it shares the two cores with the server and
PostgreSQL). CPU per request is read from `/proc` over the timed seconds: the gunicorn
processes (*web*), every PostgreSQL server process (*database*), and all cores busy (*whole
machine*, the load generator and anything else running included), divided by the requests
answered."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--file-kb", type=int, default=0, help="add a row with files of N KB")
    parser.add_argument("--warmup", type=float, default=3, help="untimed seconds per endpoint")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    server = postgres_server()
    database = throwaway_database(server, "onething_submitbench") if server else nullcontext("")
    with tempfile.TemporaryDirectory() as tmp, database as url:
        env = django_env(tmp)
        if url:
            env["DATABASE_URL"] = url
        token, prepared = prepare(env)
        server = start_server(env, args.port, args.workers, args.worker_class, args.threads)
        try:
            auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            body = dict(prepared["body"])
            sealed, registered = prefill(args.port, token)
            if sealed:
                body["prefill_token"] = sealed
                body["form"] = {**body["form"], **registered}

            def run_on(
                process: subprocess.Popen[bytes],
                port: int,
                name: str,
                path: str,
                raw: bytes,
                headers: dict[str, str],
                keyed: bool = True,
            ) -> dict:
                def make() -> tuple[bytes, dict[str, str]]:
                    return raw, ({"Idempotency-Key": uuid.uuid4().hex} if keyed else {})

                if args.warmup:  # every worker imports, connects and fills its caches first
                    drive(port, path, make, headers, args.warmup, args.clients, 201)
                before = (tree_cpu_seconds(process.pid), postgres_cpu_seconds())
                busy = machine_busy_seconds()
                driven = drive(port, path, make, headers, args.seconds, args.clients, 201)
                row = summary(name, *driven, args.seconds)
                per_request = 1000 / max(driven[0], 1)
                row["web_ms"] = (tree_cpu_seconds(process.pid) - before[0]) * per_request
                row["db_ms"] = (postgres_cpu_seconds() - before[1]) * per_request
                row["machine_ms"] = (machine_busy_seconds() - busy) * per_request
                return row

            def run(name: str, path: str, raw: bytes, headers: dict[str, str], keyed: bool) -> dict:
                return run_on(server, args.port, name, path, raw, headers, keyed)

            raw = json.dumps(body).encode()
            rows = [
                run("bare insert", "/bench/bare", b"x", {}, False),
                run("submit 新生儿出生 (5 items)", "/api/v1/applications", raw, auth, True),
                run("floor: checks, files, one journal row", "/bench/floor", raw, auth, True),
            ]
            outside = start_server(
                env,
                args.port + 1,
                args.workers,
                args.worker_class,
                args.threads,
                app="benchsite.rawintake:application",
            )
            try:
                same_rows(env, args.port, token, body)
                rows.append(
                    run_on(outside, args.port + 1, "floor outside Django", "/floor", raw, auth)
                )
                rows.append(
                    run_on(
                        outside,
                        args.port + 1,
                        "intake outside Django: every row, hand-written SQL",
                        "/intake",
                        raw,
                        auth,
                    )
                )
            finally:
                outside.terminate()
                outside.wait(timeout=20)
            if args.file_kb:
                rows.append(
                    run(
                        f"submit, files of {args.file_kb} KB",
                        "/api/v1/applications",
                        json.dumps(padded(body, args.file_kb)).encode(),
                        auth,
                        True,
                    )
                )
            memory = tree_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=20)
        checks_ms = checks_alone(env, body)
    ratio = rows[1]["rps"] / rows[0]["rps"] if rows[0]["rps"] else 0
    threads = f", {args.threads} threads each" if args.worker_class == "gthread" else ""
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, load average {load:.1f} at the "
        f"start (other work on the machine skews absolute figures; compare ratios); database "
        f"{prepared['vendor']}; gunicorn {args.workers} {args.worker_class} workers{threads}; "
        f"{args.clients} client threads for {args.seconds:.0f} s per row after "
        f"{args.warmup:.0f} s of untimed warm-up, on loopback"
        f"{'' if sealed else '; no prefill token (the API offered none)'}.",
        "",
        "| endpoint | requests | errors | req/s | p50 ms | p95 ms | p99 ms | client CPU "
        "| CPU ms per request: web | database | whole machine |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} | {row['count']} | {row['errors']} | {row['rps']:.1f} | "
            f"{row['p50']:.1f} | {row['p95']:.1f} | {row['p99']:.1f} | "
            f"{row['client_cpu'] * 100:.0f}% | {row['web_ms']:.1f} | {row['db_ms']:.1f} | "
            f"{row['machine_ms']:.1f} |"
        )
    server_ms = rows[1]["web_ms"] + rows[1]["db_ms"]
    bare_ms = rows[0]["machine_ms"]
    lines += [
        "",
        f"Submissions / bare inserts: {ratio:.2f}× (target ≥ 0.5×, and ≥ 300/s).",
        f"A submission costs the web server and PostgreSQL {server_ms:.1f} ms of CPU: 300 a "
        f"second would need {300 * server_ms / 1000:.1f} cores for them alone "
        f"(this machine has {os.cpu_count()}).",
        f"The checks alone (parse, decode and hash the files, open the sealed prefill, check "
        f"the fields, encrypt the form; in one process, no database) take {checks_ms:.1f} ms "
        f"of CPU. At 0.5× the bare endpoint a submission could cost the machine "
        f"{2 * bare_ms:.1f} ms in all, its {bare_ms:.1f} ms of HTTP, Django and an insert "
        f"included.",
        f"The floor does only what any design must do before a 201 and writes one journal row "
        f"instead of the application: {rows[2]['rps']:.1f}/s, {rows[2]['machine_ms']:.1f} ms of "
        f"the machine each ({rows[2]['rps'] / rows[0]['rps'] if rows[0]['rps'] else 0:.2f}× the "
        f"bare endpoint). That is the most a submission could reach on this stack and machine "
        f"with nothing of the application written yet.",
        f"Outside Django's request handling and ORM, the floor costs the machine "
        f"{rows[3]['machine_ms']:.1f} ms; the whole submission there, every row the platform "
        f"writes in hand-written SQL, {rows[4]['rps']:.1f}/s at {rows[4]['machine_ms']:.1f} ms "
        f"each. 300 a second on {os.cpu_count()} cores allows "
        f"{1000 * (os.cpu_count() or 1) / 300:.1f} ms.",
        f"Memory of gunicorn (master + workers): {memory:.0f} MB RSS.",
    ]
    print("\n".join(lines))
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        command = " ".join(
            [".venv/bin/python bench/submit_bench.py"]
            + [a for a in sys.argv[1:] if a != "--write" and a != str(args.write)]
            + [f"--write {args.write}"]
        ).strip()
        args.write.write_text(
            f"## Submissions\n\nCommand: `{command}` (also run by `make bench`)\n\n"
            + "\n".join(lines)
            + "\n\n"
            + WHAT
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
