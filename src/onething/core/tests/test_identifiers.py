import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from onething.core.errors import ValidationFailed
from onething.core.identifiers import (
    is_male,
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
)


def test_official_id_number_example_is_valid():
    # GB 11643-1999's worked example.
    assert normalize_id_number("11010519491231002X") == "11010519491231002X"
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


def test_official_credit_code_example_is_valid():
    # GB 32100-2015's example.
    assert normalize_credit_code("91110000600037341L") == "91110000600037341L"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("110105194912310021", "校验位不正确"),
        ("1101051949123100", "位数不对"),
        # a correct check digit over an impossible birth date (month 13)
        ("110105194913310" + "02" + ric.calc_check_digit("110105194913310020"), "日期或地区码无效"),
    ],
)
def test_bad_id_numbers_say_why_in_chinese_and_english(value, reason):
    with pytest.raises(ValidationFailed) as caught:
        normalize_id_number(value)
    assert reason in caught.value.message
    assert caught.value.message_en
    assert caught.value.details == {"field": "id_number"}


def test_bad_credit_code_is_rejected():
    with pytest.raises(ValidationFailed) as caught:
        normalize_credit_code("91110000600037341A")
    assert caught.value.code == "invalid_credit_code"
    assert "统一社会信用代码" in caught.value.message


ADDRESS = st.sampled_from(["321183", "320115", "110105", "440305"])
BIRTH = st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2025, 12, 31))


@given(address=ADDRESS, birth=BIRTH, sequence=st.integers(0, 999))
def test_generated_id_numbers_validate_and_a_changed_check_digit_does_not(address, birth, sequence):
    body = f"{address}{birth:%Y%m%d}{sequence:03d}"
    number = body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit
    assert normalize_id_number(number) == number
    assert is_male(number) == (sequence % 2 == 1)
    wrong = next(c for c in "0123456789X" if c != number[-1])
    with pytest.raises(ValidationFailed):
        normalize_id_number(body + wrong)


ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@given(
    head=st.text(alphabet="0123456789", min_size=8, max_size=8),
    subject=st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)
def test_generated_credit_codes_validate_and_a_changed_check_digit_does_not(head, subject):
    body = head + subject  # registration office, kind and region codes are digits
    code = body + uscc.calc_check_digit(body)
    assert normalize_credit_code(code) == code
    wrong = next(c for c in ALPHABET if c != code[-1])
    with pytest.raises(ValidationFailed):
        normalize_credit_code(body + wrong)


def test_mobile_numbers():
    assert normalize_mobile("138 1234 5678") == "13812345678"
    assert normalize_mobile("+8613812345678") == "13812345678"
    with pytest.raises(ValidationFailed):
        normalize_mobile("12812345678")


def test_an_address_code_younger_than_the_holder_is_accepted():
    # 句容市 (321183) replaced 句容县 in 1995; people born earlier hold 321183 numbers too.
    body = "32118319800101001"
    number = body + ric.calc_check_digit(body + "0")
    assert normalize_id_number(number) == number


def test_an_unknown_address_code_is_rejected():
    body = "99999919800101001"
    with pytest.raises(ValidationFailed) as caught:
        normalize_id_number(body + ric.calc_check_digit(body + "0"))
    assert "地区码" in caught.value.message
