import datetime as dt

import pytest
from django.utils import timezone

from onething.accounts.demo import load_demo
from onething.accounts.models import User
from onething.cases.services import application_submit
from onething.cases.tests.factories import submission
from onething.catalog.guide import compute_guide
from onething.catalog.selectors import version_current

NEWBORN = "JS-2022-07"


@pytest.fixture
def demo(catalog):
    load_demo()


@pytest.fixture
def user():
    return lambda name: User.objects.get(username=name)


@pytest.fixture
def newborn_guide(catalog):
    version = version_current(NEWBORN)
    return compute_guide(version.snapshot, start=timezone.localdate())


@pytest.fixture
def submit(demo, newborn_guide):
    def make(username: str = "zhangsan", **changes):
        actor = User.objects.get(username=username)
        return application_submit(
            actor=actor, submission=submission(newborn_guide, NEWBORN, **changes)
        )

    return make


@pytest.fixture
def on_a_workday(monkeypatch):
    """Pin 'today' to a working day inside the known calendar, so deadlines are dates."""
    fixed = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: fixed.date())
    return fixed
