"""人口库 (population register of the public security bureau's household registration).

Keyed by 公民身份号码. ``household_members`` lists the people registered in the same household
(户) with their relation to its head, without their numbers.
"""

from __future__ import annotations

from typing import Any

from ..base import SubjectRef, Value
from ..models import PopulationRecord
from ..registry import register
from .local import LocalProvider


@register("population")
class PopulationProvider(LocalProvider):
    code = "population"
    name = "人口库"
    department_kind = "市公安局"
    fields = (
        "name",
        "id_number",
        "sex",
        "birth_date",
        "ethnicity",
        "household_address",
        "household_members",
    )
    labels = {
        "name": "姓名",
        "id_number": "公民身份号码",
        "sex": "性别",
        "birth_date": "出生日期",
        "ethnicity": "民族",
        "household_address": "户籍地址",
        "household_members": "同户成员",
    }
    # Identity comes from the household register and is not the applicant's to change.
    locked_fields = frozenset({"name", "id_number", "birth_date"})
    key_fields = frozenset({"id_number", "household_members"})

    def record(self, subject: SubjectRef, *, for_update: bool = False) -> Any:
        rows = PopulationRecord.objects.filter(id_number_hash=subject.hash)
        return (rows.select_for_update() if for_update else rows).first()

    def read(self, record: Any, field: str, subject: SubjectRef) -> Value:
        if field == "household_members":
            members = PopulationRecord.objects.filter(household_id=record.household_id).order_by(
                "birth_date"
            )
            return "；".join(f"{m.name}（{m.relation}）" for m in members)
        return super().read(record, field, subject)
