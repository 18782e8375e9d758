"""The one-thing lifecycle: draft → in review → published → retired, with immutable versions.

Editors change the relational rows (in the admin); ``one_thing_publish`` checks them, freezes
them into a ``OneThingVersion`` snapshot (everything the guide needs, no further queries) and
records the diff against the previous version. A published version is never updated.
"""

from __future__ import annotations

import graphlib
import json
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import User
from onething.certificates.models import CertificateType
from onething.core.crypto import sm3_hex
from onething.core.errors import Conflict, DomainError
from onething.org.models import Region

from .models import (
    DataElement,
    OneThing,
    OneThingDepartment,
    OneThingItem,
    OneThingVersion,
    ServiceItem,
)

Status = OneThing.Status
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.PUBLISHED, Status.DRAFT},
    Status.PUBLISHED: {Status.DRAFT, Status.RETIRED},
    Status.RETIRED: {Status.DRAFT},
}


class PublishError(DomainError):
    """The one-thing cannot be published as it stands; ``details`` says where."""

    @classmethod
    def at(cls, one_thing: str, entry: str, zh: str, en: str) -> PublishError:
        return cls(
            code="one_thing_invalid",
            message=f"“{one_thing}”，{entry}：{zh}",
            message_en=f"{one_thing!r}, {entry}: {en}",
            details={"one_thing": one_thing, "entry": entry},
        )


# ---------------------------------------------------------------- snapshot


def _item_snapshot(entry: OneThingItem) -> dict[str, Any]:
    item = entry.item
    return {
        "code": item.code,
        "name": item.name,
        "department": item.department_kind.seed_name,
        "department_kind": item.department_kind.code,
        "kind": item.kind,
        "legal_basis": item.legal_basis,
        "conditions": item.conditions,
        "statutory_days": item.statutory_days,
        "promised_days": item.promised_days,
        "instant": item.instant,
        "fee": None
        if not item.fee_amount
        else {"amount": str(item.fee_amount), "basis": item.fee_basis},
        "result": {"type": item.result_type, "name": item.result_name},
        "visits_alone": item.visits_alone,
        "commitment": item.commitment,
        "required": entry.required,
        "materials": [
            {
                "name": m.name,
                "form": m.form,
                "count": m.count,
                "required": m.required,
                "source": m.source,
                "source_ref": m.source_ref,
            }
            for m in item.materials.all()
        ],
        "fields": [
            {
                "element": f.element.code,
                "label": f.label,
                "required": f.required,
                "name": f.element.name,
                "type": f.element.type,
                "pii": f.element.pii,
                "source": f.element.source,
                "choices": f.element.choices,
            }
            for f in item.fields.all()
        ],
    }


def _department_snapshot(listing: OneThingDepartment) -> dict[str, Any]:
    return {
        "name": listing.listed_name,
        "kind": listing.kind.code,
        "role": listing.role,
        "region": listing.region.code if listing.region else None,
    }


def snapshot_of(one_thing: OneThing) -> dict[str, Any]:
    """Everything the guide needs, from the current (possibly unpublished) rows."""
    entries = (
        one_thing.entries.select_related("item", "item__department_kind")
        .prefetch_related("item__materials", "item__fields__element")
        .order_by("position")
    )
    return {
        "code": one_thing.code,
        "name": one_thing.name,
        "national": one_thing.national,
        "scope": one_thing.scope,
        "audience": one_thing.audience,
        "life_stage": one_thing.life_stage,
        "summary": one_thing.summary,
        "keywords": list(one_thing.keywords),
        "region": {"code": one_thing.region.code, "name": one_thing.region.full_name},
        "departments": [
            _department_snapshot(d) for d in one_thing.departments.select_related("kind", "region")
        ],
        "items": [_item_snapshot(e) for e in entries],
        "precedence": [list(pair) for pair in one_thing.precedence],
        "groups": [list(group) for group in one_thing.groups],
        "situations": list(one_thing.situations),
        "official_figures": one_thing.official_figures,
        "source": one_thing.source,
        "origin": one_thing.origin.code if one_thing.origin else None,
    }


def snapshot_digest(snapshot: dict[str, Any]) -> str:
    return sm3_hex(json.dumps(snapshot, ensure_ascii=False, sort_keys=True).encode())


# ---------------------------------------------------------------- checks


def validate_snapshot(snapshot: dict[str, Any]) -> None:
    """Raise ``PublishError`` for the first thing that is wrong, naming where it is."""
    name = snapshot["name"]
    codes = {item["code"] for item in snapshot["items"]}
    if not codes:
        raise PublishError.at(name, "事项", "至少要包含一个事项", "must include at least one item")
    _check_precedence(name, snapshot["precedence"], codes)
    for index, group in enumerate(snapshot["groups"], start=1):
        _check_known_items(name, f"一并办理组{index}", group, codes)
    _check_situations(name, snapshot["situations"], {i["code"]: i for i in snapshot["items"]})
    _check_sources(name, snapshot["items"])


def _check_known_items(name: str, entry: str, refs: Iterable[str], codes: set[str]) -> None:
    for ref in refs:
        if ref not in codes:
            raise PublishError.at(
                name,
                entry,
                f"引用了本事项中不存在的事项 {ref}",
                f"refers to item {ref}, which is not part of this one-thing",
            )


def _check_precedence(name: str, pairs: list[list[str]], codes: set[str]) -> None:
    graph: dict[str, set[str]] = {code: set() for code in codes}
    for before, after in pairs:
        _check_known_items(name, "办理顺序", [before, after], codes)
        graph[after].add(before)
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        cycle = " → ".join(exc.args[1])
        raise PublishError.at(
            name, "办理顺序", f"存在循环依赖：{cycle}", f"the order of items has a cycle: {cycle}"
        ) from exc


def _check_situations(
    name: str, situations: list[dict[str, Any]], items: dict[str, dict[str, Any]]
) -> None:
    seen: set[str] = set()
    for situation in situations:
        code = situation.get("code", "")
        entry = f"情形“{situation.get('question', code)}”"
        if not code or code in seen:
            raise PublishError.at(name, entry, "情形代码缺失或重复", "missing or duplicate code")
        seen.add(code)
        if not situation.get("answers"):
            raise PublishError.at(name, entry, "没有可选答案", "has no answers")
        for answer in situation["answers"]:
            where = f"{entry}的答案“{answer.get('label', answer.get('value'))}”"
            _check_known_items(name, where, answer.get("include_items", []), set(items))
            _check_known_items(name, where, answer.get("exclude_items", []), set(items))
            for material in answer.get("add_materials", []) + answer.get("waive_materials", []):
                _check_known_items(name, where, [material.get("item", "")], set(items))
            for material in answer.get("waive_materials", []):
                names = {m["name"] for m in items[material["item"]]["materials"]}
                if material.get("name") not in names:
                    raise PublishError.at(
                        name,
                        where,
                        f"免交的材料“{material.get('name')}”不在该事项的材料中",
                        "waives a material the item does not ask for",
                    )


def _check_sources(name: str, items: list[dict[str, Any]]) -> None:
    certificates = set(CertificateType.objects.values_list("name", flat=True))
    elements = set(DataElement.objects.values_list("code", flat=True))
    item_codes = set(ServiceItem.objects.values_list("code", flat=True))
    known = {"certificate": certificates, "data": elements, "item": item_codes}
    for item in items:
        if item["result"]["type"] == "certificate" and item["result"]["name"] not in certificates:
            raise PublishError.at(
                name,
                f"事项“{item['name']}”的办理结果",
                f"未知的电子证照类型“{item['result']['name']}”",
                f"unknown certificate type {item['result']['name']!r}",
            )
        for material in item["materials"]:
            pool = known.get(material["source"])
            if pool is not None and material["source_ref"] not in pool:
                raise PublishError.at(
                    name,
                    f"事项“{item['name']}”的材料“{material['name']}”",
                    f"来源“{material['source']}:{material['source_ref']}”不存在",
                    f"source {material['source']}:{material['source_ref']} does not exist",
                )


# ---------------------------------------------------------------- diff


def diff_snapshots(old: dict[str, Any] | None, new: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed, as a flat list of {path, old, new}; items are matched by code."""
    if old is None:
        return [{"path": "", "old": None, "new": "首次发布"}]
    changes: list[dict[str, Any]] = []
    _diff(old, new, "", changes)
    return changes


def _keyed(values: list[Any]) -> dict[str, Any] | None:
    if values and all(isinstance(v, dict) and "code" in v for v in values):
        return {v["code"]: v for v in values}
    return None


def _diff(old: Any, new: Any, path: str, changes: list[dict[str, Any]]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            _diff(old.get(key), new.get(key), f"{path}.{key}" if path else key, changes)
        return
    if isinstance(old, list) and isinstance(new, list):
        old_keyed, new_keyed = _keyed(old), _keyed(new)
        if old_keyed is not None and new_keyed is not None:
            _diff(old_keyed, new_keyed, path, changes)
            return
    if old != new:
        changes.append({"path": path, "old": old, "new": new})


# ---------------------------------------------------------------- services


def _move(one_thing: OneThing, target: str) -> None:
    if target not in TRANSITIONS[one_thing.status]:
        raise Conflict(
            code="one_thing_transition",
            message=f"“{one_thing.name}”当前为“{one_thing.get_status_display()}”，不能改为"
            f"“{Status(target).label}”。",
            message_en=f"{one_thing.name!r} is {one_thing.status}; it cannot become {target}.",
        )
    one_thing.status = target
    one_thing.save(update_fields=["status", "updated_at"])


def latest_version(one_thing: OneThing) -> OneThingVersion | None:
    return one_thing.versions.order_by("-number").first()


@transaction.atomic
def one_thing_submit_for_review(*, one_thing: OneThing, actor: User | None) -> None:
    validate_snapshot(snapshot_of(one_thing))
    _move(one_thing, Status.IN_REVIEW)


@transaction.atomic
def one_thing_edit(*, one_thing: OneThing, actor: User | None) -> None:
    """Open a published or retired one-thing for editing; its versions stay as they are."""
    _move(one_thing, Status.DRAFT)


@transaction.atomic
def one_thing_send_back(*, one_thing: OneThing, actor: User | None) -> None:
    _move(one_thing, Status.DRAFT)


@transaction.atomic
def one_thing_publish(*, one_thing: OneThing, actor: User | None) -> OneThingVersion:
    """Freeze the reviewed one-thing into a new version (or keep the last if nothing changed)."""
    OneThing.objects.select_for_update().filter(pk=one_thing.pk).first()
    snapshot = snapshot_of(one_thing)
    validate_snapshot(snapshot)
    _move(one_thing, Status.PUBLISHED)
    previous = latest_version(one_thing)
    digest = snapshot_digest(snapshot)
    if previous is not None and previous.digest == digest:
        return previous
    return OneThingVersion.objects.create(
        one_thing=one_thing,
        number=(previous.number + 1) if previous else 1,
        snapshot=snapshot,
        digest=digest,
        diff=diff_snapshots(previous.snapshot if previous else None, snapshot),
        published_by=actor,
    )


@transaction.atomic
def one_thing_retire(*, one_thing: OneThing, actor: User | None) -> None:
    _move(one_thing, Status.RETIRED)
    one_thing.versions.filter(retired_at__isnull=True).update(retired_at=timezone.now())


@transaction.atomic
def one_thing_copy_to_region(
    *, one_thing: OneThing, region: Region, actor: User | None
) -> OneThing:
    """一地创新、多地复用: a draft copy for another region that remembers where it came from."""
    code = f"{one_thing.code}@{region.code}"
    if OneThing.objects.filter(code=code).exists():
        raise Conflict(
            code="one_thing_copy_exists",
            message=f"“{one_thing.name}”已复用到{region.name}。",
            message_en=f"{one_thing.name!r} has already been copied to {region.name}.",
        )
    departments = list(one_thing.departments.all())
    entries = list(one_thing.entries.all())
    copy = OneThing.objects.get(pk=one_thing.pk)
    copy.pk = None
    copy.code, copy.region, copy.status, copy.origin = code, region, Status.DRAFT, one_thing
    copy.save()
    OneThingDepartment.objects.bulk_create(
        [
            # a street office of the original region has no counterpart to carry over
            OneThingDepartment(
                one_thing=copy,
                kind_id=d.kind_id,
                region=None,
                role=d.role,
                listed_name=d.listed_name,
                position=d.position,
            )
            for d in departments
        ]
    )
    OneThingItem.objects.bulk_create(
        [
            OneThingItem(
                one_thing=copy, item_id=e.item_id, required=e.required, position=e.position
            )
            for e in entries
        ]
    )
    return copy
