"""When staff must use a second factor, no staff page opens until a TOTP code is confirmed."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

EXEMPT = ("/staff/otp/", "/accounts/", "/static/", "/i18n/")
PROTECTED = ("/staff/", "/admin/")


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._needs_second_factor(request):
            return redirect("accounts:otp_verify")
        return self.get_response(request)

    def _needs_second_factor(self, request: HttpRequest) -> bool:
        if not settings.ONETHING_REQUIRE_STAFF_OTP:
            return False
        path = request.path
        if path.startswith(EXEMPT) or not path.startswith(PROTECTED):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or getattr(user, "kind", "") == "applicant":
            return False
        return not user.is_verified()
