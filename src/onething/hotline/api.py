"""12345 over HTTP: file a ticket (a hotline agent's call, or an applicant's message from the
app), read one with its history, let a department system answer, and ask the knowledge base.

``GET /answers`` is public, like the ``/help/`` page; the rest need a bearer token.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from onething.accounts.auth import bearer
from onething.accounts.models import User
from onething.core.errors import ValidationFailed
from onething.org.models import Region

from . import services
from .answerers import answer_question
from .models import KnowledgeEntry, Ticket
from .selectors import ticket_get
from .throttling import help_throttle
from .workflow import ACTION_NAMES

router = Router(tags=["hotline"])


class TicketIn(Schema):
    type: Ticket.Type
    content: str
    caller_name: str = ""
    caller_phone: str = ""
    channel: Ticket.Channel | Literal[""] | None = None
    application: str = ""  # an application number
    one_thing: str = ""  # a one-thing code
    region: str = ""  # a region code; default: the application's, the caller's or the agent's


class TicketEventOut(Schema):
    at: dt.datetime
    action: str
    what: str
    who: str
    department: str
    reason: str


class TicketOut(Schema):
    number: str
    type: str
    type_label: str
    channel: str
    status: str
    status_label: str
    caller_name: str
    caller_phone: str  # masked
    content: str
    application: str | None
    one_thing: str | None
    region: str
    department: str | None
    due_date: dt.date | None
    escalated: bool
    answer: str
    answered_at: dt.datetime | None
    satisfied: bool | None
    events: list[TicketEventOut]


class TicketAnswerIn(Schema):
    answer: str


class EntryOut(Schema):
    id: int
    question: str
    answer: str
    one_thing: str
    item: str
    source: str
    link: str | None


class AnswerOut(Schema):
    question: str
    answer: str
    found: bool
    source: str
    note: str
    citations: list[EntryOut]
    related: list[EntryOut]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _ticket_out(ticket: Ticket, *, for_staff: bool) -> TicketOut:
    events = ticket.events.select_related("department")
    if not for_staff:
        events = events.exclude(action="route_refused")
    return TicketOut(
        number=ticket.number or "",
        type=ticket.type,
        type_label=str(ticket.get_type_display()),
        channel=ticket.channel,
        status=ticket.status,
        status_label=str(ticket.get_status_display()),
        caller_name=ticket.caller_name,
        caller_phone=ticket.masked_caller_phone,
        content=ticket.content,
        application=ticket.application.number if ticket.application else None,
        one_thing=ticket.one_thing.code if ticket.one_thing else None,
        region=ticket.region.code,
        department=ticket.department.name if ticket.department else None,
        due_date=ticket.due_date,
        escalated=ticket.escalated,
        answer=ticket.answer,
        answered_at=ticket.answered_at,
        satisfied=ticket.satisfied,
        events=[
            TicketEventOut(
                at=e.at,
                action=e.action,
                what=ACTION_NAMES.get(e.action, e.action),
                who=e.actor_name if for_staff else "",
                department=e.department.name if e.department else "",
                reason=e.reason if for_staff or e.action in {"send_back", "redo"} else "",
            )
            for e in events
        ],
    )


def _entry_out(entry: KnowledgeEntry) -> EntryOut:
    return EntryOut(
        id=entry.pk,
        question=entry.question,
        answer=entry.answer,
        one_thing=entry.one_thing_code,
        item=entry.item_code,
        source=entry.source,
        link=f"/one-things/{entry.one_thing_code}/" if entry.one_thing_code else None,
    )


@router.post(
    "/tickets",
    response={201: TicketOut},
    auth=bearer,
    summary="File a ticket: an agent's call, or an applicant's message",
)
def create_ticket(request: HttpRequest, payload: TicketIn) -> Status[TicketOut]:
    user = _user(request)
    region = None
    if payload.region:
        region = Region.objects.filter(code=payload.region).first()
        if region is None:
            raise ValidationFailed(
                code="region_not_found",
                message=f"没有区划代码为 {payload.region} 的地区。",
                message_en=f"No region with code {payload.region}.",
            )
    ticket = services.ticket_create(
        actor=user,
        type=payload.type,
        content=payload.content,
        caller_name=payload.caller_name,
        caller_phone=payload.caller_phone,
        channel=payload.channel or (Ticket.Channel.APP if user.is_applicant else None),
        application_number=payload.application,
        one_thing_code=payload.one_thing,
        region=region,
    )
    return Status(201, _ticket_out(ticket, for_staff=not user.is_applicant))


@router.get("/tickets/{number}", response=TicketOut, auth=bearer, summary="One ticket")
def get_ticket(request: HttpRequest, number: str) -> TicketOut:
    user = _user(request)
    return _ticket_out(ticket_get(user, number), for_staff=not user.is_applicant)


@router.post(
    "/tickets/{number}/answer",
    response=TicketOut,
    auth=bearer,
    summary="The department answers a ticket routed to it",
)
def answer_ticket(request: HttpRequest, number: str, payload: TicketAnswerIn) -> TicketOut:
    user = _user(request)
    services.ticket_answer(ticket=ticket_get(user, number), actor=user, answer=payload.answer)
    return _ticket_out(ticket_get(user, number), for_staff=True)


@router.get(
    "/answers",
    response=AnswerOut,
    auth=None,
    summary="Ask the knowledge base (政务问答台); answers cite their entries",
)
def answers(request: HttpRequest, q: str = "") -> AnswerOut:
    help_throttle(request, "questions")
    answer = answer_question(q[:200])
    return AnswerOut(
        question=answer.question,
        answer=answer.text,
        found=answer.found,
        source=answer.source,
        note=answer.note,
        citations=[_entry_out(e) for e in answer.citations],
        related=[_entry_out(e) for e in answer.related],
    )
