"""A real HTTP receiver on 127.0.0.1 that checks signatures, dedupes by event id, and can fail."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from onething.conftest import department
from onething.webhooks.delivery import verify_signature
from onething.webhooks.services import subscription_create


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    signature_ok: bool

    @property
    def event_id(self) -> str:
        return self.headers["x-onething-event-id"]

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """``mode``: "ok" answers 200; "503" answers 503; "close" drops the connection unanswered;
    "slow" waits a second, then answers; "ack_lost" processes the event, then drops the
    connection (the sender cannot know it arrived, so it sends it again)."""

    url: str = ""
    secret: str = ""
    mode: str = "ok"
    requests: list[Received] = field(default_factory=list)
    processed: list[str] = field(default_factory=list)  # event ids, each processed once
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, headers: dict[str, str], body: bytes) -> int | None:
        """Record the request; the status to answer, or None to drop the connection."""
        signature_ok = verify_signature(
            self.secret,
            headers.get("x-onething-timestamp", ""),
            body,
            headers.get("x-onething-signature", ""),
        )
        with self.lock:
            self.requests.append(Received(headers, body, signature_ok))
            mode = self.mode
            if not signature_ok:
                return 401
            if mode in ("503", "close"):
                return 503 if mode == "503" else None
            event_id = headers["x-onething-event-id"]
            if event_id not in self.processed:  # the receiver's dedupe
                self.processed.append(event_id)
        if mode == "slow":
            time.sleep(1.0)
        return None if mode == "ack_lost" else 200

    @property
    def event_ids(self) -> list[str]:
        return [r.event_id for r in self.requests]


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = receiver.handle({k.lower(): v for k, v in self.headers.items()}, body)
            if status is None:
                self.close_connection = True
                return  # no answer at all: the client sees the connection closed
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (timeouts) is part of the tests


@pytest.fixture
def receiver():
    state = Receiver()
    server = _QuietServer(("127.0.0.1", 0), _handler_for(state))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/onething/callback"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)


@pytest.fixture
def health(org):
    return department("321183", "health")


@pytest.fixture
def subscription(receiver, health):
    created, secret = subscription_create(
        department=health, url=receiver.url, events=["task.released", "correction.answered"]
    )
    receiver.secret = secret
    return created
