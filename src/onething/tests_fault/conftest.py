"""Fixtures of the fault tests: a prepared database per test (copied from one prepared once per
session), the site's processes around it, and a department system that receives callbacks.

With ``DATABASE_URL=postgres://…`` the databases are throwaway ones on that server, created and
dropped here (``onething_fault_*``); otherwise SQLite files in temporary directories.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

# the department system's receiver of the webhook tests: signatures checked, dedupe by event id
from onething.webhooks.tests.conftest import receiver  # noqa: F401

from .harness import Site


def server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_execute(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(with_name(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def prepared_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict]]:
    """(database url, prepared data) of a database migrated and loaded once per session."""
    var_dir = tmp_path_factory.mktemp("fault-template")
    server = server_url()
    if server:
        name = f"onething_fault_tmpl_{uuid.uuid4().hex[:8]}"
        admin_execute(server, f'CREATE DATABASE "{name}"')
        url = with_name(server, name)
    else:
        url = f"sqlite:///{var_dir / 'db.sqlite3'}"
    try:
        site = Site(url, var_dir)
        yield url, site.prepare()
    finally:
        if server:
            admin_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def site(prepared_template: tuple[str, dict], tmp_path: Path) -> Iterator[Site]:
    """A fresh copy of the prepared database and a site around it (processes started by tests,
    all killed at the end)."""
    template, prepared = prepared_template
    server = server_url()
    if server:
        name = f"onething_fault_{uuid.uuid4().hex[:8]}"
        admin_execute(server, f'CREATE DATABASE "{name}" TEMPLATE "{urlsplit(template).path[1:]}"')
        url = with_name(server, name)
    else:
        source = Path(urlsplit(template).path)
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{source}{suffix}").exists():
                shutil.copy(f"{source}{suffix}", tmp_path / f"db.sqlite3{suffix}")
        url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    site = Site(url, tmp_path, prepared=prepared)
    try:
        yield site
    finally:
        site.close()
        if server:
            admin_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
