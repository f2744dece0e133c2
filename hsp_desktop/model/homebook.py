"""The home-school book: a two-way diary per student, matching the paper book page by page."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    and_,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hsp_desktop.model.base import Base, Versioned, utcnow
from hsp_desktop.model.types import UtcDateTime, enum_type


class Author(StrEnum):
    SCHOOL = "school"
    FAMILY = "family"


class FamilyEntryKind(StrEnum):
    TRANSCRIBED = "transcribed"  # staff typed what the family wrote
    RECEIVED = "received"  # noted that the family wrote; the paper book holds the text


class Mood(StrEnum):
    """A five-point scale, shown with faces on screen and on paper."""

    UPSET = "1"
    UNSETTLED = "2"
    OK = "3"
    HAPPY = "4"
    VERY_HAPPY = "5"

    @property
    def label(self) -> str:
        return {
            "1": "Upset",
            "2": "Unsettled",
            "3": "Settled",
            "4": "Happy",
            "5": "Very happy",
        }[self.value]

    @property
    def level(self) -> int:
        return int(self.value)


class StructuredField(StrEnum):
    """Optional day-care fields a special school records for some students."""

    EATING = "eating"
    DRINKING = "drinking"
    SLEEP = "sleep"
    TOILETING = "toileting"
    MEDICATION = "medication"

    @property
    def label(self) -> str:
        return {
            "eating": "Eating",
            "drinking": "Drinking",
            "sleep": "Sleep",
            "toileting": "Toileting",
            "medication": "Medication given",
        }[self.value]


# A school page that records an achievement (positive news for the termly dashboards). The
# partial index below holds only these pages; a query finds it through ``achievement_page()``.
_ACHIEVEMENT_PAGE = f"author = '{Author.SCHOOL.value}' AND achievements <> ''"


class HomeBookEntry(Versioned, Base):
    __tablename__ = "homebook_entry"
    __table_args__ = (
        UniqueConstraint("student_id", "day", "author"),
        Index("ix_homebook_entry_day", "day"),
        Index(
            "ix_homebook_entry_achievement",
            "student_id",
            "day",
            sqlite_where=text(_ACHIEVEMENT_PAGE),
            postgresql_where=text(_ACHIEVEMENT_PAGE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    author: Mapped[Author] = mapped_column(enum_type(Author))
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), nullable=True
    )
    # School page
    activities: Mapped[str] = mapped_column(Text, default="")
    mood: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)  # Mood.level
    achievements: Mapped[str] = mapped_column(Text, default="")
    events: Mapped[str] = mapped_column(Text, default="")
    eating: Mapped[str] = mapped_column(String(200), default="")
    drinking: Mapped[str] = mapped_column(String(200), default="")
    sleep: Mapped[str] = mapped_column(String(200), default="")
    toileting: Mapped[str] = mapped_column(String(200), default="")
    medication: Mapped[str] = mapped_column(String(200), default="")
    # Family page
    family_kind: Mapped[FamilyEntryKind | None] = mapped_column(
        enum_type(FamilyEntryKind), nullable=True
    )
    message: Mapped[str] = mapped_column(Text, default="")
    needs_reply: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


def achievement_page() -> ColumnElement[bool]:
    """The partial index's condition, as a query must state it to be answered from the index.

    The constants are written into the SQL rather than bound: a planner matches a partial
    index only against values it can see (PostgreSQL's generic plans cannot use the index,
    and SQLite prepares the statement again whenever a value is bound).
    """
    return and_(
        HomeBookEntry.author == literal_column(f"'{Author.SCHOOL.value}'"),
        HomeBookEntry.achievements != literal_column("''"),
    )


class HomeBookFields(Versioned, Base):
    """Which structured fields are switched on for one student."""

    __tablename__ = "homebook_fields"

    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), primary_key=True
    )
    fields: Mapped[str] = mapped_column(String(200), default="")  # StructuredField values

    @property
    def id(self) -> int:  # check_version and audit name records by id
        return self.student_id
