"""A small, known quarter of real applications, built with the cases services.

2026 Q1, 句容市 publishes 新生儿出生 (JS-2022-07); a copy is published in 南京市江宁区:

- A: 张三, online (web); accepted and every task approved the same day → finished in 0 days;
- B: 张三, online; one correction notice before acceptance, answered; accepted; every task
  decided on 30 March, 20 working days later (the first tasks past their due date);
- C: 李思 (江宁区 household) at the 句容市 window; accepted, so its tasks went to 江宁区
  departments (通办地受理、归属地审批); never decided; later a red warning for the case and
  one for each open task;
- D: 李思 online for the 江宁区 copy: a 江宁区 application, submitted only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from onething.accounts.demo import load_demo
from onething.accounts.models import Person, User
from onething.cases.deadlines import deadlines_check
from onething.cases.models import Application, Task
from onething.cases.services import (
    application_accept,
    application_submit,
    correction_answer,
    correction_issue,
    task_decide,
)
from onething.cases.tests.factories import submission
from onething.cases.workflow import TaskState
from onething.catalog.guide import compute_guide
from onething.catalog.models import OneThing
from onething.catalog.publishing import (
    one_thing_copy_to_region,
    one_thing_publish,
    one_thing_submit_for_review,
)
from onething.catalog.selectors import version_current
from onething.org.models import Region

NEWBORN = "JS-2022-07"
JIANGNING = "320115"
NEWBORN_JN = f"{NEWBORN}@{JIANGNING}"


class Clock:
    """``timezone.now`` and ``localdate`` pinned to a moment the test moves forward."""

    def __init__(self, monkeypatch, start: dt.datetime) -> None:
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)
        monkeypatch.setattr(
            timezone, "localdate", lambda *a, **k: timezone.localtime(self.now).date()
        )

    def set(self, local_day: dt.date, hour: int = 10) -> None:
        zone = timezone.get_default_timezone()
        self.now = dt.datetime.combine(local_day, dt.time(hour), tzinfo=zone)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(monkeypatch, dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))  # 10:00 in 句容
    return clock


@pytest.fixture
def demo(catalog):
    load_demo()


@pytest.fixture
def user():
    return lambda name: User.objects.get(username=name)


def submit(actor: User, code: str = NEWBORN, **kwargs) -> Application:
    guide = compute_guide(version_current(code).snapshot, start=timezone.localdate())
    return application_submit(actor=actor, submission=submission(guide, code), **kwargs)


def decide_all(application: Application, actor: User) -> list[Task]:
    """Approve every task as it is released, until the application is finished."""
    decided: list[Task] = []
    while True:
        open_tasks = list(
            application.tasks.filter(status__in=[TaskState.RELEASED, TaskState.CLAIMED])
        )
        if not open_tasks:
            return decided
        for task in open_tasks:
            decided.append(task_decide(task=task, actor=actor, decision="approve", opinion=""))


def publish_jiangning_copy(editor: User | None = None) -> OneThing:
    copy = one_thing_copy_to_region(
        one_thing=OneThing.objects.get(code=NEWBORN),
        region=Region.objects.get(code=JIANGNING),
        actor=editor,
    )
    one_thing_submit_for_review(one_thing=copy, actor=editor)
    one_thing_publish(one_thing=copy, actor=editor)
    return copy


@dataclass
class Quarter:
    a: Application
    b: Application
    c: Application
    d: Application
    b_decision_day: dt.date


@pytest.fixture
def quarter(demo, user, clock) -> Quarter:
    zhangsan, lisi, clerk, coord, admin = (
        user(n) for n in ("zhangsan", "lisi", "clerk", "coord", "admin")
    )
    publish_jiangning_copy()

    a = submit(zhangsan)
    application_accept(application=a, actor=coord)
    decide_all(a, admin)

    b = submit(zhangsan)
    notice = correction_issue(
        application=b,
        actor=clerk,
        deficiencies=[{"kind": "field", "target": "child_name", "item": "", "reason": "有错别字"}],
    )
    correction_answer(correction=notice, actor=zhangsan, form={})
    application_accept(application=Application.objects.get(pk=b.pk), actor=coord)

    c = submit(clerk, on_behalf_of=Person.objects.get(user=lisi))
    application_accept(application=c, actor=coord)

    d = submit(lisi, code=NEWBORN_JN)

    decision_day = dt.date(2026, 3, 30)
    clock.set(decision_day)
    decide_all(Application.objects.get(pk=b.pk), admin)

    deadlines_check(today=dt.date(2026, 6, 30))

    def fresh(application: Application) -> Application:
        return Application.objects.get(pk=application.pk)

    return Quarter(a=fresh(a), b=fresh(b), c=fresh(c), d=fresh(d), b_decision_day=decision_day)
