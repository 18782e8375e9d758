"""The floor's own work, shared by its two endpoints (inside Django, ``urls.floor``; outside,
``rawfloor``): everything between finding the caller and storing one journal row."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import IntegrityError, connection
from django.utils import timezone

from onething.accounts.models import User
from onething.cases.api import SubmissionIn
from onething.cases.checks import check_form
from onething.cases.services import Submission, Upload
from onething.cases.uploads import check_upload
from onething.catalog.guide import compute_guide_cached
from onething.core.crypto import sm4_encrypt
from onething.core.storage import save_files
from onething.datahub.services.provenance import prefill_open, prefill_settle

JOURNAL = "INSERT INTO bench_journal (user_id, key, digest, body) VALUES (%s, %s, %s, %s)"


@dataclass(frozen=True)
class Found:
    """What the submission is held against, however it was read."""

    actor: User
    version_pk: int
    version_digest: str
    version_number: int
    snapshot: dict[str, Any]
    held: set[str]  # certificate types the applicant holds
    form_key: str  # what the sealed prefill is bound to


def journal_entry(payload: SubmissionIn, found: Found) -> tuple[str, str] | None:
    """Decode, hash and check the files, hold the form against the sealed prefill, check the
    fields, write and flush the files; (digest, encrypted entry), or None with problems."""
    today = timezone.localdate()
    uploads = [
        Upload(f.material, f.filename, base64.b64decode(f.content_base64, validate=True))
        for f in payload.files
    ]
    digest = Submission(
        payload.one_thing, payload.answers, form=payload.form, uploads=uploads
    ).digest()
    guide = compute_guide_cached(
        found.snapshot,
        version_key=(found.version_pk, found.version_digest),
        version=found.version_number,
        answers=payload.answers,
        held_results=found.held,
        start=today,
    )
    filled = prefill_open(payload.prefill_token, actor=found.actor, form_key=found.form_key)
    settled = prefill_settle(form_fields=guide.form, filled=filled or {}, values=payload.form)
    clean, problems = check_form(guide.form, settled.values, today=today)
    if problems or settled.problems:
        return None
    checked = [check_upload(u.filename, u.data, material=u.material, digest=u.sm3) for u in uploads]
    names = save_files(default_storage, [(f"floor/{c.content.name}", c.content) for c in checked])
    body = {"version": found.version_pk, "form": clean, "files": names, "answers": payload.answers}
    return digest, sm4_encrypt(json.dumps(body))


def journal_store(user_id: int, key: str, digest: str, sealed: str) -> bool:
    """Store the entry as one row, committed; False when this caller's key was used before."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(JOURNAL, [user_id, key, digest, sealed])
    except IntegrityError:
        return False
    return True
