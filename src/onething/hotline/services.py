"""Writes on 12345 tickets after they are received (``intake.ticket_create``): route them or
answer them from the knowledge base, the department's claim and answer, closing, the return
visit, and the supervisors' instructions.

Each service locks the ticket, checks the step against ``workflow.TICKET_TRANSITIONS``, changes
the row, appends a ``TicketEvent`` (who, when, why) and writes the notifications, in one
transaction. A refused routing (a department outside the ticket's region) is recorded too, in a
transaction of its own, before the error reaches the agent.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import StaffRole, User
from onething.core.errors import NotFound, PermissionDenied, ValidationFailed
from onething.org.models import Department

from .events import advance, record_event, tell, tell_caller
from .intake import ticket_create
from .models import KnowledgeEntry, Ticket
from .routing import in_region, outside_region
from .rules import due_for, locked, require_agent, require_department, required
from .selectors import covers_region, department_handlers, hotline_for, supervisors_of
from .workflow import TicketState, ticket_next

__all__ = [
    "ticket_answer",
    "ticket_claim",
    "ticket_close",
    "ticket_create",
    "ticket_redo",
    "ticket_reopen",
    "ticket_return_visit",
    "ticket_route",
    "ticket_send_back",
    "ticket_supervise",
]


# ---------------------------------------------------------------- 派单


def _was_routed(ticket: Ticket) -> bool:
    return ticket.events.filter(action__in=["assign", "reassign"]).exists()


def _record_refusal(ticket: Ticket, actor: User, department: Department, reason: str) -> None:
    with transaction.atomic():
        record_event(
            ticket,
            "route_refused",
            actor,
            before=ticket.status,
            reason=reason,
            department=department,
        )


def ticket_route(
    *, ticket: Ticket, actor: User, department: Department, reason: str = ""
) -> Ticket:
    """派单 / 改派: send the ticket to a department of its region.

    Routing it again (改派, or after the department sent it back) needs a reason. A department
    outside the ticket's region is refused, and the refusal is recorded in the ticket's history.
    """
    ticket = Ticket.objects.select_related("region", "department").get(pk=ticket.pk)
    require_agent(actor, ticket.region)
    reason = (reason or "").strip()
    ticket_next(ticket.status, "assign" if ticket.status == TicketState.RECEIVED else "reassign")
    if not in_region(department, ticket.region):
        error = outside_region(department, ticket.region)
        _record_refusal(ticket, actor, department, error.message)
        raise error
    return _route(ticket=ticket, actor=actor, department=department, reason=reason)


@transaction.atomic
def _route(*, ticket: Ticket, actor: User, department: Department, reason: str) -> Ticket:
    ticket = locked(ticket)
    action = "assign" if ticket.status == TicketState.RECEIVED else "reassign"
    rerouting = action == "reassign" or _was_routed(ticket)
    if rerouting and not reason:
        raise ValidationFailed(
            code="reason_required",
            message="改派须写明理由。",
            message_en="Give the reason for routing the ticket again.",
            details={"field": "reason"},
        )
    if ticket.department_id == department.pk and action == "reassign":
        raise ValidationFailed(
            code="same_department",
            message=f"工单已在{department.name}办理，无需改派。",
            message_en="The ticket is already with this department.",
        )
    before = advance(ticket, action)
    ticket.department = department
    ticket.save(update_fields=["status", "department", "updated_at"])
    record_event(ticket, action, actor, before=before, reason=reason, department=department)
    due = f"，请于{ticket.due_date:%Y年%m月%d日}前答复" if ticket.due_date else ""
    tell(
        department_handlers(department),
        ticket,
        "assigned",
        f"新的12345工单：{ticket.get_type_display()}",
        f"工单{ticket.number}已派至{department.name}{due}。",
    )
    return ticket


# ---------------------------------------------------------------- 办理、答复


@transaction.atomic
def ticket_claim(*, ticket: Ticket, actor: User) -> Ticket:
    """签收: the department starts working on it."""
    ticket = locked(ticket)
    department = require_department(actor, ticket)
    before = advance(ticket, "claim")
    ticket.save(update_fields=["status", "updated_at"])
    record_event(ticket, "claim", actor, before=before, department=department)
    return ticket


@transaction.atomic
def ticket_send_back(*, ticket: Ticket, actor: User, reason: str) -> Ticket:
    """部门退回: not this department's business; back to the hotline to route again."""
    reason = required(
        reason,
        "reason_required",
        "退回须写明理由（例如应由哪个部门办理）。",
        "Say why the ticket is not yours.",
    )
    ticket = locked(ticket)
    department = require_department(actor, ticket)
    before = advance(ticket, "send_back")
    ticket.department = None
    ticket.save(update_fields=["status", "department", "updated_at"])
    record_event(ticket, "send_back", actor, before=before, reason=reason, department=department)
    tell(
        hotline_for(ticket),
        ticket,
        "sent_back",
        f"工单被退回：{ticket.number}",
        f"{department.name}退回了工单{ticket.number}：{reason}",
    )
    return ticket


@transaction.atomic
def ticket_answer(
    *,
    ticket: Ticket,
    actor: User,
    answer: str,
    entries: Iterable[KnowledgeEntry] = (),
) -> Ticket:
    """答复. The department answers a ticket routed to it; a hotline agent answers a ticket
    still with the hotline directly (usually from the knowledge base), which closes it at once:
    受理 → 答复 → 办结, waiting for the return visit."""
    answer = required(answer, "answer_required", "请填写答复内容。", "Write the answer.")
    ticket = locked(ticket)
    direct = ticket.status == TicketState.RECEIVED
    if direct:
        require_agent(actor, ticket.region)
        department = None
    else:
        department = require_department(actor, ticket)
    before = advance(ticket, "answer")
    ticket.answer, ticket.answered_at, ticket.answered_by = answer, timezone.now(), actor
    ticket.save(update_fields=["status", "answer", "answered_at", "answered_by", "updated_at"])
    cited = list(entries)
    if cited:
        ticket.cited_entries.add(*cited)
    on_time = ticket.due_date is None or timezone.localdate() <= ticket.due_date
    record_event(
        ticket,
        "answer",
        actor,
        before=before,
        department=department,
        on_time=on_time,
        entries=[e.pk for e in cited],
    )
    if direct:
        _close(ticket, actor, note="坐席直接答复")
    else:
        tell(
            hotline_for(ticket),
            ticket,
            "answered",
            f"工单已答复，请审核办结：{ticket.number}",
            f"{department}已答复工单{ticket.number}。",
        )
    return ticket


# ---------------------------------------------------------------- 办结


def _close(ticket: Ticket, actor: User, note: str = "") -> None:
    before = advance(ticket, "close")
    ticket.closed_at = timezone.now()
    ticket.save(update_fields=["status", "closed_at", "updated_at"])
    record_event(ticket, "close", actor, before=before, reason=note)
    tell_caller(
        ticket,
        "您的诉求已办结",
        f"工单{ticket.number}已答复办结，请登录查看答复并评价。",
    )


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor: User) -> Ticket:
    """办结: the agent has checked the department's answer."""
    ticket = locked(ticket)
    require_agent(actor, ticket.region)
    _close(ticket, actor)
    return ticket


@transaction.atomic
def ticket_redo(*, ticket: Ticket, actor: User, reason: str) -> Ticket:
    """退回重办: the department's answer does not answer the caller."""
    reason = required(
        reason, "reason_required", "退回重办须写明理由。", "Say why the answer is not enough."
    )
    ticket = locked(ticket)
    require_agent(actor, ticket.region)
    if ticket.department is None:
        raise ValidationFailed(
            code="no_department",
            message="这件工单没有承办部门，请重新派单。",
            message_en="The ticket has no department to redo it; route it.",
        )
    before = advance(ticket, "redo")
    ticket.answer, ticket.answered_at, ticket.answered_by = "", None, None
    ticket.save(update_fields=["status", "answer", "answered_at", "answered_by", "updated_at"])
    record_event(ticket, "redo", actor, before=before, reason=reason, department=ticket.department)
    tell(
        department_handlers(ticket.department),
        ticket,
        "redo",
        f"工单退回重办：{ticket.number}",
        f"工单{ticket.number}的答复被退回重办：{reason}",
    )
    return ticket


# ---------------------------------------------------------------- 回访、评价


def _may_visit(actor: User, ticket: Ticket) -> bool:
    if actor.is_applicant:
        own = ticket.created_by_id == actor.pk or (
            ticket.caller_person is not None and ticket.caller_person.user_id == actor.pk
        )
        return own and ticket.channel != Ticket.Channel.PHONE
    return covers_region(actor, ticket.region, StaffRole.HOTLINE_AGENT)


@transaction.atomic
def ticket_return_visit(*, ticket: Ticket, actor: User, satisfied: bool, note: str = "") -> Ticket:
    """回访 and 评价: the agent calls the caller back (or the caller rates a web ticket) and
    records whether they are satisfied."""
    ticket = locked(ticket)
    if not _may_visit(actor, ticket):
        raise PermissionDenied(
            code="not_visitor",
            message="只有热线坐席（或网上诉求的提交人）可以回访评价。",
            message_en="Only a hotline agent (or the person who filed it online) may do this.",
        )
    note = (note or "").strip()
    if not satisfied and not note:
        raise ValidationFailed(
            code="note_required",
            message="来电人不满意时，请记录不满意的原因。",
            message_en="Record why the caller is not satisfied.",
            details={"field": "note"},
        )
    before = advance(ticket, "visit")
    ticket.satisfied, ticket.visit_note, ticket.visited_at = satisfied, note, timezone.now()
    ticket.save(update_fields=["status", "satisfied", "visit_note", "visited_at", "updated_at"])
    record_event(ticket, "visit", actor, before=before, reason=note, satisfied=satisfied)
    return ticket


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor: User, reason: str) -> Ticket:
    """重新办理: after an unsatisfied return visit, the ticket starts over with the hotline."""
    reason = required(
        reason, "reason_required", "重新办理须写明理由。", "Say why the ticket is reopened."
    )
    ticket = locked(ticket)
    require_agent(actor, ticket.region)
    if ticket.satisfied:
        raise ValidationFailed(
            code="caller_satisfied",
            message="来电人对答复满意，无需重新办理。",
            message_en="The caller was satisfied; nothing to reopen.",
        )
    before = advance(ticket, "reopen")
    ticket.due_date = due_for(timezone.localdate(), ticket.type)
    ticket.escalated, ticket.escalated_at = False, None
    ticket.save(update_fields=["status", "due_date", "escalated", "escalated_at", "updated_at"])
    record_event(ticket, "reopen", actor, before=before, reason=reason)
    return ticket


# ---------------------------------------------------------------- 督办


@transaction.atomic
def ticket_supervise(*, ticket: Ticket, actor: User, instruction: str) -> Ticket:
    """督办意见: a supervisor tells the department what to do about an overdue ticket."""
    instruction = required(
        instruction, "instruction_required", "请填写督办意见。", "Write the instruction."
    )
    ticket = locked(ticket)
    if not covers_region(actor, ticket.region, StaffRole.SUPERVISOR):
        raise PermissionDenied(
            code="not_supervisor",
            message="只有本地区的监督管理人员可以督办。",
            message_en="Only a supervisor of this region may do this.",
        )
    before = advance(ticket, "supervise")
    ticket.save(update_fields=["updated_at"])
    record_event(
        ticket, "supervise", actor, before=before, reason=instruction, department=ticket.department
    )
    recipients = department_handlers(ticket.department) if ticket.department else set()
    tell(
        recipients | hotline_for(ticket),
        ticket,
        "supervised",
        f"督办：工单{ticket.number}",
        f"{actor}督办工单{ticket.number}：{instruction}",
    )
    return ticket


def ticket_department(department_id: int | str) -> Department:
    found = Department.objects.select_related("region").filter(pk=department_id).first()
    if found is None:
        raise NotFound(
            code="department_not_found",
            message="没有找到这个部门。",
            message_en="No such department.",
        )
    return found


def escalation_recipients(ticket: Ticket) -> set[User]:
    users = supervisors_of(ticket.region)
    if ticket.department is not None:
        users |= department_handlers(ticket.department)
    return users
