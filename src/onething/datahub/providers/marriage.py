"""婚姻登记 (the civil affairs bureau's marriage registry), seen from one of the two parties.

A person's current record is their newest marriage. ``spouse_name`` and ``spouse_id_number`` are
the other party's: the platform uses the number to find the spouse in the population register.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from ..base import SubjectRef, Value
from ..models import MarriageRecord
from ..registry import register
from .local import LocalProvider


@register("marriage")
class MarriageProvider(LocalProvider):
    code = "marriage"
    name = "婚姻登记信息"
    department_kind = "市民政局"
    fields = ("certificate_no", "registration_date", "status", "spouse_name", "spouse_id_number")
    labels = {
        "certificate_no": "结婚证字号",
        "registration_date": "结婚登记日期",
        "status": "婚姻状况",
        "spouse_name": "配偶姓名",
        "spouse_id_number": "配偶身份号码",
    }
    key_fields = frozenset({"spouse_id_number"})

    def record(self, subject: SubjectRef, *, for_update: bool = False) -> Any:
        rows = MarriageRecord.objects.filter(
            Q(husband_hash=subject.hash) | Q(wife_hash=subject.hash)
        ).order_by("-registration_date", "-pk")
        return (rows.select_for_update() if for_update else rows).first()

    def _side(self, record: MarriageRecord, subject: SubjectRef) -> str:
        """The column prefix of the *other* party."""
        return "wife" if record.husband_hash == subject.hash else "husband"

    def read(self, record: Any, field: str, subject: SubjectRef) -> Value:
        if field.startswith("spouse_"):
            other = self._side(record, subject)
            return getattr(record, f"{other}_{field.removeprefix('spouse_')}")
        return super().read(record, field, subject)

    def write(self, record: Any, field: str, value: str, subject: SubjectRef) -> None:
        if field == "spouse_name":
            setattr(record, f"{self._side(record, subject)}_name", value.strip())
            return
        super().write(record, field, value, subject)
