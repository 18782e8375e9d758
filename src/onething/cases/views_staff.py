"""Staff pages (window intake and pre-review, lead department case view, approver inbox).

Who may see what is decided by ``cases.selectors`` and who may do what by ``cases.services``;
these views only turn requests into calls and errors into plain messages. Personal numbers in
the form are masked before they reach a template.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from onething.accounts.models import StaffRole, User
from onething.accounts.selectors import staff_scope
from onething.catalog.guide import Guide, GuideError
from onething.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from onething.core.masking import MASK_BY_TYPE, mask_for_type, mask_id_number
from onething.core.views import forbidden, not_found
from onething.core.workdays import WorkCalendarUnknown, add_working_days
from onething.datahub.selectors import field_sources_of

from . import notices
from .deadlines import level_for
from .models import Application, Correction, Material, Task
from .selectors import (
    LIST_DEFERRED,
    CappedPaginator,
    applications_for_staff,
    applications_of_applicant,
    task_get,
    tasks_for_department_staff,
)
from .services import (
    Upload,
    _require_lead,
    application_accept,
    application_refuse,
    correction_issue,
    task_decide,
)
from .timeline import timeline_for
from .workflow import AppState, TaskState

QUEUE_ROLES = (StaffRole.WINDOW_CLERK, StaffRole.COORDINATOR, StaffRole.SUPERVISOR)
INBOX_ROLES = (StaffRole.APPROVER, StaffRole.DEPARTMENT_SYSTEM)
# 行政许可法 §32: a window accepts, refuses or asks for all corrections within five working days.
PREREVIEW_WORKDAYS = 5
ACTIVE_TASKS = (TaskState.RELEASED, TaskState.CLAIMED)
LEVEL_LABELS = {"red": gettext_lazy("已超期"), "yellow": gettext_lazy("即将到期")}

QUEUE_FILTERS: list[tuple[str, Any]] = [
    ("open", gettext_lazy("待预审（待受理和待补正）")),
    *AppState.CHOICES,
    ("all", gettext_lazy("全部")),
]
TASK_STATUS_FILTERS: list[tuple[str, Any]] = [
    ("todo", gettext_lazy("待办理")),
    ("waiting", gettext_lazy("等待前序事项办结")),
    ("returned", gettext_lazy("已退回补充材料")),
    ("finished", gettext_lazy("已办结")),
    ("all", gettext_lazy("全部")),
]
TASK_STATUS_SETS: dict[str, tuple[str, ...]] = {
    "todo": ACTIVE_TASKS,
    "waiting": (TaskState.WAITING,),
    "returned": (TaskState.RETURNED,),
    "finished": tuple(TaskState.FINISHED),
}
DUE_FILTERS: list[tuple[str, Any]] = [
    ("all", gettext_lazy("全部")),
    ("today", gettext_lazy("今日到期")),
    ("overdue", gettext_lazy("已超期")),
]
DECISIONS: list[tuple[str, Any]] = [
    ("approve", gettext_lazy("准予")),
    ("reject", gettext_lazy("不予")),
    ("return", gettext_lazy("退回补充材料")),
]
DEFICIENCY_ROWS = 2
STATUS_FOR_ERROR = {NotFound: 404, PermissionDenied: 403, Conflict: 409}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _status_for(error: DomainError) -> int:
    for kind, status in STATUS_FOR_ERROR.items():
        if isinstance(error, kind):
            return status
    return 400


def _not_found(number: str) -> NotFound:
    return NotFound(
        code="application_not_found",
        message=f"没有找到办件 {number}。",
        message_en=f"No application {number} that you may see.",
    )


def _staff_application(user: User, number: str) -> Application:
    """The application if this staff member's scope covers it; applicants get NotFound here."""
    found = (
        applications_for_staff(user)
        .select_related("version", "lead_department__region", "jurisdiction", "hall")
        .filter(number=number)
        .first()
    )
    if found is None:
        raise _not_found(number)
    return found


# ---------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class Deadline:
    label: str
    day: dt.date | None
    level: str | None  # red, yellow or None
    note: str = ""

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS.get(self.level or "", ""))


def _prereview_limit(application: Application) -> dt.date | None:
    try:
        return add_working_days(
            timezone.localtime(application.submitted_at).date(), PREREVIEW_WORKDAYS
        )
    except WorkCalendarUnknown:
        return None


def application_deadline(application: Application, today: dt.date) -> Deadline:
    """What the queue shows: the pre-review limit before acceptance, then the case's due date."""
    if application.status == AppState.SUBMITTED:
        day = _prereview_limit(application)
        return Deadline(
            _("受理期限"),
            day,
            level_for(day, today) if day else None,
            _("收件后%(n)s个工作日内受理或一次性告知") % {"n": PREREVIEW_WORKDAYS},
        )
    if application.status == AppState.CORRECTION:
        return Deadline(_("补正中"), application.due_date, None, _("时限暂停，待申请人补正"))
    if application.status == AppState.ACCEPTED:
        due = application.due_date
        if due is None:
            return Deadline(_("办结期限"), None, None, _("节假日安排尚未公布，期限待定"))
        return Deadline(_("办结期限"), due, level_for(due, today))
    return Deadline(_("办结期限"), application.due_date, None)


def task_deadline(task: Task, today: dt.date) -> Deadline:
    due = task.due_date
    if task.status == TaskState.WAITING:
        return Deadline(_("办理期限"), None, None, _("前序事项办结后起算"))
    active = task.status in ACTIVE_TASKS
    return Deadline(_("办理期限"), due, level_for(due, today) if due and active else None)


# ---------------------------------------------------------------- what the pages show


def _guide(application: Application) -> Guide | None:
    try:
        return notices.application_guide(application)
    except GuideError:
        return None


def _display(value: Any, field_type: str, choices: list[Any]) -> str:
    text = "" if value is None else str(value)
    if not text:
        return "—"
    if field_type in MASK_BY_TYPE:
        return mask_for_type(text, field_type)
    for choice in choices:
        if isinstance(choice, dict) and str(choice.get("value")) == text:
            return str(choice.get("label", text))
    return text


def form_rows(application: Application, guide: Guide | None) -> list[dict[str, Any]]:
    """The one form as label / shown value / items / source, ID and phone numbers masked."""
    data = json.loads(application.form_data or "{}")
    sources = field_sources_of(application)
    rows = []
    seen = set()
    for spec in guide.form if guide else []:
        seen.add(spec.element)
        if spec.element not in data:
            continue
        rows.append(
            {
                "label": spec.label,
                "value": _display(data[spec.element], spec.type, spec.choices),
                "items": spec.items,
                "masked": spec.type in MASK_BY_TYPE,
                "source": sources.get(spec.element),
            }
        )
    for element, value in data.items():  # fields no longer in the guide: mask anything numeric
        if element not in seen:
            text = str(value)
            masked = any(ch.isdigit() for ch in text) and len(text) > 6
            rows.append(
                {
                    "label": element,
                    "value": mask_id_number(text) if masked else text or "—",
                    "items": [],
                    "masked": masked,
                }
            )
    return rows


def _task_rows(application: Application, today: dt.date) -> list[dict[str, Any]]:
    lead_region = application.lead_department.region_id
    tasks = application.tasks.select_related("department", "department__region", "decided_by")
    return [
        {
            "task": task,
            "deadline": task_deadline(task, today),
            "cross_region": task.department.region_id != lead_region,
        }
        for task in tasks
    ]


def _case_deadline(application: Application, today: dt.date, guide: Guide | None) -> Deadline:
    deadline = application_deadline(application, today)
    if deadline.day is None and application.status == AppState.ACCEPTED and guide is not None:
        return Deadline(deadline.label, None, None, guide.due_note or deadline.note)
    return deadline


def _can_prereview(user: User, application: Application) -> bool:
    """Whether to offer 受理 / 不予受理 / 补正 (the services check again when it is done)."""
    if application.status != AppState.SUBMITTED:
        return False
    try:
        _require_lead(user, application)
    except PermissionDenied:
        return False
    return True


def _correction_targets(guide: Guide | None) -> list[tuple[str, list[tuple[str, str]]]]:
    if guide is None:
        return []
    return [
        (_("表单信息"), [(f"field:{f.element}", f.label) for f in guide.form]),
        (_("申请材料"), [(f"material:{m.name}", m.name) for m in guide.materials_to_submit]),
        (_("整个事项"), [(f"item:{i.code}", i.name) for i in guide.items]),
    ]


def _blank_rows(count: int) -> list[dict[str, str]]:
    return [{"what": "", "item": "", "reason": ""} for _ in range(count)]


def _case_context(request: HttpRequest, application: Application, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    today = timezone.localdate()
    guide = _guide(application)
    tasks = _task_rows(application, today)
    corrections = list(
        application.corrections.select_related("task", "issued_by").order_by("-created_at")
    )
    open_correction = next((c for c in corrections if c.status == Correction.Status.OPEN), None)
    is_lead = staff_scope(user).covers(application.lead_department, StaffRole.COORDINATOR)
    finished = sum(1 for row in tasks if row["task"].is_finished)
    context: dict[str, Any] = {
        "application": application,
        "deadline": _case_deadline(application, today, guide),
        "form_rows": form_rows(application, guide),
        "materials": list(application.materials.all()),
        "tasks": tasks,
        "is_lead": is_lead,
        "progress": {
            "total": len(tasks),
            "finished": finished,
            "active": sum(1 for row in tasks if row["task"].status in ACTIVE_TASKS),
            "overdue": sum(1 for row in tasks if row["deadline"].level == "red"),
            "cross_region": sum(1 for row in tasks if row["cross_region"]),
        },
        "timeline": timeline_for(application, for_staff=True),
        "corrections": [
            {"correction": c, "rows": notices.deficiency_rows(application, c.deficiencies, guide)}
            for c in corrections
        ],
        "open_correction": open_correction,
        "can_prereview": _can_prereview(user, application),
        "notices": notices.available(application),
        "targets": _correction_targets(guide),
        "items": guide.items if guide else [],
        "deficiencies": _blank_rows(DEFICIENCY_ROWS),
        "refuse_reason": "",
        "error": None,
    }
    context.update(extra)
    return context


# ---------------------------------------------------------------- pre-review queue


@dataclass(frozen=True)
class QueueRow:
    application: Application
    deadline: Deadline


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    scope = staff_scope(user)
    if not any(scope.has_role(role) for role in QUEUE_ROLES):
        return forbidden(
            request,
            PermissionDenied(
                code="not_prereview_staff",
                message="预审队列供综合窗口、牵头部门和监督人员使用。",
                message_en="The pre-review queue is for window clerks, lead departments and "
                "supervisors.",
            ),
        )
    status = request.GET.get("status", "open")
    if status not in {code for code, _label in QUEUE_FILTERS}:
        status = "open"
    query = request.GET.get("q", "").strip()
    found: QuerySet[Application] = (
        applications_for_staff(user)
        .select_related("person", "enterprise", "one_thing")
        .defer(*LIST_DEFERRED, "person__phone")
    )
    if status == "open":
        found = found.filter(status__in=[AppState.SUBMITTED, AppState.CORRECTION])
        found = found.order_by("submitted_at")  # oldest first: first come, first served
    elif status != "all":
        found = found.filter(status=status).order_by("-submitted_at")
    if query:
        found = found.filter(number__contains=query.upper())  # numbers are upper case
    page = CappedPaginator(found, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [QueueRow(a, application_deadline(a, today)) for a in page]
    return render(
        request,
        "cases/staff/queue.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "query": query,
            "filters": QUEUE_FILTERS,
            "counts": {
                "submitted": sum(1 for r in rows if r.application.status == AppState.SUBMITTED),
                "red": sum(1 for r in rows if r.deadline.level == "red"),
                "yellow": sum(1 for r in rows if r.deadline.level == "yellow"),
            },
            "today": today,
        },
    )


# ---------------------------------------------------------------- the case page and its actions


@login_required
@require_GET
def case(request: HttpRequest, number: str) -> HttpResponse:
    try:
        application = _staff_application(_user(request), number)
    except NotFound as exc:
        return not_found(request, exc)
    return render(request, "cases/staff/case.html", _case_context(request, application))


def _case_error(
    request: HttpRequest, application: Application, error: DomainError, **extra: Any
) -> HttpResponse:
    application.refresh_from_db()
    context = _case_context(request, application, error=error, **extra)
    return render(request, "cases/staff/case.html", context, status=_status_for(error))


@login_required
@require_POST
def case_accept(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    try:
        application = _staff_application(user, number)
    except NotFound as exc:
        return not_found(request, exc)
    try:
        application = application_accept(application=application, actor=user)
    except DomainError as exc:
        return _case_error(request, application, exc)
    count = application.tasks.count()
    messages.success(
        request,
        _("已受理，已分送%(n)s个事项到各部门办理。受理通知书可以打印给申请人。") % {"n": count},
    )
    return redirect("cases:staff_case", number=number)


@login_required
@require_POST
def case_refuse(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    try:
        application = _staff_application(user, number)
    except NotFound as exc:
        return not_found(request, exc)
    reason = request.POST.get("reason", "").strip()
    try:
        application_refuse(application=application, actor=user, reason=reason)
    except DomainError as exc:
        return _case_error(request, application, exc, refuse_reason=reason, show_refuse=True)
    messages.success(request, _("已决定不予受理。不予受理通知书可以打印给申请人。"))
    return redirect("cases:staff_case", number=number)


def _posted_deficiencies(request: HttpRequest) -> list[dict[str, str]]:
    whats = request.POST.getlist("what")
    items = request.POST.getlist("item")
    reasons = request.POST.getlist("reason")
    rows = []
    for index, what in enumerate(whats):
        rows.append(
            {
                "what": what.strip(),
                "item": items[index].strip() if index < len(items) else "",
                "reason": reasons[index].strip() if index < len(reasons) else "",
            }
        )
    return rows


def _deficiencies(rows: list[dict[str, str]], guide: Guide | None) -> list[dict[str, str]]:
    """Filled rows as the service wants them: kind, target, item (name) and reason."""
    items = {i.code: i.name for i in guide.items} if guide else {}
    related: dict[str, list[str]] = {}
    if guide:
        related.update({f"field:{f.element}": f.items for f in guide.form})
        related.update({f"material:{m.name}": m.items for m in guide.materials_to_submit})
    result = []
    for row in rows:
        if not row["what"] and not row["reason"]:
            continue  # an unused blank row
        kind, _sep, target = row["what"].partition(":")
        item = items.get(row["item"], "")
        if not item and kind == "item":
            item = items.get(target, "")
        if not item:
            item = "、".join(related.get(row["what"], []))
        result.append(
            {"kind": kind or "field", "target": target, "item": item, "reason": row["reason"]}
        )
    return result


@login_required
@require_POST
def case_correction(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    try:
        application = _staff_application(user, number)
    except NotFound as exc:
        return not_found(request, exc)
    rows = _posted_deficiencies(request)
    if "more" in request.POST:  # without htmx: one more blank row, nothing issued yet
        context = _case_context(request, application, deficiencies=[*rows, *_blank_rows(1)])
        return render(request, "cases/staff/case.html", context)
    guide = _guide(application)
    deficiencies = _deficiencies(rows, guide)
    problems = [n for n, d in enumerate(deficiencies, 1) if not d["target"] or not d["reason"]]
    try:
        if problems:
            raise _incomplete_rows(problems)
        correction_issue(application=application, actor=user, deficiencies=deficiencies)
    except DomainError as exc:
        kept = rows or _blank_rows(DEFICIENCY_ROWS)
        return _case_error(request, application, exc, deficiencies=kept, show_correction=True)
    messages.success(
        request,
        _("已一次性告知%(n)s处需要补正的内容，办理时限暂停。补正告知书可以打印给申请人。")
        % {"n": len(deficiencies)},
    )
    return redirect("cases:staff_case", number=number)


def _incomplete_rows(numbers: list[int]) -> ValidationFailed:
    listed = "、".join(f"第{n}项" for n in numbers)
    return ValidationFailed(
        code="deficiency_incomplete",
        message=f"{listed}请选择需要补正的内容并写明理由。",
        message_en="Every deficiency needs what is to be corrected and why.",
    )


@login_required
@require_GET
def correction_row(request: HttpRequest, number: str) -> HttpResponse:
    """One more blank deficiency row (htmx appends it to the form)."""
    try:
        application = _staff_application(_user(request), number)
    except NotFound as exc:
        return not_found(request, exc)
    guide = _guide(application)
    return render(
        request,
        "cases/staff/_deficiency_row.html",
        {
            "row": _blank_rows(1)[0],
            "targets": _correction_targets(guide),
            "items": guide.items if guide else [],
        },
    )


@login_required
@require_GET
def material_file(
    request: HttpRequest, number: str, material_id: int
) -> HttpResponse | FileResponse:
    """An uploaded file, only for staff whose scope covers the application."""
    try:
        application = _staff_application(_user(request), number)
        material = application.materials.filter(pk=material_id).exclude(file="").first()
        if material is None:
            raise NotFound(
                code="material_not_found",
                message="没有找到这份材料的文件。",
                message_en="No such uploaded file.",
            )
    except NotFound as exc:
        return not_found(request, exc)
    return _stream(material)


def _stream(material: Material) -> FileResponse:
    stored = material.file.name or ""
    extension = stored.rsplit(".", 1)[-1] if "." in stored else "bin"
    response = FileResponse(
        material.file.open("rb"),
        content_type=material.content_type or "application/octet-stream",
        as_attachment=False,
        filename=f"{material.name}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- notices (PDF)


def _pdf(application: Application, kind: str, request: HttpRequest) -> HttpResponse:
    correction = request.GET.get("correction", "")
    body = notices.notice_pdf(
        application, kind, correction_id=int(correction) if correction.isdigit() else None
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{application.number}-{kind}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def staff_notice(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    try:
        application = _staff_application(_user(request), number)
        return _pdf(application, kind, request)
    except NotFound as exc:
        return not_found(request, exc)


@login_required
@require_GET
def applicant_notice(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    """The applicant's own copy of a notice."""
    try:
        application = applications_of_applicant(_user(request)).filter(number=number).first()
        if application is None:
            raise _not_found(number)
        return _pdf(application, kind, request)
    except NotFound as exc:
        return not_found(request, exc)


# ---------------------------------------------------------------- approver inbox and task page


def _inbox_forbidden(request: HttpRequest) -> HttpResponse:
    return forbidden(
        request,
        PermissionDenied(
            code="not_approver",
            message="待办件供部门审批人员使用。",
            message_en="The task inbox is for department approvers.",
        ),
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    scope = staff_scope(user)
    if not any(scope.has_role(role) for role in INBOX_ROLES):
        return _inbox_forbidden(request)
    status = request.GET.get("status", "todo")
    if status not in {code for code, _label in TASK_STATUS_FILTERS}:
        status = "todo"
    due = request.GET.get("due", "all")
    if due not in {code for code, _label in DUE_FILTERS}:
        due = "all"
    today = timezone.localdate()
    found = (
        tasks_for_department_staff(user)
        .select_related("application__person", "application__enterprise", "department__region")
        .defer(*(f"application__{name}" for name in LIST_DEFERRED), "application__person__phone")
    )
    if status in TASK_STATUS_SETS:
        found = found.filter(status__in=TASK_STATUS_SETS[status])
    if due == "today":
        found = found.filter(due_date=today, status__in=ACTIVE_TASKS)
    elif due == "overdue":
        found = found.filter(due_date__lt=today, status__in=ACTIVE_TASKS)
    # the most pressing first: the earliest due date on top, undated last
    found = found.order_by(F("due_date").asc(nulls_last=True), "-released_at", "pk")
    page = CappedPaginator(found, 50).get_page(request.GET.get("page"))
    rows = [{"task": t, "deadline": task_deadline(t, today)} for t in page]
    counts = (
        tasks_for_department_staff(user)
        .filter(status__in=ACTIVE_TASKS)
        .aggregate(
            todo=Count("pk"),
            today=Count("pk", filter=Q(due_date=today)),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
        )
    )
    return render(
        request,
        "cases/staff/inbox.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "due": due,
            "status_filters": TASK_STATUS_FILTERS,
            "due_filters": DUE_FILTERS,
            "counts": counts,
            "today": today,
        },
    )


def _task_context(request: HttpRequest, task: Task, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    application = task.application
    guide = _guide(application)
    siblings = application.tasks.select_related("department", "decided_by")
    predecessors = [t for t in siblings if t.item_code in task.predecessors]
    cross_region = task.department.region_id != application.lead_department.region_id
    context: dict[str, Any] = {
        "task": task,
        "application": application,
        "deadline": task_deadline(task, today),
        "form_rows": [
            row for row in form_rows(application, guide) if task.item_name in row["items"]
        ]
        or form_rows(application, guide),
        "all_fields": False,
        "materials": list(application.materials.all()),
        "predecessors": predecessors,
        "cross_region": cross_region,
        "can_decide": task.status in ACTIVE_TASKS,
        "decisions": DECISIONS,
        "decision": "",
        "opinion": "",
        "revision": task.revision,
        "error": None,
    }
    if request.GET.get("fields") == "all":
        context["form_rows"], context["all_fields"] = form_rows(application, guide), True
    context.update(extra)
    return context


@login_required
def task_page(request: HttpRequest, task_id: int) -> HttpResponse:
    user = _user(request)
    try:
        task = task_get(user, task_id)
    except NotFound as exc:
        return not_found(request, exc)
    if request.method != "POST":
        return render(request, "cases/staff/task.html", _task_context(request, task))
    decision = request.POST.get("decision", "")
    opinion = request.POST.get("opinion", "").strip()
    revision_text = request.POST.get("revision", "")
    upload = request.FILES.get("attachment")
    try:
        decided = task_decide(
            task=task,
            actor=user,
            decision=decision,
            opinion=opinion,
            revision=int(revision_text) if revision_text.isdigit() else -1,
            attachment=Upload("审批附件", upload.name or "附件", upload.read()) if upload else None,
        )
    except DomainError as exc:
        fresh = task_get(user, task_id)
        keep = not isinstance(exc, Conflict)  # after a conflict, show what is there now
        context = _task_context(
            request,
            fresh,
            error=exc,
            decision=decision if keep else "",
            opinion=opinion if keep else "",
        )
        return render(request, "cases/staff/task.html", context, status=_status_for(exc))
    messages.success(
        request,
        _("已办理：%(item)s（办件%(number)s）—— %(decision)s。")
        % {
            "item": decided.item_name,
            "number": decided.application.number,
            "decision": decided.get_status_display(),
        },
    )
    return redirect(reverse("cases:staff_inbox"))


urlpatterns = [
    path("staff/cases/", queue, name="staff_queue"),
    path("staff/cases/<str:number>/", case, name="staff_case"),
    path("staff/cases/<str:number>/accept/", case_accept, name="staff_case_accept"),
    path("staff/cases/<str:number>/refuse/", case_refuse, name="staff_case_refuse"),
    path("staff/cases/<str:number>/correction/", case_correction, name="staff_case_correction"),
    path(
        "staff/cases/<str:number>/correction/row/",
        correction_row,
        name="staff_case_correction_row",
    ),
    path(
        "staff/cases/<str:number>/materials/<int:material_id>/",
        material_file,
        name="staff_material",
    ),
    path(
        "staff/cases/<str:number>/notice/<slug:kind>.pdf",
        staff_notice,
        name="staff_notice",
    ),
    path(
        "me/applications/<str:number>/notice/<slug:kind>.pdf",
        applicant_notice,
        name="applicant_notice",
    ),
    path("staff/tasks/", inbox, name="staff_inbox"),
    path("staff/tasks/<int:task_id>/", task_page, name="staff_task"),
]
