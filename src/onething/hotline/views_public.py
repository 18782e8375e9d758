"""The public 政务问答台 at ``/help/``: anyone asks a question and gets an answer from the
knowledge base with a link to the one-thing's guide; a signed-in applicant can also leave a
message (a web ticket), follow it, and rate the answer when it is closed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from onething.accounts.models import User
from onething.accounts.throttle import Throttled
from onething.cases.selectors import applications_of_applicant
from onething.catalog.models import OneThing
from onething.core.errors import DomainError, NotFound, ValidationFailed
from onething.core.views import not_found

from . import services
from .answerers import Answer, answer_question
from .models import KnowledgeEntry, Ticket
from .selectors import ticket_get, tickets_of_applicant
from .throttling import help_throttle
from .workflow import ACTION_NAMES, TicketState, word_shown

APPLICANT_TYPES = [
    (Ticket.Type.CONSULTATION, Ticket.Type.CONSULTATION.label),
    (Ticket.Type.INQUIRY, Ticket.Type.INQUIRY.label),
    (Ticket.Type.COMPLAINT, Ticket.Type.COMPLAINT.label),
    (Ticket.Type.SUGGESTION, Ticket.Type.SUGGESTION.label),
    (Ticket.Type.HELP, Ticket.Type.HELP.label),
]
# what the applicant sees of the history: plain words, no staff names
PLAIN = {
    "receive": gettext_noop("已收到您的诉求"),
    "assign": gettext_noop("已转交承办部门"),
    "reassign": gettext_noop("已转交承办部门"),
    "claim": gettext_noop("承办部门正在办理"),
    "send_back": gettext_noop("正在重新确定承办部门"),
    "answer": gettext_noop("已答复"),
    "escalate": gettext_noop("已超期，正在督办"),
    "supervise": gettext_noop("督办中"),
    "close": gettext_noop("已办结"),
    "redo": gettext_noop("答复已退回重新办理"),
    "visit": gettext_noop("已评价"),
    "reopen": gettext_noop("已重新办理"),
}


def _one_things(entries: list[KnowledgeEntry]) -> dict[str, OneThing]:
    codes = {e.one_thing_code for e in entries if e.one_thing_code}
    published = OneThing.objects.filter(code__in=codes, status=OneThing.Status.PUBLISHED)
    return {o.code: o for o in published}


def _answer_rows(answer: Answer) -> dict[str, Any]:
    entries = [*answer.citations, *answer.related]
    one_things = _one_things(entries)

    def row(entry: KnowledgeEntry) -> dict[str, Any]:
        return {"entry": entry, "one_thing": one_things.get(entry.one_thing_code)}

    return {
        "citations": [row(e) for e in answer.citations],
        "related": [row(e) for e in answer.related],
    }


def _applicant(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_applicant else None


def _help_context(request: HttpRequest, *, ask: bool = True, **extra: Any) -> dict[str, Any]:
    query = request.GET.get("q", "").strip()[:200]
    answer = answer_question(query) if query and ask else None
    applicant = _applicant(request)
    context: dict[str, Any] = {
        "query": query,
        "answer": answer,
        **(_answer_rows(answer) if answer else {"citations": [], "related": []}),
        "applicant": applicant,
        "types": APPLICANT_TYPES,
        "applications": list(applications_of_applicant(applicant)[:20]) if applicant else [],
        "tickets": list(tickets_of_applicant(applicant)[:20]) if applicant else [],
        "values": {"type": Ticket.Type.CONSULTATION, "content": query, "application": ""},
        "error": None,
        "throttled": None,
    }
    context.update(extra)
    return context


def help_page(request: HttpRequest) -> HttpResponse:
    if request.GET.get("q", "").strip():
        try:
            help_throttle(request, "questions")
        except Throttled as exc:
            context = _help_context(request, ask=False, throttled=exc)
            return render(request, "hotline/help.html", context, status=429)
    return render(request, "hotline/help.html", _help_context(request))


@login_required
@require_POST
def help_ticket_create(request: HttpRequest) -> HttpResponse:
    applicant = _applicant(request)
    values = {k: request.POST.get(k, "").strip() for k in ("type", "content", "application")}
    try:
        help_throttle(request, "messages")
        if applicant is None:
            raise ValidationFailed(
                code="applicants_only",
                message="网上留言供实名认证的申请人使用；工作人员请在坐席台建单。",
                message_en="Web tickets are for signed-in applicants.",
            )
        ticket = services.ticket_create(
            actor=applicant,
            type=values["type"],
            content=values["content"],
            application_number=values["application"],
        )
    except DomainError as exc:
        context = _help_context(request, values=values, error=exc)
        status = 429 if isinstance(exc, Throttled) else 400
        return render(request, "hotline/help.html", context, status=status)
    messages.success(
        request,
        _("已收到您的诉求，工单编号 %(number)s。办理进展会通知您。") % {"number": ticket.number},
    )
    return redirect("hotline:help_ticket", number=ticket.number)


@login_required
def help_ticket(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant's own ticket: its progress, the answer, and the rating once closed."""
    applicant = _applicant(request)
    try:
        if applicant is None:
            raise NotFound(
                code="ticket_not_found",
                message=f"没有找到工单 {number}。",
                message_en=f"No ticket {number} of yours.",
            )
        ticket = ticket_get(applicant, number)
    except NotFound as exc:
        return not_found(request, exc)
    error = None
    if request.method == "POST":
        satisfied = request.POST.get("satisfied", "")
        try:
            if satisfied not in {"yes", "no"}:
                raise ValidationFailed(
                    code="satisfaction_required",
                    message="请选择满意或不满意。",
                    message_en="Choose satisfied or not.",
                )
            services.ticket_return_visit(
                ticket=ticket,
                actor=applicant,
                satisfied=satisfied == "yes",
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("感谢您的评价。"))
            return redirect("hotline:help_ticket", number=number)
    events = [
        {
            "at": e.at,
            "what": _(PLAIN[e.action])
            if e.action in PLAIN
            else word_shown(ACTION_NAMES.get(e.action, e.action)),
        }
        for e in ticket.events.exclude(action="route_refused")
    ]
    return render(
        request,
        "hotline/help_ticket.html",
        {
            "ticket": ticket,
            "events": events,
            "can_rate": ticket.status == TicketState.CLOSED
            and ticket.channel != Ticket.Channel.PHONE,
            "error": error,
        },
        status=400 if error else 200,
    )


urlpatterns = [
    path("help/", help_page, name="help"),
    path("help/tickets/", help_ticket_create, name="help_ticket_create"),
    path("help/tickets/<str:number>/", help_ticket, name="help_ticket"),
]
