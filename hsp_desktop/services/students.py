"""The students list and the student file.

The list is loaded once as plain rows, with a handful of set-based queries, each row carrying a
folded search key and the flags the filters need; screens then search and filter in memory.
The student file is one frozen view: details, class and staff, SEN and EHCP dates with the next
review due, the family, and the one-line language and access summary.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from hsp_desktop.errors import ValidationError
from hsp_desktop.model import (
    Carer,
    ClassSupportStaff,
    Household,
    SchoolClass,
    StaffMember,
    Student,
    StudentCarer,
    rules,
)
from hsp_desktop.model.enums import Restriction, SenStatus, Sex, StudentStatus
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.checks import Checks
from hsp_desktop.services.common import apply_changes, check_version
from hsp_desktop.services.families import (
    FamilyMember,
    family_of,
    language_code,
    language_name,
    language_summary,
)
from hsp_desktop.services.search import search_key
from hsp_desktop.services.visibility import student_scope, visible_student
from hsp_desktop.store import Database

MAX_NOTES = 20_000
MAX_AGE_YEARS = 30
_YEAR_GROUPS = ("N1", "N2", "R", *(str(n) for n in range(1, 15)))
_YEAR_PREFIX = re.compile(r"^(?:YEAR|YR|Y)\s*", re.IGNORECASE)


def display_phone(e164: str) -> str:
    """A stored phone number the way people write it (for screens that cannot import rules)."""
    return rules.display_phone(e164)


# -- the list -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StudentRow:
    """One line of the students list: what the columns show and what the filters test."""

    id: int
    upn: str
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: dt.date
    year_group: str
    class_id: int | None
    class_name: str
    status: StudentStatus
    sen_status: SenStatus
    next_review_due: dt.date | None
    first_language: str  # DfE code
    family_languages: frozenset[str]  # spoken and written languages of the carers
    needs_interpreter: bool
    needs_translation: bool
    literacy_support: bool
    has_restriction: bool
    carers: int
    main_contact: str  # "Mrs Ayesha Khan (Mother)"
    contact_phone: str  # E.164
    key_worker: str
    tutor: str
    search_key: str = field(repr=False)

    @property
    def home_languages(self) -> frozenset[str]:
        """Every language spoken or read at home: the student's and the carers'."""
        return self.family_languages | {self.first_language}

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class Option:
    """An entry for a picker: a class or a member of staff."""

    id: int
    label: str
    detail: str = ""


class _Review(NamedTuple):
    sen_status: SenStatus
    ehcp_issued: dt.date | None
    ehcp_last_review: dt.date | None


def next_review_due(
    sen_status: SenStatus, issued: dt.date | None, last_review: dt.date | None
) -> dt.date | None:
    # The rule lives on Student; it reads only these three attributes.
    result: dt.date | None = Student.next_review_due.fget(  # type: ignore[attr-defined]
        _Review(sen_status, issued, last_review)
    )
    return result


def _staff_name(title: str | None, first: str | None, last: str | None) -> str:
    return " ".join(p for p in (title, first, last) if p)


# -- the file -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StudentInput:
    """What a form or an import sends to create or change a student."""

    upn: str
    first_name: str
    last_name: str
    date_of_birth: dt.date | str | None
    preferred_first_name: str = ""
    preferred_last_name: str = ""
    sex: Sex | str = Sex.UNKNOWN
    year_group: str = ""
    class_id: int | None = None
    key_worker_id: int | None = None
    tutor_id: int | None = None
    sen_status: SenStatus | str = SenStatus.NONE
    ehcp_issued: dt.date | str | None = None
    ehcp_last_review: dt.date | str | None = None
    first_language: str = "ENG"
    admission_date: dt.date | str | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class StudentFile:
    id: int
    version: int
    upn: str
    first_name: str
    last_name: str
    preferred_first_name: str
    preferred_last_name: str
    date_of_birth: dt.date
    sex: Sex
    year_group: str
    class_id: int | None
    class_name: str
    key_worker_id: int | None
    key_worker_name: str
    tutor_id: int | None
    tutor_name: str
    sen_status: SenStatus
    ehcp_issued: dt.date | None
    ehcp_last_review: dt.date | None
    next_review_due: dt.date | None
    review_overdue: bool
    first_language: str
    first_language_name: str
    admission_date: dt.date | None
    leaving_date: dt.date | None
    status: StudentStatus
    notes: str
    family: tuple[FamilyMember, ...]
    language_summary: str

    @property
    def display_name(self) -> str:
        first = self.preferred_first_name or self.first_name
        return f"{first} {self.preferred_last_name or self.last_name}"

    @property
    def legal_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def restrictions(self) -> tuple[FamilyMember, ...]:
        return tuple(m for m in self.family if m.link.is_restricted)

    def as_input(self) -> StudentInput:
        return StudentInput(**{f.name: getattr(self, f.name) for f in fields(StudentInput)})


def _clean_year_group(field_name: str, value: str | None) -> str:
    text = _YEAR_PREFIX.sub("", (value or "").strip()).upper()
    if not text:
        return ""
    if text.isdigit():
        text = str(int(text))
    if text not in _YEAR_GROUPS:
        raise ValidationError(field_name, f"{value!r} is not a year group (N1, N2, R or 1 to 14)")
    return text


def _clean_student(data: StudentInput, today: dt.date) -> dict[str, Any]:
    check = Checks()
    values: dict[str, Any] = {
        "upn": check(rules.upn, "UPN", data.upn),
        "first_name": check(rules.required_text, "First name", data.first_name),
        "last_name": check(rules.required_text, "Last name", data.last_name),
        "preferred_first_name": check(
            rules.optional_text, "Preferred first name", data.preferred_first_name
        ),
        "preferred_last_name": check(
            rules.optional_text, "Preferred last name", data.preferred_last_name
        ),
        "date_of_birth": check(
            rules.parse_date, "Date of birth", data.date_of_birth, required=True
        ),
        "year_group": check(_clean_year_group, "Year group", data.year_group),
        "class_id": data.class_id,
        "key_worker_id": data.key_worker_id,
        "tutor_id": data.tutor_id,
        "ehcp_issued": check(rules.parse_date, "EHCP issued", data.ehcp_issued),
        "ehcp_last_review": check(rules.parse_date, "EHCP last review", data.ehcp_last_review),
        "first_language": check(language_code, "First language", data.first_language),
        "admission_date": check(rules.parse_date, "Admission date", data.admission_date),
        "notes": check(rules.free_text, "Notes", data.notes, MAX_NOTES),
    }
    for key, enum_cls, label in (
        ("sex", Sex, "Sex"),
        ("sen_status", SenStatus, "SEN status"),
    ):
        try:
            values[key] = enum_cls(getattr(data, key))
        except ValueError:
            check.fail(label, f"{getattr(data, key)!r} is not one of the choices")
    born = values["date_of_birth"]
    if born is not None:
        if born > today:
            check.fail("Date of birth", "cannot be in the future")
        elif born < dt.date(today.year - MAX_AGE_YEARS, 1, 1):
            check.fail("Date of birth", f"is more than {MAX_AGE_YEARS} years ago")
    for key, label in (("ehcp_issued", "EHCP issued"), ("ehcp_last_review", "EHCP last review")):
        day = values[key]
        if day is not None and day > today:
            check.fail(label, "cannot be in the future")
        if day is not None and born is not None and day < born:
            check.fail(label, "cannot be before the date of birth")
    issued, last = values["ehcp_issued"], values["ehcp_last_review"]
    if issued and last and last < issued:
        check.fail("EHCP last review", "cannot be before the plan was issued")
    admitted = values["admission_date"]
    if admitted is not None:
        if born is not None and admitted < born:
            check.fail("Admission date", "cannot be before the date of birth")
        if admitted > today + dt.timedelta(days=366):
            check.fail("Admission date", "is more than a year ahead")
    check.done()
    return values


class StudentService:
    def __init__(self, db: Database, today: type[dt.date] = dt.date) -> None:
        self.db = db
        self._today = today

    def today(self) -> dt.date:
        return self._today.today()

    # -- the list ---------------------------------------------------------------------------
    def list_rows(self, actor: Actor, ids: Collection[int] | None = None) -> list[StudentRow]:
        """Rows for the students list: all the actor may see, or just ``ids``.

        Three queries whatever the number of students: students with class and staff, then
        every carer link with the carer's language and access needs.
        """
        actor.require(Permission.VIEW_STUDENTS)
        scope = student_scope(actor)
        key_worker = aliased(StaffMember)
        tutor = aliased(StaffMember)
        query = (
            select(
                Student.id,
                Student.upn,
                Student.first_name,
                Student.last_name,
                Student.preferred_first_name,
                Student.preferred_last_name,
                Student.date_of_birth,
                Student.year_group,
                Student.class_id,
                SchoolClass.name,
                Student.status,
                Student.sen_status,
                Student.ehcp_issued,
                Student.ehcp_last_review,
                Student.first_language,
                key_worker.title,
                key_worker.first_name,
                key_worker.last_name,
                tutor.title,
                tutor.first_name,
                tutor.last_name,
            )
            .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
            .outerjoin(key_worker, key_worker.id == Student.key_worker_id)
            .outerjoin(tutor, tutor.id == Student.tutor_id)
            .order_by(Student.last_name, Student.first_name, Student.id)
        )
        carers_query = (
            select(
                StudentCarer.student_id,
                StudentCarer.relationship_to_student,
                StudentCarer.restriction,
                Carer.title,
                Carer.first_name,
                Carer.last_name,
                Carer.mobile,
                Carer.home_phone,
                Carer.work_phone,
                Household.home_phone,
                Carer.spoken_language,
                Carer.written_language,
                Carer.needs_interpreter,
                Carer.needs_translation,
                Carer.literacy_support,
            )
            .join(Carer, Carer.id == StudentCarer.carer_id)
            .outerjoin(Household, Household.id == Carer.household_id)
            .order_by(StudentCarer.student_id, StudentCarer.contact_order, StudentCarer.id)
        )
        if scope is not None:
            query = query.where(scope)
            carers_query = carers_query.join(Student, Student.id == StudentCarer.student_id).where(
                scope
            )
        if ids is not None:
            id_list = list(ids)
            query = query.where(Student.id.in_(id_list))
            carers_query = carers_query.where(StudentCarer.student_id.in_(id_list))
        with self.db.read() as s:
            students = s.execute(query).all()
            links = s.execute(carers_query).all()
        family: dict[int, list[Any]] = defaultdict(list)
        for link in links:
            family[link[0]].append(link)
        return [_row(student, family.get(student[0], ())) for student in students]

    def classes(self, actor: Actor) -> list[Option]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            rows = s.execute(
                select(SchoolClass.id, SchoolClass.name, SchoolClass.year_group).order_by(
                    SchoolClass.name
                )
            )
            return [Option(cid, name, year) for cid, name, year in rows]

    def my_class_ids(self, actor: Actor) -> frozenset[int]:
        """Classes the actor teaches or supports (for "my classes" filters)."""
        if actor.staff_member_id is None:
            return frozenset()
        with self.db.read() as s:
            taught = s.scalars(
                select(SchoolClass.id).where(SchoolClass.teacher_id == actor.staff_member_id)
            )
            supported = s.scalars(
                select(ClassSupportStaff.class_id).where(
                    ClassSupportStaff.staff_id == actor.staff_member_id
                )
            )
            return frozenset([*taught, *supported])

    def staff(self, actor: Actor) -> list[Option]:
        """Active staff, for key worker and tutor pickers."""
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            people = s.scalars(
                select(StaffMember)
                .where(StaffMember.active)
                .order_by(StaffMember.last_name, StaffMember.first_name)
            )
            return [Option(p.id, p.display_name, p.job_title) for p in people]

    # -- the file ---------------------------------------------------------------------------
    def get_file(self, actor: Actor, student_id: int) -> StudentFile:
        with self.db.read() as s:
            student = visible_student(s, actor, student_id)
            return self._file(s, student)

    def _file(self, s: Session, student: Student) -> StudentFile:
        family = family_of(s, student.id)
        due = student.next_review_due
        return StudentFile(
            id=student.id,
            version=student.version,
            upn=student.upn,
            first_name=student.first_name,
            last_name=student.last_name,
            preferred_first_name=student.preferred_first_name,
            preferred_last_name=student.preferred_last_name,
            date_of_birth=student.date_of_birth,
            sex=student.sex,
            year_group=student.year_group,
            class_id=student.class_id,
            class_name=student.school_class.name if student.school_class else "",
            key_worker_id=student.key_worker_id,
            key_worker_name=student.key_worker.display_name if student.key_worker else "",
            tutor_id=student.tutor_id,
            tutor_name=student.tutor.display_name if student.tutor else "",
            sen_status=student.sen_status,
            ehcp_issued=student.ehcp_issued,
            ehcp_last_review=student.ehcp_last_review,
            next_review_due=due,
            review_overdue=bool(
                due and due < self.today() and student.status is StudentStatus.ON_ROLL
            ),
            first_language=student.first_language,
            first_language_name=language_name(student.first_language),
            admission_date=student.admission_date,
            leaving_date=student.leaving_date,
            status=student.status,
            notes=student.notes,
            family=family,
            language_summary=language_summary(family),
        )

    # -- writes -----------------------------------------------------------------------------
    def create_student(self, actor: Actor, data: StudentInput) -> StudentFile:
        actor.require(Permission.EDIT_STUDENTS)
        values = _clean_student(data, self.today())
        with self.db.transaction() as s:
            self._check_references(s, values, None)
            student = Student(**values, status=StudentStatus.ON_ROLL)
            s.add(student)
            s.flush()
            audit.record(
                s,
                actor,
                "create",
                "student",
                student.id,
                f"Student {student.first_name} {student.last_name} ({student.upn})",
                after=audit.snapshot(student),
            )
            return self._file(s, student)

    def update_student(
        self, actor: Actor, student_id: int, read_version: int, data: StudentInput
    ) -> StudentFile:
        actor.require(Permission.EDIT_STUDENTS)
        values = _clean_student(data, self.today())
        with self.db.transaction() as s:
            student = visible_student(s, actor, student_id)
            check_version(student, read_version, "student")
            self._check_references(s, values, student.id)
            before = audit.snapshot(student)
            apply_changes(student, values)
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "student",
                student.id,
                f"Student {student.first_name} {student.last_name}",
                before=before,
                after=audit.snapshot(student),
            )
            return self._file(s, student)

    def mark_left(
        self,
        actor: Actor,
        student_id: int,
        read_version: int,
        leaving_date: dt.date | str | None,
    ) -> StudentFile:
        """Leavers are marked, never deleted: their file stays for the records."""
        actor.require(Permission.EDIT_STUDENTS)
        day = rules.parse_date("Leaving date", leaving_date, required=True)
        assert day is not None
        with self.db.transaction() as s:
            student = visible_student(s, actor, student_id)
            check_version(student, read_version, "student")
            if student.admission_date and day < student.admission_date:
                raise ValidationError("Leaving date", "cannot be before the admission date")
            if day < student.date_of_birth:
                raise ValidationError("Leaving date", "cannot be before the date of birth")
            if day > self.today() + dt.timedelta(days=366):
                raise ValidationError("Leaving date", "is more than a year ahead")
            before = audit.snapshot(student)
            student.status = StudentStatus.LEFT
            student.leaving_date = day
            s.flush()
            audit.record(
                s,
                actor,
                "leave",
                "student",
                student.id,
                f"{student.first_name} {student.last_name} left on {day:%d/%m/%Y}",
                before=before,
                after=audit.snapshot(student),
            )
            return self._file(s, student)

    def readmit(self, actor: Actor, student_id: int, read_version: int) -> StudentFile:
        """Undo "left": back on roll, no leaving date."""
        actor.require(Permission.EDIT_STUDENTS)
        with self.db.transaction() as s:
            student = visible_student(s, actor, student_id)
            check_version(student, read_version, "student")
            before = audit.snapshot(student)
            student.status = StudentStatus.ON_ROLL
            student.leaving_date = None
            s.flush()
            audit.record(
                s,
                actor,
                "readmit",
                "student",
                student.id,
                f"{student.first_name} {student.last_name} back on roll",
                before=before,
                after=audit.snapshot(student),
            )
            return self._file(s, student)

    def _check_references(self, s: Session, values: dict[str, Any], own_id: int | None) -> None:
        check = Checks()
        clash = s.execute(
            select(Student.id, Student.first_name, Student.last_name).where(
                Student.upn == values["upn"]
            )
        ).first()
        if clash is not None and clash[0] != own_id:
            check.fail("UPN", f"{values['upn']} is already used by {clash[1]} {clash[2]}")
        for key, cls, label in (
            ("class_id", SchoolClass, "Class"),
            ("key_worker_id", StaffMember, "Key worker"),
            ("tutor_id", StaffMember, "Tutor"),
        ):
            if values[key] is not None and s.get(cls, values[key]) is None:
                check.fail(label, "no longer exists; choose another")
        check.done()


def _row(student: Any, links: Any) -> StudentRow:
    (
        sid,
        upn,
        first,
        last,
        pref_first,
        pref_last,
        born,
        year_group,
        class_id,
        class_name,
        status,
        sen,
        issued,
        last_review,
        first_language,
        kw_title,
        kw_first,
        kw_last,
        tu_title,
        tu_first,
        tu_last,
    ) = student
    languages: set[str] = set()
    interpreter = translation = literacy = restricted = False
    main_contact = phone = ""
    for (
        _sid,
        relation,
        restriction,
        title,
        c_first,
        c_last,
        mobile,
        home,
        work,
        household_phone,
        spoken,
        written,
        needs_interpreter,
        needs_translation,
        literacy_support,
    ) in links:
        if restriction is not Restriction.NONE:
            restricted = True
            if restriction is Restriction.NO_CONTACT:
                continue
        languages.add(spoken)
        languages.add(written)
        interpreter = interpreter or needs_interpreter
        translation = translation or needs_translation
        literacy = literacy or literacy_support
        if not main_contact and restriction is Restriction.NONE:
            name = " ".join(p for p in (title, c_first, c_last) if p)
            main_contact = f"{name} ({relation.label})"
            phone = mobile or home or household_phone or work
    preferred = " ".join(p for p in (pref_first, pref_last) if p)
    return StudentRow(
        id=sid,
        upn=upn,
        first_name=first,
        last_name=last,
        preferred_name=preferred,
        date_of_birth=born,
        year_group=year_group,
        class_id=class_id,
        class_name=class_name or "",
        status=status,
        sen_status=sen,
        next_review_due=next_review_due(sen, issued, last_review),
        first_language=first_language,
        family_languages=frozenset(languages),
        needs_interpreter=interpreter,
        needs_translation=translation,
        literacy_support=literacy,
        has_restriction=restricted,
        carers=len(links),
        main_contact=main_contact,
        contact_phone=phone,
        key_worker=_staff_name(kw_title, kw_first, kw_last),
        tutor=_staff_name(tu_title, tu_first, tu_last),
        search_key=search_key(first, last, pref_first, pref_last, upn),
    )
