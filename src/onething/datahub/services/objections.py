"""Objections to shared data (数据异议) and the way back to the provider (数据回流).

An applicant who sees a wrong prefilled value raises an objection with what it should be, why,
and optionally a scan as evidence. It goes to the providing department of the applicant's
county (人口库 → 句容市公安局). That department either corrects its record — the corrected
value is written to the provider, so the next prefill returns it — or explains why the value
stands. Either way the applicant is told.
"""

from __future__ import annotations

import json
import logging

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from onething.accounts.models import Person, User
from onething.audit.chain import event_append
from onething.cases.models import Application
from onething.cases.uploads import check_upload
from onething.cases.workflow import AppState
from onething.core.errors import Conflict, PermissionDenied, ValidationFailed
from onething.notify.services import notify
from onething.plugins.registry import Registry

from ..base import DataProvider, SubjectRef
from ..models import DataAccess, DataObjection, FieldSource
from ..registry import provider_get
from ..selectors import may_answer, providing_department
from .prefill import Prefilled

logger = logging.getLogger("onething.datahub")

MAX_TEXT = 2000


def _not_from_provider(label: str, element: str) -> ValidationFailed:
    return ValidationFailed(
        code="not_from_provider",
        message=(
            f"“{label}”是由您自己填写的，不是从共享数据获取的，无需提出数据异议，"
            "请直接在申请表中修改。"
        ),
        message_en=(
            f"{label!r} was entered by the applicant, not taken from shared data: change it in "
            "the form instead of raising an objection."
        ),
        details={"field": element},
    )


@transaction.atomic
def objection_raise(
    *,
    actor: User,
    applicant: Person,
    element: str,
    label: str,
    prefilled: Prefilled,
    proposed_value: str,
    reason: str,
    evidence: UploadedFile | None = None,
    application: Application | None = None,
    registry: Registry[DataProvider] | None = None,
) -> DataObjection:
    """Raise an objection to a value a provider filled in; ``prefilled`` is what was shown."""
    if actor.pk != applicant.user_id:
        raise PermissionDenied(
            code="not_your_data",
            message="只有申请人本人可以对自己的数据提出异议。",
            message_en="Only applicants themselves may object to their data.",
        )
    if not prefilled.from_provider or prefilled.subject is None:
        raise _not_from_provider(label, element)
    subject = prefilled.subject
    was_read = any(
        prefilled.provider_field in fields
        for fields in DataAccess.objects.filter(
            subject_hash=subject.hash,
            provider=prefilled.provider,
            outcome=DataAccess.Outcome.OK,
        ).values_list("fields", flat=True)[:200]
    )
    if not was_read:
        raise _not_from_provider(label, element)
    provider = provider_get(prefilled.provider, registry=registry)
    proposed, why = (proposed_value or "").strip(), (reason or "").strip()
    problems = []
    if not proposed:
        problems.append(("proposed_value", "请填写正确的内容", "enter the correct value"))
    elif proposed == prefilled.value:
        problems.append(
            ("proposed_value", "填写的内容与现有数据相同", "it is the same as the current value")
        )
    if not why:
        problems.append(("reason", "请说明异议理由", "give a reason"))
    if problems:
        field, zh, en = problems[0]
        raise ValidationFailed(
            code="objection_invalid",
            message=f"“{label}”的数据异议：{zh}。",
            message_en=f"Objection to {label!r}: {en}.",
            details={"field": field},
        )
    duplicate = DataObjection.objects.filter(
        applicant=applicant,
        provider=provider.code,
        field=prefilled.provider_field,
        subject_hash=subject.hash,
        status=DataObjection.Status.OPEN,
    ).exists()
    if duplicate:
        raise Conflict(
            code="objection_open",
            message=f"您已对“{label}”提出数据异议，{provider.name}的管理部门正在处理，请耐心等待。",
            message_en=f"An objection to {label!r} is already open.",
            details={"field": "proposed_value"},
        )
    objection = DataObjection(
        applicant=applicant,
        raised_by=actor,
        provider=provider.code,
        element=element,
        element_label=label[:64],
        field=prefilled.provider_field,
        subject_kind=subject.kind,
        subject_number=subject.number,
        subject_hash=subject.hash,
        current_value=prefilled.value,
        proposed_value=proposed[:MAX_TEXT],
        reason=why[:MAX_TEXT],
        department=providing_department(
            provider.department_kind,
            applicant.household_region or (application.jurisdiction if application else None),
        ),
        application=application,
    )
    if evidence is not None:
        checked = check_upload(evidence.name or "", evidence.read(), material="证明材料")
        objection.evidence.save(checked.content.name or "evidence", checked.content, save=False)
        objection.evidence_type = checked.content_type
    objection.save()
    logger.info(
        "data objection %s raised on %s.%s (subject %s…)",
        objection.pk,
        provider.code,
        objection.field,
        subject.hash[:8],
    )
    return objection


@transaction.atomic
def objection_resolve(
    *,
    objection: DataObjection,
    actor: User,
    corrected: bool,
    response: str,
    registry: Registry[DataProvider] | None = None,
) -> DataObjection:
    """The providing department's answer; a correction is written back to the provider."""
    objection = DataObjection.objects.select_for_update().get(pk=objection.pk)
    if not may_answer(actor, objection):
        raise PermissionDenied(
            code="not_providing_department",
            message="只有提供该数据的部门工作人员可以处理这条数据异议。",
            message_en="Only staff of the providing department may answer this objection.",
        )
    if objection.status != DataObjection.Status.OPEN:
        raise Conflict(
            code="objection_closed",
            message="这条数据异议已经处理过了。",
            message_en="This objection has already been answered.",
        )
    answer = (response or "").strip()
    if not answer:
        raise ValidationFailed(
            code="response_required",
            message="请填写给申请人的答复。",
            message_en="Write the answer to the applicant.",
            details={"field": "response"},
        )
    provider = provider_get(objection.provider, registry=registry)
    if corrected:
        provider.correct(
            subject=SubjectRef(objection.subject_kind, objection.subject_number),  # type: ignore[arg-type]
            field=objection.field,
            value=objection.proposed_value,
        )
    objection.status = (
        DataObjection.Status.CORRECTED if corrected else DataObjection.Status.EXPLAINED
    )
    objection.response = answer[:MAX_TEXT]
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.save(update_fields=["status", "response", "resolved_by", "resolved_at", "updated_at"])
    if corrected and objection.application_id is not None:
        _flow_back(objection, actor)
    if objection.applicant.user is not None:
        outcome = "已更正" if corrected else "已答复"
        notify(
            user=objection.applicant.user,
            kind="data.objection_resolved",
            subject=f"您的数据异议{outcome}",
            body=f"您对“{objection.element_label}”提出的数据异议{outcome}：{answer}",
            link="/me/data-access/#objections",
        )
    logger.info("data objection %s resolved: %s", objection.pk, objection.status)
    return objection


STILL_OPEN = (AppState.SUBMITTED, AppState.CORRECTION, AppState.ACCEPTED)


def _flow_back(objection: DataObjection, actor: User) -> bool:
    """数据回流 into the application the objection was raised on, while it is still being
    handled: its form takes the corrected value, recorded on its timeline."""
    assert objection.application_id is not None
    application = Application.objects.select_for_update().get(pk=objection.application_id)
    form = json.loads(application.form_data or "{}")
    if application.status not in STILL_OPEN or objection.element not in form:
        return False
    form[objection.element] = objection.proposed_value
    application.form_data = json.dumps(form, ensure_ascii=False)
    application.save(update_fields=["form_data", "updated_at"])
    FieldSource.objects.filter(application=application, element=objection.element).update(
        fetched_at=objection.resolved_at, note="已按数据异议更正（数据回流）"
    )
    event_append(
        application=application,
        kind="data_corrected",
        actor=actor,
        channel="web",
        reason=f"“{objection.element_label}”已按数据异议更正",
        data={"element": objection.element, "objection": objection.pk},
    )
    return True
