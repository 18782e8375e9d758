"""The hotline API: file a ticket, read it, let a department system answer, ask the knowledge
base (public)."""

import pytest

from onething.accounts.services import department_system_token_create, token_issue
from onething.conftest import department
from onething.hotline.models import Ticket
from onething.hotline.services import ticket_route

pytestmark = pytest.mark.django_db


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def as_user(demo, user):
    def make(name):
        _, secret = token_issue(user=user(name), name="test")
        return bearer(secret)

    return make


def test_an_agent_files_a_call_and_reads_it_back(client, as_user, newborn_application):
    application = newborn_application()
    headers = as_user("hotline")
    created = client.post(
        "/api/v1/hotline/tickets",
        {
            "type": "complaint",
            "content": "出生登记迟迟没办好",
            "caller_name": "张三",
            "caller_phone": "13812345678",
            "application": application.number,
        },
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"].startswith("RX") and body["status"] == "received"
    assert body["caller_phone"] == "138****5678"
    assert "13812345678" not in created.content.decode()
    assert body["application"] == application.number and body["one_thing"] == "JS-2022-07"
    assert [e["action"] for e in body["events"]] == ["receive"]
    assert body["events"][0]["who"] == "孙热线"

    read = client.get(f"/api/v1/hotline/tickets/{body['number']}", headers=headers)
    assert read.status_code == 200 and read.json()["number"] == body["number"]

    # the caller sees it too, without staff names; another applicant does not
    mine = client.get(f"/api/v1/hotline/tickets/{body['number']}", headers=as_user("zhangsan"))
    assert mine.status_code == 200 and mine.json()["events"][0]["who"] == ""
    other = client.get(f"/api/v1/hotline/tickets/{body['number']}", headers=as_user("lisi"))
    assert other.status_code == 404 and other.json()["code"] == "ticket_not_found"


def test_an_applicant_files_from_the_app(client, as_user):
    created = client.post(
        "/api/v1/hotline/tickets",
        {"type": "suggestion", "content": "建议增加周末办理窗口"},
        content_type="application/json",
        headers=as_user("zhangsan"),
    )
    assert created.status_code == 201
    assert created.json()["channel"] == "app" and created.json()["caller_name"] == "张三"


def test_errors_are_explained(client, as_user):
    response = client.post(
        "/api/v1/hotline/tickets",
        {"type": "complaint", "content": "", "caller_name": "匿名"},
        content_type="application/json",
        headers=as_user("hotline"),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "content_required" and response.json()["message_en"]
    assert (
        client.post("/api/v1/hotline/tickets", {}, content_type="application/json").status_code
        == 401
    )
    refused = client.post(
        "/api/v1/hotline/tickets",
        {"type": "consultation", "content": "问", "caller_name": "甲"},
        content_type="application/json",
        headers=as_user("clerk"),
    )
    assert refused.status_code == 403


def test_a_department_system_answers_its_ticket(client, as_user, user, on_a_workday):
    from onething.hotline.services import ticket_create

    ticket = ticket_create(
        actor=user("hotline"), type="inquiry", content="预防接种证在哪里办", caller_name="李女士"
    )
    ticket_route(ticket=ticket, actor=user("hotline"), department=department("321183", "health"))
    _, secret = department_system_token_create(
        department=department("321183", "health"), name="卫健"
    )

    answered = client.post(
        f"/api/v1/hotline/tickets/{ticket.number}/answer",
        {"answer": "在出生医院或居住地接种单位办理。"},
        content_type="application/json",
        headers=bearer(secret),
    )

    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "answered"
    assert Ticket.objects.get(pk=ticket.pk).answered_by.username.startswith("system-")


def test_anyone_may_ask_the_knowledge_base(client, kb, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/hotline/answers", {"q": "孩子出生了要办什么"})
    assert response.status_code == 200
    body = response.json()
    assert body["found"] and body["source"] == "retrieval"
    assert "第一步：出生医学证明首次签发" in body["answer"]
    assert body["citations"][0]["one_thing"] == "JS-2022-07"
    assert body["citations"][0]["link"] == "/one-things/JS-2022-07/"
    empty = client.get("/api/v1/hotline/answers", {"q": "今天天气怎么样"}).json()
    assert not empty["found"] and empty["citations"] == []
