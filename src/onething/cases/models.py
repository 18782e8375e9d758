"""Applications (办件), their materials, department tasks (部门办件), correction notices and the
idempotency record of submissions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from onething.accounts.models import Enterprise, Person, User
from onething.catalog.models import OneThing, OneThingVersion
from onething.core.fields import EncryptedTextField
from onething.core.models import TimeStampedModel
from onething.org.models import Department, Hall, Region

from .workflow import AppState, TaskState

if TYPE_CHECKING:
    from onething.audit.models import Event


class Channel(models.TextChoices):
    WEB = "web", _("网上办理")
    WINDOW = "window", _("窗口办理")
    API = "api", _("接口")
    KIOSK = "kiosk", _("自助终端")


class Delivery(models.TextChoices):
    WINDOW = "window", _("窗口领取")
    COURIER = "courier", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子证照推送")


class Application(TimeStampedModel):
    # assigned right after the insert (it embeds the primary key); NULL until then
    number = models.CharField(  # noqa: DJ001
        _("办件编号"), max_length=32, unique=True, null=True
    )
    one_thing = models.ForeignKey(OneThing, on_delete=models.PROTECT, related_name="applications")
    version = models.ForeignKey(OneThingVersion, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices)
    hall = models.ForeignKey(Hall, null=True, blank=True, on_delete=models.PROTECT)
    # 通办地受理、归属地审批: tasks go to the departments of this (the applicant's home) region.
    jurisdiction = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    lead_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=AppState.CHOICES,
        default=AppState.SUBMITTED,
        db_index=True,
    )
    answers = models.JSONField(default=dict, blank=True)
    chosen_items = models.JSONField(default=list)
    # The one form, as submitted. It holds personal numbers, so it is encrypted as a whole.
    form_data = EncryptedTextField(_("表单内容"))
    delivery = models.CharField(_("出件方式"), max_length=12, choices=Delivery.choices)
    delivery_address = EncryptedTextField(_("邮寄地址"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    due_date = models.DateField(_("办结期限"), null=True, blank=True)
    paused_workdays = models.PositiveIntegerField(_("补正暂停的工作日"), default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    # hash of the newest timeline event, so that deleting the last event is detected too
    timeline_head = models.CharField(max_length=64, blank=True)
    # not a column: the first event, on the instance that stored it (the answer to a fresh
    # submission is built from it instead of reading it back)
    first_event: Event | None = None

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["lead_department", "status", "-submitted_at"]),
            # staff lists over a million rows: newest first, all or one status, and the open
            # ones oldest first; the scope columns and the key ride along, so the filter, the
            # capped count and the keys of a later page come from the index alone
            models.Index(
                fields=["-submitted_at"],
                include=["lead_department", "jurisdiction", "id"],
                name="application_newest",
            ),
            models.Index(
                fields=["status", "-submitted_at"],
                include=["lead_department", "jurisdiction", "id"],
                name="application_status_newest",
            ),
            models.Index(
                fields=["submitted_at"],
                include=["lead_department", "jurisdiction", "id"],
                condition=models.Q(status__in=["submitted", "correction"]),
                name="application_open",
            ),
        ]
        verbose_name = _("办件")
        verbose_name_plural = _("办件")

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def applicant_name(self) -> str:
        if self.enterprise_id:
            return self.enterprise.name if self.enterprise else ""
        return self.person.name if self.person else ""


class Material(TimeStampedModel):
    """An uploaded file, or a reference to a certificate the applicant already holds."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("材料名称"), max_length=128)
    file = models.FileField(_("文件"), upload_to="materials/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    digest = models.CharField(_("SM3 摘要"), max_length=64, blank=True)
    certificate_ref = models.CharField(_("电子证照编号"), max_length=64, blank=True)
    superseded = models.BooleanField(default=False)

    class Meta:
        ordering = ["application", "name", "created_at"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self) -> str:
        return self.name


class Task(TimeStampedModel):
    """部门办件: the part of an application one department decides (one per item)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="tasks")
    item_code = models.CharField(_("事项编码"), max_length=32)
    item_name = models.CharField(_("事项名称"), max_length=128)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="tasks")
    status = models.CharField(
        _("状态"), max_length=12, choices=TaskState.CHOICES, default=TaskState.WAITING
    )
    predecessors = models.JSONField(default=list, blank=True)  # item codes
    statutory_days = models.PositiveSmallIntegerField()
    commitment = models.BooleanField(_("告知承诺"), default=False)
    released_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    opinion = models.TextField(_("审批意见"), blank=True)
    attachment = models.FileField(upload_to="decisions/%Y/%m/", blank=True)
    # optimistic lock: a decision names the revision it saw; the loser gets a conflict
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["application", "id"]
        indexes = [
            models.Index(fields=["department", "status", "due_date"]),
            # the inbox order (most pressing first), for every task and for those to do
            models.Index(
                fields=["department", "due_date", "-released_at", "id"], name="task_inbox_all"
            ),
            models.Index(
                fields=["department", "due_date", "-released_at", "id"],
                condition=models.Q(status__in=["released", "claimed"]),
                name="task_inbox_todo",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["application", "item_code"], name="one_task_per_item")
        ]
        verbose_name = _("部门办件")
        verbose_name_plural = _("部门办件")

    def __str__(self) -> str:
        return f"{self.application} · {self.item_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in TaskState.FINISHED


class Correction(TimeStampedModel):
    """一次性告知补正: one notice listing every deficiency, across all items."""

    class Status(models.TextChoices):
        OPEN = "open", _("待补正")
        ANSWERED = "answered", _("已补正")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="corrections"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # [{"kind": "field"|"material"|"item", "target": ..., "item": ..., "reason": ...}]
    deficiencies = models.JSONField(_("补正内容"))
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "-created_at"]
        verbose_name = _("补正告知")
        verbose_name_plural = _("补正告知")

    def __str__(self) -> str:
        return f"{self.application} 补正"


class SubmissionKey(models.Model):
    """Idempotency: the same key from the same user returns the same application."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    digest = models.CharField(max_length=64)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_key_per_user")]

    def __str__(self) -> str:
        return self.key


class DeadlineWarning(models.Model):
    """黄牌 (due within one working day) and 红牌 (overdue), raised once per task or case."""

    class Level(models.TextChoices):
        YELLOW = "yellow", _("即将到期")
        RED = "red", _("已超期")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="warnings")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="warnings"
    )
    level = models.CharField(max_length=8, choices=Level.choices)
    due_date = models.DateField()
    raised_on = models.DateField()

    class Meta:
        ordering = ["-raised_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "level"],
                condition=models.Q(task__isnull=False),
                name="one_task_warning_per_level",
            ),
            models.UniqueConstraint(
                fields=["application", "level"],
                condition=models.Q(task__isnull=True),
                name="one_case_warning_per_level",
            ),
        ]
        verbose_name = _("超期预警")
        verbose_name_plural = _("超期预警")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.task or self.application}"


class Verification(TimeStampedModel):
    """告知承诺 follow-up: an item approved on the applicant's commitment is checked later."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待核查")
        PASSED = "passed", _("核查通过")
        FAILED = "failed", _("核查不通过")

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="verification")
    due_date = models.DateField(_("核查期限"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    checked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("核查情况"), blank=True)

    class Meta:
        verbose_name = _("告知承诺核查")
        verbose_name_plural = _("告知承诺核查")

    def __str__(self) -> str:
        return f"核查 {self.task}"


class Inspection(TimeStampedModel):
    """联合勘验: one visit by several departments with one outcome."""

    class Outcome(models.TextChoices):
        SCHEDULED = "scheduled", _("已安排")
        PASSED = "passed", _("勘验通过")
        FAILED = "failed", _("勘验不通过")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="inspections"
    )
    scheduled_for = models.DateTimeField(_("勘验时间"))
    place = models.CharField(_("勘验地点"), max_length=255)
    departments = models.ManyToManyField(Department, related_name="inspections")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SCHEDULED)
    notes = models.TextField(_("勘验意见"), blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["application", "scheduled_for"]
        verbose_name = _("联合勘验")
        verbose_name_plural = _("联合勘验")

    def __str__(self) -> str:
        return f"{self.application} 联合勘验"
