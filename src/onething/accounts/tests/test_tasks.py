import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onething.accounts.models import ApiToken
from onething.accounts.services import token_issue


@pytest.fixture
def database_tasks(settings):
    # The real database backend (django-tasks resets its backends when TASKS changes).
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def test_sign_in_queues_token_housekeeping_that_the_worker_runs(
    client, applicant, database_tasks, django_capture_on_commit_callbacks
):
    # given an expired token from long ago
    old, _ = token_issue(user=applicant, name="old", lifetime=dt.timedelta(hours=1))
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(days=40))

    # when the applicant signs in through the API
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/auth/token",
            {"username": "zhangsan", "password": "pw-Test-123"},
            content_type="application/json",
        )
    assert response.status_code == 200
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"

    # then the real database worker processes the task
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert not ApiToken.objects.filter(pk=old.pk).exists()
    assert ApiToken.objects.filter(name="sign-in").exists()
