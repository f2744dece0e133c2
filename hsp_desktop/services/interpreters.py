"""Interpreter bookings: proposed for any meeting, visit or planned call with a family whose
carer needs one, in that carer's spoken language and dialect.

Safeguarding: family members, children and friends must never interpret for formal matters,
so the provider is an agency, a telephone service or a member of staff who speaks the
language, and a booking naming a member of the family is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from hsp_desktop.errors import KnownError, ValidationError
from hsp_desktop.i18n import languages
from hsp_desktop.model import (
    Carer,
    HomeVisit,
    InterpreterBooking,
    Meeting,
    StaffMember,
    Student,
    StudentCarer,
    rules,
)
from hsp_desktop.model.casework import BookingStatus, ProviderKind
from hsp_desktop.model.enums import Restriction
from hsp_desktop.model.meetings import AttendeeKind, Place
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.common import check_version, get_or_fail
from hsp_desktop.services.reviews import Clock, SchoolCalendar, local_today, utc_now
from hsp_desktop.store import Database

__all__ = [
    "BookingDraft",
    "BookingReport",
    "BookingStatus",
    "BookingView",
    "InterpreterNeed",
    "InterpreterService",
    "ProviderKind",
    "format_money",
    "language_name",
    "parse_money",
]


def snapshot(obj: object) -> dict[str, Any]:
    """The audit snapshot, with times of day written out (the audit trail stores JSON)."""
    return {
        key: value.isoformat() if isinstance(value, dt.time) else value
        for key, value in audit.snapshot(obj).items()
    }


# -- money -----------------------------------------------------------------------------------

_MONEY = re.compile(r"^£?\s*(\d{1,7})(?:\.(\d{1,2}))?$")


def parse_money(field: str, text: str | int | None) -> int:
    """``"£45.50"``, ``"45.5"`` or ``"45"`` -> pence. Blank is nothing."""
    if isinstance(text, int):
        if text < 0:
            raise ValidationError(field, "cannot be negative")
        return text
    cleaned = (text or "").strip().replace(",", "")
    if not cleaned:
        return 0
    match = _MONEY.match(cleaned)
    if not match:
        raise ValidationError(field, f"{cleaned!r} is not an amount of money (like 45.50)")
    pounds, pence = match.group(1), (match.group(2) or "0").ljust(2, "0")
    return int(pounds) * 100 + int(pence)


def format_money(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def language_name(code: str, dialect: str = "") -> str:
    try:
        name = languages.get(code).english_name
    except languages.UnknownLanguageError:
        name = code
    if dialect and dialect.casefold() not in name.casefold():
        return f"{name} ({dialect})"
    return name


# -- plain data ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaffInterpreter:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class InterpreterNeed:
    """A carer of the student who needs an interpreter, and who on the staff could do it."""

    carer_id: int
    carer_name: str
    language: str  # DfE code of the spoken language
    dialect: str
    notes: str  # the carer's interpreter notes ("prefers a female interpreter")
    staff: tuple[StaffInterpreter, ...]

    @property
    def language_label(self) -> str:
        return language_name(self.language, self.dialect)


@dataclass(frozen=True, slots=True)
class BookingDraft:
    student_id: int
    language: str
    provider_kind: ProviderKind
    day: dt.date
    start_time: dt.time | None = None
    duration_minutes: int = 60
    carer_id: int | None = None
    meeting_id: int | None = None
    visit_id: int | None = None
    purpose: str = ""
    dialect: str = ""
    provider_name: str = ""
    interpreter_name: str = ""
    staff_member_id: int | None = None
    cost_pence: int = 0
    notes: str = ""


@dataclass(frozen=True, slots=True)
class BookingView:
    id: int
    student_id: int
    student_name: str
    carer_id: int | None
    carer_name: str
    meeting_id: int | None
    visit_id: int | None
    purpose: str
    day: dt.date
    start_time: dt.time | None
    duration_minutes: int
    language: str
    dialect: str
    provider_kind: ProviderKind
    provider_name: str
    interpreter_name: str
    staff_member_id: int | None
    status: BookingStatus
    requested_on: dt.date
    confirmed_on: dt.date | None
    cancelled_on: dt.date | None
    cost_pence: int
    notes: str
    version: int

    @property
    def language_label(self) -> str:
        return language_name(self.language, self.dialect)

    @property
    def who(self) -> str:
        parts = [p for p in (self.interpreter_name, self.provider_name) if p]
        return ", ".join(parts) or self.provider_kind.label

    def as_draft(self) -> BookingDraft:
        return BookingDraft(
            student_id=self.student_id,
            language=self.language,
            provider_kind=self.provider_kind,
            day=self.day,
            start_time=self.start_time,
            duration_minutes=self.duration_minutes,
            carer_id=self.carer_id,
            meeting_id=self.meeting_id,
            visit_id=self.visit_id,
            purpose=self.purpose,
            dialect=self.dialect,
            provider_name=self.provider_name,
            interpreter_name=self.interpreter_name,
            staff_member_id=self.staff_member_id,
            cost_pence=self.cost_pence,
            notes=self.notes,
        )


@dataclass(frozen=True, slots=True)
class ReportLine:
    language: str  # DfE code
    language_label: str
    term: str  # "Autumn 2026/27", or "Outside term time"
    term_start: dt.date | None
    bookings: int
    confirmed: int
    cancelled: int
    cost_pence: int


@dataclass(frozen=True, slots=True)
class BookingReport:
    first: dt.date
    last: dt.date
    lines: tuple[ReportLine, ...]  # by language, then term
    by_language: tuple[tuple[str, int, int], ...]  # (label, bookings, cost)
    by_term: tuple[tuple[str, int, int], ...]
    total_bookings: int
    total_cost_pence: int
    bookings: tuple[BookingView, ...]


# -- reading ---------------------------------------------------------------------------------


def _person(title: str, first: str, last: str) -> str:
    return " ".join(p for p in (title, first, last) if p)


def speakers(s: Session, language: str) -> tuple[StaffInterpreter, ...]:
    """Active staff who list ``language`` among the languages they can interpret."""
    result = []
    for member in s.scalars(
        select(StaffMember).where(StaffMember.active.is_(True), StaffMember.languages != "")
    ):
        codes = {c.strip().upper() for c in member.languages.split(",") if c.strip()}
        if language.upper() in codes:
            result.append(StaffInterpreter(member.id, member.display_name))
    result.sort(key=lambda m: m.name)
    return tuple(result)


def interpreter_needs(
    s: Session, student_id: int, carer_ids: Sequence[int] | None = None
) -> list[InterpreterNeed]:
    """Carers of the student who need an interpreter (not those the school must not contact)."""
    query = (
        select(Carer)
        .join(StudentCarer, StudentCarer.carer_id == Carer.id)
        .where(
            StudentCarer.student_id == student_id,
            StudentCarer.restriction == Restriction.NONE,
            Carer.needs_interpreter.is_(True),
        )
        .order_by(StudentCarer.contact_order, Carer.id)
    )
    if carer_ids is not None:
        query = query.where(Carer.id.in_(carer_ids))
    cache: dict[str, tuple[StaffInterpreter, ...]] = {}
    needs = []
    for carer in s.scalars(query):
        code = carer.spoken_language
        if code not in cache:
            cache[code] = speakers(s, code)
        needs.append(
            InterpreterNeed(
                carer.id,
                carer.full_name,
                code,
                carer.spoken_dialect,
                carer.interpreter_notes,
                cache[code],
            )
        )
    return needs


def _view(b: InterpreterBooking, s: Session) -> BookingView:
    student = s.get(Student, b.student_id)
    carer = s.get(Carer, b.carer_id) if b.carer_id else None
    return BookingView(
        b.id,
        b.student_id,
        _student_name(student),
        b.carer_id,
        carer.full_name if carer else "",
        b.meeting_id,
        b.visit_id,
        b.purpose,
        b.day,
        b.start_time,
        b.duration_minutes,
        b.language,
        b.dialect,
        b.provider_kind,
        b.provider_name,
        b.interpreter_name,
        b.staff_member_id,
        b.status,
        b.requested_on,
        b.confirmed_on,
        b.cancelled_on,
        b.cost_pence,
        b.notes,
        b.version,
    )


def _student_name(student: Student | None) -> str:
    if student is None:
        return ""
    return f"{student.preferred_first_name or student.first_name} {student.last_name}"


def bookings_where(s: Session, *conditions: object) -> list[BookingView]:
    rows = s.scalars(
        select(InterpreterBooking)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(InterpreterBooking.day, InterpreterBooking.id)
    )
    return [_view(b, s) for b in rows]


# -- checks ----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace(".", " ").split())


def _family_names(s: Session, student_id: int) -> dict[str, str]:
    """Names (folded) of the student, their carers and the other children of those carers."""
    carer_ids = list(
        s.scalars(select(StudentCarer.carer_id).where(StudentCarer.student_id == student_id))
    )
    names: dict[str, str] = {}
    for carer in s.scalars(select(Carer).where(Carer.id.in_(carer_ids))):
        for form in (f"{carer.first_name} {carer.last_name}", carer.full_name):
            names[_fold(form)] = f"{carer.full_name} is a parent or carer of this family"
    children = set(
        s.scalars(select(StudentCarer.student_id).where(StudentCarer.carer_id.in_(carer_ids)))
    ) | {student_id}
    for child in s.scalars(select(Student).where(Student.id.in_(children))):
        for first in {child.first_name, child.preferred_first_name} - {""}:
            names[_fold(f"{first} {child.last_name}")] = f"{first} {child.last_name} is a child"
    return names


def check_draft(s: Session, draft: BookingDraft) -> BookingDraft:
    """Validate a booking; returns it cleaned. Raises ``ValidationError`` naming the field."""
    student = get_or_fail(s, Student, draft.student_id, "student")
    code = (draft.language or "").strip().upper()
    if not code:
        raise ValidationError("Language", "is required")
    if not languages.is_known(code):
        raise ValidationError("Language", f"{code!r} is not a DfE language code")
    kind = ProviderKind(draft.provider_kind)
    interpreter = rules.optional_text("Interpreter", draft.interpreter_name, 200)
    provider = rules.optional_text("Agency or service", draft.provider_name, 200)
    staff_id = draft.staff_member_id
    if kind is ProviderKind.STAFF:
        if staff_id is None:
            raise ValidationError("Interpreter", "choose the member of staff who will interpret")
        member = get_or_fail(s, StaffMember, staff_id, "member of staff")
        if code not in {c.strip().upper() for c in member.languages.split(",")}:
            raise ValidationError(
                "Interpreter",
                f"{member.display_name} does not list {language_name(code)} among the "
                "languages they can interpret (see their staff record)",
            )
        interpreter = member.display_name
        provider = ""
    else:
        staff_id = None
    if interpreter:
        family = _family_names(s, student.id)
        hit = family.get(_fold(interpreter))
        if hit:
            raise ValidationError(
                "Interpreter",
                f"{hit}: family members and children must never interpret for formal "
                "matters. Book an agency, a telephone service or a member of staff.",
            )
    if draft.carer_id is not None:
        carer = get_or_fail(s, Carer, draft.carer_id, "carer")
        linked = s.scalar(
            select(StudentCarer.id).where(
                StudentCarer.student_id == student.id, StudentCarer.carer_id == carer.id
            )
        )
        if linked is None:
            raise ValidationError("Carer", f"{carer.full_name} is not a carer of this student")
    if draft.meeting_id is not None:
        meeting = get_or_fail(s, Meeting, draft.meeting_id, "meeting")
        if meeting.student_id != student.id:
            raise ValidationError("Meeting", "belongs to another student")
    if draft.visit_id is not None:
        visit = get_or_fail(s, HomeVisit, draft.visit_id, "home visit")
        if visit.student_id != student.id:
            raise ValidationError("Home visit", "belongs to another student")
    if not 5 <= draft.duration_minutes <= 600:
        raise ValidationError("Length", "must be between 5 minutes and 10 hours")
    if draft.cost_pence < 0:
        raise ValidationError("Cost", "cannot be negative")
    return BookingDraft(
        student_id=student.id,
        language=code,
        provider_kind=kind,
        day=draft.day,
        start_time=draft.start_time,
        duration_minutes=draft.duration_minutes,
        carer_id=draft.carer_id,
        meeting_id=draft.meeting_id,
        visit_id=draft.visit_id,
        purpose=rules.optional_text("Purpose", draft.purpose, 200),
        dialect=rules.optional_text("Dialect", draft.dialect, 100),
        provider_name=provider,
        interpreter_name=interpreter,
        staff_member_id=staff_id,
        cost_pence=draft.cost_pence,
        notes=rules.free_text("Notes", draft.notes, 5000),
    )


def _apply(b: InterpreterBooking, d: BookingDraft) -> None:
    b.student_id = d.student_id
    b.carer_id = d.carer_id
    b.meeting_id = d.meeting_id
    b.visit_id = d.visit_id
    b.purpose = d.purpose
    b.day = d.day
    b.start_time = d.start_time
    b.duration_minutes = d.duration_minutes
    b.language = d.language
    b.dialect = d.dialect
    b.provider_kind = d.provider_kind
    b.provider_name = d.provider_name
    b.interpreter_name = d.interpreter_name
    b.staff_member_id = d.staff_member_id
    b.cost_pence = d.cost_pence
    b.notes = d.notes


def move_bookings(
    s: Session,
    actor: Actor,
    bookings: Sequence[InterpreterBooking],
    day: dt.date,
    start_time: dt.time | None,
    duration_minutes: int,
) -> list[str]:
    """Follow a meeting or visit to its new time. A confirmed interpreter was booked for the
    old time, so the booking goes back to "requested" until the provider confirms again."""
    warnings = []
    for b in bookings:
        if b.status is BookingStatus.CANCELLED:
            continue
        if (b.day, b.start_time) == (day, start_time) and b.duration_minutes == duration_minutes:
            continue
        before = snapshot(b)
        old = f"{b.day:%d/%m/%Y}" + (f" {b.start_time:%H:%M}" if b.start_time else "")
        b.day, b.start_time, b.duration_minutes = day, start_time, duration_minutes
        if b.status is BookingStatus.CONFIRMED:
            b.status = BookingStatus.REQUESTED
            b.confirmed_on = None
            b.notes = (b.notes + "\n" if b.notes else "") + f"Moved from {old}: to confirm again."
            warnings.append(
                f"The {language_name(b.language, b.dialect)} interpreter was confirmed for "
                f"{old}: ask {b.interpreter_name or b.provider_name or 'the provider'} to "
                "confirm the new time."
            )
        s.flush()
        audit.record(
            s,
            actor,
            "update",
            "interpreter_booking",
            b.id,
            f"Interpreter booking moved from {old}",
            before=before,
            after=snapshot(b),
        )
    return warnings


def cancel_booking(
    s: Session, actor: Actor, b: InterpreterBooking, today: dt.date, why: str
) -> None:
    before = snapshot(b)
    b.status = BookingStatus.CANCELLED
    b.cancelled_on = today
    b.notes = (b.notes + "\n" if b.notes else "") + why
    s.flush()
    audit.record(
        s,
        actor,
        "cancel",
        "interpreter_booking",
        b.id,
        f"Interpreter booking cancelled: {why}",
        before=before,
        after=snapshot(b),
    )


# -- the service -----------------------------------------------------------------------------


class InterpreterService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def today(self) -> dt.date:
        return local_today(self.clock)

    # -- what is needed ---------------------------------------------------------------------
    def needs(self, actor: Actor, student_id: int) -> list[InterpreterNeed]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            get_or_fail(s, Student, student_id, "student")
            return interpreter_needs(s, student_id)

    def staff_speakers(self, actor: Actor, language: str) -> tuple[StaffInterpreter, ...]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return speakers(s, language)

    def propose(
        self,
        actor: Actor,
        *,
        meeting_id: int | None = None,
        visit_id: int | None = None,
        student_id: int | None = None,
        day: dt.date | None = None,
        purpose: str = "Phone call",
    ) -> list[BookingDraft]:
        """Bookings the family needs for this meeting, visit or (with ``student_id``) call, for
        carers who have none yet. Empty when nobody needs an interpreter."""
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            place = Place.SCHOOL
            carer_ids: list[int] | None = None
            start: dt.time | None = None
            minutes = 30
            if meeting_id is not None:
                meeting = get_or_fail(s, Meeting, meeting_id, "meeting")
                student_id, day, start = meeting.student_id, meeting.day, meeting.start_time
                minutes, place, purpose = (
                    meeting.duration_minutes,
                    meeting.place,
                    meeting.kind.label,
                )
                chosen = [
                    a.carer_id
                    for a in meeting.attendees
                    if a.kind is AttendeeKind.CARER and a.invited and a.carer_id is not None
                ]
                carer_ids = chosen or None
                existing = InterpreterBooking.meeting_id == meeting_id
            elif visit_id is not None:
                visit = get_or_fail(s, HomeVisit, visit_id, "home visit")
                student_id, place = visit.student_id, Place.HOME
                local = visit.leaves_at.astimezone()
                day, start = local.date(), local.time().replace(second=0, microsecond=0)
                minutes = max(
                    5, int((visit.expected_return - visit.leaves_at).total_seconds() // 60)
                )
                purpose = f"Home visit: {visit.purpose}"[:200]
                existing = InterpreterBooking.visit_id == visit_id
            elif student_id is not None:
                place = Place.ONLINE  # a call: a telephone service or a member of staff
                existing = None
            else:
                raise ValueError("propose needs a meeting, a visit or a student")
            assert student_id is not None
            day = day or self.today()
            needs = interpreter_needs(s, student_id, carer_ids)
            booked: set[tuple[int | None, str]] = set()
            if existing is not None:
                for cid, lang in s.execute(
                    select(InterpreterBooking.carer_id, InterpreterBooking.language).where(
                        existing, InterpreterBooking.status != BookingStatus.CANCELLED
                    )
                ):
                    booked.add((cid, lang))
            drafts = []
            for need in needs:
                if (need.carer_id, need.language) in booked or (None, need.language) in booked:
                    continue
                staff = need.staff[0] if need.staff else None
                if staff is not None and place is not Place.HOME:
                    kind = ProviderKind.STAFF
                elif place is Place.ONLINE:
                    kind = ProviderKind.TELEPHONE
                else:
                    kind = ProviderKind.AGENCY
                drafts.append(
                    BookingDraft(
                        student_id=student_id,
                        language=need.language,
                        dialect=need.dialect,
                        provider_kind=kind,
                        staff_member_id=staff.id if kind is ProviderKind.STAFF and staff else None,
                        interpreter_name=staff.name if kind is ProviderKind.STAFF and staff else "",
                        day=day,
                        start_time=start,
                        duration_minutes=minutes,
                        carer_id=need.carer_id,
                        meeting_id=meeting_id,
                        visit_id=visit_id,
                        purpose=purpose,
                        notes=need.notes,
                    )
                )
            return drafts

    # -- bookings ---------------------------------------------------------------------------
    def request(self, actor: Actor, draft: BookingDraft) -> BookingView:
        actor.require(Permission.MANAGE_MEETINGS)
        with self.db.transaction() as s:
            clean = check_draft(s, draft)
            booking = InterpreterBooking(
                language=clean.language,
                provider_kind=clean.provider_kind,
                day=clean.day,
                requested_on=self.today(),
                status=BookingStatus.REQUESTED,
            )
            _apply(booking, clean)
            s.add(booking)
            s.flush()
            audit.record(
                s,
                actor,
                "create",
                "interpreter_booking",
                booking.id,
                f"Interpreter requested: {language_name(clean.language, clean.dialect)} on "
                f"{clean.day:%d/%m/%Y}",
                after=snapshot(booking),
            )
            return _view(booking, s)

    def update(
        self, actor: Actor, booking_id: int, read_version: int, draft: BookingDraft
    ) -> BookingView:
        actor.require(Permission.MANAGE_MEETINGS)
        with self.db.transaction() as s:
            booking = get_or_fail(s, InterpreterBooking, booking_id, "interpreter booking")
            check_version(booking, read_version, "interpreter booking")
            clean = check_draft(s, draft)
            before = snapshot(booking)
            _apply(booking, clean)
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "interpreter_booking",
                booking.id,
                "Interpreter booking",
                before=before,
                after=snapshot(booking),
            )
            return _view(booking, s)

    def confirm(
        self,
        actor: Actor,
        booking_id: int,
        read_version: int,
        *,
        interpreter_name: str,
        confirmed_on: dt.date | None = None,
        cost_pence: int | None = None,
        provider_name: str | None = None,
    ) -> BookingView:
        actor.require(Permission.MANAGE_MEETINGS)
        with self.db.transaction() as s:
            booking = get_or_fail(s, InterpreterBooking, booking_id, "interpreter booking")
            check_version(booking, read_version, "interpreter booking")
            if booking.status is BookingStatus.CANCELLED:
                raise KnownError("This booking was cancelled; make a new one instead.")
            draft = _view(booking, s).as_draft()
            draft = replace(
                draft,
                interpreter_name=interpreter_name,
                provider_name=draft.provider_name if provider_name is None else provider_name,
                cost_pence=draft.cost_pence if cost_pence is None else cost_pence,
            )
            clean = check_draft(s, draft)
            if booking.provider_kind is not ProviderKind.TELEPHONE and not clean.interpreter_name:
                raise ValidationError("Interpreter", "say who is coming before confirming")
            when = confirmed_on or self.today()
            if when > self.today():
                raise ValidationError("Confirmed on", "cannot be in the future")
            before = snapshot(booking)
            _apply(booking, clean)
            booking.status = BookingStatus.CONFIRMED
            booking.confirmed_on = when
            s.flush()
            audit.record(
                s,
                actor,
                "confirm",
                "interpreter_booking",
                booking.id,
                f"Interpreter confirmed: {clean.interpreter_name or clean.provider_name}",
                before=before,
                after=snapshot(booking),
            )
            return _view(booking, s)

    def cancel(self, actor: Actor, booking_id: int, read_version: int, reason: str = "") -> None:
        actor.require(Permission.MANAGE_MEETINGS)
        with self.db.transaction() as s:
            booking = get_or_fail(s, InterpreterBooking, booking_id, "interpreter booking")
            check_version(booking, read_version, "interpreter booking")
            if booking.status is BookingStatus.CANCELLED:
                return
            cancel_booking(
                s,
                actor,
                booking,
                self.today(),
                rules.free_text("Reason", reason, 500) or "Cancelled",
            )

    def get(self, actor: Actor, booking_id: int) -> BookingView:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return _view(get_or_fail(s, InterpreterBooking, booking_id, "interpreter booking"), s)

    def for_meeting(self, actor: Actor, meeting_id: int) -> list[BookingView]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return bookings_where(s, InterpreterBooking.meeting_id == meeting_id)

    def for_visit(self, actor: Actor, visit_id: int) -> list[BookingView]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return bookings_where(s, InterpreterBooking.visit_id == visit_id)

    def for_student(self, actor: Actor, student_id: int) -> list[BookingView]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return bookings_where(s, InterpreterBooking.student_id == student_id)

    # -- the office's list ------------------------------------------------------------------
    def report(
        self, actor: Actor, first: dt.date | None = None, last: dt.date | None = None
    ) -> BookingReport:
        """Bookings between two dates (default: this academic year) by language and term,
        with cost totals. Cancelled bookings count only for a cost (a late-cancellation fee)."""
        actor.require(Permission.VIEW_STUDENTS)
        today = self.today()
        start_year = today.year if today.month >= 9 else today.year - 1
        first = first or dt.date(start_year, 9, 1)
        last = last or dt.date(start_year + 1, 8, 31)
        if last < first:
            raise ValidationError("To", "cannot be before the start date")
        with self.db.read() as s:
            calendar = SchoolCalendar.load(s)
            views = bookings_where(
                s, InterpreterBooking.day >= first, InterpreterBooking.day <= last
            )
        groups: dict[tuple[str, str], list[BookingView]] = defaultdict(list)
        term_starts: dict[str, dt.date | None] = {}
        for b in views:
            term, start = _term_label(calendar, b.day)
            term_starts[term] = start
            groups[(b.language, term)].append(b)
        lines = []
        for (lang, term), items in groups.items():
            lines.append(
                ReportLine(
                    lang,
                    language_name(lang),
                    term,
                    term_starts[term],
                    sum(1 for b in items if b.status is not BookingStatus.CANCELLED),
                    sum(1 for b in items if b.status is BookingStatus.CONFIRMED),
                    sum(1 for b in items if b.status is BookingStatus.CANCELLED),
                    sum(b.cost_pence for b in items),
                )
            )
        lines.sort(key=lambda r: (r.language_label, r.term_start or dt.date.max))
        by_language: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        by_term: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for line in lines:
            by_language[line.language_label][0] += line.bookings
            by_language[line.language_label][1] += line.cost_pence
            by_term[line.term][0] += line.bookings
            by_term[line.term][1] += line.cost_pence
        return BookingReport(
            first,
            last,
            tuple(lines),
            tuple((k, v[0], v[1]) for k, v in sorted(by_language.items())),
            tuple(
                (k, v[0], v[1])
                for k, v in sorted(
                    by_term.items(), key=lambda kv: term_starts.get(kv[0]) or dt.date.max
                )
            ),
            sum(line.bookings for line in lines),
            sum(line.cost_pence for line in lines),
            tuple(views),
        )


def _term_label(calendar: SchoolCalendar, day: dt.date) -> tuple[str, dt.date | None]:
    for name, start, end in calendar.terms:
        if start <= day <= end:
            year = start.year if name.value == "autumn" else start.year - 1
            return f"{name.value.capitalize()} {year}/{(year + 1) % 100:02d}", start
    return "Outside term time", None


def active_bookings(s: Session, *conditions: object) -> list[InterpreterBooking]:
    return list(
        s.scalars(
            select(InterpreterBooking).where(
                InterpreterBooking.status != BookingStatus.CANCELLED,
                *conditions,  # type: ignore[arg-type]
            )
        )
    )


def carers_and_interpreter_languages(
    s: Session, student_ids: Sequence[int] | Select[Any]
) -> dict[int, tuple[list[str], list[str]]]:
    """Per student: unrestricted carers' names in contact order, and the spoken languages
    (by name, each once) of those who need an interpreter."""
    found: dict[int, tuple[list[str], list[str]]] = {}
    for sid, title, last, lang, interp in s.execute(
        select(
            StudentCarer.student_id,
            Carer.title,
            Carer.last_name,
            Carer.spoken_language,
            Carer.needs_interpreter,
        )
        .join(Carer, Carer.id == StudentCarer.carer_id)
        .where(
            StudentCarer.student_id.in_(student_ids),
            StudentCarer.restriction == Restriction.NONE,
        )
        .order_by(StudentCarer.contact_order)
    ):
        names, langs = found.setdefault(sid, ([], []))
        name = f"{title} {last}".strip()
        if name not in names:
            names.append(name)
        if interp and language_name(lang) not in langs:
            langs.append(language_name(lang))
    return found
