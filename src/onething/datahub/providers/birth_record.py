"""出生医学证明 (the midwifery institution's birth record, reported to the health commission).

Looked up by either parent: the subject's newest birth record as mother or as father. The
parents' numbers let the platform fill the father's and mother's fields from the population
register.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from ..base import SubjectRef
from ..models import BirthRecord
from ..registry import register
from .local import LocalProvider


@register("birth_record")
class BirthRecordProvider(LocalProvider):
    code = "birth_record"
    name = "出生医学证明信息"
    department_kind = "市卫健委"
    fields = (
        "certificate_no",
        "sex",
        "birth_date",
        "institution",
        "weight",
        "delivery_mode",
        "mother_name",
        "mother_id_number",
        "father_name",
        "father_id_number",
    )
    labels = {
        "certificate_no": "出生医学证明编号",
        "sex": "新生儿性别",
        "birth_date": "新生儿出生日期",
        "institution": "助产机构",
        "weight": "出生体重",
        "delivery_mode": "分娩方式",
        "mother_name": "母亲姓名",
        "mother_id_number": "母亲身份号码",
        "father_name": "父亲姓名",
        "father_id_number": "父亲身份号码",
    }
    key_fields = frozenset({"certificate_no", "mother_id_number", "father_id_number"})

    def record(self, subject: SubjectRef, *, for_update: bool = False) -> Any:
        rows = BirthRecord.objects.filter(
            Q(mother_hash=subject.hash) | Q(father_hash=subject.hash)
        ).order_by("-birth_date", "-pk")
        return (rows.select_for_update() if for_update else rows).first()
