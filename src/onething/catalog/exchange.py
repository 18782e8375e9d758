"""Export and import the whole catalog: YAML files, one JSON file, or an Excel workbook.

Editors in government offices keep their lists in Excel. ``export_bundle`` reads the catalog as
it stands in the database and returns a ``CatalogBundle``: the parsed content of the files in
``catalog/data/`` keyed by their relative path (``data_elements.yaml``, ``items/<kind>.yaml``,
``one_things/NN-<code>.yaml``). A bundle can be written as a directory of YAML files, as one
JSON file or as a workbook, and read back from any of them; ``load_bundle`` then hands it to the
loader, which checks everything and writes it in one transaction. Exporting and loading again
changes nothing: no new versions are published.

The workbook has one sheet per kind of row (see ``SHEETS``). Every header reads
``<中文名> <key>`` ("承诺时限 promised_days"): the Chinese for the clerk, the key for the
program. Reading checks every sheet, header and cell before anything is loaded; a problem raises
``LoadError`` naming the sheet, the row and the column.

Regional copies of a one-thing (一地创新、多地复用, ``origin`` set) are not exported: the files
have no region, so loading them would move the copy into the default region.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeAlias

import yaml
from django.db.models import Max
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from onething.core.dataload import LoadError, read_yaml
from onething.core.errors import ValidationFailed
from onething.org.models import DepartmentKind

from .loader import load_catalog
from .models import DataElement, MaterialRequirement, OneThing, OneThingVersion, ServiceItem

CatalogBundle: TypeAlias = dict[str, Any]
"""Parsed file content keyed by the path relative to the data directory (POSIX separators)."""

ELEMENTS = "data_elements.yaml"
JSON_FORMAT = "onething-catalog/1"

# ---------------------------------------------------------------- bundles


def read_bundle(data_dir: Path) -> CatalogBundle:
    """The YAML files of a data directory, parsed."""
    paths = [data_dir / ELEMENTS]
    paths += sorted((data_dir / "items").glob("*.yaml"))
    paths += sorted((data_dir / "one_things").glob("*.yaml"))
    return {path.relative_to(data_dir).as_posix(): read_yaml(path) for path in paths}


def load_bundle(bundle: CatalogBundle) -> dict[str, int]:
    """Check and write the bundle in one transaction (through the YAML loader)."""
    with tempfile.TemporaryDirectory(prefix="onething-catalog-") as tmp:
        write_yaml_dir(bundle, Path(tmp))
        return load_catalog(Path(tmp))


def export_bundle() -> CatalogBundle:
    """The catalog as it is in the database, in the shape of the YAML files."""
    bundle: CatalogBundle = {ELEMENTS: [_element_entry(e) for e in DataElement.objects.all()]}
    items = ServiceItem.objects.select_related("department_kind").prefetch_related(
        "materials", "fields__element"
    )
    by_kind: dict[DepartmentKind, list[dict[str, Any]]] = defaultdict(list)
    for item in items.order_by("department_kind__code", "code"):
        by_kind[item.department_kind].append(_item_entry(item))
    for kind, entries in by_kind.items():
        bundle[f"items/{kind.code}.yaml"] = {"department": kind.seed_name, "items": entries}
    one_things = OneThing.objects.filter(origin__isnull=True).prefetch_related(
        "departments", "entries__item"
    )
    for one_thing in one_things:
        bundle[one_thing_path(one_thing.seq, one_thing.code)] = _one_thing_entry(one_thing)
    return bundle


def one_thing_path(seq: int | None, code: str) -> str:
    slug = re.sub(r"[^\w-]+", "-", code)
    return f"one_things/{seq:02d}-{slug}.yaml" if seq else f"one_things/{slug}.yaml"


def _element_entry(element: DataElement) -> dict[str, Any]:
    return {
        "code": element.code,
        "name": element.name,
        "type": element.type,
        "choices": element.choices,
        "pii": element.pii,
        "source": element.source or None,
    }


def _item_entry(item: ServiceItem) -> dict[str, Any]:
    fee = {"amount": str(item.fee_amount), "basis": item.fee_basis}
    return {
        "code": item.code,
        "name": item.name,
        "kind": item.kind,
        "legal_basis": item.legal_basis,
        "conditions": item.conditions,
        "statutory_days": item.statutory_days,
        "promised_days": item.promised_days,
        "instant": item.instant,
        "fee": fee if item.fee_amount is not None else None,
        "result": {"type": item.result_type, "name": item.result_name},
        "visits_alone": item.visits_alone,
        "commitment": item.commitment,
        "materials": [_material_entry(m) for m in item.materials.all()],
        "fields": [
            {"element": f.element.code, "label": f.label, "required": f.required}
            for f in item.fields.all()
        ],
        "source": item.source,
    }


def _material_entry(material: MaterialRequirement) -> dict[str, Any]:
    source = material.source
    return {
        "name": material.name,
        "form": material.form,
        "count": material.count,
        "required": material.required,
        "source": f"{source}:{material.source_ref}" if material.source_ref else source,
    }


def _one_thing_entry(one_thing: OneThing) -> dict[str, Any]:
    departments = list(one_thing.departments.all())
    lead = next((d.listed_name for d in departments if d.role == d.Role.LEAD), None)
    return {
        "code": one_thing.code,
        "seq": one_thing.seq,
        "name": one_thing.name,
        "national": one_thing.national,
        "scope": one_thing.scope,
        "audience": one_thing.audience,
        "life_stage": one_thing.life_stage,
        "summary": one_thing.summary,
        "lead": lead,
        "cooperating": [d.listed_name for d in departments if d.role == d.Role.COOPERATING],
        "keywords": list(one_thing.keywords),
        "source": one_thing.source,
        "items": [{"code": e.item.code, "required": e.required} for e in one_thing.entries.all()],
        "precedence": [list(pair) for pair in one_thing.precedence],
        "groups": [list(group) for group in one_thing.groups],
        "situations": list(one_thing.situations),
        "official_figures": one_thing.official_figures,
    }


# ---------------------------------------------------------------- YAML and JSON


def write_yaml_dir(bundle: CatalogBundle, target_dir: Path) -> None:
    """One YAML file per bundle entry, into a new or empty directory (no stale files)."""
    if target_dir.exists() and any(target_dir.iterdir()):
        raise ValidationFailed(
            code="export_target_not_empty",
            message=f"目录 {target_dir} 不是空目录，请换一个导出位置",
            message_en=f"{target_dir} is not empty; export to a new or empty directory",
        )
    for sub in ("items", "one_things"):
        (target_dir / sub).mkdir(parents=True, exist_ok=True)
    for relative, data in bundle.items():
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        (target_dir / relative).write_text(text, encoding="utf-8")


def write_json(bundle: CatalogBundle, path: Path) -> None:
    document = {"format": JSON_FORMAT, "files": bundle}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")


def read_json(path: Path) -> CatalogBundle:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LoadError.at(path, "-", "-", "文件不存在", "file not found") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise LoadError.at(
            path, "-", "-", f"JSON 格式错误：{exc}", f"malformed JSON: {exc}"
        ) from exc
    if not isinstance(document, dict) or document.get("format") != JSON_FORMAT:
        raise LoadError.at(
            path, "-", "format", "不是目录导出文件", f"not a catalog export ({JSON_FORMAT})"
        )
    files = document.get("files")
    if not isinstance(files, dict) or not all(_bundle_path(key) for key in files):
        raise LoadError.at(path, "-", "files", "文件清单不正确", "the list of files is malformed")
    return files


def _bundle_path(key: object) -> bool:
    if key == ELEMENTS:
        return True
    return (
        isinstance(key, str) and re.fullmatch(r"(items|one_things)/[\w.-]+\.yaml", key) is not None
    )


# ---------------------------------------------------------------- workbook layout

Row: TypeAlias = dict[str, Any]


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` says how cells are written and read."""

    key: str
    zh: str
    width: int = 14
    kind: str = "text"  # text | long | int | bool | money | json | names | choice
    required: bool = False
    minimum: int = 0
    default: Any = None
    labels: Mapping[str, str] = field(default_factory=dict)  # code → label, for "choice"

    @property
    def header(self) -> str:
        return f"{self.zh} {self.key}"


def _choice(key: str, zh: str, labels: Iterable[tuple[str, Any]], **kw: Any) -> Column:
    return Column(key, zh, kind="choice", labels={v: str(lbl) for v, lbl in labels}, **kw)


ONE_THING = Column("one_thing", "一件事编码", 14, required=True)
ITEM = Column("item", "事项编码", 16, required=True)

SHEETS: dict[str, tuple[Column, ...]] = {
    "数据元": (
        Column("code", "代码", 26, required=True),
        Column("name", "名称", 20, required=True),
        _choice("type", "类型", DataElement.Type.choices, width=14, required=True),
        Column("choices", "可选值", 40, kind="json"),
        _choice("pii", "个人信息级别", DataElement.PII.choices, width=14, default="none"),
        Column("source", "共享数据来源", 28),
    ),
    "事项": (
        Column("code", "事项编码", 16, required=True),
        Column("name", "事项名称", 28, required=True),
        Column("department", "实施部门", 18, required=True),
        Column("kind", "事项类型", 12, required=True),
        Column("legal_basis", "设定依据", 40, kind="long"),
        Column("conditions", "受理条件", 40, kind="long"),
        Column("statutory_days", "法定时限", 10, kind="int", required=True, minimum=1),
        Column("promised_days", "承诺时限", 10, kind="int", required=True, minimum=1),
        Column("instant", "即办件", 8, kind="bool", default=False),
        Column("fee_amount", "收费金额", 10, kind="money"),
        Column("fee_basis", "收费依据", 24, kind="long"),
        Column("result_type", "结果类型", 12, default="decision"),
        Column("result_name", "办理结果", 22),
        Column("visits_alone", "跑动次数", 10, kind="int", default=1),
        Column("commitment", "告知承诺", 8, kind="bool", default=False),
        Column("source", "信息来源", 40, kind="long"),
    ),
    "材料": (
        ITEM,
        Column("position", "序号", 8, kind="int", required=True, minimum=1),
        Column("name", "材料名称", 30, required=True),
        _choice("form", "材料形式", MaterialRequirement.Form.choices, width=14, required=True),
        Column("count", "份数", 8, kind="int", default=1, minimum=1),
        Column("required", "必要", 8, kind="bool", default=True),
        Column("source", "来源", 30, default="applicant"),
    ),
    "表单字段": (
        ITEM,
        Column("element", "数据元", 26, required=True),
        Column("label", "字段名称", 20),
        Column("required", "必填", 8, kind="bool", default=True),
    ),
    "一件事": (
        Column("code", "编码", 14, required=True),
        Column("seq", "清单序号", 10, kind="int", minimum=1),
        Column("name", "名称", 24, required=True),
        Column("national", "国家部署", 10, kind="bool", default=False),
        _choice("scope", "适用范围", OneThing.Scope.choices, width=10, default="province"),
        _choice("audience", "服务对象", OneThing.Audience.choices, width=10, required=True),
        Column("life_stage", "生命周期阶段", 12, required=True),
        Column("summary", "简介", 40, kind="long"),
        Column("keywords", "常用说法", 30, kind="names"),
        Column("lead", "牵头部门", 18, required=True),
        Column("cooperating", "配合部门", 40, kind="names"),
        Column("source", "信息来源", 40, kind="long"),
        Column("official_figures", "官方减环节数据", 40, kind="json"),
    ),
    "一件事事项": (ONE_THING, ITEM, Column("required", "必办", 8, kind="bool", default=True)),
    "办理顺序": (
        ONE_THING,
        Column("before", "先办事项", 16, required=True),
        Column("after", "后办事项", 16, required=True),
    ),
    "一并办理": (
        ONE_THING,
        Column("group", "组号", 8, kind="int", required=True, minimum=1),
        ITEM,
    ),
    "情形": (ONE_THING, Column("situation", "情形（JSON）", 100, kind="json", required=True)),
}
README = "说明"
BOOLEANS = {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False}

# ---------------------------------------------------------------- bundle → rows


def _bundle_rows(bundle: CatalogBundle) -> dict[str, list[Row]]:
    rows: dict[str, list[Row]] = {name: [] for name in SHEETS}
    rows["数据元"] = list(bundle.get(ELEMENTS) or [])
    for relative, data in sorted(bundle.items()):
        if relative.startswith("items/"):
            for item in data.get("items") or []:
                _item_rows(rows, data["department"], item)
        elif relative.startswith("one_things/"):
            _one_thing_rows(rows, data)
    return rows


def _item_rows(rows: dict[str, list[Row]], department: str, item: dict[str, Any]) -> None:
    fee, result = item.get("fee") or {}, item.get("result") or {}
    rows["事项"].append(
        item
        | {
            "department": department,
            "fee_amount": fee.get("amount"),
            "fee_basis": fee.get("basis"),
            "result_type": result.get("type"),
            "result_name": result.get("name"),
        }
    )
    for position, material in enumerate(item.get("materials") or [], start=1):
        rows["材料"].append(material | {"item": item["code"], "position": position})
    for entry in item.get("fields") or []:
        rows["表单字段"].append(entry | {"item": item["code"]})


def _one_thing_rows(rows: dict[str, list[Row]], data: dict[str, Any]) -> None:
    code = data["code"]
    rows["一件事"].append(data)
    for entry in data.get("items") or []:
        rows["一件事事项"].append({"one_thing": code, "item": entry["code"]} | entry)
    for before, after in data.get("precedence") or []:
        rows["办理顺序"].append({"one_thing": code, "before": before, "after": after})
    for number, group in enumerate(data.get("groups") or [], start=1):
        for item in group:
            rows["一并办理"].append({"one_thing": code, "group": number, "item": item})
    for situation in data.get("situations") or []:
        rows["情形"].append({"one_thing": code, "situation": situation})


# ---------------------------------------------------------------- writing the workbook

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")


def write_workbook(bundle: CatalogBundle, path: Path) -> None:
    book = Workbook()
    _write_readme(book.active)
    for name, rows in _bundle_rows(bundle).items():
        _write_sheet(book.create_sheet(name), SHEETS[name], rows)
    book.save(path)


def _write_readme(sheet: Worksheet | Any) -> None:
    sheet.title = README
    lines = [
        "政务服务事项目录导出（一件事一次办） / Catalog export",
        "每张表第一行为表头，格式为“中文名 key”，请勿修改表头或工作表名称。",
        "Do not rename headers (“中文名 key”) or sheets; add or edit rows only.",
        "是否类的列填写“是”或“否”；多个部门或常用说法用顿号“、”分隔。",
        "“情形”“可选值”“官方减环节数据”为 JSON 文本。",
        "导入时先整体校验，任何一处有误都不会导入。Nothing is imported if anything is wrong.",
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 90


def _write_sheet(sheet: Worksheet, columns: tuple[Column, ...], rows: list[Row]) -> None:
    sheet.append([column.header for column in columns])
    for row in rows:
        sheet.append([_cell(column, row.get(column.key)) for column in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        header = sheet.cell(row=1, column=index)
        header.font, header.fill, header.alignment = Font(bold=True), HEADER_FILL, WRAP
        _style_column(sheet, column, letter)
    _style_cells(sheet, columns)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _style_column(sheet: Worksheet, column: Column, letter: str) -> None:
    options = list(column.labels.values()) if column.kind == "choice" else []
    if column.kind == "bool":
        options = ["是", "否"]
    if options:
        check = DataValidation(type="list", formula1='"' + ",".join(options) + '"')
        check.add(f"{letter}2:{letter}{sheet.max_row + 500}")
        sheet.add_data_validation(check)


def _style_cells(sheet: Worksheet, columns: tuple[Column, ...]) -> None:
    for row in sheet.iter_rows(min_row=2):
        for column, cell in zip(columns, row, strict=False):
            if column.kind in ("long", "json", "names"):
                cell.alignment = WRAP
            elif column.kind == "text":
                cell.number_format = "@"  # codes keep their leading zeros
            elif column.kind == "money":
                cell.number_format = "0.00"


def _cell(column: Column, value: Any) -> Any:
    if column.kind == "bool":
        return "是" if value else "否"
    if column.kind == "money":
        return None if value in (None, "") else float(Decimal(str(value)))
    if column.kind == "json":
        return None if value is None else json.dumps(value, ensure_ascii=False)
    if column.kind == "names":
        return "、".join(value or [])
    if column.kind == "choice":
        return column.labels.get(value, value)
    return value


# ---------------------------------------------------------------- reading the workbook

Rows: TypeAlias = list[tuple["Where", Row]]


@dataclass(frozen=True)
class Where:
    """A row of a sheet, for error messages: “catalog.xlsx，条目 事项 第5行，字段 …”."""

    path: Path
    sheet: str
    row: int

    def error(self, column: Column | str, zh: str, en: str) -> LoadError:
        name = column.header if isinstance(column, Column) else column
        return LoadError.at(self.path, f"{self.sheet} 第{self.row}行", name, zh, en)


def read_workbook(path: Path) -> CatalogBundle:
    """Every sheet, header and cell is checked here, before anything is loaded."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError as exc:
        raise LoadError.at(path, "-", "-", "文件不存在", "file not found") from exc
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike
        raise LoadError.at(
            path, "-", "-", "不是有效的 Excel（.xlsx）文件", f"not a valid .xlsx workbook: {exc}"
        ) from exc
    try:
        for name in book.sheetnames:
            if name != README and name not in SHEETS:
                raise LoadError.at(
                    path, name, "-", f"未知工作表“{name}”", f"unknown sheet {name!r}"
                )
        for name in SHEETS:
            if name not in book.sheetnames:
                raise LoadError.at(
                    path, name, "-", f"缺少工作表“{name}”", f"sheet {name!r} is missing"
                )
        sheets = {name: _read_sheet(path, name, book[name]) for name in SHEETS}
    finally:
        book.close()
    return _assemble(sheets)


def _read_sheet(path: Path, name: str, sheet: Any) -> Rows:
    columns = SHEETS[name]
    values = sheet.iter_rows(values_only=True)
    positions = _header(Where(path, name, 1), columns, next(values, ()))
    rows: Rows = []
    for number, cells in enumerate(values, start=2):
        if all(_blank(cell) for cell in cells):
            continue
        where = Where(path, name, number)
        padded = list(cells) + [None] * len(columns)
        rows.append((where, {c.key: _value(where, c, padded[positions[c.key]]) for c in columns}))
    return rows


def _header(where: Where, columns: tuple[Column, ...], cells: Iterable[Any]) -> dict[str, int]:
    expected = {column.header: column for column in columns}
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if _blank(cell):
            continue
        text = " ".join(str(cell).split())
        column = expected.get(text)
        if column is None or column.key in positions:
            raise where.error(
                text,
                f"未知或重复的列“{text}”，表头应为：{'、'.join(expected)}",
                f"unknown or repeated column {text!r}; expected: {', '.join(expected)}",
            )
        positions[column.key] = index
    for column in columns:
        if column.key not in positions:
            raise where.error(column, "缺少此列", "this column is missing")
    return positions


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _value(where: Where, column: Column, raw: Any) -> Any:
    if _blank(raw):
        if column.required:
            raise where.error(column, "必填，不能为空", "required; must not be empty")
        return [] if column.kind == "names" else column.default
    return READERS[column.kind](where, column, raw.strip() if isinstance(raw, str) else raw)


def _text(where: Where, column: Column, raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _int(where: Where, column: Column, raw: Any) -> int:
    number: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    elif (isinstance(raw, float) and raw.is_integer()) or (
        isinstance(raw, str) and re.fullmatch(r"[+-]?\d+", raw)
    ):
        number = int(raw)
    if number is None:
        raise where.error(column, f"“{raw}”不是整数", f"{raw!r} is not a whole number")
    if number < column.minimum:
        raise where.error(
            column, f"不能小于 {column.minimum}", f"must be at least {column.minimum}"
        )
    return number


def _bool(where: Where, column: Column, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    value = BOOLEANS.get(str(raw).lower())
    if value is None:
        raise where.error(column, f"“{raw}”应填“是”或“否”", f"{raw!r} must be 是 (yes) or 否 (no)")
    return value


def _money(where: Where, column: Column, raw: Any) -> str:
    try:
        amount = Decimal(str(raw))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or amount >= 10**8:
        raise where.error(column, f"“{raw}”不是有效金额", f"{raw!r} is not a valid amount")
    return str(amount.quantize(Decimal("0.01")))


def _json(where: Where, column: Column, raw: Any) -> Any:
    try:
        return json.loads(str(raw))
    except ValueError as exc:
        raise where.error(column, f"JSON 格式错误：{exc}", f"malformed JSON: {exc}") from exc


def _names(where: Where, column: Column, raw: Any) -> list[str]:
    return [name.strip() for name in re.split(r"[、,，;；\n]", str(raw)) if name.strip()]


def _choose(where: Where, column: Column, raw: Any) -> str:
    by_label = {label: value for value, label in column.labels.items()}
    value = by_label.get(str(raw), str(raw))
    if value not in column.labels:
        allowed = "、".join(column.labels.values())
        raise where.error(column, f"“{raw}”应为：{allowed}", f"{raw!r} must be one of: {allowed}")
    return value


READERS = {
    "text": _text,
    "long": _text,
    "int": _int,
    "bool": _bool,
    "money": _money,
    "json": _json,
    "names": _names,
    "choice": _choose,
}


# ---------------------------------------------------------------- rows → bundle


def _column(sheet: str, key: str) -> Column:
    return next(column for column in SHEETS[sheet] if column.key == key)


def _unique(sheet: str, rows: Rows) -> dict[str, tuple[Where, Row]]:
    seen: dict[str, tuple[Where, Row]] = {}
    for where, row in rows:
        if row["code"] in seen:
            raise where.error(_column(sheet, "code"), "编码重复", f"duplicate code {row['code']}")
        seen[row["code"]] = (where, row)
    return seen


def _children(sheet: str, rows: Rows, parent: Column, known: Iterable[str]) -> dict[str, Rows]:
    codes, grouped = set(known), defaultdict(list)
    for where, row in rows:
        if row[parent.key] not in codes:
            raise where.error(
                parent, f"未知编码 {row[parent.key]}", f"unknown code {row[parent.key]}"
            )
        grouped[row[parent.key]].append((where, row))
    return grouped


def _assemble(sheets: dict[str, Rows]) -> CatalogBundle:
    elements = _unique("数据元", sheets["数据元"])
    bundle: CatalogBundle = {ELEMENTS: [_element(w, row) for w, row in elements.values()]}
    bundle |= _item_files(sheets)
    bundle |= _one_thing_files(sheets, {row["code"] for _, row in sheets["事项"]})
    return bundle


def _element(where: Where, row: Row) -> dict[str, Any]:
    if row["choices"] is not None and not isinstance(row["choices"], list):
        raise where.error(_column("数据元", "choices"), "应为 JSON 数组", "must be a JSON array")
    return row | {"choices": row["choices"] or [], "source": row["source"] or None}


def _item_files(sheets: dict[str, Rows]) -> CatalogBundle:
    items = _unique("事项", sheets["事项"])
    materials = _children("材料", sheets["材料"], ITEM, items)
    fields = _children("表单字段", sheets["表单字段"], ITEM, items)
    kinds = dict(DepartmentKind.objects.values_list("seed_name", "code"))
    files: CatalogBundle = {}
    for code, (where, row) in items.items():
        kind = kinds.get(row["department"])
        if kind is None:
            raise where.error(
                _column("事项", "department"),
                f"未知部门“{row['department']}”",
                f"unknown department {row['department']!r}",
            )
        file = files.setdefault(
            f"items/{kind}.yaml", {"department": row["department"], "items": []}
        )
        file["items"].append(_item(where, row, materials[code], fields[code]))
    return files


def _item(where: Where, row: Row, materials: Rows, fields: Rows) -> dict[str, Any]:
    if row["promised_days"] > row["statutory_days"]:
        raise where.error(
            _column("事项", "promised_days"),
            "承诺时限不能超过法定时限",
            "the promised limit cannot exceed the statutory one",
        )
    fee = None
    if row["fee_amount"] is not None:
        fee = {"amount": row["fee_amount"], "basis": row["fee_basis"] or ""}
    keys = ("code", "name", "kind", "statutory_days", "promised_days", "instant")
    return {key: row[key] for key in keys} | {
        "legal_basis": row["legal_basis"] or "",
        "conditions": row["conditions"] or "",
        "fee": fee,
        "result": {"type": row["result_type"], "name": row["result_name"] or ""},
        "visits_alone": row["visits_alone"],
        "commitment": row["commitment"],
        "materials": [
            {key: m[key] for key in ("name", "form", "count", "required", "source")}
            for _, m in sorted(materials, key=lambda pair: pair[1]["position"])
        ],
        "fields": [{key: f[key] for key in ("element", "label", "required")} for _, f in fields],
        "source": row["source"] or "",
    }


def _one_thing_files(sheets: dict[str, Rows], item_codes: set[str]) -> CatalogBundle:
    one_things = _unique("一件事", sheets["一件事"])
    entries = _children("一件事事项", sheets["一件事事项"], ONE_THING, one_things)
    for where, row in sheets["一件事事项"]:
        if row["item"] not in item_codes:
            raise where.error(ITEM, f"未知事项 {row['item']}", f"unknown item {row['item']}")
    order = _children("办理顺序", sheets["办理顺序"], ONE_THING, one_things)
    groups = _children("一并办理", sheets["一并办理"], ONE_THING, one_things)
    situations = _children("情形", sheets["情形"], ONE_THING, one_things)
    for where, row in sheets["情形"]:
        if not isinstance(row["situation"], dict):
            raise where.error(
                _column("情形", "situation"), "应为 JSON 对象", "must be a JSON object"
            )
    files: CatalogBundle = {}
    for code, (_, row) in one_things.items():
        files[one_thing_path(row["seq"], code)] = row | {
            "summary": row["summary"] or "",
            "source": row["source"] or "",
            "items": [{"code": e["item"], "required": e["required"]} for _, e in entries[code]],
            "precedence": [[r["before"], r["after"]] for _, r in order[code]],
            "groups": _groups(groups[code]),
            "situations": [r["situation"] for _, r in situations[code]],
        }
    return files


def _groups(rows: Rows) -> list[list[str]]:
    numbered: dict[int, list[str]] = defaultdict(list)
    for _, row in rows:
        numbered[row["group"]].append(row["item"])
    return [numbered[number] for number in sorted(numbered)]


# ---------------------------------------------------------------- commands

FORMATS = ("yaml", "json", "xlsx")


def export_to(fmt: str, out: Path) -> CatalogBundle:
    bundle = export_bundle()
    if fmt == "yaml":
        write_yaml_dir(bundle, out)
    elif fmt == "json":
        write_json(bundle, out)
    else:
        write_workbook(bundle, out)
    return bundle


def read_any(path: Path) -> CatalogBundle:
    """A directory of YAML files, a ``.json`` export or an ``.xlsx`` workbook."""
    if path.is_dir():
        return read_bundle(path)
    if path.suffix.lower() == ".json":
        return read_json(path)
    if path.suffix.lower() == ".xlsx":
        return read_workbook(path)
    raise LoadError.at(
        path,
        "-",
        "-",
        "无法识别的格式：请提供 .json、.xlsx 文件或 YAML 目录",
        "unknown format: give a .json or .xlsx file or a directory of YAML files",
    )


def import_catalog(path: Path) -> dict[str, int]:
    """Read, check and load; the counts include how many one-things got a new version."""
    bundle = read_any(path)
    before = _version_numbers()
    counts = load_bundle(bundle)
    after = _version_numbers()
    counts["new_versions"] = sum(1 for key, number in after.items() if before.get(key) != number)
    return counts


def _version_numbers() -> dict[int, int]:
    latest = OneThingVersion.objects.values("one_thing_id").annotate(latest=Max("number"))
    return {row["one_thing_id"]: row["latest"] for row in latest}


def bundle_counts(bundle: CatalogBundle) -> dict[str, int]:
    items = sum(len(d.get("items") or []) for k, d in bundle.items() if k.startswith("items/"))
    one_things = sum(1 for key in bundle if key.startswith("one_things/"))
    return {
        "data_elements": len(bundle.get(ELEMENTS) or []),
        "items": items,
        "one_things": one_things,
    }
