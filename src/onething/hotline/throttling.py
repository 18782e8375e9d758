"""How often one client may use the public 政务问答台 (``/help/``, ``GET /api/v1/hotline/answers``).

Asking is open to anyone and may call a paid large-language-model endpoint, so each client — its
address, its session and, when signed in, its account — may ask ``questions`` times and leave
``messages`` web tickets per ``window`` seconds (``DEFAULT``; the setting
``ONETHING_HELP_THROTTLE`` overrides any of them); an address, which several people may share,
``ADDRESS_FACTOR`` times as many. Past that: ``Throttled``, HTTP 429, with the minutes left to
wait (``onething.accounts.throttle``). Behind a reverse proxy, REMOTE_ADDR must be the
client's address (set by the proxy-aware server), or every visitor shares one address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from onething.accounts.throttle import throttle_hit

DEFAULT = {"questions": 30, "messages": 5, "window": 10 * 60}
ADDRESS_FACTOR = 4


def limits() -> dict[str, int]:
    return {**DEFAULT, **getattr(settings, "ONETHING_HELP_THROTTLE", {})}


def clients(request: HttpRequest) -> tuple[list[str], list[str]]:
    """The keys one client is known by: its address; its session and account."""
    own = []
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        own.append(f"session:{session.session_key}")
    if request.user.is_authenticated:
        own.append(f"user:{request.user.pk}")
    return [f"addr:{request.META.get('REMOTE_ADDR', '')}"], own


def help_throttle(request: HttpRequest, what: str) -> None:
    """Count one question (``what="questions"``) or web ticket (``"messages"``). An address may
    be shared (an office, a household): it may make ``ADDRESS_FACTOR`` times as many."""
    limit, window = limits()[what], limits()["window"]
    addresses, own = clients(request)
    throttle_hit(scope=f"help-{what}", clients=own, limit=limit, window=window)
    throttle_hit(
        scope=f"help-{what}", clients=addresses, limit=limit * ADDRESS_FACTOR, window=window
    )
