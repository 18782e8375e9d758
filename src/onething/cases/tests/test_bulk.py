"""The bulk generator (``onething bulk``): the rows it writes are the rows the services would
write, and the staff lists and selectors see them."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from onething.accounts.models import Enterprise, Person, User
from onething.audit.chain import verify_application
from onething.cases.bulk import bulk_load
from onething.cases.models import Application, Correction, Task
from onething.cases.selectors import (
    CappedPaginator,
    applications_for_staff,
    applications_of_applicant,
    tasks_for_department_staff,
)
from onething.cases.workflow import AppState, TaskState
from onething.core.crypto import hmac_sm3_hex
from onething.core.identifiers import normalize_credit_code, normalize_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def bulk(demo):
    before = Application.objects.count()
    counts = bulk_load(applications=80, seed=7, persons=40)
    return counts, Application.objects.exclude(pk__lte=before)


def test_the_counts_match_the_rows(bulk):
    counts, applications = bulk
    assert counts["applications"] == applications.count() == 80
    assert counts["tasks"] == Task.objects.filter(application__in=applications).count() > 0
    assert counts["persons"] == Person.objects.filter(user__username__startswith="bulk-").count()
    assert len({a.status for a in applications}) >= 4


def test_applicants_carry_valid_encrypted_numbers(bulk):
    people = Person.objects.filter(user__username__startswith="bulk-")
    for person in people:
        assert normalize_id_number(person.id_number) == person.id_number  # as the forms check
        assert person.id_number_hash == hmac_sm3_hex(person.id_number)
        assert person.phone_hash == hmac_sm3_hex(person.phone)
        assert person.sex == ("M" if int(person.id_number[16]) % 2 else "F")
    with connection.cursor() as cursor:  # the column itself, not the decrypted field
        cursor.execute(
            f"SELECT id_number FROM {Person._meta.db_table} WHERE id = %s", [people[0].pk]
        )
        stored = cursor.fetchone()[0]
    assert stored.startswith("sm4gcm:1:") and people[0].id_number not in stored
    for firm in Enterprise.objects.filter(operators__user__username__startswith="bulk-"):
        assert firm.operators.get().user == firm.legal_representative.user
        assert normalize_credit_code(firm.credit_code) == firm.credit_code


def test_every_application_is_consistent(bulk):
    _, applications = bulk
    for application in applications.select_related("one_thing", "person", "enterprise"):
        assert re.fullmatch(rf"YJS\d{{6}}\d{{8}}{application.pk:07d}", application.number)
        assert (application.person is None) != (application.enterprise is None)
        form = json.loads(application.form_data)  # decrypted by the field
        if application.person is not None:
            assert application.person.id_number in form.values()
        tasks = list(application.tasks.all())
        if application.status in {AppState.ACCEPTED, AppState.DECIDED, AppState.DELIVERED}:
            assert sorted(t.item_code for t in tasks) == sorted(application.chosen_items)
            assert application.accepted_at >= application.submitted_at
        else:
            assert tasks == []
        finished = [t for t in tasks if t.is_finished]
        if application.status in {AppState.DECIDED, AppState.DELIVERED}:
            assert len(finished) == len(tasks) and application.finished_at is not None
        if application.status == AppState.ACCEPTED:
            assert len(finished) < len(tasks)
        for task in tasks:
            assert (task.released_at is None) == (task.status == TaskState.WAITING)
            assert (task.decided_at is not None) == task.is_finished
            done = {t.item_code for t in tasks if t.is_finished}
            if task.status != TaskState.WAITING:
                assert set(task.predecessors) <= done
        if application.status == AppState.CORRECTION:
            assert application.corrections.filter(status=Correction.Status.OPEN).count() == 1


def test_the_timelines_are_valid_hash_chains(bulk):
    _, applications = bulk
    for application in applications:
        assert verify_application(application) == []
        assert application.events.count() >= 1


def test_the_tasks_go_to_the_applicants_home_departments(bulk):
    _, applications = bulk
    tasks = Task.objects.filter(application__in=applications).select_related(
        "department__region", "application__jurisdiction", "application__one_thing__region"
    )
    for task in tasks:
        homes = {task.application.jurisdiction.path, task.application.one_thing.region.path}
        assert any(task.department.region.path.startswith(home) for home in homes)


def test_the_supervisor_and_the_approver_see_them(bulk, user, client):
    _, applications = bulk
    supervisor, approver = user("supervisor"), user("approver")
    visible = applications_for_staff(supervisor)
    # the supervisor of 句容 sees what 句容 leads (every one-thing here) and its residents' cases
    assert visible.filter(pk__in=applications).count() == applications.count()
    police = approver.memberships.get().department
    mine = tasks_for_department_staff(approver).filter(application__in=applications)
    theirs = Task.objects.filter(application__in=applications, department=police)
    assert mine.count() == theirs.count() > 0
    client.force_login(approver)
    page = client.get("/staff/tasks/", {"status": "all"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == tasks_for_department_staff(approver).count()
    client.force_login(supervisor)
    page = client.get("/staff/cases/", {"status": "all"})
    assert page.status_code == 200 and len(page.context["rows"]) == 50


def test_the_applicant_sees_their_own(bulk):
    _, applications = bulk
    busiest = (
        applications.filter(person__isnull=False)
        .values("submitted_by")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    applicant = User.objects.get(pk=busiest["submitted_by"])
    assert applications_of_applicant(applicant).count() >= busiest["n"]


def test_the_paginator_counts_up_to_its_cap(bulk):
    _, applications = bulk
    capped = CappedPaginator(applications.order_by("pk"), 10, cap=25)
    assert capped.count == 25 and capped.count_label == "25+"
    assert capped.num_pages_label == "3+"
    exact = CappedPaginator(applications.order_by("pk"), 10, cap=1000)
    assert exact.count == 80 and exact.count_label == "80" and exact.num_pages == 8


def test_the_command_reports_what_it_made(demo):
    out = StringIO()
    call_command("bulk", applications=5, persons=3, stdout=out, verbosity=0)
    assert "5 applications" in out.getvalue()
    assert Application.objects.count() == 5


def test_the_command_refuses_under_production_settings(demo, settings):
    from django.core.management.base import CommandError

    settings.SETTINGS_MODULE = "onething.settings.production"
    with pytest.raises(CommandError, match="production"):
        call_command("bulk", applications=5, persons=3, verbosity=0)
    assert Application.objects.count() == 0
