"""A small, exactly known school for the meeting, review, interpreter, visit, caseload and
event tests.

Term dates are the English pattern for 2025/26 (autumn 3 Sep – 19 Dec 2025, half-term
27–31 Oct; spring 5 Jan – 27 Mar 2026, half-term 16–20 Feb; summer 20 Apr – 17 Jul 2026,
half-term 25–29 May). The clock stands at Thursday 20 Nov 2025, 12:00 local time unless a
test moves it.

Families: Ali Khan (EHCP, Year 6, mother Ayesha needs an Urdu interpreter, father Imran speaks
English and lives apart with a court order), Zofia Nowak (EHCP, Year 10, mother needs a Polish
interpreter), Tom Smith (SEN support, English). Staff: the SENCO, a class teacher, the family
support worker, Mrs Shah from the office who speaks Urdu and Gujarati.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from hsp_desktop.model import (
    AcademicYear,
    Carer,
    Household,
    School,
    SchoolClass,
    StaffMember,
    Student,
    StudentCarer,
    Term,
    UserAccount,
)
from hsp_desktop.model.enums import Country, Relationship, Restriction, Role, SenStatus
from hsp_desktop.services.actor import Actor
from hsp_desktop.services.caseload import CaseloadService
from hsp_desktop.services.container import Services
from hsp_desktop.services.events import EventService
from hsp_desktop.services.interpreters import InterpreterService
from hsp_desktop.services.meetings import MeetingService
from hsp_desktop.services.reviews import ReviewService, SettableClock
from hsp_desktop.services.terms import english_term_pattern
from hsp_desktop.services.visits import VisitService
from hsp_desktop.store import Database

NOW = dt.datetime(2025, 11, 20, 12, 0).astimezone()


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    """A local wall-clock time, as the user types it."""
    return dt.datetime(y, m, d, hh, mm).astimezone()


def with_clock(services: Services, clock: SettableClock) -> Services:
    """The same services, with this area's clock standing where a test puts it."""
    db = services.meetings.db
    return dataclasses.replace(
        services,
        meetings=MeetingService(db, clock),
        reviews=ReviewService(db, clock),
        interpreters=InterpreterService(db, clock),
        visits=VisitService(db, clock),
        caseload=CaseloadService(db, clock),
        events=EventService(db, clock),
    )


@dataclass
class World:
    db: Database
    clock: SettableClock
    services: Services
    senco: Actor
    teacher: Actor
    fsw: Actor
    office: Actor
    reader: Actor
    class_id: int
    staff: dict[str, int] = field(default_factory=dict)
    students: dict[str, int] = field(default_factory=dict)
    carers: dict[str, int] = field(default_factory=dict)
    households: dict[str, int] = field(default_factory=dict)

    @property
    def meetings(self) -> MeetingService:
        return self.services.meetings

    @property
    def reviews(self) -> ReviewService:
        return self.services.reviews

    @property
    def interpreters(self) -> InterpreterService:
        return self.services.interpreters

    @property
    def visits(self) -> VisitService:
        return self.services.visits

    @property
    def caseload(self) -> CaseloadService:
        return self.services.caseload

    @property
    def events(self) -> EventService:
        return self.services.events

    def set_today(self, y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> None:
        self.clock.set(local(y, m, d, hh, mm))


def build_world(db: Database, country: Country = Country.ENGLAND) -> World:
    with db.transaction() as s:
        s.add(School(name="Hillside School", country=country))
        for start in (2025, 2026):
            year = AcademicYear(
                name=f"{start}/{(start + 1) % 100:02d}",
                start_date=dt.date(start, 9, 1),
                end_date=dt.date(start + 1, 8, 31),
            )
            for name, first, last, ht_start, ht_end in english_term_pattern(start):
                year.terms.append(
                    Term(
                        name=name,
                        start_date=first,
                        end_date=last,
                        half_term_start=ht_start,
                        half_term_end=ht_end,
                    )
                )
            s.add(year)
        staff = {
            "senco": StaffMember(title="Dr", first_name="Helen", last_name="Carter"),
            "teacher": StaffMember(title="Mr", first_name="Tom", last_name="Hughes"),
            "fsw": StaffMember(
                title="Ms", first_name="Amina", last_name="Yusuf", languages="SOM,ARA"
            ),
            "office": StaffMember(
                title="Mrs", first_name="Priya", last_name="Shah", languages="GUJ,URD"
            ),
            "ta": StaffMember(title="Mrs", first_name="Kate", last_name="Webb"),
        }
        s.add_all(staff.values())
        s.flush()
        oak = SchoolClass(name="Oak", year_group="Year 6", teacher_id=staff["teacher"].id)
        s.add(oak)
        accounts = {}
        for key, role in (
            ("senco", Role.SENIOR),
            ("teacher", Role.TEACHER),
            ("fsw", Role.FAMILY_SUPPORT),
            ("office", Role.OFFICE),
        ):
            accounts[key] = UserAccount(
                username=key,
                display_name=staff[key].display_name,
                role=role,
                password_hash="x",
                staff_member_id=staff[key].id,
            )
        reader = UserAccount(
            username="governor",
            display_name="Mr Gareth Lloyd",
            role=Role.READ_ONLY,
            password_hash="x",
        )
        s.add_all([*accounts.values(), reader])
        s.flush()

        home = Household(address_line1="14 Elm Grove", town="Sevenoaks", postcode="TN13 1AB")
        away = Household(address_line1="3 Mill Close", town="Tonbridge", postcode="TN9 2QX")
        nowak_home = Household(address_line1="7 Oak Avenue", town="Sevenoaks", postcode="TN13 3CD")
        smith_home = Household(address_line1="22 Park Road", town="Sevenoaks", postcode="TN13 4EF")
        s.add_all([home, away, nowak_home, smith_home])
        ayesha = Carer(
            title="Mrs",
            first_name="Ayesha",
            last_name="Khan",
            household=home,
            spoken_language="URD",
            written_language="URD",
            needs_interpreter=True,
            needs_translation=True,
            interpreter_notes="Prefers a female interpreter",
        )
        imran = Carer(title="Mr", first_name="Imran", last_name="Khan", household=away)
        ewa = Carer(
            title="Mrs",
            first_name="Ewa",
            last_name="Nowak",
            household=nowak_home,
            spoken_language="POL",
            written_language="POL",
            needs_interpreter=True,
        )
        karen = Carer(title="Mrs", first_name="Karen", last_name="Smith", household=smith_home)
        s.add_all([ayesha, imran, ewa, karen])
        ali = Student(
            upn="A000000000001",
            first_name="Ali",
            last_name="Khan",
            date_of_birth=dt.date(2014, 5, 17),
            year_group="6",
            school_class=oak,
            sen_status=SenStatus.EHCP,
            ehcp_issued=dt.date(2021, 3, 10),
            ehcp_last_review=dt.date(2024, 11, 25),
            first_language="URD",
        )
        zofia = Student(
            upn="A000000000002",
            first_name="Zofia",
            last_name="Nowak",
            date_of_birth=dt.date(2010, 2, 1),
            year_group="10",
            school_class=oak,
            sen_status=SenStatus.EHCP,
            ehcp_issued=dt.date(2019, 1, 15),
            ehcp_last_review=dt.date(2025, 1, 14),
            first_language="POL",
        )
        tom = Student(
            upn="A000000000003",
            first_name="Tom",
            last_name="Smith",
            date_of_birth=dt.date(2015, 9, 9),
            year_group="5",
            school_class=oak,
            sen_status=SenStatus.SEN_SUPPORT,
        )
        s.add_all([ali, zofia, tom])
        s.add_all(
            [
                StudentCarer(
                    student=ali, carer=ayesha, relationship_to_student=Relationship.MOTHER
                ),
                StudentCarer(
                    student=ali,
                    carer=imran,
                    relationship_to_student=Relationship.FATHER,
                    lives_with_student=False,
                    contact_order=2,
                    restriction=Restriction.COURT_ORDER,
                    restriction_note="No information to be shared (court order on file).",
                    receives_correspondence=False,
                ),
                StudentCarer(student=zofia, carer=ewa, relationship_to_student=Relationship.MOTHER),
                StudentCarer(student=tom, carer=karen, relationship_to_student=Relationship.MOTHER),
            ]
        )
        s.flush()
        actors = {
            key: Actor(a.id, a.username, a.display_name, a.role, a.staff_member_id)
            for key, a in accounts.items()
        }
        world_ids = (
            {k: m.id for k, m in staff.items()},
            {"ali": ali.id, "zofia": zofia.id, "tom": tom.id},
            {"ayesha": ayesha.id, "imran": imran.id, "ewa": ewa.id, "karen": karen.id},
            {"khan": home.id, "khan_away": away.id, "nowak": nowak_home.id, "smith": smith_home.id},
            oak.id,
            Actor(reader.id, reader.username, reader.display_name, reader.role, None),
        )
    clock = SettableClock(NOW)
    services = with_clock(Services.build(db), clock)
    staff_ids, student_ids, carer_ids, household_ids, class_id, reader_actor = world_ids
    return World(
        db,
        clock,
        services,
        actors["senco"],
        actors["teacher"],
        actors["fsw"],
        actors["office"],
        reader_actor,
        class_id,
        staff_ids,
        student_ids,
        carer_ids,
        household_ids,
    )
