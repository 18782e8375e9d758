"""好差评: ratings of an application, of one department's task, or of a window's service on a
day (一次一评、一事一评), and the rectification (整改) that a bad rating opens.

One rating per thing: the database refuses a second rating of the same application, task or
window service unless it is the re-rating after a rectification (``supersedes`` set).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onething.accounts.models import User
from onething.cases.models import Application, Task
from onething.core.models import TimeStampedModel
from onething.org.models import Department, Window

from .levels import Level


class Target(models.TextChoices):
    APPLICATION = "application", _("一件事的整体办理")
    TASK = "task", _("部门办件")
    WINDOW = "window", _("窗口服务")


class RatingChannel(models.TextChoices):
    WEB = "web", _("网上评价")
    WINDOW = "window", _("窗口评价器")
    APP = "app", _("移动端")
    HOTLINE = "hotline", _("12345热线")


class Rating(models.Model):
    target = models.CharField(_("评价对象"), max_length=12, choices=Target.choices)
    # set for application and task ratings (a task rating names its application too)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    window = models.ForeignKey(
        Window, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    service_date = models.DateField(_("服务日期"), null=True, blank=True)
    # the department rated: the task's, the lead department, or the hall's 政务办
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("被评价部门")
    )
    rater = models.ForeignKey(User, on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Level.choices)
    tags = models.JSONField(_("评价标签"), default=list, blank=True)
    comment = models.TextField(_("意见和建议"), blank=True)
    channel = models.CharField(_("评价渠道"), max_length=12, choices=RatingChannel.choices)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)
    # the rating this one replaces: the applicant's new rating after a rectification
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rerated_by",
        verbose_name=_("整改后重新评价的原评价"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["department", "level"])]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(target="application", supersedes__isnull=True),
                name="one_rating_per_application",
            ),
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(target="task", supersedes__isnull=True),
                name="one_rating_per_task",
            ),
            models.UniqueConstraint(
                fields=["window", "service_date", "rater"],
                condition=Q(target="window", supersedes__isnull=True),
                name="one_rating_per_window_service",
            ),
            models.UniqueConstraint(fields=["supersedes"], name="one_rerating_per_rating"),
            models.CheckConstraint(
                condition=(
                    Q(
                        target="application",
                        application__isnull=False,
                        task__isnull=True,
                        window__isnull=True,
                    )
                    | Q(
                        target="task",
                        application__isnull=False,
                        task__isnull=False,
                        window__isnull=True,
                    )
                    | Q(
                        target="window",
                        window__isnull=False,
                        service_date__isnull=False,
                        task__isnull=True,
                    )
                ),
                name="rating_target_fields",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="rating_level_range"
            ),
        ]
        verbose_name = _("评价")
        verbose_name_plural = _("评价")

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.department}"

    @property
    def what(self) -> str:
        """The thing rated, in words."""
        if self.target == Target.TASK and self.task is not None:
            return self.task.item_name
        if self.target == Target.WINDOW and self.window is not None:
            return f"{self.window}（{self.service_date:%Y-%m-%d}）"
        return self.application.one_thing.name if self.application else ""


class Rectification(TimeStampedModel):
    """整改: the department's reply to a bad rating, a return visit, or an appeal (申诉复核)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改答复")
        REPLIED = "replied", _("已答复，待回访")
        CLOSED = "closed", _("已回访办结")
        APPEALED = "appealed", _("申诉复核中")
        APPEAL_UPHELD = "appeal_upheld", _("申诉成立，差评不计入")
        APPEAL_REJECTED = "appeal_rejected", _("申诉不成立，待整改答复")

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="rectifications",
        verbose_name=_("整改责任部门"),
    )
    due_date = models.DateField(_("整改答复期限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    reply = models.TextField(_("整改答复"), blank=True)
    replied_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    # 回访: was the applicant satisfied with the rectification?
    return_visit_satisfied = models.BooleanField(_("回访是否满意"), null=True, blank=True)
    return_visit_note = models.TextField(_("回访情况"), blank=True)
    return_visit_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_visit_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    # 申诉复核: the department asks the supervisors to find the bad rating unfounded
    appeal_reason = models.TextField(_("申诉理由"), blank=True)
    appealed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appealed_at = models.DateTimeField(_("申诉时间"), null=True, blank=True)
    appeal_note = models.TextField(_("复核意见"), blank=True)
    appeal_decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal_decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["department", "status", "due_date"])]
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")

    def __str__(self) -> str:
        return f"整改 {self.department} #{self.pk}"
