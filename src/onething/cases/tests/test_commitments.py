"""告知承诺 with its follow-up check, and a joint inspection, on 开办餐饮店."""

import datetime as dt

import pytest
from django.utils import timezone

from onething.accounts.models import Enterprise, StaffRole
from onething.cases.commitments import inspection_record, inspection_schedule, verification_record
from onething.cases.models import Verification
from onething.cases.services import application_accept, application_submit, task_decide
from onething.cases.tests.factories import submission
from onething.cases.workflow import TaskState
from onething.catalog.guide import compute_guide
from onething.catalog.selectors import version_current
from onething.conftest import department
from onething.core.errors import Conflict, PermissionDenied, ValidationFailed
from onething.notify.models import Message

RESTAURANT = "JS-2022-02"


@pytest.fixture
def restaurant(demo, user, make_staff):
    version = version_current(RESTAURANT)
    guide = compute_guide(version.snapshot, start=timezone.localdate())
    application = application_submit(
        actor=user("wangwu"),
        submission=submission(guide, RESTAURANT),
        enterprise=Enterprise.objects.get(name="句容市味之源餐饮有限公司"),
    )
    lead = make_staff("321183", "approval", StaffRole.COORDINATOR, StaffRole.APPROVER)
    application_accept(application=application, actor=lead)
    return application, lead


def test_a_commitment_item_is_checked_later_and_a_failed_check_revokes_it(restaurant):
    application, lead = restaurant
    licence = application.tasks.get(item_name="企业设立登记")
    task_decide(task=licence, actor=lead, decision="approve", opinion="")
    food = application.tasks.get(item_name="食品经营许可")
    assert food.commitment and food.status == TaskState.RELEASED
    task_decide(task=food, actor=lead, decision="approve", opinion="依承诺准予")
    check = Verification.objects.get(task=food)
    assert check.status == Verification.Status.PENDING
    with pytest.raises(ValidationFailed):
        verification_record(verification=check, actor=lead, passed=False, note="")
    verification_record(verification=check, actor=lead, passed=False, note="现场无冷藏设施")
    food.refresh_from_db()
    assert food.status == TaskState.REVOKED
    assert Message.objects.filter(kind="task.revoked", recipient__username="wangwu").exists()
    with pytest.raises(Conflict):
        verification_record(verification=check, actor=lead, passed=True, note="")


def test_a_joint_inspection_has_several_departments_and_one_outcome(restaurant, user):
    application, lead = restaurant
    departments = [department("321183", "approval"), department("321183", "fire")]
    at = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(PermissionDenied):
        inspection_schedule(
            application=application,
            actor=user("approver"),
            at=at,
            place="店面",
            departments=departments,
        )
    with pytest.raises(ValidationFailed):
        inspection_schedule(
            application=application, actor=lead, at=at, place="店面", departments=departments[:1]
        )
    inspection = inspection_schedule(
        application=application, actor=lead, at=at, place="华阳北路88号", departments=departments
    )
    inspection_record(inspection=inspection, actor=lead, passed=True, notes="符合要求")
    assert inspection.departments.count() == 2
    with pytest.raises(Conflict):
        inspection_record(inspection=inspection, actor=lead, passed=False, notes="x")
    kinds = list(application.events.values_list("kind", flat=True))
    assert "inspection_scheduled" in kinds and "inspection_recorded" in kinds
