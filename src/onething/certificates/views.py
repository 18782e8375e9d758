"""Pages: the public verification page (anyone, by number or by the QR code) and the holder's
wallet (卡包) with each certificate's PDF."""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from onething.accounts.models import User
from onething.core.errors import NotFound
from onething.core.views import not_found

from .pdf import certificate_pdf
from .selectors import certificate_held, certificates_held
from .verification import VerificationStatus, certificate_verify

MAX_NUMBER = 64


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def verify_url(request: HttpRequest, number: str) -> str:
    return request.build_absolute_uri(reverse("certificates:verify_number", args=[number]))


def qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=2)
    return str(image.to_string(encoding="unicode"))


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    typed = str(request.GET.get("number", "")).upper()
    number = re.sub(r"[^0-9A-Z_-]", "", typed)[:MAX_NUMBER]  # spaces, dashes of a copy
    if number:
        return redirect("certificates:verify_number", number=number)
    return render(request, "certificates/verify.html", {"verification": None})


@require_GET
def verify_number(request: HttpRequest, number: str) -> HttpResponse:
    verification = certificate_verify(number[:MAX_NUMBER])
    certificate = verification.certificate
    context = {
        "verification": verification,
        "number": number.strip().upper()[:MAX_NUMBER],
        "certificate": certificate,
        "trusted": verification.status
        in {VerificationStatus.VALID, VerificationStatus.REVOKED, VerificationStatus.EXPIRED},
    }
    status = 404 if verification.status == VerificationStatus.UNKNOWN else 200
    response = render(request, "certificates/verify.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def wallet(request: HttpRequest) -> HttpResponse:
    entries = [
        {
            "certificate": c,
            "verify_url": verify_url(request, c.number),
            "qr": qr_svg(verify_url(request, c.number)),
        }
        for c in certificates_held(_user(request))
    ]
    return render(request, "certificates/wallet.html", {"entries": entries})


@login_required
def wallet_pdf(request: HttpRequest, number: str) -> HttpResponse:
    try:
        certificate = certificate_held(_user(request), number)
    except NotFound as exc:
        return not_found(request, exc)
    body = certificate_pdf(certificate, verify_url=verify_url(request, certificate.number))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
