"""The shape shared by the local providers: a table, a way to find the subject's record, and
field codes mapped to columns.

A subclass names its model and how a subject finds its record (``record``); by default a field
reads the column of the same name (``columns`` renames), and a correction converts the text with
the column's own ``to_python`` and saves the record.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from onething.core.errors import NotFound, ValidationFailed

from ..base import CorrectionNotSupported, DataProvider, SubjectRef, Value


class LocalProvider(DataProvider):
    columns: ClassVar[dict[str, str]] = {}  # field code → column, where they differ

    def record(self, subject: SubjectRef, *, for_update: bool = False) -> Any:
        """The subject's record, or None."""
        raise NotImplementedError

    def read(self, record: Any, field: str, subject: SubjectRef) -> Value:
        return getattr(record, self.columns.get(field, field))

    def write(self, record: Any, field: str, value: str, subject: SubjectRef) -> None:
        column = self.columns.get(field, field)
        model_field = record._meta.get_field(column)
        try:
            converted = model_field.to_python(value.strip())
            if isinstance(model_field, models.CharField) and model_field.choices:
                model_field.validate(converted, record)
        except ValidationError as exc:
            raise ValidationFailed(
                code="correction_invalid",
                message=f"更正后的“{self.label(field)}”格式不正确，请核对。",
                message_en=f"The corrected value of {field!r} is not valid.",
                details={"field": field},
            ) from exc
        setattr(record, column, converted)

    def fetch(self, *, subject: SubjectRef, fields: list[str]) -> dict[str, Value]:
        if subject.kind not in self.subject_kinds:
            return {}
        record = self.record(subject)
        if record is None:
            return {}
        values = {field: self.read(record, field, subject) for field in fields}
        return {k: v for k, v in values.items() if v not in (None, "")}

    def correct(self, *, subject: SubjectRef, field: str, value: str) -> None:
        if field in self.key_fields or field not in self.fields:
            raise CorrectionNotSupported(
                code="correction_not_supported",
                message=(
                    f"“{self.label(field)}”是{self.name}记录的标识，不能通过数据异议更正，"
                    "请答复说明办理途径。"
                ),
                message_en=f"{field!r} identifies the record and cannot be corrected here.",
                details={"provider": self.code, "field": field},
            )
        with transaction.atomic():
            record = self.record(subject, for_update=True)
            if record is None:
                raise NotFound(
                    code="record_not_found",
                    message=f"{self.name}中已没有这条记录，无法更正。",
                    message_en=f"{self.name} no longer holds this record.",
                    details={"provider": self.code},
                )
            self.write(record, field, value, subject)
            record.save()
