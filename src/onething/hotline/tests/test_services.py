"""Tickets through the services: the closed loop, routing and its rules, deadlines by type,
escalation of overdue tickets, and who may do what."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from onething.accounts.models import StaffRole
from onething.catalog.models import OneThing
from onething.conftest import department
from onething.core.errors import Conflict, PermissionDenied, ValidationFailed
from onething.hotline.escalation import tickets_escalate
from onething.hotline.models import KnowledgeEntry, RoutingRule, Ticket
from onething.hotline.routing import route_suggestion
from onething.hotline.search import kb_search
from onething.hotline.services import (
    ticket_answer,
    ticket_claim,
    ticket_close,
    ticket_create,
    ticket_redo,
    ticket_reopen,
    ticket_return_visit,
    ticket_route,
    ticket_send_back,
    ticket_supervise,
)
from onething.hotline.workflow import TicketState
from onething.notify.models import Message
from onething.org.models import DepartmentKind

from .conftest import NEWBORN, RESTAURANT

pytestmark = pytest.mark.django_db


def inbox(user, kind):
    return Message.objects.filter(recipient=user, channel="inapp", kind=f"hotline.{kind}")


def actions(ticket):
    return list(ticket.events.values_list("action", flat=True))


@pytest.fixture
def call(demo, user, on_a_workday):
    """A phone call recorded by the demo hotline agent."""

    def make(**changes):
        values = {
            "actor": user("hotline"),
            "type": Ticket.Type.CONSULTATION,
            "content": "想咨询一下生孩子以后要办哪些手续",
            "caller_name": "王女士",
            "caller_phone": "13912340000",
        }
        values.update(changes)
        return ticket_create(**values)

    return make


# ---------------------------------------------------------------- the closed loop


def test_a_complaint_about_a_late_newborn_application_travels_the_loop(
    newborn_application, call, user
):
    # given zhangsan's 新生儿出生, accepted by the health commission and under way
    application = newborn_application()
    agent, coord = user("hotline"), user("coord")

    # when zhangsan calls 12345 to complain that it is late
    ticket = call(
        type=Ticket.Type.COMPLAINT,
        content="孩子出生登记申请了很多天还没办好，请催办。",
        caller_name="张三",
        caller_phone="138 1234 5678",
        application_number=application.number,
    )

    # then the ticket links the application, its one-thing and the caller, in the case's region
    assert ticket.number.startswith("RX321183")
    assert ticket.application == application
    assert ticket.one_thing.code == NEWBORN
    assert ticket.caller_person.user == user("zhangsan")
    assert ticket.region.code == "321183"
    assert ticket.due_date == dt.date(2026, 3, 9)  # a complaint: five working days
    assert ticket.masked_caller_phone == "138****5678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT caller_phone FROM hotline_ticket WHERE id = %s", [ticket.pk])
        stored = cursor.fetchone()[0]
    assert "13812345678" not in stored

    # the routing suggestion is the lead department, which answers for the deadline
    health = route_suggestion(ticket)
    assert health == department("321183", "health")
    ticket = ticket_route(ticket=ticket, actor=agent, department=health)
    assert ticket.status == TicketState.ASSIGNED
    assert inbox(coord, "assigned").exists()

    # the department signs for it and answers within the deadline
    ticket = ticket_claim(ticket=ticket, actor=coord)
    ticket = ticket_answer(
        ticket=ticket,
        actor=coord,
        answer="已核实：出生医学证明已签发，出生登记由公安局办理中，预计两个工作日内办结。",
    )
    assert ticket.status == TicketState.ANSWERED
    assert inbox(agent, "answered").exists()

    # the agent checks the answer and closes it; the caller hears about it
    ticket = ticket_close(ticket=ticket, actor=agent)
    assert ticket.status == TicketState.CLOSED
    assert inbox(user("zhangsan"), "caller").exists()

    # and every ticket ends with a return visit recording satisfaction
    ticket = ticket_return_visit(ticket=ticket, actor=agent, satisfied=True, note="已收到答复")
    assert ticket.status == TicketState.VISITED and ticket.satisfied is True

    assert actions(ticket) == ["receive", "assign", "claim", "answer", "close", "visit"]
    history = {e.action: e for e in ticket.events.all()}
    assert history["assign"].department == health and history["assign"].actor == agent
    assert history["answer"].actor == coord and history["answer"].data["on_time"] is True
    assert history["visit"].data == {"satisfied": True}
    assert list(application.tickets.all()) == [ticket]


def test_an_agent_answers_from_the_knowledge_base_directly(call, user, kb):
    # given a consultation the knowledge base answers
    ticket = call(content="孩子出生了要办什么")
    entry = kb_search(ticket.content)[0]

    # when the agent answers with that entry
    ticket = ticket_answer(
        ticket=ticket, actor=user("hotline"), answer=entry.answer, entries=[entry]
    )

    # then 受理 → 答复 → 办结, waiting for the return visit
    assert ticket.status == TicketState.CLOSED
    assert actions(ticket) == ["receive", "answer", "close"]
    assert list(ticket.cited_entries.all()) == [entry]
    ticket = ticket_return_visit(ticket=ticket, actor=user("hotline"), satisfied=True)
    assert ticket.status == TicketState.VISITED


def test_an_unsatisfied_caller_needs_a_note_and_the_ticket_can_start_again(call, user):
    agent = user("hotline")
    ticket = ticket_answer(
        ticket=call(), actor=agent, answer="请登录平台查看新生儿出生的办事指南。"
    )
    with pytest.raises(ValidationFailed) as missing:
        ticket_return_visit(ticket=ticket, actor=agent, satisfied=False)
    assert missing.value.code == "note_required"

    ticket = ticket_return_visit(ticket=ticket, actor=agent, satisfied=False, note="没有说清楚材料")
    ticket = ticket_reopen(ticket=ticket, actor=agent, reason="回访不满意，转卫健委详细答复")
    assert ticket.status == TicketState.RECEIVED
    assert actions(ticket)[-1] == "reopen"


# ---------------------------------------------------------------- routing


def test_routing_outside_the_ticket_region_is_refused_and_recorded(call, user):
    ticket = call()
    jiangning_police = department("320115", "police")

    with pytest.raises(ValidationFailed) as refused:
        ticket_route(ticket=ticket, actor=user("hotline"), department=jiangning_police)

    assert refused.value.code == "department_outside_region"
    assert jiangning_police.name in refused.value.message and "句容市" in refused.value.message
    ticket.refresh_from_db()
    assert ticket.status == TicketState.RECEIVED and ticket.department is None
    recorded = ticket.events.get(action="route_refused")
    assert recorded.department == jiangning_police
    assert recorded.actor == user("hotline")
    assert recorded.reason == refused.value.message


def test_routing_again_needs_a_reason(call, user):
    agent = user("hotline")
    ticket = ticket_route(ticket=call(), actor=agent, department=department("321183", "health"))

    with pytest.raises(ValidationFailed) as missing:
        ticket_route(ticket=ticket, actor=agent, department=department("321183", "police"))
    assert missing.value.code == "reason_required"

    ticket = ticket_route(
        ticket=ticket,
        actor=agent,
        department=department("321183", "police"),
        reason="诉求是落户问题，属公安职责",
    )
    assert ticket.department == department("321183", "police")
    assert ticket.events.get(action="reassign").reason == "诉求是落户问题，属公安职责"


def test_a_department_sends_back_what_is_not_its_own(call, user):
    agent = user("hotline")
    ticket = ticket_route(ticket=call(), actor=agent, department=department("321183", "police"))
    with pytest.raises(ValidationFailed):
        ticket_send_back(ticket=ticket, actor=user("approver"), reason="")

    ticket = ticket_send_back(ticket=ticket, actor=user("approver"), reason="应由卫健委答复")

    assert ticket.status == TicketState.RECEIVED and ticket.department is None
    assert inbox(agent, "sent_back").exists()
    with pytest.raises(ValidationFailed):  # routed before: routing again needs a reason
        ticket_route(ticket=ticket, actor=agent, department=department("321183", "health"))


def test_routing_rules_and_the_default_lead_department(call):
    restaurant = OneThing.objects.get(code=RESTAURANT)
    ticket = call(one_thing_code=RESTAURANT, content="开饭店的门头招牌怎么审批")
    # without a rule: the department of the one-thing's lead kind in the ticket's region
    assert route_suggestion(ticket) == department("321183", "approval")

    # a rule for this one-thing sends it to 城管 instead
    RoutingRule.objects.create(
        one_thing=restaurant, department_kind=DepartmentKind.objects.get(code="urban")
    )
    assert route_suggestion(ticket) == department("321183", "urban")

    # a general rule for the region covers tickets about no one-thing
    general = call(content="政务服务中心几点下班")
    assert route_suggestion(general) is None
    RoutingRule.objects.create(
        department_kind=DepartmentKind.objects.get(code="govservice"), region=general.region
    )
    assert route_suggestion(general) == department("321183", "govservice")
    # a rule of another region does not apply
    RoutingRule.objects.create(
        department_kind=DepartmentKind.objects.get(code="police"),
        region=department("320115", "police").region,
    )
    assert route_suggestion(general) == department("321183", "govservice")


# ---------------------------------------------------------------- who may do what


def test_only_the_department_answers_once_routed(call, user):
    ticket = ticket_route(
        ticket=call(), actor=user("hotline"), department=department("321183", "health")
    )
    for outsider in ("approver", "hotline", "clerk"):
        with pytest.raises(PermissionDenied):
            ticket_answer(ticket=ticket, actor=user(outsider), answer="不是我的")
    with pytest.raises(PermissionDenied):
        ticket_route(ticket=ticket, actor=user("coord"), department=department("321183", "civil"))


def test_another_regions_agent_cannot_take_this_region(call, make_staff, user):
    jiangning_agent = make_staff("320115", "govservice", StaffRole.HOTLINE_AGENT)
    with pytest.raises(PermissionDenied):
        call(actor=jiangning_agent, region=department("321183", "health").region)
    ticket = call()
    with pytest.raises(PermissionDenied):
        ticket_answer(ticket=ticket, actor=jiangning_agent, answer="你好")


def test_steps_out_of_order_are_conflicts(call, user):
    ticket = call()
    with pytest.raises(Conflict):
        ticket_close(ticket=ticket, actor=user("hotline"))
    with pytest.raises(Conflict):
        ticket_return_visit(ticket=ticket, actor=user("hotline"), satisfied=True)
    with pytest.raises(ValidationFailed):  # an agent's own answer has no department to redo it
        ticket_redo(ticket=ticket, actor=user("hotline"), reason="再答")


def test_an_applicant_files_a_web_ticket_about_their_own_application(newborn_application, user):
    application = newborn_application()
    ticket = ticket_create(
        actor=user("zhangsan"),
        type=Ticket.Type.INQUIRY,
        content="我的出生登记办到哪一步了？",
        application_number=application.number,
    )
    assert ticket.channel == Ticket.Channel.WEB
    assert ticket.caller_name == "张三" and ticket.masked_caller_phone == "138****5678"
    with pytest.raises(ValidationFailed):  # someone else's application stays hidden
        ticket_create(
            actor=user("lisi"),
            type=Ticket.Type.INQUIRY,
            content="查询",
            application_number=application.number,
        )


@pytest.mark.parametrize(
    ("kind", "due"),
    [
        [Ticket.Type.CONSULTATION, dt.date(2026, 3, 3)],
        [Ticket.Type.INQUIRY, dt.date(2026, 3, 5)],
        [Ticket.Type.HELP, dt.date(2026, 3, 5)],
        [Ticket.Type.COMPLAINT, dt.date(2026, 3, 9)],
        [Ticket.Type.SUGGESTION, dt.date(2026, 3, 16)],
    ],
)
def test_the_answer_deadline_counts_working_days_by_type(call, kind, due):
    assert call(type=kind).due_date == due


def test_an_unknown_calendar_gives_no_deadline_rather_than_a_guess(call, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2031, 6, 2))
    ticket = call()
    assert ticket.due_date is None
    assert tickets_escalate(dt.date(2031, 12, 31)) == 0


def test_bad_input_is_explained(call):
    with pytest.raises(ValidationFailed) as empty:
        call(content="  ")
    assert empty.value.code == "content_required"
    with pytest.raises(ValidationFailed):
        call(type="gossip")
    with pytest.raises(ValidationFailed):
        call(caller_phone="not a phone")
    with pytest.raises(ValidationFailed):
        call(application_number="YJS000000")
    assert call(caller_phone="0511-87654321").masked_caller_phone == "051*****4321"


# ---------------------------------------------------------------- 督办


def test_overdue_tickets_are_escalated_once_to_the_supervisors(call, user, settings):
    agent, coord, supervisor = user("hotline"), user("coord"), user("supervisor")
    late = ticket_route(
        ticket=call(type=Ticket.Type.COMPLAINT, content="投诉：出生证明迟迟不签发"),
        actor=agent,
        department=department("321183", "health"),
    )
    answered = ticket_answer(ticket=call(), actor=agent, answer="已答复")
    assert late.due_date == dt.date(2026, 3, 9)

    # on the due day nothing is overdue yet
    assert tickets_escalate(dt.date(2026, 3, 9)) == 0
    # the next day the open one is escalated, and only once
    assert tickets_escalate(dt.date(2026, 3, 10)) == 1
    assert tickets_escalate(dt.date(2026, 3, 11)) == 0

    late.refresh_from_db()
    answered.refresh_from_db()
    assert late.escalated and late.status == TicketState.ASSIGNED
    assert not answered.escalated
    event = late.events.get(action="escalate")
    assert event.actor is None and event.actor_name == "系统"
    assert "2026年03月09日" in event.reason
    assert inbox(supervisor, "escalated").count() == 1
    assert inbox(coord, "escalated").count() == 1

    # the supervisor adds an instruction; the department hears it
    ticket_supervise(ticket=late, actor=supervisor, instruction="请今日内答复来电人")
    assert inbox(coord, "supervised").exists()
    with pytest.raises(PermissionDenied):
        ticket_supervise(ticket=late, actor=agent, instruction="我也想督办")


def test_the_escalate_command_takes_a_date(call, user, capsys):
    ticket_route(ticket=call(), actor=user("hotline"), department=department("321183", "health"))
    call_command("hotline", "escalate", "--on", "2026-03-04")
    assert "已督办超期工单 1 件" in capsys.readouterr().out


def test_the_daily_escalation_is_queued_once(db, settings):
    from django_tasks_db.models import DBTaskResult

    from onething.hotline.escalation import escalate_schedule_once

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    assert escalate_schedule_once() is True
    assert escalate_schedule_once() is False
    assert DBTaskResult.objects.filter(task_path__endswith="escalate_daily").count() == 1


def test_a_staff_entry_can_be_cited(call, user):
    entry = KnowledgeEntry.objects.create(question="问", answer="答", keywords=["问"])
    ticket = ticket_answer(ticket=call(), actor=user("hotline"), answer="答", entries=[entry])
    assert entry.tickets.get() == ticket


def test_a_web_tickets_answer_is_reported_to_the_regions_agents(user, demo, on_a_workday):
    ticket = ticket_create(
        actor=user("zhangsan"), type=Ticket.Type.HELP, content="腿脚不便，能否上门办理？"
    )
    ticket_route(ticket=ticket, actor=user("hotline"), department=department("321183", "civil"))
    ticket_answer(ticket=ticket, actor=user("admin"), answer="可预约帮办员上门。")
    assert inbox(user("hotline"), "answered").exists()
    assert not inbox(user("zhangsan"), "answered").exists()
