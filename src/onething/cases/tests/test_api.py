"""The API journey: an applicant submits (twice, same key), the lead department accepts, a
department system works its tasks."""

import base64

import pytest

from onething.accounts.models import User
from onething.accounts.services import department_system_token_create, token_issue
from onething.cases.models import Application
from onething.cases.tests.conftest import NEWBORN
from onething.cases.tests.factories import submission
from onething.conftest import department


def bearer(user: User) -> dict[str, str]:
    _, secret = token_issue(user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def body(guide) -> dict:
    payload = submission(guide, NEWBORN)
    return {
        "one_thing": NEWBORN,
        "form": payload.form,
        "files": [
            {
                "material": u.material,
                "filename": u.filename,
                "content_base64": base64.b64encode(u.data).decode(),
            }
            for u in payload.uploads
        ],
    }


@pytest.fixture
def submitted(client, demo, newborn_guide, user):
    headers = {**bearer(user("zhangsan")), "Idempotency-Key": "abc-123"}
    first = client.post(
        "/api/v1/applications",
        body(newborn_guide),
        content_type="application/json",
        headers=headers,
    )
    assert first.status_code == 201, first.content
    return first.json()["number"]


def test_a_retried_submission_returns_the_same_application(client, submitted, newborn_guide, user):
    headers = {**bearer(user("zhangsan")), "Idempotency-Key": "abc-123"}
    again = client.post(
        "/api/v1/applications",
        body(newborn_guide),
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 200 and again.json()["number"] == submitted
    assert Application.objects.count() == 1


def test_an_incomplete_submission_lists_every_problem(client, demo, newborn_guide, user):
    payload = body(newborn_guide)
    payload["form"]["mother_id_number"] = "123"
    payload["files"] = []
    response = client.post(
        "/api/v1/applications",
        payload,
        content_type="application/json",
        headers=bearer(user("zhangsan")),
    )
    assert response.status_code == 400
    problems = response.json()["details"]["problems"]
    assert len(problems) > 1 and all(p["message"] and p["message_en"] for p in problems)


def test_department_system_lists_claims_and_decides(client, submitted, user):
    client.post(f"/api/v1/applications/{submitted}/accept", headers=bearer(user("coord")))
    _, secret = department_system_token_create(
        department=department("321183", "health"), name="卫健系统"
    )
    system = {"Authorization": f"Bearer {secret}"}
    tasks = client.get("/api/v1/tasks", {"status": "released"}, headers=system).json()
    assert tasks and all(t["department"] == "句容市卫生健康委员会" for t in tasks)
    task = next(t for t in tasks if t["item_name"] == "出生医学证明首次签发")
    claimed = client.post(f"/api/v1/tasks/{task['id']}/claim", headers=system).json()
    decision = {"decision": "approve", "opinion": "符合条件", "revision": claimed["revision"]}
    ok = client.post(
        f"/api/v1/tasks/{task['id']}/decision",
        decision,
        content_type="application/json",
        headers=system,
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    stale = client.post(
        f"/api/v1/tasks/{task['id']}/decision",
        decision,
        content_type="application/json",
        headers=system,
    )
    assert stale.status_code == 409 and stale.json()["code"] == "task_changed"


def test_another_departments_task_is_not_visible(client, submitted, user):
    client.post(f"/api/v1/applications/{submitted}/accept", headers=bearer(user("coord")))
    task = Application.objects.get().tasks.get(item_name="出生医学证明首次签发")
    police = bearer(user("approver"))
    response = client.post(
        f"/api/v1/tasks/{task.pk}/decision",
        {"decision": "approve", "revision": 0},
        content_type="application/json",
        headers=police,
    )
    assert response.status_code == 404


def test_applicant_sees_a_plain_timeline_and_others_see_nothing(client, submitted, user):
    mine = client.get(f"/api/v1/applications/{submitted}", headers=bearer(user("zhangsan")))
    assert mine.json()["timeline"][0]["what"] == "您的申请已提交"
    theirs = client.get(f"/api/v1/applications/{submitted}", headers=bearer(user("lisi")))
    assert theirs.status_code == 404


def test_the_task_list_comes_in_pages_of_a_bounded_size(client, submitted, user):
    client.post(f"/api/v1/applications/{submitted}/accept", headers=bearer(user("coord")))
    _, secret = department_system_token_create(
        department=department("321183", "health"), name="卫健系统"
    )
    system = {"Authorization": f"Bearer {secret}"}
    every = client.get("/api/v1/tasks", headers=system).json()
    assert len(every) >= 2
    first = client.get("/api/v1/tasks", {"limit": 1}, headers=system).json()
    second = client.get("/api/v1/tasks", {"limit": 1, "offset": 1}, headers=system).json()
    assert [t["id"] for t in first + second] == [t["id"] for t in every[:2]]
    too_many = client.get("/api/v1/tasks", {"limit": 201}, headers=system)
    assert too_many.status_code == 422 and too_many.json()["message_en"]


def test_my_applications_come_in_pages(client, submitted, user):
    mine = bearer(user("zhangsan"))
    assert [a["number"] for a in client.get("/api/v1/applications", headers=mine).json()] == [
        submitted
    ]
    assert client.get("/api/v1/applications", {"offset": 1}, headers=mine).json() == []
    assert client.get("/api/v1/applications", {"limit": 0}, headers=mine).status_code == 422
