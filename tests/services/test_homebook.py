"""The home-school book: a class's day in one save, family pages, replies, printed weeks."""

from __future__ import annotations

import datetime as dt

import pytest

from hsp_desktop.errors import ConflictError, PermissionDenied, ValidationError
from hsp_desktop.model.enums import Role
from hsp_desktop.model.homebook import Mood, StructuredField
from hsp_desktop.services.actor import Actor
from hsp_desktop.services.homebook import FamilyEntryKind, SchoolEntryDraft
from hsp_desktop.store import Database
from tests.services.contacts_world import World, build_world

DAY = dt.date(2025, 11, 20)


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


def test_a_whole_class_is_written_in_one_save(world: World) -> None:
    world.homebook.set_fields(
        world.teacher,
        world.students["ali"],
        0,
        [StructuredField.EATING, StructuredField.MEDICATION],
    )
    day = world.homebook.class_day(world.teacher, world.class_id, DAY)
    assert [r.name for r in day.rows] == ["Ali Khan", "Nia New", "Sam Taylor", "Zofia Wiśniewska"]
    ali = day.rows[0]
    assert ali.fields == (StructuredField.EATING, StructuredField.MEDICATION)
    assert ali.entry is None
    saved = world.homebook.save_day(
        world.teacher,
        DAY,
        [
            SchoolEntryDraft(
                world.students["ali"],
                activities="Swimming",
                mood=Mood.VERY_HAPPY,
                achievements="Swam a width",
                structured={StructuredField.EATING: "All of lunch"},
            ),
            SchoolEntryDraft(world.students["nia"]),  # nothing written: no page
            SchoolEntryDraft(
                world.students["zofia"], activities="Cooking – pierogi 🥟", mood=Mood.UNSETTLED
            ),
        ],
    )
    assert len(saved) == 2
    day = world.homebook.class_day(world.teacher, world.class_id, DAY)
    ali = day.rows[0]
    assert ali.entry is not None and ali.entry.mood is Mood.VERY_HAPPY
    assert ali.entry.structured == ((StructuredField.EATING, "All of lunch"),)
    assert ali.entry.staff_name == "Ms Rachel Morris"
    assert day.rows[1].entry is None
    assert day.rows[3].entry is not None and day.rows[3].entry.activities.endswith("🥟")
    # Saving again against the versions read updates in place.
    again = world.homebook.save_day(
        world.teacher,
        DAY,
        [
            SchoolEntryDraft(
                world.students["ali"],
                ali.entry.version,
                activities="Swimming, music",
                mood=Mood.VERY_HAPPY,
            )
        ],
    )
    assert again[0].version == ali.entry.version + 1 and again[0].structured == ()


def test_a_stale_row_rolls_back_the_whole_save(world: World) -> None:
    (first,) = world.homebook.save_day(
        world.teacher, DAY, [SchoolEntryDraft(world.students["ali"], activities="A")]
    )
    world.homebook.save_day(
        world.fsw, DAY, [SchoolEntryDraft(world.students["ali"], first.version, activities="B")]
    )
    with pytest.raises(ConflictError):
        world.homebook.save_day(
            world.teacher,
            DAY,
            [
                SchoolEntryDraft(world.students["sam"], activities="Lost with the rest"),
                SchoolEntryDraft(world.students["ali"], first.version, activities="C"),
            ],
        )
    day = world.homebook.class_day(world.teacher, world.class_id, DAY)
    assert day.rows[0].entry is not None and day.rows[0].entry.activities == "B"
    assert day.rows[2].entry is None  # Sam's page was not saved either


def test_bad_days_are_refused_with_the_reason(world: World) -> None:
    with pytest.raises(ValidationError, match="in the future"):
        world.homebook.save_day(
            world.teacher,
            DAY + dt.timedelta(days=1),
            [SchoolEntryDraft(world.students["ali"], activities="x")],
        )
    with pytest.raises(ValidationError, match="before admission") as caught:
        world.homebook.save_day(
            world.teacher,
            dt.date(2025, 11, 3),
            [SchoolEntryDraft(world.students["nia"], activities="x")],
        )
    assert caught.value.field == "Nia New"
    readonly = Actor(None, "gov", "Governor", Role.READ_ONLY)
    with pytest.raises(PermissionDenied):
        world.homebook.save_day(readonly, DAY, [])


def test_a_family_page_waits_for_a_reply_until_the_school_writes(world: World) -> None:
    written = world.homebook.record_family_entry(
        world.teacher,
        world.students["zofia"],
        dt.date(2025, 11, 18),
        FamilyEntryKind.TRANSCRIBED,
        "Zosia źle spała w nocy.",
    )
    world.homebook.record_family_entry(
        world.teacher,
        world.students["ali"],
        dt.date(2025, 11, 19),
        FamilyEntryKind.RECEIVED,
    )
    waiting = world.homebook.awaiting_reply(world.teacher, world.class_id)
    assert [(w.student_name, w.message) for w in waiting] == [
        ("Zofia Wiśniewska", "Zosia źle spała w nocy."),
        ("Ali Khan", ""),
    ]
    assert world.homebook.class_day(world.teacher, world.class_id, DAY).rows[3].awaiting_reply
    world.homebook.save_day(
        world.teacher, DAY, [SchoolEntryDraft(world.students["zofia"], activities="Quiet day")]
    )
    assert [w.student_name for w in world.homebook.awaiting_reply(world.teacher)] == ["Ali Khan"]
    ali = world.homebook.awaiting_reply(world.teacher)[0]
    world.homebook.mark_answered(world.teacher, ali.entry_id, ali.version)
    assert world.homebook.awaiting_reply(world.teacher) == []
    with pytest.raises(ValidationError, match="type what the family wrote"):
        world.homebook.record_family_entry(
            world.teacher, world.students["sam"], DAY, FamilyEntryKind.TRANSCRIBED, "  "
        )
    with pytest.raises(ValidationError, match="already recorded"):
        world.homebook.record_family_entry(
            world.teacher,
            world.students["zofia"],
            dt.date(2025, 11, 18),
            FamilyEntryKind.RECEIVED,
        )
    assert written.family_kind is FamilyEntryKind.TRANSCRIBED


def test_the_week_for_printing_goes_in_the_familys_written_language(world: World) -> None:
    world.homebook.save_day(
        world.teacher,
        dt.date(2025, 11, 17),
        [SchoolEntryDraft(world.students["zofia"], activities="Music", mood=Mood.HAPPY)],
    )
    world.homebook.record_family_entry(
        world.teacher,
        world.students["zofia"],
        dt.date(2025, 11, 19),
        FamilyEntryKind.TRANSCRIBED,
        "Dziękujemy!",
    )
    week = world.homebook.week(world.teacher, world.students["zofia"], dt.date(2025, 11, 20))
    assert week.week_start == dt.date(2025, 11, 17) and week.language == "POL"
    assert [d for d, _, _ in week.days][-1] == dt.date(2025, 11, 21)
    monday, _, wednesday = week.days[0], week.days[1], week.days[2]
    assert monday[1] is not None and monday[1].mood is Mood.HAPPY
    assert wednesday[2] is not None and wednesday[2].message == "Dziękujemy!"
    ali_week = world.homebook.week(world.teacher, world.students["ali"], DAY)
    assert ali_week.language == "URD"
    sam_week = world.homebook.week(world.teacher, world.students["sam"], DAY)
    assert sam_week.language == "ENG"


def test_structured_fields_are_switched_on_per_student_with_locking(world: World) -> None:
    assert world.homebook.fields(world.teacher, world.students["sam"]) == ((), 0)
    world.homebook.set_fields(world.teacher, world.students["sam"], 0, [StructuredField.SLEEP])
    fields, version = world.homebook.fields(world.teacher, world.students["sam"])
    assert fields == (StructuredField.SLEEP,) and version == 1
    with pytest.raises(ConflictError):
        world.homebook.set_fields(world.teacher, world.students["sam"], 0, [])
