"""Annual reviews: the statutory date rules at their edges, the school calendar, the tracker
and the SENCO dashboard."""

from __future__ import annotations

import datetime as dt

import pytest

from hsp_desktop.errors import ConflictError, PermissionDenied, ValidationError
from hsp_desktop.model import Student
from hsp_desktop.model.enums import Country, TermName
from hsp_desktop.services.container import Services
from hsp_desktop.services.interpreters import BookingDraft, ProviderKind
from hsp_desktop.services.meetings import (
    AttendeeDraft,
    AttendeeKind,
    MeetingDraft,
    MeetingStatus,
    MeetingType,
)
from hsp_desktop.services.reviews import (
    ENGLAND,
    WALES,
    PhaseTransfer,
    ReviewRules,
    ReviewState,
    SchoolCalendar,
    StepKey,
    StepState,
    next_review_due,
    parse_transfers,
    planning_warnings,
    review_steps,
    transfer_deadline,
)
from hsp_desktop.services.terms import english_term_pattern
from hsp_desktop.store import Database
from tests.services.casework_world import World, build_world

# -- the calendar of 2023/24 and 2024/25 (English pattern) ---------------------------------------

CALENDAR = SchoolCalendar.from_terms(
    [row for start in (2023, 2024, 2025) for row in english_term_pattern(start)]
)
NO_TERMS = SchoolCalendar()


def steps(meeting: dt.date, today: dt.date, **done: dt.date | None) -> dict[StepKey, object]:
    found = review_steps(
        meeting,
        invitations_on=done.get("invitations"),
        advice_on=done.get("advice"),
        report_on=done.get("report"),
        rules=ENGLAND,
        calendar=NO_TERMS,
        today=today,
    )
    return {s.key: s for s in found}


# -- twelve months, leap years ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28)),  # a leap-day review: due on 28 February
        (dt.date(2023, 2, 28), dt.date(2024, 2, 28)),  # not moved to the new leap day
        (dt.date(2027, 2, 28), dt.date(2028, 2, 28)),
        (dt.date(2028, 2, 29), dt.date(2029, 2, 28)),
        (dt.date(2024, 3, 31), dt.date(2025, 3, 31)),
        (dt.date(2024, 12, 31), dt.date(2025, 12, 31)),
    ],
)
def test_a_review_is_due_twelve_months_after_the_last(last: dt.date, due: dt.date) -> None:
    assert next_review_due(dt.date(2020, 1, 1), last, ENGLAND) == due


def test_the_first_review_counts_from_the_plan_and_no_date_means_no_due_date() -> None:
    assert next_review_due(dt.date(2024, 2, 29), None, ENGLAND) == dt.date(2025, 2, 28)
    assert next_review_due(None, None, ENGLAND) is None
    six_monthly = ReviewRules(interval_months=6)
    assert next_review_due(None, dt.date(2024, 8, 31), six_monthly) == dt.date(2025, 2, 28)


def test_a_review_exactly_twelve_months_on_is_fine_one_day_more_is_warned() -> None:
    last = dt.date(2024, 2, 29)
    due = next_review_due(None, last, ENGLAND)
    today = dt.date(2025, 1, 6)
    args = {"due": due, "last_review": last, "today": today, "rules": ENGLAND, "calendar": NO_TERMS}
    assert planning_warnings(dt.date(2025, 2, 28), **args) == []  # type: ignore[arg-type]
    warned = planning_warnings(dt.date(2025, 3, 3), **args)  # type: ignore[arg-type]
    assert len(warned) == 1
    assert "more than 12 months after the last review (29/02/2024)" in warned[0]
    assert "due by 28/02/2025" in warned[0]


# -- fourteen days exactly ------------------------------------------------------------------------


def test_invitations_fourteen_days_before_are_on_time_thirteen_are_late() -> None:
    meeting = dt.date(2025, 3, 20)
    on_time = steps(meeting, meeting, invitations=dt.date(2025, 3, 6))[StepKey.INVITATIONS]
    late = steps(meeting, meeting, invitations=dt.date(2025, 3, 7))[StepKey.INVITATIONS]
    assert on_time.state is StepState.DONE  # type: ignore[attr-defined]
    assert on_time.deadline == dt.date(2025, 3, 6)  # type: ignore[attr-defined]
    assert late.state is StepState.LATE  # type: ignore[attr-defined]


def test_a_paper_not_sent_is_due_on_its_last_day_and_overdue_the_day_after() -> None:
    meeting = dt.date(2025, 3, 20)
    assert steps(meeting, dt.date(2025, 3, 6))[StepKey.ADVICE].state is StepState.DUE  # type: ignore[attr-defined]
    assert steps(meeting, dt.date(2025, 3, 7))[StepKey.ADVICE].state is StepState.OVERDUE  # type: ignore[attr-defined]


def test_the_report_is_due_within_fourteen_days_after_the_meeting() -> None:
    meeting = dt.date(2025, 3, 20)
    report = steps(meeting, dt.date(2025, 4, 3), report=dt.date(2025, 4, 3))[StepKey.REPORT]
    assert report.state is StepState.DONE and report.deadline == dt.date(2025, 4, 3)  # type: ignore[attr-defined]
    late = steps(meeting, dt.date(2025, 4, 4), report=dt.date(2025, 4, 4))[StepKey.REPORT]
    assert late.state is StepState.LATE  # type: ignore[attr-defined]
    assert steps(meeting, dt.date(2025, 4, 4))[StepKey.REPORT].state is StepState.OVERDUE  # type: ignore[attr-defined]


def test_fourteen_days_before_a_mid_march_meeting_in_a_leap_year_is_the_leap_day() -> None:
    invitations = steps(dt.date(2024, 3, 14), dt.date(2024, 2, 1))[StepKey.INVITATIONS]
    assert invitations.deadline == dt.date(2024, 2, 29)  # type: ignore[attr-defined]
    not_leap = steps(dt.date(2025, 3, 14), dt.date(2025, 2, 1))[StepKey.INVITATIONS]
    assert not_leap.deadline == dt.date(2025, 2, 28)  # type: ignore[attr-defined]


# -- term holidays ------------------------------------------------------------------------------


def test_the_calendar_knows_weekends_half_terms_and_holidays() -> None:
    assert CALENDAR.is_school_day(dt.date(2025, 2, 14))  # Friday before spring half-term
    assert CALENDAR.holiday(dt.date(2025, 2, 19)) == "spring half-term"
    assert CALENDAR.holiday(dt.date(2025, 4, 8)) == "Easter holiday"
    assert CALENDAR.holiday(dt.date(2024, 12, 27)) == "Christmas holiday"
    assert CALENDAR.holiday(dt.date(2025, 8, 12)) == "summer holiday"
    assert CALENDAR.holiday(dt.date(2025, 3, 8)) == "a weekend"
    assert NO_TERMS.is_school_day(dt.date(2025, 2, 19))  # without term dates: weekdays
    half = CALENDAR.half_term_of(dt.date(2025, 2, 19))  # in the break: the next half-term
    assert half is not None and half.label == "Spring 2" and half.start == dt.date(2025, 2, 22)


def test_a_deadline_in_half_term_means_sending_before_the_break() -> None:
    # Meeting Wed 5 March 2025: invitations by Wed 19 Feb, in the spring half-term (17–21 Feb).
    found = review_steps(
        dt.date(2025, 3, 5),
        invitations_on=None,
        advice_on=None,
        report_on=None,
        rules=ENGLAND,
        calendar=CALENDAR,
        today=dt.date(2025, 2, 3),
    )
    invitations = found[0]
    assert invitations.deadline == dt.date(2025, 2, 19)
    assert invitations.send_by == dt.date(2025, 2, 14)
    assert "spring half-term" in invitations.note and "14/02/2025" in invitations.note
    assert invitations.state is StepState.DUE


def test_a_report_deadline_in_the_easter_holiday_is_flagged() -> None:
    # Meeting Thu 27 March 2025, the report by Thu 10 April: the Easter holiday.
    found = review_steps(
        dt.date(2025, 3, 27),
        invitations_on=dt.date(2025, 3, 10),
        advice_on=dt.date(2025, 3, 10),
        report_on=None,
        rules=ENGLAND,
        calendar=CALENDAR,
        today=dt.date(2025, 3, 27),
    )
    report = found[2]
    assert report.key is StepKey.REPORT and report.deadline == dt.date(2025, 4, 10)
    assert report.send_by == dt.date(2025, 3, 28)  # the last day of the spring term
    assert "Easter holiday" in report.note


def test_a_review_planned_in_a_holiday_or_with_short_notice_is_warned() -> None:
    args = {"due": dt.date(2025, 6, 1), "last_review": None, "rules": ENGLAND, "calendar": CALENDAR}
    in_holiday = planning_warnings(dt.date(2025, 4, 9), today=dt.date(2025, 3, 1), **args)  # type: ignore[arg-type]
    assert in_holiday == ["09/04/2025 falls in Easter holiday."]
    # Exactly 14 days' notice is enough; 13 is not.
    assert planning_warnings(dt.date(2025, 3, 17), today=dt.date(2025, 3, 3), **args) == []  # type: ignore[arg-type]
    short = planning_warnings(dt.date(2025, 3, 17), today=dt.date(2025, 3, 4), **args)  # type: ignore[arg-type]
    assert len(short) == 1 and "earliest date with full notice is 18/03/2025" in short[0]


# -- phase transfers, adulthood, presets ----------------------------------------------------------


def test_phase_transfer_deadlines_follow_the_academic_year() -> None:
    assert transfer_deadline("6", dt.date(2025, 11, 20), ENGLAND) == dt.date(2026, 2, 15)
    assert transfer_deadline("6", dt.date(2026, 1, 10), ENGLAND) == dt.date(2026, 2, 15)
    assert transfer_deadline("11", dt.date(2025, 9, 1), ENGLAND) == dt.date(2026, 3, 31)
    assert transfer_deadline("5", dt.date(2025, 11, 20), ENGLAND) is None
    assert transfer_deadline("11", dt.date(2025, 11, 20), WALES) is None


def test_a_leap_day_transfer_deadline_falls_back_in_other_years() -> None:
    transfer = PhaseTransfer("6", 2, 29)
    assert transfer.deadline(2023) == dt.date(2024, 2, 29)
    assert transfer.deadline(2024) == dt.date(2025, 2, 28)


def test_transfer_settings_are_parsed_and_bad_ones_named() -> None:
    assert parse_transfers(" 6:02-15, 11:03-31 ,") == (
        PhaseTransfer("6", 2, 15),
        PhaseTransfer("11", 3, 31),
    )
    with pytest.raises(ValidationError, match="Phase transfers"):
        parse_transfers("6:02-30")
    with pytest.raises(ValidationError, match="year group:MM-DD"):
        parse_transfers("Year six")


def test_wales_reviews_idps_without_tracking_advice() -> None:
    found = review_steps(
        dt.date(2025, 3, 20),
        invitations_on=None,
        advice_on=None,
        report_on=None,
        rules=WALES,
        calendar=NO_TERMS,
        today=dt.date(2025, 3, 1),
    )
    assert [s.key for s in found] == [StepKey.INVITATIONS, StepKey.REPORT]
    assert WALES.plan_name == "IDP" and WALES.interval_months == 12


# -- the service --------------------------------------------------------------------------------


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


def test_the_tracker_lists_every_plan_with_its_state(world: World) -> None:
    rows = {r.student_name: r for r in world.reviews.tracker(world.senco)}
    assert set(rows) == {"Ali Khan", "Zofia Nowak"}  # Tom has no EHCP
    ali, zofia = rows["Ali Khan"], rows["Zofia Nowak"]
    assert ali.next_due == dt.date(2025, 11, 25) and ali.state is ReviewState.DUE_SOON
    assert ali.transfer_deadline == dt.date(2026, 2, 15)
    assert zofia.adulthood and not ali.adulthood
    assert zofia.state is ReviewState.OK  # due 14 Jan 2026, after this half-term


def test_the_dashboard_moves_with_the_clock(world: World) -> None:
    board = world.reviews.dashboard(world.senco)
    assert board.half_term is not None and board.half_term.label == "Autumn 2"
    assert [r.student_name for r in board.due_this_half_term] == ["Ali Khan"]
    assert board.overdue == ()
    world.set_today(2025, 11, 26)  # the day after Ali's review fell due
    board = world.reviews.dashboard(world.senco)
    assert [r.student_name for r in board.overdue] == ["Ali Khan"]
    world.set_today(2026, 1, 5)  # spring: Zofia's review is due this half-term
    board = world.reviews.dashboard(world.senco)
    assert [r.student_name for r in board.due_this_half_term] == ["Zofia Nowak"]


def test_a_phase_transfer_brings_the_review_forward(world: World) -> None:
    # Held on 24 Nov 2025: next due 24 Nov 2026, but the transfer deadline of 15 Feb 2026
    # is for this year and the review has been held this year, so nothing is brought forward.
    world.set_today(2025, 11, 24)
    world.meetings.create(
        world.senco,
        MeetingDraft(
            world.students["ali"],
            MeetingType.ANNUAL_REVIEW,
            dt.date(2025, 11, 24),
            status=MeetingStatus.HELD,
        ),
    )
    ali = next(r for r in world.reviews.tracker(world.senco) if r.student_name == "Ali Khan")
    assert ali.last_review == dt.date(2025, 11, 24)
    assert ali.review_by == dt.date(2026, 11, 24)
    # Zofia moves to Year 11 next September: planned for then, the transfer pulls it forward.
    world.set_today(2026, 9, 10)
    with world.db.transaction() as s:
        zofia = s.get(Student, world.students["zofia"])
        assert zofia is not None
        zofia.year_group = "11"
        zofia.ehcp_last_review = dt.date(2026, 3, 30)
    zofia_row = next(
        r for r in world.reviews.tracker(world.senco) if r.student_name == "Zofia Nowak"
    )
    assert zofia_row.transfer_deadline == dt.date(2027, 3, 31)
    assert zofia_row.review_by == dt.date(2027, 3, 31) - dt.timedelta(days=42)
    assert zofia_row.next_due == dt.date(2027, 3, 30)


def test_papers_late_and_outcomes_not_recorded_are_on_the_dashboard(world: World) -> None:
    review = world.meetings.create(
        world.senco,
        MeetingDraft(
            world.students["zofia"],
            MeetingType.ANNUAL_REVIEW,
            dt.date(2025, 12, 8),
            start_time=dt.time(14, 0),
        ),
    )
    assert [s.state for s in review.steps] == [StepState.DUE, StepState.DUE, StepState.DUE]
    world.set_today(2025, 11, 25)  # invitations were due by 24 Nov
    late = world.reviews.dashboard(world.senco).papers_late
    assert [(p.student_name, p.what, p.days_late) for p in late] == [
        ("Zofia Nowak", "Invitations sent", 1),
        ("Zofia Nowak", "Advice circulated", 1),
    ]
    world.meetings.record_paper(
        world.senco, review.id, review.version, "invitations", dt.date(2025, 11, 25)
    )
    late = world.reviews.dashboard(world.senco).papers_late
    assert [p.what for p in late] == ["Advice circulated"]
    world.set_today(2025, 12, 9)  # the day after: held, but nobody recorded it
    whats = [p.what for p in world.reviews.dashboard(world.senco).papers_late]
    assert "Outcome not recorded" in whats


def test_an_unconfirmed_interpreter_is_flagged_until_confirmed(world: World) -> None:
    meeting = world.meetings.create(
        world.senco,
        MeetingDraft(
            world.students["ali"],
            MeetingType.ANNUAL_REVIEW,
            dt.date(2025, 12, 5),
            start_time=dt.time(10, 0),
            attendees=(AttendeeDraft(AttendeeKind.CARER, carer_id=world.carers["ayesha"]),),
        ),
        confirmed=True,
    )
    gaps = world.reviews.dashboard(world.senco).interpreters
    assert [(g.carer_name, g.language, g.status_label) for g in gaps] == [
        ("Mrs Ayesha Khan", "URD", "No booking")
    ]
    (proposal,) = world.interpreters.propose(world.senco, meeting_id=meeting.id)
    booking = world.interpreters.request(world.senco, proposal)
    (gap,) = world.reviews.dashboard(world.senco).interpreters
    assert gap.status_label == "Requested, not confirmed" and gap.booking_id == booking.id
    world.interpreters.confirm(
        world.office, booking.id, booking.version, interpreter_name=booking.interpreter_name
    )
    assert world.reviews.dashboard(world.senco).interpreters == ()


def test_a_booking_for_another_language_does_not_count(world: World) -> None:
    meeting = world.meetings.create(
        world.senco,
        MeetingDraft(world.students["zofia"], MeetingType.INFORMAL, dt.date(2025, 11, 27)),
    )
    wrong = world.interpreters.request(
        world.senco,
        BookingDraft(
            world.students["zofia"],
            "URD",
            ProviderKind.AGENCY,
            dt.date(2025, 11, 27),
            meeting_id=meeting.id,
            carer_id=world.carers["ewa"],
        ),
    )
    world.interpreters.confirm(
        world.senco, wrong.id, wrong.version, interpreter_name="Mr Khalid Mir"
    )
    (gap,) = world.reviews.dashboard(world.senco).interpreters
    assert gap.language == "POL" and gap.status_label == "No booking"


def test_rules_are_stored_per_school_and_guarded(world: World) -> None:
    rules = world.reviews.rules(world.senco)
    assert rules == ENGLAND and rules.version == 0
    with pytest.raises(PermissionDenied):
        world.reviews.update_rules(world.teacher, 0, rules)
    with pytest.raises(ValidationError, match="Notice before the meeting"):
        world.reviews.update_rules(world.senco, 0, ReviewRules(notice_days=0))
    saved = world.reviews.update_rules(
        world.senco, 0, ReviewRules(notice_days=21, transfers=(PhaseTransfer("2", 2, 15),))
    )
    assert saved.notice_days == 21 and saved.version == 1
    assert world.reviews.rules(world.teacher).transfers == (PhaseTransfer("2", 2, 15),)
    with pytest.raises(ConflictError):
        world.reviews.update_rules(world.senco, 0, ReviewRules())
    ali = next(r for r in world.reviews.tracker(world.senco) if r.student_name == "Ali Khan")
    assert ali.transfer_deadline is None  # Year 6 no longer a transfer year here


def test_a_welsh_school_gets_the_idp_rules(db: Database) -> None:
    world = build_world(db, Country.WALES)
    rules = world.reviews.rules(world.senco)
    assert rules.plan_name == "IDP" and rules.advice_days == 0 and rules.transfers == ()
    review = world.meetings.create(
        world.senco,
        MeetingDraft(world.students["zofia"], MeetingType.ANNUAL_REVIEW, dt.date(2025, 12, 8)),
    )
    assert [s.key for s in review.steps] == [StepKey.INVITATIONS, StepKey.REPORT]


def test_the_demo_school_has_overdue_reviews_and_a_family_needing_urdu(
    demo_services: Services,
) -> None:
    senco = demo_services.accounts.login("senco", "hsp-demo")
    board = demo_services.reviews.dashboard(senco)
    assert board.overdue, "the demo school shows some overdue reviews"
    assert board.papers_late, "and some papers late"
    needs = {
        row.student_id: demo_services.interpreters.needs(senco, row.student_id)
        for row in board.overdue
    }
    assert any(n.language == "URD" for found in needs.values() for n in found)


def test_term_names_are_not_confused_with_holidays() -> None:
    calendar = SchoolCalendar.from_terms(
        [(TermName.AUTUMN, dt.date(2025, 9, 3), dt.date(2025, 12, 19), None, None)]
    )
    assert calendar.half_terms[0].label == "Autumn"
    assert calendar.holiday(dt.date(2025, 10, 29)) is None  # no half-term dates given
