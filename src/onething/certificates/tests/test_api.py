"""The API: anyone verifies by number; a holder lists their wallet."""

import re

import pytest

from onething.accounts.services import token_issue
from onething.certificates.models import Certificate
from onething.certificates.services import certificates_issue_for_task

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")


@pytest.fixture
def birth_certificate(approved_task, user):
    return certificates_issue_for_task(task=approved_task, actor=user("coord"))[0]


def bearer(user) -> dict[str, str]:
    _, secret = token_issue(user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def test_verify_needs_no_sign_in_and_shows_no_numbers(client, birth_certificate):
    response = client.get(f"/api/v1/certificates/{birth_certificate.number}/verify")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "valid" and body["status_label"] == "有效"
    assert body["issuer"] == "句容市卫生健康委员会" and body["type"] == "birth_medical"
    assert body["holder"] == "张*" and body["digest"] == birth_certificate.digest
    assert not ID_NUMBER.search(response.content.decode())


def test_verify_altered_and_unknown(client, birth_certificate):
    Certificate.objects.filter(pk=birth_certificate.pk).update(signature="1" * 128)
    body = client.get(f"/api/v1/certificates/{birth_certificate.number}/verify").json()
    assert body["status"] == "altered" and body["issuer"] is None
    body = client.get("/api/v1/certificates/ZZX/verify").json()
    assert body["status"] == "unknown"


def test_mine_lists_the_holders_certificates(client, birth_certificate, user):
    assert client.get("/api/v1/certificates/mine").status_code == 401
    response = client.get("/api/v1/certificates/mine", headers=bearer(user("zhangsan")))
    assert response.status_code == 200
    [entry] = response.json()
    assert entry["number"] == birth_certificate.number and entry["status"] == "valid"
    assert entry["holder_kind"] == "person" and entry["holder_id"].count("*") == 10
    assert entry["pdf_url"].endswith(f"/me/wallet/{birth_certificate.number}.pdf")
    assert entry["verify_url"].endswith(f"/certificates/verify/{birth_certificate.number}/")
    assert ["新生儿姓名", birth_certificate.data["items"][0][1]] in entry["items"]
    assert not ID_NUMBER.search(response.content.decode())
    others = client.get("/api/v1/certificates/mine", headers=bearer(user("lisi")))
    assert others.json() == []


def test_a_delivery_path_is_never_taken_for_a_verification(client, user, demo):
    """Found by schemathesis: GET /certificates/deliveries/verify answered, without a sign-in,
    as the verification of a certificate numbered "deliveries"."""
    path = "/api/v1/certificates/deliveries/verify"
    assert client.get(path).status_code == 401
    answer = client.get(path, headers=bearer(user("clerk")))
    assert answer.status_code == 404 and "status_label" not in answer.json()
