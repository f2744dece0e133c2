"""Who is asking: passed explicitly to every service call."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hsp_desktop.errors import PermissionDenied
from hsp_desktop.model.enums import Role


class Permission(StrEnum):
    VIEW_STUDENTS = "view_students"
    EDIT_STUDENTS = "edit_students"
    EDIT_FAMILIES = "edit_families"
    VIEW_RESTRICTED = "view_restricted"  # restricted contact entries and visit notes
    LOG_CONTACTS = "log_contacts"
    EDIT_HOMEBOOK = "edit_homebook"
    SEND_LETTERS = "send_letters"
    REVIEW_TRANSLATIONS = "review_translations"
    RESOLVE_SLIP_CONFLICTS = "resolve_slip_conflicts"
    MANAGE_MEETINGS = "manage_meetings"
    MANAGE_VISITS = "manage_visits"
    IMPORT_DATA = "import_data"
    EXPORT_DATA = "export_data"
    MANAGE_TERMS = "manage_terms"
    MANAGE_SCHOOL = "manage_school"
    MANAGE_ACCOUNTS = "manage_accounts"
    VIEW_AUDIT = "view_audit"
    VIEW_ALL_CLASSES = "view_all_classes"


P = Permission

# The role matrix. Services check it; screens hide what a role cannot do.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.SENIOR: frozenset(Permission) - {P.MANAGE_ACCOUNTS, P.MANAGE_SCHOOL},
    Role.OFFICE: frozenset(
        {
            P.VIEW_STUDENTS,
            P.EDIT_STUDENTS,
            P.EDIT_FAMILIES,
            P.LOG_CONTACTS,
            P.SEND_LETTERS,
            P.REVIEW_TRANSLATIONS,  # the office records the check a fluent speaker made
            P.MANAGE_MEETINGS,
            P.IMPORT_DATA,
            P.EXPORT_DATA,
            P.VIEW_ALL_CLASSES,
        }
    ),
    Role.TEACHER: frozenset(
        {
            P.VIEW_STUDENTS,
            P.LOG_CONTACTS,
            P.EDIT_HOMEBOOK,
            P.SEND_LETTERS,
            P.MANAGE_MEETINGS,
        }
    ),
    Role.FAMILY_SUPPORT: frozenset(
        {
            P.VIEW_STUDENTS,
            P.EDIT_FAMILIES,
            P.VIEW_RESTRICTED,
            P.LOG_CONTACTS,
            P.EDIT_HOMEBOOK,
            P.MANAGE_MEETINGS,
            P.MANAGE_VISITS,
            P.VIEW_ALL_CLASSES,
        }
    ),
    Role.READ_ONLY: frozenset({P.VIEW_STUDENTS, P.VIEW_ALL_CLASSES}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int | None
    username: str
    display_name: str
    role: Role
    staff_member_id: int | None = None

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionDenied(
                f"{self.display_name} ({self.role.label}) may not "
                f"{permission.value.replace('_', ' ')}."
            )


# Used by first-run setup, the command line and the demo generator: not a person.
SYSTEM = Actor(user_id=None, username="system", display_name="hsp-desktop", role=Role.ADMIN)
