"""Events and workshops: invitations by class or all, attendance, engagement this year."""

from __future__ import annotations

import datetime as dt

import pytest

from hsp_desktop.errors import ConflictError, KnownError, PermissionDenied, ValidationError
from hsp_desktop.services.events import EventDraft, EventKind
from hsp_desktop.store import Database
from tests.services.casework_world import World, build_world


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


def test_a_workshop_is_planned_families_invited_and_attendance_recorded(world: World) -> None:
    makaton = world.events.create(
        world.fsw,
        EventDraft(EventKind.MAKATON, "", dt.date(2025, 11, 27), dt.time(9, 15), "Family room"),
    )
    assert makaton.title == "Workshop: Makaton"  # the kind's name when no title is given
    assert world.events.invite(world.fsw, makaton.id, class_ids=[world.class_id]) == 3
    assert world.events.invite(world.fsw, makaton.id, everyone=True) == 0  # nobody twice
    guests = world.events.guests(world.fsw, makaton.id)
    assert [g.student_name for g in guests] == ["Ali Khan", "Zofia Nowak", "Tom Smith"]
    assert guests[0].carers == "Mrs Khan" and guests[0].language == "Urdu (interpreter)"
    assert world.events.get(world.fsw, makaton.id).interpreters_needed == 2
    with pytest.raises(ValidationError, match="not happened yet"):
        world.events.record_attendance(world.fsw, makaton.id, {world.students["ali"]: True})
    world.set_today(2025, 11, 27, 11)
    view = world.events.record_attendance(
        world.fsw,
        makaton.id,
        {world.students["ali"]: True, world.students["zofia"]: False},
    )
    assert (view.invited, view.attended, view.recorded) == (3, 1, 2)


def test_engagement_shows_who_never_comes(world: World) -> None:
    coffee = world.events.create(
        world.fsw, EventDraft(EventKind.COFFEE_MORNING, "Coffee morning", dt.date(2025, 10, 8))
    )
    show = world.events.create(
        world.fsw, EventDraft(EventKind.PERFORMANCE, "Harvest show", dt.date(2025, 10, 15))
    )
    last_year = world.events.create(
        world.fsw, EventDraft(EventKind.OPEN_EVENING, "Open evening", dt.date(2025, 3, 12))
    )
    for event in (coffee, show, last_year):
        world.events.invite(world.fsw, event.id, everyone=True)
    world.events.record_attendance(
        world.fsw, coffee.id, {world.students["ali"]: True, world.students["tom"]: True}
    )
    world.events.record_attendance(world.fsw, show.id, {world.students["ali"]: True})
    world.events.record_attendance(world.fsw, last_year.id, {world.students["zofia"]: True})
    rows = world.events.engagement(world.fsw)
    summary = [(r.student_name, r.invited, r.attended, r.last_attended, r.never) for r in rows]
    assert summary == [
        ("Zofia Nowak", 2, 0, None, True),  # came last year, never this year
        ("Tom Smith", 2, 1, dt.date(2025, 10, 8), False),
        ("Ali Khan", 2, 2, dt.date(2025, 10, 15), False),
    ]
    previous = {r.student_name: r.attended for r in world.events.engagement(world.fsw, 2024)}
    assert previous == {"Zofia Nowak": 1, "Tom Smith": 0, "Ali Khan": 0}


def test_a_family_that_came_uninvited_still_counts(world: World) -> None:
    coffee = world.events.create(
        world.fsw, EventDraft(EventKind.COFFEE_MORNING, "Coffee morning", dt.date(2025, 11, 12))
    )
    world.events.invite(world.fsw, coffee.id, student_ids=[world.students["ali"]])
    view = world.events.record_attendance(world.fsw, coffee.id, {world.students["tom"]: True})
    assert (view.invited, view.attended) == (2, 1)


def test_cancelled_events_do_not_count_and_edits_are_guarded(world: World) -> None:
    pecs = world.events.create(
        world.fsw, EventDraft(EventKind.PECS, "PECS at home", dt.date(2025, 11, 5))
    )
    world.events.invite(world.fsw, pecs.id, everyone=True)
    world.events.record_attendance(world.fsw, pecs.id, {world.students["ali"]: True})
    with pytest.raises(ValidationError, match="cannot move to the future"):
        world.events.update(
            world.fsw,
            pecs.id,
            pecs.version,
            EventDraft(EventKind.PECS, "PECS", dt.date(2026, 1, 5)),
        )
    moved = world.events.update(
        world.fsw, pecs.id, pecs.version, EventDraft(EventKind.PECS, "PECS", dt.date(2025, 11, 6))
    )
    with pytest.raises(ConflictError):
        world.events.set_cancelled(world.fsw, pecs.id, pecs.version, True)
    with pytest.raises(ValidationError, match="Invite"):
        world.events.invite(world.fsw, moved.id)
    world.events.set_cancelled(world.fsw, moved.id, moved.version, True)
    assert all(r.invited == 0 for r in world.events.engagement(world.fsw))
    with pytest.raises(KnownError, match="cancelled"):
        world.events.invite(world.fsw, moved.id, everyone=True)
    with pytest.raises(PermissionDenied):
        world.events.create(world.reader, EventDraft(EventKind.OTHER, "x", dt.date(2025, 12, 1)))


def test_events_of_this_academic_year_are_listed_in_order(world: World) -> None:
    for day in (dt.date(2026, 7, 8), dt.date(2025, 9, 24), dt.date(2025, 8, 30)):
        world.events.create(world.office, EventDraft(EventKind.OTHER, "Event", day))
    assert [e.day for e in world.events.events(world.office)] == [
        dt.date(2025, 9, 24),
        dt.date(2026, 7, 8),
    ]
