"""A real 新生儿出生 application for 张三, accepted by the lead department, with its first task
(出生医学证明首次签发) approved — the way a certificate comes about."""

import pytest
from django.utils import timezone

from onething.accounts.demo import load_demo
from onething.accounts.models import Person, User
from onething.cases.services import application_accept, application_submit, task_decide
from onething.cases.tests.factories import submission
from onething.catalog.guide import compute_guide
from onething.catalog.selectors import version_current
from onething.certificates.models import CertificateType
from onething.certificates.services import certificate_issue
from onething.conftest import department

NEWBORN = "JS-2022-07"
BIRTH_ITEM = "出生医学证明首次签发"


@pytest.fixture
def demo(catalog):
    load_demo()


@pytest.fixture
def user():
    return lambda name: User.objects.get(username=name)


@pytest.fixture
def newborn_guide(catalog):
    return compute_guide(version_current(NEWBORN).snapshot, start=timezone.localdate())


@pytest.fixture
def accepted(demo, newborn_guide, user):
    application = application_submit(
        actor=user("zhangsan"), submission=submission(newborn_guide, NEWBORN)
    )
    application_accept(application=application, actor=user("coord"))
    return application


@pytest.fixture
def approved_task(accepted, user):
    task = accepted.tasks.get(item_name=BIRTH_ITEM)
    return task_decide(task=task, actor=user("coord"), decision="approve", opinion="")


@pytest.fixture
def issue(demo, user):
    """Issue a certificate of a type straight to 张三 (or another holder), by 句容市卫健委."""

    def make(code: str = "birth_medical", *, holder=None, items=None, **changes):
        values = {
            "certificate_type": CertificateType.objects.get(code=code),
            "holder_person": holder or Person.objects.get(user__username="zhangsan"),
            "data": {"items": items if items is not None else [["新生儿姓名", "张小宝"]]},
            "department": department("321183", "health"),
            "actor": user("coord"),
        }
        values.update(changes)
        return certificate_issue(**values)

    return make
