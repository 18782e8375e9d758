"""A ticket about a late application says so on the ticket page — which of its items are
overdue, from the red warnings the daily deadline check raised — until they are decided."""

import datetime as dt

import pytest
from django.urls import reverse

from onething.cases.deadlines import ACTIVE_TASKS, deadlines_check
from onething.cases.services import task_decide
from onething.hotline.models import Ticket
from onething.hotline.selectors import application_overdue
from onething.hotline.services import ticket_create

pytestmark = pytest.mark.django_db


def complaint(agent, application):
    return ticket_create(
        actor=agent,
        type=Ticket.Type.COMPLAINT,
        content="出生登记十多天了还没办好",
        caller_name="张三",
        caller_phone="13812345678",
        application_number=application.number,
    )


def test_the_ticket_page_names_the_overdue_items(client, newborn_application, user, on_a_workday):
    application = newborn_application()
    ticket = complaint(user("hotline"), application)
    open_tasks = list(application.tasks.filter(status__in=ACTIVE_TASKS))
    page = reverse("hotline:ticket", args=[ticket.number])
    client.force_login(user("hotline"))

    # not late yet: nothing said
    assert application_overdue(ticket) == []
    assert 'id="application-overdue"' not in client.get(page).content.decode()

    # the day after the open tasks were due, the daily check raises red warnings
    deadlines_check(max(t.due_date for t in open_tasks) + dt.timedelta(days=1))
    overdue = application_overdue(ticket)
    assert sorted(overdue) == sorted(t.item_name for t in open_tasks)
    assert f"办件已超期：{'、'.join(overdue)}" in client.get(page).content.decode()

    # decided, they are no longer overdue
    for task in open_tasks:
        task_decide(task=task, actor=user("admin"), decision="approve", opinion="")
    assert application_overdue(ticket) == []


def test_a_ticket_without_an_application_has_nothing_overdue(user, demo):
    ticket = ticket_create(
        actor=user("hotline"),
        type=Ticket.Type.CONSULTATION,
        content="政务服务中心周六上班吗",
        caller_name="李女士",
        caller_phone="13900001111",
    )
    assert application_overdue(ticket) == []
