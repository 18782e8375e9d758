"""The history of a ticket and who hears about it: one ``TicketEvent`` per step (who, when,
why, to which department), and the notifications that go with it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from onething.accounts.models import User
from onething.notify.services import notify
from onething.org.models import Department

from .models import Ticket, TicketEvent
from .workflow import ticket_next


def record_event(
    ticket: Ticket,
    action: str,
    actor: User | None,
    *,
    before: str = "",
    reason: str = "",
    department: Department | None = None,
    **data: Any,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        from_status=before,
        to_status=ticket.status,
        actor=actor,
        actor_name=str(actor) if actor is not None else "系统",
        department=department,
        reason=reason,
        data=data,
        at=timezone.now(),
    )


def advance(ticket: Ticket, action: str) -> str:
    """Apply one row of the table; returns the state the ticket came from."""
    before = ticket.status
    ticket.status = ticket_next(before, action)
    return before


def tell(users: Iterable[User], ticket: Ticket, kind: str, subject: str, body: str) -> None:
    link = f"/staff/hotline/tickets/{ticket.number}/"
    for user in users:
        notify(user=user, kind=f"hotline.{kind}", subject=subject, body=body, link=link)


def tell_caller(ticket: Ticket, subject: str, body: str) -> None:
    caller = ticket.caller_person.user if ticket.caller_person else None
    if caller is not None:
        notify(
            user=caller,
            kind="hotline.caller",
            subject=subject,
            body=body,
            link=f"/help/tickets/{ticket.number}/",
        )
