"""督办: a daily background job escalates every ticket not answered by its due date to the
supervisors of its region, flags it, records the step and tells the supervisors and the
department. Each ticket is escalated once (the flag is checked under a row lock), so running the
job twice, or on two workers, changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from onething.core.daily import at_tomorrow, schedule_once

from .events import advance, record_event, tell
from .models import Ticket
from .services import escalation_recipients
from .workflow import TicketState


def _escalate_one(ticket_id: int, today: dt.date) -> bool:
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("region", "department", "department__region")
            .get(pk=ticket_id)
        )
        if ticket.escalated or ticket.status not in TicketState.OPEN:
            return False
        if ticket.due_date is None or ticket.due_date >= today:
            return False
        before = advance(ticket, "escalate")
        ticket.escalated, ticket.escalated_at = True, timezone.now()
        ticket.save(update_fields=["status", "escalated", "escalated_at", "updated_at"])
        where = ticket.department.name if ticket.department else "12345热线"
        reason = f"答复期限{ticket.due_date:%Y年%m月%d日}已过，{where}尚未答复，转监督人员督办。"
        record_event(
            ticket, "escalate", None, before=before, reason=reason, department=ticket.department
        )
        tell(
            escalation_recipients(ticket),
            ticket,
            "escalated",
            f"督办：工单{ticket.number}已超期",
            f"{ticket.get_type_display()}工单{ticket.number}{reason}",
        )
    return True


def tickets_escalate(today: dt.date | None = None) -> int:
    """Escalate every open ticket whose due date has passed; returns how many were."""
    today = today or timezone.localdate()
    overdue = Ticket.objects.filter(
        status__in=TicketState.OPEN, escalated=False, due_date__lt=today
    ).values_list("pk", flat=True)
    return sum(_escalate_one(pk, today) for pk in list(overdue))


def escalate_schedule_once() -> bool:
    """Queue the daily escalation unless one is already waiting."""
    return schedule_once(escalate_daily)


@task()
def escalate_daily() -> int:
    """Escalate now, then schedule tomorrow's run at 08:30 local time."""
    count = tickets_escalate()
    at_tomorrow(escalate_daily, hour=8, minute=30)
    return count
