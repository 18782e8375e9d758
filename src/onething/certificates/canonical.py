"""The canonical encoding of a certificate: the bytes its digest and signature cover.

``json.dumps({number, type, holder, data, issuer, issued_at, valid_until}, sort_keys=True,
ensure_ascii=False, separators=(",", ":")).encode()``, where ``type`` is the type code,
``holder`` names the person or enterprise row, ``issuer`` the department (its row, region code
and kind code — names may change, these do not), ``issued_at`` is UTC to the second and
``valid_until`` an ISO date or null. Names as printed live in ``data``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from .models import Certificate


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_fields(certificate: Certificate) -> dict[str, Any]:
    """What the signature covers, from the stored row."""
    department = certificate.department
    if certificate.holder_person_id is not None:
        holder = {"kind": "person", "id": certificate.holder_person_id}
    else:
        holder = {"kind": "enterprise", "id": certificate.holder_enterprise_id}
    return {
        "number": certificate.number,
        "type": certificate.type.code,
        "holder": holder,
        "data": certificate.data,
        "issuer": {
            "department": department.pk,
            "region": department.region.code,
            "kind": department.kind.code,
        },
        "issued_at": _utc(certificate.issued_at),
        "valid_until": certificate.valid_until.isoformat() if certificate.valid_until else None,
    }


def canonical_bytes(fields: Mapping[str, Any]) -> bytes:
    return json.dumps(
        dict(fields), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()
