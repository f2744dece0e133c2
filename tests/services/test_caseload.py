"""The family support caseload: open and closed families, last contact, open actions and the
next visit in one list."""

from __future__ import annotations

import datetime as dt

import pytest

from hsp_desktop.errors import ConflictError, KnownError, PermissionDenied, ValidationError
from hsp_desktop.model import ContactRecord, FollowUpAction
from hsp_desktop.model.contacts import Channel, Direction, Outcome, Purpose, Tone
from hsp_desktop.services.caseload import ActionDraft, CaseStatus
from hsp_desktop.services.meetings import MeetingDraft, MeetingStatus, MeetingType
from hsp_desktop.services.visits import VisitDraft
from hsp_desktop.store import Database
from tests.services.casework_world import World, build_world, local


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


def test_the_caseload_brings_everything_about_a_family_together(world: World) -> None:
    ali = world.caseload.open_case(
        world.fsw, world.students["ali"], "Housing problems", opened_on=dt.date(2025, 9, 10)
    )
    zofia = world.caseload.open_case(world.fsw, world.students["zofia"], "Benefits forms")
    # Last contact: a phone call on 3 Nov, a meeting held on 18 Nov, a visit done on 10 Nov.
    with world.db.transaction() as s:
        s.add(
            ContactRecord(
                student_id=world.students["ali"],
                at=local(2025, 11, 3, 16),
                channel=Channel.PHONE,
                direction=Direction.TO_HOME,
                purpose=Purpose.TERMLY,
                tone=Tone.POSITIVE,
                outcome=Outcome.SPOKE,
            )
        )
        s.add(
            FollowUpAction(
                student_id=world.students["ali"],
                owner_id=world.staff["teacher"],
                description="Send the certificate home",
                due_date=dt.date(2025, 11, 10),
            )
        )
    world.meetings.create(
        world.fsw,
        MeetingDraft(
            world.students["zofia"],
            MeetingType.INFORMAL,
            dt.date(2025, 11, 18),
            status=MeetingStatus.HELD,
        ),
    )
    visit = world.visits.plan(
        world.fsw,
        VisitDraft(
            world.students["ali"],
            "Check on the new flat",
            local(2025, 11, 27, 10),
            local(2025, 11, 27, 11),
            world.staff["fsw"],
            lone_working="Office rings at 11:00",
        ),
    )
    world.caseload.add_action(
        world.fsw,
        ActionDraft(
            world.students["ali"], "Ring the council", world.staff["fsw"], dt.date(2025, 11, 25)
        ),
    )
    rows = {r.student_name: r for r in world.caseload.caseload(world.fsw)}
    assert set(rows) == {"Ali Khan", "Zofia Nowak"}
    khan = rows["Ali Khan"]
    assert khan.carers == "Mrs Khan"  # the father with a court order is not listed
    assert khan.language == "Urdu, interpreter"
    assert (khan.last_contact, khan.last_contact_how) == (dt.date(2025, 11, 3), "Phone")
    assert (khan.open_actions, khan.overdue_actions) == (2, 1)
    assert khan.next_visit == visit.leaves_at
    nowak = rows["Zofia Nowak"]
    assert (nowak.last_contact, nowak.last_contact_how) == (dt.date(2025, 11, 18), "Meeting")
    assert nowak.next_visit is None and nowak.opened_on == dt.date(2025, 11, 20)
    # The family with overdue actions comes first.
    assert world.caseload.caseload(world.fsw)[0].student_name == "Ali Khan"
    closed = world.caseload.close_case(world.fsw, zofia.id, zofia.version, "Forms done")
    assert closed.status is CaseStatus.CLOSED
    assert [r.student_name for r in world.caseload.caseload(world.fsw, include_closed=False)] == [
        "Ali Khan"
    ]
    assert world.caseload.caseload(world.fsw)[-1].status is CaseStatus.CLOSED
    recent = world.caseload.caseload(world.fsw, closed_since=dt.date(2025, 11, 20))
    assert len(recent) == 2  # closed today: still shown
    older = world.caseload.caseload(world.fsw, closed_since=dt.date(2025, 11, 21))
    assert [r.student_name for r in older] == ["Ali Khan"]
    assert ali.reason == "Housing problems"


def test_one_open_case_per_family_and_sane_dates(world: World) -> None:
    case = world.caseload.open_case(world.fsw, world.students["ali"], "Sleep")
    with pytest.raises(KnownError, match="already has an open case"):
        world.caseload.open_case(world.fsw, world.students["ali"], "Again")
    with pytest.raises(ValidationError, match="cannot be before"):
        world.caseload.close_case(world.fsw, case.id, case.version, "", dt.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="future"):
        world.caseload.open_case(
            world.fsw, world.students["zofia"], "x", opened_on=dt.date(2025, 12, 1)
        )
    closed = world.caseload.close_case(world.fsw, case.id, case.version)
    with pytest.raises(ConflictError):
        world.caseload.reopen_case(world.fsw, case.id, case.version)
    reopened = world.caseload.reopen_case(world.fsw, closed.id, closed.version)
    assert reopened.status is CaseStatus.OPEN and reopened.closed_on is None


def test_the_caseload_is_for_family_support_and_senior_roles(world: World) -> None:
    world.caseload.open_case(world.fsw, world.students["ali"], "Sleep")
    for actor in (world.office, world.teacher, world.reader):
        with pytest.raises(PermissionDenied):
            world.caseload.caseload(actor)
    # The SENCO has no cases of her own, but can see everyone's.
    assert world.caseload.caseload(world.senco) == []
    assert len(world.caseload.caseload(world.senco, everyone=True)) == 1
    assert world.caseload.workers(world.senco) == [(world.staff["fsw"], "Ms Amina Yusuf")]


def test_actions_are_ticked_off_and_reopened(world: World) -> None:
    action = world.caseload.add_action(
        world.teacher,
        ActionDraft(
            world.students["tom"], "Ring mum", world.staff["teacher"], dt.date(2025, 11, 21)
        ),
    )
    assert not action.overdue_on(dt.date(2025, 11, 21)) and action.overdue_on(dt.date(2025, 11, 22))
    with pytest.raises(ValidationError, match="future"):
        world.caseload.set_action_done(
            world.teacher, action.id, action.version, dt.date(2025, 12, 1)
        )
    done = world.caseload.set_action_done(
        world.teacher, action.id, action.version, dt.date(2025, 11, 20)
    )
    assert done.done_on == dt.date(2025, 11, 20)
    assert world.caseload.actions(world.teacher, student_id=world.students["tom"]) == []
    again = world.caseload.set_action_done(world.teacher, done.id, done.version, None)
    assert world.caseload.actions(world.teacher, owner_id=world.staff["teacher"]) == [again]
    with pytest.raises(PermissionDenied):
        world.caseload.add_action(
            world.reader,
            ActionDraft(world.students["tom"], "x", world.staff["teacher"], dt.date(2025, 11, 21)),
        )
