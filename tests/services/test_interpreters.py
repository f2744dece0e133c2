"""Interpreter bookings: proposed in the carer's spoken language and dialect, never a family
member, confirmed or cancelled, and the office's list by language and term with costs."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from hsp_desktop.errors import ConflictError, KnownError, ValidationError
from hsp_desktop.model import Carer
from hsp_desktop.services.interpreters import (
    BookingDraft,
    BookingStatus,
    ProviderKind,
    format_money,
    parse_money,
)
from hsp_desktop.services.meetings import (
    AttendeeDraft,
    AttendeeKind,
    MeetingDraft,
    MeetingType,
    Place,
)
from hsp_desktop.services.visits import VisitDraft
from hsp_desktop.store import Database
from tests.services.casework_world import World, build_world, local


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


def review_for_ali(world: World, day: dt.date = dt.date(2025, 11, 24)) -> int:
    meeting = world.meetings.create(
        world.senco,
        MeetingDraft(
            world.students["ali"],
            MeetingType.ANNUAL_REVIEW,
            day,
            start_time=dt.time(10, 0),
            attendees=(
                AttendeeDraft(AttendeeKind.STAFF, staff_member_id=world.staff["senco"]),
                AttendeeDraft(AttendeeKind.CARER, carer_id=world.carers["ayesha"]),
            ),
        ),
        confirmed=True,
    )
    return meeting.id


def test_a_meeting_proposes_a_booking_in_the_carers_language(world: World) -> None:
    (proposal,) = world.interpreters.propose(world.senco, meeting_id=review_for_ali(world))
    assert proposal.language == "URD" and proposal.carer_id == world.carers["ayesha"]
    assert proposal.day == dt.date(2025, 11, 24) and proposal.start_time == dt.time(10, 0)
    assert proposal.purpose == "Annual review (EHCP)"
    # Mrs Shah in the office lists Urdu: she is proposed before an agency.
    assert proposal.provider_kind is ProviderKind.STAFF
    assert proposal.staff_member_id == world.staff["office"]
    assert proposal.notes == "Prefers a female interpreter"


def test_the_dialect_goes_with_the_proposal_and_no_staff_speaker_means_an_agency(
    world: World,
) -> None:
    with world.db.transaction() as s:
        carer = s.get(Carer, world.carers["ayesha"])
        assert carer is not None
        carer.spoken_language, carer.spoken_dialect = "PNJM", "Mirpuri"
    (proposal,) = world.interpreters.propose(world.senco, meeting_id=review_for_ali(world))
    assert (proposal.language, proposal.dialect) == ("PNJM", "Mirpuri")
    assert proposal.provider_kind is ProviderKind.AGENCY and proposal.staff_member_id is None
    booking = world.interpreters.request(world.senco, proposal)
    assert booking.language_label == "Panjabi (Mirpuri)"


def test_visits_and_calls_get_proposals_too(world: World) -> None:
    visit = world.visits.plan(
        world.fsw,
        VisitDraft(
            world.students["zofia"],
            "Bring the visual timetable",
            local(2025, 11, 24, 10),
            local(2025, 11, 24, 11, 30),
            world.staff["fsw"],
            world.staff["ta"],
        ),
    )
    (for_visit,) = world.interpreters.propose(world.fsw, visit_id=visit.id)
    assert for_visit.language == "POL" and for_visit.provider_kind is ProviderKind.AGENCY
    assert for_visit.duration_minutes == 90 and for_visit.start_time == dt.time(10, 0)
    (for_call,) = world.interpreters.propose(
        world.office, student_id=world.students["zofia"], day=dt.date(2025, 11, 21)
    )
    assert for_call.provider_kind is ProviderKind.TELEPHONE and for_call.purpose == "Phone call"
    assert world.interpreters.propose(world.office, student_id=world.students["tom"]) == []


def test_no_proposal_once_booked_and_none_for_carers_not_invited(world: World) -> None:
    meeting_id = review_for_ali(world)
    (proposal,) = world.interpreters.propose(world.senco, meeting_id=meeting_id)
    world.interpreters.request(world.senco, proposal)
    assert world.interpreters.propose(world.senco, meeting_id=meeting_id) == []
    only_staff = world.meetings.create(
        world.teacher,
        MeetingDraft(
            world.students["zofia"],
            MeetingType.INFORMAL,
            dt.date(2025, 11, 26),
            attendees=(AttendeeDraft(AttendeeKind.STAFF, staff_member_id=world.staff["teacher"]),),
        ),
    )
    # Nobody from the family chosen yet: everyone who might come is considered.
    assert len(world.interpreters.propose(world.teacher, meeting_id=only_staff.id)) == 1


def test_a_family_member_or_child_is_never_the_interpreter(world: World) -> None:
    (proposal,) = world.interpreters.propose(world.senco, meeting_id=review_for_ali(world))
    agency = replace(proposal, provider_kind=ProviderKind.AGENCY, staff_member_id=None)
    for name in ("Mr Imran Khan", "imran khan", "Ali Khan", "Mrs. Ayesha Khan"):
        with pytest.raises(ValidationError, match="must never interpret") as caught:
            world.interpreters.request(world.senco, replace(agency, interpreter_name=name))
        assert caught.value.field == "Interpreter"
    assert world.interpreters.for_student(world.senco, world.students["ali"]) == []


def test_a_member_of_staff_must_speak_the_language(world: World) -> None:
    (proposal,) = world.interpreters.propose(world.senco, meeting_id=review_for_ali(world))
    with pytest.raises(ValidationError, match="does not list Urdu"):
        world.interpreters.request(
            world.senco, replace(proposal, staff_member_id=world.staff["fsw"])
        )
    with pytest.raises(ValidationError, match="DfE language code"):
        world.interpreters.request(world.senco, replace(proposal, language="XX"))


def test_confirming_needs_a_name_and_records_the_date_and_cost(world: World) -> None:
    (proposal,) = world.interpreters.propose(world.senco, meeting_id=review_for_ali(world))
    agency = replace(
        proposal,
        provider_kind=ProviderKind.AGENCY,
        staff_member_id=None,
        interpreter_name="",
        provider_name="Kent Interpreting Service",
    )
    booking = world.interpreters.request(world.office, agency)
    assert booking.status is BookingStatus.REQUESTED and booking.requested_on == dt.date(
        2025, 11, 20
    )
    with pytest.raises(ValidationError, match="say who is coming"):
        world.interpreters.confirm(world.office, booking.id, booking.version, interpreter_name="")
    confirmed = world.interpreters.confirm(
        world.office,
        booking.id,
        booking.version,
        interpreter_name="Mrs Shazia Anwar",
        cost_pence=parse_money("Cost", "£52.50"),
    )
    assert confirmed.status is BookingStatus.CONFIRMED
    assert confirmed.confirmed_on == dt.date(2025, 11, 20) and confirmed.cost_pence == 5250
    with pytest.raises(ConflictError):
        world.interpreters.cancel(world.office, booking.id, booking.version)
    world.interpreters.cancel(world.office, confirmed.id, confirmed.version, "Family ill")
    cancelled = world.interpreters.get(world.office, booking.id)
    assert cancelled.status is BookingStatus.CANCELLED and "Family ill" in cancelled.notes
    with pytest.raises(KnownError, match="cancelled"):
        world.interpreters.confirm(
            world.office, cancelled.id, cancelled.version, interpreter_name="Mrs Shazia Anwar"
        )


@pytest.mark.parametrize(
    ("text", "pence"),
    [("45", 4500), ("£45.5", 4550), ("45.05", 4505), (" £1,200.00 ", 120000), ("", 0)],
)
def test_money_is_kept_in_pence(text: str, pence: int) -> None:
    assert parse_money("Cost", text) == pence


def test_money_that_is_not_money_is_refused() -> None:
    for bad in ("-5", "12.345", "ten pounds"):
        with pytest.raises(ValidationError, match="Cost"):
            parse_money("Cost", bad)
    assert format_money(120050) == "£1,200.50" and format_money(5) == "£0.05"


def test_the_office_list_groups_by_language_and_term_with_totals(world: World) -> None:
    def book(day: dt.date, language: str, cost: int, status: BookingStatus) -> None:
        booking = world.interpreters.request(
            world.office,
            BookingDraft(
                world.students["zofia"],
                language,
                ProviderKind.AGENCY,
                day,
                carer_id=world.carers["ewa"],
                provider_name="Language Partners Ltd",
                cost_pence=cost,
            ),
        )
        if status is BookingStatus.CONFIRMED:
            world.interpreters.confirm(
                world.office, booking.id, booking.version, interpreter_name="Mrs Anna Zając"
            )
        elif status is BookingStatus.CANCELLED:
            world.interpreters.cancel(world.office, booking.id, booking.version, "Late fee")

    book(dt.date(2025, 10, 1), "POL", 4500, BookingStatus.CONFIRMED)
    book(dt.date(2025, 11, 27), "POL", 6000, BookingStatus.REQUESTED)
    book(dt.date(2026, 1, 20), "POL", 4500, BookingStatus.CONFIRMED)
    book(dt.date(2026, 1, 21), "URD", 2500, BookingStatus.CANCELLED)
    book(dt.date(2025, 10, 29), "POL", 3000, BookingStatus.CONFIRMED)  # in half-term
    report = world.interpreters.report(world.office)
    assert report.first == dt.date(2025, 9, 1) and report.last == dt.date(2026, 8, 31)
    lines = [
        (r.language_label, r.term, r.bookings, r.confirmed, r.cost_pence) for r in report.lines
    ]
    assert lines == [
        ("Polish", "Autumn 2025/26", 3, 2, 13500),
        ("Polish", "Spring 2025/26", 1, 1, 4500),
        ("Urdu", "Spring 2025/26", 0, 0, 2500),
    ]
    assert report.by_language == (("Polish", 4, 18000), ("Urdu", 0, 2500))
    assert report.by_term == (("Autumn 2025/26", 3, 13500), ("Spring 2025/26", 1, 7000))
    assert (report.total_bookings, report.total_cost_pence) == (4, 20500)
    with pytest.raises(ValidationError, match="To"):
        world.interpreters.report(world.office, dt.date(2026, 1, 1), dt.date(2025, 1, 1))


def test_moving_a_visit_moves_its_booking(world: World) -> None:
    visit = world.visits.plan(
        world.fsw,
        VisitDraft(
            world.students["zofia"],
            "Bring the visual timetable",
            local(2025, 11, 24, 10),
            local(2025, 11, 24, 11),
            world.staff["fsw"],
            lone_working="Office rings at 11:15",
        ),
    )
    (proposal,) = world.interpreters.propose(world.fsw, visit_id=visit.id)
    world.interpreters.request(world.fsw, proposal)
    moved = world.visits.update(
        world.fsw,
        visit.id,
        visit.version,
        replace(
            visit.as_draft(),
            leaves_at=local(2025, 11, 25, 13, 30),
            expected_return=local(2025, 11, 25, 15),
        ),
    )
    (booking,) = moved.bookings
    assert (booking.day, booking.start_time, booking.duration_minutes) == (
        dt.date(2025, 11, 25),
        dt.time(13, 30),
        90,
    )


def test_online_meetings_propose_staff_or_telephone(world: World) -> None:
    meeting = world.meetings.create(
        world.teacher,
        MeetingDraft(
            world.students["zofia"], MeetingType.INFORMAL, dt.date(2025, 11, 26), place=Place.ONLINE
        ),
    )
    (proposal,) = world.interpreters.propose(world.teacher, meeting_id=meeting.id)
    assert proposal.provider_kind is ProviderKind.TELEPHONE
