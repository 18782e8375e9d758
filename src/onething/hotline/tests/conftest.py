import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from onething.accounts.demo import load_demo
from onething.accounts.models import User
from onething.cases.services import application_accept, application_submit
from onething.cases.tests.factories import submission
from onething.catalog.guide import compute_guide
from onething.catalog.selectors import version_current
from onething.hotline.knowledge import kb_build

NEWBORN = "JS-2022-07"
RESTAURANT = "JS-2022-02"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The 政务问答台's request counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(catalog):
    load_demo()


@pytest.fixture
def user():
    return lambda name: User.objects.get(username=name)


@pytest.fixture
def kb(catalog):
    return kb_build()


@pytest.fixture
def on_a_workday(monkeypatch):
    """Pin 'today' to a working day inside the known calendar (Monday 2 March 2026)."""
    fixed = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: fixed.date())
    return fixed


@pytest.fixture
def newborn_application(demo, user):
    """zhangsan's 新生儿出生, accepted by the health commission (coord) and under way."""

    def make():
        version = version_current(NEWBORN)
        guide = compute_guide(version.snapshot, start=timezone.localdate())
        application = application_submit(
            actor=user("zhangsan"), submission=submission(guide, NEWBORN)
        )
        return application_accept(application=application, actor=user("coord"))

    return make
