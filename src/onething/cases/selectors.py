"""Reads of applications and tasks, scoped to who is asking.

- applicants see the applications they submitted or that are theirs (as person or enterprise);
- approvers and department systems see the tasks of their own department;
- coordinators see the applications their department leads; window clerks those of their
  region; supervisors everything in their region and below.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import cached_property

from onething.accounts.models import StaffRole, User
from onething.accounts.selectors import staff_scope
from onething.core.errors import NotFound
from onething.org.models import Department, Region

from .models import Application, Task

# Lists count at most this many rows: a page view never counts a million applications.
COUNT_CAP = 10_000
# What a list row never shows: encrypted or bulky columns left out of list queries.
LIST_DEFERRED = ("form_data", "delivery_address", "answers", "chosen_items")


class CappedPaginator(Paginator):
    """Pages over a list that may hold a million rows, counting at most ``cap`` of them.

    ``count`` runs ``SELECT COUNT(*) FROM (… LIMIT cap + 1)``; past the cap the page shows
    "10000+" (``count_label``) and the pages up to the cap; narrowing the filter finds the rest.
    """

    def __init__(self, object_list: QuerySet[Any], per_page: int, cap: int = COUNT_CAP) -> None:
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        counted = self.queryset.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)

    def page(self, number: Any) -> Page:
        """One page: its keys first (past the offset, from an index alone), then its 50 rows,
        so that page 100 costs about what page 1 costs."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = list(self.queryset.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = {row.pk: row for row in self.queryset.filter(pk__in=keys).order_by()}
        return Page([rows[key] for key in keys if key in rows], number, self)

    @property
    def count_label(self) -> str:
        return f"{self.count}+" if self.count and self.capped else str(self.count)

    @property
    def num_pages_label(self) -> str:
        return f"{self.num_pages}+" if self.count and self.capped else str(self.num_pages)


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
    """The applications ``user`` may see as staff, without joins or DISTINCT.

    The scope is turned into lists of department and region ids first (small tables), so the
    filter on a million applications is ``lead_department_id IN (…) OR jurisdiction_id IN (…)``
    and an index on the sort order can stop after one page.
    """
    scope = staff_scope(user)
    if not scope.grants:
        return Application.objects.none()
    if scope.is_platform_admin:
        condition = Q()
    else:
        departments: set[int] = set()
        region_paths: set[str] = set()
        task_departments: set[int] = set()
        for grant in scope.grants:
            if grant.role == StaffRole.COORDINATOR:
                departments.add(grant.department_id)
            elif grant.role in {
                StaffRole.WINDOW_CLERK,
                StaffRole.SUPERVISOR,
                StaffRole.HOTLINE_AGENT,
            }:
                region_paths.add(grant.region_path)
            elif grant.role in {StaffRole.APPROVER, StaffRole.DEPARTMENT_SYSTEM}:
                task_departments.add(grant.department_id)
        regions: list[int] = []
        if region_paths:
            under = Q(pk__in=[])
            for region_path in region_paths:
                under |= Q(path__startswith=region_path)
            regions = list(Region.objects.filter(under).values_list("pk", flat=True))
            departments.update(
                Department.objects.filter(region__in=regions).values_list("pk", flat=True)
            )
        condition = Q(pk__in=[])
        if departments:
            condition |= Q(lead_department_id__in=sorted(departments))
        if regions:
            condition |= Q(jurisdiction_id__in=sorted(regions))
        if task_departments:
            condition |= Q(
                Exists(
                    Task.objects.filter(
                        application=OuterRef("pk"), department_id__in=sorted(task_departments)
                    )
                )
            )
    return Application.objects.filter(condition).select_related(
        "one_thing", "person", "enterprise", "lead_department"
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
        applications_for_staff(user).filter(number=number).first()
        or applications_of_applicant(user).filter(number=number).first()
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
