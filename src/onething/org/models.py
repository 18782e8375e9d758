"""Regions (行政区划, GB/T 2260 codes), departments, halls and windows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县（市、区）")
        STREET = "street", _("乡镇（街道）")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    # The name used inside department names: 句容市 → 句容市民政局, 江宁区 → 南京市江宁区民政局.
    short_name = models.CharField(_("简称"), max_length=64, blank=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of codes, "320000/321100/321183/", for subtree queries in one index scan.
    path = models.CharField(max_length=128, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        names = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))

    def contains(self, other: Region) -> bool:
        return other.path.startswith(self.path)


class DepartmentKind(models.Model):
    """A functional kind of department (卫健, 公安 …), the same in every region."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    seed_name = models.CharField(_("清单中的名称"), max_length=64, unique=True)
    name_pattern = models.CharField(max_length=64)

    class Meta:
        ordering = ["code"]
        verbose_name = _("部门类别")
        verbose_name_plural = _("部门类别")

    def __str__(self) -> str:
        return self.seed_name


class Department(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    kind = models.ForeignKey(DepartmentKind, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("名称"), max_length=128)

    class Meta:
        ordering = ["region__code", "kind__code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "kind"], name="one_department_per_kind")
        ]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class Hall(models.Model):
    class Kind(models.TextChoices):
        CENTER = "center", _("政务服务中心")
        COMMUNITY = "community", _("便民服务中心")

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="halls")
    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    address = models.CharField(_("地址"), max_length=255, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("服务大厅")
        verbose_name_plural = _("服务大厅")

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="windows")
    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)

    class Meta:
        ordering = ["code"]
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")

    def __str__(self) -> str:
        return f"{self.hall.name} {self.name}"
