"""Pages: the applicant's prefill preview and data tracker; staff answering objections."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onething.accounts.models import Enterprise, Person, User
from onething.accounts.selectors import departments_visible_to, person_for_user, staff_scope
from onething.cases.forms import GROUPS
from onething.catalog.guide import FieldInGuide, GuideError, compute_guide
from onething.catalog.models import DataElement, OneThingVersion
from onething.catalog.selectors import version_current
from onething.catalog.views import guide_params
from onething.core.errors import DomainError, NotFound, PermissionDenied
from onething.core.masking import mask_id_number, mask_phone
from onething.core.views import forbidden, forbidden_not_staff, not_found, problem
from onething.org.models import Department

from .models import DataAccess, DataObjection
from .registry import register
from .selectors import (
    access_log_for,
    lead_department,
    may_answer,
    objections_of,
    objections_visible_to,
    provider_statistics,
    staff_provider_codes,
)
from .services import Prefilled, objection_raise, objection_resolve, prefill

OUTCOME_WORDS: dict[str, str] = {
    DataAccess.Outcome.OK: "已读取",
    DataAccess.Outcome.REFUSED: "已拒绝：没有数据共享协议",
    DataAccess.Outcome.FAILED: "未取得：数据源没有响应",
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _provider_name(code: str) -> str:
    return register[code].name if code in register else code


def _field_words(code: str, fields: list[str]) -> str:
    if code not in register:
        return "、".join(fields)
    provider = register[code]
    return "、".join(provider.label(f) for f in fields)


def _applicants_only() -> PermissionDenied:
    return PermissionDenied(
        code="applicants_only",
        message="此页面供实名认证的申请人使用。",
        message_en="This page is for verified applicants.",
    )


# ---------------------------------------------------------------- the data tracker


def access_rows(user: User, reads: list[DataAccess]) -> list[dict[str, Any]]:
    """Each read in plain words."""
    rows = []
    for read in reads:
        if read.actor_id == user.pk:
            who = _("您本人在平台上操作时")
        elif read.actor is not None and read.actor.kind == User.Kind.STAFF:
            who = _("工作人员 %(name)s") % {"name": read.actor_name}
        else:
            who = read.actor_name
        rows.append(
            {
                "at": read.at,
                "department": read.department.name,
                "who": who,
                "provider": _provider_name(read.provider),
                "fields": _field_words(read.provider, read.fields),
                "purpose": read.purpose,
                "outcome": read.outcome,
                "outcome_words": OUTCOME_WORDS.get(read.outcome, read.outcome),
                "application": read.application.number if read.application else "",
            }
        )
    return rows


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    person = person_for_user(user)
    if person is None:
        return forbidden(request, _applicants_only())
    page = Paginator(access_log_for(user), 50).get_page(request.GET.get("page"))
    mine = list(objections_of(person)[:50])
    labels = _labelled(mine)
    objections = [
        {
            "o": o,
            "provider": _provider_name(o.provider),
            "proposed": labels.get((o.element, o.proposed_value), o.proposed_value),
        }
        for o in mine
    ]
    return render(
        request,
        "datahub/access_log.html",
        {"page": page, "rows": access_rows(user, list(page)), "objections": objections},
    )


# ---------------------------------------------------------------- prefill preview


def _display(spec: FieldInGuide, value: str) -> str:
    if not value:
        return ""
    if spec.type == "id_number":
        return mask_id_number(value)
    if spec.type in ("phone",):
        return mask_phone(value)
    if spec.type == "bank_account":
        return mask_id_number(value)
    for choice in spec.choices:
        if isinstance(choice, dict) and str(choice.get("value")) == value:
            return str(choice.get("label", value))
    return value


def _choices(spec: FieldInGuide) -> list[tuple[str, str]]:
    return [
        (str(c["value"]), str(c.get("label", c["value"]))) if isinstance(c, dict) else (str(c),) * 2
        for c in spec.choices
    ]


def _labelled(objections: list[DataObjection]) -> dict[tuple[str, str], str]:
    """(element, value) → the choice's label, for enum elements' proposed values."""
    labels: dict[tuple[str, str], str] = {}
    elements = DataElement.objects.filter(code__in={o.element for o in objections})
    for element in elements:
        for choice in element.choices or []:
            if isinstance(choice, dict):
                labels[(element.code, str(choice["value"]))] = str(choice.get("label", ""))
    return labels


def _grouped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows about the same person or thing together (孩子的信息, 母亲的信息 …), as on the form."""
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        prefix = row["spec"].element.split("_", 1)[0]
        key = prefix if prefix in GROUPS else ""
        if key not in groups:
            groups[key] = {"title": _(GROUPS[key]) if key else _("其他信息"), "rows": []}
        groups[key]["rows"].append(row)
    return [g for k, g in groups.items() if k] + ([groups[""]] if "" in groups else [])


def _subject(
    request: HttpRequest, version: OneThingVersion, person: Person | None
) -> Person | Enterprise | None:
    if version.one_thing.audience != "enterprise":
        return person
    operated = list(
        Enterprise.objects.filter(
            operators__user=_user(request), operators__revoked_at__isnull=True
        ).order_by("name")
    )
    wanted = request.GET.get("enterprise", "")
    return next((e for e in operated if e.credit_code == wanted), operated[0] if operated else None)


def _purpose(version: OneThingVersion, what: str) -> str:
    return f"办理“{version.one_thing.name}”：{what}"


def _preview_context(
    request: HttpRequest,
    version: OneThingVersion,
    form: list[FieldInGuide],
    filled: dict[str, Prefilled],
    department: Department,
    *,
    failed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    shared: list[dict[str, Any]] = []
    entered: list[dict[str, Any]] = []
    for spec in form:
        got = filled[spec.element]
        row = {
            "spec": spec,
            "prefilled": got,
            "display": _display(spec, got.value),
            "choices": _choices(spec),
            "failed": failed if failed and failed["element"] == spec.element else None,
        }
        (shared if got.from_provider else entered).append(row)
    query = request.GET.urlencode()
    shown = {row["spec"].element for row in shared}
    return {
        "failed_elsewhere": failed if failed and failed["element"] not in shown else None,
        "one_thing": version.one_thing,
        "department": department,
        "shared": shared,
        "groups": _grouped(shared),
        "entered": entered,
        "query": query,
        "apply_url": reverse("cases:apply", args=[version.one_thing.code])
        + (f"?{query}" if query else ""),
        "guide_url": reverse("catalog:one_thing", args=[version.one_thing.code])
        + (f"?{query}" if query else ""),
    }


@login_required
@require_http_methods(["GET", "POST"])
def prefill_preview(request: HttpRequest, code: str) -> HttpResponse:
    """The fields that would be prefilled, each with its source, before the applicant applies
    (and where they object to a wrong value)."""
    user = _user(request)
    person = person_for_user(user)
    if person is None:
        return forbidden(request, _applicants_only())
    try:
        version = version_current(code)
        params = guide_params(request.GET)
        guide = compute_guide(
            version.snapshot,
            version=version.number,
            answers=params["answers"],
            chosen=params["chosen"],
        )
        department = lead_department(version)
    except NotFound as exc:
        return not_found(request, exc)
    except GuideError as exc:
        return problem(request, exc, 400)
    subject = _subject(request, version, person)

    def read(fields: list[FieldInGuide], what: str) -> dict[str, Prefilled]:
        return prefill(
            form_fields=fields,
            subject=subject,
            person=person,
            requesting_department=department,
            purpose=_purpose(version, what),
            actor=user,
        )

    failed = None
    if request.method == "POST":
        element = request.POST.get("element", "")
        spec = next((f for f in guide.form if f.element == element), None)
        if spec is None:
            return problem(
                request,
                NotFound(
                    code="field_not_found",
                    message="申请表中没有这个字段。",
                    message_en="The form has no such field.",
                ),
                400,
            )
        current = read([spec], f"核对您对“{spec.label}”提出的数据异议")[element]
        try:
            objection_raise(
                actor=user,
                applicant=person,
                element=element,
                label=spec.label,
                prefilled=current,
                proposed_value=request.POST.get("proposed_value", ""),
                reason=request.POST.get("reason", ""),
                evidence=request.FILES.get("evidence"),
            )
        except DomainError as exc:
            failed = {
                "element": element,
                "message": exc.message,
                "proposed_value": request.POST.get("proposed_value", ""),
                "reason": request.POST.get("reason", ""),
            }
        else:
            messages.success(
                request,
                _("已提交对“%(label)s”的数据异议，提供数据的部门处理后会通知您。")
                % {"label": spec.label},
            )
            return redirect(request.get_full_path())
    filled = read(guide.form, "申请前预览预填信息")
    context = _preview_context(request, version, guide.form, filled, department, failed=failed)
    return render(request, "datahub/prefill_preview.html", context, status=400 if failed else 200)


# ---------------------------------------------------------------- staff: objections


@login_required
@require_GET
def staff_objections(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    scope = staff_scope(user)
    if not scope.grants:
        return forbidden_not_staff(request)
    status = request.GET.get("status", "open")
    found = objections_visible_to(user)
    if status in DataObjection.Status.values:
        found = found.filter(status=status)
    page = Paginator(found, 30).get_page(request.GET.get("page"))
    labels = _labelled(list(page))
    rows = [
        {
            "o": o,
            "provider": _provider_name(o.provider),
            "current": labels.get((o.element, o.current_value), o.current_value),
            "proposed": labels.get((o.element, o.proposed_value), o.proposed_value),
            "may_answer": o.status == DataObjection.Status.OPEN and may_answer(user, o),
        }
        for o in page
    ]
    departments = None if scope.is_platform_admin else departments_visible_to(user)
    stats = provider_statistics(departments=departments, providers=staff_provider_codes(user))
    return render(
        request,
        "datahub/staff_objections.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "statuses": DataObjection.Status.choices,
            "stats": stats,
        },
    )


@login_required
@require_POST
def staff_objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    objection = objections_visible_to(user).filter(pk=pk).first()
    if objection is None:
        return not_found(
            request,
            NotFound(
                code="objection_not_found",
                message="没有找到这条数据异议。",
                message_en="No such objection.",
            ),
        )
    decision = request.POST.get("decision", "")
    try:
        if decision not in ("corrected", "explained"):
            raise DomainError(
                code="decision_required",
                message="请选择“更正数据”或“维持并说明”。",
                message_en="Choose to correct the data or to explain why it stands.",
            )
        objection_resolve(
            objection=objection,
            actor=user,
            corrected=decision == "corrected",
            response=request.POST.get("response", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("数据已更正，并已通知申请人。") if decision == "corrected" else _("已答复申请人。"),
        )
    return redirect(reverse("datahub:staff_objections") + f"#objection-{objection.pk}")


@login_required
@require_GET
def objection_evidence(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """The evidence file, for the applicant who sent it and staff who see the objection."""
    user = _user(request)
    objection = (
        objections_visible_to(user).filter(pk=pk).first()
        or DataObjection.objects.filter(pk=pk, applicant__user=user).first()
    )
    if objection is None or not objection.evidence:
        return not_found(
            request,
            NotFound(
                code="evidence_not_found",
                message="没有找到这份证明材料。",
                message_en="No such evidence file.",
            ),
        )
    stored = objection.evidence.name or ""
    extension = stored.rsplit(".", 1)[-1] if "." in stored else "bin"
    response = FileResponse(
        objection.evidence.open("rb"),
        content_type=objection.evidence_type or "application/octet-stream",
        as_attachment=False,
        filename=f"证明材料-{objection.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
