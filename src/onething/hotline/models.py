"""12345 一号服务: tickets with their history, routing rules, and the knowledge base
(政务问答台) that agents and applicants search.

The caller's phone number is stored encrypted (SM4-GCM) next to an HMAC-SM3 look-up hash and is
only ever shown masked.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onething.accounts.models import Person, User
from onething.cases.models import Application
from onething.catalog.models import OneThing
from onething.core.fields import EncryptedTextField
from onething.core.masking import mask_phone
from onething.core.models import TimeStampedModel
from onething.org.models import Department, DepartmentKind, Region

from .workflow import TicketState


class KnowledgeEntry(TimeStampedModel):
    """One question and its answer. Generated from the published catalog (``source=catalog``,
    rebuilt by ``onething hotline kb build``) or written by staff in the admin."""

    class Source(models.TextChoices):
        CATALOG = "catalog", _("办事指南生成")
        STAFF = "staff", _("工作人员补充")

    question = models.CharField(_("问题"), max_length=255)
    answer = models.TextField(_("答案"))
    one_thing_code = models.CharField(_("一件事编码"), max_length=32, blank=True, db_index=True)
    item_code = models.CharField(_("事项编码"), max_length=32, blank=True)
    source = models.CharField(
        _("来源"), max_length=12, choices=Source.choices, default=Source.STAFF
    )
    keywords = models.JSONField(_("关键词和常用说法"), default=list, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    # Stable key of a generated entry ("JS-2022-07:materials"), so rebuilding updates in place.
    key = models.CharField(max_length=96, blank=True, editable=False)

    class Meta:
        ordering = ["one_thing_code", "item_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="one_entry_per_key"
            )
        ]
        verbose_name = _("知识库条目")
        verbose_name_plural = _("知识库条目")

    def __str__(self) -> str:
        return self.question


class RoutingRule(TimeStampedModel):
    """Tickets about ``one_thing`` (or any, when empty) in ``region`` and below (or anywhere)
    go to the department of ``department_kind`` in the ticket's region."""

    one_thing = models.ForeignKey(
        OneThing,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("一件事"),
    )
    department_kind = models.ForeignKey(
        DepartmentKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办部门类别")
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("适用地区"),
    )
    note = models.CharField(_("说明"), max_length=255, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["one_thing", "region"]
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")

    def __str__(self) -> str:
        what = self.one_thing.name if self.one_thing else gettext("全部工单")
        where = self.region.name if self.region else gettext("各地")
        return f"{where} · {what} → {self.department_kind}"


class Ticket(TimeStampedModel):
    """12345 工单: one call (or web message) and everything done about it."""

    class Type(models.TextChoices):
        CONSULTATION = "consultation", _("咨询")
        INQUIRY = "inquiry", _("查询")
        SUGGESTION = "suggestion", _("建议")
        COMPLAINT = "complaint", _("投诉")
        HELP = "help", _("求助")

    class Channel(models.TextChoices):
        PHONE = "phone", _("电话")
        WEB = "web", _("网站")
        APP = "app", _("移动端")

    # assigned right after the insert (it embeds the primary key); NULL until then
    number = models.CharField(  # noqa: DJ001
        _("工单编号"), max_length=32, unique=True, null=True
    )
    type = models.CharField(_("类型"), max_length=16, choices=Type.choices)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    caller_name = models.CharField(_("来电人"), max_length=64)
    caller_phone = EncryptedTextField(_("联系电话"), blank=True)
    caller_phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    caller_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    content = models.TextField(_("诉求内容"))
    application = models.ForeignKey(
        Application,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("相关办件"),
    )
    one_thing = models.ForeignKey(
        OneThing,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("相关一件事"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属地区")
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("承办部门"),
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=TicketState.CHOICES,
        default=TicketState.RECEIVED,
        db_index=True,
    )
    due_date = models.DateField(_("答复期限"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cited_entries = models.ManyToManyField(
        KnowledgeEntry, blank=True, related_name="tickets", verbose_name=_("引用的知识库条目")
    )
    escalated = models.BooleanField(_("已督办"), default=False)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    satisfied = models.BooleanField(_("回访满意"), null=True, blank=True)
    visit_note = models.TextField(_("回访记录"), blank=True)
    visited_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理人")
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["department", "status", "due_date"]),
            models.Index(fields=["status", "escalated", "due_date"]),
        ]
        verbose_name = _("12345工单")
        verbose_name_plural = _("12345工单")

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def masked_caller_phone(self) -> str:
        return mask_phone(self.caller_phone)

    @property
    def is_open(self) -> bool:
        return self.status in TicketState.OPEN


class TicketEvent(models.Model):
    """One step of a ticket: who did what, when, to which department, and why."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=64)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["ticket", "at", "id"]
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")

    def __str__(self) -> str:
        return f"{self.ticket} {self.action}"
