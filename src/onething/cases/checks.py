"""智能预审: automatic checks of the one form before anything is acknowledged.

Every problem is collected (not just the first), each naming the field, the items that need it
and what is wrong, in Chinese and English, so the applicant fixes everything at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from onething.catalog.guide import FieldInGuide
from onething.core.errors import ValidationFailed
from onething.core.identifiers import (
    birth_date_of,
    is_male,
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
)

_REGION = re.compile(r"^\d{6}(\d{3})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_BANK = re.compile(r"^\d{12,19}$")
PAST_ONLY = ("birth", "death", "date_of")


@dataclass
class Problem:
    field: str
    label: str
    items: list[str]
    message: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "label": self.label,
            "items": self.items,
            "message": self.message,
            "message_en": self.message_en,
        }


def _normalize(spec: FieldInGuide, raw: str) -> Any:
    kind = spec.type
    if kind == "id_number":
        return normalize_id_number(raw, field=spec.element)
    if kind == "uscc":
        return normalize_credit_code(raw, field=spec.element)
    if kind == "phone":
        return normalize_mobile(raw, field=spec.element)
    if kind == "date":
        try:
            return dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            raise _bad("日期应为 年-月-日，例如 2026-03-01", "a date like 2026-03-01") from None
    if kind == "integer" and not re.fullmatch(r"-?\d+", raw):
        raise _bad("应为整数", "must be a whole number")
    if kind == "decimal" and not re.fullmatch(r"-?\d+(\.\d+)?", raw):
        raise _bad("应为数字", "must be a number")
    if kind == "region_code" and not _REGION.match(raw):
        raise _bad("应为6位或9位行政区划代码", "must be a 6- or 9-digit region code")
    if kind == "email" and not _EMAIL.match(raw):
        raise _bad("电子邮箱格式不正确", "is not an e-mail address")
    if kind == "bank_account" and not _BANK.match(raw.replace(" ", "")):
        raise _bad("银行账号应为12至19位数字", "must be 12 to 19 digits")
    if kind == "enum":
        values = {str(c["value"]) if isinstance(c, dict) else str(c) for c in spec.choices}
        if values and raw not in values:
            raise _bad("不是可选的值", "is not one of the options")
    return raw


def _bad(zh: str, en: str) -> ValidationFailed:
    return ValidationFailed(code="invalid_value", message=zh, message_en=en)


def check_form(
    form: list[FieldInGuide], values: dict[str, Any], *, today: dt.date
) -> tuple[dict[str, Any], list[Problem]]:
    """Normalised values and every problem found."""
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    for spec in form:
        raw = str(values.get(spec.element, "") or "").strip()
        if not raw:
            if spec.required:
                problems.append(
                    Problem(spec.element, spec.label, spec.items, "此项必填", "is required")
                )
            continue
        try:
            clean[spec.element] = _normalize(spec, raw)
        except ValidationFailed as exc:
            problems.append(
                Problem(spec.element, spec.label, spec.items, exc.message, exc.message_en)
            )
            continue
        past_only = spec.type == "date" and any(p in spec.element for p in PAST_ONLY)
        if past_only and dt.date.fromisoformat(clean[spec.element]) > today:
            problems.append(
                Problem(
                    spec.element,
                    spec.label,
                    spec.items,
                    "不能晚于今天",
                    "cannot be in the future",
                )
            )
    problems += _consistency(form, clean)
    return clean, problems


def _consistency(form: list[FieldInGuide], clean: dict[str, Any]) -> list[Problem]:
    """An ID number and the birth date or sex given for the same person must agree."""
    labels = {f.element: f for f in form}
    problems = []
    for element, value in clean.items():
        if labels[element].type != "id_number" or not element.endswith("id_number"):
            continue
        prefix = element[: -len("id_number")]
        birth = clean.get(f"{prefix}birth_date")
        if birth and birth_date_of(value).isoformat() != birth:
            spec = labels[f"{prefix}birth_date"]
            problems.append(
                Problem(
                    spec.element,
                    spec.label,
                    spec.items,
                    f"与{labels[element].label}中的出生日期不一致",
                    "does not match the birth date in the ID number",
                )
            )
        sex = clean.get(f"{prefix}sex")
        if sex in {"M", "F", "男", "女"} and (sex in {"M", "男"}) != is_male(value):
            spec = labels[f"{prefix}sex"]
            problems.append(
                Problem(
                    spec.element,
                    spec.label,
                    spec.items,
                    f"与{labels[element].label}中的性别不一致",
                    "does not match the sex in the ID number",
                )
            )
    return problems
