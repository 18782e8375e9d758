"""The HTTP provider against a real provider server on 127.0.0.1: signed requests, retries, and
a provider that times out or answers garbage never breaks the form."""

from __future__ import annotations

import json
import time

import pytest

from onething.datahub.base import ProviderUnavailable, SubjectRef
from onething.datahub.models import DataAccess
from onething.datahub.providers.http import HttpProvider, sign, verify_signature
from onething.datahub.registry import provider_get, register
from onething.datahub.services import data_read, prefill
from onething.datahub.tests.test_providers import ZHANGSAN

REMOTE_ZHANGSAN = {
    "name": "张三",
    "id_number": ZHANGSAN,
    "sex": "1",
    "birth_date": "1990-03-15",
    "ethnicity": "汉族",
    "household_address": "江苏省句容市华阳街道华阳南路18号3幢2单元301室（远程）",
}


def applicant_fields(guide):
    return [f for f in guide.form if f.element in ("applicant_name", "applicant_household_address")]


def test_the_configured_resource_is_served_over_http_with_the_local_description(
    remote_population,
):
    remote_population()
    provider = provider_get("population")
    assert isinstance(provider, HttpProvider)
    assert provider.fields == register["population"].fields
    assert provider.locked_fields == register["population"].locked_fields
    assert provider_get("marriage") is register["marriage"]  # not configured: local


def test_a_signed_request_is_verified_by_the_provider(demo, health, remote_population):
    server = remote_population()
    server.records[ZHANGSAN] = REMOTE_ZHANGSAN
    result = data_read(
        provider="population",
        subject=SubjectRef.person(ZHANGSAN),
        fields=["name", "birth_date", "household_address"],
        requesting_department=health,
        purpose="测试远程读取",
        actor="一件事平台",
    )
    assert result.values == {
        "name": "张三",
        "birth_date": "1990-03-15",
        "household_address": REMOTE_ZHANGSAN["household_address"],
    }
    (request,) = server.requests
    assert request["signed"] is True
    assert request["headers"]["x-onething-client"] == "jr-onething"
    assert request["headers"]["x-onething-signature"].startswith("hmac-sm3=")
    assert DataAccess.objects.get().outcome == DataAccess.Outcome.OK


def test_the_signature_is_hmac_sm3_over_timestamp_and_body():
    body = json.dumps({"a": 1}).encode()
    signature = sign("s3cret", "1700000000", body)
    assert signature.startswith("hmac-sm3=") and len(signature) == len("hmac-sm3=") + 64
    assert verify_signature("s3cret", "1700000000", body, signature)
    assert not verify_signature("s3cret", "1700000001", body, signature)
    assert not verify_signature("other", "1700000000", body, signature)
    assert not verify_signature("s3cret", "1700000000", body + b" ", signature)


def test_a_wrong_secret_is_refused_by_the_provider_and_the_read_fails(
    demo, health, remote_population
):
    server = remote_population(secret="not-the-shared-secret")
    server.records[ZHANGSAN] = REMOTE_ZHANGSAN
    with pytest.raises(ProviderUnavailable):
        data_read(
            provider="population",
            subject=SubjectRef.person(ZHANGSAN),
            fields=["name"],
            requesting_department=health,
            purpose="测试",
            actor="一件事平台",
        )
    assert [r["signed"] for r in server.requests] == [False]  # a 401 is not retried
    assert "HTTP 401" in DataAccess.objects.get().detail


def test_a_busy_provider_is_tried_again(demo, health, remote_population):
    server = remote_population(retries=2)
    server.records[ZHANGSAN] = REMOTE_ZHANGSAN
    server.mode, server.failures = "flaky", 2
    result = data_read(
        provider="population",
        subject=SubjectRef.person(ZHANGSAN),
        fields=["ethnicity"],
        requesting_department=health,
        purpose="测试",
        actor="一件事平台",
    )
    assert result.values == {"ethnicity": "汉族"}
    assert len(server.requests) == 3 and all(r["signed"] for r in server.requests)


def test_retries_run_out(demo, health, remote_population):
    server = remote_population(retries=1)
    server.mode, server.failures = "flaky", 5
    with pytest.raises(ProviderUnavailable) as caught:
        data_read(
            provider="population",
            subject=SubjectRef.person(ZHANGSAN),
            fields=["ethnicity"],
            requesting_department=health,
            purpose="测试",
            actor="一件事平台",
        )
    assert "2 attempts" in caught.value.details["reason"]
    assert len(server.requests) == 2


def test_an_unknown_subject_is_simply_not_there(demo, health, remote_population):
    remote_population()
    result = data_read(
        provider="population",
        subject=SubjectRef.person(ZHANGSAN),
        fields=["name"],
        requesting_department=health,
        purpose="测试",
        actor="一件事平台",
    )
    assert result.values == {}


@pytest.mark.parametrize("mode", ["slow", "garbage", "json_garbage", "extra"])
def test_timeout_or_garbage_leaves_the_field_to_the_applicant_and_logs_a_failure(
    demo, health, user, newborn_guide, remote_population, mode
):
    server = remote_population(timeout=0.3, retries=1)
    server.records[ZHANGSAN] = REMOTE_ZHANGSAN
    server.mode, server.delay = mode, 1.0
    zhangsan = user("zhangsan")
    started = time.monotonic()
    filled = prefill(
        form_fields=applicant_fields(newborn_guide),
        subject=zhangsan.person,
        requesting_department=health,
        purpose="办理“新生儿出生”：预填申请表",
        actor=zhangsan,
        typed={"applicant_household_address": "我自己填的地址"},
    )
    assert time.monotonic() - started < 5
    name = filled["applicant_name"]
    assert name.applicant_entered and name.value == "" and name.source_label == "申请人填写"
    assert "人口库暂时无法访问" in name.note
    assert filled["applicant_household_address"].value == "我自己填的地址"
    assert filled["applicant_household_address"].applicant_entered
    access = DataAccess.objects.get()
    assert access.outcome == DataAccess.Outcome.FAILED
    assert access.purpose == "办理“新生儿出生”：预填申请表"
    expected_requests = 2 if mode == "slow" else 1  # garbage is not worth another attempt
    assert len(server.requests) == expected_requests


def test_a_correction_is_posted_to_the_provider(demo, remote_population):
    server = remote_population()
    server.records[ZHANGSAN] = dict(REMOTE_ZHANGSAN)
    provider = provider_get("population")
    provider.correct(subject=SubjectRef.person(ZHANGSAN), field="ethnicity", value="回族")
    assert server.corrections[0]["field"] == "ethnicity"
    assert provider.fetch(subject=SubjectRef.person(ZHANGSAN), fields=["ethnicity"]) == {
        "ethnicity": "回族"
    }


def test_a_remote_provider_must_be_configured_properly():
    local = register["population"]
    with pytest.raises(ValueError):
        HttpProvider.for_resource(local, url="ftp://rk.example.cn/", secret="x")
    with pytest.raises(ValueError):
        HttpProvider.for_resource(local, url="https://rk.example.cn/", secret="")
