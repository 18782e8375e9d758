"""TOTP second factor for staff (django-otp): enrol with a QR code, confirm with a code."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


def totp_device_for_enrolment(user: User) -> TOTPDevice:
    """The user's unconfirmed device, created on first use (a confirmed one is never replaced)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="默认验证器", confirmed=False)
    return device


def qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def totp_confirm(device: TOTPDevice, code: str) -> bool:
    if device.verify_token(code.strip()):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return True
    return False
