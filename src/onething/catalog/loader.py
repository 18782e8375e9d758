"""Load the catalog from ``catalog/data/`` (data elements, service items, one-things).

    data_elements.yaml          the data element dictionary (数据元)
    items/<department kind>.yaml service items of one kind of department
    one_things/NN-slug.yaml     one file per one-thing

Everything is checked and written in one transaction: an unknown department, element or item,
a malformed file or a bad value raises ``LoadError`` naming the file, the entry and the field,
and nothing is half-loaded. Loading again updates in place (codes are the keys).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import (
    Annotated,
    Any,
    NotRequired,  # pydantic needs these on Python 3.11
)

from django.db import transaction
from pydantic import Field, TypeAdapter
from pydantic import ValidationError as ShapeError
from typing_extensions import TypedDict

from onething.certificates.loader import load_certificate_types
from onething.core.dataload import LoadError, need, read_yaml
from onething.org.models import DepartmentKind, Region

from .models import (
    DataElement,
    ItemField,
    MaterialRequirement,
    OneThing,
    OneThingDepartment,
    OneThingItem,
    ServiceItem,
)
from .publishing import PublishError, one_thing_publish

DATA_DIR = Path(__file__).resolve().parent / "data"
SMALL_COUNT = 32767  # the largest value of a PositiveSmallIntegerField on every database


# The shapes of the structured values of a one-thing file, checked before anything is written
# (hypothesis found a ``groups: 1`` or a ``result: x`` crashed the load instead of naming it).
class _MaterialRef(TypedDict):
    item: str
    name: NotRequired[str]


class _Answer(TypedDict):
    value: str | int | bool
    label: NotRequired[str]
    include_items: NotRequired[list[str]]
    exclude_items: NotRequired[list[str]]
    add_materials: NotRequired[list[_MaterialRef]]
    waive_materials: NotRequired[list[_MaterialRef]]


class _Situation(TypedDict):
    code: str
    question: NotRequired[str]
    answers: list[_Answer]


class _Result(TypedDict):
    type: NotRequired[str | None]
    name: NotRequired[str | None]


SHAPES: dict[str, TypeAdapter[Any]] = {
    "seq": TypeAdapter(Annotated[int, Field(ge=0, le=SMALL_COUNT)] | None),
    "keywords": TypeAdapter(list[str] | None),
    "cooperating": TypeAdapter(list[str] | None),
    "precedence": TypeAdapter(list[tuple[str, str]] | None),
    "groups": TypeAdapter(list[list[str]] | None),
    "situations": TypeAdapter(list[_Situation] | None),
    "official_figures": TypeAdapter(dict[str, Any] | None),
    "result": TypeAdapter(_Result | None),
    "materials": TypeAdapter(list[Any] | None),  # each entry is checked where it is read
    "fields": TypeAdapter(list[Any] | None),
}


def _shaped(path: Path, entry: object, data: dict[str, Any], key: str) -> None:
    try:
        SHAPES[key].validate_python(data.get(key))
    except ShapeError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in (key, *first["loc"]))
        raise LoadError.at(
            path, entry, where, f"格式不正确：{first['msg']}", f"malformed: {first['msg']}"
        ) from None


DEFAULT_REGION = "321183"  # 句容市: where the province-standard list of Appendix 1 is implemented


@transaction.atomic
def load_catalog(data_dir: Path = DATA_DIR, *, region_code: str = DEFAULT_REGION) -> dict[str, int]:
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise LoadError.at(
            data_dir,
            "-",
            "region",
            f"区划 {region_code} 尚未导入，请先运行 onething org load",
            f"region {region_code} is not loaded; run `onething org load` first",
        )
    kinds = {k.seed_name: k for k in DepartmentKind.objects.all()}
    load_certificate_types()
    elements = _load_elements(data_dir / "data_elements.yaml")
    items: dict[str, ServiceItem] = {}
    for path in sorted((data_dir / "items").glob("*.yaml")):
        items.update(_load_items(path, kinds, elements, items))
    one_things = [
        _load_one_thing(path, kinds, items, region)
        for path in sorted((data_dir / "one_things").glob("*.yaml"))
    ]
    return {"data_elements": len(elements), "items": len(items), "one_things": len(one_things)}


def _load_elements(path: Path) -> dict[str, DataElement]:
    elements: dict[str, DataElement] = {}
    for index, entry in enumerate(read_yaml(path) or [], start=1):
        code = need(path, index, entry, "code", str)
        kind = need(path, code, entry, "type", str)
        if kind not in DataElement.Type.values:
            raise LoadError.at(path, code, "type", f"未知类型 {kind}", f"unknown type {kind}")
        pii = entry.get("pii") or "none"
        if pii not in DataElement.PII.values:
            raise LoadError.at(path, code, "pii", f"未知级别 {pii}", f"unknown level {pii}")
        elements[code], _ = DataElement.objects.update_or_create(
            code=code,
            defaults={
                "name": need(path, code, entry, "name", str),
                "type": kind,
                "choices": entry.get("choices") or [],
                "pii": pii,
                "source": entry.get("source") or "",
            },
        )
    return elements


def _department_kind(
    path: Path, entry: object, field: str, name: str, kinds: dict[str, DepartmentKind]
) -> DepartmentKind:
    kind = kinds.get(name)
    if kind is None:
        raise LoadError.at(path, entry, field, f"未知部门“{name}”", f"unknown department {name!r}")
    return kind


def _load_items(
    path: Path,
    kinds: dict[str, DepartmentKind],
    elements: dict[str, DataElement],
    known: dict[str, ServiceItem],
) -> dict[str, ServiceItem]:
    data = read_yaml(path) or {}
    kind = _department_kind(
        path, "-", "department", need(path, "-", data, "department", str), kinds
    )
    loaded: dict[str, ServiceItem] = {}
    for index, entry in enumerate(need(path, "-", data, "items", list), start=1):
        code = str(need(path, index, entry, "code"))
        if code in known or code in loaded:
            raise LoadError.at(path, code, "code", "事项编码重复", "duplicate item code")
        loaded[code] = _load_item(path, code, entry, kind, elements)
    return loaded


def _days(path: Path, code: str, entry: dict[str, Any], key: str) -> int:
    value = need(path, code, entry, key, int)
    if not 1 <= value <= SMALL_COUNT:
        raise LoadError.at(path, code, key, "时限至少为1个工作日", "must be at least 1 working day")
    return int(value)


def _count(
    path: Path, entry: object, data: dict[str, Any], key: str, *, default: int, minimum: int
) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= SMALL_COUNT:
        raise LoadError.at(
            path,
            entry,
            key,
            f"应为不小于{minimum}的整数",
            f"must be a whole number of at least {minimum}",
        )
    return value


def _fee(path: Path, code: str, entry: dict[str, Any]) -> tuple[Decimal | None, str]:
    fee = entry.get("fee")
    if not fee:
        return None, ""
    try:
        amount = Decimal(str(need(path, code, fee, "amount")))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or not 0 <= amount < 10**8:  # the field's 10 digits, 2 decimals
        raise LoadError.at(path, code, "fee.amount", "金额格式不正确", "amount is not a number")
    return amount, str(fee.get("basis") or "")


def _load_item(
    path: Path,
    code: str,
    entry: dict[str, Any],
    kind: DepartmentKind,
    elements: dict[str, DataElement],
) -> ServiceItem:
    statutory, promised = (
        _days(path, code, entry, "statutory_days"),
        _days(path, code, entry, "promised_days"),
    )
    if promised > statutory:
        raise LoadError.at(
            path,
            code,
            "promised_days",
            "承诺时限不能超过法定时限",
            "the promised limit cannot exceed the statutory one",
        )
    fee_amount, fee_basis = _fee(path, code, entry)
    for key in ("result", "materials", "fields"):
        _shaped(path, code, entry, key)
    result = entry.get("result") or {}
    item, _ = ServiceItem.objects.update_or_create(
        code=code,
        defaults={
            "name": need(path, code, entry, "name", str),
            "department_kind": kind,
            "kind": need(path, code, entry, "kind", str),
            "legal_basis": entry.get("legal_basis") or "",
            "conditions": entry.get("conditions") or "",
            "statutory_days": statutory,
            "promised_days": promised,
            "instant": bool(entry.get("instant")),
            "fee_amount": fee_amount,
            "fee_basis": fee_basis,
            "result_type": result.get("type") or "decision",
            "result_name": result.get("name") or "",
            "visits_alone": _count(path, code, entry, "visits_alone", default=1, minimum=0),
            "commitment": bool(entry.get("commitment")),
            "source": str(entry.get("source") or ""),
        },
    )
    _load_materials(path, code, item, entry.get("materials") or [])
    _load_fields(path, code, item, entry.get("fields") or [], elements)
    return item


def _load_materials(path: Path, code: str, item: ServiceItem, materials: list[Any]) -> None:
    item.materials.all().delete()
    rows = []
    for position, material in enumerate(materials):
        where = f"{code} 材料{position + 1}"
        form = need(path, where, material, "form", str)
        if form not in MaterialRequirement.Form.values:
            raise LoadError.at(path, where, "form", f"未知材料形式 {form}", f"unknown form {form}")
        source, _, ref = str(material.get("source") or "applicant").partition(":")
        if source not in MaterialRequirement.Source.values:
            raise LoadError.at(
                path, where, "source", f"未知来源 {source}", f"unknown source {source}"
            )
        rows.append(
            MaterialRequirement(
                item=item,
                position=position,
                name=need(path, where, material, "name", str),
                form=form,
                count=_count(path, where, material, "count", default=1, minimum=1),
                required=bool(material.get("required", True)),
                source=source,
                source_ref=ref,
            )
        )
    MaterialRequirement.objects.bulk_create(rows)


def _load_fields(
    path: Path,
    code: str,
    item: ServiceItem,
    fields: list[Any],
    elements: dict[str, DataElement],
) -> None:
    item.fields.all().delete()
    rows = []
    for position, field in enumerate(fields):
        where = f"{code} 字段{position + 1}"
        element_code = need(path, where, field, "element", str)
        element = elements.get(element_code)
        if element is None:
            raise LoadError.at(
                path,
                where,
                "element",
                f"未知数据元 {element_code}",
                f"unknown data element {element_code}",
            )
        rows.append(
            ItemField(
                item=item,
                position=position,
                element=element,
                label=field.get("label") or element.name,
                required=bool(field.get("required", True)),
            )
        )
    ItemField.objects.bulk_create(rows)


def _load_one_thing(
    path: Path,
    kinds: dict[str, DepartmentKind],
    items: dict[str, ServiceItem],
    region: Region,
) -> OneThing:
    data = read_yaml(path) or {}
    code = str(need(path, path.stem, data, "code"))
    audience = need(path, code, data, "audience", str)
    if audience not in OneThing.Audience.values:
        raise LoadError.at(
            path, code, "audience", f"未知服务对象 {audience}", f"unknown audience {audience}"
        )
    for key in (
        "seq",
        "keywords",
        "cooperating",
        "precedence",
        "groups",
        "situations",
        "official_figures",
    ):
        _shaped(path, code, data, key)
    existing = OneThing.objects.filter(code=code).first()
    if existing is not None and existing.status != OneThing.Status.PUBLISHED:
        # an editor has it open (draft, in review) or retired it: the files do not override that
        return existing
    one_thing, _ = OneThing.objects.update_or_create(
        code=code,
        defaults={
            "seq": data.get("seq"),
            "name": need(path, code, data, "name", str),
            "national": bool(data.get("national")),
            "scope": data.get("scope") or OneThing.Scope.PROVINCE,
            "audience": audience,
            "life_stage": need(path, code, data, "life_stage", str),
            "summary": data.get("summary") or "",
            "keywords": data.get("keywords") or [],
            "region": region,
            "status": OneThing.Status.IN_REVIEW,
            "precedence": data.get("precedence") or [],
            "groups": data.get("groups") or [],
            "situations": data.get("situations") or [],
            "official_figures": data.get("official_figures"),
            "source": str(data.get("source") or ""),
        },
    )
    _load_one_thing_departments(path, code, one_thing, data, kinds, region)
    _load_one_thing_items(path, code, one_thing, data, items)
    try:
        one_thing_publish(one_thing=one_thing, actor=None)
    except PublishError as exc:
        raise LoadError.at(
            path, code, str(exc.details.get("entry", "-")), exc.message, exc.message_en
        ) from exc
    return one_thing


def _load_one_thing_departments(
    path: Path,
    code: str,
    one_thing: OneThing,
    data: dict[str, Any],
    kinds: dict[str, DepartmentKind],
    region: Region,
) -> None:
    one_thing.departments.all().delete()
    listed = [("lead", need(path, code, data, "lead", str))]
    listed += [("cooperating", name) for name in data.get("cooperating") or []]
    for position, (role, name) in enumerate(listed):
        field = "lead" if role == "lead" else "cooperating"
        street = Region.objects.filter(
            name=name, level=Region.Level.STREET, path__startswith=region.path
        ).first()
        if street is not None:
            kind, at = _department_kind(path, code, field, "街道办事处", kinds), street
        else:
            kind, at = _department_kind(path, code, field, name, kinds), None
        OneThingDepartment.objects.create(
            one_thing=one_thing,
            kind=kind,
            region=at,
            role=role,
            listed_name=name,
            position=position,
        )


def _load_one_thing_items(
    path: Path,
    code: str,
    one_thing: OneThing,
    data: dict[str, Any],
    items: dict[str, ServiceItem],
) -> None:
    one_thing.entries.all().delete()
    allowed = {d.kind_id for d in one_thing.departments.all()}
    entries = need(path, code, data, "items", list)
    for position, entry in enumerate(entries):
        item_code = str(need(path, code, entry, "code"))
        item = items.get(item_code)
        if item is None:
            raise LoadError.at(
                path,
                code,
                f"items[{position + 1}]",
                f"未知事项 {item_code}",
                f"unknown service item {item_code}",
            )
        if item.department_kind_id not in allowed:
            raise LoadError.at(
                path,
                code,
                f"items[{position + 1}]",
                f"事项“{item.name}”的实施部门不是本事项的牵头或配合部门",
                f"item {item.name!r} belongs to a department that is neither lead nor cooperating",
            )
        OneThingItem.objects.create(
            one_thing=one_thing,
            item=item,
            required=bool(entry.get("required", True)),
            position=position,
        )
