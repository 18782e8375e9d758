"""Shared data over the API: the applicant's data tracker (``GET /data/access-log``), the one
form prefilled with provenance (``POST /data/prefill/{code}``: its ``prefill_token`` goes with
the submission, so the registries are not read twice and locked values stay the register's),
where each value of a submitted application came from, and objections (数据异议): raised by the
applicant, answered by the providing department, the correction flowing back into the
application."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Iterable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from onething.accounts.auth import bearer
from onething.accounts.models import Enterprise, User
from onething.accounts.selectors import person_for_user
from onething.cases.selectors import application_get
from onething.catalog.models import DataElement
from onething.core.errors import NotFound, PermissionDenied, ValidationFailed
from onething.core.masking import mask_for_type

from .models import DataObjection
from .registry import register
from .selectors import access_log_for, field_sources_of, objections_of, objections_visible_to
from .services import (
    Prefilled,
    api_form_key,
    objection_raise,
    objection_resolve,
    prefill_form,
    prefill_seal,
    source_as_prefilled,
)

router = Router(tags=["datahub"])


class AccessOut(Schema):
    at: dt.datetime
    department: str
    actor: str
    provider: str
    provider_name: str
    fields: list[str]
    field_names: list[str]
    purpose: str
    outcome: str
    application: str | None = None


@router.get(
    "/access-log",
    response=list[AccessOut],
    auth=[bearer, django_auth],
    summary="Who read my shared data, when, which fields and why (newest first)",
)
def access_log(
    request: HttpRequest,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=2**31),
) -> list[AccessOut]:
    user = request.user
    assert isinstance(user, User)
    if person_for_user(user) is None:
        raise PermissionDenied(
            code="applicants_only",
            message="只有实名认证的申请人可以查询本人数据的使用记录。",
            message_en="Only verified applicants can see who read their data.",
        )
    rows = access_log_for(user)[offset : offset + limit]
    out = []
    for read in rows:
        provider = next((p for p in register if p.code == read.provider), None)
        out.append(
            AccessOut(
                at=read.at,
                department=read.department.name,
                actor=read.actor_name,
                provider=read.provider,
                provider_name=provider.name if provider else read.provider,
                fields=list(read.fields),
                field_names=[provider.label(f) if provider else f for f in read.fields],
                purpose=read.purpose,
                outcome=read.outcome,
                application=read.application.number if read.application else None,
            )
        )
    return out


# ---------------------------------------------------------------- prefill with provenance


def _applicant(user: User) -> object:
    person = person_for_user(user)
    if person is None:
        raise PermissionDenied(
            code="applicants_only",
            message="只有实名认证的申请人可以使用共享数据预填。",
            message_en="Only verified applicants can have their form prefilled.",
        )
    return person


class PrefillIn(Schema):
    answers: dict[str, str] = {}
    items: list[str] | None = None
    enterprise_credit_code: str | None = None


class FieldSourceOut(Schema):
    element: str
    label: str
    value: str
    from_provider: bool
    provider: str
    source: str  # 人口库（句容市公安局） or 申请人填写
    fetched_at: dt.datetime | None
    locked: bool
    note: str


class PrefillOut(Schema):
    one_thing: str
    fields: list[FieldSourceOut]
    prefill_token: str


@router.post(
    "/prefill/{code}",
    response=PrefillOut,
    auth=bearer,
    summary="The one form prefilled from shared data, each value with its source (reads logged)",
)
def prefill_api(request: HttpRequest, code: str, payload: PrefillIn) -> PrefillOut:
    user = request.user
    assert isinstance(user, User)
    person = _applicant(user)
    subject: object = person
    if payload.enterprise_credit_code:
        subject = Enterprise.objects.filter(
            credit_code=payload.enterprise_credit_code.strip().upper(),
            operators__user=user,
            operators__revoked_at__isnull=True,
        ).first()
        if subject is None:
            raise NotFound(
                code="enterprise_not_found",
                message="没有找到您经办的这家企业。",
                message_en="No enterprise you operate has this credit code.",
            )
    fields, filled = prefill_form(
        actor=user,
        one_thing=code,
        answers=payload.answers,
        items=payload.items,
        subject=subject,  # type: ignore[arg-type]
        person=person,  # type: ignore[arg-type]
        what="预填申请表（接口）",
    )
    out = []
    for spec in fields:
        p = filled.get(spec.element) or Prefilled(value="")
        out.append(
            FieldSourceOut(
                element=spec.element,
                label=spec.label,
                value=p.value,
                from_provider=p.from_provider,
                provider=p.provider,
                source=p.source_label,
                fetched_at=p.fetched_at,
                locked=p.locked,
                note=p.note,
            )
        )
    token = prefill_seal(
        filled=filled,
        actor=user,
        form_key=api_form_key(code, subject),  # type: ignore[arg-type]
    )
    return PrefillOut(one_thing=code, fields=out, prefill_token=token)


@router.get(
    "/applications/{number}/sources",
    response=list[FieldSourceOut],
    auth=[bearer, django_auth],
    summary="Where each value of a submitted application came from",
)
def application_sources(request: HttpRequest, number: str) -> list[FieldSourceOut]:
    user = request.user
    assert isinstance(user, User)
    application = application_get(user, number)
    data = json.loads(application.form_data or "{}")
    sources = field_sources_of(application)
    elements = {
        code: (name, kind)
        for code, name, kind in DataElement.objects.filter(code__in=list(sources)).values_list(
            "code", "name", "type"
        )
    }
    return [
        FieldSourceOut(
            element=s.element,
            label=elements.get(s.element, (s.element, ""))[0],
            # ID and phone numbers masked, as on every page (the applicant's too)
            value=mask_for_type(str(data.get(s.element, "")), elements.get(s.element, ("", ""))[1]),
            from_provider=s.from_provider,
            provider=s.provider,
            source=s.source_label,
            fetched_at=s.fetched_at,
            locked=s.locked,
            note=s.note,
        )
        for s in sources.values()
    ]


# ---------------------------------------------------------------- objections


class EvidenceIn(Schema):
    filename: str
    content_base64: str


class ObjectionIn(Schema):
    application: str
    element: str
    proposed_value: str
    reason: str
    evidence: EvidenceIn | None = None


class ObjectionOut(Schema):
    id: int
    application: str | None
    element: str
    label: str
    provider: str
    status: str
    current_value: str
    proposed_value: str
    department: str | None
    response: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None


class ResolveIn(Schema):
    corrected: bool
    response: str


def _objection_out(o: DataObjection) -> ObjectionOut:
    return ObjectionOut(
        id=o.pk,
        application=o.application.number if o.application else None,
        element=o.element,
        label=o.element_label,
        provider=o.provider,
        status=o.status,
        current_value=o.current_value,
        proposed_value=o.proposed_value,
        department=o.department.name if o.department else None,
        response=o.response,
        created_at=o.created_at,
        resolved_at=o.resolved_at,
    )


@router.post(
    "/objections",
    response={201: ObjectionOut},
    auth=bearer,
    summary="Object to a value of my application that came from shared data (数据异议)",
)
def objection_create(request: HttpRequest, payload: ObjectionIn) -> Status[ObjectionOut]:
    user = request.user
    assert isinstance(user, User)
    person = _applicant(user)
    application = application_get(user, payload.application)
    value = str(json.loads(application.form_data or "{}").get(payload.element, ""))
    source = field_sources_of(application).get(payload.element)
    evidence = None
    if payload.evidence is not None:
        try:
            data = base64.b64decode(payload.evidence.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationFailed(
                code="bad_base64",
                message="证明材料的文件内容不是有效的 Base64。",
                message_en="evidence.content_base64 is not valid Base64.",
            ) from exc
        evidence = SimpleUploadedFile(payload.evidence.filename, data)
    objection = objection_raise(
        actor=user,
        applicant=person,  # type: ignore[arg-type]
        element=payload.element,
        label=_labels([payload.element]).get(payload.element, payload.element),
        prefilled=source_as_prefilled(source, value) if source else Prefilled(value=value),
        proposed_value=payload.proposed_value,
        reason=payload.reason,
        evidence=evidence,
        application=application,
    )
    return Status(201, _objection_out(objection))


def _labels(elements: Iterable[str]) -> dict[str, str]:
    return dict(DataElement.objects.filter(code__in=list(elements)).values_list("code", "name"))


@router.get(
    "/objections",
    response=list[ObjectionOut],
    auth=[bearer, django_auth],
    summary="My objections (applicants), or those addressed to my department (staff)",
)
def objection_list(request: HttpRequest, status: str | None = None) -> list[ObjectionOut]:
    user = request.user
    assert isinstance(user, User)
    if user.kind == User.Kind.APPLICANT:
        person = _applicant(user)
        found = objections_of(person)  # type: ignore[arg-type]
    else:
        found = objections_visible_to(user)
    if status:
        found = found.filter(status=status)
    return [_objection_out(o) for o in found.select_related("application", "department")[:200]]


@router.post(
    "/objections/{objection_id}/resolve",
    response=ObjectionOut,
    auth=bearer,
    summary="The providing department corrects the data (数据回流) or explains why it stands",
)
def objection_answer(request: HttpRequest, objection_id: int, payload: ResolveIn) -> ObjectionOut:
    user = request.user
    assert isinstance(user, User)
    objection = objections_visible_to(user).filter(pk=objection_id).first()
    if objection is None:
        raise NotFound(
            code="objection_not_found",
            message="没有找到这条数据异议。",
            message_en="No such objection.",
        )
    resolved = objection_resolve(
        objection=objection, actor=user, corrected=payload.corrected, response=payload.response
    )
    return _objection_out(resolved)
