"""Writes on applications: submit once, pre-review, one correction notice, accept and dispatch,
department decisions, withdrawal.

Each service locks the application row, checks the transition against ``workflow``'s tables,
changes the rows, appends the timeline event (SM3 chain) and writes outbox messages for
department systems — all in one transaction, so an acknowledged submission is never lost and a
retried request never creates a second one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import FileField
from django.utils import timezone

from onething.accounts.models import Enterprise, Person, StaffRole, User
from onething.accounts.selectors import agent_may_act_for, department_require, staff_scope
from onething.audit.chain import event_append, event_first
from onething.catalog.guide import Guide, compute_guide, compute_guide_cached
from onething.catalog.models import OneThingVersion
from onething.catalog.selectors import version_current_cached
from onething.certificates.delivery import delivery_prepare
from onething.certificates.selectors import certificate_types_held
from onething.certificates.services import certificates_issue_for_task
from onething.core.crypto import sm3_hex
from onething.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from onething.core.storage import save_files
from onething.core.workdays import WorkCalendarUnknown, add_working_days, working_days_between
from onething.notify.services import notify
from onething.org.models import Department, Hall, Region

from .checks import check_form
from .commitments import verification_open
from .models import Application, Channel, Correction, Material, SubmissionKey, Task
from .outbox import emit
from .uploads import check_upload
from .workflow import AppState, TaskState, application_next, task_next


@dataclass
class Upload:
    material: str
    filename: str
    data: bytes
    _sm3: str = field(default="", init=False, repr=False, compare=False)

    @property
    def sm3(self) -> str:
        """The file's SM3 digest, computed once (idempotency digest and stored digest)."""
        if not self._sm3:
            self._sm3 = sm3_hex(self.data)
        return self._sm3


@dataclass(frozen=True)
class Applying:
    """What a submission is held against, once found: given to ``settle``."""

    version: OneThingVersion
    guide: Guide
    person: Person | None
    enterprise: Enterprise | None


@dataclass
class Submission:
    """What an applicant (or a clerk or agent for them) hands in, once."""

    one_thing: str
    answers: dict[str, str] = field(default_factory=dict)
    items: list[str] | None = None
    form: dict[str, Any] = field(default_factory=dict)
    uploads: list[Upload] = field(default_factory=list)
    certificates: dict[str, str] = field(default_factory=dict)  # material name → number
    delivery: str = "electronic"
    delivery_address: str = ""

    def digest(self) -> str:
        body = {
            "one_thing": self.one_thing,
            "answers": self.answers,
            "items": self.items,
            "form": self.form,
            "certificates": self.certificates,
            "delivery": self.delivery,
            "uploads": [(u.material, u.sm3) for u in self.uploads],
        }
        return sm3_hex(json.dumps(body, sort_keys=True, ensure_ascii=False).encode())


class SubmissionRejected(ValidationFailed):
    """The automatic pre-review found problems; nothing was stored."""


# ---------------------------------------------------------------- helpers


def _county(region: Region | None) -> Region | None:
    while region is not None and region.level == Region.Level.STREET:
        region = region.parent
    return region


def _due(start: dt.date, days: int) -> dt.date | None:
    try:
        return add_working_days(start, days)
    except WorkCalendarUnknown:
        return None


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _event(
    application: Application,
    kind: str,
    actor: User | None,
    *,
    channel: str = "web",
    reason: str = "",
    task: Task | None = None,
    **data: Any,
) -> None:
    event_append(
        application=application,
        kind=kind,
        actor=actor,
        channel=channel,
        reason=reason,
        task=task,
        data=data,
    )


def _applicant_for(
    actor: User, on_behalf_of: Person | None, enterprise: Enterprise | None, one_thing: str
) -> tuple[Person | None, Enterprise | None, str]:
    """Who the application is for, and through which channel; checks the actor may act."""
    if enterprise is not None:
        if not enterprise.operators.filter(user=actor, revoked_at__isnull=True).exists():
            raise PermissionDenied(
                code="not_enterprise_operator",
                message="您不是该企业的授权经办人。",
                message_en="You are not an authorised operator of it.",
            )
        return None, enterprise, Channel.WEB
    own = Person.objects.filter(user=actor).select_related("household_region__parent").first()
    if on_behalf_of is None or on_behalf_of == own:
        if own is None:
            raise PermissionDenied(
                code="no_identity",
                message="请先完成实名认证。",
                message_en="Verify your real-name identity first.",
            )
        return own, None, Channel.WEB
    if staff_scope(actor).has_role(StaffRole.WINDOW_CLERK):
        return on_behalf_of, None, Channel.WINDOW
    if agent_may_act_for(agent=actor, principal=on_behalf_of, one_thing_code=one_thing):
        return on_behalf_of, None, Channel.WEB
    raise PermissionDenied(
        code="no_authorization",
        message="您没有代其办理的有效授权。",
        message_en="You hold no valid authorisation to act for this person.",
    )


NOTICES = {
    "accepted": ("您的申请已受理", "办件{number}“{name}”已受理，各部门正在并联办理。"),
    "correction": ("请补正材料", "办件{number}“{name}”需要补正，请登录查看一次性补正告知。"),
    "refused": ("申请未被受理", "办件{number}“{name}”未被受理，原因请登录查看。"),
    "decided": ("已全部办结，可领取结果", "办件{number}“{name}”已全部办结，请按您选择的方式领取。"),
}


def _tell_applicant(application: Application, kind: str) -> None:
    person_user = application.person.user if application.person else None
    recipient = person_user or application.submitted_by
    subject, body = NOTICES[kind]
    notify(
        user=recipient,
        kind=f"application.{kind}",
        subject=subject,
        body=body.format(number=application.number, name=application.one_thing.name),
        link=f"/me/applications/{application.number}/",
    )


def _lead_department(version: OneThingVersion) -> Department:
    lead = next(d for d in version.snapshot["departments"] if d["role"] == "lead")
    return Department.objects.get(region=version.one_thing.region, kind__code=lead["kind"])


# ---------------------------------------------------------------- submit


def application_submit_once(
    *,
    actor: User,
    submission: Submission,
    idempotency_key: str | None = None,
    on_behalf_of: Person | None = None,
    enterprise: Enterprise | None = None,
    hall: Hall | None = None,
    channel: str | None = None,
    settle: Callable[[Applying], Mapping[str, Any]] | None = None,
    on_stored: Callable[[Application], object] | None = None,
) -> tuple[Application, bool]:
    """Check and store one submission; the same idempotency key returns the same application.

    ``settle``, given the version, guide and applicant found, returns the form values to check
    and store instead of ``submission.form`` (the API holds them against shared data this way,
    without finding the same things twice); it may raise ``SubmissionRejected``. The
    idempotency digest is of the submission as handed in. ``on_stored`` runs inside the
    transaction that stores a new application (not on a replay), so what it writes (where each
    form value came from) commits with the application or not at all. Returns the application
    and whether this call created it (False for a replay).
    """
    digest = submission.digest()
    if idempotency_key:
        existing = _replayed(actor, idempotency_key, digest)
        if existing is not None:
            return existing, False
    version = version_current_cached(submission.one_thing)
    person, firm, default_channel = _applicant_for(
        actor, on_behalf_of, enterprise, submission.one_thing
    )
    holder = person or firm
    guide = compute_guide_cached(
        version.snapshot,
        version_key=(version.pk, version.digest),
        version=version.number,
        answers=submission.answers,
        chosen=submission.items,
        held_results=certificate_types_held(holder) if holder else (),
        start=timezone.localdate(),
    )
    values = submission.form
    if settle is not None:
        found = Applying(version=version, guide=guide, person=person, enterprise=firm)
        values = dict(settle(found))
    clean, problems = check_form(guide.form, values, today=timezone.localdate())
    problems_dicts = [p.as_dict() for p in problems] + _missing_materials(guide, submission)
    if problems_dicts:
        raise SubmissionRejected(
            code="submission_incomplete",
            message=f"申请还有{len(problems_dicts)}处需要修改，请一并修改后再提交。",
            message_en=f"{len(problems_dicts)} things need fixing before the application can "
            "be submitted.",
            details={"problems": problems_dicts},
        )
    checked = [
        (u, check_upload(u.filename, u.data, material=u.material, digest=u.sm3))
        for u in submission.uploads
    ]
    try:
        stored = _store(
            actor=actor,
            submission=submission,
            version=version,
            guide=guide,
            clean=clean,
            checked=checked,
            person=person,
            enterprise=firm,
            channel=channel or default_channel,
            hall=hall,
            idempotency_key=idempotency_key,
            digest=digest,
            on_stored=on_stored,
        )
    except IntegrityError:
        if idempotency_key:  # a concurrent retry with the same key won the race
            existing = _replayed(actor, idempotency_key, digest)
            if existing is not None:
                return existing, False
        raise
    return stored, True


def application_submit(**kwargs: Any) -> Application:
    """``application_submit_once`` without the created flag."""
    return application_submit_once(**kwargs)[0]


def _replayed(actor: User, key: str, digest: str) -> Application | None:
    record = SubmissionKey.objects.filter(user=actor, key=key).values_list(
        "digest", "application_id"
    )
    found = record.first()
    if found is None:  # the usual case: a new key, answered from one narrow row
        return None
    stored_digest, application_id = found
    if stored_digest != digest:
        raise Conflict(
            code="idempotency_key_reused",
            message="这个提交编号已用于另一份内容不同的申请。",
            message_en="This Idempotency-Key was used for a different submission.",
        )
    return Application.objects.get(pk=application_id)


def _missing_materials(guide: Guide, submission: Submission) -> list[dict[str, Any]]:
    given = {u.material for u in submission.uploads} | set(submission.certificates)
    return [
        {
            "field": f"material:{m.name}",
            "label": m.name,
            "items": m.items,
            "message": "请上传这份材料",
            "message_en": "upload this material",
        }
        for m in guide.materials_to_submit
        if m.required and m.name not in given
    ]


@transaction.atomic
def _store(
    *,
    actor: User,
    submission: Submission,
    version: OneThingVersion,
    guide: Guide,
    clean: dict[str, Any],
    checked: list[Any],
    person: Person | None,
    enterprise: Enterprise | None,
    channel: str,
    hall: Hall | None,
    idempotency_key: str | None,
    digest: str,
    on_stored: Callable[[Application], object] | None = None,
) -> Application:
    home = (
        _county(person.household_region if person else enterprise.region if enterprise else None)
        or version.one_thing.region
    )
    now = timezone.now()
    application = Application.objects.create(
        one_thing=version.one_thing,
        version=version,
        person=person,
        enterprise=enterprise,
        submitted_by=actor,
        channel=channel,
        hall=hall,
        jurisdiction=home,
        lead_department=_lead_department(version),
        answers=submission.answers,
        chosen_items=[i.code for i in guide.items],
        form_data=json.dumps(clean, ensure_ascii=False),
        delivery=submission.delivery,
        delivery_address=submission.delivery_address,
        submitted_at=now,
    )
    application.number = f"YJS{version.one_thing.region.code}{now:%Y%m%d}{application.pk:07d}"
    uploaded = [
        (
            Material(
                application=application,
                name=upload.material,
                content_type=checked_file.content_type,
                size=checked_file.size,
                digest=checked_file.digest,
            ),
            checked_file.content,
        )
        for upload, checked_file in checked
    ]
    _material_files_save(uploaded)
    Material.objects.bulk_create(
        [material for material, _ in uploaded]
        + [
            Material(application=application, name=name, certificate_ref=number)
            for name, number in submission.certificates.items()
        ]
    )
    if idempotency_key:
        SubmissionKey.objects.create(
            user=actor, key=idempotency_key, digest=digest, application=application
        )
    application.first_event = event_first(
        application=application,
        kind="submitted",
        actor=actor,
        channel=channel,
        data={"data_items": [i.name for i in guide.items]},
    )
    application.save(update_fields=["number", "timeline_head"])  # sets the chain head too
    if on_stored is not None:
        on_stored(application)
    return application


def _material_files_save(uploaded: list[tuple[Material, ContentFile]]) -> None:
    """Write a submission's files to storage (on the disk, where it is durable) before its
    rows are inserted, and point each material at its file."""
    field = Material._meta.get_field("file")
    assert isinstance(field, FileField)
    names = save_files(
        field.storage, [(field.generate_filename(m, c.name or ""), c) for m, c in uploaded]
    )
    for (material, _), name in zip(uploaded, names, strict=True):
        material.file.name = name


# ---------------------------------------------------------------- pre-review


def _require_lead(actor: User, application: Application) -> None:
    scope = staff_scope(actor)
    if scope.covers(application.lead_department, StaffRole.COORDINATOR):
        return
    if (
        application.hall is not None
        and scope.has_role(StaffRole.WINDOW_CLERK)
        and any(application.hall.region.path.startswith(g.region_path) for g in scope.grants)
    ):
        return
    if scope.has_role(StaffRole.WINDOW_CLERK) and any(
        application.lead_department.region.path.startswith(g.region_path)
        for g in scope.grants
        if g.role == StaffRole.WINDOW_CLERK
    ):
        return
    raise PermissionDenied(
        code="not_lead",
        message="只有牵头部门或受理窗口可以办理这一步。",
        message_en="Only the lead department or the accepting window may.",
    )


@transaction.atomic
def application_accept(*, application: Application, actor: User) -> Application:
    application = _locked(application)
    _require_lead(actor, application)
    application.status = application_next(application.status, "accept")
    application.accepted_at = timezone.now()
    snapshot = application.version.snapshot
    guide = compute_guide(
        snapshot,
        answers=application.answers,
        chosen=application.chosen_items,
        start=timezone.localdate(),
    )
    application.due_date = guide.due
    application.save(update_fields=["status", "accepted_at", "due_date", "updated_at"])
    _event(application, "accepted", actor, channel=application.channel)
    _dispatch(application, guide, actor)
    _tell_applicant(application, "accepted")
    return application


@transaction.atomic
def application_refuse(*, application: Application, actor: User, reason: str) -> Application:
    if not reason.strip():
        raise ValidationFailed(
            code="reason_required",
            message="请写明不予受理的理由。",
            message_en="Give the reason for refusing.",
        )
    application = _locked(application)
    _require_lead(actor, application)
    application.status = application_next(application.status, "refuse")
    application.finished_at = timezone.now()
    application.save(update_fields=["status", "finished_at", "updated_at"])
    _event(application, "refused", actor, reason=reason)
    _tell_applicant(application, "refused")
    return application


@transaction.atomic
def correction_issue(
    *,
    application: Application,
    actor: User,
    deficiencies: list[dict[str, Any]],
    task: Task | None = None,
) -> Correction:
    """One notice listing every deficiency; the deadline clock stops until it is answered."""
    if not deficiencies or any(not d.get("reason") for d in deficiencies):
        raise ValidationFailed(
            code="deficiencies_required",
            message="补正告知须列明每一项需要补正的内容和理由。",
            message_en="List every deficiency with its reason.",
        )
    application = _locked(application)
    action = "task_returned" if task is not None else "request_correction"
    if task is None:
        _require_lead(actor, application)
    if application.corrections.filter(status=Correction.Status.OPEN).exists():
        raise Conflict(
            code="correction_open",
            message="已有一份未答复的补正告知。",
            message_en="A correction notice is already open.",
        )
    application.status = application_next(application.status, action)
    application.save(update_fields=["status", "updated_at"])
    correction = Correction.objects.create(
        application=application, deficiencies=deficiencies, issued_by=actor, task=task
    )
    _event(
        application,
        "correction_issued",
        actor,
        task=task,
        reason="；".join(d["reason"] for d in deficiencies),
        count=len(deficiencies),
    )
    _tell_applicant(application, "correction")
    return correction


@transaction.atomic
def correction_answer(
    *, correction: Correction, actor: User, form: dict[str, Any], uploads: Iterable[Upload] = ()
) -> Application:
    """The applicant corrects once; the paused working days extend every deadline."""
    application = _locked(correction.application)
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    if correction.status != Correction.Status.OPEN:
        raise Conflict(
            code="correction_closed",
            message="这份补正告知已经答复过了。",
            message_en="This correction notice has already been answered.",
        )
    # the applicant: who submitted it, the person (if they have an account), the enterprise's
    # operators — never other staff who can see the case, even when the person has no account
    applicants = {application.submitted_by_id}
    if application.person is not None and application.person.user_id is not None:
        applicants.add(application.person.user_id)
    if application.enterprise is not None:
        applicants.update(
            application.enterprise.operators.filter(revoked_at__isnull=True).values_list(
                "user_id", flat=True
            )
        )
    if actor.pk not in applicants:
        raise PermissionDenied(
            code="not_applicant",
            message="只有申请人可以补正。",
            message_en="Only the applicant may answer.",
        )
    data = json.loads(application.form_data)
    data.update({k: v for k, v in form.items() if v not in (None, "")})
    application.form_data = json.dumps(data, ensure_ascii=False)
    for upload in uploads:
        checked = check_upload(upload.filename, upload.data, material=upload.material)
        Material.objects.filter(application=application, name=upload.material).update(
            superseded=True
        )
        Material.objects.create(
            application=application,
            name=upload.material,
            file=checked.content,
            content_type=checked.content_type,
            size=checked.size,
            digest=checked.digest,
        )
    paused = working_days_between(correction.created_at.date(), timezone.localdate())
    application.paused_workdays += paused
    if correction.task_id is not None:
        application.status = AppState.ACCEPTED
        task = Task.objects.select_for_update().get(pk=correction.task_id)
        task.status = task_next(task.status, "resume")
        task.due_date = task.due_date and _shift(task.due_date, paused)
        task.revision += 1
        task.save(update_fields=["status", "due_date", "revision", "updated_at"])
        emit(task.department, "correction.answered", _task_payload(task))
    else:
        application.status = application_next(application.status, "resubmit")
    if application.due_date:
        application.due_date = _shift(application.due_date, paused)
    application.save()
    correction.status, correction.answered_at = Correction.Status.ANSWERED, timezone.now()
    correction.save(update_fields=["status", "answered_at", "updated_at"])
    _event(application, "correction_answered", actor, paused_workdays=paused)
    return application


def _shift(day: dt.date, workdays: int) -> dt.date | None:
    return _due(day, workdays) if workdays else day


# ---------------------------------------------------------------- dispatch and decisions


def _task_department(application: Application, item: dict[str, Any]) -> Department:
    """通办地受理、归属地审批: the department of the item's kind in the applicant's region."""
    kind = item["department_kind"]
    listing = next(
        (
            d
            for d in application.version.snapshot["departments"]
            if d["kind"] == kind and d.get("region")
        ),
        None,
    )
    candidates = [application.jurisdiction.code]
    if listing is not None:
        candidates.insert(0, listing["region"])
    candidates.append(application.one_thing.region.code)
    for code in candidates:
        department = Department.objects.filter(region__code=code, kind__code=kind).first()
        if department is not None:
            return department
    raise NotFound(
        code="no_department",
        message=f"没有找到办理“{item['name']}”的部门。",
        message_en=f"No department handles {item['name']!r} here.",
    )


def _dispatch(application: Application, guide: Guide, actor: User) -> None:
    items = {i["code"]: i for i in application.version.snapshot["items"]}
    predecessors = {i.code: i.predecessors for i in guide.items}
    for entry in guide.items:
        task = Task.objects.create(
            application=application,
            item_code=entry.code,
            item_name=entry.name,
            department=_task_department(application, items[entry.code]),
            predecessors=predecessors[entry.code],
            statutory_days=entry.statutory_days,
            commitment=entry.commitment,
        )
        _event(application, "task_created", actor, task=task, department=task.department.name)
    _release_ready(application, actor)


def _release_ready(application: Application, actor: User | None) -> None:
    tasks = list(application.tasks.select_for_update())
    approved = {t.item_code for t in tasks if t.status == TaskState.APPROVED}
    today = timezone.localdate()
    for task in tasks:
        if task.status == TaskState.WAITING and set(task.predecessors) <= approved:
            task.status = task_next(task.status, "release")
            task.released_at = timezone.now()
            task.due_date = _due(today, task.statutory_days)
            task.save(update_fields=["status", "released_at", "due_date", "updated_at"])
            _event(application, "task_released", actor, task=task, department=task.department.name)
            emit(task.department, "task.released", _task_payload(task))


def _task_payload(task: Task) -> dict[str, Any]:
    return {
        "task": task.pk,
        "application": task.application.number,
        "item": task.item_code,
        "item_name": task.item_name,
        "status": task.status,
        "due_date": task.due_date.isoformat() if task.due_date else None,
    }


def _require_approver(actor: User, task: Task) -> None:
    try:
        department_require(actor, task.department, role=StaffRole.APPROVER)
    except PermissionDenied:
        department_require(actor, task.department, role=StaffRole.DEPARTMENT_SYSTEM)


@transaction.atomic
def task_claim(*, task: Task, actor: User) -> Task:
    _require_approver(actor, task)
    task = Task.objects.select_for_update().get(pk=task.pk)
    task.status = task_next(task.status, "claim")
    task.claimed_by = actor
    task.revision += 1
    task.save(update_fields=["status", "claimed_by", "revision", "updated_at"])
    _event(_locked(task.application), "task_claimed", actor, task=task)
    return task


@transaction.atomic
def task_decide(
    *,
    task: Task,
    actor: User,
    decision: str,
    opinion: str,
    revision: int | None = None,
    attachment: Upload | None = None,
    channel: str = "web",
) -> Task:
    """approve / reject / return. Two decisions on one task: the second gets a conflict."""
    if decision not in {"approve", "reject", "return"}:
        raise ValidationFailed(
            code="unknown_decision",
            message="决定只能是准予、不予或退回补充材料。",
            message_en="A decision is approve, reject or return.",
        )
    if decision != "approve" and not opinion.strip():
        raise ValidationFailed(
            code="opinion_required",
            message="不予或退回时须写明理由。",
            message_en="Give the reason when rejecting or returning.",
        )
    _require_approver(actor, task)
    application = _locked(task.application)
    current = Task.objects.select_for_update().get(pk=task.pk)
    seen = task.revision if revision is None else revision
    if current.revision != seen:
        raise Conflict(
            code="task_changed",
            message="这件办件已被其他人处理，请刷新后查看。",
            message_en="Someone else acted on this task; reload it.",
            details={"revision": current.revision},
        )
    if current.status == TaskState.WAITING:
        raise Conflict(
            code="task_not_released",
            message="前序事项尚未办结，这件办件还未分办。",
            message_en="This task has not been released yet.",
        )
    target = task_next(current.status, decision)
    current.status, current.opinion, current.revision = target, opinion, current.revision + 1
    current.decided_by, current.decided_at = actor, timezone.now()
    if attachment is not None:
        checked = check_upload(attachment.filename, attachment.data, material="审批附件")
        current.attachment = checked.content
    current.save()
    _event(application, f"task_{decision}", actor, task=current, reason=opinion, channel=channel)
    if decision == "return":
        correction_issue(
            application=application,
            actor=actor,
            task=current,
            deficiencies=[
                {
                    "kind": "item",
                    "target": current.item_code,
                    "item": current.item_name,
                    "reason": opinion,
                }
            ],
        )
        return current
    if decision == "approve":
        verification_open(current)
        certificates_issue_for_task(task=current, actor=actor, channel=channel)
    _release_ready(application, actor)
    _finish_if_done(application, actor)
    return current


def _finish_if_done(application: Application, actor: User | None) -> None:
    tasks = list(application.tasks.all())
    if tasks and all(t.is_finished for t in tasks) and application.status == AppState.ACCEPTED:
        application.status = application_next(application.status, "all_decided")
        application.finished_at = timezone.now()
        application.save(update_fields=["status", "finished_at", "updated_at"])
        _event(
            application,
            "decided",
            actor,
            approved=[t.item_name for t in tasks if t.status == TaskState.APPROVED],
        )
        _tell_applicant(application, "decided")
        delivery_prepare(application=application, actor=actor)


@transaction.atomic
def application_withdraw(*, application: Application, actor: User, reason: str = "") -> None:
    application = _locked(application)
    if actor.pk not in {application.submitted_by_id, getattr(application.person, "user_id", -1)}:
        raise PermissionDenied(
            code="not_applicant",
            message="只有申请人可以撤回申请。",
            message_en="Only the applicant may withdraw.",
        )
    tasks = list(application.tasks.select_for_update())
    if any(t.status in {TaskState.APPROVED, TaskState.REJECTED} for t in tasks):
        raise Conflict(
            code="already_decided",
            message="已有部门作出决定，不能撤回，可致电12345咨询。",
            message_en="A department has already decided; it cannot be withdrawn.",
        )
    application.status = application_next(application.status, "withdraw")
    application.finished_at = timezone.now()
    application.save(update_fields=["status", "finished_at", "updated_at"])
    for task in tasks:
        task.status = task_next(task.status, "withdraw")
        task.revision += 1
        task.save(update_fields=["status", "revision", "updated_at"])
        emit(task.department, "application.withdrawn", _task_payload(task))
    _event(application, "withdrawn", actor, reason=reason)
