"""The data: SQLAlchemy mapped classes and the rules that guard their values. No Qt, no sessions."""

from hsp_desktop.model.accounts import UserAccount
from hsp_desktop.model.audit import AuditEntry
from hsp_desktop.model.base import Base
from hsp_desktop.model.families import Carer, Household, StudentCarer
from hsp_desktop.model.school import (
    AcademicYear,
    ClassSupportStaff,
    School,
    SchoolClass,
    StaffMember,
    Term,
)
from hsp_desktop.model.students import Student

__all__ = [
    "AcademicYear",
    "AuditEntry",
    "Base",
    "Carer",
    "ClassSupportStaff",
    "Household",
    "School",
    "SchoolClass",
    "StaffMember",
    "Student",
    "StudentCarer",
    "Term",
    "UserAccount",
]
