"""Enumerations shared by the model, the services and the screens (no SQLAlchemy here)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    OFFICE = "office"
    TEACHER = "teacher"
    FAMILY_SUPPORT = "family_support"
    SENIOR = "senior"
    READ_ONLY = "read_only"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.OFFICE: "Office",
    Role.TEACHER: "Class teacher",
    Role.FAMILY_SUPPORT: "Family support worker",
    Role.SENIOR: "Senior leader / SENCO",
    Role.READ_ONLY: "Read only",
}


class Country(StrEnum):
    ENGLAND = "england"
    WALES = "wales"


class TermName(StrEnum):
    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"


class StudentStatus(StrEnum):
    ON_ROLL = "on_roll"
    LEFT = "left"


class SenStatus(StrEnum):
    EHCP = "ehcp"  # England: Education, Health and Care Plan; Wales: IDP
    SEN_SUPPORT = "sen_support"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"ehcp": "EHCP", "sen_support": "SEN support", "none": "None"}[self.value]


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"


class ContactMethod(StrEnum):
    PHONE = "phone"
    TEXT = "text"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Relationship(StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    STEP_MOTHER = "step_mother"
    STEP_FATHER = "step_father"
    GRANDPARENT = "grandparent"
    AUNT_UNCLE = "aunt_uncle"
    SIBLING = "sibling"
    FOSTER_CARER = "foster_carer"
    SOCIAL_WORKER = "social_worker"
    GUARDIAN = "guardian"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").replace("aunt uncle", "aunt/uncle").capitalize()


class Restriction(StrEnum):
    NONE = "none"
    NO_CONTACT = "no_contact"
    COURT_ORDER = "court_order"

    @property
    def label(self) -> str:
        return {"none": "", "no_contact": "No contact", "court_order": "Court order"}[self.value]
