"""Official identifiers, validated with python-stdnum.

- 公民身份号码 (GB 11643-1999): ``stdnum.cn.ric``
- 统一社会信用代码 (GB 32100-2015): ``stdnum.cn.uscc``
- mobile numbers: 11 digits starting with 1[3-9]
"""

from __future__ import annotations

import datetime as dt
import re

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

from .errors import ValidationFailed

_MOBILE = re.compile(r"^1[3-9]\d{9}$")

_REASONS: dict[type[ValidationError], tuple[str, str]] = {
    InvalidLength: ("位数不对", "wrong length"),
    InvalidFormat: ("含有不允许的字符", "contains characters that are not allowed"),
    InvalidChecksum: ("校验位不正确", "check digit is wrong"),
    InvalidComponent: ("其中的日期或地区码无效", "its date or region part is not valid"),
}


def _reason(exc: ValidationError) -> tuple[str, str]:
    for kind, reason in _REASONS.items():
        if isinstance(exc, kind):
            return reason
    return ("格式不正确", "is not valid")


def _validate_ric(value: str) -> str:
    """python-stdnum's check, except that the address code may be younger than the holder.

    stdnum rejects an address code that did not exist in the birth year (321183 句容市 dates from
    1995). But a number carries the code of the household when the number was *assigned*, so
    people born in 句容县 in 1990 hold 321183… numbers. We keep stdnum's length, format, check
    digit and date checks, and accept any address code its database knows.
    """
    try:
        return str(ric.validate(value))
    except InvalidComponent:
        number = ric.compact(value)
        ric.get_birth_date(number)  # an impossible date is still an error
        parts = numdb.get("cn/loc").info(number[:6])
        if not any("county" in props for _, props in parts):
            raise
        return str(number)


def normalize_id_number(value: str, *, field: str = "id_number") -> str:
    """Return the compact 18-character 公民身份号码 or raise ``ValidationFailed``."""
    try:
        return _validate_ric(value).upper()
    except ValidationError as exc:
        zh, en = _reason(exc)
        raise ValidationFailed(
            code="invalid_id_number",
            message=f"公民身份号码{zh}，请核对后重新输入。",
            message_en=f"The citizen ID number {en}; please check it and enter it again.",
            details={"field": field},
        ) from exc


def normalize_credit_code(value: str, *, field: str = "credit_code") -> str:
    """Return the compact 18-character 统一社会信用代码 or raise ``ValidationFailed``."""
    try:
        return str(uscc.validate(value)).upper()
    except ValidationError as exc:
        zh, en = _reason(exc)
        raise ValidationFailed(
            code="invalid_credit_code",
            message=f"统一社会信用代码{zh}，请核对后重新输入。",
            message_en=f"The unified social credit code {en}; please check it and enter it again.",
            details={"field": field},
        ) from exc


def normalize_mobile(value: str, *, field: str = "phone") -> str:
    compact = re.sub(r"[\s-]", "", value or "")
    if compact.startswith("+86"):
        compact = compact[3:]
    if not _MOBILE.match(compact):
        raise ValidationFailed(
            code="invalid_phone",
            message="手机号码应为以1开头的11位数字，请核对后重新输入。",
            message_en="A mobile number has 11 digits starting with 1; please check it.",
            details={"field": field},
        )
    return compact


def birth_date_of(id_number: str) -> dt.date:
    return ric.get_birth_date(id_number)


def is_male(id_number: str) -> bool:
    """GB 11643: the 17th digit (sequence code) is odd for men, even for women."""
    return int(id_number[16]) % 2 == 1
