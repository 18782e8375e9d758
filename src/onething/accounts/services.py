"""Writes for people, enterprises, staff, agents and tokens.

Every personal number passes through ``onething.core.identifiers`` (python-stdnum) before it is
stored, encrypted, with its HMAC-SM3 look-up hash.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from onething.core.crypto import hmac_sm3_hex, sm3_hex
from onething.core.errors import ValidationFailed
from onething.core.identifiers import (
    birth_date_of,
    is_male,
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
)
from onething.org.models import Department, Region

from .models import (
    AgentAuthorization,
    ApiToken,
    Enterprise,
    EnterpriseOperator,
    Person,
    StaffMembership,
    StaffRole,
    User,
)

TOKEN_PREFIX = "ot_"


def person_lookup_hash(id_number: str) -> str:
    return hmac_sm3_hex(normalize_id_number(id_number))


@transaction.atomic
def person_create(
    *,
    name: str,
    id_number: str,
    phone: str = "",
    household_region: Region | None = None,
    user: User | None = None,
) -> Person:
    number = normalize_id_number(id_number)
    mobile = normalize_mobile(phone) if phone else ""
    if Person.objects.filter(id_number_hash=hmac_sm3_hex(number)).exists():
        raise ValidationFailed(
            code="person_exists",
            message="该公民身份号码已登记。",
            message_en="A person with this citizen ID number is already registered.",
            details={"field": "id_number"},
        )
    birth = birth_date_of(number)
    return Person.objects.create(
        user=user,
        name=name.strip(),
        id_number=number,
        id_number_hash=hmac_sm3_hex(number),
        phone=mobile,
        phone_hash=hmac_sm3_hex(mobile) if mobile else "",
        sex=Person.Sex.MALE if is_male(number) else Person.Sex.FEMALE,
        birth_date=birth,
        household_region=household_region,
    )


@transaction.atomic
def applicant_register(
    *,
    username: str,
    password: str,
    name: str,
    id_number: str,
    phone: str = "",
    household_region: Region | None = None,
) -> User:
    user = User.objects.create_user(
        username=username, password=password, kind=User.Kind.APPLICANT, display_name=name
    )
    person_create(
        name=name, id_number=id_number, phone=phone, household_region=household_region, user=user
    )
    return user


@transaction.atomic
def enterprise_create(
    *,
    name: str,
    credit_code: str,
    legal_representative: Person,
    region: Region,
    address: str = "",
) -> Enterprise:
    code = normalize_credit_code(credit_code)
    return Enterprise.objects.create(
        name=name,
        credit_code=code,
        legal_representative=legal_representative,
        region=region,
        address=address,
    )


def enterprise_operator_add(
    *, enterprise: Enterprise, user: User, role: str, valid_until: dt.date | None = None
) -> EnterpriseOperator:
    operator, _ = EnterpriseOperator.objects.update_or_create(
        enterprise=enterprise,
        user=user,
        defaults={"role": role, "valid_until": valid_until, "revoked_at": None},
    )
    return operator


def agent_authorize(
    *,
    principal: Person,
    agent: User,
    valid_from: dt.date,
    valid_until: dt.date,
    evidence: str,
    scope: Iterable[str] = (),
    recorded_by: User | None = None,
) -> AgentAuthorization:
    if valid_until < valid_from:
        raise ValidationFailed(
            code="authorization_dates",
            message="授权的失效日期不能早于生效日期。",
            message_en="The authorisation cannot end before it starts.",
            details={"field": "valid_until"},
        )
    if not evidence.strip():
        raise ValidationFailed(
            code="authorization_evidence",
            message="请填写授权书编号或说明。",
            message_en="Record the letter of authorisation or its description.",
            details={"field": "evidence"},
        )
    return AgentAuthorization.objects.create(
        principal=principal,
        agent=agent,
        valid_from=valid_from,
        valid_until=valid_until,
        evidence=evidence.strip(),
        scope=sorted(set(scope)),
        recorded_by=recorded_by,
    )


# Django admin permissions that go with a role (the admin is the catalog editors' workplace).
ROLE_ADMIN_PERMISSIONS = {
    StaffRole.CATALOG_EDITOR: {
        "catalog": [
            "dataelement",
            "serviceitem",
            "materialrequirement",
            "itemfield",
            "onething",
            "onethingdepartment",
            "onethingitem",
        ],
        "view:catalog": ["onethingversion"],
        "view:certificates": ["certificatetype"],
        # the knowledge base (staff entries; generated ones are read-only in the admin)
        "hotline": ["knowledgeentry"],
        "insight": ["standalonevolume"],
    },
    StaffRole.HOTLINE_AGENT: {
        "view:hotline": ["knowledgeentry", "routingrule", "ticket"],
        "add:hotline": ["knowledgeentry"],
        "change:hotline": ["knowledgeentry"],
    },
    StaffRole.SUPERVISOR: {
        "hotline": ["routingrule"],  # a rule names a one-thing and a region (autocomplete)
        "view:catalog": ["onething"],
        "view:org": ["region"],
        "view:hotline": ["knowledgeentry", "ticket"],
        "view:ratings": ["rating", "rectification"],
        "view:insight": ["assessment", "standalonevolume"],
    },
}


def role_group(role: str) -> Group | None:
    """The admin group of a role, with its permissions (created on first use)."""
    spec = ROLE_ADMIN_PERMISSIONS.get(StaffRole(role))
    if spec is None:
        return None
    group, _ = Group.objects.get_or_create(name=f"role:{role}")
    wanted = []
    for key, models in spec.items():
        actions, _, app = key.rpartition(":")
        for model in models:
            for action in [actions] if actions else ["view", "add", "change", "delete"]:
                wanted.append((app, f"{action}_{model}"))
    permissions = Permission.objects.filter(content_type__app_label__in={a for a, _ in wanted})
    group.permissions.set(
        [p for p in permissions if (p.content_type.app_label, p.codename) in set(wanted)]
    )
    return group


def staff_role_grant(*, user: User, department: Department, role: str) -> StaffMembership:
    membership, _ = StaffMembership.objects.get_or_create(
        user=user, department=department, role=role
    )
    group = role_group(role)
    if group is not None:
        user.groups.add(group)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return membership


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    name: str,
    roles: Iterable[tuple[Department, str]],
) -> User:
    user = User.objects.create_user(
        username=username,
        password=password,
        kind=User.Kind.STAFF,
        display_name=name,
        is_staff=False,
    )
    for department, role in roles:
        staff_role_grant(user=user, department=department, role=role)
    return user


def _new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_issue(
    *,
    user: User,
    name: str,
    department: Department | None = None,
    lifetime: dt.timedelta | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    secret = _new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        department=department,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=sm3_hex(secret.encode()),
        expires_at=timezone.now() + lifetime if lifetime else None,
    )
    return token, secret


@transaction.atomic
def department_system_token_create(
    *, department: Department, name: str, lifetime: dt.timedelta | None = None
) -> tuple[ApiToken, str]:
    """A long-lived token for a department's own business system, scoped to that department."""
    username = f"system-{department.region.code}-{department.kind.code}"
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={"kind": User.Kind.SYSTEM, "display_name": f"{department.name}业务系统"},
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    StaffMembership.objects.get_or_create(
        user=user, department=department, role="department_system"
    )
    return token_issue(user=user, name=name, department=department, lifetime=lifetime)


def token_revoke(*, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
