"""Model fields for personal numbers: encrypted at rest with SM4-GCM.

The clear value is never stored. A companion ``*_hash`` column (HMAC-SM3 of the normalised value)
serves equality look-ups; see ``onething.accounts.models.Person``.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from .crypto import sm4_decrypt, sm4_encrypt


class EncryptedTextField(models.TextField):
    description = "Text encrypted with SM4-GCM"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return sm4_encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return sm4_decrypt(value)

    def to_python(self, value: Any) -> Any:
        return value
