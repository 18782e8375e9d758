"""Writes of the insight app: the assessment sheet and its evidence, and stand-alone volumes.

- ``assessment_save`` stores a supervisor's scores and notes for the entered criteria of one
  one-thing's quarter, together with the computed criteria as they stand at that moment (so
  the sheet records what it was assessed on);
- ``evidence_add`` / ``evidence_remove`` keep the files behind a criterion (checked by their
  content, stored through Django's storage API);
- ``standalone_volume_set`` and ``standalone_volumes_import`` record how often each service
  item was handled on its own, which the one-thing-mode share needs and the platform cannot
  see. Every problem of an import is listed at once and nothing is stored until all are fixed.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from onething.accounts.models import StaffRole, User
from onething.accounts.selectors import staff_scope
from onething.cases.uploads import check_upload
from onething.catalog.models import OneThing, ServiceItem
from onething.core.errors import PermissionDenied, ValidationFailed
from onething.org.models import Region

from .assessment import computed_criteria, one_thing_for_assessment
from .models import (
    COMPUTED,
    ENTERED,
    MAX_POINTS,
    Assessment,
    AssessmentEvidence,
    Criterion,
    StandaloneVolume,
)
from .periods import Period, parse_period

VOLUME_ROLES = (StaffRole.SUPERVISOR, StaffRole.CATALOG_EDITOR)
IMPORT_COLUMNS = ("事项编码", "区划代码", "统计期间", "单独办理办件量")
NOTE_MAX = 2000


# ---------------------------------------------------------------- assessment


def _quarter(period: Period) -> Period:
    if period.kind != "quarter":
        raise ValidationFailed(
            code="period_not_quarter",
            message="工作评价按季度进行，请选择一个季度。",
            message_en="Assessments are per quarter.",
            details={"period": period.code},
        )
    return period


def parse_score(criterion: str, value: Any) -> Decimal | None:
    """A score of ``criterion`` from a form or API value; blank is None (not assessed yet)."""
    label = Criterion(criterion).label
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        score = Decimal(str(value).strip())
    except InvalidOperation:
        score = Decimal("NaN")
    top = MAX_POINTS[criterion]
    if not score.is_finite() or score < 0 or score > top or score != score.quantize(Decimal("0.1")):
        raise ValidationFailed(
            code="score_invalid",
            message=f"“{label}”的得分应为0到{top}之间的数，最多一位小数。",
            message_en=f"The score of {criterion} is a number from 0 to {top}, one decimal.",
            details={"criterion": criterion},
        )
    return score


def _assessment_row(one_thing: OneThing, period: Period) -> Assessment:
    try:
        with transaction.atomic():
            row, _created = Assessment.objects.select_for_update().get_or_create(
                one_thing=one_thing, period=period.code
            )
    except IntegrityError:  # created concurrently
        row = Assessment.objects.select_for_update().get(one_thing=one_thing, period=period.code)
    return row


@transaction.atomic
def assessment_save(
    *,
    one_thing: OneThing,
    period: Period,
    actor: User,
    scores: Mapping[str, Any],
    notes: Mapping[str, str],
) -> Assessment:
    """Store the entered scores and the notes; refresh and store the computed criteria.

    Scores of computed criteria are ignored: they come from the data. Every invalid score is
    reported at once and nothing is stored.
    """
    one_thing_for_assessment(actor, one_thing.code)
    _quarter(period)
    parsed: dict[str, Decimal | None] = {}
    problems: list[dict[str, Any]] = []
    for criterion in ENTERED:
        try:
            parsed[criterion] = parse_score(criterion, scores.get(criterion))
        except ValidationFailed as exc:
            problems.append(exc.as_dict())
    for criterion in Criterion:
        if len(notes.get(criterion, "") or "") > NOTE_MAX:
            problems.append(
                {
                    "code": "note_too_long",
                    "message": f"“{criterion.label}”的说明不能超过{NOTE_MAX}字。",
                    "details": {"criterion": criterion.value},
                }
            )
    if problems:
        raise ValidationFailed(
            code="assessment_invalid",
            message=f"评价表有{len(problems)}处需要修改："
            + "；".join(p["message"] for p in problems),
            message_en=f"{len(problems)} things need fixing on the sheet.",
            details={"problems": problems},
        )
    assessment = _assessment_row(one_thing, period)
    computed = computed_criteria([one_thing], period)[one_thing.pk]
    for criterion in COMPUTED:
        setattr(assessment, f"{criterion}_score", computed[criterion].score)
    for criterion in ENTERED:
        setattr(assessment, f"{criterion}_score", parsed[criterion])
    for criterion in Criterion:
        if criterion.value in notes:
            setattr(assessment, f"{criterion}_note", (notes[criterion.value] or "").strip())
    assessment.computed = {c.value: computed[c].as_json() for c in COMPUTED}
    assessment.assessed_by, assessment.assessed_at = actor, timezone.now()
    assessment.save()
    return assessment


@transaction.atomic
def evidence_add(
    *,
    one_thing: OneThing,
    period: Period,
    criterion: str,
    filename: str,
    data: bytes,
    actor: User,
) -> AssessmentEvidence:
    """Attach a PDF, JPG or PNG to one criterion (the type is read from the content)."""
    one_thing_for_assessment(actor, one_thing.code)
    _quarter(period)
    if criterion not in Criterion.values:
        raise ValidationFailed(
            code="criterion_unknown",
            message="请选择佐证材料对应的考核项目。",
            message_en="Choose the criterion the evidence is for.",
        )
    checked = check_upload(filename, data, material=str(Criterion(criterion).label))
    assessment = _assessment_row(one_thing, period)
    return AssessmentEvidence.objects.create(
        assessment=assessment,
        criterion=criterion,
        file=checked.content,
        name=(filename or checked.content.name or "佐证材料")[:255],
        content_type=checked.content_type,
        size=checked.size,
        digest=checked.digest,
        uploaded_by=actor,
    )


@transaction.atomic
def evidence_remove(*, evidence: AssessmentEvidence, actor: User) -> None:
    one_thing_for_assessment(actor, evidence.assessment.one_thing.code)
    evidence.file.delete(save=False)
    evidence.delete()


# ---------------------------------------------------------------- stand-alone volume


def _require_volume_editor(actor: User, region: Region) -> None:
    scope = staff_scope(actor)
    if scope.is_platform_admin:
        return
    if any(g.role in VOLUME_ROLES and region.path.startswith(g.region_path) for g in scope.grants):
        return
    raise PermissionDenied(
        code="volume_out_of_scope",
        message="只有本地区的监督管理人员或事项管理人员可以录入单独办理办件量。",
        message_en="Only supervisors or catalog editors of this region may enter volumes.",
        details={"region": region.name},
    )


def may_edit_volumes(actor: User) -> bool:
    scope = staff_scope(actor)
    return scope.is_platform_admin or any(g.role in VOLUME_ROLES for g in scope.grants)


def _volume_problems(
    item_code: str, region_code: str, period_text: str, count: Any
) -> tuple[list[str], Region | None, Period | None, int | None]:
    problems: list[str] = []
    if not ServiceItem.objects.filter(code=item_code).exists():
        problems.append(f"事项编码“{item_code}”不在事项目录中")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        problems.append(f"区划代码“{region_code}”不存在")
    period = None
    try:
        period = parse_period(period_text)
    except ValidationFailed as exc:
        problems.append(exc.message.rstrip("。"))
    number = None
    text = str(count if count is not None else "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    if text.isdigit():
        number = int(text)
    else:
        problems.append(f"办件量“{text}”应为不小于0的整数")
    return problems, region, period, number


def _upsert(
    actor: User, item_code: str, region: Region, period: Period, count: int
) -> StandaloneVolume:
    row, _created = StandaloneVolume.objects.update_or_create(
        item_code=item_code,
        region=region,
        period=period.code,
        defaults={
            "period_start": period.start,
            "period_end": period.end,
            "count": count,
            "entered_by": actor,
        },
    )
    return row


@transaction.atomic
def standalone_volume_set(
    *, actor: User, item_code: str, region_code: str, period: str, count: Any
) -> StandaloneVolume:
    """Record (or correct) one item's stand-alone volume in one region and period."""
    item_code, region_code = item_code.strip(), region_code.strip()
    problems, region, parsed, number = _volume_problems(item_code, region_code, period, count)
    if problems or region is None or parsed is None or number is None:
        raise ValidationFailed(
            code="volume_invalid",
            message="；".join(problems) + "。",
            message_en="The volume cannot be recorded: check the item code, region, period "
            "and count.",
            details={"problems": problems},
        )
    _require_volume_editor(actor, region)
    return _upsert(actor, item_code, region, parsed, number)


def _cells(row: tuple[Any, ...]) -> list[str]:
    return ["" if cell is None else str(cell).strip() for cell in row]


@transaction.atomic
def standalone_volumes_import(*, actor: User, data: bytes) -> int:
    """Import an .xlsx with the columns 事项编码 · 区划代码 · 统计期间 · 单独办理办件量 (the
    header row may sit below a title). All rows or none; returns how many were recorded."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationFailed(
            code="workbook_invalid",
            message="无法读取这个文件，请上传按模板填写的 Excel（.xlsx）文件。",
            message_en="That is not a readable .xlsx workbook.",
        ) from exc
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    header_at = next((n for n, row in enumerate(rows) if IMPORT_COLUMNS[0] in _cells(row)), None)
    if header_at is None:
        raise ValidationFailed(
            code="workbook_header_missing",
            message=f"没有找到表头（{'、'.join(IMPORT_COLUMNS)}），请使用下载的模板。",
            message_en="The header row is missing; use the template.",
        )
    header = _cells(rows[header_at])
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        raise ValidationFailed(
            code="workbook_header_missing",
            message=f"表头缺少：{'、'.join(missing)}。",
            message_en=f"Missing columns: {', '.join(missing)}.",
        )
    index = [header.index(c) for c in IMPORT_COLUMNS]
    accepted: list[tuple[str, Region, Period, int]] = []
    problems: list[str] = []
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = _cells(row)
        values = [cells[i] if i < len(cells) else "" for i in index]
        if not any(values):
            continue
        item_code, region_code, period_text, count = values
        found, region, period, parsed = _volume_problems(item_code, region_code, period_text, count)
        if region is not None and not found:
            try:
                _require_volume_editor(actor, region)
            except PermissionDenied:
                found.append(f"无权录入{region.name}的数据")
        if found or region is None or period is None or parsed is None:
            problems.append(f"第{number}行：{'，'.join(found)}")
        else:
            accepted.append((item_code, region, period, parsed))
    if problems:
        raise ValidationFailed(
            code="volume_import_invalid",
            message=f"有{len(problems)}行需要修改，全部改好后再导入（本次未导入任何数据）：",
            message_en=f"{len(problems)} rows need fixing; nothing was imported.",
            details={"problems": problems},
        )
    for code, region, period, number in accepted:
        _upsert(actor, code, region, period, number)
    return len(accepted)
