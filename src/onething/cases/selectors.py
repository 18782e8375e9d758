"""Reads of applications and tasks, scoped to who is asking.

- applicants see the applications they submitted or that are theirs (as person or enterprise);
- approvers and department systems see the tasks of their own department;
- coordinators see the applications their department leads; window clerks those of their
  region; supervisors everything in their region and below.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from onething.accounts.models import StaffRole, User
from onething.accounts.selectors import staff_scope
from onething.core.errors import NotFound

from .models import Application, Task


def applications_of_applicant(user: User) -> QuerySet[Application]:
    return (
        Application.objects.filter(
            Q(submitted_by=user)
            | Q(person__user=user)
            | Q(enterprise__operators__user=user, enterprise__operators__revoked_at__isnull=True)
        )
        .distinct()
        .select_related("one_thing", "person", "enterprise")
    )


def applications_for_staff(user: User) -> QuerySet[Application]:
    scope = staff_scope(user)
    if not scope.grants:
        return Application.objects.none()
    if scope.is_platform_admin:
        condition = Q()
    else:
        condition = Q(pk__in=[])
        for grant in scope.grants:
            if grant.role == StaffRole.COORDINATOR:
                condition |= Q(lead_department_id=grant.department_id)
            elif grant.role in {
                StaffRole.WINDOW_CLERK,
                StaffRole.SUPERVISOR,
                StaffRole.HOTLINE_AGENT,
            }:
                condition |= Q(lead_department__region__path__startswith=grant.region_path)
                condition |= Q(jurisdiction__path__startswith=grant.region_path)
            elif grant.role in {StaffRole.APPROVER, StaffRole.DEPARTMENT_SYSTEM}:
                condition |= Q(tasks__department_id=grant.department_id)
    return (
        Application.objects.filter(condition)
        .distinct()
        .select_related("one_thing", "person", "enterprise", "lead_department")
    )


def tasks_for_department_staff(user: User) -> QuerySet[Task]:
    scope = staff_scope(user)
    departments = [
        g.department_id
        for g in scope.grants
        if g.role in {StaffRole.APPROVER, StaffRole.DEPARTMENT_SYSTEM}
    ]
    queryset = (
        Task.objects.all()
        if scope.is_platform_admin
        else Task.objects.filter(department_id__in=departments)
    )
    return queryset.select_related("application", "application__one_thing", "department")


def application_get(user: User, number: str) -> Application:
    """The application if ``user`` may see it; otherwise NotFound (its existence stays hidden)."""
    found = (
        (applications_of_applicant(user) | applications_for_staff(user))
        .filter(number=number)
        .first()
    )
    if found is None:
        raise NotFound(
            code="application_not_found",
            message=f"没有找到办件 {number}。",
            message_en=f"No application {number} that you may see.",
        )
    return found


def task_get(user: User, task_id: int) -> Task:
    found = tasks_for_department_staff(user).filter(pk=task_id).first()
    if found is None:
        raise NotFound(
            code="task_not_found",
            message="没有找到这件部门办件。",
            message_en="No such task for your department.",
        )
    return found
