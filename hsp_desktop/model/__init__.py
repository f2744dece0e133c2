"""The data: SQLAlchemy mapped classes and the rules that guard their values. No Qt, no sessions."""

from hsp_desktop.model.accounts import UserAccount
from hsp_desktop.model.audit import AuditEntry
from hsp_desktop.model.base import Base
from hsp_desktop.model.casework import (
    CaseworkAction,
    EventInvitation,
    HomeVisit,
    InterpreterBooking,
    SchoolEvent,
    SupportCase,
)
from hsp_desktop.model.contacts import (
    AttendanceCall,
    ContactCarer,
    ContactRecord,
    ContactRule,
    FollowUpAction,
)
from hsp_desktop.model.families import Carer, Household, StudentCarer
from hsp_desktop.model.homebook import HomeBookEntry, HomeBookFields
from hsp_desktop.model.letters import (
    IssuedLetter,
    IssuedLetterStudent,
    LetterRun,
    MailSettings,
    SlipDecision,
    SlipReturn,
    TranslationReview,
)
from hsp_desktop.model.meetings import Meeting, MeetingAttendee, ReviewSettings
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
    "AttendanceCall",
    "AuditEntry",
    "Base",
    "Carer",
    "CaseworkAction",
    "ClassSupportStaff",
    "ContactCarer",
    "ContactRecord",
    "ContactRule",
    "EventInvitation",
    "FollowUpAction",
    "HomeBookEntry",
    "HomeBookFields",
    "HomeVisit",
    "Household",
    "InterpreterBooking",
    "IssuedLetter",
    "IssuedLetterStudent",
    "LetterRun",
    "MailSettings",
    "Meeting",
    "MeetingAttendee",
    "ReviewSettings",
    "School",
    "SchoolClass",
    "SchoolEvent",
    "SlipDecision",
    "SlipReturn",
    "StaffMember",
    "Student",
    "StudentCarer",
    "SupportCase",
    "Term",
    "TranslationReview",
    "UserAccount",
]
