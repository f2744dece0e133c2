"""Carers, households and how each carer stands to each student.

Language and access needs belong to each carer, not to the family. Two carers at one address
share a household; a carer linked to several students (siblings) is one record, not copies.
Restrictions (no contact, court order) sit on the carer-student link, with a note.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hsp_desktop.errors import PermissionDenied, ValidationError
from hsp_desktop.i18n import languages
from hsp_desktop.model import Carer, Household, Student, StudentCarer, rules
from hsp_desktop.model.enums import ContactMethod, Relationship, Restriction
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.checks import Checks
from hsp_desktop.services.common import apply_changes, check_version, get_or_fail
from hsp_desktop.services.search import search_key
from hsp_desktop.services.visibility import student_scope, visible_student
from hsp_desktop.store import Database

MAX_NOTE = 10_000
MAX_CONTACT_ORDER = 99


# -- what callers send ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CarerInput:
    first_name: str
    last_name: str
    title: str = ""
    mobile: str = ""
    home_phone: str = ""
    work_phone: str = ""
    email: str = ""
    preferred_contact: ContactMethod | str = ContactMethod.PHONE
    spoken_language: str = "ENG"
    spoken_dialect: str = ""
    written_language: str = "ENG"
    needs_interpreter: bool = False
    needs_translation: bool = False
    literacy_support: bool = False
    large_print: bool = False
    interpreter_notes: str = ""


@dataclass(frozen=True, slots=True)
class HouseholdInput:
    address_line1: str
    address_line2: str = ""
    town: str = ""
    postcode: str = ""
    home_phone: str = ""


@dataclass(frozen=True, slots=True)
class LinkInput:
    relationship_to_student: Relationship | str = Relationship.OTHER
    parental_responsibility: bool = True
    lives_with_student: bool = True
    receives_correspondence: bool = True
    contact_order: int = 1
    restriction: Restriction | str = Restriction.NONE
    restriction_note: str = ""


# -- what callers get back ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class HouseholdView:
    id: int
    version: int
    address_line1: str
    address_line2: str
    town: str
    postcode: str
    home_phone: str
    members: tuple[tuple[int, str], ...]  # (carer id, full name) of everyone living here

    @property
    def address_lines(self) -> tuple[str, ...]:
        return tuple(
            p for p in (self.address_line1, self.address_line2, self.town, self.postcode) if p
        )

    @property
    def one_line(self) -> str:
        return ", ".join(self.address_lines) or "(no address)"

    def as_input(self) -> HouseholdInput:
        return HouseholdInput(
            self.address_line1, self.address_line2, self.town, self.postcode, self.home_phone
        )


@dataclass(frozen=True, slots=True)
class LinkedStudent:
    student_id: int
    name: str
    relationship: Relationship
    restriction: Restriction


@dataclass(frozen=True, slots=True)
class CarerView:
    id: int
    version: int
    title: str
    first_name: str
    last_name: str
    mobile: str
    home_phone: str
    work_phone: str
    email: str
    preferred_contact: ContactMethod
    spoken_language: str
    spoken_dialect: str
    written_language: str
    needs_interpreter: bool
    needs_translation: bool
    literacy_support: bool
    large_print: bool
    interpreter_notes: str
    household: HouseholdView | None
    students: tuple[LinkedStudent, ...]  # every student this carer is linked to

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.title, self.first_name, self.last_name) if p)

    @property
    def household_id(self) -> int | None:
        return self.household.id if self.household else None

    @property
    def phones(self) -> tuple[tuple[str, str], ...]:
        """(kind, E.164) of every phone this carer can be reached on, mobile first."""
        candidates = (
            ("Mobile", self.mobile),
            ("Home", self.home_phone or (self.household.home_phone if self.household else "")),
            ("Work", self.work_phone),
        )
        return tuple((kind, number) for kind, number in candidates if number)

    @property
    def access_summary(self) -> str:
        return access_summary(self)

    def as_input(self) -> CarerInput:
        return CarerInput(
            **{f.name: getattr(self, f.name) for f in fields(CarerInput)}  # same names
        )


@dataclass(frozen=True, slots=True)
class LinkView:
    id: int
    version: int
    student_id: int
    carer_id: int
    relationship_to_student: Relationship
    parental_responsibility: bool
    lives_with_student: bool
    receives_correspondence: bool
    contact_order: int
    restriction: Restriction
    restriction_note: str

    @property
    def is_restricted(self) -> bool:
        return self.restriction is not Restriction.NONE

    @property
    def restriction_text(self) -> str:
        """'Court order: No information to be shared…' or '' when there is no restriction."""
        if not self.is_restricted:
            return ""
        note = self.restriction_note.strip()
        return f"{self.restriction.label}: {note}" if note else self.restriction.label

    def as_input(self) -> LinkInput:
        return LinkInput(**{f.name: getattr(self, f.name) for f in fields(LinkInput)})


@dataclass(frozen=True, slots=True)
class FamilyMember:
    """One carer as they stand to one student."""

    link: LinkView
    carer: CarerView

    @property
    def label(self) -> str:
        return self.link.relationship_to_student.label


@dataclass(frozen=True, slots=True)
class CarerChoice:
    """A line in the "link an existing carer" picker."""

    id: int
    name: str
    phone: str  # E.164
    postcode: str
    students: str  # "Ali Khan, Sara Khan"
    restrictions: str  # "No contact (Ali Khan)" or ""
    search_key: str


# -- the one-line language and access summary -------------------------------------------------
def stored_phone(text: str) -> str:
    """A phone number as it would be stored (E.164), or the text unchanged if it is not one.

    For comparing what a form holds with stored values."""
    try:
        return rules.phone("Phone", text)
    except ValidationError:
        return text.strip()


def language_name(code: str) -> str:
    try:
        return languages.get(code).english_name
    except languages.UnknownLanguageError:
        return code


def access_summary(carer: CarerView) -> str:
    """'Urdu speaker, interpreter needed; letters in Urdu' or plain 'English'."""
    try:
        spoken = languages.get(carer.spoken_language)
    except languages.UnknownLanguageError:
        spoken = None
    if spoken is not None and spoken.category == "status":
        first = f"language: {spoken.english_name.lower()}"
    elif carer.spoken_language == "ENG" and not carer.needs_interpreter:
        first = "English"
    else:
        name = spoken.english_name if spoken else carer.spoken_language
        dialect = carer.spoken_dialect.strip()
        if dialect and dialect.casefold() not in name.casefold():
            name = f"{name} ({dialect})"
        first = f"{name} user" if spoken and spoken.category == "sign" else f"{name} speaker"
    if carer.needs_interpreter:
        first += ", interpreter needed"
    parts = [first]
    if carer.written_language != "ENG" or carer.spoken_language != carer.written_language:
        parts.append(f"letters in {language_name(carer.written_language)}")
    if carer.literacy_support:
        parts.append("letters read aloud")
    if carer.large_print:
        parts.append("large print")
    return "; ".join(parts)


def language_summary(members: Sequence[FamilyMember]) -> str:
    """'Mother: Urdu speaker, interpreter needed; letters in Urdu; Father: English'."""
    if not members:
        return "No parents or carers recorded"
    counts = Counter(m.label for m in members)
    pieces = []
    for member in members:
        label = member.label
        if counts[label] > 1:
            label = f"{label} ({member.carer.first_name})"
        restriction = member.link.restriction
        if restriction is Restriction.NO_CONTACT:
            pieces.append(f"{label}: no contact")
        elif restriction is Restriction.COURT_ORDER:
            pieces.append(f"{label} (court order): {member.carer.access_summary}")
        else:
            pieces.append(f"{label}: {member.carer.access_summary}")
    return "; ".join(pieces)


# -- value rules ----------------------------------------------------------------------------
_POSTCODE_UK = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
_POSTCODE_CHARS = re.compile(r"^[A-Z0-9 -]*$")


def language_code(field: str, value: str | None, *, written: bool = False) -> str:
    """A DfE language code from the registry (a BCP 47 tag is accepted and converted)."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(field, "must not be empty (choose a language)")
    try:
        lang = languages.get(text)
    except languages.UnknownLanguageError:
        raise ValidationError(field, f"{text!r} is not a known language code") from None
    if written and not lang.is_written:
        raise ValidationError(
            field,
            f"{lang.english_name} is not a written language; letters would be in "
            f"{language_name(lang.written)}",
        )
    return lang.code


def postcode(field: str, value: str | None) -> str:
    text = " ".join((value or "").upper().split())
    if not text:
        return ""
    match = _POSTCODE_UK.match(text)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    if len(text) > 10 or not _POSTCODE_CHARS.match(text):
        raise ValidationError(field, f"{text!r} is not a postcode")
    return text


def _clean_carer(data: CarerInput) -> dict[str, object]:
    check = Checks()
    values: dict[str, object] = {
        "title": check(rules.optional_text, "Title", data.title, 20),
        "first_name": check(rules.required_text, "First name", data.first_name),
        "last_name": check(rules.required_text, "Last name", data.last_name),
        "mobile": check(rules.phone, "Mobile", data.mobile),
        "home_phone": check(rules.phone, "Home phone", data.home_phone),
        "work_phone": check(rules.phone, "Work phone", data.work_phone),
        "email": check(rules.email, "Email", data.email),
        "spoken_language": check(language_code, "Spoken language", data.spoken_language),
        "spoken_dialect": check(rules.optional_text, "Dialect", data.spoken_dialect),
        "written_language": check(
            language_code, "Written language", data.written_language, written=True
        ),
        "needs_interpreter": bool(data.needs_interpreter),
        "needs_translation": bool(data.needs_translation),
        "literacy_support": bool(data.literacy_support),
        "large_print": bool(data.large_print),
        "interpreter_notes": check(
            rules.free_text, "Interpreter notes", data.interpreter_notes, 2000
        ),
    }
    try:
        method = ContactMethod(data.preferred_contact)
    except ValueError:
        check.fail("Preferred contact", f"{data.preferred_contact!r} is not a way to contact")
    else:
        values["preferred_contact"] = method
        if method is ContactMethod.EMAIL and not data.email.strip():
            check.fail("Preferred contact", "email needs an email address")
        if method is ContactMethod.TEXT and not data.mobile.strip():
            check.fail("Preferred contact", "text messages need a mobile number")
    if (
        data.needs_translation
        and values.get("written_language") == "ENG"
        and not check.failed("Written language")
    ):
        check.fail("Written language", "choose the language letters should be translated into")
    check.done()
    return values


def _clean_household(data: HouseholdInput) -> dict[str, object]:
    check = Checks()
    values: dict[str, object] = {
        "address_line1": check(rules.required_text, "Address line 1", data.address_line1, 200),
        "address_line2": check(rules.optional_text, "Address line 2", data.address_line2, 200),
        "town": check(rules.optional_text, "Town", data.town),
        "postcode": check(postcode, "Postcode", data.postcode),
        "home_phone": check(rules.phone, "Home phone", data.home_phone),
    }
    check.done()
    return values


def _clean_link(data: LinkInput) -> dict[str, object]:
    check = Checks()
    values: dict[str, object] = {
        "parental_responsibility": bool(data.parental_responsibility),
        "lives_with_student": bool(data.lives_with_student),
        "receives_correspondence": bool(data.receives_correspondence),
        "restriction_note": check(
            rules.free_text, "Restriction note", data.restriction_note, MAX_NOTE
        ),
    }
    try:
        values["relationship_to_student"] = Relationship(data.relationship_to_student)
    except ValueError:
        check.fail("Relationship", f"{data.relationship_to_student!r} is not a relationship")
    order = data.contact_order
    if not isinstance(order, int) or isinstance(order, bool) or not 1 <= order <= MAX_CONTACT_ORDER:
        check.fail("Contact order", f"must be a whole number from 1 to {MAX_CONTACT_ORDER}")
    values["contact_order"] = order
    try:
        restriction = Restriction(data.restriction)
    except ValueError:
        check.fail("Restriction", f"{data.restriction!r} is not a restriction")
    else:
        values["restriction"] = restriction
        if restriction is not Restriction.NONE and not (data.restriction_note or "").strip():
            check.fail("Restriction note", "say what the restriction is and where it is recorded")
        if restriction is Restriction.NO_CONTACT and data.receives_correspondence:
            check.fail("Receives correspondence", "cannot be ticked while contact is not allowed")
    check.done()
    return values


# -- building views -------------------------------------------------------------------------
def _household_view(household: Household | None, members: Iterable[Carer]) -> HouseholdView | None:
    if household is None:
        return None
    return HouseholdView(
        household.id,
        household.version,
        household.address_line1,
        household.address_line2,
        household.town,
        household.postcode,
        household.home_phone,
        tuple(sorted(((c.id, c.full_name) for c in members), key=lambda m: m[0])),
    )


def _student_name(student: Student) -> str:
    first = student.preferred_first_name or student.first_name
    return f"{first} {student.preferred_last_name or student.last_name}"


def carer_views(session: Session, carers: Sequence[Carer]) -> dict[int, CarerView]:
    """Views of ``carers`` with their households (and who lives there) and linked students."""
    ids = [c.id for c in carers]
    household_ids = {c.household_id for c in carers if c.household_id is not None}
    members: dict[int, list[Carer]] = defaultdict(list)
    if household_ids:
        for member in session.scalars(select(Carer).where(Carer.household_id.in_(household_ids))):
            assert member.household_id is not None
            members[member.household_id].append(member)
    linked: dict[int, list[LinkedStudent]] = defaultdict(list)
    if ids:
        rows = session.execute(
            select(StudentCarer, Student)
            .join(Student, Student.id == StudentCarer.student_id)
            .where(StudentCarer.carer_id.in_(ids))
            .order_by(Student.last_name, Student.first_name, Student.id)
        )
        for link, student in rows:
            linked[link.carer_id].append(
                LinkedStudent(
                    student.id,
                    _student_name(student),
                    link.relationship_to_student,
                    link.restriction,
                )
            )
    views = {}
    for c in carers:
        views[c.id] = CarerView(
            c.id,
            c.version,
            c.title,
            c.first_name,
            c.last_name,
            c.mobile,
            c.home_phone,
            c.work_phone,
            c.email,
            c.preferred_contact,
            c.spoken_language,
            c.spoken_dialect,
            c.written_language,
            c.needs_interpreter,
            c.needs_translation,
            c.literacy_support,
            c.large_print,
            c.interpreter_notes,
            _household_view(c.household, members.get(c.household_id or -1, [])),
            tuple(linked.get(c.id, ())),
        )
    return views


def link_view(link: StudentCarer) -> LinkView:
    return LinkView(
        link.id,
        link.version,
        link.student_id,
        link.carer_id,
        link.relationship_to_student,
        link.parental_responsibility,
        link.lives_with_student,
        link.receives_correspondence,
        link.contact_order,
        link.restriction,
        link.restriction_note,
    )


def family_of(session: Session, student_id: int) -> tuple[FamilyMember, ...]:
    """The student's carers in contact order, each with their household and other students."""
    links = list(
        session.scalars(
            select(StudentCarer)
            .where(StudentCarer.student_id == student_id)
            .options(selectinload(StudentCarer.carer).selectinload(Carer.household))
            .order_by(StudentCarer.contact_order, StudentCarer.id)
        )
    )
    views = carer_views(session, [link.carer for link in links])
    return tuple(FamilyMember(link_view(link), views[link.carer_id]) for link in links)


# -- the service ----------------------------------------------------------------------------
class FamilyService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reading ----------------------------------------------------------------------------
    def family(self, actor: Actor, student_id: int) -> tuple[FamilyMember, ...]:
        with self.db.read() as s:
            visible_student(s, actor, student_id)
            return family_of(s, student_id)

    def carer(self, actor: Actor, carer_id: int) -> CarerView:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            carer = get_or_fail(s, Carer, carer_id, "carer")
            self._require_carer_visible(s, actor, carer)
            return carer_views(s, [carer])[carer.id]

    def household(self, actor: Actor, household_id: int) -> HouseholdView:
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            household = get_or_fail(s, Household, household_id, "household")
            view = _household_view(household, household.carers)
            assert view is not None
            return view

    def link(self, actor: Actor, link_id: int) -> LinkView:
        with self.db.read() as s:
            link = get_or_fail(s, StudentCarer, link_id, "link between carer and student")
            visible_student(s, actor, link.student_id)
            return link_view(link)

    def carer_choices(self, actor: Actor) -> list[CarerChoice]:
        """Every carer the actor may see, for picking one to link (one load; filter in memory)."""
        actor.require(Permission.VIEW_STUDENTS)
        scope = student_scope(actor)
        with self.db.read() as s:
            query = select(
                Carer.id,
                Carer.title,
                Carer.first_name,
                Carer.last_name,
                Carer.mobile,
                Carer.home_phone,
                Carer.email,
                Household.postcode,
            ).outerjoin(Household, Household.id == Carer.household_id)
            names_query = select(
                StudentCarer.carer_id,
                StudentCarer.restriction,
                Student.first_name,
                Student.last_name,
                Student.preferred_first_name,
            ).join(Student, Student.id == StudentCarer.student_id)
            if scope is not None:
                names_query = names_query.where(scope)
                visible = (
                    select(StudentCarer.carer_id)
                    .join(Student, Student.id == StudentCarer.student_id)
                    .where(scope)
                )
                query = query.where(Carer.id.in_(visible))
            students: dict[int, list[str]] = defaultdict(list)
            restricted: dict[int, list[str]] = defaultdict(list)
            for carer_id, restriction, first, last, preferred in s.execute(names_query):
                name = f"{preferred or first} {last}"
                students[carer_id].append(name)
                if restriction is not Restriction.NONE:
                    restricted[carer_id].append(f"{restriction.label} ({name})")
            result = []
            for cid, title, first, last, mobile, home, email, code in s.execute(
                query.order_by(Carer.last_name, Carer.first_name, Carer.id)
            ):
                name = " ".join(p for p in (title, first, last) if p)
                kids = ", ".join(sorted(students.get(cid, [])))
                result.append(
                    CarerChoice(
                        cid,
                        name,
                        mobile or home,
                        code or "",
                        kids,
                        "; ".join(sorted(restricted.get(cid, []))),
                        search_key(first, last, mobile, home, email, code or "", kids),
                    )
                )
            return result

    def _require_carer_visible(self, s: Session, actor: Actor, carer: Carer) -> None:
        scope = student_scope(actor)
        if scope is None:
            return
        ids = [link.student_id for link in carer.links]
        if not ids or not s.scalar(select(func.count()).where(Student.id.in_(ids), scope)):
            raise PermissionDenied(
                f"{actor.display_name} ({actor.role.label}) sees only the families of their own "
                "classes."
            )

    # -- carers -----------------------------------------------------------------------------
    def create_carer(
        self,
        actor: Actor,
        data: CarerInput,
        *,
        household_id: int | None = None,
        new_household: HouseholdInput | None = None,
    ) -> CarerView:
        actor.require(Permission.EDIT_FAMILIES)
        values = _clean_carer(data)
        address = _clean_household(new_household) if new_household is not None else None
        with self.db.transaction() as s:
            carer = self._new_carer(s, actor, values, household_id, address)
            s.flush()
            return carer_views(s, [carer])[carer.id]

    def add_carer(
        self,
        actor: Actor,
        student_id: int,
        data: CarerInput,
        link: LinkInput,
        *,
        household_id: int | None = None,
        new_household: HouseholdInput | None = None,
    ) -> FamilyMember:
        """A new carer for this student, with their link and address, in one step."""
        actor.require(Permission.EDIT_FAMILIES)
        check = Checks()
        values = check(_clean_carer, data)
        link_values = check(_clean_link, link)
        address = check(_clean_household, new_household) if new_household is not None else None
        check.done()
        with self.db.transaction() as s:
            student = visible_student(s, actor, student_id)
            carer = self._new_carer(s, actor, values, household_id, address)
            s.flush()
            row = self._new_link(s, actor, student, carer, link_values)
            return FamilyMember(link_view(row), carer_views(s, [carer])[carer.id])

    def update_carer(
        self, actor: Actor, carer_id: int, read_version: int, data: CarerInput
    ) -> CarerView:
        actor.require(Permission.EDIT_FAMILIES)
        values = _clean_carer(data)
        with self.db.transaction() as s:
            carer = get_or_fail(s, Carer, carer_id, "carer")
            check_version(carer, read_version, "carer")
            before = audit.snapshot(carer)
            apply_changes(carer, values)
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "carer",
                carer.id,
                f"Carer {carer.full_name}",
                before=before,
                after=audit.snapshot(carer),
            )
            return carer_views(s, [carer])[carer.id]

    def _new_carer(
        self,
        s: Session,
        actor: Actor,
        values: dict[str, object],
        household_id: int | None,
        address: dict[str, object] | None,
    ) -> Carer:
        carer = Carer(**values)
        if household_id is not None and address is not None:
            raise ValidationError("Address", "choose an existing address or a new one, not both")
        if household_id is not None:
            carer.household = get_or_fail(s, Household, household_id, "household")
        elif address is not None:
            carer.household = self._new_household(s, actor, address)
        s.add(carer)
        s.flush()
        audit.record(
            s,
            actor,
            "create",
            "carer",
            carer.id,
            f"Carer {carer.full_name}",
            after=audit.snapshot(carer),
        )
        return carer

    # -- households -------------------------------------------------------------------------
    def create_household(self, actor: Actor, data: HouseholdInput) -> HouseholdView:
        actor.require(Permission.EDIT_FAMILIES)
        values = _clean_household(data)
        with self.db.transaction() as s:
            household = self._new_household(s, actor, values)
            view = _household_view(household, [])
            assert view is not None
            return view

    def _new_household(self, s: Session, actor: Actor, values: dict[str, object]) -> Household:
        household = Household(**values)
        s.add(household)
        s.flush()
        audit.record(
            s,
            actor,
            "create",
            "household",
            household.id,
            f"Household at {', '.join(household.address_lines)}",
            after=audit.snapshot(household),
        )
        return household

    def update_household(
        self, actor: Actor, household_id: int, read_version: int, data: HouseholdInput
    ) -> HouseholdView:
        """Change an address: it changes for everyone who lives there."""
        actor.require(Permission.EDIT_FAMILIES)
        values = _clean_household(data)
        with self.db.transaction() as s:
            household = get_or_fail(s, Household, household_id, "household")
            check_version(household, read_version, "household")
            before = audit.snapshot(household)
            apply_changes(household, values)
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "household",
                household.id,
                f"Address {', '.join(household.address_lines)}",
                before=before,
                after=audit.snapshot(household),
            )
            view = _household_view(household, household.carers)
            assert view is not None
            return view

    def move_carer(
        self,
        actor: Actor,
        carer_id: int,
        read_version: int,
        *,
        household_id: int | None = None,
        new_household: HouseholdInput | None = None,
    ) -> CarerView:
        """Move a carer to another household, a new address, or no address (both None).

        A household nobody lives in any more is removed.
        """
        actor.require(Permission.EDIT_FAMILIES)
        if household_id is not None and new_household is not None:
            raise ValidationError("Address", "choose an existing address or a new one, not both")
        address = _clean_household(new_household) if new_household is not None else None
        with self.db.transaction() as s:
            carer = get_or_fail(s, Carer, carer_id, "carer")
            check_version(carer, read_version, "carer")
            old = carer.household
            if household_id is not None and old is not None and old.id == household_id:
                return carer_views(s, [carer])[carer.id]
            if household_id is not None:
                target: Household | None = get_or_fail(s, Household, household_id, "household")
            elif address is not None:
                target = self._new_household(s, actor, address)
            else:
                target = None
            carer.household = target
            s.flush()
            where = ", ".join(target.address_lines) if target else "no address"
            audit.record(
                s,
                actor,
                "move",
                "carer",
                carer.id,
                f"{carer.full_name} moved to {where}",
                before={"household_id": old.id if old else None},
                after={"household_id": target.id if target else None},
            )
            if old is not None and not s.scalar(
                select(func.count()).select_from(Carer).where(Carer.household_id == old.id)
            ):
                audit.record(
                    s,
                    actor,
                    "delete",
                    "household",
                    old.id,
                    f"Empty household {', '.join(old.address_lines)} removed",
                    before=audit.snapshot(old),
                )
                s.delete(old)
                s.flush()
            return carer_views(s, [carer])[carer.id]

    # -- links ------------------------------------------------------------------------------
    def link_carer(
        self, actor: Actor, student_id: int, carer_id: int, link: LinkInput
    ) -> FamilyMember:
        """Link an existing carer (a sibling's parent, say) to this student."""
        actor.require(Permission.EDIT_FAMILIES)
        values = _clean_link(link)
        with self.db.transaction() as s:
            student = visible_student(s, actor, student_id)
            carer = get_or_fail(s, Carer, carer_id, "carer")
            row = self._new_link(s, actor, student, carer, values)
            return FamilyMember(link_view(row), carer_views(s, [carer])[carer.id])

    def _new_link(
        self, s: Session, actor: Actor, student: Student, carer: Carer, values: dict[str, object]
    ) -> StudentCarer:
        existing = s.scalar(
            select(StudentCarer.id).where(
                StudentCarer.student_id == student.id, StudentCarer.carer_id == carer.id
            )
        )
        if existing is not None:
            raise ValidationError(
                "Carer", f"{carer.full_name} is already linked to {_student_name(student)}"
            )
        row = StudentCarer(student_id=student.id, carer_id=carer.id, **values)
        s.add(row)
        s.flush()
        audit.record(
            s,
            actor,
            "link",
            "student_carer",
            row.id,
            f"{carer.full_name} linked to {_student_name(student)} as "
            f"{row.relationship_to_student.label.lower()}",
            after=audit.snapshot(row),
        )
        return row

    def update_link(
        self, actor: Actor, link_id: int, read_version: int, link: LinkInput
    ) -> LinkView:
        actor.require(Permission.EDIT_FAMILIES)
        values = _clean_link(link)
        with self.db.transaction() as s:
            row = get_or_fail(s, StudentCarer, link_id, "link between carer and student")
            visible_student(s, actor, row.student_id)
            check_version(row, read_version, "link")
            before = audit.snapshot(row)
            apply_changes(row, values)
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "student_carer",
                row.id,
                f"{row.carer.full_name} and {_student_name(row.student)}",
                before=before,
                after=audit.snapshot(row),
            )
            return link_view(row)

    def unlink_carer(self, actor: Actor, link_id: int, read_version: int) -> None:
        """Remove the link only: the carer stays, with any other students they are linked to."""
        actor.require(Permission.EDIT_FAMILIES)
        with self.db.transaction() as s:
            row = get_or_fail(s, StudentCarer, link_id, "link between carer and student")
            visible_student(s, actor, row.student_id)
            check_version(row, read_version, "link")
            audit.record(
                s,
                actor,
                "unlink",
                "student_carer",
                row.id,
                f"{row.carer.full_name} unlinked from {_student_name(row.student)}",
                before=audit.snapshot(row),
            )
            s.delete(row)
