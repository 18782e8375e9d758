from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .errors import DomainError, PermissionDenied
from .health import health_now


def problem(request: HttpRequest, error: DomainError, status: int) -> HttpResponse:
    return render(request, "core/problem.html", {"error": error}, status=status)


def not_found(request: HttpRequest, error: DomainError) -> HttpResponse:
    return problem(request, error, 404)


def forbidden(request: HttpRequest, error: DomainError) -> HttpResponse:
    return problem(request, error, 403)


def forbidden_not_staff(request: HttpRequest) -> HttpResponse:
    """A staff page opened by someone who holds no staff role."""
    return forbidden(
        request,
        PermissionDenied(
            code="not_staff",
            message="此页面仅供工作人员使用。",
            message_en="This page is for staff only.",
        ),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without its security token (an old tab, a page from another site): a
    plain page saying what to do, in the site's layout (``CSRF_FAILURE_VIEW``)."""
    error = DomainError(
        code="csrf_failed",
        message="页面已过期或来源无法确认，为保护您的信息，本次提交未被受理。请刷新页面后重新提交。",
        message_en="The page has expired or its origin could not be confirmed, so nothing was "
        "submitted. Reload the page and submit again.",
    )
    return problem(request, error, 403)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The platform's health for a load balancer and monitoring (``core.health``): 503 when
    this process cannot reach the database, else 200 with ``status`` ok or degraded."""
    health = health_now()
    response = JsonResponse(
        health.as_dict(),
        status=503 if health.status == "down" else 200,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-store"
    return response
