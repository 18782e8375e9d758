"""Reads of tickets, scoped to who is asking.

- hotline agents and supervisors see the tickets of their region and the regions below it;
- a department's coordinators, approvers and system see the tickets routed to that department;
- an applicant sees the tickets they filed or that are about them;
- platform administrators see everything.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from onething.accounts.models import StaffMembership, StaffRole, User
from onething.accounts.selectors import staff_scope
from onething.cases.deadlines import ACTIVE_TASKS
from onething.cases.models import DeadlineWarning
from onething.cases.workflow import AppState
from onething.core.errors import NotFound
from onething.org.models import Department, Region

from .models import Ticket

REGION_ROLES = frozenset({StaffRole.HOTLINE_AGENT, StaffRole.SUPERVISOR})
# the roles that answer a department's tickets
DEPARTMENT_ROLES = frozenset(
    {StaffRole.COORDINATOR, StaffRole.APPROVER, StaffRole.DEPARTMENT_SYSTEM}
)


def _related(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return queryset.select_related(
        "region", "department", "department__region", "one_thing", "application", "created_by"
    )


def covers_region(user: User, region: Region, role: str) -> bool:
    """Whether ``user`` holds ``role`` for ``region`` (their region or one above it)."""
    scope = staff_scope(user)
    if scope.is_platform_admin:
        return True
    return any(g.role == role and region.path.startswith(g.region_path) for g in scope.grants)


def answers_for(user: User, department: Department) -> bool:
    """Whether ``user`` may answer tickets routed to ``department``."""
    scope = staff_scope(user)
    if scope.is_platform_admin:
        return True
    return any(
        g.role in DEPARTMENT_ROLES and g.department_id == department.pk for g in scope.grants
    )


def tickets_for_staff(user: User) -> QuerySet[Ticket]:
    scope = staff_scope(user)
    if not scope.grants:
        return Ticket.objects.none()
    if scope.is_platform_admin:
        return _related(Ticket.objects.all())
    condition = Q(pk__in=[])
    for grant in scope.grants:
        if grant.role in REGION_ROLES:
            condition |= Q(region__path__startswith=grant.region_path)
        elif grant.role in DEPARTMENT_ROLES:
            condition |= Q(department_id=grant.department_id)
    return _related(Ticket.objects.filter(condition))


def tickets_for_department(user: User) -> QuerySet[Ticket]:
    """The department inbox: tickets routed to the user's own departments."""
    scope = staff_scope(user)
    if scope.is_platform_admin:
        return _related(Ticket.objects.filter(department__isnull=False))
    departments = [g.department_id for g in scope.grants if g.role in DEPARTMENT_ROLES]
    return _related(Ticket.objects.filter(department_id__in=departments))


def tickets_of_region(user: User, role: str) -> QuerySet[Ticket]:
    """Tickets in the regions where ``user`` holds ``role`` (agents' console, supervisors)."""
    scope = staff_scope(user)
    if scope.is_platform_admin:
        return _related(Ticket.objects.all())
    condition = Q(pk__in=[])
    for grant in scope.grants:
        if grant.role == role:
            condition |= Q(region__path__startswith=grant.region_path)
    return _related(Ticket.objects.filter(condition))


def tickets_of_applicant(user: User) -> QuerySet[Ticket]:
    if not user.is_authenticated:
        return Ticket.objects.none()
    return _related(Ticket.objects.filter(Q(created_by=user) | Q(caller_person__user=user)))


def ticket_get(user: User, number: str) -> Ticket:
    """The ticket if ``user`` may see it; otherwise NotFound (its existence stays hidden)."""
    visible = tickets_of_applicant(user) if user.is_applicant else tickets_for_staff(user)
    found = visible.filter(number=number).first()
    if found is None:
        raise NotFound(
            code="ticket_not_found",
            message=f"没有找到工单 {number}。",
            message_en=f"No ticket {number} that you may see.",
        )
    return found


def agent_regions(user: User) -> QuerySet[Region]:
    """The counties (and cities) a hotline agent takes calls for, for the region choice."""
    scope = staff_scope(user)
    paths = {g.region_path for g in scope.grants if g.role == StaffRole.HOTLINE_AGENT}
    levels = [Region.Level.COUNTY, Region.Level.CITY]
    if scope.is_platform_admin:
        return Region.objects.filter(level__in=levels)
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return Region.objects.filter(condition, level__in=levels)


def department_handlers(department: Department) -> set[User]:
    """Who hears about a ticket routed to ``department``."""
    rows = StaffMembership.objects.filter(
        department=department, role__in=[StaffRole.COORDINATOR, StaffRole.APPROVER]
    ).select_related("user")
    return {m.user for m in rows}


def _staff_of(region: Region, role: str) -> set[User]:
    rows = StaffMembership.objects.filter(role=role).select_related("user", "department__region")
    return {m.user for m in rows if region.path.startswith(m.department.region.path)}


def supervisors_of(region: Region) -> set[User]:
    return _staff_of(region, StaffRole.SUPERVISOR)


def hotline_for(ticket: Ticket) -> set[User]:
    """Who at the hotline follows a ticket: the agent who took the call; for a ticket filed
    online, every agent of its region."""
    if not ticket.created_by.is_applicant:
        return {ticket.created_by}
    return _staff_of(ticket.region, StaffRole.HOTLINE_AGENT)


def application_overdue(ticket: Ticket) -> list[str]:
    """What of the ticket's application is overdue (a red warning raised by the daily deadline
    check, still open): the items' names, or the one-thing's for the case as a whole."""
    application = ticket.application
    if application is None:
        return []
    open_tasks = Q(task__status__in=ACTIVE_TASKS)
    open_case = Q(task__isnull=True, application__status=AppState.ACCEPTED)
    warnings = (
        DeadlineWarning.objects.filter(application=application, level=DeadlineWarning.Level.RED)
        .filter(open_tasks | open_case)
        .select_related("task")
        .order_by("due_date", "pk")
    )
    return [w.task.item_name if w.task else application.one_thing.name for w in warnings]
