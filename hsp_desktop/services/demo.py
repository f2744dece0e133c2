"""A believable small special school, for trying the program out, for tests and for benchmarks.

``create_demo_school(db, students=90)`` fills an empty database; the same seed gives the same
school. Names, addresses and phone numbers are invented: phone numbers come from the ranges
Ofcom keeps for drama (07700 900xxx, 01632 960xxx), emails use example.org.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsp_desktop.errors import KnownError
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
from hsp_desktop.model.enums import (
    ContactMethod,
    Relationship,
    Restriction,
    Role,
    SenStatus,
    Sex,
    StudentStatus,
)
from hsp_desktop.model.rules import make_upn
from hsp_desktop.services import audit
from hsp_desktop.services.accounts import hash_password
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.terms import academic_year_start, english_term_pattern
from hsp_desktop.store import Database

DEMO_PASSWORD = "hsp-demo"
DEMO_SCHOOL_NAME = "Brookfield Special School"

# username, display name, role, job title
DEMO_ACCOUNTS: tuple[tuple[str, str, Role, str], ...] = (
    ("admin", "Mrs Joan Ashby", Role.ADMIN, "School business manager"),
    ("office", "Mrs Priya Shah", Role.OFFICE, "Office manager"),
    ("teacher", "Mr Tom Hughes", Role.TEACHER, "Class teacher"),
    ("fsw", "Ms Amina Yusuf", Role.FAMILY_SUPPORT, "Family support worker"),
    ("senco", "Dr Helen Carter", Role.SENIOR, "SENCO and deputy head"),
    ("readonly", "Mr Gareth Lloyd", Role.READ_ONLY, "Governor"),
)

# (DfE code, weight, surnames, female names, male names)
_FAMILIES: tuple[tuple[str, int, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "ENG",
        62,
        (
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Williams",
            "Wilson",
            "Johnson",
            "Davies",
            "Robinson",
            "Wright",
            "Thompson",
            "Evans",
            "Walker",
            "White",
            "Roberts",
            "Green",
            "Hall",
            "Wood",
            "Jackson",
            "Clarke",
            "Harris",
            "Lewis",
            "Cooper",
        ),
        (
            "Olivia",
            "Amelia",
            "Isla",
            "Ava",
            "Mia",
            "Grace",
            "Lily",
            "Freya",
            "Emily",
            "Ruby",
            "Sophie",
            "Chloe",
            "Hannah",
            "Karen",
            "Sarah",
            "Lisa",
            "Claire",
            "Emma",
            "Laura",
        ),
        (
            "Oliver",
            "George",
            "Harry",
            "Noah",
            "Jack",
            "Leo",
            "Oscar",
            "Charlie",
            "Jacob",
            "Alfie",
            "Thomas",
            "James",
            "Daniel",
            "Mark",
            "Paul",
            "Steven",
            "Lee",
            "Craig",
        ),
    ),
    (
        "URD",
        7,
        ("Khan", "Hussain", "Akhtar", "Iqbal", "Mahmood", "Raza", "Butt", "Qureshi"),
        ("Ayesha", "Fatima", "Zainab", "Maryam", "Sana", "Nadia", "Samina", "Rubina"),
        ("Muhammad", "Ali", "Hamza", "Bilal", "Imran", "Tariq", "Zubair", "Asif"),
    ),
    (
        "PNJG",
        3,
        ("Singh", "Kaur", "Sandhu", "Gill", "Dhillon", "Sidhu"),
        ("Harpreet", "Simran", "Jaspreet", "Manpreet", "Gurleen"),
        ("Gurpreet", "Harjit", "Jaswinder", "Ranjit", "Arjun"),
    ),
    (
        "POL",
        6,
        (
            "Nowak",
            "Kowalski",
            "Wiśniewski",
            "Wójcik",
            "Kamiński",
            "Lewandowski",
            "Zieliński",
            "Szymański",
        ),
        ("Zofia", "Maja", "Julia", "Agnieszka", "Katarzyna", "Magdalena", "Ewa"),
        ("Jakub", "Kacper", "Szymon", "Piotr", "Tomasz", "Paweł", "Krzysztof"),
    ),
    (
        "BNG",
        4,
        ("Ahmed", "Begum", "Miah", "Uddin", "Rahman", "Islam", "Choudhury"),
        ("Nusrat", "Taslima", "Sumaiya", "Jannat", "Rukhsana"),
        ("Abdul", "Rahim", "Shahid", "Jamal", "Kamal"),
    ),
    (
        "SOM",
        3,
        ("Farah", "Warsame", "Hassan", "Abdi", "Mohamed", "Osman"),
        ("Hodan", "Faduma", "Ayaan", "Hibo", "Sagal"),
        ("Abdirahman", "Mahad", "Liban", "Yusuf", "Omar"),
    ),
    (
        "ARA",
        3,
        ("Al-Sayed", "Haddad", "Mansour", "Khalil", "Nasser", "Saleh"),
        ("Layla", "Noor", "Rania", "Huda", "Salma"),
        ("Ahmad", "Karim", "Youssef", "Omar", "Khaled"),
    ),
    (
        "RMN",
        3,
        ("Popescu", "Ionescu", "Stan", "Dumitru", "Constantin"),
        ("Ioana", "Andreea", "Elena", "Maria", "Alexandra"),
        ("Andrei", "Mihai", "Ionuț", "Ștefan", "Alexandru"),
    ),
    (
        "POR",
        2,
        ("Silva", "Santos", "Ferreira", "Pereira", "Costa"),
        ("Beatriz", "Mariana", "Inês", "Ana"),
        ("João", "Tiago", "Rafael", "Pedro"),
    ),
    (
        "UKR",
        2,
        ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Melnyk"),
        ("Olena", "Oksana", "Iryna", "Sofiia"),
        ("Oleksandr", "Dmytro", "Andriy", "Maksym"),
    ),
    (
        "GUJ",
        1,
        ("Patel", "Shah", "Mistry", "Desai"),
        ("Priya", "Hetal", "Nisha"),
        ("Raj", "Nikhil", "Kiran"),
    ),
    (
        "TAM",
        1,
        ("Selvarajah", "Sivakumar", "Thambirajah"),
        ("Kavitha", "Meena", "Tharshika"),
        ("Kumaran", "Ravi", "Senthil"),
    ),
    (
        "TUR",
        1,
        ("Yılmaz", "Demir", "Kaya", "Şahin"),
        ("Elif", "Zeynep", "Ayşe"),
        ("Emre", "Mehmet", "Mustafa"),
    ),
    (
        "LIT",
        1,
        ("Kazlauskas", "Petrauskas", "Jankauskas"),
        ("Rūta", "Ieva", "Gabija"),
        ("Lukas", "Mantas", "Tomas"),
    ),
    (
        "PRS",
        1,
        ("Rezaei", "Hosseini", "Karimi", "Mohammadi"),
        ("Parisa", "Shirin", "Maryam"),
        ("Reza", "Ali", "Dariush"),
    ),
    (
        "PAT",
        1,
        ("Durrani", "Yousafzai", "Afridi"),
        ("Malalai", "Zarghona", "Nazo"),
        ("Ahmad", "Wali", "Gul"),
    ),
    (
        "CHI",
        1,
        ("Wang", "Li", "Zhang", "Chen", "Liu"),
        ("Mei", "Xiu", "Ling"),
        ("Wei", "Jun", "Hao"),
    ),
    (
        "SPA",
        1,
        ("García", "Martínez", "López", "Sánchez"),
        ("Lucía", "Carmen", "Paula"),
        ("Javier", "Alejandro", "Diego"),
    ),
    (
        "CYM",
        1,
        ("Jones", "Pritchard", "Morgan", "Llewellyn"),
        ("Cerys", "Ffion", "Seren"),
        ("Dafydd", "Rhys", "Gethin"),
    ),
)

_STREETS = (
    "Meadow Way",
    "Church Lane",
    "Station Road",
    "Oak Avenue",
    "Victoria Street",
    "Mill Close",
    "Park Road",
    "Orchard Drive",
    "Hawthorn Crescent",
    "Riverside",
    "Elm Grove",
    "Queen's Road",
    "Willow Court",
    "Brook Street",
    "Beacon Hill",
)
_TOWNS = (
    ("Sevenoaks", "TN13"),
    ("Tonbridge", "TN9"),
    ("Tunbridge Wells", "TN1"),
    ("Edenbridge", "TN8"),
    ("Crowborough", "TN6"),
)
_CLASS_NAMES = (
    "Acorn",
    "Beech",
    "Cedar",
    "Damson",
    "Elder",
    "Fir",
    "Gorse",
    "Hazel",
    "Ivy",
    "Juniper",
    "Larch",
    "Maple",
    "Nutmeg",
    "Oak",
    "Pine",
    "Rowan",
    "Spruce",
    "Teak",
    "Willow",
    "Yew",
)
_STAFF_FIRST = (
    "Sarah",
    "David",
    "Rachel",
    "Michael",
    "Louise",
    "Andrew",
    "Kate",
    "Simon",
    "Nicola",
    "Richard",
    "Jane",
    "Peter",
    "Anna",
    "Chris",
    "Fiona",
    "Mark",
)
_STAFF_LAST = (
    "Bennett",
    "Fletcher",
    "Morris",
    "Hunt",
    "Pearce",
    "Shaw",
    "Gibson",
    "Holmes",
    "Marshall",
    "Owen",
    "Palmer",
    "Reid",
    "Stevens",
    "Webb",
    "Young",
    "Ward",
)


def demo_extensions() -> list[Callable[[Session, random.Random, dt.date], None]]:
    """Each area that keeps history adds its demo data here (contacts, meetings, letters...).

    An extension gets the open session with the school, staff, students and families already
    flushed, the seeded random generator and "today"; it must be deterministic for a seed.
    """
    from hsp_desktop.services.casework_history import demo_casework
    from hsp_desktop.services.contacts_history import demo_history

    return [demo_history, demo_casework]


def _feminine(surname: str, lang: str) -> str:
    """Polish surnames in -ski/-cki/-dzki take -ska/-cka/-dzka for women and girls."""
    if lang == "POL" and surname.endswith("ki"):
        return surname[:-1] + "a"
    return surname


@dataclass(frozen=True)
class DemoResult:
    students: int
    carers: int
    households: int
    classes: int
    staff: int


def create_demo_school(
    db: Database,
    students: int = 90,
    *,
    seed: int = 2026,
    today: dt.date | None = None,
    with_accounts: bool = True,
    progress: Callable[[int, int], None] | None = None,
    carers_per_student: float | None = None,
) -> DemoResult:
    """Fill an empty database with a demo school of about ``students`` students.

    ``carers_per_student`` adds relatives living elsewhere (grandparents, aunts and uncles)
    until there are about that many carers per student (benchmarks use 2.5).
    """
    if students < 1:
        raise KnownError("The demo school needs at least one student.")
    today = today or dt.date.today()
    rng = random.Random(seed)
    with db.transaction() as s:
        if s.scalar(select(func.count()).select_from(Student)):
            raise KnownError(
                "This database already holds students; the demo school needs an empty database."
            )
        builder = _Builder(rng, today, carers_per_student)
        school = s.scalar(select(School))
        if school is None:
            school = School(name=DEMO_SCHOOL_NAME)
            s.add(school)
        builder.fill_school(school)
        s.add_all(builder.academic_years())
        n_classes = max(1, math.ceil(students / 9))
        staff = builder.staff(n_classes)
        s.add_all(staff)
        classes = builder.classes(n_classes, staff)
        s.add_all(classes)
        s.flush()
        if with_accounts and not s.scalar(select(func.count()).select_from(UserAccount)):
            s.add_all(builder.accounts(staff, classes))
        result = builder.students_and_families(s, students, classes, staff, progress)
        s.flush()
        for extend in demo_extensions():
            extend(s, rng, today)
        audit.record(
            s,
            SYSTEM,
            "demo",
            "school",
            school.id,
            f"Demo school created with {result.students} students",
        )
        return result


class _Builder:
    def __init__(
        self, rng: random.Random, today: dt.date, carers_per_student: float | None = None
    ) -> None:
        self.rng = rng
        self.today = today
        self.carers_per_student = carers_per_student
        self.year0 = academic_year_start(today)
        self._phone_serial = 0
        self._upn_serial = 0

    def fill_school(self, school: School) -> None:
        school.address = "Beacon Lane\nSevenoaks\nKent"
        school.postcode = "TN13 2XY"
        school.phone = "+441632960000"
        school.email = "office@brookfield.example.org"
        school.head_teacher = "Mrs Catherine Doyle"
        school.urn = "118999"
        school.la_code = "886"
        school.estab_number = "7001"

    def academic_years(self) -> list[AcademicYear]:
        years = []
        for start in (self.year0 - 1, self.year0):
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
            years.append(year)
        return years

    def staff(self, n_classes: int) -> list[StaffMember]:
        people = []
        for _, display, _, job in DEMO_ACCOUNTS:
            title, first, last = display.split(" ", 2)
            people.append(StaffMember(title=title, first_name=first, last_name=last, job_title=job))
        people[3].languages = "SOM,ARA"  # the family support worker speaks Somali and Arabic
        people[1].languages = "GUJ,URD"
        for i in range(2 * n_classes):
            first = _STAFF_FIRST[i % len(_STAFF_FIRST)]
            last = _STAFF_LAST[(i * 7 + i // len(_STAFF_LAST)) % len(_STAFF_LAST)]
            job = "Class teacher" if i < n_classes else "Teaching assistant"
            people.append(
                StaffMember(
                    title=self.rng.choice(("Mr", "Mrs", "Ms", "Miss")),
                    first_name=first,
                    last_name=last,
                    job_title=job,
                )
            )
        return people

    def classes(self, n: int, staff: list[StaffMember]) -> list[SchoolClass]:
        teachers = [staff[2], *staff[len(DEMO_ACCOUNTS) + 1 : len(DEMO_ACCOUNTS) + n]]
        assistants = staff[len(DEMO_ACCOUNTS) + n :]
        result = []
        for i in range(n):
            name = _CLASS_NAMES[i % len(_CLASS_NAMES)] + (
                "" if i < len(_CLASS_NAMES) else f" {i // len(_CLASS_NAMES) + 1}"
            )
            year_group = f"Year {min(14, 1 + (i * 13) // max(1, n))}"
            cls = SchoolClass(
                name=name, year_group=year_group, teacher=teachers[i], room=f"Room {i + 1}"
            )
            cls.support_staff = [assistants[i % len(assistants)]] if assistants else []
            result.append(cls)
        return result

    def accounts(self, staff: list[StaffMember], classes: list[SchoolClass]) -> list[UserAccount]:
        password = hash_password(DEMO_PASSWORD)
        return [
            UserAccount(
                username=username,
                display_name=display,
                role=role,
                password_hash=password,
                staff_member=staff[i],
            )
            for i, (username, display, role, _) in enumerate(DEMO_ACCOUNTS)
        ]

    # -- people -----------------------------------------------------------------------------
    def _mobile(self) -> str:
        self._phone_serial += 1
        return f"+447700900{self._phone_serial % 1000:03d}"

    def _landline(self) -> str:
        self._phone_serial += 1
        return f"+441632960{self._phone_serial % 1000:03d}"

    def _household(self) -> Household:
        town, district = self.rng.choice(_TOWNS)
        return Household(
            address_line1=f"{self.rng.randint(1, 120)} {self.rng.choice(_STREETS)}",
            town=town,
            postcode=f"{district} {self.rng.randint(1, 9)}{self.rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{self.rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            home_phone=self._landline() if self.rng.random() < 0.3 else "",
        )

    def _family_origin(self) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        weights = [f[1] for f in _FAMILIES]
        code, _, surnames, female, male = self.rng.choices(_FAMILIES, weights)[0]
        return code, surnames, female, male

    def _carer(
        self,
        first: str,
        last: str,
        title: str,
        lang: str,
        household: Household | None,
        english_fluent: bool,
    ) -> Carer:
        rng = self.rng
        if title in {"Mrs", "Ms", "Miss"}:
            last = _feminine(last, lang)
        needs_help = lang != "ENG" and not english_fluent
        email = ""
        if rng.random() < 0.55:
            email = f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@example.org"
            email = email.encode("ascii", "ignore").decode().replace(" ", "").replace("'", "")
        preferred = (
            ContactMethod.EMAIL
            if email and rng.random() < 0.5
            else rng.choice(
                (ContactMethod.PHONE, ContactMethod.PHONE, ContactMethod.TEXT, ContactMethod.LETTER)
            )
        )
        spoken = lang
        written = lang
        dialect = ""
        if lang == "BNG" and rng.random() < 0.6:
            spoken, dialect = "BNGS", "Sylheti"
        if lang == "URD" and rng.random() < 0.3:
            spoken, dialect = "PNJM", "Mirpuri"
        return Carer(
            title=title,
            first_name=first,
            last_name=last,
            household=household,
            mobile=self._mobile(),
            email=email,
            preferred_contact=preferred,
            spoken_language=spoken if not english_fluent or lang == "ENG" else lang,
            spoken_dialect=dialect,
            written_language=written if needs_help else "ENG",
            needs_interpreter=needs_help and rng.random() < 0.7,
            needs_translation=needs_help,
            literacy_support=rng.random() < (0.12 if needs_help else 0.04),
            large_print=rng.random() < 0.03,
            interpreter_notes=(
                "Prefers a female interpreter" if needs_help and rng.random() < 0.2 else ""
            ),
        )

    def students_and_families(
        self,
        s: Session,
        count: int,
        classes: list[SchoolClass],
        staff: list[StaffMember],
        progress: Callable[[int, int], None] | None,
    ) -> DemoResult:
        rng = self.rng
        made = carers_made = households_made = 0
        teaching_assistants = [m for m in staff if m.job_title == "Teaching assistant"] or staff
        while made < count:
            lang, surnames, female, male = self._family_origin()
            surname = rng.choice(surnames)
            english_fluent = lang == "ENG" or rng.random() < 0.45
            home = self._household()
            households_made += 1
            family_carers: list[tuple[Carer, Relationship, bool]] = []
            shape = rng.random()
            if shape < 0.85:
                mother = self._carer(
                    rng.choice(female),
                    surname,
                    "Mrs" if lang == "ENG" else "Ms",
                    lang,
                    home,
                    english_fluent,
                )
                family_carers.append((mother, Relationship.MOTHER, True))
            if shape < 0.55:  # both parents at home
                father = self._carer(
                    rng.choice(male),
                    surname,
                    "Mr",
                    lang,
                    home,
                    english_fluent or rng.random() < 0.5,
                )
                family_carers.append((father, Relationship.FATHER, True))
            elif shape < 0.75:  # parents apart: the father has his own household
                away = self._household()
                households_made += 1
                father = self._carer(
                    rng.choice(male),
                    surname,
                    "Mr",
                    lang,
                    away,
                    english_fluent or rng.random() < 0.6,
                )
                family_carers.append((father, Relationship.FATHER, False))
            elif shape < 0.85:  # mother on her own
                pass
            elif shape < 0.93:  # looked after by a grandparent
                gran = self._carer(rng.choice(female), surname, "Mrs", lang, home, english_fluent)
                family_carers.append((gran, Relationship.GRANDPARENT, True))
            else:  # foster placement
                _, _, foster_surnames, foster_names, _ = _FAMILIES[0]
                foster = self._carer(
                    rng.choice(foster_names), rng.choice(foster_surnames), "Mrs", "ENG", home, True
                )
                family_carers.append((foster, Relationship.FOSTER_CARER, True))
            while self.carers_per_student and carers_made + len(
                family_carers
            ) < self.carers_per_student * (made + 1):
                relative = self._carer(
                    rng.choice(female), surname, "Mrs", lang, self._household(), english_fluent
                )
                households_made += 1
                relation = rng.choice((Relationship.GRANDPARENT, Relationship.AUNT_UNCLE))
                family_carers.append((relative, relation, False))
            for carer, _, _ in family_carers:
                s.add(carer)
            carers_made += len(family_carers)
            children = 2 if rng.random() < 0.08 and made + 2 <= count else 1
            for _ in range(children):
                student = self._student(lang, surname, female, male, classes, teaching_assistants)
                s.add(student)
                for order, (carer, relation, lives) in enumerate(family_carers, start=1):
                    link = StudentCarer(
                        student=student,
                        carer=carer,
                        relationship_to_student=relation,
                        parental_responsibility=relation
                        not in (Relationship.GRANDPARENT, Relationship.FOSTER_CARER)
                        or rng.random() < 0.5,
                        lives_with_student=lives,
                        contact_order=order,
                    )
                    if not lives and rng.random() < 0.15:
                        link.restriction = rng.choice(
                            (Restriction.NO_CONTACT, Restriction.COURT_ORDER)
                        )
                        link.restriction_note = (
                            "No information to be shared with this parent (court order on file)."
                            if link.restriction is Restriction.COURT_ORDER
                            else "Do not contact: see safeguarding file."
                        )
                        link.receives_correspondence = False
                    s.add(link)
                made += 1
            if progress:
                progress(made, count)
            if made % 500 == 0:
                s.flush()
        s.flush()
        return DemoResult(made, carers_made, households_made, len(classes), len(staff))

    def _student(
        self,
        lang: str,
        surname: str,
        female: tuple[str, ...],
        male: tuple[str, ...],
        classes: list[SchoolClass],
        assistants: list[StaffMember],
    ) -> Student:
        rng = self.rng
        sex = rng.choice((Sex.MALE, Sex.MALE, Sex.FEMALE))  # special schools have more boys
        first = rng.choice(male if sex is Sex.MALE else female)
        index = rng.randrange(len(classes))
        cls = classes[index]
        age = 5 + (index * 13) // max(1, len(classes)) + rng.randint(0, 1)
        dob = dt.date(self.year0 - age, rng.randint(1, 12), rng.randint(1, 28))
        self._upn_serial += 1
        upn = make_upn(886, 7001 + self._upn_serial // 1000, dob.year + 5, self._upn_serial % 1000)
        ehcp = rng.random() < 0.88
        issued = last_review = None
        if ehcp:
            issued = dt.date(dob.year + rng.randint(3, 5), rng.randint(1, 12), rng.randint(1, 28))
            if issued > self.today:
                issued = self.today - dt.timedelta(days=400)
            # Most reviewed in the last year; a few overdue.
            last_review = self.today - dt.timedelta(days=rng.randint(30, 420))
            if last_review < issued:
                last_review = None
        admission = max(
            dob + dt.timedelta(days=365 * 4 + 200),
            self.today - dt.timedelta(days=rng.randint(60, 365 * 6)),
        )
        return Student(
            upn=upn,
            first_name=first,
            last_name=_feminine(surname, lang) if sex is Sex.FEMALE else surname,
            preferred_first_name=first[:3] if rng.random() < 0.05 else "",
            date_of_birth=dob,
            sex=sex,
            year_group=str(min(14, max(1, age - 4))),
            school_class=cls,
            key_worker=rng.choice(assistants),
            tutor=cls.teacher,
            sen_status=SenStatus.EHCP if ehcp else SenStatus.SEN_SUPPORT,
            ehcp_issued=issued,
            ehcp_last_review=last_review,
            first_language=lang,
            admission_date=min(admission, self.today),
            status=StudentStatus.ON_ROLL,
        )
