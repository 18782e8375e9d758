"""The one-time guide (一次告知): from a published version, answers and a choice of items, compute

1. the items that apply, each with its reason (required, chosen, or selected by an answer);
2. one merged materials list: a material several items ask for appears once, with every item
   that needs it; a material is exempt (两个免于提交) when an earlier item of the bundle produces
   it, when it is an e-certificate, or when shared data fills it — each with the reason;
3. one merged form: fields merged by data element, each knowing its items and prefill source;
4. the fee, the results, and the deadline: the critical path through the precedence graph in
   statutory working days (first day not counted), next to the serial sum of applying alone;
5. before/after figures: materials, form fields, steps, visits and working days.

Everything works on the version's snapshot (a dict), so a guide costs no database queries.
"""

from __future__ import annotations

import datetime as dt
import graphlib
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from onething.core.errors import ValidationFailed
from onething.core.workdays import WorkCalendarUnknown, add_working_days

FORM_STRENGTH = {"electronic": 0, "copy": 1, "original": 2, "original_and_copy": 3}
PAPER_FORMS = {"original", "original_and_copy"}


class GuideError(ValidationFailed):
    """A wrong answer or a choice of items that breaks the one-thing's rules."""


@dataclass
class ItemInGuide:
    code: str
    name: str
    department: str
    reason: str
    statutory_days: int
    promised_days: int
    fee: Decimal
    result: str
    result_type: str
    commitment: bool
    predecessors: list[str] = field(default_factory=list)
    earliest_start: int = 0  # statutory working days after acceptance
    finish: int = 0


@dataclass
class MaterialInGuide:
    name: str
    form: str
    count: int
    required: bool
    items: list[str]  # item names that ask for it
    source: str
    source_ref: str
    exempt: bool = False
    exempt_reason: str = ""


@dataclass
class FieldInGuide:
    element: str
    label: str
    type: str
    required: bool
    pii: str
    items: list[str]
    prefill_source: str
    choices: list[Any] = field(default_factory=list)


@dataclass
class Figures:
    materials: int
    form_fields: int
    steps: int
    visits: int
    working_days: int


@dataclass
class Guide:
    one_thing: str
    name: str
    version: int
    items: list[ItemInGuide]
    materials: list[MaterialInGuide]
    form: list[FieldInGuide]
    fee_total: Decimal
    results: list[str]
    critical_path: list[str]
    statutory_days: int  # length of the critical path
    serial_days: int  # the same items one after another
    start: dt.date
    due: dt.date | None  # None when the work calendar does not reach that far yet
    due_note: str
    unanswered: list[dict[str, Any]]
    before: Figures
    after: Figures
    official: dict[str, Any] | None
    precedence: list[tuple[str, str]]

    @property
    def materials_to_submit(self) -> list[MaterialInGuide]:
        return [m for m in self.materials if not m.exempt]

    @property
    def materials_exempt(self) -> list[MaterialInGuide]:
        return [m for m in self.materials if m.exempt]


# ---------------------------------------------------------------- answers → items


def _error(code: str, zh: str, en: str, **details: Any) -> GuideError:
    return GuideError(code=code, message=zh, message_en=en, details=details)


def _apply_answers(
    snapshot: Mapping[str, Any], answers: Mapping[str, str]
) -> tuple[
    dict[str, str], set[str], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]
]:
    """Check answers; return reasons for included items, excluded items, extra and waived
    materials, and the questions still unanswered."""
    situations = {s["code"]: s for s in snapshot["situations"]}
    for code in answers:
        if code not in situations:
            raise _error(
                "unknown_situation",
                f"没有“{code}”这个情形问题。",
                f"There is no situation question {code!r}.",
                situation=code,
            )
    included: dict[str, str] = {}
    excluded: set[str] = set()
    added: list[dict[str, Any]] = []
    waived: list[dict[str, Any]] = []
    unanswered = []
    for code, situation in situations.items():
        if code not in answers:
            unanswered.append(
                {"code": code, "question": situation["question"], "answers": situation["answers"]}
            )
            continue
        answer = next((a for a in situation["answers"] if str(a["value"]) == answers[code]), None)
        if answer is None:
            options = "、".join(str(a["label"]) for a in situation["answers"])
            raise _error(
                "answer_not_an_option",
                f"“{situation['question']}”的回答只能是：{options}。",
                f"The answer to {code!r} must be one of its options.",
                situation=code,
                answer=answers[code],
            )
        reason = f"您对“{situation['question']}”的回答是“{answer['label']}”"
        for item in answer.get("include_items", []):
            included[item] = reason
        excluded.update(answer.get("exclude_items", []))
        added += [dict(m, reason=reason) for m in answer.get("add_materials", [])]
        waived += [dict(m, reason=reason) for m in answer.get("waive_materials", [])]
    return included, excluded, added, waived, unanswered


def _choose_items(
    snapshot: Mapping[str, Any],
    chosen: Iterable[str] | None,
    included: dict[str, str],
    excluded: set[str],
    held_results: set[str],
) -> dict[str, str]:
    """item code → reason it is in the guide; checks precedence and groups of a subset."""
    items = {i["code"]: i for i in snapshot["items"]}
    if chosen is None:
        selection: dict[str, str] = {}
        for code, item in items.items():
            if code in included:
                selection[code] = included[code]
            elif code not in excluded:
                selection[code] = "必办事项" if item["required"] else "可选事项，默认一并办理"
        return selection
    selection = {}
    for code in chosen:
        if code not in items:
            raise _error(
                "unknown_item",
                f"本件事不包含编码为 {code} 的事项。",
                f"Item {code} is not part of this one-thing.",
                item=code,
            )
        selection[code] = included.get(code, "您选择办理")
    _check_predecessors(snapshot, selection, items, held_results)
    _check_groups(snapshot, selection, items)
    return selection


def _check_predecessors(
    snapshot: Mapping[str, Any],
    selection: dict[str, str],
    items: dict[str, Any],
    held_results: set[str],
) -> None:
    for before, after in snapshot["precedence"]:
        if after in selection and before not in selection:
            result = items[before]["result"]["name"]
            if result and result in held_results:
                continue
            raise _error(
                "missing_predecessor",
                f"办理“{items[after]['name']}”需要先办理“{items[before]['name']}”"
                + (f"（或已持有{result}）" if result else "")
                + "，请一并选择。",
                f"{items[after]['name']} needs {items[before]['name']} first"
                + (f" (or an existing {result})" if result else "")
                + "; choose it too.",
                item=after,
                missing=before,
            )


def _check_groups(
    snapshot: Mapping[str, Any], selection: dict[str, str], items: dict[str, Any]
) -> None:
    for group in snapshot["groups"]:
        present = [code for code in group if code in selection]
        if present and len(present) != len(group):
            missing = [items[c]["name"] for c in group if c not in selection]
            raise _error(
                "group_incomplete",
                f"依法须一并办理的事项缺少：{'、'.join(missing)}，请一并选择。",
                f"Items that must be applied for together are missing: {', '.join(missing)}.",
                missing=[c for c in group if c not in selection],
            )


# ---------------------------------------------------------------- precedence and deadline


def _reachable_edges(snapshot: Mapping[str, Any], selected: set[str]) -> list[tuple[str, str]]:
    """Precedence between selected items, also through items that were not selected."""
    successors: dict[str, set[str]] = {}
    for before, after in snapshot["precedence"]:
        successors.setdefault(before, set()).add(after)
    edges = []
    for start in selected:
        stack, seen = list(successors.get(start, ())), set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            if node in selected:
                edges.append((start, node))
            else:
                stack.extend(successors.get(node, ()))
    return sorted(edges)


def _schedule(items: dict[str, ItemInGuide], edges: list[tuple[str, str]]) -> list[str]:
    """Earliest start/finish of each item; returns the critical path (item codes)."""
    graph: dict[str, set[str]] = {code: set() for code in items}
    for before, after in edges:
        graph[after].add(before)
        items[after].predecessors.append(before)
    order = list(graphlib.TopologicalSorter(graph).static_order())
    for code in order:
        item = items[code]
        item.earliest_start = max((items[p].finish for p in graph[code]), default=0)
        item.finish = item.earliest_start + item.statutory_days
    if not order:
        return []
    last = max(order, key=lambda c: (items[c].finish, -order.index(c)))
    path = [last]
    while graph[path[-1]]:
        path.append(max(graph[path[-1]], key=lambda p: items[p].finish))
    return list(reversed(path))


# ---------------------------------------------------------------- materials and form


def _exemption(
    material: Mapping[str, Any], produced: dict[str, str], held: frozenset[str] = frozenset()
) -> str:
    source, ref = material["source"], material["source_ref"]
    in_wallet = (
        ref
        if source == "certificate" and ref in held
        else (material.get("name", "") if material.get("name", "") in held else "")
    )
    if in_wallet:
        return f"您的卡包中已有电子证照“{in_wallet}”，免于提交"
    if source == "item" and ref in produced:
        return f"由本件事中“{produced[ref]}”的办理结果直接流转，免于提交"
    if source == "certificate":
        return f"可调取电子证照“{ref}”，免于提交"
    if source == "data":
        return "通过共享数据自动获取，免于提交"
    if source == "template":
        return "由“一张表单”自动生成，无需另行填写"
    return ""


def _merge_materials(
    snapshot: Mapping[str, Any],
    selection: dict[str, str],
    added: list[dict[str, Any]],
    waived: list[dict[str, Any]],
    held: frozenset[str] = frozenset(),
) -> tuple[list[MaterialInGuide], int]:
    items = [i for i in snapshot["items"] if i["code"] in selection]
    produced = {i["code"]: i["name"] for i in items}
    waived_keys = {(w["item"], w["name"]): w["reason"] for w in waived}
    extra = [(m["item"], m) for m in added if m["item"] in selection]
    merged: dict[tuple[str, str, str], MaterialInGuide] = {}
    separately = 0
    requests = [(i, m) for i in items for m in i["materials"]]
    requests += [(next(i for i in items if i["code"] == code), m) for code, m in extra]
    for item, material in requests:
        if (item["code"], material["name"]) in waived_keys:
            continue
        separately += 1
        source = material.get("source", "applicant")
        ref = material.get("source_ref", "")
        key = (material["name"], source, ref)
        entry = merged.get(key)
        if entry is None:
            reason = _exemption(
                {"source": source, "source_ref": ref, "name": material["name"]}, produced, held
            )
            entry = merged[key] = MaterialInGuide(
                name=material["name"],
                form=material["form"],
                count=material.get("count", 1),
                required=material.get("required", True),
                items=[],
                source=source,
                source_ref=ref,
                exempt=bool(reason),
                exempt_reason=reason,
            )
        else:
            if FORM_STRENGTH[material["form"]] > FORM_STRENGTH[entry.form]:
                entry.form = material["form"]
            entry.count = max(entry.count, material.get("count", 1))
            entry.required = entry.required or material.get("required", True)
        if item["name"] not in entry.items:
            entry.items.append(item["name"])
    return list(merged.values()), separately


def _merge_form(items: list[Mapping[str, Any]]) -> tuple[list[FieldInGuide], int]:
    merged: dict[str, FieldInGuide] = {}
    separately = 0
    for item in items:
        for spec in item["fields"]:
            separately += 1
            entry = merged.get(spec["element"])
            if entry is None:
                entry = merged[spec["element"]] = FieldInGuide(
                    element=spec["element"],
                    label=spec["label"],
                    type=spec["type"],
                    required=spec["required"],
                    pii=spec["pii"],
                    items=[],
                    prefill_source=spec["source"],
                    choices=spec.get("choices") or [],
                )
            entry.required = entry.required or spec["required"]
            entry.items.append(item["name"])
    return list(merged.values()), separately


# ---------------------------------------------------------------- the guide


def compute_guide(
    snapshot: Mapping[str, Any],
    *,
    version: int = 0,
    answers: Mapping[str, str] | None = None,
    chosen: Iterable[str] | None = None,
    held_results: Iterable[str] = (),
    start: dt.date | None = None,
) -> Guide:
    answers = {k: str(v) for k, v in (answers or {}).items()}
    included, excluded, added, waived, unanswered = _apply_answers(snapshot, answers)
    selection = _choose_items(snapshot, chosen, included, excluded, set(held_results))
    by_code = {i["code"]: i for i in snapshot["items"]}
    items = {
        code: ItemInGuide(
            code=code,
            name=by_code[code]["name"],
            department=by_code[code]["department"],
            reason=selection[code],
            statutory_days=by_code[code]["statutory_days"],
            promised_days=by_code[code]["promised_days"],
            fee=Decimal(by_code[code]["fee"]["amount"]) if by_code[code]["fee"] else Decimal(0),
            result=by_code[code]["result"]["name"],
            result_type=by_code[code]["result"]["type"],
            commitment=by_code[code]["commitment"],
        )
        for code in [i["code"] for i in snapshot["items"] if i["code"] in selection]
    }
    edges = _reachable_edges(snapshot, set(items))
    critical = _schedule(items, edges)
    length = max((i.finish for i in items.values()), default=0)
    chosen_specs = [by_code[c] for c in items]
    materials, materials_alone = _merge_materials(
        snapshot, selection, added, waived, frozenset(held_results)
    )
    form, fields_alone = _merge_form(chosen_specs)
    begin = start or dt.date.today()  # noqa: DTZ011 - a calendar date, the caller's "today"
    to_submit = [m for m in materials if not m.exempt]
    due, due_note = _due_date(begin, length)
    return Guide(
        one_thing=snapshot["code"],
        name=snapshot["name"],
        version=version,
        items=list(items.values()),
        materials=materials,
        form=form,
        fee_total=sum((i.fee for i in items.values()), Decimal(0)),
        results=[i.result for i in items.values() if i.result],
        critical_path=critical,
        statutory_days=length,
        serial_days=sum(i.statutory_days for i in items.values()),
        start=begin,
        due=due,
        due_note=due_note,
        unanswered=unanswered,
        before=Figures(
            materials=materials_alone,
            form_fields=fields_alone,
            steps=len(items),
            visits=sum(by_code[c]["visits_alone"] for c in items),
            working_days=sum(i.promised_days for i in items.values()),
        ),
        after=Figures(
            materials=len(to_submit),
            form_fields=len(form),
            steps=1 if items else 0,
            visits=1 if any(m.form in PAPER_FORMS for m in to_submit) else 0,
            working_days=_promised_path(items, edges),
        ),
        official=snapshot.get("official_figures"),
        precedence=edges,
    )


GUIDE_CACHE_SIZE = 512
_guides: OrderedDict[Hashable, Guide] = OrderedDict()
_guides_lock = threading.Lock()


def compute_guide_cached(
    snapshot: Mapping[str, Any],
    *,
    version_key: Hashable,
    version: int = 0,
    answers: Mapping[str, str] | None = None,
    chosen: Iterable[str] | None = None,
    held_results: Iterable[str] = (),
    start: dt.date | None = None,
) -> Guide:
    """``compute_guide``, remembered per (version, answers, chosen items, held results, day).

    ``version_key`` must name an immutable snapshot: a published ``OneThingVersion``'s pk (rows
    are only ever inserted) together with its digest. The guide returned is shared between
    requests of this process: read it, never change it. Errors (wrong answers, a choice that
    breaks the rules) are not remembered; they are raised again each time.
    """
    answers = answers or {}
    chosen_list = None if chosen is None else list(chosen)
    held = frozenset(held_results)
    begin = start or dt.date.today()  # noqa: DTZ011 - a calendar date, the caller's "today"
    key = (
        version_key,
        version,
        tuple(sorted((str(k), str(v)) for k, v in answers.items())),
        None if chosen_list is None else tuple(chosen_list),
        held,
        begin,
    )
    with _guides_lock:
        guide = _guides.get(key)
        if guide is not None:
            _guides.move_to_end(key)
            return guide
    guide = compute_guide(
        snapshot,
        version=version,
        answers=answers,
        chosen=chosen_list,
        held_results=held,
        start=begin,
    )
    with _guides_lock:
        _guides[key] = guide
        while len(_guides) > GUIDE_CACHE_SIZE:
            _guides.popitem(last=False)
    return guide


def _due_date(start: dt.date, days: int) -> tuple[dt.date | None, str]:
    try:
        return add_working_days(start, days), ""
    except WorkCalendarUnknown as exc:
        return None, exc.message


def _promised_path(items: dict[str, ItemInGuide], edges: list[tuple[str, str]]) -> int:
    finish: dict[str, int] = {}
    graph: dict[str, set[str]] = {code: set() for code in items}
    for before, after in edges:
        graph[after].add(before)
    for code in graphlib.TopologicalSorter(graph).static_order():
        finish[code] = max((finish[p] for p in graph[code]), default=0) + items[code].promised_days
    return max(finish.values(), default=0)
