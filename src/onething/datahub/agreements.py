"""Loading the sharing agreements (数据共享需求清单) from ``data/agreements.yaml``.

The whole file is checked before anything is written; an error names the file, the entry and
the field. Loading again updates the agreements in place, and deactivates those no longer in
the file (the access log keeps pointing at them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from onething.core.dataload import LoadError, need, read_yaml
from onething.org.models import DepartmentKind
from onething.plugins.registry import Registry

from .base import DataProvider
from .models import SharingAgreement
from .registry import register

AGREEMENTS_FILE = Path(__file__).resolve().parent / "data" / "agreements.yaml"


def _parse(
    path: Path, raw: Any, kinds: dict[str, DepartmentKind], plugins: Registry[DataProvider]
) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise LoadError.at(path, "-", "-", "文件应为协议列表", "the file must be a list of entries")
    parsed: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], str] = {}
    for index, entry in enumerate(raw, start=1):
        where = f"#{index}"
        requester = need(path, where, entry, "requester", str)
        resource = need(path, where, entry, "resource", str)
        where = f"#{index}（{requester} ← {resource}）"
        if requester not in kinds:
            raise LoadError.at(
                path,
                where,
                "requester",
                f"没有名为“{requester}”的部门类别",
                f"no department kind named {requester!r}",
            )
        if resource not in plugins:
            raise LoadError.at(
                path,
                where,
                "resource",
                f"没有名为“{resource}”的共享数据源",
                f"no data provider {resource!r}",
            )
        provider = plugins[resource]
        providing = need(path, where, entry, "provider", str)
        if providing != provider.department_kind:
            raise LoadError.at(
                path,
                where,
                "provider",
                f"“{resource}”由{provider.department_kind}提供，不是{providing}",
                f"{resource!r} is provided by {provider.department_kind}, not {providing}",
            )
        if providing not in kinds:
            raise LoadError.at(
                path,
                where,
                "provider",
                f"没有名为“{providing}”的部门类别",
                f"no department kind named {providing!r}",
            )
        items = need(path, where, entry, "items", list)
        unknown = [i for i in items if i not in provider.fields]
        if unknown:
            raise LoadError.at(
                path,
                where,
                "items",
                f"“{resource}”没有数据项 {', '.join(map(str, unknown))}",
                f"{resource!r} has no items {unknown}",
            )
        cycle = need(path, where, entry, "cycle", str)
        if cycle not in SharingAgreement.Cycle.values:
            raise LoadError.at(
                path,
                where,
                "cycle",
                f"更新周期应为 {'、'.join(SharingAgreement.Cycle.values)}",
                f"must be one of {SharingAgreement.Cycle.values}",
            )
        method = need(path, where, entry, "method", str)
        if method not in SharingAgreement.Method.values:
            raise LoadError.at(
                path,
                where,
                "method",
                f"共享方式应为 {'、'.join(SharingAgreement.Method.values)}",
                f"must be one of {SharingAgreement.Method.values}",
            )
        active = entry.get("active", True)
        if not isinstance(active, bool):
            raise LoadError.at(path, where, "active", "应为 true 或 false", "must be true or false")
        if (requester, resource) in seen:
            raise LoadError.at(
                path,
                where,
                "resource",
                f"与条目 {seen[(requester, resource)]} 重复",
                f"duplicates entry {seen[(requester, resource)]}",
            )
        seen[(requester, resource)] = where
        parsed.append(
            {
                "requesting_kind": kinds[requester],
                "providing_kind": kinds[providing],
                "resource": resource,
                "items": list(dict.fromkeys(items)),
                "cycle": cycle,
                "method": method,
                "scope": str(need(path, where, entry, "scope", str)).strip(),
                "active": active,
            }
        )
    return parsed


def load_agreements(
    path: Path = AGREEMENTS_FILE, *, registry: Registry[DataProvider] | None = None
) -> dict[str, int]:
    """Load (or reload) the agreements; returns how many are active and how many were retired."""
    plugins = register if registry is None else registry
    kinds = {kind.seed_name: kind for kind in DepartmentKind.objects.all()}
    parsed = _parse(path, read_yaml(path), kinds, plugins)
    with transaction.atomic():
        kept = []
        for row in parsed:
            agreement, _ = SharingAgreement.objects.update_or_create(
                requesting_kind=row.pop("requesting_kind"),
                resource=row.pop("resource"),
                defaults=row,
            )
            kept.append(agreement.pk)
        retired = (
            SharingAgreement.objects.exclude(pk__in=kept).filter(active=True).update(active=False)
        )
    return {"agreements": sum(1 for row in parsed if row["active"]), "retired": retired}
