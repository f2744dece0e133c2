"""Home visits: planned with who goes (a second member of staff, or a lone-working
arrangement) and when they will be back; checked out and in; a visit past its expected return
without a check-in is overdue for everyone to see until it is checked in or someone closes
the alert. Outcome notes are restricted to roles that may read restricted records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsp_desktop.errors import KnownError, ValidationError
from hsp_desktop.model import (
    Carer,
    HomeVisit,
    Household,
    InterpreterBooking,
    StaffMember,
    Student,
    StudentCarer,
    rules,
)
from hsp_desktop.model.casework import BookingStatus, VisitStatus
from hsp_desktop.model.enums import Restriction
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
)
from hsp_desktop.services.meetings import BookingsNeedDecision, StaffOption, staff_options
from hsp_desktop.services.reviews import Clock, local_today, utc_now
from hsp_desktop.store import Database

__all__ = [
    "OverdueVisit",
    "VisitDraft",
    "VisitForm",
    "VisitRow",
    "VisitService",
    "VisitStatus",
    "VisitView",
]

# A clock a few minutes fast on another PC should not refuse a check-in just made.
SLACK = dt.timedelta(minutes=10)
MAX_VISIT = dt.timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class Address:
    household_id: int
    label: str  # "14 Elm Grove, Sevenoaks TN13 1AB (Mrs Khan)"


@dataclass(frozen=True, slots=True)
class VisitForm:
    student_id: int
    student_name: str
    addresses: tuple[Address, ...]
    staff: tuple[StaffOption, ...]
    default_lead: int | None
    needs: tuple[InterpreterNeed, ...]
    now: dt.datetime


@dataclass(frozen=True, slots=True)
class VisitDraft:
    student_id: int
    purpose: str
    leaves_at: dt.datetime
    expected_return: dt.datetime
    lead_staff_id: int | None
    second_staff_id: int | None = None
    lone_working: str = ""
    household_id: int | None = None


@dataclass(frozen=True, slots=True)
class VisitView:
    id: int
    student_id: int
    student_name: str
    household_id: int | None
    address: str
    purpose: str
    leaves_at: dt.datetime
    expected_return: dt.datetime
    status: VisitStatus
    lead_staff_id: int | None
    lead_name: str
    second_staff_id: int | None
    second_name: str
    lone_working: str
    checked_out_at: dt.datetime | None
    checked_in_at: dt.datetime | None
    alert_closed_at: dt.datetime | None
    alert_closed_by: str
    alert_note: str
    outcome_notes: str  # "" when hidden
    notes_hidden: bool
    overdue: bool
    bookings: tuple[BookingView, ...]
    actions: tuple[ActionView, ...]
    version: int
    warnings: tuple[str, ...] = field(default=())

    def as_draft(self) -> VisitDraft:
        return VisitDraft(
            self.student_id,
            self.purpose,
            self.leaves_at,
            self.expected_return,
            self.lead_staff_id,
            self.second_staff_id,
            self.lone_working,
            self.household_id,
        )

    @property
    def staff(self) -> str:
        return " and ".join(n for n in (self.lead_name, self.second_name) if n)


@dataclass(frozen=True, slots=True)
class VisitRow:
    id: int
    student_id: int
    student_name: str
    address: str
    purpose: str
    leaves_at: dt.datetime
    expected_return: dt.datetime
    status: VisitStatus
    staff: str
    checked_out: bool
    checked_in: bool
    overdue: bool
    version: int

    @property
    def state(self) -> str:
        if self.overdue:
            return "OVERDUE"
        if self.status is not VisitStatus.PLANNED:
            return self.status.label
        return "Out now" if self.checked_out else "Planned"


@dataclass(frozen=True, slots=True)
class OverdueVisit:
    """A visit whose staff should be back and have not checked in."""

    id: int
    student_name: str
    address: str
    staff: str
    lone: bool  # no second member of staff went
    lone_working: str
    leaves_at: dt.datetime
    expected_return: dt.datetime
    checked_out_at: dt.datetime | None
    minutes_late: int
    version: int

    @property
    def message(self) -> str:
        back = self.expected_return.astimezone()
        out = "" if self.checked_out_at else " (never checked out)"
        return (
            f"{self.staff} should have been back from a home visit to the family of "
            f"{self.student_name} at {back:%H:%M}{out}: {self.minutes_late} min late."
        )


def _name(member: StaffMember | None) -> str:
    return member.display_name if member else ""


def _address(household: Household | None) -> str:
    return ", ".join(household.address_lines) if household else ""


def is_overdue(visit: HomeVisit, now: dt.datetime) -> bool:
    return (
        visit.status is VisitStatus.PLANNED
        and visit.checked_in_at is None
        and visit.alert_closed_at is None
        and visit.expected_return < now
    )


def _overdue_clause(now: dt.datetime) -> list[object]:
    return [
        HomeVisit.status == VisitStatus.PLANNED,
        HomeVisit.checked_in_at.is_(None),
        HomeVisit.alert_closed_at.is_(None),
        HomeVisit.expected_return < now,
    ]


class VisitService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def now(self) -> dt.datetime:
        return self.clock()

    # -- reading ----------------------------------------------------------------------------
    def form(self, actor: Actor, student_id: int) -> VisitForm:
        actor.require(Permission.MANAGE_VISITS)
        with self.db.read() as s:
            student = get_or_fail(s, Student, student_id, "student")
            addresses: dict[int, list[str]] = {}
            lines: dict[int, str] = {}
            for carer, household, link in s.execute(
                select(Carer, Household, StudentCarer)
                .join(StudentCarer, StudentCarer.carer_id == Carer.id)
                .join(Household, Household.id == Carer.household_id)
                .where(StudentCarer.student_id == student_id)
                .order_by(StudentCarer.lives_with_student.desc(), StudentCarer.contact_order)
            ):
                if link.restriction is not Restriction.NONE:
                    continue
                lines.setdefault(household.id, _address(household))
                addresses.setdefault(household.id, []).append(
                    f"{carer.title} {carer.last_name}".strip()
                )
            return VisitForm(
                student.id,
                f"{student.preferred_first_name or student.first_name} {student.last_name}",
                tuple(
                    Address(hid, f"{lines[hid]} ({' and '.join(dict.fromkeys(who))})")
                    for hid, who in addresses.items()
                ),
                staff_options(s),
                actor.staff_member_id,
                tuple(interpreter_needs(s, student_id)),
                self.now(),
            )

    def get(self, actor: Actor, visit_id: int) -> VisitView:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return self._view(s, actor, get_or_fail(s, HomeVisit, visit_id, "home visit"))

    def for_student(self, actor: Actor, student_id: int) -> list[VisitRow]:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return self._rows(s, HomeVisit.student_id == student_id, newest_first=True)

    def between(
        self, actor: Actor, first: dt.datetime, last: dt.datetime, staff_id: int | None = None
    ) -> list[VisitRow]:
        actor.require(Permission.VIEW_STUDENTS)
        conditions: list[object] = [HomeVisit.leaves_at >= first, HomeVisit.leaves_at < last]
        if staff_id is not None:
            conditions.append(
                (HomeVisit.lead_staff_id == staff_id) | (HomeVisit.second_staff_id == staff_id)
            )
        with self.db.read() as s:
            return self._rows(s, *conditions)

    def planned(self, actor: Actor) -> list[VisitRow]:
        """Every visit still planned (out now, today's and later ones), earliest first."""
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            return self._rows(s, HomeVisit.status == VisitStatus.PLANNED)

    def overdue(self, actor: Actor) -> list[OverdueVisit]:
        """Visits past their expected return without a check-in, longest overdue first."""
        actor.require(Permission.VIEW_STUDENTS)
        now = self.now()
        with self.db.read() as s:
            found = s.execute(
                select(
                    HomeVisit, Student.first_name, Student.preferred_first_name, Student.last_name
                )
                .join(Student, Student.id == HomeVisit.student_id)
                .where(*_overdue_clause(now))  # type: ignore[arg-type]
                .order_by(HomeVisit.expected_return)
            ).all()
            result = []
            for visit, first, preferred, last in found:
                lead = s.get(StaffMember, visit.lead_staff_id) if visit.lead_staff_id else None
                second = (
                    s.get(StaffMember, visit.second_staff_id) if visit.second_staff_id else None
                )
                household = s.get(Household, visit.household_id) if visit.household_id else None
                result.append(
                    OverdueVisit(
                        visit.id,
                        f"{preferred or first} {last}",
                        _address(household),
                        " and ".join(n for n in (_name(lead), _name(second)) if n)
                        or "Staff (not named)",
                        second is None,
                        visit.lone_working,
                        visit.leaves_at,
                        visit.expected_return,
                        visit.checked_out_at,
                        int((now - visit.expected_return).total_seconds() // 60),
                        visit.version,
                    )
                )
            return result

    # -- planning ---------------------------------------------------------------------------
    def plan(self, actor: Actor, draft: VisitDraft) -> VisitView:
        actor.require(Permission.MANAGE_VISITS)
        with self.db.transaction() as s:
            values = self._validate(s, draft, None)
            visit = HomeVisit(**values, status=VisitStatus.PLANNED, created_by=actor.user_id)
            s.add(visit)
            s.flush()
            audit.record(
                s,
                actor,
                "create",
                "home_visit",
                visit.id,
                f"Home visit planned for {visit.leaves_at.astimezone():%d/%m/%Y %H:%M}",
                after=_safe_snapshot(visit),
            )
            return self._view(s, actor, visit)

    def update(
        self, actor: Actor, visit_id: int, read_version: int, draft: VisitDraft
    ) -> VisitView:
        actor.require(Permission.MANAGE_VISITS)
        with self.db.transaction() as s:
            visit = get_or_fail(s, HomeVisit, visit_id, "home visit")
            check_version(visit, read_version, "home visit")
            if visit.status is not VisitStatus.PLANNED:
                raise KnownError("This visit is no longer planned; it cannot be changed.")
            if draft.student_id != visit.student_id:
                raise ValidationError("Family", "a visit cannot be moved to another family")
            values = self._validate(s, draft, visit)
            before = _safe_snapshot(visit)
            moved = (values["leaves_at"], values["expected_return"]) != (
                visit.leaves_at,
                visit.expected_return,
            )
            for key, value in values.items():
                setattr(visit, key, value)
            s.flush()
            warnings: list[str] = []
            if moved:
                local = visit.leaves_at.astimezone()
                warnings = move_bookings(
                    s,
                    actor,
                    _active_bookings(s, visit.id),
                    local.date(),
                    local.time().replace(second=0, microsecond=0),
                    _minutes(visit),
                )
            audit.record(
                s,
                actor,
                "update",
                "home_visit",
                visit.id,
                "Home visit",
                before=before,
                after=_safe_snapshot(visit),
            )
            return self._view(s, actor, visit, warnings)

    def cancel(
        self,
        actor: Actor,
        visit_id: int,
        read_version: int,
        *,
        cancel_bookings: bool | None = None,
    ) -> VisitView:
        actor.require(Permission.MANAGE_VISITS)
        with self.db.transaction() as s:
            visit = get_or_fail(s, HomeVisit, visit_id, "home visit")
            check_version(visit, read_version, "home visit")
            if visit.status is not VisitStatus.PLANNED:
                raise KnownError("Only a planned visit can be cancelled.")
            if visit.checked_out_at is not None:
                raise KnownError(
                    "Staff have already checked out for this visit: check them in instead."
                )
            active = _active_bookings(s, visit.id)
            if active and cancel_bookings is None:
                raise BookingsNeedDecision(
                    bookings_where(
                        s,
                        InterpreterBooking.visit_id == visit.id,
                        InterpreterBooking.status != BookingStatus.CANCELLED,
                    ),
                    "cancelling",
                )
            if cancel_bookings:
                for booking in active:
                    cancel_booking(s, actor, booking, local_today(self.clock), "Visit cancelled")
            visit.status = VisitStatus.CANCELLED
            s.flush()
            audit.record(s, actor, "cancel", "home_visit", visit.id, "Home visit cancelled")
            return self._view(s, actor, visit)

    # -- on the day -------------------------------------------------------------------------
    def check_out(
        self, actor: Actor, visit_id: int, read_version: int, at: dt.datetime | None = None
    ) -> VisitView:
        """Staff leave for the visit (any role may record it: the office often does)."""
        actor.require(Permission.VIEW_STUDENTS)
        now = self.now()
        when = _moment("Checked out at", at or now)
        if when > now + SLACK:
            raise ValidationError("Checked out at", "cannot be in the future")
        with self.db.transaction() as s:
            visit = get_or_fail(s, HomeVisit, visit_id, "home visit")
            check_version(visit, read_version, "home visit")
            if visit.status is not VisitStatus.PLANNED:
                raise KnownError("This visit is not planned: there is nothing to check out.")
            if visit.checked_out_at is not None:
                raise KnownError(
                    f"Already checked out at {visit.checked_out_at.astimezone():%H:%M}."
                )
            visit.checked_out_at = when
            s.flush()
            audit.record(
                s,
                actor,
                "check_out",
                "home_visit",
                visit.id,
                f"Checked out at {when.astimezone():%H:%M}, back by "
                f"{visit.expected_return.astimezone():%H:%M}",
            )
            return self._view(s, actor, visit)

    def check_in(
        self,
        actor: Actor,
        visit_id: int,
        read_version: int,
        at: dt.datetime | None = None,
        outcome_notes: str | None = None,
    ) -> VisitView:
        """Staff are back: the visit is done and any overdue alert ends."""
        actor.require(Permission.VIEW_STUDENTS)
        now = self.now()
        when = _moment("Checked in at", at or now)
        if when > now + SLACK:
            raise ValidationError("Checked in at", "cannot be in the future")
        if outcome_notes:
            actor.require(Permission.VIEW_RESTRICTED)
        with self.db.transaction() as s:
            visit = get_or_fail(s, HomeVisit, visit_id, "home visit")
            check_version(visit, read_version, "home visit")
            if visit.status is not VisitStatus.PLANNED:
                raise KnownError("This visit is not planned: there is nothing to check in.")
            out = visit.checked_out_at
            if out is None:
                # Staff who forgot to check out: take the planned time as leaving time.
                out = visit.checked_out_at = min(visit.leaves_at, when)
            if when < out:
                raise ValidationError(
                    "Checked in at",
                    f"{when.astimezone():%d/%m/%Y %H:%M} is before the check-out at "
                    f"{out.astimezone():%d/%m/%Y %H:%M}",
                )
            visit.checked_in_at = when
            visit.status = VisitStatus.DONE
            if outcome_notes is not None:
                visit.outcome_notes = rules.free_text("Outcome", outcome_notes)
            s.flush()
            audit.record(
                s,
                actor,
                "check_in",
                "home_visit",
                visit.id,
                f"Checked in at {when.astimezone():%H:%M}",
            )
            return self._view(s, actor, visit)

    def close_alert(self, actor: Actor, visit_id: int, read_version: int, note: str) -> VisitView:
        """The office has made sure the staff are safe (e.g. phoned them): the alert ends
        though nobody has checked in yet."""
        actor.require(Permission.VIEW_STUDENTS)
        note = rules.required_text("What was done", note, 1000)
        with self.db.transaction() as s:
            visit = get_or_fail(s, HomeVisit, visit_id, "home visit")
            check_version(visit, read_version, "home visit")
            if not is_overdue(visit, self.now()):
                raise KnownError("This visit is not overdue.")
            visit.alert_closed_at = self.now()
            visit.alert_closed_by = actor.display_name
            visit.alert_note = note
            s.flush()
            audit.record(
                s, actor, "close_alert", "home_visit", visit.id, f"Overdue alert closed: {note}"
            )
            return self._view(s, actor, visit)

    def record_outcome(
        self, actor: Actor, visit_id: int, read_version: int, notes: str
    ) -> VisitView:
        actor.require(Permission.VIEW_RESTRICTED)
        actor.require(Permission.MANAGE_VISITS)
        with self.db.transaction() as s:
            visit = get_or_fail(s, HomeVisit, visit_id, "home visit")
            check_version(visit, read_version, "home visit")
            visit.outcome_notes = rules.free_text("Outcome", notes)
            s.flush()
            # The notes are restricted: the audit trail says that they changed, not what.
            audit.record(s, actor, "update", "home_visit", visit.id, "Visit outcome notes")
            return self._view(s, actor, visit)

    # -- internals --------------------------------------------------------------------------
    def _validate(
        self, s: Session, draft: VisitDraft, existing: HomeVisit | None
    ) -> dict[str, object]:
        student = get_or_fail(s, Student, draft.student_id, "student")
        purpose = rules.required_text("Purpose", draft.purpose, 300)
        leaves = _moment("Leaves at", draft.leaves_at)
        back = _moment("Back by", draft.expected_return)
        now = self.now()
        if leaves.astimezone().date() < now.astimezone().date():
            unchanged = existing is not None and existing.leaves_at == leaves
            if not unchanged:
                raise ValidationError(
                    "Leaves at",
                    f"{leaves.astimezone():%d/%m/%Y} is in the past: a planned visit must be "
                    "today or later",
                )
        if back <= leaves:
            raise ValidationError("Back by", "must be after the time of leaving")
        if back - leaves > MAX_VISIT:
            raise ValidationError("Back by", "a home visit cannot last more than 12 hours")
        if draft.lead_staff_id is None:
            raise ValidationError("Staff going", "choose who goes on the visit")
        get_or_fail(s, StaffMember, draft.lead_staff_id, "member of staff")
        lone = rules.free_text("Lone-working arrangement", draft.lone_working, 2000)
        second = draft.second_staff_id
        if second is not None:
            if second == draft.lead_staff_id:
                raise ValidationError("Second member of staff", "must be someone else")
            get_or_fail(s, StaffMember, second, "member of staff")
        elif not lone:
            raise ValidationError(
                "Lone-working arrangement",
                "a visit without a second member of staff needs a lone-working arrangement "
                "(who is told when you arrive and leave, what happens if you do not call)",
            )
        household = draft.household_id
        if household is not None:
            linked = s.scalar(
                select(Carer.id)
                .join(StudentCarer, StudentCarer.carer_id == Carer.id)
                .where(StudentCarer.student_id == student.id, Carer.household_id == household)
                .limit(1)
            )
            if linked is None:
                raise ValidationError("Address", "is not the home of a carer of this student")
        return {
            "student_id": student.id,
            "household_id": household,
            "purpose": purpose,
            "leaves_at": leaves,
            "expected_return": back,
            "lead_staff_id": draft.lead_staff_id,
            "second_staff_id": second,
            "lone_working": lone,
        }

    def _view(
        self, s: Session, actor: Actor, visit: HomeVisit, warnings: Sequence[str] = ()
    ) -> VisitView:
        student = s.get(Student, visit.student_id)
        assert student is not None
        lead = s.get(StaffMember, visit.lead_staff_id) if visit.lead_staff_id else None
        second = s.get(StaffMember, visit.second_staff_id) if visit.second_staff_id else None
        household = s.get(Household, visit.household_id) if visit.household_id else None
        hidden = not actor.can(Permission.VIEW_RESTRICTED)
        return VisitView(
            visit.id,
            student.id,
            f"{student.preferred_first_name or student.first_name} {student.last_name}",
            visit.household_id,
            _address(household),
            visit.purpose,
            visit.leaves_at,
            visit.expected_return,
            visit.status,
            visit.lead_staff_id,
            _name(lead),
            visit.second_staff_id,
            _name(second),
            visit.lone_working,
            visit.checked_out_at,
            visit.checked_in_at,
            visit.alert_closed_at,
            visit.alert_closed_by,
            visit.alert_note,
            "" if hidden else visit.outcome_notes,
            hidden,
            is_overdue(visit, self.now()),
            tuple(bookings_where(s, InterpreterBooking.visit_id == visit.id)),
            tuple(actions_where(s, visit_id=visit.id)),
            visit.version,
            tuple(warnings),
        )

    def _rows(self, s: Session, *conditions: object, newest_first: bool = False) -> list[VisitRow]:
        order = HomeVisit.leaves_at.desc() if newest_first else HomeVisit.leaves_at
        found = s.execute(
            select(HomeVisit, Student.first_name, Student.preferred_first_name, Student.last_name)
            .join(Student, Student.id == HomeVisit.student_id)
            .where(*conditions)  # type: ignore[arg-type]
            .order_by(order)
        ).all()
        staff_ids = {
            i for v, *_ in found for i in (v.lead_staff_id, v.second_staff_id) if i is not None
        }
        names = {
            m.id: m.display_name
            for m in s.scalars(select(StaffMember).where(StaffMember.id.in_(staff_ids)))
        }
        household_ids = {v.household_id for v, *_ in found if v.household_id is not None}
        places = {
            h.id: _address(h)
            for h in s.scalars(select(Household).where(Household.id.in_(household_ids)))
        }
        now = self.now()
        return [
            VisitRow(
                v.id,
                v.student_id,
                f"{preferred or first} {last}",
                places.get(v.household_id, "") if v.household_id else "",
                v.purpose,
                v.leaves_at,
                v.expected_return,
                v.status,
                " and ".join(names[i] for i in (v.lead_staff_id, v.second_staff_id) if i in names),
                v.checked_out_at is not None,
                v.checked_in_at is not None,
                is_overdue(v, now),
                v.version,
            )
            for v, first, preferred, last in found
        ]


def _moment(field_name: str, value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValidationError(field_name, "has no time zone")
    return value.astimezone(dt.UTC)


def _minutes(visit: HomeVisit) -> int:
    return max(5, int((visit.expected_return - visit.leaves_at).total_seconds() // 60))


def _safe_snapshot(visit: HomeVisit) -> dict[str, object]:
    values = audit.snapshot(visit)
    values.pop("outcome_notes", None)
    return values


def _active_bookings(s: Session, visit_id: int) -> list[InterpreterBooking]:
    return list(
        s.scalars(
            select(InterpreterBooking).where(
                InterpreterBooking.visit_id == visit_id,
                InterpreterBooking.status != BookingStatus.CANCELLED,
            )
        )
    )
