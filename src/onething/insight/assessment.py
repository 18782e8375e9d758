"""The assessment sheet of a one-thing for a quarter (附件2 “一件事一次办”改革工作评价暂行办法).

Six criteria, 100 points. Three are computed from what the platform knows, with the reasons
shown beside the score; the other three are entered by a supervisor with evidence:

- 标准化建设 (20): a published guide (办事指南) with all its elements — the items, the materials
  of every item and the time limit of every item. No published guide: 0; each missing
  element takes off ``STANDARDIZATION_DEDUCTION``. (The implementation document itself is
  evidence a supervisor uploads.)
- 线上专网 (20): the online channel works — a published guide, and at least one application
  submitted online (web or API) in the quarter. Otherwise 0: “不能实现网上全程办理的此项不得分”.
- 运行质量 (20): at least ``QUALITY_CASES`` cases finished in the quarter earn
  ``QUALITY_BASE``; a one-thing-mode share above ``SHARE_BONUS_ABOVE`` % adds
  ``QUALITY_BONUS``. Fewer cases: 0 (“无法提供的此项不得分”).
- 线下专窗 (10), 宣传报道 (20), 工作配合 (10): entered.

``computed_criteria`` works on many one-things at once in a fixed number of queries, so the
quarter's list costs the same as one sheet.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from onething.accounts.models import User
from onething.cases.models import Application, Channel, Task
from onething.catalog.models import OneThing, OneThingItem, OneThingVersion
from onething.core.errors import NotFound

from .models import (
    COMPUTED,
    MAX_POINTS,
    Assessment,
    AssessmentEvidence,
    Criterion,
    StandaloneVolume,
)
from .periods import Period
from .selectors import (
    FINISHED,
    ONLINE_CHANNELS,
    insight_scope,
    one_things_in_scope,
    region_filter,
)

STANDARDIZATION_DEDUCTION = Decimal(5)
QUALITY_CASES = 2
QUALITY_BASE = Decimal(16)
QUALITY_BONUS = Decimal(4)
SHARE_BONUS_ABOVE = 10.0

RULES = {
    Criterion.STANDARDIZATION: "梳理完善办事指南（包含办事流程、线上线下受理渠道等要素）并公示；"
    "针对省级“一件事”印发实施方案文件。",
    Criterion.ONLINE: "形成“一端受理”统一入口；不能实现网上全程办理的此项不得分；"
    "另在APP小程序或自助终端办理的酌情加分。",
    Criterion.OFFLINE: "在政务服务大厅、便民服务中心、分中心设立“一件事一次办”窗口，"
    "建立健全线下工作协调机制；延伸至镇（街道）以下的酌情加分。",
    Criterion.QUALITY: "每季度提供至少2个实际办理案例，无法提供的此项不得分；"
    "按“一件事一次办”模式运行比例超10%的加分。",
    Criterion.PUBLICITY: "根据市级、省级、国家级宣传报道，各级领导批示等情况进行加分。",
    Criterion.COOPERATION: "依据省、市“一件事”改革要求和整体优化提升举措，"
    "参考部门配合度、贡献值赋分。",
}
EVIDENCE_HINTS = {
    Criterion.STANDARDIZATION: "实施方案文件、窗口公示照片或截图、办事指南电子稿",
    Criterion.ONLINE: "网址和办件量（平台已按数据计算）",
    Criterion.OFFLINE: "专窗照片或截图",
    Criterion.QUALITY: "全部门、全流程业务截图",
    Criterion.PUBLICITY: "宣传报道、领导批示的截图或照片",
    Criterion.COOPERATION: "配合情况说明",
}


@dataclass
class Computed:
    """One computed criterion: the score, whether the base condition holds, and why."""

    criterion: str
    score: Decimal
    passed: bool
    reasons: list[str]
    facts: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "score": str(self.score),
            "passed": self.passed,
            "reasons": self.reasons,
            "facts": self.facts,
        }


# ---------------------------------------------------------------- computing from data


def _guide_gaps(snapshot: dict[str, Any]) -> list[str]:
    """The guide elements that are missing or incomplete."""
    items = snapshot.get("items") or []
    gaps = []
    if not items:
        gaps.append("办理事项")
    if not items or any(not item.get("materials") for item in items):
        gaps.append("申请材料")
    if not items or any(
        not item.get("instant") and not item.get("statutory_days") for item in items
    ):
        gaps.append("办理时限")
    return gaps


def _standardization(version: dict[str, Any] | None) -> Computed:
    if version is None:
        return Computed(
            Criterion.STANDARDIZATION,
            Decimal(0),
            False,
            ["没有已发布的办事指南：此项不得分。"],
            {"guide_version": None},
        )
    gaps = _guide_gaps(version["snapshot"])
    items = version["snapshot"].get("items") or []
    materials = sum(len(i.get("materials") or []) for i in items)
    reasons = [
        f"已发布办事指南第{version['number']}版：{len(items)}个办理事项、"
        f"{materials}项申请材料，每个事项均有办理时限。"
        if not gaps
        else f"已发布办事指南第{version['number']}版，但缺少或不完整：{'、'.join(gaps)}"
        f"（每项扣{STANDARDIZATION_DEDUCTION}分）。"
    ]
    reasons.append("实施方案文件和窗口公示照片请作为佐证材料上传。")
    score = max(
        Decimal(0), MAX_POINTS[Criterion.STANDARDIZATION] - STANDARDIZATION_DEDUCTION * len(gaps)
    )
    return Computed(
        Criterion.STANDARDIZATION,
        Decimal(score),
        not gaps,
        reasons,
        {
            "guide_version": version["number"],
            "items": len(items),
            "materials": materials,
            "missing": gaps,
        },
    )


def _online(version: dict[str, Any] | None, channels: dict[str, int]) -> Computed:
    online = sum(channels.get(c, 0) for c in ONLINE_CHANNELS)
    kiosk = channels.get(Channel.KIOSK, 0)
    facts = {
        "online_applications": online,
        "kiosk_applications": kiosk,
        "guide_published": version is not None,
    }
    reasons = []
    if version is None:
        reasons.append("没有已发布的办事指南，网上无法申报：此项不得分。")
    elif not online:
        reasons.append(
            "本季度没有通过网上（网页或接口）提交的申请，无法证明能网上全程办理：此项不得分。"
        )
    else:
        reasons.append(f"本季度通过网上（网页或接口）提交申请{online}件，网上申报入口可用。")
    if kiosk:
        reasons.append(f"另有自助终端申请{kiosk}件（可酌情加分，本表不超过分值上限）。")
    passed = version is not None and online > 0
    score = Decimal(MAX_POINTS[Criterion.ONLINE]) if passed else Decimal(0)
    return Computed(Criterion.ONLINE, score, passed, reasons, facts)


def _quality(finished: int, tasks: int, standalone: float | None) -> Computed:
    share = (
        None
        if standalone is None or not (tasks + standalone)
        else 100 * tasks / (tasks + standalone)
    )
    facts = {
        "finished": finished,
        "one_thing_items": tasks,
        "standalone": None if standalone is None else round(standalone, 1),
        "share": None if share is None else round(share, 1),
    }
    if finished < QUALITY_CASES:
        return Computed(
            Criterion.QUALITY,
            Decimal(0),
            False,
            [f"本季度办结{finished}件，少于{QUALITY_CASES}个实际办理案例：此项不得分。"],
            facts,
        )
    reasons = [f"本季度办结{finished}件，达到每季度至少{QUALITY_CASES}个实际办理案例的要求。"]
    score = QUALITY_BASE
    if share is None:
        reasons.append("未录入各事项的单独办理办件量，无法计算“一件事一次办”模式运行比例，不加分。")
    elif share > SHARE_BONUS_ABOVE:
        score += QUALITY_BONUS
        reasons.append(
            f"“一件事一次办”模式运行比例{share:.1f}%，超过{SHARE_BONUS_ABOVE:.0f}%，加{QUALITY_BONUS}分。"
        )
    else:
        reasons.append(
            f"“一件事一次办”模式运行比例{share:.1f}%，未超过{SHARE_BONUS_ABOVE:.0f}%，不加分。"
        )
    return Computed(Criterion.QUALITY, score, True, reasons, facts)


def computed_criteria(one_things: list[OneThing], period: Period) -> dict[int, dict[str, Computed]]:
    """{one-thing id: {criterion: Computed}} for the three computed criteria (6 queries)."""
    ids = [o.pk for o in one_things]
    if not ids:
        return {}
    start, end = period.bounds()
    versions: dict[int, Any] = {}
    for row in (
        OneThingVersion.objects.filter(
            one_thing_id__in=ids,
            one_thing__status=OneThing.Status.PUBLISHED,
            retired_at__isnull=True,
        )
        .order_by("one_thing_id", "-number")
        .values("one_thing_id", "number", "snapshot")
    ):
        versions.setdefault(row["one_thing_id"], row)
    submitted = Q(submitted_at__gte=start, submitted_at__lt=end)
    channels: dict[int, dict[str, int]] = defaultdict(dict)
    for one_thing_id, channel, count in (
        Application.objects.filter(submitted, one_thing_id__in=ids)
        .values("one_thing_id", "channel")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("one_thing_id", "channel", "n")
    ):
        channels[one_thing_id][channel] = count
    finished = dict(
        Application.objects.filter(
            one_thing_id__in=ids, status__in=FINISHED, finished_at__gte=start, finished_at__lt=end
        )
        .values("one_thing_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("one_thing_id", "n")
    )
    tasks = dict(
        Task.objects.filter(
            application__one_thing_id__in=ids,
            application__submitted_at__gte=start,
            application__submitted_at__lt=end,
        )
        .values("application__one_thing_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("application__one_thing_id", "n")
    )
    items: dict[int, set[str]] = defaultdict(set)
    for one_thing_id, code in OneThingItem.objects.filter(one_thing_id__in=ids).values_list(
        "one_thing_id", "item__code"
    ):
        items[one_thing_id].add(code)
    volumes = list(
        StandaloneVolume.objects.filter(
            item_code__in=set().union(*items.values()) if items else set(),
            period_start__lt=period.end,
            period_end__gt=period.start,
        ).values_list("item_code", "region__path", "period_start", "period_end", "count")
    )
    result: dict[int, dict[str, Computed]] = {}
    for one_thing in one_things:
        version = versions.get(one_thing.pk)
        mine = [
            count
            * period.overlap_days(Period(v_start, v_end, "", ""))
            / max(1, (v_end - v_start).days)
            for code, path, v_start, v_end, count in volumes
            if code in items[one_thing.pk] and path.startswith(one_thing.region.path)
        ]
        result[one_thing.pk] = {
            Criterion.STANDARDIZATION: _standardization(version),
            Criterion.ONLINE: _online(version, channels[one_thing.pk]),
            Criterion.QUALITY: _quality(
                finished.get(one_thing.pk, 0),
                tasks.get(one_thing.pk, 0),
                sum(mine) if mine else None,
            ),
        }
    return result


# ---------------------------------------------------------------- the sheet


@dataclass
class Line:
    """One criterion on the sheet."""

    criterion: str
    label: str
    max_points: int
    computed: bool
    score: Decimal | None
    note: str = ""
    reasons: list[str] = field(default_factory=list)
    passed: bool | None = None
    evidence: list[AssessmentEvidence] = field(default_factory=list)
    rule: str = ""
    evidence_hint: str = ""
    input_score: str = ""  # what the form shows: the stored score, or what was posted
    input_note: str = ""


@dataclass
class Sheet:
    one_thing: OneThing
    period: Period
    lines: list[Line]
    assessment: Assessment | None

    @property
    def total(self) -> Decimal:
        return sum((line.score or Decimal(0) for line in self.lines), Decimal(0))

    @property
    def complete(self) -> bool:
        return all(line.score is not None for line in self.lines)

    @property
    def max_total(self) -> int:
        return sum(line.max_points for line in self.lines)

    def line(self, criterion: str) -> Line:
        return next(line for line in self.lines if line.criterion == criterion)


def sheet_for(
    one_thing: OneThing,
    period: Period,
    assessment: Assessment | None,
    computed: dict[str, Computed],
    evidence: list[AssessmentEvidence] | None = None,
) -> Sheet:
    """The sheet: computed criteria as computed now, entered ones as stored."""
    lines = []
    for criterion in Criterion:
        result = computed.get(criterion)
        stored = assessment.score_of(criterion) if assessment else None
        note = assessment.note_of(criterion) if assessment else ""
        lines.append(
            Line(
                criterion=criterion.value,
                label=str(criterion.label),
                max_points=MAX_POINTS[criterion],
                computed=criterion in COMPUTED,
                score=result.score if result is not None else stored,
                note=note,
                reasons=result.reasons if result is not None else [],
                passed=result.passed if result is not None else None,
                evidence=[e for e in evidence or [] if e.criterion == criterion],
                rule=RULES[criterion],
                evidence_hint=EVIDENCE_HINTS[criterion],
                input_score="" if stored is None else f"{stored:f}".removesuffix(".0"),
                input_note=note,
            )
        )
    return Sheet(one_thing=one_thing, period=period, lines=lines, assessment=assessment)


# ---------------------------------------------------------------- reads, scoped


def one_thing_for_assessment(user: User, code: str) -> OneThing:
    """A one-thing of the supervised regions (any status), or NotFound."""
    scope = insight_scope(user)
    found = (
        OneThing.objects.filter(region_filter(scope, "region__path"), code=code)
        .select_related("region")
        .first()
    )
    if found is None:
        raise NotFound(
            code="one_thing_not_found",
            message=f"您监督的地区没有编码为 {code} 的“一件事”。",
            message_en=f"No one-thing {code} in the regions you supervise.",
        )
    return found


def assessment_sheet(user: User, code: str, period: Period) -> Sheet:
    one_thing = one_thing_for_assessment(user, code)
    assessment = (
        Assessment.objects.filter(one_thing=one_thing, period=period.code)
        .select_related("assessed_by")
        .first()
    )
    evidence = list(assessment.evidence.select_related("uploaded_by")) if assessment else []
    computed = computed_criteria([one_thing], period)[one_thing.pk]
    return sheet_for(one_thing, period, assessment, computed, evidence)


def assessment_sheets(user: User, period: Period) -> list[Sheet]:
    """Every published one-thing of the supervised regions, with its sheet for ``period``."""
    one_things = list(one_things_in_scope(user))
    stored = {
        a.one_thing_id: a
        for a in Assessment.objects.filter(one_thing__in=one_things, period=period.code)
    }
    computed = computed_criteria(one_things, period)
    return [sheet_for(o, period, stored.get(o.pk), computed[o.pk]) for o in one_things]
