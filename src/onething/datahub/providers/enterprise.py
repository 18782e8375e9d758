"""法人库 (the market regulation bureau's register of market entities), by 统一社会信用代码."""

from __future__ import annotations

from typing import Any

from ..base import SubjectRef
from ..models import EnterpriseRecord
from ..registry import register
from .local import LocalProvider


@register("enterprise")
class EnterpriseProvider(LocalProvider):
    code = "enterprise"
    name = "法人库"
    department_kind = "市市场监管局"
    fields = (
        "name",
        "uscc",
        "type",
        "legal_rep_name",
        "legal_rep_id_number",
        "registered_address",
        "business_scope",
        "registered_capital",
    )
    labels = {
        "name": "企业名称",
        "uscc": "统一社会信用代码",
        "type": "企业类型",
        "legal_rep_name": "法定代表人姓名",
        "legal_rep_id_number": "法定代表人身份号码",
        "registered_address": "住所",
        "business_scope": "经营范围",
        "registered_capital": "注册资本（万元）",
    }
    key_fields = frozenset({"uscc", "legal_rep_id_number"})
    subject_kinds = ("enterprise",)
    columns = {"uscc": "credit_code"}

    def record(self, subject: SubjectRef, *, for_update: bool = False) -> Any:
        rows = EnterpriseRecord.objects.filter(credit_code_hash=subject.hash)
        return (rows.select_for_update() if for_update else rows).first()
