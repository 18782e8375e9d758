"""不动产登记 (the natural resources bureau's property register), by owner.

An owner is a person or an enterprise; an enterprise applying is looked up first. The subject's
newest registered property is the one returned.
"""

from __future__ import annotations

from typing import Any

from ..base import SubjectRef
from ..models import RealEstateRecord
from ..registry import register
from .local import LocalProvider


@register("real_estate")
class RealEstateProvider(LocalProvider):
    code = "real_estate"
    name = "不动产登记信息"
    department_kind = "市自然资源和规划局"
    fields = ("certificate_no", "location", "area", "use", "owner_name", "owner_id_number")
    labels = {
        "certificate_no": "不动产权证书号",
        "location": "坐落",
        "area": "建筑面积",
        "use": "用途",
        "owner_name": "权利人",
        "owner_id_number": "权利人证件号码",
    }
    key_fields = frozenset({"certificate_no", "owner_id_number"})
    subject_kinds = ("enterprise", "person")

    def record(self, subject: SubjectRef, *, for_update: bool = False) -> Any:
        rows = RealEstateRecord.objects.filter(owner_hash=subject.hash).order_by(
            "-registered_on", "-pk"
        )
        return (rows.select_for_update() if for_update else rows).first()
