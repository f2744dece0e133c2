"""Letters that went out, the slips that came back, translation checks and the mail server.

* ``TranslationReview``: a fluent speaker checked a template's translation into one written
  language. The check holds only for the wording it was made on: ``fingerprint`` is a hash of
  the translated strings, and a later change to them makes the translation a draft again.
* ``LetterRun``: one send of one template to a set of students (a student, a class, a list,
  the whole school), with what is needed to print any copy of it again exactly: the template's
  text, the school's details, the letter date and the values typed for the run.
* ``IssuedLetter``: one copy of a run, to one household (or carer), printed or emailed, with
  its language, variant and return code; ``IssuedLetterStudent`` names the students it is
  about (siblings share a copy of one-per-household letters).
* ``SlipReturn``: the answers of a slip (or a whole form) that came back. One per copy.
* ``SlipDecision``: a senior user's decision where carers in separate households answered a
  slip's question differently.
* ``MailSettings``: the school's SMTP server. The password is never stored here.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsp_desktop.model.base import Base, Versioned, utcnow
from hsp_desktop.model.types import UtcDateTime, enum_type


class DeliveryChannel(StrEnum):
    PRINT = "print"
    EMAIL = "email"

    @property
    def label(self) -> str:
        return {"print": "Printed", "email": "Email"}[self.value]


class MailSecurity(StrEnum):
    STARTTLS = "starttls"
    SSL = "ssl"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            "starttls": "STARTTLS (usually port 587)",
            "ssl": "SSL/TLS (usually port 465)",
            "none": "None (only inside the school network)",
        }[self.value]


class TranslationReview(Base):
    __tablename__ = "translation_review"
    __table_args__ = (Index("ix_translation_review_template_language", "template_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(5))  # DfE code of the written language
    fingerprint: Mapped[str] = mapped_column(String(64))
    checked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    checked_by_name: Mapped[str] = mapped_column(String(100))
    checked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class LetterRun(Base):
    __tablename__ = "letter_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)  # chosen when produced
    template_id: Mapped[str] = mapped_column(String(100), index=True)
    template_title: Mapped[str] = mapped_column(String(200))
    template_source: Mapped[str] = mapped_column(Text)  # the TOML the copies were made from
    template_fingerprint: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(300))  # "Oak Class", "Whole school", ...
    letter_date: Mapped[dt.date] = mapped_column(Date)
    school: Mapped[dict[str, Any]] = mapped_column(JSON)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON)
    easy_read: Mapped[bool] = mapped_column(default=False)
    reminder_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("letter_run.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    created_by_name: Mapped[str] = mapped_column(String(100))

    copies: Mapped[list[IssuedLetter]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="IssuedLetter.position"
    )


class IssuedLetter(Base):
    __tablename__ = "issued_letter"
    __table_args__ = (
        UniqueConstraint("run_id", "position"),
        Index("ix_issued_letter_student", "student_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("letter_run.id", ondelete="CASCADE"))
    position: Mapped[int]  # order in the run: by class, then household
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="SET NULL"), nullable=True, index=True
    )
    carer_ids: Mapped[list[int]] = mapped_column(JSON)
    addressee: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(5))  # DfE code the letter was written in
    bilingual: Mapped[bool] = mapped_column(default=False)
    large_print: Mapped[bool] = mapped_column(default=False)
    easy_read: Mapped[bool] = mapped_column(default=False)
    why: Mapped[str] = mapped_column(Text, default="")  # why bilingual / English / large print
    catalog_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    channel: Mapped[DeliveryChannel] = mapped_column(enum_type(DeliveryChannel))
    email_to: Mapped[str] = mapped_column(String(600), default="")
    read_aloud: Mapped[bool] = mapped_column(default=False)
    return_code: Mapped[str | None] = mapped_column(String(12), unique=True, nullable=True)
    merge: Mapped[dict[str, Any]] = mapped_column(JSON)  # student(s) and recipient as printed
    issued_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    issued_by_name: Mapped[str] = mapped_column(String(100))

    run: Mapped[LetterRun] = relationship(back_populates="copies")
    students: Mapped[list[IssuedLetterStudent]] = relationship(cascade="all, delete-orphan")


class IssuedLetterStudent(Base):
    __tablename__ = "issued_letter_student"

    issued_letter_id: Mapped[int] = mapped_column(
        ForeignKey("issued_letter.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SlipReturn(Versioned, Base):
    __tablename__ = "slip_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    issued_letter_id: Mapped[int] = mapped_column(
        ForeignKey("issued_letter.id", ondelete="CASCADE"), unique=True
    )
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    signed_by: Mapped[str] = mapped_column(String(200), default="")
    received_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    recorded_by_name: Mapped[str] = mapped_column(String(100))


class SlipDecision(Base):
    """What stands where carers in separate households answered a question differently."""

    __tablename__ = "slip_decision"
    __table_args__ = (UniqueConstraint("run_id", "student_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("letter_run.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    decided_by_name: Mapped[str] = mapped_column(String(100))


class MailSettings(Versioned, Base):
    """One row: the school's outgoing mail server (the password lives in the OS keyring)."""

    __tablename__ = "mail_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(200), default="")
    port: Mapped[int] = mapped_column(default=587)
    security: Mapped[MailSecurity] = mapped_column(
        enum_type(MailSecurity), default=MailSecurity.STARTTLS
    )
    username: Mapped[str] = mapped_column(String(200), default="")
    from_address: Mapped[str] = mapped_column(String(254), default="")
    from_name: Mapped[str] = mapped_column(String(200), default="")
    timeout_seconds: Mapped[int] = mapped_column(default=30)
    enabled: Mapped[bool] = mapped_column(default=False)
