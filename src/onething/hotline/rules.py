"""Who may act on a ticket, and by when it must be answered.

Deadlines count statutory working days from the day the ticket is received, by type
(``DEFAULT_DAYS``; the setting ``ONETHING_HOTLINE_DAYS`` overrides any of them). A date past the
known work calendar gives no deadline rather than a guess.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from onething.accounts.models import StaffRole, User
from onething.core.errors import PermissionDenied, ValidationFailed
from onething.core.workdays import WorkCalendarUnknown, add_working_days
from onething.org.models import Department, Region

from .models import Ticket
from .selectors import answers_for, covers_region

# Working days to answer, by type; ``ONETHING_HOTLINE_DAYS`` overrides any of them.
DEFAULT_DAYS = {
    Ticket.Type.CONSULTATION: 1,
    Ticket.Type.INQUIRY: 3,
    Ticket.Type.COMPLAINT: 5,
    Ticket.Type.HELP: 3,
    Ticket.Type.SUGGESTION: 10,
}


def answer_days(ticket_type: str) -> int:
    days = {**DEFAULT_DAYS, **getattr(settings, "ONETHING_HOTLINE_DAYS", {})}
    return int(days[ticket_type])


def due_for(start: dt.date, ticket_type: str) -> dt.date | None:
    try:
        return add_working_days(start, answer_days(ticket_type))
    except WorkCalendarUnknown:
        return None


def locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("region", "department", "department__region")
        .get(pk=ticket.pk)
    )


def required(text: str, code: str, zh: str, en: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(code=code, message=zh, message_en=en)
    return text


def require_agent(actor: User, region: Region) -> None:
    if not covers_region(actor, region, StaffRole.HOTLINE_AGENT):
        raise PermissionDenied(
            code="not_hotline_agent",
            message="只有本地区的12345热线坐席可以办理这一步。",
            message_en="Only a hotline agent of this region may do this.",
        )


def require_department(actor: User, ticket: Ticket) -> Department:
    if ticket.department is None or not answers_for(actor, ticket.department):
        raise PermissionDenied(
            code="not_ticket_department",
            message="只有承办部门可以办理这件工单。",
            message_en="Only the department the ticket was routed to may do this.",
        )
    return ticket.department
