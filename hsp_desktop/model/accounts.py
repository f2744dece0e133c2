"""Sign-in accounts. A person who signs in is usually also a StaffMember."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsp_desktop.model.base import Base, Versioned
from hsp_desktop.model.enums import Role
from hsp_desktop.model.school import StaffMember
from hsp_desktop.model.types import UtcDateTime, enum_type


class UserAccount(Versioned, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)  # stored lower case
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    password_hash: Mapped[str] = mapped_column(String(200))
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), nullable=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    staff_member: Mapped[StaffMember | None] = relationship()
