"""PostgreSQL restarted under load: requests fail cleanly and succeed on retry.

A throwaway PostgreSQL cluster of our own (never the shared server) on a free port; gunicorn
against it; client threads submitting. The cluster is restarted twice (``-m fast``, then
``-m immediate``, a crash). Every failed request must be a 503 with the JSON error body (Chinese
and English, no traceback); retried with the same Idempotency-Key it gets the same application,
never two; and nothing is stored in part.
"""

from __future__ import annotations

import glob
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .checks import assert_submissions_exactly_once
from .conftest import server_url
from .harness import Client, Site, free_port

pytestmark = pytest.mark.fault

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def as_postgres(*argv: str) -> list[str]:
    runuser = shutil.which("runuser")
    return [runuser, "-u", "postgres", "--", *argv] if runuser else list(argv)


@pytest.fixture
def cluster() -> Iterator[tuple[list[str], int]]:
    """(pg_ctl command line, port) of a fresh cluster; stopped and removed afterwards."""
    if not server_url():
        pytest.skip("PostgreSQL only: run with DATABASE_URL=postgres://…")
    if not BIN or not Path(BIN[-1], "initdb").exists():
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    try:
        import pwd

        owner = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("no postgres system user to own a throwaway cluster")
    bin_dir, port = Path(BIN[-1]), free_port()
    root = Path(tempfile.mkdtemp(prefix="onething-fault-pg-"))
    shutil.chown(root, owner.pw_uid, owner.pw_gid)
    data = root / "data"
    subprocess.run(
        as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"),
        check=True,
        capture_output=True,
        timeout=120,
    )
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c max_connections=50"
    ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log")]
    subprocess.run(as_postgres(*ctl, "-w", "start"), check=True, capture_output=True, timeout=60)
    try:
        yield ctl, port
    finally:
        subprocess.run(as_postgres(*ctl, "-m", "immediate", "stop"), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def test_a_restarted_database_fails_requests_cleanly_and_retries_succeed(
    cluster: tuple[list[str], int], tmp_path: Path
) -> None:
    ctl, port = cluster
    site = Site(f"postgres://postgres@127.0.0.1:{port}/postgres", tmp_path)
    site.prepare()
    try:
        site.start_web(workers=2)
        client = Client(site)
        with client.load(submitters=4, accepters=0):
            for mode in ("fast", "immediate"):
                time.sleep(2)
                subprocess.run(
                    as_postgres(*ctl, "-m", mode, "-w", "restart"),
                    check=True,
                    capture_output=True,
                    timeout=60,
                )
            time.sleep(2)

        failures = client.ledger.failures
        assert client.ledger.dropped == 0, "a request got no answer at all"
        assert failures, "no request met the restart: the test proved nothing"
        for reply in failures:
            assert reply.status == 503, reply.body[:500]
            assert reply.content_type.startswith("application/json")
            assert reply.data["code"] == "database_unavailable"
            assert reply.data["message"] and reply.data["message_en"]
            assert b"Traceback" not in reply.body
        client.settle(accept=False)
        assert_submissions_exactly_once(site, client)
        print(
            f"\nPostgreSQL restarted twice under load: {len(client.ledger.acked)} submissions "
            f"acknowledged, {len(failures)} answered 503, {client.ledger.dropped} cut off, "
            "all retried to exactly one application"
        )
    finally:
        site.close()
