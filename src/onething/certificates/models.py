"""Certificate types (电子证照类型). Issued certificates, seals and the wallet come later."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onething.org.models import DepartmentKind


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
