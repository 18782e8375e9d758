from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import DomainError


def problem(request: HttpRequest, error: DomainError, status: int) -> HttpResponse:
    return render(request, "core/problem.html", {"error": error}, status=status)


def not_found(request: HttpRequest, error: DomainError) -> HttpResponse:
    return problem(request, error, 404)


def forbidden(request: HttpRequest, error: DomainError) -> HttpResponse:
    return problem(request, error, 403)
