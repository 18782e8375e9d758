"""A database that cannot answer gives a clear 503, never a traceback."""

import json

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
