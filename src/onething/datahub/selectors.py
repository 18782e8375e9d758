"""Reads of the data hub's own records: agreements, the access log, objections, statistics.

Who may see what is decided here:
- an applicant sees the reads of their own data (and of the enterprises they act for) and their
  own objections;
- staff see the objections addressed to their department (supervisors: their region's), and
  may answer those of their own department only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from onething.accounts.models import EnterpriseOperator, Person, StaffRole, User
from onething.accounts.selectors import person_for_user, staff_scope
from onething.cases.models import Application
from onething.catalog.models import OneThingVersion
from onething.core.crypto import hmac_sm3_hex
from onething.core.errors import NotFound
from onething.org.models import Department, Region

from .models import DataAccess, DataObjection, FieldSource, SharingAgreement
from .registry import register

ANSWERING_ROLES = (StaffRole.APPROVER, StaffRole.COORDINATOR)


def agreement_covering(
    *, kind_id: int, resource: str, fields: Iterable[str]
) -> SharingAgreement | None:
    """The active agreement that lets this kind of department read all these fields, if any."""
    agreement = SharingAgreement.objects.filter(
        requesting_kind_id=kind_id, resource=resource, active=True
    ).first()
    if agreement is None or not agreement.covers(set(fields)):
        return None
    return agreement


def agreements_for(department: Department) -> QuerySet[SharingAgreement]:
    return SharingAgreement.objects.filter(requesting_kind=department.kind, active=True)


def lead_department(version: OneThingVersion) -> Department:
    """The department that leads a one-thing where it is published: it reads on its behalf."""
    lead = next((d for d in version.snapshot["departments"] if d["role"] == "lead"), None)
    department = (
        Department.objects.select_related("region", "kind")
        .filter(region=version.one_thing.region, kind__code=lead["kind"] if lead else "")
        .first()
    )
    if department is None:
        raise NotFound(
            code="lead_department_not_found",
            message=f"“{version.one_thing.name}”没有牵头部门，无法读取共享数据。",
            message_en=f"{version.one_thing.code} has no lead department.",
        )
    return department


def _county(region: Region | None) -> Region | None:
    while region is not None and region.level == Region.Level.STREET:
        region = region.parent
    return region


def providing_department(provider_kind: str, region: Region | None) -> Department | None:
    """The department of the provider's kind nearest above ``region`` (its county first)."""
    node = _county(region)
    while node is not None:
        department = Department.objects.filter(region=node, kind__seed_name=provider_kind).first()
        if department is not None:
            return department
        node = node.parent
    return None


# ---------------------------------------------------------------- the applicant's data tracker


def subject_hashes_of(user: User) -> list[str]:
    """The look-up hashes of the person signed in, and of the enterprises they act for."""
    person = person_for_user(user)
    if person is None:
        return []
    hashes = [person.id_number_hash]
    codes = EnterpriseOperator.objects.filter(user=user, revoked_at__isnull=True).values_list(
        "enterprise__credit_code", flat=True
    )
    hashes += [hmac_sm3_hex(code) for code in codes]
    return hashes


def access_log_for(user: User) -> QuerySet[DataAccess]:
    """Every read of the user's data (and their enterprises'), newest first."""
    return (
        DataAccess.objects.filter(subject_hash__in=subject_hashes_of(user))
        .select_related("department", "application", "actor")
        .order_by("-at", "-pk")
    )


def objections_of(person: Person) -> QuerySet[DataObjection]:
    return DataObjection.objects.filter(applicant=person).select_related("department")


# ---------------------------------------------------------------- staff


def objections_visible_to(user: User) -> QuerySet[DataObjection]:
    scope = staff_scope(user)
    if not scope.grants:
        return DataObjection.objects.none()
    # the region's objections for supervisors only: hotline agents and catalog editors (also
    # region roles elsewhere) see those of their own department, like everyone else
    condition = scope.department_filter(StaffRole.SUPERVISOR, prefix="department__")
    if not scope.is_platform_admin:
        for grant in scope.grants:
            if grant.role != StaffRole.SUPERVISOR:
                condition |= Q(department_id=grant.department_id)
    return (
        DataObjection.objects.filter(condition)
        .select_related("department", "applicant", "resolved_by")
        .order_by("-created_at")
    )


def may_answer(user: User, objection: DataObjection) -> bool:
    """Only staff of the providing department answer (and platform administrators)."""
    scope = staff_scope(user)
    if scope.is_platform_admin:
        return True
    if objection.department is None:
        return False
    return any(scope.covers(objection.department, role) for role in ANSWERING_ROLES)


@dataclass(frozen=True)
class ProviderStats:
    code: str
    name: str
    department_kind: str
    reads: int
    objections: int
    open: int
    corrected: int
    average_hours: float | None  # to resolve, over resolved objections

    @property
    def objection_rate(self) -> float | None:
        """Objections per successful read."""
        return self.objections / self.reads if self.reads else None

    @property
    def objection_percent(self) -> float | None:
        rate = self.objection_rate
        return None if rate is None else rate * 100


def provider_statistics(
    *, departments: QuerySet[Department] | None = None, providers: Iterable[str] | None = None
) -> list[ProviderStats]:
    """Per provider: reads, objections, objection rate and the average hours to resolve one.

    With ``departments``, objections count only those addressed to them; reads are the
    provider's reads across the platform (the denominator of its rate).
    """
    codes = list(providers) if providers is not None else register.keys()
    reads = dict(
        DataAccess.objects.filter(provider__in=codes, outcome=DataAccess.Outcome.OK)
        .values_list("provider")
        .annotate(n=Count("pk"))
        .values_list("provider", "n")
    )
    objections = DataObjection.objects.filter(provider__in=codes)
    if departments is not None:
        objections = objections.filter(department__in=departments)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for code, status, n in (
        objections.values_list("provider", "status").annotate(n=Count("pk")).order_by()
    ):
        counts[code][status] += n
    durations: dict[str, list[dt.timedelta]] = defaultdict(list)
    for code, created, resolved in objections.filter(resolved_at__isnull=False).values_list(
        "provider", "created_at", "resolved_at"
    ):
        if resolved is not None:
            durations[code].append(resolved - created)
    stats = []
    for code in codes:
        provider = register[code]
        spent = durations.get(code, [])
        by_status = counts.get(code, {})
        stats.append(
            ProviderStats(
                code=code,
                name=provider.name,
                department_kind=provider.department_kind,
                reads=reads.get(code, 0),
                objections=sum(by_status.values()),
                open=by_status.get(DataObjection.Status.OPEN, 0),
                corrected=by_status.get(DataObjection.Status.CORRECTED, 0),
                average_hours=(
                    sum(d.total_seconds() for d in spent) / len(spent) / 3600 if spent else None
                ),
            )
        )
    return stats


def providers_of_kinds(kinds: Iterable[str]) -> list[str]:
    """Provider codes whose providing department kind (seed name) is among ``kinds``."""
    wanted = set(kinds)
    return [p.code for p in register if p.department_kind in wanted]


def staff_provider_codes(user: User) -> list[str] | None:
    """The providers a staff member's departments keep; None for everything (admin/supervisor)."""
    scope = staff_scope(user)
    if scope.is_platform_admin or scope.has_role(StaffRole.SUPERVISOR):
        return None
    kinds = Department.objects.filter(scope.department_filter()).values_list(
        "kind__seed_name", flat=True
    )
    return providers_of_kinds(kinds)


def field_sources_of(application: Application) -> dict[str, FieldSource]:
    """Where each value of a submitted form came from, by data element (none recorded: {})."""
    return {s.element: s for s in FieldSource.objects.filter(application=application)}


def objections_on(application: Application) -> dict[str, DataObjection]:
    """The objections raised on an application, newest per data element."""
    found: dict[str, DataObjection] = {}
    for o in DataObjection.objects.filter(application=application).order_by("created_at"):
        found[o.element] = o
    return found
