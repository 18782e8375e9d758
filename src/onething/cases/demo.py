"""Demo cases (``onething demo cases``): a handful of real applications in different states, made
through the same services as everything else, so the screens, the dashboard and the assessment
sheet show figures computed from data. Idempotent: nothing is added once applications exist.

The form values are generated for the one form of a guide: valid ID numbers (python-stdnum),
mobile numbers, past dates, the first option of every choice, small real PDF and PNG files.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from onething.accounts.models import Enterprise, User
from onething.catalog.guide import Guide, compute_guide
from onething.catalog.selectors import version_current

from .models import Application
from .services import (
    Submission,
    Upload,
    application_accept,
    application_submit,
    correction_issue,
    task_decide,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def demo_id_number(region: str = "321183", birth: str = "19900315", seq: int = 123) -> str:
    body = f"{region}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def value_for(field: Any, index: int) -> str:
    kind = field.type
    values = {
        "id_number": lambda: demo_id_number(seq=100 + index),
        "phone": lambda: "13812345678",
        "date": lambda: (timezone.localdate() - dt.timedelta(days=20 + index)).isoformat(),
        "integer": lambda: "3200",
        "decimal": lambda: "3200",
        "bank_account": lambda: "6222021234567890123",
        "uscc": lambda: "91110000600037341L",
        "region_code": lambda: "321183",
        "email": lambda: "applicant@example.cn",
    }
    if kind == "enum" and field.choices:
        first = field.choices[0]
        return str(first["value"] if isinstance(first, dict) else first)
    return values[kind]() if kind in values else f"测试{field.label}"


def valid_form(guide: Guide) -> dict[str, str]:
    form = {f.element: value_for(f, i) for i, f in enumerate(guide.form)}
    for element, value in list(form.items()):
        if element.endswith("id_number"):
            prefix = element[: -len("id_number")]
            if f"{prefix}birth_date" in form:
                form[f"{prefix}birth_date"] = ric.get_birth_date(value).isoformat()
    return form


def uploads(guide: Guide) -> list[Upload]:
    return [
        Upload(material=m.name, filename=f"{m.name}.pdf", data=PDF)
        for m in guide.materials_to_submit
        if m.required
    ]


def submission(guide: Guide, code: str, **changes: Any) -> Submission:
    values: dict[str, Any] = {
        "one_thing": code,
        "form": valid_form(guide),
        "uploads": uploads(guide),
    }
    values.update(changes)
    return Submission(**values)


def _guide(code: str) -> Guide:
    return compute_guide(version_current(code).snapshot, start=timezone.localdate())


def _decide_released(application: Application, actor: User) -> None:
    for _ in range(10):
        released = list(application.tasks.filter(status__in=["released", "claimed"]))
        if not released:
            return
        for task in released:
            task_decide(task=task, actor=actor, decision="approve", opinion="符合条件，准予办理")


@transaction.atomic
def load_demo_cases() -> dict[str, int]:
    if Application.objects.exists():
        return {"applications": 0}
    users = {u.username: u for u in User.objects.all()}
    newborn, restaurant = _guide("JS-2022-07"), _guide("JS-2022-02")

    finished = application_submit(
        actor=users["zhangsan"], submission=submission(newborn, "JS-2022-07")
    )
    application_accept(application=finished, actor=users["coord"])
    _decide_released(finished, users["admin"])

    waiting = application_submit(actor=users["lisi"], submission=submission(newborn, "JS-2022-07"))
    correction_issue(
        application=waiting,
        actor=users["clerk"],
        deficiencies=[
            {
                "kind": "material",
                "target": "近期免冠证件照片",
                "item": "社会保障卡申领",
                "reason": "照片背景应为白色，请重新上传",
            },
        ],
    )

    firm = Enterprise.objects.get(name="句容市味之源餐饮有限公司")
    shop = application_submit(
        actor=users["wangwu"], enterprise=firm, submission=submission(restaurant, "JS-2022-02")
    )
    application_accept(application=shop, actor=users["admin"])

    application_submit(actor=users["zhangsan"], submission=submission(newborn, "JS-2022-07"))
    return {"applications": Application.objects.count()}
