"""Applicant pages (apply from the guide, my applications, timeline, correction, withdrawal)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from onething.accounts.models import Enterprise, Person, StaffRole, User
from onething.accounts.selectors import (
    agent_may_act_for,
    person_by_id_number,
    person_for_user,
    staff_scope,
)
from onething.catalog.guide import FieldInGuide, Guide, GuideError, compute_guide
from onething.catalog.models import OneThingVersion
from onething.catalog.selectors import version_current
from onething.catalog.views import guide_params
from onething.certificates.selectors import certificate_types_held
from onething.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from onething.core.masking import mask_id_number, mask_phone
from onething.core.views import forbidden, not_found, problem
from onething.datahub.selectors import field_sources_of, lead_department, objections_on
from onething.datahub.services import (
    Prefilled,
    objection_raise,
    prefill,
    prefill_open,
    prefill_seal,
    prefill_settle,
    provenance_record,
    source_as_prefilled,
    sources_with_account,
)
from onething.ratings.selectors import may_rate

from . import forms
from .checks import check_form
from .models import Application, Correction, Delivery
from .selectors import application_get, applications_of_applicant
from .services import (
    Submission,
    SubmissionRejected,
    application_submit_once,
    application_withdraw,
    correction_answer,
)
from .timeline import timeline_for
from .workflow import APPLICATION_TRANSITIONS, TaskState


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


# ---------------------------------------------------------------- on behalf


def _acts_for_others(user: User) -> bool:
    if staff_scope(user).has_role(StaffRole.WINDOW_CLERK):
        return True
    return user.authorizations_held.filter(revoked_at__isnull=True).exists()


PRINCIPAL_SALT = "onething.cases.apply.for"
PRINCIPAL_REF_AGE = 8 * 3600  # a working day at the window


def principal_ref(person: Person) -> str:
    """What the apply page's address carries for the person a clerk or agent applies for,
    instead of their 公民身份号码: a signed reference, valid for a working day."""
    return signing.dumps(person.pk, salt=PRINCIPAL_SALT)


def _looks_like_id_number(raw: str) -> bool:
    return len(raw) == 18 and raw[:17].isdigit()


def _person_named_by(raw: str) -> Person | None:
    """The person a 公民身份号码 (typed) or a reference from ``principal_ref`` names."""
    if _looks_like_id_number(raw):
        return person_by_id_number(raw)  # ValidationFailed for a wrong check digit
    try:
        pk = signing.loads(raw, salt=PRINCIPAL_SALT, max_age=PRINCIPAL_REF_AGE)
    except signing.BadSignature as exc:
        raise ValidationFailed(
            code="principal_ref_invalid",
            message=_("这个代办申请的链接已过期或不完整，请重新输入申请人的公民身份号码查找。"),
            message_en="This link for applying on someone's behalf has expired or is incomplete; "
            "look the applicant up again by their ID number.",
        ) from exc
    return Person.objects.filter(pk=pk).first()


def _principal(user: User, raw: str, code: str) -> Person:
    """The person a clerk or agent applies for, from the 公民身份号码 they typed (or the
    reference the page carries after that)."""
    person = _person_named_by(raw)
    if person is None:
        raise NotFound(
            code="person_not_found",
            message=_("没有找到这个公民身份号码对应的实名用户，请核对后重新输入。"),
            message_en="No verified person has this ID number.",
        )
    if person.user_id == user.pk:
        return person
    if staff_scope(user).has_role(StaffRole.WINDOW_CLERK):
        return person
    if agent_may_act_for(agent=user, principal=person, one_thing_code=code):
        return person
    raise PermissionDenied(
        code="no_authorization",
        message=_("您没有代其办理这件事的有效授权。请由本人申请，或先办理代办授权。"),
        message_en="You hold no valid authorisation to act for this person.",
    )


def _for_principal(request: HttpRequest, person: Person) -> HttpResponse:
    """The apply page for ``person``, its address carrying a reference, not their number."""
    query = request.GET.copy()
    query["for"] = principal_ref(person)
    return redirect(f"{request.path}?{query.urlencode()}")


# ---------------------------------------------------------------- apply


def _order(
    problems: list[dict[str, Any]], guide: Guide, elements: list[str]
) -> list[dict[str, Any]]:
    """Problems in the order their inputs appear on the page."""
    position = {element: i for i, element in enumerate(elements)}
    offset = len(position)
    for i, m in enumerate(guide.materials_to_submit):
        position[f"material:{m.name}"] = offset + i
    position["delivery"] = position["delivery_address"] = 10_000
    return sorted(problems, key=lambda p: position.get(str(p["field"]), 9_999))


def _precheck(
    guide: Guide, values: dict[str, str], given: set[str], failed: set[str]
) -> list[dict[str, Any]]:
    """The problems the pre-review would find, for when the page already found some itself."""
    _clean, found = check_form(guide.form, values, today=timezone.localdate())
    problems = [p.as_dict() for p in found]
    for m in guide.materials_to_submit:
        key = f"material:{m.name}"
        if m.required and m.name not in given and key not in failed:
            problems.append(
                {
                    "field": key,
                    "label": m.name,
                    "items": m.items,
                    "message": _("请上传这份材料"),
                    "message_en": "upload this material",
                }
            )
    return problems


def _apply_context(
    request: HttpRequest,
    version: OneThingVersion,
    guide: Guide,
    *,
    values: dict[str, str],
    prefilled: set[str],
    sources: dict[str, Prefilled] | None = None,
    account: dict[str, str] | None = None,
    prefill_token: str = "",
    delivery: str,
    address: str,
    key: str,
    problems: list[dict[str, Any]],
    principal: Person | None,
    lookup: str,
    draft: dict[str, Any] | None,
    error: DomainError | None = None,
    files_dropped: bool = False,
) -> dict[str, Any]:
    index = forms.problems_by_field(problems)
    materials = forms.material_rows(guide.materials_to_submit, index)
    groups = forms.field_groups(
        forms.field_rows(guide.form, values, index, prefilled, sources=sources, account=account)
    )
    summary = [
        dict(p, anchor=forms.anchor_for(str(p["field"]), materials))
        for p in _order(problems, guide, [r.element for g in groups for r in g["rows"]])
    ]
    keep = [(k, v) for k, vs in request.GET.lists() if k != "for" for v in vs]
    return {
        "one_thing": version.one_thing,
        "version": version,
        "guide": guide,
        "groups": groups,
        "field_count": len(guide.form),
        "materials": materials,
        "accept": forms.ACCEPT,
        "deliveries": forms.delivery_options(delivery),
        "delivery_address": address,
        "delivery_problems": index.get("delivery", []) + index.get("delivery_address", []),
        "idempotency_key": key,
        "prefill_token": prefill_token,
        "problems": summary,
        "principal": principal,
        "acts_for_others": _acts_for_others(_user(request)),
        "has_identity": person_for_user(_user(request)) is not None,
        "lookup": lookup,
        "lookup_action": request.path + (f"?{others}" if (others := _without_for(request)) else ""),
        "keep": keep,
        "guide_url": reverse("catalog:one_thing", args=[version.one_thing.code])
        + ("?" + _without_for(request) if _without_for(request) else ""),
        "draft": draft,
        "error": error,
        "files_dropped": files_dropped,
        "enterprise": enterprise_for(request, version),
        "enterprises": enterprises_operated(_user(request))
        if version.one_thing.audience == "enterprise"
        else [],
    }


def enterprises_operated(user: User) -> list[Enterprise]:
    return list(
        Enterprise.objects.filter(
            operators__user=user, operators__revoked_at__isnull=True
        ).order_by("name")
    )


def enterprise_for(request: HttpRequest, version: OneThingVersion) -> Enterprise | None:
    """For an enterprise one-thing: the enterprise the user applies for (``?enterprise=`` picks
    one when they operate several)."""
    if version.one_thing.audience != "enterprise":
        return None
    operated = enterprises_operated(_user(request))
    wanted = request.GET.get("enterprise", "")
    return next((e for e in operated if e.credit_code == wanted), operated[0] if operated else None)


def _shared_data(
    request: HttpRequest,
    version: OneThingVersion,
    guide: Guide,
    person: Person | None,
    user: User,
    *,
    what: str = "预填申请表",
) -> dict[str, Prefilled]:
    """共享数据自动调用: what the registries know, read under the lead department's agreements
    and logged in the applicant's data-access record, each value with where it came from."""
    subject = enterprise_for(request, version) or person
    if subject is None:
        return {}
    return prefill(
        form_fields=guide.form,
        subject=subject,
        person=person,
        requesting_department=lead_department(version),
        purpose=f"办理“{version.one_thing.name}”：{what}",
        actor=user,
    )


def _shared_values(filled: dict[str, Prefilled]) -> dict[str, str]:
    return {k: p.value for k, p in filled.items() if p.from_provider and p.value}


def _form_key(draft_key: str, request: HttpRequest, version: OneThingVersion) -> str:
    """What a sealed prefill is bound to: this form, for this person or enterprise."""
    enterprise = enterprise_for(request, version)
    return f"{draft_key}:{enterprise.credit_code if enterprise else ''}"


def _without_for(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("for", None)
    return query.urlencode()


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    try:
        version = version_current(code)
    except NotFound as exc:
        return not_found(request, exc)
    params = guide_params(request.GET)
    looking_up = request.method == "POST" and request.POST.get("action") == "lookup"
    lookup = (request.POST if looking_up else request.GET).get("for", "").strip()
    typed = looking_up or (request.method == "GET" and _looks_like_id_number(lookup))
    if looking_up and not lookup:  # nothing typed: the page as it was
        return redirect(request.get_full_path())
    holder = None if lookup else (enterprise_for(request, version) or person_for_user(user))
    try:
        guide = compute_guide(
            version.snapshot,
            version=version.number,
            answers=params["answers"],
            chosen=params["chosen"],
            held_results=certificate_types_held(holder) if holder else (),
            start=timezone.localdate(),
        )
    except GuideError as exc:
        return problem(request, exc, 400)

    principal: Person | None = None
    if lookup:
        try:
            principal = _principal(user, lookup, code)
            if typed:  # the number stays out of the address and the page from here on
                return _for_principal(request, principal)
        except (ValidationFailed, NotFound, PermissionDenied) as exc:
            context = _apply_context(
                request,
                version,
                guide,
                values={},
                prefilled=set(),
                delivery=Delivery.ELECTRONIC,
                address="",
                key="",
                problems=[],
                principal=None,
                lookup=lookup if typed else "",  # what they typed, to correct it
                draft=None,
                error=exc,
            )
            context["lookup_failed"] = True
            status = 403 if isinstance(exc, PermissionDenied) else 200
            return render(request, "cases/applicant/apply.html", context, status=status)
    own = principal is None or principal.user_id == user.pk
    person = person_for_user(user) if principal is None else principal
    draft_key = forms.draft_key(code, principal)
    form_key = _form_key(draft_key, request, version)
    known = forms.prefill_for(person, guide.form, own=own)
    account = forms.account_numbers(known, guide.form)  # shown masked, filled in on submit

    if request.method == "GET":
        filled = _shared_data(request, version, guide, person, user)
        shared = _shared_values(filled)
        known.update(shared)
        draft = forms.draft_load(request.session, draft_key)
        values = dict(known)
        delivery, address = str(Delivery.ELECTRONIC), ""
        if draft:
            values.update({k: v for k, v in draft.get("values", {}).items() if v})
            delivery = draft.get("delivery") or delivery
            address = draft.get("delivery_address", "")
        values.update({k: v for k, v in shared.items() if filled[k].locked})  # the register wins
        prefilled = {k for k, v in known.items() if values.get(k) == v}
        context = _apply_context(
            request,
            version,
            guide,
            values=values,
            prefilled=prefilled,
            sources=filled,
            account=account,
            prefill_token=prefill_seal(filled=filled, actor=user, form_key=form_key),
            delivery=delivery,
            address=address,
            key=str(uuid.uuid4()),
            problems=[],
            principal=principal,
            lookup="",
            draft=_draft_info(draft),
        )
        return render(request, "cases/applicant/apply.html", context)

    action = request.POST.get("action", "submit")
    if action == "discard":
        forms.draft_discard(request.session, draft_key)
        messages.success(request, _("草稿已清除。"))
        return redirect(request.get_full_path())
    values = forms.read_values(request.POST, guide.form)
    delivery, address, problems = forms.read_delivery(request.POST)
    if action == "draft":
        forms.draft_save(
            request.session,
            draft_key,
            {"values": values, "delivery": delivery, "delivery_address": address},
        )
        messages.success(
            request,
            _(
                "草稿已保存。本次登录期间回到这个页面即可接着填写；"
                "草稿不保存文件，提交前请再选择要上传的文件。"
            ),
        )
        return redirect(request.get_full_path())

    values = forms.fill_from_account(values, account)
    # a locked shared value is the register's, whatever the browser sent
    token = str(request.POST.get("prefill_token", ""))
    opened = prefill_open(token, actor=user, form_key=form_key)
    if opened is None:  # no, a stale or a forged token: ask the registries again
        opened = _shared_data(request, version, guide, person, user, what="提交时核对预填信息")
        token = prefill_seal(filled=opened, actor=user, form_key=form_key)
    filled = opened
    settled = prefill_settle(form_fields=guide.form, filled=filled, values=values)
    values = {k: str(v) for k, v in settled.values.items()}
    problems += settled.problems
    shared = _shared_values(filled)

    key = request.POST.get("idempotency_key", "")[:128] or str(uuid.uuid4())
    named = [(f"upload-{i}", m.name, m.items) for i, m in enumerate(guide.materials_to_submit)]
    uploads, upload_problems = forms.read_uploads(request.FILES, named)
    problems += upload_problems
    files_dropped = bool(request.FILES)
    submission = Submission(
        one_thing=code,
        answers=params["answers"],
        items=params["chosen"],
        form=values,
        uploads=uploads,
        delivery=delivery,
        delivery_address=address,
    )

    def again(found: list[dict[str, Any]], error: DomainError | None = None) -> HttpResponse:
        context = _apply_context(
            request,
            version,
            guide,
            values=values,
            prefilled={k for k, v in {**account, **shared}.items() if values.get(k) == v},
            sources=filled,
            account=account,
            prefill_token=token,
            delivery=delivery,
            address=address,
            key=key if error is None or not isinstance(error, Conflict) else str(uuid.uuid4()),
            problems=found,
            principal=principal,
            lookup="",
            draft=None,
            error=error,
            files_dropped=files_dropped,
        )
        return render(request, "cases/applicant/apply.html", context)

    if problems:
        failed = {str(p["field"]) for p in upload_problems}
        given = {u.material for u in uploads}
        return again(problems + _precheck(guide, values, given, failed))
    try:
        application, created = application_submit_once(
            actor=user,
            submission=submission,
            idempotency_key=key,
            on_behalf_of=principal,
            enterprise=enterprise_for(request, version) if principal is None else None,
            on_stored=lambda stored: provenance_record(
                application=stored,
                sources=sources_with_account(settled.sources, account),
                filled=filled,
                fresh=True,
            ),
        )
    except SubmissionRejected as exc:
        found = exc.details.get("problems")
        return again(found if isinstance(found, list) else [])
    except (ValidationFailed, PermissionDenied, Conflict) as exc:
        return again([], exc)
    forms.draft_discard(request.session, draft_key)
    if created:
        messages.success(
            request,
            _("申请已提交，办件编号：%(number)s。请记下这个编号，可随时查询办理进度。")
            % {"number": application.number},
        )
    else:
        messages.info(
            request,
            _("这份申请已经提交过了，没有重复提交。办件编号：%(number)s。")
            % {"number": application.number},
        )
    return redirect("cases:application", number=application.number)


def _draft_info(draft: dict[str, Any] | None) -> dict[str, Any] | None:
    if not draft:
        return None
    try:
        saved = dt.datetime.fromisoformat(str(draft.get("saved_at", "")))
    except ValueError:
        saved = None
    return {"saved_at": saved}


# ---------------------------------------------------------------- my applications


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    rows = applications_of_applicant(_user(request)).order_by("-submitted_at", "-pk")
    return render(request, "cases/applicant/list.html", {"applications": rows})


# ---------------------------------------------------------------- one application


def _guide_of(application: Application) -> Guide | None:
    try:
        return compute_guide(
            application.version.snapshot,
            version=application.version.number,
            answers=application.answers,
            chosen=application.chosen_items,
            start=timezone.localdate(),
        )
    except GuideError:
        return None


TASK_WORDS = {
    TaskState.WAITING: "等待前一个事项办结后开始",
    TaskState.RELEASED: "已送到部门，等待办理",
    TaskState.CLAIMED: "部门正在办理",
    TaskState.RETURNED: "部门需要您补充材料",
    TaskState.APPROVED: "已办好",
    TaskState.REJECTED: "部门决定不予办理",
    TaskState.WITHDRAWN: "申请已撤回，不再办理",
    TaskState.REVOKED: "核查不通过，已撤销",
}


def _items(application: Application) -> list[dict[str, Any]]:
    tasks = {t.item_code: t for t in application.tasks.select_related("department")}
    names = {i["code"]: i for i in application.version.snapshot["items"]}
    rows = []
    for code in application.chosen_items:
        task = tasks.get(code)
        item = names.get(code, {})
        rows.append(
            {
                "name": task.item_name if task else item.get("name", code),
                "department": task.department.name if task else item.get("department", ""),
                "status": _(TASK_WORDS[task.status]) if task else _("等待受理后分送部门"),
                "state": task.status if task else "pending",
                "due": task.due_date if task else None,
                "opinion": task.opinion if task else "",
            }
        )
    return rows


def _may_withdraw(application: Application, user: User) -> bool:
    if (application.status, "withdraw") not in APPLICATION_TRANSITIONS:
        return False
    if user.pk not in {application.submitted_by_id, getattr(application.person, "user_id", -1)}:
        return False
    decided = {TaskState.APPROVED, TaskState.REJECTED}
    return not application.tasks.filter(status__in=decided).exists()


def _correction_context(
    application: Application,
    correction: Correction,
    guide: Guide | None,
    *,
    values: dict[str, str] | None = None,
    problems: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    specs = {f.element: f for f in guide.form} if guide else {}
    index = forms.problems_by_field(problems or [])
    asked_fields: list[FieldInGuide] = []
    deficiencies = []
    uploads = []
    for i, d in enumerate(correction.deficiencies):
        kind, target = d.get("kind", ""), str(d.get("target", ""))
        what = target
        if kind == "field" and target in specs:
            what = specs[target].label
            if specs[target] not in asked_fields:
                asked_fields.append(specs[target])
        elif kind == "material" and target:
            uploads.append({"input_id": f"correction-upload-{i}", "name": target, "required": True})
        elif kind == "item" or not target:
            what = _("补充材料")
            uploads.append(
                {
                    "input_id": f"correction-upload-{i}",
                    "name": _("补充材料（%(item)s）") % {"item": d.get("item", "")},
                    "required": False,
                }
            )
        deficiencies.append({"what": what, "item": d.get("item", ""), "why": d.get("reason", "")})
    for u in uploads:
        u["problems"] = index.get(f"material:{u['name']}", [])
    stored = json.loads(application.form_data or "{}")
    if values is None:
        values = {
            f.element: str(stored.get(f.element, "")) for f in asked_fields if f.pii != "high"
        }
    rows = forms.field_rows(
        [FieldInGuide(**{**f.__dict__, "required": True}) for f in asked_fields], values, index
    )
    return {
        "correction": correction,
        "deficiencies": deficiencies,
        "correction_rows": rows,
        "correction_uploads": uploads,
        "correction_problems": problems or [],
        "accept": forms.ACCEPT,
    }


MASKERS = {"id_number": mask_id_number, "phone": mask_phone, "bank_account": mask_id_number}


def _shown(spec: FieldInGuide, value: str) -> str:
    if not value:
        return "—"
    if spec.type in MASKERS:
        return MASKERS[spec.type](value)
    for choice in spec.choices:
        if isinstance(choice, dict) and str(choice.get("value")) == value:
            return str(choice.get("label", value))
    return value


def _provenance(
    application: Application, guide: Guide | None, *, may_object: bool
) -> list[dict[str, Any]]:
    """Each value of the submitted form with where it came from, and any objection to it."""
    sources = field_sources_of(application)
    if not sources or guide is None:
        return []
    objections = objections_on(application)
    data = json.loads(application.form_data or "{}")
    rows = []
    for spec in guide.form:
        source = sources.get(spec.element)
        if source is None:
            continue
        objection = objections.get(spec.element)
        is_open = objection is not None and objection.status == objection.Status.OPEN
        rows.append(
            {
                "element": spec.element,
                "label": spec.label,
                "type": spec.type,
                "choices": forms.choices_of(spec),
                "value": _shown(spec, str(data.get(spec.element, ""))),
                "source": source,
                "objection": objection,
                "may_object": may_object and source.from_provider and not is_open,
            }
        )
    return rows


def _detail(
    request: HttpRequest,
    application: Application,
    *,
    correction_extra: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    guide = _guide_of(application)
    open_notice = application.corrections.filter(status=Correction.Status.OPEN).first()
    context: dict[str, Any] = {
        "application": application,
        "items": _items(application),
        "timeline": timeline_for(application, for_staff=False),
        "may_withdraw": _may_withdraw(application, user),
        "is_applicant": user.pk
        in {application.submitted_by_id, getattr(application.person, "user_id", -1)},
        "materials": application.materials.filter(superseded=False),
        "may_rate": may_rate(application, user),
    }
    context["provenance"] = _provenance(
        application, guide, may_object=context["is_applicant"] and person_for_user(user) is not None
    )
    if open_notice is not None:
        context.update(correction_extra or _correction_context(application, open_notice, guide))
    return render(request, "cases/applicant/detail.html", context, status=status)


def _get(request: HttpRequest, number: str) -> Application | HttpResponse:
    try:
        return application_get(_user(request), number)
    except NotFound as exc:
        return not_found(request, exc)


@login_required
def application_detail(request: HttpRequest, number: str) -> HttpResponse:
    found = _get(request, number)
    if isinstance(found, HttpResponse):
        return found
    return _detail(request, found)


@login_required
@require_POST
def correction_submit(request: HttpRequest, number: str) -> HttpResponse:
    found = _get(request, number)
    if isinstance(found, HttpResponse):
        return found
    application = found
    notice = application.corrections.filter(status=Correction.Status.OPEN).first()
    if notice is None:
        messages.error(request, _("这份补正告知已经答复过了，不能再次答复。"))
        return redirect("cases:application", number=number)
    guide = _guide_of(application)
    extra = _correction_context(application, notice, guide)
    values = {
        r.element: str(request.POST.get(r.name, "")).strip() for r in extra["correction_rows"]
    }
    asked = [f for f in (guide.form if guide else []) if f.element in values]
    _clean, found_problems = check_form(
        [FieldInGuide(**{**f.__dict__, "required": True}) for f in asked],
        values,
        today=timezone.localdate(),
    )
    problems = [p.as_dict() for p in found_problems]
    named: list[tuple[str, str, list[str]]] = [
        (u["input_id"], u["name"], []) for u in extra["correction_uploads"]
    ]
    uploads, upload_problems = forms.read_uploads(request.FILES, named)
    problems += upload_problems
    given = {u.material for u in uploads}
    failed = {str(p["field"]) for p in upload_problems}
    for u in extra["correction_uploads"]:
        key = f"material:{u['name']}"
        if u["required"] and u["name"] not in given and key not in failed:
            problems.append(
                {
                    "field": key,
                    "label": u["name"],
                    "items": [],
                    "message": _("请重新上传这份材料"),
                    "message_en": "upload this material again",
                }
            )
    if problems:
        extra = _correction_context(application, notice, guide, values=values, problems=problems)
        extra["files_dropped"] = bool(request.FILES)
        return _detail(request, application, correction_extra=extra)
    try:
        correction_answer(correction=notice, actor=_user(request), form=values, uploads=uploads)
    except (Conflict, PermissionDenied, ValidationFailed) as exc:
        messages.error(request, exc.message)
        return redirect("cases:application", number=number)
    messages.success(request, _("补正材料已提交，我们会尽快继续办理。"))
    return redirect("cases:application", number=number)


@login_required
@require_POST
def data_objection(request: HttpRequest, number: str) -> HttpResponse:
    """数据异议 on a value of a submitted form that came from shared data; once the providing
    department corrects it, the application continues with the corrected value."""
    found = _get(request, number)
    if isinstance(found, HttpResponse):
        return found
    application, user = found, _user(request)
    person = person_for_user(user)
    if person is None or user.pk not in {
        application.submitted_by_id,
        getattr(application.person, "user_id", -1),
    }:
        return forbidden(
            request,
            PermissionDenied(
                code="not_your_data",
                message=_("只有申请人本人可以对自己的数据提出异议。"),
                message_en="Only applicants themselves may object to their data.",
            ),
        )
    element = str(request.POST.get("element", ""))
    guide = _guide_of(application)
    spec = next((f for f in (guide.form if guide else []) if f.element == element), None)
    if spec is None:
        messages.error(request, _("申请表中没有这个字段。"))
        return redirect("cases:application", number=number)
    value = str(json.loads(application.form_data or "{}").get(element, ""))
    source = field_sources_of(application).get(element)
    try:
        objection_raise(
            actor=user,
            applicant=person,
            element=element,
            label=spec.label,
            prefilled=source_as_prefilled(source, value) if source else Prefilled(value=value),
            proposed_value=str(request.POST.get("proposed_value", "")),
            reason=str(request.POST.get("reason", "")),
            evidence=request.FILES.get("evidence"),
            application=application,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已提交对“%(label)s”的数据异议，提供数据的部门处理后会通知您。")
            % {"label": spec.label},
        )
    return redirect(reverse("cases:application", args=[number]) + "#provenance")


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    found = _get(request, number)
    if isinstance(found, HttpResponse):
        return found
    application = found
    if request.method == "GET":
        if not _may_withdraw(application, _user(request)):
            messages.error(request, _("这件申请现在不能撤回。如有疑问，请致电12345咨询。"))
            return redirect("cases:application", number=number)
        return render(request, "cases/applicant/withdraw.html", {"application": application})
    reason = str(request.POST.get("reason", "")).strip()[:500]
    try:
        application_withdraw(application=application, actor=_user(request), reason=reason)
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("cases:application", number=number)
    messages.success(request, _("申请已撤回。如需再次办理，可以重新申请。"))
    return redirect("cases:application", number=number)


urlpatterns: list[URLPattern] = [
    path("apply/<str:code>/", apply, name="apply"),
    path("me/applications/", my_applications, name="my_applications"),
    path("me/applications/<str:number>/", application_detail, name="application"),
    path("me/applications/<str:number>/correction/", correction_submit, name="correction_answer"),
    path("me/applications/<str:number>/withdraw/", withdraw, name="withdraw"),
    path("me/applications/<str:number>/objection/", data_objection, name="data_objection"),
]
