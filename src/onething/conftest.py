"""Fixtures shared by every app's tests: the real org data and catalog, loaded once per test."""

from __future__ import annotations

import pytest

from onething.accounts.models import StaffRole, User
from onething.accounts.services import applicant_register, staff_create
from onething.org.loader import load_org
from onething.org.models import Department


@pytest.fixture
def org(db):
    load_org()


@pytest.fixture
def catalog(org):
    from onething.catalog.loader import load_catalog

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
