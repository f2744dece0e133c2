"""Meetings with families: annual reviews and every other kind, who was invited and who came,
what was decided, and the interpreter bookings that go with them.

A planned meeting cannot be in the past; an annual review later than the rules allow (or with
less than the statutory notice, or in a holiday) needs the user's confirmation; moving a
meeting moves its interpreter bookings; deleting or cancelling a meeting with an interpreter
booked asks whether to cancel the booking too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsp_desktop.documents import (
    LetterJob,
    MergeContext,
    Variant,
    load_templates,
    render_batch,
    translation_status,
)
from hsp_desktop.documents import Recipient as LetterRecipient
from hsp_desktop.documents import School as LetterSchool
from hsp_desktop.documents import Student as LetterStudent
from hsp_desktop.errors import KnownError, ValidationError
from hsp_desktop.i18n import languages
from hsp_desktop.model import (
    Carer,
    ContactCarer,
    ContactRecord,
    InterpreterBooking,
    Meeting,
    MeetingAttendee,
    School,
    SchoolClass,
    StaffMember,
    Student,
    StudentCarer,
    rules,
)
from hsp_desktop.model.casework import BookingStatus
from hsp_desktop.model.contacts import Channel, Direction, Outcome, Purpose, Tone
from hsp_desktop.model.enums import Restriction
from hsp_desktop.model.meetings import AttendeeKind, MeetingStatus, MeetingType, Place
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.caseload import ActionView, actions_where
from hsp_desktop.services.common import check_version, get_or_fail
from hsp_desktop.services.interpreters import (
    BookingView,
    InterpreterNeed,
    bookings_where,
    cancel_booking,
    interpreter_needs,
    move_bookings,
    snapshot,
)
from hsp_desktop.services.reviews import (
    Clock,
    ReviewNeedsConfirmation,
    ReviewRow,
    ReviewService,
    SchoolCalendar,
    Step,
    interpreter_gaps,
    load_rules,
    local_today,
    review_date_warnings,
    review_steps,
    utc_now,
)
from hsp_desktop.services.visibility import student_scope
from hsp_desktop.store import Database

__all__ = [
    "AttendeeDraft",
    "AttendeeKind",
    "AttendeeView",
    "BookingsNeedDecision",
    "MeetingDraft",
    "MeetingForm",
    "MeetingRow",
    "MeetingService",
    "MeetingStatus",
    "MeetingType",
    "MeetingView",
    "Place",
    "ReviewNeedsConfirmation",
]

MAX_NOTES = 20_000


class BookingsNeedDecision(KnownError):
    """The meeting has an interpreter booked: cancel the booking too, or keep it?"""

    title = "Interpreter booked"

    def __init__(self, bookings: Sequence[BookingView], doing: str) -> None:
        lines = [f"• {b.language_label}: {b.who} ({b.status.label.lower()})" for b in bookings]
        super().__init__(
            f"An interpreter is booked for this meeting:\n{chr(10).join(lines)}\n\n"
            f"Cancel the booking as well as {doing} the meeting?"
        )
        self.bookings = tuple(bookings)


# -- plain data ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaffOption:
    id: int
    name: str
    job_title: str


@dataclass(frozen=True, slots=True)
class FamilyMember:
    carer_id: int
    name: str
    relationship: str
    language: str  # English name, with the dialect
    needs_interpreter: bool
    parental_responsibility: bool
    restriction: Restriction
    restriction_note: str

    @property
    def restricted(self) -> bool:
        return self.restriction is not Restriction.NONE


@dataclass(frozen=True, slots=True)
class MeetingForm:
    """What the meeting form needs for one student."""

    student_id: int
    student_name: str
    class_name: str
    family: tuple[FamilyMember, ...]
    staff: tuple[StaffOption, ...]
    suggested_staff: tuple[int, ...]  # the actor, the class teacher, the key worker
    needs: tuple[InterpreterNeed, ...]
    review: ReviewRow | None
    today: dt.date
    suggested_day: dt.date  # the first school day a week from today
    suggested_review_day: dt.date  # a school day before the review is due, with full notice


@dataclass(frozen=True, slots=True)
class AttendeeDraft:
    kind: AttendeeKind
    staff_member_id: int | None = None
    carer_id: int | None = None
    name: str = ""
    role: str = ""
    invited: bool = True
    attended: bool | None = None


@dataclass(frozen=True, slots=True)
class AttendeeView:
    id: int
    kind: AttendeeKind
    staff_member_id: int | None
    carer_id: int | None
    name: str
    role: str
    invited: bool
    attended: bool | None

    def as_draft(self) -> AttendeeDraft:
        return AttendeeDraft(
            self.kind,
            self.staff_member_id,
            self.carer_id,
            self.name,
            self.role,
            self.invited,
            self.attended,
        )


@dataclass(frozen=True, slots=True)
class MeetingDraft:
    student_id: int
    kind: MeetingType
    day: dt.date
    start_time: dt.time | None = None
    duration_minutes: int = 60
    place: Place = Place.SCHOOL
    place_detail: str = ""
    purpose: str = ""
    status: MeetingStatus = MeetingStatus.PLANNED
    outcome_notes: str = ""
    invitations_sent_on: dt.date | None = None
    advice_circulated_on: dt.date | None = None
    report_sent_on: dt.date | None = None
    pfa_discussed: bool = False
    attendees: tuple[AttendeeDraft, ...] = ()


@dataclass(frozen=True, slots=True)
class MeetingView:
    id: int
    student_id: int
    student_name: str
    class_name: str
    kind: MeetingType
    status: MeetingStatus
    day: dt.date
    start_time: dt.time | None
    duration_minutes: int
    place: Place
    place_detail: str
    purpose: str
    outcome_notes: str
    invitations_sent_on: dt.date | None
    advice_circulated_on: dt.date | None
    report_sent_on: dt.date | None
    pfa_discussed: bool
    attendees: tuple[AttendeeView, ...]
    bookings: tuple[BookingView, ...]
    actions: tuple[ActionView, ...]
    steps: tuple[Step, ...]  # annual reviews: the statutory papers
    interpreter_missing: tuple[str, ...]  # carers still without a confirmed interpreter
    version: int
    warnings: tuple[str, ...] = field(default=())

    def as_draft(self) -> MeetingDraft:
        return MeetingDraft(
            student_id=self.student_id,
            kind=self.kind,
            day=self.day,
            start_time=self.start_time,
            duration_minutes=self.duration_minutes,
            place=self.place,
            place_detail=self.place_detail,
            purpose=self.purpose,
            status=self.status,
            outcome_notes=self.outcome_notes,
            invitations_sent_on=self.invitations_sent_on,
            advice_circulated_on=self.advice_circulated_on,
            report_sent_on=self.report_sent_on,
            pfa_discussed=self.pfa_discussed,
            attendees=tuple(a.as_draft() for a in self.attendees),
        )

    @property
    def where(self) -> str:
        return f"{self.place.label}: {self.place_detail}" if self.place_detail else self.place.label


@dataclass(frozen=True, slots=True)
class MeetingRow:
    """One line of a meeting list or the calendar."""

    id: int
    student_id: int
    student_name: str
    class_name: str
    kind: MeetingType
    status: MeetingStatus
    day: dt.date
    start_time: dt.time | None
    duration_minutes: int
    where: str
    staff: str
    interpreter: str  # "", "Needed", "Requested", "Confirmed"
    version: int


# -- helpers ---------------------------------------------------------------------------------


def _student_name(student: Student) -> str:
    return f"{student.preferred_first_name or student.first_name} {student.last_name}"


def _language(code: str, dialect: str) -> str:
    try:
        name = languages.get(code).english_name
    except languages.UnknownLanguageError:
        name = code
    return f"{name} ({dialect})" if dialect and dialect not in name else name


def family_members(s: Session, student_id: int) -> tuple[FamilyMember, ...]:
    rows = s.execute(
        select(StudentCarer, Carer)
        .join(Carer, Carer.id == StudentCarer.carer_id)
        .where(StudentCarer.student_id == student_id)
        .order_by(StudentCarer.contact_order, Carer.last_name)
    ).all()
    return tuple(
        FamilyMember(
            carer.id,
            carer.full_name,
            link.relationship_to_student.label,
            _language(carer.spoken_language, carer.spoken_dialect),
            carer.needs_interpreter,
            link.parental_responsibility,
            link.restriction,
            link.restriction_note,
        )
        for link, carer in rows
    )


def staff_options(s: Session) -> tuple[StaffOption, ...]:
    return tuple(
        StaffOption(m.id, m.display_name, m.job_title)
        for m in s.scalars(
            select(StaffMember)
            .where(StaffMember.active.is_(True))
            .order_by(StaffMember.last_name, StaffMember.first_name)
        )
    )


def _class_name(s: Session, student: Student) -> str:
    if student.class_id is None:
        return ""
    return s.scalar(select(SchoolClass.name).where(SchoolClass.id == student.class_id)) or ""


def _clean_attendees(
    s: Session, student_id: int, drafts: Sequence[AttendeeDraft], status: MeetingStatus
) -> list[AttendeeDraft]:
    links = {
        link.carer_id: link
        for link in s.scalars(select(StudentCarer).where(StudentCarer.student_id == student_id))
    }
    seen: set[tuple[AttendeeKind, int | str]] = set()
    result = []
    for number, a in enumerate(drafts, start=1):
        kind = AttendeeKind(a.kind)
        name = rules.optional_text(f"Attendee {number}: name", a.name, 200)
        role = rules.optional_text(f"Attendee {number}: role", a.role, 200)
        key: tuple[AttendeeKind, int | str]
        staff_id, carer_id = None, None
        if kind is AttendeeKind.STAFF:
            if a.staff_member_id is None:
                raise ValidationError(f"Attendee {number}", "choose the member of staff")
            member = get_or_fail(s, StaffMember, a.staff_member_id, "member of staff")
            staff_id, name, role = member.id, member.display_name, role or member.job_title
            key = (kind, member.id)
        elif kind is AttendeeKind.CARER:
            if a.carer_id is None or a.carer_id not in links:
                raise ValidationError(
                    f"Attendee {number}", "is not a parent or carer of this student"
                )
            link = links[a.carer_id]
            if link.restriction is not Restriction.NONE and a.invited:
                note = f": {link.restriction_note}" if link.restriction_note else ""
                raise ValidationError(
                    "Family",
                    f"{link.carer.full_name} is marked '{link.restriction.label}'{note}. "
                    "The school does not invite them.",
                )
            carer_id, name = link.carer_id, link.carer.full_name
            role = role or link.relationship_to_student.label
            key = (kind, link.carer_id)
        elif kind is AttendeeKind.PROFESSIONAL:
            if not name:
                raise ValidationError(f"Professional {number}", "needs a name")
            key = (kind, name.casefold())
        else:
            name = name or "Student"
            key = (kind, "student")
        if key in seen:
            continue
        seen.add(key)
        attended = a.attended if status is MeetingStatus.HELD else None
        if attended and not a.invited and kind is AttendeeKind.CARER:
            pass  # came without an invitation: allowed, it happens
        result.append(AttendeeDraft(kind, staff_id, carer_id, name, role, a.invited, attended))
    return result


# -- the service -----------------------------------------------------------------------------


class MeetingService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def today(self) -> dt.date:
        return local_today(self.clock)

    # -- reading ----------------------------------------------------------------------------
    def form(self, actor: Actor, student_id: int) -> MeetingForm:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            student = get_or_fail(s, Student, student_id, "student")
            class_teacher = None
            if student.class_id is not None:
                class_teacher = s.scalar(
                    select(SchoolClass.teacher_id).where(SchoolClass.id == student.class_id)
                )
            suggested = tuple(
                dict.fromkeys(
                    i
                    for i in (actor.staff_member_id, class_teacher, student.key_worker_id)
                    if i is not None
                )
            )
            name, class_name = _student_name(student), _class_name(s, student)
            family = family_members(s, student_id)
            needs = tuple(interpreter_needs(s, student_id))
            staff = staff_options(s)
        reviews = ReviewService(self.db, self.clock)
        review = reviews.student_review(actor, student_id)
        today = self.today()
        with self.db.read() as s:
            calendar = SchoolCalendar.load(s)
            notice = load_rules(s).notice_days
        earliest = _first_school_day(calendar, today + dt.timedelta(days=notice))
        review_day = earliest
        if review is not None and review.review_by is not None:
            wanted = calendar.last_school_day_on_or_before(review.review_by - dt.timedelta(days=7))
            review_day = max(wanted, earliest)
        return MeetingForm(
            student_id,
            name,
            class_name,
            family,
            staff,
            suggested,
            needs,
            review,
            today,
            _first_school_day(calendar, today + dt.timedelta(days=7)),
            review_day,
        )

    def get(self, actor: Actor, meeting_id: int) -> MeetingView:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return self._view(s, get_or_fail(s, Meeting, meeting_id, "meeting"))

    def for_student(self, actor: Actor, student_id: int) -> list[MeetingRow]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return self._rows(s, Meeting.student_id == student_id, newest_first=True)

    def between(
        self,
        actor: Actor,
        first: dt.date,
        last: dt.date,
        *,
        include_cancelled: bool = False,
    ) -> list[MeetingRow]:
        """Meetings from ``first`` to ``last`` (inclusive) for the calendar, earliest first."""
        actor.require(Permission.VIEW_STUDENTS)
        conditions = [Meeting.day >= first, Meeting.day <= last]
        if not include_cancelled:
            conditions.append(Meeting.status != MeetingStatus.CANCELLED)
        with self.db.read() as s:
            return self._rows(s, *conditions, scope=actor)

    def upcoming(self, actor: Actor, days: int = 42) -> list[MeetingRow]:
        today = self.today()
        return [
            r
            for r in self.between(actor, today, today + dt.timedelta(days=days))
            if r.status is MeetingStatus.PLANNED
        ]

    # -- writing ----------------------------------------------------------------------------
    def create(self, actor: Actor, draft: MeetingDraft, *, confirmed: bool = False) -> MeetingView:
        actor.require(Permission.MANAGE_MEETINGS)
        with self.db.transaction() as s:
            values, attendees, warnings = self._validate(s, draft, None, confirmed)
            meeting = Meeting(**values, created_by=actor.user_id)
            meeting.attendees = [_attendee(a) for a in attendees]
            s.add(meeting)
            s.flush()
            audit.record(
                s,
                actor,
                "create",
                "meeting",
                meeting.id,
                f"{meeting.kind.label} on {meeting.day:%d/%m/%Y}",
                after=snapshot(meeting),
            )
            return self._view(s, meeting, warnings)

    def update(
        self,
        actor: Actor,
        meeting_id: int,
        read_version: int,
        draft: MeetingDraft,
        *,
        confirmed: bool = False,
    ) -> MeetingView:
        actor.require(Permission.MANAGE_MEETINGS)
        with self.db.transaction() as s:
            meeting = get_or_fail(s, Meeting, meeting_id, "meeting")
            check_version(meeting, read_version, "meeting")
            if draft.student_id != meeting.student_id:
                raise ValidationError("Student", "a meeting cannot be moved to another student")
            values, attendees, warnings = self._validate(s, draft, meeting, confirmed)
            before = snapshot(meeting)
            before["attendees"] = _attendee_summary(meeting.attendees)
            moved = (values["day"], values["start_time"], values["duration_minutes"]) != (
                meeting.day,
                meeting.start_time,
                meeting.duration_minutes,
            )
            for key, value in values.items():
                setattr(meeting, key, value)
            new_list = [_attendee(a) for a in attendees]
            if _attendee_summary(new_list) != before["attendees"]:
                meeting.attendees = new_list
                meeting.updated_at = self.clock()  # the list is part of the record
            s.flush()
            if moved:
                warnings += move_bookings(
                    s,
                    actor,
                    _active_bookings(s, meeting.id),
                    meeting.day,
                    meeting.start_time,
                    meeting.duration_minutes,
                )
            after = snapshot(meeting)
            after["attendees"] = _attendee_summary(meeting.attendees)
            audit.record(
                s,
                actor,
                "update",
                "meeting",
                meeting.id,
                f"{meeting.kind.label} on {meeting.day:%d/%m/%Y}",
                before=before,
                after=after,
            )
            return self._view(s, meeting, warnings)

    def record_paper(
        self, actor: Actor, meeting_id: int, read_version: int, paper: str, day: dt.date | None
    ) -> MeetingView:
        """Tick off one statutory paper ("invitations", "advice", "report") of a review."""
        actor.require(Permission.MANAGE_MEETINGS)
        column = {
            "invitations": "invitations_sent_on",
            "advice": "advice_circulated_on",
            "report": "report_sent_on",
        }.get(paper)
        if column is None:
            raise ValueError(paper)
        with self.db.transaction() as s:
            meeting = get_or_fail(s, Meeting, meeting_id, "meeting")
            check_version(meeting, read_version, "meeting")
            _check_paper_date(column, day, meeting.day, self.today())
            before = snapshot(meeting)
            setattr(meeting, column, day)
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "meeting",
                meeting.id,
                f"Review paper: {paper}",
                before=before,
                after=snapshot(meeting),
            )
            return self._view(s, meeting)

    def cancel(
        self,
        actor: Actor,
        meeting_id: int,
        read_version: int,
        *,
        cancel_bookings: bool | None = None,
    ) -> MeetingView:
        actor.require(Permission.MANAGE_MEETINGS)
        with self.db.transaction() as s:
            meeting = get_or_fail(s, Meeting, meeting_id, "meeting")
            check_version(meeting, read_version, "meeting")
            if meeting.status is MeetingStatus.HELD:
                raise KnownError("This meeting has been held; it cannot be cancelled.")
            self._settle_bookings(s, actor, meeting, cancel_bookings, "cancelling")
            before = snapshot(meeting)
            meeting.status = MeetingStatus.CANCELLED
            s.flush()
            audit.record(
                s,
                actor,
                "cancel",
                "meeting",
                meeting.id,
                f"{meeting.kind.label} on {meeting.day:%d/%m/%Y} cancelled",
                before=before,
                after=snapshot(meeting),
            )
            return self._view(s, meeting)

    def delete(
        self,
        actor: Actor,
        meeting_id: int,
        read_version: int,
        *,
        cancel_bookings: bool | None = None,
    ) -> None:
        """Remove a meeting entered by mistake. With an interpreter booked, raises
        ``BookingsNeedDecision`` unless ``cancel_bookings`` says what to do with it."""
        actor.require(Permission.MANAGE_MEETINGS)
        with self.db.transaction() as s:
            meeting = get_or_fail(s, Meeting, meeting_id, "meeting")
            check_version(meeting, read_version, "meeting")
            self._settle_bookings(s, actor, meeting, cancel_bookings, "deleting")
            label = f"{meeting.kind.label} on {meeting.day:%d/%m/%Y}"
            for booking in s.scalars(
                select(InterpreterBooking).where(InterpreterBooking.meeting_id == meeting.id)
            ):
                booking.purpose = f"{booking.purpose} (meeting deleted)"[:200]
                booking.meeting_id = None
            gone = snapshot(meeting)
            gone["attendees"] = _attendee_summary(meeting.attendees)
            s.delete(meeting)
            s.flush()
            audit.record(s, actor, "delete", "meeting", meeting_id, f"{label} deleted", before=gone)

    # -- invitations ------------------------------------------------------------------------
    def send_invitations(self, actor: Actor, meeting_id: int, read_version: int) -> Invitations:
        """Print the invitation letters (one per household, in its language) and log each on the
        contact log; an annual review's invitations are ticked off as sent today."""
        actor.require(Permission.MANAGE_MEETINGS)
        today = self.today()
        with self.db.read() as s:
            meeting = get_or_fail(s, Meeting, meeting_id, "meeting")
            check_version(meeting, read_version, "meeting")
            if meeting.status is not MeetingStatus.PLANNED:
                raise KnownError("Invitations are sent for a planned meeting.")
            if meeting.day < today:
                raise KnownError("This meeting's date has passed.")
            letters = invitation_letters(s, meeting, today)
        pdf = render_batch([letter.job for letter in letters])
        with self.db.transaction() as s:
            meeting = get_or_fail(s, Meeting, meeting_id, "meeting")
            check_version(meeting, read_version, "meeting")
            contact_ids = record_invitation_letters(
                s, actor, meeting, [c.copy for c in letters], self.clock()
            )
            if meeting.kind.is_statutory_review and meeting.invitations_sent_on is None:
                before = snapshot(meeting)
                meeting.invitations_sent_on = today
                s.flush()
                audit.record(
                    s,
                    actor,
                    "update",
                    "meeting",
                    meeting.id,
                    "Review invitations sent",
                    before=before,
                    after=snapshot(meeting),
                )
            view = self._view(s, meeting)
        return Invitations(pdf, tuple(c.copy for c in letters), tuple(contact_ids), view)

    # -- internals --------------------------------------------------------------------------
    def _settle_bookings(
        self,
        s: Session,
        actor: Actor,
        meeting: Meeting,
        cancel_bookings: bool | None,
        doing: str,
    ) -> None:
        active = _active_bookings(s, meeting.id)
        if not active:
            return
        if cancel_bookings is None:
            raise BookingsNeedDecision(
                bookings_where(
                    s,
                    InterpreterBooking.meeting_id == meeting.id,
                    InterpreterBooking.status != BookingStatus.CANCELLED,
                ),
                doing,
            )
        if cancel_bookings:
            done = "deleted" if doing == "deleting" else "cancelled"
            why = f"Meeting on {meeting.day:%d/%m/%Y} {done}"
            for booking in active:
                cancel_booking(s, actor, booking, self.today(), why)

    def _validate(
        self, s: Session, draft: MeetingDraft, existing: Meeting | None, confirmed: bool
    ) -> tuple[dict[str, object], list[AttendeeDraft], list[str]]:
        student = get_or_fail(s, Student, draft.student_id, "student")
        today = self.today()
        kind = MeetingType(draft.kind)
        status = MeetingStatus(draft.status)
        day = rules.parse_date("Date", draft.day, required=True)
        assert day is not None
        if status is MeetingStatus.PLANNED and day < today:
            unchanged = existing is not None and existing.day == day
            if not unchanged:
                raise ValidationError(
                    "Date",
                    f"{day:%d/%m/%Y} is in the past: a planned meeting must be today or later. "
                    "To record a meeting that has happened, choose 'Held'.",
                )
        if status is MeetingStatus.HELD and day > today:
            raise ValidationError(
                "Date", f"{day:%d/%m/%Y} is in the future: a meeting cannot be held yet"
            )
        if not 5 <= draft.duration_minutes <= 600:
            raise ValidationError("Length", "must be between 5 minutes and 10 hours")
        place = Place(draft.place)
        for column, value in (
            ("invitations_sent_on", draft.invitations_sent_on),
            ("advice_circulated_on", draft.advice_circulated_on),
            ("report_sent_on", draft.report_sent_on),
        ):
            _check_paper_date(column, value, day, today)
        warnings: list[str] = []
        if kind.is_statutory_review and status is not MeetingStatus.CANCELLED:
            changed = existing is None or existing.day != day or existing.kind is not kind
            if changed and status is MeetingStatus.PLANNED:
                reasons = review_date_warnings(s, student.id, day, today)
                if reasons and not confirmed:
                    raise ReviewNeedsConfirmation(reasons)
                warnings += reasons
        attendees = _clean_attendees(s, student.id, draft.attendees, status)
        values: dict[str, object] = {
            "student_id": student.id,
            "kind": kind,
            "status": status,
            "day": day,
            "start_time": draft.start_time,
            "duration_minutes": draft.duration_minutes,
            "place": place,
            "place_detail": rules.optional_text("Where", draft.place_detail, 200),
            "purpose": rules.optional_text("Purpose", draft.purpose, 300),
            "outcome_notes": rules.free_text("Outcome", draft.outcome_notes, MAX_NOTES),
            "invitations_sent_on": draft.invitations_sent_on if kind.is_statutory_review else None,
            "advice_circulated_on": (
                draft.advice_circulated_on if kind.is_statutory_review else None
            ),
            "report_sent_on": draft.report_sent_on if kind.is_statutory_review else None,
            "pfa_discussed": bool(draft.pfa_discussed),
        }
        return values, attendees, warnings

    def _view(self, s: Session, meeting: Meeting, warnings: Sequence[str] = ()) -> MeetingView:
        student = s.get(Student, meeting.student_id)
        assert student is not None
        today = self.today()
        steps: tuple[Step, ...] = ()
        if meeting.kind.is_statutory_review:
            steps = review_steps(
                meeting.day,
                invitations_on=meeting.invitations_sent_on,
                advice_on=meeting.advice_circulated_on,
                report_on=meeting.report_sent_on,
                rules=load_rules(s),
                calendar=SchoolCalendar.load(s),
                today=today,
            )
        missing = tuple(
            f"{g.carer_name}: {_language(g.language, g.dialect)} ({g.status_label.lower()})"
            for g in interpreter_gaps(s, today, [meeting.id])
        )
        return MeetingView(
            meeting.id,
            student.id,
            _student_name(student),
            _class_name(s, student),
            meeting.kind,
            meeting.status,
            meeting.day,
            meeting.start_time,
            meeting.duration_minutes,
            meeting.place,
            meeting.place_detail,
            meeting.purpose,
            meeting.outcome_notes,
            meeting.invitations_sent_on,
            meeting.advice_circulated_on,
            meeting.report_sent_on,
            meeting.pfa_discussed,
            tuple(
                AttendeeView(
                    a.id,
                    a.kind,
                    a.staff_member_id,
                    a.carer_id,
                    a.name,
                    a.role,
                    a.invited,
                    a.attended,
                )
                for a in meeting.attendees
            ),
            tuple(bookings_where(s, InterpreterBooking.meeting_id == meeting.id)),
            tuple(actions_where(s, meeting_id=meeting.id)),
            steps,
            missing,
            meeting.version,
            tuple(warnings),
        )

    def _rows(
        self,
        s: Session,
        *conditions: object,
        newest_first: bool = False,
        scope: Actor | None = None,
    ) -> list[MeetingRow]:
        query = (
            select(Meeting, Student.first_name, Student.preferred_first_name, Student.last_name)
            .join(Student, Student.id == Meeting.student_id)
            .where(*conditions)  # type: ignore[arg-type]
        )
        if scope is not None:
            clause = student_scope(scope)
            if clause is not None:
                query = query.where(clause)
        order = (
            (Meeting.day.desc(), Meeting.start_time.desc())
            if newest_first
            else (
                Meeting.day,
                Meeting.start_time,
            )
        )
        found = s.execute(query.order_by(*order)).all()
        if not found:
            return []
        ids = [m.id for m, *_ in found]
        classes = dict(
            s.execute(
                select(Student.id, SchoolClass.name)
                .join(SchoolClass, SchoolClass.id == Student.class_id)
                .where(Student.id.in_({m.student_id for m, *_ in found}))
            ).all()
        )
        staff: dict[int, list[str]] = {}
        for mid, name in s.execute(
            select(MeetingAttendee.meeting_id, MeetingAttendee.name)
            .where(
                MeetingAttendee.meeting_id.in_(ids),
                MeetingAttendee.kind == AttendeeKind.STAFF,
            )
            .order_by(MeetingAttendee.id)
        ):
            staff.setdefault(mid, []).append(name)
        booked: dict[int, BookingStatus] = {}
        for booked_for, state in s.execute(
            select(InterpreterBooking.meeting_id, InterpreterBooking.status).where(
                InterpreterBooking.meeting_id.in_(ids),
                InterpreterBooking.status != BookingStatus.CANCELLED,
            )
        ):
            if booked_for is not None and booked.get(booked_for) is not BookingStatus.REQUESTED:
                booked[booked_for] = state  # one still requested makes it "requested"
        gaps = {g.meeting_id for g in interpreter_gaps(s, self.today(), ids)}
        rows = []
        for meeting, first, preferred, last in found:
            interp = ""
            if meeting.id in gaps:
                interp = (
                    "Requested" if booked.get(meeting.id) is BookingStatus.REQUESTED else "Needed"
                )
            elif meeting.id in booked:
                interp = booked[meeting.id].label
            where = meeting.place.label + (
                f": {meeting.place_detail}" if meeting.place_detail else ""
            )
            rows.append(
                MeetingRow(
                    meeting.id,
                    meeting.student_id,
                    f"{preferred or first} {last}",
                    classes.get(meeting.student_id, ""),
                    meeting.kind,
                    meeting.status,
                    meeting.day,
                    meeting.start_time,
                    meeting.duration_minutes,
                    where,
                    ", ".join(staff.get(meeting.id, [])),
                    interp,
                    meeting.version,
                )
            )
        return rows


def _first_school_day(calendar: SchoolCalendar, day: dt.date) -> dt.date:
    for _ in range(70):
        if calendar.is_school_day(day):
            return day
        day += dt.timedelta(days=1)
    return day


def _attendee(a: AttendeeDraft) -> MeetingAttendee:
    return MeetingAttendee(
        kind=a.kind,
        staff_member_id=a.staff_member_id,
        carer_id=a.carer_id,
        name=a.name,
        role=a.role,
        invited=a.invited,
        attended=a.attended,
    )


def _attendee_summary(attendees: Sequence[MeetingAttendee]) -> list[str]:
    def mark(value: bool | None) -> str:
        return "?" if value is None else ("yes" if value else "no")

    return [
        f"{a.kind.value}:{a.staff_member_id or a.carer_id or ''}:{a.name}:{a.role}:"
        f"invited={mark(a.invited)}:attended={mark(a.attended)}"
        for a in attendees
    ]


def _active_bookings(s: Session, meeting_id: int) -> list[InterpreterBooking]:
    return list(
        s.scalars(
            select(InterpreterBooking).where(
                InterpreterBooking.meeting_id == meeting_id,
                InterpreterBooking.status != BookingStatus.CANCELLED,
            )
        )
    )


_PAPER_LABELS = {
    "invitations_sent_on": "Invitations sent on",
    "advice_circulated_on": "Advice circulated on",
    "report_sent_on": "Report sent on",
}


def _check_paper_date(
    column: str, value: dt.date | None, meeting_day: dt.date, today: dt.date
) -> None:
    if value is None:
        return
    label = _PAPER_LABELS[column]
    if value > today:
        raise ValidationError(label, f"{value:%d/%m/%Y} is in the future")
    if column == "report_sent_on" and value < meeting_day:
        raise ValidationError(label, "cannot be before the meeting")
    if column != "report_sent_on" and value > meeting_day:
        raise ValidationError(label, "cannot be after the meeting")


# -- invitations ---------------------------------------------------------------------------------

# The contact log has no outcome for a letter that went out; the invitation is logged as having
# reached the family, on the letter channel (which never counts as a termly conversation).
LETTER_OUTCOME = Outcome.SPOKE


@dataclass(frozen=True, slots=True)
class InvitationCopy:
    addressed_to: str
    address: str
    language: str  # DfE code the letter is printed in
    bilingual: bool
    interpreter_booked: bool
    carer_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Invitations:
    pdf: bytes
    copies: tuple[InvitationCopy, ...]
    contact_ids: tuple[int, ...]
    meeting: MeetingView


@dataclass(frozen=True, slots=True)
class _Letter:
    copy: InvitationCopy
    job: LetterJob


def _salutation(carers: Sequence[Carer]) -> str:
    names = [c for c in carers if c.last_name]
    if not names:
        return "Parent or carer"
    if len(names) == 2 and names[0].last_name == names[1].last_name:
        titles = " and ".join(c.title for c in names if c.title)
        return f"{titles} {names[0].last_name}".strip()
    return " and ".join(f"{c.title} {c.last_name}".strip() for c in names)


def _where(meeting: Meeting, school_name: str) -> str:
    if meeting.place is Place.SCHOOL:
        room = f"the {meeting.place_detail.lower()}" if meeting.place_detail else "a meeting room"
        return f"{room} at {school_name}"
    if meeting.place is Place.HOME:
        return "your home"
    return f"an online meeting ({meeting.place_detail})" if meeting.place_detail else "online"


def invitation_letters(s: Session, meeting: Meeting, today: dt.date) -> list[_Letter]:
    """One letter per household of the invited carers the school may write to, in the
    language they read (bilingual while the translation is a draft)."""
    templates = load_templates()
    template = templates[
        "annual_review_invitation" if meeting.kind.is_statutory_review else "meeting_invitation"
    ]
    student = s.get(Student, meeting.student_id)
    assert student is not None
    school = s.scalar(select(School).limit(1))
    links = {
        link.carer_id: link
        for link in s.scalars(select(StudentCarer).where(StudentCarer.student_id == student.id))
    }
    eligible = {
        cid
        for cid, link in links.items()
        if link.parental_responsibility
        and link.receives_correspondence
        and link.restriction is Restriction.NONE
    }
    chosen = [a.carer_id for a in meeting.attendees if a.kind is AttendeeKind.CARER]
    invited = [
        a.carer_id
        for a in meeting.attendees
        if a.kind is AttendeeKind.CARER and a.invited and a.carer_id in eligible
    ]
    carer_ids = invited if chosen else sorted(eligible)
    if not carer_ids:
        raise KnownError(
            "Nobody in the family can be written to for this meeting: choose the parents or "
            "carers who are invited (the school does not write to carers without parental "
            "responsibility, who do not receive letters, or who are restricted)."
        )
    booked = {
        b.carer_id
        for b in s.scalars(
            select(InterpreterBooking).where(
                InterpreterBooking.meeting_id == meeting.id,
                InterpreterBooking.status != BookingStatus.CANCELLED,
            )
        )
    }
    households: dict[object, list[Carer]] = {}
    for carer in s.scalars(select(Carer).where(Carer.id.in_(carer_ids)).order_by(Carer.id)):
        households.setdefault(carer.household_id or f"carer-{carer.id}", []).append(carer)
    staff = ", ".join(a.name for a in meeting.attendees if a.kind is AttendeeKind.STAFF)
    letter_student = LetterStudent(
        student.first_name,
        student.last_name,
        student.preferred_first_name,
        _class_name(s, student),
        student.upn,
        student.date_of_birth,
    )
    letter_school = LetterSchool(
        school.name if school else "",
        tuple(school.address.splitlines()) + ((school.postcode,) if school.postcode else ())
        if school
        else (),
        rules.display_phone(school.phone) if school else "",
        school.email if school else "",
        school.head_teacher if school else "",
    )
    letters = []
    for carers in households.values():
        household = carers[0].household
        language = carers[0].written_language or "ENG"
        status = translation_status(template.id, language, template.texts())
        bilingual = language != "ENG" and status == "draft"
        if language != "ENG" and status == "missing":
            language = "ENG"
        interpreter = any(c.id in booked or None in booked for c in carers if c.needs_interpreter)
        extra: dict[str, object] = {
            "meeting_date": meeting.day,
            "meeting_time": meeting.start_time or dt.time(9, 0),
            "place": _where(meeting, letter_school.name),
            "interpreter_booked": interpreter,
            "reply_by": max(today, meeting.day - dt.timedelta(days=7)),
            "purpose": meeting.purpose or meeting.kind.label.lower(),
            "staff": staff or "staff who know your child",
        }
        recipient = LetterRecipient(
            _salutation(carers),
            tuple(c.full_name for c in carers),
            tuple(household.address_lines) if household else (),
        )
        context = MergeContext(
            school=letter_school,
            student=letter_student,
            recipient=recipient,
            letter_date=today,
            students=(letter_student,),
            extra=extra,
        )
        variant = Variant(bilingual=bilingual, large_print=any(c.large_print for c in carers))
        letters.append(
            _Letter(
                InvitationCopy(
                    recipient.salutation,
                    ", ".join(recipient.address_lines),
                    language,
                    bilingual,
                    interpreter,
                    tuple(c.id for c in carers),
                ),
                LetterJob(template, context, language, variant),
            )
        )
    return letters


def record_invitation_letters(
    s: Session,
    actor: Actor,
    meeting: Meeting,
    copies: Sequence[InvitationCopy],
    when: dt.datetime,
) -> list[int]:
    """Log each invitation letter on the student's contact log (channel "letter"), with the
    carers it was addressed to. Part of the caller's transaction."""
    ids = []
    for copy in copies:
        contact = ContactRecord(
            student_id=meeting.student_id,
            staff_id=actor.staff_member_id,
            at=when,
            channel=Channel.LETTER,
            direction=Direction.TO_HOME,
            purpose=Purpose.OTHER,
            tone=Tone.NEUTRAL,
            outcome=LETTER_OUTCOME,
            summary=(
                f"Invitation to the {meeting.kind.label.lower()} on {meeting.day:%d/%m/%Y} "
                f"sent to {copy.addressed_to}"
                + (f" in {copy.language}" if copy.language != "ENG" else "")
                + (" (bilingual)" if copy.bilingual else "")
                + (", saying an interpreter is booked" if copy.interpreter_booked else "")
                + "."
            ),
            created_by=actor.user_id,
        )
        contact.carers = [ContactCarer(carer_id=cid) for cid in copy.carer_ids]
        s.add(contact)
        s.flush()
        audit.record(s, actor, "create", "contact_record", contact.id, "Meeting invitation letter")
        ids.append(contact.id)
    return ids
