"""Objections to shared data: raised on a provider's value, answered by the providing
department, a correction flowing back so the next prefill is right; and the statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from onething.accounts.models import StaffRole
from onething.core.errors import Conflict, PermissionDenied, ValidationFailed
from onething.datahub.models import DataObjection
from onething.datahub.selectors import objections_visible_to, provider_statistics
from onething.datahub.services import objection_raise, objection_resolve, prefill
from onething.notify.models import Message

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def newborn_prefill(demo, health, user, newborn_guide):
    def run():
        zhangsan = user("zhangsan")
        return prefill(
            form_fields=newborn_guide.form,
            subject=zhangsan.person,
            requesting_department=health,
            purpose="办理“新生儿出生”：预填申请表",
            actor=zhangsan,
        )

    return run


def raise_on(user, filled, element="applicant_household_address", **changes):
    zhangsan = user("zhangsan")
    arguments = {
        "actor": zhangsan,
        "applicant": zhangsan.person,
        "element": element,
        "label": "落户地址",
        "prefilled": filled[element],
        "proposed_value": "江苏省句容市华阳街道华阳南路18号3幢2单元302室",
        "reason": "门牌号登记错了，应为302室，房产证上是302室。",
    }
    arguments.update(changes)
    return objection_raise(**arguments)


def test_raised_then_corrected_then_the_next_prefill_returns_the_corrected_value(
    newborn_prefill, user, make_staff
):
    # given an objection to the household address, with a scan as evidence
    filled = newborn_prefill()
    objection = raise_on(
        user,
        filled,
        evidence=SimpleUploadedFile("房产证.pdf", PDF, content_type="application/pdf"),
    )
    assert objection.status == DataObjection.Status.OPEN
    assert objection.provider == "population" and objection.field == "household_address"
    assert objection.current_value == filled["applicant_household_address"].value
    assert objection.department.name == "句容市公安局"
    assert objection.evidence and objection.evidence_type == "application/pdf"
    # when an approver of the police bureau corrects it
    police = make_staff("321183", "police", StaffRole.APPROVER)
    assert list(objections_visible_to(police)) == [objection]
    objection_resolve(
        objection=objection, actor=police, corrected=True, response="经核实，已更正为302室。"
    )
    objection.refresh_from_db()
    assert objection.status == DataObjection.Status.CORRECTED
    assert objection.resolved_by == police and objection.resolved_at is not None
    # then the next prefill reads the corrected value (数据回流), and the applicant is told
    again = newborn_prefill()
    assert again["applicant_household_address"].value.endswith("302室")
    assert again["applicant_household_address"].from_provider
    assert Message.objects.filter(
        recipient=user("zhangsan"), kind="data.objection_resolved"
    ).exists()


def test_an_objection_on_a_field_the_applicant_typed_is_a_clear_error(newborn_prefill, user):
    filled = newborn_prefill()
    with pytest.raises(ValidationFailed) as caught:
        raise_on(
            user,
            filled,
            element="applicant_phone",
            label="监护人电话",
            proposed_value="13900000000",
        )
    assert caught.value.code == "not_from_provider"
    assert caught.value.message == (
        "“监护人电话”是由您自己填写的，不是从共享数据获取的，无需提出数据异议，请直接在申请表中修改。"
    )
    assert not DataObjection.objects.exists()


def test_an_objection_needs_a_new_value_and_a_reason(newborn_prefill, user):
    filled = newborn_prefill()
    current = filled["applicant_household_address"].value
    with pytest.raises(ValidationFailed, match="请填写正确的内容"):
        raise_on(user, filled, proposed_value=" ")
    with pytest.raises(ValidationFailed, match="与现有数据相同"):
        raise_on(user, filled, proposed_value=current)
    with pytest.raises(ValidationFailed, match="请说明异议理由"):
        raise_on(user, filled, reason="")


def test_one_open_objection_per_value(newborn_prefill, user):
    filled = newborn_prefill()
    raise_on(user, filled)
    with pytest.raises(Conflict):
        raise_on(user, filled)


def test_only_the_applicant_objects_to_their_data(newborn_prefill, user):
    filled = newborn_prefill()
    with pytest.raises(PermissionDenied):
        raise_on(user, filled, actor=user("lisi"))


def test_evidence_must_be_a_document(newborn_prefill, user):
    filled = newborn_prefill()
    with pytest.raises(ValidationFailed):
        raise_on(
            user,
            filled,
            evidence=SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf"),
        )


def test_only_the_providing_department_answers(newborn_prefill, user, make_staff):
    objection = raise_on(user, newborn_prefill())
    health = make_staff("321183", "health", StaffRole.APPROVER)
    other_police = make_staff("320115", "police", StaffRole.APPROVER)
    supervisor = make_staff("321183", "govservice", StaffRole.SUPERVISOR)
    for outsider in (health, other_police, supervisor):
        with pytest.raises(PermissionDenied):
            objection_resolve(objection=objection, actor=outsider, corrected=True, response="好")
    assert objection in objections_visible_to(supervisor)  # supervisors see their region's
    assert objection not in objections_visible_to(health)
    assert objection not in objections_visible_to(other_police)


def test_explained_leaves_the_data_and_cannot_be_answered_twice(newborn_prefill, user, make_staff):
    objection = raise_on(user, newborn_prefill())
    police = make_staff("321183", "police", StaffRole.APPROVER)
    with pytest.raises(ValidationFailed):
        objection_resolve(objection=objection, actor=police, corrected=False, response="")
    objection_resolve(
        objection=objection,
        actor=police,
        corrected=False,
        response="户籍档案记载为301室，请携带房产证到派出所办理地址变更。",
    )
    assert newborn_prefill()["applicant_household_address"].value.endswith("301室")
    with pytest.raises(Conflict):
        objection_resolve(objection=objection, actor=police, corrected=True, response="改")


def test_a_key_field_is_not_corrected_through_an_objection(newborn_prefill, user, make_staff):
    filled = newborn_prefill()
    objection = raise_on(
        user,
        filled,
        element="birth_medical_cert_no",
        label="出生医学证明编号",
        proposed_value="Q321183418",
    )
    health = make_staff("321183", "health", StaffRole.APPROVER)
    with pytest.raises(ValidationFailed):
        objection_resolve(objection=objection, actor=health, corrected=True, response="已更正")
    objection.refresh_from_db()
    assert objection.status == DataObjection.Status.OPEN


def test_a_birth_record_objection_goes_to_the_health_commission_and_corrects_the_record(
    newborn_prefill, user, make_staff
):
    filled = newborn_prefill()
    objection = raise_on(
        user, filled, element="child_birth_weight", label="出生体重", proposed_value="3530"
    )
    assert objection.department.name == "句容市卫生健康委员会"
    health = make_staff("321183", "health", StaffRole.COORDINATOR)
    objection_resolve(objection=objection, actor=health, corrected=True, response="录入笔误")
    assert newborn_prefill()["child_birth_weight"].value == "3530"


def test_statistics_per_provider(newborn_prefill, user, make_staff, monkeypatch):
    newborn_prefill()
    newborn_prefill()  # 2 prefills: population read 4 times (him and her), births twice
    objection = raise_on(user, newborn_prefill())  # a third prefill
    police = make_staff("321183", "police", StaffRole.APPROVER)
    later = objection.created_at + dt.timedelta(hours=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    objection_resolve(objection=objection, actor=police, corrected=False, response="无误")
    stats = {s.code: s for s in provider_statistics()}
    population = stats["population"]
    assert population.reads == 6 and population.objections == 1 and population.open == 0
    assert population.objection_rate == pytest.approx(1 / 6)
    assert population.average_hours == pytest.approx(5.0)
    assert stats["birth_record"].reads == 3 and stats["birth_record"].objections == 0
    assert stats["birth_record"].average_hours is None
    assert stats["enterprise"].objection_rate is None  # never read
