"""The benchmark's own endpoints beside the platform's: the bare insert (the stack's limit) and
the floor of a submission (the least an acknowledged one can cost on this stack)."""

import base64
import json

from django.core.files.storage import default_storage
from django.db import IntegrityError, connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from onething.accounts.selectors import person_for_user, token_authenticate
from onething.cases.api import SubmissionIn
from onething.cases.checks import check_form
from onething.cases.services import Submission, Upload
from onething.cases.uploads import check_upload
from onething.catalog.guide import compute_guide_cached
from onething.catalog.selectors import version_current_cached
from onething.certificates.selectors import certificate_types_held
from onething.core.crypto import sm4_encrypt
from onething.core.storage import save_files
from onething.datahub.services.provenance import api_form_key, prefill_open, prefill_settle


@csrf_exempt
def bare(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_row (body) VALUES (%s)", [request.body.decode()[:200]])
    return JsonResponse({"ok": True}, status=201)


@csrf_exempt
def floor(request: HttpRequest) -> JsonResponse:
    """What any design must do before it acknowledges a submission, and nothing else: find
    the caller, the version, the applicant and the certificates held; parse the body, decode
    and hash the files; open the sealed prefill and hold the form against it; check the
    fields and the files; write the files and flush them to the disk; store the encrypted
    submission as one journal row (unique per caller and Idempotency-Key) and commit. No
    application rows, no timeline event, no provenance rows: those would be written later,
    from the journal, by a worker, on the same two cores."""
    token = token_authenticate(request.headers.get("Authorization", "").removeprefix("Bearer "))
    if token is None:
        return JsonResponse({"code": "unauthorized"}, status=401)
    actor = token.user
    payload = SubmissionIn.model_validate_json(request.body)
    uploads = [
        Upload(f.material, f.filename, base64.b64decode(f.content_base64, validate=True))
        for f in payload.files
    ]
    submission = Submission(payload.one_thing, payload.answers, form=payload.form, uploads=uploads)
    digest = submission.digest()
    version = version_current_cached(payload.one_thing)
    person = person_for_user(actor)
    today = timezone.localdate()
    guide = compute_guide_cached(
        version.snapshot,
        version_key=(version.pk, version.digest),
        version=version.number,
        answers=payload.answers,
        held_results=certificate_types_held(person) if person else (),
        start=today,
    )
    key = api_form_key(payload.one_thing, person)
    filled = prefill_open(payload.prefill_token, actor=actor, form_key=key) or {}
    settled = prefill_settle(form_fields=guide.form, filled=filled, values=payload.form)
    clean, problems = check_form(guide.form, settled.values, today=today)
    if problems or settled.problems:
        return JsonResponse({"code": "submission_incomplete"}, status=422)
    checked = [check_upload(u.filename, u.data, material=u.material, digest=u.sm3) for u in uploads]
    names = save_files(default_storage, [(f"floor/{c.content.name}", c.content) for c in checked])
    body = {"version": version.pk, "form": clean, "files": names, "answers": payload.answers}
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_journal (user_id, key, digest, body) VALUES (%s, %s, %s, %s)",
                [
                    actor.pk,
                    request.headers["Idempotency-Key"],
                    digest,
                    sm4_encrypt(json.dumps(body)),
                ],
            )
    except IntegrityError:
        return JsonResponse({"status": "replayed"}, status=200)
    return JsonResponse({"status": "submitted", "digest": digest}, status=201)


urlpatterns = [
    path("bench/bare", bare),
    path("bench/floor", floor),
    path("", include("onething.urls")),
]
