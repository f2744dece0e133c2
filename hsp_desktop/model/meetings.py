"""Meetings with families (annual reviews and the rest), who came, and the review rules.

A meeting is always about one student. Annual reviews carry the three statutory paper dates
(invitations, advice, report); the rules that turn them into deadlines are kept per school in
``ReviewSettings`` (England by default, Wales with IDPs).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsp_desktop.model.base import Base, Versioned, utcnow
from hsp_desktop.model.types import UtcDateTime, enum_type


class MeetingType(StrEnum):
    ANNUAL_REVIEW = "annual_review"
    INTERIM_REVIEW = "interim_review"
    CONSULTATION = "consultation"
    READMISSION = "readmission"
    OPTIONS_EVENING = "options_evening"
    TRANSITION_REVIEW = "transition_review"
    IEP_REVIEW = "iep_review"
    INFORMAL = "informal"

    @property
    def label(self) -> str:
        return _MEETING_LABELS[self.value]

    @property
    def is_statutory_review(self) -> bool:
        return self is MeetingType.ANNUAL_REVIEW


_MEETING_LABELS = {
    "annual_review": "Annual review (EHCP)",
    "interim_review": "Interim review",
    "consultation": "Parents' consultation evening",
    "readmission": "Readmission meeting",
    "options_evening": "Options evening",
    "transition_review": "Transition review",
    "iep_review": "IEP / learning targets review",
    "informal": "Informal meeting",
}


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Place(StrEnum):
    SCHOOL = "school"
    HOME = "home"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return {"school": "At school", "home": "At home", "online": "Online"}[self.value]


class AttendeeKind(StrEnum):
    STAFF = "staff"
    CARER = "carer"
    PROFESSIONAL = "professional"
    STUDENT = "student"

    @property
    def label(self) -> str:
        return {
            "staff": "Staff",
            "carer": "Family",
            "professional": "Professional",
            "student": "Student",
        }[self.value]


class Meeting(Versioned, Base):
    __tablename__ = "meeting"
    __table_args__ = (
        Index("ix_meeting_student_kind_status_day", "student_id", "kind", "status", "day"),
        Index("ix_meeting_status_day", "status", "day"),
        Index("ix_meeting_student_day", "student_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    kind: Mapped[MeetingType] = mapped_column(enum_type(MeetingType, 30))
    status: Mapped[MeetingStatus] = mapped_column(
        enum_type(MeetingStatus), default=MeetingStatus.PLANNED
    )
    day: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    place: Mapped[Place] = mapped_column(enum_type(Place), default=Place.SCHOOL)
    place_detail: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(String(300), default="")
    outcome_notes: Mapped[str] = mapped_column(Text, default="")
    # Annual reviews: when each statutory paper went out (None = not yet).
    invitations_sent_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    advice_circulated_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    report_sent_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    pfa_discussed: Mapped[bool] = mapped_column(default=False)  # preparing for adulthood
    created_by: Mapped[int | None] = mapped_column(nullable=True)  # user account id
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)

    attendees: Mapped[list[MeetingAttendee]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="MeetingAttendee.id",
    )


class MeetingAttendee(Base):
    """Someone invited to a meeting: staff, a carer, a professional or the student.

    Edited with the meeting (whose version guards the whole list).
    """

    __tablename__ = "meeting_attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AttendeeKind] = mapped_column(enum_type(AttendeeKind))
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), nullable=True
    )
    carer_id: Mapped[int | None] = mapped_column(
        ForeignKey("carer.id", ondelete="SET NULL"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(200), default="")  # job and organisation
    invited: Mapped[bool] = mapped_column(default=True)
    attended: Mapped[bool | None] = mapped_column(nullable=True)  # None: not recorded yet

    meeting: Mapped[Meeting] = relationship(back_populates="attendees")


class ReviewSettings(Versioned, Base):
    """The school's annual-review rules: one row; absent means the country's defaults."""

    __tablename__ = "review_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_name: Mapped[str] = mapped_column(String(20), default="EHCP")
    interval_months: Mapped[int] = mapped_column(default=12)
    notice_days: Mapped[int] = mapped_column(default=14)
    advice_days: Mapped[int] = mapped_column(default=14)  # 0: not tracked
    report_days: Mapped[int] = mapped_column(default=14)  # 0: not tracked
    adulthood_from_year: Mapped[int] = mapped_column(default=9)  # 0: no reminder
    # Phase transfers: "year group:MM-DD" pairs, e.g. "6:02-15,11:03-31".
    transfer_deadlines: Mapped[str] = mapped_column(String(200), default="6:02-15,11:03-31")
    transfer_lead_days: Mapped[int] = mapped_column(default=42)
