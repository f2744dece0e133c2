"""Meetings: the kinds, who is invited and came, bad input refused with its reason, and what
happens to interpreter bookings when a meeting moves, is cancelled or deleted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from hsp_desktop.errors import ConflictError, PermissionDenied, ValidationError
from hsp_desktop.model import AuditEntry, ContactRecord, InterpreterBooking
from hsp_desktop.model.contacts import Channel
from hsp_desktop.services.actor import Actor
from hsp_desktop.services.caseload import ActionDraft
from hsp_desktop.services.interpreters import BookingStatus
from hsp_desktop.services.meetings import (
    AttendeeDraft,
    AttendeeKind,
    BookingsNeedDecision,
    MeetingDraft,
    MeetingStatus,
    MeetingType,
    Place,
    ReviewNeedsConfirmation,
)
from hsp_desktop.store import Database
from tests.documents.conftest import pdf_text
from tests.services.casework_world import World, build_world


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


def draft(world: World, **changes: object) -> MeetingDraft:
    values: dict[str, object] = {
        "student_id": world.students["zofia"],
        "kind": MeetingType.INFORMAL,
        "day": dt.date(2025, 11, 27),
        "start_time": dt.time(15, 30),
        "place_detail": "Family room",
        "purpose": "Settling into Year 10",
        "attendees": (
            AttendeeDraft(AttendeeKind.STAFF, staff_member_id=world.staff["teacher"]),
            AttendeeDraft(AttendeeKind.CARER, carer_id=world.carers["ewa"]),
            AttendeeDraft(AttendeeKind.PROFESSIONAL, name="Ms Helen Tate", role="SALT, NHS"),
        ),
    }
    values.update(changes)
    return MeetingDraft(**values)  # type: ignore[arg-type]


def test_every_kind_of_meeting_can_be_planned_and_listed(world: World) -> None:
    for number, kind in enumerate(MeetingType):
        world.meetings.create(
            world.teacher,
            draft(world, kind=kind, day=dt.date(2025, 12, 1) + dt.timedelta(days=number)),
            confirmed=True,
        )
    rows = world.meetings.between(world.teacher, dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert [r.kind for r in rows] == list(MeetingType)
    assert all(r.staff == "Mr Tom Hughes" for r in rows)
    assert rows[0].where == "At school: Family room"
    assert world.meetings.for_student(world.teacher, world.students["ali"]) == []


def test_a_meeting_keeps_its_people_outcome_and_actions(world: World) -> None:
    planned = world.meetings.create(world.teacher, draft(world))
    assert [a.name for a in planned.attendees] == [
        "Mr Tom Hughes",
        "Mrs Ewa Nowak",
        "Ms Helen Tate",
    ]
    assert planned.attendees[1].role == "Mother"
    world.set_today(2025, 11, 27, 17)
    people = tuple(
        AttendeeDraft(a.kind, a.staff_member_id, a.carer_id, a.name, a.role, a.invited, True)
        for a in planned.attendees
    )
    held = world.meetings.update(
        world.teacher,
        planned.id,
        planned.version,
        draft(
            world,
            status=MeetingStatus.HELD,
            outcome_notes="Zofia is settling well.\nMum will try the visual timetable at home.",
            attendees=people,
        ),
    )
    assert held.status is MeetingStatus.HELD and held.version == planned.version + 1
    assert all(a.attended for a in held.attendees)
    assert held.outcome_notes.splitlines()[1] == "Mum will try the visual timetable at home."
    action = world.caseload.add_action(
        world.teacher,
        ActionDraft(
            world.students["zofia"],
            "Send the visual timetable home",
            world.staff["teacher"],
            dt.date(2025, 12, 1),
            meeting_id=held.id,
        ),
    )
    assert world.meetings.get(world.teacher, held.id).actions == (action,)
    with world.db.read() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "meeting", AuditEntry.action == "update")
        ).one()
        assert entry.after is not None and entry.after["status"] == "held"


def test_a_planned_meeting_before_today_is_refused_with_the_reason(world: World) -> None:
    with pytest.raises(ValidationError, match="in the past: a planned meeting") as caught:
        world.meetings.create(world.teacher, draft(world, day=dt.date(2025, 11, 19)))
    assert caught.value.field == "Date"
    held = world.meetings.create(
        world.teacher, draft(world, day=dt.date(2025, 11, 19), status=MeetingStatus.HELD)
    )
    assert held.status is MeetingStatus.HELD
    with pytest.raises(ValidationError, match="cannot be held yet"):
        world.meetings.create(
            world.teacher, draft(world, day=dt.date(2025, 11, 21), status=MeetingStatus.HELD)
        )
    assert world.meetings.for_student(world.teacher, world.students["zofia"])[0].id == held.id


def test_a_planned_meeting_whose_day_has_passed_can_still_be_edited(world: World) -> None:
    planned = world.meetings.create(world.teacher, draft(world))
    world.set_today(2025, 12, 2)
    updated = world.meetings.update(
        world.teacher, planned.id, planned.version, draft(world, purpose="Moved rooms")
    )
    assert updated.purpose == "Moved rooms"
    with pytest.raises(ValidationError, match="Date"):
        world.meetings.update(
            world.teacher, updated.id, updated.version, draft(world, day=dt.date(2025, 11, 28))
        )


def test_a_review_more_than_twelve_months_after_the_last_asks_first(world: World) -> None:
    # Ali's last review was 25 Nov 2024: a review on 1 Dec 2025 is late.
    late = draft(
        world,
        student_id=world.students["ali"],
        kind=MeetingType.ANNUAL_REVIEW,
        day=dt.date(2025, 12, 1),
        attendees=(),
    )
    with pytest.raises(ReviewNeedsConfirmation) as caught:
        world.meetings.create(world.senco, late)
    assert "more than 12 months after the last review (25/11/2024)" in caught.value.reasons[0]
    assert world.meetings.for_student(world.senco, world.students["ali"]) == []
    saved = world.meetings.create(world.senco, late, confirmed=True)
    assert saved.warnings and "due by 25/11/2025" in saved.warnings[0]


def test_restricted_carers_are_never_invited(world: World) -> None:
    with pytest.raises(ValidationError, match=r"Court order.*does not invite them"):
        world.meetings.create(
            world.teacher,
            draft(
                world,
                student_id=world.students["ali"],
                attendees=(AttendeeDraft(AttendeeKind.CARER, carer_id=world.carers["imran"]),),
            ),
        )
    with pytest.raises(ValidationError, match="not a parent or carer of this student"):
        world.meetings.create(
            world.teacher,
            draft(
                world,
                attendees=(AttendeeDraft(AttendeeKind.CARER, carer_id=world.carers["karen"]),),
            ),
        )
    with pytest.raises(ValidationError, match="Professional 1"):
        world.meetings.create(
            world.teacher, draft(world, attendees=(AttendeeDraft(AttendeeKind.PROFESSIONAL),))
        )


def test_conflicting_edits_from_two_computers(world: World) -> None:
    planned = world.meetings.create(world.teacher, draft(world))
    world.meetings.update(
        world.senco, planned.id, planned.version, draft(world, place=Place.ONLINE)
    )
    with pytest.raises(ConflictError) as caught:
        world.meetings.update(
            world.teacher, planned.id, planned.version, draft(world, purpose="Mine")
        )
    assert caught.value.theirs["place"] == "online"
    assert world.meetings.get(world.teacher, planned.id).purpose == "Settling into Year 10"


def test_changing_only_the_people_bumps_the_version(world: World) -> None:
    planned = world.meetings.create(world.teacher, draft(world))
    fewer = world.meetings.update(
        world.teacher,
        planned.id,
        planned.version,
        draft(world, attendees=planned.as_draft().attendees[:2]),
    )
    assert fewer.version == planned.version + 1 and len(fewer.attendees) == 2
    with pytest.raises(ConflictError):
        world.meetings.update(world.senco, planned.id, planned.version, draft(world))


def test_roles_without_meetings_cannot_plan_them(world: World) -> None:
    with pytest.raises(PermissionDenied):
        world.meetings.create(world.reader, draft(world))


def test_deleting_a_meeting_with_a_confirmed_interpreter_asks_about_the_booking(
    world: World,
) -> None:
    meeting = world.meetings.create(world.teacher, draft(world))
    (proposal,) = world.interpreters.propose(world.teacher, meeting_id=meeting.id)
    booking = world.interpreters.request(world.office, proposal)
    world.interpreters.confirm(
        world.office,
        booking.id,
        booking.version,
        interpreter_name="Mrs Anna Zając",
        provider_name="Language Partners Ltd",
    )
    with pytest.raises(BookingsNeedDecision) as caught:
        world.meetings.delete(world.teacher, meeting.id, meeting.version)
    assert "Polish: Mrs Anna Zając, Language Partners Ltd (confirmed)" in caught.value.message
    assert world.meetings.get(world.teacher, meeting.id).id == meeting.id  # nothing deleted
    world.meetings.delete(world.teacher, meeting.id, meeting.version, cancel_bookings=True)
    assert world.meetings.for_student(world.teacher, world.students["zofia"]) == []
    kept = world.interpreters.get(world.office, booking.id)
    assert kept.status is BookingStatus.CANCELLED and kept.meeting_id is None
    assert kept.cancelled_on == dt.date(2025, 11, 20)
    assert "meeting deleted" in kept.purpose


def test_deleting_but_keeping_the_booking(world: World) -> None:
    meeting = world.meetings.create(world.teacher, draft(world))
    (proposal,) = world.interpreters.propose(world.teacher, meeting_id=meeting.id)
    booking = world.interpreters.request(world.office, proposal)
    world.meetings.delete(world.teacher, meeting.id, meeting.version, cancel_bookings=False)
    with world.db.read() as s:
        row = s.get(InterpreterBooking, booking.id)
        assert row is not None and row.status is BookingStatus.REQUESTED


def test_cancelling_a_meeting_asks_too_and_a_held_one_cannot_be_cancelled(world: World) -> None:
    meeting = world.meetings.create(world.teacher, draft(world))
    (proposal,) = world.interpreters.propose(world.teacher, meeting_id=meeting.id)
    world.interpreters.request(world.office, proposal)
    with pytest.raises(BookingsNeedDecision):
        world.meetings.cancel(world.teacher, meeting.id, meeting.version)
    cancelled = world.meetings.cancel(
        world.teacher, meeting.id, meeting.version, cancel_bookings=True
    )
    assert cancelled.status is MeetingStatus.CANCELLED
    assert [b.status for b in cancelled.bookings] == [BookingStatus.CANCELLED]
    assert world.meetings.upcoming(world.teacher) == []


def test_moving_a_meeting_moves_its_interpreter_and_asks_for_confirmation_again(
    world: World,
) -> None:
    meeting = world.meetings.create(world.teacher, draft(world))
    (proposal,) = world.interpreters.propose(world.teacher, meeting_id=meeting.id)
    booking = world.interpreters.request(world.office, proposal)
    world.interpreters.confirm(
        world.office, booking.id, booking.version, interpreter_name="Mrs Anna Zając"
    )
    moved = world.meetings.update(
        world.teacher, meeting.id, meeting.version, draft(world, day=dt.date(2025, 12, 3))
    )
    (again,) = moved.bookings
    assert again.day == dt.date(2025, 12, 3) and again.status is BookingStatus.REQUESTED
    assert "confirm the new time" in moved.warnings[0]
    assert moved.interpreter_missing == ("Mrs Ewa Nowak: Polish (requested, not confirmed)",)


def test_papers_are_ticked_off_with_sane_dates(world: World) -> None:
    review = world.meetings.create(
        world.senco,
        draft(world, kind=MeetingType.ANNUAL_REVIEW, day=dt.date(2025, 12, 8), attendees=()),
    )
    with pytest.raises(ValidationError, match="in the future"):
        world.meetings.record_paper(
            world.senco, review.id, review.version, "invitations", dt.date(2025, 11, 21)
        )
    with pytest.raises(ValidationError, match="cannot be before the meeting"):
        world.meetings.record_paper(
            world.senco, review.id, review.version, "report", dt.date(2025, 11, 20)
        )
    ticked = world.meetings.record_paper(
        world.senco, review.id, review.version, "invitations", dt.date(2025, 11, 20)
    )
    assert ticked.invitations_sent_on == dt.date(2025, 11, 20)
    assert ticked.steps[0].describe == "Done 20/11/2025"


def test_a_teacher_sees_only_the_meetings_of_their_classes(world: World) -> None:
    world.meetings.create(world.teacher, draft(world))
    # The family support worker sees every class; a teacher with no class sees none.
    assert len(world.meetings.upcoming(world.fsw)) == 1
    assert len(world.meetings.upcoming(world.teacher)) == 1
    stranger = Actor(None, "supply", "Supply teacher", world.teacher.role, world.staff["ta"])
    assert world.meetings.upcoming(stranger) == []


def test_invitations_go_one_per_household_in_the_familys_language_and_are_logged(
    world: World, tmp_path: Path
) -> None:
    review = world.meetings.create(
        world.senco,
        draft(
            world,
            student_id=world.students["ali"],
            kind=MeetingType.ANNUAL_REVIEW,
            day=dt.date(2025, 12, 8),
            start_time=dt.time(13, 30),
            place_detail="Meeting room",
            attendees=(
                AttendeeDraft(AttendeeKind.STAFF, staff_member_id=world.staff["senco"]),
                AttendeeDraft(AttendeeKind.CARER, carer_id=world.carers["ayesha"]),
            ),
        ),
        confirmed=True,
    )
    (proposal,) = world.interpreters.propose(world.senco, meeting_id=review.id)
    world.interpreters.request(world.office, proposal)
    sent = world.meetings.send_invitations(world.senco, review.id, review.version)
    (copy,) = sent.copies  # the father has a court order: no letter to him
    assert copy.addressed_to == "Mrs Khan" and copy.carer_ids == (world.carers["ayesha"],)
    assert copy.language == "URD" and copy.interpreter_booked
    text = pdf_text(sent.pdf, tmp_path)
    assert "08/12/2025" in text or "2025" in text
    assert "Ali" in text
    assert sent.meeting.invitations_sent_on == dt.date(2025, 11, 20)
    assert sent.meeting.steps[0].state.value == "done"
    with world.db.read() as s:
        (logged,) = s.scalars(select(ContactRecord)).all()
        assert logged.channel is Channel.LETTER and logged.student_id == world.students["ali"]
        assert "Invitation to the annual review (ehcp) on 08/12/2025" in logged.summary
        assert [c.carer_id for c in logged.carers] == [world.carers["ayesha"]]
    with pytest.raises(ConflictError):
        world.meetings.send_invitations(world.senco, review.id, review.version)


def test_an_english_family_gets_an_english_meeting_invitation(world: World, tmp_path: Path) -> None:
    meeting = world.meetings.create(
        world.teacher,
        draft(
            world,
            student_id=world.students["tom"],
            attendees=(AttendeeDraft(AttendeeKind.CARER, carer_id=world.carers["karen"]),),
        ),
    )
    sent = world.meetings.send_invitations(world.teacher, meeting.id, meeting.version)
    (copy,) = sent.copies
    assert (copy.language, copy.bilingual, copy.interpreter_booked) == ("ENG", False, False)
    text = pdf_text(sent.pdf, tmp_path)
    assert "Dear Mrs Smith" in text and "Settling into Year 10" in text
    assert "If you would like an interpreter" in text
    assert sent.meeting.invitations_sent_on is None  # only reviews track it
