"""Decided applications built through the cases services, and a clock the tests can move."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onething.accounts.demo import load_demo
from onething.accounts.models import User
from onething.cases.models import Application
from onething.cases.services import application_accept, application_submit, task_decide
from onething.cases.tests.factories import submission
from onething.cases.workflow import TaskState
from onething.catalog.guide import compute_guide
from onething.catalog.selectors import version_current

NEWBORN = "JS-2022-07"
ACTIVE = (TaskState.RELEASED, TaskState.CLAIMED)


@pytest.fixture
def demo(catalog):
    load_demo()


@pytest.fixture
def user():
    return lambda name: User.objects.get(username=name)


class Clock:
    """'Today' pinned to a working day inside the known calendar (so deadlines are dates)."""

    def __init__(self, monkeypatch, start: dt.datetime) -> None:
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: self.now.date())

    def set(self, day: dt.date) -> None:
        self.now = dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))


def decide_all(application: Application, decision: str = "approve") -> Application:
    """Every task decided, in precedence order: 句容市卫健委 by ``coord``, the rest by ``admin``."""
    coord, admin = User.objects.get(username="coord"), User.objects.get(username="admin")
    for _ in range(30):
        task = application.tasks.filter(status__in=ACTIVE).order_by("pk").first()
        if task is None:
            break
        actor = coord if task.department.name == "句容市卫生健康委员会" else admin
        opinion = "" if decision == "approve" else "不符合条件"
        task_decide(task=task, actor=actor, decision=decision, opinion=opinion)
    application.refresh_from_db()
    return application


@pytest.fixture
def submitted(demo):
    """A 新生儿出生 application by zhangsan, submitted (not yet accepted)."""

    def make(username: str = "zhangsan") -> Application:
        guide = compute_guide(version_current(NEWBORN).snapshot, start=timezone.localdate())
        return application_submit(
            actor=User.objects.get(username=username), submission=submission(guide, NEWBORN)
        )

    return make


@pytest.fixture
def accepted(submitted):
    def make(username: str = "zhangsan") -> Application:
        application = submitted(username)
        application_accept(application=application, actor=User.objects.get(username="coord"))
        application.refresh_from_db()
        return application

    return make


@pytest.fixture
def decided(accepted):
    """A 新生儿出生 application whose every task was approved (status decided)."""

    def make(username: str = "zhangsan") -> Application:
        return decide_all(accepted(username))

    return make
