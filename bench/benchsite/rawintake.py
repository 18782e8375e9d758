"""A whole submission outside Django's request handling and ORM: a plain WSGI application.

``/floor`` is the floor (``rawfloor``). ``/intake`` does everything ``POST /api/v1/applications``
does for a citizen's own submission with a valid sealed prefill, and writes the same rows: the
application, its materials, the idempotency key, the first hash-chained timeline event, where
each form value came from, and the link from the registry reads to the application. The reads
are hand-written statements; the writes are two: the application's ``INSERT ... RETURNING``
and one statement of data-modifying CTEs for the rest (PostgreSQL only). Values go through the
models' own field conversions (the SM4 encryption of the form, the delivery address and the
subject numbers), and the checks, the guide, the sealed prefill and the hash chain are the
platform's own functions. ``submit_bench`` holds the rows it writes against the platform's
for the same body before it measures, and refuses to report if they differ.

It measures what an intake outside Django would cost; it is benchmark code, never served by
the platform. Anything outside its one case (a replay, an agent, an enterprise, a rejected
submission) answers 409, where the platform would answer it in full.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from typing import Any

import django

django.setup()

from django.db import IntegrityError, connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from onething.accounts.models import User  # noqa: E402
from onething.audit.chain import GENESIS, _build  # noqa: E402
from onething.audit.models import Event  # noqa: E402
from onething.cases.api import SubmissionIn  # noqa: E402
from onething.cases.checks import check_form  # noqa: E402
from onething.cases.models import Application, Material, SubmissionKey  # noqa: E402
from onething.cases.services import Submission, Upload  # noqa: E402
from onething.cases.timeline import timeline_for  # noqa: E402
from onething.cases.uploads import check_upload  # noqa: E402
from onething.catalog.guide import compute_guide_cached  # noqa: E402
from onething.catalog.selectors import _snapshot  # noqa: E402
from onething.core.crypto import sm3_hex  # noqa: E402
from onething.core.storage import save_files  # noqa: E402
from onething.datahub.models import FieldSource  # noqa: E402
from onething.datahub.services.provenance import field_sources, prefill_open, prefill_settle  # noqa: E402

from . import rawfloor  # noqa: E402
from .rawfloor import HELD, Start  # noqa: E402

CALLER = """SELECT u.id, u.username, u.display_name FROM accounts_apitoken t
JOIN accounts_user u ON u.id = t.user_id
WHERE t.digest = %s AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > %s)
AND u.is_active"""
VERSION = """SELECT v.id, v.digest, v.number, o.id, o.name, o.region_id, r.code
FROM catalog_onethingversion v JOIN catalog_onething o ON o.id = v.one_thing_id
JOIN org_region r ON r.id = o.region_id
WHERE o.code = %s AND o.status = 'published' AND v.retired_at IS NULL
ORDER BY v.number DESC LIMIT 1"""
PERSON = """SELECT p.id, CASE WHEN r.level = 'street' THEN r.parent_id ELSE r.id END
FROM accounts_person p LEFT JOIN org_region r ON r.id = p.household_region_id
WHERE p.user_id = %s LIMIT 1"""
LEAD = """SELECT d.id FROM org_department d JOIN org_departmentkind k ON k.id = d.kind_id
WHERE d.region_id = %s AND k.code = %s"""
REPLAY = "SELECT 1 FROM cases_submissionkey WHERE user_id = %s AND key = %s"


class Refused(Exception):
    """Outside the one case this intake handles; the platform would answer it."""


def application(environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == "/floor":
        return rawfloor.application(environ, start_response)
    try:
        status, answer = _intake(environ)
    except Refused as refused:
        status, answer = "409 Conflict", {"code": str(refused)}
    return rawfloor.respond(start_response, status, answer)


def _intake(environ: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    secret = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
    key = environ.get("HTTP_IDEMPOTENCY_KEY", "")
    now = timezone.now()
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(CALLER, [sm3_hex(secret.encode()), now])
        caller = cursor.fetchone()
        if caller is None:
            return "401 Unauthorized", {"code": "unauthorized"}
        actor = User(pk=caller[0], username=caller[1], display_name=caller[2])
        payload = SubmissionIn.model_validate_json(raw)
        if payload.enterprise_credit_code or not key:
            raise Refused("not_this_case")
        cursor.execute(REPLAY, [actor.pk, key])
        if cursor.fetchone() is not None:
            raise Refused("replay")
        cursor.execute(VERSION, [payload.one_thing])
        version = cursor.fetchone()
        cursor.execute(PERSON, [actor.pk])
        person_pk, county_pk = cursor.fetchone()
        cursor.execute(HELD, [person_pk, today])
        held = {name for (name,) in cursor.fetchall()}
    version_pk, version_digest, version_number, one_thing_pk, name, region_pk, region_code = version
    snapshot = _snapshot(version_pk, version_digest)
    uploads = [
        Upload(f.material, f.filename, base64.b64decode(f.content_base64, validate=True))
        for f in payload.files
    ]
    submission = Submission(
        payload.one_thing,
        payload.answers,
        items=payload.items,
        form=payload.form,
        uploads=uploads,
        certificates=payload.certificates,
        delivery=payload.delivery,
        delivery_address=payload.delivery_address,
    )
    digest = submission.digest()
    guide = compute_guide_cached(
        snapshot,
        version_key=(version_pk, version_digest),
        version=version_number,
        answers=payload.answers,
        chosen=payload.items,
        held_results=held,
        start=today,
    )
    filled = prefill_open(
        payload.prefill_token, actor=actor, form_key=f"api:{payload.one_thing}:p:{person_pk}"
    )
    if filled is None:
        raise Refused("no_sealed_prefill")
    settled = prefill_settle(form_fields=guide.form, filled=filled, values=payload.form)
    clean, problems = check_form(guide.form, settled.values, today=today)
    given = {u.material for u in uploads} | set(payload.certificates)
    missing = [m for m in guide.materials_to_submit if m.required and m.name not in given]
    if problems or settled.problems or missing:
        raise Refused("rejected")
    checked = [check_upload(u.filename, u.data, material=u.material, digest=u.sm3) for u in uploads]
    lead = next(d for d in snapshot["departments"] if d["role"] == "lead")
    with connection.cursor() as cursor:
        cursor.execute(LEAD, [region_pk, lead["kind"]])
        (lead_pk,) = cursor.fetchone()
    stored = Application(
        one_thing_id=one_thing_pk,
        version_id=version_pk,
        person_id=person_pk,
        submitted_by_id=actor.pk,
        channel="api",
        jurisdiction_id=county_pk or region_pk,
        lead_department_id=lead_pk,
        answers=payload.answers,
        chosen_items=[i.code for i in guide.items],
        form_data=json.dumps(clean, ensure_ascii=False),
        delivery=payload.delivery,
        delivery_address=payload.delivery_address,
        submitted_at=now,
    )
    materials = [
        Material(
            name=upload.material,
            content_type=c.content_type,
            size=c.size,
            digest=c.digest,
        )
        for upload, c in zip(uploads, checked, strict=True)
    ]
    field = Material._meta.get_field("file")
    assert isinstance(field, models.FileField)
    names = save_files(
        field.storage,
        [
            (field.generate_filename(m, c.content.name or ""), c.content)
            for m, c in zip(materials, checked, strict=True)
        ],
    )
    for material, file_name in zip(materials, names, strict=True):
        material.file.name = file_name
    materials += [
        Material(name=label, certificate_ref=number)
        for label, number in payload.certificates.items()
    ]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(*_insert([stored], returning=True))
            (stored.pk,) = cursor.fetchone()
            stored.number = f"YJS{region_code}{now:%Y%m%d}{stored.pk:07d}"
            event = _build(
                stored,
                seq=1,
                prev_hash=GENESIS,
                kind="submitted",
                actor=actor,
                channel="api",
                reason="",
                data={"data_items": [i.name for i in guide.items]},
                task=None,
            )
            for material in materials:
                material.application_id = stored.pk
            keyed = SubmissionKey(
                user_id=actor.pk, key=key, digest=digest, application_id=stored.pk
            )
            sources = field_sources(stored, settled.sources, stored_form=clean)
            behind = {f"read:{k}": p for k, p in settled.filled.items()}
            reads = sorted(
                {p.access_id for p in {**behind, **settled.sources}.values() if p.access_id}
            )
            cursor.execute(*_the_rest(stored, event, materials, keyed, sources, reads))
    except IntegrityError:  # a retry with the same key won the race; the platform answers it
        raise Refused("replay") from None
    application_out = {
        "number": stored.number,
        "one_thing": payload.one_thing,
        "one_thing_name": name,
        "version": version_number,
        "status": "submitted",
        "status_label": str(stored.get_status_display()),
        "submitted_at": now.isoformat(),
        "due_date": None,
        "tasks": [],
        "timeline": timeline_for(stored, for_staff=False, events=[event]),
        "open_correction": None,
    }
    return "201 Created", application_out


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _values(objs: Sequence[models.Model]) -> tuple[str, list[Any]]:
    """``(cols) VALUES (...), (...)`` of model instances, each value through its field's own
    conversion for the database (encryption included), as the ORM would send it."""
    fields = _columns(type(objs[0]))
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [
        f.get_db_prep_save(f.pre_save(obj, add=True), connection) for obj in objs for f in fields
    ]
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    return f"({cols}) VALUES " + ", ".join([row] * len(objs)), params


def _insert(objs: Sequence[models.Model], *, returning: bool = False) -> tuple[str, list[Any]]:
    values, params = _values(objs)
    sql = f"INSERT INTO {objs[0]._meta.db_table} {values}"
    return sql + (" RETURNING id" if returning else ""), params


def _the_rest(
    stored: Application,
    event: Event,
    materials: list[Material],
    keyed: SubmissionKey,
    sources: list[FieldSource],
    reads: list[int],
) -> tuple[str, list[Any]]:
    """One statement after the application's insert: its number and chain head set, every
    other row, and the reads linked (data-modifying CTEs: all of them run, in one round trip,
    or none). A pipeline of one statement per table measured slower."""
    statements = [
        (
            "UPDATE cases_application SET number = %s, timeline_head = %s WHERE id = %s",
            [stored.number, event.hash, stored.pk],
        ),
        _insert(materials),
        _insert([keyed]),
        _insert([event]),
    ]
    if sources:
        statements.append(_insert(sources))
    if reads:
        statements.append(
            (
                "UPDATE datahub_dataaccess SET application_id = %s "
                "WHERE id = ANY(%s) AND application_id IS NULL",
                [stored.pk, reads],
            )
        )
    sql = "WITH " + ", ".join(f"w{i} AS ({q})" for i, (q, _) in enumerate(statements))
    return sql + " SELECT 1", [p for _, params in statements for p in params]


def differences(platform_number: str, intake_number: str) -> list[str]:
    """Where the rows ``/intake`` wrote for one submission differ from the platform's for the
    same body (each with its own fresh prefill): empty when they agree."""
    from onething.audit.chain import verify_application
    from onething.datahub.models import DataAccess

    a = Application.objects.get(number=platform_number)
    b = Application.objects.get(number=intake_number)
    varies = {"id", "created_at", "updated_at", "number", "submitted_at", "timeline_head"}
    found = [
        f"application.{f.attname}: {getattr(a, f.attname)!r} != {getattr(b, f.attname)!r}"
        for f in Application._meta.concrete_fields
        if f.name not in varies and getattr(a, f.attname) != getattr(b, f.attname)
    ]

    def rows(model: type[models.Model], app: Application, *skip: str) -> list[tuple[Any, ...]]:
        names = [f.attname for f in model._meta.concrete_fields]
        kept = [n for n in names if n not in {"id", "application_id", "created_at", *skip}]
        return sorted(
            (
                tuple(str(getattr(o, n)) for n in kept)
                for o in model.objects.filter(application=app)
            ),
        )

    for model, skip in [
        (Material, ("updated_at", "file")),
        (Event, ("at", "hash")),
        (FieldSource, ("access_id", "fetched_at")),
    ]:
        if rows(model, a, *skip) != rows(model, b, *skip):
            found.append(f"{model.__name__}: {rows(model, a, *skip)} != {rows(model, b, *skip)}")
    keys = [
        SubmissionKey.objects.filter(application=x).values_list("user_id", "digest").get()
        for x in (a, b)
    ]
    if keys[0] != keys[1]:
        found.append(f"submission key: {keys[0]} != {keys[1]}")
    linked = [DataAccess.objects.filter(application=x).count() for x in (a, b)]
    if linked[0] != linked[1] or not linked[0]:
        found.append(f"registry reads linked: {linked[0]} != {linked[1]}")
    files = [[m.file.read() for m in x.materials.exclude(file="")] for x in (a, b)]
    if sorted(files[0]) != sorted(files[1]):
        found.append("material files differ")
    return found + verify_application(a) + verify_application(b)
