"""The contact log: who spoke to which family, how, and what follows from it.

Also the school's termly-contact rule, the follow-up actions a contact leaves, and the calls
made in the first half of the morning about unexplained absences.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsp_desktop.model.base import Base, Versioned, utcnow
from hsp_desktop.model.types import UtcDateTime, enum_type


class Channel(StrEnum):
    PHONE = "phone"
    TEXT = "text"
    EMAIL = "email"
    LETTER = "letter"
    MEETING = "meeting"
    HOME_VISIT = "home_visit"
    IN_PERSON = "in_person"
    HOME_BOOK = "home_book"

    @property
    def label(self) -> str:
        return _LABELS[self.value]


class Direction(StrEnum):
    TO_HOME = "to_home"
    TO_SCHOOL = "to_school"

    @property
    def label(self) -> str:
        return _LABELS[self.value]


class Purpose(StrEnum):
    TERMLY = "termly"
    ATTENDANCE = "attendance"
    ACHIEVEMENT = "achievement"
    CONCERN = "concern"
    MEDICAL = "medical"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _LABELS[self.value]


class Tone(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    CONCERN = "concern"

    @property
    def label(self) -> str:
        return _LABELS["tone_" + self.value]


class Outcome(StrEnum):
    SPOKE = "spoke"
    VOICEMAIL = "voicemail"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"

    @property
    def label(self) -> str:
        return _LABELS[self.value]

    @property
    def reached(self) -> bool:
        return self is Outcome.SPOKE


class InterpreterKind(StrEnum):
    """Who interpreted. There is deliberately no choice for a child or a family member."""

    NONE = "none"
    STAFF = "staff"
    AGENCY = "agency"
    TELEPHONE = "telephone"

    @property
    def label(self) -> str:
        return _LABELS["interp_" + self.value]


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


_LABELS = {
    "phone": "Phone",
    "text": "Text message",
    "email": "Email",
    "letter": "Letter",
    "meeting": "Meeting",
    "home_visit": "Home visit",
    "in_person": "In person",
    "home_book": "Home-school book",
    "to_home": "School to home",
    "to_school": "Home to school",
    "termly": "Termly contact",
    "attendance": "Attendance",
    "achievement": "Achievement",
    "concern": "Concern",
    "medical": "Medical",
    "other": "Other",
    "tone_positive": "Positive",
    "tone_neutral": "Neutral",
    "tone_concern": "Concern",
    "spoke": "Spoke",
    "voicemail": "Voicemail",
    "no_answer": "No answer",
    "wrong_number": "Wrong number",
    "interp_none": "None",
    "interp_staff": "Member of staff",
    "interp_agency": "Interpreting agency",
    "interp_telephone": "Telephone interpreting service",
}

# Channels on which a conversation can go both ways; the school's rule may narrow this.
TWO_WAY_CHANNELS: tuple[Channel, ...] = (
    Channel.PHONE,
    Channel.MEETING,
    Channel.HOME_VISIT,
    Channel.IN_PERSON,
)


class ContactRecord(Versioned, Base):
    __tablename__ = "contact_record"
    __table_args__ = (
        # Covering: the termly dashboards read a student's contacts of one term (outcome,
        # channel, tone, who, and the id to find the carers) from the index alone, never
        # touching the rows with their summaries. ``id`` is spelled out for PostgreSQL's
        # index-only scans; SQLite keeps the row id in every index anyway.
        Index(
            "ix_contact_record_student_at_covering",
            "student_id",
            "at",
            "outcome",
            "channel",
            "tone",
            "staff_id",
            "id",
        ),
        Index("ix_contact_record_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), nullable=True
    )
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    channel: Mapped[Channel] = mapped_column(enum_type(Channel))
    direction: Mapped[Direction] = mapped_column(enum_type(Direction))
    purpose: Mapped[Purpose] = mapped_column(enum_type(Purpose))
    tone: Mapped[Tone] = mapped_column(enum_type(Tone))
    outcome: Mapped[Outcome] = mapped_column(enum_type(Outcome))
    interpreter: Mapped[InterpreterKind] = mapped_column(
        enum_type(InterpreterKind), default=InterpreterKind.NONE
    )
    interpreter_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), nullable=True
    )
    interpreter_name: Mapped[str] = mapped_column(String(200), default="")
    interpreter_language: Mapped[str] = mapped_column(String(5), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    restricted: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(nullable=True)  # user account id
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)

    carers: Mapped[list[ContactCarer]] = relationship(
        cascade="all, delete-orphan", back_populates="contact"
    )


class ContactCarer(Base):
    """A carer the contact was with (or, for an attempt, whom the school tried to reach)."""

    __tablename__ = "contact_carer"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact_record.id", ondelete="CASCADE"), primary_key=True
    )
    carer_id: Mapped[int] = mapped_column(
        ForeignKey("carer.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    contact: Mapped[ContactRecord] = relationship(back_populates="carers")


class FollowUpAction(Versioned, Base):
    __tablename__ = "followup_action"
    __table_args__ = (Index("ix_followup_owner_status_due", "owner_id", "status", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_record.id", ondelete="CASCADE"), nullable=True, index=True
    )
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id", ondelete="RESTRICT"))
    description: Mapped[str] = mapped_column(Text)
    due_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(enum_type(ActionStatus), default=ActionStatus.OPEN)
    done_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    done_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AttendanceCall(Versioned, Base):
    """The first-half-of-the-morning call about an unexplained absence (policy 000)."""

    __tablename__ = "attendance_call"
    __table_args__ = (Index("ix_attendance_call_day", "day", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact_record.id", ondelete="CASCADE"), unique=True
    )
    reason_given: Mapped[str] = mapped_column(Text, default="")


# Families not yet reached are overdue once this many school days of the term are left, until
# the school sets its own rule: the dashboards use it while there is no rule row, and a new row
# starts from it.
DEFAULT_OVERDUE_DAYS = 10


class ContactRule(Versioned, Base):
    """The school's termly-contact rule: one row, edited by senior leaders."""

    __tablename__ = "contact_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversations_per_term: Mapped[int] = mapped_column(default=1)
    # Comma-separated Channel values that can carry a conversation that counts.
    counting_channels: Mapped[str] = mapped_column(
        String(200), default=",".join(c.value for c in TWO_WAY_CHANNELS)
    )
    parental_responsibility_only: Mapped[bool] = mapped_column(default=True)
    # A family not yet reached is overdue once this many school days of the term are left.
    overdue_days_before_end: Mapped[int] = mapped_column(default=DEFAULT_OVERDUE_DAYS)
