"""Written notices of pre-review, as printable PDFs: 受理通知书, 补正告知书, 不予受理通知书.

The window prints them for the applicant, and the applicant can download their own. Layout
helpers and fonts live in ``core.pdf``; what a notice says comes from the application, its tasks,
its correction notices and its timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from onething.catalog.guide import Guide, compute_guide
from onething.core.errors import NotFound
from onething.core.pdf import build_pdf, layout, para, styles, table

from .models import Application, Correction
from .timeline import timeline_for
from .workflow import AppState

HOTLINE = "12345"
KINDS = ("acceptance", "correction", "refusal")
TITLES = {
    "acceptance": "受理通知书",
    "correction": "补正告知书",
    "refusal": "不予受理通知书",
}
DEFICIENCY_KINDS = {"field": "表单信息", "material": "申请材料", "item": "办理事项"}


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def application_guide(application: Application, start: dt.date | None = None) -> Guide:
    """The guide the application was submitted under (its version, answers and items)."""
    return compute_guide(
        application.version.snapshot,
        version=application.version.number,
        answers=application.answers,
        chosen=application.chosen_items,
        start=start or timezone.localdate(),
    )


@dataclass(frozen=True)
class DeficiencyRow:
    kind: str
    target: str
    item: str
    reason: str


def deficiency_rows(
    application: Application, deficiencies: list[dict[str, Any]], guide: Guide | None = None
) -> list[DeficiencyRow]:
    """Deficiencies in words: field codes and item codes become their labels and names."""
    guide = guide or application_guide(application)
    fields = {f.element: f.label for f in guide.form}
    items = {i.code: i.name for i in guide.items}
    rows = []
    for entry in deficiencies:
        kind = str(entry.get("kind", ""))
        target = str(entry.get("target", ""))
        if kind == "field":
            target = fields.get(target, target)
        elif kind == "item":
            target = items.get(target, target)
        rows.append(
            DeficiencyRow(
                kind=DEFICIENCY_KINDS.get(kind, kind or "—"),
                target=target or "—",
                item=str(entry.get("item") or "—"),
                reason=str(entry.get("reason", "")),
            )
        )
    return rows


def refusal_reason(application: Application) -> str:
    """The reason given when the application was refused (from its timeline)."""
    reasons = [
        row["reason"]
        for row in timeline_for(application, for_staff=False)
        if row["kind"] == "refused"
    ]
    return reasons[-1] if reasons else ""


def available(application: Application) -> list[str]:
    """The notices this application has (in the order they would have been issued)."""
    kinds = []
    if application.corrections.exists():
        kinds.append("correction")
    if application.accepted_at is not None:
        kinds.append("acceptance")
    if application.status == AppState.REFUSED:
        kinds.append("refusal")
    return kinds


# ---------------------------------------------------------------- pieces


def _platform() -> str:
    with translation.override("zh-hans"):
        return str(settings.ONETHING_SITE_NAME)


def _applicant_line(application: Application) -> str:
    if application.person is not None:
        return f"{application.person.name}（公民身份号码 {application.person.masked_id_number}）"
    return application.applicant_name or "—"


def _head(application: Application, title: str, issued: dt.date) -> list[Flowable]:
    s = styles()
    meta = s.plain.clone("meta", fontSize=9.5, leading=14)
    submitted = _local(application.submitted_at)
    return [
        para(title, s.title),
        layout(
            [
                [f"办件编号：{application.number}", f"日期：{_date(issued)}"],
                [f"一件事：{application.one_thing.name}", f"提交时间：{submitted:%Y-%m-%d %H:%M}"],
            ],
            [58, 42],
            meta,
        ),
        Spacer(1, 5 * mm),
        para(
            f"{application.applicant_name or '申请人'}：",
            s.plain.clone("salutation", spaceAfter=2 * mm),
        ),
    ]


def _submitted_sentence(application: Application) -> str:
    submitted = _local(application.submitted_at).date()
    channel = application.get_channel_display()
    return (
        f"您于{_date(submitted)}通过“{channel}”提交的“{application.one_thing.name}”一件事申请"
        f"（办件编号 {application.number}）"
    )


def _closing(issuer: str, issued: dt.date) -> list[Flowable]:
    s = styles()
    return [
        Spacer(1, 3 * mm),
        para(
            f"如有疑问，请拨打 {HOTLINE} 政务服务便民热线，或到政务服务中心“一件事一次办”"
            "综合窗口咨询。"
        ),
        Spacer(1, 6 * mm),
        para(issuer, s.right),
        para(_date(issued), s.right),
    ]


def _build(application: Application, kind: str, story: list[Flowable]) -> bytes:
    platform = _platform()
    title = TITLES[kind]
    now = _local(timezone.now())
    return build_pdf(
        story,
        title=f"{title} {application.number}",
        subject=f"{application.one_thing.name} {title}",
        author=platform,
        header_left=platform,
        header_right=f"{title} · {application.number}",
        footer_left=f"{application.number} · 生成于 {now:%Y-%m-%d %H:%M}",
    )


# ---------------------------------------------------------------- the notices


def acceptance_pdf(application: Application) -> bytes:
    """受理通知书: the items, the departments that decide them and the deadline."""
    if application.accepted_at is None:
        raise _missing(application, "acceptance")
    s = styles()
    accepted = _local(application.accepted_at).date()
    tasks = list(application.tasks.select_related("department", "department__region"))
    lead = application.lead_department
    rows = [
        [
            str(n),
            task.item_name + ("（告知承诺）" if task.commitment else ""),
            task.department.name
            + ("（跨区域）" if task.department.region_id != lead.region_id else ""),
            f"{task.statutory_days}个工作日",
        ]
        for n, task in enumerate(tasks, 1)
    ]
    departments = list(dict.fromkeys(task.department.name for task in tasks))
    guide = application_guide(application, start=accepted)
    if application.due_date:
        deadline = (
            f"自受理之日起 {guide.statutory_days} 个工作日内办结，"
            f"办结期限为{_date(application.due_date)}（受理当日不计入，遇法定节假日顺延；"
            "需要补正的，补正期间不计入）。"
        )
    else:
        deadline = f"自受理之日起 {guide.statutory_days} 个工作日内办结。" + (
            guide.due_note or "具体日期将另行告知。"
        )
    story: list[Flowable] = [
        *_head(application, TITLES["acceptance"], accepted),
        para(
            f"{_submitted_sentence(application)}，申请材料齐全、符合法定形式，"
            f"已于{_date(accepted)}受理。由{lead.name}牵头，"
            f"{'、'.join(departments)}等 {len(departments)} 个部门并联办理，"
            "您无需再到各部门分别申请。现将有关事项告知如下："
        ),
        para(f"一、办理事项（共 {len(rows)} 项）", s.heading),
        table(["序号", "事项", "办理部门", "法定时限"], rows, (10, 60, 60, 25), center=(0, 3)),
        para("二、办理时限", s.heading),
        para(deadline),
        para("三、办理进度与结果", s.heading),
        para(
            "您可以登录本平台“我的办件”随时查看每个部门的办理进度。全部事项办结后，"
            f"我们将通知您按所选方式（{application.get_delivery_display()}）领取办理结果。"
        ),
        KeepTogether(_closing(f"{lead.name}（受理专用章）", accepted)),
    ]
    return _build(application, "acceptance", story)


def correction_pdf(correction: Correction) -> bytes:
    """补正告知书: every deficiency at once, with the item it concerns and the reason."""
    application = correction.application
    issued = _local(correction.created_at).date()
    rows = deficiency_rows(application, correction.deficiencies)
    issuer = (
        correction.task.department.name if correction.task else application.lead_department.name
    )
    body = [[str(n), row.kind, row.target, row.item, row.reason] for n, row in enumerate(rows, 1)]
    story: list[Flowable] = [
        *_head(application, TITLES["correction"], issued),
        para(
            f"{_submitted_sentence(application)}，经审查，还有以下 {len(rows)} 处需要补正。"
            "依照《中华人民共和国行政许可法》第三十二条，现一次性告知如下，请您一并补正："
        ),
        table(
            ["序号", "类别", "需要补正的内容", "涉及事项", "补正理由"],
            body,
            (10, 20, 40, 35, 60),
            center=(0, 1),
        ),
        Spacer(1, 3 * mm),
        para(
            "请您登录本平台“我的办件”在线补正，或携带相关材料到综合窗口补正。"
            "补正期间不计入办理时限；补正后我们将继续办理，不再要求您重复提交其他材料。"
        ),
        KeepTogether(_closing(issuer, issued)),
    ]
    return _build(application, "correction", story)


def refusal_pdf(application: Application) -> bytes:
    """不予受理通知书: the reason, and how to challenge the decision."""
    if application.status != AppState.REFUSED:
        raise _missing(application, "refusal")
    s = styles()
    issued = _local(application.finished_at or timezone.now()).date()
    reason = refusal_reason(application) or "—"
    story: list[Flowable] = [
        *_head(application, TITLES["refusal"], issued),
        para(f"{_submitted_sentence(application)}，经审查，决定不予受理。"),
        para("不予受理的理由", s.heading),
        para(reason),
        para("救济途径", s.heading),
        para(
            "如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，"
            "或者在六个月内依法向人民法院提起行政诉讼。"
        ),
        KeepTogether(_closing(application.lead_department.name, issued)),
    ]
    return _build(application, "refusal", story)


def _missing(application: Application, kind: str) -> NotFound:
    return NotFound(
        code="notice_not_found",
        message=f"办件 {application.number} 没有{TITLES.get(kind, '这份通知书')}。",
        message_en=f"Application {application.number} has no {kind} notice.",
    )


def notice_pdf(application: Application, kind: str, correction_id: int | None = None) -> bytes:
    """The notice of ``kind`` (acceptance, correction, refusal); NotFound if it has none.

    For corrections, the newest notice unless ``correction_id`` names another one.
    """
    if kind == "acceptance":
        return acceptance_pdf(application)
    if kind == "refusal":
        return refusal_pdf(application)
    if kind == "correction":
        corrections = application.corrections.select_related("task", "task__department")
        if correction_id is not None:
            corrections = corrections.filter(pk=correction_id)
        correction = corrections.order_by("-created_at", "-pk").first()
        if correction is None:
            raise _missing(application, kind)
        return correction_pdf(correction)
    raise _missing(application, kind)
