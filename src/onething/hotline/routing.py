"""Where a ticket should go.

The most specific active ``RoutingRule`` wins (one naming the ticket's one-thing before a general
one, a rule for the ticket's own region before one for a region above it). It names a kind of
department; the ticket goes to the department of that kind in the ticket's region. Without a rule,
a ticket about an application goes to the application's lead department (it answers for the
deadline), and a ticket about a one-thing to the department of the one-thing's lead kind.
"""

from __future__ import annotations

from django.db.models import Q

from onething.core.errors import ValidationFailed
from onething.org.models import Department, DepartmentKind, Region

from .models import RoutingRule, Ticket


def county_of(region: Region) -> Region:
    """Tickets belong to a county (or a city): a street's ticket is its county's."""
    node = region
    while node.level == Region.Level.STREET and node.parent is not None:
        node = node.parent
    return node


def in_region(department: Department, region: Region) -> bool:
    return department.region.path.startswith(region.path)


def _rule_kind(ticket: Ticket) -> DepartmentKind | None:
    rules = (
        RoutingRule.objects.filter(active=True)
        .filter(Q(one_thing__isnull=True) | Q(one_thing_id=ticket.one_thing_id))
        .select_related("region", "department_kind")
    )
    matching = [
        r for r in rules if r.region is None or ticket.region.path.startswith(r.region.path)
    ]
    if not matching:
        return None
    best = max(
        matching,
        key=lambda r: (r.one_thing_id is not None, len(r.region.path) if r.region else 0),
    )
    return best.department_kind


def _lead_kind(ticket: Ticket) -> DepartmentKind | None:
    if ticket.one_thing is None:
        return None
    lead = ticket.one_thing.departments.filter(role="lead").select_related("kind").first()
    return lead.kind if lead else None


def _department_of_kind(kind: DepartmentKind, region: Region) -> Department | None:
    return (
        Department.objects.filter(kind=kind, region=region).select_related("region").first()
        or Department.objects.filter(kind=kind, region__path__startswith=region.path)
        .select_related("region")
        .first()
    )


def route_suggestion(ticket: Ticket) -> Department | None:
    """The department this ticket should go to, or None when the agent has to choose."""
    kind = _rule_kind(ticket)
    if kind is None and ticket.application is not None:
        lead = ticket.application.lead_department
        if in_region(lead, ticket.region):
            return lead
        kind = lead.kind
    if kind is None:
        kind = _lead_kind(ticket)
    return _department_of_kind(kind, ticket.region) if kind else None


def departments_for(ticket: Ticket) -> list[Department]:
    """Every department a ticket may be routed to: those in its region and below."""
    return list(
        Department.objects.filter(region__path__startswith=ticket.region.path)
        .select_related("region", "kind")
        .order_by("region__code", "kind__code")
    )


def outside_region(department: Department, region: Region) -> ValidationFailed:
    return ValidationFailed(
        code="department_outside_region",
        message=f"{department.name}不属于本工单的所属地区（{region.full_name}），不能派单给它。"
        "请派给本地区的部门，或先更正工单的所属地区。",
        message_en=f"{department.name} is outside the ticket's region ({region.name}); route it "
        "to a department of that region.",
        details={"department": department.name, "region": region.code},
    )
