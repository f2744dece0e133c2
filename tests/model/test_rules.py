"""Value rules: every refusal names the field."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hsp_desktop.errors import ValidationError
from hsp_desktop.model import rules
from hsp_desktop.model.students import add_months


@pytest.mark.parametrize("value", ["", "   ", "\t\n", None])
def test_empty_names_are_refused_naming_the_field(value: str | None) -> None:
    with pytest.raises(ValidationError) as info:
        rules.required_text("First name", value)
    assert info.value.field == "First name"
    assert "empty" in info.value.message


def test_names_keep_their_letters_and_lose_extra_spaces() -> None:
    assert rules.required_text("Surname", "  Wiśniewska  ") == "Wiśniewska"
    assert rules.required_text("Surname", "عائشہ  خان") == "عائشہ خان"


def test_overlong_text_is_refused() -> None:
    with pytest.raises(ValidationError, match="too long"):
        rules.required_text("Surname", "x" * 101)
    assert rules.free_text("Notes", "a\nb" * 3000) == "a\nb" * 3000


@pytest.mark.parametrize("text", ["31/02/2015", "2015-13-01", "yesterday", "30/02/2024"])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="not a real date") as info:
        rules.parse_date("Date of birth", text)
    assert info.value.field == "Date of birth"


def test_dates_in_uk_and_iso_form() -> None:
    assert rules.parse_date("DOB", "29/02/2024") == dt.date(2024, 2, 29)
    assert rules.parse_date("DOB", "2024-02-29") == dt.date(2024, 2, 29)
    assert rules.parse_date("DOB", "") is None
    with pytest.raises(ValidationError, match="required"):
        rules.parse_date("DOB", "", required=True)


def test_uk_phone_numbers_are_stored_in_e164() -> None:
    assert rules.phone("Mobile", "07700 900123") == "+447700900123"
    assert rules.phone("Mobile", "+44 (0)1632 960001") == "+441632960001"
    assert rules.phone("Mobile", "") == ""
    assert rules.display_phone("+447700900123") == "07700 900123"


@pytest.mark.parametrize("text", ["12345", "0770090012", "not a phone", "+44 20 7946 000"])
def test_invalid_phone_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        rules.phone("Mobile", text)
    assert info.value.field == "Mobile"


def test_emails() -> None:
    assert rules.email("Email", " Parent@Example.org ") == "Parent@example.org"
    for bad in ("parent@", "no-at-sign", "a@b@c.org", "x@.org"):
        with pytest.raises(ValidationError) as info:
            rules.email("Email", bad)
        assert info.value.field == "Email"


def test_upn_check_letter_matches_the_dfe_example() -> None:
    # The worked example in the DfE's UPN guidance: LA 801, school 2000, 2001, serial 001.
    assert rules.upn("UPN", "H801200001001") == "H801200001001"
    with pytest.raises(ValidationError, match="wrong check letter"):
        rules.upn("UPN", "A801200001001")
    with pytest.raises(ValidationError, match="not a UPN"):
        rules.upn("UPN", "H80120000100")


@given(st.integers(0, 999), st.integers(0, 9999), st.integers(0, 99), st.integers(0, 999))
def test_every_generated_upn_validates(la: int, estab: int, year: int, serial: int) -> None:
    made = rules.make_upn(la, estab, year, serial)
    assert rules.upn("UPN", made) == made


@given(st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)), st.integers(0, 36))
def test_add_months_never_fails_and_keeps_day_when_possible(day: dt.date, months: int) -> None:
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or later.day < day.day


def test_add_months_at_month_ends() -> None:
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
