"""Fixtures shared by every app's tests: the real org data and catalog, loaded once per test."""

from __future__ import annotations

import pytest

from onething.accounts.models import StaffRole, User
from onething.accounts.services import applicant_register, staff_create
from onething.org.loader import load_org
from onething.org.models import Department


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real org data and catalog, loaded once into the test database.

    Tests run in transactions that roll back, so each starts from this state. (Transactional
    tests, which flush the database, run last and load what they need themselves.)
    """
    from onething.catalog.loader import load_catalog

    with django_db_blocker.unblock():
        load_org()
        load_catalog()


@pytest.fixture
def org(db):
    """Regions, departments and halls (loaded once per session, see django_db_setup; again
    after a transactional test has flushed the database)."""
    from onething.org.models import Region

    if not Region.objects.exists():
        load_org()


@pytest.fixture
def catalog(org):
    """The published catalog (loaded once per session, see django_db_setup)."""
    from onething.catalog.loader import load_catalog
    from onething.catalog.models import OneThingVersion

    if not OneThingVersion.objects.exists():
        load_catalog()


def department(region: str, kind: str) -> Department:
    return Department.objects.select_related("region").get(region__code=region, kind__code=kind)


@pytest.fixture
def make_staff(org):
    counter = iter(range(1, 10_000))

    def make(region: str, kind: str, *roles: str) -> User:
        dept = department(region, kind)
        return staff_create(
            username=f"staff{next(counter)}",
            password="pw-Test-123",
            name="测试人员",
            roles=[(dept, role) for role in roles or (StaffRole.APPROVER,)],
        )

    return make


@pytest.fixture
def applicant(org) -> User:
    return applicant_register(
        username="zhangsan",
        password="pw-Test-123",
        name="张三",
        id_number="11010519491231002X",
        phone="13812345678",
    )


@pytest.fixture(autouse=True)
def _worker_keeps_the_test_connection(monkeypatch):
    """Tests run the real database worker in-process, inside the test's transaction; its
    ``close_old_connections`` would close that connection on PostgreSQL (an open transaction
    looks 'obsolete' to it). Production workers are unaffected."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
