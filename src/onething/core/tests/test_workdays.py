"""Working days against the State Council's holiday notices for 2025 and 2026."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onething.core.models import WorkdayOverride
from onething.core.workdays import (
    WorkCalendarUnknown,
    add_working_days,
    is_workday,
    overrides_changed,
    working_days_between,
)

D = dt.date

# 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号)
HOLIDAYS_2025 = [
    D(2025, 1, 1),
    D(2025, 1, 28),
    D(2025, 2, 4),
    D(2025, 4, 4),
    D(2025, 5, 1),
    D(2025, 5, 5),
    D(2025, 5, 31),
    D(2025, 6, 2),
    D(2025, 10, 1),
    D(2025, 10, 8),
]
MAKEUP_2025 = [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)]
# 国务院办公厅关于2026年部分节假日安排的通知
HOLIDAYS_2026 = [
    D(2026, 1, 1),
    D(2026, 1, 2),
    D(2026, 2, 16),
    D(2026, 2, 23),
    D(2026, 4, 6),
    D(2026, 5, 1),
    D(2026, 5, 5),
    D(2026, 6, 19),
    D(2026, 9, 25),
    D(2026, 10, 1),
    D(2026, 10, 7),
]
MAKEUP_2026 = [
    D(2026, 1, 4),
    D(2026, 2, 14),
    D(2026, 2, 28),
    D(2026, 5, 9),
    D(2026, 9, 20),
    D(2026, 10, 10),
]


@pytest.fixture(autouse=True)
def _fresh_overrides(db):
    overrides_changed()
    yield
    overrides_changed()


@pytest.mark.parametrize("day", HOLIDAYS_2025 + HOLIDAYS_2026)
def test_holidays_are_not_working_days(day):
    assert not is_workday(day)


@pytest.mark.parametrize("day", MAKEUP_2025 + MAKEUP_2026)
def test_makeup_weekend_days_are_working_days(day):
    assert day.weekday() >= 5 and is_workday(day)


def test_first_day_is_not_counted_and_holidays_are_skipped():
    # 5 working days from 30 September 2025 (国庆、中秋 1–8 October; 11 October is worked).
    assert add_working_days(D(2025, 9, 30), 5) == D(2025, 10, 14)
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)  # a make-up Saturday
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)  # after the Spring Festival
    assert add_working_days(D(2026, 11, 20), 0) == D(2026, 11, 20)


def test_a_year_nobody_knows_fails_closed():
    with pytest.raises(WorkCalendarUnknown) as caught:
        add_working_days(D(2026, 12, 30), 10)
    assert "2027" in caught.value.message and caught.value.message_en


def test_an_entered_notice_extends_the_calendar():
    WorkdayOverride.objects.create(
        date=D(2027, 1, 1), is_workday=False, name="元旦", source="test notice"
    )
    overrides_changed()
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


@given(
    start=st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 10, 31)),
    days=st.integers(min_value=0, max_value=30),
)
def test_adding_and_counting_agree(start, days):
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    assert end == start or is_workday(end)
    assert (end - start).days >= days
