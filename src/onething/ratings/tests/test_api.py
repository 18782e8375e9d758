"""POST /api/v1/ratings: the applicant rates a decided application or task, once."""

import pytest

from onething.accounts.services import token_issue
from onething.ratings.models import Rating


def bearer(user) -> dict[str, str]:
    _, secret = token_issue(user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def post(client):
    def send(user, body):
        return client.post(
            "/api/v1/ratings", body, content_type="application/json", headers=bearer(user)
        )

    return send


def test_rate_an_application_then_a_task_once_each(decided, user, post, clock):
    application = decided()
    zhangsan = user("zhangsan")
    body = {"application": application.number, "level": 2, "tags": ["材料要求不清楚"]}
    first = post(zhangsan, body)
    assert first.status_code == 201, first.content
    rating = first.json()
    assert rating["level_label"] == "不满意" and rating["department"] == "句容市卫生健康委员会"
    assert rating["rectification"]["status"] == "open"
    assert rating["rectification"]["due_date"] == "2026-03-23"

    again = post(zhangsan, {**body, "level": 5, "tags": []})
    assert again.status_code == 409 and again.json()["code"] == "already_rated"
    assert again.json()["message"] and again.json()["message_en"]

    task = application.tasks.get(item_name="出生登记")
    on_task = post(zhangsan, {"task": task.pk, "level": 5, "tags": ["服务态度好"]})
    assert on_task.status_code == 201 and on_task.json()["task_name"] == "出生登记"
    assert on_task.json()["rectification"] is None
    assert Rating.objects.count() == 2


def test_only_the_applicant_of_a_decided_application(decided, accepted, user, post, client, clock):
    application = decided()
    body = {"application": application.number, "level": 5}
    assert post(user("lisi"), body).status_code == 404  # not even its existence
    refused = post(user("coord"), body)  # the lead department sees it but may not rate it
    assert refused.status_code == 403 and refused.json()["code"] == "not_applicant"
    early = post(user("zhangsan"), {"application": accepted().number, "level": 5})
    assert early.status_code == 409 and early.json()["code"] == "application_not_decided"
    bad_tags = post(user("zhangsan"), {**body, "level": 1, "tags": ["一次办成"]})
    assert bad_tags.status_code == 400 and bad_tags.json()["code"] == "tags_not_for_level"
    anonymous = client.post("/api/v1/ratings", body, content_type="application/json")
    assert anonymous.status_code == 401


def test_a_window_service_is_rated_once_a_day(demo, user, post, clock):
    body = {"window": "JR-HY-01", "service_date": "2026-03-02", "level": 3, "channel": "window"}
    first = post(user("zhangsan"), body)
    assert first.status_code == 201 and first.json()["department"] == "句容市政务服务管理办公室"
    assert post(user("zhangsan"), body).status_code == 409
    assert post(user("zhangsan"), {**body, "window": "NOPE"}).status_code == 404


def test_both_operations_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/ratings"] and "get" in paths["/api/v1/ratings/stats"]
