"""Term dates: set by the school, checked for sense, and what "this term" means on a day."""

from __future__ import annotations

import datetime as dt

import pytest

from hsp_desktop.errors import ConflictError, PermissionDenied, ValidationError
from hsp_desktop.model.enums import Role, TermName
from hsp_desktop.services.actor import SYSTEM, Actor
from hsp_desktop.services.terms import NoTermDates, TermService, english_term_pattern
from hsp_desktop.store import Database

TEACHER = Actor(None, "t", "Teacher", Role.TEACHER)


def test_the_english_pattern_offers_three_terms_with_half_terms() -> None:
    autumn, spring, summer = english_term_pattern(2025)
    assert autumn[:3] == (TermName.AUTUMN, dt.date(2025, 9, 3), dt.date(2025, 12, 19))
    assert autumn[3:] == (dt.date(2025, 10, 27), dt.date(2025, 10, 31))
    assert spring[1] == dt.date(2026, 1, 5) and summer[2] == dt.date(2026, 7, 17)
    for _, first, last, ht_start, ht_end in (autumn, spring, summer):
        assert first.weekday() < 5 and last.weekday() == 4
        assert first < ht_start <= ht_end < last


def test_a_new_year_is_created_from_the_pattern_and_positions_follow_it(db: Database) -> None:
    terms = TermService(db)
    with pytest.raises(NoTermDates):
        terms.position(dt.date(2025, 10, 1))
    year = terms.create_year(SYSTEM, 2025)
    assert year.name == "2025/26" and [t.name for t in year.terms] == ["autumn", "spring", "summer"]
    with pytest.raises(ValidationError, match="already exists"):
        terms.create_year(SYSTEM, 2025)
    with pytest.raises(PermissionDenied):
        terms.create_year(TEACHER, 2026)
    assert terms.suggested_next_year(dt.date(2025, 10, 1)) == 2026

    during = terms.position(dt.date(2025, 12, 15))
    assert during.in_term and during.days_left == 5 and during.term.name == "autumn"
    half_term = terms.position(dt.date(2025, 10, 29))
    assert half_term.in_term and "Half-term" in half_term.note
    christmas = terms.position(dt.date(2025, 12, 25))
    assert not christmas.in_term and christmas.term.name == "autumn"
    assert christmas.next_term is not None and christmas.next_term.name == "spring"
    before = terms.position(dt.date(2025, 8, 20))
    assert not before.in_term and before.term.name == "autumn" and "starts" in before.note
    summer_holiday = terms.position(dt.date(2026, 8, 10))
    assert summer_holiday.term.name == "summer" and "No later term" in summer_holiday.note
    assert terms.term_on(dt.date(2026, 2, 3)) is not None
    assert terms.term_on(dt.date(2026, 2, 17)) is not None  # spring half-term is in the term
    assert terms.term_on(dt.date(2026, 4, 6)) is None  # Easter holiday


def test_term_dates_are_edited_with_checks_and_locking(db: Database) -> None:
    terms = TermService(db)
    autumn, spring, _ = terms.create_year(SYSTEM, 2025).terms
    edited = terms.update_term(
        SYSTEM,
        autumn.id,
        autumn.version,
        start_date=dt.date(2025, 9, 4),
        end_date=dt.date(2025, 12, 18),
        half_term_start=dt.date(2025, 10, 20),
        half_term_end=dt.date(2025, 10, 24),
    )
    assert edited.start_date == dt.date(2025, 9, 4) and edited.version == autumn.version + 1
    with pytest.raises(ConflictError):
        terms.update_term(
            SYSTEM,
            autumn.id,
            autumn.version,
            start_date=dt.date(2025, 9, 3),
            end_date=dt.date(2025, 12, 19),
            half_term_start=None,
            half_term_end=None,
        )
    bad = [
        ((dt.date(2025, 12, 1), dt.date(2025, 11, 1), None, None), "before the first day"),
        ((dt.date(2025, 9, 4), dt.date(2025, 12, 18), dt.date(2025, 10, 20), None), "both"),
        (
            (dt.date(2025, 9, 4), dt.date(2025, 12, 18), dt.date(2026, 1, 2), dt.date(2026, 1, 3)),
            "inside the term",
        ),
        ((dt.date(2025, 8, 1), dt.date(2025, 12, 18), None, None), "inside the academic year"),
        ((dt.date(2025, 9, 4), dt.date(2026, 1, 9), None, None), "overlaps"),
    ]
    for (first, last, ht_start, ht_end), reason in bad:
        with pytest.raises(ValidationError, match=reason):
            terms.update_term(
                SYSTEM,
                edited.id,
                edited.version,
                start_date=first,
                end_date=last,
                half_term_start=ht_start,
                half_term_end=ht_end,
            )
    assert terms.terms()[0] == edited  # every refusal left the data as it was
    assert spring.start_date == dt.date(2026, 1, 5)
    year = terms.years()[0]
    terms.delete_year(SYSTEM, year.id, year.version)
    assert terms.years() == []
