"""Building real submissions for tests: a valid value for every field of a guide's one form,
and a small real file for every material to upload."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from stdnum.cn import ric

from onething.cases.services import Submission, Upload
from onething.catalog.guide import Guide

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def id_number(region: str = "321183", birth: str = "19900315", seq: int = 123) -> str:
    body = f"{region}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def value_for(field: Any, index: int) -> str:
    kind = field.type
    if kind == "id_number":
        return id_number(seq=100 + index)
    if kind == "phone":
        return "13812345678"
    if kind == "date":
        return (timezone.localdate() - dt.timedelta(days=20 + index)).isoformat()
    if kind == "enum":
        first = field.choices[0]
        return str(first["value"] if isinstance(first, dict) else first)
    if kind in {"integer", "decimal"}:
        return "3200"
    if kind == "bank_account":
        return "6222021234567890123"
    if kind == "uscc":
        return "91110000600037341L"
    if kind == "region_code":
        return "321183"
    if kind == "email":
        return "applicant@example.cn"
    return f"测试{field.label}"


def valid_form(guide: Guide) -> dict[str, str]:
    form = {f.element: value_for(f, i) for i, f in enumerate(guide.form)}
    for element, value in list(form.items()):
        if element.endswith("id_number"):
            prefix = element[: -len("id_number")]
            if f"{prefix}birth_date" in form:
                form[f"{prefix}birth_date"] = ric.get_birth_date(value).isoformat()
    return form


def uploads(guide: Guide) -> list[Upload]:
    return [
        Upload(material=m.name, filename=f"{m.name}.pdf", data=PDF)
        for m in guide.materials_to_submit
        if m.required
    ]


def submission(guide: Guide, code: str, **changes: Any) -> Submission:
    values: dict[str, Any] = {
        "one_thing": code,
        "form": valid_form(guide),
        "uploads": uploads(guide),
    }
    values.update(changes)
    return Submission(**values)
