import datetime as dt

from onething.cases.deadlines import deadlines_check, level_for
from onething.cases.models import DeadlineWarning
from onething.cases.services import application_accept
from onething.notify.models import Message


def test_levels_count_working_days(db):
    friday = dt.date(2026, 3, 6)
    assert level_for(dt.date(2026, 3, 9), friday) == "yellow"  # next working day is Monday
    assert level_for(dt.date(2026, 3, 10), friday) is None
    assert level_for(dt.date(2026, 3, 5), friday) == "red"


def test_warnings_are_raised_once_and_tell_the_right_people(submit, user, on_a_workday):
    application = submit()
    application_accept(application=application, actor=user("coord"))
    task = application.tasks.get(item_name="出生医学证明首次签发")
    overdue_day = task.due_date + dt.timedelta(days=1)
    first = deadlines_check(overdue_day)
    assert first["red"] >= 1
    again = deadlines_check(overdue_day)
    assert again == {"yellow": 0, "red": 0}
    warning = DeadlineWarning.objects.get(task=task, level="red")
    assert warning.due_date == task.due_date
    told = set(
        Message.objects.filter(kind="deadline.red", channel="inapp").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"coord", "supervisor"} <= told  # department approver/coordinator and supervisor
    assert "approver" not in told  # 公安 has no overdue task yet


def test_paused_work_is_not_warned(submit, user, on_a_workday):
    application = submit()
    application_accept(application=application, actor=user("coord"))
    from onething.cases.services import task_decide

    task = application.tasks.get(item_name="出生医学证明首次签发")
    task_decide(task=task, actor=user("coord"), decision="return", opinion="补充记录")
    deadlines_check(task.due_date + dt.timedelta(days=5))
    assert not DeadlineWarning.objects.filter(task=task).exists()


def test_the_daily_check_is_queued_once(db, settings):
    from django_tasks_db.models import DBTaskResult

    from onething.cases.deadlines import deadlines_schedule_once

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    assert deadlines_schedule_once() is True
    assert deadlines_schedule_once() is False
    assert DBTaskResult.objects.filter(task_path__endswith="deadlines_daily").count() == 1
