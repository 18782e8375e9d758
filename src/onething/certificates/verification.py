"""Verifying a certificate by its number (the public page, the API and the QR code lead here).

The canonical encoding is recomputed from the stored row and checked against the stored SM3
digest and the issuing department's SM2 signature: a row changed after issuing, or a signature
that is not the seal's, is reported as altered (内容被篡改). Then revoked, then expired.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onething.core.crypto import sm3_hex

from . import signing
from .canonical import canonical_bytes, canonical_fields
from .models import Certificate, DepartmentSeal


class VerificationStatus:
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    ALTERED = "altered"
    UNKNOWN = "unknown"

    LABELS = {
        VALID: _("有效"),
        REVOKED: _("已撤销"),
        EXPIRED: _("已过期"),
        ALTERED: _("内容被篡改"),
        UNKNOWN: _("未找到"),
    }


@dataclass(frozen=True)
class Verification:
    status: str
    certificate: Certificate | None
    message: str
    message_en: str

    @property
    def label(self) -> str:
        return str(VerificationStatus.LABELS[self.status])

    @property
    def is_valid(self) -> bool:
        return self.status == VerificationStatus.VALID


def _signed(certificate: Certificate, message: bytes, public_key: str | None) -> bool:
    if public_key is None or sm3_hex(message) != certificate.digest:
        return False
    return signing.verify(message, certificate.signature, public_key=public_key)


def certificate_verify(number: str, *, payload: Mapping[str, Any] | None = None) -> Verification:
    """Check a certificate by its number: valid, revoked, expired, altered or unknown.

    The canonical encoding is recomputed from the stored row and checked against the stored
    SM3 digest and the issuing department's SM2 signature. ``payload`` is a copy a verifier
    holds (the canonical fields); it is altered unless it encodes to exactly what was signed.
    """
    number = number.strip().upper()
    certificate = (
        Certificate.objects.select_related(
            "type", "department", "department__region", "department__kind"
        )
        .filter(number=number)
        .first()
        if number
        else None
    )
    if certificate is None:
        return Verification(
            VerificationStatus.UNKNOWN,
            None,
            "未找到这个编号的电子证照，请核对编号。",
            "No certificate has this number; check it.",
        )
    public_key = (
        DepartmentSeal.objects.filter(department_id=certificate.department_id)
        .values_list("public_key", flat=True)
        .first()
    )
    stored = canonical_bytes(canonical_fields(certificate))
    if not _signed(certificate, stored, public_key):
        return Verification(
            VerificationStatus.ALTERED,
            certificate,
            "这份电子证照的记录与签发部门的电子印章签名不符，内容可能被篡改，请勿采信。",
            "The record does not match the issuing department's e-seal signature; it may have "
            "been altered. Do not rely on it.",
        )
    # the signature is over exactly the stored encoding, so a copy must be byte-identical
    if payload is not None and canonical_bytes(payload) != stored:
        return Verification(
            VerificationStatus.ALTERED,
            certificate,
            "您出示的证照内容与签发记录不符，可能被篡改，请勿采信。",
            "The content presented does not match what was signed; it may have been altered.",
        )
    if certificate.status == Certificate.Status.REVOKED:
        when = timezone.localtime(certificate.revoked_at) if certificate.revoked_at else None
        day = f"{when:%Y-%m-%d}" if when else ""
        return Verification(
            VerificationStatus.REVOKED,
            certificate,
            f"这份电子证照已于{day}被签发部门撤销，不再有效。",
            f"The issuing department revoked this certificate on {day}; it is no longer valid.",
        )
    if certificate.valid_until and certificate.valid_until < timezone.localdate():
        day = certificate.valid_until.isoformat()
        return Verification(
            VerificationStatus.EXPIRED,
            certificate,
            f"这份电子证照的有效期已于{day}届满。",
            f"This certificate expired on {day}.",
        )
    return Verification(
        VerificationStatus.VALID,
        certificate,
        "电子证照有效：内容与签发部门的电子印章签名一致。",
        "Valid: the content matches the issuing department's e-seal signature.",
    )
