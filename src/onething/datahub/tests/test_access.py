"""Every read is checked against the agreements and logged with its purpose, whatever its
outcome."""

from __future__ import annotations

import logging

import pytest

from onething.conftest import department
from onething.core.errors import ValidationFailed
from onething.datahub.base import DataProvider, ProviderUnavailable, SubjectRef
from onething.datahub.models import DataAccess, SharingAgreement
from onething.datahub.services import AccessRefused, data_read
from onething.datahub.tests.test_providers import ZHANGSAN
from onething.plugins.registry import Registry

PURPOSE = "办理“新生儿出生”：预填申请表"


def read(dept, fields=("name", "ethnicity"), provider="population", **kwargs):
    return data_read(
        provider=provider,
        subject=SubjectRef.person(ZHANGSAN),
        fields=list(fields),
        requesting_department=dept,
        purpose=kwargs.pop("purpose", PURPOSE),
        actor=kwargs.pop("actor", "一件事平台"),
        **kwargs,
    )


def test_a_covered_read_returns_the_values_and_is_logged(demo, health, user):
    zhangsan = user("zhangsan")
    result = read(health, actor=zhangsan)
    assert result.values == {"name": "张三", "ethnicity": "汉族"}
    access = DataAccess.objects.get()
    assert access == result.access
    assert access.outcome == DataAccess.Outcome.OK
    assert access.department == health
    assert access.actor == zhangsan and access.actor_name == "张三"
    assert access.provider == "population" and access.fields == ["name", "ethnicity"]
    assert access.subject_hash == zhangsan.person.id_number_hash
    assert access.purpose == PURPOSE
    assert access.agreement == SharingAgreement.objects.get(
        requesting_kind=health.kind, resource="population"
    )


def test_no_agreement_is_refused_and_logged(demo, caplog):
    tobacco = department("321183", "tobacco")  # 市烟草专卖局 has no agreement on 人口库
    with (
        caplog.at_level(logging.WARNING, logger="onething.datahub"),
        pytest.raises(AccessRefused) as refused,
    ):
        read(tobacco)
    assert "没有读取“人口库”中姓名、民族的数据共享协议" in refused.value.message
    access = DataAccess.objects.get()
    assert access.outcome == DataAccess.Outcome.REFUSED
    assert access.agreement is None and access.department == tobacco
    assert access.purpose == PURPOSE
    assert "refused" in caplog.text and ZHANGSAN not in caplog.text


def test_a_field_outside_the_agreement_refuses_the_read(demo, health):
    with pytest.raises(AccessRefused):
        read(health, fields=["name", "household_members"])  # 卫健委 may not list the household
    assert DataAccess.objects.get().outcome == DataAccess.Outcome.REFUSED


def test_an_inactive_agreement_allows_nothing(demo, health):
    SharingAgreement.objects.filter(requesting_kind=health.kind).update(active=False)
    with pytest.raises(AccessRefused):
        read(health)


def test_a_read_needs_a_purpose(demo, health):
    with pytest.raises(ValidationFailed) as caught:
        read(health, purpose="  ")
    assert caught.value.code == "purpose_required"
    assert not DataAccess.objects.exists()


class Broken(DataProvider):
    code = "population"
    name = "人口库"
    department_kind = "市公安局"
    fields = ("name", "ethnicity")
    labels = {"name": "姓名", "ethnicity": "民族"}

    def fetch(self, *, subject, fields):
        raise RuntimeError("database is on fire")


class Chatty(Broken):
    def fetch(self, *, subject, fields):
        return {"name": "张三", "password": "x"}


@pytest.mark.parametrize("plugin", [Broken, Chatty])
def test_a_broken_provider_fails_logged_without_raising_anything_else(demo, health, plugin):
    registry = Registry()
    registry("population")(plugin)
    with pytest.raises(ProviderUnavailable):
        read(health, registry=registry)
    access = DataAccess.objects.get()
    assert access.outcome == DataAccess.Outcome.FAILED and access.detail


def test_an_unknown_field_is_a_programming_error(demo, health):
    with pytest.raises(ValueError):
        read(health, fields=["shoe_size"])
