"""Fixtures for the data hub: the demo accounts and the demo records of every local provider,
and a real provider server on 127.0.0.1 for the HTTP provider."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from onething.accounts.demo import load_demo
from onething.accounts.models import User
from onething.catalog.guide import compute_guide
from onething.catalog.selectors import version_current
from onething.conftest import department
from onething.datahub.demo import load_datahub_demo
from onething.datahub.providers.http import verify_signature

NEWBORN = "JS-2022-07"
MARRIAGE = "JS-2022-08"
COMPANY = "JS-2022-01"


@pytest.fixture
def demo(catalog):
    load_demo()
    load_datahub_demo()


@pytest.fixture
def user():
    return lambda name: User.objects.get(username=name)


@pytest.fixture
def health(org):
    """句容市卫生健康委员会, lead of 新生儿出生."""
    return department("321183", "health")


@pytest.fixture
def guide_of(catalog):
    def make(code: str, **answers):
        version = version_current(code)
        return compute_guide(
            version.snapshot, version=version.number, answers=answers, start=timezone.localdate()
        )

    return make


@pytest.fixture
def newborn_guide(guide_of):
    return guide_of(NEWBORN)


# ---------------------------------------------------------------- a real provider over HTTP


@dataclass
class ProviderServer:
    """A population register another department runs. ``mode``: "ok" answers from ``records``;
    "slow" sleeps ``delay`` seconds first; "garbage" answers HTML; "json_garbage" answers JSON of
    the wrong shape; "extra" answers a field nobody asked for; "flaky" answers 503 ``failures``
    times, then as "ok". A request with a bad signature gets 401."""

    url: str = ""
    secret: str = "provider-shared-secret"
    mode: str = "ok"
    delay: float = 1.0
    failures: int = 0
    records: dict[str, dict[str, object]] = field(default_factory=dict)
    requests: list[dict[str, object]] = field(default_factory=list)
    corrections: list[dict[str, object]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        signed = verify_signature(
            self.secret,
            headers.get("x-onething-timestamp", ""),
            body,
            headers.get("x-onething-signature", ""),
        )
        with self.lock:
            self.requests.append({"path": path, "headers": headers, "signed": signed})
            mode = self.mode
            if mode == "flaky" and self.failures > 0:
                self.failures -= 1
                return 503, b"busy"
        if not signed:
            return 401, b'{"error":"bad signature"}'
        document = json.loads(body)
        if path.endswith("/corrections"):
            with self.lock:
                self.corrections.append(document)
                record = self.records.setdefault(document["subject"]["id"], {})
                record[document["field"]] = document["value"]
            return 200, b'{"ok":true}'
        if mode == "slow":
            time.sleep(self.delay)
        if mode == "garbage":
            return 200, b"<html><body>Service Unavailable</body></html>"
        if mode == "json_garbage":
            return 200, b'{"data": ["not", "a", "mapping"]}'
        found = self.records.get(document["subject"]["id"])
        if found is None:
            return 404, b'{"data":{}}'
        data = {k: v for k, v in found.items() if k in document["fields"]}
        if mode == "extra":
            data["secret_field"] = "x"
        return 200, json.dumps({"data": data}, ensure_ascii=False).encode()


@pytest.fixture
def provider_server():
    server_state = ProviderServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, payload = server_state.answer(self.path, headers, body)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server_state.url = f"http://127.0.0.1:{server.server_address[1]}/share/v1/query"
    yield server_state
    server.shutdown()
    server.server_close()


@pytest.fixture
def remote_population(settings, provider_server):
    """Point the population resource at the provider server (as a deployment would)."""

    def configure(**overrides):
        config = {
            "url": provider_server.url,
            "secret": provider_server.secret,
            "client_id": "jr-onething",
            "timeout": 1.0,
            "retries": 2,
            "backoff": 0.01,
            "correction_url": provider_server.url.rsplit("/", 1)[0] + "/corrections",
        }
        config.update(overrides)
        settings.ONETHING_DATA_PROVIDERS = {"population": config}
        return provider_server

    return configure
