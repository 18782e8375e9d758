"""好差评 pages: the applicant rates (and rates again after a rectification); department staff
reply, visit and appeal; supervisors decide appeals; anyone reads the figures per department.

Who may see what is decided by ``selectors`` and who may do what by ``services``; these views
turn requests into calls and errors into plain messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onething.accounts.models import Person, User
from onething.cases.deadlines import level_for
from onething.cases.models import Application, Task
from onething.cases.selectors import applications_for_staff, applications_of_applicant
from onething.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from onething.core.views import forbidden, not_found

from .levels import BAD_LEVELS, LEVELS_HIGH_TO_LOW, TAG_GROUPS
from .models import Rating, RatingChannel, Rectification, Target
from .selectors import (
    appeals_for_supervisor,
    department_statistics,
    may_decide_appeals,
    may_see_rectifications,
    rating_chains,
    rectification_get,
    rectifications_for_staff,
    regions_rated,
)
from .services import (
    DECIDED_APPLICATION,
    DECIDED_TASK,
    appeal_decide,
    applicant_user_ids,
    cn_date,
    is_department_staff,
    is_supervisor_of,
    rating_submit,
    rectification_appeal,
    rectification_days,
    rectification_reply,
    rectification_return_visit,
)

S = Rectification.Status
STATUS_FOR_ERROR = {NotFound: 404, PermissionDenied: 403, Conflict: 409}
LEVEL_LABELS = {"red": gettext_lazy("已超期"), "yellow": gettext_lazy("即将到期")}
STAFF_FILTERS: list[tuple[str, Any]] = [
    ("todo", gettext_lazy("待整改答复")),
    ("replied", gettext_lazy("已答复，待回访")),
    ("appealed", gettext_lazy("申诉复核中")),
    ("done", gettext_lazy("已办结")),
    ("all", gettext_lazy("全部")),
]
STAFF_STATUS_SETS: dict[str, tuple[str, ...]] = {
    "todo": (S.OPEN, S.APPEAL_REJECTED),
    "replied": (S.REPLIED,),
    "appealed": (S.APPEALED,),
    "done": (S.CLOSED, S.APPEAL_UPHELD),
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _status_for(error: DomainError) -> int:
    for kind, status in STATUS_FOR_ERROR.items():
        if isinstance(error, kind):
            return status
    return 400


# ---------------------------------------------------------------- applicant: rate


@dataclass
class Block:
    """One thing the applicant may rate: the whole application, or one decided task."""

    key: str  # "application" or "task-<id>"
    title: str
    subtitle: str
    department: str
    ratings: list[Rating]
    rectifications: dict[int, Rectification]
    form: str | None = None  # "rate", "rerate" or None
    after: Rectification | None = None
    note: str = ""
    error: DomainError | None = None
    posted: dict[str, Any] = field(default_factory=dict)

    @property
    def history(self) -> list[dict[str, Any]]:
        return [{"rating": r, "rectification": self.rectifications.get(r.pk)} for r in self.ratings]


def _blocks(application: Application, user: User) -> list[Block]:
    is_applicant = user.pk in applicant_user_ids(application)
    chains = rating_chains(application)
    rating_ids = [r.pk for chain in chains.values() for r in chain]
    rectifications = {
        r.rating_id: r
        for r in Rectification.objects.filter(rating_id__in=rating_ids).select_related("department")
    }
    blocks = [
        _block(
            "application",
            application.one_thing.name,
            _("整件事的办理"),
            application.lead_department.name,
            chains.get((Target.APPLICATION, None), []),
            rectifications,
            decided=application.status in DECIDED_APPLICATION,
            not_decided=_("全部事项办结后，可以评价整件事的办理。"),
            is_applicant=is_applicant,
        )
    ]
    tasks = application.tasks.select_related("department").filter(status__in=DECIDED_TASK)
    for task in tasks:
        blocks.append(
            _block(
                f"task-{task.pk}",
                task.item_name,
                task.get_status_display(),
                task.department.name,
                chains.get((Target.TASK, task.pk), []),
                rectifications,
                decided=True,
                not_decided="",
                is_applicant=is_applicant,
            )
        )
    return blocks


def _block(
    key: str,
    title: str,
    subtitle: str,
    department: str,
    chain: list[Rating],
    rectifications: dict[int, Rectification],
    *,
    decided: bool,
    not_decided: str,
    is_applicant: bool,
) -> Block:
    block = Block(key, title, subtitle, department, chain, rectifications)
    if not is_applicant:
        block.note = _("只有申请人本人可以评价。")
    elif not chain:
        if decided:
            block.form = "rate"
        else:
            block.note = not_decided
    else:
        rectification = rectifications.get(chain[-1].pk)
        if rectification is not None and rectification.status == S.CLOSED:
            block.form, block.after = "rerate", rectification
    return block


def _rate_context(application: Application, blocks: list[Block]) -> dict[str, Any]:
    pending = application.tasks.exclude(status__in=DECIDED_TASK).count()
    return {
        "application": application,
        "blocks": blocks,
        "levels": [(int(level), level.label, level in BAD_LEVELS) for level in LEVELS_HIGH_TO_LOW],
        "tag_groups": [
            (code, label, tags, " ".join(str(v) for v in sorted(levels)))
            for code, label, tags, levels in TAG_GROUPS
        ],
        "pending_tasks": pending,
        "S": {s.name: s.value for s in S},
    }


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    application = (
        applications_of_applicant(user)
        .select_related("lead_department", "one_thing")
        .filter(number=number)
        .first()
    )
    if application is None:
        return not_found(
            request,
            NotFound(
                code="application_not_found",
                message=f"没有找到办件 {number}。",
                message_en=f"No application {number} of yours.",
            ),
        )
    blocks = _blocks(application, user)
    if request.method == "GET":
        return render(request, "ratings/rate.html", _rate_context(application, blocks))

    key = request.POST.get("target", "")
    block = next((b for b in blocks if b.key == key), None)
    if block is None or block.form is None:
        messages.error(request, _("这一项现在不能评价，请刷新页面后查看。"))
        return redirect("ratings:rate", number=number)
    posted: dict[str, Any] = {
        "level": request.POST.get("level", ""),
        "tags": request.POST.getlist("tags"),
        "comment": request.POST.get("comment", "").strip()[:2000],
    }
    task = None
    if key.startswith("task-"):
        task = Task.objects.filter(application=application, pk=key[5:]).first()
    try:
        rating = rating_submit(
            actor=user,
            level=posted["level"] or 0,
            tags=posted["tags"],
            comment=posted["comment"],
            channel=RatingChannel.WEB,
            application=application if task is None else None,
            task=task,
            after_rectification=block.after,
        )
    except DomainError as exc:
        block.error, block.posted = exc, posted
        context = _rate_context(application, blocks)
        return render(request, "ratings/rate.html", context, status=_status_for(exc))
    messages.success(request, _thanks(rating))
    return redirect(reverse("ratings:rate", args=[number]) + f"#rate-{key}")


def _thanks(rating: Rating) -> str:
    if rating.level not in BAD_LEVELS:
        return _("感谢您的评价！")
    rectification = Rectification.objects.filter(rating=rating).first()
    if rectification is not None and rectification.due_date:
        return _("感谢您的评价。已转交%(department)s整改，将于%(day)s前答复您。") % {
            "department": rating.department.name,
            "day": cn_date(rectification.due_date),
        }
    return _("感谢您的评价。已转交%(department)s整改，整改期限待节假日安排公布后确定。") % {
        "department": rating.department.name
    }


# ---------------------------------------------------------------- staff: rectifications


@dataclass(frozen=True)
class Deadline:
    day: dt.date | None
    level: str | None
    note: str = ""

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS.get(self.level or "", ""))


def deadline_of(rectification: Rectification, today: dt.date) -> Deadline:
    due = rectification.due_date
    if rectification.status == S.APPEALED:
        return Deadline(due, None, _("申诉复核期间期限暂停"))
    if rectification.status not in (S.OPEN, S.APPEAL_REJECTED):
        return Deadline(due, None)
    if due is None:
        return Deadline(None, None, _("节假日安排尚未公布，整改期限待定"))
    return Deadline(due, level_for(due, today))


def _forbidden_staff(request: HttpRequest) -> HttpResponse:
    return forbidden(
        request,
        PermissionDenied(
            code="not_rectification_staff",
            message="差评整改供部门工作人员和政务服务监督人员使用。",
            message_en="Rectifications are for department staff and supervisors.",
        ),
    )


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may_see_rectifications(user):
        return _forbidden_staff(request)
    status = request.GET.get("status", "todo")
    if status not in {code for code, _label in STAFF_FILTERS}:
        status = "todo"
    everything = rectifications_for_staff(user)
    found = everything
    if status in STAFF_STATUS_SETS:
        found = found.filter(status__in=STAFF_STATUS_SETS[status])
    found = found.order_by(F("due_date").asc(nulls_last=True), "created_at", "pk")
    today = timezone.localdate()
    rows = [{"r": r, "deadline": deadline_of(r, today)} for r in found[:200]]
    waiting = everything.filter(status__in=STAFF_STATUS_SETS["todo"])
    return render(
        request,
        "ratings/staff_list.html",
        {
            "rows": rows,
            "status": status,
            "filters": STAFF_FILTERS,
            "counts": {
                "todo": waiting.count(),
                "overdue": waiting.filter(due_date__lt=today).count(),
                "replied": everything.filter(status=S.REPLIED).count(),
                "appealed": everything.filter(status=S.APPEALED).count(),
            },
            "may_decide_appeals": may_decide_appeals(user),
        },
    )


def _steps(r: Rectification) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = [
        {
            "at": r.created_at,
            "what": _("收到差评，转交整改"),
            "who": r.department.name,
            "text": "",
        }
    ]
    if r.appealed_at:
        steps.append(
            {
                "at": r.appealed_at,
                "what": _("部门提出申诉复核"),
                "who": str(r.appealed_by or ""),
                "text": r.appeal_reason,
            }
        )
    if r.appeal_decided_at:
        steps.append(
            {
                "at": r.appeal_decided_at,
                "what": _("复核决定：申诉成立")
                if r.status == S.APPEAL_UPHELD
                else _("复核决定：申诉不成立"),
                "who": str(r.appeal_decided_by or ""),
                "text": r.appeal_note,
            }
        )
    if r.replied_at:
        steps.append(
            {
                "at": r.replied_at,
                "what": _("整改答复"),
                "who": str(r.replied_by or ""),
                "text": r.reply,
            }
        )
    if r.return_visit_at:
        steps.append(
            {
                "at": r.return_visit_at,
                "what": _("回访：申请人满意")
                if r.return_visit_satisfied
                else _("回访：申请人仍不满意"),
                "who": str(r.return_visit_by or ""),
                "text": r.return_visit_note,
            }
        )
    return steps


def _detail_context(request: HttpRequest, r: Rectification, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    rating = r.rating
    department_staff = is_department_staff(user, r.department)
    supervisor = is_supervisor_of(user, r.department)
    person = Person.objects.filter(user=rating.rater).first()
    application = rating.application
    case_visible = (
        application is not None and applications_for_staff(user).filter(pk=application.pk).exists()
    )
    context: dict[str, Any] = {
        "r": r,
        "rating": rating,
        "deadline": deadline_of(r, timezone.localdate()),
        "rater_name": person.name if person else str(rating.rater),
        "rater_phone": person.masked_phone if person else "",
        "case_visible": case_visible,
        "steps": _steps(r),
        "can_reply": department_staff and r.status in (S.OPEN, S.APPEAL_REJECTED),
        "can_appeal": department_staff and r.status == S.OPEN,
        "can_visit": (department_staff or supervisor) and r.status == S.REPLIED,
        "can_decide": supervisor and r.status == S.APPEALED and r.appealed_by_id != user.pk,
        "error": None,
        "posted": {},
    }
    context.update(extra)
    return context


def _get_or_404(request: HttpRequest, pk: int) -> Rectification | HttpResponse:
    found = rectification_get(_user(request), pk)
    if found is None:
        return not_found(
            request,
            NotFound(
                code="rectification_not_found",
                message="没有找到这件整改。",
                message_en="No such rectification that you may see.",
            ),
        )
    return found


@login_required
@require_GET
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _get_or_404(request, pk)
    if isinstance(found, HttpResponse):
        return found
    return render(request, "ratings/staff_detail.html", _detail_context(request, found))


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    found = _get_or_404(request, pk)
    if isinstance(found, HttpResponse):
        return found
    user = _user(request)
    posted = {k: request.POST.get(k, "").strip() for k in ("reply", "reason", "note", "verdict")}
    try:
        if action == "reply":
            rectification_reply(rectification=found, actor=user, reply=posted["reply"])
            done = _("已答复。申请人会收到通知，请随后回访。")
        elif action == "visit":
            rectification_return_visit(
                rectification=found,
                actor=user,
                satisfied=posted["verdict"] == "yes",
                note=posted["note"],
            )
            done = _("回访已记录，整改办结。申请人可以重新评价。")
        elif action == "appeal":
            rectification_appeal(rectification=found, actor=user, reason=posted["reason"])
            done = _("申诉已提交，等待政务服务监督人员复核。")
        else:
            if posted["verdict"] not in {"upheld", "rejected"}:
                raise _verdict_required()
            appeal_decide(
                rectification=found,
                actor=user,
                upheld=posted["verdict"] == "upheld",
                note=posted["note"],
            )
            done = _("复核决定已作出。")
    except DomainError as exc:
        fresh = rectification_get(user, pk) or found
        context = _detail_context(request, fresh, error=exc, posted=posted, failed=action)
        return render(request, "ratings/staff_detail.html", context, status=_status_for(exc))
    messages.success(request, done)
    if action == "decide":
        return redirect("ratings:staff_appeals")
    return redirect("ratings:staff_detail", pk=pk)


def _verdict_required() -> DomainError:
    return ValidationFailed(
        code="verdict_required",
        message="请选择申诉成立或不成立。",
        message_en="Choose whether the appeal is upheld.",
    )


@login_required
@require_POST
def staff_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "reply")


@login_required
@require_POST
def staff_visit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "visit")


@login_required
@require_POST
def staff_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "appeal")


@login_required
@require_POST
def staff_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "decide")


@login_required
@require_GET
def staff_appeals(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may_decide_appeals(user):
        return forbidden(
            request,
            PermissionDenied(
                code="not_supervisor",
                message="申诉复核供政务服务监督人员使用。",
                message_en="Appeals are decided by supervisors.",
            ),
        )
    appeals = appeals_for_supervisor(user).select_related("appealed_by", "appeal_decided_by")
    return render(
        request,
        "ratings/staff_appeals.html",
        {
            "pending": list(appeals.filter(status=S.APPEALED).order_by("appealed_at", "pk")),
            "decided": list(
                appeals.exclude(status=S.APPEALED).order_by("-appeal_decided_at", "-pk")[:50]
            ),
        },
    )


# ---------------------------------------------------------------- public figures


@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    regions = list(regions_rated().order_by("code"))
    code = request.GET.get("region", "")
    region = next((r for r in regions if r.code == code), None)
    figures = department_statistics(region=region)
    return render(
        request,
        "ratings/stats.html",
        {
            "figures": figures,
            "regions": regions,
            "region": region,
            "levels": [(int(level), level.label) for level in LEVELS_HIGH_TO_LOW],
            "days": rectification_days(),
        },
    )
