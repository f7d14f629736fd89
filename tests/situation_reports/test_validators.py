import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from situation_reports.validators import (
    find_personal_identity_numbers,
    is_personal_identity_number,
    luhn_is_valid,
    validate_no_personal_identity_number,
)


def check_digit(nine_digits):
    """The Luhn check digit of the first nine digits (computed independently here)."""
    total = 0
    for index, char in enumerate(nine_digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value // 10 + value % 10
    return str((10 - total % 10) % 10)


def personal_number(date, serial3, coordination=False):
    day = date.day + (60 if coordination else 0)
    nine = f"{date:%y%m}{day:02d}{serial3:03d}"
    return nine + check_digit(nine)


def test_it_recognises_the_skatteverket_example_numbers():
    assert find_personal_identity_numbers("Anmäld: 811218-9876.") == ["811218-9876"]
    assert find_personal_identity_numbers("19811218-9876") == ["19811218-9876"]
    assert find_personal_identity_numbers("198112189876") == ["198112189876"]
    assert find_personal_identity_numbers("121212+1212") == ["121212+1212"]


def test_it_ignores_a_wrong_check_digit_and_impossible_dates():
    assert find_personal_identity_numbers("811218-9875") == []
    assert not is_personal_identity_number("811318", "9876")  # month 13
    assert not is_personal_identity_number("810230", "1234")  # 30 February


def test_it_ignores_phone_numbers_and_longer_digit_runs():
    assert find_personal_identity_numbers("Ring 040-123 45 67 eller 0701234567") == []
    assert find_personal_identity_numbers("ärende 1198112189876") == []


def test_it_refuses_text_with_a_number_and_says_why():
    with translation.override("en"), pytest.raises(ValidationError) as error:
        validate_no_personal_identity_number("Gärningsperson 811218-9876 greps.")
    with translation.override("en"):
        assert "personal identity number" in str(error.value.messages[0])


@given(
    date=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2026, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
    coordination=st.booleans(),
    long_form=st.booleans(),
    separator=st.sampled_from(["-", "", "+"]),
)
def test_it_finds_every_valid_number_in_any_written_form(
    date, serial, coordination, long_form, separator
):
    number = personal_number(date, serial, coordination)
    written = (f"{date:%C}" if long_form else "") + number[:6] + separator + number[6:]
    assert luhn_is_valid(number)
    assert find_personal_identity_numbers(f"Text {written} text") == [written]


@given(
    date=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2026, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
    wrong=st.integers(min_value=1, max_value=9),
)
def test_it_lets_through_a_number_whose_check_digit_is_wrong(date, serial, wrong):
    number = personal_number(date, serial)
    bad = number[:9] + str((int(number[9]) + wrong) % 10)
    assert find_personal_identity_numbers(f"{bad[:6]}-{bad[6:]}") == []


@given(st.text())
def test_it_never_crashes_on_any_text(text):
    result = find_personal_identity_numbers(text)
    assert isinstance(result, list)
