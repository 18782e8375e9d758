"""One read of shared data: checked against the sharing agreements, and always logged.

``data_read`` is the only place the platform calls a provider's ``fetch``. Whatever happens, it
writes one ``DataAccess`` row — who, for which department, which fields of whom, why, and the
outcome — before it returns or raises:

- no active agreement of the requesting department's kind covers the resource and every field:
  *refused*, ``AccessRefused``;
- the provider times out, refuses, answers garbage or breaks: *failed*, ``ProviderUnavailable``
  (the caller leaves the fields to the applicant; the form goes on);
- otherwise *ok*, and the values.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from onething.accounts.models import User
from onething.cases.models import Application
from onething.core.errors import PermissionDenied, ValidationFailed
from onething.org.models import Department
from onething.plugins.registry import Registry

from ..base import DataProvider, ProviderUnavailable, SubjectRef, Value
from ..models import DataAccess, SharingAgreement
from ..registry import provider_get
from ..selectors import agreement_covering

logger = logging.getLogger("onething.datahub")

Actor = User | str


class AccessRefused(PermissionDenied):
    """No sharing agreement allows this read."""


@dataclass(frozen=True)
class DataRead:
    provider: DataProvider
    subject: SubjectRef
    values: dict[str, Value]
    access: DataAccess

    @property
    def at(self) -> dt.datetime:
        return self.access.at


def actor_name(actor: Actor) -> str:
    if isinstance(actor, User):
        return str(actor)[:128]
    return str(actor)[:128] or "系统"


def _log(
    read: dict[str, Any],
    outcome: str,
    *,
    agreement: SharingAgreement | None = None,
    detail: str = "",
) -> DataAccess:
    actor = read["actor"]
    return DataAccess.objects.create(
        actor=actor if isinstance(actor, User) else None,
        actor_name=actor_name(actor),
        department=read["department"],
        provider=read["provider"].code,
        fields=read["fields"],
        subject_hash=read["subject"].hash,
        application=read["application"],
        agreement=agreement,
        purpose=read["purpose"][:255],
        outcome=outcome,
        detail=detail[:255],
    )


def data_read(
    *,
    provider: str,
    subject: SubjectRef,
    fields: Sequence[str],
    requesting_department: Department,
    purpose: str,
    actor: Actor,
    application: Application | None = None,
    registry: Registry[DataProvider] | None = None,
) -> DataRead:
    """Read ``fields`` of ``subject`` from ``provider`` for ``requesting_department``."""
    source = provider_get(provider, registry=registry)
    wanted = list(dict.fromkeys(fields))
    unknown = [f for f in wanted if f not in source.fields]
    if unknown:
        raise ValueError(f"provider {source.code!r} has no fields {unknown}")
    if not purpose or not purpose.strip():
        raise ValidationFailed(
            code="purpose_required",
            message="读取共享数据必须说明用途。",
            message_en="Every read of shared data must state its purpose.",
        )
    context: dict[str, Any] = {
        "actor": actor,
        "department": requesting_department,
        "provider": source,
        "fields": wanted,
        "subject": subject,
        "purpose": purpose.strip(),
        "application": application,
    }
    agreement = agreement_covering(
        kind_id=requesting_department.kind_id, resource=source.code, fields=wanted
    )
    if agreement is None:
        _log(context, DataAccess.Outcome.REFUSED, detail="没有覆盖这些数据项的共享协议")
        logger.warning(
            "shared data read refused: %s has no agreement for %s %s (subject %s…)",
            requesting_department.name,
            source.code,
            ",".join(wanted),
            subject.hash[:8],
        )
        labels = "、".join(source.label(f) for f in wanted)
        raise AccessRefused(
            code="no_sharing_agreement",
            message=(
                f"{requesting_department.name}没有读取“{source.name}”中{labels}的数据共享协议，"
                "已拒绝读取。"
            ),
            message_en=(
                f"{requesting_department.name} holds no sharing agreement for these items of "
                f"{source.code}; the read was refused."
            ),
            details={"provider": source.code, "fields": wanted},
        )
    try:
        values = source.fetch(subject=subject, fields=wanted)
        if not isinstance(values, dict) or set(values) - set(wanted):
            raise ProviderUnavailable.because(source.name, "answered fields it was not asked for")
    except ProviderUnavailable as exc:
        reason = str(exc.details.get("reason", exc.code))
        _log(context, DataAccess.Outcome.FAILED, agreement=agreement, detail=reason)
        logger.warning("shared data read failed: %s %s: %s", source.code, ",".join(wanted), reason)
        raise
    except Exception as exc:  # a broken provider must not break the applicant's form
        logger.exception("shared data provider %s broke", source.code)
        _log(
            context,
            DataAccess.Outcome.FAILED,
            agreement=agreement,
            detail=f"{type(exc).__name__}: {exc}",
        )
        raise ProviderUnavailable.because(source.name, type(exc).__name__) from exc
    access = _log(context, DataAccess.Outcome.OK, agreement=agreement)
    return DataRead(provider=source, subject=subject, values=values, access=access)
