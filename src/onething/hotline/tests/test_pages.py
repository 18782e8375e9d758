"""The hotline pages through the test client: the agent's console and ticket page, the
department inbox, the supervisors' view and the public 政务问答台."""

import datetime as dt

import pytest
from django.urls import reverse

from onething.conftest import department
from onething.hotline.escalation import tickets_escalate
from onething.hotline.models import Ticket
from onething.hotline.services import ticket_answer, ticket_create, ticket_route
from onething.hotline.workflow import TicketState

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, user, demo):
    def sign_in(name):
        client.force_login(user(name))
        return client

    return sign_in


@pytest.fixture
def ticket(demo, user, on_a_workday):
    def make(**changes):
        values = {
            "actor": user("hotline"),
            "type": Ticket.Type.COMPLAINT,
            "content": "孩子出生了要办什么，出生证明一直没拿到",
            "caller_name": "王女士",
            "caller_phone": "13912340000",
            "one_thing_code": "JS-2022-07",
        }
        values.update(changes)
        return ticket_create(**values)

    return make


def page_of(ticket, action=""):
    if action:
        return reverse("hotline:ticket_action", args=[ticket.number, action])
    return reverse("hotline:ticket", args=[ticket.number])


def test_the_console_records_a_call(signed_in, kb):
    client = signed_in("hotline")
    page = client.get(reverse("hotline:console"))
    assert page.status_code == 200
    assert "新建工单（来电）" in page.content.decode()

    created = client.post(
        reverse("hotline:console"),
        {
            "caller_name": "刘先生",
            "caller_phone": "13700001111",
            "type": "consultation",
            "content": "孩子出生了要办什么",
            "region": str(department("321183", "health").region_id),
        },
    )
    ticket = Ticket.objects.get()
    assert created.status_code == 302 and created.url == page_of(ticket)
    assert ticket.caller_name == "刘先生" and ticket.channel == "phone"


def test_a_call_with_problems_is_shown_again_with_the_reason(signed_in):
    client = signed_in("hotline")
    response = client.post(
        reverse("hotline:console"),
        {"caller_name": "刘先生", "type": "complaint", "content": "", "application": "YJS1"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请记录来电人的诉求内容" in body and 'value="刘先生"' in body
    assert not Ticket.objects.exists()


def test_the_console_is_for_hotline_agents(signed_in, client):
    assert signed_in("approver").get(reverse("hotline:console")).status_code == 403
    client.logout()
    assert client.get(reverse("hotline:console")).status_code == 302


def test_suggestions_follow_what_the_caller_says(signed_in, kb):
    response = signed_in("hotline").get(
        reverse("hotline:suggest"), {"content": "孩子出生了要办什么"}
    )
    assert response.status_code == 200
    assert "新生儿出生要办哪些事？" in response.content.decode()


def test_the_ticket_page_offers_answers_and_the_suggested_department(signed_in, ticket, kb):
    current = ticket()
    body = signed_in("hotline").get(page_of(current)).content.decode()
    assert "答复或派单" in body
    assert "用这条答复并办结" in body and "新生儿出生要办哪些事？" in body
    assert "句容市卫生健康委员会（建议）" in body
    assert "139****0000" in body and "13912340000" not in body
    assert "南京市" not in body  # only the ticket's region's departments are offered


def test_answering_from_the_knowledge_base_on_the_page(signed_in, ticket, kb):
    current = ticket(type=Ticket.Type.CONSULTATION)
    client = signed_in("hotline")
    from onething.hotline.search import kb_search

    entry = kb_search(current.content)[0]
    response = client.post(page_of(current, "answer"), {"entry": str(entry.pk)})
    assert response.status_code == 302
    current.refresh_from_db()
    assert current.status == TicketState.CLOSED and current.answer == entry.answer
    assert list(current.cited_entries.all()) == [entry]


def test_routing_outside_the_region_through_the_page_is_refused(signed_in, ticket):
    current = ticket()
    response = signed_in("hotline").post(
        page_of(current, "route"), {"department": str(department("320115", "police").pk)}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "不属于本工单的所属地区" in body and "派单被拒绝" in body
    assert current.events.filter(action="route_refused").exists()


def test_the_loop_through_the_pages(signed_in, ticket, client, user):
    current = ticket()
    agent = signed_in("hotline")
    health = department("321183", "health")
    assert agent.post(page_of(current, "route"), {"department": str(health.pk)}).status_code == 302

    # the department finds it in its inbox and answers
    client.force_login(user("coord"))
    inbox = client.get(reverse("hotline:department")).content.decode()
    assert current.number in inbox
    body = client.get(page_of(current)).content.decode()
    assert "部门答复" in body and "签收办理" in body
    assert client.post(page_of(current, "claim")).status_code == 302
    response = client.post(
        page_of(current, "answer"), {"answer": "已联系医院，明日可领取出生医学证明。"}
    )
    assert response.status_code == 302

    # another department's approver does not see it
    client.force_login(user("approver"))
    assert client.get(page_of(current)).status_code == 404

    # the agent closes it and does the return visit
    client.force_login(user("hotline"))
    assert "审核部门答复" in client.get(page_of(current)).content.decode()
    assert client.post(page_of(current, "close")).status_code == 302
    missing = client.post(page_of(current, "visit"), {"satisfied": "no"})
    assert missing.status_code == 400 and "不满意的原因" in missing.content.decode()
    assert client.post(page_of(current, "visit"), {"satisfied": "yes"}).status_code == 302
    current.refresh_from_db()
    assert current.status == TicketState.VISITED and current.satisfied
    history = client.get(page_of(current)).content.decode()
    for step in ("受理", "派单", "签收办理", "答复", "办结", "回访评价"):
        assert step in history


def test_a_department_sending_a_ticket_back_returns_to_its_inbox(signed_in, ticket, user, client):
    current = ticket()
    ticket_route(ticket=current, actor=user("hotline"), department=department("321183", "health"))
    client.force_login(user("coord"))
    response = client.post(page_of(current, "send_back"), {"reason": "属于公安户籍业务"})
    assert response.status_code == 302 and response.url == reverse("hotline:department")


def test_supervisors_see_escalated_tickets(signed_in, ticket, user, client):
    current = ticket()
    ticket_route(ticket=current, actor=user("hotline"), department=department("321183", "health"))
    tickets_escalate(dt.date(2026, 3, 10))

    page = signed_in("supervisor").get(reverse("hotline:supervision"))
    assert page.status_code == 200 and current.number in page.content.decode()
    body = client.get(page_of(current)).content.decode()
    assert "督办意见" in body and "已督办" in body
    response = client.post(page_of(current, "supervise"), {"instruction": "请今日答复"})
    assert response.status_code == 302
    assert current.events.filter(action="supervise").exists()

    client.force_login(user("hotline"))
    assert client.get(reverse("hotline:supervision")).status_code == 403


def test_the_console_list_does_not_query_per_ticket(
    signed_in, ticket, user, django_assert_max_num_queries
):
    for n in range(12):
        made = ticket(content=f"第{n}个来电")
        if n % 2:
            ticket_route(
                ticket=made, actor=user("hotline"), department=department("321183", "health")
            )
    client = signed_in("hotline")
    with django_assert_max_num_queries(16):
        response = client.get(reverse("hotline:console"), {"queue": "all"})
    assert response.content.decode().count("RX321183") >= 12


# ---------------------------------------------------------------- /help/


def test_anyone_asks_and_gets_an_answer_with_the_one_thing_link(client, kb):
    response = client.get(reverse("hotline:help"), {"q": "孩子出生了要办什么"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "第一步：出生医学证明首次签发" in body
    assert reverse("catalog:one_thing", args=["JS-2022-07"]) in body
    assert "登录后可在线提交诉求" in body
    nothing = client.get(reverse("hotline:help"), {"q": "今天天气怎么样"}).content.decode()
    assert "没有找到" in nothing


def test_a_signed_in_applicant_leaves_a_message_and_rates_the_answer(signed_in, user, kb):
    client = signed_in("zhangsan")
    form = client.get(reverse("hotline:help")).content.decode()
    assert "提交留言" in form
    response = client.post(
        reverse("hotline:help_ticket_create"),
        {"type": "consultation", "content": "出生证明丢了怎么补办？"},
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "hotline:help_ticket", args=[ticket.number]
    )
    assert ticket.channel == "web" and ticket.caller_person.user == user("zhangsan")

    # the hotline answers; the applicant rates it online (the web ticket's return visit)
    ticket_answer(ticket=ticket, actor=user("hotline"), answer="请向出生医院申请补发。")
    page = client.get(reverse("hotline:help_ticket", args=[ticket.number])).content.decode()
    assert "请向出生医院申请补发" in page and "请评价这次答复" in page
    rated = client.post(reverse("hotline:help_ticket", args=[ticket.number]), {"satisfied": "yes"})
    assert rated.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketState.VISITED and ticket.satisfied

    # another applicant cannot see it
    client.force_login(user("lisi"))
    assert client.get(reverse("hotline:help_ticket", args=[ticket.number])).status_code == 404


def test_an_empty_message_is_explained(signed_in):
    response = signed_in("zhangsan").post(
        reverse("hotline:help_ticket_create"), {"type": "complaint", "content": ""}
    )
    assert response.status_code == 400 and "请记录" in response.content.decode()


def test_staff_pages_redirect_applicants_to_their_own_view(signed_in, ticket, user):
    current = ticket(
        actor=user("zhangsan"), caller_name="", caller_phone="", type=Ticket.Type.INQUIRY
    )
    client = signed_in("zhangsan")
    response = client.get(page_of(current))
    assert response.status_code == 302
    assert response.url == reverse("hotline:help_ticket", args=[current.number])


def test_staff_extend_the_knowledge_base_in_the_admin(signed_in, kb, ticket):
    from onething.hotline.models import KnowledgeEntry

    client = signed_in("admin")
    added = client.post(
        reverse("admin:hotline_knowledgeentry_add"),
        {
            "question": "政务服务中心周六上班吗？",
            "answer": "周六上午9:00—12:00开放综合窗口。",
            "keywords_text": "周六，周末、上班时间",
            "one_thing_code": "",
            "item_code": "",
            "active": "on",
        },
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    entry = KnowledgeEntry.objects.get(question="政务服务中心周六上班吗？")
    assert entry.source == "staff" and entry.keywords == ["周六", "周末", "上班时间"]

    generated = KnowledgeEntry.objects.get(key="JS-2022-07:overview")
    page = client.get(reverse("admin:hotline_knowledgeentry_change", args=[generated.pk]))
    assert page.status_code == 200 and 'name="answer"' not in page.content.decode()

    current = ticket()
    listing = client.get(reverse("admin:hotline_ticket_changelist")).content.decode()
    assert current.number in listing
    detail = client.get(reverse("admin:hotline_ticket_change", args=[current.pk])).content.decode()
    assert "139****0000" in detail and "13912340000" not in detail
