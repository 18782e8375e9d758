"""The one-time notification letter (一次性告知书) of a guide, as a printable PDF.

A window clerk prints it for an applicant: the items that apply, the materials to bring, the
materials exempt and why (两个免于提交), the fields to fill in, fees, the deadline, the results
and the figures before and after bundling. Layout helpers and fonts live in ``core.pdf``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from onething.core.pdf import FRAME_WIDTH, build_pdf, layout, mixed, para, styles, table

from .guide import Figures, Guide, ItemInGuide

FORM_LABELS = {
    "original": "原件",
    "copy": "复印件",
    "original_and_copy": "原件和复印件",
    "electronic": "电子件",
}
NUMERALS = "一二三四五六七八九十"
HOTLINE = "12345"


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}元"


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


class _Sections:
    """Numbers the headings 一、二、三 … in the order they are added."""

    def __init__(self) -> None:
        self.count = 0

    def heading(self, text: str) -> Flowable:
        self.count += 1
        return para(f"{NUMERALS[self.count - 1]}、{text}", styles().heading)


def _item_cell(item: ItemInGuide) -> Paragraph:
    name = item.name + ("（告知承诺）" if item.commitment else "")
    code = mixed(f"事项编码 {item.code}")
    return Paragraph(
        f'{mixed(name)}<br/><font size="7.5" color="#555555">{code}</font>', styles().cell
    )


def _items(guide: Guide) -> list[Flowable]:
    rows = [
        [
            str(n),
            _item_cell(item),
            item.department,
            f"{item.statutory_days}个工作日",
            item.result or "—",
            item.reason,
        ]
        for n, item in enumerate(guide.items, 1)
    ]
    widths = (10, 44, 22, 20, 31, 38)
    header = ["序号", "事项", "办理部门", "法定时限", "办理结果", "纳入原因"]
    return [table(header, rows, widths, center=(0, 2, 3))]


def _to_submit(guide: Guide) -> list[Flowable]:
    materials = guide.materials_to_submit
    if not materials:
        return [para("本件事无需您另行提交材料。")]
    rows = [
        [
            str(n),
            m.name + ("" if m.required else "（视情况提供）"),
            FORM_LABELS.get(m.form, m.form),
            f"{m.count}份",
            "、".join(m.items),
        ]
        for n, m in enumerate(materials, 1)
    ]
    widths = (10, 55, 25, 15, 60)
    paper = any(m.form != "electronic" for m in materials)
    note = (
        "标注“原件”的材料请在受理时出示，窗口核验后当场退还；“电子件”可在线上传或现场扫描。"
        if paper
        else "以上材料均可在线上传电子件，无需到现场提交纸质材料。"
    )
    return [
        table(["序号", "材料名称", "形式", "份数", "用于哪些事项"], rows, widths, center=(0, 2, 3)),
        Spacer(1, 1.5 * mm),
        para(note, styles().small),
    ]


def _exempt(guide: Guide) -> list[Flowable]:
    materials = guide.materials_exempt
    intro = (
        "以下材料可由本件事中前一事项的办理结果、电子证照或部门间共享数据获取，"
        "或由“一张表单”自动生成，您无需提交："
    )
    if not materials:
        return [para("本件事暂无可免于提交的材料。")]
    rows = [[str(n), m.name, m.exempt_reason] for n, m in enumerate(materials, 1)]
    widths = (10, 60, 95)
    return [para(intro), table(["序号", "材料名称", "免于提交的原因"], rows, widths, center=(0,))]


def _form(guide: Guide) -> list[Flowable]:
    to_fill = _unique(f.label for f in guide.form if not f.prefill_source and f.required)
    optional = _unique(f.label for f in guide.form if not f.prefill_source and not f.required)
    prefilled = _unique(f.label for f in guide.form if f.prefill_source)
    if not guide.form:
        return [para("本件事无需填写申请表单。")]
    out = [
        para(
            f"各事项的申请表已合并为“一张表单”，共 {len(guide.form)} 项信息，相同信息只需填写一次："
        )
    ]
    groups = [
        ("需要您填写", to_fill),
        ("选填", optional),
        ("系统已根据共享数据预先填好，请您核对", prefilled),
    ]
    for title, labels in groups:
        if labels:
            out.append(para(f"{title}（{len(labels)}项）：{'、'.join(labels)}。"))
    return out


def _fees(guide: Guide) -> list[Flowable]:
    if not guide.fee_total:
        return [para("本件事所含事项均不收取任何费用（免费）。")]
    charged = "；".join(f"{i.name}{_money(i.fee)}" for i in guide.items if i.fee)
    return [
        para(
            f"共需缴纳 {_money(guide.fee_total)}：{charged}。"
            "请按依法公示的收费标准缴纳，并索取票据。"
        )
    ]


def _deadline(guide: Guide) -> list[Flowable]:
    names = {i.code: i.name for i in guide.items}
    lines = [
        f"自受理之日起 {guide.statutory_days} 个法定工作日内办结"
        "（受理当日不计入，遇法定节假日顺延）。"
        + (
            f"如于{_date(guide.start)}受理，将于{_date(guide.due)}前办结。"
            if guide.due
            else guide.due_note
        )
    ]
    if len(guide.critical_path) > 1:
        path = " → ".join(names[c] for c in guide.critical_path)
        lines.append(
            f"各事项并联办理，能同时办的同时办；决定总时限的是“{path}”这一顺序。"
            f"若各事项单独依次办理，法定时限合计 {guide.serial_days} 个工作日。"
        )
    return [para(line) for line in lines]


def _results(guide: Guide) -> list[Flowable]:
    produced = [i for i in guide.items if i.result]
    if not produced:
        return [para("本件事办结后，将及时告知您办理结果。")]
    entries = [
        f"（{n}）{item.result}"
        + ("（证照）" if item.result_type == "certificate" else "")
        + f"　{item.department}"
        for n, item in enumerate(produced, 1)
    ]
    half = (len(entries) + 1) // 2
    rows = [[entries[i], entries[i + half] if i + half < len(entries) else ""] for i in range(half)]
    indent = 21.0
    return [
        para(f"全部事项办结后，您将获得以下 {len(produced)} 项办理结果，届时将及时通知您："),
        layout(
            [["", *row] for row in rows],
            [indent, (FRAME_WIDTH - indent) / 2, (FRAME_WIDTH - indent) / 2],
        ),
    ]


def _official(official: dict[str, Any], key: str, index: int) -> str:
    value = official.get(key)
    if isinstance(value, list | tuple) and len(value) > index:
        return str(value[index])
    return "—"


def _figures(guide: Guide) -> list[Flowable]:
    rows_spec: list[tuple[str, str, str | None]] = [
        ("申请材料（份）", "materials", "materials"),
        ("表单字段（项）", "form_fields", None),
        ("办理环节（个）", "steps", "steps"),
        ("跑动次数（次）", "visits", "visits"),
        ("承诺办理时限（工作日）", "working_days", "days"),
    ]

    def figure(figures: Figures, attr: str) -> str:
        return str(getattr(figures, attr))

    official = guide.official
    header = ["对比项", "单独办理", "一件事办理"]
    widths: tuple[float, ...] = (45, 30, 30)
    if official:
        header += ["官方公布·单独办理", "官方公布·一件事办理"]
        widths = (41, 26, 26, 36, 36)
    rows = []
    for label, attr, key in rows_spec:
        row = [label, figure(guide.before, attr), figure(guide.after, attr)]
        if official:
            row += [
                _official(official, key, 0) if key else "—",
                _official(official, key, 1) if key else "—",
            ]
        rows.append(row)
    out: list[Flowable] = [
        table(header, rows, widths, center=tuple(range(1, len(header)))),
        Spacer(1, 1.5 * mm),
        para(
            "“单独办理”按各事项分别申请计算；“一件事办理”按本告知书所列事项合并办理计算，"
            "办理时限按并联办理后的承诺时限计。",
            styles().small,
        ),
    ]
    if official:
        area = official.get("area")
        source = official.get("source", "")
        out.append(
            para(
                f"官方公布数据来源：{source}" + (f"（适用地区：{area}）" if area else "") + "。",
                styles().small,
            )
        )
    return out


def _reminders(guide: Guide) -> list[Flowable]:
    notes = []
    if guide.unanswered:
        questions = "\n".join(f"（{n}）{q['question']}" for n, q in enumerate(guide.unanswered, 1))
        notes.append(
            "本告知书按一般情形列出。以下情况请您在申请时确认，所需事项和材料可能随之调整：\n"
            + questions
        )
    commitment = [i.name for i in guide.items if i.commitment]
    if commitment:
        notes.append(
            f"“{'”“'.join(commitment)}”适用告知承诺制：您按要求作出书面承诺的，"
            "可免于提交相应的证明材料。"
        )
    notes.append(
        "本告知书依据本件事已公布的办事指南生成；法律法规或办事指南调整的，以调整后的规定为准。"
    )
    return [para("温馨提示", styles().heading)] + [
        para(f"{n}. {note}", styles().small) for n, note in enumerate(notes, 1)
    ]


def _closing(platform: str, issued: dt.date) -> list[Flowable]:
    s = styles()
    blank = "_" * 16
    return [
        Spacer(1, 3 * mm),
        para(
            f"如有疑问，请拨打 {HOTLINE} 政务服务便民热线咨询，或到政务服务中心"
            "“一件事一次办”综合窗口咨询。感谢您的理解与支持！"
        ),
        Spacer(1, 4 * mm),
        para(platform, s.right),
        para(_date(issued), s.right),
        Spacer(1, 6 * mm),
        layout(
            [
                [f"窗口工作人员（签字）：{blank}", f"申请人（签收）：{blank}"],
                [f"日期：{blank}", f"日期：{blank}"],
            ],
            [1, 1],
            s.plain.clone("signature", leading=26),
        ),
    ]


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def guide_pdf(
    guide: Guide, *, one_thing_name: str, region_name: str, generated_at: dt.datetime
) -> bytes:
    """The 一次性告知书 of ``guide`` as PDF bytes (A4, fonts embedded)."""
    s = styles()
    moment = _local(generated_at)
    with translation.override("zh-hans"):
        platform = str(settings.ONETHING_SITE_NAME)
    title = f"“{one_thing_name}”一次性告知书"
    departments = _unique(i.department for i in guide.items)
    sections = _Sections()
    meta = s.plain.clone("meta", fontSize=9.5, leading=14)
    story: list[Flowable] = [
        para(title, s.title),
        layout(
            [
                [f"告知单位：{platform}", f"告知日期：{_date(moment.date())}"],
                [
                    f"办理地区：{region_name}",
                    f"一件事编码：{guide.one_thing}（第 {guide.version} 版）",
                ],
            ],
            [58, 42],
            meta,
        ),
        Spacer(1, 5 * mm),
        para(f"申请人：{'_' * 24}", s.plain.clone("salutation", spaceAfter=2 * mm)),
        para(
            f"您好！您咨询办理的“{one_thing_name}”一件事，涉及{'、'.join(departments)}"
            f"等 {len(departments)} 个部门的 {len(guide.items)} 个事项。"
            "现通过“一件事一次办”实行一次告知、一表申请、一套材料、一窗（网）受理，"
            "请您按本告知书一次性准备齐全。具体事项告知如下："
        ),
        sections.heading(f"办理事项（共 {len(guide.items)} 项）"),
        *_items(guide),
        sections.heading(f"需要提交的材料（共 {len(guide.materials_to_submit)} 项）"),
        *_to_submit(guide),
        sections.heading(f"免于提交的材料（两个免于提交，共 {len(guide.materials_exempt)} 项）"),
        *_exempt(guide),
        sections.heading("需要填写的信息"),
        *_form(guide),
        sections.heading("收费标准"),
        *_fees(guide),
        sections.heading("办理时限"),
        *_deadline(guide),
        sections.heading("办理结果"),
        *_results(guide),
        KeepTogether([sections.heading("减材料、减环节、减时间、减跑动"), *_figures(guide)]),
        *_reminders(guide),
        KeepTogether(_closing(platform, moment.date())),
    ]
    return build_pdf(
        story,
        title=title,
        subject=f"{one_thing_name} 一次性告知书",
        author=platform,
        header_left=platform,
        header_right=title,
        footer_left=f"{guide.one_thing} 第{guide.version}版 · 生成于 {moment:%Y-%m-%d %H:%M}",
    )
