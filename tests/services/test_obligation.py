"""The termly contact rule: term boundaries, households, restrictions, leavers, attempts."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event

from hsp_desktop.errors import PermissionDenied, ValidationError
from hsp_desktop.model import ContactRule
from hsp_desktop.model.homebook import Mood
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.contacts import Channel, Direction, Outcome, Tone
from hsp_desktop.services.homebook import SchoolEntryDraft
from hsp_desktop.services.obligation import (
    DEFAULT_RULE,
    ClassDashboard,
    FamilyState,
    FamilyStatus,
    rule_of,
)
from hsp_desktop.store import Database
from tests.services.contacts_world import World, build_world, local


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


def families(dash: ClassDashboard, student: str) -> list[FamilyStatus]:
    (row,) = [r for r in dash.students if r.name.startswith(student)]
    return list(row.families)


def states(dash: ClassDashboard, student: str) -> list[FamilyState]:
    return [f.state for f in families(dash, student)]


def test_a_conversation_on_the_last_evening_of_term_counts_for_that_term_only(
    world: World,
) -> None:
    world.clock.now = dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC)
    world.call("Ali", ("ayesha",), local(2025, 12, 19, 23, 30))  # last day of autumn, late
    world.call("Zofia", ("ewa",), local(2026, 1, 4, 10), confirmed=True)  # holiday before spring

    autumn = world.obligation.class_dashboard(world.teacher, world.class_id, dt.date(2025, 12, 19))
    assert autumn.position.in_term and autumn.position.days_left == 1
    assert states(autumn, "Ali") == [FamilyState.CONTACTED]
    assert states(autumn, "Zofia") == [FamilyState.NOT_YET, FamilyState.NOT_YET]

    spring = world.obligation.class_dashboard(world.teacher, world.class_id, dt.date(2026, 1, 5))
    assert spring.position.term.name == "spring"
    assert states(spring, "Ali") == [FamilyState.NOT_YET]
    # The holiday call belongs to no term: it does not count in spring either.
    assert states(spring, "Zofia") == [FamilyState.NOT_YET, FamilyState.NOT_YET]


def test_in_the_holiday_the_term_just_ended_is_shown_with_what_was_missed(world: World) -> None:
    world.call("Ali", ("imran",), local(2025, 11, 3))
    dash = world.obligation.class_dashboard(world.teacher, world.class_id, dt.date(2025, 12, 28))
    position = dash.position
    assert not position.in_term and position.days_left == 0
    assert position.term.name == "autumn" and position.next_term is not None
    assert "Holiday" in position.note and "05/01/2026" in position.note
    ali = families(dash, "Ali")[0]
    assert ali.state is FamilyState.CONTACTED and not ali.overdue
    assert all(f.overdue for f in families(dash, "Zofia"))


def test_a_parent_living_apart_is_a_family_of_their_own(world: World) -> None:
    world.call("Zofia", ("ewa",), local(2025, 11, 18))
    dash = world.obligation.class_dashboard(world.teacher, world.class_id)
    mum, dad = families(dash, "Zofia")
    assert mum.state is FamilyState.CONTACTED and mum.lives_with_student
    assert dad.state is FamilyState.NOT_YET and not dad.lives_with_student
    assert dad.carers == ("Piotr Wiśniewski (Father)",)
    # Both parents at one address are one family: one call to either is enough.
    world.call("Ali", ("imran",), local(2025, 11, 18))
    dash = world.obligation.class_dashboard(world.teacher, world.class_id)
    (khan,) = families(dash, "Ali")
    assert khan.state is FamilyState.CONTACTED and len(khan.carer_ids) == 2
    assert khan.last_by == "Ms Rachel Morris"


def test_restricted_carers_are_not_owed_contact_and_cannot_be_called(world: World) -> None:
    dash = world.obligation.class_dashboard(world.teacher, world.class_id)
    sam = families(dash, "Sam")
    # Mother (own household), father under a court order; the grandmother has no
    # parental responsibility so is not a family the rule counts.
    assert [f.state for f in sam] == [FamilyState.NOT_YET, FamilyState.RESTRICTED]
    assert "Court order" in sam[1].restriction_note and not sam[1].owed
    row = next(r for r in dash.students if r.name.startswith("Sam"))
    assert row.owed == 1
    with pytest.raises(ValidationError, match="Court order"):
        world.call("Sam", ("mark",), local(2025, 11, 18))
    # The father ringing the school is recorded, and the entry is restricted.
    contact_id = world.call("Sam", ("mark",), local(2025, 11, 18), direction=Direction.TO_SCHOOL)
    assert world.contacts.get(world.fsw, contact_id).restricted


def test_leavers_drop_out_and_newcomers_are_owed_from_their_admission(world: World) -> None:
    dash = world.obligation.class_dashboard(world.teacher, world.class_id)
    names = [r.name for r in dash.students]
    assert "Lee Gone" not in names
    assert "Nia New" in names
    before_admission = world.obligation.class_dashboard(
        world.teacher, world.class_id, dt.date(2025, 11, 20)
    )
    assert "Nia New" in [r.name for r in before_admission.students]
    with pytest.raises(ValidationError, match="before Nia New was admitted"):
        world.call("Nia", ("nia_mum",), local(2025, 11, 3))
    # A student whose leaving date has passed drops out even before the status is changed.
    with world.db.transaction() as s:
        from hsp_desktop.model import Student

        nia = s.get(Student, world.students["nia"])
        assert nia is not None
        nia.leaving_date = dt.date(2025, 11, 19)
    dash = world.obligation.class_dashboard(world.teacher, world.class_id)
    assert "Nia New" not in [r.name for r in dash.students]


def test_attempts_that_reached_nobody_do_not_count(world: World) -> None:
    world.call("Ali", ("ayesha",), local(2025, 11, 17), outcome=Outcome.NO_ANSWER)
    world.call("Ali", ("ayesha",), local(2025, 11, 18), outcome=Outcome.VOICEMAIL)
    world.call("Ali", ("ayesha",), local(2025, 11, 18, 15), channel=Channel.TEXT)
    (khan,) = families(world.obligation.class_dashboard(world.teacher, world.class_id), "Ali")
    assert khan.state is FamilyState.ATTEMPTED
    assert khan.attempts == 3 and khan.conversations == 0 and khan.last_at is None
    world.call("Ali", ("ayesha",), local(2025, 11, 19))
    (khan,) = families(world.obligation.class_dashboard(world.teacher, world.class_id), "Ali")
    assert khan.state is FamilyState.CONTACTED and khan.conversations == 1


def test_the_school_sets_the_rule(world: World) -> None:
    world.call("Ali", ("ayesha",), local(2025, 11, 17))
    world.call("Sam", ("gran",), local(2025, 11, 17))
    rule = world.obligation.rule()
    assert rule.version == 0 and rule.conversations_per_term == 1
    world.obligation.update_rule(
        SYSTEM,
        0,
        conversations_per_term=2,
        counting_channels=[Channel.PHONE, Channel.TEXT],
        parental_responsibility_only=False,
        overdue_days_before_end=25,
    )
    dash = world.obligation.class_dashboard(world.teacher, world.class_id)
    assert states(dash, "Ali") == [FamilyState.ATTEMPTED]  # one of two conversations
    # Without the responsibility filter the grandmother's household is owed a contact too.
    assert len(families(dash, "Sam")) == 3
    assert dash.position.days_left <= 25 and dash.tally.overdue == dash.tally.not_yet + (
        dash.tally.attempted
    )
    with pytest.raises(PermissionDenied):
        world.obligation.update_rule(
            world.teacher,
            1,
            conversations_per_term=1,
            counting_channels=[Channel.PHONE],
            parental_responsibility_only=True,
            overdue_days_before_end=10,
        )
    with pytest.raises(ValidationError, match="at least one"):
        world.obligation.update_rule(
            SYSTEM,
            1,
            conversations_per_term=1,
            counting_channels=[],
            parental_responsibility_only=True,
            overdue_days_before_end=10,
        )


def test_interpreter_need_and_tone_are_shown_before_the_call(world: World) -> None:
    dash = world.obligation.class_dashboard(world.teacher, world.class_id)
    (khan,) = families(dash, "Ali")
    assert khan.interpreter_needed and khan.interpreter_languages == ("Urdu",)
    world.call("Ali", ("imran",), local(2025, 11, 10), tone=Tone.POSITIVE)
    world.call("Ali", ("imran",), local(2025, 11, 11), tone=Tone.CONCERN)
    world.call(
        "Ali", ("imran",), local(2025, 11, 12), tone=Tone.POSITIVE, outcome=Outcome.NO_ANSWER
    )  # an unanswered call carries no news
    world.homebook.save_day(
        world.teacher,
        dt.date(2025, 11, 14),
        [
            SchoolEntryDraft(
                world.students["ali"], achievements="Used PECS to ask for more", mood=Mood.HAPPY
            )
        ],
    )
    row = next(
        r
        for r in world.obligation.class_dashboard(world.teacher, world.class_id).students
        if r.name == "Ali Khan"
    )
    assert (row.positive, row.concern, row.ratio) == (2, 1, "2:1")


def test_teachers_see_their_own_class_and_leaders_see_the_school(world: World) -> None:
    assert [c.name for c in world.obligation.my_classes(world.teacher)] == ["Owl"]
    assert [c.name for c in world.obligation.classes(world.teacher)] == ["Owl"]
    with pytest.raises(PermissionDenied):
        world.obligation.class_dashboard(world.teacher, world.other_class_id)
    with pytest.raises(PermissionDenied):
        world.obligation.school_dashboard(world.teacher)
    world.call("Ali", ("ayesha",), local(2025, 11, 17))
    school = world.obligation.school_dashboard(SYSTEM)
    owl, wren = school.classes
    assert (owl.class_name, owl.students, owl.tally.owed, owl.tally.contacted) == ("Owl", 4, 5, 1)
    assert owl.tally.restricted == 1
    assert (wren.class_name, wren.tally.owed, wren.tally.contacted) == ("Wren", 1, 0)
    assert school.tally.owed == 6 and round(school.tally.percent_done) == 17


def test_a_contact_with_several_carers_counts_once_for_each_family(world: World) -> None:
    # Both Khan parents at one meeting: one household, so one conversation and one piece of news.
    world.call(
        "Ali", ("ayesha", "imran"), local(2025, 11, 12), channel=Channel.MEETING, tone=Tone.POSITIVE
    )
    # Zofia's parents live apart: one meeting with both reaches two families.
    world.call("Zofia", ("ewa", "piotr"), local(2025, 11, 13), channel=Channel.MEETING)
    # An unanswered call logged without naming a carer belongs to no family.
    world.call("Sam", (), local(2025, 11, 14), outcome=Outcome.NO_ANSWER)
    dash = world.obligation.class_dashboard(world.teacher, world.class_id)
    (khan,) = families(dash, "Ali")
    assert (khan.state, khan.conversations, khan.attempts) == (FamilyState.CONTACTED, 1, 0)
    ali = next(r for r in dash.students if r.name == "Ali Khan")
    assert (ali.positive, ali.concern) == (1, 0)
    assert [(f.state, f.conversations) for f in families(dash, "Zofia")] == [
        (FamilyState.CONTACTED, 1),
        (FamilyState.CONTACTED, 1),
    ]
    assert states(dash, "Sam") == [FamilyState.NOT_YET, FamilyState.RESTRICTED]


def test_the_latest_conversation_says_when_and_by_whom(world: World) -> None:
    world.call("Ali", ("ayesha",), local(2025, 11, 10, 9))
    world.call("Ali", ("imran",), local(2025, 11, 10, 11), actor=world.fsw)
    world.call("Ali", ("ayesha",), local(2025, 11, 10, 15), outcome=Outcome.VOICEMAIL)
    (khan,) = families(world.obligation.class_dashboard(world.teacher, world.class_id), "Ali")
    assert (khan.conversations, khan.attempts) == (2, 1)
    assert khan.last_at == local(2025, 11, 10, 11) and khan.last_by == "Ms Amina Yusuf"
    assert khan.last_attempt_at == local(2025, 11, 10, 15)
    # Two conversations logged for the same moment: the one entered last names who held it.
    world.call("Ali", ("imran",), local(2025, 11, 10, 11), actor=world.other_teacher)
    (khan,) = families(world.obligation.class_dashboard(world.teacher, world.class_id), "Ali")
    assert khan.conversations == 3 and khan.last_by == "Mr Simon Webb"
    # Each family has its own latest conversation, even when two share the moment.
    world.call("Zofia", ("ewa",), local(2025, 11, 10, 11))
    world.call("Zofia", ("piotr",), local(2025, 11, 10, 11), actor=world.fsw)
    mum, dad = families(world.obligation.class_dashboard(world.teacher, world.class_id), "Zofia")
    assert (mum.last_by, dad.last_by) == ("Ms Rachel Morris", "Ms Amina Yusuf")


def test_dashboards_read_a_term_from_indexes_even_on_a_database_never_analysed(
    sqlite_db: Database,
) -> None:
    """The program never runs ANALYZE: without statistics SQLite must still start from the
    term's contacts in the covering index, never from a whole table of the school's history."""
    world = build_world(sqlite_db)
    world.call("Ali", ("ayesha", "imran"), local(2025, 11, 12), tone=Tone.POSITIVE)
    statements: list[tuple[str, Any]] = []

    def remember(*args: Any) -> None:
        _conn, _cursor, statement, parameters, _context, _many = args
        statements.append((statement, parameters))

    event.listen(sqlite_db.engine, "before_cursor_execute", remember)
    world.obligation.school_dashboard(SYSTEM)
    world.obligation.class_dashboard(world.teacher, world.class_id)
    event.remove(sqlite_db.engine, "before_cursor_execute", remember)
    plans: list[str] = []
    with sqlite_db.engine.connect() as conn:
        for statement, parameters in statements:
            if statement.lstrip().startswith("SELECT"):
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                plans.extend(row[-1] for row in rows)
    history = ("contact_record", "contact_carer", "homebook_entry")
    assert not [p for p in plans if p.startswith("SCAN") and p.split()[1] in history]
    assert any("COVERING INDEX ix_contact_record_student_at_covering" in p for p in plans)
    assert any("INDEX ix_homebook_entry_achievement" in p for p in plans)


def test_a_new_rule_row_starts_from_the_rule_used_without_one(db: Database) -> None:
    with db.transaction() as s:
        s.add(ContactRule())
    with db.read() as s:
        saved = rule_of(s)
    assert replace(saved, version=0) == DEFAULT_RULE
