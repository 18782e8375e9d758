"""The figures, checked exactly against a quarter built with the real services."""

import datetime as dt

import pytest
from django.utils import timezone

from onething.accounts.models import StaffRole
from onething.cases.models import DeadlineWarning, Task
from onething.cases.workflow import TaskState
from onething.core.errors import PermissionDenied
from onething.insight import feedback
from onething.insight.periods import parse_period
from onething.insight.selectors import Filters, insight_summary
from onething.insight.services import standalone_volume_set
from onething.insight.tests.conftest import JIANGNING

Q1 = parse_period("2026Q1")


def figures(user, **filters):
    return insight_summary(user, Filters(period=filters.pop("period", Q1), **filters))


def on_time(tasks):
    decided = [t for t in tasks if t.status in (TaskState.APPROVED, TaskState.REJECTED)]
    timely = [t for t in decided if timezone.localtime(t.decided_at).date() <= t.due_date]
    return len(timely), len(decided)


def test_supervisor_figures_are_exact(quarter, user):
    # given the quarter; 句容市's supervisor sees A, B and C (accepted in 句容市), not D
    summary = figures(user("supervisor"))
    total = summary.total

    # then
    assert total.volume == 3
    assert total.accepted == 3
    assert total.finished == 2
    assert total.corrected == 1 and total.correction_rate == pytest.approx(33.3)
    # A finished the day it was submitted, B 20 working days later (2 → 30 March 2026)
    assert (total.days_count, total.days_total) == (2, 20)
    assert total.average_days == 10.0
    # on time: counted from the real rows, A's and B's tasks (C's are in 江宁区)
    tasks = list(Task.objects.filter(application__in=[quarter.a, quarter.b]))
    timely, decided = on_time(tasks)
    assert (total.on_time, total.decided, total.tasks) == (timely, decided, len(tasks))
    assert 0 < timely < decided  # B's first tasks were late
    assert total.on_time_rate == pytest.approx(round(100 * timely / decided, 1))
    # C's case warning only: its open tasks are 江宁区's
    assert (total.yellow, total.red) == (0, 1)
    assert summary.by_channel[0].key == "web" and summary.by_channel[0].volume == 2
    assert {r.key: r.volume for r in summary.by_channel} == {"web": 2, "window": 1}
    assert [(r.label, r.volume) for r in summary.by_one_thing] == [("新生儿出生", 3)]
    assert summary.trend == [("2026年1月", 0), ("2026年2月", 0), ("2026年3月", 3)]


def test_the_platform_admin_sees_both_regions(quarter, user):
    summary = figures(user("admin"))
    c_open = Task.objects.filter(application=quarter.c, status=TaskState.RELEASED).count()
    assert summary.total.volume == 4
    assert summary.total.red == 1 + c_open
    assert DeadlineWarning.objects.count() == 1 + c_open
    assert {r.label for r in summary.by_region} == {"句容市", "江宁区"}
    assert sum(r.volume for r in summary.by_one_thing) == 4


def test_a_jurong_supervisor_sees_no_jiangning_figures(quarter, user, make_staff):
    # given a supervisor in each region
    jurong = figures(user("supervisor"))
    jiangning = figures(make_staff(JIANGNING, "govservice", StaffRole.SUPERVISOR))

    # then 句容市's sees nothing of 江宁区's departments, regions or applications
    assert all("江宁" not in row.label for row in jurong.by_department + jurong.by_region)
    assert all(row.key != quarter.d.one_thing_id for row in jurong.by_one_thing)
    # and 江宁区's sees D (led there) and the 江宁区 tasks of C, not A or B
    assert jiangning.total.volume == 1
    assert {r.label for r in jiangning.by_region} == {"江宁区"}
    c_tasks = Task.objects.filter(application=quarter.c).count()
    assert jiangning.total.tasks == c_tasks
    assert all("江宁" in row.label for row in jiangning.by_department)


def test_filters_by_department_channel_one_thing_and_period(quarter, user):
    supervisor = user("supervisor")
    police = Task.objects.filter(application=quarter.a, department__kind__code="police").first()
    assert police is not None
    by_police = figures(supervisor, department=police.department_id)
    assert by_police.total.volume == 2  # A and B have a 句容市公安局 task
    assert by_police.total.tasks == Task.objects.filter(department=police.department).count()
    assert [r.label for r in by_police.by_department] == ["句容市公安局"]

    assert figures(supervisor, channel="window").total.volume == 1
    assert figures(supervisor, one_thing="JS-2022-08").total.volume == 0
    assert figures(supervisor, period=parse_period("2026Q2")).total.volume == 0
    assert figures(supervisor, period=parse_period("2026-03")).total.volume == 3
    assert figures(supervisor, period=parse_period("2026")).total.volume == 3


def test_department_rows_count_each_application_once(quarter, user):
    health = next(r for r in figures(user("supervisor")).by_department if "卫" in r.label)
    assert health.volume == 2  # A and B, however many health tasks each had
    assert health.finished == 2 and health.days_count == 2


def test_one_thing_mode_share_uses_the_recorded_standalone_volume(quarter, user):
    supervisor = user("supervisor")
    summary = figures(supervisor)
    assert summary.total.share is None and not summary.standalone_recorded
    tasks = summary.total.tasks

    # when an editor records a year's stand-alone volume for one item of 新生儿出生
    standalone_volume_set(
        actor=supervisor, item_code="002007118001", region_code="321183", period="2026", count=365
    )

    # then a quarter counts the days it shares with that year: 90 of 365
    summary = figures(supervisor)
    assert summary.standalone_recorded
    assert summary.total.standalone == pytest.approx(90.0)
    assert summary.total.share == pytest.approx(round(100 * tasks / (tasks + 90), 1))
    newborn = summary.by_one_thing[0]
    assert newborn.share == summary.total.share
    health = next(r for r in summary.by_department if "卫" in r.label)
    assert health.standalone == pytest.approx(90.0)
    assert all(r.standalone is None for r in summary.by_department if "卫" not in r.label)


def test_ratings_and_tickets_show_a_dash_until_their_models_exist(quarter, user, monkeypatch):
    assert feedback.optional_model("ratings", "NoSuchModel") is None
    assert feedback.optional_model("nosuchapp", "Rating") is None
    monkeypatch.setattr(feedback, "optional_model", lambda app, name: None)
    summary = figures(user("supervisor"))
    assert not summary.ratings_available and not summary.tickets_available
    assert summary.total.ratings is None and summary.total.tickets is None


def test_ratings_are_read_through_whatever_links_them_to_applications(quarter, user, monkeypatch):
    # given a stand-in "Rating": the materials of an application, scored by their size
    from onething.cases.models import Material

    monkeypatch.setattr(
        feedback,
        "optional_model",
        lambda app, name: Material if app == "ratings" else None,
    )
    monkeypatch.setattr(feedback, "SCORE_FIELDS", ("size",))

    summary = figures(user("supervisor"))

    in_scope = Material.objects.filter(application__in=[quarter.a, quarter.b, quarter.c])
    assert summary.ratings_available and not summary.tickets_available
    assert summary.total.ratings == in_scope.count()
    assert summary.by_one_thing[0].ratings == in_scope.count()
    assert summary.total.tickets is None


def test_only_supervisors_and_admins_get_figures(quarter, user):
    for name in ("clerk", "coord", "approver", "zhangsan"):
        with pytest.raises(PermissionDenied):
            figures(user(name))


def test_the_number_of_queries_does_not_grow_with_the_data(
    quarter, user, django_assert_max_num_queries, clock
):
    from onething.insight.tests.conftest import decide_all, submit

    supervisor = user("supervisor")
    with django_assert_max_num_queries(16):
        figures(supervisor)
    # more applications, decided by more departments
    clock.set(dt.date(2026, 3, 31))
    for _ in range(3):
        application = submit(user("zhangsan"))
        from onething.cases.services import application_accept

        application_accept(application=application, actor=user("coord"))
        decide_all(application, user("admin"))
    with django_assert_max_num_queries(16):
        summary = figures(supervisor)
    assert summary.total.volume == 6
