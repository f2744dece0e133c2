"""The home-school book: school pages, family pages, a class's day in one go, printed weeks.

Policy 004: home-school books carry activities, moods, achievements and special events both
ways. The record matches the paper book: a family's page is either typed in by staff or noted
as received. A family page waits for a reply until the school next writes in the book (or
someone marks it answered). Achievements written here count as positive contact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hsp_desktop.errors import ConflictError, ValidationError
from hsp_desktop.model import (
    Carer,
    HomeBookEntry,
    HomeBookFields,
    SchoolClass,
    StaffMember,
    Student,
    StudentCarer,
    rules,
)
from hsp_desktop.model.enums import Restriction, StudentStatus
from hsp_desktop.model.homebook import Author, FamilyEntryKind, Mood, StructuredField
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.common import check_version, get_or_fail
from hsp_desktop.services.contacts import Clock, staff_name, student_name, utc_now
from hsp_desktop.store import Database

__all__ = [
    "AwaitingReply",
    "ClassDay",
    "DayRow",
    "EntryView",
    "FamilyEntryKind",
    "HomebookService",
    "Mood",
    "SchoolEntryDraft",
    "StructuredField",
    "WeekPage",
]

MAX_TEXT = 10_000
MAX_FIELD = 200


@dataclass(frozen=True, slots=True)
class EntryView:
    id: int
    student_id: int
    day: dt.date
    author: Author
    staff_name: str
    activities: str
    mood: Mood | None
    achievements: str
    events: str
    structured: tuple[tuple[StructuredField, str], ...]  # only fields with a value
    family_kind: FamilyEntryKind | None
    message: str
    needs_reply: bool
    version: int

    @property
    def is_empty(self) -> bool:
        return not (
            self.activities
            or self.mood
            or self.achievements
            or self.events
            or self.structured
            or self.message
            or self.family_kind
        )


@dataclass(frozen=True, slots=True)
class SchoolEntryDraft:
    student_id: int
    read_version: int | None = None  # None for a new page
    activities: str = ""
    mood: Mood | None = None
    achievements: str = ""
    events: str = ""
    structured: dict[StructuredField, str] = field(default_factory=dict)

    @property
    def is_blank(self) -> bool:
        return not (
            self.activities.strip()
            or self.mood
            or self.achievements.strip()
            or self.events.strip()
            or any(v.strip() for v in self.structured.values())
        )


@dataclass(frozen=True, slots=True)
class DayRow:
    student_id: int
    name: str
    fields: tuple[StructuredField, ...]
    entry: EntryView | None  # the school page for the day, if written
    awaiting_reply: bool  # a family page is waiting for an answer
    family_today: EntryView | None


@dataclass(frozen=True, slots=True)
class ClassDay:
    class_id: int
    class_name: str
    day: dt.date
    rows: tuple[DayRow, ...]


@dataclass(frozen=True, slots=True)
class AwaitingReply:
    entry_id: int
    student_id: int
    student_name: str
    class_name: str
    day: dt.date
    kind: FamilyEntryKind | None
    message: str
    version: int


@dataclass(frozen=True, slots=True)
class WeekPage:
    """One student's week, for the printed page."""

    student_id: int
    student_name: str
    class_name: str
    language: str  # DfE code of the written language of the family the page goes to
    week_start: dt.date
    fields: tuple[StructuredField, ...]
    days: tuple[tuple[dt.date, EntryView | None, EntryView | None], ...]  # (day, school, family)


def _fields_of(value: str) -> tuple[StructuredField, ...]:
    known = {f.value for f in StructuredField}
    return tuple(StructuredField(v) for v in value.split(",") if v in known)


def _view(entry: HomeBookEntry, staff: str) -> EntryView:
    structured = tuple(
        (f, getattr(entry, f.value)) for f in StructuredField if getattr(entry, f.value)
    )
    return EntryView(
        entry.id,
        entry.student_id,
        entry.day,
        entry.author,
        staff,
        entry.activities,
        Mood(str(entry.mood)) if entry.mood else None,
        entry.achievements,
        entry.events,
        structured,
        entry.family_kind,
        entry.message,
        entry.needs_reply,
        entry.version,
    )


class HomebookService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def _today(self) -> dt.date:
        return self.clock().astimezone().date()

    # -- structured fields per student -------------------------------------------------------
    def fields(self, actor: Actor, student_id: int) -> tuple[tuple[StructuredField, ...], int]:
        """The fields switched on for the student, and the version to save changes against."""
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            row = s.get(HomeBookFields, student_id)
            return (_fields_of(row.fields), row.version) if row else ((), 0)

    def set_fields(
        self,
        actor: Actor,
        student_id: int,
        read_version: int,
        fields: Iterable[StructuredField],
    ) -> tuple[StructuredField, ...]:
        actor.require(Permission.EDIT_HOMEBOOK)
        chosen = tuple(f for f in StructuredField if f in set(fields))
        with self.db.transaction() as s:
            get_or_fail(s, Student, student_id, "student")
            row = s.get(HomeBookFields, student_id)
            if row is None:
                if read_version != 0:
                    raise ConflictError("home-school book fields", student_id, read_version, 0)
                row = HomeBookFields(student_id=student_id)
                s.add(row)
            else:
                check_version(row, read_version, "home-school book fields")
            row.fields = ",".join(f.value for f in chosen)
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "homebook_fields",
                student_id,
                "Home-school book fields: " + (", ".join(f.label for f in chosen) or "none"),
            )
            return chosen

    # -- a class's day -----------------------------------------------------------------------
    def class_day(self, actor: Actor, class_id: int, day: dt.date | None = None) -> ClassDay:
        actor.require(Permission.VIEW_STUDENTS)
        day = day or self._today()
        with self.db.read() as s:
            cls = get_or_fail(s, SchoolClass, class_id, "class")
            students = s.execute(
                select(
                    Student.id, Student.first_name, Student.preferred_first_name, Student.last_name
                )
                .where(Student.class_id == class_id, Student.status == StudentStatus.ON_ROLL)
                .order_by(Student.last_name, Student.first_name)
            ).all()
            ids = [r[0] for r in students]
            fields = dict(
                s.execute(
                    select(HomeBookFields.student_id, HomeBookFields.fields).where(
                        HomeBookFields.student_id.in_(ids)
                    )
                ).all()
            )
            entries = s.execute(
                select(HomeBookEntry, StaffMember)
                .outerjoin(StaffMember, StaffMember.id == HomeBookEntry.staff_id)
                .where(HomeBookEntry.student_id.in_(ids), HomeBookEntry.day == day)
            ).all()
            awaiting = set(
                s.scalars(
                    select(HomeBookEntry.student_id).where(
                        HomeBookEntry.student_id.in_(ids),
                        HomeBookEntry.author == Author.FAMILY,
                        HomeBookEntry.needs_reply,
                    )
                )
            )
            school = {
                e.student_id: _view(e, staff_name(m))
                for e, m in entries
                if e.author is Author.SCHOOL
            }
            family = {
                e.student_id: _view(e, staff_name(m))
                for e, m in entries
                if e.author is Author.FAMILY
            }
            rows = tuple(
                DayRow(
                    sid,
                    f"{pref or first} {last}",
                    _fields_of(fields.get(sid, "")),
                    school.get(sid),
                    sid in awaiting,
                    family.get(sid),
                )
                for sid, first, pref, last in students
            )
            return ClassDay(cls.id, cls.name, day, rows)

    def save_day(
        self, actor: Actor, day: dt.date, drafts: Sequence[SchoolEntryDraft]
    ) -> list[EntryView]:
        """Save the school pages of many students for one day, all or nothing."""
        actor.require(Permission.EDIT_HOMEBOOK)
        if day > self._today():
            raise ValidationError("Day", f"{day:%d/%m/%Y} is in the future")
        saved: list[EntryView] = []
        with self.db.transaction() as s:
            me = s.get(StaffMember, actor.staff_member_id) if actor.staff_member_id else None
            for draft in drafts:
                saved_view = self._save_one(s, actor, day, draft, staff_name(me))
                if saved_view is not None:
                    saved.append(saved_view)
        return saved

    def _save_one(
        self, s: Session, actor: Actor, day: dt.date, draft: SchoolEntryDraft, me: str
    ) -> EntryView | None:
        student = get_or_fail(s, Student, draft.student_id, "student")
        name = student_name(student)
        existing = s.scalar(
            select(HomeBookEntry).where(
                HomeBookEntry.student_id == draft.student_id,
                HomeBookEntry.day == day,
                HomeBookEntry.author == Author.SCHOOL,
            )
        )
        if existing is None and draft.is_blank:
            return None
        if student.admission_date and day < student.admission_date:
            raise ValidationError(
                name, f"{day:%d/%m/%Y} is before admission ({student.admission_date:%d/%m/%Y})"
            )
        values = {
            "activities": rules.free_text(f"{name}: activities", draft.activities, MAX_TEXT),
            "mood": Mood(draft.mood).level if draft.mood else None,
            "achievements": rules.free_text(f"{name}: achievements", draft.achievements, MAX_TEXT),
            "events": rules.free_text(f"{name}: events", draft.events, MAX_TEXT),
        }
        for f in StructuredField:
            values[f.value] = rules.free_text(
                f"{name}: {f.label.lower()}", draft.structured.get(f, ""), MAX_FIELD
            )
        if existing is None:
            if draft.read_version not in (None, 0):
                raise ConflictError("home-school book page", 0, draft.read_version or 0, 0)
            entry = HomeBookEntry(
                student_id=draft.student_id,
                day=day,
                author=Author.SCHOOL,
                staff_id=actor.staff_member_id,
                created_by=actor.user_id,
                **values,
            )
            s.add(entry)
            s.flush()
            action = "create"
            before = None
        else:
            if draft.read_version is None:
                raise ConflictError(
                    f"home-school book page of {name}", existing.id, 0, existing.version
                )
            check_version(existing, draft.read_version, f"home-school book page of {name}")
            before = audit.snapshot(existing)
            changed = False
            for key, value in values.items():
                if getattr(existing, key) != value:
                    setattr(existing, key, value)
                    changed = True
            if not changed:
                return _view(existing, me)
            entry = existing
            s.flush()
            action = "update"
        # Writing in the book answers what the family wrote up to that day.
        s.execute(
            update(HomeBookEntry)
            .where(
                HomeBookEntry.student_id == draft.student_id,
                HomeBookEntry.author == Author.FAMILY,
                HomeBookEntry.needs_reply,
                HomeBookEntry.day <= day,
            )
            .values(needs_reply=False, version=HomeBookEntry.version + 1)
            .execution_options(synchronize_session=False)
        )
        audit.record(
            s,
            actor,
            action,
            "homebook_entry",
            entry.id,
            f"Home-school book {day:%d/%m/%Y}",
            before,
            audit.snapshot(entry),
        )
        return _view(entry, me)

    def record_family_entry(
        self,
        actor: Actor,
        student_id: int,
        day: dt.date,
        kind: FamilyEntryKind,
        message: str = "",
        *,
        needs_reply: bool = True,
    ) -> EntryView:
        """What the family wrote: typed in by staff, or only noted as received."""
        actor.require(Permission.EDIT_HOMEBOOK)
        kind = FamilyEntryKind(kind)
        text = rules.free_text("Family's message", message, MAX_TEXT)
        if kind is FamilyEntryKind.TRANSCRIBED and not text:
            raise ValidationError("Family's message", "type what the family wrote")
        if day > self._today():
            raise ValidationError("Day", f"{day:%d/%m/%Y} is in the future")
        with self.db.transaction() as s:
            student = get_or_fail(s, Student, student_id, "student")
            if student.admission_date and day < student.admission_date:
                raise ValidationError(
                    "Day", f"is before admission ({student.admission_date:%d/%m/%Y})"
                )
            existing = s.scalar(
                select(HomeBookEntry).where(
                    HomeBookEntry.student_id == student_id,
                    HomeBookEntry.day == day,
                    HomeBookEntry.author == Author.FAMILY,
                )
            )
            if existing is not None:
                raise ValidationError(
                    "Day", f"the family's page for {day:%d/%m/%Y} is already recorded; edit it"
                )
            entry = HomeBookEntry(
                student_id=student_id,
                day=day,
                author=Author.FAMILY,
                staff_id=actor.staff_member_id,
                family_kind=kind,
                message=text,
                needs_reply=needs_reply,
                created_by=actor.user_id,
            )
            s.add(entry)
            s.flush()
            audit.record(
                s,
                actor,
                "create",
                "homebook_entry",
                entry.id,
                f"Family page {day:%d/%m/%Y} ({kind.value})",
            )
            staff = s.get(StaffMember, actor.staff_member_id) if actor.staff_member_id else None
            return _view(entry, staff_name(staff))

    def mark_answered(self, actor: Actor, entry_id: int, read_version: int) -> None:
        actor.require(Permission.EDIT_HOMEBOOK)
        with self.db.transaction() as s:
            entry = get_or_fail(s, HomeBookEntry, entry_id, "home-school book page")
            check_version(entry, read_version, "home-school book page")
            entry.needs_reply = False
            audit.record(s, actor, "update", "homebook_entry", entry.id, "Marked as answered")

    # -- reading -----------------------------------------------------------------------------
    def entry_ids(self, actor: Actor, student_id: int) -> list[int]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return list(
                s.scalars(
                    select(HomeBookEntry.id)
                    .where(HomeBookEntry.student_id == student_id)
                    .order_by(HomeBookEntry.day.desc(), HomeBookEntry.author.desc())
                )
            )

    def entries(self, actor: Actor, ids: Sequence[int]) -> dict[int, EntryView]:
        actor.require(Permission.VIEW_STUDENTS)
        if not ids:
            return {}
        with self.db.read() as s:
            rows = s.execute(
                select(HomeBookEntry, StaffMember)
                .outerjoin(StaffMember, StaffMember.id == HomeBookEntry.staff_id)
                .where(HomeBookEntry.id.in_(list(ids)))
            ).all()
            return {e.id: _view(e, staff_name(m)) for e, m in rows}

    def awaiting_reply(self, actor: Actor, class_id: int | None = None) -> list[AwaitingReply]:
        actor.require(Permission.VIEW_STUDENTS)
        query = (
            select(HomeBookEntry, Student, SchoolClass.name)
            .join(Student, Student.id == HomeBookEntry.student_id)
            .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
            .where(HomeBookEntry.author == Author.FAMILY, HomeBookEntry.needs_reply)
            .order_by(HomeBookEntry.day)
        )
        if class_id is not None:
            query = query.where(Student.class_id == class_id)
        with self.db.read() as s:
            return [
                AwaitingReply(
                    e.id,
                    st.id,
                    student_name(st),
                    cname or "",
                    e.day,
                    e.family_kind,
                    e.message,
                    e.version,
                )
                for e, st, cname in s.execute(query)
            ]

    def week(self, actor: Actor, student_id: int, week_start: dt.date) -> WeekPage:
        """Monday to Friday of the week containing ``week_start`` (and a weekend day when
        something was written on it), for printing."""
        actor.require(Permission.VIEW_STUDENTS)
        monday = week_start - dt.timedelta(days=week_start.weekday())
        days = [monday + dt.timedelta(days=i) for i in range(7)]
        with self.db.read() as s:
            student = get_or_fail(s, Student, student_id, "student")
            class_name = (
                s.scalar(select(SchoolClass.name).where(SchoolClass.id == student.class_id))
                if student.class_id
                else ""
            )
            row = s.get(HomeBookFields, student_id)
            entries = s.execute(
                select(HomeBookEntry, StaffMember)
                .outerjoin(StaffMember, StaffMember.id == HomeBookEntry.staff_id)
                .where(
                    HomeBookEntry.student_id == student_id,
                    HomeBookEntry.day >= days[0],
                    HomeBookEntry.day <= days[-1],
                )
            ).all()
            by_day = {(e.day, e.author): _view(e, staff_name(m)) for e, m in entries}
            days = [d for d in days if d.weekday() < 5 or any((d, a) in by_day for a in Author)]
            return WeekPage(
                student_id,
                student_name(student),
                class_name or "",
                family_language(s, student_id),
                monday,
                _fields_of(row.fields) if row else (),
                tuple(
                    (d, by_day.get((d, Author.SCHOOL)), by_day.get((d, Author.FAMILY)))
                    for d in days
                ),
            )

    def week_pages_pdf(
        self, actor: Actor, student_ids: Sequence[int], week_start: dt.date
    ) -> bytes:
        """One printed page per student for the week, headings in the family's language."""
        from hsp_desktop.documents.homebook_page import DayData, WeekData, week_pages_pdf
        from hsp_desktop.model import School

        with self.db.read() as s:
            school = s.scalar(select(School.name)) or ""
        weeks = []
        for student_id in student_ids:
            week = self.week(actor, student_id, week_start)
            days = []
            for day, school_page, family_page in week.days:
                from_home = ""
                if family_page is not None:
                    from_home = family_page.message or "(Written in the paper book.)"
                days.append(
                    DayData(
                        day,
                        school_page.mood.level if school_page and school_page.mood else None,
                        school_page.activities if school_page else "",
                        school_page.achievements if school_page else "",
                        school_page.events if school_page else "",
                        [(f.label, v) for f, v in school_page.structured] if school_page else [],
                        from_home,
                    )
                )
            weeks.append(
                WeekData(
                    school,
                    week.student_name,
                    week.class_name,
                    week.language,
                    week.week_start,
                    days,
                )
            )
        return week_pages_pdf(weeks)


def family_language(s: Session, student_id: int) -> str:
    """The written language of the first carer the book goes home to (English otherwise)."""
    row = s.execute(
        select(Carer.written_language)
        .join(StudentCarer, StudentCarer.carer_id == Carer.id)
        .where(
            StudentCarer.student_id == student_id,
            StudentCarer.lives_with_student,
            StudentCarer.restriction == Restriction.NONE,
        )
        .order_by(StudentCarer.contact_order, Carer.id)
        .limit(1)
    ).first()
    return row[0] if row and row[0] else "ENG"
