"""Issuing, revoking and verifying e-certificates (电子证照).

When a department approves a task whose item produces a certificate, the cases app calls
``certificates_issue_for_task``. It reads what the item asked on the one form, masks personal
numbers, and calls ``certificate_issue``, which

1. makes the issuing department's seal (an SM2 key pair) the first time it signs;
2. stores the certificate and gives it its number (``ZZ`` + type code + date + serial);
3. computes the canonical encoding — ``number, type, holder, data, issuer, issued_at,
   valid_until`` as sorted, compact JSON — and stores its SM3 digest and the seal's SM2
   signature of it;
4. appends ``certificate_issued`` to the application's timeline, when there is one.

``certificate_revoke`` marks a certificate revoked, with a reason. ``certificate_verify`` (in
``verification``, re-exported here) recomputes the canonical encoding from the stored row and
checks digest and signature, so an altered row or a forged signature is reported as altered.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import Enterprise, Person, User
from onething.accounts.selectors import staff_scope
from onething.audit.chain import event_append
from onething.core.crypto import sm3_hex
from onething.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from onething.core.masking import mask_id_number, mask_phone, mask_text
from onething.org.models import Department

from . import signing
from .canonical import canonical_bytes, canonical_fields
from .models import Certificate, CertificateType, DepartmentSeal
from .verification import Verification, VerificationStatus, certificate_verify

__all__ = [
    "Verification",
    "VerificationStatus",
    "certificate_issue",
    "certificate_revoke",
    "certificate_verify",
    "certificates_issue_for_task",
    "seal_for",
]

# ---------------------------------------------------------------- seals


def seal_for(department: Department) -> DepartmentSeal:
    """The department's seal, made (a fresh SM2 key pair) the first time it is needed."""
    seal = DepartmentSeal.objects.filter(department=department).first()
    if seal is not None:
        return seal
    pair = signing.generate_key_pair()
    seal, _created = DepartmentSeal.objects.get_or_create(
        department=department,
        defaults={"public_key": pair.public_key, "private_key": pair.private_key},
    )
    return seal


# ---------------------------------------------------------------- issuing


def _plain(value: Any) -> Any:
    """JSON that reads back identically on SQLite and PostgreSQL, with numbers masked."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int):
        return value
    return mask_text(str(value))


def _valid_until(certificate_type: CertificateType, issued: dt.date) -> dt.date | None:
    years = certificate_type.validity_years
    if not years:
        return None
    try:
        end = issued.replace(year=issued.year + years)
    except ValueError:  # 29 February
        end = issued.replace(year=issued.year + years, day=28)
    return end - dt.timedelta(days=1)


def _require_department(actor: User, department: Department) -> None:
    if not staff_scope(actor).covers(department):
        raise PermissionDenied(
            code="not_issuing_department",
            message="只有签发部门可以签发或撤销它的电子证照。",
            message_en="Only the issuing department may issue or revoke its certificates.",
            details={"department": department.name},
        )


def _timeline(
    certificate: Certificate, kind: str, actor: User, *, reason: str = "", channel: str = "web"
) -> None:
    if certificate.application_id is None:
        return
    from onething.cases.models import Application

    application = Application.objects.select_for_update().get(pk=certificate.application_id)
    event_append(
        application=application,
        kind=kind,
        actor=actor,
        channel=channel,
        reason=reason,
        task=certificate.task,
        data={"number": certificate.number, "type": certificate.type.name},
    )


@transaction.atomic
def certificate_issue(
    *,
    certificate_type: CertificateType,
    data: Mapping[str, Any],
    department: Department,
    actor: User,
    holder_person: Person | None = None,
    holder_enterprise: Enterprise | None = None,
    application: Any = None,
    task: Any = None,
    channel: str = "web",
) -> Certificate:
    """Issue one certificate to a person or an enterprise, signed with the department's seal.

    ``data`` is what the certificate says (``items``: ``[label, value]`` pairs, and anything
    else); the holder's name and masked ID number and the issuer's name are added unless given.
    Personal numbers anywhere in ``data`` are masked before anything is stored or signed.
    """
    if (holder_person is None) == (holder_enterprise is None):
        raise ValidationFailed(
            code="one_holder",
            message="电子证照须有且只有一个持证人（个人或企业）。",
            message_en="A certificate has exactly one holder: a person or an enterprise.",
        )
    _require_department(actor, department)
    if holder_person is not None:
        holder = {
            "holder_name": holder_person.name,
            "holder_id_label": "公民身份号码",
            "holder_id": holder_person.masked_id_number,
        }
    else:
        assert holder_enterprise is not None
        holder = {
            "holder_name": holder_enterprise.name,
            "holder_id_label": "统一社会信用代码",
            "holder_id": holder_enterprise.credit_code,
        }
    content = _plain(
        {
            "title": certificate_type.name,
            **holder,
            "issuer_name": department.name,
            "items": [],
            **data,
        }
    )
    seal = seal_for(department)
    issued_at = timezone.now().replace(microsecond=0)
    certificate = Certificate.objects.create(
        number=f"pending-{uuid.uuid4().hex}",
        type=certificate_type,
        holder_person=holder_person,
        holder_enterprise=holder_enterprise,
        data=content,
        department=department,
        application=application,
        task=task,
        issued_by=actor,
        issued_at=issued_at,
        valid_until=_valid_until(certificate_type, timezone.localdate(issued_at)),
    )
    code = certificate_type.code.upper().replace("_", "")
    local_day = timezone.localdate(issued_at)
    certificate.number = f"ZZ{code}{local_day:%Y%m%d}{certificate.pk:07d}"
    message = canonical_bytes(canonical_fields(certificate))
    certificate.digest = sm3_hex(message)
    certificate.signature = signing.sign(
        message, private_key=seal.private_key, public_key=seal.public_key
    )
    certificate.save(update_fields=["number", "digest", "signature"])
    _timeline(certificate, "certificate_issued", actor, channel=channel)
    return certificate


def _shown(spec: Mapping[str, Any], value: Any) -> str:
    """A form value as a certificate shows it: choice labels, personal numbers masked."""
    text = str(value)
    kind = spec.get("type")
    if kind == "enum":
        for choice in spec.get("choices") or []:
            if isinstance(choice, Mapping) and str(choice.get("value")) == text:
                return str(choice.get("label", text))
    if kind == "id_number":
        return mask_id_number(text)
    if kind == "phone":
        return mask_phone(text)
    if spec.get("pii") == "high" and kind in {"bank_account", "string"}:
        return mask_id_number(text)  # card and account numbers: first four, last four
    return text


@transaction.atomic
def certificates_issue_for_task(
    *, task: Any, actor: User, channel: str = "web"
) -> list[Certificate]:
    """Issue the certificate an approved task's item produces (none when it produces none).

    Idempotent: a task that already has its certificate gets it back, not a second one.
    """
    from onething.cases.models import Application, Task
    from onething.cases.workflow import TaskState

    # locks in the order task_decide takes them (application, then task), so that one task
    # never gets two certificates and a concurrent decision never deadlocks with this
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("version", "person", "enterprise")
        .get(pk=task.application_id)
    )
    task = Task.objects.select_for_update(of=("self",)).select_related("department").get(pk=task.pk)
    item = next(
        (i for i in application.version.snapshot["items"] if i["code"] == task.item_code), None
    )
    result = (item or {}).get("result") or {}
    if item is None or result.get("type") != "certificate":
        return []
    if task.status != TaskState.APPROVED:
        raise Conflict(
            code="task_not_approved",
            message="事项准予后才能签发电子证照。",
            message_en="A certificate is issued only once the task is approved.",
        )
    existing = list(task.certificates.all())
    if existing:
        return existing
    certificate_type = CertificateType.objects.filter(name=result.get("name")).first()
    if certificate_type is None:
        raise NotFound(
            code="certificate_type_unknown",
            message=f"没有名为“{result.get('name')}”的电子证照类型。",
            message_en=f"No certificate type named {result.get('name')!r}.",
        )
    form = json.loads(application.form_data or "{}")
    items = [
        [spec["label"], _shown(spec, form[spec["element"]])]
        for spec in item.get("fields", [])
        if form.get(spec["element"]) not in (None, "")
    ]
    certificate = certificate_issue(
        certificate_type=certificate_type,
        holder_person=application.person if application.enterprise_id is None else None,
        holder_enterprise=application.enterprise,
        data={"items": items, "application": application.number, "item": task.item_name},
        department=task.department,
        application=application,
        task=task,
        actor=actor,
        channel=channel,
    )
    return [certificate]


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    if not reason.strip():
        raise ValidationFailed(
            code="reason_required",
            message="请写明撤销电子证照的理由。",
            message_en="Give the reason for revoking.",
        )
    certificate = (
        Certificate.objects.select_for_update()
        .select_related("department", "type")
        .get(pk=certificate.pk)
    )
    _require_department(actor, certificate.department)
    if certificate.status == Certificate.Status.REVOKED:
        raise Conflict(
            code="already_revoked",
            message="这份电子证照已经撤销。",
            message_en="This certificate is already revoked.",
        )
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revoke_reason = mask_text(reason.strip())
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    _timeline(certificate, "certificate_revoked", actor, reason=certificate.revoke_reason)
    return certificate
