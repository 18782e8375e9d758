from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from onething.accounts.models import StaffRole, User
from onething.accounts.selectors import staff_scope
from onething.core.errors import NotFound, PermissionDenied
from onething.core.views import forbidden, not_found, problem

from .flowchart import flowchart_svg
from .guide import GuideError, compute_guide
from .models import OneThing
from .pdf import guide_pdf
from .publishing import snapshot_of
from .search import search_one_things
from .selectors import (
    one_things_by_stage,
    one_things_published,
    version_current,
    versions_current,
)


def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    one_things = list(one_things_published())
    return render(
        request,
        "catalog/home.html",
        {
            "query": query,
            "results": search_one_things(query) if query else None,
            "grouped": one_things_by_stage(one_things),
            "count": len(one_things),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    """The live-search fragment (htmx); without htmx, the full home page with results."""
    if not request.headers.get("HX-Request"):
        return home(request)
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "catalog/_results.html",
        {"query": query, "results": search_one_things(query) if query else None},
    )


def guide_params(params: QueryDict) -> dict[str, Any]:
    """Answers (``a.<situation>=<value>``) and, with ``custom=1``, the chosen items."""
    answers = {key[2:]: value for key, value in params.items() if key.startswith("a.") and value}
    chosen = params.getlist("item") if params.get("custom") == "1" else None
    return {"answers": answers, "chosen": chosen}


def _held_by(user: object) -> set[str]:
    """The certificates a signed-in applicant already holds (两个免于提交 from the wallet)."""
    from onething.accounts.selectors import person_for_user
    from onething.certificates.selectors import certificate_types_held

    if not isinstance(user, User) or user.kind != User.Kind.APPLICANT:
        return set()
    person = person_for_user(user)
    return certificate_types_held(person) if person else set()


def _guide_context(
    request: HttpRequest, one_thing: OneThing, snapshot: dict[str, Any], number: int
) -> dict[str, Any]:
    params = guide_params(request.GET)
    context: dict[str, Any] = {
        "one_thing": one_thing,
        "snapshot": snapshot,
        "number": number,
        "answers": params["answers"],
        "query": request.GET.urlencode(),
        "selected": set(params["chosen"] or []),
    }
    try:
        guide = compute_guide(
            snapshot,
            version=number,
            answers=params["answers"],
            chosen=params["chosen"],
            held_results=_held_by(request.user),
            start=timezone.localdate(),
        )
    except GuideError as exc:
        context["error"] = exc
        return context
    context["guide"] = guide
    # every text in the SVG goes through html.escape in flowchart_svg
    context["flowchart"] = mark_safe(flowchart_svg(guide))  # nosec B308 B703
    context["selected"] = {item.code for item in guide.items}
    return context


def one_thing_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        version = version_current(code)
    except NotFound as exc:
        return not_found(request, exc)
    context = _guide_context(request, version.one_thing, version.snapshot, version.number)
    context["version"] = version
    return _render_guide(request, context)


def one_thing_preview(request: HttpRequest, code: str) -> HttpResponse:
    """Catalog editors see the guide their unpublished changes would give."""
    user = request.user
    if not isinstance(user, User) or not staff_scope(user).has_role(StaffRole.CATALOG_EDITOR):
        return forbidden(
            request,
            PermissionDenied(
                code="not_catalog_editor",
                message="只有事项管理人员可以预览未发布的指南。",
                message_en="Only catalog editors may preview unpublished guides.",
            ),
        )
    one_thing = OneThing.objects.filter(code=code).select_related("region").first()
    if one_thing is None:
        return not_found(
            request,
            NotFound(
                code="one_thing_not_found", message="没有这件事。", message_en="No such one-thing."
            ),
        )
    context = _guide_context(request, one_thing, snapshot_of(one_thing), 0)
    context["preview"] = True
    return _render_guide(request, context)


def _render_guide(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    if request.headers.get("HX-Request"):
        # htmx swaps only successful responses: the fragment carries the error itself
        return render(request, "catalog/_guide.html", context)
    return render(request, "catalog/guide.html", context, status=400 if "error" in context else 200)


def one_thing_guide_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The printable 一次性告知书 for the same answers and choices as the page."""
    try:
        version = version_current(code)
    except NotFound as exc:
        return not_found(request, exc)
    params = guide_params(request.GET)
    try:
        guide = compute_guide(
            version.snapshot,
            version=version.number,
            answers=params["answers"],
            chosen=params["chosen"],
            start=timezone.localdate(),
        )
    except GuideError as exc:
        return problem(request, exc, 400)
    body = guide_pdf(
        guide,
        one_thing_name=version.one_thing.name,
        region_name=version.snapshot["region"]["name"],
        generated_at=timezone.now(),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="guide-{code}.pdf"'
    return response


def metrics(request: HttpRequest) -> HttpResponse:
    """Before/after for the whole catalog (every item applied for, default answers)."""
    today = timezone.localdate()
    rows = []
    for version in versions_current():
        guide = compute_guide(version.snapshot, version=version.number, start=today)
        rows.append({"version": version, "guide": guide, "official": guide.official})
    return render(request, "catalog/metrics.html", {"rows": rows})
