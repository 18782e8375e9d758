"""Demo people, enterprises, agents and staff (``onething demo load``); idempotent.

Every ID number and credit code is generated with a correct check digit (python-stdnum), and
every phone number is a valid mobile number; none belongs to a real person.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from onething.org.models import Department, Region

from .models import Enterprise, Person, StaffRole, User
from .services import (
    agent_authorize,
    enterprise_create,
    enterprise_operator_add,
    person_create,
    person_lookup_hash,
    staff_role_grant,
)

DEMO_PASSWORD = "onething-demo"


def demo_id_number(region: str, birth: str, sequence: int) -> str:
    body = f"{region}{birth}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def demo_credit_code(region: str, serial: str) -> str:
    body = f"91{region}{serial}"
    return body + uscc.calc_check_digit(body)


APPLICANTS = [
    # username, name, region, birth date, sequence (odd: male), phone, household region
    ("zhangsan", "张三", "321183", "19900315", 123, "13812345678", "321183002"),
    ("lisi", "李思", "320115", "19920708", 246, "13912345671", "320115001"),
    ("wangwu", "王武", "321183", "19850211", 357, "13712345672", "321183003"),
    ("bangban", "陈帮办", "321183", "19880520", 468, "13612345673", "321183002"),
]
ELDERLY = ("赵奶奶", "321183", "19400101", 2, "13512345674", "321183004")

STAFF = [
    # username, name, region, department kind, roles
    ("clerk", "周窗口", "321183", "govservice", [StaffRole.WINDOW_CLERK]),
    ("coord", "吴协调", "321183", "health", [StaffRole.COORDINATOR, StaffRole.APPROVER]),
    ("approver", "郑审批", "321183", "police", [StaffRole.APPROVER]),
    ("approver_hrss", "冯社保", "321183", "hrss", [StaffRole.APPROVER]),
    ("approver_jn", "钱江宁", "320115", "police", [StaffRole.APPROVER]),
    ("hotline", "孙热线", "321183", "govservice", [StaffRole.HOTLINE_AGENT]),
    ("editor", "何编目", "321183", "govservice", [StaffRole.CATALOG_EDITOR]),
    ("supervisor", "蒋督查", "321183", "govservice", [StaffRole.SUPERVISOR]),
    ("admin", "平台管理员", "321183", "govservice", [StaffRole.PLATFORM_ADMIN]),
]


def _person(username: str | None, name: str, id_number: str, phone: str, region: Region) -> Person:
    existing = Person.objects.filter(id_number_hash=person_lookup_hash(id_number)).first()
    if existing is not None:
        return existing
    user = None
    if username is not None:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            kind=User.Kind.APPLICANT,
            display_name=name,
        )
    return person_create(
        name=name, id_number=id_number, phone=phone, household_region=region, user=user
    )


@transaction.atomic
def load_demo() -> dict[str, int]:
    regions = {r.code: r for r in Region.objects.all()}
    people = {}
    for username, name, area, birth, seq, phone, household in APPLICANTS:
        people[username] = _person(
            username, name, demo_id_number(area, birth, seq), phone, regions[household]
        )
    elderly_name, area, birth, sequence, phone, household = ELDERLY
    elderly = _person(
        None, elderly_name, demo_id_number(area, birth, sequence), phone, regions[household]
    )

    enterprise = Enterprise.objects.filter(name="句容市味之源餐饮有限公司").first()
    if enterprise is None:
        enterprise = enterprise_create(
            name="句容市味之源餐饮有限公司",
            credit_code=demo_credit_code("321183", "MA1WXY0C8"),
            legal_representative=people["wangwu"],
            region=regions["321183"],
            address="句容市华阳街道华阳北路88号",
        )
    wangwu_user = people["wangwu"].user
    assert wangwu_user is not None
    enterprise_operator_add(enterprise=enterprise, user=wangwu_user, role="legal_rep")

    agent = people["bangban"].user
    assert agent is not None
    if not agent.authorizations_held.filter(principal=elderly).exists():
        today = timezone.localdate()
        agent_authorize(
            principal=elderly,
            agent=agent,
            valid_from=today,
            valid_until=today + dt.timedelta(days=365),
            evidence="代办授权委托书 JR-DB-2026-0001",
        )

    for username, name, region, kind, roles in STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "kind": User.Kind.STAFF,
                "display_name": name,
                "is_staff": StaffRole.PLATFORM_ADMIN in roles,
                "is_superuser": StaffRole.PLATFORM_ADMIN in roles,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        department = Department.objects.get(region__code=region, kind__code=kind)
        for role in roles:
            staff_role_grant(user=user, department=department, role=role)
    return {"applicants": len(APPLICANTS) + 1, "enterprises": 1, "staff": len(STAFF)}
