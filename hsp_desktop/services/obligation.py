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
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

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
from hsp_desktop.model.contacts import TWO_WAY_CHANNELS, Channel, Outcome, Tone
from hsp_desktop.model.enums import Restriction, StudentStatus
from hsp_desktop.model.homebook import Author
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


DEFAULT_RULE = RuleView(1, TWO_WAY_CHANNELS, True, 10, 0)


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

    def add(self, row: StudentStatusRow) -> Tally:
        counts = {s: 0 for s in FamilyState}
        overdue = 0
        for f in row.families:
            counts[f.state] += 1
            overdue += f.overdue
        return Tally(
            self.owed + row.owed,
            self.contacted + counts[FamilyState.CONTACTED],
            self.attempted + counts[FamilyState.ATTEMPTED],
            self.not_yet + counts[FamilyState.NOT_YET],
            self.restricted + counts[FamilyState.RESTRICTED],
            self.overdue + overdue,
            self.positive + row.positive,
            self.concern + row.concern,
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
        tally = Tally()
        for row in rows:
            tally = tally.add(row)
        return ClassDashboard(choice, position, rule, tuple(rows), tally)

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
        summaries = []
        total = Tally()
        overdue: list[tuple[str, str, FamilyStatus]] = []
        if None in by_class:
            order.append((None, NO_CLASS, ""))
        for cid, name, teacher in order:
            tally = Tally()
            for row in by_class.get(cid, []):
                tally = tally.add(row)
                overdue.extend((name, row.name, f) for f in row.families if f.overdue)
            summaries.append(ClassSummary(cid, name, teacher, len(by_class.get(cid, [])), tally))
        for row in rows:
            total = total.add(row)
        return SchoolDashboard(position, rule, tuple(summaries), total, tuple(overdue))

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


def _in_scope(day: dt.date, term_end: dt.date) -> list[ColumnElement[bool]]:
    """Students the rule applies to: on roll, admitted by the end of term, not yet left."""
    return [
        Student.status == StudentStatus.ON_ROLL,
        or_(Student.leaving_date.is_(None), Student.leaving_date > day),
        or_(Student.admission_date.is_(None), Student.admission_date <= term_end),
    ]


def compute(
    s: Session, position: TermPosition, rule: RuleView, class_id: int | None
) -> list[StudentStatusRow]:
    term = position.term
    day = position.day
    start, end = local_bounds(term.start_date, term.end_date)
    scope = _in_scope(day, term.end_date)
    if class_id is not None:
        scope.append(Student.class_id == class_id)

    # 1. The students, with their class names.
    students = s.execute(
        select(
            Student.id,
            Student.first_name,
            Student.preferred_first_name,
            Student.last_name,
            Student.class_id,
            SchoolClass.name,
        )
        .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
        .where(*scope)
        .order_by(Student.last_name, Student.first_name)
    ).all()
    if not students:
        return []

    # 2. Their carers, grouped into families (households).
    family_key = func.coalesce(Carer.household_id, -Carer.id)
    links = s.execute(
        select(
            StudentCarer.student_id,
            Carer.id,
            family_key,
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
    ).all()

    # 3. This term's contacts per student and family: count and latest, counted or not.
    counted = case(
        (
            (ContactRecord.outcome == Outcome.SPOKE)
            & ContactRecord.channel.in_(list(rule.counting_channels)),
            1,
        ),
        else_=0,
    ).label("counted")
    base = (
        select(
            ContactRecord.id.label("id"),
            ContactRecord.student_id.label("student_id"),
            family_key.label("fam"),
            ContactRecord.at.label("at"),
            ContactRecord.staff_id.label("staff_id"),
            counted,
        )
        .distinct()
        .join(ContactCarer, ContactCarer.contact_id == ContactRecord.id)
        .join(Carer, Carer.id == ContactCarer.carer_id)
        .join(Student, Student.id == ContactRecord.student_id)
        .where(ContactRecord.at >= start, ContactRecord.at < end, *scope)
        .subquery()
    )
    partition = (base.c.student_id, base.c.fam, base.c.counted)
    ranked = select(
        base.c.student_id,
        base.c.fam,
        base.c.counted,
        base.c.at,
        base.c.staff_id,
        func.row_number()
        .over(partition_by=partition, order_by=(base.c.at.desc(), base.c.id.desc()))
        .label("rn"),
        func.count().over(partition_by=partition).label("n"),
    ).subquery()
    latest = s.execute(
        select(
            ranked.c.student_id,
            ranked.c.fam,
            ranked.c.counted,
            ranked.c.at,
            ranked.c.n,
            StaffMember.title,
            StaffMember.first_name,
            StaffMember.last_name,
        )
        .outerjoin(StaffMember, StaffMember.id == ranked.c.staff_id)
        .where(ranked.c.rn == 1)
    ).all()

    # 4. Tone this term, and home-book achievements, per student.
    tones = s.execute(
        select(ContactRecord.student_id, ContactRecord.tone, func.count())
        .join(Student, Student.id == ContactRecord.student_id)
        .where(
            ContactRecord.at >= start,
            ContactRecord.at < end,
            ContactRecord.tone != Tone.NEUTRAL,
            ContactRecord.outcome.notin_([Outcome.NO_ANSWER, Outcome.WRONG_NUMBER]),
            *scope,
        )
        .group_by(ContactRecord.student_id, ContactRecord.tone)
    ).all()
    achievements = s.execute(
        select(HomeBookEntry.student_id, func.count())
        .join(Student, Student.id == HomeBookEntry.student_id)
        .where(
            HomeBookEntry.day >= term.start_date,
            HomeBookEntry.day <= min(term.end_date, day),
            HomeBookEntry.author == Author.SCHOOL,
            HomeBookEntry.achievements != literal(""),
            *scope,
        )
        .group_by(HomeBookEntry.student_id)
    ).all()

    return _assemble(position, rule, students, links, latest, tones, achievements)


def _assemble(
    position: TermPosition,
    rule: RuleView,
    students: Iterable[tuple],
    links: Iterable[tuple],
    latest: Iterable[tuple],
    tones: Iterable[tuple],
    achievements: Iterable[tuple],
) -> list[StudentStatusRow]:
    seen: dict[tuple[int, int], tuple[int, dt.datetime | None, str]] = {}
    tried: dict[tuple[int, int], tuple[int, dt.datetime | None]] = {}
    for student_id, fam, was_counted, at, n, s_title, s_first, s_last in latest:
        if was_counted:
            by = " ".join(p for p in (s_title, s_first, s_last) if p)
            seen[(student_id, fam)] = (n, at, by)
        else:
            tried[(student_id, fam)] = (n, at)
    positive: dict[int, int] = defaultdict(int)
    concern: dict[int, int] = defaultdict(int)
    for student_id, tone, n in tones:
        if tone == Tone.POSITIVE:
            positive[student_id] += n
        elif tone == Tone.CONCERN:
            concern[student_id] += n
    for student_id, n in achievements:
        positive[student_id] += n

    @dataclass
    class _Family:
        carer_ids: list[int] = field(default_factory=list)
        carers: list[str] = field(default_factory=list)
        responsible: bool = False
        contactable_responsible: bool = False
        contactable: bool = False
        notes: list[str] = field(default_factory=list)
        languages: list[str] = field(default_factory=list)
        lives_with: bool = False

    families: dict[int, dict[int, _Family]] = defaultdict(dict)
    for (
        student_id,
        carer_id,
        fam,
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
        family = families[student_id].setdefault(fam, _Family())
        restricted = restriction != Restriction.NONE
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

    overdue_window = position.in_term and position.days_left <= rule.overdue_days_before_end
    term_over = not position.in_term and position.day > position.term.end_date
    result = []
    for student_id, first, pref, last, class_id, class_name in students:
        statuses = []
        for fam, family in families.get(student_id, {}).items():
            owed_kind = family.responsible if rule.parental_responsibility_only else True
            if not owed_kind:
                continue
            conv, last_at, by = seen.get((student_id, fam), (0, None, ""))
            att, last_try = tried.get((student_id, fam), (0, None))
            able = (
                family.contactable_responsible
                if rule.parental_responsibility_only
                else family.contactable
            )
            if not able:
                state = FamilyState.RESTRICTED
            elif conv >= rule.conversations_per_term:
                state = FamilyState.CONTACTED
            elif conv or att:
                state = FamilyState.ATTEMPTED
            else:
                state = FamilyState.NOT_YET
            statuses.append(
                FamilyStatus(
                    fam,
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
                    state in (FamilyState.ATTEMPTED, FamilyState.NOT_YET)
                    and (overdue_window or term_over),
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
                positive.get(student_id, 0),
                concern.get(student_id, 0),
            )
        )
    return result
