"""Reads that depend on who is asking: the department and region scope of a staff member.

Rules (checked here, never only in templates):
- window clerks, coordinators, approvers and department systems act for their own department;
- supervisors, hotline agents and catalog editors see every department in their department's
  region and the regions below it;
- platform administrators see everything;
- applicants see no department's internal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from onething.core.crypto import hmac_sm3_hex, sm3_hex
from onething.core.errors import PermissionDenied
from onething.org.models import Department, Region

from .models import AgentAuthorization, ApiToken, Person, StaffMembership, StaffRole, User

OWN_DEPARTMENT_ROLES = frozenset(
    {StaffRole.WINDOW_CLERK, StaffRole.COORDINATOR, StaffRole.APPROVER, StaffRole.DEPARTMENT_SYSTEM}
)
REGION_ROLES = frozenset({StaffRole.SUPERVISOR, StaffRole.HOTLINE_AGENT, StaffRole.CATALOG_EDITOR})


@dataclass(frozen=True)
class Grant:
    role: str
    department_id: int
    region_path: str


@dataclass(frozen=True)
class StaffScope:
    """What one staff member may see, computed once per request from their memberships."""

    grants: tuple[Grant, ...]

    @property
    def roles(self) -> set[str]:
        return {grant.role for grant in self.grants}

    @property
    def is_platform_admin(self) -> bool:
        return StaffRole.PLATFORM_ADMIN in self.roles

    def has_role(self, role: str) -> bool:
        return self.is_platform_admin or role in self.roles

    def department_filter(self, role: str | None = None, prefix: str = "") -> Q:
        """A filter on Department (or on ``<prefix>department``) for what this scope covers."""
        if self.is_platform_admin:
            return Q()
        condition = Q(pk__in=[])
        for grant in self.grants:
            if role is not None and grant.role != role:
                continue
            if grant.role in REGION_ROLES:
                condition |= Q(**{f"{prefix}region__path__startswith": grant.region_path})
            else:
                condition |= Q(**{f"{prefix}pk": grant.department_id})
        return condition

    def covers(self, department: Department, role: str | None = None) -> bool:
        if self.is_platform_admin:
            return True
        for grant in self.grants:
            if role is not None and grant.role != role:
                continue
            if grant.role in REGION_ROLES:
                if department.region.path.startswith(grant.region_path):
                    return True
            elif grant.department_id == department.pk:
                return True
        return False


def staff_scope(user: User) -> StaffScope:
    if not user.is_authenticated or user.kind == User.Kind.APPLICANT:
        return StaffScope(grants=())
    cached = getattr(user, "_staff_scope", None)
    if cached is not None:
        return cached
    rows = StaffMembership.objects.filter(user=user).values_list(
        "role", "department_id", "department__region__path"
    )
    scope = StaffScope(grants=tuple(Grant(*row) for row in rows))
    user._staff_scope = scope  # type: ignore[attr-defined]
    return scope


def departments_visible_to(user: User, *, role: str | None = None) -> QuerySet[Department]:
    scope = staff_scope(user)
    if not scope.grants:
        return Department.objects.none()
    return (
        Department.objects.filter(scope.department_filter(role))
        .select_related("region", "kind")
        .order_by("region__code", "kind__code")
    )


def department_require(user: User, department: Department, *, role: str | None = None) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may act for ``department`` (in ``role``)."""
    if not staff_scope(user).covers(department, role):
        raise PermissionDenied(
            code="department_out_of_scope",
            message="您无权查看或办理其他部门、其他地区的业务。",
            message_en="You may not see or act on another department's or region's work.",
            details={"department": department.name},
        )


def regions_visible_to(user: User) -> QuerySet[Region]:
    scope = staff_scope(user)
    if scope.is_platform_admin:
        return Region.objects.all()
    paths = {g.region_path for g in scope.grants}
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return Region.objects.filter(condition)


def staff_visible_to(user: User) -> QuerySet[StaffMembership]:
    """Staff memberships in the departments the user covers (for supervisors' and admins' lists)."""
    scope = staff_scope(user)
    return (
        StaffMembership.objects.filter(scope.department_filter(prefix="department__"))
        .select_related("user", "department", "department__region")
        .order_by("department__region__code", "department__kind__code", "user__username")
    )


def person_for_user(user: User) -> Person | None:
    return Person.objects.filter(user=user).select_related("household_region").first()


def person_by_id_number(id_number: str) -> Person | None:
    from onething.core.identifiers import normalize_id_number

    return Person.objects.filter(
        id_number_hash=hmac_sm3_hex(normalize_id_number(id_number))
    ).first()


def agent_may_act_for(
    *, agent: User, principal: Person, one_thing_code: str, on: dt.date | None = None
) -> bool:
    day = on or timezone.localdate()
    for auth in AgentAuthorization.objects.filter(
        agent=agent,
        principal=principal,
        revoked_at__isnull=True,
        valid_from__lte=day,
        valid_until__gte=day,
    ):
        if not auth.scope or one_thing_code in auth.scope:
            return True
    return False


def token_authenticate(secret: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("user", "department", "department__region")
        .filter(digest=sm3_hex(secret.encode()))
        .first()
    )
    if token is None or not token.is_active() or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
