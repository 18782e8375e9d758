"""The knowledge base (政务问答台), generated first from the published catalog.

``kb_build`` reads the current version of every published one-thing (its frozen snapshot) and
writes the questions people actually ask, with answers in plain words: what to do and which step
comes first, which materials to bring (and which are exempt), how long it takes, whether it
costs anything, the conditions, and which departments handle it — for each one-thing and for
each of its service items. Generated entries carry a stable key, so building again updates them
in place and retires those whose one-thing or item is gone; entries written by staff in the
admin are never touched.

Each entry's keywords are the words people use for its subject (the one-thing's name, its
everyday phrases, the item's name) plus the words of its question's intent (材料、多久、收费 …);
``search`` weighs the two separately.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from onething.catalog.guide import Guide, compute_guide
from onething.catalog.selectors import versions_current
from onething.org.models import Department

from .models import KnowledgeEntry

# The words of a question's intent; an entry matches on them only when its subject matches too.
INTENTS: dict[str, list[str]] = {
    "overview": ["办什么", "办哪些", "要办", "怎么办", "流程", "步骤", "手续", "哪些事", "第一步"],
    "materials": ["材料", "带什么", "要带", "证件", "准备什么", "资料", "提交什么"],
    "days": ["多久", "多长时间", "几天", "时限", "期限", "多少天", "什么时候办好"],
    "fees": ["收费", "费用", "多少钱", "要钱", "免费", "交钱", "花钱"],
    "conditions": ["条件", "能不能", "可以办", "符合", "资格", "谁能"],
    "departments": ["部门", "哪里办", "在哪", "去哪", "找谁", "哪个单位", "窗口"],
}
INTENT_WORDS = frozenset(word for words in INTENTS.values() for word in words)
FORMS = {
    "original": "原件",
    "copy": "复印件",
    "original_and_copy": "原件和复印件",
    "electronic": "电子件",
}
SOURCES = {
    "certificate": "已有电子证照的，免于提交",
    "data": "可通过共享数据获取，免于提交",
    "item": "由前一个事项的办理结果提供，免于提交",
    "template": "由系统生成，在线填写即可",
}
_ALIAS = re.compile(r"[（(]([^）)]+)[）)]")


@dataclass
class Spec:
    key: str
    question: str
    answer: str
    one_thing_code: str
    item_code: str = ""
    keywords: list[str] = field(default_factory=list)


def _names(name: str, phrases: list[str]) -> list[str]:
    """A name, what its brackets hold (企业准营（开办餐饮店） → 开办餐饮店) and everyday phrases."""
    aliases = _ALIAS.findall(name)
    bare = _ALIAS.sub("", name).strip()
    words = [name, *aliases, bare, *phrases]
    return list(dict.fromkeys(w for w in words if w))


def _department_names(region_codes: set[str]) -> dict[tuple[str, str], str]:
    rows = Department.objects.filter(region__code__in=region_codes).values_list(
        "region__code", "kind__code", "name"
    )
    return {(region, kind): name for region, kind, name in rows}


class _Context:
    """What one snapshot's entries are written from."""

    def __init__(
        self, snapshot: Mapping[str, Any], names: dict[tuple[str, str], str], today: dt.date
    ) -> None:
        self.snapshot = snapshot
        self.code: str = snapshot["code"]
        self.name: str = snapshot["name"]
        self.region: str = snapshot["region"]["code"]
        self.names = names
        self.items: list[dict[str, Any]] = list(snapshot["items"])
        self.guide: Guide = compute_guide(snapshot, start=today)
        self.subject = _names(self.name, list(snapshot.get("keywords", [])))

    def department(self, kind: str, region: str | None = None) -> str:
        return self.names.get((region or self.region, kind), "")

    def item_department(self, item: Mapping[str, Any]) -> str:
        listing = next(
            (d for d in self.snapshot["departments"] if d["kind"] == item["department_kind"]), None
        )
        region = listing["region"] if listing else None
        return self.department(item["department_kind"], region) or item["department"]

    def listing_name(self, listing: Mapping[str, Any]) -> str:
        return self.department(listing["kind"], listing.get("region")) or listing["name"]

    def steps(self) -> list[list[dict[str, Any]]]:
        """The items in layers: those with no predecessor first, then what they unlock."""
        before: dict[str, set[str]] = {i["code"]: set() for i in self.items}
        for first, then in self.snapshot["precedence"]:
            if first in before and then in before:
                before[then].add(first)
        done: set[str] = set()
        layers = []
        while len(done) < len(self.items):
            layer = [i for i in self.items if i["code"] not in done and before[i["code"]] <= done]
            if not layer:  # a cycle cannot be published; stop rather than loop
                break
            layers.append(layer)
            done |= {i["code"] for i in layer}
        return layers

    def spec(
        self, topic: str, question: str, answer: str, item: Mapping[str, Any] | None = None
    ) -> Spec:
        subject = _names(item["name"], []) if item else self.subject
        key = f"item:{item['code']}:{topic}" if item else f"{self.code}:{topic}"
        return Spec(
            key=key,
            question=question,
            answer=answer.strip(),
            one_thing_code=self.code,
            item_code=item["code"] if item else "",
            keywords=[*subject, *INTENTS[topic]],
        )


def _days(value: int, instant: bool = False) -> str:
    return "当场办结（即办件）" if instant or value == 0 else f"{value}个工作日"


def _money(value: Decimal) -> str:
    return f"{value.normalize():f}元"


# ---------------------------------------------------------------- one-thing entries


def _overview(c: _Context) -> Spec:
    layers = c.steps()
    first = next((i for i in layers[0] if i["required"]), layers[0][0]) if layers else None
    lines = [c.snapshot.get("summary", "")]
    lines.append(f"“{c.name}”只需一次申请，可一并办理以下{len(c.items)}个事项：")
    for n, item in enumerate(c.items, 1):
        optional = "" if item["required"] else "（按情形选办）"
        lines.append(f"{n}. {item['name']}——{c.item_department(item)}{optional}")
    if first is not None:
        lines.append(f"第一步：{first['name']}（{c.item_department(first)}）。")
    if len(layers) > 1:
        order = "；".join(
            f"第{n}步：" + "、".join(i["name"] for i in layer) for n, layer in enumerate(layers, 1)
        )
        lines.append(f"办理顺序：{order}。各部门按顺序自动衔接，无需您再跑。")
    lead = next((d for d in c.snapshot["departments"] if d["role"] == "lead"), None)
    if lead is not None:
        lines.append(f"牵头部门：{c.listing_name(lead)}。")
    lines.append(f"可在网上搜索“{c.name}”查看一次性告知和办事指南，在线申请。")
    return c.spec("overview", f"{c.name}要办哪些事？", "\n".join(lines))


def _materials(c: _Context) -> Spec:
    submit, exempt = c.guide.materials_to_submit, c.guide.materials_exempt
    lines = [f"按一般情形，“{c.name}”一次提交以下{len(submit)}份材料（同一份材料只交一次）："]
    for n, m in enumerate(submit, 1):
        need = "" if m.required else "，如有"
        lines.append(f"{n}. {m.name}（{FORMS.get(m.form, m.form)}{m.count}份{need}）")
    if exempt:
        lines.append("以下材料免于提交，由平台从电子证照、共享数据或前一个事项的结果中获取：")
        lines.extend(f"· {m.name}（{m.exempt_reason}）" for m in exempt)
    lines.append("具体以您的情形为准：在办事指南中回答几个情形问题，即可得到您本人的材料清单。")
    return c.spec("materials", f"{c.name}要带什么材料？", "\n".join(lines))


def _duration(c: _Context) -> Spec:
    guide = c.guide
    lines = [
        f"一次申请后各部门并联办理，承诺{guide.after.working_days}个工作日内全部办结"
        f"（按先后顺序计算的法定时限为{guide.statutory_days}个工作日；"
        f"以往各事项分别办理合计需{guide.before.working_days}个工作日）。",
        "各事项的承诺时限：",
    ]
    lines.extend(f"· {i['name']}：{_days(i['promised_days'], i['instant'])}" for i in c.items)
    lines.append("时限按法定工作日计算，节假日不计，受理当日不计入。")
    return c.spec("days", f"办理{c.name}要多久？", "\n".join(lines))


def _fees(c: _Context) -> Spec:
    charged = [i for i in c.items if i.get("fee")]
    if not charged:
        answer = f"不收费。“{c.name}”包含的{len(c.items)}个事项均不收取任何费用。"
    else:
        total = sum((Decimal(i["fee"]["amount"]) for i in charged), Decimal(0))
        lines = ["以下事项收费，其余事项不收费："]
        for i in charged:
            basis = f"（依据：{i['fee']['basis']}）" if i["fee"].get("basis") else ""
            lines.append(f"· {i['name']}：{_money(Decimal(i['fee']['amount']))}{basis}")
        lines.append(f"全部办理合计{_money(total)}。")
        answer = "\n".join(lines)
    return c.spec("fees", f"{c.name}收费吗？", answer)


def _conditions(c: _Context) -> Spec:
    lines = [f"“{c.name}”各事项的办理条件："]
    lines.extend(f"· {i['name']}：{i['conditions']}" for i in c.items if i.get("conditions"))
    return c.spec("conditions", f"{c.name}需要什么条件？", "\n".join(lines))


def _departments(c: _Context) -> Spec:
    lead = [c.listing_name(d) for d in c.snapshot["departments"] if d["role"] == "lead"]
    others = [c.listing_name(d) for d in c.snapshot["departments"] if d["role"] != "lead"]
    lines = [f"牵头部门：{'、'.join(lead) or '—'}。"]
    if others:
        lines.append(f"配合部门：{'、'.join(others)}。")
    lines.append("您只需向牵头部门、政务服务中心综合窗口或网上一次申请，由牵头部门分送各部门办理。")
    return c.spec("departments", f"{c.name}找哪些部门办理？", "\n".join(lines))


# ---------------------------------------------------------------- item entries


def _item_materials(c: _Context, item: Mapping[str, Any]) -> Spec:
    lines = [f"办理“{item['name']}”需要以下材料："]
    for n, m in enumerate(item["materials"], 1):
        kind = m["source"].split(":", 1)[0]
        note = SOURCES.get(kind, "")
        need = "" if m["required"] else "，如有"
        suffix = f"；{note}" if note else ""
        lines.append(
            f"{n}. {m['name']}（{FORMS.get(m['form'], m['form'])}{m['count']}份{need}{suffix}）"
        )
    lines.append(f"作为“{c.name}”一件事一并申请时，各事项的材料合并，同一份材料只交一次。")
    return c.spec("materials", f"{item['name']}需要什么材料？", "\n".join(lines), item)


def _item_days(c: _Context, item: Mapping[str, Any]) -> Spec:
    answer = (
        f"“{item['name']}”由{c.item_department(item)}办理，法定办结时限"
        f"{_days(item['statutory_days'], item['instant'])}，承诺"
        f"{_days(item['promised_days'], item['instant'])}（法定工作日，节假日不计）。"
        f"也可作为“{c.name}”一件事一并申请，各部门并联办理。"
    )
    return c.spec("days", f"办理{item['name']}要多久？", answer, item)


def _item_fees(c: _Context, item: Mapping[str, Any]) -> Spec:
    fee = item.get("fee")
    if not fee:
        answer = f"不收费。办理“{item['name']}”不收取任何费用。"
    else:
        basis = f"收费依据：{fee['basis']}。" if fee.get("basis") else ""
        answer = f"办理“{item['name']}”收费{_money(Decimal(fee['amount']))}。{basis}"
    return c.spec("fees", f"办理{item['name']}收费吗？", answer, item)


def _item_conditions(c: _Context, item: Mapping[str, Any]) -> Spec:
    lines = [f"办理部门：{c.item_department(item)}。"]
    if item.get("conditions"):
        lines.append(f"办理条件：{item['conditions']}")
    if item.get("legal_basis"):
        lines.append(f"设定依据：{item['legal_basis']}")
    result = item.get("result", {}).get("name")
    if result:
        lines.append(f"办理结果：{result}。")
    question = f"{item['name']}需要什么条件、找哪个部门办？"
    spec = c.spec("conditions", question, "\n".join(lines), item)
    spec.keywords += INTENTS["departments"]
    return spec


def entries_for(
    snapshot: Mapping[str, Any], names: dict[tuple[str, str], str], today: dt.date
) -> Iterator[Spec]:
    c = _Context(snapshot, names, today)
    for write in (_overview, _materials, _duration, _fees, _conditions, _departments):
        yield write(c)
    for item in c.items:
        for write_item in (_item_materials, _item_days, _item_fees, _item_conditions):
            yield write_item(c, item)


# ---------------------------------------------------------------- build


FIELDS = ("question", "answer", "one_thing_code", "item_code", "keywords")


@transaction.atomic
def kb_build(today: dt.date | None = None) -> dict[str, int]:
    """Write the catalog's entries; returns how many were created, updated and retired."""
    today = today or timezone.localdate()
    versions = versions_current()
    regions = {v.snapshot["region"]["code"] for v in versions}
    regions |= {d["region"] for v in versions for d in v.snapshot["departments"] if d["region"]}
    names = _department_names(regions)
    produced: dict[str, Spec] = {}
    for version in versions:
        for spec in entries_for(version.snapshot, names, today):
            produced.setdefault(spec.key, spec)  # an item in two one-things: the first one
    existing = {
        e.key: e for e in KnowledgeEntry.objects.filter(source=KnowledgeEntry.Source.CATALOG)
    }
    counts = {"created": 0, "updated": 0, "retired": 0, "unchanged": 0}
    new = []
    for key, spec in produced.items():
        entry = existing.get(key)
        values = {name: getattr(spec, name) for name in FIELDS}
        if entry is None:
            new.append(KnowledgeEntry(key=key, source=KnowledgeEntry.Source.CATALOG, **values))
            continue
        if entry.active and all(getattr(entry, k) == v for k, v in values.items()):
            counts["unchanged"] += 1
            continue
        for name, value in values.items():
            setattr(entry, name, value)
        entry.active = True
        entry.save()
        counts["updated"] += 1
    KnowledgeEntry.objects.bulk_create(new)
    counts["created"] = len(new)
    gone = [e.pk for key, e in existing.items() if key not in produced and e.active]
    counts["retired"] = KnowledgeEntry.objects.filter(pk__in=gone).update(
        active=False, updated_at=timezone.now()
    )
    return counts
