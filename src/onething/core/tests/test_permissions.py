"""The permission matrix: every page of the site and every operation of the API, opened by every
demo user (and by nobody signed in), against the table in ``permission_matrix``.

- a page or operation without a row fails the test, so nothing new slips in unlisted;
- allowed users get the page (or its normal redirect) and what they post takes effect;
- everyone else gets 403 or 404 (401 from the API without a token), or the sign-in page — never
  the page, never a server error — and nothing they post changes anything;
- no answer names an application or ticket hidden from whoever asked (another applicant's,
  another department's, another region's), and lists of others' things come back empty.

Every request runs in a savepoint that is rolled back, so one user's accepting or deciding does
not change what the next one finds. Sign-in throttling, sessions, CSRF and the security headers
are in ``test_sessions.py`` (and ``accounts/tests/test_api.py`` for the API's sign-in).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from onething.core.tests.permission_matrix import (
    ADMIN_PAGES,
    ANONYMOUS,
    API_CALLERS,
    OPERATIONS,
    PAGES,
    SYSTEM,
    Operation,
    Response,
    World,
    api_operations,
    build_world,
    call,
    clients,
    hidden_from,
    is_sign_in,
    leaked,
    open_page,
    pin_clock,
    site_url_names,
)


@pytest.fixture
def world(catalog, monkeypatch) -> World:
    pin_clock(monkeypatch)
    return build_world()


# ---------------------------------------------------------------- nothing unlisted


def test_every_page_of_the_site_has_a_row():
    listed = {page.name for page in PAGES}
    site = site_url_names()
    assert not site - listed, f"pages without a row in the matrix: {sorted(site - listed)}"
    assert not listed - site, f"rows for pages that do not exist: {sorted(listed - site)}"


def test_every_api_operation_has_a_row():
    listed = {(o.method, o.path) for o in OPERATIONS}
    schema = api_operations()
    assert not schema - listed, f"operations without a row in the matrix: {sorted(schema - listed)}"
    assert not listed - schema, f"rows for operations that do not exist: {sorted(listed - schema)}"


# ---------------------------------------------------------------- judging an answer


def judge(
    allowed: bool,
    refused: bool,
    ok: frozenset[int],
    refused_status: frozenset[int],
    response: Any,
    changed: bool,
    has_effect: bool,
    *,
    anonymous: bool,
    api: bool,
) -> str | None:
    """What is wrong with this answer, if anything."""
    if isinstance(response, Exception):
        return f"server error {type(response).__name__}: {response}"
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if allowed:
        if status not in ok or is_sign_in(response):
            return f"allowed, but got {status} {response.get('Location', '')}"
        if has_effect and not changed:
            return "allowed, but nothing happened"
        return None
    if has_effect and changed:
        return f"not allowed, yet it took effect ({status})"
    if refused:
        if status in refused_status and not is_sign_in(response):
            return None
        return f"refused with a message expected, got {status}"
    if api:
        expected = {401} if anonymous else {403, 404}
        return None if status in expected else f"not allowed, got {status}"
    if status in {403, 404} or is_sign_in(response):
        return None
    return f"not allowed, got {status} {response.get('Location', '')}"


def leak_problem(response: Any, hidden: Any) -> str | None:
    """An answer judged right may still show what its caller must not see."""
    if isinstance(response, Exception):
        return None
    shown = leaked(response, hidden)
    return f"shows {shown}" if shown else None


# ---------------------------------------------------------------- pages


def test_pages_by_user(world):
    failures = []
    rows = [*PAGES, *ADMIN_PAGES]
    for name, client in clients(world).items():
        hidden = hidden_from(world, name)
        for page in rows:
            response, changed = open_page(client, world, page)
            problem = judge(
                name in page.allowed,
                name in page.refused,
                page.ok,
                page.refused_status,
                response,
                changed,
                page.effect is not None,
                anonymous=name == ANONYMOUS,
                api=False,
            )
            problem = problem or leak_problem(response, hidden)
            if problem:
                failures.append(f"{page.key} {page.url(world)} as {name}: {problem}")
            if page.signs_out and name != ANONYMOUS:
                client.force_login(world.users[name])
    assert not failures, f"{len(failures)} wrong answers:\n" + "\n".join(failures)


def test_the_pages_of_other_regions_and_departments_stay_closed(world):
    """The cases the issue names, spelled out, so that loosening the table shows here (the
    matrix above opens them)."""
    rows = {(p.method, p.name, p.label): p.allowed for p in PAGES}
    assert "approver" not in rows[("get", "cases:staff_task", "江宁区公安局")]
    assert "approver" not in rows[("get", "cases:staff_case", "submitted")]  # no task of his
    assert "approver_jn" not in rows[("get", "cases:staff_case", "accepted")]
    assert "approver_jn" not in rows[("get", "cases:application", "accepted")]
    for page in ("certificates:wallet_pdf", "datahub:objection_evidence", "ratings:rate"):
        assert "lisi" not in rows[("get", page, "")]
    assert "lisi" not in rows[("get", "cases:application", "accepted")]
    assert rows[("get", "hotline:help_ticket", "")] == {"zhangsan"}
    client = Client()
    client.force_login(world.users["approver_jn"])
    assert client.get(f"/staff/cases/{world.accepted.number}/").status_code == 404
    assert client.get(f"/staff/tasks/{world.task_police.pk}/").status_code == 404
    client.force_login(world.users["approver"])
    assert client.get(f"/staff/tasks/{world.task_police_jn.pk}/").status_code == 404


# ---------------------------------------------------------------- the API


def _listing_problem(operation: Operation, caller: str, response: Response) -> str | None:
    if response.status_code != 200:
        return None
    found = response.json()
    if not isinstance(found, list):
        return f"a list expected, got {type(found).__name__}"
    if caller in operation.empty_for and found:
        return f"should be empty, lists {len(found)}"
    if caller not in operation.empty_for and not found:
        return "lists nothing (the matrix expects something)"
    return None


def test_api_by_caller(world):
    failures = []
    client = Client()  # no session: the API is called with bearer tokens only
    for operation in OPERATIONS:
        for caller in API_CALLERS:
            response, changed = call(client, world, operation, caller)
            problem = judge(
                caller in operation.allowed,
                False,
                operation.ok,
                frozenset(),
                response,
                changed,
                operation.effect is not None,
                anonymous=caller == ANONYMOUS,
                api=True,
            )
            problem = problem or leak_problem(response, hidden_from(world, caller))
            if problem is None and not isinstance(response, Exception):
                if operation.listing and caller in operation.allowed:
                    problem = _listing_problem(operation, caller, response)
                if problem is None and operation.check and response.status_code == 200:
                    problem = operation.check(world, caller, response.content.decode())
            if problem:
                failures.append(f"{operation.key} as {caller}: {problem}")
    assert not failures, f"{len(failures)} wrong answers:\n" + "\n".join(failures)


def test_task_and_department_lists_keep_to_the_callers_departments(world):
    client = Client()
    own = {
        "coord": {"句容市卫生健康委员会"},
        "approver": {"句容市公安局"},
        "approver_hrss": {"句容市人力资源和社会保障局"},
        "approver_jn": {"南京市公安局江宁分局"},
        SYSTEM: {"句容市公安局"},
    }
    for caller, departments in own.items():
        headers = {"Authorization": f"Bearer {world.tokens[caller]}"}
        tasks = client.get("/api/v1/tasks?limit=200", headers=headers).json()
        assert tasks and {t["department"] for t in tasks} <= departments, caller
    headers = {"Authorization": f"Bearer {world.tokens['approver_jn']}"}
    listed = client.get("/api/v1/org/departments", headers=headers).json()
    assert listed and {d["region_code"] for d in listed} == {"320115"}
