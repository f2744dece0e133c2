"""The family support worker's casework: interpreter bookings, home visits, the caseload,
follow-up actions, and events with their invitations and attendance.

A "family" here is the family of one student: the student's carers, as the student file
links them.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hsp_desktop.model.base import Base, Versioned, utcnow
from hsp_desktop.model.types import UtcDateTime, enum_type

# -- interpreters ----------------------------------------------------------------------------


class ProviderKind(StrEnum):
    """Who interprets. There is deliberately no choice for a child or a family member."""

    AGENCY = "agency"
    TELEPHONE = "telephone"
    STAFF = "staff"

    @property
    def label(self) -> str:
        return {
            "agency": "Interpreting agency (in person)",
            "telephone": "Telephone interpreting service",
            "staff": "Member of staff",
        }[self.value]


class BookingStatus(StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class InterpreterBooking(Versioned, Base):
    """An interpreter for one carer at a meeting, a home visit or a planned call."""

    __tablename__ = "interpreter_booking"
    __table_args__ = (
        Index("ix_interpreter_booking_day", "day"),
        Index("ix_interpreter_booking_student", "student_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    carer_id: Mapped[int | None] = mapped_column(
        ForeignKey("carer.id", ondelete="SET NULL"), nullable=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), nullable=True, index=True
    )
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("home_visit.id", ondelete="SET NULL"), nullable=True, index=True
    )
    purpose: Mapped[str] = mapped_column(String(200), default="")
    day: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    language: Mapped[str] = mapped_column(String(5))  # DfE code of the spoken language
    dialect: Mapped[str] = mapped_column(String(100), default="")
    provider_kind: Mapped[ProviderKind] = mapped_column(enum_type(ProviderKind))
    provider_name: Mapped[str] = mapped_column(String(200), default="")  # agency or service
    interpreter_name: Mapped[str] = mapped_column(String(200), default="")
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[BookingStatus] = mapped_column(
        enum_type(BookingStatus), default=BookingStatus.REQUESTED
    )
    requested_on: Mapped[dt.date] = mapped_column(Date)
    confirmed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    cost_pence: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")


# -- home visits -----------------------------------------------------------------------------


class VisitStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class HomeVisit(Versioned, Base):
    __tablename__ = "home_visit"
    __table_args__ = (
        Index("ix_home_visit_student_leaves", "student_id", "leaves_at"),
        Index("ix_home_visit_status_return", "status", "expected_return"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="SET NULL"), nullable=True
    )
    purpose: Mapped[str] = mapped_column(String(300))
    leaves_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expected_return: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    status: Mapped[VisitStatus] = mapped_column(enum_type(VisitStatus), default=VisitStatus.PLANNED)
    lead_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), nullable=True
    )
    second_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), nullable=True
    )
    lone_working: Mapped[str] = mapped_column(Text, default="")  # arrangement when alone
    checked_out_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # The office closed an overdue alert without a check-in (e.g. after phoning the worker).
    alert_closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    alert_closed_by: Mapped[str] = mapped_column(String(100), default="")
    alert_note: Mapped[str] = mapped_column(Text, default="")
    outcome_notes: Mapped[str] = mapped_column(Text, default="")  # restricted
    created_by: Mapped[int | None] = mapped_column(nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


# -- caseload and actions --------------------------------------------------------------------


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SupportCase(Versioned, Base):
    """A family on the family support worker's caseload (open or closed)."""

    __tablename__ = "support_case"
    __table_args__ = (Index("ix_support_case_worker_status", "worker_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), index=True
    )
    worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus), default=CaseStatus.OPEN)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # restricted
    closing_note: Mapped[str] = mapped_column(Text, default="")


class CaseworkAction(Versioned, Base):
    """A follow-up from a meeting, a home visit or the caseload, with an owner and a date."""

    __tablename__ = "casework_action"
    __table_args__ = (
        Index("ix_casework_action_student_done", "student_id", "done_on"),
        Index("ix_casework_action_owner_done", "owner_id", "done_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), nullable=True, index=True
    )
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("home_visit.id", ondelete="CASCADE"), nullable=True, index=True
    )
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), nullable=True
    )
    due_on: Mapped[dt.date] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


# -- events ----------------------------------------------------------------------------------


class EventKind(StrEnum):
    COFFEE_MORNING = "coffee_morning"
    MAKATON = "makaton"
    PECS = "pecs"
    EATING_DRINKING = "eating_drinking"
    MOBILITY = "mobility"
    OTHER_WORKSHOP = "workshop"
    OPEN_EVENING = "open_evening"
    PERFORMANCE = "performance"
    AWARD_CEREMONY = "award_ceremony"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _EVENT_LABELS[self.value]

    @property
    def is_formal(self) -> bool:
        """Formal events are where the policy asks for interpreters to be arranged."""
        return self in (EventKind.OPEN_EVENING, EventKind.AWARD_CEREMONY)


_EVENT_LABELS = {
    "coffee_morning": "Coffee morning",
    "makaton": "Workshop: Makaton",
    "pecs": "Workshop: PECS",
    "eating_drinking": "Workshop: eating and drinking",
    "mobility": "Workshop: mobility (MOVE)",
    "workshop": "Workshop (other)",
    "open_evening": "Open evening",
    "performance": "Performance",
    "award_ceremony": "Award ceremony",
    "other": "Other event",
}


class SchoolEvent(Versioned, Base):
    __tablename__ = "school_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, 30))
    title: Mapped[str] = mapped_column(String(200))
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    cancelled: Mapped[bool] = mapped_column(default=False)


class EventInvitation(Base):
    """A family invited to an event, and whether they came (None until recorded)."""

    __tablename__ = "event_invitation"
    __table_args__ = (UniqueConstraint("event_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("school_event.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), index=True
    )
    attended: Mapped[bool | None] = mapped_column(nullable=True)
