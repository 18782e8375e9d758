"""A database that cannot answer gives a clear 503, never a traceback."""

import json

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from onething.core.middleware import DatabaseUnavailableMiddleware


def unavailable(path: str, **headers: str) -> HttpResponse:
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get(path, headers=headers)
    response = middleware.process_exception(request, OperationalError("server closed"))
    assert response is not None
    return response


def test_an_api_client_gets_the_error_json_and_when_to_retry():
    response = unavailable("/api/v1/applications")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    body = json.loads(response.content)
    assert body["code"] == "database_unavailable"
    assert "稍后重试" in body["message"] and "retry" in body["message_en"]


def test_a_person_gets_a_page_in_chinese_and_english_without_a_traceback():
    response = unavailable("/me/applications/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    page = response.content.decode()
    assert page.startswith("<!doctype html>") and '<html lang="zh-Hans">' in page
    assert "系统暂时繁忙" in page and "briefly unavailable" in page
    assert "server closed" not in page and "Traceback" not in page


def test_other_errors_are_left_to_django():
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, ValueError("x")) is None


# ---------------------------------------------------------------- NUL characters


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/applications/YJS%00",  # in the address
        "/api/v1/applications?status=%00",  # in the query
        "/one-things/?q=%00",  # a page's query
    ],
)
def test_nul_in_an_address_or_query_is_refused_before_any_view(client, path):
    answer = client.get(path)
    assert answer.status_code == 400
    assert "空字符" in answer.content.decode()


@pytest.mark.django_db
def test_nul_in_a_form_body_is_refused(client):
    answer = client.post(
        "/accounts/login/",
        "username=a%00b&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 400 and "NUL" in answer.content.decode()


@pytest.mark.django_db
def test_nul_in_an_api_body_is_refused_with_the_error_json(client):
    """Found by schemathesis on PostgreSQL: an objection naming an application "\\u0000…" was a
    500 (PostgreSQL text cannot hold NUL)."""
    from onething.accounts.demo import load_demo
    from onething.accounts.models import User
    from onething.accounts.services import token_issue

    load_demo()
    _, secret = token_issue(user=User.objects.get(username="zhangsan"), name="test")
    answer = client.post(
        "/api/v1/data/objections",
        json.dumps({"element": "x", "application": "YJS\u0000", "reason": "r"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert answer.status_code == 400 and answer.json()["code"] == "nul_character"
    assert answer.json()["message_en"]


def test_the_text_backslash_u0000_is_not_a_nul():
    from onething.core.middleware import JSON_NUL

    assert JSON_NUL.search(json.dumps({"a": "x\x00"}).encode())
    assert JSON_NUL.search(json.dumps({"a\x00": 1}).encode())
    assert not JSON_NUL.search(json.dumps({"a": "\\u0000 is how JSON writes NUL"}).encode())
    assert JSON_NUL.search(json.dumps({"a": "\\\x00"}).encode())  # a backslash, then NUL
