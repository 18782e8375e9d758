"""Applicant sign-in through OpenID Connect (production), with mozilla-django-oidc.

Enabled when ``OIDC_OP_AUTHORIZATION_ENDPOINT`` and ``OIDC_RP_CLIENT_ID`` are set. The provider's
claims must carry the citizen ID number (claim named by ``ONETHING_OIDC_ID_NUMBER_CLAIM``); a
person is matched by its HMAC-SM3 hash, never by the clear number.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from onething.core.crypto import hmac_sm3_hex
from onething.core.errors import ValidationFailed
from onething.core.identifiers import normalize_id_number

from .models import Person, User
from .services import person_create


def id_number_from_claims(claims: dict[str, Any]) -> str | None:
    raw = claims.get(str(settings.ONETHING_OIDC_ID_NUMBER_CLAIM))
    if not raw:
        return None
    try:
        return normalize_id_number(str(raw))
    except ValidationFailed:
        return None


class ApplicantOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return id_number_from_claims(claims) is not None

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        number = id_number_from_claims(claims)
        if number is None:
            return User.objects.none()
        return User.objects.filter(person__id_number_hash=hmac_sm3_hex(number))

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> User:
        number = id_number_from_claims(claims)
        assert number is not None
        name = str(claims.get("name") or "")
        user = User.objects.create_user(
            username=f"oidc-{hmac_sm3_hex(number)[:16]}",
            kind=User.Kind.APPLICANT,
            display_name=name,
        )
        person = Person.objects.filter(id_number_hash=hmac_sm3_hex(number)).first()
        if person is None:
            person_create(
                name=name, id_number=number, phone=str(claims.get("phone_number") or ""), user=user
            )
        elif person.user_id is None:
            person.user = user
            person.save(update_fields=["user", "updated_at"])
        return user

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        return user
