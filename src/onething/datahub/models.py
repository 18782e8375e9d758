"""Shared data (数据共享): the local providers' records, the sharing agreements that allow a read,
the access log of every read (data tracker), and applicants' objections to wrong data.

Personal numbers are stored as everywhere else on the platform: SM4-GCM encrypted next to an
HMAC-SM3 look-up hash (see ``onething.accounts.models.Person``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onething.accounts.models import Person, User
from onething.cases.models import Application
from onething.core.fields import EncryptedTextField
from onething.core.masking import mask_id_number
from onething.core.models import TimeStampedModel
from onething.org.models import Department, DepartmentKind, Region

# the applicant's own ID and phone numbers, filled in by the platform from the real-name record
# the account was verified against (the apply page shows them masked and never sends them)
ACCOUNT_LABEL = "实名认证信息"


class Sex(models.TextChoices):
    """GB/T 2261.1 codes, as the data elements use them."""

    MALE = "1", _("男")
    FEMALE = "2", _("女")


# ---------------------------------------------------------------- the local providers' tables


class PopulationRecord(TimeStampedModel):
    """人口库: one person as the household register (户籍) knows them."""

    id_number = EncryptedTextField(_("公民身份号码"))
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField(_("姓名"), max_length=64)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=16, default="汉族")
    household_address = models.CharField(_("户籍地址"), max_length=255)
    household_id = models.CharField(_("户号"), max_length=32, db_index=True)
    relation = models.CharField(_("与户主关系"), max_length=16, default="户主")
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("户籍地")
    )

    class Meta:
        verbose_name = _("人口库记录")
        verbose_name_plural = _("人口库记录")

    def __str__(self) -> str:
        return f"{self.name}（{mask_id_number(self.id_number)}）"


class EnterpriseRecord(TimeStampedModel):
    """法人库: one registered market entity."""

    class Type(models.TextChoices):
        LLC = "llc", _("有限责任公司")
        SOLE = "sole", _("个人独资企业")
        PARTNERSHIP = "partnership", _("合伙企业")
        INDIVIDUAL = "individual", _("个体工商户")
        FIE = "fie", _("外商投资企业")

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    credit_code_hash = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField(_("名称"), max_length=128)
    type = models.CharField(_("类型"), max_length=16, choices=Type.choices)
    legal_rep_name = models.CharField(_("法定代表人"), max_length=64)
    legal_rep_id_number = EncryptedTextField(_("法定代表人公民身份号码"))
    legal_rep_id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    registered_address = models.CharField(_("住所"), max_length=255)
    business_scope = models.TextField(_("经营范围"))
    registered_capital = models.DecimalField(_("注册资本（万元）"), max_digits=14, decimal_places=2)
    established_on = models.DateField(_("成立日期"))
    status = models.CharField(_("登记状态"), max_length=16, default="存续")

    class Meta:
        verbose_name = _("法人库记录")
        verbose_name_plural = _("法人库记录")

    def __str__(self) -> str:
        return self.name


class MarriageRecord(TimeStampedModel):
    """婚姻登记: one marriage, as the civil affairs marriage registry holds it."""

    class Status(models.TextChoices):
        MARRIED = "married", _("已婚")
        DIVORCED = "divorced", _("离婚")
        WIDOWED = "widowed", _("丧偶")

    husband_name = models.CharField(_("男方姓名"), max_length=64)
    husband_id_number = EncryptedTextField(_("男方公民身份号码"))
    husband_hash = models.CharField(max_length=64, db_index=True, editable=False)
    wife_name = models.CharField(_("女方姓名"), max_length=64)
    wife_id_number = EncryptedTextField(_("女方公民身份号码"))
    wife_hash = models.CharField(max_length=64, db_index=True, editable=False)
    certificate_no = models.CharField(_("结婚证字号"), max_length=32)
    registration_date = models.DateField(_("登记日期"))
    status = models.CharField(_("婚姻状况"), max_length=10, choices=Status.choices)
    registry_office = models.CharField(_("登记机关"), max_length=64)

    class Meta:
        verbose_name = _("婚姻登记记录")
        verbose_name_plural = _("婚姻登记记录")

    def __str__(self) -> str:
        return self.certificate_no


class SocialSecurityRecord(TimeStampedModel):
    """社保: one insured person's card and contribution record."""

    id_number = EncryptedTextField(_("公民身份号码"))
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField(_("姓名"), max_length=64)
    card_no = EncryptedTextField(_("社会保障卡卡号"))
    contribution_base = models.DecimalField(_("缴费基数（元）"), max_digits=10, decimal_places=2)
    work_start_date = models.DateField(_("参加工作时间"))
    insured_since = models.DateField(_("参保日期"))
    employer = models.CharField(_("参保单位"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("社保记录")
        verbose_name_plural = _("社保记录")

    def __str__(self) -> str:
        return self.name


class BirthRecord(TimeStampedModel):
    """出生医学证明: the birth as the hospital (助产机构) recorded it, with both parents."""

    class DeliveryMode(models.TextChoices):
        NATURAL = "natural", _("顺产")
        CAESAREAN = "caesarean", _("剖宫产")

    certificate_no = EncryptedTextField(_("出生医学证明编号"))
    child_name = models.CharField(_("新生儿姓名"), max_length=64, blank=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    institution = models.CharField(_("助产机构"), max_length=128)
    weight = models.PositiveIntegerField(_("出生体重（克）"))
    gestational_weeks = models.PositiveSmallIntegerField(_("出生孕周"), default=39)
    delivery_mode = models.CharField(_("分娩方式"), max_length=10, choices=DeliveryMode.choices)
    mother_name = models.CharField(_("母亲姓名"), max_length=64)
    mother_id_number = EncryptedTextField(_("母亲公民身份号码"))
    mother_hash = models.CharField(max_length=64, db_index=True, editable=False)
    father_name = models.CharField(_("父亲姓名"), max_length=64, blank=True)
    father_id_number = EncryptedTextField(_("父亲公民身份号码"), blank=True)
    father_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("出生医学证明记录")
        verbose_name_plural = _("出生医学证明记录")

    def __str__(self) -> str:
        return f"{self.mother_name}之子女（{self.birth_date}）"


class RealEstateRecord(TimeStampedModel):
    """不动产登记: one property right, owned by a person or an enterprise."""

    certificate_no = models.CharField(_("不动产权证书号"), max_length=64, unique=True)
    owner_name = models.CharField(_("权利人"), max_length=128)
    owner_id_number = EncryptedTextField(_("权利人证件号码"))
    owner_hash = models.CharField(max_length=64, db_index=True, editable=False)
    location = models.CharField(_("坐落"), max_length=255)
    area = models.DecimalField(_("建筑面积（平方米）"), max_digits=10, decimal_places=2)
    use = models.CharField(_("用途"), max_length=32, default="住宅")
    registered_on = models.DateField(_("登记日期"))

    class Meta:
        verbose_name = _("不动产登记记录")
        verbose_name_plural = _("不动产登记记录")

    def __str__(self) -> str:
        return self.certificate_no


# ---------------------------------------------------------------- agreements, tracker, objections


class SharingAgreement(TimeStampedModel):
    """数据共享需求清单: which kind of department may read which items of which resource."""

    class Cycle(models.TextChoices):
        REALTIME = "realtime", _("实时")
        DAILY = "daily", _("每日")
        WEEKLY = "weekly", _("每周")
        MONTHLY = "monthly", _("每月")

    class Method(models.TextChoices):
        API = "api", _("接口调用")
        TABLE = "table", _("库表交换")
        FILE = "file", _("文件交换")

    requesting_kind = models.ForeignKey(
        DepartmentKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("需求部门")
    )
    providing_kind = models.ForeignKey(
        DepartmentKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("提供部门")
    )
    resource = models.CharField(_("数据资源"), max_length=32)
    items = models.JSONField(_("数据项"), default=list)
    cycle = models.CharField(_("更新周期"), max_length=10, choices=Cycle.choices)
    method = models.CharField(_("共享方式"), max_length=10, choices=Method.choices)
    scope = models.TextField(_("使用范围"))
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["requesting_kind__code", "resource"]
        constraints = [
            models.UniqueConstraint(
                fields=["requesting_kind", "resource"], name="one_agreement_per_reader_resource"
            )
        ]
        verbose_name = _("数据共享协议")
        verbose_name_plural = _("数据共享协议")

    def __str__(self) -> str:
        return f"{self.requesting_kind} ← {self.resource}"

    def covers(self, fields: list[str] | tuple[str, ...] | set[str]) -> bool:
        return self.active and set(fields) <= set(self.items)


class DataAccess(models.Model):
    """One read of shared data, whatever came of it (the data tracker, 数据使用记录)."""

    class Outcome(models.TextChoices):
        OK = "ok", _("已读取")
        REFUSED = "refused", _("已拒绝")
        FAILED = "failed", _("未取得")

    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("查询人"), max_length=128)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("代表部门")
    )
    provider = models.CharField(_("数据资源"), max_length=32)
    fields = models.JSONField(_("数据项"), default=list)
    subject_hash = models.CharField(max_length=64, db_index=True)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreement = models.ForeignKey(
        SharingAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="reads"
    )
    purpose = models.CharField(_("用途"), max_length=255)
    outcome = models.CharField(_("结果"), max_length=8, choices=Outcome.choices)
    detail = models.CharField(_("说明"), max_length=255, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["subject_hash", "-at"]),
            models.Index(fields=["provider", "outcome"]),
        ]
        verbose_name = _("数据使用记录")
        verbose_name_plural = _("数据使用记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.department} {self.provider} {self.outcome}"


class DataObjection(TimeStampedModel):
    """数据异议: an applicant says a shared value is wrong; the providing department answers."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        CORRECTED = "corrected", _("已更正")
        EXPLAINED = "explained", _("已说明")

    applicant = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="data_objections", verbose_name=_("申请人")
    )
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(_("数据资源"), max_length=32)
    element = models.CharField(_("数据元"), max_length=64)
    element_label = models.CharField(_("字段"), max_length=64)
    field = models.CharField(_("数据项"), max_length=64)
    subject_kind = models.CharField(max_length=10, default="person")
    subject_number = EncryptedTextField()
    subject_hash = models.CharField(max_length=64, db_index=True)
    current_value = EncryptedTextField(_("现有数据"), blank=True)
    proposed_value = EncryptedTextField(_("应为"))
    evidence = models.FileField(_("证明材料"), upload_to="objections/%Y/%m/", blank=True)
    evidence_type = models.CharField(max_length=64, blank=True)
    reason = models.TextField(_("异议理由"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("处理部门"),
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response = models.TextField(_("部门答复"), blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("数据异议")
        verbose_name_plural = _("数据异议")

    def __str__(self) -> str:
        return f"{self.element_label}（{self.get_status_display()}）"


class FieldSource(models.Model):
    """Where one value of a submitted form came from (数据来源): a registry, read at a time under
    a logged read, or the applicant. The staff case page and the applicant's page show it, and an
    objection to a shared value starts from it."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="field_sources"
    )
    element = models.CharField(_("数据元"), max_length=64)
    provider = models.CharField(_("数据资源"), max_length=32, blank=True)  # "": the applicant
    provider_field = models.CharField(_("数据项"), max_length=64, blank=True)
    source_label = models.CharField(_("来源"), max_length=128)
    fetched_at = models.DateTimeField(_("读取时间"), null=True, blank=True)
    locked = models.BooleanField(_("以登记为准"), default=False)
    access = models.ForeignKey(
        DataAccess, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_kind = models.CharField(max_length=10, blank=True)
    subject_number = EncryptedTextField(blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "element"], name="one_source_per_application_field"
            )
        ]
        verbose_name = _("数据来源")
        verbose_name_plural = _("数据来源")

    def __str__(self) -> str:
        return f"{self.application} {self.element} ← {self.source_label}"

    @property
    def from_provider(self) -> bool:
        return bool(self.provider)

    @property
    def from_account(self) -> bool:
        return not self.provider and self.source_label == ACCOUNT_LABEL
