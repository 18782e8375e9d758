"""告知承诺 and 联合勘验.

An item under commitment (``Task.commitment``) is approved on the applicant's signed commitment;
approval opens a ``Verification`` with its own deadline (30 working days by default), and a
failed check revokes the result. A joint inspection is one scheduled visit by several
departments that records one outcome for all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from onething.accounts.models import StaffRole, User
from onething.accounts.selectors import department_require
from onething.audit.chain import event_append
from onething.core.errors import Conflict, PermissionDenied, ValidationFailed
from onething.core.workdays import WorkCalendarUnknown, add_working_days
from onething.notify.services import notify
from onething.org.models import Department

from .models import Application, Inspection, Task, Verification
from .workflow import TaskState, task_next

VERIFY_WITHIN_DAYS = int(getattr(settings, "ONETHING_COMMITMENT_VERIFY_DAYS", 30))


def verification_open(task: Task) -> Verification | None:
    """Called when a commitment task is approved (inside that transaction)."""
    if not task.commitment:
        return None
    try:
        due = add_working_days(timezone.localdate(), VERIFY_WITHIN_DAYS)
    except WorkCalendarUnknown:
        due = None
    return Verification.objects.create(task=task, due_date=due)


@transaction.atomic
def verification_record(
    *, verification: Verification, actor: User, passed: bool, note: str
) -> Verification:
    department_require(actor, verification.task.department, role=StaffRole.APPROVER)
    verification = (
        Verification.objects.select_for_update()
        .select_related("task__application")
        .get(pk=verification.pk)
    )
    if verification.status != Verification.Status.PENDING:
        raise Conflict(
            code="verification_done",
            message="这项核查已有结论。",
            message_en="This check has already been recorded.",
        )
    if not passed and not note.strip():
        raise ValidationFailed(
            code="note_required",
            message="核查不通过时须写明情况。",
            message_en="Describe what failed.",
        )
    verification.status = Verification.Status.PASSED if passed else Verification.Status.FAILED
    verification.checked_by, verification.checked_at = actor, timezone.now()
    verification.note = note
    verification.save()
    task = verification.task
    application = Application.objects.select_for_update().get(pk=task.application_id)
    event_append(
        application=application,
        kind="verification_passed" if passed else "verification_failed",
        actor=actor,
        channel="web",
        reason=note,
        task=task,
    )
    if not passed:
        task.status = task_next(task.status, "revoke")
        task.revision += 1
        task.save(update_fields=["status", "revision", "updated_at"])
        event_append(
            application=application,
            kind="task_revoked",
            actor=actor,
            channel="web",
            reason=note,
            task=task,
        )
        recipient = (
            application.person.user
            if application.person and application.person.user
            else application.submitted_by
        )
        notify(
            user=recipient,
            kind="task.revoked",
            subject="告知承诺核查未通过",
            body=f"办件{application.number}的“{task.item_name}”经核查与承诺不符，已撤销。"
            f"原因：{note}",
        )
    return verification


@transaction.atomic
def inspection_schedule(
    *,
    application: Application,
    actor: User,
    at: dt.datetime,
    place: str,
    departments: Iterable[Department],
) -> Inspection:
    chosen = list(departments)
    if len(chosen) < 2:
        raise ValidationFailed(
            code="inspection_departments",
            message="联合勘验至少需要两个部门参加。",
            message_en="A joint inspection needs at least two departments.",
        )
    if not department_require_ok(actor, application.lead_department):
        raise PermissionDenied(
            code="not_lead",
            message="只有牵头部门可以安排联合勘验。",
            message_en="Only the lead department schedules inspections.",
        )
    inspection = Inspection.objects.create(
        application=application, scheduled_for=at, place=place, recorded_by=actor
    )
    inspection.departments.set(chosen)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    event_append(
        application=locked,
        kind="inspection_scheduled",
        actor=actor,
        channel="web",
        data={"at": at.isoformat(), "place": place, "departments": [d.name for d in chosen]},
    )
    return inspection


def department_require_ok(actor: User, department: Department) -> bool:
    try:
        department_require(actor, department, role=StaffRole.COORDINATOR)
    except PermissionDenied:
        return False
    return True


@transaction.atomic
def inspection_record(
    *, inspection: Inspection, actor: User, passed: bool, notes: str
) -> Inspection:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not department_require_ok(actor, inspection.application.lead_department):
        raise PermissionDenied(
            code="not_lead",
            message="只有牵头部门可以记录勘验结论。",
            message_en="Only the lead department records the outcome.",
        )
    if inspection.outcome != Inspection.Outcome.SCHEDULED:
        raise Conflict(
            code="inspection_done",
            message="这次勘验已有结论。",
            message_en="This inspection already has an outcome.",
        )
    inspection.outcome = Inspection.Outcome.PASSED if passed else Inspection.Outcome.FAILED
    inspection.notes, inspection.recorded_by = notes, actor
    inspection.save()
    locked = Application.objects.select_for_update().get(pk=inspection.application_id)
    event_append(
        application=locked,
        kind="inspection_recorded",
        actor=actor,
        channel="web",
        reason=notes,
        data={"passed": passed},
    )
    return inspection


def tasks_awaiting_verification(department: Department) -> list[Task]:
    return list(
        Task.objects.filter(
            department=department,
            status=TaskState.APPROVED,
            verification__status=Verification.Status.PENDING,
        )
    )
