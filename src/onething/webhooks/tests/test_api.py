"""Department systems manage their own callback subscriptions (mounted at /api/v1/webhooks)."""

import re

import pytest

from onething.accounts.services import department_system_token_create, token_issue
from onething.conftest import department
from onething.webhooks.models import Subscription

pytestmark = pytest.mark.urls("onething.webhooks.tests.urls")

URL = "/api/v1/webhooks/subscriptions"
HOOK = "https://health.example.gov.cn/onething/callback"


def system(region: str, kind: str) -> dict[str, str]:
    _, secret = department_system_token_create(department=department(region, kind), name="业务系统")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def health(org):
    return system("321183", "health")


@pytest.fixture
def civil(org):
    return system("321183", "civil")


def create(client, headers, **body):
    body = {"url": HOOK, "events": ["task.released"], **body}
    return client.post(URL, body, content_type="application/json", headers=headers)


def test_a_department_system_subscribes_lists_and_cancels(client, health):
    created = create(client, health, events=["task.released", "correction.answered"])
    assert created.status_code == 201
    answer = created.json()
    assert re.fullmatch(r"[0-9a-f]{64}", answer["secret"]) and answer["signature"] == "hmac-sm3"
    assert answer["events"] == ["task.released", "correction.answered"] and answer["active"]
    stored = Subscription.objects.get(pk=answer["id"])
    assert stored.secret == answer["secret"] and stored.department.kind.code == "health"

    listed = client.get(URL, headers=health).json()
    assert [s["id"] for s in listed] == [answer["id"]]
    assert "secret" not in listed[0]  # shown once, at creation

    deleted = client.delete(f"{URL}/{answer['id']}", headers=health)
    assert deleted.status_code == 204
    assert client.get(URL, headers=health).json() == []
    stored.refresh_from_db()
    assert not stored.active  # kept, with its delivery history
    assert client.delete(f"{URL}/{answer['id']}", headers=health).status_code == 404


def test_only_that_departments_subscriptions(client, health, civil):
    mine = create(client, health).json()

    assert client.get(URL, headers=civil).json() == []
    refused = client.delete(f"{URL}/{mine['id']}", headers=civil)
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_your_subscription" and refused.json()["message_en"]
    assert Subscription.objects.get(pk=mine["id"]).active


def test_tokens_without_a_department_are_refused(client, applicant):
    _, secret = token_issue(user=applicant, name="app")
    headers = {"Authorization": f"Bearer {secret}"}
    responses = [
        client.get(URL, headers=headers),
        create(client, headers),
        client.delete(f"{URL}/1", headers=headers),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert {r.json()["code"] for r in responses} == {"department_token_required"}
    assert not Subscription.objects.exists()


def test_without_a_token(client, org):
    assert client.get(URL).status_code == 401
    assert create(client, {}).status_code == 401


@pytest.mark.parametrize(
    "body, code",
    [
        ({"events": []}, "invalid_events"),
        ({"events": ["task.released", "application.deleted"]}, "invalid_events"),
        ({"url": "ftp://health.example.gov.cn/hook"}, "invalid_url"),
        ({"url": "file:///etc/passwd"}, "invalid_url"),
        ({"url": "not a url"}, "invalid_url"),
    ],
)
def test_invalid_subscriptions_are_refused(client, health, body, code):
    response = create(client, health, **body)

    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["message"]
    assert not Subscription.objects.exists()


def test_the_same_url_twice_is_a_conflict(client, health):
    assert create(client, health).status_code == 201
    again = create(client, health, events=["application.withdrawn"])
    assert again.status_code == 409 and again.json()["code"] == "subscription_exists"
