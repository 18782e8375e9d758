"""The catalog: data elements, service items with their materials and fields, and one-things.

A one-thing names its departments by kind (卫健, 公安 …) so the same bundle can be published in
any region; a task is later routed to the department of that kind in the jurisdiction region.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onething.core.models import TimeStampedModel
from onething.org.models import DepartmentKind, Region


class DataElement(models.Model):
    """数据元: a standard field; item forms reference these, so forms merge by element."""

    class Type(models.TextChoices):
        STRING = "string", _("文本")
        TEXT = "text", _("长文本")
        ID_NUMBER = "id_number", _("公民身份号码")
        USCC = "uscc", _("统一社会信用代码")
        PHONE = "phone", _("手机号码")
        DATE = "date", _("日期")
        REGION_CODE = "region_code", _("行政区划代码")
        ENUM = "enum", _("选项")
        INTEGER = "integer", _("整数")
        DECIMAL = "decimal", _("数值")
        ADDRESS = "address", _("地址")
        BANK_ACCOUNT = "bank_account", _("银行账号")
        EMAIL = "email", _("电子邮箱")

    class PII(models.TextChoices):
        NONE = "none", _("非个人信息")
        LOW = "low", _("一般个人信息")
        HIGH = "high", _("敏感个人信息")

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    type = models.CharField(_("类型"), max_length=16, choices=Type.choices)
    choices = models.JSONField(_("可选值"), default=list, blank=True)
    pii = models.CharField(_("个人信息级别"), max_length=8, choices=PII.choices, default=PII.NONE)
    source = models.CharField(_("共享数据来源"), max_length=64, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("数据元")
        verbose_name_plural = _("数据元")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ServiceItem(TimeStampedModel):
    """政务服务事项: one statutory service of one kind of department."""

    code = models.CharField(_("事项编码"), max_length=32, unique=True)
    name = models.CharField(_("事项名称"), max_length=128)
    department_kind = models.ForeignKey(
        DepartmentKind, on_delete=models.PROTECT, related_name="items", verbose_name=_("实施部门")
    )
    kind = models.CharField(_("事项类型"), max_length=16)
    legal_basis = models.TextField(_("设定依据"), blank=True)
    conditions = models.TextField(_("受理条件"), blank=True)
    statutory_days = models.PositiveSmallIntegerField(_("法定办结时限（工作日）"))
    promised_days = models.PositiveSmallIntegerField(_("承诺办结时限（工作日）"))
    instant = models.BooleanField(_("即办件"), default=False)
    fee_amount = models.DecimalField(
        _("收费金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee_basis = models.TextField(_("收费依据"), blank=True)
    result_type = models.CharField(_("办理结果类型"), max_length=16, default="decision")
    result_name = models.CharField(_("办理结果"), max_length=128, blank=True)
    visits_alone = models.PositiveSmallIntegerField(_("单独办理跑动次数"), default=1)
    commitment = models.BooleanField(_("适用告知承诺"), default=False)
    source = models.TextField(_("信息来源"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(promised_days__lte=models.F("statutory_days")),
                name="promised_within_statutory",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return not self.fee_amount


class MaterialRequirement(models.Model):
    class Form(models.TextChoices):
        ORIGINAL = "original", _("原件")
        COPY = "copy", _("复印件")
        ORIGINAL_AND_COPY = "original_and_copy", _("原件和复印件")
        ELECTRONIC = "electronic", _("电子件")

    class Source(models.TextChoices):
        APPLICANT = "applicant", _("申请人提供")
        CERTIFICATE = "certificate", _("电子证照")
        DATA = "data", _("共享数据")
        ITEM = "item", _("前序事项办理结果")
        TEMPLATE = "template", _("系统生成表单")

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("材料名称"), max_length=128)
    form = models.CharField(_("材料形式"), max_length=20, choices=Form.choices)
    count = models.PositiveSmallIntegerField(_("份数"), default=1)
    required = models.BooleanField(_("必要"), default=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    source_ref = models.CharField(_("来源说明"), max_length=128, blank=True)

    class Meta:
        ordering = ["item", "position"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self) -> str:
        return self.name


class ItemField(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveSmallIntegerField(default=0)
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("字段名称"), max_length=64)
    required = models.BooleanField(_("必填"), default=True)

    class Meta:
        ordering = ["item", "position"]
        verbose_name = _("表单字段")
        verbose_name_plural = _("表单字段")

    def __str__(self) -> str:
        return self.label


class OneThing(TimeStampedModel):
    """一件事: a bundle of service items applied for once."""

    class Audience(models.TextChoices):
        PERSON = "person", _("个人")
        ENTERPRISE = "enterprise", _("企业")

    class Scope(models.TextChoices):
        PROVINCE = "province", _("省级标准")
        LOCAL = "local", _("地方特色")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        IN_REVIEW = "in_review", _("审核中")
        PUBLISHED = "published", _("已发布")
        RETIRED = "retired", _("已停用")

    code = models.CharField(_("编码"), max_length=32, unique=True)
    seq = models.PositiveSmallIntegerField(_("清单序号"), null=True, blank=True)
    name = models.CharField(_("名称"), max_length=128)
    national = models.BooleanField(_("国家部署"), default=False)
    scope = models.CharField(
        _("适用范围"), max_length=10, choices=Scope.choices, default=Scope.PROVINCE
    )
    audience = models.CharField(_("服务对象"), max_length=16, choices=Audience.choices)
    life_stage = models.CharField(_("生命周期阶段"), max_length=16)
    summary = models.TextField(_("简介"), blank=True)
    keywords = models.JSONField(_("常用说法"), default=list, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="one_things", verbose_name=_("发布地区")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    precedence = models.JSONField(_("办理先后顺序"), default=list, blank=True)
    groups = models.JSONField(_("须一并办理的事项组"), default=list, blank=True)
    situations = models.JSONField(_("情形"), default=list, blank=True)
    official_figures = models.JSONField(_("官方公布的减环节数据"), null=True, blank=True)
    source = models.TextField(_("信息来源"), blank=True)
    # 一地创新、多地复用: the one-thing this one was copied from, in another region.
    origin = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        verbose_name=_("复用自"),
    )
    items = models.ManyToManyField(ServiceItem, through="OneThingItem", related_name="one_things")

    class Meta:
        ordering = ["seq", "code"]
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")

    def __str__(self) -> str:
        return self.name

    @property
    def lead(self) -> OneThingDepartment | None:
        return next((d for d in self.departments.all() if d.role == d.Role.LEAD), None)

    @property
    def cooperating(self) -> list[OneThingDepartment]:
        return [d for d in self.departments.all() if d.role == d.Role.COOPERATING]


class OneThingDepartment(models.Model):
    """A department of a one-thing: its kind, or for street offices one named region's office."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头部门")
        COOPERATING = "cooperating", _("配合部门")

    one_thing = models.ForeignKey(OneThing, on_delete=models.CASCADE, related_name="departments")
    kind = models.ForeignKey(DepartmentKind, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    listed_name = models.CharField(_("清单中的名称"), max_length=64)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["one_thing", "position"]
        constraints = [
            models.UniqueConstraint(fields=["one_thing", "listed_name"], name="one_listing")
        ]

    def __str__(self) -> str:
        return self.listed_name


class OneThingItem(models.Model):
    one_thing = models.ForeignKey(OneThing, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="entries")
    required = models.BooleanField(_("必办"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["one_thing", "position"]
        constraints = [
            models.UniqueConstraint(fields=["one_thing", "item"], name="item_once_per_one_thing")
        ]

    def __str__(self) -> str:
        return f"{self.one_thing_id}:{self.item_id}"


class OneThingVersion(models.Model):
    """An immutable published version of a one-thing: everything the guide needs, frozen.

    Applications keep the version they were made under; editing the one-thing afterwards
    changes nothing for them. Rows are only ever inserted (see ``catalog.publishing``).
    """

    one_thing = models.ForeignKey(OneThing, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("内容"))
    digest = models.CharField(_("内容摘要（SM3）"), max_length=64)
    diff = models.JSONField(_("与上一版本的差异"), default=list, blank=True)
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        ordering = ["one_thing", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["one_thing", "number"], name="one_version_number")
        ]
        verbose_name = _("一件事版本")
        verbose_name_plural = _("一件事版本")

    def __str__(self) -> str:
        return f"{self.one_thing.name} v{self.number}"
