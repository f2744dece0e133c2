"""The contact log: logging a conversation (or an attempt) with a family, and reading it back.

A contact names the student, the carers spoken to (or tried), the member of staff, when, how,
why, the tone, the outcome and who interpreted. Entries marked restricted are shown only to
roles allowed to see restricted records (and to the person who wrote them). Logging checks
the date against today, the student's admission and the term dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsp_desktop.errors import KnownError, ValidationError
from hsp_desktop.i18n import languages
from hsp_desktop.model import (
    AttendanceCall,
    Carer,
    ContactCarer,
    ContactRecord,
    FollowUpAction,
    Household,
    SchoolClass,
    StaffMember,
    Student,
    StudentCarer,
    rules,
)
from hsp_desktop.model.contacts import (
    Channel,
    Direction,
    InterpreterKind,
    Outcome,
    Purpose,
    Tone,
)
from hsp_desktop.model.enums import Restriction, StudentStatus
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.common import check_version, get_or_fail
from hsp_desktop.services.terms import local_bounds, local_day, term_containing
from hsp_desktop.store import Database

__all__ = [
    "AttendanceCallView",
    "CarerChoice",
    "Channel",
    "ContactDraft",
    "ContactForm",
    "ContactRow",
    "ContactService",
    "ContactView",
    "Direction",
    "FollowUpDraft",
    "InterpreterKind",
    "NeedsConfirmation",
    "Outcome",
    "Purpose",
    "StaffChoice",
    "StudentChoice",
    "Tone",
]

MAX_SUMMARY = 20_000
# A clock a few minutes fast on another PC should not refuse a call just made.
FUTURE_SLACK = dt.timedelta(minutes=10)

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class NeedsConfirmation(KnownError):
    """Allowed, but unusual: the user confirms and the call is repeated with ``confirmed``."""

    title = "Please confirm"


def student_name(student: Student) -> str:
    return f"{student.preferred_first_name or student.first_name} {student.last_name}"


def staff_name(member: StaffMember | None) -> str:
    return member.display_name if member else ""


def language_name(code: str) -> str:
    if not code:
        return ""
    try:
        return languages.get(code).english_name
    except languages.UnknownLanguageError:
        return code


@dataclass(frozen=True, slots=True)
class StaffChoice:
    id: int
    name: str
    job_title: str
    languages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StudentChoice:
    id: int
    name: str
    class_id: int | None
    class_name: str


@dataclass(frozen=True, slots=True)
class CarerChoice:
    carer_id: int
    name: str
    relationship: str
    household_id: int | None
    address: str
    phone: str  # display form of the first number on file
    spoken_language: str  # DfE code
    language: str  # English name, with the dialect if recorded
    needs_interpreter: bool
    interpreter_notes: str
    parental_responsibility: bool
    lives_with_student: bool
    restriction: Restriction
    restriction_note: str
    contact_order: int

    @property
    def restricted(self) -> bool:
        return self.restriction is not Restriction.NONE


@dataclass(frozen=True, slots=True)
class ContactForm:
    """What the contact form needs to open for one student."""

    student: StudentChoice
    admission_date: dt.date | None
    carers: tuple[CarerChoice, ...]
    staff: tuple[StaffChoice, ...]
    default_staff_id: int | None

    @property
    def interpreter_languages(self) -> tuple[str, ...]:
        seen: list[str] = []
        for carer in self.carers:
            if carer.needs_interpreter and not carer.restricted and carer.language not in seen:
                seen.append(carer.language)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class FollowUpDraft:
    description: str
    owner_id: int | None
    due_date: dt.date | None


@dataclass(frozen=True, slots=True)
class ContactDraft:
    student_id: int
    at: dt.datetime
    channel: Channel
    direction: Direction
    purpose: Purpose
    tone: Tone
    outcome: Outcome
    carer_ids: tuple[int, ...] = ()
    staff_id: int | None = None
    interpreter: InterpreterKind = InterpreterKind.NONE
    interpreter_staff_id: int | None = None
    interpreter_name: str = ""
    interpreter_language: str = ""
    summary: str = ""
    restricted: bool = False
    followup: FollowUpDraft | None = None


@dataclass(frozen=True, slots=True)
class ContactView:
    id: int
    student_id: int
    student_name: str
    at: dt.datetime
    channel: Channel
    direction: Direction
    purpose: Purpose
    tone: Tone
    outcome: Outcome
    carer_ids: tuple[int, ...]
    carer_names: tuple[str, ...]
    staff_id: int | None
    staff_name: str
    interpreter: InterpreterKind
    interpreter_staff_id: int | None
    interpreter_name: str
    interpreter_language: str
    summary: str
    restricted: bool
    version: int
    followups: tuple[int, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ContactRow:
    """One line of a contact list; a restricted entry the reader may not see says so."""

    id: int
    student_id: int
    student_name: str
    at: dt.datetime
    channel: Channel
    purpose: Purpose
    tone: Tone
    outcome: Outcome
    staff_name: str
    carers: str
    interpreter: InterpreterKind
    summary: str
    restricted: bool
    hidden: bool


@dataclass(frozen=True, slots=True)
class AttendanceCallView:
    id: int
    contact_id: int
    day: dt.date
    at: dt.datetime
    student_id: int
    student_name: str
    class_name: str
    carer_name: str
    phone: str
    outcome: Outcome
    reason_given: str
    staff_name: str
    version: int


def may_see_restricted(actor: Actor, created_by: int | None) -> bool:
    return actor.can(Permission.VIEW_RESTRICTED) or (
        created_by is not None and created_by == actor.user_id
    )


def staff_choices(s: Session) -> tuple[StaffChoice, ...]:
    rows = s.scalars(
        select(StaffMember)
        .where(StaffMember.active)
        .order_by(StaffMember.last_name, StaffMember.first_name)
    ).all()
    return tuple(
        StaffChoice(
            m.id,
            m.display_name,
            m.job_title,
            tuple(c for c in m.languages.split(",") if c),
        )
        for m in rows
    )


def carer_choices(s: Session, student_id: int) -> tuple[CarerChoice, ...]:
    rows = s.execute(
        select(StudentCarer, Carer, Household)
        .join(Carer, StudentCarer.carer_id == Carer.id)
        .outerjoin(Household, Carer.household_id == Household.id)
        .where(StudentCarer.student_id == student_id)
        .order_by(StudentCarer.contact_order, Carer.last_name)
    ).all()
    result = []
    for link, carer, household in rows:
        language = language_name(carer.spoken_language)
        if carer.spoken_dialect and carer.spoken_dialect not in language:
            language = f"{language} ({carer.spoken_dialect})"
        number = carer.mobile or carer.home_phone or (household.home_phone if household else "")
        result.append(
            CarerChoice(
                carer.id,
                carer.full_name,
                link.relationship_to_student.label,
                carer.household_id,
                ", ".join(household.address_lines) if household else "",
                rules.display_phone(number),
                carer.spoken_language,
                language,
                carer.needs_interpreter,
                carer.interpreter_notes,
                link.parental_responsibility,
                link.lives_with_student,
                link.restriction,
                link.restriction_note,
                link.contact_order,
            )
        )
    return tuple(result)


def _student_choice(s: Session, student: Student) -> StudentChoice:
    class_name: str | None = ""
    if student.class_id is not None:
        class_name = s.scalar(select(SchoolClass.name).where(SchoolClass.id == student.class_id))
    return StudentChoice(student.id, student_name(student), student.class_id, class_name or "")


class ContactService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    # -- choices for the form ----------------------------------------------------------------
    def students(self, actor: Actor, class_id: int | None = None) -> list[StudentChoice]:
        """Students on roll (of one class, or all), for pickers."""
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            query = (
                select(
                    Student.id,
                    Student.first_name,
                    Student.preferred_first_name,
                    Student.last_name,
                    Student.class_id,
                    SchoolClass.name,
                )
                .outerjoin(SchoolClass, Student.class_id == SchoolClass.id)
                .where(Student.status == StudentStatus.ON_ROLL)
                .order_by(Student.last_name, Student.first_name)
            )
            if class_id is not None:
                query = query.where(Student.class_id == class_id)
            return [
                StudentChoice(sid, f"{pref or first} {last}", cid, cname or "")
                for sid, first, pref, last, cid, cname in s.execute(query)
            ]

    def staff(self, actor: Actor) -> tuple[StaffChoice, ...]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return staff_choices(s)

    def form(self, actor: Actor, student_id: int) -> ContactForm:
        actor.require(Permission.LOG_CONTACTS)
        with self.db.read() as s:
            student = get_or_fail(s, Student, student_id, "student")
            return ContactForm(
                _student_choice(s, student),
                student.admission_date,
                carer_choices(s, student_id),
                staff_choices(s),
                actor.staff_member_id,
            )

    # -- writing -----------------------------------------------------------------------------
    def log(self, actor: Actor, draft: ContactDraft, *, confirmed: bool = False) -> ContactView:
        """Record a contact. Raises ``NeedsConfirmation`` for a date outside any term."""
        actor.require(Permission.LOG_CONTACTS)
        with self.db.transaction() as s:
            values, carers, warnings = self._validate(s, actor, draft, confirmed)
            contact = ContactRecord(**values, created_by=actor.user_id)
            contact.carers = [ContactCarer(carer_id=c) for c in carers]
            s.add(contact)
            s.flush()
            followups = self._add_followup(s, actor, contact, draft.followup)
            audit.record(
                s,
                actor,
                "create",
                "contact_record",
                contact.id,
                f"{contact.channel.label} contact, {contact.outcome.label.lower()}",
                after=None if contact.restricted else audit.snapshot(contact),
            )
            return self._view(s, contact, followups, warnings)

    def update(
        self,
        actor: Actor,
        contact_id: int,
        read_version: int,
        draft: ContactDraft,
        *,
        confirmed: bool = False,
    ) -> ContactView:
        actor.require(Permission.LOG_CONTACTS)
        with self.db.transaction() as s:
            contact = get_or_fail(s, ContactRecord, contact_id, "contact")
            if contact.restricted and not may_see_restricted(actor, contact.created_by):
                raise KnownError("This contact is restricted; you may not change it.")
            check_version(contact, read_version, "contact")
            if draft.student_id != contact.student_id:
                raise ValidationError("Student", "a contact cannot be moved to another student")
            values, carers, warnings = self._validate(s, actor, draft, confirmed)
            before = audit.snapshot(contact)
            for key, value in values.items():
                setattr(contact, key, value)
            existing = {c.carer_id for c in contact.carers}
            if existing != set(carers):
                contact.carers = [c for c in contact.carers if c.carer_id in carers] + [
                    ContactCarer(carer_id=c) for c in carers if c not in existing
                ]
            s.flush()
            followups = self._add_followup(s, actor, contact, draft.followup)
            audit.record(
                s,
                actor,
                "update",
                "contact_record",
                contact.id,
                "Contact changed",
                before=None if contact.restricted else before,
                after=None if contact.restricted else audit.snapshot(contact),
            )
            return self._view(s, contact, followups, warnings)

    def delete(self, actor: Actor, contact_id: int, read_version: int) -> None:
        actor.require(Permission.LOG_CONTACTS)
        with self.db.transaction() as s:
            contact = get_or_fail(s, ContactRecord, contact_id, "contact")
            if contact.restricted and not may_see_restricted(actor, contact.created_by):
                raise KnownError("This contact is restricted; you may not delete it.")
            check_version(contact, read_version, "contact")
            s.delete(contact)
            audit.record(s, actor, "delete", "contact_record", contact_id, "Contact deleted")

    def _validate(
        self, s: Session, actor: Actor, draft: ContactDraft, confirmed: bool
    ) -> tuple[dict[str, object], list[int], tuple[str, ...]]:
        student = get_or_fail(s, Student, draft.student_id, "student")
        at = draft.at
        if at.tzinfo is None:
            raise ValidationError("Date and time", "has no time zone")
        now = self.clock()
        if at > now + FUTURE_SLACK:
            raise ValidationError(
                "Date and time",
                f"{at.astimezone():%d/%m/%Y %H:%M} is in the future; log a contact once it "
                "has happened",
            )
        day = local_day(at)
        if student.admission_date and day < student.admission_date:
            raise ValidationError(
                "Date",
                f"{day:%d/%m/%Y} is before {student_name(student)} was admitted "
                f"({student.admission_date:%d/%m/%Y})",
            )
        warnings: list[str] = []
        if term_containing(s, day) is None:
            reason = f"{day:%d/%m/%Y} is outside every term in the term dates"
            if not confirmed:
                raise NeedsConfirmation(
                    f"{reason}. It will be logged, but it does not count towards any "
                    "term's contact. Log it anyway?"
                )
            warnings.append(reason)
        links = {
            link.carer_id: link
            for link in s.scalars(
                select(StudentCarer).where(StudentCarer.student_id == draft.student_id)
            )
        }
        carers = list(dict.fromkeys(draft.carer_ids))
        rules_restricted = False
        for carer_id in carers:
            link = links.get(carer_id)
            if link is None:
                raise ValidationError("Carers", f"carer {carer_id} is not linked to this student")
            if link.restriction is not Restriction.NONE:
                name = link.carer.full_name
                if draft.direction is Direction.TO_HOME:
                    raise ValidationError(
                        "Carers",
                        f"{name} is marked '{link.restriction.label}'"
                        + (f": {link.restriction_note}" if link.restriction_note else "")
                        + ". The school does not contact them.",
                    )
                rules_restricted = True
        restricted = draft.restricted or rules_restricted
        if draft.outcome is Outcome.SPOKE and not carers:
            raise ValidationError("Carers", "choose whom you spoke to")
        summary = rules.free_text("Summary", draft.summary, MAX_SUMMARY)
        staff_id = draft.staff_id if draft.staff_id is not None else actor.staff_member_id
        if staff_id is not None:
            get_or_fail(s, StaffMember, staff_id, "member of staff")
        interpreter = InterpreterKind(draft.interpreter)
        interpreter_staff = None
        interpreter_name = rules.optional_text("Interpreter", draft.interpreter_name, 200)
        language = (draft.interpreter_language or "").strip().upper()
        if interpreter is InterpreterKind.NONE:
            interpreter_name, language = "", ""
        else:
            if interpreter is InterpreterKind.STAFF:
                if draft.interpreter_staff_id is None:
                    raise ValidationError(
                        "Interpreter", "choose the member of staff who interpreted"
                    )
                member = get_or_fail(s, StaffMember, draft.interpreter_staff_id, "interpreter")
                interpreter_staff = member.id
                interpreter_name = member.display_name
            if language:
                try:
                    language = languages.get(language).code
                except languages.UnknownLanguageError:
                    raise ValidationError(
                        "Interpreter language", f"{language!r} is not a known language"
                    ) from None
        values: dict[str, object] = {
            "student_id": draft.student_id,
            "staff_id": staff_id,
            "at": at.astimezone(dt.UTC),
            "channel": Channel(draft.channel),
            "direction": Direction(draft.direction),
            "purpose": Purpose(draft.purpose),
            "tone": Tone(draft.tone),
            "outcome": Outcome(draft.outcome),
            "interpreter": interpreter,
            "interpreter_staff_id": interpreter_staff,
            "interpreter_name": interpreter_name,
            "interpreter_language": language,
            "summary": summary,
            "restricted": restricted,
        }
        if draft.followup is not None:
            self._check_followup(s, draft.followup, day)
        return values, carers, tuple(warnings)

    @staticmethod
    def _check_followup(s: Session, followup: FollowUpDraft, day: dt.date) -> None:
        rules.required_text("Follow-up", followup.description, MAX_SUMMARY)
        if followup.owner_id is None:
            raise ValidationError("Follow-up owner", "choose who will do it")
        get_or_fail(s, StaffMember, followup.owner_id, "follow-up owner")
        if followup.due_date is None:
            raise ValidationError("Follow-up due date", "is required")
        if followup.due_date < day:
            raise ValidationError("Follow-up due date", "cannot be before the contact")

    @staticmethod
    def _add_followup(
        s: Session, actor: Actor, contact: ContactRecord, followup: FollowUpDraft | None
    ) -> tuple[int, ...]:
        if followup is not None:
            assert followup.owner_id is not None and followup.due_date is not None
            action = FollowUpAction(
                contact_id=contact.id,
                student_id=contact.student_id,
                owner_id=followup.owner_id,
                description=rules.free_text("Follow-up", followup.description, MAX_SUMMARY),
                due_date=followup.due_date,
            )
            s.add(action)
            s.flush()
            audit.record(
                s, actor, "create", "followup_action", action.id, "Follow-up from a contact"
            )
        return tuple(
            s.scalars(
                select(FollowUpAction.id)
                .where(FollowUpAction.contact_id == contact.id)
                .order_by(FollowUpAction.id)
            )
        )

    # -- reading -----------------------------------------------------------------------------
    def get(self, actor: Actor, contact_id: int) -> ContactView:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            contact = get_or_fail(s, ContactRecord, contact_id, "contact")
            if contact.restricted and not may_see_restricted(actor, contact.created_by):
                raise KnownError("This contact is restricted; you may not read it.")
            followups = tuple(
                s.scalars(select(FollowUpAction.id).where(FollowUpAction.contact_id == contact.id))
            )
            return self._view(s, contact, followups, ())

    def _view(
        self,
        s: Session,
        contact: ContactRecord,
        followups: tuple[int, ...],
        warnings: tuple[str, ...],
    ) -> ContactView:
        student = s.get(Student, contact.student_id)
        carer_ids = tuple(sorted(c.carer_id for c in contact.carers))
        names = (
            tuple(s.scalars(select(Carer).where(Carer.id.in_(carer_ids)).order_by(Carer.id)).all())
            if carer_ids
            else ()
        )
        staff = s.get(StaffMember, contact.staff_id) if contact.staff_id else None
        return ContactView(
            contact.id,
            contact.student_id,
            student_name(student) if student else "",
            contact.at,
            contact.channel,
            contact.direction,
            contact.purpose,
            contact.tone,
            contact.outcome,
            carer_ids,
            tuple(c.full_name for c in names),
            contact.staff_id,
            staff_name(staff),
            contact.interpreter,
            contact.interpreter_staff_id,
            contact.interpreter_name,
            contact.interpreter_language,
            contact.summary,
            contact.restricted,
            contact.version,
            followups,
            warnings,
        )

    def ids(
        self,
        actor: Actor,
        *,
        student_id: int | None = None,
        class_id: int | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> list[int]:
        """Contact ids, newest first, for a lazily filled list."""
        actor.require(Permission.VIEW_STUDENTS)
        query = select(ContactRecord.id).order_by(ContactRecord.at.desc(), ContactRecord.id.desc())
        if student_id is not None:
            query = query.where(ContactRecord.student_id == student_id)
        if class_id is not None:
            query = query.join(Student, Student.id == ContactRecord.student_id).where(
                Student.class_id == class_id
            )
        if since is not None or until is not None:
            first, last = local_bounds(since or dt.date(1900, 1, 1), until or dt.date(2999, 1, 1))
            query = query.where(ContactRecord.at >= first, ContactRecord.at < last)
        with self.db.read() as s:
            return list(s.scalars(query))

    def rows(self, actor: Actor, ids: Sequence[int]) -> dict[int, ContactRow]:
        """List rows for the given ids (one query for carers, one for the rest)."""
        actor.require(Permission.VIEW_STUDENTS)
        if not ids:
            return {}
        with self.db.read() as s:
            return _rows(s, actor, ids)

    def for_student(self, actor: Actor, student_id: int) -> list[ContactRow]:
        ids = self.ids(actor, student_id=student_id)
        rows = self.rows(actor, ids)
        return [rows[i] for i in ids if i in rows]

    # -- attendance calls --------------------------------------------------------------------
    def record_attendance_call(
        self,
        actor: Actor,
        student_id: int,
        *,
        carer_id: int | None,
        outcome: Outcome,
        reason_given: str = "",
        at: dt.datetime | None = None,
    ) -> AttendanceCallView:
        """The call in the first half of the morning about an unexplained absence."""
        actor.require(Permission.LOG_CONTACTS)
        moment = at or self.clock()
        draft = ContactDraft(
            student_id=student_id,
            at=moment,
            channel=Channel.PHONE,
            direction=Direction.TO_HOME,
            purpose=Purpose.ATTENDANCE,
            tone=Tone.NEUTRAL,
            outcome=Outcome(outcome),
            carer_ids=(carer_id,) if carer_id is not None else (),
            summary=reason_given,
        )
        reason = rules.free_text("Reason given", reason_given, 2000)
        if reason and outcome is not Outcome.SPOKE:
            raise ValidationError("Reason given", "can only be recorded when someone was reached")
        with self.db.transaction() as s:
            values, carers, _ = self._validate(s, actor, draft, confirmed=True)
            contact = ContactRecord(**values, created_by=actor.user_id)
            contact.carers = [ContactCarer(carer_id=c) for c in carers]
            s.add(contact)
            s.flush()
            call = AttendanceCall(
                day=local_day(moment),
                student_id=student_id,
                contact_id=contact.id,
                reason_given=reason,
            )
            s.add(call)
            s.flush()
            audit.record(
                s, actor, "create", "attendance_call", call.id, f"Absence call, {outcome.label}"
            )
            return _attendance_views(s, [call.id])[0]

    def contact_sheet_pdf(
        self,
        actor: Actor,
        *,
        student_id: int | None = None,
        class_id: int | None = None,
        first: dt.date,
        last: dt.date,
    ) -> bytes:
        """The School-Home Contact Sheet (policy 000, appendix A) as PDF."""
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return contact_sheet(
                s, actor, student_id=student_id, class_id=class_id, first=first, last=last
            )

    def attendance_calls(self, actor: Actor, day: dt.date) -> list[AttendanceCallView]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            ids = list(
                s.scalars(
                    select(AttendanceCall.id)
                    .where(AttendanceCall.day == day)
                    .order_by(AttendanceCall.id)
                )
            )
            return _attendance_views(s, ids)


def _attendance_views(s: Session, ids: list[int]) -> list[AttendanceCallView]:
    if not ids:
        return []
    rows = s.execute(
        select(AttendanceCall, ContactRecord, Student, SchoolClass.name, StaffMember)
        .join(ContactRecord, ContactRecord.id == AttendanceCall.contact_id)
        .join(Student, Student.id == AttendanceCall.student_id)
        .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
        .outerjoin(StaffMember, StaffMember.id == ContactRecord.staff_id)
        .where(AttendanceCall.id.in_(ids))
        .order_by(ContactRecord.at)
    ).all()
    carers = dict(
        s.execute(
            select(ContactCarer.contact_id, Carer)
            .join(Carer, Carer.id == ContactCarer.carer_id)
            .where(ContactCarer.contact_id.in_([r[1].id for r in rows]))
        ).all()
    )
    result = []
    for call, contact, student, class_name, staff in rows:
        carer = carers.get(contact.id)
        result.append(
            AttendanceCallView(
                call.id,
                contact.id,
                call.day,
                contact.at,
                student.id,
                student_name(student),
                class_name or "",
                carer.full_name if carer else "",
                rules.display_phone(carer.mobile or carer.home_phone) if carer else "",
                contact.outcome,
                call.reason_given,
                staff_name(staff),
                call.version,
            )
        )
    return result


def _rows(s: Session, actor: Actor, ids: Iterable[int]) -> dict[int, ContactRow]:
    id_list = list(ids)
    carer_names: dict[int, list[str]] = {}
    for contact_id, title, first, last in s.execute(
        select(ContactCarer.contact_id, Carer.title, Carer.first_name, Carer.last_name)
        .join(Carer, Carer.id == ContactCarer.carer_id)
        .where(ContactCarer.contact_id.in_(id_list))
        .order_by(Carer.id)
    ):
        carer_names.setdefault(contact_id, []).append(
            " ".join(p for p in (title, first, last) if p)
        )
    result: dict[int, ContactRow] = {}
    for contact, first, pref, last, staff in s.execute(
        select(
            ContactRecord,
            Student.first_name,
            Student.preferred_first_name,
            Student.last_name,
            StaffMember,
        )
        .join(Student, Student.id == ContactRecord.student_id)
        .outerjoin(StaffMember, StaffMember.id == ContactRecord.staff_id)
        .where(ContactRecord.id.in_(id_list))
    ):
        hidden = contact.restricted and not may_see_restricted(actor, contact.created_by)
        result[contact.id] = ContactRow(
            contact.id,
            contact.student_id,
            f"{pref or first} {last}",
            contact.at,
            contact.channel,
            contact.purpose,
            contact.tone,
            contact.outcome,
            staff_name(staff),
            "" if hidden else ", ".join(carer_names.get(contact.id, [])),
            contact.interpreter,
            "Restricted entry: details are visible to designated staff only."
            if hidden
            else contact.summary,
            contact.restricted,
            hidden,
        )
    return result


def _interpreter_text(contact: ContactRecord, s: Session) -> str:
    if contact.interpreter is InterpreterKind.NONE:
        return ""
    who = contact.interpreter.label
    if contact.interpreter_name:
        who += f": {contact.interpreter_name}"
    if contact.interpreter_language:
        who += f" ({language_name(contact.interpreter_language)})"
    return who


def contact_sheet(
    s: Session,
    actor: Actor,
    *,
    student_id: int | None,
    class_id: int | None,
    first: dt.date,
    last: dt.date,
) -> bytes:
    """The School-Home Contact Sheet for a student or a class, oldest contact first."""
    from hsp_desktop.documents.contact_sheet import SheetData, SheetEntry, contact_sheet_pdf
    from hsp_desktop.model import School

    if last < first:
        raise ValidationError("To", "cannot be before the first day")
    start, end = local_bounds(first, last)
    query = (
        select(ContactRecord, Student, StaffMember)
        .join(Student, Student.id == ContactRecord.student_id)
        .outerjoin(StaffMember, StaffMember.id == ContactRecord.staff_id)
        .where(ContactRecord.at >= start, ContactRecord.at < end)
        .order_by(Student.last_name, Student.first_name, ContactRecord.at)
    )
    if student_id is not None:
        student = get_or_fail(s, Student, student_id, "student")
        query = query.where(ContactRecord.student_id == student_id)
        choice = _student_choice(s, student)
        subject = choice.name + (f" ({choice.class_name})" if choice.class_name else "")
    elif class_id is not None:
        cls = get_or_fail(s, SchoolClass, class_id, "class")
        query = query.where(Student.class_id == class_id)
        subject = f"Class {cls.name}"
    else:
        raise ValidationError("Contact sheet", "choose a student or a class")
    rows = s.execute(query).all()
    ids = [c.id for c, _, _ in rows]
    names: dict[int, list[str]] = {}
    if ids:
        for contact_id, carer in s.execute(
            select(ContactCarer.contact_id, Carer)
            .join(Carer, Carer.id == ContactCarer.carer_id)
            .where(ContactCarer.contact_id.in_(ids))
        ):
            names.setdefault(contact_id, []).append(carer.full_name)
    entries = []
    for contact, student, staff in rows:
        hidden = contact.restricted and not may_see_restricted(actor, contact.created_by)
        entries.append(
            SheetEntry(
                at=contact.at.astimezone(),
                reported_by=staff_name(staff),
                student=student_name(student),
                with_whom="" if hidden else ", ".join(names.get(contact.id, [])),
                how=f"{contact.channel.label}, {contact.direction.label.lower()}",
                outcome=contact.outcome.label,
                tone=contact.tone.label,
                purpose=contact.purpose.label,
                interpreter=_interpreter_text(contact, s),
                summary=contact.summary,
                restricted=hidden,
            )
        )
    school = s.scalar(select(School.name)) or ""
    return contact_sheet_pdf(
        SheetData(school, subject, first, last, entries, printed_by=actor.display_name)
    )
