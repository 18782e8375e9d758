"""社保 (the human resources and social security bureau's insured-person records)."""

from __future__ import annotations

from typing import Any

from ..base import SubjectRef
from ..models import SocialSecurityRecord
from ..registry import register
from .local import LocalProvider


@register("social_security")
class SocialSecurityProvider(LocalProvider):
    code = "social_security"
    name = "社保信息"
    department_kind = "市人社局"
    fields = ("card_no", "contribution_base", "work_start_date", "insured_since", "employer")
    labels = {
        "card_no": "社会保障卡卡号",
        "contribution_base": "缴费基数",
        "work_start_date": "参加工作时间",
        "insured_since": "参保日期",
        "employer": "参保单位",
    }
    key_fields = frozenset({"card_no"})

    def record(self, subject: SubjectRef, *, for_update: bool = False) -> Any:
        rows = SocialSecurityRecord.objects.filter(id_number_hash=subject.hash)
        return (rows.select_for_update() if for_update else rows).first()
