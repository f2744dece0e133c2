"""The students list, the student file, leavers, and the CSV export of the list."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from hsp_desktop.errors import (
    Cancelled,
    ConflictError,
    PermissionDenied,
    ValidationError,
    ValidationErrors,
)
from hsp_desktop.model import AuditEntry, SchoolClass, StaffMember, Student
from hsp_desktop.model.enums import (
    Relationship,
    Restriction,
    Role,
    SenStatus,
    StudentStatus,
)
from hsp_desktop.model.rules import make_upn
from hsp_desktop.services.actor import Actor
from hsp_desktop.services.container import Services
from hsp_desktop.services.exports import neutralise
from hsp_desktop.services.families import CarerInput, LinkInput
from hsp_desktop.services.search import matches, search_words
from hsp_desktop.services.students import StudentInput
from hsp_desktop.store import Database

OFFICE = Actor(1, "office", "Office Person", Role.OFFICE)
READ_ONLY = Actor(2, "governor", "A Governor", Role.READ_ONLY)
FSW = Actor(3, "fsw", "Family Support", Role.FAMILY_SUPPORT)


def teacher(staff_id: int | None) -> Actor:
    return Actor(4, "teacher", "A Teacher", Role.TEACHER, staff_id)


def upn(serial: int) -> str:
    return make_upn(886, 7001, 15, serial)


def field_names(exc: ValidationError | ValidationErrors) -> set[str]:
    if isinstance(exc, ValidationErrors):
        return {e.field for e in exc.errors}
    return {exc.field}


def add_class(db: Database, name: str, teacher_name: str = "Hughes") -> tuple[int, int]:
    """A class with its teacher; (class id, teacher's staff id)."""
    with db.transaction() as s:
        staff = StaffMember(title="Mr", first_name="Tom", last_name=teacher_name)
        cls = SchoolClass(name=name, year_group="Year 4", teacher=staff)
        s.add(cls)
        s.flush()
        return cls.id, staff.id


def student_input(**changes: Any) -> StudentInput:
    values: dict[str, Any] = {
        "upn": upn(1),
        "first_name": "Ali",
        "last_name": "Khan",
        "date_of_birth": dt.date(2015, 4, 3),
    }
    values.update(changes)
    return StudentInput(**values)


def count(db: Database, cls: type) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(cls)) or 0


@contextmanager
def counting_statements(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


# -- creating and reading -------------------------------------------------------------------
def test_create_and_read_back_the_file(services: Services, db: Database) -> None:
    class_id, teacher_id = add_class(db, "Oak")
    created = services.students.create_student(
        OFFICE,
        student_input(
            preferred_first_name="Aly",
            class_id=class_id,
            tutor_id=teacher_id,
            key_worker_id=teacher_id,
            year_group="Year 4",
            sen_status=SenStatus.EHCP,
            ehcp_issued="31/03/2021",
            first_language="ur",
            admission_date="2020-09-02",
        ),
    )
    read = services.students.get_file(READ_ONLY, created.id)
    assert read == created
    assert read.upn == upn(1)
    assert read.class_name == "Oak"
    assert read.tutor_name == "Mr Tom Hughes" == read.key_worker_name
    assert read.year_group == "4"
    assert read.first_language == "URD" and read.first_language_name == "Urdu"
    assert read.ehcp_issued == dt.date(2021, 3, 31)
    assert read.display_name == "Aly Khan" and read.legal_name == "Ali Khan"
    assert read.status is StudentStatus.ON_ROLL
    assert read.language_summary == "No parents or carers recorded"
    assert read.as_input().first_language == "URD"


def test_names_in_any_script_and_long_notes_are_kept_exactly(
    services: Services, db: Database
) -> None:
    text = "".join(("Lubi muzykę. ", "پسند ہے۔\n", "Likes the sensory room.\t") * 220)
    notes = text[: 10_000 - 1] + "!"  # exactly 10,000 characters, not blank at either end
    urdu = services.students.create_student(
        OFFICE,
        student_input(first_name="عائشہ", last_name="خان", notes=notes),
    )
    polish = services.students.create_student(
        OFFICE, student_input(upn=upn(2), first_name="Łucja", last_name="Wiśniewska-Żółć")
    )
    assert services.students.get_file(OFFICE, urdu.id).notes == notes
    assert len(services.students.get_file(OFFICE, urdu.id).notes) == 10_000
    assert services.students.get_file(OFFICE, urdu.id).first_name == "عائشہ"
    assert services.students.get_file(OFFICE, polish.id).last_name == "Wiśniewska-Żółć"


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"first_name": "  ", "last_name": ""}, {"First name", "Last name"}),
        ({"date_of_birth": "31/02/2015"}, {"Date of birth"}),
        ({"date_of_birth": None}, {"Date of birth"}),
        ({"date_of_birth": dt.date.today() + dt.timedelta(days=1)}, {"Date of birth"}),
        ({"date_of_birth": dt.date(1960, 1, 1)}, {"Date of birth"}),
        ({"upn": "A123"}, {"UPN"}),
        ({"upn": "B" + upn(1)[1:]}, {"UPN"}),  # wrong check letter
        ({"first_language": "XYZ"}, {"First language"}),
        ({"first_language": ""}, {"First language"}),
        ({"year_group": "Year 20"}, {"Year group"}),
        ({"sex": "X"}, {"Sex"}),
        ({"ehcp_issued": "2021-05-01", "ehcp_last_review": "2021-04-01"}, {"EHCP last review"}),
        ({"ehcp_issued": "2010-01-01"}, {"EHCP issued"}),  # before birth
        ({"admission_date": "2014-01-01"}, {"Admission date"}),
        ({"notes": "x" * 20_001}, {"Notes"}),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    services: Services, db: Database, changes: dict[str, Any], fields: set[str]
) -> None:
    with pytest.raises((ValidationError, ValidationErrors)) as caught:
        services.students.create_student(OFFICE, student_input(**changes))
    assert field_names(caught.value) == fields
    assert count(db, Student) == 0
    assert count(db, AuditEntry) == 0


def test_upn_must_be_unique(services: Services, db: Database) -> None:
    services.students.create_student(OFFICE, student_input())
    with pytest.raises(ValidationError, match="already used by Ali Khan"):
        services.students.create_student(OFFICE, student_input(first_name="Sara"))
    assert count(db, Student) == 1


def test_references_must_exist(services: Services, db: Database) -> None:
    with pytest.raises(ValidationErrors) as caught:
        services.students.create_student(OFFICE, student_input(class_id=999, tutor_id=998))
    assert field_names(caught.value) == {"Class", "Tutor"}


def test_next_review_due_is_computed_from_the_last_review(services: Services) -> None:
    issued_only = services.students.create_student(
        OFFICE,
        student_input(sen_status=SenStatus.EHCP, ehcp_issued="29/02/2020"),
    )
    assert issued_only.next_review_due == dt.date(2021, 2, 28)
    assert issued_only.review_overdue
    reviewed = services.students.update_student(
        OFFICE,
        issued_only.id,
        issued_only.version,
        student_input(
            sen_status=SenStatus.EHCP,
            ehcp_issued="29/02/2020",
            ehcp_last_review=dt.date.today() - dt.timedelta(days=10),
        ),
    )
    assert reviewed.next_review_due is not None
    assert reviewed.next_review_due > dt.date.today()
    assert not reviewed.review_overdue
    support = services.students.update_student(
        OFFICE,
        reviewed.id,
        reviewed.version,
        student_input(sen_status=SenStatus.SEN_SUPPORT),
    )
    assert support.next_review_due is None


# -- updating -------------------------------------------------------------------------------
def test_update_checks_the_version_and_reports_their_values(
    services: Services, db: Database
) -> None:
    created = services.students.create_student(OFFICE, student_input())
    mine = services.students.get_file(OFFICE, created.id)
    theirs = services.students.get_file(FSW, created.id)
    services.students.update_student(
        OFFICE, theirs.id, theirs.version, student_input(preferred_first_name="Al")
    )
    with pytest.raises(ConflictError) as caught:
        services.students.update_student(
            OFFICE, mine.id, mine.version, student_input(notes="my note")
        )
    conflict = caught.value
    assert conflict.entity == "student" and conflict.entity_id == created.id
    assert conflict.read_version == mine.version
    assert conflict.current_version == mine.version + 1
    assert conflict.theirs["preferred_first_name"] == "Al"
    assert conflict.theirs["notes"] == ""
    now = services.students.get_file(OFFICE, created.id)
    assert now.preferred_first_name == "Al" and now.notes == ""
    again = services.students.update_student(
        OFFICE,
        now.id,
        conflict.current_version,
        student_input(preferred_first_name="Al", notes="my note"),
    )
    assert again.notes == "my note" and again.preferred_first_name == "Al"


def test_failed_update_leaves_the_record_as_it_was(services: Services, db: Database) -> None:
    created = services.students.create_student(OFFICE, student_input(notes="kept"))
    with pytest.raises(ValidationError):
        services.students.update_student(
            OFFICE, created.id, created.version, student_input(notes="lost", upn="A1")
        )
    after = services.students.get_file(OFFICE, created.id)
    assert after.notes == "kept" and after.version == created.version


def test_leavers_are_marked_never_deleted(services: Services, db: Database) -> None:
    created = services.students.create_student(OFFICE, student_input(admission_date="2020-09-02"))
    with pytest.raises(ValidationError, match="before the admission date"):
        services.students.mark_left(OFFICE, created.id, created.version, "01/09/2020")
    with pytest.raises(ValidationError, match="not a real date"):
        services.students.mark_left(OFFICE, created.id, created.version, "30/02/2024")
    left = services.students.mark_left(OFFICE, created.id, created.version, "19/07/2024")
    assert left.status is StudentStatus.LEFT and left.leaving_date == dt.date(2024, 7, 19)
    assert count(db, Student) == 1
    (row,) = services.students.list_rows(OFFICE)
    assert row.status is StudentStatus.LEFT
    with pytest.raises(ConflictError):
        services.students.readmit(OFFICE, created.id, created.version)
    back = services.students.readmit(OFFICE, left.id, left.version)
    assert back.status is StudentStatus.ON_ROLL and back.leaving_date is None
    with db.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["create", "leave", "readmit"]


def test_every_write_is_audited_with_before_and_after(services: Services, db: Database) -> None:
    created = services.students.create_student(OFFICE, student_input())
    services.students.update_student(
        OFFICE, created.id, created.version, student_input(last_name="Khan-Ahmed")
    )
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        assert (entry.action, entry.entity, entry.entity_id) == ("update", "student", created.id)
        assert entry.username == "office"
        assert entry.before == {"last_name": "Khan"}
        assert entry.after == {"last_name": "Khan-Ahmed"}


# -- permissions ----------------------------------------------------------------------------
def test_roles_follow_the_matrix(services: Services, db: Database) -> None:
    class_id, teacher_id = add_class(db, "Oak")
    other_class, _ = add_class(db, "Beech", "Morris")
    mine = services.students.create_student(OFFICE, student_input(class_id=class_id))
    other = services.students.create_student(
        OFFICE, student_input(upn=upn(2), first_name="Sara", class_id=other_class)
    )
    for actor in (READ_ONLY, teacher(teacher_id)):
        with pytest.raises(PermissionDenied):
            services.students.create_student(actor, student_input(upn=upn(3)))
        with pytest.raises(PermissionDenied):
            services.students.update_student(actor, mine.id, mine.version, student_input())
        with pytest.raises(PermissionDenied):
            services.students.mark_left(actor, mine.id, mine.version, dt.date.today())
    # A class teacher sees the students of their own classes only.
    assert [r.id for r in services.students.list_rows(teacher(teacher_id))] == [mine.id]
    assert services.students.get_file(teacher(teacher_id), mine.id).id == mine.id
    with pytest.raises(PermissionDenied):
        services.students.get_file(teacher(teacher_id), other.id)
    assert services.students.list_rows(teacher(None)) == []
    assert {r.id for r in services.students.list_rows(READ_ONLY)} == {mine.id, other.id}
    assert services.students.my_class_ids(teacher(teacher_id)) == {class_id}


# -- the list -------------------------------------------------------------------------------
def test_list_rows_carry_the_columns_and_the_filter_flags(services: Services, db: Database) -> None:
    class_id, _ = add_class(db, "Oak")
    student = services.students.create_student(
        OFFICE,
        student_input(
            first_name="Łucja",
            last_name="Wójcik",
            preferred_first_name="Lucy",
            class_id=class_id,
            first_language="POL",
            sen_status=SenStatus.EHCP,
            ehcp_issued="2022-01-10",
        ),
    )
    services.families.add_carer(
        OFFICE,
        student.id,
        CarerInput(
            "Agnieszka",
            "Wójcik",
            title="Mrs",
            mobile="07700 900123",
            spoken_language="POL",
            written_language="POL",
            needs_interpreter=True,
            needs_translation=True,
        ),
        LinkInput(Relationship.MOTHER),
    )
    services.families.add_carer(
        OFFICE,
        student.id,
        CarerInput("Tomasz", "Wójcik", spoken_language="URD", preferred_contact="letter"),
        LinkInput(
            Relationship.FATHER,
            lives_with_student=False,
            receives_correspondence=False,
            contact_order=2,
            restriction=Restriction.NO_CONTACT,
            restriction_note="Do not contact: safeguarding file.",
        ),
    )
    (row,) = services.students.list_rows(OFFICE)
    assert row.id == student.id
    assert row.class_name == "Oak" and row.class_id == class_id
    assert row.preferred_name == "Lucy"
    assert row.sen_status is SenStatus.EHCP and row.next_review_due == dt.date(2023, 1, 10)
    assert row.needs_interpreter and row.needs_translation and not row.literacy_support
    assert row.has_restriction
    assert row.carers == 2
    assert row.main_contact == "Mrs Agnieszka Wójcik (Mother)"
    assert row.contact_phone == "+447700900123"
    # The no-contact father's language is not a home language of this student.
    assert row.home_languages == {"POL"}
    for typed in ("lucja", "WOJCIK", "łucja wój", "lucy", upn(1)[:6].lower(), "wojcik luc"):
        assert matches(row.search_key, search_words(typed)), typed
    assert not matches(row.search_key, search_words("khan"))


def test_the_list_loads_in_a_fixed_number_of_queries(demo_services: Services) -> None:
    db = demo_services.students.db
    with counting_statements(db) as few:
        small = demo_services.students.list_rows(OFFICE, ids=[1, 2, 3])
    with counting_statements(db) as many:
        everything = demo_services.students.list_rows(OFFICE)
    assert len(small) == 3 and len(everything) >= 90
    assert len(many) == len(few) <= 3
    assert {r.id for r in small} == {1, 2, 3}
    assert demo_services.students.list_rows(OFFICE, ids=[r.id for r in small]) == small


def test_pickers_list_classes_and_active_staff(demo_services: Services) -> None:
    classes = demo_services.students.classes(READ_ONLY)
    staff = demo_services.students.staff(READ_ONLY)
    assert len(classes) >= 10
    assert [c.label for c in classes] == sorted(c.label for c in classes)
    assert any(p.label == "Mr Tom Hughes" and p.detail == "Class teacher" for p in staff)


# -- export ---------------------------------------------------------------------------------
def test_neutralise_formula_like_cells() -> None:
    for dangerous in ("=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(dangerous) == "'" + dangerous
    for safe in ("Ali", "07700 900123", "", "a=b", "عائشہ"):
        assert neutralise(safe) == safe


def test_export_writes_utf8_with_bom_and_neutralised_cells(
    services: Services, db: Database, tmp_path: Path
) -> None:
    target = tmp_path / "students.csv"
    rows = [["عائشہ", "=cmd|' /C calc'!A0"], ["Łucja", "@evil"], ["Ali", "plain, with comma"]]
    seen: list[tuple[int, int]] = []
    written = services.exports.write_csv(
        OFFICE,
        target,
        ["Name", "Note"],
        rows,
        what="students list",
        progress=lambda done, total: seen.append((done, total)),
    )
    assert written == 3 and seen[-1] == (3, 3)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with target.open(encoding="utf-8-sig", newline="") as fh:
        back = list(csv.reader(fh))
    assert back == [
        ["Name", "Note"],
        ["عائشہ", "'=cmd|' /C calc'!A0"],
        ["Łucja", "'@evil"],
        ["Ali", "plain, with comma"],
    ]
    with db.read() as s:
        entry = s.scalars(select(AuditEntry)).one()
        assert (entry.action, entry.entity) == ("export", "students list")
        assert "3 rows" in entry.summary


def test_export_needs_the_permission_and_leaves_nothing_when_cancelled(
    services: Services, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "out.csv"
    with pytest.raises(PermissionDenied):
        services.exports.write_csv(teacher(None), target, ["A"], [["1"]], what="students list")
    with pytest.raises(Cancelled):
        services.exports.write_csv(
            OFFICE, target, ["A"], [["1"]] * 500, what="students list", cancelled=lambda: True
        )
    assert list(folder.iterdir()) == []
