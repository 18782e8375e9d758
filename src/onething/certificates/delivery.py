"""一窗（端）出件: when the last task of an application is decided, all its results go out
together — pushed to the wallet (electronic), kept for window pickup with a pickup code and an
ID check, or sent by courier with tracking and proof of receipt.

Couriers are a plug-in (``Logistics``: ``ship(address) -> tracking number``); the built-in
``LocalLogistics`` numbers shipments itself and advances through the same states a real
carrier's callbacks would.
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import StaffRole, User
from onething.accounts.selectors import staff_scope
from onething.audit.chain import event_append
from onething.core.crypto import hmac_sm3_hex, sm3_hex
from onething.core.errors import Conflict, PermissionDenied, ValidationFailed
from onething.core.identifiers import normalize_id_number
from onething.notify.services import notify
from onething.plugins.registry import Registry

from .models import Delivery

TRACKING_STATES = ["已揽收", "运输中", "派送中", "已签收"]


class Logistics(Protocol):
    def ship(self, *, address: str, reference: str) -> str: ...


logistics: Registry[Logistics] = Registry()


@logistics("local")
class LocalLogistics:
    def ship(self, *, address: str, reference: str) -> str:
        return f"JR{timezone.now():%Y%m%d}{secrets.randbelow(10**8):08d}"


def _recipient(application: Any) -> User:
    person_user = application.person.user if application.person else None
    return person_user or application.submitted_by


def delivery_prepare(*, application: Any, actor: User | None) -> Delivery:
    """Called inside the transaction that decides the last task."""
    method = application.delivery
    delivery = Delivery(application=application, method=method)
    if method == Delivery.Method.WINDOW:
        code = f"{secrets.randbelow(10**6):06d}"
        delivery.status = Delivery.Status.READY
        delivery.pickup_code_hash = hmac_sm3_hex(f"{application.number}:{code}")
        body = f"办件{application.number}的全部结果已办好，请携带身份证到窗口领取，取件码 {code}。"
    elif method == Delivery.Method.COURIER:
        delivery.status = Delivery.Status.IN_TRANSIT
        delivery.tracking_number = logistics["local"].ship(
            address=application.delivery_address, reference=application.number or ""
        )
        delivery.tracking = [{"state": TRACKING_STATES[0], "at": timezone.now().isoformat()}]
        body = f"办件{application.number}的结果已寄出，运单号 {delivery.tracking_number}。"
    else:
        delivery.status = Delivery.Status.DELIVERED
        delivery.received_at = timezone.now()
        body = f"办件{application.number}的电子证照已放入您的卡包。"
    delivery.save()
    event_append(
        application=application,
        kind="delivery_prepared",
        actor=actor,
        channel="web",
        data={"method": method, "status": delivery.status},
    )
    notify(
        user=_recipient(application),
        kind="application.delivery",
        subject="领取办理结果",
        body=body,
        link="/me/wallet/",
    )
    if delivery.status == Delivery.Status.DELIVERED:
        _mark_delivered(application, actor)
    return delivery


def _mark_delivered(
    application: Any, actor: User | None, *, channel: str = "web", reason: str = ""
) -> None:
    from onething.cases.workflow import application_next

    application.status = application_next(application.status, "deliver")
    application.save(update_fields=["status", "updated_at"])
    event_append(
        application=application, kind="delivered", actor=actor, channel=channel, reason=reason
    )


def _locked(delivery: Delivery) -> tuple[Delivery, Any]:
    from onething.cases.models import Application

    application = Application.objects.select_for_update().get(pk=delivery.application_id)
    return Delivery.objects.select_for_update().get(pk=delivery.pk), application


@transaction.atomic
def delivery_pickup(*, delivery: Delivery, actor: User, code: str, id_number: str) -> Delivery:
    """The window hands everything over after checking the pickup code and the ID card."""
    if not staff_scope(actor).has_role(StaffRole.WINDOW_CLERK):
        raise PermissionDenied(
            code="not_window",
            message="只有综合窗口可以办理出件。",
            message_en="Only a service window hands results over.",
        )
    delivery, application = _locked(delivery)
    if delivery.status != Delivery.Status.READY:
        raise Conflict(
            code="not_ready",
            message="这件办件没有待领取的结果。",
            message_en="Nothing is waiting for pickup.",
        )
    if hmac_sm3_hex(f"{application.number}:{code.strip()}") != delivery.pickup_code_hash:
        raise ValidationFailed(
            code="wrong_pickup_code",
            message="取件码不正确，请核对申请人收到的短信中的6位取件码。",
            message_en="The pickup code is wrong: check the 6-digit code in the applicant's SMS.",
        )
    holder = application.person or (
        application.enterprise.legal_representative if application.enterprise else None
    )
    number = normalize_id_number(id_number)
    if holder is None or hmac_sm3_hex(number) != holder.id_number_hash:
        raise ValidationFailed(
            code="wrong_person",
            message="身份证件与申请人不一致，不能领取。请申请人本人持身份证领取。",
            message_en="The ID card does not belong to the applicant: the applicant must bring "
            "their own ID card.",
        )
    delivery.status, delivery.received_at = Delivery.Status.DELIVERED, timezone.now()
    delivery.received_by = holder.name
    delivery.save()
    _mark_delivered(
        application,
        actor,
        channel="window",
        reason=f"综合窗口出件：已核验取件码和{holder.name}的身份证件，全部结果当面交付",
    )
    return delivery


@transaction.atomic
def delivery_track(*, delivery: Delivery, state: str, received_by: str = "") -> Delivery:
    """A carrier's tracking update; the last state needs the name of who signed for it."""
    if state not in TRACKING_STATES:
        raise ValidationFailed(
            code="unknown_state",
            message=f"未知的物流状态“{state}”。",
            message_en=f"Unknown tracking state {state!r}.",
        )
    delivery, application = _locked(delivery)
    if delivery.status != Delivery.Status.IN_TRANSIT:
        raise Conflict(
            code="not_in_transit",
            message="这件办件不在邮寄中。",
            message_en="This delivery is not in transit.",
        )
    delivery.tracking = [*delivery.tracking, {"state": state, "at": timezone.now().isoformat()}]
    if state == TRACKING_STATES[-1]:
        if not received_by.strip():
            raise ValidationFailed(
                code="receipt_required",
                message="签收时须记录签收人。",
                message_en="Record who signed for it.",
            )
        delivery.status, delivery.received_at = Delivery.Status.DELIVERED, timezone.now()
        delivery.received_by = received_by.strip()
        delivery.tracking[-1]["proof"] = sm3_hex(
            f"{delivery.tracking_number}:{received_by}:{delivery.received_at}".encode()
        )
        _mark_delivered(application, None)
    delivery.save()
    return delivery
