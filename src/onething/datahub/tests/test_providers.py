"""Every local provider answers with realistic data for the demo people, consistent with their
accounts; the registry matches the data element dictionary; corrections write back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from onething.accounts.demo import APPLICANTS, ELDERLY, demo_id_number
from onething.accounts.models import Enterprise, Person
from onething.catalog.models import DataElement
from onething.core.identifiers import birth_date_of, normalize_credit_code, normalize_id_number
from onething.datahub import demo as datahub_demo
from onething.datahub.base import CorrectionNotSupported, SubjectRef, as_text
from onething.datahub.models import BirthRecord, PopulationRecord
from onething.datahub.registry import register
from onething.org.models import DepartmentKind

PROVIDERS = [
    "population",
    "enterprise",
    "marriage",
    "social_security",
    "birth_record",
    "real_estate",
]
ZHANGSAN = demo_id_number("321183", "19900315", 123)
LISI = demo_id_number("320115", "19920708", 246)
WANGWU = demo_id_number("321183", "19850211", 357)
GRANNY = demo_id_number(*ELDERLY[1:4])


def fetch(code: str, subject: SubjectRef, fields=None):
    provider = register[code]
    return provider.fetch(subject=subject, fields=list(fields or provider.fields))


def test_the_registry_holds_the_six_providers_of_existing_department_kinds(org):
    assert sorted(register.keys()) == sorted(PROVIDERS)
    kinds = set(DepartmentKind.objects.values_list("seed_name", flat=True))
    for provider in register:
        assert provider.department_kind in kinds
        assert set(provider.labels) == set(provider.fields), provider.code
        assert provider.locked_fields <= set(provider.fields)


def test_every_shared_data_source_in_the_dictionary_is_a_provider_field(catalog):
    sources = DataElement.objects.exclude(source="").values_list("code", "source")
    assert sources
    for element, source in sources:
        code, _, field = source.partition(".")
        assert code in register, f"{element}: no provider {code}"
        assert field in register[code].fields, f"{element}: {code} has no field {field}"


@pytest.mark.parametrize(
    ("username", "ethnicity", "town"),
    [
        ("zhangsan", "汉族", "华阳街道"),
        ("lisi", "汉族", "东山街道"),
        ("wangwu", "回族", "黄梅街道"),
    ],
)
def test_population_answers_for_each_demo_applicant_as_their_account_knows_them(
    demo, username, ethnicity, town
):
    person = Person.objects.get(user__username=username)
    values = fetch("population", SubjectRef.person(person.id_number))
    assert values["name"] == person.name
    assert values["id_number"] == person.id_number
    assert values["birth_date"] == person.birth_date
    assert values["sex"] == ("1" if person.sex == Person.Sex.MALE else "2")
    assert values["ethnicity"] == ethnicity
    assert town in values["household_address"]
    assert person.household_region.name in values["household_address"]


def test_zhangsans_household_is_consistent(demo):
    values = fetch("population", SubjectRef.person(ZHANGSAN), ["household_members"])
    assert values["household_members"] == "王秀兰（母）；张三（户主）；刘芳（妻）"
    members = PopulationRecord.objects.filter(household_id__startswith="321183002")
    assert {m.household_address for m in members if m.household_id == "321183002031801"} == {
        datahub_demo.ZHANGSAN_HOME
    }


def test_every_demo_number_has_a_valid_check_digit_and_its_birth_date(demo):
    for record in PopulationRecord.objects.all():
        assert normalize_id_number(record.id_number) == record.id_number
        assert birth_date_of(record.id_number) == record.birth_date
        assert (record.sex == "1") == (int(record.id_number[16]) % 2 == 1)
    for _user, _name, region, birth, sequence, *_ in APPLICANTS:
        assert PopulationRecord.objects.filter(
            id_number_hash=SubjectRef.person(demo_id_number(region, birth, sequence)).hash
        ).exists()
    assert normalize_credit_code(datahub_demo.RESTAURANT) == datahub_demo.RESTAURANT


def test_marriage_is_seen_from_both_sides(demo):
    his = fetch("marriage", SubjectRef.person(ZHANGSAN))
    hers = fetch("marriage", SubjectRef.person(datahub_demo.LIUFANG))
    assert his["certificate_no"] == hers["certificate_no"] == "J321183-2018-000512"
    assert his["status"] == "married" and his["registration_date"] == dt.date(2018, 10, 8)
    assert his["spouse_name"] == "刘芳" and his["spouse_id_number"] == datahub_demo.LIUFANG
    assert hers["spouse_name"] == "张三" and hers["spouse_id_number"] == ZHANGSAN
    assert fetch("marriage", SubjectRef.person(GRANNY))["status"] == "widowed"
    assert fetch("marriage", SubjectRef.person(LISI)) == {}


def test_the_newborn_of_zhangsans_household_has_a_birth_record_found_by_either_parent(demo):
    by_father = fetch("birth_record", SubjectRef.person(ZHANGSAN))
    by_mother = fetch("birth_record", SubjectRef.person(datahub_demo.LIUFANG))
    assert by_father == by_mother
    assert by_father["father_id_number"] == ZHANGSAN
    assert by_father["mother_id_number"] == datahub_demo.LIUFANG
    assert by_father["mother_name"] == "刘芳" and by_father["father_name"] == "张三"
    assert 0 < (timezone.localdate() - by_father["birth_date"]).days <= 28  # a newborn
    assert 2500 <= by_father["weight"] <= 4500
    assert by_father["institution"] == "句容市人民医院"
    assert by_father["sex"] in ("1", "2") and by_father["delivery_mode"] == "natural"
    # the child is not in the household register yet: that is what 出生登记 is for
    assert not PopulationRecord.objects.filter(birth_date=by_father["birth_date"]).exists()
    assert fetch("birth_record", SubjectRef.person(LISI)) == {}


def test_social_security_and_real_estate_for_the_demo_people(demo):
    insured = fetch("social_security", SubjectRef.person(ZHANGSAN))
    assert insured["card_no"] == "E40512376"
    assert insured["contribution_base"] == Decimal("6800.00")
    assert insured["work_start_date"] == dt.date(2012, 7, 1)
    home = fetch("real_estate", SubjectRef.person(ZHANGSAN))
    assert home["owner_name"] == "张三" and home["owner_id_number"] == ZHANGSAN
    assert home["location"] in datahub_demo.ZHANGSAN_HOME
    assert as_text(home["area"]) == "98.65"


def test_the_enterprise_register_matches_the_demo_enterprise(demo):
    firm = Enterprise.objects.get(name="句容市味之源餐饮有限公司")
    subject = SubjectRef.enterprise(firm.credit_code)
    values = fetch("enterprise", subject)
    assert values["uscc"] == firm.credit_code
    assert values["name"] == firm.name
    assert values["type"] == "llc"
    assert values["legal_rep_name"] == "王武" and values["legal_rep_id_number"] == WANGWU
    assert "餐饮服务" in values["business_scope"]
    assert values["registered_capital"] == Decimal("50.00")
    premises = fetch("real_estate", subject)
    assert premises["owner_name"] == firm.name and premises["use"] == "商业"
    # a person is not an enterprise, and the other way round
    assert fetch("enterprise", SubjectRef.person(WANGWU)) == {}
    assert fetch("population", subject) == {}


def test_loading_the_demo_twice_changes_nothing(demo):
    counts = {m: m.objects.count() for m in (PopulationRecord, BirthRecord)}
    datahub_demo.load_datahub_demo()
    assert {m: m.objects.count() for m in counts} == counts


def test_the_demo_command(catalog, capsys):
    call_command("demo", "load")
    call_command("datahub", "demo")
    out = capsys.readouterr().out
    assert "共享数据演示数据已就绪" in out and "人口库 8 人" in out


def test_a_correction_is_written_back_and_keys_are_not_corrected(demo):
    population = register["population"]
    subject = SubjectRef.person(ZHANGSAN)
    population.correct(subject=subject, field="ethnicity", value="满族")
    assert fetch("population", subject, ["ethnicity"]) == {"ethnicity": "满族"}
    population.correct(subject=subject, field="birth_date", value="1990-03-16")
    assert fetch("population", subject, ["birth_date"]) == {"birth_date": dt.date(1990, 3, 16)}
    with pytest.raises(CorrectionNotSupported):
        population.correct(subject=subject, field="id_number", value=LISI)
    register["marriage"].correct(subject=subject, field="spouse_name", value="刘芳芳")
    assert fetch("marriage", SubjectRef.person(datahub_demo.LIUFANG), ["spouse_name"]) == {
        "spouse_name": "张三"
    }
    assert fetch("marriage", subject, ["spouse_name"]) == {"spouse_name": "刘芳芳"}


def test_a_correction_in_the_wrong_format_is_refused(demo):
    from onething.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        register["population"].correct(
            subject=SubjectRef.person(ZHANGSAN), field="birth_date", value="三月十五日"
        )
    with pytest.raises(ValidationFailed):
        register["population"].correct(subject=SubjectRef.person(ZHANGSAN), field="sex", value="男")


def test_a_subject_never_shows_its_number(demo):
    subject = SubjectRef.person(ZHANGSAN)
    assert ZHANGSAN not in repr(subject) and "3211" in repr(subject)
