from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user, match_token
from ninja import Router, Schema

from onething.core.errors import DomainError

from .auth import bearer
from .models import User
from .selectors import person_for_user, staff_scope
from .services import token_issue
from .tasks import tokens_prune
from .throttle import signin_check, signin_failed, signin_succeeded

router = Router(tags=["auth"])


class TokenRequest(Schema):
    username: str
    password: str
    otp: str | None = None


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: dt.datetime | None


class RoleOut(Schema):
    role: str
    department_id: int


class MeOut(Schema):
    username: str
    name: str
    kind: str
    masked_id_number: str | None = None
    masked_phone: str | None = None
    roles: list[RoleOut]


def _bad_credentials() -> DomainError:
    return DomainError(
        code="bad_credentials",
        message="用户名、密码或动态验证码不正确。",
        message_en="The user name, password or one-time code is wrong.",
    )


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


@router.post("/token", response={200: TokenOut}, auth=None, summary="Sign in and get a token")
def token_create(request: HttpRequest, payload: TokenRequest) -> TokenOut:
    address = _client_address(request)
    signin_check(username=payload.username, address=address)
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, User) or not user.is_active:
        signin_failed(username=payload.username, address=address)
        raise _bad_credentials()
    has_device = any(devices_for_user(user, confirmed=True))
    if has_device and (not payload.otp or match_token(user, payload.otp) is None):
        signin_failed(username=payload.username, address=address)
        raise DomainError(
            code="otp_required",
            message="该账户已启用动态验证码，请输入验证器中的6位数字。",
            message_en="This account uses a one-time code; send the 6 digits from your app.",
        )
    signin_succeeded(username=payload.username, address=address)
    transaction.on_commit(tokens_prune.enqueue)  # housekeeping, in the background
    token, secret = token_issue(
        user=user,
        name="sign-in",
        lifetime=dt.timedelta(hours=settings.ONETHING_API_TOKEN_HOURS),
    )
    return TokenOut(token=secret, expires_at=token.expires_at)


@router.get("/me", response=MeOut, auth=bearer, summary="Who the token belongs to")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    assert isinstance(user, User)
    person = person_for_user(user)
    return MeOut(
        username=user.username,
        name=str(user),
        kind=user.kind,
        masked_id_number=person.masked_id_number if person else None,
        masked_phone=person.masked_phone if person else None,
        roles=[
            RoleOut(role=g.role, department_id=g.department_id) for g in staff_scope(user).grants
        ],
    )
