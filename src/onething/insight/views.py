"""Supervisors' pages: the dashboard, the assessment sheets, and the stand-alone volumes.

Who may see what is decided by ``selectors`` / ``assessment`` and who may do what by
``services``; these views turn requests into calls and errors into plain messages. Charts read
their figures from ``json_script`` blocks (no inline script: CSP ``script-src 'self'``) and the
same figures are in tables under them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from onething.accounts.models import StaffRole, User
from onething.cases.models import Channel
from onething.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from onething.core.views import forbidden, not_found, problem
from onething.org.models import Region

from . import exports
from .assessment import Sheet, assessment_sheet, assessment_sheets, one_thing_for_assessment
from .models import AssessmentEvidence, Criterion
from .periods import Period, current_quarter, parse_period, period_choices, recent_quarters
from .selectors import (
    Filters,
    Summary,
    departments_in_scope,
    insight_scope,
    one_things_in_scope,
    standalone_volumes_for,
)
from .services import (
    assessment_save,
    evidence_add,
    evidence_remove,
    may_edit_volumes,
    standalone_volume_set,
    standalone_volumes_import,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    if isinstance(error, PermissionDenied):
        return forbidden(request, error)
    if isinstance(error, NotFound):
        return not_found(request, error)
    return problem(request, error, 400)


def _download(
    data: bytes, filename: str, content_type: str, *, inline: bool = False
) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def scope_label(user: User) -> str:
    scope = insight_scope(user)
    if scope.is_platform_admin:
        return _("全部地区")
    paths = sorted({g.region_path for g in scope.grants if g.role == StaffRole.SUPERVISOR})
    names = list(
        Region.objects.filter(path__in=paths).order_by("code").values_list("name", flat=True)
    )
    return _("%(regions)s及下辖地区") % {"regions": "、".join(names)}


# ---------------------------------------------------------------- dashboard


def charts(summary: Summary) -> dict[str, Any]:
    """What ``static/insight/dashboard.js`` draws (read from a json_script block)."""
    one_things = summary.by_one_thing[:15]
    shared = [row for row in summary.by_one_thing if row.share is not None][:15]
    departments = [row for row in summary.by_department if row.on_time_rate is not None][:15]
    return {
        "charts": [
            {
                "id": "chart-one-thing",
                "kind": "bar",
                "horizontal": True,
                "unit": _("件"),
                "categories": [row.label for row in one_things],
                "series": [
                    {"name": _("办件量"), "data": [row.volume for row in one_things]},
                    {"name": _("已办结"), "data": [row.finished for row in one_things]},
                ],
            },
            {
                "id": "chart-channel",
                "kind": "pie",
                "unit": _("件"),
                "data": [
                    {"name": row.label, "value": row.volume}
                    for row in summary.by_channel
                    if row.volume
                ],
            },
            {
                "id": "chart-trend",
                "kind": "line",
                "unit": _("件"),
                "categories": [month for month, _n in summary.trend],
                "series": [{"name": _("办件量"), "data": [n for _m, n in summary.trend]}],
            },
            {
                "id": "chart-department",
                "kind": "bar",
                "horizontal": True,
                "unit": "%",
                "max": 100,
                "categories": [row.label for row in departments],
                "series": [
                    {"name": _("按时办结率"), "data": [row.on_time_rate for row in departments]}
                ],
            },
            {
                "id": "chart-share",
                "kind": "bar",
                "horizontal": True,
                "unit": "%",
                "max": 100,
                "categories": [row.label for row in shared],
                "series": [{"name": _("一件事模式占比"), "data": [row.share for row in shared]}],
            },
        ]
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    from .selectors import insight_summary

    user = _user(request)
    try:
        insight_scope(user)
        filters = Filters.from_query(request.GET, current_quarter())
        summary = insight_summary(user, filters)
    except (PermissionDenied, ValidationFailed) as exc:
        return _refused(request, exc)
    periods = period_choices()
    if filters.period not in periods:
        periods.append(filters.period)
    return render(
        request,
        "insight/dashboard.html",
        {
            "summary": summary,
            "total": summary.total,
            "filters": filters,
            "periods": periods,
            "one_things": list(one_things_in_scope(user).values_list("code", "name")),
            "departments": list(departments_in_scope(user).values_list("pk", "name")),
            "channels": Channel.choices,
            "charts": charts(summary),
            "scope_label": scope_label(user),
            "may_edit_volumes": may_edit_volumes(user),
            "api_url": reverse("api:insight_summary") + "?" + request.GET.urlencode(),
        },
    )


# ---------------------------------------------------------------- assessment


def _quarter(text: str) -> Period:
    return parse_period(text, quarters_only=True)


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        period = _quarter(request.GET.get("period") or current_quarter().code)
        sheets = assessment_sheets(user, period)
    except DomainError as exc:
        return _refused(request, exc)
    quarters = recent_quarters(8)
    if period not in quarters:
        quarters.append(period)
    return render(
        request,
        "insight/assessment_list.html",
        {
            "period": period,
            "quarters": quarters,
            "sheets": sheets,
            "criteria": Criterion.choices,
            "assessed": sum(1 for s in sheets if s.assessment is not None),
            "complete": sum(1 for s in sheets if s.complete),
            "scope_label": scope_label(user),
        },
    )


@login_required
@require_GET
def assessment_list_xlsx(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        period = _quarter(request.GET.get("period") or current_quarter().code)
        sheets = assessment_sheets(user, period)
    except DomainError as exc:
        return _refused(request, exc)
    with translation.override("zh-hans"):
        label, period_label = scope_label(user), period.label
    data = exports.assessments_xlsx(sheets, label, period_label)
    return _download(data, f"一件事工作评价汇总-{period.code}.xlsx", XLSX)


def _sheet_context(
    sheet: Sheet,
    *,
    error: DomainError | None = None,
    scores: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The sheet page; after a refused save, the form shows what was posted."""
    for line in sheet.lines:
        if scores is not None:
            line.input_score = scores.get(line.criterion, "")
        if notes is not None:
            line.input_note = notes.get(line.criterion, "")
    return {
        "sheet": sheet,
        "one_thing": sheet.one_thing,
        "period": sheet.period,
        "criteria": Criterion.choices,
        "error": error,
    }


@login_required
def assessment_page(request: HttpRequest, code: str, period: str) -> HttpResponse:
    user = _user(request)
    try:
        quarter = _quarter(period)
        sheet = assessment_sheet(user, code, quarter)
    except DomainError as exc:
        return _refused(request, exc)
    if request.method != "POST":
        return render(request, "insight/assessment_sheet.html", _sheet_context(sheet))
    scores = {c.value: request.POST.get(f"{c.value}_score", "") for c in Criterion}
    notes = {c.value: request.POST.get(f"{c.value}_note", "") for c in Criterion}
    try:
        assessment_save(
            one_thing=sheet.one_thing, period=quarter, actor=user, scores=scores, notes=notes
        )
    except ValidationFailed as exc:
        context = _sheet_context(sheet, error=exc, scores=scores, notes=notes)
        return render(request, "insight/assessment_sheet.html", context, status=400)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(request, _("评价表已保存。"))
    return redirect("insight:assessment", code=code, period=quarter.code)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, code: str, period: str) -> HttpResponse:
    user = _user(request)
    upload = request.FILES.get("file")
    criterion = request.POST.get("criterion", "")
    try:
        quarter = _quarter(period)
        one_thing = one_thing_for_assessment(user, code)
        if upload is None:
            raise ValidationFailed(
                code="file_required",
                message="请选择要上传的佐证材料文件。",
                message_en="Choose a file to upload.",
            )
        evidence_add(
            one_thing=one_thing,
            period=quarter,
            criterion=criterion,
            filename=upload.name or "",
            data=upload.read(),
            actor=user,
        )
    except ValidationFailed as exc:
        try:
            sheet = assessment_sheet(user, code, _quarter(period))
        except DomainError as again:
            return _refused(request, again)
        context = _sheet_context(sheet, error=exc)
        return render(request, "insight/assessment_sheet.html", context, status=400)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(
        request,
        _("已上传佐证材料“%(name)s”（%(criterion)s）。")
        % {"name": upload.name if upload else "", "criterion": Criterion(criterion).label},
    )
    return redirect(
        reverse("insight:assessment", kwargs={"code": code, "period": quarter.code})
        + f"#criterion-{criterion}"
    )


def _evidence(user: User, code: str, period: str, evidence_id: int) -> AssessmentEvidence:
    one_thing = one_thing_for_assessment(user, code)
    found = (
        AssessmentEvidence.objects.filter(
            pk=evidence_id, assessment__one_thing=one_thing, assessment__period=period
        )
        .select_related("assessment__one_thing")
        .first()
    )
    if found is None:
        raise NotFound(
            code="evidence_not_found",
            message="没有找到这份佐证材料。",
            message_en="No such evidence.",
        )
    return found


@login_required
@require_GET
def evidence_file(
    request: HttpRequest, code: str, period: str, evidence_id: int
) -> HttpResponseBase:
    try:
        evidence = _evidence(_user(request), code, period, evidence_id)
    except DomainError as exc:
        return _refused(request, exc)
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(evidence.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def evidence_delete(request: HttpRequest, code: str, period: str, evidence_id: int) -> HttpResponse:
    user = _user(request)
    try:
        evidence = _evidence(user, code, period, evidence_id)
        name, criterion = evidence.name, evidence.criterion
        evidence_remove(evidence=evidence, actor=user)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(request, _("已删除佐证材料“%(name)s”。") % {"name": name})
    return redirect(
        reverse("insight:assessment", kwargs={"code": code, "period": period})
        + f"#criterion-{criterion}"
    )


@login_required
@require_GET
def assessment_xlsx(request: HttpRequest, code: str, period: str) -> HttpResponse:
    try:
        sheet = assessment_sheet(_user(request), code, _quarter(period))
    except DomainError as exc:
        return _refused(request, exc)
    name = f"{sheet.one_thing.name}-工作评价表-{sheet.period.code}.xlsx"
    return _download(exports.assessment_xlsx(sheet), name, XLSX)


@login_required
@require_GET
def assessment_pdf(request: HttpRequest, code: str, period: str) -> HttpResponse:
    try:
        sheet = assessment_sheet(_user(request), code, _quarter(period))
    except DomainError as exc:
        return _refused(request, exc)
    name = f"{sheet.one_thing.name}-工作评价表-{sheet.period.code}.pdf"
    return _download(exports.assessment_pdf(sheet), name, "application/pdf", inline=True)


# ---------------------------------------------------------------- stand-alone volumes


def _volumes_context(user: User, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "rows": list(standalone_volumes_for(user)[:500]),
        "may_edit": may_edit_volumes(user),
        "posted": {},
        "error": None,
        "import_error": None,
    }
    context.update(extra)
    return context


def _require_volume_viewer(user: User) -> None:
    if not may_edit_volumes(user):
        insight_scope(user)  # raises PermissionDenied with the usual message


@login_required
def volumes(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        _require_volume_viewer(user)
    except DomainError as exc:
        return _refused(request, exc)
    if request.method != "POST":
        return render(request, "insight/volumes.html", _volumes_context(user))
    posted = {
        key: request.POST.get(key, "").strip()
        for key in ("item_code", "region_code", "period", "count")
    }
    try:
        row = standalone_volume_set(actor=user, **posted)
    except ValidationFailed as exc:
        context = _volumes_context(user, error=exc, posted=posted)
        return render(request, "insight/volumes.html", context, status=400)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(
        request,
        _("已记录：事项%(item)s，%(region)s，%(period)s，单独办理%(count)s件。")
        % {
            "item": row.item_code,
            "region": row.region.name,
            "period": row.period,
            "count": row.count,
        },
    )
    return redirect("insight:volumes")


@login_required
@require_POST
def volumes_import(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    upload = request.FILES.get("workbook")
    try:
        _require_volume_viewer(user)
        if upload is None:
            raise ValidationFailed(
                code="file_required",
                message="请选择要导入的 Excel 文件。",
                message_en="Choose a workbook to import.",
            )
        count = standalone_volumes_import(actor=user, data=upload.read())
    except ValidationFailed as exc:
        context = _volumes_context(user, import_error=exc)
        return render(request, "insight/volumes.html", context, status=400)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(request, _("已导入%(n)s条单独办理办件量。") % {"n": count})
    return redirect("insight:volumes")


@login_required
@require_GET
def volumes_template(request: HttpRequest) -> HttpResponse:
    try:
        _require_volume_viewer(_user(request))
    except DomainError as exc:
        return _refused(request, exc)
    return _download(exports.volume_template_xlsx(), "单独办理办件量导入模板.xlsx", XLSX)


urlpatterns = [
    path("staff/insight/", dashboard, name="dashboard"),
    path("staff/insight/assessment/", assessment_list, name="assessments"),
    path("staff/insight/assessment/summary.xlsx", assessment_list_xlsx, name="assessments_xlsx"),
    path("staff/insight/assessment/<str:code>/<str:period>/", assessment_page, name="assessment"),
    path(
        "staff/insight/assessment/<str:code>/<str:period>/sheet.xlsx",
        assessment_xlsx,
        name="assessment_xlsx",
    ),
    path(
        "staff/insight/assessment/<str:code>/<str:period>/sheet.pdf",
        assessment_pdf,
        name="assessment_pdf",
    ),
    path(
        "staff/insight/assessment/<str:code>/<str:period>/evidence/",
        evidence_upload,
        name="evidence_upload",
    ),
    path(
        "staff/insight/assessment/<str:code>/<str:period>/evidence/<int:evidence_id>/",
        evidence_file,
        name="evidence_file",
    ),
    path(
        "staff/insight/assessment/<str:code>/<str:period>/evidence/<int:evidence_id>/delete/",
        evidence_delete,
        name="evidence_delete",
    ),
    path("staff/insight/volumes/", volumes, name="volumes"),
    path("staff/insight/volumes/import/", volumes_import, name="volumes_import"),
    path("staff/insight/volumes/template.xlsx", volumes_template, name="volumes_template"),
]
