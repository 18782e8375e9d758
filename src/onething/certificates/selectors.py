"""Reads of certificates, for their holders.

- ``certificates_held(user)``: the wallet (卡包) — the certificates of the user's own person and
  of the enterprises they operate (an active, unrevoked operator role), newest first;
- ``certificate_types_held(holder)``: the names of the types a person or enterprise holds a
  valid certificate of, for the guide's 两个免于提交.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from onething.accounts.models import Enterprise, Person, User
from onething.core.errors import NotFound

from .models import Certificate


def certificates_held(user: User) -> QuerySet[Certificate]:
    if not user.is_authenticated:
        return Certificate.objects.none()
    enterprises = Enterprise.objects.filter(
        operators__user=user, operators__revoked_at__isnull=True
    ).values("pk")
    return (
        Certificate.objects.filter(
            Q(holder_person__user=user) | Q(holder_enterprise__in=enterprises)
        )
        .select_related("type", "department", "holder_person", "holder_enterprise")
        .order_by("-issued_at", "-id")
    )


def certificate_held(user: User, number: str) -> Certificate:
    """One certificate of the wallet; ``NotFound`` for any other (whether it exists or not)."""
    certificate = certificates_held(user).filter(number=number.strip().upper()).first()
    if certificate is None:
        raise NotFound(
            code="certificate_not_found",
            message="您的卡包里没有这份电子证照。",
            message_en="Your wallet holds no certificate with this number.",
        )
    return certificate


def _valid(queryset: QuerySet[Certificate]) -> QuerySet[Certificate]:
    return queryset.filter(status=Certificate.Status.VALID).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate())
    )


def certificate_types_held(holder: Person | Enterprise) -> set[str]:
    """Names of the certificate types ``holder`` holds a valid (unrevoked, unexpired) one of."""
    if isinstance(holder, Person):
        queryset = Certificate.objects.filter(holder_person=holder)
    else:
        queryset = Certificate.objects.filter(holder_enterprise=holder)
    return set(_valid(queryset).values_list("type__name", flat=True).distinct())
