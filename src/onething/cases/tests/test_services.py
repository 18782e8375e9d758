"""Submitting, pre-review, correction, dispatch and decisions, hitting the database."""

import pytest
from django.db import connection

from onething.audit.chain import verify_application
from onething.audit.models import Event
from onething.cases.models import Application, Correction, Task
from onething.cases.services import (
    SubmissionRejected,
    Upload,
    application_accept,
    application_submit,
    application_withdraw,
    correction_answer,
    correction_issue,
    task_decide,
)
from onething.cases.tests.conftest import NEWBORN
from onething.cases.tests.factories import PDF, submission
from onething.cases.workflow import AppState, TaskState
from onething.core.errors import Conflict, PermissionDenied, ValidationFailed


def test_a_valid_submission_is_stored_once_with_a_number(submit, newborn_guide):
    application = submit()
    assert application.number.startswith("YJS321183")
    assert application.status == AppState.SUBMITTED
    assert application.version.number == 1
    assert application.materials.count() == len(
        [m for m in newborn_guide.materials_to_submit if m.required]
    )
    with connection.cursor() as cursor:  # the stored row, not the decrypted field
        cursor.execute("SELECT form_data FROM cases_application WHERE id = %s", [application.pk])
        stored = cursor.fetchone()[0]
    assert "13812345678" not in stored and stored.startswith("sm4gcm:")
    assert [e.kind for e in Event.objects.filter(application=application)] == ["submitted"]


def test_the_same_idempotency_key_returns_the_same_application(demo, newborn_guide, user):
    payload = submission(newborn_guide, NEWBORN)
    first = application_submit(actor=user("zhangsan"), submission=payload, idempotency_key="k1")
    again = application_submit(actor=user("zhangsan"), submission=payload, idempotency_key="k1")
    assert first.pk == again.pk and Application.objects.count() == 1
    changed = submission(newborn_guide, NEWBORN, delivery="window")
    with pytest.raises(Conflict):
        application_submit(actor=user("zhangsan"), submission=changed, idempotency_key="k1")


def test_every_problem_is_listed_at_once_and_nothing_is_stored(submit, newborn_guide):
    form = submission(newborn_guide, NEWBORN).form
    form["mother_id_number"] = "110105194912310021"  # wrong check digit
    form["child_birth_date"] = "2099-01-01"  # in the future
    del form["child_name"]
    with pytest.raises(SubmissionRejected) as caught:
        submit(form=form, uploads=[])
    fields = {p["field"] for p in caught.value.details["problems"]}
    assert {"mother_id_number", "child_birth_date", "child_name"} <= fields
    assert any(f.startswith("material:") for f in fields)
    assert not Application.objects.exists()


def test_a_disguised_executable_is_refused(submit, newborn_guide):
    uploads = submission(newborn_guide, NEWBORN).uploads
    uploads[0] = Upload(material=uploads[0].material, filename="记录.pdf", data=b"MZ\x90\x00")
    with pytest.raises(ValidationFailed) as caught:
        submit(uploads=uploads)
    assert caught.value.code == "upload_disguised" and "程序" in caught.value.message
    assert not Application.objects.exists()


def test_accept_dispatches_in_precedence_order(submit, user, on_a_workday):
    application = submit()
    application_accept(application=application, actor=user("coord"))
    tasks = {t.item_name: t for t in application.tasks.all()}
    assert tasks["出生医学证明首次签发"].status == TaskState.RELEASED
    assert tasks["出生登记"].status == TaskState.WAITING
    assert tasks["出生医学证明首次签发"].due_date is not None
    application.refresh_from_db()
    assert application.status == AppState.ACCEPTED and application.due_date is not None


def test_a_cross_region_applicant_gets_home_region_departments(submit, user):
    application = submit("lisi")  # household in 南京市江宁区
    application_accept(application=application, actor=user("coord"))
    assert application.lead_department.region.code == "321183"
    regions = {t.department.region.code for t in application.tasks.all()}
    assert regions == {"320115"}


def test_approval_releases_successors_and_the_last_decision_finishes(submit, user):
    application = submit()
    application_accept(application=application, actor=user("coord"))
    first = application.tasks.get(item_name="出生医学证明首次签发")
    task_decide(task=first, actor=user("coord"), decision="approve", opinion="")
    registration = application.tasks.get(item_name="出生登记")
    marriage = application.tasks.get(item_name="婚姻登记信息核验")
    assert registration.status == TaskState.WAITING  # still needs 婚姻登记信息核验
    assert marriage.status == TaskState.RELEASED


def test_two_decisions_on_one_task_one_wins(submit, user):
    application = submit()
    application_accept(application=application, actor=user("coord"))
    task = application.tasks.get(item_name="出生医学证明首次签发")
    stale = Task.objects.get(pk=task.pk)
    task_decide(task=task, actor=user("coord"), decision="approve", opinion="")
    with pytest.raises(Conflict) as caught:
        task_decide(task=stale, actor=user("coord"), decision="reject", opinion="不符合")
    assert caught.value.code == "task_changed"


def test_decisions_need_the_right_department_and_a_released_task(submit, user):
    application = submit()
    application_accept(application=application, actor=user("coord"))
    health = application.tasks.get(item_name="出生医学证明首次签发")
    with pytest.raises(PermissionDenied):
        task_decide(task=health, actor=user("approver"), decision="approve", opinion="")
    police = application.tasks.get(item_name="出生登记")
    with pytest.raises(Conflict) as caught:
        task_decide(task=police, actor=user("approver"), decision="approve", opinion="")
    assert caught.value.code == "task_not_released"


def test_one_correction_notice_pauses_and_resumes(submit, user, newborn_guide):
    application = submit()
    notice = correction_issue(
        application=application,
        actor=user("clerk"),
        deficiencies=[
            {
                "kind": "material",
                "target": "近期免冠证件照片",
                "item": "社会保障卡申领",
                "reason": "照片背景应为白色",
            },
            {"kind": "field", "target": "child_name", "item": "出生登记", "reason": "姓名有错别字"},
        ],
    )
    application.refresh_from_db()
    assert application.status == AppState.CORRECTION
    with pytest.raises(Conflict):
        correction_issue(
            application=application, actor=user("clerk"), deficiencies=[{"reason": "again"}]
        )
    correction_answer(
        correction=notice,
        actor=user("zhangsan"),
        form={"child_name": "张小明"},
        uploads=[Upload("近期免冠证件照片", "photo.png", PDF)],
    )
    application.refresh_from_db()
    assert application.status == AppState.SUBMITTED
    assert application.materials.filter(name="近期免冠证件照片", superseded=False).count() == 1
    with pytest.raises(Conflict) as caught:
        correction_answer(correction=notice, actor=user("zhangsan"), form={})
    assert caught.value.code == "correction_closed"
    assert Correction.objects.get().status == Correction.Status.ANSWERED


def test_a_returned_task_goes_back_through_a_correction(submit, user):
    application = submit()
    application_accept(application=application, actor=user("coord"))
    task = application.tasks.get(item_name="出生医学证明首次签发")
    task_decide(task=task, actor=user("coord"), decision="return", opinion="请补充分娩记录")
    application.refresh_from_db()
    assert application.status == AppState.CORRECTION
    notice = application.corrections.get()
    correction_answer(correction=notice, actor=user("zhangsan"), form={})
    task.refresh_from_db()
    application.refresh_from_db()
    assert task.status == TaskState.RELEASED and application.status == AppState.ACCEPTED


def test_withdrawal_before_decisions_only(submit, user):
    application = submit()
    application_accept(application=application, actor=user("coord"))
    with pytest.raises(PermissionDenied):
        application_withdraw(application=application, actor=user("lisi"))
    application_withdraw(application=application, actor=user("zhangsan"), reason="不办了")
    assert set(application.tasks.values_list("status", flat=True)) == {TaskState.WITHDRAWN}
    other = submit()
    application_accept(application=other, actor=user("coord"))
    task = other.tasks.get(item_name="出生医学证明首次签发")
    task_decide(task=task, actor=user("coord"), decision="approve", opinion="")
    with pytest.raises(Conflict):
        application_withdraw(application=other, actor=user("zhangsan"))


def test_the_timeline_is_a_hash_chain_that_detects_tampering(submit, user):
    application = submit()
    application_accept(application=application, actor=user("coord"))
    assert verify_application(application) == []
    event = Event.objects.filter(application=application).order_by("seq")[1]
    Event.objects.filter(pk=event.pk).update(reason="改过了")
    assert any("改动" in p for p in verify_application(application))
    Event.objects.filter(pk=event.pk).delete()
    assert any("缺少" in p for p in verify_application(application))
