"""Logging contacts: the checks on bad input, restricted entries, follow-ups, absence calls."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from hsp_desktop.errors import ConflictError, KnownError, PermissionDenied, ValidationError
from hsp_desktop.model import AuditEntry
from hsp_desktop.model.enums import Role
from hsp_desktop.services.actor import Actor
from hsp_desktop.services.contacts import (
    Channel,
    ContactDraft,
    Direction,
    FollowUpDraft,
    InterpreterKind,
    NeedsConfirmation,
    Outcome,
    Purpose,
    Tone,
)
from hsp_desktop.store import Database
from tests.services.contacts_world import World, build_world, local


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


def draft(world: World, **changes: object) -> ContactDraft:
    values: dict[str, object] = {
        "student_id": world.students["ali"],
        "at": local(2025, 11, 19, 15, 30),
        "channel": Channel.PHONE,
        "direction": Direction.TO_HOME,
        "purpose": Purpose.TERMLY,
        "tone": Tone.POSITIVE,
        "outcome": Outcome.SPOKE,
        "carer_ids": (world.carers["ayesha"],),
    }
    values.update(changes)
    return ContactDraft(**values)  # type: ignore[arg-type]


def test_long_summaries_and_any_script_are_kept_exactly(world: World) -> None:
    urdu = "آج علی نے بہت اچھا کام کیا۔ "
    polish = "Zofia świetnie sobie radziła; pani Wiśniewska była zadowolona. "
    summary = ((urdu + polish) * 200)[:10_000].strip()
    assert len(summary) >= 9_990
    saved = world.contacts.log(
        world.teacher,
        draft(
            world,
            summary=summary,
            interpreter=InterpreterKind.STAFF,
            interpreter_staff_id=world.staff["fsw"],
            interpreter_language="urd",
        ),
    )
    again = world.contacts.get(world.teacher, saved.id)
    assert again.summary == summary
    assert again.interpreter_name == "Ms Amina Yusuf" and again.interpreter_language == "URD"
    assert again.staff_name == "Ms Rachel Morris"  # the signed-in teacher by default
    assert world.contacts.rows(world.teacher, [saved.id])[saved.id].summary == summary


def test_a_contact_in_the_future_or_before_admission_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="in the future") as caught:
        world.contacts.log(world.teacher, draft(world, at=local(2025, 11, 21, 9)))
    assert caught.value.field == "Date and time"
    with pytest.raises(ValidationError, match="before Nia New was admitted"):
        world.contacts.log(
            world.teacher,
            draft(
                world,
                student_id=world.students["nia"],
                carer_ids=(world.carers["nia_mum"],),
                at=local(2025, 11, 7),
            ),
        )
    with world.db.read() as s:
        assert (
            s.scalars(select(AuditEntry.entity).where(AuditEntry.entity == "contact_record")).all()
            == []
        )


def test_outside_any_term_asks_first_then_logs_with_a_warning(world: World) -> None:
    half_term_saturday = draft(world, at=local(2025, 8, 30, 11))
    with pytest.raises(NeedsConfirmation, match="outside every term"):
        world.contacts.log(world.teacher, half_term_saturday)
    saved = world.contacts.log(world.teacher, half_term_saturday, confirmed=True)
    assert saved.warnings and "outside every term" in saved.warnings[0]


def test_whom_was_spoken_to_and_who_interpreted_are_checked(world: World) -> None:
    with pytest.raises(ValidationError, match="choose whom you spoke to"):
        world.contacts.log(world.teacher, draft(world, carer_ids=()))
    with pytest.raises(ValidationError, match="not linked"):
        world.contacts.log(world.teacher, draft(world, carer_ids=(world.carers["ewa"],)))
    with pytest.raises(ValidationError, match="member of staff who interpreted"):
        world.contacts.log(world.teacher, draft(world, interpreter=InterpreterKind.STAFF))
    # An attempt needs nobody named; a telephone interpreting service needs no staff member.
    world.contacts.log(world.teacher, draft(world, carer_ids=(), outcome=Outcome.NO_ANSWER))
    world.contacts.log(
        world.teacher,
        draft(world, interpreter=InterpreterKind.TELEPHONE, interpreter_name="LanguageLine"),
    )
    # There is no kind of interpreter for a child or a relative.
    assert {k.value for k in InterpreterKind} == {"none", "staff", "agency", "telephone"}


def test_editing_a_contact_someone_else_changed_raises_a_conflict(world: World) -> None:
    saved = world.contacts.log(world.teacher, draft(world, summary="First"))
    world.contacts.update(world.fsw, saved.id, saved.version, draft(world, summary="Theirs"))
    with pytest.raises(ConflictError) as caught:
        world.contacts.update(world.teacher, saved.id, saved.version, draft(world, summary="Mine"))
    assert caught.value.theirs["summary"] == "Theirs"
    assert world.contacts.get(world.teacher, saved.id).summary == "Theirs"
    # Changing only who was spoken to is a change too.
    current = world.contacts.get(world.teacher, saved.id)
    changed = world.contacts.update(
        world.teacher,
        saved.id,
        current.version,
        draft(world, summary="Theirs", carer_ids=(world.carers["imran"],)),
    )
    assert changed.version == current.version + 1
    assert changed.carer_names == ("Imran Khan",)


def test_restricted_entries_are_hidden_from_roles_not_allowed(world: World) -> None:
    saved = world.contacts.log(world.fsw, draft(world, restricted=True, summary="Sensitive"))
    row = world.contacts.rows(world.other_teacher, [saved.id])[saved.id]
    assert row.hidden and "Sensitive" not in row.summary and row.carers == ""
    with pytest.raises(KnownError, match="restricted"):
        world.contacts.get(world.other_teacher, saved.id)
    assert world.contacts.get(world.fsw, saved.id).summary == "Sensitive"
    readonly = Actor(None, "gov", "Governor", Role.READ_ONLY)
    with pytest.raises(PermissionDenied):
        world.contacts.log(readonly, draft(world))


def test_a_follow_up_lands_on_its_owners_list_and_is_done_or_passed_on(world: World) -> None:
    saved = world.contacts.log(
        world.teacher,
        draft(
            world,
            tone=Tone.CONCERN,
            followup=FollowUpDraft(
                "Ring back on Monday", world.staff["teacher"], dt.date(2025, 11, 24)
            ),
        ),
    )
    (action,) = world.followups.for_owner(world.teacher)
    assert action.contact_id == saved.id and action.due_date == dt.date(2025, 11, 24)
    assert action.student_name == "Ali Khan" and not action.overdue
    moved = world.followups.reassign(world.teacher, action.id, action.version, world.staff["fsw"])
    assert world.followups.for_owner(world.teacher) == []
    assert [a.id for a in world.followups.for_owner(world.fsw)] == [moved.id]
    with pytest.raises(ConflictError):
        world.followups.complete(world.fsw, action.id, action.version)
    done = world.followups.complete(world.fsw, moved.id, moved.version, "Spoke to mum")
    assert done.status == "done" and world.followups.for_owner(world.fsw) == []
    assert len(world.followups.for_owner(world.fsw, include_done=True)) == 1
    with pytest.raises(ValidationError, match="cannot be before the contact"):
        world.contacts.log(
            world.teacher,
            draft(world, followup=FollowUpDraft("x", world.staff["teacher"], dt.date(2025, 11, 1))),
        )
    world.clock.now = dt.datetime(2025, 11, 25, 9, tzinfo=dt.UTC)
    late = world.followups.add(
        world.teacher,
        world.students["ali"],
        world.staff["teacher"],
        "Send the book",
        dt.date(2025, 11, 24),
    )
    assert late.overdue


def test_absence_calls_are_listed_for_the_day(world: World) -> None:
    world.contacts.record_attendance_call(
        world.teacher,
        world.students["ali"],
        carer_id=world.carers["ayesha"],
        outcome=Outcome.SPOKE,
        reason_given="Temperature; will be back tomorrow",
        at=local(2025, 11, 20, 9, 20),
    )
    world.contacts.record_attendance_call(
        world.teacher,
        world.students["zofia"],
        carer_id=world.carers["ewa"],
        outcome=Outcome.NO_ANSWER,
        at=local(2025, 11, 20, 9, 25),
    )
    calls = world.contacts.attendance_calls(world.teacher, dt.date(2025, 11, 20))
    assert [(c.student_name, c.outcome, c.reason_given) for c in calls] == [
        ("Ali Khan", Outcome.SPOKE, "Temperature; will be back tomorrow"),
        ("Zofia Wiśniewska", Outcome.NO_ANSWER, ""),
    ]
    assert world.contacts.attendance_calls(world.teacher, dt.date(2025, 11, 19)) == []
    with pytest.raises(ValidationError, match="only be recorded when someone was reached"):
        world.contacts.record_attendance_call(
            world.teacher,
            world.students["sam"],
            carer_id=world.carers["karen"],
            outcome=Outcome.NO_ANSWER,
            reason_given="?",
            at=local(2025, 11, 20, 9, 30),
        )
    # The call is in the contact log too, as an attendance contact.
    ids = world.contacts.ids(world.teacher, student_id=world.students["ali"])
    assert world.contacts.rows(world.teacher, ids)[ids[0]].purpose is Purpose.ATTENDANCE
