"""Pages: the public verification page (anyone, by number or by the QR code), the holder's
wallet (卡包) with each certificate's PDF, and the window clerk's pickup counter (一窗出件)."""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from onething.accounts.models import StaffRole, User
from onething.accounts.selectors import staff_scope
from onething.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onething.core.views import forbidden, not_found

from .delivery import delivery_pickup
from .models import Delivery
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


# ---------------------------------------------------------------- window pickup (一窗出件)


def _pickup_context(number: str, delivery: Delivery | None) -> dict[str, object]:
    application = delivery.application if delivery else None
    holder = None
    if application is not None:
        holder = application.person or (
            application.enterprise.legal_representative if application.enterprise else None
        )
    return {
        "number": number,
        "delivery": delivery,
        "application": application,
        "holder": holder,
        "certificates": list(application.certificates.select_related("type"))
        if application
        else [],
    }


def _delivery_by_number(user: User, number: str) -> Delivery:
    from onething.cases.selectors import application_get

    application = application_get(user, number)  # NotFound outside the clerk's scope
    delivery = Delivery.objects.filter(application=application).first()
    if delivery is None:
        raise NotFound(
            code="no_delivery",
            message=_("这件办件还没有办结，没有可领取的结果。"),
            message_en="This application has no results to hand over yet.",
        )
    return delivery


@login_required
@require_http_methods(["GET", "POST"])
def pickup(request: HttpRequest) -> HttpResponse:
    """The window clerk hands over every result of an application: the applicant shows the
    pickup code from the SMS and their ID card; both are checked before anything is handed
    over, and the hand-over goes on the application's timeline."""
    user = _user(request)
    if not staff_scope(user).has_role(StaffRole.WINDOW_CLERK):
        return forbidden(
            request,
            PermissionDenied(
                code="not_window",
                message=_("只有综合窗口工作人员可以办理出件。"),
                message_en="Only service-window clerks hand results over.",
            ),
        )
    source = request.POST if request.method == "POST" else request.GET
    number = str(source.get("number", "")).strip().upper()[:32]
    if not number:
        return render(request, "certificates/pickup.html", _pickup_context("", None))
    try:
        delivery = _delivery_by_number(user, number)
    except NotFound as exc:
        context = _pickup_context(number, None)
        context["error"] = exc
        return render(request, "certificates/pickup.html", context, status=404)
    context = _pickup_context(number, delivery)
    if request.method == "GET":
        return render(request, "certificates/pickup.html", context)
    try:
        delivery_pickup(
            delivery=delivery,
            actor=user,
            code=str(request.POST.get("code", "")),
            id_number=str(request.POST.get("id_number", "")),
        )
    except DomainError as exc:
        context["error"] = exc
        context["failed_field"] = {"wrong_pickup_code": "code", "wrong_person": "id_number"}.get(
            exc.code, ""
        )
        status = 409 if isinstance(exc, Conflict) else 400  # 409: already handed over
        return render(request, "certificates/pickup.html", context, status=status)
    messages.success(
        request,
        _("办件%(number)s的全部结果已当面交付，已记入办理过程。") % {"number": number},
    )
    return redirect(reverse("certificates:pickup") + f"?number={number}")
