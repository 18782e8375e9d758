from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from onething.catalog.selectors import one_things_published
from onething.core.views import forbidden_not_staff

from .models import StaffRole, User
from .otp import qr_svg, totp_confirm, totp_device_for_enrolment
from .selectors import (
    OWN_DEPARTMENT_ROLES,
    departments_visible_to,
    person_for_user,
    staff_scope,
    staff_visible_to,
)
from .throttle import Throttled, signin_check, signin_failed, signin_succeeded


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        address = str(request.META.get("REMOTE_ADDR", ""))
        try:
            signin_check(username=username, address=address)
        except Throttled as exc:
            messages.error(request, exc.message)
            return self.get(request, *args, **kwargs)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            signin_succeeded(username=username, address=address)
        else:
            signin_failed(username=username, address=address)
        return response


class SignOutView(auth_views.LogoutView):
    pass


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if _user(request).kind == User.Kind.APPLICANT:
        return redirect("accounts:applicant_home")
    return redirect("accounts:staff_home")


@login_required
def applicant_home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    person = person_for_user(user)
    enterprises = [
        role.enterprise
        for role in user.enterprise_roles.select_related("enterprise")
        if role.revoked_at is None
    ]
    principals = [
        a.principal
        for a in user.authorizations_held.select_related("principal")
        if a.revoked_at is None
    ]
    return render(
        request,
        "accounts/applicant_home.html",
        {
            "person": person,
            "enterprises": enterprises,
            "principals": principals,
            "one_things": list(one_things_published()[:8]),
        },
    )


ROLE_HELP = {
    StaffRole.WINDOW_CLERK: gettext_lazy(
        "在综合窗口代申请人受理“一件事”，一次性初审、一次性告知补正，统一出件。"
    ),
    StaffRole.COORDINATOR: gettext_lazy(
        "牵头部门：受理后一次分办到各配合部门，掌握全案进度，对办结时限负责。"
    ),
    StaffRole.APPROVER: gettext_lazy("审批本部门的办件：准予、不予或退回补正，并出具电子证照。"),
    StaffRole.HOTLINE_AGENT: gettext_lazy("12345 热线：解答咨询、记录诉求、派单到部门并回访。"),
    StaffRole.CATALOG_EDITOR: gettext_lazy("维护政务服务事项和“一件事”，审核后发布新版本。"),
    StaffRole.SUPERVISOR: gettext_lazy("查看本地区各部门的办件量、按时办结率、评价与整改情况。"),
    StaffRole.PLATFORM_ADMIN: gettext_lazy("管理账户、岗位、部门与接口令牌。"),
    StaffRole.DEPARTMENT_SYSTEM: gettext_lazy("部门业务系统通过接口领取并办理本部门办件。"),
}


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    scope = staff_scope(user)
    if not scope.grants:
        return forbidden_not_staff(request)
    departments = list(departments_visible_to(user))
    own_kinds = {
        m.department.kind_id
        for m in user.memberships.select_related("department")
        if m.role in OWN_DEPARTMENT_ROLES
    }
    roles = sorted(scope.roles)
    return render(
        request,
        "accounts/staff_home.html",
        {
            "roles": [(role, StaffRole(role).label, ROLE_HELP[StaffRole(role)]) for role in roles],
            "memberships": user.memberships.select_related("department", "department__region"),
            "departments": departments[:50],
            "department_count": len(departments),
            "led": [
                o
                for o in one_things_published()
                if o.lead is not None and o.lead.kind_id in own_kinds
            ],
            "staff": list(staff_visible_to(user)[:50])
            if scope.has_role(StaffRole.SUPERVISOR)
            else [],
            "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
    )


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Staff enrol an authenticator app (a second factor for their sign-in)."""
    user = _user(request)
    if not staff_scope(user).grants:
        return forbidden_not_staff(request)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        messages.info(request, _("您已启用动态验证码。"))
        return redirect("accounts:staff_home")
    device = totp_device_for_enrolment(user)
    if request.method == "POST":
        if totp_confirm(device, request.POST.get("code", "")):
            otp_login(request, device)
            messages.success(request, _("动态验证码已启用，以后登录时需要输入。"))
            return redirect("accounts:staff_home")
        messages.error(request, _("验证码不正确，请输入验证器当前显示的6位数字。"))
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "qr": qr_svg(device.config_url),
            "secret": device.config_url,
        },
    )


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not staff_scope(user).grants:
        return forbidden_not_staff(request)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:otp_setup")
    if request.method == "POST":
        device = match_token(user, request.POST.get("code", "").strip())
        if device is not None:
            otp_login(request, device)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = reverse("accounts:staff_home")
            return redirect(target)
        messages.error(request, _("验证码不正确，请输入验证器当前显示的6位数字。"))
    return render(request, "accounts/otp_verify.html")
