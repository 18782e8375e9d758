"""The floor again, outside Django's request handling and ORM: a plain WSGI application.

The same work as ``POST /bench/floor`` (``urls.floor``): the caller, version, applicant and
certificates held found (here with one hand-written statement each), the same parsing and
checks, the six files written and flushed, one journal row. Django is set up only for its
settings and its database connection. It measures what an intake outside Django's request
cycle and ORM would start from; it is benchmark code, never served by the platform.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from onething.accounts.models import User  # noqa: E402
from onething.cases.api import SubmissionIn  # noqa: E402
from onething.catalog.selectors import _snapshot  # noqa: E402
from onething.core.crypto import sm3_hex  # noqa: E402

from .floorwork import Found, journal_entry, journal_store  # noqa: E402

CALLER = """SELECT t.user_id FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id
WHERE t.digest = %s AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > %s)
AND u.is_active"""
VERSION = """SELECT v.id, v.digest, v.number FROM catalog_onethingversion v
JOIN catalog_onething o ON o.id = v.one_thing_id
WHERE o.code = %s AND o.status = 'published' AND v.retired_at IS NULL
ORDER BY v.number DESC LIMIT 1"""
PERSON = "SELECT id FROM accounts_person WHERE user_id = %s LIMIT 1"
HELD = """SELECT DISTINCT ct.name FROM certificates_certificate c
JOIN certificates_certificatetype ct ON ct.id = c.type_id
WHERE c.holder_person_id = %s AND c.status = 'valid'
AND (c.valid_until IS NULL OR c.valid_until >= %s)"""

Start = Callable[[str, list[tuple[str, str]]], Any]


def application(environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
    return respond(start_response, *_submit(environ))


def respond(start_response: Start, status: str, answer: dict[str, Any]) -> list[bytes]:
    """The answer as JSON, with its length."""
    body = json.dumps(answer, ensure_ascii=False, default=str).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def _submit(environ: dict[str, Any]) -> tuple[str, dict[str, str]]:
    raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    secret = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
    today, now = timezone.localdate(), timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(CALLER, [sm3_hex(secret.encode()), now])
        caller = cursor.fetchone()
        if caller is None:
            return "401 Unauthorized", {"code": "unauthorized"}
        payload = SubmissionIn.model_validate_json(raw)
        cursor.execute(VERSION, [payload.one_thing])
        version_pk, version_digest, version_number = cursor.fetchone()
        cursor.execute(PERSON, [caller[0]])
        person_pk = cursor.fetchone()[0]
        cursor.execute(HELD, [person_pk, today])
        held = {name for (name,) in cursor.fetchall()}
    found = Found(
        actor=User(pk=caller[0]),
        version_pk=version_pk,
        version_digest=version_digest,
        version_number=version_number,
        snapshot=_snapshot(version_pk, version_digest),
        held=held,
        form_key=f"api:{payload.one_thing}:p:{person_pk}",
    )
    entry = journal_entry(payload, found)
    if entry is None:
        return "422 Unprocessable Entity", {"code": "submission_incomplete"}
    if not journal_store(caller[0], environ["HTTP_IDEMPOTENCY_KEY"], *entry):
        return "200 OK", {"status": "replayed"}
    return "201 Created", {"status": "submitted", "digest": entry[0]}
