"""Sessions, CSRF, sign-in throttling on the page, and the security headers.

- a session idle for longer than ``SESSION_COOKIE_AGE`` (30 minutes) is over: the next request
  is sent to the sign-in page; use moves the expiry on, at most once a minute
  (``SlidingSessionMiddleware``); the tests move the session's stored times instead of waiting;
- a form posted without its CSRF token is refused (403, in Chinese); with it, it works;
- sign-in throttling of the API is tested in ``accounts/tests/test_api.py``
  (``test_repeated_failures_are_throttled``); here the same limit on the sign-in page;
- every answer, page or API, carries the security headers set by ``SecurityMiddleware``,
  ``XFrameOptionsMiddleware`` and ``onething.core.middleware.SecurityHeadersMiddleware``.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from onething.accounts.demo import DEMO_PASSWORD, load_demo
from onething.accounts.models import User
from onething.accounts.services import token_issue
from onething.accounts.throttle import MAX_FAILURES
from onething.core.middleware import SESSION_SEEN_KEY


@pytest.fixture
def demo(catalog):
    cache.clear()  # sign-in failures are counted in the cache
    load_demo()
    yield
    cache.clear()


def _session(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _age(session: Session) -> dt.timedelta:
    return session.expire_date - timezone.now()


# ---------------------------------------------------------------- expiry


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("zhangsan", "/me/applications/"),
        ("clerk", "/staff/cases/"),
        ("supervisor", "/staff/insight/"),
    ],
)
def test_a_session_idle_past_its_age_is_signed_out(client, demo, username, path):
    client.force_login(User.objects.get(username=username))
    assert client.get(path).status_code == 200
    session = _session(client)
    limit = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert limit <= dt.timedelta(minutes=30)
    assert limit - dt.timedelta(seconds=60) < _age(session) <= limit

    # when the session was last used longer ago than SESSION_COOKIE_AGE
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(path)

    # then it is over: the sign-in page, and back here afterwards
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert path in response["Location"]
    assert client.get("/api/v1/data/access-log").status_code == 401  # session auth, too


def _idle(client: Client, *, seconds: int) -> None:
    """What ``seconds`` without a request leave in the session's row."""
    session = client.session
    session[SESSION_SEEN_KEY] = int(time.time()) - seconds
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - seconds)
    )


def test_use_moves_the_expiry_on(client, demo):
    client.force_login(User.objects.get(username="zhangsan"))
    client.get("/me/")
    # idle for 29 of the 30 minutes: still signed in, and the clock starts again
    _idle(client, seconds=29 * 60)
    assert client.get("/me/applications/").status_code == 200
    limit = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert _age(_session(client)) > limit - dt.timedelta(seconds=5)


def test_the_session_is_written_at_most_once_a_minute(client, demo):
    client.force_login(User.objects.get(username="zhangsan"))
    client.get("/me/")
    _idle(client, seconds=50)
    before = _session(client)
    assert client.get("/me/applications/").status_code == 200
    after = _session(client)
    assert (after.expire_date, after.session_data) == (before.expire_date, before.session_data)

    _idle(client, seconds=61)
    assert client.get("/me/applications/").status_code == 200
    assert _age(_session(client)) > dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)


def test_an_expired_cookie_does_not_start_an_empty_session(client, demo):
    client.force_login(User.objects.get(username="zhangsan"))
    client.get("/me/")
    Session.objects.all().update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/me/applications/").status_code == 302
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()


def test_the_session_cookie_is_for_this_browser_session_only(client, demo):
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["expires"] and not cookie["max-age"]  # gone when the browser closes


def test_signing_out_ends_the_session(client, demo):
    client.force_login(User.objects.get(username="zhangsan"))
    key = client.session.session_key
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/me/applications/").status_code == 302


# ---------------------------------------------------------------- CSRF


def _token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, "no CSRF token in the form"
    return found.group(1)


def test_a_form_without_its_csrf_token_is_refused_in_chinese(demo):
    browser = Client(enforce_csrf_checks=True)
    form = {"username": "zhangsan", "password": DEMO_PASSWORD}

    refused = browser.post("/accounts/login/", form)
    assert refused.status_code == 403
    body = refused.content.decode()
    # the site's own page (core.views.csrf_failure): what happened and what to do
    assert "页面已过期" in body and "请刷新页面后重新提交" in body and "Reload the page" in body
    assert '<html lang="zh-hans"' in body.lower()
    assert "_auth_user_id" not in browser.session

    token = _token(browser.get("/accounts/login/").content.decode())
    signed_in = browser.post("/accounts/login/", {**form, "csrfmiddlewaretoken": token})
    assert signed_in.status_code == 302 and browser.session["_auth_user_id"]


def test_a_signed_in_form_needs_its_token_too(demo):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(User.objects.get(username="zhangsan"))
    ticket = {"type": "consultation", "content": "孩子出生了要办什么"}
    assert browser.post("/help/tickets/", ticket).status_code == 403

    token = _token(browser.get("/help/").content.decode())
    created = browser.post("/help/tickets/", {**ticket, "csrfmiddlewaretoken": token})
    assert created.status_code == 302 and created["Location"].startswith("/help/tickets/RX")


def test_the_api_with_a_bearer_token_needs_no_csrf_token(demo):
    """Department systems send a token, not cookies: no CSRF token to send (and a forged
    cross-site request carries no bearer token)."""
    api = Client(enforce_csrf_checks=True)
    _token_row, secret = token_issue(user=User.objects.get(username="zhangsan"), name="t")
    headers = {"Authorization": f"Bearer {secret}"}
    answer = api.post(
        "/api/v1/hotline/tickets",
        {"type": "consultation", "content": "要带什么"},
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 201


# ---------------------------------------------------------------- throttling on the page


def test_the_sign_in_page_stops_after_too_many_failures(client, demo):
    for _ in range(MAX_FAILURES):
        client.post("/accounts/login/", {"username": "zhangsan", "password": "nope"})
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": DEMO_PASSWORD})
    assert response.status_code == 200  # the page again, with the reason
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


# ---------------------------------------------------------------- security headers


def _assert_security_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"):
        assert directive in csp, (directive, csp)
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


def test_security_headers_on_pages(client, demo):
    _assert_security_headers(client.get("/"))
    client.force_login(User.objects.get(username="clerk"))
    _assert_security_headers(client.get("/staff/cases/"))
    _assert_security_headers(client.get("/staff/cases/NO-SUCH-CASE/"))  # a refusal, too


def test_security_headers_on_api_answers(client, demo):
    _assert_security_headers(client.get("/api/v1/one-things"))
    _assert_security_headers(client.get("/api/v1/auth/me"))  # 401
    _token_row, secret = token_issue(user=User.objects.get(username="zhangsan"), name="t")
    answer = client.get("/api/v1/applications", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/json")
    _assert_security_headers(answer)
