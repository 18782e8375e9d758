"""The benchmark's own endpoints beside the platform's: the bare insert (the stack's limit) and
the floor of a submission (the least an acknowledged one can cost on this stack)."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from onething.accounts.selectors import person_for_user, token_authenticate
from onething.cases.api import SubmissionIn
from onething.catalog.selectors import version_current_cached
from onething.certificates.selectors import certificate_types_held
from onething.datahub.services.provenance import api_form_key

from .floorwork import Found, journal_entry, journal_store


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
    payload = SubmissionIn.model_validate_json(request.body)
    version = version_current_cached(payload.one_thing)
    person = person_for_user(token.user)
    found = Found(
        actor=token.user,
        version_pk=version.pk,
        version_digest=version.digest,
        version_number=version.number,
        snapshot=version.snapshot,
        held=certificate_types_held(person) if person else set(),
        form_key=api_form_key(payload.one_thing, person),
    )
    entry = journal_entry(payload, found)
    if entry is None:
        return JsonResponse({"code": "submission_incomplete"}, status=422)
    if not journal_store(token.user.pk, request.headers["Idempotency-Key"], *entry):
        return JsonResponse({"status": "replayed"}, status=200)
    return JsonResponse({"status": "submitted", "digest": entry[0]}, status=201)


urlpatterns = [
    path("bench/bare", bare),
    path("bench/floor", floor),
    path("", include("onething.urls")),
]
