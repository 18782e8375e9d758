"""Supervision: the stand-alone volume of service items, and the quarterly assessment sheet of
each one-thing (“一件事一次办”改革工作评价暂行办法, 句协调办发〔2023〕1号 附件2)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onething.accounts.models import User
from onething.catalog.models import OneThing
from onething.core.models import TimeStampedModel
from onething.org.models import Region


class StandaloneVolume(TimeStampedModel):
    """办件量 of one service item handled on its own (not as part of a one-thing) in one region
    and period. This platform only sees one-thing applications, so editors enter or import
    these figures from the departments' own systems; the one-thing-mode share needs them."""

    item_code = models.CharField(_("事项编码"), max_length=32, db_index=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("行政区划")
    )
    period = models.CharField(_("统计期间"), max_length=8, help_text="2026 · 2026Q1 · 2026-03")
    # derived from ``period`` by the service that writes the row, for range queries
    period_start = models.DateField(editable=False)
    period_end = models.DateField(editable=False)
    count = models.PositiveIntegerField(_("单独办理办件量"))
    entered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_start", "item_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["item_code", "region", "period"], name="one_volume_per_item_region_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")), name="volume_period_order"
            ),
        ]
        verbose_name = _("单独办理办件量")
        verbose_name_plural = _("单独办理办件量")

    def __str__(self) -> str:
        return f"{self.item_code} {self.period} {self.count}"


class Criterion(models.TextChoices):
    """The six criteria of 附件2, in its order."""

    STANDARDIZATION = "standardization", _("标准化建设")
    ONLINE = "online", _("线上专网")
    OFFLINE = "offline", _("线下专窗")
    QUALITY = "quality", _("运行质量")
    PUBLICITY = "publicity", _("宣传报道")
    COOPERATION = "cooperation", _("工作配合")


MAX_POINTS: dict[str, int] = {
    Criterion.STANDARDIZATION: 20,
    Criterion.ONLINE: 20,
    Criterion.OFFLINE: 10,
    Criterion.QUALITY: 20,
    Criterion.PUBLICITY: 20,
    Criterion.COOPERATION: 10,
}
# computed from the platform's own data; the others are entered by a supervisor with evidence
COMPUTED = (Criterion.STANDARDIZATION, Criterion.ONLINE, Criterion.QUALITY)
ENTERED = (Criterion.OFFLINE, Criterion.PUBLICITY, Criterion.COOPERATION)


def _score(criterion: str, label: Any) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal(0)),
            MaxValueValidator(Decimal(MAX_POINTS[criterion])),
        ],
    )


class Assessment(TimeStampedModel):
    """One one-thing's assessment sheet for one quarter (附件2, 100 points)."""

    one_thing = models.ForeignKey(OneThing, on_delete=models.PROTECT, related_name="assessments")
    period = models.CharField(_("考核季度"), max_length=6)  # 2026Q1
    standardization_score = _score(Criterion.STANDARDIZATION, _("标准化建设得分"))
    online_score = _score(Criterion.ONLINE, _("线上专网得分"))
    offline_score = _score(Criterion.OFFLINE, _("线下专窗得分"))
    quality_score = _score(Criterion.QUALITY, _("运行质量得分"))
    publicity_score = _score(Criterion.PUBLICITY, _("宣传报道得分"))
    cooperation_score = _score(Criterion.COOPERATION, _("工作配合得分"))
    standardization_note = models.TextField(_("标准化建设说明"), blank=True)
    online_note = models.TextField(_("线上专网说明"), blank=True)
    offline_note = models.TextField(_("线下专窗说明"), blank=True)
    quality_note = models.TextField(_("运行质量说明"), blank=True)
    publicity_note = models.TextField(_("宣传报道说明"), blank=True)
    cooperation_note = models.TextField(_("工作配合说明"), blank=True)
    # {criterion: {"score": "20", "passed": true, "reasons": [...], "facts": {...}}} for the
    # computed criteria, as they stood when the sheet was last saved
    computed = models.JSONField(_("按数据计算的结果"), default=dict, blank=True)
    assessed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    class Meta:
        ordering = ["-period", "one_thing__seq", "one_thing__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["one_thing", "period"], name="one_assessment_per_quarter"
            )
        ]
        verbose_name = _("“一件事”工作评价")
        verbose_name_plural = _("“一件事”工作评价")

    def __str__(self) -> str:
        return f"{self.one_thing.name} {self.period}"

    def score_of(self, criterion: str) -> Decimal | None:
        value: Decimal | None = getattr(self, f"{criterion}_score")
        return value

    def note_of(self, criterion: str) -> str:
        return str(getattr(self, f"{criterion}_note"))


class AssessmentEvidence(models.Model):
    """A file a supervisor attaches to one criterion (照片、截图、文件、办件截图)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.CharField(_("考核项目"), max_length=16, choices=Criterion.choices)
    file = models.FileField(_("佐证材料"), upload_to="assessment/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    digest = models.CharField(_("SM3 摘要"), max_length=64)
    uploaded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment", "criterion", "uploaded_at"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.name
