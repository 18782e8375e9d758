"""Deadline warnings: a daily background job raises a yellow warning when a task or a case is
due within one working day and a red one when it is overdue, and tells the department, the lead
department and the region's supervisors. Paused work (an open correction, a returned task) is
not counted. Each warning is raised once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from onething.accounts.models import StaffMembership, StaffRole, User
from onething.core.daily import at_tomorrow, schedule_once
from onething.core.workdays import WorkCalendarUnknown, add_working_days
from onething.notify.services import notify
from onething.org.models import Department

from .models import Application, DeadlineWarning, Task
from .workflow import AppState, TaskState

ACTIVE_TASKS = (TaskState.RELEASED, TaskState.CLAIMED)


def level_for(due: dt.date, today: dt.date) -> str | None:
    if today > due:
        return DeadlineWarning.Level.RED
    try:
        soon = add_working_days(today, 1) >= due
    except WorkCalendarUnknown:
        soon = (due - today).days <= 1
    return DeadlineWarning.Level.YELLOW if soon else None


def _recipients(department: Department, lead: Department) -> Iterable[User]:
    rows = StaffMembership.objects.select_related("user", "department__region")
    users = {m.user for m in rows.filter(department=department, role=StaffRole.APPROVER)}
    users |= {m.user for m in rows.filter(department=lead, role=StaffRole.COORDINATOR)}
    for membership in rows.filter(role=StaffRole.SUPERVISOR):
        if department.region.path.startswith(membership.department.region.path):
            users.add(membership.user)
    return users


def _raise(
    application: Application, task_row: Task | None, level: str, due: dt.date, today: dt.date
) -> bool:
    try:
        with transaction.atomic():
            DeadlineWarning.objects.create(
                application=application, task=task_row, level=level, due_date=due, raised_on=today
            )
            department = task_row.department if task_row else application.lead_department
            what = task_row.item_name if task_row else application.one_thing.name
            label = DeadlineWarning.Level(level).label
            for user in _recipients(department, application.lead_department):
                notify(
                    user=user,
                    kind=f"deadline.{level}",
                    subject=f"{label}：{what}",
                    body=f"办件{application.number}“{what}”办理期限为{due:%Y年%m月%d日}，{label}。",
                )
    except IntegrityError:
        return False  # already raised
    return True


def deadlines_check(today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    raised = {"yellow": 0, "red": 0}
    tasks = Task.objects.filter(status__in=ACTIVE_TASKS, due_date__isnull=False).select_related(
        "application",
        "application__one_thing",
        "application__lead_department",
        "department",
        "department__region",
    )
    for row in tasks.iterator(chunk_size=500):
        due = row.due_date
        level = level_for(due, today) if due else None
        if due and level and _raise(row.application, row, level, due, today):
            raised[level] += 1
    cases = Application.objects.filter(status=AppState.ACCEPTED, due_date__isnull=False)
    for application in cases.select_related("one_thing", "lead_department__region"):
        due = application.due_date
        level = level_for(due, today) if due else None
        if due and level and _raise(application, None, level, due, today):
            raised[level] += 1
    return raised


def deadlines_schedule_once() -> bool:
    """Queue the daily check unless one is already waiting (``onething serve`` calls this)."""
    return schedule_once(deadlines_daily)


@task()
def deadlines_daily() -> dict[str, int]:
    """Check now, then schedule tomorrow's run at 08:00 local time."""
    result = deadlines_check()
    at_tomorrow(deadlines_daily, hour=8)
    return result
