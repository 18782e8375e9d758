"""Load certificate types from ``certificates/data/certificate_types.yaml``."""

from __future__ import annotations

from pathlib import Path

from onething.core.dataload import LoadError, need, read_yaml
from onething.org.models import DepartmentKind

from .models import CertificateType

DATA_FILE = Path(__file__).resolve().parent / "data" / "certificate_types.yaml"


def load_certificate_types(path: Path = DATA_FILE) -> dict[str, CertificateType]:
    kinds = {k.seed_name: k for k in DepartmentKind.objects.all()}
    types: dict[str, CertificateType] = {}
    for index, entry in enumerate(read_yaml(path) or [], start=1):
        code = need(path, index, entry, "code", str)
        issuer = need(path, code, entry, "issuer", str)
        if issuer not in kinds:
            raise LoadError.at(
                path, code, "issuer", f"未知部门“{issuer}”", f"unknown department {issuer!r}"
            )
        certificate_type, _ = CertificateType.objects.update_or_create(
            code=code,
            defaults={
                "name": need(path, code, entry, "name", str),
                "issuer_kind": kinds[issuer],
                "validity_years": entry.get("validity_years"),
            },
        )
        types[certificate_type.name] = certificate_type
    return types
