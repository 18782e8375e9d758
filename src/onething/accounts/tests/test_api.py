import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from onething.accounts.models import ApiToken, StaffRole
from onething.accounts.services import department_system_token_create, token_revoke
from onething.conftest import department


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()


def post_token(client: Client, **body):
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def test_token_for_username_and_password(client, applicant):
    response = post_token(client, username="zhangsan", password="pw-Test-123")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token.startswith("ot_")
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    body = me.json()
    assert body["masked_id_number"] == "1101**********002X"
    assert "11010519491231002X" not in me.content.decode()
    stored = ApiToken.objects.get()
    assert token not in (stored.digest, stored.prefix)  # only a digest is kept


def test_wrong_password_gets_a_bilingual_error(client, applicant):
    response = post_token(client, username="zhangsan", password="nope")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_credentials"
    assert response.json()["message"] and response.json()["message_en"]


def test_repeated_failures_are_throttled(client, applicant):
    for _ in range(5):
        post_token(client, username="zhangsan", password="nope")
    response = post_token(client, username="zhangsan", password="pw-Test-123")
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"


def test_an_enrolled_totp_is_required(client, make_staff):
    user = make_staff("321183", "health", StaffRole.APPROVER)
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    assert (
        post_token(client, username=user.username, password="pw-Test-123").json()["code"]
        == "otp_required"
    )
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    ok = post_token(client, username=user.username, password="pw-Test-123", otp=code)
    assert ok.status_code == 200


def test_missing_or_revoked_tokens_are_refused(client, org):
    assert client.get("/api/v1/auth/me").status_code == 401
    token, secret = department_system_token_create(
        department=department("321183", "health"),
        name="卫健业务系统",
        lifetime=dt.timedelta(days=365),
    )
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    token_revoke(token=token)
    response = client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401 and response.json()["message_en"]


def test_department_token_sees_only_its_department(client, org):
    _, secret = department_system_token_create(
        department=department("321183", "health"), name="卫健业务系统"
    )
    response = client.get("/api/v1/org/departments", headers={"Authorization": f"Bearer {secret}"})
    assert [d["name"] for d in response.json()] == ["句容市卫生健康委员会"]


def test_openapi_document_and_docs_are_served(client, db):
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert "/api/v1/auth/token" in document.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_invalid_body_gets_a_clear_error(client, db):
    response = client.post("/api/v1/auth/token", {"username": "x"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
