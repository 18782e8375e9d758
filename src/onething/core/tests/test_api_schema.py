"""Schemathesis over the whole OpenAPI document at /api/v1/openapi.json.

Every operation is called in-process through the WSGI application with generated (valid and
invalid) parameters and bodies, authenticated by a real API token of a demo user: an applicant
for the applicant's operations, a lead-department coordinator for the department's. Each
response must not be a 5xx and must match the document (status code declared, body valid
against its schema, content type declared). A bounded number of examples per operation keeps
the whole run under two minutes on two cores.

    .venv/bin/pytest src/onething/core/tests/test_api_schema.py -q
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from onething.accounts.demo import load_demo
from onething.accounts.models import User
from onething.accounts.services import token_issue
from onething.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# Unknown query parameters are ignored, as by nearly every HTTP API (caches and proxies add them),
# and the token is sent by the test itself: do not generate either as "invalid" input.
schema.config.generation.update(allow_extra_parameters=False, with_security_parameters=False)

# Rules a JSON schema cannot express: a schema-valid request may be refused with 400 and one of
# these codes, or a ``*_not_found`` code for a reference in the body to something that does not
# exist (an application number, a credit code), never with any other 400.
RULES_BEYOND_THE_SCHEMA = {
    "bad_credentials",  # POST /auth/token with a user name and password that do not match
    "bad_base64",  # an upload's content_base64 that is a string but not Base64
    "reason_required",  # a bad rating (1 or 2) without a reason or a comment
    "rating_target_required",  # a rating names none of application, task, window
    "content_required",  # a ticket whose content is blank
    "period_invalid",  # a statistics period not shaped 2026, 2026Q1 or 2026-03
    "tags_not_for_level",  # a rating's reasons that do not go with its level
    "nul_character",  # any string holding NUL (\u0000), which PostgreSQL text cannot store
}

# Who calls each operation: the demo user whose role it serves (the applicant by default), so
# the authenticated code paths run, not only the 403.
CALLERS = [
    (re.compile(r"^/api/v1/insight/"), "supervisor"),
    (re.compile(r"^/api/v1/hotline/tickets/\{number\}/answer$"), "hotline"),
    (re.compile(r"^/api/v1/certificates/deliveries/"), "clerk"),
    (
        re.compile(
            r"^/api/v1/(tasks|org/departments|data/objections/\{objection_id\}/resolve"
            r"|applications/\{number\}/(accept|refuse|corrections|inspections))"
        ),
        "coord",
    ),
]


def caller(path: str) -> str:
    return next((user for pattern, user in CALLERS if pattern.match(path)), "zhangsan")


EXAMPLES_PER_OPERATION = 30


@pytest.fixture(autouse=True)
def connections_kept_open():
    """The WSGI application closes "obsolete" connections at the start and end of each request,
    and a connection inside the test's transaction looks obsolete (autocommit is off): on
    PostgreSQL that would close the test's own connection. Django's test client unhooks the
    same handler for the same reason; schemathesis calls the WSGI application directly."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(catalog) -> dict[str, str]:
    load_demo()
    users = {"zhangsan", "coord", "supervisor", "hotline", "clerk"}
    return {
        u: token_issue(user=User.objects.get(username=u), name="schemathesis")[1] for u in users
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_within_its_schema(case, tokens):
    headers = {"Authorization": f"Bearer {tokens[caller(case.path)]}"}
    response = case.call(headers=headers)
    case.validate_response(
        response,
        headers=headers,
        excluded_checks=[positive_data_acceptance] if _rule_refusal(response) else [],
        transport_kwargs={"headers": headers},
    )


def _rule_refusal(response) -> bool:
    if response.status_code != 400:
        return False
    try:
        code = str(response.json().get("code"))
    except ValueError:
        return False
    return code in RULES_BEYOND_THE_SCHEMA or code.endswith("_not_found")


# Regression tests for what schemathesis found (each was a 5xx or an answer off the document).


def _get(client, path, token):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def _post(client, path, token, body):
    return client.post(
        path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_a_negative_offset_is_refused_not_a_server_error(client, tokens):
    answer = _get(client, "/api/v1/data/access-log?limit=-5&offset=-3", tokens["zhangsan"])
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_request"


def test_a_department_id_past_the_database_range_is_refused(client, tokens):
    body = {
        "scheduled_for": "2026-03-02T09:00:00+08:00",
        "place": "现场",
        "department_ids": [2**80],
    }
    answer = _post(client, "/api/v1/applications/X/inspections", tokens["coord"], body)
    assert answer.status_code == 422


@pytest.mark.parametrize("query", ["period=0000", "period=2026Q5", "period=0000Q1"])
def test_a_summary_period_of_the_wrong_shape_is_refused(client, tokens, query):
    answer = _get(client, f"/api/v1/insight/summary?{query}", tokens["supervisor"])
    assert answer.status_code == 400
    assert answer.json()["code"] == "period_invalid"


def test_a_summary_department_that_is_not_an_id_is_ignored(client, tokens):
    answer = _get(client, "/api/v1/insight/summary?department=%C2%B2", tokens["supervisor"])
    assert answer.status_code == 200


@pytest.mark.parametrize("query", ["", "period=2026Q1", "period=2025", "period=2026-03"])
def test_a_summary_filter_of_the_right_shape_is_answered(client, tokens, query):
    assert _get(client, f"/api/v1/insight/summary?{query}", tokens["supervisor"]).status_code == 200


def test_a_body_that_is_not_json_gets_the_common_error_shape(client, tokens):
    answer = _post(client, "/api/v1/ratings", tokens["zhangsan"], "{not json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "unparsable_body"
    assert set(answer.json()) == {"code", "message", "message_en", "details"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/ratings", {"application": "X", "level": 0}),
        ("/api/v1/hotline/tickets", {"type": "", "content": "问"}),
    ],
)
def test_values_outside_the_documented_set_are_refused_by_the_schema(client, tokens, path, body):
    assert _post(client, path, tokens["zhangsan"], body).status_code == 422


def test_every_schema_has_its_own_name_in_the_document():
    """Two response classes of one name (ratings' and insight's ``FiguresOut``) made the
    document describe one with the other's fields."""
    from ninja import Schema

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names: dict[str, set[str]] = {}
    for cls in subclasses(Schema):
        if cls.__module__.startswith("onething.") and ".tests" not in cls.__module__:
            names.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {n: m for n, m in names.items() if len(m) > 1} == {}


def test_the_document_declares_the_error_answers():
    document = schema.raw_schema
    token = document["paths"]["/api/v1/auth/me"]["get"]["responses"]
    assert {"200", "401", "403"} <= {str(code) for code in token}
    assert "ErrorOut" in document["components"]["schemas"]


def _named_types(annotation: object, found: dict[str, set[str]]) -> None:
    """Every model and enum reachable from ``annotation``, by the name the document gives it."""
    import enum
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, enum.Enum | BaseModel):
        key = f"{annotation.__module__}.{annotation.__qualname__}"
        if key in found.setdefault(annotation.__name__, set()):
            return
        found[annotation.__name__].add(key)
        if issubclass(annotation, BaseModel):
            for field in annotation.model_fields.values():
                _named_types(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _named_types(argument, found)


def test_no_two_schemas_of_the_document_share_a_name():
    """The document names each model and enum by its class name, and a second class of the same
    name silently replaces the first (the ratings' channel once read as the hotline's)."""
    import importlib
    import pkgutil

    from pydantic import BaseModel

    import onething

    found: dict[str, set[str]] = {}
    for module in pkgutil.walk_packages(onething.__path__, "onething."):
        if not module.name.endswith(".api"):
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, type) and issubclass(value, BaseModel):
                _named_types(value, found)
    assert len(found) > 50
    assert {name: places for name, places in found.items() if len(places) > 1} == {}
