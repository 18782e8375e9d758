"""A permission matrix: every demo role against the staff pages and the staff API."""

import pytest

from onething.accounts.demo import load_demo
from onething.accounts.models import User
from onething.accounts.services import token_issue

ROLES = ["zhangsan", "clerk", "coord", "approver", "hotline", "editor", "supervisor", "admin"]
# page → the users who may open it (everyone else gets 403, or a sign-in redirect)
PAGES = {
    "/staff/": {"clerk", "coord", "approver", "hotline", "editor", "supervisor", "admin"},
    "/staff/cases/": {"clerk", "coord", "supervisor", "admin"},
    "/staff/tasks/": {"coord", "approver", "admin"},
    "/admin/catalog/onething/": {"editor", "supervisor", "admin"},  # supervisors: read-only
    "/admin/hotline/knowledgeentry/": {"hotline", "editor", "supervisor", "admin"},
    "/admin/hotline/knowledgeentry/add/": {"hotline", "editor", "admin"},
    "/admin/hotline/routingrule/add/": {"supervisor", "admin"},
    "/admin/ratings/rectification/": {"supervisor", "admin"},
    "/me/applications/": set(ROLES),
}


@pytest.fixture
def people(catalog):
    load_demo()
    return {name: User.objects.get(username=name) for name in ROLES}


@pytest.mark.parametrize("path", list(PAGES))
def test_pages_by_role(client, people, path):
    for name, user in people.items():
        client.force_login(user)
        status = client.get(path).status_code
        if name in PAGES[path]:
            assert status == 200, (path, name, status)
        else:
            assert status in {302, 403, 404}, (path, name, status)
        client.logout()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "login" in response["Location"], path


def test_task_api_by_role(client, people):
    allowed = {"coord", "approver", "admin"}
    for name, user in people.items():
        _, secret = token_issue(user=user, name="matrix")
        tasks = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {secret}"})
        assert tasks.status_code == 200
        if name not in allowed:
            assert tasks.json() == [], name  # no department's tasks leak to other roles
