"""Matching a file's pupils against the database, and the plan of what would change.

* Students are matched by UPN.
* A contact is first matched among the student's own carers by name (phone or email decide
  between two of one name), so a changed mobile number updates the carer instead of adding one.
* Otherwise a carer with the same name and a phone or email in common, already in the database
  or earlier in the file, is the same person: siblings share one carer, not copies.
* Carers at one address (postcode and first line) share one household.

The planner only reads. It keeps, for each row it would create or change, the planned values
beside the stored ones (``Planned``); ``service.write_plan`` turns them into rows in the same
session, so the plan shown by a dry run and the one applied are made by the same code.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hsp_desktop.errors import Cancelled
from hsp_desktop.i18n import languages
from hsp_desktop.model import Carer, Household, School, SchoolClass, Student, StudentCarer
from hsp_desktop.model.enums import Relationship
from hsp_desktop.model.rules import display_phone
from hsp_desktop.services.imports.normalise import (
    AddressIn,
    ContactIn,
    Normalised,
    PupilIn,
    RefusedPupil,
    contact_points,
    fold,
)
from hsp_desktop.services.imports.report import Action, Change, ImportPlan, PlanItem
from hsp_desktop.services.imports.source import ImportSource

T = TypeVar("T")

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

CHUNK = 500  # values per IN (...) list: well inside SQLite's and PostgreSQL's limits

# The columns an import manages, per table. Foreign keys hold the Planned row they point to.
STUDENT_COLUMNS = (
    "upn",
    "first_name",
    "last_name",
    "preferred_first_name",
    "preferred_last_name",
    "date_of_birth",
    "sex",
    "year_group",
    "first_language",
    "sen_status",
    "admission_date",
    "class_id",
)
CARER_COLUMNS = (
    "title",
    "first_name",
    "last_name",
    "mobile",
    "home_phone",
    "work_phone",
    "email",
    "household_id",
)
HOUSEHOLD_COLUMNS = ("address_line1", "address_line2", "town", "postcode")
LINK_COLUMNS = (
    "student_id",
    "carer_id",
    "relationship_to_student",
    "parental_responsibility",
    "contact_order",
    "lives_with_student",
)
CLASS_COLUMNS = ("name",)

_STUDENT_LABELS = {
    "upn": "UPN",
    "first_name": "Forename",
    "last_name": "Surname",
    "preferred_first_name": "Preferred forename",
    "preferred_last_name": "Preferred surname",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "year_group": "NC year",
    "first_language": "First language",
    "sen_status": "SEN status",
    "admission_date": "Admission date",
    "class_id": "Class",
}
_CARER_LABELS = {
    "title": "title",
    "first_name": "forename",
    "last_name": "surname",
    "mobile": "mobile",
    "home_phone": "home phone",
    "work_phone": "work phone",
    "email": "email",
    "household_id": "address",
}
_CASE_BLIND = frozenset({"title", "first_name", "last_name", "email"})
_LINK_LABELS = {
    "relationship_to_student": "relationship",
    "parental_responsibility": "parental responsibility",
    "contact_order": "contact order",
    "lives_with_student": "lives with the student",
}


@dataclass(eq=False)
class Planned:
    """A row the import creates or may change: planned values beside the stored ones."""

    kind: str  # the audit entity name: student, carer, household, student_carer, school_class
    obj: Any  # the stored row; None until a new one is written
    state: dict[str, Any]
    original: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    origin: str = ""  # for a new row: where in the file it first appears
    inserted_id: int | None = None  # a new row's id once written

    @property
    def new(self) -> bool:
        return not self.original

    @property
    def id(self) -> int:
        found = self.obj.id if self.obj is not None else self.inserted_id
        if found is None:
            raise LookupError(f"{self.kind} {self.label!r} has not been written yet")
        return int(found)

    def changed(self) -> list[str]:
        return [k for k, v in self.state.items() if not _same(v, self.original.get(k))]

    def points(self) -> frozenset[str]:
        return contact_points(
            self.state.get("mobile"),
            self.state.get("home_phone"),
            self.state.get("work_phone"),
            self.state.get("email"),
        )

    def name_key(self) -> tuple[str, str]:
        return (fold(self.state.get("first_name", "")), fold(self.state.get("last_name", "")))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Planned) or isinstance(b, Planned):
        return a is b
    return bool(a == b)


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class Planner:
    """Matches normalised pupils against one session's view of the data."""

    def __init__(self, session: Session, source: ImportSource) -> None:
        self.session = session
        self.source = source
        self.rows: dict[str, list[Planned]] = defaultdict(list)  # kind -> every Planned row
        self._stored: dict[tuple[str, int], Planned] = {}
        self._students: dict[str, Planned] = {}  # UPN -> student
        self._classes: dict[str, Planned] = {}  # folded name -> class
        self._households: dict[tuple[str, str], Planned] = {}
        self._carers_by_name: dict[tuple[str, str], list[Planned]] = defaultdict(list)
        self._links: dict[int, list[Planned]] = defaultdict(list)  # id(student) -> its links

    # -- the plan ------------------------------------------------------------------------------
    def plan(
        self,
        pupils: Sequence[Normalised],
        progress: ProgressFn | None = None,
        cancelled: CancelledFn | None = None,
        total: int | None = None,
    ) -> ImportPlan:
        total = total if total is not None else len(pupils)
        self._load(pupils)
        items: list[PlanItem] = []
        for done, pupil in enumerate(pupils, start=1):
            if cancelled is not None and cancelled():
                raise Cancelled()
            if isinstance(pupil, RefusedPupil):
                items.append(
                    PlanItem(
                        pupil.where, pupil.upn, pupil.name, Action.REFUSED, reasons=pupil.reasons
                    )
                )
            else:
                items.append(self._plan_pupil(pupil))
            if progress is not None:
                progress(done, total)
        used = self.used()
        new_classes = tuple(
            c.state["name"] for c in self.rows["school_class"] if c.new and id(c) in used
        )
        return ImportPlan(
            self.source.name,
            self.source.kind,
            tuple(items),
            self.source.notes + self._destination_note(),
            (),
            new_classes,
        )

    def used(self) -> set[int]:
        """ids of the Planned rows something points at (an unused new household is not made)."""
        return {
            id(value)
            for rows in self.rows.values()
            for row in rows
            for value in row.state.values()
            if isinstance(value, Planned)
        }

    def _destination_note(self) -> tuple[str, ...]:
        if self.source.destination is None:
            return ()
        lea, estab = self.source.destination
        school = self.session.scalar(select(School))
        if school is None or not (school.la_code and school.estab_number):
            return ()
        if not (lea.isdigit() and estab.isdigit()):
            return ()
        if (lea, estab) != (school.la_code, school.estab_number):
            return (
                f"Note: the file was made for school {lea}/{estab}, not for this school "
                f"({school.la_code}/{school.estab_number}).",
            )
        return ()

    # -- loading what the file may touch -------------------------------------------------------
    def _load(self, pupils: Sequence[Normalised]) -> None:
        s = self.session
        accepted = [p for p in pupils if isinstance(p, PupilIn)]
        for cls in s.scalars(select(SchoolClass)):
            self._classes.setdefault(fold(cls.name), self._stored_row("school_class", cls))
        for batch in chunks(p.upn for p in accepted):
            for student in s.scalars(select(Student).where(Student.upn.in_(batch))):
                self._students[student.upn] = self._stored_row("student", student)
        student_ids = [row.obj.id for row in self._students.values()]
        linked: list[StudentCarer] = []
        for batch in chunks(student_ids):
            linked.extend(s.scalars(select(StudentCarer).where(StudentCarer.student_id.in_(batch))))
        contacts = [c for p in accepted for c in p.contacts]
        phones = {v for c in contacts for v in (c.mobile, c.home_phone, c.work_phone) if v}
        emails = {c.email for c in contacts if c.email}
        carer_ids = {link.carer_id for link in linked}
        for numbers in chunks(sorted(phones)):
            carer_ids.update(
                s.scalars(
                    select(Carer.id).where(
                        or_(
                            Carer.mobile.in_(numbers),
                            Carer.home_phone.in_(numbers),
                            Carer.work_phone.in_(numbers),
                        )
                    )
                )
            )
        for addresses in chunks(sorted(emails)):
            carer_ids.update(s.scalars(select(Carer.id).where(Carer.email.in_(addresses))))
        household_ids: set[int] = set()
        carers: dict[int, Carer] = {}
        for ids in chunks(sorted(carer_ids)):
            for carer in s.scalars(select(Carer).where(Carer.id.in_(ids))):
                carers[carer.id] = carer
                if carer.household_id is not None:
                    household_ids.add(carer.household_id)
        postcodes = {c.address.postcode for c in contacts if c.address and c.address.postcode}
        households: list[Household] = []
        for ids in chunks(sorted(household_ids)):
            households.extend(s.scalars(select(Household).where(Household.id.in_(ids))))
        for codes in chunks(sorted(postcodes)):
            households.extend(s.scalars(select(Household).where(Household.postcode.in_(codes))))
        for household in households:
            row = self._stored_row("household", household)
            self._households.setdefault(_household_key(household), row)
        for carer in carers.values():
            row = self._stored_row("carer", carer)
            self._carers_by_name[row.name_key()].append(row)
        for link in linked:
            row = self._stored_row("student_carer", link)
            self._links[id(row.state["student_id"])].append(row)

    def _stored_row(self, kind: str, obj: Any) -> Planned:
        key = (kind, obj.id)
        found = self._stored.get(key)
        if found is not None:
            return found
        columns = _COLUMNS[kind]
        state = {c: getattr(obj, c) for c in columns}
        for fk, target in _FOREIGN_KEYS.items():
            if fk in state and state[fk] is not None:
                state[fk] = self._stored.get((target, state[fk]), state[fk])
        row = Planned(kind, obj, state, dict(state), _label(kind, state))
        self._stored[key] = row
        self.rows[kind].append(row)
        return row

    # -- one pupil -----------------------------------------------------------------------------
    def _plan_pupil(self, pupil: PupilIn) -> PlanItem:
        student = self._students.get(pupil.upn)
        duplicate = _duplicate_contacts(pupil)
        resolved: list[Planned | None] = []
        taken: list[Planned] = []
        if duplicate is None:
            for contact in pupil.contacts:
                carer = self._match_carer(student, contact, taken)
                if carer is not None and any(carer is t for t in taken):
                    duplicate = (
                        f"{pupil.where}, {contact.label}: is the same person as another contact"
                    )
                    break
                resolved.append(carer)
                if carer is not None:
                    taken.append(carer)
        if duplicate is not None:
            return PlanItem(
                pupil.where, pupil.upn, pupil.name, Action.REFUSED, reasons=(duplicate,)
            )

        changes: list[Change] = []
        notes: list[str] = []
        created = student is None
        if student is None:
            student = self._new("student", dict(pupil.values), pupil.where)
            student.state.setdefault("class_id", None)
            self._students[pupil.upn] = student
        else:
            for key, value in pupil.values.items():
                self._set(student, key, value, _STUDENT_LABELS[key], changes)
        if pupil.class_name is not None:
            school_class = self._school_class(pupil.class_name, pupil.where)
            if created:
                student.state["class_id"] = school_class
                notes.append(f"class {pupil.class_name}" + (" (new)" if school_class.new else ""))
            else:
                self._set(student, "class_id", school_class, "Class", changes)
                if school_class.new:
                    notes.append(f"new class {pupil.class_name}")
        for contact, carer in zip(pupil.contacts, resolved, strict=True):
            self._plan_contact(pupil, student, contact, carer, changes, notes)
        student.label = pupil.name
        if created:
            action = Action.CREATE
        elif changes or notes:
            action = Action.UPDATE
        else:
            action = Action.UNCHANGED
        return PlanItem(pupil.where, pupil.upn, pupil.name, action, tuple(changes), tuple(notes))

    def _plan_contact(
        self,
        pupil: PupilIn,
        student: Planned,
        contact: ContactIn,
        carer: Planned | None,
        changes: list[Change],
        notes: list[str],
    ) -> None:
        household = self._household_for(carer, contact.address, pupil.where)
        who = f"{contact.label} ({contact.display_name})"
        if carer is None:
            carer = self._new(
                "carer",
                {
                    "title": contact.title or "",
                    "first_name": contact.first_name,
                    "last_name": contact.last_name,
                    "mobile": contact.mobile or "",
                    "home_phone": contact.home_phone or "",
                    "work_phone": contact.work_phone or "",
                    "email": contact.email or "",
                    "household_id": household,
                },
                pupil.where,
            )
            carer.label = contact.display_name
            self._carers_by_name[carer.name_key()].append(carer)
            notes.append(f"new carer {contact.display_name}")
        else:
            if carer.new:
                notes.append(
                    f"carer {contact.display_name} (shared with {_short_where(carer.origin)})"
                )
            elif not any(link.state["carer_id"] is carer for link in self._links[id(student)]):
                notes.append(f"carer {contact.display_name} (already on file)")
            given = {
                "first_name": contact.first_name,
                "last_name": contact.last_name,
                "title": contact.title,
                "mobile": contact.mobile,
                "home_phone": contact.home_phone,
                "work_phone": contact.work_phone,
                "email": contact.email,
                "household_id": household,
            }
            for key, value in given.items():
                if value is not None:
                    self._set(carer, key, value, f"{who} {_CARER_LABELS[key]}", changes)
        link = next(
            (row for row in self._links[id(student)] if row.state["carer_id"] is carer), None
        )
        if link is None:
            link = self._new(
                "student_carer",
                {
                    "student_id": student,
                    "carer_id": carer,
                    "relationship_to_student": contact.relationship or Relationship.OTHER,
                    "parental_responsibility": (
                        True if contact.responsibility is None else contact.responsibility
                    ),
                    "contact_order": contact.order,
                    "lives_with_student": True
                    if contact.lives_with is None
                    else contact.lives_with,
                },
                pupil.where,
            )
            link.label = f"{contact.display_name} for {pupil.name}"
            self._links[id(student)].append(link)
            return
        link_values: tuple[tuple[str, Any], ...] = (
            ("relationship_to_student", contact.relationship),
            ("parental_responsibility", contact.responsibility),
            ("contact_order", contact.order),
            ("lives_with_student", contact.lives_with),
        )
        for key, value in link_values:
            if value is not None:
                self._set(link, key, value, f"{who} {_LINK_LABELS[key]}", changes)

    # -- matching ------------------------------------------------------------------------------
    def _match_carer(
        self, student: Planned | None, contact: ContactIn, taken: list[Planned]
    ) -> Planned | None:
        if student is not None:
            own = [
                link.state["carer_id"]
                for link in self._links[id(student)]
                if isinstance(link.state["carer_id"], Planned)
                and link.state["carer_id"].name_key() == contact.name_key
                and not any(link.state["carer_id"] is t for t in taken)
            ]
            if own:
                sharing = [c for c in own if c.points() & contact.points]
                return (sharing or own)[0]
        if not contact.points:
            return None
        for candidate in self._carers_by_name.get(contact.name_key, []):
            if candidate.points() & contact.points:
                return candidate
        return None

    def _household_for(
        self, carer: Planned | None, address: AddressIn | None, where: str
    ) -> Planned | None:
        if address is None:
            return carer.state["household_id"] if carer is not None else None
        current = carer.state["household_id"] if carer is not None else None
        if isinstance(current, Planned) and _state_key(current) == address.key:
            return current
        found = self._households.get(address.key)
        if found is None:
            found = self._new(
                "household",
                {
                    "address_line1": address.line1,
                    "address_line2": address.line2,
                    "town": address.town,
                    "postcode": address.postcode,
                },
                where,
            )
            self._households[address.key] = found
        return found

    def _school_class(self, name: str, where: str) -> Planned:
        found = self._classes.get(fold(name))
        if found is None:
            found = self._new("school_class", {"name": name}, where)
            self._classes[fold(name)] = found
        return found

    # -- helpers -------------------------------------------------------------------------------
    def _new(self, kind: str, state: dict[str, Any], where: str) -> Planned:
        row = Planned(kind, None, state, {}, _label(kind, state), where)
        self.rows[kind].append(row)
        return row

    def _set(self, row: Planned, key: str, value: Any, label: str, changes: list[Change]) -> None:
        old = row.state.get(key)
        if _same(old, value):
            return
        if row.kind == "carer" and key in _CASE_BLIND and fold(old or "") == fold(value):
            # Siblings' rows may spell one carer's name or email in different case; that is
            # no change, or importing the same file twice would swap it back and forth.
            return
        row.state[key] = value
        changes.append(Change(label, show(key, old), show(key, value)))


_COLUMNS = {
    "student": STUDENT_COLUMNS,
    "carer": CARER_COLUMNS,
    "household": HOUSEHOLD_COLUMNS,
    "student_carer": LINK_COLUMNS,
    "school_class": CLASS_COLUMNS,
}
# foreign key column -> the kind of row it points at
_FOREIGN_KEYS = {
    "class_id": "school_class",
    "household_id": "household",
    "student_id": "student",
    "carer_id": "carer",
}


def _short_where(where: str) -> str:
    """'pupil 3 (line 120)' -> 'pupil 3'."""
    return where.split(" (")[0]


def _household_key(household: Household) -> tuple[str, str]:
    return (household.postcode.replace(" ", "").upper(), fold(household.address_line1))


def _state_key(row: Planned) -> tuple[str, str]:
    return (row.state["postcode"].replace(" ", "").upper(), fold(row.state["address_line1"]))


def _duplicate_contacts(pupil: PupilIn) -> str | None:
    for i, first in enumerate(pupil.contacts):
        for second in pupil.contacts[i + 1 :]:
            if first.name_key == second.name_key and (
                first.points & second.points or not (first.points or second.points)
            ):
                return (
                    f"{pupil.where}, {second.label}: {second.display_name} is the same person "
                    f"as {first.label}; give each contact once"
                )
    return None


def _label(kind: str, state: dict[str, Any]) -> str:
    if kind == "school_class":
        return str(state["name"])
    if kind == "household":
        return ", ".join(p for p in (state["address_line1"], state["postcode"]) if p)
    if kind in ("student", "carer"):
        return " ".join(p for p in (state.get("first_name"), state.get("last_name")) if p)
    return kind


def show(key: str, value: Any) -> str:
    """A value as the plan shows it."""
    if value is None:
        return ""
    if isinstance(value, Planned):
        return value.label
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if key in ("mobile", "home_phone", "work_phone") and value:
        return display_phone(str(value))
    if key == "first_language" and value:
        try:
            return f"{languages.get(str(value)).english_name} ({value})"
        except languages.UnknownLanguageError:
            return str(value)
    if isinstance(value, enum.Enum):
        label = getattr(value, "label", None)
        return str(label) if label is not None else str(value.value)
    return str(value)
