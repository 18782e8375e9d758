from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

from .errors import DomainError, database_unavailable, nul_character

logger = logging.getLogger(__name__)

CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    ]
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/v1/docs"):
            # Swagger UI loads its own scripts and styles from the package's static files.
            docs_csp = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
            response.headers.setdefault("Content-Security-Policy", docs_csp)
        else:
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


SESSION_SEEN_KEY = "_onething_seen"


class SlidingSessionMiddleware:
    """Move a signed-in session's expiry on when it is used, at most once a minute.

    A session ends after ``SESSION_COOKIE_AGE`` (30 minutes) without use. Saving it on every
    request (``SESSION_SAVE_EVERY_REQUEST``) would write its row on every page and API call;
    this marks it for saving only when the last save is older than
    ``ONETHING_SESSION_REFRESH_SECONDS`` (60). An idle session then ends between 29 and 30
    minutes after its last use. Requests that do not use the session (no cookie, or an API call
    signed by a token) are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.every = int(getattr(settings, "ONETHING_SESSION_REFRESH_SECONDS", 60))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None or not session.accessed:
            return response  # no session cookie, or a request that did not use it
        seen = int(session.get(SESSION_SEEN_KEY, 0))
        if session.is_empty():  # expired, unknown or signed out: nothing to keep
            return response
        now = int(time.time())
        if session.modified or now - seen >= self.every:
            session[SESSION_SEEN_KEY] = now  # saved by SessionMiddleware with a new expiry
        return response


class DatabaseUnavailableMiddleware:
    """A database that is down, restarting or locked answers 503 with a clear body, not a 500.

    The request's transaction has rolled back, so nothing is half-written, and Django drops the
    broken connection when the request ends; the client retries (with the same
    ``Idempotency-Key`` for a submission). API clients get the usual error JSON, pages a short
    bilingual text; no traceback either way (it goes to the log).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable for %s %s", request.method, request.path, exc_info=True)
        error = database_unavailable()
        response: HttpResponse
        if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
            response = JsonResponse(
                error.as_dict(), status=503, json_dumps_params={"ensure_ascii": False}
            )
        else:
            text = (  # no template: rendering one may need the database that is down
                '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                "<title>系统暂时繁忙 · Briefly unavailable</title></head><body>"
                f"<h1>系统暂时繁忙</h1><p>{html.escape(error.message)}</p>"
                f'<p lang="en">{html.escape(error.message_en)}</p>'
                '<p><a href="">重新打开本页 · Reload</a></p></body></html>'
            )
            response = HttpResponse(text, status=503, content_type="text/html; charset=utf-8")
        response["Retry-After"] = "5"
        return response


def _error_response(request: HttpRequest, error: DomainError, status: int) -> HttpResponse:
    """The error JSON for API clients, a short bilingual page (no template) for people."""
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        return JsonResponse(
            error.as_dict(), status=status, json_dumps_params={"ensure_ascii": False}
        )
    text = (
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(error.message)}</title></head><body>"
        f"<h1>{html.escape(error.message)}</h1>"
        f'<p lang="en">{html.escape(error.message_en)}</p>'
        '<p><a href="/">返回首页 · Home</a></p></body></html>'
    )
    return HttpResponse(text, status=status, content_type="text/html; charset=utf-8")


# \u0000 in a JSON text, not preceded by an odd number of backslashes (that is the text "\u0000")
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


class NulCharacterMiddleware:
    """A NUL character (\\0) in the address, the query, a form body or a JSON body answers 400
    before any view runs: PostgreSQL text cannot hold it, so it would otherwise end as a 500
    wherever it reached a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._holds_nul(request):
            return _error_response(request, nul_character(), 400)
        return self.get_response(request)

    @staticmethod
    def _holds_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if request.content_type == "application/x-www-form-urlencoded":
            return b"%00" in request.body
        if request.content_type == "application/json":  # NUL is written \u0000 in JSON
            return JSON_NUL.search(request.body) is not None
        return False
