"""Masking of personal numbers for display and for logs: 3201**********1234, 138****5678."""

from __future__ import annotations

import logging
import re

_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_id_number(value: str | None) -> str:
    """Keep the first four and last four characters: ``3201**********1234``."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """Keep the first three and last four digits: ``138****5678``."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_text(text: str) -> str:
    """Mask every ID number and mobile number found in free text (log lines, notes)."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)


class MaskPIIFilter(logging.Filter):
    """Logging filter: no ID or phone number reaches a log in clear."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


# data element type → how its values are shown (catalog.DataElement.Type)
MASK_BY_TYPE = {"id_number": mask_id_number, "phone": mask_phone, "bank_account": mask_id_number}


def mask_for_type(value: str, element_type: str) -> str:
    """A form value as it may be shown: ID, phone and bank numbers masked, the rest as is."""
    mask = MASK_BY_TYPE.get(element_type)
    return mask(value) if mask is not None and value else value
