"""The school's details and the figures the home page shows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from hsp_desktop.errors import NotFoundError
from hsp_desktop.i18n import languages
from hsp_desktop.model import Carer, Household, School, SchoolClass, Student, StudentCarer, rules
from hsp_desktop.model.enums import Country, SenStatus, StudentStatus
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.common import check_version
from hsp_desktop.store import Database


@dataclass(frozen=True, slots=True)
class SchoolView:
    id: int
    name: str
    address: str
    postcode: str
    phone: str
    email: str
    website: str
    head_teacher: str
    urn: str
    la_code: str
    estab_number: str
    country: Country
    has_logo: bool
    has_signature: bool
    version: int


@dataclass(frozen=True, slots=True)
class SchoolSummary:
    school_name: str
    students_on_roll: int
    classes: int
    households: int
    carers: int
    ehcp_students: int
    carers_needing_interpreter: int
    restricted_links: int
    home_languages: tuple[tuple[str, int], ...]  # (language name, students), most common first


def _view(school: School) -> SchoolView:
    return SchoolView(
        school.id,
        school.name,
        school.address,
        school.postcode,
        school.phone,
        school.email,
        school.website,
        school.head_teacher,
        school.urn,
        school.la_code,
        school.estab_number,
        school.country,
        school.logo_png is not None,
        school.signature_png is not None,
        school.version,
    )


class SchoolService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self) -> SchoolView:
        with self.db.read() as s:
            school = s.scalar(select(School))
            if school is None:
                raise NotFoundError("The school has not been set up yet.")
            return _view(school)

    def update(
        self,
        actor: Actor,
        read_version: int,
        *,
        name: str,
        address: str = "",
        postcode: str = "",
        phone: str = "",
        email: str = "",
        website: str = "",
        head_teacher: str = "",
        urn: str = "",
        la_code: str = "",
        estab_number: str = "",
        country: Country = Country.ENGLAND,
    ) -> SchoolView:
        actor.require(Permission.MANAGE_SCHOOL)
        values = {
            "name": rules.required_text("School name", name, 200),
            "address": rules.free_text("Address", address, 500),
            "postcode": rules.optional_text("Postcode", postcode, 10).upper(),
            "phone": rules.phone("Phone", phone),
            "email": rules.email("Email", email),
            "website": rules.optional_text("Website", website, 200),
            "head_teacher": rules.optional_text("Head teacher", head_teacher),
            "urn": rules.optional_text("URN", urn, 10),
            "la_code": rules.optional_text("LA code", la_code, 3),
            "estab_number": rules.optional_text("Establishment number", estab_number, 4),
            "country": Country(country),
        }
        with self.db.transaction() as s:
            school = s.scalar(select(School))
            if school is None:
                raise NotFoundError("The school has not been set up yet.")
            check_version(school, read_version, "school")
            before = audit.snapshot(school)
            for key, value in values.items():
                setattr(school, key, value)
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "school",
                school.id,
                "School details",
                before=before,
                after=audit.snapshot(school),
            )
            return _view(school)

    def set_images(
        self, actor: Actor, *, logo_png: bytes | None = None, signature_png: bytes | None = None
    ) -> SchoolView:
        actor.require(Permission.MANAGE_SCHOOL)
        with self.db.transaction() as s:
            school = s.scalar(select(School))
            if school is None:
                raise NotFoundError("The school has not been set up yet.")
            if logo_png is not None:
                school.logo_png = logo_png or None
            if signature_png is not None:
                school.signature_png = signature_png or None
            s.flush()
            audit.record(s, actor, "update", "school", school.id, "Letterhead images")
            return _view(school)

    def summary(self, actor: Actor) -> SchoolSummary:
        actor.require(Permission.VIEW_STUDENTS)
        on_roll = Student.status == StudentStatus.ON_ROLL
        with self.db.read() as s:
            name = s.scalar(select(School.name)) or ""
            students = s.scalar(select(func.count()).where(on_roll)) or 0
            classes = s.scalar(select(func.count()).select_from(SchoolClass)) or 0
            households = s.scalar(select(func.count()).select_from(Household)) or 0
            carers = s.scalar(select(func.count()).select_from(Carer)) or 0
            ehcp = (
                s.scalar(select(func.count()).where(on_roll, Student.sen_status == SenStatus.EHCP))
                or 0
            )
            interp = (
                s.scalar(select(func.count()).select_from(Carer).where(Carer.needs_interpreter))
                or 0
            )
            restricted = (
                s.scalar(
                    select(func.count())
                    .select_from(StudentCarer)
                    .where(StudentCarer.restriction != "none")
                )
                or 0
            )
            rows = s.execute(
                select(Student.first_language, func.count())
                .where(on_roll)
                .group_by(Student.first_language)
            ).all()
        counts: Counter[str] = Counter()
        for code, n in rows:
            try:
                counts[languages.get(code).english_name] += n
            except languages.UnknownLanguageError:
                counts[code] += n
        return SchoolSummary(
            name,
            students,
            classes,
            households,
            carers,
            ehcp,
            interp,
            restricted,
            tuple(counts.most_common()),
        )
