"""A small, exactly known school for the contact, obligation and home-book tests.

Term dates are the English pattern for 2025/26 (autumn 3 Sep – 19 Dec 2025, half-term
27–31 Oct; spring 5 Jan – 27 Mar 2026). The clock stands at 20 Nov 2025, 12:00 UTC unless a
test moves it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hsp_desktop.model import (
    Carer,
    Household,
    SchoolClass,
    StaffMember,
    Student,
    StudentCarer,
    UserAccount,
)
from hsp_desktop.model.enums import Relationship, Restriction, Role
from hsp_desktop.services.actor import SYSTEM, Actor
from hsp_desktop.services.contacts import (
    Channel,
    ContactDraft,
    ContactService,
    Direction,
    Outcome,
    Purpose,
    Tone,
)
from hsp_desktop.services.followups import FollowUpService
from hsp_desktop.services.homebook import HomebookService
from hsp_desktop.services.obligation import ObligationService
from hsp_desktop.services.terms import TermService
from hsp_desktop.store import Database

NOW = dt.datetime(2025, 11, 20, 12, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    """A local wall-clock time, as the user types it."""
    return dt.datetime(y, m, d, hh, mm).astimezone()


@dataclass
class World:
    db: Database
    clock: Clock
    terms: TermService
    contacts: ContactService
    obligation: ObligationService
    homebook: HomebookService
    followups: FollowUpService
    teacher: Actor
    other_teacher: Actor
    fsw: Actor
    class_id: int
    other_class_id: int
    staff: dict[str, int] = field(default_factory=dict)
    students: dict[str, int] = field(default_factory=dict)
    carers: dict[str, int] = field(default_factory=dict)

    def call(
        self,
        student: str,
        carers: tuple[str, ...],
        at: dt.datetime,
        outcome: Outcome = Outcome.SPOKE,
        channel: Channel = Channel.PHONE,
        tone: Tone = Tone.NEUTRAL,
        actor: Actor | None = None,
        direction: Direction = Direction.TO_HOME,
        confirmed: bool = False,
        **extra: object,
    ) -> int:
        draft = ContactDraft(
            student_id=self.students[student.lower()],
            at=at,
            channel=channel,
            direction=direction,
            purpose=Purpose.TERMLY,
            tone=tone,
            outcome=outcome,
            carer_ids=tuple(self.carers[c] for c in carers),
            **extra,  # type: ignore[arg-type]
        )
        return self.contacts.log(actor or self.teacher, draft, confirmed=confirmed).id


def build_world(db: Database) -> World:
    clock = Clock()
    terms = TermService(db)
    terms.create_year(SYSTEM, 2025)
    with db.transaction() as s:
        teacher = StaffMember(title="Ms", first_name="Rachel", last_name="Morris")
        other = StaffMember(title="Mr", first_name="Simon", last_name="Webb")
        fsw = StaffMember(title="Ms", first_name="Amina", last_name="Yusuf", languages="URD,SOM")
        s.add_all([teacher, other, fsw])
        s.flush()
        accounts = [
            UserAccount(username=u, display_name=n, role=r, password_hash="x", staff_member_id=m)
            for u, n, r, m in (
                ("rmorris", "Ms Rachel Morris", Role.TEACHER, teacher.id),
                ("swebb", "Mr Simon Webb", Role.TEACHER, other.id),
                ("ayusuf", "Ms Amina Yusuf", Role.FAMILY_SUPPORT, fsw.id),
            )
        ]
        s.add_all(accounts)
        owl = SchoolClass(name="Owl", teacher_id=teacher.id)
        wren = SchoolClass(name="Wren", teacher_id=other.id)
        s.add_all([owl, wren])
        s.flush()

        def student(first: str, last: str, cls: SchoolClass, **kw: object) -> Student:
            st = Student(
                upn=f"A{len(first):02d}{abs(hash(first + last)) % 10**10:010d}",
                first_name=first,
                last_name=last,
                date_of_birth=dt.date(2015, 3, 1),
                class_id=cls.id,
                admission_date=kw.pop("admission_date", dt.date(2022, 9, 1)),
                **kw,
            )
            s.add(st)
            return st

        ali = student("Ali", "Khan", owl)
        zofia = student("Zofia", "Wiśniewska", owl)
        sam = student("Sam", "Taylor", owl)
        leaver = student("Lee", "Gone", owl, status="left", leaving_date=dt.date(2025, 10, 1))
        newcomer = student("Nia", "New", owl, admission_date=dt.date(2025, 11, 10))
        wren_pupil = student("Wyn", "Jones", wren)
        home_a, home_b, home_c = (
            Household(address_line1="1 Oak Avenue", postcode="TN1 1AA"),
            Household(address_line1="9 Elm Grove", postcode="TN2 2BB"),
            Household(address_line1="4 Mill Close", postcode="TN3 3CC"),
        )
        s.add_all([home_a, home_b, home_c])
        s.flush()

        def carer(first: str, last: str, household: Household | None, **kw: object) -> Carer:
            c = Carer(
                first_name=first,
                last_name=last,
                household_id=household.id if household else None,
                **kw,
            )
            s.add(c)
            return c

        ayesha = carer(
            "Ayesha",
            "Khan",
            home_a,
            needs_interpreter=True,
            spoken_language="URD",
            written_language="URD",
        )
        imran = carer("Imran", "Khan", home_a)
        ewa = carer("Ewa", "Wiśniewska", home_b, spoken_language="POL", written_language="POL")
        piotr = carer("Piotr", "Wiśniewski", home_c)
        karen = carer("Karen", "Taylor", None)
        mark = carer("Mark", "Taylor", None)
        gran = carer("Joan", "Taylor", None)
        lee_mum = carer("Lisa", "Gone", None)
        nia_mum = carer("Nell", "New", None)
        wyn_mum = carer("Wendy", "Jones", None)
        s.flush()

        def link(st: Student, c: Carer, rel: Relationship, **kw: object) -> None:
            s.add(StudentCarer(student_id=st.id, carer_id=c.id, relationship_to_student=rel, **kw))

        link(ali, ayesha, Relationship.MOTHER)
        link(ali, imran, Relationship.FATHER)
        link(zofia, ewa, Relationship.MOTHER)
        # Parents apart: the father's household is a family of its own.
        link(zofia, piotr, Relationship.FATHER, lives_with_student=False)
        link(sam, karen, Relationship.MOTHER)
        link(
            sam,
            mark,
            Relationship.FATHER,
            lives_with_student=False,
            restriction=Restriction.COURT_ORDER,
            restriction_note="No information to father.",
        )
        link(sam, gran, Relationship.GRANDPARENT, parental_responsibility=False)
        link(leaver, lee_mum, Relationship.MOTHER)
        link(newcomer, nia_mum, Relationship.MOTHER)
        link(wren_pupil, wyn_mum, Relationship.MOTHER)
        s.flush()
        staff = {"teacher": teacher.id, "other": other.id, "fsw": fsw.id}
        students = {
            "ali": ali.id,
            "zofia": zofia.id,
            "sam": sam.id,
            "lee": leaver.id,
            "nia": newcomer.id,
            "wyn": wren_pupil.id,
        }
        carers = {
            "ayesha": ayesha.id,
            "imran": imran.id,
            "ewa": ewa.id,
            "piotr": piotr.id,
            "karen": karen.id,
            "mark": mark.id,
            "gran": gran.id,
            "lee_mum": lee_mum.id,
            "nia_mum": nia_mum.id,
            "wyn_mum": wyn_mum.id,
        }
        ids = {a.username: a.id for a in accounts}
        class_ids = (owl.id, wren.id)

    def actor(username: str, role: Role, staff_id: int) -> Actor:
        return Actor(ids[username], username, username, role, staff_id)

    return World(
        db,
        clock,
        terms,
        ContactService(db, clock),
        ObligationService(db, clock),
        HomebookService(db, clock),
        FollowUpService(db, clock),
        actor("rmorris", Role.TEACHER, staff["teacher"]),
        actor("swebb", Role.TEACHER, staff["other"]),
        actor("ayusuf", Role.FAMILY_SUPPORT, staff["fsw"]),
        class_ids[0],
        class_ids[1],
        staff,
        students,
        carers,
    )
