"""Certificate types (电子证照类型), departments' e-seals (电子印章) and issued certificates.

A certificate's content is frozen when it is issued: ``data`` holds what it says (holder name,
masked ID number, the issuing department's name, the items), and ``digest``/``signature`` are
the SM3 digest and the issuing department's SM2 signature of its canonical encoding
(``services.canonical_bytes``). Only ``status`` and the revocation fields change afterwards.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onething.accounts.models import Enterprise, Person, User
from onething.core.fields import EncryptedTextField
from onething.org.models import Department, DepartmentKind


class CertificateType(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=64, unique=True)
    issuer_kind = models.ForeignKey(
        DepartmentKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("签发部门")
    )
    validity_years = models.PositiveSmallIntegerField(_("有效期（年）"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("电子证照类型")
        verbose_name_plural = _("电子证照类型")

    def __str__(self) -> str:
        return self.name


class DepartmentSeal(models.Model):
    """A department's e-seal: an SM2 key pair, made the first time the department signs.

    The private key is stored SM4-GCM encrypted (``EncryptedTextField`` uses
    ``core.crypto.sm4_encrypt``) and is never shown, in the admin or anywhere else.
    """

    department = models.OneToOneField(
        Department, on_delete=models.PROTECT, related_name="seal", verbose_name=_("部门")
    )
    public_key = models.CharField(_("公钥"), max_length=128)  # x ‖ y, hex
    private_key = EncryptedTextField(_("私钥"))
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("电子印章")
        verbose_name_plural = _("电子印章")

    def __str__(self) -> str:
        return str(self.department)


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已撤销")

    number = models.CharField(_("证照编号"), max_length=64, unique=True)
    type = models.ForeignKey(
        CertificateType,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("证照类型"),
    )
    holder_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("持证人"),
    )
    holder_enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("持证企业"),
    )
    # what the certificate says; personal numbers only masked
    data = models.JSONField(_("证照内容"), default=dict)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="certificates_issued",
        verbose_name=_("签发部门"),
    )
    application = models.ForeignKey(
        "cases.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("办件"),
    )
    task = models.ForeignKey(
        "cases.Task",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("部门办件"),
    )
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("签发时间"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.VALID
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.TextField(_("撤销原因"), blank=True)
    digest = models.CharField(_("SM3 摘要"), max_length=64)
    signature = models.CharField(_("SM2 签名"), max_length=128)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(holder_person__isnull=False, holder_enterprise__isnull=True)
                | Q(holder_person__isnull=True, holder_enterprise__isnull=False),
                name="certificate_one_holder",
            )
        ]
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")

    def __str__(self) -> str:
        return self.number

    @property
    def holder_name(self) -> str:
        return str(self.data.get("holder_name", ""))

    @property
    def holder_public(self) -> str:
        """The holder's name for strangers: an enterprise in full, a person's surname (张*)."""
        name = self.holder_name
        if self.holder_enterprise_id is not None or not name:
            return name
        return name[0] + "*" * max(len(name) - 1, 1)

    @property
    def issuer_name(self) -> str:
        return str(self.data.get("issuer_name", ""))


class Delivery(models.Model):
    """一窗（端）出件: every result of one application, handed over together."""

    class Method(models.TextChoices):
        ELECTRONIC = "electronic", _("电子证照推送")
        WINDOW = "window", _("窗口领取")
        COURIER = "courier", _("邮寄送达")

    class Status(models.TextChoices):
        READY = "ready", _("待领取")
        IN_TRANSIT = "in_transit", _("邮寄中")
        DELIVERED = "delivered", _("已送达")

    application = models.OneToOneField(
        "cases.Application", on_delete=models.CASCADE, related_name="delivery_record"
    )
    method = models.CharField(_("出件方式"), max_length=12, choices=Method.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    pickup_code_hash = models.CharField(max_length=64, blank=True)
    tracking_number = models.CharField(_("运单号"), max_length=40, blank=True)
    tracking = models.JSONField(_("物流轨迹"), default=list, blank=True)
    received_by = models.CharField(_("签收人"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("出件")
        verbose_name_plural = _("出件")

    def __str__(self) -> str:
        return f"{self.application} {self.get_method_display()}"
