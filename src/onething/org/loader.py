"""Load regions, department kinds, departments, halls and windows from ``org/data/*.yaml``.

Everything is loaded in one transaction: a bad entry leaves the database as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from onething.core.dataload import LoadError, need, read_yaml

from .models import Department, DepartmentKind, Hall, Region, Window

DATA_DIR = Path(__file__).resolve().parent / "data"


def region_short(region: Region) -> str:
    return region.short_name or region.name


@transaction.atomic
def load_org(data_dir: Path = DATA_DIR) -> dict[str, int]:
    kinds = _load_kinds(data_dir / "department_kinds.yaml")
    regions = _load_regions(data_dir / "regions.yaml")
    departments, halls = _load_departments(data_dir / "departments.yaml", kinds, regions)
    return {
        "regions": len(regions),
        "department_kinds": len(kinds),
        "departments": departments,
        "halls": halls,
    }


def _load_kinds(path: Path) -> dict[str, DepartmentKind]:
    kinds: dict[str, DepartmentKind] = {}
    for index, entry in enumerate(read_yaml(path) or [], start=1):
        code = need(path, index, entry, "code", str)
        kinds[code], _ = DepartmentKind.objects.update_or_create(
            code=code,
            defaults={
                "seed_name": need(path, code, entry, "seed_name", str),
                "name_pattern": need(path, code, entry, "name_pattern", str),
            },
        )
    return kinds


def _load_regions(path: Path) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for index, entry in enumerate(read_yaml(path) or [], start=1):
        code = str(need(path, index, entry, "code"))
        level = need(path, code, entry, "level", str)
        if level not in Region.Level.values:
            raise LoadError.at(path, code, "level", f"未知层级 {level}", f"unknown level {level}")
        parent_code = entry.get("parent")
        parent = None
        if parent_code is not None:
            parent = regions.get(str(parent_code))
            if parent is None:
                raise LoadError.at(
                    path,
                    code,
                    "parent",
                    f"上级区划 {parent_code} 未在此前定义",
                    f"parent region {parent_code} is not defined before it",
                )
        path_value = (parent.path if parent else "") + code + "/"
        regions[code], _ = Region.objects.update_or_create(
            code=code,
            defaults={
                "name": need(path, code, entry, "name", str),
                "level": level,
                "short_name": entry.get("short") or "",
                "parent": parent,
                "path": path_value,
            },
        )
    return regions


def _load_departments(
    path: Path, kinds: dict[str, DepartmentKind], regions: dict[str, Region]
) -> tuple[int, int]:
    data = read_yaml(path) or {}
    overrides = {(str(o["region"]), o["kind"]): o["name"] for o in data.get("overrides", []) or []}
    created: set[tuple[str, str]] = set()
    for index, rule in enumerate(need(path, "-", data, "departments", list), start=1):
        targets = _rule_regions(path, index, rule, regions)
        wanted = rule.get("kinds", "all")
        if wanted == "all":
            rule_kinds = [k for code, k in kinds.items() if code != "street"]
        else:
            rule_kinds = []
            for code in wanted:
                if code not in kinds:
                    raise LoadError.at(
                        path,
                        index,
                        "kinds",
                        f"未知部门类别 {code}",
                        f"unknown department kind {code}",
                    )
                rule_kinds.append(kinds[code])
        for region in targets:
            for kind in rule_kinds:
                if (region.code, kind.code) in created:
                    raise LoadError.at(
                        path,
                        index,
                        "kinds",
                        f"{region.name}的{kind.seed_name}重复定义",
                        f"{kind.code} in {region.code} is defined twice",
                    )
                created.add((region.code, kind.code))
                name = overrides.get((region.code, kind.code)) or kind.name_pattern.format(
                    region=region_short(region)
                )
                Department.objects.update_or_create(
                    region=region, kind=kind, defaults={"name": name}
                )
    for region_code, kind_code in overrides:
        if (region_code, kind_code) not in created:
            raise LoadError.at(
                path,
                f"{region_code}:{kind_code}",
                "overrides",
                "该部门未由任何规则创建",
                "no rule creates this department",
            )
    return len(created), _load_halls(path, data.get("halls", []) or [], regions)


def _rule_regions(
    path: Path, index: int, rule: dict[str, Any], regions: dict[str, Region]
) -> list[Region]:
    if "region" in rule:
        code = str(rule["region"])
        if code not in regions:
            raise LoadError.at(path, index, "region", f"未知区划 {code}", f"unknown region {code}")
        return [regions[code]]
    level = need(path, index, rule, "region_level", str)
    return [r for r in regions.values() if r.level == level]


def _load_halls(path: Path, halls: list[dict[str, Any]], regions: dict[str, Region]) -> int:
    for index, entry in enumerate(halls, start=1):
        code = need(path, f"halls[{index}]", entry, "code", str)
        region_code = str(need(path, code, entry, "region"))
        if region_code not in regions:
            raise LoadError.at(
                path, code, "region", f"未知区划 {region_code}", f"unknown region {region_code}"
            )
        hall, _ = Hall.objects.update_or_create(
            code=code,
            defaults={
                "region": regions[region_code],
                "name": need(path, code, entry, "name", str),
                "kind": entry.get("kind", Hall.Kind.CENTER),
                "address": entry.get("address") or "",
            },
        )
        for window in entry.get("windows", []) or []:
            Window.objects.update_or_create(
                code=need(path, code, window, "code", str),
                defaults={"hall": hall, "name": need(path, code, window, "name", str)},
            )
    return len(halls)
