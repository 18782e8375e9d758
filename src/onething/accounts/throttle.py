"""Sign-in throttling: after too many failures for one user name or address, wait a while."""

from __future__ import annotations

from django.core.cache import cache

from onething.core.errors import DomainError

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class Throttled(DomainError):
    pass


def _keys(username: str, address: str) -> list[str]:
    return [f"signin-fail:user:{username.lower()}", f"signin-fail:addr:{address}"]


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


def signin_failed(*, username: str, address: str) -> None:
    for key in _keys(username, address):
        cache.add(key, 0, WINDOW_SECONDS)
        cache.incr(key)


def signin_succeeded(*, username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])
