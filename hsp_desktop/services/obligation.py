"""The termly contact rule and the dashboards built on it.

The school's rule (policy 004: "the school will endeavour to make contact every term ... this
responsibility lies with the class teacher"): by default each family with parental
responsibility needs at least one two-way conversation per term. A family is a household: a
parent living apart is a family of their own. Attempts that reached nobody do not count.
Carers the school must not contact (no contact, court order) are not owed a contact and are
shown as such; students who have left drop out.

Everything here is computed with a handful of set-based queries per dashboard, whatever the
size of the school's history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, case, distinct, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect

from hsp_desktop.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from hsp_desktop.model import (
    Carer,
    ClassSupportStaff,
    ContactCarer,
    ContactRecord,
    ContactRule,
    HomeBookEntry,
    SchoolClass,
    StaffMember,
    Student,
    StudentCarer,
)
from hsp_desktop.model.contacts import (
    DEFAULT_OVERDUE_DAYS,
    TWO_WAY_CHANNELS,
    Channel,
    Outcome,
    Tone,
)
from hsp_desktop.model.enums import Restriction, StudentStatus
from hsp_desktop.model.homebook import achievement_page
from hsp_desktop.services import audit
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.contacts import Clock, language_name, utc_now
from hsp_desktop.services.terms import TermPosition, local_bounds, term_position
from hsp_desktop.store import Database

NO_CLASS = "No class"


class FamilyState(StrEnum):
    CONTACTED = "contacted"
    ATTEMPTED = "attempted"
    NOT_YET = "not_yet"
    RESTRICTED = "restricted"  # not owed: every carer with responsibility is restricted

    @property
    def label(self) -> str:
        return {
            "contacted": "Contacted",
            "attempted": "Attempted only",
            "not_yet": "Not yet",
            "restricted": "Not owed (restricted)",
        }[self.value]


@dataclass(frozen=True, slots=True)
class RuleView:
    conversations_per_term: int
    counting_channels: tuple[Channel, ...]
    parental_responsibility_only: bool
    overdue_days_before_end: int  # school days left in term from which a family is overdue
    version: int  # 0 while the school still uses the defaults

    @property
    def description(self) -> str:
        times = (
            "at least one conversation"
            if self.conversations_per_term == 1
            else f"at least {self.conversations_per_term} conversations"
        )
        who = (
            "each family with parental responsibility"
            if self.parental_responsibility_only
            else "each family"
        )
        how = ", ".join(c.label.lower() for c in self.counting_channels)
        return f"{times.capitalize()} with {who} per term ({how})."


DEFAULT_RULE = RuleView(1, TWO_WAY_CHANNELS, True, DEFAULT_OVERDUE_DAYS, 0)


@dataclass(frozen=True, slots=True)
class FamilyStatus:
    key: int  # household id, or minus the carer id for a carer with no household
    carer_ids: tuple[int, ...]
    carers: tuple[str, ...]  # "Mrs Ayesha Khan (Mother)"
    state: FamilyState
    conversations: int
    attempts: int  # contacts that did not count (no answer, voicemail, one-way channels)
    last_at: dt.datetime | None  # the latest conversation that counted
    last_by: str
    last_attempt_at: dt.datetime | None
    interpreter_languages: tuple[str, ...]  # set when a carer here needs an interpreter
    restriction_note: str
    lives_with_student: bool
    overdue: bool

    @property
    def interpreter_needed(self) -> bool:
        return bool(self.interpreter_languages)

    @property
    def owed(self) -> bool:
        return self.state is not FamilyState.RESTRICTED


@dataclass(frozen=True, slots=True)
class StudentStatusRow:
    student_id: int
    name: str
    class_id: int | None
    class_name: str
    families: tuple[FamilyStatus, ...]
    positive: int  # positive contacts plus home-book achievements this term
    concern: int

    @property
    def ratio(self) -> str:
        return f"{self.positive}:{self.concern}"

    @property
    def owed(self) -> int:
        return sum(1 for f in self.families if f.owed)

    @property
    def done(self) -> int:
        return sum(1 for f in self.families if f.state is FamilyState.CONTACTED)


@dataclass(frozen=True, slots=True)
class Tally:
    owed: int = 0
    contacted: int = 0
    attempted: int = 0
    not_yet: int = 0
    restricted: int = 0
    overdue: int = 0
    positive: int = 0
    concern: int = 0

    @property
    def percent_done(self) -> float:
        return 100.0 * self.contacted / self.owed if self.owed else 100.0

    @property
    def ratio(self) -> str:
        return f"{self.positive}:{self.concern}"

    @classmethod
    def of(cls, rows: Iterable[StudentStatusRow]) -> Tally:
        counts = dict.fromkeys(FamilyState, 0)
        overdue = positive = concern = 0
        for row in rows:
            positive += row.positive
            concern += row.concern
            for f in row.families:
                counts[f.state] += 1
                overdue += f.overdue
        return cls(
            sum(counts.values()) - counts[FamilyState.RESTRICTED],
            counts[FamilyState.CONTACTED],
            counts[FamilyState.ATTEMPTED],
            counts[FamilyState.NOT_YET],
            counts[FamilyState.RESTRICTED],
            overdue,
            positive,
            concern,
        )


@dataclass(frozen=True, slots=True)
class ClassChoice:
    id: int
    name: str
    teacher_id: int | None
    teacher_name: str


@dataclass(frozen=True, slots=True)
class ClassDashboard:
    school_class: ClassChoice
    position: TermPosition
    rule: RuleView
    students: tuple[StudentStatusRow, ...]
    tally: Tally


@dataclass(frozen=True, slots=True)
class ClassSummary:
    class_id: int | None
    class_name: str
    teacher_name: str
    students: int
    tally: Tally


@dataclass(frozen=True, slots=True)
class SchoolDashboard:
    position: TermPosition
    rule: RuleView
    classes: tuple[ClassSummary, ...]
    tally: Tally
    overdue_families: tuple[tuple[str, str, FamilyStatus], ...] = field(default=())
    # (class name, student name, family) for every overdue family, for the printed summary


def rule_of(s: Session) -> RuleView:
    row = s.scalar(select(ContactRule).order_by(ContactRule.id).limit(1))
    if row is None:
        return DEFAULT_RULE
    channels = tuple(Channel(c) for c in row.counting_channels.split(",") if c)
    return RuleView(
        row.conversations_per_term,
        channels,
        row.parental_responsibility_only,
        row.overdue_days_before_end,
        row.version,
    )


class ObligationService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def _today(self) -> dt.date:
        return self.clock().astimezone().date()

    # -- the rule ----------------------------------------------------------------------------
    def rule(self) -> RuleView:
        with self.db.read() as s:
            return rule_of(s)

    def update_rule(
        self,
        actor: Actor,
        read_version: int,
        *,
        conversations_per_term: int,
        counting_channels: Iterable[Channel],
        parental_responsibility_only: bool,
        overdue_days_before_end: int,
    ) -> RuleView:
        actor.require(Permission.MANAGE_TERMS)
        channels = tuple(dict.fromkeys(Channel(c) for c in counting_channels))
        if not 1 <= conversations_per_term <= 20:
            raise ValidationError("Conversations per term", "must be between 1 and 20")
        if not channels:
            raise ValidationError("Channels that count", "choose at least one")
        if not 0 <= overdue_days_before_end <= 60:
            raise ValidationError("Overdue from", "must be between 0 and 60 school days")
        with self.db.transaction() as s:
            row = s.scalar(select(ContactRule).order_by(ContactRule.id).limit(1))
            current = row.version if row is not None else 0
            if current != read_version:
                raise ConflictError("contact rule", row.id if row else 0, read_version, current)
            if row is None:
                row = ContactRule()
                s.add(row)
            before = audit.snapshot(row) if row.id else None
            row.conversations_per_term = conversations_per_term
            row.counting_channels = ",".join(c.value for c in channels)
            row.parental_responsibility_only = parental_responsibility_only
            row.overdue_days_before_end = overdue_days_before_end
            s.flush()
            audit.record(
                s,
                actor,
                "update",
                "contact_rule",
                row.id,
                "Termly contact rule",
                before,
                audit.snapshot(row),
            )
            return rule_of(s)

    # -- classes -----------------------------------------------------------------------------
    def classes(self, actor: Actor) -> list[ClassChoice]:
        """Classes the actor may open: all of them, or for a teacher the ones they teach."""
        actor.require(Permission.VIEW_STUDENTS)
        with self.db.read() as s:
            rows = s.execute(
                select(SchoolClass, StaffMember)
                .outerjoin(StaffMember, StaffMember.id == SchoolClass.teacher_id)
                .order_by(SchoolClass.name)
            ).all()
            mine = self._own_class_ids(s, actor)
            return [
                ClassChoice(c.id, c.name, c.teacher_id, t.display_name if t else "")
                for c, t in rows
                if actor.can(Permission.VIEW_ALL_CLASSES) or c.id in mine
            ]

    def my_classes(self, actor: Actor) -> list[ClassChoice]:
        """The classes the actor teaches (``SchoolClass.teacher_id``), then those they support."""
        actor.require(Permission.VIEW_STUDENTS)
        if actor.staff_member_id is None:
            return []
        with self.db.read() as s:
            rows = s.execute(
                select(SchoolClass, StaffMember)
                .outerjoin(StaffMember, StaffMember.id == SchoolClass.teacher_id)
                .where(SchoolClass.teacher_id == actor.staff_member_id)
                .order_by(SchoolClass.name)
            ).all()
            return [
                ClassChoice(c.id, c.name, c.teacher_id, t.display_name if t else "")
                for c, t in rows
            ]

    @staticmethod
    def _own_class_ids(s: Session, actor: Actor) -> set[int]:
        if actor.staff_member_id is None:
            return set()
        taught = s.scalars(
            select(SchoolClass.id).where(SchoolClass.teacher_id == actor.staff_member_id)
        )
        supported = s.scalars(
            select(ClassSupportStaff.class_id).where(
                ClassSupportStaff.staff_id == actor.staff_member_id
            )
        )
        return set(taught) | set(supported)

    # -- dashboards --------------------------------------------------------------------------
    def class_dashboard(
        self, actor: Actor, class_id: int, day: dt.date | None = None
    ) -> ClassDashboard:
        actor.require(Permission.VIEW_STUDENTS)
        day = day or self._today()
        with self.db.read() as s:
            if not actor.can(Permission.VIEW_ALL_CLASSES) and class_id not in self._own_class_ids(
                s, actor
            ):
                raise PermissionDenied("You can see the termly contact of your own classes only.")
            found = s.execute(
                select(SchoolClass, StaffMember)
                .outerjoin(StaffMember, StaffMember.id == SchoolClass.teacher_id)
                .where(SchoolClass.id == class_id)
            ).first()
            if found is None:
                raise NotFoundError(f"The class (id {class_id}) no longer exists.")
            cls, teacher = found
            choice = ClassChoice(
                cls.id, cls.name, cls.teacher_id, teacher.display_name if teacher else ""
            )
            position = term_position(s, day)
            rule = rule_of(s)
            rows = compute(s, position, rule, class_id)
        return ClassDashboard(choice, position, rule, tuple(rows), Tally.of(rows))

    def school_dashboard(self, actor: Actor, day: dt.date | None = None) -> SchoolDashboard:
        actor.require(Permission.VIEW_ALL_CLASSES)
        day = day or self._today()
        with self.db.read() as s:
            position = term_position(s, day)
            rule = rule_of(s)
            rows = compute(s, position, rule, None)
            classes = s.execute(
                select(SchoolClass.id, SchoolClass.name, StaffMember)
                .outerjoin(StaffMember, StaffMember.id == SchoolClass.teacher_id)
                .order_by(SchoolClass.name)
            ).all()
            order: list[tuple[int | None, str, str]] = [
                (cid, name, t.display_name if t else "") for cid, name, t in classes
            ]
        by_class: dict[int | None, list[StudentStatusRow]] = defaultdict(list)
        for row in rows:
            by_class[row.class_id].append(row)
        if None in by_class:
            order.append((None, NO_CLASS, ""))
        summaries = []
        overdue: list[tuple[str, str, FamilyStatus]] = []
        for cid, name, teacher in order:
            members = by_class.get(cid, [])
            overdue.extend((name, r.name, f) for r in members for f in r.families if f.overdue)
            summaries.append(ClassSummary(cid, name, teacher, len(members), Tally.of(members)))
        return SchoolDashboard(position, rule, tuple(summaries), Tally.of(rows), tuple(overdue))

    def summary_pdf(self, actor: Actor, day: dt.date | None = None) -> bytes:
        """The printable whole-school summary for senior leaders."""
        from hsp_desktop.documents.contact_sheet import (
            SummaryData,
            SummaryLine,
            contact_summary_pdf,
        )
        from hsp_desktop.model import School

        board = self.school_dashboard(actor, day)
        with self.db.read() as s:
            school = s.scalar(select(School.name)) or ""

        def line(name: str, teacher: str, students: int, t: Tally) -> SummaryLine:
            return SummaryLine(
                name,
                teacher,
                students,
                t.owed,
                t.contacted,
                t.attempted,
                t.not_yet,
                t.overdue,
                t.percent_done,
                t.ratio,
            )

        overdue = [
            (
                cls,
                student,
                "; ".join(f.carers),
                f.last_attempt_at.astimezone().strftime("%d/%m/%Y")
                if f.last_attempt_at
                else "none",
            )
            for cls, student, f in board.overdue_families
        ]
        return contact_summary_pdf(
            SummaryData(
                school,
                board.position.term.label,
                board.position.note,
                board.rule.description,
                [line(c.class_name, c.teacher_name, c.students, c.tally) for c in board.classes],
                line("Whole school", "", sum(c.students for c in board.classes), board.tally),
                overdue,
            )
        )


# -- the computation --------------------------------------------------------------------------
#
# Three queries per dashboard, each answered from indexes over this term only, whatever the
# length of the school's history: the students with their positive and concern news, the
# carers grouped into families, and the contacts counted per student and family in SQL (then
# the names of the staff who held the latest conversations).
# The statements are built once (one set for a class, one for the school) and take the term,
# the day and the rule's channels as parameters: building them costs more than running them
# on a class.

# Outcomes that reached nobody: they carry no news, good or bad.
_UNREACHED = (Outcome.NO_ANSWER, Outcome.WRONG_NUMBER)


def compute(
    s: Session, position: TermPosition, rule: RuleView, class_id: int | None
) -> list[StudentStatusRow]:
    term = position.term
    start, end = local_bounds(term.start_date, term.end_date)
    params = {
        "day": position.day,
        "term_end": term.end_date,
        "start": start,
        "end": end,
        "first_day": term.start_date,
        "last_day": min(term.end_date, position.day),
        "channels": list(rule.counting_channels),
        "class_id": class_id,
    }
    queries = _queries(one_class=class_id is not None)
    students = s.execute(queries.students, params).all()
    if not students:
        return []
    links = s.execute(queries.links, params).all()
    contacts = s.execute(queries.contacts, params).all()
    held_by = {row.staff_id for row in contacts if row.staff_id is not None}
    staff = {
        staff_id: " ".join(p for p in parts if p)
        for staff_id, *parts in (
            s.execute(queries.staff, {"ids": sorted(held_by)}) if held_by else ()
        )
    }
    return _assemble(position, rule, students, links, contacts, staff)


@dataclass(frozen=True, slots=True)
class _Queries:
    students: Select[*tuple[Any, ...]]
    links: Select[*tuple[Any, ...]]
    contacts: Select[*tuple[Any, ...]]
    staff: Select[*tuple[Any, ...]]


@cache
def _queries(*, one_class: bool) -> _Queries:
    # Students the rule applies to: on roll, admitted by the end of term, not yet left.
    scope: list[ColumnElement[bool]] = [
        Student.status == StudentStatus.ON_ROLL,
        or_(Student.leaving_date.is_(None), Student.leaving_date > bindparam("day")),
        or_(Student.admission_date.is_(None), Student.admission_date <= bindparam("term_end")),
    ]
    if one_class:
        scope.append(Student.class_id == bindparam("class_id"))
    staff = select(
        StaffMember.id, StaffMember.title, StaffMember.first_name, StaffMember.last_name
    ).where(StaffMember.id.in_(bindparam("ids", expanding=True)))
    return _Queries(_students(scope), _links(scope), _contacts_per_family(scope), staff)


def _in_term(contact: type[ContactRecord]) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return contact.at >= bindparam("start"), contact.at < bindparam("end")


def _counted(contact: type[ContactRecord]) -> ColumnElement[bool]:
    """A conversation the rule counts: someone was reached, on a channel that counts."""
    return (contact.outcome == Outcome.SPOKE) & contact.channel.in_(
        bindparam("channels", expanding=True)
    )


def _students(scope: list[ColumnElement[bool]]) -> Select[*tuple[Any, ...]]:
    """The students with their class, and this term's positive and concern news.

    Each count is a short range of one student's entries in the covering contact index or
    in the partial index of achievement pages; an unanswered call carries no news.
    """

    def news(tone: Tone) -> ScalarSelect[int]:
        return (
            select(func.count())
            .where(
                ContactRecord.student_id == Student.id,
                *_in_term(ContactRecord),
                ContactRecord.tone == tone,
                ContactRecord.outcome.notin_(_UNREACHED),
            )
            .scalar_subquery()
        )

    achievements = (
        select(func.count())
        .where(
            HomeBookEntry.student_id == Student.id,
            HomeBookEntry.day >= bindparam("first_day"),
            HomeBookEntry.day <= bindparam("last_day"),
            achievement_page(),
        )
        .scalar_subquery()
    )
    return (
        select(
            Student.id,
            Student.first_name,
            Student.preferred_first_name,
            Student.last_name,
            Student.class_id,
            SchoolClass.name,
            (news(Tone.POSITIVE) + achievements).label("positive"),
            news(Tone.CONCERN).label("concern"),
        )
        .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
        .where(*scope)
        .order_by(Student.last_name, Student.first_name)
    )


def _family_key(carer: type[Carer]) -> ColumnElement[int]:
    """A household, or a carer with no household as a family of their own (minus the id)."""
    return func.coalesce(carer.household_id, -carer.id)


def _links(scope: list[ColumnElement[bool]]) -> Select[*tuple[Any, ...]]:
    """The students' carers, each with the family it belongs to, in contact order."""
    return (
        select(
            StudentCarer.student_id,
            Carer.id,
            _family_key(Carer),
            Carer.title,
            Carer.first_name,
            Carer.last_name,
            StudentCarer.relationship_to_student,
            StudentCarer.parental_responsibility,
            StudentCarer.restriction,
            StudentCarer.restriction_note,
            StudentCarer.lives_with_student,
            Carer.needs_interpreter,
            Carer.spoken_language,
            Carer.spoken_dialect,
        )
        .join(Carer, Carer.id == StudentCarer.carer_id)
        .join(Student, Student.id == StudentCarer.student_id)
        .where(*scope)
        .order_by(StudentCarer.student_id, StudentCarer.contact_order, Carer.id)
    )


def _contacts_per_family(scope: list[ColumnElement[bool]]) -> Select[*tuple[Any, ...]]:
    """This term's contacts per student and family, counted in SQL: conversations that count
    and the other attempts, the latest of each, and who held the latest conversation.

    A contact with two carers of one household is one contact for that family, hence the
    distinct counts. The carers are outer joins because SQLite keeps an outer join's order:
    the term's contacts stay the outer loop, found through the covering index, even in a
    database that was never analysed (inner joins let it start from all of contact_carer).
    A contact with no carer makes a group with no family, which no family of the dashboard
    matches.
    """
    counted = _counted(ContactRecord)
    family = _family_key(Carer)
    per_family = (
        select(
            ContactRecord.student_id.label("student_id"),
            family.label("family"),
            func.count(distinct(case((counted, ContactRecord.id)))).label("conversations"),
            func.max(case((counted, ContactRecord.at))).label("last_at"),
            func.count(distinct(case((~counted, ContactRecord.id)))).label("attempts"),
            func.max(case((~counted, ContactRecord.at))).label("last_attempt_at"),
        )
        .join(Student, Student.id == ContactRecord.student_id)
        .outerjoin(ContactCarer, ContactCarer.contact_id == ContactRecord.id)
        .outerjoin(Carer, Carer.id == ContactCarer.carer_id)
        .where(*_in_term(ContactRecord), *scope)
        .group_by(ContactRecord.student_id, family)
        .subquery("per_family")
    )
    last = aliased(ContactRecord)
    last_link = aliased(ContactCarer)
    last_carer = aliased(Carer)
    # The newest entry of the family's latest conversation: a few entries of the index.
    last_staff = (
        select(last.staff_id)
        .join(last_link, last_link.contact_id == last.id)
        .join(last_carer, last_carer.id == last_link.carer_id)
        .where(
            last.student_id == per_family.c.student_id,
            last.at == per_family.c.last_at,
            _family_key(last_carer) == per_family.c.family,
            _counted(last),
        )
        .order_by(last.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    # Names are looked up apart: joining staff on this subquery's result would have
    # PostgreSQL run it twice per family.
    return select(per_family, last_staff.label("staff_id"))


class _Family:
    """A family as the rule sees it, gathered from its carers' links to one student."""

    __slots__ = (
        "carer_ids",
        "carers",
        "contactable",
        "contactable_responsible",
        "languages",
        "lives_with",
        "notes",
        "responsible",
    )

    def __init__(self) -> None:
        self.carer_ids: list[int] = []
        self.carers: list[str] = []
        self.notes: list[str] = []
        self.languages: list[str] = []
        self.responsible = False
        self.contactable = False
        self.contactable_responsible = False
        self.lives_with = False


def _families(links: Iterable[Sequence[Any]]) -> dict[int, dict[int, _Family]]:
    """Per student, the families their carers form, in contact order."""
    families: dict[int, dict[int, _Family]] = defaultdict(dict)
    for (
        student_id,
        carer_id,
        key,
        title,
        first,
        last,
        relation,
        pr,
        restriction,
        note,
        lives,
        needs_interp,
        spoken,
        dialect,
    ) in links:
        family = families[student_id].get(key)
        if family is None:
            family = families[student_id][key] = _Family()
        restricted = restriction is not Restriction.NONE
        name = " ".join(p for p in (title, first, last) if p)
        family.carer_ids.append(carer_id)
        family.carers.append(
            f"{name} ({relation.label})" + (f" – {restriction.label}" if restricted else "")
        )
        family.responsible |= bool(pr)
        family.lives_with |= bool(lives)
        if restricted:
            family.notes.append(f"{name}: {restriction.label}" + (f" – {note}" if note else ""))
        else:
            family.contactable = True
            family.contactable_responsible |= bool(pr)
            if needs_interp:
                language = language_name(spoken)
                if dialect and dialect not in language:
                    language = f"{language} ({dialect})"
                if language not in family.languages:
                    family.languages.append(language)
    return families


def _assemble(
    position: TermPosition,
    rule: RuleView,
    students: Iterable[Sequence[Any]],
    links: Iterable[Sequence[Any]],
    contacts: Iterable[Sequence[Any]],
    staff: dict[int, str],
) -> list[StudentStatusRow]:
    nothing: tuple[int, dt.datetime | None, int, dt.datetime | None, str] = (0, None, 0, None, "")
    counts = {
        (student_id, key): (conv, last_at, att, last_try, staff.get(by, ""))
        for student_id, key, conv, last_at, att, last_try, by in contacts
    }
    families = _families(links)
    pr_only = rule.parental_responsibility_only
    needed = rule.conversations_per_term
    overdue_window = position.in_term and position.days_left <= rule.overdue_days_before_end
    term_over = not position.in_term and position.day > position.term.end_date
    late = overdue_window or term_over
    result = []
    for student_id, first, pref, last, class_id, class_name, positive, concern in students:
        statuses = []
        for key, family in families.get(student_id, {}).items():
            if pr_only and not family.responsible:
                continue
            conv, last_at, att, last_try, by = counts.get((student_id, key), nothing)
            if not (family.contactable_responsible if pr_only else family.contactable):
                state = FamilyState.RESTRICTED
            elif conv >= needed:
                state = FamilyState.CONTACTED
            elif conv or att:
                state = FamilyState.ATTEMPTED
            else:
                state = FamilyState.NOT_YET
            statuses.append(
                FamilyStatus(
                    key,
                    tuple(family.carer_ids),
                    tuple(family.carers),
                    state,
                    conv,
                    att,
                    last_at,
                    by,
                    last_try,
                    tuple(family.languages),
                    "; ".join(family.notes),
                    family.lives_with,
                    late and state in (FamilyState.ATTEMPTED, FamilyState.NOT_YET),
                )
            )
        statuses.sort(key=lambda f: (not f.lives_with_student, f.key))
        result.append(
            StudentStatusRow(
                student_id,
                f"{pref or first} {last}",
                class_id,
                class_name or "",
                tuple(statuses),
                positive,
                concern,
            )
        )
    return result
