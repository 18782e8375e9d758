"""Throttling in the cache: sign-in (after too many failures for one user name or address, wait a
while) and ``throttle_hit`` for public pages and endpoints (too many requests from one client in a
window: wait until the window ends). Fixed windows; the cache must be shared between processes
(Redis) when there is more than one."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

from django.core.cache import cache

from onething.core.crypto import sm3_hex
from onething.core.errors import DomainError

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class Throttled(DomainError):
    pass


def _keys(username: str, address: str) -> list[str]:
    """Cache keys of a user name and an address. The user name is hashed: whatever was typed
    (any length, any character) makes a valid key for every cache backend."""
    user = sm3_hex(username.lower().encode())[:32]
    return [f"signin-fail:user:{user}", f"signin-fail:addr:{address}"]


def signin_check(*, username: str, address: str) -> None:
    if any(
        (cache.get(key) or 0) >= MAX_FAILURES * (4 if "addr" in key else 1)
        for key in _keys(username, address)
    ):
        raise Throttled(
            code="too_many_attempts",
            message="登录失败次数过多，请15分钟后再试。",
            message_en="Too many failed sign-ins; try again in 15 minutes.",
        )


def _count(key: str, window: int) -> int:
    """One more in the window of ``key`` (the window starts with the first)."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.add(key, 1, window)
        return 1


def signin_failed(*, username: str, address: str) -> None:
    for key in _keys(username, address):
        _count(key, WINDOW_SECONDS)


def throttle_hit(*, scope: str, clients: Iterable[str], limit: int, window: int) -> None:
    """Count one request of a client, known by several keys (its address, its session…);
    Throttled (HTTP 429) once any of them made more than ``limit`` in ``window`` seconds."""
    for client in {c for c in clients if c}:
        key = f"throttle:{scope}:{client}"
        cache.add(f"{key}:until", time.time() + window, window)
        if _count(key, window) > limit:
            until = cache.get(f"{key}:until") or time.time() + window
            minutes = max(1, math.ceil((until - time.time()) / 60))
            raise Throttled(
                code="too_many_requests",
                message=f"请求过于频繁，请{minutes}分钟后再试。",
                message_en=f"Too many requests. Please try again in {minutes} "
                f"minute{'s' if minutes > 1 else ''}.",
                details={"retry_after_minutes": minutes},
            )


def signin_succeeded(*, username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])
