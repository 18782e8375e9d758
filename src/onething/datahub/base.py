"""The one narrow interface every data provider (共享数据源) implements.

A provider is a registry another department keeps — the population register of the police, the
enterprise register of market regulation, the hospital's birth records. The platform asks it for
some *fields* about one *subject* (a person by 公民身份号码, an enterprise by 统一社会信用代码)::

    values = provider.fetch(subject=SubjectRef.person("3211831990…"), fields=["name", "ethnicity"])

Field codes are the part after the dot in a data element's ``source`` (``population.name`` is
the field ``name`` of the provider ``population``; see ``catalog/data/data_elements.yaml``).
A provider returns only the fields it has for that subject, and raises ``ProviderUnavailable``
when it cannot answer (timeout, refusal, garbage). It never checks agreements or writes the
access log: ``onething.datahub.services.data_read`` does that around every call.

``correct`` is the way back (数据回流): when the providing department upholds an objection, the
corrected value is written to its record, so the next read returns it.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar, Literal

from onething.core.crypto import hmac_sm3_hex
from onething.core.errors import DomainError, ValidationFailed
from onething.core.identifiers import normalize_credit_code, normalize_id_number
from onething.core.masking import mask_id_number

Value = str | int | float | Decimal | dt.date | None
SubjectKind = Literal["person", "enterprise"]


@dataclass(frozen=True)
class SubjectRef:
    """Whose data: a person (公民身份号码) or an enterprise (统一社会信用代码), normalised.

    ``hash`` is the HMAC-SM3 look-up hash the platform stores instead of the number (equal to
    ``Person.id_number_hash`` for a person). ``repr`` masks the number, so a subject in a log
    line or a traceback does not leak it.
    """

    kind: SubjectKind
    number: str = field(repr=False)

    @classmethod
    def person(cls, id_number: str) -> SubjectRef:
        return cls("person", normalize_id_number(id_number))

    @classmethod
    def enterprise(cls, credit_code: str) -> SubjectRef:
        return cls("enterprise", normalize_credit_code(credit_code))

    @property
    def hash(self) -> str:
        return hmac_sm3_hex(self.number)

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)

    def __repr__(self) -> str:
        return f"SubjectRef({self.kind}, {self.masked})"


class ProviderUnavailable(DomainError):
    """The provider did not answer usably: timed out, refused, or sent something unreadable."""

    @classmethod
    def because(cls, provider: str, reason: str) -> ProviderUnavailable:
        return cls(
            code="provider_unavailable",
            message=f"共享数据源“{provider}”暂时无法提供数据，请您自行填写。",
            message_en=f"The data provider {provider!r} could not answer; please fill it in.",
            details={"provider": provider, "reason": reason},
        )


class CorrectionNotSupported(ValidationFailed):
    """This field cannot be corrected through the platform (a key, or a remote provider)."""


def as_text(value: Value) -> str:
    """A provider value as the one form holds it (dates ISO, numbers without exponent)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, float):
        return format(value, "g")
    return str(value)


class DataProvider(ABC):
    """A plug-in: one shared-data resource. Instances are stateless and shared."""

    code: ClassVar[str]
    name: ClassVar[str]  # what people call it: 人口库
    department_kind: ClassVar[str]  # seed name of the providing department kind: 市公安局
    fields: ClassVar[tuple[str, ...]]  # field codes it can fill
    labels: ClassVar[dict[str, str]]  # field code → plain words: name → 姓名
    locked_fields: ClassVar[frozenset[str]] = frozenset()  # prefilled and not editable
    key_fields: ClassVar[frozenset[str]] = frozenset()  # identify the record; never corrected
    subject_kinds: ClassVar[tuple[SubjectKind, ...]] = ("person",)  # preferred first

    @abstractmethod
    def fetch(self, *, subject: SubjectRef, fields: list[str]) -> dict[str, Value]:
        """The requested fields this provider holds for the subject (missing ones left out)."""

    def correct(self, *, subject: SubjectRef, field: str, value: str) -> None:
        """Write a corrected value back to the record (数据回流)."""
        raise CorrectionNotSupported(
            code="correction_not_supported",
            message=f"“{self.name}”不支持通过平台更正数据，请在本部门业务系统中更正后答复。",
            message_en=f"{self.name} cannot be corrected through the platform.",
            details={"provider": self.code, "field": field},
        )

    def label(self, field: str) -> str:
        return self.labels.get(field, field)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"
