"""The school itself: details, academic years and terms, classes and staff."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsp_desktop.model.base import Base, Versioned
from hsp_desktop.model.enums import Country, TermName
from hsp_desktop.model.types import enum_type


class School(Versioned, Base):
    """One row: the school this database belongs to."""

    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    head_teacher: Mapped[str] = mapped_column(String(100), default="")
    urn: Mapped[str] = mapped_column(String(10), default="")
    la_code: Mapped[str] = mapped_column(String(3), default="")
    estab_number: Mapped[str] = mapped_column(String(4), default="")
    country: Mapped[Country] = mapped_column(enum_type(Country), default=Country.ENGLAND)
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class AcademicYear(Versioned, Base):
    __tablename__ = "academic_year"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)  # "2026/27"
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)

    terms: Mapped[list[Term]] = relationship(
        back_populates="academic_year", cascade="all, delete-orphan", order_by="Term.start_date"
    )


class Term(Versioned, Base):
    __tablename__ = "term"
    __table_args__ = (UniqueConstraint("academic_year_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    academic_year_id: Mapped[int] = mapped_column(
        ForeignKey("academic_year.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[TermName] = mapped_column(enum_type(TermName))
    start_date: Mapped[dt.date] = mapped_column(Date, index=True)
    end_date: Mapped[dt.date] = mapped_column(Date)
    half_term_start: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    half_term_end: Mapped[dt.date | None] = mapped_column(Date, nullable=True)

    academic_year: Mapped[AcademicYear] = relationship(back_populates="terms")


class StaffMember(Versioned, Base):
    __tablename__ = "staff_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(20), default="")
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    job_title: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    # DfE codes of languages this member of staff can interpret, comma separated.
    languages: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def display_name(self) -> str:
        parts = (
            [self.title, self.first_name, self.last_name]
            if self.title
            else [self.first_name, self.last_name]
        )
        return " ".join(p for p in parts if p)


class SchoolClass(Versioned, Base):
    __tablename__ = "school_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    year_group: Mapped[str] = mapped_column(String(20), default="")
    teacher_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), nullable=True, index=True
    )
    room: Mapped[str] = mapped_column(String(50), default="")

    teacher: Mapped[StaffMember | None] = relationship(foreign_keys=[teacher_id])
    support_staff: Mapped[list[StaffMember]] = relationship(secondary="class_support_staff")


class ClassSupportStaff(Base):
    __tablename__ = "class_support_staff"

    class_id: Mapped[int] = mapped_column(
        ForeignKey("school_class.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_member.id", ondelete="CASCADE"), primary_key=True
    )
