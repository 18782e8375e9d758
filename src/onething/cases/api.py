"""Applications and department tasks over HTTP.

Applicants submit once (``Idempotency-Key`` makes a retried request return the same
application), follow their case and answer the one correction notice; the lead department
accepts, refuses or issues the notice; department systems list their tasks, claim one and post
a decision with an optional attachment.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Header, Query, Router, Schema, Status

from onething.accounts.auth import bearer
from onething.accounts.models import Enterprise, User
from onething.core.errors import ValidationFailed
from onething.datahub.services import Settled, prefill_for_submission, provenance_record
from onething.org.models import Department

from .commitments import inspection_record, inspection_schedule, verification_record
from .models import Application, Inspection, Task, Verification
from .selectors import (
    LIST_DEFERRED,
    application_get,
    applications_for_staff,
    applications_of_applicant,
    task_get,
    tasks_for_department_staff,
)
from .services import (
    Applying,
    Submission,
    SubmissionRejected,
    Upload,
    application_accept,
    application_refuse,
    application_submit_once,
    application_withdraw,
    correction_answer,
    correction_issue,
    task_claim,
    task_decide,
)
from .timeline import timeline_for

router = Router(tags=["applications"], auth=bearer)
tasks_router = Router(tags=["tasks"], auth=bearer)


class FileIn(Schema):
    material: str
    filename: str
    content_base64: str


class SubmissionIn(Schema):
    one_thing: str
    answers: dict[str, str] = {}
    items: list[str] | None = None
    form: dict[str, Any] = {}
    files: list[FileIn] = []
    certificates: dict[str, str] = {}
    delivery: str = "electronic"
    delivery_address: str = ""
    enterprise_credit_code: str | None = None  # apply for an enterprise you operate
    prefill_token: str = ""  # from POST /data/prefill/{code}: no second read of shared data


class TaskOut(Schema):
    id: int
    application: str
    one_thing: str
    item_code: str
    item_name: str
    department: str
    status: str
    due_date: dt.date | None
    revision: int
    predecessors: list[str]


class EventOut(Schema):
    at: dt.datetime
    what: str
    who: str
    reason: str


class ApplicationOut(Schema):
    number: str
    one_thing: str
    one_thing_name: str
    version: int
    status: str
    status_label: str
    submitted_at: dt.datetime
    due_date: dt.date | None
    tasks: list[TaskOut]
    timeline: list[EventOut]
    open_correction: dict[str, Any] | None


class ReasonIn(Schema):
    reason: str = ""


class DeficiencyIn(Schema):
    kind: str
    target: str
    item: str = ""
    reason: str


class CorrectionIn(Schema):
    deficiencies: list[DeficiencyIn]


class AnswerIn(Schema):
    form: dict[str, Any] = {}
    files: list[FileIn] = []


class DecisionIn(Schema):
    decision: str
    opinion: str = ""
    revision: int
    attachment: FileIn | None = None


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _upload(item: FileIn) -> Upload:
    try:
        data = base64.b64decode(item.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed(
            code="bad_base64",
            message=f"“{item.material}”的文件内容不是有效的 Base64。",
            message_en="content_base64 is not valid Base64.",
        ) from exc
    return Upload(material=item.material, filename=item.filename, data=data)


def _task_out(task: Task) -> TaskOut:
    return TaskOut(
        id=task.pk,
        application=task.application.number or "",
        one_thing=task.application.one_thing.code,
        item_code=task.item_code,
        item_name=task.item_name,
        department=task.department.name,
        status=task.status,
        due_date=task.due_date,
        revision=task.revision,
        predecessors=task.predecessors,
    )


def _application_out(
    application: Application, *, for_staff: bool, fresh: bool = False
) -> ApplicationOut:
    """``fresh``: just created by this request, so it has no tasks, no correction notice and
    only the first event, which it holds."""
    open_correction = None if fresh else application.corrections.filter(status="open").first()
    return ApplicationOut(
        number=application.number or "",
        one_thing=application.one_thing.code,
        one_thing_name=application.one_thing.name,
        version=application.version.number,
        status=application.status,
        status_label=str(application.get_status_display()),
        submitted_at=application.submitted_at,
        due_date=application.due_date,
        tasks=[]
        if fresh
        else [_task_out(t) for t in application.tasks.select_related("department")],
        timeline=[
            EventOut(**e)
            for e in timeline_for(
                application,
                for_staff=for_staff,
                events=[application.first_event] if fresh and application.first_event else None,
            )
        ],
        open_correction=None
        if open_correction is None
        else {"id": open_correction.pk, "deficiencies": open_correction.deficiencies},
    )


@router.post(
    "",
    response={200: ApplicationOut, 201: ApplicationOut},
    summary="Submit an application once (idempotent with Idempotency-Key)",
)
def submit(
    request: HttpRequest,
    payload: SubmissionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Status[ApplicationOut]:
    user = _user(request)
    submission = Submission(
        one_thing=payload.one_thing,
        answers=payload.answers,
        items=payload.items,
        form=payload.form,
        uploads=[_upload(f) for f in payload.files],
        certificates=payload.certificates,
        delivery=payload.delivery,
        delivery_address=payload.delivery_address,
    )
    enterprise = None
    if payload.enterprise_credit_code:
        enterprise = Enterprise.objects.filter(
            credit_code=payload.enterprise_credit_code.strip().upper()
        ).first()
        if enterprise is None:
            raise ValidationFailed(
                code="enterprise_not_found",
                message="没有找到这家企业。",
                message_en="No enterprise with this credit code.",
            )
    # shared data: a locked value is the register's; every value keeps where it came from
    settled: list[Settled] = []

    def settle(applying: Applying) -> dict[str, Any]:
        held = prefill_for_submission(
            actor=user,
            version=applying.version,
            fields=list(applying.guide.form),
            form=payload.form,
            token=payload.prefill_token,
            subject=applying.enterprise or applying.person,
            person=applying.person,
        )
        if held.problems:
            raise SubmissionRejected(
                code="prefilled_value_locked",
                message=f"申请表中有{len(held.problems)}项以登记为准的信息被修改，请按登记的信息提交。",
                message_en=f"{len(held.problems)} registered values were changed; submit them "
                "as registered (or leave them out) and raise a data objection if they are wrong.",
                details={"problems": held.problems},
            )
        settled.append(held)
        return held.values

    application, created = application_submit_once(
        actor=user,
        submission=submission,
        idempotency_key=idempotency_key,
        channel="api",
        enterprise=enterprise,
        settle=settle,
        on_stored=lambda stored: provenance_record(
            application=stored, sources=settled[0].sources, filled=settled[0].filled, fresh=True
        ),
    )
    return Status(
        201 if created else 200, _application_out(application, for_staff=False, fresh=created)
    )


@router.get("", response=list[ApplicationOut], summary="My applications, or my department's")
def list_applications(
    request: HttpRequest,
    status: str | None = None,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=2**31),
) -> list[ApplicationOut]:
    """Newest first, ``limit`` at a time (50 by default, at most 100) from ``offset``."""
    user = _user(request)
    staff = user.kind != User.Kind.APPLICANT
    queryset = applications_for_staff(user) if staff else applications_of_applicant(user)
    if status:
        queryset = queryset.filter(status=status)
    page = queryset[offset : offset + limit]
    return [_application_out(a, for_staff=staff) for a in page]


@router.get("/{number}", response=ApplicationOut, summary="One application with its timeline")
def get_application(request: HttpRequest, number: str) -> ApplicationOut:
    user = _user(request)
    return _application_out(
        application_get(user, number), for_staff=user.kind != User.Kind.APPLICANT
    )


@router.post("/{number}/withdraw", response=ApplicationOut)
def withdraw(request: HttpRequest, number: str, payload: ReasonIn) -> ApplicationOut:
    user = _user(request)
    application = application_get(user, number)
    application_withdraw(application=application, actor=user, reason=payload.reason)
    return _application_out(application_get(user, number), for_staff=False)


@router.post("/{number}/accept", response=ApplicationOut, summary="Lead department accepts")
def accept(request: HttpRequest, number: str) -> ApplicationOut:
    user = _user(request)
    application_accept(application=application_get(user, number), actor=user)
    return _application_out(application_get(user, number), for_staff=True)


@router.post("/{number}/refuse", response=ApplicationOut)
def refuse(request: HttpRequest, number: str, payload: ReasonIn) -> ApplicationOut:
    user = _user(request)
    application_refuse(application=application_get(user, number), actor=user, reason=payload.reason)
    return _application_out(application_get(user, number), for_staff=True)


@router.post(
    "/{number}/corrections", response=ApplicationOut, summary="Issue the one correction notice"
)
def issue_correction(request: HttpRequest, number: str, payload: CorrectionIn) -> ApplicationOut:
    user = _user(request)
    correction_issue(
        application=application_get(user, number),
        actor=user,
        deficiencies=[d.dict() for d in payload.deficiencies],
    )
    return _application_out(application_get(user, number), for_staff=True)


@router.post("/{number}/corrections/{correction_id}/answer", response=ApplicationOut)
def answer_correction(
    request: HttpRequest, number: str, correction_id: int, payload: AnswerIn
) -> ApplicationOut:
    user = _user(request)
    application = application_get(user, number)
    correction = application.corrections.filter(pk=correction_id).first()
    if correction is None:
        raise ValidationFailed(
            code="correction_not_found",
            message="没有这份补正告知。",
            message_en="No such correction notice.",
        )
    correction_answer(
        correction=correction,
        actor=user,
        form=payload.form,
        uploads=[_upload(f) for f in payload.files],
    )
    return _application_out(application_get(user, number), for_staff=False)


@tasks_router.get("", response=list[TaskOut], summary="My department's tasks")
def list_tasks(
    request: HttpRequest,
    status: str | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=2**31),
) -> list[TaskOut]:
    """Most pressing first (due date), ``limit`` at a time (50 by default, at most 200)."""
    queryset = (
        tasks_for_department_staff(_user(request))
        .defer(*(f"application__{name}" for name in LIST_DEFERRED))
        .order_by("due_date", "id")
    )
    if status:
        queryset = queryset.filter(status=status)
    return [_task_out(t) for t in queryset[offset : offset + limit]]


@tasks_router.post("/{task_id}/claim", response=TaskOut)
def claim(request: HttpRequest, task_id: int) -> TaskOut:
    user = _user(request)
    return _task_out(task_claim(task=task_get(user, task_id), actor=user))


@tasks_router.post(
    "/{task_id}/decision",
    response=TaskOut,
    summary="Approve, reject or return; a stale revision gets 409",
)
def decide(request: HttpRequest, task_id: int, payload: DecisionIn) -> TaskOut:
    user = _user(request)
    task = task_decide(
        task=task_get(user, task_id),
        actor=user,
        decision=payload.decision,
        opinion=payload.opinion,
        revision=payload.revision,
        attachment=_upload(payload.attachment) if payload.attachment else None,
        channel="api",
    )
    return _task_out(task)


class VerificationIn(Schema):
    passed: bool
    note: str = ""


class VerificationOut(Schema):
    task: int
    status: str
    due_date: dt.date | None
    note: str


class InspectionIn(Schema):
    scheduled_for: dt.datetime
    place: str
    # bounded like the database's primary keys (a larger one was a 500 in the IN lookup)
    department_ids: list[Annotated[int, Field(ge=1, lt=2**63)]]


class OutcomeIn(Schema):
    passed: bool
    notes: str = ""


class InspectionOut(Schema):
    id: int
    scheduled_for: dt.datetime
    place: str
    departments: list[str]
    outcome: str
    notes: str


def _inspection_out(inspection: Inspection) -> InspectionOut:
    return InspectionOut(
        id=inspection.pk,
        scheduled_for=inspection.scheduled_for,
        place=inspection.place,
        outcome=inspection.outcome,
        notes=inspection.notes,
        departments=[d.name for d in inspection.departments.all()],
    )


@tasks_router.post(
    "/{task_id}/verification",
    response=VerificationOut,
    summary="Record the 告知承诺 follow-up check (a failed check revokes)",
)
def verify(request: HttpRequest, task_id: int, payload: VerificationIn) -> VerificationOut:
    user = _user(request)
    task = task_get(user, task_id)
    check = Verification.objects.filter(task=task).first()
    if check is None:
        raise ValidationFailed(
            code="no_verification",
            message="这件办件没有待核查的告知承诺。",
            message_en="This task has no commitment to verify.",
        )
    check = verification_record(
        verification=check, actor=user, passed=payload.passed, note=payload.note
    )
    return VerificationOut(
        task=task.pk, status=check.status, due_date=check.due_date, note=check.note
    )


@router.post(
    "/{number}/inspections",
    response=InspectionOut,
    summary="Schedule a joint inspection (联合勘验)",
)
def schedule_inspection(request: HttpRequest, number: str, payload: InspectionIn) -> InspectionOut:
    user = _user(request)
    departments = list(Department.objects.filter(pk__in=payload.department_ids))
    inspection = inspection_schedule(
        application=application_get(user, number),
        actor=user,
        at=payload.scheduled_for,
        place=payload.place,
        departments=departments,
    )
    return _inspection_out(inspection)


@router.post("/{number}/inspections/{inspection_id}/outcome", response=InspectionOut)
def record_inspection(
    request: HttpRequest, number: str, inspection_id: int, payload: OutcomeIn
) -> InspectionOut:
    user = _user(request)
    inspection = application_get(user, number).inspections.filter(pk=inspection_id).first()
    if inspection is None:
        raise ValidationFailed(
            code="no_inspection", message="没有这次勘验。", message_en="No such inspection."
        )
    return _inspection_out(
        inspection_record(
            inspection=inspection, actor=user, passed=payload.passed, notes=payload.notes
        )
    )
