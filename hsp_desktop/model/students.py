"""The student file."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsp_desktop.model.base import Base, Versioned
from hsp_desktop.model.enums import SenStatus, Sex, StudentStatus
from hsp_desktop.model.school import SchoolClass, StaffMember
from hsp_desktop.model.types import enum_type


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later; the last day of the month when that day does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class Student(Versioned, Base):
    __tablename__ = "student"
    __table_args__ = (
        Index("ix_student_names", "last_name", "first_name"),
        Index("ix_student_class_status", "class_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    upn: Mapped[str] = mapped_column(String(13), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    preferred_first_name: Mapped[str] = mapped_column(String(100), default="")
    preferred_last_name: Mapped[str] = mapped_column(String(100), default="")
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[Sex] = mapped_column(enum_type(Sex), default=Sex.UNKNOWN)
    year_group: Mapped[str] = mapped_column(String(10), default="")  # NC year: "R", "1".."14"
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("school_class.id", ondelete="SET NULL"), nullable=True
    )
    key_worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), nullable=True
    )
    tutor_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), nullable=True
    )
    sen_status: Mapped[SenStatus] = mapped_column(enum_type(SenStatus), default=SenStatus.NONE)
    ehcp_issued: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    ehcp_last_review: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    first_language: Mapped[str] = mapped_column(String(5), default="ENG")  # DfE code
    admission_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    leaving_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[StudentStatus] = mapped_column(
        enum_type(StudentStatus), default=StudentStatus.ON_ROLL
    )
    notes: Mapped[str] = mapped_column(Text, default="")

    school_class: Mapped[SchoolClass | None] = relationship(foreign_keys=[class_id])
    key_worker: Mapped[StaffMember | None] = relationship(foreign_keys=[key_worker_id])
    tutor: Mapped[StaffMember | None] = relationship(foreign_keys=[tutor_id])

    @property
    def next_review_due(self) -> dt.date | None:
        """An EHCP is reviewed within 12 months of issue, then of the last review."""
        if self.sen_status is not SenStatus.EHCP:
            return None
        base = self.ehcp_last_review or self.ehcp_issued
        return add_months(base, 12) if base else None
