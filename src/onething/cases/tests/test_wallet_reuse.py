"""两个免于提交 across applications: a certificate issued by one application is not asked for
again by the next."""

from django.utils import timezone

from onething.cases.services import application_accept, application_submit, task_decide
from onething.cases.tests.conftest import NEWBORN
from onething.cases.tests.factories import submission
from onething.catalog.guide import compute_guide
from onething.catalog.selectors import version_current
from onething.certificates.selectors import certificate_types_held


def test_a_wallet_certificate_is_not_asked_for_again(submit, user):
    first = submit()
    application_accept(application=first, actor=user("coord"))
    birth = first.tasks.get(item_name="出生医学证明首次签发")
    task_decide(task=birth, actor=user("coord"), decision="approve", opinion="")
    person = first.person
    assert "出生医学证明" in certificate_types_held(person)

    snapshot = version_current(NEWBORN).snapshot
    codes = {i["name"]: i["code"] for i in snapshot["items"]}
    chosen = [codes["婚姻登记信息核验"], codes["出生登记"]]
    without = compute_guide(
        snapshot, chosen=chosen, held_results=["出生医学证明"], start=timezone.localdate()
    )
    certificate = next(m for m in without.materials if m.name == "出生医学证明")
    assert certificate.exempt and "卡包" in certificate.exempt_reason

    # the next application, for the remaining items, does not ask for it
    payload = submission(without, NEWBORN, items=chosen)
    assert all(u.material != "出生医学证明" for u in payload.uploads)
    second = application_submit(actor=user("zhangsan"), submission=payload)
    assert sorted(second.chosen_items) == sorted(chosen)
