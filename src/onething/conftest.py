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
    """Regions, departments and halls (loaded once per session, see django_db_setup)."""


@pytest.fixture
def catalog(org):
    """The published catalog (loaded once per session, see django_db_setup)."""


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
