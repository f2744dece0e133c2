"""Carers, households, links with restrictions, and the language and access summary."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from hsp_desktop.errors import ConflictError, PermissionDenied, ValidationError, ValidationErrors
from hsp_desktop.model import AuditEntry, Carer, Household, StudentCarer
from hsp_desktop.model.enums import ContactMethod, Relationship, Restriction
from hsp_desktop.services.container import Services
from hsp_desktop.services.families import (
    CarerInput,
    HouseholdInput,
    LinkInput,
    access_summary,
)
from hsp_desktop.services.search import matches, search_words
from hsp_desktop.services.students import StudentFile
from hsp_desktop.store import Database
from tests.services.test_students import (
    FSW,
    OFFICE,
    READ_ONLY,
    add_class,
    count,
    field_names,
    student_input,
    teacher,
    upn,
)

HOME = HouseholdInput("12 Meadow Way", town="Sevenoaks", postcode="tn132xy", home_phone="")


def mother(**changes: Any) -> CarerInput:
    values: dict[str, Any] = {
        "first_name": "Ayesha",
        "last_name": "Khan",
        "title": "Mrs",
        "mobile": "07700 900123",
        "email": "Ayesha.Khan@Example.org",
        "spoken_language": "URD",
        "written_language": "URD",
        "needs_interpreter": True,
        "needs_translation": True,
    }
    values.update(changes)
    return CarerInput(**values)


def father(**changes: Any) -> CarerInput:
    values: dict[str, Any] = {"first_name": "Imran", "last_name": "Khan", "title": "Mr"}
    values.update(changes)
    return CarerInput(**values)


def new_student(services: Services, serial: int = 1, **changes: Any) -> StudentFile:
    return services.students.create_student(OFFICE, student_input(upn=upn(serial), **changes))


# -- adding carers --------------------------------------------------------------------------
def test_add_a_carer_with_address_phones_in_e164_and_needs(services: Services) -> None:
    student = new_student(services)
    member = services.families.add_carer(
        OFFICE,
        student.id,
        mother(home_phone="01632 960123", work_phone="+48 22 123 45 67"),
        LinkInput(Relationship.MOTHER),
        new_household=HOME,
    )
    carer = member.carer
    assert carer.mobile == "+447700900123"
    assert carer.home_phone == "+441632960123"
    assert carer.work_phone == "+48221234567"
    assert carer.email == "Ayesha.Khan@example.org"
    assert carer.household is not None
    assert carer.household.postcode == "TN13 2XY"
    assert carer.household.members == ((carer.id, "Mrs Ayesha Khan"),)
    assert [s.student_id for s in carer.students] == [student.id]
    assert member.link.relationship_to_student is Relationship.MOTHER
    assert member.link.parental_responsibility and member.link.receives_correspondence
    file = services.students.get_file(READ_ONLY, student.id)
    assert file.family == (member,)
    assert file.language_summary == "Mother: Urdu speaker, interpreter needed; letters in Urdu"


def test_the_summary_names_each_carer_as_the_policy_asks(services: Services) -> None:
    student = new_student(services)
    first = services.families.add_carer(
        OFFICE, student.id, mother(), LinkInput(Relationship.MOTHER), new_household=HOME
    )
    services.families.add_carer(
        OFFICE,
        student.id,
        father(),
        LinkInput(Relationship.FATHER, contact_order=2),
        household_id=first.carer.household_id,
    )
    file = services.students.get_file(OFFICE, student.id)
    assert file.language_summary == (
        "Mother: Urdu speaker, interpreter needed; letters in Urdu; Father: English"
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "English"),
        (
            {"literacy_support": True, "large_print": True},
            "English; letters read aloud; large print",
        ),
        ({"spoken_language": "POL"}, "Polish speaker; letters in English"),
        (
            {"spoken_language": "BNGS", "written_language": "BNG", "spoken_dialect": "Sylheti"},
            "Bengali (Sylheti) speaker; letters in Bengali",
        ),
        (
            {"spoken_language": "PNJ", "spoken_dialect": "Pothwari", "needs_interpreter": True},
            "Panjabi (Pothwari) speaker, interpreter needed; letters in English",
        ),
        ({"spoken_language": "BSL", "needs_interpreter": True}, None),
    ],
)
def test_access_summary_of_one_carer(
    services: Services, changes: dict[str, Any], expected: str | None
) -> None:
    student = new_student(services)
    member = services.families.add_carer(
        OFFICE, student.id, father(**changes), LinkInput(Relationship.FATHER)
    )
    summary = access_summary(member.carer)
    if expected is None:
        assert summary.startswith("British Sign Language user, interpreter needed")
    else:
        assert summary == expected


@pytest.mark.parametrize(
    ("carer", "fields"),
    [
        (mother(first_name="", last_name=" "), {"First name", "Last name"}),
        (mother(mobile="0123"), {"Mobile"}),
        (mother(mobile="07700 90012"), {"Mobile"}),  # one digit short
        (mother(home_phone="not a phone"), {"Home phone"}),
        (mother(email="ayesha@"), {"Email"}),
        (mother(email="ayesha at example.org"), {"Email"}),
        (mother(spoken_language="XYZ"), {"Spoken language"}),
        (mother(written_language="BNGS"), {"Written language"}),  # Sylheti is not written
        (mother(written_language="ENG"), {"Written language"}),  # translation into English?
        (mother(preferred_contact=ContactMethod.EMAIL, email=""), {"Preferred contact"}),
        (mother(preferred_contact=ContactMethod.TEXT, mobile=""), {"Preferred contact"}),
        (mother(preferred_contact="pigeon"), {"Preferred contact"}),
        (mother(interpreter_notes="x" * 2001), {"Interpreter notes"}),
    ],
)
def test_bad_carer_input_names_the_field_and_saves_nothing(
    services: Services, db: Database, carer: CarerInput, fields: set[str]
) -> None:
    student = new_student(services)
    with pytest.raises((ValidationError, ValidationErrors)) as caught:
        services.families.add_carer(
            OFFICE, student.id, carer, LinkInput(Relationship.MOTHER), new_household=HOME
        )
    assert field_names(caught.value) == fields
    assert count(db, Carer) == count(db, Household) == count(db, StudentCarer) == 0


def test_all_the_forms_faults_come_together(services: Services, db: Database) -> None:
    student = new_student(services)
    with pytest.raises(ValidationErrors) as caught:
        services.families.add_carer(
            OFFICE,
            student.id,
            mother(mobile="123"),
            LinkInput(Relationship.MOTHER, contact_order=0),
            new_household=HouseholdInput("", postcode="not*a*postcode"),
        )
    assert field_names(caught.value) == {
        "Mobile",
        "Contact order",
        "Address line 1",
        "Postcode",
    }


@pytest.mark.parametrize(
    ("link", "fields"),
    [
        (LinkInput(Relationship.FATHER, restriction=Restriction.COURT_ORDER), {"Restriction note"}),
        (
            LinkInput(
                Relationship.FATHER,
                restriction=Restriction.NO_CONTACT,
                restriction_note="Safeguarding file",
            ),
            {"Receives correspondence"},
        ),
        (LinkInput("uncle"), {"Relationship"}),
        (LinkInput(Relationship.FATHER, contact_order=100), {"Contact order"}),
        (
            LinkInput(Relationship.FATHER, restriction="banned", restriction_note="x"),
            {"Restriction"},
        ),
    ],
)
def test_bad_link_input(
    services: Services, db: Database, link: LinkInput, fields: set[str]
) -> None:
    student = new_student(services)
    with pytest.raises((ValidationError, ValidationErrors)) as caught:
        services.families.add_carer(OFFICE, student.id, father(), link)
    assert field_names(caught.value) == fields
    assert count(db, Carer) == 0


def test_names_in_any_script_and_long_notes_kept_exactly(services: Services) -> None:
    student = new_student(services)
    note = ("Zakaz kontaktu — postanowienie sądu. " + "عدالتی حکم\n") * 300
    note = note[:9_999] + "."
    member = services.families.add_carer(
        OFFICE,
        student.id,
        mother(first_name="عائشہ", last_name="خان", interpreter_notes="خاتون مترجم"),
        LinkInput(
            Relationship.MOTHER,
            restriction=Restriction.COURT_ORDER,
            restriction_note=note,
        ),
    )
    polish = services.families.add_carer(
        OFFICE, student.id, father(first_name="Paweł", last_name="Wiśniewski"), LinkInput()
    )
    again = services.families.family(READ_ONLY, student.id)
    assert again[0].carer.first_name == "عائشہ" and again[0].carer.last_name == "خان"
    assert again[0].carer.interpreter_notes == "خاتون مترجم"
    assert again[0].link.restriction_note == note and len(note) == 10_000
    assert again[1].carer.full_name == "Mr Paweł Wiśniewski" == polish.carer.full_name
    assert member.link.restriction_text.startswith("Court order: Zakaz kontaktu")


# -- households -----------------------------------------------------------------------------
def test_two_carers_at_one_address_share_a_household(services: Services, db: Database) -> None:
    student = new_student(services)
    mum = services.families.add_carer(
        OFFICE, student.id, mother(), LinkInput(Relationship.MOTHER), new_household=HOME
    )
    household_id = mum.carer.household_id
    assert household_id is not None
    dad = services.families.add_carer(
        OFFICE,
        student.id,
        father(),
        LinkInput(Relationship.FATHER, contact_order=2),
        household_id=household_id,
    )
    assert dad.carer.household_id == household_id
    assert count(db, Household) == 1
    household = services.families.household(OFFICE, household_id)
    assert {name for _, name in household.members} == {"Mrs Ayesha Khan", "Mr Imran Khan"}
    changed = services.families.update_household(
        OFFICE,
        household_id,
        household.version,
        HouseholdInput("14 Meadow Way", town="Sevenoaks", postcode="TN13 2XY"),
    )
    assert changed.address_line1 == "14 Meadow Way"
    for member in services.families.family(OFFICE, student.id):
        assert member.carer.household is not None
        assert member.carer.household.one_line == "14 Meadow Way, Sevenoaks, TN13 2XY"
    with pytest.raises(ValidationError, match="not both"):
        services.families.add_carer(
            OFFICE,
            student.id,
            father(first_name="Other"),
            LinkInput(),
            household_id=household_id,
            new_household=HOME,
        )


def test_moving_a_carer_and_removing_an_empty_household(services: Services, db: Database) -> None:
    student = new_student(services)
    mum = services.families.add_carer(
        OFFICE, student.id, mother(), LinkInput(Relationship.MOTHER), new_household=HOME
    )
    dad = services.families.add_carer(
        OFFICE,
        student.id,
        father(),
        LinkInput(Relationship.FATHER),
        household_id=mum.carer.household_id,
    )
    # The father moves out: a new address of his own; the mother's household stays.
    moved = services.families.move_carer(
        OFFICE,
        dad.carer.id,
        dad.carer.version,
        new_household=HouseholdInput("3 Station Road", town="Tonbridge", postcode="TN9 1AA"),
    )
    assert moved.household is not None and moved.household.id != mum.carer.household_id
    assert count(db, Household) == 2
    assert services.families.household(OFFICE, mum.carer.household_id or 0).members == (
        (mum.carer.id, "Mrs Ayesha Khan"),
    )
    # He moves back: his own household is empty and goes.
    back = services.families.move_carer(
        OFFICE, moved.id, moved.version, household_id=mum.carer.household_id
    )
    assert back.household_id == mum.carer.household_id
    assert count(db, Household) == 1
    with pytest.raises(ConflictError):
        services.families.move_carer(OFFICE, moved.id, moved.version, household_id=None)
    gone = services.families.move_carer(OFFICE, back.id, back.version)
    assert gone.household is None
    with db.read() as s:
        actions = [
            e.action for e in s.scalars(select(AuditEntry).where(AuditEntry.entity != "student"))
        ]
    assert actions.count("move") == 3
    assert actions.count("delete") == 1


# -- links, siblings and restrictions ---------------------------------------------------------
def test_siblings_share_the_carer_record(services: Services, db: Database) -> None:
    older = new_student(services, 1)
    younger = new_student(services, 2, first_name="Sara")
    mum = services.families.add_carer(
        OFFICE, older.id, mother(), LinkInput(Relationship.MOTHER), new_household=HOME
    )
    linked = services.families.link_carer(
        OFFICE, younger.id, mum.carer.id, LinkInput(Relationship.MOTHER)
    )
    assert linked.carer.id == mum.carer.id
    assert {s.name for s in linked.carer.students} == {"Ali Khan", "Sara Khan"}
    assert count(db, Carer) == 1
    with pytest.raises(ValidationError, match="already linked"):
        services.families.link_carer(OFFICE, younger.id, mum.carer.id, LinkInput())
    # One edit shows in both files.
    services.families.update_carer(
        OFFICE, mum.carer.id, mum.carer.version, mother(mobile="07700 900999")
    )
    for student in (older, younger):
        (member,) = services.families.family(OFFICE, student.id)
        assert member.carer.mobile == "+447700900999"
    # Unlinking from one child keeps the carer and the other link.
    services.families.unlink_carer(OFFICE, linked.link.id, linked.link.version)
    assert services.families.family(OFFICE, younger.id) == ()
    assert len(services.families.family(OFFICE, older.id)) == 1
    assert count(db, Carer) == 1


def test_restrictions_show_wherever_the_carer_appears(services: Services) -> None:
    student = new_student(services)
    services.families.add_carer(OFFICE, student.id, mother(), LinkInput(Relationship.MOTHER))
    dad = services.families.add_carer(
        OFFICE,
        student.id,
        father(),
        LinkInput(
            Relationship.FATHER,
            lives_with_student=False,
            receives_correspondence=False,
            contact_order=2,
            restriction=Restriction.NO_CONTACT,
            restriction_note="Do not contact: see safeguarding file.",
        ),
    )
    file = services.students.get_file(READ_ONLY, student.id)
    assert [m.carer.id for m in file.restrictions] == [dad.carer.id]
    assert file.restrictions[0].link.restriction_text == (
        "No contact: Do not contact: see safeguarding file."
    )
    assert file.language_summary.endswith("; Father: no contact")
    (row,) = services.students.list_rows(READ_ONLY)
    assert row.has_restriction
    assert [s.restriction for s in dad.carer.students] == [Restriction.NO_CONTACT]
    court = services.families.update_link(
        OFFICE,
        dad.link.id,
        dad.link.version,
        LinkInput(
            Relationship.FATHER,
            lives_with_student=False,
            receives_correspondence=True,
            contact_order=2,
            restriction=Restriction.COURT_ORDER,
            restriction_note="Reports only; no collection from school.",
        ),
    )
    assert court.restriction is Restriction.COURT_ORDER
    summary = services.students.get_file(OFFICE, student.id).language_summary
    assert summary.endswith("; Father (court order): English")


def test_concurrent_edits_of_a_carer_conflict_with_their_values(services: Services) -> None:
    student = new_student(services)
    member = services.families.add_carer(
        OFFICE, student.id, mother(), LinkInput(Relationship.MOTHER)
    )
    services.families.update_carer(
        FSW, member.carer.id, member.carer.version, mother(interpreter_notes="Female interpreter")
    )
    with pytest.raises(ConflictError) as caught:
        services.families.update_carer(
            OFFICE, member.carer.id, member.carer.version, mother(mobile="07700 900555")
        )
    assert caught.value.entity == "carer"
    assert caught.value.theirs["interpreter_notes"] == "Female interpreter"
    assert caught.value.theirs["mobile"] == "+447700900123"
    now = services.families.carer(OFFICE, member.carer.id)
    assert now.mobile == "+447700900123" and now.interpreter_notes == "Female interpreter"

    services.families.update_link(
        FSW, member.link.id, member.link.version, LinkInput(Relationship.MOTHER, contact_order=2)
    )
    with pytest.raises(ConflictError) as link_conflict:
        services.families.update_link(
            OFFICE, member.link.id, member.link.version, LinkInput(Relationship.GUARDIAN)
        )
    assert link_conflict.value.theirs["contact_order"] == 2
    with pytest.raises(ConflictError):
        services.families.unlink_carer(OFFICE, member.link.id, member.link.version)
    assert services.families.link(OFFICE, member.link.id).contact_order == 2


def test_family_permissions(services: Services, db: Database) -> None:
    class_id, teacher_id = add_class(db, "Oak")
    student = new_student(services, class_id=class_id)
    elsewhere = new_student(services, 2)
    member = services.families.add_carer(FSW, student.id, mother(), LinkInput())
    for actor in (READ_ONLY, teacher(teacher_id)):
        with pytest.raises(PermissionDenied):
            services.families.add_carer(actor, student.id, father(), LinkInput())
        with pytest.raises(PermissionDenied):
            services.families.update_carer(actor, member.carer.id, member.carer.version, mother())
        with pytest.raises(PermissionDenied):
            services.families.unlink_carer(actor, member.link.id, member.link.version)
        assert services.families.family(actor, student.id) == (member,)
    with pytest.raises(PermissionDenied):
        services.families.family(teacher(teacher_id), elsewhere.id)
    other = services.families.add_carer(OFFICE, elsewhere.id, father(), LinkInput())
    with pytest.raises(PermissionDenied):
        services.families.carer(teacher(teacher_id), other.carer.id)
    assert [c.id for c in services.families.carer_choices(teacher(teacher_id))] == [member.carer.id]


def test_carer_choices_search_by_name_phone_and_postcode(services: Services) -> None:
    student = new_student(services)
    services.families.add_carer(
        OFFICE,
        student.id,
        mother(first_name="Małgorzata", last_name="Wójcik"),
        LinkInput(),
        new_household=HOME,
    )
    (choice,) = services.families.carer_choices(OFFICE)
    assert choice.name == "Mrs Małgorzata Wójcik"
    assert choice.postcode == "TN13 2XY" and choice.students == "Ali Khan"
    for typed in ("malgorzata", "wójcik", "tn13", "+4477009001", "ali khan"):
        assert matches(choice.search_key, search_words(typed)), typed
