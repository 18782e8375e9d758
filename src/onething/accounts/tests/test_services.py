import datetime as dt

import pytest
from django.db import connection

from onething.accounts.models import Person
from onething.accounts.selectors import agent_may_act_for, person_by_id_number
from onething.accounts.services import (
    agent_authorize,
    applicant_register,
    enterprise_create,
    person_create,
)
from onething.core.errors import ValidationFailed
from onething.org.models import Region


def test_person_numbers_are_encrypted_at_rest_and_found_by_hash(applicant):
    person = applicant.person
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM accounts_person WHERE id = %s", [person.pk])
        raw_id, raw_phone = cursor.fetchone()
    assert "11010519491231002X" not in raw_id and raw_id.startswith("sm4gcm:1:")
    assert "13812345678" not in raw_phone
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.id_number == "11010519491231002X"
    assert fresh.masked_id_number == "1101**********002X"
    assert fresh.masked_phone == "138****5678"
    assert person_by_id_number("11010519491231002x") == fresh
    assert fresh.sex == Person.Sex.FEMALE and fresh.birth_date == dt.date(1949, 12, 31)


def test_invalid_id_number_is_rejected_and_nothing_is_written(org):
    with pytest.raises(ValidationFailed) as caught:
        applicant_register(
            username="x", password="pw-Test-123", name="某", id_number="110105194912310021"
        )
    assert caught.value.code == "invalid_id_number"
    assert not Person.objects.exists()


def test_the_same_person_cannot_register_twice(applicant):
    with pytest.raises(ValidationFailed) as caught:
        person_create(name="张三", id_number="11010519491231002X")
    assert caught.value.code == "person_exists"


def test_enterprise_credit_code_is_validated(applicant):
    region = Region.objects.get(code="321183")
    with pytest.raises(ValidationFailed) as caught:
        enterprise_create(
            name="某公司",
            credit_code="91110000600037341A",
            legal_representative=applicant.person,
            region=region,
        )
    assert caught.value.code == "invalid_credit_code"
    ok = enterprise_create(
        name="某公司",
        credit_code="91110000600037341l",
        legal_representative=applicant.person,
        region=region,
    )
    assert ok.credit_code == "91110000600037341L"


def test_agent_authorization_has_scope_and_validity(applicant, make_staff):
    helper = make_staff("321183", "civil")
    today = dt.date(2026, 11, 22)
    agent_authorize(
        principal=applicant.person,
        agent=helper,
        valid_from=today,
        valid_until=today + dt.timedelta(days=30),
        evidence="授权书 1 号",
        scope=["JS-2022-13"],
    )
    assert agent_may_act_for(
        agent=helper, principal=applicant.person, one_thing_code="JS-2022-13", on=today
    )
    assert not agent_may_act_for(
        agent=helper, principal=applicant.person, one_thing_code="JS-2022-07", on=today
    )
    assert not agent_may_act_for(
        agent=helper,
        principal=applicant.person,
        one_thing_code="JS-2022-13",
        on=today + dt.timedelta(days=31),
    )
    with pytest.raises(ValidationFailed):
        agent_authorize(
            principal=applicant.person,
            agent=helper,
            valid_from=today,
            valid_until=today - dt.timedelta(days=1),
            evidence="x",
        )
