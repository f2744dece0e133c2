"""Home visits: planning with a second member of staff or a lone-working arrangement,
checking out and in, overdue visits shown until checked in or closed, restricted notes."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from hsp_desktop.errors import ConflictError, KnownError, PermissionDenied, ValidationError
from hsp_desktop.model import AuditEntry
from hsp_desktop.services.caseload import ActionDraft
from hsp_desktop.services.meetings import BookingsNeedDecision
from hsp_desktop.services.visits import VisitDraft, VisitStatus
from hsp_desktop.store import Database
from tests.services.casework_world import World, build_world, local


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


def plan(world: World, **changes: object) -> VisitDraft:
    values: dict[str, object] = {
        "student_id": world.students["ali"],
        "purpose": "Help with the DLA form",
        "leaves_at": local(2025, 11, 20, 13, 0),
        "expected_return": local(2025, 11, 20, 14, 30),
        "lead_staff_id": world.staff["fsw"],
        "lone_working": "Office rings at 14:30; code word 'blue folder'",
        "household_id": world.households["khan"],
    }
    values.update(changes)
    return VisitDraft(**values)  # type: ignore[arg-type]


def test_a_visit_overdue_without_check_in_is_shown_until_check_in(world: World) -> None:
    visit = world.visits.plan(world.fsw, plan(world))
    assert visit.address == "14 Elm Grove, Sevenoaks, TN13 1AB"
    world.set_today(2025, 11, 20, 13, 2)
    out = world.visits.check_out(world.fsw, visit.id, visit.version)
    assert out.checked_out_at == local(2025, 11, 20, 13, 2).astimezone(dt.UTC)
    world.set_today(2025, 11, 20, 14, 30)
    assert world.visits.overdue(world.office) == []  # due back now, not late yet
    world.set_today(2025, 11, 20, 14, 46)
    (late,) = world.visits.overdue(world.office)
    assert late.id == visit.id and late.minutes_late == 16 and late.lone
    assert "Ms Amina Yusuf should have been back" in late.message
    assert world.visits.get(world.office, visit.id).overdue
    world.set_today(2025, 11, 20, 15, 0)
    done = world.visits.check_in(world.office, out.id, out.version)
    assert done.status is VisitStatus.DONE and not done.overdue
    assert world.visits.overdue(world.office) == []


def test_the_office_can_close_an_alert_after_making_sure(world: World) -> None:
    visit = world.visits.plan(world.fsw, plan(world))
    out = world.visits.check_out(world.fsw, visit.id, visit.version)
    world.set_today(2025, 11, 20, 15, 0)
    with pytest.raises(ValidationError, match="What was done"):
        world.visits.close_alert(world.office, out.id, out.version, "")
    closed = world.visits.close_alert(
        world.office, out.id, out.version, "Rang Amina: running late, all fine"
    )
    assert closed.alert_closed_by == "Mrs Priya Shah" and not closed.overdue
    assert world.visits.overdue(world.office) == []
    with pytest.raises(KnownError, match="not overdue"):
        world.visits.close_alert(world.office, closed.id, closed.version, "again")


def test_a_visit_never_checked_out_is_overdue_too(world: World) -> None:
    world.visits.plan(world.fsw, plan(world))
    world.set_today(2025, 11, 20, 15, 0)
    (late,) = world.visits.overdue(world.office)
    assert late.checked_out_at is None and "never checked out" in late.message


def test_check_in_before_check_out_is_refused(world: World) -> None:
    visit = world.visits.plan(world.fsw, plan(world))
    world.set_today(2025, 11, 20, 13, 10)
    out = world.visits.check_out(world.fsw, visit.id, visit.version)
    with pytest.raises(ValidationError, match="before the check-out at 20/11/2025 13:10") as caught:
        world.visits.check_in(world.fsw, out.id, out.version, at=local(2025, 11, 20, 13, 5))
    assert caught.value.field == "Checked in at"
    with pytest.raises(ValidationError, match="in the future"):
        world.visits.check_in(world.fsw, out.id, out.version, at=local(2025, 11, 20, 16, 0))
    assert world.visits.get(world.fsw, out.id).status is VisitStatus.PLANNED
    with pytest.raises(KnownError, match="Already checked out"):
        world.visits.check_out(world.fsw, out.id, out.version)


def test_planning_refuses_what_cannot_be(world: World) -> None:
    cases = {
        "in the past": plan(
            world,
            leaves_at=local(2025, 11, 19, 10),
            expected_return=local(2025, 11, 19, 11),
        ),
        "must be after the time of leaving": plan(
            world, expected_return=local(2025, 11, 20, 12, 0)
        ),
        "needs a lone-working arrangement": plan(world, lone_working=""),
        "must be someone else": plan(world, second_staff_id=world.staff["fsw"]),
        "not the home of a carer": plan(world, household_id=world.households["smith"]),
        "choose who goes": plan(world, lead_staff_id=None),
        "more than 12 hours": plan(world, expected_return=local(2025, 11, 21, 9)),
    }
    for reason, bad in cases.items():
        with pytest.raises(ValidationError, match=reason):
            world.visits.plan(world.fsw, bad)
    with_second = world.visits.plan(
        world.fsw, plan(world, second_staff_id=world.staff["ta"], lone_working="")
    )
    assert with_second.staff == "Ms Amina Yusuf and Mrs Kate Webb"
    assert len(world.visits.for_student(world.fsw, world.students["ali"])) == 1


def test_outcome_notes_are_restricted(world: World) -> None:
    visit = world.visits.plan(world.fsw, plan(world))
    world.set_today(2025, 11, 20, 14, 20)
    done = world.visits.check_in(
        world.fsw, visit.id, visit.version, outcome_notes="Mum worried about housing."
    )
    assert done.outcome_notes == "Mum worried about housing."
    seen_by_office = world.visits.get(world.office, visit.id)
    assert seen_by_office.notes_hidden and seen_by_office.outcome_notes == ""
    assert world.visits.get(world.senco, visit.id).outcome_notes == "Mum worried about housing."
    with pytest.raises(PermissionDenied):
        world.visits.record_outcome(world.office, done.id, done.version, "x")
    with world.db.read() as s:
        texts = [
            str(e.after) + str(e.before) + e.summary
            for e in s.scalars(select(AuditEntry).where(AuditEntry.entity == "home_visit"))
        ]
    assert not any("housing" in t for t in texts)


def test_only_family_support_and_senior_roles_plan_visits(world: World) -> None:
    with pytest.raises(PermissionDenied):
        world.visits.plan(world.office, plan(world))
    with pytest.raises(PermissionDenied):
        world.visits.plan(world.teacher, plan(world))
    assert world.visits.plan(world.senco, plan(world)).lead_name == "Ms Amina Yusuf"


def test_conflicting_edits_and_cancelling_with_a_booking(world: World) -> None:
    visit = world.visits.plan(world.fsw, plan(world))
    world.visits.update(world.fsw, visit.id, visit.version, replace(plan(world), purpose="Other"))
    with pytest.raises(ConflictError):
        world.visits.update(world.senco, visit.id, visit.version, plan(world))
    current = world.visits.get(world.fsw, visit.id)
    (proposal,) = world.interpreters.propose(world.fsw, visit_id=visit.id)
    world.interpreters.request(world.fsw, proposal)
    with pytest.raises(BookingsNeedDecision):
        world.visits.cancel(world.fsw, current.id, current.version)
    cancelled = world.visits.cancel(world.fsw, current.id, current.version, cancel_bookings=True)
    assert cancelled.status is VisitStatus.CANCELLED
    assert cancelled.bookings[0].status.value == "cancelled"


def test_actions_from_a_visit_have_owners_and_due_dates(world: World) -> None:
    visit = world.visits.plan(world.fsw, plan(world))
    with pytest.raises(ValidationError, match="Owner"):
        world.caseload.add_action(
            world.fsw,
            ActionDraft(
                world.students["ali"], "Chase DLA", None, dt.date(2025, 12, 1), None, visit.id
            ),
        )
    action = world.caseload.add_action(
        world.fsw,
        ActionDraft(
            world.students["ali"],
            "Chase DLA",
            world.staff["fsw"],
            dt.date(2025, 12, 1),
            visit_id=visit.id,
        ),
    )
    assert action.source == "Home visit" and action.owner_name == "Ms Amina Yusuf"
    assert world.visits.get(world.fsw, visit.id).actions == (action,)
    with pytest.raises(ValidationError, match="belongs to another student"):
        world.caseload.add_action(
            world.fsw,
            ActionDraft(
                world.students["zofia"],
                "x",
                world.staff["fsw"],
                dt.date(2025, 12, 1),
                None,
                visit.id,
            ),
        )


def test_planned_and_between_lists(world: World) -> None:
    first = world.visits.plan(world.fsw, plan(world))
    world.visits.plan(
        world.fsw,
        plan(
            world,
            student_id=world.students["zofia"],
            household_id=world.households["nowak"],
            leaves_at=local(2025, 11, 25, 9),
            expected_return=local(2025, 11, 25, 10),
        ),
    )
    planned = world.visits.planned(world.office)
    assert [v.student_name for v in planned] == ["Ali Khan", "Zofia Nowak"]
    assert planned[0].state == "Planned"
    world.visits.check_out(world.fsw, first.id, first.version)
    assert world.visits.planned(world.office)[0].state == "Out now"
    week = world.visits.between(
        world.fsw, local(2025, 11, 24, 0), local(2025, 12, 1, 0), staff_id=world.staff["fsw"]
    )
    assert [v.student_name for v in week] == ["Zofia Nowak"]
