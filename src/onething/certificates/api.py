"""Certificates over HTTP: anyone may verify one by its number; holders list their wallet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from onething.accounts.auth import bearer
from onething.accounts.models import User
from onething.core.errors import NotFound

from .delivery import delivery_pickup
from .models import Certificate, Delivery
from .selectors import certificates_held
from .verification import VerificationStatus, certificate_verify

router = Router(tags=["certificates"])


class CertificateVerificationOut(Schema):
    number: str
    status: str  # valid | revoked | expired | altered | unknown
    status_label: str
    message: str
    message_en: str
    type: str | None = None
    type_name: str | None = None
    holder: str | None = None  # an enterprise's name, or a person's surname only
    issuer: str | None = None
    issued_at: dt.datetime | None = None
    valid_until: dt.date | None = None
    revoked_at: dt.datetime | None = None
    digest: str | None = None


class CertificateOut(Schema):
    number: str
    type: str
    type_name: str
    status: str
    holder_name: str
    holder_id: str  # masked for a person, the credit code for an enterprise
    holder_kind: str  # person | enterprise
    issuer: str
    issued_at: dt.datetime
    valid_until: dt.date | None
    revoked_at: dt.datetime | None
    items: list[list[str]]
    digest: str
    signature: str
    verify_url: str
    pdf_url: str


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _certificate_out(request: HttpRequest, c: Certificate) -> CertificateOut:
    return CertificateOut(
        number=c.number,
        type=c.type.code,
        type_name=c.type.name,
        status=c.status,
        holder_name=c.holder_name,
        holder_id=str(c.data.get("holder_id", "")),
        holder_kind="enterprise" if c.holder_enterprise_id else "person",
        issuer=c.issuer_name,
        issued_at=c.issued_at,
        valid_until=c.valid_until,
        revoked_at=c.revoked_at,
        items=[[str(label), str(value)] for label, value in c.data.get("items", [])],
        digest=c.digest,
        signature=c.signature,
        verify_url=request.build_absolute_uri(
            reverse("certificates:verify_number", args=[c.number])
        ),
        pdf_url=request.build_absolute_uri(reverse("certificates:wallet_pdf", args=[c.number])),
    )


@router.get("/mine", response=list[CertificateOut], auth=bearer, summary="My wallet (卡包)")
def mine(request: HttpRequest) -> list[CertificateOut]:
    return [_certificate_out(request, c) for c in certificates_held(_user(request))]


class PickupIn(Schema):
    code: str
    id_number: str


class DeliveryOut(Schema):
    application: str
    method: str
    status: str
    tracking_number: str
    tracking: list[dict[str, Any]]
    received_by: str


def _delivery_out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut(
        application=delivery.application.number or "",
        method=delivery.method,
        status=delivery.status,
        tracking_number=delivery.tracking_number,
        tracking=delivery.tracking,
        received_by=delivery.received_by,
    )


def _delivery_for(request: HttpRequest, number: str) -> Delivery:
    from onething.cases.selectors import application_get

    user = request.user
    assert isinstance(user, User)
    application = application_get(user, number)
    delivery = Delivery.objects.filter(application=application).first()
    if delivery is None:
        raise NotFound(
            code="no_delivery",
            message="这件办件还没有可出件的结果。",
            message_en="This application has no results to deliver yet.",
        )
    return delivery


@router.get(
    "/deliveries/{number}",
    response=DeliveryOut,
    auth=bearer,
    summary="Delivery of all results of an application (一窗出件)",
)
def delivery_get(request: HttpRequest, number: str) -> DeliveryOut:
    return _delivery_out(_delivery_for(request, number))


@router.post(
    "/deliveries/{number}/pickup",
    response=DeliveryOut,
    auth=bearer,
    summary="Window pickup with the pickup code and the applicant's ID card",
)
def delivery_pickup_api(request: HttpRequest, number: str, payload: PickupIn) -> DeliveryOut:
    user = request.user
    assert isinstance(user, User)
    delivery = delivery_pickup(
        delivery=_delivery_for(request, number),
        actor=user,
        code=payload.code,
        id_number=payload.id_number,
    )
    return _delivery_out(delivery)


# after the /deliveries/… routes: "/deliveries/verify" is a delivery's path, not the
# verification of a certificate numbered "deliveries" (routes match in the order declared)
@router.get(
    "/{number}/verify",
    response=CertificateVerificationOut,
    auth=None,
    summary="Verify a certificate by its number (public; no personal numbers)",
)
def verify(request: HttpRequest, number: str) -> CertificateVerificationOut:
    verification = certificate_verify(number)
    out = CertificateVerificationOut(
        number=number.strip().upper(),
        status=verification.status,
        status_label=verification.label,
        message=verification.message,
        message_en=verification.message_en,
    )
    c = verification.certificate
    trusted = verification.status in {
        VerificationStatus.VALID,
        VerificationStatus.REVOKED,
        VerificationStatus.EXPIRED,
    }
    if c is not None and trusted:
        out.type, out.type_name = c.type.code, c.type.name
        out.holder, out.issuer = c.holder_public, c.issuer_name
        out.issued_at, out.valid_until, out.revoked_at = c.issued_at, c.valid_until, c.revoked_at
        out.digest = c.digest
    return out
