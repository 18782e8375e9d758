"""Issuing, verifying and revoking certificates, hitting the database."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.utils import timezone

from onething.accounts.models import Enterprise, Person
from onething.audit.chain import verify_application
from onething.audit.models import Event
from onething.cases.tests.factories import id_number
from onething.certificates import signing
from onething.certificates.canonical import canonical_bytes, canonical_fields
from onething.certificates.models import Certificate, DepartmentSeal
from onething.certificates.selectors import certificate_types_held
from onething.certificates.services import (
    VerificationStatus,
    certificate_revoke,
    certificate_verify,
    certificates_issue_for_task,
    seal_for,
)
from onething.certificates.tests.conftest import BIRTH_ITEM
from onething.conftest import department
from onething.core.crypto import sm3_hex
from onething.core.errors import Conflict, PermissionDenied, ValidationFailed


def test_an_issued_certificate_verifies(issue):
    # given
    certificate = issue()
    # when
    verification = certificate_verify(certificate.number)
    # then
    assert verification.status == VerificationStatus.VALID and verification.is_valid
    assert verification.certificate == certificate and verification.label == "有效"
    today = timezone.localdate()
    assert certificate.number == f"ZZBIRTHMEDICAL{today:%Y%m%d}{certificate.pk:07d}"
    assert certificate.valid_until is None  # 出生医学证明 does not expire
    assert certificate.data["holder_name"] == "张三"
    zhangsan = Person.objects.get(user__username="zhangsan")
    assert certificate.data["holder_id"] == zhangsan.masked_id_number
    assert certificate.data["issuer_name"] == "句容市卫生健康委员会"
    assert certificate.digest == sm3_hex(canonical_bytes(canonical_fields(certificate)))
    assert certificate_verify(certificate.number.lower()).status == VerificationStatus.VALID


def test_the_canonical_encoding_is_sorted_compact_json(issue):
    certificate = issue()
    fields = canonical_fields(certificate)
    assert set(fields) == {
        "number",
        "type",
        "holder",
        "data",
        "issuer",
        "issued_at",
        "valid_until",
    }
    encoded = canonical_bytes(fields)
    assert (
        encoded
        == json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    )
    assert "张小宝" in encoded.decode() and fields["issued_at"].endswith("Z")


def test_a_seal_is_made_once_and_its_private_key_is_stored_encrypted(issue):
    first = issue()
    issue()
    assert DepartmentSeal.objects.count() == 1
    seal = seal_for(first.department)
    assert signing.public_key_of(seal.private_key) == seal.public_key
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT private_key FROM certificates_departmentseal WHERE id = %s", [seal.pk]
        )
        stored = cursor.fetchone()[0]
    assert stored.startswith("sm4gcm:") and seal.private_key not in stored


def test_a_type_with_a_validity_gets_an_end_date(issue):
    certificate = issue("health_cert")  # 健康证明, one year
    issued = timezone.localdate(certificate.issued_at)
    assert certificate.valid_until == issued.replace(year=issued.year + 1) - dt.timedelta(days=1)


@pytest.mark.parametrize(
    "change",
    [
        {"data": {"title": "出生医学证明", "items": [["新生儿姓名", "李小宝"]]}},
        {"valid_until": dt.date(2099, 1, 1)},
        {"issued_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
        {"number": "ZZBIRTHMEDICAL202001010000001"},
    ],
    ids=["data", "valid_until", "issued_at", "number"],
)
def test_an_altered_stored_field_is_reported(issue, change):
    certificate = issue()
    Certificate.objects.filter(pk=certificate.pk).update(**change)
    number = change.get("number", certificate.number)
    verification = certificate_verify(number)
    assert verification.status == VerificationStatus.ALTERED
    assert verification.label == "内容被篡改"


def test_moving_a_certificate_to_another_holder_is_reported(issue, demo):
    certificate = issue()
    other = Person.objects.get(user__username="lisi")
    Certificate.objects.filter(pk=certificate.pk).update(holder_person=other)
    assert certificate_verify(certificate.number).status == VerificationStatus.ALTERED


def test_an_altered_row_with_a_matching_digest_is_still_reported(issue):
    """Whoever changes the row may recompute the digest; they cannot make the signature."""
    certificate = issue()
    certificate.data = {**certificate.data, "items": [["新生儿姓名", "李小宝"]]}
    digest = sm3_hex(canonical_bytes(canonical_fields(certificate)))
    Certificate.objects.filter(pk=certificate.pk).update(data=certificate.data, digest=digest)
    assert certificate_verify(certificate.number).status == VerificationStatus.ALTERED


def test_a_forged_signature_is_reported(issue):
    certificate = issue()
    forger = signing.generate_key_pair()
    certificate.data = {**certificate.data, "items": [["新生儿姓名", "李小宝"]]}
    message = canonical_bytes(canonical_fields(certificate))
    forged = signing.sign(message, private_key=forger.private_key, public_key=forger.public_key)
    Certificate.objects.filter(pk=certificate.pk).update(
        data=certificate.data, digest=sm3_hex(message), signature=forged
    )
    assert certificate_verify(certificate.number).status == VerificationStatus.ALTERED
    Certificate.objects.filter(pk=certificate.pk).update(signature="0" * 128)
    assert certificate_verify(certificate.number).status == VerificationStatus.ALTERED


def test_a_presented_copy_must_be_what_was_signed(issue):
    certificate = issue()
    copy = canonical_fields(certificate)
    assert certificate_verify(certificate.number, payload=copy).status == VerificationStatus.VALID
    copy["data"] = {**copy["data"], "holder_name": "李四"}
    assert certificate_verify(certificate.number, payload=copy).status == (
        VerificationStatus.ALTERED
    )


def test_an_unknown_number(db):
    verification = certificate_verify("ZZNOSUCH202601010000001")
    assert verification.status == VerificationStatus.UNKNOWN and verification.certificate is None
    assert certificate_verify("   ").status == VerificationStatus.UNKNOWN


def test_an_expired_certificate(issue, monkeypatch):
    certificate = issue("health_cert")
    later = certificate.valid_until + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: later)
    assert certificate_verify(certificate.number).status == VerificationStatus.EXPIRED
    assert certificate_types_held(certificate.holder_person) == set()


def test_a_revoked_certificate(issue, user):
    certificate = issue()
    holder = certificate.holder_person
    assert certificate_types_held(holder) == {"出生医学证明"}
    with pytest.raises(ValidationFailed):
        certificate_revoke(certificate=certificate, actor=user("coord"), reason=" ")
    with pytest.raises(PermissionDenied):
        certificate_revoke(certificate=certificate, actor=user("approver"), reason="错发")
    certificate_revoke(
        certificate=certificate, actor=user("coord"), reason="信息有误，重新签发 11010519491231002X"
    )
    verification = certificate_verify(certificate.number)
    assert verification.status == VerificationStatus.REVOKED and verification.label == "已撤销"
    certificate.refresh_from_db()
    assert "11010519491231002X" not in certificate.revoke_reason  # masked
    assert certificate_types_held(holder) == set()
    with pytest.raises(Conflict):
        certificate_revoke(certificate=certificate, actor=user("coord"), reason="再次撤销")


def test_only_the_department_issues_and_there_is_one_holder(issue, user, demo):
    with pytest.raises(PermissionDenied):
        issue(actor=user("approver"))  # 句容市公安局, not 卫健委
    enterprise = Enterprise.objects.get()
    with pytest.raises(ValidationFailed):
        issue(holder_enterprise=enterprise)  # and the person too
    assert not Certificate.objects.exists()


def test_an_enterprise_holds_a_certificate(issue, user):
    enterprise = Enterprise.objects.get()
    certificate = issue(
        "food_business",
        holder_person=None,
        holder_enterprise=enterprise,
        department=department("321183", "approval"),
        actor=user("admin"),
    )
    assert certificate.holder_enterprise == enterprise and certificate.holder_person is None
    assert certificate.data["holder_id"] == enterprise.credit_code
    assert certificate.number.startswith("ZZFOODBUSINESS")
    assert certificate_verify(certificate.number).is_valid
    assert certificate_types_held(enterprise) == {"食品经营许可证"}


def test_personal_numbers_in_data_are_masked(issue):
    clear = id_number(seq=555)
    certificate = issue(items=[["母亲身份号码", clear], ["联系电话", "13812345678"]])
    stored = json.dumps(Certificate.objects.values_list("data", flat=True).get(pk=certificate.pk))
    assert clear not in stored and "13812345678" not in stored
    assert certificate_verify(certificate.number).is_valid


# ---------------------------------------------------------------- from an approved task


def test_an_approved_birth_task_issues_its_certificate(approved_task, user):
    # when
    certificates = certificates_issue_for_task(task=approved_task, actor=user("coord"))
    # then
    assert len(certificates) == 1
    certificate = certificates[0]
    application = approved_task.application
    assert certificate.type.name == "出生医学证明"
    assert certificate.holder_person == application.person
    assert certificate.department == approved_task.department
    assert certificate.application == application and certificate.task == approved_task
    items = dict(certificate.data["items"])
    form = json.loads(application.form_data)
    assert items["新生儿姓名"] == form["child_name"]
    assert items["性别"] in {"男", "女"}  # the choice's label, not its code
    assert form["mother_id_number"] not in json.dumps(certificate.data, ensure_ascii=False)
    assert items["母亲身份号码"].count("*") == 10
    assert certificate.data["application"] == application.number
    assert certificate_verify(certificate.number).is_valid
    # the timeline records it, and the chain still holds
    # (task_decide already issued it on approval; issuing again returns the same certificate)
    event = Event.objects.get(application=application, kind="certificate_issued")
    assert event.data["number"] == certificate.number
    assert verify_application(application) == []
    assert certificate_types_held(application.person) == {"出生医学证明"}


def test_issuing_for_a_task_twice_gives_the_same_certificate(approved_task, user):
    first = certificates_issue_for_task(task=approved_task, actor=user("coord"))
    again = certificates_issue_for_task(task=approved_task, actor=user("coord"))
    assert first == again and Certificate.objects.count() == 1


def test_a_task_that_produces_no_certificate_issues_none(accepted, user):
    items = {i["code"]: i for i in accepted.version.snapshot["items"]}
    task = next(
        t for t in accepted.tasks.all() if items[t.item_code]["result"]["type"] != "certificate"
    )
    assert certificates_issue_for_task(task=task, actor=user("coord")) == []


def test_a_task_not_yet_approved_issues_nothing(accepted, user):
    task = accepted.tasks.get(item_name=BIRTH_ITEM)
    with pytest.raises(Conflict):
        certificates_issue_for_task(task=task, actor=user("coord"))
    assert not Certificate.objects.exists()
