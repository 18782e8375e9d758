"""Staff pages of the hotline: the agent's console (new ticket from a call, the queues), the
ticket page with its history and the actions of whoever is looking, the department inbox and
the supervisors' view of escalated tickets.

Who may see a ticket is decided by ``selectors``; who may do what by ``services`` (the page only
offers what the services would allow). Phone numbers reach templates masked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from onething.accounts.models import StaffRole, User
from onething.accounts.selectors import staff_scope
from onething.cases.deadlines import level_for
from onething.cases.selectors import applications_for_staff
from onething.catalog.models import OneThing
from onething.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from onething.core.views import forbidden, not_found
from onething.org.models import Region

from . import services
from .models import KnowledgeEntry, Ticket
from .routing import departments_for, route_suggestion
from .search import kb_search
from .selectors import (
    agent_regions,
    answers_for,
    application_overdue,
    covers_region,
    ticket_get,
    tickets_for_department,
    tickets_of_region,
)
from .workflow import ACTION_NAMES, LOOP, TicketState, word_shown

S = TicketState
STATUS_FOR_ERROR = {NotFound: 404, PermissionDenied: 403, Conflict: 409}
LEVEL_LABELS = {"red": gettext_lazy("已超期"), "yellow": gettext_lazy("即将到期")}
CONSOLE_QUEUES: list[tuple[str, Any, tuple[str, ...]]] = [
    ("open", gettext_lazy("办理中（未答复）"), tuple(S.OPEN)),
    ("review", gettext_lazy("待审核办结"), (S.ANSWERED,)),
    ("visit", gettext_lazy("待回访"), (S.CLOSED,)),
    ("done", gettext_lazy("已回访"), (S.VISITED,)),
    ("all", gettext_lazy("全部"), ()),
]
DEPARTMENT_QUEUES: list[tuple[str, Any, tuple[str, ...]]] = [
    ("todo", gettext_lazy("待答复"), tuple(S.WITH_DEPARTMENT)),
    ("answered", gettext_lazy("已答复"), (S.ANSWERED, S.CLOSED, S.VISITED)),
    ("all", gettext_lazy("全部"), ()),
]
# which events complete which step of the loop
LOOP_EVENTS = {
    "受理": {"receive"},
    "派单": {"assign", "reassign"},
    "办理": {"claim"},
    "答复": {"answer"},
    "督办": {"escalate", "supervise"},
    "办结": {"close"},
    "回访": {"visit"},
    "评价": {"visit"},
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _status_for(error: DomainError) -> int:
    return next((code for kind, code in STATUS_FOR_ERROR.items() if isinstance(error, kind)), 400)


@dataclass(frozen=True)
class Deadline:
    day: dt.date | None
    level: str | None

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS.get(self.level or "", ""))


def deadline_of(ticket: Ticket, today: dt.date) -> Deadline:
    day = ticket.due_date
    level = level_for(day, today) if day and ticket.status in S.OPEN else None
    return Deadline(day, level)


def _rows(tickets: Any, today: dt.date) -> list[dict[str, Any]]:
    return [{"ticket": t, "deadline": deadline_of(t, today)} for t in tickets]


def _queue(
    request: HttpRequest, queues: list[tuple[str, Any, tuple[str, ...]]], found: QuerySet[Ticket]
) -> tuple[str, QuerySet[Ticket]]:
    codes = {code: states for code, _label, states in queues}
    chosen = request.GET.get("queue", queues[0][0])
    if chosen not in codes:
        chosen = queues[0][0]
    if codes[chosen]:
        found = found.filter(status__in=codes[chosen])
    return chosen, found.order_by(F("due_date").asc(nulls_last=True), "-created_at")


def _denied(request: HttpRequest, zh: str, en: str) -> HttpResponse:
    return forbidden(request, PermissionDenied(code="not_allowed", message=zh, message_en=en))


# ---------------------------------------------------------------- the agent's console


def _console_form(user: User, values: dict[str, str] | None = None) -> dict[str, Any]:
    regions = list(agent_regions(user).order_by("code"))
    default_region = next((r for r in regions if r.level == Region.Level.COUNTY), None)
    form = {
        "caller_name": "",
        "caller_phone": "",
        "type": Ticket.Type.CONSULTATION,
        "content": "",
        "application": "",
        "one_thing": "",
        "region": str(default_region.pk) if default_region else "",
    }
    form.update(values or {})
    return {
        "form": form,
        "types": Ticket.Type.choices,
        "regions": regions,
        "one_things": list(
            OneThing.objects.filter(status=OneThing.Status.PUBLISHED)
            .order_by("seq", "code")
            .values_list("code", "name")
        ),
    }


@login_required
def console(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not staff_scope(user).has_role(StaffRole.HOTLINE_AGENT):
        return _denied(request, "坐席台供12345热线坐席使用。", "The console is for hotline agents.")
    error = None
    extra: dict[str, Any] = {}
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in _console_form(user)["form"]}
        try:
            region = None
            if values["region"].isdigit():
                region = agent_regions(user).filter(pk=values["region"]).first()
            ticket = services.ticket_create(
                actor=user,
                type=values["type"],
                content=values["content"],
                caller_name=values["caller_name"],
                caller_phone=values["caller_phone"],
                application_number=values["application"],
                one_thing_code=values["one_thing"],
                region=region,
            )
        except DomainError as exc:
            error = exc
            extra = _console_form(user, values)
        else:
            messages.success(
                request,
                _("已受理，工单编号 %(number)s。请直接答复或派单。") % {"number": ticket.number},
            )
            return redirect("hotline:ticket", number=ticket.number)
    today = timezone.localdate()
    queue, found = _queue(request, CONSOLE_QUEUES, tickets_of_region(user, StaffRole.HOTLINE_AGENT))
    page = Paginator(found, 30).get_page(request.GET.get("page"))
    everything = tickets_of_region(user, StaffRole.HOTLINE_AGENT)
    context = {
        **(extra or _console_form(user)),
        "error": error,
        "rows": _rows(page, today),
        "page": page,
        "queue": queue,
        "queues": CONSOLE_QUEUES,
        "counts": {
            "open": everything.filter(status__in=S.OPEN).count(),
            "overdue": everything.filter(status__in=S.OPEN, due_date__lt=today).count(),
            "review": everything.filter(status=S.ANSWERED).count(),
            "visit": everything.filter(status=S.CLOSED).count(),
        },
        "suggestions": kb_search(extra["form"]["content"], 3) if extra else [],
    }
    return render(
        request, "hotline/console.html", context, status=_status_for(error) if error else 200
    )


@login_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """Knowledge-base answers for what the caller is saying (htmx fragment)."""
    if not staff_scope(_user(request)).grants:
        return _denied(request, "仅供工作人员使用。", "For staff only.")
    query = request.GET.get("content", request.GET.get("q", "")).strip()
    return render(
        request,
        "hotline/_suggestions.html",
        {"suggestions": kb_search(query, 3) if query else [], "query": query},
    )


# ---------------------------------------------------------------- the ticket page


def _loop(ticket: Ticket, actions: set[str]) -> list[dict[str, Any]]:
    return [{"name": word_shown(step), "done": bool(LOOP_EVENTS[step] & actions)} for step in LOOP]


def _events(ticket: Ticket) -> list[dict[str, Any]]:
    return [
        {
            "event": event,
            "what": word_shown(ACTION_NAMES.get(event.action, event.action)),
            "department": event.department.name if event.department else "",
        }
        for event in ticket.events.select_related("department")
    ]


def _ticket_context(request: HttpRequest, ticket: Ticket, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    today = timezone.localdate()
    status = ticket.status
    is_agent = covers_region(user, ticket.region, StaffRole.HOTLINE_AGENT)
    is_department = ticket.department is not None and answers_for(user, ticket.department)
    is_supervisor = covers_region(user, ticket.region, StaffRole.SUPERVISOR)
    events = _events(ticket)
    can = {
        "route": is_agent and status in S.OPEN,
        "answer_direct": is_agent and status == S.RECEIVED,
        "close": is_agent and status == S.ANSWERED,
        "redo": is_agent and status == S.ANSWERED and ticket.department is not None,
        "visit": is_agent and status == S.CLOSED,
        "reopen": is_agent and status == S.VISITED and ticket.satisfied is False,
        "claim": is_department and status == S.ASSIGNED,
        "answer": is_department and status in S.WITH_DEPARTMENT,
        "supervise": is_supervisor and ticket.escalated and status in S.OPEN,
    }
    suggestion = route_suggestion(ticket) if can["route"] else None
    application_visible = (
        ticket.application is not None
        and applications_for_staff(user).filter(pk=ticket.application.pk).exists()
    )
    context: dict[str, Any] = {
        "ticket": ticket,
        "deadline": deadline_of(ticket, today),
        "events": events,
        "loop": _loop(ticket, {row["event"].action for row in events}),
        "can": can,
        "is_agent": is_agent,
        "is_department": is_department,
        "suggestion": suggestion,
        "departments": departments_for(ticket) if can["route"] else [],
        "rerouting": status != S.RECEIVED
        or any(row["event"].action in {"assign", "reassign"} for row in events),
        "suggestions": kb_search(ticket.content, 3)
        if can["answer_direct"] or can["answer"]
        else [],
        "cited": list(ticket.cited_entries.all()),
        "application_visible": application_visible,
        "application_overdue": application_overdue(ticket),
        "values": {},
        "error": None,
        "show": "",
    }
    context.update(extra)
    return context


@login_required
@require_GET
def ticket_page(request: HttpRequest, number: str) -> HttpResponse:
    try:
        ticket = ticket_get(_user(request), number)
    except NotFound as exc:
        return not_found(request, exc)
    if _user(request).is_applicant:
        return redirect("hotline:help_ticket", number=number)
    return render(request, "hotline/ticket.html", _ticket_context(request, ticket))


def _entries(request: HttpRequest) -> list[KnowledgeEntry]:
    ids = [i for i in request.POST.getlist("entry") if i.isdigit()]
    return list(KnowledgeEntry.objects.filter(pk__in=ids, active=True))


def _do(request: HttpRequest, ticket: Ticket, action: str) -> str:
    """Run one action; returns the message to show."""
    user = _user(request)
    post = request.POST
    reason = post.get("reason", "").strip()
    if action == "route":
        department = services.ticket_department(post.get("department", "0") or "0")
        services.ticket_route(ticket=ticket, actor=user, department=department, reason=reason)
        return _("已派单至%(department)s。") % {"department": department.name}
    if action == "answer":
        entries = _entries(request)
        text = post.get("answer", "").strip() or "\n\n".join(e.answer for e in entries)
        ticket = services.ticket_answer(ticket=ticket, actor=user, answer=text, entries=entries)
        if ticket.status == S.CLOSED:
            return _("已答复并办结，请在回访时记录来电人是否满意。")
        return _("已答复，12345热线将审核后办结并回访。")
    if action == "claim":
        services.ticket_claim(ticket=ticket, actor=user)
        return _("已签收，请在答复期限内答复。")
    if action == "send_back":
        services.ticket_send_back(ticket=ticket, actor=user, reason=reason)
        return _("已退回12345热线重新派单。")
    if action == "close":
        services.ticket_close(ticket=ticket, actor=user)
        return _("已办结，请回访来电人。")
    if action == "redo":
        services.ticket_redo(ticket=ticket, actor=user, reason=reason)
        return _("已退回承办部门重新办理。")
    if action == "visit":
        satisfied = post.get("satisfied", "")
        if satisfied not in {"yes", "no"}:
            raise ValidationFailed(
                code="satisfaction_required",
                message="请记录来电人是否满意。",
                message_en="Record whether the caller is satisfied.",
            )
        services.ticket_return_visit(
            ticket=ticket, actor=user, satisfied=satisfied == "yes", note=post.get("note", "")
        )
        return _("已回访，工单闭环。")
    if action == "reopen":
        services.ticket_reopen(ticket=ticket, actor=user, reason=reason)
        return _("已重新办理，请重新派单或答复。")
    if action == "supervise":
        services.ticket_supervise(
            ticket=ticket, actor=user, instruction=post.get("instruction", "")
        )
        return _("督办意见已送达承办部门。")
    raise NotFound(code="unknown_action", message="没有这个操作。", message_en="No such action.")


@login_required
@require_POST
def ticket_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    user = _user(request)
    try:
        ticket = ticket_get(user, number)
    except NotFound as exc:
        return not_found(request, exc)
    try:
        done = _do(request, ticket, action)
    except DomainError as exc:
        fresh = ticket_get(user, number) if not isinstance(exc, NotFound) else ticket
        context = _ticket_context(
            request, fresh, error=exc, values=request.POST.dict(), show=action
        )
        return render(request, "hotline/ticket.html", context, status=_status_for(exc))
    messages.success(request, done)
    try:
        ticket_get(user, number)
    except NotFound:  # sent back by its department: no longer theirs to see
        return redirect("hotline:department")
    return redirect("hotline:ticket", number=number)


# ---------------------------------------------------------------- department and supervisors


@login_required
@require_GET
def department(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    scope = staff_scope(user)
    if not any(
        scope.has_role(r)
        for r in (StaffRole.COORDINATOR, StaffRole.APPROVER, StaffRole.DEPARTMENT_SYSTEM)
    ):
        return _denied(
            request, "部门工单供承办部门工作人员使用。", "The inbox is for department staff."
        )
    today = timezone.localdate()
    mine = tickets_for_department(user)
    queue, found = _queue(request, DEPARTMENT_QUEUES, mine)
    page = Paginator(found, 30).get_page(request.GET.get("page"))
    todo = mine.filter(status__in=S.WITH_DEPARTMENT)
    return render(
        request,
        "hotline/department.html",
        {
            "rows": _rows(page, today),
            "page": page,
            "queue": queue,
            "queues": DEPARTMENT_QUEUES,
            "counts": {
                "todo": todo.count(),
                "overdue": todo.filter(due_date__lt=today).count(),
                "escalated": todo.filter(escalated=True).count(),
            },
        },
    )


@login_required
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not staff_scope(user).has_role(StaffRole.SUPERVISOR):
        return _denied(request, "督办工单供监督管理人员使用。", "This view is for supervisors.")
    today = timezone.localdate()
    escalated = tickets_of_region(user, StaffRole.SUPERVISOR).filter(escalated=True)
    show_all = request.GET.get("queue") == "all"
    found = escalated if show_all else escalated.filter(status__in=S.OPEN)
    found = found.order_by(F("due_date").asc(nulls_last=True), "-created_at")
    page = Paginator(found, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "hotline/supervision.html",
        {
            "rows": _rows(page, today),
            "page": page,
            "queue": "all" if show_all else "open",
            "counts": {
                "open": escalated.filter(status__in=S.OPEN).count(),
                "all": escalated.count(),
                "overdue_open": tickets_of_region(user, StaffRole.SUPERVISOR)
                .filter(status__in=S.OPEN, due_date__lt=today)
                .count(),
            },
        },
    )


urlpatterns = [
    path("staff/hotline/", console, name="console"),
    path("staff/hotline/suggest/", suggest, name="suggest"),
    path("staff/hotline/department/", department, name="department"),
    path("staff/hotline/supervision/", supervision, name="supervision"),
    path("staff/hotline/tickets/<str:number>/", ticket_page, name="ticket"),
    path("staff/hotline/tickets/<str:number>/<slug:action>/", ticket_action, name="ticket_action"),
]
