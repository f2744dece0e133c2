"""Carers, the households they live in, and how each carer stands to each student."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsp_desktop.model.base import Base, Versioned
from hsp_desktop.model.enums import ContactMethod, Relationship, Restriction
from hsp_desktop.model.students import Student
from hsp_desktop.model.types import enum_type


class Household(Versioned, Base):
    """An address. Carers at one address share a household; letters go one per household."""

    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_line1: Mapped[str] = mapped_column(String(200), default="")
    address_line2: Mapped[str] = mapped_column(String(200), default="")
    town: Mapped[str] = mapped_column(String(100), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="", index=True)
    home_phone: Mapped[str] = mapped_column(String(20), default="")

    carers: Mapped[list[Carer]] = relationship(back_populates="household")

    @property
    def address_lines(self) -> list[str]:
        return [p for p in (self.address_line1, self.address_line2, self.town, self.postcode) if p]

    @property
    def has_address(self) -> bool:
        return bool(self.address_line1 and self.postcode)


class Carer(Versioned, Base):
    """A parent or carer. Language and access needs belong to the person, not the family."""

    __tablename__ = "carer"
    __table_args__ = (Index("ix_carer_names", "last_name", "first_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(20), default="")
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="SET NULL"), nullable=True, index=True
    )
    mobile: Mapped[str] = mapped_column(String(20), default="")  # E.164
    home_phone: Mapped[str] = mapped_column(String(20), default="")
    work_phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    preferred_contact: Mapped[ContactMethod] = mapped_column(
        enum_type(ContactMethod), default=ContactMethod.PHONE
    )
    spoken_language: Mapped[str] = mapped_column(String(5), default="ENG")  # DfE code
    spoken_dialect: Mapped[str] = mapped_column(String(100), default="")
    written_language: Mapped[str] = mapped_column(String(5), default="ENG")
    needs_interpreter: Mapped[bool] = mapped_column(default=False)
    needs_translation: Mapped[bool] = mapped_column(default=False)
    literacy_support: Mapped[bool] = mapped_column(default=False)  # letters read aloud
    large_print: Mapped[bool] = mapped_column(default=False)
    interpreter_notes: Mapped[str] = mapped_column(Text, default="")

    household: Mapped[Household | None] = relationship(back_populates="carers")
    links: Mapped[list[StudentCarer]] = relationship(
        back_populates="carer", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.title, self.first_name, self.last_name) if p)


class StudentCarer(Versioned, Base):
    """How one carer stands to one student. Siblings share the carer, not copies of it."""

    __tablename__ = "student_carer"
    __table_args__ = (UniqueConstraint("student_id", "carer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), index=True
    )
    carer_id: Mapped[int] = mapped_column(ForeignKey("carer.id", ondelete="CASCADE"), index=True)
    relationship_to_student: Mapped[Relationship] = mapped_column(
        "relationship", enum_type(Relationship), default=Relationship.OTHER
    )
    parental_responsibility: Mapped[bool] = mapped_column(default=True)
    lives_with_student: Mapped[bool] = mapped_column(default=True)
    receives_correspondence: Mapped[bool] = mapped_column(default=True)
    contact_order: Mapped[int] = mapped_column(default=1)
    restriction: Mapped[Restriction] = mapped_column(
        enum_type(Restriction), default=Restriction.NONE
    )
    restriction_note: Mapped[str] = mapped_column(Text, default="")

    student: Mapped[Student] = relationship()
    carer: Mapped[Carer] = relationship(back_populates="links")
