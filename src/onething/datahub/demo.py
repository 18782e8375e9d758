"""Demo records for the local providers (``onething datahub demo``); safe to run again.

They agree with the demo accounts (``onething.accounts.demo``): the same ID numbers and credit
code, the same household regions. Every other number is generated with a correct check digit,
and none belongs to a real person.

- 张三's household in 华阳街道: 张三 (户主), his wife 刘芳 and his mother 王秀兰; 张三 and 刘芳
  married in 2018; their daughter was born six days before the demo was loaded at 句容市人民医院
  (a birth record, not yet in the household register — 新生儿出生 is how she gets there);
  张三 owns their flat and is insured.
- 李思 lives alone in 江宁区东山街道, insured, owner of a flat there.
- 王武 (回族) and his wife 孙丽 in 黄梅街道; 王武 is the legal representative of
  句容市味之源餐饮有限公司, which owns its restaurant premises.
- 陈帮办 in 华阳街道; 赵奶奶 in 崇明街道, widowed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from onething.accounts.demo import APPLICANTS, ELDERLY, demo_credit_code, demo_id_number
from onething.core.crypto import hmac_sm3_hex
from onething.core.identifiers import birth_date_of, is_male, normalize_id_number
from onething.org.models import Region

from .agreements import load_agreements
from .models import (
    BirthRecord,
    EnterpriseRecord,
    MarriageRecord,
    PopulationRecord,
    RealEstateRecord,
    Sex,
    SocialSecurityRecord,
)

ACCOUNTS = {row[0]: demo_id_number(row[2], row[3], row[4]) for row in APPLICANTS}
GRANNY = demo_id_number(ELDERLY[1], ELDERLY[2], ELDERLY[3])
# people who have no account: family members
LIUFANG = demo_id_number("321183", "19920418", 264)  # 张三's wife
WANG_XIULAN = demo_id_number("321183", "19630809", 82)  # 张三's mother
SUNLI = demo_id_number("321183", "19870923", 348)  # 王武's wife
ZHOU_DEMING = demo_id_number("321183", "19380606", 111)  # 赵奶奶's late husband
RESTAURANT = demo_credit_code("321183", "MA1WXY0C8")

ZHANGSAN_HOME = "江苏省句容市华阳街道华阳南路18号3幢2单元301室"
LISI_HOME = "江苏省南京市江宁区东山街道上元大街128号2幢1单元502室"
WANGWU_HOME = "江苏省句容市黄梅街道东昌路56号"
BANGBAN_HOME = "江苏省句容市华阳街道人民路12号"
GRANNY_HOME = "江苏省句容市崇明街道崇明路35号1幢101室"

# id number, name, ethnicity, household address, household id, relation, region
PEOPLE = [
    (ACCOUNTS["zhangsan"], "张三", "汉族", ZHANGSAN_HOME, "321183002031801", "户主", "321183002"),
    (LIUFANG, "刘芳", "汉族", ZHANGSAN_HOME, "321183002031801", "妻", "321183002"),
    (WANG_XIULAN, "王秀兰", "汉族", ZHANGSAN_HOME, "321183002031801", "母", "321183002"),
    (ACCOUNTS["lisi"], "李思", "汉族", LISI_HOME, "320115001128502", "户主", "320115001"),
    (ACCOUNTS["wangwu"], "王武", "回族", WANGWU_HOME, "321183003005601", "户主", "321183003"),
    (SUNLI, "孙丽", "汉族", WANGWU_HOME, "321183003005601", "妻", "321183003"),
    (ACCOUNTS["bangban"], "陈帮办", "汉族", BANGBAN_HOME, "321183002001201", "户主", "321183002"),
    (GRANNY, "赵奶奶", "汉族", GRANNY_HOME, "321183004003501", "户主", "321183004"),
]


def _hash(number: str) -> str:
    return hmac_sm3_hex(normalize_id_number(number))


def _upsert(model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> None:
    """update_or_create that re-encrypts on every run (encrypted columns never compare equal)."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        model.objects.create(**lookup, **values)
        return
    for key, value in values.items():
        setattr(row, key, value)
    row.save()


def _population(regions: dict[str, Region]) -> int:
    for number, name, ethnicity, address, household, relation, region in PEOPLE:
        _upsert(
            PopulationRecord,
            {"id_number_hash": _hash(number)},
            {
                "id_number": number,
                "name": name,
                "sex": Sex.MALE if is_male(number) else Sex.FEMALE,
                "birth_date": birth_date_of(number),
                "ethnicity": ethnicity,
                "household_address": address,
                "household_id": household,
                "relation": relation,
                "region": regions.get(region),
            },
        )
    return len(PEOPLE)


def _marriages() -> int:
    rows = [
        # husband, name, wife, name, certificate, date, status
        (ACCOUNTS["zhangsan"], "张三", LIUFANG, "刘芳", "J321183-2018-000512", "2018-10-08",
         MarriageRecord.Status.MARRIED, "句容市民政局婚姻登记处"),
        (ACCOUNTS["wangwu"], "王武", SUNLI, "孙丽", "J321183-2012-000221", "2012-05-20",
         MarriageRecord.Status.MARRIED, "句容市民政局婚姻登记处"),
        (ZHOU_DEMING, "周德明", GRANNY, "赵奶奶", "句婚字第1963-0047号", "1963-01-12",
         MarriageRecord.Status.WIDOWED, "句容县人民委员会"),
    ]  # fmt: skip
    for husband, h_name, wife, w_name, number, day, status, office in rows:
        _upsert(
            MarriageRecord,
            {"certificate_no": number},
            {
                "husband_name": h_name,
                "husband_id_number": husband,
                "husband_hash": _hash(husband),
                "wife_name": w_name,
                "wife_id_number": wife,
                "wife_hash": _hash(wife),
                "registration_date": dt.date.fromisoformat(day),
                "status": status,
                "registry_office": office,
            },
        )
    return len(rows)


def _social_security() -> int:
    rows = [
        # id number, name, card no, base, work start, insured since, employer
        (ACCOUNTS["zhangsan"], "张三", "E40512376", "6800.00", "2012-07-01", "2012-07-01",
         "句容市华阳建筑安装有限公司"),
        (LIUFANG, "刘芳", "E40587213", "5600.00", "2014-08-01", "2014-08-01",
         "句容市人民医院"),
        (ACCOUNTS["lisi"], "李思", "E30277145", "9200.00", "2014-07-01", "2014-07-01",
         "南京江宁科技园发展有限公司"),
        (ACCOUNTS["wangwu"], "王武", "E40133580", "7500.00", "2008-09-01", "2008-09-01",
         "句容市味之源餐饮有限公司"),
        (ACCOUNTS["bangban"], "陈帮办", "E40376902", "5200.00", "2010-03-01", "2010-03-01",
         "句容市华阳街道便民服务中心"),
    ]  # fmt: skip
    for number, name, card, base, start, since, employer in rows:
        _upsert(
            SocialSecurityRecord,
            {"id_number_hash": _hash(number)},
            {
                "id_number": number,
                "name": name,
                "card_no": card,
                "contribution_base": Decimal(base),
                "work_start_date": dt.date.fromisoformat(start),
                "insured_since": dt.date.fromisoformat(since),
                "employer": employer,
            },
        )
    return len(rows)


def newborn_birth_date() -> dt.date:
    """张三's daughter was born six days before today (a newborn whenever the demo runs)."""
    return timezone.localdate() - dt.timedelta(days=6)


def _birth_records() -> int:
    _upsert(
        BirthRecord,
        {"mother_hash": _hash(LIUFANG), "father_hash": _hash(ACCOUNTS["zhangsan"])},
        {
            "certificate_no": "Q321183417",
            "child_name": "张若溪",
            "sex": Sex.FEMALE,
            "birth_date": newborn_birth_date(),
            "institution": "句容市人民医院",
            "weight": 3350,
            "gestational_weeks": 39,
            "delivery_mode": BirthRecord.DeliveryMode.NATURAL,
            "mother_name": "刘芳",
            "mother_id_number": LIUFANG,
            "father_name": "张三",
            "father_id_number": ACCOUNTS["zhangsan"],
        },
    )
    return 1


def _enterprises() -> int:
    _upsert(
        EnterpriseRecord,
        {"credit_code": RESTAURANT},
        {
            "credit_code_hash": hmac_sm3_hex(RESTAURANT),
            "name": "句容市味之源餐饮有限公司",
            "type": EnterpriseRecord.Type.LLC,
            "legal_rep_name": "王武",
            "legal_rep_id_number": ACCOUNTS["wangwu"],
            "legal_rep_id_hash": _hash(ACCOUNTS["wangwu"]),
            "registered_address": "江苏省句容市华阳街道华阳北路88号",
            "business_scope": "餐饮服务；食品销售（仅销售预包装食品）；外卖递送服务",
            "registered_capital": Decimal("50.00"),
            "established_on": dt.date(2023, 3, 15),
        },
    )
    return 1


def _real_estate() -> int:
    rows = [
        # certificate, owner, owner number, hash, location, area, use, registered
        ("苏(2019)句容市不动产权第0012876号", "张三", ACCOUNTS["zhangsan"],
         _hash(ACCOUNTS["zhangsan"]), ZHANGSAN_HOME.removeprefix("江苏省"), "98.65", "住宅",
         "2019-06-21"),
        ("苏(2020)南京市不动产权第0213456号", "李思", ACCOUNTS["lisi"],
         _hash(ACCOUNTS["lisi"]), LISI_HOME.removeprefix("江苏省"), "89.20", "住宅",
         "2020-11-03"),
        ("苏(2023)句容市不动产权第0031245号", "句容市味之源餐饮有限公司", RESTAURANT,
         hmac_sm3_hex(RESTAURANT), "句容市华阳街道华阳北路88号", "186.50", "商业",
         "2023-05-09"),
    ]  # fmt: skip
    for number, owner, owner_number, owner_hash, location, area, use, day in rows:
        _upsert(
            RealEstateRecord,
            {"certificate_no": number},
            {
                "owner_name": owner,
                "owner_id_number": owner_number,
                "owner_hash": owner_hash,
                "location": location,
                "area": Decimal(area),
                "use": use,
                "registered_on": dt.date.fromisoformat(day),
            },
        )
    return len(rows)


@transaction.atomic
def load_datahub_demo() -> dict[str, int]:
    """The agreements, and demo records in every local provider."""
    regions = {r.code: r for r in Region.objects.all()}
    counts = load_agreements()
    return {
        "agreements": counts["agreements"],
        "population": _population(regions),
        "marriage": _marriages(),
        "social_security": _social_security(),
        "birth_record": _birth_records(),
        "enterprise": _enterprises(),
        "real_estate": _real_estate(),
    }
