"""A real provider reached over HTTP, with signed requests, a timeout and retries.

The request is a POST of JSON::

    {"request_id": "…", "resource": "population",
     "subject": {"type": "person", "id": "<公民身份号码>"}, "fields": ["name", "ethnicity"]}

with the headers ``X-OneThing-Client`` (our client id), ``X-OneThing-Timestamp`` (Unix seconds)
and ``X-OneThing-Signature: hmac-sm3=<hex>``: the HMAC-SM3, keyed with the shared secret's UTF-8
bytes, of ``f"{timestamp}.{body}"`` — the scheme the platform's webhooks use, so a department
verifies both with the same few lines (``verify_signature`` below).

The provider answers ``200 {"data": {"name": "张三", …}}`` (fields it does not hold left out) or
``404`` when it does not know the subject. Everything else — a refused connection, a timeout, a
5xx, a body that is not such a JSON object, a field nobody asked for — is ``ProviderUnavailable``.
Connection failures, timeouts and 5xx answers are tried again ``retries`` times, ``backoff``
seconds apart (growing linearly); a 4xx or a garbled answer is not.

A correction (数据回流) is POSTed the same way to ``correction_url`` when one is configured:
``{"request_id", "resource", "subject", "field", "value"}``; any 2xx answer accepts it.
"""

from __future__ import annotations

import hmac as std_hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, hmac

from ..base import DataProvider, ProviderUnavailable, SubjectKind, SubjectRef, Value

logger = logging.getLogger(__name__)

SIGNATURE_SCHEME = "hmac-sm3"
USER_AGENT = "OneThing-DataHub/1"
MAX_BODY = 1024 * 1024


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``hmac-sm3=<hex>`` over ``f"{timestamp}.{body}"`` with the secret's UTF-8 bytes."""
    mac = hmac.HMAC(secret.encode(), hashes.SM3())
    mac.update(timestamp.encode() + b"." + body)
    return f"{SIGNATURE_SCHEME}={mac.finalize().hex()}"


def verify_signature(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """For providers: is ``header`` our signature of this body? Constant-time comparison."""
    return std_hmac.compare_digest(sign(secret, timestamp, body).encode(), header.strip().encode())


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes


class _Retryable(Exception):
    """A failure worth another attempt (the network, a timeout, a 5xx)."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


class HttpProvider(DataProvider):
    """A resource whose records live in another department's system."""

    def __init__(
        self,
        *,
        code: str,
        name: str,
        department_kind: str,
        fields: tuple[str, ...],
        labels: dict[str, str],
        url: str,
        secret: str,
        client_id: str = "onething",
        timeout: float = 3.0,
        retries: int = 2,
        backoff: float = 0.2,
        locked_fields: frozenset[str] = frozenset(),
        key_fields: frozenset[str] = frozenset(),
        subject_kinds: tuple[SubjectKind, ...] = ("person",),
        correction_url: str = "",
    ) -> None:
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"provider {code!r}: the URL must be http(s), not {url!r}")
        if not secret:
            raise ValueError(f"provider {code!r}: a shared secret is required to sign requests")
        # instance attributes shadow the class-level description of DataProvider
        self.code = code  # type: ignore[misc]
        self.name = name  # type: ignore[misc]
        self.department_kind = department_kind  # type: ignore[misc]
        self.fields = tuple(fields)  # type: ignore[misc]
        self.labels = dict(labels)  # type: ignore[misc]
        self.locked_fields = frozenset(locked_fields)  # type: ignore[misc]
        self.key_fields = frozenset(key_fields)  # type: ignore[misc]
        self.subject_kinds = tuple(subject_kinds)  # type: ignore[misc]
        self.url = url
        self.secret = secret
        self.client_id = client_id
        self.timeout = float(timeout)
        self.retries = max(0, int(retries))
        self.backoff = float(backoff)
        self.correction_url = correction_url

    @classmethod
    def for_resource(cls, local: DataProvider, **config: Any) -> HttpProvider:
        """The remote counterpart of a local provider: same description, records elsewhere."""
        return cls(
            code=local.code,
            name=local.name,
            department_kind=local.department_kind,
            fields=local.fields,
            labels=local.labels,
            locked_fields=local.locked_fields,
            key_fields=local.key_fields,
            subject_kinds=local.subject_kinds,
            **config,
        )

    # ------------------------------------------------------------ the interface

    def fetch(self, *, subject: SubjectRef, fields: list[str]) -> dict[str, Value]:
        if subject.kind not in self.subject_kinds:
            return {}
        document = {
            "request_id": str(uuid.uuid4()),
            "resource": self.code,
            "subject": {"type": subject.kind, "id": subject.number},
            "fields": list(fields),
        }
        answer = self._post(self.url, document)
        if answer.status == 404:
            return {}
        return self._values(answer.body, fields)

    def correct(self, *, subject: SubjectRef, field: str, value: str) -> None:
        if not self.correction_url:
            super().correct(subject=subject, field=field, value=value)
            return
        document = {
            "request_id": str(uuid.uuid4()),
            "resource": self.code,
            "subject": {"type": subject.kind, "id": subject.number},
            "field": field,
            "value": value,
        }
        answer = self._post(self.correction_url, document)
        if not 200 <= answer.status < 300:
            raise ProviderUnavailable.because(
                self.name, f"correction answered HTTP {answer.status}"
            )

    # ------------------------------------------------------------ the wire

    def _post(self, url: str, document: dict[str, Any]) -> _Answer:
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        attempts = self.retries + 1
        last = ""
        for attempt in range(1, attempts + 1):
            try:
                answer = self._once(url, body)
            except _Retryable as exc:
                last = str(exc)
                logger.warning(
                    "data provider %s: attempt %d/%d failed: %s", self.code, attempt, attempts, last
                )
                if attempt < attempts:
                    time.sleep(self.backoff * attempt)
                continue
            if answer.status == 404 or 200 <= answer.status < 300:
                return answer
            raise ProviderUnavailable.because(self.name, f"HTTP {answer.status}")
        raise ProviderUnavailable.because(self.name, f"no answer after {attempts} attempts: {last}")

    def _once(self, url: str, body: bytes) -> _Answer:
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
                "X-OneThing-Client": self.client_id,
                "X-OneThing-Timestamp": timestamp,
                "X-OneThing-Signature": sign(self.secret, timestamp, body),
            },
        )
        try:
            with _opener.open(request, timeout=self.timeout) as response:
                return _Answer(response.status, response.read(MAX_BODY + 1))
        except urllib.error.HTTPError as exc:
            if exc.code >= 500:
                raise _Retryable(f"HTTP {exc.code}") from exc
            return _Answer(exc.code, b"")
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out
            raise _Retryable(f"{type(exc).__name__}: {exc}") from exc

    def _values(self, raw: bytes, fields: list[str]) -> dict[str, Value]:
        def garbage(why: str) -> ProviderUnavailable:
            return ProviderUnavailable.because(self.name, f"unreadable answer: {why}")

        if len(raw) > MAX_BODY:
            raise garbage("too large")
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise garbage("not JSON") from exc
        data = document.get("data") if isinstance(document, dict) else None
        if not isinstance(data, dict):
            raise garbage('no "data" object')
        unexpected = set(data) - set(fields)
        if unexpected:
            raise garbage(f"fields not asked for: {sorted(unexpected)}")
        values: dict[str, Value] = {}
        for key, value in data.items():
            if isinstance(value, bool) or not isinstance(value, str | int | float | type(None)):
                raise garbage(f"field {key!r} is not a plain value")
            if value not in (None, ""):
                values[key] = value
        return values
