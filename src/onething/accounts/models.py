"""People, enterprises, staff and their roles, agents' authorisations and API tokens.

ID numbers and phone numbers are stored encrypted (SM4-GCM) next to an HMAC-SM3 look-up hash;
templates and API schemas only ever see the masked forms (``masked_id_number``, ``masked_phone``).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onething.core.fields import EncryptedTextField
from onething.core.masking import mask_id_number, mask_phone
from onething.core.models import TimeStampedModel
from onething.org.models import Department, Region


class User(AbstractUser):
    class Kind(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        STAFF = "staff", _("工作人员")
        SYSTEM = "system", _("部门业务系统")

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.APPLICANT)
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_applicant(self) -> bool:
        return self.kind == self.Kind.APPLICANT

    @property
    def is_staff_member(self) -> bool:
        return self.kind == self.Kind.STAFF


class Person(TimeStampedModel):
    """A natural person identified by 公民身份号码 (实名自然人)."""

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    name = models.CharField(_("姓名"), max_length=64)
    id_number = EncryptedTextField(_("公民身份号码"))
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    phone = EncryptedTextField(_("手机号码"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    household_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("户籍地")
    )

    class Meta:
        verbose_name = _("自然人")
        verbose_name_plural = _("自然人")

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Enterprise(TimeStampedModel):
    """A legal person identified by 统一社会信用代码 (public, so stored in clear)."""

    name = models.CharField(_("名称"), max_length=128)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    legal_representative = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("法定代表人")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("登记地"))
    address = models.CharField(_("住所"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")

    def __str__(self) -> str:
        return self.name


class EnterpriseOperator(TimeStampedModel):
    """A user authorised to act for an enterprise (法定代表人 or 经办人)."""

    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_rep", _("法定代表人")
        OPERATOR = "operator", _("经办人")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="operators")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enterprise_roles")
    role = models.CharField(_("身份"), max_length=16, choices=Role.choices)
    valid_until = models.DateField(_("授权有效期至"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "user"], name="one_operator_row")
        ]
        verbose_name = _("企业经办人")
        verbose_name_plural = _("企业经办人")


class AgentAuthorization(TimeStampedModel):
    """An applicant's recorded authorisation of an agent (代办/帮办) for some or all one-things."""

    principal = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="agent_authorizations"
    )
    agent = models.ForeignKey(User, on_delete=models.CASCADE, related_name="authorizations_held")
    # One-thing codes this authorisation covers; empty means every one-thing.
    scope = models.JSONField(_("授权范围"), default=list, blank=True)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("失效日期"))
    evidence = models.CharField(_("授权书编号或说明"), max_length=255)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("代办授权")
        verbose_name_plural = _("代办授权")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="authorization_dates"
            )
        ]


class StaffRole(models.TextChoices):
    WINDOW_CLERK = "window_clerk", _("综合窗口受理人员")
    COORDINATOR = "coordinator", _("牵头部门协调人")
    APPROVER = "approver", _("部门审批人员")
    HOTLINE_AGENT = "hotline_agent", _("12345热线坐席")
    CATALOG_EDITOR = "catalog_editor", _("事项管理人员")
    SUPERVISOR = "supervisor", _("监督管理人员")
    PLATFORM_ADMIN = "platform_admin", _("平台管理员")
    DEPARTMENT_SYSTEM = "department_system", _("部门业务系统")


class StaffMembership(TimeStampedModel):
    """A staff member's role in one department (which fixes their region)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("角色"), max_length=32, choices=StaffRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "department", "role"], name="one_membership")
        ]
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")

    def __str__(self) -> str:
        return f"{self.user} · {self.department} · {self.get_role_display()}"


class ApiToken(TimeStampedModel):
    """A bearer token for the API. Only an SM3 digest of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=128)
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()
